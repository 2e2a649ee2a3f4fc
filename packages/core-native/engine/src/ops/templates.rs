//! What the ops need from template mining, as a small trait: a template id per entry and a
//! readable pattern per id. The Drain-class miner's result over every entry
//! (`crate::templates::Templates`, mined once per session) implements it, so `sample`
//! (diverse) and `triage` (top errors) use the same template ids as `templates`.

/// Template ids for entries. Ids are only comparable within one `Templates` value.
pub trait Templates {
    /// The template id of each entry, in the same order (borrowed when `entries` is every
    /// entry: no 4 MB copy per call at 1M entries).
    fn ids<'a>(&'a self, entries: &[u32]) -> std::borrow::Cow<'a, [u32]>;
    /// The template's pattern (`user <*> logged in`), when known.
    fn pattern(&self, id: u32) -> Option<String>;
}

/// Templates mined over all entries (`assignment` is indexed by entry id).
impl Templates for crate::templates::Templates {
    fn ids<'a>(&'a self, entries: &[u32]) -> std::borrow::Cow<'a, [u32]> {
        // Entries are sorted and distinct (a scope): as many as assigned, from 0, is all of them.
        let n = self.assignment.len();
        if n > 0 && entries.len() == n && entries.first() == Some(&0) && entries.last() == Some(&(n as u32 - 1)) {
            return std::borrow::Cow::Borrowed(&self.assignment);
        }
        entries.iter().map(|&e| self.assignment.get(e as usize).copied().unwrap_or(u32::MAX)).collect()
    }

    fn pattern(&self, id: u32) -> Option<String> {
        self.templates.get(id as usize).map(|t| t.pattern.clone())
    }
}
