//! `POST /helpdesk/accounts/{id}/access-pass`: a temporary access pass for
//! a verified caller, shown to the agent once (to read out), never stored
//! in the browser.

use super::*;
use crate::domain::access_pass;

#[derive(Template)]
#[template(path = "helpdesk/access_pass.html")]
struct PassPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    account: &'a Account,
    pass: String,
    until: String,
}

pub async fn access_pass_post(
    State(state): State<Core>,
    parts: Parts,
    Path(id): Path<i64>,
    Checked { session, .. }: Checked<StaffSession, CsrfForm>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, Some(session)).await?;
    let account = helpdesk::existing_account(&state, id).await?;
    let caller = caller(&state, &parts);
    match access_pass::issue(&state, &caller, &on, account.id).await? {
        Ok(issued) => {
            let mut response = render(
                &PassPage {
                    site: &state.site,
                    csrf: &on.session.csrf,
                    staff: &on.staff,
                    account: &account,
                    pass: issued.pass,
                    until: staff_time(&state, issued.expires_at),
                },
                StatusCode::OK,
            );
            let no_store = header::HeaderValue::from_static("no-store");
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, no_store);
            Ok(response)
        }
        Err(error) => {
            let flash = Flash::refused(Some(error), &[]);
            let page = format!("/helpdesk/accounts/{id}");
            flash::refused(&state, &holder(&on.session), flash, &page).await
        }
    }
}
