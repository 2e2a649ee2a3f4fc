//! `hierarchy ID`: the tree of spans / threads under a root, each edge with the method that
//! inferred it and a confidence.
//!
//! Roots: a request or trace id (a synthetic group node holds the records that have neither a
//! span nor a thread; every span / thread of the group is a node), a span (its subtree), or a
//! thread (it and the threads named under it).
//!
//! Edges, in order, a node taking the first that applies:
//! 1. `explicit` (1.0): the node's records name a parent span id that is a node.
//! 2. `naming` (0.9): the longest proper prefix of its name ending before a separator
//!    (`:` `-` `.` `/`) is a node of the same kind (`worker-1.task-a` → `worker-1`). A hash
//!    lookup per prefix inside a group; threads under a thread root come from a sorted name
//!    index (`Cache::with_prefix`), never a scan per node.
//! 3. `temporal` (0.5–0.7): the node's [first, last] window lies inside another node's window
//!    on the same request; the tightest such parent wins, confidence 0.5 + 0.2 × (child
//!    window / parent window).
//! 4. `group` (1.0): the rest hang off the request / trace node (they share its id).
//!
//! Inferred edges below `minConfidence` are not made (the node falls through to the next
//! method). Per node duration: the largest duration a record states (`duration_ms`,
//! `elapsed`, `took 12ms`, ... see `numbers`), else last − first timestamp.

use super::correlate_rules::Virtual;
use super::numbers;
use super::{is_error, ms, resolve_any, restrict, text, KindMatch, ResolvedId};
use crate::error::{Code, Error, Result};
use crate::index::{Index, NO_TS};
use crate::ops::Cache;
use crate::record::IdKind;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Name separators for naming-pattern edges.
pub const SEPARATORS: [u8; 4] = [b':', b'-', b'.', b'/'];

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HierarchyArgs {
    pub id: String,
    /// `request`, `trace`, `span` or `thread`; auto-detected when absent.
    pub kind: Option<String>,
    /// Deepest level kept (root = 0); deeper nodes are left out and counted in `truncatedNodes`.
    pub max_depth: Option<usize>,
    /// Inferred edges (naming 0.9, temporal 0.5–0.7) below this are not made. Default 0.
    pub min_confidence: Option<f64>,
    /// Entry ids to restrict to; intersected with `query` when both are given.
    pub scope: Option<Vec<u32>>,
    /// The search query model (time range, levels, ids, text, fields, files) scoping the input.
    pub query: Option<crate::query::Query>,
}

/// Node identity: a span, a thread, or the request/trace group itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKey {
    Group(IdKind, u32),
    /// The root of a virtual trace (correlation rules); its name is the id asked for.
    Virtual,
    Span(u32),
    Thread(u32),
}

impl NodeKey {
    pub fn kind(self) -> &'static str {
        match self {
            NodeKey::Group(k, _) => k.name(),
            NodeKey::Virtual => super::VIRTUAL,
            NodeKey::Span(_) => "span",
            NodeKey::Thread(_) => "thread",
        }
    }
    pub fn name(self, ix: &Index) -> String {
        match self {
            NodeKey::Group(k, id) => text(&ix.id_name(k, id)),
            // Named by `Tree::name` (the key does not hold the virtual names).
            NodeKey::Virtual => String::new(),
            NodeKey::Span(id) => text(&ix.id_name(IdKind::Span, id)),
            NodeKey::Thread(id) => text(&ix.id_name(IdKind::Thread, id)),
        }
    }
}

/// A node while building and in the finished tree.
#[derive(Clone, Debug)]
pub struct Node {
    pub key: NodeKey,
    /// Its own records (entry order).
    pub entries: Vec<u32>,
    pub errors: usize,
    /// Earliest error record (time order).
    pub first_error: Option<u32>,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub duration_ms: Option<f64>,
    /// `record` (a duration a record states) or `timestamps` (last − first).
    pub duration_source: Option<&'static str>,
    pub parent: Option<usize>,
    pub method: Option<&'static str>,
    pub confidence: Option<f64>,
    pub children: Vec<usize>,
    pub depth: usize,
    /// Parent span id its records name (0: none).
    declared_parent: u32,
}

impl Node {
    fn new(key: NodeKey) -> Node {
        Node {
            key,
            entries: Vec::new(),
            errors: 0,
            first_error: None,
            first_ns: None,
            last_ns: None,
            duration_ms: None,
            duration_source: None,
            parent: None,
            method: None,
            confidence: None,
            children: Vec::new(),
            depth: 0,
            declared_parent: 0,
        }
    }
    fn window(&self) -> Option<(i64, i64)> {
        Some((self.first_ns?, self.last_ns?))
    }
}

/// A finished tree: nodes in breadth-first order from the root (index 0).
pub struct Tree {
    /// The root id's kind name (`virtual` for a correlation rule's id).
    pub root_kind: &'static str,
    pub matched_kinds: Vec<KindMatch>,
    pub nodes: Vec<Node>,
    /// Nodes left out below `maxDepth`.
    pub truncated: usize,
    /// The id asked for: the name of a virtual root (`NodeKey::Virtual` holds no name).
    pub root_id: String,
}

impl Tree {
    /// The name of node `i` (a virtual root is named by the id asked for).
    pub fn name(&self, ix: &Index, i: usize) -> String {
        match self.nodes[i].key {
            NodeKey::Virtual => self.root_id.clone(),
            k => k.name(ix),
        }
    }

    /// The path of node names from the root to `i`.
    pub fn path(&self, ix: &Index, i: usize) -> Vec<String> {
        let mut p = vec![self.name(ix, i)];
        let mut cur = self.nodes[i].parent;
        while let Some(x) = cur {
            p.push(self.name(ix, x));
            cur = self.nodes[x].parent;
        }
        p.reverse();
        p
    }

    /// Node `i` as reported.
    pub fn node_out(&self, ix: &Index, i: usize) -> NodeOut {
        let n = &self.nodes[i];
        let svc = n.entries.iter().map(|&e| ix.id(IdKind::Service, e)).find(|&s| s != 0);
        NodeOut {
            index: i,
            name: self.name(ix, i),
            kind: n.key.kind(),
            service: svc.map(|s| text(&ix.id_name(IdKind::Service, s))),
            parent: n.parent,
            method: n.method,
            confidence: n.confidence,
            depth: n.depth,
            entry_count: n.entries.len(),
            error_count: n.errors,
            first_ns: n.first_ns,
            last_ns: n.last_ns,
            duration_ms: n.duration_ms,
            duration_source: n.duration_source,
            child_ids: n.children.clone(),
        }
    }
}

fn check_confidence(c: Option<f64>) -> Result<f64> {
    let c = c.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&c) {
        return Err(Error::new(Code::InvalidOption, format!("minConfidence must be within 0..1, got {c}")));
    }
    Ok(c)
}

/// Builds the tree under an id (see the module doc), the virtual trace ids of correlation rules
/// (`virt`) accepted as roots too: a virtual trace is a group like a request (its spans and
/// threads under it). Every op on a tree (hierarchy, bottlenecks, error flow, trace export)
/// resolves its id here.
pub fn build_tree(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    args: &HierarchyArgs,
) -> Result<Tree> {
    let min_conf = check_confidence(args.min_confidence)?;
    let resolved = resolve_any(ix, virt, &args.id, args.kind.as_deref())?;
    let (root_kind, matched_kinds, own) = (resolved.kind, resolved.matched_kinds, resolved.entries);
    let Some(r) = resolved.real else {
        let entries = restrict(ix, scope, &own);
        let mut nodes = group_nodes(ix, NodeKey::Virtual, &entries);
        link_group(ix, &mut nodes, min_conf);
        return finish_tree(ix, nodes, 0, root_kind, matched_kinds, args);
    };
    let (nodes, root) = match r.kind {
        IdKind::Request | IdKind::Trace => {
            let entries = restrict(ix, scope, &own);
            let mut nodes = group_nodes(ix, NodeKey::Group(r.kind, r.id), &entries);
            link_group(ix, &mut nodes, min_conf);
            (nodes, 0)
        }
        IdKind::Span => {
            let span_entries = restrict(ix, scope, &own);
            let group = [IdKind::Trace, IdKind::Request].into_iter().find_map(|k| {
                let g = span_entries.iter().map(|&e| ix.id(k, e)).find(|&g| g != 0)?;
                Some(ResolvedId { kind: k, id: g })
            });
            match group {
                Some(g) => {
                    let entries = restrict(ix, scope, &ix.entries_with(g.kind, g.id));
                    let mut nodes = group_nodes(ix, NodeKey::Group(g.kind, g.id), &entries);
                    link_group(ix, &mut nodes, min_conf);
                    let root = nodes.iter().position(|n| n.key == NodeKey::Span(r.id)).unwrap_or(0);
                    (nodes, root)
                }
                None => (span_descendants(ix, scope, r.id), 0),
            }
        }
        IdKind::Thread => (thread_descendants(ix, cache, scope, r.id, min_conf), 0),
        IdKind::Service | IdKind::Parent => {
            return Err(Error::new(Code::InvalidOption, "hierarchy needs a request, trace, span or thread id"));
        }
    };
    finish_tree(ix, nodes, root, root_kind, matched_kinds, args)
}

/// Checks the tree has records, cuts it at `maxDepth` and computes the node durations.
fn finish_tree(
    ix: &Index,
    mut nodes: Vec<Node>,
    root: usize,
    root_kind: &'static str,
    matched_kinds: Vec<KindMatch>,
    args: &HierarchyArgs,
) -> Result<Tree> {
    if nodes.is_empty() || nodes[root].entries.is_empty() && nodes.len() == 1 {
        return Err(Error::new(Code::UnknownId, format!("'{}' has no records in scope", args.id)));
    }
    let (kept, truncated) = compact(&mut nodes, root, args.max_depth);
    let mut nodes = kept;
    for n in &mut nodes {
        durations(ix, n);
    }
    Ok(Tree { root_kind, matched_kinds, nodes, truncated, root_id: args.id.clone() })
}

/// Fills counts, window and first error of a node from its entries.
fn node_stats(ix: &Index, n: &mut Node) {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut first_err: Option<(i64, u32)> = None;
    for &e in &n.entries {
        let i = e as usize;
        let t = ix.cols.ts[i];
        if t != NO_TS {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        if is_error(ix.cols.level[i]) {
            n.errors += 1;
            let key = (if t == NO_TS { i64::MAX } else { t }, e);
            if first_err.is_none_or(|f| key < f) {
                first_err = Some(key);
            }
        }
    }
    if lo <= hi {
        n.first_ns = Some(lo);
        n.last_ns = Some(hi);
    }
    n.first_error = first_err.map(|f| f.1);
}

fn durations(ix: &Index, n: &mut Node) {
    let stated = n
        .entries
        .iter()
        .filter_map(|&e| numbers::duration_ms(ix.raw(e)))
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    if let Some(d) = stated {
        n.duration_ms = Some(d);
        n.duration_source = Some("record");
    } else if let Some((a, b)) = n.window() {
        n.duration_ms = Some(ms(b - a));
        n.duration_source = Some("timestamps");
    }
}

/// Nodes of a request / trace: the group node first, then one node per span (records with a
/// span id) or thread (records with a thread but no span).
fn group_nodes(ix: &Index, root: NodeKey, entries: &[u32]) -> Vec<Node> {
    let mut nodes = vec![Node::new(root)];
    let mut map: FxHashMap<NodeKey, usize> = FxHashMap::default();
    let (spans, threads, parents) = (
        &ix.cols.ids[IdKind::Span as usize],
        &ix.cols.ids[IdKind::Thread as usize],
        &ix.cols.ids[IdKind::Parent as usize],
    );
    for &e in entries {
        let i = e as usize;
        let key = if spans[i] != 0 {
            NodeKey::Span(spans[i])
        } else if threads[i] != 0 {
            NodeKey::Thread(threads[i])
        } else {
            nodes[0].entries.push(e);
            continue;
        };
        let slot = *map.entry(key).or_insert_with(|| {
            nodes.push(Node::new(key));
            nodes.len() - 1
        });
        let n = &mut nodes[slot];
        n.entries.push(e);
        if n.declared_parent == 0 && parents[i] != 0 {
            n.declared_parent = parents[i];
        }
    }
    for n in &mut nodes {
        node_stats(ix, n);
    }
    // The group spans all its records.
    if let Some((lo, hi)) = super::ts_range(ix, entries.iter().copied()) {
        nodes[0].first_ns = Some(lo);
        nodes[0].last_ns = Some(hi);
    }
    nodes
}

/// Whether making `parent` the parent of `child` would close a cycle.
fn creates_cycle(nodes: &[Node], child: usize, parent: usize) -> bool {
    let mut p = Some(parent);
    let mut steps = 0;
    while let Some(i) = p {
        if i == child {
            return true;
        }
        p = nodes[i].parent;
        steps += 1;
        if steps > nodes.len() {
            return true;
        }
    }
    false
}

fn set_parent(nodes: &mut [Node], child: usize, parent: usize, method: &'static str, confidence: f64) {
    nodes[child].parent = Some(parent);
    nodes[child].method = Some(method);
    nodes[child].confidence = Some(confidence);
}

/// The node a name prefix designates, by the longest proper prefix ending before a separator.
fn naming_parent(ix: &Index, key: NodeKey, lookup: impl Fn(NodeKey) -> Option<usize>) -> Option<usize> {
    let (kind, id, mk): (IdKind, u32, fn(u32) -> NodeKey) = match key {
        NodeKey::Span(id) => (IdKind::Span, id, NodeKey::Span),
        NodeKey::Thread(id) => (IdKind::Thread, id, NodeKey::Thread),
        NodeKey::Group(..) | NodeKey::Virtual => return None,
    };
    let name = ix.id_name(kind, id);
    (1..name.len()).rev().filter(|&i| SEPARATORS.contains(&name[i])).find_map(|i| {
        let pid = ix.interner(kind).get(&name[..i])?;
        lookup(mk(pid))
    })
}

fn link_group(ix: &Index, nodes: &mut [Node], min_conf: f64) {
    let map: FxHashMap<NodeKey, usize> = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    // 1. Explicit parent span ids.
    for c in 1..nodes.len() {
        let dp = nodes[c].declared_parent;
        if dp == 0 {
            continue;
        }
        // Parent span ids share the span interner: the parent id is the span id.
        if let Some(&p) = map.get(&NodeKey::Span(dp)) {
            if p != c && !creates_cycle(nodes, c, p) {
                set_parent(nodes, c, p, "explicit", 1.0);
            }
        }
    }
    // 2. Naming patterns.
    if min_conf <= NAMING_CONFIDENCE {
        for c in 1..nodes.len() {
            if nodes[c].parent.is_some() {
                continue;
            }
            if let Some(p) = naming_parent(ix, nodes[c].key, |k| map.get(&k).copied()) {
                if p != c && !creates_cycle(nodes, c, p) {
                    set_parent(nodes, c, p, "naming", NAMING_CONFIDENCE);
                }
            }
        }
    }
    // 3. Temporal nesting: tightest enclosing window among the non-group nodes.
    let mut by_start: Vec<usize> = (1..nodes.len()).filter(|&i| nodes[i].window().is_some()).collect();
    by_start.sort_unstable_by_key(|&i| (nodes[i].first_ns, i));
    for c in 1..nodes.len() {
        if nodes[c].parent.is_some() {
            continue;
        }
        let Some((cs, ce)) = nodes[c].window() else { continue };
        let cdur = (ce - cs) as f64;
        let mut cands: Vec<(f64, usize)> = Vec::new();
        // Candidates start at or before the child.
        let upto = by_start.partition_point(|&i| nodes[i].first_ns <= Some(cs));
        for &p in &by_start[..upto] {
            if p == c {
                continue;
            }
            let Some((ps, pe)) = nodes[p].window() else { continue };
            let strictly_larger =
                pe - ps > ce - cs || (pe - ps == ce - cs && nodes[p].entries[0] < nodes[c].entries[0]);
            if ps <= cs && ce <= pe && strictly_larger {
                let pdur = (pe - ps) as f64;
                let conf = if pdur > 0.0 { 0.5 + 0.2 * (cdur / pdur) } else { 0.5 };
                if conf >= min_conf {
                    cands.push((conf, p));
                }
            }
        }
        cands.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        if let Some(&(conf, p)) = cands.iter().find(|&&(_, p)| !creates_cycle(nodes, c, p)) {
            set_parent(nodes, c, p, "temporal", (conf * 1000.0).round() / 1000.0);
        }
    }
    // 4. The rest belong to the group.
    for c in 1..nodes.len() {
        if nodes[c].parent.is_none() {
            set_parent(nodes, c, 0, "group", 1.0);
        }
    }
}

const NAMING_CONFIDENCE: f64 = 0.9;

/// A span without a request / trace: its descendants through parent span ids (one pass over
/// the parent column builds the child lists).
fn span_descendants(ix: &Index, scope: &[u32], root: u32) -> Vec<Node> {
    let spans = &ix.cols.ids[IdKind::Span as usize];
    let parents = &ix.cols.ids[IdKind::Parent as usize];
    // Parent span ids share the span interner, so a parent id is its span's id.
    let mut kids: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, &p) in parents.iter().enumerate() {
        if p != 0 && spans[i] != 0 {
            let v = kids.entry(p).or_default();
            if v.last() != Some(&spans[i]) {
                v.push(spans[i]);
            }
        }
    }
    let mut nodes = Vec::new();
    let mut seen = FxHashSet::default();
    let mut queue = VecDeque::from([(root, None)]);
    while let Some((s, parent)) = queue.pop_front() {
        if !seen.insert(s) {
            continue;
        }
        let mut n = Node::new(NodeKey::Span(s));
        if let Some(p) = parent {
            n.parent = Some(p);
            n.method = Some("explicit");
            n.confidence = Some(1.0);
        }
        nodes.push(n);
        let me = nodes.len() - 1;
        if let Some(ks) = kids.get(&s) {
            for &k in ks {
                queue.push_back((k, Some(me)));
            }
        }
    }
    fill_entries(ix, scope, IdKind::Span, &mut nodes);
    nodes
}

/// Fills the entries and stats of span or thread nodes with one pass over the scope's column
/// (spans and threads have no posting lists).
fn fill_entries(ix: &Index, scope: &[u32], kind: IdKind, nodes: &mut [Node]) {
    let mut slot: FxHashMap<u32, usize> = FxHashMap::default();
    for (i, n) in nodes.iter().enumerate() {
        if let NodeKey::Span(id) | NodeKey::Thread(id) = n.key {
            slot.insert(id, i);
        }
    }
    let col = &ix.cols.ids[kind as usize];
    if nodes.len() == 1 {
        let want = match nodes[0].key {
            NodeKey::Span(id) | NodeKey::Thread(id) => id,
            NodeKey::Group(..) | NodeKey::Virtual => 0,
        };
        nodes[0].entries = scope.iter().copied().filter(|&e| col[e as usize] == want).collect();
    } else {
        for &e in scope {
            let v = col[e as usize];
            if v != 0 {
                if let Some(&i) = slot.get(&v) {
                    nodes[i].entries.push(e);
                }
            }
        }
    }
    for n in nodes.iter_mut() {
        node_stats(ix, n);
    }
}

/// A thread and the threads named under it (`worker-1` → `worker-1.task-a`, `worker-1:io`),
/// found through the sorted thread-name index.
fn thread_descendants(ix: &Index, cache: &Cache, scope: &[u32], root: u32, min_conf: f64) -> Vec<Node> {
    let name = ix.id_name(IdKind::Thread, root);
    let mut nodes = vec![Node::new(NodeKey::Thread(root))];
    if min_conf <= NAMING_CONFIDENCE {
        for &t in cache.with_prefix(ix, IdKind::Thread, &name) {
            let tn = ix.id_name(IdKind::Thread, t);
            if tn.len() > name.len() && SEPARATORS.contains(&tn[name.len()]) {
                nodes.push(Node::new(NodeKey::Thread(t)));
            }
        }
    }
    fill_entries(ix, scope, IdKind::Thread, &mut nodes);
    // Threads named under the root that have no record in scope are not part of the answer.
    nodes.retain(|n| !n.entries.is_empty() || n.key == NodeKey::Thread(root));
    let map: FxHashMap<NodeKey, usize> = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    for c in 1..nodes.len() {
        // The nearest named ancestor present; the root is a prefix of every name here.
        let p = naming_parent(ix, nodes[c].key, |k| map.get(&k).copied()).unwrap_or(0);
        set_parent(&mut nodes, c, p, "naming", NAMING_CONFIDENCE);
    }
    nodes
}

/// Keeps the nodes reachable from `root` within `max_depth`, in breadth-first order (children in
/// time order), renumbered so the root is 0. Returns them and how many were cut by depth.
fn compact(nodes: &mut [Node], root: usize, max_depth: Option<usize>) -> (Vec<Node>, usize) {
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            if i != root {
                kids[p].push(i);
            }
        }
    }
    for k in &mut kids {
        k.sort_by_key(|&i| (nodes[i].first_ns.unwrap_or(i64::MAX), nodes[i].entries.first().copied()));
    }
    let mut order: Vec<(usize, usize)> = vec![(root, 0)];
    let mut new_of = vec![usize::MAX; nodes.len()];
    new_of[root] = 0;
    let mut truncated = 0;
    let mut head = 0;
    while head < order.len() {
        let (i, d) = order[head];
        head += 1;
        for &k in &kids[i] {
            if new_of[k] != usize::MAX {
                continue;
            }
            if max_depth.is_some_and(|m| d + 1 > m) {
                truncated += count_subtree(&kids, k);
                continue;
            }
            new_of[k] = order.len();
            order.push((k, d + 1));
        }
    }
    let mut out: Vec<Node> = order
        .iter()
        .map(|&(i, d)| {
            let key = nodes[i].key;
            let mut n = std::mem::replace(&mut nodes[i], Node::new(key));
            n.depth = d;
            n.children.clear();
            n
        })
        .collect();
    out[0].parent = None;
    out[0].method = None;
    out[0].confidence = None;
    for i in 1..out.len() {
        let p = new_of[out[i].parent.unwrap_or(root)];
        out[i].parent = Some(p);
        out[p].children.push(i);
    }
    (out, truncated)
}

fn count_subtree(kids: &[Vec<usize>], i: usize) -> usize {
    let mut n = 0;
    let mut stack = vec![i];
    while let Some(x) = stack.pop() {
        n += 1;
        stack.extend(&kids[x]);
    }
    n
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NodeOut {
    pub index: usize,
    pub name: String,
    /// `span`, `thread`, `request` or `trace`.
    pub kind: &'static str,
    pub service: Option<String>,
    pub parent: Option<usize>,
    /// How the edge to the parent was inferred: explicit, naming, temporal, group.
    pub method: Option<&'static str>,
    pub confidence: Option<f64>,
    pub depth: usize,
    pub entry_count: usize,
    pub error_count: usize,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub duration_ms: Option<f64>,
    pub duration_source: Option<&'static str>,
    pub child_ids: Vec<usize>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
/// The tree shape only (details are in the flat `nodes`, by `index`): nesting full nodes
/// would double the output of a 1K-node tree.
pub struct TreeOut {
    pub index: usize,
    pub name: String,
    pub children: Vec<TreeOut>,
}

#[derive(Serialize, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MethodCounts {
    pub explicit: usize,
    pub naming: usize,
    pub temporal: usize,
    pub group: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HierarchyResult {
    pub id: String,
    pub kind: &'static str,
    pub matched_kinds: Vec<KindMatch>,
    pub node_count: usize,
    pub truncated_nodes: usize,
    pub max_depth: usize,
    pub edges: MethodCounts,
    pub tree: TreeOut,
    pub nodes: Vec<NodeOut>,
}

fn tree_out(flat: &[NodeOut], i: usize) -> TreeOut {
    TreeOut {
        index: i,
        name: flat[i].name.clone(),
        children: flat[i].child_ids.iter().map(|&c| tree_out(flat, c)).collect(),
    }
}

/// The tree under an id (real, or virtual with correlation rules `virt`) as reported.
pub fn hierarchy(
    ix: &Index,
    virt: Option<&Virtual>,
    cache: &Cache,
    scope: &[u32],
    args: &HierarchyArgs,
) -> Result<HierarchyResult> {
    let tree = build_tree(ix, virt, cache, scope, args)?;
    let flat: Vec<NodeOut> = (0..tree.nodes.len()).map(|i| tree.node_out(ix, i)).collect();
    let mut edges = MethodCounts::default();
    for n in &tree.nodes {
        match n.method {
            Some("explicit") => edges.explicit += 1,
            Some("naming") => edges.naming += 1,
            Some("temporal") => edges.temporal += 1,
            Some("group") => edges.group += 1,
            _ => {}
        }
    }
    Ok(HierarchyResult {
        id: args.id.clone(),
        kind: tree.root_kind,
        matched_kinds: tree.matched_kinds,
        node_count: flat.len(),
        truncated_nodes: tree.truncated,
        max_depth: tree.nodes.iter().map(|n| n.depth).max().unwrap_or(0),
        edges,
        tree: tree_out(&flat, 0),
        nodes: flat,
    })
}
