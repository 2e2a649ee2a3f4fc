//! What the ops need from template mining, as a small trait: a template id per entry and a
//! readable pattern per id. The Drain-class miner's result over every entry
//! (`crate::templates::Templates`, mined once per session) implements it, so `sample`
//! (diverse) and `triage` (top errors) use the same template ids as `templates`.

/// Template ids for entries. Ids are only comparable within one `Templates` value.
pub trait Templates {
    /// The template id of each entry, in the same order.
    fn ids(&self, entries: &[u32]) -> Vec<u32>;
    /// The template's pattern (`user <*> logged in`), when known.
    fn pattern(&self, id: u32) -> Option<String>;
}

/// Templates mined over all entries (`assignment` is indexed by entry id).
impl Templates for crate::templates::Templates {
    fn ids(&self, entries: &[u32]) -> Vec<u32> {
        entries.iter().map(|&e| self.assignment.get(e as usize).copied().unwrap_or(u32::MAX)).collect()
    }

    fn pattern(&self, id: u32) -> Option<String> {
        self.templates.get(id as usize).map(|t| t.pattern.clone())
    }
}
