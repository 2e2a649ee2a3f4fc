//! Materializing entries (phase two of every query): from a row number to a plain record with
//! its text decoded. Only the rows a caller returns are ever materialized.

use crate::format::json;
use crate::index::{Index, FLAG_EMBEDDED, FLAG_MSG_ESCAPED, FLAG_YEAR_LESS};
use crate::level;
use crate::record::{IdKind, Parsed};
use crate::time;
use serde::Serialize;
use serde_json::{Map, Value};

/// One log record as returned to callers.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Global entry number in the investigation.
    pub id: u32,
    pub file: String,
    /// 1-based line of the record's first line.
    pub line: u32,
    pub offset: u64,
    pub length: u32,
    /// UTC nanoseconds since the epoch (as a decimal string would lose nothing; JS gets a
    /// number of milliseconds too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_ns: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// OpenTelemetry severity number (0 = none).
    pub severity: u8,
    /// Canonical level name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, NONE).
    pub level: &'static str,
    /// The level as written in the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_text: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_span: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// The whole record as written (all its lines).
    pub raw: String,
    /// All other fields; present only when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
}

/// Text of record bytes. Valid UTF-8 (nearly always) takes std's validation, which strides
/// over ASCII a word at a time; `from_utf8_lossy` walks it chunk by chunk, three times slower.
fn text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

impl Index {
    /// The decoded message of an entry.
    pub fn message(&self, e: u32) -> String {
        let b = self.message_bytes(e);
        if self.cols.flags[e as usize] & FLAG_MSG_ESCAPED != 0 {
            json::unescape(b)
        } else {
            text(b)
        }
    }

    /// The first line of an entry (the one its columns were parsed from).
    pub fn first_line(&self, e: u32) -> &[u8] {
        crate::format::text::first_line(self.raw(e))
    }

    /// All fields of an entry, parsed lazily from its bytes.
    pub fn fields(&self, e: u32) -> Map<String, Value> {
        let f = &self.files[self.file_of(e)];
        if self.cols.flags[e as usize] & FLAG_EMBEDDED != 0 {
            // An OTLP record: its fields with the envelope's resource and scope.
            let data = f.source.data();
            let start = self.cols.offset(e as usize) as usize;
            let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |p| p + 1);
            let line_end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |p| start + p);
            if let Some(m) = crate::format::otlp::fields(&data[line_start..line_end], start - line_start) {
                return m;
            }
        }
        let mut m = f.format.fields(self.raw(e));
        // A year-less stamp re-parsed here has the assumed year, not the rolled-over one.
        if self.cols.flags[e as usize] & FLAG_YEAR_LESS != 0 && m.contains_key("time") {
            if let Some(ts) = self.ts(e) {
                m.insert("time".into(), Value::String(time::format_ns(ts)));
            }
        }
        m
    }

    /// Builds the full record of entry `e`.
    pub fn entry(&self, e: u32, with_fields: bool) -> Entry {
        let i = e as usize;
        let fi = self.file_of(e);
        let file = &self.files[fi];
        let first = self.first_line(e);
        let mut p = Parsed::default();
        let reparsed = file.format.parse(first, &mut p);
        let id_text = |k: IdKind| {
            let id = self.id(k, e);
            (id != 0).then(|| text(&self.id_name(k, id)))
        };
        let ts = self.ts(e);
        let sev = self.cols.level[i];
        Entry {
            id: e,
            file: file.source.path.clone(),
            line: self.line(e),
            offset: self.cols.offset(i),
            length: {
                let (a, b) = self.record_range(e);
                (b - a) as u32
            },
            timestamp_ns: ts,
            time: ts.map(time::format_ns),
            severity: sev,
            level: level::name(sev),
            level_text: if reparsed { p.level_text.map(|s| text(s.slice(first))) } else { None },
            message: self.message(e),
            thread: id_text(IdKind::Thread),
            request: id_text(IdKind::Request),
            trace: id_text(IdKind::Trace),
            span: id_text(IdKind::Span),
            parent_span: id_text(IdKind::Parent),
            service: id_text(IdKind::Service),
            component: if reparsed { p.component.map(|s| text(s.slice(first))) } else { None },
            raw: text(self.raw(e)),
            fields: with_fields.then(|| self.fields(e)),
        }
    }
}
