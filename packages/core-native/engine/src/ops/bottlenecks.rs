//! `bottlenecks ID`: the nodes of a hierarchy that take longest, over an absolute threshold
//! and/or a share of the root's duration, each with its path from the root.

use super::correlate_rules::Virtual;
use super::hierarchy::{build_tree, HierarchyArgs};
use super::{Cache, KindMatch};
use crate::error::{Code, Error, Result};
use crate::index::Index;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BottlenecksArgs {
    pub id: String,
    pub kind: Option<String>,
    /// Keep nodes lasting at least this many ms.
    pub threshold_ms: Option<f64>,
    /// Keep nodes lasting at least this share (0..1) of the root's duration. When neither
    /// option is given, `minShare` is 0.1. When both are, a node must pass both.
    pub min_share: Option<f64>,
    /// Most nodes returned (default 20).
    pub limit: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_confidence: Option<f64>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Bottleneck {
    /// Index in the hierarchy's node list.
    pub node: usize,
    pub name: String,
    pub kind: &'static str,
    pub depth: usize,
    pub duration_ms: f64,
    pub duration_source: Option<&'static str>,
    /// Duration minus the children's durations (never below 0): time spent in the node itself.
    pub self_ms: f64,
    /// Share of the root's duration.
    pub share: Option<f64>,
    pub error_count: usize,
    /// Node names from the root down to this node.
    pub path: Vec<String>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BottlenecksResult {
    pub id: String,
    pub kind: &'static str,
    pub matched_kinds: Vec<KindMatch>,
    pub total_ms: Option<f64>,
    pub threshold_ms: Option<f64>,
    pub min_share: Option<f64>,
    /// Nodes that passed the thresholds (before `limit`).
    pub total: usize,
    pub nodes: Vec<Bottleneck>,
    /// Node indexes from the root down along the child that ends last at each level: the
    /// chain the request waited on (a waterfall highlights it).
    pub critical_path: Vec<usize>,
}

/// From the root, the child ending last (ties: the longer one, then the first) at each level.
fn critical_path(nodes: &[super::hierarchy::Node]) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    while let Some(&next) = nodes[at].children.iter().max_by(|&&a, &&b| {
        let (na, nb) = (&nodes[a], &nodes[b]);
        na.last_ns
            .cmp(&nb.last_ns)
            .then(na.duration_ms.unwrap_or(0.0).total_cmp(&nb.duration_ms.unwrap_or(0.0)))
            .then(b.cmp(&a))
    }) {
        out.push(next);
        at = next;
    }
    out
}

pub fn bottlenecks(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    args: &BottlenecksArgs,
) -> Result<BottlenecksResult> {
    if let Some(t) = args.threshold_ms {
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::new(Code::InvalidOption, format!("thresholdMs must be a number ≥ 0, got {t}")));
        }
    }
    let min_share = match (args.threshold_ms, args.min_share) {
        (None, None) => Some(0.1),
        (_, s) => s,
    };
    if let Some(s) = min_share {
        if !(0.0..=1.0).contains(&s) {
            return Err(Error::new(Code::InvalidOption, format!("minShare must be within 0..1, got {s}")));
        }
    }
    let limit = args.limit.unwrap_or(20);
    if limit == 0 {
        return Err(Error::new(Code::InvalidOption, "limit must be at least 1"));
    }
    let h = HierarchyArgs {
        id: args.id.clone(),
        kind: args.kind.clone(),
        max_depth: args.max_depth,
        min_confidence: args.min_confidence,
        scope: None,
        query: None,
    };
    let tree = build_tree(ix, virt, cache, scope, &h)?;
    let nodes = &tree.nodes;
    let total = nodes[0].duration_ms.filter(|&d| d > 0.0);
    let mut out: Vec<Bottleneck> = Vec::new();
    for (i, n) in nodes.iter().enumerate().skip(1) {
        let Some(d) = n.duration_ms else { continue };
        let share = total.map(|t| d / t);
        if args.threshold_ms.is_some_and(|t| d < t) {
            continue;
        }
        if let Some(s) = min_share {
            // Without a root duration a share cannot be judged: the node does not qualify.
            if share.is_none_or(|x| x < s) {
                continue;
            }
        }
        let kids: f64 = n.children.iter().filter_map(|&c| nodes[c].duration_ms).sum();
        out.push(Bottleneck {
            node: i,
            name: tree.name(ix, i),
            kind: n.key.kind(),
            depth: n.depth,
            duration_ms: d,
            duration_source: n.duration_source,
            self_ms: (d - kids).max(0.0),
            share,
            error_count: n.errors,
            path: tree.path(ix, i),
        });
    }
    out.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms).then(a.node.cmp(&b.node)));
    let total_found = out.len();
    out.truncate(limit);
    let critical_path = critical_path(nodes);
    Ok(BottlenecksResult {
        id: args.id.clone(),
        kind: tree.root_kind,
        matched_kinds: tree.matched_kinds,
        total_ms: total,
        threshold_ms: args.threshold_ms,
        min_share,
        total: total_found,
        nodes: out,
        critical_path,
    })
}
