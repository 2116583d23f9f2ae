//! Another email address of the person's own (NIST SP 800-63B-4 § 4.2: an
//! address of record for recovery), outside the university: proven by a
//! code mailed to it; then reset codes may go there, and every notice goes
//! there too. It is no second factor for signing in.

use super::{Next, Outcome, SignedIn, factor_is_fresh, refused};
use crate::domain::code::{
    Asker, Verdict, attempt, issue, new_code, send_code, tries_left_message,
};
use crate::domain::{Caller, Core, Error, SELF_SERVICE, audit, change_account, notify};
use crate::i18n::{Text, say};
use crate::model::account::{Account, mask_email};
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::{Channel, CodeUse, Notice};
use crate::store::AccountChange;

/// The address typed, as kept (its domain in lower case), or why not: not
/// an address, or one at the university (whose mailbox a lost password
/// locks too).
fn usable(account: &Account, typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    let address: lettre::Address = typed.parse().map_err(|_| say("email-unusable", &[]))?;
    let domain = address.domain().to_lowercase();
    let campus = account
        .email
        .rsplit_once('@')
        .map(|(_, d)| d.to_lowercase());
    let inside = campus.is_some_and(|c| domain == c || domain.ends_with(&format!(".{c}")));
    if inside {
        return Err(say("email-campus", &[]));
    }
    Ok(format!("{}@{domain}", address.user()))
}

/// An address to register: checked, then proven by a code mailed to it.
pub async fn start_alt_email(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Email));
    }
    let email = match usable(&who.account, typed) {
        Ok(email) => email,
        Err(why) => return Ok(refused(why)),
    };
    let lang = crate::i18n::current().lang;
    let sent = send_code(
        core,
        (who.account.id, Asker::Owner),
        Channel::Email,
        &email,
        (CodeUse::Registration, lang),
    );
    let tag = match sent.await? {
        Ok(tag) => tag,
        Err(why) => return Ok(refused(why.message())),
    };
    let id = &who.session.id;
    core.store.set_enrol_email(id, &email).await?;
    let code = new_code(core, CodeUse::Registration, None, Method::Mail, Some(tag));
    issue(core, &SessionKind::Person.holder(id), &code).await?;
    audit(core, caller, Action::EmailCodeSent, Some(who.account.id)).await?;
    Ok(Outcome::Done)
}

/// The code mailed to the new address: right, and it is registered.
pub async fn confirm_alt_email(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Email));
    }
    let (id, account) = (&who.session.id, &who.account);
    let holder = SessionKind::Person.holder(id);
    let (verdict, email) = match who.session.enrol_email.clone() {
        Some(email) => {
            let verdict = attempt(core, &holder, CodeUse::Registration, None, None, typed);
            (verdict.await?, email)
        }
        None => (Verdict::Void, String::new()),
    };
    if verdict == Verdict::Void {
        core.store.clear_session_code(id).await?;
        return Ok(refused(say("email-code-spent", &[])));
    }
    if verdict != Verdict::Right {
        audit(core, caller, Action::EmailCodeWrong, Some(account.id)).await?;
        let max = core.server.code_tries;
        let left = OneTimeCode::left_after_this_try(who.session.code.as_ref(), max);
        return Ok(refused(tries_left_message(left)));
    }
    let change = AccountChange::AltEmail(Some(&email));
    change_account(
        core,
        caller,
        SELF_SERVICE,
        account.id,
        change,
        Action::EmailAdded,
    )
    .await?;
    core.store.clear_session_code(id).await?;
    let what = Text::new("notice-email-added").with("email", mask_email(&email));
    let account = Account {
        alt_email: Some(email),
        ..account.clone()
    };
    notify(core, caller, &account, Notice::Methods(what), None).await?;
    Ok(Outcome::Done)
}

/// No other address any more (told there one last time).
pub async fn remove_alt_email(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
) -> Result<Outcome, Error> {
    let Some(old) = who.account.alt_email.clone() else {
        return Ok(refused(say("email-none", &[])));
    };
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Email));
    }
    let (change, action) = (AccountChange::AltEmail(None), Action::EmailRemoved);
    change_account(core, caller, SELF_SERVICE, who.account.id, change, action).await?;
    let what = Text::new("notice-email-removed").with("email", mask_email(&old));
    // Told at the address removed too, as a phone removed is.
    notify(core, caller, &who.account, Notice::Methods(what), None).await?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_at_the_university_is_refused() {
        let account = Account {
            email: "ada@Example.edu".into(),
            ..crate::domain::proofs::tests_account()
        };
        assert_eq!(
            usable(&account, " Ada@Gmail.COM ").unwrap(),
            "Ada@gmail.com"
        );
        assert!(usable(&account, "ada@example.edu").is_err());
        assert!(usable(&account, "ada@mail.EXAMPLE.edu").is_err());
        assert!(usable(&account, "not an address").is_err());
        assert!(usable(&account, "ada@notexample.edu").is_ok());
    }
}
