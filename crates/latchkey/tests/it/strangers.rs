//! Strangers cannot spend a person's codes (issue 42), tried as the
//! attacker did: from three addresses, asking for texts to ada as often as
//! the service lets them. Each source gets only a share of what strangers
//! may spend, a source paused for wrong codes gets nothing more sent, and
//! ada's own browser still gets her a code; the help desk sees who spent them.

use latchkey::config::ThrottleConfig;
use latchkey::secrets::SecretKey;
use latchkey::store::Role;

use crate::account::sign_in_ada;
use crate::helpdesk::{account_path, add_staff};
use crate::portal::{Browser, portal, up_to_the_code};
use crate::support::{TestDb, count};

const STRANGERS: [&str; 3] = [
    "203.0.113.5:443",
    "198.51.100.77:443",
    "[2001:db8:66::9]:443",
];

/// Asks for texts to `who` from `peer` until refused; how many were sent.
async fn texts_until_refused(portal: &crate::portal::Portal, peer: &str, who: &str) -> i64 {
    let mut sent = 0;
    loop {
        let mut stranger = Browser::from_peer(peer);
        let page = up_to_the_code(&mut stranger, portal, who, "sms").await;
        if page.heading() != "Enter your code" {
            assert!(page.body.contains("several codes"), "{}", page.body);
            return sent;
        }
        sent += 1;
        assert!(sent <= 10, "never refused");
    }
}

#[tokio::test]
async fn a_stranger_at_three_addresses_cannot_spend_the_owners_codes() {
    let db = TestDb::sqlite("strangers_spend");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let limits = ThrottleConfig::default();
    // Ada signed in on her laptop last week: the browser is hers.
    let mut laptop = Browser::from_peer("192.0.2.44:443");
    let page = sign_in_ada(&mut laptop, &portal).await;
    assert_eq!(page.heading(), "Your account", "{}", page.body);
    assert!(laptop.cookies.contains_key("latchkey_device"));
    portal.clock.advance(7 * 86_400);
    let before = count(&db.url, "outbox").await;

    let mut spent = Vec::new();
    for peer in STRANGERS {
        spent.push(texts_until_refused(&portal, peer, "ada").await);
    }
    assert!(
        spent.iter().all(|n| *n <= limits.codes_per_source),
        "each source has only its share: {spent:?}"
    );
    assert_eq!(
        spent.iter().sum::<i64>(),
        limits.codes_per_account,
        "strangers together spend at most their allowance: {spent:?}"
    );

    // Ada, at home on her laptop, still gets a code.
    let mut home = Browser {
        peer: Some("192.0.2.80:443".parse().unwrap()),
        cookies: laptop.cookies.clone(),
        ..Browser::default()
    };
    let page = up_to_the_code(&mut home, &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "Enter your code", "{}", page.body);
    assert_eq!(
        count(&db.url, "outbox").await - before,
        limits.codes_per_account + 1
    );
    // A cookie of ours for another account, or one forged, is no one's.
    let mut forged = Browser::from_peer("192.0.2.81:443");
    let value = laptop.cookies["latchkey_device"].replacen(|c: char| c.is_ascii_digit(), "9", 1);
    forged.cookies.insert("latchkey_device".into(), value);
    let page = up_to_the_code(&mut forged, &portal, "ada", "sms").await;
    assert!(page.body.contains("several codes"), "{}", page.body);

    // The help desk sees that someone else asked for them, and from where
    // (the forger's address among them: it asked, and was refused).
    let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
    let mut desk = Browser::default();
    crate::helpdesk::sign_in(&mut desk, &portal, "kim", &secret).await;
    let page = desk.get(&portal, &account_path(&portal, "ada").await).await;
    let told = format!(
        "{} reset codes were sent in the last 60 minutes for resets started from browsers that never signed in as this person; they were asked for from 4 addresses",
        limits.codes_per_account
    );
    assert!(page.body.contains(&told), "{}", page.body);
    assert!(
        [
            "203.0.113.5",
            "198.51.100.77",
            "2001:db8:66::/64",
            "192.0.2.81"
        ]
        .iter()
        .all(|source| page.body.contains(source)),
        "{}",
        page.body
    );
}

/// A source paused for wrong codes is sent nothing more for that account.
#[tokio::test]
async fn a_source_paused_for_wrong_codes_gets_no_more_texts() {
    let db = TestDb::sqlite("strangers_paused");
    let portal = portal(&db, &SecretKey::random()).await;
    let limits = ThrottleConfig::default();
    let peer = STRANGERS[0];
    let mut wrong = 0;
    while wrong < limits.code_failures_per_source {
        let mut stranger = Browser::from_peer(peer);
        let page = up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
        assert_eq!(page.heading(), "Enter your code", "{}", page.body);
        for _ in 0..4 {
            if wrong == limits.code_failures_per_source {
                break;
            }
            stranger
                .post(&portal, "/reset/code", &[("code", "000000")])
                .await;
            wrong += 1;
        }
    }
    let sent = count(&db.url, "outbox").await;
    assert!(
        sent < limits.codes_per_source,
        "its share is not the limit here"
    );
    let mut stranger = Browser::from_peer(peer);
    let page = up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "How should we send your code?");
    assert!(
        page.body
            .contains("Too many wrong codes were typed from this network"),
        "{}",
        page.body
    );
    assert_eq!(
        count(&db.url, "outbox").await,
        sent,
        "nothing more was sent"
    );
    // Anyone else still gets one.
    let mut other = Browser::from_peer(STRANGERS[1]);
    let page = up_to_the_code(&mut other, &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "Enter your code", "{}", page.body);
}
