//! Web server access logs (Apache/nginx common and combined, with optional virtual host
//! prefix and extra trailing fields): `host ident user [30/Oct/2023:16:49:06 +0000]
//! "GET /path HTTP/1.1" 200 1234 "referer" "agent"`.
//!
//! The level comes from the status (≥ 500 error, ≥ 400 warn, else info); the message is the
//! quoted request line followed by the status.

use crate::format::text::{header_fields, number_or_text, text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{Parsed, Span};
use crate::time::{self, TsShape};
use serde_json::{Map, Value};

/// Spans of the parts of an access-log line.
struct Parts {
    prefix: [Option<Span>; 4],
    request: Span,
    status: Span,
    bytes: Span,
    referer: Option<Span>,
    agent: Option<Span>,
}

/// A quoted string starting at `i` (on the quote): (content span, index after the quote).
/// Backslash escapes are skipped (nginx escapes `"` as `\x22`, Apache as `\"`).
#[inline]
fn quoted(line: &[u8], i: usize) -> Option<(Span, usize)> {
    if line.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        let rel = memchr::memchr2(b'"', b'\\', line.get(j..)?)?;
        j += rel;
        if line[j] == b'"' {
            return Some((Span::new(i + 1, j), j + 1));
        }
        j += 2;
    }
}

fn parse_parts(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> Option<Parts> {
    // Three or four space-separated words before the `[time]`: [vhost] host ident user.
    let mut prefix = [None; 4];
    let mut n = 0;
    let mut i = 0;
    while line.get(i) != Some(&b'[') {
        if n == 4 {
            return None;
        }
        let s = i;
        while i < line.len() && line[i] != b' ' {
            i += 1;
        }
        if i == s || line.get(i) != Some(&b' ') {
            return None;
        }
        prefix[n] = Some(Span::new(s, i));
        n += 1;
        i += 1;
    }
    if n < 3 {
        return None;
    }
    let (ns, used) = time::parse_ts(&line[i + 1..], TsShape::DayMonth, ctx.tz, ctx.year)?;
    i += 1 + used;
    if line.get(i) != Some(&b']') || line.get(i + 1) != Some(&b' ') {
        return None;
    }
    out.ts = Some(ns);
    let req_open = i + 2;
    let (request, after) = quoted(line, req_open)?;
    if line.get(after) != Some(&b' ') {
        return None;
    }
    let ss = after + 1;
    let status = time::digits(line, ss, 3)?;
    if !matches!(line.get(ss + 3), None | Some(b' ')) {
        return None;
    }
    let bs = ss + 4;
    let mut be = bs;
    while be < line.len() && line[be] != b' ' {
        be += 1;
    }
    let bytes = line.get(bs..be).unwrap_or(&[]);
    if !(bytes == b"-" || (!bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit))) {
        return None;
    }
    let referer = quoted(line, be + 1);
    let agent = referer.and_then(|(_, a)| quoted(line, a + 1));
    out.level = match status {
        500.. => level::ERROR,
        400..=499 => level::WARN,
        _ => level::INFO,
    };
    out.level_text = Some(Span::new(ss, ss + 3));
    out.message = Span::new(req_open, ss + 3);
    // Move the prefix so that `prefix[0]` is the client host and `prefix[3]` the vhost.
    if n == 4 {
        prefix = [prefix[1], prefix[2], prefix[3], prefix[0]];
    }
    Some(Parts {
        prefix,
        request,
        status: Span::new(ss, ss + 3),
        bytes: Span::new(bs, be),
        referer: referer.map(|r| r.0),
        agent: agent.map(|a| a.0),
    })
}

/// Parses one access-log line.
pub fn parse(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) -> bool {
    parse_parts(line, ctx, out).is_some()
}

/// host, ident, user, vhost, method, path, protocol, status, bytes, referer, agent.
pub fn fields(record: &[u8], ctx: &ParseCtx) -> Map<String, Value> {
    let line = crate::format::text::first_line(record);
    let mut m = Map::new();
    let mut out = Parsed::default();
    let Some(p) = parse_parts(line, ctx, &mut out) else { return m };
    out.level_text = None;
    header_fields(line, &out, &mut m);
    for (k, s) in ["host", "ident", "user", "vhost"].iter().zip(p.prefix) {
        if let Some(s) = s {
            let v = s.slice(line);
            if v != b"-" {
                m.insert((*k).into(), text(v));
            }
        }
    }
    let req = p.request.slice(line);
    let mut parts = req.splitn(3, |c| *c == b' ');
    for k in ["method", "path", "protocol"] {
        if let Some(v) = parts.next().filter(|v| !v.is_empty()) {
            m.insert(k.into(), text(v));
        }
    }
    m.insert("request".into(), text(req));
    m.insert("status".into(), number_or_text(p.status.slice(line)));
    let b = p.bytes.slice(line);
    m.insert("bytes".into(), if b == b"-" { Value::from(0) } else { number_or_text(b) });
    for (k, s) in [("referer", p.referer), ("agent", p.agent)] {
        if let Some(s) = s {
            let v = s.slice(line);
            if v != b"-" {
                m.insert(k.into(), text(v));
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_and_common() {
        let l = br#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 503 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;
        let mut out = Parsed::default();
        assert!(parse(l, &ParseCtx::default(), &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2000, 10, 10, 20, 55, 36, 0));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.message.slice(l), br#""GET /apache_pb.gif HTTP/1.0" 503"#);
        let f = fields(l, &ParseCtx::default());
        assert_eq!(f["host"], "127.0.0.1");
        assert_eq!(f["user"], "frank");
        assert!(!f.contains_key("ident"));
        assert_eq!(f["method"], "GET");
        assert_eq!(f["path"], "/apache_pb.gif");
        assert_eq!(f["status"], 503);
        assert_eq!(f["bytes"], 2326);
        assert_eq!(f["referer"], "http://www.example.com/start.html");
        assert_eq!(f["agent"], "Mozilla/4.08 [en] (Win98; I ;Nav)");

        let l = br#"10.0.0.2 - - [10/Oct/2000:13:55:36 +0000] "POST /login HTTP/1.1" 404 -"#;
        out.reset();
        assert!(parse(l, &ParseCtx::default(), &mut out));
        assert_eq!(out.level, level::WARN);
        let l = br#"www.example.com:443 10.0.0.2 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" 0.003"#;
        out.reset();
        assert!(parse(l, &ParseCtx::default(), &mut out));
        assert_eq!(out.level, level::INFO);
        let f = fields(l, &ParseCtx::default());
        assert_eq!(f["vhost"], "www.example.com:443");
        assert_eq!(f["host"], "10.0.0.2");
        assert!(!f.contains_key("referer"));
    }

    #[test]
    fn rejects_other_lines() {
        let mut out = Parsed::default();
        for l in [
            &b"2024-01-02 03:04:05 INFO x"[..],
            b"a b [10/Oct/2000:13:55:36 +0000] \"GET /\" 200 1",
            b"a b c [10/Oct/2000:13:55:36 +0000] \"GET / 200 1",
            b"a b c [10/Oct/2000:13:55:36 +0000] \"GET /\" 2000 1",
            b"",
        ] {
            out.reset();
            assert!(!parse(l, &ParseCtx::default(), &mut out), "{}", String::from_utf8_lossy(l));
        }
    }
}
