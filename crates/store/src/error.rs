//! Errors of the store. Messages name tables, fields and ids, never a stored value: PHI must not reach a log.

use crate::model::ClaimStatus;

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or could not run a statement.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Applying the schema migrations failed.
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL is neither `sqlite:` nor `postgres://`.
    #[error("unsupported database URL (expected sqlite:PATH or postgres://…)")]
    UnsupportedUrl,
    /// No record with that id.
    #[error("{record} {id} not found")]
    NotFound { record: &'static str, id: i64 },
    /// Someone else saved the record first: reload it (now at `current_version`) and apply the change again.
    #[error(
        "the record was changed by someone else (now at version {current_version}); reload and try again"
    )]
    Conflict { current_version: i64 },
    /// The claim's status does not allow that change.
    #[error("a claim cannot move from {from} to {to}")]
    InvalidTransition { from: ClaimStatus, to: ClaimStatus },
    /// The claim cannot be edited in its current status.
    #[error("a claim that is {status} cannot be edited")]
    NotEditable { status: ClaimStatus },
    /// A value given to the store is not acceptable; `reason` never repeats the value.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A name that must be unique is taken.
    #[error("{what} already exists")]
    Duplicate { what: &'static str },
    /// The key does not match the one the database was written with.
    #[error(
        "the encryption key (id {given}) is not the one this database was written with (id {expected}); \
         if a key rotation was interrupted, the new key is in store.key.new"
    )]
    WrongKey { expected: String, given: String },
    /// A ciphertext could not be decrypted: wrong key, or the stored value was altered.
    #[error("an encrypted value in {context} could not be decrypted (altered, or another key)")]
    Decrypt { context: &'static str },
    /// The encryption key could not be read or created.
    #[error("encryption key: {0}")]
    Key(String),
    /// Reading or writing the key file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Password hashing failed (not a wrong password: that is `Ok(None)`).
    #[error("password hashing failed")]
    Password,
    /// The batch's file could not be written; the batch was not created.
    #[error("the batch file could not be written, so no claim was submitted: {0}")]
    BatchFile(String),
    /// The operating system's random source failed.
    #[error("no random numbers available from the operating system")]
    Random,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            return StoreError::Duplicate {
                what: "a record with that unique value",
            };
        }
        StoreError::Database(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
