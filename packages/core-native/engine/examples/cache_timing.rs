//! Times a reopen of a file's cached index and counts on it, phase by phase (release:
//! `cargo run --release -p logsift-engine --example cache_timing -- FILE CACHE_DIR [TEXT]`).
//! A measuring tool, not a test: benchmarks live in packages/bench.

use logsift_engine::indexer::Control;
use logsift_engine::session::{OpenRequest, Session};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, dir) = (args[0].clone(), args[1].clone());
    let text = args.get(2).cloned().unwrap_or_else(|| "timeout".into());
    let ctl = Control::default();
    let json = serde_json::json!({ "cacheDir": dir }).to_string();
    let count = serde_json::json!({ "text": text, "caseSensitive": true }).to_string();
    for round in 0..5 {
        let t = Instant::now();
        let s = Session::open(OpenRequest::from_json(std::slice::from_ref(&file), &json).expect("req"), &ctl)
            .expect("open");
        let open = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let out = s.call("count", &count, &ctl).expect("count");
        let first = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        s.call("count", &count, &ctl).expect("count");
        let second = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "round {round}: open {open:.1} ms, count {first:.1} ms, again {second:.1} ms: {}",
            &out[..out.len().min(80)]
        );
    }
}
