//! Log formats: detection per file (on a sample of lines), per-line parsing on the hot path,
//! and lazy extraction of every other field when a query asks for it.
//!
//! Each format is a module with `parse(line, ctx, out) -> bool` ("does this line start a
//! record, and what are its columns") and `fields(record, ctx)` (all fields, slow path).
//! A line that does not start a record continues the previous one only when it has a
//! continuation shape (`continuation`: indented, stack trace, markup the sample shows);
//! otherwise it is an entry of its own. `describe` tells what was learned (`detect`).

pub mod access;
pub mod continuation;
pub mod custom;
pub mod describe;
pub mod glog;
pub mod json;
pub mod logfmt;
pub mod otlp;
pub mod syslog;
pub mod text;

use crate::error::{Code, Error, Result};
use crate::record::Parsed;
use crate::time::TsShape;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The formats the engine knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatKind {
    Json,
    Logfmt,
    /// RFC 3164 (BSD) syslog; RFC 5424 lines in the same file are read too.
    Syslog,
    Syslog5424,
    /// Apache/nginx access logs (common, combined, vhost prefix).
    Access,
    ApacheError,
    Glog,
    /// Plain-text application logs, read with a learned header layout.
    Text,
    /// Every line is a record; the whole line is the message.
    Raw,
    /// A user-supplied regex (`regex:<pattern>`).
    Custom,
}

/// Names accepted by `from_name` (the first of each row is the canonical one).
const NAMES: [(FormatKind, &[&str]); 9] = [
    (FormatKind::Json, &["json", "jsonl", "ndjson"]),
    (FormatKind::Logfmt, &["logfmt"]),
    (FormatKind::Syslog, &["syslog", "rfc3164"]),
    (FormatKind::Syslog5424, &["syslog5424", "rfc5424"]),
    (FormatKind::Access, &["access", "clf", "combined", "apache-access", "nginx-access"]),
    (FormatKind::ApacheError, &["apache-error"]),
    (FormatKind::Glog, &["glog", "klog"]),
    (FormatKind::Text, &["text", "plain"]),
    (FormatKind::Raw, &["raw"]),
];

impl FormatKind {
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Custom => "custom",
            k => NAMES.iter().find(|(n, _)| *n == k).map_or("raw", |(_, names)| names[0]),
        }
    }

    /// A format by name; `regex:<pattern>` names a custom format (see `Spec::parse`, which
    /// also compiles the pattern).
    pub fn from_name(s: &str) -> Result<FormatKind> {
        if s.starts_with("regex:") || s.starts_with("custom:") {
            return Ok(FormatKind::Custom);
        }
        let lower = s.trim().to_ascii_lowercase();
        NAMES.iter().find(|(_, names)| names.contains(&lower.as_str())).map(|(k, _)| *k).ok_or_else(|| {
            let known: Vec<&str> = NAMES.iter().flat_map(|(_, n)| n.iter().copied()).collect();
            Error::new(
                Code::InvalidOption,
                format!("unknown format '{s}' (known: {}, regex:<pattern with named groups>, or a format saved in logsift.config.json)", known.join(", ")),
            )
        })
    }
}

/// A `format` option, validated once per open: a format name or a compiled custom pattern.
#[derive(Clone, Debug)]
pub enum Spec {
    Kind(FormatKind),
    Custom(Arc<custom::Custom>),
}

impl Spec {
    pub fn parse(s: &str) -> Result<Spec> {
        if let Some(pattern) = s.strip_prefix("regex:") {
            return Ok(Spec::Custom(Arc::new(custom::Custom::new(pattern)?)));
        }
        if let Some(json) = s.strip_prefix("custom:") {
            return Ok(Spec::Custom(Arc::new(custom::Custom::from_json(json)?)));
        }
        FormatKind::from_name(s).map(Spec::Kind)
    }

    /// The format of one file, forced to this spec; what can be learned (a text layout, a
    /// timestamp shape) is learned from the file's sample.
    pub fn build(&self, sample: &[&[u8]], ctx: ParseCtx) -> Format {
        let owned = clean_sample(sample);
        let lines: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let mut f = match self {
            Spec::Custom(c) => {
                let mut f = Format::new(FormatKind::Custom, ctx);
                f.ts_shape = c.learn_shape(&lines, &ctx);
                f.custom = Some(c.clone());
                f
            }
            Spec::Kind(FormatKind::Text) => {
                let mut f = Format::new(FormatKind::Text, ctx);
                f.text = text::learn(&lines, &ctx).0;
                f
            }
            Spec::Kind(k) => Format::new(*k, ctx),
        };
        f.confidence = text::share_of(&lines, |l, out| f.parse(l, out));
        f.learn_continuation(&lines);
        f.info = Some(Arc::new(describe::describe(&f, &lines)));
        f
    }
}

/// Settings that parsers need beyond the line itself.
#[derive(Clone, Copy, Debug)]
pub struct ParseCtx {
    /// The zone applied to timestamps that carry none.
    pub tz: crate::time::Tz,
    /// Year assumed for timestamps without one (syslog `Jun 14 15:16:01`).
    pub year: i64,
}

impl Default for ParseCtx {
    fn default() -> Self {
        ParseCtx { tz: crate::time::Tz::Fixed(0), year: 1970 }
    }
}

/// A detected (or forced) format with what was learned about the file.
#[derive(Clone, Debug)]
pub struct Format {
    pub kind: FormatKind,
    /// Share of sampled lines that parsed as records of this format (0..1).
    pub confidence: f64,
    /// The header layout (Text, ApacheError; for JSON the fallback for stray plain lines).
    pub text: text::Layout,
    pub ctx: ParseCtx,
    /// The pattern of a custom format.
    pub custom: Option<Arc<custom::Custom>>,
    /// The timestamp shape learned for a custom format's `timestamp` group.
    pub ts_shape: Option<TsShape>,
    /// Which non-header lines continue a record (learned from the sample).
    pub cont: continuation::Rule,
    /// What was understood, for `detect` and `schema` (set when learned from a sample).
    pub info: Option<Arc<describe::LayoutInfo>>,
}

impl Format {
    pub fn new(kind: FormatKind, ctx: ParseCtx) -> Self {
        let layout =
            if kind == FormatKind::ApacheError { text::Layout::apache_error() } else { text::Layout::default() };
        let mut cont = continuation::Rule::default();
        if kind == FormatKind::Json {
            cont.shapes |= continuation::JSON_LINES;
        }
        Format { kind, confidence: 1.0, text: layout, ctx, custom: None, ts_shape: None, cont, info: None }
    }

    /// The learned layout as `detect` shows it.
    pub fn layout_info(&self) -> describe::LayoutInfo {
        match &self.info {
            Some(i) => (**i).clone(),
            None => describe::describe(self, &[]),
        }
    }

    /// Learns which of the sample's non-header lines continue a record.
    fn learn_continuation(&mut self, lines: &[&[u8]]) {
        let mut out = Parsed::default();
        let base = self.cont.shapes;
        self.cont = continuation::learn(lines, &self.ctx, base, |l| self.parse(l, &mut out));
    }

    /// Parses one line (no newline, CR stripped). Returns true when the line starts a
    /// record; `out` then holds its columns. A JSON file falls back to the generic text
    /// header per line, so a stray plain line still becomes its own record.
    #[inline]
    pub fn parse(&self, line: &[u8], out: &mut Parsed) -> bool {
        let starts = self.parse_kind(line, out);
        // A message running into trailing blanks would end past the record's bytes (which
        // stop at the last non-blank byte) and read back as empty: it stops there too.
        if matches!(line.last(), Some(b' ' | b'\t' | b'\r')) {
            let visible = crate::bytes::trim_end_blank(line).len();
            if out.message.end() > visible {
                out.message = crate::record::Span::new((out.message.start as usize).min(visible), visible);
            }
        }
        starts
    }

    #[inline]
    fn parse_kind(&self, line: &[u8], out: &mut Parsed) -> bool {
        out.reset();
        let ctx = &self.ctx;
        match self.kind {
            FormatKind::Json => {
                if json::parse(line, ctx, out) {
                    return true;
                }
                out.reset();
                text::parse(line, &self.text, ctx, out)
            }
            FormatKind::Text | FormatKind::ApacheError => text::parse(line, &self.text, ctx, out),
            FormatKind::Logfmt => logfmt::parse(line, ctx, out),
            FormatKind::Syslog => {
                if syslog::parse(line, ctx, out) {
                    return true;
                }
                out.reset();
                syslog::parse_5424(line, ctx, out)
            }
            FormatKind::Syslog5424 => syslog::parse_5424(line, ctx, out),
            FormatKind::Access => access::parse(line, ctx, out),
            FormatKind::Glog => glog::parse(line, ctx, out),
            FormatKind::Raw => {
                out.message = crate::record::Span::new(0, line.len());
                true
            }
            FormatKind::Custom => match &self.custom {
                Some(c) => c.parse(line, self.ts_shape, ctx, out),
                None => false,
            },
        }
    }

    /// Every field of a record, parsed from its bytes (slow path, one record at a time).
    pub fn fields(&self, record: &[u8]) -> Map<String, Value> {
        let ctx = &self.ctx;
        match self.kind {
            FormatKind::Json => json::fields(record).unwrap_or_else(|| text::fields(record, &self.text, ctx)),
            FormatKind::Text | FormatKind::ApacheError => text::fields(record, &self.text, ctx),
            FormatKind::Logfmt => logfmt::fields(record, ctx),
            FormatKind::Syslog => {
                let m = syslog::fields(record, ctx);
                if m.is_empty() {
                    syslog::fields_5424(record, ctx)
                } else {
                    m
                }
            }
            FormatKind::Syslog5424 => syslog::fields_5424(record, ctx),
            FormatKind::Access => access::fields(record, ctx),
            FormatKind::Glog => glog::fields(record, ctx),
            FormatKind::Raw => Map::new(),
            FormatKind::Custom => match &self.custom {
                Some(c) => c.fields(record, self.ts_shape, ctx),
                None => Map::new(),
            },
        }
    }
}

/// The sample's non-blank lines, without ANSI escape sequences (the indexer removes them
/// before parsing, so learning must see lines the same way).
fn clean_sample(sample: &[&[u8]]) -> Vec<Vec<u8>> {
    sample
        .iter()
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| {
            let mut out = Vec::with_capacity(l.len());
            let mut i = 0;
            while i < l.len() {
                if l[i] == 0x1b {
                    i += crate::bytes::ansi_len(&l[i..]);
                } else {
                    out.push(l[i]);
                    i += 1;
                }
            }
            out
        })
        .collect()
}

/// Specific formats, in order of preference when they parse the same share of the sample.
/// The general text model comes last: it wins only by parsing strictly more lines.
const SPECIFIC: [FormatKind; 7] = [
    FormatKind::Json,
    FormatKind::Syslog5424,
    FormatKind::Access,
    FormatKind::Glog,
    FormatKind::Logfmt,
    FormatKind::ApacheError,
    FormatKind::Syslog,
];

/// Scores every format on the sample (the share of lines it reads as records) and returns
/// the best, with that share as its confidence. Without a format that reads at least two
/// lines (or half of a tiny sample), the file is `Raw`: one record per line.
pub fn detect(sample: &[&[u8]], ctx: ParseCtx) -> Format {
    let owned = clean_sample(sample);
    let lines: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    if lines.is_empty() {
        return Format::new(FormatKind::Raw, ctx);
    }
    let mut best = Format::new(FormatKind::Raw, ctx);
    best.confidence = 0.0;
    for kind in SPECIFIC {
        let mut f = Format::new(kind, ctx);
        // JSON is scored on JSON lines only, not on its plain-text fallback.
        f.confidence = if kind == FormatKind::Json {
            text::share_of(&lines, |l, out| json::parse(l, &ctx, out))
        } else if kind == FormatKind::Syslog {
            // A syslog line names its sender (`app[pid]:`) or has a `<PRI>`; a stamp and a
            // word alone (`2023-10-06T00:17:09Z stdout F message`, CRI) are no evidence.
            text::share_of(&lines, |l, out| f.parse(l, out) && (out.component.is_some() || out.level_text.is_some()))
        } else {
            text::share_of(&lines, |l, out| f.parse(l, out))
        };
        if f.confidence > best.confidence {
            best = f;
        }
    }
    let (layout, share) = text::learn(&lines, &ctx);
    if share > best.confidence {
        best = Format::new(FormatKind::Text, ctx);
        best.text = layout;
        best.confidence = share;
    }
    let hits = best.confidence * lines.len() as f64;
    if hits < 1.5 && best.confidence < 0.5 {
        let mut raw = Format::new(FormatKind::Raw, ctx);
        raw.confidence = 0.0;
        raw.cont = continuation::Rule { headers: 0.0, standalone: 1.0, ..raw.cont };
        raw.info = Some(Arc::new(describe::describe(&raw, &lines)));
        return raw;
    }
    best.learn_continuation(&lines);
    best.info = Some(Arc::new(describe::describe(&best, &lines)));
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(lines: &[&str]) -> FormatKind {
        let sample: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        detect(&sample, ParseCtx { tz: crate::time::Tz::Fixed(0), year: 2024 }).kind
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(kind_of(&[r#"{"level":"info","msg":"a"}"#, r#"{"level":"warn","msg":"b"}"#]), FormatKind::Json);
        assert_eq!(kind_of(&["ts=1 level=info msg=a", "ts=2 level=warn msg=\"b c\""]), FormatKind::Logfmt);
        assert_eq!(
            kind_of(&["Dec 10 06:55:46 LabSZ sshd[24200]: a", "Dec 10 06:55:47 LabSZ sshd[24201]: b"]),
            FormatKind::Syslog
        );
        assert_eq!(kind_of(&["<34>1 2003-10-11T22:14:15.003Z h su - ID47 - x"]), FormatKind::Syslog5424);
        assert_eq!(
            kind_of(&[r#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl""#]),
            FormatKind::Access
        );
        assert_eq!(
            kind_of(&["[Sun Dec 04 04:47:44 2005] [notice] ok", "[Sun Dec 04 04:47:45 2005] [error] bad"]),
            FormatKind::ApacheError
        );
        assert_eq!(
            kind_of(&["I1025 14:32:52.123456   1 a.go:1] x", "E1025 14:32:53.000000   1 a.go:2] y"]),
            FormatKind::Glog
        );
        assert_eq!(kind_of(&["2024-01-02 03:04:05 INFO a", "  at x", "2024-01-02 03:04:06 WARN b"]), FormatKind::Text);
        // log4j's ` - ` after an ISO stamp is not a syslog host.
        assert_eq!(
            kind_of(&[
                "2015-07-29 17:41:44,747 - INFO  [main:A@1] - up",
                "2015-07-29 17:41:45,001 - WARN  [main:B@2] - slow"
            ]),
            FormatKind::Text
        );
        // rsyslog's RFC 3339 stamps have a `T`; with a blank it is a text layout (PostgreSQL).
        assert_eq!(
            kind_of(&["2024-01-02 03:04:05.678 UTC [1] LOG:  ready", "2024-01-02 03:04:06.000 UTC [2] ERROR:  bad"]),
            FormatKind::Text
        );
        assert_eq!(kind_of(&["2024-01-02T03:04:05.678+00:00 web1 app[1]: ready"]), FormatKind::Syslog);
        assert_eq!(
            kind_of(&["2023-10-06T00:17:09.669794202Z stdout F up", "2023-10-06T00:17:10.000000000Z stderr F down"]),
            FormatKind::Text
        );
        assert_eq!(kind_of(&["hello", "world", "again"]), FormatKind::Raw);
        assert_eq!(kind_of(&["", "  "]), FormatKind::Raw);
    }

    #[test]
    fn names() {
        for (kind, names) in NAMES {
            for n in names {
                assert_eq!(FormatKind::from_name(n).unwrap(), kind);
            }
            assert_eq!(FormatKind::from_name(kind.name()).unwrap(), kind);
        }
        let e = FormatKind::from_name("xml").unwrap_err();
        assert_eq!(e.code, Code::InvalidOption);
        assert!(e.message.contains("logfmt") && e.message.contains("apache-error") && e.message.contains("regex:"));
        assert!(matches!(Spec::parse(r"regex:^(?P<message>.*)$").unwrap(), Spec::Custom(_)));
        assert_eq!(Spec::parse("regex:(").unwrap_err().code, Code::InvalidRegex);
        assert_eq!(Spec::parse("regex:^(?P<msg>.*)$").unwrap_err().code, Code::InvalidOption);
    }
}
