//! Record starts: which lines that do not parse as the file's header continue the record
//! before them, and which are records of their own.
//!
//! Gluing a whole record onto another hides it (and skews every count), so a line continues a
//! record only when it has a shape that only continuation lines have:
//! - always: an indented line, or a stack-trace line (`at …`, `Caused by:`, `... N more`,
//!   `Traceback (most recent call last):`, `java.lang.IllegalStateException: x`). No header
//!   of any layout starts that way, and a sample can miss the one trace of a file.
//! - when the file's sample shows it: a markup line (`<tag>`, `{`, `}`, `"key": value`), the
//!   body of an XML or JSON document printed after a header; a `Key: value` field line in a
//!   file of stanzas whose records start with a stamped field (`Start-Date: <stamp>`, then
//!   `Commandline: …`, `Install: …`, as apt's history.log and RFC 822-style reports write).
//!
//! Every other line is an entry of its own (with a timestamp and level when its first words
//! hold them): a header of another layout (two files concatenated), a JSON line cut off by a
//! crash, or text whose shape gives no evidence.

use crate::format::{json, ParseCtx};
use crate::level;
use crate::record::{Parsed, Span};
use crate::time;

/// Continuation shapes, as bits of [`Rule::shapes`].
pub const INDENT: u8 = 1;
pub const TRACE: u8 = 2;
pub const MARKUP: u8 = 4;
/// Not a shape: the file is JSON lines, so a line opening with `{` that is not a whole JSON
/// record is one cut off (a crash while writing) and stays an entry of its own.
pub const JSON_LINES: u8 = 8;
/// A `Key: value` field line, in a file whose headers are stamped fields (see `learn`).
pub const FIELD: u8 = 16;

/// Shapes that continue a record in every file.
pub const ALWAYS: u8 = INDENT | TRACE;

/// The names of the shapes, for `detect` (bit order).
pub const SHAPE_NAMES: [(u8, &str); 4] =
    [(INDENT, "indented"), (TRACE, "stack-trace"), (MARKUP, "markup"), (FIELD, "key: value fields")];

/// How one file's non-header lines are read: learned once from the sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// The shapes that continue a record (`ALWAYS` plus what the sample showed).
    pub shapes: u8,
    /// Share of sampled lines that start a record by the file's format.
    pub headers: f64,
    /// Share of sampled lines that continue a record (by `shapes`).
    pub continued: f64,
    /// Share of sampled lines that are neither: entries of their own.
    pub standalone: f64,
}

impl Default for Rule {
    fn default() -> Self {
        Rule { shapes: ALWAYS, headers: 1.0, continued: 0.0, standalone: 0.0 }
    }
}

/// What a line that is not a header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Continuation,
    Standalone,
}

/// The shape of a non-header line (0 when it has none of the continuation shapes).
pub fn shape_of(line: &[u8]) -> u8 {
    match line.first() {
        None => 0,
        Some(b' ' | b'\t') => INDENT,
        Some(b'<' | b'{' | b'}' | b'[' | b']' | b'"') => MARKUP,
        Some(_) if is_trace(line) => TRACE,
        _ => 0,
    }
}

/// An unindented stack-trace line: `at x.Y(Y.java:1)`, `Caused by: …`, `... 3 more`,
/// `Traceback (most recent call last):`, `Exception in thread "main" …`, or a first word
/// naming an exception class (`java.lang.IllegalStateException: x`, `ValueError: bad`).
fn is_trace(line: &[u8]) -> bool {
    const PREFIXES: [&[u8]; 5] =
        [b"at ", b"Caused by:", b"Suppressed:", b"Traceback (most recent call last)", b"Exception in thread "];
    if PREFIXES.iter().any(|p| line.starts_with(p)) {
        return true;
    }
    if let Some(rest) = line.strip_prefix(b"... ") {
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        return n > 0 && rest[n..].starts_with(b" more");
    }
    let word_len = line.iter().take(200).position(|&c| c == b':' || c == b' ').unwrap_or(line.len().min(200));
    let word = &line[..word_len];
    let ends_word = matches!(line.get(word_len), None | Some(b':'));
    let class_like = word.first().is_some_and(u8::is_ascii_alphabetic)
        && word.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'$' | b'_'));
    ends_word
        && class_like
        && [&b"Exception"[..], b"Error", b"Throwable", b"Failure"]
            .iter()
            .any(|s| word.ends_with(s) && word.len() > s.len())
}

/// The end of a leading `Key:` (a word of letters, digits, `-`, `_`, starting with a letter,
/// then `: `): the key of a field line.
fn field_key(line: &[u8]) -> Option<usize> {
    if !line.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let n = line.iter().take(64).position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_')))?;
    (line[n] == b':' && matches!(line.get(n + 1), Some(b' ' | b'\t'))).then_some(n + 1)
}

/// Learns the rule from the sample: `is_header` tells which lines start a record by the
/// file's format. Markup continues records when the sample has markup lines that are not
/// records of their own (a one-line JSON record is a record, not a document body).
/// `Key: value` lines continue records only in a file of stanzas: nearly every header is a
/// field whose value is a stamp (`Start-Date: 2025-06-24  14:36:25`) and most other lines are
/// fields too; elsewhere (`Error: …` among stamped headers) such a line is an entry.
/// `base` holds the shapes the format brings (`ALWAYS`, and `JSON_LINES` for JSON).
pub fn learn(lines: &[&[u8]], ctx: &ParseCtx, base: u8, mut is_header: impl FnMut(&[u8]) -> bool) -> Rule {
    let json_lines = base & JSON_LINES != 0;
    let (heads, others): (Vec<&[u8]>, Vec<&[u8]>) = lines.iter().copied().partition(|l| is_header(l));
    let markup = others
        .iter()
        .any(|l| shape_of(l) == MARKUP && !(json_lines && l.first() == Some(&b'{')) && !standalone_record(l, ctx));
    let headers = heads.len();
    let stamped_fields = heads
        .iter()
        .filter(|l| {
            field_key(l).is_some_and(|k| {
                let v = crate::format::text::skip_ws(l, k);
                time::parse_any_shape(&l[v..], ctx.tz, ctx.year).is_some()
            })
        })
        .count();
    let fields = others.iter().filter(|l| field_key(l).is_some()).count();
    let stanzas = headers > 0 && stamped_fields * 10 >= headers * 9 && fields > 0 && fields * 5 >= others.len() * 4;
    let shapes = base | ALWAYS | if markup { MARKUP } else { 0 } | if stanzas { FIELD } else { 0 };
    let mut rule = Rule { shapes, ..Rule::default() };
    let continued = others.iter().filter(|l| kind(l, &rule, ctx) == Kind::Continuation).count();
    let n = lines.len().max(1) as f64;
    rule.headers = headers as f64 / n;
    rule.continued = continued as f64 / n;
    rule.standalone = (others.len() - continued) as f64 / n;
    rule
}

#[inline]
fn classify(shape: u8, allowed: u8) -> Kind {
    if shape != 0 && shape & allowed != 0 {
        Kind::Continuation
    } else {
        Kind::Standalone
    }
}

/// A line that reads as a record of some other layout: a stamp among its first words, or a
/// JSON object with a time, level or message.
fn standalone_record(line: &[u8], ctx: &ParseCtx) -> bool {
    if line.first() == Some(&b'{') {
        let mut p = Parsed::default();
        return json::parse(line, ctx, &mut p) && (p.ts.is_some() || p.level != 0 || p.message.len > 0);
    }
    stamp_in_head(line, ctx).is_some()
}

/// Words of a line's head searched for a stamp or a level word.
const HEAD_WORDS: usize = 6;

/// The first stamp among the first words of a line (a word may open with `[` or `<PRI>`).
fn stamp_in_head(line: &[u8], ctx: &ParseCtx) -> Option<i64> {
    let mut i = 0;
    for _ in 0..HEAD_WORDS {
        let mut s = i;
        while matches!(line.get(s), Some(b'[' | b'(')) {
            s += 1;
        }
        if line.get(s) == Some(&b'<') {
            s += line[s..].iter().take(5).position(|&c| c == b'>').map_or(0, |p| p + 1);
        }
        if line.get(s).is_some_and(|c| c.is_ascii_alphanumeric()) {
            if let Some((ns, _)) = time::parse_any_shape(&line[s..], ctx.tz, ctx.year) {
                return Some(ns);
            }
        }
        let e = i + line[i..].iter().position(|&c| c == b' ' || c == b'\t')?;
        i = crate::format::text::skip_ws(line, e);
        if i >= line.len() {
            return None;
        }
    }
    None
}

/// Decides a non-header line: a continuation of the record before it, or an entry of its
/// own. A line with a stamp in its head is a header of another layout, never a body line.
#[inline]
pub fn kind(line: &[u8], rule: &Rule, ctx: &ParseCtx) -> Kind {
    let shape = shape_of(line);
    if rule.shapes & JSON_LINES != 0 && line.first() == Some(&b'{') {
        return Kind::Standalone;
    }
    match shape {
        0 if rule.shapes & FIELD != 0 && field_key(line).is_some() && !standalone_record(line, ctx) => {
            Kind::Continuation
        }
        0 => Kind::Standalone,
        INDENT | TRACE => classify(shape, rule.shapes),
        _ if standalone_record(line, ctx) => Kind::Standalone,
        _ => classify(shape, rule.shapes),
    }
}

/// Fills `out` for a line that is an entry of its own without being a header of the file's
/// layout: the whole line is the message; a stamp and an upper-case level word among its
/// first words are kept (a JSON record keeps what the JSON scanner found).
pub fn standalone(line: &[u8], ctx: &ParseCtx, out: &mut Parsed) {
    out.reset();
    if line.first() == Some(&b'{') {
        let whole = json::parse(line, ctx, out);
        if whole && out.message.len > 0 {
            return;
        }
        // A record cut off mid-line keeps the time and level read before the cut; the rest
        // of what the scanner found may point into a half-written value, so it is dropped.
        let (ts, level, level_text) = (out.ts, out.level, out.level_text);
        out.reset();
        (out.ts, out.level, out.level_text) = (ts, level, level_text);
        out.message = Span::new(0, visible_len(line));
        if out.ts.is_some() || out.level != 0 {
            return;
        }
    }
    out.ts = stamp_in_head(line, ctx);
    let mut i = 0;
    for _ in 0..HEAD_WORDS {
        let e = line[i..].iter().position(|&c| c == b' ' || c == b'\t').map_or(line.len(), |p| i + p);
        let w = &line[i..e];
        let w = w.strip_prefix(b"[").unwrap_or(w);
        let w = w.strip_suffix(b":").or_else(|| w.strip_suffix(b"]")).unwrap_or(w);
        if let Some(sev) = level::from_upper_word(w) {
            let s = i + usize::from(line.get(i) == Some(&b'['));
            out.level = sev;
            out.level_text = Some(Span::new(s, s + w.len()));
            break;
        }
        if e >= line.len() {
            break;
        }
        i = crate::format::text::skip_ws(line, e);
    }
    out.message = Span::new(0, visible_len(line));
}

/// The line less its trailing blanks and carriage returns: where the record's bytes stop,
/// so a message must stop there too (a `\r\r\n` line end keeps one `\r` in the line).
fn visible_len(line: &[u8]) -> usize {
    crate::bytes::trim_end_blank(line).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseCtx {
        ParseCtx { tz: crate::time::Tz::Fixed(0), year: 2024 }
    }

    #[test]
    fn shapes() {
        assert_eq!(shape_of(b"\tat a.B.c(B.java:10)"), INDENT);
        assert_eq!(shape_of(b"at a.B.c(B.java:10)"), TRACE);
        assert_eq!(shape_of(b"Caused by: java.io.IOException: x"), TRACE);
        assert_eq!(shape_of(b"... 12 more"), TRACE);
        assert_eq!(shape_of(b"java.lang.IllegalStateException: x"), TRACE);
        assert_eq!(shape_of(b"ValueError: bad value"), TRACE);
        assert_eq!(shape_of(b"<order id=\"1\">"), MARKUP);
        assert_eq!(shape_of(b"}"), MARKUP);
        assert_eq!(shape_of(b"Error: could not connect"), 0);
        assert_eq!(shape_of(b"user logged in"), 0);
        assert_eq!(shape_of(b"at"), 0);
    }

    #[test]
    fn a_line_with_a_stamp_or_a_json_record_is_standalone() {
        let rule = Rule { shapes: ALWAYS | MARKUP, ..Rule::default() };
        assert_eq!(kind(b"[2024-01-02 03:04:05] other layout", &rule, &ctx()), Kind::Standalone);
        assert_eq!(kind(br#"{"level":"info","msg":"x"}"#, &rule, &ctx()), Kind::Standalone);
        assert_eq!(kind(br#"{"a": 1,"#, &rule, &ctx()), Kind::Continuation);
        assert_eq!(kind(b"<item>1</item>", &rule, &ctx()), Kind::Continuation);
        assert_eq!(kind(b"<item>1</item>", &Rule::default(), &ctx()), Kind::Standalone);
        assert_eq!(kind(b"node-1 2024-01-02T03:04:05Z up", &rule, &ctx()), Kind::Standalone);
        assert_eq!(kind(b"plain words", &rule, &ctx()), Kind::Standalone);
        assert_eq!(kind(b"  indented", &rule, &ctx()), Kind::Continuation);
    }

    #[test]
    fn standalone_keeps_stamp_and_level() {
        let l = b"node-7 2024-01-02 03:04:05 [ERROR] disk full ";
        let mut out = Parsed::default();
        standalone(l, &ctx(), &mut out);
        assert_eq!(out.ts, time::civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(out.level_text.unwrap().slice(l), b"ERROR");
        assert_eq!(out.message.slice(l), &l[..l.len() - 1]);
    }

    #[test]
    fn key_value_stanzas_continue_only_in_a_file_of_stanzas() {
        let stanza: Vec<&[u8]> = vec![
            b"Start-Date: 2025-06-24  14:36:25",
            b"Commandline: apt-get -qqy upgrade",
            b"Upgrade: libudev1:amd64 (252.36-1, 252.38-1)",
            b"End-Date: 2025-06-24  14:36:29",
            b"Start-Date: 2025-06-24  14:37:36",
            b"Commandline: apt-get install -y curl",
            b"Requested-By: admin (1000)",
            b"Install: curl:amd64 (7.88.1-10)",
            b"End-Date: 2025-06-24  14:37:40",
        ];
        let rule = learn(&stanza, &ctx(), ALWAYS, |l| l.starts_with(b"Start-Date") || l.starts_with(b"End-Date"));
        assert_eq!(rule.shapes & FIELD, FIELD, "{rule:?}");
        assert_eq!(
            kind(b"Error: Sub-process /usr/bin/dpkg returned an error code (1)", &rule, &ctx()),
            Kind::Continuation
        );
        assert_eq!(kind(b"plain words", &rule, &ctx()), Kind::Standalone);
        // Stamped headers that are not fields: an `Error: …` line among them is an entry.
        let plain: Vec<&[u8]> = vec![
            b"2024-01-02 03:04:05 INFO up",
            b"Error: disk full",
            b"2024-01-02 03:04:06 INFO down",
            b"Warning: low",
        ];
        let rule = learn(&plain, &ctx(), ALWAYS, |l| l.starts_with(b"2024"));
        assert_eq!(rule.shapes & FIELD, 0);
        assert_eq!(kind(b"Error: disk full", &rule, &ctx()), Kind::Standalone);
    }

    #[test]
    fn learning_counts_the_sample() {
        let lines: Vec<&[u8]> = vec![b"H 1", b"<a>", b"</a>", b"H 2", b"other", b"\tat x"];
        let rule = learn(&lines, &ctx(), ALWAYS, |l| l.starts_with(b"H "));
        assert_eq!(rule.shapes, ALWAYS | MARKUP);
        assert!((rule.headers - 2.0 / 6.0).abs() < 1e-9);
        assert!((rule.continued - 3.0 / 6.0).abs() < 1e-9);
        assert!((rule.standalone - 1.0 / 6.0).abs() < 1e-9);
    }
}
