//! The columnar index: one row of fixed-width columns per entry, interned ids with posting
//! lists, and the sources the rows point into. Entries of all files share one global
//! numbering (file after file), so an entry is a `u32`.

use crate::bytes::bytes_eq;
use crate::col::{Col, Pod};
use crate::error::Result;
use crate::format::Format;
use crate::record::IdKind;
use crate::source::Source;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

/// `flags` column bits.
pub const FLAG_MSG_ESCAPED: u8 = 1;
/// The record has continuation lines after its first line.
pub const FLAG_MULTILINE: u8 = 2;
/// The message span did not fit the u16 columns; it is re-parsed from the record when needed.
pub const FLAG_MSG_LONG: u8 = 4;
/// The record is one element of a line holding many (an OTLP `resourceLogs` envelope): it
/// ends where its JSON object ends, not at the next record's offset (see `format::otlp`).
pub const FLAG_EMBEDDED: u8 = 16;
/// The timestamp had no year of its own (syslog `Jun 14 15:16:01`, glog): its year was
/// inferred, rolling over where the file crosses New Year.
pub const FLAG_YEAR_LESS: u8 = 8;

/// What a file's format and layout were learned from, so that a reopened or extended index
/// learns them again from the same bytes (`indexer::file_format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    /// 3 after a UTF-8 byte order mark, else 0.
    pub body_start: usize,
    /// The sample is spread over the data's first `end` bytes (its length when learned).
    pub end: usize,
    /// The sample's head read all of the data: more data could change what is learned.
    pub reached_end: bool,
}

impl Sample {
    /// All of `data` as its own sample: bytes indexed with a format known beforehand (a
    /// followed file's new records, `crate::watch`).
    pub fn whole(data: &[u8]) -> Sample {
        let body_start = if data.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        Sample { body_start, end: data.len(), reached_end: true }
    }
}

/// Column storage. Ids are interned per kind; 0 means "absent".
#[derive(Default, Clone)]
pub struct Columns {
    /// Low 32 bits of the byte offset of the record in its file's data (read it with
    /// `offset(row)`). A record runs to the next record's offset (or the end of the file),
    /// less trailing blank lines: no length column needed.
    pub offset_lo: Col<u32>,
    /// The high bits of the offsets, as runs: from row `.0` on (until the next run), the high
    /// word is `.1`; 0 before the first run. Empty unless a file is larger than 4 GiB, so the
    /// offset costs 4 bytes per entry instead of 8.
    pub offset_hi: Col<HiRun>,
    /// UTC nanoseconds; `i64::MIN` when the record has none.
    pub ts: Col<i64>,
    /// OpenTelemetry severity number (0 = none).
    pub level: Col<u8>,
    pub flags: Col<u8>,
    /// Message range relative to the record start (see `FLAG_MSG_LONG`).
    pub msg_start: Col<u16>,
    pub msg_len: Col<u16>,
    /// Trigram fingerprint of the message span (`crate::fingerprint`), letting a search skip
    /// survivors without reading their message; `fingerprint::ALL` where the span is not what
    /// a one-line message test examines (several lines, a long message, orphan records).
    pub fp: Col<u32>,
    pub ids: [Col<u32>; 6],
}

pub const NO_TS: i64 = i64::MIN;

/// A run of the offsets' high word: from row `row` on, the high word is `hi`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HiRun {
    pub row: u32,
    pub hi: u32,
}
// SAFETY: two u32 in a repr(C) struct: no padding, every bit pattern valid.
unsafe impl Pod for HiRun {}

impl Columns {
    pub fn len(&self) -> usize {
        self.offset_lo.len()
    }
    pub fn is_empty(&self) -> bool {
        self.offset_lo.is_empty()
    }
    /// Byte offset of row `row` in its file's data.
    #[inline]
    pub fn offset(&self, row: usize) -> u64 {
        let lo = self.offset_lo[row] as u64;
        if self.offset_hi.is_empty() {
            return lo;
        }
        let run = self.offset_hi.partition_point(|r| r.row as usize <= row);
        let hi = if run == 0 { 0 } else { self.offset_hi[run - 1].hi };
        (hi as u64) << 32 | lo
    }
    /// The high word in effect after the last row.
    fn last_hi(&self) -> u32 {
        self.offset_hi.last().map_or(0, |r| r.hi)
    }
    /// Appends the offset of a new row (call before pushing the row's other columns).
    #[inline]
    pub fn push_offset(&mut self, offset: u64) {
        let hi = (offset >> 32) as u32;
        if hi != self.last_hi() {
            self.offset_hi.push(HiRun { row: self.offset_lo.len() as u32, hi });
        }
        self.offset_lo.push(offset as u32);
    }
    /// Appends the offsets of `other`'s rows.
    pub fn extend_offsets(&mut self, other: &Columns) {
        if other.is_empty() {
            return;
        }
        let base = self.offset_lo.len() as u32;
        // `other`'s rows use high word 0 until its first run.
        let implicit = other.offset_hi.first().is_none_or(|r| r.row > 0).then_some(HiRun { row: 0, hi: 0 });
        for r in implicit.into_iter().chain(other.offset_hi.iter().copied()) {
            if r.hi != self.last_hi() {
                self.offset_hi.push(HiRun { row: base + r.row, hi: r.hi });
            }
        }
        self.offset_lo.extend_from_slice(&other.offset_lo);
    }
    /// Appends `other`'s rows, all columns but the ids (which need re-interning).
    pub fn extend_rows(&mut self, other: &Columns) {
        self.extend_offsets(other);
        self.ts.extend_from_slice(&other.ts);
        self.level.extend_from_slice(&other.level);
        self.flags.extend_from_slice(&other.flags);
        self.msg_start.extend_from_slice(&other.msg_start);
        self.msg_len.extend_from_slice(&other.msg_len);
        self.fp.extend_from_slice(&other.fp);
    }
    pub fn heap_bytes(&self) -> usize {
        self.offset_lo.capacity() * 4
            + self.offset_hi.capacity() * 8
            + self.ts.capacity() * 8
            + self.level.capacity()
            + self.flags.capacity()
            + self.msg_start.capacity() * 2
            + self.msg_len.capacity() * 2
            + self.fp.capacity() * 4
            + self.ids.iter().map(|v| v.capacity() * 4).sum::<usize>()
    }
    /// Makes room for `n` more rows. Columns mapped from a cache file are copied here
    /// (extending a reopened index), in parallel: at 1M entries that is ~45 MB.
    pub fn reserve(&mut self, n: usize) {
        let Columns { offset_lo, offset_hi: _, ts, level, flags, msg_start, msg_len, fp, ids } = self;
        let [i0, i1, i2, i3, i4, i5] = ids;
        rayon::scope(|s| {
            s.spawn(|_| offset_lo.reserve(n));
            s.spawn(|_| ts.reserve(n));
            s.spawn(|_| {
                level.reserve(n);
                flags.reserve(n);
                msg_start.reserve(n);
                msg_len.reserve(n);
            });
            s.spawn(|_| fp.reserve(n));
            for v in [i0, i1, i2, i3, i4, i5] {
                s.spawn(move |_| v.reserve(n));
            }
        });
    }
    pub fn shrink_to_fit(&mut self) {
        self.offset_lo.shrink_to_fit();
        self.offset_hi.shrink_to_fit();
        self.ts.shrink_to_fit();
        self.level.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.msg_start.shrink_to_fit();
        self.msg_len.shrink_to_fit();
        self.fp.shrink_to_fit();
        for v in &mut self.ids {
            v.shrink_to_fit();
        }
    }
}

/// Interned strings of one id kind, stored in one arena (no allocation per string).
/// Id 0 is the empty string ("absent").
///
/// Two savings, both worth several bytes per entry on logs with trace and span ids:
/// - when every id is lowercase hex of one even length (W3C trace ids: 32 digits, span ids:
///   16), the ids are packed two digits a byte at a fixed width: half the bytes, and no
///   `ends` array. They are packed as they are interned (the first name decides; the first
///   that does not fit unpacks them), so a build never holds the ids twice. `name` decodes
///   them again (into a buffer on the stack);
/// - the hash table that deduplicates strings (about 10 bytes per distinct id: a power-of-two
///   table at most 7/8 full) is dropped once the index is built (`seal`); the first lookup by
///   name (`get`, rare: a query naming an id) rebuilds it, which takes a few milliseconds.
#[derive(Clone)]
pub struct Interner {
    bytes: Col<u8>,
    /// `ends[id]` is the end of string `id` in `bytes`; it starts where `id - 1` ends.
    /// Empty when the ids are packed hex.
    ends: Col<u32>,
    /// Bytes per id when packed as hex (0: the plain arena).
    hex_width: usize,
    /// The build-time table (empty once sealed).
    table: HashTable<u32>,
    sealed: bool,
    /// The lookup table rebuilt after sealing.
    lookup: OnceLock<HashTable<u32>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            bytes: Col::default(),
            ends: vec![0].into(),
            hex_width: 0,
            table: HashTable::new(),
            sealed: false,
            lookup: OnceLock::new(),
        }
    }
}

#[inline]
fn hash_bytes(s: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// String `id` of an arena (`ends[0]` is 0, the empty string).
#[inline]
fn arena_name<'a>(bytes: &'a [u8], ends: &[u32], id: u32) -> &'a [u8] {
    &bytes[ends[id as usize - 1] as usize..ends[id as usize] as usize]
}

/// The bytes stored for `id` in an arena (`w == 0`) or a packed hex table of width `w`.
#[inline]
fn stored_in<'a>(bytes: &'a [u8], ends: &[u32], w: usize, id: u32) -> &'a [u8] {
    match w {
        0 => arena_name(bytes, ends, id),
        w => &bytes[(id as usize - 1) * w..id as usize * w],
    }
}

/// Longest id packed as hex, in bytes (64 hex digits).
const HEX_MAX: usize = 32;
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Packs lowercase hex digits (even count) into `out`; false on any other byte.
fn pack_hex(s: &[u8], out: &mut [u8]) -> bool {
    for (pair, o) in s.chunks_exact(2).zip(out.iter_mut()) {
        let (h, l) = (HEX_TABLE[pair[0] as usize], HEX_TABLE[pair[1] as usize]);
        if (h | l) & 0x80 != 0 {
            return false;
        }
        *o = h << 4 | l;
    }
    true
}

/// `HEX_TABLE[c]` is the value of hex digit `c` (lowercase only), 0xFF for any other byte.
static HEX_TABLE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 16 {
        t[HEX_DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The packed width of a name that can start a packed hex interner: lowercase hex digits,
/// an even count of at least 8 (W3C trace and span ids), at most `2 * HEX_MAX`.
fn hex_width_of(s: &[u8]) -> Option<usize> {
    let fits = s.len() >= 8 && s.len().is_multiple_of(2) && s.len() <= 2 * HEX_MAX;
    (fits && s.iter().all(|&c| HEX_TABLE[c as usize] != 0xFF)).then_some(s.len() / 2)
}

/// An id's name: borrowed from the arena, or decoded from packed hex into a stack buffer.
pub enum Name<'a> {
    Borrowed(&'a [u8]),
    Hex { buf: [u8; 2 * HEX_MAX], len: usize },
}

impl std::ops::Deref for Name<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Name::Borrowed(b) => b,
            Name::Hex { buf, len } => &buf[..*len],
        }
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}
impl Eq for Name<'_> {}
impl PartialOrd for Name<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Name<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl Interner {
    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if self.sealed {
            return self.intern_sealed(s);
        }
        // The first name decides whether the ids are packed hex; the first name that is not
        // hex of that width unpacks them for good.
        if self.count() == 1 && self.hex_width == 0 {
            if let Some(w) = hex_width_of(s) {
                self.hex_width = w;
                self.ends = Col::default();
            }
        }
        let mut packed = [0u8; HEX_MAX];
        let w = self.hex_width;
        if w > 0 && !(s.len() == 2 * w && pack_hex(s, &mut packed[..w])) {
            self.unpack_hex();
        }
        let key = if self.hex_width > 0 { &packed[..w] } else { s };
        self.intern_key(key)
    }

    /// Interns id `id` of another interner (a chunk's, merged into the file's): its packed
    /// bytes are taken as they are when both pack hex of one width, without decoding them.
    #[inline]
    pub fn intern_from(&mut self, other: &Interner, id: u32) -> u32 {
        if id == 0 {
            return 0;
        }
        if !self.sealed && self.hex_width > 0 && other.hex_width == self.hex_width {
            return self.intern_key(other.stored(id));
        }
        self.intern(&other.name(id))
    }

    /// Interns bytes as stored (packed when the interner is) during the build: the
    /// build-time table finds them, else they get the next id.
    #[inline]
    fn intern_key(&mut self, key: &[u8]) -> u32 {
        let h = hash_bytes(key);
        let (bytes, ends, w) = (&self.bytes, &self.ends, self.hex_width);
        if let Some(&id) = self.table.find(h, |&id| bytes_eq(stored_in(bytes, ends, w, id), key)) {
            return id;
        }
        let id = self.count() as u32;
        self.bytes.extend_from_slice(key);
        if w == 0 {
            self.ends.push(self.bytes.len() as u32);
        }
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table.insert_unique(h, id, |&id| hash_bytes(stored_in(bytes, ends, w, id)));
        id
    }
    /// Interning after `seal` (extending an index after an append): the lookup table finds
    /// existing names; a new one is appended, packed when it fits the packed hex width, and
    /// the packing is undone when it does not.
    fn intern_sealed(&mut self, s: &[u8]) -> u32 {
        if let Some(id) = self.get(s) {
            return id;
        }
        let w = self.hex_width;
        let mut packed = [0u8; HEX_MAX];
        if w > 0 && s.len() == 2 * w && pack_hex(s, &mut packed[..w]) {
            self.bytes.extend_from_slice(&packed[..w]);
        } else {
            self.unpack_hex();
            self.bytes.extend_from_slice(s);
            self.ends.push(self.bytes.len() as u32);
        }
        let id = self.count() as u32 - 1;
        let (bytes, ends, w) = (&self.bytes, &self.ends, self.hex_width);
        if let Some(table) = self.lookup.get_mut() {
            table.insert_unique(hash_bytes(stored_in(bytes, ends, w, id)), id, |&i| {
                hash_bytes(stored_in(bytes, ends, w, i))
            });
        }
        id
    }

    /// Interns many names into a sealed interner (extending an index after an append),
    /// giving new names ids in order, as interning them one by one would. Without the lookup
    /// table (an index reopened from the cache has none, and building it for a million span
    /// ids costs tens of milliseconds) the old names are scanned once against a small table
    /// of the new ones instead.
    pub fn intern_many_sealed<N: std::ops::Deref<Target = [u8]>>(&mut self, names: &[N]) -> Vec<u32> {
        if self.lookup.get().is_some() || !self.sealed {
            return names.iter().map(|n| self.intern(n)).collect();
        }
        let packable = |n: &[u8], w: usize| n.len() == 2 * w && pack_hex(n, &mut [0u8; HEX_MAX][..w]);
        if self.hex_width > 0 && names.iter().any(|n| !n.is_empty() && !packable(n, self.hex_width)) {
            self.unpack_hex();
        }
        let w = self.hex_width;
        // The names as stored (packed when the interner is).
        let keys: Vec<Vec<u8>> = names
            .iter()
            .map(|n| {
                if w == 0 || n.is_empty() {
                    return n.to_vec();
                }
                let mut k = vec![0u8; w];
                pack_hex(n, &mut k);
                k
            })
            .collect();
        // Each distinct new key once, by its first position.
        let mut small: HashTable<usize> = HashTable::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            if k.is_empty() {
                continue;
            }
            let h = hash_bytes(k);
            if small.find(h, |&j| keys[j] == *k).is_none() {
                small.insert_unique(h, i, |&j| hash_bytes(&keys[j]));
            }
        }
        let mut id_of = vec![0u32; keys.len()];
        if !small.is_empty() {
            for id in 1..self.count() as u32 {
                let s = self.stored(id);
                if let Some(&j) = small.find(hash_bytes(s), |&j| keys[j] == s) {
                    id_of[j] = id;
                }
            }
        }
        let mut out = vec![0u32; keys.len()];
        for (i, k) in keys.iter().enumerate() {
            if k.is_empty() {
                continue;
            }
            let Some(&j) = small.find(hash_bytes(k), |&j| keys[j] == *k) else { continue };
            if id_of[j] == 0 {
                self.bytes.extend_from_slice(k);
                if w == 0 {
                    self.ends.push(self.bytes.len() as u32);
                }
                id_of[j] = self.count() as u32 - 1;
            }
            out[i] = id_of[j];
        }
        out
    }

    /// Whether the build is over (`seal` ran).
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// Back from packed hex to the plain arena (a new id is not hex of the width).
    fn unpack_hex(&mut self) {
        if self.hex_width == 0 {
            return;
        }
        let n = self.count();
        let mut bytes = Vec::with_capacity(self.bytes.len() * 2);
        let mut ends = Vec::with_capacity(n);
        ends.push(0);
        for id in 1..n as u32 {
            bytes.extend_from_slice(&self.name(id));
            ends.push(bytes.len() as u32);
        }
        self.bytes = bytes.into();
        self.ends = ends.into();
        self.hex_width = 0;
        self.lookup = OnceLock::new();
        if !self.sealed {
            self.table = self.build_table();
        }
    }

    /// Makes room for `n` more distinct strings (an upper bound is fine: `seal` trims).
    pub fn reserve(&mut self, n: usize) {
        if self.sealed {
            return;
        }
        let w = self.hex_width;
        if w == 0 {
            self.ends.reserve(n);
        } else {
            self.bytes.reserve(n * w);
        }
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table.reserve(n, |&id| hash_bytes(stored_in(bytes, ends, w, id)));
    }
    /// The id of a name, if interned.
    pub fn get(&self, s: &[u8]) -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        let mut buf = [0u8; HEX_MAX];
        let key = if self.hex_width > 0 {
            let w = self.hex_width;
            if s.len() != 2 * w || !pack_hex(s, &mut buf[..w]) {
                return None;
            }
            &buf[..w]
        } else {
            s
        };
        let table = if self.sealed { self.lookup.get_or_init(|| self.build_table()) } else { &self.table };
        table.find(hash_bytes(key), |&id| self.stored(id) == key).copied()
    }
    /// The bytes stored for id (packed when hex); id in 1..count.
    #[inline]
    fn stored(&self, id: u32) -> &[u8] {
        stored_in(&self.bytes, &self.ends, self.hex_width, id)
    }
    fn build_table(&self) -> HashTable<u32> {
        let n = self.count();
        let mut t = HashTable::with_capacity(n);
        for id in 1..n as u32 {
            t.insert_unique(hash_bytes(self.stored(id)), id, |&id| hash_bytes(self.stored(id)));
        }
        t
    }
    /// The name of an id (empty for 0 or an unknown id).
    #[inline]
    pub fn name(&self, id: u32) -> Name<'_> {
        let i = id as usize;
        if i == 0 || i >= self.count() {
            return Name::Borrowed(&[]);
        }
        if self.hex_width == 0 {
            return Name::Borrowed(arena_name(&self.bytes, &self.ends, id));
        }
        let mut buf = [0u8; 2 * HEX_MAX];
        for (j, b) in self.stored(id).iter().enumerate() {
            buf[2 * j] = HEX_DIGITS[(b >> 4) as usize];
            buf[2 * j + 1] = HEX_DIGITS[(b & 15) as usize];
        }
        Name::Hex { buf, len: 2 * self.hex_width }
    }
    /// Number of ids including the reserved 0.
    pub fn count(&self) -> usize {
        match self.hex_width {
            0 => self.ends.len(),
            w => self.bytes.len() / w + 1,
        }
    }
    pub fn heap_bytes(&self) -> usize {
        let lookup = self.lookup.get().map_or(0, HashTable::capacity);
        self.bytes.capacity() + self.ends.capacity() * 4 + (self.table.capacity() + lookup) * 5
    }
    /// The stored arena, its ends and the packed hex width (to write the interner to a cache
    /// file). Only meaningful once sealed.
    pub fn parts(&self) -> (&Col<u8>, &Col<u32>, usize) {
        (&self.bytes, &self.ends, self.hex_width)
    }

    /// A sealed interner over stored parts (read back from a cache file); None when they do
    /// not form one (ends not starting at 0 or past the arena, a bad hex width). O(1): that
    /// the ends never decrease is a pass over them, `ends_ordered`, run with the other checks
    /// of a reopened index's values.
    pub fn from_parts(bytes: Col<u8>, ends: Col<u32>, hex_width: usize) -> Option<Interner> {
        let ok = if hex_width == 0 {
            ends.first() == Some(&0) && ends.last().is_some_and(|&e| e as usize <= bytes.len())
        } else {
            ends.is_empty() && hex_width <= HEX_MAX && bytes.len().is_multiple_of(hex_width)
        };
        ok.then(|| Interner { bytes, ends, hex_width, table: HashTable::new(), sealed: true, lookup: OnceLock::new() })
    }

    /// The ends of the arena never decrease (with `from_parts`: every name lies in it).
    pub fn ends_ordered(&self) -> bool {
        self.ends.windows(2).fold(0u32, |bad, w| bad | u32::from(w[0] > w[1])) == 0
    }

    /// Ends the build: drops the build-time table and trims (hex ids were packed as they were
    /// interned, see the type's doc).
    pub fn seal(&mut self) {
        self.table = HashTable::new();
        self.sealed = true;
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Posting lists in CSR form: the entries of id `i` are `entries[starts[i]..starts[i+1]]`,
/// in entry order.
#[derive(Default, Clone)]
pub struct Postings {
    pub starts: Col<u32>,
    pub entries: Col<u32>,
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
        Postings { starts: starts.into(), entries: entries.into() }
    }
    /// These lists extended by the rows `first_row..` whose ids are `tail`, for `id_count`
    /// ids (at least the old count): what `build` gives for the whole column, without
    /// sorting the old rows again.
    pub fn extended(&self, tail: &[u32], first_row: u32, id_count: usize) -> Postings {
        let old_ids = self.starts.len().saturating_sub(1);
        let mut added = vec![0u32; id_count + 1];
        for &id in tail {
            if id != 0 {
                added[id as usize + 1] += 1;
            }
        }
        for i in 1..added.len() {
            added[i] += added[i - 1];
        }
        let old_start = |i: usize| if old_ids == 0 { 0 } else { self.starts[i.min(old_ids)] };
        let starts: Vec<u32> = (0..=id_count).map(|i| old_start(i) + added[i]).collect();
        let mut entries = vec![0u32; starts[id_count] as usize];
        let mut fill = Vec::with_capacity(id_count);
        for (i, &at) in starts[..id_count].iter().enumerate() {
            let old =
                if i < old_ids { &self.entries[self.starts[i] as usize..self.starts[i + 1] as usize] } else { &[] };
            let at = at as usize;
            entries[at..at + old.len()].copy_from_slice(old);
            fill.push((at + old.len()) as u32);
        }
        for (r, &id) in tail.iter().enumerate() {
            if id != 0 {
                let slot = &mut fill[id as usize];
                entries[*slot as usize] = first_row + r as u32;
                *slot += 1;
            }
        }
        Postings { starts: starts.into(), entries: entries.into() }
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

/// Kinds that get posting lists.
pub const POSTING_KINDS: [IdKind; 2] = [IdKind::Request, IdKind::Trace];

/// Which interner holds a kind's ids.
#[inline]
pub fn interner_slot(kind: IdKind) -> usize {
    match kind {
        IdKind::Parent => IdKind::Span as usize,
        k => k as usize,
    }
}

/// Line numbers are kept for every `LINE_MARK`-th entry only; the others are counted from
/// the nearest mark (newlines between two record offsets), which costs about a microsecond
/// and saves 4 bytes per entry.
pub const LINE_MARK: u32 = 64;

/// Where a file's index came from (reported by `stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cached {
    /// Built, and not cached (caching off, or bytes given in memory).
    Off,
    /// Built and written to the cache.
    Built,
    /// Mapped from the cache.
    Hit,
    /// The cached index of a shorter version of the file, extended by the appended bytes.
    Extended,
}

impl Cached {
    pub fn as_str(self) -> &'static str {
        match self {
            Cached::Off => "off",
            Cached::Built => "built",
            Cached::Hit => "hit",
            Cached::Extended => "extended",
        }
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
    /// 1-based line of the file's first record.
    pub first_line: u32,
    /// How much of the file the format detection read.
    pub sample: Sample,
    pub cached: Cached,
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
    /// Interners by id kind. Parent span ids share the span interner (`IdKind::Parent`'s
    /// slot stays empty), so a parent id equals its span's id: use `interner(kind)`.
    pub ids: [Interner; 6],
    /// Line of every `LINE_MARK`-th entry (global numbering).
    pub line_marks: Col<u32>,
    /// Posting lists for the selective kinds only (request, trace): following a request or a
    /// trace costs O(its entries). Low-cardinality kinds (thread, service) and spans are
    /// answered by scanning their u32 column, which is faster than a list at that size and
    /// saves 4 bytes per entry each.
    pub postings: [Postings; 6],
    /// Earliest and latest timestamp and whether some record has none, found on first use:
    /// a query relative to the end of the data would otherwise scan the whole time column
    /// (8 MB at 1M entries) every time.
    pub ts_stats: OnceLock<TsStats>,
    /// The integrity check of an index reopened from a cache file, still running or done
    /// (None: built here, nothing to check). See `Pending` and `trusted`.
    pub pending: Option<std::sync::Arc<Pending>>,
}

/// The checks of an index reopened from a cache file that read every page of it (the body
/// checksum, the order and range of its values), run on a background thread from the open,
/// so that the open costs O(ms) instead of a pass over tens of MB. Nothing read from the
/// index is trusted before the outcome: an operation that ran meanwhile waits for it and is
/// discarded when it failed (`Session::checked`); extending or concatenating waits first.
pub struct Pending {
    outcome: OnceLock<bool>,
    job: std::sync::Mutex<Option<std::thread::JoinHandle<bool>>>,
}

impl Pending {
    /// Starts `check` on its own thread (a thread that cannot be started is a failed check:
    /// the index is rebuilt, never trusted unchecked).
    pub fn spawn(check: impl FnOnce() -> bool + Send + 'static) -> std::sync::Arc<Pending> {
        let job = std::thread::Builder::new().name("logsift-cache-check".into()).spawn(check).ok();
        std::sync::Arc::new(Pending { outcome: OnceLock::new(), job: std::sync::Mutex::new(job) })
    }

    /// Waits for the outcome: true when the index checked out.
    pub fn wait(&self) -> bool {
        *self.outcome.get_or_init(|| {
            let job = self.job.lock().unwrap_or_else(|p| p.into_inner()).take();
            job.is_some_and(|h| h.join().unwrap_or(false))
        })
    }

    /// True when the check is over and failed (does not wait).
    pub fn failed(&self) -> bool {
        if let Some(&ok) = self.outcome.get() {
            return !ok;
        }
        let done = self.job.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_none_or(|h| h.is_finished());
        done && !self.wait()
    }
}

/// See `Index::ts_stats`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TsStats {
    /// Earliest and latest timestamp (`None`: no record has one).
    pub bounds: Option<(i64, i64)>,
    /// Some record has no timestamp.
    pub missing: bool,
}

impl TsStats {
    /// The range of a run of the time column (`NO_TS` values left out, but noted).
    pub fn of(ts: &[i64]) -> TsStats {
        let (mut lo, mut hi, mut missing) = (i64::MAX, i64::MIN, false);
        for &t in ts {
            if t == NO_TS {
                missing = true;
            } else {
                lo = lo.min(t);
                hi = hi.max(t);
            }
        }
        TsStats { bounds: (lo <= hi).then_some((lo, hi)), missing }
    }
}

impl Index {
    /// Timestamp range of all records, and whether any lacks one.
    pub fn ts_stats(&self) -> TsStats {
        *self.ts_stats.get_or_init(|| TsStats::of(&self.cols.ts))
    }

    /// Earliest and latest timestamp of all records (`None` when none has one).
    pub fn ts_bounds(&self) -> Option<(i64, i64)> {
        self.ts_stats().bounds
    }

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

    /// 1-based line number of an entry's first line.
    pub fn line(&self, entry: u32) -> u32 {
        let f = &self.files[self.file_of(entry)];
        let mark = entry - entry % LINE_MARK;
        let (base, base_line) = if mark >= f.first {
            (mark, self.line_marks.get((mark / LINE_MARK) as usize).copied().unwrap_or(f.first_line))
        } else {
            (f.first, f.first_line)
        };
        if base == entry {
            return base_line;
        }
        let (a, b) = (self.cols.offset(base as usize) as usize, self.cols.offset(entry as usize) as usize);
        let data = f.source.data();
        base_line + memchr::memchr_iter(b'\n', data.get(a..b).unwrap_or(&[])).count() as u32
    }

    /// Byte range of an entry in its file's data: up to the next record, less trailing
    /// newlines and blank lines.
    #[inline]
    pub fn record_range(&self, entry: u32) -> (usize, usize) {
        let f = &self.files[self.file_of(entry)];
        self.record_range_in(f, entry)
    }

    /// `record_range` when the caller already knows the file.
    #[inline]
    pub fn record_range_in(&self, f: &FileIndex, entry: u32) -> (usize, usize) {
        let e = entry as usize;
        let data = f.source.data();
        let start = self.cols.offset(e) as usize;
        if self.cols.flags[e] & FLAG_EMBEDDED != 0 {
            let end = crate::format::json::skip_value(data, start).unwrap_or(start);
            return (start, end);
        }
        let mut end = if entry + 1 < f.first + f.count { self.cols.offset(e + 1) as usize } else { data.len() };
        while end > start && matches!(data[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
            end -= 1;
        }
        (start, end)
    }

    /// The raw bytes of an entry (all its lines).
    pub fn raw(&self, entry: u32) -> &[u8] {
        let f = &self.files[self.file_of(entry)];
        let (s, e) = self.record_range_in(f, entry);
        &f.source.data()[s..e]
    }

    /// Message span (start, len) relative to the record start.
    pub fn message_span(&self, entry: u32) -> (usize, usize) {
        let e = entry as usize;
        if self.cols.flags[e] & FLAG_MSG_LONG == 0 {
            return (self.cols.msg_start[e] as usize, self.cols.msg_len[e] as usize);
        }
        let f = &self.files[self.file_of(entry)];
        let raw = self.raw(entry);
        let line_end = memchr::memchr(b'\n', raw).unwrap_or(raw.len());
        let line = &raw[..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut p = crate::record::Parsed::default();
        if f.format.parse(line, &mut p) {
            (p.message.start as usize, p.message.len as usize)
        } else {
            (0, line.len())
        }
    }

    /// The message bytes as stored (JSON-escaped when `FLAG_MSG_ESCAPED`).
    pub fn message_bytes(&self, entry: u32) -> &[u8] {
        let raw = self.raw(entry);
        let (s, l) = self.message_span(entry);
        raw.get(s..s + l).unwrap_or(&[])
    }

    /// The interner holding ids of `kind` (parent spans share the span interner).
    pub fn interner(&self, kind: IdKind) -> &Interner {
        &self.ids[interner_slot(kind)]
    }

    pub fn id(&self, kind: IdKind, entry: u32) -> u32 {
        self.cols.ids[kind as usize].get(entry as usize).copied().unwrap_or(0)
    }

    pub fn id_name(&self, kind: IdKind, id: u32) -> Name<'_> {
        self.interner(kind).name(id)
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
            + self.line_marks.capacity() * 4
    }

    /// Waits for the integrity check of an index reopened from a cache file (see `Pending`);
    /// true at once for an index built here.
    pub fn trusted(&self) -> bool {
        self.pending.as_ref().is_none_or(|p| p.wait())
    }

    /// True when the integrity check of a reopened index is over and failed (does not wait).
    pub fn damaged(&self) -> bool {
        self.pending.as_ref().is_some_and(|p| p.failed())
    }

    /// Fails when a read of a mapped source faulted, or a source was found changed before
    /// (see `Source::check_faults`), or a read of the cache file the index is mapped from
    /// faulted; no system call.
    pub fn check_faults(&self) -> Result<()> {
        for f in &self.files {
            f.source.check_faults()?;
        }
        self.check_cache()
    }

    /// Fails with SOURCE_CHANGED when a read of the cache file the index is mapped from
    /// faulted (`cache_faulted`).
    fn check_cache(&self) -> Result<()> {
        if self.cache_faulted() {
            let path = self.files.first().map_or("", |f| f.source.path.as_str());
            return Err(crate::error::Error::new(
                crate::error::Code::SourceChanged,
                format!("the cached index of {path} was truncated while being read; re-open it"),
            )
            .at(path));
        }
        Ok(())
    }

    /// True when a read of a cache file some part of the index is mapped from faulted (the
    /// file was truncated under it, so the part may have read as zeros). One atomic load per
    /// part, no system call.
    pub fn cache_faulted(&self) -> bool {
        let c = &self.cols;
        c.offset_lo.faulted()
            || c.offset_hi.faulted()
            || c.ts.faulted()
            || c.level.faulted()
            || c.flags.faulted()
            || c.msg_start.faulted()
            || c.msg_len.faulted()
            || c.fp.faulted()
            || c.ids.iter().any(Col::faulted)
            || self.ids.iter().any(|i| i.parts().0.faulted() || i.parts().1.faulted())
            || self.postings.iter().any(|p| p.starts.faulted() || p.entries.faulted())
            || self.line_marks.faulted()
    }

    /// Fails when a mapped source was truncated or rewritten since it was indexed (see
    /// `Source::check_readable`).
    pub fn check_sources(&self) -> Result<()> {
        for f in &self.files {
            f.source.check_readable()?;
        }
        self.check_cache()
    }

    /// Extends the posting lists of `prev` (the same index before rows `first_row..` were
    /// appended) to this index's rows.
    pub fn extend_postings(&mut self, prev: &Index, first_row: usize) {
        for kind in POSTING_KINDS {
            let k = kind as usize;
            let tail = &self.cols.ids[k][first_row..];
            self.postings[k] = prev.postings[k].extended(tail, first_row as u32, self.ids[k].count());
        }
    }

    /// Builds the posting lists (one per kind, in parallel unless `parallel` is false).
    pub fn build_postings(&mut self, parallel: bool) {
        let build = |kind: &IdKind| Postings::build(&self.cols.ids[*kind as usize], self.ids[*kind as usize].count());
        let lists: Vec<Postings> = if parallel {
            use rayon::prelude::*;
            POSTING_KINDS.par_iter().map(build).collect()
        } else {
            POSTING_KINDS.iter().map(build).collect()
        };
        for (kind, list) in POSTING_KINDS.iter().zip(lists) {
            self.postings[*kind as usize] = list;
        }
    }

    /// Native heap by part, in bytes per entry (for profiling the memory budget).
    pub fn heap_report(&self) -> String {
        let n = self.len().max(1) as f64;
        let per = |b: usize| b as f64 / n;
        let ids: Vec<String> = crate::record::ID_KINDS
            .iter()
            .map(|k| format!("{}={:.1}", k.name(), per(self.ids[*k as usize].heap_bytes())))
            .collect();
        format!(
            "columns {:.1}, postings {:.1}, line marks {:.1}, ids {} (B/entry)",
            per(self.cols.heap_bytes()),
            per(self.postings.iter().map(Postings::heap_bytes).sum()),
            per(self.line_marks.capacity() * 4),
            ids.join(" ")
        )
    }

    /// Entries whose id of `kind` is `id`, in entry order: the posting list when the kind has
    /// one, else a scan of the column.
    pub fn entries_with(&self, kind: IdKind, id: u32) -> std::borrow::Cow<'_, [u32]> {
        let k = kind as usize;
        if POSTING_KINDS.contains(&kind) {
            return std::borrow::Cow::Borrowed(self.postings[k].of(id));
        }
        if id == 0 {
            return std::borrow::Cow::Owned(Vec::new());
        }
        std::borrow::Cow::Owned(positions_of(&self.cols.ids[k], id))
    }
}

/// Positions (entry numbers) where `col` holds `id`, in order. Kinds without a posting list
/// (threads, spans) are followed by this scan, so it is built for speed: 16 values are compared
/// at a time into a bit mask, and set bits are walked only where there is a match. On x86_64
/// the compare is SSE2 (part of the baseline, no detection needed): under 2 instructions per
/// entry, walk included, against 7 for a filter over every element and 3.4 for the portable
/// loop below, which the compiler does not turn into a bit mask by itself (callgrind, 1M
/// entries). Splitting it over rayon gained nothing measurable on 2 cores.
pub fn positions_of(col: &[u32], id: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut chunks = col.chunks_exact(16);
    let mut at = 0u32;
    for c in &mut chunks {
        let mut mask = eq_mask16(c, id);
        while mask != 0 {
            out.push(at + mask.trailing_zeros());
            mask &= mask - 1;
        }
        at += 16;
    }
    for (j, &v) in chunks.remainder().iter().enumerate() {
        if v == id {
            out.push(at + j as u32);
        }
    }
    out
}

/// Bit `j` set where `c[j] == id`, for a chunk of 16 values.
#[inline]
fn eq_mask16(c: &[u32], id: u32) -> u32 {
    debug_assert_eq!(c.len(), 16);
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_castsi128_ps, _mm_cmpeq_epi32, _mm_loadu_si128, _mm_movemask_ps, _mm_set1_epi32};
        if c.len() == 16 {
            // SAFETY: SSE2 is part of the x86_64 baseline; the four unaligned 16-byte loads
            // read c[0..16], which the length check above guarantees is in bounds.
            unsafe {
                let needle = _mm_set1_epi32(id as i32);
                let p = c.as_ptr() as *const std::arch::x86_64::__m128i;
                let m = |i: usize| {
                    _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_loadu_si128(p.add(i)), needle))) as u32
                };
                return m(0) | m(1) << 4 | m(2) << 8 | m(3) << 12;
            }
        }
    }
    let mut mask = 0u32;
    for (j, &v) in c.iter().enumerate() {
        mask |= ((v == id) as u32) << j;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_matches_a_plain_filter() {
        // Lengths around the 16-wide chunks and the parallel split, ids dense and sparse.
        for n in [0usize, 1, 15, 16, 17, 33, 1000, 5000] {
            let col: Vec<u32> = (0..n as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) % 5).collect();
            for id in [0, 1, 4, 9] {
                let want: Vec<u32> = (0..n as u32).filter(|&i| col[i as usize] == id).collect();
                assert_eq!(positions_of(&col, id), want, "n={n} id={id}");
            }
        }
    }

    #[test]
    fn offsets_beyond_4_gib_keep_their_high_bits() {
        const G4: u64 = 1 << 32;
        // Two chunks of one large file, then a second small file (offsets restart at 0).
        let mut a = Columns::default();
        for o in [5, 100, G4 + 3, G4 + 9] {
            a.push_offset(o);
        }
        let mut b = Columns::default();
        for o in [G4 + 20, 2 * G4, 3 * G4 + 1] {
            b.push_offset(o);
        }
        let mut c = Columns::default();
        for o in [0, 7] {
            c.push_offset(o);
        }
        let mut all = Columns::default();
        for part in [&a, &b, &c] {
            all.extend_offsets(part);
        }
        let want = [5, 100, G4 + 3, G4 + 9, G4 + 20, 2 * G4, 3 * G4 + 1, 0, 7];
        let got: Vec<u64> = (0..all.len()).map(|r| all.offset(r)).collect();
        assert_eq!(got, want);
        let runs: Vec<(u32, u32)> = all.offset_hi.iter().map(|r| (r.row, r.hi)).collect();
        assert_eq!(runs, vec![(2, 1), (5, 2), (6, 3), (7, 0)]);
        // Small files need no runs at all.
        let mut small = Columns::default();
        small.extend_offsets(&c);
        small.extend_offsets(&c);
        assert!(small.offset_hi.is_empty());
        assert_eq!(small.offset(3), 7);
    }

    fn sealed(names: &[&str]) -> (Interner, Vec<u32>) {
        let mut i = Interner::default();
        let ids = names.iter().map(|n| i.intern(n.as_bytes())).collect();
        i.seal();
        (i, ids)
    }

    #[test]
    fn hex_ids_are_packed_and_read_back() {
        let names = [
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7a3ce929d0e0e4736",
            "ffffffffffffffff0000000000000000",
        ];
        let (i, ids) = sealed(&names);
        assert_eq!(i.hex_width, 16);
        assert!(i.ends.is_empty());
        assert_eq!(i.count(), 4);
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!(&*i.name(*id), n.as_bytes());
            assert_eq!(i.get(n.as_bytes()), Some(*id));
        }
        assert_eq!(&*i.name(0), b"");
        assert_eq!(&*i.name(9), b"");
        // Not lowercase hex of the width: not found, no panic.
        assert_eq!(i.get(b"4BF92F3577B34DA6A3CE929D0E0E4736"), None);
        assert_eq!(i.get(b"4bf9"), None);
        assert_eq!(i.get(b"zz"), None);
    }

    #[test]
    fn other_ids_stay_plain() {
        for names in [
            &["abcdef0123456789", "ABCDEF0123456789"][..],
            &["0123456789abcdef01", "0123456789abcdef"],
            // Lengths 14 and 18 fill the arena like two of 16 would.
            &["0123456789abcd", "0123456789abcdef01"],
            &["req-1", "req-2"],
            &["abcd", "ef01"],
        ] {
            let (i, ids) = sealed(names);
            assert_eq!(i.hex_width, 0, "{names:?}");
            for (n, id) in names.iter().zip(&ids) {
                assert_eq!(&*i.name(*id), n.as_bytes());
                assert_eq!(i.get(n.as_bytes()), Some(*id));
            }
            assert_eq!(i.get(b"nope"), None);
        }
    }
}
