//! The cache file: a one-file index laid out so that its columns are used in place from a
//! read-only mapping.
//!
//! ```text
//! magic "LSIFTIX\0" | meta length u32 | crc32 of meta u32 | meta (JSON) | pad to 8
//! section 0 | pad to 8 | section 1 | ...       (the body; its crc32 is in the meta)
//! ```
//!
//! The meta holds the format version, the key the file was built for, the per-file numbers
//! and each section's byte length; sections come in a fixed order (`sections`). Every
//! section starts 8-aligned, so a column of u32 or i64 can be viewed where it lies. Nothing
//! read is trusted: the magic, version, lengths and meta checksum are checked before an
//! index is made of it (`index`, O(1)); the body checksum and the values (`body_ok`, a pass
//! over every page) are checked on a background thread, and nothing computed from the index
//! is used before they passed (`crate::index::Pending`).

use super::Key;
use crate::col::{Col, Pod};
use crate::index::{FileIndex, HiRun, Index, Interner, Postings, LINE_MARK};
use crate::indexer::Sample;
use crate::mapped::Mapping;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"LSIFTIX\0";
/// Bumped whenever the layout or the meaning of a column changes: other versions are rebuilt.
pub const VERSION: u32 = 1;
const ALIGN: usize = 8;
/// Sections: 8 columns, 6 id columns, 6 × (arena, ends), 6 × (starts, entries), line marks.
const SECTIONS: usize = 8 + 6 + 12 + 12 + 1;

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub version: u32,
    pub key: Key,
    pub count: u32,
    pub lines: u64,
    pub first_line: u32,
    pub sample_body_start: usize,
    pub sample_end: usize,
    pub sample_reached_end: bool,
    pub hex_widths: [usize; 6],
    /// Byte length of each section, in `sections` order.
    pub sections: Vec<u64>,
    pub body_crc: u32,
    pub file_len: u64,
}

fn align(n: usize) -> usize {
    n.next_multiple_of(ALIGN)
}

/// The index's parts as bytes, in the fixed section order.
fn sections(ix: &Index) -> Vec<&[u8]> {
    let c = &ix.cols;
    let mut out: Vec<&[u8]> = vec![
        c.offset_lo.as_bytes(),
        c.offset_hi.as_bytes(),
        c.ts.as_bytes(),
        c.level.as_bytes(),
        c.flags.as_bytes(),
        c.msg_start.as_bytes(),
        c.msg_len.as_bytes(),
        c.fp.as_bytes(),
    ];
    out.extend(c.ids.iter().map(|v| v.as_bytes()));
    for i in &ix.ids {
        let (bytes, ends, _) = i.parts();
        out.push(bytes.as_bytes());
        out.push(ends.as_bytes());
    }
    for p in &ix.postings {
        out.push(p.starts.as_bytes());
        out.push(p.entries.as_bytes());
    }
    out.push(ix.line_marks.as_bytes());
    debug_assert_eq!(out.len(), SECTIONS);
    out
}

/// Writes a one-file index to `w` (the caller writes to a temporary file and renames it).
pub fn write(ix: &Index, key: &Key, w: &mut impl Write) -> std::io::Result<()> {
    let f = &ix.files[0];
    let secs = sections(ix);
    let pad = [0u8; ALIGN];
    let mut crc = crc32fast::Hasher::new();
    let mut body_len = 0usize;
    for s in &secs {
        crc.update(s);
        let p = align(s.len()) - s.len();
        crc.update(&pad[..p]);
        body_len += s.len() + p;
    }
    let mut meta = Meta {
        version: VERSION,
        key: key.clone(),
        count: f.count,
        lines: f.lines,
        first_line: f.first_line,
        sample_body_start: f.sample.body_start,
        sample_end: f.sample.end,
        sample_reached_end: f.sample.reached_end,
        hex_widths: std::array::from_fn(|i| ix.ids[i].parts().2),
        sections: secs.iter().map(|s| s.len() as u64).collect(),
        body_crc: crc.finalize(),
        file_len: 0,
    };
    // The meta's own length is part of the file length it records: fix it by iterating
    // (the number's width changes at most once).
    for _ in 0..3 {
        let json = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
        let len = (align(16 + json.len()) + body_len) as u64;
        if len == meta.file_len {
            break;
        }
        meta.file_len = len;
    }
    let json = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
    let head_len = align(16 + json.len());
    w.write_all(MAGIC)?;
    w.write_all(&(json.len() as u32).to_le_bytes())?;
    w.write_all(&crc32fast::hash(&json).to_le_bytes())?;
    w.write_all(&json)?;
    w.write_all(&pad[..head_len - 16 - json.len()])?;
    for s in &secs {
        w.write_all(s)?;
        w.write_all(&pad[..align(s.len()) - s.len()])?;
    }
    Ok(())
}

/// Reads the meta of a mapped cache file; None when it is not a whole cache file of this
/// version (the body checksum is checked separately, by `verify`, once the key matched).
pub fn read_meta(map: &Mapping) -> Option<Meta> {
    let map = map.as_slice();
    let head = map.get(..16)?;
    if &head[..8] != MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(head[8..12].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(head[12..16].try_into().ok()?);
    let json = map.get(16..16usize.checked_add(len)?)?;
    if crc32fast::hash(json) != crc {
        return None;
    }
    let meta: Meta = serde_json::from_slice(json).ok()?;
    (meta.version == VERSION && meta.file_len == map.len() as u64 && meta.sections.len() == SECTIONS).then_some(meta)
}

fn body_start(map: &[u8]) -> usize {
    let len = map.get(8..12).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes) as usize;
    align(16 + len)
}

/// The body checksum matches the meta.
fn verify(map: &Mapping, meta: &Meta) -> bool {
    let map = map.as_slice();
    map.get(body_start(map)..).is_some_and(|body| crc32fast::hash(body) == meta.body_crc)
}

/// The index of a cache file whose meta checked out, its columns viewing the mapping;
/// `file` is the source and format it describes. Err when its shape does not hold together
/// (column lengths, the O(1) checks). The checks that read every page (`body_ok`) are the
/// caller's to run, in the background.
pub fn index(map: &Arc<Mapping>, meta: &Meta, file: FileIndex) -> Result<Index, Box<FileIndex>> {
    match columns(map, meta) {
        Some(mut ix) if shape_ok(&ix, file.count as usize) => {
            ix.files.push(file);
            Ok(ix)
        }
        _ => Err(Box::new(file)),
    }
}

/// The body checksum and the values' order and ranges (`values_ok`), for a cache file
/// whose `index` was made: a pass over every page, run off the open's path.
pub fn body_ok(map: &Arc<Mapping>, meta: &Meta, data_len: u64) -> bool {
    let Some(ix) = columns(map, meta) else { return false };
    let (crc, values) = rayon::join(|| verify(map, meta), || values_ok(&ix, meta.count as usize, data_len));
    crc && values
}

/// The sections of a mapped cache file as an index without its file entry.
fn columns(map: &Arc<Mapping>, meta: &Meta) -> Option<Index> {
    let mut cur = Cursor { map, meta, at: body_start(map.as_slice()), no: 0 };
    let mut ix = Index {
        files: Vec::with_capacity(1),
        cols: Default::default(),
        ids: Default::default(),
        line_marks: Default::default(),
        postings: Default::default(),
        ts_stats: Default::default(),
        pending: None,
    };
    let c = &mut ix.cols;
    c.offset_lo = cur.col()?;
    c.offset_hi = cur.col::<HiRun>()?;
    c.ts = cur.col()?;
    c.level = cur.col()?;
    c.flags = cur.col()?;
    c.msg_start = cur.col()?;
    c.msg_len = cur.col()?;
    c.fp = cur.col()?;
    for k in 0..6 {
        c.ids[k] = cur.col()?;
    }
    for k in 0..6 {
        let bytes = cur.col()?;
        let ends = cur.col()?;
        ix.ids[k] = Interner::from_parts(bytes, ends, meta.hex_widths[k])?;
    }
    for k in 0..6 {
        let starts = cur.col()?;
        let entries = cur.col()?;
        ix.postings[k] = Postings { starts, entries };
    }
    ix.line_marks = cur.col()?;
    Some(ix)
}

/// Walks the sections of a mapped cache file in order.
struct Cursor<'a> {
    map: &'a Arc<Mapping>,
    meta: &'a Meta,
    at: usize,
    no: usize,
}

impl Cursor<'_> {
    /// The next section as a column of `T` (None if its length is not whole `T`s or it lies
    /// outside the mapping).
    fn col<T: Pod>(&mut self) -> Option<Col<T>> {
        let bytes = usize::try_from(*self.meta.sections.get(self.no)?).ok()?;
        self.no += 1;
        let size = std::mem::size_of::<T>();
        if !bytes.is_multiple_of(size) {
            return None;
        }
        let off = self.at;
        self.at = align(off.checked_add(bytes)?);
        Col::mapped(self.map, off, bytes / size)
    }
}

/// The shape every reader relies on, checked at open in O(1): columns of one length, one
/// line mark per `LINE_MARK` entries, posting lists sized for their ids.
fn shape_ok(ix: &Index, n: usize) -> bool {
    let c = &ix.cols;
    let lens = [c.ts.len(), c.level.len(), c.flags.len(), c.msg_start.len(), c.msg_len.len(), c.fp.len()];
    if c.offset_lo.len() != n || lens.iter().any(|&l| l != n) || c.ids.iter().any(|v| v.len() != n) {
        return false;
    }
    let postings = ix.postings.iter().enumerate().all(|(k, p)| {
        (p.starts.is_empty() && p.entries.is_empty())
            || (p.starts.len() == ix.ids[k].count() + 1
                && p.starts.first() == Some(&0)
                && p.starts.last().is_some_and(|&e| e as usize == p.entries.len()))
    });
    postings && ix.line_marks.len() == n.div_ceil(LINE_MARK as usize)
}

/// The values every reader relies on: offsets in order and inside the data, ids known to
/// their interner, arenas in order, posting lists in order and inside the entries. A cache
/// file whose checksum matched but that fails this (a bug, or a crafted file) is rebuilt,
/// never read out of bounds.
fn values_ok(ix: &Index, n: usize, data_len: u64) -> bool {
    let c = &ix.cols;
    if !c.offset_hi.windows(2).all(|w| w[0].row < w[1].row) || c.offset_hi.last().is_some_and(|r| r.row as usize >= n) {
        return false;
    }
    // Branch-free reductions (they vectorize): a whole pass costs a few ms at 1M entries.
    let ordered = if c.offset_hi.is_empty() {
        c.offset_lo.windows(2).fold(0u32, |bad, w| bad | u32::from(w[0] > w[1])) == 0
            && c.offset_lo.last().is_none_or(|&o| (o as u64) < data_len)
    } else {
        (1..n).all(|r| c.offset(r - 1) <= c.offset(r)) && (n == 0 || c.offset(n - 1) < data_len)
    };
    if !ordered || !ix.ids.iter().all(Interner::ends_ordered) {
        return false;
    }
    let max = |v: &[u32]| v.iter().fold(0u32, |m, &x| m.max(x));
    for (k, col) in c.ids.iter().enumerate() {
        let count = ix.ids[crate::index::interner_slot(crate::record::ID_KINDS[k])].count() as u32;
        if n > 0 && max(col) >= count {
            return false;
        }
    }
    ix.postings.iter().all(|p| {
        p.starts.windows(2).fold(0u32, |bad, w| bad | u32::from(w[0] > w[1])) == 0
            && (p.entries.is_empty() || (max(&p.entries) as usize) < n)
    })
}

/// The per-file numbers of a meta, for the `FileIndex` the caller assembles.
pub fn sample_of(meta: &Meta) -> Sample {
    Sample { body_start: meta.sample_body_start, end: meta.sample_end, reached_end: meta.sample_reached_end }
}
