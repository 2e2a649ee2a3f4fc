//! Tokenizing and masking of messages before template mining.
//!
//! Drain's published configurations use per-dataset regular expressions to blank out
//! variables. We use one general rule set instead, applied per whitespace token without
//! allocating: a token whose core (the token without surrounding brackets, quotes and
//! punctuation) contains a digit is a variable — that one rule covers numbers, hex values,
//! IP addresses and ports, UUIDs, block ids (`blk_-123`), durations (`12ms`), timestamps and
//! most generated names — and so is a core that looks like a path or URL. `key=value`
//! tokens keep their key so `size=12` and `user=12` stay different constants.

/// The wildcard written in template patterns.
pub const WILDCARD: &[u8] = b"<*>";

/// Splits a message into tokens on ASCII whitespace, considering only its first line (the
/// continuation lines of a multi-line record, such as a stack trace, would make every
/// record its own template).
pub fn tokens(message: &[u8]) -> impl Iterator<Item = &[u8]> {
    let first = match memchr::memchr(b'\n', message) {
        Some(n) => &message[..n],
        None => message,
    };
    first.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty())
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
    slashes: usize,
    /// Position of the first `=`.
    eq: Option<usize>,
}

fn shape(core: &[u8]) -> Shape {
    let mut s = Shape { digit: false, slashes: 0, eq: None };
    for (i, &b) in core.iter().enumerate() {
        match b {
            b'0'..=b'9' => s.digit = true,
            b'/' | b'\\' => s.slashes += 1,
            b'=' if s.eq.is_none() => s.eq = Some(i),
            _ => {}
        }
    }
    s
}

/// Whether a token core is a variable by itself (see the module doc): it has a digit, or it
/// is a path (`/var/log`, `a/b/c`, `C:\x\y`) or URL (`scheme://...` has two slashes).
fn is_variable(core: &[u8], s: &Shape) -> bool {
    s.digit || s.slashes >= 2 || (s.slashes == 1 && core.len() > 1 && core[0] == b'/')
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
    /// The token was rewritten into the scratch buffer (e.g. `(<*>)`, `size=<*>`, `<*>`).
    Rewritten,
}

/// Masks one token: when it holds a variable, writes its masked form into `out` (cleared
/// first) and returns `Rewritten`; otherwise leaves `out` alone and returns `Same`.
/// One pass over the token in the common case; no allocation once `out` has grown.
pub fn mask_token(tok: &[u8], out: &mut Vec<u8>) -> Masked {
    let (start, end) = trim_punct(tok);
    let core = &tok[start..end];
    if core.is_empty() {
        return Masked::Same;
    }
    let s = shape(core);
    // key=value: keep the key, mask the value on its own.
    if let Some(eq) = s.eq {
        let (key, value) = (&core[..eq], &core[eq + 1..]);
        if !key.is_empty() && !key.iter().any(u8::is_ascii_digit) {
            let (vs, ve) = trim_punct(value);
            let v = &value[vs..ve];
            if v.is_empty() || !is_variable(v, &shape(v)) {
                return Masked::Same;
            }
            out.clear();
            out.extend_from_slice(&tok[..start + eq + 1 + vs]);
            out.extend_from_slice(WILDCARD);
            out.extend_from_slice(&tok[start + eq + 1 + ve..]);
            return Masked::Rewritten;
        }
    }
    if !is_variable(core, &s) {
        return Masked::Same;
    }
    out.clear();
    out.extend_from_slice(&tok[..start]);
    out.extend_from_slice(WILDCARD);
    out.extend_from_slice(&tok[end..]);
    Masked::Rewritten
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> String {
        let mut out = Vec::new();
        match mask_token(t.as_bytes(), &mut out) {
            Masked::Same => t.to_string(),
            Masked::Rewritten => String::from_utf8(out).unwrap(),
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
        assert_eq!(m("user=root"), "user=root");
        assert_eq!(m("terminating"), "terminating");
        assert_eq!(m("..."), "...");
        assert_eq!(m("a/b"), "a/b");
        assert_eq!(m("a/b/c"), "<*>");
        assert_eq!(m("C:\\temp\\x"), "<*>");
        assert_eq!(m("path=/tmp/x]"), "path=<*>]");
        assert_eq!(m("k=(v)"), "k=(v)");
        assert_eq!(m("k="), "k=");
        assert_eq!(m("a1=2"), "<*>");
    }

    #[test]
    fn tokens_split_on_whitespace_first_line_only() {
        let t: Vec<&[u8]> = tokens(b"  a\tb  c\nat x.y(Z.java:1)").collect();
        assert_eq!(t, vec![&b"a"[..], b"b", b"c"]);
    }
}
