//! metrics (exact percentiles, message patterns, field selection, anomalies), timeline and
//! triage on logs with known values.
mod common;
use common::*;
use logsift_engine::ops::metrics::{metrics, MetricsArgs};
use logsift_engine::ops::timeline::{timeline, TimelineArgs};
use logsift_engine::ops::triage::{triage, TriageArgs};
use logsift_engine::Code;
use std::collections::BTreeMap;

#[test]
fn exact_percentiles_of_known_values() {
    // 1..=100 in a scrambled order (37 is coprime with 100).
    let lines = (0..100).map(|i| {
        let v = (i * 37) % 100 + 1;
        rec(i * 1000, "info", "req", &[("duration_ms", &v.to_string()), ("bytes", &(v * 10).to_string())])
    });
    let ix = index(&[("m.jsonl", lines.collect())]);
    let r = metrics(&ix, &all(&ix), &MetricsArgs::default()).unwrap();
    let d = &r.fields[0];
    assert_eq!((d.field.as_str(), d.unit), ("duration", Some("ms")));
    let s = &d.summary;
    assert_eq!(s.count, 100);
    assert_eq!((s.min, s.max, s.mean), (Some(1.0), Some(100.0), Some(50.5)));
    assert_eq!((s.p50, s.p95, s.p99), (Some(50.0), Some(95.0), Some(99.0)));
    assert!((s.stddev.unwrap() - 28.866_070).abs() < 1e-5);
    let r = metrics(&ix, &all(&ix), &MetricsArgs { fields: Some(vec!["bytes".into()]), ..Default::default() }).unwrap();
    assert_eq!((r.fields[0].summary.p50, r.fields[0].unit), (Some(500.0), None));
    // A scope restricts the values.
    let r = metrics(&ix, &[0, 1, 2], &MetricsArgs::default()).unwrap();
    assert_eq!(r.fields[0].summary.count, 3);
}

#[test]
fn durations_in_messages_and_nested_fields() {
    let lines = vec![
        rec(0, "info", "query took 12ms", &[]),
        rec(1, "info", "served in 1.5s", &[]),
        rec(2, "info", "latency: 250us", &[]),
        rec(3, "info", "found in 3 places", &[]),
        "{\"time\":\"2024-01-01T00:00:04Z\",\"msg\":\"x\",\"http\":{\"status\":503}}".to_string(),
        "{\"time\":\"2024-01-01T00:00:05Z\",\"msg\":\"y\",\"status\":200}".to_string(),
    ];
    let ix = index(&[("m.jsonl", lines)]);
    let r = metrics(
        &ix,
        &all(&ix),
        &MetricsArgs { fields: Some(vec!["duration".into(), "http.status".into()]), ..Default::default() },
    )
    .unwrap();
    let d = &r.fields[0].summary;
    assert_eq!((d.count, d.min, d.max), (3, Some(0.25), Some(1500.0)));
    let h = &r.fields[1].summary;
    assert_eq!((h.count, h.max), (1, Some(503.0)), "only the nested http.status");
    let e = metrics(&ix, &all(&ix), &MetricsArgs { z_threshold: Some(-1.0), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e = metrics(&ix, &all(&ix), &MetricsArgs { bucket_ms: Some(0.0), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn anomalous_bucket_by_robust_z() {
    // 20 one-minute buckets of ~10 ms, minute 13 at 1000 ms.
    let mut lines = Vec::new();
    for m in 0..20i64 {
        for k in 0..5i64 {
            let v = if m == 13 { 1000 } else { 9 + (m + k) % 3 };
            lines.push(rec(m * 60_000 + k * 1000, "info", &format!("took {v}ms"), &[]));
        }
    }
    let ix = index(&[("m.jsonl", lines)]);
    let r = metrics(&ix, &all(&ix), &MetricsArgs { bucket_ms: Some(60_000.0), ..Default::default() }).unwrap();
    let f = &r.fields[0];
    assert_eq!(f.buckets.len(), 20);
    assert_eq!(f.anomalies.len(), 1);
    assert_eq!(f.anomalies[0].start_ns, ms(13 * 60_000));
    assert_eq!(f.anomalies[0].value, 1000.0);
}

#[test]
fn timeline_attributes_services_and_finds_gaps() {
    let api = vec![
        rec(0, "info", "recv", &[("request_id", "r1"), ("service", "api")]),
        rec(2000, "error", "respond 500", &[("request_id", "r1"), ("service", "api")]),
    ];
    let worker = vec![rec(10, "info", "job", &[("request_id", "r1")]), rec(20, "info", "unrelated", &[])];
    let ix = index(&[("logs/api.jsonl", api), ("logs/worker.jsonl", worker)]);
    let services: BTreeMap<String, String> = [("worker.jsonl".to_string(), "jobs".to_string())].into();
    let r = timeline(
        &ix,
        &all(&ix),
        &TimelineArgs { id: Some("r1".into()), services: Some(services), ..Default::default() },
    )
    .unwrap();
    assert_eq!(r.total, 3);
    assert_eq!(
        r.items.iter().map(|i| (i.service.as_str(), i.rel_ms)).collect::<Vec<_>>(),
        vec![("api", Some(0.0)), ("jobs", Some(10.0)), ("api", Some(2000.0))]
    );
    assert_eq!(r.gaps.len(), 1);
    assert_eq!((r.gaps[0].ms, r.gaps[0].from_service.as_str(), r.gaps[0].to_service.as_str()), (1990.0, "jobs", "api"));
    let svc: Vec<_> = r.services.iter().map(|s| (s.service.as_str(), s.source, s.count, s.errors)).collect();
    assert_eq!(svc, vec![("api", "field", 2, 1), ("jobs", "mapping", 1, 0)]);
    // Without a mapping the file name stands in; a window scope works without an id.
    let r = timeline(&ix, &[2, 3], &TimelineArgs::default()).unwrap();
    assert_eq!(r.services[0].service, "worker.jsonl");
    assert_eq!(r.items.len(), 2);
    let bad: BTreeMap<String, String> = [("nope".to_string(), "x".to_string())].into();
    let e = timeline(&ix, &all(&ix), &TimelineArgs { services: Some(bad), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn triage_overview_with_rising_errors() {
    // One record every 10 s for an hour; in the last 20 minutes every 3rd record is an error.
    let lines: Vec<String> = (0..360)
        .map(|i| {
            let t = i * 10_000;
            if i >= 240 && i % 3 == 0 {
                let req = format!("req-{i}");
                rec(
                    t,
                    "error",
                    &format!("timeout after 30s calling svc-{}", i % 7),
                    &[("request_id", &req), ("service", "checkout"), ("thread", "pool-2")],
                )
            } else {
                rec(t, "info", &format!("handled {i}"), &[("service", "web"), ("thread", "pool-1")])
            }
        })
        .collect();
    let ix = index(&[("app.jsonl", lines)]);
    let r = triage(
        &ix,
        &all(&ix),
        &logsift_engine::templates::mine(&ix, &(0..ix.len() as u32).collect::<Vec<u32>>()),
        &TriageArgs::default(),
    )
    .unwrap();
    assert_eq!(r.entries, 360);
    assert_eq!(r.errors, 40);
    assert_eq!(r.trend, "rising");
    assert_eq!(r.top_errors.len(), 1);
    assert_eq!(r.top_errors[0].count, 40);
    assert_eq!(r.top_errors[0].template.as_deref(), Some("timeout after <*> calling <*>"));
    assert_eq!(r.services[0].name, "checkout");
    assert_eq!(r.threads[0].name, "pool-2");
    assert_eq!(r.first_error.as_ref().unwrap().request.as_deref(), Some("req-240"));
    assert!(r.suggestions.contains(&"logsift follow <sources> --id req-240".to_string()), "{:?}", r.suggestions);
    assert!(r.suggestions.iter().any(|s| s.starts_with("logsift context <sources> --file app.jsonl --line ")));
    assert_eq!(r.levels.get("ERROR"), Some(&40));
}
