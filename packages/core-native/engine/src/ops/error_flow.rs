//! `error-flow ID|query`: where errors started and how they spread.
//!
//! With an id: over its hierarchy, root causes are erroring nodes with no erroring
//! descendant (earliest first), each with the chain of nodes up to the root; the impact is the
//! share of nodes with errors, the deepest error, and concurrent failures (error nodes whose
//! windows overlap while neither is an ancestor of the other, so the overlap is not just
//! propagation).
//!
//! Without an id (a query scope): errors grouped by service (service id, else the
//! `services` file mapping, else the file name) and time bucket, services ordered by their first
//! error. The suggested origin is the service of the earliest *emerging* error template — one
//! absent from the first tenth of the scope's error time range — because real logs carry a
//! background of errors everywhere, and the first error of the scope is then just noise. When
//! nothing emerges (the scope starts inside the incident), the earliest error is suggested.

use super::correlate_rules::Virtual;
use super::hierarchy::{build_tree, HierarchyArgs, NodeOut};
use super::templates::Templates;
use super::timeline::ServiceMap;
use super::{bucket_ns, is_error, ts_range, Cache, KindMatch};
use crate::error::Result;
use crate::index::{Index, NO_TS};
use crate::time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorFlowArgs {
    /// A request / trace / span / thread id; without it, the scope's errors by service.
    pub id: Option<String>,
    pub kind: Option<String>,
    pub max_depth: Option<usize>,
    pub min_confidence: Option<f64>,
    /// Service per file (path or basename) for records without a service id (scope mode).
    pub services: Option<BTreeMap<String, String>>,
    /// Time bucket size in ms for the per-service error counts (scope mode; auto by default).
    pub bucket_ms: Option<f64>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RootCause {
    pub node: NodeOut,
    pub first_error_ns: Option<i64>,
    pub first_error_entry: Option<u32>,
    pub first_error_message: Option<String>,
    /// Node indices from the root cause up to the root.
    pub chain: Vec<ChainLink>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChainLink {
    pub node: usize,
    pub name: String,
    pub kind: &'static str,
    /// The node itself has error records (the error propagated through it).
    pub errored: bool,
    pub first_error_ns: Option<i64>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    pub nodes: usize,
    pub error_nodes: usize,
    /// errorNodes / nodes.
    pub share: f64,
    pub error_records: usize,
    /// Depth of the deepest erroring node (root = 0).
    pub max_error_depth: Option<usize>,
    /// Error nodes overlapping in time with an error node that is not their ancestor or
    /// descendant.
    pub concurrent_failures: usize,
    /// Largest number of such unrelated error nodes failing at the same time.
    pub max_concurrent: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TreeErrorFlow {
    pub id: String,
    pub kind: &'static str,
    pub matched_kinds: Vec<KindMatch>,
    pub root_causes: Vec<RootCause>,
    pub impact: Impact,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceErrors {
    pub service: String,
    pub errors: usize,
    pub first_error_ns: Option<i64>,
    pub first_error: Option<String>,
    pub first_error_entry: u32,
    pub first_error_message: String,
    pub last_error_ns: Option<i64>,
    /// Error counts per bucket: `[bucket start ns, count]`, only non-empty buckets.
    pub buckets: Vec<(i64, usize)>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ScopeErrorFlow {
    pub errors: usize,
    pub bucket_ms: Option<f64>,
    /// Services ordered by first error time.
    pub services: Vec<ServiceErrors>,
    /// Error templates absent from the first tenth of the error time range, earliest first.
    pub emerging: Vec<Emerging>,
    /// The service of the earliest emerging error (else of the first error), and why.
    pub suggested_origin: Option<String>,
    pub reason: Option<String>,
}

/// An error template that starts partway through the scope.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Emerging {
    pub template_id: u32,
    pub pattern: Option<String>,
    pub service: String,
    pub count: usize,
    pub first_ns: i64,
    pub first: String,
    pub first_entry: u32,
}

/// Least occurrences for a template to count as emerging (one-off errors are not a trend).
const EMERGING_MIN: usize = 3;
/// How unlikely a template's late start must be under "spread evenly over the range" to
/// count as emerging: a rare background error that happens to start late is not a change.
const EMERGING_P: f64 = 1e-3;

/// Error templates that start after the first tenth of their file's error time range and
/// whose late start is significant: with `n` occurrences spread evenly over the range, all would fall
/// after the first one with probability `(share of the range after it)^n`, which must be
/// below `EMERGING_P`. Earliest first. `errors` are error entries; `service` names one's
/// service.
pub fn emerging_errors(
    ix: &Index,
    errors: &[u32],
    templates: &dyn Templates,
    mut service: impl FnMut(u32) -> String,
) -> Vec<Emerging> {
    // Lateness is judged within each file's own error time range: files of different periods
    // (last year's log beside today's) must not make every template of the newer one "new".
    let mut ranges: BTreeMap<usize, (i64, i64)> = BTreeMap::new();
    for &e in errors {
        let ts = ix.cols.ts[e as usize];
        if ts != NO_TS {
            let r = ranges.entry(ix.file_of(e)).or_insert((ts, ts));
            r.0 = r.0.min(ts);
            r.1 = r.1.max(ts);
        }
    }
    let tids = templates.ids(errors);
    // template id → (first (ts, entry), count)
    let mut first: BTreeMap<u32, ((i64, u32), usize)> = BTreeMap::new();
    for (&e, &t) in errors.iter().zip(tids.iter()) {
        let ts = ix.cols.ts[e as usize];
        if ts == NO_TS {
            continue;
        }
        let slot = first.entry(t).or_insert(((ts, e), 0));
        slot.1 += 1;
        if (ts, e) < slot.0 {
            slot.0 = (ts, e);
        }
    }
    let late = |ts: i64, e: u32, n: usize| {
        let Some(&(lo, hi)) = ranges.get(&ix.file_of(e)) else { return false };
        let settled = lo + (hi - lo) / 10;
        let after = (hi - ts) as f64 / (hi - lo).max(1) as f64;
        ts > settled && n >= EMERGING_MIN && after.powi(n as i32) < EMERGING_P
    };
    let mut out: Vec<Emerging> = first
        .into_iter()
        .filter(|(_, ((ts, e), n))| late(*ts, *e, *n))
        .map(|(t, ((ts, e), count))| Emerging {
            template_id: t,
            pattern: templates.pattern(t),
            service: service(e),
            count,
            first_ns: ts,
            first: time::format_ns(ts),
            first_entry: e,
        })
        .collect();
    out.sort_by_key(|m| (m.first_ns, m.first_entry));
    out
}

/// Either shape, tagged by `mode` (`tree` or `scope`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum ErrorFlowResult {
    Tree(TreeErrorFlow),
    Scope(ScopeErrorFlow),
}

pub fn error_flow(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    templates: &dyn Templates,
    args: &ErrorFlowArgs,
) -> Result<ErrorFlowResult> {
    match &args.id {
        Some(id) => {
            if args.services.is_some() || args.bucket_ms.is_some() {
                return Err(crate::Error::new(
                    crate::Code::InvalidOption,
                    "services and bucketMs apply to error-flow without an id (scope mode)",
                ));
            }
            let h = HierarchyArgs {
                id: id.clone(),
                kind: args.kind.clone(),
                max_depth: args.max_depth,
                min_confidence: args.min_confidence,
                scope: None,
                query: None,
            };
            tree_flow(ix, virt, cache, scope, &h).map(ErrorFlowResult::Tree)
        }
        None => {
            if args.kind.is_some() || args.max_depth.is_some() || args.min_confidence.is_some() {
                return Err(crate::Error::new(
                    crate::Code::InvalidOption,
                    "kind, maxDepth and minConfidence apply to error-flow with an id",
                ));
            }
            scope_flow(ix, scope, templates, args).map(ErrorFlowResult::Scope)
        }
    }
}

fn tree_flow(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    h: &HierarchyArgs,
) -> Result<TreeErrorFlow> {
    let tree = build_tree(ix, virt, cache, scope, h)?;
    let nodes = &tree.nodes;
    let n = nodes.len();
    // Nodes are in breadth-first order: walking backwards visits children before parents.
    let mut below = vec![false; n];
    for i in (1..n).rev() {
        if below[i] || nodes[i].errors > 0 {
            if let Some(p) = nodes[i].parent {
                below[p] = true;
            }
        }
    }
    let first_err_ts = |i: usize| nodes[i].first_error.map(|e| ix.cols.ts[e as usize]).filter(|&t| t != NO_TS);
    let mut causes: Vec<usize> = (0..n).filter(|&i| nodes[i].errors > 0 && !below[i]).collect();
    causes.sort_by_key(|&i| (first_err_ts(i).unwrap_or(i64::MAX), i));
    let root_causes = causes
        .iter()
        .map(|&i| {
            let mut chain = Vec::new();
            let mut cur = Some(i);
            while let Some(x) = cur {
                chain.push(ChainLink {
                    node: x,
                    name: tree.name(ix, x),
                    kind: nodes[x].key.kind(),
                    errored: nodes[x].errors > 0,
                    first_error_ns: first_err_ts(x),
                });
                cur = nodes[x].parent;
            }
            RootCause {
                node: tree.node_out(ix, i),
                first_error_ns: first_err_ts(i),
                first_error_entry: nodes[i].first_error,
                first_error_message: nodes[i].first_error.map(|e| ix.message(e)),
                chain,
            }
        })
        .collect();
    // Euler tour for O(1) ancestor tests.
    let (mut tin, mut tout) = (vec![0usize; n], vec![0usize; n]);
    let mut clock = 0;
    let mut stack = vec![(0usize, false)];
    while let Some((v, done)) = stack.pop() {
        if done {
            tout[v] = clock;
            clock += 1;
            continue;
        }
        tin[v] = clock;
        clock += 1;
        stack.push((v, true));
        for &c in nodes[v].children.iter().rev() {
            stack.push((c, false));
        }
    }
    let related =
        |a: usize, b: usize| (tin[a] <= tin[b] && tout[b] <= tout[a]) || (tin[b] <= tin[a] && tout[a] <= tout[b]);
    let mut err_nodes: Vec<(i64, i64, usize)> = (0..n)
        .filter(|&i| nodes[i].errors > 0)
        .filter_map(|i| Some((nodes[i].first_ns?, nodes[i].last_ns?, i)))
        .collect();
    err_nodes.sort_unstable();
    let mut concurrent = vec![false; n];
    let mut max_concurrent = 0;
    for a in 0..err_nodes.len() {
        let (_, end, i) = err_nodes[a];
        let mut group = 1;
        for &(s2, _, j) in &err_nodes[a + 1..] {
            if s2 > end {
                break;
            }
            if !related(i, j) {
                concurrent[i] = true;
                concurrent[j] = true;
                group += 1;
            }
        }
        if group > 1 {
            max_concurrent = max_concurrent.max(group);
        }
    }
    let error_nodes = nodes.iter().filter(|x| x.errors > 0).count();
    let impact = Impact {
        nodes: n,
        error_nodes,
        share: if n > 0 { error_nodes as f64 / n as f64 } else { 0.0 },
        error_records: nodes.iter().map(|x| x.errors).sum(),
        max_error_depth: nodes.iter().filter(|x| x.errors > 0).map(|x| x.depth).max(),
        concurrent_failures: concurrent.iter().filter(|&&c| c).count(),
        max_concurrent,
    };
    Ok(TreeErrorFlow { id: h.id.clone(), kind: tree.root_kind, matched_kinds: tree.matched_kinds, root_causes, impact })
}

fn scope_flow(ix: &Index, scope: &[u32], templates: &dyn Templates, args: &ErrorFlowArgs) -> Result<ScopeErrorFlow> {
    let svc = ServiceMap::new(ix, args.services.as_ref())?;
    let errors: Vec<u32> = scope.iter().copied().filter(|&e| is_error(ix.cols.level[e as usize])).collect();
    let range = ts_range(ix, errors.iter().copied());
    let bucket = match range {
        Some((lo, hi)) => Some(bucket_ns(lo, hi, args.bucket_ms, 30)?),
        None => None,
    };
    // service name → (count, first (ts key, entry), last ts, buckets)
    struct Acc {
        errors: usize,
        first: (i64, u32),
        last: Option<i64>,
        buckets: BTreeMap<i64, usize>,
    }
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    let mut cached: Option<(u32, usize, String)> = None;
    for &e in &errors {
        let key = svc.key(ix, e);
        let name = match &cached {
            Some((k0, k1, n)) if (key.0, key.1) == (*k0, *k1) => n.clone(),
            _ => {
                let n = svc.name(ix, key);
                cached = Some((key.0, key.1, n.clone()));
                n
            }
        };
        let t = ix.cols.ts[e as usize];
        let acc =
            by.entry(name).or_insert(Acc { errors: 0, first: (i64::MAX, e), last: None, buckets: BTreeMap::new() });
        acc.errors += 1;
        let k = (if t == NO_TS { i64::MAX } else { t }, e);
        if k < acc.first {
            acc.first = k;
        }
        if t != NO_TS {
            acc.last = Some(acc.last.map_or(t, |l: i64| l.max(t)));
            if let (Some(b), Some((lo, _))) = (bucket, range) {
                *acc.buckets.entry(lo + (t - lo) / b * b).or_default() += 1;
            }
        }
    }
    let mut services: Vec<ServiceErrors> = by
        .into_iter()
        .map(|(service, a)| {
            let fts = (a.first.0 != i64::MAX).then_some(a.first.0);
            ServiceErrors {
                service,
                errors: a.errors,
                first_error_ns: fts,
                first_error: fts.map(time::format_ns),
                first_error_entry: a.first.1,
                first_error_message: ix.message(a.first.1),
                last_error_ns: a.last,
                buckets: a.buckets.into_iter().collect(),
            }
        })
        .collect();
    services.sort_by_key(|s| (s.first_error_ns.unwrap_or(i64::MAX), s.first_error_entry));
    let emerging = emerging_errors(ix, &errors, templates, |e| svc.name(ix, svc.key(ix, e)));
    let (suggested_origin, reason) = match (emerging.first(), services.as_slice()) {
        (Some(m), _) => {
            let pattern = m.pattern.as_deref().unwrap_or("?");
            let then = emerging.iter().find(|o| o.service != m.service).map_or(String::new(), |o| {
                format!(", {:.0} ms before {} starts failing", super::ms(o.first_ns - m.first_ns), o.service)
            });
            (
                Some(m.service.clone()),
                Some(format!("earliest new error: \"{pattern}\" at {} ({} times){then}", m.first, m.count)),
            )
        }
        (None, []) => (None, None),
        (None, [only]) => (Some(only.service.clone()), Some("the only service with errors".to_string())),
        (None, [a, b, ..]) => {
            let gap = match (a.first_error_ns, b.first_error_ns) {
                (Some(x), Some(y)) => format!("{:.0} ms before {}", super::ms(y - x), b.service),
                _ => format!("before {} in file order (no timestamps)", b.service),
            };
            (Some(a.service.clone()), Some(format!("first error at {gap} (no error template emerges in this scope)")))
        }
    };
    Ok(ScopeErrorFlow {
        errors: errors.len(),
        bucket_ms: bucket.map(super::ms),
        services,
        emerging,
        suggested_origin,
        reason,
    })
}
