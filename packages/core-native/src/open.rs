//! Opening inputs off the JS main thread: paths (files, directories, globs) or bytes (stdin).

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::indexer::Control;
use logsift_engine::session::{self, OpenRequest, Session};
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
        Ok(NativeInvestigation { session: Arc::new(output) })
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
