//! `sqlFile(path, argsJson, token)`: one read-only SQL query over a SQLite file (`sql --db`),
//! off the JS main thread. SQL over an investigation is the `sql` op of `call`; both run
//! through the engine's `sql` module.

use crate::cancel::CancelToken;
use crate::error::guard;
use logsift_engine::indexer::Control;
use logsift_engine::sql::{query_file, SqlArgs};
use logsift_engine::{Code, Error};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

pub struct SqlFileTask {
    path: String,
    args_json: String,
    control: Arc<Control>,
}

impl Task for SqlFileTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| {
            let a: SqlArgs = serde_json::from_str(&self.args_json)
                .map_err(|e| Error::new(Code::InvalidOption, format!("bad sql arguments: {e}")))?;
            let r = query_file(&self.path, &a, &self.control)?;
            serde_json::to_string(&r).map_err(|e| Error::new(Code::Internal, format!("cannot serialize rows: {e}")))
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// Runs `{ sql, maxRows }` over the SQLite file at `path` opened read-only; resolves to
/// `{ columns, rows, truncated }` as JSON. `token` cancels.
#[napi(ts_return_type = "Promise<string>")]
pub fn sql_file(path: String, args_json: String, token: &CancelToken) -> AsyncTask<SqlFileTask> {
    AsyncTask::new(SqlFileTask { path, args_json, control: token.control.clone() })
}
