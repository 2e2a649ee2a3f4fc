//! Syslog: RFC 3164 (BSD, `<PRI>` optional, year-less `Jun 14 15:16:01` stamps or the
//! RFC 3339 stamps of rsyslog) and RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`).
//!
//! The app name becomes the component and PROCID / `[pid]` the pid; the priority's severity
//! becomes the level (no `<PRI>`, no level). The host is a field (not a column).

use crate::format::text::{header_fields, text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{Parsed, Span};
use crate::time::{self, DateOrder, TsShape};
use serde_json::{Map, Value};

/// `<PRI>` at the start: (priority, bytes).
#[inline]
fn pri(line: &[u8]) -> Option<(u8, usize)> {
    if line.first() != Some(&b'<') {
        return None;
    }
    let mut v: u32 = 0;
    let mut i = 1;
    while i < 5 && line.get(i).is_some_and(u8::is_ascii_digit) {
        v = v * 10 + (line[i] - b'0') as u32;
        i += 1;
    }
    (i > 1 && line.get(i) == Some(&b'>') && v <= 191).then_some((v as u8, i + 1))
}

#[inline]
fn word(line: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while j < line.len() && line[j] != b' ' {
        j += 1;
    }
    (j > i).then_some(j)
}

/// What a 3164 record holds besides the columns.
struct Bsd {
    pri: Option<u8>,
    host: Option<Span>,
}

const ISO: TsShape = TsShape::Numeric { order: DateOrder::Ymd, sep: b'-' };

fn parse_3164(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> Option<Bsd> {
    let (p, mut i) = match pri(line) {
        Some((p, used)) => (Some(p), used),
        None => (None, 0),
    };
    let rest = &line[i..];
    // rsyslog's RFC 3339 stamps always have their `T`; `2024-01-02 03:04:05 UTC [1] LOG: x`
    // (PostgreSQL) or `2015-07-29 17:41:44,747 - INFO` (log4j) are plain-text layouts.
    let (ns, used, year_less) = time::parse_ts_year(rest, TsShape::MonthDay, ctx.tz, ctx.year)
        .or_else(|| (rest.get(10) == Some(&b'T')).then(|| time::parse_ts_year(rest, ISO, ctx.tz, ctx.year))?)?;
    out.ts = Some(ns);
    out.year_less = year_less;
    i += used;
    if line.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let mut host = None;
    let e = word(line, i)?;
    let first = &line[i..e];
    let is_tag = first.ends_with(b":");
    if !is_tag {
        // A level word where the host belongs means a plain-text log, not syslog; so does a
        // lone separator (`2015-07-29 17:41:44,747 - INFO ...`, log4j's ` - `).
        if level::from_word(first).is_some() || !first.iter().any(u8::is_ascii_alphanumeric) {
            return None;
        }
        host = Some(Span::new(i, e));
        i = e + 1;
    }
    // The tag: `app[pid]:` or `app:`.
    if let Some(e) = word(line, i) {
        let w = &line[i..e];
        if w.ends_with(b":") && w.len() > 1 {
            let name = &w[..w.len() - 1];
            if let Some(open) = memchr::memchr(b'[', name) {
                if name.ends_with(b"]") {
                    out.component = Some(Span::new(i, i + open));
                    out.pid = Some(Span::new(i + open + 1, i + name.len() - 1));
                } else {
                    out.component = Some(Span::new(i, i + name.len()));
                }
            } else {
                out.component = Some(Span::new(i, i + name.len()));
            }
            i = e;
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
        }
    }
    if let Some(p) = p {
        out.level = level::from_syslog(p & 7);
        out.level_text = Some(Span::new(1, pri(line).map_or(1, |(_, u)| u - 1)));
    }
    out.message = Span::new(i.min(line.len()), trim_end(line, i));
    Some(Bsd { pri: p, host })
}

fn trim_end(line: &[u8], from: usize) -> usize {
    let mut e = line.len();
    while e > from && matches!(line[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    e
}

/// Parses an RFC 3164 line (`<PRI>` optional).
pub fn parse(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    parse_3164(line, ctx, out).is_some()
}

/// The parts of a 5424 header.
struct Ietf {
    pri: u8,
    host: Option<Span>,
    app: Option<Span>,
    msgid: Option<Span>,
    sd: Option<Span>,
}

fn nil(line: &[u8], s: usize, e: usize) -> Option<Span> {
    (&line[s..e] != b"-").then(|| Span::new(s, e))
}

fn parse_5424_inner(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> Option<Ietf> {
    let (p, mut i) = pri(line)?;
    let ve = word(line, i)?;
    if !line[i..ve].iter().all(u8::is_ascii_digit) || ve - i > 2 {
        return None;
    }
    i = ve + 1;
    let te = word(line, i)?;
    if &line[i..te] != b"-" {
        let (ns, used) = time::parse_iso(&line[i..te], ctx.tz)?;
        if used != te - i {
            return None;
        }
        out.ts = Some(ns);
    }
    let mut fields = [None; 4];
    i = te + 1;
    for f in fields.iter_mut() {
        let e = word(line, i)?;
        *f = nil(line, i, e);
        i = e + 1;
    }
    let [host, app, procid, msgid] = fields;
    // Structured data: `-` or one or more `[id k="v" ...]` (values may escape `]` and `"`).
    let sd_start = i;
    if line.get(i) == Some(&b'-') {
        i += 1;
    } else {
        while line.get(i) == Some(&b'[') {
            let mut j = i + 1;
            let mut in_q = false;
            loop {
                match *line.get(j)? {
                    b'\\' => j += 1,
                    b'"' => in_q = !in_q,
                    b']' if !in_q => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        }
        if i == sd_start {
            return None;
        }
    }
    let sd = (i > sd_start + 1 || line.get(sd_start) == Some(&b'[')).then(|| Span::new(sd_start, i));
    if line.get(i) == Some(&b' ') {
        i += 1;
    }
    if line.get(i..).is_some_and(|r| r.starts_with(b"\xEF\xBB\xBF")) {
        i += 3;
    }
    out.level = level::from_syslog(p & 7);
    out.level_text = Some(Span::new(1, line.iter().position(|&c| c == b'>').unwrap_or(1)));
    out.component = app;
    out.pid = procid;
    let i = i.min(line.len());
    out.message = Span::new(i, trim_end(line, i));
    Some(Ietf { pri: p, host, app, msgid, sd })
}

/// Parses an RFC 5424 line.
pub fn parse_5424(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    parse_5424_inner(line, ctx, out).is_some()
}

fn pri_fields(p: u8, m: &mut Map<String, Value>) {
    m.insert("facility".into(), Value::from(p >> 3));
    m.insert("severity".into(), Value::from(p & 7));
}

/// Fields of an RFC 3164 record: host, component (app), pid, facility, severity.
pub fn fields(record: &[u8], ctx: &ParseCtx) -> Map<String, Value> {
    let line = crate::format::text::first_line(record);
    let mut m = Map::new();
    let mut out = Parsed::default();
    if let Some(b) = parse_3164(line, ctx, &mut out) {
        header_fields(line, &out, &mut m);
        m.remove("level");
        if let Some(h) = b.host {
            m.insert("host".into(), text(h.slice(line)));
        }
        if let Some(c) = out.component {
            m.insert("app".into(), text(c.slice(line)));
        }
        if let Some(p) = b.pri {
            pri_fields(p, &mut m);
        }
    }
    m
}

/// Fields of an RFC 5424 record, structured data as `{ "sdId": { "param": "value" } }`.
pub fn fields_5424(record: &[u8], ctx: &ParseCtx) -> Map<String, Value> {
    let line = crate::format::text::first_line(record);
    let mut m = Map::new();
    let mut out = Parsed::default();
    if let Some(r) = parse_5424_inner(line, ctx, &mut out) {
        header_fields(line, &out, &mut m);
        m.remove("level");
        pri_fields(r.pri, &mut m);
        for (k, v) in [("host", r.host), ("app", r.app), ("msgid", r.msgid)] {
            if let Some(s) = v {
                m.insert(k.into(), text(s.slice(line)));
            }
        }
        if let Some(sd) = r.sd {
            m.insert("structuredData".into(), Value::Object(structured_data(sd.slice(line))));
        }
    }
    m
}

fn structured_data(b: &[u8]) -> Map<String, Value> {
    let mut out = Map::new();
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let id_end = (i + 1..b.len()).find(|&j| b[j] == b' ' || b[j] == b']').unwrap_or(b.len());
        let id = String::from_utf8_lossy(&b[i + 1..id_end]).into_owned();
        let mut params = Map::new();
        let mut j = id_end;
        while j < b.len() && b[j] != b']' {
            while b.get(j) == Some(&b' ') {
                j += 1;
            }
            let ks = j;
            while j < b.len() && b[j] != b'=' && b[j] != b']' {
                j += 1;
            }
            let key = String::from_utf8_lossy(&b[ks..j]).into_owned();
            if b.get(j) != Some(&b'=') || b.get(j + 1) != Some(&b'"') {
                break;
            }
            j += 2;
            let mut val = Vec::new();
            while j < b.len() && b[j] != b'"' {
                if b[j] == b'\\' && j + 1 < b.len() {
                    j += 1;
                }
                val.push(b[j]);
                j += 1;
            }
            j += 1;
            params.insert(key, Value::String(String::from_utf8_lossy(&val).into_owned()));
        }
        out.insert(id, Value::Object(params));
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseCtx {
        ParseCtx { tz: crate::time::Tz::Fixed(0), year: 2017 }
    }

    #[test]
    fn bsd_with_and_without_pri() {
        let l = b"Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186 ";
        let mut out = Parsed::default();
        assert!(parse(l, &ctx(), &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2017, 12, 10, 6, 55, 46, 0));
        assert_eq!(out.component.unwrap().slice(l), b"sshd");
        assert_eq!(out.pid.unwrap().slice(l), b"24200");
        assert_eq!(out.message.slice(l), b"Invalid user webmaster from 173.234.31.186");
        assert_eq!(out.level, 0);
        let f = fields(l, &ctx());
        assert_eq!(f["host"], "LabSZ");
        assert_eq!(f["pid"], 24200);

        let l = b"<11>Jun  4 15:16:01 combo kernel: oops";
        out.reset();
        assert!(parse(l, &ctx(), &mut out));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.component.unwrap().slice(l), b"kernel");
        assert_eq!(out.message.slice(l), b"oops");
        assert_eq!(fields(l, &ctx())["facility"], 1);

        // No host; rsyslog's RFC 3339 stamp.
        let l = b"<30>2024-01-02T03:04:05.123+01:00 myhost app: started";
        out.reset();
        assert!(parse(l, &ctx(), &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2024, 1, 2, 2, 4, 5, 123_000_000));
        assert_eq!(out.level, level::INFO);
        let l = b"<30>Jun 14 15:16:01 app: started";
        out.reset();
        assert!(parse(l, &ctx(), &mut out));
        assert_eq!(out.component.unwrap().slice(l), b"app");
        assert!(!fields(l, &ctx()).contains_key("host"));

        out.reset();
        assert!(!parse(b"Jun 14 15:16:01 INFO foo: bar", &ctx(), &mut out));
        assert!(!parse(b"hello", &ctx(), &mut out));
        assert!(!parse(b"<999>Jun 14 15:16:01 h a: b", &ctx(), &mut out));
    }

    #[test]
    fn ietf_5424() {
        let l = br#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 42 ID47 [exampleSDID@32473 iut="3" eventSource="App\"x\]"][b@1 k="v"] An application event"#;
        let mut out = Parsed::default();
        assert!(parse_5424(l, &ctx(), &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2003, 10, 11, 22, 14, 15, 3_000_000));
        assert_eq!(out.level, level::INFO + 1);
        assert_eq!(out.component.unwrap().slice(l), b"evntslog");
        assert_eq!(out.pid.unwrap().slice(l), b"42");
        assert_eq!(out.message.slice(l), b"An application event");
        let f = fields_5424(l, &ctx());
        assert_eq!(f["host"], "mymachine.example.com");
        assert_eq!(f["msgid"], "ID47");
        assert_eq!(f["structuredData"]["exampleSDID@32473"]["eventSource"], "App\"x]");
        assert_eq!(f["structuredData"]["b@1"]["k"], "v");

        let l = b"<34>1 - - su - - - 'su root' failed";
        out.reset();
        assert!(parse_5424(l, &ctx(), &mut out));
        assert_eq!(out.ts, None);
        assert_eq!(out.level, level::FATAL);
        assert_eq!(out.message.slice(l), b"'su root' failed");
        out.reset();
        assert!(!parse_5424(b"<34>Oct 11 22:14:15 mymachine su: x", &ctx(), &mut out));
        assert!(!parse_5424(b"<34>1 2003-10-11T22:14:15Z h a p m [unterminated", &ctx(), &mut out));
    }
}
