//! Fuzzing on stable Rust (no nightly, no libFuzzer): structure-aware mutation of log lines
//! (`mutate`), seeds from the loghub corpus and the generator (`seeds`), a coverage proxy
//! (the set of outcomes an input reaches: format, which columns a parse filled, error
//! codes), and a loop that keeps inputs reaching new outcomes (`campaign`). The `fuzz`
//! binary (`src/bin/fuzz.rs`) runs a campaign in a child process it watches, so a hang or a
//! stack overflow is caught too; `tests/fuzz.rs` replays the saved findings and runs a short
//! campaign per target in CI.

pub mod campaign;
pub mod mutate;
pub mod seeds;
mod targets;

use crate::format::FormatKind;
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// What can be fuzzed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Format detection on the input's lines, then every line parsed with the detected format.
    Detect,
    Json,
    Logfmt,
    /// RFC 3164 and RFC 5424.
    Syslog,
    Access,
    /// The learned text layout, and the Apache error layout.
    Text,
    Glog,
    /// The OTLP/JSON envelope reader.
    Otlp,
    /// The custom-regex validator (first line: the pattern) and the custom parser.
    Custom,
    /// Open bytes end to end: parallel build = serial build, entries inside the data.
    Indexer,
    /// The query-string parser (or a structured query), compiled and run.
    Query,
    /// Timestamp shapes, ISO/epoch readers, query time bounds and durations.
    Time,
    /// Checks of the driver itself: every input panics, hangs, or aborts the process.
    SelfPanic,
    SelfHang,
    SelfAbort,
}

const NAMES: [(Target, &str); 15] = [
    (Target::Detect, "detect"),
    (Target::Json, "json"),
    (Target::Logfmt, "logfmt"),
    (Target::Syslog, "syslog"),
    (Target::Access, "access"),
    (Target::Text, "text"),
    (Target::Glog, "glog"),
    (Target::Otlp, "otlp"),
    (Target::Custom, "custom"),
    (Target::Indexer, "indexer"),
    (Target::Query, "query"),
    (Target::Time, "time"),
    (Target::SelfPanic, "selftest-panic"),
    (Target::SelfHang, "selftest-hang"),
    (Target::SelfAbort, "selftest-abort"),
];

impl Target {
    /// The real targets (not the driver's self-checks).
    pub const ALL: [Target; 12] = [
        Target::Detect,
        Target::Json,
        Target::Logfmt,
        Target::Syslog,
        Target::Access,
        Target::Text,
        Target::Glog,
        Target::Otlp,
        Target::Custom,
        Target::Indexer,
        Target::Query,
        Target::Time,
    ];

    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(t, _)| *t == self).map_or("?", |(_, n)| n)
    }

    pub fn from_name(s: &str) -> Option<Target> {
        NAMES.iter().find(|(_, n)| *n == s).map(|(t, _)| *t)
    }
}

/// The outcomes one execution reached (hashes); the campaign keeps an input that adds one
/// it has not seen.
#[derive(Default)]
pub struct Features(pub Vec<u64>);

impl Features {
    pub fn add(&mut self, parts: &[u64]) {
        self.0.push(parts.iter().fold(0x243F_6A88_85A3_08D3, |h, &p| crate::generate::rng::mix(h ^ p)));
    }
}

/// FNV-1a: stable across runs and machines (file names of findings, per-input choices).
pub fn hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &c| (h ^ c as u64).wrapping_mul(0x100_0000_01b3))
}

/// The result of one execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// An invariant the target checks did not hold.
    Invariant(String),
    /// A panic, with its message and location.
    Panic(String),
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        *self == Verdict::Ok
    }
}

thread_local! {
    static IN_EXEC: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic hook that keeps the message of a panic raised inside `exec` (on its thread or a
/// rayon worker) quiet and recorded; any other panic is reported as before.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_EXEC.get() || rayon::current_thread_index().is_some() {
                let msg = payload_text(info.payload());
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                LAST_PANIC.set(Some(format!("{msg}{at}")));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    match (p.downcast_ref::<&str>(), p.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_string(),
        (_, Some(s)) => s.clone(),
        _ => "panic with a non-string payload".into(),
    }
}

/// Runs one input through a target, catching panics.
pub fn exec(target: Target, data: &[u8], feats: &mut Features) -> Verdict {
    install_hook();
    IN_EXEC.set(true);
    LAST_PANIC.set(None);
    let r = catch_unwind(AssertUnwindSafe(|| run(target, data, feats)));
    IN_EXEC.set(false);
    match r {
        Ok(Ok(())) => Verdict::Ok,
        Ok(Err(msg)) => Verdict::Invariant(msg),
        // A panic on a rayon worker is re-raised here with its payload; its location stayed
        // on the worker.
        Err(p) => Verdict::Panic(LAST_PANIC.take().unwrap_or_else(|| payload_text(p.as_ref()))),
    }
}

fn run(target: Target, data: &[u8], feats: &mut Features) -> std::result::Result<(), String> {
    use FormatKind::*;
    match target {
        Target::Detect => targets::detect(data, feats),
        Target::Json => targets::kinds(2, &[Json], data, feats),
        Target::Logfmt => targets::kinds(3, &[Logfmt], data, feats),
        Target::Syslog => targets::kinds(4, &[Syslog, Syslog5424], data, feats),
        Target::Access => targets::kinds(6, &[Access], data, feats),
        Target::Text => targets::text(data, feats),
        Target::Glog => targets::kinds(12, &[Glog], data, feats),
        Target::Otlp => targets::otlp(data, feats),
        Target::Custom => targets::custom(data, feats),
        Target::Indexer => targets::indexer(data, feats),
        Target::Query => targets::query(data, feats),
        Target::Time => targets::time(data, feats),
        Target::SelfPanic => panic!("self-test panic on {} bytes", data.len()),
        // Spins (a hang is judged on CPU time).
        Target::SelfHang => loop {
            std::hint::black_box(data.len());
        },
        Target::SelfAbort => std::process::abort(),
    }
}
