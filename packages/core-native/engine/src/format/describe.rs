//! What was understood about a file, for `detect` and `schema`: the header fields by position,
//! the separators between them, which lines continue a record, and how sure the reading is.
//! Computed once per file from its sample; nothing here runs per line.

use crate::format::continuation::{self, Rule};
use crate::format::text::{self, Delim, Layout, LevelStyle, PidStyle, Step};
use crate::format::{Format, FormatKind, ParseCtx};
use crate::record::Parsed;
use crate::time::{DateOrder, TsShape};
use serde::Serialize;

/// One header field of a learned text layout.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HeaderField {
    /// Token position in the header (0-based; a bracket pair is one token).
    pub position: usize,
    /// `timestamp`, `level`, `pid`, `thread`, `component`, `tag` (component and pid),
    /// `stream`, `separator` or `skip` (a word that means nothing to the index).
    pub role: &'static str,
    /// How it is written: the stamp's shape (`YYYY-MM-DD hh:mm:ss`), `[level]`, `name:`, ...
    pub shape: String,
    /// Whether a line must have it to start a record.
    pub required: bool,
}

/// How non-header lines are read (see `format::continuation`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContinuationInfo {
    /// Shapes that continue a record: `indented`, `stack-trace`, `markup`.
    pub shapes: Vec<&'static str>,
    /// Shares of the sample: lines that start a record, continue one, or stand alone.
    pub headers: f64,
    pub continued: f64,
    pub standalone: f64,
}

/// The learned layout of one file.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LayoutInfo {
    /// Header fields by position (text layouts; empty for formats with fixed fields).
    pub fields: Vec<HeaderField>,
    /// Separators seen between header fields: `blank`, `tab`, `:`, `|`, `,`, `-`, `[]`.
    pub separators: Vec<String>,
    pub continuation: ContinuationInfo,
    /// Share of sampled lines the layout explains: lines that start a record, and lines that
    /// continue one by the continuation rule.
    pub confidence: f64,
    /// Set when the evidence is weak: what the engine did about it.
    pub note: Option<String>,
    /// The whole layout as one readable line.
    pub summary: String,
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// How a stamp shape is written, as a pattern a user recognises.
pub fn shape_name(shape: TsShape) -> String {
    let date = |order: DateOrder, sep: u8| {
        let s = sep as char;
        match order {
            DateOrder::Ymd => format!("YYYY{s}MM{s}DD"),
            DateOrder::Mdy => format!("MM{s}DD{s}YYYY"),
            DateOrder::Dmy => format!("DD{s}MM{s}YYYY"),
        }
    };
    match shape {
        TsShape::Numeric { order, sep } => format!("{} hh:mm:ss", date(order, sep)),
        TsShape::Compact => "YYYYMMDD hhmmss".into(),
        TsShape::MonthDay => "Mon DD hh:mm:ss".into(),
        TsShape::Ctime => "Www Mon DD hh:mm:ss YYYY".into(),
        // The shape reads `03 Dec 2026 14:22:01` (redis) as well as `30/Oct/2023:16:49:06`.
        TsShape::DayMonth => "DD Mon YYYY hh:mm:ss".into(),
        TsShape::Short { day_first: false } => "MM.DD hh:mm:ss".into(),
        TsShape::Short { day_first: true } => "DD.MM hh:mm:ss".into(),
        TsShape::Epoch => "epoch (s, ms, us or ns)".into(),
        TsShape::TimeOnly => "hh:mm:ss (no date)".into(),
    }
}

fn step_field(step: Step) -> Option<(&'static str, String)> {
    Some(match step {
        Step::Ts { shape, bracket } => {
            ("timestamp", if bracket { format!("[{}", shape_name(shape)) } else { shape_name(shape) })
        }
        Step::Close => return None,
        Step::Level(style) => (
            "level",
            match style {
                LevelStyle::Bare => "LEVEL",
                LevelStyle::Bracket => "[level]",
                LevelStyle::Letter => "L,",
                LevelStyle::Letter1 => "L",
                LevelStyle::Dotted => "channel.LEVEL:",
            }
            .into(),
        ),
        Step::Pid(style) => (
            "pid",
            match style {
                PidStyle::Bare => "123",
                PidStyle::Hash => "#123",
                PidStyle::PidTid => "pid#tid:",
                PidStyle::Bracket => "[pid 123]",
                PidStyle::BracketNum => "[123]",
            }
            .into(),
        ),
        Step::Thread => ("thread", "[thread]".into()),
        Step::Component(d) => (
            "component",
            match d {
                Delim::Colon => "name:",
                Delim::Dash => "name -",
                Delim::Tab => "name<tab>",
                Delim::Pipe => "name |",
                Delim::Tight => "name: or name| (no blank)",
                Delim::Space => "name (column)",
                Delim::Word => "word before the level",
            }
            .into(),
        ),
        Step::Sep(c) => ("separator", (c as char).to_string()),
        Step::Skip => ("skip", "word".into()),
        Step::Name => ("component", "name before the stamp".into()),
        Step::Tag => ("tag", "name[pid]:".into()),
        Step::Stream => ("stream", "stdout|stderr F|P".into()),
    })
}

/// Separators of the header of `line` under `layout`: what ends each matched field.
fn separators_of(line: &[u8], layout: &Layout, ctx: &ParseCtx, seps: &mut Vec<String>) {
    let mut add = |s: &str| {
        if !seps.iter().any(|x| x == s) {
            seps.push(s.to_string());
        }
    };
    let mut out = Parsed::default();
    let mut i = 0;
    for &step in &layout.steps {
        let Some(end) = text::match_step(line, i, step, ctx, &mut out) else { continue };
        if end == 0 {
            continue;
        }
        match line[end - 1] {
            c @ (b':' | b'|' | b',' | b';' | b'-') => add(&(c as char).to_string()),
            b']' => add("[]"),
            _ => {}
        }
        match line.get(end) {
            Some(b' ') => add("blank"),
            Some(b'\t') => add("tab"),
            Some(&c) if matches!(c, b':' | b'|' | b',') => add(&(c as char).to_string()),
            _ => {}
        }
        i = text::skip_ws(line, end);
    }
}

fn continuation_info(rule: &Rule) -> ContinuationInfo {
    ContinuationInfo {
        shapes: continuation::SHAPE_NAMES.iter().filter(|(b, _)| rule.shapes & b != 0).map(|(_, n)| *n).collect(),
        headers: round3(rule.headers),
        continued: round3(rule.continued),
        standalone: round3(rule.standalone),
    }
}

/// The fixed layout of a format that is not learned, in words.
fn fixed_summary(kind: FormatKind) -> &'static str {
    match kind {
        FormatKind::Json => "JSON lines: time, level, message, ids and component found by key aliases (nested too)",
        FormatKind::Logfmt => "logfmt key=value pairs: time, level, msg and ids by key",
        FormatKind::Syslog => "syslog (RFC 3164, RFC 5424 too): <PRI> stamp host app[pid]: message",
        FormatKind::Syslog5424 => "syslog RFC 5424: <PRI>VERSION stamp host app procid msgid [sd] message",
        FormatKind::Access => "access log: client ident user [DD/Mon/YYYY:hh:mm:ss zone] \"request\" status bytes",
        FormatKind::Glog => "glog: Lmmdd hh:mm:ss.uuuuuu thread file:line] message",
        FormatKind::Custom => "custom regex: named groups",
        FormatKind::Raw => "raw: one entry per line, the whole line is the message",
        FormatKind::Text | FormatKind::ApacheError => "",
    }
}

/// Describes `fmt` as learned from `lines` (the cleaned sample).
pub fn describe(fmt: &Format, lines: &[&[u8]]) -> LayoutInfo {
    let learned = matches!(fmt.kind, FormatKind::Text | FormatKind::ApacheError);
    let mut fields = Vec::new();
    let mut separators = Vec::new();
    if learned {
        let mut pos = 0;
        let mut named = false;
        for (k, &step) in fmt.text.steps.iter().enumerate() {
            // Only the first name before the stamp can be the component (`parse` keeps it).
            let step = match step {
                Step::Name if named => Step::Skip,
                Step::Name => {
                    named = true;
                    step
                }
                s => s,
            };
            if let Some((role, shape)) = step_field(step) {
                fields.push(HeaderField { position: pos, role, shape, required: k < fmt.text.anchor });
                pos += 1;
            }
        }
        let mut out = Parsed::default();
        let headers = lines.iter().filter(|l| {
            out.reset();
            text::parse(l, &fmt.text, &fmt.ctx, &mut out)
        });
        for l in headers.take(20) {
            separators_of(l, &fmt.text, &fmt.ctx, &mut separators);
        }
    }
    let mut continuation = continuation_info(&fmt.cont);
    if fmt.kind == FormatKind::Raw {
        continuation.shapes.clear();
    }
    // How much of the sample the layout explains: records it starts and lines it continues.
    let confidence =
        if fmt.kind == FormatKind::Raw { 0.0 } else { round3((fmt.cont.headers + fmt.cont.continued).min(1.0)) };
    let note = if fmt.kind == FormatKind::Raw {
        Some("no header layout reads the sample: one entry per line".to_string())
    } else if fmt.cont.standalone >= 0.05 {
        Some(format!(
            "{:.0}% of sampled lines neither match the header nor look like a continuation: each is an entry of its own",
            fmt.cont.standalone * 100.0
        ))
    } else if confidence < 0.5 {
        Some("weak evidence: fewer than half of the sampled lines match the layout".to_string())
    } else {
        None
    };
    let head = if learned {
        let parts: Vec<String> = fields
            .iter()
            .filter(|f| f.role != "skip" || fields.iter().any(|g| g.role == "timestamp" && g.position > f.position))
            .map(|f| match f.role {
                "timestamp" => format!("timestamp({})", f.shape.trim_start_matches('[')),
                "skip" => "word".to_string(),
                "separator" => format!("'{}'", f.shape),
                r => r.to_string(),
            })
            .collect();
        format!("{} message", parts.join(" "))
    } else {
        fixed_summary(fmt.kind).to_string()
    };
    let mut summary = format!("{}: {head}", fmt.kind.name());
    if !separators.is_empty() {
        summary.push_str(&format!("; separators {}", separators.join(" ")));
    }
    summary.push_str(&format!(
        "; continuation: {}; confidence {:.0}%",
        if continuation.shapes.is_empty() { "none".to_string() } else { continuation.shapes.join(", ") },
        confidence * 100.0
    ));
    LayoutInfo { fields, separators, continuation, confidence, note, summary }
}
