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
//! read is trusted: the magic, version, lengths, both checksums and the structure of the
//! columns (`valid`) are checked before an index is made of it.

use super::Key;
use crate::col::{Col, Pod};
use crate::index::{FileIndex, HiRun, Index, Interner, Postings, LINE_MARK};
use crate::indexer::Sample;
use memmap2::Mmap;
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
pub fn read_meta(map: &Mmap) -> Option<Meta> {
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

fn body_start(map: &Mmap) -> usize {
    let len = map.get(8..12).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes) as usize;
    align(16 + len)
}

/// The body checksum matches the meta.
pub fn verify(map: &Mmap, meta: &Meta) -> bool {
    map.get(body_start(map)..).is_some_and(|body| crc32fast::hash(body) == meta.body_crc)
}

/// The index of a verified cache file, its columns viewing the mapping; `file` is the
/// source and format it describes. None when the structure does not hold together.
pub fn index(map: &Arc<Mmap>, meta: &Meta, file: FileIndex) -> Result<Index, Box<FileIndex>> {
    match columns(map, meta) {
        Some(mut ix) => {
            ix.files.push(file);
            if valid(&ix) {
                Ok(ix)
            } else {
                Err(Box::new(ix.files.pop().unwrap_or_else(|| unreachable!("pushed above"))))
            }
        }
        None => Err(Box::new(file)),
    }
}

/// The sections of a mapped cache file as an index without its file entry.
fn columns(map: &Arc<Mmap>, meta: &Meta) -> Option<Index> {
    let mut cur = Cursor { map, meta, at: body_start(map), no: 0 };
    let mut ix = Index {
        files: Vec::with_capacity(1),
        cols: Default::default(),
        ids: Default::default(),
        line_marks: Default::default(),
        postings: Default::default(),
        ts_stats: Default::default(),
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
    map: &'a Arc<Mmap>,
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

/// The structure every reader relies on: columns of one length, offsets in order and inside
/// the data, ids known to their interner, posting lists inside the entries, one line mark
/// per `LINE_MARK` entries. A cache file whose checksum matched but that fails this (a bug,
/// or a crafted file) is rebuilt, never read out of bounds.
fn valid(ix: &Index) -> bool {
    let Some(f) = ix.files.first() else { return false };
    let c = &ix.cols;
    let n = f.count as usize;
    let lens = [c.ts.len(), c.level.len(), c.flags.len(), c.msg_start.len(), c.msg_len.len(), c.fp.len()];
    if c.offset_lo.len() != n || lens.iter().any(|&l| l != n) || c.ids.iter().any(|v| v.len() != n) {
        return false;
    }
    if !c.offset_hi.windows(2).all(|w| w[0].row < w[1].row) || c.offset_hi.last().is_some_and(|r| r.row as usize >= n) {
        return false;
    }
    // Branch-free reductions (they vectorize): a whole pass costs a few ms at 1M entries.
    let data_len = f.source.data().len() as u64;
    let ordered = if c.offset_hi.is_empty() {
        c.offset_lo.windows(2).fold(0u32, |bad, w| bad | u32::from(w[0] > w[1])) == 0
            && c.offset_lo.last().is_none_or(|&o| (o as u64) < data_len)
    } else {
        (1..n).all(|r| c.offset(r - 1) <= c.offset(r)) && (n == 0 || c.offset(n - 1) < data_len)
    };
    if !ordered {
        return false;
    }
    let max = |v: &[u32]| v.iter().fold(0u32, |m, &x| m.max(x));
    for (k, col) in c.ids.iter().enumerate() {
        let count = ix.ids[crate::index::interner_slot(crate::record::ID_KINDS[k])].count() as u32;
        if n > 0 && max(col) >= count {
            return false;
        }
    }
    for (k, p) in ix.postings.iter().enumerate() {
        if p.starts.is_empty() && p.entries.is_empty() {
            continue;
        }
        let ok = p.starts.len() == ix.ids[k].count() + 1
            && p.starts.first() == Some(&0)
            && p.starts.windows(2).fold(0u32, |bad, w| bad | u32::from(w[0] > w[1])) == 0
            && p.starts.last().is_some_and(|&e| e as usize == p.entries.len())
            && (p.entries.is_empty() || (max(&p.entries) as usize) < n);
        if !ok {
            return false;
        }
    }
    ix.line_marks.len() == n.div_ceil(LINE_MARK as usize)
}

/// The per-file numbers of a meta, for the `FileIndex` the caller assembles.
pub fn sample_of(meta: &Meta) -> Sample {
    Sample { body_start: meta.sample_body_start, end: meta.sample_end, reached_end: meta.sample_reached_end }
}
