//! Text matching: substrings (memchr's SIMD memmem, or aho-corasick for case-insensitive and
//! OR groups), exclusions and regexes, with a single "anchor" term that a search can look for
//! over a whole buffer at memory speed before checking anything else.

use crate::error::{Code, Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

/// Finds occurrences of one term or of any of a group of terms.
#[derive(Clone, Debug)]
pub enum Finder {
    Exact(memmem::Finder<'static>),
    /// One ASCII term, any case: SIMD search for both cases of its rarest byte, then verify.
    Folded(Folded),
    Many(AhoCorasick),
}

#[derive(Clone, Debug)]
pub struct Folded {
    needle: Vec<u8>,
    rare_at: usize,
    rare: (u8, u8),
}

/// How common a byte is in log text (lower = rarer), for picking the byte to search for.
fn commonness(b: u8) -> u8 {
    const LETTERS: &[u8] = b"etaoinsrhldcumfpgwybvkxjqz";
    match b.to_ascii_lowercase() {
        b' ' => 255,
        c @ b'a'..=b'z' => 250 - LETTERS.iter().position(|&x| x == c).unwrap_or(25) as u8 * 9,
        b'0'..=b'9' => 200,
        b'.' | b':' | b'/' | b'=' | b'-' | b'_' | b'"' | b',' => 180,
        _ => 60,
    }
}

impl Folded {
    fn new(term: &str) -> Folded {
        let needle = term.as_bytes().to_ascii_lowercase();
        let rare_at = (0..needle.len()).min_by_key(|&i| commonness(needle[i])).unwrap_or(0);
        let c = needle[rare_at];
        Folded { rare: (c, c.to_ascii_uppercase()), needle, rare_at }
    }

    #[inline]
    fn find(&self, hay: &[u8]) -> Option<(usize, usize)> {
        let n = self.needle.len();
        let mut from = self.rare_at;
        while from < hay.len() {
            let j = from + memchr::memchr2(self.rare.0, self.rare.1, &hay[from..])?;
            let start = j - self.rare_at;
            if let Some(window) = hay.get(start..start + n) {
                if window.eq_ignore_ascii_case(&self.needle) {
                    return Some((start, start + n));
                }
            } else {
                return None;
            }
            from = j + 1;
        }
        None
    }
}

impl Finder {
    fn new(terms: &[String], case_sensitive: bool) -> Result<Finder> {
        if terms.len() == 1 && case_sensitive {
            return Ok(Finder::Exact(memmem::Finder::new(terms[0].as_bytes()).into_owned()));
        }
        if terms.len() == 1 && terms[0].is_ascii() {
            return Ok(Finder::Folded(Folded::new(&terms[0])));
        }
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(!case_sensitive)
            .match_kind(MatchKind::LeftmostFirst)
            .build(terms)
            .map(Finder::Many)
            .map_err(|e| Error::new(Code::InvalidQuery, format!("cannot build matcher: {e}")))
    }

    /// Start and end of the first occurrence in `hay`.
    #[inline]
    pub fn find(&self, hay: &[u8]) -> Option<(usize, usize)> {
        match self {
            Finder::Exact(f) => f.find(hay).map(|s| (s, s + f.needle().len())),
            Finder::Folded(f) => f.find(hay),
            Finder::Many(ac) => ac.find(hay).map(|m| (m.start(), m.end())),
        }
    }

    fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        match self {
            Finder::Exact(fi) => {
                let n = fi.needle().len();
                for s in fi.find_iter(hay) {
                    f(s, s + n);
                }
            }
            Finder::Folded(fo) => {
                let mut at = 0;
                while let Some((s, e)) = fo.find(&hay[at..]) {
                    f(at + s, at + e);
                    at += s + 1;
                }
            }
            Finder::Many(ac) => {
                for m in ac.find_iter(hay) {
                    f(m.start(), m.end());
                }
            }
        }
    }
}

/// The compiled text part of a query.
#[derive(Clone, Debug, Default)]
pub struct TextMatcher {
    /// Every group must occur (a group is one term or an OR of terms).
    groups: Vec<Finder>,
    exclude: Option<Finder>,
    regexes: Vec<regex::bytes::Regex>,
}

/// Compiles a regex, turning syntax errors into INVALID_REGEX with the position.
pub fn compile_regex(pattern: &str) -> Result<regex::bytes::Regex> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
        let pos = e.span().start.offset;
        return Err(Error::new(
            Code::InvalidRegex,
            format!("invalid regex /{pattern}/: {} at position {pos}", e.kind()),
        )
        .at(format!("regex@{pos}")));
    }
    regex::bytes::RegexBuilder::new(pattern)
        .size_limit(64 << 20)
        .build()
        .map_err(|e| Error::new(Code::InvalidRegex, format!("invalid regex /{pattern}/: {e}")).at("regex"))
}

impl TextMatcher {
    pub fn new(
        all: &[Vec<String>],
        exclude: &[String],
        regexes: &[String],
        case_sensitive: bool,
    ) -> Result<TextMatcher> {
        let mut groups = Vec::with_capacity(all.len());
        for g in all {
            if g.iter().any(String::is_empty) {
                return Err(Error::new(Code::InvalidQuery, "empty search term"));
            }
            groups.push(Finder::new(g, case_sensitive)?);
        }
        let exclude = if exclude.is_empty() { None } else { Some(Finder::new(exclude, case_sensitive)?) };
        let regexes = regexes.iter().map(|r| compile_regex(r)).collect::<Result<Vec<_>>>()?;
        Ok(TextMatcher { groups, exclude, regexes })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.exclude.is_none() && self.regexes.is_empty()
    }

    /// A finder that every match must contain (the first group), for whole-buffer scans.
    pub fn anchor(&self) -> Option<&Finder> {
        self.groups.first()
    }

    /// Whether the searched text of a record (given as up to two parts) matches.
    #[inline]
    pub fn matches(&self, parts: &[&[u8]]) -> bool {
        let any = |f: &Finder| parts.iter().any(|p| f.find(p).is_some());
        self.groups.iter().all(any)
            && !self.exclude.as_ref().is_some_and(any)
            && self.regexes.iter().all(|r| parts.iter().any(|p| r.is_match(p)))
    }

    /// Match spans within `text` for highlighting (sorted, non-overlapping).
    pub fn spans(&self, text: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for g in &self.groups {
            g.for_each(text, |s, e| out.push((s, e)));
        }
        for r in &self.regexes {
            for m in r.find_iter(text) {
                if m.end() > m.start() {
                    out.push((m.start(), m.end()));
                }
            }
        }
        out.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
        for (s, e) in out {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn groups_exclusions_regex_and_case() {
        let m = TextMatcher::new(&[v(&["timeout"]), v(&["db", "cache"])], &v(&["health"]), &[], false).unwrap();
        assert!(m.matches(&[b"TIMEOUT talking to DB"]));
        assert!(m.matches(&[b"timeout", b"cache"]));
        assert!(!m.matches(&[b"timeout talking to api"]));
        assert!(!m.matches(&[b"timeout db healthcheck"]));
        let cs = TextMatcher::new(&[v(&["Timeout"])], &[], &[], true).unwrap();
        assert!(!cs.matches(&[b"timeout"]));
        let r = TextMatcher::new(&[], &[], &v(&[r"conn(ection)? reset"]), false).unwrap();
        assert!(r.matches(&[b"a connection reset"]));
        assert_eq!(r.spans(b"a conn reset, connection reset"), vec![(2, 12), (14, 30)]);
    }

    #[test]
    fn folded_search_finds_every_case() {
        let f = Finder::new(&v(&["Cache Miss"]), false).unwrap();
        assert!(matches!(f, Finder::Folded(_)));
        assert_eq!(f.find(b"xx CACHE MISS yy"), Some((3, 13)));
        assert_eq!(f.find(b"cache mis"), None);
        assert_eq!(f.find(b"m"), None);
        let mut all = Vec::new();
        f.for_each(b"cache miss, Cache Miss", |s, e| all.push((s, e)));
        assert_eq!(all, vec![(0, 10), (12, 22)]);
    }

    #[test]
    fn invalid_regex_has_position() {
        let e = compile_regex("ab(c").unwrap_err();
        assert_eq!(e.code, Code::InvalidRegex);
        assert!(e.message.contains("position 2"), "{}", e.message);
    }
}
