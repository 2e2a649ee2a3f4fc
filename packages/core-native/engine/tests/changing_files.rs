//! A file changing under running queries never crashes the process: a child process runs
//! every operation in a loop on a file while this process truncates, appends to and
//! rewrites it at 100 random points. The child must exit normally, and each answer it got
//! must be either SOURCE_CHANGED or exactly the answer for the version of the file it
//! indexed (checked against an index of that version built from memory).
//!
//! Every state of the file is a prefix of one of a family of generated streams (truncation
//! keeps a prefix, an append writes the stream's next bytes, a rewrite starts the next
//! stream), so the child can rebuild the version it indexed from its length and the
//! streams that were current around its `open` (the parent names the current stream in a
//! side file before it starts writing it).

mod common;
use logsift_engine::indexer::Control;
use logsift_engine::session::{OpenRequest, Session};
use logsift_engine::Code;
use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "LOGSIFT_CHURN_DIR";
const CHANGES: usize = 100;
const ENTRIES: u64 = 3000;

/// Stream `k` of the family: what the file holds after the `k`-th rewrite.
fn stream(k: u64) -> Vec<u8> {
    common::generated(1000 + k, ENTRIES)
}

/// A small deterministic PRNG (xorshift64*), so a failing run can be replayed by seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Names the current stream; by rename, so that a reader never sees a half-written number.
fn write_state(dir: &Path, k: u64) {
    std::fs::write(dir.join("state.tmp"), k.to_string()).unwrap();
    std::fs::rename(dir.join("state.tmp"), dir.join("state")).unwrap();
}

fn read_state(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join("state")).unwrap().trim().parse().unwrap()
}

/// The operations the child runs, with arguments; `{id}` is a request id of the index.
const OPS: &[(&str, &str)] = &[
    ("count", r#"{"regex":"fail(ed|ure)"}"#),
    ("count", r#"{"text":"timeout","aggregate":["level","service"]}"#),
    ("search", r#"{"minLevel":"warn","limit":20}"#),
    ("search", r#"{"text":"started","tail":5,"context":1}"#),
    ("templates", r#"{"limit":10}"#),
    ("ids", r#"{"kind":"request","limit":3}"#),
    ("follow", r#"{"id":"{id}","limit":50}"#),
    ("hierarchy", r#"{"id":"{id}"}"#),
    ("errorFlow", "{}"),
    ("timeline", r#"{"id":"{id}"}"#),
    ("triage", "{}"),
    ("sample", r#"{"strategy":"errors","size":5}"#),
    ("metrics", "{}"),
    ("entries", r#"{"ids":[0,1,2],"fields":true}"#),
];

/// An answer as compared: the JSON, or the error code.
fn answer(r: logsift_engine::Result<String>) -> Result<String, Code> {
    r.map_err(|e| e.code)
}

/// A request id of the session (the first of `ids`), to follow.
fn some_request(s: &Session) -> String {
    let ctl = Control::default();
    s.call("ids", r#"{"kind":"request","limit":1}"#, &ctl)
        .ok()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
        .and_then(|v| v["kinds"][0]["ids"][0]["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| "req-none".into())
}

/// An index of one version of the file built from memory, and its answers by op index.
type Reference = (Session, HashMap<usize, Result<String, Code>>);

/// The child: open, run every op, verify, re-open after SOURCE_CHANGED, until `stop` exists.
fn child(dir: &Path) {
    let file = dir.join("churn.jsonl").to_string_lossy().into_owned();
    let mut streams: HashMap<u64, Vec<u8>> = HashMap::new();
    // (stream, length) → an index of that version built from memory; its answers per op.
    let mut refs: HashMap<(u64, usize), Reference> = HashMap::new();
    let (mut ok, mut changed, mut opens) = (0u64, 0u64, 0u64);
    while !dir.join("stop").exists() {
        let before = read_state(dir);
        let req = OpenRequest::from_json(std::slice::from_ref(&file), "{}").unwrap();
        let s = match Session::open(req, &Control::default()) {
            Ok(s) => s,
            Err(e) if matches!(e.code, Code::SourceChanged | Code::NoInput) => {
                changed += 1;
                continue;
            }
            Err(e) => panic!("open failed with {e}"),
        };
        let after = read_state(dir);
        opens += 1;
        let len = s.index.files[0].source.size as usize;
        let id = some_request(&s);
        for (i, (op, args)) in OPS.iter().enumerate() {
            let args = args.replace("{id}", &id);
            let got = answer(s.call(op, &args, &Control::default()));
            if got == Err(Code::SourceChanged) {
                changed += 1;
                break;
            }
            // The version indexed is the first `len` bytes of a stream current around open.
            let mut matched = false;
            for k in before.saturating_sub(1)..=after {
                let data = streams.entry(k).or_insert_with(|| stream(k));
                if data.len() < len {
                    continue;
                }
                let (r, answers) = refs.entry((k, len)).or_insert_with(|| {
                    let r = Session::open_bytes(&file, data[..len].to_vec(), "{}", &Control::default()).unwrap();
                    (r, HashMap::new())
                });
                let want = answers.entry(i).or_insert_with(|| answer(r.call(op, &args, &Control::default())));
                if *want == got {
                    matched = true;
                    break;
                }
            }
            assert!(
                matched,
                "{op} {args} on {len} bytes (streams {before}..={after}): an answer of no version: {got:?}"
            );
            ok += 1;
        }
        refs.retain(|&(_, l), _| l == len);
    }
    println!("CHURN ok={ok} changed={changed} opens={opens}");
}

#[test]
fn churn_child() {
    // Only does something when started by `a_file_changing_under_queries_never_crashes`.
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child(Path::new(&dir));
    }
}

fn write_at(path: &Path, at: u64, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(bytes).unwrap();
}

#[test]
fn a_file_changing_under_queries_never_crashes() {
    let dir = common::temp_dir("churn");
    let path: PathBuf = dir.join("churn.jsonl");
    let mut k = 0u64;
    let mut data = stream(k);
    let mut len = data.len() as u64;
    write_state(&dir, 0);
    std::fs::write(&path, &data).unwrap();

    let child = Command::new(std::env::current_exe().unwrap())
        .args(["churn_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let seed = std::env::var("LOGSIFT_CHURN_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_u64);
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut kinds = [0usize; 3];
    for _ in 0..CHANGES {
        std::thread::sleep(Duration::from_millis(5 + rng.below(40)));
        match rng.below(3) {
            // Truncate anywhere, mid-line included (copytruncate, a crashed writer).
            0 => {
                len = rng.below(len + 1);
                std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(len).unwrap();
                kinds[0] += 1;
            }
            // Append the stream's next bytes (a log being written).
            1 => {
                let n = (rng.below(64 << 10) + 1).min(data.len() as u64 - len);
                write_at(&path, len, &data[len as usize..(len + n) as usize]);
                len += n;
                kinds[1] += 1;
            }
            // Rewrite in place with the next stream: truncate to 0, then write in pieces.
            _ => {
                k += 1;
                data = stream(k);
                write_state(&dir, k);
                std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(0).unwrap();
                let target = data.len() as u64 / 2 + rng.below(data.len() as u64 / 2);
                len = 0;
                while len < target {
                    let n = (rng.below(256 << 10) + 1).min(target - len);
                    write_at(&path, len, &data[len as usize..(len + n) as usize]);
                    len += n;
                }
                kinds[2] += 1;
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    std::fs::write(dir.join("stop"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    // A signal (SIGBUS) leaves no exit code.
    assert!(out.status.success(), "child died: {:?} (seed {seed})\n{stdout}", out.status);
    let summary = stdout
        .lines()
        .find_map(|l| l.split_once("CHURN "))
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no child summary:\n{stdout}"));
    let num = |key: &str| -> u64 {
        summary.split_whitespace().find_map(|w| w.strip_prefix(key)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    eprintln!("{summary}; changes: truncate {} append {} rewrite {}", kinds[0], kinds[1], kinds[2]);
    assert!(num("ok=") > 0, "no complete answer at all: {summary}");
    assert!(num("changed=") > 0, "no change was ever seen: {summary}");
}

/// The cached index a session is mapped from, truncated under running queries (another
/// process's `cache clear` of an older build, a disk tool): every answer is complete or
/// SOURCE_CHANGED, never a SIGBUS (which would kill this test process), and the long-lived
/// session opens again on its next call and answers as a fresh build.
#[test]
fn a_cache_file_truncated_under_queries_never_crashes() {
    use logsift_engine::session::LiveSession;
    let dir = common::temp_dir("cache-churn");
    let cache = dir.join("cache");
    let path = dir.join("app.jsonl");
    std::fs::write(&path, common::generated(77, 20_000)).unwrap();
    let json = serde_json::json!({ "cacheDir": cache }).to_string();
    let req = || OpenRequest::from_json(&[path.to_string_lossy().into_owned()], &json).unwrap();
    let ctl = Control::default();
    let reference = Session::open_bytes(&path.to_string_lossy(), std::fs::read(&path).unwrap(), "{}", &ctl).unwrap();
    let id = some_request(&reference);
    let want: Vec<Result<String, Code>> =
        OPS.iter().map(|(op, a)| answer(reference.call(op, &a.replace("{id}", &id), &ctl))).collect();
    drop(Session::open(req(), &ctl).unwrap()); // builds and writes the cache file
    let lsx = || {
        std::fs::read_dir(&cache)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "lsx"))
            .unwrap()
    };
    let (mut changed, mut complete) = (0, 0);
    for round in 0..6u64 {
        let live = LiveSession::new(Session::open(req(), &ctl).unwrap());
        let s = live.current(&ctl).unwrap();
        assert!(s.index.cols.offset_lo.is_mapped(), "round {round}: the index is used from the cache file");
        let victim = lsx();
        let bytes = std::fs::read(&victim).unwrap();
        // Truncated from another thread while the operations run (at a different point each
        // round), or between calls (round 0: the first call must see the fault).
        let cut = (bytes.len() as u64 * (round + 1) / 8).max(16);
        let truncate = move || std::fs::OpenOptions::new().write(true).open(&victim).unwrap().set_len(cut).unwrap();
        let cutter = if round == 0 {
            truncate();
            None
        } else {
            let delay = Duration::from_millis(round * 3);
            Some(std::thread::spawn(move || {
                std::thread::sleep(delay);
                truncate();
            }))
        };
        for _ in 0..3 {
            for (i, (op, args)) in OPS.iter().enumerate() {
                match answer(s.call(op, &args.replace("{id}", &id), &ctl)) {
                    Err(Code::SourceChanged) => changed += 1,
                    got => {
                        assert_eq!(got, want[i], "round {round}: {op} answered from a damaged cache");
                        complete += 1;
                    }
                }
            }
        }
        if let Some(c) = cutter {
            c.join().unwrap();
        }
        if round == 0 {
            assert!(s.index.cache_faulted(), "reads past the cut were counted");
        }
        drop(s);
        // The long-lived session opens again at the call after the fault was seen (a cut
        // after the last read of this round is seen by the first read after it).
        for (i, (op, args)) in OPS.iter().enumerate() {
            let args = args.replace("{id}", &id);
            let mut got = answer(live.current(&ctl).unwrap().call(op, &args, &ctl));
            if got == Err(Code::SourceChanged) {
                got = answer(live.current(&ctl).unwrap().call(op, &args, &ctl));
            }
            assert_eq!(got, want[i], "round {round}: {op} after reopening");
        }
        assert!(!live.current(&ctl).unwrap().index.cache_faulted());
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("cache truncated under queries: {complete} complete answers, {changed} SOURCE_CHANGED");
    assert!(changed > 0, "no truncation was ever seen");
}
