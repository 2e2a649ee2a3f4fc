//! The deterministic log generator: realistic multi-service logs (JSON lines, a log4j-like
//! text layout, or logfmt) for tests, demos and benchmarks.
//!
//! Same options → byte-identical output on every machine: the PRNG is our own (`rng.rs`),
//! output is cut into fixed-size blocks each seeded from (seed, block number) only, and the
//! blocks are generated in parallel and written in order, so the thread count never matters.
//! It streams: memory stays at a few blocks whatever the entry count.
//!
//! The data has a known shape and a known story, returned as ground truth in
//! [`GenerateSummary`]: requests enter at `gateway` and fan out along a call graph (one trace
//! per request, spans nesting with parent span ids, threads `worker-N.task-x.sub-K`), levels
//! follow a fixed mix, and at 60% of the timeline `payments` starts failing with
//! "database connection pool exhausted" while its callers log timeouts and 5xx responses for
//! the same request ids. From entry 127,488 on, one block in 64 also carries a batch job
//! (`batch.rs`): a root span with 1,000 child spans in one request, the wide tree that
//! `hierarchy` is measured on.

mod batch;
mod block;
mod layout;
mod request;
pub(crate) mod rng;
mod templates;
mod topology;
mod write;

use crate::error::{Code, Error, Result};
use crate::indexer::Control;
use crate::time;
use block::{BlockOut, Plan, SAMPLE_IDS};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::atomic::Ordering;

pub use batch::{BATCH_EVERY, BATCH_PARTS};
pub use templates::ROOT_CAUSE_MESSAGE;
pub use topology::MAX_SERVICES;

/// Output layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenFormat {
    /// One JSON object per line.
    Json,
    /// log4j's `%d %-5p [%t] %c - %m` with the ids first in the message:
    /// `2024-01-15 08:00:00,123 INFO  [worker-1.task-a] checkout - req=... trace=... span=... msg`
    Text,
    /// `time=... level=info service=... msg="..." duration_ms=12 status=200`
    Logfmt,
}

impl GenFormat {
    pub fn name(self) -> &'static str {
        match self {
            GenFormat::Json => "json",
            GenFormat::Text => "text",
            GenFormat::Logfmt => "logfmt",
        }
    }

    pub fn from_name(s: &str) -> Result<GenFormat> {
        Ok(match s {
            "json" => GenFormat::Json,
            "text" => GenFormat::Text,
            "logfmt" => GenFormat::Logfmt,
            _ => {
                return Err(Error::new(
                    Code::InvalidOption,
                    format!("unknown generator format '{s}' (known: json, text, logfmt)"),
                )
                .at("format"))
            }
        })
    }
}

/// 2024-01-15T08:00:00Z: a fixed default so that output does not depend on the clock.
pub const DEFAULT_START_NS: i64 = 1_705_305_600 * time::NS_PER_SEC;
/// Entries per block (the unit of parallel generation; request traffic and batch jobs both
/// live inside one). Part of the output's definition: changing it changes every file.
pub const BLOCK: u64 = 4096;
/// Block numbers must fit the id derivation (24 bits): about 68 billion entries.
pub const MAX_ENTRIES: u64 = BLOCK << 24;
/// `generate_to_vec` (and the JS `generate()` that returns a string) is for small outputs.
pub const MAX_IN_MEMORY_ENTRIES: u64 = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct GenerateOptions {
    pub seed: u64,
    pub entries: u64,
    pub format: GenFormat,
    /// Number of services (1..=64); the first five are gateway, checkout, payments,
    /// inventory, auth.
    pub services: u32,
    /// Share of ERROR records (0..=0.7); DEBUG 10% and WARN 20% are fixed, INFO is the rest.
    pub error_rate: f64,
    /// Timestamp of the first record, UTC nanoseconds.
    pub start_ns: i64,
    /// Inject the payments outage (and its precursor warnings).
    pub incidents: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 42,
            entries: 1000,
            format: GenFormat::Json,
            services: 5,
            error_rate: 0.10,
            start_ns: DEFAULT_START_NS,
            incidents: true,
        }
    }
}

/// The options as JSON from `@logsift/api` (camelCase; unknown keys are an error).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OptionsJson {
    seed: Option<u64>,
    entries: u64,
    format: Option<String>,
    services: Option<u32>,
    error_rate: Option<f64>,
    incidents: Option<bool>,
    /// RFC 3339 time of the first record.
    start: Option<String>,
}

impl GenerateOptions {
    pub fn from_json(json: &str) -> Result<GenerateOptions> {
        let j: OptionsJson = crate::session::args("generate", json)?;
        let mut o = GenerateOptions { entries: j.entries, ..Default::default() };
        if let Some(seed) = j.seed {
            o.seed = seed;
        }
        if let Some(f) = j.format {
            o.format = GenFormat::from_name(&f)?;
        }
        if let Some(s) = j.services {
            o.services = s;
        }
        if let Some(e) = j.error_rate {
            o.error_rate = e;
        }
        if let Some(i) = j.incidents {
            o.incidents = i;
        }
        if let Some(s) = j.start {
            o.start_ns = time::parse_any(&s, time::Tz::Fixed(0)).ok_or_else(|| {
                Error::new(Code::InvalidTime, format!("invalid start time '{s}': use RFC 3339")).at("start")
            })?;
        }
        o.validate()?;
        Ok(o)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, msg: String| Err(Error::new(Code::InvalidOption, msg).at(what));
        if !(1..=MAX_SERVICES).contains(&self.services) {
            return bad("services", format!("services must be 1..={MAX_SERVICES}, got {}", self.services));
        }
        if !(0.0..=0.7).contains(&self.error_rate) {
            return bad("errorRate", format!("errorRate must be between 0 and 0.7, got {}", self.error_rate));
        }
        if self.entries > MAX_ENTRIES {
            return bad("entries", format!("entries must be at most {MAX_ENTRIES}, got {}", self.entries));
        }
        // Four-digit years, with room for the run's duration.
        if !(0..=DEFAULT_START_NS * 4).contains(&self.start_ns) {
            return bad("start", "start must be between 1970 and 2200".into());
        }
        Ok(())
    }
}

/// Records per level.
#[derive(Serialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub struct LevelCounts {
    pub debug: u64,
    pub info: u64,
    pub warn: u64,
    pub error: u64,
}

/// Ground truth about the injected incident.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    pub root_cause_service: String,
    pub root_cause_message: String,
    /// The services that fail because of it, nearest first.
    pub upstream_services: Vec<String>,
    /// Earliest timestamp of a root-cause record (UTC ns) and the same as RFC 3339.
    pub first_ns: i64,
    pub first_time: String,
    /// 0-based entry number and 1-based line of the first root-cause record in the output.
    pub first_entry: u64,
    pub first_line: u64,
    /// Requests that failed at the root cause (one root-cause record each).
    pub failed_requests: u64,
    /// The first few of those requests' ids.
    pub request_ids: Vec<String>,
}

/// Ground truth about one batch job (see `batch.rs`): a root span and its parts, the widest
/// trees of the data, for `hierarchy` at scale.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BatchJob {
    /// Thread of the root span (`batch-1`); its parts run on `batch-1.part-0001`, ...
    pub thread: String,
    pub service: String,
    pub request_id: String,
    pub trace_id: String,
    /// The root span; every part names it as its parent span.
    pub span_id: String,
    /// Parts written (child spans of the root, one record each).
    pub parts: u64,
    /// Parts logged at ERROR.
    pub failed_parts: u64,
    /// Records written (root start and end plus the parts).
    pub entries: u64,
    /// Whether the root's closing record was written (the output may end inside a job).
    pub complete: bool,
    /// 0-based entry number and 1-based line of the job's first record.
    pub first_entry: u64,
    pub first_line: u64,
}

/// What was generated.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GenerateSummary {
    pub seed: u64,
    pub format: &'static str,
    pub entries: u64,
    /// Lines written (entries plus stack-trace continuation lines).
    pub lines: u64,
    pub bytes: u64,
    pub levels: LevelCounts,
    /// `None` when incidents are off or the output is too short to reach one.
    pub incident: Option<Incident>,
    /// Batch jobs, in output order (the first starts at entry 127,488; none in shorter runs).
    pub batches: Vec<BatchJob>,
}

/// Folds block results into the summary, in block order.
struct Totals {
    entries: u64,
    lines: u64,
    bytes: u64,
    levels: [u64; 4],
    root_count: u64,
    first: Option<(u64, u64)>,
    min_ts: Option<i64>,
    ids: Vec<u64>,
    batches: Vec<BatchJob>,
}

impl Totals {
    fn add(&mut self, o: &BlockOut, plan: &Plan) {
        if let Some(b) = &o.batch {
            let svc = batch::batch_service(plan.topo.services.len());
            self.batches.push(BatchJob {
                thread: format!("batch-{}", b.number),
                service: plan.topo.services[svc].name.clone(),
                request_id: format!("req-{:012x}", b.rid),
                trace_id: format!("{:016x}{:016x}", b.trace.0, b.trace.1),
                span_id: format!("{:016x}", b.root_span),
                parts: b.parts,
                failed_parts: b.failed_parts,
                entries: b.records,
                complete: b.records == batch::BATCH_PARTS + 2,
                first_entry: self.entries + b.first.0,
                first_line: self.lines + b.first.1 + 1,
            });
        }
        let r = &o.root;
        if let (None, Some((e, l))) = (self.first, r.first) {
            self.first = Some((self.entries + e, self.lines + l));
        }
        if let Some(ts) = r.min_ts {
            self.min_ts = Some(self.min_ts.map_or(ts, |m| m.min(ts)));
        }
        for &id in &r.request_ids {
            if self.ids.len() < SAMPLE_IDS {
                self.ids.push(id);
            }
        }
        self.root_count += r.count;
        self.entries += o.entries;
        self.lines += o.lines;
        self.bytes += o.buf.len() as u64;
        for (a, b) in self.levels.iter_mut().zip(o.levels) {
            *a += b;
        }
    }

    fn summary(self, plan: &Plan) -> GenerateSummary {
        let topo = &plan.topo;
        let incident = match (self.first, self.min_ts) {
            (Some((first_entry, first_line)), Some(first_ns)) if self.root_count > 0 => {
                let root = topo.root_cause();
                let mut upstream = Vec::new();
                let mut at = topo.services[root].parent;
                while let Some(p) = at {
                    upstream.push(topo.services[p].name.clone());
                    at = topo.services[p].parent;
                }
                Some(Incident {
                    root_cause_service: topo.services[root].name.clone(),
                    root_cause_message: ROOT_CAUSE_MESSAGE.to_string(),
                    upstream_services: upstream,
                    first_ns,
                    first_time: time::format_ns(first_ns),
                    first_entry,
                    first_line: first_line + 1,
                    failed_requests: self.root_count,
                    request_ids: self.ids.iter().map(|&id| format!("req-{id:012x}")).collect(),
                })
            }
            _ => None,
        };
        let [debug, info, warn, error] = self.levels;
        GenerateSummary {
            seed: plan.opts.seed,
            format: plan.opts.format.name(),
            entries: self.entries,
            lines: self.lines,
            bytes: self.bytes,
            levels: LevelCounts { debug, info, warn, error },
            incident,
            batches: self.batches,
        }
    }
}

/// Generates the logs into `w`, streaming.
pub fn generate<W: Write>(opts: &GenerateOptions, w: &mut W) -> Result<GenerateSummary> {
    generate_with(opts, w, &Control::default())
}

/// `generate` with cancellation and progress (`done`/`total` count entries).
pub fn generate_with<W: Write>(opts: &GenerateOptions, w: &mut W, ctl: &Control) -> Result<GenerateSummary> {
    opts.validate()?;
    let plan = Plan::new(opts);
    let blocks = plan.blocks();
    ctl.total.store(opts.entries, Ordering::Relaxed);
    // Blocks per round: enough to keep every thread busy, few enough to bound memory
    // (a block of JSON is about 1 MB). The round size never changes the output.
    let round = (rayon::current_num_threads() as u64 * 2).clamp(1, 64);
    let mut outs: Vec<BlockOut> = (0..round.min(blocks)).map(|_| BlockOut::default()).collect();
    let mut totals = Totals {
        entries: 0,
        lines: 0,
        bytes: 0,
        levels: [0; 4],
        root_count: 0,
        first: None,
        min_ts: None,
        ids: Vec::new(),
        batches: Vec::new(),
    };
    let io = |e: std::io::Error| Error::new(Code::Io, format!("cannot write generated logs: {e}"));
    let mut next = 0;
    while next < blocks {
        if ctl.cancel.load(Ordering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "generate was cancelled"));
        }
        let n = round.min(blocks - next) as usize;
        outs[..n].par_iter_mut().enumerate().for_each(|(i, o)| block::run(&plan, next + i as u64, o));
        for o in &outs[..n] {
            w.write_all(&o.buf).map_err(io)?;
            totals.add(o, &plan);
        }
        ctl.done.store(totals.entries, Ordering::Relaxed);
        next += n as u64;
    }
    w.flush().map_err(io)?;
    Ok(totals.summary(&plan))
}

/// Generates into memory (small outputs: at most `MAX_IN_MEMORY_ENTRIES` entries).
pub fn generate_to_vec(opts: &GenerateOptions) -> Result<(Vec<u8>, GenerateSummary)> {
    if opts.entries > MAX_IN_MEMORY_ENTRIES {
        return Err(Error::new(
            Code::InvalidOption,
            format!(
                "{} entries is too many to return in memory (at most {MAX_IN_MEMORY_ENTRIES}); write them to a file",
                opts.entries
            ),
        )
        .at("entries"));
    }
    let mut v = Vec::with_capacity(opts.entries as usize * 300);
    let summary = generate(opts, &mut v)?;
    Ok((v, summary))
}

/// Generates into a file (created or truncated). On failure or cancellation the partial
/// file is removed, so a file that exists is always complete.
pub fn generate_to_file(opts: &GenerateOptions, path: &str, ctl: &Control) -> Result<GenerateSummary> {
    opts.validate()?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, &e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    // No fsync: the data is reproducible, and waiting for the disk would dominate the time.
    let result = generate_with(opts, &mut w, ctl).and_then(|s| match w.into_inner() {
        Ok(_) => Ok(s),
        Err(e) => Err(Error::io(path, e.error())),
    });
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result.map_err(|e| if e.location.is_none() { e.at(path) } else { e })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_2024_01_15_0800z() {
        assert_eq!(time::format_ns(DEFAULT_START_NS), "2024-01-15T08:00:00.000Z");
    }

    #[test]
    fn options_from_json() {
        let o = GenerateOptions::from_json(r#"{"entries":10,"format":"logfmt","errorRate":0.2,"seed":7}"#).unwrap();
        assert_eq!((o.entries, o.format, o.error_rate, o.seed, o.services), (10, GenFormat::Logfmt, 0.2, 7, 5));
        let o = GenerateOptions::from_json(r#"{"entries":1,"start":"2025-03-01T00:00:00Z"}"#).unwrap();
        assert_eq!(time::format_ns(o.start_ns), "2025-03-01T00:00:00.000Z");
        for bad in [
            r#"{"entries":10,"colour":true}"#,
            r#"{"format":"json"}"#,
            r#"{"entries":10,"format":"xml"}"#,
            r#"{"entries":10,"services":0}"#,
            r#"{"entries":10,"errorRate":0.9}"#,
            r#"{"entries":-1}"#,
        ] {
            assert_eq!(GenerateOptions::from_json(bad).unwrap_err().code, Code::InvalidOption, "{bad}");
        }
        assert_eq!(GenerateOptions::from_json(r#"{"entries":1,"start":"soon"}"#).unwrap_err().code, Code::InvalidTime);
    }
}
