//! `fuzz`: the engine's stable-Rust fuzz driver.
//!
//! `cargo run --release -p logsift-engine --bin fuzz -- --minutes N [--target T[,T..]] [--seed S]`
//!
//! Each target runs in a child process (this binary with `--worker`) that publishes the
//! input it is running in a small shared file; the parent watches it, so an input that
//! hangs (no progress for `--timeout-ms`) or kills the process (abort, stack overflow) is
//! saved as a finding and the campaign goes on in a fresh child. Panics and broken
//! invariants are caught in the child. See packages/core-native/README.md.

use logsift_engine::fuzz::campaign::{self, Config, Monitor, Progress};
use logsift_engine::fuzz::{exec, Features, Target, Verdict};
use memmap2::MmapMut;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: fuzz [--minutes N | --seconds N] [--target T[,T...]] [--seed S] [--out DIR]
            [--timeout-ms N] [--seeds DIR]...
       fuzz --replay FILE... [--target T]
       fuzz --minimize FILE [--target T]   (writes FILE.min: a smaller input, same failure)
The time is shared evenly by the targets (default: all). Findings go to DIR/<target>/
(default ./fuzz-findings), a summary to DIR/summary.json.
Targets: detect json logfmt syslog access text glog otlp custom indexer query time";

struct Args {
    time: Duration,
    targets: Vec<Target>,
    seed: u64,
    out: PathBuf,
    timeout: Duration,
    seed_dirs: Vec<PathBuf>,
    replay: Vec<PathBuf>,
    minimize: bool,
    worker: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        time: Duration::from_secs(60),
        targets: Target::ALL.to_vec(),
        seed: 1,
        out: PathBuf::from("fuzz-findings"),
        timeout: Duration::from_secs(5),
        seed_dirs: Vec::new(),
        replay: Vec::new(),
        minimize: false,
        worker: None,
    };
    let mut it = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> Result<f64, String> {
        v.as_deref().and_then(|s| s.parse::<f64>().ok()).filter(|n| *n >= 0.0).ok_or(format!("{what} needs a number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--minutes" => a.time = Duration::from_secs_f64(num(it.next(), "--minutes")? * 60.0),
            "--seconds" => a.time = Duration::from_secs_f64(num(it.next(), "--seconds")?),
            "--seed" => a.seed = num(it.next(), "--seed")? as u64,
            "--timeout-ms" => a.timeout = Duration::from_millis(num(it.next(), "--timeout-ms")? as u64),
            "--out" => a.out = it.next().ok_or("--out needs a directory")?.into(),
            "--seeds" => a.seed_dirs.push(it.next().ok_or("--seeds needs a directory")?.into()),
            "--worker" => a.worker = Some(it.next().ok_or("--worker needs a state file")?.into()),
            "--target" => {
                let v = it.next().ok_or("--target needs a name")?;
                a.targets = v
                    .split(',')
                    .map(|n| Target::from_name(n.trim()).ok_or(format!("unknown target '{n}'")))
                    .collect::<Result<_, _>>()?;
            }
            "--replay" => {}
            "--minimize" => a.minimize = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => a.replay.push(s.into()),
        }
    }
    if a.seed_dirs.is_empty() {
        a.seed_dirs.push(logsift_engine::fuzz::seeds::default_corpus_dir());
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fuzz: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(state) = &args.worker {
        return worker(&args, state);
    }
    if args.minimize {
        return minimize(&args);
    }
    if !args.replay.is_empty() {
        return replay(&args);
    }
    supervise(&args)
}

// ---- The shared state file: a few counters and the input being run. ----

const SEQ: usize = 0;
const IN_EXEC: usize = 1;
const INPUT_LEN: usize = 2;
const EXECS: usize = 3;
const CORPUS: usize = 4;
const FEATURES: usize = 5;
const FAILURES: usize = 6;
const DISTINCT: usize = 7;
const HEADER: usize = 64;
const MAX_INPUT: usize = 1 << 20;

struct State {
    map: MmapMut,
}

impl State {
    fn create(path: &Path) -> std::io::Result<State> {
        let f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path)?;
        f.set_len((HEADER + MAX_INPUT) as u64)?;
        Self::open(path)
    }

    fn open(path: &Path) -> std::io::Result<State> {
        let f = OpenOptions::new().read(true).write(true).open(path)?;
        // SAFETY: the file is ours (created by the parent for this child), never truncated
        // while mapped; both processes access the header only through atomics.
        let map = unsafe { MmapMut::map_mut(&f)? };
        Ok(State { map })
    }

    fn slot(&self, i: usize) -> &AtomicU64 {
        // SAFETY: the map is page-aligned and HEADER bytes long at least, so slot `i` (< 8) is
        // an aligned u64 inside it, valid as long as `self`.
        unsafe { AtomicU64::from_ptr(self.map.as_ptr().add(i * 8) as *mut u64) }
    }

    fn get(&self, i: usize) -> u64 {
        self.slot(i).load(Ordering::Acquire)
    }

    fn set(&self, i: usize, v: u64) {
        self.slot(i).store(v, Ordering::Release)
    }

    fn input(&self) -> Vec<u8> {
        let len = (self.get(INPUT_LEN) as usize).min(MAX_INPUT);
        self.map[HEADER..HEADER + len].to_vec()
    }

    fn progress(&self) -> Progress {
        Progress {
            execs: self.get(EXECS),
            corpus: self.get(CORPUS) as usize,
            features: self.get(FEATURES) as usize,
            failures: self.get(FAILURES),
            distinct: self.get(DISTINCT) as usize,
        }
    }
}

impl Monitor for State {
    fn before(&mut self, input: &[u8]) {
        let len = input.len().min(MAX_INPUT);
        self.map[HEADER..HEADER + len].copy_from_slice(&input[..len]);
        self.set(INPUT_LEN, len as u64);
        self.set(SEQ, self.get(SEQ) + 1);
        self.set(IN_EXEC, 1);
    }
    fn after(&mut self) {
        self.set(IN_EXEC, 0);
    }
    fn progress(&mut self, p: &Progress) {
        self.set(EXECS, p.execs);
        self.set(CORPUS, p.corpus as u64);
        self.set(FEATURES, p.features as u64);
        self.set(FAILURES, p.failures);
        self.set(DISTINCT, p.distinct as u64);
    }
}

fn config(args: &Args, target: Target, seed: u64, time: Duration) -> Config {
    let mut cfg = Config::new(target, seed, time);
    cfg.out = Some(args.out.clone());
    cfg.slow = args.timeout;
    cfg.seed_dirs = args.seed_dirs.clone();
    cfg
}

fn worker(args: &Args, state: &Path) -> ExitCode {
    let mut st = match State::open(state) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fuzz worker: {}: {e}", state.display());
            return ExitCode::from(3);
        }
    };
    campaign::run(&config(args, args.targets[0], args.seed, args.time), &mut st);
    ExitCode::SUCCESS
}

// ---- The parent: one child per target (a new one after a crash or a hang). ----

#[derive(Default)]
struct Totals {
    execs: u64,
    corpus: usize,
    features: usize,
    failures: u64,
    distinct: usize,
    crashes: u64,
    hangs: u64,
    cpu: f64,
    wall: f64,
}

fn children_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(ru.ru_utime) + t(ru.ru_stime)
}

/// CPU time (user + system) a process has used, from `/proc/<pid>/stat`.
fn cpu_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold blanks, inside parentheses): utime and
    // stime are the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split(' ').skip(11);
    let ticks: u64 = f.next()?.parse::<u64>().ok()? + f.next()?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_millis(ticks * 1000 / hz))
}

fn supervise(args: &Args) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("fuzz: {}: {e}", args.out.display());
        return ExitCode::from(3);
    }
    let per_target = args.time / args.targets.len().max(1) as u32;
    eprintln!(
        "fuzz: {} target(s), {:.0} s each, seed {}, timeout {} ms, findings in {}",
        args.targets.len(),
        per_target.as_secs_f64(),
        args.seed,
        args.timeout.as_millis(),
        args.out.display()
    );
    let mut rows = Vec::new();
    for &t in &args.targets {
        match fuzz_target(args, t, per_target) {
            Ok(tot) => rows.push((t, tot)),
            Err(e) => {
                eprintln!("fuzz: {}: {e}", t.name());
                return ExitCode::from(3);
            }
        }
    }
    println!(
        "{:<10} {:>8} {:>10} {:>10} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6}",
        "target", "cpu-min", "execs", "exec/cpu-s", "corpus", "features", "failures", "distinct", "crash", "hang"
    );
    let mut json = Vec::new();
    for (t, r) in &rows {
        println!(
            "{:<10} {:>8.2} {:>10} {:>10.0} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6}",
            t.name(),
            r.cpu / 60.0,
            r.execs,
            r.execs as f64 / r.cpu.max(1e-9),
            r.corpus,
            r.features,
            r.failures,
            r.distinct,
            r.crashes,
            r.hangs
        );
        json.push(serde_json::json!({
            "target": t.name(), "cpuSeconds": r.cpu, "wallSeconds": r.wall, "execs": r.execs,
            "corpus": r.corpus, "features": r.features, "failures": r.failures, "distinctFailures": r.distinct,
            "crashes": r.crashes, "hangs": r.hangs, "seed": args.seed,
        }));
    }
    let summary = serde_json::to_string_pretty(&json).unwrap_or_default();
    if let Err(e) = std::fs::write(args.out.join("summary.json"), summary + "\n") {
        eprintln!("fuzz: summary.json: {e}");
    }
    let bad = rows.iter().any(|(_, r)| r.failures + r.crashes + r.hangs > 0);
    if bad {
        eprintln!("fuzz: findings saved under {}", args.out.display());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fuzz_target(args: &Args, target: Target, budget: Duration) -> std::io::Result<Totals> {
    let state_path = args.out.join(format!(".{}.state", target.name()));
    let stderr_path = args.out.join(format!(".{}.stderr", target.name()));
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let cpu0 = children_cpu_seconds();
    let mut tot = Totals::default();
    let mut restarts = 0u64;
    while start.elapsed() < budget {
        let st = State::create(&state_path)?;
        let left = budget.saturating_sub(start.elapsed());
        let mut child = Command::new(&exe)
            .arg("--worker")
            .arg(&state_path)
            .args(["--target", target.name(), "--seed", &(args.seed + restarts * 7919).to_string()])
            .args(["--seconds", &left.as_secs_f64().to_string()])
            .args(["--timeout-ms", &args.timeout.as_millis().to_string()])
            .arg("--out")
            .arg(&args.out)
            .args(args.seed_dirs.iter().flat_map(|d| [std::ffi::OsStr::new("--seeds"), d.as_os_str()]))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_path)?)
            .spawn()?;
        let (mut last_seq, mut since, mut last_print) = (u64::MAX, Instant::now(), Instant::now());
        let mut cpu_since = Duration::ZERO;
        // A hang is judged on the child's CPU time (a busy machine slows it down, which is no
        // hang); a child stuck without using CPU (a deadlock) is caught by wall time.
        let wall_limit = (args.timeout * 10).max(Duration::from_secs(60));
        let status = loop {
            std::thread::sleep(Duration::from_millis(50));
            if let Some(s) = child.try_wait()? {
                break Some(s);
            }
            let seq = st.get(SEQ);
            let cpu = cpu_of(child.id()).unwrap_or_default();
            if seq != last_seq || st.get(IN_EXEC) == 0 {
                (last_seq, since, cpu_since) = (seq, Instant::now(), cpu);
            } else if cpu.saturating_sub(cpu_since) >= args.timeout || since.elapsed() >= wall_limit {
                child.kill()?;
                child.wait()?;
                let input = st.input();
                let msg = format!(
                    "hang: one input ran {} ms of CPU ({} s wall) on a {}-byte input",
                    cpu.saturating_sub(cpu_since).as_millis(),
                    since.elapsed().as_secs(),
                    input.len()
                );
                let path = campaign::save(&args.out, target, "hang", &input, &msg)?;
                eprintln!("fuzz: {}: {msg}: {}", target.name(), path.display());
                tot.hangs += 1;
                break None;
            }
            if last_print.elapsed() >= Duration::from_secs(10) {
                let p = st.progress();
                eprintln!(
                    "fuzz: {} {:>5.0}s execs {} corpus {} features {} failures {}",
                    target.name(),
                    start.elapsed().as_secs_f64(),
                    tot.execs + p.execs,
                    p.corpus,
                    p.features,
                    tot.failures + p.failures
                );
                last_print = Instant::now();
            }
        };
        let p = st.progress();
        tot.execs += p.execs;
        tot.failures += p.failures;
        tot.distinct += p.distinct;
        tot.corpus = tot.corpus.max(p.corpus);
        tot.features = tot.features.max(p.features);
        if let Some(s) = status {
            if s.success() {
                break;
            }
            // The child died: the input it was running killed it.
            let input = st.input();
            let tail = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            let tail: String = tail.lines().rev().take(5).collect::<Vec<_>>().join("\n");
            let msg = format!("crash: worker exited with {s} on a {}-byte input\n{tail}", input.len());
            let path = campaign::save(&args.out, target, "crash", &input, &msg)?;
            eprintln!("fuzz: {}: {}: {}", target.name(), msg.lines().next().unwrap_or(""), path.display());
            tot.crashes += 1;
        }
        restarts += 1;
    }
    tot.cpu = children_cpu_seconds() - cpu0;
    tot.wall = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&state_path);
    Ok(tot)
}

// ---- Replay: run saved inputs once, in this process. ----

/// The target of a saved input: `--target`, else the name of its directory (as saved).
fn target_of(args: &Args, path: &Path) -> Target {
    let dir_target = path.parent().and_then(|d| d.file_name()).and_then(|n| Target::from_name(&n.to_string_lossy()));
    if args.targets.len() == 1 {
        args.targets[0]
    } else {
        dir_target.unwrap_or(args.targets[0])
    }
}

/// The failure's message without numbers (they change as the input shrinks).
fn failure_of(target: Target, data: &[u8]) -> Option<String> {
    match exec(target, data, &mut Features::default()) {
        Verdict::Ok => None,
        Verdict::Invariant(m) | Verdict::Panic(m) => Some(m.chars().filter(|c| !c.is_ascii_digit()).collect()),
    }
}

/// Shrinks a failing input: drops ever smaller ranges (whole lines first, then bytes) while
/// the same failure remains.
fn minimize(args: &Args) -> ExitCode {
    let Some(path) = args.replay.first() else {
        eprintln!("fuzz: --minimize needs a file");
        return ExitCode::from(2);
    };
    let target = target_of(args, path);
    let mut data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(3);
        }
    };
    let Some(want) = failure_of(target, &data) else {
        eprintln!("fuzz: {} does not fail on target {}", path.display(), target.name());
        return ExitCode::from(1);
    };
    let start = data.len();
    let mut step = data.len() / 2;
    while step > 0 {
        let mut i = 0;
        while i < data.len() {
            let mut cand = data.clone();
            cand.drain(i..(i + step).min(data.len()));
            if failure_of(target, &cand).as_ref() == Some(&want) {
                data = cand;
            } else {
                i += step;
            }
        }
        step /= 2;
    }
    let out = path.with_extension("min");
    if let Err(e) = std::fs::write(&out, &data) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(3);
    }
    println!("{} -> {} bytes: {} ({want})", start, data.len(), out.display());
    ExitCode::SUCCESS
}

fn replay(args: &Args) -> ExitCode {
    let mut failed = 0;
    for path in &args.replay {
        // The target is `--target`, else the name of the file's directory (as saved).
        let dir_target =
            path.parent().and_then(|d| d.file_name()).and_then(|n| Target::from_name(&n.to_string_lossy()));
        let target = if args.targets.len() == 1 { args.targets[0] } else { dir_target.unwrap_or(args.targets[0]) };
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        let t0 = Instant::now();
        let v = exec(target, &data, &mut Features::default());
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        match v {
            Verdict::Ok => println!("ok       {} [{}] {ms:.1} ms", path.display(), target.name()),
            Verdict::Invariant(m) | Verdict::Panic(m) => {
                failed += 1;
                println!("FAIL     {} [{}] {ms:.1} ms: {m}", path.display(), target.name());
            }
        }
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
