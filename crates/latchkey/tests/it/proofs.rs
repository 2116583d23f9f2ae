//! How many proofs a reset asks for (`reset.proofs_required`, NIST SP
//! 800-63B-4 § 4.2): one by default; two from different ways under `2`,
//! under `auto` for an account with an app besides its phone, and always
//! for a member of staff's account.

use latchkey::clock::Clock;
use latchkey::domain::proofs::{ProofsRequired, ResetConfig};
use latchkey::secrets::SecretKey;
use latchkey::totp;

use crate::portal::{
    Browser, Extras, GRACE_SECRET, NEW_PASSWORD, Page, Portal, latest_code, portal_extras,
    up_to_the_code,
};
use crate::support::{TestDb, on_each_backend};

pub async fn portal_asking(db: &TestDb, key: &SecretKey, proofs: ProofsRequired) -> Portal {
    let extras = Extras {
        reset: ResetConfig {
            proofs_required: proofs,
        },
        ..Extras::default()
    };
    portal_extras(db, key, extras).await
}

/// Ada, who has a phone, gets grace's authenticator app as well.
pub async fn give_ada_an_app(portal: &Portal, key: &SecretKey) {
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let sealed = totp::seal(key, GRACE_SECRET).unwrap();
    portal
        .store
        .add_method(ada.id, "totp", &sealed, 1)
        .await
        .unwrap();
}

async fn type_texted_code(browser: &mut Browser, portal: &Portal) -> Page {
    let code = latest_code(&portal.store).await;
    browser
        .post(portal, "/reset/code", &[("code", &code)])
        .await
}

async fn type_app_code(browser: &mut Browser, portal: &Portal) -> Page {
    browser
        .post(portal, "/reset/method", &[("method", "totp")])
        .await;
    let code = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
    browser
        .post(portal, "/reset/code", &[("code", &code)])
        .await
}

#[tokio::test]
async fn under_two_a_texted_code_is_not_enough_and_the_second_way_must_differ() {
    on_each_backend("proofs_two", |db: TestDb| async move {
        let key = SecretKey::random();
        let portal = portal_asking(&db, &key, ProofsRequired::Two).await;
        give_ada_an_app(&portal, &key).await;
        let mut browser = Browser::default();
        up_to_the_code(&mut browser, &portal, "ada", "sms").await;
        let page = type_texted_code(&mut browser, &portal).await;
        assert_eq!(
            page.heading(),
            "How should we send your code?",
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("The university asks for a second, by a different way"),
            "{}",
            page.body
        );
        // Only the app is offered now: a call goes to the same phone.
        assert!(page.body.contains("value=\"totp\""), "{}", page.body);
        assert!(
            !page.body.contains("value=\"sms\"") && !page.body.contains("value=\"voice\""),
            "{}",
            page.body
        );
        let page = browser
            .post(&portal, "/reset/method", &[("method", "voice")])
            .await;
        assert!(
            page.body.contains("Choose one of the ways listed."),
            "{}",
            page.body
        );
        let page = type_app_code(&mut browser, &portal).await;
        assert_eq!(page.heading(), "Choose a new password", "{}", db.label);
        let page = browser
            .post(
                &portal,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.heading(), "Your password is changed", "{}", db.label);
        let actions: Vec<String> = audit_actions(&db).await;
        assert!(
            actions.iter().any(|a| a == "reset.proof_accepted:phone"),
            "{actions:?}"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn under_two_an_account_with_one_way_goes_to_the_help_desk() {
    let db = TestDb::sqlite("proofs_two_one_way");
    let portal = portal_asking(&db, &SecretKey::random(), ProofsRequired::Two).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    let page = browser
        .post(
            &portal,
            "/reset/captcha",
            &[("answer", crate::portal::ANSWER)],
        )
        .await;
    assert_eq!(
        page.heading(),
        "We cannot reset this password online",
        "{}",
        page.body
    );
    assert!(
        portal.store.outbox(5).await.unwrap().is_empty(),
        "no code was sent that could not finish the reset"
    );
}

#[tokio::test]
async fn auto_asks_two_of_an_app_beside_a_phone_and_one_of_a_phone_alone() {
    let db = TestDb::sqlite("proofs_auto");
    let key = SecretKey::random();
    let portal = portal_asking(&db, &key, ProofsRequired::Auto).await;
    // A phone alone: one code, as by default.
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let page = type_texted_code(&mut browser, &portal).await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);

    give_ada_an_app(&portal, &key).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let page = type_texted_code(&mut browser, &portal).await;
    assert!(
        page.body.contains(
            "Your account also has an authenticator app or a passkey, so a code to your phone alone"
        ),
        "{}",
        page.body
    );
    let page = type_app_code(&mut browser, &portal).await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
}

#[tokio::test]
async fn a_staff_members_account_needs_two_even_by_default() {
    let db = TestDb::sqlite("proofs_staff");
    let key = SecretKey::random();
    let portal = portal_asking(&db, &key, ProofsRequired::One).await;
    crate::helpdesk::add_staff(&portal, &key, "ada", latchkey::store::Role::Agent).await;
    // Ada keeps recovery codes: another way beside her phone.
    let mut owner = Browser::default();
    crate::account::sign_in_ada(&mut owner, &portal).await;
    owner.get(&portal, "/account/recovery").await;
    let page = owner.post(&portal, "/account/recovery", &[]).await;
    let codes = crate::recovery::codes_on(&page);
    assert_eq!(codes.len(), 10, "{}", page.body);

    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let page = type_texted_code(&mut browser, &portal).await;
    assert!(
        page.body.contains("belongs to a member of the help desk"),
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/recovery", &[("code", &codes[0])])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
}

pub async fn audit_actions(db: &TestDb) -> Vec<String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query_scalar("SELECT action FROM audit_events ORDER BY seq")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}
