//! `Argon2Hasher`: the `PasswordHasher` port with Argon2id, run on the blocking pool.

use argon2::password_hash::phc;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use microblog_domain::ports::{HashError, PasswordHasher};
use microblog_domain::values::{Password, PasswordHash};
use std::sync::Arc;

/// Argon2id hashing. Hashes carry their parameters, so hashes made with other parameters
/// (older settings, cheap test settings) still verify.
#[derive(Clone)]
pub struct Argon2Hasher {
    argon2: Arc<Argon2<'static>>,
    dummy: PasswordHash,
}

impl Argon2Hasher {
    /// OWASP's recommended Argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane.
    pub fn owasp() -> Self {
        Self::with_params(19 * 1024, 2, 1)
    }

    /// Cheap parameters for tests (8 KiB, 1 iteration): fast, and still real Argon2id.
    pub fn for_tests() -> Self {
        Self::with_params(8, 1, 1)
    }

    fn with_params(memory_kib: u32, iterations: u32, lanes: u32) -> Self {
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
        }
    }
}

fn boxed(error: impl std::fmt::Display) -> HashError {
    HashError(error.to_string().into())
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let argon2 = Arc::clone(&self.argon2);
        let password = password.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            argon2
                .hash_password(password.expose().as_bytes())
                .map(|hash| PasswordHash::from_phc(hash.to_string()))
                .map_err(boxed)
        })
        .await
        .map_err(boxed)?
    }

    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, HashError> {
        let argon2 = Arc::clone(&self.argon2);
        let candidate = candidate.to_owned();
        let stored = hash.clone();
        let dummy = self.dummy.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
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
        .map_err(boxed)?
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
        contract::password_hasher::password_hasher(&Argon2Hasher::owasp()).await;
    }

    #[tokio::test]
    async fn owasp_parameters_are_in_the_hash() {
        let hasher = Argon2Hasher::owasp();
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
        let hasher = Argon2Hasher::owasp();
        let corrupt = PasswordHash::from_phc("not a phc string");
        let real = hasher.dummy_hash();
        let corrupt_took = fastest_of_three(&hasher, &corrupt).await;
        let real_took = fastest_of_three(&hasher, &real).await;
        assert!(
            corrupt_took * 4 >= real_took,
            "a corrupt hash answered in {corrupt_took:?}, a real one in {real_took:?}"
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
