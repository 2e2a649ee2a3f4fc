//! Custom formats: a user-supplied regular expression with named groups, given as the
//! `format` option `regex:<pattern>`, or as `custom:{"regex": ..., "timestamp": ...,
//! "fields": {...}}` (what a saved format of `logsift.config.json` resolves to). Lines it
//! does not match continue the previous record.
//!
//! Known group names fill the columns (`timestamp`, `level`, `message`, `thread`, `request`,
//! `trace`, `span`, `parent`, `service`, `component`, `pid`); any other named group is an
//! extra field. `fields` maps a group to a column or to another field name, so a pattern
//! written with its own group names (`ts`, `msg`) needs no rewriting. Without an explicit
//! `timestamp` format the stamp is read with the general timestamp parser: its shape is
//! learned per file from the sample, with a try-every-shape fallback; with one, exactly that
//! format is read (a stamp it does not fit has no time, never a guessed one).

use crate::error::{Code, Error, Result};
use crate::format::text::{header_fields, number_or_text};
use crate::format::ParseCtx;
use crate::level;
use crate::record::{IdKind, Parsed, Span};
use crate::time::{self, TsFormat, TsShape};
use regex::bytes::Regex;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The column groups a pattern may name.
pub const GROUPS: [&str; 11] =
    ["timestamp", "level", "message", "thread", "request", "trace", "span", "parent", "service", "component", "pid"];

/// A validated custom pattern.
#[derive(Debug)]
pub struct Custom {
    re: Regex,
    /// Capture index of each of `GROUPS`, if the pattern names it (or maps a group to it).
    idx: [Option<usize>; 11],
    /// The other named groups: capture index and field name.
    extra: Vec<(usize, String)>,
    /// The explicit format of the `timestamp` group.
    ts_format: Option<TsFormat>,
    /// The option as given (`regex:...` or `custom:{...}`), for `describe`.
    spec: String,
}

/// The JSON of a `custom:` format option.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomJson {
    regex: String,
    timestamp: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

impl Custom {
    /// Compiles and validates a pattern: it must compile (INVALID_REGEX) and name a
    /// `message` group (INVALID_OPTION).
    pub fn new(pattern: &str) -> Result<Custom> {
        Custom::build(pattern, None, &BTreeMap::new(), format!("regex:{pattern}"))
    }

    /// A `custom:{...}` option: pattern, timestamp format and field mapping, each validated
    /// (INVALID_OPTION names the bad key, INVALID_REGEX the pattern).
    pub fn from_json(json: &str) -> Result<Custom> {
        let c: CustomJson = serde_json::from_str(json).map_err(|e| {
            Error::new(Code::InvalidOption, format!("custom format: {e} (keys: regex, timestamp, fields)"))
        })?;
        let ts = match &c.timestamp {
            Some(f) => Some(TsFormat::compile(f).map_err(|e| {
                Error::new(Code::InvalidOption, format!("custom format timestamp: {e}")).at("timestamp")
            })?),
            None => None,
        };
        Custom::build(&c.regex, ts, &c.fields, format!("custom:{json}"))
    }

    fn build(
        pattern: &str,
        ts_format: Option<TsFormat>,
        map: &BTreeMap<String, String>,
        spec: String,
    ) -> Result<Custom> {
        if pattern.is_empty() {
            return Err(Error::new(Code::InvalidOption, "custom format needs a pattern (regex:<pattern>)"));
        }
        let re = Regex::new(pattern)
            .map_err(|e| Error::new(Code::InvalidRegex, format!("custom format pattern does not compile: {e}")))?;
        let named: Vec<&str> = re.capture_names().flatten().collect();
        if let Some(k) = map.keys().find(|k| !named.contains(&k.as_str())) {
            return Err(Error::new(
                Code::InvalidOption,
                format!(
                    "custom format fields: the pattern has no group '{k}' (its named groups: {})",
                    named.join(", ")
                ),
            )
            .at(format!("fields.{k}")));
        }
        let mut idx = [None; 11];
        let mut extra = Vec::new();
        for (i, name) in re.capture_names().enumerate() {
            let Some(name) = name else { continue };
            let target = map.get(name).map(String::as_str).unwrap_or(name);
            if target.is_empty() {
                return Err(Error::new(
                    Code::InvalidOption,
                    format!("custom format fields: group '{name}' maps to an empty name"),
                )
                .at(format!("fields.{name}")));
            }
            match GROUPS.iter().position(|g| *g == target) {
                Some(k) if idx[k].is_some() => {
                    return Err(Error::new(
                        Code::InvalidOption,
                        format!("custom format: two groups fill the column '{target}' (the second is '{name}')"),
                    )
                    .at(format!("fields.{name}")))
                }
                Some(k) => idx[k] = Some(i),
                None => extra.push((i, target.to_string())),
            }
        }
        if idx[2].is_none() {
            let have = if named.is_empty() { "none".to_string() } else { named.join(", ") };
            return Err(Error::new(
                Code::InvalidOption,
                format!(
                    "custom format pattern has no (?P<message>...) group (named groups found: {have}; known: {}; or map one with fields)",
                    GROUPS.join(", ")
                ),
            ));
        }
        if ts_format.is_some() && idx[0].is_none() {
            return Err(Error::new(Code::InvalidOption, "custom format has a timestamp format but no timestamp group")
                .at("timestamp"));
        }
        Ok(Custom { re, idx, extra, ts_format, spec })
    }

    /// The option this format was given as.
    pub fn spec(&self) -> &str {
        &self.spec
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
        if self.ts_format.is_some() {
            return None;
        }
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
            if let Some(f) = &self.ts_format {
                // Exactly this format, over the whole group (trailing blanks aside).
                if let Some((ns, used, year_less)) = f.parse(v, ctx.tz, ctx.year) {
                    if v[used..].iter().all(u8::is_ascii_whitespace) {
                        out.ts = Some(ns);
                        out.year_less = year_less;
                    }
                }
            } else {
                match shape.and_then(|s| time::parse_ts_year(v, s, ctx.tz, ctx.year)) {
                    Some((ns, _, year_less)) => {
                        out.ts = Some(ns);
                        out.year_less = year_less;
                    }
                    None => out.ts = time::parse_any_shape(v, ctx.tz, ctx.year).map(|(ns, _)| ns),
                }
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
            for (i, name) in &self.extra {
                if let Some(v) = caps.get(*i) {
                    m.insert(name.clone(), number_or_text(v.as_bytes()));
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

    #[test]
    fn a_saved_format_maps_groups_and_reads_its_timestamp_format() {
        let c = Custom::from_json(
            r#"{"regex": "^\\[(?P<ts>[^\\]]+)\\] (?P<sev>\\w+) (?P<user>\\w+): (?P<msg>.*)$", "timestamp": "%d/%b/%Y:%H:%M:%S %z", "fields": {"ts": "timestamp", "sev": "level", "msg": "message", "user": "user.name"}}"#,
        )
        .unwrap();
        let l = b"[10/Oct/2000:13:55:36 -0700] ERROR alice: disk full";
        let ctx = ParseCtx::default();
        assert_eq!(c.learn_shape(&[l.as_slice()], &ctx), None, "an explicit format learns nothing");
        let mut out = Parsed::default();
        assert!(c.parse(l, None, &ctx, &mut out));
        assert_eq!(out.ts, time::civil_to_ns(2000, 10, 10, 20, 55, 36, 0));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.message.slice(l), b"disk full");
        let f = c.fields(l, None, &ctx);
        assert_eq!(f["user.name"], "alice");
        assert!(!f.contains_key("ts") && !f.contains_key("user"), "{f:?}");
        // A stamp the format does not fit has no time, not a guessed one.
        out.reset();
        assert!(c.parse(b"[2000-10-10T13:55:36Z] ERROR bob: x", None, &ctx, &mut out));
        assert_eq!(out.ts, None);
    }

    #[test]
    fn saved_format_errors_name_the_bad_key() {
        let e = Custom::from_json(r#"{"regex": "(?P<message>.*)", "timestamp": "%Q"}"#).unwrap_err();
        assert_eq!((e.code, e.location.as_deref()), (Code::InvalidOption, Some("timestamp")));
        let e = Custom::from_json(r#"{"regex": "(?P<message>.*)", "fields": {"nope": "level"}}"#).unwrap_err();
        assert_eq!(e.location.as_deref(), Some("fields.nope"));
        let e = Custom::from_json(r#"{"regex": "(?P<a>.*) (?P<message>.*)", "fields": {"a": "message"}}"#).unwrap_err();
        assert!(e.message.contains("two groups"), "{}", e.message);
        let e = Custom::from_json(r#"{"regex": "(?P<message>.*)", "stamp": "%F"}"#).unwrap_err();
        assert!(e.message.contains("stamp"), "{}", e.message);
        let e = Custom::from_json(r#"{"regex": "(?P<message>.*)", "timestamp": "%F %T"}"#).unwrap_err();
        assert!(e.message.contains("no timestamp group"), "{}", e.message);
    }
}
