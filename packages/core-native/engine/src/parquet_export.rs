//! The `exportParquet` op: the entries of a scope written as Parquet files in the
//! OpenTelemetry log model (`parquet_read::SCHEMA`, the ClickHouse exporter's `otel_logs`
//! columns plus logsift's own), zstd-compressed, in row groups of bounded size sorted by time,
//! optionally one file series per hour or day.
//!
//! Why the low-level column writer and no arrow: the index already holds columns; a row group
//! is filled straight from a row batch (`ops::rows::batch_of`) into typed value vectors, and
//! arrow would only add an intermediate copy and minutes of compile time.
//!
//! Time order without materializing the rows: the scope is split into its files' runs (each in
//! file order, which is almost always time order) and merged by a heap on each run's carried
//! timestamp (a record without one takes its predecessor's, as `ops::time_order` does), then
//! through a bounded reorder window (`REORDER` entries) that puts a file's local disorder back
//! in order; every row group is also sorted on its own.
//!
//! Both cores: the merge hands row groups out in turn to `workers` threads, each of which reads
//! the rows of its group and encodes and compresses every column chunk into memory; the
//! writer takes the encoded groups back in the same turn (so in order, with no reorder
//! buffer) and appends them to the file. Memory is, per worker, one group being built plus
//! one queued each way (bounded channels), whatever the size of the scope.
//!
//! Crash safety: each file is written under a dot-name ending in `.tmp` and renamed to its
//! `.parquet` name once its footer is written, so a killed export leaves only complete
//! `.parquet` files (and at most one `.tmp`).

use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::level;
use crate::ops::rows::{self, RowBatch, C_COMPONENT, C_FIELDS, C_IDS, C_LEVEL_TEXT, C_MESSAGE, TEXT_COLUMNS};
use crate::parquet_read::SCHEMA;
use bytes::Bytes;
use parquet::basic::{Compression, ZstdLevel};
use parquet::column::writer::{get_column_writer, ColumnCloseResult, ColumnWriter};
use parquet::data_type::ByteArray;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesPtr};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnPath, SchemaDescriptor};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Arguments of `exportParquet` (beside the query that scopes the entries).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParquetArgs {
    /// The directory the files go to (created if missing; it must hold no `.parquet` file).
    pub out_dir: String,
    #[serde(default)]
    pub partition: Partition,
    /// Rows per row group (1..=1000000); memory grows with it.
    pub row_group_rows: Option<usize>,
    /// Fill `LogAttributes` with every parsed field of the record (the slow path).
    #[serde(default)]
    pub fields: bool,
}

pub const PARQUET_KEYS: &[&str] = &["outDir", "partition", "rowGroupRows", "fields"];

/// 16K rows: a row group and the one fetched behind it stay near 30 MB of RSS (65 536 rows
/// took 87 MB at 1M entries, over the 64 MB budget).
pub const DEFAULT_ROW_GROUP_ROWS: usize = 16_384;
pub const MAX_ROW_GROUP_ROWS: usize = 1_000_000;

/// zstd level 1: measured against 3 and -1 on 1M generated JSON entries
/// (`examples/parquet_timing.rs`, see the package README), the level with the best
/// rows per second for its size; higher levels cost more time than the bytes they save.
pub const ZSTD_LEVEL: i32 = 1;

/// The columns that keep min/max statistics: the ones a reader prunes row groups on (time,
/// level, service, line). Nearly unique strings (ids, bodies, paths, map entries) would cost
/// a byte comparison per value for bounds that prune nothing (it was 19% of the export).
const STATS_COLUMNS: [&str; 5] = ["Timestamp", "SeverityText", "SeverityNumber", "ServiceName", "Line"];
/// Columns without a dictionary: ids that are unique to a few rows and bodies that are nearly
/// all distinct, where the dictionary's hashing costs time and its page only grows the file.
const PLAIN_COLUMNS: [&str; 5] = ["TraceId", "SpanId", "Body", "RequestId", "ParentSpanId"];

/// One file series for the whole scope, or one per UTC hour or day.
#[derive(Deserialize, Debug, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Partition {
    #[default]
    None,
    Hour,
    Day,
}

impl Partition {
    /// The partition a (carried) timestamp falls in; `i64::MIN` for records before any time.
    fn key(self, ts: i64) -> i64 {
        const HOUR: i64 = 3_600_000_000_000;
        match (self, ts) {
            (Partition::None, _) => 0,
            (_, NO_TS) => i64::MIN,
            (Partition::Hour, t) => t.div_euclid(HOUR),
            (Partition::Day, t) => t.div_euclid(24 * HOUR),
        }
    }

    /// The file name stem of partition `key`: `logs`, `logs-2024-01-02`, `logs-2024-01-02T03`.
    fn stem(self, key: i64) -> String {
        const HOUR: i64 = 3_600_000_000_000;
        if self == Partition::None {
            return "logs".into();
        }
        if key == i64::MIN {
            return "logs-untimed".into();
        }
        let t = crate::time::format_ns(key * if self == Partition::Hour { HOUR } else { 24 * HOUR });
        // `2024-01-02T03:00:00.000Z` → `2024-01-02T03` / `2024-01-02`.
        let cut = if self == Partition::Hour { 13 } else { 10 };
        format!("logs-{}", &t[..cut.min(t.len())])
    }
}

/// One written file.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParquetFile {
    pub path: String,
    pub rows: u64,
    pub row_groups: u32,
    pub bytes: u64,
    /// Earliest and latest timestamp in the file (absent when no row has one).
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParquetResult {
    pub out_dir: String,
    pub rows: u64,
    pub row_groups: u64,
    pub bytes: u64,
    pub files: Vec<ParquetFile>,
}

fn invalid(what: &str, message: String) -> Error {
    Error::new(Code::InvalidOption, message).at(what)
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    let p = path.display().to_string();
    Error::new(Code::Io, format!("cannot write {p}: {e}")).at(&p)
}

/// Writes the entries `scope` (ascending ids) of `ix` as Parquet files into `a.out_dir`.
pub fn export(ix: &Index, scope: &[u32], a: &ParquetArgs, ctl: &Control) -> Result<ParquetResult> {
    export_at(ix, scope, a, ZSTD_LEVEL, ctl)
}

/// `export` at another zstd level (the measurement that chose `ZSTD_LEVEL`).
pub fn export_at(ix: &Index, scope: &[u32], a: &ParquetArgs, zstd_level: i32, ctl: &Control) -> Result<ParquetResult> {
    let rg_rows = a.row_group_rows.unwrap_or(DEFAULT_ROW_GROUP_ROWS);
    if rg_rows == 0 || rg_rows > MAX_ROW_GROUP_ROWS {
        return Err(invalid("rowGroupRows", format!("rowGroupRows must be 1..={MAX_ROW_GROUP_ROWS}, got {rg_rows}")));
    }
    let level = ZstdLevel::try_new(zstd_level).map_err(|e| invalid("zstdLevel", e.to_string()))?;
    let dir = PathBuf::from(&a.out_dir);
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    let listing = std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))?;
    for entry in listing.flatten() {
        if entry.file_name().to_string_lossy().ends_with(".parquet") {
            return Err(invalid(
                "outDir",
                format!("{} already holds Parquet files: export into an empty directory", dir.display()),
            ));
        }
    }
    ctl.total.store(scope.len() as u64, Ordering::Relaxed);
    ctl.done.store(0, Ordering::Relaxed);
    let schema = Arc::new(
        parquet::schema::parser::parse_message_type(SCHEMA).map_err(|e| Error::new(Code::Internal, e.to_string()))?,
    );
    let descr = SchemaDescriptor::new(schema.clone());
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(Some(rg_rows))
        .set_statistics_enabled(EnabledStatistics::None)
        .set_created_by(format!("logsift {}", env!("CARGO_PKG_VERSION")));
    for name in STATS_COLUMNS {
        props = props.set_column_statistics_enabled(ColumnPath::from(name), EnabledStatistics::Chunk);
    }
    for name in PLAIN_COLUMNS {
        props = props.set_column_dictionary_enabled(ColumnPath::from(name), false);
    }
    let props = Arc::new(props.build());
    let files: Vec<ByteArray> =
        ix.files.iter().map(|f| ByteArray::from(Bytes::from(f.source.path.clone().into_bytes()))).collect();
    let enc = Encoder { ix, descr: &descr, props: &props, files: &files, fields: a.fields };

    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let mut out =
        Output { dir, schema, props: props.clone(), partition: a.partition, open: None, done: Vec::new(), seq: 0 };
    let res = std::thread::scope(|s| {
        let mut jobs: Vec<SyncSender<(i64, Vec<u32>)>> = Vec::new();
        let mut results: Vec<Receiver<Result<Encoded>>> = Vec::new();
        for _ in 0..workers {
            let (job_tx, job_rx) = sync_channel::<(i64, Vec<u32>)>(1);
            let (res_tx, res_rx) = sync_channel::<Result<Encoded>>(1);
            jobs.push(job_tx);
            results.push(res_rx);
            let enc = &enc;
            s.spawn(move || {
                for (key, ids) in job_rx.iter() {
                    let r = enc.encode(key, ids);
                    let stop = r.is_err();
                    // A closed channel means the writer stopped (error or cancel): so do we.
                    if res_tx.send(r).is_err() || stop {
                        return;
                    }
                }
            });
        }
        // The merge deals groups to the workers in turn; dropping `jobs` at its end ends them.
        s.spawn(move || {
            let mut merge = TimeMerge::new(ix, scope);
            let mut turn = 0;
            while let Some(group) = merge.next_group(a.partition, rg_rows) {
                if ctl.cancel.load(Ordering::Relaxed) || jobs[turn].send(group).is_err() {
                    return;
                }
                turn = (turn + 1) % jobs.len();
            }
        });
        // Taken back in the same turn: the groups come in merge order. A worker whose channel
        // closes at its turn got no further group, and neither did any other.
        let results = results;
        let mut rows_done = 0u64;
        let mut turn = 0;
        while let Ok(g) = results[turn].recv() {
            turn = (turn + 1) % results.len();
            let g = g?;
            if ctl.cancel.load(Ordering::Relaxed) {
                return Err(Error::new(Code::Cancelled, "the export was cancelled"));
            }
            // Never write rows read from a file truncated or rewritten meanwhile.
            ix.check_sources()?;
            for rg in g.row_groups {
                rows_done += rg.rows;
                out.write_group(g.key, rg)?;
            }
            ctl.done.store(rows_done, Ordering::Relaxed);
        }
        if ctl.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "the export was cancelled"));
        }
        Ok(())
    });
    // On any failure, the file being written is removed: only complete files stay.
    if let Err(e) = res.and_then(|_| out.finish()) {
        out.abandon();
        return Err(e);
    }
    Ok(ParquetResult {
        out_dir: a.out_dir.clone(),
        rows: out.done.iter().map(|f| f.rows).sum(),
        row_groups: out.done.iter().map(|f| f.row_groups as u64).sum(),
        bytes: out.done.iter().map(|f| f.bytes).sum(),
        files: out.done,
    })
}

/// What a worker needs to turn a group of entries into encoded column chunks.
struct Encoder<'a> {
    ix: &'a Index,
    descr: &'a SchemaDescriptor,
    props: &'a WriterPropertiesPtr,
    files: &'a [ByteArray],
    fields: bool,
}

/// A group of one partition, encoded: usually one row group (more when its text outgrew a
/// batch).
struct Encoded {
    key: i64,
    row_groups: Vec<EncodedRowGroup>,
}

/// One row group's column chunks, encoded and compressed, in schema order.
struct EncodedRowGroup {
    chunks: Vec<(Bytes, ColumnCloseResult)>,
    rows: u64,
    /// Earliest and latest timestamp (`i64::MAX`/`i64::MIN` when no row has one).
    from: i64,
    to: i64,
}

impl Encoder<'_> {
    fn encode(&self, key: i64, mut ids: Vec<u32>) -> Result<Encoded> {
        let mut row_groups = Vec::new();
        while !ids.is_empty() {
            let mut b = rows::batch_of(self.ix, &ids, self.fields, false, rows::MAX_TEXT)?;
            let n = b.len();
            if n == 0 {
                // batch_of takes at least one row (a row too large for any batch is its own
                // error): an empty batch here would drop the rest of the group silently.
                return Err(Error::new(
                    Code::Internal,
                    format!("no row of {} could be read for a row group", ids.len()),
                ));
            }
            let (mut from, mut to) = (i64::MAX, i64::MIN);
            for &t in b.ts.iter().filter(|&&t| t != NO_TS) {
                from = from.min(t);
                to = to.max(t);
            }
            let cols = Columns::of(&mut b, self.files, self.fields);
            drop(b);
            let chunks = (0..self.descr.num_columns())
                .map(|leaf| self.chunk(&cols, leaf))
                .collect::<parquet::errors::Result<Vec<_>>>()
                .map_err(|e| Error::new(Code::Internal, format!("cannot encode a Parquet column: {e}")))?;
            row_groups.push(EncodedRowGroup { chunks, rows: n as u64, from, to });
            // The batch stopped at its text budget: the rest of the group follows.
            ids.drain(..n);
        }
        Ok(Encoded { key, row_groups })
    }

    /// Leaf `leaf` of the row group, encoded into memory (the file writer appends it).
    fn chunk(&self, cols: &Columns, leaf: usize) -> parquet::errors::Result<(Bytes, ColumnCloseResult)> {
        let mut sink = TrackedWrite::new(Vec::new());
        let close = {
            let pages = Box::new(SerializedPageWriter::new(&mut sink));
            let mut w = get_column_writer(self.descr.column(leaf), self.props.clone(), pages);
            cols.write_leaf(leaf, &mut w)?;
            w.close()?
        };
        Ok((Bytes::from(sink.into_inner()?), close))
    }
}

/// The scope in time order: a heap merge of the files' runs on their carried timestamps.
struct TimeMerge<'a> {
    ix: &'a Index,
    runs: Vec<&'a [u32]>,
    /// (carried ts, entry, run, position in run); carried per run.
    heap: BinaryHeap<Reverse<(i64, u32, usize, usize)>>,
    carry: Vec<i64>,
    /// Merged entries not yet given out, earliest first (see `pop`).
    window: BinaryHeap<Reverse<(i64, u32)>>,
    /// Popped but not yet placed: the first entry of the next partition.
    pending: Option<(i64, u32)>,
}

/// Entries held back to put a source that is locally out of order back in order: 12 bytes
/// each, 768 KiB in all. Sources are in time order within a few records (a request logged
/// when it ends with the time it started); farther disorder stays sorted within row groups.
const REORDER: usize = 65_536;

impl<'a> TimeMerge<'a> {
    fn new(ix: &'a Index, scope: &'a [u32]) -> Self {
        let mut runs = Vec::new();
        for f in &ix.files {
            let lo = scope.partition_point(|&e| e < f.first);
            let hi = scope.partition_point(|&e| e < f.first + f.count);
            if lo < hi {
                runs.push(&scope[lo..hi]);
            }
        }
        let mut m = TimeMerge {
            ix,
            carry: vec![NO_TS; runs.len()],
            runs,
            heap: BinaryHeap::new(),
            window: BinaryHeap::new(),
            pending: None,
        };
        for r in 0..m.runs.len() {
            m.push(r, 0);
        }
        m
    }

    fn push(&mut self, run: usize, pos: usize) {
        if let Some(&e) = self.runs[run].get(pos) {
            let t = self.ix.cols.ts[e as usize];
            if t != NO_TS {
                self.carry[run] = t;
            }
            self.heap.push(Reverse((self.carry[run], e, run, pos)));
        }
    }

    /// The next entry of the runs' merge (each run in its own order).
    fn merged(&mut self) -> Option<(i64, u32)> {
        let Reverse((t, e, run, pos)) = self.heap.pop()?;
        self.push(run, pos + 1);
        Some((t, e))
    }

    /// The next entry in time order: the earliest of a window of `REORDER` merged entries, so
    /// a source out of order by fewer entries than that still comes out in order.
    fn pop(&mut self) -> Option<(i64, u32)> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        while self.window.len() < REORDER {
            match self.merged() {
                Some(x) => self.window.push(Reverse(x)),
                None => break,
            }
        }
        self.window.pop().map(|Reverse(x)| x)
    }

    /// Up to `max` entries of one partition, sorted by (carried time, id).
    fn next_group(&mut self, partition: Partition, max: usize) -> Option<(i64, Vec<u32>)> {
        let (t0, e0) = self.pop()?;
        let key = partition.key(t0);
        let mut keyed = Vec::with_capacity(max.min(self.ix.len()));
        keyed.push((t0, e0));
        while keyed.len() < max {
            let Some((t, e)) = self.pop() else { break };
            if partition.key(t) != key {
                self.pending = Some((t, e));
                break;
            }
            keyed.push((t, e));
        }
        // Runs are merged in order; a file that is not itself in time order is put in order
        // within the row group.
        keyed.sort_unstable();
        Some((key, keyed.into_iter().map(|(_, e)| e).collect()))
    }
}

/// The file being written and those done.
struct Output {
    dir: PathBuf,
    schema: parquet::schema::types::TypePtr,
    props: WriterPropertiesPtr,
    partition: Partition,
    open: Option<OpenFile>,
    done: Vec<ParquetFile>,
    seq: u32,
}

struct OpenFile {
    key: i64,
    tmp: PathBuf,
    path: PathBuf,
    w: SerializedFileWriter<BufWriter<File>>,
    rows: u64,
    row_groups: u32,
    from: i64,
    to: i64,
}

impl Output {
    fn write_group(&mut self, key: i64, g: EncodedRowGroup) -> Result<()> {
        if self.open.as_ref().is_some_and(|f| f.key != key) {
            self.finish()?;
        }
        if self.open.is_none() {
            let name = format!("{}-{:05}.parquet", self.partition.stem(key), self.seq);
            self.seq += 1;
            let path = self.dir.join(&name);
            let tmp = self.dir.join(format!(".{name}.tmp"));
            let file = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
            let w = SerializedFileWriter::new(
                BufWriter::with_capacity(1 << 20, file),
                self.schema.clone(),
                self.props.clone(),
            )
            .map_err(|e| io_err(&tmp, e))?;
            self.open = Some(OpenFile { key, tmp, path, w, rows: 0, row_groups: 0, from: i64::MAX, to: i64::MIN });
        }
        let f = self.open.as_mut().expect("opened above");
        f.from = f.from.min(g.from);
        f.to = f.to.max(g.to);
        let append = |w: &mut SerializedFileWriter<BufWriter<File>>| -> parquet::errors::Result<()> {
            let mut rg = w.next_row_group()?;
            for (bytes, close) in g.chunks {
                rg.append_column(&bytes, close)?;
            }
            rg.close()?;
            Ok(())
        };
        append(&mut f.w).map_err(|e| io_err(&f.tmp, e))?;
        f.rows += g.rows;
        f.row_groups += 1;
        Ok(())
    }

    /// Closes the open file (footer) and gives it its name.
    fn finish(&mut self) -> Result<()> {
        let Some(f) = self.open.take() else { return Ok(()) };
        let inner = f.w.into_inner().map_err(|e| io_err(&f.tmp, e))?;
        let file = inner.into_inner().map_err(|e| io_err(&f.tmp, e.error()))?;
        drop(file);
        std::fs::rename(&f.tmp, &f.path).map_err(|e| io_err(&f.path, e))?;
        let bytes = std::fs::metadata(&f.path).map_err(|e| io_err(&f.path, e))?.len();
        let time = |t: i64| (t != i64::MAX && t != i64::MIN).then(|| crate::time::format_ns(t));
        self.done.push(ParquetFile {
            path: f.path.display().to_string(),
            rows: f.rows,
            row_groups: f.row_groups,
            bytes,
            from: time(f.from),
            to: time(f.to),
        });
        Ok(())
    }

    fn abandon(&mut self) {
        if let Some(f) = self.open.take() {
            let tmp = f.tmp.clone();
            drop(f);
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// A map column's leaves: keys and values with their definition and repetition levels.
#[derive(Default)]
struct MapCol {
    keys: Vec<ByteArray>,
    values: Vec<ByteArray>,
    def: Vec<i16>,
    rep: Vec<i16>,
}

impl MapCol {
    /// One row's entries (none: an empty map, still one level).
    fn push_row(&mut self, entries: impl IntoIterator<Item = (ByteArray, ByteArray)>) {
        let mut first = true;
        for (k, v) in entries {
            self.keys.push(k);
            self.values.push(v);
            self.def.push(1);
            self.rep.push(if first { 0 } else { 1 });
            first = false;
        }
        if first {
            self.def.push(0);
            self.rep.push(0);
        }
    }
}

/// One row group's column values, in schema order.
struct Columns {
    ts: Vec<i64>,
    ts_def: Vec<i16>,
    /// TraceId, SpanId, SeverityText in a row.
    strings: [Vec<ByteArray>; 3],
    severity: Vec<i32>,
    service: Vec<ByteArray>,
    body: Vec<ByteArray>,
    resource: MapCol,
    scope: Vec<ByteArray>,
    attrs: MapCol,
    file: Vec<ByteArray>,
    line: Vec<i32>,
    /// ThreadId, RequestId, ParentSpanId.
    ids: [Vec<ByteArray>; 3],
}

impl Columns {
    /// Takes the batch's text block (the cells become slices of it, no copy per cell).
    fn of(b: &mut RowBatch, files: &[ByteArray], fields: bool) -> Columns {
        let n = b.len();
        let text = Bytes::from(std::mem::take(&mut b.text));
        let b = &*b;
        let ncols = TEXT_COLUMNS.len();
        let cell = |row: usize, col: usize| -> Option<ByteArray> {
            if b.present[row] & (1 << col) == 0 {
                return None;
            }
            let k = row * ncols + col;
            let start = if k == 0 { 0 } else { b.ends[k - 1] as usize };
            Some(ByteArray::from(text.slice(start..b.ends[k] as usize)))
        };
        let empty = ByteArray::from(Bytes::new());
        let levels: Vec<ByteArray> = [0u8, 1, 5, 9, 13, 17, 21]
            .iter()
            .map(|&s| ByteArray::from(Bytes::from_static(level::name(s).as_bytes())))
            .collect();
        let level_name = |sev: u8| levels[(sev as usize).div_ceil(4).min(6)].clone();
        let service_key = ByteArray::from(Bytes::from_static(b"service.name"));
        let mut c = Columns {
            ts: Vec::with_capacity(n),
            ts_def: Vec::with_capacity(n),
            strings: [Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n)],
            severity: Vec::with_capacity(n),
            service: Vec::with_capacity(n),
            body: Vec::with_capacity(n),
            resource: MapCol::default(),
            scope: Vec::with_capacity(n),
            attrs: MapCol::default(),
            file: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            ids: [Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n)],
        };
        let or_empty = |v: Option<ByteArray>| v.unwrap_or_else(|| empty.clone());
        for r in 0..n {
            let t = b.ts[r];
            c.ts_def.push(i16::from(t != NO_TS));
            if t != NO_TS {
                c.ts.push(t);
            }
            // thread, request, trace, span, parent, service from C_IDS on.
            c.strings[0].push(or_empty(cell(r, C_IDS + 2)));
            c.strings[1].push(or_empty(cell(r, C_IDS + 3)));
            let sev = b.severity[r];
            // The record's own level word; its severity's canonical name when it had none.
            c.strings[2].push(cell(r, C_LEVEL_TEXT).unwrap_or_else(|| {
                if sev == 0 {
                    empty.clone()
                } else {
                    level_name(sev)
                }
            }));
            c.severity.push(i32::from(sev));
            let service = cell(r, C_IDS + 5);
            c.resource.push_row(service.clone().map(|s| (service_key.clone(), s)));
            c.service.push(or_empty(service));
            c.body.push(or_empty(cell(r, C_MESSAGE)));
            c.scope.push(or_empty(cell(r, C_COMPONENT)));
            if fields {
                c.attrs.push_row(attributes(b, r, &text, ncols));
            } else {
                c.attrs.push_row(None);
            }
            c.file.push(files[b.file[r] as usize].clone());
            c.line.push(b.line[r] as i32);
            c.ids[0].push(or_empty(cell(r, C_IDS)));
            c.ids[1].push(or_empty(cell(r, C_IDS + 1)));
            c.ids[2].push(or_empty(cell(r, C_IDS + 4)));
        }
        c
    }

    /// Writes the values of leaf `leaf` (schema order) into its column writer.
    fn write_leaf(&self, leaf: usize, w: &mut ColumnWriter<'_>) -> parquet::errors::Result<()> {
        match (leaf, w) {
            (0, ColumnWriter::Int64ColumnWriter(w)) => w.write_batch(&self.ts, Some(&self.ts_def), None).map(drop),
            (4, ColumnWriter::Int32ColumnWriter(w)) => w.write_batch(&self.severity, None, None).map(drop),
            (13, ColumnWriter::Int32ColumnWriter(w)) => w.write_batch(&self.line, None, None).map(drop),
            (7 | 8 | 10 | 11, ColumnWriter::ByteArrayColumnWriter(w)) => {
                let m = if leaf < 10 { &self.resource } else { &self.attrs };
                let v = if leaf % 3 == 1 { &m.keys } else { &m.values };
                w.write_batch(v, Some(&m.def), Some(&m.rep)).map(drop)
            }
            (1..=16, ColumnWriter::ByteArrayColumnWriter(w)) => {
                let v = match leaf {
                    1 => &self.strings[0],
                    2 => &self.strings[1],
                    3 => &self.strings[2],
                    5 => &self.service,
                    6 => &self.body,
                    9 => &self.scope,
                    12 => &self.file,
                    14 => &self.ids[0],
                    15 => &self.ids[1],
                    _ => &self.ids[2],
                };
                w.write_batch(v, None, None).map(drop)
            }
            _ => Err(parquet::errors::ParquetError::General(format!(
                "leaf {leaf} of the export schema has no column of that type"
            ))),
        }
    }
}

/// A row's parsed fields as `LogAttributes`: strings as they are, other values as JSON text.
fn attributes(b: &RowBatch, r: usize, text: &Bytes, ncols: usize) -> Vec<(ByteArray, ByteArray)> {
    // Batches of this export carry no raw cells, so the fields are never folded into them.
    if b.present[r] & (1 << C_FIELDS) == 0 {
        return Vec::new();
    }
    let k = r * ncols + C_FIELDS;
    let start = if k == 0 { 0 } else { b.ends[k - 1] as usize };
    let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&text[start..b.ends[k] as usize]) else {
        return Vec::new();
    };
    m.into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (ByteArray::from(k.into_bytes()), ByteArray::from(v.into_bytes()))
        })
        .collect()
}
