//! `/account/recovery`: how many recovery codes are left, and a new set,
//! shown once; `/account/verify/recovery`: one as a sign-in's second factor.

use super::*;

#[derive(Template)]
#[template(path = "account/recovery.html")]
struct RecoveryPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    /// Codes left in the set the person holds.
    left: usize,
    /// A new set, shown this once.
    codes: Vec<String>,
    /// The same set as a text file to save (a `data:` URL), or empty.
    download: String,
}

/// A new set as a text file, as a `data:` link downloads it: the
/// university, whose codes, when made, one code a line.
fn as_file(state: &Core, who: &SignedIn, codes: &[String]) -> String {
    let lang = crate::i18n::current().lang;
    let made = crate::i18n::date_time(lang, &state.site.zone, state.clock.now());
    let heading = say(
        "recovery-file-heading",
        &[
            ("university", state.site.branding.name.clone()),
            ("username", who.account.username.clone()),
            ("when", made),
        ],
    );
    let lines: Vec<String> = (codes.iter().enumerate())
        .map(|(i, code)| format!("{:>2}. {code}", i + 1))
        .collect();
    let text = format!("{heading}\n\n{}\n", lines.join("\n"));
    let encoded = data_encoding::BASE64.encode(text.as_bytes());
    format!("data:text/plain;charset=utf-8;base64,{encoded}")
}

pub async fn recovery_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    let left = person::recovery_codes_left(&state, who.account.id).await?;
    Ok(render(
        &RecoveryPage {
            site: &state.site,
            csrf: &who.session.csrf,
            left,
            codes: Vec::new(),
            download: String::new(),
        },
        StatusCode::OK,
    ))
}

/// A new set, on a page that is never stored by the browser: leaving it,
/// the codes are not shown again.
pub async fn recovery_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let made = person::make_recovery_codes(&state, &caller(&state, &parts), &who).await?;
    let codes = match made {
        Ok(codes) => codes,
        Err(outcome) => {
            return answer_form(&state, &who, outcome, "/account/recovery", ("/account", "")).await;
        }
    };
    let download = as_file(&state, &who, &codes);
    let mut response = render(
        &RecoveryPage {
            site: &state.site,
            csrf: &who.session.csrf,
            left: codes.len(),
            codes,
            download,
        },
        StatusCode::OK,
    );
    (response.headers_mut()).insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// A recovery code in place of a sign-in's second factor.
pub async fn verify_recovery_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, CodeForm>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    let outcome = person::check_recovery_code(&state, &caller, &session, &form.code).await?;
    factor_answer(&state, &session, form.next, outcome).await
}
