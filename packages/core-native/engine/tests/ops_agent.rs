//! verify-pattern, correlate-events and export-trace: on small logs with known answers, and on
//! the generator's incident (seed 42), whose origin is known.
mod common;
use common::*;
use logsift_engine::generate::{generate_to_vec, GenerateOptions, GenerateSummary, ROOT_CAUSE_MESSAGE};
use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use logsift_engine::Code;
use serde_json::{json, Value};

fn call(s: &Session, op: &str, args: Value) -> Value {
    let out = s.call(op, &args.to_string(), &Control::default()).unwrap_or_else(|e| panic!("{op}: {e}"));
    serde_json::from_str(&out).unwrap()
}

fn err(s: &Session, op: &str, args: Value) -> logsift_engine::Error {
    s.call(op, &args.to_string(), &Control::default()).unwrap_err()
}

fn pool_log() -> Index {
    let mut l = Vec::new();
    // 30 timeouts over 3 minutes: pools a (20) and b (10), users of 3 to 5 digits.
    for i in 0..30i64 {
        let pool = if i % 3 == 2 { "b" } else { "a" };
        let user = [123, 4567, 89012][i as usize % 3];
        let level = if i % 10 == 0 { "error" } else { "warn" };
        l.push(rec(i * 6_000, level, &format!("timeout waiting for pool {pool} user={user} after {}ms", 100 + i), &[]));
        l.push(rec(i * 6_000 + 1, "info", "request ok", &[]));
    }
    index(&[("app.log", l)])
}

#[test]
fn verify_pattern_counts_groups_and_time() {
    let s = session(pool_log());
    let r = call(
        &s,
        "verifyPattern",
        json!({ "pattern": r"pool (?P<pool>\w+) user=(?<user>\d+)", "top": 2, "bucketMs": 60000 }),
    );
    assert_eq!(r["groups"], json!(["pool", "user"]));
    assert_eq!((&r["scanned"], &r["matches"], &r["errorMatches"]), (&json!(60), &json!(30), &json!(3)));
    let pool = &r["values"][0];
    assert_eq!(pool["captured"], 30);
    assert_eq!(pool["distinct"], 2);
    assert_eq!(pool["top"][0], json!({ "value": "a", "count": 20, "share": 20.0 / 30.0 }));
    assert_eq!(pool["top"][1]["value"], "b");
    assert_eq!(r["values"][1]["top"].as_array().unwrap().len(), 2, "top 2 of 3 user values");
    assert_eq!(r["first"]["line"], 1);
    assert_eq!(r["last"]["line"], 59);
    // 3 minutes of matches in 1-minute buckets: 10 each.
    let h = &r["histogram"];
    assert_eq!(h["bucketMs"], 60000.0);
    assert_eq!(h["counts"], json!([10, 10, 10]));
    // Scoped by the query model: only the errors.
    let r = call(&s, "verifyPattern", json!({ "pattern": r"pool (?P<pool>\w+)", "query": { "minLevel": "error" } }));
    assert_eq!((&r["scanned"], &r["matches"]), (&json!(3), &json!(3)));
    // A pattern that matches nothing is an answer, not an error.
    let r = call(&s, "verifyPattern", json!({ "pattern": r"pool (?P<pool>\d{9})" }));
    assert_eq!(r["matches"], 0);
    assert!(r["first"].is_null() && r["histogram"].is_null());
}

#[test]
fn verify_pattern_refuses_bad_and_catastrophic_patterns() {
    let s = session(pool_log());
    let e = err(&s, "verifyPattern", json!({ "pattern": "pool (?P<pool>\\w+" }));
    assert_eq!(e.code, Code::InvalidRegex);
    assert!(e.message.contains("position"), "{}", e.message);
    // Nested counted repetitions: an automaton of billions of states. Refused, quickly.
    let t = std::time::Instant::now();
    let e = err(&s, "verifyPattern", json!({ "pattern": r"(?P<x>\w{1000}){1000}" }));
    assert_eq!(e.code, Code::RegexTooLarge, "{}", e.message);
    assert!(e.message.contains("size limit"));
    assert!(t.elapsed().as_secs() < 10);
    assert_eq!(err(&s, "verifyPattern", json!({ "pattern": "" })).code, Code::InvalidOption);
    assert_eq!(err(&s, "verifyPattern", json!({ "pattern": "x", "top": 5000 })).code, Code::InvalidOption);
}

fn incident(entries: u64) -> (Session, GenerateSummary) {
    let (data, truth) = generate_to_vec(&GenerateOptions { entries, ..Default::default() }).unwrap();
    let ix =
        build(vec![Source::from_bytes("services.jsonl", data).unwrap()], &OpenOptions::default(), &Control::default())
            .unwrap();
    (session(ix), truth)
}

#[test]
fn correlate_ranks_the_root_cause_first_around_the_first_gateway_error() {
    let (s, truth) = incident(40_000);
    let inc = truth.incident.expect("the incident is in 40K entries");
    assert_eq!(inc.root_cause_service, "payments");
    // The first gateway error once the incident has begun.
    let trigger = json!({ "service": "gateway", "minLevel": "error", "after": inc.first_time });
    let r = call(&s, "correlateEvents", json!({ "trigger": trigger, "window": "30s" }));
    assert_eq!(r["anchor"]["kind"], "trigger");
    let anchor = &r["anchor"]["entry"];
    assert_eq!(anchor["service"], "gateway");
    assert!(anchor["timestampNs"].as_i64().unwrap() >= inc.first_ns);
    let events = r["events"].as_array().unwrap();
    let patterns: Vec<&str> = events.iter().map(|e| e["pattern"].as_str().unwrap()).collect();
    let top = &events[0];
    assert!(patterns[0].contains(ROOT_CAUSE_MESSAGE), "ranked: {patterns:#?}");
    assert_eq!(top["services"][0]["name"], "payments");
    assert!(top["new"] == true && top["surprise"].as_f64().unwrap() > 3.0 && top["windowCount"].as_u64().unwrap() > 0);
    // The window and baseline partition the timed entries before the window's end.
    assert!(r["window"]["entries"].as_u64().unwrap() > 0 && r["baseline"]["entries"].as_u64().unwrap() > 0);
    assert_eq!(r["baselineEmpty"], false);
    assert_eq!(r["baseline"]["endNs"], r["window"]["startNs"]);
    assert!(events.windows(2).all(|w| w[0]["surprise"].as_f64() >= w[1]["surprise"].as_f64()));
    // The same anchor given as an entry id, and as FILE:LINE, gives the same ranking.
    let by_entry = call(&s, "correlateEvents", json!({ "entry": anchor["id"] }));
    let by_line = call(&s, "correlateEvents", json!({ "line": format!("services.jsonl:{}", anchor["line"]) }));
    assert_eq!(by_entry["events"], r["events"]);
    assert_eq!(by_line["events"], r["events"]);
    // Long before the incident, the root cause is not in the window at all.
    let early = call(&s, "correlateEvents", json!({ "time": "2024-01-15T08:05:00Z", "window": "10s" }));
    assert!(early["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["pattern"].as_str().unwrap().contains(ROOT_CAUSE_MESSAGE)));
    // Scoped by the query model: only gateway's templates are counted.
    let gw = call(&s, "correlateEvents", json!({ "entry": anchor["id"], "query": { "service": "gateway" } }));
    let only_gateway = |e: &Value| e["services"].as_array().unwrap().iter().all(|x| x["name"] == "gateway");
    assert!(gw["events"].as_array().unwrap().iter().all(only_gateway));
    assert!(gw["window"]["entries"].as_u64() < r["window"]["entries"].as_u64());
}

#[test]
fn correlate_refuses_unclear_anchors() {
    let (s, _) = incident(2_000);
    assert_eq!(err(&s, "correlateEvents", json!({})).code, Code::InvalidOption);
    assert_eq!(err(&s, "correlateEvents", json!({ "entry": 1, "time": "-1m" })).code, Code::InvalidOption);
    assert_eq!(err(&s, "correlateEvents", json!({ "entry": 99_999 })).code, Code::UnknownId);
    assert_eq!(err(&s, "correlateEvents", json!({ "line": "services.jsonl" })).code, Code::InvalidOption);
    assert_eq!(err(&s, "correlateEvents", json!({ "line": "nope.log:3" })).code, Code::UnknownId);
    assert_eq!(err(&s, "correlateEvents", json!({ "entry": 1, "window": "soon" })).code, Code::InvalidTime);
    assert_eq!(
        err(&s, "correlateEvents", json!({ "trigger": { "text": "no such words anywhere" } })).code,
        Code::UnknownId
    );
    // The first entry: no baseline time, said so.
    let r = call(&s, "correlateEvents", json!({ "entry": 0 }));
    assert!(r["baselineEmpty"] == true && r["baseline"]["entries"] == 0);
}

fn tree_log() -> Index {
    let span = |ms: i64, level: &str, msg: &str, span: &str, parent: &str, svc: &str| {
        let mut extra = vec![("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), ("span_id", span), ("service", svc)];
        if !parent.is_empty() {
            extra.push(("parent_span_id", parent));
        }
        rec(ms, level, msg, &extra)
    };
    index(&[(
        "traces.jsonl",
        vec![
            span(0, "info", "GET /checkout", "00f067aa0ba902b7", "", "gateway"),
            span(10, "info", "charge card", "00f067aa0ba902b8", "00f067aa0ba902b7", "payments"),
            span(20, "info", "query db", "db-span", "00f067aa0ba902b8", "payments"),
            span(300, "error", "db timeout", "db-span", "00f067aa0ba902b8", "payments"),
            span(320, "error", "charge failed", "00f067aa0ba902b8", "00f067aa0ba902b7", "payments"),
            span(400, "info", "GET /checkout done", "00f067aa0ba902b7", "", "gateway"),
        ],
    )])
}

#[test]
fn export_trace_writes_the_hierarchy_in_each_format() {
    let s = session(tree_log());
    let id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let h = call(&s, "hierarchy", json!({ "id": id }));
    let spans_in_tree = h["nodes"].as_array().unwrap().iter().filter(|n| n["kind"] == "span").count();
    assert_eq!(spans_in_tree, 3);

    let r = call(&s, "exportTrace", json!({ "id": id, "format": "otlp" }));
    assert_eq!(
        (&r["kind"], &r["traceId"], &r["spanCount"], &r["errorSpans"]),
        (&json!("trace"), &json!(id), &json!(3), &json!(2))
    );
    assert_eq!(r["services"], json!(["gateway", "payments"]));
    let rs = r["document"]["resourceSpans"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    assert_eq!(
        rs[0]["resource"]["attributes"][0],
        json!({ "key": "service.name", "value": { "stringValue": "gateway" } })
    );
    let spans: Vec<&Value> = rs.iter().flat_map(|r| r["scopeSpans"][0]["spans"].as_array().unwrap()).collect();
    let by_id = |sid: &str| spans.iter().find(|s| s["spanId"] == sid).copied();
    let root = by_id("00f067aa0ba902b7").unwrap();
    assert!(root.get("parentSpanId").is_none());
    assert_eq!(root["name"], "GET /checkout");
    assert_eq!(root["startTimeUnixNano"], json!(ms(0).to_string()));
    assert_eq!(root["endTimeUnixNano"], json!(ms(400).to_string()));
    assert_eq!(root["events"].as_array().unwrap().len(), 2);
    let charge = by_id("00f067aa0ba902b8").unwrap();
    assert_eq!(charge["parentSpanId"], "00f067aa0ba902b7");
    assert_eq!(charge["status"], json!({ "code": 2, "message": "charge failed" }));
    // `db-span` is not hex: a stable hashed id, the name kept as an attribute, parent kept.
    let db = spans.iter().find(|s| s["name"] == "query db").unwrap();
    assert_eq!(db["parentSpanId"], "00f067aa0ba902b8");
    assert_eq!(db["spanId"].as_str().unwrap().len(), 16);
    assert!(db["attributes"]
        .as_array()
        .unwrap()
        .contains(&json!({ "key": "logsift.name", "value": { "stringValue": "db-span" } })));

    let j = call(&s, "exportTrace", json!({ "id": id, "format": "jaeger" }));
    let t = &j["document"]["data"][0];
    assert_eq!(t["traceID"], id);
    assert_eq!(t["spans"].as_array().unwrap().len(), 3);
    let charge = t["spans"].as_array().unwrap().iter().find(|s| s["spanID"] == "00f067aa0ba902b8").unwrap();
    assert_eq!(charge["references"], json!([{ "refType": "CHILD_OF", "traceID": id, "spanID": "00f067aa0ba902b7" }]));
    assert_eq!(charge["startTime"], json!((ms(10) / 1000)));
    assert_eq!(charge["duration"], json!(310_000));
    assert_eq!(t["processes"][charge["processID"].as_str().unwrap()]["serviceName"], "payments");

    let z = call(&s, "exportTrace", json!({ "id": id, "format": "zipkin", "maxEvents": 1 }));
    let list = z["document"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let charge = list.iter().find(|s| s["id"] == "00f067aa0ba902b8").unwrap();
    assert_eq!(charge["parentId"], "00f067aa0ba902b7");
    assert_eq!(charge["localEndpoint"]["serviceName"], "payments");
    assert_eq!(charge["tags"]["error"], "charge failed");
    assert_eq!(charge["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(z["droppedEvents"], 3);

    // verify-pattern over the raw records sees the JSON keys; over the messages it does not.
    let svc = r#""service":"(?P<svc>[a-z]+)""#;
    let raw = call(&s, "verifyPattern", json!({ "pattern": svc, "raw": true }));
    assert_eq!((&raw["matches"], &raw["values"][0]["distinct"]), (&json!(6), &json!(2)));
    assert_eq!(call(&s, "verifyPattern", json!({ "pattern": svc }))["matches"], 0);
    assert_eq!(err(&s, "exportTrace", json!({ "id": id, "format": "xml" })).code, Code::InvalidOption);
    assert_eq!(err(&s, "exportTrace", json!({ "id": "nope", "format": "otlp" })).code, Code::UnknownId);
}

#[test]
fn export_trace_of_a_generated_request_keeps_every_span_and_parent() {
    let (s, truth) = incident(20_000);
    let req = &truth.incident.as_ref().unwrap().request_ids[0];
    let h = call(&s, "hierarchy", json!({ "id": req }));
    let z = call(&s, "exportTrace", json!({ "id": req, "format": "zipkin" }));
    let spans = z["document"].as_array().unwrap();
    let tree_spans: Vec<_> =
        h["nodes"].as_array().unwrap().iter().filter(|n| n["kind"] != "request" || n["entryCount"] != 0).collect();
    assert_eq!(spans.len(), tree_spans.len());
    // Every parent id is a span of the export, and exactly the roots have none.
    let ids: Vec<&str> = spans.iter().map(|s| s["id"].as_str().unwrap()).collect();
    for sp in spans {
        if let Some(p) = sp.get("parentId") {
            assert!(ids.contains(&p.as_str().unwrap()));
        }
        assert!(sp["duration"].as_i64().unwrap() >= 1);
    }
    let services: Vec<&str> = spans.iter().map(|s| s["localEndpoint"]["serviceName"].as_str().unwrap()).collect();
    assert!(services.contains(&"payments") && services.contains(&"gateway"));
    assert!(spans.iter().any(|s| s["tags"].get("error").is_some()));
}

#[path = "support/loghub.rs"]
mod loghub_support;

/// On real logs (loghub's OpenSSH and HDFS samples): verify-pattern counts and splits exactly
/// what the same regex finds in the ground truth's `Content` column (the message of each line).
#[test]
fn verify_pattern_on_loghub_matches_the_ground_truth_messages() {
    let Some(dir) = loghub_support::corpus_dir() else {
        eprintln!("loghub corpus not found beside the repository; skipping");
        return;
    };
    for (system, pattern, group) in [
        ("OpenSSH", r"Failed password for (invalid user )?(?P<user>\S+) from (?P<ip>[\d.]+)", "user"),
        ("HDFS", r"blk_(?P<blk>-?\d+)", "blk"),
    ] {
        let log = dir.join(system).join(format!("{system}_2k.log"));
        let csv = std::fs::read_to_string(dir.join(system).join(format!("{system}_2k.log_structured.csv"))).unwrap();
        let rows = loghub_support::read_csv(&csv);
        let content = rows[0].iter().position(|h| h == "Content").unwrap();
        let re = regex::Regex::new(pattern).unwrap();
        let mut want: std::collections::HashMap<String, u64> = Default::default();
        let mut matched = 0u64;
        for row in &rows[1..] {
            if let Some(c) = re.captures(&row[content]) {
                matched += 1;
                *want.entry(c[group].to_string()).or_default() += 1;
            }
        }
        assert!(matched > 100, "{system}: the ground truth has matches");
        let data = std::fs::read(&log).unwrap();
        let ix = build(
            vec![Source::from_bytes(&log.to_string_lossy(), data).unwrap()],
            &OpenOptions::default(),
            &Control::default(),
        )
        .unwrap();
        let s = session(ix);
        let r = call(&s, "verifyPattern", json!({ "pattern": pattern, "top": 1000 }));
        assert_eq!(r["matches"], matched, "{system}");
        let g = r["values"].as_array().unwrap().iter().find(|g| g["name"] == group).unwrap();
        assert_eq!(g["distinct"], want.len(), "{system}");
        for v in g["top"].as_array().unwrap().iter().take(20) {
            assert_eq!(v["count"], want[v["value"].as_str().unwrap()], "{system} {}", v["value"]);
        }
    }
}
