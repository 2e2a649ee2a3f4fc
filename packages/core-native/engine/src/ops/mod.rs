//! Investigation operations: the questions an on-call engineer asks (follow an id, its tree of
//! spans/threads, where errors started, a sample, metrics, a triage overview).
//!
//! Every op takes the `Index`, a scope (the sorted entry ids the user's query selected; all
//! entries when there is no query) and typed arguments, and returns a serde-serializable
//! result (camelCase). Ops read columns and posting lists; they touch record bytes only for
//! the entries they report or must inspect (durations, metric values), and materialize an
//! `Entry` only for what they return.

pub mod bottlenecks;
pub mod context;
pub mod correlate;
pub mod correlate_rules;
pub mod error_flow;
pub mod follow;
pub mod hierarchy;
pub mod ids;
pub mod metrics;
pub mod numbers;
pub mod parse_sample;
pub mod rows;
pub mod sample;
pub mod templates;
pub mod timeline;
pub mod trace_export;
pub mod triage;
pub mod verify_pattern;

use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::record::IdKind;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;

/// OpenTelemetry severity number from which a record counts as an error (ERROR and FATAL).
pub const ERROR_LEVEL: u8 = crate::level::ERROR;

#[inline]
pub fn is_error(level: u8) -> bool {
    level >= ERROR_LEVEL
}

/// Nanoseconds to milliseconds (what every duration in a result is expressed in).
#[inline]
pub fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

/// Per-session caches the ops build on first use (the index itself is immutable).
#[derive(Default)]
pub struct Cache {
    /// Ids of each kind sorted by name, for prefix lookups (`worker-1` → `worker-1.*`).
    sorted: [OnceLock<Vec<u32>>; 6],
    /// `0..n`, the scope when the caller gives none.
    all: OnceLock<Vec<u32>>,
}

impl Cache {
    pub fn all<'a>(&'a self, ix: &Index) -> &'a [u32] {
        self.all.get_or_init(|| (0..ix.len() as u32).collect())
    }

    /// Ids of `kind` whose name starts with `prefix`, in name order. O(log ids) after the first
    /// call builds the sorted list.
    pub fn with_prefix<'a>(&'a self, ix: &'a Index, kind: IdKind, prefix: &[u8]) -> &'a [u32] {
        let k = kind as usize;
        let sorted = self.sorted[k].get_or_init(|| {
            let names = ix.interner(kind);
            let mut v: Vec<u32> = (1..names.count() as u32).collect();
            v.sort_unstable_by(|&a, &b| names.name(a).cmp(&names.name(b)));
            v
        });
        let names = ix.interner(kind);
        let lo = sorted.partition_point(|&id| *names.name(id) < *prefix);
        let hi = lo + sorted[lo..].partition_point(|&id| names.name(id).starts_with(prefix));
        &sorted[lo..hi]
    }
}

/// Validates a caller-given scope: sorted, deduplicated, every id in range.
pub fn check_scope(ix: &Index, mut scope: Vec<u32>) -> Result<Vec<u32>> {
    scope.sort_unstable();
    scope.dedup();
    if let Some(&last) = scope.last() {
        if last as usize >= ix.len() {
            return Err(Error::new(Code::UnknownId, format!("no entry {last} (the index has {})", ix.len())));
        }
    }
    Ok(scope)
}

/// Whether entry `e` is in `scope` (sorted). O(1) for the full scope, O(log n) otherwise.
#[inline]
pub fn in_scope(ix: &Index, scope: &[u32], e: u32) -> bool {
    scope.len() == ix.len() || scope.binary_search(&e).is_ok()
}

/// The entries of a posting list that are in scope (posting lists are in entry order).
pub fn restrict(ix: &Index, scope: &[u32], posting: &[u32]) -> Vec<u32> {
    if scope.len() == ix.len() {
        posting.to_vec()
    } else {
        posting.iter().copied().filter(|&e| scope.binary_search(&e).is_ok()).collect()
    }
}

/// `restrict` for an owned list (a column scan's result): the full scope keeps it as it is.
pub fn restrict_owned(ix: &Index, scope: &[u32], entries: Cow<'_, [u32]>) -> Vec<u32> {
    if scope.len() == ix.len() {
        entries.into_owned()
    } else {
        restrict(ix, scope, &entries)
    }
}

/// Sorts entries (given in entry order) into time order: by (timestamp, file, line). An entry
/// without a timestamp takes the timestamp of the entry before it in the same file, so it
/// stays where its file put it (e.g. right after the record it continues).
pub fn time_order(ix: &Index, entries: &mut [u32]) {
    let mut keyed: Vec<(i64, u32)> = Vec::with_capacity(entries.len());
    let mut carry = NO_TS;
    let mut file_end = 0u32;
    for &e in entries.iter() {
        if e >= file_end {
            let f = &ix.files[ix.file_of(e)];
            file_end = f.first + f.count;
            carry = NO_TS;
        }
        let t = ix.cols.ts[e as usize];
        if t != NO_TS {
            carry = t;
        }
        keyed.push((carry, e));
    }
    // Logs are nearly in time order (a few records a little late): an insertion sort is linear
    // then (one compare per entry when already sorted). It gives up after a few moves per
    // entry and the general sort finishes.
    let budget = 4 * keyed.len() + 64;
    if !insertion_sort_bounded(&mut keyed, budget) {
        keyed.sort_unstable();
    }
    for (slot, (_, e)) in entries.iter_mut().zip(keyed) {
        *slot = e;
    }
}

/// Insertion sort that stops once it has moved more than `budget` elements (the slice is then
/// still a permutation of its input, partly sorted). Returns whether it finished.
fn insertion_sort_bounded<T: Ord + Copy>(v: &mut [T], budget: usize) -> bool {
    let mut moves = 0;
    for i in 1..v.len() {
        let x = v[i];
        if v[i - 1] <= x {
            continue;
        }
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
        moves += i - j;
        if moves > budget {
            return false;
        }
    }
    true
}

/// An id the user named, resolved to a kind.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedId {
    pub kind: IdKind,
    pub id: u32,
}

/// Which kinds an id value matched, with entry counts (reported when it is ambiguous).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KindMatch {
    pub kind: &'static str,
    pub entries: usize,
}

/// Kinds an id is auto-detected among, in tie-break order.
pub const FOLLOW_KINDS: [IdKind; 4] = [IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Thread];

/// Resolves an id value. With `kind` given, it must exist in that kind. Otherwise it is looked up
/// in each of `FOLLOW_KINDS`; when several match, the kind with the most entries wins, ties
/// broken by the order request, trace, span, thread. Returns the matches for reporting.
/// Also returns the chosen id's entries (all of them, in entry order; callers restrict to
/// their scope): a posting list for requests and traces, a column scan for the other kinds.
pub fn resolve_id<'a>(
    ix: &'a Index,
    value: &str,
    kind: Option<&str>,
) -> Result<(ResolvedId, Vec<KindMatch>, Cow<'a, [u32]>)> {
    if value.is_empty() {
        return Err(Error::new(Code::InvalidOption, "an id is required"));
    }
    let kinds: Vec<IdKind> = match kind {
        Some(k) => {
            let kind = parse_kind(k)?;
            vec![kind]
        }
        None => FOLLOW_KINDS.to_vec(),
    };
    let mut matches = Vec::new();
    let mut best: Option<(ResolvedId, Cow<'a, [u32]>)> = None;
    for kind in kinds {
        if let Some(id) = ix.interner(kind).get(value.as_bytes()) {
            let entries = ix.entries_with(kind, id);
            let n = entries.len();
            if n == 0 {
                // A span id seen only as a parent has no records of its own.
                continue;
            }
            matches.push(KindMatch { kind: kind.name(), entries: n });
            if best.as_ref().is_none_or(|(_, m)| n > m.len()) {
                best = Some((ResolvedId { kind, id }, entries));
            }
        }
    }
    match best {
        Some((r, entries)) => Ok((r, matches, entries)),
        None => {
            let what = kind.map_or("thread, request, trace or span".to_string(), |k| k.to_string());
            Err(Error::new(Code::UnknownId, format!("no {what} id '{value}' in the index")).at(value))
        }
    }
}

/// The kind name of a virtual trace id (see `correlate_rules`).
pub const VIRTUAL: &str = "virtual";

/// An id resolved to its entries: a real id (`real` is Some) or a virtual trace of correlation
/// rules. `kind` is the kind's name.
pub struct Resolved<'a> {
    pub real: Option<ResolvedId>,
    pub kind: &'static str,
    pub matched_kinds: Vec<KindMatch>,
    pub entries: Cow<'a, [u32]>,
}

/// `resolve_id`, and virtual trace ids when correlation rules are given: kind `virtual` looks
/// only there; no kind looks there first (virtual names hold a ':' and rarely collide).
pub fn resolve_any<'a>(
    ix: &'a Index,
    virt: Option<&'a correlate_rules::Virtual>,
    value: &str,
    kind: Option<&str>,
) -> Result<Resolved<'a>> {
    let found = virt.and_then(|v| Some((v, v.get(value)?)));
    if kind == Some(VIRTUAL) || (kind.is_none() && found.is_some()) {
        let Some(v) = virt else {
            return Err(Error::new(Code::InvalidOption, "kind virtual needs correlation rules (rules / --rules FILE)"));
        };
        let Some((_, id)) = found else {
            return Err(Error::new(Code::UnknownId, format!("no virtual id '{value}' under these rules")).at(value));
        };
        let entries = v.entries(id);
        return Ok(Resolved {
            real: None,
            kind: VIRTUAL,
            matched_kinds: vec![KindMatch { kind: VIRTUAL, entries: entries.len() }],
            entries: Cow::Borrowed(entries),
        });
    }
    let (r, matched_kinds, entries) = resolve_id(ix, value, kind)?;
    Ok(Resolved { real: Some(r), kind: r.kind.name(), matched_kinds, entries })
}

/// Parses a user-given id kind; `parent` has no posting list and is refused.
pub fn parse_kind(k: &str) -> Result<IdKind> {
    match IdKind::from_name(k) {
        Some(IdKind::Parent) | None => Err(Error::new(
            Code::InvalidOption,
            format!("unknown id kind '{k}': use thread, request, trace, span or service"),
        )),
        Some(kind) => Ok(kind),
    }
}

/// The last path component of a file path (the default service name of a file).
pub fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Lossy text of id bytes.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Min and max timestamp of entries (None when none has one).
pub fn ts_range(ix: &Index, entries: impl IntoIterator<Item = u32>) -> Option<(i64, i64)> {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for e in entries {
        let t = ix.cols.ts[e as usize];
        if t != NO_TS {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Round bucket sizes (ms) the automatic bucketing picks from.
const NICE_BUCKETS_MS: [u64; 22] = [
    1,
    10,
    100,
    1_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    21_600_000,
    43_200_000,
    86_400_000,
    604_800_000,
    2_592_000_000,
    31_536_000_000,
];

/// Time buckets over [lo, hi]: the given size, or the smallest round size giving at most
/// `target` buckets.
pub fn bucket_ns(lo: i64, hi: i64, size_ms: Option<f64>, target: u64) -> Result<i64> {
    if let Some(s) = size_ms {
        if !(s.is_finite() && s > 0.0) {
            return Err(Error::new(
                Code::InvalidOption,
                format!("bucket size must be a positive number of ms, got {s}"),
            ));
        }
        let ns = (s * 1e6) as i64;
        if ns < 1 || (hi - lo) / ns.max(1) > 1_000_000 {
            return Err(Error::new(
                Code::InvalidOption,
                format!("bucket size {s} ms gives more than 1,000,000 buckets"),
            ));
        }
        return Ok(ns);
    }
    let span_ms = ((hi - lo) / 1_000_000) as u64 + 1;
    let pick = NICE_BUCKETS_MS.iter().copied().find(|&b| span_ms.div_ceil(b) <= target);
    Ok(pick.unwrap_or(*NICE_BUCKETS_MS.last().unwrap_or(&86_400_000)) as i64 * 1_000_000)
}

/// A page of a longer list: `offset` and `limit` as given, `total` before paging.
pub fn page<T: Copy>(items: &[T], offset: usize, limit: usize) -> &[T] {
    let start = offset.min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    &items[start..end]
}

#[cfg(test)]
mod tests {
    use super::insertion_sort_bounded;

    #[test]
    fn bounded_insertion_sort_sorts_or_gives_up() {
        let mut near = vec![1, 2, 4, 3, 5, 7, 6, 8];
        assert!(insertion_sort_bounded(&mut near, 10));
        assert_eq!(near, [1, 2, 3, 4, 5, 6, 7, 8]);
        let mut reversed: Vec<u32> = (0..100).rev().collect();
        assert!(!insertion_sort_bounded(&mut reversed, 50));
        reversed.sort_unstable();
        assert_eq!(reversed, (0..100).collect::<Vec<_>>());
    }
}
