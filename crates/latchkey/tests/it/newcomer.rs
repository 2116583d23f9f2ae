//! What a newcomer and a help desk manager tripped on: each page says what
//! is true for the person in front of it (signed in or not, one method or
//! two, an app that is sent nothing), notices come in the language the
//! person chose, and the console shows the agent what they need.

use latchkey::clock::Clock;
use latchkey::secrets::SecretKey;
use latchkey::store::Role;
use latchkey::totp;

use crate::account::{change_password, sign_in, sign_in_ada};
use crate::helpdesk::{REASON, account_path, add_staff, sign_in as staff_sign_in};
use crate::portal::{
    Browser, GRACE_SECRET, NEW_PASSWORD, OLD_PASSWORD, Portal, portal, reset_by_sms, up_to_the_code,
};
use crate::support::TestDb;

#[tokio::test]
async fn the_header_offers_the_account_once_signed_in() {
    let db = TestDb::sqlite("newcomer_header");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = browser.get(&portal, "/reset").await;
    assert!(
        page.body.contains("<a href=\"/signin\">Sign in</a>"),
        "{}",
        page.body
    );
    let page = sign_in_ada(&mut browser, &portal).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    for path in ["/account", "/reset"] {
        let page = browser.get(&portal, path).await;
        assert!(
            page.body.contains("<a href=\"/account\">Your account</a>")
                && !page.body.contains("<a href=\"/signin\">Sign in</a>"),
            "{path}: {}",
            page.body
        );
    }
    browser.get(&portal, "/account").await;
    let page = browser.post(&portal, "/signout", &[]).await;
    assert!(
        page.body.contains("<a href=\"/signin\">Sign in</a>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_only_method_is_not_offered_for_removal() {
    let db = TestDb::sqlite("newcomer_only_method");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert!(
        page.body.contains("+1 202") || page.body.contains("0143"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Remove the phone"),
        "ada's phone is her only method: {}",
        page.body
    );
    assert!(
        page.body.contains("This is your only way to reset"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_update_leaves_out_the_advice_for_a_forgotten_old_password() {
    let db = TestDb::sqlite("newcomer_update_advice");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    let page = change_password(&mut browser, &portal, OLD_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
    assert!(page.body.contains("Your laptop"), "{}", page.body);
    assert!(
        !page.body.contains("remember your old password"),
        "they just typed it: {}",
        page.body
    );
    // A reset, by someone who forgot it, gets both, and a way to sign in.
    let mut resetting = Browser::default();
    reset_by_sms(&mut resetting, &portal, "ada", "Qm7&vTz#4k").await;
    let done = resetting.get(&portal, "/reset/done").await;
    assert!(
        done.body.contains("t remember your old password"),
        "{}",
        done.body
    );
    assert!(
        done.body
            .contains("<a class=\"button\" href=\"/signin\">Sign in with your new password</a>"),
        "{}",
        done.body
    );
}

#[tokio::test]
async fn an_app_is_never_offered_a_code_to_send() {
    let db = TestDb::sqlite("newcomer_app_only");
    let portal = portal(&db, &SecretKey::random()).await;
    // A reset: grace's only way is her app.
    let mut browser = Browser::default();
    let page = up_to_the_code(&mut browser, &portal, "grace", "totp").await;
    assert_eq!(page.heading(), "Enter your code", "{}", page.body);
    assert!(
        page.body.contains("Open your authenticator app"),
        "{}",
        page.body
    );
    for offered in ["send a new one", "Send the code", "/reset/method-again"] {
        assert!(!page.body.contains(offered), "{offered}: {}", page.body);
    }
    assert!(
        page.body.contains("Lost the phone with your app"),
        "{}",
        page.body
    );

    // Signing in: no method to choose, nothing to send.
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "grace", OLD_PASSWORD).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    assert!(
        page.body.contains("Open your authenticator app"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/account/verify/send"), "{}", page.body);
    assert!(
        page.body.contains("Lost the phone with your app"),
        "{}",
        page.body
    );
    let code = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
    let page = browser
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
}

#[tokio::test]
async fn the_authenticator_page_links_the_app_on_this_phone() {
    let db = TestDb::sqlite("newcomer_otpauth");
    let branding = latchkey::site::BrandingConfig {
        name: "Example University".into(),
        ..Default::default()
    };
    let extras = crate::portal::Extras {
        site: latchkey::web::Site::new(Default::default(), branding, false),
        ..Default::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    let page = browser.get(&portal, "/account/authenticator").await;
    assert_eq!(
        page.heading(),
        "Set up an authenticator app",
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<a class=\"button\" href=\"otpauth://totp/Example%20University:ada?"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn notices_come_in_the_language_the_person_chose() {
    let db = TestDb::sqlite("newcomer_notice_language");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert!(page.body.contains("Language for messages"), "{}", page.body);
    let page = browser
        .post(&portal, "/account/language", &[("language", "xx")])
        .await;
    assert!(
        page.body.contains("Choose one of the languages listed."),
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/account/language", &[("language", "es")])
        .await;
    assert!(
        page.body
            .contains("Messages about your account now come in Español."),
        "the page stays in its own language: {}",
        page.body
    );
    assert!(
        page.body
            .contains("id=\"language-es\" name=\"language\" value=\"es\" checked"),
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.language.as_deref(), Some("es"));
    change_password(&mut browser, &portal, OLD_PASSWORD, NEW_PASSWORD).await;
    let told = portal.store.outbox(2).await.unwrap();
    let mail = told.iter().find(|m| m.channel == "email").expect("a mail");
    assert!(
        mail.body
            .starts_with("Subject: Se cambió su contraseña de University"),
        "{}",
        mail.body
    );
    // The portal's own address is in the "this wasn't me" link; the
    // person's is nowhere.
    let words: Vec<&str> = (mail.body.split_whitespace())
        .filter(|word| !word.contains("/not-me/"))
        .collect();
    assert!(
        !words.join(" ").contains("127.0.0.1"),
        "no address: {}",
        mail.body
    );
    let text = told.iter().find(|m| m.channel == "sms").expect("a text");
    assert!(text.body.contains("Si no fue usted"), "{}", text.body);
}

/// A console signed in as an agent, on `portal`.
async fn agent(portal: &Portal, key: &SecretKey) -> Browser {
    let secret = add_staff(portal, key, "kim", Role::Agent).await;
    let mut browser = Browser::default();
    staff_sign_in(&mut browser, portal, "kim", &secret).await;
    browser
}

#[tokio::test]
async fn the_console_says_what_the_agent_needs_to_know() {
    let db = TestDb::sqlite("newcomer_console");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let mut browser = agent(&portal, &key).await;

    // No method: online reset is not "open".
    let page = browser
        .get(&portal, &account_path(&portal, "alan").await)
        .await;
    assert!(
        page.body
            .contains("Not possible: no phone or authenticator app"),
        "{}",
        page.body
    );

    // An app-only caller's wrong code: nothing to "send a new one" of.
    let grace = account_path(&portal, "grace").await;
    let page = browser
        .post(
            &portal,
            &format!("{grace}/check-code"),
            &[("code", "000000")],
        )
        .await;
    assert!(
        page.body
            .contains("Ask the caller to read the code their app shows now."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("send a new one"), "{}", page.body);

    // A caller's wrong codes pause online reset: the trail says the caller
    // did it, the page says until when, and the person is told.
    let ada = account_path(&portal, "ada").await;
    // Twenty wrong codes lock it (`code_failures_before_lock`).
    for _ in 0..20 {
        browser
            .post(&portal, &format!("{ada}/check-code"), &[("code", "000000")])
            .await;
    }
    let ada_account = portal.store.find_account("ada").await.unwrap().unwrap();
    let until = ada_account.locked_until.expect("paused");
    let page = browser.get(&portal, &ada).await;
    let expected = latchkey::i18n::clock_time(
        latchkey::i18n::Lang::En,
        &jiff::tz::TimeZone::system(),
        until,
        portal.clock.now(),
    );
    assert!(
        page.body.contains(&format!(
            "Paused after repeated wrong codes, until {expected}"
        )),
        "{expected}: {}",
        page.body
    );
    let events = portal.store.events_of(ada_account.id, 20).await.unwrap();
    let lock = events
        .iter()
        .find(|e| e.action == "helpdesk.locked")
        .expect("the lock");
    assert_eq!(lock.actor, "caller", "not the agent's doing");
    assert!(lock.detail.contains("staff:kim"), "{lock:?}");
    let told = portal.store.outbox(3).await.unwrap();
    assert!(
        told.iter().any(|m| m.channel == "email"
            && m.body
                .contains("Online reset of your University password was paused")),
        "{told:?}"
    );

    // A number the agent types is shown back in full, once the caller is
    // verified; masked before.
    assert!(
        page.body.contains("•••"),
        "masked until verified: {}",
        page.body
    );
    browser
        .post(
            &portal,
            &format!("{ada}/record-check"),
            &[("reason", REASON), ("note", "Photo ID matched")],
        )
        .await;
    let page = browser
        .post(
            &portal,
            &format!("{ada}/phone"),
            &[("phone", "(202) 555-0188")],
        )
        .await;
    assert!(
        page.body
            .contains("The phone number is updated to (202) 555-0188"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_console_speaks_spanish_to_an_agent_who_asks() {
    let db = TestDb::sqlite("newcomer_console_es");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let mut browser = agent(&portal, &key).await;
    browser.headers.push(("accept-language", "es".into()));
    let page = browser.get(&portal, "/helpdesk").await;
    assert_eq!(page.heading(), "Buscar una cuenta", "{}", page.body);
    assert!(page.body.contains("<html lang=\"es\">"), "{}", page.body);
    let page = browser
        .get(&portal, &account_path(&portal, "ada").await)
        .await;
    assert!(
        page.body.contains("Verificar a la persona"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_new_code_reads_differently_from_the_last() {
    let db = TestDb::sqlite("newcomer_new_code");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let first = up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let said = |page: &crate::portal::Page| {
        let start = page.body.find("We texted").expect("the code's line");
        page.body[start..start + page.body[start..].find("</p>").unwrap()].to_owned()
    };
    let zone = jiff::tz::TimeZone::system();
    let at = |t| latchkey::i18n::clock_time(latchkey::i18n::Lang::En, &zone, t, t);
    assert!(
        said(&first).contains(&at(portal.clock.now())),
        "{}",
        said(&first)
    );
    portal.clock.advance(3 * 60);
    browser.post(&portal, "/reset/method-again", &[]).await;
    let again = browser
        .post(&portal, "/reset/method", &[("method", "sms")])
        .await;
    assert_ne!(
        said(&first),
        said(&again),
        "a person sees that a new code went out"
    );
    assert!(
        said(&again).contains(&at(portal.clock.now())),
        "{}",
        said(&again)
    );
}

#[tokio::test]
async fn a_refused_phone_number_is_tied_to_its_field() {
    let db = TestDb::sqlite("newcomer_phone_field");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/phone").await;
    let page = browser
        .post(
            &portal,
            "/account/phone",
            &[("phone", "12345"), ("channel", "sms")],
        )
        .await;
    assert!(
        page.body.contains("That number cannot be used"),
        "{}",
        page.body
    );
    let field = &page.body[page.body.find("id=\"phone\"").unwrap()..];
    let field = &field[..field.find('>').unwrap()];
    assert!(
        field.contains("aria-invalid=\"true\"")
            && field.contains("aria-describedby=\"form-error phone-hint\""),
        "{field}"
    );
}

/// Post/redirect/get: every refused form answers with a redirect to its
/// page, which says why once, so Back and reload never send it again.
#[tokio::test]
async fn a_refused_form_redirects_so_back_never_sends_it_again() {
    let db = TestDb::sqlite("newcomer_prg");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;

    // A wrong code in a reset.
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", "000000")])
        .await;
    assert_eq!(browser.redirected_to.as_deref(), Some("/reset"));
    assert_eq!(page.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("That code is not right"),
        "{}",
        page.body
    );
    let again = browser.get(&portal, "/reset").await;
    assert_eq!(again.status, axum::http::StatusCode::OK);
    assert_eq!(again.heading(), "Enter your code");
    assert!(!again.body.contains("That code is not right"), "said once");

    // A wrong password at sign-in: the name typed stays.
    let mut browser = Browser::default();
    let page = sign_in(&mut browser, &portal, "ada", "Wrong#pass-1").await;
    assert_eq!(browser.redirected_to.as_deref(), Some("/signin"));
    assert!(
        page.body.contains("That username or password is not right"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"ada\""), "{}", page.body);

    // A number that cannot be used: what was typed stays.
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/phone").await;
    let page = browser
        .post(
            &portal,
            "/account/phone",
            &[("phone", "12345"), ("channel", "sms")],
        )
        .await;
    assert_eq!(browser.redirected_to.as_deref(), Some("/account/phone"));
    assert!(page.body.contains("value=\"12345\""), "{}", page.body);

    // A refused password change lists the broken rules after the redirect.
    browser.get(&portal, "/account/password").await;
    let page = browser
        .post(
            &portal,
            "/account/password",
            &[
                ("current", OLD_PASSWORD),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(
        browser.redirected_to.as_deref(),
        Some("/account/password?anyway=1")
    );
    assert!(
        page.body.contains("Too short: use at least"),
        "{}",
        page.body
    );
    assert!(page.body.contains("class=\"unmet\""), "{}", page.body);

    // The console: a wrong code, its field marked, after a redirect.
    let mut console = agent(&portal, &key).await;
    let ada = account_path(&portal, "ada").await;
    let page = console
        .post(&portal, &format!("{ada}/check-code"), &[("code", "000000")])
        .await;
    assert_eq!(console.redirected_to.as_deref(), Some(ada.as_str()));
    let field = &page.body[page.body.find("id=\"code\"").unwrap()..];
    assert!(
        field[..field.find('>').unwrap()].contains("aria-invalid=\"true\""),
        "{field}"
    );
}

/// NIST SP 800-63B-4 counts texts and calls as restricted: someone whose
/// only way is the phone is told why an app is stronger (issue 29).
#[tokio::test]
async fn a_phone_alone_is_told_an_app_is_stronger() {
    let db = TestDb::sqlite("restricted_phone");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert!(
        page.body.contains("Texts and calls can be intercepted"),
        "{}",
        page.body
    );
    let mut resetting = Browser::default();
    reset_by_sms(&mut resetting, &portal, "ada", "Qm7&vTz#4k").await;
    let done = resetting.get(&portal, "/reset/done").await;
    assert!(
        done.body.contains("Texts and calls can be intercepted"),
        "{}",
        done.body
    );
    // grace proves it with her app: nothing to suggest.
    let mut browser = Browser::default();
    sign_in(&mut browser, &portal, "grace", OLD_PASSWORD).await;
    let code = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
    let page = browser
        .post(&portal, "/account/verify/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    assert!(
        !page.body.contains("Texts and calls can be intercepted"),
        "{}",
        page.body
    );
}
