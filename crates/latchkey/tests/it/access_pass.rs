//! The temporary access pass (Entra's TAP): an agent who verified the
//! caller issues a one-time pass, shown once; the person signs in with it,
//! once and in time, and registers a new way at once.

use latchkey::clock::Clock;
use latchkey::secrets::SecretKey;
use latchkey::store::Role;
use serde_json::json;

use crate::helpdesk::{account_path, add_staff, sign_in};
use crate::portal::{Browser, Page, Portal, latest_code, portal};
use crate::support::{TestDb, count};

/// The pass on the console's page.
fn pass_on(page: &Page) -> String {
    let at = page.body.find("id=\"secret\">").expect("a pass") + "id=\"secret\">".len();
    page.body[at..at + 19].to_owned()
}

/// An agent, signed in, with ada's caller verified by a texted code.
async fn agent_with_ada_verified(portal: &Portal, key: &SecretKey) -> (Browser, String) {
    let secret = add_staff(portal, key, "kim", Role::Agent).await;
    let mut console = Browser::default();
    sign_in(&mut console, portal, "kim", &secret).await;
    let path = account_path(portal, "ada").await;
    console.get(portal, &path).await;
    console
        .post(portal, &format!("{path}/send-code"), &[("method", "sms")])
        .await;
    let code = latest_code(&portal.store).await;
    console
        .post(portal, &format!("{path}/check-code"), &[("code", &code)])
        .await;
    (console, path)
}

async fn sign_in_with_pass(browser: &mut Browser, portal: &Portal, who: &str, pass: &str) -> Page {
    let page = browser.get(portal, "/signin/pass").await;
    assert_eq!(page.heading(), "Sign in with a temporary access pass");
    browser
        .post(
            portal,
            "/signin/pass",
            &[("identifier", who), ("pass", pass)],
        )
        .await
}

#[tokio::test]
async fn a_pass_for_a_verified_caller_signs_in_once_and_opens_registration() {
    let db = TestDb::sqlite("access_pass");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    // Not before the caller is verified.
    let secret = add_staff(&portal, &key, "lee", Role::Agent).await;
    let mut unverified = Browser::default();
    sign_in(&mut unverified, &portal, "lee", &secret).await;
    let path = account_path(&portal, "ada").await;
    unverified.get(&portal, &path).await;
    let page = unverified
        .post(&portal, &format!("{path}/access-pass"), &[])
        .await;
    assert!(
        page.body.contains("Verify the caller first"),
        "{}",
        page.body
    );
    assert_eq!(count(&db.url, "access_passes").await, 0);

    let (mut console, path) = agent_with_ada_verified(&portal, &key).await;
    let page = console
        .post(&portal, &format!("{path}/access-pass"), &[])
        .await;
    assert_eq!(
        page.heading(),
        "Temporary access pass for ada",
        "{}",
        page.body
    );
    let pass = pass_on(&page);
    assert_eq!(pass.matches('-').count(), 3, "{pass}");
    let told = portal.store.outbox(5).await.unwrap();
    assert!(
        told.iter().any(|m| m
            .body
            .contains("The help desk issued a temporary access pass")),
        "{told:?}"
    );
    // Kept only as a keyed hash.
    let tag: String = {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT tag FROM access_passes")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert!(!tag.contains(&pass.replace('-', "")));

    // A wrong pass, and another person's name: one answer, nothing opened.
    let mut person = Browser::default();
    let page = sign_in_with_pass(&mut person, &portal, "ada", "0000-0000-0000-0000").await;
    assert!(
        page.body.contains("do not match a live pass"),
        "{}",
        page.body
    );
    let page = sign_in_with_pass(&mut person, &portal, "alan", &pass).await;
    assert!(
        page.body.contains("do not match a live pass"),
        "{}",
        page.body
    );

    // The right one, in any case: signed in, a new way registered at once.
    let page = sign_in_with_pass(&mut person, &portal, "ada", &pass.to_uppercase()).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    let page = person.get(&portal, "/account/authenticator").await;
    assert_ne!(
        page.heading(),
        "Confirm it is you",
        "the pass is a fresh factor"
    );
    let told = portal.store.outbox(5).await.unwrap();
    assert!(
        told.iter().any(|m| m
            .body
            .contains("A temporary access pass from the help desk was used")),
        "{told:?}"
    );

    // Once.
    let mut again = Browser::default();
    let page = sign_in_with_pass(&mut again, &portal, "ada", &pass).await;
    assert!(
        page.body.contains("do not match a live pass"),
        "{}",
        page.body
    );

    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let trail: Vec<String> = (portal.store.events_of(ada.id, 50).await.unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "helpdesk.refused_unverified",
        "helpdesk.access_pass_issued",
        "signin.access_pass_wrong",
        "signin.access_pass_used",
    ] {
        assert!(trail.iter().any(|a| a == action), "{action}: {trail:?}");
    }
}

#[tokio::test]
async fn a_pass_expires_and_a_new_one_voids_the_old() {
    let db = TestDb::sqlite("access_pass_expiry");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let (mut console, path) = agent_with_ada_verified(&portal, &key).await;
    let first = pass_on(
        &console
            .post(&portal, &format!("{path}/access-pass"), &[])
            .await,
    );
    let second = pass_on(
        &console
            .post(&portal, &format!("{path}/access-pass"), &[])
            .await,
    );
    let mut person = Browser::default();
    let page = sign_in_with_pass(&mut person, &portal, "ada", &first).await;
    assert!(
        page.body.contains("do not match a live pass"),
        "the first is void"
    );
    portal.clock.advance(61 * 60);
    let page = sign_in_with_pass(&mut person, &portal, "ada", &second).await;
    assert!(page.body.contains("do not match a live pass"), "expired");
}

#[tokio::test]
async fn over_the_api_an_agent_issues_a_pass_and_the_person_signs_in_with_it() {
    let db = TestDb::sqlite("access_pass_api");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    // The agent's console session verifies the caller; the API issues with
    // a staff token of its own, verified the same way.
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let token = crate::api::staff_token(&portal, "kim", &secret).await;
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let issue = format!("/api/v1/helpdesk/accounts/{}/access-pass", ada.id);
    let (status, body) = crate::api::post_as_staff(&portal, &token, &issue, json!({})).await;
    assert_eq!(status, 422, "{body}");
    let send = format!("/api/v1/helpdesk/accounts/{}/send-code", ada.id);
    crate::api::post_as_staff(&portal, &token, &send, json!({"method": "sms"})).await;
    let check = format!("/api/v1/helpdesk/accounts/{}/check-code", ada.id);
    let code = latest_code(&portal.store).await;
    crate::api::post_as_staff(&portal, &token, &check, json!({"code": code})).await;
    let (status, body) = crate::api::post_as_staff(&portal, &token, &issue, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let pass = body["pass"].as_str().unwrap().to_owned();
    assert_eq!(
        body["expires_at"].as_i64().unwrap(),
        portal.clock.now() + 3600
    );
    let (status, body) = crate::api::post_json(
        &portal,
        "/api/v1/session/pass",
        json!({"identifier": "ada", "pass": pass}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["account"]["username"], "ada");
    let (status, _) = crate::api::post_json(
        &portal,
        "/api/v1/session/pass",
        json!({"identifier": "ada", "pass": pass}),
    )
    .await;
    assert_eq!(status, 401);
}
