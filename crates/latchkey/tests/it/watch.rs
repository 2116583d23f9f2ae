//! The watch after a change, against real directories: a device that
//! keeps the old password is told of after its first wrong passwords, a
//! lock brings a link that unlocks from the phone, each once, and the help
//! desk reads the timeline. (`latchkey directory watch --once` is in
//! `cli_directory.rs`; Active Directory's lock in `samba.rs`.)

use latchkey::clock::Clock;
use latchkey::directory::{Directory, WatchSettings};
use latchkey::domain::watch::{self, Pass, UnlockLinks, Watching};
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::notify::{Notifier, Outbox};
use latchkey::secrets::SecretKey;
use latchkey::store::{Commit, OutboxEntry, Role, Store};

use crate::helpdesk::{account_path, add_staff, sign_in};
use crate::ldap::{LONG_PASSWORD, Slapd, person_dn};
use crate::portal::{Browser, Extras, OLD_PASSWORD, Portal, portal_extras, reset_by_sms, scrape};
use crate::support::{TestDb, count};

fn unix_now() -> i64 {
    latchkey::clock::unix_now()
}

/// One pass of the server's own watch, as its schedule runs it.
async fn server_pass(portal: &Portal) -> Pass {
    let notifier = portal.core.notifier();
    let watching = Watching::of(&portal.core, &notifier).expect("a directory");
    watch::pass(&watching, portal.clock.now(), false)
        .await
        .unwrap()
}

/// The path of the unlock link in the newest message that carries one.
async fn unlock_path(store: &Store) -> Option<String> {
    let messages = store.outbox(20).await.unwrap();
    messages.iter().find_map(|message| {
        let at = message.body.find("/unlock/")?;
        let rest = &message.body[at..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    })
}

#[tokio::test]
async fn an_old_password_is_told_of_then_its_lock_is_undone_from_the_phone() {
    let Some(slapd) = Slapd::start("watch_portal") else {
        return;
    };
    let db = TestDb::sqlite("watch_portal");
    let key = SecretKey::random();
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &key, extras).await;
    // The directory stamps failures on the real clock: the portal's too.
    portal.clock.advance(unix_now() - portal.clock.now());
    let mut browser = Browser::default();
    reset_by_sms(&mut browser, &portal, "ada", LONG_PASSWORD).await;
    assert_eq!(server_pass(&portal).await.told.len(), 0, "nothing yet");
    assert!(
        scrape(&portal)
            .await
            .contains("latchkey_watched_accounts 1")
    );

    // ada's laptop still has the old password: two tries, one warning.
    let ada = person_dn("ada");
    for _ in 0..2 {
        assert!(!slapd.whoami(&ada, OLD_PASSWORD));
    }
    let pass = server_pass(&portal).await;
    assert_eq!((pass.watched, pass.searches), (1, 1));
    let told: Vec<_> = pass
        .told
        .iter()
        .map(|t| (t.username.as_str(), t.notice))
        .collect();
    assert_eq!(told, [("ada", "warning")]);
    let newest: Vec<OutboxEntry> = portal.store.outbox(2).await.unwrap();
    assert!(newest.iter().any(|m| m.channel == "email"
        && m.body.contains("still using your old password")
        && m.body.contains("VPN")));
    assert!(
        newest
            .iter()
            .any(|m| m.channel == "sms" && m.recipient.ends_with("0143"))
    );
    assert!(
        unlock_path(&portal.store).await.is_none(),
        "no link before a lock"
    );

    // The third locks the account: the next pass sends the link, once.
    assert!(!slapd.whoami(&ada, OLD_PASSWORD));
    assert!(!slapd.whoami(&ada, LONG_PASSWORD), "locked");
    let pass = server_pass(&portal).await;
    assert_eq!(pass.told.len(), 1);
    assert_eq!(pass.told[0].notice, "unlock_link");
    let sent = count(&db.url, "outbox").await;
    assert_eq!(server_pass(&portal).await.told.len(), 0);
    assert_eq!(
        count(&db.url, "outbox").await,
        sent,
        "nothing new, nothing sent"
    );

    // The link asks first (a mail scanner spends nothing), then unlocks
    // and keeps the new password; it works once.
    let path = unlock_path(&portal.store).await.expect("the link is sent");
    let mut phone = Browser::from_peer("198.51.100.20:443");
    let page = phone.get(&portal, &path).await;
    assert_eq!(page.heading(), "Unlock your account", "{}", page.body);
    assert!(
        !slapd.whoami(&ada, LONG_PASSWORD),
        "still locked after a look"
    );
    let page = phone.post_raw(&portal, &path, &[]).await;
    assert_eq!(page.heading(), "Your account is unlocked", "{}", page.body);
    assert!(slapd.whoami(&ada, LONG_PASSWORD));
    let again = phone.post_raw(&portal, &path, &[]).await;
    assert_eq!(again.status.as_u16(), 410);
    assert_eq!(phone.get(&portal, &path).await.status.as_u16(), 410);
    let forged = path.replacen("/unlock/", "/unlock/9", 1);
    assert_eq!(phone.get(&portal, &forged).await.status.as_u16(), 410);
    let actions = [
        "watch.warned",
        "watch.lock_caught",
        "watch.unlocked_by_link",
    ];
    for action in actions {
        let recorded = count(&db.url, &format!("audit_events WHERE action = '{action}'")).await;
        assert_eq!(recorded, 1, "{action}");
    }
    let metrics = scrape(&portal).await;
    for line in [
        "latchkey_watch_warnings_total 1",
        "latchkey_watch_locks_total 1",
        "latchkey_watch_unlocks_total 1",
    ] {
        assert!(metrics.contains(line), "{line}: {metrics}");
    }

    // The help desk reads it all on the account's page.
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut desk = Browser::default();
    sign_in(&mut desk, &portal, "kim", &secret).await;
    let page = desk.get(&portal, &account_path(&portal, "ada").await).await;
    let timeline = page.body.split("id=\"watch\">").nth(1).expect("a timeline");
    let timeline = &timeline[..timeline.find("</dd>").unwrap()];
    for words in [
        "wrong passwords",
        "told of a device with the old password",
        "locked",
        "unlock link sent",
        "unlocked by the owner with the link",
    ] {
        assert!(timeline.contains(words), "{words}: {timeline}");
    }
}

#[tokio::test]
async fn failure_events_the_directory_did_not_count_warn_and_name_the_device() {
    let Some(slapd) = Slapd::start("watch_events") else {
        return;
    };
    let directory = slapd.writeback().directory;
    let changed_at = unix_now() - 600;
    let watched = Watched::start("watch_events", "bob", "bob@example.edu", changed_at).await;
    // Active Directory's N-2 rule: the old password's failures are not
    // counted there, only logged by the domain controllers.
    let at = |seconds: i64| {
        jiff::Timestamp::from_second(changed_at + seconds)
            .unwrap()
            .to_string()
    };
    let events = crate::support::TempDir::new("watch-events");
    let lines = [
        format!(
            r#"{{"@timestamp":"{}","winlog":{{"event_id":4771,"event_data":{{"TargetUserName":"bob","IpAddress":"::ffff:10.4.1.22"}}}}}}"#,
            at(-60)
        ),
        format!(
            r#"{{"EventTime":"{}","EventID":4776,"TargetUserName":"CAMPUS\\bob","Workstation":"LAPTOP-7F2"}}"#,
            at(60)
        ),
        format!(
            r#"{{"EventTime":"{}","EventID":4776,"TargetUserName":"CAMPUS\\bob","Workstation":"LAPTOP-7F2"}}"#,
            at(120)
        ),
        format!(
            r#"{{"EventTime":"{}","EventID":4624,"TargetUserName":"bob"}}"#,
            at(130)
        ),
    ];
    let file = events.write("failures.json", &(lines.join("\n") + "\n"));
    let file = Some(std::path::PathBuf::from(file));
    let pass = watched
        .pass_reading(directory.as_ref(), unix_now(), file.clone())
        .await;
    assert_eq!(pass.told.len(), 1, "{pass:?}");
    assert_eq!(pass.told[0].notice, "warning");
    assert_eq!(pass.told[0].failures, 2, "only those after the change");
    assert_eq!(pass.told[0].devices, ["LAPTOP-7F2"]);
    let mail = watched.store.outbox(5).await.unwrap();
    assert!(
        mail.iter()
            .any(|m| m.body.contains("Seen from: LAPTOP-7F2.")),
        "{mail:?}"
    );
    let again = watched
        .pass_reading(directory.as_ref(), unix_now(), file)
        .await;
    assert!(again.told.is_empty(), "once a change");
}

/// An account whose password `directory` holds, changed `changed_at`
/// through Latchkey: its watch runs on a store of its own.
pub struct Watched {
    pub db: TestDb,
    pub store: Store,
    key: SecretKey,
}

impl Watched {
    pub async fn start(test: &str, username: &str, email: &str, changed_at: i64) -> Watched {
        let db = TestDb::sqlite(test);
        let store = Store::open(&db.url).await.unwrap();
        let hasher = Hasher::new(&HashingConfig {
            memory_kib: 256,
            iterations: 1,
            ..HashingConfig::default()
        })
        .unwrap();
        let hash = hasher.hash("an old one").await.unwrap();
        let person = NewAccount::parse(username, email, username, None).unwrap();
        store
            .insert_accounts(&[(person, Some(hash))], 1)
            .await
            .unwrap();
        let account = store.find_account(username).await.unwrap().unwrap();
        let new_hash = hasher.hash("the new one").await.unwrap();
        let commit = Commit {
            new_hash: &new_hash,
            sealed: None,
            keep: 1,
            now: changed_at,
            actor: "self-service",
            address: "",
            lifted_lock: false,
            finishing: None,
            notices: &[],
            watch_until: Some(changed_at + 72 * 3600),
        };
        store
            .commit_password_change(&account, &commit)
            .await
            .unwrap();
        Watched {
            db,
            store,
            key: SecretKey::random(),
        }
    }

    /// One pass at `now` against `directory`, its messages in the outbox.
    pub async fn pass(&self, directory: &dyn Directory, now: i64) -> Pass {
        self.pass_reading(directory, now, None).await
    }

    /// The same, reading domain controllers' failure events in `events`.
    pub async fn pass_reading(
        &self,
        directory: &dyn Directory,
        now: i64,
        events: Option<std::path::PathBuf>,
    ) -> Pass {
        let outbox = Outbox::new(self.store.clone());
        let notifier = Notifier {
            messages: &outbox,
            mail: &outbox,
            queue: None,
        };
        let settings = WatchSettings {
            seconds: 72 * 3600,
            warn_after: 2,
            failure_events: events,
        };
        let watching = Watching {
            store: &self.store,
            directory,
            settings: &settings,
            notifier: &notifier,
            links: UnlockLinks {
                key: &self.key,
                public_url: "https://password.example.edu",
            },
            service: "Example University",
            zone: &jiff::tz::TimeZone::UTC,
            default_language: latchkey::i18n::Lang::En,
            stats: None,
        };
        watch::pass(&watching, now, false).await.unwrap()
    }

    pub async fn link_sent(&self) -> bool {
        unlock_path(&self.store).await.is_some()
    }
}
