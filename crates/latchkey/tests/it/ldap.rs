//! Directory writeback and sync against a real OpenLDAP `slapd`, started
//! for each test from a generated configuration in a temporary folder, with
//! the ppolicy overlay enforcing its own password policy.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use latchkey::directory::{
    Directory, DirectoryConfig, DirectoryError, Ldap, Lockout, Refusal, Settled, Ungated,
    Writeback, reconcile,
};

use crate::support::TempDir;

pub const BASE: &str = "dc=example,dc=edu";
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=edu";
const ADMIN_PASSWORD: &str = "admin-secret";
pub const SERVICE_DN: &str = "cn=latchkey,dc=example,dc=edu";
pub const SERVICE_PASSWORD: &str = "service-secret";
/// Long enough for the directory's own policy (10 characters).
pub const LONG_PASSWORD: &str = "Nw4%jxrQ-7vbz";
/// The directory's policy entry, and what it says.
pub const POLICY_DN: &str = "cn=default,ou=policies,dc=example,dc=edu";
pub const DIRECTORY_MIN_LENGTH: usize = 10;
pub const DIRECTORY_MAX_FAILURES: u32 = 3;
pub const DIRECTORY_MAX_AGE_DAYS: i64 = 90;

/// People the directory starts with: ada (the portal's ada, same old
/// password), bob (only in the directory), an entry sync must skip (no mail)
/// and one it takes without its unreadable mobile.
const PEOPLE: &str = "
dn: uid=ada,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: ada
cn: Ada Lovelace
sn: Lovelace
displayName: Ada King
mail: ada@example.edu
mobile: +1 202 555 0143
userPassword: Vt9#qkzP

dn: uid=bob,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: bob
cn: Bob Kahn
sn: Kahn
mail: bob@example.edu
mobile: (202) 555-0188

dn: uid=nomail,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: nomail
cn: No Mail
sn: Mail

dn: uid=badphone,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: badphone
cn: Bad Phone
departmentNumber: Chemistry
sn: Phone
mail: badphone@example.edu
mobile: 555-01
";

/// A throwaway OpenLDAP server; stopped and removed when dropped.
pub struct Slapd {
    pub url: String,
    port: u16,
    /// With TLS: the `ldaps://` port and the certificate (its own authority).
    tls: Option<(u16, String)>,
    dir: TempDir,
    child: Option<Child>,
}

impl Slapd {
    /// `None` only outside CI when slapd is not installed; in CI a missing
    /// slapd fails the test instead of skipping it.
    pub fn start(test: &str) -> Option<Slapd> {
        Slapd::launch(test, false)
    }

    /// The same, also serving StartTLS and `ldaps://` with a certificate for
    /// 127.0.0.1 made by the test.
    pub fn start_with_tls(test: &str) -> Option<Slapd> {
        Slapd::launch(test, true)
    }

    fn launch(test: &str, with_tls: bool) -> Option<Slapd> {
        if !Path::new("/usr/sbin/slapd").exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install slapd (scripts/test does)"
            );
            eprintln!("{test}: /usr/sbin/slapd is not installed; directory test skipped");
            return None;
        }
        let dir = TempDir::new(&format!("slapd-{test}"));
        std::fs::create_dir_all(dir.0.join("data")).unwrap();
        let root = dir.0.display().to_string();
        let tls = with_tls.then(|| {
            let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
            let cert_file = dir.write("cert.pem", &cert.cert.pem());
            dir.write("key.pem", &cert.signing_key.serialize_pem());
            (free_port(), cert_file)
        });
        let tls_settings = match &tls {
            Some((_, cert_file)) => {
                format!("TLSCertificateFile {cert_file}\nTLSCertificateKeyFile {root}/key.pem\n")
            }
            None => String::new(),
        };
        dir.write(
            "slapd.conf",
            &format!(
                "{tls_settings}include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {root}/slapd.pid
database mdb
maxsize 16777216
suffix \"{BASE}\"
rootdn \"{ADMIN_DN}\"
rootpw {ADMIN_PASSWORD}
directory {root}/data
overlay ppolicy
ppolicy_default \"cn=default,ou=policies,{BASE}\"
ppolicy_hash_cleartext
access to attrs=userPassword
  by dn.exact=\"{SERVICE_DN}\" write
  by anonymous auth
  by * none
access to attrs=pwdAccountLockedTime
  by dn.exact=\"{SERVICE_DN}\" write
  by * read
access to *
  by * read
"
            ),
        );
        let port = free_port();
        let mut slapd = Slapd {
            url: format!("ldap://127.0.0.1:{port}"),
            port,
            tls,
            dir,
            child: None,
        };
        slapd.run();
        slapd.ldapadd(&format!(
            "dn: {BASE}
objectClass: dcObject
objectClass: organization
o: Example University
dc: example

dn: ou=people,{BASE}
objectClass: organizationalUnit
ou: people

dn: ou=policies,{BASE}
objectClass: organizationalUnit
ou: policies

dn: {POLICY_DN}
objectClass: pwdPolicy
objectClass: applicationProcess
cn: default
pwdAttribute: userPassword
pwdMinLength: {DIRECTORY_MIN_LENGTH}
pwdCheckQuality: 2
pwdInHistory: 5
pwdLockout: TRUE
pwdMaxFailure: {DIRECTORY_MAX_FAILURES}
pwdMaxAge: {max_age}

dn: {SERVICE_DN}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: latchkey
userPassword: {SERVICE_PASSWORD}
{PEOPLE}",
            max_age = DIRECTORY_MAX_AGE_DAYS * 86_400
        ));
        Some(slapd)
    }

    /// Starts (or restarts) the server on its port and data, and waits until it answers.
    pub fn run(&mut self) {
        let conf = self.dir.0.join("slapd.conf");
        // `-d 0` keeps slapd in the foreground, a child this test owns.
        let mut urls = format!("ldap://127.0.0.1:{}/", self.port);
        if let Some((port, _)) = &self.tls {
            urls.push_str(&format!(" ldaps://127.0.0.1:{port}/"));
        }
        let child = Command::new("/usr/sbin/slapd")
            .arg("-f")
            .arg(&conf)
            .args(["-h", &urls, "-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd starts");
        self.child = Some(child);
        for _ in 0..100 {
            if self.whoami(ADMIN_DN, ADMIN_PASSWORD) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("slapd did not answer on port {}", self.port);
    }

    /// Stops the server, as an outage would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The `ldaps://` URL and the certificate to trust, when started with TLS.
    pub fn tls(&self) -> Option<(String, String)> {
        self.tls
            .as_ref()
            .map(|(port, cert)| (format!("ldaps://127.0.0.1:{port}"), cert.clone()))
    }

    pub fn ldapadd(&self, ldif: &str) {
        self.ldap_tool("ldapadd", ldif);
    }

    /// Sets the default policy's minimum length, as its administrator would.
    pub fn set_min_length(&self, characters: usize) {
        self.ldapmodify(&format!(
            "dn: {POLICY_DN}\nchangetype: modify\nreplace: pwdMinLength\npwdMinLength: {characters}\n"
        ));
    }

    /// Changes entries (`changetype: modify` records) as the administrator.
    pub fn ldapmodify(&self, ldif: &str) {
        self.ldap_tool("ldapmodify", ldif);
    }

    fn ldap_tool(&self, tool: &str, ldif: &str) {
        let path = self.dir.write("change.ldif", ldif);
        let output = Command::new(tool)
            .args([
                "-x",
                "-H",
                &self.url,
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
                "-f",
            ])
            .arg(path)
            .output()
            .expect("the LDAP tools run (package ldap-utils)");
        assert!(
            output.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Sets `dn`'s password as the directory's administrator would, elsewhere
    /// than the portal (`ldappasswd`).
    pub fn set_password(&self, dn: &str, password: &str) {
        let output = Command::new("ldappasswd")
            .args(["-x", "-H", &self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD])
            .args(["-s", password, dn])
            .output()
            .expect("ldappasswd runs (package ldap-utils)");
        assert!(
            output.status.success(),
            "ldappasswd: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// How many wrong passwords the directory holds against `dn`: ppolicy's
    /// `pwdFailureTime` values, read as its administrator.
    pub fn failures(&self, dn: &str) -> usize {
        let output = Command::new("ldapsearch")
            .args([
                "-x",
                "-LLL",
                "-H",
                &self.url,
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
            ])
            .args(["-s", "base", "-b", dn, "pwdFailureTime"])
            .output()
            .expect("ldapsearch runs (package ldap-utils)");
        assert!(
            output.status.success(),
            "ldapsearch: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| line.starts_with("pwdFailureTime:"))
            .count()
    }

    /// Whether `dn` can bind with `password`, as `ldapwhoami` says.
    pub fn whoami(&self, dn: &str, password: &str) -> bool {
        Command::new("ldapwhoami")
            .args(["-x", "-H", &self.url, "-D", dn, "-w", password])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    pub fn config(&self) -> DirectoryConfig {
        DirectoryConfig {
            url: self.url.clone(),
            bind_dn: SERVICE_DN.into(),
            base_dn: format!("ou=people,{BASE}"),
            policy_dn: Some(POLICY_DN.into()),
            timeout_seconds: 5,
            ..DirectoryConfig::default()
        }
    }

    pub fn writeback(&self) -> Writeback {
        let config = self.config();
        Writeback::new(
            Box::new(Ldap::new(config.clone(), SERVICE_PASSWORD.into()).unwrap()),
            &config,
        )
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn person_dn(uid: &str) -> String {
    format!("uid={uid},ou=people,{BASE}")
}

#[tokio::test]
async fn the_directory_takes_a_password_and_a_bind_proves_it() {
    let Some(slapd) = Slapd::start("set") else {
        return;
    };
    let ldap = Ldap::new(slapd.config(), SERVICE_PASSWORD.into()).unwrap();
    ldap.set_password("ada", LONG_PASSWORD).await.unwrap();
    assert!(slapd.whoami(&person_dn("ada"), LONG_PASSWORD));
    assert!(!slapd.whoami(&person_dn("ada"), "Vt9#qkzP"));
    assert!(
        ldap.has_password("ada", LONG_PASSWORD, &Ungated)
            .await
            .unwrap()
    );
    assert!(
        !ldap
            .has_password("ada", "Vt9#qkzP", &Ungated)
            .await
            .unwrap()
    );
    // Its own policy: too short for it, with its minimum (slapd's text
    // says only "fails quality checking"; its response control says which
    // rule), and then the password it has now.
    assert_eq!(
        ldap.set_password("ada", "Qz8#vbnMx").await,
        Err(DirectoryError::Refused(Refusal::Length(Some(10))))
    );
    assert_eq!(
        ldap.set_password("ada", LONG_PASSWORD).await,
        Err(DirectoryError::Refused(Refusal::History))
    );
    assert_eq!(
        ldap.set_password("nobody", LONG_PASSWORD).await,
        Err(DirectoryError::NoEntry)
    );
    // A username cannot widen the filter.
    assert_eq!(
        ldap.set_password("*", LONG_PASSWORD).await,
        Err(DirectoryError::NoEntry)
    );
}

/// erin, under her own policy (`pwdPolicySubentry`): 16 characters, a
/// 30-day maximum age, locked after 5 wrong passwords in 10 minutes.
pub const ERIN: &str = "dn: cn=strict,ou=policies,dc=example,dc=edu
objectClass: pwdPolicy
objectClass: applicationProcess
cn: strict
pwdAttribute: userPassword
pwdMinLength: 16
pwdCheckQuality: 2
pwdMaxAge: 2592000
pwdLockout: TRUE
pwdMaxFailure: 5
pwdFailureCountInterval: 600

dn: uid=erin,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: erin
cn: Erin Brockovich
sn: Brockovich
mail: erin@example.edu
pwdPolicySubentry: cn=strict,ou=policies,dc=example,dc=edu
userPassword: Pebble&Crane-2026x
";
pub const ERIN_PASSWORD: &str = "Pebble&Crane-2026x";

/// A person's own policy (`pwdPolicySubentry`) is theirs, in the rules
/// read for them and in the words of a refusal; everyone else keeps the
/// default.
#[tokio::test]
async fn a_persons_own_policy_wins_over_the_default() {
    let Some(slapd) = Slapd::start("own_policy") else {
        return;
    };
    slapd.ldapadd(ERIN);
    let ldap = Ldap::new(slapd.config(), SERVICE_PASSWORD.into()).unwrap();
    let erin = ldap.policy_of("erin").await.unwrap();
    assert_eq!(
        (erin.min_length, erin.lockout, erin.failure_window),
        (Some(16), Lockout::After(5), Some(600))
    );
    assert_eq!(erin.max_age, Some(30 * 86_400));
    let ada = ldap.policy_of("ada").await.unwrap();
    assert_eq!(ada.min_length, Some(DIRECTORY_MIN_LENGTH));
    assert_eq!(ada, ldap.policy().await.unwrap());
    // Listed with everyone, each carries their own (reminders use it).
    let people = ldap.people().await.unwrap();
    let rules_of = |uid: &str| {
        let person = people.iter().find(|p| p.username.as_deref() == Some(uid));
        person.expect("listed").rules.clone()
    };
    assert_eq!(rules_of("erin").max_age, Some(30 * 86_400));
    assert_eq!(
        rules_of("ada").max_age,
        Some(DIRECTORY_MAX_AGE_DAYS * 86_400)
    );
    assert_eq!(
        ldap.set_password("erin", LONG_PASSWORD).await,
        Err(DirectoryError::Refused(Refusal::Length(Some(16))))
    );
    // The directory's administrator raises it: the rules kept are read
    // again after the next refusal, which names the new length.
    slapd.ldapmodify(&format!(
        "dn: cn=strict,ou=policies,{BASE}
changetype: modify
replace: pwdMinLength
pwdMinLength: 20
"
    ));
    assert_eq!(
        ldap.policy_of("erin").await.unwrap().min_length,
        Some(16),
        "kept"
    );
    assert_eq!(
        ldap.set_password("erin", "Pebble&Crane-2027").await,
        Err(DirectoryError::Refused(Refusal::Length(Some(20))))
    );
    assert_eq!(ldap.policy_of("erin").await.unwrap().min_length, Some(20));
}

#[tokio::test]
async fn a_userpassword_replace_is_hashed_by_the_directory_and_works() {
    let Some(slapd) = Slapd::start("replace") else {
        return;
    };
    let config = DirectoryConfig {
        password_change: latchkey::directory::PasswordChange::Replace,
        ..slapd.config()
    };
    let ldap = Ldap::new(config, SERVICE_PASSWORD.into()).unwrap();
    ldap.set_password("bob", LONG_PASSWORD).await.unwrap();
    assert!(slapd.whoami(&person_dn("bob"), LONG_PASSWORD));
}

#[tokio::test]
async fn an_unreachable_directory_or_a_wrong_service_password_says_so() {
    let Some(mut slapd) = Slapd::start("down") else {
        return;
    };
    let wrong = Ldap::new(slapd.config(), "not the password".into()).unwrap();
    match wrong.set_password("ada", LONG_PASSWORD).await {
        Err(DirectoryError::Unreachable(why)) => assert!(why.contains("bind_dn"), "{why}"),
        other => panic!("{other:?}"),
    }
    slapd.stop();
    let ldap = Ldap::new(slapd.config(), SERVICE_PASSWORD.into()).unwrap();
    assert!(matches!(
        ldap.set_password("ada", LONG_PASSWORD).await,
        Err(DirectoryError::Unreachable(_))
    ));
    assert!(!slapd.whoami(&person_dn("ada"), LONG_PASSWORD));
}

#[tokio::test]
async fn the_directory_lists_its_people_for_sync() {
    let Some(slapd) = Slapd::start("people") else {
        return;
    };
    let ldap = Ldap::new(slapd.config(), SERVICE_PASSWORD.into()).unwrap();
    let mut people = ldap.people().await.unwrap();
    people.sort_by(|a, b| a.dn.cmp(&b.dn));
    let names: Vec<_> = people.iter().map(|p| p.username.as_deref()).collect();
    assert_eq!(
        names,
        [Some("ada"), Some("badphone"), Some("bob"), Some("nomail")]
    );
    assert_eq!(people[0].name.as_deref(), Some("Ada King"));
    // bob has no displayName: his cn stands in.
    assert_eq!(people[2].name.as_deref(), Some("Bob Kahn"));
    assert_eq!(people[2].mobile.as_deref(), Some("(202) 555-0188"));
}

#[tokio::test]
async fn a_pending_change_the_directory_never_took_is_dropped() {
    use latchkey::model::account::NewAccount;
    use latchkey::secrets::SecretKey;
    use latchkey::store::{PendingWrite, Store};
    let Some(slapd) = Slapd::start("dropped") else {
        return;
    };
    let db = crate::support::TestDb::sqlite("dropped");
    let store = Store::open(&db.url).await.unwrap();
    let ada = NewAccount::parse("ada", "ada@example.edu", "Ada Lovelace", None).unwrap();
    store
        .insert_accounts(&[(ada, Some("old-hash".into()))], 1)
        .await
        .unwrap();
    let ada = store.find_account("ada").await.unwrap().unwrap();
    let key = SecretKey::random();
    let write = PendingWrite {
        account_id: ada.id,
        username: "ada".into(),
        new_hash: "new-hash".into(),
        sealed_password: key
            .seal(latchkey::directory::SEAL_PURPOSE, LONG_PASSWORD.as_bytes())
            .unwrap(),
        actor: "self-service".into(),
        created_at: 100,
        next_try_at: 200,
        attempts: 0,
        last_error: None,
    };
    assert!(store.begin_pending_write(&write).await.unwrap());
    assert!(
        !store.begin_pending_write(&write).await.unwrap(),
        "one change at a time"
    );
    let writeback = slapd.writeback();
    let directory = writeback.directory.as_ref();
    // Not due yet: left alone.
    let outcomes = reconcile(&store, directory, &Ungated, &key, 24, 30, 150)
        .await
        .unwrap();
    assert!(outcomes.is_empty());
    let outcomes = reconcile(&store, directory, &Ungated, &key, 24, 30, 200)
        .await
        .unwrap();
    assert_eq!(outcomes, [("ada".to_owned(), Settled::Dropped)]);
    assert!(store.pending_writes().await.unwrap().is_empty());
    assert_eq!(
        store
            .current_password_hash(ada.id)
            .await
            .unwrap()
            .as_deref(),
        Some("old-hash")
    );
    let history = store.password_history(ada.id).await.unwrap();
    assert_eq!(history.entries.len(), 1);
    db.drop_db().await;
}

#[tokio::test]
async fn starttls_and_ldaps_trust_the_configured_authority_and_nothing_else() {
    let Some(slapd) = Slapd::start_with_tls("tls") else {
        return;
    };
    let (ldaps_url, cert) = slapd.tls().unwrap();
    let starttls = DirectoryConfig {
        starttls: true,
        ca_file: Some(cert.clone().into()),
        ..slapd.config()
    };
    let ldap = Ldap::new(starttls.clone(), SERVICE_PASSWORD.into()).unwrap();
    ldap.set_password("ada", LONG_PASSWORD).await.unwrap();
    assert!(slapd.whoami(&person_dn("ada"), LONG_PASSWORD));

    let ldaps = DirectoryConfig {
        url: ldaps_url,
        ca_file: Some(cert.into()),
        ..slapd.config()
    };
    let ldap = Ldap::new(ldaps.clone(), SERVICE_PASSWORD.into()).unwrap();
    assert!(
        ldap.has_password("ada", LONG_PASSWORD, &Ungated)
            .await
            .unwrap()
    );

    // Another authority's certificate: the connection is refused, nothing sent.
    let other = TempDir::new("tls-other-ca");
    let stranger = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let stranger = other.write("other.pem", &stranger.cert.pem());
    for config in [starttls, ldaps] {
        let distrustful = DirectoryConfig {
            ca_file: Some(stranger.clone().into()),
            ..config
        };
        let ldap = Ldap::new(distrustful, SERVICE_PASSWORD.into()).unwrap();
        assert!(matches!(
            ldap.set_password("ada", "Another#pass-9").await,
            Err(DirectoryError::Unreachable(_))
        ));
        // `config check` and readiness name the setting to fix, rather
        // than wait for a directory that answers.
        match ldap.check().await {
            Err(DirectoryError::Failed(why)) => {
                assert!(why.contains("not trusted"), "{why}");
                assert!(why.contains("directory.ca_file"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(slapd.whoami(&person_dn("ada"), LONG_PASSWORD));
    // A file with no certificate in it is refused when the server starts.
    let empty = other.write("empty.pem", "");
    let config = DirectoryConfig {
        ca_file: Some(empty.into()),
        ..slapd.config()
    };
    let refused = Ldap::new(config, SERVICE_PASSWORD.into()).err().unwrap();
    assert!(refused.contains("directory.ca_file"), "{refused}");
}

#[tokio::test]
async fn a_password_changed_too_recently_is_refused_with_when_it_may_change() {
    let Some(slapd) = Slapd::start("too_young") else {
        return;
    };
    // Her own policy: one change a day.
    slapd.ldapadd(&format!(
        "dn: cn=daily,ou=policies,{BASE}
objectClass: pwdPolicy
objectClass: applicationProcess
cn: daily
pwdAttribute: userPassword
pwdMinAge: 86400

dn: uid=young,ou=people,{BASE}
objectClass: inetOrgPerson
uid: young
cn: Young Person
sn: Person
mail: young@example.edu
userPassword: Set-by-admin#1
pwdPolicySubentry: cn=daily,ou=policies,{BASE}
"
    ));
    let set_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ldap = Ldap::new(slapd.config(), SERVICE_PASSWORD.into()).unwrap();
    let refused = ldap.set_password("young", LONG_PASSWORD).await;
    let Err(DirectoryError::Refused(Refusal::MinimumAge(Some(when)))) = refused else {
        panic!("{refused:?}");
    };
    assert!((when - (set_at + 86_400)).abs() < 60, "{when} vs {set_at}");
    let told = Refusal::MinimumAge(Some(when)).message(&jiff::tz::TimeZone::UTC);
    assert!(told.contains(" on "), "said with its date: {told}");
    assert!(slapd.whoami(&person_dn("young"), "Set-by-admin#1"));
}
