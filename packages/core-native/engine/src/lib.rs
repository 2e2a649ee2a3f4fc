//! logsift engine: parses log files into a compact columnar index and answers questions
//! about them. A plain Rust library; `@logsift/core-native` is a thin napi shell over it.

pub mod bytes;
pub mod cache;
pub mod col;
pub mod entry;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod fuzz;
pub mod generate;
pub mod index;
pub mod indexer;
pub mod level;
pub mod mapped;
pub mod ops;
pub mod parquet_export;
pub mod parquet_read;
pub mod query;
pub mod record;
pub mod schema;
pub mod search;
pub mod session;
pub mod source;
pub mod sql;
pub mod sqlite_sink;
pub mod stats;
pub mod templates;
pub mod time;
pub mod watch;

pub use error::{Code, Error, Result};
