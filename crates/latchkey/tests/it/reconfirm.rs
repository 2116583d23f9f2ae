//! Every `registration.reconfirm_days` (180) people are asked at sign-in
//! whether their ways are still theirs; changing one counts as confirming.

use latchkey::config::RegistrationConfig;
use latchkey::secrets::SecretKey;
use serde_json::json;

use crate::account::{register_phone, sign_in_ada};
use crate::portal::{Browser, Extras, Portal, portal, portal_extras};
use crate::support::TestDb;

const DAY: i64 = 86_400;

async fn back_after(portal: &Portal, days: i64) -> (Browser, String) {
    portal.clock.advance(days * DAY);
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, portal).await;
    (browser, page.heading())
}

#[tokio::test]
async fn after_180_days_a_sign_in_asks_whether_the_ways_are_still_yours() {
    let db = TestDb::sqlite("reconfirm");
    let portal = portal(&db, &SecretKey::random()).await;
    // The first sign-in starts the clock without asking.
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert_eq!(page.heading(), "Your account");
    let (_, heading) = back_after(&portal, 179).await;
    assert_eq!(heading, "Your account", "not yet");

    let (mut browser, heading) = back_after(&portal, 2).await;
    assert_eq!(heading, "Are these still yours?");
    let page = browser.get(&portal, "/account").await;
    assert!(page.body.contains("(•••) •••-0143"), "{}", page.body);
    let page = browser.post(&portal, "/account/methods/confirm", &[]).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    assert!(page.body.contains("we will ask again"), "{}", page.body);
    let (_, heading) = back_after(&portal, 1).await;
    assert_eq!(heading, "Your account", "confirmed");

    // Changing a way confirms the ways.
    let (mut browser, heading) = back_after(&portal, 181).await;
    assert_eq!(heading, "Are these still yours?");
    register_phone(&mut browser, &portal, "(202) 555-0199").await;
    assert_eq!(
        browser.get(&portal, "/account").await.heading(),
        "Your account"
    );

    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let trail: Vec<String> = (portal.store.events_of(ada.id, 80).await.unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        trail.iter().any(|a| a == "account.methods_confirmed"),
        "{trail:?}"
    );
}

#[tokio::test]
async fn with_zero_days_no_one_is_asked() {
    let db = TestDb::sqlite("reconfirm_off");
    let extras = Extras {
        registration: RegistrationConfig {
            reconfirm_days: 0,
            ..RegistrationConfig::default()
        },
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    let (_, heading) = back_after(&portal, 2000).await;
    assert_eq!(heading, "Your account");
}

#[tokio::test]
async fn over_the_api_the_state_asks_and_the_person_confirms() {
    let db = TestDb::sqlite("reconfirm_api");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    portal.clock.advance(181 * DAY);
    let token = crate::api::person_token(&portal, "ada").await;
    let (status, state) =
        crate::api::call_with(&portal, "GET", "/api/v1/account", &token, json!(null)).await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["confirm_methods"], true, "{state}");
    let (status, state) = crate::api::call_with(
        &portal,
        "POST",
        "/api/v1/account/methods/confirm",
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["confirm_methods"], false, "{state}");
}
