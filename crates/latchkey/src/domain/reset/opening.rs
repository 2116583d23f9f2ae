//! A reset not yet begun: the portal's first page. Every visitor sees it,
//! crawlers and load balancers' probes included, so showing it writes
//! nothing: its token is made up on the spot, its form token is that
//! token's HMAC (checked without a row), and its proof of work is signed,
//! bound to the token and carries its cost in its salt. The reset begins,
//! as a row and a count against the address, when the form comes back.

use super::{
    Caller, Core, Error, Limit, PowChallenge, ResetSession, Step, create, demand, issue_pow,
    keep_pow, pow,
};
use crate::secrets::{same, token_id};

const FORM_PURPOSE: &str = "reset-opening-form";

/// The first page's makings: the token its cookie carries, its form
/// token, and its proof of work (when offered).
pub struct Opening {
    pub token: String,
    pub csrf: String,
    pub pow: Option<PowChallenge>,
}

fn form_token(core: &Core, token: &str) -> String {
    core.key.tag(FORM_PURPOSE, token)
}

/// A first page for `caller`, under the token of the one it was shown
/// before (`seen`) or a new one: reads the counts its proof's cost
/// follows, writes nothing.
pub async fn opening(core: &Core, caller: &Caller, seen: Option<String>) -> Result<Opening, Error> {
    let token = seen.unwrap_or_else(|| core.entropy.token());
    let pow = match core.captcha.proof_of_work {
        true => {
            // Priced as the reset it would begin: this source's next one.
            let recent = Limit::ResetsPerAddress.count(core, &caller.source).await?;
            let cost = demand::cost(core, &caller.source, Some(recent.hits + 1)).await?;
            Some(issue_pow(core, &token_id(&token), cost))
        }
        false => None,
    };
    Ok(Opening {
        csrf: form_token(core, &token),
        token,
        pow,
    })
}

/// The reset the first page's form begins: `token` from its cookie, `csrf`
/// and the proof's solution (`pow`) from the form. `None` when the form
/// token is not the page's or the reset began already (a replay). The
/// proof's challenge, read back from its signed solution, is stored with
/// the reset as if it had been offered there: the identify step spends it,
/// and refuses it if the cost has since risen past it.
pub async fn begin(
    core: &Core,
    caller: &Caller,
    token: &str,
    csrf: &str,
    pow: Option<&str>,
) -> Result<Option<ResetSession>, Error> {
    if !same(csrf, &form_token(core, token)) {
        return Ok(None);
    }
    let Some((session, _)) = create(core, caller, token, csrf.to_owned()).await? else {
        return Ok(None);
    };
    let now = core.clock.now();
    let offered = pow
        .filter(|_| core.captcha.proof_of_work)
        .and_then(|sent| pow::answered(&core.key, sent, &session.id, now));
    if let Some(challenge) = offered {
        keep_pow(core, &session.id, Step::Identify, &challenge).await?;
    }
    Ok(Some(session))
}
