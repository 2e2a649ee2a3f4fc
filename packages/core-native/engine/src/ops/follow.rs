//! `follow ID`: every record of one thread / request / trace / span id, in time order across
//! files, with its duration, the services it touched, its outcome and first error. Costs
//! O(entries of that id) for requests and traces (posting lists) plus a SIMD scan of the id
//! column for threads and spans, a sort that is linear on records already nearly in time
//! order, and one page of materialized entries (and entry ids).

use super::correlate_rules::Virtual;
use super::{is_error, ms, page, resolve_any, restrict_owned, text, time_order, KindMatch};
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::record::IdKind;
use crate::time;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowArgs {
    pub id: String,
    /// `thread`, `request`, `trace`, `span`, `service` or `virtual` (a correlation rule's id);
    /// auto-detected when absent.
    pub kind: Option<String>,
    /// Page of materialized entries (default offset 0, limit 100).
    #[serde(default)]
    pub offset: usize,
    pub limit: Option<usize>,
    /// Include each materialized entry's parsed fields.
    #[serde(default)]
    pub fields: bool,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FollowResult {
    pub id: String,
    pub kind: &'static str,
    /// Every kind the id exists in (more than one: the id was ambiguous and `kind` was picked by
    /// most entries, ties in the order request, trace, span, thread).
    pub matched_kinds: Vec<KindMatch>,
    /// Records of the id in scope; the summary below (times, services, threads, outcome, first
    /// error) is over all of them, whatever the page.
    pub total: usize,
    /// Entry ids of the page `offset..offset+limit` of the records in time order (the ids of
    /// `entries`). Paged like them: a busy thread has tens of thousands of records, and
    /// returning every id made the answer cost more than finding it.
    pub entry_ids: Vec<u32>,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub duration_ms: Option<f64>,
    /// Services touched, in order of first appearance (time order).
    pub services: Vec<String>,
    /// Threads touched, in order of first appearance.
    pub threads: Vec<String>,
    /// `error` when any record is ERROR or FATAL, else `ok`.
    pub outcome: &'static str,
    pub error_count: usize,
    pub first_error: Option<Entry>,
    pub offset: usize,
    pub limit: usize,
    /// The `offset` of the next page; `None` on the last page.
    pub next_offset: Option<usize>,
    /// The page's entries, materialized (same order as `entryIds`).
    pub entries: Vec<Entry>,
}

/// Distinct names of an id kind over entries, in order of first appearance. Runs of one id
/// (a thread followed through its own records) skip the set lookup.
pub fn distinct_names(ix: &Index, kind: IdKind, entries: &[u32]) -> Vec<String> {
    let col = &ix.cols.ids[kind as usize];
    let mut set = rustc_hash::FxHashSet::default();
    let mut seen: Vec<u32> = Vec::new();
    let mut prev = 0;
    for &e in entries {
        let id = col[e as usize];
        if id != prev && id != 0 && set.insert(id) {
            seen.push(id);
        }
        prev = id;
    }
    seen.iter().map(|&id| text(&ix.id_name(kind, id))).collect()
}

pub fn follow(ix: &Index, scope: &[u32], args: &FollowArgs) -> Result<FollowResult> {
    follow_in(ix, None, scope, args)
}

/// `follow`, with the virtual trace ids of correlation rules (`virt`) followable too.
pub fn follow_in(ix: &Index, virt: Option<&Virtual>, scope: &[u32], args: &FollowArgs) -> Result<FollowResult> {
    let limit = args.limit.unwrap_or(100);
    if limit == 0 {
        return Err(Error::new(Code::InvalidOption, "limit must be at least 1"));
    }
    let r = resolve_any(ix, virt, &args.id, args.kind.as_deref())?;
    let matched_kinds = r.matched_kinds;
    let mut entries = restrict_owned(ix, scope, r.entries);
    time_order(ix, &mut entries);
    // One pass for the time range, the error count and the first error (entries are in time
    // order, so the first error met is the earliest).
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let (mut error_count, mut first_err) = (0, None);
    for &e in &entries {
        let t = ix.cols.ts[e as usize];
        if t != NO_TS {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        if is_error(ix.cols.level[e as usize]) {
            error_count += 1;
            first_err.get_or_insert(e);
        }
    }
    let range = (lo <= hi).then_some((lo, hi));
    let ids = page(&entries, args.offset, limit);
    let end = args.offset.saturating_add(ids.len());
    Ok(FollowResult {
        id: args.id.clone(),
        kind: r.kind,
        matched_kinds,
        total: entries.len(),
        first_ns: range.map(|r| r.0),
        last_ns: range.map(|r| r.1),
        first: range.map(|r| time::format_ns(r.0)),
        last: range.map(|r| time::format_ns(r.1)),
        duration_ms: range.map(|(a, b)| ms(b - a)),
        services: distinct_names(ix, IdKind::Service, &entries),
        threads: distinct_names(ix, IdKind::Thread, &entries),
        outcome: if error_count > 0 { "error" } else { "ok" },
        error_count,
        first_error: first_err.map(|e| ix.entry(e, args.fields)),
        offset: args.offset,
        limit,
        next_offset: (!ids.is_empty() && end < entries.len()).then_some(end),
        entries: ids.iter().map(|&e| ix.entry(e, args.fields)).collect(),
        entry_ids: ids.to_vec(),
    })
}
