//! The Active Directory paths against a real domain controller: Samba's
//! AD DC (Debian's `samba`), provisioned once per run into a temporary
//! folder (one test holds it). Its LDAP ports are fixed (389, 636), so as
//! root it runs in a network namespace of its own, reached over a veth
//! pair: a busy port 636 on the machine cannot fail the run. Elsewhere it
//! is served on loopback. Passwords over LDAPS with a certificate the test
//! makes; lockout, complexity, history and maximum age as a campus sets them.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use latchkey::directory::{
    Bind, Directory, DirectoryConfig, DirectoryError, DirectoryKind, Ldap, Lock, Lockout,
    PolicyHints, Refusal, Written,
};

use crate::support::{TempDir, running_as_root};

const REALM: &str = "AD.EXAMPLE.EDU";
const BASE: &str = "DC=ad,DC=example,DC=edu";
const ADMIN_PASSWORD: &str = "Admin#Pass-2026";
const CAROL_PASSWORD: &str = "Qv7#mLtz-40x";
const NEW_PASSWORD: &str = "Lantern%Quay-58";

/// A throwaway Samba domain controller; stopped when dropped.
struct SambaDc {
    dir: TempDir,
    child: Option<Child>,
    /// Where it listens: its namespace's end of the veth pair, or loopback.
    address: String,
}

/// A network namespace's link to this one: a veth pair in a /30 of
/// 198.18.0.0/15 (RFC 2544's benchmarking range, which no campus routes),
/// chosen by the process id so that two runs at once do not meet.
struct Link {
    here: String,
    there: String,
    here_address: String,
    there_address: String,
}

impl Link {
    fn new() -> Link {
        let id = std::process::id();
        let block = (id % 32_768) * 4;
        let address = |host: u32| {
            let n = block + host;
            format!("198.{}.{}.{}", 18 + (n >> 16), (n >> 8) & 255, n & 255)
        };
        Link {
            here: format!("lkh{}", id % 1_000_000),
            there: format!("lks{}", id % 1_000_000),
            here_address: address(1),
            there_address: address(2),
        }
    }

    /// Samba's command line, inside a new network namespace (unshare execs
    /// it there: the child's pid is samba's) once its end of the link has
    /// arrived and is up.
    fn isolated(&self, conf: &str) -> Command {
        let mut command = Command::new("unshare");
        command
            .args(["--net", "--", "sh", "-c"])
            .arg(
                "ip link set lo up
                 for _ in $(seq 200); do ip link show \"$1\" >/dev/null 2>&1 && break; sleep 0.05; done
                 ip addr add \"$2/30\" dev \"$1\" && ip link set \"$1\" up &&
                 exec /usr/sbin/samba -i -s \"$0\"",
            )
            .args([conf, &self.there, &self.there_address]);
        command
    }

    /// The pair, its far end moved into the namespace of process `pid`.
    fn connect(&self, pid: u32) {
        let pid = pid.to_string();
        let (here, there) = (self.here.as_str(), self.there.as_str());
        run(
            "ip",
            &[
                "link", "add", here, "type", "veth", "peer", "name", there, "netns", &pid,
            ],
        );
        let cidr = format!("{}/30", self.here_address);
        run("ip", &["addr", "add", &cidr, "dev", here]);
        run("ip", &["link", "set", here, "up"]);
    }
}

impl SambaDc {
    /// `None` only outside CI when Samba is not installed.
    fn start() -> Option<SambaDc> {
        if !Path::new("/usr/sbin/samba").exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install samba (scripts/test does)"
            );
            eprintln!("samba is not installed; the Active Directory test is skipped");
            return None;
        }
        let dir = TempDir::new("samba-dc");
        let target = dir.0.join("dc");
        let target = target.to_str().unwrap();
        run(
            "samba-tool",
            &[
                "domain",
                "provision",
                &format!("--targetdir={target}"),
                &format!("--realm={REALM}"),
                "--domain=EXAMPLE",
                "--server-role=dc",
                "--dns-backend=NONE",
                &format!("--adminpass={ADMIN_PASSWORD}"),
                "--option=interfaces=lo",
                "--option=bind interfaces only=yes",
            ],
        );
        let sam = format!("{target}/private/sam.ldb");
        run(
            "samba-tool",
            &[
                "user",
                "create",
                "carol",
                CAROL_PASSWORD,
                "--mail-address=carol@example.edu",
                "-H",
                &sam,
            ],
        );
        run(
            "samba-tool",
            &["user", "create", "dave", CAROL_PASSWORD, "-H", &sam],
        );
        run("samba-tool", &["user", "disable", "dave", "-H", &sam]);
        // A service account with no rights delegated to it.
        run(
            "samba-tool",
            &["user", "create", "helpless", CAROL_PASSWORD, "-H", &sam],
        );
        run(
            "samba-tool",
            &[
                "domain",
                "passwordsettings",
                "set",
                "--account-lockout-threshold=3",
                "--min-pwd-length=10",
                "--history-length=5",
                "--max-pwd-age=90",
                "--min-pwd-age=0",
                "-H",
                &sam,
            ],
        );
        let link = running_as_root().then(Link::new);
        let address = link
            .as_ref()
            .map_or("127.0.0.1", |link| &link.there_address);
        // LDAPS with a certificate for its address that the test trusts.
        let cert = rcgen::generate_simple_self_signed(vec![address.to_owned()]).unwrap();
        let cert_file = dir.write("cert.pem", &cert.cert.pem());
        let key_file = dir.write("key.pem", &cert.signing_key.serialize_pem());
        std::fs::set_permissions(
            &key_file,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        let conf = format!("{target}/etc/smb.conf");
        let settings = std::fs::read_to_string(&conf).unwrap().replace(
            "[global]\n",
            &format!(
                "[global]\n\tserver services = ldap\n\ttls enabled = yes\n\ttls certfile = {cert_file}\n\ttls keyfile = {key_file}\n\ttls cafile = {cert_file}\n\tlog file = {target}/log.%m\n"
            ),
        );
        let settings = settings.replace(
            "\tserver services = s3fs, rpc, nbt, wrepl, ldap, cldap, kdc, drepl, winbindd, ntp_signd, kcc, dnsupdate\n",
            "",
        );
        // In its namespace, it listens on its end of the link.
        let settings = match &link {
            Some(link) => {
                let interfaces = "\tinterfaces = lo\n";
                assert!(settings.contains(interfaces), "{settings}");
                settings.replace(interfaces, &format!("\tinterfaces = lo {}\n", link.there))
            }
            None => settings,
        };
        std::fs::write(&conf, settings).unwrap();
        let mut command = match &link {
            Some(link) => link.isolated(&conf),
            None => {
                let mut command = Command::new("/usr/sbin/samba");
                command.args(["-i", "-s", &conf]);
                command
            }
        };
        // Its own process group, so that its workers stop with it.
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("samba starts");
        if let Some(link) = &link {
            link.connect(child.id());
        }
        let samba = SambaDc {
            dir,
            child: Some(child),
            address: address.to_owned(),
        };
        let port = format!("{}:636", samba.address);
        for _ in 0..200 {
            if std::net::TcpStream::connect(&port).is_ok() {
                return Some(samba);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("samba did not listen on {port}");
    }

    /// The directory's own database, for `samba-tool -H`.
    fn sam(&self) -> String {
        self.dir.0.join("dc/private/sam.ldb").display().to_string()
    }

    fn config(&self) -> DirectoryConfig {
        DirectoryConfig {
            url: format!("ldaps://{}", self.address),
            kind: DirectoryKind::ActiveDirectory,
            bind_dn: format!("CN=Administrator,CN=Users,{BASE}"),
            base_dn: format!("CN=Users,{BASE}"),
            ca_file: Some(self.dir.0.join("cert.pem")),
            timeout_seconds: 10,
            ..DirectoryConfig::default()
        }
    }
}

impl Drop for SambaDc {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let _ = child.wait();
        }
    }
}

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn active_directory_binds_locks_unlocks_refuses_and_says_its_policy() {
    let Some(samba) = SambaDc::start() else {
        return;
    };
    // Samba does not know the policy-hints control: required (the
    // default), the check says so and a change is refused, never made
    // without the directory's history in silence.
    let strict = Ldap::new(samba.config(), ADMIN_PASSWORD.into()).unwrap();
    match strict.check().await {
        Err(DirectoryError::Failed(why)) => assert!(why.contains("policy_hints"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        strict.set_password("carol", NEW_PASSWORD).await,
        Err(DirectoryError::Failed(_))
    ));
    let config = DirectoryConfig {
        policy_hints: PolicyHints::WhenSupported,
        ..samba.config()
    };
    let ad = Ldap::new(config.clone(), ADMIN_PASSWORD.into()).unwrap();
    ad.check().await.unwrap();
    // A service account that may not lift a lockout is named before any
    // reset leaves a locked account locked behind a new password.
    let helpless = DirectoryConfig {
        bind_dn: format!("CN=helpless,CN=Users,{BASE}"),
        ..config
    };
    let helpless = Ldap::new(helpless, CAROL_PASSWORD.into()).unwrap();
    match helpless.check().await {
        Err(DirectoryError::Failed(why)) => assert!(why.contains("lockoutTime"), "{why}"),
        other => panic!("{other:?}"),
    }

    let policy = ad.policy().await.unwrap();
    assert_eq!(policy.min_length, Some(10));
    assert_eq!(policy.history, Some(5));
    assert_eq!(policy.max_age, Some(90 * 86_400));
    assert_eq!(policy.lockout, Lockout::After(3));
    assert!(policy.complexity);

    let people = ad.people().await.unwrap();
    let carol = people
        .iter()
        .find(|p| p.username.as_deref() == Some("carol"))
        .expect("carol is listed");
    assert_eq!(carol.email.as_deref(), Some("carol@example.edu"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let set_at = carol.password_changed_at.expect("pwdLastSet is read");
    assert!((now - set_at).abs() < 600, "{set_at} vs {now}");

    assert_eq!(
        ad.authenticate("carol", CAROL_PASSWORD).await,
        Ok(Bind::Accepted)
    );
    assert_eq!(
        ad.authenticate("carol", "Not-hers#2026").await,
        Ok(Bind::Wrong)
    );
    assert_eq!(
        ad.authenticate("nobody", CAROL_PASSWORD).await,
        Err(DirectoryError::NoEntry)
    );

    // AD names no rule ("0000052D"): the length it asks for is read from
    // its rules and told.
    assert_eq!(
        ad.set_password("carol", "Sh0rt!x").await,
        Err(DirectoryError::Refused(Refusal::Length(Some(10))))
    );
    assert_eq!(
        ad.set_password("carol", NEW_PASSWORD).await,
        Ok(Written { unlocked: false }),
        "an open account: no lock to lift"
    );
    assert_eq!(
        ad.authenticate("carol", NEW_PASSWORD).await,
        Ok(Bind::Accepted)
    );
    // Without the control Samba skips its history for a service's change:
    // the old password is taken back, and only Latchkey's history (checked
    // before the directory is asked) stands in the way.
    ad.set_password("carol", CAROL_PASSWORD).await.unwrap();
    ad.set_password("carol", NEW_PASSWORD).await.unwrap();

    // Three wrong passwords lock it; the right one is then refused (775).
    for _ in 0..3 {
        assert_eq!(
            ad.authenticate("carol", "an-old-password-1").await,
            Ok(Bind::Wrong)
        );
    }
    assert_eq!(
        ad.authenticate("carol", NEW_PASSWORD).await,
        Ok(Bind::Locked)
    );
    assert_eq!(ad.lock("carol").await, Ok(Lock::Locked));
    ad.unlock("carol").await.unwrap();
    assert_eq!(ad.lock("carol").await, Ok(Lock::Open));
    assert_eq!(
        ad.authenticate("carol", NEW_PASSWORD).await,
        Ok(Bind::Accepted)
    );

    // Locked again, the owner chooses a new password instead of unlocking:
    // the change lifts the lock with it, and the new password binds at once.
    for _ in 0..3 {
        ad.authenticate("carol", "an-old-password-2").await.unwrap();
    }
    assert_eq!(ad.lock("carol").await, Ok(Lock::Locked));
    // The change says so, for the audit trail.
    assert_eq!(
        ad.set_password("carol", "Beacon&Ridge-93").await,
        Ok(Written { unlocked: true })
    );
    assert_eq!(ad.lock("carol").await, Ok(Lock::Open));
    assert_eq!(
        ad.authenticate("carol", "Beacon&Ridge-93").await,
        Ok(Bind::Accepted)
    );

    // The watch after that change: a device still trying an older password
    // locks the account again, and one pass brings carol the unlock link
    // (one search for everyone watched); a pass with nothing new, nothing.
    let changed_at = latchkey::clock::unix_now() - 1;
    let watched =
        crate::watch::Watched::start("samba_watch", "carol", "carol@example.edu", changed_at).await;
    for _ in 0..3 {
        ad.authenticate("carol", "an-old-password-3").await.unwrap();
    }
    let troubled = ad.troubled_since(changed_at).await.unwrap();
    let carol = troubled
        .iter()
        .find(|t| t.username == "carol")
        .expect("carol's trouble");
    assert!(carol.locked_since(changed_at).is_some(), "{carol:?}");
    assert_eq!(carol.failures_since(changed_at), 3, "{carol:?}");
    let now = latchkey::clock::unix_now();
    let pass = watched.pass(&ad, now).await;
    assert_eq!(pass.searches, 1);
    let told: Vec<_> = pass
        .told
        .iter()
        .map(|t| (t.username.as_str(), t.notice))
        .collect();
    assert_eq!(told, [("carol", "unlock_link")]);
    assert!(watched.link_sent().await);
    assert!(watched.pass(&ad, now + 60).await.told.is_empty());
    ad.unlock("carol").await.unwrap();
    watched.db.drop_db().await;

    // Set by an administrator "to change at next sign-in" (pwdLastSet 0):
    // the right password, refused with 773, counts as expired, not wrong.
    run(
        "samba-tool",
        &[
            "user",
            "setpassword",
            "carol",
            "--newpassword=Harbor#Gate-71",
            "--must-change-at-next-login",
            "-H",
            &samba.sam(),
        ],
    );
    assert_eq!(
        ad.authenticate("carol", "Harbor#Gate-71").await,
        Ok(Bind::Expired)
    );
    assert_eq!(
        ad.authenticate("carol", NEW_PASSWORD).await,
        Ok(Bind::Wrong)
    );

    // Under a fine-grained policy of 16 characters, carol is told 16, and a
    // refusal that AD words as "some restriction" is told as its length.
    run(
        "samba-tool",
        &[
            "domain",
            "passwordsettings",
            "pso",
            "create",
            "strict",
            "1",
            "--min-pwd-length=16",
            "--complexity=on",
            "--account-lockout-threshold=5",
            "-H",
            &samba.sam(),
        ],
    );
    run(
        "samba-tool",
        &[
            "domain",
            "passwordsettings",
            "pso",
            "apply",
            "strict",
            "carol",
            "-H",
            &samba.sam(),
        ],
    );
    let own = ad.policy_of("carol").await.unwrap();
    assert_eq!(own.min_length, Some(16));
    assert_eq!(own.lockout, Lockout::After(5));
    assert_eq!(
        ad.policy().await.unwrap().min_length,
        Some(10),
        "the domain's"
    );
    assert_eq!(
        ad.set_password("carol", "Lantern%Quay-59").await,
        Err(DirectoryError::Refused(Refusal::Length(Some(16))))
    );

    // Disabled by an administrator: not ours to undo.
    assert_eq!(ad.lock("dave").await, Ok(Lock::Disabled));
    assert_eq!(ad.unlock("dave").await, Err(DirectoryError::Disabled));
}
