//! A watch cursor: where each followed file was left (device + inode, the first byte not yet
//! emitted, the lines before it), so that a later call (the MCP `tail` tool) returns exactly
//! what is new since. Opaque to callers: a version tag and hex-encoded JSON.

use crate::error::{Code, Error, Result};
use serde::{Deserialize, Serialize};

const PREFIX: &str = "lw1.";

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    pub files: Vec<Mark>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The name the file was followed under.
    pub name: String,
    pub dev: u64,
    pub ino: u64,
    /// First byte not yet emitted.
    pub offset: u64,
    /// Lines before `offset`.
    pub lines: u64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let mut s = String::with_capacity(PREFIX.len() + json.len() * 2);
        s.push_str(PREFIX);
        for b in json {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    pub fn decode(s: &str) -> Result<Cursor> {
        let bad = |why: &str| Error::new(Code::InvalidOption, format!("invalid watch cursor: {why}")).at("cursor");
        let hex = s.strip_prefix(PREFIX).ok_or_else(|| bad("not a cursor returned by tail"))?;
        if hex.len() % 2 != 0 {
            return Err(bad("odd length"));
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(|| bad("not hex"))?;
        serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))
    }

    pub fn find(&self, id: (u64, u64)) -> Option<&Mark> {
        self.files.iter().find(|m| (m.dev, m.ino) == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_garbage() {
        let c = Cursor { files: vec![Mark { name: "a b.log".into(), dev: 1, ino: 2, offset: 3, lines: 4 }] };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for bad in ["", "lw1.zz", "lw1.7b", "xx.00", "lw1.7"] {
            assert_eq!(Cursor::decode(bad).unwrap_err().code, Code::InvalidOption, "{bad}");
        }
    }
}
