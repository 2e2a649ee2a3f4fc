//! Plain-text application logs: a header made of a timestamp and any of level, pid, thread,
//! component/logger, then the message. Lines without a header are left to `continuation`.
//!
//! One general model instead of a regex per product: a line's header is a sequence of typed
//! tokens ([`Step`]). `learn` tokenizes a sample of lines, picks the timestamp shape that
//! reads most of them (this settles day-first vs month-first), and keeps the token sequence
//! the lines agree on. `parse` then walks that fixed sequence: no regex and no allocation
//! per line, and the same reading for every line of a file.

use crate::format::ParseCtx;
use crate::level;
use crate::record::{IdKind, Parsed, Span};
use crate::time::{self, TsShape};
use serde_json::{Map, Value};

/// How a level is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LevelStyle {
    /// `INFO`, `warning:`, `WRN` (inside a bracket too: `[12:00:00 WRN]`).
    Bare,
    /// `[error]`, `[ INFO]`, `<warn>`, `[core:error]` (Apache 2.4: the module becomes the component).
    Bracket,
    /// A single letter before a comma at the start of the line (Ruby Logger: `I, [...]`).
    Letter,
    /// A single letter alone (`V D I W E F`, logcat); learned only when most lines have it.
    Letter1,
    /// `channel.LEVEL:` (Monolog / Laravel): the channel becomes the component.
    Dotted,
}

/// How a process id is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PidStyle {
    /// A bare number (`081109 203615 148 INFO ...`).
    Bare,
    /// `#1234` (Ruby Logger, inside the timestamp bracket).
    Hash,
    /// `123#0:` (nginx error log: pid#tid).
    PidTid,
    /// `[pid 123]`, `[pid 123:tid 456]` (Apache 2.4).
    Bracket,
    /// `[12345]` (gunicorn, PostgreSQL).
    BracketNum,
}

/// What ends a component / logger name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delim {
    /// `name: ` (also padded `name     : `, Spring Boot).
    Colon,
    /// `name - `
    Dash,
    /// `name\t` (zap console).
    Tab,
    /// `name | `
    Pipe,
    /// `name:message` or `name|message` with no space (Python's `basicConfig`:
    /// `WARNING:root:message`; HealthApp: `Step_LSC|30002312|message`).
    Tight,
    /// A name set off by whitespace alone: padded into a column (`CBS    Loaded ...`, two or
    /// more blanks) or a dotted logger name (`nova.compute.manager [req-1] ...`).
    Space,
    /// Any word: learned only as the word right before a level found further into the
    /// header (`... RAS KERNEL INFO message`), never tried on its own.
    Word,
}

/// One token of a header layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The timestamp; with `bracket` it opens a `[`, closed by a later `Close` step.
    Ts {
        shape: TsShape,
        bracket: bool,
    },
    /// `]` closing the timestamp bracket.
    Close,
    Level(LevelStyle),
    Pid(PidStyle),
    /// `[main]`, `[pool-1-thread-2]`, `[   main]` (trimmed): the thread id.
    Thread,
    Component(Delim),
    /// A lone separator: `-`, `--`, `---`, `|`, `:`.
    Sep(u8),
    /// A word that means nothing to the index: before the timestamp (`1:M` in Redis logs),
    /// or between it and a level or tag found further on.
    Skip,
    /// A word before the timestamp that names the writer (`update-alternatives 2025-06-24
    /// 14:36:53: run …`, `Start-Date: …`, a node name): the component when the header names
    /// none further on. Any word matches, so a line with another word there still parses.
    Name,
    /// A syslog-style tag `name[pid]:` (`crond(pam_unix)[2915]:`): component and pid.
    Tag,
    /// The stream and line tag of the Kubernetes CRI log format (`stdout F`, `stderr P`).
    Stream,
}

/// What was learned about a file's header layout from a sample of its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub steps: Vec<Step>,
    /// How many leading steps must match for a line to start a record (through the
    /// timestamp, or the level when there is no timestamp). Later steps are optional.
    pub anchor: usize,
}

impl Default for Layout {
    /// The fallback used for stray plain lines in JSON files: an ISO-8601 stamp, then a level.
    fn default() -> Self {
        Layout {
            steps: vec![
                Step::Ts { shape: TsShape::Numeric { order: time::DateOrder::Ymd, sep: b'-' }, bracket: false },
                Step::Level(LevelStyle::Bare),
            ],
            anchor: 1,
        }
    }
}

impl Layout {
    /// Apache httpd error log (2.2 and 2.4): `[ctime] [level] [pid N:tid M] message`.
    pub fn apache_error() -> Layout {
        Layout {
            steps: vec![
                Step::Ts { shape: TsShape::Ctime, bracket: true },
                Step::Close,
                Step::Level(LevelStyle::Bracket),
                Step::Pid(PidStyle::Bracket),
            ],
            anchor: 3,
        }
    }

    /// The timestamp shape of this layout, if it has one.
    pub fn ts_shape(&self) -> Option<TsShape> {
        self.steps.iter().find_map(|s| match s {
            Step::Ts { shape, .. } => Some(*shape),
            _ => None,
        })
    }
}

#[inline]
pub(crate) fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
        i += 1;
    }
    i
}

#[inline]
fn is_ws_or_end(line: &[u8], i: usize) -> bool {
    matches!(line.get(i), None | Some(b' ') | Some(b'\t'))
}

/// End of the run of non-whitespace bytes starting at `i` (at most `max` bytes long).
#[inline]
pub(crate) fn word_end(line: &[u8], i: usize, max: usize) -> Option<usize> {
    let lim = line.len().min(i + max + 1);
    let mut j = i;
    while j < lim && line[j] != b' ' && line[j] != b'\t' {
        j += 1;
    }
    (j > i && j - i <= max).then_some(j)
}

#[inline]
fn alpha_end(line: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < line.len() && line[j].is_ascii_alphabetic() {
        j += 1;
    }
    j
}

#[inline]
fn digit_end(line: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < line.len() && line[j].is_ascii_digit() {
        j += 1;
    }
    j
}

#[inline]
fn set_level(line: &[u8], s: usize, e: usize, out: &mut Parsed) -> bool {
    set_level_by(line, s, e, out, level::from_word)
}

#[inline]
fn set_level_by(line: &[u8], s: usize, e: usize, out: &mut Parsed, word: impl Fn(&[u8]) -> Option<u8>) -> bool {
    match word(&line[s..e]) {
        Some(sev) => {
            out.level = sev;
            out.level_text = Some(Span::new(s, e));
            true
        }
        None => false,
    }
}

fn letter_level(c: u8) -> Option<u8> {
    Some(match c {
        b'T' | b'V' => level::TRACE,
        b'D' => level::DEBUG,
        b'I' => level::INFO,
        b'W' => level::WARN,
        b'E' => level::ERROR,
        b'F' => level::FATAL,
        _ => return None,
    })
}

/// `run_step` for describing a layout (outside the hot path).
pub(crate) fn match_step(line: &[u8], i: usize, step: Step, ctx: &ParseCtx, out: &mut Parsed) -> Option<usize> {
    run_step(line, i, step, ctx, out)
}

/// Matches one header token at `i`; fills `out` and returns the end of the token.
#[inline]
fn run_step(line: &[u8], i: usize, step: Step, ctx: &ParseCtx, out: &mut Parsed) -> Option<usize> {
    match step {
        Step::Ts { shape, bracket } => {
            let at = if bracket {
                if line.get(i) != Some(&b'[') {
                    return None;
                }
                i + 1
            } else {
                i
            };
            let rest = line.get(at..)?;
            let (ns, used) = match shape {
                TsShape::TimeOnly => (None, time::time_only(rest)?),
                _ => {
                    let (ns, u, year_less) = time::parse_ts_year(rest, shape, ctx.tz, ctx.year)?;
                    out.year_less = year_less;
                    (Some(ns), u)
                }
            };
            let end = at + used;
            // A stamp must end at a token boundary (`2024-01-02 03:04:05x` is not one).
            if line.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            out.ts = ns;
            // `2016-09-28 04:30:30, Info ...` (Windows CBS), `[2024-01-02 03:04:05,678: INFO/Main]`
            // (Celery): the comma or colon closes the stamp.
            if matches!(line.get(end), Some(b',' | b':')) && matches!(line.get(end + 1), Some(b' ' | b'\t')) {
                return Some(end + 1);
            }
            // `2009-07-20 22:59:27,672:DEBUG:msg` (Python's `%(asctime)s:%(levelname)s:…`),
            // `…05.123|INFO|main|msg`: a separator with no blank before the next field.
            if matches!(line.get(end), Some(b',' | b':' | b'|' | b';'))
                && line.get(end + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'[')
            {
                return Some(end + 1);
            }
            Some(end)
        }
        Step::Skip => word_end(line, i, MAX_WORD),
        Step::Name => {
            let e = word_end(line, i, MAX_WORD)?;
            let end = if line[e - 1] == b':' { e - 1 } else { e };
            if out.component.is_none() && is_name(&line[i..end]) {
                out.component = Some(Span::new(i, end));
            }
            Some(e)
        }
        Step::Stream => {
            let r = line.get(i..)?;
            let tagged = (r.starts_with(b"stdout ") || r.starts_with(b"stderr "))
                && matches!(r.get(7), Some(b'F' | b'P'))
                && is_ws_or_end(r, 8);
            tagged.then_some(i + 8)
        }
        Step::Tag => {
            let e = word_end(line, i, MAX_WORD)?;
            let w = &line[i..e];
            let open = w.strip_suffix(b"]:")?.iter().rposition(|&c| c == b'[')?;
            let digits = &w[open + 1..w.len() - 2];
            if open == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            if out.component.is_none() {
                out.component = Some(Span::new(i, i + open));
            }
            out.pid = Some(Span::new(i + open + 1, e - 2));
            Some(e)
        }
        Step::Close => (line.get(i) == Some(&b']')).then_some(i + 1),
        Step::Level(LevelStyle::Bare) => {
            let e = alpha_end(line, i);
            if e - i < 3 || !matches!(line.get(e), None | Some(b' ' | b'\t' | b':' | b']' | b',' | b'/' | b'|')) {
                return None;
            }
            if !set_level(line, i, e, out) {
                return None;
            }
            match line.get(e) {
                Some(b':' | b'|') => Some(e + 1),
                Some(b',') if !line.get(e + 1).is_some_and(u8::is_ascii_digit) => Some(e + 1),
                // `INFO/MainProcess]` (Celery): the process name is the thread.
                Some(b'/') => {
                    let n = e + 1 + line[e + 1..].iter().take(200).position(|&c| c == b']' || c == b' ')?;
                    out.set_id(IdKind::Thread, Span::new(e + 1, n));
                    Some(n)
                }
                _ => Some(e),
            }
        }
        Step::Level(LevelStyle::Bracket) => {
            let close = match line.get(i)? {
                b'[' => b']',
                b'<' => b'>',
                _ => return None,
            };
            let s = skip_ws(line, i + 1);
            let mut e = s;
            while e < line.len() && (line[e].is_ascii_alphanumeric() || line[e] == b'_') {
                e += 1;
            }
            let (mut ws, mut we) = (s, e);
            let mut module = None;
            if line.get(e) == Some(&b':') {
                module = Some(Span::new(s, e));
                ws = e + 1;
                we = alpha_end(line, ws);
            }
            let after = skip_ws(line, we);
            if line.get(after) != Some(&close) || !set_level_by(line, ws, we, out, level::from_bracket_word) {
                return None;
            }
            if out.component.is_none() {
                out.component = module.filter(|m| m.len > 0);
            }
            Some(after + 1)
        }
        Step::Level(LevelStyle::Letter) => {
            let sev = letter_level(*line.get(i)?)?;
            if i != 0 || line.get(i + 1) != Some(&b',') {
                return None;
            }
            out.level = sev;
            out.level_text = Some(Span::new(i, i + 1));
            Some(i + 2)
        }
        Step::Level(LevelStyle::Letter1) => {
            let sev = letter_level(*line.get(i)?)?;
            if !matches!(line.get(i + 1), Some(b' ' | b'\t')) {
                return None;
            }
            out.level = sev;
            out.level_text = Some(Span::new(i, i + 1));
            Some(i + 1)
        }
        Step::Level(LevelStyle::Dotted) => {
            let mut e = i;
            while e < line.len() && (line[e].is_ascii_alphanumeric() || matches!(line[e], b'_' | b'.' | b'-')) {
                e += 1;
            }
            if line.get(e) != Some(&b':') {
                return None;
            }
            let dot = line[i..e].iter().rposition(|&c| c == b'.')? + i;
            if dot == i || !set_level(line, dot + 1, e, out) {
                return None;
            }
            if out.component.is_none() {
                out.component = Some(Span::new(i, dot));
            }
            Some(e + 1)
        }
        Step::Pid(style) => pid(line, i, style, out),
        Step::Thread => {
            if line.get(i) != Some(&b'[') {
                return None;
            }
            let lim = line.len().min(i + 200);
            let mut close = memchr::memchr(b']', &line[i + 1..lim])? + i + 1;
            if memchr::memchr(b'[', &line[i + 1..close]).is_some() {
                // Nested (`[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]`):
                // the bracket that balances; the plain case above stays one memchr.
                let mut depth = 0usize;
                close = (i + 1..lim).find(|&j| match line[j] {
                    b'[' => {
                        depth += 1;
                        false
                    }
                    b']' if depth == 0 => true,
                    b']' => {
                        depth -= 1;
                        false
                    }
                    _ => false,
                })?;
            }
            let mut s = i + 1;
            let mut e = close;
            while s < e && line[s] == b' ' {
                s += 1;
            }
            while e > s && line[e - 1] == b' ' {
                e -= 1;
            }
            out.set_id(IdKind::Thread, Span::new(s, e));
            Some(close + 1)
        }
        Step::Sep(c) => {
            let mut e = i;
            while e < line.len() && line[e] == c && e - i < 3 {
                e += 1;
            }
            // `|` may also separate without blanks (`stamp|name|message`).
            (e > i && (is_ws_or_end(line, e) || c == b'|')).then_some(e)
        }
        Step::Component(delim) => component(line, i, delim, out),
    }
}

fn pid(line: &[u8], i: usize, style: PidStyle, out: &mut Parsed) -> Option<usize> {
    match style {
        PidStyle::Bare => {
            let e = digit_end(line, i);
            (e > i && e - i <= 10 && matches!(line.get(e), Some(b' ' | b'\t'))).then(|| {
                // A second number is the thread (logcat: `pid tid`).
                if out.pid.is_some() {
                    out.set_id(IdKind::Thread, Span::new(i, e));
                } else {
                    out.pid = Some(Span::new(i, e));
                }
                e
            })
        }
        PidStyle::BracketNum => {
            if line.get(i) != Some(&b'[') {
                return None;
            }
            let e = digit_end(line, i + 1);
            (e > i + 1 && e - i <= 11 && line.get(e) == Some(&b']')).then(|| {
                out.pid = Some(Span::new(i + 1, e));
                e + 1
            })
        }
        PidStyle::Hash => {
            if line.get(i) != Some(&b'#') {
                return None;
            }
            let e = digit_end(line, i + 1);
            (e > i + 1 && !line.get(e).is_some_and(u8::is_ascii_alphanumeric)).then(|| {
                out.pid = Some(Span::new(i + 1, e));
                e
            })
        }
        PidStyle::PidTid => {
            let e = digit_end(line, i);
            if e == i || line.get(e) != Some(&b'#') {
                return None;
            }
            let t = digit_end(line, e + 1);
            if t == e + 1 || line.get(t) != Some(&b':') {
                return None;
            }
            out.pid = Some(Span::new(i, e));
            out.set_id(IdKind::Thread, Span::new(e + 1, t));
            Some(t + 1)
        }
        PidStyle::Bracket => {
            if !line.get(i..)?.starts_with(b"[pid ") {
                return None;
            }
            let s = i + 5;
            let e = digit_end(line, s);
            if e == s {
                return None;
            }
            out.pid = Some(Span::new(s, e));
            let mut j = e;
            if line.get(j..).is_some_and(|r| r.starts_with(b":tid ")) {
                let t = digit_end(line, j + 5);
                out.set_id(IdKind::Thread, Span::new(j + 5, t));
                j = t;
            }
            (line.get(j) == Some(&b']')).then_some(j + 1)
        }
    }
}

fn component(line: &[u8], i: usize, delim: Delim, out: &mut Parsed) -> Option<usize> {
    if matches!(line.get(i), Some(b'[' | b'"' | b'{' | b'(')) {
        return None;
    }
    if delim == Delim::Tight {
        let mut e = i;
        while e < line.len() && (line[e].is_ascii_alphanumeric() || matches!(line[e], b'_' | b'.' | b'$' | b'-')) {
            e += 1;
        }
        // `name: message` is the Colon style; `host:5070` (digits up to a blank) is a port.
        let after = line.get(e + 1..).unwrap_or_default();
        let port = after.iter().take_while(|c| c.is_ascii_digit()).count();
        match line.get(e) {
            Some(b':') if is_ws_or_end(line, e + 1) || (port > 0 && is_ws_or_end(after, port)) => return None,
            Some(b':' | b'|') if e > i => {}
            _ => return None,
        }
        if out.component.is_none() {
            out.component = Some(Span::new(i, e));
        }
        return Some(e + 1);
    }
    let e = word_end(line, i, 200)?;
    let (name_end, end) = match delim {
        Delim::Colon => {
            if line[e - 1] == b':' && e - i >= 2 {
                (e - 1, e)
            } else {
                // Padded: `c.e.App          : message`.
                let j = skip_ws(line, e);
                if j > e && line.get(j) == Some(&b':') && is_ws_or_end(line, j + 1) {
                    (e, j + 1)
                } else {
                    return None;
                }
            }
        }
        Delim::Dash => {
            let r = line.get(e..)?;
            if r.starts_with(b" - ") || r == b" -" {
                (e, e + 2)
            } else {
                return None;
            }
        }
        Delim::Tab => (line.get(e) == Some(&b'\t')).then_some((e, e + 1))?,
        Delim::Pipe => line.get(e..)?.starts_with(b" | ").then_some((e, e + 2))?,
        Delim::Space => {
            let padded = line.get(e..e + 2) == Some(b"  ") || line.get(e) == Some(&b'\t');
            let name = &line[i..e];
            let dotted = name.contains(&b'.')
                && name[0].is_ascii_alphabetic()
                && name.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$' | b'-'));
            if !(padded || dotted && line.get(e) == Some(&b' ')) || name.ends_with(b":") {
                return None;
            }
            (e, e)
        }
        Delim::Word => (e, e),
        Delim::Tight => return None,
    };
    // `ERROR:` where most lines have a tag (`LOG:`, `STATEMENT:`) is still the level.
    if out.level == 0 && set_level(line, i, name_end, out) {
        return Some(end);
    }
    if out.component.is_none() {
        out.component = Some(Span::new(i, name_end));
    }
    Some(end)
}

/// Parses a header at the start of `line`; false when there is none (a continuation line).
/// With an empty layout (nothing header-like was learned, yet `text` was forced) every line
/// is a record of its own, as in `raw`, rather than one endless continuation.
pub fn parse(line: &[u8], layout: &Layout, ctx: &ParseCtx, out: &mut Parsed) -> bool {
    if layout.steps.is_empty() {
        out.message = Span::new(0, line.len());
        return true;
    }
    let mut i = 0;
    for (k, &step) in layout.steps.iter().enumerate() {
        match run_step(line, i, step, ctx, out) {
            Some(end) => i = skip_ws(line, end),
            None if k < layout.anchor => return false,
            None if step == Step::Level(LevelStyle::Bare) => i = level_after_a_word(line, i, ctx, out).unwrap_or(i),
            None => {}
        }
    }
    let mut end = line.len();
    while end > i && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    out.message = Span::new(i, end);
    true
}

/// An upper-case level one word further on, where the layout's level is missing: the word is
/// a field some lines have and most lack (PostgreSQL's `%u@%d`: `[15401] app@shop ERROR:  …`).
/// Runs only when the level step failed, so the common line never pays for it.
fn level_after_a_word(line: &[u8], i: usize, ctx: &ParseCtx, out: &mut Parsed) -> Option<usize> {
    let j = skip_ws(line, word_end(line, i, MAX_WORD)?);
    let e = alpha_end(line, j);
    level::from_upper_word(&line[j..e])?;
    let end = run_step(line, j, Step::Level(LevelStyle::Bare), ctx, out)?;
    Some(skip_ws(line, end))
}

/// The order in which `learn` tries token kinds at a position (the first that matches wins).
/// The level styles come first: `classify` checks `[..4]` for "is this word a level".
const CANDIDATES: [Step; 22] = [
    Step::Level(LevelStyle::Letter),
    Step::Level(LevelStyle::Bracket),
    Step::Level(LevelStyle::Bare),
    Step::Level(LevelStyle::Dotted),
    Step::Pid(PidStyle::Bracket),
    Step::Pid(PidStyle::BracketNum),
    Step::Pid(PidStyle::PidTid),
    Step::Pid(PidStyle::Hash),
    Step::Pid(PidStyle::Bare),
    Step::Level(LevelStyle::Letter1),
    Step::Stream,
    Step::Thread,
    Step::Sep(b'-'),
    Step::Sep(b'|'),
    Step::Sep(b':'),
    Step::Tag,
    Step::Component(Delim::Colon),
    Step::Component(Delim::Dash),
    Step::Component(Delim::Pipe),
    Step::Component(Delim::Tab),
    Step::Component(Delim::Tight),
    Step::Component(Delim::Space),
];

/// A program or node name: a letter, then letters, digits, `-`, `_`, `.` (`update-alternatives`,
/// `node-246`); not a level word.
fn is_name(w: &[u8]) -> bool {
    w.len() >= 2
        && w[0].is_ascii_alphabetic()
        && w.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && level::from_word(w).is_none()
}

/// Longest word `Skip` steps over (`nova-api.log.1.2017-05-16_13:53:08`, a file name).
const MAX_WORD: usize = 64;

/// How far into a header a level word is looked for (`- 1117838570 2005.06.03 R02-M1-N0
/// 2005-06-03-15.42.50.675872 R02-M1-N0 RAS KERNEL INFO message`, BGL).
const LEVEL_LOOKAHEAD: usize = 8;

/// A header part found further on, past words that mean nothing to the index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// An upper-case level word (`level::from_upper_word`).
    Level,
    /// A syslog tag `name[pid]:` (`- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228
    /// crond[2916]: message`, Thunderbird).
    Tag,
}

/// The ends of the words before an anchor within `LEVEL_LOOKAHEAD` words of `i`.
fn words_before_anchor(line: &[u8], mut i: usize) -> Option<(Vec<usize>, Anchor)> {
    let mut ends = Vec::new();
    let mut scratch = Parsed::default();
    while ends.len() < LEVEL_LOOKAHEAD {
        let e = word_end(line, i, MAX_WORD)?;
        let w = &line[i..e];
        if !ends.is_empty() {
            if level::from_upper_word(w).is_some() {
                return Some((ends, Anchor::Level));
            }
            if run_step(line, i, Step::Tag, &ParseCtx::default(), &mut scratch).is_some() {
                return Some((ends, Anchor::Tag));
            }
        }
        ends.push(e);
        i = skip_ws(line, e);
    }
    None
}

const MAX_STEPS: usize = 10;

/// Tokenizes a line's header into steps (learning only; the hot path never classifies).
fn classify(line: &[u8], shape: Option<TsShape>, ctx: &ParseCtx, steps: &mut Vec<Step>) {
    steps.clear();
    let mut scratch = Parsed::default();
    let mut i = 0;
    let mut ts_seen = shape.is_none();
    let mut in_bracket = false;
    while steps.len() < MAX_STEPS && i < line.len() {
        let mut found = None;
        if !ts_seen && steps.len() < STAMP_WORDS {
            if let Some(shape) = shape {
                for bracket in [false, true] {
                    let st = Step::Ts { shape, bracket };
                    if let Some(e) = run_step(line, i, st, ctx, &mut scratch) {
                        found = Some((st, e));
                        ts_seen = true;
                        in_bracket = bracket;
                        break;
                    }
                }
            }
        }
        if found.is_none() && in_bracket && line[i] == b']' {
            found = Some((Step::Close, i + 1));
            in_bracket = false;
        }
        if found.is_none() && !ts_seen && steps.len() + 1 < STAMP_WORDS {
            // A word that is not a level, with the timestamp among the next words: a prefix
            // to skip (`1:M 02 Jan 2024 …`, `node-7 unix.hw state 1077804742 …`).
            let level_here = CANDIDATES[..4].iter().any(|&st| run_step(line, i, st, ctx, &mut scratch).is_some());
            if let (false, Some(e), Some(shape)) = (level_here, word_end(line, i, MAX_WORD), shape) {
                let mut j = skip_ws(line, e);
                let mut ts_ahead = false;
                for _ in steps.len() + 1..STAMP_WORDS {
                    if [false, true]
                        .iter()
                        .any(|&bracket| run_step(line, j, Step::Ts { shape, bracket }, ctx, &mut scratch).is_some())
                    {
                        ts_ahead = true;
                        break;
                    }
                    match word_end(line, j, MAX_WORD) {
                        Some(e) => j = skip_ws(line, e),
                        None => break,
                    }
                }
                if ts_ahead {
                    let end = if line[e - 1] == b':' { e - 1 } else { e };
                    found = Some((if is_name(&line[i..end]) { Step::Name } else { Step::Skip }, e));
                }
            }
        }
        if found.is_none() {
            found = CANDIDATES.iter().find_map(|&st| run_step(line, i, st, ctx, &mut scratch).map(|e| (st, e)));
        }
        if found.is_none() && ts_seen {
            // Words that mean nothing to the index, then a level or a tag: skip them; before
            // a level, the last one (the word the level follows) is read as the component.
            if let Some((ends, anchor)) =
                words_before_anchor(line, i).filter(|(w, _)| steps.len() + w.len() < MAX_STEPS)
            {
                for (k, &e) in ends.iter().enumerate() {
                    let last = k + 1 == ends.len();
                    steps.push(if last && anchor == Anchor::Level { Step::Component(Delim::Word) } else { Step::Skip });
                    i = skip_ws(line, e);
                }
                continue;
            }
        }
        let Some((st, e)) = found else { break };
        steps.push(st);
        i = skip_ws(line, e);
    }
    if !ts_seen {
        steps.clear();
    }
}

/// The timestamp shape that reads the most sample lines (at the start, inside a leading
/// `[`, or after a first short token such as a level); ties go to the earlier shape.
fn learn_shape(lines: &[&[u8]], ctx: &ParseCtx) -> Option<TsShape> {
    let starts: Vec<Vec<usize>> = lines.iter().map(|l| stamp_starts(l)).collect();
    // Per shape: lines it reads and the sum of the word positions it reads them at. More
    // lines win; then the earlier position (an epoch as the 2nd word before a syslog stamp
    // as the 5th, Thunderbird); then the order of `TS_SHAPES`.
    let mut best: Option<(TsShape, usize, usize)> = None;
    for &shape in time::TS_SHAPES.iter() {
        let (mut n, mut pos_sum) = (0usize, 0usize);
        for (l, st) in lines.iter().zip(&starts) {
            let hit =
                st.iter().position(|&s| l.get(s..).and_then(|r| time::parse_ts(r, shape, ctx.tz, ctx.year)).is_some());
            if let Some(p) = hit {
                n += 1;
                pos_sum += p;
            }
        }
        if n > 0 && best.is_none_or(|(_, b, bp)| n > b || (n == b && pos_sum < bp)) {
            best = Some((shape, n, pos_sum));
        }
    }
    let mut best = best.map(|(s, n, _)| (s, n));
    if best.is_none() {
        // No dated stamp: a time of day alone still marks headers (logback's default).
        let n = lines
            .iter()
            .filter(|l| {
                time::time_only(l).is_some() || (l.first() == Some(&b'[') && time::time_only(&l[1..]).is_some())
            })
            .count();
        if n > 0 {
            best = Some((TsShape::TimeOnly, n));
        }
    }
    best.map(|(s, _)| s)
}

/// Words of a header before the timestamp that learning looks through (`LogId Node Component
/// State Time …` has an epoch as its 5th word, HPC).
const STAMP_WORDS: usize = 6;

/// Where a stamp may start in a line, in word order: each of the first `STAMP_WORDS` words
/// (inside a `[` that opens one too), and after a first bracketed token (`[WARN ] 2024-…`).
fn stamp_starts(l: &[u8]) -> Vec<usize> {
    let mut out = Vec::with_capacity(STAMP_WORDS + 2);
    let mut i = 0;
    for _ in 0..STAMP_WORDS {
        if i >= l.len() {
            break;
        }
        out.push(i);
        if l[i] == b'[' {
            out.push(i + 1);
        }
        let Some(e) = word_end(l, i, MAX_WORD) else { break };
        i = skip_ws(l, e);
    }
    if l.first() == Some(&b'[') {
        if let Some(p) = l.iter().take(12).position(|&c| c == b']') {
            let p = skip_ws(l, p + 1);
            out.push(if l.get(p) == Some(&b'[') { p + 1 } else { p });
        }
    }
    out
}

/// Learns the layout from sample lines; returns it with the share of lines it parses.
pub fn learn(lines: &[&[u8]], ctx: &ParseCtx) -> (Layout, f64) {
    let shape = learn_shape(lines, ctx);
    let mut seqs: Vec<Vec<Step>> = Vec::with_capacity(lines.len());
    let mut buf = Vec::new();
    for l in lines {
        classify(l, shape, ctx, &mut buf);
        if !buf.is_empty() {
            seqs.push(buf.clone());
        }
    }
    let total = seqs.len();
    let mut steps: Vec<Step> = Vec::new();
    // Grow the common prefix while a clear majority of the lines agree on the next token.
    loop {
        let matching: Vec<&Vec<Step>> = seqs.iter().filter(|s| s.starts_with(&steps)).collect();
        let mut counts: Vec<(Step, usize)> = Vec::new();
        for s in &matching {
            if let Some(&next) = s.get(steps.len()) {
                match counts.iter_mut().find(|(st, _)| *st == next) {
                    Some(c) => c.1 += 1,
                    None => counts.push((next, 1)),
                }
            }
        }
        let Some(&(next, n)) = counts.iter().max_by_key(|(_, n)| *n) else { break };
        // Through the stamp, three lines in four must agree; after it the steps are optional
        // (a line without one still parses), so a majority suffices (PostgreSQL: `LOG:` and
        // `ERROR:` on most lines, `STATEMENT:` or `app@shop ERROR:` on others).
        let stamped = steps.iter().any(|s| matches!(s, Step::Ts { .. }));
        let agree = if stamped { n * 2 > matching.len() } else { n * 4 >= matching.len() * 3 };
        if !agree || n * 2 < total || steps.len() >= MAX_STEPS {
            break;
        }
        steps.push(next);
    }
    let anchor = match steps.iter().position(|s| matches!(s, Step::Ts { .. })) {
        Some(p) => p + 1,
        None if shape.is_none() && matches!(steps.first(), Some(Step::Level(_))) => 1,
        None => 0,
    };
    if anchor == 0 {
        steps.clear();
    }
    let layout = Layout { steps, anchor };
    if layout.steps.is_empty() {
        return (layout, 0.0);
    }
    let share = share_of(lines, |l, out| parse(l, &layout, ctx, out));
    (layout, share)
}

/// Share of `lines` that `parse` accepts as the start of a record.
pub fn share_of(lines: &[&[u8]], mut parse: impl FnMut(&[u8], &mut Parsed) -> bool) -> f64 {
    if lines.is_empty() {
        return 0.0;
    }
    let mut out = Parsed::default();
    let hits = lines
        .iter()
        .filter(|l| {
            out.reset();
            parse(l, &mut out)
        })
        .count();
    hits as f64 / lines.len() as f64
}

pub(crate) fn text(b: &[u8]) -> Value {
    Value::String(String::from_utf8_lossy(b).into_owned())
}

/// A number as a JSON number when it is one, else as a string.
pub(crate) fn number_or_text(b: &[u8]) -> Value {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| {
            if let Ok(i) = s.parse::<i64>() {
                return Some(Value::from(i));
            }
            s.parse::<f64>().ok().filter(|f| f.is_finite() && s.bytes().any(|c| c.is_ascii_digit())).map(Value::from)
        })
        .unwrap_or_else(|| text(b))
}

/// The common fields of a parsed header: time, level, component, pid, thread.
pub(crate) fn header_fields(line: &[u8], out: &Parsed, m: &mut Map<String, Value>) {
    if let Some(ts) = out.ts {
        m.insert("time".into(), Value::String(time::format_ns(ts)));
    }
    if let Some(l) = out.level_text {
        m.insert("level".into(), text(l.slice(line)));
    }
    if let Some(c) = out.component {
        m.insert("component".into(), text(c.slice(line)));
    }
    if let Some(p) = out.pid {
        m.insert("pid".into(), number_or_text(p.slice(line)));
    }
    for kind in crate::record::ID_KINDS {
        if let Some(s) = out.ids[kind as usize] {
            m.insert(kind.name().into(), text(s.slice(line)));
        }
    }
}

/// Header fields of a text record (plus `client` of an Apache error record).
pub fn fields(record: &[u8], layout: &Layout, ctx: &ParseCtx) -> Map<String, Value> {
    let mut m = Map::new();
    let line = first_line(record);
    let mut out = Parsed::default();
    if parse(line, layout, ctx, &mut out) {
        header_fields(line, &out, &mut m);
        let msg = out.message.slice(line);
        if let Some(rest) = msg.strip_prefix(b"[client ") {
            if let Some(e) = memchr::memchr(b']', rest) {
                m.insert("client".into(), text(&rest[..e]));
            }
        }
    }
    m
}

/// The first line of a record, without its CR (the line its columns were parsed from).
pub(crate) fn first_line(record: &[u8]) -> &[u8] {
    let line = &record[..memchr::memchr(b'\n', record).unwrap_or(record.len())];
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn ctx() -> ParseCtx {
        ParseCtx { tz: crate::time::Tz::Fixed(0), year: 2024 }
    }

    /// Learns a layout from `lines`, then parses `lines[0]` and returns the parts as text.
    fn parts(lines: &[&str]) -> (Layout, Parsed, String) {
        let sample: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        let (layout, share) = learn(&sample, &ctx());
        assert!(share > 0.99, "share {share} for {lines:?} ({layout:?})");
        let mut out = Parsed::default();
        assert!(parse(sample[0], &layout, &ctx(), &mut out));
        (layout, out, lines[0].to_string())
    }

    fn s(line: &str, span: Option<Span>) -> Option<&str> {
        span.map(|sp| std::str::from_utf8(sp.slice(line.as_bytes())).unwrap())
    }

    fn ns(y: i64, mo: u32, d: u32, h: u32, mi: u32, sec: u32, n: u32) -> Option<i64> {
        time::civil_to_ns(y, mo, d, h, mi, sec, n)
    }

    struct Want<'a> {
        ts: Option<i64>,
        level: u8,
        comp: Option<&'a str>,
        thread: Option<&'a str>,
        pid: Option<&'a str>,
        msg: &'a str,
    }

    fn check(lines: &[&str], w: Want) {
        let (layout, out, l) = parts(lines);
        let l = l.as_str();
        assert_eq!(out.ts, w.ts, "ts of {l} ({layout:?})");
        assert_eq!(out.level, w.level, "level of {l} ({layout:?})");
        assert_eq!(s(l, out.component), w.comp, "component of {l} ({layout:?})");
        assert_eq!(s(l, out.ids[IdKind::Thread as usize]), w.thread, "thread of {l} ({layout:?})");
        assert_eq!(s(l, out.pid), w.pid, "pid of {l} ({layout:?})");
        assert_eq!(s(l, Some(out.message)), Some(w.msg), "message of {l} ({layout:?})");
    }

    #[test]
    fn python_logging_default() {
        check(
            &[
                "2024-01-02 03:04:05,678 - app.db - WARNING - slow query: 3s",
                "2024-01-02 03:04:06,001 - app.web - INFO - GET / 200",
                "2024-01-02 03:04:07,002 - root - ERROR - boom - again",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::WARN,
                comp: Some("app.db"),
                thread: None,
                pid: None,
                msg: "slow query: 3s",
            },
        );
    }

    #[test]
    fn go_log() {
        check(
            &["2024/01/02 03:04:05 listening on :8080", "2024/01/02 03:04:06 accepted: conn 1"],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 0),
                level: 0,
                comp: None,
                thread: None,
                pid: None,
                msg: "listening on :8080",
            },
        );
        check(
            &["2024/01/02 03:04:05.123456 main.go:12: started", "2024/01/02 03:04:05.223456 server.go:40: ready"],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 123_456_000),
                level: 0,
                comp: Some("main.go:12"),
                thread: None,
                pid: None,
                msg: "started",
            },
        );
    }

    #[test]
    fn log4j_and_logback_variants() {
        check(
            &[
                "2024-01-02 03:04:05.678 [main] INFO  com.example.App - Started in 2s",
                "2024-01-02 03:04:06.000 [http-nio-8080-exec-1] ERROR com.example.Web - failed: x",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::INFO,
                comp: Some("com.example.App"),
                thread: Some("main"),
                pid: None,
                msg: "Started in 2s",
            },
        );
        // Log4j2 with the level first and a logger ending in a colon.
        check(
            &[
                "[WARN ] 2024-01-02T03:04:05,678 [pool-1] c.e.Cache: evicted 3",
                "[INFO ] 2024-01-02T03:04:06,000 [pool-2] c.e.Cache: hit",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::WARN,
                comp: Some("c.e.Cache"),
                thread: Some("pool-1"),
                pid: None,
                msg: "evicted 3",
            },
        );
        // Spring Boot.
        check(
            &[
                "2024-01-02T03:04:05.678+01:00  INFO 4242 --- [           main] c.e.DemoApplication                      : Started",
                "2024-01-02T03:04:06.000+01:00  WARN 4242 --- [  restartedMain] o.s.b.Thing                              : Careful",
            ],
            Want {
                ts: ns(2024, 1, 2, 2, 4, 5, 678_000_000),
                level: level::INFO,
                comp: Some("c.e.DemoApplication"),
                thread: Some("main"),
                pid: Some("4242"),
                msg: "Started",
            },
        );
    }

    #[test]
    fn ruby_logger() {
        check(
            &[
                "I, [2024-01-02T03:04:05.678901 #1234]  INFO -- : Started GET \"/\"",
                "W, [2024-01-02T03:04:06.000000 #1234]  WARN -- : Deprecated",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_901_000),
                level: level::INFO,
                comp: None,
                thread: None,
                pid: Some("1234"),
                msg: "Started GET \"/\"",
            },
        );
    }

    #[test]
    fn zap_console() {
        check(
            &[
                "2024-01-02T03:04:05.678Z\tINFO\tpkg/file.go:12\tserver started\t{\"port\": 80}",
                "2024-01-02T03:04:06.000Z\tERROR\tpkg/other.go:7\tfailed",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::INFO,
                comp: Some("pkg/file.go:12"),
                thread: None,
                pid: None,
                msg: "server started\t{\"port\": 80}",
            },
        );
    }

    #[test]
    fn nginx_error() {
        check(
            &[
                "2024/01/02 03:04:05 [error] 123#0: *1 open() \"/x\" failed (2: No such file)",
                "2024/01/02 03:04:06 [warn] 123#0: *2 an upstream response is buffered",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 0),
                level: level::ERROR,
                comp: None,
                thread: Some("0"),
                pid: Some("123"),
                msg: "*1 open() \"/x\" failed (2: No such file)",
            },
        );
    }

    #[test]
    fn dotnet_bracket() {
        check(
            &["[2024-01-02 03:04:05 WRN] Cache miss for key k", "[2024-01-02 03:04:06 INF] Request finished"],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 0),
                level: level::WARN,
                comp: None,
                thread: None,
                pid: None,
                msg: "Cache miss for key k",
            },
        );
    }

    #[test]
    fn syslog_like_and_short_and_epoch() {
        check(
            &[
                "[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy",
                // Every line opening with a host:port must not make it a component column.
                "[10.30 16:49:07] x.exe - proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, lifetime 00:01",
            ],
            Want {
                ts: ns(2024, 10, 30, 16, 49, 6, 0),
                level: 0,
                comp: Some("chrome.exe"),
                thread: None,
                pid: None,
                msg: "proxy.cse.cuhk.edu.hk:5070 open through proxy",
            },
        );
        check(
            &["1700000000.123 ERROR disk full", "1700000001.5 INFO ok"],
            Want {
                ts: Some(1_700_000_000_123_000_000),
                level: level::ERROR,
                comp: None,
                thread: None,
                pid: None,
                msg: "disk full",
            },
        );
    }

    #[test]
    fn day_first_resolved_from_sample() {
        let (layout, _, _) = parts(&["01/02/2024 03:04:05 INFO a", "30/01/2024 03:04:05 INFO b"]);
        assert_eq!(layout.ts_shape(), Some(TsShape::Numeric { order: time::DateOrder::Dmy, sep: b'/' }));
        let (layout, out, _) = parts(&["01/02/2024 03:04:05 INFO a", "01/30/2024 03:04:05 INFO b"]);
        assert_eq!(layout.ts_shape(), Some(TsShape::Numeric { order: time::DateOrder::Mdy, sep: b'/' }));
        assert_eq!(out.ts, ns(2024, 1, 2, 3, 4, 5, 0));
    }

    #[test]
    fn continuations_and_missing_optional_tokens() {
        let lines: Vec<&[u8]> = vec![
            b"2024-01-02 03:04:05,678 ERROR [main] a.B: failed",
            b"java.lang.IllegalStateException: x",
            b"\tat a.B.c(B.java:10)",
            b"2024-01-02 03:04:06,000 INFO [main] a.B: ok",
        ];
        let (layout, share) = learn(&lines, &ctx());
        assert_eq!(share, 0.5);
        let mut out = Parsed::default();
        assert!(!parse(lines[1], &layout, &ctx(), &mut out));
        out.reset();
        assert!(!parse(lines[2], &layout, &ctx(), &mut out));
        // A record that lacks the thread still yields its level, component and message.
        out.reset();
        let l = b"2024-01-02 03:04:07,000 WARN a.B: no thread";
        assert!(parse(l, &layout, &ctx(), &mut out));
        assert_eq!(out.level, level::WARN);
        assert_eq!(out.component.unwrap().slice(l), b"a.B");
        assert_eq!(out.message.slice(l), b"no thread");
    }

    #[test]
    fn no_timestamp_level_first() {
        check(
            &["ERROR: could not connect", "INFO: retrying", "WARNING: slow"],
            Want { ts: None, level: level::ERROR, comp: None, thread: None, pid: None, msg: "could not connect" },
        );
    }

    #[test]
    fn apache_error_24() {
        let l = "[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00037: x";
        let mut out = Parsed::default();
        assert!(parse(l.as_bytes(), &Layout::apache_error(), &ctx(), &mut out));
        assert_eq!(out.ts, ns(2023, 10, 11, 14, 32, 52, 123_456_000));
        assert_eq!(out.level, level::ERROR);
        assert_eq!(s(l, out.component), Some("core"));
        assert_eq!(s(l, out.pid), Some("123"));
        assert_eq!(s(l, out.ids[IdKind::Thread as usize]), Some("456"));
        assert_eq!(s(l, Some(out.message)), Some("[client 1.2.3.4:5678] AH00037: x"));
        let f = fields(l.as_bytes(), &Layout::apache_error(), &ctx());
        assert_eq!(f["client"], "1.2.3.4:5678");
        assert_eq!(f["pid"], 123);
        assert_eq!(f["component"], "core");
    }

    #[test]
    fn edge_lines_do_not_panic() {
        let (layout, _) = learn(&[b"2024-01-02 03:04:05 INFO a".as_slice()], &ctx());
        let huge = [b"2024-01-02 03:04:05 INFO ".as_slice(), &vec![b'x'; 5 << 20]].concat();
        let mut out = Parsed::default();
        assert!(parse(&huge, &layout, &ctx(), &mut out));
        assert_eq!(out.message.len as usize, 5 << 20);
        for l in [&b""[..], b"[", b"2024-", b"2024-01-02 03:04:05", b"\0\0\0", b"[2024-01-02 03:04:05"] {
            out.reset();
            let _ = parse(l, &layout, &ctx(), &mut out);
            out.reset();
            let _ = parse(l, &Layout::apache_error(), &ctx(), &mut out);
        }
        let (_, share) = learn(&[b"  at x".as_slice(), b"\tat y"], &ctx());
        assert_eq!(share, 0.0);
    }

    #[test]
    fn more_unseen_layouts() {
        // Monolog / Laravel: `channel.LEVEL:`.
        check(
            &[
                r#"[2024-01-02 03:04:05] local.ERROR: Undefined variable {"exception":"x"}"#,
                "[2024-01-02 03:04:06] local.INFO: ok",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 0),
                level: level::ERROR,
                comp: Some("local"),
                thread: None,
                pid: None,
                msg: r#"Undefined variable {"exception":"x"}"#,
            },
        );
        // gunicorn.
        check(
            &[
                "[2024-01-02 03:04:05 +0000] [4242] [INFO] Starting gunicorn 21.2.0",
                "[2024-01-02 03:04:05 +0000] [4242] [INFO] Listening at: http://0.0.0.0:8000 (4242)",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 0),
                level: level::INFO,
                comp: None,
                thread: None,
                pid: Some("4242"),
                msg: "Starting gunicorn 21.2.0",
            },
        );
        // Python logging.basicConfig default.
        check(
            &["WARNING:urllib3.connectionpool:Retrying (Retry(total=2))", "INFO:root:started", "ERROR:app:boom"],
            Want {
                ts: None,
                level: level::WARN,
                comp: Some("urllib3.connectionpool"),
                thread: None,
                pid: None,
                msg: "Retrying (Retry(total=2))",
            },
        );
        // PostgreSQL.
        check(
            &[
                "2024-01-02 03:04:05.678 UTC [12345] LOG:  database system is ready to accept connections",
                "2024-01-02 03:04:06.000 UTC [12346] ERROR:  relation \"x\" does not exist",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::INFO,
                comp: None,
                thread: None,
                pid: Some("12345"),
                msg: "database system is ready to accept connections",
            },
        );
        // Android logcat (threadtime): year-less, pid, tid, single-letter level, tag.
        check(
            &[
                "01-02 03:04:05.678  1234  5678 W ActivityManager: Slow operation",
                "01-02 03:04:05.700  1234  5679 I ActivityManager: Start proc",
                "01-02 03:04:05.800   999  1000 E AndroidRuntime: FATAL EXCEPTION: main",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 5, 678_000_000),
                level: level::WARN,
                comp: Some("ActivityManager"),
                thread: Some("5678"),
                pid: Some("1234"),
                msg: "Slow operation",
            },
        );
        // Redis: a role prefix before a day-first stamp.
        let (_, out, l) = parts(&[
            "1:M 02 Jan 2024 03:04:05.678 * Ready to accept connections tcp",
            "1:C 02 Jan 2024 03:04:06.000 # Warning: no config file specified",
        ]);
        assert_eq!(out.ts, ns(2024, 1, 2, 3, 4, 5, 678_000_000));
        assert_eq!(s(&l, Some(out.message)), Some("* Ready to accept connections tcp"));
        // java.util.logging SimpleFormatter: the level and message are on the next line.
        let (_, out, _) =
            parts(&["Jan 02, 2024 3:04:05 PM com.example.Foo main", "Jan 02, 2024 3:04:06 PM com.example.Foo run"]);
        assert_eq!(out.ts, ns(2024, 1, 2, 15, 4, 5, 0));
        // logback's default: a time of day alone still splits records (no instant to store).
        check(
            &[
                "12:34:56.789 [main] INFO  com.example.App - Started",
                "12:34:57.000 [main] WARN  com.example.App - Slow",
            ],
            Want {
                ts: None,
                level: level::INFO,
                comp: Some("com.example.App"),
                thread: Some("main"),
                pid: None,
                msg: "Started",
            },
        );
    }

    #[test]
    fn log4j_dash_separated_with_a_nested_thread_bracket() {
        check(
            &[
                "2015-07-29 17:41:44,747 - INFO  [Peer[id=1]/0.0.0.0:2181:Election@774] - Notification time out: 3200",
                "2015-07-29 19:04:12,394 - WARN  [Worker:1885:Manager$Sender@688] - Send worker leaving thread",
            ],
            Want {
                ts: ns(2015, 7, 29, 17, 41, 44, 747_000_000),
                level: level::INFO,
                comp: None,
                thread: Some("Peer[id=1]/0.0.0.0:2181:Election@774"),
                pid: None,
                msg: "Notification time out: 3200",
            },
        );
    }

    #[test]
    fn comma_after_the_stamp_and_a_padded_component_column() {
        check(
            &[
                "2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1 with Core: C:\\x.dll",
                "2016-09-28 04:30:31, Warning               CSI    00000001@2016/9/27:20:30:31.455 Wcp init",
            ],
            Want {
                ts: ns(2016, 9, 28, 4, 30, 30, 0),
                level: level::INFO,
                comp: Some("CBS"),
                thread: None,
                pid: None,
                msg: "Loaded Servicing Stack v6.1 with Core: C:\\x.dll",
            },
        );
    }

    #[test]
    fn words_between_the_stamp_and_a_level_or_tag_are_skipped() {
        // The last word before the level is its component (`RAS KERNEL INFO`).
        check(
            &[
                "- 1117838570 2005.06.03 R02-M1-N0 2005-06-03-15.42.50.675872 R02-M1-N0 RAS KERNEL INFO cache parity error corrected",
                "- 1117838573 2005.06.03 R03-M0-N1 2005-06-03-15.42.53.276129 R03-M0-N1 RAS APP FATAL ciod: failed to read message",
            ],
            Want {
                ts: ns(2005, 6, 3, 22, 42, 50, 0),
                level: level::INFO,
                comp: Some("KERNEL"),
                thread: None,
                pid: None,
                msg: "cache parity error corrected",
            },
        );
        // A syslog tag further on ends the header.
        check(
            &[
                "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
                "- 1131566462 2005.11.09 dn261 Nov 9 12:01:02 dn261/dn261 crond[2916]: (root) CMD (run-parts)",
            ],
            Want {
                ts: ns(2005, 11, 9, 20, 1, 1, 0),
                level: 0,
                comp: Some("crond(pam_unix)"),
                thread: None,
                pid: Some("2915"),
                msg: "session closed for user root",
            },
        );
    }

    #[test]
    fn pipe_separated_header_with_a_dashed_compact_stamp() {
        let lines = [
            "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
            "20171223-22:15:35:96|Step_SPUtils|30002312| getTodayTotalDetailSteps = 15##7015",
            "20171223-22:15:41:1|Step_ExtSDM|30002312|calculateCaloriesWithCache totalCalories=126989",
        ];
        check(
            &lines,
            Want {
                ts: ns(2017, 12, 23, 22, 15, 29, 606_000_000),
                level: 0,
                comp: Some("Step_LSC"),
                thread: None,
                pid: None,
                msg: "onStandStepChanged 3579",
            },
        );
        // Unpadded milliseconds, and a message that starts with a blank after its `|`.
        check(
            &[lines[1], lines[0], lines[2]],
            Want {
                ts: ns(2017, 12, 23, 22, 15, 35, 96_000_000),
                level: 0,
                comp: Some("Step_SPUtils"),
                thread: None,
                pid: None,
                msg: "getTodayTotalDetailSteps = 15##7015",
            },
        );
    }

    #[test]
    fn long_prefix_word_pid_level_and_a_dotted_logger() {
        check(
            &[
                "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b 113d - - -] 10.11.10.1 \"GET /v2/servers HTTP/1.1\" status: 200",
                "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:01.551 25746 WARNING nova.compute.manager [req-9bc36dd9 113d - - -] instance sync",
            ],
            Want {
                ts: ns(2017, 5, 16, 0, 0, 0, 8_000_000),
                level: level::INFO,
                comp: Some("nova.osapi_compute.wsgi.server"),
                thread: Some("req-38101a0b 113d - - -"),
                pid: Some("25746"),
                msg: "10.11.10.1 \"GET /v2/servers HTTP/1.1\" status: 200",
            },
        );
    }

    #[test]
    fn a_level_word_in_the_component_column_is_the_level() {
        // PostgreSQL: most lines carry a tag (`LOG:`, `STATEMENT:`), an error carries `ERROR:`.
        let lines = [
            "2024-01-02 03:04:06.001 UTC [456] STATEMENT:  select * from foo;",
            "2024-01-02 03:04:05.678 UTC [123] DETAIL:  database system is ready",
            "2024-01-02 03:04:05.900 UTC [123] HINT:  try again",
            "2024-01-02 03:04:05.950 UTC [123] CONTEXT:  while loading",
            "2024-01-02 03:04:06.001 UTC [456] ERROR:  relation \"foo\" does not exist",
        ];
        check(
            &[lines[4], lines[0], lines[1], lines[2], lines[3]],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 6, 1_000_000),
                level: level::ERROR,
                comp: None,
                thread: None,
                pid: Some("456"),
                msg: "relation \"foo\" does not exist",
            },
        );
    }

    #[test]
    fn kubernetes_cri_stream_tags() {
        check(
            &[
                "2023-10-06T00:17:09.669794202Z stdout F Starting server on :8080",
                "2023-10-06T00:17:10.100000000Z stderr P error: connection",
            ],
            Want {
                ts: ns(2023, 10, 6, 0, 17, 9, 669_794_202),
                level: 0,
                comp: None,
                thread: None,
                pid: None,
                msg: "Starting server on :8080",
            },
        );
    }

    #[test]
    fn celery_level_and_process_inside_the_stamp_bracket() {
        check(
            &[
                "[2024-01-02 03:04:07,000: ERROR/ForkPoolWorker-1] Task t[abc] raised unexpected: ValueError()",
                "[2024-01-02 03:04:05,678: INFO/MainProcess] Connected to redis://localhost:6379/0",
            ],
            Want {
                ts: ns(2024, 1, 2, 3, 4, 7, 0),
                level: level::ERROR,
                comp: None,
                thread: Some("ForkPoolWorker-1"),
                pid: None,
                msg: "Task t[abc] raised unexpected: ValueError()",
            },
        );
    }

    #[test]
    fn mysql_bracketed_levels_including_system() {
        let lines = [
            "2024-01-02T03:04:05.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.35) starting",
            "2024-01-02T03:04:06.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.",
            "2024-01-02T03:04:08.123456Z 8 [ERROR] [MY-010584] [Repl] Slave I/O: error connecting to master",
        ];
        let (layout, out, l) = parts(&lines);
        assert_eq!(out.level, level::INFO, "{layout:?}");
        assert_eq!(s(&l, Some(out.message)), Some("/usr/sbin/mysqld (mysqld 8.0.35) starting"));
        let (_, out, _) = parts(&[lines[2], lines[0], lines[1]]);
        assert_eq!(out.level, level::ERROR);
    }
}
