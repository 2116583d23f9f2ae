//! `latchkey serve` and `latchkey outbox`.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;

use super::{Outcome, UsageError};
use crate::accounts::{NewAccount, unix_now};
use crate::captcha::RandomChallenges;
use crate::clock::SystemClock;
use crate::config::LoadedConfig;
use crate::hashing::Hasher;
use crate::notify::Outbox;
use crate::secrets::SecretKey;
use crate::store::Store;
use crate::web::{App, AppState, router};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default: server.bind, 127.0.0.1:8080).
    #[arg(long)]
    bind: Option<String>,
    /// Add demo accounts and run with a throwaway secret key.
    #[arg(long)]
    demo: bool,
}

/// Demo accounts: (username, name, email, phone). The password of each is `DEMO_PASSWORD`.
const DEMO_ACCOUNTS: [(&str, &str, &str, Option<&str>); 2] = [
    (
        "ada",
        "Ada Lovelace",
        "ada@example.edu",
        Some("(202) 555-0143"),
    ),
    ("alan", "Alan Turing", "alan@example.edu", None),
];
const DEMO_PASSWORD: &str = "Vt9#qkzP";

fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))
}

async fn open_store(config: &LoadedConfig) -> Result<Store, UsageError> {
    Store::open(&config.config.database.url)
        .await
        .map_err(|e| UsageError(e.to_string()))
}

pub fn serve(args: ServeArgs, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let key = match std::env::var("LATCHKEY_SECRET_KEY")
        .ok()
        .or_else(|| settings.server.secret_key.clone())
    {
        Some(key) => SecretKey::new(key.as_bytes()).ok_or_else(|| {
            UsageError("server.secret_key (LATCHKEY_SECRET_KEY) must be 32 bytes or more".into())
        })?,
        None if args.demo => SecretKey::random(),
        None => {
            return Err(UsageError(
                "server.secret_key is not set: set LATCHKEY_SECRET_KEY to 32 or more random bytes \
                 (for example the output of `openssl rand -hex 32`), the same on every instance"
                    .into(),
            ));
        }
    };
    let bind = args.bind.unwrap_or_else(|| settings.server.bind.clone());
    let policy = config.policy()?;
    let hasher = Hasher::new(&settings.hashing).map_err(|e| UsageError(format!("hashing: {e}")))?;
    runtime()?.block_on(async {
        let store = open_store(config).await?;
        if args.demo {
            add_demo_accounts(&store, &hasher).await?;
        }
        let state = AppState::new(App {
            messages: Box::new(Outbox::new(store.clone())),
            store,
            hasher,
            policy,
            key,
            challenges: Box::new(RandomChallenges),
            clock: Arc::new(SystemClock),
            server: settings.server.clone(),
            helpdesk: settings.helpdesk.clone(),
        });
        let listener = tokio::net::TcpListener::bind(&bind)
            .await
            .map_err(|e| UsageError(format!("cannot listen on {bind}: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| UsageError(e.to_string()))?;
        println!("Latchkey is listening on http://{address}/reset");
        if args.demo {
            print_demo_help(&config.config.database.url);
        }
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| UsageError(format!("the server stopped: {e}")))?;
        Ok(Outcome::Success)
    })
}

async fn add_demo_accounts(store: &Store, hasher: &Hasher) -> Result<(), UsageError> {
    for (username, name, email, phone) in DEMO_ACCOUNTS {
        if store
            .find_account(username)
            .await
            .map_err(|e| UsageError(e.to_string()))?
            .is_some()
        {
            continue;
        }
        let account = NewAccount::parse(username, email, name, phone)
            .map_err(|e| UsageError(format!("{e:?}")))?;
        let hash = hasher
            .hash(DEMO_PASSWORD)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        store
            .insert_accounts(&[(account, Some(hash))], unix_now())
            .await
            .map_err(|e| UsageError(e.to_string()))?;
    }
    Ok(())
}

fn print_demo_help(url: &str) {
    println!("Demo accounts (password {DEMO_PASSWORD}):");
    for (username, name, _, phone) in DEMO_ACCOUNTS {
        let method = phone.map_or(
            "no registered method: shows the help desk page".to_owned(),
            |p| format!("phone {p}"),
        );
        println!("  {username:<6} {name:<14} {method}");
    }
    println!("Texts and calls go to the outbox; read them with:");
    println!("  latchkey outbox --database-url {url}");
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[arg(long)]
    json: bool,
    /// How many of the newest messages to list.
    #[arg(long, default_value_t = 20)]
    limit: i64,
}

pub fn outbox(args: OutboxArgs, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    runtime()?.block_on(async {
        let store = open_store(config).await?;
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
