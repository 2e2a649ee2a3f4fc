//! Single-thread throughput of the substring finders over a file (release:
//! `cargo run --release --example finder_speed -- FILE TERM`). A measuring aid only.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).expect("read");
    let term = &args[2];
    let time = |name: &str, f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name:<24} {n:>8} hits  {:>7.1} ms  {:>6.2} GB/s", best * 1e3, data.len() as f64 / best / 1e9);
    };
    let ex = memchr::memmem::Finder::new(term.as_bytes());
    time("memmem exact", &|| ex.find_iter(&data).count());
    let re = regex::bytes::Regex::new(&format!("(?i){}", regex::escape(term))).unwrap();
    time("regex (?i)", &|| re.find_iter(&data).count());
    let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build([term]).unwrap();
    time("aho-corasick ci", &|| ac.find_iter(&data).count());
    let m = logsift_engine::query::text::TextMatcher::new(&[vec![term.clone()]], &[], &[], false).unwrap();
    let f = m.anchor().unwrap().clone();
    time("logsift Finder ci", &|| {
        let (mut n, mut at) = (0, 0);
        while let Some((s, e)) = f.find(&data[at..]) {
            n += 1;
            at += e.max(s + 1);
        }
        n
    });
}
