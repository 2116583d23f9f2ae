//! The design's nouns and rules: accounts, methods, one-time codes,
//! throttles, sessions, the reset and sign-in steps, the help desk's
//! actions, the audit trail's actions. No axum and no sqlx here: the web
//! portal, the JSON API and the CLI are adapters that call these
//! functions, and the store is reached through its port-shaped methods.
//! Time comes from [`Services::clock`], randomness from [`Services::entropy`].

pub mod access_pass;
pub mod arrival;
pub mod audit_trail;
pub mod authority;
pub mod budget;
pub mod change;
pub mod checklist;
pub mod code;
pub mod demand;
pub mod device;
pub mod helpdesk;
pub mod history;
pub mod limits;
pub mod passkey;
pub mod person;
pub mod proofs;
pub mod reminders;
pub mod report;
pub mod reports;
pub mod reset;
pub mod session;
pub mod settle;
pub mod staff;
pub mod unlock;
pub mod watch;

use std::borrow::Cow;
use std::sync::Arc;

use latchkey_policy::Policy;

use crate::captcha::ChallengeSource;
use crate::captcha::pow::CaptchaConfig;
use crate::clock::Clock;
use crate::config::{RegistrationConfig, ServerConfig, ThrottleConfig};
use crate::directory::Writeback;
use crate::hashing::Hasher;
use crate::i18n::Lang;
use crate::metrics::Metrics;
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::network::{Location, NetworkConfig};
use crate::notify::{Channel, MessageProvider, Notice, NoticeContext, Notifier, Queued};
use crate::secrets::{Entropy, SecretKey};
use crate::site::Site;
use crate::store::{AccountChange, NewDelivery, NewEvent, Store, StoreError};
use change::Passwords;
use limits::{Count, Limit};

/// What the domain works with: the ports (store, messages, directory,
/// clock) and the rules in force.
pub struct Services {
    pub store: Store,
    pub hasher: Hasher,
    pub policy: Policy,
    /// Texts and calls.
    pub messages: Box<dyn MessageProvider>,
    /// Mail (notices of changes).
    pub mail: Box<dyn MessageProvider>,
    pub key: SecretKey,
    /// Where tokens and codes come from.
    pub entropy: Box<dyn Entropy>,
    pub challenges: Box<dyn ChallengeSource>,
    /// The proof of work offered beside the image.
    pub captcha: CaptchaConfig,
    pub clock: Arc<dyn Clock>,
    pub server: ServerConfig,
    /// Every page's and message's surroundings: help desk, branding, demo.
    pub site: Site,
    pub throttle: ThrottleConfig,
    /// Where texts and calls may go (`[messages.countries]`).
    pub countries: crate::notify::Countries,
    pub registration: RegistrationConfig,
    /// How many proofs a reset asks for.
    pub reset: proofs::ResetConfig,
    /// The directory new passwords are written to; `None`: only here.
    pub writeback: Option<Writeback>,
    pub network: NetworkConfig,
}

impl Services {
    /// Where notices go: its providers, through the delivery queue.
    pub fn notifier(&self) -> Notifier<'_> {
        Notifier {
            messages: self.messages.as_ref(),
            mail: self.mail.as_ref(),
            queue: Some(self.queue()),
        }
    }

    /// The delivery queue every message goes through.
    pub fn queue(&self) -> crate::notify::queue::Queue<'_> {
        crate::notify::queue::Queue {
            store: &self.store,
            key: &self.key,
            spend: self,
            lease: self.server.delivery_lease_seconds,
        }
    }

    /// What a password change works with.
    pub fn passwords(&self) -> Passwords<'_> {
        self.passwords_under(&self.policy)
    }

    /// The same, under `policy` (a person's own, from [`Core::policy_for`]).
    pub fn passwords_under<'a>(&'a self, policy: &'a Policy) -> Passwords<'a> {
        Passwords {
            store: &self.store,
            hasher: &self.hasher,
            policy,
            key: Some(&self.key),
            writeback: self.writeback.as_ref().map(|w| (w, &self.key)),
        }
    }

    /// The rules in force for this person: ours (already joined with the
    /// directory's default) joined with the directory's rules for them
    /// (their own policy, re-read every few minutes) where those are
    /// stricter, so the checklist and the verdict never accept what the
    /// directory would refuse them. Ours alone when it cannot be asked.
    pub async fn policy_for(&self, account: &Account) -> Cow<'_, Policy> {
        rules_for(&self.policy, self.writeback.as_ref(), account).await
    }
}

/// The rules in force for `account` under `policy` (see
/// [`Services::policy_for`]): the one call every adapter (pages, the JSON
/// API, the command line) makes for a person's rules.
pub async fn rules_for<'a>(
    policy: &'a Policy,
    writeback: Option<&Writeback>,
    account: &Account,
) -> Cow<'a, Policy> {
    let Some(writeback) = writeback else {
        return Cow::Borrowed(policy);
    };
    match writeback.directory.policy_of(&account.username).await {
        Ok(theirs) => {
            let joined = crate::directory::policy::join(policy.config(), &theirs).config;
            if joined == *policy.config() {
                Cow::Borrowed(policy)
            } else {
                Cow::Owned(policy.with_config(joined))
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, "a person's directory rules cannot be read; ours apply");
            Cow::Borrowed(policy)
        }
    }
}

/// The services and the counters every step reports to. Cheap to clone:
/// each request of the portal holds one.
#[derive(Clone)]
pub struct Core {
    services: Arc<Services>,
    pub metrics: Arc<Metrics>,
}

impl Core {
    pub fn new(services: Services) -> Core {
        let writeback = services.writeback.as_ref().map(|w| &w.stats);
        let metrics = Arc::new(Metrics::new(&services.hasher.stats, writeback));
        Core {
            services: Arc::new(services),
            metrics,
        }
    }
}

impl std::ops::Deref for Core {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.services
    }
}

/// Who is asking, as far as the rules care: the address the throttles
/// and the audit trail write, and where it is (campus, VPN, outside).
#[derive(Debug, Clone)]
pub struct Caller {
    pub address: String,
    /// Who the per-address limits count: the address, or for IPv6 the
    /// network that holds it ([`crate::network::NetworkConfig::limit_source`]).
    pub source: String,
    pub location: Location,
    /// The account this browser signed in as before, by its signed cookie
    /// ([`device`]): its resets spend that owner's codes.
    pub device: Option<i64>,
}

impl Caller {
    /// The operator at the server's own console (the CLI).
    pub fn operator() -> Caller {
        Caller {
            address: "cli".to_owned(),
            source: "cli".to_owned(),
            location: Location::Campus,
            device: None,
        }
    }
}

/// Why a step could not be taken, in the domain's words; each adapter
/// says it its own way (a page, a JSON error, a CLI message).
#[derive(Debug, Clone)]
pub enum Error {
    /// The session is gone, or a form's CSRF token does not match it.
    Expired,
    /// A one-time reset link that was used already or ran out.
    LinkSpent,
    /// Too many attempts from one address in a short time.
    TooMany,
    /// Signed in, but this needs another role.
    Forbidden,
    /// Staff asked for an account that does not exist.
    NotFound,
    /// Staff asked for a member of staff who does not exist.
    NoSuchStaff,
    /// No person is signed in.
    NotSignedIn,
    /// Signed in, with a second factor still owed.
    FactorOwed,
    /// No member of staff is on duty (signed in with both factors).
    NotOnDuty,
    /// A member of staff signed in with a temporary password an admin
    /// handed over: they choose their own before anything else.
    PasswordChangeOwed,
    /// The database cannot be reached (or is overloaded) right now: try
    /// again in a minute. Logged; nothing was changed.
    Unavailable(String),
    /// Anything else: logged with a reference the person can quote.
    Internal(String),
}

impl<E: std::fmt::Display> From<E> for Error
where
    E: Into<Box<dyn std::error::Error + 'static>>,
{
    fn from(e: E) -> Self {
        let detail = e.to_string();
        let error: Box<dyn std::error::Error + 'static> = e.into();
        if crate::store::unavailable(error.as_ref()) {
            Error::Unavailable(detail)
        } else {
            Error::Internal(detail)
        }
    }
}

/// Logged for staff (`tracing`: text or JSON lines on standard error);
/// never shown to the requester.
pub fn log_error(message: &str) {
    tracing::error!("{message}");
}

/// Appends an audit event for a request of a person (not staff).
pub async fn audit(
    core: &Core,
    caller: &Caller,
    action: Action,
    account_id: Option<i64>,
) -> Result<(), Error> {
    core.store
        .record_event(
            core.clock.now(),
            SELF_SERVICE,
            &action.name(),
            account_id,
            &caller.address,
        )
        .await?;
    Ok(())
}

/// The actor the audit trail names for a person's own request.
pub const SELF_SERVICE: &str = "self-service";

/// Makes `change` to an account and records it as `action` by `actor`, in
/// one transaction.
pub async fn change_account(
    core: &Core,
    caller: &Caller,
    actor: &str,
    account_id: i64,
    change: AccountChange<'_>,
    action: Action,
) -> Result<u64, Error> {
    let name = action.name();
    let event = NewEvent {
        at: core.clock.now(),
        actor,
        action: &name,
        account_id: Some(account_id),
        address: &caller.address,
        detail: "",
    };
    Ok(core
        .store
        .change_account(account_id, &change, &event)
        .await?)
}

/// The event for a person's own change to `account_id` (`action`, named),
/// for the store to write in the change's transaction.
pub fn own_event<'a>(
    core: &Core,
    caller: &'a Caller,
    account_id: i64,
    action: &'a str,
) -> NewEvent<'a> {
    NewEvent {
        at: core.clock.now(),
        actor: SELF_SERVICE,
        action,
        account_id: Some(account_id),
        address: &caller.address,
        detail: "",
    }
}

/// Counts a hit against `limit` for `subject` and refuses with
/// [`Error::TooMany`] once it is over; the count, for a caller that
/// weighs it (the proof of work rises with it).
pub async fn throttle(core: &Core, limit: Limit, subject: &str) -> Result<Count, Error> {
    let count = limit.hit(core, subject).await?;
    if !count.allowed() {
        return Err(Error::TooMany);
    }
    Ok(count)
}

/// Tells the person about a change on every channel they have: a mail, and
/// a text to the account's phone and to `also_phone` (a number just
/// replaced or removed). A failed delivery is logged and audited; the change
/// it reports stands.
pub async fn notify(
    core: &Core,
    caller: &Caller,
    account: &Account,
    notice: Notice,
    also_phone: Option<&str>,
) -> Result<(), Error> {
    let (notifier, context) = (core.notifier(), notice_context(core, caller));
    let told = Told {
        notifier: &notifier,
        context: &context,
        actor: SELF_SERVICE,
        default_language: core.site.language,
    };
    told.tell(&core.store, account, &notice, also_phone).await?;
    Ok(())
}

/// A person's own change (a reset, an update): [`change::change_password`]
/// with the warning to its owner queued in the change's transaction. The
/// queued rows, for [`after_change`].
pub async fn change_own_password(
    core: &Core,
    caller: &Caller,
    may: change::MayChange<'_>,
    password: &str,
) -> Result<Vec<Queued>, change::ChangeError> {
    let (notifier, context) = (core.notifier(), notice_context(core, caller));
    let told = Told {
        notifier: &notifier,
        context: &context,
        actor: SELF_SERVICE,
        default_language: core.site.language,
    };
    let warning = told.warning(may.account());
    let policy = core.policy_for(may.account()).await;
    let passwords = core.passwords_under(&policy);
    let may = may.from_address(&caller.address);
    change::change_password(&passwords, may, password, context.now, warning).await
}

/// [`change::after_change`] for a person's own request (a reset, an
/// update): sessions but `keep` end, the `queued` warning is tried at once.
/// How many sessions ended.
pub async fn after_change(
    core: &Core,
    caller: &Caller,
    account: &Account,
    keep: Option<&str>,
    queued: &[Queued],
) -> Result<u64, Error> {
    let (notifier, context) = (core.notifier(), notice_context(core, caller));
    let told = Told {
        notifier: &notifier,
        context: &context,
        actor: SELF_SERVICE,
        default_language: core.site.language,
    };
    Ok(
        change::after_change(&core.store, &told, account, keep, queued)
            .await?
            .0,
    )
}

fn notice_context<'a>(core: &'a Core, caller: &'a Caller) -> NoticeContext<'a> {
    NoticeContext {
        now: core.clock.now(),
        address: &caller.address,
        location: caller.location,
        helpdesk_phone: &core.site.helpdesk.phone,
        service: &core.site.branding.name,
        zone: &core.site.zone,
        report: Some(report::ReportLinks {
            key: &core.key,
            public_url: &core.server.public_url,
        }),
    }
}

/// How people are told of changes, and by whom the trail says they were made.
pub struct Told<'a> {
    pub notifier: &'a Notifier<'a>,
    pub context: &'a NoticeContext<'a>,
    pub actor: &'a str,
    /// The language of a notice to someone who chose none.
    pub default_language: Lang,
}

/// The language `account`'s owner chose for texts, calls and mails, else
/// `default` (the site's).
pub fn notice_language(account: &Account, default: Lang) -> Lang {
    (account.language.as_deref())
        .and_then(Lang::parse)
        .unwrap_or(default)
}

impl Told<'_> {
    /// The addresses a notice to `account` goes to: the university's, and
    /// the owner's other one.
    fn emails(account: &Account) -> Vec<&str> {
        std::iter::once(account.email.as_str())
            .chain(account.alt_email.as_deref())
            .collect()
    }

    /// The phones a notice to `account` goes to: its own, and `also_phone`.
    fn phones<'p>(account: &'p Account, also_phone: Option<&'p str>) -> Vec<&'p str> {
        let mut phones: Vec<&str> = account.phone.iter().map(String::as_str).collect();
        phones.extend(also_phone.filter(|p| !phones.contains(p)));
        phones
    }

    /// The queue's rows warning `account`'s owner of a password change, for
    /// the change to write in its own transaction (`None`: no queue).
    pub fn warning(&self, account: &Account) -> Option<Vec<NewDelivery>> {
        let phones = Told::phones(account, None);
        let notice = Notice::PasswordChanged;
        (self.notifier).rows(
            &notice,
            Some(account.id),
            (&Told::emails(account), &phones),
            self.context,
            self.language(account),
        )
    }

    /// The language `account`'s owner chose for notices, else the site's.
    fn language(&self, account: &Account) -> Lang {
        notice_language(account, self.default_language)
    }

    /// The one way a notice goes out, for the portal, the API and the CLI:
    /// every channel the account has (and `also_phone`); each failed
    /// delivery is logged and audited, and returned, while the change it
    /// reports stands.
    pub async fn tell(
        &self,
        store: &Store,
        account: &Account,
        notice: &Notice,
        also_phone: Option<&str>,
    ) -> Result<Vec<NotTold>, StoreError> {
        let phones = Told::phones(account, also_phone);
        let failures = (self.notifier)
            .tell(
                notice,
                Some(account.id),
                (&Told::emails(account), &phones),
                self.context,
                self.language(account),
            )
            .await;
        self.failed(store, account, failures).await
    }

    /// Tries at once the notices a change queued with it; as [`Told::tell`].
    pub async fn deliver(
        &self,
        store: &Store,
        account: &Account,
        queued: &[Queued],
    ) -> Result<Vec<NotTold>, StoreError> {
        let failures = self.notifier.deliver(queued, self.context.now).await;
        self.failed(store, account, failures).await
    }

    async fn failed(
        &self,
        store: &Store,
        account: &Account,
        failures: Vec<(Channel, crate::notify::SendError)>,
    ) -> Result<Vec<NotTold>, StoreError> {
        let mut failed = Vec::new();
        for (channel, e) in failures {
            // Not taken yet, and kept in the queue: its worker tries again,
            // and raises the alarm only if it never goes.
            let queued = self.notifier.queue.is_some()
                && matches!(e, crate::notify::SendError::Unreachable(_));
            if queued {
                tracing::warn!(channel = channel.as_str(), error = %e, "a notice waits in the queue");
            } else {
                log_error(&format!("notice by {}: {e}", channel.as_str()));
                let action = Action::NoticeFailed(channel).name();
                let (now, address) = (self.context.now, self.context.address);
                store
                    .record_event(now, self.actor, &action, Some(account.id), address)
                    .await?;
            }
            failed.push(NotTold { channel, queued });
        }
        Ok(failed)
    }
}

/// A notice not taken at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotTold {
    pub channel: Channel,
    /// Kept in the delivery queue, whose worker tries it again; otherwise
    /// refused, or never queued (audited as `notice_failed.CHANNEL`).
    pub queued: bool,
}

/// The account a session is for; a session without one (or whose account is
/// gone) is treated as expired.
pub async fn account_of(core: &Core, account_id: Option<i64>) -> Result<Account, Error> {
    let id = account_id.ok_or(Error::Expired)?;
    core.store.account_by_id(id).await?.ok_or(Error::Expired)
}

#[cfg(test)]
mod tests {
    /// The domain speaks the design's nouns: the web framework and the
    /// database driver stay in their adapters.
    #[test]
    fn the_domain_names_neither_axum_nor_sqlx() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/domain");
        let mut pending = vec![std::path::PathBuf::from(root)];
        let mut checked = 0;
        while let Some(path) = pending.pop() {
            if path.is_dir() {
                pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for word in ["axum", "sqlx"].map(|name| format!("{name}::")) {
                let here = text.lines().filter(|l| !l.trim_start().starts_with("//"));
                assert!(
                    !here.clone().any(|l| l.contains(word.as_str())),
                    "{} uses {word}",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked > 10, "the domain's files were found");
    }
}
