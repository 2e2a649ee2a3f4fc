//! Ground truth: the loghub 2k samples (`<clone>/../shared/corpus/loghub/<System>/`, or the
//! directory in `LOGHUB_DIR`). Each `.log` is indexed with format detection (nothing is
//! forced or special-cased) and every entry is compared with its `_structured.csv` row:
//! timestamp (rebuilt from the Date/Day/Time columns), level (the ground-truth word mapped
//! through `level::from_word`), component and message (`Content`).

use logsift_engine::index::Index;
use logsift_engine::indexer::{open_paths, Control, OpenOptions};
use logsift_engine::level;
use logsift_engine::time::civil_to_ns;
use std::collections::HashMap;

/// Year given for year-less stamps (OpenSSH's syslog lines); the expected instants use it too.
const YEAR: i64 = 2017;
#[path = "support/loghub.rs"]
mod loghub_support;
use loghub_support::{corpus_dir, read_csv};

fn month(name: &str) -> u32 {
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    names.iter().position(|m| *m == name).map(|p| p as u32 + 1).unwrap_or_else(|| panic!("month {name}"))
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or_else(|_| panic!("number {s}"))
}

/// `hh:mm:ss`, `hh:mm:ss,fff` or `hhmmss` → (h, m, s, nanos).
fn clock(t: &str) -> (u32, u32, u32, u32) {
    let (hms, frac) = t.split_once([',', '.']).unwrap_or((t, ""));
    let nanos = if frac.is_empty() { 0 } else { num(&format!("{frac:0<9}")) };
    if hms.contains(':') {
        let p: Vec<u32> = hms.split(':').map(num).collect();
        (p[0], p[1], p[2], nanos)
    } else {
        (num(&hms[0..2]), num(&hms[2..4]), num(&hms[4..6]), nanos)
    }
}

/// The instant a ground-truth row describes (read as UTC).
fn expected_ts(row: &HashMap<&str, &str>) -> i64 {
    let t = row["Time"];
    let (y, mo, d, clk) = if let Some(day) = row.get("Day") {
        (YEAR, month(row["Date"]), num(day), clock(t))
    } else if let Some(date) = row.get("Date") {
        if date.contains('-') {
            let p: Vec<&str> = date.split('-').collect();
            (num(p[0]) as i64, num(p[1]), num(p[2]), clock(t))
        } else if date.contains('/') {
            let p: Vec<&str> = date.split('/').collect();
            (2000 + num(p[0]) as i64, num(p[1]), num(p[2]), clock(t))
        } else {
            (2000 + num(&date[0..2]) as i64, num(&date[2..4]), num(&date[4..6]), clock(t))
        }
    } else {
        // `Sun Dec 04 04:47:44 2005`
        let p: Vec<&str> = t.split_whitespace().collect();
        (num(p[4]) as i64, month(p[1]), num(p[2]), clock(p[3]))
    };
    civil_to_ns(y, mo, d, clk.0, clk.1, clk.2, clk.3).expect("valid ground-truth date")
}

struct Rates {
    rows: usize,
    ts: usize,
    level: usize,
    component: Option<usize>,
    message: usize,
    /// Thread (`Process` column) and pid (`Pid` column) agreement, where the truth has them.
    thread: Option<usize>,
    pid: Option<usize>,
}

fn pct(n: usize, of: usize) -> f64 {
    100.0 * n as f64 / of.max(1) as f64
}

fn compare(system: &str, ix: &Index, csv: &[Vec<String>]) -> Rates {
    let header: Vec<&str> = csv[0].iter().map(String::as_str).collect();
    let rows: Vec<HashMap<&str, &str>> =
        csv[1..].iter().map(|r| header.iter().copied().zip(r.iter().map(String::as_str)).collect()).collect();
    assert_eq!(ix.len(), rows.len(), "{system}: one entry per ground-truth row");
    let mut r = Rates { rows: rows.len(), ts: 0, level: 0, component: None, message: 0, thread: None, pid: None };
    let mut shown = 0;
    let mut show = |what: &str, e: u32, got: String, want: String| {
        if shown < 5 {
            shown += 1;
            eprintln!("{system} line {}: {what} got {got:?} want {want:?}", ix.line(e));
        }
    };
    for (e, row) in rows.iter().enumerate() {
        let e = e as u32;
        let entry = ix.entry(e, true);
        assert_eq!(entry.line.to_string(), row["LineId"], "{system}: line numbers");
        let want_ts = expected_ts(row);
        if entry.timestamp_ns == Some(want_ts) {
            r.ts += 1;
        } else {
            show("ts", e, format!("{:?}", entry.time), logsift_engine::time::format_ns(want_ts));
        }
        let want_level = row.get("Level").map_or(0, |w| level::from_word(w.as_bytes()).expect("known level word"));
        if entry.severity == want_level {
            r.level += 1;
        } else {
            show("level", e, entry.severity.to_string(), want_level.to_string());
        }
        if let Some(want) = row.get("Component") {
            // In loghub's OpenSSH parse the `Component` column holds the syslog host name
            // (`LabSZ`); the engine reports it as the `host` field.
            let got = match entry.fields.as_ref().and_then(|f| f.get("host")) {
                Some(h) => h.as_str().map(str::to_string),
                None => entry.component.clone(),
            };
            if got.as_deref() == Some(*want) {
                *r.component.get_or_insert(0) += 1;
            } else {
                r.component.get_or_insert(0);
                show("component", e, format!("{got:?}"), want.to_string());
            }
        }
        if let Some(want) = row.get("Process") {
            let hit = entry.thread.as_deref() == Some(*want);
            *r.thread.get_or_insert(0) += usize::from(hit);
        }
        if let Some(want) = row.get("Pid") {
            let got = entry.fields.as_ref().and_then(|f| f.get("pid")).map(|v| v.to_string());
            *r.pid.get_or_insert(0) += usize::from(got.as_deref() == Some(*want));
        }
        if entry.message == row["Content"] {
            r.message += 1;
        } else {
            show("message", e, entry.message.clone(), row["Content"].to_string());
        }
    }
    r
}

#[test]
fn loghub_ground_truth() {
    let Some(dir) = corpus_dir() else {
        eprintln!("loghub corpus not found (set LOGHUB_DIR or put shared/ beside the clone): skipped");
        return;
    };
    // Agreement floors (percent) per system: timestamp and level must be exact; component and
    // message are held at the rates reached so they cannot regress.
    let floors: [(&str, f64, f64); 5] = [
        ("Apache", 100.0, 100.0),
        ("HDFS", 100.0, 100.0),
        ("Hadoop", 100.0, 100.0),
        ("OpenSSH", 100.0, 100.0),
        ("Spark", 100.0, 100.0),
    ];
    let opt = |v: Option<usize>, rows: usize| v.map_or("n/a".to_string(), |c| format!("{:.2}%", pct(c, rows)));
    for forced in [None, Some("text")] {
        let opts = OpenOptions { year: Some(YEAR), format: forced.map(str::to_string), ..Default::default() };
        for (system, comp_floor, msg_floor) in floors {
            let log = dir.join(system).join(format!("{system}_2k.log"));
            let csv_path = dir.join(system).join(format!("{system}_2k.log_structured.csv"));
            let csv = read_csv(&std::fs::read_to_string(&csv_path).expect("read csv"));
            let (ix, _) = open_paths(&[log.to_string_lossy().into_owned()], &opts, &Control::default()).expect("open");
            let f = &ix.files[0].format;
            let r = compare(system, &ix, &csv);
            println!(
                "loghub {system:8} format={:<12} rows={} timestamp={:.2}% level={:.2}% component={} message={:.2}% thread={} pid={}",
                f.kind.name(),
                r.rows,
                pct(r.ts, r.rows),
                pct(r.level, r.rows),
                opt(r.component, r.rows),
                pct(r.message, r.rows),
                opt(r.thread, r.rows),
                opt(r.pid, r.rows),
            );
            // The general text model alone (forced `text`) must read every stamp and level too.
            assert_eq!(r.ts, r.rows, "{system} ({forced:?}): timestamps");
            assert_eq!(r.level, r.rows, "{system} ({forced:?}): levels");
            if forced.is_some() {
                continue;
            }
            let comp = r.component.map(|c| pct(c, r.rows));
            if let Some(c) = comp {
                assert!(c >= comp_floor, "{system}: component agreement {c:.2}% < {comp_floor}%");
            }
            let m = pct(r.message, r.rows);
            assert!(m >= msg_floor, "{system}: message agreement {m:.2}% < {msg_floor}%");
            for (what, v) in [("thread", r.thread), ("pid", r.pid)] {
                if let Some(v) = v {
                    assert_eq!(v, r.rows, "{system}: {what}");
                }
            }
        }
    }
}

#[test]
fn csv_reader_handles_quotes() {
    let rows = read_csv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n");
    assert_eq!(rows, vec![vec!["a", "b", "c"], vec!["1", "x, \"y\"", "3"]]);
}
