//! Which database errors mean "the database is not reachable now" (503 and retry)
//! rather than "this request went wrong" (500).
//!
//! diesel exposes the SQLSTATE of an error only through its kind: it maps class 08
//! (connection exceptions) and a connection libpq reports bad to `ClosedConnection`,
//! and a command libpq could not send to `UnableToSendCommand`. Everything else of
//! interest arrives as `Unknown` with libpq's or the server's message, so those are
//! recognised by their (stable, English) primary messages.

use crate::error::{ApiError, Code};
use diesel::result::{DatabaseErrorKind, Error};

/// Messages of errors that mean the server or the connection to it is gone:
/// libpq's own, and the server's for SQLSTATE 57P01 (admin shutdown), 57P02 (crash
/// shutdown), 57P03 (cannot connect now), 57P05 (idle session timeout) and 08xxx.
const UNAVAILABLE_MESSAGES: &[&str] = &[
    // libpq
    "no connection to the server",
    "server closed the connection unexpectedly",
    "could not send data to server",
    "could not receive data from server",
    "connection not open",
    "lost synchronization with server",
    "ssl syscall error",
    "ssl connection has been closed unexpectedly",
    "broken pipe",
    "connection reset by peer",
    "connection refused",
    "connection timed out",
    // 57P01, 57P02, 57P05
    "terminating connection due to administrator command",
    "terminating connection because of crash of another server process",
    "terminating connection due to idle-session timeout",
    // 57P03
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "the database system is not yet accepting connections",
    "the database system is not accepting connections",
    // SQLite's SQLITE_BUSY and SQLITE_LOCKED (after busy_timeout, or at once when a
    // transaction that has read must become a writer): in-process writers queue on
    // `Db`'s writer lock, so this is another process holding the file (a backup, a
    // second instance on one file). The request may well succeed later, so it is a
    // 503 with Retry-After, not a 500.
    "database is locked",
    "database table is locked",
];

/// Is this error a lost or refused database connection (answered 503)?
pub fn is_unavailable(error: &Error) -> bool {
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        // libpq refuses to send on a broken connection (SQLite never uses this kind
        // at run time: only when registering SQL functions, which razem does not).
        Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => true,
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            unavailable_message(info.message())
        }
        // A commit failed and so did the rollback after it: the connection decides.
        Error::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => is_unavailable(commit_error) || is_unavailable(rollback_error),
        _ => false,
    }
}

fn unavailable_message(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    UNAVAILABLE_MESSAGES
        .iter()
        .any(|known| message.contains(known))
}

/// How a database error answers: the constraint violations the repositories did not
/// turn into a named conflict, the lost database (503), and everything else (500).
impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::NotFound => ApiError::not_found("the requested resource does not exist"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => ApiError::new(
                Code::AlreadyExists,
                "a resource with the same unique value already exists",
            )
            .with_internal(info.message()),
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => ApiError::new(
                Code::StillReferenced,
                "the change would break a reference between resources (the resource is still in use, or a referenced one does not exist)",
            )
            .with_internal(info.message()),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => ApiError::new(
                Code::ConcurrentUpdate,
                "a concurrent change got in the way; retry the request",
            )
            .with_internal(&error),
            _ if is_unavailable(&error) => ApiError::unavailable(&error),
            _ => ApiError::internal(&error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn lost_connections_are_unavailable() {
        for (kind, message) in [
            (DatabaseErrorKind::ClosedConnection, "anything"),
            (
                DatabaseErrorKind::UnableToSendCommand,
                "no connection to the server\n",
            ),
            (
                DatabaseErrorKind::Unknown,
                "server closed the connection unexpectedly\n\tThis probably means the server \
                 terminated abnormally\n\tbefore or while processing the request.\n",
            ),
            (
                DatabaseErrorKind::Unknown,
                "could not send data to server: Broken pipe\n",
            ),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection because of crash of another server process",
            ),
            (
                DatabaseErrorKind::Unknown,
                "the database system is shutting down",
            ),
            (
                DatabaseErrorKind::Unknown,
                "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
            ),
        ] {
            assert!(
                is_unavailable(&database_error(kind, message)),
                "{kind:?} {message}"
            );
        }
        let commit = Error::RollbackErrorOnCommit {
            rollback_error: Box::new(database_error(
                DatabaseErrorKind::UnableToSendCommand,
                "no connection to the server",
            )),
            commit_error: Box::new(database_error(DatabaseErrorKind::ClosedConnection, "")),
        };
        assert!(is_unavailable(&commit));
    }

    #[test]
    fn a_locked_sqlite_file_is_unavailable_for_now() {
        assert!(is_unavailable(&database_error(
            DatabaseErrorKind::Unknown,
            "database is locked"
        )));
    }

    #[test]
    fn other_errors_are_not() {
        assert!(!is_unavailable(&Error::NotFound));
        assert!(!is_unavailable(&database_error(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint"
        )));
        assert!(!is_unavailable(&database_error(
            DatabaseErrorKind::Unknown,
            "invalid byte sequence for encoding \"UTF8\": 0x00"
        )));
    }
}
