//! `compare` and `diff` through the session, on generated data with a known incident.

use logsift_engine::generate::{generate_to_vec, GenerateOptions};
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use logsift_engine::Code;
use serde_json::Value;

fn session() -> (Session, logsift_engine::generate::GenerateSummary) {
    session_of(20_000)
}

fn session_of(entries: u64) -> (Session, logsift_engine::generate::GenerateSummary) {
    let (bytes, summary) = generate_to_vec(&GenerateOptions { entries, ..Default::default() }).unwrap();
    let src = Source::from_bytes("gen.jsonl", bytes).unwrap();
    let ix = build(vec![src], &OpenOptions::default(), &Control::default()).unwrap();
    (Session::new(ix, Vec::new()), summary)
}

fn call(s: &Session, op: &str, args: &str) -> Value {
    serde_json::from_str(&s.call(op, args, &Control::default()).unwrap()).unwrap()
}

#[test]
fn diff_finds_the_incident_template_appearing() {
    let (s, summary) = session();
    let incident = summary.incident.expect("incident");
    let args = format!(r#"{{"a":{{"before":"{t}"}},"b":{{"after":"{t}"}},"top":20}}"#, t = incident.first_time);
    let d = call(&s, "diff", &args);
    let root = incident.root_cause_message.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    // The first root-cause record sits exactly at the boundary (bounds are inclusive), so the
    // template shows as appeared, or as changed with (nearly) all of its records after.
    let listed: Vec<&Value> =
        d["appeared"].as_array().unwrap().iter().chain(d["changed"].as_array().unwrap()).collect();
    let hit = listed.iter().find(|t| t["pattern"].as_str().unwrap().contains(&root));
    let hit = hit.unwrap_or_else(|| panic!("the root cause template should be listed: {d}"));
    assert!(hit["countB"].as_u64().unwrap() > 10 * hit["countA"].as_u64().unwrap().max(1), "{hit}");
    assert!(d["b"]["errorRate"].as_f64().unwrap() > d["a"]["errorRate"].as_f64().unwrap());
}

#[test]
fn compare_two_requests() {
    let (s, summary) = session();
    let incident = summary.incident.expect("incident");
    let failed = &incident.request_ids[0];
    let ids = call(&s, "ids", r#"{"kind":"request","limit":5}"#);
    let ok = ids["kinds"][0]["ids"][0]["id"].as_str().unwrap_or_else(|| panic!("no request id in {ids}")).to_string();
    let c = call(&s, "compare", &format!(r#"{{"a":"{ok}","b":"{failed}"}}"#));
    let cmp = &c["comparison"];
    assert_eq!(cmp["b"]["outcome"], "error");
    assert!(cmp["a"]["entries"].as_u64().unwrap() > 0);
    let err = s.call("compare", r#"{"a":"nope-1","b":"nope-2"}"#, &Control::default()).unwrap_err();
    assert_eq!(err.code, Code::UnknownId);
}

#[test]
fn error_flow_and_triage_point_at_the_root_cause_despite_background_errors() {
    for n in [3_000, 20_000, 60_000] {
        check_origin(n);
    }
}

fn check_origin(n: u64) {
    let (s, summary) = session_of(n);
    let incident = summary.incident.expect("incident");
    let flow = call(&s, "errorFlow", r#"{"query":{"minLevel":"error"}}"#);
    assert_eq!(flow["suggestedOrigin"], incident.root_cause_service, "{}", flow["reason"]);
    let root = incident.root_cause_message.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let first = &flow["emerging"][0];
    assert!(first["pattern"].as_str().unwrap().contains(&root), "{first}");
    let triage = call(&s, "triage", "{}");
    assert_eq!(triage["emergingErrors"][0]["service"], incident.root_cause_service);
}

#[test]
fn an_older_file_beside_does_not_hide_the_origin() {
    let (old, _) = generate_to_vec(&GenerateOptions {
        entries: 5_000,
        seed: 9,
        incidents: false,
        start_ns: 1_445_191_307 * 1_000_000_000,
        ..Default::default()
    })
    .unwrap();
    let (new, summary) = generate_to_vec(&GenerateOptions { entries: 5_000, ..Default::default() }).unwrap();
    let sources = vec![Source::from_bytes("old.jsonl", old).unwrap(), Source::from_bytes("new.jsonl", new).unwrap()];
    let ix = build(sources, &OpenOptions::default(), &Control::default()).unwrap();
    let s = Session::new(ix, Vec::new());
    let flow = call(&s, "errorFlow", r#"{"query":{"minLevel":"error"}}"#);
    assert_eq!(flow["suggestedOrigin"], summary.incident.unwrap().root_cause_service, "{}", flow["reason"]);
}
