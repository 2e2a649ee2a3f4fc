//! Custom formats: a user-supplied regular expression with named groups, given as the
//! `format` option `regex:<pattern>`. Lines it does not match continue the previous record.
//!
//! Known group names fill the columns (`timestamp`, `level`, `message`, `thread`, `request`,
//! `trace`, `span`, `parent`, `service`, `component`, `pid`); any other named group is an
//! extra field. The timestamp is read with the general timestamp parser: its shape is
//! learned per file from the sample, with a try-every-shape fallback.

use crate::error::{Code, Error, Result};
use crate::format::text::{header_fields, number_or_text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{IdKind, Parsed, Span};
use crate::time::{self, TsShape};
use regex::bytes::Regex;
use serde_json::{Map, Value};

/// The column groups a pattern may name.
pub const GROUPS: [&str; 11] =
    ["timestamp", "level", "message", "thread", "request", "trace", "span", "parent", "service", "component", "pid"];

/// A validated custom pattern.
#[derive(Debug)]
pub struct Custom {
    re: Regex,
    /// Capture index of each of `GROUPS`, if the pattern names it.
    idx: [Option<usize>; 11],
}

impl Custom {
    /// Compiles and validates a pattern: it must compile (INVALID_REGEX) and name a
    /// `message` group (INVALID_OPTION).
    pub fn new(pattern: &str) -> Result<Custom> {
        if pattern.is_empty() {
            return Err(Error::new(Code::InvalidOption, "custom format 'regex:' needs a pattern after the colon"));
        }
        let re = Regex::new(pattern)
            .map_err(|e| Error::new(Code::InvalidRegex, format!("custom format pattern does not compile: {e}")))?;
        let mut idx = [None; 11];
        for (i, name) in re.capture_names().enumerate() {
            if let Some(name) = name {
                if let Some(k) = GROUPS.iter().position(|g| *g == name) {
                    idx[k] = Some(i);
                }
            }
        }
        if idx[2].is_none() {
            let named: Vec<&str> = re.capture_names().flatten().collect();
            let have = if named.is_empty() { "none".to_string() } else { named.join(", ") };
            return Err(Error::new(
                Code::InvalidOption,
                format!(
                    "custom format pattern has no (?P<message>...) group (named groups found: {have}; known: {})",
                    GROUPS.join(", ")
                ),
            ));
        }
        Ok(Custom { re, idx })
    }

    pub fn pattern(&self) -> &str {
        self.re.as_str()
    }

    fn span(&self, caps: &regex::bytes::Captures, g: usize) -> Option<Span> {
        let m = caps.get(self.idx[g]?)?;
        Some(Span::new(m.start(), m.end()))
    }

    /// The timestamp shape most `timestamp` groups of the sample have.
    pub fn learn_shape(&self, lines: &[&[u8]], ctx: &ParseCtx) -> Option<TsShape> {
        let g = self.idx[0]?;
        let values: Vec<&[u8]> =
            lines.iter().filter_map(|l| self.re.captures(l).and_then(|c| c.get(g)).map(|m| m.as_bytes())).collect();
        time::TS_SHAPES
            .iter()
            .map(|&s| (s, values.iter().filter(|v| time::parse_ts(v, s, ctx.tz, ctx.year).is_some()).count()))
            .filter(|&(_, n)| n > 0)
            .fold(None, |best: Option<(TsShape, usize)>, (s, n)| match best {
                Some((_, b)) if b >= n => best,
                _ => Some((s, n)),
            })
            .map(|(s, _)| s)
    }

    /// Parses one line; false when the pattern does not match it.
    pub fn parse(&self, line: &[u8], shape: Option<TsShape>, ctx: &ParseCtx, out: &mut Parsed) -> bool {
        let Some(caps) = self.re.captures(line) else { return false };
        if let Some(ts) = self.span(&caps, 0) {
            let v = ts.slice(line);
            match shape.and_then(|s| time::parse_ts_year(v, s, ctx.tz, ctx.year)) {
                Some((ns, _, year_less)) => {
                    out.ts = Some(ns);
                    out.year_less = year_less;
                }
                None => out.ts = time::parse_any_shape(v, ctx.tz, ctx.year).map(|(ns, _)| ns),
            }
        }
        if let Some(l) = self.span(&caps, 1) {
            let w = l.slice(line);
            let sev = level::from_word(w.trim_ascii()).or_else(|| {
                let n = std::str::from_utf8(w).ok()?.trim().parse::<u8>().ok()?;
                (1..=24).contains(&n).then_some(n)
            });
            if let Some(sev) = sev {
                out.level = sev;
                out.level_text = Some(l);
            }
        }
        out.message = self.span(&caps, 2).unwrap_or_default();
        for (g, kind) in [
            (3, IdKind::Thread),
            (4, IdKind::Request),
            (5, IdKind::Trace),
            (6, IdKind::Span),
            (7, IdKind::Parent),
            (8, IdKind::Service),
        ] {
            if let Some(s) = self.span(&caps, g) {
                out.set_id(kind, s);
            }
        }
        out.component = self.span(&caps, 9).filter(|s| s.len > 0);
        out.pid = self.span(&caps, 10).filter(|s| s.len > 0);
        true
    }

    /// The column fields plus every other named group.
    pub fn fields(&self, record: &[u8], shape: Option<TsShape>, ctx: &ParseCtx) -> Map<String, Value> {
        let line = crate::format::text::first_line(record);
        let mut m = Map::new();
        let mut out = Parsed::default();
        if !self.parse(line, shape, ctx, &mut out) {
            return m;
        }
        header_fields(line, &out, &mut m);
        if let Some(caps) = self.re.captures(line) {
            for name in self.re.capture_names().flatten() {
                if GROUPS.contains(&name) {
                    continue;
                }
                if let Some(v) = caps.name(name) {
                    m.insert(name.to_string(), number_or_text(v.as_bytes()));
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_groups_fill_columns() {
        let c = Custom::new(
            r"^(?P<timestamp>\S+ \S+) \| (?P<level>\w+) \| (?P<thread>[^|]+?) \| (?P<user>\d+) \| (?P<message>.*)$",
        )
        .unwrap();
        let l = b"02.01.2024 03:04:05 | WARN | worker-1 | 42 | disk slow";
        let ctx = ParseCtx::default();
        let shape = c.learn_shape(&[l.as_slice()], &ctx);
        assert_eq!(shape, Some(TsShape::Numeric { order: time::DateOrder::Dmy, sep: b'.' }));
        let mut out = Parsed::default();
        assert!(c.parse(l, shape, &ctx, &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
        assert_eq!(out.level, level::WARN);
        assert_eq!(out.ids[IdKind::Thread as usize].unwrap().slice(l), b"worker-1");
        assert_eq!(out.message.slice(l), b"disk slow");
        let f = c.fields(l, shape, &ctx);
        assert_eq!(f["user"], 42);
        assert_eq!(f["thread"], "worker-1");
        out.reset();
        assert!(!c.parse(b"  continuation", shape, &ctx, &mut out));
    }

    #[test]
    fn validation_errors_are_clear() {
        let e = Custom::new(r"(?P<message>.*").unwrap_err();
        assert_eq!(e.code, Code::InvalidRegex);
        let e = Custom::new(r"^(?P<timestamp>\S+) (?P<msg>.*)$").unwrap_err();
        assert_eq!(e.code, Code::InvalidOption);
        assert!(e.message.contains("(?P<message>...)") && e.message.contains("timestamp, msg"), "{}", e.message);
        assert_eq!(Custom::new("").unwrap_err().code, Code::InvalidOption);
    }
}
