//! Times `exportParquet` on a generated JSON file (release:
//! `cargo run --release -p logsift-engine --example parquet_timing -- FILE [ENTRIES] [ROUNDS] [LEVELS]`;
//! the file is generated with the default generator when missing; LEVELS is a comma list of
//! zstd levels, `1` by default). Prints rows/s, bytes per row and the process's RssAnon
//! before and after each round: the measurement behind `parquet_export::ZSTD_LEVEL`. A measuring tool, not a test: the benchmarks
//! proper live in packages/bench (`parquet.*`).

use logsift_engine::generate::{generate_to_file, GenerateOptions};
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::parquet_export::{export_at, ParquetArgs};
use logsift_engine::source::{ReadLimits, Source};
use std::time::Instant;

fn rss_anon_kb() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("RssAnon:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args[0].clone();
    let entries: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let levels: Vec<i32> =
        args.get(3).map_or_else(|| vec![1], |s| s.split(',').filter_map(|l| l.parse().ok()).collect());
    let ctl = Control::default();
    if !std::path::Path::new(&file).exists() {
        generate_to_file(&GenerateOptions { entries, ..Default::default() }, &file, &ctl).expect("generate");
    }
    let src = Source::open(&file, &ReadLimits::default()).expect("open");
    let ix = build(vec![src], &OpenOptions::default(), &ctl).expect("index");
    let scope: Vec<u32> = (0..ix.len() as u32).collect();
    for round in 0..rounds {
        for &level in &levels {
            let dir = format!("{file}.parquet-{round}-{level}");
            let _ = std::fs::remove_dir_all(&dir);
            let a = ParquetArgs {
                out_dir: dir.clone(),
                partition: Default::default(),
                row_group_rows: None,
                fields: false,
            };
            let before = rss_anon_kb();
            let t = Instant::now();
            let r = export_at(&ix, &scope, &a, level, &ctl).expect("export");
            let secs = t.elapsed().as_secs_f64();
            let after = rss_anon_kb();
            let rows = r.rows as f64;
            println!(
                "round {round} zstd {level}: {rows} rows in {secs:.3} s = {:.0} rows/s, {:.1} B/row, RssAnon {} -> {} MB",
                rows / secs,
                r.bytes as f64 / rows,
                before / 1024,
                after / 1024
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
