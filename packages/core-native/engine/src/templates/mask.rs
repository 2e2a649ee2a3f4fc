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
    matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' | b'"' | b'\'' | b',' | b';' | b':' | b'.' | b'!' | b'?')
}

/// Whether a token core is a variable by itself (see the module doc).
fn is_variable_core(core: &[u8]) -> bool {
    if core.is_empty() {
        return false;
    }
    if core.iter().any(u8::is_ascii_digit) {
        return true;
    }
    // Paths (`/var/log/x`, `C:\x`, `./a/b`) and URLs.
    let slashes = core.iter().filter(|&&b| b == b'/' || b == b'\\').count();
    (core[0] == b'/' && core.len() > 1) || slashes >= 2 || memchr::memmem::find(core, b"://").is_some()
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
pub fn mask_token(tok: &[u8], out: &mut Vec<u8>) -> Masked {
    let start = tok.iter().position(|&b| !is_edge_punct(b)).unwrap_or(tok.len());
    let end = tok.iter().rposition(|&b| !is_edge_punct(b)).map_or(start, |p| p + 1);
    let (prefix, core, suffix) = (&tok[..start], &tok[start..end], &tok[end..]);
    if core.is_empty() {
        return Masked::Same;
    }
    // key=value: keep the key, mask the value on its own.
    if let Some(eq) = memchr::memchr(b'=', core) {
        let (key, value) = (&core[..eq], &core[eq + 1..]);
        if !key.is_empty() && !key.iter().any(u8::is_ascii_digit) {
            let vs = value.iter().position(|&b| !is_edge_punct(b)).unwrap_or(value.len());
            let ve = value.iter().rposition(|&b| !is_edge_punct(b)).map_or(vs, |p| p + 1);
            if !is_variable_core(&value[vs..ve]) {
                return Masked::Same;
            }
            out.clear();
            out.extend_from_slice(prefix);
            out.extend_from_slice(key);
            out.push(b'=');
            out.extend_from_slice(&value[..vs]);
            out.extend_from_slice(WILDCARD);
            out.extend_from_slice(&value[ve..]);
            out.extend_from_slice(suffix);
            return Masked::Rewritten;
        }
    }
    if !is_variable_core(core) {
        return Masked::Same;
    }
    out.clear();
    out.extend_from_slice(prefix);
    out.extend_from_slice(WILDCARD);
    out.extend_from_slice(suffix);
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
    }

    #[test]
    fn tokens_split_on_whitespace_first_line_only() {
        let t: Vec<&[u8]> = tokens(b"  a\tb  c\nat x.y(Z.java:1)").collect();
        assert_eq!(t, vec![&b"a"[..], b"b", b"c"]);
    }
}
