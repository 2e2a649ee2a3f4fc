//! The fuzz targets: each runs one input through a part of the engine, checks cheap
//! invariants (spans inside the line, parallel build = serial build, ...) and records what
//! it reached as coverage features. An `Err` is a broken invariant; a panic is caught by
//! the caller (`super::exec`).

use super::Features;
use crate::format::{self, json, otlp, Format, FormatKind, ParseCtx};
use crate::index::{Index, NO_TS};
use crate::indexer::{build, Control, OpenOptions};
use crate::query::{self, Compiled, Query};
use crate::record::{Parsed, Span, ID_KINDS};
use crate::source::Source;
use crate::time::{self, TsShape, Tz, TS_SHAPES};
use serde_json::{Map, Value};
use std::sync::OnceLock;

type Check = std::result::Result<(), String>;

/// Lines are parsed as the indexer hands them over: split at `\n`, one trailing `\r` off.
/// Parser targets read at most this many lines of an input (keeps an execution short).
const MAX_LINES: usize = 400;

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).take(MAX_LINES)
}

fn ctx() -> ParseCtx {
    ParseCtx { tz: Tz::Fixed(0), year: 2024 }
}

/// A value's magnitude class (AFL-style buckets), so that features stay few.
fn bucket(n: usize) -> u64 {
    match n {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4..=7 => 4,
        8..=15 => 5,
        16..=127 => 6,
        128..=65_535 => 7,
        _ => 8,
    }
}

fn span_ok(line: &[u8], s: &Span, what: &str) -> Check {
    if (s.start as usize) <= line.len() && s.end() <= line.len() {
        Ok(())
    } else {
        Err(format!("{what} span {}..{} outside a line of {} bytes", s.start, s.end(), line.len()))
    }
}

/// Every span a parser returns lies inside its line; the level is an OpenTelemetry number.
fn check_parsed(line: &[u8], p: &Parsed) -> Check {
    span_ok(line, &p.message, "message")?;
    for (k, s) in p.ids.iter().enumerate() {
        if let Some(s) = s {
            span_ok(line, s, ID_KINDS[k].name())?;
        }
    }
    for (s, what) in [(&p.level_text, "level"), (&p.component, "component"), (&p.pid, "pid")] {
        if let Some(s) = s {
            span_ok(line, s, what)?;
        }
    }
    if p.level > 24 {
        return Err(format!("severity {} above FATAL4 (24)", p.level));
    }
    Ok(())
}

/// Which columns a parse filled, as bits.
fn presence(p: &Parsed) -> u64 {
    let mut bits = p.ts.is_some() as u64
        | (p.level_text.is_some() as u64) << 1
        | ((p.message.len > 0) as u64) << 2
        | (p.message_escaped as u64) << 3
        | (p.component.is_some() as u64) << 4
        | (p.pid.is_some() as u64) << 5
        | (p.year_less as u64) << 6;
    for (k, s) in p.ids.iter().enumerate() {
        bits |= (s.is_some() as u64) << (7 + k);
    }
    bits
}

/// A value's JSON kind, as a bit.
fn value_kind(v: &Value) -> u64 {
    match v {
        Value::Null => 1,
        Value::Bool(_) => 2,
        Value::Number(n) if n.is_f64() => 4,
        Value::Number(_) => 8,
        Value::String(_) => 16,
        Value::Array(_) => 32,
        Value::Object(_) => 64,
    }
}

/// The kinds of values among a record's fields, as bits.
fn value_kinds(m: &Map<String, Value>) -> u64 {
    m.values().fold(0, |acc, v| acc | value_kind(v))
}

/// Parses every line with `fmt` (hot path and lazy fields), then the input as one
/// multi-line record (a stack trace).
fn parse_lines(tag: u64, fmt: &Format, data: &[u8], feats: &mut Features) -> Check {
    let mut out = Parsed::default();
    let kind = fmt.kind as u64;
    for line in lines(data) {
        let starts = fmt.parse(line, &mut out);
        check_parsed(line, &out)?;
        if out.message_escaped {
            json::unescape(out.message.slice(line));
        }
        let fields = fmt.fields(line);
        feats.add(&[tag, kind, starts as u64, presence(&out), out.level as u64, bucket(out.message.len as usize)]);
        feats.add(&[tag, kind, 1 << 20, bucket(fields.len()), value_kinds(&fields)]);
        // Formats whose field names are the parser's own (not the input's) report which
        // fields a line had: a cheap picture of the branches it took.
        if !matches!(fmt.kind, FormatKind::Json | FormatKind::Logfmt | FormatKind::Custom) {
            for (k, v) in &fields {
                feats.add(&[tag, kind, 3 << 20, super::hash(k.as_bytes()), value_kind(v)]);
            }
        }
    }
    let whole = fmt.fields(data);
    feats.add(&[tag, kind, 2 << 20, bucket(whole.len()), value_kinds(&whole)]);
    Ok(())
}

fn sample(data: &[u8]) -> Vec<&[u8]> {
    lines(data).take(200).collect()
}

pub(super) fn detect(data: &[u8], feats: &mut Features) -> Check {
    let f = format::detect(&sample(data), ctx());
    if !(0.0..=1.0).contains(&f.confidence) {
        return Err(format!("confidence {} outside 0..1", f.confidence));
    }
    feats.add(&[1, f.kind as u64, (f.confidence * 8.0) as u64, f.text.steps.len() as u64, f.text.anchor as u64]);
    parse_lines(1, &f, data, feats)
}

/// One fixed format (`kinds`), each tried on every line.
pub(super) fn kinds(tag: u64, kinds: &[FormatKind], data: &[u8], feats: &mut Features) -> Check {
    for &k in kinds {
        parse_lines(tag, &Format::new(k, ctx()), data, feats)?;
    }
    Ok(())
}

/// The text model: a layout learned from the input, then every line read with it.
pub(super) fn text(data: &[u8], feats: &mut Features) -> Check {
    let (layout, share) = format::text::learn(&sample(data), &ctx());
    if !(0.0..=1.0).contains(&share) {
        return Err(format!("text share {share} outside 0..1"));
    }
    let shape = format!("{:?}", layout.steps);
    feats.add(&[5, super::hash(shape.as_bytes()), layout.anchor as u64]);
    let mut f = Format::new(FormatKind::Text, ctx());
    f.text = layout;
    parse_lines(5, &f, data, feats)?;
    kinds(5, &[FormatKind::ApacheError], data, feats)
}

/// The OTLP envelope reader: records inside the line, in order, each a JSON object whose
/// fields can be read.
pub(super) fn otlp(data: &[u8], feats: &mut Features) -> Check {
    for line in lines(data) {
        let env = otlp::is_envelope(line);
        let Some(recs) = otlp::records(line) else {
            feats.add(&[7, env as u64, 0]);
            continue;
        };
        feats.add(&[7, env as u64, 1 + bucket(recs.len())]);
        let mut prev_end = 0;
        for r in &recs {
            if r.start < prev_end || r.start >= r.end || r.end > line.len() {
                return Err(format!("record {}..{} after {prev_end} in a line of {}", r.start, r.end, line.len()));
            }
            prev_end = r.end;
            for (range, what) in [(r.service, "service"), (r.resource, "resource"), (r.scope, "scope")] {
                if let Some((a, b)) = range {
                    if a > b || b > line.len() {
                        return Err(format!("{what} {a}..{b} outside a line of {}", line.len()));
                    }
                }
            }
            let rec = &line[r.start..r.end];
            let mut out = Parsed::default();
            let ok = json::parse(rec, &ctx(), &mut out);
            check_parsed(rec, &out)?;
            let fields = otlp::fields(line, r.start);
            feats.add(&[
                7,
                ok as u64,
                presence(&out),
                r.service.is_some() as u64,
                fields.as_ref().map_or(99, |m| bucket(m.len())),
            ]);
        }
    }
    Ok(())
}

/// The custom-regex validator and parser: the first line is the pattern, the rest are log
/// lines read with it.
pub(super) fn custom(data: &[u8], feats: &mut Features) -> Check {
    let (first, rest) = match memchr::memchr(b'\n', data) {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &[][..]),
    };
    // Long patterns only make compilation slow (the regex crate bounds it); the validator's
    // interesting cases are short.
    let pattern = String::from_utf8_lossy(&first[..first.len().min(512)]);
    match format::Spec::parse(&format!("regex:{pattern}")) {
        Err(e) => {
            feats.add(&[8, 0, e.code as u64]);
            Ok(())
        }
        Ok(spec) => {
            let f = spec.build(&sample(rest), ctx());
            feats.add(&[8, 1, f.ts_shape.map_or(99, |s| super::hash(format!("{s:?}").as_bytes()))]);
            parse_lines(8, &f, rest, feats)
        }
    }
}

/// Open bytes end to end: a parallel build with small chunks must equal the serial build,
/// every entry's ranges lie inside the data, and every entry materializes.
pub(super) fn indexer(data: &[u8], feats: &mut Features) -> Check {
    // The input picks its own forced format and chunk size, so a saved input replays alike.
    let h = super::hash(data);
    const FORCED: [Option<&str>; 8] =
        [None, None, None, None, Some("json"), Some("text"), Some("syslog"), Some("logfmt")];
    let format = FORCED[(h % 8) as usize].map(str::to_string);
    let chunk_size = 64 << ((h >> 8) % 8);
    let open = |serial: bool, chunk_size: usize| {
        let src = Source::from_bytes("fuzz.log", data.to_vec())?;
        let opts = OpenOptions { format: format.clone(), chunk_size, serial, year: Some(2024), ..Default::default() };
        build(vec![src], &opts, &Control::default())
    };
    let par = match open(false, chunk_size) {
        Ok(ix) => ix,
        Err(e) => {
            feats.add(&[9, 0, e.code as u64]);
            return Ok(());
        }
    };
    let ser = open(true, 1 << 30).map_err(|e| format!("serial build failed where the parallel one worked: {e}"))?;
    let (a, b) = (rows(&par), rows(&ser));
    if a != b {
        let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        return Err(format!(
            "parallel build (chunks of {chunk_size}) differs from the serial one: {} vs {} entries, first difference at entry {at}: {:?} vs {:?}",
            a.len(),
            b.len(),
            a.get(at),
            b.get(at)
        ));
    }
    check_index(&par, data.len())?;
    let f = &par.files[0];
    feats.add(&[9, 1, f.format.kind as u64, bucket(par.len()), par.cols.flags.iter().fold(0, |a, &b| a | b) as u64]);
    let n = par.len().min(300) as u32;
    for e in 0..n {
        let entry = par.entry(e, true);
        feats.add(&[
            9,
            2,
            entry.fields.as_ref().map_or(0, |m| bucket(m.len())),
            entry.severity as u64,
            entry.level_text.is_some() as u64,
        ]);
    }
    let all: Vec<u32> = (0..n).collect();
    let t = crate::templates::mine(&par, &all);
    feats.add(&[9, 3, bucket(t.templates.len())]);
    Ok(())
}

type Row = (u64, usize, u32, i64, u8, u8, u16, u16, u32, [Vec<u8>; 6]);

/// What a build decided per entry, with id names rather than numbers.
fn rows(ix: &Index) -> Vec<Row> {
    (0..ix.len() as u32)
        .map(|e| {
            let i = e as usize;
            let c = &ix.cols;
            let ids = std::array::from_fn(|k| ix.id_name(ID_KINDS[k], c.ids[k][i]).to_vec());
            (
                c.offset(i),
                ix.raw(e).len(),
                ix.line(e),
                c.ts[i],
                c.level[i],
                c.flags[i],
                c.msg_start[i],
                c.msg_len[i],
                c.fp[i],
                ids,
            )
        })
        .collect()
}

fn check_index(ix: &Index, len: usize) -> Check {
    let f = &ix.files[0];
    let data_len = f.source.data().len();
    let mut prev: Option<(u64, u32)> = None;
    for e in 0..ix.len() as u32 {
        let (s, end) = ix.record_range(e);
        if s > end || end > data_len {
            return Err(format!("entry {e}: record {s}..{end} outside {data_len} bytes (input {len})"));
        }
        // A message lies inside its record (an empty one may sit past the record's trailing
        // blanks, as after `\x1b\t`: it reads as empty all the same), and inside the data.
        let (ms, ml) = ix.message_span(e);
        if (ml > 0 && ms + ml > end - s) || s + ms + ml > data_len {
            return Err(format!("entry {e}: message {ms}+{ml} outside its record of {} bytes", end - s));
        }
        let (off, line) = (ix.cols.offset(e as usize), ix.line(e));
        if let Some((po, pl)) = prev {
            if off <= po || line < pl {
                return Err(format!("entry {e}: offset {off} line {line} after offset {po} line {pl}"));
            }
        }
        if line as u64 > f.lines.max(1) {
            return Err(format!("entry {e}: line {line} beyond the file's {} lines", f.lines));
        }
        prev = Some((off, line));
        let level = ix.cols.level[e as usize];
        if level > 24 {
            return Err(format!("entry {e}: severity {level}"));
        }
        for k in ID_KINDS {
            let id = ix.id(k, e) as usize;
            if id > ix.interner(k).count() {
                return Err(format!("entry {e}: {} id {id} beyond its interner", k.name()));
            }
        }
        if ix.cols.ts[e as usize] != NO_TS {
            time::format_ns(ix.cols.ts[e as usize]);
        }
    }
    Ok(())
}

/// A small fixed index (generated JSON and text lines) that fuzzed queries compile and run
/// against.
fn query_index() -> &'static Index {
    static IX: OnceLock<Index> = OnceLock::new();
    IX.get_or_init(|| {
        let mut data = Vec::new();
        for format in [crate::generate::GenFormat::Json, crate::generate::GenFormat::Text] {
            let opts = crate::generate::GenerateOptions { entries: 150, format, ..Default::default() };
            if let Ok((bytes, _)) = crate::generate::generate_to_vec(&opts) {
                data.extend_from_slice(&bytes);
            }
        }
        let sources = Source::from_bytes("fixture.log", data).into_iter().collect();
        build(sources, &OpenOptions::default(), &Control::default()).unwrap_or_else(|e| panic!("fixture: {e}"))
    })
}

/// The query-string parser (and, for a `{...}` input, the structured query), compiled and
/// run against a fixed index.
pub(super) fn query(data: &[u8], feats: &mut Features) -> Check {
    let s = String::from_utf8_lossy(data);
    let model = if s.trim_start().starts_with('{') {
        match serde_json::from_str::<Query>(&s) {
            Ok(q) => q.into_model(),
            Err(_) => {
                feats.add(&[10, 0]);
                return Ok(());
            }
        }
    } else {
        query::parse_query_string(&s)
    };
    let model = match model {
        Ok(m) => m,
        Err(e) => {
            feats.add(&[10, 1, e.code as u64]);
            return Ok(());
        }
    };
    feats.add(&[
        10,
        2,
        bucket(model.all.len()),
        bucket(model.exclude.len()),
        bucket(model.regex.len()),
        bucket(model.levels.len()),
        bucket(model.conds.len()),
        model.after.is_some() as u64 | (model.before.is_some() as u64) << 1 | (model.last.is_some() as u64) << 2,
        model.ids.iter().enumerate().fold(0, |a, (k, v)| a | ((!v.is_empty() as u64) << k)),
    ]);
    let ix = query_index();
    match Compiled::from_model(model, ix) {
        Err(e) => feats.add(&[10, 3, e.code as u64]),
        Ok(c) => match crate::search::select_compiled(ix, &c, &Control::default()) {
            Err(e) => feats.add(&[10, 4, e.code as u64]),
            Ok(hits) => {
                if hits.iter().any(|&e| e as usize >= ix.len()) || hits.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("selected entries out of range or out of order".into());
                }
                feats.add(&[10, 5, bucket(hits.len()), c.columns_only() as u64]);
            }
        },
    }
    Ok(())
}

/// Every timestamp shape, the ISO and epoch readers and the query's time bounds, on each
/// line; an instant read back from its RFC 3339 form is the same instant.
pub(super) fn time(data: &[u8], feats: &mut Features) -> Check {
    for line in lines(data) {
        for (i, &shape) in TS_SHAPES.iter().chain(&[TsShape::TimeOnly]).enumerate() {
            // Fixed offsets at the ends of the i64 range, and a zone with daylight-saving rules.
            let berlin = time::zone_rules("Europe/Berlin").map(Tz::Rules).unwrap_or(Tz::Fixed(3600));
            for (tz, year) in
                [(Tz::Fixed(0), 2024), (Tz::Fixed(50_400), 1970), (Tz::Fixed(-43_200), 2262), (berlin, 2024)]
            {
                let r = time::parse_ts_year(line, shape, tz, year);
                if let Some((ns, used, year_less)) = r {
                    if used > line.len() {
                        return Err(format!("{shape:?} used {used} of {} bytes", line.len()));
                    }
                    round_trip(ns)?;
                    feats.add(&[11, i as u64, bucket(used), year_less as u64, year_class(ns)]);
                } else {
                    feats.add(&[11, i as u64, 99]);
                }
            }
        }
        if let Some((ns, used)) = time::parse_iso(line, Tz::Fixed(3600)) {
            if used > line.len() {
                return Err(format!("parse_iso used {used} of {} bytes", line.len()));
            }
            round_trip(ns)?;
            feats.add(&[11, 100, bucket(used), year_class(ns)]);
        }
        if let Some((ns, used)) = time::parse_any_shape(line, Tz::Fixed(0), 2024) {
            if used > line.len() {
                return Err(format!("parse_any_shape used {used} of {} bytes", line.len()));
            }
            feats.add(&[11, 101, bucket(used), year_class(ns)]);
        }
        time::time_only(line);
        let s = String::from_utf8_lossy(line);
        if let Some(ns) = time::parse_any(&s, Tz::Fixed(0)) {
            round_trip(ns)?;
            feats.add(&[11, 102, year_class(ns)]);
        }
        for reference in [0, crate::generate::DEFAULT_START_NS, i64::MAX, i64::MIN + 1] {
            match query::parse_time_bound(&s, reference, 0) {
                Ok(ns) => feats.add(&[11, 103, year_class(ns)]),
                Err(e) => feats.add(&[11, 104, e.code as u64]),
            }
        }
        match query::parse_duration(&s) {
            Ok(d) => feats.add(&[11, 105, year_class(d)]),
            Err(e) => feats.add(&[11, 106, e.code as u64]),
        }
    }
    Ok(())
}

/// A coarse class of an instant: before 1970, then by century up to the i64 limit.
fn year_class(ns: i64) -> u64 {
    if ns < 0 {
        return 0;
    }
    1 + (ns / (100 * 365 * 86_400 * time::NS_PER_SEC)) as u64
}

fn round_trip(ns: i64) -> Check {
    let s = time::format_ns(ns);
    match time::parse_any(&s, Tz::Fixed(0)) {
        Some(back) if back == ns => Ok(()),
        other => Err(format!("{ns} formats as {s}, which reads back as {other:?}")),
    }
}
