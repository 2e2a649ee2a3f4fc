//! Quick index-build throughput check (not a benchmark suite; those live in packages/bench):
//! `cargo run --release -p logsift-engine --example index_speed -- FILE...`
//! Prints the detected format, entries, and entries/s of the best of three builds per file,
//! then the CPU time of parsing alone (one thread, `Format::parse` on every line), which
//! stays meaningful when the machine is shared.

use logsift_engine::indexer::{open_paths, Control, OpenOptions};
use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: index_speed FILE...");
        std::process::exit(2);
    }
    for f in &files {
        let mut best = f64::MAX;
        let mut summary = String::new();
        for _ in 0..3 {
            let t = Instant::now();
            match open_paths(std::slice::from_ref(f), &OpenOptions::default(), &Control::default()) {
                Ok((ix, _)) => {
                    let secs = t.elapsed().as_secs_f64();
                    best = best.min(secs);
                    let bytes = ix.files[0].source.data().len();
                    summary = format!(
                        "{f}: format={} entries={} bytes={} best={:.3}s entries/s={:.0} MB/s={:.0}",
                        ix.files[0].format.kind.name(),
                        ix.len(),
                        bytes,
                        best,
                        ix.len() as f64 / best,
                        bytes as f64 / best / 1e6
                    );
                }
                Err(e) => {
                    eprintln!("{f}: {e}");
                    std::process::exit(1);
                }
            }
        }
        println!("{summary}");
        parse_only(f);
    }
}

/// CPU seconds (user + system) this thread has used, from /proc (Linux; 0 elsewhere).
fn thread_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let v: Vec<f64> = after.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the `)`, in clock ticks (100/s).
    v.get(10).zip(v.get(11)).map_or(0.0, |(u, s)| (u + s) / 100.0)
}

fn parse_only(path: &str) {
    use logsift_engine::format::{detect, ParseCtx};
    use logsift_engine::record::Parsed;
    let data = std::fs::read(path).unwrap_or_default();
    let sample = logsift_engine::indexer::sample_lines(&data, 200);
    let fmt = detect(&sample, ParseCtx { tz: logsift_engine::time::Tz::Fixed(0), year: 2024 });
    let mut out = Parsed::default();
    let (mut records, mut lines) = (0u64, 0u64);
    let t0 = thread_cpu();
    for _ in 0..3 {
        for line in data.split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            lines += 1;
            records += u64::from(fmt.parse(line, &mut out));
        }
    }
    let cpu = thread_cpu() - t0;
    println!(
        "  parse only: {} lines, {} records, {:.3} CPU s per pass, {:.0} lines per CPU second",
        lines / 3,
        records / 3,
        cpu / 3.0,
        lines as f64 / cpu.max(1e-9)
    );
}
