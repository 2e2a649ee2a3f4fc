//! One followed file: its identity (device + inode, held open so the inode cannot be reused),
//! how far it was read, and the bytes read but not yet emitted (an unfinished last line, and
//! the last record, which may still get continuation lines). New bytes are read with `pread`,
//! never mapped: a file being written or truncated under a mapping would fault.

use crate::error::{Error, Result};
use crate::format::{Format, Spec};
use crate::index::Index;
use crate::indexer::{self, Control, OpenOptions};
use crate::source::Source;
use memchr::{memchr_iter, memrchr};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::time::Instant;

/// Bytes read from one file per read call: bounds the memory of a replay from the start.
pub const READ_MAX: usize = 4 << 20;
/// Pending bytes beyond which a record without an end (a line without a newline, a record
/// with endless continuation lines) is emitted as it stands: memory stays bounded.
pub const PENDING_MAX: usize = 64 << 20;
/// Bytes kept from before the read offset to notice a file that was truncated and then grew
/// past the old offset between two looks (its bytes there are no longer the ones read).
const TAIL_CHECK: usize = 64;

pub struct Tailed {
    /// Name used in entries: the path under which the file was first found.
    pub name: String,
    /// Where the file was last seen (it moves on rename rotation).
    pub path: PathBuf,
    pub id: (u64, u64),
    file: File,
    /// Offset of the first byte not yet emitted; `pending` holds the bytes from there on.
    pub start: u64,
    pending: Vec<u8>,
    /// Lines before `start` (entries' line numbers count from here).
    pub lines: u64,
    /// The last bytes before `start + pending.len()`, as read.
    tail: Vec<u8>,
    /// The format, detected once on the file's first lines and kept.
    format: Option<Format>,
    /// The format the user forced, built on those lines instead of detecting one.
    forced: Option<Spec>,
    /// Modification time when first seen: the year of year-less timestamps.
    mtime_ns: i64,
    /// When bytes last arrived (or the file was first seen).
    pub grew_at: Instant,
    /// Found at a watched path in the last scan; a file renamed away is still drained.
    pub present: bool,
    /// Skip entries stamped before this (UTC ns) until the first one at or after it.
    pub replay_from: Option<i64>,
}

/// What reading a file found.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// Nothing new.
    Idle,
    /// New bytes were read; `more` when the file holds more than one read took.
    Grew { more: bool },
    /// The file is shorter than what was read, or its bytes before the read offset changed:
    /// it was truncated (copytruncate) or rewritten. Pending bytes were flushed first.
    Shrank,
}

impl Tailed {
    /// Starts following an open file at `start` (0, or its size to begin at the end), with
    /// the number of lines before that offset.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: String,
        path: PathBuf,
        id: (u64, u64),
        file: File,
        start: u64,
        lines: u64,
        forced: Option<Spec>,
        mtime_ns: i64,
    ) -> Tailed {
        Tailed {
            forced,
            mtime_ns,
            name,
            path,
            id,
            file,
            start,
            pending: Vec::new(),
            lines,
            tail: Vec::new(),
            format: None,
            grew_at: Instant::now(),
            present: true,
            replay_from: None,
        }
    }

    /// Offset of the next byte to read.
    pub fn read_offset(&self) -> u64 {
        self.start + self.pending.len() as u64
    }

    /// Fixes the format from the file's head (call before the first read when the file has
    /// data before the start offset).
    pub fn detect_format(&mut self, opts: &OpenOptions) -> Result<()> {
        let mut head = vec![0u8; (1 << 20).min(self.read_offset() as usize)];
        let n = read_full(&self.file, &mut head, 0).map_err(|e| Error::io(&self.name, &e))?;
        head.truncate(n);
        if memchr::memchr(b'\n', &head).is_some() {
            self.format = Some(indexer::format_of(&head, self.mtime_ns, self.forced.as_ref(), opts));
        }
        Ok(())
    }

    /// Reads what the file gained since the last read (at most `READ_MAX`), or notices that
    /// it shrank.
    pub fn read(&mut self) -> Result<Read> {
        let meta = self.file.metadata().map_err(|e| Error::io(&self.name, &e))?;
        let end = self.read_offset();
        if meta.len() < end || !self.tail_unchanged()? {
            return Ok(Read::Shrank);
        }
        if meta.len() == end {
            return Ok(Read::Idle);
        }
        let want = (meta.len() - end).min(READ_MAX as u64) as usize;
        let old = self.pending.len();
        self.pending.resize(old + want, 0);
        let got = read_full(&self.file, &mut self.pending[old..], end).map_err(|e| Error::io(&self.name, &e))?;
        self.pending.truncate(old + got);
        if got == 0 {
            return Ok(Read::Idle);
        }
        let keep = self.pending.len().min(TAIL_CHECK);
        self.tail.clear();
        self.tail.extend_from_slice(&self.pending[self.pending.len() - keep..]);
        self.grew_at = Instant::now();
        Ok(Read::Grew { more: (end + got as u64) < meta.len() })
    }

    /// True when the bytes just before the read offset are still the ones read there.
    fn tail_unchanged(&self) -> Result<bool> {
        if self.tail.is_empty() {
            return Ok(true);
        }
        let at = self.read_offset() - self.tail.len() as u64;
        let mut buf = [0u8; TAIL_CHECK];
        let n = read_full(&self.file, &mut buf[..self.tail.len()], at).map_err(|e| Error::io(&self.name, &e))?;
        Ok(buf[..n] == self.tail[..])
    }

    /// After the file shrank: reads the rest of the copy that a copytruncate rotation made of
    /// it (a file in the same directory, changed in the last 10 minutes, holding at the read
    /// offset the same bytes as were read there), so that what was written between the last
    /// read and the truncation is not lost. False when there is no such copy (then those
    /// bytes are gone, as with any tool that follows a copytruncated file).
    pub fn read_rotated_copy(&mut self) -> Result<bool> {
        let end = self.read_offset();
        if self.tail.is_empty() {
            return Ok(false);
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let Ok(list) = std::fs::read_dir(&dir) else { return Ok(false) };
        let recent = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
        let mut best: Option<(std::time::SystemTime, File, u64)> = None;
        for entry in list.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            if !meta.is_file()
                || meta.len() < end
                || modified < recent
                || crate::source::inode_of(&meta) == Some(self.id)
            {
                continue;
            }
            let Ok(file) = File::open(entry.path()) else { continue };
            let mut buf = [0u8; TAIL_CHECK];
            let at = end - self.tail.len() as u64;
            if read_full(&file, &mut buf[..self.tail.len()], at).is_ok_and(|n| buf[..n] == self.tail[..])
                && best.as_ref().is_none_or(|b| modified > b.0)
            {
                best = Some((modified, file, meta.len()));
            }
        }
        let Some((_, copy, size)) = best else { return Ok(false) };
        let old = self.pending.len();
        self.pending.resize(old + (size - end) as usize, 0);
        let got = read_full(&copy, &mut self.pending[old..], end).map_err(|e| Error::io(&self.name, &e))?;
        self.pending.truncate(old + got);
        Ok(true)
    }

    /// Starts over from the beginning of the file (after it shrank).
    pub fn restart(&mut self) {
        self.start = 0;
        self.lines = 0;
        self.pending.clear();
        self.tail.clear();
    }

    /// Bytes read but not yet emitted.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// True when a complete record is held back (it may still get continuation lines).
    pub fn holds_record(&self) -> bool {
        memchr::memchr(b'\n', &self.pending).is_some()
    }

    /// Cuts the pending bytes into complete records and indexes them: every record followed
    /// by the start of another one; with `flush`, the last complete record too (the file was
    /// quiet for the settle period, or is finished); with `partial` also, an unfinished last
    /// line (the file was truncated under it). Returns the batch's index (one file, named
    /// after this file) with the file offset and line count before its first byte, or None
    /// when nothing is complete yet. The emitted bytes leave `pending`.
    pub fn take_records(&mut self, opts: &OpenOptions, flush: bool, partial: bool) -> Result<Option<Batch>> {
        let complete = match memrchr(b'\n', &self.pending) {
            _ if partial => self.pending.len(),
            Some(nl) => nl + 1,
            None => return Ok(None),
        };
        if complete == 0 {
            return Ok(None);
        }
        let format = match &self.format {
            Some(f) => f.clone(),
            None => {
                let f = indexer::format_of(&self.pending[..complete], self.mtime_ns, self.forced.as_ref(), opts);
                self.format = Some(f.clone());
                f
            }
        };
        let index = self.index(&self.pending[..complete], format.clone(), opts)?;
        // Where the emitted part ends: all complete lines, or the start of the line holding the
        // last record (a multi-line record is complete only when the next one starts).
        let cut = if flush {
            complete
        } else if index.is_empty() {
            0
        } else {
            let last = index.cols.offset(index.len() - 1) as usize;
            memrchr(b'\n', &self.pending[..last]).map_or(0, |p| p + 1)
        };
        if cut == 0 {
            return Ok(None);
        }
        let index = if cut == complete { index } else { self.index(&self.pending[..cut], format, opts)? };
        let batch = Batch { index, offset: self.start, lines: self.lines };
        self.lines += memchr_iter(b'\n', &self.pending[..cut]).count() as u64;
        self.start += cut as u64;
        self.pending.drain(..cut);
        Ok(Some(batch))
    }

    fn index(&self, bytes: &[u8], format: Format, opts: &OpenOptions) -> Result<Index> {
        let src = Source::plain(&self.name, bytes.to_vec(), 0);
        let mut o = opts.clone();
        o.serial = bytes.len() < o.chunk_size;
        // Year-less stamps take the format's year as it is: a batch's own years must not be
        // counted back from a modification time it does not have.
        o.year = Some(format.ctx.year);
        let sample = indexer::Sample::whole(bytes);
        indexer::build_formatted(vec![(format, sample, src)], &o, &Control::default())
    }
}

/// Complete records of one file, indexed on their own.
pub struct Batch {
    pub index: Index,
    /// File offset of the batch's first byte.
    pub offset: u64,
    /// Lines of the file before the batch.
    pub lines: u64,
}

/// `pread` until `buf` is full or the end of the file.
pub fn read_full(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], at + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Newlines in `file[..end]`, read in blocks (the line numbers of a file followed from its end).
pub fn count_lines(file: &File, end: u64) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 1 << 20];
    let (mut at, mut lines) = (0u64, 0u64);
    while at < end {
        let want = ((end - at) as usize).min(buf.len());
        let n = read_full(file, &mut buf[..want], at)?;
        if n == 0 {
            break;
        }
        lines += memchr_iter(b'\n', &buf[..n]).count() as u64;
        at += n as u64;
    }
    Ok(lines)
}
