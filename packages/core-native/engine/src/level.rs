//! Levels as OpenTelemetry severity numbers: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16,
//! ERROR 17-20, FATAL 21-24; 0 means "no level". The original text stays in the record bytes.

pub const TRACE: u8 = 1;
pub const DEBUG: u8 = 5;
pub const INFO: u8 = 9;
pub const WARN: u8 = 13;
pub const ERROR: u8 = 17;
pub const FATAL: u8 = 21;

/// Maps a level word (any case) to its severity number; `None` when the word is not a level.
/// Covers log4j, syslog, Python, Go, .NET, glog single letters are handled by their parser.
pub fn from_word(word: &[u8]) -> Option<u8> {
    if word.is_empty() || word.len() > 11 {
        return None;
    }
    let mut buf = [0u8; 11];
    for (i, b) in word.iter().enumerate() {
        buf[i] = b.to_ascii_lowercase();
    }
    let w = &buf[..word.len()];
    Some(match w {
        b"trace" | b"trc" | b"finest" | b"finer" | b"verbose" | b"vrb" => TRACE,
        b"debug" | b"dbg" | b"fine" | b"config" | b"debg" => DEBUG,
        b"info" | b"inf" | b"information" | b"informational" | b"notice" | b"note" | b"log" => {
            if w == b"notice" {
                INFO + 1
            } else {
                INFO
            }
        }
        b"warn" | b"warning" | b"wrn" => WARN,
        b"error" | b"err" | b"eror" | b"severe" | b"fail" | b"failure" => ERROR,
        b"crit" | b"critical" => FATAL,
        b"alert" => FATAL + 1,
        b"emerg" | b"emergency" | b"panic" => FATAL + 2,
        b"fatal" | b"ftl" => FATAL,
        _ => return None,
    })
}

/// A level word written in upper case (`ERROR`, `WARN`), the only spelling trusted where a
/// level is looked for inside text rather than at a known place (a lower-case `error` there
/// is message text far more often).
pub fn from_upper_word(word: &[u8]) -> Option<u8> {
    if word.len() < 3 || !word.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    from_word(word)
}

/// A level word inside brackets: every `from_word` word, and `System` (MySQL 8 writes
/// `[System]` for its own notices; bare, the word is message text far more often).
pub fn from_bracket_word(word: &[u8]) -> Option<u8> {
    from_word(word).or_else(|| word.eq_ignore_ascii_case(b"system").then_some(INFO))
}

/// pino/bunyan numeric levels (10 trace ... 60 fatal).
pub fn from_pino(n: f64) -> Option<u8> {
    Some(match n as i64 {
        10 => TRACE,
        20 => DEBUG,
        30 => INFO,
        40 => WARN,
        50 => ERROR,
        60 => FATAL,
        _ => return None,
    })
}

/// Syslog severity (0 emerg .. 7 debug).
pub fn from_syslog(sev: u8) -> u8 {
    match sev {
        0 => FATAL + 2,
        1 => FATAL + 1,
        2 => FATAL,
        3 => ERROR,
        4 => WARN,
        5 => INFO + 1,
        6 => INFO,
        _ => DEBUG,
    }
}

/// The canonical name of a severity number's range.
pub fn name(sev: u8) -> &'static str {
    match sev {
        0 => "NONE",
        1..=4 => "TRACE",
        5..=8 => "DEBUG",
        9..=12 => "INFO",
        13..=16 => "WARN",
        17..=20 => "ERROR",
        _ => "FATAL",
    }
}

/// Parses a level name or number as given by a user (`warn`, `ERROR`, `17`).
pub fn parse_user(text: &str) -> Option<u8> {
    if let Ok(n) = text.parse::<u8>() {
        return if (1..=24).contains(&n) { Some(n) } else { None };
    }
    from_word(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn words_map_to_otel_ranges() {
        assert_eq!(from_word(b"WARNING"), Some(WARN));
        assert_eq!(from_word(b"err"), Some(ERROR));
        assert_eq!(from_word(b"Info"), Some(INFO));
        assert_eq!(from_word(b"hello"), None);
        assert_eq!(name(from_word(b"critical").unwrap()), "FATAL");
        assert_eq!(from_pino(50.0), Some(ERROR));
        assert_eq!(from_syslog(3), ERROR);
        assert_eq!(parse_user("warn"), Some(WARN));
        assert_eq!(parse_user("30"), None);
    }
}
