//! Structure-aware mutation of log inputs: besides byte flips, whole lines are spliced from
//! inputs of other formats, and tokens that parsers treat specially (brackets, quotes,
//! escapes, huge numbers, timestamps at the edges of the representable range, invalid
//! UTF-8, NUL, CRLF, ANSI escapes, very long runs) are inserted at token boundaries.

use crate::generate::rng::Rng;

/// Tokens parsers care about. Grouped only for reading; all are picked alike.
#[rustfmt::skip]
const TOKENS: &[&[u8]] = &[
    // Structure.
    b"{", b"}", b"[", b"]", b"(", b")", b"\"", b"'", b"=", b":", b",", b" ", b"\t", b"<", b">", b"|", b" - ", b"{}",
    b"[]", b"\"\"", b"{\"", b"\":", b"\":\"", b"\",\"", b"=\"", b"\\", b"\\\"", b"\\\\", b"\\n", b"\\t", b"\\u0000",
    b"\\ud800", b"\\udc00", b"\\ud83d\\ude00", b"\\u00e9", b"\\uZZZZ", b"\\x41", b"\\u12",
    // Bytes that split or hide lines.
    b"\0", b"\r\n", b"\r", b"\n", b"\n\n", b"\n  at x.y(Z.java:1)\n", b"\x1b[31m", b"\x1b[0m", b"\x1b[",
    b"\x1b]0;t\x07", b"\x1b", b"\xEF\xBB\xBF", b"\x1f\x8b\x08\0", b"\x28\xb5\x2f\xfd",
    // Invalid or unusual UTF-8.
    b"\xff", b"\xfe", b"\xc3", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf0\x9f\x98",
    b"\xc0\xaf", "é".as_bytes(), "µs".as_bytes(), "日本".as_bytes(), "\u{2028}".as_bytes(),
    // Numbers.
    b"0", b"-1", b"-0", b"255", b"256", b"65535", b"65536", b"4294967295", b"4294967296", b"9223372036854775807",
    b"9223372036854775808", b"-9223372036854775808", b"18446744073709551616", b"99999999999999999999999999999",
    b"1e308", b"1e309", b"-1e309", b"0.0000001", b"1.5e-400", b"NaN", b"Infinity", b"1700000000",
    b"1700000000.123456789", b"1700000000000", b"1700000000000000", b"1700000000000000000", b"253402300800",
    b"-62135596800", b"9999999999999999999", b"00000000000000000001",
    // Timestamps, valid and at or past the edges.
    b"2024-01-02T03:04:05Z", b"2024-01-02 03:04:05,678", b"2024-01-02T03:04:05.123456789+05:30",
    b"0000-01-01T00:00:00Z", b"0000-00-00T00:00:00Z", b"9999-12-31T23:59:59.999999999+14:00",
    b"1677-09-21T00:12:43.145224191Z", b"1677-09-21T00:12:43.145224192Z", b"2262-04-11T23:47:16.854775807Z",
    b"2262-04-11T23:47:16.854775808Z", b"2024-02-29T24:00:00Z", b"2023-02-29 12:00:00", b"2024-13-32T25:61:61Z",
    b"1970-01-01T00:00:00-23:59", b"1970-01-01T00:00:00+99:99", b"Dec 31 23:59:60", b"Jan  1 00:00:00",
    b"Feb 29 12:00:00", b"30/Feb/2024:25:61:61 +9999", b"10/Oct/2000:13:55:36 -0700", b"Sun Dec 04 04:47:44 2005",
    b"Sun Dec 04 04:47:44 99999", b"Wed Oct 11 14:32:52.123456 2023", b"081109 203615", b"20240102T030405Z",
    b"12:34:56.789", b"12:34:56.", b"10/30/2023 4:49:06 PM", b"30.10.2023 16:49:06", b"17/06/09 20:10:40",
    b"01-02 03:04:05.678", b"Mon, 02 Jan 2006 15:04:05 GMT", b"I1025 14:32:52.123456", b".999999999999",
    // Syslog, access, glog headers.
    b"<34>1 ", b"<191>", b"<0>", b"<1000>", b"<34>1 2003-10-11T22:14:15.003Z h su - ID47 - ",
    b"[exampleSDID@32473 iut=\"3\" eventSource=\"App\"]", b"sshd[24200]: ", b"app[]: ", b"[pid",
    b"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326", b"\"GET /a?b=c HTTP/1.1\"", b" a.go:1] ",
    b"E1025 ", b"[notice] ", b"[client 1.2.3.4]",
    // Levels and keys.
    b"INFO", b"WARN", b"ERROR", b"FATAL", b"DEBUG", b"TRACE", b"warning", b"err", b"E", b"W", b"50", b"30", b"level",
    b"msg", b"message", b"time", b"ts", b"@timestamp", b"timestamp", b"severity", b"trace_id", b"span_id",
    b"parent_span_id", b"thread", b"tid", b"request_id", b"service", b"logger", b"pid", b"\"level\":\"error\"",
    b"\"msg\":\"", b"level=warn ", b"msg=\"a b\" ", b"trace_id=abc ",
    // OTLP.
    b"{\"resourceLogs\":[", b"\"scopeLogs\":[", b"\"logRecords\":[", b"\"timeUnixNano\":\"", b"\"severityNumber\":",
    b"\"severityText\":\"", b"\"body\":{\"stringValue\":\"", b"\"attributes\":[",
    b"{\"key\":\"service.name\",\"value\":", b"\"resource\":{", b"\"traceId\":\"", b"\"spanId\":\"",
    b"\"intValue\":\"", b"\"kvlistValue\":{\"values\":[",
    // Regex (custom format) fragments.
    b"(?P<message>.*)", b"(?P<timestamp>\\S+)", b"(?P<level>\\w+)", b"(?P<thread>[^]]*)", b"(?P<message>",
    b"(?P<trace>", b"(?P<service>\\S+)", b"(?P<pid>\\d+)", b"(?P<component>", b"(?i)", b"^", b"$", b".*", b"\\S+",
    b"\\d{4}", b"{1000}", b"{0,65535}", b"*", b"+", b"?", b"[^", b"\\p{L}", b"(?:", b"|", b"\\b",
    // Query syntax.
    b"level>=error", b"level<", b"service:", b" OR ", b" AND ", b"NOT ", b"-", b"/", b"/i", b"/conn(ection)?/",
    b"last:", b"after:", b"before:", b" in (", b" exists", b"duration_ms>", b"status!=", b"user.id=", b"trace:",
    b"thread:", b"file:", b"after:-1h", b"last:99999999999w", b"before:9999999999999999999", b"1h30m", b"500ms",
    b"1.5.5s", b"-0s", b"1e99d",
];

/// Bytes parsers branch on.
const BYTES: &[u8] = b"\0\x7f\x80\xff\n\r\t \"'\\{}[]()<>=:,;|/-+.#@%\x1b0123456789TZ";

pub struct Mutator {
    rng: Rng,
    max_len: usize,
}

impl Mutator {
    pub fn new(seed: u64, max_len: usize) -> Mutator {
        Mutator { rng: Rng::new(seed), max_len }
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    /// A new input from `input`: one to eight stacked mutations, `other` (another corpus
    /// input) the source of spliced lines.
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        let n = 1 + self.below(8);
        for _ in 0..n {
            self.once(&mut out, other);
        }
        out.truncate(self.max_len);
        out
    }

    fn pos(&mut self, b: &[u8]) -> usize {
        self.below(b.len() + 1)
    }

    /// A position just before or after a token boundary (blank, punctuation, quote), where
    /// an inserted token is most likely to change how a parser splits the line.
    fn boundary(&mut self, b: &[u8]) -> usize {
        let start = self.pos(b);
        let at = b[start..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |p| start + p);
        if self.chance(2) {
            (at + 1).min(b.len())
        } else {
            at
        }
    }

    fn token(&mut self) -> &'static [u8] {
        TOKENS[self.below(TOKENS.len())]
    }

    fn once(&mut self, b: &mut Vec<u8>, other: &[u8]) {
        match self.below(16) {
            0 if !b.is_empty() => {
                let i = self.below(b.len());
                b[i] ^= 1 << self.below(8);
            }
            1 if !b.is_empty() => {
                let i = self.below(b.len());
                b[i] = BYTES[self.below(BYTES.len())];
            }
            2..=4 => {
                let at = if self.chance(3) { self.pos(b) } else { self.boundary(b) };
                let t = self.token();
                b.splice(at..at, t.iter().copied());
            }
            5 if !b.is_empty() => {
                let a = self.below(b.len());
                let len = 1 + self.below((b.len() - a).min(64));
                b.drain(a..a + len);
            }
            6 if !b.is_empty() => {
                let a = self.below(b.len());
                let len = 1 + self.below((b.len() - a).min(256));
                let copy = b[a..a + len].to_vec();
                let at = self.pos(b);
                b.splice(at..at, copy);
            }
            7 => {
                // Splice a line of another input (often another format) in at a line start.
                let line = self.line_of(other).to_vec();
                let at = self.line_start(b);
                let mut ins = line;
                ins.push(b'\n');
                b.splice(at..at, ins);
            }
            8 => {
                // Replace one line with a line of the other input.
                let (s, e) = self.line_range(b);
                let line = self.line_of(other).to_vec();
                b.splice(s..e, line);
            }
            9 => self.replace_number(b),
            10 if !b.is_empty() => {
                let at = self.below(b.len());
                b.truncate(at);
            }
            11 if self.chance(8) => {
                // A very long run: one line of many kilobytes, or a token repeated.
                let unit: Vec<u8> =
                    if self.chance(2) { vec![BYTES[self.below(BYTES.len())]] } else { self.token().to_vec() };
                let most = if self.chance(4) { 100_000 } else { 2_000 };
                let count = 1 + self.below(most);
                let at = self.boundary(b);
                let run: Vec<u8> = unit.iter().copied().cycle().take((unit.len() * count).min(self.max_len)).collect();
                b.splice(at..at, run);
            }
            12 => {
                // Duplicate or swap lines (continuation and ordering logic).
                let (s, e) = self.line_range(b);
                let line = b[s..e].to_vec();
                let at = self.line_start(b);
                let mut ins = line;
                ins.push(b'\n');
                b.splice(at..at, ins);
            }
            13 if !other.is_empty() => {
                // Crossover: our head, the other's tail.
                let a = self.pos(b);
                let c = self.below(other.len());
                b.truncate(a);
                b.extend_from_slice(&other[c..]);
            }
            14 => {
                // Change a line ending: CRLF, CR alone, or none.
                let from = self.pos(b);
                if let Some(i) = memchr::memchr(b'\n', &b[from..]).map(|p| from + p) {
                    match self.below(3) {
                        0 => b.insert(i, b'\r'),
                        1 => b[i] = b'\r',
                        _ => {
                            b.remove(i);
                        }
                    }
                }
            }
            _ => {
                let at = self.boundary(b);
                let t = self.token();
                b.splice(at..at, t.iter().copied());
            }
        }
    }

    fn line_start(&mut self, b: &[u8]) -> usize {
        let p = self.pos(b);
        memchr::memrchr(b'\n', &b[..p]).map_or(0, |i| i + 1)
    }

    /// A whole line of `b` (without its newline), as a byte range.
    fn line_range(&mut self, b: &[u8]) -> (usize, usize) {
        let s = self.line_start(b);
        let e = memchr::memchr(b'\n', &b[s..]).map_or(b.len(), |i| s + i);
        (s, e)
    }

    fn line_of<'a>(&mut self, b: &'a [u8]) -> &'a [u8] {
        let (s, e) = self.line_range(b);
        &b[s..e]
    }

    /// Replaces a run of digits with an interesting number (or a digit run at random).
    fn replace_number(&mut self, b: &mut Vec<u8>) {
        let start = self.pos(b);
        let Some(s) = b[start..].iter().position(u8::is_ascii_digit).map(|p| start + p) else { return };
        let e = b[s..].iter().position(|c| !c.is_ascii_digit()).map_or(b.len(), |p| s + p);
        const NUMBERS: &[&[u8]] = &[
            b"0",
            b"00",
            b"9",
            b"99",
            b"12",
            b"13",
            b"23",
            b"24",
            b"29",
            b"31",
            b"32",
            b"59",
            b"60",
            b"61",
            b"99999",
            b"4294967296",
            b"9223372036854775808",
            b"99999999999999999999999",
        ];
        let n = NUMBERS[self.below(NUMBERS.len())];
        b.splice(s..e, n.iter().copied());
    }
}
