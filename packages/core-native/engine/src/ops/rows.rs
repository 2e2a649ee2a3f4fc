//! Row batches: the next `limit` entries of a query scope in file order, as columns. This is
//! the bulk path (export, `iterate`): fixed-width values in typed columns and every text
//! value in ONE UTF-8 block with end offsets, so a batch crosses to JS as a handful of
//! buffers instead of an object (and a JSON text) per row.
//!
//! A cell's text is `text[ends[k - 1]..ends[k]]` with `k = row * TEXT_COLUMNS.len() + column`
//! (start 0 for k = 0). Bit `column` of `present[row]` says whether the cell has a value
//! (an empty cell without the bit is "absent", e.g. no trace id).

use crate::error::{Code, Error, Result};
use crate::format::{json, FormatKind};
use crate::index::{Index, FLAG_EMBEDDED, FLAG_MSG_ESCAPED, FLAG_MSG_LONG, NO_TS};
use crate::indexer::Control;
use crate::query::Compiled;
use crate::record::{IdKind, Parsed};
use crate::search;
use crate::time;
use serde::Deserialize;

/// The text columns of a batch, in cell order.
pub const TEXT_COLUMNS: [&str; 12] = [
    "time",
    "levelText",
    "message",
    "thread",
    "request",
    "trace",
    "span",
    "parentSpan",
    "service",
    "component",
    "raw",
    "fields",
];
/// Cell numbers of the text columns (what `RowBatch::cell` takes).
pub const C_TIME: usize = 0;
pub const C_LEVEL_TEXT: usize = 1;
pub const C_MESSAGE: usize = 2;
/// thread, request, trace, span, parentSpan, service: in `IdKind` order from here.
pub const C_IDS: usize = 3;
pub const C_COMPONENT: usize = 9;
pub const C_RAW: usize = 10;
pub const C_FIELDS: usize = 11;
const NCOLS: usize = TEXT_COLUMNS.len();

/// Bit of `present`: the `fields` cell is empty because the record's fields object is its
/// `raw` text itself (a one-line JSON object). Saves copying (and storing) the same bytes twice.
pub const FIELDS_IN_RAW: u16 = 1 << 12;

/// The largest text block of a batch (offsets are u32).
pub const MAX_TEXT: usize = 1 << 30;
/// Rows per batch at most.
pub const MAX_ROWS: usize = 100_000;

/// Arguments of the `rows` op (beside the query): the cursor and the batch size.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RowArgs {
    /// Entries after this id (the previous batch's `last`); from the start when absent.
    /// (`afterId`, not `after`: that key is the query's time bound.)
    pub after_id: Option<u32>,
    /// Rows wanted (1..=100000).
    pub limit: usize,
    /// Fill the `fields` column (all parsed fields as a JSON object).
    #[serde(default)]
    pub fields: bool,
}

pub const ROW_KEYS: &[&str] = &["afterId", "limit", "fields"];

/// One batch of rows as columns (see the module doc for the text layout).
#[derive(Debug, Default)]
pub struct RowBatch {
    /// Entry ids (global numbering), ascending.
    pub ids: Vec<u32>,
    /// Index of the entry's file in the investigation (`files[file - first_file]` names it).
    pub file: Vec<u32>,
    /// 1-based line of the record's first line.
    pub line: Vec<u32>,
    /// Byte offset of the record in its file (exact below 2^53).
    pub offset: Vec<f64>,
    /// Record length in bytes.
    pub length: Vec<u32>,
    /// UTC nanoseconds; `i64::MIN` when the record has no timestamp.
    pub ts: Vec<i64>,
    /// OpenTelemetry severity number (0 = none).
    pub severity: Vec<u8>,
    /// Per row: bit c set when text column c has a value; `FIELDS_IN_RAW`.
    pub present: Vec<u16>,
    /// End offset of every cell in `text`, row-major.
    pub ends: Vec<u32>,
    pub text: Vec<u8>,
    /// Paths of the files `first_file..` this batch touches (rows are in file order).
    pub first_file: u32,
    pub files: Vec<String>,
    /// No entries of the scope after this batch.
    pub done: bool,
    /// Set when the batch is empty only because its first row's text alone exceeds
    /// `max_text`: the text bytes that row needs.
    pub need_text: usize,
}

impl RowBatch {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// Cursor for the next batch.
    pub fn last(&self) -> Option<u32> {
        self.ids.last().copied()
    }
    /// The text of a cell, `None` when absent (tests and debugging).
    pub fn cell(&self, row: usize, col: usize) -> Option<&str> {
        let k = row * NCOLS + col;
        if self.present[row] & (1 << col) == 0 {
            return None;
        }
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        std::str::from_utf8(&self.text[start..self.ends[k] as usize]).ok()
    }
    /// Column number of a text column name.
    pub fn column(name: &str) -> Option<usize> {
        TEXT_COLUMNS.iter().position(|c| *c == name)
    }
}

/// Appends bytes as UTF-8 (invalid sequences replaced, as everywhere else).
fn push_text(out: &mut Vec<u8>, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(_) => out.extend_from_slice(b),
        Err(_) => out.extend_from_slice(String::from_utf8_lossy(b).as_bytes()),
    }
}

/// The id columns' kinds, in column order.
const ID_KINDS: [IdKind; 6] =
    [IdKind::Thread, IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Parent, IdKind::Service];

/// The cells of the row being written.
struct Cells<'a> {
    text: &'a mut Vec<u8>,
    ends: &'a mut Vec<u32>,
    present: u16,
}

impl Cells<'_> {
    fn put(&mut self, col: usize, value: Option<&[u8]>) {
        if let Some(v) = value {
            push_text(self.text, v);
            self.present |= 1 << col;
        }
        self.ends.push(self.text.len() as u32);
    }
}

/// True when `line` is one JSON object: then it is the record's fields object as written.
fn is_json_object(line: &[u8]) -> bool {
    line.first() == Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// The next batch of the scope `q` after entry `after`. Rows hold what `Index::entry` gives
/// (same message decoding, level text, component, fields), as columns. The batch ends early
/// (not `done`) before a row whose text would take the block past `max_text` bytes: callers
/// that fill fixed buffers pass their size.
pub fn row_batch(ix: &Index, q: &Compiled, args: &RowArgs, max_text: usize, ctl: &Control) -> Result<RowBatch> {
    if args.limit == 0 || args.limit > MAX_ROWS {
        return Err(
            Error::new(Code::InvalidOption, format!("limit must be 1..={MAX_ROWS}, got {}", args.limit)).at("limit")
        );
    }
    let (ids, done) = search::next_page(ix, q, args.after_id, args.limit, ctl)?;
    let mut b = batch_of(ix, &ids, args.fields, true, max_text)?;
    // A batch cut short by `max_text` is never the last one.
    b.done = done && b.len() == ids.len();
    Ok(b)
}

/// The rows of entries `ids` (any order: the Parquet export passes them in time order), as
/// many as fit in `max_text` bytes of text; `done` is left false. `first_file`/`files` cover
/// the lowest to the highest file of the rows. Without `raw` the `raw` and `time` cells stay
/// absent (`fields` is never folded into `raw`): the Parquet export has the `ts` column and
/// no use for either (a time formatted per row would be work thrown away).
pub fn batch_of(ix: &Index, ids: &[u32], fields: bool, raw: bool, max_text: usize) -> Result<RowBatch> {
    let max_text = max_text.min(MAX_TEXT);
    let n = ids.len();
    let mut b = RowBatch {
        ids: Vec::with_capacity(n),
        file: Vec::with_capacity(n),
        line: Vec::with_capacity(n),
        offset: Vec::with_capacity(n),
        length: Vec::with_capacity(n),
        ts: Vec::with_capacity(n),
        severity: Vec::with_capacity(n),
        present: Vec::with_capacity(n),
        ends: Vec::with_capacity(n * NCOLS),
        text: Vec::with_capacity(n * 512),
        ..RowBatch::default()
    };
    // Line numbers are counted forward from the previous row when rows are consecutive (the
    // common case): `Index::line` would rescan up to 63 records from the last mark per row.
    let mut prev: Option<(u32, u32)> = None;
    let mut p = Parsed::default();
    let mut file = usize::MAX;
    for &e in ids {
        let (text_before, ends_before) = (b.text.len(), b.ends.len());
        if file == usize::MAX || !(ix.files[file].first..ix.files[file].first + ix.files[file].count).contains(&e) {
            file = ix.file_of(e);
            prev = None;
        }
        let f = &ix.files[file];
        let data = f.source.data();
        let ei = e as usize;
        let (s, end) = ix.record_range_in(f, e);
        let record = &data[s..end];
        let line = match prev {
            Some((pe, pl)) if pe + 1 == e => {
                let from = ix.cols.offset(pe as usize) as usize;
                pl + memchr::memchr_iter(b'\n', data.get(from..s).unwrap_or(&[])).count() as u32
            }
            _ => ix.line(e),
        };
        prev = Some((e, line));
        let nl = memchr::memchr(b'\n', record);
        let first =
            record[..nl.unwrap_or(record.len())].strip_suffix(b"\r").unwrap_or(&record[..nl.unwrap_or(record.len())]);
        p.reset();
        let reparsed = f.format.parse(first, &mut p);
        let flags = ix.cols.flags[ei];
        let ts = ix.cols.ts[ei];

        b.ids.push(e);
        b.file.push(file as u32);
        b.line.push(line);
        b.offset.push(ix.cols.offset(ei) as f64);
        b.length.push((end - s) as u32);
        b.ts.push(ts);
        b.severity.push(ix.cols.level[ei]);
        let mut c = Cells { text: &mut b.text, ends: &mut b.ends, present: 0 };
        let time_text = (raw && ts != NO_TS).then(|| time::format_ns(ts));
        c.put(C_TIME, time_text.as_deref().map(str::as_bytes));
        c.put(C_LEVEL_TEXT, if reparsed { p.level_text.map(|sp| sp.slice(first)) } else { None });
        // The message, decoded like `Index::message`.
        let (ms, ml) = if flags & FLAG_MSG_LONG == 0 {
            (ix.cols.msg_start[ei] as usize, ix.cols.msg_len[ei] as usize)
        } else if reparsed {
            (p.message.start as usize, p.message.len as usize)
        } else {
            (0, first.len())
        };
        let msg = record.get(ms..ms + ml).unwrap_or(&[]);
        if flags & FLAG_MSG_ESCAPED != 0 {
            c.put(C_MESSAGE, Some(json::unescape(msg).as_bytes()));
        } else {
            c.put(C_MESSAGE, Some(msg));
        }
        for (k, kind) in ID_KINDS.into_iter().enumerate() {
            let id = ix.id(kind, e);
            let name = (id != 0).then(|| ix.id_name(kind, id));
            c.put(C_IDS + k, name.as_deref());
        }
        c.put(C_COMPONENT, if reparsed { p.component.map(|sp| sp.slice(first)) } else { None });
        c.put(C_RAW, raw.then_some(record));
        if !fields {
            c.put(C_FIELDS, None);
        } else if raw
            && f.format.kind == FormatKind::Json
            && flags & FLAG_EMBEDDED == 0
            && nl.is_none()
            && is_json_object(record)
        {
            c.present |= FIELDS_IN_RAW;
            c.put(C_FIELDS, None);
        } else {
            let m = ix.fields(e);
            serde_json::to_writer(&mut *c.text, &m)
                .map_err(|err| Error::new(Code::Internal, format!("cannot serialize fields: {err}")))?;
            c.present |= 1 << C_FIELDS;
            c.ends.push(c.text.len() as u32);
        }
        let present = c.present;
        b.present.push(present);
        if b.text.len() > max_text {
            // Roll the row back: it goes first into the next batch.
            if b.ids.len() == 1 {
                if max_text >= MAX_TEXT {
                    // No buffer can hold it: say so rather than end the scope early.
                    return Err(Error::new(
                        Code::Io,
                        format!(
                            "entry {e} holds {} bytes of text, more than a batch can carry ({MAX_TEXT})",
                            b.text.len()
                        ),
                    ));
                }
                b.need_text = b.text.len();
            }
            b.text.truncate(text_before);
            b.ends.truncate(ends_before);
            for v in [&mut b.ids, &mut b.file, &mut b.line, &mut b.length] {
                v.pop();
            }
            b.offset.pop();
            b.ts.pop();
            b.severity.pop();
            b.present.pop();
            break;
        }
    }
    if let (Some(lo), Some(hi)) = (b.file.iter().min(), b.file.iter().max()) {
        b.first_file = *lo;
        b.files = (*lo..=*hi).map(|f| ix.files[f as usize].source.path.clone()).collect();
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{self, Control, OpenOptions};
    use crate::query::Query;
    use crate::source::Source;

    fn index_of(name: &str, text: &str) -> Index {
        let src = Source::from_bytes(name, text.as_bytes().to_vec()).unwrap();
        indexer::build(vec![src], &OpenOptions::default(), &Control::default()).unwrap()
    }

    fn all(ix: &Index, q: Query, limit: usize, fields: bool) -> Vec<RowBatch> {
        let q = Compiled::new(q, ix).unwrap();
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let b =
                row_batch(ix, &q, &RowArgs { after_id: after, limit, fields }, MAX_TEXT, &Control::default()).unwrap();
            after = b.last();
            let done = b.done;
            out.push(b);
            if done || after.is_none() {
                return out;
            }
        }
    }

    const JSON: &str = concat!(
        r#"{"time":"2024-01-01T00:00:00.123Z","level":"warn","msg":"caf\u00e9 \"x\"","thread":"t1","trace_id":"tr","logger":"db","n":1}"#,
        "\n",
        r#"{"time":"2024-01-01T00:00:01Z","level":"error","msg":"boom","request_id":"r-1"}"#,
        "\n",
        "  an indented continuation line\n",
        r#"{"time":"2024-01-01T00:00:02Z","level":"info","msg":"last","span_id":"s1","parent_span_id":"s0","service":"api"}"#,
        "\n",
    );

    #[test]
    fn batch_cells_equal_materialized_entries() {
        let ix = index_of("a.jsonl", JSON);
        for limit in [1, 2, 3, 10] {
            let batches = all(&ix, Query::default(), limit, true);
            let mut row_count = 0;
            for b in &batches {
                assert!(b.len() <= limit);
                assert_eq!(b.ends.len(), b.len() * NCOLS);
                for r in 0..b.len() {
                    let e = ix.entry(b.ids[r], true);
                    row_count += 1;
                    assert_eq!(b.line[r], e.line);
                    assert_eq!(b.offset[r] as u64, e.offset);
                    assert_eq!(b.length[r], e.length);
                    assert_eq!(b.severity[r], e.severity);
                    assert_eq!((b.ts[r] != NO_TS).then_some(b.ts[r]), e.timestamp_ns);
                    assert_eq!(b.files[(b.file[r] - b.first_file) as usize], e.file);
                    assert_eq!(b.cell(r, C_TIME), e.time.as_deref());
                    assert_eq!(b.cell(r, C_LEVEL_TEXT), e.level_text.as_deref());
                    assert_eq!(b.cell(r, C_MESSAGE), Some(e.message.as_str()));
                    assert_eq!(b.cell(r, C_IDS), e.thread.as_deref());
                    assert_eq!(b.cell(r, C_IDS + 1), e.request.as_deref());
                    assert_eq!(b.cell(r, C_IDS + 2), e.trace.as_deref());
                    assert_eq!(b.cell(r, C_IDS + 3), e.span.as_deref());
                    assert_eq!(b.cell(r, C_IDS + 4), e.parent_span.as_deref());
                    assert_eq!(b.cell(r, C_IDS + 5), e.service.as_deref());
                    assert_eq!(b.cell(r, C_COMPONENT), e.component.as_deref());
                    assert_eq!(b.cell(r, C_RAW), Some(e.raw.as_str()));
                    let fields_text = if b.present[r] & FIELDS_IN_RAW != 0 {
                        assert_eq!(b.cell(r, C_FIELDS), None);
                        b.cell(r, C_RAW).unwrap()
                    } else {
                        b.cell(r, C_FIELDS).unwrap()
                    };
                    let parsed: serde_json::Value = serde_json::from_str(fields_text).unwrap();
                    assert_eq!(parsed, serde_json::Value::Object(e.fields.unwrap()));
                }
            }
            assert_eq!(row_count, ix.len());
            assert!(
                batches.last().unwrap().done,
                "limit {limit}: {:?}",
                batches.iter().map(|b| (b.ids.clone(), b.done)).collect::<Vec<_>>()
            );
        }
        // One-line JSON records keep their own text as fields; the record with a continuation
        // line (the plain line) gets the object of its first line.
        assert_eq!(ix.len(), 3);
        let b = &all(&ix, Query::default(), 10, true)[0];
        assert_eq!(b.present[0] & FIELDS_IN_RAW, FIELDS_IN_RAW);
        assert_eq!(b.present[1] & FIELDS_IN_RAW, 0);
        assert!(b.cell(1, C_FIELDS).unwrap().contains("r-1"));
        assert_eq!(b.cell(0, C_MESSAGE), Some("café \"x\""));
    }

    #[test]
    fn query_scope_and_cursor() {
        let ix = index_of("a.jsonl", JSON);
        let q = Query { min_level: Some("warn".into()), ..Query::default() };
        let batches = all(&ix, q, 1, false);
        let ids: Vec<u32> = batches.iter().flat_map(|b| b.ids.clone()).collect();
        assert_eq!(ids, vec![0, 1]);
        assert_eq!(batches.last().map(|b| b.done), Some(true));
        // Without `fields`, the column is absent everywhere.
        assert!(batches.iter().all(|b| b.present.iter().all(|p| p & (FIELDS_IN_RAW | 1 << C_FIELDS) == 0)));
    }

    #[test]
    fn multiline_records_count_lines_and_bad_limit_is_an_error() {
        let text = "2024-01-01 00:00:00 INFO one\n  more\n  more\n2024-01-01 00:00:01 WARN two\n\n2024-01-01 00:00:02 ERROR three\n";
        let ix = index_of("a.log", text);
        let b = &all(&ix, Query::default(), 10, true)[0];
        let lines: Vec<u32> = (0..ix.len() as u32).map(|e| ix.line(e)).collect();
        assert_eq!(b.line, lines);
        assert_eq!(b.line, vec![1, 4, 6]);
        let q = Compiled::new(Query::default(), &ix).unwrap();
        let err =
            row_batch(&ix, &q, &RowArgs { after_id: None, limit: 0, fields: false }, MAX_TEXT, &Control::default())
                .unwrap_err();
        assert_eq!(err.code, Code::InvalidOption);
        let cancelled = Control::default();
        cancelled.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        let err = row_batch(&ix, &q, &RowArgs { after_id: None, limit: 10, fields: false }, MAX_TEXT, &cancelled)
            .unwrap_err();
        assert_eq!(err.code, Code::Cancelled);
    }

    #[test]
    fn a_text_budget_ends_the_batch_before_the_row_that_does_not_fit() {
        let ix = index_of("a.jsonl", JSON);
        let q = Compiled::new(Query::default(), &ix).unwrap();
        let args = |after| RowArgs { after_id: after, limit: 10, fields: false };
        let whole = row_batch(&ix, &q, &args(None), MAX_TEXT, &Control::default()).unwrap();
        let first_row = whole.ends[NCOLS - 1] as usize;
        let b = row_batch(&ix, &q, &args(None), first_row + 1, &Control::default()).unwrap();
        assert_eq!((b.len(), b.done, b.need_text), (1, false, 0));
        assert_eq!(b.text.len(), first_row);
        assert_eq!(b.ends.len(), NCOLS);
        let b = row_batch(&ix, &q, &args(None), 10, &Control::default()).unwrap();
        assert_eq!((b.len(), b.done, b.need_text), (0, false, first_row));
        // The rest comes in later batches, nothing lost.
        let next = row_batch(&ix, &q, &args(Some(0)), MAX_TEXT, &Control::default()).unwrap();
        assert_eq!(next.ids, vec![1, 2]);
    }
}
