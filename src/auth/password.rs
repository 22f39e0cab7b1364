//! argon2id password hashing.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::atomic::{AtomicU64, Ordering};

/// Password length bounds (also in the request schemas).
pub const MIN_PASSWORD_LENGTH: usize = 12;
pub const MAX_PASSWORD_LENGTH: usize = 256;

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

/// argon2 verifications run by this process: lets the tests check that every sign-in
/// path, whatever the account, does the hash work.
static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

pub fn verifications() -> u64 {
    VERIFICATIONS.load(Ordering::Relaxed)
}

fn verify_parsed(password: &str, hash: &PasswordHash<'_>) -> bool {
    VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Checks a password against a stored hash. A malformed hash never matches, and costs
/// a verification against the dummy all the same.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => verify_parsed(password, &parsed),
        Err(_) => {
            verify_dummy(password);
            false
        }
    }
}

/// A fixed argon2id hash with the default parameters (what `hash` produces), of a
/// password nobody has: checking against it costs what checking a real account costs.
/// A constant, so that even the first unknown e-mail costs one verification, not a
/// hash and a verification.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$GroXA3pzf60Ugi1PimF6qA$uOZ1TDUFKyGdy+v+gFNWf/+IK0nKUYAO6zY1JwI01EY";

/// Spends the time of one verification, so unknown e-mails answer as slowly as wrong passwords.
pub fn verify_dummy(password: &str) {
    if let Ok(parsed) = PasswordHash::new(DUMMY_HASH) {
        let _ = verify_parsed(password, &parsed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify() {
        let hash = super::hash("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &hash));
        assert!(!super::verify("wrong", &hash));
        assert!(!super::verify("x", "not a hash"));
    }

    #[test]
    fn the_dummy_costs_what_a_real_hash_costs() {
        let real = super::hash("anything at all").unwrap();
        let real = super::PasswordHash::new(&real).unwrap();
        let dummy = super::PasswordHash::new(super::DUMMY_HASH).expect("the dummy parses");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(
            dummy.params, real.params,
            "same memory, time and parallelism"
        );
        let before = super::verifications();
        super::verify_dummy("razem");
        assert!(
            super::verifications() > before,
            "the dummy check ran argon2"
        );
    }
}
