//! One simulated request: a trace whose spans follow the call graph, planned up front as the
//! ordered list of records it will log. Records of several requests are then interleaved.

use super::rng::{mix, Prob, Rng};
use super::topology::{Op, Topology};

/// A request never has more spans than this (keeps plans small and bounded).
pub const MAX_SPANS: usize = 10;
/// Nesting limit of the call tree (gateway → checkout → payments → ledger).
pub const MAX_DEPTH: u8 = 4;
const THREAD_CAP: usize = 40;

/// Where the request is on the incident timeline.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Normal,
    /// Shortly before the incident: the root-cause service warns about its pool.
    Precursor,
    /// During the incident: the root-cause service fails most calls.
    Incident,
}

/// A span's part in the incident.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fail {
    None,
    /// This span is where the failure starts.
    Root,
    /// A span below this one failed, so this one fails too.
    Upstream,
}

#[derive(Clone, Copy, Debug)]
pub struct SpanInfo {
    pub service: u16,
    pub id: u64,
    /// Parent span id; 0 for the root span.
    pub parent: u64,
    pub thread: [u8; THREAD_CAP],
    pub thread_len: u8,
    pub op: Op,
    pub path_id: u64,
    /// Timestamp of the span's first record (set when it is written).
    pub start_ts: i64,
    pub fail: Fail,
    /// The failing child service, for `Fail::Upstream`.
    pub failed_child: u16,
}

impl SpanInfo {
    pub fn thread(&self) -> &[u8] {
        &self.thread[..self.thread_len as usize]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RecKind {
    Start,
    Event,
    End,
    /// The root-cause error ("database connection pool exhausted").
    RootCause,
    /// An upstream span reporting its failed call.
    Upstream,
    /// Precursor warning in the root-cause service.
    PoolWarn,
}

#[derive(Clone, Copy, Debug)]
pub struct Rec {
    pub span: u8,
    pub kind: RecKind,
}

/// Probabilities that shape a request.
pub struct Shape {
    pub child: Prob,
    pub event_before: Prob,
    pub event_after: Prob,
    pub fail: Prob,
    pub pool_warn: Prob,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            child: Prob::new(0.6),
            event_before: Prob::new(0.5),
            event_after: Prob::new(0.5),
            fail: Prob::new(0.8),
            pool_warn: Prob::new(0.3),
        }
    }
}

/// Everything planning needs that does not change during a block.
pub struct PlanCtx<'a> {
    pub topo: &'a Topology,
    pub shape: &'a Shape,
    pub root_cause: usize,
    pub incidents: bool,
}

/// Derives unique ids from ordinals: request and span ordinals are unique per run (block
/// number in the high bits), and the derivations below are bijections, so ids never collide.
pub struct IdSource {
    key: u64,
    block: u64,
    requests: u64,
    spans: u64,
}

impl IdSource {
    pub fn new(seed: u64, block: u64) -> IdSource {
        IdSource { key: mix(seed ^ 0x5851_F42D_4C95_7F2D), block, requests: 0, spans: 0 }
    }

    /// (request id (48 bits), trace id high, trace id low).
    pub fn request(&mut self) -> (u64, u64, u64) {
        let ord = (self.block << 24) | (self.requests & 0xFF_FFFF);
        self.requests += 1;
        (perm48(ord, self.key), mix(ord ^ self.key.rotate_left(17)), mix(ord ^ self.key.rotate_left(41)))
    }

    pub fn span(&mut self) -> u64 {
        let ord = (self.block << 32) | (self.spans & 0xFFFF_FFFF);
        self.spans += 1;
        mix(ord ^ self.key.rotate_left(29))
    }
}

/// A bijection on 48-bit values (odd multiply and xorshift, both invertible mod 2^48).
fn perm48(x: u64, key: u64) -> u64 {
    const M: u64 = (1 << 48) - 1;
    let mut x = (x ^ key) & M;
    for _ in 0..3 {
        x = x.wrapping_mul(0x9E37_79B9_7F4B) & M;
        x ^= x >> 23;
    }
    x
}

#[derive(Default)]
pub struct Request {
    pub rid: u64,
    pub trace_hi: u64,
    pub trace_lo: u64,
    pub spans: Vec<SpanInfo>,
    pub recs: Vec<Rec>,
    pub next: usize,
}

impl Request {
    pub fn done(&self) -> bool {
        self.next >= self.recs.len()
    }

    /// Plans a new request in place (the vectors are reused: no allocation once warm).
    pub fn plan(&mut self, ctx: &PlanCtx, rng: &mut Rng, ids: &mut IdSource, phase: Phase) {
        self.spans.clear();
        self.recs.clear();
        self.next = 0;
        (self.rid, self.trace_hi, self.trace_lo) = ids.request();
        let worker = rng.range(1, 16);
        let mut thread = [0u8; THREAD_CAP];
        let mut len = 0;
        push_bytes(&mut thread, &mut len, b"worker-");
        push_num(&mut thread, &mut len, worker);
        self.plan_span(ctx, rng, ids, phase, 0, 0, 0, (thread, len));
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_span(
        &mut self,
        ctx: &PlanCtx,
        rng: &mut Rng,
        ids: &mut IdSource,
        phase: Phase,
        service: usize,
        depth: u8,
        parent: u64,
        (thread, thread_len): ([u8; THREAD_CAP], usize),
    ) -> bool {
        let svc = &ctx.topo.services[service];
        let idx = self.spans.len();
        let op = *rng.pick(svc.ops);
        let path_id = if op.with_id { rng.range(10_000, 99_999) } else { 0 };
        self.spans.push(SpanInfo {
            service: service as u16,
            id: ids.span(),
            parent,
            thread,
            thread_len: thread_len as u8,
            op,
            path_id,
            start_ts: 0,
            fail: Fail::None,
            failed_child: 0,
        });
        let span = idx as u8;
        self.recs.push(Rec { span, kind: RecKind::Start });
        if rng.chance(ctx.shape.event_before) {
            self.recs.push(Rec { span, kind: RecKind::Event });
        }
        if ctx.incidents && service == ctx.root_cause {
            if phase == Phase::Incident && rng.chance(ctx.shape.fail) {
                self.spans[idx].fail = Fail::Root;
                self.recs.push(Rec { span, kind: RecKind::RootCause });
            } else if phase == Phase::Precursor && rng.chance(ctx.shape.pool_warn) {
                self.recs.push(Rec { span, kind: RecKind::PoolWarn });
            }
        }
        if self.spans[idx].fail == Fail::None && depth + 1 < MAX_DEPTH {
            let id = self.spans[idx].id;
            for &child in &svc.children {
                if self.spans.len() >= MAX_SPANS || !rng.chance(ctx.shape.child) {
                    continue;
                }
                let child_thread = child_thread(&thread, thread_len, depth + 1, rng);
                if self.plan_span(ctx, rng, ids, phase, child, depth + 1, id, child_thread)
                    && self.spans[idx].fail == Fail::None
                {
                    self.spans[idx].fail = Fail::Upstream;
                    self.spans[idx].failed_child = child as u16;
                    self.recs.push(Rec { span, kind: RecKind::Upstream });
                }
            }
        }
        let failed = self.spans[idx].fail != Fail::None;
        if !failed && rng.chance(ctx.shape.event_after) {
            self.recs.push(Rec { span, kind: RecKind::Event });
        }
        self.recs.push(Rec { span, kind: RecKind::End });
        failed
    }
}

/// `worker-3` → `worker-3.task-b` → `worker-3.task-b.sub-2` → `...sub-2.step-1`.
fn child_thread(parent: &[u8; THREAD_CAP], len: usize, depth: u8, rng: &mut Rng) -> ([u8; THREAD_CAP], usize) {
    let mut t = *parent;
    let mut n = len;
    match depth {
        1 => {
            push_bytes(&mut t, &mut n, b".task-");
            push_bytes(&mut t, &mut n, &[b'a' + rng.below(8) as u8]);
        }
        2 => {
            push_bytes(&mut t, &mut n, b".sub-");
            push_num(&mut t, &mut n, rng.range(1, 4));
        }
        _ => {
            push_bytes(&mut t, &mut n, b".step-");
            push_num(&mut t, &mut n, rng.range(1, 3));
        }
    }
    (t, n)
}

fn push_bytes(t: &mut [u8; THREAD_CAP], n: &mut usize, s: &[u8]) {
    let take = s.len().min(THREAD_CAP - *n);
    t[*n..*n + take].copy_from_slice(&s[..take]);
    *n += take;
}

fn push_num(t: &mut [u8; THREAD_CAP], n: &mut usize, v: u64) {
    let mut tmp = Vec::with_capacity(4);
    super::write::put_u64(&mut tmp, v);
    push_bytes(t, n, &tmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perm48_is_injective_on_a_range() {
        let mut seen: Vec<u64> = (0..100_000).map(|x| perm48(x, 12345)).collect();
        assert!(seen.iter().all(|&v| v < 1 << 48));
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 100_000);
    }

    #[test]
    fn plans_form_a_tree_with_nested_threads() {
        let topo = Topology::new(12);
        let shape = Shape::default();
        let ctx = PlanCtx { topo: &topo, shape: &shape, root_cause: 2, incidents: true };
        let mut rng = Rng::new(1);
        let mut ids = IdSource::new(1, 0);
        let mut req = Request::default();
        for _ in 0..200 {
            req.plan(&ctx, &mut rng, &mut ids, Phase::Incident);
            assert_eq!(req.spans[0].parent, 0);
            assert_eq!(req.recs.first().map(|r| r.kind), Some(RecKind::Start));
            assert_eq!(req.recs.last().map(|r| (r.span, r.kind)), Some((0, RecKind::End)));
            for s in &req.spans[1..] {
                let p = req.spans.iter().find(|p| p.id == s.parent).expect("parent span in the same trace");
                assert!(s.thread().starts_with(p.thread()) && s.thread().len() > p.thread().len());
                assert_eq!(topo.services[s.service as usize].parent, Some(p.service as usize));
            }
            // Every failing root cause makes all its ancestors fail.
            for s in &req.spans {
                if s.fail != Fail::None && s.parent != 0 {
                    let p = req.spans.iter().find(|p| p.id == s.parent).unwrap();
                    assert_ne!(p.fail, Fail::None);
                }
            }
        }
    }
}
