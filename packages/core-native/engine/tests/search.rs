//! Search behaviour on two small files with known contents: every operator, ordering across
//! files, pagination stability, context at file edges, aggregations, errors.

use logsift_engine::fingerprint;
use logsift_engine::index::{Index, FLAG_MSG_LONG, FLAG_MULTILINE};
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::query::Query;
use logsift_engine::search::{search, select, Order, PageOptions};
use logsift_engine::source::Source;
use logsift_engine::Code;

fn at(sec: u32) -> String {
    format!("2024-01-01T00:{:02}:{:02}Z", sec / 60, sec % 60)
}

fn fixture() -> Index {
    // a.jsonl: even seconds; b.log: odd seconds, plain text.
    let mut a = String::new();
    for i in 0..50u32 {
        let level = ["info", "warn", "error", "debug"][(i % 4) as usize];
        let status = if i % 5 == 0 { 503 } else { 200 };
        a.push_str(&format!(
            "{{\"time\":\"{}\",\"level\":\"{level}\",\"service\":\"{}\",\"thread\":\"w{}\",\"request_id\":\"r{}\",\"msg\":\"req {i} {} done\",\"status\":{status},\"user\":{{\"id\":{}}}}}\n",
            at(i * 2),
            if i % 2 == 0 { "checkout" } else { "payments" },
            i % 3,
            i % 10,
            if i % 7 == 0 { "connection reset" } else { "ok" },
            i % 4
        ));
    }
    let mut b = String::new();
    for i in 0..30u32 {
        b.push_str(&format!("{} ERROR timeout after {}ms\n", at(i * 2 + 1), i * 10));
        if i == 29 {
            b.push_str("java.lang.IllegalStateException: Timeout\n\tat X.y(X.java:1)\n");
        }
    }
    let sa = Source::from_bytes("a.jsonl", a.into_bytes()).unwrap();
    let sb = Source::from_bytes("b.log", b.into_bytes()).unwrap();
    build(vec![sa, sb], &OpenOptions::default(), &Control::default()).unwrap()
}

fn q(json: &str) -> Query {
    serde_json::from_str(json).unwrap()
}

fn run(ix: &Index, query: &str, page: PageOptions) -> logsift_engine::search::SearchResult {
    search(ix, q(query), &page, &Control::default()).unwrap()
}

fn total(ix: &Index, query: &str) -> u64 {
    run(ix, query, PageOptions { count_only: true, ..Default::default() }).total_matches
}

#[test]
fn structured_filters() {
    let ix = fixture();
    assert_eq!(ix.len(), 80);
    assert_eq!(total(&ix, "{}"), 80);
    assert_eq!(total(&ix, r#"{"level":"error"}"#), 12 + 30);
    assert_eq!(total(&ix, r#"{"minLevel":"warn"}"#), 13 + 12 + 30);
    assert_eq!(total(&ix, r#"{"level":["debug","warn"]}"#), 25);
    assert_eq!(total(&ix, r#"{"service":"payments"}"#), 25);
    assert_eq!(total(&ix, r#"{"thread":["w0","w1"]}"#), 34);
    assert_eq!(total(&ix, r#"{"request":"r3","service":"payments"}"#), 5);
    assert_eq!(total(&ix, r#"{"request":"nope"}"#), 0);
    assert_eq!(total(&ix, r#"{"where":"status>=500"}"#), 10);
    assert_eq!(total(&ix, r#"{"where":["status=200","user.id in (1,2)"]}"#), 20);
    assert_eq!(total(&ix, r#"{"where":"user.id!=0"}"#), 37 + 30);
    assert_eq!(total(&ix, r#"{"where":"status exists"}"#), 50);
    assert_eq!(total(&ix, r#"{"where":"status !exists"}"#), 30);
    assert_eq!(total(&ix, r#"{"files":"b.log"}"#), 30);
}

#[test]
fn text_terms() {
    let ix = fixture();
    assert_eq!(total(&ix, r#"{"text":"connection reset"}"#), 8);
    assert_eq!(total(&ix, r#"{"text":"CONNECTION RESET"}"#), 8);
    assert_eq!(total(&ix, r#"{"text":"CONNECTION RESET","caseSensitive":true}"#), 0);
    assert_eq!(total(&ix, r#"{"any":["reset","timeout"]}"#), 38);
    assert_eq!(total(&ix, r#"{"text":"req","exclude":"ok"}"#), 8);
    assert_eq!(total(&ix, r#"{"regex":"after [12]\\d0ms"}"#), 20);
    // The stack trace belongs to the last record of b.log and is searched with it.
    assert_eq!(total(&ix, r#"{"text":"IllegalStateException"}"#), 1);
    // Field names are not message text: "status" is a key, not in any message.
    assert_eq!(total(&ix, r#"{"text":"status"}"#), 0);
    assert_eq!(total(&ix, r#"{"text":"status","raw":true}"#), 50);
    let r = run(&ix, r#"{"q":"reset"}"#, PageOptions { limit: Some(1), ..Default::default() });
    let hit = &r.entries[0];
    assert_eq!(&hit.entry.message[hit.matches[0][0]..hit.matches[0][1]], "reset");
}

#[test]
fn query_string_and_time() {
    let ix = fixture();
    assert_eq!(total(&ix, r#"{"q":"level>=error service:checkout \"connection reset\" -healthcheck status>500"}"#), 0);
    assert_eq!(total(&ix, r#"{"q":"level>=warn \"connection reset\""}"#), 4);
    assert_eq!(total(&ix, r#"{"q":"timeout OR reset"}"#), 38);
    // The data ends at 00:01:38; the last 10 seconds hold a.jsonl's 88..98 s.
    assert_eq!(total(&ix, r#"{"last":"10s"}"#), 6);
    assert_eq!(total(&ix, r#"{"after":"2024-01-01T00:00:50Z","before":"2024-01-01T00:00:53Z"}"#), 4);
    assert_eq!(total(&ix, r#"{"q":"after:2024-01-01T00:00:50Z before:2024-01-01T00:00:53Z"}"#), 4);
    assert_eq!(total(&ix, r#"{"q":"last:10s","relativeTo":"now"}"#), 0);
}

#[test]
fn errors_are_typed_with_positions() {
    let ix = fixture();
    let err = |json: &str| search(&ix, q(json), &PageOptions::default(), &Control::default()).unwrap_err();
    let e = err(r#"{"regex":"a(b"}"#);
    assert_eq!(e.code, Code::InvalidRegex);
    assert!(e.message.contains("position 1"), "{}", e.message);
    assert_eq!(err(r#"{"level":"loud"}"#).code, Code::InvalidQuery);
    assert_eq!(err(r#"{"after":"tomorrowish"}"#).code, Code::InvalidTime);
    assert_eq!(err(r#"{"q":"\"open"}"#).code, Code::InvalidQuery);
    assert_eq!(err(r#"{"files":"zzz.log"}"#).code, Code::UnknownId);
    let e = search(
        &ix,
        q("{}"),
        &PageOptions { cursor: Some("garbage".into()), ..Default::default() },
        &Control::default(),
    )
    .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn merged_order_and_pagination() {
    let ix = fixture();
    // Oldest first merges both files by time: 00:00:00 (a), 00:00:01 (b), 00:00:02 (a)...
    let r = run(&ix, "{}", PageOptions { limit: Some(4), ..Default::default() });
    let files: Vec<&str> = r.entries.iter().map(|h| h.entry.file.as_str()).collect();
    assert_eq!(files, vec!["a.jsonl", "b.log", "a.jsonl", "b.log"]);
    assert_eq!(r.total_matches, 80);
    // Walk every page with the cursor: pages are disjoint, ordered, and cover everything.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let r = run(&ix, "{}", PageOptions { limit: Some(7), cursor: cursor.clone(), ..Default::default() });
        seen.extend(r.entries.iter().map(|h| (h.entry.timestamp_ns, h.entry.id)));
        match r.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 80);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    // Offset pages agree with cursor pages.
    let p2 = run(&ix, "{}", PageOptions { limit: Some(7), offset: 7, ..Default::default() });
    assert_eq!(
        p2.entries.iter().map(|h| h.entry.id).collect::<Vec<_>>(),
        seen[7..14].iter().map(|s| s.1).collect::<Vec<_>>()
    );
    // Newest first, file order, tail.
    let newest = run(&ix, "{}", PageOptions { order: Order::Newest, limit: Some(3), ..Default::default() });
    let tail = run(&ix, "{}", PageOptions { tail: Some(3), ..Default::default() });
    let mut n: Vec<u32> = newest.entries.iter().map(|h| h.entry.id).collect();
    n.reverse();
    assert_eq!(n, tail.entries.iter().map(|h| h.entry.id).collect::<Vec<_>>());
    let file = run(&ix, "{}", PageOptions { order: Order::File, limit: Some(3), offset: 49, ..Default::default() });
    assert_eq!(file.entries.iter().map(|h| h.entry.id).collect::<Vec<_>>(), vec![49, 50, 51]);
}

#[test]
fn context_stops_at_file_edges() {
    let ix = fixture();
    let r = run(
        &ix,
        r#"{"files":"b.log"}"#,
        PageOptions { order: Order::File, limit: Some(1), context: Some(2), ..Default::default() },
    );
    let c = r.entries[0].context.as_ref().unwrap();
    assert!(c.before.is_empty(), "no record of a.jsonl may leak into b.log's context");
    assert_eq!(c.after.len(), 2);
    let r = run(
        &ix,
        r#"{"files":"a.jsonl"}"#,
        PageOptions {
            order: Order::File,
            offset: 49,
            limit: Some(1),
            context_before: Some(1),
            context_after: Some(3),
            ..Default::default()
        },
    );
    let c = r.entries[0].context.as_ref().unwrap();
    assert_eq!(c.before.len(), 1);
    assert!(c.after.is_empty());
}

#[test]
fn aggregations_and_select() {
    let ix = fixture();
    let r = run(
        &ix,
        r#"{"minLevel":"error"}"#,
        PageOptions {
            count_only: true,
            aggregate: serde_json::from_str(r#"["level","service","file","time"]"#).unwrap(),
            bucket: Some("30s".into()),
            ..Default::default()
        },
    );
    assert_eq!(r.aggregations.level.as_ref().unwrap().get("ERROR"), Some(&42));
    assert_eq!(r.aggregations.file.as_ref().unwrap()[0], ("b.log".to_string(), 30));
    let t = r.aggregations.time.as_ref().unwrap();
    assert_eq!(t.buckets.iter().map(|b| b.1).sum::<u64>(), 42);
    assert!(r.entries.is_empty());
    // The level split of the same buckets: every bucket's levels sum to its `time` count.
    let r2 = run(
        &ix,
        r#"{"minLevel":"warn"}"#,
        PageOptions {
            count_only: true,
            aggregate: serde_json::from_str(r#"["time","timeLevel","level"]"#).unwrap(),
            bucket: Some("30s".into()),
            ..Default::default()
        },
    );
    let (t2, tl) = (r2.aggregations.time.as_ref().unwrap(), r2.aggregations.time_level.as_ref().unwrap());
    assert_eq!(tl.bucket_ns, 30_000_000_000);
    assert_eq!(tl.buckets.iter().map(|b| b.0).collect::<Vec<_>>(), t2.buckets.iter().map(|b| b.0).collect::<Vec<_>>());
    for (split, whole) in tl.buckets.iter().zip(&t2.buckets) {
        assert_eq!(split.1.values().sum::<u64>(), whole.1);
        assert!(split.1.keys().all(|k| ["WARN", "ERROR", "FATAL"].contains(k)));
    }
    let errors: u64 = tl.buckets.iter().map(|b| b.1.get("ERROR").copied().unwrap_or(0)).sum();
    assert_eq!(errors, 42);
    let ids = select(&ix, q(r#"{"service":"checkout","level":"error"}"#), &Control::default()).unwrap();
    assert_eq!(ids.len(), 12);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}

/// Both ways of finding text (whole-buffer anchor scan, per-survivor message search) agree
/// with a plain per-record check: only the message counts (not other fields), any case,
/// every level filter from none (whole-buffer) to very selective (per-survivor).
#[test]
fn text_scan_strategies_agree_with_a_plain_check() {
    let levels = ["debug", "info", "warn", "error", "fatal"];
    let words = ["TimeOut after 3ms", "all good", "timeouts rising", "no time out", "xtimeoutx"];
    let mut data = String::new();
    let mut expect: Vec<(u8, bool)> = Vec::new();
    for i in 0..3000u32 {
        let lvl = levels[(i * 7 % 23 % 5) as usize];
        let msg = words[(i * 13 % 11 % 5) as usize];
        // A long field holding the term outside the message: must never count.
        let pad = if i % 3 == 0 { "timeout".repeat(20) } else { "z".repeat(140) };
        data.push_str(&format!(
            "{{\"time\":\"{}\",\"level\":\"{lvl}\",\"note\":\"{pad}\",\"msg\":\"{msg} #{i}\"}}\n",
            at(i % 3600)
        ));
        expect.push(((i * 7 % 23 % 5) as u8, msg.to_ascii_lowercase().contains("timeout")));
    }
    let ix = build(
        vec![Source::from_bytes("s.jsonl", data.into_bytes()).unwrap()],
        &OpenOptions::default(),
        &Control::default(),
    )
    .unwrap();
    let want = |min: u8| expect.iter().filter(|&&(l, hit)| l >= min && hit).count() as u64;
    assert_eq!(total(&ix, r#"{"text":"timeout"}"#), want(0));
    assert_eq!(total(&ix, r#"{"text":"TIMEOUT","minLevel":"info"}"#), want(1));
    assert_eq!(total(&ix, r#"{"text":"timeout","minLevel":"warn"}"#), want(2));
    assert_eq!(total(&ix, r#"{"text":"timeOut","minLevel":"fatal"}"#), want(4));
    assert_eq!(total(&ix, r#"{"text":"timeout","level":"fatal","after":"2024-01-01T00:00:00Z"}"#), want(4));
    // Several terms, any of them (one scan per term, or one search per survivor).
    let good: Vec<bool> = (0..3000u32).map(|i| words[(i * 13 % 11 % 5) as usize] == "all good").collect();
    let any = |min: u8| expect.iter().zip(&good).filter(|&(&(l, hit), &g)| l >= min && (hit || g)).count() as u64;
    assert_eq!(total(&ix, r#"{"any":["timeout","GOOD"]}"#), any(0));
    assert_eq!(total(&ix, r#"{"any":["timeout","good"],"minLevel":"fatal"}"#), any(4));
    // The first page is the same whichever way its candidates were found.
    let r = run(&ix, r#"{"text":"timeout","minLevel":"fatal"}"#, PageOptions { limit: Some(5), ..Default::default() });
    assert_eq!(r.entries.len(), 5);
    assert!(r.entries.iter().all(|h| h.entry.level == "FATAL" && h.entry.message.to_lowercase().contains("timeout")));
}

/// The survivor scan (column filters, then each survivor's message searched with the term
/// search inlined, prefetching ahead) finds exactly what the plain per-entry check
/// (`select`: `Compiled::matches` on every entry) finds, on edge cases: messages of every
/// length from empty to longer than the u16 columns, the term at either end of a message and
/// split across its end (the rest in the next field), any case, escaped messages, records
/// with continuation lines, records without a timestamp, and two files.
#[test]
fn survivor_scan_agrees_with_the_plain_check_on_edge_cases() {
    // Short records: the whole-buffer scan is cheaper; a long field makes testing the column
    // survivors' messages the cheaper way.
    for pad in [0usize, 1500] {
        edge_cases(pad);
    }
}

fn edge_cases(pad: usize) {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let levels = ["debug", "info", "warn", "error"];
    let alphabet = b"tTiImMeEoOuU -_x";
    let mut a = String::new();
    for i in 0..4000u32 {
        let len = (next() % 120) as usize;
        let mut msg: Vec<u8> = (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect();
        let cased = |s: &str, r: u64| -> String {
            s.chars().enumerate().map(|(k, c)| if r >> k & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect()
        };
        match next() % 6 {
            0 if len >= 7 => {
                let at = next() as usize % (len - 6);
                msg[at..at + 7].copy_from_slice(cased("timeout", next()).as_bytes());
            }
            1 => msg.extend_from_slice(cased("timeout", next()).as_bytes()),
            2 => msg.extend_from_slice(b"time"),
            3 => msg.extend_from_slice(cased("connection reset by peer", next()).as_bytes()),
            _ => {}
        }
        let msg = String::from_utf8(msg).unwrap();
        let msg = if i % 97 == 0 { format!("{msg} \\\"quoted\\\" caf\\u00e9") } else { msg };
        let msg = if i == 1234 { format!("{}timeout", "x".repeat(70_000)) } else { msg };
        let time = if i % 211 == 5 { String::new() } else { format!("\"time\":\"{}\",", at(i % 3600)) };
        let lvl = levels[(next() % 4) as usize];
        let pad = "timeout ".repeat(pad / 8);
        a.push_str(&format!(
            "{{{time}\"level\":\"{lvl}\",\"pad\":\"{pad}\",\"msg\":\"{msg}\",\"next\":\"out of time\"}}\n"
        ));
    }
    let mut b = String::new();
    for i in 0..600u32 {
        let lvl = ["INFO", "WARN", "ERROR"][i as usize % 3];
        b.push_str(&format!("{} {lvl} worker {i} step {}\n", at(i % 3600), if i % 5 == 0 { "TimeOut" } else { "ok" }));
        if i % 7 == 0 {
            b.push_str(&format!("\tcaused by: {}\n", if i % 2 == 0 { "read TIMEOUT" } else { "refused" }));
        }
    }
    let ix = build(
        vec![
            Source::from_bytes("edge.jsonl", a.into_bytes()).unwrap(),
            Source::from_bytes("edge.log", b.into_bytes()).unwrap(),
        ],
        &OpenOptions::default(),
        &Control::default(),
    )
    .unwrap();
    let queries = [
        r#"{"text":"timeout"}"#,
        r#"{"text":"TIMEOUT","minLevel":"warn"}"#,
        r#"{"text":"timeout","minLevel":"warn","last":"1h","relativeTo":"end"}"#,
        r#"{"text":"timeout","level":"error","after":"2024-01-01T00:20:00Z"}"#,
        r#"{"text":"timeout","minLevel":"info","caseSensitive":true}"#,
        r#"{"text":"TimeOut","minLevel":"info","caseSensitive":true}"#,
        r#"{"any":["timeout","reset by"],"minLevel":"warn"}"#,
        r#"{"any":["timeout","E-x","quoted"]}"#,
        r#"{"text":"connection reset by peer","minLevel":"debug"}"#,
        r#"{"text":"timeout","exclude":["x"],"minLevel":"warn"}"#,
        r#"{"text":"timeout","regex":"[mM][eE]$","minLevel":"warn"}"#,
        r#"{"text":"e","minLevel":"error"}"#,
        r#"{"text":"timeout","raw":true,"minLevel":"warn"}"#,
        r#"{"text":"timeout","minLevel":"warn","where":"level=warn"}"#,
        // The message fingerprint filter: absent, rare and short terms, several terms, OR
        // groups with a short alternative, escaped messages, continuation lines.
        r#"{"text":"zzz","minLevel":"warn"}"#,
        r#"{"text":"outtime","minLevel":"info"}"#,
        r#"{"text":"ti","minLevel":"warn"}"#,
        r#"{"text":"TIM","minLevel":"warn","caseSensitive":true}"#,
        r#"{"text":["timeout","reset"],"minLevel":"debug"}"#,
        r#"{"text":["timeout","ou"],"minLevel":"warn"}"#,
        r#"{"text":"timeout","any":["x t","-_"],"minLevel":"warn"}"#,
        r#"{"any":["timeout","ut"],"minLevel":"warn"}"#,
        r#"{"any":["PEER","mouse"],"minLevel":"info"}"#,
        r#"{"text":"quoted","minLevel":"info"}"#,
        r#"{"text":"\\\"quoted\\\"","minLevel":"info"}"#,
        r#"{"text":"caf\\u00e9","minLevel":"debug"}"#,
        r#"{"text":"caused by: read","minLevel":"info"}"#,
        r#"{"text":"read timeout","minLevel":"warn"}"#,
        r#"{"text":"step timeout","minLevel":"warn"}"#,
        r#"{"text":"out of time","minLevel":"warn"}"#,
    ];
    for query in queries {
        let want = select(&ix, q(query), &Control::default()).unwrap();
        for order in [Order::File, Order::Oldest] {
            let page = PageOptions { order, limit: Some(100_000), ..Default::default() };
            let r = search(&ix, q(query), &page, &Control::default()).unwrap();
            assert_eq!(r.total_matches, want.len() as u64, "{query}");
            let mut got: Vec<u32> = r.entries.iter().map(|h| h.entry.id).collect();
            got.sort_unstable();
            assert_eq!(got, want, "{query} ({order:?})");
        }
    }
    // The fingerprint filter is exercised: it rejects some one-line messages for a rare term
    // and lets through every one that holds it.
    let need = fingerprint::of(b"timeout");
    let one_line = |e: u32| ix.cols.flags[e as usize] & (FLAG_MULTILINE | FLAG_MSG_LONG) == 0;
    let (mut rejected, mut kept) = (0, 0);
    for e in (0..ix.len() as u32).filter(|&e| one_line(e)) {
        let holds = ix.message_bytes(e).to_ascii_lowercase().windows(7).any(|w| w == b"timeout");
        if fingerprint::may_match(ix.cols.fp[e as usize], need) {
            kept += 1;
        } else {
            assert!(!holds, "entry {e} holds the term but its fingerprint rejects it");
            rejected += 1;
        }
    }
    assert!(rejected > 100 && kept > 100, "rejected {rejected}, kept {kept}");
    // The plain check itself, against the generator's text: a sanity check of the oracle.
    let plain: Vec<u32> = (0..ix.len() as u32)
        .filter(|&e| {
            let sev = ix.cols.level[e as usize];
            sev >= 13 && ix.entry(e, false).message.to_ascii_lowercase().contains("timeout")
        })
        .collect();
    let r = select(&ix, q(r#"{"text":"timeout","minLevel":"warn"}"#), &Control::default()).unwrap();
    // Continuation lines are searched too: the plain message check misses only those.
    assert!(plain.iter().all(|e| r.contains(e)), "every message match is found");
    assert!(r.len() >= plain.len() && r.len() <= plain.len() + 100);
    // A time bound that covers all timestamps still excludes records without one.
    let all = total(&ix, r#"{"text":"timeout"}"#);
    let timed = total(&ix, r#"{"text":"timeout","last":"10h","relativeTo":"end"}"#);
    assert!(timed < all, "{timed} < {all}: records without a timestamp are outside any time bound");
}

/// The count a warm `logsift count -q` returns (phase one's scan, by whichever strategy the
/// cost model picks: whole-buffer anchor scan or per-survivor search behind the fingerprint)
/// equals the per-record path (`select`: `Compiled::matches` on every entry) on real data:
/// the bundled samples and generated logs whose stack traces make multi-line records (in
/// JSON and in text), for rare and frequent terms, any case or exact, one term or several,
/// without a level filter (the whole-buffer scan) and with a selective one (the survivors).
#[test]
fn count_paths_agree_with_the_per_record_path_on_real_data() {
    use logsift_engine::generate::{generate_to_vec, GenFormat, GenerateOptions};
    let sample = |name: &str| {
        let path = format!("{}/../../../examples/sample/{name}", env!("CARGO_MANIFEST_DIR"));
        Source::from_bytes(name, std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
    };
    let generated = |format: GenFormat, name: &str| {
        let opts = GenerateOptions { entries: 60_000, format, seed: 42, ..Default::default() };
        Source::from_bytes(name, generate_to_vec(&opts).unwrap().0).unwrap()
    };
    let inputs = [
        ("services.jsonl", vec![sample("services.jsonl")]),
        ("hadoop.log", vec![sample("hadoop.log")]),
        ("generated json", vec![generated(GenFormat::Json, "g.jsonl")]),
        ("generated text + json", vec![generated(GenFormat::Text, "g.log"), generated(GenFormat::Json, "g.jsonl")]),
    ];
    let queries = [
        r#"{"text":"timeout"}"#,
        r#"{"text":"timeout","caseSensitive":true}"#,
        r#"{"text":"Exception"}"#,
        r#"{"text":"exception","caseSensitive":true}"#,
        r#"{"text":"at "}"#,
        r#"{"text":"e"}"#,
        r#"{"text":"deadline exceeded"}"#,
        r#"{"any":["refused","DEADLINE"]}"#,
        r#"{"text":"timeout","minLevel":"error"}"#,
        r#"{"text":"Exception","minLevel":"fatal"}"#,
        r#"{"text":"no such term anywhere"}"#,
    ];
    let mut multi_line_hits = 0;
    for (name, sources) in inputs {
        let ix = build(sources, &OpenOptions::default(), &Control::default()).unwrap();
        assert!(ix.len() > 1000, "{name}: {} entries", ix.len());
        let mut nonzero = 0;
        for query in queries {
            let want = select(&ix, q(query), &Control::default()).unwrap();
            assert_eq!(total(&ix, query), want.len() as u64, "{name}: {query}");
            nonzero += usize::from(!want.is_empty());
            multi_line_hits += want.iter().filter(|&&e| ix.cols.flags[e as usize] & FLAG_MULTILINE != 0).count();
        }
        assert!(nonzero >= 3, "{name}: only {nonzero} queries match anything: the comparison tests nothing");
    }
    assert!(multi_line_hits > 0, "no multi-line record matched: the data lacks what this test is for");
}
