//! End-to-end format tests through the indexer: detection, multi-line records, options
//! (forced format, custom regex, timezone, year) and edge cases (CRLF, NUL, huge lines,
//! files that are only continuation lines).

use logsift_engine::format::FormatKind;
use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::OpenRequest;
use logsift_engine::source::Source;
use logsift_engine::time::civil_to_ns;
use logsift_engine::{level, Code, Result};

fn try_index(data: &[u8], opts: &OpenOptions) -> Result<Index> {
    let src = Source::from_bytes("test.log", data.to_vec())?;
    build(vec![src], opts, &Control::default())
}

fn index(data: &[u8], opts: &OpenOptions) -> Index {
    try_index(data, opts).unwrap()
}

fn opts_json(json: &str) -> OpenOptions {
    OpenRequest::from_json(&["x".into()], json).unwrap().options
}

#[test]
fn text_with_crlf_and_stack_traces() {
    let data = b"2024-01-02 03:04:05,678 ERROR [main] a.B: failed\r\njava.lang.IllegalStateException: x\r\n\tat a.B.c(B.java:10)\r\n2024-01-02 03:04:06,000 INFO [worker-1] a.C: ok\r\n";
    let ix = index(data, &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind, FormatKind::Text);
    assert_eq!(ix.len(), 2);
    assert_eq!((0..ix.len() as u32).map(|e| ix.line(e)).collect::<Vec<_>>(), vec![1, 4]);
    assert!(String::from_utf8_lossy(ix.raw(0)).ends_with("(B.java:10)"));
    let e = ix.entry(1, true);
    assert_eq!(e.level, "INFO");
    assert_eq!(e.thread.as_deref(), Some("worker-1"));
    assert_eq!(e.component.as_deref(), Some("a.C"));
    assert_eq!(e.message, "ok");
    assert_eq!(e.timestamp_ns, civil_to_ns(2024, 1, 2, 3, 4, 6, 0));
    let f = e.fields.unwrap();
    assert_eq!(f["component"], "a.C");
    assert_eq!(f["thread"], "worker-1");
}

#[test]
fn only_continuation_lines_and_leading_orphans() {
    // No header anywhere: every line is its own record (raw).
    let ix = index(b"  at a\n  at b\n  at c\n", &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind, FormatKind::Raw);
    assert_eq!(ix.len(), 3);
    // Forcing `text` on lines without any header keeps one record per line too.
    let ix = index(b"  at a\n  at b\n  at c\n", &opts_json(r#"{"format":"text"}"#));
    assert_eq!(ix.files[0].format.kind, FormatKind::Text);
    assert_eq!(ix.len(), 3);
    // Continuation lines before the first header form one record of their own.
    let data = b"  at a\n  at b\n2024-01-02 03:04:05 INFO x\n  at c\n2024-01-02 03:04:06 WARN y\n";
    let ix = index(data, &OpenOptions::default());
    assert_eq!(ix.len(), 3);
    assert_eq!((0..ix.len() as u32).map(|e| ix.line(e)).collect::<Vec<_>>(), vec![1, 3, 5]);
    assert_eq!(ix.cols.level, vec![0, level::INFO, level::WARN]);
}

#[test]
fn nul_bytes_and_huge_lines() {
    let mut data = b"2024-01-02 03:04:05 INFO a\0b\n2024-01-02 03:04:06 ERROR ".to_vec();
    data.extend(std::iter::repeat_n(b'x', 6 << 20));
    data.extend_from_slice(b"\n2024-01-02 03:04:07 INFO end\n");
    let ix = index(&data, &OpenOptions { chunk_size: 1 << 20, ..Default::default() });
    assert_eq!(ix.len(), 3);
    assert_eq!(ix.message(0), "a\0b");
    assert_eq!(ix.message_span(1).1, 6 << 20);
    assert_eq!(ix.cols.level[1], level::ERROR);
    assert_eq!(ix.message(2), "end");
}

#[test]
fn forced_formats_and_detection_per_file() {
    let syslog = b"<11>Jun 14 15:16:01 combo kernel[7]: oops\n<14>Jun 14 15:16:02 combo app: fine\n";
    let ix = index(syslog, &OpenOptions { year: Some(2021), ..Default::default() });
    assert_eq!(ix.files[0].format.kind, FormatKind::Syslog);
    assert_eq!(ix.cols.level, vec![level::ERROR, level::INFO]);
    assert_eq!(ix.ts(0), civil_to_ns(2021, 6, 14, 15, 16, 1, 0));
    let e = ix.entry(0, true);
    assert_eq!(e.component.as_deref(), Some("kernel"));
    assert_eq!(e.fields.unwrap()["host"], "combo");
    // Forcing raw keeps every line whole.
    let ix = index(syslog, &opts_json(r#"{"format":"raw"}"#));
    assert_eq!(ix.message(0), "<11>Jun 14 15:16:01 combo kernel[7]: oops");

    let access = br#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 500 12 "-" "curl/8"
1.2.3.4 - - [10/Oct/2000:13:55:37 -0700] "GET /b HTTP/1.1" 200 12 "-" "curl/8"
"#;
    let ix = index(access, &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind, FormatKind::Access);
    assert_eq!(ix.cols.level, vec![level::ERROR, level::INFO]);
    assert_eq!(ix.message(0), r#""GET /a HTTP/1.1" 500"#);
    let f = ix.fields(0);
    assert_eq!(f["status"], 500);
    assert_eq!(f["path"], "/a");

    let logfmt = b"time=2024-01-02T03:04:05Z level=error msg=\"a \\\"b\\\"\" request_id=r1\ntime=2024-01-02T03:04:06Z level=info msg=ok request_id=r1\n";
    let ix = index(logfmt, &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind, FormatKind::Logfmt);
    assert_eq!(ix.message(0), "a \"b\"");
    let r1 = ix.ids[1].get(b"r1").unwrap();
    assert_eq!(ix.postings[1].of(r1), &[0, 1]);

    let glog =
        b"I0102 03:04:05.000001   42 main.go:10] start\nE0102 03:04:06.000001   42 main.go:11] fail\n  goroutine 1\n";
    let ix = index(glog, &OpenOptions { year: Some(2024), ..Default::default() });
    assert_eq!(ix.files[0].format.kind, FormatKind::Glog);
    assert_eq!(ix.len(), 2);
    assert_eq!(ix.cols.level, vec![level::INFO, level::ERROR]);
}

#[test]
fn journald_export_is_json_with_microsecond_realtime() {
    let data = br#"{"__REALTIME_TIMESTAMP":"1700000000123456","PRIORITY":"3","_SYSTEMD_UNIT":"nginx.service","MESSAGE":"bind failed"}
"#;
    let ix = index(data, &OpenOptions::default());
    assert_eq!(ix.files[0].format.kind, FormatKind::Json);
    assert_eq!(ix.ts(0), Some(1_700_000_000_123_456_000));
    assert_eq!(ix.cols.level[0], level::ERROR);
    assert_eq!(ix.message(0), "bind failed");
    assert_eq!(ix.entry(0, false).service.as_deref(), Some("nginx.service"));
}

#[test]
fn custom_regex_format() {
    let data = b"02.01.2024 03:04:05 | WARN | w1 | disk slow\n  more detail\n02.01.2024 03:04:06 | INFO | w2 | ok\n";
    let o = opts_json(
        r#"{"format":"regex:^(?P<timestamp>\\S+ \\S+) \\| (?P<level>\\w+) \\| (?P<thread>\\S+) \\| (?P<message>.*)$"}"#,
    );
    let ix = index(data, &o);
    assert_eq!(ix.files[0].format.kind, FormatKind::Custom);
    assert_eq!(ix.len(), 2);
    assert_eq!(ix.ts(0), civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
    assert_eq!(ix.cols.level, vec![level::WARN, level::INFO]);
    assert_eq!(ix.message(0), "disk slow");
    assert_eq!(ix.entry(1, false).thread.as_deref(), Some("w2"));

    let bad = OpenRequest::from_json(&["x".into()], r#"{"format":"regex:(?P<message>"}"#).err().unwrap();
    assert_eq!(bad.code, Code::InvalidRegex);
    let bad = OpenRequest::from_json(&["x".into()], r#"{"format":"regex:(?P<msg>.*)"}"#).err().unwrap();
    assert_eq!(bad.code, Code::InvalidOption);
    assert!(bad.message.contains("message"), "{}", bad.message);
    let bad = OpenRequest::from_json(&["x".into()], r#"{"format":"yaml"}"#).err().unwrap();
    assert_eq!(bad.code, Code::InvalidOption);
    assert!(bad.message.contains("syslog5424"), "{}", bad.message);
}

#[test]
fn timezone_applies_to_zone_less_stamps_only() {
    let data = b"2024-01-02 05:04:05 INFO local\n2024-01-02 05:04:05Z INFO zoned\n";
    let ix = index(data, &opts_json(r#"{"timezone":"+02:00"}"#));
    assert_eq!(ix.ts(0), civil_to_ns(2024, 1, 2, 3, 4, 5, 0));
    assert_eq!(ix.ts(1), civil_to_ns(2024, 1, 2, 5, 4, 5, 0));
}

#[test]
fn an_iana_timezone_follows_daylight_saving_in_every_format() {
    // A year of local-time logs: winter and summer stamps get different offsets.
    let text =
        b"2024-01-15 12:00:00 INFO winter\n2024-07-01 12:00:00 INFO summer\n2024-07-01 12:00:00+00:00 INFO zoned\n";
    let ix = index(text, &opts_json(r#"{"timezone":"Europe/Berlin"}"#));
    assert_eq!(ix.ts(0), civil_to_ns(2024, 1, 15, 11, 0, 0, 0));
    assert_eq!(ix.ts(1), civil_to_ns(2024, 7, 1, 10, 0, 0, 0));
    assert_eq!(ix.ts(2), civil_to_ns(2024, 7, 1, 12, 0, 0, 0));
    let syslog = b"Jan 15 12:00:00 host app[1]: winter\nJul  1 12:00:00 host app[1]: summer\n";
    let ix = index(syslog, &opts_json(r#"{"timezone":"America/New_York","year":2024}"#));
    assert_eq!(ix.ts(0), civil_to_ns(2024, 1, 15, 17, 0, 0, 0));
    assert_eq!(ix.ts(1), civil_to_ns(2024, 7, 1, 16, 0, 0, 0));
    let json = br#"{"time":"2024-07-01T12:00:00","level":"info","msg":"summer"}
"#;
    let ix = index(json, &opts_json(r#"{"timezone":"Europe/Berlin"}"#));
    assert_eq!(ix.ts(0), civil_to_ns(2024, 7, 1, 10, 0, 0, 0));
    let e = OpenRequest::from_json(&["x".into()], r#"{"timezone":"Europe/Atlantis"}"#).err().unwrap();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn parallel_equals_serial_for_text() {
    let mut data = Vec::new();
    for i in 0..5000 {
        data.extend_from_slice(format!("17/06/09 20:10:{:02} INFO comp.C{}: message {i}\n", i % 60, i % 5).as_bytes());
        if i % 7 == 0 {
            data.extend_from_slice(b"\tat continuation\n");
        }
    }
    let par = index(&data, &OpenOptions { chunk_size: 4096, ..Default::default() });
    let ser = index(&data, &OpenOptions { chunk_size: 1 << 30, serial: true, ..Default::default() });
    assert_eq!(par.len(), 5000);
    assert_eq!(
        (par.cols.offset_lo.clone(), par.cols.offset_hi.clone()),
        (ser.cols.offset_lo.clone(), ser.cols.offset_hi.clone())
    );
    let ranges = |ix: &Index| (0..ix.len() as u32).map(|e| ix.record_range(e)).collect::<Vec<_>>();
    assert_eq!(ranges(&par), ranges(&ser));
    assert_eq!(par.cols.msg_len, ser.cols.msg_len);
    assert_eq!(par.cols.fp, ser.cols.fp);
    assert_eq!(par.cols.ts, ser.cols.ts);
    assert_eq!(par.cols.msg_start, ser.cols.msg_start);
}

mod no_panic {
    use logsift_engine::format::{continuation, detect, text, FormatKind, ParseCtx, Spec};
    use logsift_engine::record::Parsed;
    use proptest::prelude::*;

    /// Bytes that look a little like log headers, so the parsers get deep into their paths.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        let atoms = prop::sample::select(vec![
            &b"2024-01-02 03:04:05,678 "[..],
            b"Jun 14 15:16:01 ",
            b"[",
            b"]",
            b"<13>",
            b"<165>1 ",
            b"INFO ",
            b"error:",
            b"a.b: ",
            b" - ",
            b"\t",
            b"\"",
            b"\\",
            b"=",
            b"k=v ",
            b"#12 ",
            b"[pid 1:tid 2] ",
            b"I1025 14:32:52.1 ",
            b"1700000000.5 ",
            b"30/Oct/2023:16:49:06 +0000",
            b"{\"a\":",
            b"\0",
            b"\xff",
            b"12",
            b" ",
            b"x",
        ]);
        prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn parsers_never_panic(lines in prop::collection::vec(line(), 1..8)) {
            let ctx = ParseCtx { tz: logsift_engine::time::Tz::Fixed(3600), year: 2024 };
            let sample: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            let mut formats = vec![detect(&sample, ctx)];
            for name in ["json", "logfmt", "syslog", "syslog5424", "access", "apache-error", "glog", "text", "raw"] {
                formats.push(Spec::parse(name).unwrap().build(&sample, ctx));
            }
            formats.push(Spec::parse(r"regex:^(?P<timestamp>\S+) (?P<level>\w+)? ?(?P<message>.*)$").unwrap().build(&sample, ctx));
            let _ = text::learn(&sample, &ctx);
            // Record-start decisions and stand-alone entries, on any bytes.
            let rule = continuation::learn(&sample, &ctx, continuation::ALWAYS, |l| l.first() == Some(&b'2'));
            for l in &sample {
                let _ = continuation::kind(l, &rule, &ctx);
                continuation::standalone(l, &ctx, &mut Parsed::default());
            }
            for f in &formats {
                let _ = f.layout_info();
            }
            let mut out = Parsed::default();
            for f in &formats {
                for l in &sample {
                    if f.parse(l, &mut out) {
                        // Spans stay inside the line.
                        prop_assert!(out.message.end() <= l.len(), "{:?} {:?}", f.kind, String::from_utf8_lossy(l));
                        for s in out.ids.iter().flatten().chain(out.component.iter()).chain(out.pid.iter()).chain(out.level_text.iter()) {
                            prop_assert!(s.end() <= l.len());
                        }
                    }
                    let _ = f.fields(l);
                }
                prop_assert!(f.kind != FormatKind::Custom || f.custom.is_some());
            }
        }
    }
}
