//! Microblog's cryptographic adapters: [`Argon2Hasher`], the domain's `PasswordHasher` port
//! with Argon2id (OWASP parameters), run on the blocking pool.

mod argon2_hasher;

pub use argon2_hasher::Argon2Hasher;
