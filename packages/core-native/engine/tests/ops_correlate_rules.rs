//! Correlation rules (virtual trace ids) on a producer/consumer log and on generated traces,
//! where which entries belong together is known.
mod common;
use common::*;
use logsift_engine::indexer::Control;
use logsift_engine::ops::correlate_rules::{compute, parse_rules};
use logsift_engine::Code;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const JOBS: usize = 12;
const WORKERS: usize = 3;

/// A producer enqueues job Jk (`job_id`) every 50 ms; worker k % 3 picks it 7 ms later (`job`)
/// and logs two unlabelled steps 3 and 6 ms after, on its thread. Returns the index and, per job,
/// the entry ids that belong to it (the producer file comes first: entry k is job k's enqueue).
#[allow(clippy::needless_range_loop)]
fn producer_consumer() -> (logsift_engine::index::Index, Vec<BTreeSet<u32>>) {
    let producer: Vec<String> = (0..JOBS)
        .map(|k| {
            rec(
                50 * k as i64,
                "info",
                "enqueued job",
                &[("service", "producer"), ("thread", "p-1"), ("job_id", &format!("J{k}"))],
            )
        })
        .collect();
    let mut consumer = Vec::new();
    let mut truth: Vec<BTreeSet<u32>> = (0..JOBS).map(|k| BTreeSet::from([k as u32])).collect();
    for k in 0..JOBS {
        let t = format!("c-{}", k % WORKERS);
        let at = 50 * k as i64 + 7;
        let base = (JOBS + consumer.len()) as u32;
        consumer.push(rec(
            at,
            "info",
            "picked job",
            &[("service", "consumer"), ("thread", &t), ("job", &format!("J{k}"))],
        ));
        consumer.push(rec(at + 3, "info", "step parse", &[("service", "consumer"), ("thread", &t)]));
        let lvl = if k == 5 { "error" } else { "info" };
        consumer.push(rec(at + 6, lvl, "step store", &[("service", "consumer"), ("thread", &t)]));
        truth[k].extend([base, base + 1, base + 2]);
    }
    (index(&[("producer.jsonl", producer), ("consumer.jsonl", consumer)]), truth)
}

const RULES: &str =
    r#"[{"type":"field_match","fields":["job_id","job"],"name":"job"},{"type":"temporal","withinMs":10}]"#;

fn call(s: &logsift_engine::session::Session, op: &str, args: Value) -> Result<Value, logsift_engine::Error> {
    s.call(op, &args.to_string(), &Control::default()).map(|j| serde_json::from_str(&j).unwrap())
}

#[test]
fn producer_consumer_jobs_are_virtual_traces() {
    let (ix, truth) = producer_consumer();
    let rules: Value = serde_json::from_str(RULES).unwrap();
    let v = compute(&ix, &parse_rules(&rules).unwrap(), &Control::default()).unwrap();
    assert_eq!(v.count() - 1, JOBS, "one virtual trace per job: {:?}", v.names);
    for (k, want) in truth.iter().enumerate() {
        let id = v.get(&format!("job:J{k}")).unwrap_or_else(|| panic!("no job:J{k} in {:?}", v.names));
        let got: BTreeSet<u32> = v.entries(id).iter().copied().collect();
        assert_eq!(&got, want, "job {k}");
    }

    let s = session(ix);
    let f = call(&s, "follow", json!({"id": "job:J5", "rules": rules})).unwrap();
    assert_eq!(f["kind"], "virtual");
    assert_eq!(f["total"], 4);
    assert_eq!(f["services"], json!(["producer", "consumer"]));
    assert_eq!(f["outcome"], "error");
    assert_eq!(f["entries"][0]["message"], "enqueued job");
    assert_eq!(f["entries"][3]["message"], "step store");
    assert_eq!(f["durationMs"], 13.0);

    let t = call(&s, "timeline", json!({"id": "job:J5", "rules": rules})).unwrap();
    assert_eq!((t["kind"].clone(), t["total"].clone()), (json!("virtual"), json!(4)));
    assert_eq!(t["services"].as_array().unwrap().len(), 2);

    let h = call(&s, "hierarchy", json!({"id": "job:J5", "rules": rules})).unwrap();
    assert_eq!(h["kind"], "virtual");
    assert_eq!(h["tree"]["name"], "job:J5");
    // The group, the producer's thread and the consumer's thread.
    let names: BTreeSet<String> =
        h["nodes"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, BTreeSet::from(["job:J5".to_string(), "p-1".to_string(), "c-2".to_string()]));

    let ids = call(&s, "ids", json!({"kind": "virtual", "rules": rules})).unwrap();
    let list = &ids["kinds"][0];
    assert_eq!((list["kind"].clone(), list["total"].clone()), (json!("virtual"), json!(JOBS)));
    assert!(list["ids"].as_array().unwrap().iter().all(|i| i["count"] == 4));
    // Without a kind, the real kinds come first and the virtual ones last.
    let every = call(&s, "ids", json!({"rules": rules})).unwrap();
    assert_eq!(every["kinds"].as_array().unwrap().last().unwrap()["kind"], "virtual");

    // Scoped: only the consumer file's records of the job.
    let scoped =
        call(&s, "follow", json!({"id": "job:J5", "rules": rules, "query": {"files": ["consumer.jsonl"]}})).unwrap();
    assert_eq!(scoped["total"], 3);
}

#[test]
fn field_match_alone_and_temporal_alone() {
    let (ix, _) = producer_consumer();
    let s = session(ix);
    // Without the temporal rule the steps stay out: producer line + pick line.
    let f =
        call(&s, "follow", json!({"id": "job_id:J3", "rules": [{"type": "field_match", "fields": ["job_id", "job"]}]}))
            .unwrap();
    assert_eq!(f["total"], 2);
    // Temporal alone: each pick and its two steps form a burst of its thread (the producer's
    // records are 50 ms apart: none). Worker c-0 handles jobs 0, 3, 6, 9.
    let ids = call(&s, "ids", json!({"kind": "virtual", "rules": [{"type": "temporal", "withinMs": 10}]})).unwrap();
    assert_eq!(ids["kinds"][0]["total"], JOBS);
    let b = call(&s, "follow", json!({"id": "thread:c-0#2", "rules": [{"type": "temporal", "withinMs": 10}]})).unwrap();
    assert_eq!(b["total"], 3);
    assert_eq!(b["entries"][0]["fields"], Value::Null);
    assert_eq!(b["threads"], json!(["c-0"]));
    // A second call with the same rules is answered from the session's cache (same answer).
    let again =
        call(&s, "follow", json!({"id": "thread:c-0#2", "rules": [{"type": "temporal", "withinMs": 10}]})).unwrap();
    assert_eq!(again, b);
}

#[test]
fn bad_rules_and_ids_are_typed_errors() {
    let (ix, _) = producer_consumer();
    let s = session(ix);
    for bad in [
        json!([]),
        json!([{"type": "nearby"}]),
        json!([{"type": "temporal"}]),
        json!([{"type": "temporal", "withinMs": -1}]),
        json!([{"type": "field_match", "fields": []}]),
        json!([{"type": "field_match", "fields": ["a"], "extra": 1}]),
        json!([{"type": "field_match", "fields": ["a"], "name": "x:y"}]),
        json!("job_id"),
    ] {
        let e = call(&s, "follow", json!({"id": "x", "rules": bad})).unwrap_err();
        assert_eq!(e.code, Code::InvalidOption, "{bad}: {}", e.message);
    }
    let e = call(&s, "follow", json!({"id": "job:J99", "kind": "virtual", "rules": RULES.parse::<Value>().unwrap()}))
        .unwrap_err();
    assert_eq!(e.code, Code::UnknownId);
    let e = call(&s, "follow", json!({"id": "job:J1", "kind": "virtual"})).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e = call(&s, "ids", json!({"kind": "virtual"})).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    // A `{"rules": [...]}` file's content is accepted as well as the bare list.
    let f = call(&s, "follow", json!({"id": "job:J1", "rules": {"rules": RULES.parse::<Value>().unwrap()}})).unwrap();
    assert_eq!(f["total"], 4);
}

/// On generated traffic, `span_id` = `parent_span_id` links each span to its children: the
/// virtual traces are the span trees, so each must lie inside one real trace (and a trace whose
/// spans all log records is one virtual trace).
#[test]
fn span_parent_links_rebuild_the_generated_traces() {
    let ix = logsift_engine::indexer::build(
        vec![logsift_engine::source::Source::from_bytes("gen.jsonl", generated(42, 20_000)).unwrap()],
        &Default::default(),
        &Control::default(),
    )
    .unwrap();
    let rules = json!([{"type": "field_match", "fields": ["span_id", "parent_span_id"], "name": "tree"}]);
    let v = compute(&ix, &parse_rules(&rules).unwrap(), &Control::default()).unwrap();
    use logsift_engine::record::IdKind;
    let traces = ix.interner(IdKind::Trace).count() - 1;
    assert!(v.count() > 100, "{} virtual traces", v.count());
    let mut whole = 0;
    for id in 1..v.count() as u32 {
        let es = v.entries(id);
        let t: BTreeSet<u32> = es.iter().map(|&e| ix.id(IdKind::Trace, e)).collect();
        assert_eq!(t.len(), 1, "virtual trace {} spans traces {t:?}", v.names[id as usize]);
        let tid = *t.iter().next().unwrap();
        if ix.entries_with(IdKind::Trace, tid).len() == es.len() {
            whole += 1;
        }
    }
    // Most traces come back whole (a root span without records of its own splits its children).
    assert!(whole * 10 >= traces * 9, "{whole} of {traces} traces rebuilt whole");
}

/// Every op taking a trace / request id takes a virtual one (one resolution path: `build_tree`
/// and `resolve_any`): job J5's error is in its consumer's `step store`, 6 ms of the job's 13.
#[test]
fn virtual_ids_are_accepted_by_every_op_on_an_id() {
    let (ix, _) = producer_consumer();
    let s = session(ix);
    let rules: Value = serde_json::from_str(RULES).unwrap();

    let b = call(&s, "bottlenecks", json!({"id": "job:J5", "rules": rules})).unwrap();
    assert_eq!((b["kind"].clone(), b["totalMs"].clone()), (json!("virtual"), json!(13.0)));
    let slow = &b["nodes"][0];
    assert_eq!((slow["name"].clone(), slow["durationMs"].clone()), (json!("c-2"), json!(6.0)));
    assert_eq!(slow["path"], json!(["job:J5", "c-2"]));
    assert_eq!(slow["errorCount"], 1);

    let f = call(&s, "errorFlow", json!({"id": "job:J5", "rules": rules})).unwrap();
    assert_eq!(f["kind"], "virtual");
    let cause = &f["rootCauses"][0];
    assert_eq!(cause["node"]["name"], "c-2");
    assert_eq!(cause["firstErrorMessage"], "step store");
    let chain: Vec<&str> = cause["chain"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(chain, ["c-2", "job:J5"]);
    // A job without an error has no root cause.
    let ok = call(&s, "errorFlow", json!({"id": "job:J4", "rules": rules})).unwrap();
    assert_eq!(ok["rootCauses"], json!([]));

    let t = call(&s, "exportTrace", json!({"id": "job:J5", "format": "zipkin", "rules": rules})).unwrap();
    assert_eq!(t["kind"], "virtual");
    // The producer's thread and the consumer's: the virtual root has no records of its own.
    assert_eq!(t["spanCount"], 2);
    let spans = t["document"].as_array().unwrap();
    let mut names: Vec<&str> = spans.iter().map(|s| s["tags"]["logsift.name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["c-2", "p-1"]);

    let c = call(&s, "compare", json!({"a": "job:J5", "b": "job:J4", "rules": rules})).unwrap();
    assert_eq!((c["a"].clone(), c["b"].clone()), (json!("job:J5"), json!("job:J4")));
    assert!(c["comparison"].is_object(), "{c}");

    // Without the rules the same ids are unknown, a typed error.
    for (op, args) in [
        ("bottlenecks", json!({"id": "job:J5"})),
        ("errorFlow", json!({"id": "job:J5"})),
        ("exportTrace", json!({"id": "job:J5", "format": "otlp"})),
        ("compare", json!({"a": "job:J5", "b": "job:J4"})),
    ] {
        assert_eq!(call(&s, op, args).unwrap_err().code, Code::UnknownId, "{op}");
    }
}

#[test]
fn a_bad_rule_is_named_by_its_position_and_name() {
    let (ix, _) = producer_consumer();
    let s = session(ix);
    let rules = json!([{"type": "temporal", "withinMs": 10}, {"type": "nearby", "name": "jobs"}]);
    let e = call(&s, "follow", json!({"id": "x", "rules": rules})).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    assert!(e.message.starts_with("correlation rule 1 'jobs': "), "{}", e.message);
    assert_eq!(e.location.as_deref(), Some("rules[1]"));
    let e = call(&s, "follow", json!({"id": "x", "rules": [{"type": "temporal", "withinMs": -1}]})).unwrap_err();
    assert!(e.message.contains("rule 0") && e.message.contains("withinMs"), "{}", e.message);
}
