//! `ids`: every thread / request / trace / span / service id in scope, with its entry count
//! and first / last timestamp. One pass over the id columns of the scope per kind.

use super::correlate_rules::Virtual;
use super::{parse_kind, text, VIRTUAL};
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::record::IdKind;
use crate::time;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub enum IdSort {
    /// Most entries first (ties by name).
    #[default]
    Count,
    /// By name.
    Name,
    /// Earliest first seen first (ids without timestamps last).
    First,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdsArgs {
    /// `thread`, `request`, `trace`, `span`, `service` or `virtual` (correlation rules' ids); all
    /// when absent.
    pub kind: Option<String>,
    #[serde(default)]
    pub sort: IdSort,
    /// Ids returned per kind (default 100).
    pub limit: Option<usize>,
    /// Entry ids to restrict to (sorted or not); all entries when absent.
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdInfo {
    pub id: String,
    pub count: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<String>,
    pub last: Option<String>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdKindList {
    pub kind: &'static str,
    /// Distinct ids of this kind in scope (before `limit`).
    pub total: usize,
    pub ids: Vec<IdInfo>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdsResult {
    pub kinds: Vec<IdKindList>,
}

const KINDS: [IdKind; 5] = [IdKind::Thread, IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Service];

pub fn ids(ix: &Index, scope: &[u32], args: &IdsArgs) -> Result<IdsResult> {
    ids_in(ix, None, scope, args)
}

/// `ids`, and with correlation rules (`virt`) their virtual trace ids as a sixth kind
/// (`virtual`; the only one listed when `kind` is `virtual`).
pub fn ids_in(ix: &Index, virt: Option<&Virtual>, scope: &[u32], args: &IdsArgs) -> Result<IdsResult> {
    let want_virtual = args.kind.as_deref() == Some(VIRTUAL);
    if want_virtual && virt.is_none() {
        return Err(Error::new(Code::InvalidOption, "kind virtual needs correlation rules (rules / --rules FILE)"));
    }
    let kinds: Vec<IdKind> = match &args.kind {
        _ if want_virtual => Vec::new(),
        Some(k) => vec![parse_kind(k)?],
        None => KINDS.to_vec(),
    };
    let limit = args.limit.unwrap_or(100);
    if limit == 0 {
        return Err(Error::new(Code::InvalidOption, "limit must be at least 1"));
    }
    let mut out = Vec::new();
    for kind in kinds {
        let names = ix.interner(kind);
        let col = &ix.cols.ids[kind as usize];
        out.push(list(ix, scope, col, names.count(), |i| names.name(i), kind.name(), args.sort, limit));
    }
    if let Some(v) = virt.filter(|_| want_virtual || args.kind.is_none()) {
        out.push(list(ix, scope, &v.of, v.count(), |i| v.names[i as usize].as_bytes(), VIRTUAL, args.sort, limit));
    }
    Ok(IdsResult { kinds: out })
}

/// The ids of one id column (`col`, `n` ids including 0) in scope: counts, first and last
/// timestamps, the first `limit` in `sort` order.
#[allow(clippy::too_many_arguments)]
fn list<N: Ord + std::ops::Deref<Target = [u8]>>(
    ix: &Index,
    scope: &[u32],
    col: &[u32],
    n: usize,
    name: impl Fn(u32) -> N,
    kind: &'static str,
    sort: IdSort,
    limit: usize,
) -> IdKindList {
    let mut count = vec![0u64; n];
    let mut first = vec![i64::MAX; n];
    let mut last = vec![i64::MIN; n];
    for &e in scope {
        let id = col[e as usize] as usize;
        if id == 0 {
            continue;
        }
        count[id] += 1;
        let t = ix.cols.ts[e as usize];
        if t != NO_TS {
            first[id] = first[id].min(t);
            last[id] = last[id].max(t);
        }
    }
    let mut present: Vec<u32> = (1..n as u32).filter(|&i| count[i as usize] > 0).collect();
    let total = present.len();
    // Only the first `limit` need ordering: select them first (O(n)), then sort those.
    let cmp = |a: &u32, b: &u32| match sort {
        IdSort::Count => count[*b as usize].cmp(&count[*a as usize]).then_with(|| name(*a).cmp(&name(*b))),
        IdSort::Name => name(*a).cmp(&name(*b)),
        IdSort::First => (first[*a as usize], name(*a)).cmp(&(first[*b as usize], name(*b))),
    };
    if present.len() > limit {
        present.select_nth_unstable_by(limit - 1, cmp);
        present.truncate(limit);
    }
    present.sort_unstable_by(cmp);
    let ids = present
        .iter()
        .map(|&i| {
            let (f, l) = (first[i as usize], last[i as usize]);
            let has = f <= l;
            IdInfo {
                id: text(&name(i)),
                count: count[i as usize],
                first_ns: has.then_some(f),
                last_ns: has.then_some(l),
                first: has.then(|| time::format_ns(f)),
                last: has.then(|| time::format_ns(l)),
            }
        })
        .collect();
    IdKindList { kind, total, ids }
}
