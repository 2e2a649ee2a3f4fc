//! Engine errors → JS errors. The reason is JSON (`{code, message, location}`) so that
//! `@logsift/api` can rebuild a typed error; nothing panics across the boundary.

use logsift_engine::Error;

pub fn to_napi(e: Error) -> napi::Error {
    let reason = serde_json::json!({
        "logsift": true,
        "code": e.code.as_str(),
        "message": e.message,
        "location": e.location,
    });
    napi::Error::new(napi::Status::GenericFailure, reason.to_string())
}

/// Runs engine work with panics turned into INTERNAL errors instead of aborting Node.
pub fn guard<T>(f: impl FnOnce() -> logsift_engine::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_napi(e)),
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(to_napi(Error::new(logsift_engine::Code::Internal, format!("internal error: {what}"))))
        }
    }
}
