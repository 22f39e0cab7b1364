//! SHA-256 as lowercase hex: how secrets (API and refresh tokens) and throttling keys
//! are stored, so the database never holds the value itself.

use sha2::{Digest, Sha256};

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh secret from the operating system's CSPRNG-seeded generator: `prefix` and
/// `length` letters and digits (codes shown once and stored as [`sha256_hex`]).
pub fn random_secret(prefix: &str, length: usize) -> String {
    use rand::Rng;
    let random: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(length)
        .map(char::from)
        .collect();
    format!("{prefix}{random}")
}
