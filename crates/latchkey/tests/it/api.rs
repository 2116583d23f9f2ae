//! The JSON API over the router as the server runs it: a reset named by
//! its bearer token, each answer the reset's state, and the OpenAPI
//! document that describes it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use latchkey::domain::change::verify_password;
use latchkey::secrets::SecretKey;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::portal::{ANSWER, Browser, NEW_PASSWORD, OLD_PASSWORD, Portal, latest_code, portal};
use crate::support::{TestDb, count, on_each_backend};

/// A client of the API: the token it was given, if any.
struct Client<'a> {
    portal: &'a Portal,
    token: Option<String>,
}

struct Answer {
    status: StatusCode,
    json: Value,
}

impl<'a> Client<'a> {
    fn new(portal: &'a Portal) -> Self {
        Client {
            portal,
            token: None,
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_owned())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.portal.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, json }
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.post_as("post", path, body).await
    }

    /// `body` with any method; a GET goes without it.
    async fn post_as(&self, method: &str, path: &str, body: Value) -> Answer {
        let body = (method != "get").then(|| body.to_string());
        self.send(&method.to_uppercase(), path, body.as_deref())
            .await
    }

    /// Takes the session's new token from an answer that proved a factor,
    /// after checking the old one is dead.
    async fn renew(&mut self, answer: &Answer) {
        let renewed = answer.json["token"].as_str().expect("a new token");
        assert_ne!(Some(renewed), self.token.as_deref());
        let dead = self.send("GET", "/api/v1/account", None).await;
        assert_eq!(dead.status, StatusCode::UNAUTHORIZED, "the old token");
        self.token = Some(renewed.to_owned());
    }

    /// A new reset; keeps its token.
    async fn start(&mut self) -> Answer {
        let answer = self.send("POST", "/api/v1/reset", None).await;
        assert_eq!(answer.status, StatusCode::CREATED);
        self.token = Some(answer.json["token"].as_str().unwrap().to_owned());
        answer
    }

    /// Start, identify as `who`, solve the CAPTCHA.
    async fn past_the_captcha(&mut self, who: &str) -> Answer {
        self.start().await;
        let answer = self
            .post("/api/v1/reset/identify", json!({"identifier": who}))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        assert_eq!(answer.json["step"], "captcha");
        self.post(
            "/api/v1/reset/captcha",
            json!({"answer": ANSWER.to_lowercase()}),
        )
        .await
    }
}

#[tokio::test]
async fn a_whole_reset_by_text_message() {
    on_each_backend("api_sms", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut client = Client::new(&portal);
        let started = client.start().await;
        assert_eq!(started.json["state"]["step"], "identify");
        assert_eq!(started.json["state"]["helpdesk"]["phone"], "(555) 010-4357");

        let at_captcha = client
            .post("/api/v1/reset/identify", json!({"identifier": "ada"}))
            .await;
        assert_eq!(
            at_captcha.json["captcha_image"],
            "/api/v1/reset/captcha.png"
        );
        let image = client.send("GET", "/api/v1/reset/captcha.png", None).await;
        assert_eq!(image.status, StatusCode::OK);

        let wrong = client
            .post("/api/v1/reset/captcha", json!({"answer": "nope"}))
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong.json["step"], "captcha");
        assert!(
            wrong.json["error"]
                .as_str()
                .unwrap()
                .contains("did not match")
        );

        let at_method = client
            .post("/api/v1/reset/captcha", json!({"answer": ANSWER}))
            .await;
        assert_eq!(at_method.json["step"], "method");
        let offered: Vec<&str> = at_method.json["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["method"].as_str().unwrap())
            .collect();
        assert_eq!(offered, ["sms", "voice"]);
        assert!(
            at_method.json["methods"][0]["label"]
                .as_str()
                .unwrap()
                .contains("(•••) •••-0143")
        );

        let not_offered = client
            .post("/api/v1/reset/method", json!({"method": "totp"}))
            .await;
        assert_eq!(not_offered.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(&db.url, "outbox").await, 0);

        let at_code = client
            .post("/api/v1/reset/method", json!({"method": "sms"}))
            .await;
        assert_eq!(at_code.json["step"], "code");
        assert_eq!(at_code.json["code_minutes"], 10);
        let code = latest_code(&portal.store).await;

        let wrong_code = if code == "000000" { "111111" } else { "000000" };
        let wrong = client
            .post("/api/v1/reset/code", json!({"code": wrong_code}))
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.json["error"]
                .as_str()
                .unwrap()
                .contains("4 more times")
        );

        let at_password = client
            .post("/api/v1/reset/code", json!({"code": code}))
            .await;
        assert_eq!(at_password.json["step"], "password");
        client.token = Some(at_password.json["token"].as_str().unwrap().to_owned());
        let rules: Vec<&str> = at_password.json["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"min_length") && rules.contains(&"history"));

        let check = client
            .post(
                "/api/v1/reset/password/check",
                json!({"password": "ada", "confirm": ""}),
            )
            .await;
        assert_eq!(check.json["accepted"], false);
        assert_eq!(check.json["confirmed"], false);

        let refused = client
            .post(
                "/api/v1/reset/password",
                json!({"password": "lovelace", "confirm": "lovelace"}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let broken: Vec<&str> = refused.json["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["rule"].as_str().unwrap())
            .collect();
        assert!(broken.contains(&"contains_name"), "{broken:?}");
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
                .await
                .unwrap()
        );

        let done = client
            .post(
                "/api/v1/reset/password",
                json!({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        assert_eq!(done.json["step"], "done");
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, NEW_PASSWORD)
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
                .await
                .unwrap()
        );
        let completed = count(&db.url, "audit_events WHERE action = 'reset.completed:sms'").await;
        assert_eq!(completed, 1);
        db
    })
    .await;
}

#[tokio::test]
async fn unknown_and_unregistered_people_get_the_same_answers() {
    on_each_backend("api_enumeration", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut answers = Vec::new();
        for who in ["nobody@example.edu", "alan"] {
            let mut client = Client::new(&portal);
            let mut answer = client.past_the_captcha(who).await;
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.json["step"], "help");
            answer.json["expires_at"] = Value::Null;
            answers.push(answer.json);
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0]["helpdesk"]["email"], "helpdesk@example.edu");
        db
    })
    .await;
}

#[tokio::test]
async fn wrong_steps_tokens_and_bodies_change_nothing() {
    let db = TestDb::sqlite("api_refusals");
    let portal = portal(&db, &SecretKey::random()).await;

    let mut client = Client::new(&portal);
    let no_token = client.send("GET", "/api/v1/reset", None).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.json["error"], "expired");
    client.token = Some("not-a-token".into());
    let forged = client
        .post("/api/v1/reset/identify", json!({"identifier": "ada"}))
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    client.start().await;
    let early = client
        .post(
            "/api/v1/reset/password",
            json!({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.json["step"], "identify");
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert!(
        verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
            .await
            .unwrap()
    );

    let not_json = client
        .send("POST", "/api/v1/reset/identify", Some("identifier=ada"))
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.json["error"], "bad_request");
    let missing_field = client.post("/api/v1/reset/identify", json!({})).await;
    assert_eq!(missing_field.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing_field.json["error"], "bad_request");
    let still = client.send("GET", "/api/v1/reset", None).await;
    assert_eq!(still.json["step"], "identify");

    let empty = client
        .post("/api/v1/reset/identify", json!({"identifier": "  "}))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json["step"], "identify");
    let control = client
        .post("/api/v1/reset/identify", json!({"identifier": "a\u{0}da"}))
        .await;
    assert_eq!(control.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(control.json["step"], "identify");
}

#[tokio::test]
async fn new_resets_are_throttled_per_address_and_expired_ones_swept() {
    let db = TestDb::sqlite("api_reset_flood");
    let portal = portal(&db, &SecretKey::random()).await;
    let client = Client::new(&portal);
    let limit = latchkey::config::ThrottleConfig::default().resets_per_address;
    for _ in 0..limit {
        let started = client.send("POST", "/api/v1/reset", None).await;
        assert_eq!(started.status, StatusCode::CREATED);
    }
    let flooded = client.send("POST", "/api/v1/reset", None).await;
    assert_eq!(flooded.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(flooded.json["error"], "too_many");
    assert_eq!(count(&db.url, "reset_sessions").await, limit);
    // Past their lifetime and an hour's grace, they go with the next new one.
    let reset_minutes = latchkey::config::ServerConfig::default().reset_minutes;
    portal.clock.advance(reset_minutes * 60 + 3600 + 1);
    let started = client.send("POST", "/api/v1/reset", None).await;
    assert_eq!(started.status, StatusCode::CREATED);
    assert_eq!(count(&db.url, "reset_sessions").await, 1);
}

#[tokio::test]
async fn the_portal_cookie_does_not_open_the_api() {
    let db = TestDb::sqlite("api_cookie");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    let page = browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(page.heading(), "Type the characters you see");
    // The same browser, posting JSON with its cookie: a cross-site request would look so.
    let answer = browser
        .post_json(&portal, "/api/v1/reset/captcha", &json!({"answer": ANSWER}))
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let page = browser.get(&portal, "/reset").await;
    assert_eq!(page.heading(), "Type the characters you see");
}

#[tokio::test]
async fn the_document_describes_every_route_it_lists() {
    let db = TestDb::sqlite("api_document");
    let portal = portal(&db, &SecretKey::random()).await;
    let client = Client::new(&portal);
    let document = client.send("GET", "/api/openapi.json", None).await;
    assert_eq!(document.status, StatusCode::OK);
    assert!(document.json["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document.json["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "{paths:?}");
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            // Every operation the document lists is routed: without a token it
            // is refused as expired (401; the images are not found), never 405.
            let every_field = json!({"identifier": "x", "answer": "x", "method": "x",
                "code": "x", "password": "x", "confirm": "x", "current": "x", "phone": "x",
                "username": "x", "token": "x", "pass": "x",
                "name": "x", "credential": {}, "email": "x@y.z", "ceremony": "x"});
            let concrete = path.replace("{id}", "1").replace("{action}", "unlock");
            let answer = client.post_as(method, &concrete, every_field).await;
            let starts = method == "post"
                && [
                    "/api/v1/reset",
                    "/api/v1/session",
                    "/api/v1/helpdesk/session",
                    "/api/v1/report",
                    "/api/v1/session/pass",
                    "/api/v1/session/passkey/options",
                    "/api/v1/session/passkey",
                ]
                .contains(&path.as_str());
            // Without a token, or as no such person: 401 either way; a
            // report link that is no link: gone.
            let expected = match path.as_str() {
                "/api/v1/reset" if starts => StatusCode::CREATED,
                "/api/v1/report" => StatusCode::GONE,
                // The test portal's address is an IP: no passkey there.
                "/api/v1/session/passkey/options" => StatusCode::NOT_FOUND,
                _ => StatusCode::UNAUTHORIZED,
            };
            assert_eq!(answer.status, expected, "{method} {path}");
            let with_token = operations[method]["security"].is_array();
            assert_eq!(with_token, !starts, "{method} {path}");
        }
    }
    let schemas = document.json["components"]["schemas"].as_object().unwrap();
    for schema in ["ResetState", "Step", "Location", "ApiError", "CheckAnswer"] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
    let schemes = document.json["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    for scheme in ["reset_token", "session_token", "staff_token"] {
        assert!(schemes.contains_key(scheme), "{scheme} is used, so defined");
    }
    let search = &paths["/api/v1/helpdesk/accounts"]["get"]["parameters"][0];
    assert_eq!(
        (search["name"].as_str(), search["in"].as_str()),
        (Some("q"), Some("query"))
    );
    // The help desk sees the directory's lock and can lift it from the API.
    // (Its summary is flattened in: its own fields sit in an `allOf`.)
    let view = schemas["AccountView"].to_string();
    for field in ["directory_lock", "left_directory_at", "directory_pending"] {
        assert!(view.contains(&format!("\"{field}\"")), "{field} in {view}");
    }
    let action = &paths["/api/v1/helpdesk/accounts/{id}/{action}"]["post"];
    assert!(action.to_string().contains("directory-unlock"), "{action}");
    let steps = &schemas["Step"]["enum"];
    assert_eq!(
        steps,
        &json!([
            "identify", "captcha", "method", "code", "password", "done", "unlocked", "help",
            "paused"
        ])
    );
}

// ---- A person's own account -------------------------------------------------------------------

impl Client<'_> {
    /// Signs in; keeps the session's token.
    async fn sign_in(&mut self, who: &str, password: &str) -> Answer {
        self.token = None;
        let answer = self
            .post(
                "/api/v1/session",
                json!({"identifier": who, "password": password}),
            )
            .await;
        if answer.status == StatusCode::CREATED {
            self.token = Some(answer.json["token"].as_str().unwrap().to_owned());
        }
        answer
    }
}

#[tokio::test]
async fn sign_in_register_a_phone_and_change_the_password() {
    on_each_backend("api_account", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut client = Client::new(&portal);

        let wrong = client.sign_in("alan", "not his password").await;
        let unknown = client.sign_in("nobody", "not his password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.json, unknown.json, "the same answer for both");
        assert_eq!(wrong.json["error"], "refused");

        let signed_in = client.sign_in("alan", OLD_PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::CREATED, "{}", signed_in.json);
        let account = &signed_in.json["account"];
        assert_eq!(account["stage"], "active");
        assert_eq!(account["registration_required"], true);
        assert_eq!(
            account["factor_fresh"], true,
            "no method yet: nothing to prove"
        );

        let bad_number = client
            .post("/api/v1/account/phone", json!({"phone": "12"}))
            .await;
        assert_eq!(bad_number.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad_number.json["message"]
                .as_str()
                .unwrap()
                .contains("cannot be used")
        );

        for channel in ["fax", "VOICE", ""] {
            let odd = client
                .post(
                    "/api/v1/account/phone",
                    json!({"phone": "(202) 555-0177", "channel": channel}),
                )
                .await;
            assert_eq!(odd.status, StatusCode::BAD_REQUEST, "{channel:?}");
        }
        assert_eq!(count(&db.url, "outbox").await, 0, "nothing sent");

        let pending = client
            .post("/api/v1/account/phone", json!({"phone": "(202) 555-0177"}))
            .await;
        assert_eq!(pending.status, StatusCode::OK, "{}", pending.json);
        assert_eq!(
            pending.json["pending_phone"], "(202) 555-0177",
            "in full: they typed it"
        );
        assert_eq!(pending.json["phone"], Value::Null);
        let code = latest_code(&portal.store).await;
        let wrong_code = if code == "000000" { "111111" } else { "000000" };
        let refused = client
            .post("/api/v1/account/phone/confirm", json!({"code": wrong_code}))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let registered = client
            .post("/api/v1/account/phone/confirm", json!({"code": code}))
            .await;
        assert_eq!(registered.status, StatusCode::OK, "{}", registered.json);
        client.renew(&registered).await;
        assert_eq!(registered.json["phone"], "(•••) •••-0177");
        assert_eq!(registered.json["registration_required"], false);
        let alan = portal.store.find_account("alan").await.unwrap().unwrap();
        assert_eq!(alan.phone.as_deref(), Some("+12025550177"));

        let last_one = client.send("DELETE", "/api/v1/account/phone", None).await;
        assert_eq!(last_one.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            last_one.json["message"]
                .as_str()
                .unwrap()
                .contains("only way")
        );

        let wrong_current = client
            .post(
                "/api/v1/account/password",
                json!({"current": "nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(wrong_current.status, StatusCode::UNPROCESSABLE_ENTITY);
        let weak = client
            .post(
                "/api/v1/account/password",
                json!({"current": OLD_PASSWORD, "password": "turing", "confirm": "turing"}),
            )
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        let broken: Vec<&str> = weak.json["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["rule"].as_str().unwrap())
            .collect();
        assert!(broken.contains(&"min_length"), "{broken:?}");
        // The message says why too, for a client that shows only it.
        let message = weak.json["message"].as_str().unwrap();
        assert!(
            message.starts_with("The new password was not accepted."),
            "{message}"
        );
        let first = weak.json["violations"][0]["message"].as_str().unwrap();
        assert!(message.contains(first), "{message}");
        let alan = portal.store.find_account("alan").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &alan, OLD_PASSWORD)
                .await
                .unwrap()
        );

        let changed = client
            .post(
                "/api/v1/account/password",
                json!({"current": OLD_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
        assert!(
            verify_password(&portal.store, &portal.hasher, &alan, NEW_PASSWORD)
                .await
                .unwrap()
        );

        let out = client.send("DELETE", "/api/v1/session", None).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        let gone = client.send("GET", "/api/v1/account", None).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
        db
    })
    .await;
}

#[tokio::test]
async fn a_second_factor_comes_first_and_an_app_is_registered_with_its_first_code() {
    let db = TestDb::sqlite("api_factor");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut client = Client::new(&portal);
    let signed_in = client.sign_in("ada", OLD_PASSWORD).await;
    let account = &signed_in.json["account"];
    assert_eq!(account["stage"], "factor");
    assert_eq!(account["factor_methods"][0]["method"], "sms");

    for (method, path) in [
        ("POST", "/api/v1/account/phone"),
        ("POST", "/api/v1/account/authenticator"),
        ("POST", "/api/v1/account/password"),
        ("DELETE", "/api/v1/account/phone"),
    ] {
        let body = json!({"phone": "+44 20 7946 0958", "current": OLD_PASSWORD,
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD});
        let answer = client.send(method, path, Some(&body.to_string())).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(answer.json["error"], "factor_required");
    }
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(
        ada.phone.as_deref(),
        Some("+12025550143"),
        "nothing changed"
    );

    let sent = client
        .post("/api/v1/account/factor", json!({"method": "sms"}))
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        sent.json["factor_code_from"]
            .as_str()
            .unwrap()
            .contains("0143")
    );
    let code = latest_code(&portal.store).await;
    let active = client
        .post("/api/v1/account/factor/code", json!({"code": code}))
        .await;
    assert_eq!(active.json["stage"], "active");
    client.renew(&active).await;
    assert_eq!(active.json["factor_fresh"], true);

    let enrolment = client
        .send("POST", "/api/v1/account/authenticator", None)
        .await;
    assert_eq!(enrolment.status, StatusCode::OK);
    let uri = enrolment.json["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    let again = client
        .send("POST", "/api/v1/account/authenticator", None)
        .await;
    assert_eq!(
        again.json["secret"], enrolment.json["secret"],
        "the same key until confirmed"
    );
    let secret = data_encoding::BASE32_NOPAD
        .decode(enrolment.json["secret"].as_str().unwrap().as_bytes())
        .unwrap();
    let now = latchkey::clock::Clock::now(portal.clock.as_ref());
    let first = latchkey::totp::code_at(&secret, now).unwrap();
    let registered = client
        .post(
            "/api/v1/account/authenticator/confirm",
            json!({"code": first}),
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.json);
    client.renew(&registered).await;
    assert_eq!(registered.json["authenticator"], true);
    let events = count(
        &db.url,
        "audit_events WHERE action = 'account.authenticator_added'",
    )
    .await;
    assert_eq!(events, 1);
}

// ---- The help desk ------------------------------------------------------------------------------

#[tokio::test]
async fn the_help_desk_verifies_the_caller_before_changing_a_phone() {
    use crate::helpdesk::{REASON, STAFF_PASSWORD, add_staff};
    use latchkey::clock::Clock;
    use latchkey::store::Role;

    on_each_backend("api_helpdesk", |db: TestDb| async move {
        let key = SecretKey::random();
        let portal = portal(&db, &key).await;
        let secret = add_staff(&portal, &key, "kim", Role::Agent).await;
        let mut desk = Client::new(&portal);

        let wrong = desk
            .post(
                "/api/v1/helpdesk/session",
                json!({"username": "kim", "password": "Nope#1234"}),
            )
            .await;
        let unknown = desk
            .post(
                "/api/v1/helpdesk/session",
                json!({"username": "nobody", "password": "Nope#1234"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.json, unknown.json);

        let started = desk
            .post(
                "/api/v1/helpdesk/session",
                json!({"username": "kim", "password": STAFF_PASSWORD}),
            )
            .await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.json);
        assert_eq!(started.json["stage"], "factor");
        desk.token = Some(started.json["token"].as_str().unwrap().to_owned());
        let too_soon = desk
            .send("GET", "/api/v1/helpdesk/accounts?q=ada", None)
            .await;
        assert_eq!(
            too_soon.status,
            StatusCode::UNAUTHORIZED,
            "the password alone opens nothing"
        );

        portal.clock.advance(30);
        let code = latchkey::totp::code_at(&secret, portal.clock.now()).unwrap();
        let on_duty = desk
            .post("/api/v1/helpdesk/session/factor", json!({"code": code}))
            .await;
        assert_eq!(on_duty.status, StatusCode::OK, "{}", on_duty.json);
        assert_eq!(on_duty.json["role"], "agent");
        // The second factor renews the token: the password step's is dead.
        let renewed = on_duty.json["token"].as_str().unwrap().to_owned();
        assert_ne!(Some(&renewed), desk.token.as_ref());
        let dead = desk
            .send("GET", "/api/v1/helpdesk/accounts?q=ada", None)
            .await;
        assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
        desk.token = Some(renewed);

        let found = desk
            .send("GET", "/api/v1/helpdesk/accounts?q=ada", None)
            .await;
        let ada = &found.json[0];
        assert_eq!(ada["username"], "ada");
        assert_eq!(ada["phone"], "(•••) •••-0143");
        let path = format!("/api/v1/helpdesk/accounts/{}", ada["id"]);

        let unverified = desk
            .post(&format!("{path}/phone"), json!({"phone": "(202) 555-0188"}))
            .await;
        assert_eq!(unverified.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unverified.json["message"]
                .as_str()
                .unwrap()
                .contains("Verify the caller first")
        );
        let refusals = count(
            &db.url,
            "audit_events WHERE action = 'helpdesk.refused_unverified'",
        )
        .await;
        assert_eq!(refusals, 1);

        let no_note = desk
            .post(
                &format!("{path}/record-check"),
                json!({"reason": REASON, "note": ""}),
            )
            .await;
        assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        let verified = desk
            .post(
                &format!("{path}/record-check"),
                json!({"reason": REASON, "note": "Matched the ID card on camera"}),
            )
            .await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.json);
        assert_eq!(verified.json["done"], "verified");
        assert_eq!(verified.json["account"]["caller_verified"], true);

        let changed = desk
            .post(&format!("{path}/phone"), json!({"phone": "(202) 555-0188"}))
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
        assert_eq!(changed.json["account"]["phone"], "(•••) •••-0188");
        let newest = &changed.json["account"]["events"][0];
        assert_eq!(newest["actor"], "staff:kim");
        assert_eq!(newest["action"], "helpdesk.phone_set");
        let stored = portal.store.find_account("ada").await.unwrap().unwrap();
        assert_eq!(stored.phone.as_deref(), Some("+12025550188"));

        let nonsense = desk
            .post(&format!("{path}/delete-everything"), json!({}))
            .await;
        assert_eq!(nonsense.status, StatusCode::NOT_FOUND);
        for missing in [
            desk.send("GET", "/api/v1/helpdesk/accounts/999999", None)
                .await,
            desk.post("/api/v1/helpdesk/accounts/999999/unlock", json!({}))
                .await,
        ] {
            assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.json);
            assert_eq!(missing.json["error"], "not_found");
        }

        let out = desk.send("DELETE", "/api/v1/helpdesk/session", None).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        let gone = desk.send("GET", &path, None).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
        db
    })
    .await;
}

#[tokio::test]
async fn one_reset_changes_the_password_once_even_when_asked_twice_at_once() {
    on_each_backend("api_twice", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut client = Client::new(&portal);
        client.past_the_captcha("ada").await;
        client
            .post("/api/v1/reset/method", json!({"method": "sms"}))
            .await;
        let code = latest_code(&portal.store).await;
        let old_token = client.token.clone();
        let at_password = client
            .post("/api/v1/reset/code", json!({"code": code}))
            .await;
        assert_eq!(at_password.json["step"], "password");
        // The code renews the reset's token: the old one is dead.
        let renewed = at_password.json["token"].as_str().unwrap().to_owned();
        assert_ne!(Some(&renewed), old_token.as_ref());
        let dead = client.send("GET", "/api/v1/reset", None).await;
        assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
        client.token = Some(renewed);
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        let before = portal
            .store
            .password_history(ada.id)
            .await
            .unwrap()
            .entries
            .len();

        let other = "Qz7%mtxW";
        let (first, second) = tokio::join!(
            client.post(
                "/api/v1/reset/password",
                json!({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
            ),
            client.post(
                "/api/v1/reset/password",
                json!({"password": other, "confirm": other}),
            ),
        );
        let statuses = [first.status, second.status];
        let won: Vec<&str> = [(&first, NEW_PASSWORD), (&second, other)]
            .iter()
            .filter(|(answer, _)| answer.status == StatusCode::OK)
            .map(|(_, password)| *password)
            .collect();
        assert_eq!(won.len(), 1, "{statuses:?} {} {}", first.json, second.json);
        let after = portal
            .store
            .password_history(ada.id)
            .await
            .unwrap()
            .entries
            .len();
        assert_eq!(after, before + 1, "one change, {}", db.label);
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, won[0])
                .await
                .unwrap()
        );
        let state = client.send("GET", "/api/v1/reset", None).await;
        assert_eq!(state.json["step"], "done");
        db
    })
    .await;
}

#[tokio::test]
async fn a_directory_account_locked_by_old_passwords_is_unlocked_over_the_api() {
    use crate::ldap::{DIRECTORY_MAX_FAILURES, Slapd, person_dn};
    use crate::portal::{Extras, portal_extras};
    let Some(slapd) = Slapd::start("api_unlock") else {
        return;
    };
    let db = TestDb::sqlite("api_unlock");
    let extras = Extras {
        writeback: Some(slapd.writeback()),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    for _ in 0..DIRECTORY_MAX_FAILURES {
        slapd.whoami(&person_dn("ada"), "an-old-password-1");
    }
    let mut client = Client::new(&portal);
    client.past_the_captcha("ada").await;
    client
        .post("/api/v1/reset/method", json!({"method": "sms"}))
        .await;
    // Not before the code: the unlock is the password step's.
    let early = client.post("/api/v1/reset/unlock", json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.json);
    let code = latest_code(&portal.store).await;
    let at_password = client
        .post("/api/v1/reset/code", json!({"code": code}))
        .await;
    assert_eq!(
        at_password.json["directory_locked"], true,
        "{}",
        at_password.json
    );
    client.token = Some(at_password.json["token"].as_str().unwrap().to_owned());
    let unlocked = client.post("/api/v1/reset/unlock", json!({})).await;
    assert_eq!(unlocked.status, StatusCode::OK, "{}", unlocked.json);
    assert_eq!(unlocked.json["step"], "unlocked");
    assert!(slapd.whoami(&person_dn("ada"), OLD_PASSWORD));
    db.drop_db().await;
}

#[tokio::test]
async fn the_password_step_lists_the_persons_own_directory_rules() {
    use crate::ldap::{ERIN, SERVICE_PASSWORD, Slapd};
    use crate::portal::{Extras, portal_extras};
    let Some(slapd) = Slapd::start("api_own_rules") else {
        return;
    };
    // erin's own policy asks for 16 characters (the default, 10), and the
    // directory holds her mobile, which this campus trusts.
    slapd.ldapadd(ERIN);
    slapd.ldapmodify(
        "dn: uid=erin,ou=people,dc=example,dc=edu\nchangetype: modify\nadd: mobile\nmobile: +1 202 555 0177\n",
    );
    let mut config = slapd.config();
    config.trusted_phones = true;
    let writeback = latchkey::directory::Writeback::new(
        Box::new(latchkey::directory::Ldap::new(config.clone(), SERVICE_PASSWORD.into()).unwrap()),
        &config,
    );
    let db = TestDb::sqlite("api_own_rules");
    let extras = Extras {
        writeback: Some(writeback),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let mut client = Client::new(&portal);
    client.past_the_captcha("erin").await;
    client
        .post("/api/v1/reset/method", json!({"method": "sms"}))
        .await;
    let code = latest_code(&portal.store).await;
    let at_password = client
        .post("/api/v1/reset/code", json!({"code": code}))
        .await;
    assert_eq!(at_password.json["step"], "password", "{}", at_password.json);
    let length = at_password.json["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "min_length")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        length["description"], "At least 16 characters",
        "{}",
        at_password.json
    );
    db.drop_db().await;
}

#[tokio::test]
async fn a_client_solves_the_proof_of_work_instead_of_the_image() {
    use latchkey::captcha::pow::{PowChallenge, encode, solve};
    let db = TestDb::sqlite("api_pow");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut client = Client::new(&portal);
    let started = client.start().await;
    let offered: PowChallenge =
        serde_json::from_value(started.json["state"]["pow"].clone()).expect("a challenge");
    assert_eq!(offered.algorithm, "SHA-256");
    let sent = encode(&solve(&offered).unwrap());
    let at_method = client
        .post(
            "/api/v1/reset/identify",
            json!({"identifier": "ada", "pow": sent}),
        )
        .await;
    assert_eq!(at_method.status, StatusCode::OK, "{}", at_method.json);
    assert_eq!(at_method.json["step"], "method");
    assert!(at_method.json["pow"].is_null(), "offered only at identify");
    // The same solution in another reset is refused; the image answers.
    let mut other = Client::new(&portal);
    other.start().await;
    let refused = other
        .post(
            "/api/v1/reset/identify",
            json!({"identifier": "ada", "pow": sent}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["step"], "captcha");
    db.drop_db().await;
}

#[tokio::test]
async fn a_client_is_told_why_a_new_password_comes_first() {
    on_each_backend("api_change_reason", |db: TestDb| async move {
        let stricter = latchkey_policy::PolicyConfig {
            min_length: 10,
            ..latchkey_policy::PolicyConfig::default()
        };
        let extras = crate::portal::Extras {
            policy: Some(latchkey_policy::Policy::with_builtin_dictionary(stricter).unwrap()),
            ..crate::portal::Extras::default()
        };
        let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
        let mut client = Client::new(&portal);
        // alan has no method: the password alone signs him in.
        let signed_in = client.sign_in("alan", OLD_PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::CREATED, "{}", signed_in.json);
        let account = client.send("GET", "/api/v1/account", None).await.json;
        assert_eq!(account["must_change_password"], true, "{account}");
        assert_eq!(account["must_change_reason"], "policy");
        let changed = client
            .post(
                "/api/v1/account/password",
                json!({"current": OLD_PASSWORD, "password": "Lk8&pqrVz-2", "confirm": "Lk8&pqrVz-2"}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
        let account = client.send("GET", "/api/v1/account", None).await.json;
        assert_eq!(account["must_change_password"], false, "{account}");
        assert_eq!(account["must_change_reason"], Value::Null);
        db
    })
    .await;
}

/// Recovery codes over the API (issue 29): made with a fresh factor, shown
/// once, one standing in for the second factor, each used once.
#[tokio::test]
async fn recovery_codes_are_made_and_used_over_the_api() {
    let db = TestDb::sqlite("api_recovery");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut client = Client::new(&portal);
    client.sign_in("ada", OLD_PASSWORD).await;
    let early = client
        .post("/api/v1/account/recovery-codes", json!({}))
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "a factor first");
    client
        .post("/api/v1/account/factor", json!({"method": "sms"}))
        .await;
    let code = latest_code(&portal.store).await;
    let proven = client
        .post("/api/v1/account/factor/code", json!({"code": code}))
        .await;
    client.renew(&proven).await;
    let made = client
        .post("/api/v1/account/recovery-codes", json!({}))
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.json);
    let codes: Vec<String> = (made.json["codes"].as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);

    let mut other = Client::new(&portal);
    let signed_in = other.sign_in("ada", OLD_PASSWORD).await;
    assert_eq!(signed_in.json["account"]["recovery_codes_left"], 10);
    let used = other
        .post("/api/v1/account/factor/recovery", json!({"code": codes[0]}))
        .await;
    assert_eq!(used.status, StatusCode::OK, "{}", used.json);
    assert_eq!(used.json["stage"], "active");
    assert_eq!(used.json["recovery_codes_left"], 9);
    let mut third = Client::new(&portal);
    third.sign_in("ada", OLD_PASSWORD).await;
    let again = third
        .post("/api/v1/account/factor/recovery", json!({"code": codes[0]}))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "once only");
}

#[tokio::test]
async fn under_two_proofs_the_state_says_what_was_proven_and_why_another() {
    use latchkey::domain::proofs::ProofsRequired;
    let db = TestDb::sqlite("api_proofs");
    let key = SecretKey::random();
    let portal = crate::proofs::portal_asking(&db, &key, ProofsRequired::Two).await;
    crate::proofs::give_ada_an_app(&portal, &key).await;
    let mut client = Client::new(&portal);
    let at_method = client.past_the_captcha("ada").await;
    assert_eq!(at_method.json["proofs_given"], json!([]));
    assert_eq!(at_method.json["second_proof"], Value::Null);
    client
        .post("/api/v1/reset/method", json!({"method": "sms"}))
        .await;
    let code = latest_code(&portal.store).await;
    let first = client
        .post("/api/v1/reset/code", json!({"code": code}))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(first.json["step"], "method", "{}", first.json);
    assert_eq!(first.json["proofs_given"], json!(["phone"]));
    let why = first.json["second_proof"].as_str().unwrap();
    assert!(why.contains("a second, by a different way"), "{why}");
    let offered: Vec<&str> = first.json["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["totp"]);
    // Renewed: the first token opens nothing any more.
    let renewed = first.json["token"].as_str().unwrap().to_owned();
    let dead = client.send("GET", "/api/v1/reset", None).await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED, "{}", dead.json);
    client.token = Some(renewed);
    client
        .post("/api/v1/reset/method", json!({"method": "totp"}))
        .await;
    let code = latest_app_code(&portal);
    let second = client
        .post("/api/v1/reset/code", json!({"code": code}))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.json);
    assert_eq!(second.json["step"], "password", "{}", second.json);
}

fn latest_app_code(portal: &Portal) -> String {
    let now = latchkey::clock::Clock::now(portal.clock.as_ref());
    latchkey::totp::code_at(crate::portal::GRACE_SECRET, now).unwrap()
}

/// `body` posted to `path` without a token: the status and the answer.
pub async fn post_json(portal: &Portal, path: &str, body: Value) -> (u16, Value) {
    let answer = Client::new(portal).post(path, body).await;
    (answer.status.as_u16(), answer.json)
}

/// A staff token on duty for `username` (password, then the app's code).
pub async fn staff_token(portal: &Portal, username: &str, secret: &[u8]) -> String {
    use latchkey::clock::Clock;
    let desk = Client::new(portal);
    let started = desk
        .post(
            "/api/v1/helpdesk/session",
            json!({"username": username, "password": crate::helpdesk::STAFF_PASSWORD}),
        )
        .await;
    let mut desk = Client::new(portal);
    desk.token = Some(started.json["token"].as_str().unwrap().to_owned());
    portal.clock.advance(30);
    let code = latchkey::totp::code_at(secret, portal.clock.now()).unwrap();
    let on_duty = desk
        .post("/api/v1/helpdesk/session/factor", json!({"code": code}))
        .await;
    assert_eq!(on_duty.status, StatusCode::OK, "{}", on_duty.json);
    on_duty.json["token"].as_str().unwrap().to_owned()
}

/// `body` posted to `path` with the staff `token`: the status and the answer.
pub async fn post_as_staff(portal: &Portal, token: &str, path: &str, body: Value) -> (u16, Value) {
    let mut desk = Client::new(portal);
    desk.token = Some(token.to_owned());
    let answer = desk.post(path, body).await;
    (answer.status.as_u16(), answer.json)
}

/// A session token for `who` (ada: the old password and a texted code).
pub async fn person_token(portal: &Portal, who: &str) -> String {
    let mut client = Client::new(portal);
    client.sign_in(who, OLD_PASSWORD).await;
    client
        .post("/api/v1/account/factor", json!({"method": "sms"}))
        .await;
    let code = latest_code(&portal.store).await;
    let proven = client
        .post("/api/v1/account/factor/code", json!({"code": code}))
        .await;
    assert_eq!(proven.status, StatusCode::OK, "{}", proven.json);
    proven.json["token"].as_str().unwrap().to_owned()
}

/// `body` sent to `path` with `method` and the bearer `token`.
pub async fn call_with(
    portal: &Portal,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let mut client = Client::new(portal);
    client.token = Some(token.to_owned());
    let answer = client.post_as(&method.to_lowercase(), path, body).await;
    (answer.status.as_u16(), answer.json)
}

#[tokio::test]
async fn reports_come_as_json_to_readers_and_admins_only() {
    use crate::helpdesk::{STAFF_PASSWORD, add_staff};
    use latchkey::clock::Clock;
    use latchkey::store::Role;

    let db = TestDb::sqlite("api_reports");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let mut tokens = Vec::new();
    for (name, role) in [("pat", Role::Report), ("kim", Role::Agent)] {
        let secret = add_staff(&portal, &key, name, role).await;
        let mut desk = Client::new(&portal);
        let started = desk
            .post(
                "/api/v1/helpdesk/session",
                json!({"username": name, "password": STAFF_PASSWORD}),
            )
            .await;
        desk.token = Some(started.json["token"].as_str().unwrap().to_owned());
        portal.clock.advance(30);
        let code = latchkey::totp::code_at(&secret, portal.clock.now()).unwrap();
        let on = desk
            .post("/api/v1/helpdesk/session/factor", json!({"code": code}))
            .await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.json);
        tokens.push(on.json["token"].as_str().unwrap().to_owned());
    }
    let mut reader = Client::new(&portal);
    reader.token = Some(tokens[0].clone());
    let report = reader
        .send("GET", "/api/v1/reports/registration?since=2027-01-01", None)
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.json);
    assert_eq!(report.json["report"], "registration");
    assert_eq!(report.json["since"], "2027-01-01");
    assert_eq!(report.json["rows"][1]["way"], "phone");
    assert_eq!(report.json["rows"][1]["figures"]["accounts"], 1.0);
    let bad = reader
        .send("GET", "/api/v1/reports/registration?since=yesterday", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["error"], "range");
    let none = reader.send("GET", "/api/v1/reports/nonsense", None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // A reader opens no account; an agent reads no report.
    let account = reader
        .send("GET", "/api/v1/helpdesk/accounts?q=ada", None)
        .await;
    assert_eq!(account.status, StatusCode::FORBIDDEN);
    let mut agent = Client::new(&portal);
    agent.token = Some(tokens[1].clone());
    let refused = agent.send("GET", "/api/v1/reports/activity", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    db.drop_db().await;
}
