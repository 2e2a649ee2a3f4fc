//! What the ops need from template mining, as a small trait: a template id per entry and a
//! readable pattern per id. The Drain-class miner (`crate::templates`, built separately) plugs
//! in here; until then `MessageKeys` groups entries by a normalized message key (every token
//! holding a digit becomes `<*>`), which is what `sample` (diverse) and `triage` (top errors)
//! use by default.

use crate::index::Index;
use rustc_hash::{FxHashMap, FxHasher};
use std::cell::RefCell;
use std::hash::Hasher;

/// Template ids for entries. Ids are only comparable within one `Templates` value.
pub trait Templates {
    /// The template id of each entry, in the same order.
    fn ids(&self, entries: &[u32]) -> Vec<u32>;
    /// The template's pattern (`user <*> logged in`), when known.
    fn pattern(&self, id: u32) -> Option<String>;
}

/// Fallback grouping by normalized message: tokens (split on spaces and `=:,;()[]{}"'`) that
/// contain a digit are wildcards. Only the first 256 bytes of a message count.
pub struct MessageKeys<'a> {
    ix: &'a Index,
    state: RefCell<KeyState>,
}

#[derive(Default)]
struct KeyState {
    by_hash: FxHashMap<u64, u32>,
    /// First entry seen per id (its normalized message is the pattern).
    example: Vec<u32>,
}

const PREFIX: usize = 256;

#[inline]
fn is_sep(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'=' | b':' | b',' | b';' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'')
}

/// Calls `f(token, is_wildcard)` for each token and separator run of `msg`.
fn tokens(msg: &[u8], mut f: impl FnMut(&[u8], bool)) {
    let msg = &msg[..msg.len().min(PREFIX)];
    let mut i = 0;
    while i < msg.len() {
        let start = i;
        if is_sep(msg[i]) {
            while i < msg.len() && is_sep(msg[i]) {
                i += 1;
            }
            f(&msg[start..i], false);
        } else {
            let mut digit = false;
            while i < msg.len() && !is_sep(msg[i]) {
                digit |= msg[i].is_ascii_digit();
                i += 1;
            }
            f(&msg[start..i], digit);
        }
    }
}

fn key_hash(msg: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    tokens(msg, |t, wild| {
        if wild {
            h.write_u8(0xff);
        } else {
            h.write(t);
        }
    });
    h.finish()
}

/// The normalized pattern of a message (`user <*> logged in`).
pub fn normalize(msg: &[u8]) -> String {
    let mut out = Vec::with_capacity(msg.len().min(PREFIX));
    tokens(msg, |t, wild| {
        if wild {
            out.extend_from_slice(b"<*>");
        } else {
            out.extend_from_slice(t);
        }
    });
    String::from_utf8_lossy(&out).into_owned()
}

impl<'a> MessageKeys<'a> {
    pub fn new(ix: &'a Index) -> Self {
        MessageKeys { ix, state: RefCell::new(KeyState::default()) }
    }
}

impl Templates for MessageKeys<'_> {
    fn ids(&self, entries: &[u32]) -> Vec<u32> {
        let mut st = self.state.borrow_mut();
        let KeyState { by_hash, example } = &mut *st;
        entries
            .iter()
            .map(|&e| {
                let h = key_hash(self.ix.message_bytes(e));
                *by_hash.entry(h).or_insert_with(|| {
                    example.push(e);
                    example.len() as u32 - 1
                })
            })
            .collect()
    }

    fn pattern(&self, id: u32) -> Option<String> {
        let e = *self.state.borrow().example.get(id as usize)?;
        Some(normalize(self.ix.message_bytes(e)))
    }
}

/// `MessageKeys` for every entry of an index, computed once (in parallel) and kept by the
/// session, so that sampling and triage over 1M entries cost a gather, not a hash per message.
pub struct KeyTable {
    /// Key id per entry.
    ids: Vec<u32>,
    /// First entry of each key id.
    examples: Vec<u32>,
}

impl KeyTable {
    pub fn build(ix: &Index) -> KeyTable {
        use rayon::prelude::*;
        let hashes: Vec<u64> = (0..ix.len() as u32).into_par_iter().map(|e| key_hash(ix.message_bytes(e))).collect();
        let mut by_hash: FxHashMap<u64, u32> = FxHashMap::default();
        let mut examples = Vec::new();
        let ids = hashes
            .iter()
            .enumerate()
            .map(|(e, h)| {
                *by_hash.entry(*h).or_insert_with(|| {
                    examples.push(e as u32);
                    examples.len() as u32 - 1
                })
            })
            .collect();
        KeyTable { ids, examples }
    }
    pub fn heap_bytes(&self) -> usize {
        (self.ids.capacity() + self.examples.capacity()) * 4
    }
}

/// `Templates` over a `KeyTable`.
pub struct TableKeys<'a> {
    pub ix: &'a Index,
    pub table: &'a KeyTable,
}

impl Templates for TableKeys<'_> {
    fn ids(&self, entries: &[u32]) -> Vec<u32> {
        entries.iter().map(|&e| self.table.ids.get(e as usize).copied().unwrap_or(0)).collect()
    }
    fn pattern(&self, id: u32) -> Option<String> {
        let e = *self.table.examples.get(id as usize)?;
        Some(normalize(self.ix.message_bytes(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn normalizes_tokens_with_digits() {
        assert_eq!(normalize(b"user 42 logged in from 10.0.0.1"), "user <*> logged in from <*>");
        assert_eq!(key_hash(b"took 12ms id=a1"), key_hash(b"took 999ms id=b7"));
        assert_ne!(key_hash(b"disk full"), key_hash(b"disk empty"));
    }
}
