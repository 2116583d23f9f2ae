//! The portal with a directory: a reset writes the new password to a real
//! `slapd`, a refusal or an outage changes nothing anywhere, and a change
//! the directory took but the store did not is settled afterwards. And the
//! trusted networks: who is warned about their laptop, and who is believed
//! about where they are.

use latchkey::clock::Clock;
use latchkey::directory::{Settled, reconcile};
use latchkey::domain::Told;
use latchkey::domain::change::verify_password;
use latchkey::domain::settle::settle_pending;
use latchkey::network::NetworkConfig;
use latchkey::notify::{NoticeContext, Notifier, Outbox};
use latchkey::secrets::SecretKey;
use latchkey::store::{Backend, Role};

use crate::helpdesk::{account_path, add_staff, sign_in as helpdesk_sign_in};
use crate::ldap::{LONG_PASSWORD, Slapd, person_dn};
use crate::portal::{
    Browser, Extras, NEW_PASSWORD, OLD_PASSWORD, Portal, latest_code, portal_extras, up_to_the_code,
};
use crate::support::{TestDb, count, on_each_backend, sql};

async fn directory_portal(db: &TestDb, slapd: &Slapd, key: &SecretKey) -> Portal {
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    portal_extras(db, key, extras).await
}

/// Identify, CAPTCHA, a texted code: the new-password page.
async fn up_to_the_password(browser: &mut Browser, portal: &Portal) {
    up_to_the_code(browser, portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password");
}

async fn choose(browser: &mut Browser, portal: &Portal, password: &str) -> crate::portal::Page {
    browser
        .post(
            portal,
            "/reset/password",
            &[("password", password), ("confirm", password)],
        )
        .await
}

/// Notices of a changed password in the outbox (mail and text alike).
async fn changed_notices(portal: &Portal) -> usize {
    let messages = portal.store.outbox(50).await.unwrap();
    messages
        .iter()
        .filter(|m| m.body.contains("password was changed"))
        .count()
}

async fn has_password(portal: &Portal, password: &str) -> bool {
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    verify_password(&portal.store, &portal.hasher, &ada, password)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reset_reaches_the_directory() {
    if Slapd::start("wb_reset").is_none() {
        return;
    }
    on_each_backend("wb_reset", |db: TestDb| {
        async move {
            // A directory of its own for each backend's run.
            let slapd = &Slapd::start("wb_reset").unwrap();
            let portal = directory_portal(&db, slapd, &SecretKey::random()).await;
            let mut browser = Browser::default();
            up_to_the_password(&mut browser, &portal).await;
            let page = choose(&mut browser, &portal, LONG_PASSWORD).await;
            assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
            assert!(
                slapd.whoami(&person_dn("ada"), LONG_PASSWORD),
                "{}",
                db.label
            );
            assert!(has_password(&portal, LONG_PASSWORD).await);
            assert_eq!(count(&db.url, "directory_pending").await, 0);
            db
        }
    })
    .await;
}

#[tokio::test]
async fn the_directorys_own_refusal_is_shown_in_plain_words_and_changes_nothing() {
    let Some(slapd) = Slapd::start("wb_refused") else {
        return;
    };
    let db = TestDb::sqlite("wb_refused");
    let portal = directory_portal(&db, &slapd, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_password(&mut browser, &portal).await;
    // The page holds her to the directory's 10 characters, as read for
    // her; meanwhile its administrator raises them to 14. The directory
    // says so in its response control, not its text ("fails quality
    // checking"), and the rules are read again at once.
    slapd.set_min_length(14);
    let page = choose(&mut browser, &portal, LONG_PASSWORD).await;
    assert_eq!(page.heading(), "Choose a new password");
    assert!(
        page.body
            .contains("The campus directory asks for at least 14 characters"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("At least 14 characters"),
        "the checklist too"
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let actions = crate::authority::actions_of(&portal.store, ada.id).await;
    assert!(
        actions.contains(&"reset.password_refused:directory_length".to_owned()),
        "{actions:?}"
    );
    assert!(
        !page.body.contains("Constraint violation") && !page.body.contains("quality checking"),
        "the directory's own words stay in the log"
    );
    assert!(has_password(&portal, OLD_PASSWORD).await);
    assert!(slapd.whoami(&person_dn("ada"), OLD_PASSWORD));
    assert_eq!(count(&db.url, "directory_pending").await, 0);
    // The same page takes a password the directory accepts.
    let page = choose(&mut browser, &portal, LONGER_PASSWORD).await;
    assert_eq!(page.heading(), "Your password is changed");
    db.drop_db().await;
}

/// Long enough for a directory that asks for 14.
const LONGER_PASSWORD: &str = "Nw4%jxrQ-7vbz-Kp";

#[tokio::test]
async fn a_directory_down_mid_reset_changes_nothing_and_the_reset_can_finish_later() {
    let Some(mut slapd) = Slapd::start("wb_down") else {
        return;
    };
    let db = TestDb::sqlite("wb_down");
    let portal = directory_portal(&db, &slapd, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_password(&mut browser, &portal).await;
    slapd.stop();
    let page = choose(&mut browser, &portal, LONG_PASSWORD).await;
    assert_eq!(page.heading(), "Choose a new password");
    assert!(
        page.body.contains("cannot be reached right now") && page.body.contains("not changed"),
        "{}",
        page.body
    );
    assert!(has_password(&portal, OLD_PASSWORD).await);
    assert_eq!(count(&db.url, "directory_pending").await, 0);
    slapd.run();
    assert!(slapd.whoami(&person_dn("ada"), OLD_PASSWORD));
    let page = choose(&mut browser, &portal, LONG_PASSWORD).await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
    assert!(slapd.whoami(&person_dn("ada"), LONG_PASSWORD));
    assert!(has_password(&portal, LONG_PASSWORD).await);
    db.drop_db().await;
}

#[tokio::test]
async fn with_the_directory_down_a_reset_says_so_before_it_sends_a_code() {
    let Some(mut slapd) = Slapd::start("wb_down_first") else {
        return;
    };
    let db = TestDb::sqlite("wb_down_first");
    let portal = directory_portal(&db, &slapd, &SecretKey::random()).await;
    slapd.stop();
    let mut browser = Browser::default();
    let page = up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
    assert!(page.body.contains("No code was sent"), "{}", page.body);
    assert!(
        portal.store.outbox(5).await.unwrap().is_empty(),
        "no text spent on a change that cannot be made"
    );
    slapd.run();
    let page = browser
        .post(&portal, "/reset/method", &[("method", "sms")])
        .await;
    assert_eq!(page.heading(), "Enter your code", "{}", page.body);
    assert_eq!(portal.store.outbox(5).await.unwrap().len(), 1);
    db.drop_db().await;
}

/// A trigger that makes every new password fail to store, as a full disk would.
async fn break_password_storage(db: &TestDb, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            sql(
                &db.url,
                "CREATE TRIGGER broken BEFORE INSERT ON password_history
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END",
            )
            .await
        }
        Backend::Postgres => {
            sql(
                &db.url,
                "CREATE FUNCTION broken() RETURNS trigger AS $$
                 BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
            )
            .await;
            sql(
                &db.url,
                "CREATE TRIGGER broken BEFORE INSERT ON password_history
                 FOR EACH ROW EXECUTE FUNCTION broken()",
            )
            .await;
        }
    }
}

async fn repair_password_storage(db: &TestDb, backend: Backend) {
    let statement = match backend {
        Backend::Sqlite => "DROP TRIGGER broken",
        Backend::Postgres => "DROP TRIGGER broken ON password_history",
    };
    sql(&db.url, statement).await;
}

#[tokio::test]
async fn a_change_the_directory_took_and_the_store_did_not_is_settled_afterwards() {
    if Slapd::start("wb_settle").is_none() {
        return;
    }
    on_each_backend("wb_settle", |db: TestDb| {
        async move {
            // A directory of its own for each backend's run.
            let slapd = &Slapd::start("wb_settle").unwrap();
            let key = SecretKey::random();
            let portal = directory_portal(&db, slapd, &key).await;
            let backend = portal.store.backend();
            let mut browser = Browser::default();
            up_to_the_password(&mut browser, &portal).await;
            break_password_storage(&db, backend).await;
            let page = choose(&mut browser, &portal, LONG_PASSWORD).await;
            // The directory has it: for the person, the change is made.
            assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
            assert!(slapd.whoami(&person_dn("ada"), LONG_PASSWORD));
            assert!(has_password(&portal, OLD_PASSWORD).await, "not here yet");
            let pending = portal.store.pending_writes().await.unwrap();
            assert_eq!(pending.len(), 1, "{}", db.label);
            assert_eq!(pending[0].username, "ada");
            let metrics = crate::portal::scrape(&portal).await;
            assert!(
                metrics.contains("latchkey_directory_pending 1"),
                "{metrics}"
            );

            repair_password_storage(&db, backend).await;
            let writeback = slapd.writeback();
            let now = portal.clock.now();
            // Within the change's own time, the reconciler leaves it alone.
            let early = reconcile(
                &portal.store,
                writeback.directory.as_ref(),
                &latchkey::directory::Ungated,
                &key,
                24,
                30,
                now,
            )
            .await
            .unwrap();
            assert!(early.is_empty(), "{early:?}");
            // The help desk sees it beside the account (its sign-in moves the clock on).
            let staff_secret = add_staff(&portal, &key, "kim", Role::Agent).await;
            let mut desk = Browser::default();
            helpdesk_sign_in(&mut desk, &portal, "kim", &staff_secret).await;
            let page = desk.get(&portal, &account_path(&portal, "ada").await).await;
            assert!(page.body.contains("not yet stored here"), "{}", page.body);
            // Nobody is told of a change half made…
            assert_eq!(changed_notices(&portal).await, 0, "{}", db.label);
            let later = now + writeback.settle_after;
            let outbox = Outbox::new(portal.store.clone());
            let notifier = Notifier {
                messages: &outbox,
                mail: &outbox,
                queue: None,
            };
            let context = NoticeContext {
                now: later,
                address: "directory",
                location: latchkey::network::Location::Unknown,
                helpdesk_phone: "(555) 010-4357",
                service: "Example University",
                zone: &jiff::tz::TimeZone::UTC,
                report: None,
            };
            let told = Told {
                notifier: &notifier,
                context: &context,
                actor: "directory",
                default_language: latchkey::i18n::Lang::En,
            };
            let settled = settle_pending(&portal.store, &writeback, &key, 24, &told, later)
                .await
                .unwrap();
            assert_eq!(
                settled,
                [("ada".to_owned(), Settled::Stored)],
                "{}",
                db.label
            );
            assert!(has_password(&portal, LONG_PASSWORD).await);
            assert!(!has_password(&portal, OLD_PASSWORD).await);
            assert!(portal.store.pending_writes().await.unwrap().is_empty());
            let metrics = crate::portal::scrape(&portal).await;
            assert!(
                metrics.contains("latchkey_directory_pending 0"),
                "{metrics}"
            );
            let page = desk.get(&portal, &account_path(&portal, "ada").await).await;
            assert!(!page.body.contains("not yet stored here"));
            // …and told by mail and text, as for any change, once it is whole.
            assert_eq!(changed_notices(&portal).await, 2, "{}", db.label);
            // The history holds both, so the old one cannot come back.
            let ada = portal.store.find_account("ada").await.unwrap().unwrap();
            assert_eq!(
                portal
                    .store
                    .password_history(ada.id)
                    .await
                    .unwrap()
                    .entries
                    .len(),
                2
            );
            db
        }
    })
    .await;
}

// ---- trusted networks -------------------------------------------------------------------

fn campus_network() -> NetworkConfig {
    toml::from_str(
        r#"
        campus = ["10.0.0.0/8", "2001:db8:c::/48"]
        vpn = ["172.16.0.0/12"]
        trusted_proxies = ["127.0.0.1"]
        vpn_hosts = [{ group = "Students", host = "vpn.example.edu" }]
        vpn_steps = [
            { system = "macOS", steps = ["Open the VPN app.", "Connect to vpn.example.edu."] },
            { system = "macOS", language = "es", steps = ["Abra la aplicación de la VPN.", "Conéctese a vpn.example.edu."] },
        ]
        vpn_client = "Cisco Secure Client"
        "#,
    )
    .unwrap()
}

async fn network_portal(db: &TestDb) -> Portal {
    let extras = Extras {
        network: campus_network(),
        ..Extras::default()
    };
    portal_extras(db, &SecretKey::random(), extras).await
}

fn browser_at(peer: &str) -> Browser {
    Browser::from_peer(peer)
}

#[tokio::test]
async fn people_outside_the_campus_and_the_vpn_are_warned_first_and_may_go_on() {
    let db = TestDb::sqlite("net_outside");
    let portal = network_portal(&db).await;
    let mut outside = browser_at("203.0.113.9:50000");
    let page = outside.get(&portal, "/reset").await;
    assert_eq!(page.heading(), "Connect to the VPN first");
    assert!(page.body.contains("vpn.example.edu") && page.body.contains("macOS"));
    // Headings in order: an h2 comes before any h3.
    let (h2, h3) = (page.body.find("<h2"), page.body.find("<h3"));
    assert!(
        h2.is_some() && h2 < h3.or(Some(usize::MAX)),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/reset?anyway=1\""));
    // On a phone the way on comes before the long how-to, not after it.
    let (on, how) = (
        page.body.find("?anyway=1"),
        page.body.find("How to connect"),
    );
    assert!(on.is_some() && on < how, "{}", page.body);
    assert!(
        !page.body.contains("Abra la aplicación"),
        "English steps only"
    );
    // The campus's Spanish steps for someone reading Spanish.
    let mut spanish = browser_at("203.0.113.9:50000");
    spanish.headers.push(("accept-language", "es".into()));
    let page = spanish.get(&portal, "/reset").await;
    assert_eq!(page.heading(), "Conéctese primero a la VPN");
    assert!(
        page.body.contains("Abra la aplicación de la VPN.")
            && !page.body.contains("Open the VPN app."),
        "{}",
        page.body
    );
    assert_eq!(
        count(&db.url, "reset_sessions").await,
        0,
        "nothing started yet"
    );
    let page = outside.get(&portal, "/reset?anyway=1").await;
    assert_eq!(page.heading(), "Reset your password");

    // The whole reset from outside: the done page says what to do now.
    crate::portal::reset_by_sms(&mut outside, &portal, "ada", NEW_PASSWORD).await;
    let done = outside.get(&portal, "/reset/done").await;
    assert!(
        done.body.contains("still") && done.body.contains("If you remember your old password"),
        "{}",
        done.body
    );
    assert!(
        done.body
            .contains("If you don&#39;t remember your old password")
            && done
                .body
                .contains("If Cisco Secure Client can connect from the laptop"),
        "advice for someone who forgot the old one too: {}",
        done.body
    );
    // The reset is over: the portal's link to /reset begins a new one.
    let again = outside.get(&portal, "/reset").await;
    assert_eq!(again.heading(), "Connect to the VPN first");
    assert!(done.body.contains("Connect the VPN on macOS"));

    for (peer, heading) in [
        ("10.1.2.3:50000", "Reset your password"),
        ("172.16.0.9:50000", "Reset your password"),
        ("[2001:db8:c::9]:50000", "Reset your password"),
        ("[2001:db8:9::9]:50000", "Connect to the VPN first"),
    ] {
        let page = browser_at(peer).get(&portal, "/reset").await;
        assert_eq!(page.heading(), heading, "{peer}");
    }
    db.drop_db().await;
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let db = TestDb::sqlite("net_proxy");
    let portal = network_portal(&db).await;
    // Outside, claiming to be on campus: ignored.
    let mut spoofing = browser_at("203.0.113.9:50000");
    spoofing
        .headers
        .push(("x-forwarded-for", "10.1.2.3".into()));
    let page = spoofing.get(&portal, "/reset").await;
    assert_eq!(page.heading(), "Connect to the VPN first");
    // Through the proxy: its word counts, whichever way it goes.
    let mut proxied = browser_at("127.0.0.1:50000");
    proxied.headers.push(("x-forwarded-for", "10.1.2.3".into()));
    assert_eq!(
        proxied.get(&portal, "/reset").await.heading(),
        "Reset your password"
    );
    // Proxies that write the client's port too.
    for hop in ["10.1.2.3:5555", "[2001:db8:c::9]:443"] {
        let mut proxied = browser_at("127.0.0.1:50000");
        proxied.headers.push(("x-forwarded-for", hop.into()));
        assert_eq!(
            proxied.get(&portal, "/reset").await.heading(),
            "Reset your password",
            "{hop}"
        );
    }
    let mut proxied = browser_at("127.0.0.1:50000");
    proxied
        .headers
        .push(("x-forwarded-for", "10.1.2.3, 203.0.113.9".into()));
    assert_eq!(
        proxied.get(&portal, "/reset").await.heading(),
        "Connect to the VPN first",
        "a forged hop left of the proxy's does not count"
    );
    // The audit trail records the address the proxy saw.
    let mut campus = browser_at("127.0.0.1:50000");
    campus.headers.push(("x-forwarded-for", "10.1.2.3".into()));
    campus.get(&portal, "/reset").await;
    campus
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(
        count(&db.url, "audit_events WHERE address = '10.1.2.3'").await,
        1
    );
    db.drop_db().await;
}

#[tokio::test]
async fn an_update_from_outside_is_warned_too_and_the_campus_done_page_says_so() {
    let db = TestDb::sqlite("net_update");
    let portal = network_portal(&db).await;
    let mut outside = browser_at("203.0.113.9:50000");
    crate::account::sign_in_ada(&mut outside, &portal).await;
    let page = outside.get(&portal, "/account/password").await;
    assert_eq!(page.heading(), "Connect to the VPN first");
    assert!(page.body.contains("href=\"/account/password?anyway=1\""));
    let page = outside.get(&portal, "/account/password?anyway=1").await;
    assert_eq!(page.heading(), "Change your password");

    let mut campus = browser_at("10.9.9.9:50000");
    crate::portal::reset_by_sms(&mut campus, &portal, "ada", NEW_PASSWORD).await;
    let done = campus.get(&portal, "/reset/done").await;
    assert!(
        done.body.contains("You are on the campus network"),
        "{}",
        done.body
    );
    db.drop_db().await;
}

#[tokio::test]
async fn metrics_count_the_flow_and_readiness_follows_the_directory() {
    let Some(mut slapd) = Slapd::start("wb_metrics") else {
        return;
    };
    let db = TestDb::sqlite("wb_metrics");
    let portal = directory_portal(&db, &slapd, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_password(&mut browser, &portal).await;
    slapd.set_min_length(14);
    choose(&mut browser, &portal, LONG_PASSWORD).await; // refused by the directory
    choose(&mut browser, &portal, LONGER_PASSWORD).await;

    let metrics = crate::portal::scrape(&portal).await;
    for line in [
        "latchkey_resets_total{outcome=\"started\"} 1",
        "latchkey_resets_total{outcome=\"completed\"} 1",
        "latchkey_resets_total{outcome=\"refused:directory_length\"} 1",
        "latchkey_codes_sent_total{channel=\"sms\"} 1",
        "latchkey_http_requests_total{route=\"/reset/identify\",status=\"303\"} 1",
        "latchkey_directory_writeback_failures_total{reason=\"directory_length\"} 1",
        "latchkey_directory_writeback_seconds_count 2",
        "latchkey_hash_queue_depth 0",
    ] {
        assert!(metrics.contains(line), "{line} in:\n{metrics}");
    }
    assert!(metrics.contains("latchkey_hash_wait_seconds_count"));

    let ready = browser.get(&portal, "/readyz").await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert!(
        ready.body.contains("\"directory\":\"ok\""),
        "{}",
        ready.body
    );
    slapd.stop();
    let ready = browser.get(&portal, "/readyz").await;
    assert_eq!(ready.status, 503);
    assert!(
        ready.body.contains("\"directory\":\"unreachable\""),
        "{}",
        ready.body
    );
    assert!(ready.body.contains("\"database\":\"ok\""), "{}", ready.body);
    db.drop_db().await;
}
