//! The portal in Spanish: a person whose browser asks for Spanish resets in
//! Spanish, a choice of language beats the browser's and is kept, and
//! times are on the campus's clock.

use latchkey::clock::Clock;
use latchkey::i18n::Lang;
use latchkey::secrets::SecretKey;
use latchkey::site::SiteConfig;
use latchkey::web::Site;

use crate::portal::{ANSWER, Browser, Extras, NEW_PASSWORD, Portal, latest_code, portal_extras};
use crate::support::TestDb;

fn chicago_site() -> Site {
    Site::default()
        .with_locale(&SiteConfig {
            language: Lang::En,
            time_zone: Some("America/Chicago".into()),
        })
        .unwrap()
}

/// A portal on the clock of a campus in Chicago.
async fn chicago(db: &TestDb) -> Portal {
    let extras = Extras {
        site: chicago_site(),
        ..Extras::default()
    };
    portal_extras(db, &SecretKey::random(), extras).await
}

fn spanish_browser() -> Browser {
    let mut browser = Browser::default();
    browser
        .headers
        .push(("accept-language", "es-MX,es;q=0.9,en;q=0.5".into()));
    browser
}

#[tokio::test]
async fn a_spanish_speaker_resets_in_spanish() {
    let db = TestDb::sqlite("spanish_reset");
    let portal = chicago(&db).await;
    let mut browser = spanish_browser();
    let page = browser.get(&portal, "/reset").await;
    assert_eq!(page.heading(), "Restablezca su contraseña", "{}", page.body);
    assert!(page.body.contains("<html lang=\"es\">"), "{}", page.body);
    assert!(
        page.body.contains("hreflang=\"en\">English</a>"),
        "the switch offers English: {}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/identify", &[("identifier", "")])
        .await;
    assert!(
        page.body.contains("Escriba su correo universitario"),
        "an error in Spanish: {}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(page.heading(), "Escriba los caracteres que ve");
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", "WRONG")])
        .await;
    assert!(
        page.body.contains("Los caracteres no coinciden"),
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    assert_eq!(
        page.heading(),
        "¿Cómo le enviamos el código?",
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/method", &[("method", "sms")])
        .await;
    assert_eq!(page.heading(), "Escriba su código", "{}", page.body);
    assert!(
        page.body
            .contains("Enviamos un código por mensaje de texto"),
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/reset/code", &[("code", "000000")])
        .await;
    assert!(
        page.body
            .contains("El código no es correcto. Puede intentarlo"),
        "a plural in Spanish: {}",
        page.body
    );
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(
        page.heading(),
        "Elija una contraseña nueva",
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Su contraseña necesita:"),
        "{}",
        page.body
    );
    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", NEW_PASSWORD), ("confirm", "something else")],
        )
        .await;
    assert!(
        page.body.contains("Las dos contraseñas no son iguales"),
        "{}",
        page.body
    );
    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(
        page.heading(),
        "Su contraseña está cambiada",
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_chosen_language_beats_the_browser_and_is_kept() {
    let db = TestDb::sqlite("spanish_choice");
    let portal = chicago(&db).await;
    let mut browser = spanish_browser();
    let page = browser.get(&portal, "/language/en?back=/reset").await;
    assert_eq!(page.heading(), "Reset your password", "{}", page.body);
    let page = browser.get(&portal, "/signin").await;
    assert!(
        page.body.contains("<html lang=\"en\">"),
        "kept: {}",
        page.body
    );
    // Back only ever to a page of ours.
    let page = browser
        .get(&portal, "/language/es?back=//evil.example/")
        .await;
    assert_eq!(page.heading(), "Restablezca su contraseña", "{}", page.body);
    let page = browser.get(&portal, "/no/such/page").await;
    assert_eq!(page.status, axum::http::StatusCode::NOT_FOUND);
    assert_eq!(page.heading(), "Esa página no existe", "{}", page.body);
    assert!(page.body.contains("href=\"/reset\""), "{}", page.body);
}

#[tokio::test]
async fn a_pause_is_told_on_the_campus_clock() {
    let db = TestDb::sqlite("spanish_paused");
    let portal = chicago(&db).await;
    // Wrong codes over several sessions and addresses (one address alone
    // pauses only itself), until the account's online reset pauses.
    let mut paused = None;
    for session in 0..20 {
        let mut browser = spanish_browser();
        browser.peer = Some(format!("203.0.113.{session}:443").parse().unwrap());
        browser.get(&portal, "/reset").await;
        browser
            .post(&portal, "/reset/identify", &[("identifier", "grace")])
            .await;
        let page = browser
            .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
            .await;
        if page.heading() == "¿Cómo le enviamos el código?" {
            browser
                .post(&portal, "/reset/method", &[("method", "totp")])
                .await;
        }
        for _ in 0..4 {
            let page = browser
                .post(&portal, "/reset/code", &[("code", "000000")])
                .await;
            if page.heading().contains("en pausa") {
                paused = Some(page);
                break;
            }
        }
        if paused.is_some() {
            break;
        }
    }
    let page = paused.expect("the account's online reset paused");
    assert_eq!(
        page.heading(),
        "El restablecimiento en línea de esta cuenta está en pausa",
        "{}",
        page.body
    );
    let grace = portal.store.find_account("grace").await.unwrap().unwrap();
    let until = grace.locked_until.unwrap();
    let expected = chicago_site().clock_time(Lang::Es, until, portal.clock.now());
    assert!(expected.contains("m."), "{expected}");
    assert!(page.body.contains(&expected), "{expected}: {}", page.body);
    assert!(!page.body.contains("UTC"), "{}", page.body);
}
