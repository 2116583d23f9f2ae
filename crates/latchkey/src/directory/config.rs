//! `[directory]`: where the campus directory is, how to reach and write
//! it, and what it is trusted with; the settings that cannot work, refused
//! with their key.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[directory]`. Without a `url`, passwords live only in Latchkey's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectoryConfig {
    /// `ldap://HOST[:PORT]` (with `starttls`) or `ldaps://HOST[:PORT]`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    pub starttls: bool,
    pub kind: DirectoryKind,
    /// Who checks a person's password at sign-in and before an update.
    pub authority: Authority,
    /// The service account; its password comes from `LATCHKEY_DIRECTORY_PASSWORD`.
    pub bind_dn: String,
    /// Where people are searched for.
    pub base_dn: String,
    /// Finds one person; `{username}` is replaced by the escaped username.
    /// Default by kind.
    pub user_filter: Option<String>,
    /// Finds everyone `directory sync` imports. Default by kind.
    pub people_filter: Option<String>,
    /// OpenLDAP only: the Password Modify extended operation (RFC 3062,
    /// the server hashes) or a `userPassword` replace.
    pub password_change: PasswordChange,
    pub attributes: Attributes,
    /// Active Directory: whether its policy-hints control (which makes it
    /// apply its own password history to a service's change) is required,
    /// or sent only as a hint to a DC that may not know it (Samba 4.17).
    pub policy_hints: PolicyHints,
    /// OpenLDAP: the password policy entry in force (slapd's
    /// `ppolicy_default`), whose rules join ours. Active Directory reads
    /// its domain's without it.
    pub policy_dn: Option<String>,
    /// A campus certificate authority to trust besides the system's.
    pub ca_file: Option<PathBuf>,
    /// Per connection and per operation.
    pub timeout_seconds: u64,
    /// How often pending changes are retried.
    pub retry_seconds: i64,
    /// Days before a password expires when people are reminded, by mail
    /// and text (the directory's maximum age says when it expires).
    pub reminder_days: Vec<i64>,
    /// Remind people with no way to reset their password to register one.
    pub remind_to_register: bool,
    /// How often the server sends the reminders due (one instance at a
    /// time); 0 leaves them to `latchkey directory reminders`.
    pub reminder_every_minutes: i64,
    /// Whether the directory's `mobile` is trusted as a person's phone for
    /// reset codes: an imported person's phone comes from it (only where
    /// the account has none). Off, people register their phone themselves.
    pub trusted_phones: bool,
    /// How often the server runs `directory sync` itself (one instance at
    /// a time): newcomers imported, details brought up to date, people who
    /// left marked. 0 leaves it to the command.
    pub sync_every_minutes: i64,
    /// A sync that finds more people gone than this marks none and says
    /// why (a changed filter or base must not shut a campus out).
    pub max_leavers_per_sync: usize,
    /// Wrong passwords left to a person's own devices: sign-in here binds
    /// with at most the directory's lockout threshold, less one, less this
    /// many wrong passwords within its failure window.
    pub lockout_margin: u32,
    /// The directory's lockout threshold, for when its policy cannot be
    /// read (OpenLDAP's default policy in slapd's configuration, with no
    /// `policy_dn`): unset, Latchkey assumes 3 with no reset interval.
    pub lockout_threshold: Option<u32>,
    /// Where the directory forgets wrong passwords only after a right one
    /// (or is not known to forget them), the window sign-in here counts its
    /// binds in: a pause after wrong passwords lasts at most this long.
    pub lockout_window_minutes: i64,
    /// How long the directory's password rules (its default policy and
    /// each person's own) are kept before they are read again; a refused
    /// password reads them again at once.
    pub rules_refresh_minutes: u64,
    /// Hours after a password change made here that the directory is
    /// watched for a device still using the old password; 0 watches none.
    pub watch_hours: i64,
    /// How often the server looks (one instance at a time); 0 leaves it
    /// to `latchkey directory watch --once`.
    pub watch_every_minutes: i64,
    /// Wrong passwords after a change before the person is told a device
    /// still uses the old one (one alone is as likely a slip of the new).
    pub watch_warn_after: u32,
    /// Active Directory: domain controllers' failure events (4771, 4776)
    /// forwarded as JSON lines, read for the device's name and address.
    pub failure_events: Option<PathBuf>,
}

impl Default for DirectoryConfig {
    fn default() -> Self {
        DirectoryConfig {
            url: String::new(),
            starttls: false,
            kind: DirectoryKind::default(),
            authority: Authority::default(),
            bind_dn: String::new(),
            base_dn: String::new(),
            user_filter: None,
            people_filter: None,
            password_change: PasswordChange::default(),
            attributes: Attributes::default(),
            policy_hints: PolicyHints::default(),
            policy_dn: None,
            ca_file: None,
            timeout_seconds: 10,
            retry_seconds: 30,
            reminder_days: vec![14, 7, 1],
            remind_to_register: true,
            reminder_every_minutes: 60,
            trusted_phones: false,
            sync_every_minutes: 60,
            max_leavers_per_sync: 500,
            lockout_margin: 1,
            lockout_threshold: None,
            lockout_window_minutes: 15,
            rules_refresh_minutes: 5,
            watch_hours: 72,
            watch_every_minutes: 1,
            watch_warn_after: 2,
            failure_events: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    #[default]
    Openldap,
    ActiveDirectory,
}

/// How Active Directory's policy-hints control is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyHints {
    /// Critical: a DC that does not apply its history refuses the change
    /// (and `config check` says so) rather than skip the history silently.
    #[default]
    Required,
    /// Not critical: a DC that does not know it sets the password without
    /// its own history; Latchkey's history still applies.
    WhenSupported,
}

/// Whose word decides that a password is right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// A bind as the person: passwords changed anywhere count, and the
    /// password that worked joins the history here.
    #[default]
    Directory,
    /// This service's own copy (the directory is written to, never asked).
    Local,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordChange {
    #[default]
    Exop,
    Replace,
}

/// Which directory attribute holds what. Each defaults by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Attributes {
    pub username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub mobile: Option<String>,
    /// The person's department, for the reports (`departmentNumber`;
    /// Active Directory: `department`).
    pub department: Option<String>,
    /// When the password was last set (Unix seconds), for expiry reminders.
    pub password_changed_at: Option<i64>,
}

/// The attribute names in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeNames {
    pub username: String,
    pub email: String,
    pub name: String,
    pub mobile: String,
    pub department: String,
}

impl DirectoryConfig {
    pub fn enabled(&self) -> bool {
        !self.url.is_empty()
    }

    /// Whether sign-in asks the directory (a directory is configured and
    /// is the authority).
    pub fn authenticates(&self) -> bool {
        self.enabled() && self.authority == Authority::Directory
    }

    /// How `directory sync` treats what it finds.
    pub fn sync_options(&self) -> super::SyncOptions {
        super::SyncOptions {
            phones: self.trusted_phones,
            max_leavers: self.max_leavers_per_sync,
        }
    }

    pub fn user_filter(&self) -> String {
        self.user_filter.clone().unwrap_or_else(|| {
            match self.kind {
                DirectoryKind::Openldap => "(&(objectClass=inetOrgPerson)(uid={username}))",
                // By the pre-Windows 2000 name or the UPN people sign in with.
                DirectoryKind::ActiveDirectory => {
                    "(&(objectCategory=person)(objectClass=user)(|(sAMAccountName={username})(userPrincipalName={username})))"
                }
            }
            .to_owned()
        })
    }

    pub fn people_filter(&self) -> String {
        self.people_filter.clone().unwrap_or_else(|| {
            match self.kind {
                DirectoryKind::Openldap => "(objectClass=inetOrgPerson)",
                DirectoryKind::ActiveDirectory => "(&(objectCategory=person)(objectClass=user))",
            }
            .to_owned()
        })
    }

    pub fn attribute_names(&self) -> AttributeNames {
        let username = match self.kind {
            DirectoryKind::Openldap => "uid",
            DirectoryKind::ActiveDirectory => "sAMAccountName",
        };
        let department = match self.kind {
            DirectoryKind::Openldap => "departmentNumber",
            DirectoryKind::ActiveDirectory => "department",
        };
        let pick = |set: &Option<String>, default: &str| set.clone().unwrap_or(default.into());
        AttributeNames {
            username: pick(&self.attributes.username, username),
            email: pick(&self.attributes.email, "mail"),
            name: pick(&self.attributes.name, "displayName"),
            mobile: pick(&self.attributes.mobile, "mobile"),
            department: pick(&self.attributes.department, department),
        }
    }

    /// Settings that parse but cannot work: the dotted key and the reason.
    /// Settings that work but should not be used as they are.
    /// What sign-in here assumes of the directory's lockout.
    pub fn lockout(&self) -> super::LockoutSettings {
        super::LockoutSettings {
            margin: self.lockout_margin,
            threshold: self.lockout_threshold,
            window_seconds: self.lockout_window_minutes.saturating_mul(60),
        }
    }

    pub fn watch(&self) -> WatchSettings {
        WatchSettings {
            seconds: self.watch_hours.saturating_mul(3600),
            warn_after: self.watch_warn_after,
            failure_events: self.failure_events.clone(),
        }
    }

    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let host = self
            .url
            .strip_prefix("ldap://")
            .map(|rest| rest.split(['/', '?']).next().unwrap_or(""));
        if let Some(host) = host
            && self.enabled()
            && !self.starttls
            && !is_loopback(host)
        {
            warnings.push(format!(
                "directory.url: {} sends the service password and people's new passwords \
                 unencrypted; use ldaps:// or set directory.starttls = true",
                self.url
            ));
        }
        warnings
    }

    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !self.enabled() {
            return None;
        }
        let tls = self.url.starts_with("ldaps://");
        if !tls && !self.url.starts_with("ldap://") {
            return Some((
                "url",
                "use ldap://HOST or ldaps://HOST (StartTLS: ldap:// with starttls = true)".into(),
            ));
        }
        if tls && self.starttls {
            return Some((
                "starttls",
                "ldaps:// is TLS already; StartTLS is for ldap://".into(),
            ));
        }
        if self.kind == DirectoryKind::ActiveDirectory && !tls && !self.starttls {
            return Some((
                "url",
                "Active Directory sets passwords only over TLS: use ldaps:// or starttls = true"
                    .into(),
            ));
        }
        if self.bind_dn.trim().is_empty() {
            return Some((
                "bind_dn",
                "name the service account that writes passwords".into(),
            ));
        }
        if self.base_dn.trim().is_empty() {
            return Some(("base_dn", "name where people are searched for".into()));
        }
        if !self.user_filter().contains("{username}") {
            return Some(("user_filter", "the filter must contain {username}".into()));
        }
        if self.timeout_seconds == 0 || self.retry_seconds <= 0 {
            return Some(("timeout_seconds", "times must be above zero".into()));
        }
        if self.reminder_days.iter().any(|days| *days <= 0) {
            return Some((
                "reminder_days",
                "days before expiry are 1 or more (an empty list sends none)".into(),
            ));
        }
        if self.sync_every_minutes < 0 {
            return Some((
                "sync_every_minutes",
                "0 (only the command) or a number of minutes".into(),
            ));
        }
        if self.lockout_threshold == Some(0) {
            return Some((
                "lockout_threshold",
                "the number of wrong passwords the directory locks after, 1 or more (leave it out when the directory's policy can be read)".into(),
            ));
        }
        if self.lockout_window_minutes <= 0 {
            return Some((
                "lockout_window_minutes",
                "1 or more: the minutes sign-in here counts wrong passwords in".into(),
            ));
        }
        if self.rules_refresh_minutes == 0 {
            return Some((
                "rules_refresh_minutes",
                "1 or more: the directory's rules are kept that long".into(),
            ));
        }
        if self.watch_hours < 0 || self.watch_every_minutes < 0 {
            return Some((
                "watch_hours",
                "0 (no watch) or a number of hours; watch_every_minutes 0 (only the command) or a number of minutes".into(),
            ));
        }
        if self.watch_warn_after == 0 {
            return Some((
                "watch_warn_after",
                "1 or more: the wrong passwords after a change before the person is told".into(),
            ));
        }
        if self.reminder_every_minutes < 0 {
            return Some((
                "reminder_every_minutes",
                "0 (only the command) or a number of minutes".into(),
            ));
        }
        None
    }
}

/// The watch after a change (`directory.watch_*`, `failure_events`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSettings {
    /// How long after a change; 0: no watch.
    pub seconds: i64,
    pub warn_after: u32,
    pub failure_events: Option<PathBuf>,
}

/// `localhost`, `127.0.0.1:389`, `[::1]`: traffic that never leaves the machine.
fn is_loopback(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host_port
            .rsplit_once(':')
            .map_or(host_port, |(host, _)| host),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(url: &str, starttls: bool) -> DirectoryConfig {
        DirectoryConfig {
            url: url.into(),
            starttls,
            bind_dn: "cn=latchkey,dc=example,dc=edu".into(),
            base_dn: "dc=example,dc=edu".into(),
            ..DirectoryConfig::default()
        }
    }

    #[test]
    fn plain_ldap_to_another_host_is_warned_about() {
        assert_eq!(
            directory("ldap://dc.example.edu", false).warnings().len(),
            1
        );
        assert!(directory("ldap://dc.example.edu:389/", false).warnings()[0].contains("ldaps://"));
        for quiet in [
            directory("ldap://dc.example.edu", true),
            directory("ldaps://dc.example.edu", false),
            directory("ldap://127.0.0.1:3890", false),
            directory("ldap://localhost", false),
            directory("ldap://[::1]:389", false),
        ] {
            assert!(quiet.warnings().is_empty(), "{}", quiet.url);
        }
    }
}
