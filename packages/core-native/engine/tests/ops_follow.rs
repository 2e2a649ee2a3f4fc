//! follow, ids and context on synthetic logs with known answers.
mod common;
use common::*;
use logsift_engine::ops::context::{context, ContextArgs};
use logsift_engine::ops::follow::{follow, FollowArgs};
use logsift_engine::ops::ids::{ids, IdSort, IdsArgs};
use logsift_engine::Code;

/// Request r1 spans two files out of order; x1 is both a thread and a request id.
fn data() -> logsift_engine::index::Index {
    let a = vec![
        rec(0, "info", "start", &[("request_id", "r1"), ("service", "api"), ("thread", "t1")]),
        rec(30, "error", "db failed", &[("request_id", "r1"), ("service", "api"), ("thread", "t1")]),
        rec(40, "info", "other", &[("request_id", "r2"), ("thread", "x1")]),
        rec(50, "info", "other 2", &[("request_id", "r2"), ("thread", "x1")]),
        rec(60, "info", "done", &[("request_id", "r1"), ("service", "api"), ("thread", "t1")]),
    ];
    let b = vec![
        rec(10, "info", "query", &[("request_id", "r1"), ("service", "db")]),
        rec(20, "warn", "slow", &[("request_id", "r1"), ("service", "db")]),
        rec(25, "fatal", "disk", &[("request_id", "r1"), ("service", "db")]),
        rec(70, "info", "x", &[("request_id", "x1")]),
    ];
    index(&[("a.jsonl", a), ("b.jsonl", b)])
}

#[test]
fn follow_orders_across_files_and_reports_outcome() {
    let ix = data();
    let r = follow(&ix, &all(&ix), &FollowArgs { id: "r1".into(), limit: Some(3), ..Default::default() }).unwrap();
    assert_eq!(r.kind, "request");
    // a: 0..5, b: 5..9. Time order: a0(0) b5(10) b6(20) b7(25) a1(30) a4(60)
    // Ids are paged like the entries; the summary covers all six records.
    assert_eq!(r.entry_ids, vec![0, 5, 6]);
    assert_eq!(r.next_offset, Some(3));
    assert_eq!(r.total, 6);
    assert_eq!(r.duration_ms, Some(60.0));
    assert_eq!(r.services, vec!["api", "db"]);
    assert_eq!(r.outcome, "error");
    assert_eq!(r.error_count, 2);
    assert_eq!(r.first_error.as_ref().unwrap().message, "disk");
    assert_eq!(r.entries.iter().map(|e| e.id).collect::<Vec<_>>(), vec![0, 5, 6]);
    let p2 = follow(&ix, &all(&ix), &FollowArgs { id: "r1".into(), offset: 4, ..Default::default() }).unwrap();
    assert_eq!(p2.entries.iter().map(|e| e.id).collect::<Vec<_>>(), vec![1, 4]);
    assert_eq!(p2.entry_ids, vec![1, 4]);
    assert_eq!((p2.next_offset, p2.error_count, p2.outcome), (None, 2, "error"));
    let p3 = follow(&ix, &all(&ix), &FollowArgs { id: "r1".into(), offset: 3, limit: Some(3), ..Default::default() })
        .unwrap();
    assert_eq!((p3.entry_ids, p3.next_offset), (vec![7, 1, 4], None));
    let past = follow(&ix, &all(&ix), &FollowArgs { id: "r1".into(), offset: 9, ..Default::default() }).unwrap();
    assert_eq!((past.entry_ids.len(), past.next_offset, past.total), (0, None, 6));
    // A scope keeps only its entries.
    let s = follow(&ix, &[0, 1, 2], &FollowArgs { id: "r1".into(), ..Default::default() }).unwrap();
    assert_eq!(s.entry_ids, vec![0, 1]);
}

#[test]
fn ambiguous_ids_pick_most_entries_and_report_matches() {
    let ix = data();
    let r = follow(&ix, &all(&ix), &FollowArgs { id: "x1".into(), ..Default::default() }).unwrap();
    assert_eq!(r.kind, "thread", "thread x1 has 2 entries, request x1 has 1");
    assert_eq!(r.matched_kinds.len(), 2);
    assert_eq!(r.outcome, "ok");
    let r = follow(&ix, &all(&ix), &FollowArgs { id: "x1".into(), kind: Some("request".into()), ..Default::default() })
        .unwrap();
    assert_eq!(r.entry_ids, vec![8]);
    let e = follow(&ix, &all(&ix), &FollowArgs { id: "nope".into(), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::UnknownId);
    let e = follow(&ix, &all(&ix), &FollowArgs { id: "r1".into(), kind: Some("parent".into()), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn ids_count_first_last_sort_and_limit() {
    let ix = data();
    let r = ids(&ix, &all(&ix), &IdsArgs { kind: Some("request".into()), ..Default::default() }).unwrap();
    let k = &r.kinds[0];
    assert_eq!(k.total, 3);
    assert_eq!(k.ids[0].id, "r1");
    assert_eq!(k.ids[0].count, 6);
    assert_eq!(k.ids[0].first_ns, Some(ms(0)));
    assert_eq!(k.ids[0].last_ns, Some(ms(60)));
    assert_eq!(k.ids[1].id, "r2");
    let r = ids(&ix, &all(&ix), &IdsArgs { sort: IdSort::First, limit: Some(1), ..Default::default() }).unwrap();
    assert_eq!(r.kinds.len(), 5);
    let svc = r.kinds.iter().find(|k| k.kind == "service").unwrap();
    assert_eq!((svc.total, svc.ids.len(), svc.ids[0].id.as_str()), (2, 1, "api"));
    let e = ids(&ix, &all(&ix), &IdsArgs { kind: Some("bogus".into()), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn context_counts_records_not_lines_and_stops_at_file_edges() {
    let data = "{\"time\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"a\"}\n\
{\"time\":\"2024-01-01T00:00:01Z\",\"level\":\"error\",\"msg\":\"b\"}\n\
java.lang.RuntimeException: x\n\tat A.b(A.java:1)\n\
{\"time\":\"2024-01-01T00:00:02Z\",\"level\":\"info\",\"msg\":\"c\"}\n\
{\"time\":\"2024-01-01T00:00:03Z\",\"level\":\"info\",\"msg\":\"d\"}\n";
    let src = logsift_engine::source::Source::from_bytes("dir/app.jsonl", data.as_bytes().to_vec()).unwrap();
    let ix = logsift_engine::indexer::build(
        vec![src],
        &logsift_engine::indexer::OpenOptions::default(),
        &logsift_engine::indexer::Control::default(),
    )
    .unwrap();
    // Line 4 is inside the stack trace of record 1.
    let r = context(
        &ix,
        &ContextArgs { file: "app.jsonl".into(), line: 4, before: Some(1), after: Some(1), fields: false },
    )
    .unwrap();
    assert!(r.exact);
    assert_eq!(r.entry.message, "b");
    assert_eq!(r.before.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(), vec!["a"]);
    assert_eq!(r.after.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(), vec!["c"]);
    // File edges: first line with 5 before, last line with 5 after.
    let r = context(&ix, &ContextArgs { file: "dir/app.jsonl".into(), line: 1, ..Default::default() }).unwrap();
    assert!(r.before.is_empty());
    assert_eq!(r.after.len(), 3);
    let r = context(&ix, &ContextArgs { file: "app.jsonl".into(), line: 6, ..Default::default() }).unwrap();
    assert_eq!(r.entry.message, "d");
    assert_eq!(r.before.len(), 3);
    assert!(r.after.is_empty());
    for (file, line) in [("app.jsonl", 0), ("app.jsonl", 7), ("other.log", 1)] {
        let e = context(&ix, &ContextArgs { file: file.into(), line, ..Default::default() }).unwrap_err();
        assert_eq!(e.code, Code::UnknownId, "{file}:{line}");
    }
}
