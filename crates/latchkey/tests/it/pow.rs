//! The proof of work that stands in for the CAPTCHA's image, as an
//! attacker would try it: a right solution passes once, for its own
//! session; a wrong, forged, expired, foreign or replayed one leaves the
//! image to answer, and says why in the audit trail.

use latchkey::captcha::pow::{PowChallenge, PowSolution, encode, hash, solve};
use latchkey::secrets::SecretKey;

use crate::portal::{Browser, Portal, portal};
use crate::support::TestDb;

/// The challenge the identify page carries for its script.
async fn challenge_on_page(browser: &mut Browser, portal: &Portal) -> PowChallenge {
    let page = browser.get(portal, "/reset").await;
    let start = page
        .body
        .find("data-pow=\"")
        .expect("a challenge on the page")
        + 10;
    let attribute = &page.body[start..];
    let attribute = &attribute[..attribute.find('"').unwrap()];
    let json = attribute
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&#x3d;", "=")
        .replace("&#61;", "=");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

async fn identify_with(browser: &mut Browser, portal: &Portal, sent: &str) -> crate::portal::Page {
    browser
        .post(
            portal,
            "/reset/identify",
            &[("identifier", "ada"), ("pow", sent)],
        )
        .await
}

async fn refusals(portal: &Portal) -> Vec<String> {
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    crate::authority::actions_of(&portal.store, ada.id)
        .await
        .into_iter()
        .filter(|a| a.starts_with("reset.pow"))
        .collect()
}

#[tokio::test]
async fn a_solution_passes_the_captcha_once_and_only_for_its_own_session() {
    let db = TestDb::sqlite("pow_once");
    let portal = portal(&db, &SecretKey::random()).await;

    let mut first = Browser::default();
    let challenge = challenge_on_page(&mut first, &portal).await;
    let solution = solve(&challenge).expect("solvable");
    let sent = encode(&solution);
    // Another person's reset cannot use it.
    let mut other = Browser::default();
    challenge_on_page(&mut other, &portal).await;
    let page = identify_with(&mut other, &portal, &sent).await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert!(
        page.body.contains("automatic check did not go through"),
        "{}",
        page.body
    );
    // Its JavaScript is on: the page does not ask to turn it on.
    assert!(!page.body.contains("JavaScript turned on"), "{}", page.body);
    assert!(page.body.contains("let it try once more"), "{}", page.body);
    // Without JavaScript (no solution sent) the note says to turn it on.
    let mut plain = Browser::default();
    challenge_on_page(&mut plain, &portal).await;
    let page = plain
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert!(page.body.contains("JavaScript turned on"), "{}", page.body);
    // Its own reset passes straight to the method.
    let page = identify_with(&mut first, &portal, &sent).await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );

    // A new reset in the same browser: the old solution is spent.
    first.post(&portal, "/reset/start", &[]).await;
    let page = identify_with(&mut first, &portal, &sent).await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert_eq!(
        refusals(&portal).await,
        [
            "reset.pow_refused:foreign_session",
            "reset.pow_passed",
            "reset.pow_refused:foreign_session"
        ]
    );
    db.drop_db().await;
}

#[tokio::test]
async fn wrong_forged_expired_and_replayed_solutions_leave_the_image_to_answer() {
    let db = TestDb::sqlite("pow_refused");
    let portal = portal(&db, &SecretKey::random()).await;
    let try_with = async |make: &dyn Fn(&PowChallenge, PowSolution) -> PowSolution, later: i64| {
        let mut browser = Browser::default();
        let challenge = challenge_on_page(&mut browser, &portal).await;
        let solution = make(&challenge, solve(&challenge).unwrap());
        portal.clock.advance(later);
        let page = identify_with(&mut browser, &portal, &encode(&solution)).await;
        assert_eq!(
            page.heading(),
            "Type the characters you see",
            "{}",
            page.body
        );
        // The image still works: the step is not lost.
        assert!(page.body.contains("captcha.png"));
    };
    // The wrong number.
    try_with(
        &|_, s| PowSolution {
            number: s.number + 1,
            ..s
        },
        0,
    )
    .await;
    // A challenge of the bot's own making, with its own "signature".
    try_with(
        &|_, s| {
            let salt = format!("{}x", s.salt);
            PowSolution {
                challenge: hash(&salt, 7),
                number: 7,
                salt,
                ..s
            }
        },
        0,
    )
    .await;
    // Solved too late: past the challenge's ten minutes.
    try_with(&|_, s| s, 11 * 60).await;
    assert_eq!(
        refusals(&portal).await,
        [
            "reset.pow_refused:wrong",
            "reset.pow_refused:forged",
            "reset.pow_refused:expired"
        ]
    );
    // Sent twice at once in one reset: it passes once (the other request
    // finds it spent, or the reset past its first step).
    let mut browser = Browser::default();
    let challenge = challenge_on_page(&mut browser, &portal).await;
    let sent = encode(&solve(&challenge).unwrap());
    let mut twin = Browser::planted(&browser);
    tokio::join!(
        identify_with(&mut browser, &portal, &sent),
        identify_with(&mut twin, &portal, &sent)
    );
    // Whichever request won, the reset is past the CAPTCHA, once.
    let page = browser.get(&portal, "/reset").await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
    let passes = refusals(&portal).await;
    let passes = passes.iter().filter(|a| *a == "reset.pow_passed").count();
    assert_eq!(passes, 1);
    db.drop_db().await;
}

/// The proof costs a source more the more resets it opened lately: a person
/// trying again pays what they paid, a bot opening reset after reset pays
/// double every `rise_every`, and another address is not charged for it.
#[tokio::test]
async fn the_proof_costs_more_for_a_source_that_keeps_opening_resets() {
    let db = TestDb::sqlite("pow_rises");
    let portal = portal(&db, &SecretKey::random()).await;
    let config = latchkey::captcha::pow::CaptchaConfig::default();
    let from = Browser::from_peer;
    let mut ranges = Vec::new();
    for _ in 0..11 {
        let mut bot = from("[2001:db8:7:7::1]:443");
        ranges.push(challenge_on_page(&mut bot, &portal).await.maxnumber);
        // Begun: a view alone counts for nothing.
        let page = identify_with(&mut bot, &portal, "").await;
        assert_eq!(page.heading(), "Type the characters you see");
        let mut viewer = from("[2001:db8:7:7::1]:443");
        assert_eq!(
            challenge_on_page(&mut viewer, &portal).await.maxnumber,
            challenge_on_page(&mut viewer, &portal).await.maxnumber
        );
    }
    let base = config.max_number;
    assert_eq!(ranges[..5], [base; 5], "the first five cost the same");
    assert_eq!(ranges[5..10], [2 * base; 5]);
    assert_eq!(ranges[10], 4 * base);
    // Another address of the same /64 is the same source; another /64 is not.
    let mut same = from("[2001:db8:7:7::2]:443");
    assert_eq!(
        challenge_on_page(&mut same, &portal).await.maxnumber,
        4 * base
    );
    let mut person = from("[2001:db8:7:8::1]:443");
    assert_eq!(
        challenge_on_page(&mut person, &portal).await.maxnumber,
        base
    );
}

/// A burst of resets from many addresses, each opening one (issue 42):
/// the next challenge is harder for everyone, one taken before the burst
/// no longer passes, and while the cost is raised the image alone does
/// not pass either (a bot that reads it pays as a browser does). Once the
/// burst's resets age out of the service's window, a normal day's cost.
#[tokio::test]
async fn a_burst_from_many_addresses_raises_the_cost_for_everyone_and_the_image_pays_too() {
    let db = TestDb::sqlite("pow_burst");
    let portal = portal(&db, &SecretKey::random()).await;
    let config = latchkey::captcha::pow::CaptchaConfig::default();
    let base = config.max_number;
    let mut early = Browser::from_peer("198.51.100.1:443");
    let before = challenge_on_page(&mut early, &portal).await;
    assert_eq!(before.maxnumber, base);
    for i in 0..60 {
        let mut bot = Browser::from_peer(&format!("203.0.113.{}:443", i + 1));
        bot.get(&portal, "/reset").await;
        let page = bot
            .post(&portal, "/reset/identify", &[("identifier", "ada")])
            .await;
        assert_eq!(page.heading(), "Type the characters you see");
    }
    let mut person = Browser::from_peer("198.51.100.2:443");
    let after = challenge_on_page(&mut person, &portal).await;
    let doublings = 60 / config.service_rise_every;
    assert_eq!(after.maxnumber, base << doublings, "harder for everyone");
    let metrics = crate::portal::scrape(&portal).await;
    assert!(
        metrics.contains("latchkey_challenges_total{reason=\"service\"}")
            && metrics.contains(&format!(
                "latchkey_challenge_level{{reason=\"service\"}} {doublings}"
            )),
        "{metrics}"
    );

    // Solved cheaply before the burst: outdated now, the image instead.
    let page = identify_with(&mut early, &portal, &encode(&solve(&before).unwrap())).await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert!(
        refusals(&portal)
            .await
            .contains(&"reset.pow_refused:outdated".to_owned())
    );
    // The right characters alone are not enough while the cost is raised…
    let answer = crate::portal::ANSWER.to_lowercase();
    let page = early
        .post(&portal, "/reset/captcha", &[("answer", &answer)])
        .await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert!(
        page.body
            .contains("many people are resetting passwords just now"),
        "{}",
        page.body
    );
    // …they pass with the proof of work the page offers beside the image.
    let beside = challenge_on_page(&mut early, &portal).await;
    assert!(beside.maxnumber >= after.maxnumber, "at the raised cost");
    let sent = encode(&solve(&beside).unwrap());
    let page = early
        .post(
            &portal,
            "/reset/captcha",
            &[("answer", answer.as_str()), ("pow", sent.as_str())],
        )
        .await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );

    // The burst ages out of the service's window: a normal day's cost, and
    // the image alone passes again.
    portal.clock.advance(config.service_window_minutes * 60 + 1);
    let mut later = Browser::from_peer("198.51.100.3:443");
    assert_eq!(challenge_on_page(&mut later, &portal).await.maxnumber, base);
    later
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    let page = later
        .post(&portal, "/reset/captcha", &[("answer", &answer)])
        .await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
}
