//! The directory over LDAP (`ldap3`): OpenLDAP-style servers and Active
//! Directory. Each operation opens its own connection, binds as the service
//! account and closes: password changes are rare, and a fresh connection
//! never carries a stale bind or a half-broken socket into a change.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ldap3::controls::RawControl;
use ldap3::exop::PasswordModify;
use ldap3::{LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Mod, Scope, SearchEntry};

use super::{
    Bind, BindGate, Directory, DirectoryConfig, DirectoryError, DirectoryKind, DirectoryPerson,
    DirectoryPolicy, Lock, PasswordChange, PolicyHints, Refusal, Written,
};

mod ad;
mod people;
mod ppolicy;
mod refusal;
mod rules;
mod trouble;
use refusal::refusal;

const INVALID_CREDENTIALS: u32 = 49;
const NO_SUCH_ATTRIBUTE: u32 = 16;
const PAGE_SIZE: i32 = 500;

pub struct Ldap {
    config: DirectoryConfig,
    password: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// The directory's password rules as last read.
    rules: rules::KeptRules,
}

impl Ldap {
    /// `password` is the service account's.
    pub fn new(config: DirectoryConfig, password: String) -> Result<Ldap, String> {
        let tls = config
            .ca_file
            .as_deref()
            .map(tls_trusting)
            .transpose()?
            .map(Arc::new);
        Ok(Ldap {
            config,
            password,
            tls,
            rules: rules::KeptRules::default(),
        })
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.config.timeout_seconds)
    }

    /// A connection bound as `dn`. Any failure here means nothing was asked.
    /// A person's bind carries the password-policy control, so that
    /// OpenLDAP says when it refused because the account is locked.
    async fn bind_as(&self, dn: &str, password: &str) -> Result<ldap3::Ldap, BindError> {
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(self.timeout())
            .set_starttls(self.config.starttls);
        if let Some(tls) = &self.tls {
            settings = settings.set_config(tls.clone());
        }
        let (connection, mut ldap) = LdapConnAsync::with_settings(settings, &self.config.url)
            .await
            .map_err(|e| BindError::Unreachable(e.to_string()))?;
        ldap3::drive!(connection);
        let result = ldap
            .with_timeout(self.timeout())
            .with_controls(self.policy_controls())
            .simple_bind(dn, password)
            .await
            .map_err(|e| BindError::Unreachable(e.to_string()))?;
        match result.rc {
            0 => Ok(ldap),
            INVALID_CREDENTIALS => Err(BindError::Refused(result)),
            _ => Err(BindError::Failed(result.to_string())),
        }
    }

    /// The controls that make a directory say which password rule it applied.
    fn policy_controls(&self) -> Vec<RawControl> {
        match self.config.kind {
            DirectoryKind::Openldap => vec![ppolicy::request()],
            DirectoryKind::ActiveDirectory => Vec::new(),
        }
    }

    /// A connection bound as the service account.
    async fn service(&self) -> Result<ldap3::Ldap, DirectoryError> {
        self.bind_as(&self.config.bind_dn, &self.password)
            .await
            .map_err(|e| match e {
                BindError::Unreachable(why) => DirectoryError::Unreachable(why),
                BindError::Refused(_) => DirectoryError::Unreachable(self.service_refused()),
                BindError::Failed(why) => DirectoryError::Unreachable(why),
            })
    }

    fn service_refused(&self) -> String {
        format!(
            "the service account {} cannot bind: check directory.bind_dn and LATCHKEY_DIRECTORY_PASSWORD",
            self.config.bind_dn
        )
    }

    /// The one entry the user filter finds for `username`, with `attributes`.
    async fn entry(
        &self,
        ldap: &mut ldap3::Ldap,
        username: &str,
        attributes: Vec<&str>,
    ) -> Result<SearchEntry, DirectoryError> {
        // By the user filter (a username, a UPN), or by mail among people.
        let escaped = ldap3::ldap_escape(username);
        let filter = format!(
            "(|{}(&{}({}={escaped})))",
            self.config.user_filter().replace("{username}", &escaped),
            self.config.people_filter(),
            self.config.attribute_names().email,
        );
        let (entries, _) = ldap
            .with_timeout(self.timeout())
            .search(&self.config.base_dn, Scope::Subtree, &filter, attributes)
            .await
            .map_err(|e| DirectoryError::Unreachable(e.to_string()))?
            .success()
            .map_err(|e| DirectoryError::Failed(e.to_string()))?;
        match entries.len() {
            0 => Err(DirectoryError::NoEntry),
            1 => Ok(SearchEntry::construct(
                entries.into_iter().next().ok_or(DirectoryError::NoEntry)?,
            )),
            n => Err(DirectoryError::Failed(format!(
                "{n} entries match the user filter for one username; make directory.user_filter unique"
            ))),
        }
    }

    /// The DN of the one entry the user filter finds for `username`.
    async fn find(&self, ldap: &mut ldap3::Ldap, username: &str) -> Result<String, DirectoryError> {
        Ok(self.entry(ldap, username, vec!["1.1"]).await?.dn)
    }

    /// One modification of one entry by the service account, with
    /// `controls`: its changes are applied together or not at all.
    async fn modify(
        &self,
        ldap: &mut ldap3::Ldap,
        dn: &str,
        changes: Vec<Mod<Vec<u8>>>,
        controls: Vec<RawControl>,
    ) -> Result<LdapResult, LdapError> {
        ldap.with_timeout(self.timeout())
            .with_controls(controls)
            .modify(dn, changes)
            .await
    }
}

enum BindError {
    Unreachable(String),
    Refused(LdapResult),
    Failed(String),
}

/// The first value of `name` in `entry`, the name's case aside.
fn first_value(entry: &SearchEntry, name: &str) -> Option<String> {
    entry
        .attrs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, values)| values.first().cloned())
}

#[async_trait]
impl Directory for Ldap {
    async fn set_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Written, DirectoryError> {
        let mut ldap = self.service().await?;
        let (dn, lock) = match self.config.kind {
            // Active Directory keeps a lock through a new password: read it,
            // to lift it in the same change.
            DirectoryKind::ActiveDirectory => self.lock_of(&mut ldap, username).await?,
            DirectoryKind::Openldap => (self.find(&mut ldap, username).await?, Lock::Open),
        };
        // From here on the request may reach the server: a lost answer is
        // `Unanswered`, never "nothing changed".
        let sent = match (self.config.kind, self.config.password_change) {
            (DirectoryKind::ActiveDirectory, _) => {
                let value = HashSet::from([ad::unicode_pwd(password)]);
                let mut changes = vec![Mod::Replace(b"unicodePwd".to_vec(), value)];
                if lock == Lock::Locked {
                    changes.push(ad::unlocked());
                }
                let critical = self.config.policy_hints == PolicyHints::Required;
                self.modify(&mut ldap, &dn, changes, ad::policy_hints(critical))
                    .await
            }
            (DirectoryKind::Openldap, PasswordChange::Exop) => ldap
                .with_timeout(self.timeout())
                .with_controls(self.policy_controls())
                .extended(PasswordModify {
                    user_id: Some(&dn),
                    old_pass: None,
                    new_pass: Some(password),
                })
                .await
                .map(|result| result.1),
            (DirectoryKind::Openldap, PasswordChange::Replace) => {
                let value = HashSet::from([password.as_bytes().to_vec()]);
                let change = Mod::Replace(b"userPassword".to_vec(), value);
                self.modify(&mut ldap, &dn, vec![change], self.policy_controls())
                    .await
            }
        };
        let result = match sent {
            Ok(result) => result,
            Err(e) => {
                let _ = ldap.unbind().await;
                return Err(DirectoryError::Unanswered(e.to_string()));
            }
        };
        if result.rc == 0 {
            let _ = ldap.unbind().await;
            return Ok(Written {
                unlocked: lock == Lock::Locked,
            });
        }
        let refused = ppolicy::error_of(&result)
            .and_then(ppolicy::PolicyError::refusal)
            .or_else(|| refusal(result.rc, &result.text));
        // The rules may have changed since they were read.
        self.forget_rules();
        let refused = match refused {
            // Say how long, or from when, when the person's rules can be read.
            Some(Refusal::Length(None)) => {
                let rules = self.own_rules(&mut ldap, username).await.ok();
                Refusal::Length(rules.and_then(|rules| rules.min_length))
            }
            // Active Directory names no rule; its length and kinds of
            // characters can be told from its rules.
            Some(Refusal::Restrictions) => match self.own_rules(&mut ldap, username).await {
                Ok(rules) => ad::restriction_broken(&rules, password),
                Err(_) => Refusal::Restrictions,
            },
            Some(Refusal::MinimumAge(None)) => {
                Refusal::MinimumAge(self.next_change(&mut ldap, username).await)
            }
            Some(refusal) => refusal,
            None => {
                let _ = ldap.unbind().await;
                return Err(DirectoryError::Failed(result.to_string()));
            }
        };
        let _ = ldap.unbind().await;
        Err(DirectoryError::Refused(refused))
    }

    async fn authenticate_through(
        &self,
        username: &str,
        password: &str,
        gate: &dyn BindGate,
    ) -> Result<Bind, DirectoryError> {
        let mut service = self.service().await?;
        let names = self.config.attribute_names();
        let username_attribute = names.username.as_str();
        let found = self
            .entry(
                &mut service,
                username,
                vec![self.own_rules_attribute(), username_attribute],
            )
            .await;
        let (who, rules) = match &found {
            // Counted under the entry's username, whatever name found it,
            // so that a reset or an unlock of the account clears the count.
            Ok(entry) => (
                entry
                    .attrs
                    .get(username_attribute)
                    .and_then(|values| values.first())
                    .unwrap_or(&entry.dn)
                    .to_lowercase(),
                self.rules_of(&mut service, entry).await,
            ),
            // Counted as a real name is, under the default rules, so that
            // a pause tells nothing either.
            Err(DirectoryError::NoEntry) => (
                format!("name:{}", username.to_lowercase()),
                self.rules(&mut service, None).await.unwrap_or_default(),
            ),
            Err(e) => {
                let _ = service.unbind().await;
                return Err(e.clone());
            }
        };
        if let Err(until) = gate.admit(&who, &rules, password).await {
            let _ = service.unbind().await;
            return Ok(Bind::Withheld(until));
        }
        let Ok(entry) = found else {
            // No bind as a name the directory does not hold (it could be
            // someone's elsewhere); one as the service account costs the same.
            let _ = service.unbind().await;
            if let Ok(mut again) = self.bind_as(&self.config.bind_dn, &self.password).await {
                let _ = again.unbind().await;
            }
            return Err(DirectoryError::NoEntry);
        };
        let bind = self.bind_person(&entry.dn, password).await;
        // slapd tells a locked account in the bind's response only with
        // `ppolicy_use_lockout`; otherwise its lock attribute tells.
        let bind = match bind {
            Ok(Bind::Wrong) if self.config.kind == DirectoryKind::Openldap => {
                match self.lock_of(&mut service, username).await {
                    Ok((_, Lock::Locked | Lock::Disabled)) => Ok(Bind::Locked),
                    _ => Ok(Bind::Wrong),
                }
            }
            other => other,
        };
        let _ = service.unbind().await;
        if let Ok(Bind::Accepted | Bind::Expired) = bind {
            gate.forgive(&who).await;
        }
        bind
    }

    async fn lock(&self, username: &str) -> Result<Lock, DirectoryError> {
        let mut ldap = self.service().await?;
        let lock = self.lock_of(&mut ldap, username).await;
        let _ = ldap.unbind().await;
        Ok(lock?.1)
    }

    async fn unlock(&self, username: &str) -> Result<(), DirectoryError> {
        let mut ldap = self.service().await?;
        let (dn, lock) = match self.lock_of(&mut ldap, username).await {
            Ok(found) => found,
            Err(e) => {
                let _ = ldap.unbind().await;
                return Err(e);
            }
        };
        let change = match (lock, self.config.kind) {
            (Lock::Open, _) => None,
            (Lock::Disabled, _) => {
                let _ = ldap.unbind().await;
                return Err(DirectoryError::Disabled);
            }
            // slapd removes pwdFailureTime with the lock.
            (Lock::Locked, DirectoryKind::Openldap) => Some(Mod::Delete(
                b"pwdAccountLockedTime".to_vec(),
                HashSet::new(),
            )),
            (Lock::Locked, DirectoryKind::ActiveDirectory) => Some(ad::unlocked()),
        };
        let Some(change) = change else {
            let _ = ldap.unbind().await;
            return Ok(());
        };
        let result = self.modify(&mut ldap, &dn, vec![change], Vec::new()).await;
        let _ = ldap.unbind().await;
        let result = result.map_err(|e| DirectoryError::Unanswered(e.to_string()))?;
        match result.rc {
            // Lifted meanwhile (a successful bind, or the lock's duration).
            0 | NO_SUCH_ATTRIBUTE => Ok(()),
            _ => Err(DirectoryError::Failed(result.to_string())),
        }
    }

    async fn policy(&self) -> Result<DirectoryPolicy, DirectoryError> {
        let mut ldap = self.service().await?;
        let policy = self.rules(&mut ldap, None).await;
        let _ = ldap.unbind().await;
        policy
    }

    async fn policy_of(&self, username: &str) -> Result<DirectoryPolicy, DirectoryError> {
        self.person_rules(username).await
    }

    /// The service bind. A refused one, or a certificate we do not trust, is `Failed` (the settings are wrong),
    /// an unreachable directory `Unreachable` (it may come back).
    async fn check(&self) -> Result<(), DirectoryError> {
        let mut ldap = match self.bind_as(&self.config.bind_dn, &self.password).await {
            Ok(ldap) => ldap,
            // Reached, but its certificate is not one we trust: a setting
            // to fix, not an outage to wait out.
            Err(BindError::Unreachable(why)) if untrusted_certificate(&why) => {
                return Err(DirectoryError::Failed(format!(
                    "the directory's TLS certificate is not trusted ({why}): set directory.ca_file to the certificate authority that signed it, or give the server a certificate that authority signed for its name"
                )));
            }
            Err(BindError::Unreachable(why)) => return Err(DirectoryError::Unreachable(why)),
            Err(BindError::Refused(_)) => {
                return Err(DirectoryError::Failed(self.service_refused()));
            }
            Err(BindError::Failed(why)) => return Err(DirectoryError::Failed(why)),
        };
        let hints_missing = match (self.config.kind, self.config.policy_hints) {
            (DirectoryKind::ActiveDirectory, PolicyHints::Required) => {
                let root = self.read_one(&mut ldap, "", vec!["supportedControl"]).await;
                let supported = root.map(|root| {
                    root.attrs
                        .get("supportedControl")
                        .cloned()
                        .unwrap_or_default()
                });
                !ad::knows_policy_hints(&supported.unwrap_or_default())
            }
            _ => false,
        };
        let may_not_unlock = match self.config.kind {
            DirectoryKind::ActiveDirectory => !self.may_unlock(&mut ldap).await,
            DirectoryKind::Openldap => false,
        };
        let _ = ldap.unbind().await;
        if hints_missing {
            return Err(DirectoryError::Failed(ad::NO_POLICY_HINTS.into()));
        }
        if may_not_unlock {
            return Err(DirectoryError::Failed(ad::MAY_NOT_UNLOCK.into()));
        }
        Ok(())
    }

    async fn reachable(&self) -> Result<(), DirectoryError> {
        let mut ldap = self.service().await?;
        let _ = ldap.unbind().await;
        Ok(())
    }

    async fn person(&self, identifier: &str) -> Result<DirectoryPerson, DirectoryError> {
        self.find_person(identifier).await
    }

    async fn people(&self) -> Result<Vec<DirectoryPerson>, DirectoryError> {
        self.list_people().await
    }

    async fn troubled_since(&self, since: i64) -> Result<Vec<super::Trouble>, DirectoryError> {
        self.find_trouble(since).await
    }
}

impl Ldap {
    /// A bind as the person at `dn`, and what it said.
    async fn bind_person(&self, dn: &str, password: &str) -> Result<Bind, DirectoryError> {
        match self.bind_as(dn, password).await {
            Ok(mut ldap) => {
                let _ = ldap.unbind().await;
                Ok(Bind::Accepted)
            }
            Err(BindError::Refused(result)) => Ok(match ppolicy::error_of(&result) {
                Some(ppolicy::PolicyError::AccountLocked) => Bind::Locked,
                Some(ppolicy::PolicyError::PasswordExpired) => Bind::Expired,
                _ => match self.config.kind {
                    DirectoryKind::ActiveDirectory => ad::refused_bind(&result.text),
                    DirectoryKind::Openldap => Bind::Wrong,
                },
            }),
            Err(BindError::Unreachable(why)) => Err(DirectoryError::Unreachable(why)),
            Err(BindError::Failed(why)) => Err(DirectoryError::Failed(why)),
        }
    }

    /// The entry's DN and whether it is locked.
    async fn lock_of(
        &self,
        ldap: &mut ldap3::Ldap,
        username: &str,
    ) -> Result<(String, Lock), DirectoryError> {
        Ok(match self.config.kind {
            DirectoryKind::Openldap => {
                let entry = self
                    .entry(ldap, username, vec!["pwdAccountLockedTime"])
                    .await?;
                let lock = ppolicy::lock(first_value(&entry, "pwdAccountLockedTime").as_deref());
                (entry.dn, lock)
            }
            DirectoryKind::ActiveDirectory => {
                let entry = self
                    .entry(ldap, username, vec!["lockoutTime", "userAccountControl"])
                    .await?;
                let lock = ad::lock(
                    first_value(&entry, "lockoutTime").as_deref(),
                    first_value(&entry, "userAccountControl").as_deref(),
                );
                (entry.dn, lock)
            }
        })
    }

    /// OpenLDAP: the entry `directory.policy_dn` names (none: no rules
    /// known). Active Directory: the domain object the root DSE names.
    async fn read_policy(&self, ldap: &mut ldap3::Ldap) -> Result<DirectoryPolicy, DirectoryError> {
        let (base, attributes) = match self.config.kind {
            DirectoryKind::Openldap => match &self.config.policy_dn {
                Some(dn) => (dn.clone(), ppolicy::POLICY_ATTRIBUTES.to_vec()),
                None => return Ok(DirectoryPolicy::default()),
            },
            DirectoryKind::ActiveDirectory => {
                let root = self
                    .read_one(ldap, "", vec!["defaultNamingContext"])
                    .await?;
                let domain = first_value(&root, "defaultNamingContext").ok_or_else(|| {
                    DirectoryError::Failed("the root DSE names no defaultNamingContext".into())
                })?;
                (domain, ad::POLICY_ATTRIBUTES.to_vec())
            }
        };
        let entry = self.read_one(ldap, &base, attributes).await?;
        let first = |name: &str| first_value(&entry, name);
        Ok(match self.config.kind {
            DirectoryKind::Openldap => ppolicy::policy(first),
            DirectoryKind::ActiveDirectory => ad::policy(first),
        })
    }

    /// One entry by its DN.
    async fn read_one(
        &self,
        ldap: &mut ldap3::Ldap,
        dn: &str,
        attributes: Vec<&str>,
    ) -> Result<SearchEntry, DirectoryError> {
        let (entries, _) = ldap
            .with_timeout(self.timeout())
            .search(dn, Scope::Base, "(objectClass=*)", attributes)
            .await
            .map_err(|e| DirectoryError::Unreachable(e.to_string()))?
            .success()
            .map_err(|e| DirectoryError::Failed(format!("{dn}: {e}")))?;
        entries
            .into_iter()
            .next()
            .map(SearchEntry::construct)
            .ok_or_else(|| DirectoryError::Failed(format!("{dn}: no such entry")))
    }

    /// When the person's password may change again: its last change plus
    /// the policy's minimum age.
    async fn next_change(&self, ldap: &mut ldap3::Ldap, username: &str) -> Option<i64> {
        let changed = self.password_changed_attribute();
        let entry = self
            .entry(ldap, username, vec![changed, self.own_rules_attribute()])
            .await
            .ok()?;
        let at = self.time(&first_value(&entry, changed)?)?;
        Some(at + self.rules_of(ldap, &entry).await.min_age?)
    }

    fn password_changed_attribute(&self) -> &'static str {
        match self.config.kind {
            DirectoryKind::Openldap => "pwdChangedTime",
            DirectoryKind::ActiveDirectory => "pwdLastSet",
        }
    }

    fn time(&self, value: &str) -> Option<i64> {
        match self.config.kind {
            DirectoryKind::Openldap => ppolicy::generalized_time(value),
            DirectoryKind::ActiveDirectory => ad::file_time(value),
        }
    }
}

/// TLS that trusts the certificate authority in `path` (PEM), and only it.
fn tls_trusting(path: &std::path::Path) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let unreadable =
        |e: &dyn std::fmt::Display| format!("directory.ca_file: {}: {e}", path.display());
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
        roots
            .add(certificate.map_err(|e| unreadable(&e))?)
            .map_err(|e| unreadable(&e))?;
    }
    if roots.is_empty() {
        return Err(unreadable(&"no certificate in the file"));
    }
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| unreadable(&e))
        .map(|builder| builder.with_root_certificates(roots).with_no_client_auth())
}

/// Whether a connection failed on the server's certificate (rustls says
/// "invalid peer certificate: …", e.g. `UnknownIssuer`, `CaUsedAsEndEntity`).
fn untrusted_certificate(why: &str) -> bool {
    why.to_ascii_lowercase().contains("certificate")
}
