//! The template ops over a real index: mining with statistics, the session ops, period
//! diff and sequence comparison, on generated logs with known answers.

use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use logsift_engine::templates::{compare_sequences, diff_periods, mine};
use logsift_engine::Code;
use serde_json::Value;

fn index_of(lines: &[String]) -> Index {
    let data = lines.join("\n").into_bytes();
    let src = Source::from_bytes("gen.log", data).unwrap();
    build(vec![src], &OpenOptions::default(), &Control::default()).unwrap()
}

fn line(sec: u32, level: &str, msg: &str) -> String {
    format!("2024-01-01T00:{:02}:{:02}Z {level} {msg}", sec / 60, sec % 60)
}

/// 0..6: logins (INFO), 6..9: disk full (ERROR), 9..12: cache hits (INFO), interleaved in
/// time by their second.
fn sample() -> Vec<String> {
    let mut v = Vec::new();
    for i in 0..6 {
        v.push(line(i, "INFO", &format!("user u{i} logged in from 10.0.0.{i} port {}", 4000 + i)));
    }
    for i in 0..3 {
        v.push(line(10 + i, "ERROR", &format!("disk full on /dev/sd{i} after {}ms", 100 * i)));
    }
    for i in 0..3 {
        v.push(line(20 + i, "INFO", &format!("cache hit for key {i:x}ff ratio=0.{i}")));
    }
    v
}

#[test]
fn mine_reports_counts_times_examples_and_errors() {
    let ix = index_of(&sample());
    assert_eq!(ix.len(), 12);
    let scope: Vec<u32> = (0..12).collect();
    let t = mine(&ix, &scope);
    assert_eq!(t.templates.len(), 3);
    assert_eq!(t.assignment, vec![0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    let login = &t.templates[0];
    assert_eq!(login.pattern, "user <*> logged in from <*> port <*>");
    assert_eq!(login.parameters, vec![1, 5, 7]);
    assert_eq!((login.count, login.error_count, login.example), (6, 0, 0));
    assert_eq!(login.last_ns.unwrap() - login.first_ns.unwrap(), 5_000_000_000);
    let disk = &t.templates[1];
    assert_eq!(disk.pattern, "disk full on <*> after <*>");
    assert_eq!((disk.count, disk.error_count, disk.example), (3, 3, 6));
    assert_eq!(t.templates[2].pattern, "cache hit for key <*> ratio=<*>");

    // Scoped mining sees only its entries, in scope order.
    let t = mine(&ix, &[11, 3]);
    assert_eq!(t.templates.len(), 2);
    assert_eq!((t.templates[0].example, t.templates[1].example), (11, 3));
}

#[test]
fn mining_is_deterministic() {
    let lines: Vec<String> = (0..2000)
        .map(|i| {
            line(
                i % 3600,
                "INFO",
                &format!(
                    "job {} stage {} finished on node-{} status {}",
                    i,
                    i % 9,
                    i % 13,
                    ["ok", "retry", "skip"][i as usize % 3]
                ),
            )
        })
        .collect();
    let ix = index_of(&lines);
    let scope: Vec<u32> = (0..ix.len() as u32).collect();
    let a = mine(&ix, &scope);
    let b = mine(&ix, &scope);
    assert_eq!(a.assignment, b.assignment);
    assert_eq!(a.templates, b.templates);
}

fn call(s: &Session, op: &str, args: &str) -> Value {
    serde_json::from_str(&s.call(op, args, &Control::default()).unwrap()).unwrap()
}

#[test]
fn session_ops_templates_and_template_of() {
    let s = Session::new(index_of(&sample()), Vec::new());
    let all = call(&s, "templates", "{}");
    assert_eq!(all["total"], 3);
    assert_eq!(all["entries"], 12);
    assert_eq!(all["truncated"], false);
    assert_eq!(all["templates"][0]["pattern"], "user <*> logged in from <*> port <*>");
    assert_eq!(all["templates"][0]["count"], 6);
    assert_eq!(all["templates"][0]["errorCount"], 0);
    assert!(all["templates"][0]["firstNs"].is_i64());
    assert!(all.get("templateIds").is_none());

    let top = call(&s, "templates", r#"{"limit":1,"ids":[7,0,10]}"#);
    assert_eq!(top["templates"].as_array().unwrap().len(), 1);
    assert_eq!(top["truncated"], true);
    assert_eq!(top["templateIds"], serde_json::json!([1, 0, 2]));

    let errors = call(&s, "templates", r#"{"errorsOnly":true}"#);
    assert_eq!(errors["total"], 1);
    assert_eq!(errors["templates"][0]["pattern"], "disk full on <*> after <*>");
    assert_eq!(errors["templates"][0]["errorCount"], 3);

    assert_eq!(call(&s, "templateOf", r#"{"ids":[11,6,1]}"#), serde_json::json!([2, 1, 0]));

    let ctl = Control::default();
    assert_eq!(s.call("templateOf", r#"{"ids":[12]}"#, &ctl).unwrap_err().code, Code::UnknownId);
    assert_eq!(s.call("templates", r#"{"ids":[99]}"#, &ctl).unwrap_err().code, Code::UnknownId);
    assert_eq!(s.call("templates", r#"{"top":3}"#, &ctl).unwrap_err().code, Code::InvalidOption);
}

#[test]
fn cancelled_mining_is_an_error_and_not_cached() {
    let s = Session::new(index_of(&sample()), Vec::new());
    let ctl = Control::default();
    ctl.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(s.call("templates", "{}", &ctl).unwrap_err().code, Code::Cancelled);
    assert_eq!(call(&s, "templates", "{}")["total"], 3);
}

#[test]
fn diff_periods_finds_appeared_vanished_and_changed() {
    let mut lines = Vec::new();
    // Period A (entries 0..20): 10 logins, 10 cache hits, no errors.
    for i in 0..10 {
        lines.push(line(i, "INFO", &format!("user u{i} logged in from 10.0.0.{i} port 22")));
        lines.push(line(i, "INFO", &format!("cache hit for key k{i} ratio=0.{i}")));
    }
    // Period B (entries 20..40): 4 logins, 12 cache hits, 4 disk errors; cache hits went
    // from half of the volume to 60%, logins from 50% to 20%.
    for i in 0..4 {
        lines.push(line(60 + i, "INFO", &format!("user u{i} logged in from 10.0.1.{i} port 22")));
        lines.push(line(60 + i, "ERROR", &format!("disk full on /dev/sd{i} after {i}ms")));
    }
    for i in 0..12 {
        lines.push(line(70 + i, "INFO", &format!("cache hit for key k{i} ratio=0.{i}")));
    }
    let ix = index_of(&lines);
    let a: Vec<u32> = (0..20).collect();
    let b: Vec<u32> = (20..40).collect();
    let d = diff_periods(&ix, &a, &b, 5);
    assert_eq!((d.a.entries, d.a.errors, d.a.error_rate), (20, 0, 0.0));
    assert_eq!((d.b.entries, d.b.errors, d.b.error_rate), (20, 4, 0.2));
    assert_eq!(d.appeared.len(), 1);
    assert_eq!(d.appeared[0].pattern, "disk full on <*> after <*>");
    assert_eq!((d.appeared[0].count_a, d.appeared[0].count_b), (0, 4));
    assert!(d.vanished.is_empty());
    assert_eq!(d.changed.len(), 2);
    assert_eq!(d.changed[0].pattern, "user <*> logged in from <*> port <*>");
    assert!((d.changed[0].change - (-0.3)).abs() < 1e-9);
    assert!((d.changed[1].change - 0.1).abs() < 1e-9);
    // The mirror image: what appeared now vanished.
    let r = diff_periods(&ix, &b, &a, 5);
    assert_eq!(r.vanished.len(), 1);
    assert_eq!(r.vanished[0].count_a, 4);
    assert!(r.appeared.is_empty());
    // top limits every list.
    assert_eq!(diff_periods(&ix, &a, &b, 1).changed.len(), 1);
}

#[test]
fn compare_sequences_finds_first_divergence() {
    let lines = vec![
        // request A: ok, 3 s
        line(0, "INFO", "request r1 started by user alice"),
        line(1, "INFO", "fetched 12 rows from db in 5ms"),
        line(3, "INFO", "request r1 completed with status 200"),
        // request B: fails at the third step, 9 s
        line(10, "INFO", "request r2 started by user bob"),
        line(12, "INFO", "fetched 7 rows from db in 9ms"),
        line(19, "ERROR", "upstream timeout after 5000ms calling billing"),
    ];
    let ix = index_of(&lines);
    let c = compare_sequences(&ix, &[0, 1, 2], &[3, 4, 5]);
    assert_eq!((c.a.entries, c.a.errors, c.a.outcome), (3, 0, "ok"));
    assert_eq!((c.b.entries, c.b.errors, c.b.outcome), (3, 1, "error"));
    assert_eq!(c.a.duration_ns, Some(3_000_000_000));
    assert_eq!(c.b.duration_ns, Some(9_000_000_000));
    assert_eq!(c.b.first_error, Some(5));
    let d = c.divergence.unwrap();
    assert_eq!(d.index, 2);
    assert_eq!(d.a.as_ref().unwrap().entry, 2);
    assert_eq!(d.a.unwrap().pattern, "request <*> completed with status <*>");
    assert_eq!(d.b.unwrap().pattern, "upstream timeout after <*> calling billing");

    // Same templates: no divergence. A prefix: diverges where the shorter one ends.
    assert!(compare_sequences(&ix, &[0, 1], &[3, 4]).divergence.is_none());
    let p = compare_sequences(&ix, &[0, 1], &[3, 4, 5]).divergence.unwrap();
    assert_eq!(p.index, 2);
    assert!(p.a.is_none());
    assert_eq!(p.b.unwrap().entry, 5);
}
