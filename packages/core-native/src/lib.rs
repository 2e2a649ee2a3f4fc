//! napi bindings for the logsift engine. Thin by design: the engine is a plain Rust crate
//! (`logsift-engine`); this crate only moves values across the boundary, one file per
//! exposed concept. Results cross as JSON text (one `JSON.parse` in `@logsift/api`), errors
//! as a JSON reason that `@logsift/api` turns into a typed `LogsiftError`.

mod cancel;
mod error;
mod generate;
mod investigation;
mod open;
mod rows;
mod sql;
mod sqlite_sink;
mod watch;
