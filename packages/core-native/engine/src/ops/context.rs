//! `context FILE LINE`: the record holding a line, with B records before and A after (records,
//! not lines, so a stack trace counts once).

use super::basename;
use crate::entry::Entry;
use crate::error::{Code, Error, Result};
use crate::index::Index;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContextArgs {
    /// A file path as opened, or its basename when that is unique.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// Records before (default 5).
    pub before: Option<u32>,
    /// Records after (default 5).
    pub after: Option<u32>,
    #[serde(default)]
    pub fields: bool,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContextResult {
    pub file: String,
    pub line: u64,
    /// False when the line is not inside the record (a blank line after it).
    pub exact: bool,
    pub entry: Entry,
    pub before: Vec<Entry>,
    pub after: Vec<Entry>,
}

const MAX_CONTEXT: u32 = 10_000;

/// Finds a file by exact path, then by unique basename.
pub fn find_file(ix: &Index, name: &str) -> Result<usize> {
    if let Some(i) = ix.files.iter().position(|f| f.source.path == name) {
        return Ok(i);
    }
    let hits: Vec<usize> = ix
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| basename(&f.source.path) == basename(name))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [i] => Ok(*i),
        [] => Err(Error::new(Code::UnknownId, format!("no open file '{name}'")).at(name)),
        many => Err(Error::new(
            Code::InvalidOption,
            format!(
                "'{name}' matches {} files: {}; give the full path",
                many.len(),
                many.iter().map(|&i| ix.files[i].source.path.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
        .at(name)),
    }
}

pub fn context(ix: &Index, args: &ContextArgs) -> Result<ContextResult> {
    let (b, a) = (args.before.unwrap_or(5), args.after.unwrap_or(5));
    if b > MAX_CONTEXT || a > MAX_CONTEXT {
        return Err(Error::new(Code::InvalidOption, format!("before/after are limited to {MAX_CONTEXT} records")));
    }
    let (fi, e, exact) = record_at(ix, &args.file, args.line)?;
    let f = &ix.files[fi];
    let lo = e.saturating_sub(b).max(f.first);
    let hi = (e + a).min(f.first + f.count - 1);
    Ok(ContextResult {
        file: f.source.path.clone(),
        line: args.line,
        exact,
        entry: ix.entry(e, args.fields),
        before: (lo..e).map(|x| ix.entry(x, args.fields)).collect(),
        after: (e + 1..=hi).map(|x| ix.entry(x, args.fields)).collect(),
    })
}

/// The record holding `line` of `file` (a path as opened, or a unique basename): the file's
/// index, the entry, and whether the line is inside the record (false for a blank line after it).
pub fn record_at(ix: &Index, file: &str, line: u64) -> Result<(usize, u32, bool)> {
    let fi = find_file(ix, file)?;
    let f = &ix.files[fi];
    let loc = format!("{}:{}", f.source.path, line);
    if line == 0 || line > f.lines {
        return Err(
            Error::new(Code::UnknownId, format!("line {line} is outside {} (1..{})", f.source.path, f.lines)).at(loc)
        );
    }
    // Last record starting at or before the line (binary search over line numbers, each
    // derived from the nearest line mark).
    let pos = partition_point_u32(f.count, |i| (ix.line(f.first + i) as u64) <= line) as usize;
    if pos == 0 {
        return Err(Error::new(Code::UnknownId, format!("line {line} comes before the first record")).at(loc));
    }
    let e = f.first + pos as u32 - 1;
    let record_lines = memchr::memchr_iter(b'\n', ix.raw(e)).count() as u64 + 1;
    Ok((fi, e, line < ix.line(e) as u64 + record_lines))
}

/// First `i` in `0..n` for which `pred` is false (`pred` true then false, like
/// `slice::partition_point`).
fn partition_point_u32(n: u32, pred: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0u32, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
