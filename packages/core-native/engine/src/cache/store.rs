//! The cache directory: atomic writes (temporary file + rename), last-use times, the size
//! bound (least recently used first), and `list` / `clear`.

use super::layout;
use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

const EXT: &str = "lsx";
/// A temporary file older than this is a leftover of a killed writer.
const STALE_TMP: Duration = Duration::from_secs(600);

/// Writes `name` in `dir` through a temporary file renamed over it, so a reader (or a
/// process killed mid-write) never sees a partial file under the final name.
pub fn write(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Unique per process and write: concurrent writers never share a temporary file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut w)?;
        w.flush()?;
        drop(w);
        std::fs::rename(&tmp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Marks a cache file as used now (its mtime is the LRU clock).
pub fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

struct Held {
    path: PathBuf,
    bytes: u64,
    used: SystemTime,
}

fn cache_files(dir: &Path) -> Vec<Held> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let now = SystemTime::now();
    let mut out = Vec::new();
    for e in rd.flatten() {
        let path = e.path();
        let Ok(meta) = e.metadata() else { continue };
        let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            if now.duration_since(used).is_ok_and(|age| age > STALE_TMP) {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        if path.extension().is_some_and(|x| x == EXT) && meta.is_file() {
            out.push(Held { path, bytes: meta.len(), used });
        }
    }
    out
}

/// Removes least recently used cache files until the directory holds at most `max` bytes
/// (`keep`, just written, goes last).
pub fn enforce_bound(dir: &Path, max: u64, keep: &str) {
    let mut files = cache_files(dir);
    let mut total: u64 = files.iter().map(|f| f.bytes).sum();
    if total <= max {
        return;
    }
    let is_keep = |f: &Held| f.path.file_name().is_some_and(|n| n == keep);
    files.sort_by_key(|f| (is_keep(f), f.used));
    for f in files {
        if total <= max {
            break;
        }
        if std::fs::remove_file(&f.path).is_ok() {
            total -= f.bytes;
        }
    }
}

/// One cache file, as `logsift cache list` shows it.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct CacheEntry {
    /// The cache file.
    pub file: String,
    pub bytes: u64,
    /// Last use, in milliseconds since the epoch.
    pub used_ms: u64,
    /// The source it indexes, its size and entries (absent when the file is not readable as
    /// a cache file of this version: it would be rebuilt).
    pub source: Option<String>,
    pub source_bytes: Option<u64>,
    pub entries: Option<u32>,
    pub options: Option<String>,
}

/// The cache files, most recently used first.
pub fn list(dir: &Path) -> Vec<CacheEntry> {
    let mut files = cache_files(dir);
    files.sort_by_key(|f| std::cmp::Reverse(f.used));
    files
        .into_iter()
        .map(|f| {
            let meta = super::map_file(&f.path).ok().and_then(|m| layout::read_meta(&m));
            CacheEntry {
                file: f.path.to_string_lossy().into_owned(),
                bytes: f.bytes,
                used_ms: f.used.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64),
                source: meta.as_ref().map(|m| m.key.path.clone()),
                source_bytes: meta.as_ref().map(|m| m.key.size),
                entries: meta.as_ref().map(|m| m.count),
                options: meta.map(|m| m.key.options),
            }
        })
        .collect()
}

/// Removes every cache file; returns how many and their bytes.
pub fn clear(dir: &Path) -> Result<(usize, u64)> {
    let (mut n, mut bytes) = (0, 0);
    for f in cache_files(dir) {
        std::fs::remove_file(&f.path).map_err(|e| Error::io(&f.path.to_string_lossy(), &e))?;
        n += 1;
        bytes += f.bytes;
    }
    Ok((n, bytes))
}
