//! A real SMTP server for the tests: Python's aiosmtpd (`tests/smtp/server.py`)
//! on a free loopback port, killed when dropped. `scripts/test` installs it
//! in a virtual environment and names its Python in `LATCHKEY_TEST_PYTHON`;
//! in CI a missing server fails the test, elsewhere the test is skipped.

use std::path::PathBuf;
use std::time::Duration;

use latchkey::notify::mail::{MailConfig, MailTransport, Security, Smtp, SmtpConfig};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::TempDir;

pub struct SmtpServer {
    pub port: u16,
    /// The CA file to trust when the server speaks STARTTLS.
    pub ca_file: Option<PathBuf>,
    out: PathBuf,
    _child: Child,
    _dir: TempDir,
}

/// One message as the server received it.
#[derive(Debug, serde::Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub data: String,
    pub tls: bool,
    pub user: Option<String>,
}

/// A loopback port nothing listens on (just now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Plain SMTP to `port` on loopback, without credentials: whether or not
/// a server listens there yet.
pub fn plain_config(port: u16) -> MailConfig {
    MailConfig {
        transport: MailTransport::Smtp,
        from: "Password service <no-reply@example.edu>".into(),
        smtp: SmtpConfig {
            host: "localhost".into(),
            port,
            security: Security::None,
            username: String::new(),
            ca_file: None,
            timeout_seconds: 10,
        },
    }
}

fn python() -> Option<String> {
    let python = std::env::var("LATCHKEY_TEST_PYTHON").ok();
    if python.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set LATCHKEY_TEST_PYTHON to a Python with aiosmtpd (scripts/test does)"
        );
        eprintln!("SMTP test skipped: LATCHKEY_TEST_PYTHON is not set (scripts/test sets it)");
    }
    python
}

impl SmtpServer {
    /// A server that offers and requires STARTTLS when `tls`, and requires
    /// these credentials when `login` is given. `None`: skipped (see above).
    pub async fn start(name: &str, tls: bool, login: Option<(&str, &str)>) -> Option<SmtpServer> {
        let port = free_port();
        SmtpServer::start_at(name, port, tls, login).await
    }

    /// The same, on `port`: a mail server that comes back where it was.
    pub async fn start_at(
        name: &str,
        port: u16,
        tls: bool,
        login: Option<(&str, &str)>,
    ) -> Option<SmtpServer> {
        let python = python()?;
        let dir = TempDir::new(&format!("smtp-{name}"));
        let out = dir.0.join("received.jsonl");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/smtp/server.py");
        let mut command = Command::new(python);
        command
            .arg(script)
            .args(["--port", &port.to_string(), "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut ca_file = None;
        if tls {
            let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
            let cert_file = dir.write("cert.pem", &cert.cert.pem());
            let key_file = dir.write("key.pem", &cert.signing_key.serialize_pem());
            command.args(["--cert", &cert_file, "--key", &key_file]);
            ca_file = Some(PathBuf::from(cert_file));
        }
        if let Some((user, password)) = login {
            command.args(["--user", user, "--password", password]);
        }
        let mut child = command.spawn().expect("the SMTP test server starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the SMTP test server is ready within 30 s")
            .unwrap();
        assert_eq!(ready.as_deref(), Some("ready"));
        Some(SmtpServer {
            port,
            ca_file,
            out,
            _child: child,
            _dir: dir,
        })
    }

    /// Mail configuration that reaches this server.
    pub fn config(&self, security: Security, username: &str) -> MailConfig {
        let mut config = plain_config(self.port);
        config.smtp.security = security;
        config.smtp.username = username.into();
        config.smtp.ca_file = self.ca_file.clone();
        config
    }

    pub fn mailer(&self, security: Security, login: Option<(&str, &str)>) -> Smtp {
        let (user, password) = login.unwrap_or_default();
        Smtp::new(&self.config(security, user), password).unwrap()
    }

    /// Everything received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}
