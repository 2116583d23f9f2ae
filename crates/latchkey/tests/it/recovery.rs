//! Saved recovery codes (issue 29, NIST SP 800-63B-4): ten shown once, 64
//! random bits each, kept only hashed, each used once as a sign-in's second
//! factor, a new set voiding the old; the owner told, with how many are left.

use latchkey::secrets::SecretKey;

use crate::account::{sign_in, sign_in_ada};
use crate::portal::{Browser, NEW_PASSWORD, OLD_PASSWORD, Page, portal};
use crate::support::{TestDb, count};

/// The codes a page shows, in order.
pub fn codes_on(page: &Page) -> Vec<String> {
    page.body
        .split("<code class=\"secret\">")
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn recovery_codes_are_shown_once_kept_hashed_used_once_and_replaced() {
    let db = TestDb::sqlite("recovery_codes");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert!(
        page.body.contains("You have no recovery codes."),
        "{}",
        page.body
    );
    browser.get(&portal, "/account/recovery").await;
    let page = browser.post(&portal, "/account/recovery", &[]).await;
    let codes = codes_on(&page);
    assert_eq!(codes.len(), 10, "{}", page.body);
    for code in &codes {
        let hex: String = code.chars().filter(char::is_ascii_hexdigit).collect();
        assert_eq!(hex.len(), 16, "64 bits: {code}");
    }
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    // The same set as a file to save.
    let at = page
        .body
        .find("data:text/plain;charset=utf-8;base64,")
        .unwrap();
    let encoded = &page.body[at + "data:text/plain;charset=utf-8;base64,".len()..];
    let encoded = &encoded[..encoded.find('"').unwrap()];
    let file = data_encoding::BASE64.decode(encoded.as_bytes()).unwrap();
    let file = String::from_utf8(file).unwrap();
    assert!(file.contains("recovery codes for ada"), "{file}");
    for (i, code) in codes.iter().enumerate() {
        assert!(file.contains(&format!("{:>2}. {code}\n", i + 1)), "{file}");
    }
    // At rest only keyed hashes: no code, with or without its dashes.
    let rows = count(&db.url, "recovery_codes").await;
    assert_eq!(rows, 10);
    let mut conn = {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&db.url).await.unwrap()
    };
    let tags: Vec<String> = sqlx::query_scalar("SELECT tag FROM recovery_codes")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for code in &codes {
        let bare = code.replace('-', "");
        assert!(
            tags.iter()
                .all(|t| !t.contains(&bare) && !t.contains(code.as_str()))
        );
    }
    // Shown once: the page again only counts them.
    let page = browser.get(&portal, "/account/recovery").await;
    assert!(codes_on(&page).is_empty(), "{}", page.body);
    assert!(
        page.body.contains("You have 10 recovery codes left."),
        "{}",
        page.body
    );

    // One stands in for the phone at sign-in, in any case and spacing; once.
    let mut elsewhere = Browser::default();
    let page = sign_in(&mut elsewhere, &portal, "ada", OLD_PASSWORD).await;
    assert!(
        page.body.contains("Or use a recovery code"),
        "{}",
        page.body
    );
    let typed = codes[3].to_uppercase().replace('-', " ");
    let page = elsewhere
        .post(&portal, "/account/verify/recovery", &[("code", &typed)])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    assert!(
        page.body.contains("You have 9 recovery codes left."),
        "{}",
        page.body
    );
    let told = portal.store.outbox(3).await.unwrap();
    assert!(
        told.iter().any(|m| m.channel == "email"
            && m.body.contains("A recovery code was used to sign in")
            && m.body.contains("9 are left")),
        "{told:?}"
    );
    let mut again = Browser::default();
    sign_in(&mut again, &portal, "ada", OLD_PASSWORD).await;
    let page = again
        .post(&portal, "/account/verify/recovery", &[("code", &codes[3])])
        .await;
    assert_eq!(
        again.redirected_to.as_deref(),
        Some("/account/verify?next=account")
    );
    assert!(
        page.body.contains("not one of your unused recovery codes"),
        "{}",
        page.body
    );

    // A new set voids the old.
    browser.get(&portal, "/account/recovery").await;
    let page = browser.post(&portal, "/account/recovery", &[]).await;
    let fresh = codes_on(&page);
    assert_eq!(fresh.len(), 10);
    let page = again
        .post(&portal, "/account/verify/recovery", &[("code", &codes[4])])
        .await;
    assert!(
        page.body.contains("not one of your unused recovery codes"),
        "{}",
        page.body
    );
    let page = again
        .post(&portal, "/account/verify/recovery", &[("code", &fresh[0])])
        .await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events ORDER BY seq")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for action in [
        "account.recovery_codes_made",
        "account.recovery_code_used",
        "account.recovery_code_wrong",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn the_help_desk_sees_how_many_codes_are_left() {
    let db = TestDb::sqlite("recovery_helpdesk");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/recovery").await;
    browser.post(&portal, "/account/recovery", &[]).await;
    let secret =
        crate::helpdesk::add_staff(&portal, &key, "kim", latchkey::store::Role::Agent).await;
    let mut console = Browser::default();
    crate::helpdesk::sign_in(&mut console, &portal, "kim", &secret).await;
    let page = console
        .get(
            &portal,
            &crate::helpdesk::account_path(&portal, "ada").await,
        )
        .await;
    assert!(page.body.contains("<dd>10 left</dd>"), "{}", page.body);
}

#[tokio::test]
async fn a_new_set_needs_a_fresh_second_factor() {
    let db = TestDb::sqlite("recovery_fresh");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/recovery").await;
    portal.clock.advance(11 * 60);
    let page = browser.post(&portal, "/account/recovery", &[]).await;
    assert_eq!(page.heading(), "Confirm it is you", "{}", page.body);
    assert_eq!(count(&db.url, "recovery_codes").await, 0);
}

#[tokio::test]
async fn a_recovery_code_resets_a_password_without_the_phone() {
    let db = TestDb::sqlite("recovery_reset");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    sign_in_ada(&mut browser, &portal).await;
    browser.get(&portal, "/account/recovery").await;
    let codes = codes_on(&browser.post(&portal, "/account/recovery", &[]).await);

    let mut resetting = Browser::default();
    resetting.get(&portal, "/reset").await;
    resetting
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    let page = resetting
        .post(
            &portal,
            "/reset/captcha",
            &[("answer", crate::portal::ANSWER)],
        )
        .await;
    assert!(
        page.body.contains("Or use a recovery code"),
        "{}",
        page.body
    );
    let page = resetting
        .post(
            &portal,
            "/reset/recovery",
            &[("code", "0000-0000-0000-0000")],
        )
        .await;
    assert!(
        page.body.contains("not one of your unused recovery codes"),
        "{}",
        page.body
    );
    let sent_before = portal.store.outbox(50).await.unwrap().len();
    let page = resetting
        .post(&portal, "/reset/recovery", &[("code", &codes[0])])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
    let told = portal.store.outbox(50).await.unwrap();
    assert!(
        told.iter()
            .any(|m| m.body.contains("A recovery code was used to reset")
                && m.body.contains("9 are left")),
        "{told:?}"
    );
    assert!(
        !told[..told.len() - sent_before]
            .iter()
            .any(|m| m.channel == "sms" && m.body.contains("reset code")),
        "no code was sent to the phone"
    );
    let page = resetting
        .post(
            &portal,
            "/reset/password",
            &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
}
