//! `latchkey serve` and `latchkey outbox`, run as an operator would.

use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::support::{TempDir, latchkey};

/// `GET path` over a plain socket: the status line and the body.
pub(crate) fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// One request with `cookie` and a form `body` (empty: none); the whole answer.
fn http(address: &str, method: &str, path: &str, cookie: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The text in `text` between `start` and the next `end`.
fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let to = text[from..].find(end).unwrap() + from;
    text[from..to].to_owned()
}

/// The cookie an answer sets, as the next request sends it; else `cookie`.
fn cookie_from(response: &str, cookie: &str) -> String {
    (response.lines())
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .map_or(cookie.to_owned(), |set| {
            set.split(';').next().unwrap().to_owned()
        })
}

/// Signs in at /helpdesk as a person would: the password, then the code the
/// demo phone shows for `who`; the console's first page.
fn staff_sign_in(address: &str, who: &str, password: &str) -> String {
    let encoded = |text: &str| {
        (text.bytes())
            .map(|b| match b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                true => (b as char).to_string(),
                false => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let page = http(address, "GET", "/helpdesk", "", "");
    let cookie = cookie_from(&page, "");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let form = format!("csrf={csrf}&username={who}&password={}", encoded(password));
    let answer = http(address, "POST", "/helpdesk/signin", &cookie, &form);
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let cookie = cookie_from(&answer, &cookie);
    let page = http(address, "GET", "/helpdesk", &cookie, "");
    assert!(page.contains("<h1>Your authenticator code</h1>"), "{page}");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let phone = http_get(address, "/demo/phone");
    let code = between(&phone, &format!("{who}: <strong class=\"secret\">"), "<");
    let answer = http(
        address,
        "POST",
        "/helpdesk/factor",
        &cookie,
        &format!("csrf={csrf}&code={code}"),
    );
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let cookie = cookie_from(&answer, &cookie);
    http(address, "GET", "/helpdesk", &cookie, "")
}

/// `latchkey serve --demo` on a free loopback port with `env`: the process,
/// the base URL it announces (`http://127.0.0.1:PORT`), and the rest of its output.
pub(crate) fn serve_demo(
    url: &str,
    env: &[(&str, &str)],
) -> (Child, String, Lines<BufReader<ChildStdout>>) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            url,
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .trim_start_matches("Latchkey is listening on ")
        .trim_end_matches("/reset")
        .to_owned();
    (server, base, lines)
}

/// SIGTERM, as systemd or a container runtime stops it; how it exited.
pub(crate) fn terminate(server: &mut Child) -> std::process::ExitStatus {
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    server.wait().unwrap()
}

#[test]
fn serve_demo_starts_the_portal_with_demo_accounts() {
    let dir = TempDir::new("serve-demo");
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    let (mut server, base, mut lines) = serve_demo(&url, &[]);
    let address = base.trim_start_matches("http://").to_owned();
    let rest: Vec<String> = lines.by_ref().take(9).map(Result::unwrap).collect();
    let banner = rest.join("\n");
    assert!(
        banner.contains(&format!("http://{address}/signin")),
        "{banner}"
    );
    assert!(
        banner.contains("ada") && banner.contains("alan"),
        "{banner}"
    );
    assert!(banner.contains("latchkey outbox"), "{banner}");
    // The outbox command names the binary that ran, which works after
    // `cargo run` too, and the demo phone and the help desk are named.
    assert!(
        banner.contains(&format!("{} outbox", env!("CARGO_BIN_EXE_latchkey")))
            || banner.contains("target/"),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("http://{address}/demo/phone")),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("http://{address}/helpdesk"))
            && banner.contains("demo-agent")
            && banner.contains(latchkey::demo::STAFF_PASSWORD),
        "{banner}"
    );
    assert!(
        banner.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        "grace's app secret: {banner}"
    );

    let page = http_get(&address, "/reset");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<h1>Reset your password</h1>"), "{page}");
    assert!(
        page.contains("password <code>Vt9#qkzP</code>"),
        "the banner names the demo password: {page}"
    );
    // The help desk, with nothing but what was printed and the demo phone.
    let desk = rest
        .iter()
        .find(|l| l.starts_with("Help desk:"))
        .expect("the help desk line");
    let password = between(desk, "(password ", ")");
    assert_eq!(password, latchkey::demo::STAFF_PASSWORD);
    let signed_in = staff_sign_in(&address, "demo-agent", &password);
    assert!(
        signed_in.contains("<h1>Find an account</h1>"),
        "{signed_in}"
    );
    assert!(http_get(&address, "/healthz").ends_with("ok"));
    // SIGTERM, as systemd or a container runtime stops it: a clean exit.
    assert_eq!(terminate(&mut server).code(), Some(0), "a graceful stop");
    let said: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(
        said.iter()
            .any(|l| l.contains("every request in flight was answered")),
        "{said:?}"
    );

    let run = latchkey(&["user", "show", "ada", "--database-url", &url], b"");
    assert_eq!(run.code, 0, "the demo accounts were stored: {}", run.stderr);
}

/// The portal's address is public; its metrics are served apart, where
/// `server.metrics_bind` says, and not on the portal at all.
#[test]
fn metrics_are_served_on_their_own_address_only() {
    let dir = TempDir::new("serve-metrics");
    let url = format!("sqlite://{}", dir.0.join("metrics.db").display());
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics = free.local_addr().unwrap().to_string();
    drop(free);
    let (mut server, base, _lines) =
        serve_demo(&url, &[("LATCHKEY_SERVER__METRICS_BIND", &metrics)]);
    let address = base.trim_start_matches("http://").to_owned();
    assert!(http_get(&address, "/reset").starts_with("HTTP/1.1 200"));
    let public = http_get(&address, "/metrics");
    assert!(public.starts_with("HTTP/1.1 404"), "{public}");
    let scraped = http_get(&metrics, "/metrics");
    assert!(scraped.starts_with("HTTP/1.1 200"), "{scraped}");
    assert!(
        scraped.contains("latchkey_http_requests_total{route=\"/reset\",status=\"200\"} 1"),
        "{scraped}"
    );
    let other = http_get(&metrics, "/reset");
    assert!(
        other.starts_with("HTTP/1.1 404"),
        "nothing of the portal there: {other}"
    );
    terminate(&mut server);
}

#[test]
fn serve_refuses_to_start_without_a_secret_key() {
    let dir = TempDir::new("serve-nokey");
    let url = format!("sqlite://{}", dir.0.join("x.db").display());
    let run = latchkey(
        &["serve", "--bind", "127.0.0.1:0", "--database-url", &url],
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("LATCHKEY_SECRET_KEY"), "{}", run.stderr);
    let short = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
        .env("LATCHKEY_SECRET_KEY", "too short")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("32 bytes"));
}

#[tokio::test]
async fn outbox_lists_the_newest_messages() {
    let dir = TempDir::new("outbox");
    let url = format!("sqlite://{}", dir.0.join("o.db").display());
    let run = latchkey(&["outbox", "--database-url", &url], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("The outbox is empty."));

    let store = latchkey::store::Store::open(&url).await.unwrap();
    for (i, channel) in [
        latchkey::notify::Channel::Sms,
        latchkey::notify::Channel::Voice,
    ]
    .into_iter()
    .enumerate()
    {
        let message = latchkey::notify::code_message(
            channel,
            "+12025550143",
            &format!("12345{i}"),
            10,
            latchkey::notify::CodeUse::Reset,
            ("University", latchkey::i18n::Lang::En),
        );
        store.append_outbox(&message, 100 + i as i64).await.unwrap();
    }
    store.close().await;
    let run = latchkey(&["outbox", "--json", "--database-url", &url], b"");
    let channels: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["channel"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(channels, ["voice", "sms"], "newest first");
    let run = latchkey(&["outbox", "--limit", "1", "--database-url", &url], b"");
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(
        run.stdout.contains("voice to +12025550143"),
        "{}",
        run.stdout
    );
}

/// A provider that could deliver nothing is refused at start, naming the setting.
#[test]
fn serve_refuses_an_incomplete_twilio_configuration() {
    let dir = TempDir::new("serve-twilio");
    let config = dir.write("latchkey.toml", "[messages]\nprovider = \"twilio\"\n");
    let url = format!("sqlite://{}", dir.0.join("x.db").display());
    let run = latchkey(
        &[
            "serve",
            "--demo",
            "--config",
            &config,
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
        ],
        b"",
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("messages.twilio.account_sid"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_check_prints_the_settings_in_force_with_secrets_redacted() {
    use crate::support::latchkey_with_env;
    let dir = TempDir::new("config-check");
    let good = dir.write(
        "good.toml",
        "[server]\nbind = \"0.0.0.0:9000\"\nsecret_key = \"0123456789abcdef0123456789abcdef-very-secret\"\n",
    );
    let run = latchkey_with_env(
        &["config", "check", &good],
        b"",
        &[("LATCHKEY_SERVER__CODE_MINUTES", "4")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("bind = \"0.0.0.0:9000\""));
    assert!(
        run.stdout.contains("code_minutes = 4"),
        "the environment's value"
    );
    assert!(run.stdout.contains("secret_key = \"(set; redacted)\""));
    assert!(!run.stdout.contains("very-secret"));
    assert!(run.stdout.contains("# This configuration can run."));

    let bad = dir.write("bad.toml", "[messages]\nprovider = \"twilio\"\n");
    let run = latchkey_with_env(&["config", "check", &bad], b"", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("server.secret_key is not set"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("messages.twilio.account_sid"),
        "{}",
        run.stderr
    );
    let run = latchkey_with_env(
        &["config", "check", &good],
        b"",
        &[("LATCHKEY_SERVER__BINDX", "1")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("LATCHKEY_SERVER__BINDX"),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_logs_json_lines_with_routes_never_raw_paths() {
    let dir = TempDir::new("serve-json");
    let url = format!("sqlite://{}", dir.0.join("j.db").display());
    let (mut server, base, _stdout_open) =
        serve_demo(&url, &[("LATCHKEY_SERVER__LOG_FORMAT", "json")]);
    let address = base.trim_start_matches("http://").to_owned();
    let secret_path = "/reset/link/0123456789abcdef-a-secret-token";
    assert!(http_get(&address, secret_path).starts_with("HTTP/1.1 403"));
    assert!(http_get(&address, "/healthz").ends_with("ok"));
    let mut stderr_pipe = server.stderr.take().unwrap();
    terminate(&mut server);
    let mut stderr = String::new();
    stderr_pipe.read_to_string(&mut stderr).unwrap();
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["route"] == "/healthz" && e["status"] == 200 && e["level"] == "INFO"),
        "{stderr}"
    );
    assert!(events.iter().any(|e| e["route"] == "/reset/link/{token}"));
    assert!(!stderr.contains("a-secret-token"), "{stderr}");
}

#[tokio::test]
async fn serve_speaks_https_with_the_configured_certificate() {
    let dir = TempDir::new("serve-tls");
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert_file = dir.write("cert.pem", &cert.cert.pem());
    let key_file = dir.write("key.pem", &cert.signing_key.serialize_pem());
    let url = format!("sqlite://{}", dir.0.join("t.db").display());
    let (mut server, base, _stdout_open) = serve_demo(
        &url,
        &[
            ("LATCHKEY_SERVER__TLS_CERT_FILE", &cert_file),
            ("LATCHKEY_SERVER__TLS_KEY_FILE", &key_file),
        ],
    );
    assert!(base.starts_with("https://"), "{base}");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let page = client.get(format!("{base}/reset")).send().await.unwrap();
    let cookie = page.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("; Secure"),
        "over HTTPS cookies are Secure: {cookie}"
    );
    let hsts = page.headers()[reqwest::header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap();
    assert_eq!(hsts, "max-age=31536000; includeSubDomains");
    // Plain HTTP to the same port gets no page.
    let plain = reqwest::get(format!("{}/healthz", base.replace("https", "http"))).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    assert_eq!(terminate(&mut server).code(), Some(0));

    // Half a pair is refused at start, with the key to set.
    let half = latchkey_env_run(
        &["serve", "--demo", "--database-url", &url],
        &[("LATCHKEY_SERVER__TLS_CERT_FILE", &cert_file)],
    );
    assert_eq!(half.0, 2);
    assert!(
        half.1
            .contains("server.tls_cert_file and server.tls_key_file go together"),
        "{}",
        half.1
    );
}

fn latchkey_env_run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let run = crate::support::latchkey_with_env(args, b"", env);
    (run.code, run.stderr)
}

/// The systemd unit's own `ExecStartPre` line, with the binary and the
/// file swapped for this test's: the check the service runs before start.
fn unit_check_command(file: &str) -> Vec<String> {
    let unit = include_str!("../../../../deploy/latchkey.service");
    let line = unit
        .lines()
        .find_map(|line| line.strip_prefix("ExecStartPre="))
        .expect("the unit checks its configuration before start");
    line.split_whitespace()
        .skip(1)
        .map(|word| {
            if word == "/etc/latchkey/latchkey.toml" {
                file.to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect()
}

#[test]
fn config_check_gives_one_verdict_whether_the_file_is_named_after_check_or_by_config() {
    use crate::support::latchkey_with_env;
    let dir = TempDir::new("config-check-forms");
    let file = dir.write(
        "latchkey.toml",
        "[server]\nsecret_key = \"0123456789abcdef0123456789abcdef-very-secret\"\n\
         [directory]\nbind_dn = \"cn=latchkey,dc=example,dc=edu\"\nbase_dn = \"ou=people,dc=example,dc=edu\"\n\
         [messages.twilio]\naccount_sid = \"AC0123\"\nfrom = \"+15550100000\"\n",
    );
    let unit: Vec<String> = unit_check_command(&file);
    let unit: Vec<&str> = unit.iter().map(String::as_str).collect();
    let flag = ["--config", file.as_str(), "config", "check"];
    let environments: [&[(&str, &str)]; 2] = [
        &[
            ("LATCHKEY_DIRECTORY__URL", "ldap://127.0.0.1:1"),
            ("LATCHKEY_DIRECTORY_PASSWORD", "service secret"),
        ],
        &[
            ("LATCHKEY_MESSAGES__PROVIDER", "twilio"),
            ("LATCHKEY_TWILIO_AUTH_TOKEN", "token"),
        ],
    ];
    for env in environments {
        let by_unit = latchkey_with_env(&unit, b"", env);
        let by_flag = latchkey_with_env(&flag, b"", env);
        assert_eq!(by_unit.code, 0, "{env:?}: {}", by_unit.stderr);
        assert_eq!(by_flag.code, 0, "{env:?}: {}", by_flag.stderr);
        assert_eq!(by_unit.stdout, by_flag.stdout);
    }
    let both = latchkey_with_env(
        &["--config", "/elsewhere.toml", "config", "check", &file],
        b"",
        &[],
    );
    assert_eq!(both.code, 2);
    assert!(both.stderr.contains("name one"), "{}", both.stderr);
}
