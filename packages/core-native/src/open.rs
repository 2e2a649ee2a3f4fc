//! Opening inputs off the JS main thread: paths (files, directories, globs) or bytes (stdin).

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::indexer::Control;
use logsift_engine::session::{self, LiveSession, OpenRequest, Session};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

enum Input {
    Paths(Vec<String>),
    Bytes { name: String, data: Vec<u8> },
}

pub struct OpenTask {
    input: Option<Input>,
    options_json: String,
    control: Arc<Control>,
}

impl Task for OpenTask {
    type Output = Session;
    type JsValue = NativeInvestigation;

    fn compute(&mut self) -> Result<Self::Output> {
        let input = self.input.take();
        guard(|| match input {
            Some(Input::Paths(inputs)) => {
                Session::open(OpenRequest::from_json(&inputs, &self.options_json)?, &self.control)
            }
            Some(Input::Bytes { name, data }) => Session::open_bytes(&name, data, &self.options_json, &self.control),
            None => Err(logsift_engine::Error::new(logsift_engine::Code::Internal, "open task ran twice")),
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(NativeInvestigation { session: Arc::new(LiveSession::new(output)) })
    }
}

/// Opens and indexes `inputs` (files, directories, globs). `optionsJson` holds the open
/// options; `token` carries cancellation and progress.
#[napi(ts_return_type = "Promise<NativeInvestigation>")]
pub fn open(inputs: Vec<String>, options_json: String, token: &CancelToken) -> AsyncTask<OpenTask> {
    AsyncTask::new(OpenTask { input: Some(Input::Paths(inputs)), options_json, control: token.control.clone() })
}

/// Indexes bytes (stdin), shown as `name` in results.
#[napi(ts_return_type = "Promise<NativeInvestigation>")]
pub fn open_bytes(name: String, data: Buffer, options_json: String, token: &CancelToken) -> AsyncTask<OpenTask> {
    let input = Input::Bytes { name, data: data.to_vec() };
    AsyncTask::new(OpenTask { input: Some(input), options_json, control: token.control.clone() })
}

/// The files `open` would index, with size and mtime (JSON), to reuse cached indexes.
#[napi]
pub fn identify(inputs: Vec<String>, options_json: String) -> Result<String> {
    guard(|| {
        let ids = session::identify(&inputs, &options_json)?;
        serde_json::to_string(&ids)
            .map_err(|e| logsift_engine::Error::new(logsift_engine::Code::Internal, e.to_string()))
    })
}

/// The index cache directory (`dir`, else from the environment: `LOGSIFT_CACHE_DIR`,
/// `XDG_CACHE_HOME`, `HOME`), and its size bound.
fn cache_config(dir: Option<String>) -> logsift_engine::Result<logsift_engine::cache::Config> {
    match dir {
        Some(d) => Ok(logsift_engine::cache::Config::at(d)),
        None => logsift_engine::cache::Config::from_env().ok_or_else(|| {
            logsift_engine::Error::new(
                logsift_engine::Code::InvalidOption,
                "no cache directory: set LOGSIFT_CACHE_DIR, XDG_CACHE_HOME or HOME",
            )
        }),
    }
}

fn json(v: &serde_json::Value) -> logsift_engine::Result<String> {
    serde_json::to_string(v).map_err(|e| logsift_engine::Error::new(logsift_engine::Code::Internal, e.to_string()))
}

/// The index cache: `{dir, maxBytes, files: [...]}` (JSON), most recently used first.
#[napi]
pub fn cache_list(dir: Option<String>) -> Result<String> {
    guard(|| {
        let cfg = cache_config(dir)?;
        let files = logsift_engine::cache::list(&cfg.dir);
        json(&serde_json::json!({ "dir": cfg.dir, "maxBytes": cfg.max_bytes, "files": files }))
    })
}

/// Removes every cached index: `{dir, removed, bytes}` (JSON).
#[napi]
pub fn cache_clear(dir: Option<String>) -> Result<String> {
    guard(|| {
        let cfg = cache_config(dir)?;
        let (removed, bytes) = logsift_engine::cache::clear(&cfg.dir)?;
        json(&serde_json::json!({ "dir": cfg.dir, "removed": removed, "bytes": bytes }))
    })
}
