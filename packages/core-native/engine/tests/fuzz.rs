//! The fuzz driver in CI: every saved finding replays clean, a short campaign per target
//! finds nothing, and the watching parent turns a hang, an abort and a panic in the child
//! into saved findings.

use logsift_engine::fuzz::campaign::{self, Config, Quiet};
use logsift_engine::fuzz::{exec, Features, Target, Verdict};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

#[test]
fn saved_findings_replay_clean() {
    let mut n = 0;
    for dir in std::fs::read_dir(regressions_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let target = Target::from_name(&name).unwrap_or_else(|| panic!("{name} is not a fuzz target"));
        for f in std::fs::read_dir(&dir).unwrap() {
            let path = f.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let v = exec(target, &data, &mut Features::default());
            assert_eq!(v, Verdict::Ok, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 6, "only {n} regression inputs found");
}

/// A fixed number of executions per target with a fixed seed (not a time budget, so the
/// same inputs run on a loaded machine too): a regression that a short run can reach shows
/// up in CI. The time limit is only a backstop.
#[test]
fn short_campaign_per_target_finds_nothing() {
    for target in Target::ALL {
        let mut cfg = Config::new(target, 1, Duration::from_secs(120));
        cfg.max_execs = 400;
        cfg.slow = Duration::from_secs(10);
        let r = campaign::run(&cfg, &mut Quiet);
        let p = &r.progress;
        assert!(
            p.execs == cfg.max_execs && p.features > 3,
            "{}: {} execs, {} features",
            target.name(),
            p.execs,
            p.features
        );
        let first = r.findings.first().map(|f| (f.message.clone(), String::from_utf8_lossy(&f.input).into_owned()));
        assert!(r.findings.is_empty(), "{}: {} failures, first: {first:?}", target.name(), p.failures);
    }
}

/// The self-check targets fail on every input; the driver must save each kind and exit 1.
#[test]
fn driver_saves_hangs_aborts_and_panics() {
    let out = std::env::temp_dir().join(format!("logsift-fuzz-selftest-{}", std::process::id()));
    let run = |target: &str| {
        Command::new(env!("CARGO_BIN_EXE_fuzz"))
            .args(["--target", target, "--seconds", "1", "--timeout-ms", "300", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let saved = |target: &str, kind: &str| -> Vec<PathBuf> {
        let dir = out.join(target);
        let files =
            std::fs::read_dir(&dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_else(|_| Vec::new());
        files.into_iter().filter(|p: &PathBuf| is_finding(p, kind)).collect()
    };
    for (target, kind) in [("selftest-hang", "hang"), ("selftest-abort", "crash"), ("selftest-panic", "panic")] {
        let o = run(target);
        assert_eq!(o.status.code(), Some(1), "{target}: {}", String::from_utf8_lossy(&o.stderr));
        let files = saved(target, kind);
        assert!(!files.is_empty(), "{target}: no {kind} finding saved");
        let note = std::fs::read_to_string(files[0].with_extension("txt")).unwrap();
        assert!(note.contains(kind) || note.contains("self-test"), "{target}: {note}");
        let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
        assert!(summary.contains(target), "{summary}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

fn is_finding(p: &Path, kind: &str) -> bool {
    let name = p.file_name().unwrap().to_string_lossy();
    name.starts_with(&format!("{kind}-")) && name.ends_with(".bin")
}
