//! Log template mining: which messages are "the same line with different values", so that
//! an investigation can count, diff and compare by template instead of by raw text.
//!
//! `miner` is the algorithm (a Drain-class tree, then merging), `mask` the variable masking before it,
//! `compare` the period diff and sequence comparison built on template ids.

pub mod compare;
pub mod mask;
pub mod miner;

pub use compare::{compare_sequences, diff_periods, Compare, PeriodDiff};
pub use miner::{Config, Mined, TemplateMiner};

use crate::error::{Code, Error, Result};
use crate::index::{Index, FLAG_MSG_ESCAPED};
use crate::level;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// One mined template with its statistics over the scoped entries.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// Stable for the same input order (creation order).
    pub id: u32,
    /// Tokens joined by single spaces, variables as `<*>`.
    pub pattern: String,
    pub count: u64,
    /// UTC nanoseconds of the earliest / latest timestamped entry (none when no entry of
    /// the template has a timestamp).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_ns: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ns: Option<i64>,
    /// The first entry (in scope order) that produced this template.
    pub example: u32,
    /// Token indexes in `pattern` that are (or contain) `<*>`.
    pub parameters: Vec<u32>,
    /// Entries of this template at ERROR severity or above.
    pub error_count: u64,
}

/// The result of mining a scope: every template (indexed by id) and, for each scoped entry
/// in scope order, its template id.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub templates: Vec<Template>,
    pub assignment: Vec<u32>,
}

/// Whether an entry is at ERROR severity or above.
pub fn is_error(index: &Index, e: u32) -> bool {
    index.cols.level.get(e as usize).is_some_and(|&l| l >= level::ERROR)
}

/// Feeds one entry's message to the miner (decoding JSON escapes only when present);
/// returns its provisional template id (see `TemplateMiner::finish`).
/// A record whose header is all its first line says (`Start-Date: 2025-06-24  14:36:25`,
/// `End-Date: …`, a stamp and a level alone) has no message words to tell it apart: its whole
/// first line is mined instead, so such records are not all one empty template.
pub fn add_entry(miner: &mut TemplateMiner, index: &Index, e: u32) -> u32 {
    if index.cols.flags[e as usize] & FLAG_MSG_ESCAPED != 0 {
        return miner.add(index.message(e).as_bytes());
    }
    let message = index.message_bytes(e);
    if mask::tokens(message).next().is_none() {
        miner.add(crate::format::text::first_line(index.raw(e)))
    } else {
        miner.add(message)
    }
}

/// Mines the templates of the scoped entries, in scope order. Scope ids must be valid
/// entry ids (callers resolve and check them).
pub fn mine(index: &Index, scope: &[u32]) -> Templates {
    let never = AtomicBool::new(false);
    mine_with(index, scope, &never).unwrap_or_default()
}

/// `mine`, checking `cancel` every few thousand entries (CANCELLED when set).
pub fn mine_with(index: &Index, scope: &[u32], cancel: &AtomicBool) -> Result<Templates> {
    let mut miner = TemplateMiner::new(Config::default());
    let mut assignment = Vec::with_capacity(scope.len());
    for chunk in scope.chunks(1 << 14) {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::new(Code::Cancelled, "templates was cancelled"));
        }
        assignment.extend(chunk.iter().map(|&e| add_entry(&mut miner, index, e)));
    }
    let mined = miner.finish();
    for t in &mut assignment {
        *t = mined.template_of(*t);
    }
    Ok(summarize(&mined, index, scope, assignment))
}

/// Builds the per-template statistics from an assignment (final template id per scoped entry).
pub fn summarize(mined: &Mined, index: &Index, scope: &[u32], assignment: Vec<u32>) -> Templates {
    let mut templates: Vec<Template> = (0..mined.len() as u32)
        .map(|id| Template {
            id,
            pattern: mined.pattern(id).to_string(),
            count: 0,
            first_ns: None,
            last_ns: None,
            example: u32::MAX,
            parameters: mined.parameter_positions(id).to_vec(),
            error_count: 0,
        })
        .collect();
    for (&e, &t) in scope.iter().zip(&assignment) {
        let tpl = &mut templates[t as usize];
        tpl.count += 1;
        if tpl.example == u32::MAX {
            tpl.example = e;
        }
        if is_error(index, e) {
            tpl.error_count += 1;
        }
        if let Some(ts) = index.ts(e) {
            tpl.first_ns = Some(tpl.first_ns.map_or(ts, |f| f.min(ts)));
            tpl.last_ns = Some(tpl.last_ns.map_or(ts, |l| l.max(ts)));
        }
    }
    Templates { templates, assignment }
}
