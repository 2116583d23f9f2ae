//! Post/redirect/get: a refused form's answer (its error, the broken rules,
//! what was typed) is kept for a few minutes, sealed, and the browser is sent
//! to the page's own address, which shows it once. Back and reload then
//! never ask to send a form again.

use axum::response::{IntoResponse, Redirect, Response};
use latchkey_policy::{Rule, Violation};
use serde::{Deserialize, Serialize};

use super::{Core, WebError};

const PURPOSE: &str = "flash";
/// Long enough for the redirect, short enough that nobody comes back to it.
const LIFETIME_SECONDS: i64 = 300;

/// What a refused form leaves for its page.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Flash {
    pub error: Option<String>,
    /// Each broken rule: its id and its words (already in the page's language).
    #[serde(default)]
    pub violations: Vec<(String, String)>,
    /// What was typed in the form's one text field, to show it again.
    #[serde(default)]
    pub typed: String,
    /// The field the error is about, where a page marks one.
    #[serde(default)]
    pub field: String,
}

impl Flash {
    pub fn refused(error: Option<String>, violations: &[Violation]) -> Flash {
        Flash {
            error,
            violations: (violations.iter())
                .map(|v| (v.rule.id().to_owned(), v.message.clone()))
                .collect(),
            ..Flash::default()
        }
    }

    pub fn typed(mut self, typed: &str) -> Flash {
        self.typed = typed.to_owned();
        self
    }

    pub fn field(mut self, field: &str) -> Flash {
        self.field = field.to_owned();
        self
    }

    /// The broken rules, as the page shows them.
    pub fn violations(&self) -> Vec<Violation> {
        (self.violations.iter())
            .filter_map(|(rule, message)| {
                Some(Violation {
                    rule: Rule::from_id(rule)?,
                    message: message.clone(),
                    detail: Default::default(),
                })
            })
            .collect()
    }
}

/// Keeps `flash` for the session `holder` names, and sends the browser to
/// `page` (303) to see it.
pub(crate) async fn refused(
    state: &Core,
    holder: &str,
    flash: Flash,
    page: &str,
) -> Result<Response, WebError> {
    let json = serde_json::to_vec(&flash).map_err(|e| WebError::Internal(e.to_string()))?;
    let sealed = (state.key.seal(PURPOSE, &json))
        .ok_or_else(|| WebError::Internal("sealing a form's answer".into()))?;
    let now = state.clock.now();
    (state.store)
        .put_flash(holder, &sealed, now, now + LIFETIME_SECONDS)
        .await?;
    Ok(Redirect::to(page).into_response())
}

/// What a refused form left for the session `holder` names (nothing: an
/// empty one), taken: a reload shows the page afresh.
pub(crate) async fn take(state: &Core, holder: &str) -> Result<Flash, WebError> {
    let now = state.clock.now();
    let Some(sealed) = state.store.take_flash(holder, now).await? else {
        return Ok(Flash::default());
    };
    let json = state.key.open(PURPOSE, &sealed).unwrap_or_default();
    Ok(serde_json::from_slice(&json).unwrap_or_default())
}
