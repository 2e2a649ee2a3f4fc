//! The generator: determinism (locked by a hash), shape (level mix, ids, trees, stack
//! traces, incident ground truth), and that its output indexes as what it claims to be.

use logsift_engine::generate::{
    generate, generate_to_file, generate_to_vec, GenFormat, GenerateOptions, GenerateSummary, BATCH_PARTS,
    ROOT_CAUSE_MESSAGE,
};
use logsift_engine::index::{Index, FLAG_MULTILINE};
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::ops::hierarchy::{hierarchy, HierarchyArgs};
use logsift_engine::ops::Cache;
use logsift_engine::record::IdKind;
use logsift_engine::source::Source;
use logsift_engine::{level, Code};
use std::sync::atomic::Ordering;

fn opts(entries: u64) -> GenerateOptions {
    GenerateOptions { entries, ..Default::default() }
}

fn gen(o: &GenerateOptions) -> (Vec<u8>, GenerateSummary) {
    generate_to_vec(o).unwrap()
}

/// FNV-1a, 64 bit: our own, so the locked value below cannot move with a dependency.
fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn index(data: Vec<u8>) -> Index {
    build(vec![Source::from_bytes("gen.log", data).unwrap()], &OpenOptions::default(), &Control::default()).unwrap()
}

fn id(ix: &Index, k: IdKind, e: u32) -> Vec<u8> {
    ix.id_name(k, ix.id(k, e)).to_vec()
}

#[test]
fn same_seed_same_bytes_locked_across_machines() {
    let o = opts(100_000);
    let (a, sa) = gen(&o);
    // Independent of the thread count: one thread gives the same bytes as the global pool.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let (b, sb) = pool.install(|| gen(&o));
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    // Streaming through a small writer gives the same bytes too.
    let mut streamed = Vec::new();
    generate(&o, &mut std::io::BufWriter::with_capacity(7, &mut streamed)).unwrap();
    assert_eq!(a, streamed);
    assert_eq!(sa.entries, 100_000);
    assert_eq!(sa.bytes, a.len() as u64);
    // Locks the output format and the PRNG: if this changes, every generated file changes.
    // Update it only on purpose (and regenerate examples/sample/services.jsonl).
    assert_eq!(fnv1a(&a), 3_589_191_322_498_545_992, "fnv1a of 100K JSON entries, seed 42");
    // Batch jobs start past 100K entries: shorter outputs are what they were before them.
    assert!(sa.batches.is_empty());
}

#[test]
fn batch_jobs_are_wide_trees_recorded_in_the_ground_truth() {
    let (data, s) = gen(&opts(140_000));
    assert_eq!(s.batches.len(), 1, "one batch block (31) in 140K entries");
    let b = &s.batches[0];
    assert_eq!((b.thread.as_str(), b.service.as_str()), ("batch-1", "inventory"));
    assert_eq!((b.parts, b.entries, b.complete), (BATCH_PARTS, BATCH_PARTS + 2, true));
    assert_eq!(b.first_entry, 31 * 4096 + 512);
    let ix = index(data);
    let first = b.first_entry as u32;
    assert_eq!(ix.line(first) as u64, b.first_line);
    assert!(ix.message(first).starts_with("reindex batch started"), "{}", ix.message(first));
    assert_eq!(id(&ix, IdKind::Thread, first), b"batch-1");
    assert_eq!(id(&ix, IdKind::Span, first), b.span_id.as_bytes());
    // Every record of the request is the job's; parts name the root span as their parent.
    let rid = ix.interner(IdKind::Request).get(b.request_id.as_bytes()).expect("batch request id");
    let recs = ix.entries_with(IdKind::Request, rid);
    assert_eq!(recs.len() as u64, b.entries);
    let parts: Vec<u32> = recs.iter().copied().filter(|&e| !id(&ix, IdKind::Parent, e).is_empty()).collect();
    assert_eq!(parts.len() as u64, b.parts);
    for &e in &parts {
        assert_eq!(id(&ix, IdKind::Parent, e), b.span_id.as_bytes());
        assert_eq!(id(&ix, IdKind::Trace, e), b.trace_id.as_bytes());
        assert!(id(&ix, IdKind::Thread, e).starts_with(b"batch-1.part-"));
    }
    let failed = parts.iter().filter(|&&e| ix.cols.level[e as usize] == level::ERROR).count() as u64;
    assert_eq!(failed, b.failed_parts);
    // The hierarchy of the request: its group node, the root span, a thousand explicit children.
    let h = hierarchy(
        &ix,
        None,
        &Cache::default(),
        &(0..ix.len() as u32).collect::<Vec<_>>(),
        &HierarchyArgs { id: b.request_id.clone(), kind: Some("request".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(h.node_count as u64, BATCH_PARTS + 2);
    assert_eq!(h.edges.explicit as u64, BATCH_PARTS);
    assert_eq!(h.nodes[1].name, b.span_id);
    assert_eq!(h.nodes[1].child_ids.len() as u64, BATCH_PARTS);
    // Same job in every layout; an output that ends inside the job reports what it wrote.
    let (_, t) = gen(&GenerateOptions { format: GenFormat::Text, ..opts(140_000) });
    assert_eq!(t.batches, s.batches);
    let (_, cut) = gen(&opts(b.first_entry + 10));
    assert_eq!((cut.batches[0].entries, cut.batches[0].parts, cut.batches[0].complete), (4, 3, false));
}

#[test]
fn different_seed_different_output() {
    let (a, _) = gen(&opts(2000));
    let (b, _) = gen(&GenerateOptions { seed: 43, ..opts(2000) });
    assert_ne!(a, b);
    let (t, _) = gen(&GenerateOptions { format: GenFormat::Text, ..opts(2000) });
    assert_ne!(a, t);
}

#[test]
fn level_mix_follows_the_error_rate() {
    let share = |s: &GenerateSummary| {
        let n = s.entries as f64;
        [s.levels.debug as f64 / n, s.levels.info as f64 / n, s.levels.warn as f64 / n, s.levels.error as f64 / n]
    };
    let (_, s) = gen(&GenerateOptions { incidents: false, ..opts(100_000) });
    let got = share(&s);
    for (g, want) in got.iter().zip([0.10, 0.60, 0.20, 0.10]) {
        assert!((g - want).abs() < 0.01, "{got:?}");
    }
    assert!(s.incident.is_none());
    let (_, s) = gen(&GenerateOptions { incidents: false, error_rate: 0.25, ..opts(100_000) });
    let got = share(&s);
    for (g, want) in got.iter().zip([0.10, 0.45, 0.20, 0.25]) {
        assert!((g - want).abs() < 0.01, "{got:?}");
    }
    // The incident adds errors, but only a little.
    let (_, s) = gen(&opts(100_000));
    assert!((share(&s)[3] - 0.10).abs() < 0.03, "{:?}", share(&s));
}

#[test]
fn json_output_indexes_with_all_ids_and_stack_traces() {
    let (data, s) = gen(&opts(20_000));
    let ix = index(data);
    assert_eq!(ix.len(), 20_000);
    assert_eq!(ix.files[0].format.kind.name(), "json");
    assert_eq!(ix.files[0].lines, s.lines);
    let count = |sev: u8| ix.cols.level.iter().filter(|&&l| l == sev).count() as u64;
    assert_eq!(
        [count(level::DEBUG), count(level::INFO), count(level::WARN), count(level::ERROR)],
        [s.levels.debug, s.levels.info, s.levels.warn, s.levels.error]
    );
    let mut multiline = 0;
    let mut lines = 0;
    for e in 0..ix.len() as u32 {
        for k in [IdKind::Thread, IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Service] {
            assert!(!id(&ix, k, e).is_empty(), "entry {e} lacks {}", k.name());
        }
        assert!(ix.ts(e).is_some());
        assert!(!ix.message(e).is_empty());
        let raw = ix.raw(e);
        lines += raw.split(|c| *c == b'\n').count() as u64;
        if ix.cols.flags[e as usize] & FLAG_MULTILINE != 0 {
            multiline += 1;
            assert_eq!(ix.cols.level[e as usize], level::ERROR, "only errors carry stack traces");
            let text = String::from_utf8_lossy(raw);
            let second = text.lines().nth(1).unwrap();
            assert!(second.starts_with("java."), "{text}");
            assert!(text.contains("\n\tat "), "{text}");
        }
    }
    assert_eq!(lines, s.lines);
    assert!(multiline > 0 && multiline < s.levels.error / 20, "{multiline} stack traces");
    let e = ix.entry(0, true);
    let fields = e.fields.unwrap();
    for key in ["time", "level", "service", "thread", "request_id", "trace_id", "span_id", "msg"] {
        assert!(fields.contains_key(key), "{key}");
    }
    let with_duration = (0..ix.len() as u32).find(|&e| ix.fields(e).contains_key("duration_ms")).unwrap();
    assert!(ix.fields(with_duration)["status"].is_u64());
}

#[test]
fn spans_form_trees_within_traces_and_threads_nest() {
    let (data, _) = gen(&opts(20_000));
    let ix = index(data);
    let mut children = 0;
    for e in 0..ix.len() as u32 {
        let parent = id(&ix, IdKind::Parent, e);
        if parent.is_empty() {
            assert_eq!(id(&ix, IdKind::Service, e), b"gateway", "root spans enter at the gateway");
            continue;
        }
        children += 1;
        // The parent span logged before the child, in the same trace and request.
        let span_id = ix.interner(IdKind::Span).get(&parent).expect("parent span present");
        let p = ix.entries_with(IdKind::Span, span_id)[0];
        assert!(p < e);
        assert_eq!(id(&ix, IdKind::Trace, p), id(&ix, IdKind::Trace, e));
        assert_eq!(id(&ix, IdKind::Request, p), id(&ix, IdKind::Request, e));
        let (pt, ct) = (id(&ix, IdKind::Thread, p), id(&ix, IdKind::Thread, e));
        assert!(ct.starts_with(&pt) && ct.len() > pt.len(), "{:?} under {:?}", ct, pt);
    }
    assert!(children > 5_000);
    // Several services share each request id.
    let shared = (1..ix.interner(IdKind::Request).count() as u32)
        .filter(|&r| {
            let services: std::collections::HashSet<Vec<u8>> =
                ix.entries_with(IdKind::Request, r).iter().map(|&e| id(&ix, IdKind::Service, e)).collect();
            services.len() >= 3
        })
        .count();
    assert!(shared > 100, "{shared}");
}

#[test]
fn incident_ground_truth_matches_the_output() {
    let (data, s) = gen(&opts(50_000));
    let inc = s.incident.clone().expect("an incident");
    assert_eq!(inc.root_cause_service, "payments");
    assert_eq!(inc.root_cause_message, ROOT_CAUSE_MESSAGE);
    assert_eq!(inc.upstream_services, ["checkout", "gateway"]);
    assert!(inc.failed_requests >= 50, "{}", inc.failed_requests);
    assert_eq!(inc.request_ids.len(), 10);
    let ix = index(data);
    let first = inc.first_entry as u32;
    assert_eq!(ix.line(first) as u64, inc.first_line);
    assert!(ix.message(first).starts_with(ROOT_CAUSE_MESSAGE));
    assert_eq!(id(&ix, IdKind::Service, first), b"payments");
    // No root-cause record before the first one; the earliest timestamp is reported.
    let root_cause: Vec<u32> =
        (0..ix.len() as u32).filter(|&e| ix.message(e).starts_with(ROOT_CAUSE_MESSAGE)).collect();
    assert_eq!(root_cause[0], first);
    assert_eq!(root_cause.len() as u64, inc.failed_requests);
    assert_eq!(root_cause.iter().filter_map(|&e| ix.ts(e)).min(), Some(inc.first_ns));
    // It starts at about 60% of the timeline.
    assert!((0.58..0.63).contains(&(first as f64 / 50_000.0)), "{first}");
    // Upstream services log errors for the same request ids.
    for rid in &inc.request_ids {
        let r = ix.interner(IdKind::Request).get(rid.as_bytes()).expect("request id in the output");
        let errors_by: Vec<(String, String)> = ix
            .entries_with(IdKind::Request, r)
            .iter()
            .filter(|&&e| ix.cols.level[e as usize] == level::ERROR)
            .map(|&e| (String::from_utf8_lossy(&id(&ix, IdKind::Service, e)).into_owned(), ix.message(e)))
            .collect();
        assert!(
            errors_by.iter().any(|(svc, m)| svc == "checkout" && m.starts_with("timeout after")),
            "{rid}: {errors_by:?}"
        );
    }
    // Incidents off: no root-cause record at all.
    let (quiet, s) = gen(&GenerateOptions { incidents: false, ..opts(50_000) });
    assert!(s.incident.is_none());
    assert!(!String::from_utf8(quiet).unwrap().contains(ROOT_CAUSE_MESSAGE));
}

#[test]
fn text_and_logfmt_layouts() {
    let (data, s) = gen(&GenerateOptions { format: GenFormat::Text, ..opts(10_000) });
    let text = String::from_utf8(data.clone()).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("2024-01-15 08:00:00,"), "{first}");
    assert!(
        first.contains(" [worker-") && first.contains("] gateway - req=req-") && first.contains(" trace="),
        "{first}"
    );
    let ix = index(data);
    assert_eq!(ix.files[0].format.kind.name(), "text");
    assert_eq!(ix.len(), 10_000);
    let e = ix.entry(5, false);
    assert!(e.thread.as_deref().is_some_and(|t| t.starts_with("worker-")), "{e:?}");
    assert!(e.component.as_deref().is_some_and(|c| !c.is_empty()), "{e:?}");
    assert!(e.message.starts_with("req=req-"), "{e:?}");
    assert_eq!(ix.cols.level.iter().filter(|&&l| l == level::ERROR).count() as u64, s.levels.error);
    assert_eq!(ix.files[0].lines, s.lines);

    let (data, s) = gen(&GenerateOptions { format: GenFormat::Logfmt, ..opts(1000) });
    let ix = index(data.clone());
    assert_eq!(ix.files[0].format.kind.name(), "logfmt");
    assert_eq!((ix.len() as u64, ix.files[0].lines), (s.entries, s.lines));
    for e in 0..ix.len() as u32 {
        for k in [IdKind::Thread, IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Service] {
            assert!(!id(&ix, k, e).is_empty(), "entry {e} lacks {}", k.name());
        }
    }
    let text = String::from_utf8(data).unwrap();
    let records: Vec<&str> = text.lines().filter(|l| l.starts_with("time=")).collect();
    assert_eq!(records.len() as u64, s.entries);
    assert!(records[0].starts_with("time=2024-01-15T08:00:00.") && records[0].contains(" msg=\""));
    assert!(records.iter().any(|l| l.contains("\" duration_ms=") && l.contains(" status=")));
}

#[test]
fn odd_sizes_and_bounds() {
    for n in [0, 1, 4095, 4096, 4097, 9000] {
        let (data, s) = gen(&opts(n));
        assert_eq!(s.entries, n);
        if n > 0 {
            assert_eq!(index(data).len() as u64, n);
        } else {
            assert!(data.is_empty());
        }
    }
    let (_, s) = gen(&GenerateOptions { services: 1, ..opts(5000) });
    assert_eq!(s.incident.unwrap().root_cause_service, "gateway");
    let (_, s) = gen(&GenerateOptions { services: 64, ..opts(5000) });
    assert_eq!(s.entries, 5000);
    let err = generate_to_vec(&opts(2_000_000)).unwrap_err();
    assert_eq!(err.code, Code::InvalidOption);
    let err = generate_to_vec(&GenerateOptions { services: 65, ..opts(5) }).unwrap_err();
    assert_eq!(err.code, Code::InvalidOption);
}

#[test]
fn to_file_streams_and_cancels_cleanly() {
    let dir = std::env::temp_dir().join(format!("logsift-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.jsonl");
    let p = path.to_str().unwrap();
    let ctl = Control::default();
    let s = generate_to_file(&opts(10_000), p, &ctl).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), gen(&opts(10_000)).0);
    assert_eq!(ctl.done.load(Ordering::Relaxed), 10_000);
    assert_eq!(s.bytes, std::fs::metadata(&path).unwrap().len());
    let cancelled = Control::default();
    cancelled.cancel.store(true, Ordering::Relaxed);
    assert_eq!(generate_to_file(&opts(10_000), p, &cancelled).unwrap_err().code, Code::Cancelled);
    assert!(!path.exists(), "a cancelled run leaves no partial file");
    let err = generate_to_file(&opts(10), dir.join("missing/x.log").to_str().unwrap(), &ctl).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    std::fs::remove_dir_all(&dir).unwrap();
}
