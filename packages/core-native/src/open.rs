//! `open(inputs, optionsJson, token)`: indexes files off the JS main thread.

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::indexer::Control;
use logsift_engine::session::{OpenRequest, Session};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

pub struct OpenTask {
    inputs: Vec<String>,
    options_json: String,
    control: Arc<Control>,
}

impl Task for OpenTask {
    type Output = Session;
    type JsValue = NativeInvestigation;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| {
            let req = OpenRequest::from_json(&self.inputs, &self.options_json)?;
            Session::open(req, &self.control)
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
    AsyncTask::new(OpenTask { inputs, options_json, control: token.control.clone() })
}
