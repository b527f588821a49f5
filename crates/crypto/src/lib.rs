//! Microblog's cryptographic adapters: [`Argon2Hasher`], the domain's `PasswordHasher` port
//! with Argon2id (OWASP parameters), run on a bounded pool of worker threads ([`HashLimits`]).

mod argon2_hasher;
mod pool;

pub use argon2_hasher::Argon2Hasher;
pub use pool::HashLimits;
