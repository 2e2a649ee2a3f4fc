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
use rayon::prelude::*;
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

/// Folds positions `0..n` in chunks on every core and merges the partial results in order
/// (a merge sees the earlier chunk first, so "first position" merges are a plain min).
fn par_fold<T: Send>(
    n: usize,
    init: impl Fn() -> T + Sync + Send,
    fold: impl Fn(&mut T, std::ops::Range<usize>) + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    let chunk = (n / (rayon::current_num_threads() * 4)).max(4096);
    let ranges: Vec<std::ops::Range<usize>> = (0..n).step_by(chunk).map(|s| s..(s + chunk).min(n)).collect();
    ranges
        .into_par_iter()
        .map(|r| {
            let mut t = init();
            fold(&mut t, r);
            t
        })
        .reduce(&init, merge)
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

/// Distinct levels, threads, services and templates in the whole scope.
type Totals = [usize; 4];

/// Coverage of the picks against the scope's totals (computed here unless a strategy's own
/// pass over the scope already counted them).
fn coverage(ix: &Index, scope: &[u32], tids: &[u32], picked: &[(usize, String)], known: Option<Totals>) -> Coverage {
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
    let totals = known.unwrap_or_else(|| {
        // Totals in one fused pass over the scope (four columns, a bit per value), split
        // across the cores.
        let words = |n: usize| vec![0u64; n / 64 + 1];
        let set = |w: &mut [u64], v: usize| w[v / 64] |= 1 << (v % 64);
        let (lv, th, sv, tp) = par_fold(
            scope.len(),
            || ([false; 7], words(tn), words(sn), words(tpl_n)),
            |acc, r| {
                for p in r {
                    let i = scope[p] as usize;
                    acc.0[level_bucket(ix.cols.level[i])] = true;
                    set(&mut acc.1, tc[i] as usize);
                    set(&mut acc.2, sc[i] as usize);
                    set(&mut acc.3, tids[p] as usize);
                }
            },
            |mut a, b| {
                for k in 0..7 {
                    a.0[k] |= b.0[k];
                }
                for (x, y) in [(&mut a.1, &b.1), (&mut a.2, &b.2), (&mut a.3, &b.3)] {
                    x.iter_mut().zip(y).for_each(|(x, y)| *x |= y);
                }
                a
            },
        );
        let ones = |w: &[u64]| w.iter().map(|x| x.count_ones() as usize).sum::<usize>();
        // Id 0 (no thread / service) is not a value.
        [
            lv.iter().filter(|&&b| b).count(),
            ones(&th) - (th[0] & 1) as usize,
            ones(&sv) - (sv[0] & 1) as usize,
            ones(&tp),
        ]
    });
    Coverage {
        levels: Covered { covered: levels(&mut sample.iter().copied()), total: totals[0] },
        threads: Covered { covered: distinct(tc, tn, sample.iter().copied()), total: totals[1] },
        services: Covered { covered: distinct(sc, sn, sample.iter().copied()), total: totals[2] },
        templates: Covered { covered: distinct_t(&mut picked.iter().map(|&(p, _)| tids[p])), total: totals[3] },
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
    let mut known = None;
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
        Strategy::Diverse => {
            let (picks, t) = diverse(ix, scope, &tids, size, templates);
            known = Some(t);
            picks
        }
    };
    picked.sort_by_key(|p| p.0);
    picked.dedup_by_key(|p| p.0);
    let coverage = coverage(ix, scope, &tids, &picked, known);
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
    let range = par_fold(
        scope.len(),
        || None,
        |acc: &mut Option<(i64, i64)>, r| {
            if let Some((a, b)) = ts_range(ix, scope[r].iter().copied()) {
                *acc = Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
            }
        },
        |a, b| match (a, b) {
            (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
            (x, None) | (None, x) => x,
        },
    );
    let Some((lo, hi)) = range else {
        return Err(Error::new(Code::InvalidOption, "chronological sampling needs timestamps; the scope has none"));
    };
    // Slot centers computed once; per entry only a float multiply (no 128-bit division).
    let span = (hi - lo) as i128 + 1;
    let k128 = k as i128;
    let centers: Vec<i64> = (0..k).map(|s| (lo as i128 + (2 * s as i128 + 1) * span / (2 * k128)) as i64).collect();
    let per_ns = k as f64 / span as f64;
    let best = par_fold(
        scope.len(),
        || vec![(u64::MAX, usize::MAX); k],
        |best, r| {
            for p in r {
                let t = ix.cols.ts[scope[p] as usize];
                if t == NO_TS {
                    continue;
                }
                let slot = (((t - lo) as f64 * per_ns) as usize).min(k - 1);
                let d = t.abs_diff(centers[slot]);
                if d < best[slot].0 {
                    best[slot] = (d, p);
                }
            }
        },
        // Ties keep the earlier position, as a serial pass would.
        |mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x = (*x).min(y));
            a
        },
    );
    Ok(best
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1 != usize::MAX)
        .map(|(slot, &(_, p))| (p, format!("closest to {} (slot {} of {k})", time::format_ns(centers[slot]), slot + 1)))
        .collect())
}

fn errors(ix: &Index, scope: &[u32], k: usize) -> Vec<(usize, String)> {
    let errs: Vec<usize> = par_fold(
        scope.len(),
        Vec::new,
        |v, r| v.extend(r.filter(|&p| is_error(ix.cols.level[scope[p] as usize]))),
        |mut a, b| {
            a.extend(b);
            a
        },
    );
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

/// The picks, and the scope's totals (its pass counts them anyway).
fn diverse(
    ix: &Index,
    scope: &[u32],
    tids: &[u32],
    k: usize,
    templates: &dyn Templates,
) -> (Vec<(usize, String)>, Totals) {
    let n = scope.len();
    let tcount = tids.iter().copied().max().map_or(0, |m| m as usize + 1);
    let (tcol, tn) = (&ix.cols.ids[IdKind::Thread as usize], ix.interner(IdKind::Thread).count());
    // First position and count per level bucket, template and thread: one pass, split
    // across the cores (chunks merge in order: first = min, counts add).
    struct Firsts {
        lvl_first: [usize; 7],
        lvl_count: [usize; 7],
        tpl_first: Vec<usize>,
        tpl_count: Vec<u32>,
        thr_first: Vec<usize>,
        thr_count: Vec<u32>,
        services: Vec<u64>,
    }
    let (scol, sn) = (&ix.cols.ids[IdKind::Service as usize], ix.interner(IdKind::Service).count());
    let f = par_fold(
        n,
        || Firsts {
            lvl_first: [usize::MAX; 7],
            lvl_count: [0; 7],
            tpl_first: vec![usize::MAX; tcount],
            tpl_count: vec![0; tcount],
            thr_first: vec![usize::MAX; tn],
            thr_count: vec![0; tn],
            services: vec![0; sn / 64 + 1],
        },
        |f, r| {
            for p in r {
                let e = scope[p] as usize;
                let lb = level_bucket(ix.cols.level[e]);
                f.lvl_count[lb] += 1;
                f.lvl_first[lb] = f.lvl_first[lb].min(p);
                let t = tids[p] as usize;
                f.tpl_count[t] += 1;
                f.tpl_first[t] = f.tpl_first[t].min(p);
                let sv = scol[e] as usize;
                f.services[sv / 64] |= 1 << (sv % 64);
                let th = tcol[e] as usize;
                if th != 0 {
                    f.thr_count[th] += 1;
                    f.thr_first[th] = f.thr_first[th].min(p);
                }
            }
        },
        |mut a, b| {
            for k in 0..7 {
                a.lvl_first[k] = a.lvl_first[k].min(b.lvl_first[k]);
                a.lvl_count[k] += b.lvl_count[k];
            }
            a.tpl_first.iter_mut().zip(&b.tpl_first).for_each(|(x, y)| *x = (*x).min(*y));
            a.tpl_count.iter_mut().zip(&b.tpl_count).for_each(|(x, y)| *x += y);
            a.thr_first.iter_mut().zip(&b.thr_first).for_each(|(x, y)| *x = (*x).min(*y));
            a.thr_count.iter_mut().zip(&b.thr_count).for_each(|(x, y)| *x += y);
            a.services.iter_mut().zip(&b.services).for_each(|(x, y)| *x |= y);
            a
        },
    );
    let Firsts { lvl_first, lvl_count, tpl_first, tpl_count, thr_first, thr_count, services } = f;
    let totals = [
        lvl_count.iter().filter(|&&c| c > 0).count(),
        thr_count.iter().skip(1).filter(|&&c| c > 0).count(),
        services.iter().map(|x| x.count_ones() as usize).sum::<usize>() - (services[0] & 1) as usize,
        tpl_count.iter().filter(|&&c| c > 0).count(),
    ];
    struct Picker {
        taken: FxHashSet<usize>,
        tpl_seen: Vec<bool>,
        thr_seen: Vec<bool>,
        out: Vec<(usize, String)>,
    }
    let mut pk = Picker {
        taken: FxHashSet::default(),
        tpl_seen: vec![false; tcount],
        thr_seen: vec![false; tn],
        out: Vec::new(),
    };
    let take = |pk: &mut Picker, p: usize, reason: String| {
        if !pk.taken.insert(p) {
            return;
        }
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
    (pk.out, totals)
}
