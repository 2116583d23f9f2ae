//! Another email address (NIST SP 800-63B-4's address of record): proven
//! by a mailed code; reset codes may go there; notices go there too; it is
//! no second factor for signing in.

use latchkey::domain::proofs::ProofsRequired;
use latchkey::secrets::SecretKey;

use crate::account::{sign_in, sign_in_ada};
use crate::portal::{Browser, NEW_PASSWORD, Portal, latest_code, portal, up_to_the_code};
use crate::support::TestDb;

const OTHER: &str = "ada.l@gmail.com";

/// Ada registers `OTHER` (signed in with a texted code).
async fn register_other(browser: &mut Browser, portal: &Portal) {
    sign_in_ada(browser, portal).await;
    let page = browser.get(portal, "/account/email").await;
    assert_eq!(page.heading(), "Another email address", "{}", page.body);
    let page = browser
        .post(
            portal,
            "/account/email",
            &[("email", "Ada@Mail.Example.edu")],
        )
        .await;
    assert!(
        page.body.contains("Use an address outside the university"),
        "{}",
        page.body
    );
    let page = browser
        .post(portal, "/account/email", &[("email", OTHER)])
        .await;
    assert!(
        page.body.contains("We emailed a code to ada.l@gmail.com"),
        "{}",
        page.body
    );
    let mailed = portal.store.outbox(1).await.unwrap().remove(0);
    assert_eq!(mailed.recipient, OTHER);
    assert!(
        mailed.body.starts_with("Subject: Your University code"),
        "{}",
        mailed.body
    );
    let code = latest_code(&portal.store).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let page = browser
        .post(portal, "/account/email/confirm", &[("code", wrong)])
        .await;
    assert!(
        page.body.contains("That code is not right"),
        "{}",
        page.body
    );
    let page = browser
        .post(portal, "/account/email/confirm", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    assert!(page.body.contains("a•••@gmail.com"), "{}", page.body);
}

#[tokio::test]
async fn another_address_is_proven_told_of_changes_and_gets_reset_codes() {
    let db = TestDb::sqlite("email_other");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    register_other(&mut browser, &portal).await;
    let told = portal.store.outbox(10).await.unwrap();
    for address in ["ada@example.edu", OTHER] {
        assert!(
            told.iter().any(
                |m| m.recipient == address && m.body.contains("was added to the ways to reset")
            ),
            "{address}: {told:?}"
        );
    }

    // A reset's code by mail.
    let mut resetting = Browser::default();
    let page = up_to_the_code(&mut resetting, &portal, "ada", "email").await;
    assert!(
        page.body.contains("We emailed a code to a•••@gmail.com"),
        "{}",
        page.body
    );
    let code = latest_code(&portal.store).await;
    let page = resetting
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
    let page = resetting
        .post(
            &portal,
            "/reset/password",
            &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed");
    let told = portal.store.outbox(10).await.unwrap();
    assert!(
        told.iter()
            .any(|m| m.recipient == OTHER && m.body.contains("password was changed")),
        "the change is told at the other address: {told:?}"
    );

    // It is no way to sign in.
    let mut signing_in = Browser::default();
    let page = sign_in(&mut signing_in, &portal, "ada", NEW_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you");
    assert!(!page.body.contains("Email a code"), "{}", page.body);
}

#[tokio::test]
async fn under_two_proofs_the_phone_and_the_other_address_are_two_ways() {
    let db = TestDb::sqlite("email_two");
    let extras = crate::portal::Extras {
        reset: latchkey::domain::proofs::ResetConfig {
            proofs_required: ProofsRequired::Two,
        },
        ..crate::portal::Extras::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    register_other(&mut browser, &portal).await;
    let mut resetting = Browser::default();
    up_to_the_code(&mut resetting, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let page = resetting
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("value=\"email\""), "{}", page.body);
    resetting
        .post(&portal, "/reset/method", &[("method", "email")])
        .await;
    let code = latest_code(&portal.store).await;
    let page = resetting
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
}
