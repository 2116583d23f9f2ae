//! The watch's one read a pass: everyone with a wrong password since a
//! time, or locked since then, found by one paged search whatever the
//! number of people watched (OpenLDAP ppolicy's `pwdFailureTime` and
//! `pwdAccountLockedTime`; Active Directory's `badPasswordTime`,
//! `badPwdCount` and `lockoutTime`).

use ldap3::SearchEntry;

use super::{Ldap, ad, first_value, ppolicy};
use crate::directory::{DirectoryError, DirectoryKind, Trouble};

impl Ldap {
    pub(super) async fn find_trouble(&self, since: i64) -> Result<Vec<Trouble>, DirectoryError> {
        let username = self.config.attribute_names().username;
        let (filter, attributes) = match self.config.kind {
            DirectoryKind::Openldap => {
                let at = ppolicy::generalized(since);
                (
                    format!("(|(pwdFailureTime>={at})(pwdAccountLockedTime>={at}))"),
                    vec!["pwdFailureTime", "pwdAccountLockedTime"],
                )
            }
            DirectoryKind::ActiveDirectory => {
                let at = ad::ticks(since);
                (
                    format!("(|(badPasswordTime>={at})(lockoutTime>={at}))"),
                    vec!["badPasswordTime", "badPwdCount", "lockoutTime"],
                )
            }
        };
        let filter = format!("(&{}{filter})", self.config.people_filter());
        let mut attributes: Vec<String> = attributes.into_iter().map(str::to_owned).collect();
        attributes.push(username.clone());
        let mut ldap = self.service().await?;
        let entries = self.paged_search(&mut ldap, &filter, attributes).await;
        let _ = ldap.unbind().await;
        let found = (entries?.iter())
            .filter_map(|entry| self.trouble_of(entry, &username))
            .collect();
        Ok(found)
    }

    fn trouble_of(&self, entry: &SearchEntry, username: &str) -> Option<Trouble> {
        let values = |name: &str| {
            entry
                .attrs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, values)| values.clone())
                .unwrap_or_default()
        };
        let username = first_value(entry, username)?;
        Some(match self.config.kind {
            DirectoryKind::Openldap => {
                let failures: Vec<i64> = values("pwdFailureTime")
                    .iter()
                    .filter_map(|value| ppolicy::generalized_time(value))
                    .collect();
                Trouble {
                    username,
                    failure_count: u32::try_from(failures.len()).unwrap_or(u32::MAX),
                    failures,
                    locked_at: first_value(entry, "pwdAccountLockedTime")
                        .and_then(|value| ppolicy::generalized_time(&value)),
                }
            }
            DirectoryKind::ActiveDirectory => Trouble {
                username,
                failures: first_value(entry, "badPasswordTime")
                    .and_then(|value| ad::file_time(&value))
                    .into_iter()
                    .collect(),
                failure_count: first_value(entry, "badPwdCount")
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0),
                locked_at: first_value(entry, "lockoutTime")
                    .and_then(|value| ad::file_time(&value)),
            },
        })
    }
}
