//! End-to-end tests of opening inputs: formats, multi-line records, edge cases, and the
//! parallel build being identical to the serial one.

use logsift_engine::index::Index;
use logsift_engine::indexer::{build, open_paths, Control, OpenOptions};
use logsift_engine::record::ID_KINDS;
use logsift_engine::source::Source;
use logsift_engine::Code;

fn index_bytes(data: &[u8], opts: &OpenOptions) -> Index {
    let src = Source::from_bytes("test.log", data.to_vec()).unwrap();
    build(vec![src], opts, &Control::default()).unwrap()
}

/// Every column of every entry, ids both as numbers (identical numbering) and as names.
type Row = (u64, usize, u32, i64, u8, u8, u16, u16, u32, [u32; 6], [String; 6]);

fn fingerprint(ix: &Index) -> Vec<Row> {
    (0..ix.len() as u32)
        .map(|e| {
            let i = e as usize;
            let ids = std::array::from_fn(|k| {
                String::from_utf8_lossy(&ix.id_name(ID_KINDS[k], ix.cols.ids[k][i])).into_owned()
            });
            (
                ix.cols.offset(i),
                ix.raw(e).len(),
                ix.line(e),
                ix.cols.ts[i],
                ix.cols.level[i],
                ix.cols.flags[i],
                ix.cols.msg_start[i],
                ix.cols.msg_len[i],
                ix.cols.fp[i],
                std::array::from_fn(|k| ix.cols.ids[k][i]),
                ids,
            )
        })
        .collect()
}

#[test]
fn json_lines_with_stack_trace_continuations() {
    let data = b"{\"time\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"a\",\"thread\":\"t1\"}\n\
{\"time\":\"2024-01-01T00:00:01Z\",\"level\":\"error\",\"msg\":\"b\",\"thread\":\"t2\"}\n\
java.lang.RuntimeException: x\n\tat A.b(A.java:1)\n\n\
{\"time\":\"2024-01-01T00:00:02Z\",\"level\":\"warn\",\"msg\":\"c\",\"thread\":\"t1\"}";
    let ix = index_bytes(data, &OpenOptions::default());
    assert_eq!(ix.len(), 3);
    assert_eq!(ix.files[0].lines, 6);
    assert_eq!((0..ix.len() as u32).map(|e| ix.line(e)).collect::<Vec<_>>(), vec![1, 2, 6]);
    let raw1 = String::from_utf8_lossy(ix.raw(1)).into_owned();
    assert!(raw1.ends_with("at A.b(A.java:1)"), "{raw1}");
    assert_eq!(ix.message(2), "c");
    let t1 = ix.ids[0].get(b"t1").unwrap();
    assert_eq!(&*ix.entries_with(logsift_engine::record::IdKind::Thread, t1), &[0, 2]);
    let e = ix.entry(1, true);
    assert_eq!(e.level, "ERROR");
    assert_eq!(e.level_text.as_deref(), Some("error"));
    assert_eq!(e.thread.as_deref(), Some("t2"));
    assert_eq!(e.fields.unwrap().get("msg").unwrap(), "b");
}

#[test]
fn crlf_bom_ansi_and_nul() {
    let data =
        b"\xEF\xBB\xBF2024-01-01T00:00:00Z \x1b[31mERROR\x1b[0m disk full\r\n2024-01-01T00:00:01Z INFO ok\0 done\r\n";
    let ix = index_bytes(data, &OpenOptions::default());
    assert_eq!(ix.len(), 2);
    assert_eq!(ix.cols.level[0], 17);
    assert_eq!(ix.message(0), "disk full");
    assert_eq!(ix.message(1), "ok\0 done");
    assert_eq!(ix.raw(1), b"2024-01-01T00:00:01Z INFO ok\0 done");
}

/// A record's bytes end at its last non-blank byte; its message used to run past that and
/// read back as empty (found by the fuzz driver).
#[test]
fn trailing_blanks_keep_the_message() {
    let raw =
        index_bytes(b"first line \nsecond\t\r\n", &OpenOptions { format: Some("raw".into()), ..Default::default() });
    assert_eq!((raw.message(0).as_str(), raw.message(1).as_str()), ("first line", "second"));
    let text = index_bytes(
        b"2024-01-01T00:00:00Z INFO started  \n2024-01-01T00:00:01Z WARN slow \r\n",
        &OpenOptions::default(),
    );
    assert_eq!((text.message(0).as_str(), text.message(1).as_str()), ("started", "slow"));
    // An orphan first line (no header yet) ending in CR keeps its text too.
    let orphan =
        index_bytes(b"  at x\r\n2024-01-01T00:00:00Z INFO a\n2024-01-01T00:00:01Z INFO b\n", &OpenOptions::default());
    assert_eq!(orphan.message(0), "  at x");
}

#[test]
fn parallel_equals_serial_with_tiny_chunks() {
    let mut data = Vec::new();
    for i in 0..3000 {
        data.extend_from_slice(
            format!(
                "{{\"ts\":{},\"level\":\"info\",\"msg\":\"m{i}\",\"tid\":\"w{}\",\"trace_id\":\"tr{}\"}}\n",
                1_700_000_000 + i,
                i % 7,
                i % 13
            )
            .as_bytes(),
        );
        if i % 10 == 0 {
            data.extend_from_slice(b"  continuation line\n");
        }
    }
    let par = index_bytes(&data, &OpenOptions { chunk_size: 4096, ..Default::default() });
    let ser = index_bytes(&data, &OpenOptions { chunk_size: 4096, serial: true, ..Default::default() });
    let one = index_bytes(&data, &OpenOptions { chunk_size: 1 << 30, serial: true, ..Default::default() });
    assert_eq!(par.len(), 3000);
    assert_eq!(fingerprint(&par), fingerprint(&ser));
    assert_eq!(fingerprint(&par), fingerprint(&one));
}

#[test]
fn bad_inputs_have_stable_codes() {
    let ctl = Control::default();
    let opts = OpenOptions::default();
    let err = open_paths(&["/nonexistent/x.log".into()], &opts, &ctl).err().unwrap();
    assert_eq!(err.code, Code::NotFound);
    let dir = std::env::temp_dir().join(format!("logsift-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = open_paths(&[dir.to_string_lossy().into()], &opts, &ctl).err().unwrap();
    assert_eq!(err.code, Code::NoInput);
    let bin = dir.join("a.bin");
    std::fs::write(&bin, [0u8, 1, 2, 3, 0, 0, 0, 5, 6, 7].repeat(100)).unwrap();
    let err = open_paths(&[bin.to_string_lossy().into()], &opts, &ctl).err().unwrap();
    assert_eq!(err.code, Code::BinaryInput);
    let empty = dir.join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let (ix, _) = open_paths(&[empty.to_string_lossy().into()], &opts, &ctl).unwrap();
    assert_eq!(ix.len(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lines_of_many_megabytes() {
    let big = "x".repeat(3 << 20);
    let data = format!(
        "{{\"time\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"pad\":\"{big}\",\"msg\":\"after the padding\"}}\n\
         {{\"time\":\"2024-01-01T00:00:01Z\",\"level\":\"warn\",\"msg\":\"{big}\"}}\n\
         {{\"time\":\"2024-01-01T00:00:02Z\",\"level\":\"error\",\"msg\":\"small\"}}\n"
    );
    let ix = index_bytes(data.as_bytes(), &OpenOptions { chunk_size: 1 << 20, ..Default::default() });
    assert_eq!(ix.len(), 3);
    assert_eq!(ix.message(0), "after the padding");
    assert_eq!(ix.message(1).len(), 3 << 20);
    assert_eq!(ix.message(2), "small");
    assert_eq!(ix.cols.level, vec![9, 13, 17]);
}

#[test]
fn schema_lists_fields_ids_and_formats() {
    let data = b"{\"time\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"a\",\"trace_id\":\"t1\",\"http\":{\"status\":200}}\n\
{\"time\":\"2024-01-01T00:00:05Z\",\"level\":\"error\",\"msg\":\"b\",\"trace_id\":\"t2\",\"http\":{\"status\":503},\"err\":\"boom\"}\n";
    let ix = index_bytes(data, &OpenOptions::default());
    let s = ix.schema(&logsift_engine::schema::SchemaArgs { sample: 10, examples: 2 });
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].format, "json");
    assert_eq!(s[0].sampled, 2);
    let status = s[0].fields.iter().find(|f| f.name == "http.status").unwrap();
    assert_eq!(status.count, 2);
    assert_eq!(status.types, vec!["number"]);
    assert_eq!(status.examples.len(), 2);
    let err = s[0].fields.iter().find(|f| f.name == "err").unwrap();
    assert_eq!(err.share, 0.5);
    assert_eq!(s[0].ids.iter().map(|i| (i.kind, i.records, i.distinct)).collect::<Vec<_>>(), vec![("trace", 2, 2)]);
    assert_eq!(s[0].time_range.last.as_deref(), Some("2024-01-01T00:00:05.000Z"));
}

#[test]
fn a_file_truncated_or_appended_while_open_never_faults() {
    use logsift_engine::session::{OpenRequest, Session};
    let dir = std::env::temp_dir().join(format!("logsift-change-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("live.log");
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!("2024-01-01T00:00:00Z INFO line {i}\n"));
    }
    std::fs::write(&path, &text).unwrap();
    let p = path.to_string_lossy().into_owned();
    let ctl = Control::default();
    let s = Session::open(OpenRequest::from_json(std::slice::from_ref(&p), "{}").unwrap(), &ctl).unwrap();
    // Appended: still readable (the new bytes are beyond the mapping).
    std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    std::fs::write(&path, format!("{text}2024-01-01T00:00:01Z INFO appended\n")).unwrap();
    assert!(s.call("search", r#"{"text":"line 1999"}"#, &ctl).is_ok());
    // Truncated: reported, not a SIGBUS.
    std::fs::write(&path, "short\n").unwrap();
    let err = s.call("search", r#"{"text":"line"}"#, &ctl).unwrap_err();
    assert_eq!(err.code, Code::SourceChanged);
    // Replaced by rename: the old mapping stays valid.
    let s2 = Session::open(OpenRequest::from_json(std::slice::from_ref(&p), "{}").unwrap(), &ctl).unwrap();
    let tmp = dir.join("new.log");
    std::fs::write(&tmp, "tiny\n").unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert!(s2.call("search", r#"{"text":"short"}"#, &ctl).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// UTC ns of a civil date and time.
fn utc(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    logsift_engine::time::date_ns(y, mo, d, h * 3600 + mi * 60 + s, 0).unwrap()
}

fn syslog_lines(stamps: &[&str]) -> Vec<u8> {
    stamps.iter().enumerate().flat_map(|(i, s)| format!("{s} host sshd[{i}]: event {i}\n").into_bytes()).collect()
}

fn index_with_mtime(data: &[u8], mtime_ns: i64, opts: &OpenOptions) -> Index {
    let mut src = Source::from_bytes("rollover.log", data.to_vec()).unwrap();
    src.mtime_ns = mtime_ns;
    build(vec![src], opts, &Control::default()).unwrap()
}

#[test]
fn year_less_stamps_roll_over_new_year() {
    let data = syslog_lines(&[
        "Dec 30 10:00:00",
        "Dec 31 23:59:59",
        "Jan  1 00:00:01",
        "Jan  1 00:00:00", // slightly out of order: no rollover for that
        "Jun 14 15:16:01",
        "Dec 31 12:00:00",
        "Jan  2 08:00:00",
    ]);
    let ts = |ix: &Index| (0..ix.len() as u32).map(|e| ix.ts(e).unwrap()).collect::<Vec<_>>();
    // An explicit year is the year of the first record.
    let ix = index_bytes(&data, &OpenOptions { year: Some(2023), ..Default::default() });
    assert_eq!(ix.files[0].format.kind.name(), "syslog");
    let want = vec![
        utc(2023, 12, 30, 10, 0, 0),
        utc(2023, 12, 31, 23, 59, 59),
        utc(2024, 1, 1, 0, 0, 1),
        utc(2024, 1, 1, 0, 0, 0),
        utc(2024, 6, 14, 15, 16, 1),
        utc(2024, 12, 31, 12, 0, 0),
        utc(2025, 1, 2, 8, 0, 0),
    ];
    assert_eq!(ts(&ix), want);
    // From the modification time: the last record falls in the file's modification year.
    let ix = index_with_mtime(&data, utc(2025, 1, 2, 9, 0, 0), &OpenOptions::default());
    assert_eq!(ts(&ix), want);
    // Parallel (tiny chunks) and serial builds agree.
    let big: Vec<u8> = data.iter().copied().cycle().take(data.len() * 50).collect();
    let opts = OpenOptions { year: Some(2023), chunk_size: 4096, ..Default::default() };
    let par = index_bytes(&big, &opts);
    let ser = index_bytes(&big, &OpenOptions { serial: true, ..opts });
    assert_eq!(fingerprint(&par), fingerprint(&ser));
    assert_eq!(ts(&par).windows(2).filter(|w| w[1] < w[0]).count(), 50, "only the jitter goes back");
    assert_eq!(par.ts(par.len() as u32 - 1), Some(utc(2023 + 2 * 50, 1, 2, 8, 0, 0)));
    // Far beyond the i64 range: stamps stay where they were, nothing panics.
    let huge: Vec<u8> = data.iter().copied().cycle().take(data.len() * 300).collect();
    let ix = index_bytes(&huge, &OpenOptions { year: Some(2023), ..Default::default() });
    assert_eq!(ix.len(), 7 * 300);
}

#[test]
fn december_log_rotated_in_january_stays_in_december() {
    let data = syslog_lines(&["Dec 31 23:58:00", "Dec 31 23:59:59"]);
    // Modified a few seconds into the new year: December of the year before, not the future.
    let ix = index_with_mtime(&data, utc(2025, 1, 1, 0, 0, 5), &OpenOptions::default());
    assert_eq!(ix.ts(1), Some(utc(2024, 12, 31, 23, 59, 59)));
    // A stamp with its own year is never moved.
    let data = b"2024-12-31 23:59:59 INFO a\n2024-01-01 00:00:00 INFO b\n";
    let ix = index_with_mtime(data, utc(2025, 1, 1, 0, 0, 5), &OpenOptions::default());
    assert_eq!(ix.ts(1), Some(utc(2024, 1, 1, 0, 0, 0)));
}

#[test]
fn glog_and_text_month_day_roll_over_too() {
    let glog = b"I1231 23:59:59.000000  1 a.go:1] last\nI0101 00:00:01.000000  1 a.go:2] first\n";
    let ix = index_bytes(glog, &OpenOptions { year: Some(2023), ..Default::default() });
    assert_eq!(ix.ts(1), Some(utc(2024, 1, 1, 0, 0, 1)));
    let text = b"Dec 31 23:59:59 INFO [main] a\nJan 01 00:00:01 INFO [main] b\n";
    let ix = index_bytes(text, &OpenOptions { year: Some(2023), ..Default::default() });
    assert_eq!(ix.ts(1), Some(utc(2024, 1, 1, 0, 0, 1)));
    // The lazily parsed fields agree with the column.
    assert_eq!(ix.fields(1)["time"], serde_json::json!(ix.entry(1, false).time.unwrap()));
    assert!(ix.entry(1, false).time.unwrap().starts_with("2024-01-01T00:00:01"));
}
