//! The help desk console over HTTP: staff sign in with a password and an
//! authenticator code, nothing changes before the caller is verified,
//! roles hold, and every action is audited and told to the person.

use latchkey::clock::Clock;
use latchkey::secrets::SecretKey;
use latchkey::store::{ChainCheck, Role};
use latchkey::totp;

use crate::portal::{Browser, OLD_PASSWORD, Page, Portal, latest_code, portal};
use crate::support::{TestDb, count, on_each_backend};

pub const STAFF_PASSWORD: &str = "Desk#shift-42x";
pub const REASON: &str = "Photo ID shown on a video call";

/// Adds a member of staff; their authenticator secret.
pub async fn add_staff(portal: &Portal, key: &SecretKey, username: &str, role: Role) -> Vec<u8> {
    let secret = totp::new_secret();
    let hash = portal.hasher.hash(STAFF_PASSWORD).await.unwrap();
    let sealed = totp::seal(key, &secret).unwrap();
    portal
        .store
        .insert_staff(username, role, &hash, &sealed, "test", 1)
        .await
        .unwrap();
    secret
}

/// Password, then the authenticator's code of a fresh time step.
pub async fn sign_in(
    browser: &mut Browser,
    portal: &Portal,
    username: &str,
    secret: &[u8],
) -> Page {
    portal.clock.advance(30);
    assert_eq!(
        browser.get(portal, "/helpdesk").await.heading(),
        "Help desk sign-in"
    );
    let page = browser
        .post(
            portal,
            "/helpdesk/signin",
            &[("username", username), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(page.heading(), "Your authenticator code", "{}", page.body);
    let code = totp::code_at(secret, portal.clock.now()).unwrap();
    browser
        .post(portal, "/helpdesk/factor", &[("code", &code)])
        .await
}

pub async fn account_path(portal: &Portal, username: &str) -> String {
    let account = portal.store.find_account(username).await.unwrap().unwrap();
    format!("/helpdesk/accounts/{}", account.id)
}

async fn events(db: &TestDb, action: &str) -> i64 {
    count(&db.url, &format!("audit_events WHERE action = '{action}'")).await
}

#[tokio::test]
async fn staff_need_the_password_and_a_fresh_authenticator_code() {
    let db = TestDb::sqlite("helpdesk_signin");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let ada = account_path(&portal, "ada").await;

    // The password alone opens nothing.
    let mut half = Browser::default();
    half.get(&portal, "/helpdesk").await;
    half.post(
        &portal,
        "/helpdesk/signin",
        &[("username", "kim"), ("password", STAFF_PASSWORD)],
    )
    .await;
    let page = half.get(&portal, &ada).await;
    assert_eq!(page.heading(), "Your authenticator code", "not the account");
    let page = half
        .post(&portal, "/helpdesk/factor", &[("code", "000000")])
        .await;
    assert!(
        page.body.contains("That code is not right"),
        "{}",
        page.body
    );

    // A wrong password and an unknown name: one answer.
    let mut wrong = Browser::default();
    wrong.get(&portal, "/helpdesk").await;
    let bad = wrong
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "kim"), ("password", "Nope#1234")],
        )
        .await;
    let unknown = wrong
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "nobody"), ("password", "Nope#1234")],
        )
        .await;
    assert_eq!(bad.status, unknown.status);
    assert!(bad.body.contains("do not match") && unknown.body.contains("do not match"));

    // With the code: the search page. The same code cannot sign in twice.
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "kim", &secret).await;
    assert_eq!(page.heading(), "Find an account");
    let code = totp::code_at(&secret, portal.clock.now()).unwrap();
    let mut replay = Browser::default();
    replay.get(&portal, "/helpdesk").await;
    replay
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "kim"), ("password", STAFF_PASSWORD)],
        )
        .await;
    let page = replay
        .post(&portal, "/helpdesk/factor", &[("code", &code)])
        .await;
    assert!(page.body.contains("used already"), "{}", page.body);

    // Staff sessions are short: ten idle minutes end them.
    portal.clock.advance(11 * 60);
    assert_eq!(
        browser.get(&portal, &ada).await.heading(),
        "Help desk sign-in"
    );
    assert_eq!(events(&db, "helpdesk.signed_in").await, 1);
    assert_eq!(events(&db, "helpdesk.factor_failed").await, 2);
    db.drop_db().await;
}

#[tokio::test]
async fn nothing_changes_before_the_caller_is_verified_then_each_action_is_audited_and_told() {
    on_each_backend("helpdesk_actions", |db: TestDb| async move {
        let key = SecretKey::random();
        let portal = portal(&db, &key).await;
        let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
        let mut browser = Browser::default();
        sign_in(&mut browser, &portal, "kim", &secret).await;

        // alan has no method: found by name, his page has every change disabled.
        let page = browser.get(&portal, "/helpdesk?q=ala").await;
        assert!(page.body.contains("alan@example.edu"), "{}", page.body);
        let alan = account_path(&portal, "alan").await;
        let page = browser.get(&portal, &alan).await;
        assert_eq!(page.heading(), "Alan Turing (alan)");
        assert!(page.body.contains("Set the phone</button>") && page.body.contains("disabled"));
        let page = browser
            .post(
                &portal,
                &format!("{alan}/phone"),
                &[("phone", "(202) 555-0199")],
            )
            .await;
        assert_eq!(page.status, 422);
        assert!(
            page.body.contains("Verify the caller first"),
            "{}",
            page.body
        );
        let account = portal.store.find_account("alan").await.unwrap().unwrap();
        assert_eq!(account.phone, None, "{}", db.label);
        assert_eq!(events(&db, "helpdesk.refused_unverified").await, 1);

        // A recorded check needs a listed reason and a note.
        let page = browser
            .post(
                &portal,
                &format!("{alan}/record-check"),
                &[("reason", "I just know"), ("note", "trust me")],
            )
            .await;
        assert!(page.body.contains("from the list"), "{}", page.body);
        let page = browser
            .post(
                &portal,
                &format!("{alan}/record-check"),
                &[
                    ("reason", REASON),
                    ("note", "Staff card 4411, face matches"),
                ],
            )
            .await;
        assert!(
            page.body.contains("The caller is verified"),
            "{}",
            page.body
        );
        let page = browser
            .post(
                &portal,
                &format!("{alan}/phone"),
                &[("phone", "(202) 555-0199")],
            )
            .await;
        assert!(
            page.body.contains("phone number is updated"),
            "{}",
            page.body
        );
        let account = portal.store.find_account("alan").await.unwrap().unwrap();
        assert_eq!(account.phone.as_deref(), Some("+12025550199"));
        // Told by mail and by text to the new number.
        let told: Vec<(String, String)> = portal
            .store
            .outbox(2)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.channel, m.recipient))
            .collect();
        assert!(
            told.contains(&("email".into(), "alan@example.edu".into())),
            "{told:?}"
        );
        assert!(
            told.contains(&("sms".into(), "+12025550199".into())),
            "{told:?}"
        );

        // The trail names the agent, the check and the change.
        let recent = portal.store.events_of(account.id, 10).await.unwrap();
        let check = recent
            .iter()
            .find(|e| e.action == "helpdesk.caller_verified:manual")
            .unwrap();
        assert_eq!(check.actor, "staff:kim");
        assert_eq!(
            check.detail,
            format!("{REASON} — Staff card 4411, face matches")
        );
        assert!(
            recent
                .iter()
                .any(|e| e.action == "helpdesk.phone_set" && e.actor == "staff:kim")
        );

        // Verification lasts only so long.
        portal.clock.advance(16 * 60);
        let mut browser = Browser::default();
        sign_in(&mut browser, &portal, "kim", &secret).await;
        let page = browser
            .post(&portal, &format!("{alan}/must-change"), &[])
            .await;
        assert!(page.body.contains("Verify the caller first"));
        assert!(matches!(
            portal.store.verify_audit().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
        db
    })
    .await;
}

#[tokio::test]
async fn a_caller_verified_by_a_texted_code_is_unlocked_and_gets_a_one_time_reset_link() {
    let db = TestDb::sqlite("helpdesk_link");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let ada_account = portal.store.find_account("ada").await.unwrap().unwrap();
    portal
        .store
        .lock_reset(ada_account.id, portal.clock.now() + 3600)
        .await
        .unwrap();
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "kim", &secret).await;
    let ada = account_path(&portal, "ada").await;
    assert!(
        browser
            .get(&portal, &ada)
            .await
            .body
            .contains("Paused after repeated wrong codes, until ")
    );

    let page = browser
        .post(&portal, &format!("{ada}/send-code"), &[("method", "sms")])
        .await;
    assert!(page.body.contains("A code is on its way"), "{}", page.body);
    // The caller reads this code out to the agent: the text says so, and
    // does not forbid it.
    let text = portal.store.outbox(1).await.unwrap().remove(0);
    assert!(text.body.contains("read them this code"), "{}", text.body);
    assert!(!text.body.contains("Never share"), "{}", text.body);
    let page = browser
        .post(&portal, &format!("{ada}/check-code"), &[("code", "999999")])
        .await;
    assert!(page.body.contains("That code is not right"));
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, &format!("{ada}/check-code"), &[("code", &code)])
        .await;
    assert!(
        page.body.contains("The caller is verified"),
        "{}",
        page.body
    );

    let page = browser.post(&portal, &format!("{ada}/unlock"), &[]).await;
    assert!(
        page.body.contains("Online reset is unlocked"),
        "{}",
        page.body
    );
    let account = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(account.locked_until, None);
    let told = portal.store.outbox(2).await.unwrap();
    assert!(
        told.iter()
            .all(|m| m.body.contains("The help desk unlocked online reset")),
        "mail and text: {told:?}"
    );
    let mail = told.iter().find(|m| m.channel == "email").unwrap();
    assert!(
        mail.body
            .starts_with("Subject: Online reset of your University password is unlocked"),
        "{}",
        mail.body
    );
    assert_eq!(events(&db, "helpdesk.unlocked").await, 1);
    assert_eq!(events(&db, "helpdesk.caller_verified:sent_code").await, 1);

    let page = browser
        .post(
            &portal,
            &format!("{ada}/reset-link"),
            &[("channel", "email")],
        )
        .await;
    assert!(page.body.contains("reset link was sent"), "{}", page.body);
    assert!(
        !page.body.contains("/reset/link/"),
        "the agent never sees the link"
    );
    let mail = portal.store.outbox(1).await.unwrap().remove(0);
    assert_eq!(
        (mail.channel.as_str(), mail.recipient.as_str()),
        ("email", "ada@example.edu")
    );
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/reset/link/"))
        .unwrap();
    let path = &link[link.find("/reset/link/").unwrap()..];

    // The person opens it: straight to a new password.
    let mut person = Browser::default();
    let page = person.get(&portal, path).await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
    let page = person
        .post(
            &portal,
            "/reset/password",
            &[("password", "Lk8&pqrVz"), ("confirm", "Lk8&pqrVz")],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed");
    // Once only.
    let mut again = Browser::default();
    let spent = again.get(&portal, path).await;
    assert_eq!(spent.heading(), "This link was used already");
    assert!(spent.body.contains("ask the help desk for a new link"));
    assert_eq!(events(&db, "reset.link_used").await, 1);
    assert_eq!(events(&db, "reset.link_refused").await, 1);
    db.drop_db().await;
}

#[tokio::test]
async fn a_required_password_change_comes_first_at_the_next_sign_in() {
    let db = TestDb::sqlite("helpdesk_must_change");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "kim", &secret).await;
    let ada = account_path(&portal, "ada").await;
    browser
        .post(
            &portal,
            &format!("{ada}/record-check"),
            &[("reason", REASON), ("note", "Badge 1234 on camera")],
        )
        .await;
    let page = browser
        .post(&portal, &format!("{ada}/must-change"), &[])
        .await;
    assert!(
        page.body.contains("must change their password"),
        "{}",
        page.body
    );
    assert_eq!(events(&db, "helpdesk.must_change_password").await, 1);
    let told = portal.store.outbox(1).await.unwrap().remove(0);
    assert!(
        told.body
            .contains("change your University password at your next sign-in"),
        "{}",
        told.body
    );
    let mail = portal
        .store
        .outbox(5)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.channel == "email")
        .unwrap();
    assert!(
        mail.body
            .starts_with("Subject: Change your University password at your next sign-in"),
        "not \"the ways you can reset … changed\": {}",
        mail.body
    );

    let mut person = Browser::default();
    crate::account::sign_in_ada(&mut person, &portal).await;
    let page = person.get(&portal, "/account").await;
    assert_eq!(page.heading(), "Change your password");
    assert!(
        page.body
            .contains("The help desk asked you to choose a new password")
    );
    let page = person
        .post(
            &portal,
            "/account/password",
            &[
                ("current", OLD_PASSWORD),
                ("password", "Lk8&pqrVz"),
                ("confirm", "Lk8&pqrVz"),
            ],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
    let account = portal.store.find_account("ada").await.unwrap().unwrap();
    assert!(!account.must_change_password, "cleared by the change");
    db.drop_db().await;
}

#[tokio::test]
async fn agents_cannot_manage_staff_or_read_the_trail_and_admins_can() {
    let db = TestDb::sqlite("helpdesk_roles");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let agent_secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let admin_secret = add_staff(&portal, &key, "lee", Role::Admin).await;
    let kim = portal
        .store
        .staff_by_username("kim")
        .await
        .unwrap()
        .unwrap();

    let mut agent = Browser::default();
    let page = sign_in(&mut agent, &portal, "kim", &agent_secret).await;
    assert!(
        !page.body.contains("/helpdesk/staff"),
        "no admin links for agents"
    );
    for path in [
        "/helpdesk/staff",
        "/helpdesk/audit",
        "/helpdesk/audit/export?since=2020-01-01",
    ] {
        let page = agent.get(&portal, path).await;
        assert_eq!(page.status, 403, "{path}");
        // The console's own refusal, not the public portal's "start again".
        assert!(
            page.body.contains("class=\"console\""),
            "{path}: {}",
            page.body
        );
        assert!(
            !page.body.contains("href=\"/reset\""),
            "{path}: {}",
            page.body
        );
    }
    let page = agent
        .post(&portal, &format!("/helpdesk/staff/{}/disable", kim.id), &[])
        .await;
    assert_eq!(page.status, 403);
    // Looking is audited as trying is: three pages and one change.
    assert_eq!(events(&db, "helpdesk.refused_not_admin").await, 4);

    let mut admin = Browser::default();
    sign_in(&mut admin, &portal, "lee", &admin_secret).await;
    let page = admin.get(&portal, "/helpdesk/audit?actor=staff:kim").await;
    assert_eq!(page.heading(), "Audit trail");
    assert!(
        page.body.contains("helpdesk.refused_not_admin"),
        "{}",
        page.body
    );
    let export = admin
        .get(&portal, "/helpdesk/audit/export?since=2020-01-01")
        .await;
    assert!(export.body.lines().count() > 5);
    assert!(
        export
            .body
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
    );

    let page = admin.get(&portal, "/helpdesk/staff").await;
    assert!(page.body.contains("Disable kim"));
    admin
        .post(&portal, &format!("/helpdesk/staff/{}/disable", kim.id), &[])
        .await;
    // kim's session ended with it, and kim cannot sign in again.
    assert_eq!(
        agent.get(&portal, "/helpdesk").await.heading(),
        "Help desk sign-in"
    );
    let mut again = Browser::default();
    again.get(&portal, "/helpdesk").await;
    let page = again
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "kim"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert!(page.body.contains("do not match"));
    db.drop_db().await;
}

#[test]
fn the_first_admin_is_made_on_the_command_line() {
    use crate::support::{TempDir, latchkey_with_env};
    let dir = TempDir::new("cli-staff");
    let db = format!("sqlite://{}", dir.0.join("latchkey.db").display());
    let env = [(
        "LATCHKEY_SECRET_KEY",
        "a test key that is long enough to be accepted",
    )];
    let run = |args: &[&str], stdin: &[u8], env: &[(&str, &str)]| {
        let mut all = vec!["--database-url", db.as_str(), "staff"];
        all.extend_from_slice(args);
        latchkey_with_env(&all, stdin, env)
    };
    let no_key = run(
        &["add", "--username", "lee", "--role", "admin"],
        b"Qz7#vbnMx-41k\n",
        &[],
    );
    assert_eq!(no_key.code, 2);
    assert!(
        no_key.stderr.contains("LATCHKEY_SECRET_KEY"),
        "{}",
        no_key.stderr
    );
    let weak = run(
        &["add", "--username", "lee", "--role", "admin"],
        b"password\n",
        &env,
    );
    assert_eq!(weak.code, 1, "{}", weak.stdout);
    assert!(weak.stdout.contains("min_length") || weak.stdout.contains("uppercase"));

    let added = run(
        &["add", "--username", "lee", "--role", "admin"],
        b"Qz7#vbnMx-41k\n",
        &env,
    );
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(added.stdout.contains("otpauth://totp/"), "{}", added.stdout);
    let again = run(
        &["add", "--username", "LEE", "--role", "agent"],
        b"Qz7#vbnMx-41k\n",
        &env,
    );
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already taken"), "{}", again.stderr);

    let listed = run(&["list"], b"", &env);
    assert_eq!(listed.stdout.trim(), "lee                  admin  active");
    assert_eq!(run(&["disable", "lee"], b"", &env).code, 0);
    assert!(run(&["list"], b"", &env).stdout.contains("disabled"));
    let verify = latchkey_with_env(&["--database-url", &db, "audit", "verify"], b"", &[]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
    assert!(
        verify.stdout.starts_with("2 events"),
        "added and disabled: {}",
        verify.stdout
    );
    assert_eq!(run(&["enable", "lee"], b"", &env).code, 0);

    // An existing member: a new password, a new key, another role.
    let weak = run(&["reset-password", "lee"], b"password\n", &env);
    assert_eq!(weak.code, 1, "{}", weak.stdout);
    let reset = run(&["reset-password", "lee"], b"Wx8#pqrTz-55m\n", &env);
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    let missing = run(&["reset-password", "nobody"], b"Wx8#pqrTz-55m\n", &env);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("no member of staff is called nobody")
    );
    let new_key = run(&["reset-authenticator", "lee"], b"", &env);
    assert_eq!(new_key.code, 0, "{}", new_key.stderr);
    assert!(
        new_key.stdout.contains("otpauth://totp/"),
        "{}",
        new_key.stdout
    );
    assert_ne!(new_key.stdout, added.stdout, "a key of its own");
    let last = run(&["role", "lee", "--role", "agent"], b"", &env);
    assert_eq!(last.code, 2, "the last admin stays one");
    assert!(last.stderr.contains("last active admin"), "{}", last.stderr);
    let kim = run(
        &["add", "--username", "kim", "--role", "agent"],
        b"Qz7#vbnMx-41k\n",
        &env,
    );
    assert_eq!(kim.code, 0, "{}", kim.stderr);
    assert_eq!(run(&["role", "kim", "--role", "admin"], b"", &env).code, 0);
    assert_eq!(run(&["role", "lee", "--role", "agent"], b"", &env).code, 0);
    let listed = run(&["list"], b"", &env).stdout;
    assert!(listed.contains("kim                  admin"), "{listed}");
    assert!(listed.contains("lee                  agent"), "{listed}");
    let trail = latchkey_with_env(
        &[
            "--database-url",
            &db,
            "audit",
            "export",
            "--since",
            "1970-01-01",
        ],
        b"",
        &[],
    );
    for action in [
        "staff.password_reset:lee",
        "staff.authenticator_reset:lee",
        "staff.role:kim:admin",
        "staff.role:lee:agent",
    ] {
        assert!(trail.stdout.contains(action), "{action}: {}", trail.stdout);
    }
    assert!(
        !trail.stdout.contains("Wx8#pqrTz"),
        "no password in the trail"
    );
}

#[tokio::test]
async fn an_admin_hands_a_member_a_new_key_password_and_role_in_the_console() {
    let db = TestDb::sqlite("helpdesk_staff_admin");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let kim_secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let admin_secret = add_staff(&portal, &key, "lee", Role::Admin).await;
    let kim = portal
        .store
        .staff_by_username("kim")
        .await
        .unwrap()
        .unwrap();
    let mut agent = Browser::default();
    sign_in(&mut agent, &portal, "kim", &kim_secret).await;
    let mut admin = Browser::default();
    sign_in(&mut admin, &portal, "lee", &admin_secret).await;
    admin.get(&portal, "/helpdesk/staff").await;

    let page = admin
        .post(
            &portal,
            &format!("/helpdesk/staff/{}/reset-authenticator", kim.id),
            &[],
        )
        .await;
    assert_eq!(page.heading(), "Hand it over to kim", "{}", page.body);
    let at = page.body.find("id=\"secret\">").unwrap() + "id=\"secret\">".len();
    let shown: String = page.body[at..].chars().take_while(|c| *c != '<').collect();
    let new_secret = data_encoding::BASE32_NOPAD
        .decode(shown.replace(' ', "").trim_end_matches('=').as_bytes())
        .unwrap();
    // kim's session ended, the old key no longer opens the console, the new one does.
    assert_eq!(
        agent.get(&portal, "/helpdesk").await.heading(),
        "Help desk sign-in"
    );
    let page = sign_in(&mut Browser::default(), &portal, "kim", &kim_secret).await;
    assert_eq!(page.heading(), "Your authenticator code");
    let page = sign_in(&mut agent, &portal, "kim", &new_secret).await;
    assert_eq!(page.heading(), "Find an account", "{}", page.body);

    admin.get(&portal, "/helpdesk/staff").await;
    admin
        .post(
            &portal,
            &format!("/helpdesk/staff/{}/role-admin", kim.id),
            &[],
        )
        .await;
    let kim_now = portal.store.staff_by_id(kim.id).await.unwrap().unwrap();
    assert_eq!(kim_now.role, Role::Admin);
    let page = admin
        .post(
            &portal,
            &format!("/helpdesk/staff/{}/reset-password", kim.id),
            &[],
        )
        .await;
    assert_eq!(page.heading(), "Hand it over to kim");
    let kim_now = portal.store.staff_by_id(kim.id).await.unwrap().unwrap();
    assert_ne!(kim_now.password_hash, kim.password_hash);
    for action in [
        "staff.authenticator_reset:kim",
        "staff.role:kim:admin",
        "staff.password_reset:kim",
    ] {
        assert_eq!(events(&db, action).await, 1, "{action}");
    }
    db.drop_db().await;
}

#[tokio::test]
async fn a_leaked_secret_key_is_replaced_without_losing_authenticators() {
    use crate::support::{TempDir, latchkey_with_env};
    let dir = TempDir::new("cli-rotate");
    let db = format!("sqlite://{}", dir.0.join("latchkey.db").display());
    const OLD: &str = "the-old-key-which-leaked-0123456789";
    const NEW: &str = "the-new-key-from-openssl-rand-0123456789";
    let run = |args: &[&str], stdin: &[u8], env: &[(&str, &str)]| {
        let mut all = vec!["--database-url", db.as_str()];
        all.extend_from_slice(args);
        latchkey_with_env(&all, stdin, env)
    };
    let old = [("LATCHKEY_SECRET_KEY", OLD)];
    let added = run(
        &["staff", "add", "--username", "lee", "--role", "admin"],
        b"Qz7#vbnMx-41k\n",
        &old,
    );
    assert_eq!(added.code, 0, "{}", added.stderr);
    let shown = added.stdout.lines().nth(2).unwrap().trim().to_owned();
    let secret = data_encoding::BASE32_NOPAD
        .decode(shown.as_bytes())
        .unwrap();

    let status = run(&["secrets", "status"], b"", &old);
    assert!(
        status
            .stdout
            .contains("staff authenticators: 1 under the current key"),
        "{}",
        status.stdout
    );
    // The new key alone cannot read what the old one sealed: rotate says so.
    let new_only = [("LATCHKEY_SECRET_KEY", NEW)];
    let lost = run(&["secrets", "rotate"], b"", &new_only);
    assert_eq!(lost.code, 1, "{}", lost.stdout);
    assert!(
        lost.stdout.contains("1 opened by no key given"),
        "{}",
        lost.stdout
    );
    // The new key current, the old one retired: everything moves over.
    let both = [
        ("LATCHKEY_SECRET_KEY", NEW),
        ("LATCHKEY_RETIRED_SECRET_KEYS", OLD),
    ];
    let status = run(&["secrets", "status"], b"", &both);
    assert!(status.stdout.contains("Retired key: "), "{}", status.stdout);
    assert!(
        status.stdout.contains("1 under a retired one"),
        "{}",
        status.stdout
    );
    let rotated = run(&["secrets", "rotate"], b"", &both);
    assert_eq!(rotated.code, 0, "{}", rotated.stdout);
    assert!(
        rotated.stdout.contains("staff authenticators: 1 moved"),
        "{}",
        rotated.stdout
    );
    assert!(
        !rotated.stdout.contains(OLD) && !rotated.stdout.contains(NEW),
        "ids, never keys"
    );
    // Now the new key alone opens it, and it is the same authenticator.
    let status = run(&["secrets", "status"], b"", &new_only);
    assert!(
        status
            .stdout
            .contains("staff authenticators: 1 under the current key"),
        "{}",
        status.stdout
    );
    let store = latchkey::store::Store::open(&db).await.unwrap();
    let lee = store.staff_by_username("lee").await.unwrap().unwrap();
    let new_key = SecretKey::new(NEW.as_bytes()).unwrap();
    assert_eq!(totp::open(&new_key, &lee.totp_secret).unwrap(), secret);
    store.close().await;
    let short = run(
        &["secrets", "status"],
        b"",
        &[
            ("LATCHKEY_SECRET_KEY", NEW),
            ("LATCHKEY_RETIRED_SECRET_KEYS", "short"),
        ],
    );
    assert_eq!(short.code, 2);
    assert!(
        short.stderr.contains("LATCHKEY_RETIRED_SECRET_KEYS"),
        "{}",
        short.stderr
    );
}

#[tokio::test]
async fn a_staff_session_id_is_renewed_at_the_authenticator_code() {
    let db = TestDb::sqlite("helpdesk_renewal");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut browser = Browser::default();
    portal.clock.advance(30);
    browser.get(&portal, "/helpdesk").await;
    let page = browser
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "kim"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(page.heading(), "Your authenticator code");
    let mut copy = Browser::planted(&browser);
    let code = totp::code_at(&secret, portal.clock.now()).unwrap();
    let page = browser
        .post(&portal, "/helpdesk/factor", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Find an account");
    let page = copy.get(&portal, "/helpdesk").await;
    assert_eq!(
        page.heading(),
        "Help desk sign-in",
        "the old id opens nothing"
    );
}
