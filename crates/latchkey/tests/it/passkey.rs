//! Passkeys' refusals over HTTP (the ceremonies themselves run in Chromium
//! with a virtual authenticator: `browser::a_passkey_…`).

use latchkey::secrets::SecretKey;

use crate::account::sign_in_ada;
use crate::portal::{ANSWER, Browser, Extras, portal, portal_extras};
use crate::support::TestDb;

#[tokio::test]
async fn passkeys_need_a_fresh_factor_and_a_name_for_an_address() {
    let db = TestDb::sqlite("passkey_fresh");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    // The test portal's address is 127.0.0.1: no RP id, so none offered.
    let page = browser.get(&portal, "/account/passkey").await;
    assert!(
        page.body
            .contains("Passkeys cannot be used at this address"),
        "{}",
        page.body
    );
    let page = browser.post(&portal, "/account/passkey/options", &[]).await;
    assert_eq!(page.status, 404);
    portal.clock.advance(11 * 60);
    let page = browser.get(&portal, "/account/passkey").await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
}

#[tokio::test]
async fn an_answer_that_does_not_hold_is_refused_and_counted() {
    let db = TestDb::sqlite("passkey_refused");
    let extras = Extras {
        server: latchkey::config::ServerConfig {
            public_url: "https://password.example.edu".into(),
            ..latchkey::config::ServerConfig::default()
        },
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    browser
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    // No passkey: nothing to begin.
    let page = browser.post(&portal, "/reset/passkey/options", &[]).await;
    assert_eq!(page.status, 404);
    let forged = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"authenticatorData":"AAAA","clientDataJSON":"AAAA","signature":"AAAA","userHandle":null},"extensions":{}}"#;
    let page = browser
        .post(&portal, "/reset/passkey", &[("credential", forged)])
        .await;
    assert_eq!(page.heading(), "How should we send your code?");
    assert!(
        page.body.contains("The passkey did not prove it is you"),
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let trail: Vec<String> = (portal.store.events_of(ada.id, 30).await.unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(trail.iter().any(|a| a == "passkey.refused"), "{trail:?}");
}

#[tokio::test]
async fn a_name_without_a_passkey_gets_options_of_the_same_shape() {
    let db = TestDb::sqlite("passkey_decoy");
    let extras = Extras {
        server: latchkey::config::ServerConfig {
            public_url: "https://password.example.edu".into(),
            ..latchkey::config::ServerConfig::default()
        },
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let ask = async |who: &str| {
        let mut browser = Browser::default();
        let page = browser.get(&portal, "/signin").await;
        assert!(
            page.body.contains("Sign in with a passkey"),
            "{}",
            page.body
        );
        let page = browser
            .post(&portal, "/signin/passkey/options", &[("identifier", who)])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        serde_json::from_str::<serde_json::Value>(&page.body).unwrap()
    };
    let (nobody, again, ada) = (ask("nobody").await, ask("nobody").await, ask("ada").await);
    let id = |o: &serde_json::Value| o["publicKey"]["allowCredentials"][0]["id"].clone();
    assert_eq!(id(&nobody), id(&again), "stable for a name");
    assert_ne!(id(&nobody), id(&ada));
    assert_ne!(
        nobody["publicKey"]["challenge"],
        again["publicKey"]["challenge"]
    );
    assert_eq!(ada["publicKey"]["rpId"], "password.example.edu");
    assert_eq!(ada["publicKey"]["userVerification"], "required");
    // An answer to a decoy signs no one in.
    let mut browser = Browser::default();
    browser.get(&portal, "/signin").await;
    browser
        .post(&portal, "/signin/passkey/options", &[("identifier", "ada")])
        .await;
    let page = browser
        .post(
            &portal,
            "/signin/passkey",
            &[("identifier", "ada"), ("credential", "{}")],
        )
        .await;
    assert!(
        page.body.contains("That passkey did not sign you in"),
        "{}",
        page.body
    );
}
