//! Text matching: substrings (memchr's SIMD memmem, or aho-corasick for case-insensitive and
//! OR groups), exclusions and regexes, with a single "anchor" term that a search can look for
//! over a whole buffer at memory speed before checking anything else.

use crate::error::{Code, Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem;

/// Finds occurrences of one term or of any of a group of terms.
#[derive(Clone, Debug)]
pub enum Finder {
    Exact(Box<memmem::Finder<'static>>),
    /// One ASCII term, any case (see `Folded`).
    Folded(Folded),
    /// Several ASCII terms, any case: one `Folded` each (a case-insensitive Aho-Corasick
    /// scans at ~1.3 GB/s, a `Folded` at ~8 GB/s).
    FoldedAny(Vec<Folded>),
    Many(AhoCorasick),
}

/// One ASCII term in any case. Candidates are found 16 positions at a time by testing two
/// rare bytes of the term at their offsets (case folded by OR-ing 0x20 into letters), then
/// verified: a pair of rare bytes gives far fewer false candidates than one (`m` alone is
/// common in logs: `12ms`), and the test costs the same on a 60-byte message as in a
/// whole-buffer scan.
#[derive(Clone, Debug)]
pub struct Folded {
    /// Lowercase.
    needle: Vec<u8>,
    /// The two probe positions, their fold masks (0x20 for letters) and folded targets.
    at: [usize; 2],
    fold: [u8; 2],
    want: [u8; 2],
    /// `want` and `fold` repeated 16 times, loaded as vectors: building them with
    /// `_mm_set1_epi8` on every call cost a tenth of a short message's search.
    splat: [[u8; 16]; 4],
    /// For terms of up to 8 bytes, a candidate is verified with one 8-byte compare:
    /// `(word | fold_word) & len_mask == needle_word` (0x20 folded into letters only).
    needle_word: u64,
    fold_word: u64,
    len_mask: u64,
}

/// How common a byte is in log text (lower = rarer), for picking the bytes to search for.
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
        let n = needle.len();
        let first = (0..n).min_by_key(|&i| commonness(needle[i])).unwrap_or(0);
        // The second probe: the rarest other byte value (another position at worst).
        let second = (0..n)
            .filter(|&i| i != first)
            .min_by_key(|&i| (needle[i] == needle[first], commonness(needle[i])))
            .unwrap_or(first);
        let at = [first, second];
        let fold = at.map(|i| if needle[i].is_ascii_lowercase() { 0x20 } else { 0 });
        let want = [needle[at[0]] | fold[0], needle[at[1]] | fold[1]];
        let splat = [[want[0]; 16], [want[1]; 16], [fold[0]; 16], [fold[1]; 16]];
        let (mut needle_word, mut fold_word, mut len_mask) = (0u64, 0u64, 0u64);
        for (k, &b) in needle.iter().enumerate().take(8) {
            needle_word |= (b as u64) << (8 * k);
            fold_word |= (if b.is_ascii_lowercase() { 0x20u64 } else { 0 }) << (8 * k);
            len_mask |= 0xffu64 << (8 * k);
        }
        Folded { needle, at, fold, want, splat, needle_word, fold_word, len_mask }
    }

    #[inline]
    fn probe(&self, hay: &[u8], i: usize) -> bool {
        (hay[i + self.at[0]] | self.fold[0]) == self.want[0]
            && (hay[i + self.at[1]] | self.fold[1]) == self.want[1]
            && self.is_at(hay, i)
    }

    /// Whether the term occurs at `hay[j..]` (any case); `j + n <= hay.len()`.
    #[inline(always)]
    fn is_at(&self, hay: &[u8], j: usize) -> bool {
        let n = self.needle.len();
        if n <= 8 && j + 8 <= hay.len() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&hay[j..j + 8]);
            return (u64::from_le_bytes(w) | self.fold_word) & self.len_mask == self.needle_word;
        }
        hay[j..j + n].eq_ignore_ascii_case(&self.needle)
    }

    /// The probe constants as vectors (`want` then `fold`, for both probes).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn vectors(&self) -> Vectors {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; each load reads one [u8; 16].
        self.splat.map(|v| unsafe { _mm_loadu_si128(v.as_ptr() as *const __m128i) })
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn vectors(&self) -> Vectors {}

    /// Start and end of the first occurrence.
    #[inline(always)]
    pub fn find(&self, hay: &[u8]) -> Option<(usize, usize)> {
        self.find_with(self.vectors(), hay)
    }

    /// An occurrence test for a loop over many short texts (messages): the constants are
    /// loaded once, not per text, and the search is inlined into the loop, where a call and
    /// its setup would cost as much as searching a 60-byte message.
    #[inline(always)]
    pub fn contains_fn(&self) -> impl Fn(&[u8]) -> bool + '_ {
        let v = self.vectors();
        move |hay| self.find_with(v, hay).is_some()
    }

    #[inline(always)]
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
    fn find_with(&self, v: Vectors, hay: &[u8]) -> Option<(usize, usize)> {
        let n = self.needle.len();
        if hay.len() < n {
            return None;
        }
        // Candidate starts are 0..=last; a probe at start i reads hay[i + at], at < n.
        let last = hay.len() - n;
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            // The candidate starts among the 16 from `b` whose two probe bytes match.
            // SAFETY (of each use): b + at + 16 <= h.len() for both probe offsets.
            macro_rules! block {
                ($h:expr, $b:expr) => {
                    unsafe {
                        let p = $h.as_ptr().add($b);
                        let a = _mm_loadu_si128(p.add(self.at[0]) as *const __m128i);
                        let c = _mm_loadu_si128(p.add(self.at[1]) as *const __m128i);
                        let eq = _mm_and_si128(
                            _mm_cmpeq_epi8(_mm_or_si128(a, v[2]), v[0]),
                            _mm_cmpeq_epi8(_mm_or_si128(c, v[3]), v[1]),
                        );
                        _mm_movemask_epi8(eq) as u32
                    }
                };
            }
            // The first candidate of `mask` (starts from `b`) where the term occurs.
            macro_rules! verify {
                ($mask:expr, $b:expr) => {{
                    let (mut mask, b): (u32, usize) = ($mask, $b);
                    let mut found = None;
                    while mask != 0 {
                        let j = b + mask.trailing_zeros() as usize;
                        if self.is_at(hay, j) {
                            found = Some((j, j + n));
                            break;
                        }
                        mask &= mask - 1;
                    }
                    found
                }};
            }
            if last < 15 {
                // Fewer than 16 starts: one block over a zero-padded copy (reading 16 bytes
                // past a probe in `hay` itself could leave the slice). Starts past `last` are
                // masked off, so padding never makes a candidate.
                const PAD: usize = 64;
                if hay.len() + 16 > PAD {
                    return (0..=last).find(|&j| self.probe(hay, j)).map(|j| (j, j + n));
                }
                let mut buf = [0u8; PAD];
                buf[..hay.len()].copy_from_slice(hay);
                // at < n <= hay.len(), so at + 16 <= PAD.
                return verify!(block!(buf, 0) & ((1u32 << (last + 1)) - 1), 0);
            }
            // Every block reads hay[i + at..][..16] with i + 15 <= last, so the last byte read
            // is at most last + at <= hay.len() - n + n - 1 < hay.len().
            let mut i = 0;
            while i + 15 <= last {
                if let Some(m) = verify!(block!(hay, i), i) {
                    return Some(m);
                }
                i += 16;
            }
            // The rest as one more block ending at `last` (overlapping the previous one;
            // starts before `i` are masked off) rather than position by position.
            if i <= last {
                let b0 = last - 15;
                return verify!(block!(hay, b0) & !((1u32 << (i - b0)) - 1), b0);
            }
            None
        }
        #[cfg(not(target_arch = "x86_64"))]
        (0..=last).find(|&j| self.probe(hay, j)).map(|j| (j, j + n))
    }
}

#[cfg(target_arch = "x86_64")]
type Vectors = [std::arch::x86_64::__m128i; 4];
#[cfg(not(target_arch = "x86_64"))]
type Vectors = ();

impl Finder {
    fn new(terms: &[String], case_sensitive: bool) -> Result<Finder> {
        if terms.len() == 1 && case_sensitive {
            return Ok(Finder::Exact(Box::new(memmem::Finder::new(terms[0].as_bytes()).into_owned())));
        }
        if terms.len() == 1 && terms[0].is_ascii() {
            return Ok(Finder::Folded(Folded::new(&terms[0])));
        }
        if !case_sensitive && terms.len() <= 8 && terms.iter().all(|t| t.is_ascii()) {
            return Ok(Finder::FoldedAny(terms.iter().map(|t| Folded::new(t)).collect()));
        }
        // The DFA's build time grows with the square of the terms' length (2.5 s for a 16 KB
        // term, found by fuzzing): long terms get the NFA, whose build is linear.
        let long = terms.iter().map(String::len).sum::<usize>() > 1024;
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(!case_sensitive)
            .match_kind(MatchKind::LeftmostFirst)
            .kind(long.then_some(AhoCorasickKind::ContiguousNFA))
            .build(terms)
            .map(Finder::Many)
            .map_err(|e| Error::new(Code::InvalidQuery, format!("cannot build matcher: {e}")))
    }

    /// The single-term finders to run one after another over a whole buffer, when that is
    /// how this finder is fastest (several case-insensitive terms).
    pub fn parts(&self) -> Option<&[Folded]> {
        match self {
            Finder::FoldedAny(fs) => Some(fs),
            _ => None,
        }
    }

    /// Whether `hay` contains an occurrence (any term: stops at the first term found).
    #[inline]
    pub fn is_in(&self, hay: &[u8]) -> bool {
        match self {
            Finder::FoldedAny(fs) => fs.iter().any(|f| f.find(hay).is_some()),
            _ => self.find(hay).is_some(),
        }
    }

    /// Start and end of the first occurrence in `hay`.
    #[inline]
    pub fn find(&self, hay: &[u8]) -> Option<(usize, usize)> {
        match self {
            Finder::Exact(f) => f.find(hay).map(|s| (s, s + f.needle().len())),
            Finder::Folded(f) => f.find(hay),
            // Leftmost, then longest (AhoCorasick's leftmost-first would prefer the earlier
            // term; spans only need the leftmost start).
            Finder::FoldedAny(fs) => fs.iter().filter_map(|f| f.find(hay)).min_by_key(|&(s, e)| (s, usize::MAX - e)),
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
            Finder::FoldedAny(fs) => {
                for fo in fs {
                    let mut at = 0;
                    while let Some((s, e)) = fo.find(&hay[at..]) {
                        f(at + s, at + e);
                        at += s + 1;
                    }
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
    /// The fingerprint bits (`crate::fingerprint`) every matching text has: each group's
    /// terms' shared bits (none for a group with a term under 3 bytes).
    need: u32,
}

/// Compiled-program bound of query regexes (`RegexBuilder::size_limit`).
pub const QUERY_REGEX_SIZE_LIMIT: usize = 64 << 20;

/// Compiles a regex, turning syntax errors into INVALID_REGEX with the position.
pub fn compile_regex(pattern: &str) -> Result<regex::bytes::Regex> {
    compile_regex_bounded(pattern, QUERY_REGEX_SIZE_LIMIT, None)
}

/// `compile_regex` with explicit bounds. Rust's `regex` never backtracks (matching is linear in
/// the input), so the only "catastrophic" pattern is one whose automaton is too big to build:
/// `size_limit` bounds the compiled program, `dfa_size_limit` the lazy DFA's cache (past it the
/// search falls back to slower engines, it never fails). A program over `size_limit` (nested
/// counted repetitions like `(\w{100}){100}`) is REGEX_TOO_LARGE, not a hang or an abort.
pub fn compile_regex_bounded(
    pattern: &str,
    size_limit: usize,
    dfa_size_limit: Option<usize>,
) -> Result<regex::bytes::Regex> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
        let pos = e.span().start.offset;
        return Err(Error::new(
            Code::InvalidRegex,
            format!("invalid regex /{pattern}/: {} at position {pos}", e.kind()),
        )
        .at(format!("regex@{pos}")));
    }
    let mut b = regex::bytes::RegexBuilder::new(pattern);
    b.size_limit(size_limit);
    if let Some(d) = dfa_size_limit {
        b.dfa_size_limit(d);
    }
    b.build().map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => Error::new(
            Code::RegexTooLarge,
            format!(
                "regex /{pattern}/ compiles to more than {} MiB (the size limit): nested or large counted repetitions explode the automaton; use smaller counts or + and *",
                limit >> 20
            ),
        )
        .at("regex"),
        e => Error::new(Code::InvalidRegex, format!("invalid regex /{pattern}/: {e}")).at("regex"),
    })
}

impl TextMatcher {
    pub fn new(
        all: &[Vec<String>],
        exclude: &[String],
        regexes: &[String],
        case_sensitive: bool,
    ) -> Result<TextMatcher> {
        let mut groups = Vec::with_capacity(all.len());
        let need = all.iter().fold(0, |need, g| need | crate::fingerprint::of_any(g));
        for g in all {
            if g.iter().any(String::is_empty) {
                return Err(Error::new(Code::InvalidQuery, "empty search term"));
            }
            groups.push(Finder::new(g, case_sensitive)?);
        }
        if exclude.iter().any(String::is_empty) {
            return Err(Error::new(Code::InvalidQuery, "empty search term after NOT or -"));
        }
        let exclude = if exclude.is_empty() { None } else { Some(Finder::new(exclude, case_sensitive)?) };
        let regexes = regexes.iter().map(|r| compile_regex(r)).collect::<Result<Vec<_>>>()?;
        Ok(TextMatcher { groups, exclude, regexes, need })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.exclude.is_none() && self.regexes.is_empty()
    }

    /// A finder that every match must contain (the first group), for whole-buffer scans.
    pub fn anchor(&self) -> Option<&Finder> {
        self.groups.first()
    }

    /// True when the anchor is the whole text condition (no other group, exclusion or regex):
    /// an anchor occurrence inside a record's searched text is then a match by itself.
    pub fn anchor_only(&self) -> bool {
        self.groups.len() == 1 && self.exclude.is_none() && self.regexes.is_empty()
    }

    /// Fingerprint bits that every text `matches_one` accepts has (0: no constraint).
    pub fn fingerprint(&self) -> u32 {
        self.need
    }

    /// Whether a record whose searched text is the one slice `text` matches (the common case:
    /// a one-line message), without the per-part iteration of `matches`.
    #[inline]
    pub fn matches_one(&self, text: &[u8]) -> bool {
        self.groups.iter().all(|g| g.is_in(text))
            && !self.exclude.as_ref().is_some_and(|x| x.is_in(text))
            && self.regexes.iter().all(|r| r.is_match(text))
    }

    /// Whether the searched text of a record (given as up to two parts) matches.
    #[inline]
    pub fn matches(&self, parts: &[&[u8]]) -> bool {
        let any = |f: &Finder| parts.iter().any(|p| f.is_in(p));
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
    fn empty_exclusions_and_long_terms() {
        let e = TextMatcher::new(&[v(&["a"])], &v(&[""]), &[], false).unwrap_err();
        assert_eq!(e.code, Code::InvalidQuery);
        // A long non-ASCII term takes the NFA matcher, and still matches in any ASCII case.
        let long = "é".repeat(600) + "Tail";
        let m = TextMatcher::new(&[v(&[&long, "other"])], &[], &[], false).unwrap();
        assert!(m.matches(&[format!("x {} y", long.to_lowercase()).as_bytes()]));
        assert!(!m.matches(&["é".repeat(600).as_bytes()]));
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

#[cfg(test)]
mod folded_tests {
    use super::*;

    /// The SIMD pair probe finds exactly what a plain lowercase search finds, at every
    /// position and length (block edges, the scalar tail), letters and other bytes alike.
    #[test]
    fn folded_matches_a_plain_search() {
        let mut rng = 7u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let alphabet = b"tTiImMeEoOuU-_@`[{ 9";
        for term in ["timeout", "Time-Out", "e", "m@", "ou", "[timeout]"] {
            let f = Folded::new(term);
            let needle = term.to_ascii_lowercase().into_bytes();
            for len in 0..90usize {
                for _ in 0..20 {
                    let mut hay: Vec<u8> = (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect();
                    if len >= needle.len() && next() % 2 == 0 {
                        let at = next() as usize % (len - needle.len() + 1);
                        for (k, &b) in term.as_bytes().iter().enumerate() {
                            hay[at + k] = if next() % 2 == 0 { b.to_ascii_uppercase() } else { b };
                        }
                    }
                    let lower = hay.to_ascii_lowercase();
                    let want = memchr::memmem::find(&lower, &needle).map(|s| (s, s + needle.len()));
                    assert_eq!(f.find(&hay), want, "{term} in {:?}", String::from_utf8_lossy(&hay));
                }
            }
        }
    }
}
