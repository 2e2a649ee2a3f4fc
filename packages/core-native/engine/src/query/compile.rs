//! Resolving a query model against an index: level mask, interned id sets, absolute time
//! bounds, file set, text matcher and field conditions, evaluated per entry without
//! allocating (field conditions aside, which parse the record lazily).

use super::fields::{lookup, Cond};
use super::text::TextMatcher;
use super::timespec::{now_ns, parse_duration, parse_time_bound};
use super::{Model, Query, RelativeTo};
use crate::error::{Code, Error, Result};
use crate::format::FormatKind;
use crate::index::{Index, FLAG_MSG_LONG, FLAG_MULTILINE, NO_TS};
use crate::level;
use crate::record::{IdKind, ID_KINDS};
use serde_json::Value;

/// Entries whose id of `kind` is one of `ids` (sorted interned ids; empty = none exist).
#[derive(Debug, Clone)]
pub struct IdFilter {
    pub kind: IdKind,
    pub ids: Vec<u32>,
}

/// A query ready to evaluate against one index.
pub struct Compiled {
    /// Bit `s` set when severity `s` is accepted; `None` = any.
    pub levels: Option<u32>,
    pub ids: Vec<IdFilter>,
    /// Inclusive time bounds in ns.
    pub after: Option<i64>,
    pub before: Option<i64>,
    /// Accepted files (by index in `Index::files`); `None` = all.
    pub files: Option<Vec<bool>>,
    pub text: TextMatcher,
    pub conds: Vec<Cond>,
    /// Search the whole raw record rather than the message (+ continuation lines).
    pub raw: bool,
}

fn level_range(name: &str) -> Result<(u8, u8)> {
    let sev = level::parse_user(name).ok_or_else(|| {
        Error::new(
            Code::InvalidQuery,
            format!("unknown level '{name}' (use trace, debug, info, warn, error, fatal or 1-24)"),
        )
        .at(name.to_string())
    })?;
    if name.parse::<u8>().is_ok() {
        return Ok((sev, sev));
    }
    let lo = (sev - 1) / 4 * 4 + 1;
    Ok((lo, lo + 3))
}

fn bits(lo: u8, hi: u8) -> u32 {
    (lo..=hi.min(24)).fold(0u32, |acc, s| acc | (1 << s))
}

impl Compiled {
    pub fn new(query: Query, index: &Index) -> Result<Compiled> {
        Compiled::from_model(query.into_model()?, index)
    }

    pub fn from_model(m: Model, index: &Index) -> Result<Compiled> {
        let mut levels: Option<u32> = None;
        if !m.levels.is_empty() {
            let mut mask = 0;
            for l in &m.levels {
                let (lo, hi) = level_range(l)?;
                mask |= bits(lo, hi);
            }
            levels = Some(mask);
        }
        if let Some(min) = &m.min_level {
            let (strict, name) = match min.strip_prefix('>') {
                Some(n) => (true, n),
                None => (false, min.as_str()),
            };
            let (lo, hi) = level_range(name)?;
            let from = if strict { hi + 1 } else { lo };
            let mask = bits(from, 24);
            levels = Some(levels.map_or(mask, |l| l & mask));
        }
        let mut ids = Vec::new();
        for kind in ID_KINDS {
            let values = &m.ids[kind as usize];
            if values.is_empty() {
                continue;
            }
            let mut set: Vec<u32> = values.iter().filter_map(|v| index.interner(kind).get(v.as_bytes())).collect();
            set.sort_unstable();
            set.dedup();
            ids.push(IdFilter { kind, ids: set });
        }
        // The reference of relative times; the end of the data costs a column scan, so it is
        // found only when a bound is given.
        let reference = if m.after.is_none() && m.before.is_none() && m.last.is_none() {
            0
        } else {
            match m.relative_to {
                RelativeTo::Now => now_ns(),
                RelativeTo::End => index.ts_bounds().map_or_else(now_ns, |b| b.1),
            }
        };
        let mut after = m.after.as_deref().map(|s| parse_time_bound(s, reference, 0)).transpose()?;
        let mut before = m.before.as_deref().map(|s| parse_time_bound(s, reference, 0)).transpose()?;
        if let Some(last) = &m.last {
            let from = reference.saturating_sub(parse_duration(last)?);
            after = Some(after.map_or(from, |a| a.max(from)));
        }
        // A bound that every record meets filters nothing: dropped, the column pass skips the
        // time column (`last 1h` on an hour of logs). Only when every record has a timestamp,
        // since a time bound excludes records without one.
        let stats = index.ts_stats();
        if let (Some((lo, hi)), false) = (stats.bounds, stats.missing) {
            if after.is_some_and(|a| a <= lo) {
                after = None;
            }
            if before.is_some_and(|b| b >= hi) {
                before = None;
            }
        }
        let files = if m.files.is_empty() {
            None
        } else {
            let mut keep = vec![false; index.files.len()];
            for want in &m.files {
                let mut hit = false;
                for (i, f) in index.files.iter().enumerate() {
                    let p = &f.source.path;
                    let base = std::path::Path::new(p).file_name().map(|b| b.to_string_lossy().into_owned());
                    if p == want || base.as_deref() == Some(want.as_str()) || p.ends_with(&format!("/{want}")) {
                        keep[i] = true;
                        hit = true;
                    }
                }
                if !hit {
                    return Err(Error::new(Code::UnknownId, format!("no open file matches '{want}'")).at(want.clone()));
                }
            }
            Some(keep)
        };
        let text = TextMatcher::new(&m.all, &m.exclude, &m.regex, m.case_sensitive)?;
        Ok(Compiled { levels, ids, after, before, files, text, conds: m.conds, raw: m.raw })
    }

    /// True when nothing but the column filters is needed (no text, no field conditions).
    pub fn columns_only(&self) -> bool {
        self.text.is_empty() && self.conds.is_empty()
    }

    /// Whether any column filter (level, ids, time, file) is set.
    pub fn has_column_filters(&self) -> bool {
        self.levels.is_some()
            || !self.ids.is_empty()
            || self.after.is_some()
            || self.before.is_some()
            || self.files.is_some()
    }

    /// Column filters: level, ids, time, file.
    #[inline]
    pub fn match_columns(&self, ix: &Index, e: u32, file: usize) -> bool {
        if let Some(mask) = self.levels {
            if mask & (1 << ix.cols.level[e as usize].min(24)) == 0 {
                return false;
            }
        }
        if let Some(files) = &self.files {
            if !files[file] {
                return false;
            }
        }
        self.match_time_ids(ix, e)
    }

    /// The time and id column filters.
    #[inline]
    fn match_time_ids(&self, ix: &Index, e: u32) -> bool {
        let i = e as usize;
        if self.after.is_some() || self.before.is_some() {
            let t = ix.cols.ts[i];
            if t == NO_TS || self.after.is_some_and(|a| t < a) || self.before.is_some_and(|b| t > b) {
                return false;
            }
        }
        for f in &self.ids {
            let id = ix.cols.ids[f.kind as usize].get(i).copied().unwrap_or(0);
            if f.ids.binary_search(&id).is_err() {
                return false;
            }
        }
        true
    }

    /// Calls `f`, in order, for each entry of `lo..hi` (all in `file`) that passes the column
    /// filters. The level test is a tight loop over the level column (most selective and one
    /// byte per entry); time and ids are read only for the entries that pass it, so a level
    /// filter over 1M entries costs about a millisecond.
    #[inline]
    pub fn for_each_column_match(&self, ix: &Index, file: usize, lo: u32, hi: u32, mut f: impl FnMut(u32)) {
        if self.files.as_ref().is_some_and(|fs| !fs[file]) {
            return;
        }
        let rest = self.after.is_some() || self.before.is_some() || !self.ids.is_empty();
        match self.levels {
            Some(mask) => {
                // 64 level tests at a time into a bit set, without branches (a level filter
                // passing a third of the entries at random would mispredict a branch per
                // entry), then one call per set bit.
                let levels = &ix.cols.level[lo as usize..hi as usize];
                let range = level_range_of(mask);
                for (c, chunk) in levels.chunks(64).enumerate() {
                    let mut bits = level_bits(chunk, mask, range);
                    while bits != 0 {
                        let e = lo + (c * 64) as u32 + bits.trailing_zeros();
                        bits &= bits - 1;
                        if !rest || self.match_time_ids(ix, e) {
                            f(e);
                        }
                    }
                }
            }
            None if rest => (lo..hi).filter(|&e| self.match_time_ids(ix, e)).for_each(f),
            None => (lo..hi).for_each(f),
        }
    }

    /// Appends to `out` the entries of `from..hi` (all in `file`) that pass the column
    /// filters, 64 entries at a time, stopping once `out` holds `want` or more; returns where
    /// to continue (`hi` when done). For loops that want survivors in batches, so that the
    /// column pass and the per-survivor work are each a tight loop of their own.
    pub fn column_matches_into(
        &self,
        ix: &Index,
        file: usize,
        from: u32,
        hi: u32,
        out: &mut Vec<u32>,
        want: usize,
    ) -> u32 {
        if self.files.as_ref().is_some_and(|fs| !fs[file]) {
            return hi;
        }
        let rest = self.after.is_some() || self.before.is_some() || !self.ids.is_empty();
        let range = self.levels.and_then(level_range_of);
        let mut s = from;
        while s < hi && out.len() < want {
            let end = (s + 64).min(hi);
            let mut bits = match self.levels {
                Some(mask) => level_bits(&ix.cols.level[s as usize..end as usize], mask, range),
                None => u64::MAX >> (64 - (end - s)),
            };
            while bits != 0 {
                let e = s + bits.trailing_zeros();
                bits &= bits - 1;
                if !rest || self.match_time_ids(ix, e) {
                    out.push(e);
                }
            }
            s = end;
        }
        s
    }

    /// The searched parts of a record: message and continuation lines, or the raw record.
    #[inline]
    pub fn search_parts<'a>(&self, ix: &'a Index, e: u32, file: usize) -> ([&'a [u8]; 2], usize) {
        let i = e as usize;
        let data = ix.files[file].source.data();
        if !self.raw && ix.cols.flags[i] & (FLAG_MULTILINE | FLAG_MSG_LONG) == 0 {
            // The common case reads only the message's bytes (not the record's end, which is
            // another cache line: per-candidate scans are bound by memory latency).
            let s = ix.cols.offset(i) as usize + ix.cols.msg_start[i] as usize;
            return ([data.get(s..s + ix.cols.msg_len[i] as usize).unwrap_or(&[]), &[]], 1);
        }
        let raw = ix.raw(e);
        if self.raw {
            return ([raw, &[]], 1);
        }
        let (s, l) = ix.message_span(e);
        let msg = raw.get(s..s + l).unwrap_or(&[]);
        if ix.cols.flags[i] & FLAG_MULTILINE != 0 {
            let first_end = memchr::memchr(b'\n', raw).unwrap_or(raw.len());
            let rest = &raw[first_end.min(raw.len())..];
            if s + msg.len() > first_end {
                // The message already runs over the continuation lines.
                return ([msg, &[]], 1);
            }
            return ([msg, rest], 2);
        }
        ([msg, &[]], 1)
    }

    /// Text and field conditions (call after `match_columns`).
    pub fn match_content(&self, ix: &Index, e: u32, file: usize) -> bool {
        if !self.text.is_empty() {
            let (parts, n) = self.search_parts(ix, e, file);
            if !self.text.matches(&parts[..n]) {
                return false;
            }
        }
        if !self.conds.is_empty() {
            // A record's keys are in its bytes, except an OTLP record's resource and scope.
            let self_describing = matches!(ix.files[file].format.kind, FormatKind::Json)
                && ix.cols.flags[e as usize] & crate::index::FLAG_EMBEDDED == 0;
            let raw = ix.raw(e);
            for c in &self.conds {
                if self_describing {
                    if let Some(key) = c.key_hint() {
                        if memchr::memmem::find(raw, key.as_bytes()).is_none() && builtin(ix, e, &c.path).is_none() {
                            return false;
                        }
                    }
                }
            }
            let fields = ix.fields(e);
            for c in &self.conds {
                let v = lookup(&fields, &c.path).cloned().or_else(|| builtin(ix, e, &c.path));
                if !c.eval(v.as_ref()) {
                    return false;
                }
            }
        }
        true
    }

    /// The whole query on one entry: columns first, then text and fields (`match_content`
    /// returns at once when there are none, so callers need no `columns_only` shortcut).
    #[inline]
    pub fn matches(&self, ix: &Index, e: u32, file: usize) -> bool {
        self.match_columns(ix, e, file) && self.match_content(ix, e, file)
    }

    /// The smallest posting-list candidate set, when an id filter gives one (sorted).
    pub fn candidates(&self, ix: &Index) -> Option<Vec<u32>> {
        let best = self
            .ids
            .iter()
            .filter(|f| crate::index::POSTING_KINDS.contains(&f.kind))
            .min_by_key(|f| f.ids.iter().map(|&id| ix.postings[f.kind as usize].of(id).len()).sum::<usize>())?;
        let mut out: Vec<u32> = Vec::new();
        for &id in &best.ids {
            out.extend_from_slice(ix.postings[best.kind as usize].of(id));
        }
        if best.ids.len() > 1 {
            out.sort_unstable();
        }
        Some(out)
    }
}

/// Bit `k` set when `levels[k]` (at most 64) passes the level mask, without branches (a
/// filter passing a third of the entries at random would mispredict a branch per entry);
/// sixteen at a time when the mask is a range (`level_range_of(mask)`).
#[inline]
fn level_bits(levels: &[u8], mask: u32, range: Option<(u8, u8)>) -> u64 {
    match range {
        Some(r) if levels.len() == 64 => level_bits_in_range(levels, r),
        _ => levels.iter().enumerate().fold(0u64, |b, (k, &l)| b | (((mask >> l.min(24)) & 1) as u64) << k),
    }
}

/// `(lo, span)` when a level mask accepts exactly the severities `lo..=lo + span` (the usual
/// case: one level, or "at least"), so a level test is one unsigned compare. Severities above
/// 24 count as 24 (`match_columns`), so a range reaching 24 reaches 255.
fn level_range_of(mask: u32) -> Option<(u8, u8)> {
    if mask == 0 {
        return None;
    }
    let (lo, hi) = (mask.trailing_zeros(), 31 - mask.leading_zeros());
    if (mask >> lo).count_ones() != hi - lo + 1 {
        return None;
    }
    let hi = if hi >= 24 { 255 } else { hi };
    Some((lo as u8, (hi - lo) as u8))
}

/// Bit `k` set when `levels[k]` (64 of them) lies in `lo..=lo + span`: sixteen compares at a
/// time (a level filter over 1M entries is then a fraction of a millisecond).
#[inline]
fn level_bits_in_range(levels: &[u8], (lo, span): (u8, u8)) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if levels.len() == 64 {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; the four 16-byte loads read
        // levels[0..64], which exists (checked above).
        unsafe {
            let (lo, span) = (_mm_set1_epi8(lo as i8), _mm_set1_epi8(span as i8));
            let mut bits = 0u64;
            for j in 0..4 {
                let x = _mm_loadu_si128(levels.as_ptr().add(j * 16) as *const __m128i);
                // l - lo (wrapping) <= span, unsigned: min(d, span) == d.
                let d = _mm_sub_epi8(x, lo);
                let ok = _mm_cmpeq_epi8(_mm_min_epu8(d, span), d);
                bits |= (_mm_movemask_epi8(ok) as u32 as u64) << (j * 16);
            }
            return bits;
        }
    }
    levels.iter().enumerate().fold(0u64, |b, (k, &l)| b | ((l.wrapping_sub(lo) <= span) as u64) << k)
}

/// Values every entry has from its columns, usable in field conditions.
fn builtin(ix: &Index, e: u32, path: &str) -> Option<Value> {
    let i = e as usize;
    let id = |k: IdKind| {
        let v = ix.cols.ids[k as usize][i];
        (v != 0).then(|| Value::String(String::from_utf8_lossy(&ix.id_name(k, v)).into_owned()))
    };
    match path {
        "message" | "msg" => Some(Value::String(ix.message(e))),
        "severity" => Some(Value::from(ix.cols.level[i])),
        "line" => Some(Value::from(ix.line(e))),
        "file" => Some(Value::String(ix.files[ix.file_of(e)].source.path.clone())),
        "thread" => id(IdKind::Thread),
        "request" => id(IdKind::Request),
        "trace" => id(IdKind::Trace),
        "span" => id(IdKind::Span),
        "parent" => id(IdKind::Parent),
        "service" => id(IdKind::Service),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The range test over 64 levels agrees with the per-level mask test for every
    /// contiguous mask, on every severity byte (0-255: above 24 counts as 24).
    #[test]
    fn level_range_bits_equal_the_mask_test() {
        let levels: Vec<u8> = (0..=255u8).chain(0..=255).chain(0..=31).collect();
        for lo in 0..=24u8 {
            for hi in lo..=24u8 {
                let mask = bits(lo, hi);
                let range = level_range_of(mask).expect("contiguous");
                for chunk in levels.chunks(64) {
                    let want =
                        chunk.iter().enumerate().fold(0u64, |b, (k, &l)| b | (((mask >> l.min(24)) & 1) as u64) << k);
                    assert_eq!(level_bits_in_range(chunk, range), want, "mask {lo}..={hi}");
                }
            }
        }
        assert_eq!(level_range_of(bits(1, 4) | bits(17, 20)), None);
        assert_eq!(level_range_of(0), None);
    }
}
