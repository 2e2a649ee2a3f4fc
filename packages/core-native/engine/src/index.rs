//! The columnar index: one row of fixed-width columns per entry, interned ids with posting
//! lists, and the sources the rows point into. Entries of all files share one global
//! numbering (file after file), so an entry is a `u32`.

use crate::error::Result;
use crate::format::Format;
use crate::record::{IdKind, ID_KINDS};
use crate::source::Source;
use rustc_hash::FxHashMap;

/// `flags` column bits.
pub const FLAG_MSG_ESCAPED: u8 = 1;
/// The record has continuation lines after its first line.
pub const FLAG_MULTILINE: u8 = 2;

/// Column storage. Ids are interned per kind; 0 means "absent".
#[derive(Default)]
pub struct Columns {
    /// Byte offset of the record in its file's data.
    pub offset: Vec<u64>,
    /// Record length in bytes (all its lines, without the final newline).
    pub len: Vec<u32>,
    /// 1-based line number of the record's first line.
    pub line: Vec<u32>,
    /// UTC nanoseconds; `i64::MIN` when the record has none.
    pub ts: Vec<i64>,
    /// OpenTelemetry severity number (0 = none).
    pub level: Vec<u8>,
    pub flags: Vec<u8>,
    /// Message range relative to the record start.
    pub msg_start: Vec<u32>,
    pub msg_len: Vec<u32>,
    pub ids: [Vec<u32>; 6],
}

pub const NO_TS: i64 = i64::MIN;

impl Columns {
    pub fn len(&self) -> usize {
        self.offset.len()
    }
    pub fn is_empty(&self) -> bool {
        self.offset.is_empty()
    }
    pub fn heap_bytes(&self) -> usize {
        self.offset.capacity() * 8
            + self.len.capacity() * 4
            + self.line.capacity() * 4
            + self.ts.capacity() * 8
            + self.level.capacity()
            + self.flags.capacity()
            + self.msg_start.capacity() * 4
            + self.msg_len.capacity() * 4
            + self.ids.iter().map(|v| v.capacity() * 4).sum::<usize>()
    }
    pub fn shrink_to_fit(&mut self) {
        self.offset.shrink_to_fit();
        self.len.shrink_to_fit();
        self.line.shrink_to_fit();
        self.ts.shrink_to_fit();
        self.level.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.msg_start.shrink_to_fit();
        self.msg_len.shrink_to_fit();
        for v in &mut self.ids {
            v.shrink_to_fit();
        }
    }
}

/// Interned strings of one id kind. Id 0 is the empty string ("absent").
pub struct Interner {
    map: FxHashMap<Box<[u8]>, u32>,
    names: Vec<Box<[u8]>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { map: FxHashMap::default(), names: vec![Box::from(&b""[..])] }
    }
}

impl Interner {
    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(Box::from(s));
        self.map.insert(Box::from(s), id);
        id
    }
    pub fn get(&self, s: &[u8]) -> Option<u32> {
        self.map.get(s).copied()
    }
    pub fn name(&self, id: u32) -> &[u8] {
        self.names.get(id as usize).map_or(&[][..], |b| b)
    }
    /// Number of ids including the reserved 0.
    pub fn count(&self) -> usize {
        self.names.len()
    }
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self.names.iter().map(|n| n.len()).sum();
        // Each name is stored twice (map key and list) plus table overhead.
        strings * 2 + self.names.capacity() * 16 + self.map.capacity() * 24
    }
}

/// Posting lists in CSR form: the entries of id `i` are `entries[starts[i]..starts[i+1]]`,
/// in entry order.
#[derive(Default)]
pub struct Postings {
    pub starts: Vec<u32>,
    pub entries: Vec<u32>,
}

impl Postings {
    /// Counting sort of a column: O(entries + ids).
    pub fn build(column: &[u32], id_count: usize) -> Postings {
        if column.is_empty() {
            return Postings::default();
        }
        let mut starts = vec![0u32; id_count + 1];
        for &id in column {
            if id != 0 {
                starts[id as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut entries = vec![0u32; starts[id_count] as usize];
        for (e, &id) in column.iter().enumerate() {
            if id != 0 {
                let slot = &mut fill[id as usize];
                entries[*slot as usize] = e as u32;
                *slot += 1;
            }
        }
        Postings { starts, entries }
    }
    pub fn of(&self, id: u32) -> &[u32] {
        let i = id as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.entries[a as usize..b as usize],
            _ => &[],
        }
    }
    pub fn heap_bytes(&self) -> usize {
        (self.starts.capacity() + self.entries.capacity()) * 4
    }
}

/// One indexed input.
pub struct FileIndex {
    pub source: Source,
    pub format: Format,
    /// First global entry number of this file, and how many entries it has.
    pub first: u32,
    pub count: u32,
    /// Lines in the file (including continuation and blank lines).
    pub lines: u64,
}

impl FileIndex {
    pub fn entries(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.count
    }
}

/// The whole index of an investigation.
pub struct Index {
    pub files: Vec<FileIndex>,
    pub cols: Columns,
    pub ids: [Interner; 6],
    /// Posting lists for every id kind except `Parent` (a span's parent is looked up through
    /// the span's own entries).
    pub postings: [Postings; 6],
}

impl Index {
    pub fn len(&self) -> usize {
        self.cols.len()
    }
    pub fn is_empty(&self) -> bool {
        self.cols.is_empty()
    }

    /// The file an entry belongs to.
    pub fn file_of(&self, entry: u32) -> usize {
        self.files.partition_point(|f| f.first + f.count <= entry)
    }

    /// The raw bytes of an entry (all its lines).
    pub fn raw(&self, entry: u32) -> &[u8] {
        let e = entry as usize;
        let f = &self.files[self.file_of(entry)];
        let start = self.cols.offset[e] as usize;
        let end = start + self.cols.len[e] as usize;
        f.source.data().get(start..end).unwrap_or(&[])
    }

    /// The message bytes as stored (JSON-escaped when `FLAG_MSG_ESCAPED`).
    pub fn message_bytes(&self, entry: u32) -> &[u8] {
        let e = entry as usize;
        let raw = self.raw(entry);
        let s = self.cols.msg_start[e] as usize;
        raw.get(s..s + self.cols.msg_len[e] as usize).unwrap_or(&[])
    }

    pub fn id(&self, kind: IdKind, entry: u32) -> u32 {
        self.cols.ids[kind as usize].get(entry as usize).copied().unwrap_or(0)
    }

    pub fn id_name(&self, kind: IdKind, id: u32) -> &[u8] {
        self.ids[kind as usize].name(id)
    }

    pub fn ts(&self, entry: u32) -> Option<i64> {
        let t = self.cols.ts[entry as usize];
        (t != NO_TS).then_some(t)
    }

    /// Native heap held by the index (columns, ids, postings), not counting the sources.
    pub fn heap_bytes(&self) -> usize {
        self.cols.heap_bytes()
            + self.ids.iter().map(Interner::heap_bytes).sum::<usize>()
            + self.postings.iter().map(Postings::heap_bytes).sum::<usize>()
    }

    /// Fails when a mapped source was truncated since it was indexed (see `Source`).
    pub fn check_sources(&self) -> Result<()> {
        for f in &self.files {
            f.source.check_readable()?;
        }
        Ok(())
    }

    pub fn build_postings(&mut self) {
        for kind in ID_KINDS {
            if kind == IdKind::Parent {
                continue;
            }
            let k = kind as usize;
            self.postings[k] = Postings::build(&self.cols.ids[k], self.ids[k].count());
        }
    }
}
