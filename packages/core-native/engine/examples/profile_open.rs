//! Opens files and runs a few searches, printing wall and CPU time: a quick profiling aid
//! (`cargo run --release --example profile_open -- FILE...`). Benchmarks proper live in
//! packages/bench. `OPEN_ONLY=1` skips the searches; `SERIAL=1` builds serially. The anonymous
//! RSS growth (smaps_rollup, before and after the open) is the index's real native footprint.

use logsift_engine::indexer::{open_paths, Control, OpenOptions};
use logsift_engine::search::{search, PageOptions};
use std::time::Instant;

fn cpu_secs() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// `Anonymous:` of /proc/self/smaps_rollup in bytes (0 off Linux).
fn anon_rss() -> f64 {
    let s = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("Anonymous:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0)
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let serial = std::env::var("SERIAL").is_ok();
    let rss0 = anon_rss();
    let (c0, t0) = (cpu_secs(), Instant::now());
    let (ix, _) = open_paths(&files, &OpenOptions { serial, ..Default::default() }, &Control::default()).expect("open");
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_secs() - c0);
    let n = ix.len() as f64;
    println!(
        "open: {} entries, wall {:.0} ms ({:.2} M/s), cpu {:.0} ms ({:.2} M/s per core-second), index {:.1} B/entry",
        n,
        wall * 1e3,
        n / wall / 1e6,
        cpu * 1e3,
        n / cpu / 1e6,
        ix.heap_bytes() as f64 / n
    );
    println!("anon RSS growth {:.1} B/entry; {}", (anon_rss() - rss0) / n, ix.heap_report());
    if std::env::var("OPEN_ONLY").is_ok() {
        return;
    }
    for q in [
        r#"{"text":"zzzqqq","caseSensitive":true}"#,
        r#"{"text":"zzzqqq"}"#,
        r#"{"text":"cache miss","caseSensitive":true}"#,
        r#"{"text":"cache miss"}"#,
        r#"{"level":"error"}"#,
        r#"{"minLevel":"warn","text":"timeout","last":"1h"}"#,
        r#"{"regex":"timeout after 9\\d\\dms"}"#,
    ] {
        let query = serde_json::from_str(q).expect("query");
        let (c0, t0) = (cpu_secs(), Instant::now());
        let r = search(&ix, query, &PageOptions { limit: Some(50), ..Default::default() }, &Control::default())
            .expect("search");
        println!(
            "{q}: {} matches, wall {:.1} ms, cpu {:.1} ms",
            r.total_matches,
            t0.elapsed().as_secs_f64() * 1e3,
            (cpu_secs() - c0) * 1e3
        );
    }
}
