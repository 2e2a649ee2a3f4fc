//! `exportParquet` and Parquet read-back: the files of an export open as a source whose
//! entries equal the exported ones (time, level, message, ids, service), in time order across
//! files, split by partition, with typed errors for bad options. (DuckDB's reading of the
//! same files is tested in `@logsift/api`.)
mod common;
use common::*;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use logsift_engine::{Code, Error};
use serde_json::Value;

fn export(s: &Session, json: &str) -> Result<Value, Error> {
    s.call("exportParquet", json, &Control::default()).map(|t| serde_json::from_str(&t).unwrap())
}

fn parquet_files(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".parquet"))
        .collect();
    v.sort();
    v
}

/// What an entry is, beyond where it was read from.
fn key(ix: &logsift_engine::index::Index, e: u32) -> String {
    let x = ix.entry(e, false);
    format!(
        "{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        x.timestamp_ns, x.severity, x.message, x.thread, x.request, x.trace, x.span, x.parent_span, x.service
    )
}

fn two_files() -> (logsift_engine::index::Index, Vec<u8>) {
    // Two generated files whose times interleave, plus a multi-line message and a record
    // without a timestamp.
    let a = generated(42, 3000);
    let b = generated(7, 2000);
    let mut extra = rec(1, "error", "boom", &[("trace_id", "t-1"), ("span_id", "s-1"), ("service", "api")]);
    extra.push('\n');
    extra.push_str("{\"level\":\"warn\",\"msg\":\"line one\\nline two\"}\n");
    let sources = vec![
        Source::from_bytes("a.jsonl", a).unwrap(),
        Source::from_bytes("b.jsonl", b).unwrap(),
        Source::from_bytes("c.jsonl", extra.clone().into_bytes()).unwrap(),
    ];
    (build(sources, &OpenOptions::default(), &Control::default()).unwrap(), extra.into_bytes())
}

#[test]
fn round_trip_equals_the_source_in_time_order() {
    let (ix, _) = two_files();
    let n = ix.len();
    let mut want: Vec<String> = (0..n as u32).map(|e| key(&ix, e)).collect();
    let s = Session::new(ix, Vec::new());
    let dir = temp_dir("parquet-rt");
    let r = export(&s, &format!(r#"{{"outDir":"{}","rowGroupRows":1000}}"#, dir.display())).unwrap();
    assert_eq!(r["rows"].as_u64(), Some(n as u64));
    assert_eq!(r["files"].as_array().unwrap().len(), 1);
    assert_eq!(r["rowGroups"].as_u64(), Some(n.div_ceil(1000) as u64));
    let files = parquet_files(&dir);
    assert_eq!(files.len(), 1);
    assert!(std::fs::read_dir(&dir).unwrap().flatten().all(|e| !e.file_name().to_string_lossy().ends_with(".tmp")));

    let src = Source::open(&files[0], &Default::default()).unwrap();
    assert_eq!(src.compression, Some("parquet"));
    let back = build(vec![src], &OpenOptions::default(), &Control::default()).unwrap();
    assert_eq!(back.len(), n);
    let got: Vec<String> = (0..n as u32).map(|e| key(&back, e)).collect();
    // Rows are in time order (carried through the untimed record), so compare as sets, and
    // check the order separately.
    let times: Vec<i64> = (0..n as u32).filter_map(|e| back.entry(e, false).timestamp_ns).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "rows are not in time order");
    let mut got_sorted = got.clone();
    got_sorted.sort();
    want.sort();
    assert_eq!(got_sorted, want);
    // The multi-line message survived.
    assert!(got.iter().any(|k| k.contains("line one\nline two")));
}

#[test]
fn partitions_by_hour_and_scopes_by_query() {
    let (ix, _) = two_files();
    let hours: std::collections::BTreeSet<i64> =
        (0..ix.len()).filter_map(|e| ix.entry(e as u32, false).timestamp_ns).map(|t| t / 3_600_000_000_000).collect();
    let errors = (0..ix.len()).filter(|&e| ix.cols.level[e] >= 17).count();
    let s = Session::new(ix, Vec::new());
    let dir = temp_dir("parquet-part");
    let r = export(&s, &format!(r#"{{"outDir":"{}","partition":"hour"}}"#, dir.display())).unwrap();
    let files = parquet_files(&dir);
    assert_eq!(files.len(), r["files"].as_array().unwrap().len());
    assert!(files.len() >= hours.len(), "{} files for {} hours", files.len(), hours.len());
    for f in r["files"].as_array().unwrap() {
        let (from, to) = (f["from"].as_str().unwrap(), f["to"].as_str().unwrap());
        assert_eq!(from[..13], to[..13], "a file spans more than one hour: {f}");
        assert!(f["path"].as_str().unwrap().contains(&from[..13]));
    }
    // A query scopes the export; a used directory is refused.
    let dir2 = temp_dir("parquet-q");
    let r = export(&s, &format!(r#"{{"outDir":"{}","level":"error"}}"#, dir2.display())).unwrap();
    assert_eq!(r["rows"].as_u64(), Some(errors as u64));
    let e = export(&s, &format!(r#"{{"outDir":"{}"}}"#, dir2.display())).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e =
        export(&s, &format!(r#"{{"outDir":"{}","rowGroupRows":0}}"#, temp_dir("parquet-bad").display())).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e = export(&s, &format!(r#"{{"outDir":"{}","partition":"week"}}"#, temp_dir("parquet-bad2").display()))
        .unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn fields_fill_log_attributes_and_foreign_parquet_is_refused() {
    let lines = vec![rec(0, "info", "hello", &[("user", "u-1"), ("n", "3"), ("service", "api")])];
    let s = session(index(&[("x.jsonl", lines)]));
    let dir = temp_dir("parquet-fields");
    export(&s, &format!(r#"{{"outDir":"{}","fields":true}}"#, dir.display())).unwrap();
    let f = &parquet_files(&dir)[0];
    let back = build(vec![Source::open(f, &Default::default()).unwrap()], &OpenOptions::default(), &Control::default())
        .unwrap();
    let fields = back.fields(0);
    assert_eq!(fields["attributes"]["user"], "u-1");
    assert_eq!(fields["attributes"]["n"], "3");
    assert_eq!(back.entry(0, false).service.as_deref(), Some("api"));
    // A truncated file is a typed error, not a panic.
    let bytes = std::fs::read(f).unwrap();
    let cut = dir.join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let Err(e) = Source::open(cut.to_str().unwrap(), &Default::default()) else { panic!("a cut file opened") };
    assert_eq!(e.code, Code::Decompress);
}
