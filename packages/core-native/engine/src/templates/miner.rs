//! A Drain-class online template miner (He et al., "Drain: An Online Log Parsing Approach
//! with Fixed Depth Tree", ICWS 2017).
//!
//! Messages are masked and split into tokens (see `mask`), every token is interned to a
//! `u32`, and a message is routed through a fixed-depth tree: first by its token count, then
//! by its leading tokens (a masked token, or a token past the fan-out limit, goes down the
//! wildcard branch). The leaf holds a short list of templates; the message joins the most
//! similar one when the share of equal constant positions reaches the threshold (widening
//! the template: positions that differ become `<*>`), or starts a new template otherwise.
//! Template ids are creation order, so the same input order always gives the same ids.
//!
//! Four things more than Drain:
//! - an exact-sequence cache. A masked message identical to one seen before joins the same
//!   template without a tree walk; that is the common case in logs and what makes the miner
//!   run at well over a million lines a second;
//! - a leading run of `key=value` tokens followed by text (`req=… trace=… span=… GET /x
//!   started`, an MDC-style context prefix) is context, not the event: it is dropped, so the
//!   same event with one id more or less (`parent=…`) is the same template;
//! - a command line's arguments are values: from a long option on (`--install`, after the
//!   first token), the rest of the message is one variable (`run with --install /usr/bin/java
//!   java … --slave …` → `run with <*>`), as many options as the command was given;
//! - `finish` merges templates that differ only in one position where they show at least
//!   `merge_values` distinct words, iterating to a fixed point (see `finish`). Drain only
//!   merges such templates when the message is long enough for one differing word to stay
//!   above its similarity threshold, and never when the word is one of the routing tokens.

use super::mask::{mask_token, tokens, Masked, WILDCARD};
use rustc_hash::FxHashMap;

/// Token id of `<*>`.
pub const WILD: u32 = 0;

/// The one configuration used for every input (no per-dataset settings).
#[derive(Debug, Clone)]
pub struct Config {
    /// Tree layers routed by leading tokens (Drain's `depth` parameter minus 3; 2 is Drain's
    /// depth 5, which keeps `Failed none for ...` apart from `Failed password for ...`).
    pub prefix_depth: usize,
    /// Minimum share of positions that must match a template's constants to join it.
    pub similarity: f64,
    /// Fan-out limit of an inner node; further distinct tokens share its wildcard branch.
    pub max_children: usize,
    /// Bound on the exact-sequence cache (entries), so memory stays bounded on inputs made
    /// of unique messages.
    pub max_cache: usize,
    /// Distinct words a position must show, among templates equal everywhere else, for
    /// `finish` to make it a variable. Below it the words are taken for a closed set of
    /// event names (`cache hit` / `cache miss`, `startup packages configure` / `… remove`);
    /// from it on for values (states, names, users, packages).
    pub merge_values: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { prefix_depth: 2, similarity: 0.7, max_children: 100, max_cache: 1 << 17, merge_values: 4 }
    }
}

#[derive(Default)]
struct Node {
    children: FxHashMap<u32, u32>,
    clusters: Vec<u32>,
}

struct Cluster {
    tokens: Vec<u32>,
}

/// Token text ↔ id.
#[derive(Default)]
struct Vocab {
    ids: FxHashMap<Box<[u8]>, u32>,
    names: Vec<Box<[u8]>>,
    /// Whether a token is or contains `<*>` (a masked variable).
    param: Vec<bool>,
}

impl Vocab {
    fn intern(&mut self, t: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(t.into());
        self.param.push(memchr::memmem::find(t, WILDCARD).is_some());
        self.ids.insert(t.into(), id);
        id
    }
}

pub struct TemplateMiner {
    config: Config,
    vocab: Vocab,
    /// Node 0 is the root; its children are keyed by token count.
    nodes: Vec<Node>,
    clusters: Vec<Cluster>,
    cache: FxHashMap<Box<[u32]>, u32>,
    seq: Vec<u32>,
    scratch: Vec<u8>,
}

/// Folds a phrase of two or three tokens, one of them a variable, repeated back to back
/// into one occurrence (`--slave <*> --slave <*>` → `--slave <*>`, `k: <*>, k: <*>,` →
/// `k: <*>,`): an argument or item list of any length, like the runs of one variable that
/// `add` keeps once.
fn fold_repeats(seq: &mut Vec<u32>, param: &[bool]) {
    for k in 2..=3 {
        let mut i = 0;
        while i + 2 * k <= seq.len() {
            let unit = &seq[i..i + k];
            if unit.iter().any(|&t| param[t as usize]) && seq[i + k..i + 2 * k] == *unit {
                seq.drain(i + k..i + 2 * k);
            } else {
                i += 1;
            }
        }
    }
}

/// `--name` (a letter after the dashes): a command-line option, where an argument list starts.
fn is_long_option(tok: &[u8]) -> bool {
    tok.starts_with(b"--") && tok.get(2).is_some_and(u8::is_ascii_alphabetic)
}

/// Whether `pattern` matches `tokens` with each `<*>` of the pattern matching one or more
/// tokens and every other token matching itself.
fn glob_matches(pattern: &[u32], tokens: &[u32]) -> bool {
    // can[j]: the pattern prefix so far matches tokens[..j].
    let mut can = vec![false; tokens.len() + 1];
    can[0] = true;
    for &p in pattern {
        let mut next = vec![false; tokens.len() + 1];
        for j in 1..=tokens.len() {
            next[j] = if p == WILD { can[j - 1] || next[j - 1] } else { can[j - 1] && tokens[j - 1] == p };
        }
        can = next;
    }
    can[tokens.len()]
}

/// Templates (provisional ids) that share a candidate form, with their weights.
type Members = Vec<(u32, usize)>;

/// Collapses each run of `<*>` into one, as `TemplateMiner::add` does with lists.
fn collapse(mut t: Vec<u32>) -> Vec<u32> {
    t.dedup_by(|a, b| *a == WILD && *b == WILD);
    t
}

/// The final templates of a mining run (`TemplateMiner::finish`).
#[derive(Debug, Clone, Default)]
pub struct Mined {
    /// Final template id of each provisional id.
    of_provisional: Vec<u32>,
    patterns: Vec<String>,
    parameters: Vec<Vec<u32>>,
}

impl Mined {
    /// The final template of a provisional id returned by `TemplateMiner::add`.
    pub fn template_of(&self, provisional: u32) -> u32 {
        self.of_provisional[provisional as usize]
    }

    /// Number of templates (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// A template's tokens joined by single spaces, variables as `<*>` ("" for no template).
    pub fn pattern(&self, id: u32) -> &str {
        self.patterns.get(id as usize).map_or("", String::as_str)
    }

    /// Token indexes of a template's parameters (tokens that are or contain `<*>`).
    pub fn parameter_positions(&self, id: u32) -> &[u32] {
        self.parameters.get(id as usize).map_or(&[], Vec::as_slice)
    }
}

impl TemplateMiner {
    pub fn new(config: Config) -> TemplateMiner {
        let mut vocab = Vocab::default();
        vocab.intern(WILDCARD);
        TemplateMiner {
            config,
            vocab,
            nodes: vec![Node::default()],
            clusters: Vec::new(),
            cache: FxHashMap::default(),
            seq: Vec::with_capacity(64),
            scratch: Vec::with_capacity(64),
        }
    }

    /// Adds one message and returns its provisional template id (the id of the cluster it
    /// joined or started); `finish` maps provisional ids to the final templates.
    pub fn add(&mut self, message: &[u8]) -> u32 {
        self.seq.clear();
        // The leading run of key=value tokens: whether it still lasts, and its length once ended.
        let (mut in_context, mut lead) = (true, 0);
        for tok in tokens(message) {
            if !self.seq.is_empty() && is_long_option(tok) {
                if self.seq.last() != Some(&WILD) {
                    self.seq.push(WILD);
                }
                break;
            }
            let (id, kv) = match mask_token(tok, &mut self.scratch) {
                Masked::Same => (self.vocab.intern(tok), false),
                Masked::Rewritten if self.scratch == WILDCARD => (WILD, false),
                Masked::Rewritten => (self.vocab.intern(&self.scratch), false),
                Masked::KeyValue => (self.vocab.intern(&self.scratch), true),
            };
            if in_context && !kv {
                (in_context, lead) = (false, self.seq.len());
            }
            // A run of the same masked token (`blk_1 blk_2 blk_3`, `1, 2, 3,`) is one
            // variable-length list: keep one, so lists of any length share a template.
            if self.vocab.param[id as usize] && self.seq.last() == Some(&id) {
                continue;
            }
            self.seq.push(id);
        }
        // A context prefix before text is dropped; a message that is all key=value keeps it.
        if lead > 0 {
            self.seq.drain(..lead);
        }
        if let Some(&c) = self.cache.get(&self.seq[..]) {
            return c;
        }
        let seq = std::mem::take(&mut self.seq);
        // The cache is keyed by the sequence as read; the tree sees repeated phrases folded.
        let mut folded = seq.clone();
        fold_repeats(&mut folded, &self.vocab.param);
        let id = match self.search(&folded) {
            Some(c) => {
                for (t, &s) in self.clusters[c as usize].tokens.iter_mut().zip(&folded) {
                    if *t != s {
                        *t = WILD;
                    }
                }
                c
            }
            None => self.insert(&folded),
        };
        if self.cache.len() < self.config.max_cache {
            self.cache.insert(seq.as_slice().into(), id);
        }
        self.seq = seq;
        id
    }

    /// Number of provisional templates so far (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// The final templates. Provisional templates are merged when making one position a
    /// variable makes them equal and, together, they show at least `merge_values` distinct
    /// words there (a template that already has the variable counts as two): that position
    /// holds values, not a closed set of event names. "Equal" is after collapsing a run of
    /// variables into one, as `add` does, so `upgrade tzdata:all <*>` joins `upgrade <*>`
    /// (whose package name held a digit and was masked). The first token is never made a
    /// variable (it names the event in most logs), nor is a masked token such as `size=<*>`
    /// (its key is a constant). Repeats until nothing merges, since a merge can make other
    /// templates equal. Final ids follow the first provisional id of each template, so they
    /// are creation order like the provisional ones.
    pub fn finish(&self) -> Mined {
        // Drain's widening can leave runs of `<*>`: collapse them as `add` does.
        let mut toks: Vec<Vec<u32>> = self.clusters.iter().map(|c| collapse(c.tokens.clone())).collect();
        // Each provisional template's representative (the smallest id of its merged group).
        let mut rep: Vec<u32> = (0..toks.len() as u32).collect();
        // Distinct words merged into each template's variable positions (the evidence).
        let mut variety = vec![0usize; toks.len()];
        let param = |t: u32| self.vocab.param[t as usize];
        // Candidate form → members with their weight: what a template becomes with one
        // position made a variable (weight 1), or a template as it is (weight 2).
        let mut groups: FxHashMap<Vec<u32>, Members> = FxHashMap::default();
        let mut changed = true;
        while changed {
            changed = false;
            groups.clear();
            for (c, t) in toks.iter().enumerate() {
                if rep[c] != c as u32 {
                    continue;
                }
                groups.entry(t.clone()).or_default().push((c as u32, 2));
                for p in 1..t.len() {
                    if param(t[p]) {
                        continue;
                    }
                    let mut form = t.clone();
                    form[p] = WILD;
                    let g = groups.entry(collapse(form)).or_default();
                    if g.last().is_none_or(|&(m, _)| m != c as u32) {
                        g.push((c as u32, 1));
                    }
                }
            }
            let mut merges: Vec<(&Vec<u32>, &Members)> = groups.iter().filter(|(_, g)| g.len() > 1).collect();
            merges.sort_unstable_by(|a, b| (a.1[0].0, a.0).cmp(&(b.1[0].0, b.0)));
            // A template merged in this pass has new tokens: it waits for the next pass.
            let mut touched = vec![false; toks.len()];
            for (form, members) in merges {
                let live: Vec<(u32, usize)> =
                    members.iter().copied().filter(|&(c, _)| rep[c as usize] == c && !touched[c as usize]).collect();
                let values: usize = live.iter().map(|&(_, w)| w).sum();
                if live.len() < 2 || values < self.config.merge_values {
                    continue;
                }
                let first = live[0].0;
                toks[first as usize] = form.clone();
                touched[first as usize] = true;
                variety[first as usize] = values.max(variety[first as usize]);
                for &(c, _) in &live[1..] {
                    rep[c as usize] = first;
                }
                changed = true;
            }
        }
        self.absorb(&toks, &mut rep, &variety);
        let mut final_id = vec![u32::MAX; toks.len()];
        let mut templates = Vec::new();
        for c in 0..toks.len() {
            let mut root = c;
            while rep[root] as usize != root {
                root = rep[root] as usize;
            }
            if final_id[root] == u32::MAX {
                final_id[root] = templates.len() as u32;
                templates.push(std::mem::take(&mut toks[root]));
            }
            final_id[c] = final_id[root];
        }
        let patterns = templates.iter().map(|t| self.pattern_of(t)).collect();
        let parameters = templates
            .iter()
            .map(|t| {
                t.iter().enumerate().filter(|(_, &x)| self.vocab.param[x as usize]).map(|(i, _)| i as u32).collect()
            })
            .collect();
        Mined { of_provisional: final_id, patterns, parameters }
    }

    /// A template that merging made general (with at least `merge_values` words behind its
    /// variables) absorbs the longer templates it matches, `<*>` matching one or more tokens:
    /// a template left out of a merge because its instances were merged elsewhere first
    /// (`status config-files cmake-data:all <*>` once `status <*>` exists). Only templates
    /// with that evidence absorb: a template Drain widened once does not (`Failed password
    /// for <*> from …` must not absorb `… for invalid user <*> from …`).
    fn absorb(&self, toks: &[Vec<u32>], rep: &mut [u32], variety: &[usize]) {
        let live = |rep: &[u32], c: usize| rep[c] as usize == c;
        let mut general: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (c, t) in toks.iter().enumerate() {
            if live(rep, c) && variety[c] >= self.config.merge_values && !t.is_empty() {
                general.entry(t[0]).or_default().push(c);
            }
        }
        for (c, t) in toks.iter().enumerate() {
            if !live(rep, c) || t.is_empty() {
                continue;
            }
            let Some(cands) = general.get(&t[0]) else { continue };
            // Shorter than `t`: strictly more general, so absorbing never goes in circles.
            if let Some(&a) = cands.iter().find(|&&a| toks[a].len() < t.len() && glob_matches(&toks[a], t)) {
                rep[c] = a as u32;
            }
        }
    }

    /// Tokens joined by spaces, variables as `<*>`.
    fn pattern_of(&self, tokens: &[u32]) -> String {
        let mut out = Vec::new();
        for (i, &t) in tokens.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(&self.vocab.names[t as usize]);
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The leaf a sequence routes to, following existing branches only.
    fn search(&self, seq: &[u32]) -> Option<u32> {
        let mut node = *self.nodes[0].children.get(&(seq.len() as u32))?;
        for &t in seq.iter().take(self.config.prefix_depth) {
            let n = &self.nodes[node as usize];
            node = match n.children.get(&t) {
                Some(&c) => c,
                None => *n.children.get(&WILD)?,
            };
        }
        self.best_match(&self.nodes[node as usize].clusters, seq)
    }

    /// Similarity: the share of the template's constant positions that the message matches;
    /// ties go to the template with more parameters (the more general one). Two changes from
    /// Drain, which divides by the whole length and counts a masked token such as `<*>:` as
    /// an equal constant: messages that share only their variables are not similar, and
    /// short messages with a variable (`Invalid user X from <*>`) are not penalized for it.
    /// On loghub this gives a wide plateau of thresholds (0.67–0.75) with the same accuracy,
    /// where Drain's measure falls off a cliff between 0.6 and 0.65. A template with no
    /// constants left joins nothing by similarity (only identical sequences, via the cache).
    fn best_match(&self, candidates: &[u32], seq: &[u32]) -> Option<u32> {
        let mut best: Option<(u32, f64, usize)> = None;
        for &c in candidates {
            let toks = &self.clusters[c as usize].tokens;
            let (mut same, mut params) = (0usize, 0usize);
            for (&t, &s) in toks.iter().zip(seq) {
                if self.vocab.param[t as usize] {
                    params += 1;
                } else if t == s {
                    same += 1;
                }
            }
            let constants = seq.len() - params;
            let sim = if constants == 0 { 0.0 } else { same as f64 / constants as f64 };
            if best.is_none_or(|(_, bs, bp)| sim > bs || (sim == bs && params > bp)) {
                best = Some((c, sim, params));
            }
        }
        best.filter(|&(_, sim, _)| sim >= self.config.similarity).map(|(c, _, _)| c)
    }

    fn child(&mut self, node: u32, key: u32) -> u32 {
        if let Some(&c) = self.nodes[node as usize].children.get(&key) {
            return c;
        }
        let c = self.nodes.len() as u32;
        self.nodes.push(Node::default());
        self.nodes[node as usize].children.insert(key, c);
        c
    }

    /// Creates a template for `seq` and files it under its leaf, creating the path.
    fn insert(&mut self, seq: &[u32]) -> u32 {
        let id = self.clusters.len() as u32;
        self.clusters.push(Cluster { tokens: seq.to_vec() });
        let mut node = self.child(0, seq.len() as u32);
        for &t in seq.iter().take(self.config.prefix_depth) {
            let n = &self.nodes[node as usize];
            let key = if t == WILD || n.children.contains_key(&t) {
                t
            } else {
                let has_wild = n.children.contains_key(&WILD);
                let used = n.children.len() + usize::from(!has_wild);
                if used < self.config.max_children {
                    t
                } else {
                    WILD
                }
            };
            node = self.child(node, key);
        }
        self.nodes[node as usize].clusters.push(id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mine_with(config: Config, lines: &[&str]) -> (Mined, Vec<u32>) {
        let mut m = TemplateMiner::new(config);
        let provisional: Vec<u32> = lines.iter().map(|l| m.add(l.as_bytes())).collect();
        let mined = m.finish();
        let ids = provisional.iter().map(|&p| mined.template_of(p)).collect();
        (mined, ids)
    }

    fn mine(lines: &[&str]) -> (Mined, Vec<u32>) {
        mine_with(Config::default(), lines)
    }

    #[test]
    fn groups_and_widens() {
        let (m, ids) = mine(&[
            "Connection closed by 10.0.0.1 [preauth]",
            "Accepted password for root from 10.0.0.2 port 22 ssh",
            "Connection closed by 10.0.0.9 [preauth]",
            "Accepted password for alice from 10.0.0.3 port 2222 ssh",
            "Disk full on /var/log",
        ]);
        assert_eq!(ids, vec![0, 1, 0, 1, 2]);
        assert_eq!(m.pattern(0), "Connection closed by <*> [preauth]");
        assert_eq!(m.pattern(1), "Accepted password for <*> from <*> port <*> ssh");
        assert_eq!(m.parameter_positions(1), vec![3, 5, 7]);
        assert_eq!(m.pattern(2), "Disk full on <*>");
    }

    #[test]
    fn different_lengths_and_dissimilar_messages_stay_apart() {
        let (m, ids) = mine(&[
            "session opened for alice by sshd",
            "session opened for alice by sshd now",
            "session opened for bob by sshd",
            "session opened cache flushed entirely",
        ]);
        assert_eq!(ids[0], ids[2]);
        assert_eq!(m.pattern(ids[0]), "session opened for <*> by sshd");
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[3]);
    }

    #[test]
    fn leading_tokens_route_apart() {
        // The first two tokens choose the leaf, so these never compete even though 5 of 6
        // positions agree.
        let (_, ids) = mine(&["Failed password for root from 10.0.0.1", "Failed none for root from 10.0.0.1"]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn variable_length_lists_share_a_template() {
        let (m, ids) = mine(&["ask 10.0.0.1:50010 to delete blk_1 blk_-2 blk_3", "ask 10.0.0.2:50010 to delete blk_4"]);
        assert_eq!(ids, vec![0, 0]);
        assert_eq!(m.pattern(0), "ask <*> to delete <*>");
    }

    #[test]
    fn a_command_line_from_its_first_long_option_is_one_variable() {
        let (m, ids) = mine(&[
            "run with --quiet --install /usr/bin/pager pager /usr/bin/less 77 --slave /a/pager.1.gz pager.1.gz /b",
            "run with --install /usr/bin/java java /jvm/bin/java 1711",
            "run with --remove java /jvm/bin/java",
            "link group java updated to point to /jvm/bin/java",
            "--install /usr/bin/x x /y 1",
        ]);
        assert_eq!((ids[0], ids[1], ids[2]), (0, 0, 0));
        assert_eq!(m.pattern(0), "run with <*>");
        assert_ne!(ids[3], 0);
        // A message that opens with an option is not all variable.
        assert_eq!(m.pattern(ids[4]), "--install <*> x <*>");
    }

    #[test]
    fn fan_out_limit_routes_to_wildcard() {
        let words = ["alpha", "bravo", "charlie", "delta", "echo"];
        let lines: Vec<String> = words.iter().map(|w| format!("{w} started the job")).collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (m, ids) = mine_with(Config { max_children: 3, ..Config::default() }, &lines);
        // The first two get their own branch; later ones share the wildcard branch and,
        // matching 3 of 4 constants, the same template.
        assert_eq!(ids[..2], [0, 1]);
        assert_eq!(ids[2], ids[3]);
        assert_eq!(ids[3], ids[4]);
        assert_eq!(m.pattern(ids[4]), "<*> started the job");
    }

    #[test]
    fn ids_are_deterministic() {
        let lines: Vec<String> = (0..500)
            .map(|i| format!("worker {} handled request {} in {}ms for user{}", i % 7, i, i * 3, i % 5))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let run = || {
            let (m, ids) = mine(&lines);
            (ids, (0..m.len() as u32).map(|t| m.pattern(t).to_string()).collect::<Vec<_>>())
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn a_position_with_many_words_becomes_a_variable() {
        // Short messages: one differing word out of three constants is below Drain's
        // threshold, and position 1 routes the tree; with four distinct words it merges.
        let (m, ids) = mine(&[
            "status installed curl 7.88",
            "status installed git 2.39",
            "status installed less 590",
            "status installed make 4.3",
            "status unpacked make 4.3",
        ]);
        assert_eq!(ids, vec![0, 0, 0, 0, 1]);
        // The package and version make one run of variables, collapsed like a list.
        assert_eq!(m.pattern(0), "status installed <*>");
        assert_eq!(m.parameter_positions(0), [2]);
        // Three words are a closed set of event names: they stay apart, as does the first token.
        let (_, ids) = mine(&["startup packages configure", "startup packages remove", "startup packages purge"]);
        assert_eq!(ids, vec![0, 1, 2]);
        let (_, ids) = mine(&["install a", "remove a", "purge a", "upgrade a", "configure a"]);
        assert_eq!(ids, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn merging_repeats_until_nothing_changes() {
        // Too short for Drain to merge (two of three constants agree). States merge first
        // (position 1), which makes the four users' templates equal but for position 2.
        let mut lines = Vec::new();
        for state in ["opened", "closed", "reset", "dropped"] {
            for user in ["alice", "bob", "carol", "dave"] {
                lines.push(format!("session {state} {user}"));
            }
        }
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (m, ids) = mine(&lines);
        assert!(ids.iter().all(|&i| i == 0), "{ids:?}");
        assert_eq!(m.pattern(0), "session <*>");
    }

    #[test]
    fn a_key_value_context_prefix_is_not_the_event() {
        let (m, ids) = mine(&[
            "req=a1 trace=b2 span=c3 GET /x started",
            "req=a4 trace=b5 span=c6 parent=d7 GET /y started",
            "user=alice action=login",
            "user=bob action=login",
        ]);
        assert_eq!(ids, vec![0, 0, 1, 1]);
        assert_eq!(m.pattern(0), "GET <*> started");
        // All key=value: the keys are the template.
        assert_eq!(m.pattern(1), "user=<*> action=<*>");
    }

    #[test]
    fn a_general_template_absorbs_what_it_matches() {
        let mut lines: Vec<String> =
            ["curl", "git", "less", "make"].iter().map(|p| format!("status installed {p} 1.0")).collect();
        // Same shape, but the package name holds a digit: masked, merged by Drain already.
        lines.push("status installed libc6 2.36".into());
        lines.push("status installed zlib 1:1.2 extra".into());
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (m, ids) = mine(&lines);
        assert!(ids.iter().all(|&i| i == 0), "{ids:?}");
        assert_eq!(m.pattern(0), "status installed <*>");
        assert!(glob_matches(&[5, WILD, 6], &[5, 7, 8, 6]));
        assert!(!glob_matches(&[5, WILD, 6], &[5, 6]));
        assert!(!glob_matches(&[5, WILD], &[6, 7]));
    }

    #[test]
    fn repeated_phrases_fold_into_one() {
        let (m, ids) = mine(&[
            "run with --install /a a /b 1 --slave /c c.1 /d",
            "run with --install /e a /f 2 --slave /g g.1 /h --slave /i i.1 /j --slave /k k.1 /l",
            "got k: 1, k: 2, k: 3, done",
            "got k: 4, done",
        ]);
        assert_eq!(ids, vec![0, 0, 1, 1]);
        assert_eq!(m.pattern(1), "got k: <*>, done");
        let mut seq = vec![1, WILD, 1, WILD, 2, 2];
        fold_repeats(&mut seq, &[true, false, false]);
        // Only phrases with a variable fold: `2 2` (two equal words) stays.
        assert_eq!(seq, vec![1, WILD, 2, 2]);
    }

    #[test]
    fn empty_message_is_a_template() {
        let (m, ids) = mine(&["", "   ", "x"]);
        assert_eq!(ids, vec![0, 0, 1]);
        assert_eq!(m.pattern(0), "");
    }

    proptest::proptest! {
        /// Any bytes (invalid UTF-8, control characters, huge tokens) are accepted, ids are
        /// dense, and the same input gives the same ids and patterns.
        #[test]
        fn arbitrary_input_is_safe_and_deterministic(lines in proptest::collection::vec(
            proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40), 0..60)) {
            let run = || {
                let mut m = TemplateMiner::new(Config::default());
                let provisional: Vec<u32> = lines.iter().map(|l| m.add(l)).collect();
                let mined = m.finish();
                let ids: Vec<u32> = provisional.iter().map(|&p| mined.template_of(p)).collect();
                (ids, (0..mined.len() as u32).map(|t| (mined.pattern(t).to_string(), mined.parameter_positions(t).to_vec())).collect::<Vec<_>>())
            };
            let (ids, templates) = run();
            proptest::prop_assert!(ids.iter().all(|&i| (i as usize) < templates.len()));
            proptest::prop_assert_eq!((ids, templates), run());
        }
    }
}
