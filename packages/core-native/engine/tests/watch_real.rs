//! Watch on real logs: the loghub samples (and logs of this machine) appended to a followed
//! file in random-sized pieces, cutting lines and multi-line records anywhere, give exactly
//! the entries that indexing the whole file gives (same records, lines, offsets, fields).
//! The generator's text logs add multi-line records (Java stack traces), which the real
//! samples lack.

#[path = "support/loghub.rs"]
mod loghub;

use logsift_engine::generate::{generate_to_vec, GenFormat, GenerateOptions};
use logsift_engine::indexer::{self, Control, OpenOptions};
use logsift_engine::watch::{Start, Watch, WatchOptions};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

fn inputs(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let generated = dir.join("generated-text.log");
    let opts = GenerateOptions { entries: 10_000, format: GenFormat::Text, ..GenerateOptions::default() };
    std::fs::write(&generated, generate_to_vec(&opts).unwrap().0).unwrap();
    out.push(generated);
    if let Some(dir) = loghub::corpus_dir() {
        // One directory per system (files beside them, such as a README, are not logs).
        for d in std::fs::read_dir(dir).unwrap().flatten().filter(|d| d.path().is_dir()) {
            for f in std::fs::read_dir(d.path()).unwrap().flatten() {
                if f.path().extension().is_some_and(|e| e == "log") {
                    out.push(f.path());
                }
            }
        }
    }
    for f in ["/var/log/dpkg.log", "/var/log/apt/history.log", "/var/log/alternatives.log"] {
        if std::fs::metadata(f).is_ok_and(|m| m.len() > 0) {
            out.push(PathBuf::from(f));
        }
    }
    out.sort();
    out
}

#[test]
fn appended_in_pieces_equals_indexing_the_whole_file() {
    let dir = std::env::temp_dir().join(format!("logsift-watch-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = inputs(&dir);
    assert!(files.len() > 1, "no real logs found (shared/corpus/loghub or /var/log)");
    let mut rng: u64 = 42;
    let mut multi_line = 0;
    let mut next = |n: u64| {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (rng >> 33) % n
    };
    for src in files {
        let mut bytes = std::fs::read(&src).unwrap();
        // A watch holds a last line until its newline is written (the writer may be mid-line);
        // the samples that end without one get it, as a writer would write it.
        if bytes.last().is_some_and(|&b| b != b'\n') {
            bytes.push(b'\n');
        }
        let target = dir.join(format!("followed-{}", src.file_name().unwrap().to_string_lossy()));
        let path = target.to_string_lossy().into_owned();
        std::fs::write(&target, b"").unwrap();
        let open = OpenOptions { year: Some(2024), ..OpenOptions::default() };
        let opts = WatchOptions {
            open: open.clone(),
            start: Start::End,
            // Long: records are complete only when the next one starts (or at the final drain).
            settle: Duration::from_secs(60),
            notify: false,
            fields: true,
            ..WatchOptions::default()
        };
        let mut w = Watch::new(std::slice::from_ref(&path), opts).unwrap();
        let mut got = Vec::new();
        let mut f = std::fs::OpenOptions::new().append(true).open(&target).unwrap();
        let mut at = 0;
        while at < bytes.len() {
            let n = (1 + next(8192) as usize).min(bytes.len() - at);
            f.write_all(&bytes[at..at + n]).unwrap();
            at += n;
            got.extend(w.poll(Duration::ZERO).unwrap());
        }
        got.extend(w.drain(usize::MAX).unwrap().hits);
        let (ix, _) = indexer::open_paths(std::slice::from_ref(&path), &open, &Control::default()).unwrap();
        let want: Vec<_> = (0..ix.len() as u32).map(|e| ix.entry(e, true)).collect();
        let got: Vec<_> = got.into_iter().map(|h| h.entry).collect();
        assert_eq!(got.len(), want.len(), "{}: entries", src.display());
        multi_line += want.iter().filter(|e| e.raw.contains('\n')).count();
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{}", src.display());
        }
    }
    assert!(multi_line > 10, "multi-line records checked: {multi_line}");
    let _ = std::fs::remove_dir_all(&dir);
}
