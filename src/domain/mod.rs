//! Domain value types: each can only hold a valid value ("parse, don't validate").
//!
//! They deserialize from JSON strings; an invalid value fails with a message of the
//! form `[code] explanation`, which the JSON extractor turns into a 422 field error.

mod consultations;
mod identifiers;
mod kinds;
mod money;
mod positions;
mod practices;
mod projects;
mod registrations;
mod text;
pub mod words;

pub use consultations::{
    CommentChannel, ConsultationDirection, ConsultationForm, ConsultationStatus, DispositionStatus,
    Eligibility, SubjectKind,
};
pub use identifiers::{Krs, Nip, PostalCode, Regon, Teryt, TerytLevel};
pub use kinds::{JstKind, OrganizationKind, Role, Scope, Voivodeship};
pub use money::{AMOUNT_MAX_CHARS, AMOUNT_PATTERN, Currency, Money};
pub use positions::{PositionKind, PositionNumber, PositionStatus, RegisterNumber};
pub use practices::{
    EARTH_RADIUS_KM, GeoPoint, MicroBox, POLAND_LAT, POLAND_LON, PracticeStatus, UnitKind,
    from_micro, to_micro,
};
pub use projects::{EventKind, LocalTime, PartnerRole, ProjectCode, ProjectStatus};
pub use registrations::{ParticipantFunction, RegistrationStatus, WorkingGroupRole};
pub use text::{Email, Slug, WebUrl, fold_for_search, mask_email, masked_email, masked_name};

/// Declares a string newtype with parsing, serde, Display and an OpenAPI schema.
macro_rules! string_value {
    (
        $(#[$meta:meta])*
        $name:ident,
        description = $description:literal,
        example = $example:literal,
        pattern = $pattern:expr,
        min = $min:expr,
        max = $max:expr,
        parse = $parse:expr
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                let parse: fn(&str) -> Result<String, String> = $parse;
                let value = parse(raw)?;
                // The schema's length bounds hold for every value, whatever the parser allows.
                let (min, max): (Option<usize>, Option<usize>) = ($min, $max);
                let length = raw.chars().count();
                if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
                    return Err(format!(
                        "[invalid_length] must be {} to {} characters long",
                        min.unwrap_or(0),
                        max.map(|m| m.to_string()).unwrap_or_else(|| "any number of".to_owned())
                    ));
                }
                Ok($name(value))
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                raw.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                let pattern: Option<&str> = $pattern;
                let min: Option<usize> = $min;
                let max: Option<usize> = $max;
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .pattern(pattern)
                    .min_length(min)
                    .max_length(max)
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use string_value;

/// Declares a closed set of snake_case values stored as text.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident => $text:tt),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        $crate::domain::text_column!($name);

        // Written by hand: the derive cannot see serde renames passed through a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::domain::enum_schema(&[$($text),+])
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "'{other}' is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use text_enum;

/// Reads and writes a closed set of values as a `Text` column on both backends: rows
/// hold the enum, and a stored value outside the set is a read error, never a silent
/// default.
#[macro_export]
macro_rules! text_column {
    ($name:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    &mut out.reborrow(),
                )
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(value)?;
                text.parse().map_err(Into::into)
            }
        }

        // What `#[derive(MultiConnection)]` writes for the built-in types: dispatch to
        // the impls of the connection's own backend.
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::MultiBackend>
            for $name
        {
            fn from_sql(
                bytes: <$crate::db::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                bytes.from_sql::<Self, diesel::sql_types::Text>()
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>
            for $name
        {
            fn from_sql(
                value: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(value)?;
                text.parse().map_err(Into::into)
            }
        }
    };
}

pub use text_column;

/// The schema of a closed set of strings, with its first value as the example.
pub fn enum_schema(values: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .examples(values.first().map(|v| serde_json::json!(v)))
        .into()
}
