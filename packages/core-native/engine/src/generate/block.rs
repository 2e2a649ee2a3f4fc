//! One block of output: a fixed number of consecutive entries generated from a seed derived
//! from (run seed, block number) alone. Blocks are independent, so they can be generated on
//! any number of threads and concatenated in order: the output never depends on threading.
//!
//! Within a block a handful of requests are in flight at once and their records interleave,
//! as they do in a real service log. Requests still in flight at the end of a block are cut
//! off there, like a log file that ends mid-traffic.

use super::batch::{batch_of, batch_service, Batch, BatchStats};
use super::layout::{header, trailer, Ids};
use super::request::{Fail, IdSource, Phase, PlanCtx, RecKind, Request, Shape};
use super::rng::{mix, Prob, Rng};
use super::templates::{self as t, Lvl};
use super::topology::Topology;
use super::write::Clock;
use super::{GenerateOptions, BLOCK};

/// Requests in flight at once.
const ACTIVE: u64 = 6;
/// Mean gap between consecutive records.
const MEAN_GAP_NS: u64 = 2_000_000;
/// Most request ids kept as a sample of the incident's failed requests.
pub const SAMPLE_IDS: usize = 10;

/// Everything that is fixed for a run.
pub struct Plan {
    pub opts: GenerateOptions,
    pub topo: Topology,
    shape: Shape,
    /// Cumulative level thresholds: debug, then error, then warn; the rest is info.
    level_cuts: [u64; 3],
    trace_error: Prob,
    trace_root: Prob,
    /// Entry ranges of the precursor and the incident.
    precursor: (u64, u64),
    incident: (u64, u64),
}

impl Plan {
    pub fn new(opts: &GenerateOptions) -> Plan {
        let e = opts.error_rate;
        let at = |pct: u64| (opts.entries as u128 * pct as u128 / 100) as u64;
        Plan {
            opts: opts.clone(),
            topo: Topology::new(opts.services as usize),
            shape: Shape::default(),
            level_cuts: [Prob::new(0.10).0, Prob::new(0.10 + e).0, Prob::new(0.30 + e).0],
            trace_error: Prob::new(0.01),
            trace_root: Prob::new(0.05),
            precursor: (at(55), at(60)),
            incident: (at(60), at(68)),
        }
    }

    pub fn blocks(&self) -> u64 {
        self.opts.entries.div_ceil(BLOCK)
    }

    fn phase(&self, entry: u64) -> Phase {
        if !self.opts.incidents {
            Phase::Normal
        } else if (self.incident.0..self.incident.1).contains(&entry) {
            Phase::Incident
        } else if (self.precursor.0..self.precursor.1).contains(&entry) {
            Phase::Precursor
        } else {
            Phase::Normal
        }
    }

    #[inline]
    fn draw_level(&self, rng: &mut Rng) -> Lvl {
        let u = rng.next_u64();
        if u < self.level_cuts[0] {
            Lvl::Debug
        } else if u < self.level_cuts[1] {
            Lvl::Error
        } else if u < self.level_cuts[2] {
            Lvl::Warn
        } else {
            Lvl::Info
        }
    }
}

/// Root-cause records seen in one block.
#[derive(Default, Debug)]
pub struct RootStats {
    pub count: u64,
    /// Block-local (entry, 0-based line) of the first one.
    pub first: Option<(u64, u64)>,
    pub min_ts: Option<i64>,
    pub request_ids: Vec<u64>,
}

/// A generated block; buffers are reused from block to block.
#[derive(Default)]
pub struct BlockOut {
    pub buf: Vec<u8>,
    pub entries: u64,
    pub lines: u64,
    pub levels: [u64; 4],
    pub root: RootStats,
    /// The batch job this block wrote, if any.
    pub batch: Option<BatchStats>,
}

impl BlockOut {
    fn reset(&mut self) {
        self.buf.clear();
        self.entries = 0;
        self.lines = 0;
        self.levels = [0; 4];
        self.root = RootStats::default();
        self.batch = None;
    }
}

/// Generates block number `block` into `out`.
pub fn run(plan: &Plan, block: u64, out: &mut BlockOut) {
    out.reset();
    let first = block * BLOCK;
    let count = BLOCK.min(plan.opts.entries.saturating_sub(first));
    let seed = plan.opts.seed;
    let mut rng = Rng::new(mix(seed) ^ mix(block.wrapping_add(0xD1B5_4A32_D192_ED03)));
    let mut ids = IdSource::new(seed, block);
    let ctx = PlanCtx {
        topo: &plan.topo,
        shape: &plan.shape,
        root_cause: plan.topo.root_cause(),
        incidents: plan.opts.incidents,
    };
    let mut reqs: [Request; ACTIVE as usize] = Default::default();
    let mut clock_ns = plan.opts.start_ns.saturating_add((first * MEAN_GAP_NS) as i64);
    let mut clock = Clock::default();
    out.buf.reserve(count as usize * 280);
    let mut batch = batch_of(block).map(|n| {
        let ids3 = ids.request();
        Batch::new(seed, block, n, ids3, ids.span())
    });
    let batch_svc = plan.topo.services[batch_service(plan.topo.services.len())].name.as_bytes();
    for local in 0..count {
        if let Some(job) = batch.as_mut().filter(|j| j.owns(local)) {
            clock_ns += rng.below(2 * MEAN_GAP_NS) as i64;
            let jittered = clock_ns + rng.below(1_000_000) as i64 - 500_000;
            let ts = jittered.div_euclid(1_000_000) * 1_000_000;
            let line = out.lines;
            let lvl = job.emit(
                &mut out.buf,
                plan.opts.format,
                &mut clock,
                ts,
                batch_svc,
                || ids.span(),
                |r| plan.draw_level(r),
                line,
                local,
            );
            out.lines += 1;
            out.levels[lvl as usize] += 1;
            continue;
        }
        let req = &mut reqs[rng.below(ACTIVE) as usize];
        if req.done() {
            req.plan(&ctx, &mut rng, &mut ids, plan.phase(first + local));
        }
        clock_ns += rng.below(2 * MEAN_GAP_NS) as i64;
        // Jitter of ±0.5 ms, then whole milliseconds: timestamps are monotonic-ish, like a
        // log merged from several hosts, and what is written is exactly what is reported.
        let jittered = clock_ns + rng.below(1_000_000) as i64 - 500_000;
        let ts = jittered.div_euclid(1_000_000) * 1_000_000;
        emit(plan, &ctx, &mut rng, &mut clock, req, ts, local, out);
    }
    out.entries = count;
    out.batch = batch.map(|j| j.stats).filter(|s| s.records > 0);
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn emit(
    plan: &Plan,
    ctx: &PlanCtx,
    rng: &mut Rng,
    clock: &mut Clock,
    req: &mut Request,
    ts: i64,
    local: u64,
    out: &mut BlockOut,
) {
    let rec = req.recs[req.next];
    req.next += 1;
    let si = rec.span as usize;
    if rec.kind == RecKind::Start {
        req.spans[si].start_ts = ts;
    }
    let s = req.spans[si];
    let topo = &plan.topo;
    let svc = &topo.services[s.service as usize];
    let lvl = match rec.kind {
        RecKind::RootCause | RecKind::Upstream => Lvl::Error,
        RecKind::PoolWarn => Lvl::Warn,
        RecKind::End if s.fail != Fail::None => Lvl::Error,
        _ => plan.draw_level(rng),
    };
    let fmt = plan.opts.format;
    let b = &mut out.buf;

    header(
        b,
        fmt,
        clock,
        ts,
        lvl,
        svc.name.as_bytes(),
        &Ids { thread: s.thread(), rid: req.rid, trace: (req.trace_hi, req.trace_lo), span: s.id, parent: s.parent },
    );

    // Message.
    let mut fields = None;
    match rec.kind {
        RecKind::Start => t::start(b, rng, lvl, &s, topo),
        RecKind::Event => t::event(b, rng, lvl, &s, topo),
        RecKind::End => {
            let dur = ((ts - s.start_ts) / 1_000_000).max(1) as u64;
            let status = match s.fail {
                Fail::None => t::end(b, rng, lvl, &s, dur),
                fail => {
                    let status = match fail {
                        Fail::Root => 503,
                        _ if s.parent == 0 => 502,
                        _ => 500,
                    };
                    t::end_failed(b, &s, dur, status);
                    status
                }
            };
            fields = Some((dur, status));
        }
        RecKind::RootCause => t::root_cause(b, rng),
        RecKind::PoolWarn => t::pool_warn(b, rng),
        RecKind::Upstream => {
            let child = s.failed_child as usize;
            t::upstream(b, rng, &topo.services[child], child == ctx.root_cause);
        }
    }

    trailer(b, fmt, fields);

    let line = out.lines;
    out.lines += 1;
    out.levels[lvl as usize] += 1;
    let is_root = rec.kind == RecKind::RootCause;
    if lvl == Lvl::Error && rng.chance(if is_root { plan.trace_root } else { plan.trace_error }) {
        out.lines += t::stack_trace(b, rng, svc, is_root);
    }
    if is_root {
        let r = &mut out.root;
        r.count += 1;
        r.first.get_or_insert((local, line));
        r.min_ts = Some(r.min_ts.map_or(ts, |m| m.min(ts)));
        if r.request_ids.len() < SAMPLE_IDS {
            r.request_ids.push(req.rid);
        }
    }
}
