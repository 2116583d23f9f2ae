//! The directory's password rules: its default policy and each person's
//! own (OpenLDAP `pwdPolicySubentry`, Active Directory's fine-grained
//! `msDS-ResultantPSO`), kept `directory.rules_refresh_minutes` and then
//! read again; a refusal marks them all to be read again, and rules read
//! before stand in while the directory cannot answer.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ldap3::SearchEntry;

use super::{Ldap, ad, first_value, ppolicy};
use crate::directory::{DirectoryError, DirectoryKind, DirectoryPolicy};

/// Rules kept by policy (its DN; "" the default) and by person (the
/// username: a person's own are asked for at every checklist and live check).
#[derive(Default)]
pub(super) struct KeptRules {
    by_policy: Kept,
    by_person: Kept,
}

/// Rules by a key, and when they were read (`None`: to be read again).
#[derive(Default)]
struct Kept(Mutex<HashMap<String, (DirectoryPolicy, Option<Instant>)>>);

impl Kept {
    fn map(&self) -> MutexGuard<'_, HashMap<String, (DirectoryPolicy, Option<Instant>)>> {
        // A poisoned cache is still a cache: its entries are whole values.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The rules under `key` read less than `fresh_for` ago.
    fn fresh(&self, key: &str, fresh_for: Duration) -> Option<DirectoryPolicy> {
        match self.map().get(key) {
            Some((rules, Some(read_at))) if read_at.elapsed() < fresh_for => Some(rules.clone()),
            _ => None,
        }
    }

    /// The rules under `key` however old.
    fn stale(&self, key: &str) -> Option<DirectoryPolicy> {
        self.map().get(key).map(|(rules, _)| rules.clone())
    }

    fn keep(&self, key: String, rules: &DirectoryPolicy) {
        self.map()
            .insert(key, (rules.clone(), Some(Instant::now())));
    }

    fn mark_to_read_again(&self) {
        for (_, read_at) in self.map().values_mut() {
            *read_at = None;
        }
    }
}

impl Ldap {
    /// The attribute that names a person's own policy.
    pub(super) fn own_rules_attribute(&self) -> &'static str {
        match self.config.kind {
            DirectoryKind::Openldap => "pwdPolicySubentry",
            DirectoryKind::ActiveDirectory => "msDS-ResultantPSO",
        }
    }

    /// The rules in force for the person at `entry` (read with
    /// [`Ldap::own_rules_attribute`]); the default where theirs cannot be
    /// read, no rules where neither can.
    pub(super) async fn rules_of(
        &self,
        ldap: &mut ldap3::Ldap,
        entry: &SearchEntry,
    ) -> DirectoryPolicy {
        let own = first_value(entry, self.own_rules_attribute());
        self.rules_named(ldap, own.as_deref()).await
    }

    /// The rules of the person's own policy `own` where they can be read,
    /// else the default's, else none.
    pub(super) async fn rules_named(
        &self,
        ldap: &mut ldap3::Ldap,
        own: Option<&str>,
    ) -> DirectoryPolicy {
        // slapd names its default policy on everyone it applies to.
        let own = own.filter(|dn| {
            self.config
                .policy_dn
                .as_deref()
                .is_none_or(|default| !default.eq_ignore_ascii_case(dn))
        });
        if let Some(dn) = own {
            match self.rules(ldap, Some(dn)).await {
                Ok(rules) => return rules,
                Err(e) => {
                    tracing::warn!(policy = %dn, error = %e, "a person's own password policy cannot be read; the default applies")
                }
            }
        }
        self.rules(ldap, None).await.unwrap_or_default()
    }

    /// The rules in force for `username`.
    pub(super) async fn own_rules(
        &self,
        ldap: &mut ldap3::Ldap,
        username: &str,
    ) -> Result<DirectoryPolicy, DirectoryError> {
        let entry = self
            .entry(ldap, username, vec![self.own_rules_attribute()])
            .await?;
        Ok(self.rules_of(ldap, &entry).await)
    }

    /// [`Ldap::own_rules`] on a connection of its own, kept by username;
    /// the rules read before while the directory cannot be reached.
    pub(super) async fn person_rules(
        &self,
        username: &str,
    ) -> Result<DirectoryPolicy, DirectoryError> {
        let key = username.to_lowercase();
        let kept = &self.rules.by_person;
        if let Some(rules) = kept.fresh(&key, self.rules_fresh_for()) {
            return Ok(rules);
        }
        let read = async {
            let mut ldap = self.service().await?;
            let rules = self.own_rules(&mut ldap, username).await;
            let _ = ldap.unbind().await;
            rules
        };
        match read.await {
            Ok(rules) => {
                kept.keep(key, &rules);
                Ok(rules)
            }
            Err(DirectoryError::Unreachable(why)) => {
                kept.stale(&key).ok_or(DirectoryError::Unreachable(why))
            }
            Err(e) => Err(e),
        }
    }

    /// The rules of the policy entry `own` (a person's own), or of the
    /// default; read again once `directory.rules_refresh_minutes` passed,
    /// the rules read before while they cannot be read.
    pub(super) async fn rules(
        &self,
        ldap: &mut ldap3::Ldap,
        own: Option<&str>,
    ) -> Result<DirectoryPolicy, DirectoryError> {
        let key = own.unwrap_or_default().to_lowercase();
        let kept = &self.rules.by_policy;
        if let Some(rules) = kept.fresh(&key, self.rules_fresh_for()) {
            return Ok(rules);
        }
        let read = match own {
            None => self.read_policy(ldap).await,
            Some(dn) => {
                let attributes = match self.config.kind {
                    DirectoryKind::Openldap => ppolicy::POLICY_ATTRIBUTES.to_vec(),
                    DirectoryKind::ActiveDirectory => ad::PSO_ATTRIBUTES.to_vec(),
                };
                self.read_one(ldap, dn, attributes).await.map(|entry| {
                    let first = |name: &str| first_value(&entry, name);
                    match self.config.kind {
                        DirectoryKind::Openldap => ppolicy::policy(first),
                        DirectoryKind::ActiveDirectory => ad::pso_policy(first),
                    }
                })
            }
        };
        match read {
            Ok(rules) => {
                kept.keep(key, &rules);
                Ok(rules)
            }
            Err(e) => kept.stale(&key).ok_or(e),
        }
    }

    fn rules_fresh_for(&self) -> Duration {
        Duration::from_secs(self.config.rules_refresh_minutes * 60)
    }

    /// Every rule read so far is read again when next needed (and kept
    /// meanwhile, for when the directory cannot answer).
    pub(super) fn forget_rules(&self) {
        self.rules.by_policy.mark_to_read_again();
        self.rules.by_person.mark_to_read_again();
    }
}
