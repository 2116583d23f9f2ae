//! Every action the audit trail records, named once. An event's `action`
//! column holds [`Action::name`]: a step or a rule id, never a password or
//! a code. Reports and tests read these names, so a name, once written,
//! stays.

use std::borrow::Cow;

use super::message::{Channel, CodeUse};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // The reset flow.
    ResetStarted,
    ResetCaptchaFailed,
    ResetCaptchaRenewed,
    ResetCaptchaPassed,
    /// The proof of work stood in for the image.
    ResetPowPassed,
    /// A proof of work that did not hold, and why.
    ResetPowRefused(&'static str),
    /// Unknown, without a method, or with online reset locked: help desk.
    ResetNoMethod,
    ResetMethodApp,
    ResetCodeVoid,
    ResetCodeWrong,
    ResetAppCodeReplayed,
    ResetLocked,
    /// Too many wrong codes from one way (`sms`, `voice`, `totp`): it
    /// pauses, and the person is sent back to choose another.
    ResetMethodPaused(&'static str),
    ResetCodeVerified,
    /// One proof in (`phone`, `app`, `recovery`), another way asked for.
    ResetProofAccepted(&'static str),
    /// The broken rules, comma-separated.
    ResetPasswordRefused(String),
    /// The password reset, and the way that proved the person last
    /// (`sms`, `voice`, `app`, `passkey`, `recovery`, `email`, or `link`).
    ResetCompleted(&'static str),
    /// The directory's lock lifted at the password step; the password kept.
    ResetDirectoryUnlocked,
    ResetLinkUsed,
    ResetLinkRefused,
    /// A code sent for a reset or a sign-in, by text or call.
    CodeSent(CodeUse, Channel),
    /// A send over the per-account or per-phone limits.
    SendThrottled(CodeUse),
    /// A text or call not sent: its country is not allowed, or the budget is spent.
    SendWithheld(CodeUse, Channel),

    // Sign-in and the person's own account.
    SignInFailed,
    /// The directory had locked the account: answered as a wrong password.
    SignInDirectoryLocked,
    SignInDirectoryUnreachable,
    /// The right password, expired in the directory: a change is required.
    SignInPasswordExpired,
    /// The right password, in the breached set: a change is required.
    SignInPasswordBreached,
    /// The right password, breaking today's rules (their ids,
    /// comma-separated): a change is required.
    SignInPasswordBelowPolicy(String),
    SignInPaused,
    /// Not tried in the directory: another wrong password could lock it there.
    SignInWithheld,
    SignInPasswordOk,
    SignInSucceeded,
    SignInFactorProven,
    SignInCodeWrong,
    SignInCodesPaused,
    SignInAppCodeReplayed,
    SignedOut,
    PhoneCodeSent(Channel),
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
    /// A passkey proved the person (sign-in, or a reset's way).
    PasskeyUsed,
    /// A passkey's answer that did not hold.
    PasskeyRefused,
    /// Signed in with a passkey alone (no password).
    SignInByPasskey,
    RecoveryCodesMade,
    RecoveryCodeUsed,
    RecoveryCodeWrong,
    LanguageChosen,
    /// The owner said the ways they reset with are still theirs.
    MethodsConfirmed,
    /// The owner followed a notice's "this wasn't me" link and confirmed.
    ReportedNotMe,
    /// A "this wasn't me" link that was forged, too old or used.
    ReportLinkRefused,
    CurrentPasswordWrong,
    /// The broken rules, comma-separated.
    PasswordRefused(String),
    PasswordUpdated {
        ended_sessions: u64,
    },

    // The help desk.
    StaffSignInFailed,
    StaffPasswordOk,
    StaffFactorFailed,
    StaffSignedIn,
    StaffSignedOut,
    RefusedNotAdmin,
    RefusedUnverified,
    CallerCodeSent(Channel),
    CallerCodeWrong,
    /// Too many wrong caller codes: the account's online reset is locked.
    CallerLocked,
    /// `code`, or `manual` (a recorded out-of-band check).
    CallerVerified(&'static str),
    HelpdeskPhoneSet,
    HelpdeskPhoneRemoved,
    HelpdeskUnlocked,
    HelpdeskDirectoryUnlocked,
    HelpdeskMustChangePassword,
    ResetLinkSent(Channel),
    /// A temporary access pass issued to a verified caller.
    AccessPassIssued,
    AccessPassUsed,
    /// A wrong, used or expired pass, or one for no such account.
    AccessPassWrong,
    AuditViewed,
    AuditExported,
    /// A report read (`registration`, `activity`, …), on the page or by the API.
    ReportsViewed(&'static str),
    /// A member of staff changed their own password.
    StaffPasswordChanged,
    /// A member of staff's own new password refused (the broken rules).
    StaffPasswordChangeRefused(String),

    // Staff administration (the console's admin page, `latchkey staff`).
    StaffAdded {
        username: String,
        role: &'static str,
    },
    StaffRole {
        username: String,
        role: &'static str,
    },
    StaffPasswordReset(String),
    StaffAuthenticatorReset(String),
    /// A member of staff, by id, disabled (`true`) or enabled again.
    StaffDisabled {
        id: i64,
        disabled: bool,
    },

    // The store and the directory.
    AccountCreated,
    AccountSynced,
    /// In the directory, not yet here: imported on the spot (`signin`, `reset`).
    AccountArrived(&'static str),
    /// A sync found the person gone from the directory: no sign-in, no reset.
    AccountLeftDirectory,
    /// A sync, or an arrival, found the person in the directory again.
    AccountReturnedToDirectory,
    PasswordChanged,
    /// Active Directory: a new password that also lifted the account's lock.
    PasswordUnlockedDirectory,
    /// A password the directory accepted at sign-in, changed elsewhere.
    PasswordAdopted,
    /// A reminder sent: `expiry:14`, … or `register`.
    ReminderSent(String),
    /// The watch after a change told the person a device still uses the
    /// old password.
    WatchWarned,
    /// The watch after a change saw the account locked and sent the unlock link.
    WatchLockCaught,
    /// The owner unlocked the account with the watch's link.
    WatchUnlockedByLink,
    /// An unlock link that no longer works was followed.
    WatchLinkRefused,
    /// A pending directory write settled: `stored` here too, or `dropped`.
    DirectorySettled(&'static str),

    // Anywhere.
    NoticeFailed(Channel),
}

impl Action {
    pub fn name(&self) -> Cow<'static, str> {
        use Action::*;
        let fixed = match self {
            ResetStarted => "reset.started",
            ResetCaptchaFailed => "reset.captcha_failed",
            ResetCaptchaRenewed => "reset.captcha_renewed",
            ResetCaptchaPassed => "reset.captcha_passed",
            ResetPowPassed => "reset.pow_passed",
            ResetNoMethod => "reset.no_method",
            ResetMethodApp => "reset.method.totp",
            ResetCodeVoid => "reset.code_void",
            ResetCodeWrong => "reset.code_wrong",
            ResetAppCodeReplayed => "reset.totp_replayed",
            ResetLocked => "reset.locked",
            ResetCodeVerified => "reset.code_verified",
            ResetDirectoryUnlocked => "reset.directory_unlocked",
            ResetLinkUsed => "reset.link_used",
            ResetLinkRefused => "reset.link_refused",
            SignInFailed => "signin.failed",
            SignInDirectoryLocked => "signin.directory_locked",
            SignInDirectoryUnreachable => "signin.directory_unreachable",
            SignInPasswordExpired => "signin.password_expired",
            SignInPasswordBreached => "signin.password_breached",
            SignInPaused => "signin.paused",
            SignInWithheld => "signin.withheld",
            SignInPasswordOk => "signin.password_ok",
            SignInSucceeded => "signin.succeeded",
            SignInFactorProven => "signin.factor_proven",
            SignInCodeWrong => "signin.code_wrong",
            SignInCodesPaused => "signin.codes_paused",
            SignInAppCodeReplayed => "signin.totp_replayed",
            SignedOut => "signin.signed_out",
            PhoneCodeWrong => "account.phone_code_wrong",
            PhoneAdded => "account.phone_added",
            PhoneReplaced => "account.phone_replaced",
            PhoneRemoved => "account.phone_removed",
            AuthenticatorCodeWrong => "account.authenticator_code_wrong",
            AuthenticatorAdded => "account.authenticator_added",
            AuthenticatorReplaced => "account.authenticator_replaced",
            AuthenticatorRemoved => "account.authenticator_removed",
            RecoveryCodesMade => "account.recovery_codes_made",
            PasskeyAdded => "account.passkey_added",
            EmailCodeSent => "account.email_code_sent",
            EmailCodeWrong => "account.email_code_wrong",
            EmailAdded => "account.email_added",
            EmailRemoved => "account.email_removed",
            PasskeyRemoved => "account.passkey_removed",
            PasskeyUsed => "passkey.used",
            PasskeyRefused => "passkey.refused",
            SignInByPasskey => "signin.by_passkey",
            RecoveryCodeUsed => "account.recovery_code_used",
            RecoveryCodeWrong => "account.recovery_code_wrong",
            LanguageChosen => "account.language_chosen",
            MethodsConfirmed => "account.methods_confirmed",
            ReportedNotMe => "account.reported_not_me",
            ReportLinkRefused => "account.report_link_refused",
            CurrentPasswordWrong => "account.current_password_wrong",
            StaffSignInFailed => "helpdesk.signin_failed",
            StaffPasswordOk => "helpdesk.password_ok",
            StaffFactorFailed => "helpdesk.factor_failed",
            StaffSignedIn => "helpdesk.signed_in",
            StaffSignedOut => "helpdesk.signed_out",
            RefusedNotAdmin => "helpdesk.refused_not_admin",
            RefusedUnverified => "helpdesk.refused_unverified",
            CallerCodeWrong => "helpdesk.caller_code_wrong",
            CallerLocked => "helpdesk.locked",
            HelpdeskPhoneSet => "helpdesk.phone_set",
            HelpdeskPhoneRemoved => "helpdesk.phone_removed",
            HelpdeskUnlocked => "helpdesk.unlocked",
            HelpdeskDirectoryUnlocked => "helpdesk.directory_unlocked",
            HelpdeskMustChangePassword => "helpdesk.must_change_password",
            AuditViewed => "helpdesk.audit_viewed",
            AccessPassIssued => "helpdesk.access_pass_issued",
            AccessPassUsed => "signin.access_pass_used",
            AccessPassWrong => "signin.access_pass_wrong",
            AuditExported => "helpdesk.audit_exported",
            StaffPasswordChanged => "staff.own_password_changed",
            AccountCreated => "account.created",
            AccountSynced => "account.synced",
            AccountLeftDirectory => "account.left_directory",
            AccountReturnedToDirectory => "account.returned_to_directory",
            AccountArrived(way) => return format!("account.arrived:{way}").into(),
            PasswordChanged => "password.changed",
            PasswordUnlockedDirectory => "password.directory_unlocked",
            PasswordAdopted => "password.adopted",
            WatchWarned => "watch.warned",
            WatchLockCaught => "watch.lock_caught",
            WatchUnlockedByLink => "watch.unlocked_by_link",
            WatchLinkRefused => "watch.link_refused",
            ResetPasswordRefused(rules) => return format!("reset.password_refused:{rules}").into(),
            SignInPasswordBelowPolicy(rules) => {
                return format!("signin.password_below_policy:{rules}").into();
            }
            PasswordRefused(rules) => return format!("account.password_refused:{rules}").into(),
            PasswordUpdated { ended_sessions } => {
                return format!("account.password_updated:ended_sessions={ended_sessions}").into();
            }
            CodeSent(usage, channel) => {
                return format!("{}.code_sent.{}", usage.as_str(), channel.as_str()).into();
            }
            SendThrottled(usage) => return format!("{}.send_throttled", usage.as_str()).into(),
            SendWithheld(usage, channel) => {
                return format!("{}.send_withheld.{}", usage.as_str(), channel.as_str()).into();
            }
            PhoneCodeSent(channel) => {
                return format!("account.phone_code_sent.{}", channel.as_str()).into();
            }
            CallerCodeSent(channel) => {
                return format!("helpdesk.code_sent.{}", channel.as_str()).into();
            }
            CallerVerified(how) => return format!("helpdesk.caller_verified:{how}").into(),
            ResetLinkSent(channel) => {
                return format!("helpdesk.reset_link_sent.{}", channel.as_str()).into();
            }
            NoticeFailed(channel) => return format!("notice_failed.{}", channel.as_str()).into(),
            StaffAdded { username, role } => {
                return format!("staff.added:{username}:{role}").into();
            }
            StaffRole { username, role } => return format!("staff.role:{username}:{role}").into(),
            StaffPasswordReset(username) => {
                return format!("staff.password_reset:{username}").into();
            }
            StaffAuthenticatorReset(username) => {
                return format!("staff.authenticator_reset:{username}").into();
            }
            StaffDisabled { id, disabled } => {
                let what = if *disabled { "disabled" } else { "enabled" };
                return format!("staff.{what}:{id}").into();
            }
            DirectorySettled(how) => return format!("directory.settled:{how}").into(),
            ReminderSent(kind) => return format!("reminder.sent:{kind}").into(),
            ReportsViewed(which) => return format!("helpdesk.reports_viewed:{which}").into(),
            StaffPasswordChangeRefused(rules) => {
                return format!("staff.own_password_refused:{rules}").into();
            }
            ResetPowRefused(why) => return format!("reset.pow_refused:{why}").into(),
            ResetMethodPaused(method) => return format!("reset.method_paused:{method}").into(),
            ResetCompleted(way) => return format!("reset.completed:{way}").into(),
            ResetProofAccepted(proof) => return format!("reset.proof_accepted:{proof}").into(),
        };
        Cow::Borrowed(fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_form_reports_read() {
        assert_eq!(Action::ResetStarted.name(), "reset.started");
        assert_eq!(
            Action::CodeSent(CodeUse::SignIn, Channel::Voice).name(),
            "signin.code_sent.voice"
        );
        assert_eq!(
            Action::PasswordUpdated { ended_sessions: 2 }.name(),
            "account.password_updated:ended_sessions=2"
        );
        assert_eq!(
            Action::NoticeFailed(Channel::Email).name(),
            "notice_failed.email"
        );
    }
}
