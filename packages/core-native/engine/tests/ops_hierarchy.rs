//! hierarchy, bottlenecks and error-flow on trees with known shapes: explicit parent span ids,
//! naming patterns, temporal nesting, and an injected failure with a known root cause.
mod common;
use common::*;
use logsift_engine::index::Index;
use logsift_engine::ops::bottlenecks::{bottlenecks, BottlenecksArgs};
use logsift_engine::ops::error_flow::{error_flow, ErrorFlowArgs, ErrorFlowResult};
use logsift_engine::ops::hierarchy::{hierarchy, HierarchyArgs, HierarchyResult};
use logsift_engine::ops::Cache;
use logsift_engine::Code;
use std::collections::BTreeMap;

fn span(ms: i64, level: &str, msg: &str, trace: &str, span: &str, parent: &str, svc: &str) -> String {
    let mut extra = vec![("trace_id", trace), ("span_id", span), ("service", svc)];
    if !parent.is_empty() {
        extra.push(("parent_span_id", parent));
    }
    rec(ms, level, msg, &extra)
}

fn data() -> Index {
    let mut l = vec![
        // Trace t1: s0 → {s1 → s3, s2}; s3 fails first, s1 propagates.
        span(0, "info", "request start", "t1", "s0", "", "api"),
        span(100, "info", "call db", "t1", "s1", "s0", "api"),
        span(150, "info", "cache lookup", "t1", "s2", "s0", "cache"),
        rec(
            200,
            "info",
            "cache ok",
            &[("trace_id", "t1"), ("span_id", "s2"), ("parent_span_id", "s0"), ("duration_ms", "50")],
        ),
        span(200, "info", "query", "t1", "s3", "s1", "db"),
        span(500, "error", "connection reset", "t1", "s3", "s1", "db"),
        span(600, "error", "db call failed", "t1", "s1", "s0", "api"),
        rec(1000, "info", "request end", &[("trace_id", "t1"), ("span_id", "s0"), ("duration_ms", "1000")]),
        rec(1001, "info", "summary", &[("trace_id", "t1")]),
        // Trace t2: two unrelated spans fail at overlapping times.
        span(0, "info", "root", "t2", "r", "", "api"),
        span(10, "error", "a failed", "t2", "a", "r", "x"),
        span(100, "error", "a failed again", "t2", "a", "r", "x"),
        span(50, "error", "b failed", "t2", "b", "r", "y"),
        span(150, "error", "b failed again", "t2", "b", "r", "y"),
        span(200, "info", "root done", "t2", "r", "", "api"),
    ];
    // Request r2: naming hierarchy of threads.
    for (t, a, b) in [
        ("worker-1", 0, 1000),
        ("worker-1.task-a", 100, 400),
        ("worker-1.task-b", 500, 900),
        ("worker-1.task-a:io", 150, 200),
    ] {
        l.push(rec(a, "info", "begin", &[("request_id", "r2"), ("thread", t)]));
        l.push(rec(b, "info", "end", &[("request_id", "r2"), ("thread", t)]));
    }
    // Request r3: temporal nesting only.
    for (t, a, b) in [("A", 0, 10_000), ("B", 2000, 5000), ("C", 6000, 7000), ("D", 5500, 9000)] {
        l.push(rec(a, "info", "begin", &[("request_id", "r3"), ("thread", t)]));
        l.push(rec(b, "info", "end", &[("request_id", "r3"), ("thread", t)]));
    }
    // Threads without a request: pool-1 and the threads named under it.
    for t in ["pool-1", "pool-1-worker-a", "pool-1-worker-a.sub", "pool-10"] {
        l.push(rec(5, "info", "tick", &[("thread", t)]));
    }
    // Spans without a trace: sa → sb → sc.
    l.push(rec(0, "info", "x", &[("span_id", "sa")]));
    l.push(rec(1, "info", "y", &[("span_id", "sb"), ("parent_span_id", "sa")]));
    l.push(rec(2, "info", "z", &[("span_id", "sc"), ("parent_span_id", "sb")]));
    index(&[("app.jsonl", l)])
}

fn h(ix: &Index, args: HierarchyArgs) -> HierarchyResult {
    hierarchy(ix, None, &Cache::default(), &all(ix), &args).unwrap()
}

fn node<'a>(r: &'a HierarchyResult, name: &str) -> &'a logsift_engine::ops::hierarchy::NodeOut {
    r.nodes.iter().find(|n| n.name == name).unwrap_or_else(|| panic!("no node {name}"))
}

fn parent_name(r: &HierarchyResult, name: &str) -> Option<String> {
    node(r, name).parent.map(|p| r.nodes[p].name.clone())
}

#[test]
fn explicit_parent_spans() {
    let ix = data();
    let r = h(&ix, HierarchyArgs { id: "t1".into(), ..Default::default() });
    assert_eq!(r.kind, "trace");
    assert_eq!(r.node_count, 5);
    assert_eq!(r.nodes[0].name, "t1");
    assert_eq!(r.nodes[0].entry_count, 1);
    assert_eq!(parent_name(&r, "s0").as_deref(), Some("t1"));
    assert_eq!(node(&r, "s0").method, Some("group"));
    for (c, p) in [("s1", "s0"), ("s2", "s0"), ("s3", "s1")] {
        assert_eq!(parent_name(&r, c).as_deref(), Some(p));
        assert_eq!(node(&r, c).method, Some("explicit"));
        assert_eq!(node(&r, c).confidence, Some(1.0));
    }
    assert_eq!(node(&r, "s3").depth, 3);
    assert_eq!(r.edges.explicit, 3);
    // Durations: stated in a record, else from timestamps.
    assert_eq!((node(&r, "s0").duration_ms, node(&r, "s0").duration_source), (Some(1000.0), Some("record")));
    assert_eq!(node(&r, "s2").duration_ms, Some(50.0));
    assert_eq!((node(&r, "s3").duration_ms, node(&r, "s3").duration_source), (Some(300.0), Some("timestamps")));
    assert_eq!(node(&r, "s3").service.as_deref(), Some("db"));
    assert_eq!(node(&r, "s1").error_count, 1);
    // The nested tree matches the flat list.
    assert_eq!(r.tree.children.len(), 1);
    assert_eq!(r.tree.children[0].children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["s1", "s2"]);
    // A span root gives its subtree.
    let s = h(&ix, HierarchyArgs { id: "s1".into(), ..Default::default() });
    assert_eq!(s.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), vec!["s1", "s3"]);
    // Spans without a trace: through the parent column.
    let s = h(&ix, HierarchyArgs { id: "sa".into(), ..Default::default() });
    assert_eq!(
        s.nodes.iter().map(|n| (n.name.as_str(), n.depth)).collect::<Vec<_>>(),
        vec![("sa", 0), ("sb", 1), ("sc", 2)]
    );
}

#[test]
fn naming_patterns_depth_and_confidence_limits() {
    let ix = data();
    let r = h(&ix, HierarchyArgs { id: "r2".into(), ..Default::default() });
    assert_eq!(parent_name(&r, "worker-1").as_deref(), Some("r2"));
    assert_eq!(parent_name(&r, "worker-1.task-a").as_deref(), Some("worker-1"));
    assert_eq!(parent_name(&r, "worker-1.task-b").as_deref(), Some("worker-1"));
    assert_eq!(parent_name(&r, "worker-1.task-a:io").as_deref(), Some("worker-1.task-a"));
    assert_eq!(node(&r, "worker-1.task-a").method, Some("naming"));
    assert_eq!(node(&r, "worker-1.task-a").confidence, Some(0.9));
    assert_eq!(r.edges.naming, 3);
    assert_eq!(r.max_depth, 3);
    let cut = h(&ix, HierarchyArgs { id: "r2".into(), max_depth: Some(2), ..Default::default() });
    assert_eq!((cut.node_count, cut.truncated_nodes), (4, 1));
    // Above every inferred confidence, only the group remains.
    let strict = h(&ix, HierarchyArgs { id: "r2".into(), min_confidence: Some(0.95), ..Default::default() });
    assert_eq!(strict.edges.group, 4);
    assert!(strict.nodes.iter().skip(1).all(|n| n.depth == 1));
    let e = hierarchy(
        &ix,
        None,
        &Cache::default(),
        &all(&ix),
        &HierarchyArgs { id: "r2".into(), min_confidence: Some(1.5), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn temporal_nesting_picks_the_tightest_window() {
    let ix = data();
    let r = h(&ix, HierarchyArgs { id: "r3".into(), ..Default::default() });
    assert_eq!(parent_name(&r, "A").as_deref(), Some("r3"));
    assert_eq!(parent_name(&r, "B").as_deref(), Some("A"));
    assert_eq!(parent_name(&r, "D").as_deref(), Some("A"));
    assert_eq!(parent_name(&r, "C").as_deref(), Some("D"));
    let c = node(&r, "C");
    assert_eq!(c.method, Some("temporal"));
    // 0.5 + 0.2 × 1000 / 3500
    assert_eq!(c.confidence, Some(0.557));
    assert_eq!(node(&r, "B").confidence, Some(0.56));
    assert_eq!(r.edges.temporal, 3);
    let strict = h(&ix, HierarchyArgs { id: "r3".into(), min_confidence: Some(0.565), ..Default::default() });
    assert_eq!(parent_name(&strict, "D").as_deref(), Some("A"));
    assert_eq!(parent_name(&strict, "C").as_deref(), Some("r3"));
}

#[test]
fn thread_root_uses_the_sorted_name_index() {
    let ix = data();
    let r = h(&ix, HierarchyArgs { id: "pool-1".into(), ..Default::default() });
    assert_eq!(r.kind, "thread");
    let names: Vec<_> = r.nodes.iter().map(|n| (n.name.as_str(), n.depth)).collect();
    assert_eq!(names, vec![("pool-1", 0), ("pool-1-worker-a", 1), ("pool-1-worker-a.sub", 2)]);
}

#[test]
fn bottlenecks_by_threshold_and_share() {
    let ix = data();
    let c = Cache::default();
    let r = bottlenecks(
        &ix,
        None,
        &c,
        &all(&ix),
        &BottlenecksArgs { id: "t1".into(), threshold_ms: Some(400.0), ..Default::default() },
    )
    .unwrap();
    assert_eq!(r.total_ms, Some(1001.0));
    assert_eq!(r.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), vec!["s0", "s1"]);
    assert_eq!(r.nodes[1].path, vec!["t1", "s0", "s1"]);
    // s1 lasts 500 ms of which s3 takes 300.
    assert_eq!(r.nodes[1].self_ms, 200.0);
    // The critical path follows the child ending last: s1 (ends at 600) over s2 (ends at 200).
    let h = hierarchy(&ix, None, &c, &all(&ix), &HierarchyArgs { id: "t1".into(), ..Default::default() }).unwrap();
    let names: Vec<&str> = r.critical_path.iter().map(|&i| h.nodes[i].name.as_str()).collect();
    assert_eq!(names, vec!["t1", "s0", "s1", "s3"]);
    let r = bottlenecks(
        &ix,
        None,
        &c,
        &all(&ix),
        &BottlenecksArgs { id: "t1".into(), min_share: Some(0.25), ..Default::default() },
    )
    .unwrap();
    assert_eq!(r.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), vec!["s0", "s1", "s3"]);
    let e = bottlenecks(
        &ix,
        None,
        &c,
        &all(&ix),
        &BottlenecksArgs { id: "t1".into(), min_share: Some(2.0), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn error_flow_finds_the_injected_root_cause() {
    let ix = data();
    let c = Cache::default();
    let ErrorFlowResult::Tree(r) = error_flow(
        &ix,
        None,
        &c,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &all(&ix)),
        &ErrorFlowArgs { id: Some("t1".into()), ..Default::default() },
    )
    .unwrap() else {
        panic!("tree mode expected")
    };
    assert_eq!(r.root_causes.len(), 1);
    let rc = &r.root_causes[0];
    assert_eq!(rc.node.name, "s3");
    assert_eq!(rc.first_error_message.as_deref(), Some("connection reset"));
    assert_eq!(rc.first_error_ns, Some(ms(500)));
    let chain: Vec<_> = rc.chain.iter().map(|l| (l.name.as_str(), l.errored)).collect();
    assert_eq!(chain, vec![("s3", true), ("s1", true), ("s0", false), ("t1", false)]);
    assert_eq!((r.impact.nodes, r.impact.error_nodes, r.impact.max_error_depth), (5, 2, Some(3)));
    assert_eq!(r.impact.concurrent_failures, 0, "s1 overlaps s3 but is its ancestor");

    let ErrorFlowResult::Tree(r) = error_flow(
        &ix,
        None,
        &c,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &all(&ix)),
        &ErrorFlowArgs { id: Some("t2".into()), ..Default::default() },
    )
    .unwrap() else {
        panic!("tree mode expected")
    };
    assert_eq!(r.root_causes.iter().map(|x| x.node.name.as_str()).collect::<Vec<_>>(), vec!["a", "b"]);
    assert_eq!((r.impact.concurrent_failures, r.impact.max_concurrent), (2, 2));
}

#[test]
fn error_flow_by_service_suggests_the_origin() {
    let a = vec![
        rec(1000, "info", "ok", &[("service", "api")]),
        rec(5000, "error", "upstream failed", &[("service", "api")]),
        rec(6000, "error", "upstream failed", &[("service", "api")]),
    ];
    let b = vec![rec(2000, "info", "ok", &[]), rec(3000, "error", "disk full", &[])];
    let ix = index(&[("logs/api.jsonl", a), ("logs/db.jsonl", b)]);
    let c = Cache::default();
    let services: BTreeMap<String, String> = [("db.jsonl".to_string(), "database".to_string())].into();
    let ErrorFlowResult::Scope(r) = error_flow(
        &ix,
        None,
        &c,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &all(&ix)),
        &ErrorFlowArgs { services: Some(services), ..Default::default() },
    )
    .unwrap() else {
        panic!("scope mode expected")
    };
    assert_eq!(r.errors, 3);
    assert_eq!(
        r.services.iter().map(|s| (s.service.as_str(), s.errors)).collect::<Vec<_>>(),
        vec![("database", 1), ("api", 2)]
    );
    assert_eq!(r.suggested_origin.as_deref(), Some("database"));
    assert_eq!(r.services[0].first_error_message, "disk full");
    let bad: BTreeMap<String, String> = [("nope.log".to_string(), "x".to_string())].into();
    let e = error_flow(
        &ix,
        None,
        &c,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &all(&ix)),
        &ErrorFlowArgs { services: Some(bad), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e = error_flow(
        &ix,
        None,
        &c,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &all(&ix)),
        &ErrorFlowArgs { max_depth: Some(2), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}
