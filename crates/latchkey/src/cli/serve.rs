//! `latchkey serve` and `latchkey outbox`.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;

use super::{Outcome, UsageError};
use crate::captcha::{ChallengeSource, RandomChallenges};
use crate::clock::SystemClock;
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::demo;
use crate::directory::Writeback;
use crate::domain::{Core, Services};
use crate::hashing::Hasher;
use crate::model::account::NewAccount;
use crate::secrets::SecretKey;
use crate::site::{BrandingConfig, Site};
use crate::store::Store;
use crate::totp;
use crate::web::router;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default: server.bind, 127.0.0.1:8080).
    #[arg(long)]
    bind: Option<String>,
    /// Add demo accounts and, unless a secret key is configured, use a public
    /// demo key. For trying Latchkey out, never for real accounts.
    #[arg(long)]
    demo: bool,
}

/// Random challenges; in a test-hooks build, a known answer when
/// `LATCHKEY_TEST_CAPTCHA_ANSWER` names one, said loudly, and only on a
/// loopback address.
fn challenge_source(bind: &str) -> Result<Box<dyn ChallengeSource>, UsageError> {
    #[cfg(feature = "test-hooks")]
    if let Ok(answer) = std::env::var("LATCHKEY_TEST_CAPTCHA_ANSWER") {
        let loopback = bind
            .parse::<SocketAddr>()
            .is_ok_and(|address| address.ip().is_loopback());
        if !loopback {
            return Err(UsageError(format!(
                "LATCHKEY_TEST_CAPTCHA_ANSWER is for load tests on this machine only, not on {bind}"
            )));
        }
        tracing::warn!(
            "test hooks: every CAPTCHA shows the known answer; never run this for people"
        );
        return Ok(Box::new(crate::captcha::KnownAnswer(answer)));
    }
    let _ = bind;
    Ok(Box::new(RandomChallenges))
}

/// Opens the database, waiting up to `database.start_wait_seconds` for one
/// that cannot be reached yet: a server restarted while its database also
/// restarts comes up when the database does, rather than exiting and
/// leaving that to whatever supervises it. A wrong URL, a database from a
/// newer version or a failed migration is an error at once.
async fn open_store(config: &LoadedConfig) -> Result<Store, UsageError> {
    let settings = &config.config.database;
    let give_up =
        std::time::Instant::now() + std::time::Duration::from_secs(settings.start_wait_seconds);
    let statements = std::time::Duration::from_secs(settings.statement_timeout_seconds);
    let mut pause = std::time::Duration::from_millis(250);
    loop {
        match Store::open_with_deadline(&settings.url, statements).await {
            Ok(store) => return Ok(store),
            Err(e) if crate::store::unavailable(&e) && std::time::Instant::now() < give_up => {
                tracing::warn!("database: {e}; trying again in {} ms", pause.as_millis());
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_secs(5));
            }
            Err(e) => return Err(UsageError(e.to_string())),
        }
    }
}

pub fn serve(args: ServeArgs, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    init_logging(&settings.server.log_format)?;
    for warning in settings.directory.warnings() {
        tracing::warn!("{warning}");
    }
    let key = super::secret_key(settings, args.demo)?;
    tracing::info!(key = key.id(), retired = ?key.retired_ids(), "secret key");
    let bind = args.bind.unwrap_or_else(|| settings.server.bind.clone());
    let tls = match (
        &settings.server.tls_cert_file,
        &settings.server.tls_key_file,
    ) {
        (Some(cert), Some(key)) => Some(tls_config(cert, key)?),
        _ => None,
    };
    let policy = config.policy()?;
    let hasher = Hasher::new(&settings.hashing).map_err(|e| UsageError(format!("hashing: {e}")))?;
    super::runtime()?.block_on(async {
        let store = open_store(config).await?;
        if args.demo {
            add_demo_accounts(&store, &hasher, &key).await?;
        }
        let writeback = Writeback::from_config(&settings.directory).map_err(UsageError)?;
        // The directory's rules join ours where they are stricter, so the
        // checklist never accepts what the directory would refuse.
        let policy = match &writeback {
            Some(writeback) => match super::config::directory_rules(config, writeback).await {
                Ok((joined, lockout)) => {
                    for weaker in &joined.weaker {
                        tracing::warn!("directory policy: {weaker}");
                    }
                    if let Some(lockout) = lockout {
                        tracing::warn!("{lockout}");
                    }
                    // The same lists under the joined rules: the
                    // dictionary's automaton is built once.
                    policy.with_config(joined.config)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the directory's password policy cannot be read; ours alone applies");
                    policy
                }
            },
            None => policy,
        };
        let state = Core::new(Services {
            messages: crate::notify::provider(&settings.messages, &store).map_err(UsageError)?,
            mail: crate::notify::mail::provider(&settings.mail, &store).map_err(UsageError)?,
            store,
            hasher,
            policy,
            key,
            entropy: Box::new(crate::secrets::OsEntropy),
            challenges: challenge_source(&bind)?,
            clock: Arc::new(SystemClock),
            // Over HTTPS cookies are Secure whatever the setting says:
            // `ServerConfig::https` knows `tls_cert_file`.
            server: settings.server.clone(),
            site: site(settings, args.demo)?,
            throttle: settings.throttle.clone(),
            captcha: settings.captcha.clone(),
            countries: settings.messages.countries.clone(),
            registration: settings.registration.clone(),
            reset: settings.reset.clone(),
            writeback,
            network: settings.network.clone(),
        });
        tokio::spawn(super::schedule::deliver_forever(state.clone()));
        if state.writeback.is_some() {
            tokio::spawn(super::schedule::reconcile_forever(state.clone()));
            let directory = settings.directory.clone();
            tokio::spawn(super::schedule::remind_forever(
                state.clone(),
                directory.clone(),
            ));
            tokio::spawn(super::schedule::watch_forever(
                state.clone(),
                directory.watch_every_minutes,
            ));
            tokio::spawn(super::schedule::sync_forever(state.clone(), directory));
        }
        let store_for_close = state.store.clone();
        if let Some(metrics_bind) = &settings.server.metrics_bind {
            let listener = tokio::net::TcpListener::bind(metrics_bind)
                .await
                .map_err(|e| {
                    UsageError(format!(
                        "cannot listen on {metrics_bind} (server.metrics_bind): {e}"
                    ))
                })?;
            tracing::info!(address = %metrics_bind, "metrics listening");
            let metrics = crate::web::metrics_router(state.clone());
            tokio::spawn(async move { axum::serve(listener, metrics).await });
        }
        let listener = tokio::net::TcpListener::bind(&bind)
            .await
            .map_err(|e| UsageError(format!("cannot listen on {bind}: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| UsageError(e.to_string()))?;
        tracing::info!(%address, "listening");
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("Latchkey is listening on {scheme}://{address}/reset");
        println!(
            "Sign in at {scheme}://{address}/signin to register methods or change a password."
        );
        if args.demo {
            print_demo_help(&format!("{scheme}://{address}"), &config.config.database.url);
        }
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        let stopped = match tls {
            None => {
                axum::serve(listener, app)
                    .with_graceful_shutdown(stop_requested())
                    .await
            }
            Some(tls) => {
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    stop_requested().await;
                    stopper.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
                });
                let listener = listener.into_std().map_err(|e| UsageError(e.to_string()))?;
                axum_server::from_tcp_rustls(listener, tls)
                    .map_err(|e| UsageError(e.to_string()))?
                    .handle(handle)
                    .serve(app)
                    .await
            }
        };
        stopped.map_err(|e| UsageError(format!("the server stopped: {e}")))?;
        // Requests in flight were answered; every change is one transaction,
        // so a reconcile cut short here leaves its pending write for the next.
        store_for_close.close().await;
        println!("Latchkey stopped: every request in flight was answered.");
        Ok(Outcome::Success)
    })
}

/// rustls (with ring) for the certificate chain and key in PEM files; HTTP/2
/// and HTTP/1.1 offered.
fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<axum_server::tls_rustls::RustlsConfig, UsageError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let unreadable = |key: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        UsageError(format!("server.{key}: {}: {e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable("tls_cert_file", cert, &e))?;
    if chain.is_empty() {
        return Err(unreadable(
            "tls_cert_file",
            cert,
            &"no certificate in the file",
        ));
    }
    let private =
        PrivateKeyDer::from_pem_file(key).map_err(|e| unreadable("tls_key_file", key, &e))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| UsageError(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| unreadable("tls_key_file", key, &e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(axum_server::tls_rustls::RustlsConfig::from_config(
        std::sync::Arc::new(config),
    ))
}

/// Logs on standard error: lines for people (`text`) or one JSON object a
/// line (`json`); the level from `LATCHKEY_LOG` (`info` by default, any
/// `tracing` filter such as `warn,latchkey=debug`).
fn init_logging(format: &crate::config::LogFormat) -> Result<(), UsageError> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LATCHKEY_LOG")
        .or_else(|_| EnvFilter::try_new("info"))
        .map_err(|e| UsageError(format!("LATCHKEY_LOG: {e}")))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        crate::config::LogFormat::Text => builder.with_ansi(false).try_init(),
        crate::config::LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    installed.map_err(|e| UsageError(format!("cannot start logging: {e}")))
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send).
async fn stop_requested() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Every page's surroundings. The demo shows a sample university's look
/// unless the configuration names one.
fn site(settings: &crate::config::Config, demo: bool) -> Result<Site, UsageError> {
    let mut branding = settings.branding.clone();
    let sample = demo && branding == BrandingConfig::default();
    if sample {
        branding.name = "Example University".into();
        branding.primary_color = "#7a0019".into();
        branding.support_links = vec![crate::site::SupportLink {
            label: "IT service status (sample link)".into(),
            url: "https://status.example.edu".into(),
        }];
    }
    let mut site = Site::new(settings.helpdesk.clone(), branding, demo)
        .with_logo()
        .and_then(|site| site.with_locale(&settings.site))
        .map_err(UsageError)?;
    if sample {
        site.logo = Some(crate::site::Logo {
            bytes: include_bytes!("../../static/sample-logo.svg").to_vec(),
            content_type: "image/svg+xml",
        });
    }
    Ok(site)
}

async fn add_demo_accounts(
    store: &Store,
    hasher: &Hasher,
    key: &SecretKey,
) -> Result<(), UsageError> {
    let failed = |e: &dyn std::fmt::Display| UsageError(format!("demo accounts: {e}"));
    for person in &demo::PEOPLE {
        let found = store.find_account(person.username).await;
        if found.map_err(|e| failed(&e))?.is_some() {
            continue;
        }
        let account = NewAccount::parse(person.username, person.email, person.name, person.phone)
            .map_err(|e| failed(&format!("{e:?}")))?;
        let hash = hasher.hash(demo::PASSWORD).await.map_err(|e| failed(&e))?;
        store
            .insert_accounts(&[(account, Some(hash))], unix_now())
            .await
            .map_err(|e| failed(&e))?;
        if person.app {
            let added = store.find_account(person.username).await;
            let added = added
                .map_err(|e| failed(&e))?
                .ok_or_else(|| failed(&person.username))?;
            let sealed =
                totp::seal(key, demo::APP_SECRET).ok_or_else(|| failed(&"sealing the secret"))?;
            store
                .add_method(added.id, "totp", &sealed, unix_now())
                .await
                .map_err(|e| failed(&e))?;
        }
    }
    let hash = hasher
        .hash(demo::STAFF_PASSWORD)
        .await
        .map_err(|e| failed(&e))?;
    for (username, role, secret) in demo::STAFF {
        let found = store.staff_by_username(username).await;
        if found.map_err(|e| failed(&e))?.is_some() {
            continue;
        }
        let sealed = totp::seal(key, secret).ok_or_else(|| failed(&"sealing the secret"))?;
        store
            .insert_staff(username, role, &hash, &sealed, "demo", unix_now())
            .await
            .map_err(|e| failed(&e))?;
    }
    Ok(())
}

/// What a newcomer needs to try every part: the demo phone, who to be,
/// the help desk's staff, and a command for the outbox that works from
/// where they are (the binary they ran, `cargo run` or not).
fn print_demo_help(base: &str, url: &str) {
    println!("Demo mode: demo accounts and a public key. Never use --demo with real accounts.");
    println!("Texts, calls, mails and authenticator codes: {base}/demo/phone");
    println!("Demo accounts (password {}):", demo::PASSWORD);
    for person in &demo::PEOPLE {
        let method = match (person.app, person.phone) {
            (true, _) => format!(
                "authenticator app (its code is on the demo phone; secret {})",
                totp::base32(demo::APP_SECRET)
            ),
            (_, Some(phone)) => format!("phone {phone}"),
            (_, None) => {
                "no method: reset shows the help desk page; sign in to register one".to_owned()
            }
        };
        println!("  {:<6} {:<14} {method}", person.username, person.name);
    }
    println!(
        "Help desk: {base}/helpdesk, as demo-agent or demo-admin (password {}); \
         their authenticator codes are on the demo phone too.",
        demo::STAFF_PASSWORD
    );
    let program = std::env::current_exe()
        .ok()
        .map(|exe| {
            let here = std::env::current_dir().unwrap_or_default();
            exe.strip_prefix(&here)
                .map(|p| p.to_path_buf())
                .unwrap_or(exe)
        })
        .map_or_else(|| "latchkey".to_owned(), |p| p.display().to_string());
    println!("The outbox in a terminal: {program} outbox --database-url {url}");
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[arg(long)]
    json: bool,
    /// How many of the newest messages to list.
    #[arg(long, default_value_t = 20)]
    limit: i64,
    /// The delivery queue instead: each notice's state (pending, sent,
    /// expired), its tries and its last error; never its words.
    #[arg(long)]
    queue: bool,
}

pub fn outbox(args: OutboxArgs, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    super::runtime()?.block_on(async {
        let store = open_store(config).await?;
        if args.queue {
            let rows = store.deliveries(None, args.limit).await;
            store.close().await;
            let rows = rows.map_err(|e| UsageError(e.to_string()))?;
            return print_queue(&rows, args.json);
        }
        let messages = store
            .outbox(args.limit)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        store.close().await;
        for message in &messages {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string(message).map_err(|e| UsageError(e.to_string()))?
                );
            } else {
                println!(
                    "#{} {} to {}: {}",
                    message.id, message.channel, message.recipient, message.body
                );
            }
        }
        if messages.is_empty() && !args.json {
            println!("The outbox is empty.");
        }
        Ok(Outcome::Success)
    })
}

fn print_queue(rows: &[crate::store::Delivery], json: bool) -> Result<Outcome, UsageError> {
    use crate::notify::format_time;
    for row in rows {
        if json {
            let line = serde_json::to_string(row).map_err(|e| UsageError(e.to_string()))?;
            println!("{line}");
            continue;
        }
        let when = match row.state.as_str() {
            "pending" => format!("next try {}", format_time(row.next_at)),
            _ => row.done_at.map(format_time).unwrap_or_default(),
        };
        let error = (row.last_error.as_deref())
            .map(|e| format!("; last error: {e}"))
            .unwrap_or_default();
        println!(
            "#{} {} by {} to {}: {} after {} tries, {when}{error}",
            row.id, row.kind, row.channel, row.recipient, row.state, row.attempts
        );
    }
    if rows.is_empty() && !json {
        println!("The delivery queue is empty.");
    }
    Ok(Outcome::Success)
}
