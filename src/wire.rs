//! What the wire types of every versioned resource share, written once: the stamps
//! (`version`, `created_at`, `updated_at`) that close each representation, as
//! `versioned_row!` closes each row with them.
//!
//! They are fields of the struct itself, not a flattened `Stamps` type: a flattened
//! field would turn every schema of the contract into an `allOf`.

/// Declares the wire struct of a versioned resource: its fields, then `version`,
/// `created_at` and `updated_at`. Build it with `with_stamps!`.
#[macro_export]
macro_rules! versioned_dto {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            /// Incremented on every change; also sent as the `ETag`.
            pub version: i64,
            pub created_at: chrono::DateTime<chrono::Utc>,
            pub updated_at: chrono::DateTime<chrono::Utc>,
        }
    };
}

/// A struct literal of a `versioned_dto!` type whose stamps are the row's:
/// `with_stamps!(row, Milestone { id: row.id, title: row.title })`.
#[macro_export]
macro_rules! with_stamps {
    ($row:expr, $name:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        $name {
            $($field $(: $value)?,)*
            version: $row.version,
            created_at: $crate::time::to_utc($row.created_at),
            updated_at: $crate::time::to_utc($row.updated_at),
        }
    };
}
