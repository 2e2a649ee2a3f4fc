//! The persistent index: after a file is indexed, its index is written to a cache directory
//! (one file per source file, `layout`), and the next open of the unchanged file maps it
//! back in O(ms) instead of parsing the file again. A file that only grew since is indexed
//! for its new bytes only (`indexer::extend`) and its cache file rewritten.
//!
//! Key: the file's identity (device, inode, size, mtime), the options that change the index
//! (format, timezone, year) and a checksum of the file's first and last 4 KiB. The cache
//! file's name is derived from (device, inode, options) alone, so a grown file finds the
//! index of its old size. Files are written to a temporary name and renamed: a reader sees
//! a whole file or none, and two processes building the same file both write whole files
//! (the last rename wins; both are correct). Anything that does not check out (magic,
//! version, checksums, structure, key) is rebuilt, never trusted.
//!
//! Compressed inputs are cached by file identity like plain files (their index is over the
//! decompressed bytes, which are decompressed again on every open); an append to them is a
//! re-index. Bytes given in memory (stdin) are not cached.

mod layout;
mod store;

pub use store::{clear, list, CacheEntry};

use crate::error::Result;
use crate::index::{Cached, FileIndex, Index, Pending};
use crate::indexer::{self, Control, OpenOptions};
use crate::mapped::Mapping;
use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the cache lives and how large it may grow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub dir: PathBuf,
    /// Bound on the directory's total size; least recently used files are removed beyond it.
    pub max_bytes: u64,
}

/// Default bound: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

impl Config {
    /// `$LOGSIFT_CACHE_DIR`, else `$XDG_CACHE_HOME/logsift`, else `~/.cache/logsift`; the bound
    /// from `$LOGSIFT_CACHE_MAX_BYTES` (default 2 GiB). None when no directory can be named.
    pub fn from_env() -> Option<Config> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dir = var("LOGSIFT_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("logsift")))
            .or_else(|| var("HOME").map(|h| h.join(".cache").join("logsift")))?;
        Some(Config { dir, max_bytes: env_max_bytes() })
    }
    pub fn at(dir: impl Into<PathBuf>) -> Config {
        Config { dir: dir.into(), max_bytes: env_max_bytes() }
    }
}

fn env_max_bytes() -> u64 {
    std::env::var("LOGSIFT_CACHE_MAX_BYTES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_MAX_BYTES)
}

/// What a cache file was built for.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    /// The path it was opened by (for `list`; not part of the identity).
    pub path: String,
    pub dev: u64,
    pub ino: u64,
    /// Size on disk and modification time.
    pub size: u64,
    pub mtime_ns: i64,
    /// Length of the (decompressed) data, and crc32 of its first and last 4 KiB.
    pub data_len: u64,
    pub head: u32,
    pub tail: u32,
    /// The options that change the index.
    pub options: String,
}

const EDGE: usize = 4096;

fn head_crc(data: &[u8], len: usize) -> u32 {
    crc32fast::hash(&data[..len.min(EDGE).min(data.len())])
}

fn tail_crc(data: &[u8], len: usize) -> u32 {
    let end = len.min(data.len());
    crc32fast::hash(&data[end.saturating_sub(EDGE)..end])
}

/// The options that change what the index of a file holds (not chunk size or threading).
pub fn options_key(opts: &OpenOptions) -> String {
    let tz = match opts.tz {
        crate::time::Tz::Fixed(off) => off.to_string(),
        // A zone by name: its rules come from the bundled database, fixed for a build.
        crate::time::Tz::Rules(z) => z.name.clone(),
    };
    format!("format={:?};tz={tz};year={:?}", opts.format, opts.year)
}

impl Key {
    /// The key of an opened source; None for sources that are not files.
    pub fn of(src: &Source, opts: &OpenOptions) -> Option<Key> {
        let (dev, ino) = src.file_id()?;
        let data = src.data();
        Some(Key {
            path: src.path.clone(),
            dev,
            ino,
            size: src.size,
            mtime_ns: src.mtime_ns,
            data_len: data.len() as u64,
            head: head_crc(data, data.len()),
            tail: tail_crc(data, data.len()),
            options: options_key(opts),
        })
    }

    /// The cache file's name: the same for every size of one file under one set of options.
    fn file_name(&self) -> String {
        let mut h = Fnv::default();
        h.write(&self.dev.to_le_bytes());
        h.write(&self.ino.to_le_bytes());
        h.write(self.options.as_bytes());
        format!("{:016x}.lsx", h.0)
    }

    fn same_file(&self, other: &Key) -> bool {
        self.dev == other.dev && self.ino == other.ino && self.options == other.options
    }
}

/// FNV-1a, 64 bits: a stable hash for file names (std's hasher may change between releases).
struct Fnv(u64);
impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}
impl Fnv {
    fn write(&mut self, b: &[u8]) {
        for &c in b {
            self.0 = (self.0 ^ c as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// How an old cache relates to the file as it is now.
enum Relation {
    Same,
    /// The file grew and its first `old` bytes are the ones indexed.
    Grown,
    Other,
}

fn relate(old: &Key, now: &Key, data: &[u8]) -> Relation {
    if !old.same_file(now) {
        return Relation::Other;
    }
    let same = old.size == now.size
        && old.mtime_ns == now.mtime_ns
        && old.data_len == now.data_len
        && old.head == now.head
        && old.tail == now.tail;
    if same {
        return Relation::Same;
    }
    let len = old.data_len as usize;
    if now.data_len > old.data_len && head_crc(data, len) == old.head && tail_crc(data, len) == old.tail {
        return Relation::Grown;
    }
    Relation::Other
}

/// Maps a cache file read-only, through the SIGBUS-safe registry: the cache writes files
/// under a temporary name and renames them, but another process (`cache clear` on an older
/// build, a disk tool) may truncate one under a reader; its reads then see zeros and count a
/// fault, which the running operation reports as SOURCE_CHANGED (`Index::check_faults`)
/// and a long-lived session answers by opening again (`Session::refreshed`).
fn map_file(path: &Path) -> Result<Arc<Mapping>> {
    let file = std::fs::File::open(path).map_err(|e| crate::error::Error::io(&path.to_string_lossy(), &e))?;
    Ok(Arc::new(Mapping::map(&file, &path.to_string_lossy())?))
}

/// The cached index of one source, as a mapped one-file index, and how the file relates to
/// it (the same, or grown since: then the index covers the first `data_len` bytes of the
/// key it returns). Gives the source back when the cache has no usable entry (absent, other
/// version, corrupt, other key).
// A miss hands the source back to be indexed: it is moved once, so its size does not matter.
#[allow(clippy::result_large_err)]
fn load(cfg: &Config, key: &Key, src: Source, opts: &OpenOptions) -> std::result::Result<(Index, Key, bool), Source> {
    let path = cfg.dir.join(key.file_name());
    let Ok(map) = map_file(&path) else { return Err(src) };
    let Some(meta) = layout::read_meta(&map) else { return Err(src) };
    let same = match relate(&meta.key, key, src.data()) {
        Relation::Same => true,
        Relation::Grown => false,
        Relation::Other => return Err(src),
    };
    let Ok(forced) = opts.format.as_deref().map(crate::format::Spec::parse).transpose() else { return Err(src) };
    let sample = layout::sample_of(&meta);
    let upto = Some(sample.end);
    let (format, _) = indexer::file_format(src.data(), opts, forced.as_ref(), meta.key.mtime_ns, upto);
    let data_len = src.data().len() as u64;
    let file = FileIndex {
        source: src,
        format,
        first: 0,
        count: meta.count,
        lines: meta.lines,
        first_line: meta.first_line,
        sample,
        cached: Cached::Hit,
    };
    match layout::index(&map, &meta, file) {
        Ok(mut ix) => {
            // The pass over every page runs beside whatever the caller does next; a cache
            // file that fails it is removed, so the open that follows rebuilds it.
            let m = meta.clone();
            ix.pending = Some(Pending::spawn(move || {
                let ok = layout::body_ok(&map, &m, data_len);
                if !ok {
                    let _ = std::fs::remove_file(&path);
                }
                ok
            }));
            Ok((ix, meta.key, same))
        }
        Err(file) => Err(file.source),
    }
}

/// Opens one source through the cache: a hit maps the stored index, a grown file extends it,
/// anything else is built. The result is written back (errors writing the cache are not
/// errors of the open: the index is still right, only not kept).
pub fn open_source(src: Source, opts: &OpenOptions, cfg: &Config, ctl: &Control) -> Result<Index> {
    let Some(key) = Key::of(&src, opts) else { return indexer::build(vec![src], opts, ctl) };
    let src = match load(cfg, &key, src, opts) {
        Ok((ix, _, true)) => {
            store::touch(&cfg.dir.join(key.file_name()));
            return Ok(ix);
        }
        Ok((mut old, old_key, false)) => match old.files.pop() {
            Some(f) => match indexer::extend(&old_part(old, &f), old_key.data_len as usize, f.source, opts, ctl)? {
                Ok(mut ix) => {
                    ix.files[0].cached = Cached::Extended;
                    if worth_rewriting(f.count as usize, ix.len()) {
                        save(cfg, &ix, opts);
                    } else {
                        store::touch(&cfg.dir.join(key.file_name()));
                    }
                    return Ok(ix);
                }
                Err(src) => src,
            },
            None => return indexer::build(Vec::new(), opts, ctl),
        },
        Err(src) => src,
    };
    let mut ix = indexer::build(vec![src], opts, ctl)?;
    ix.files[0].cached = Cached::Built;
    save(cfg, &ix, opts);
    Ok(ix)
}

/// `old` with its file entry back, but as an in-memory view over nothing: `extend` reads
/// only the old columns and the per-file numbers of a previous index (the bytes are the new
/// source's).
fn old_part(mut old: Index, f: &FileIndex) -> Index {
    old.files.push(FileIndex {
        source: Source::empty(&f.source.path),
        format: f.format.clone(),
        first: 0,
        count: f.count,
        lines: f.lines,
        first_line: f.first_line,
        sample: f.sample,
        cached: f.cached,
    });
    old
}

/// Extends or rebuilds a one-file index whose file changed (a long-lived process re-checking
/// its sources), writing the cache when one is configured. None when the file is unchanged.
pub fn refresh_file(prev: &Index, opts: &OpenOptions, cfg: Option<&Config>, ctl: &Control) -> Result<Option<Index>> {
    let [f] = &prev.files[..] else { return Ok(None) };
    if !f.source.changed() {
        return Ok(None);
    }
    let src = Source::open(&f.source.path, &opts.limits)?;
    let old_len = f.source.data().len();
    // The old mapping is read (its last 4 KiB) only when the same file is now longer, so the
    // bytes are there.
    let grown = f.source.compression.is_none()
        && src.file_id().is_some()
        && src.file_id() == f.source.file_id()
        && src.data().len() > old_len
        && match (Key::of(&f.source, opts), Key::of(&src, opts)) {
            (Some(old), Some(now)) => matches!(relate(&old, &now, src.data()), Relation::Grown),
            _ => false,
        };
    let src = if grown {
        match indexer::extend(prev, old_len, src, opts, ctl)? {
            Ok(mut ix) => {
                ix.files[0].cached = if cfg.is_some() { Cached::Extended } else { Cached::Off };
                if let Some(cfg) = cfg.filter(|_| worth_rewriting(f.count as usize, ix.len())) {
                    save(cfg, &ix, opts);
                }
                return Ok(Some(ix));
            }
            Err(src) => src,
        }
    } else {
        src
    };
    match cfg {
        Some(cfg) => open_source(src, opts, cfg, ctl).map(Some),
        None => indexer::build(vec![src], opts, ctl).map(Some),
    }
}

/// Whether an extended index is written back: only once the rows added since the cache file
/// was written reach 1/16 of its rows. Rewriting the whole file costs far more than indexing
/// a small append again (at 1M entries, ~60 MB against parsing 10K lines), so until then
/// each open extends the stored index by the bytes appended since it was written.
fn worth_rewriting(old_rows: usize, rows: usize) -> bool {
    (rows - old_rows.min(rows)) * 16 >= old_rows
}

/// Writes a one-file index to the cache (temporary file, then rename), then keeps the
/// directory under its bound.
fn save(cfg: &Config, ix: &Index, opts: &OpenOptions) {
    let Some(key) = Key::of(&ix.files[0].source, opts) else { return };
    if store::write(&cfg.dir, &key.file_name(), |w| layout::write(ix, &key, w)).is_ok() {
        store::enforce_bound(&cfg.dir, cfg.max_bytes, &key.file_name());
    }
}

/// Opens sources through the cache: one file is used in place from its mapping; several
/// are concatenated into one index (their columns copied, their ids re-interned).
pub fn open_sources(sources: Vec<Source>, opts: &OpenOptions, cfg: &Config, ctl: &Control) -> Result<Index> {
    let several = sources.len() > 1;
    let mut parts = Vec::with_capacity(sources.len());
    for src in sources {
        ctl.check()?;
        let mut part = open_source(src, opts, cfg, ctl)?;
        // Concatenation copies the parts: a reopened one is read only once it checked out.
        if several && !part.trusted() {
            let src = part.files.pop().map_or_else(|| Source::empty(""), |f| f.source);
            part = indexer::build(vec![src], opts, ctl)?;
            part.files[0].cached = Cached::Built;
            save(cfg, &part, opts);
        }
        parts.push(part);
    }
    if parts.len() == 1 {
        if let Some(one) = parts.pop() {
            return Ok(one);
        }
    }
    Ok(indexer::concat(parts, opts.serial))
}
