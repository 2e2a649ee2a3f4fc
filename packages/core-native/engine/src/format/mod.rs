//! Log formats: detection per file (on a sample of lines), per-line parsing on the hot path,
//! and lazy extraction of every other field when a query asks for it.
//!
//! Each format is a module with `parse(line, ctx, out) -> bool` ("does this line start a
//! record, and what are its columns") and `fields(record, ctx)` (all fields, slow path).
//! A line that does not start a record is a continuation of the previous one (stack traces).

pub mod json;
pub mod text;

use crate::error::{Code, Error, Result};
use crate::record::Parsed;
use serde_json::{Map, Value};

/// The formats the engine knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatKind {
    Json,
    Text,
    Raw,
}

impl FormatKind {
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Json => "json",
            FormatKind::Text => "text",
            FormatKind::Raw => "raw",
        }
    }

    pub fn from_name(s: &str) -> Result<FormatKind> {
        Ok(match s {
            "json" | "jsonl" | "ndjson" => FormatKind::Json,
            "text" => FormatKind::Text,
            "raw" => FormatKind::Raw,
            _ => return Err(Error::new(Code::InvalidOption, format!("unknown format '{s}' (known: json, text, raw)"))),
        })
    }
}

/// Settings that parsers need beyond the line itself.
#[derive(Clone, Copy, Debug)]
pub struct ParseCtx {
    /// Seconds east of UTC applied to timestamps that carry no zone.
    pub tz_offset: i64,
    /// Year assumed for timestamps without one (syslog `Jun 14 15:16:01`).
    pub year: i64,
}

impl Default for ParseCtx {
    fn default() -> Self {
        ParseCtx { tz_offset: 0, year: 1970 }
    }
}

/// A detected (or forced) format with what was learned about the file.
#[derive(Clone, Debug)]
pub struct Format {
    pub kind: FormatKind,
    /// Share of sampled lines that parsed as records of this format (0..1).
    pub confidence: f64,
    pub text: text::Layout,
    pub ctx: ParseCtx,
}

impl Format {
    pub fn new(kind: FormatKind, ctx: ParseCtx) -> Self {
        Format { kind, confidence: 1.0, text: text::Layout::default(), ctx }
    }

    /// Parses one line (no newline, CR stripped). Returns true when the line starts a
    /// record; `out` then holds its columns. A JSON file falls back to the generic text
    /// header per line, so a stray plain line still becomes its own record.
    #[inline]
    pub fn parse(&self, line: &[u8], out: &mut Parsed) -> bool {
        out.reset();
        match self.kind {
            FormatKind::Json => {
                if json::parse(line, &self.ctx, out) {
                    return true;
                }
                out.reset();
                text::parse(line, &self.text, &self.ctx, out)
            }
            FormatKind::Text => text::parse(line, &self.text, &self.ctx, out),
            FormatKind::Raw => {
                out.message = crate::record::Span::new(0, line.len());
                true
            }
        }
    }

    /// Every field of a record, parsed from its bytes (slow path, one record at a time).
    pub fn fields(&self, record: &[u8]) -> Map<String, Value> {
        match self.kind {
            FormatKind::Json => json::fields(record).unwrap_or_default(),
            FormatKind::Text => text::fields(record, &self.text, &self.ctx),
            FormatKind::Raw => Map::new(),
        }
    }
}

/// Picks the format that parses the largest share of the sampled lines.
pub fn detect(sample: &[&[u8]], ctx: ParseCtx) -> Format {
    let lines: Vec<&[u8]> = sample.iter().copied().filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    if lines.is_empty() {
        return Format::new(FormatKind::Raw, ctx);
    }
    let mut scratch = Parsed::default();
    let json_hits = lines.iter().filter(|l| {
        scratch.reset();
        json::parse(l, &ctx, &mut scratch)
    });
    let json_share = json_hits.count() as f64 / lines.len() as f64;
    if json_share >= 0.5 {
        let mut f = Format::new(FormatKind::Json, ctx);
        f.confidence = json_share;
        return f;
    }
    let (layout, share) = text::learn(&lines, &ctx);
    if share > 0.0 {
        let mut f = Format::new(FormatKind::Text, ctx);
        f.text = layout;
        f.confidence = share;
        return f;
    }
    let mut f = Format::new(FormatKind::Raw, ctx);
    f.confidence = 0.0;
    f
}
