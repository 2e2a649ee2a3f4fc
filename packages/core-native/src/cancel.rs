//! A cancellation and progress token shared between JS and a running native task.
//! `@logsift/api` wires an `AbortSignal` to `cancel()` and polls `progress()`.

use logsift_engine::indexer::Control;
use napi_derive::napi;
use std::sync::atomic::Ordering;
use std::sync::Arc;

#[napi]
pub struct CancelToken {
    pub(crate) control: Arc<Control>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken { control: Arc::new(Control::default()) }
    }

    /// Asks the running task to stop at its next check.
    #[napi]
    pub fn cancel(&self) {
        self.control.cancel.store(true, Ordering::Relaxed);
    }

    /// `[bytesDone, bytesTotal]` of the running task.
    #[napi]
    pub fn progress(&self) -> Vec<f64> {
        vec![self.control.done.load(Ordering::Relaxed) as f64, self.control.total.load(Ordering::Relaxed) as f64]
    }
}
