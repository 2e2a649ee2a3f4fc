//! Building the index: detect each file's format on a sample, split the bytes into
//! newline-aligned chunks, parse the chunks in parallel (rayon), then merge them in order.
//! The merge makes the result identical to a serial build: ids are re-interned in chunk
//! order, and continuation lines at a chunk's start extend the previous chunk's last record.

use crate::bytes::ansi_len;
use crate::col::Col;
use crate::error::{Code, Error, Result};
use crate::fingerprint;
use crate::format::{self, continuation, otlp, Format, FormatKind, ParseCtx};
use crate::index::{
    interner_slot, Cached, Columns, FileIndex, Index, Interner, FLAG_EMBEDDED, FLAG_MSG_ESCAPED, FLAG_MSG_LONG,
    FLAG_MULTILINE, FLAG_YEAR_LESS, LINE_MARK, NO_TS,
};
use crate::record::{IdKind, Parsed, Span};
use crate::source::{self, Source};
use memchr::memchr;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// How to open inputs.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Force a format by name instead of detecting it.
    pub format: Option<String>,
    /// The zone of timestamps written without one.
    pub tz: crate::time::Tz,
    /// Year for timestamps that have none; default: each file's modification year.
    pub year: Option<i64>,
    /// Globs a directory walk keeps (file name or path).
    pub include: Vec<String>,
    /// Chunk size for the parallel build, in bytes.
    pub chunk_size: usize,
    /// Build serially (one chunk at a time, in order); used to check parallel == serial.
    pub serial: bool,
    /// Limits on reading the inputs (decompressed size).
    pub limits: source::ReadLimits,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            format: None,
            tz: crate::time::Tz::Fixed(0),
            year: None,
            include: Vec::new(),
            chunk_size: 4 << 20,
            serial: false,
            limits: Default::default(),
        }
    }
}

/// Progress and cancellation shared with the caller (possibly on another thread).
#[derive(Default)]
pub struct Control {
    pub cancel: AtomicBool,
    pub done: AtomicU64,
    pub total: AtomicU64,
}

impl Control {
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Error::new(Code::Cancelled, "open was cancelled"))
        } else {
            Ok(())
        }
    }
}

pub use crate::source::Skipped;

/// Whether a file a directory walk found may be left out (and listed in `skipped`) when it
/// cannot be opened: it vanished, is unreadable, is binary or is a broken archive. A file
/// the user named fails the open instead, as does a size limit the user set.
fn skippable(code: Code) -> bool {
    matches!(code, Code::NotFound | Code::PermissionDenied | Code::Io | Code::BinaryInput | Code::Decompress)
}

pub use crate::index::Sample;

/// Expands and opens paths (files, directories, globs), then indexes them.
pub fn open_paths(inputs: &[String], opts: &OpenOptions, ctl: &Control) -> Result<(Index, Vec<Skipped>)> {
    let (sources, skipped) = open_inputs(inputs, opts, ctl)?;
    Ok((build(sources, opts, ctl)?, skipped))
}

/// Expands paths (files, directories, globs) and opens the files to index; binary files
/// found in directories are skipped (named explicitly, they are an error).
pub fn open_inputs(inputs: &[String], opts: &OpenOptions, ctl: &Control) -> Result<(Vec<Source>, Vec<Skipped>)> {
    if inputs.is_empty() {
        return Err(Error::new(Code::NoInput, "no input given"));
    }
    let source::Expanded { found, mut skipped } = source::expand(inputs, &opts.include)?;
    let mut sources = Vec::new();
    for f in &found {
        ctl.check()?;
        let path = f.path.to_string_lossy().into_owned();
        let opened = Source::open(&path, &opts.limits).and_then(|src| {
            if source::looks_binary(src.data()) {
                // Zeros read from a file truncated meanwhile look binary: say what happened.
                src.check_readable()?;
                Err(Error::new(Code::BinaryInput, format!("{path} looks like binary data, not a log")).at(&path))
            } else {
                Ok(src)
            }
        });
        match opened {
            Ok(src) => sources.push(src),
            Err(e) if !f.explicit && skippable(e.code) => {
                let reason = if e.code == Code::BinaryInput { "binary data".into() } else { e.message };
                skipped.push(Skipped { path, code: e.code, reason });
            }
            Err(e) => return Err(e),
        }
    }
    if sources.is_empty() {
        let what = inputs.join(", ");
        return Err(Error::new(Code::NoInput, format!("no log files found in {what}")).at(what));
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((sources, skipped))
}

/// Indexes already opened sources, detecting each file's format on a sample (or building the
/// forced one).
pub fn build(sources: Vec<Source>, opts: &OpenOptions, ctl: &Control) -> Result<Index> {
    let forced = opts.format.as_deref().map(format::Spec::parse).transpose()?;
    let with_formats = sources
        .into_iter()
        .map(|src| {
            let (fmt, sample) = file_format(src.data(), opts, forced.as_ref(), src.mtime_ns, None);
            (fmt, sample, src)
        })
        .collect();
    build_formatted(with_formats, opts, ctl)
}

/// The format of a file's data (see `file_format`), without where its sample stopped.
pub fn format_of(data: &[u8], mtime_ns: i64, forced: Option<&format::Spec>, opts: &OpenOptions) -> Format {
    file_format(data, opts, forced, mtime_ns, None).0
}

/// Indexes sources whose formats are already known (a followed file keeps the format it was
/// detected with at the start, see `crate::watch`), with the sample each was learned from.
pub fn build_formatted(sources: Vec<(Format, Sample, Source)>, opts: &OpenOptions, ctl: &Control) -> Result<Index> {
    ctl.total.store(sources.iter().map(|(_, _, s)| s.data().len() as u64).sum(), Ordering::Relaxed);
    let mut index = Index {
        files: Vec::with_capacity(sources.len()),
        cols: Columns::default(),
        ids: Default::default(),
        line_marks: Default::default(),
        postings: Default::default(),
        ts_stats: Default::default(),
        pending: None,
    };
    let mut lines = FileLines::default();
    for (fmt, sample, src) in sources {
        ctl.check()?;
        let data = src.data();
        let first = index.cols.len() as u32;
        lines.first = None;
        let file_lines =
            index_file(data, sample.body_start, &fmt, opts, ctl, &mut index, &mut lines, (first as usize, 0))?;
        let count = index.cols.len() as u32 - first;
        let rows = first as usize..index.cols.len();
        roll_years(&mut index.cols, rows, opts.year.is_none().then_some(src.mtime_ns));
        let first_line = lines.first.unwrap_or(1);
        index.files.push(FileIndex {
            source: src,
            format: fmt,
            first,
            count,
            lines: file_lines,
            first_line,
            sample,
            cached: Cached::Off,
        });
    }
    finish(&mut index, lines, opts.serial, true);
    Ok(index)
}

/// The format of one file's data: forced by the options or detected on a sample spread over
/// it (`sample_spread`). `upto` limits the sample to the bytes a stored `Sample` says it was
/// drawn from: reopening a cached index, or extending it after an append, must find the same
/// format and layout as the build did (an append does not re-learn the layout).
pub fn file_format(
    data: &[u8],
    opts: &OpenOptions,
    forced: Option<&format::Spec>,
    mtime_ns: i64,
    upto: Option<usize>,
) -> (Format, Sample) {
    let ctx = ParseCtx { tz: opts.tz, year: opts.year.unwrap_or_else(|| year_of(mtime_ns)) };
    let body_start = if data.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let end = upto.unwrap_or(data.len()).clamp(body_start, data.len());
    let (lines, head_end) = sample_spread_to(&data[body_start..end]);
    let sample = Sample { body_start, end, reached_end: body_start + head_end >= data.len() };
    let fmt = match forced {
        Some(spec) => spec.build(&lines, ctx),
        None => format::detect(&lines, ctx),
    };
    (fmt, sample)
}

/// Extends a one-file index whose file has grown: `src` maps the file again, and its first
/// `old` bytes are those `prev` indexed (the caller checked that; `prev`'s own source is not
/// read). Only the new bytes are
/// parsed; the result is what a full build of `src` gives. None when the file cannot be
/// extended that way and must be re-indexed: its old data did not end with a complete line
/// (the last line may continue), its format sample read the whole old file (more lines could
/// change the detection), or year-less timestamps (their years are rolled over the whole file).
pub fn extend(
    prev: &Index,
    old: usize,
    src: Source,
    opts: &OpenOptions,
    ctl: &Control,
) -> Result<std::result::Result<Index, Source>> {
    let [pf] = &prev.files[..] else { return Ok(Err(src)) };
    // The old part is read below: a reopened index is trusted only once its checks passed.
    if !prev.trusted() {
        return Ok(Err(src));
    }
    let data = src.data();
    let appendable = pf.count > 0
        && prev.len() == pf.count as usize
        && old > 0
        && src.compression.is_none()
        && pf.source.compression.is_none()
        && data.len() > old
        && data.get(old - 1) == Some(&b'\n')
        && !pf.sample.reached_end
        && !prev.cols.flags.iter().any(|f| f & FLAG_YEAR_LESS != 0);
    if !appendable {
        return Ok(Err(src));
    }
    let forced = opts.format.as_deref().map(format::Spec::parse).transpose()?;
    let (fmt, sample) = file_format(data, opts, forced.as_ref(), src.mtime_ns, Some(pf.sample.end));
    ctl.total.store((data.len() - old) as u64, Ordering::Relaxed);
    let mut index = Index {
        files: Vec::with_capacity(1),
        cols: prev.cols.clone(),
        ids: prev.ids.clone(),
        line_marks: Default::default(),
        postings: Default::default(),
        ts_stats: Default::default(),
        pending: None,
    };
    let mut lines = FileLines { marks: prev.line_marks.to_vec(), first: Some(pf.first_line) };
    let old_rows = index.cols.len();
    let new_lines = index_file(data, old, &fmt, opts, ctl, &mut index, &mut lines, (0, pf.lines))?;
    if index.cols.flags[old_rows..].iter().any(|f| f & FLAG_YEAR_LESS != 0) {
        return Ok(Err(src));
    }
    let count = index.cols.len() as u32;
    index.files.push(FileIndex {
        source: src,
        format: fmt,
        first: 0,
        count,
        lines: new_lines,
        first_line: pf.first_line,
        sample,
        cached: Cached::Off,
    });
    index.extend_postings(prev, old_rows);
    finish(&mut index, lines, opts.serial, false);
    Ok(Ok(index))
}

/// One index of several one-file indexes (file after file), as `build` would make of their
/// sources: rows concatenated, ids re-interned in file order, line marks and postings redone.
pub fn concat(parts: Vec<Index>, serial: bool) -> Index {
    let mut index = Index {
        files: Vec::with_capacity(parts.len()),
        cols: Columns::default(),
        ids: Default::default(),
        line_marks: Default::default(),
        postings: Default::default(),
        ts_stats: Default::default(),
        pending: None,
    };
    let rows: usize = parts.iter().map(Index::len).sum();
    index.cols.reserve(rows);
    let mut marks = Vec::with_capacity(rows / LINE_MARK as usize + 1);
    for part in &parts {
        let base = index.cols.len();
        for g in (base.next_multiple_of(LINE_MARK as usize)..base + part.len()).step_by(LINE_MARK as usize) {
            marks.push(part.line((g - base) as u32));
        }
        index.cols.extend_rows(&part.cols);
    }
    // Ids: the same slots as the build's merge, each file's sealed interner in file order.
    run_merge_jobs(merge_jobs(&mut index), serial, |(slot, global, cols): &mut MergeJob| {
        let mut remap = Vec::new();
        for part in &parts {
            let local = &part.ids[*slot];
            remap.clear();
            remap.extend((0..local.count() as u32).map(|id| global.intern_from(local, id)));
            for (kind, col) in cols.iter_mut() {
                col.extend(part.cols.ids[*kind].iter().map(|&id| remap[id as usize]));
            }
        }
    });
    let mut first = 0;
    for part in parts {
        for mut f in part.files {
            f.first = first;
            first += f.count;
            index.files.push(f);
        }
    }
    finish(&mut index, FileLines { marks, first: None }, serial, true);
    index
}

/// The end of every build: line marks stored, columns trimmed, ids sealed, postings built
/// (unless already extended).
fn finish(index: &mut Index, lines: FileLines, serial: bool, postings: bool) {
    index.line_marks = lines.marks.into();
    index.cols.shrink_to_fit();
    if serial {
        index.ids.iter_mut().for_each(Interner::seal);
    } else {
        index.ids.par_iter_mut().for_each(Interner::seal);
    }
    if postings {
        index.build_postings(!serial);
    }
    release_free_memory();
}

/// Hands memory freed by the build's temporaries (per-chunk columns, local interners) back
/// to the OS, so that resident memory reflects what the index holds.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives year-less timestamps (all parsed in one assumed year) increasing years across New
/// Year: in file order, a stamp more than half a year before the previous year-less stamp
/// starts the next year (Dec 31 → Jan 1). With the year taken from the file's modification
/// time (`mtime_ns`), the years are then counted back so the last segment falls in that
/// year, and one more year back if the last stamp would still lie after the modification
/// time (a December log rotated in January). An explicit `year` option names the first
/// segment's year. Runs on the merged columns, so parallel and serial builds agree.
fn roll_years(cols: &mut Columns, rows: std::ops::Range<usize>, mtime_ns: Option<i64>) {
    const HALF_YEAR: i64 = 183 * 86_400 * crate::time::NS_PER_SEC;
    const SLACK: i64 = 86_400 * crate::time::NS_PER_SEC;
    let stamped = |r: &usize| cols.flags[*r] & FLAG_YEAR_LESS != 0 && cols.ts[*r] != NO_TS;
    // Years added to each row (segments are counted from 0), only when something rolls.
    let mut rollovers = 0i64;
    let mut prev = i64::MIN;
    for r in rows.clone().filter(stamped) {
        let t = cols.ts[r];
        if prev != i64::MIN && t < prev.saturating_sub(HALF_YEAR) {
            rollovers += 1;
        }
        prev = t;
    }
    let mut base = 0;
    if let Some(mtime) = mtime_ns {
        base = -rollovers;
        if prev != i64::MIN && mtime > 0 && add_years(prev, base) > mtime + SLACK {
            base -= 1;
        }
    }
    if rollovers == 0 && base == 0 {
        return;
    }
    let mut years = base;
    let mut prev = i64::MIN;
    for r in rows {
        if cols.flags[r] & FLAG_YEAR_LESS == 0 || cols.ts[r] == NO_TS {
            continue;
        }
        let t = cols.ts[r];
        if prev != i64::MIN && t < prev.saturating_sub(HALF_YEAR) {
            years += 1;
        }
        prev = t;
        cols.ts[r] = add_years(t, years);
    }
}

/// The same month, day and time of day `years` later (Feb 29 becomes Mar 1 off leap years);
/// unchanged when that instant is out of the i64 nanosecond range (after 2262).
fn add_years(ns: i64, years: i64) -> i64 {
    if years == 0 {
        return ns;
    }
    const DAY: i64 = 86_400 * crate::time::NS_PER_SEC;
    let (days, rest) = (ns.div_euclid(DAY), ns.rem_euclid(DAY));
    let (y, m, d) = crate::time::civil_from_days(days);
    crate::time::days_from_civil(y + years, m, d).checked_mul(DAY).and_then(|v| v.checked_add(rest)).unwrap_or(ns)
}

fn year_of(mtime_ns: i64) -> i64 {
    if mtime_ns <= 0 {
        return 1970;
    }
    crate::time::civil_from_days(mtime_ns / crate::time::NS_PER_SEC / 86_400).0
}

/// The sample a file's format and layout are learned from: its first 200 lines and 50 lines
/// from each of four windows spread over the rest (a layout can change after a restart, and
/// a head of start-up banners alone can mislead).
pub fn sample_spread(data: &[u8]) -> Vec<&[u8]> {
    sample_spread_to(data).0
}

/// `sample_spread`, and where its head (the first 200 lines) stopped: when that is the end of
/// the data, more data could change what is learned.
fn sample_spread_to(data: &[u8]) -> (Vec<&[u8]>, usize) {
    let (mut out, head_end) = sample_lines_to(data, 200);
    if head_end >= data.len() {
        return (out, head_end);
    }
    for k in 1..=4 {
        let at = head_end + (data.len() - head_end) * k / 5;
        // Start at the next line: `at` is inside one.
        let Some(nl) = memchr(b'\n', &data[at..]) else { break };
        out.extend(sample_lines(&data[at + nl + 1..], 50));
    }
    (out, head_end)
}

/// Up to `n` non-empty lines from the start of the data (CR stripped).
pub fn sample_lines(data: &[u8], n: usize) -> Vec<&[u8]> {
    sample_lines_to(data, n).0
}

/// `sample_lines`, and where the sample stopped (the bytes it read).
fn sample_lines_to(data: &[u8], n: usize) -> (Vec<&[u8]>, usize) {
    let mut out = Vec::with_capacity(n);
    let mut pos = 0;
    while pos < data.len() && out.len() < n && pos < (1 << 20) {
        let end = memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let line = trim_cr(&data[pos..end]);
        if !line.is_empty() {
            out.push(line);
        }
        pos = end + 1;
    }
    (out, pos.min(data.len()))
}

#[inline]
fn trim_cr(line: &[u8]) -> &[u8] {
    match line.last() {
        Some(b'\r') => &line[..line.len() - 1],
        _ => line,
    }
}

/// What one chunk produces, with chunk-local ids.
struct ChunkOut {
    cols: Columns,
    ids: [Interner; 6],
    /// 1-based line of each record, relative to the chunk.
    lines: Vec<u32>,
    /// Newlines in the chunk.
    newlines: u64,
    /// The chunk starts with continuation lines (before its first record): they extend the
    /// previous chunk's last record.
    leading: bool,
}

/// Newline-aligned chunk boundaries of `data[start..]`.
fn chunk_bounds(data: &[u8], start: usize, chunk: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    while s < data.len() {
        let mut e = (s + chunk).min(data.len());
        if e < data.len() {
            e = memchr(b'\n', &data[e..]).map_or(data.len(), |p| e + p + 1);
        }
        out.push((s, e));
        s = e;
    }
    out
}

/// Chunks parsed per batch, per thread: enough to keep every thread busy, few enough that
/// the chunks' own columns and interners stay a small part of the index.
const BATCH_PER_THREAD: usize = 2;

#[allow(clippy::too_many_arguments)]
fn index_file(
    data: &[u8],
    body_start: usize,
    fmt: &Format,
    opts: &OpenOptions,
    ctl: &Control,
    index: &mut Index,
    lines: &mut FileLines,
    (file_first, start_line): (usize, u64),
) -> Result<u64> {
    let bounds = chunk_bounds(data, body_start, opts.chunk_size.max(4096));
    let run = |&(s, e): &(usize, usize)| -> Result<ChunkOut> {
        ctl.check()?;
        let out = index_chunk(data, s, e, fmt);
        ctl.done.fetch_add((e - s) as u64, Ordering::Relaxed);
        Ok(out)
    };
    let parse = |batch: &[(usize, usize)]| -> Result<Vec<ChunkOut>> {
        if opts.serial {
            batch.iter().map(run).collect()
        } else {
            batch.par_iter().map(run).collect()
        }
    };
    // The chunks are parsed a batch at a time, and each batch is merged into the file's
    // columns and interners (then freed) while the next one is parsed: the build's peak is
    // the index plus two batches, not the index twice (all chunks' results, then the merged
    // columns).
    let per_batch = if opts.serial { 1 } else { BATCH_PER_THREAD * rayon::current_num_threads().max(1) };
    let mut merge = FileMerge { data, index, lines, file_first, line_base: start_line, serial: opts.serial };
    let mut batches = bounds.chunks(per_batch);
    let mut current = batches.next().map(|b| (b, parse(b)));
    while let Some((batch, outs)) = current {
        let outs = outs?;
        let next = batches.next();
        current = if opts.serial {
            merge.batch(batch, outs);
            next.map(|b| (b, parse(b)))
        } else {
            rayon::join(|| next.map(|b| (b, parse(b))), || merge.batch(batch, outs)).0
        };
    }
    let tail = data.len() > body_start && data.last() != Some(&b'\n');
    Ok(merge.line_base + u64::from(tail))
}

/// The merge of one file's chunk results, batch after batch, in chunk order.
struct FileMerge<'a> {
    data: &'a [u8],
    index: &'a mut Index,
    lines: &'a mut FileLines,
    /// The file's first row.
    file_first: usize,
    /// Lines before the next chunk.
    line_base: u64,
    serial: bool,
}

impl FileMerge<'_> {
    /// Appends a batch's rows and line marks, then its ids. A chunk that starts with
    /// continuation lines either extends the previous record or, at the very start of the
    /// file, becomes an orphan record of its own (its ids are all absent).
    fn batch(&mut self, bounds: &[(usize, usize)], outs: Vec<ChunkOut>) {
        let (index, data) = (&mut *self.index, self.data);
        let mut orphan = vec![false; outs.len()];
        for (chunk_no, out) in outs.iter().enumerate() {
            if out.leading {
                if index.cols.len() > self.file_first {
                    let last = index.cols.len() - 1;
                    index.cols.flags[last] |= FLAG_MULTILINE;
                } else {
                    let start = bounds[chunk_no].0;
                    let first_line = memchr(b'\n', &data[start..]).map_or(data.len() - start, |p| p);
                    let first_line = crate::bytes::trim_end_blank(&data[start..start + first_line]).len();
                    push_orphan(&mut index.cols, start as u64, first_line);
                    self.lines.note(index.cols.len() - 1, clamp_u32(self.line_base + 1));
                    orphan[chunk_no] = true;
                }
            }
            let base = index.cols.len();
            for (r, &l) in out.lines.iter().enumerate() {
                self.lines.note(base + r, clamp_u32(l as u64 + self.line_base));
            }
            index.cols.extend_rows(&out.cols);
            self.line_base += out.newlines;
        }
        merge_ids(index, &outs, &orphan, self.serial);
    }
}

/// Line bookkeeping of the build: the marks kept by the index, and the current file's first
/// record line.
#[derive(Default)]
struct FileLines {
    marks: Vec<u32>,
    first: Option<u32>,
}

impl FileLines {
    /// The line of global row `row` (rows are noted in order).
    #[inline]
    fn note(&mut self, row: usize, line: u32) {
        if row.is_multiple_of(LINE_MARK as usize) {
            self.marks.push(line);
        }
        if self.first.is_none() {
            self.first = Some(line);
        }
    }
}

/// One interner slot's merge: the slot, its global interner, and the id columns (by kind)
/// that hold its ids.
type MergeJob<'a> = (usize, &'a mut Interner, Vec<(usize, &'a mut Col<u32>)>);

/// Re-interns the chunks' local ids into the global interners and appends the id columns.
/// Each interner slot depends only on its own chunks' ids, in chunk order, so the slots are
/// merged in parallel (thread, request, trace, span + parent, service) and the ids come out
/// exactly as a serial build numbers them.
fn merge_ids(index: &mut Index, outs: &[ChunkOut], orphan: &[bool], serial: bool) {
    run_merge_jobs(merge_jobs(index), serial, |(slot, global, cols): &mut MergeJob| {
        let distinct: usize = outs.iter().map(|o| o.ids[*slot].count()).sum();
        global.reserve(distinct);
        // Extending a sealed index: all new names at once (see `intern_many_sealed`).
        let sealed_ids = global.is_sealed().then(|| {
            let names: Vec<_> =
                outs.iter().flat_map(|o| (0..o.ids[*slot].count() as u32).map(|id| o.ids[*slot].name(id))).collect();
            global.intern_many_sealed(&names)
        });
        let mut remap = Vec::new();
        let mut at = 0;
        for (c, out) in outs.iter().enumerate() {
            let local = &out.ids[*slot];
            remap.clear();
            match &sealed_ids {
                Some(ids) => remap.extend_from_slice(&ids[at..at + local.count()]),
                None => remap.extend((0..local.count() as u32).map(|id| global.intern_from(local, id))),
            }
            at += local.count();
            for (kind, col) in cols.iter_mut() {
                if orphan[c] {
                    col.push(0);
                }
                col.extend(out.cols.ids[*kind].iter().map(|&id| remap[id as usize]));
            }
        }
    });
}

/// One merge job per interner slot, with the id columns that hold its ids.
fn merge_jobs(index: &mut Index) -> Vec<MergeJob<'_>> {
    let [c_thread, c_request, c_trace, c_span, c_parent, c_service] = &mut index.cols.ids;
    let [i_thread, i_request, i_trace, i_span, _, i_service] = &mut index.ids;
    vec![
        (IdKind::Span as usize, i_span, vec![(IdKind::Span as usize, c_span), (IdKind::Parent as usize, c_parent)]),
        (IdKind::Request as usize, i_request, vec![(IdKind::Request as usize, c_request)]),
        (IdKind::Trace as usize, i_trace, vec![(IdKind::Trace as usize, c_trace)]),
        (IdKind::Thread as usize, i_thread, vec![(IdKind::Thread as usize, c_thread)]),
        (IdKind::Service as usize, i_service, vec![(IdKind::Service as usize, c_service)]),
    ]
}

/// Runs the merge jobs, each slot in parallel unless `serial`.
fn run_merge_jobs(mut jobs: Vec<MergeJob>, serial: bool, merge: impl Fn(&mut MergeJob) + Sync + Send) {
    if serial {
        jobs.iter_mut().for_each(merge);
    } else {
        jobs.par_iter_mut().for_each(merge);
    }
}

#[inline]
fn clamp_u32(v: u64) -> u32 {
    v.min(u32::MAX as u64) as u32
}

fn push_orphan(cols: &mut Columns, start: u64, first_line_len: usize) {
    cols.push_offset(start);
    cols.ts.push(NO_TS);
    cols.level.push(0);
    let (ms, ml, long) = pack_msg(0, first_line_len);
    cols.flags.push(FLAG_MULTILINE | long);
    cols.msg_start.push(ms);
    cols.msg_len.push(ml);
    cols.fp.push(fingerprint::ALL);
    for v in &mut cols.ids {
        v.push(0);
    }
}

/// Message span into the u16 columns, or `FLAG_MSG_LONG` when it does not fit.
#[inline]
fn pack_msg(start: usize, len: usize) -> (u16, u16, u8) {
    match (u16::try_from(start), u16::try_from(len)) {
        (Ok(s), Ok(l)) => (s, l, 0),
        _ => (0, 0, FLAG_MSG_LONG),
    }
}

/// Parses the lines of `data[start..end]` (newline-aligned) into chunk-local rows.
fn index_chunk(data: &[u8], start: usize, end: usize, fmt: &Format) -> ChunkOut {
    let mut out =
        ChunkOut { cols: Columns::default(), ids: Default::default(), lines: Vec::new(), newlines: 0, leading: false };
    let approx = (end - start) / 160 + 16;
    out.lines.reserve(approx);
    out.cols.msg_start.reserve(approx);
    out.cols.msg_len.reserve(approx);
    out.cols.fp.reserve(approx);
    out.cols.offset_lo.reserve(approx);
    out.cols.ts.reserve(approx);
    // The high-cardinality kinds get a new id every few lines: size their tables up front
    // instead of rehashing them as they grow.
    for kind in [IdKind::Request, IdKind::Trace, IdKind::Span] {
        out.ids[kind as usize].reserve(approx / 4);
    }
    let mut parsed = Parsed::default();
    let mut clean = AnsiClean::default();
    let mut pos = start;
    let mut line_no: u64 = 0; // 0-based line within the chunk
    let mut have_record = false;
    while pos < end {
        let nl = memchr(b'\n', &data[pos..end]).map(|p| pos + p);
        let line_end = nl.unwrap_or(end);
        let line = trim_cr(&data[pos..line_end]);
        let blank = line.iter().all(|c| matches!(c, b' ' | b'\t'));
        if blank {
        } else if fmt.kind == FormatKind::Json
            && otlp::is_envelope(line)
            && push_envelope(&mut out, pos, line, line_no, fmt, &mut parsed)
        {
            have_record = true;
        } else {
            let is_record = if memchr(0x1b, line).is_some() {
                clean.parse(line, fmt, &mut parsed)
            } else {
                fmt.parse(line, &mut parsed)
            };
            if is_record {
                push_record(&mut out, pos, line, line_no, &parsed, fmt.kind, 0, None);
                have_record = true;
            } else if continuation::kind(line, &fmt.cont, &fmt.ctx) == continuation::Kind::Standalone {
                // Not the file's header and no continuation shape: an entry of its own, so a
                // record of another layout is never glued onto the one before it.
                continuation::standalone(line, &fmt.ctx, &mut parsed);
                push_record(&mut out, pos, line, line_no, &parsed, fmt.kind, 0, None);
                have_record = true;
            } else if have_record {
                let last = out.cols.flags.len() - 1;
                out.cols.flags[last] |= FLAG_MULTILINE;
            } else {
                out.leading = true;
            }
        }
        if nl.is_some() {
            out.newlines += 1;
        }
        line_no += 1;
        pos = line_end + 1;
    }
    out
}

/// Pushes one entry per log record of an OTLP envelope line; false when the line is not a
/// well-formed envelope (it is then read as an ordinary JSON record).
fn push_envelope(out: &mut ChunkOut, pos: usize, line: &[u8], line_no: u64, fmt: &Format, p: &mut Parsed) -> bool {
    let Some(recs) = otlp::records(line) else { return false };
    for r in recs {
        let rec = &line[r.start..r.end];
        if !fmt.parse(rec, p) {
            p.reset();
        }
        let service = r.service.map(|(s, e)| &line[s..e]);
        push_record(out, pos + r.start, rec, line_no, p, fmt.kind, FLAG_EMBEDDED, service);
    }
    true
}

/// Appends one row. `service` is the service from outside the record's bytes (an OTLP
/// resource), used when the record names none itself.
#[allow(clippy::too_many_arguments)]
#[inline]
fn push_record(
    out: &mut ChunkOut,
    pos: usize,
    line: &[u8],
    line_no: u64,
    p: &Parsed,
    kind: FormatKind,
    flags: u8,
    service: Option<&[u8]>,
) {
    let c = &mut out.cols;
    c.push_offset(pos as u64);
    out.lines.push(clamp_u32(line_no + 1));
    c.ts.push(p.ts.unwrap_or(NO_TS));
    c.level.push(p.level);
    let escaped = p.message_escaped && matches!(kind, FormatKind::Json | FormatKind::Logfmt);
    let (ms, ml, long) = pack_msg(p.message.start as usize, p.message.len as usize);
    let year_less = if p.year_less { FLAG_YEAR_LESS } else { 0 };
    c.flags.push(if escaped { FLAG_MSG_ESCAPED } else { 0 } | long | year_less | flags);
    c.msg_start.push(ms);
    c.msg_len.push(ml);
    // The bytes a one-line survivor test reads (a long message is tested another way).
    let m0 = p.message.start as usize;
    let fp = match line.get(m0..m0 + p.message.len as usize) {
        Some(msg) if long == 0 => fingerprint::of(msg),
        _ => fingerprint::ALL,
    };
    c.fp.push(fp);
    for kind in crate::record::ID_KINDS {
        let id = match (p.ids[kind as usize], service) {
            (Some(span), _) => out.ids[interner_slot(kind)].intern(span.slice(line)),
            (None, Some(name)) if kind == IdKind::Service => out.ids[interner_slot(kind)].intern(name),
            _ => 0,
        };
        c.ids[kind as usize].push(id);
    }
}

/// Parses lines that contain ANSI escape sequences (colour codes): the parser sees the line
/// without them, and the spans it returns are mapped back onto the raw bytes.
#[derive(Default)]
struct AnsiClean {
    buf: Vec<u8>,
    map: Vec<u32>,
}

impl AnsiClean {
    fn parse(&mut self, line: &[u8], fmt: &Format, out: &mut Parsed) -> bool {
        self.buf.clear();
        self.map.clear();
        let mut i = 0;
        while i < line.len() {
            if line[i] == 0x1b {
                i += ansi_len(&line[i..]);
                continue;
            }
            self.buf.push(line[i]);
            self.map.push(i as u32);
            i += 1;
        }
        self.map.push(line.len() as u32);
        let ok = fmt.parse(&self.buf, out);
        if ok {
            let map = |s: Span| -> Span {
                let a = self.map[(s.start as usize).min(self.map.len() - 1)] as usize;
                let end = s.end().min(self.map.len() - 1);
                let b = if s.len == 0 { a } else { self.map[end - 1] as usize + 1 };
                Span::new(a, b)
            };
            out.message = map(out.message);
            for id in out.ids.iter_mut().flatten() {
                *id = map(*id);
            }
            out.level_text = out.level_text.map(map);
            out.component = out.component.map(map);
            out.pid = out.pid.map(map);
        }
        ok
    }
}
