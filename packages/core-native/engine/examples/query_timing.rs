//! Times search and sample calls through `Session::call` on real files (release:
//! `cargo run --release -p logsift-engine --example query_timing -- FILE...`). Each case runs
//! 15 times; prints min and median. A measuring tool, not a test: benchmarks live in
//! packages/bench.

use logsift_engine::indexer::{open_paths, Control, OpenOptions};
use logsift_engine::session::Session;
use std::time::Instant;

/// CPU seconds of this process (all threads): steadier than wall time on a shared machine.
fn cpu_secs() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let ctl = Control::default();
    let (ix, skipped) = open_paths(&files, &OpenOptions::default(), &ctl).expect("open");
    let s = Session::new(ix, skipped);
    let default_cases = [
        ("search", r#"{"level":"error","limit":100}"#),
        ("search", r#"{"minLevel":"warn","text":"timeout","last":"1h","relativeTo":"end","limit":50}"#),
        ("search", r#"{"text":"internal","limit":100}"#),
        ("count", r#"{"text":"internal"}"#),
        ("sample", r#"{"strategy":"random","size":50,"seed":42}"#),
        ("sample", r#"{"strategy":"diverse","size":50}"#),
        ("sample", r#"{"strategy":"chronological","size":50}"#),
        ("sample", r#"{"strategy":"errors","size":50}"#),
        ("sample", r#"{"strategy":"head","size":50}"#),
    ];
    let extra: Vec<(String, String)> = std::env::var("CASES")
        .ok()
        .map(|c| c.split(";;").filter_map(|x| x.split_once(' ').map(|(a, b)| (a.to_string(), b.to_string()))).collect())
        .unwrap_or_default();
    let cases: Vec<(String, String)> = if extra.is_empty() {
        default_cases.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    } else {
        extra
    };
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(15);
    for (op, args) in &cases {
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut out = String::new();
        for _ in 0..runs {
            let (c, t) = (cpu_secs(), Instant::now());
            out = s.call(op, args, &ctl).unwrap_or_else(|e| panic!("{op} {args}: {e}"));
            times.push(t.elapsed().as_secs_f64() * 1e3);
            cpu.push((cpu_secs() - c) * 1e3);
        }
        times.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        let head: String = out.chars().take(70).collect();
        println!(
            "{op:<7} {args:<90} wall min {:>7.2} median {:>7.2} ms, cpu median {:>7.2} ms  {head}",
            times[0],
            times[runs / 2],
            cpu[runs / 2]
        );
    }
}
