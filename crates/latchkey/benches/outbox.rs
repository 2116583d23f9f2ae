//! Throughput of the delivery queue through a real SMTP server: N notices
//! queued in one database, drained by two workers as two instances run
//! them (each claims one row at a time under its lease, and opens its own
//! SMTP session per message), into Python's aiosmtpd (`tests/smtp/server.py`).
//! On SQLite, or on PostgreSQL with `LATCHKEY_BENCH_POSTGRES_URL`.
//!
//!     LATCHKEY_TEST_PYTHON=target/test-python/bin/python \
//!       cargo bench -p latchkey --bench outbox -- 2000

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use latchkey::clock::SystemClock;
use latchkey::config::ThrottleConfig;
use latchkey::domain::budget::Budget;
use latchkey::notify::mail::{MailConfig, MailTransport, Security, Smtp, SmtpConfig};
use latchkey::notify::queue::{Kind, LEASE_SECONDS, Providers, Queue, Tried};
use latchkey::notify::{Channel, Message, MessageProvider, Outbox};
use latchkey::secrets::SecretKey;
use latchkey::store::Store;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = std::env::var("LATCHKEY_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/test-python/bin/python"));
    let dir = std::env::temp_dir().join(format!("latchkey-bench-outbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let received = dir.join("received.jsonl");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(&python)
        .arg(root.join("tests/smtp/server.py"))
        .args(["--port", &port.to_string(), "--out"])
        .arg(&received)
        .stdout(Stdio::piped())
        .spawn()
        .expect("Python with aiosmtpd: run scripts/test once, or set LATCHKEY_TEST_PYTHON");
    let mut ready = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "ready");

    let (url, backend) = match std::env::var("LATCHKEY_BENCH_POSTGRES_URL") {
        Ok(url) => (url, "PostgreSQL"),
        Err(_) => (
            format!("sqlite://{}", dir.join("bench.db").display()),
            "SQLite",
        ),
    };
    let store = Store::open(&url).await.unwrap();
    let key = SecretKey::random();
    let throttle = ThrottleConfig::default();
    let budget = Budget {
        store: &store,
        throttle: &throttle,
    };
    let queue = Queue {
        store: &store,
        key: &key,
        spend: &budget,
        lease: LEASE_SECONDS,
    };
    let now = latchkey::clock::Clock::now(&SystemClock);
    let messages: Vec<Message> = (0..count)
        .map(|i| Message {
            channel: Channel::Email,
            recipient: format!("person{i}@example.edu"),
            subject: "Your university password was changed".into(),
            body: "Your university password was changed. If this was not you, call the help desk."
                .into(),
            language: latchkey::i18n::Lang::En,
        })
        .collect();
    for chunk in messages.chunks(200) {
        (queue)
            .enqueue(chunk, None, Kind::Notice, now + 86_400, now)
            .await
            .unwrap();
    }

    let mail = MailConfig {
        transport: MailTransport::Smtp,
        from: "Password service <no-reply@example.edu>".into(),
        smtp: SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            ..SmtpConfig::default()
        },
    };
    let started = Instant::now();
    let worker = |name: &'static str| {
        let (queue, mail) = (queue, mail.clone());
        async move {
            let smtp = Smtp::new(&mail, "").unwrap();
            let texts = Outbox::new(queue.store.clone());
            drain(queue, &texts, &smtp, name).await
        }
    };
    let (a, b) = tokio::join!(worker("instance-a"), worker("instance-b"));
    let seconds = started.elapsed().as_secs_f64();
    let delivered = std::fs::read_to_string(&received).unwrap().lines().count();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(delivered, count, "every message delivered once");
    println!(
        "{count} notices through SMTP by two workers on {backend}: {seconds:.1} s, {:.0} messages/s \
         (instance A sent {a}, instance B {b})",
        count as f64 / seconds
    );

    // The queue's own cost: the same notices into the store's outbox table
    // instead of SMTP (claim, send, mark: the database alone).
    for chunk in messages.chunks(200) {
        (queue)
            .enqueue(chunk, None, Kind::Notice, now + 86_400, now)
            .await
            .unwrap();
    }
    let started = Instant::now();
    let local = |name: &'static str| async move {
        let outbox = Outbox::new(queue.store.clone());
        drain(queue, &outbox, &outbox, name).await
    };
    tokio::join!(local("instance-a"), local("instance-b"));
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "the same {count} into the local outbox table (no SMTP) on {backend}: {seconds:.1} s, {:.0} messages/s",
        count as f64 / seconds
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// One worker's rounds until the queue has nothing due: the messages it sent.
async fn drain(
    queue: Queue<'_>,
    messages: &dyn MessageProvider,
    mail: &dyn MessageProvider,
    worker: &str,
) -> usize {
    let providers = Providers { messages, mail };
    let mut sent = 0;
    loop {
        let tried = (queue)
            .deliver_due(&providers, worker, &SystemClock)
            .await
            .unwrap();
        if tried.is_empty() {
            return sent;
        }
        sent += tried.iter().filter(|(_, t)| *t == Tried::Sent).count();
    }
}
