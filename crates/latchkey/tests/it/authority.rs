//! The directory as the authority on passwords, against a real `slapd`
//! with ppolicy: people synced from it sign in with the password that
//! works there, a password changed elsewhere joins the history here, and an
//! account its lockout locked is unlocked by a proven person.

use latchkey::clock::Clock;
use latchkey::directory::{SyncOptions, sync};
use latchkey::i18n::Lang;
use latchkey::secrets::SecretKey;
use latchkey::store::{Role, Store};

use crate::account::{register_phone, sign_in};
use crate::helpdesk::{REASON, account_path, add_staff, sign_in as helpdesk_sign_in};
use crate::ldap::{ERIN, ERIN_PASSWORD, LONG_PASSWORD, Slapd, person_dn};
use crate::portal::{
    Browser, Extras, OLD_PASSWORD, Portal, latest_code, portal_extras, reset_by_sms, up_to_the_code,
};
use crate::support::TestDb;

/// In the directory only, with no mobile: she registers a phone herself.
const CAROL: &str = "dn: uid=carol,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: carol
cn: Carol Shaw
sn: Shaw
mail: carol@example.edu
userPassword: Qv7#mLtz-40x
";
const CAROL_PASSWORD: &str = "Qv7#mLtz-40x";
/// Set by the directory's administrator, not through the portal.
const ELSEWHERE: &str = "Tidal&Basin-33";

async fn directory_portal(db: &TestDb, slapd: &Slapd) -> Portal {
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    portal_extras(db, &SecretKey::random(), extras).await
}

/// A sync that takes the directory's phones.
const SYNC: SyncOptions = SyncOptions {
    phones: true,
    max_leavers: 500,
};

/// The names of the actions recorded about an account, oldest first.
pub async fn actions_of(store: &Store, account_id: i64) -> Vec<String> {
    let mut events = store.events_of(account_id, 200).await.unwrap();
    events.reverse();
    events.into_iter().map(|event| event.action).collect()
}

/// The sign-in page's error, as shown.
fn error_of(page: &crate::portal::Page) -> String {
    let start = page.body.find("That username").expect("the sign-in error");
    let text = &page.body[start..];
    text[..text.find('<').unwrap_or(text.len())].to_owned()
}

#[tokio::test]
async fn a_person_synced_from_the_directory_signs_in_registers_a_phone_and_resets() {
    let Some(slapd) = Slapd::start("auth_synced") else {
        return;
    };
    slapd.ldapadd(CAROL);
    let db = TestDb::sqlite("auth_synced");
    let portal = directory_portal(&db, &slapd).await;
    let writeback = slapd.writeback();
    sync(&portal.store, writeback.directory.as_ref(), SYNC, 1)
        .await
        .unwrap();
    let carol = portal.store.find_account("carol").await.unwrap().unwrap();
    assert!(
        portal
            .store
            .password_history(carol.id)
            .await
            .unwrap()
            .entries
            .is_empty()
    );

    // A wrong password and a name nobody has are answered alike.
    let wrong = sign_in(&mut Browser::default(), &portal, "ada", "Not-hers#2026").await;
    let unknown = sign_in(&mut Browser::default(), &portal, "nobody", "Not-hers#2026").await;
    assert_eq!(wrong.heading(), "Sign in");
    assert_eq!(error_of(&wrong), error_of(&unknown));
    assert!(error_of(&wrong).contains("may have locked your account"));

    // Her directory password: no method yet, so she is asked to set one up.
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "carol", CAROL_PASSWORD).await;
    assert_eq!(
        page.heading(),
        "Set up a way to reset your password",
        "{}",
        page.body
    );
    assert_eq!(
        portal
            .store
            .password_history(carol.id)
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    let hash = portal
        .store
        .current_password_hash(carol.id)
        .await
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "adopted as Argon2id");
    assert!(
        actions_of(&portal.store, carol.id)
            .await
            .contains(&"password.adopted".to_owned())
    );

    register_phone(&mut browser, &portal, "(202) 555-0199").await;
    reset_by_sms(&mut Browser::default(), &portal, "carol", LONG_PASSWORD).await;
    assert!(slapd.whoami(&person_dn("carol"), LONG_PASSWORD));

    // Changed elsewhere: the directory's word counts, the history now holds
    // all three, and the old one here opens nothing.
    slapd.set_password(&person_dn("carol"), ELSEWHERE);
    let page = sign_in(&mut Browser::default(), &portal, "carol", ELSEWHERE).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    assert_eq!(
        portal
            .store
            .password_history(carol.id)
            .await
            .unwrap()
            .entries
            .len(),
        3
    );
    let page = sign_in(&mut Browser::default(), &portal, "carol", LONG_PASSWORD).await;
    assert_eq!(
        page.heading(),
        "Sign in",
        "a stored copy is never the authority"
    );
    // So the reset's history refuses the password set elsewhere.
    let mut browser = Browser::default();
    crate::portal::up_to_the_code(&mut browser, &portal, "carol", "sms").await;
    let code = crate::portal::latest_code(&portal.store).await;
    browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", CAROL_PASSWORD), ("confirm", CAROL_PASSWORD)],
        )
        .await;
    assert_eq!(page.heading(), "Choose a new password");
    assert!(page.body.contains("not used before"), "{}", page.body);
    db.drop_db().await;
}

const BOB_PASSWORD: &str = "Harbor#Gate-71";
/// In the directory only, with a mobile, added after the last sync.
const DORA: &str = "dn: uid=dora,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: dora
cn: Dora Marsden
sn: Marsden
mail: dora@example.edu
mobile: +1 202 555 0177
userPassword: Quill&Meadow-26
";

/// Whether sign-in answered that it paused to spare the directory's lockout.
fn withheld(page: &crate::portal::Page) -> bool {
    page.heading() == "Sign in" && page.body.contains("Sign-in here is paused until")
}

/// The time a pause at sign-in is said to last until.
fn paused_until(page: &crate::portal::Page) -> String {
    let start = page.body.find("paused until ").expect("a pause") + "paused until ".len();
    let text = &page.body[start..];
    text[..text.find(',').unwrap_or(text.len())].to_owned()
}

/// A portal on `config`'s directory.
async fn portal_on(db: &TestDb, config: &latchkey::directory::DirectoryConfig) -> Portal {
    let writeback = latchkey::directory::Writeback::new(
        Box::new(
            latchkey::directory::Ldap::new(config.clone(), crate::ldap::SERVICE_PASSWORD.into())
                .unwrap(),
        ),
        config,
    );
    let extras = Extras {
        writeback: Some(writeback),
        ..Extras::default()
    };
    portal_extras(db, &SecretKey::random(), extras).await
}

#[tokio::test]
async fn with_no_lockout_policy_to_read_wrong_passwords_here_still_never_lock_anyone() {
    let Some(slapd) = Slapd::start("auth_unknown_lockout") else {
        return;
    };
    let db = TestDb::sqlite("auth_unknown_lockout");
    // Most campuses run so: the policy lives in slapd's own configuration
    // (`ppolicy_default`, three failures here), and Latchkey is not told
    // where, so it cannot read the threshold.
    let mut config = slapd.config();
    config.policy_dn = None;
    let portal = portal_on(&db, &config).await;
    // Readiness tells the operator what is assumed.
    let ready = Browser::default().get(&portal, "/readyz").await;
    let ready: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
    assert_eq!(ready["directory_lockout"]["threshold"], 3, "{ready}");
    assert_eq!(ready["directory_lockout"]["assumed"], true, "{ready}");
    let mut last = None;
    for _ in 0..6 {
        last = Some(sign_in(&mut Browser::default(), &portal, "ada", "Wrong#Guess-2026").await);
    }
    let last = last.unwrap();
    assert!(withheld(&last), "{}", last.body);
    let failures = slapd.failures(&person_dn("ada"));
    assert!(
        failures < crate::ldap::DIRECTORY_MAX_FAILURES as usize,
        "{failures} wrong passwords reached the directory"
    );
    assert!(
        slapd.whoami(&person_dn("ada"), OLD_PASSWORD),
        "ada's right password still binds in the directory"
    );
    db.drop_db().await;
}

#[tokio::test]
async fn a_pause_at_sign_in_says_until_when_never_grows_and_lifts_with_the_right_password_or_a_reset()
 {
    let Some(slapd) = Slapd::start("auth_fair_pause") else {
        return;
    };
    // bob is in the directory and was never imported here: a newcomer.
    slapd.set_password(&person_dn("bob"), BOB_PASSWORD);
    slapd.ldapadd(CAROL);
    let db = TestDb::sqlite("auth_fair_pause");
    let portal = directory_portal(&db, &slapd).await;
    let started = portal.clock.now();

    // One typo, then the right password: the directory (three failures,
    // and no interval) leaves one wrong password to this service, so the
    // second try waits, and the page says until when.
    let page = sign_in(&mut Browser::default(), &portal, "bob", "Harbor#Gate-17").await;
    assert!(!withheld(&page), "the first wrong one is tried");
    let page = sign_in(&mut Browser::default(), &portal, "bob", BOB_PASSWORD).await;
    assert!(withheld(&page), "{}", page.body);
    let until = paused_until(&page);
    // On the campus's clock (the server's, as no zone is configured here).
    let zone = jiff::tz::TimeZone::system();
    let expected = latchkey::i18n::clock_time(Lang::En, &zone, started + 15 * 60, started);
    assert_eq!(until, expected);
    // Trying again during the pause does not lengthen it.
    portal.clock.advance(5 * 60);
    let page = sign_in(&mut Browser::default(), &portal, "bob", BOB_PASSWORD).await;
    assert_eq!(paused_until(&page), until, "{}", page.body);
    // Once it ends, the right password signs the newcomer in (and, short
    // of today's rules, asks him for a new one first).
    portal.clock.advance(10 * 60 + 1);
    let page = sign_in(&mut Browser::default(), &portal, "bob", BOB_PASSWORD).await;
    assert_eq!(page.heading(), "Change your password", "{}", page.body);
    assert_eq!(slapd.failures(&person_dn("bob")), 0);

    // ada typed two wrong passwords; a reset proves her and lifts the pause
    // (the directory forgot her wrong passwords with the new one).
    sign_in(&mut Browser::default(), &portal, "ada", "Wrong#Guess-2026").await;
    let page = sign_in(&mut Browser::default(), &portal, "ada", "Wrong#Guess-2027").await;
    assert!(withheld(&page), "{}", page.body);
    reset_by_sms(&mut Browser::default(), &portal, "ada", LONG_PASSWORD).await;
    assert_eq!(
        slapd.failures(&person_dn("ada")),
        0,
        "the directory forgot them"
    );
    // The trail says where the change came from, as it does for each step.
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let events = portal.store.events_of(ada.id, 50).await.unwrap();
    let changed = events
        .iter()
        .find(|event| event.action == "password.changed")
        .expect("the change is recorded");
    assert!(!changed.address.is_empty(), "{changed:?}");
    let page = sign_in(&mut Browser::default(), &portal, "ada", "Wrong#Guess-2028").await;
    assert!(!withheld(&page), "a typo after the reset is tried");
    let page = sign_in(&mut Browser::default(), &portal, "ada", LONG_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);

    // Where the directory forgets only after a right password, waiting out
    // windows never lets this service make the failure that locks: two
    // wrong passwords in all, then a pause until a reset or an unlock.
    sign_in(
        &mut Browser::default(),
        &portal,
        "carol",
        "Wrong#Guess-2026",
    )
    .await;
    portal.clock.advance(15 * 60 + 1);
    sign_in(
        &mut Browser::default(),
        &portal,
        "carol",
        "Wrong#Guess-2027",
    )
    .await;
    portal.clock.advance(15 * 60 + 1);
    let page = sign_in(
        &mut Browser::default(),
        &portal,
        "carol",
        "Wrong#Guess-2028",
    )
    .await;
    assert!(
        page.body
            .contains("paused until you reset your password or unlock the account"),
        "{}",
        page.body
    );
    assert_eq!(slapd.failures(&person_dn("carol")), 2);
    db.drop_db().await;
}

#[tokio::test]
async fn wrong_passwords_typed_here_never_lock_anyone_in_the_directory() {
    let Some(slapd) = Slapd::start("auth_no_lockout") else {
        return;
    };
    slapd.ldapadd(CAROL);
    // bob is in the directory and was never imported here.
    slapd.set_password(&person_dn("bob"), BOB_PASSWORD);
    let db = TestDb::sqlite("auth_no_lockout");
    let portal = directory_portal(&db, &slapd).await;
    assert!(portal.store.find_account("bob").await.unwrap().is_none());

    // Six wrong passwords each (the directory locks at three) for someone
    // imported, someone only in the directory, and a name no one has.
    let mut last = Vec::new();
    for who in ["ada", "bob", "nobody"] {
        let mut page = None;
        for _ in 0..6 {
            page = Some(sign_in(&mut Browser::default(), &portal, who, "Wrong#Guess-2026").await);
        }
        last.push(page.unwrap());
    }
    assert!(last.iter().all(withheld), "{}", last[0].body);
    let said = |page: &crate::portal::Page| {
        let start = page.body.find("Too many wrong").expect("the pause");
        let text = &page.body[start..];
        text[..text.find('<').unwrap_or(text.len())].to_owned()
    };
    assert_eq!(
        said(&last[0]),
        said(&last[2]),
        "a real name and none are answered alike"
    );
    assert!(
        slapd.whoami(&person_dn("ada"), OLD_PASSWORD),
        "ada's account is not locked in the directory"
    );
    assert!(slapd.whoami(&person_dn("bob"), BOB_PASSWORD), "nor bob's");

    // A typo, then the right password that signed in here before: the
    // copy stored at that sign-in speaks for it over the allowance.
    let page = sign_in(
        &mut Browser::default(),
        &portal,
        "carol@example.edu",
        CAROL_PASSWORD,
    )
    .await;
    assert_eq!(
        page.heading(),
        "Set up a way to reset your password",
        "{}",
        page.body
    );
    let page = sign_in(&mut Browser::default(), &portal, "carol", "Qv7#mLtz-40y").await;
    assert!(!withheld(&page), "the first wrong one is tried");
    let page = sign_in(&mut Browser::default(), &portal, "carol", CAROL_PASSWORD).await;
    assert_eq!(
        page.heading(),
        "Set up a way to reset your password",
        "{}",
        page.body
    );
    // One typo after it is tried (the count began again); the next is not.
    sign_in(&mut Browser::default(), &portal, "carol", "Qv7#mLtz-40y").await;
    let page = sign_in(&mut Browser::default(), &portal, "carol", "Qv7#mLtz-40z").await;
    assert!(withheld(&page), "{}", page.body);
    assert!(slapd.whoami(&person_dn("carol"), CAROL_PASSWORD));
    db.drop_db().await;
}

#[tokio::test]
async fn a_newcomer_in_the_directory_signs_in_and_resets_on_their_first_day() {
    let Some(slapd) = Slapd::start("auth_newcomer") else {
        return;
    };
    slapd.set_password(&person_dn("bob"), BOB_PASSWORD);
    let db = TestDb::sqlite("auth_newcomer");
    // The campus trusts the directory's mobile numbers for reset codes.
    let mut config = slapd.config();
    config.trusted_phones = true;
    let writeback = latchkey::directory::Writeback::new(
        Box::new(
            latchkey::directory::Ldap::new(config.clone(), crate::ldap::SERVICE_PASSWORD.into())
                .unwrap(),
        ),
        &config,
    );
    let extras = Extras {
        writeback: Some(writeback),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;

    // Added to the directory after the last sync, bob signs in with the
    // directory's password and his mail address: imported on the spot.
    let page = sign_in(
        &mut Browser::default(),
        &portal,
        "bob@example.edu",
        BOB_PASSWORD,
    )
    .await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    let bob = portal
        .store
        .find_account("bob")
        .await
        .unwrap()
        .expect("imported");
    assert_eq!(bob.phone.as_deref(), Some("+12025550188"));
    let actions = actions_of(&portal.store, bob.id).await;
    assert!(
        actions.contains(&"account.arrived:signin".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"password.adopted".to_owned()),
        "{actions:?}"
    );

    // dora, added later still, forgot hers: the reset imports her and texts
    // her directory mobile.
    slapd.ldapadd(DORA);
    reset_by_sms(&mut Browser::default(), &portal, "dora", LONG_PASSWORD).await;
    assert!(slapd.whoami(&person_dn("dora"), LONG_PASSWORD));
    let dora = portal
        .store
        .find_account("dora")
        .await
        .unwrap()
        .expect("imported");
    let actions = actions_of(&portal.store, dora.id).await;
    assert!(
        actions.contains(&"account.arrived:reset".to_owned()),
        "{actions:?}"
    );
    db.drop_db().await;
}

#[tokio::test]
async fn a_person_under_their_own_directory_policy_is_told_its_rules() {
    let Some(slapd) = Slapd::start("auth_own_policy") else {
        return;
    };
    // erin's own policy asks for 16 characters; the default, 10.
    slapd.ldapadd(ERIN);
    let db = TestDb::sqlite("auth_own_policy");
    let portal = directory_portal(&db, &slapd).await;
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "erin", ERIN_PASSWORD).await;
    assert_eq!(
        page.heading(),
        "Set up a way to reset your password",
        "{}",
        page.body
    );
    let page = browser.get(&portal, "/account/password").await;
    assert!(
        page.body.contains("At least 16 characters"),
        "{}",
        page.body
    );
    // The live check and the verdict hold her to it too.
    let answer = browser
        .post(
            &portal,
            "/account/password/check",
            &[("password", LONG_PASSWORD), ("confirm", LONG_PASSWORD)],
        )
        .await;
    assert!(
        answer.body.contains("\"accepted\":false"),
        "{}",
        answer.body
    );
    let page = browser
        .post(
            &portal,
            "/account/password",
            &[
                ("current", ERIN_PASSWORD),
                ("password", LONG_PASSWORD),
                ("confirm", LONG_PASSWORD),
            ],
        )
        .await;
    assert!(
        page.body.contains("At least 16 characters"),
        "{}",
        page.body
    );
    assert!(slapd.whoami(&person_dn("erin"), ERIN_PASSWORD), "unchanged");
    db.drop_db().await;
}

#[tokio::test]
async fn people_who_left_the_directory_are_marked_and_come_back_when_it_holds_them_again() {
    let Some(slapd) = Slapd::start("auth_leavers") else {
        return;
    };
    slapd.set_password(&person_dn("bob"), BOB_PASSWORD);
    let db = TestDb::sqlite("auth_leavers");
    let key = SecretKey::random();
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &key, extras).await;
    let writeback = slapd.writeback();
    let directory = writeback.directory.as_ref();
    let report = sync(&portal.store, directory, SYNC, 1).await.unwrap();
    assert!(report.added.contains(&"bob".to_owned()), "{report:?}");
    // The portal's own demo people are not in this directory: a sync
    // that would mark more than the limit marks none, and says why.
    let strict = SyncOptions {
        max_leavers: 0,
        ..SYNC
    };
    slapd.ldapmodify("dn: uid=bob,ou=people,dc=example,dc=edu\nchangetype: delete\n");
    let report = sync(&portal.store, directory, strict, 2).await.unwrap();
    assert!(report.left.is_empty());
    let why = report.leavers_withheld.expect("withheld");
    assert!(why.contains("--allow-leavers"), "{why}");
    let bob = portal.store.find_account("bob").await.unwrap().unwrap();
    assert_eq!(bob.left_directory_at, None);

    let report = sync(&portal.store, directory, SYNC, 3).await.unwrap();
    assert!(report.left.contains(&"bob".to_owned()), "{report:?}");
    let bob = portal.store.find_account("bob").await.unwrap().unwrap();
    assert_eq!(bob.left_directory_at, Some(3));
    let page = sign_in(&mut Browser::default(), &portal, "bob", BOB_PASSWORD).await;
    assert_eq!(page.heading(), "Sign in", "{}", page.body);
    // The help desk sees why.
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut desk = Browser::default();
    helpdesk_sign_in(&mut desk, &portal, "kim", &secret).await;
    let page = desk.get(&portal, &account_path(&portal, "bob").await).await;
    assert!(page.body.contains("Left the directory"), "{}", page.body);

    // Back in the directory (a returning student): the next sign-in finds
    // them and the account is open again, before any sync.
    slapd.ldapadd(&format!(
        "dn: uid=bob,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: bob
cn: Bob Kahn
sn: Kahn
mail: bob@example.edu
userPassword: {BOB_PASSWORD}
"
    ));
    let page = sign_in(&mut Browser::default(), &portal, "bob", BOB_PASSWORD).await;
    assert_ne!(page.heading(), "Sign in", "{}", page.body);
    let bob = portal.store.find_account("bob").await.unwrap().unwrap();
    assert_eq!(bob.left_directory_at, None);
    let actions = actions_of(&portal.store, bob.id).await;
    assert!(
        actions.contains(&"account.left_directory".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"account.returned_to_directory".to_owned()),
        "{actions:?}"
    );
    db.drop_db().await;
}

/// Three wrong binds, as a laptop with an old password makes: ppolicy locks.
fn lock_out(slapd: &Slapd, uid: &str) {
    for _ in 0..crate::ldap::DIRECTORY_MAX_FAILURES {
        assert!(!slapd.whoami(&person_dn(uid), "an-old-password-1"));
    }
}

#[tokio::test]
async fn a_person_the_directory_locked_unlocks_it_and_keeps_the_password() {
    let Some(slapd) = Slapd::start("auth_unlock") else {
        return;
    };
    let db = TestDb::sqlite("auth_unlock");
    let portal = directory_portal(&db, &slapd).await;
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    lock_out(&slapd, "ada");
    assert!(!slapd.whoami(&person_dn("ada"), OLD_PASSWORD), "locked");

    // Signing in with the right password: answered as any failure, since
    // whoever types a name must not learn that it is locked.
    let page = sign_in(&mut Browser::default(), &portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Sign in");
    assert!(error_of(&page).contains("may have locked your account"));
    assert!(!page.body.contains("is locked"));
    let actions = actions_of(&portal.store, ada.id).await;
    assert!(
        actions.contains(&"signin.directory_locked".to_owned()),
        "{actions:?}"
    );

    // Proven by the reset's CAPTCHA and code, she is told, and unlocks.
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password");
    assert!(
        page.body.contains("Your account is locked"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("old password"),
        "the laptop case is explained"
    );
    let page = browser.post(&portal, "/reset/unlock", &[]).await;
    assert_eq!(page.heading(), "Your account is unlocked", "{}", page.body);
    assert!(
        slapd.whoami(&person_dn("ada"), OLD_PASSWORD),
        "the same password binds"
    );
    let actions = actions_of(&portal.store, ada.id).await;
    assert!(
        actions.contains(&"reset.directory_unlocked".to_owned()),
        "{actions:?}"
    );
    let told = portal.store.outbox(5).await.unwrap();
    assert!(
        told.iter()
            .any(|m| m.channel == "email" && m.body.contains("unlocked your University account")),
        "{told:?}"
    );
    // "… keeping the same password, at TIME, WHERE.", not "Your
    // password did not change on DATE".
    assert!(
        told.iter()
            .any(|m| m.body.contains("keeping the same password, at ")),
        "{told:?}"
    );
    assert!(told.iter().all(|m| !m.body.contains("did not change on")));
    // The reset is over: unlocking again is another step's request.
    let page = browser.post(&portal, "/reset/unlock", &[]).await;
    assert_ne!(page.heading(), "Choose a new password");
    // And the portal's sign-in works again with the same password.
    let page = sign_in(&mut Browser::default(), &portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    db.drop_db().await;
}

#[tokio::test]
async fn the_help_desk_unlocks_a_verified_callers_directory_account() {
    let Some(slapd) = Slapd::start("auth_desk_unlock") else {
        return;
    };
    let db = TestDb::sqlite("auth_desk_unlock");
    let key = SecretKey::random();
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &key, extras).await;
    lock_out(&slapd, "ada");
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut desk = Browser::default();
    helpdesk_sign_in(&mut desk, &portal, "kim", &secret).await;
    let ada = account_path(&portal, "ada").await;
    let page = desk.get(&portal, &ada).await;
    assert!(
        page.body.contains("Locked after too many wrong passwords"),
        "{}",
        page.body
    );
    // Not before the caller is verified.
    let page = desk
        .post(&portal, &format!("{ada}/directory-unlock"), &[])
        .await;
    assert!(
        page.body.contains("Verify the caller first"),
        "{}",
        page.body
    );
    assert!(!slapd.whoami(&person_dn("ada"), OLD_PASSWORD));
    desk.post(
        &portal,
        &format!("{ada}/record-check"),
        &[("reason", REASON), ("note", "Badge 1234 on camera")],
    )
    .await;
    let page = desk
        .post(&portal, &format!("{ada}/directory-unlock"), &[])
        .await;
    assert!(
        page.body.contains("unlocked in the campus directory"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd>Open</dd>"), "{}", page.body);
    assert!(slapd.whoami(&person_dn("ada"), OLD_PASSWORD));
    let account = portal.store.find_account("ada").await.unwrap().unwrap();
    let actions = actions_of(&portal.store, account.id).await;
    assert!(
        actions.contains(&"helpdesk.directory_unlocked".to_owned()),
        "{actions:?}"
    );
    db.drop_db().await;
}

#[tokio::test]
async fn reminders_go_out_once_per_threshold_before_the_directory_password_expires() {
    use latchkey::domain::reminders::{Reminding, due, send};
    use latchkey::notify::{Notifier, Outbox};
    let Some(slapd) = Slapd::start("auth_reminders") else {
        return;
    };
    slapd.ldapadd(CAROL);
    let db = TestDb::sqlite("auth_reminders");
    let portal = directory_portal(&db, &slapd).await;
    let writeback = slapd.writeback();
    sync(&portal.store, writeback.directory.as_ref(), SYNC, 1)
        .await
        .unwrap();
    let outbox = Outbox::new(portal.store.clone());
    let notifier = Notifier {
        messages: &outbox,
        mail: &outbox,
        queue: None,
    };
    let reminding = Reminding {
        store: &portal.store,
        directory: writeback.directory.as_ref(),
        notifier: &notifier,
        days: &[14, 7, 1],
        register: true,
        portal_url: "https://password.example.edu",
        service: "Example University",
        zone: &jiff::tz::TimeZone::UTC,
        default_language: latchkey::i18n::Lang::En,
    };
    // The directory set every password moments ago; it lives 90 days.
    let set_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let day = 86_400;
    let kinds_of = |who: &str, due: &[latchkey::domain::reminders::Due]| -> Vec<String> {
        due.iter()
            .filter(|d| d.username == who)
            .map(|d| d.kind.clone())
            .collect()
    };
    // Today: only carol, who has no way to reset, is asked to register.
    let today = due(&reminding, set_at).await.unwrap();
    assert_eq!(kinds_of("ada", &today), Vec::<String>::new());
    assert_eq!(kinds_of("carol", &today), ["register"]);

    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    for (days_after, kind) in [(80, "expiry:14"), (84, "expiry:7"), (89, "expiry:1")] {
        let now = set_at + days_after * day;
        let reminders = due(&reminding, now).await.unwrap();
        assert_eq!(kinds_of("ada", &reminders), [kind], "day {days_after}");
        // carol has no way to reset: one mail says both, never two at once.
        assert_eq!(kinds_of("carol", &reminders), [kind], "day {days_after}");
        let sent = send(&reminding, reminders, now).await.unwrap();
        assert!(sent.iter().all(|(_, failed)| failed.is_empty()));
        // Once: a second run the same day (or a second instance) sends none.
        let again = due(&reminding, now + 3600).await.unwrap();
        assert_eq!(
            kinds_of("ada", &again),
            Vec::<String>::new(),
            "day {days_after}"
        );
        assert!(
            send(&reminding, again, now + 3600)
                .await
                .unwrap()
                .iter()
                .all(|(d, _)| d.username != "ada")
        );
    }
    let told = portal.store.outbox(50).await.unwrap();
    let to_carol: Vec<_> = told
        .iter()
        .filter(|m| m.recipient == "carol@example.edu")
        .collect();
    assert_eq!(
        to_carol.len(),
        3,
        "one mail at each threshold: {to_carol:?}"
    );
    assert!(
        to_carol
            .iter()
            .all(|m| m.body.contains("register your mobile phone")),
        "{to_carol:?}"
    );
    let to_ada: Vec<_> = told
        .iter()
        .filter(|m| m.recipient == ada.email || Some(&m.recipient) == ada.phone.as_ref())
        .collect();
    assert_eq!(to_ada.len(), 6, "mail and text at each of three thresholds");
    assert!(
        to_ada.iter().any(|m| m.body.contains("in 10 days")
            && m.body.contains("https://password.example.edu/signin")),
        "{to_ada:?}"
    );
    let actions = actions_of(&portal.store, ada.id).await;
    for kind in ["expiry:14", "expiry:7", "expiry:1"] {
        let action = format!("reminder.sent:{kind}");
        assert_eq!(
            actions.iter().filter(|a| **a == action).count(),
            1,
            "{actions:?}"
        );
    }
    // Past expiry, nothing more is sent.
    let after = due(&reminding, set_at + 91 * day).await.unwrap();
    assert_eq!(kinds_of("ada", &after), Vec::<String>::new());
    db.drop_db().await;
}
