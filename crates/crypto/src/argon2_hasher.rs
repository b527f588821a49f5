//! `Argon2Hasher`: the `PasswordHasher` port with Argon2id, run on a bounded [`HashPool`].

use crate::pool::{Full, HashLimits, HashPool};
use argon2::password_hash::phc;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use microblog_domain::ports::{HashError, PasswordHasher};
use microblog_domain::values::{Password, PasswordHash};
use std::sync::Arc;

/// Argon2id hashing. Hashes carry their parameters, so hashes made with other parameters
/// (older settings, cheap test settings) still verify. Every hash and verification —
/// the unknown-user dummy verification included — runs on one bounded pool of worker
/// threads; past its queue, calls fail with [`HashError::Busy`] at once.
#[derive(Clone)]
pub struct Argon2Hasher {
    argon2: Arc<Argon2<'static>>,
    dummy: PasswordHash,
    pool: HashPool,
}

impl Argon2Hasher {
    /// OWASP's recommended Argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane,
    /// with at most `limits.workers` hashes at once (19 MiB each) and `limits.queue` waiting.
    pub fn owasp(limits: HashLimits) -> Self {
        Self::with_params(19 * 1024, 2, 1, limits)
    }

    /// Cheap parameters for tests (8 KiB, 1 iteration): fast, and still real Argon2id. The
    /// queue is long, so tests that register many users at once wait instead of failing.
    pub fn for_tests() -> Self {
        let limits = HashLimits {
            queue: 4096,
            ..HashLimits::for_this_machine()
        };
        Self::with_params(8, 1, 1, limits)
    }

    /// Hashes queued or running now (for metrics and tests).
    pub fn in_flight(&self) -> usize {
        self.pool.in_flight()
    }

    fn with_params(memory_kib: u32, iterations: u32, lanes: u32, limits: HashLimits) -> Self {
        let params = Params::new(memory_kib, iterations, lanes, None)
            .expect("argon2 parameters are compile-time constants within range");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = argon2
            .hash_password(b"microblog dummy password for unknown users")
            .map(|hash| PasswordHash::from_phc(hash.to_string()))
            .expect("hashing a constant with valid parameters succeeds");
        Self {
            argon2: Arc::new(argon2),
            dummy,
            pool: HashPool::start(limits),
        }
    }
}

fn boxed(error: impl std::fmt::Display) -> HashError {
    HashError::Failed(error.to_string().into())
}

fn busy(_: Full) -> HashError {
    HashError::Busy
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let argon2 = Arc::clone(&self.argon2);
        let password = password.clone();
        let span = tracing::Span::current();
        self.pool
            .run(move || {
                let _entered = span.enter();
                argon2
                    .hash_password(password.expose().as_bytes())
                    .map(|hash| PasswordHash::from_phc(hash.to_string()))
                    .map_err(boxed)
            })
            .await
            .map_err(busy)?
    }

    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, HashError> {
        let argon2 = Arc::clone(&self.argon2);
        let candidate = candidate.to_owned();
        let stored = hash.clone();
        let dummy = self.dummy.clone();
        let span = tracing::Span::current();
        self.pool
            .run(move || {
                let _entered = span.enter();
                match phc::PasswordHash::new(stored.as_str()) {
                    Ok(parsed) => Ok(argon2
                        .verify_password(candidate.as_bytes(), &parsed)
                        .is_ok()),
                    Err(_) => {
                        // A corrupt stored hash still costs one verification, then fails.
                        let dummy = phc::PasswordHash::new(dummy.as_str()).map_err(boxed)?;
                        let _ = argon2.verify_password(candidate.as_bytes(), &dummy);
                        Ok(false)
                    }
                }
            })
            .await
            .map_err(busy)?
    }

    fn dummy_hash(&self) -> PasswordHash {
        self.dummy.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use microblog_testkit::contract;

    #[tokio::test]
    async fn cheap_parameters_meet_the_hasher_contract() {
        contract::password_hasher::password_hasher(&Argon2Hasher::for_tests()).await;
    }

    #[tokio::test]
    async fn owasp_parameters_meet_the_hasher_contract() {
        contract::password_hasher::password_hasher(&Argon2Hasher::owasp(
            HashLimits::for_this_machine(),
        ))
        .await;
    }

    #[tokio::test]
    async fn owasp_parameters_are_in_the_hash() {
        let hasher = Argon2Hasher::owasp(HashLimits::for_this_machine());
        let hash = hasher.dummy_hash();
        assert!(
            hash.as_str().contains("m=19456,t=2,p=1"),
            "{}",
            hash.as_str()
        );
        let cheap = Argon2Hasher::for_tests();
        assert!(
            cheap.verify("x", &hash).await.is_ok(),
            "parameters travel with the hash"
        );
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_still_costs_one_verification() {
        // The timing guard for unknown users and corrupt rows: both verify against a real
        // hash made with the same parameters, so neither answers faster than a wrong password.
        let hasher = Argon2Hasher::owasp(HashLimits::for_this_machine());
        let corrupt = PasswordHash::from_phc("not a phc string");
        let real = hasher.dummy_hash();
        let corrupt_took = fastest_of_three(&hasher, &corrupt).await;
        let real_took = fastest_of_three(&hasher, &real).await;
        assert!(
            corrupt_took * 4 >= real_took,
            "a corrupt hash answered in {corrupt_took:?}, a real one in {real_took:?}"
        );
    }

    #[tokio::test]
    async fn a_burst_past_capacity_is_refused_as_busy_never_as_a_failure() {
        let hasher = Argon2Hasher::owasp(HashLimits {
            workers: 1,
            queue: 1,
        });
        let hash = hasher.dummy_hash();
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (hasher, hash) = (hasher.clone(), hash.clone());
            burst.spawn(async move { hasher.verify("guess", &hash).await });
        }
        let results = burst.join_all().await;
        let busy = results
            .iter()
            .filter(|r| matches!(r, Err(HashError::Busy)))
            .count();
        let done = results.iter().filter(|r| matches!(r, Ok(false))).count();
        assert_eq!(busy + done, 20, "no other outcome: {results:?}");
        // One runs and one waits; whether the worker has already taken the first job off
        // the queue when the second arrives is the scheduler's choice.
        assert!(
            (1..=2).contains(&done),
            "at most one running and one waiting: {results:?}"
        );
        assert_eq!(hasher.in_flight(), 0);
        assert!(
            hasher.verify("guess", &hash).await.is_ok(),
            "the pool serves again right after"
        );
    }

    async fn fastest_of_three(hasher: &Argon2Hasher, hash: &PasswordHash) -> std::time::Duration {
        let mut fastest = std::time::Duration::MAX;
        for _ in 0..3 {
            let started = std::time::Instant::now();
            assert!(!hasher.verify("anything", hash).await.unwrap());
            fastest = fastest.min(started.elapsed());
        }
        fastest
    }
}
