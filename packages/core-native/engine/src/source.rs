//! Inputs: files (memory-mapped), compressed files (decompressed once), stdin, and the
//! expansion of directories and globs into file lists.

use crate::error::{Code, Error, Result};
use memmap2::Mmap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The bytes of one input. Plain files are mapped, never copied.
pub enum Bytes {
    Mapped(Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// One opened input with the identity used to detect changes (size + mtime).
pub struct Source {
    pub path: String,
    /// Size on disk when opened (compressed size for compressed inputs).
    pub size: u64,
    pub mtime_ns: i64,
    /// `gzip`, `zstd` or `None`.
    pub compression: Option<&'static str>,
    pub bytes: Bytes,
    /// (device, inode) of a mapped file: a path that now names another inode was replaced,
    /// and the old inode (still mapped) stays safe to read.
    inode: Option<(u64, u64)>,
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

impl Source {
    pub fn data(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// Opens a file: maps it, or decompresses it when its magic bytes say gzip or zstd.
    pub fn open(path: &str) -> Result<Source> {
        let file = File::open(path).map_err(|e| Error::io(path, &e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
        if meta.is_dir() {
            return Err(Error::new(Code::InvalidOption, format!("{path} is a directory")).at(path));
        }
        let size = meta.len();
        let mtime_ns = mtime_ns(&meta);
        if size == 0 {
            return Ok(Source {
                path: path.into(),
                size,
                mtime_ns,
                compression: None,
                bytes: Bytes::Owned(Vec::new()),
                inode: None,
            });
        }
        // SAFETY: the map is read-only. A file truncated by another process while mapped would
        // fault on access; `check_unchanged` is called before every read of an open index.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, &e))?;
        let compression = sniff_compression(&map);
        let (bytes, inode) = match compression {
            Some(kind) => (Bytes::Owned(decompress(kind, &map, path)?), None),
            None => (Bytes::Mapped(map), inode_of(&meta)),
        };
        Ok(Source { path: path.into(), size, mtime_ns, compression, bytes, inode })
    }

    /// A source from bytes already in memory (stdin, tests, SQLite rows).
    pub fn from_bytes(name: &str, data: Vec<u8>) -> Result<Source> {
        let compression = sniff_compression(&data);
        let bytes = match compression {
            Some(kind) => Bytes::Owned(decompress(kind, &data, name)?),
            None => Bytes::Owned(data),
        };
        Ok(Source {
            path: name.into(),
            size: bytes.as_slice().len() as u64,
            mtime_ns: 0,
            compression,
            bytes,
            inode: None,
        })
    }

    /// Bytes already in memory taken as they are, never sniffed for compression: the new
    /// bytes of a followed file (`crate::watch`), whose first line may begin with any byte.
    pub fn plain(name: &str, data: Vec<u8>, mtime_ns: i64) -> Source {
        Source {
            path: name.into(),
            size: data.len() as u64,
            mtime_ns,
            compression: None,
            bytes: Bytes::Owned(data),
            inode: None,
        }
    }

    /// Errors with SOURCE_CHANGED when a mapped file shrank or was rewritten since it was
    /// opened: reading its pages could fault. Appended data is safe to ignore (it is beyond
    /// the mapped length) and is reported by `changed()` instead.
    pub fn check_readable(&self) -> Result<()> {
        if !matches!(self.bytes, Bytes::Mapped(_)) {
            return Ok(());
        }
        match std::fs::metadata(&self.path) {
            Ok(meta) if meta.len() >= self.size => Ok(()),
            // Replaced (rename over it): our mapping still holds the old inode.
            Ok(meta) if inode_of(&meta) != self.inode => Ok(()),
            Ok(meta) => Err(Error::new(
                Code::SourceChanged,
                format!(
                    "{} was truncated from {} to {} bytes while open; re-open it",
                    self.path,
                    self.size,
                    meta.len()
                ),
            )
            .at(&self.path)),
            // Deleted or renamed: the mapping keeps the old inode alive, reading stays safe.
            Err(_) => Ok(()),
        }
    }

    /// True when the file on disk no longer has the size and mtime it had when opened.
    pub fn changed(&self) -> bool {
        match std::fs::metadata(&self.path) {
            Ok(meta) => meta.len() != self.size || mtime_ns(&meta) != self.mtime_ns,
            Err(_) => true,
        }
    }
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

fn decompress(kind: &str, data: &[u8], path: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 4);
    let res = match kind {
        "gzip" => flate2::read::MultiGzDecoder::new(data).read_to_end(&mut out),
        _ => zstd::stream::read::Decoder::new(data).and_then(|mut d| d.read_to_end(&mut out)),
    };
    res.map_err(|e| Error::new(Code::Decompress, format!("cannot decompress {path} ({kind}): {e}")).at(path))?;
    Ok(out)
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

/// Expands inputs (files, directories, globs) into a sorted, de-duplicated file list.
/// Directories are walked recursively; `include` globs (matched against the file name and
/// the path) filter what a directory walk keeps. Hidden files in directories are skipped.
pub fn expand(inputs: &[String], include: &[String]) -> Result<Vec<Found>> {
    let include_set = build_globset(include)?;
    let mut out: Vec<Found> = Vec::new();
    for input in inputs {
        let p = Path::new(input);
        if p.is_file() {
            out.push(Found { path: p.to_path_buf(), explicit: true });
        } else if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::new(Code::Io, format!("cannot walk {input}: {e}")).at(input))?;
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
                out.push(Found { path: entry.into_path(), explicit: false });
            }
        } else if input.contains(['*', '?', '[']) {
            let matched = glob_files(input)?;
            if matched.is_empty() {
                return Err(Error::new(Code::NotFound, format!("no file matches {input}")).at(input));
            }
            out.extend(matched.into_iter().map(|path| Found { path, explicit: true }));
        } else {
            return Err(Error::new(Code::NotFound, format!("no such file or directory: {input}")).at(input));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
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
fn glob_files(pattern: &str) -> Result<Vec<PathBuf>> {
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| Error::new(Code::InvalidOption, format!("invalid glob '{pattern}': {e}")).at(pattern))?
        .compile_matcher();
    let base = glob_base(pattern);
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(base).follow_links(true).into_iter().flatten() {
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
