//! "This wasn't me" (NIST SP 800-63B-4 § 4.6): every notice carries a
//! signed link; confirmed, it holds online reset until the help desk lifts
//! it, ends every session, tells the help desk, and is audited; it works
//! once.

use latchkey::clock::Clock;
use latchkey::secrets::SecretKey;
use latchkey::store::Role;
use serde_json::json;

use crate::account::sign_in_ada;
use crate::helpdesk::{account_path, add_staff, sign_in};
use crate::portal::{ANSWER, Browser, NEW_PASSWORD, Portal, latest_code, portal, reset_by_sms};
use crate::support::TestDb;

/// The link in the newest notice that carries one, as a path.
pub async fn newest_report_link(store: &latchkey::store::Store) -> String {
    let outbox = store.outbox(50).await.unwrap();
    let Some(message) = outbox.iter().find(|m| m.body.contains("/not-me/")) else {
        return String::new();
    };
    let at = message.body.find("/not-me/").unwrap();
    message.body[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// The link in the newest notice mailed to `to`, as a path.
async fn link_mailed_to(portal: &Portal, to: &str) -> String {
    let outbox = portal.store.outbox(50).await.unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.channel == "email" && m.recipient == to && m.body.contains("/not-me/"))
        .unwrap_or_else(|| panic!("no link mailed to {to}: {outbox:?}"));
    let at = mail.body.find("/not-me/").unwrap();
    mail.body[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_notices_link_holds_reset_ends_sessions_tells_the_help_desk_once() {
    let db = TestDb::sqlite("report_link");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let mut stranger = Browser::default();
    reset_by_sms(&mut stranger, &portal, "ada", NEW_PASSWORD).await;
    let link = link_mailed_to(&portal, "ada@example.edu").await;
    let texted = portal.store.outbox(50).await.unwrap();
    assert!(
        texted
            .iter()
            .any(|m| m.channel == "sms" && m.body.contains(&link)),
        "the text carries it too"
    );

    // Ada is signed in somewhere (with the new password the stranger set,
    // say, on a device the stranger holds).
    let mut signed_in = Browser::default();
    crate::account::sign_in(&mut signed_in, &portal, "ada", NEW_PASSWORD).await;
    signed_in
        .post(&portal, "/account/verify/send", &[("method", "sms")])
        .await;
    let code = latest_code(&portal.store).await;
    let page = signed_in
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);

    // Following the link only asks: a mail scanner changes nothing.
    let mut owner = Browser::default();
    let page = owner.get(&portal, &link).await;
    assert_eq!(page.heading(), "Was this not you?", "{}", page.body);
    assert!(page.body.contains("ada"), "{}", page.body);
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.reported_at, None);

    let page = owner.post(&portal, &link, &[]).await;
    assert_eq!(
        page.heading(),
        "We have stopped online resets",
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.reported_at, Some(portal.clock.now()));
    assert_eq!(
        signed_in.get(&portal, "/account").await.heading(),
        "Sign in",
        "every session ended"
    );
    let outbox = portal.store.outbox(50).await.unwrap();
    let told = outbox
        .iter()
        .find(|m| m.recipient == "helpdesk@example.edu")
        .unwrap_or_else(|| panic!("the help desk is told: {outbox:?}"));
    assert!(
        told.body
            .contains("ada says a change to their account was not theirs"),
        "{}",
        told.body
    );
    // Once.
    let page = owner.post(&portal, &link, &[]).await;
    assert_eq!(page.status, 410);
    assert_eq!(page.heading(), "This link no longer works");
    assert_eq!(owner.get(&portal, &link).await.status, 410);

    // Online reset is held: the help desk's page, as for no method.
    let mut again = Browser::default();
    again.get(&portal, "/reset").await;
    again
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    let page = again
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    assert_eq!(page.heading(), "We cannot reset this password online");

    // The help desk sees why, and lifts it.
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut console = Browser::default();
    sign_in(&mut console, &portal, "kim", &secret).await;
    let path = account_path(&portal, "ada").await;
    let page = console.get(&portal, &path).await;
    assert!(
        page.body.contains("Reported \"this wasn't me\" on ")
            || page
                .body
                .contains("Reported &quot;this wasn&#39;t me&quot; on ")
            || page
                .body
                .contains("Reported &#34;this wasn&#39;t me&#34; on "),
        "{}",
        page.body
    );
    console
        .post(&portal, &format!("{path}/send-code"), &[("method", "sms")])
        .await;
    let code = latest_code(&portal.store).await;
    console
        .post(&portal, &format!("{path}/check-code"), &[("code", &code)])
        .await;
    let page = console.post(&portal, &format!("{path}/unlock"), &[]).await;
    assert!(
        page.body.contains("Online reset is unlocked"),
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.reported_at, None);

    let actions = crate::proofs::audit_actions(&db).await;
    assert!(
        actions.iter().any(|a| a == "account.reported_not_me"),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "account.report_link_refused"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_forged_or_altered_link_does_nothing() {
    let db = TestDb::sqlite("report_forged");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/recovery").await;
    browser.post(&portal, "/account/recovery", &[]).await;
    let link = link_mailed_to(&portal, "ada@example.edu").await;
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    // Another account's id under ada's signature.
    let other = link.replacen(&format!("/not-me/{}.", ada.id), "/not-me/2.", 1);
    assert_ne!(other, link);
    let page = Browser::default().post(&portal, &other, &[]).await;
    assert_eq!(page.status, 410);
    let page = Browser::default()
        .post(&portal, "/not-me/1.1.00.00", &[])
        .await;
    assert_eq!(page.status, 410);
    for who in ["ada", "alan"] {
        let account = portal.store.find_account(who).await.unwrap().unwrap();
        assert_eq!(account.reported_at, None, "{who}");
    }
    assert!(
        browser.get(&portal, "/account").await.status.is_success(),
        "ada still signed in"
    );
}

#[tokio::test]
async fn over_the_api_a_link_reports_once() {
    let db = TestDb::sqlite("report_api");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    reset_by_sms(&mut browser, &portal, "ada", NEW_PASSWORD).await;
    let link = link_mailed_to(&portal, "ada@example.edu").await;
    let token = link.trim_start_matches("/not-me/");
    let (status, body) =
        crate::api::post_json(&portal, "/api/v1/report", json!({ "token": token })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["username"], "ada");
    assert_eq!(body["reset_held"], true);
    let (status, body) =
        crate::api::post_json(&portal, "/api/v1/report", json!({ "token": token })).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["error"], "link_spent");
}
