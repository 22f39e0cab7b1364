//! Small helpers for request validation shared by every resource.

use chrono::{Datelike, NaiveDate};
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

/// Accepts a nested struct only as a JSON object: serde's derive also takes arrays
/// (`[null, "40-001"]`) positionally, which a JSON API must refuse.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(ObjectOnly::deserialize(deserializer)?.0)
}

/// [`object`] for optional fields: `null` or absent is `None`.
/// Use with `#[serde(default, deserialize_with = "optional_object")]`.
pub fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<ObjectOnly<T>>::deserialize(deserializer)?.map(|o| o.0))
}

/// [`object`] for every item of a list.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Vec::<ObjectOnly<T>>::deserialize(deserializer)?
        .into_iter()
        .map(|o| o.0)
        .collect())
}

struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(ObjectOnly)
    }
}

/// Ids in paths are positive: `0` or `-3` is a malformed path (400), as the contract says.
/// Use with `#[serde(deserialize_with = "crate::validation::positive_id")]`.
pub fn positive_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let id = i64::deserialize(deserializer)?;
    if id >= 1 {
        Ok(id)
    } else {
        Err(serde::de::Error::custom("ids are positive whole numbers"))
    }
}

/// [`double_option`] for nested objects in merge patches: absent → `None`, `null` →
/// `Some(None)`, an object → `Some(Some(v))`; arrays are refused as in [`object`].
/// Use with `#[serde(default, deserialize_with = "double_option_object")]`.
pub fn double_option_object<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(
        Option::<ObjectOnly<T>>::deserialize(deserializer)?.map(|o| o.0),
    ))
}

/// Dates of positions, projects and events lie in the era of restored local government
/// (1990-2100). Use with `#[validate(custom(function = "plausible_date"))]`.
pub fn plausible_date(date: &NaiveDate) -> Result<(), ValidationError> {
    if (1990..=2100).contains(&date.year()) {
        Ok(())
    } else {
        let mut error = ValidationError::new("date_out_of_range");
        error.message = Some("a date between 1990-01-01 and 2100-12-31".into());
        Err(error)
    }
}

/// Optional text as stored: trimmed.
pub fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned())
}

/// A merge-patch member: present replaces, absent keeps.
pub fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}
