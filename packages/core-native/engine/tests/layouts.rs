//! Layout families logsift was never tuned on, one case each (lines written here in the
//! shape of each family): the learned layout must read the first record's timestamp, level,
//! component and message, and split the file into exactly the records it holds. Then the
//! record-start property: two files of different layouts, concatenated, never merge.

use logsift_engine::index::Index;
use logsift_engine::indexer::{build, Control, OpenOptions};
use logsift_engine::level;
use logsift_engine::source::Source;
use logsift_engine::time::civil_to_ns;
use proptest::prelude::*;

fn index(data: &str) -> Index {
    let src = Source::from_bytes("case.log", data.as_bytes().to_vec()).unwrap();
    build(vec![src], &OpenOptions { year: Some(2024), ..Default::default() }, &Control::default()).unwrap()
}

struct Case {
    name: &'static str,
    lines: &'static [&'static str],
    entries: usize,
    ts: Option<i64>,
    level: u8,
    component: Option<&'static str>,
    message: &'static str,
}

fn ns(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    civil_to_ns(y, mo, d, h, mi, s, ms * 1_000_000)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "key: value stanzas, each started by a stamped field (apt's history.log shape)",
            lines: &[
                "Backup-Start: 2024-03-04  05:06:07",
                "Host: db1",
                "Volumes: /var /home",
                "Backup-End: 2024-03-04  05:16:07",
                "",
                "Backup-Start: 2024-03-04  06:06:07",
                "Host: db2",
                "Error: volume /srv not mounted",
                "Backup-End: 2024-03-04  06:07:00",
            ],
            entries: 4,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: 0,
            component: Some("Backup-Start"),
            message: "",
        },
        Case {
            name: "colon-separated, no blanks after the stamp",
            lines: &[
                "2009-07-20 22:59:27,672:DEBUG:connection opened to db1",
                "2009-07-20 22:59:28,001:INFO:request served",
                "2009-07-20 22:59:29,500:ERROR:lost connection",
            ],
            entries: 3,
            ts: ns(2009, 7, 20, 22, 59, 27, 672),
            level: level::DEBUG,
            component: None,
            message: "connection opened to db1",
        },
        Case {
            name: "python %(asctime)s:%(levelname)s:%(name)s:%(message)s",
            lines: &[
                "2009-07-20 22:59:27,672:WARNING:app.db:slow query 3s",
                "2009-07-20 22:59:28,001:INFO:app.web:GET / 200",
                "2009-07-20 22:59:29,500:ERROR:root:boom",
            ],
            entries: 3,
            ts: ns(2009, 7, 20, 22, 59, 27, 672),
            level: level::WARN,
            component: Some("app.db"),
            message: "slow query 3s",
        },
        Case {
            name: "LEVEL:logger:message",
            lines: &["ERROR:payments.api:card declined", "INFO:payments.api:retrying", "WARNING:root:slow"],
            entries: 3,
            ts: None,
            level: level::ERROR,
            component: Some("payments.api"),
            message: "card declined",
        },
        Case {
            name: "an id before the stamp",
            lines: &[
                "4711 2024-03-04 05:06:07.890 WARN cache: eviction storm",
                "4712 2024-03-04 05:06:08.000 INFO cache: settled",
                "4713 2024-03-04 05:06:09.000 ERROR db: timeout",
            ],
            entries: 3,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: level::WARN,
            component: Some("cache"),
            message: "eviction storm",
        },
        Case {
            name: "a node name before the stamp",
            lines: &[
                "node-17 2024-03-04T05:06:07Z ERROR disk sda1 failing",
                "node-03 2024-03-04T05:06:08Z INFO heartbeat ok",
                "node-17 2024-03-04T05:06:09Z INFO heartbeat ok",
            ],
            entries: 3,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::ERROR,
            component: Some("node-17"),
            message: "disk sda1 failing",
        },
        Case {
            name: "an epoch as the 5th word",
            lines: &[
                "134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: alt0 unavailable",
                "134682 node-109 unix.hw state_change.available 1077804743 1 Component State Change: alt0 available",
                "134683 node-246 action start 1077804760 1 clusterAddMember (command 1902)",
            ],
            entries: 3,
            ts: Some(1_077_804_742_000_000_000),
            level: 0,
            component: Some("node-246"),
            message: "Component State Change: alt0 unavailable",
        },
        Case {
            name: "an epoch in milliseconds as the 4th word, a level after it",
            lines: &[
                "gw eu-1 req-9 1700000000123 ERROR upstream reset",
                "gw eu-1 req-10 1700000000200 INFO ok",
                "gw us-2 req-11 1700000000300 WARN slow",
            ],
            entries: 3,
            ts: Some(1_700_000_000_123_000_000),
            level: level::ERROR,
            component: Some("gw"),
            message: "upstream reset",
        },
        Case {
            name: "pipe-separated, no blanks",
            lines: &[
                "2024-03-04 05:06:07.890|INFO|main|service started",
                "2024-03-04 05:06:08.000|WARN|pool-2|queue 80% full",
                "2024-03-04 05:06:09.000|ERROR|main|shutdown",
            ],
            entries: 3,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: level::INFO,
            component: Some("main"),
            message: "service started",
        },
        Case {
            name: "blank-padded pipes",
            lines: &[
                "2024-03-04 05:06:07 | ERROR | billing | invoice 7 failed",
                "2024-03-04 05:06:08 | INFO | billing | invoice 8 sent",
            ],
            entries: 2,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::ERROR,
            component: Some("billing"),
            message: "invoice 7 failed",
        },
        Case {
            name: "bracketed level and thread",
            lines: &[
                "[2024-03-04 05:06:07,890] [ERROR] [worker-3] job 12 crashed",
                "java.lang.IllegalStateException: bad state",
                "\tat a.B.run(B.java:10)",
                "Caused by: java.io.IOException: gone",
                "\t... 4 more",
                "[2024-03-04 05:06:08,000] [INFO] [worker-1] job 13 done",
            ],
            entries: 2,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: level::ERROR,
            component: None,
            message: "job 12 crashed",
        },
        Case {
            name: "an XML body after the header",
            lines: &[
                "2024-03-04 05:06:07 INFO soap.Client: response",
                "<Envelope>",
                "<Body><Status>FAIL</Status></Body>",
                "</Envelope>",
                "2024-03-04 05:06:08 WARN soap.Client: retry",
                "<Envelope>",
                "</Envelope>",
            ],
            entries: 2,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::INFO,
            component: Some("soap.Client"),
            message: "response",
        },
        Case {
            name: "a tab-indented JSON body after the header",
            lines: &[
                "2024-03-04 05:06:07 ERROR api: request failed, payload:",
                "{",
                "\t\"order\": 12,",
                "\t\"items\": [1, 2]",
                "}",
                "2024-03-04 05:06:08 INFO api: ok",
            ],
            entries: 2,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::ERROR,
            component: Some("api"),
            message: "request failed, payload:",
        },
        Case {
            name: "lines of another shape are entries of their own, never continuations",
            lines: &[
                "2024-03-04 05:06:07 INFO app: started",
                "Upgrade: libc6 (2.36-9)",
                "2024-03-04 05:06:08 ERROR app: crashed",
                "systemd[1]: app.service: Main process exited",
                "2024-03-04 05:06:09 INFO app: restarted",
            ],
            entries: 5,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::INFO,
            component: Some("app"),
            message: "started",
        },
        Case {
            name: "dpkg.log",
            lines: &[
                "2025-06-24 14:36:25 startup archives unpack",
                "2025-06-24 14:36:25 upgrade libsystemd0:amd64 252.36-1 252.38-1",
                "2025-06-24 14:36:25 status half-configured libc-bin:amd64 2.36-9",
            ],
            entries: 3,
            ts: ns(2025, 6, 24, 14, 36, 25, 0),
            level: 0,
            component: None,
            message: "startup archives unpack",
        },
        Case {
            name: "alternatives.log",
            lines: &[
                "update-alternatives 2025-06-24 14:36:53: run with --quiet --install /usr/bin/pager pager /usr/bin/less 77",
                "update-alternatives 2025-06-24 14:36:53: link group pager updated to point to /usr/bin/less",
            ],
            entries: 2,
            ts: ns(2025, 6, 24, 14, 36, 53, 0),
            level: 0,
            component: Some("update-alternatives"),
            message: "run with --quiet --install /usr/bin/pager pager /usr/bin/less 77",
        },
        Case {
            name: "apt history.log stanzas (a record per stamped field, its field lines continue it)",
            lines: &[
                "Start-Date: 2025-06-24  14:36:25",
                "Commandline: apt-get -qqy upgrade",
                "Upgrade: libsystemd0:amd64 (252.36-1, 252.38-1)",
                "End-Date: 2025-06-24  14:36:26",
                "",
                "Start-Date: 2025-06-24  14:37:36",
                "Commandline: apt-get install -qqy jq",
                "End-Date: 2025-06-24  14:37:40",
            ],
            entries: 4,
            ts: ns(2025, 6, 24, 14, 36, 25, 0),
            level: 0,
            component: Some("Start-Date"),
            message: "",
        },
        Case {
            name: "PostgreSQL stderr log",
            lines: &[
                "2024-03-04 05:06:07.890 UTC [4242] LOG:  database system is ready to accept connections",
                "2024-03-04 05:06:08.000 UTC [4250] ERROR:  relation \"t\" does not exist at character 15",
                "2024-03-04 05:06:08.000 UTC [4250] STATEMENT:  select * from t;",
                "2024-03-04 05:06:09.000 UTC [4242] LOG:  checkpoint starting: time",
                "2024-03-04 05:06:10.000 UTC [4242] LOG:  checkpoint complete",
                "2024-03-04 05:06:11.000 UTC [4251] app@shop ERROR:  syntax error at or near \"selec\"",
                "2024-03-04 05:06:11.000 UTC [4251] app@shop STATEMENT:  selec",
                "\t1;",
            ],
            entries: 7,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: level::INFO,
            component: None,
            message: "database system is ready to accept connections",
        },
        Case {
            name: "redis-server",
            lines: &[
                "4242:C 04 Mar 2024 05:06:07.890 # WARNING Memory overcommit must be enabled!",
                "4242:M 04 Mar 2024 05:06:08.000 * Server initialized",
                "4242:M 04 Mar 2024 05:06:08.100 * Ready to accept connections tcp",
            ],
            entries: 3,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: 0,
            component: None,
            message: "# WARNING Memory overcommit must be enabled!",
        },
        Case {
            name: "JSON with level and message in a nested object (logstash's old layout)",
            lines: &[
                r#"{"@timestamp":"2024-03-04T05:06:07.890Z","@fields":{"lvl":"ERROR","msg":"payment failed","logger":"pay"}}"#,
                r#"{"@timestamp":"2024-03-04T05:06:08Z","@fields":{"lvl":"INFO","msg":"ok","logger":"pay"}}"#,
            ],
            entries: 2,
            ts: ns(2024, 3, 4, 5, 6, 7, 890),
            level: level::ERROR,
            component: Some("pay"),
            message: "payment failed",
        },
        Case {
            name: "JSON with a line cut off mid-record (a crash while writing)",
            lines: &[
                r#"{"ts":"2024-03-04T05:06:07Z","level":"info","msg":"writing batch 7"}"#,
                r#"{"ts":"2024-03-04T05:06:08Z","level":"error","msg":"out of mem"#,
                r#"{"ts":"2024-03-04T05:06:09Z","level":"info","msg":"restarted"}"#,
            ],
            entries: 3,
            ts: ns(2024, 3, 4, 5, 6, 7, 0),
            level: level::INFO,
            component: None,
            message: "writing batch 7",
        },
    ]
}

#[test]
fn every_layout_family() {
    let mut failures = Vec::new();
    for c in cases() {
        let ix = index(&(c.lines.join("\n") + "\n"));
        let e = ix.entry(0, true);
        let info = &ix.files[0].format.layout_info().summary;
        let got = (ix.len(), e.timestamp_ns, e.severity, e.component.as_deref(), e.message.as_str());
        let want = (c.entries, c.ts, c.level, c.component, c.message);
        if got != want {
            failures.push(format!("{}:\n  got  {got:?}\n  want {want:?}\n  layout {info}", c.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn postgres_user_at_db_before_the_level() {
    let c = cases().into_iter().find(|c| c.name.starts_with("PostgreSQL")).unwrap();
    let ix = index(&(c.lines.join("\n") + "\n"));
    let e = ix.entry(5, false);
    assert_eq!((e.severity, e.message.as_str()), (level::ERROR, "syntax error at or near \"selec\""));
    assert_eq!(ix.line(6), 7);
    assert!(ix.raw(6).ends_with(b"selec\n\t1;"));
}

#[test]
fn a_cut_json_line_stays_an_entry_in_place() {
    let c = cases().into_iter().find(|c| c.name.starts_with("JSON with a line cut")).unwrap();
    let ix = index(&(c.lines.join("\n") + "\n"));
    assert_eq!(ix.len(), 3);
    assert_eq!((ix.line(1), ix.line(2)), (2, 3));
    assert_eq!(ix.raw(1), c.lines[1].as_bytes());
    // What was read before the cut is kept: its time and level (the message is the raw line).
    let cut = ix.entry(1, false);
    assert_eq!((cut.timestamp_ns, cut.severity), (ns(2024, 3, 4, 5, 6, 8, 0), level::ERROR));
    assert_eq!(cut.message, c.lines[1]);
    assert!(ix.files[0].format.layout_info().continuation.standalone > 0.3);
    assert_eq!(ix.entry(2, false).message, "restarted");
}

/// Records of one layout family: (lines of each record), headers first, some with bodies.
fn family(f: usize, n: usize, seed: u64) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let s = (i as u64 * 7 + seed) % 60;
            let lvl = ["INFO", "WARN", "ERROR"][(i + seed as usize) % 3];
            let body = (i as u64 + seed).is_multiple_of(4);
            let mut rec = vec![match f {
                0 => format!("2024-03-04 05:06:{s:02},123 {lvl} [main] a.B: event {i}"),
                1 => format!("Mar  4 05:06:{s:02} host app[{i}]: event {i}"),
                2 => format!(r#"{{"time":"2024-03-04T05:06:{s:02}Z","level":"{lvl}","msg":"event {i}"}}"#),
                3 => format!("2009-07-20 22:59:{s:02},672:{lvl}:app.db:event {i}"),
                4 => format!("node-{i} 2024-03-04T05:06:{s:02}Z {lvl} event {i}"),
                5 => format!("[2024-03-04 05:06:{s:02}] [{}] event {i}", lvl.to_lowercase()),
                6 => format!("134681 node-{i} unix.hw state 10778047{s:02} 1 event {i}"),
                _ => format!("2024-03-04 05:06:{s:02}.5|{lvl}|main|event {i}"),
            }];
            if body && f == 0 {
                rec.extend(["java.lang.IllegalStateException: x".to_string(), "\tat a.B.c(B.java:1)".to_string()]);
            } else if body && f != 2 {
                rec.push("    detail line".to_string());
            }
            rec
        })
        .collect()
}

const FAMILIES: usize = 8;

/// First lines (1-based) of the records of `recs` when they start at line `base + 1`.
fn starts(recs: &[Vec<String>], base: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut line = base + 1;
    for r in recs {
        out.push(line);
        line += r.len() as u32;
    }
    out
}

fn text_of(recs: &[Vec<String>]) -> String {
    recs.iter().flatten().map(|l| format!("{l}\n")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn concatenated_layouts_never_merge(a in 0..FAMILIES, b in 0..FAMILIES, na in 1usize..40, nb in 1usize..40, seed in 0u64..1000) {
        prop_assume!(a != b);
        let (ra, rb) = (family(a, na, seed), family(b, nb, seed + 1));
        let lines_a = ra.iter().map(Vec::len).sum::<usize>() as u32;
        let ix = index(&(text_of(&ra) + &text_of(&rb)));
        let got: Vec<u32> = (0..ix.len() as u32).map(|e| ix.line(e)).collect();
        // Every record start of either file is still a record start: nothing was glued on.
        for want in starts(&ra, 0).into_iter().chain(starts(&rb, lines_a)) {
            prop_assert!(got.contains(&want), "line {} merged (families {} + {}): starts {:?}", want, a, b, got);
        }
    }
}

/// What a real log's records are, to check its record assembly.
#[derive(Clone, Copy)]
enum Records {
    /// One record per line, but for indented lines (continuations in every file).
    Lines,
    /// Stanzas of `Key: value` lines: a record starts at each stamped field (apt's history:
    /// `Start-Date:` with its `Commandline:`, `Install:` … lines, then `End-Date:`).
    Stanzas,
}

/// Logs every Debian machine has, and those of Debian services when this machine ran them
/// (not copied into the repository): the records each must split into, every one stamped.
#[test]
fn real_logs_of_this_machine() {
    for (path, records) in [
        ("/var/log/dpkg.log", Records::Lines),
        ("/var/log/alternatives.log", Records::Lines),
        ("/var/log/apt/history.log", Records::Stanzas),
        ("/var/log/redis/redis-server.log", Records::Lines),
        ("/var/log/nginx/error.log", Records::Lines),
        ("/var/log/nginx/access.log", Records::Lines),
        ("/var/log/exim4/mainlog", Records::Lines),
        ("/var/log/postgresql/postgresql-15-main.log", Records::Lines),
    ] {
        let data = match std::fs::read_to_string(path) {
            Ok(d) if !d.trim().is_empty() => d,
            _ => {
                eprintln!("{path} not readable or empty: skipped");
                continue;
            }
        };
        let ix = index(&data);
        let want = match records {
            Records::Lines => data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t'])).count(),
            Records::Stanzas => {
                data.lines().filter(|l| l.starts_with("Start-Date:") || l.starts_with("End-Date:")).count()
            }
        };
        let stamped = (0..ix.len()).filter(|&e| ix.cols.ts[e] != logsift_engine::index::NO_TS).count();
        println!(
            "{path}: records={want} entries={} stamped={stamped} {}",
            ix.len(),
            ix.files[0].format.layout_info().summary
        );
        assert_eq!(ix.len(), want, "{path}: entries");
        assert_eq!(stamped, want, "{path}: every entry has its timestamp");
    }
}
