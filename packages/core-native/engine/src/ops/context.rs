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
    let fi = find_file(ix, &args.file)?;
    let f = &ix.files[fi];
    let loc = format!("{}:{}", f.source.path, args.line);
    if args.line == 0 || args.line > f.lines {
        return Err(Error::new(
            Code::UnknownId,
            format!("line {} is outside {} (1..{})", args.line, f.source.path, f.lines),
        )
        .at(loc));
    }
    let lines = &ix.cols.line[f.first as usize..(f.first + f.count) as usize];
    // Last record starting at or before the line.
    let pos = lines.partition_point(|&l| (l as u64) <= args.line);
    if pos == 0 {
        return Err(Error::new(Code::UnknownId, format!("line {} comes before the first record", args.line)).at(loc));
    }
    let e = f.first + pos as u32 - 1;
    let record_lines = memchr::memchr_iter(b'\n', ix.raw(e)).count() as u64 + 1;
    let exact = args.line < ix.cols.line[e as usize] as u64 + record_lines;
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
