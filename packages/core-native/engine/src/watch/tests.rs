use super::*;
use std::io::Write;

/// A fresh directory under the system temp dir, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("logsift-watch-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn append(path: &str, text: &str) {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn opts(start: Start, q: Option<&str>) -> WatchOptions {
    WatchOptions {
        start,
        query: Query { q: q.map(str::to_string), ..Query::default() },
        settle: Duration::from_millis(30),
        rescan: Duration::from_millis(100),
        linger: Duration::from_millis(150),
        ..WatchOptions::default()
    }
}

/// Messages seen within `ms` (polling until nothing came for a settle period and a rescan).
fn collect(w: &mut Watch, ms: u64) -> Vec<Hit> {
    let end = Instant::now() + Duration::from_millis(ms);
    let mut out = Vec::new();
    while Instant::now() < end {
        out.extend(w.poll(Duration::from_millis(50)).unwrap());
    }
    out
}

fn messages(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(|h| h.entry.message.clone()).collect()
}

fn line(n: u32, msg: &str) -> String {
    format!("2024-03-01T10:00:{:02}.000Z INFO [main] {msg}\n", n % 60)
}

#[test]
fn starts_at_the_end_and_waits_for_the_newline() {
    let d = Dir::new("end");
    let p = d.path("app.log");
    append(&p, &(line(1, "old one") + &line(2, "old two") + "2024-03-01T10:00:03.000Z INFO [main] half"));
    for notify in [true, false] {
        let mut w = Watch::new(std::slice::from_ref(&p), WatchOptions { notify, ..opts(Start::End, None) }).unwrap();
        assert_eq!(w.mode(), if notify { "inotify" } else { "poll" });
        assert!(collect(&mut w, 150).is_empty(), "nothing before the start is emitted");
        if notify {
            // The unfinished line that was there at the start is completed now.
            append(&p, " written\n");
        }
        append(&p, &line(4, "new four"));
        append(&p, "2024-03-01T10:00:05.000Z INFO [main] partial");
        let hits = collect(&mut w, 300);
        let want: &[&str] = if notify { &["half written", "new four"] } else { &["new four"] };
        assert_eq!(messages(&hits), want);
        // Line numbers and offsets are those of the whole file.
        let last = hits.last().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(&text[last.entry.offset as usize..][..last.entry.length as usize], last.entry.raw);
        assert_eq!(last.entry.line as usize, text[..last.entry.offset as usize].matches('\n').count() + 1);
        append(&p, " now\n");
        assert_eq!(messages(&collect(&mut w, 200)), ["partial now"]);
    }
}

#[test]
fn multi_line_records_are_emitted_once_complete() {
    let d = Dir::new("multi");
    let p = d.path("app.log");
    append(&p, &line(0, "start"));
    let mut o = opts(Start::End, Some("boom"));
    o.settle = Duration::from_millis(400);
    let mut w = Watch::new(std::slice::from_ref(&p), o).unwrap();
    append(&p, &line(1, "boom failed"));
    append(&p, "  at a.b(C.java:1)\n");
    // Held: a continuation line may still follow within the settle period.
    assert!(collect(&mut w, 150).is_empty());
    append(&p, "  at d.e(F.java:2)\n");
    append(&p, &line(2, "next record"));
    let hits = collect(&mut w, 150);
    assert_eq!(hits.len(), 1);
    assert!(hits[0].entry.raw.ends_with("F.java:2)"), "{}", hits[0].entry.raw);
    assert_eq!(hits[0].matches, [[0, 4]]);
    // A last record is taken as complete after the settle period.
    append(&p, &line(3, "boom again"));
    assert!(collect(&mut w, 150).is_empty());
    assert_eq!(messages(&collect(&mut w, 500)), ["boom again"]);
}

#[test]
fn follows_rename_rotation_and_copytruncate() {
    let d = Dir::new("rot");
    let p = d.path("app.log");
    append(&p, &line(0, "before"));
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::End, None)).unwrap();
    append(&p, &line(1, "one"));
    assert_eq!(messages(&collect(&mut w, 120)), ["one"]);
    // Rename + create; the writer still appends to the old file once after the rename.
    let rotated = d.path("app.log.1");
    let mut old = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
    std::fs::rename(&p, &rotated).unwrap();
    old.write_all(line(2, "two (old inode)").as_bytes()).unwrap();
    append(&p, &line(3, "three (new file)"));
    assert_eq!(messages(&collect(&mut w, 400)), ["two (old inode)", "three (new file)"]);
    assert_eq!(w.followed(), std::slice::from_ref(&p), "the old inode is dropped after the linger time");
    // copytruncate: the file shrinks and is read again from its start, after the rest of the
    // copy (a line written after the last read and before the truncation is only there).
    append(&p, &line(4, "only in the copy"));
    std::fs::copy(&p, d.path("app.log.2")).unwrap();
    std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(0).unwrap();
    append(&p, &line(5, "four"));
    let hits = collect(&mut w, 300);
    assert_eq!(messages(&hits), ["only in the copy", "four"]);
    assert_eq!((hits[0].entry.line, hits[1].entry.line, hits[1].entry.offset), (2, 1, 0));
    // Truncated and grown past the old offset between two looks: the bytes before the read
    // offset changed, so it is read again from the start too.
    std::fs::write(&p, line(5, "five, a longer line than before") + &line(6, "six")).unwrap();
    assert_eq!(messages(&collect(&mut w, 300)), ["five, a longer line than before", "six"]);
}

#[test]
fn new_files_in_a_directory_and_a_glob_from_their_start() {
    let d = Dir::new("dir");
    append(&d.path("a.log"), &line(0, "a0"));
    for input in [d.0.to_string_lossy().into_owned(), d.path("*.log")] {
        let mut w = Watch::new(std::slice::from_ref(&input), opts(Start::End, None)).unwrap();
        append(&d.path("a.log"), &line(1, "a1"));
        let b = d.path(&format!("b{}.log", w.followed().len()));
        append(&b, &(line(2, "b first") + &line(3, "b second")));
        let mut got = messages(&collect(&mut w, 1200));
        got.sort();
        assert_eq!(got, ["a1", "b first", "b second"], "{input}");
        // A rotated, compressed file appearing in the directory is not followed.
        std::fs::write(d.path("c.log"), [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
        assert!(collect(&mut w, 300).is_empty());
        assert_eq!(w.skipped.len(), 1, "{:?}", w.skipped);
        std::fs::remove_file(d.path("c.log")).unwrap();
    }
}

#[test]
fn replays_from_the_start_or_the_last_minutes() {
    let d = Dir::new("replay");
    let p = d.path("app.log");
    let now = crate::query::now_ns();
    let stamp = |ago_s: i64| crate::time::format_ns(now - ago_s * 1_000_000_000);
    for (ago, msg) in [(600, "ten minutes ago"), (240, "four minutes ago"), (60, "a minute ago")] {
        append(&p, &format!("{} WARN [main] {msg}\n", stamp(ago)));
    }
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::Beginning, None)).unwrap();
    assert_eq!(collect(&mut w, 150).len(), 3);
    let since = Start::Since(now - 120 * 1_000_000_000);
    let mut w = Watch::new(std::slice::from_ref(&p), opts(since, Some("minute"))).unwrap();
    assert_eq!(messages(&collect(&mut w, 150)), ["a minute ago"]);
    // The query's own relative time counts from the wall clock.
    let mut o = opts(Start::Beginning, None);
    o.query.last = Some("5m".into());
    let mut w = Watch::new(std::slice::from_ref(&p), o).unwrap();
    assert_eq!(messages(&collect(&mut w, 150)), ["four minutes ago", "a minute ago"]);
}

#[test]
fn a_cursor_resumes_exactly_where_it_was() {
    let d = Dir::new("cursor");
    let p = d.path("app.log");
    append(&p, &line(0, "zero"));
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::End, None)).unwrap();
    assert!(w.drain(1000).unwrap().hits.is_empty());
    let c = w.cursor();
    append(&p, &(line(1, "one") + &line(2, "two") + "2024-03-01T10:00:03.000Z INFO [main] unfinished"));
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::Cursor(c), None)).unwrap();
    let hits = w.drain(1000).unwrap().hits;
    assert_eq!(messages(&hits), ["one", "two"]);
    assert_eq!(hits[0].entry.line, 2);
    let c = Cursor::decode(&w.cursor().encode()).unwrap();
    append(&p, "\n");
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::Cursor(c.clone()), None)).unwrap();
    assert_eq!(messages(&w.drain(1000).unwrap().hits), ["unfinished"]);
    // A cursor's file rotated away is reported lost; its successor is read from its start.
    std::fs::rename(&p, d.path("old.log")).unwrap();
    append(&p, &line(4, "successor"));
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::Cursor(c), None)).unwrap();
    assert_eq!(messages(&w.drain(1000).unwrap().hits), ["successor"]);
    assert_eq!(w.lost, std::slice::from_ref(&p));
}

#[test]
fn cancel_stops_a_waiting_poll() {
    let d = Dir::new("cancel");
    let p = d.path("app.log");
    append(&p, &line(0, "zero"));
    let mut w = Watch::new(std::slice::from_ref(&p), opts(Start::End, None)).unwrap();
    let c = w.canceller();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        c.cancel();
    });
    let began = Instant::now();
    assert_eq!(w.poll(Duration::from_secs(10)).unwrap_err().code, Code::Cancelled);
    assert!(began.elapsed() < Duration::from_secs(5));
    t.join().unwrap();
    assert!(w.followed().is_empty() && w.mode() == "poll", "cancelling closes the files and the notifier");
}

#[test]
fn bad_input_is_a_typed_error() {
    let d = Dir::new("bad");
    let missing = d.path("missing.log");
    assert_eq!(Watch::new(&[missing], opts(Start::End, None)).err().map(|e| e.code), Some(Code::NotFound));
    let p = d.path("app.log");
    append(&p, &line(0, "zero"));
    let bad = opts(Start::End, Some("level>=nonsense"));
    assert_eq!(Watch::new(std::slice::from_ref(&p), bad).err().map(|e| e.code), Some(Code::InvalidQuery));
    let gz = d.path("app.log.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0]).unwrap();
    assert_eq!(Watch::new(&[gz], opts(Start::End, None)).err().map(|e| e.code), Some(Code::BinaryInput));
}

#[test]
fn tail_pages_by_bytes_without_losing_or_repeating() {
    let d = Dir::new("tail");
    let p = d.path("app.log");
    append(&p, &line(0, "zero"));
    let inputs = std::slice::from_ref(&p);
    let first = request::tail(inputs, "{}").unwrap();
    assert!(first.entries.is_empty() && !first.more);
    for i in 1..=30 {
        append(&p, &line(i, &format!("error number {i}")));
        append(&p, &line(i, "noise"));
    }
    let mut cursor = first.cursor;
    let mut seen = Vec::new();
    for _ in 0..40 {
        let json = serde_json::json!({ "cursor": cursor, "q": "error", "maxBytes": 1500 }).to_string();
        let r = request::tail(inputs, &json).unwrap();
        assert!(r.entries.len() < 30, "the byte bound holds");
        seen.extend(r.entries.iter().map(|h| h.entry.message.clone()));
        cursor = r.cursor;
        if !r.more {
            break;
        }
    }
    let want: Vec<String> = (1..=30).map(|i| format!("error number {i}")).collect();
    assert_eq!(seen, want);
    for bad in [
        r#"{"cursor":"lw1.00","last":"5m"}"#,
        r#"{"fromStart":true,"last":"5m"}"#,
        r#"{"nope":1}"#,
        r#"{"last":"soon"}"#,
    ] {
        assert!(request::tail(inputs, bad).is_err(), "{bad}");
    }
}
