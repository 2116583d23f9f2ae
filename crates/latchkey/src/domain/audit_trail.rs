//! The audit trail as a manager reads it: each event told in words, in the
//! reader's language, with the account's username and name instead of its
//! number, and whether it went well. The stored action name (its code)
//! stays what exports and reports read; the words are only shown.

use std::collections::HashMap;

use serde::Serialize;

use super::{Core, Error};
use crate::i18n::Lang;
use crate::store::AuditEvent;

/// How an event went, for the trail's filter and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Something done, or a step passed.
    Done,
    /// A wrong answer, a refusal, a lock, a limit, a failure.
    Failed,
}

/// The words (the last part of an action's code, split at `_`) that mark
/// an event as one that did not go through.
const FAILURE_WORDS: &[&str] = &[
    "wrong",
    "failed",
    "refused",
    "replayed",
    "void",
    "throttled",
    "withheld",
    "locked",
    "paused",
    "unreachable",
    "breached",
    "expired",
    "below",
    "unverified",
    "no",
];

/// The channels an action's code may end with (`reset.code_sent.sms`).
const CHANNELS: &[&str] = &["sms", "voice", "email"];

/// An action's code taken apart: the kind it names (`reset.code_sent`), the
/// channel it ends with (`sms`), and what follows its colon (`app_code`).
struct Parts<'a> {
    kind: &'a str,
    channel: Option<&'a str>,
    argument: &'a str,
}

fn parts(action: &str) -> Parts<'_> {
    let (head, argument) = action.split_once(':').unwrap_or((action, ""));
    match head.rsplit_once('.') {
        Some((kind, last)) if CHANNELS.contains(&last) => Parts {
            kind,
            channel: Some(last),
            argument,
        },
        _ => Parts {
            kind: head,
            channel: None,
            argument,
        },
    }
}

impl Outcome {
    /// How the event with this action's code went.
    pub fn of(action: &str) -> Outcome {
        let kind = parts(action).kind;
        let last = kind.rsplit('.').next().unwrap_or(kind);
        let failed = last.split('_').any(|word| FAILURE_WORDS.contains(&word))
            || kind.starts_with("notice_failed");
        if failed {
            Outcome::Failed
        } else {
            Outcome::Done
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        match text {
            "done" => Some(Outcome::Done),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// The message that tells an action's kind: `audit-reset-code-sent`.
fn message_id(kind: &str) -> String {
    format!("audit-{}", kind.replace(['.', '_'], "-"))
}

/// An action told in words: "Sent a reset code by text message". An
/// action with no words yet (one a later version wrote) shows its code.
pub fn told(lang: Lang, action: &str) -> String {
    let parts = parts(action);
    let id = message_id(parts.kind);
    if !lang.knows(&id) {
        return action.to_owned();
    }
    let channel = parts.channel.unwrap_or("none");
    let words = lang.tell(
        &id,
        &[
            ("channel", channel.to_owned()),
            ("detail", parts.argument.to_owned()),
        ],
    );
    words.trim_end().to_owned()
}

/// One event as the trail shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub event: AuditEvent,
    /// What happened, in words.
    pub words: String,
    pub outcome: Outcome,
    /// The account's username and name, when the event is about one that
    /// is still here.
    pub username: Option<String>,
    pub name: Option<String>,
}

impl Line {
    pub fn failed(&self) -> bool {
        self.outcome == Outcome::Failed
    }
}

/// Tells `events` in `lang`, naming their accounts.
pub async fn lines(core: &Core, lang: Lang, events: Vec<AuditEvent>) -> Result<Vec<Line>, Error> {
    let mut ids: Vec<i64> = events.iter().filter_map(|e| e.account_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, (String, String)> = core.store.names_of(&ids).await?;
    Ok(events
        .into_iter()
        .map(|event| {
            let named = event.account_id.and_then(|id| names.get(&id));
            Line {
                words: told(lang, &event.action),
                outcome: Outcome::of(&event.action),
                username: named.map(|(username, _)| username.clone()),
                name: named.map(|(_, name)| name.clone()),
                event,
            }
        })
        .collect())
}

/// What the trail is searched by.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub account_id: Option<i64>,
    /// `staff:NAME`, `self-service`, …; empty for anyone.
    pub actor: String,
    /// The start of an action's code.
    pub action: String,
    pub outcome: Option<Outcome>,
    pub since: i64,
}

/// Events read at a time while looking for `limit` with the outcome asked.
const SCAN_PAGE: i64 = 1_000;
/// How far back an outcome filter reads before it stops.
const SCAN_MOST: usize = 50_000;

/// The newest `limit` events matching `search`, newest first. The outcome
/// is a reading of the action's code, so it is filtered here, reading back
/// at most [`SCAN_MOST`] events.
pub async fn search(core: &Core, search: &Search, limit: usize) -> Result<Vec<AuditEvent>, Error> {
    let mut found = Vec::new();
    let mut before = i64::MAX;
    // Without an outcome to filter by, the first page is the answer.
    let page_size = match search.outcome {
        None => i64::try_from(limit).unwrap_or(i64::MAX),
        Some(_) => SCAN_PAGE,
    };
    let mut read = 0;
    while found.len() < limit && read < SCAN_MOST {
        let page = core
            .store
            .search_events(
                search.account_id,
                &search.actor,
                &search.action,
                search.since,
                before,
                page_size,
            )
            .await?;
        let Some(last) = page.last() else { break };
        before = last.seq;
        read += page.len();
        found.extend(
            page.into_iter()
                .filter(|e| search.outcome.is_none_or(|o| Outcome::of(&e.action) == o)),
        );
    }
    found.truncate(limit);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audit::Action;
    use crate::model::message::{Channel, CodeUse};

    /// One of every action (each variant of [`Action`]).
    fn every_action() -> Vec<Action> {
        use Action::*;
        vec![
            ResetStarted,
            ResetCaptchaFailed,
            ResetCaptchaRenewed,
            ResetCaptchaPassed,
            ResetPowPassed,
            ResetPowRefused("stale"),
            ResetNoMethod,
            ResetMethodApp,
            ResetCodeVoid,
            ResetCodeWrong,
            ResetAppCodeReplayed,
            ResetLocked,
            ResetMethodPaused("sms"),
            ResetCodeVerified,
            ResetProofAccepted("phone"),
            ResetPasswordRefused("min_length".into()),
            ResetCompleted("sms"),
            ResetDirectoryUnlocked,
            ResetLinkUsed,
            ResetLinkRefused,
            CodeSent(CodeUse::Reset, Channel::Sms),
            CodeSent(CodeUse::SignIn, Channel::Voice),
            CodeSent(CodeUse::Registration, Channel::Sms),
            CodeSent(CodeUse::CallerCheck, Channel::Email),
            SendThrottled(CodeUse::Reset),
            SendThrottled(CodeUse::SignIn),
            SendThrottled(CodeUse::Registration),
            SendThrottled(CodeUse::CallerCheck),
            SendWithheld(CodeUse::Reset, Channel::Voice),
            SendWithheld(CodeUse::SignIn, Channel::Sms),
            SendWithheld(CodeUse::Registration, Channel::Sms),
            SendWithheld(CodeUse::CallerCheck, Channel::Sms),
            SignInFailed,
            SignInDirectoryLocked,
            SignInDirectoryUnreachable,
            SignInPasswordExpired,
            SignInPasswordBreached,
            SignInPasswordBelowPolicy("min_length".into()),
            SignInPaused,
            SignInWithheld,
            SignInPasswordOk,
            SignInSucceeded,
            SignInFactorProven,
            SignInCodeWrong,
            SignInCodesPaused,
            SignInAppCodeReplayed,
            SignedOut,
            PhoneCodeSent(Channel::Sms),
            PhoneCodeWrong,
            PhoneAdded,
            PhoneReplaced,
            PhoneRemoved,
            AuthenticatorCodeWrong,
            AuthenticatorAdded,
            AuthenticatorReplaced,
            AuthenticatorRemoved,
            EmailCodeSent,
            EmailCodeWrong,
            EmailAdded,
            EmailRemoved,
            PasskeyAdded,
            PasskeyRemoved,
            PasskeyUsed,
            PasskeyRefused,
            SignInByPasskey,
            RecoveryCodesMade,
            RecoveryCodeUsed,
            RecoveryCodeWrong,
            LanguageChosen,
            MethodsConfirmed,
            ReportedNotMe,
            ReportLinkRefused,
            CurrentPasswordWrong,
            PasswordRefused("min_length".into()),
            PasswordUpdated { ended_sessions: 2 },
            StaffSignInFailed,
            StaffPasswordOk,
            StaffFactorFailed,
            StaffSignedIn,
            StaffSignedOut,
            RefusedNotAdmin,
            RefusedUnverified,
            CallerCodeSent(Channel::Sms),
            CallerCodeWrong,
            CallerLocked,
            CallerVerified("code"),
            HelpdeskPhoneSet,
            HelpdeskPhoneRemoved,
            HelpdeskUnlocked,
            HelpdeskDirectoryUnlocked,
            HelpdeskMustChangePassword,
            ResetLinkSent(Channel::Email),
            AccessPassIssued,
            AccessPassUsed,
            AccessPassWrong,
            AuditViewed,
            AuditExported,
            ReportsViewed("registration"),
            StaffAdded {
                username: "kim".into(),
                role: "agent",
            },
            StaffRole {
                username: "kim".into(),
                role: "admin",
            },
            StaffPasswordReset("kim".into()),
            StaffAuthenticatorReset("kim".into()),
            StaffDisabled {
                id: 3,
                disabled: true,
            },
            StaffDisabled {
                id: 3,
                disabled: false,
            },
            StaffPasswordChanged,
            StaffPasswordChangeRefused("min_length".into()),
            AccountCreated,
            AccountSynced,
            AccountArrived("reset"),
            AccountLeftDirectory,
            AccountReturnedToDirectory,
            PasswordChanged,
            PasswordUnlockedDirectory,
            PasswordAdopted,
            ReminderSent("expiry:14".into()),
            WatchWarned,
            WatchLockCaught,
            WatchUnlockedByLink,
            WatchLinkRefused,
            DirectorySettled("stored"),
            NoticeFailed(Channel::Sms),
        ]
    }

    #[test]
    fn every_action_is_told_in_words_in_every_language() {
        for lang in Lang::ALL {
            for action in every_action() {
                let name = action.name();
                let words = told(lang, &name);
                assert_ne!(words, name, "{}: no words for {name}", lang.code());
                assert!(!words.contains("audit-"), "{words}");
                assert!(!words.contains('{'), "{words}");
            }
        }
    }

    #[test]
    fn a_caller_verified_with_an_app_code_reads_as_such() {
        let words = told(Lang::En, "helpdesk.caller_verified:app_code");
        assert_eq!(words, "Verified the caller with a code from their app");
        let words = told(Lang::Es, "helpdesk.caller_verified:app_code");
        assert_eq!(words, "Verificó a quien llama con un código de su app");
        assert_eq!(
            told(Lang::En, "reset.code_sent.sms"),
            "Sent a reset code by text message"
        );
        assert_eq!(told(Lang::En, "later.unknown_thing"), "later.unknown_thing");
    }

    #[test]
    fn outcomes_read_failure_words_and_nothing_else() {
        for failed in [
            "reset.code_wrong",
            "signin.directory_locked",
            "reset.locked",
            "reset.send_throttled",
            "signin.send_withheld.sms",
            "helpdesk.refused_not_admin",
            "notice_failed.email",
            "reset.pow_refused:stale",
            "account.password_refused:min_length",
        ] {
            assert_eq!(Outcome::of(failed), Outcome::Failed, "{failed}");
        }
        for done in [
            "reset.completed",
            "reset.directory_unlocked",
            "helpdesk.unlocked",
            "reset.code_sent.sms",
            "helpdesk.caller_verified:code",
            "watch.unlocked_by_link",
        ] {
            assert_eq!(Outcome::of(done), Outcome::Done, "{done}");
        }
    }
}
