//! Signing in, registering methods, updating a known password, and the
//! notices every change sends, over HTTP against the real router.

use axum::http::StatusCode;
use latchkey::domain::change::verify_password;
use latchkey::notify::mail::{MailConfig, MailTransport, Security, Smtp, SmtpConfig};
use latchkey::secrets::SecretKey;
use latchkey::store::Store;
use latchkey::totp;

use crate::portal::{
    Browser, GRACE_SECRET, NEW_PASSWORD, OLD_PASSWORD, Page, Portal, latest_code, portal,
    portal_with,
};
use crate::smtp::SmtpServer;
use crate::support::{TestDb, count, on_each_backend};

pub async fn sign_in(browser: &mut Browser, portal: &Portal, who: &str, password: &str) -> Page {
    let page = browser.get(portal, "/signin").await;
    assert_eq!(page.heading(), "Sign in");
    browser
        .post(
            portal,
            "/signin",
            &[("identifier", who), ("password", password)],
        )
        .await
}

/// Signs ada in with her password and a code texted to her phone.
pub async fn sign_in_ada(browser: &mut Browser, portal: &Portal) -> Page {
    let page = sign_in(browser, portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    let page = browser
        .post(portal, "/account/verify/send", &[("method", "sms")])
        .await;
    assert!(page.body.contains("We texted a code"), "{}", page.body);
    let code = latest_code(&portal.store).await;
    browser
        .post(portal, "/account/verify/code", &[("code", &code)])
        .await
}

/// Changes the signed-in person's password from `current` to `new`.
pub async fn change_password(
    browser: &mut Browser,
    portal: &Portal,
    current: &str,
    new: &str,
) -> Page {
    let fields = [("current", current), ("password", new), ("confirm", new)];
    browser.post(portal, "/account/password", &fields).await
}

/// Registers `number` (by text) for the signed-in person.
pub async fn register_phone(browser: &mut Browser, portal: &Portal, number: &str) {
    browser.get(portal, "/account/phone").await;
    browser
        .post(
            portal,
            "/account/phone",
            &[("phone", number), ("channel", "sms")],
        )
        .await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(portal, "/account/phone/confirm", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
}

/// The outbox's messages with `channel`, newest first.
async fn outbox(store: &Store, channel: &str) -> Vec<(String, String)> {
    store
        .outbox(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == channel)
        .map(|m| (m.recipient, m.body))
        .collect()
}

fn authenticator_secret(page: &Page) -> Vec<u8> {
    let start = page.body.find("id=\"secret\"").expect("the key is shown");
    let text = &page.body[start..];
    let text = &text[text.find('>').unwrap() + 1..text.find("</code>").unwrap()];
    let base32: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    data_encoding::BASE32_NOPAD
        .decode(base32.as_bytes())
        .unwrap()
}

fn code_now(portal: &Portal, secret: &[u8]) -> String {
    use latchkey::clock::Clock;
    totp::code_at(secret, portal.clock.now()).unwrap()
}

#[tokio::test]
async fn a_person_with_a_phone_signs_in_with_a_texted_code() {
    on_each_backend("signin_sms", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        let page = sign_in(&mut browser, &portal, "ADA@example.edu", OLD_PASSWORD).await;
        assert_eq!(page.heading(), "Confirm it is you", "{}", db.label);
        // The password alone opens nothing.
        for path in ["/account", "/account/phone", "/account/password"] {
            let page = browser.get(&portal, path).await;
            assert_eq!(page.heading(), "Confirm it is you", "{path}");
        }
        browser
            .post(&portal, "/account/verify/send", &[("method", "sms")])
            .await;
        let code = latest_code(&portal.store).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let page = browser
            .post(&portal, "/account/verify/code", &[("code", wrong)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("4 more times"), "{}", page.body);
        let page = browser
            .post(&portal, "/account/verify/code", &[("code", &code)])
            .await;
        assert_eq!(page.heading(), "Your account", "{}", db.label);
        assert!(page.body.contains("(•••) •••-0143"));
        let events = count(
            &db.url,
            "audit_events WHERE action IN ('signin.password_ok', 'signin.code_wrong', 'signin.succeeded')",
        )
        .await;
        assert_eq!(events, 3, "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn an_authenticator_code_signs_in_once() {
    let db = TestDb::sqlite("signin_totp");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "grace", OLD_PASSWORD).await;
    let page = browser
        .post(&portal, "/account/verify/send", &[("method", "totp")])
        .await;
    assert!(page.body.contains("authenticator app"), "{}", page.body);
    let code = code_now(&portal, GRACE_SECRET);
    let page = browser
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account");

    // The same code in a second browser, within its 30 seconds: refused.
    let mut other = Browser::default();
    sign_in(&mut other, &portal, "grace", OLD_PASSWORD).await;
    other
        .post(&portal, "/account/verify/send", &[("method", "totp")])
        .await;
    let page = other
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("used already"), "{}", page.body);
    assert_eq!(
        other.get(&portal, "/account").await.heading(),
        "Confirm it is you"
    );
    portal.clock.advance(30);
    let page = other
        .post(
            &portal,
            "/account/verify/code",
            &[("code", &code_now(&portal, GRACE_SECRET))],
        )
        .await;
    assert_eq!(page.heading(), "Your account");
}

#[tokio::test]
async fn the_session_id_is_renewed_when_the_second_factor_is_proven() {
    let db = TestDb::sqlite("signin_renewal");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you");
    // A copy of the cookie as it was before the factor.
    let mut copy = Browser::planted(&browser);
    browser
        .post(&portal, "/account/verify/send", &[("method", "sms")])
        .await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account");
    let page = copy.get(&portal, "/account").await;
    assert_eq!(page.heading(), "Sign in", "the old id opens nothing");
}

#[tokio::test]
async fn wrong_passwords_cannot_straddle_a_window_and_a_pause_lasts_a_whole_one() {
    let db = TestDb::sqlite("signin_sliding");
    let portal = portal(&db, &SecretKey::random()).await;
    let throttle = latchkey::config::ThrottleConfig::default();
    // The last second of a window aligned to the clock, then two seconds
    // on: a fixed window would start counting again; a sliding one does not.
    portal.clock.advance(599);
    let mut browser = Browser::default();
    for n in 0..throttle.signin_failures_per_address {
        let page = sign_in(&mut browser, &portal, &format!("nobody{n}"), "x").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}");
    }
    portal.clock.advance(2);
    let page = sign_in(&mut browser, &portal, "nobody-else", "x").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);

    // One wrong password for ada, nine more ten minutes later: paused, and
    // for fifteen minutes from the tenth, not until the first ages out.
    portal.clock.advance(600);
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "ada", "Wrong#pass1").await;
    portal.clock.advance(600);
    for _ in 1..throttle.signin_failures_per_account {
        sign_in(&mut browser, &portal, "ada", "Wrong#pass1").await;
    }
    portal.clock.advance(301);
    let page = sign_in(&mut browser, &portal, "ada", OLD_PASSWORD).await;
    assert!(page.body.contains("paused for 15 minutes"), "{}", page.body);
    portal.clock.advance(600);
    let page = sign_in(&mut browser, &portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
}

#[tokio::test]
async fn a_strangers_reset_never_stops_the_owner_signing_in() {
    use crate::portal::up_to_the_code;
    let wrong_code = async |portal: &Portal, stranger: &mut Browser| {
        let code = latest_code(&portal.store).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        stranger
            .post(portal, "/reset/code", &[("code", wrong)])
            .await
    };
    // Strangers type wrong codes in resets for ada until it locks: from
    // four addresses, since one address alone only pauses itself.
    let db = TestDb::sqlite("signin_despite_reset_lock");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut last = None;
    for source in 0..4 {
        let mut stranger = Browser::from_peer(&format!("203.0.113.{source}:443"));
        up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
        for _ in 0..5 {
            last = Some(wrong_code(&portal, &mut stranger).await);
        }
    }
    let last = last.unwrap();
    assert_eq!(last.heading(), "Online reset is paused for this account");
    // ada knows her password and holds her phone: she signs in.
    let mut ada = Browser::default();
    let page = sign_in_ada(&mut ada, &portal).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);

    // Another stranger uses up the texts a reset may send her this hour.
    let db = TestDb::sqlite("signin_despite_reset_sends");
    let portal = crate::portal::portal(&db, &SecretKey::random()).await;
    let mut stranger = Browser::default();
    up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
    // One address is refused at its share of them.
    let limit = latchkey::config::ThrottleConfig::default().codes_per_source;
    for _ in 1..limit {
        stranger.post(&portal, "/reset/method-again", &[]).await;
        let page = stranger
            .post(&portal, "/reset/method", &[("method", "sms")])
            .await;
        assert_eq!(page.heading(), "Enter your code");
    }
    stranger.post(&portal, "/reset/method-again", &[]).await;
    let refused = stranger
        .post(&portal, "/reset/method", &[("method", "sms")])
        .await;
    assert!(refused.body.contains("several codes"), "{}", refused.body);
    let mut ada = Browser::default();
    let page = sign_in_ada(&mut ada, &portal).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer_and_are_throttled() {
    let db = TestDb::sqlite("signin_wrong");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let wrong = sign_in(&mut browser, &portal, "ada", "Wrong#pass1").await;
    let unknown = sign_in(&mut browser, &portal, "nobody", "Wrong#pass1").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.body.replace("value=\"ada\"", ""),
        unknown.body.replace("value=\"nobody\"", "")
    );
    assert!(wrong.body.contains("username or password is not right"));

    // Ten wrong passwords pause sign-in for the account, even with the right one.
    for _ in 1..10 {
        sign_in(&mut browser, &portal, "ada", "Wrong#pass1").await;
    }
    let page = sign_in(&mut browser, &portal, "ada", OLD_PASSWORD).await;
    assert!(page.body.contains("paused for 15 minutes"), "{}", page.body);
    portal.clock.advance(900);
    let page = sign_in(&mut browser, &portal, "ada", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you");

    // An unknown name pauses the same way, with the same words: the pause
    // does not tell a real account from a name that is none.
    portal.clock.advance(900);
    let mut pages = Vec::new();
    let mut browser = Browser::default();
    for who in ["alan", "nobody"] {
        for _ in 0..10 {
            sign_in(&mut browser, &portal, who, "Wrong#pass1").await;
        }
        let page = sign_in(&mut browser, &portal, who, "Wrong#pass1").await;
        assert!(
            page.body.contains("paused for 15 minutes"),
            "{who}: {}",
            page.body
        );
        pages.push(page.body.replace(&format!("value=\"{who}\""), ""));
    }
    assert_eq!(pages[0], pages[1]);
    portal.clock.advance(900);

    // Thirty failures from one address in ten minutes: refused outright.
    let mut browser = Browser::default();
    for n in 0..30 {
        let page = sign_in(&mut browser, &portal, &format!("nobody{n}"), "x").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn someone_without_a_method_is_interrupted_and_registers_a_phone() {
    on_each_backend("register_phone", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        let page = sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
        assert_eq!(page.heading(), "Set up a way to reset your password");
        assert_eq!(page.status, StatusCode::OK);

        let page = browser.get(&portal, "/account/phone").await;
        assert_eq!(page.heading(), "Register a mobile phone");
        for bad in [
            "555-0143",
            "+",
            "call me",
            "202555014",
            "(202) 555-01434",
            "+1 202 555 01",
        ] {
            let page = browser
                .post(
                    &portal,
                    "/account/phone",
                    &[("phone", bad), ("channel", "sms")],
                )
                .await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(
                page.body.contains("such as (202) 555-0143"),
                "{bad}: {}",
                page.body
            );
        }
        assert_eq!(
            portal.store.outbox(10).await.unwrap().len(),
            0,
            "nothing sent"
        );

        let page = browser
            .post(
                &portal,
                "/account/phone",
                &[("phone", "202.555.0199"), ("channel", "voice")],
            )
            .await;
        assert_eq!(page.heading(), "Enter the code we sent", "{}", page.body);
        assert!(
            page.body.contains("We are calling (202) 555-0199"),
            "a call, and the number in full to who typed it: {}",
            page.body
        );
        let call = portal.store.outbox(1).await.unwrap().remove(0);
        assert_eq!(
            (call.channel.as_str(), call.recipient.as_str()),
            ("voice", "+12025550199")
        );
        assert!(
            call.body.contains("register this phone") && !call.body.contains("reset code"),
            "{}",
            call.body
        );
        let code = latest_code(&portal.store).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let page = browser
            .post(&portal, "/account/phone/confirm", &[("code", wrong)])
            .await;
        assert!(page.body.contains("not right"), "{}", page.body);
        let alan = portal.store.find_account("alan").await.unwrap().unwrap();
        assert_eq!(alan.phone, None, "not registered before the code");

        let page = browser
            .post(&portal, "/account/phone/confirm", &[("code", &code)])
            .await;
        assert_eq!(page.heading(), "Your account", "{}", page.body);
        assert!(page.body.contains("Your mobile phone is registered."));
        let alan = portal.store.find_account("alan").await.unwrap().unwrap();
        assert_eq!(alan.phone.as_deref(), Some("+12025550199"));
        // Told by mail and on the new phone.
        let mails = outbox(&portal.store, "email").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].0, "alan@example.edu");
        assert!(
            mails[0].1.contains("(•••) •••-0199 was added"),
            "{}",
            mails[0].1
        );
        assert!(mails[0].1.contains("call the help desk at (555) 010-4357"));
        assert_eq!(outbox(&portal.store, "sms").await[0].0, "+12025550199");
        // The code is used up.
        let page = browser
            .post(&portal, "/account/phone/confirm", &[("code", &code)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        db
    })
    .await;
}

#[tokio::test]
async fn an_international_number_is_stored_in_e164() {
    let db = TestDb::sqlite("register_intl");
    let extras = crate::portal::Extras {
        countries: latchkey::notify::Countries {
            sms: vec!["US".into(), "GB".into()],
            voice: vec!["US".into()],
        },
        ..Default::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    register_phone(&mut browser, &portal, "+44 20 7946 0958").await;
    let alan = portal.store.find_account("alan").await.unwrap().unwrap();
    assert_eq!(alan.phone.as_deref(), Some("+442079460958"));
}

#[tokio::test]
async fn registering_an_authenticator_needs_a_first_code_and_its_step_is_used() {
    on_each_backend("register_totp", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
        let page = browser.get(&portal, "/account/authenticator").await;
        assert_eq!(page.heading(), "Set up an authenticator app");
        assert!(page.body.contains("<svg role=\"img\""), "a QR code");
        let secret = authenticator_secret(&page);
        // Reloading shows the same key (it is kept for this session).
        assert_eq!(
            authenticator_secret(&browser.get(&portal, "/account/authenticator").await),
            secret
        );
        let page = browser
            .post(&portal, "/account/authenticator", &[("code", "123456")])
            .await;
        assert!(page.body.contains("does not match"), "{}", page.body);
        let alan = portal.store.find_account("alan").await.unwrap().unwrap();
        assert!(
            portal.store.methods(alan.id).await.unwrap().is_empty(),
            "not before a right code"
        );
        let first = code_now(&portal, &secret);
        let page = browser
            .post(&portal, "/account/authenticator", &[("code", &first)])
            .await;
        assert_eq!(page.heading(), "Your account", "{}", page.body);
        assert!(page.body.contains("Your authenticator app is registered."));
        let mails = outbox(&portal.store, "email").await;
        assert!(
            mails[0].1.contains("An authenticator app was added"),
            "{mails:?}"
        );

        // The first code's time step is used: it cannot sign in again.
        browser.post(&portal, "/signout", &[]).await;
        sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
        browser
            .post(&portal, "/account/verify/send", &[("method", "totp")])
            .await;
        let page = browser
            .post(&portal, "/account/verify/code", &[("code", &first)])
            .await;
        assert!(page.body.contains("used already"), "{}", page.body);
        portal.clock.advance(30);
        let page = browser
            .post(
                &portal,
                "/account/verify/code",
                &[("code", &code_now(&portal, &secret))],
            )
            .await;
        assert_eq!(page.heading(), "Your account");
        db
    })
    .await;
}

#[tokio::test]
async fn changing_methods_needs_a_fresh_second_factor_and_the_last_one_stays() {
    let db = TestDb::sqlite("methods_fresh");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert_eq!(page.heading(), "Your account");
    // Her only method cannot be removed.
    let page = browser.post(&portal, "/account/phone/remove", &[]).await;
    assert!(page.body.contains("only way to reset"), "{}", page.body);
    assert!(
        portal
            .store
            .find_account("ada")
            .await
            .unwrap()
            .unwrap()
            .phone
            .is_some()
    );

    // Eleven minutes on (active meanwhile), the factor is stale: prove it again.
    portal.clock.advance(600);
    browser.get(&portal, "/account").await;
    portal.clock.advance(60);
    let page = browser.get(&portal, "/account/authenticator").await;
    assert_eq!(page.heading(), "Confirm it is you");
    let page = browser
        .post(
            &portal,
            "/account/verify/send",
            &[("method", "sms"), ("next", "authenticator")],
        )
        .await;
    assert!(page.body.contains("We texted a code"));
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(
            &portal,
            "/account/verify/code",
            &[("code", &code), ("next", "authenticator")],
        )
        .await;
    assert_eq!(
        page.heading(),
        "Set up an authenticator app",
        "back where she was going"
    );
    let secret = authenticator_secret(&page);
    browser
        .post(
            &portal,
            "/account/authenticator",
            &[("code", &code_now(&portal, &secret))],
        )
        .await;

    // Now the phone may go; the old number is told.
    let page = browser.post(&portal, "/account/phone/remove", &[]).await;
    assert!(
        page.body.contains("Your mobile phone was removed."),
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.phone, None);
    let texts = outbox(&portal.store, "sms").await;
    assert_eq!(texts[0].0, "+12025550143");
    assert!(texts[0].1.contains("was removed"), "{}", texts[0].1);
    // And the app, now the last method, may not.
    let page = browser
        .post(&portal, "/account/authenticator/remove", &[])
        .await;
    assert!(page.body.contains("only way to reset"));
    assert_eq!(
        count(
            &db.url,
            "audit_events WHERE action = 'account.phone_removed'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn updating_a_known_password() {
    on_each_backend("update_password", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        sign_in_ada(&mut browser, &portal).await;
        let mut elsewhere = Browser::default();
        assert_eq!(
            sign_in_ada(&mut elsewhere, &portal).await.heading(),
            "Your account"
        );

        let page = browser.get(&portal, "/account/password").await;
        assert_eq!(page.heading(), "Change your password");
        let change = |current: &'static str, new: &'static str| {
            [("current", current), ("password", new), ("confirm", new)]
        };
        let page = browser
            .post(
                &portal,
                "/account/password",
                &change("Wrong#pass1", NEW_PASSWORD),
            )
            .await;
        assert!(
            page.body.contains("current password is not right"),
            "{}",
            page.body
        );
        let page = browser
            .post(
                &portal,
                "/account/password",
                &change(OLD_PASSWORD, "lovelace"),
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("part of your name"), "{}", page.body);
        let page = browser
            .post(
                &portal,
                "/account/password",
                &change(OLD_PASSWORD, OLD_PASSWORD),
            )
            .await;
        assert!(
            page.body.contains("last 24 passwords"),
            "history: {}",
            page.body
        );
        let page = browser
            .post(
                &portal,
                "/account/password",
                &[
                    ("current", OLD_PASSWORD),
                    ("password", NEW_PASSWORD),
                    ("confirm", "Nw4%jxrX"),
                ],
            )
            .await;
        assert!(page.body.contains("not the same"));
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
                .await
                .unwrap(),
            "unchanged so far"
        );

        let page = change_password(&mut browser, &portal, OLD_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
        assert!(page.body.contains("VPN"));
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, NEW_PASSWORD)
                .await
                .unwrap()
        );
        // This session goes on; the other one ended.
        assert_eq!(
            browser.get(&portal, "/account").await.heading(),
            "Your account"
        );
        assert_eq!(
            elsewhere.get(&portal, "/account").await.heading(),
            "Sign in"
        );
        // Told by mail and text.
        let mails = outbox(&portal.store, "email").await;
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert!(
            mails[0]
                .1
                .contains("Your University password was changed at"),
            "{mails:?}"
        );
        assert!(
            outbox(&portal.store, "sms").await[0]
                .1
                .contains("password was changed")
        );
        db
    })
    .await;
}

#[tokio::test]
async fn the_live_checklist_on_the_update_page() {
    let db = TestDb::sqlite("update_check");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    browser.get(&portal, "/account/password").await;
    let page = browser
        .post(
            &portal,
            "/account/password/check",
            &[("password", "turing"), ("confirm", "")],
        )
        .await;
    let verdict: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(verdict["accepted"], false);
    let unmet: Vec<&str> = verdict["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["met"] == false)
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(
        unmet.contains(&"contains_name") && unmet.contains(&"min_length"),
        "{unmet:?}"
    );
    // Without the session's token: nothing.
    let page = browser
        .post_raw(&portal, "/account/password/check", &[("password", "x")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sessions_end_when_idle_at_their_limit_and_on_sign_out() {
    let db = TestDb::sqlite("session_timeouts");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    portal.clock.advance(16 * 60);
    assert_eq!(
        browser.get(&portal, "/account").await.heading(),
        "Sign in",
        "idle"
    );

    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    for _ in 0..4 {
        portal.clock.advance(14 * 60);
        let page = browser.get(&portal, "/account").await;
        assert_eq!(page.heading(), "Set up a way to reset your password");
    }
    portal.clock.advance(14 * 60);
    assert_eq!(
        browser.get(&portal, "/account").await.heading(),
        "Sign in",
        "absolute"
    );

    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    let page = browser.post(&portal, "/signout", &[]).await;
    assert_eq!(page.heading(), "Sign in");
    assert_eq!(browser.get(&portal, "/account").await.heading(), "Sign in");
    assert_eq!(
        count(&db.url, "account_sessions WHERE stage = 'active'").await,
        0
    );
}

#[tokio::test]
async fn a_reset_ends_every_session_of_the_account() {
    let db = TestDb::sqlite("reset_ends_sessions");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut signed_in = Browser::default();
    sign_in_ada(&mut signed_in, &portal).await;
    let mut resetting = Browser::default();
    crate::portal::reset_by_sms(&mut resetting, &portal, "ada", NEW_PASSWORD).await;
    assert_eq!(
        signed_in.get(&portal, "/account").await.heading(),
        "Sign in"
    );
}

#[tokio::test]
async fn notices_go_out_over_smtp_with_starttls_and_credentials() {
    let Some(server) = SmtpServer::start("notices", true, Some(("latchkey", "relay-secret"))).await
    else {
        return;
    };
    let db = TestDb::sqlite("smtp_notices");
    let mailer = server.mailer(Security::Starttls, Some(("latchkey", "relay-secret")));
    let portal = portal_with(&db, &SecretKey::random(), Box::new(mailer)).await;
    let mut browser = Browser::default();
    crate::portal::reset_by_sms(&mut browser, &portal, "ada", NEW_PASSWORD).await;
    let received = server.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let mail = &received[0];
    assert_eq!(mail.rcpt_tos, ["ada@example.edu"]);
    assert_eq!(mail.mail_from, "no-reply@example.edu");
    assert!(mail.tls, "sent after STARTTLS");
    assert_eq!(mail.user.as_deref(), Some("latchkey"));
    assert!(
        mail.data
            .contains("Subject: Your University password was changed"),
        "{}",
        mail.data
    );
    let text = quoted_printable_decoded(&mail.data);
    assert!(
        text.contains(&format!(
            "Your University password was changed at {}",
            // On the campus's clock: the server's, as no zone is configured.
            latchkey::i18n::date_time(
                latchkey::i18n::Lang::En,
                &jiff::tz::TimeZone::system(),
                1_800_000_000
            )
        )),
        "{text}"
    );
    assert!(text.contains("(555) 010-4357"), "{text}");

    // Wrong credentials: the mail is refused, the change stands, the failure is audited.
    let db = TestDb::sqlite("smtp_refused");
    let mailer = server.mailer(Security::Starttls, Some(("latchkey", "wrong")));
    let portal = portal_with(&db, &SecretKey::random(), Box::new(mailer)).await;
    crate::portal::reset_by_sms(&mut Browser::default(), &portal, "ada", NEW_PASSWORD).await;
    assert_eq!(server.received().len(), 1);
    assert_eq!(
        count(&db.url, "audit_events WHERE action = 'notice_failed.email'").await,
        1
    );
}

#[tokio::test]
async fn plain_smtp_to_a_local_relay() {
    let Some(server) = SmtpServer::start("plain", false, None).await else {
        return;
    };
    let db = TestDb::sqlite("smtp_plain");
    let portal = portal_with(
        &db,
        &SecretKey::random(),
        Box::new(server.mailer(Security::None, None)),
    )
    .await;
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "alan", OLD_PASSWORD).await;
    register_phone(&mut browser, &portal, "2025550199").await;
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].tls);
    assert!(
        quoted_printable_decoded(&received[0].data).contains("(•••) •••-0199 was added"),
        "{}",
        received[0].data
    );
}

#[test]
fn smtp_settings_that_cannot_work_are_refused() {
    let config = |security, username: &str, host: &str| MailConfig {
        transport: MailTransport::Smtp,
        from: "no-reply@example.edu".into(),
        smtp: SmtpConfig {
            host: host.into(),
            security,
            username: username.into(),
            ..SmtpConfig::default()
        },
    };
    let refusal = |config: MailConfig, password: &str| match Smtp::new(&config, password) {
        Err(why) => why,
        Ok(_) => panic!("accepted {config:?}"),
    };
    assert!(refusal(config(Security::None, "user", "smtp.example.edu"), "p").contains("in clear"));
    assert!(
        refusal(config(Security::Starttls, "user", "smtp.example.edu"), "")
            .contains("LATCHKEY_SMTP_PASSWORD")
    );
    assert!(refusal(config(Security::Starttls, "", ""), "").contains("mail.smtp.host"));
    let mut bad_from = config(Security::Tls, "", "smtp.example.edu");
    bad_from.from = "not an address".into();
    assert!(refusal(bad_from, "").contains("mail.from"));
    assert!(Smtp::new(&config(Security::Tls, "user", "smtp.example.edu"), "p").is_ok());
}

/// A mail's text with its quoted-printable encoding undone (soft line
/// breaks joined, `=XX` bytes decoded), as a mail program shows it.
fn quoted_printable_decoded(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
