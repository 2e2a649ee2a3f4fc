//! Tokenizing and masking of messages before template mining.
//!
//! Drain's published configurations use per-dataset regular expressions to blank out
//! variables. We use one general rule set instead, applied per token without allocating.
//! A token is a variable when its core (the token without surrounding brackets, quotes and
//! punctuation):
//! - contains a digit: numbers, hex values, IP addresses and ports, UUIDs, block ids
//!   (`blk_-123`), durations and sizes (`12ms`, `3.5MB`), timestamps, most generated names;
//! - is a path or URL (`/var/log`, `a/b/c`, `C:\x`, `scheme://…`);
//! - is an address `user@host` (an `@` inside the core): e-mail, `user@db`, `name@version`;
//! - is quoted (`"…"`, `'…'`, `` `…` ``): a quoted string is a value, and one token even when
//!   it holds blanks (`tokens` keeps it together), so `relation "a b"` and `relation "c"` agree.
//!
//! `key=value` keeps its key and masks its value, whatever the value (`user=root` →
//! `user=<*>`): a value in a key=value pair is a value by construction, and the key keeps
//! `size=…` and `user=…` apart.
/// The wildcard written in template patterns.
pub const WILDCARD: &[u8] = b"<*>";

/// Splits a message into tokens on ASCII whitespace, considering only its first line (the
/// continuation lines of a multi-line record, such as a stack trace, would make every
/// record its own template). A token that opens a quote (`"`, `'` or `` ` ``, possibly after
/// `(`, `[`, `{` or `=`) whose closing quote comes later on the line extends to the end of
/// the word holding the closing quote, so a quoted value with blanks is one token.
pub fn tokens(message: &[u8]) -> Tokens<'_> {
    let first = match memchr::memchr(b'\n', message) {
        Some(n) => &message[..n],
        None => message,
    };
    Tokens { rest: first }
}

pub struct Tokens<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let s = &self.rest[start..];
        let mut end = s.iter().position(u8::is_ascii_whitespace).unwrap_or(s.len());
        if let Some(q) = quote_at(&s[..end]) {
            // The closing quote, when not already inside this word: extend to its word.
            if !s[q + 1..end].contains(&s[q]) {
                if let Some(close) = memchr::memchr(s[q], &s[end..]) {
                    let after = end + close;
                    end = after + s[after..].iter().position(u8::is_ascii_whitespace).unwrap_or(s.len() - after);
                }
            }
        }
        self.rest = &s[end..];
        Some(&s[..end])
    }
}

/// Where a word opens a quote: its first byte, the byte after a leading run of `(`, `[`,
/// `{`, or the byte after the first `=` (`key="…"`).
fn quote_at(word: &[u8]) -> Option<usize> {
    let mut i = word.iter().position(|b| !matches!(b, b'(' | b'[' | b'{')).unwrap_or(word.len());
    if !word.get(i).is_some_and(|&b| is_quote(b)) {
        i = memchr::memchr(b'=', word)? + 1;
        if !word.get(i).is_some_and(|&b| is_quote(b)) {
            return None;
        }
    }
    Some(i)
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Characters stripped from both ends of a token before classifying its core.
fn is_edge_punct(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' | b'"' | b'\'' | b',' | b';' | b':' | b'.' | b'!' | b'?'
    )
}

/// What one pass over a token core found.
struct Shape {
    digit: bool,
    /// An `@` with something on both sides.
    at: bool,
    slashes: usize,
    /// Position of the first `=`.
    eq: Option<usize>,
}

fn shape(core: &[u8]) -> Shape {
    let mut s = Shape { digit: false, at: false, slashes: 0, eq: None };
    for (i, &b) in core.iter().enumerate() {
        match b {
            b'0'..=b'9' => s.digit = true,
            b'@' if i > 0 && i + 1 < core.len() => s.at = true,
            b'/' | b'\\' => s.slashes += 1,
            b'=' if s.eq.is_none() => s.eq = Some(i),
            _ => {}
        }
    }
    s
}

/// Whether a token core is a variable by itself (see the module doc): it has a digit, an
/// inner `@`, or it is a path (`/var/log`, `a/b/c`, `C:\x\y`) or URL (`scheme://...` has
/// two slashes).
fn is_variable(core: &[u8], s: &Shape) -> bool {
    s.digit || s.at || s.slashes >= 2 || (s.slashes == 1 && core.len() > 1 && core[0] == b'/')
}

fn trim_punct(t: &[u8]) -> (usize, usize) {
    let start = t.iter().position(|&b| !is_edge_punct(b)).unwrap_or(t.len());
    let end = t.iter().rposition(|&b| !is_edge_punct(b)).map_or(start, |p| p + 1);
    (start, end)
}

/// The result of masking one token.
pub enum Masked {
    /// The token is a constant, kept as is.
    Same,
    /// The token was rewritten into the scratch buffer (e.g. `(<*>)`, `"<*>"`, `<*>`).
    Rewritten,
    /// A `key=value` whose value was masked (`size=<*>`), written into the scratch buffer.
    KeyValue,
}

/// Whether a `key=` is a plain key: letters, `_`, `-`, `.` (no digit, so `a1=2` is one value).
fn is_key(key: &[u8]) -> bool {
    !key.is_empty() && key.iter().all(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
}

/// Writes `tok` with `tok[from..to]` replaced by the wildcard.
fn masked(tok: &[u8], from: usize, to: usize, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&tok[..from]);
    out.extend_from_slice(WILDCARD);
    out.extend_from_slice(&tok[to..]);
}

/// Masks one token: when it holds a variable, writes its masked form into `out` (cleared
/// first) and returns `Rewritten`; otherwise leaves `out` alone and returns `Same`.
/// One pass over the token in the common case; no allocation once `out` has grown.
pub fn mask_token(tok: &[u8], out: &mut Vec<u8>) -> Masked {
    // A quoted value (possibly spanning blanks, see `tokens`): mask what is between the quotes.
    if let Some(q) = quote_at(tok) {
        if let Some(c) = tok.iter().rposition(|&b| b == tok[q]).filter(|&c| c > q + 1) {
            masked(tok, q + 1, c, out);
            return if q > 0 && tok[q - 1] == b'=' { Masked::KeyValue } else { Masked::Rewritten };
        }
    }
    let (start, end) = trim_punct(tok);
    let core = &tok[start..end];
    if core.is_empty() {
        return Masked::Same;
    }
    let s = shape(core);
    // key=value: keep the key, mask the value.
    if let Some(eq) = s.eq {
        if is_key(&core[..eq]) {
            let value = &core[eq + 1..];
            let (vs, ve) = trim_punct(value);
            if vs >= ve {
                return Masked::Same;
            }
            masked(tok, start + eq + 1 + vs, start + eq + 1 + ve, out);
            return Masked::KeyValue;
        }
    }
    if is_absent(core, start > 0 && end < tok.len()) {
        // The brackets belong to the placeholder: `<none>` stands where `1.2-3` stands.
        out.clear();
        out.extend_from_slice(WILDCARD);
        return Masked::Rewritten;
    }
    if !is_variable(core, &s) {
        return Masked::Same;
    }
    masked(tok, start, end, out);
    Masked::Rewritten
}

/// Whether a core is a placeholder for a missing value: `null`, `nil`, `undefined`, and,
/// inside brackets (`<none>`, `(unknown)`), `none`, `unknown`, `empty`: the value slot of
/// a template, whose other instances hold values. Bare `none` stays a word (`Failed none
/// for …` is an event of its own in sshd's log).
fn is_absent(core: &[u8], bracketed: bool) -> bool {
    let is = |w: &str| core.eq_ignore_ascii_case(w.as_bytes());
    is("null") || is("nil") || is("undefined") || (bracketed && (is("none") || is("unknown") || is("empty")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> String {
        let mut out = Vec::new();
        match mask_token(t.as_bytes(), &mut out) {
            Masked::Same => t.to_string(),
            Masked::Rewritten | Masked::KeyValue => String::from_utf8(out).unwrap(),
        }
    }

    #[test]
    fn masks_obvious_variables() {
        assert_eq!(m("12"), "<*>");
        assert_eq!(m("-3.5"), "<*>");
        assert_eq!(m("0x7fff"), "<*>");
        assert_eq!(m("10.0.0.1:8080"), "<*>");
        assert_eq!(m("/10.250.19.102:54106"), "<*>");
        assert_eq!(m("blk_-6952295868487656571"), "<*>");
        assert_eq!(m("123e4567-e89b-12d3-a456-426614174000"), "<*>");
        assert_eq!(m("/var/log/syslog"), "<*>");
        assert_eq!(m("https://example.com/x"), "<*>");
        assert_eq!(m("took=12ms,"), "took=<*>,");
        assert_eq!(m("(42)"), "(<*>)");
        assert_eq!(m("[preauth]"), "[preauth]");
        assert_eq!(m("user=root"), "user=<*>");
        assert_eq!(m("host=[local]"), "host=[<*>]");
        assert_eq!(m("--mode=fast"), "--mode=<*>");
        assert_eq!(m("terminating"), "terminating");
        assert_eq!(m("..."), "...");
        assert_eq!(m("a/b"), "a/b");
        assert_eq!(m("a/b/c"), "<*>");
        assert_eq!(m("C:\\temp\\x"), "<*>");
        assert_eq!(m("path=/tmp/x]"), "path=<*>]");
        assert_eq!(m("k=(v)"), "k=(<*>)");
        assert_eq!(m("k="), "k=");
        assert_eq!(m("k=()"), "k=()");
        assert_eq!(m("a1=2"), "<*>");
        assert_eq!(m("bob@shop"), "<*>");
        assert_eq!(m("alice@example.org,"), "<*>,");
        assert_eq!(m("@"), "@");
        assert_eq!(m("user@"), "user@");
        assert_eq!(m("\"qtyx\""), "\"<*>\"");
        assert_eq!(m("'sparkDriver'"), "'<*>'");
        assert_eq!(m("(\"a b\")."), "(\"<*>\").");
        assert_eq!(m("name=\"a b\""), "name=\"<*>\"");
        assert_eq!(m("\"\""), "\"\"");
        assert_eq!(m("Can't"), "Can't");
        assert_eq!(m("'s"), "'s");
        assert_eq!(m("<none>"), "<*>");
        assert_eq!(m("(null)"), "<*>");
        assert_eq!(m("NULL,"), "<*>");
        assert_eq!(m("none"), "none");
    }

    #[test]
    fn quoted_values_with_blanks_are_one_token() {
        let t: Vec<&[u8]> = tokens(b"relation \"a b c\" is ('x y', \"z\") name=\"p q\" it's 'open").collect();
        assert_eq!(
            t,
            vec![&b"relation"[..], b"\"a b c\"", b"is", b"('x y',", b"\"z\")", b"name=\"p q\"", b"it's", b"'open"]
        );
    }

    #[test]
    fn tokens_split_on_whitespace_first_line_only() {
        let t: Vec<&[u8]> = tokens(b"  a\tb  c\nat x.y(Z.java:1)").collect();
        assert_eq!(t, vec![&b"a"[..], b"b", b"c"]);
    }
}
