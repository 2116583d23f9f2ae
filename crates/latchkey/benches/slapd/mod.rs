//! A throwaway OpenLDAP `slapd` for the directory benches: people loaded
//! offline with `slapadd` (much faster than over the protocol), served on
//! loopback, stopped when dropped; and the process's peak memory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BASE: &str = "dc=example,dc=edu";
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=edu";
pub const ADMIN_PASSWORD: &str = "admin-secret";

pub struct Slapd {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Slapd {
    /// `ldif` loaded into a new server in a temporary folder named after
    /// `bench`; `ppolicy`: with OpenLDAP's password policy overlay and a
    /// default policy that locks after `pwdMaxFailure` wrong passwords.
    pub fn start(bench: &str, ldif: &str, ppolicy: Option<u32>) -> Slapd {
        let dir =
            std::env::temp_dir().join(format!("latchkey-bench-{bench}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = write_config(&dir, ppolicy.is_some());
        let mut all = ldif.to_owned();
        if let Some(failures) = ppolicy {
            write!(
                all,
                "dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n\n\
                 dn: cn=default,ou=policies,{BASE}\nobjectClass: pwdPolicy\nobjectClass: applicationProcess\n\
                 cn: default\npwdAttribute: userPassword\npwdLockout: TRUE\npwdMaxFailure: {failures}\n\n"
            )
            .unwrap();
        }
        load(&dir, &conf, &all);
        let child = Command::new("/usr/sbin/slapd")
            .arg("-f")
            .arg(&conf)
            .args(["-h", &format!("ldap://127.0.0.1:{port}/"), "-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd starts (package slapd)");
        wait_for(port);
        Slapd { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The base and the people's unit, as LDIF, for the people to follow.
pub fn base_ldif() -> String {
    format!(
        "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example University\ndc: example\n\n\
         dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n"
    )
}

fn write_config(dir: &Path, ppolicy: bool) -> PathBuf {
    let root = dir.display();
    let conf = dir.join("slapd.conf");
    let (module, overlay) = match ppolicy {
        true => (
            "moduleload ppolicy\n",
            format!("overlay ppolicy\nppolicy_default \"cn=default,ou=policies,{BASE}\"\n"),
        ),
        false => ("", String::new()),
    };
    std::fs::write(
        &conf,
        format!(
            "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
{module}pidfile {root}/slapd.pid
sizelimit unlimited
database mdb
maxsize 4294967296
suffix \"{BASE}\"
rootdn \"{ADMIN_DN}\"
rootpw {ADMIN_PASSWORD}
directory {root}/data
index uid,mail eq
{overlay}"
        ),
    )
    .unwrap();
    conf
}

fn load(dir: &Path, conf: &Path, ldif: &str) {
    let file = dir.join("people.ldif");
    std::fs::write(&file, ldif).unwrap();
    let status = Command::new("/usr/sbin/slapadd")
        .arg("-q")
        .arg("-f")
        .arg(conf)
        .arg("-l")
        .arg(&file)
        .status()
        .expect("slapadd runs (package slapd)");
    assert!(status.success());
}

fn wait_for(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("slapd did not listen on {port}");
}

/// The process's peak resident memory (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}
