//! The database going away under the surge: the instances reach PostgreSQL
//! through this proxy, which closes every connection and turns new ones
//! away for a while, as a database restarting would.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::*;

pub(crate) struct Proxy {
    pub(crate) address: SocketAddr,
    down: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    /// Forwards connections to `target` (`host:port`).
    pub(crate) async fn start(target: String) -> Result<Proxy, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("proxy: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let down = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (is_down, all) = (down.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_down.load(Ordering::SeqCst) {
                    continue; // closed at once
                }
                let target = target.clone();
                let mut all = all.lock().await;
                all.retain(|connection: &JoinHandle<()>| !connection.is_finished());
                all.push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Ok(Proxy {
            address,
            down,
            open,
        })
    }

    /// The database is gone: open connections close, new ones are refused.
    pub(crate) async fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for connection in self.open.lock().await.drain(..) {
            connection.abort();
        }
    }

    pub(crate) fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

/// A PostgreSQL URL's parts: the user (with its `@`), `host:port`, and
/// the database with any options.
fn parts(url: &str) -> Result<(String, String, String), String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or("the database must be PostgreSQL (postgres://…)")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = match host.contains(':') {
        true => host.to_owned(),
        false => format!("{host}:5432"),
    };
    Ok((user, host, path.to_owned()))
}

/// Where `url`'s server listens (`host:port`).
pub(crate) fn server_of(url: &str) -> Result<String, String> {
    Ok(parts(url)?.1)
}

/// `url` reached at `address` instead.
pub(crate) fn via(url: &str, address: SocketAddr) -> Result<String, String> {
    let (user, _, path) = parts(url)?;
    Ok(format!("postgres://{user}{address}/{path}"))
}
