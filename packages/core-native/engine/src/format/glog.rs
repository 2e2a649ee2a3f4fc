//! glog / klog: `I1025 14:32:52.123456   12345 file.go:123] message`: a severity letter
//! fused with a year-less `mmdd` date, the thread id, the source location, then `] `.

use crate::format::text::{header_fields, number_or_text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{IdKind, Parsed, Span};
use crate::time;
use serde_json::{Map, Value};

/// Parses one glog line; false for lines without the header (continuations).
pub fn parse(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    let sev = match line.first() {
        Some(b'I') => level::INFO,
        Some(b'W') => level::WARN,
        Some(b'E') => level::ERROR,
        Some(b'F') => level::FATAL,
        Some(b'D') => level::DEBUG,
        _ => return false,
    };
    let Some(md) = time::digits(line, 1, 4) else { return false };
    if line.get(5) != Some(&b' ') {
        return false;
    }
    let Some((sod, nanos, used)) = time::time_of_day(line, 6) else { return false };
    let Some(ns) = time::date_ns(ctx.year, md / 100, md % 100, sod, nanos) else { return false };
    let Some(ns) = ctx.tz.utc_ns(ns) else { return false };
    // glog stamps never carry a year.
    out.year_less = true;
    let mut i = 6 + used;
    if line.get(i) != Some(&b' ') {
        return false;
    }
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let ts_ = i;
    while line.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == ts_ || line.get(i) != Some(&b' ') {
        return false;
    }
    let thread = Span::new(ts_, i);
    i += 1;
    let Some(close) = memchr::memchr(b']', &line[i..]).map(|p| p + i) else { return false };
    if close == i || line[i..close].contains(&b' ') {
        return false;
    }
    out.ts = Some(ns);
    out.level = sev;
    out.level_text = Some(Span::new(0, 1));
    out.set_id(IdKind::Thread, thread);
    out.pid = Some(thread);
    out.component = Some(Span::new(i, close));
    let mut m = close + 1;
    if line.get(m) == Some(&b' ') {
        m += 1;
    }
    let mut e = line.len();
    while e > m && matches!(line[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    out.message = Span::new(m.min(line.len()), e);
    true
}

/// level, thread, file, line (and the component `file:line`).
pub fn fields(record: &[u8], ctx: &ParseCtx) -> Map<String, Value> {
    let line = crate::format::text::first_line(record);
    let mut m = Map::new();
    let mut out = Parsed::default();
    if parse(line, ctx, &mut out) {
        out.pid = None;
        header_fields(line, &out, &mut m);
        if let Some(c) = out.component {
            let loc = c.slice(line);
            if let Some(p) = loc.iter().rposition(|&c| c == b':') {
                m.insert("file".into(), Value::String(String::from_utf8_lossy(&loc[..p]).into_owned()));
                m.insert("line".into(), number_or_text(&loc[p + 1..]));
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glog_and_klog() {
        let ctx = ParseCtx { tz: crate::time::Tz::Fixed(0), year: 2023 };
        let l = b"E1025 14:32:52.123456   12345 server.go:123] connection refused ";
        let mut out = Parsed::default();
        assert!(parse(l, &ctx, &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2023, 10, 25, 14, 32, 52, 123_456_000));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.ids[IdKind::Thread as usize].unwrap().slice(l), b"12345");
        assert_eq!(out.component.unwrap().slice(l), b"server.go:123");
        assert_eq!(out.message.slice(l), b"connection refused");
        let f = fields(l, &ctx);
        assert_eq!(f["file"], "server.go");
        assert_eq!(f["line"], 123);
        assert_eq!(f["thread"], "12345");
        let l = b"I0102 03:04:05.000001       1 reflector.go:5] \"Watch close\" type=\"*v1.Pod\"";
        out.reset();
        assert!(parse(l, &ctx, &mut out));
        assert_eq!(out.level, level::INFO);
        for l in [
            &b"Info 1 2"[..],
            b"I1025",
            b"I1025 14:32:52.123456 x a.go:1] m",
            b"X1025 14:32:52.1 1 a.go:1] m",
            b"I1325 14:32:52 1 a.go:1] m",
        ] {
            out.reset();
            assert!(!parse(l, &ctx, &mut out), "{}", String::from_utf8_lossy(l));
        }
    }
}
