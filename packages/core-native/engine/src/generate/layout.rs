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

/// Everything up to the message (JSON and logfmt leave the message string open).
#[inline]
pub fn header(b: &mut Vec<u8>, fmt: GenFormat, clock: &mut Clock, ts: i64, lvl: Lvl, service: &[u8], ids: &Ids) {
    match fmt {
        GenFormat::Json => {
            put(b, b"{\"time\":\"");
            clock.rfc3339(b, ts);
            put(b, b"\",\"level\":\"");
            put(b, lvl.lower());
            put(b, b"\",\"service\":\"");
            put(b, service);
            put(b, b"\",\"thread\":\"");
            put(b, ids.thread);
            put(b, b"\",\"request_id\":\"req-");
            put_hex(b, ids.rid, 12);
            put(b, b"\",\"trace_id\":\"");
            put_hex(b, ids.trace.0, 16);
            put_hex(b, ids.trace.1, 16);
            put(b, b"\",\"span_id\":\"");
            put_hex(b, ids.span, 16);
            if ids.parent != 0 {
                put(b, b"\",\"parent_span_id\":\"");
                put_hex(b, ids.parent, 16);
            }
            put(b, b"\",\"msg\":\"");
        }
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
        }
        GenFormat::Logfmt => {
            put(b, b"time=");
            clock.rfc3339(b, ts);
            put(b, b" level=");
            put(b, lvl.lower());
            put(b, b" service=");
            put(b, service);
            put(b, b" thread=");
            put(b, ids.thread);
            put(b, b" request_id=req-");
            put_hex(b, ids.rid, 12);
            put(b, b" trace_id=");
            put_hex(b, ids.trace.0, 16);
            put_hex(b, ids.trace.1, 16);
            put(b, b" span_id=");
            put_hex(b, ids.span, 16);
            if ids.parent != 0 {
                put(b, b" parent_span_id=");
                put_hex(b, ids.parent, 16);
            }
            put(b, b" msg=\"");
        }
    }
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
