//! `sqliteSink(argsJson, token, onBatch)`: writes the rows of a query scope into a SQLite
//! database off the main thread (the engine's `sqlite_sink`), calling `onBatch` with the
//! progress (JSON text) after each committed batch. The writer waits until the callback has
//! run, so a caller that cancels from it stops exactly at that batch boundary.

use crate::cancel::CancelToken;
use crate::error::guard;
use crate::investigation::NativeInvestigation;
use logsift_engine::session::LiveSession;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use std::sync::mpsc::channel;
use std::sync::Arc;

/// The progress callback: called with one JSON string, its return value ignored.
type OnBatch = ThreadsafeFunction<String, (), String, Status, false>;

pub struct SqliteSinkTask {
    session: Arc<LiveSession>,
    args_json: String,
    token: Arc<logsift_engine::indexer::Control>,
    on_batch: Arc<OnBatch>,
}

impl Task for SqliteSinkTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        let on_batch = self.on_batch.clone();
        guard(|| {
            let done = self.session.current(&self.token)?.sqlite_sink(&self.args_json, &self.token, |p| {
                let Ok(json) = serde_json::to_string(p) else { return };
                let (tx, rx) = channel::<()>();
                let status =
                    on_batch.call_with_return_value(json, ThreadsafeFunctionCallMode::NonBlocking, move |_, _| {
                        let _ = tx.send(());
                        Ok(())
                    });
                // Wait for the callback; if Node is shutting down it is dropped unrun and
                // `recv` returns at once.
                if status == Status::Ok {
                    let _ = rx.recv();
                }
            })?;
            serde_json::to_string(&done)
                .map_err(|e| logsift_engine::Error::new(logsift_engine::Code::Internal, e.to_string()))
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

#[napi]
impl NativeInvestigation {
    /// Writes the rows of `{...query, db, insertSql, markSql, fileIds, ...}` into SQLite;
    /// resolves to the final progress as JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn sqlite_sink(
        &self,
        args_json: String,
        token: &CancelToken,
        #[napi(ts_arg_type = "(progressJson: string) => void")] on_batch: OnBatch,
    ) -> AsyncTask<SqliteSinkTask> {
        AsyncTask::new(SqliteSinkTask {
            session: self.session.clone(),
            args_json,
            token: token.control.clone(),
            on_batch: Arc::new(on_batch),
        })
    }
}
