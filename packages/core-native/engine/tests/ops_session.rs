//! The ops reached through `Session::call` as the napi shell calls them: op names, JSON
//! arguments, unknown fields rejected, scopes validated.
mod common;
use common::*;
use logsift_engine::indexer::Control;
use logsift_engine::Code;
use serde_json::Value;

fn s() -> logsift_engine::session::Session {
    let lines = vec![
        rec(0, "info", "start", &[("request_id", "r1"), ("thread", "w-1"), ("service", "api")]),
        rec(5, "info", "sub", &[("request_id", "r1"), ("thread", "w-1.a"), ("service", "api")]),
        rec(10, "error", "failed took 7ms", &[("request_id", "r1"), ("thread", "w-1.a"), ("service", "api")]),
        rec(20, "info", "done", &[("request_id", "r1"), ("thread", "w-1"), ("service", "api")]),
    ];
    session(index(&[("app.jsonl", lines)]))
}

fn call(s: &logsift_engine::session::Session, op: &str, json: &str) -> Value {
    serde_json::from_str(&s.call(op, json, &Control::default()).unwrap_or_else(|e| panic!("{op}: {e}"))).unwrap()
}

#[test]
fn every_op_is_reachable_by_name() {
    let s = s();
    assert_eq!(call(&s, "ids", r#"{"kind":"thread"}"#)["kinds"][0]["total"], 2);
    let f = call(&s, "follow", r#"{"id":"r1","limit":1}"#);
    assert_eq!(
        (f["total"].as_u64(), f["entryIds"].clone(), f["nextOffset"].as_u64()),
        (Some(4), serde_json::json!([0]), Some(1))
    );
    let f2 = call(&s, "follow", r#"{"id":"r1","offset":1,"limit":5}"#);
    assert_eq!((f2["entryIds"].clone(), f2["nextOffset"].is_null()), (serde_json::json!([1, 2, 3]), true));
    assert_eq!(f["outcome"], "error");
    assert_eq!(f["firstError"]["message"], "failed took 7ms");
    assert_eq!(call(&s, "context", r#"{"file":"app.jsonl","line":2,"before":1,"after":0}"#)["before"][0]["id"], 0);
    let h = call(&s, "hierarchy", r#"{"id":"r1"}"#);
    assert_eq!(h["tree"]["children"][0]["name"], "w-1");
    let child = h["tree"]["children"][0]["children"][0]["index"].as_u64().unwrap() as usize;
    assert_eq!(h["nodes"][child]["method"], "naming");
    assert_eq!(call(&s, "bottlenecks", r#"{"id":"r1","thresholdMs":1}"#)["nodes"][0]["name"], "w-1");
    let ef = call(&s, "errorFlow", r#"{"id":"r1"}"#);
    assert_eq!(ef["mode"], "tree");
    assert_eq!(ef["rootCauses"][0]["node"]["name"], "w-1.a");
    assert_eq!(call(&s, "errorFlow", "{}")["mode"], "scope");
    assert_eq!(call(&s, "timeline", r#"{"id":"r1","gapMs":6}"#)["gaps"].as_array().unwrap().len(), 1);
    let sm = call(&s, "sample", r#"{"strategy":"errors","size":2}"#);
    assert_eq!(sm["entryIds"], serde_json::json!([1, 2]));
    assert_eq!(call(&s, "metrics", "{}")["fields"][0]["p50"], 7.0);
    assert_eq!(call(&s, "triage", "")["errors"], 1);
    // A query (the search model) scopes the input; with `scope` too, their intersection.
    assert_eq!(call(&s, "follow", r#"{"id":"r1","query":{"minLevel":"error"}}"#)["entryIds"], serde_json::json!([2]));
    assert_eq!(
        call(&s, "follow", r#"{"id":"r1","query":{"thread":"w-1"},"scope":[0,1,2]}"#)["entryIds"],
        serde_json::json!([0])
    );
    assert_eq!(call(&s, "triage", r#"{"query":{"q":"-\"failed\""}}"#)["errors"], 0);
    // Sparklines: each listed template's counts over 4 time buckets sum to its count; the
    // 20 ms range in 4 buckets of 6 ms puts "start" (0 ms) in the first, "done" (20 ms) in the last.
    let t = call(&s, "templates", r#"{"sparkline":4}"#);
    let (list, sp) = (t["templates"].as_array().unwrap(), &t["sparklines"]);
    assert_eq!(sp["bucketNs"], 5_000_001);
    for (tpl, counts) in list.iter().zip(sp["counts"].as_array().unwrap()) {
        let c: Vec<u64> = counts.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(c.iter().sum::<u64>(), tpl["count"].as_u64().unwrap(), "{tpl}");
        if tpl["pattern"] == "start" {
            assert_eq!(c, vec![1, 0, 0, 0]);
        }
        if tpl["pattern"] == "done" {
            assert_eq!(c, vec![0, 0, 0, 1]);
        }
    }
    assert_eq!(s.call("templates", r#"{"sparkline":0}"#, &Control::default()).unwrap_err().code, Code::InvalidOption);
    // A scope restricts every op.
    assert_eq!(call(&s, "follow", r#"{"id":"r1","scope":[3,0]}"#)["entryIds"], serde_json::json!([0, 3]));
}

#[test]
fn bad_arguments_are_errors_with_codes() {
    let s = s();
    let code = |op: &str, json: &str| s.call(op, json, &Control::default()).unwrap_err().code;
    assert_eq!(code("follow", r#"{"id":"r1","bogus":1}"#), Code::InvalidOption);
    assert_eq!(code("sample", r#"{"strategy":"fancy"}"#), Code::InvalidOption);
    assert_eq!(code("ids", r#"{"sort":"size"}"#), Code::InvalidOption);
    assert_eq!(code("follow", r#"{"id":"r1","scope":[99]}"#), Code::UnknownId);
    assert_eq!(code("hierarchy", r#"{"id":"nope"}"#), Code::UnknownId);
    assert_eq!(code("hierarchy", r#"{"id":"api","kind":"service"}"#), Code::InvalidOption);
    assert_eq!(code("timeline", r#"{"kind":"request"}"#), Code::InvalidOption);
    assert_eq!(code("metrics", r#"{"query":{"bogus":1}}"#), Code::InvalidOption);
}
