//! Batch jobs: the wide trees of the data. Every `BATCH_EVERY` blocks (from block
//! `BATCH_BLOCK` on) one block carries a reindex job of `inventory`: a root span on thread
//! `batch-N` and `BATCH_PARTS` child spans (threads `batch-N.part-K`, parent span id = the
//! root) in one trace and request, so `hierarchy` of that request has over a thousand nodes.
//! Request traffic has at most `request::MAX_SPANS` spans per trace and cannot show that.
//!
//! The job lives inside its block (every `BATCH_STRIDE`-th entry from `BATCH_START`), so
//! blocks stay independent and the output stays the same whatever the thread count. The
//! first batch block is 31 (entry 126,976): shorter outputs are byte-identical to a
//! generator without batch jobs.

use super::layout::{header, trailer, Ids};
use super::rng::{mix, Rng};
use super::templates::Lvl;
use super::write::{put, put_padded, put_u64, Clock};
use super::GenFormat;

/// One block in this many carries a batch job.
pub const BATCH_EVERY: u64 = 64;
/// The block (modulo `BATCH_EVERY`) that does.
pub const BATCH_BLOCK: u64 = 31;
/// Child spans of a job.
pub const BATCH_PARTS: u64 = 1000;
/// Block-local entry of the job's first record.
const BATCH_START: u64 = 512;
/// Every this many entries from `BATCH_START` is a record of the job (the rest is request
/// traffic, interleaved as in a real service log). 512 + 3 × 1001 < 4096: the job fits its block.
const BATCH_STRIDE: u64 = 3;
/// Records of a job: the root's start, one per part, the root's end.
const BATCH_RECORDS: u64 = BATCH_PARTS + 2;
const BATCH_SERVICE: usize = 3;

const _: () = assert!(BATCH_START + BATCH_STRIDE * BATCH_RECORDS <= super::BLOCK);

/// The batch job number (1-based) that block `block` carries, if any.
pub fn batch_of(block: u64) -> Option<u64> {
    (block % BATCH_EVERY == BATCH_BLOCK).then_some(block / BATCH_EVERY + 1)
}

/// The service that runs batch jobs: `inventory`, or the last one when there are fewer.
pub fn batch_service(services: usize) -> usize {
    BATCH_SERVICE.min(services.saturating_sub(1))
}

/// What a block wrote of its batch job (ground truth).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStats {
    pub number: u64,
    pub rid: u64,
    pub trace: (u64, u64),
    pub root_span: u64,
    /// Block-local (entry, 0-based line) of the root's first record.
    pub first: (u64, u64),
    /// Records written (fewer than `BATCH_RECORDS` when the output ends inside the job).
    pub records: u64,
    pub parts: u64,
    pub failed_parts: u64,
}

/// A batch job being written.
pub struct Batch {
    rng: Rng,
    pub stats: BatchStats,
    thread: Vec<u8>,
    /// Thread of the current part (`batch-N.part-0017`), rebuilt per part.
    part_thread: Vec<u8>,
    start_ts: i64,
}

impl Batch {
    pub fn new(seed: u64, block: u64, number: u64, ids: (u64, u64, u64), root_span: u64) -> Batch {
        let mut thread = b"batch-".to_vec();
        put_u64(&mut thread, number);
        Batch {
            rng: Rng::new(mix(seed ^ 0xBA7C_4B0B) ^ mix(block)),
            stats: BatchStats { number, rid: ids.0, trace: (ids.1, ids.2), root_span, ..Default::default() },
            thread,
            part_thread: Vec::new(),
            start_ts: 0,
        }
    }

    /// Whether block-local entry `local` is a record of the job.
    pub fn owns(&self, local: u64) -> bool {
        local >= BATCH_START && (local - BATCH_START).is_multiple_of(BATCH_STRIDE) && self.stats.records < BATCH_RECORDS
    }

    /// Writes the job's next record; `part_span` is a fresh span id (used for parts only).
    /// Returns its level.
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &mut self,
        b: &mut Vec<u8>,
        fmt: GenFormat,
        clock: &mut Clock,
        ts: i64,
        service: &[u8],
        part_span: impl FnOnce() -> u64,
        draw_level: impl FnOnce(&mut Rng) -> Lvl,
        line: u64,
        local: u64,
    ) -> Lvl {
        let k = self.stats.records;
        self.stats.records += 1;
        let st = &mut self.stats;
        let mut ids = Ids { thread: &self.thread, rid: st.rid, trace: st.trace, span: st.root_span, parent: 0 };
        if k == 0 {
            self.start_ts = ts;
            st.first = (local, line);
            header(b, fmt, clock, ts, Lvl::Info, service, &ids);
            put(b, b"reindex batch started: ");
            put_u64(b, BATCH_PARTS);
            put(b, b" parts");
            trailer(b, fmt, None);
            return Lvl::Info;
        }
        if k == BATCH_RECORDS - 1 {
            let lvl = if st.failed_parts > 0 { Lvl::Warn } else { Lvl::Info };
            let dur = ((ts - self.start_ts) / 1_000_000).max(1) as u64;
            header(b, fmt, clock, ts, lvl, service, &ids);
            put(b, b"reindex batch finished: ");
            put_u64(b, st.parts);
            put(b, b" parts, ");
            put_u64(b, st.failed_parts);
            put(b, b" failed, in ");
            put_u64(b, dur);
            put(b, b"ms");
            trailer(b, fmt, Some((dur, 200)));
            return lvl;
        }
        st.parts += 1;
        let lvl = draw_level(&mut self.rng);
        self.part_thread.clear();
        self.part_thread.extend_from_slice(&self.thread);
        put(&mut self.part_thread, b".part-");
        put_padded(&mut self.part_thread, k, 4);
        ids.thread = &self.part_thread;
        ids.parent = st.root_span;
        ids.span = part_span();
        let items = self.rng.range(100, 400);
        let (dur, status) = match lvl {
            Lvl::Warn => (self.rng.range(500, 2000), 200),
            Lvl::Error => (self.rng.range(1, 40), 500),
            _ => (self.rng.range(1, 40), 200),
        };
        header(b, fmt, clock, ts, lvl, service, &ids);
        put(b, b"reindex part ");
        put_u64(b, k);
        b.push(b'/');
        put_u64(b, BATCH_PARTS);
        match lvl {
            Lvl::Error => {
                st.failed_parts += 1;
                put(b, b" failed after ");
                put_u64(b, dur);
                put(b, b"ms: lock wait timeout on stock");
            }
            Lvl::Warn => {
                put(b, b" slow: ");
                put_u64(b, items);
                put(b, b" items in ");
                put_u64(b, dur);
                b.extend_from_slice(b"ms");
            }
            _ => {
                put(b, b" done: ");
                put_u64(b, items);
                put(b, b" items in ");
                put_u64(b, dur);
                put(b, b"ms");
            }
        }
        trailer(b, fmt, Some((dur, status)));
        lvl
    }
}
