//! Configuration: defaults, then one TOML file. Strict: an unknown key, a
//! value of the wrong type, a setting that cannot work or a file it names
//! that cannot be read is refused with the file, the line and the reason.
//! Nothing falls back silently.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use latchkey_breached::BreachedFilter;
use latchkey_policy::{BreachedList, BreachedSet, Dictionary, Policy, PolicyConfig};
use serde::{Deserialize, Serialize};

use crate::hashing::HashingConfig;
pub use crate::secrets::secret_from_env;
pub use crate::site::HelpdeskConfig;
pub use reset::{ProofsRequired, ResetConfig};
pub use throttle::ThrottleConfig;

mod reset;
mod throttle;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub policy: PolicyConfig,
    pub database: DatabaseConfig,
    pub hashing: HashingConfig,
    pub server: ServerConfig,
    pub helpdesk: HelpdeskConfig,
    pub throttle: ThrottleConfig,
    pub captcha: crate::captcha::pow::CaptchaConfig,
    pub messages: crate::notify::MessagesConfig,
    pub mail: crate::notify::mail::MailConfig,
    pub registration: RegistrationConfig,
    pub reset: ResetConfig,
    pub directory: crate::directory::DirectoryConfig,
    pub network: crate::network::NetworkConfig,
    pub branding: crate::site::BrandingConfig,
    pub site: crate::site::SiteConfig,
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
    /// The name authenticator apps show beside the codes; unset, the
    /// university's (`branding.name`), as every other place says it.
    pub authenticator_issuer: Option<String>,
    /// Suggest an authenticator app to people whose only way is their
    /// phone: NIST SP 800-63B-4 counts texts and calls as restricted.
    pub suggest_app_beside_phone: bool,
    /// Ask people every this many days whether the ways they reset with
    /// are still theirs (Entra's re-confirmation); 0: never.
    pub reconfirm_days: i64,
}

impl RegistrationConfig {
    /// The name people's authenticator apps show: the configured one, else
    /// `university` (staff apps add "help desk" to it).
    pub fn issuer<'a>(&'a self, university: &'a str) -> &'a str {
        self.authenticator_issuer.as_deref().unwrap_or(university)
    }
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        RegistrationConfig {
            required: true,
            fresh_factor_minutes: 10,
            authenticator_issuer: None,
            suggest_app_beside_phone: true,
            reconfirm_days: 180,
        }
    }
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: String,
    /// Where `GET /metrics` is served, apart from the portal so that its
    /// public address never shows it (`127.0.0.1:9464`). Unset: no metrics.
    pub metrics_bind: Option<String>,
    /// Where people reach the portal: the start of links sent to them.
    pub public_url: String,
    /// `text` (lines for people) or `json` (one object a line, for collectors).
    pub log_format: LogFormat,
    /// Serve HTTPS directly: a PEM certificate chain and its private key.
    /// Without them, plain HTTP for a reverse proxy in front.
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    /// Key for the HMACs of codes and CAPTCHA answers: 32 bytes or more,
    /// shared by every instance. Better given as `LATCHKEY_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// Mark cookies `Secure`: on whenever people reach the portal over HTTPS.
    pub secure_cookies: bool,
    /// `Strict-Transport-Security` max-age, sent whenever people reach the
    /// portal over HTTPS: served here (`tls_cert_file`) or at a proxy in
    /// front (`public_url` is `https://…`). 0 sends none.
    pub hsts_max_age_seconds: u64,
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
    /// How long a worker holds each message it claimed from the delivery
    /// queue: longer than any send may take, so no other instance sends it
    /// too; a worker that dies gives it back when this runs out.
    pub delivery_lease_seconds: i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            metrics_bind: None,
            public_url: "http://127.0.0.1:8080".into(),
            log_format: LogFormat::Text,
            tls_cert_file: None,
            tls_key_file: None,
            secret_key: None,
            secure_cookies: false,
            hsts_max_age_seconds: 31_536_000,
            delivery_lease_seconds: crate::notify::queue::LEASE_SECONDS,
            reset_minutes: 30,
            code_minutes: 10,
            code_tries: 5,
            session_idle_minutes: 15,
            session_max_minutes: 60,
        }
    }
}

impl ServerConfig {
    /// Whether people reach the portal over HTTPS, here or through a proxy.
    pub fn https(&self) -> bool {
        self.tls_cert_file.is_some() || self.public_url.starts_with("https://")
    }

    /// The `Strict-Transport-Security` value, when one is due.
    pub fn hsts(&self) -> Option<String> {
        (self.https() && self.hsts_max_age_seconds > 0)
            .then(|| format!("max-age={}; includeSubDomains", self.hsts_max_age_seconds))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// `[database]`. `LATCHKEY_DATABASE_URL` and `--database-url` override `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST/DB`.
    pub url: String,
    /// How long `serve` keeps trying a database it cannot reach when it
    /// starts (a server restarted while the database is restarting too),
    /// before it gives up: 0 gives up at once.
    pub start_wait_seconds: u64,
    /// The longest one statement may run on PostgreSQL before it is
    /// cancelled and the request answered "try again in a minute".
    pub statement_timeout_seconds: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://latchkey.db".into(),
            start_wait_seconds: 60,
            statement_timeout_seconds: 10,
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
    /// The file's settings (empty without a file), before the environment.
    table: toml::Table,
}

/// The environment variables that are secrets or flags, not config keys.
const PREFIX: &str = "LATCHKEY_";

impl LoadedConfig {
    /// The defaults, when no file is given.
    pub fn defaults() -> LoadedConfig {
        LoadedConfig {
            config: Config::default(),
            file: None,
            table: toml::Table::new(),
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
        let located = |e: toml::de::Error| ConfigError {
            file: path.to_owned(),
            line: e.span().map(|span| line_of(&source, span)),
            reason: e.message().trim().to_owned(),
        };
        let table: toml::Table = toml::from_str(&source).map_err(located)?;
        let config: Config = toml::from_str(&source).map_err(located)?;
        let mut loaded = LoadedConfig {
            config,
            file: Some((path.to_owned(), source)),
            table,
        };
        loaded.anchor_files();
        loaded.validate()?;
        Ok(loaded)
    }

    /// Settings from the environment over the file's: `LATCHKEY_SECTION__KEY`
    /// sets `section.key` (`__` between levels, any case), and
    /// `LATCHKEY_SECTION__KEY_FILE` sets it to a file's contents (for
    /// secrets). A value is read as TOML where it is one (`10`, `true`,
    /// `["10.0.0.0/8"]`), as text otherwise. Variables without `__` are the
    /// named secrets (`LATCHKEY_SECRET_KEY`, …) and are not config keys. An
    /// unknown key or a wrong value is refused, naming the variable.
    pub fn with_environment(
        mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<LoadedConfig, ConfigError> {
        let mut vars: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(name, _)| name.starts_with(PREFIX) && name.contains("__"))
            .collect();
        if vars.is_empty() {
            return Ok(self);
        }
        vars.sort();
        let refused = |name: &str, reason: String| ConfigError {
            file: PathBuf::from("environment"),
            line: None,
            reason: format!("{name}: {reason}"),
        };
        let mut table = self.table.clone();
        for (name, value) in vars {
            // The name as a key first (`…__TLS_CERT_FILE` is a key); then,
            // for `…_FILE`, the key before it set to the file's contents.
            let literal = fit(&table, &name, &value).map_err(|e| refused(&name, e));
            table = match (literal, name.strip_suffix("_FILE")) {
                (Ok(fitted), _) => fitted,
                (Err(_), Some(key)) => {
                    let text = std::fs::read_to_string(&value)
                        .map_err(|e| refused(&name, format!("cannot read {value}: {e}")))?;
                    fit(&table, key, text.trim_end_matches(['\n', '\r']))
                        .map_err(|e| refused(&name, e))?
                }
                (Err(e), None) => return Err(e),
            };
        }
        self.config = toml::Value::Table(table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| refused("environment", e.message().to_owned()))?;
        self.table = table;
        self.anchor_files();
        self.validate()?;
        Ok(self)
    }

    /// Certificate and key files named by a relative path are taken from
    /// the config file's folder, as the policy's files are, so a service
    /// finds them whatever its working directory.
    fn anchor_files(&mut self) {
        let Some(folder) = self.file.as_ref().and_then(|(path, _)| path.parent()) else {
            return;
        };
        let config = &mut self.config;
        let files = [
            &mut config.server.tls_cert_file,
            &mut config.server.tls_key_file,
            &mut config.mail.smtp.ca_file,
            &mut config.directory.ca_file,
            &mut config.branding.logo_file,
        ];
        for file in files.into_iter().flatten() {
            if file.is_relative() {
                *file = folder.join(&*file);
            }
        }
    }

    /// Settings that parse but cannot work.
    fn validate(&self) -> Result<(), ConfigError> {
        self.config
            .policy
            .validate()
            .map_err(|problem| self.error(&["policy", problem.key], format!("policy.{problem}")))?;
        if let Some((key, reason)) = self.config.directory.problem() {
            return Err(self.error(&["directory", key], format!("directory.{key}: {reason}")));
        }
        if let Err(reason) = self.config.site.zone() {
            return Err(self.error(&["site", "time_zone"], reason));
        }
        if let Some((key, reason)) = self.config.branding.problem() {
            return Err(self.error(&["branding", key], format!("branding.{key}: {reason}")));
        }
        if let Some((key, reason)) = self.config.captcha.problem() {
            return Err(self.error(&["captcha", key], format!("captcha.{key}: {reason}")));
        }
        if let Some((key, reason)) = self.config.throttle.problem() {
            return Err(self.error(&["throttle", key], format!("throttle.{key}: {reason}")));
        }
        if let Some((key, reason)) = self.config.messages.countries.problem() {
            let path = ["messages", "countries", key];
            return Err(self.error(&path, format!("messages.countries.{key}: {reason}")));
        }
        if let Some((key, reason)) = self.config.network.problem() {
            return Err(self.error(&["network", key], format!("network.{key}: {reason}")));
        }
        let server = &self.config.server;
        if let Some(reason) = self.lease_problem() {
            let key = "delivery_lease_seconds";
            return Err(self.error(&["server", key], format!("server.{key}: {reason}")));
        }
        if server.tls_cert_file.is_some() != server.tls_key_file.is_some() {
            let key = if server.tls_cert_file.is_some() {
                "tls_key_file"
            } else {
                "tls_cert_file"
            };
            return Err(self.error(
                &["server", key],
                "server.tls_cert_file and server.tls_key_file go together: set both or neither"
                    .into(),
            ));
        }
        Ok(())
    }

    /// A lease a slow send could outlive: ten times the longest timeout of
    /// the providers in use (a send is several exchanges, each timed).
    fn lease_problem(&self) -> Option<String> {
        let settings = &self.config;
        let mail = (settings.mail.transport == crate::notify::mail::MailTransport::Smtp)
            .then_some(("the mail server's", settings.mail.smtp.timeout_seconds));
        let texts = (settings.messages.provider == crate::notify::ProviderKind::Twilio)
            .then_some(("Twilio's", crate::notify::twilio::TIMEOUT_SECONDS));
        let (whose, longest) = [mail, texts]
            .into_iter()
            .flatten()
            .max_by_key(|(_, t)| *t)?;
        let lease = settings.server.delivery_lease_seconds;
        let floor = i64::try_from(longest.saturating_mul(10)).unwrap_or(i64::MAX);
        (lease < floor).then(|| {
            format!(
                "{lease} s is shorter than ten times {whose} timeout ({longest} s): a message \
                 still being sent would be sent again by another instance; set {floor} or more"
            )
        })
    }

    /// The password policy, with the word lists its settings name.
    pub fn policy(&self) -> Result<Policy, ConfigError> {
        self.policy_with(&self.config.policy)
    }

    /// The same, with `settings` in place of `[policy]` (ours joined with
    /// the directory's).
    pub fn policy_with(&self, settings: &PolicyConfig) -> Result<Policy, ConfigError> {
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
        let mut breached: Vec<Box<dyn BreachedSet>> = Vec::new();
        if let Some(file) = &settings.breached_file {
            let text = self.read_named_file(&["policy", "breached_file"], file)?;
            breached.push(Box::new(BreachedList::parse(&text)));
        }
        if let Some(filter) = self.breached_filter(settings)? {
            breached.push(Box::new(filter));
        }
        Ok(Policy::new(settings.clone(), dictionary, breached))
    }

    /// `policy.breached_filter`, mapped and checked (not its checksum:
    /// `config check` reads the whole file for that).
    pub fn breached_filter(
        &self,
        settings: &PolicyConfig,
    ) -> Result<Option<BreachedFilter>, ConfigError> {
        let Some(file) = &settings.breached_filter else {
            return Ok(None);
        };
        BreachedFilter::open(&self.resolve(file))
            .map(Some)
            .map_err(|e| {
                self.error(
                    &["policy", "breached_filter"],
                    format!("policy.breached_filter: {e}"),
                )
            })
    }

    /// A path a setting names: relative ones from the config file's folder.
    fn resolve(&self, file: &Path) -> PathBuf {
        match &self.file {
            Some((config_path, _)) if file.is_relative() => {
                config_path.parent().unwrap_or(Path::new("")).join(file)
            }
            _ => file.to_owned(),
        }
    }

    /// A file a setting names; relative paths are taken from the config file's folder.
    fn read_named_file(&self, key: &[&str], file: &Path) -> Result<String, ConfigError> {
        let resolved = self.resolve(file);
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

/// `table` with the key that variable `name` names set to `value`, read as
/// TOML where it is one and fits, as text otherwise; or why it fits neither way.
fn fit(table: &toml::Table, name: &str, value: &str) -> Result<toml::Table, String> {
    let path: Vec<String> = name[PREFIX.len()..]
        .split("__")
        .map(str::to_lowercase)
        .collect();
    let mut tried = Vec::new();
    if let Ok(parsed) = toml::from_str::<toml::Table>(&format!("v = {value}"))
        && let Some(v) = parsed.get("v")
    {
        tried.push(v.clone());
    }
    tried.push(toml::Value::String(value.to_owned()));
    // The first reading's error is the one to show: a value that is TOML
    // (`["10.0.0.0/33"]`) was meant as that, not as text.
    let mut first_error = None;
    for candidate in tried {
        let mut attempt = table.clone();
        set_path(&mut attempt, &path, candidate)?;
        match toml::Value::Table(attempt.clone()).try_into::<Config>() {
            Ok(_) => return Ok(attempt),
            Err(e) => {
                first_error.get_or_insert_with(|| e.message().trim().to_owned());
            }
        }
    }
    Err(first_error.unwrap_or_default())
}

/// Sets `path` in `table`, making the tables on the way.
fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Err("no key after LATCHKEY_".into());
    };
    let mut here = table;
    for name in parents {
        let entry = here
            .entry(name.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = entry
            .as_table_mut()
            .ok_or_else(|| format!("{name} is a value, not a section"))?;
    }
    here.insert(last.clone(), value);
    Ok(())
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

#[cfg(test)]
mod tests;
