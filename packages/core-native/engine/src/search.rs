//! Search: column filters first (posting lists, level, time, file), then a brute-force scan of
//! the surviving records' bytes, in parallel. Phase one counts every match exactly and keeps
//! only the `offset + limit` best sort keys per worker (memory O(limit), not O(matches));
//! phase two materializes just the returned page.

use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::indexer::Control;
use crate::level;
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
            }
        }
    }

    /// Phase one over entries `lo..hi` of one file.
    fn scan_range(&self, file: usize, lo: u32, hi: u32, p: &mut Partial) {
        if self.ctl.cancel.load(AtomicOrdering::Relaxed) {
            return;
        }
        let ix = self.ix;
        if self.q.files.as_ref().is_some_and(|f| !f[file]) {
            return;
        }
        match self.q.text.anchor() {
            Some(anchor) => {
                // Whole-buffer scan for the anchor term; only records containing it are checked.
                let data = ix.files[file].source.data();
                let cols = &ix.cols;
                let fidx = &ix.files[file];
                let start = cols.offset(lo as usize) as usize;
                let end = ix.record_range_in(fidx, hi - 1).1;
                let mut pos = start;
                while pos < end {
                    let Some((s, _)) = anchor.find(&data[pos..end]) else { break };
                    let hit = (pos + s) as u64;
                    let rel = partition_rows(lo, hi, |e| cols.offset(e as usize) <= hit);
                    if rel == 0 {
                        pos += s + 1;
                        continue;
                    }
                    let e = lo + rel as u32 - 1;
                    let rec_end = ix.record_range_in(fidx, e).1;
                    if (hit as usize) < rec_end && self.q.matches(ix, e, file) {
                        self.record(p, e, file);
                    }
                    pos = rec_end.max(pos + s + 1);
                }
            }
            _ => {
                let content = !self.q.columns_only();
                for e in lo..hi {
                    if self.q.match_columns(ix, e, file) && (!content || self.q.match_content(ix, e, file)) {
                        self.record(p, e, file);
                    }
                }
            }
        }
    }

    fn scan_list(&self, list: &[u32], p: &mut Partial) {
        let content = !self.q.columns_only();
        let mut file = 0usize;
        for &e in list {
            while self.ix.files[file].first + self.ix.files[file].count <= e {
                file += 1;
            }
            if self.q.match_columns(self.ix, e, file) && (!content || self.q.match_content(self.ix, e, file)) {
                self.record(p, e, file);
            }
        }
    }
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
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for &t in &ix.cols.ts {
        if t != NO_TS {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
    let span = if lo < hi { hi - lo } else { 60_000_000_000 };
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
        None if opts.aggregate.contains(&AggKind::Time) => auto_bucket(ix),
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

/// Number of rows at the start of `lo..hi` for which `pred` holds (`pred` true then false).
fn partition_rows(lo: u32, hi: u32, pred: impl Fn(u32) -> bool) -> usize {
    let (mut a, mut b) = (lo, hi);
    while a < b {
        let mid = a + (b - a) / 2;
        if pred(mid) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    (a - lo) as usize
}

/// UTF-16 offsets of byte spans in `s`.
fn utf16_spans(s: &str, spans: &[(usize, usize)]) -> Vec<[usize; 2]> {
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
            AggKind::Level => {
                let mut m = BTreeMap::new();
                for (s, &n) in p.levels.iter().enumerate() {
                    if n > 0 {
                        *m.entry(level::name(s as u8)).or_insert(0) += n;
                    }
                }
                aggs.level = Some(m);
            }
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
    let content = !q.columns_only();
    let eval = |e: u32, file: usize| q.match_columns(ix, e, file) && (!content || q.match_content(ix, e, file));
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
pub fn next_page(ix: &Index, q: &Compiled, after: Option<u32>, limit: usize) -> (Vec<u32>, bool) {
    let content = !q.columns_only();
    let mut out = Vec::with_capacity(limit.min(65_536));
    let start = after.map_or(0, |a| a + 1);
    let n = ix.len() as u32;
    let mut file = if start < n { ix.file_of(start) } else { 0 };
    let mut e = start;
    while e < n {
        while ix.files[file].first + ix.files[file].count <= e {
            file += 1;
        }
        if q.match_columns(ix, e, file) && (!content || q.match_content(ix, e, file)) {
            out.push(e);
            if out.len() >= limit {
                return (out, e + 1 >= n);
            }
        }
        e += 1;
    }
    (out, true)
}
