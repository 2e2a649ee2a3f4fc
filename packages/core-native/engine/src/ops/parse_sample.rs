//! `format test`: how the first lines of a file parse with the format the file was opened
//! with, line by line — whether the format's header matched (a line it does not match
//! continues the previous record) and, for those it did, every column and field it read.
//! A user checking a saved custom format sees which lines it misses and what each group
//! captured, instead of guessing from search results.

use crate::error::{Code, Error, Result};
use crate::index::Index;
use crate::level;
use crate::record::{IdKind, Parsed};
use crate::time;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// At most this many lines are shown: it is a sample for a person or an agent to read.
pub const MAX_LINES: usize = 1000;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParseSampleArgs {
    /// Lines to read from the start of the file (default 20).
    pub lines: Option<usize>,
    /// Which opened file (default 0, the first).
    pub file: Option<usize>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ParsedLine {
    /// 1-based line number in the file.
    pub line: u64,
    pub matched: bool,
    pub text: String,
    /// The instant read from the timestamp, RFC 3339 UTC; absent when none was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Ids by kind (thread, request, trace, span, parent, service).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub ids: Map<String, Value>,
    /// Every field the format reads from the line (its columns and extra groups).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub fields: Map<String, Value>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ParseSample {
    pub path: String,
    pub format: &'static str,
    pub matched: usize,
    pub unmatched: usize,
    pub lines: Vec<ParsedLine>,
}

const ID_NAMES: [(IdKind, &str); 6] = [
    (IdKind::Thread, "thread"),
    (IdKind::Request, "request"),
    (IdKind::Trace, "trace"),
    (IdKind::Span, "span"),
    (IdKind::Parent, "parent"),
    (IdKind::Service, "service"),
];

pub fn parse_sample(ix: &Index, a: &ParseSampleArgs) -> Result<ParseSample> {
    let n = a.lines.unwrap_or(20);
    if n == 0 || n > MAX_LINES {
        return Err(Error::new(Code::InvalidOption, format!("lines must be 1..={MAX_LINES}, got {n}")).at("lines"));
    }
    let k = a.file.unwrap_or(0);
    let Some(f) = ix.files.get(k) else {
        return Err(
            Error::new(Code::InvalidOption, format!("file {k} is not open ({} files)", ix.files.len())).at("file")
        );
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut out = ParseSample {
        path: f.source.path.clone(),
        format: f.format.kind.name(),
        matched: 0,
        unmatched: 0,
        lines: Vec::new(),
    };
    let mut p = Parsed::default();
    for (i, raw) in f.source.data().split(|&c| c == b'\n').take(n).enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        p.reset();
        let matched = f.format.parse(line, &mut p);
        let mut row = ParsedLine {
            line: i as u64 + 1,
            matched,
            text: text(line),
            time: None,
            level: None,
            message: None,
            ids: Map::new(),
            fields: Map::new(),
        };
        if matched {
            out.matched += 1;
            row.time = p.ts.map(time::format_ns);
            row.level = (p.level > 0).then(|| level::name(p.level));
            row.message = Some(text(p.message.slice(line)));
            for (kind, name) in ID_NAMES {
                if let Some(s) = p.ids[kind as usize] {
                    row.ids.insert(name.to_string(), Value::String(text(s.slice(line))));
                }
            }
            row.fields = f.format.fields(line);
        } else {
            out.unmatched += 1;
        }
        out.lines.push(row);
    }
    Ok(out)
}
