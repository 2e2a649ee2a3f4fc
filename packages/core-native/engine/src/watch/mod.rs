//! Live follow (`logsift watch`): the entries matching a query, as they are written.
//!
//! Each followed file keeps its identity (device + inode, held open), a read offset and the
//! bytes read but not yet emitted (`tailed`). New bytes are cut into complete records by the
//! indexer's own record assembler: a record is complete when the next one starts, or when the
//! file has been quiet for the settle period; an unfinished last line waits for its newline.
//! Each batch of complete records is indexed on its own with the file's format (detected once,
//! at the start) and the compiled query picks the matches, so watch and search agree on what
//! a record is and what matches.
//!
//! Followed: files that grow; rotation by rename + create (the old inode is read to its end,
//! and kept for `linger` in case its writer still appends, then the new file from its start);
//! copytruncate and any file that shrinks (read again from its start, after the rest of the
//! copy that copytruncate made beside it, when there is one); new files appearing
//! in a watched directory or matching a watched glob (from their start). Compressed files
//! appearing in a directory (rotated `.gz`) are not followed. Changes are noticed through
//! inotify (the `notify` crate) on the watched directories, with a periodic rescan as a
//! fallback (and as the only means when notifications are unavailable).

pub mod cursor;
pub mod request;
mod tailed;

use crate::error::{Code, Error, Result};
use crate::format::Spec;
use crate::index::Index;
use crate::indexer::{Control, OpenOptions, Skipped};
use crate::query::{Compiled, Model, Query, RelativeTo};
use crate::search::{self, Hit};
use crate::source;
use cursor::{Cursor, Mark};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tailed::{Read, Tailed};

/// Where following starts in the files present at the start.
#[derive(Debug, Clone)]
pub enum Start {
    /// At their current end: only what is written from now on.
    End,
    /// At their beginning: replay everything first.
    Beginning,
    /// At their beginning, skipping records before the first one stamped at or after this
    /// instant (UTC ns): `--last 5m`.
    Since(i64),
    /// Where a previous watch left them (the MCP `tail` tool).
    Cursor(Cursor),
}

#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub open: OpenOptions,
    pub query: Query,
    /// Include every entry's parsed fields.
    pub fields: bool,
    pub start: Start,
    /// Quiet time after which a file's last record is taken as complete.
    pub settle: Duration,
    /// Interval of the full rescan (new files, missed events).
    pub rescan: Duration,
    /// How long a file renamed away or deleted is still read after it last grew.
    pub linger: Duration,
    /// Use filesystem notifications (false: rescan only, every `rescan`).
    pub notify: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            open: OpenOptions::default(),
            query: Query::default(),
            fields: false,
            start: Start::End,
            settle: Duration::from_millis(100),
            rescan: Duration::from_secs(1),
            linger: Duration::from_secs(2),
            notify: true,
        }
    }
}

enum Msg {
    /// A watched file was written to (or truncated).
    Data,
    /// A file was created, renamed or removed: the watched set may have changed.
    Structure,
    /// Stop waiting (cancellation).
    Wake,
}

/// Cancels a running `poll` from another thread.
#[derive(Clone)]
pub struct Canceller {
    tx: Sender<Msg>,
    cancelled: Arc<AtomicBool>,
}

impl Canceller {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
        let _ = self.tx.send(Msg::Wake);
    }
}

/// What `drain` found: the hits, the file (device, inode) each came from, and whether more
/// was left to read.
pub struct Drained {
    pub hits: Vec<Hit>,
    pub from: Vec<(u64, u64)>,
    pub more: bool,
}

pub struct Watch {
    inputs: Vec<String>,
    opts: WatchOptions,
    forced: Option<Spec>,
    model: Model,
    files: Vec<Tailed>,
    rx: Receiver<Msg>,
    canceller: Canceller,
    /// Kept alive for its notifications; None when polling.
    notifier: Option<notify::RecommendedWatcher>,
    /// Files not followed (compressed or binary), by identity, so they are judged once.
    ignored: HashSet<(u64, u64)>,
    next_rescan: Instant,
    structure_changed: bool,
    started: bool,
    /// Entries emitted so far: the `id` of the next one.
    seq: u32,
    pub skipped: Vec<Skipped>,
    /// Files of a resume cursor that are no longer at any watched path (rotated away or
    /// deleted since): what they gained after the cursor cannot be read.
    pub lost: Vec<String>,
}

impl Watch {
    pub fn new(inputs: &[String], mut opts: WatchOptions) -> Result<Watch> {
        if inputs.is_empty() {
            return Err(Error::new(Code::NoInput, "no input given"));
        }
        // A relative time in the query counts back from the wall clock: each batch's own
        // newest record would be a moving reference.
        opts.query.relative_to = RelativeTo::Now;
        let model = opts.query.clone().into_model()?;
        // Fail on a bad query now, not on the first batch.
        Compiled::from_model(model.clone(), &empty_index()?)?;
        let forced = opts.open.format.as_deref().map(Spec::parse).transpose()?;
        // Every input must exist at the start (a file that vanishes later is waited for).
        source::expand(inputs, &opts.open.include)?;
        let (tx, rx) = channel();
        let canceller = Canceller { tx: tx.clone(), cancelled: Arc::new(AtomicBool::new(false)) };
        let notifier = if opts.notify { notifier(inputs, tx) } else { None };
        if notifier.is_none() {
            opts.rescan = opts.rescan.min(Duration::from_millis(250));
        }
        let mut w = Watch {
            inputs: inputs.to_vec(),
            opts,
            forced,
            model,
            files: Vec::new(),
            rx,
            canceller,
            notifier,
            ignored: HashSet::new(),
            next_rescan: Instant::now(),
            structure_changed: true,
            started: false,
            seq: 0,
            skipped: Vec::new(),
            lost: Vec::new(),
        };
        w.discover()?;
        w.started = true;
        Ok(w)
    }

    /// `inotify` or `poll`: how changes are noticed.
    pub fn mode(&self) -> &'static str {
        if self.notifier.is_some() {
            "inotify"
        } else {
            "poll"
        }
    }

    pub fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }

    /// Waits up to `timeout` for new matching entries and returns them (in order per file);
    /// empty when none came in time. Errors with CANCELLED once cancelled.
    pub fn poll(&mut self, timeout: Duration) -> Result<Vec<Hit>> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.canceller.cancelled.load(Ordering::Relaxed) {
                self.close();
                return Err(Error::new(Code::Cancelled, "watch was cancelled"));
            }
            let mut out = Vec::new();
            let more = self.scan(false, &mut out, &mut Vec::new())?;
            if !out.is_empty() {
                return Ok(out);
            }
            if more {
                continue;
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(out);
            }
            let wait = self.next_wake(now).min(deadline).saturating_duration_since(now);
            match self.rx.recv_timeout(wait) {
                Ok(msg) => {
                    self.note(msg);
                    while let Ok(msg) = self.rx.try_recv() {
                        self.note(msg);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
    }

    /// Everything new right now, without waiting: the last complete record of each file is
    /// taken as complete; an unfinished last line stays for the next call (see `cursor`).
    /// Stops after about `max` entries (a read's worth more at most).
    pub fn drain(&mut self, max: usize) -> Result<Drained> {
        self.structure_changed = true;
        let (mut hits, mut from) = (Vec::new(), Vec::new());
        loop {
            let more = self.scan(true, &mut hits, &mut from)?;
            if !more || hits.len() >= max {
                return Ok(Drained { hits, from, more });
            }
        }
    }

    /// Lets go of the notifier (its inotify descriptor and thread) and the open files now,
    /// rather than when the watch is dropped (for a JS caller: whenever it is collected).
    pub fn close(&mut self) {
        self.notifier = None;
        self.files.clear();
    }

    /// Where every followed file stands: resume with `Start::Cursor`.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            files: self
                .files
                .iter()
                .map(|t| Mark { name: t.name.clone(), dev: t.id.0, ino: t.id.1, offset: t.start, lines: t.lines })
                .collect(),
        }
    }

    /// Paths being followed, in the order they were found.
    pub fn followed(&self) -> Vec<String> {
        self.files.iter().map(|t| t.name.clone()).collect()
    }

    fn note(&mut self, msg: Msg) {
        match msg {
            Msg::Data | Msg::Wake => {}
            Msg::Structure => self.structure_changed = true,
        }
    }

    /// When to look again without a notification: the next rescan, a held record's settle
    /// time, a renamed-away file's end of linger.
    fn next_wake(&self, now: Instant) -> Instant {
        let mut at = self.next_rescan;
        for t in &self.files {
            if t.holds_record() {
                at = at.min(t.grew_at + self.opts.settle);
            }
            if !t.present {
                at = at.min(t.grew_at + self.opts.linger);
            }
        }
        at.max(now)
    }

    /// Reads every followed file once and emits its complete records' matches. True when a
    /// file holds more than one read took.
    fn scan(&mut self, settle_all: bool, out: &mut Vec<Hit>, from: &mut Vec<(u64, u64)>) -> Result<bool> {
        let now = Instant::now();
        if self.structure_changed || now >= self.next_rescan {
            self.discover()?;
        }
        let mut more = false;
        // A file renamed away that still has bytes to read goes first: the file that took its
        // name continues it.
        let mut blocked: HashSet<String> = HashSet::new();
        let mut finished = Vec::new();
        for i in 0..self.files.len() {
            let t = &mut self.files[i];
            if blocked.contains(&t.name) {
                more = true;
                continue;
            }
            let mut grew_more = false;
            match t.read()? {
                Read::Shrank => {
                    t.read_rotated_copy()?;
                    if let Some(b) = t.take_records(&self.opts.open, true, true)? {
                        emit(b, &self.model, self.opts.fields, &mut self.seq, &mut t.replay_from, out)?;
                        from.resize(out.len(), t.id);
                    }
                    t.restart();
                    grew_more = true;
                }
                Read::Grew { more } => grew_more = more,
                Read::Idle => {}
            }
            let quiet = now.saturating_duration_since(t.grew_at) >= self.opts.settle;
            let gone = !t.present && now.saturating_duration_since(t.grew_at) >= self.opts.linger && !grew_more;
            // A file renamed away is taken as finished: the file that took its name continues
            // it, and its records must not come before this one's last.
            let flush = settle_all || quiet || !t.present;
            let oversized = t.pending_len() > tailed::PENDING_MAX;
            let flush = (flush && !grew_more) || oversized;
            if let Some(b) = t.take_records(&self.opts.open, flush, gone || oversized)? {
                emit(b, &self.model, self.opts.fields, &mut self.seq, &mut t.replay_from, out)?;
                from.resize(out.len(), t.id);
            }
            if grew_more {
                more = true;
                if !t.present {
                    blocked.insert(t.name.clone());
                }
            }
            if gone {
                finished.push(i);
            }
        }
        for i in finished.into_iter().rev() {
            self.files.remove(i);
        }
        Ok(more)
    }

    /// Expands the inputs again and starts following files not yet followed; marks which
    /// followed files are still at a watched path.
    fn discover(&mut self) -> Result<()> {
        self.structure_changed = false;
        self.next_rescan = Instant::now() + self.opts.rescan;
        let mut found = Vec::new();
        for input in &self.inputs {
            match source::expand(std::slice::from_ref(input), &self.opts.open.include) {
                Ok(list) => {
                    found.extend(list.found);
                    // What a walk left out (symlink loops, unreadable directories), said once.
                    if !self.started {
                        self.skipped.extend(list.skipped);
                    }
                }
                // Between a rename and the create of rotation the path is missing for a moment.
                Err(e) if self.started && matches!(e.code, Code::NotFound | Code::NoInput) => {}
                // A directory walk that met a file vanishing under it (rotation again): this
                // look is incomplete, so nothing is concluded from it; look again shortly.
                Err(e) if self.started && e.code == Code::Io => {
                    self.next_rescan = Instant::now() + Duration::from_millis(50);
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        }
        for t in &mut self.files {
            t.present = false;
        }
        for f in found {
            let Ok(meta) = std::fs::metadata(&f.path) else { continue };
            let Some(id) = source::inode_of(&meta) else { continue };
            if let Some(t) = self.files.iter_mut().find(|t| t.id == id) {
                t.present = true;
                t.path = f.path;
                continue;
            }
            if self.ignored.contains(&id) {
                continue;
            }
            self.follow(f, id)?;
        }
        if !self.started {
            if let Start::Cursor(c) = &self.opts.start {
                self.lost = c
                    .files
                    .iter()
                    .filter(|m| self.files.iter().all(|t| t.id != (m.dev, m.ino)))
                    .map(|m| m.name.clone())
                    .collect();
            }
        }
        Ok(())
    }

    /// Starts following a newly found file.
    fn follow(&mut self, f: source::Found, id: (u64, u64)) -> Result<()> {
        let name = f.path.to_string_lossy().into_owned();
        let file = match File::open(&f.path) {
            Ok(file) => file,
            Err(_) if self.started => return Ok(()), // gone again already
            Err(e) => return Err(Error::io(&name, &e)),
        };
        let meta = file.metadata().map_err(|e| Error::io(&name, &e))?;
        let id = source::inode_of(&meta).unwrap_or(id);
        let size = meta.len();
        let mut head = vec![0u8; 65_536.min(size as usize)];
        let n = tailed::read_full(&file, &mut head, 0).map_err(|e| Error::io(&name, &e))?;
        head.truncate(n);
        let compressed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
        if compressed || source::looks_binary(&head) {
            if f.explicit && !self.started {
                let what = if compressed {
                    "is compressed: watch follows plain text files"
                } else {
                    "looks like binary data, not a log"
                };
                return Err(Error::new(Code::BinaryInput, format!("{name} {what}")).at(&name));
            }
            let reason = if compressed { "compressed (not followed)" } else { "binary data" };
            self.skipped.push(Skipped { path: name, code: Code::BinaryInput, reason: reason.into() });
            self.ignored.insert(id);
            return Ok(());
        }
        // Files present at the start begin where `start` says; files appearing later (new,
        // or the new file of a rotation) from their beginning.
        let (from, replay) = if self.started {
            (0, None)
        } else {
            match &self.opts.start {
                Start::End => (line_start(&file, size).map_err(|e| Error::io(&name, &e))?, None),
                Start::Beginning => (0, None),
                Start::Since(t) => (0, Some(*t)),
                Start::Cursor(c) => match c.find(id) {
                    Some(m) if m.offset <= size => (m.offset, None),
                    _ => (0, None),
                },
            }
        };
        let lines = match (&self.opts.start, self.started) {
            (Start::Cursor(c), false) => c.find(id).filter(|m| m.offset == from).map_or(0, |m| m.lines),
            _ if from > 0 => tailed::count_lines(&file, from).map_err(|e| Error::io(&name, &e))?,
            _ => 0,
        };
        let mut t = Tailed::new(name, f.path, id, file, from, lines, self.forced.clone(), source::mtime_ns(&meta));
        t.replay_from = replay;
        if from > 0 {
            t.detect_format(&self.opts.open)?;
        }
        self.files.push(t);
        Ok(())
    }
}

/// The start of the line holding byte `end` (a file followed from its end whose last line is
/// unfinished is read from that line's start).
fn line_start(file: &File, end: u64) -> std::io::Result<u64> {
    let mut at = end;
    let mut buf = vec![0u8; 65_536];
    while at > 0 {
        let from = at.saturating_sub(buf.len() as u64);
        let n = tailed::read_full(file, &mut buf[..(at - from) as usize], from)?;
        if let Some(p) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(from + p as u64 + 1);
        }
        at = from;
    }
    Ok(0)
}

/// An index of no files: enough to check that a query compiles.
fn empty_index() -> Result<Index> {
    crate::indexer::build_formatted(Vec::new(), &OpenOptions::default(), &Control::default())
}

/// The matches of one batch, as entries numbered by the watch and placed in their file.
fn emit(
    b: tailed::Batch,
    model: &Model,
    fields: bool,
    seq: &mut u32,
    replay_from: &mut Option<i64>,
    out: &mut Vec<Hit>,
) -> Result<()> {
    let ix = &b.index;
    let q = Compiled::from_model(model.clone(), ix)?;
    let mut first = 0u32;
    if let Some(from) = *replay_from {
        match (0..ix.len() as u32).find(|&e| ix.ts(e).is_some_and(|t| t >= from)) {
            Some(e) => {
                first = e;
                *replay_from = None;
            }
            None => return Ok(()),
        }
    }
    for e in search::select_compiled(ix, &q, &Control::default())? {
        if e < first {
            continue;
        }
        let mut entry = ix.entry(e, fields);
        entry.id = *seq;
        *seq = seq.saturating_add(1);
        entry.line = (entry.line as u64 + b.lines).min(u32::MAX as u64) as u32;
        entry.offset += b.offset;
        let matches = search::utf16_spans(&entry.message, &q.text.spans(entry.message.as_bytes()));
        out.push(Hit { entry, matches, context: None });
    }
    Ok(())
}

/// A notifier on the directories that hold the inputs (a directory watch sees files created
/// and renamed in it, which a watch on the file itself would not), or None when
/// notifications are unavailable (then the rescan alone notices changes).
fn notifier(inputs: &[String], tx: Sender<Msg>) -> Option<notify::RecommendedWatcher> {
    let mut w = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let msg = match res.map(|e| e.kind) {
            Ok(EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(notify::event::ModifyKind::Name(_))) => {
                Msg::Structure
            }
            Ok(EventKind::Access(_)) => return,
            Ok(_) => Msg::Data,
            // An overflowed event queue: look at everything again.
            Err(_) => Msg::Structure,
        };
        let _ = tx.send(msg);
    })
    .ok()?;
    for input in inputs {
        let (dir, mode) = watched_dir(input);
        w.watch(&dir, mode).ok()?;
    }
    Some(w)
}

/// The directory to watch for an input, and how deep.
fn watched_dir(input: &str) -> (PathBuf, RecursiveMode) {
    let p = Path::new(input);
    if p.is_dir() {
        return (p.to_path_buf(), RecursiveMode::Recursive);
    }
    if !p.exists() && input.contains(['*', '?', '[']) {
        return (PathBuf::from(source::glob_base(input)), RecursiveMode::Recursive);
    }
    let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    (parent.to_path_buf(), RecursiveMode::NonRecursive)
}

#[cfg(test)]
mod tests;
