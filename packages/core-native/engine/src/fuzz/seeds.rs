//! Seed inputs: slices of the loghub samples (real logs with ground truth), of the
//! generator's JSON, text and logfmt output, and hand-written lines of the formats neither
//! has (RFC 5424, access, glog, OTLP envelopes), plus patterns, queries and time strings
//! for the targets that read those.

use super::Target;
use crate::generate::{generate_to_vec, GenFormat, GenerateOptions};
use std::path::{Path, PathBuf};

/// Lines per seed cut from a log (enough for detection to see a pattern and for the
/// indexer to see continuation lines).
const LINES_PER_SEED: usize = 6;
/// Seeds taken from each corpus file, spread over the file.
const SEEDS_PER_FILE: usize = 24;

/// `LOGHUB_DIR`, else `shared/corpus/loghub` beside the repository clone (as the loghub
/// tests find it).
pub fn default_corpus_dir() -> PathBuf {
    match std::env::var_os("LOGHUB_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/corpus/loghub"),
    }
}

const LINES: &[&str] = &[
    r#"{"time":"2024-01-02T03:04:05.678Z","level":"error","msg":"db \"down\"\n\u00e9","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","thread":"main"}"#,
    r#"{"ts":1700000000.5,"severity":50,"message":"x","nested":{"a":[1,2,{"b":null}]},"ok":true}"#,
    r#"{"@timestamp":"2024-01-02T03:04:05+02:00","log.level":"WARN","message":"w","service":{"name":"api"}}"#,
    "ts=2024-01-02T03:04:05Z level=info msg=\"hello world\" trace_id=abc duration_ms=12 empty= k=\"esc \\\" q\"",
    "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut=\"3\"] 'su root' failed",
    "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    "<13>Feb  5 17:32:18 10.0.0.99 myapp[1234]: Use the BFG!",
    "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo failed",
    "2024-01-02T03:04:05.678+00:00 web1 app[1]: ready",
    r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08""#,
    r#"example.com:80 10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "POST /api?q=1 HTTP/1.1" 502 - "-" "curl/8""#,
    "I1025 14:32:52.123456   12345 server.go:123] Listening on :8080",
    "E0102 03:04:05.000001 1 main.go:9] failed: connection refused",
    "[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico",
    "[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 35708:tid 4328636416] [client 1.2.3.4:5] AH00037",
    "2015-07-29 17:41:44,747 - INFO  [main:QuorumPeer@1] - up",
    "2024-01-02 03:04:05.678 UTC [1] LOG:  database system is ready",
    "2023-10-06T00:17:09.669794202Z stdout F up",
    "10-30 16:49:06.123  1234  5678 E ActivityManager: ANR in com.example",
    "12:34:56.789 [main] DEBUG com.example.App - started",
    "java.lang.IllegalStateException: boom",
    "\tat com.example.App.main(App.java:10)",
    "Caused by: java.io.IOException: reset",
];

const OTLP: &[&str] = &[
    r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeLogs":[{"scope":{"name":"s","version":"1"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment failed"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","attributes":[{"key":"http.status","value":{"intValue":"502"}}]},{"observedTimeUnixNano":"1700000000100000000","severityNumber":9,"body":{"kvlistValue":{"values":[{"key":"a","value":{"boolValue":true}}]}}}]}]}]}"#,
    r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]},{"resource":{},"scopeLogs":[]}]}"#,
];

const PATTERNS: &[&str] = &[
    r"^(?P<timestamp>\S+ \S+) \| (?P<level>\w+) \| (?P<thread>\S+) \| (?P<message>.*)$",
    r"^(?P<timestamp>\S+) (?P<level>\w+)? ?(?P<message>.*)$",
    r"^\[(?P<timestamp>[^\]]+)\] (?P<service>\w+)\[(?P<pid>\d+)\] trace=(?P<trace>\w+) span=(?P<span>\w+) (?P<message>.*)",
    r"(?P<message>.*)",
    r"^(?P<msg>.*)$",
    r"(?P<message>",
];

const QUERIES: &[&str] = &[
    r#"level>=error service:checkout "connection reset" -healthcheck duration_ms>500"#,
    r#"timeout OR refused OR "reset by peer" NOT debug /conn(ection)?/i last:1h status in (500, 503) level=warn,error user.id exists -region:eu"#,
    "http://example.com/x Exception: -5",
    "after:2024-01-15T08:00:00Z before:-10m trace:abc span:def thread:worker-1 request:r1",
    "level<warn",
    "a OR",
    "\"unterminated",
    r#"{"q":"level>=warn","text":["pool"],"where":["status>=500"],"last":"30m","relativeTo":"end","files":"fixture.log"}"#,
    r#"{"regex":"(?i)exhausted","minLevel":"error","after":"1705305600","service":["payments","auth"]}"#,
];

const TIMES: &[&str] = &[
    "2024-01-02T03:04:05Z",
    "2024-01-02 03:04:05,678",
    "2024/01/02T03:04:05.123456789+05:30",
    "17/06/09 20:10:40",
    "10/30/2023 4:49:06 PM",
    "30.10.2023 16:49:06",
    "081109 203615",
    "20240102T030405Z",
    "Jun 14 15:16:01",
    "Jun  4 2023 15:16:01",
    "Sun Dec 04 04:47:44 2005",
    "Tue Jan  2 03:04:05 UTC 2024",
    "30/Oct/2023:16:49:06 +0000",
    "02-Jan-2006 15:04:05",
    "Mon, 02 Jan 2006 15:04:05 GMT",
    "10.30 16:49:06",
    "01-02 03:04:05.678",
    "1700000000.123",
    "1700000000123",
    "1700000000123456789",
    "12:34:56.789",
    "-1h30m",
    "7d",
    "9999-12-31T23:59:59.999999999Z",
    "1677-09-21T00:12:43.145224192Z",
];

/// Cuts `data` into seeds of `LINES_PER_SEED` lines, at most `n`, spread evenly.
fn slices(data: &[u8], n: usize, out: &mut Vec<Vec<u8>>) {
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let groups = lines.len().div_ceil(LINES_PER_SEED);
    let step = groups.div_ceil(n.max(1)).max(1);
    for g in (0..groups).step_by(step) {
        let chunk = &lines[g * LINES_PER_SEED..((g + 1) * LINES_PER_SEED).min(lines.len())];
        out.push(chunk.join(&b'\n'));
    }
}

/// Log slices: the corpus files under `dirs` (`*.log`), the generator, the hand-written lines.
fn logs(dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        for file in log_files(dir) {
            if let Ok(data) = std::fs::read(&file) {
                slices(&data, SEEDS_PER_FILE, &mut out);
            }
        }
    }
    for format in [GenFormat::Json, GenFormat::Text, GenFormat::Logfmt] {
        let opts = GenerateOptions { entries: 120, format, ..Default::default() };
        if let Ok((data, _)) = generate_to_vec(&opts) {
            slices(&data, 20, &mut out);
        }
    }
    for l in LINES.iter().chain(OTLP) {
        out.push(l.as_bytes().to_vec());
    }
    out.push(LINES.join("\n").into_bytes());
    out
}

/// `*.log` files in `dir` and its subdirectories (sorted, so seeds are reproducible).
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .max_depth(3)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The seeds of a target.
pub fn seeds(target: Target, dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let strings = |list: &[&str]| list.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
    match target {
        Target::Custom => {
            let logs = logs(dirs);
            let mut out = Vec::new();
            for (i, p) in PATTERNS.iter().enumerate() {
                for l in logs.iter().skip(i).step_by(PATTERNS.len() * 4) {
                    let mut s = p.as_bytes().to_vec();
                    s.push(b'\n');
                    s.extend_from_slice(l);
                    out.push(s);
                }
            }
            out.push(b"^(?P<timestamp>\\S+ \\S+) \\| (?P<level>\\w+) \\| (?P<thread>\\S+) \\| (?P<message>.*)$\n2024-01-02 03:04:05 | INFO | main | up\n2024-01-02 03:04:06 | WARN | w-1 | slow".to_vec());
            out
        }
        Target::Query => strings(QUERIES),
        Target::Time => {
            let mut out = strings(TIMES);
            out.push(TIMES.join("\n").into_bytes());
            out
        }
        Target::Otlp => {
            let mut out = strings(OTLP);
            out.extend(logs(dirs).into_iter().filter(|l| l.first() == Some(&b'{')).take(40));
            out
        }
        Target::SelfPanic | Target::SelfHang | Target::SelfAbort => vec![b"x".to_vec()],
        _ => logs(dirs),
    }
}
