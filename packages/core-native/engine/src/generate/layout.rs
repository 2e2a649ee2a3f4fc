//! The three output layouts: what comes before a record's message (timestamp, level, service,
//! thread and ids) and after it (the `duration_ms` / `status` fields of a span's last record).
//! Shared by request traffic and batch jobs, so both write exactly the same shapes.

use super::templates::Lvl;
use super::write::{put, put_hex, put_u64, Clock};
use super::GenFormat;

/// The ids a record carries.
pub struct Ids<'a> {
    pub thread: &'a [u8],
    /// Request id (48 bits, written as `req-` and 12 hex digits).
    pub rid: u64,
    /// Trace id, high and low 64 bits.
    pub trace: (u64, u64),
    pub span: u64,
    /// Parent span id; 0 for a root span (then no parent field is written).
    pub parent: u64,
}

/// How a key-value layout writes its keys: JSON (`{"time":"…","level":"…",…,"msg":"`) and
/// logfmt (`time=… level=… … msg="`) carry the same keys in the same order.
struct Kv {
    /// Before the first key.
    first: &'static [u8],
    /// Before every other key (closing the previous value).
    next: &'static [u8],
    /// Between a key and its value.
    eq: &'static [u8],
    /// Opens the message string after `msg` and `eq`.
    quote: &'static [u8],
}

const JSON: Kv = Kv { first: b"{\"", next: b"\",\"", eq: b"\":\"", quote: b"" };
const LOGFMT: Kv = Kv { first: b"", next: b" ", eq: b"=", quote: b"\"" };

/// Everything up to the message (JSON and logfmt leave the message string open).
#[inline]
pub fn header(b: &mut Vec<u8>, fmt: GenFormat, clock: &mut Clock, ts: i64, lvl: Lvl, service: &[u8], ids: &Ids) {
    let kv = match fmt {
        GenFormat::Json => &JSON,
        GenFormat::Logfmt => &LOGFMT,
        GenFormat::Text => {
            clock.log4j(b, ts);
            b.push(b' ');
            put(b, lvl.padded_upper());
            put(b, b" [");
            put(b, ids.thread);
            put(b, b"] ");
            put(b, service);
            put(b, b" - req=req-");
            put_hex(b, ids.rid, 12);
            put(b, b" trace=");
            put_hex(b, ids.trace.0, 16);
            put_hex(b, ids.trace.1, 16);
            put(b, b" span=");
            put_hex(b, ids.span, 16);
            if ids.parent != 0 {
                put(b, b" parent=");
                put_hex(b, ids.parent, 16);
            }
            b.push(b' ');
            return;
        }
    };
    put(b, kv.first);
    put(b, b"time");
    put(b, kv.eq);
    clock.rfc3339(b, ts);
    let key = |b: &mut Vec<u8>, name: &[u8]| {
        put(b, kv.next);
        put(b, name);
        put(b, kv.eq);
    };
    key(b, b"level");
    put(b, lvl.lower());
    key(b, b"service");
    put(b, service);
    key(b, b"thread");
    put(b, ids.thread);
    key(b, b"request_id");
    put(b, b"req-");
    put_hex(b, ids.rid, 12);
    key(b, b"trace_id");
    put_hex(b, ids.trace.0, 16);
    put_hex(b, ids.trace.1, 16);
    key(b, b"span_id");
    put_hex(b, ids.span, 16);
    if ids.parent != 0 {
        key(b, b"parent_span_id");
        put_hex(b, ids.parent, 16);
    }
    key(b, b"msg");
    put(b, kv.quote);
}

/// Closes the message and writes `(duration_ms, status)` when given, then the newline.
#[inline]
pub fn trailer(b: &mut Vec<u8>, fmt: GenFormat, fields: Option<(u64, u64)>) {
    match fmt {
        GenFormat::Json => {
            b.push(b'"');
            if let Some((dur, status)) = fields {
                put(b, b",\"duration_ms\":");
                put_u64(b, dur);
                put(b, b",\"status\":");
                put_u64(b, status);
            }
            put(b, b"}\n");
        }
        GenFormat::Text => b.push(b'\n'),
        GenFormat::Logfmt => {
            b.push(b'"');
            if let Some((dur, status)) = fields {
                put(b, b" duration_ms=");
                put_u64(b, dur);
                put(b, b" status=");
                put_u64(b, status);
            }
            b.push(b'\n');
        }
    }
}
