//! `sample`: a small, explained subset of the scope. Strategies:
//! - `random`: uniformly without replacement, seeded (default seed 42), deterministic.
//! - `diverse`: one record per level (rarest level first), then per template (rarest first),
//!   then per thread not yet covered, then evenly spaced records to fill.
//! - `chronological`: the record closest to the middle of each of `size` equal time slots.
//! - `errors`: ERROR/FATAL records plus the record before each (same file); when there are more
//!   than `size / 2` errors, evenly spaced errors are kept.
//! - `head` / `tail`: the first / last `size` records in index order (files in the order given,
//!   records in file order); `edges`: the first ⌈size/2⌉ and the last ⌊size/2⌋.
//!
//! Apart from column scans (level, thread, service) and template ids, only the sampled records
//! are materialized.

use super::templates::Templates;
use super::{is_error, ts_range};
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::level;
use crate::record::IdKind;
use crate::time;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Strategy {
    Random,
    Diverse,
    Chronological,
    Errors,
    Head,
    Tail,
    Edges,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SampleArgs {
    pub strategy: Strategy,
    /// Records to return (default 20, at most 100,000).
    pub size: Option<usize>,
    /// Random seed (strategy `random` only; default 42).
    pub seed: Option<u64>,
    #[serde(default)]
    pub fields: bool,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SampleItem {
    pub reason: String,
    pub entry: Entry,
}

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Covered {
    pub covered: usize,
    pub total: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub levels: Covered,
    pub threads: Covered,
    pub services: Covered,
    pub templates: Covered,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SampleResult {
    pub strategy: Strategy,
    pub size: usize,
    pub scope_size: usize,
    pub seed: Option<u64>,
    /// Sampled entry ids in index order.
    pub entry_ids: Vec<u32>,
    pub items: Vec<SampleItem>,
    pub coverage: Coverage,
}

impl Serialize for Strategy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Strategy::Random => "random",
            Strategy::Diverse => "diverse",
            Strategy::Chronological => "chronological",
            Strategy::Errors => "errors",
            Strategy::Head => "head",
            Strategy::Tail => "tail",
            Strategy::Edges => "edges",
        })
    }
}

/// SplitMix64: tiny, seedable, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..=hi.
    pub fn upto(&mut self, hi: u64) -> u64 {
        ((self.next_u64() as u128 * (hi as u128 + 1)) >> 64) as u64
    }
}

/// Canonical level bucket (0 = none, 1..=6 = TRACE..FATAL).
#[inline]
fn level_bucket(sev: u8) -> usize {
    match sev {
        0 => 0,
        1..=4 => 1,
        5..=8 => 2,
        9..=12 => 3,
        13..=16 => 4,
        17..=20 => 5,
        _ => 6,
    }
}

/// Distinct non-zero values of a u32 column over entries, with a bitmap (no hashing).
fn distinct(col: &[u32], ids: usize, entries: impl Iterator<Item = u32>) -> usize {
    let mut bits = vec![0u64; ids / 64 + 1];
    let mut n = 0;
    for e in entries {
        let v = col[e as usize] as usize;
        if v != 0 {
            let (w, b) = (v / 64, 1u64 << (v % 64));
            if bits[w] & b == 0 {
                bits[w] |= b;
                n += 1;
            }
        }
    }
    n
}

fn coverage(ix: &Index, scope: &[u32], tids: &[u32], picked: &[(usize, String)]) -> Coverage {
    let levels = |it: &mut dyn Iterator<Item = u32>| {
        let mut seen = [false; 7];
        for e in it {
            seen[level_bucket(ix.cols.level[e as usize])] = true;
        }
        seen.iter().filter(|&&s| s).count()
    };
    let sample: Vec<u32> = picked.iter().map(|&(p, _)| scope[p]).collect();
    let col = |k: IdKind| (&ix.cols.ids[k as usize], ix.interner(k).count());
    let (tc, tn) = col(IdKind::Thread);
    let (sc, sn) = col(IdKind::Service);
    // Template ids are dense (0..count): a flag per id.
    let tpl_n = tids.iter().copied().max().map_or(0, |m| m as usize + 1);
    let distinct_t = |v: &mut dyn Iterator<Item = u32>| {
        let mut seen = vec![false; tpl_n];
        v.filter(|&t| !std::mem::replace(&mut seen[t as usize], true)).count()
    };
    // Totals in one fused pass over the scope (four columns, flags per value).
    let mut lv = [false; 7];
    let (mut th, mut sv, mut tp) = (vec![false; tn], vec![false; sn], vec![false; tpl_n]);
    for (&e, &t) in scope.iter().zip(tids) {
        let i = e as usize;
        lv[level_bucket(ix.cols.level[i])] = true;
        th[tc[i] as usize] = true;
        sv[sc[i] as usize] = true;
        tp[t as usize] = true;
    }
    let count = |v: &[bool]| v.iter().skip(1).filter(|&&b| b).count();
    Coverage {
        levels: Covered { covered: levels(&mut sample.iter().copied()), total: lv.iter().filter(|&&b| b).count() },
        threads: Covered { covered: distinct(tc, tn, sample.iter().copied()), total: count(&th) },
        services: Covered { covered: distinct(sc, sn, sample.iter().copied()), total: count(&sv) },
        templates: Covered {
            covered: distinct_t(&mut picked.iter().map(|&(p, _)| tids[p])),
            total: tp.iter().filter(|&&b| b).count(),
        },
    }
}

pub fn sample(ix: &Index, scope: &[u32], templates: &dyn Templates, args: &SampleArgs) -> Result<SampleResult> {
    let size = args.size.unwrap_or(20);
    if size == 0 || size > 100_000 {
        return Err(Error::new(Code::InvalidOption, format!("size must be within 1..100000, got {size}")));
    }
    if args.seed.is_some() && args.strategy != Strategy::Random {
        return Err(Error::new(Code::InvalidOption, "seed applies to the random strategy only"));
    }
    let n = scope.len();
    let tids = templates.ids(scope);
    // Picks as (position in scope, reason).
    let mut picked: Vec<(usize, String)> = match args.strategy {
        Strategy::Head => (0..n.min(size)).map(|p| (p, "head".to_string())).collect(),
        Strategy::Tail => (n.saturating_sub(size)..n).map(|p| (p, "tail".to_string())).collect(),
        Strategy::Edges => {
            if n <= size {
                (0..n).map(|p| (p, if p < n.div_ceil(2) { "first" } else { "last" }.to_string())).collect()
            } else {
                let (a, b) = (size.div_ceil(2), size / 2);
                (0..a).map(|p| (p, "first".to_string())).chain((n - b..n).map(|p| (p, "last".to_string()))).collect()
            }
        }
        Strategy::Random => random(n, size, args.seed.unwrap_or(42)),
        Strategy::Chronological => chronological(ix, scope, size)?,
        Strategy::Errors => errors(ix, scope, size),
        Strategy::Diverse => diverse(ix, scope, &tids, size, templates),
    };
    picked.sort_by_key(|p| p.0);
    picked.dedup_by_key(|p| p.0);
    let coverage = coverage(ix, scope, &tids, &picked);
    Ok(SampleResult {
        strategy: args.strategy,
        size,
        scope_size: n,
        seed: (args.strategy == Strategy::Random).then_some(args.seed.unwrap_or(42)),
        entry_ids: picked.iter().map(|&(p, _)| scope[p]).collect(),
        items: picked
            .into_iter()
            .map(|(p, reason)| SampleItem { reason, entry: ix.entry(scope[p], args.fields) })
            .collect(),
        coverage,
    })
}

/// Floyd's algorithm: `k` distinct positions of `0..n` in O(k).
fn random(n: usize, k: usize, seed: u64) -> Vec<(usize, String)> {
    let k = k.min(n);
    let mut rng = Rng::new(seed);
    let mut set = FxHashSet::default();
    let mut out = Vec::with_capacity(k);
    for j in n - k..n {
        let t = rng.upto(j as u64) as usize;
        let p = if set.insert(t) { t } else { j };
        set.insert(p);
        out.push((p, "random".to_string()));
    }
    out
}

fn chronological(ix: &Index, scope: &[u32], k: usize) -> Result<Vec<(usize, String)>> {
    let Some((lo, hi)) = ts_range(ix, scope.iter().copied()) else {
        return Err(Error::new(Code::InvalidOption, "chronological sampling needs timestamps; the scope has none"));
    };
    // Slot centers computed once; per entry only a float multiply (no 128-bit division).
    let span = (hi - lo) as i128 + 1;
    let k128 = k as i128;
    let centers: Vec<i64> = (0..k).map(|s| (lo as i128 + (2 * s as i128 + 1) * span / (2 * k128)) as i64).collect();
    let per_ns = k as f64 / span as f64;
    let mut best: Vec<(u64, usize)> = vec![(u64::MAX, usize::MAX); k];
    for (p, &e) in scope.iter().enumerate() {
        let t = ix.cols.ts[e as usize];
        if t == NO_TS {
            continue;
        }
        let slot = (((t - lo) as f64 * per_ns) as usize).min(k - 1);
        let d = t.abs_diff(centers[slot]);
        if d < best[slot].0 {
            best[slot] = (d, p);
        }
    }
    Ok(best
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1 != usize::MAX)
        .map(|(slot, &(_, p))| (p, format!("closest to {} (slot {} of {k})", time::format_ns(centers[slot]), slot + 1)))
        .collect())
}

fn errors(ix: &Index, scope: &[u32], k: usize) -> Vec<(usize, String)> {
    let errs: Vec<usize> = (0..scope.len()).filter(|&p| is_error(ix.cols.level[scope[p] as usize])).collect();
    let keep = k.div_ceil(2).max(1);
    let chosen: Vec<usize> = if errs.len() * 2 <= k {
        errs
    } else {
        (0..keep.min(errs.len())).map(|i| errs[i * errs.len() / keep.min(errs.len())]).collect()
    };
    let mut out = Vec::new();
    for &p in &chosen {
        let e = scope[p];
        out.push((p, format!("error ({})", level::name(ix.cols.level[e as usize]))));
        // The record before it in the same file, when it is in scope.
        if p > 0 && scope[p - 1] == e - 1 && ix.file_of(e - 1) == ix.file_of(e) && out.len() < k {
            out.push((p - 1, format!("record before error #{e}")));
        }
        if out.len() >= k {
            break;
        }
    }
    // An earlier "before" pick can be an error itself: keep the error reason.
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.starts_with("error").cmp(&a.1.starts_with("error"))));
    out
}

fn diverse(ix: &Index, scope: &[u32], tids: &[u32], k: usize, templates: &dyn Templates) -> Vec<(usize, String)> {
    let n = scope.len();
    let tcount = tids.iter().copied().max().map_or(0, |m| m as usize + 1);
    let (tcol, tn) = (&ix.cols.ids[IdKind::Thread as usize], ix.interner(IdKind::Thread).count());
    // First position and count per level bucket, template and thread: one pass.
    let mut lvl_first = [usize::MAX; 7];
    let mut lvl_count = [0usize; 7];
    let mut tpl_first = vec![usize::MAX; tcount];
    let mut tpl_count = vec![0u32; tcount];
    let mut thr_first = vec![usize::MAX; tn];
    let mut thr_count = vec![0u32; tn];
    for (p, &e) in scope.iter().enumerate() {
        let lb = level_bucket(ix.cols.level[e as usize]);
        lvl_count[lb] += 1;
        if lvl_first[lb] == usize::MAX {
            lvl_first[lb] = p;
        }
        let t = tids[p] as usize;
        tpl_count[t] += 1;
        if tpl_first[t] == usize::MAX {
            tpl_first[t] = p;
        }
        let th = tcol[e as usize] as usize;
        if th != 0 {
            thr_count[th] += 1;
            if thr_first[th] == usize::MAX {
                thr_first[th] = p;
            }
        }
    }
    struct Picker {
        taken: Vec<bool>,
        tpl_seen: Vec<bool>,
        thr_seen: Vec<bool>,
        out: Vec<(usize, String)>,
    }
    let mut pk =
        Picker { taken: vec![false; n], tpl_seen: vec![false; tcount], thr_seen: vec![false; tn], out: Vec::new() };
    let take = |pk: &mut Picker, p: usize, reason: String| {
        if pk.taken[p] {
            return;
        }
        pk.taken[p] = true;
        pk.tpl_seen[tids[p] as usize] = true;
        pk.thr_seen[tcol[scope[p] as usize] as usize] = true;
        pk.out.push((p, reason));
    };
    let names = ["NONE", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let mut lv: Vec<usize> = (0..7).filter(|&b| lvl_count[b] > 0).collect();
    lv.sort_by_key(|&b| (lvl_count[b], b));
    for b in lv {
        if pk.out.len() >= k {
            break;
        }
        take(&mut pk, lvl_first[b], format!("new level {} ({} in scope)", names[b], lvl_count[b]));
    }
    let mut tp: Vec<usize> = (0..tcount).filter(|&t| tpl_count[t] > 0).collect();
    tp.sort_by_key(|&t| (tpl_count[t], tpl_first[t]));
    for t in tp {
        if pk.out.len() >= k {
            break;
        }
        if !pk.tpl_seen[t] {
            let pat = templates.pattern(t as u32).unwrap_or_default();
            take(&mut pk, tpl_first[t], format!("new template \"{pat}\" ({} in scope)", tpl_count[t]));
        }
    }
    let mut th: Vec<usize> = (1..tn).filter(|&t| thr_count[t] > 0).collect();
    th.sort_by_key(|&t| (thr_count[t], thr_first[t]));
    for t in th {
        if pk.out.len() >= k {
            break;
        }
        if !pk.thr_seen[t] {
            let name = String::from_utf8_lossy(&ix.id_name(IdKind::Thread, t as u32)).into_owned();
            take(&mut pk, thr_first[t], format!("new thread {name} ({} in scope)", thr_count[t]));
        }
    }
    // Fill with evenly spaced records not taken yet.
    let want = k.min(n);
    if pk.out.len() < want {
        let need = want - pk.out.len();
        let mut i = 0;
        while pk.out.len() < want && i < n {
            let p = (i * n / need.max(1)).min(n - 1);
            take(&mut pk, p, "evenly spaced fill".to_string());
            i += 1;
        }
        let mut p = 0;
        while pk.out.len() < want && p < n {
            take(&mut pk, p, "fill".to_string());
            p += 1;
        }
    }
    pk.out
}
