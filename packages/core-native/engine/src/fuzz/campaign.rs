//! The fuzz loop: run the seeds, then mutate corpus inputs until the time (or execution)
//! budget is spent, keeping each input that reaches an outcome not seen before, and saving
//! each input that breaks (a panic, a broken invariant, a slow execution).

use super::mutate::Mutator;
use super::{exec, hash, Features, Target, Verdict};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Config {
    pub target: Target,
    pub seed: u64,
    pub time: Duration,
    /// Stop after this many executions too (deterministic CI runs).
    pub max_execs: u64,
    /// Where findings are written (`<out>/<target>/`); none: kept in the report only.
    pub out: Option<PathBuf>,
    /// An execution using more CPU than this is a finding (the watching parent kills real
    /// hangs).
    pub slow: Duration,
    /// Directories of seed logs (`*.log`).
    pub seed_dirs: Vec<PathBuf>,
    /// Largest input the mutator makes.
    pub max_len: usize,
}

impl Config {
    pub fn new(target: Target, seed: u64, time: Duration) -> Config {
        Config {
            target,
            seed,
            time,
            max_execs: u64::MAX,
            out: None,
            slow: Duration::from_secs(2),
            seed_dirs: vec![super::seeds::default_corpus_dir()],
            max_len: 128 << 10,
        }
    }
}

/// One input that broke something.
#[derive(Debug, Clone)]
pub struct Finding {
    /// `panic`, `invariant` or `slow`.
    pub kind: &'static str,
    pub message: String,
    pub input: Vec<u8>,
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub execs: u64,
    pub corpus: usize,
    pub features: usize,
    /// All failing executions, and the distinct failures among them (by message).
    pub failures: u64,
    pub distinct: usize,
}

/// Watches a campaign: told of every input before it runs (so a parent process can save
/// the input that hung or killed the process) and of progress now and then.
pub trait Monitor {
    fn before(&mut self, _input: &[u8]) {}
    fn after(&mut self) {}
    fn progress(&mut self, _p: &Progress) {}
}

pub struct Quiet;
impl Monitor for Quiet {}

pub struct Report {
    pub progress: Progress,
    pub elapsed: Duration,
    /// The first few inputs of each distinct failure.
    pub findings: Vec<Finding>,
}

/// Inputs kept per distinct failure message (the rest are counted only).
const KEEP_PER_FAILURE: usize = 3;
/// The corpus stops growing here; newer inputs then replace random older ones.
const MAX_CORPUS: usize = 8192;

pub fn run(cfg: &Config, mon: &mut dyn Monitor) -> Report {
    let start = Instant::now();
    let mut m = Mutator::new(cfg.seed, cfg.max_len);
    let mut seen: HashSet<u64> = HashSet::new();
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut by_message: HashMap<String, usize> = HashMap::new();
    let mut p = Progress::default();
    let mut findings = Vec::new();
    let mut feats = Features::default();
    let mut last_report = Instant::now();
    let mut seeds = super::seeds::seeds(cfg.target, &cfg.seed_dirs).into_iter();
    loop {
        if p.execs >= cfg.max_execs || start.elapsed() >= cfg.time {
            break;
        }
        // Seeds first, then mutants of the corpus (spliced with another corpus input).
        let (input, is_seed) = match seeds.next() {
            Some(s) => (s, true),
            None if corpus.is_empty() => (Vec::new(), true),
            None => {
                let a = m.below(corpus.len());
                let b = m.below(corpus.len());
                (m.mutate(&corpus[a], &corpus[b]), false)
            }
        };
        feats.0.clear();
        mon.before(&input);
        let t0 = cpu_time();
        let mut verdict = exec(cfg.target, &input, &mut feats);
        let took = cpu_time().saturating_sub(t0);
        mon.after();
        p.execs += 1;
        if verdict.is_ok() && took > cfg.slow {
            verdict = Verdict::Invariant(format!("slow: {} ms of CPU for {} bytes", took.as_millis(), input.len()));
        }
        let kind = match &verdict {
            Verdict::Panic(_) => "panic",
            Verdict::Invariant(m) if m.starts_with("slow:") => "slow",
            _ => "invariant",
        };
        let new = feats.0.iter().fold(false, |new, &f| seen.insert(f) | new);
        match verdict {
            Verdict::Ok => {
                if new || is_seed {
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input);
                    } else {
                        let i = m.below(corpus.len());
                        corpus[i] = input;
                    }
                }
            }
            Verdict::Invariant(msg) | Verdict::Panic(msg) => {
                p.failures += 1;
                // One bug is one entry whatever the sizes and offsets in its message.
                let sig = signature(&msg);
                let n = by_message.entry(sig).or_insert(0);
                *n += 1;
                if *n <= KEEP_PER_FAILURE {
                    let path = cfg.out.as_deref().and_then(|d| save(d, cfg.target, kind, &input, &msg).ok());
                    findings.push(Finding { kind, message: msg, input, path });
                }
                p.distinct = by_message.len();
            }
        }
        if last_report.elapsed() >= Duration::from_millis(500) {
            p.corpus = corpus.len();
            p.features = seen.len();
            mon.progress(&p);
            last_report = Instant::now();
        }
    }
    p.corpus = corpus.len();
    p.features = seen.len();
    mon.progress(&p);
    Report { progress: p, elapsed: start.elapsed(), findings }
}

/// CPU time of this process (all threads: the indexer target builds in parallel). Slowness
/// is judged on CPU, not wall time, so that a campaign under `nice` on a busy machine does
/// not report the machine's load.
pub fn cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the struct it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec.max(0) as u64, ts.tv_nsec.clamp(0, 999_999_999) as u32)
}

/// The message without its numbers (sizes, offsets), keeping a panic's `at file:line`.
fn signature(msg: &str) -> String {
    let (text, at) = msg.rsplit_once(" at ").unwrap_or((msg, ""));
    let text: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    format!("{text} at {at}")
}

/// Writes a finding as `<dir>/<target>/<kind>-<hash>.bin` with the message beside it
/// (`.txt`); returns the input's path.
pub fn save(dir: &Path, target: Target, kind: &str, input: &[u8], message: &str) -> std::io::Result<PathBuf> {
    let d = dir.join(target.name());
    std::fs::create_dir_all(&d)?;
    let stem = format!("{kind}-{:016x}", hash(input));
    let path = d.join(format!("{stem}.bin"));
    std::fs::write(&path, input)?;
    std::fs::write(d.join(format!("{stem}.txt")), format!("target: {}\n{message}\n", target.name()))?;
    Ok(path)
}
