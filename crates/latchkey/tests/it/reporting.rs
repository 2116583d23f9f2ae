//! The trail and the reports as the people who run Latchkey read them:
//! usernames and words, filters by outcome and by member of staff, charts
//! with their tables and CSV, for admins and readers of reports only; and
//! staff who change their own password, at once after a temporary one.

use latchkey::clock::Clock;
use latchkey::domain::reports::Range;
use latchkey::secrets::SecretKey;
use latchkey::store::Role;

use crate::helpdesk::{account_path, add_staff, sign_in};
use crate::portal::{Browser, NEW_PASSWORD, Portal, portal, reset_by_sms};
use crate::support::{TestDb, latchkey_with_env, on_each_backend};

/// Today on the campus's clock, as the reports name days.
fn today(portal: &Portal) -> String {
    let now = portal.clock.now();
    Range::new(None, None, &portal.core.site.zone, now)
        .unwrap()
        .last_day()
}

async fn execute(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

async fn wrong_code_by_someone(portal: &Portal, username: &str) {
    let account = portal.store.find_account(username).await.unwrap().unwrap();
    (portal.store)
        .record_event(
            portal.clock.now(),
            "self-service",
            "reset.code_wrong",
            Some(account.id),
            "198.51.100.9",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_trail_names_accounts_and_tells_each_action_in_words() {
    on_each_backend("reporting_trail", |db: TestDb| async move {
        let key = SecretKey::random();
        let portal = portal(&db, &key).await;
        reset_by_sms(&mut Browser::default(), &portal, "ada", NEW_PASSWORD).await;
        wrong_code_by_someone(&portal, "alan").await;
        let secret = add_staff(&portal, &key, "lee", Role::Admin).await;
        let mut admin = Browser::default();
        sign_in(&mut admin, &portal, "lee", &secret).await;

        let page = admin.get(&portal, "/helpdesk/audit").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains(">ada</a> (Ada Lovelace)"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Reset the password"), "{}", page.body);
        assert!(page.body.contains("Sent a reset code by text message"));
        assert!(page.body.contains("<code>reset.completed:sms</code>"));
        assert!(!page.body.contains(">reset.pow_passed<"));

        let failed = admin.get(&portal, "/helpdesk/audit?outcome=failed").await;
        assert!(
            failed.body.contains("Typed a wrong reset code"),
            "{}",
            failed.body
        );
        assert!(failed.body.contains(">alan</a> (Alan Turing)"));
        assert!(!failed.body.contains("Reset the password"));

        let by_lee = admin
            .get(&portal, "/helpdesk/audit?actor=staff%3Alee")
            .await;
        assert!(by_lee.body.contains("Signed in to the help desk console"));
        assert!(
            by_lee
                .body
                .contains("<option value=\"staff:lee\" selected>lee</option>")
        );
        assert!(!by_lee.body.contains("Reset the password"));

        // A code with `_` in it is a prefix, not a pattern.
        let exact = admin
            .get(&portal, "/helpdesk/audit?action=reset.code_wrong")
            .await;
        assert!(
            exact.body.contains("Typed a wrong reset code"),
            "{}",
            exact.body
        );

        let account = admin
            .get(&portal, &account_path(&portal, "ada").await)
            .await;
        assert!(
            account.body.contains("Reset the password"),
            "{}",
            account.body
        );
        assert!(!account.body.contains("reset.completed"));
        db
    })
    .await;
}

#[tokio::test]
async fn reports_draw_charts_with_tables_and_csv_for_admins_and_readers_only() {
    on_each_backend("reporting_reports", |db: TestDb| async move {
        let key = SecretKey::random();
        let portal = portal(&db, &key).await;
        reset_by_sms(&mut Browser::default(), &portal, "ada", NEW_PASSWORD).await;
        execute(
            &db.url,
            "UPDATE accounts SET department = 'Mathematics' WHERE username_key = 'alan'",
        )
        .await;
        let admin_secret = add_staff(&portal, &key, "lee", Role::Admin).await;
        let agent_secret = add_staff(&portal, &key, "kim", Role::Agent).await;
        let reader_secret = add_staff(&portal, &key, "pat", Role::Report).await;

        let mut admin = Browser::default();
        sign_in(&mut admin, &portal, "lee", &admin_secret).await;
        let page = admin.get(&portal, "/helpdesk/reports").await;
        assert_eq!(page.status, 200, "{}", page.body);
        for title in ["Registration", "Resets and password updates", "Codes sent and typed back"] {
            assert!(
                page.body.contains(&format!("<svg role=\"img\" aria-label=\"{title}\"")),
                "{title}"
            );
        }
        assert!(page.body.contains("<th scope=\"row\">Phone</th><td>1</td><td>33.3</td>"), "{}", page.body);
        assert!(page.body.contains("<th scope=\"row\">Mathematics</th><td>1</td>"));

        let day = today(&portal);
        let csv = admin
            .get(&portal, &format!("/helpdesk/reports/registration/csv?since={day}&until={day}"))
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.starts_with("way,accounts,percent\nany,2,66.7\nphone,1,33.3\napp,1,33.3\n"), "{}", csv.body);
        let activity = admin
            .get(&portal, &format!("/helpdesk/reports/activity/csv?since={day}&until={day}"))
            .await;
        let mut lines = activity.body.lines();
        assert_eq!(
            lines.next(),
            Some("day,resets_started,resets_done,by_text,by_call,by_app,by_passkey,by_other,resets_refused,updates_done,updates_refused")
        );
        assert_eq!(lines.next(), Some(format!("{day},1,1,1,0,0,0,0,0,0,0").as_str()));
        let messages = admin
            .get(&portal, &format!("/helpdesk/reports/messages/csv?since={day}&until={day}"))
            .await;
        assert!(messages.body.contains(&format!("{day},1,0,1,100")), "{}", messages.body);
        let backwards = admin.get(&portal, "/helpdesk/reports?since=2027-02-01&until=2027-01-01").await;
        assert_eq!(backwards.status, 422);
        assert!(backwards.body.contains("before it starts"), "{}", backwards.body);

        let mut agent = Browser::default();
        sign_in(&mut agent, &portal, "kim", &agent_secret).await;
        assert_eq!(agent.get(&portal, "/helpdesk/reports").await.status, 403);

        let mut reader = Browser::default();
        let landed = sign_in(&mut reader, &portal, "pat", &reader_secret).await;
        assert_eq!(landed.heading(), "Reports", "a reader lands on the reports");
        assert_eq!(reader.get(&portal, "/helpdesk/reports/helpdesk/csv").await.status, 200);
        let account = reader.get(&portal, &account_path(&portal, "ada").await).await;
        assert_eq!(account.status, 403, "a reader opens no account");
        assert_eq!(reader.get(&portal, "/helpdesk/audit").await.status, 403);
        db
    })
    .await;
}

#[tokio::test]
async fn staff_change_their_own_password_and_must_after_a_temporary_one() {
    let db = TestDb::sqlite("reporting_own_password");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let kim_secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let lee_secret = add_staff(&portal, &key, "lee", Role::Admin).await;
    let kim = portal
        .store
        .staff_by_username("kim")
        .await
        .unwrap()
        .unwrap();

    let mut admin = Browser::default();
    sign_in(&mut admin, &portal, "lee", &lee_secret).await;
    admin.get(&portal, "/helpdesk/staff").await;
    let handed = admin
        .post(
            &portal,
            &format!("/helpdesk/staff/{}/reset-password", kim.id),
            &[],
        )
        .await;
    let at = handed.body.find("id=\"secret\">").unwrap() + "id=\"secret\">".len();
    let temporary: String = handed.body[at..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();

    // Signed in with the temporary password: every page leads to the change.
    let mut browser = Browser::default();
    portal.clock.advance(30);
    browser.get(&portal, "/helpdesk").await;
    browser
        .post(
            &portal,
            "/helpdesk/signin",
            &[("username", "kim"), ("password", temporary.trim())],
        )
        .await;
    let code = latchkey::totp::code_at(&kim_secret, portal.clock.now()).unwrap();
    let page = browser
        .post(&portal, "/helpdesk/factor", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Change my password", "{}", page.body);
    assert!(page.body.contains("temporary password"));
    let page = browser
        .get(&portal, &account_path(&portal, "ada").await)
        .await;
    assert_eq!(page.heading(), "Change my password");

    // Refusals change nothing: a wrong current one, the same one again, a weak one.
    let change = |current: &str, new: &str| {
        [
            ("current", current.to_owned()),
            ("password", new.to_owned()),
            ("confirm", new.to_owned()),
        ]
    };
    for (current, new, says) in [
        (
            "Wrong#pass-1234",
            "Kx9#Tq2w!Zr5v",
            "not your current password",
        ),
        (temporary.trim(), temporary.trim(), "one of your last"),
        (temporary.trim(), "short", "at least"),
    ] {
        let fields = change(current, new);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.post(&portal, "/helpdesk/password", &fields).await;
        assert_eq!(page.status, 422, "{new}");
        assert!(page.body.contains(says), "{says}: {}", page.body);
    }
    let fields = change(temporary.trim(), "Kx9#Tq2w!Zr5v");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = browser.post(&portal, "/helpdesk/password", &fields).await;
    assert!(
        page.body.contains("Your password is changed"),
        "{}",
        page.body
    );
    assert_eq!(
        browser.get(&portal, "/helpdesk").await.heading(),
        "Find an account"
    );
    let kim_now = portal.store.staff_by_id(kim.id).await.unwrap().unwrap();
    assert!(!kim_now.must_change_password);
    assert!(
        portal
            .hasher
            .verify("Kx9#Tq2w!Zr5v", &kim_now.password_hash)
            .await
            .unwrap()
    );

    // The password before stays in the history: changing back is refused.
    let fields = change("Kx9#Tq2w!Zr5v", temporary.trim());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = browser.post(&portal, "/helpdesk/password", &fields).await;
    assert!(page.body.contains("one of your last"), "{}", page.body);
    db.drop_db().await;
}

#[tokio::test]
async fn latchkey_report_prints_coverage_by_method_as_csv_table_or_json() {
    let db = TestDb::sqlite("reporting_cli");
    let portal = portal(&db, &SecretKey::random()).await;
    let env = [("LATCHKEY_DATABASE_URL", db.url.as_str())];
    let run = latchkey_with_env(&["report", "registration", "--format", "csv"], b"", &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("way,accounts,percent\nany,2,66.7\nphone,1,33.3\napp,1,33.3\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("none,1,33.3\n"), "{}", run.stdout);
    let run = latchkey_with_env(&["report", "registration"], b"", &env);
    assert!(run.stdout.contains("Authenticator app"), "{}", run.stdout);
    let run = latchkey_with_env(
        &[
            "report",
            "activity",
            "--since",
            "2027-01-01",
            "--until",
            "2027-01-03",
            "--format",
            "json",
        ],
        b"",
        &env,
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 3);
    assert_eq!(json["rows"][0]["day"], "2027-01-01");
    let run = latchkey_with_env(&["report", "failures", "--since", "01/02/2027"], b"", &env);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("is not a day: write it as YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    drop(portal);
    db.drop_db().await;
}
