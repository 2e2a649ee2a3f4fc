//! Quick index-build throughput check (not a benchmark suite; those live in packages/bench):
//! `cargo run --release -p logsift-engine --example index_speed -- FILE...`
//! Prints the detected format, entries, and entries/s of the best of three builds per file.

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
    }
}
