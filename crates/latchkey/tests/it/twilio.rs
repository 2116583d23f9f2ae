//! The Twilio provider against a local HTTP server that records and checks
//! what a real Twilio would receive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use latchkey::notify::twilio::{Twilio, TwilioConfig};
use latchkey::notify::{Channel, MessageProvider, SendError, code_message};

#[derive(Debug, Clone)]
struct Received {
    path: String,
    authorization: String,
    form: HashMap<String, String>,
}

type Log = Arc<Mutex<Vec<Received>>>;

/// Answers like Twilio: 201 with a resource, or 400 with a Twilio error for
/// the number Twilio documents as invalid.
async fn fake_twilio(
    State(log): State<Log>,
    Path((_sid, resource)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, Json<serde_json::Value>) {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let refused = form.get("To").is_some_and(|to| to == "+15005550001");
    log.lock().unwrap().push(Received {
        path: format!("/{resource}"),
        authorization,
        form,
    });
    if refused {
        let error = serde_json::json!({"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number."});
        return (StatusCode::BAD_REQUEST, Json(error));
    }
    (
        StatusCode::CREATED,
        Json(serde_json::json!({"sid": "SM123", "status": "queued"})),
    )
}

async fn start_fake_twilio() -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new()
        .route("/2010-04-01/Accounts/{sid}/{resource}", post(fake_twilio))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), log)
}

fn twilio(base_url: &str) -> Twilio {
    let config = TwilioConfig {
        base_url: base_url.into(),
        account_sid: "ACtest".into(),
        from: "+12025550100".into(),
    };
    Twilio::new(config, "secret-token".into()).unwrap()
}

#[tokio::test]
async fn texts_and_calls_reach_the_api_as_twilio_expects() {
    let (base, log) = start_fake_twilio().await;
    let provider = twilio(&base);
    provider
        .send(
            &code_message(
                Channel::Sms,
                "+12025550143",
                "123456",
                10,
                latchkey::notify::CodeUse::Reset,
                ("University", latchkey::i18n::Lang::En),
            ),
            0,
        )
        .await
        .unwrap();
    provider
        .send(
            &code_message(
                Channel::Voice,
                "+12025550143",
                "654321",
                10,
                latchkey::notify::CodeUse::Reset,
                ("University", latchkey::i18n::Lang::En),
            ),
            0,
        )
        .await
        .unwrap();

    let received = log.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let expected_auth = format!(
        "Basic {}",
        data_encoding::BASE64.encode(b"ACtest:secret-token")
    );
    let (text, call) = (&received[0], &received[1]);
    assert_eq!(text.path, "/Messages.json");
    assert_eq!(text.authorization, expected_auth);
    assert_eq!(text.form["To"], "+12025550143");
    assert_eq!(text.form["From"], "+12025550100");
    assert!(text.form["Body"].contains("123456"), "{:?}", text.form);
    assert_eq!(call.path, "/Calls.json");
    let twiml = &call.form["Twiml"];
    assert!(
        twiml.starts_with("<Response><Say language=\"en-US\">")
            && twiml.contains("6, 5, 4, 3, 2, 1"),
        "{twiml}"
    );
    assert!(!call.form.contains_key("Body"));
}

#[tokio::test]
async fn refusals_and_outages_are_told_apart() {
    let (base, _log) = start_fake_twilio().await;
    let refused = twilio(&base)
        .send(
            &code_message(
                Channel::Sms,
                "+15005550001",
                "1",
                10,
                latchkey::notify::CodeUse::Reset,
                ("University", latchkey::i18n::Lang::En),
            ),
            0,
        )
        .await;
    match refused {
        Err(SendError::Refused(detail)) => assert!(detail.contains("21211"), "{detail}"),
        other => panic!("expected a refusal: {other:?}"),
    }
    // Nothing listens on port 9 of loopback.
    let down = twilio("http://127.0.0.1:9")
        .send(
            &code_message(
                Channel::Sms,
                "+12025550143",
                "1",
                10,
                latchkey::notify::CodeUse::Reset,
                ("University", latchkey::i18n::Lang::En),
            ),
            0,
        )
        .await;
    assert!(matches!(down, Err(SendError::Unreachable(_))), "{down:?}");
    let mail = twilio(&base)
        .send(
            &latchkey::notify::Message {
                channel: Channel::Email,
                recipient: "a@example.edu".into(),
                subject: "s".into(),
                body: "x".into(),
                language: latchkey::i18n::Lang::En,
            },
            0,
        )
        .await;
    assert!(matches!(mail, Err(SendError::Refused(_))));
}

#[test]
fn an_incomplete_configuration_is_refused_at_start() {
    let missing_sid = TwilioConfig {
        from: "+12025550100".into(),
        ..TwilioConfig::default()
    };
    assert!(
        Twilio::new(missing_sid, "token".into())
            .err()
            .unwrap()
            .contains("account_sid")
    );
    let config = TwilioConfig {
        account_sid: "AC1".into(),
        from: "+12025550100".into(),
        ..TwilioConfig::default()
    };
    assert!(
        Twilio::new(config, String::new())
            .err()
            .unwrap()
            .contains("LATCHKEY_TWILIO_AUTH_TOKEN")
    );
}
