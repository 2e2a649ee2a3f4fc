//! logfmt: `time=2024-01-02T03:04:05Z level=info msg="user logged in" user_id=42`.
//!
//! Keys mean what they mean in JSON logs (the alias table is shared with `json.rs`), so
//! `ts`, `lvl`, `message`, `trace_id`, `service` ... land in the same columns.

use crate::format::json::{self, Role};
use crate::format::text::{header_fields, number_or_text, text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{Parsed, Span};
use crate::time;
use serde_json::{Map, Value};

/// One `key=value` pair: spans of the key and of the value's contents (without quotes).
#[derive(Clone, Copy, Debug)]
struct Pair {
    key: (usize, usize),
    val: (usize, usize),
    quoted: bool,
    escaped: bool,
    has_eq: bool,
}

#[inline]
fn is_key_byte(c: u8) -> bool {
    c > b' ' && c != b'=' && c != b'"' && c != 0x7f
}

/// Walks the pairs of a line; `visit` gets each one. Returns the number of pairs, or `None`
/// when the line is not logfmt (it must start with `key=`).
#[inline]
fn scan(line: &[u8], mut visit: impl FnMut(&Pair)) -> Option<usize> {
    let mut i = 0;
    let mut n = 0;
    while i < line.len() {
        while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        let ks = i;
        while i < line.len() && is_key_byte(line[i]) {
            i += 1;
        }
        if i == ks {
            // A stray quote or `=`: not a well-formed logfmt line.
            return None;
        }
        let key = (ks, i);
        if line.get(i) != Some(&b'=') {
            if n == 0 {
                return None;
            }
            visit(&Pair { key, val: (i, i), quoted: false, escaped: false, has_eq: false });
            n += 1;
            continue;
        }
        i += 1;
        let pair = if line.get(i) == Some(&b'"') {
            let vs = i + 1;
            let mut j = vs;
            let mut escaped = false;
            loop {
                let rel = memchr::memchr2(b'"', b'\\', &line[j..])?;
                j += rel;
                if line[j] == b'"' {
                    break;
                }
                escaped = true;
                j += 2;
                if j > line.len() {
                    return None;
                }
            }
            i = j + 1;
            Pair { key, val: (vs, j), quoted: true, escaped, has_eq: true }
        } else {
            let vs = i;
            while i < line.len() && line[i] != b' ' && line[i] != b'\t' {
                i += 1;
            }
            Pair { key, val: (vs, i), quoted: false, escaped: false, has_eq: true }
        };
        visit(&pair);
        n += 1;
    }
    Some(n)
}

/// Parses one logfmt record; false when the line is not logfmt (fewer than two pairs, or
/// not starting with `key=`).
pub fn parse(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    let mut prio = [u8::MAX; 4]; // time, level, message, component
    let mut prio_ids = [u8::MAX; 6];
    let n = scan(line, |p| {
        let key = &line[p.key.0..p.key.1];
        let val = &line[p.val.0..p.val.1];
        let span = Span::new(p.val.0, p.val.1);
        if key == b"pid" && out.pid.is_none() {
            out.pid = Some(span);
        }
        let Some((role, pr)) = json::role_of(key) else { return };
        match role {
            Role::Time if pr < prio[0] => {
                if let Some(ns) = std::str::from_utf8(val).ok().and_then(|s| time::parse_any(s, ctx.tz)) {
                    out.ts = Some(ns);
                    prio[0] = pr;
                }
            }
            Role::Level | Role::SeverityNumber | Role::Priority if pr < prio[1] => {
                let sev = level::from_word(val).or_else(|| {
                    let n = std::str::from_utf8(val).ok()?.parse::<f64>().ok()?;
                    match role {
                        Role::SeverityNumber if (1.0..=24.0).contains(&n) => Some(n as u8),
                        Role::Priority if (0.0..=7.0).contains(&n) => Some(level::from_syslog(n as u8)),
                        _ => level::from_pino(n),
                    }
                });
                if let Some(sev) = sev {
                    out.level = sev;
                    out.level_text = Some(span);
                    prio[1] = pr;
                }
            }
            Role::Message if pr < prio[2] => {
                out.message = span;
                out.message_escaped = p.escaped;
                prio[2] = pr;
            }
            Role::Component if pr < prio[3] => {
                out.component = Some(span);
                prio[3] = pr;
            }
            Role::Id(kind) if pr < prio_ids[kind as usize] && !val.is_empty() => {
                out.set_id(kind, span);
                prio_ids[kind as usize] = pr;
            }
            _ => {}
        }
    });
    matches!(n, Some(n) if n >= 2)
}

/// Every pair of a logfmt record: numbers as JSON numbers, `true`/`false` as booleans, a
/// bare key as `true`.
pub fn fields(record: &[u8], ctx: &ParseCtx) -> Map<String, Value> {
    let line = crate::format::text::first_line(record);
    let mut m = Map::new();
    scan(line, |p| {
        let key = String::from_utf8_lossy(&line[p.key.0..p.key.1]).into_owned();
        let raw = &line[p.val.0..p.val.1];
        let v = if !p.has_eq {
            Value::Bool(true)
        } else if p.quoted {
            if p.escaped {
                Value::String(json::unescape(raw))
            } else {
                text(raw)
            }
        } else {
            match raw {
                b"true" => Value::Bool(true),
                b"false" => Value::Bool(false),
                _ => number_or_text(raw),
            }
        };
        m.insert(key, v);
    });
    if m.is_empty() {
        let mut out = Parsed::default();
        if parse(line, ctx, &mut out) {
            header_fields(line, &out, &mut m);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::IdKind;

    #[test]
    fn aliases_and_quotes() {
        let l = br#"time=2024-01-02T03:04:05.5Z level=warn msg="disk \"almost\" full" trace_id=abc service=api pid=7 free=0.5 ok=true flag"#;
        let mut out = Parsed::default();
        assert!(parse(l, &ParseCtx::default(), &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2024, 1, 2, 3, 4, 5, 500_000_000));
        assert_eq!(out.level, level::WARN);
        assert_eq!(out.message.slice(l), br#"disk \"almost\" full"#);
        assert!(out.message_escaped);
        assert_eq!(out.ids[IdKind::Trace as usize].unwrap().slice(l), b"abc");
        assert_eq!(out.ids[IdKind::Service as usize].unwrap().slice(l), b"api");
        assert_eq!(out.pid.unwrap().slice(l), b"7");
        let f = fields(l, &ParseCtx::default());
        assert_eq!(f["msg"], "disk \"almost\" full");
        assert_eq!(f["pid"], 7);
        assert_eq!(f["free"], 0.5);
        assert_eq!(f["ok"], true);
        assert_eq!(f["flag"], true);
        assert_eq!(f["level"], "warn");
    }

    #[test]
    fn ts_lvl_and_epoch() {
        let l = b"ts=1700000000.25 lvl=error caller=main.go:12 msg=boom";
        let mut out = Parsed::default();
        assert!(parse(l, &ParseCtx::default(), &mut out));
        assert_eq!(out.ts, Some(1_700_000_000_250_000_000));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.component.unwrap().slice(l), b"main.go:12");
        assert_eq!(out.message.slice(l), b"boom");
    }

    #[test]
    fn not_logfmt() {
        let mut out = Parsed::default();
        for l in [&b"2024-01-02 INFO a=b c=d"[..], b"hello world", b"a=b", b"a=\"unterminated", b"=x y=z", b""] {
            out.reset();
            assert!(!parse(l, &ParseCtx::default(), &mut out), "{}", String::from_utf8_lossy(l));
        }
    }
}
