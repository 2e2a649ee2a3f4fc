//! Prints what the engine learned about each file (format, header layout, continuation
//! rule, confidence) and its entry and line counts: `cargo run --example layout -- FILE...`.

use logsift_engine::indexer::{open_paths, Control, OpenOptions};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    match open_paths(&paths, &OpenOptions::default(), &Control::default()) {
        Ok((ix, _)) => {
            for f in ix.stats().files {
                println!("{} lines={} entries={} no-ts={}", f.path, f.lines, f.entries, f.without_timestamp);
                println!("  {}", f.layout.summary);
                if let Some(n) = &f.layout.note {
                    println!("  note: {n}");
                }
            }
        }
        Err(e) => eprintln!("{e:?}"),
    }
}
