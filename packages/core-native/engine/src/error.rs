//! One error type for the whole engine. Every error carries a stable `code` that reaches
//! JavaScript unchanged (as `error.code`), a human message, and where it happened.

use std::fmt;

/// Stable error codes. They are part of the public contract of `@logsift/api` and the CLI:
/// never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A path (file, directory, glob) does not exist.
    NotFound,
    /// The inputs were readable but held no log data (empty directory, glob matching nothing).
    NoInput,
    /// An input looks like binary data, not a log.
    BinaryInput,
    /// An I/O failure while reading an input.
    Io,
    /// A compressed input could not be decompressed.
    Decompress,
    /// A bad option value (unknown format name, invalid custom regex, bad time zone...).
    InvalidOption,
    /// A query string or structured query could not be understood.
    InvalidQuery,
    /// A regular expression did not compile.
    InvalidRegex,
    /// A regular expression is valid but compiles to an automaton over the size limit.
    RegexTooLarge,
    /// A time expression could not be parsed.
    InvalidTime,
    /// An id, file or line that a command names is not in the index.
    UnknownId,
    /// The file changed on disk (truncated, replaced) while it was indexed.
    SourceChanged,
    /// The operation was cancelled (AbortSignal).
    Cancelled,
    /// A SQLite database is locked by another connection (still, after the retries).
    DbLocked,
    /// A SQLite database cannot be written (read-only file or location).
    DbReadOnly,
    /// Any other SQLite failure (not a database, corrupt, disk full, bad statement...).
    DbError,
    /// A SQL text that is not one read-only query (a write, several statements, a PRAGMA).
    SqlNotReadOnly,
    /// A bug: something that should not happen did.
    Internal,
    /// A file or directory cannot be read for lack of permission.
    PermissionDenied,
    /// An input exceeds a size limit the caller set (`maxDecompressedBytes`).
    TooLarge,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotFound => "ENOENT",
            Code::NoInput => "NO_INPUT",
            Code::BinaryInput => "BINARY_INPUT",
            Code::Io => "IO_ERROR",
            Code::Decompress => "DECOMPRESS_ERROR",
            Code::InvalidOption => "INVALID_OPTION",
            Code::InvalidQuery => "INVALID_QUERY",
            Code::InvalidRegex => "INVALID_REGEX",
            Code::RegexTooLarge => "REGEX_TOO_LARGE",
            Code::InvalidTime => "INVALID_TIME",
            Code::UnknownId => "UNKNOWN_ID",
            Code::SourceChanged => "SOURCE_CHANGED",
            Code::Cancelled => "CANCELLED",
            Code::DbLocked => "DB_LOCKED",
            Code::DbReadOnly => "DB_READ_ONLY",
            Code::DbError => "DB_ERROR",
            Code::SqlNotReadOnly => "SQL_NOT_READ_ONLY",
            Code::Internal => "INTERNAL",
            Code::PermissionDenied => "EACCES",
            Code::TooLarge => "INPUT_TOO_LARGE",
        }
    }
}

/// An engine error: code, message, and optionally where (a path, a `path:line`, or a
/// position in a query string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    pub message: String,
    pub location: Option<String>,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), location: None }
    }

    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    pub fn io(path: &str, e: &std::io::Error) -> Self {
        let code = match e.kind() {
            std::io::ErrorKind::NotFound => Code::NotFound,
            std::io::ErrorKind::PermissionDenied => Code::PermissionDenied,
            _ => Code::Io,
        };
        Error::new(code, format!("cannot read {path}: {e}")).at(path)
    }

    /// A SQLite failure while `doing` something: the one mapping of SQLite's result codes to
    /// ours, for the exporter's writer and for SQL over logs and over files. A statement refused
    /// by an authorizer is `SqlNotReadOnly`: the only authorizer the engine installs is the
    /// read-only one of `sql`, and what it refuses is the statement, not the database (which may
    /// well be writable), so the caller has to change the query, not the file's permissions.
    pub fn sqlite(e: &rusqlite::Error, doing: &str) -> Self {
        use rusqlite::ErrorCode as E;
        let code = match e.sqlite_error_code() {
            Some(E::DatabaseBusy | E::DatabaseLocked) => Code::DbLocked,
            Some(E::ReadOnly | E::CannotOpen | E::PermissionDenied) => Code::DbReadOnly,
            Some(E::AuthorizationForStatementDenied) => Code::SqlNotReadOnly,
            _ => Code::DbError,
        };
        Error::new(code, format!("{doing}: {e}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{} ({}): {}", self.code.as_str(), loc, self.message),
            None => write!(f, "{}: {}", self.code.as_str(), self.message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(sqlite: std::os::raw::c_int) -> Code {
        Error::sqlite(&rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(sqlite), None), "x").code
    }

    #[test]
    fn one_mapping_of_sqlite_result_codes() {
        use rusqlite::ffi;
        assert_eq!(code_of(ffi::SQLITE_BUSY), Code::DbLocked);
        assert_eq!(code_of(ffi::SQLITE_LOCKED), Code::DbLocked);
        assert_eq!(code_of(ffi::SQLITE_READONLY), Code::DbReadOnly);
        assert_eq!(code_of(ffi::SQLITE_CANTOPEN), Code::DbReadOnly);
        assert_eq!(code_of(ffi::SQLITE_PERM), Code::DbReadOnly);
        // Refused by the read-only authorizer: the statement's fault, not the file's.
        assert_eq!(code_of(ffi::SQLITE_AUTH), Code::SqlNotReadOnly);
        assert_eq!(code_of(ffi::SQLITE_FULL), Code::DbError);
        assert_eq!(code_of(ffi::SQLITE_CORRUPT), Code::DbError);
    }
}
