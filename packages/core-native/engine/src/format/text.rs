//! Plain-text application logs: a header (timestamp, then any of level, pid/thread,
//! component) followed by the message. Lines without a header continue the previous record.
//!
//! This first version knows ISO-8601 headers only; the general header model replaces it.

use crate::format::ParseCtx;
use crate::level;
use crate::record::{Parsed, Span};
use crate::time;
use serde_json::{Map, Value};

/// What was learned about a file's header layout from a sample of its lines.
#[derive(Clone, Debug, Default)]
pub struct Layout {}

/// Learns the layout from sample lines; returns it with the share of lines it parses.
pub fn learn(lines: &[&[u8]], ctx: &ParseCtx) -> (Layout, f64) {
    let layout = Layout::default();
    let mut out = Parsed::default();
    let hits = lines
        .iter()
        .filter(|l| {
            out.reset();
            parse(l, &layout, ctx, &mut out)
        })
        .count();
    (layout, hits as f64 / lines.len().max(1) as f64)
}

/// Parses a header at the start of `line`; false when there is none (a continuation line).
pub fn parse(line: &[u8], _layout: &Layout, ctx: &ParseCtx, out: &mut Parsed) -> bool {
    let open = usize::from(line.first() == Some(&b'['));
    let Some((ns, used)) = time::parse_iso(&line[open..], ctx.tz_offset) else {
        return false;
    };
    out.ts = Some(ns);
    let mut i = open + used;
    if open == 1 && line.get(i) == Some(&b']') {
        i += 1;
    }
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let word_end = line[i..].iter().position(|c| !c.is_ascii_alphabetic()).map_or(line.len(), |p| i + p);
    if let Some(sev) = level::from_word(&line[i..word_end]) {
        out.level = sev;
        out.level_text = Some(Span::new(i, word_end));
        i = word_end;
        while line.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    out.message = Span::new(i, line.len());
    true
}

/// Header fields of a text record.
pub fn fields(record: &[u8], layout: &Layout, ctx: &ParseCtx) -> Map<String, Value> {
    let mut m = Map::new();
    let line = record.split(|c| *c == b'\n').next().unwrap_or(&[]);
    let mut out = Parsed::default();
    if parse(line, layout, ctx, &mut out) {
        if let Some(c) = out.component {
            m.insert("component".into(), Value::String(String::from_utf8_lossy(c.slice(line)).into_owned()));
        }
    }
    m
}
