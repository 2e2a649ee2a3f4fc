//! SQL over the index (`sql` op, the `entries` virtual table) and over a SQLite file: answers
//! checked against the generator's ground truth and the `count` op, pushed-down constraints
//! that give the same answers as a full scan, typed errors, cancellation.
mod common;
use common::*;
use logsift_engine::generate::{generate_to_vec, GenerateOptions};
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::session::Session;
use logsift_engine::source::Source;
use logsift_engine::sql::{query_file, query_index, SqlArgs};
use logsift_engine::Code;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

/// 50K generated entries (seed 42), indexed once for the whole file.
fn generated_session() -> &'static (Session, logsift_engine::generate::GenerateSummary) {
    static S: OnceLock<(Session, logsift_engine::generate::GenerateSummary)> = OnceLock::new();
    S.get_or_init(|| {
        let (data, summary) = generate_to_vec(&GenerateOptions { entries: 50_000, ..Default::default() }).unwrap();
        let ix =
            build(vec![Source::from_bytes("gen.jsonl", data).unwrap()], &OpenOptions::default(), &Control::default())
                .unwrap();
        (Session::new(ix, Vec::new()), summary)
    })
}

fn sql(s: &Session, q: &str) -> Value {
    let args = serde_json::to_string(&json!({ "sql": q, "maxRows": 100_000 })).unwrap();
    serde_json::from_str(&s.call("sql", &args, &Control::default()).unwrap_or_else(|e| panic!("{q}: {e}"))).unwrap()
}

fn sql_err(s: &Session, q: &str) -> logsift_engine::Error {
    let args = serde_json::to_string(&json!({ "sql": q })).unwrap();
    s.call("sql", &args, &Control::default()).unwrap_err()
}

fn count(s: &Session, query: Value) -> u64 {
    let r: Value = serde_json::from_str(&s.call("count", &query.to_string(), &Control::default()).unwrap()).unwrap();
    r["total"].as_u64().unwrap()
}

fn one(v: &Value) -> &Value {
    &v["rows"][0][0]
}

#[test]
fn counts_per_level_equal_the_generator_ground_truth() {
    let (s, summary) = generated_session();
    let r = sql(s, "SELECT level, count(*) AS n FROM entries GROUP BY level ORDER BY level");
    assert_eq!(r["columns"], json!(["level", "n"]));
    let got: Vec<(String, u64)> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row[0].as_str().unwrap().to_string(), row[1].as_u64().unwrap()))
        .collect();
    let l = &summary.levels;
    let want = vec![
        ("DEBUG".to_string(), l.debug),
        ("ERROR".to_string(), l.error),
        ("INFO".to_string(), l.info),
        ("WARN".to_string(), l.warn),
    ];
    assert_eq!(got, want.into_iter().filter(|(_, n)| *n > 0).collect::<Vec<_>>());
    assert_eq!(one(&sql(s, "SELECT count(*) FROM entries")), &json!(summary.entries));
    assert_eq!(r["truncated"], false);
}

#[test]
fn counts_per_service_equal_the_count_op() {
    let (s, _) = generated_session();
    let r = sql(s, "SELECT service, count(*), sum(severity >= 17) FROM entries GROUP BY service");
    let rows = r["rows"].as_array().unwrap();
    assert!(rows.len() >= 3, "{r}");
    for row in rows {
        let svc = row[0].as_str().unwrap();
        assert_eq!(row[1].as_u64().unwrap(), count(s, json!({ "service": svc })), "{svc}");
        assert_eq!(row[2].as_u64().unwrap(), count(s, json!({ "service": svc, "minLevel": "error" })), "{svc}");
        // The pushed-down equality gives the same number as the scan above.
        let q = format!("SELECT count(*) FROM entries WHERE service = '{svc}'");
        assert_eq!(one(&sql(s, &q)), &row[1]);
    }
}

#[test]
fn pushed_down_constraints_answer_like_a_full_scan() {
    let (s, _) = generated_session();
    let first = sql(s, "SELECT id, request, trace, timestamp_ns, file FROM entries WHERE request IS NOT NULL AND trace IS NOT NULL LIMIT 1");
    let row = &first["rows"][0];
    let (request, trace) = (row[1].as_str().unwrap(), row[2].as_str().unwrap());
    let ts: i64 = row[3].as_str().map(|t| t.parse().unwrap()).unwrap_or_else(|| row[3].as_i64().unwrap());
    // `+ 0` / `|| ''` hide the column from xBestIndex: SQLite scans and filters itself.
    let pairs = [
        (format!("request = '{request}'"), format!("request || '' = '{request}'")),
        (format!("trace = '{trace}'"), format!("trace || '' = '{trace}'")),
        ("id = 1234".to_string(), "id + 0 = 1234".to_string()),
        (
            "id BETWEEN 100 AND 20000 AND severity >= 13".into(),
            "id + 0 BETWEEN 100 AND 20000 AND severity + 0 >= 13".into(),
        ),
        (
            format!("timestamp_ns >= {ts} AND timestamp_ns < {}", ts + 60_000_000_000),
            format!("timestamp_ns + 0 >= {ts} AND timestamp_ns + 0 < {}", ts + 60_000_000_000),
        ),
        ("level = 'WARN'".into(), "level || '' = 'WARN'".into()),
        ("level = 'warn'".into(), "level || '' = 'warn'".into()),
        ("level = 'warn' COLLATE NOCASE".into(), "lower(level) = 'warn'".into()),
        ("file = 'gen.jsonl' AND id > 49990.5".into(), "file || '' = 'gen.jsonl' AND id + 0 > 49990.5".into()),
        ("service = 'nope'".into(), "service || '' = 'nope'".into()),
        ("id = NULL".into(), "id + 0 = NULL".into()),
        // Integer affinity: '7' compares as 7 (SQLite re-checks what the filter skipped).
        ("id < '7'".into(), "id + 0 < 7".into()),
    ];
    for (pushed, scanned) in pairs {
        let a = sql(s, &format!("SELECT count(*), total(id) FROM entries WHERE {pushed}"));
        let b = sql(s, &format!("SELECT count(*), total(id) FROM entries WHERE {scanned}"));
        assert_eq!(a["rows"], b["rows"], "{pushed}");
    }
    // A trace's entries equal the follow scope's count.
    let n = one(&sql(s, &format!("SELECT count(*) FROM entries WHERE trace = '{trace}'"))).as_u64().unwrap();
    assert_eq!(n, count(s, json!({ "trace": trace })));
    // Rows come in id order; ORDER BY id is consumed, DESC is sorted by SQLite.
    let asc = sql(s, "SELECT id FROM entries WHERE id > 10 ORDER BY id LIMIT 3");
    assert_eq!(asc["rows"], json!([[11], [12], [13]]));
    let desc = sql(s, "SELECT id FROM entries ORDER BY id DESC LIMIT 2");
    assert_eq!(desc["rows"], json!([[49_999], [49_998]]));
}

#[test]
fn columns_equal_the_materialized_entry() {
    let (s, _) = generated_session();
    let r = sql(s, "SELECT * FROM entries WHERE id = 777");
    let cols: Vec<&str> = r["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(cols, logsift_engine::sql::COLUMNS);
    let row = &r["rows"][0];
    let e = s.index.entry(777, true);
    let get = |c: &str| &row[cols.iter().position(|x| *x == c).unwrap()];
    assert_eq!(get("id"), &json!(777));
    assert_eq!(get("file"), &json!(e.file));
    assert_eq!(get("line"), &json!(e.line));
    assert_eq!(get("offset"), &json!(e.offset));
    // Nanoseconds beyond 2^53 arrive exact, as a decimal string.
    assert_eq!(get("timestamp_ns"), &json!(e.timestamp_ns.unwrap().to_string()));
    assert_eq!(get("time"), &json!(e.time));
    assert_eq!(get("severity"), &json!(e.severity));
    assert_eq!(get("level"), &json!(e.level));
    assert_eq!(get("level_text"), &json!(e.level_text));
    assert_eq!(get("message"), &json!(e.message));
    assert_eq!(get("thread"), &json!(e.thread));
    assert_eq!(get("request"), &json!(e.request));
    assert_eq!(get("trace"), &json!(e.trace));
    assert_eq!(get("span"), &json!(e.span));
    assert_eq!(get("parent_span"), &json!(e.parent_span));
    assert_eq!(get("service"), &json!(e.service));
    assert_eq!(get("component"), &json!(e.component));
    assert_eq!(get("raw"), &json!(e.raw));
    let fields: Value = serde_json::from_str(get("fields").as_str().unwrap()).unwrap();
    assert_eq!(fields, Value::Object(e.fields.unwrap()));
}

#[test]
fn field_function_and_percentile() {
    let (s, _) = generated_session();
    // Every duration, computed here, against percentile() per service.
    let r = sql(s, "SELECT service, field(id, 'duration_ms') FROM entries WHERE field(id, 'duration_ms') IS NOT NULL");
    let mut by_svc: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for row in r["rows"].as_array().unwrap() {
        assert!(row[1].is_i64(), "typed integer: {row}");
        by_svc.entry(row[0].as_str().unwrap().into()).or_default().push(row[1].as_f64().unwrap());
    }
    assert!(!by_svc.is_empty());
    let p = sql(s, "SELECT service, percentile(field(id, 'duration_ms'), 95), count(field(id, 'duration_ms')) FROM entries GROUP BY service HAVING count(field(id, 'duration_ms')) > 0 ORDER BY service");
    for row in p["rows"].as_array().unwrap() {
        let mut xs = by_svc[row[0].as_str().unwrap()].clone();
        xs.sort_by(f64::total_cmp);
        let rank = 0.95 * (xs.len() - 1) as f64;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        let want = xs[lo] + (xs[hi] - xs[lo]) * (rank - lo as f64);
        assert!((row[1].as_f64().unwrap() - want).abs() < 1e-9, "{row} vs {want}");
        assert_eq!(row[2].as_u64().unwrap() as usize, xs.len());
    }
    assert_eq!(one(&sql(s, "SELECT field(3, 'no_such_field')")), &Value::Null);
    assert_eq!(sql_err(s, "SELECT field(99999999, 'x')").code, Code::InvalidQuery);
    assert_eq!(sql_err(s, "SELECT percentile(id, 101) FROM entries").code, Code::InvalidQuery);
}

#[test]
fn writes_several_statements_and_bad_sql_are_typed_errors() {
    let (s, _) = generated_session();
    for q in [
        "INSERT INTO entries (id) VALUES (1)",
        "DELETE FROM entries",
        "UPDATE entries SET message = 'x'",
        "DROP TABLE entries",
        "CREATE TABLE t (x)",
        "PRAGMA journal_mode = DELETE",
        "ATTACH DATABASE '/tmp/x.sqlite' AS x",
        "WITH x AS (SELECT 1) DELETE FROM entries",
        "/* sneaky */ -- comment\n DELETE FROM entries",
        "VACUUM",
        "SELECT 1; SELECT 2",
        "",
    ] {
        let e = sql_err(s, q);
        assert_eq!(e.code, Code::SqlNotReadOnly, "{q}: {e}");
        assert_eq!(e.location.as_deref(), Some("sql"));
    }
    let e = sql_err(s, "SELECT nope FROM nowhere");
    assert_eq!(e.code, Code::InvalidQuery, "{e}");
    assert!(e.message.contains("nowhere"), "{e}");
    assert_eq!(sql_err(s, "SELECT count(* FROM entries").code, Code::InvalidQuery);
    let e = s.call("sql", r#"{"sql":"SELECT 1","maxRows":2000000}"#, &Control::default()).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
    let e = s.call("sql", r#"{"query":"SELECT 1"}"#, &Control::default()).unwrap_err();
    assert_eq!(e.code, Code::InvalidOption);
}

#[test]
fn the_row_cap_truncates_and_says_so() {
    let (s, _) = generated_session();
    let r: Value = serde_json::from_str(
        &s.call("sql", r#"{"sql":"SELECT id FROM entries","maxRows":5}"#, &Control::default()).unwrap(),
    )
    .unwrap();
    assert_eq!(r["rows"], json!([[0], [1], [2], [3], [4]]));
    assert_eq!(r["truncated"], true);
    let r: Value = serde_json::from_str(
        &s.call("sql", r#"{"sql":"SELECT id FROM entries WHERE id < 5","maxRows":5}"#, &Control::default()).unwrap(),
    )
    .unwrap();
    assert_eq!(r["truncated"], false);
}

#[test]
fn a_long_query_is_cancelled() {
    let (s, _) = generated_session();
    let ctl = Control::default();
    let a = SqlArgs {
        // A cross join of 50K × 50K rows: hours if it ran to the end.
        sql: "SELECT count(*) FROM entries a, entries b WHERE a.message || b.message = 'x'".into(),
        max_rows: None,
    };
    let start = std::time::Instant::now();
    std::thread::scope(|sc| {
        sc.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            ctl.cancel.store(true, Ordering::Relaxed);
        });
        let e = query_index(&s.index, &a, &ctl).unwrap_err();
        assert_eq!(e.code, Code::Cancelled, "{e}");
    });
    assert!(start.elapsed().as_secs() < 60);
    // Cancelled before it starts: no row is read.
    assert_eq!(
        query_index(&s.index, &SqlArgs { sql: "SELECT count(*) FROM entries".into(), max_rows: None }, &ctl)
            .unwrap_err()
            .code,
        Code::Cancelled
    );
}

#[test]
fn a_sqlite_file_is_queried_read_only() {
    let dir = temp_dir("sql-file");
    let db = dir.join("t.sqlite").to_string_lossy().into_owned();
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "CREATE TABLE t (k TEXT, v INTEGER); INSERT INTO t VALUES ('a', 1), ('a', 3), ('b', 10);
         CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES ('connection refused'), ('all good');",
    )
    .unwrap();
    drop(c);
    let a = |q: &str| SqlArgs { sql: q.into(), max_rows: None };
    let ctl = Control::default();
    let r = query_file(&db, &a("SELECT k, sum(v), percentile(v, 50) FROM t GROUP BY k ORDER BY k"), &ctl).unwrap();
    assert_eq!(r.columns, ["k", "sum(v)", "percentile(v, 50)"]);
    assert_eq!(serde_json::to_value(&r.rows).unwrap(), json!([["a", 4, 2.0], ["b", 10, 10.0]]));
    assert_eq!(query_file(&db, &a("DELETE FROM t"), &ctl).unwrap_err().code, Code::SqlNotReadOnly);
    // A write that passes the keyword check is refused by the read-only authorizer: the
    // statement is at fault (SQL_NOT_READ_ONLY, a usage error), not the file (DB_READ_ONLY).
    for q in ["WITH x AS (SELECT 1) DELETE FROM t", "WITH x AS (SELECT 1) INSERT INTO t SELECT 'c', 1 FROM x"] {
        let e = query_file(&db, &a(q), &ctl).unwrap_err();
        assert_eq!((e.code, e.location.as_deref()), (Code::SqlNotReadOnly, Some("sql")), "{q}: {e}");
    }
    // Full-text search over an export's FTS table works read-only.
    let r = query_file(&db, &a("SELECT rowid, body FROM f WHERE f MATCH 'refused'"), &ctl).unwrap();
    assert_eq!(serde_json::to_value(&r.rows).unwrap(), json!([[1, "connection refused"]]));
    // Even a statement that passes the check cannot write: the file is opened read-only.
    let e = query_file(&db, &a("WITH x AS (SELECT 1) SELECT * FROM x"), &ctl).unwrap();
    assert_eq!(e.rows.len(), 1);
    let c = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 3);
    let missing = dir.join("missing.sqlite").to_string_lossy().into_owned();
    let e = query_file(&missing, &a("SELECT 1"), &ctl).unwrap_err();
    assert_eq!((e.code, e.location.as_deref()), (Code::NotFound, Some(missing.as_str())));
    assert!(!std::path::Path::new(&missing).exists());
    let not_db = dir.join("x.log");
    std::fs::write(&not_db, "just some text, not a database\n".repeat(100)).unwrap();
    let e = query_file(not_db.to_str().unwrap(), &a("SELECT * FROM t"), &ctl).unwrap_err();
    assert_eq!(e.code, Code::DbError, "{e}");
}

#[test]
fn corpus_files_answer_like_the_count_op() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/corpus/loghub");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        eprintln!("corpus not found at {}: skipped", root.display());
        return;
    };
    let mut checked = 0;
    for d in dirs.flatten() {
        let Ok(files) = std::fs::read_dir(d.path()) else { continue };
        for f in files.flatten() {
            let p = f.path();
            if p.extension().and_then(|e| e.to_str()) != Some("log") {
                continue;
            }
            let src = Source::open(p.to_str().unwrap(), &Default::default()).unwrap();
            let ix = build(vec![src], &OpenOptions::default(), &Control::default()).unwrap();
            let s = Session::new(ix, Vec::new());
            let r = sql(&s, "SELECT level, count(*) FROM entries GROUP BY level");
            let mut total = 0;
            for row in r["rows"].as_array().unwrap() {
                let n = row[1].as_u64().unwrap();
                total += n;
                let lvl = row[0].as_str().unwrap();
                if lvl != "NONE" {
                    assert_eq!(n, count(&s, json!({ "level": lvl.to_lowercase() })), "{} {lvl}", p.display());
                }
            }
            assert_eq!(total as usize, s.index.len(), "{}", p.display());
            checked += 1;
        }
    }
    assert!(checked > 0, "no corpus log under {}", root.display());
}
