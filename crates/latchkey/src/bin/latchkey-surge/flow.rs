//! One person's reset through the JSON API, step by step as the state
//! says, from whichever instance answers.

use super::*;

impl Ctx {
    /// One API request; a connection that fails (an instance down) moves
    /// the person to the other instance and tries again: no stickiness.
    async fn call(
        &self,
        instance: &mut usize,
        person: &Person,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        for _ in 0..120 {
            let port = self.cluster.port(*instance).await;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", Cluster::url(port)))
                .header("x-forwarded-for", &person.address);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let started = Instant::now();
            match request.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let bytes = answer.bytes().await.map_err(|e| e.to_string());
                    let Ok(bytes) = bytes else {
                        // Cut off mid-answer: the request may or may not have been applied.
                        self.tally.failovers.fetch_add(1, Ordering::Relaxed);
                        *instance = 1 - *instance;
                        continue;
                    };
                    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                    if status == 503 {
                        // The database is away: a person told to try again in
                        // a minute; the harness comes back sooner, to see when
                        // it is back.
                        self.tally.unavailable_ms.lock().await.push(elapsed);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    let times = match path.ends_with("/password") {
                        true => &self.tally.password_ms,
                        false => &self.tally.other_ms,
                    };
                    times.lock().await.push(elapsed);
                    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                    return Ok((status, json));
                }
                Err(_) => {
                    self.tally.failovers.fetch_add(1, Ordering::Relaxed);
                    *instance = 1 - *instance;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        Err(format!("{path}: no instance answered"))
    }

    /// The newest code texted to `phone`, from the outbox table.
    async fn code_for(&self, phone: &str) -> Result<String, String> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = $1 AND channel = 'sms' ORDER BY id DESC LIMIT 1",
        )
        .bind(phone)
        .fetch_optional(&self.db)
        .await
        .map_err(|e| format!("outbox: {e}"))?;
        let body = body.ok_or("no code in the outbox")?;
        Ok(body.chars().filter(char::is_ascii_digit).take(6).collect())
    }

    /// One person's reset, begun again (once) when the answer carrying the
    /// renewed token was lost with a killed instance: as a person would,
    /// who starts over.
    pub(crate) async fn reset(&self, person: &Person, instance: usize) -> Result<(), String> {
        match self.reset_once(person, instance).await {
            Err(Lost::RenewedToken) => {
                self.tally.restarts.fetch_add(1, Ordering::Relaxed);
                self.reset_once(person, instance)
                    .await
                    .map_err(|lost| lost.to_string())
            }
            other => other.map_err(|lost| lost.to_string()),
        }
    }

    async fn reset_once(&self, person: &Person, mut instance: usize) -> Result<(), Lost> {
        use reqwest::Method;
        let (status, started) = self
            .call(
                &mut instance,
                person,
                Method::POST,
                "/api/v1/reset",
                None,
                None,
            )
            .await?;
        if status != 201 {
            return Err(Lost::Other(format!("start: {status} {started}")));
        }
        let mut token = started["token"]
            .as_str()
            .ok_or(Lost::Other("no token".into()))?
            .to_owned();
        let mut state = started["state"].clone();
        for _ in 0..MAX_REQUESTS {
            let step = state["step"].as_str().unwrap_or("").to_owned();
            let (path, body) = match step.as_str() {
                "identify" => (
                    "/api/v1/reset/identify",
                    json!({"identifier": person.username}),
                ),
                "captcha" => (
                    "/api/v1/reset/captcha",
                    json!({"answer": ANSWER.to_lowercase(), "pow": solved(&state["pow"])}),
                ),
                "method" => ("/api/v1/reset/method", json!({"method": "sms"})),
                "code" => (
                    "/api/v1/reset/code",
                    json!({"code": self.code_for(&person.phone).await?}),
                ),
                "password" => (
                    "/api/v1/reset/password",
                    json!({"password": person.new_password, "confirm": person.new_password}),
                ),
                "done" => return Ok(()),
                other => {
                    return Err(Lost::Other(format!("stopped at step {other:?}: {state}")));
                }
            };
            let (status, answer) = self
                .call(
                    &mut instance,
                    person,
                    Method::POST,
                    path,
                    Some(&token),
                    Some(body),
                )
                .await?;
            match status {
                // 409: a retry of a request the killed instance had applied.
                200 | 409 => {}
                422 => {
                    self.tally.refusals.fetch_add(1, Ordering::Relaxed);
                    if step == "password" {
                        return Err(Lost::Other(format!("password refused: {answer}")));
                    }
                }
                // The code was taken by an instance killed before it answered:
                // the reset moved on under a token that never arrived.
                401 if step == "code" => return Err(Lost::RenewedToken),
                _ => return Err(Lost::Other(format!("{path}: {status} {answer}"))),
            }
            // The code step renews the reset's token: the old one is dead.
            if let Some(renewed) = answer["token"].as_str() {
                token = renewed.to_owned();
            }
            state = answer;
        }
        Err(Lost::Other("too many requests for one reset".into()))
    }
}

/// Why one try at a reset did not finish.
enum Lost {
    RenewedToken,
    Other(String),
}

impl From<String> for Lost {
    fn from(why: String) -> Lost {
        Lost::Other(why)
    }
}

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lost::RenewedToken => write!(f, "the renewed token was lost with a killed instance"),
            Lost::Other(why) => write!(f, "{why}"),
        }
    }
}

/// The image's proof of work, when the state offers one beside it (the
/// cost is raised): solved as a browser would.
fn solved(offered: &serde_json::Value) -> Option<String> {
    let challenge = serde_json::from_value(offered.clone()).ok()?;
    latchkey::captcha::pow::solve(&challenge).map(|s| latchkey::captcha::pow::encode(&s))
}
