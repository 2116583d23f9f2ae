//! The directory over LDAP (`ldap3`): OpenLDAP-style servers and Active
//! Directory. Each operation opens its own connection, binds as the service
//! account and closes: password changes are rare, and a fresh connection
//! never carries a stale bind or a half-broken socket into a change.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::controls::RawControl;
use ldap3::exop::PasswordModify;
use ldap3::{LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Mod, Scope, SearchEntry};

use super::{
    Directory, DirectoryConfig, DirectoryError, DirectoryKind, DirectoryPerson, PasswordChange,
    Refusal,
};

/// LDAP_SERVER_POLICY_HINTS_OID: without it, Active Directory skips its own
/// password history when a service account sets a password.
const POLICY_HINTS_OID: &str = "1.2.840.113556.1.4.2239";
/// Its value, BER `SEQUENCE { INTEGER 1 }`: enforce the policy.
const POLICY_HINTS_ENFORCE: [u8; 5] = [0x30, 0x03, 0x02, 0x01, 0x01];

const INVALID_CREDENTIALS: u32 = 49;
const PAGE_SIZE: i32 = 500;

pub struct Ldap {
    config: DirectoryConfig,
    password: String,
    tls: Option<Arc<rustls::ClientConfig>>,
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
        })
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.config.timeout_seconds)
    }

    /// A connection bound as `dn`. Any failure here means nothing was asked.
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
            .simple_bind(dn, password)
            .await
            .map_err(|e| BindError::Unreachable(e.to_string()))?;
        match result.rc {
            0 => Ok(ldap),
            INVALID_CREDENTIALS => Err(BindError::Refused(result)),
            _ => Err(BindError::Failed(result.to_string())),
        }
    }

    /// A connection bound as the service account.
    async fn service(&self) -> Result<ldap3::Ldap, DirectoryError> {
        self.bind_as(&self.config.bind_dn, &self.password)
            .await
            .map_err(|e| match e {
                BindError::Unreachable(why) => DirectoryError::Unreachable(why),
                BindError::Refused(_) => DirectoryError::Unreachable(format!(
                    "the service account {} cannot bind: check directory.bind_dn and LATCHKEY_DIRECTORY_PASSWORD",
                    self.config.bind_dn
                )),
                BindError::Failed(why) => DirectoryError::Unreachable(why),
            })
    }

    /// The DN of the one entry the user filter finds for `username`.
    async fn find(&self, ldap: &mut ldap3::Ldap, username: &str) -> Result<String, DirectoryError> {
        let filter = self
            .config
            .user_filter()
            .replace("{username}", &ldap3::ldap_escape(username));
        let (entries, _) = ldap
            .with_timeout(self.timeout())
            .search(&self.config.base_dn, Scope::Subtree, &filter, vec!["1.1"])
            .await
            .map_err(|e| DirectoryError::Unreachable(e.to_string()))?
            .success()
            .map_err(|e| DirectoryError::Failed(e.to_string()))?;
        match entries.len() {
            0 => Err(DirectoryError::NoEntry),
            1 => Ok(SearchEntry::construct(
                entries.into_iter().next().ok_or(DirectoryError::NoEntry)?,
            )
            .dn),
            n => Err(DirectoryError::Failed(format!(
                "{n} entries match the user filter for one username; make directory.user_filter unique"
            ))),
        }
    }
}

enum BindError {
    Unreachable(String),
    Refused(LdapResult),
    Failed(String),
}

#[async_trait]
impl Directory for Ldap {
    async fn set_password(&self, username: &str, password: &str) -> Result<(), DirectoryError> {
        let mut ldap = self.service().await?;
        let dn = self.find(&mut ldap, username).await?;
        let timeout = self.timeout();
        // From here on the request may reach the server: a lost answer is
        // `Unanswered`, never "nothing changed".
        let sent = match (self.config.kind, self.config.password_change) {
            (DirectoryKind::ActiveDirectory, _) => {
                ldap.with_timeout(timeout)
                    .with_controls(policy_hints())
                    .modify(
                        &dn,
                        vec![Mod::Replace(
                            b"unicodePwd".to_vec(),
                            HashSet::from([unicode_pwd(password)]),
                        )],
                    )
                    .await
            }
            (DirectoryKind::Openldap, PasswordChange::Exop) => ldap
                .with_timeout(timeout)
                .extended(PasswordModify {
                    user_id: Some(&dn),
                    old_pass: None,
                    new_pass: Some(password),
                })
                .await
                .map(|result| result.1),
            (DirectoryKind::Openldap, PasswordChange::Replace) => {
                ldap.with_timeout(timeout)
                    .modify(
                        &dn,
                        vec![Mod::Replace(
                            b"userPassword".to_vec(),
                            HashSet::from([password.as_bytes().to_vec()]),
                        )],
                    )
                    .await
            }
        };
        let _ = ldap.unbind().await;
        let result = sent.map_err(|e| DirectoryError::Unanswered(e.to_string()))?;
        if result.rc == 0 {
            return Ok(());
        }
        Err(match refusal(result.rc, &result.text) {
            Some(refusal) => DirectoryError::Refused(refusal),
            None => DirectoryError::Failed(result.to_string()),
        })
    }

    async fn has_password(&self, username: &str, password: &str) -> Result<bool, DirectoryError> {
        let mut service = self.service().await?;
        let dn = self.find(&mut service, username).await?;
        let _ = service.unbind().await;
        match self.bind_as(&dn, password).await {
            Ok(mut ldap) => {
                let _ = ldap.unbind().await;
                Ok(true)
            }
            Err(BindError::Refused(result)) => Ok(right_password_refused_bind(&result.text)),
            Err(BindError::Unreachable(why)) => Err(DirectoryError::Unreachable(why)),
            Err(BindError::Failed(why)) => Err(DirectoryError::Failed(why)),
        }
    }

    /// The service bind. A refused one is `Failed` (the settings are wrong),
    /// an unreachable directory `Unreachable` (it may come back).
    async fn check(&self) -> Result<(), DirectoryError> {
        let mut ldap = match self.bind_as(&self.config.bind_dn, &self.password).await {
            Ok(ldap) => ldap,
            Err(BindError::Unreachable(why)) => return Err(DirectoryError::Unreachable(why)),
            Err(BindError::Refused(_)) => {
                return Err(DirectoryError::Failed(format!(
                    "the service account {} cannot bind: check directory.bind_dn and LATCHKEY_DIRECTORY_PASSWORD",
                    self.config.bind_dn
                )));
            }
            Err(BindError::Failed(why)) => return Err(DirectoryError::Failed(why)),
        };
        let _ = ldap.unbind().await;
        Ok(())
    }

    async fn people(&self) -> Result<Vec<DirectoryPerson>, DirectoryError> {
        let mut ldap = self.service().await?;
        let names = self.config.attribute_names();
        let attributes = vec![
            names.username.clone(),
            names.email.clone(),
            names.name.clone(),
            names.mobile.clone(),
            "cn".to_owned(),
        ];
        // Paged: Active Directory answers at most 1,000 entries a search.
        let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
            Box::new(EntriesOnly::new()),
            Box::new(PagedResults::new(PAGE_SIZE)),
        ];
        let failed = |e: LdapError| DirectoryError::Failed(e.to_string());
        let mut stream = ldap
            .with_timeout(self.timeout())
            .streaming_search_with(
                adapters,
                &self.config.base_dn,
                Scope::Subtree,
                &self.config.people_filter(),
                attributes,
            )
            .await
            .map_err(failed)?;
        let mut people = Vec::new();
        while let Some(entry) = stream.next().await.map_err(failed)? {
            let entry = SearchEntry::construct(entry);
            let first = |name: &str| {
                entry
                    .attrs
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .and_then(|(_, values)| values.first().cloned())
            };
            people.push(DirectoryPerson {
                dn: entry.dn.clone(),
                username: first(&names.username),
                email: first(&names.email),
                name: first(&names.name).or_else(|| first("cn")),
                mobile: first(&names.mobile),
            });
        }
        stream.finish().await.success().map_err(failed)?;
        let _ = ldap.unbind().await;
        Ok(people)
    }
}

/// The policy-hints control, critical: a directory that does not know it
/// refuses the change rather than skip its history check silently.
fn policy_hints() -> Vec<RawControl> {
    vec![RawControl {
        ctype: POLICY_HINTS_OID.to_owned(),
        crit: true,
        val: Some(POLICY_HINTS_ENFORCE.to_vec()),
    }]
}

/// Active Directory's `unicodePwd`: the password in double quotes, UTF-16LE.
fn unicode_pwd(password: &str) -> Vec<u8> {
    format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// The rule a directory's refusal names, from its result code and text:
/// OpenLDAP's ppolicy says which rule; Active Directory's `0000052D` only
/// that some restriction was not met.
fn refusal(rc: u32, text: &str) -> Option<Refusal> {
    const CONSTRAINT_VIOLATION: u32 = 19;
    const UNWILLING_TO_PERFORM: u32 = 53;
    let text = text.to_ascii_lowercase();
    if text.contains("0000052d") {
        return Some(Refusal::Restrictions);
    }
    if rc != CONSTRAINT_VIOLATION && rc != UNWILLING_TO_PERFORM {
        return None;
    }
    Some(
        if text.contains("history") || text.contains("existing value") {
            Refusal::History
        } else if text.contains("too short") {
            Refusal::Length
        } else if text.contains("too young") {
            Refusal::MinimumAge
        } else if text.contains("quality") {
            Refusal::Complexity
        } else if rc == CONSTRAINT_VIOLATION {
            Refusal::Restrictions
        } else {
            return None;
        },
    )
}

/// Active Directory refuses a bind with the right password when the
/// password has expired (`data 532`) or must be changed (`data 773`): the
/// password is still the one set.
fn right_password_refused_bind(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("data 532") || text.contains("data 773")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_directory_gets_a_quoted_utf16le_password_and_the_policy_hints() {
        assert_eq!(
            unicode_pwd("Añ1!"),
            [b'"', 0, b'A', 0, 0xF1, 0, b'1', 0, b'!', 0, b'"', 0]
        );
        let control = &policy_hints()[0];
        assert_eq!(control.ctype, "1.2.840.113556.1.4.2239");
        assert!(control.crit);
        assert_eq!(
            control.val.as_deref(),
            Some(&[0x30, 0x03, 0x02, 0x01, 0x01][..])
        );
    }

    #[test]
    fn directory_refusals_name_the_rule() {
        let cases = [
            (
                19,
                "Password is in history of old passwords",
                Some(Refusal::History),
            ),
            (
                19,
                "Password is not being changed from existing value",
                Some(Refusal::History),
            ),
            (
                19,
                "Password fails quality checking policy",
                Some(Refusal::Complexity),
            ),
            (
                19,
                "Password is too short for policy",
                Some(Refusal::Length),
            ),
            (
                19,
                "Password is too young to change",
                Some(Refusal::MinimumAge),
            ),
            (
                19,
                "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria",
                Some(Refusal::Restrictions),
            ),
            (
                53,
                "0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)",
                Some(Refusal::Restrictions),
            ),
            (50, "insufficient access", None),
            (
                53,
                "0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)",
                None,
            ),
        ];
        for (rc, text, expected) in cases {
            assert_eq!(refusal(rc, text), expected, "{rc} {text}");
        }
    }

    #[test]
    fn an_expired_active_directory_password_still_counts_as_set() {
        assert!(right_password_refused_bind(
            "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 773, v4563"
        ));
        assert!(!right_password_refused_bind(
            "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563"
        ));
    }
}
