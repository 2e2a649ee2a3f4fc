//! Times the investigation ops through `Session::call` on a synthetic 1M-entry log (release:
//! `cargo run --release -p logsift-engine --example ops_timing [entries]`). A measuring tool,
//! not a test: the benchmarks proper live in packages/bench.

use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use std::fmt::Write;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let mut data = String::with_capacity(n * 180);
    let mut rng = 42u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let base: i64 = 1_704_067_200_000;
    // One big trace: 1000 spans in a random tree, 3 records each, spread through the file.
    let big_spans = 1000usize;
    let mut parents = vec![0usize; big_spans];
    for (i, p) in parents.iter_mut().enumerate().skip(1) {
        *p = (next() as usize) % i;
    }
    let mut big_left: Vec<usize> = (0..big_spans * 3).collect();
    big_left.reverse();
    let stride = n / (big_spans * 3 + 1);
    let templates = [
        "user {} logged in",
        "cache miss key {}",
        "request {} done took {}ms",
        "GET /api/items/{} 200",
        "retrying job {}",
    ];
    for i in 0..n {
        let ts = logsift_engine::time::format_ns((base + i as i64) * 1_000_000);
        if i % stride == 0 {
            if let Some(k) = big_left.pop() {
                let s = k / 3;
                let parent = if s == 0 { String::new() } else { format!(",\"parent_span_id\":\"sp{}\"", parents[s]) };
                let lvl = if s == 777 && k % 3 == 2 { "error" } else { "info" };
                writeln!(data, "{{\"time\":\"{ts}\",\"level\":\"{lvl}\",\"msg\":\"span step {k}\",\"trace_id\":\"bigtrace\",\"span_id\":\"sp{s}\"{parent},\"service\":\"svc{}\",\"duration_ms\":{}}}", s % 7, k % 50).unwrap();
                continue;
            }
        }
        let r = next();
        let lvl = match r % 100 {
            0 => "error",
            1..=4 => "warn",
            5..=20 => "debug",
            _ => "info",
        };
        let t = templates[(r >> 8) as usize % templates.len()].replacen("{}", &(r % 10_000).to_string(), 1).replacen(
            "{}",
            &((r >> 20) % 500).to_string(),
            1,
        );
        writeln!(
            data,
            "{{\"time\":\"{ts}\",\"level\":\"{lvl}\",\"msg\":\"{t}\",\"request_id\":\"req-{}\",\"thread\":\"pool-{}\",\"service\":\"svc{}\"}}",
            i / 10,
            (r >> 30) % 200,
            (r >> 40) % 10
        )
        .unwrap();
    }
    let t0 = Instant::now();
    let ix = build(
        vec![Source::from_bytes("big.jsonl", data.into_bytes()).unwrap()],
        &OpenOptions::default(),
        &Control::default(),
    )
    .unwrap();
    println!("indexed {} entries in {:.0} ms", ix.len(), t0.elapsed().as_secs_f64() * 1e3);
    let s = Session::new(ix, Vec::new());
    let mid = format!("req-{}", n / 20);
    let cases: Vec<(&str, String)> = vec![
        ("follow", format!(r#"{{"id":"{mid}"}}"#)),
        ("follow", r#"{"id":"pool-7","limit":100}"#.to_string()),
        ("hierarchy", r#"{"id":"bigtrace"}"#.to_string()),
        ("hierarchy", format!(r#"{{"id":"{mid}"}}"#)),
        ("bottlenecks", r#"{"id":"bigtrace","thresholdMs":40}"#.to_string()),
        ("errorFlow", r#"{"id":"bigtrace"}"#.to_string()),
        ("errorFlow", "{}".to_string()),
        ("sample", r#"{"strategy":"random","size":50}"#.to_string()),
        ("sample", r#"{"strategy":"diverse","size":50}"#.to_string()),
        ("sample", r#"{"strategy":"chronological","size":50}"#.to_string()),
        ("sample", r#"{"strategy":"errors","size":50}"#.to_string()),
        ("sample", r#"{"strategy":"head","size":50}"#.to_string()),
        ("sample", r#"{"strategy":"edges","size":50}"#.to_string()),
        ("ids", r#"{"kind":"request","limit":10}"#.to_string()),
        ("timeline", r#"{"id":"bigtrace","limit":100}"#.to_string()),
        ("metrics", "{}".to_string()),
        ("triage", "{}".to_string()),
        ("context", r#"{"file":"big.jsonl","line":500000}"#.to_string()),
    ];
    let ctl = Control::default();
    for (op, args) in cases {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let out = s.call(op, &args, &ctl).unwrap_or_else(|e| panic!("{op} {args}: {e}"));
            times.push(t.elapsed().as_secs_f64() * 1e3);
            size = out.len();
        }
        let first = times[0];
        times.sort_by(f64::total_cmp);
        println!("{op:<12} {args:<50} median {:>8.2} ms  (first {:>8.2} ms, {} bytes out)", times[2], first, size);
    }
}
