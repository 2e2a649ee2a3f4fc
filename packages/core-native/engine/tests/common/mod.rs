//! Synthetic JSON-lines logs with known answers, for the ops tests.
#![allow(dead_code)]

use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;

/// 2024-01-01T00:00:00Z in ns.
pub const BASE_NS: i64 = 1_704_067_200_000_000_000;

/// One JSON line at `ms` after BASE with a level, message and extra `"k":"v"` pairs.
pub fn rec(ms: i64, level: &str, msg: &str, extra: &[(&str, &str)]) -> String {
    let mut s = format!(
        "{{\"time\":\"{}\",\"level\":\"{level}\",\"msg\":\"{msg}\"",
        logsift_engine::time::format_ns(BASE_NS + ms * 1_000_000)
    );
    for (k, v) in extra {
        if v.parse::<f64>().is_ok() {
            s.push_str(&format!(",\"{k}\":{v}"));
        } else {
            s.push_str(&format!(",\"{k}\":\"{v}\""));
        }
    }
    s.push('}');
    s
}

pub fn index(files: &[(&str, Vec<String>)]) -> Index {
    let sources = files
        .iter()
        .map(|(name, lines)| Source::from_bytes(name, (lines.join("\n") + "\n").into_bytes()).unwrap())
        .collect();
    build(sources, &OpenOptions::default(), &Control::default()).unwrap()
}

pub fn all(ix: &Index) -> Vec<u32> {
    (0..ix.len() as u32).collect()
}

pub fn session(ix: Index) -> Session {
    Session::new(ix, Vec::new())
}

pub fn ms(ms: i64) -> i64 {
    BASE_NS + ms * 1_000_000
}

/// A fresh, empty temporary directory for one test (`logsift-NAME-PID`).
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("logsift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `entries` generated JSON lines (the engine's generator, with `seed`).
pub fn generated(seed: u64, entries: u64) -> Vec<u8> {
    let opts = logsift_engine::generate::GenerateOptions { seed, entries, ..Default::default() };
    logsift_engine::generate::generate_to_vec(&opts).unwrap().0
}
