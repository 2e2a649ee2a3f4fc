//! JSON lines (pino, bunyan, winston, zap, zerolog, logstash/ECS, OpenTelemetry, journald).
//!
//! The hot path is a single-pass scanner, not a full JSON parse: it walks the top-level
//! object (and a few nested levels), matches keys against an alias table, and records the
//! byte spans of the values it needs. Everything else is parsed lazily with serde_json.

use crate::format::{text, ParseCtx};
use crate::level;
use crate::record::{IdKind, Parsed, Span};
use crate::time;

use serde_json::{Map, Value};

/// What a key means to the index.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    Time,
    Level,
    /// OpenTelemetry `severityNumber` (already 1..24).
    SeverityNumber,
    /// journald / syslog `PRIORITY` (0..7).
    Priority,
    Message,
    Id(IdKind),
    Component,
}

/// Role of a dotted key path, through an open-addressed table built once from `ALIASES`:
/// every key of every line goes through here, so the lookup is a few arithmetic
/// instructions on the key's length and three of its bytes, then one short compare (a general
/// hash map spent a full hash and a `memcmp` call per key).
#[inline]
pub(crate) fn role_of(path: &[u8]) -> Option<(Role, u8)> {
    static TABLE: std::sync::OnceLock<AliasTable> = std::sync::OnceLock::new();
    if path.is_empty() || path.len() > 24 {
        return None;
    }
    TABLE.get_or_init(AliasTable::new).get(path)
}

const ALIAS_SLOTS: usize = 512;

/// `slots[h]` is 1 + the index of an alias in `ALIASES` (0: empty), linear probing.
struct AliasTable {
    slots: [u8; ALIAS_SLOTS],
    roles: Vec<(Role, u8)>,
}

#[inline]
fn alias_slot(k: &[u8]) -> usize {
    let n = k.len();
    let h = (n as u32) ^ (k[0] as u32) << 5 ^ (k[n - 1] as u32) << 11 ^ (k[n / 2] as u32) << 17;
    (h.wrapping_mul(0x9E37_79B1) >> 23) as usize % ALIAS_SLOTS
}

impl AliasTable {
    fn new() -> AliasTable {
        assert!(ALIASES.len() < 255, "alias indexes are stored as u8");
        let mut t = AliasTable { slots: [0; ALIAS_SLOTS], roles: Vec::with_capacity(ALIASES.len()) };
        for (i, k) in ALIASES.iter().enumerate() {
            t.roles.push(alias(k).unwrap_or((Role::Component, u8::MAX)));
            let mut h = alias_slot(k);
            while t.slots[h] != 0 {
                h = (h + 1) % ALIAS_SLOTS;
            }
            t.slots[h] = i as u8 + 1;
        }
        t
    }
    #[inline]
    fn get(&self, k: &[u8]) -> Option<(Role, u8)> {
        let mut h = alias_slot(k);
        loop {
            let i = self.slots[h] as usize;
            if i == 0 {
                return None;
            }
            if crate::bytes::bytes_eq(ALIASES[i - 1], k) {
                return Some(self.roles[i - 1]);
            }
            h = (h + 1) % ALIAS_SLOTS;
        }
    }
}

/// Every key `alias` knows (kept in sync with it by the test `alias_table_is_complete`).
const ALIASES: &[&[u8]] = &[
    b"time",
    b"timestamp",
    b"ts",
    b"@timestamp",
    b"@t",
    b"datetime",
    b"eventTime",
    b"timeUnixNano",
    b"date",
    b"asctime",
    b"t",
    b"__REALTIME_TIMESTAMP",
    b"observedTimeUnixNano",
    b"level",
    b"severity",
    b"levelname",
    b"log.level",
    b"severityText",
    b"lvl",
    b"@l",
    b"loglevel",
    b"level_name",
    b"levelName",
    b"log_level",
    b"logLevel",
    b"status",
    b"severityNumber",
    b"severity_number",
    b"PRIORITY",
    b"msg",
    b"message",
    b"@m",
    b"MESSAGE",
    b"@message",
    b"event.original",
    b"log.original",
    b"body",
    b"body.stringValue",
    b"event",
    b"@mt",
    b"log",
    b"text",
    b"thread",
    b"tid",
    b"thread_id",
    b"threadId",
    b"threadName",
    b"thread_name",
    b"process.thread.name",
    b"process.thread.id",
    b"goroutine",
    b"_TID",
    b"request_id",
    b"requestId",
    b"req_id",
    b"reqId",
    b"requestID",
    b"correlation_id",
    b"correlationId",
    b"correlationID",
    b"x_request_id",
    b"http.request.id",
    b"req.id",
    b"request.id",
    b"trace_id",
    b"traceId",
    b"traceID",
    b"traceid",
    b"trace.id",
    b"dd.trace_id",
    b"span_id",
    b"spanId",
    b"spanID",
    b"spanid",
    b"span.id",
    b"dd.span_id",
    b"parent_span_id",
    b"parentSpanId",
    b"parentSpanID",
    b"parent_id",
    b"parentId",
    b"span.parent_id",
    b"parent.id",
    b"parent_span",
    b"service",
    b"service.name",
    b"serviceName",
    b"service_name",
    b"resource.service.name",
    b"app",
    b"application",
    b"_SYSTEMD_UNIT",
    b"SYSLOG_IDENTIFIER",
    b"name",
    b"logger",
    b"logger_name",
    b"loggerName",
    b"component",
    b"module",
    b"caller",
    b"log.logger",
];

/// Alias table: dotted key path → role and priority (lower wins when several keys match).
fn alias(path: &[u8]) -> Option<(Role, u8)> {
    use IdKind::*;
    use Role::*;
    Some(match path {
        b"time" | b"timestamp" | b"ts" | b"@timestamp" | b"@t" | b"datetime" | b"eventTime" => (Time, 0),
        b"timeUnixNano" | b"date" | b"asctime" | b"t" | b"__REALTIME_TIMESTAMP" => (Time, 1),
        b"observedTimeUnixNano" => (Time, 2),
        b"level" | b"severity" | b"levelname" | b"log.level" | b"severityText" | b"lvl" | b"@l" => (Level, 0),
        b"loglevel" | b"level_name" | b"levelName" | b"log_level" | b"logLevel" | b"status" => (Level, 2),
        b"severityNumber" | b"severity_number" => (SeverityNumber, 1),
        b"PRIORITY" => (Priority, 1),
        b"msg" | b"message" | b"@m" | b"MESSAGE" | b"@message" => (Message, 0),
        // ECS: the original line, when no parsed `message` is there.
        b"event.original" | b"log.original" => (Message, 2),
        b"body" | b"body.stringValue" | b"event" | b"@mt" | b"log" | b"text" => (Message, 1),
        b"thread" | b"tid" | b"thread_id" | b"threadId" | b"threadName" | b"thread_name" | b"process.thread.name" => {
            (Id(Thread), 0)
        }
        b"process.thread.id" | b"goroutine" | b"_TID" => (Id(Thread), 1),
        b"request_id" | b"requestId" | b"req_id" | b"reqId" | b"requestID" | b"correlation_id" | b"correlationId"
        | b"correlationID" | b"x_request_id" | b"http.request.id" | b"req.id" | b"request.id" => (Id(Request), 0),
        b"trace_id" | b"traceId" | b"traceID" | b"traceid" | b"trace.id" | b"dd.trace_id" => (Id(Trace), 0),
        b"span_id" | b"spanId" | b"spanID" | b"spanid" | b"span.id" | b"dd.span_id" => (Id(Span), 0),
        b"parent_span_id" | b"parentSpanId" | b"parentSpanID" | b"parent_id" | b"parentId" | b"span.parent_id"
        | b"parent.id" | b"parent_span" => (Id(Parent), 0),
        b"service" | b"service.name" | b"serviceName" | b"service_name" | b"resource.service.name" => (Id(Service), 0),
        b"app" | b"application" | b"_SYSTEMD_UNIT" | b"SYSLOG_IDENTIFIER" => (Id(Service), 1),
        b"name" => (Id(Service), 2),
        b"logger" | b"logger_name" | b"loggerName" | b"component" | b"module" | b"caller" | b"log.logger" => {
            (Component, 0)
        }
        _ => return None,
    })
}

/// The role of a nested key that no dotted alias names, by its own name (`@fields.lvl`,
/// `payload.msg`): time, level, message and component aliases only (an `id` or a `name` means
/// too many things once nested), ranked after every alias of the full path so that a
/// top-level `message` beats a nested `error.message`.
#[inline]
fn nested_role(key: &[u8]) -> Option<(Role, u8)> {
    if key.len() < 2 || key == b"status" {
        return None;
    }
    match role_of(key)? {
        (role @ (Role::Time | Role::Level | Role::Message | Role::Component), prio) => Some((role, prio + 4)),
        _ => None,
    }
}

/// Skips JSON whitespace from `i`. Log lines rarely have any, so the common case is one
/// compare (every byte of whitespace is at most b' ').
#[inline(always)]
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    if b.get(i).is_some_and(|&c| c > b' ') {
        return i;
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Bytes of `x` equal to `byte`, as the high bit of each lane (SWAR).
#[inline(always)]
fn lanes_eq(x: u64, byte: u8) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let v = x ^ (LO * byte as u64);
    v.wrapping_sub(LO) & !v & HI
}

/// Index of the first `"` or `\\` in `b[i..]`, or `b.len()`. Sixteen bytes at a time with
/// SSE2 (part of every x86_64 CPU), then eight at a time (SWAR), then byte by byte: log
/// strings are short, where a general SIMD search's setup would cost more than it saves.
#[inline(always)]
fn quote_or_backslash(b: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; every load reads b[i..i + 16], which
        // the loop condition keeps inside the slice.
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let slash = _mm_set1_epi8(b'\\' as i8);
            while i + 16 <= b.len() {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                let hits = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash));
                let mask = _mm_movemask_epi8(hits) as u32;
                if mask != 0 {
                    return i + mask.trailing_zeros() as usize;
                }
                i += 16;
            }
        }
    }
    while i + 8 <= b.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let hits = lanes_eq(x, b'"') | lanes_eq(x, b'\\');
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != b'"' && b[i] != b'\\' {
        i += 1;
    }
    i
}

/// `i` points just after an opening quote; returns (index of the closing quote, had escapes).
#[inline]
pub(crate) fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        i = quote_or_backslash(b, i);
        match b.get(i)? {
            b'"' => return Some((i, escaped)),
            _ => {
                escaped = true;
                i += 2;
            }
        }
    }
}

/// Skips any JSON value starting at `i`; returns the index just past it.
pub(crate) fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i + 1).map(|(e, _)| e + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j + 1)?.0;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                j += 1;
            }
            if j == i {
                None
            } else {
                Some(j)
            }
        }
    }
}

/// Parses one JSON-lines record. Returns false when the line is not a JSON object.
pub fn parse(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    let start = skip_ws(line, 0);
    if line.get(start) != Some(&b'{') {
        return false;
    }
    let mut prio_time = u8::MAX;
    let mut prio_level = u8::MAX;
    let mut prio_msg = u8::MAX;
    let mut prio_comp = u8::MAX;
    let mut prio_ids = [u8::MAX; 6];
    let mut path = [0u8; 96];
    let ok = scan_object(line, start, &mut path, 0, 0, &mut |role, prio, vs, ve| {
        let raw = &line[vs..ve];
        let is_str = raw.first() == Some(&b'"');
        let (cs, ce) = if is_str { (vs + 1, ve - 1) } else { (vs, ve) };
        let content = &line[cs..ce];
        match role {
            Role::Time if prio < prio_time => {
                let ns = if is_str {
                    // RFC 3339 directly on the bytes (the common case), else every other shape.
                    match time::parse_iso(content, ctx.tz) {
                        Some((ns, used)) if used == content.len() => Some(ns),
                        _ => std::str::from_utf8(content).ok().and_then(|s| time::parse_any(s, ctx.tz)),
                    }
                } else {
                    std::str::from_utf8(content).ok().and_then(time::epoch_from_str)
                };
                if ns.is_some() {
                    out.ts = ns;
                    prio_time = prio;
                }
            }
            Role::Level | Role::SeverityNumber | Role::Priority if prio < prio_level => {
                let sev = if is_str {
                    if role == Role::Priority {
                        std::str::from_utf8(content).ok().and_then(|s| s.parse::<u8>().ok()).map(level::from_syslog)
                    } else {
                        level::from_word(content)
                    }
                } else {
                    let n = std::str::from_utf8(content).ok().and_then(|s| s.parse::<f64>().ok());
                    n.and_then(|n| match role {
                        Role::SeverityNumber if (1.0..=24.0).contains(&n) => Some(n as u8),
                        Role::Priority if (0.0..=7.0).contains(&n) => Some(level::from_syslog(n as u8)),
                        Role::Level => level::from_pino(n),
                        _ => None,
                    })
                };
                if let Some(s) = sev {
                    out.level = s;
                    out.level_text = Some(Span::new(cs, ce));
                    prio_level = prio;
                }
            }
            Role::Message if prio < prio_msg && is_str => {
                out.message = Span::new(cs, ce);
                out.message_escaped = memchr::memchr(b'\\', content).is_some();
                prio_msg = prio;
            }
            Role::Component if prio < prio_comp && is_str => {
                out.component = Some(Span::new(cs, ce));
                prio_comp = prio;
            }
            Role::Id(kind) if prio < prio_ids[kind as usize] && !content.is_empty() => {
                if raw.first().is_some_and(|c| *c == b'{' || *c == b'[') {
                    return;
                }
                out.set_id(kind, Span::new(cs, ce));
                prio_ids[kind as usize] = prio;
            }
            _ => {}
        }
    });
    if ok.is_none() {
        return false;
    }
    trim_escaped_newlines(line, out);
    if out.level == 0 {
        level_from_message_header(line, out);
    }
    true
}

/// Drops the escaped line ends a message string ends with (`"log":"...\n"`, Docker's
/// json-file driver): they are the line break of the text the record wraps, not content.
fn trim_escaped_newlines(line: &[u8], out: &mut Parsed) {
    let (s, mut e) = (out.message.start as usize, out.message.start as usize + out.message.len as usize);
    while e >= s + 2 && line[e - 2] == b'\\' && matches!(line[e - 1], b'n' | b'r') {
        // `\\n` is an escaped backslash and an `n`: only an odd run of backslashes escapes.
        let run = line[s..e - 1].iter().rev().take_while(|&&c| c == b'\\').count();
        if run % 2 == 0 {
            break;
        }
        e -= 2;
    }
    out.message = Span::new(s, e);
}

/// A record without a level field whose message is a text log line (`"log":"2024-01-02
/// 03:04:05 ERROR boom"`, Docker and other wrappers): the level of that line's header. Only
/// an upper-case level word counts, first or after header-like tokens (with a digit, or in
/// brackets), within the first four tokens: `User ERROR count` stays without a level.
fn level_from_message_header(line: &[u8], out: &mut Parsed) {
    let (s, e) = (out.message.start as usize, out.message.start as usize + out.message.len as usize);
    let head = &line[s..e.min(s + 96)];
    let mut start = text::skip_ws(head, 0);
    for _ in 0..4 {
        let Some(end) = text::word_end(head, start, head.len()) else { return };
        let tok = &head[start..end];
        let (ws, we) = match (tok.first(), tok.last()) {
            (Some(b'['), Some(b']')) => (1, tok.len() - 1),
            (_, Some(b':')) => (0, tok.len() - 1),
            _ => (0, tok.len()),
        };
        if let Some(sev) = level::from_upper_word(&tok[ws.min(we)..we]) {
            out.level = sev;
            out.level_text = Some(Span::new(s + start + ws, s + start + we));
            return;
        }
        if !(tok.iter().any(u8::is_ascii_digit) || tok.first() == Some(&b'[')) {
            return;
        }
        start = text::skip_ws(head, end);
    }
}

/// Walks an object at `i` (pointing at `{`), calling `visit(role, prio, value_start, value_end)`
/// for each key whose dotted path has a role. Recurses into nested objects up to depth 3.
fn scan_object(
    b: &[u8],
    i: usize,
    path: &mut [u8; 96],
    path_len: usize,
    depth: usize,
    visit: &mut impl FnMut(Role, u8, usize, usize),
) -> Option<usize> {
    let mut i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (kend, _) = string_end(b, i + 1)?;
        let key = &b[i + 1..kend];
        i = skip_ws(b, kend + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let vstart = i;
        let is_object = b.get(i) == Some(&b'{');
        // The dotted path of this key (top-level keys are their own path: no copy).
        let mut plen = path_len;
        let fits = path_len + key.len() < path.len();
        if fits && (depth > 0 || is_object) {
            if path_len > 0 {
                path[plen] = b'.';
                plen += 1;
            }
            path[plen..plen + key.len()].copy_from_slice(key);
            plen += key.len();
        }
        let vend = if is_object && depth < 3 && fits {
            scan_object(b, i, path, plen, depth + 1, visit)?
        } else {
            let e = skip_value(b, i)?;
            let full: &[u8] = if depth == 0 { key } else { &path[..plen] };
            if fits {
                if let Some((role, prio)) = role_of(full) {
                    visit(role, prio, vstart, e);
                } else if depth > 0 {
                    if let Some((role, prio)) = nested_role(key) {
                        visit(role, prio, vstart, e);
                    }
                }
            }
            e
        };
        i = skip_ws(b, vend);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// All fields of a JSON record (nested objects kept as objects).
pub fn fields(record: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(crate::format::text::first_line(record)).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Decodes a JSON string's contents (between the quotes) into text.
pub fn unescape(content: &[u8]) -> String {
    let mut quoted = Vec::with_capacity(content.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(content);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted).unwrap_or_else(|_| String::from_utf8_lossy(content).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Parsed {
        let mut out = Parsed::default();
        assert!(parse(line.as_bytes(), &ParseCtx::default(), &mut out), "not parsed: {line}");
        out
    }

    fn s(line: &str, span: Option<Span>) -> &str {
        std::str::from_utf8(span.unwrap().slice(line.as_bytes())).unwrap()
    }

    #[test]
    fn pino() {
        let l = r#"{"level":50,"time":1700000000123,"pid":1,"hostname":"h","reqId":"r-1","msg":"boom \"x\""}"#;
        let r = p(l);
        assert_eq!(r.level, level::ERROR);
        assert_eq!(r.ts, Some(1_700_000_000_123_000_000));
        assert_eq!(s(l, Some(r.message)), r#"boom \"x\""#);
        assert!(r.message_escaped);
        assert_eq!(unescape(r.message.slice(l.as_bytes())), "boom \"x\"");
        assert_eq!(s(l, r.ids[IdKind::Request as usize]), "r-1");
    }

    #[test]
    fn docker_json_file_wrapping_a_text_line() {
        let l = r#"{"log":"2024-01-02 03:04:05 ERROR something broke\n","stream":"stderr","time":"2024-01-02T03:04:05.123456789Z"}"#;
        let r = p(l);
        assert_eq!(s(l, Some(r.message)), "2024-01-02 03:04:05 ERROR something broke");
        assert_eq!((r.level, s(l, r.level_text)), (level::ERROR, "ERROR"));
        let l = r#"{"log":"[main] WARN: low disk\r\n","time":"2024-01-02T03:04:05Z"}"#;
        assert_eq!((p(l).level, s(l, Some(p(l).message))), (level::WARN, "[main] WARN: low disk"));
        // A level word inside the text, not in a header position, is not a level; an escaped
        // backslash followed by `n` is content.
        let l = r#"{"msg":"User ERROR count is 3 C:\\n","time":"2024-01-02T03:04:05Z"}"#;
        assert_eq!((p(l).level, s(l, Some(p(l).message))), (0, r"User ERROR count is 3 C:\\n"));
        // A level field wins over the text.
        let l = r#"{"level":"info","msg":"12:00:00 ERROR x"}"#;
        assert_eq!(p(l).level, level::INFO);
    }

    #[test]
    fn ecs_and_otel_nested() {
        let l = r#"{"@timestamp":"2024-05-01T10:00:00.5Z","log":{"level":"warn","logger":"db"},"message":"slow","trace":{"id":"abc"},"span":{"id":"s1"},"service":{"name":"checkout"}}"#;
        let r = p(l);
        assert_eq!(r.level, level::WARN);
        assert_eq!(s(l, r.ids[IdKind::Trace as usize]), "abc");
        assert_eq!(s(l, r.ids[IdKind::Span as usize]), "s1");
        assert_eq!(s(l, r.ids[IdKind::Service as usize]), "checkout");
        assert_eq!(s(l, Some(r.message)), "slow");
        assert_eq!(s(l, r.component), "db");
        let o = r#"{"timeUnixNano":"1700000000000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"failed"},"traceId":"t","spanId":"s"}"#;
        let r = p(o);
        assert_eq!(r.level, 17);
        assert_eq!(r.ts, Some(1_700_000_000_000_000_000));
        assert_eq!(s(o, Some(r.message)), "failed");
    }

    #[test]
    fn nested_aliases_by_their_own_name() {
        let l = r#"{"@timestamp":"2024-01-02T03:04:05Z","@fields":{"lvl":"WARN","msg":"disk 91%","logger":"fs"},"@version":"1"}"#;
        let r = p(l);
        assert_eq!(r.level, level::WARN);
        assert_eq!(s(l, Some(r.message)), "disk 91%");
        assert_eq!(s(l, r.component), "fs");
        assert_eq!(r.ts, time::civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
        let l = r#"{"@timestamp":"2024-01-02T03:04:05Z","event":{"original":"raw line"},"log":{"level":"error"}}"#;
        assert_eq!((p(l).level, s(l, Some(p(l).message))), (level::ERROR, "raw line"));
        // A top-level message beats a nested one; a nested id or status is no alias.
        let l = r#"{"message":"top","error":{"message":"inner"},"http":{"status":"error"},"user":{"name":"x"}}"#;
        let r = p(l);
        assert_eq!((s(l, Some(r.message)), r.level, r.ids[IdKind::Service as usize]), ("top", 0, None));
        let l = r#"{"data":{"ts":"2024-01-02T03:04:05Z","t":"x"},"msg":"m"}"#;
        assert_eq!(p(l).ts, time::civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
    }

    #[test]
    fn alias_table_is_complete() {
        // Every alias the match knows is in the lookup table, and the table holds no key the
        // match does not know.
        for k in ALIASES {
            assert!(alias(k).is_some(), "{}", String::from_utf8_lossy(k));
            assert_eq!(role_of(k), alias(k));
        }
        for k in [&b"nope"[..], b"t0", b"times", b"levels", b"Time", b"x", b"spanid2", b"service.names", b""] {
            assert_eq!(role_of(k), None, "{}", String::from_utf8_lossy(k));
        }
    }

    #[test]
    fn string_ends_with_escapes_at_every_alignment() {
        for pad in 0..50 {
            let body = format!("{}a\\\"b", "x".repeat(pad));
            let line = format!("\"{body}\" tail");
            let (end, esc) = string_end(line.as_bytes(), 1).unwrap();
            assert_eq!(&line[1..end], body);
            assert!(esc);
        }
        assert_eq!(string_end(b"\"abc", 1), None);
        assert_eq!(string_end(b"\"abc\\", 1), None);
    }

    #[test]
    fn not_json() {
        let mut out = Parsed::default();
        assert!(!parse(b"2024-01-01 INFO hello", &ParseCtx::default(), &mut out));
        assert!(!parse(b"{\"a\": ", &ParseCtx::default(), &mut out));
        assert!(!parse(b"{\"a\" 1}", &ParseCtx::default(), &mut out));
    }
}
