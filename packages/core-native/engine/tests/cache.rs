//! The persistent index cache and incremental append: a reopened or extended index answers
//! exactly as a fresh build of the file as it is now, whatever happened to the cache file.
use logsift_engine::cache::{self, Config};
use logsift_engine::generate::{generate_to_vec, GenFormat, GenerateOptions};
use logsift_engine::indexer::{Control, OpenOptions};
use logsift_engine::session::{LiveSession, OpenRequest, Session};
use logsift_engine::Code;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

static DIRS: AtomicU32 = AtomicU32::new(0);

/// A fresh scratch directory with a `cache/` inside.
fn scratch(name: &str) -> PathBuf {
    let n = DIRS.fetch_add(1, Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("logsift-cache-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("cache")).unwrap();
    d
}

fn gen(entries: u64, format: GenFormat, seed: u64) -> Vec<u8> {
    generate_to_vec(&GenerateOptions { entries, format, seed, ..Default::default() }).unwrap().0
}

fn request(path: &Path, cache: Option<Config>, opts: OpenOptions) -> OpenRequest {
    OpenRequest { inputs: vec![path.to_string_lossy().into_owned()], options: opts, cache }
}

fn open(path: &Path, dir: &Path) -> Session {
    open_with(path, Some(Config::at(dir.join("cache"))), OpenOptions::default())
}

fn open_with(path: &Path, cache: Option<Config>, opts: OpenOptions) -> Session {
    Session::open(request(path, cache, opts), &Control::default()).unwrap()
}

fn call(s: &Session, op: &str, json: &str) -> serde_json::Value {
    serde_json::from_str(&s.call(op, json, &Control::default()).unwrap()).unwrap()
}

/// Where each file's index came from (`stats.files[].cache`).
fn origin(s: &Session) -> Vec<String> {
    call(s, "stats", "{}")["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cache"].as_str().unwrap().to_string())
        .collect()
}

/// Everything a caller can observe: stats (less the cache origin and heap size), every
/// entry with its fields, id lists, a text count and a follow through a posting list.
/// Of the learned layout, the layout itself is compared (fields, separators, continuation
/// shapes) but not the statistics of the sample it was learned from: an index extended by
/// an append keeps the layout (and sample) of its first build, while a fresh build of the
/// grown file draws its sample from the longer file.
fn digest(s: &Session) -> String {
    digest_with(s, true)
}

fn digest_with(s: &Session, fields: bool) -> String {
    let mut stats = call(s, "stats", "{}");
    stats.as_object_mut().unwrap().remove("indexBytes");
    for f in stats["files"].as_array_mut().unwrap() {
        let f = f.as_object_mut().unwrap();
        for key in ["cache", "formatConfidence"] {
            f.remove(key);
        }
        if let Some(layout) = f.get_mut("layout").and_then(|l| l.as_object_mut()) {
            for key in ["confidence", "note", "summary"] {
                layout.remove(key);
            }
            if let Some(c) = layout.get_mut("continuation").and_then(|c| c.as_object_mut()) {
                c.retain(|k, _| k == "shapes");
            }
        }
    }
    let n = s.index.len() as u32;
    let ids: Vec<u32> = (0..n).collect();
    let entries = s
        .call("entries", &serde_json::json!({ "ids": ids, "fields": fields }).to_string(), &Control::default())
        .unwrap();
    let kinds = call(s, "ids", r#"{"limit":100000}"#);
    let count = call(s, "count", r#"{"q":"timeout"}"#);
    let lines: Vec<u32> = (0..n).map(|e| s.index.line(e)).collect();
    let mut follow = String::new();
    if let Some(first) = kinds["kinds"].as_array().and_then(|k| k.iter().find(|k| k["kind"] == "request")) {
        if let Some(id) = first["ids"][0]["id"].as_str() {
            follow = s.call("follow", &serde_json::json!({ "id": id }).to_string(), &Control::default()).unwrap();
        }
    }
    format!("{stats}\n{entries}\n{kinds}\n{count}\n{lines:?}\n{follow}")
}

fn fresh(path: &Path) -> String {
    digest(&open_with(path, None, OpenOptions::default()))
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("cache"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "lsx")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn append(path: &Path, bytes: &[u8]) {
    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
}

#[test]
fn a_reopened_index_is_mapped_and_answers_as_a_fresh_build() {
    for format in [GenFormat::Json, GenFormat::Text, GenFormat::Logfmt] {
        let d = scratch("hit");
        let p = d.join("app.log");
        std::fs::write(&p, gen(3000, format, 7)).unwrap();
        let first = open(&p, &d);
        assert_eq!(origin(&first), ["built"]);
        assert_eq!(cache_files(&d).len(), 1);
        let again = open(&p, &d);
        assert_eq!(origin(&again), ["hit"]);
        // Mapped in place: no anonymous heap for the columns.
        assert!(again.index.cols.ts.is_mapped() && again.index.cols.ids[1].is_mapped());
        assert!(again.index.heap_bytes() < first.index.heap_bytes() / 10, "{}", again.index.heap_report());
        assert_eq!(digest(&again), fresh(&p), "{format:?}");
        // A lookup by name on the mapped interners (their table is rebuilt on first use).
        let kinds = call(&again, "ids", r#"{"limit":1}"#);
        let id = kinds["kinds"].as_array().unwrap().iter().find_map(|k| k["ids"][0]["id"].as_str()).unwrap();
        let n = call(&again, "follow", &serde_json::json!({ "id": id }).to_string())["total"].as_u64().unwrap();
        assert!(n > 0, "{format:?}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn every_identity_change_misses() {
    let d = scratch("miss");
    let p = d.join("app.log");
    let data = gen(2000, GenFormat::Json, 1);
    std::fs::write(&p, &data).unwrap();
    assert_eq!(origin(&open(&p, &d)), ["built"]);
    assert_eq!(origin(&open(&p, &d)), ["hit"]);
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let set_mtime =
        |t: std::time::SystemTime| std::fs::File::options().append(true).open(&p).unwrap().set_modified(t).unwrap();

    // mtime alone.
    set_mtime(mtime + std::time::Duration::from_secs(5));
    assert_eq!(origin(&open(&p, &d)), ["built"]);
    assert_eq!(origin(&open(&p, &d)), ["hit"]);

    // Same size and mtime, first bytes changed (the head checksum catches it).
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let mut changed = data.clone();
    changed[20] = if changed[20] == b'0' { b'1' } else { b'0' };
    std::fs::write(&p, &changed).unwrap();
    set_mtime(mtime);
    let s = open(&p, &d);
    assert_eq!(origin(&s), ["built"]);
    assert_eq!(digest(&s), fresh(&p));

    // Same size and mtime, last bytes changed (the tail checksum).
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let n = changed.len();
    changed[n - 10] = if changed[n - 10] == b'a' { b'b' } else { b'a' };
    std::fs::write(&p, &changed).unwrap();
    set_mtime(mtime);
    assert_eq!(origin(&open(&p, &d)), ["built"]);

    // Replaced by another inode with the same bytes and mtime (rename over it).
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let q = d.join("new.log");
    std::fs::write(&q, &changed).unwrap();
    std::fs::File::options().append(true).open(&q).unwrap().set_modified(mtime).unwrap();
    std::fs::rename(&q, &p).unwrap();
    assert_eq!(origin(&open(&p, &d)), ["built"]);
    assert_eq!(origin(&open(&p, &d)), ["hit"]);

    // Each option that changes the index keys its own cache file.
    let cfg = || Some(Config::at(d.join("cache")));
    let tz = OpenOptions { tz: logsift_engine::time::Tz::Fixed(3600), ..Default::default() };
    assert_eq!(origin(&open_with(&p, cfg(), tz.clone())), ["built"]);
    assert_eq!(origin(&open_with(&p, cfg(), tz)), ["hit"]);
    let raw = OpenOptions { format: Some("raw".into()), ..Default::default() };
    let s = open_with(&p, cfg(), raw.clone());
    assert_eq!((origin(&s), s.index.files[0].format.kind.name()), (vec!["built".to_string()], "raw"));
    assert_eq!(origin(&open_with(&p, cfg(), raw)), ["hit"]);
    let year = OpenOptions { year: Some(2020), ..Default::default() };
    assert_eq!(origin(&open_with(&p, cfg(), year)), ["built"]);
    // Chunk size and threading do not change the index: they share the default's file.
    let serial = OpenOptions { serial: true, chunk_size: 8192, ..Default::default() };
    assert_eq!(origin(&open_with(&p, cfg(), serial)), ["hit"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// Rewrites the JSON meta of a cache file (with a valid meta checksum).
fn rewrite_meta(file: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let b = std::fs::read(file).unwrap();
    let len = u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
    let mut meta: serde_json::Value = serde_json::from_slice(&b[16..16 + len]).unwrap();
    edit(&mut meta);
    let json = serde_json::to_vec(&meta).unwrap();
    assert_eq!(json.len(), len, "keep the meta's length so the body stays aligned");
    let mut out = b.clone();
    out[12..16].copy_from_slice(&crc32fast::hash(&json).to_le_bytes());
    out[16..16 + len].copy_from_slice(&json);
    std::fs::write(file, out).unwrap();
}

#[test]
fn a_damaged_or_foreign_cache_file_is_rebuilt_never_trusted() {
    let d = scratch("corrupt");
    let p = d.join("app.log");
    std::fs::write(&p, gen(2000, GenFormat::Text, 3)).unwrap();
    let want = fresh(&p);
    open(&p, &d);
    let file = cache_files(&d).pop().unwrap();
    let good = std::fs::read(&file).unwrap();
    type Damage<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let damages: Vec<Damage> = vec![
        ("truncated to half", Box::new(|| std::fs::write(&file, &good[..good.len() / 2]).unwrap())),
        ("truncated by one byte", Box::new(|| std::fs::write(&file, &good[..good.len() - 1]).unwrap())),
        ("empty", Box::new(|| std::fs::write(&file, b"").unwrap())),
        ("garbage", Box::new(|| std::fs::write(&file, vec![0xA5u8; good.len()]).unwrap())),
        (
            "a flipped body byte",
            Box::new(|| {
                let mut b = good.clone();
                let at = b.len() - 100;
                b[at] ^= 0x40;
                std::fs::write(&file, b).unwrap()
            }),
        ),
        (
            "a flipped meta byte",
            Box::new(|| {
                let mut b = good.clone();
                b[40] ^= 1;
                std::fs::write(&file, b).unwrap()
            }),
        ),
        (
            "another version",
            Box::new(|| {
                std::fs::write(&file, &good).unwrap();
                rewrite_meta(&file, |m| m["version"] = 9.into());
            }),
        ),
        (
            // A valid checksum over a body whose structure is wrong: the count no longer fits
            // the columns (also what a crafted file could try).
            "a consistent checksum over a wrong entry count",
            Box::new(|| {
                std::fs::write(&file, &good).unwrap();
                rewrite_meta(&file, |m| {
                    let c = m["count"].as_u64().unwrap();
                    m["count"] = (if c % 10 == 9 { c - 1 } else { c + 1 }).into();
                });
            }),
        ),
    ];
    for (what, damage) in damages {
        damage();
        let s = open(&p, &d);
        // A damaged body is found by the checks that run beside the first operation: that
        // operation's answer is discarded (SOURCE_CHANGED) and the file removed, so the
        // next open rebuilds it. A long-lived session does both for its caller (`run`).
        let s = if s.index.pending.is_some() {
            let e = s.call("stats", "{}", &Control::default()).unwrap_err();
            assert_eq!(e.code, Code::SourceChanged, "{what}: {e}");
            assert!(s.index.damaged(), "{what}");
            open(&p, &d)
        } else {
            s
        };
        assert_eq!(origin(&s), ["built"], "{what}");
        assert_eq!(digest(&s), want, "{what}");
        // The rebuild replaced the damaged file with a good one.
        assert_eq!(origin(&open(&p, &d)), ["hit"], "{what}");
    }
    // Through a long-lived session the caller gets the rebuilt index's answer at once.
    let file = cache_files(&d).pop().unwrap();
    let mut b = std::fs::read(&file).unwrap();
    let at = b.len() - 100;
    b[at] ^= 0x40;
    std::fs::write(&file, b).unwrap();
    let live = LiveSession::new(open(&p, &d));
    let ctl = Control::default();
    let stats = live.run(&ctl, |s| s.call("stats", "{}", &ctl)).unwrap();
    assert!(stats.contains("\"cache\":\"built\""), "{stats}");
    assert_eq!(digest(&live.current(&ctl).unwrap()), want);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn concurrent_builders_all_get_correct_answers() {
    let d = scratch("race");
    let p = d.join("app.log");
    std::fs::write(&p, gen(2000, GenFormat::Json, 5)).unwrap();
    let want = fresh(&p);
    for _round in 0..2 {
        let _ = std::fs::remove_dir_all(d.join("cache"));
        let got: Vec<String> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..4).map(|_| sc.spawn(|| digest(&open(&p, &d)))).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(got.iter().all(|g| *g == want));
        assert_eq!(cache_files(&d).len(), 1);
        assert_eq!(origin(&open(&p, &d)), ["hit"]);
    }
    // Two processes at once.
    let _ = std::fs::remove_dir_all(d.join("cache"));
    let kids: Vec<_> = (0..2).map(|_| child("child_open_once", &p, &d)).collect();
    for k in kids {
        let out = k.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("DIGEST {}", short(&want))), "{text}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

fn short(digest: &str) -> String {
    format!("{:08x}-{}", crc32fast::hash(digest.as_bytes()), digest.len())
}

/// Runs one of this binary's child tests (below) against a file and cache.
fn child(name: &str, file: &Path, dir: &Path) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("LOGSIFT_CACHE_CHILD_FILE", file)
        .env("LOGSIFT_CACHE_CHILD_DIR", dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn child_env() -> Option<(PathBuf, PathBuf)> {
    let f = std::env::var_os("LOGSIFT_CACHE_CHILD_FILE")?;
    let d = std::env::var_os("LOGSIFT_CACHE_CHILD_DIR")?;
    Some((f.into(), d.into()))
}

/// Child: opens once through the cache and prints the digest.
#[test]
fn child_open_once() {
    let Some((f, d)) = child_env() else { return };
    println!("DIGEST {}", short(&digest(&open(&f, &d))));
}

/// Child: writes the cache over and over (drop it, open: build and write) until killed.
#[test]
fn child_write_forever() {
    let Some((f, d)) = child_env() else { return };
    loop {
        for c in cache_files(&d) {
            let _ = std::fs::remove_file(c);
        }
        let _ = open(&f, &d);
    }
}

#[test]
fn kill_9_during_the_cache_write_never_gives_a_wrong_answer() {
    let d = scratch("kill");
    let p = d.join("app.log");
    std::fs::write(&p, gen(8000, GenFormat::Json, 9)).unwrap();
    let want = digest_with(&open_with(&p, None, OpenOptions::default()), false);
    let cache_dir = d.join("cache");
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut during_write = 0;
    for round in 0..6 {
        let mut kid = child("child_write_forever", &p, &d);
        // Wait until a temporary file appears (a write is under way), then kill at a random
        // point of it; every other round at a random time instead.
        let t0 = std::time::Instant::now();
        if round % 2 == 0 {
            while t0.elapsed() < std::time::Duration::from_secs(20) {
                let writing = std::fs::read_dir(&cache_dir)
                    .map(|rd| rd.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp")))
                    .unwrap_or(false);
                if writing {
                    during_write += 1;
                    std::thread::sleep(std::time::Duration::from_micros(next() % 3000));
                    break;
                }
            }
        } else {
            std::thread::sleep(std::time::Duration::from_millis(50 + next() % 400));
        }
        kid.kill().unwrap(); // SIGKILL
        kid.wait().unwrap();
        // A killed writer's temporary file stays behind (swept later by age): it is never
        // read, and must not make the next round think a write is under way.
        for e in std::fs::read_dir(&cache_dir).unwrap().flatten() {
            if e.file_name().to_string_lossy().ends_with(".tmp") {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        let s = open(&p, &d);
        assert!(["hit", "built"].contains(&origin(&s)[0].as_str()));
        assert_eq!(digest_with(&s, false), want, "round {round}");
    }
    assert!(during_write > 0, "no kill landed while a write was under way");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn the_directory_is_kept_under_its_bound_least_recently_used_first() {
    let d = scratch("lru");
    let files: Vec<PathBuf> = (0..4).map(|i| d.join(format!("f{i}.log"))).collect();
    for (i, f) in files.iter().enumerate() {
        std::fs::write(f, gen(2000, GenFormat::Json, i as u64)).unwrap();
    }
    let unbounded = Config::at(d.join("cache"));
    let size_of_one = {
        open_with(&files[0], Some(unbounded.clone()), OpenOptions::default());
        std::fs::metadata(&cache_files(&d)[0]).unwrap().len()
    };
    let _ = std::fs::remove_dir_all(d.join("cache"));
    // Room for about two and a half files.
    let cfg = Config { dir: d.join("cache"), max_bytes: size_of_one * 5 / 2 };
    let opened = |f: &Path| origin(&open_with(f, Some(cfg.clone()), OpenOptions::default()))[0].clone();
    assert_eq!(opened(&files[0]), "built");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(opened(&files[1]), "built");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Using f0 again makes f1 the least recently used.
    assert_eq!(opened(&files[0]), "hit");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(opened(&files[2]), "built");
    let total: u64 = cache_files(&d).iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    assert!(total <= cfg.max_bytes, "{total} > {}", cfg.max_bytes);
    assert_eq!(cache_files(&d).len(), 2);
    assert_eq!(opened(&files[0]), "hit");
    assert_eq!(opened(&files[2]), "hit");
    assert_eq!(opened(&files[1]), "built", "the least recently used was evicted");
    // list and clear.
    let listed = cache::list(&cfg.dir);
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|e| e.entries == Some(2000) && e.source.is_some()));
    assert_eq!(cache::clear(&cfg.dir).unwrap().0, 2);
    assert!(cache_files(&d).is_empty());
    std::fs::remove_dir_all(&d).unwrap();
}

/// Text with multi-line records (stack traces), to append to.
fn text_lines(from: usize, to: usize) -> String {
    let mut s = String::new();
    for i in from..to {
        let level = if i % 7 == 0 { "ERROR" } else { "INFO " };
        s.push_str(&format!(
            "2024-01-15 08:{:02}:{:02},{:03} {level} [worker-{}] app.Svc - request req-{} step {i}\n",
            (i / 60) % 60,
            i % 60,
            i % 1000,
            i % 4,
            i / 3
        ));
        if i % 7 == 0 {
            s.push_str("java.lang.IllegalStateException: boom\n\tat app.Svc.run(Svc.java:42)\n");
        }
    }
    s
}

#[test]
fn an_append_is_indexed_for_its_new_bytes_and_matches_a_fresh_build() {
    for (name, first, more) in [
        ("json", gen(3000, GenFormat::Json, 11), gen(300, GenFormat::Json, 12)),
        ("text", text_lines(0, 400).into_bytes(), text_lines(400, 500).into_bytes()),
    ] {
        let d = scratch("append");
        let p = d.join("app.log");
        std::fs::write(&p, &first).unwrap();
        let before = open(&p, &d);
        let n0 = before.index.len() as u32;
        append(&p, &more);
        let after = open(&p, &d);
        assert_eq!(origin(&after), ["extended"], "{name}");
        assert_eq!(digest(&after), fresh(&p), "{name}");
        // Exactly the new entries, after the old ones (whose ids did not move).
        let old = serde_json::json!({ "ids": (0..n0).collect::<Vec<u32>>() }).to_string();
        assert_eq!(
            after.call("entries", &old, &Control::default()).unwrap(),
            before.call("entries", &old, &Control::default()).unwrap()
        );
        let added = open_with(
            &{
                let q = d.join("only-new.log");
                std::fs::write(&q, &more).unwrap();
                q
            },
            None,
            OpenOptions::default(),
        );
        assert_eq!(after.index.len() - n0 as usize, added.index.len(), "{name}");
        // The extended index was written back (the append is over 1/16 of the file): the
        // next open maps it.
        assert_eq!(origin(&open(&p, &d)), ["hit"], "{name}");
        // A small append is not written back: each open extends the stored index again.
        append(
            &p,
            &more[..more.len() / 8 / 64 * 64].rsplitn(2, |&b| b == b'\n').nth(1).map(|b| [b, b"\n"].concat()).unwrap(),
        );
        let s = open(&p, &d);
        assert_eq!((origin(&s), digest(&s)), (vec!["extended".to_string()], fresh(&p)), "{name}");
        assert_eq!(origin(&open(&p, &d)), ["extended"], "{name}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn a_record_continued_by_the_append_and_other_changes_are_right() {
    let d = scratch("continue");
    let p = d.join("app.log");
    let base = text_lines(0, 300);
    // The last record before the append gets continuation lines from it.
    std::fs::write(&p, &base).unwrap();
    open(&p, &d);
    append(&p, b"\tat app.Svc.more(Svc.java:7)\n\tat app.Main.main(Main.java:3)\n");
    append(&p, text_lines(300, 310).as_bytes());
    let s = open(&p, &d);
    assert_eq!(origin(&s), ["extended"]);
    assert_eq!(digest(&s), fresh(&p));

    // A partial last line (no newline yet): it may continue, so the file is re-indexed. (The
    // cache is dropped first: it still holds `base`, the small append above was not written
    // back, and `base` followed by the completed line is a valid extension of it.)
    for c in cache_files(&d) {
        std::fs::remove_file(c).unwrap();
    }
    std::fs::write(&p, format!("{base}2024-01-15 09:00:00,000 INFO  [worker-1] app.Svc - half")).unwrap();
    assert_eq!(origin(&open(&p, &d)), ["built"]);
    append(&p, b" a line\n");
    let s = open(&p, &d);
    assert_eq!(origin(&s), ["built"]);
    assert_eq!(digest(&s), fresh(&p));

    // Truncated, and rewritten in place with other bytes: re-indexed.
    std::fs::write(&p, &base[..base.len() / 2]).unwrap();
    let s = open(&p, &d);
    assert_eq!((origin(&s), digest(&s)), (vec!["built".to_string()], fresh(&p)));
    let mut other = base.clone().into_bytes();
    other[5] = b'9';
    std::fs::write(&p, &other).unwrap();
    let s = open(&p, &d);
    assert_eq!((origin(&s), digest(&s)), (vec!["built".to_string()], fresh(&p)));

    // A small file whose format sample was the whole file: re-indexed (the detection could
    // change with more lines).
    std::fs::write(&p, text_lines(0, 5)).unwrap();
    open(&p, &d);
    append(&p, text_lines(5, 10).as_bytes());
    let s = open(&p, &d);
    assert_eq!((origin(&s), digest(&s)), (vec!["built".to_string()], fresh(&p)));

    // Year-less syslog stamps are rolled over the whole file: re-indexed.
    let syslog = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| format!("Jan 15 08:{:02}:{:02} host app[{}]: line {i}\n", (i / 60) % 60, i % 60, 100 + i % 3))
            .collect()
    };
    std::fs::write(&p, syslog(0, 400)).unwrap();
    open(&p, &d);
    append(&p, syslog(400, 420).as_bytes());
    let s = open(&p, &d);
    assert_eq!((origin(&s), digest(&s)), (vec!["built".to_string()], fresh(&p)));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_long_lived_session_extends_its_index_on_append() {
    for cached in [true, false] {
        let d = scratch("live");
        let p = d.join("app.log");
        std::fs::write(&p, gen(2000, GenFormat::Json, 21)).unwrap();
        let cfg = cached.then(|| Config::at(d.join("cache")));
        let s = open_with(&p, cfg.clone(), OpenOptions::default());
        assert!(s.refreshed(&Control::default()).unwrap().is_none(), "unchanged");
        let n0 = s.index.len();
        append(&p, &gen(100, GenFormat::Json, 22));
        let s2 = s.refreshed(&Control::default()).unwrap().expect("changed");
        assert_eq!(origin(&s2), [if cached { "extended" } else { "off" }]);
        assert_eq!(s2.index.len(), n0 + 100);
        assert_eq!(digest(&s2), fresh(&p));
        // Truncated under the session: rebuilt, not a fault.
        std::fs::write(&p, gen(500, GenFormat::Json, 23)).unwrap();
        let s3 = s2.refreshed(&Control::default()).unwrap().expect("changed");
        assert_eq!(s3.index.len(), 500);
        assert_eq!(digest(&s3), fresh(&p));
        // Deleted: nothing newer to index; the session keeps answering from its mapping.
        let want = digest(&s3);
        std::fs::remove_file(&p).unwrap();
        assert!(s3.refreshed(&Control::default()).unwrap().is_none());
        assert_eq!(digest(&s3), want);
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn several_files_are_concatenated_from_their_caches() {
    let d = scratch("multi");
    let a = d.join("a.log");
    let b = d.join("b.log");
    std::fs::write(&a, gen(1500, GenFormat::Json, 31)).unwrap();
    std::fs::write(&b, text_lines(0, 200)).unwrap();
    let inputs = vec![a.to_string_lossy().into_owned(), b.to_string_lossy().into_owned()];
    let req = |cache: Option<Config>| OpenRequest { inputs: inputs.clone(), options: OpenOptions::default(), cache };
    let want = digest(&Session::open(req(None), &Control::default()).unwrap());
    let cfg = Some(Config::at(d.join("cache")));
    let s = Session::open(req(cfg.clone()), &Control::default()).unwrap();
    assert_eq!(origin(&s), ["built", "built"]);
    assert_eq!(digest(&s), want);
    let s = Session::open(req(cfg.clone()), &Control::default()).unwrap();
    assert_eq!(origin(&s), ["hit", "hit"]);
    assert_eq!(digest(&s), want);
    append(&b, text_lines(200, 230).as_bytes());
    let s2 = s.refreshed(&Control::default()).unwrap().expect("changed");
    assert_eq!(origin(&s2), ["hit", "extended"]);
    let want = digest(&Session::open(req(None), &Control::default()).unwrap());
    assert_eq!(digest(&s2), want);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn compressed_files_are_cached_by_identity_and_reindexed_when_changed() {
    let d = scratch("gz");
    let p = d.join("app.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&gen(1000, GenFormat::Logfmt, 41)).unwrap();
    std::fs::write(&p, enc.finish().unwrap()).unwrap();
    assert_eq!(origin(&open(&p, &d)), ["built"]);
    let s = open(&p, &d);
    assert_eq!(origin(&s), ["hit"]);
    assert_eq!(digest(&s), fresh(&p));
    std::fs::remove_dir_all(&d).unwrap();
}
