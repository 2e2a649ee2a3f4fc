//! An open investigation: the index plus every operation on it. Operations are named and
//! take JSON arguments so that this shell stays one method wide; the engine's `Session::call`
//! dispatches them.

use crate::cancel::CancelToken;
use crate::error::guard;
use logsift_engine::session::LiveSession;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

#[napi]
pub struct NativeInvestigation {
    /// Re-checks the files before each call: an appended file is extended, a changed one
    /// re-indexed (see `LiveSession`).
    pub(crate) session: Arc<LiveSession>,
}

pub struct CallTask {
    session: Arc<LiveSession>,
    op: String,
    args_json: String,
    token: Arc<logsift_engine::indexer::Control>,
}

impl Task for CallTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| self.session.run(&self.token, |s| s.call(&self.op, &self.args_json, &self.token)))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

#[napi]
impl NativeInvestigation {
    /// Runs operation `op` with JSON arguments off the main thread; resolves to JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call(&self, op: String, args_json: String, token: &CancelToken) -> AsyncTask<CallTask> {
        AsyncTask::new(CallTask { session: self.session.clone(), op, args_json, token: token.control.clone() })
    }

    /// The same, synchronously (for small, bounded operations such as materializing a page).
    #[napi]
    pub fn call_sync(&self, op: String, args_json: String) -> Result<String> {
        let control = logsift_engine::indexer::Control::default();
        guard(|| self.session.run(&control, |s| s.call(&op, &args_json, &control)))
    }
}
