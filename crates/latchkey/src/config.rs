//! Configuration: defaults, then one TOML file. Strict: an unknown key, a
//! value of the wrong type, a setting that cannot work or a file it names
//! that cannot be read is refused with the file, the line and the reason.
//! Nothing falls back silently.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use latchkey_policy::{BreachedList, Dictionary, Policy, PolicyConfig};
use serde::{Deserialize, Serialize};

use crate::hashing::HashingConfig;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub policy: PolicyConfig,
    pub database: DatabaseConfig,
    pub hashing: HashingConfig,
    pub server: ServerConfig,
    pub helpdesk: HelpdeskConfig,
    pub throttle: ThrottleConfig,
    pub messages: crate::notify::MessagesConfig,
    pub mail: crate::notify::mail::MailConfig,
    pub registration: RegistrationConfig,
    pub directory: crate::directory::DirectoryConfig,
    pub network: crate::network::NetworkConfig,
}

/// `[registration]`: the methods people register to reset with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationConfig {
    /// Everyone must keep at least one method: a person without one is sent
    /// to register after signing in, and the last one cannot be removed.
    pub required: bool,
    /// How recently a second factor must have been proven in a session to
    /// add, replace or remove a method, in minutes.
    pub fresh_factor_minutes: i64,
    /// The name authenticator apps show beside the codes.
    pub authenticator_issuer: String,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        RegistrationConfig {
            required: true,
            fresh_factor_minutes: 10,
            authenticator_issuer: "University".into(),
        }
    }
}

/// `[throttle]`: limits per client address, per account and per phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Resets one address may start in 10 minutes.
    pub starts_per_address: i64,
    /// Wrong CAPTCHA answers one address may give in 10 minutes.
    pub captcha_failures_per_address: i64,
    /// Codes sent for one account in an hour.
    pub codes_per_account: i64,
    /// Codes sent to one phone number in an hour.
    pub codes_per_phone: i64,
    /// Wrong codes for one account in an hour that lock its online reset.
    pub code_failures_before_lock: i64,
    /// How long online reset stays locked. The help desk can lift it sooner.
    pub lock_minutes: i64,
    /// Wrong passwords one address may give in 10 minutes.
    pub signin_failures_per_address: i64,
    /// Wrong passwords for one account in 15 minutes before its sign-in here
    /// pauses for the rest of those 15 minutes (reset still works).
    pub signin_failures_per_account: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            starts_per_address: 30,
            captcha_failures_per_address: 30,
            codes_per_account: 5,
            codes_per_phone: 5,
            code_failures_before_lock: 10,
            lock_minutes: 30,
            signin_failures_per_address: 30,
            signin_failures_per_account: 10,
        }
    }
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: String,
    /// Where people reach the portal: the start of links sent to them.
    pub public_url: String,
    /// Key for the HMACs of codes and CAPTCHA answers: 32 bytes or more,
    /// shared by every instance. Better given as `LATCHKEY_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// Mark cookies `Secure`: on whenever people reach the portal over HTTPS.
    pub secure_cookies: bool,
    /// How long a reset may take from start to finish, in minutes.
    pub reset_minutes: i64,
    /// Lifetime of a verification code, in minutes.
    pub code_minutes: i64,
    /// Wrong tries that void a code.
    pub code_tries: i64,
    /// A signed-in session ends after this many minutes without a request…
    pub session_idle_minutes: i64,
    /// …and this many minutes after sign-in in any case.
    pub session_max_minutes: i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            secret_key: None,
            secure_cookies: false,
            reset_minutes: 30,
            code_minutes: 10,
            code_tries: 5,
            session_idle_minutes: 15,
            session_max_minutes: 60,
        }
    }
}

/// `[helpdesk]`: who people are sent to when they cannot reset online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpdeskConfig {
    pub phone: String,
    pub email: String,
    pub chat_url: String,
    /// The checks an agent may record to verify a caller without a code.
    pub verification_reasons: Vec<String>,
    /// How long a verified caller stays verified in a staff session, in minutes.
    pub verification_minutes: i64,
    /// A staff session ends after this many minutes without a request…
    pub session_idle_minutes: i64,
    /// …and this many minutes after sign-in in any case.
    pub session_max_minutes: i64,
    /// Lifetime of a one-time reset link, in minutes.
    pub reset_link_minutes: i64,
}

impl Default for HelpdeskConfig {
    fn default() -> Self {
        HelpdeskConfig {
            phone: "(555) 010-4357".into(),
            email: "helpdesk@example.edu".into(),
            chat_url: "https://help.example.edu/chat".into(),
            verification_reasons: vec![
                "Photo ID shown on a video call".into(),
                "Photo ID shown in person at the service desk".into(),
                "Called back on the number in the HR or student record".into(),
            ],
            verification_minutes: 15,
            session_idle_minutes: 10,
            session_max_minutes: 60,
            reset_link_minutes: 30,
        }
    }
}

/// `[database]`. `LATCHKEY_DATABASE_URL` and `--database-url` override `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST/DB`.
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://latchkey.db".into(),
        }
    }
}

/// Why a configuration was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.reason),
            None => write!(f, "{}: {}", self.file.display(), self.reason),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A configuration file as read, kept so later errors can point at a line.
pub struct LoadedConfig {
    pub config: Config,
    file: Option<(PathBuf, String)>,
}

impl LoadedConfig {
    /// The defaults, when no file is given.
    pub fn defaults() -> LoadedConfig {
        LoadedConfig {
            config: Config::default(),
            file: None,
        }
    }

    pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_owned(),
            line: None,
            reason: format!("cannot read the configuration file: {e}"),
        })?;
        LoadedConfig::parse(path, source)
    }

    /// `path` names the source in errors and anchors relative paths in it.
    pub fn parse(path: &Path, source: String) -> Result<LoadedConfig, ConfigError> {
        let config: Config = toml::from_str(&source).map_err(|e| ConfigError {
            file: path.to_owned(),
            line: e.span().map(|span| line_of(&source, span)),
            reason: e.message().trim().to_owned(),
        })?;
        let loaded = LoadedConfig {
            config,
            file: Some((path.to_owned(), source)),
        };
        loaded.config.policy.validate().map_err(|problem| {
            loaded.error(&["policy", problem.key], format!("policy.{problem}"))
        })?;
        if let Some((key, reason)) = loaded.config.directory.problem() {
            return Err(loaded.error(&["directory", key], format!("directory.{key}: {reason}")));
        }
        Ok(loaded)
    }

    /// The password policy, with the word lists its settings name.
    pub fn policy(&self) -> Result<Policy, ConfigError> {
        let settings = &self.config.policy;
        let dictionary = match (&settings.dictionary_word, &settings.dictionary_file) {
            (false, _) => None,
            (true, None) => Some(Dictionary::builtin(settings.dictionary_min_word_length)),
            (true, Some(file)) => {
                let key = ["policy", "dictionary_file"];
                let text = self.read_named_file(&key, file)?;
                Some(Dictionary::parse(
                    &text,
                    settings.dictionary_min_word_length,
                ))
            }
        }
        .transpose()
        .map_err(|e| {
            let file = settings
                .dictionary_file
                .as_deref()
                .unwrap_or(Path::new("built-in list"));
            self.error(
                &["policy", "dictionary_file"],
                format!("policy.dictionary_file: {} {e}", file.display()),
            )
        })?;
        let breached = match &settings.breached_file {
            None => None,
            Some(file) => Some(BreachedList::parse(
                &self.read_named_file(&["policy", "breached_file"], file)?,
            )),
        };
        Ok(Policy::new(settings.clone(), dictionary, breached))
    }

    /// A file a setting names; relative paths are taken from the config file's folder.
    fn read_named_file(&self, key: &[&str], file: &Path) -> Result<String, ConfigError> {
        let resolved = match &self.file {
            Some((config_path, _)) if file.is_relative() => {
                config_path.parent().unwrap_or(Path::new("")).join(file)
            }
            _ => file.to_owned(),
        };
        std::fs::read_to_string(&resolved).map_err(|e| {
            self.error(
                key,
                format!("{}: cannot read {}: {e}", key.join("."), resolved.display()),
            )
        })
    }

    fn error(&self, key: &[&str], reason: String) -> ConfigError {
        match &self.file {
            Some((path, source)) => ConfigError {
                file: path.clone(),
                line: key_span(source, key).map(|span| line_of(source, span)),
                reason,
            },
            None => ConfigError {
                file: PathBuf::from("(defaults)"),
                line: None,
                reason,
            },
        }
    }
}

/// Where a dotted key (`policy.dictionary_file`) is written in a TOML source.
fn key_span(source: &str, key: &[&str]) -> Option<Range<usize>> {
    let document = toml::de::DeTable::parse(source).ok()?;
    let (first, rest) = key.split_first()?;
    let mut entry = document
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == first)?;
    for name in rest {
        let table = entry.1.get_ref().as_table()?;
        entry = table.iter().find(|(k, _)| k.get_ref() == name)?;
    }
    Some(entry.0.span())
}

/// 1-based line number of a byte offset.
fn line_of(source: &str, span: Range<usize>) -> usize {
    let end = span.start.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
