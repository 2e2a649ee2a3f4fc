//! Template mining throughput, for the figures in reports (benchmarks proper live in
//! packages/bench). Run in release:
//!
//! `cargo run --release -p logsift-engine --example templates_throughput -- [LINES]`
//! (the corpus: `LOGHUB_DIR`, else `shared/corpus/loghub` beside the repository clone)
//!
//! Three inputs of LINES messages (default 2,000,000):
//! 1. the raw loghub 2k logs (all five systems) repeated, indexed, then `mine` over the
//!    whole index (the path the `templates` op takes);
//! 2. the same lines' messages fed straight to `TemplateMiner::add`, then `finish`;
//! 3. generated messages whose variables are words (no digits), so masking cannot make
//!    lines identical: the worst case, where every line walks the tree.

use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::source::Source;
use logsift_engine::templates::{mine, Config, TemplateMiner};
use std::path::PathBuf;
use std::time::Instant;

/// Nanoseconds this thread has spent on a CPU (Linux), so the figure means something on a
/// machine shared with other work; wall time is reported too.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

struct Timer(Instant, Option<u64>);

impl Timer {
    fn start() -> Timer {
        Timer(Instant::now(), cpu_ns())
    }
}

fn report(name: &str, lines: usize, bytes: usize, t: Timer, templates: usize) {
    let wall = t.0.elapsed().as_secs_f64();
    let cpu = t.1.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e9);
    let cpu_text = cpu.map_or(String::new(), |c| format!("; on-CPU {c:.3} s = {:.0} lines/s", lines as f64 / c));
    println!(
        "{name}: {lines} lines, {:.1} MB: wall {wall:.3} s = {:.0} lines/s ({:.0} MB/s){cpu_text}; {templates} templates",
        bytes as f64 / 1e6,
        lines as f64 / wall,
        bytes as f64 / 1e6 / wall
    );
}

fn main() {
    let target: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2_000_000);
    let dir = std::env::var_os("LOGHUB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/corpus/loghub"));
    let mut raw = Vec::new();
    for system in ["Apache", "HDFS", "Hadoop", "Spark", "OpenSSH"] {
        match std::fs::read(dir.join(system).join(format!("{system}_2k.log"))) {
            Ok(b) => raw.push(b),
            Err(e) => eprintln!("skipping {system}: {e}"),
        }
    }
    if !raw.is_empty() {
        // 1. index + mine over the index.
        let per_round: usize = raw.iter().map(|b| bytecount(b)).sum();
        let rounds = target.div_ceil(per_round.max(1));
        let sources: Vec<Source> = raw
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let mut data = Vec::with_capacity(b.len() * rounds);
                for _ in 0..rounds {
                    data.extend_from_slice(b);
                    if !b.ends_with(b"\n") {
                        data.push(b'\n');
                    }
                }
                Source::from_bytes(&format!("loghub-{i}.log"), data).ok()
            })
            .collect();
        let t = Instant::now();
        let Ok(index) = build(sources, &OpenOptions::default(), &Control::default()) else {
            eprintln!("index build failed");
            return;
        };
        println!("indexed {} entries in {:.3} s", index.len(), t.elapsed().as_secs_f64());
        let scope: Vec<u32> = (0..index.len() as u32).collect();
        let bytes: usize = scope.iter().map(|&e| index.message_bytes(e).len()).sum();
        let t = Timer::start();
        let mined = mine(&index, &scope);
        report("mine(index) loghub x repeated", scope.len(), bytes, t, mined.templates.len());

        // 2. the same messages straight into the miner.
        let messages: Vec<Vec<u8>> = scope.iter().map(|&e| index.message_bytes(e).to_vec()).collect();
        let t = Timer::start();
        let mut miner = TemplateMiner::new(Config::default());
        for m in &messages {
            miner.add(m);
        }
        let mined = miner.finish();
        report("TemplateMiner::add + finish loghub messages", messages.len(), bytes, t, mined.len());
    }

    // 3. worst case: word variables defeat the exact-sequence cache.
    let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
    let verbs = ["opened", "closed", "reset", "granted", "denied", "queued", "retried", "dropped"];
    let mut state: u64 = 42;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let messages: Vec<String> = (0..target)
        .map(|_| {
            let (r, s) = (next(), next());
            let w = |k: u64| words[(k % words.len() as u64) as usize];
            let user = format!("{}{}{}", w(r), w(r >> 8), w(r >> 16));
            let host = format!("{}-{}", w(s), w(s >> 8));
            let verb = verbs[((r >> 24) % verbs.len() as u64) as usize];
            format!("session {verb} for user {user} on host {host} via {} from {}", w(s >> 16), r % 65536)
        })
        .collect();
    let bytes: usize = messages.iter().map(String::len).sum();
    let t = Timer::start();
    let mut miner = TemplateMiner::new(Config::default());
    for m in &messages {
        miner.add(m.as_bytes());
    }
    let mined = miner.finish();
    report("TemplateMiner::add + finish word variables (cache misses)", messages.len(), bytes, t, mined.len());
}

fn bytecount(b: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', b).count()
}
