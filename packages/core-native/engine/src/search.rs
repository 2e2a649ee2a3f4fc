//! Search: column filters first (posting lists, level, time, file), then a brute-force scan of
//! the surviving records' bytes, in parallel. Phase one counts every match exactly and keeps
//! only the `offset + limit` best sort keys per worker (memory O(limit), not O(matches));
//! phase two materializes just the returned page.

use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::fingerprint;
use crate::index::{Index, FLAG_MSG_LONG, FLAG_MULTILINE, NO_TS};
use crate::indexer::Control;
use crate::level;
use crate::query::text::Finder;
use crate::query::{parse_duration, Compiled, Query};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering as AtomicOrdering;

/// Result order.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first: by timestamp, ties by file then line (one merged timeline).
    #[default]
    Oldest,
    /// Newest first.
    Newest,
    /// File order: file after file, line after line.
    File,
}

/// Aggregation dimensions.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum AggKind {
    Level,
    Thread,
    Service,
    File,
    Time,
    /// Time buckets split by level: the stacked histogram of a view, in one pass.
    #[serde(rename = "timeLevel")]
    TimeLevel,
}

/// Search options beyond the query.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageOptions {
    #[serde(default)]
    pub order: Order,
    pub limit: Option<usize>,
    #[serde(default)]
    pub offset: usize,
    pub cursor: Option<String>,
    /// The last N matches (returned oldest first).
    pub tail: Option<usize>,
    /// Records of context before and after each match (same file).
    pub context: Option<usize>,
    pub context_before: Option<usize>,
    pub context_after: Option<usize>,
    #[serde(default)]
    pub fields: bool,
    #[serde(default)]
    pub aggregate: Vec<AggKind>,
    /// Time bucket for the `time` aggregation (`1m`, `1h`); default chosen from the range.
    pub bucket: Option<String>,
    #[serde(default)]
    pub count_only: bool,
}

pub const DEFAULT_LIMIT: usize = 100;

/// Splits a flat JSON object into the query part and the page options part.
pub fn split_args<T: for<'de> Deserialize<'de>>(op: &str, json: &str, page_keys: &[&str]) -> Result<(Query, T)> {
    let json = if json.trim().is_empty() { "{}" } else { json };
    let v: Value = serde_json::from_str(json)
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad arguments for {op}: {e}")).at(op))?;
    let Value::Object(map) = v else {
        return Err(Error::new(Code::InvalidOption, format!("arguments for {op} must be an object")).at(op));
    };
    let (mut q, mut p) = (serde_json::Map::new(), serde_json::Map::new());
    for (k, v) in map {
        if page_keys.contains(&k.as_str()) {
            p.insert(k, v);
        } else {
            q.insert(k, v);
        }
    }
    let query: Query = serde_json::from_value(Value::Object(q))
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad query for {op}: {e}")).at(op))?;
    let page: T = serde_json::from_value(Value::Object(p))
        .map_err(|e| Error::new(Code::InvalidOption, format!("bad options for {op}: {e}")).at(op))?;
    Ok((query, page))
}

pub const PAGE_KEYS: &[&str] = &[
    "order",
    "limit",
    "offset",
    "cursor",
    "tail",
    "context",
    "contextBefore",
    "contextAfter",
    "fields",
    "aggregate",
    "bucket",
    "countOnly",
];

/// A returned match: the entry, where the query matched in its message, and context.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    #[serde(flatten)]
    pub entry: Entry,
    /// Match spans in `message`, as [start, end) in UTF-16 code units (JS string indexes).
    pub matches: Vec<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
}

#[derive(Serialize, Debug)]
pub struct Context {
    pub before: Vec<Entry>,
    pub after: Vec<Entry>,
}

#[derive(Serialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct Aggregations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<BTreeMap<&'static str, u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<Vec<(String, u64)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Vec<(String, u64)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Vec<(String, u64)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeBuckets>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_level: Option<TimeLevelBuckets>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TimeBuckets {
    pub bucket_ns: i64,
    /// [bucket start (ns), count], ascending.
    pub buckets: Vec<(i64, u64)>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TimeLevelBuckets {
    pub bucket_ns: i64,
    /// [bucket start (ns), count per level name], ascending; levels with no match left out.
    pub buckets: Vec<(i64, BTreeMap<&'static str, u64>)>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub total_matches: u64,
    pub returned: usize,
    pub offset: usize,
    pub order: Order,
    pub entries: Vec<Hit>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    pub aggregations: Aggregations,
}

/// What one worker accumulates in phase one.
#[derive(Default)]
struct Partial {
    count: u64,
    keys: Vec<u128>,
    /// Once `keys` has been cut to the best `keep`, no key at or above this can enter.
    cut: Option<u128>,
    levels: [u64; 25],
    threads: FxHashMap<u32, u64>,
    services: FxHashMap<u32, u64>,
    files: FxHashMap<usize, u64>,
    buckets: FxHashMap<i64, u64>,
    level_buckets: FxHashMap<i64, [u64; 25]>,
}

/// Sort key: ascending in the requested order.
#[inline]
fn sort_key(ix: &Index, e: u32, order: Order) -> u128 {
    let t = ix.cols.ts[e as usize];
    let ts = (t as u64) ^ (1 << 63);
    let k = match order {
        Order::File => e as u128,
        Order::Oldest | Order::Newest => ((ts as u128) << 32) | e as u128,
    };
    if order == Order::Newest {
        u128::MAX - k
    } else {
        k
    }
}

fn key_entry(k: u128, order: Order) -> u32 {
    let k = if order == Order::Newest { u128::MAX - k } else { k };
    (k & 0xffff_ffff) as u32
}

struct Plan<'a> {
    ix: &'a Index,
    q: &'a Compiled,
    order: Order,
    keep: usize,
    after_key: Option<u128>,
    aggs: &'a [AggKind],
    bucket_ns: i64,
    ctl: &'a Control,
}

impl Plan<'_> {
    #[inline]
    fn record(&self, p: &mut Partial, e: u32, file: usize) {
        if self.keep > 0 || self.after_key.is_some() {
            let key = sort_key(self.ix, e, self.order);
            if self.after_key.is_some_and(|a| key <= a) {
                return;
            }
            if self.keep > 0 && p.cut.is_none_or(|c| key < c) {
                p.keys.push(key);
                if p.keys.len() >= self.keep * 2 + 64 {
                    p.keys.select_nth_unstable(self.keep - 1);
                    p.keys.truncate(self.keep);
                    p.cut = p.keys.iter().copied().max();
                }
            }
        }
        p.count += 1;
        let i = e as usize;
        for a in self.aggs {
            match a {
                AggKind::Level => p.levels[self.ix.cols.level[i].min(24) as usize] += 1,
                AggKind::Thread => *p.threads.entry(self.ix.cols.ids[0][i]).or_default() += 1,
                AggKind::Service => *p.services.entry(self.ix.cols.ids[5][i]).or_default() += 1,
                AggKind::File => *p.files.entry(file).or_default() += 1,
                AggKind::Time => {
                    let t = self.ix.cols.ts[i];
                    if t != NO_TS {
                        *p.buckets.entry(t.div_euclid(self.bucket_ns) * self.bucket_ns).or_default() += 1;
                    }
                }
                AggKind::TimeLevel => {
                    let t = self.ix.cols.ts[i];
                    if t != NO_TS {
                        let b = p.level_buckets.entry(t.div_euclid(self.bucket_ns) * self.bucket_ns).or_insert([0; 25]);
                        b[self.ix.cols.level[i].min(24) as usize] += 1;
                    }
                }
            }
        }
    }

    /// Phase one over entries `lo..hi` of one file: a whole-buffer scan for the anchor term
    /// when that reads fewer bytes than testing the column filters' survivors one by one.
    fn scan_range(&self, file: usize, lo: u32, hi: u32, p: &mut Partial) {
        if self.ctl.cancel.load(AtomicOrdering::Relaxed) || lo >= hi {
            return;
        }
        let (ix, q) = (self.ix, self.q);
        match q.text.anchor() {
            Some(anchor) if self.whole_scan_cheaper(anchor, file, lo, hi) => self.scan_anchor(anchor, file, lo, hi, p),
            _ if q.columns_only() => q.for_each_column_match(ix, file, lo, hi, |e| self.record(p, e, file)),
            _ => self.scan_survivors(file, lo, hi, p),
        }
    }

    /// Tests each column survivor of `lo..hi` for the text and field conditions. Survivors'
    /// messages are scattered over the mapping, so the test is bound by memory latency: each
    /// survivor's message lines are prefetched `AHEAD` survivors before it is tested, keeping
    /// enough cache misses in flight to hide the latency. A one-line message (the common
    /// case) is tested directly as one slice.
    fn scan_survivors(&self, file: usize, lo: u32, hi: u32, p: &mut Partial) {
        let text = &self.q.text;
        // The predicate is a type parameter of `survivors_with`: for one or a few plain
        // terms it compiles to a loop with the term search inlined.
        match text.anchor() {
            Some(Finder::Folded(f)) if text.anchor_only() => self.survivors_with(file, lo, hi, p, f.contains_fn()),
            Some(Finder::FoldedAny(fs)) if text.anchor_only() => {
                let tests: Vec<_> = fs.iter().map(|f| f.contains_fn()).collect();
                self.survivors_with(file, lo, hi, p, |t| tests.iter().any(|c| c(t)))
            }
            _ => self.survivors_with(file, lo, hi, p, |t| text.matches_one(t)),
        }
    }

    /// `scan_survivors` with `matches_text`, the text condition on a one-line message.
    #[inline(always)]
    fn survivors_with(&self, file: usize, lo: u32, hi: u32, p: &mut Partial, matches_text: impl Fn(&[u8]) -> bool) {
        /// Survivors in flight (a power of two). Measured at 1M entries with a third of them
        /// surviving: 8 leaves most of the latency exposed, 32 to 64 hides it.
        const AHEAD: usize = 32;
        let (ix, q) = (self.ix, self.q);
        let (data, cols) = (ix.files[file].source.data(), &ix.cols);
        let plain = q.conds.is_empty() && !q.raw;
        let need = q.text.fingerprint();
        // Survivors are gathered a batch at a time by a tight column pass, their messages
        // located in a second tight pass, then tested in order with the message of survivor
        // j + AHEAD prefetched (its first and last byte: one cache line, or two when it
        // crosses a line boundary, as a 40-80 byte message does about half the time).
        const BATCH: usize = 1024;
        let mut batch = Vec::with_capacity(BATCH + 64);
        let mut spans: Vec<Survivor> = Vec::with_capacity(BATCH + 64);
        let prefetch_span = |s: &Survivor| {
            prefetch(data, s.start);
            if s.len != Survivor::OTHER && s.len > 0 {
                let last = s.start + s.len as usize - 1;
                if last / 64 != s.start / 64 {
                    prefetch(data, last);
                }
            }
        };
        let mut at = lo;
        while at < hi {
            if self.ctl.cancel.load(AtomicOrdering::Relaxed) {
                return;
            }
            batch.clear();
            at = q.column_matches_into(ix, file, at, hi, &mut batch, BATCH);
            spans.clear();
            spans.extend(batch.iter().filter_map(|&e| {
                let i = e as usize;
                let start = cols.offset(i) as usize;
                if plain && cols.flags[i] & (FLAG_MULTILINE | FLAG_MSG_LONG) == 0 {
                    // A one-line message lacking a trigram of the terms cannot match: it is
                    // dropped here, its message never read (most misses, for a rare term).
                    fingerprint::may_match(cols.fp[i], need).then(|| Survivor {
                        start: start + cols.msg_start[i] as usize,
                        len: cols.msg_len[i] as u32,
                        e,
                    })
                } else {
                    Some(Survivor { start, len: Survivor::OTHER, e })
                }
            }));
            spans.iter().take(AHEAD).for_each(prefetch_span);
            for (j, s) in spans.iter().enumerate() {
                if let Some(ahead) = spans.get(j + AHEAD) {
                    prefetch_span(ahead);
                }
                let hit = if s.len == Survivor::OTHER {
                    q.match_content(ix, s.e, file)
                } else {
                    matches_text(data.get(s.start..s.start + s.len as usize).unwrap_or(&[]))
                };
                if hit {
                    self.record(p, s.e, file);
                }
            }
        }
    }

    /// Chooses between the two ways to find text matches in `lo..hi`, by estimated cost in
    /// bytes scanned: the whole buffer (SIMD memmem, every byte of every record), or each
    /// column survivor's searched text (message only, but a fixed cost per record for
    /// locating it and starting a search). Counting survivors is one pass over the columns.
    fn whole_scan_cheaper(&self, anchor: &Finder, file: usize, lo: u32, hi: u32) -> bool {
        // The fixed cost of testing one record, in bytes of whole-buffer scanning. Measured at
        // 1M entries: a survivor costs ~55-60 ns (its message prefetched ahead, the term search
        // inlined) against ~6.5 GB/s per core for the whole-buffer scan.
        let per_record: u64 = 384;
        let (ix, q) = (self.ix, self.q);
        let fidx = &ix.files[file];
        // One pass over the buffer per term of the anchor.
        let passes = anchor.parts().map_or(1, |p| p.len() as u64);
        let whole = passes * (ix.record_range_in(fidx, hi - 1).1 as u64).saturating_sub(ix.cols.offset(lo as usize));
        // Survivors of every 32nd entry stand for the rest (at least 512 samples in a
        // partition): the estimate costs a small part of a column pass.
        const STRIDE: u32 = 32;
        // A one-line survivor whose fingerprint lacks a bit of the terms is dropped by the
        // column pass (`survivors_with`) without reading its message: it costs about as much
        // as the fingerprint load, not a search.
        const REJECTED: u64 = 16;
        let plain = q.conds.is_empty() && !q.raw;
        let need = q.text.fingerprint();
        let mut cost = 0u64;
        for e in (lo..hi).step_by(STRIDE as usize) {
            if !q.match_columns(ix, e, file) {
                continue;
            }
            let i = e as usize;
            let one_line = ix.cols.flags[i] & (FLAG_MULTILINE | FLAG_MSG_LONG) == 0;
            if plain && one_line && !fingerprint::may_match(ix.cols.fp[i], need) {
                cost += REJECTED * STRIDE as u64;
                continue;
            }
            let searched = if q.raw || !one_line {
                let (a, b) = ix.record_range_in(fidx, e);
                (b - a) as u64
            } else {
                ix.cols.msg_len[i] as u64
            };
            cost += (per_record + searched) * STRIDE as u64;
        }
        cost >= whole
    }

    /// Whole-buffer scan for the anchor term; only records containing it are checked.
    fn scan_anchor(&self, anchor: &Finder, file: usize, lo: u32, hi: u32, p: &mut Partial) {
        let (ix, q) = (self.ix, self.q);
        let Some(parts) = anchor.parts() else {
            self.walk_anchor(anchor, file, lo, hi, |e, inside| {
                if q.match_columns(ix, e, file) && (inside || q.match_content(ix, e, file)) {
                    self.record(p, e, file);
                }
            });
            return;
        };
        // Several terms: one fast scan per term marks records (as sure matches, or to check),
        // then the marked records are taken in order.
        let words = ((hi - lo) as usize).div_ceil(64);
        let (mut sure, mut check) = (vec![0u64; words], vec![0u64; words]);
        for f in parts {
            self.walk_anchor(&Finder::Folded(f.clone()), file, lo, hi, |e, inside| {
                let r = (e - lo) as usize;
                let set = if inside { &mut sure } else { &mut check };
                set[r / 64] |= 1 << (r % 64);
            });
        }
        for (w, (&s, &c)) in sure.iter().zip(&check).enumerate() {
            let mut bits = s | c;
            while bits != 0 {
                let r = bits.trailing_zeros();
                bits &= bits - 1;
                let e = lo + (w * 64) as u32 + r;
                if q.match_columns(ix, e, file) && ((s >> r) & 1 != 0 || q.match_content(ix, e, file)) {
                    self.record(p, e, file);
                }
            }
        }
    }

    /// Calls `on_hit(entry, inside)` once per record of `lo..hi` whose bytes contain `anchor`,
    /// in order; `inside` when the first occurrence lies in the message and the anchor is the
    /// whole text condition, so the record's text matches without a second search.
    fn walk_anchor(&self, anchor: &Finder, file: usize, lo: u32, hi: u32, mut on_hit: impl FnMut(u32, bool)) {
        let (ix, q) = (self.ix, self.q);
        let data = ix.files[file].source.data();
        let cols = &ix.cols;
        let fidx = &ix.files[file];
        let start = cols.offset(lo as usize) as usize;
        let end = ix.record_range_in(fidx, hi - 1).1;
        let (base, rows) = (lo as usize, (hi - lo) as usize);
        let offset = |r: usize| cols.offset(base + r);
        let direct = q.text.anchor_only() && q.conds.is_empty() && !q.raw;
        let mut pos = start;
        let mut rel = 0usize;
        while pos < end {
            let Some((s, len_end)) = anchor.find(&data[pos..end]) else { break };
            let hit = (pos + s) as u64;
            rel = seek(offset, rows, rel, hit);
            let e = lo + rel as u32;
            let rec_start = offset(rel) as usize;
            let rec_end = ix.record_range_in(fidx, e).1;
            if (hit as usize) < rec_end {
                let i = e as usize;
                let inside = direct && cols.flags[i] & (FLAG_MULTILINE | FLAG_MSG_LONG) == 0 && {
                    let m0 = rec_start + cols.msg_start[i] as usize;
                    let m1 = m0 + cols.msg_len[i] as usize;
                    (hit as usize) >= m0 && pos + len_end <= m1
                };
                on_hit(e, inside);
            }
            pos = rec_end.max(pos + s + 1);
        }
    }

    fn scan_list(&self, list: &[u32], p: &mut Partial) {
        let mut file = 0usize;
        for &e in list {
            while self.ix.files[file].first + self.ix.files[file].count <= e {
                file += 1;
            }
            if self.q.matches(self.ix, e, file) {
                self.record(p, e, file);
            }
        }
    }
}

/// A column survivor whose text is to be tested: where its message starts in the file's data
/// and its length, or `OTHER` when the record needs the general test (`match_content`:
/// several lines, a long message, raw search, field conditions; `start` is then the record's).
struct Survivor {
    start: usize,
    len: u32,
    e: u32,
}

impl Survivor {
    const OTHER: u32 = u32::MAX;
}

/// Hints the CPU to load the cache line holding `data[at]` (no-op where unsupported).
#[inline(always)]
fn prefetch(data: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if at < data.len() {
        // SAFETY: a prefetch is only a hint; the address is inside `data` and is never
        // dereferenced by this instruction in a way that can fault.
        unsafe { std::arch::x86_64::_mm_prefetch(data.as_ptr().add(at) as *const i8, std::arch::x86_64::_MM_HINT_T0) };
    }
}

/// The last row `r < rows` whose `offset(r)` (ascending) is at or before `pos`, searching
/// forward from `from` (whose offset is at or before `pos`) by galloping: walking hits in
/// order costs O(log gap) each, not O(log n).
#[inline]
fn seek(offset: impl Fn(usize) -> u64, rows: usize, from: usize, pos: u64) -> usize {
    let (mut lo, mut step) = (from, 1usize);
    let mut hi = lo + 1;
    while hi < rows && offset(hi) <= pos {
        lo = hi;
        hi = lo + step;
        step *= 2;
    }
    // Binary search in lo..hi for the first row past `pos`; the answer is the row before it.
    let (mut a, mut b) = (lo, hi.min(rows));
    while a < b {
        let mid = a + (b - a) / 2;
        if offset(mid) <= pos {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    a.saturating_sub(1).max(lo)
}

fn merge(mut a: Partial, b: Partial, keep: usize) -> Partial {
    a.count += b.count;
    a.keys.extend(b.keys);
    if keep > 0 && a.keys.len() > keep {
        a.keys.select_nth_unstable(keep - 1);
        a.keys.truncate(keep);
    }
    for i in 0..25 {
        a.levels[i] += b.levels[i];
    }
    for (k, v) in b.threads {
        *a.threads.entry(k).or_default() += v;
    }
    for (k, v) in b.services {
        *a.services.entry(k).or_default() += v;
    }
    for (k, v) in b.files {
        *a.files.entry(k).or_default() += v;
    }
    for (k, v) in b.buckets {
        *a.buckets.entry(k).or_default() += v;
    }
    for (k, v) in b.level_buckets {
        let into = a.level_buckets.entry(k).or_insert([0; 25]);
        for i in 0..25 {
            into[i] += v[i];
        }
    }
    a
}

const CURSOR_PREFIX: &str = "ls1";

fn encode_cursor(order: Order, key: u128) -> String {
    let o = match order {
        Order::Oldest => 'o',
        Order::Newest => 'n',
        Order::File => 'f',
    };
    format!("{CURSOR_PREFIX}{o}{key:032x}")
}

fn decode_cursor(c: &str, order: Order) -> Result<u128> {
    let bad = || Error::new(Code::InvalidOption, format!("invalid cursor '{c}'")).at("cursor");
    let rest = c.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    let (o, hex) = rest.split_at_checked(1).ok_or_else(bad)?;
    let want = match order {
        Order::Oldest => "o",
        Order::Newest => "n",
        Order::File => "f",
    };
    if o != want {
        return Err(Error::new(Code::InvalidOption, "this cursor belongs to a search with another order").at("cursor"));
    }
    u128::from_str_radix(hex, 16).map_err(|_| bad())
}

/// Picks a time bucket giving about 60 buckets over the data's range.
fn auto_bucket(ix: &Index) -> i64 {
    let span = match ix.ts_bounds() {
        Some((lo, hi)) if lo < hi => hi - lo,
        _ => 60_000_000_000,
    };
    const NICE: [i64; 12] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21600, 86400, 604800];
    let want = span / 60;
    NICE.iter().map(|s| s * 1_000_000_000).find(|&b| b >= want).unwrap_or(604_800_000_000_000)
}

/// Work partitions: per file, ranges of about `target` entries.
fn partitions(ix: &Index, target: u32) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    for (fi, f) in ix.files.iter().enumerate() {
        let mut s = f.first;
        let end = f.first + f.count;
        while s < end {
            let e = (s + target).min(end);
            out.push((fi, s, e));
            s = e;
        }
    }
    out
}

/// Phase one: exact count, aggregations and the best `keep` keys.
fn phase_one(
    ix: &Index,
    q: &Compiled,
    opts: &PageOptions,
    order: Order,
    keep: usize,
    ctl: &Control,
) -> Result<(Partial, i64)> {
    let after_key = opts.cursor.as_deref().map(|c| decode_cursor(c, order)).transpose()?;
    let bucket_ns = match &opts.bucket {
        Some(b) => parse_duration(b)?.max(1),
        // The automatic bucket needs the time range: computed only when time buckets are asked.
        None if opts.aggregate.iter().any(|a| matches!(a, AggKind::Time | AggKind::TimeLevel)) => auto_bucket(ix),
        None => 1,
    };
    let plan = Plan { ix, q, order, keep, after_key, aggs: &opts.aggregate, bucket_ns, ctl };
    let partial = match q.candidates(ix) {
        Some(list) => {
            let chunk = (list.len() / (rayon::current_num_threads() * 4)).max(4096);
            list.par_chunks(chunk)
                .map(|c| {
                    let mut p = Partial::default();
                    plan.scan_list(c, &mut p);
                    p
                })
                .reduce(Partial::default, |a, b| merge(a, b, keep))
        }
        None => {
            let n = ix.len() as u32;
            let target = (n / (rayon::current_num_threads() as u32 * 8)).clamp(16_384, 1 << 20);
            partitions(ix, target)
                .into_par_iter()
                .map(|(f, lo, hi)| {
                    let mut p = Partial::default();
                    plan.scan_range(f, lo, hi, &mut p);
                    p
                })
                .reduce(Partial::default, |a, b| merge(a, b, keep))
        }
    };
    if ctl.cancel.load(AtomicOrdering::Relaxed) {
        return Err(Error::new(Code::Cancelled, "search was cancelled"));
    }
    Ok((partial, bucket_ns))
}

/// UTF-16 offsets of byte spans in `s`.
pub(crate) fn utf16_spans(s: &str, spans: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let mut out = Vec::with_capacity(spans.len());
    for &(a, b) in spans {
        let (Some(pa), Some(pb)) = (s.get(..a), s.get(..b)) else { continue };
        out.push([pa.encode_utf16().count(), pb.encode_utf16().count()]);
    }
    out
}

fn top_ids(map: FxHashMap<u32, u64>, ix: &Index, kind: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map
        .into_iter()
        .map(|(id, n)| {
            let name =
                if id == 0 { String::new() } else { String::from_utf8_lossy(&ix.ids[kind].name(id)).into_owned() };
            (name, n)
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Counts per severity number folded into counts per level name (zeros left out).
fn level_counts(by_severity: &[u64; 25]) -> BTreeMap<&'static str, u64> {
    let mut m = BTreeMap::new();
    for (s, &n) in by_severity.iter().enumerate() {
        if n > 0 {
            *m.entry(level::name(s as u8)).or_insert(0) += n;
        }
    }
    m
}

/// Runs a search and materializes one page.
pub fn search(ix: &Index, query: Query, opts: &PageOptions, ctl: &Control) -> Result<SearchResult> {
    let q = Compiled::new(query, ix)?;
    let (order, limit, offset) = match opts.tail {
        Some(n) => (Order::Newest, n, 0),
        None => (opts.order, opts.limit.unwrap_or(DEFAULT_LIMIT), opts.offset),
    };
    if opts.tail.is_some() && (opts.offset > 0 || opts.cursor.is_some()) {
        return Err(Error::new(Code::InvalidOption, "tail cannot be combined with offset or cursor").at("tail"));
    }
    let keep = if opts.count_only { 0 } else { offset.saturating_add(limit) };
    let (mut p, bucket_ns) = phase_one(ix, &q, opts, order, keep, ctl)?;
    p.keys.sort_unstable();
    let page: Vec<u128> = p.keys.iter().copied().skip(offset).take(limit).collect();
    let mut ids: Vec<u32> = page.iter().map(|&k| key_entry(k, order)).collect();
    let more = (offset + ids.len()) < p.count as usize && !ids.is_empty() && opts.tail.is_none();
    let next_cursor = if more { page.last().map(|&k| encode_cursor(order, k)) } else { None };
    if opts.tail.is_some() {
        ids.reverse();
    }
    let before = opts.context_before.or(opts.context).unwrap_or(0);
    let after = opts.context_after.or(opts.context).unwrap_or(0);
    let entries = ids
        .iter()
        .map(|&e| {
            let entry = ix.entry(e, opts.fields);
            let matches = utf16_spans(&entry.message, &q.text.spans(entry.message.as_bytes()));
            let context = (before > 0 || after > 0).then(|| {
                let f = &ix.files[ix.file_of(e)];
                let lo = e.saturating_sub(before as u32).max(f.first);
                let hi = (e + 1 + after as u32).min(f.first + f.count);
                Context {
                    before: (lo..e).map(|c| ix.entry(c, false)).collect(),
                    after: (e + 1..hi).map(|c| ix.entry(c, false)).collect(),
                }
            });
            Hit { entry, matches, context }
        })
        .collect::<Vec<_>>();
    let mut aggs = Aggregations::default();
    for a in &opts.aggregate {
        match a {
            AggKind::Level => aggs.level = Some(level_counts(&p.levels)),
            AggKind::Thread => aggs.thread = Some(top_ids(std::mem::take(&mut p.threads), ix, 0)),
            AggKind::Service => aggs.service = Some(top_ids(std::mem::take(&mut p.services), ix, 5)),
            AggKind::File => {
                let mut v: Vec<(String, u64)> =
                    p.files.iter().map(|(&f, &n)| (ix.files[f].source.path.clone(), n)).collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                aggs.file = Some(v);
            }
            AggKind::Time => {
                let mut b: Vec<(i64, u64)> = p.buckets.iter().map(|(&k, &v)| (k, v)).collect();
                b.sort_unstable();
                aggs.time = Some(TimeBuckets { bucket_ns, buckets: b });
            }
            AggKind::TimeLevel => {
                let mut b: Vec<(i64, BTreeMap<&'static str, u64>)> =
                    p.level_buckets.iter().map(|(&k, counts)| (k, level_counts(counts))).collect();
                b.sort_unstable_by_key(|x| x.0);
                aggs.time_level = Some(TimeLevelBuckets { bucket_ns, buckets: b });
            }
        }
    }
    Ok(SearchResult {
        total_matches: p.count,
        returned: entries.len(),
        offset,
        order,
        entries,
        next_cursor,
        aggregations: aggs,
    })
}

/// Every matching entry id in file order (for investigation ops that scope their input by a
/// query). Memory is O(matches) by nature here.
pub fn select(ix: &Index, query: Query, ctl: &Control) -> Result<Vec<u32>> {
    let q = Compiled::new(query, ix)?;
    select_compiled(ix, &q, ctl)
}

pub fn select_compiled(ix: &Index, q: &Compiled, ctl: &Control) -> Result<Vec<u32>> {
    let eval = |e: u32, file: usize| q.matches(ix, e, file);
    let out: Vec<u32> = match q.candidates(ix) {
        Some(list) => list.into_iter().filter(|&e| eval(e, ix.file_of(e))).collect(),
        None => {
            let n = ix.len() as u32;
            let target = (n / (rayon::current_num_threads() as u32 * 8)).clamp(16_384, 1 << 20);
            let parts: Vec<Vec<u32>> = partitions(ix, target)
                .into_par_iter()
                .map(|(f, lo, hi)| (lo..hi).filter(|&e| eval(e, f)).collect())
                .collect();
            parts.concat()
        }
    };
    if ctl.cancel.load(AtomicOrdering::Relaxed) {
        return Err(Error::new(Code::Cancelled, "cancelled"));
    }
    Ok(out)
}

/// The next `limit` matches after entry `after` in file order, scanning only as far as
/// needed (streaming iteration, flat memory). Returns the ids and whether the end was reached.
/// A sparse query may scan the whole index for one batch, so cancellation is checked every
/// 64K entries.
pub fn next_page(
    ix: &Index,
    q: &Compiled,
    after: Option<u32>,
    limit: usize,
    ctl: &Control,
) -> Result<(Vec<u32>, bool)> {
    let mut out = Vec::with_capacity(limit.min(65_536));
    let start = after.map_or(0, |a| a + 1);
    let n = ix.len() as u32;
    let mut file = if start < n { ix.file_of(start) } else { 0 };
    let mut e = start;
    while e < n {
        if e & 0xFFFF == 0 && ctl.cancel.load(AtomicOrdering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "cancelled"));
        }
        while ix.files[file].first + ix.files[file].count <= e {
            file += 1;
        }
        if q.matches(ix, e, file) {
            out.push(e);
            if out.len() >= limit {
                return Ok((out, e + 1 >= n));
            }
        }
        e += 1;
    }
    Ok((out, true))
}
