//! `rows(argsJson, token, into?)`: the next batch of a query scope as columns (the engine's
//! `ops::rows`). Each column crosses as one typed array and all text as one Buffer, so the
//! cost per row on the JS side is only what the caller decodes. Fresh arrays are handed over
//! without copying; with `into`, the batch is copied into the caller's arrays instead (reused
//! batch after batch: no new external memory per batch for the GC to catch up with).

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::ops::rows::RowBatch;
use logsift_engine::session::LiveSession;
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
    /// Rows in the batch (with `into`, the arrays are longer).
    pub count: u32,
    /// Set when `into.text` is too small for the next row: the bytes it needs.
    pub need_text: u32,
}

/// Arrays to fill instead of allocating: `ids` .. `present` hold at least `limit` rows,
/// `ends` `limit * 12` cells; `text` bounds the batch's text.
#[napi(object)]
pub struct NativeRowBuffers {
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
}

pub struct RowsTask {
    session: Arc<LiveSession>,
    args_json: String,
    token: Arc<logsift_engine::indexer::Control>,
    into: Option<NativeRowBuffers>,
}

/// Copies `src` to the front of `dst`, or fails when it does not fit.
fn fill<T: Copy>(dst: &mut [T], src: &[T], what: &str) -> logsift_engine::Result<()> {
    match dst.get_mut(..src.len()) {
        Some(d) => {
            d.copy_from_slice(src);
            Ok(())
        }
        None => Err(logsift_engine::Error::new(
            logsift_engine::Code::InvalidOption,
            format!("the {what} buffer holds {} values, the batch needs {}", dst.len(), src.len()),
        )),
    }
}

impl Task for RowsTask {
    type Output = RowBatch;
    type JsValue = NativeRowBatch;

    fn compute(&mut self) -> Result<Self::Output> {
        let max_text = self.into.as_ref().map_or(usize::MAX, |i| i.text.len());
        let b = guard(|| self.session.current(&self.token)?.rows(&self.args_json, max_text, &self.token))?;
        if let Some(into) = self.into.as_mut() {
            // SAFETY: the JS side hands these arrays over for the duration of the call and
            // does not touch them until it resolves (`@logsift/api` RowBatches).
            guard(|| unsafe {
                fill(into.ids.as_mut(), &b.ids, "ids")?;
                fill(into.file.as_mut(), &b.file, "file")?;
                fill(into.line.as_mut(), &b.line, "line")?;
                fill(into.offset.as_mut(), &b.offset, "offset")?;
                fill(into.length.as_mut(), &b.length, "length")?;
                fill(into.ts.as_mut(), &b.ts, "ts")?;
                fill(into.severity.as_mut(), &b.severity, "severity")?;
                fill(into.present.as_mut(), &b.present, "present")?;
                fill(into.ends.as_mut(), &b.ends, "ends")?;
                fill(&mut into.text, &b.text, "text")
            })?;
        }
        Ok(b)
    }

    fn resolve(&mut self, _env: Env, b: Self::Output) -> Result<Self::JsValue> {
        let count = b.ids.len() as u32;
        let need_text = b.need_text as u32;
        if let Some(into) = self.into.take() {
            return Ok(NativeRowBatch {
                ids: into.ids,
                file: into.file,
                line: into.line,
                offset: into.offset,
                length: into.length,
                ts: into.ts,
                severity: into.severity,
                present: into.present,
                ends: into.ends,
                text: into.text,
                first_file: b.first_file,
                files: b.files,
                done: b.done,
                count,
                need_text,
            });
        }
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
            count,
            need_text,
        })
    }
}

#[napi]
impl NativeInvestigation {
    /// The next batch of rows of a query scope (`{...query, after?, limit, fields?}`), off
    /// the main thread; into `into`'s arrays when given.
    #[napi(ts_return_type = "Promise<NativeRowBatch>")]
    pub fn rows(&self, args_json: String, token: &CancelToken, into: Option<NativeRowBuffers>) -> AsyncTask<RowsTask> {
        AsyncTask::new(RowsTask { session: self.session.clone(), args_json, token: token.control.clone(), into })
    }
}
