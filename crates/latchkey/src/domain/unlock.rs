//! An account the directory locked after wrong passwords (a laptop or a
//! phone that keeps trying an old one is the usual cause), unlocked
//! without a new password: by the person, after the same proof as a reset
//! (CAPTCHA, then a code or their app), or by the help desk, after the
//! caller is verified. Each unlock is audited and the person told.

use super::reset::Outcome;
use super::{Caller, Core, Error, account_of, audit, notify};
use crate::directory::{DirectoryError, Lock};
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::notify::Notice;
use crate::store::{ResetSession, Step};

/// Whether the directory has this account locked; `None` without a
/// directory, or when it cannot say now (logged).
pub async fn directory_lock(core: &Core, account: &Account) -> Option<Lock> {
    let writeback = core.writeback.as_ref()?;
    match writeback.directory.lock(&account.username).await {
        Ok(lock) => Some(lock),
        Err(e) => {
            tracing::warn!(error = %e, "the directory could not say whether an account is locked");
            None
        }
    }
}

/// Whether the reset's account is locked in the directory: asked only once
/// the code is proven, so only its owner learns it.
pub async fn reset_lock(core: &Core, session: &ResetSession) -> Result<Option<Lock>, Error> {
    if session.step != Step::Password {
        return Ok(None);
    }
    let account = account_of(core, session.account_id).await?;
    Ok(directory_lock(core, &account).await)
}

/// At the reset's password step: lift the directory's lock and keep the
/// password; the reset ends, as `unlocked`.
pub async fn unlock_by_reset(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
) -> Result<Outcome, Error> {
    if session.step != Step::Password {
        return Ok(Outcome::OtherStep);
    }
    let account = account_of(core, session.account_id).await?;
    if let Err(why) = unlock(core, &account, "owner").await? {
        return Ok(Outcome::Again {
            error: Some(why),
            violations: Vec::new(),
        });
    }
    core.store
        .advance_reset(&session.id, Step::Password, Step::Unlocked)
        .await?;
    audit(
        core,
        caller,
        Action::ResetDirectoryUnlocked,
        Some(account.id),
    )
    .await?;
    core.metrics.reset("unlocked");
    notify(
        core,
        caller,
        &account,
        unlocked_notice("notice-unlocked-self"),
        None,
    )
    .await?;
    Ok(Outcome::Moved)
}

/// The help desk's unlock, for a verified caller: `Ok(())`, or what to
/// tell the agent. The caller's check is the console's to make.
pub async fn unlock_for_caller(
    core: &Core,
    account: &Account,
) -> Result<Result<(), String>, Error> {
    unlock(core, account, "helpdesk").await
}

/// The notice an unlock sends; `by` says who did it (a message id).
pub fn unlocked_notice(by: &'static str) -> Notice {
    Notice::Account {
        subject: "notice-unlocked-subject",
        what: crate::i18n::Text::new(by),
    }
}

/// Lifts the directory's lock, and notes it on the account's watch after
/// a change (a link's own unlock is noted when the link is spent).
async fn unlock(core: &Core, account: &Account, by: &str) -> Result<Result<(), String>, Error> {
    let unlocked = unlock_in_directory(core, account).await?;
    if unlocked.is_ok() {
        let now = core.clock.now();
        if let Some(watch) = core.store.watch_of(account.id).await?
            && watch.watch_until > now
            && watch.unlocked_at.is_none()
        {
            core.store.note_watch_unlock(account.id, by, now).await?;
            if watch.warned_at.or(watch.link_sent_at).is_some() {
                core.metrics.watch.unlocks.inc();
            }
        }
    }
    Ok(unlocked)
}

/// Lifts the directory's lock: `Ok(())`, or what to tell the person.
pub(super) async fn unlock_in_directory(
    core: &Core,
    account: &Account,
) -> Result<Result<(), String>, Error> {
    let Some(writeback) = core.writeback.as_ref() else {
        return Ok(Err(
            "There is no campus directory to unlock the account in.".into(),
        ));
    };
    Ok(match writeback.directory.unlock(&account.username).await {
        Ok(()) => {
            super::authority::forget_binds(&core.store, &account.username).await;
            Ok(())
        }
        Err(DirectoryError::Disabled) => Err(
            "An administrator of the campus directory locked this account, so it cannot be unlocked here. Call the help desk.".into(),
        ),
        Err(DirectoryError::NoEntry) => Err(
            "This account is not in the campus directory, so there is nothing to unlock. Call the help desk.".into(),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "the directory did not unlock an account");
            Err("The campus directory cannot be reached right now, so the account is still locked. Try again in a few minutes.".into())
        }
    })
}
