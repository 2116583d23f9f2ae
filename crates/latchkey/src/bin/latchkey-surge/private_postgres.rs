//! A PostgreSQL cluster of the harness's own, for a run that stops its
//! database: made with the machine's `initdb` in a temporary folder, on a
//! free port, run by `pg_ctl` (as the `postgres` user when the harness runs
//! as root, which PostgreSQL refuses to be). The machine's shared server is
//! never stopped.

use std::path::PathBuf;
use std::process::Command;

pub(crate) struct PrivatePostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    pub(crate) fn start(dir: PathBuf) -> Result<PrivatePostgres, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .ok_or("no PostgreSQL server (initdb) under /usr/lib/postgresql")?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cluster = PrivatePostgres {
            dir,
            bin,
            port: super::cluster::free_port()?,
        };
        cluster.hand_to_postgres()?;
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres"])?;
        cluster.start_again()?;
        cluster.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &cluster.port.to_string(),
                "-U",
                "postgres",
                "surge",
            ],
        )?;
        Ok(cluster)
    }

    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/surge", self.port)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// Runs one of PostgreSQL's programs, as `postgres` when we are root.
    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let program = self.bin.join(program);
        let mut command = match running_as_root() {
            true => {
                let mut command = Command::new("runuser");
                command.args(["-u", "postgres", "--"]).arg(&program);
                command
            }
            false => Command::new(&program),
        };
        let output = command
            .args(args)
            .output()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        match output.status.success() {
            true => Ok(()),
            false => Err(format!(
                "{}: {}",
                program.display(),
                String::from_utf8_lossy(&output.stderr)
            )),
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        let data = self.data();
        let mut all = vec!["-D", data.as_str(), "-w"];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all)
    }

    /// Started (again), as the machine's server is set: durable writes on.
    pub(crate) fn start_again(&self) -> Result<(), String> {
        let log = self.dir.join("server.log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.dir.display()
        );
        self.pg_ctl(&["-l", &log, "-o", &options, "start"])
    }

    /// Stopped as an operator's restart does: sessions are ended, in-flight
    /// transactions rolled back.
    pub(crate) fn stop(&self) -> Result<(), String> {
        self.pg_ctl(&["-m", "fast", "stop"])
    }

    /// The folder is the `postgres` user's, so that its server may write it.
    fn hand_to_postgres(&self) -> Result<(), String> {
        if !running_as_root() {
            return Ok(());
        }
        let id = |flag: &str| -> Result<u32, String> {
            let output = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&output.stdout);
            text.trim()
                .parse()
                .map_err(|_| "no postgres user on this machine".to_owned())
        };
        std::os::unix::fs::chown(&self.dir, Some(id("-u")?), Some(id("-g")?))
            .map_err(|e| format!("{}: {e}", self.dir.display()))
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
        // Its data goes; its log stays beside the instances'.
        let _ = std::fs::remove_dir_all(self.data());
    }
}

/// The effective user is root: `/proc/self` belongs to it.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}
