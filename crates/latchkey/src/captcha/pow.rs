//! A proof of work: the accessible alternative to the image, needing
//! neither sight nor hearing. The browser finds the number the server
//! hashed (SHA-256 of the salt and a secret number up to `maxnumber`)
//! while the person types; the server checks it with one hash and one
//! HMAC. The wire format is ALTCHA's (version 1), so any ALTCHA client
//! can solve it; a small one of our own is served as `/static/pow.js`.
//!
//! A challenge is signed (HMAC under the service key), bound to one reset
//! session in its salt, expires, and is stored with the session so that
//! it is spent by its first use.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::secrets::{Entropy, SecretKey, same};

pub const ALGORITHM: &str = "SHA-256";
const PURPOSE: &str = "proof-of-work";
const BINDING_PURPOSE: &str = "proof-of-work-session";

/// `[captcha]`: the proof of work's cost and lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptchaConfig {
    /// Offer the proof of work beside the image (browsers with JavaScript).
    pub proof_of_work: bool,
    /// The largest secret number: a client tries half of them on average
    /// (about a second on a mid-range phone at the default; see
    /// docs/performance.md).
    pub max_number: u64,
    /// The range doubles for each this many resets a source (an address, an
    /// IPv6 network) opened in `throttle.address_window_minutes`, as Friendly
    /// Captcha does: a person trying again pays little, a bot more each time…
    pub rise_every: i64,
    /// …and doubles again for each this many resets the whole service
    /// (every source, every instance) opened in the last
    /// `service_window_minutes` and has not seen finished: a burst from
    /// many addresses makes the next challenge harder for everyone for a
    /// while, where a bot with many addresses would otherwise never pay
    /// more…
    pub service_rise_every: i64,
    pub service_window_minutes: i64,
    /// …up to this largest range.
    pub max_number_cap: u64,
    /// How long a challenge may be solved and sent.
    pub minutes: i64,
}

impl Default for CaptchaConfig {
    fn default() -> Self {
        CaptchaConfig {
            proof_of_work: true,
            max_number: 100_000,
            rise_every: 5,
            service_rise_every: 25,
            service_window_minutes: 10,
            max_number_cap: 10_000_000,
            minutes: 10,
        }
    }
}

/// What a challenge costs now, and why: the doublings of the range for
/// the source's own recent resets and for the whole service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub source: u32,
    pub service: u32,
    /// `max_number` doubled `source + service` times, up to the cap.
    pub max_number: u64,
}

impl Cost {
    /// Above a normal day's: the image alone no longer passes.
    pub fn raised(self) -> bool {
        self.source + self.service > 0
    }

    /// Why it costs what it does, for metrics and the audit trail.
    pub fn reason(self) -> &'static str {
        match (self.source > 0, self.service > 0) {
            (false, false) => "normal",
            (true, false) => "source",
            (false, true) => "service",
            (true, true) => "source_and_service",
        }
    }
}

impl CaptchaConfig {
    /// The cost for a source that opened `source_recent` resets (this one
    /// included) in the address window, while the service holds
    /// `service_unfinished` resets opened and not finished in its window:
    /// `max_number`, doubled for each `rise_every` of the source's before
    /// this one and each `service_rise_every` of the service's, up to
    /// `max_number_cap`.
    pub fn cost(&self, source_recent: i64, service_unfinished: i64) -> Cost {
        let doublings =
            |count: i64, every: i64| u32::try_from(count.max(0) / every.max(1)).unwrap_or(u32::MAX);
        let source = doublings(source_recent.max(1) - 1, self.rise_every);
        let service = doublings(service_unfinished, self.service_rise_every);
        let doubled = source
            .checked_add(service)
            .and_then(|level| 2u64.checked_pow(level))
            .and_then(|factor| self.max_number.checked_mul(factor));
        let max_number = doubled.map_or(self.max_number_cap, |max| max.min(self.max_number_cap));
        Cost {
            source,
            service,
            max_number,
        }
    }

    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !(1_000..=100_000_000).contains(&self.max_number) {
            return Some((
                "max_number",
                "between 1000 (no cost) and 100000000 (minutes on a phone)".into(),
            ));
        }
        if self.rise_every < 1 {
            return Some(("rise_every", "1 or more".into()));
        }
        if self.service_rise_every < 1 {
            return Some(("service_rise_every", "1 or more".into()));
        }
        if !(1..=1440).contains(&self.service_window_minutes) {
            return Some(("service_window_minutes", "between 1 and 1440".into()));
        }
        if !(self.max_number..=100_000_000).contains(&self.max_number_cap) {
            return Some((
                "max_number_cap",
                "between max_number and 100000000 (minutes on a phone)".into(),
            ));
        }
        if self.minutes < 1 {
            return Some(("minutes", "1 or more".into()));
        }
        None
    }
}

/// What the client is given (ALTCHA's challenge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PowChallenge {
    pub algorithm: String,
    /// Hex SHA-256 of `salt` followed by the secret number in decimal.
    pub challenge: String,
    pub maxnumber: u64,
    /// Random, then `?expires=UNIX&session=BINDING&max=MAXNUMBER` (the
    /// cost travels with the solution: a reset not yet begun keeps none).
    pub salt: String,
    /// Hex HMAC-SHA-256 of `challenge` under the service key.
    pub signature: String,
}

/// What the client sends back (ALTCHA's payload, base64 JSON in forms).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PowSolution {
    pub algorithm: String,
    pub challenge: String,
    pub number: u64,
    pub salt: String,
    pub signature: String,
}

/// Why a solution was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowRefusal {
    /// Not base64 JSON of a solution, or another algorithm.
    Malformed,
    /// Not signed by this service.
    Forged,
    /// The number does not hash to the challenge.
    Wrong,
    Expired,
    /// Issued for another session.
    ForeignSession,
    /// Not this session's current challenge: used already, or replaced.
    Spent,
    /// Issued before the cost rose by more than a doubling: solved cheaply
    /// ahead of a burst, it would let a bot skip the burst's price.
    Outdated,
}

impl PowRefusal {
    pub fn id(self) -> &'static str {
        match self {
            PowRefusal::Malformed => "malformed",
            PowRefusal::Forged => "forged",
            PowRefusal::Wrong => "wrong",
            PowRefusal::Expired => "expired",
            PowRefusal::ForeignSession => "foreign_session",
            PowRefusal::Spent => "spent",
            PowRefusal::Outdated => "outdated",
        }
    }
}

/// A new challenge for the session whose stored id is `session`, its
/// secret number up to `max_number` (a [`Cost`]'s).
pub fn issue(
    key: &SecretKey,
    entropy: &dyn Entropy,
    session: &str,
    config: &CaptchaConfig,
    max_number: u64,
    now: i64,
) -> PowChallenge {
    let random = entropy.token();
    let seed = u64::from_str_radix(&random[..16], 16).unwrap_or(0);
    let number = seed % (max_number + 1);
    let salt = format!(
        "{}?expires={}&session={}&max={max_number}",
        &random[16..40],
        now + config.minutes * 60,
        binding(key, session)
    );
    let challenge = hash(&salt, number);
    PowChallenge {
        algorithm: ALGORITHM.to_owned(),
        signature: key.tag(PURPOSE, &challenge),
        challenge,
        maxnumber: max_number,
        salt,
    }
}

/// Checks a solution sent for `session`, whose current challenge is
/// `stored` (its `challenge` field), at `now`.
pub fn verify(
    key: &SecretKey,
    sent: &str,
    session: &str,
    stored: Option<&str>,
    now: i64,
) -> Result<(), PowRefusal> {
    let solution = decode(sent).ok_or(PowRefusal::Malformed)?;
    if solution.algorithm != ALGORITHM {
        return Err(PowRefusal::Malformed);
    }
    if !key.verify(PURPOSE, &solution.challenge, &solution.signature) {
        return Err(PowRefusal::Forged);
    }
    if !same(&hash(&solution.salt, solution.number), &solution.challenge) {
        return Err(PowRefusal::Wrong);
    }
    let parameter = |name: &str| parameter(&solution.salt, name);
    let expires: i64 = parameter("expires")
        .and_then(|v| v.parse().ok())
        .ok_or(PowRefusal::Malformed)?;
    if expires < now {
        return Err(PowRefusal::Expired);
    }
    if !same(parameter("session").unwrap_or(""), &binding(key, session)) {
        return Err(PowRefusal::ForeignSession);
    }
    match stored {
        Some(stored) if same(stored, &solution.challenge) => Ok(()),
        _ => Err(PowRefusal::Spent),
    }
}

/// The challenge a solution answers, when this service signed it for
/// `session` and it is live: how a reset not yet begun, which stored no
/// challenge, learns the one its first page offered. Whether it is spent
/// is the caller's to know (it stores it with the session it begins).
pub fn answered(key: &SecretKey, sent: &str, session: &str, now: i64) -> Option<PowChallenge> {
    let solution = decode(sent)?;
    verify(key, sent, session, Some(&solution.challenge), now).ok()?;
    Some(PowChallenge {
        maxnumber: parameter(&solution.salt, "max")?.parse().ok()?,
        algorithm: solution.algorithm,
        challenge: solution.challenge,
        salt: solution.salt,
        signature: solution.signature,
    })
}

/// One `name=value` of a salt's query.
fn parameter<'a>(salt: &'a str, name: &str) -> Option<&'a str> {
    let query = salt.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The base64 JSON a form carries (standard or URL-safe alphabet).
fn decode(sent: &str) -> Option<PowSolution> {
    use data_encoding::{BASE64, BASE64URL};
    let sent = sent.trim();
    let bytes = BASE64
        .decode(sent.as_bytes())
        .or_else(|_| BASE64URL.decode(sent.as_bytes()))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What a client finds: the hex SHA-256 of the salt and the number.
pub fn hash(salt: &str, number: u64) -> String {
    hex::encode(Sha256::digest(format!("{salt}{number}").as_bytes()))
}

/// Names the session in the salt without showing its id.
fn binding(key: &SecretKey, session: &str) -> String {
    key.tag(BINDING_PURPOSE, session).chars().take(16).collect()
}

/// Solves a challenge by trying every number: what a client (or a bot)
/// does. For tests and benchmarks.
pub fn solve(challenge: &PowChallenge) -> Option<PowSolution> {
    (0..=challenge.maxnumber)
        .find(|n| hash(&challenge.salt, *n) == challenge.challenge)
        .map(|number| PowSolution {
            algorithm: challenge.algorithm.clone(),
            challenge: challenge.challenge.clone(),
            number,
            salt: challenge.salt.clone(),
            signature: challenge.signature.clone(),
        })
}

/// A solution as a form sends it: base64 of its JSON.
pub fn encode(solution: &PowSolution) -> String {
    data_encoding::BASE64.encode(&serde_json::to_vec(solution).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::OsEntropy;

    fn small() -> CaptchaConfig {
        CaptchaConfig {
            max_number: 2_000,
            ..CaptchaConfig::default()
        }
    }

    #[test]
    fn a_solution_is_accepted_once_for_its_session_and_refused_otherwise() {
        let key = SecretKey::random();
        let issued = issue(&key, &OsEntropy, "session-a", &small(), 2_000, 1_000);
        let solution = solve(&issued).expect("a number up to maxnumber");
        let sent = encode(&solution);
        let stored = Some(issued.challenge.as_str());
        assert_eq!(verify(&key, &sent, "session-a", stored, 1_000), Ok(()));
        // Spent: the session no longer holds it (or holds another).
        assert_eq!(
            verify(&key, &sent, "session-a", None, 1_000),
            Err(PowRefusal::Spent)
        );
        assert_eq!(
            verify(&key, &sent, "session-a", Some("another"), 1_000),
            Err(PowRefusal::Spent)
        );
        assert_eq!(
            verify(&key, &sent, "session-b", stored, 1_000),
            Err(PowRefusal::ForeignSession)
        );
        assert_eq!(
            verify(&key, &sent, "session-a", stored, 1_000 + 11 * 60),
            Err(PowRefusal::Expired)
        );
        let wrong = PowSolution {
            number: solution.number + 1,
            ..solution.clone()
        };
        assert_eq!(
            verify(&key, &encode(&wrong), "session-a", stored, 1_000),
            Err(PowRefusal::Wrong)
        );
        // Signed by another key (another service, or a bot's own).
        let stranger = SecretKey::random();
        assert_eq!(
            verify(&stranger, &sent, "session-a", stored, 1_000),
            Err(PowRefusal::Forged)
        );
        assert_eq!(
            verify(&key, "not base64!", "session-a", stored, 1_000),
            Err(PowRefusal::Malformed)
        );
    }

    #[test]
    fn a_solution_tells_its_challenge_and_cost_only_when_signed_for_the_session_and_live() {
        let key = SecretKey::random();
        let issued = issue(&key, &OsEntropy, "opening", &small(), 1_500, 1_000);
        let sent = encode(&solve(&issued).unwrap());
        assert_eq!(
            answered(&key, &sent, "opening", 1_000),
            Some(issued.clone()),
            "the whole challenge, its maxnumber read from the signed salt"
        );
        assert_eq!(answered(&key, &sent, "another", 1_000), None);
        assert_eq!(answered(&key, &sent, "opening", 1_000 + 11 * 60), None);
        assert_eq!(
            answered(&SecretKey::random(), &sent, "opening", 1_000),
            None
        );
        // A cost raised in the salt breaks the hash: the signature covers it.
        let mut raised = solve(&issued).unwrap();
        raised.salt = raised.salt.replace("&max=1500", "&max=9999999");
        assert_eq!(answered(&key, &encode(&raised), "opening", 1_000), None);
    }

    #[test]
    fn the_secret_number_is_spread_over_the_whole_range() {
        let key = SecretKey::random();
        let numbers: Vec<u64> = (0..40)
            .map(|_| {
                solve(&issue(&key, &OsEntropy, "s", &small(), 2_000, 0))
                    .unwrap()
                    .number
            })
            .collect();
        assert!(numbers.iter().all(|n| *n <= 2_000));
        assert!(numbers.iter().any(|n| *n > 1_000) && numbers.iter().any(|n| *n < 1_000));
    }

    #[test]
    fn the_range_doubles_with_a_sources_recent_resets_up_to_its_cap() {
        let config = CaptchaConfig::default();
        let ranges: Vec<u64> = [1, 5, 6, 10, 11, 16, 60, i64::MAX]
            .into_iter()
            .map(|recent| config.cost(recent, 0).max_number)
            .collect();
        assert_eq!(
            ranges,
            [
                100_000, 100_000, 200_000, 200_000, 400_000, 800_000, 10_000_000, 10_000_000
            ]
        );
        let max_number = config.cost(11, 0).max_number;
        let issued = issue(
            &SecretKey::random(),
            &OsEntropy,
            "s",
            &config,
            max_number,
            0,
        );
        assert_eq!(issued.maxnumber, 400_000, "the client is told the range");
        let bad = CaptchaConfig {
            max_number_cap: 50_000,
            ..CaptchaConfig::default()
        };
        assert_eq!(bad.problem().unwrap().0, "max_number_cap");
    }

    #[test]
    fn the_services_unfinished_resets_add_their_own_doublings() {
        let config = CaptchaConfig::default();
        let normal = config.cost(1, 24);
        assert_eq!((normal.max_number, normal.reason()), (100_000, "normal"));
        assert!(!normal.raised());
        let burst = config.cost(1, 60);
        assert_eq!((burst.max_number, burst.reason()), (400_000, "service"));
        assert!(burst.raised());
        let both = config.cost(6, 25);
        assert_eq!(
            (both.source, both.service, both.max_number, both.reason()),
            (1, 1, 400_000, "source_and_service")
        );
        assert_eq!(config.cost(i64::MAX, i64::MAX).max_number, 10_000_000);
        let bad = CaptchaConfig {
            service_rise_every: 0,
            ..CaptchaConfig::default()
        };
        assert_eq!(bad.problem().unwrap().0, "service_rise_every");
    }
}
