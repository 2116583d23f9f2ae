//! Argon2id password hashing on a bounded pool.
//!
//! One hash at OWASP parameters takes ~26 ms of a core and 19 MiB of memory.
//! Every hash and verification runs on tokio's blocking threads, but at most
//! `workers` at once (a semaphore): the async executor never stalls, and a
//! flood of requests waits in line instead of allocating 19 MiB each.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

/// `[hashing]`: Argon2id cost. The defaults are OWASP's (m = 19 MiB, t = 2, p = 1);
/// lower them only for tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HashingConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes run at once; 0 means one per core.
    pub workers: usize,
}

impl Default for HashingConfig {
    fn default() -> Self {
        HashingConfig {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            workers: 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("invalid Argon2 parameters: {0}")]
    Params(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing pool stopped")]
    PoolClosed,
}

#[derive(Clone)]
pub struct Hasher {
    params: Params,
    permits: Arc<Semaphore>,
    workers: usize,
    /// The queue's depth and each wait, for `/metrics`.
    pub stats: crate::metrics::HashStats,
}

impl Hasher {
    pub fn new(config: &HashingConfig) -> Result<Hasher, HashError> {
        let params = Params::new(
            config.memory_kib,
            config.iterations,
            config.parallelism,
            None,
        )
        .map_err(|e| HashError::Params(e.to_string()))?;
        let workers = match config.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Ok(Hasher {
            params,
            permits: Arc::new(Semaphore::new(workers)),
            workers,
            stats: crate::metrics::HashStats::default(),
        })
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Runs `work` on a blocking thread once a worker is free.
    async fn on_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let queued = std::time::Instant::now();
        self.stats.waiting.inc();
        let permit = self.permits.clone().acquire_owned().await;
        self.stats.waiting.dec();
        self.stats.wait.0.observe(queued.elapsed().as_secs_f64());
        let permit = permit.map_err(|_| HashError::PoolClosed)?;
        self.stats.computed.inc();
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|_| HashError::PoolClosed)
    }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        let params = self.params.clone();
        self.on_pool(move || {
            let salt = SaltString::generate(&mut OsRng);
            Self::argon2(params)
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| HashError::Hash(e.to_string()))
        })
        .await?
    }

    /// A fresh salt for an account's history (`hash_with_salt`).
    pub fn new_salt() -> String {
        SaltString::generate(&mut OsRng).as_str().to_owned()
    }

    /// A PHC string of `password` under a given salt (an account's history
    /// salt, shared by its entries so one computation checks them all).
    pub async fn hash_with_salt(&self, password: &str, salt: &str) -> Result<String, HashError> {
        let (password, salt) = (password.to_owned(), salt.to_owned());
        let params = self.params.clone();
        self.on_pool(move || {
            let salt = SaltString::from_b64(&salt).map_err(|e| HashError::Hash(e.to_string()))?;
            Self::argon2(params)
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| HashError::Hash(e.to_string()))
        })
        .await?
    }

    /// Whether `password` matches `phc`, with the parameters the hash was made
    /// with. Constant time in the password (argon2 compares the outputs so).
    /// A malformed stored hash matches nothing.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, HashError> {
        let (password, phc) = (password.to_owned(), phc.to_owned());
        self.on_pool(move || verify_now(&password, &phc)).await
    }

    /// Whether `password` matches any of `hashes`: the verifications are
    /// spread over the pool's workers, and the rest are dropped at the first match.
    pub async fn matches_any(
        &self,
        password: &str,
        hashes: Vec<String>,
    ) -> Result<bool, HashError> {
        let mut set = tokio::task::JoinSet::new();
        for phc in hashes {
            let hasher = self.clone();
            let password = password.to_owned();
            set.spawn(async move { hasher.verify(&password, &phc).await });
        }
        while let Some(joined) = set.join_next().await {
            if joined.map_err(|_| HashError::PoolClosed)?? {
                set.abort_all();
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The same check one hash after another, for the benchmark that
    /// measures what spreading gains.
    pub async fn matches_any_sequential(
        &self,
        password: &str,
        hashes: Vec<String>,
    ) -> Result<bool, HashError> {
        for phc in hashes {
            if self.verify(password, &phc).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether a stored hash was made with other parameters than the
    /// configured ones, and should be replaced at the next successful sign-in.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return true;
        };
        let same_algorithm = hash.algorithm == Algorithm::Argon2id.ident();
        let same_params = Params::try_from(&hash).is_ok_and(|p| {
            p.m_cost() == self.params.m_cost()
                && p.t_cost() == self.params.t_cost()
                && p.p_cost() == self.params.p_cost()
        });
        !(same_algorithm && same_params)
    }
}

/// Whether two PHC strings are the same password's hash under the same
/// algorithm, parameters and salt: the output compared in constant time.
/// `None` when they were made differently (and so cannot be compared
/// without hashing again).
pub fn same_hash(computed: &str, stored: &str) -> Option<bool> {
    let (a, b) = (
        PasswordHash::new(computed).ok()?,
        PasswordHash::new(stored).ok()?,
    );
    let made_alike = a.algorithm == b.algorithm
        && a.version == b.version
        && a.params == b.params
        && a.salt == b.salt;
    // `Output`'s equality is constant-time.
    made_alike.then(|| a.hash.is_some() && a.hash == b.hash)
}

fn verify_now(password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    // The verifier takes its parameters from the hash itself.
    Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real OWASP parameters: the tests about hashing use them.
    fn owasp() -> Hasher {
        Hasher::new(&HashingConfig::default()).unwrap()
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_at_owasp_parameters() {
        let hasher = owasp();
        let hash = hasher.hash("Xq7#vbnT").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify("Xq7#vbnT", &hash).await.unwrap());
        assert!(!hasher.verify("Xq7#vbnt", &hash).await.unwrap());
        // A fresh salt each time.
        assert_ne!(hash, hasher.hash("Xq7#vbnT").await.unwrap());
        assert!(!hasher.needs_rehash(&hash));
    }

    #[tokio::test]
    async fn older_parameters_need_a_rehash_but_still_verify() {
        let cheap = Hasher::new(&HashingConfig {
            memory_kib: 1024,
            iterations: 1,
            ..HashingConfig::default()
        })
        .unwrap();
        let old = cheap.hash("Xq7#vbnT").await.unwrap();
        let hasher = owasp();
        assert!(hasher.needs_rehash(&old));
        assert!(hasher.verify("Xq7#vbnT", &old).await.unwrap());
        assert!(hasher.needs_rehash("not a hash"));
        assert!(!hasher.verify("Xq7#vbnT", "not a hash").await.unwrap());
    }

    #[tokio::test]
    async fn matches_any_finds_a_match_anywhere_in_the_list() {
        let hasher = Hasher::new(&HashingConfig {
            memory_kib: 1024,
            iterations: 1,
            ..HashingConfig::default()
        })
        .unwrap();
        let mut hashes = Vec::new();
        for i in 0..6 {
            hashes.push(hasher.hash(&format!("password-{i}")).await.unwrap());
        }
        for i in 0..6 {
            assert!(
                hasher
                    .matches_any(&format!("password-{i}"), hashes.clone())
                    .await
                    .unwrap()
            );
        }
        assert!(
            !hasher
                .matches_any("password-6", hashes.clone())
                .await
                .unwrap()
        );
        assert!(!hasher.matches_any("anything", Vec::new()).await.unwrap());
    }

    #[test]
    fn bad_parameters_are_refused() {
        let config = HashingConfig {
            memory_kib: 1,
            ..HashingConfig::default()
        };
        assert!(matches!(Hasher::new(&config), Err(HashError::Params(_))));
    }
}
