//! The budget for texts and calls, over HTTP against the real router: the
//! service's hourly total, the numbers sharing a prefix, the countries a
//! channel may reach, and the pumping signal in `/readyz` (issue 25).

use latchkey::config::ThrottleConfig;
use latchkey::secrets::SecretKey;

use crate::account::sign_in;
use crate::portal::{
    Browser, Extras, NEW_PASSWORD, OLD_PASSWORD, Portal, portal_extras, reset_by_sms,
    up_to_the_code,
};
use crate::support::{TestDb, count};

async fn budgeted(db: &TestDb, throttle: ThrottleConfig) -> Portal {
    let extras = Extras {
        throttle,
        ..Extras::default()
    };
    portal_extras(db, &SecretKey::random(), extras).await
}

#[tokio::test]
async fn past_the_hourly_budget_no_text_goes_and_the_person_is_offered_the_rest() {
    let db = TestDb::sqlite("budget_hour");
    let throttle = ThrottleConfig {
        messages_per_hour: 3,
        ..ThrottleConfig::default()
    };
    let portal = budgeted(&db, throttle).await;
    // Each from its own address: one address alone has a smaller share.
    let from = |i: i32| Browser::from_peer(&format!("203.0.113.{i}:443"));
    for send in 1..=3 {
        let page = up_to_the_code(&mut from(send), &portal, "ada", "sms").await;
        assert_eq!(page.heading(), "Enter your code", "send {send}");
    }
    let page = up_to_the_code(&mut from(4), &portal, "ada", "sms").await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
    assert!(
        page.body.contains("We cannot text codes just now")
            && page.body.contains("authenticator app")
            && page.body.contains("(555) 010-4357"),
        "the other ways and the help desk: {}",
        page.body
    );
    assert_eq!(count(&db.url, "outbox").await, 3, "the fourth was not sent");
    assert_eq!(
        count(
            &db.url,
            "audit_events WHERE action = 'reset.send_withheld.sms'"
        )
        .await,
        1
    );
    // The app still works: the budget holds back texts and calls only.
    let page = up_to_the_code(&mut Browser::default(), &portal, "grace", "totp").await;
    assert_eq!(page.heading(), "Enter your code");
    // An hour on, the budget is there again.
    portal.clock.advance(3601);
    let page = up_to_the_code(&mut Browser::default(), &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "Enter your code", "{}", page.body);
    assert_eq!(count(&db.url, "outbox").await, 4);
}

#[tokio::test]
async fn a_notice_by_text_spends_the_budget_too() {
    let db = TestDb::sqlite("budget_notices");
    let throttle = ThrottleConfig {
        messages_per_hour: 2,
        ..ThrottleConfig::default()
    };
    let portal = budgeted(&db, throttle).await;
    // The code's text, then the notice of the change by text (and mail).
    reset_by_sms(&mut Browser::default(), &portal, "ada", NEW_PASSWORD).await;
    assert_eq!(
        count(&db.url, "outbox WHERE channel = 'sms'").await,
        2,
        "a notice is never withheld"
    );
    let page = up_to_the_code(&mut Browser::default(), &portal, "ada", "sms").await;
    assert!(
        page.body.contains("We cannot text codes just now"),
        "the two texts spent the hour's budget: {}",
        page.body
    );
}

#[tokio::test]
async fn numbers_sharing_a_prefix_share_a_budget() {
    let db = TestDb::sqlite("budget_prefix");
    let throttle = ThrottleConfig {
        messages_per_prefix: 2,
        ..ThrottleConfig::default()
    };
    let portal = budgeted(&db, throttle).await;
    // Ada's +1 202 555 0143; alan registers +1 202 555 0177 by text.
    up_to_the_code(&mut Browser::default(), &portal, "ada", "sms").await;
    let mut alan = Browser::default();
    sign_in(&mut alan, &portal, "alan", OLD_PASSWORD).await;
    let page = alan
        .post(
            &portal,
            "/account/phone",
            &[("phone", "(202) 555-0177"), ("channel", "sms")],
        )
        .await;
    assert_eq!(page.heading(), "Enter the code we sent", "{}", page.body);
    let page = up_to_the_code(&mut Browser::default(), &portal, "ada", "voice").await;
    assert!(
        page.body.contains("We cannot call codes just now"),
        "{}",
        page.body
    );
    assert_eq!(count(&db.url, "outbox").await, 2);
}

#[tokio::test]
async fn a_number_in_a_country_not_allowed_is_refused_in_plain_words() {
    let db = TestDb::sqlite("budget_country");
    let portal = budgeted(&db, ThrottleConfig::default()).await;
    let mut alan = Browser::default();
    sign_in(&mut alan, &portal, "alan", OLD_PASSWORD).await;
    let page = alan
        .post(
            &portal,
            "/account/phone",
            &[("phone", "+44 20 7946 0958"), ("channel", "sms")],
        )
        .await;
    assert_eq!(page.heading(), "Register a mobile phone");
    assert!(
        page.body
            .contains("We cannot text numbers in that country (GB)")
            && page.body.contains("authenticator app"),
        "{}",
        page.body
    );
    assert_eq!(count(&db.url, "outbox").await, 0, "nothing sent");
    let alan = portal.store.find_account("alan").await.unwrap().unwrap();
    assert_eq!(alan.phone, None, "nothing registered");
}

/// Many codes sent and few typed back is what pumping looks like.
#[tokio::test]
async fn readiness_tells_of_codes_sent_and_typed_back() {
    let db = TestDb::sqlite("budget_pumping");
    let throttle = ThrottleConfig {
        pumping_alarm_sent: 4,
        ..ThrottleConfig::default()
    };
    let portal = budgeted(&db, throttle).await;
    let mut browser = Browser::default();
    reset_by_sms(&mut browser, &portal, "ada", NEW_PASSWORD).await;
    let ready = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap();
    let answer = ready(&browser.get(&portal, "/readyz").await.body);
    assert_eq!(answer["codes_last_hour"]["sent"], 1);
    assert_eq!(answer["codes_last_hour"]["typed_back"], 1);
    assert_eq!(answer["codes_last_hour"]["pumping_suspected"], false);
    // Three more sent, none typed back: one in four. (Each from its own
    // address: one address alone has a smaller share of ada's codes.)
    for i in 0..3 {
        let mut stranger = Browser::from_peer(&format!("203.0.113.{i}:443"));
        up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
    }
    let answer = ready(&browser.get(&portal, "/readyz").await.body);
    assert_eq!(answer["codes_last_hour"]["sent"], 4);
    assert_eq!(
        answer["codes_last_hour"]["pumping_suspected"], false,
        "25 % is the line"
    );
    let mut stranger = Browser::from_peer("203.0.113.9:443");
    up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
    let answer = ready(&browser.get(&portal, "/readyz").await.body);
    assert_eq!(
        answer["codes_last_hour"]["pumping_suspected"], true,
        "{answer}"
    );
    assert_eq!(
        answer["ready"], true,
        "a signal, not a reason to stop serving"
    );
}

/// Under a small budget (20 texts an hour, as measured from outside) the
/// alarm judges after a third of it, not after 30 codes it never reaches.
#[tokio::test]
async fn the_pumping_alarm_fires_before_a_small_budget_runs_out() {
    let db = TestDb::sqlite("budget_pumping_small");
    let throttle = ThrottleConfig {
        messages_per_hour: 20,
        codes_per_account: 100,
        codes_per_phone: 100,
        ..ThrottleConfig::default()
    };
    assert_eq!(throttle.pumping_alarm_sent, 30, "the default line");
    let portal = budgeted(&db, throttle).await;
    let mut watcher = Browser::default();
    let suspected = async |watcher: &mut Browser| {
        let body = watcher.get(&portal, "/readyz").await.body;
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        answer["codes_last_hour"]["pumping_suspected"] == true
    };
    for i in 0..6 {
        let mut bot = Browser::from_peer(&format!("203.0.113.{i}:443"));
        let page = up_to_the_code(&mut bot, &portal, "ada", "sms").await;
        assert_eq!(page.heading(), "Enter your code");
    }
    assert!(
        !suspected(&mut watcher).await,
        "six of twenty: not judged yet"
    );
    let mut bot = Browser::from_peer("203.0.113.99:443");
    up_to_the_code(&mut bot, &portal, "ada", "sms").await;
    assert!(
        suspected(&mut watcher).await,
        "seven sent, none typed back: a third of the budget"
    );
}
