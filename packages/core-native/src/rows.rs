//! `rows(argsJson, token)`: the next batch of a query scope as columns (the engine's
//! `ops::rows`). Each column crosses as one typed array and all text as one Buffer, handed
//! over without copying, so the cost per row on the JS side is only what the caller decodes.

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::ops::rows::RowBatch;
use logsift_engine::session::Session;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// One batch of rows as columns; see `@logsift/api`'s `RowBatch` for the meaning.
#[napi(object)]
pub struct NativeRowBatch {
    pub ids: Uint32Array,
    pub file: Uint32Array,
    pub line: Uint32Array,
    pub offset: Float64Array,
    pub length: Uint32Array,
    pub ts: BigInt64Array,
    pub severity: Uint8Array,
    pub present: Uint16Array,
    pub ends: Uint32Array,
    pub text: Buffer,
    pub first_file: u32,
    pub files: Vec<String>,
    pub done: bool,
}

pub struct RowsTask {
    session: Arc<Session>,
    args_json: String,
    token: Arc<logsift_engine::indexer::Control>,
}

impl Task for RowsTask {
    type Output = RowBatch;
    type JsValue = NativeRowBatch;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| self.session.rows(&self.args_json, &self.token))
    }

    fn resolve(&mut self, _env: Env, b: Self::Output) -> Result<Self::JsValue> {
        Ok(NativeRowBatch {
            ids: b.ids.into(),
            file: b.file.into(),
            line: b.line.into(),
            offset: b.offset.into(),
            length: b.length.into(),
            ts: b.ts.into(),
            severity: b.severity.into(),
            present: b.present.into(),
            ends: b.ends.into(),
            text: b.text.into(),
            first_file: b.first_file,
            files: b.files,
            done: b.done,
        })
    }
}

#[napi]
impl NativeInvestigation {
    /// The next batch of rows of a query scope (`{...query, after?, limit, fields?}`), off
    /// the main thread.
    #[napi(ts_return_type = "Promise<NativeRowBatch>")]
    pub fn rows(&self, args_json: String, token: &CancelToken) -> AsyncTask<RowsTask> {
        AsyncTask::new(RowsTask { session: self.session.clone(), args_json, token: token.control.clone() })
    }
}
