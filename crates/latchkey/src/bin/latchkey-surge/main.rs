//! The start-of-term surge, simulated. Of a campus's accounts, N people
//! each reset their password through the JSON API of two `latchkey serve`
//! instances that share one PostgreSQL database, while one instance is
//! killed with SIGKILL and started again, and (with `--outage-at`) the
//! database goes away for a while. It reports completed resets per second,
//! latency, what people saw while the database was gone, the instances'
//! peak memory and errors, then checks every account: a completed reset's
//! new password works; any other account still has its old password or the
//! new one, never neither, and its reset goes through when tried again;
//! the accounts of people who did not reset are untouched.
//!
//! Built only with `--features test-hooks`: the instances show a known
//! CAPTCHA answer, and codes are read from the outbox table. Loopback only,
//! bounded in people and in time. `scripts/surge` runs it.

mod cluster;
mod outage;
mod people;
mod report;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use latchkey::domain::change::verify_password;
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::store::Store;
use serde_json::{Value, json};
use sqlx::postgres::PgPool;
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, Semaphore};

use cluster::{Cluster, Instance, free_port};
use people::{Person, load_people};
use report::{loopback_only, percentile};

const ANSWER: &str = "K7MPQ";
const OLD_PASSWORD: &str = "Vt9#qkzP";
/// Requests one person's reset may take before it counts as stuck.
const MAX_REQUESTS: usize = 40;

#[derive(Parser)]
#[command(about = "Simulate a reset surge against two instances on one PostgreSQL database")]
struct Args {
    /// An empty PostgreSQL database on this machine.
    #[arg(long)]
    database_url: String,
    /// How many people reset (at most 50,000).
    #[arg(long, default_value_t = 300)]
    people: usize,
    /// How many accounts the campus has (at least --people, at most
    /// 100,000); the default is --people.
    #[arg(long)]
    accounts: Option<usize>,
    /// Take the database away once this share of the people are done.
    #[arg(long)]
    outage_at: Option<f64>,
    /// For this many seconds.
    #[arg(long, default_value_t = 15)]
    outage_seconds: u64,
    /// How many reset at the same moment.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Earlier passwords each person has besides the current one: a new
    /// password is checked against all of them (the policy keeps 24 in all).
    #[arg(long, default_value_t = 23)]
    history: usize,
    /// Kill one instance once this share of the people are done.
    #[arg(long, default_value_t = 0.3)]
    kill_at: f64,
    /// Stop waiting after this many seconds.
    #[arg(long, default_value_t = 900)]
    time_limit: u64,
    /// Cheap Argon2id (256 KiB, one pass): checks the harness, not the speed.
    #[arg(long)]
    cheap_hashing: bool,
    /// The `latchkey` binary, built with `--features test-hooks` (default: beside this one).
    #[arg(long)]
    latchkey: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("runtime: {e}")),
    };
    match runtime.block_on(run(args)) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> std::process::ExitCode {
    eprintln!("latchkey-surge: {message}");
    std::process::ExitCode::from(2)
}

/// What the run saw, shared by the tasks.
#[derive(Default)]
struct Tally {
    completed: AtomicUsize,
    failovers: AtomicUsize,
    refusals: AtomicUsize,
    /// Resets begun again: the code was taken by the instance that was
    /// killed before it answered, so the renewed token never arrived.
    restarts: AtomicUsize,
    /// "Try again in a minute" answers (503), and how long each took.
    unavailable_ms: Mutex<Vec<f64>>,
    /// Each request's time: the password step apart, as it carries the hashing.
    password_ms: Mutex<Vec<f64>>,
    other_ms: Mutex<Vec<f64>>,
    reset_ms: Mutex<Vec<f64>>,
}

struct Ctx {
    cluster: Cluster,
    http: reqwest::Client,
    db: PgPool,
    tally: Tally,
}

impl Ctx {
    /// One API request; a connection that fails (an instance down) moves
    /// the person to the other instance and tries again: no stickiness.
    async fn call(
        &self,
        instance: &mut usize,
        person: &Person,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        for _ in 0..120 {
            let port = self.cluster.port(*instance).await;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", Cluster::url(port)))
                .header("x-forwarded-for", &person.address);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let started = Instant::now();
            match request.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let bytes = answer.bytes().await.map_err(|e| e.to_string());
                    let Ok(bytes) = bytes else {
                        // Cut off mid-answer: the request may or may not have been applied.
                        self.tally.failovers.fetch_add(1, Ordering::Relaxed);
                        *instance = 1 - *instance;
                        continue;
                    };
                    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                    if status == 503 {
                        // The database is away: a person told to try again in
                        // a minute; the harness comes back sooner, to see when
                        // it is back.
                        self.tally.unavailable_ms.lock().await.push(elapsed);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    let times = match path.ends_with("/password") {
                        true => &self.tally.password_ms,
                        false => &self.tally.other_ms,
                    };
                    times.lock().await.push(elapsed);
                    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                    return Ok((status, json));
                }
                Err(_) => {
                    self.tally.failovers.fetch_add(1, Ordering::Relaxed);
                    *instance = 1 - *instance;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        Err(format!("{path}: no instance answered"))
    }

    /// The newest code texted to `phone`, from the outbox table.
    async fn code_for(&self, phone: &str) -> Result<String, String> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = $1 AND channel = 'sms' ORDER BY id DESC LIMIT 1",
        )
        .bind(phone)
        .fetch_optional(&self.db)
        .await
        .map_err(|e| format!("outbox: {e}"))?;
        let body = body.ok_or("no code in the outbox")?;
        Ok(body.chars().filter(char::is_ascii_digit).take(6).collect())
    }

    /// One person's whole reset, step by step as the state says, from
    /// whichever instance answers.
    /// One person's reset, begun again (once) when the answer carrying the
    /// renewed token was lost with a killed instance: as a person would,
    /// who starts over.
    async fn reset(&self, person: &Person, instance: usize) -> Result<(), String> {
        match self.reset_once(person, instance).await {
            Err(Lost::RenewedToken) => {
                self.tally.restarts.fetch_add(1, Ordering::Relaxed);
                self.reset_once(person, instance)
                    .await
                    .map_err(|lost| lost.to_string())
            }
            other => other.map_err(|lost| lost.to_string()),
        }
    }

    async fn reset_once(&self, person: &Person, mut instance: usize) -> Result<(), Lost> {
        use reqwest::Method;
        let (status, started) = self
            .call(
                &mut instance,
                person,
                Method::POST,
                "/api/v1/reset",
                None,
                None,
            )
            .await?;
        if status != 201 {
            return Err(Lost::Other(format!("start: {status} {started}")));
        }
        let mut token = started["token"]
            .as_str()
            .ok_or(Lost::Other("no token".into()))?
            .to_owned();
        let mut state = started["state"].clone();
        for _ in 0..MAX_REQUESTS {
            let step = state["step"].as_str().unwrap_or("").to_owned();
            let (path, body) = match step.as_str() {
                "identify" => (
                    "/api/v1/reset/identify",
                    json!({"identifier": person.username}),
                ),
                "captcha" => (
                    "/api/v1/reset/captcha",
                    json!({"answer": ANSWER.to_lowercase(), "pow": solved(&state["pow"])}),
                ),
                "method" => ("/api/v1/reset/method", json!({"method": "sms"})),
                "code" => (
                    "/api/v1/reset/code",
                    json!({"code": self.code_for(&person.phone).await?}),
                ),
                "password" => (
                    "/api/v1/reset/password",
                    json!({"password": person.new_password, "confirm": person.new_password}),
                ),
                "done" => return Ok(()),
                other => {
                    return Err(Lost::Other(format!("stopped at step {other:?}: {state}")));
                }
            };
            let (status, answer) = self
                .call(
                    &mut instance,
                    person,
                    Method::POST,
                    path,
                    Some(&token),
                    Some(body),
                )
                .await?;
            match status {
                // 409: a retry of a request the killed instance had applied.
                200 | 409 => {}
                422 => {
                    self.tally.refusals.fetch_add(1, Ordering::Relaxed);
                    if step == "password" {
                        return Err(Lost::Other(format!("password refused: {answer}")));
                    }
                }
                // The code was taken by an instance killed before it answered:
                // the reset moved on under a token that never arrived.
                401 if step == "code" => return Err(Lost::RenewedToken),
                _ => return Err(Lost::Other(format!("{path}: {status} {answer}"))),
            }
            // The code step renews the reset's token: the old one is dead.
            if let Some(renewed) = answer["token"].as_str() {
                token = renewed.to_owned();
            }
            state = answer;
        }
        Err(Lost::Other("too many requests for one reset".into()))
    }
}

/// Why one try at a reset did not finish.
enum Lost {
    RenewedToken,
    Other(String),
}

impl From<String> for Lost {
    fn from(why: String) -> Lost {
        Lost::Other(why)
    }
}

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lost::RenewedToken => write!(f, "the renewed token was lost with a killed instance"),
            Lost::Other(why) => write!(f, "{why}"),
        }
    }
}

async fn run(args: Args) -> Result<bool, String> {
    loopback_only(&args.database_url)?;
    let accounts = args.accounts.unwrap_or(args.people);
    if args.people == 0 || args.people > 50_000 || args.concurrency == 0 {
        return Err("--people must be 1 to 50000 and --concurrency at least 1".into());
    }
    if accounts < args.people || accounts > 100_000 {
        return Err("--accounts must be --people to 100000".into());
    }
    let binary = match args.latchkey {
        Some(path) => path,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("latchkey"),
    };
    let hashing = if args.cheap_hashing {
        HashingConfig {
            memory_kib: 256,
            iterations: 1,
            ..HashingConfig::default()
        }
    } else {
        HashingConfig::default()
    };
    let hasher = Hasher::new(&hashing).map_err(|e| e.to_string())?;

    let store = Store::open(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let db = PgPool::connect(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&db)
        .await
        .map_err(|e| e.to_string())?;
    if existing > 0 {
        return Err("the database already has accounts: give the surge an empty one".into());
    }
    let mut people: Vec<Person> = (0..accounts).map(Person::new).collect();
    println!(
        "loading {accounts} accounts, {} passwords each …",
        args.history + 1
    );
    let loading = Instant::now();
    let secret = latchkey::secrets::random_token();
    let key = latchkey::secrets::SecretKey::new(secret.as_bytes()).ok_or("a short secret")?;
    load_people(&store, &db, &hasher, &key, &people, args.history).await?;
    println!("loaded in {:.1} s", loading.elapsed().as_secs_f64());
    // The first --people of them reset; the others must stay as they are.
    people.truncate(args.people);

    // One Argon2id evaluation on one core, for the hash-bound limit.
    let timed = Instant::now();
    for k in 0..10 {
        hasher
            .hash(&format!("Probe{k}#x"))
            .await
            .map_err(|e| e.to_string())?;
    }
    let hash_ms = timed.elapsed().as_secs_f64() * 1000.0 / 10.0;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // One hash checks the whole history, one is the new password's.
    let per_reset = 2.0;
    let bound = cores as f64 * 1000.0 / (per_reset * hash_ms);

    let dir = std::env::temp_dir().join(format!("latchkey-surge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let config = dir.join("latchkey.toml");
    // The instances reach the database through a proxy that can take it away.
    let proxy = Arc::new(outage::Proxy::start(outage::server_of(&args.database_url)?).await?);
    let proxied_url = outage::via(&args.database_url, proxy.address)?;
    // Its people's phones share one prefix and it measures hashing, not the
    // budget for texts: a campus sizes that budget to its own surge.
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = {:?}\n\n[hashing]\nmemory_kib = {}\niterations = {}\n\n\
             [network]\ncampus = [\"10.0.0.0/8\"]\ntrusted_proxies = [\"127.0.0.1\"]\n\n\
             [throttle]\nmessages_per_hour = 1000000\nmessages_per_day = 1000000\n\
             messages_per_prefix = 1000000\n\n\
             # The surge is people, not bots: hundreds at once would raise the\n\
             # proof of work's level for all, which this harness does not measure.\n\
             [captcha]\nservice_rise_every = 1000000\n",
            proxied_url, hashing.memory_kib, hashing.iterations
        ),
    )
    .map_err(|e| e.to_string())?;
    let cluster = Cluster {
        binary,
        config,
        log_dir: dir.clone(),
        secret,
        instances: vec![
            Mutex::new(Instance {
                port: free_port()?,
                child: None,
            }),
            Mutex::new(Instance {
                port: free_port()?,
                child: None,
            }),
        ],
    };
    cluster.start(0).await?;
    cluster.start(1).await?;
    let ctx = Arc::new(Ctx {
        cluster,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?,
        db,
        tally: Tally::default(),
    });
    println!(
        "two instances on ports {} and {}; {} people, {} at a time",
        ctx.cluster.port(0).await,
        ctx.cluster.port(1).await,
        args.people,
        args.concurrency
    );

    let people = Arc::new(people);
    let began = Instant::now();
    let killer = {
        let ctx = ctx.clone();
        let kill_after = ((args.people as f64 * args.kill_at) as usize).max(1);
        tokio::spawn(async move {
            while ctx.tally.completed.load(Ordering::Relaxed) < kill_after {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let at = began.elapsed();
            ctx.cluster.kill(1).await?;
            let down = Instant::now();
            tokio::time::sleep(Duration::from_secs(1)).await;
            ctx.cluster.start(1).await?;
            Ok::<_, String>((at, down.elapsed()))
        })
    };
    let outage = args.outage_at.map(|share| {
        let (ctx, proxy) = (ctx.clone(), proxy.clone());
        let after = ((args.people as f64 * share) as usize).max(1);
        let seconds = args.outage_seconds;
        tokio::spawn(async move {
            while ctx.tally.completed.load(Ordering::Relaxed) < after {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let at = began.elapsed();
            let done_before = ctx.tally.completed.load(Ordering::Relaxed);
            proxy.cut().await;
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            let done_during = ctx.tally.completed.load(Ordering::Relaxed) - done_before;
            proxy.restore();
            (at, done_during)
        })
    });
    let gate = Arc::new(Semaphore::new(args.concurrency));
    let mut tasks = Vec::new();
    for i in 0..args.people {
        let (ctx, people, gate) = (ctx.clone(), people.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
            let started = Instant::now();
            let result = ctx.reset(&people[i], i % 2).await;
            if result.is_ok() {
                ctx.tally.completed.fetch_add(1, Ordering::Relaxed);
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                ctx.tally.reset_ms.lock().await.push(ms);
            }
            Ok::<_, String>(result.err())
        }));
    }
    let mut failed = Vec::new();
    let deadline = began + Duration::from_secs(args.time_limit);
    for (i, task) in tasks.into_iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, task).await {
            Ok(Ok(Ok(None))) => {}
            Ok(Ok(Ok(Some(error)))) => failed.push((i, error)),
            Ok(Ok(Err(e))) => failed.push((i, e)),
            Ok(Err(e)) => failed.push((i, format!("task: {e}"))),
            Err(_) => failed.push((i, "out of time".into())),
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let kill = match killer.await {
        Ok(Ok(kill)) => Some(kill),
        Ok(Err(e)) => return Err(e),
        Err(_) => None,
    };
    let outage = match outage {
        Some(task) => task.await.ok(),
        None => None,
    };
    let peaks = [
        ctx.cluster.peak_memory_kib(0).await,
        ctx.cluster.peak_memory_kib(1).await,
    ];

    let tally = &ctx.tally;
    let completed = tally.completed.load(Ordering::Relaxed);
    let mut resets = tally.reset_ms.lock().await.clone();
    let mut password_step = tally.password_ms.lock().await.clone();
    let mut other_steps = tally.other_ms.lock().await.clone();
    for times in [&mut resets, &mut password_step, &mut other_steps] {
        times.sort_by(f64::total_cmp);
    }
    println!();
    println!("accounts               {accounts}");
    println!("people                 {}", args.people);
    println!(
        "completed              {completed} in {elapsed:.1} s: {:.2} resets/s",
        completed as f64 / elapsed
    );
    println!(
        "hash-bound limit       {bound:.2} resets/s ({cores} cores ÷ ({per_reset} Argon2id × {hash_ms:.1} ms)); reached {:.0} %",
        100.0 * completed as f64 / elapsed / bound
    );
    println!(
        "whole reset            p50 {:.0} ms, p99 {:.0} ms",
        percentile(&resets, 50.0),
        percentile(&resets, 99.0)
    );
    for (name, times) in [
        ("password step", &password_step),
        ("other steps", &other_steps),
    ] {
        println!(
            "{name:<23}p50 {:.1} ms, p99 {:.1} ms ({} requests)",
            percentile(times, 50.0),
            percentile(times, 99.0),
            times.len()
        );
    }
    if let Some((at, down)) = kill {
        println!(
            "instance killed        SIGKILL at {:.1} s, serving again {:.1} s later",
            at.as_secs_f64(),
            down.as_secs_f64()
        );
    }
    if let Some((at, done_during)) = outage {
        let mut answered = tally.unavailable_ms.lock().await.clone();
        answered.sort_by(f64::total_cmp);
        println!(
            "database away          {} s from {:.1} s: {} answers \"try again in a minute\" (503), \
             answered in p50 {:.0} ms, max {:.0} ms; {done_during} resets finished meanwhile",
            args.outage_seconds,
            at.as_secs_f64(),
            answered.len(),
            percentile(&answered, 50.0),
            answered.last().copied().unwrap_or(0.0)
        );
    }
    for (index, peak) in peaks.iter().enumerate() {
        if let Some(kib) = peak {
            println!(
                "instance {index} peak memory {:.0} MiB (VmHWM)",
                *kib as f64 / 1024.0
            );
        }
    }
    println!(
        "failovers              {} requests moved to the other instance",
        tally.failovers.load(Ordering::Relaxed)
    );
    println!(
        "refused on the way     {} (422 answers)",
        tally.refusals.load(Ordering::Relaxed)
    );
    println!(
        "restarted              {} (the renewed token was lost with the killed instance)",
        tally.restarts.load(Ordering::Relaxed)
    );
    println!("errors                 {}", failed.len());
    for (i, error) in failed.iter().take(10) {
        println!("  {}: {error}", people[*i].username);
    }

    // Every account: the new password for a completed reset; for the rest,
    // the old or the new one, and a second try must go through.
    let mut neither = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let Some(account) = store
            .find_account(&person.username)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Err(format!("{} is gone", person.username));
        };
        let new = verify_password(&store, &hasher, &account, &person.new_password)
            .await
            .map_err(|e| e.to_string())?;
        let was_failed = failed.iter().any(|(f, _)| *f == i);
        if new {
            continue;
        }
        let old = verify_password(&store, &hasher, &account, OLD_PASSWORD)
            .await
            .map_err(|e| e.to_string())?;
        if !old {
            neither.push(person.username.clone());
        } else if !was_failed {
            neither.push(format!(
                "{} (reported done, but the old password is current)",
                person.username
            ));
        }
    }
    let mut retried_ok = 0;
    let mut still_failing = Vec::new();
    for (i, _) in &failed {
        let person = &people[*i];
        let account = store
            .find_account(&person.username)
            .await
            .map_err(|e| e.to_string())?;
        let already = match &account {
            Some(account) => verify_password(&store, &hasher, account, &person.new_password)
                .await
                .map_err(|e| e.to_string())?,
            None => false,
        };
        match ctx.reset(person, 0).await {
            Ok(()) => retried_ok += 1,
            // Already changed by the first try: the history refuses it again, rightly.
            Err(_) if already => retried_ok += 1,
            Err(e) => still_failing.push(format!("{}: {e}", person.username)),
        }
    }
    // Whoever did not reset keeps exactly what was loaded.
    let touched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts a WHERE a.username >= $1 AND
           (SELECT MAX(created_at) FROM password_history h WHERE h.account_id = a.id) <> $2",
    )
    .bind(format!("s{:05}", args.people))
    .bind(args.history as i64 + 1)
    .fetch_one(&ctx.db)
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "others changed         {touched} of {}",
        accounts - args.people
    );
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM directory_pending")
        .fetch_one(&ctx.db)
        .await
        .map_err(|e| e.to_string())?;
    println!("accounts with neither  {}", neither.len());
    for name in neither.iter().take(10) {
        println!("  {name}");
    }
    println!(
        "retried                {retried_ok} of {} went through",
        failed.len()
    );
    for line in still_failing.iter().take(10) {
        println!("  {line}");
    }
    println!("pending writes         {pending}");
    println!("instance logs          {}", dir.display());
    ctx.cluster.kill(0).await?;
    ctx.cluster.kill(1).await?;
    Ok(neither.is_empty() && still_failing.is_empty() && pending == 0 && touched == 0)
}

/// The image's proof of work, when the state offers one beside it (the
/// cost is raised): solved as a browser would.
fn solved(offered: &serde_json::Value) -> Option<String> {
    let challenge = serde_json::from_value(offered.clone()).ok()?;
    latchkey::captcha::pow::solve(&challenge).map(|s| latchkey::captcha::pow::encode(&s))
}
