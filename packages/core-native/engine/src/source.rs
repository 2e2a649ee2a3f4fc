//! Inputs: files (memory-mapped), compressed files (decompressed once, as a stream, into a
//! mapped temporary file), stdin, and the expansion of directories and globs into file lists.

use crate::error::{Code, Error, Result};
use crate::mapped::Mapping;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The bytes of one input. Plain files are mapped, never copied; compressed files are
/// decompressed as a stream into an unlinked temporary file, mapped too, so a large input
/// costs page cache, not anonymous memory.
pub enum Bytes {
    Mapped(Mapping),
    Decompressed(Mapping),
    Owned(Vec<u8>),
}

impl Bytes {
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) | Bytes::Decompressed(m) => m.as_slice(),
            Bytes::Owned(v) => v,
        }
    }

    fn mapping(&self) -> Option<&Mapping> {
        match self {
            Bytes::Mapped(m) | Bytes::Decompressed(m) => Some(m),
            Bytes::Owned(_) => None,
        }
    }
}

/// How much of a mapped file is kept to tell an append (safe: the mapped prefix is the
/// same) from a rewrite in place (the mapped bytes changed under the index): `SAMPLES`
/// slices of `SAMPLE_LEN` bytes spread evenly over the file, compared when its size or mtime
/// moved.
const SAMPLES: usize = 64;
const SAMPLE_LEN: usize = 64;

/// One opened input with the identity used to detect changes (size + mtime).
pub struct Source {
    pub path: String,
    /// Size on disk when opened (compressed size for compressed inputs).
    pub size: u64,
    pub mtime_ns: i64,
    /// `gzip`, `zstd` or `None`.
    pub compression: Option<&'static str>,
    pub bytes: Bytes,
    /// (device, inode) of a file: a path that now names another inode was replaced, and the
    /// old inode (still mapped) stays safe to read. None for bytes given in memory.
    inode: Option<(u64, u64)>,
    /// The sampled bytes of a mapped file when it was opened (see `SAMPLES`).
    samples: Vec<u8>,
    /// Set once the mapped bytes are known to differ from what was indexed: it stays set
    /// even if the file later looks right again, since results cached from it may be wrong.
    gone: AtomicBool,
}

#[cfg(unix)]
pub fn inode_of(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub fn inode_of(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Where the sample `i` of a file of `len` bytes starts.
fn sample_at(i: usize, len: usize) -> usize {
    let room = len.saturating_sub(SAMPLE_LEN);
    room * i / (SAMPLES - 1)
}

fn take_samples(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(SAMPLES * SAMPLE_LEN);
    for i in 0..SAMPLES {
        let at = sample_at(i, data.len());
        out.extend_from_slice(&data[at..(at + SAMPLE_LEN).min(data.len())]);
    }
    out
}

/// Limits on reading an input.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadLimits {
    /// Refuse a compressed input whose decompressed size exceeds this many bytes.
    pub max_decompressed: Option<u64>,
}

impl Source {
    pub fn data(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    fn new(path: &str, size: u64, mtime_ns: i64, compression: Option<&'static str>, bytes: Bytes) -> Source {
        Source {
            path: path.into(),
            size,
            mtime_ns,
            compression,
            bytes,
            inode: None,
            samples: Vec::new(),
            gone: AtomicBool::new(false),
        }
    }

    /// (device, inode) of the file this source was opened from (None for in-memory bytes).
    pub fn file_id(&self) -> Option<(u64, u64)> {
        self.inode
    }

    /// Opens a file: maps it, or decompresses it when its magic bytes say gzip or zstd.
    pub fn open(path: &str, limits: &ReadLimits) -> Result<Source> {
        let mut file = File::open(path).map_err(|e| Error::io(path, &e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
        if meta.is_dir() {
            return Err(Error::new(Code::InvalidOption, format!("{path} is a directory")).at(path));
        }
        let mtime_ns = mtime_ns(&meta);
        if meta.len() == 0 {
            let mut src = Source::new(path, 0, mtime_ns, None, Bytes::Owned(Vec::new()));
            src.inode = inode_of(&meta);
            return Ok(src);
        }
        let mut magic = [0u8; 4];
        let got = read_full(&mut file, &mut magic).map_err(|e| Error::io(path, &e))?;
        if let Some(kind) = sniff_compression(&magic[..got]) {
            let mut file = File::open(path).map_err(|e| Error::io(path, &e))?;
            let bytes = decompress(kind, &mut file, path, limits)?;
            // The inode identifies the compressed file for the index cache and `changed()`;
            // the decompressed bytes live in a temporary file no one else writes.
            let mut src = Source::new(path, meta.len(), mtime_ns, Some(kind), bytes);
            src.inode = inode_of(&meta);
            return Ok(src);
        }
        if magic[..got] == *crate::parquet_read::MAGIC {
            let bytes = decode_parquet(path)?;
            let mut src = Source::new(path, meta.len(), mtime_ns, Some("parquet"), bytes);
            src.inode = inode_of(&meta);
            return Ok(src);
        }
        let map = Mapping::map(&file, path)?;
        let mut src = Source::new(path, map.as_slice().len() as u64, mtime_ns, None, Bytes::Owned(Vec::new()));
        src.samples = take_samples(map.as_slice());
        src.inode = inode_of(&meta);
        src.bytes = Bytes::Mapped(map);
        Ok(src)
    }

    /// A source with no bytes, named `name`.
    pub fn empty(name: &str) -> Source {
        Source::new(name, 0, 0, None, Bytes::Owned(Vec::new()))
    }

    /// A source from bytes already in memory (stdin, tests, SQLite rows).
    pub fn from_bytes(name: &str, data: Vec<u8>) -> Result<Source> {
        Source::from_bytes_limited(name, data, &ReadLimits::default())
    }

    /// Bytes already in memory taken as they are, never sniffed for compression: the new
    /// bytes of a followed file (`crate::watch`), whose first line may begin with any byte.
    pub fn plain(name: &str, data: Vec<u8>, mtime_ns: i64) -> Source {
        Source::new(name, data.len() as u64, mtime_ns, None, Bytes::Owned(data))
    }

    /// The same, with limits on decompression.
    pub fn from_bytes_limited(name: &str, data: Vec<u8>, limits: &ReadLimits) -> Result<Source> {
        let compression = sniff_compression(&data);
        let bytes = match compression {
            Some(kind) => decompress(kind, &mut data.as_slice(), name, limits)?,
            None => Bytes::Owned(data),
        };
        Ok(Source::new(name, bytes.as_slice().len() as u64, 0, compression, bytes))
    }

    fn changed_error(&self, what: &str) -> Error {
        Error::new(Code::SourceChanged, format!("{} {what} while open; re-open it", self.path)).at(&self.path)
    }

    /// Errors with SOURCE_CHANGED when a read of the mapping already faulted (the file was
    /// truncated under it) or the source was found changed before. No system call: cheap
    /// enough before every operation.
    pub fn check_faults(&self) -> Result<()> {
        if self.gone.load(Ordering::SeqCst) {
            return Err(self.changed_error("changed"));
        }
        if self.bytes.mapping().is_some_and(Mapping::faulted) {
            self.gone.store(true, Ordering::SeqCst);
            return Err(self.changed_error("was truncated while being read"));
        }
        Ok(())
    }

    /// Errors with SOURCE_CHANGED when the bytes an index was built from may no longer be
    /// what the mapping shows: a read faulted, the file shrank, or it was rewritten in place
    /// (its sampled bytes differ). Appended data is safe to ignore (it is beyond the mapped
    /// length) and is reported by `changed()` instead; a file replaced by rename or deleted
    /// keeps its old inode mapped, which stays safe to read.
    pub fn check_readable(&self) -> Result<()> {
        self.check_faults()?;
        if !matches!(self.bytes, Bytes::Mapped(_)) {
            return Ok(());
        }
        let meta = match std::fs::metadata(&self.path) {
            Ok(meta) if inode_of(&meta) == self.inode => meta,
            _ => return Ok(()),
        };
        if meta.len() < self.size {
            self.gone.store(true, Ordering::SeqCst);
            return Err(self.changed_error(&format!("was truncated from {} to {} bytes", self.size, meta.len())));
        }
        if meta.len() != self.size || mtime_ns(&meta) != self.mtime_ns {
            // Written since it was opened: appended (the samples still match) or rewritten.
            if take_samples(self.data()) != self.samples {
                self.gone.store(true, Ordering::SeqCst);
                return Err(self.changed_error("was rewritten"));
            }
            // Sampling may itself have faulted on a file truncated meanwhile.
            self.check_faults()?;
        }
        Ok(())
    }

    /// True when the file on disk no longer has the size, mtime and inode it had when
    /// opened (always false for in-memory bytes).
    pub fn changed(&self) -> bool {
        if self.inode.is_none() {
            return false;
        }
        match std::fs::metadata(&self.path) {
            Ok(meta) => meta.len() != self.size || mtime_ns(&meta) != self.mtime_ns || inode_of(&meta) != self.inode,
            Err(_) => true,
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Decompressed bytes are streamed in blocks of this size; the first block is what the
/// binary check sees, so a binary input is refused before more than this is written.
const BLOCK: usize = 1 << 20;

/// Decompresses `input` (every gzip member, every zstd frame) into an unlinked temporary
/// file in `$TMPDIR` and maps it: anonymous memory stays at one block whatever the size.
fn decompress(kind: &'static str, input: &mut dyn Read, path: &str, limits: &ReadLimits) -> Result<Bytes> {
    let bad =
        |e: std::io::Error| Error::new(Code::Decompress, format!("cannot decompress {path} ({kind}): {e}")).at(path);
    let mut reader: Box<dyn Read + '_> = match kind {
        "gzip" => Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, input))),
        _ => Box::new(zstd::stream::read::Decoder::new(input).map_err(bad)?),
    };
    let dir = std::env::temp_dir();
    let tmp_err = |e: std::io::Error| {
        Error::new(Code::Io, format!("cannot write the decompressed {path} to {}: {e}", dir.display())).at(path)
    };
    let mut tmp = tempfile::tempfile_in(&dir).map_err(tmp_err)?;
    let mut buf = vec![0u8; BLOCK];
    let mut total: u64 = 0;
    loop {
        let n = read_full(&mut reader, &mut buf).map_err(bad)?;
        if n == 0 {
            break;
        }
        if total == 0 && looks_binary(&buf[..n]) {
            return Err(Error::new(Code::BinaryInput, format!("{path} looks like binary data, not a log")).at(path));
        }
        total += n as u64;
        if let Some(max) = limits.max_decompressed.filter(|&m| total > m) {
            return Err(Error::new(
                Code::TooLarge,
                format!("{path} decompresses to more than {max} bytes (maxDecompressedBytes)"),
            )
            .at(path));
        }
        tmp.write_all(&buf[..n]).map_err(tmp_err)?;
    }
    if total == 0 {
        return Ok(Bytes::Owned(Vec::new()));
    }
    tmp.flush().map_err(tmp_err)?;
    Ok(Bytes::Decompressed(Mapping::map(&tmp, path)?))
}

/// Decodes a Parquet export (`parquet_read`) into JSON lines in an unlinked temporary file,
/// mapped like a decompressed input.
fn decode_parquet(path: &str) -> Result<Bytes> {
    let dir = std::env::temp_dir();
    let tmp_err = |e: std::io::Error| {
        Error::new(Code::Io, format!("cannot write the decoded {path} to {}: {e}", dir.display())).at(path)
    };
    let tmp = tempfile::tempfile_in(&dir).map_err(tmp_err)?;
    let file = File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut out = std::io::BufWriter::with_capacity(BLOCK, tmp);
    let total = crate::parquet_read::decode(file, path, &mut out)?;
    let tmp = out.into_inner().map_err(|e| tmp_err(e.into_error()))?;
    if total == 0 {
        return Ok(Bytes::Owned(Vec::new()));
    }
    Ok(Bytes::Decompressed(Mapping::map(&tmp, path)?))
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64)
}

fn sniff_compression(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else {
        None
    }
}

/// Heuristic binary check on the first 64 KiB: executable/image/archive magic numbers, or a
/// large share of control bytes. Logs with a few NULs or ANSI escapes still pass.
pub fn looks_binary(b: &[u8]) -> bool {
    const MAGICS: [&[u8]; 7] =
        [b"\x7fELF", b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"SQLite format 3\0"];
    if MAGICS.iter().any(|m| b.starts_with(m)) {
        return true;
    }
    let sample = &b[..b.len().min(65_536)];
    if sample.is_empty() {
        return false;
    }
    let bad = sample.iter().filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x1b | 0x0c)).count();
    bad * 10 > sample.len()
}

/// A file to index, and whether the user named it (rather than a directory walk finding it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub path: PathBuf,
    pub explicit: bool,
}

/// A file that was found but not indexed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub code: Code,
    pub reason: String,
}

/// The files inputs expand to, and what a walk had to leave out (symlink loops,
/// unreadable directories), as ripgrep does: one bad entry does not fail the walk.
#[derive(Debug, Default)]
pub struct Expanded {
    pub found: Vec<Found>,
    pub skipped: Vec<Skipped>,
}

/// A walk error below the named root becomes a skipped entry; at the root it is an error.
fn walk_error(input: &str, e: walkdir::Error) -> Result<Skipped> {
    let path = e.path().map_or_else(|| input.to_string(), |p| p.to_string_lossy().into_owned());
    if let Some(ancestor) = e.loop_ancestor() {
        let reason = format!("symlink loop (back to {})", ancestor.display());
        return Ok(Skipped { path, code: Code::Io, reason });
    }
    let err = match e.io_error() {
        Some(io) => Error::io(&path, io),
        None => Error::new(Code::Io, format!("cannot walk {input}: {e}")).at(&path),
    };
    if e.depth() == 0 {
        return Err(err);
    }
    Ok(Skipped { path, code: err.code, reason: err.message })
}

/// Expands inputs (files, directories, globs) into a sorted, de-duplicated file list.
/// Directories are walked recursively; `include` globs (matched against the file name and
/// the path) filter what a directory walk keeps. Hidden files in directories are skipped.
pub fn expand(inputs: &[String], include: &[String]) -> Result<Expanded> {
    let include_set = build_globset(include)?;
    let mut out = Expanded::default();
    for input in inputs {
        let p = Path::new(input);
        if p.is_file() {
            out.found.push(Found { path: p.to_path_buf(), explicit: true });
        } else if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        out.skipped.push(walk_error(input, e)?);
                        continue;
                    }
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let name = entry.file_name().to_string_lossy();
                if name.starts_with('.') {
                    continue;
                }
                if let Some(set) = &include_set {
                    if !set.is_match(entry.path()) && !set.is_match(name.as_ref()) {
                        continue;
                    }
                }
                out.found.push(Found { path: entry.into_path(), explicit: false });
            }
        } else if input.contains(['*', '?', '[']) {
            let matched = glob_files(input, &mut out.skipped)?;
            if matched.is_empty() {
                return Err(Error::new(Code::NotFound, format!("no file matches {input}")).at(input));
            }
            out.found.extend(matched.into_iter().map(|path| Found { path, explicit: true }));
        } else {
            return Err(Error::new(Code::NotFound, format!("no such file or directory: {input}")).at(input));
        }
    }
    out.found.sort();
    out.found.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

fn build_globset(patterns: &[String]) -> Result<Option<globset::GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let g = globset::Glob::new(p)
            .map_err(|e| Error::new(Code::InvalidOption, format!("invalid include glob '{p}': {e}")).at(p))?;
        b.add(g);
    }
    b.build().map(Some).map_err(|e| Error::new(Code::InvalidOption, format!("invalid include globs: {e}")))
}

/// The longest literal directory prefix of a glob (`.` when it has none): where its walk
/// starts.
pub fn glob_base(pattern: &str) -> &str {
    let first_meta = pattern.find(['*', '?', '[']).unwrap_or(pattern.len());
    match pattern[..first_meta].rfind('/') {
        Some(p) => &pattern[..p.max(1)],
        None => ".",
    }
}

/// Files matching a glob: walk from the longest literal directory prefix.
fn glob_files(pattern: &str, skipped: &mut Vec<Skipped>) -> Result<Vec<PathBuf>> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| Error::new(Code::InvalidOption, format!("invalid glob '{pattern}': {e}")).at(pattern))?
        .compile_matcher();
    let base = glob_base(pattern);
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(base).follow_links(true) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                skipped.push(walk_error(pattern, e)?);
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = if base == "." { path.strip_prefix("./").unwrap_or(path) } else { path };
        if glob.is_match(rel) {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}
