//! Live follow (`logsift_engine::watch`): a running watch whose `poll` waits off the main
//! thread for the next matching entries, and the one-shot `tail` (what is new since a cursor).

use crate::error::guard;
use logsift_engine::watch::{request, Canceller, Watch};
use logsift_engine::{Code, Error};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[napi]
pub struct NativeWatch {
    watch: Arc<Mutex<Watch>>,
    canceller: Canceller,
}

fn lock(w: &Mutex<Watch>) -> logsift_engine::Result<std::sync::MutexGuard<'_, Watch>> {
    w.lock().map_err(|_| Error::new(Code::Internal, "a previous poll of this watch panicked"))
}

fn json<T: serde::Serialize>(v: &T) -> logsift_engine::Result<String> {
    serde_json::to_string(v).map_err(|e| Error::new(Code::Internal, format!("cannot serialize result: {e}")))
}

pub struct StartTask {
    inputs: Vec<String>,
    options_json: String,
}

impl Task for StartTask {
    type Output = Watch;
    type JsValue = NativeWatch;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| {
            let (opts, _) = request::from_json(&self.inputs, &self.options_json)?;
            Watch::new(&self.inputs, opts)
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        let canceller = output.canceller();
        Ok(NativeWatch { watch: Arc::new(Mutex::new(output)), canceller })
    }
}

/// Starts following `inputs` (the first look, which may count a large file's lines, runs off
/// the main thread). `optionsJson`: open options, watch options and the query, flat.
#[napi(ts_return_type = "Promise<NativeWatch>")]
pub fn watch(inputs: Vec<String>, options_json: String) -> AsyncTask<StartTask> {
    AsyncTask::new(StartTask { inputs, options_json })
}

pub struct PollTask {
    watch: Arc<Mutex<Watch>>,
    timeout: Duration,
}

impl Task for PollTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| json(&lock(&self.watch)?.poll(self.timeout)?))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

#[napi]
impl NativeWatch {
    /// Waits up to `timeoutMs` for new matching entries; resolves to a JSON array (empty when
    /// none came). Rejects with CANCELLED after `cancel()`.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn poll(&self, timeout_ms: u32) -> AsyncTask<PollTask> {
        AsyncTask::new(PollTask { watch: self.watch.clone(), timeout: Duration::from_millis(timeout_ms as u64) })
    }

    /// Stops the watch: a waiting poll returns at once (and closes it); when none is
    /// running, the watch closes now.
    #[napi]
    pub fn cancel(&self) {
        self.canceller.cancel();
        if let Ok(mut w) = self.watch.try_lock() {
            w.close();
        }
    }

    /// `{ mode, files, skipped }` as JSON (call between polls).
    #[napi]
    pub fn info(&self) -> Result<String> {
        guard(|| {
            let w = lock(&self.watch)?;
            let skipped: Vec<&str> = w.skipped.iter().map(|s| s.path.as_str()).collect();
            json(&serde_json::json!({ "mode": w.mode(), "files": w.followed(), "skipped": skipped }))
        })
    }
}

pub struct TailTask {
    inputs: Vec<String>,
    options_json: String,
}

impl Task for TailTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| json(&request::tail(&self.inputs, &self.options_json)?))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// What is new in `inputs` since the cursor in `optionsJson` (or at the end / start / last
/// duration without one), with the next cursor, as JSON.
#[napi(ts_return_type = "Promise<string>")]
pub fn tail(inputs: Vec<String>, options_json: String) -> AsyncTask<TailTask> {
    AsyncTask::new(TailTask { inputs, options_json })
}
