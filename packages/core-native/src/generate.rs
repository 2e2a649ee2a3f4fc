//! `generate(optionsJson)` and `generateToFile(path, optionsJson, token)`: the engine's
//! deterministic log generator. Small outputs come back as a string; large ones stream to a
//! file off the JS main thread.

use crate::cancel::CancelToken;
use crate::error::guard;
use logsift_engine::generate::{self, GenerateOptions};
use logsift_engine::indexer::Control;
use logsift_engine::{Code, Error};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

fn summary_json(s: &generate::GenerateSummary) -> logsift_engine::Result<String> {
    serde_json::to_string(s).map_err(|e| Error::new(Code::Internal, format!("cannot serialize summary: {e}")))
}

/// Generates logs into a string (at most 1M entries; use `generateToFile` beyond that).
#[napi]
pub fn generate(options_json: String) -> Result<String> {
    guard(|| {
        let opts = GenerateOptions::from_json(&options_json)?;
        let (bytes, _) = generate::generate_to_vec(&opts)?;
        // The generator writes ASCII only.
        String::from_utf8(bytes).map_err(|_| Error::new(Code::Internal, "generated output is not UTF-8"))
    })
}

pub struct GenerateTask {
    path: String,
    options_json: String,
    control: Arc<Control>,
}

impl Task for GenerateTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| {
            let opts = GenerateOptions::from_json(&self.options_json)?;
            summary_json(&generate::generate_to_file(&opts, &self.path, &self.control)?)
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// Streams generated logs to `path`; resolves to the summary (with the incident's ground
/// truth) as JSON. `token` cancels; its progress counts entries.
#[napi(ts_return_type = "Promise<string>")]
pub fn generate_to_file(path: String, options_json: String, token: &CancelToken) -> AsyncTask<GenerateTask> {
    AsyncTask::new(GenerateTask { path, options_json, control: token.control.clone() })
}
