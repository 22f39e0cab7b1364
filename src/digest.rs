//! SHA-256 as lowercase hex: how secrets (API and refresh tokens) and throttling keys
//! are stored, so the database never holds the value itself.

use sha2::{Digest, Sha256};

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
