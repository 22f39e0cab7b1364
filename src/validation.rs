//! Small helpers for request validation shared by every resource.

use serde::{Deserialize, Deserializer};
use validator::ValidationError;

/// Rejects text that is empty after trimming.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        let mut error = ValidationError::new("blank");
        error.message = Some("must not be blank".into());
        Err(error)
    } else {
        Ok(())
    }
}

/// For merge-patch fields: absent → `None`, `null` → `Some(None)`, value → `Some(Some(v))`.
/// Use with `#[serde(default, deserialize_with = "double_option")]`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
