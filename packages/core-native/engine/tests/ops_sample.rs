//! sample: every strategy's selection, determinism and coverage on a log with known content.
mod common;
use common::*;
use logsift_engine::index::Index;
use logsift_engine::ops::sample::{sample, SampleArgs, SampleResult, Strategy};
use logsift_engine::Code;

/// 1000 records one second apart: errors at multiples of 100, warnings at other multiples of
/// 50; threads t0..t9 (and `rare` at 777); three message templates plus one rare one at 500.
fn data() -> Index {
    let lines = (0..1000)
        .map(|i| {
            let level = if i % 100 == 0 {
                "error"
            } else if i % 50 == 0 {
                "warn"
            } else {
                "info"
            };
            let msg = match (i, i % 3) {
                (500, _) => "disk almost full".to_string(),
                (_, 0) => format!("user {i} logged in"),
                (_, 1) => format!("cache miss key {i}"),
                _ => format!("request {i} done"),
            };
            let thread = if i == 777 { "rare".to_string() } else { format!("t{}", i % 10) };
            rec(i * 1000, level, &msg, &[("thread", &thread)])
        })
        .collect();
    index(&[("app.jsonl", lines)])
}

fn run(ix: &Index, strategy: Strategy, size: usize, seed: Option<u64>) -> SampleResult {
    sample(
        ix,
        &all(ix),
        &logsift_engine::templates::mine(ix, &(0..ix.len() as u32).collect::<Vec<u32>>()),
        &SampleArgs { strategy, size: Some(size), seed, fields: false, scope: None, query: None },
    )
    .unwrap()
}

#[test]
fn random_is_seeded_and_deterministic() {
    let ix = data();
    let a = run(&ix, Strategy::Random, 50, None);
    let b = run(&ix, Strategy::Random, 50, Some(42));
    let c = run(&ix, Strategy::Random, 50, Some(7));
    assert_eq!(a.entry_ids, b.entry_ids);
    assert_ne!(a.entry_ids, c.entry_ids);
    assert_eq!(a.seed, Some(42));
    assert_eq!(a.entry_ids.len(), 50);
    assert!(a.entry_ids.windows(2).all(|w| w[0] < w[1]), "distinct and in index order");
    assert!(a.items.iter().all(|i| i.reason == "random"));
    // Spread over the scope, not clustered at one end.
    assert!(a.entry_ids[0] < 200 && *a.entry_ids.last().unwrap() > 800);
    let all_of_it = run(&ix, Strategy::Random, 5000, None);
    assert_eq!(all_of_it.entry_ids.len(), 1000);
}

#[test]
fn head_tail_edges() {
    let ix = data();
    assert_eq!(run(&ix, Strategy::Head, 3, None).entry_ids, vec![0, 1, 2]);
    assert_eq!(run(&ix, Strategy::Tail, 3, None).entry_ids, vec![997, 998, 999]);
    let e = run(&ix, Strategy::Edges, 5, None);
    assert_eq!(e.entry_ids, vec![0, 1, 2, 998, 999]);
    assert_eq!(e.items[3].reason, "last");
    let h = run(&ix, Strategy::Head, 20, None);
    assert_eq!((h.coverage.levels.covered, h.coverage.levels.total), (2, 3), "INFO and ERROR, no WARN in 0..20");
    assert_eq!((h.coverage.threads.covered, h.coverage.threads.total), (10, 11));
    assert_eq!((h.coverage.templates.covered, h.coverage.templates.total), (3, 4));
}

#[test]
fn errors_with_the_record_before_each() {
    let ix = data();
    let r = run(&ix, Strategy::Errors, 20, None);
    let mut want = vec![0u32];
    for k in 1..10 {
        want.extend([k * 100 - 1, k * 100]);
    }
    assert_eq!(r.entry_ids, want);
    assert!(r.items[0].reason.starts_with("error"));
    assert_eq!(r.items[1].reason, "record before error #100");
    // Fewer slots than errors: evenly spaced errors, each with its predecessor.
    let r = run(&ix, Strategy::Errors, 4, None);
    assert_eq!(r.entry_ids, vec![0, 499, 500]);
}

#[test]
fn chronological_is_evenly_spaced() {
    let ix = data();
    let r = run(&ix, Strategy::Chronological, 10, None);
    assert_eq!(r.entry_ids.len(), 10);
    assert!(r.entry_ids.windows(2).all(|w| (99..=101).contains(&(w[1] - w[0]))), "{:?}", r.entry_ids);
    assert!(r.entry_ids[0] <= 50);
}

#[test]
fn diverse_covers_levels_templates_and_threads_first() {
    let ix = data();
    let r = run(&ix, Strategy::Diverse, 20, None);
    assert_eq!(r.entry_ids.len(), 20);
    let c = &r.coverage;
    assert_eq!(c.levels.covered, c.levels.total);
    assert_eq!(c.templates.covered, c.templates.total);
    assert_eq!(c.threads.covered, c.threads.total);
    assert!(r.entry_ids.contains(&500), "the rare template");
    assert!(r.entry_ids.contains(&777), "the rare thread");
    assert!(r.items.iter().any(|i| i.reason.starts_with("new level WARN")));
    // Deterministic.
    assert_eq!(run(&ix, Strategy::Diverse, 20, None).entry_ids, r.entry_ids);
}

#[test]
fn bad_options_are_errors() {
    let ix = data();
    let t = logsift_engine::templates::mine(&ix, &(0..ix.len() as u32).collect::<Vec<u32>>());
    let bad = |strategy, size, seed| {
        sample(&ix, &all(&ix), &t, &SampleArgs { strategy, size, seed, fields: false, scope: None, query: None })
            .unwrap_err()
            .code
    };
    assert_eq!(bad(Strategy::Head, Some(5), Some(1)), Code::InvalidOption);
    assert_eq!(bad(Strategy::Random, Some(0), None), Code::InvalidOption);
    let no_ts = index(&[("x.log", vec!["plain line one".to_string(), "plain line two".to_string()])]);
    let e = sample(
        &no_ts,
        &all(&no_ts),
        &logsift_engine::templates::mine(&no_ts, &(0..no_ts.len() as u32).collect::<Vec<u32>>()),
        &SampleArgs {
            strategy: Strategy::Chronological,
            size: Some(2),
            seed: None,
            fields: false,
            scope: None,
            query: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

/// The scope passes run in parallel chunks: on 40K records (ten chunks or more) every strategy
/// picks exactly what it picks on one thread, coverage included.
#[test]
fn parallel_passes_pick_what_one_thread_picks() {
    let lines: Vec<String> = (0..40_000i64)
        .map(|i| {
            let level = ["info", "warn", "error", "debug"][(i * 7 % 13 % 4) as usize];
            let msg = format!("step {} of job {}", i % 17, i % 5);
            rec(i * 37 % 50_000 * 10, level, &msg, &[("thread", &format!("t{}", i * 11 % 97))])
        })
        .collect();
    let ix = index(&[("big.jsonl", lines)]);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    for strategy in [Strategy::Diverse, Strategy::Chronological, Strategy::Errors, Strategy::Head] {
        let many = run(&ix, strategy, 50, None);
        let single = one.install(|| run(&ix, strategy, 50, None));
        assert_eq!(many, single, "{strategy:?}");
        assert_eq!(many.items.len(), 50);
    }
    // Diverse counts the scope's totals in its own pass: the same totals as the shared pass.
    let totals = |r: &SampleResult| {
        let c = &r.coverage;
        [c.levels.total, c.threads.total, c.services.total, c.templates.total]
    };
    let (d, h) = (run(&ix, Strategy::Diverse, 50, None), run(&ix, Strategy::Head, 50, None));
    assert_eq!(totals(&d), totals(&h));
    assert_eq!(totals(&d)[1], 97);
}
