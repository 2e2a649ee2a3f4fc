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

/// How a layout writes keys: JSON (`{"time":"…","level":"…",…,"msg":"`) and logfmt
/// (`time=… level=… … msg="`) carry the same keys in the same order; text writes its ids the
/// same way under short names (`req=… trace=… span=…`).
struct Kv {
    /// Before the first key.
    first: &'static [u8],
    /// Before every other key (closing the previous value).
    next: &'static [u8],
    /// Between a key and its value.
    eq: &'static [u8],
    /// Opens the message string after `msg` and `eq`.
    quote: &'static [u8],
    /// Names of the request, trace, span and parent span ids.
    ids: [&'static [u8]; 4],
}

const LONG_IDS: [&[u8]; 4] = [b"request_id", b"trace_id", b"span_id", b"parent_span_id"];
const JSON: Kv = Kv { first: b"{\"", next: b"\",\"", eq: b"\":\"", quote: b"", ids: LONG_IDS };
const LOGFMT: Kv = Kv { first: b"", next: b" ", eq: b"=", quote: b"\"", ids: LONG_IDS };
const TEXT_IDS: Kv = Kv { first: b"", next: b" ", eq: b"=", quote: b"", ids: [b"req", b"trace", b"span", b"parent"] };

impl Kv {
    fn key(&self, b: &mut Vec<u8>, name: &[u8]) {
        put(b, self.next);
        put(b, name);
        put(b, self.eq);
    }

    /// The request, trace, span and (unless a root) parent span ids, each after its key.
    fn ids(&self, b: &mut Vec<u8>, ids: &Ids) {
        self.key(b, self.ids[0]);
        put(b, b"req-");
        put_hex(b, ids.rid, 12);
        self.key(b, self.ids[1]);
        put_hex(b, ids.trace.0, 16);
        put_hex(b, ids.trace.1, 16);
        self.key(b, self.ids[2]);
        put_hex(b, ids.span, 16);
        if ids.parent != 0 {
            self.key(b, self.ids[3]);
            put_hex(b, ids.parent, 16);
        }
    }
}

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
            put(b, b" -");
            TEXT_IDS.ids(b, ids);
            b.push(b' ');
            return;
        }
    };
    put(b, kv.first);
    put(b, b"time");
    put(b, kv.eq);
    clock.rfc3339(b, ts);
    kv.key(b, b"level");
    put(b, lvl.lower());
    kv.key(b, b"service");
    put(b, service);
    kv.key(b, b"thread");
    put(b, ids.thread);
    kv.ids(b, ids);
    kv.key(b, b"msg");
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
