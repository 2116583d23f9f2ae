//! Two `latchkey serve` instances on one database, one of them killed and
//! started again while people reset.

use super::*;

/// One `latchkey serve`, on its own port.
pub(crate) struct Instance {
    pub(crate) port: u16,
    pub(crate) child: Option<Child>,
}

pub(crate) struct Cluster {
    pub(crate) binary: PathBuf,
    pub(crate) config: PathBuf,
    pub(crate) log_dir: PathBuf,
    pub(crate) secret: String,
    pub(crate) instances: Vec<Mutex<Instance>>,
}

/// The last lines of an instance's log, for an error that says why.
fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

pub(crate) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
impl Cluster {
    pub(crate) fn url(port: u16) -> String {
        format!("http://127.0.0.1:{port}")
    }

    pub(crate) async fn start(&self, index: usize) -> Result<(), String> {
        let mut instance = self.instances[index].lock().await;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_dir.join(format!("instance-{index}.log")))
            .map_err(|e| format!("instance log: {e}"))?;
        let child = Command::new(&self.binary)
            .arg("--config")
            .arg(&self.config)
            .arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{}", instance.port))
            .env("LATCHKEY_SECRET_KEY", &self.secret)
            .env("LATCHKEY_TEST_CAPTCHA_ANSWER", ANSWER)
            .env("LATCHKEY_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", self.binary.display()))?;
        let ready = format!("{}/readyz", Cluster::url(instance.port));
        let client = reqwest::Client::new();
        let log = self.log_dir.join(format!("instance-{index}.log"));
        let mut child = child;
        for _ in 0..300 {
            if let Ok(answer) = client.get(&ready).send().await
                && answer.status().is_success()
            {
                instance.child = Some(child);
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "instance {index} stopped while starting ({status}); the end of its log:\n{}",
                    log_tail(&log)
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "instance {index} did not become ready in 30 s; the end of its log:\n{}",
            log_tail(&log)
        ))
    }

    /// SIGKILL: no graceful stop, requests in flight are cut off.
    pub(crate) async fn kill(&self, index: usize) -> Result<(), String> {
        let mut instance = self.instances[index].lock().await;
        if let Some(mut child) = instance.child.take() {
            child.kill().await.map_err(|e| format!("kill: {e}"))?;
        }
        Ok(())
    }

    /// The instance's peak resident memory so far (Linux's `VmHWM`), KiB.
    pub(crate) async fn peak_memory_kib(&self, index: usize) -> Option<u64> {
        let instance = self.instances[index].lock().await;
        let pid = instance.child.as_ref()?.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub(crate) async fn port(&self, index: usize) -> u16 {
        self.instances[index].lock().await.port
    }
}
