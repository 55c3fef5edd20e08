//! Ranked code search over titles and inclusion terms.
//!
//! A query is rewritten into a few variants (abbreviations and lay terms expanded),
//! each word is matched exactly by stem, by prefix when it is the word being typed,
//! or within one or two typos, and every title or inclusion term is scored by how
//! much of the query it covers (weighted by rarity) minus how much specific detail it
//! adds that the query did not ask for. That last part is what makes "pneumonia"
//! answer J18.9 (unspecified organism) before a dozen specific pneumonias.

use std::cell::RefCell;
use std::collections::HashMap;

use fst::{Automaton, IntoStreamer, Streamer};
use serde::Serialize;

use crate::code::CodeKey;
use crate::codeset::{CodeRef, CodeSet, NodeRef};
use crate::index::{FIELD_INCLUSION, FIELD_TITLE};
use crate::model::NodeKind;
use crate::{synonyms, text};

#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub limit: usize,
    pub billable_only: bool,
    /// Inclusive code range: `E08-E13`, `S72`, `I10-I16`.
    pub range: Option<CodeRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRange {
    lo: CodeKey,
    hi: CodeKey,
}

impl CodeRange {
    /// Parses `A00-B99`, `E11` or `S72.0-S72.2`.
    pub fn parse(s: &str) -> Option<CodeRange> {
        let (a, b) = match s.split_once('-') {
            Some((a, b)) => (a, b),
            None => (s, s),
        };
        let lo = CodeKey::parse(a)?;
        let hi = CodeKey::parse(b)?;
        (lo <= hi || hi.starts_with(&lo)).then_some(CodeRange { lo, hi })
    }
    pub fn contains(&self, key: CodeKey) -> bool {
        key >= self.lo && (key <= self.hi || key.starts_with(&self.hi))
    }
}

/// Per-term numbers the ranking needs, computed once when a version is loaded.
pub(crate) struct SearchAux {
    idf: Vec<f32>,
    /// Penalty factor of a title word the query did not ask for.
    extra_weight: Vec<f32>,
    with_term: Option<u32>,
    without_term: Option<u32>,
    /// Stems of each 7th-character meaning, by definition and character.
    seventh_stems: Vec<Vec<(u8, Vec<String>)>>,
    /// Index defaults present in this version.
    defaults: Vec<IndexDefault>,
}

impl SearchAux {
    pub(crate) fn new(p: &crate::index::Packed) -> SearchAux {
        let n = p.entries().len() as f32;
        let idf = p
            .posting_offsets()
            .windows(2)
            .map(|w| (1.0 + n / ((w[1] - w[0]) as f32).max(1.0)).ln())
            .collect::<Vec<_>>();
        let mut extra_weight = vec![0.12f32; idf.len()];
        let mut stream = p.terms.stream();
        while let Some((k, id)) = stream.next() {
            let Ok(k) = std::str::from_utf8(k) else {
                continue;
            };
            if let Some(g) = extra_weight.get_mut(id as usize) {
                if text::is_generic_stem(k) {
                    *g = 0.02;
                } else if text::is_residual_stem(k) {
                    *g = 0.3;
                }
            }
        }
        let mut defaults = Vec::new();
        for (row, (words, code)) in crate::defaults::INDEX_DEFAULTS.iter().enumerate() {
            let Some(key) = CodeKey::parse(code) else {
                continue;
            };
            let Ok(i) = p.codes().binary_search_by(|e| e.key.cmp(&key.0)) else {
                continue;
            };
            let entry = p.codes()[i];
            if entry.seventh != 0 {
                continue;
            }
            let mut stems = text::stems(words);
            stems.retain(|s| !SOFT_WORDS.contains(&s.as_str()));
            stems.sort();
            stems.dedup();
            let stems = stems
                .into_iter()
                .map(|s| {
                    let id = p.terms.get(&s).map(|id| id as u32);
                    (s, id)
                })
                .collect();
            defaults.push((stems, entry.node, row));
        }
        SearchAux {
            idf,
            extra_weight,
            with_term: p.terms.get("with").map(|t| t as u32),
            without_term: p.terms.get("without").map(|t| t as u32),
            seventh_stems: p
                .seven_defs()
                .iter()
                .map(|d| {
                    p.seven_exts()
                        .get(d.range())
                        .unwrap_or(&[])
                        .iter()
                        .map(|e| (e.ch as u8, text::stems(p.str(e.text))))
                        .collect()
                })
                .collect(),
            defaults,
        }
    }
}

/// A row of the index-defaults table resolved against one version: the stems of the
/// condition with their term ids, the default code's node, and the table row.
type IndexDefault = (Vec<(String, Option<u32>)>, u32, usize);

/// How one query word found its match.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MatchNote {
    pub query: String,
    pub matched: String,
    pub how: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub code: String,
    pub title: String,
    pub billable: bool,
    pub kind: NodeKind,
    pub score: f32,
    /// Where the match was found: `title`, `inclusion term`, `7th character`, …
    pub field: &'static str,
    /// The text that matched (a title or an inclusion term).
    pub matched_text: String,
    /// Why it matched, in words: abbreviations, typos, prefixes, 7th characters.
    pub why: Vec<String>,
    /// For a code that still needs a 7th character, the allowed characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_seventh: Option<String>,
}

#[derive(Clone, Debug)]
struct QueryWord {
    /// The stem searched for.
    stem: String,
    /// What the person typed, for explanations.
    typed: String,
    /// Set when this word came from an abbreviation or lay term.
    via: Option<(String, String)>,
    /// The word being typed: allow prefix matches.
    last: bool,
    soft: bool,
    qualifier: bool,
    /// A lay word searched as typed although it has a clinical meaning: ranked after
    /// the reading by meaning.
    lay: bool,
}

#[derive(Clone, Copy)]
struct Candidate {
    term: u32,
    quality: f32,
    how: &'static str,
}

struct Scratch {
    score: Vec<f32>,
    mask: Vec<u32>,
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const { RefCell::new(Scratch { score: Vec::new(), mask: Vec::new(), touched: Vec::new() }) };
}

const SOFT_WORDS: &[&str] = &[
    "with",
    "without",
    "due",
    "not",
    "no",
    "w",
    "nos",
    "unspecifi",
    "unspecified",
];
/// Laterality and encounter words: the tabular states them in the last characters
/// of a code (S72.001 right, 7th character A initial), so they choose among the codes
/// a match leads to rather than deciding the match.
const QUALIFIER_WORDS: &[&str] = &[
    "right", "left", "bilater", "unilater", "initi", "subsequ", "sequela", "encount",
];
const MAX_WORDS: usize = 16;
const MAX_VARIANTS: usize = 12;

#[derive(Clone)]
struct Scored {
    score: f32,
    entry: u32,
    variant: usize,
    /// Query words (bit per word) the entry did not match.
    missing: u32,
    seventh: Option<u8>,
    derived_from: Option<u32>,
    /// Row of the index-defaults table that put this code first.
    index_default: Option<usize>,
}

impl CodeSet {
    /// Ranked search. The best result comes first.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Vec<SearchHit> {
        let limit = if opts.limit == 0 { 10 } else { opts.limit };
        let trimmed = query.trim();
        if trimmed.is_empty() {
            return Vec::new();
        }
        if let Some(hits) = self.search_by_code(trimmed, opts, limit) {
            return hits;
        }
        let variants = build_variants(trimmed);
        let mut best: HashMap<u32, Scored> = HashMap::new();
        let mut variant_words: Vec<(Vec<QueryWord>, Vec<Vec<Candidate>>)> = Vec::new();
        for (vi, words) in variants.into_iter().enumerate() {
            let cands: Vec<Vec<Candidate>> = words.iter().map(|w| self.candidates(w)).collect();
            let penalty = if words.iter().any(|w| w.lay) {
                0.2
            } else if words.iter().any(|w| w.via.is_some()) {
                0.01
            } else {
                0.0
            };
            self.score_variant(&words, &cands, vi, penalty, &mut best);
            self.apply_index_default(&words, &cands, vi, penalty, &mut best);
            variant_words.push((words, cands));
        }
        let mut scored: Vec<Scored> = best.into_values().collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        scored.truncate(300);
        // 7th characters named in the query, and the unspecified code under a header
        // that matched through an inclusion term ("Fracture of hip NOS").
        let mut extra = Vec::new();
        for (rank, s) in scored.iter_mut().enumerate() {
            let entry = self.p.entries()[s.entry as usize];
            let node = self.node_ref(entry.node);
            let (words, cands) = &variant_words[s.variant];
            if node.needs_seventh() && s.missing != 0 {
                self.pick_seventh(node, words, s);
            }
            if node.child_count() > 0 && s.score > 0.0 {
                // Drill down like a coder: the child that names what the header did
                // not (laterality, site), else the unspecified one.
                if rank < 300
                    && let Some((leaf, covered)) = self.drill_down(node, words, cands, s.missing)
                {
                    let mut d = s.clone();
                    d.derived_from = Some(entry.node);
                    d.score -= 0.005;
                    d.seventh = None;
                    if covered != 0 {
                        d.score += coverage_gain(words, covered);
                        d.missing &= !covered;
                    }
                    let leaf_node = self.node_ref(leaf);
                    if leaf_node.needs_seventh() && d.missing != 0 {
                        self.pick_seventh(leaf_node, words, &mut d);
                    }
                    extra.push((leaf, d));
                }
                s.score -= 0.02;
            }
        }
        let mut results: Vec<(u32, Scored)> = scored
            .into_iter()
            .map(|s| (self.p.entries()[s.entry as usize].node, s))
            .chain(extra)
            .collect();
        for (node, s) in &mut results {
            let (words, _) = &variant_words[s.variant];
            s.score -= category_preference(self.node_ref(*node).code(), words);
        }
        results.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0)));
        let mut hits = Vec::with_capacity(limit);
        let mut seen = std::collections::HashSet::new();
        for (node_id, s) in results {
            if hits.len() >= limit {
                break;
            }
            let node = self.node_ref(node_id);
            let Some(code) = self.code_entry_for_node(node_id) else {
                continue;
            };
            let code = match s.seventh {
                Some(ch) => match code.key().with_seventh(ch).and_then(|k| self.get(k)) {
                    Some(c) => c,
                    None => code,
                },
                None => code,
            };
            if !seen.insert(code.key()) {
                continue;
            }
            if opts.billable_only && !code.is_billable() {
                continue;
            }
            if let Some(r) = &opts.range
                && !r.contains(code.key())
            {
                continue;
            }
            let (words, cands) = &variant_words[s.variant];
            hits.push(self.explain(code, node, &s, words, cands));
        }
        hits
    }

    fn node_ref(&self, id: u32) -> NodeRef<'_> {
        // Node ids come from the index's own entries, checked at load.
        self.node(id).unwrap_or_else(|| unreachable_node(self))
    }

    /// A query that is a code or the start of one lists codes, exact match first.
    fn search_by_code(
        &self,
        q: &str,
        opts: &SearchOptions,
        limit: usize,
    ) -> Option<Vec<SearchHit>> {
        let key = CodeKey::parse(q).filter(CodeKey::is_icd10cm_shape)?;
        let exact = self.get(key);
        let mut found: Vec<(CodeRef<'_>, &'static str)> = Vec::new();
        if let Some(c) = exact {
            found.push((c, "code"));
        }
        for c in self.codes_with_prefix(key) {
            if found.len() >= limit * 4 {
                break;
            }
            if Some(c.key()) != exact.map(|e| e.key()) {
                found.push((c, "code prefix"));
            }
        }
        if found.is_empty() {
            return None;
        }
        let mut hits = Vec::new();
        for (c, field) in found {
            if hits.len() >= limit {
                break;
            }
            if opts.billable_only && !c.is_billable() {
                continue;
            }
            if let Some(r) = &opts.range
                && !r.contains(c.key())
            {
                continue;
            }
            hits.push(SearchHit {
                code: c.dotted().to_string(),
                title: c.title(),
                billable: c.is_billable(),
                kind: c.kind(),
                score: 1.0,
                field,
                matched_text: c.dotted().to_string(),
                why: vec![if field == "code" {
                    "the code itself".to_string()
                } else {
                    "code starts with the query".to_string()
                }],
                needs_seventh: needs_seventh_list(c),
            });
        }
        Some(hits)
    }

    fn candidates(&self, w: &QueryWord) -> Vec<Candidate> {
        let terms = &self.p.terms;
        let mut out = Vec::new();
        if let Some(id) = terms.get(&w.stem) {
            out.push(Candidate {
                term: id as u32,
                quality: 1.0,
                how: "exact",
            });
            return out;
        }
        let typed = w.typed.as_bytes();
        let surface = &self.p.surface;
        let mut seen: Vec<u32> = Vec::new();
        if w.last && typed.len() >= 3 {
            let prefix = fst::automaton::Str::new(&w.typed).starts_with();
            let mut stream = surface.search(prefix).into_stream();
            while let Some((_, id)) = stream.next() {
                let id = id as u32;
                if !seen.contains(&id) {
                    seen.push(id);
                    out.push(Candidate {
                        term: id,
                        quality: 0.85,
                        how: "prefix",
                    });
                }
                if out.len() >= 40 {
                    break;
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
        // Typos: written words within one edit (two for longer words) that start
        // with the same letter; a swapped pair of letters counts as one edit.
        let len = typed.len();
        if len >= 4 && !typed.iter().any(u8::is_ascii_digit) && typed[0].is_ascii_lowercase() {
            let max = if len >= 6 { 2 } else { 1 };
            let first = [typed[0]];
            let next = [typed[0] + 1];
            let mut stream = surface.range().ge(first).lt(next).into_stream();
            let mut found: Vec<(usize, u32)> = Vec::new();
            while let Some((word, id)) = stream.next() {
                if word.len().abs_diff(len) > max {
                    continue;
                }
                let d = osa_distance(typed, word, max);
                if d <= max {
                    found.push((d, id as u32));
                }
            }
            if let Some(best) = found.iter().map(|f| f.0).min() {
                for (d, id) in found.into_iter().filter(|f| f.0 == best) {
                    if seen.contains(&id) {
                        continue;
                    }
                    seen.push(id);
                    out.push(Candidate {
                        term: id,
                        quality: if d == 1 { 0.8 } else { 0.65 },
                        how: "typo",
                    });
                    if out.len() >= 20 {
                        break;
                    }
                }
            }
        }
        out
    }

    #[inline]
    fn idf(&self, term: u32) -> f32 {
        self.aux().idf.get(term as usize).copied().unwrap_or(0.0)
    }

    fn score_variant(
        &self,
        words: &[QueryWord],
        cands: &[Vec<Candidate>],
        variant: usize,
        variant_penalty: f32,
        best: &mut HashMap<u32, Scored>,
    ) {
        let n_entries = self.p.entries().len();
        // Each word weighs its rarity; a word nothing matched weighs the average.
        let mut weights: Vec<f32> = Vec::with_capacity(words.len());
        for (w, c) in words.iter().zip(cands) {
            let idf = c.iter().map(|c| self.idf(c.term)).fold(0.0f32, f32::max);
            let idf = if c.is_empty() { 4.0 } else { idf };
            weights.push(if w.soft {
                idf * 0.15
            } else if w.qualifier {
                idf * 0.25
            } else {
                idf
            });
        }
        let total: f32 = weights.iter().sum::<f32>().max(1e-3);
        let mut matched_terms: Vec<u32> = cands.iter().flatten().map(|c| c.term).collect();
        matched_terms.sort_unstable();
        matched_terms.dedup();
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let sc = &mut *guard;
            if sc.score.len() != n_entries {
                sc.score = vec![0.0; n_entries];
                sc.mask = vec![0; n_entries];
            }
            sc.touched.clear();
            for (i, c) in cands.iter().enumerate() {
                let bit = 1u32 << i;
                for cand in c {
                    let o = &self.p.posting_offsets();
                    let list = &self.p.postings()
                        [o[cand.term as usize] as usize..o[cand.term as usize + 1] as usize];
                    let w = weights[i] * cand.quality;
                    for &e in list {
                        let e = e as usize;
                        if sc.mask[e] == 0 {
                            sc.touched.push(e as u32);
                        }
                        if sc.mask[e] & bit == 0 {
                            sc.mask[e] |= bit;
                            sc.score[e] += w;
                        }
                    }
                }
            }
            let all_bits: u32 = if words.is_empty() {
                0
            } else {
                (1u32 << words.len()) - 1
            };
            for &e in &sc.touched {
                let e = e as usize;
                let matched = sc.score[e];
                let mask = sc.mask[e];
                sc.score[e] = 0.0;
                sc.mask[e] = 0;
                let missing_bits = all_bits & !mask;
                let missing: f32 = (0..words.len())
                    .filter(|i| missing_bits & (1 << i) != 0)
                    .map(|i| weights[i])
                    .sum();
                let entry = self.p.entries()[e];
                // Detail the entry adds beyond the query.
                // What follows "without" is absent, the usual state for a vague query;
                // what follows "with" is a complication the query did not name.
                let mut extra = 0.0f32;
                let mut factor = 1.0f32;
                for &t in &self.p.forward()[entry.tokens.range()] {
                    if Some(t) == self.aux().without_term {
                        factor = 0.3;
                        continue;
                    }
                    if Some(t) == self.aux().with_term {
                        factor = 1.4;
                        continue;
                    }
                    if matched_terms.binary_search(&t).is_ok() {
                        continue;
                    }
                    let idf = self.idf(t);
                    extra += factor
                        * idf
                        * self
                            .aux()
                            .extra_weight
                            .get(t as usize)
                            .copied()
                            .unwrap_or(0.12);
                }
                let node = &self.p.nodes()[entry.node as usize];
                let mut s = (matched - 1.2 * missing) / total - extra / (total + 4.0);
                if entry.field == FIELD_TITLE {
                    s += 0.02;
                }
                if node.flags & crate::index::FLAG_MANIFESTATION != 0 {
                    s -= 0.05;
                }
                s -= variant_penalty;
                let cur = best.get(&entry.node).map_or(f32::MIN, |b| b.score);
                if s > cur {
                    best.insert(
                        entry.node,
                        Scored {
                            score: s,
                            entry: e as u32,
                            variant,
                            missing: missing_bits,
                            seventh: None,
                            derived_from: None,
                            index_default: None,
                        },
                    );
                }
            }
        });
    }

    /// A query that names exactly a condition of the index-defaults table puts the
    /// index's default code first.
    fn apply_index_default(
        &self,
        words: &[QueryWord],
        cands: &[Vec<Candidate>],
        variant: usize,
        penalty: f32,
        best: &mut HashMap<u32, Scored>,
    ) {
        let content: Vec<usize> = (0..words.len()).filter(|&i| !words[i].soft).collect();
        if content.is_empty() {
            return;
        }
        // A typed word stands for a default's stem when it is that stem, or when its
        // match (exact or corrected typo) is that stem's term.
        let stands_for = |i: usize, (stem, id): &(String, Option<u32>)| {
            words[i].stem == *stem
                || id.is_some_and(|t| cands[i].iter().any(|c| c.how != "prefix" && c.term == t))
        };
        for (dstems, node, row) in &self.aux().defaults {
            if dstems.len() != content.len() {
                continue;
            }
            let mut used = vec![false; dstems.len()];
            let all = content.iter().all(|&i| {
                match (0..dstems.len()).find(|&k| !used[k] && stands_for(i, &dstems[k])) {
                    Some(k) => {
                        used[k] = true;
                        true
                    }
                    None => false,
                }
            });
            if !all {
                continue;
            }
            let entry = self.p.entries().partition_point(|e| e.node < *node) as u32;
            if self
                .p
                .entries()
                .get(entry as usize)
                .is_none_or(|e| e.node != *node)
            {
                continue;
            }
            let score = 1.2 - penalty;
            let cur = best.get(node).map_or(f32::MIN, |b| b.score);
            if score > cur {
                best.insert(
                    *node,
                    Scored {
                        score,
                        entry,
                        variant,
                        missing: 0,
                        seventh: None,
                        derived_from: None,
                        index_default: Some(*row),
                    },
                );
            }
        }
    }

    /// Chooses the 7th character whose meaning covers query words the title did not.
    fn pick_seventh(&self, node: NodeRef<'_>, words: &[QueryWord], s: &mut Scored) {
        let mut best: Option<(u8, u32, usize)> = None;
        let Some(def) = self
            .aux()
            .seventh_stems
            .get(node.effective_seventh_def() as usize)
        else {
            return;
        };
        let key = CodeKey::parse(node.code());
        for (ch, stems) in def {
            if key.is_some_and(|k| crate::conventions::seventh_withdrawn(k, *ch)) {
                continue;
            }
            let mut covered = 0u32;
            for (i, w) in words.iter().enumerate() {
                if s.missing & (1 << i) != 0 && stems.contains(&w.stem) {
                    covered |= 1 << i;
                }
            }
            let n = covered.count_ones();
            // Fewer extra words in the meaning is the plainer choice (A over B).
            if n > 0
                && best.is_none_or(|(_, b, blen)| {
                    n > b.count_ones() || (n == b.count_ones() && stems.len() < blen)
                })
            {
                best = Some((*ch, covered, stems.len()));
            }
        }
        if let Some((ch, covered, _)) = best {
            s.score += coverage_gain(words, covered);
            s.missing &= !covered;
            s.seventh = Some(ch);
        }
    }

    /// The code a coder takes under a header when nothing more is known: the child
    /// titled "unspecified" (or, failing that, "without …"), followed down to a leaf.
    fn drill_down(
        &self,
        node: NodeRef<'_>,
        words: &[QueryWord],
        cands: &[Vec<Candidate>],
        missing: u32,
    ) -> Option<(u32, u32)> {
        let mut cur = node;
        let mut covered_all = 0u32;
        for _ in 0..4 {
            if cur.child_count() == 0 {
                return (cur.id() != node.id()).then_some((cur.id(), covered_all));
            }
            let parent_title = cur.title().to_ascii_lowercase();
            let parent_unspec = parent_title.matches("unspecified").count();
            let mut best: Option<(u32, u32, NodeRef<'_>)> = None;
            for c in cur.children() {
                let covered = self.title_covers(c.id(), words, cands, missing & !covered_all);
                let t = c.title().to_ascii_lowercase();
                let mut fallback = 0u32;
                if t.matches("unspecified").count() > parent_unspec {
                    fallback += 4;
                }
                if t.ends_with(", unspecified") || t.ends_with(" nos") {
                    fallback += 2;
                }
                if t.contains(" without ") || t.contains("uncomplicated") {
                    fallback += 2;
                }
                if c.code().ends_with('9') {
                    fallback += 1;
                }
                if t.starts_with("other") {
                    fallback = 0;
                }
                let n = covered.count_ones();
                let better = match best {
                    None => n > 0 || fallback >= 2,
                    Some((bc, bf, _)) => {
                        n > bc.count_ones() || (n == bc.count_ones() && fallback > bf)
                    }
                };
                if better {
                    best = Some((covered, fallback, c));
                }
            }
            let (covered, _, next) = best?;
            covered_all |= covered;
            cur = next;
        }
        None
    }

    /// Which of the `missing` query words the node's title contains.
    fn title_covers(
        &self,
        node: u32,
        words: &[QueryWord],
        cands: &[Vec<Candidate>],
        missing: u32,
    ) -> u32 {
        if missing == 0 {
            return 0;
        }
        let e = self.p.entries().partition_point(|e| e.node < node);
        let Some(entry) = self.p.entries().get(e).filter(|e| e.node == node) else {
            return 0;
        };
        let tokens = &self.p.forward()[entry.tokens.range()];
        let mut covered = 0u32;
        for (i, _) in words.iter().enumerate() {
            if missing & (1 << i) != 0
                && cands[i]
                    .iter()
                    .any(|c| c.how != "prefix" && tokens.contains(&c.term))
            {
                covered |= 1 << i;
            }
        }
        covered
    }

    fn explain(
        &self,
        code: CodeRef<'_>,
        node: NodeRef<'_>,
        s: &Scored,
        words: &[QueryWord],
        cands: &[Vec<Candidate>],
    ) -> SearchHit {
        let entry = self.p.entries()[s.entry as usize];
        let mut why = Vec::new();
        let mut seen_via = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if let Some((from, to)) = &w.via
                && !seen_via.contains(from)
            {
                seen_via.push(from.clone());
                why.push(format!("\"{from}\" read as \"{to}\""));
            }
            if s.missing & (1 << i) != 0 {
                continue;
            }
            if let Some(c) = cands[i].iter().find(|c| c.how != "exact") {
                let term = self
                    .p
                    .terms
                    .as_fst()
                    .get_key(c.term as u64)
                    .and_then(|k| String::from_utf8(k).ok())
                    .unwrap_or_default();
                let how = if c.how == "typo" {
                    format!("\"{}\" taken as a typo for \"{term}…\"", w.typed)
                } else {
                    format!("\"{}\" completed as a word being typed", w.typed)
                };
                if !why.contains(&how) {
                    why.push(how);
                }
            }
        }
        let field = match entry.field {
            FIELD_INCLUSION => "inclusion term",
            _ => "title",
        };
        let matched_text = self.p.str(entry.text).to_string();
        if let Some(row) = s.index_default {
            let words = crate::defaults::INDEX_DEFAULTS
                .get(row)
                .map_or("", |(w, _)| *w);
            why.push(format!("Alphabetic Index default for \"{words}\""));
        }
        if let Some(from) = s.derived_from {
            let h = self.node_ref(from);
            why.push(format!(
                "unspecified code under {} (matched its {field} \"{matched_text}\")",
                h.code()
            ));
        } else if entry.field == FIELD_INCLUSION {
            why.push(format!("inclusion term \"{matched_text}\""));
        } else {
            why.push(format!("title \"{matched_text}\""));
        }
        if let Some(sev) = code.seventh() {
            why.push(format!("7th character {}: {}", sev.character, sev.meaning));
        }
        let missing: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| s.missing & (1 << i) != 0 && !w.soft)
            .map(|(_, w)| w.typed.as_str())
            .collect();
        if !missing.is_empty() {
            why.push(format!("not matched: {}", missing.join(", ")));
        }
        let _ = node;
        SearchHit {
            code: code.dotted().to_string(),
            title: code.title(),
            billable: code.is_billable(),
            kind: code.kind(),
            score: s.score,
            field,
            matched_text,
            why,
            needs_seventh: needs_seventh_list(code),
        }
    }
}

/// Categories a coder does not pick unless the documentation says so.
///
/// ICD-10-CM Official Guidelines I.C.4.a.2: "If the type of diabetes mellitus is not
/// documented in the medical record the default is E11.-, Type 2 diabetes mellitus."
/// (trigger stem, categories set aside, stems that name another type)
const UNSTATED_TYPE: &[(&str, &[&str], &[&str])] = &[(
    "diabet",
    &["E10", "E08", "E09", "E13", "O24", "P70"],
    &[
        "1",
        "juvenil",
        "drug",
        "chemic",
        "induc",
        "underli",
        "secondari",
        "pregnanc",
        "gestat",
        "pregnant",
        "neonat",
        "newborn",
        "puerperium",
        "childbirth",
        "specifi",
        "other",
        "due",
    ],
)];

fn category_preference(code: &str, words: &[QueryWord]) -> f32 {
    for (trigger, set_aside, unless) in UNSTATED_TYPE {
        if words.iter().any(|w| w.stem == *trigger)
            && !words.iter().any(|w| unless.contains(&w.stem.as_str()))
            && set_aside.iter().any(|c| code.starts_with(c))
        {
            return 0.03;
        }
    }
    0.0
}

/// Score regained when a drill-down or a 7th character covers query words the match
/// missed: a share of the query for content words, a tie-breaker for qualifiers.
fn coverage_gain(words: &[QueryWord], covered: u32) -> f32 {
    let content = words
        .iter()
        .filter(|w| !w.soft && !w.qualifier)
        .count()
        .max(1) as f32;
    let mut gain = 0.0;
    for (i, w) in words.iter().enumerate() {
        if covered & (1 << i) != 0 {
            gain += if w.qualifier || w.soft {
                0.06
            } else {
                1.2 / content
            };
        }
    }
    gain
}

fn needs_seventh_list(code: CodeRef<'_>) -> Option<String> {
    if !code.needs_seventh() {
        return None;
    }
    let chars: String = code
        .node()
        .seventh_characters()
        .map(|s| s.character)
        .collect();
    Some(chars)
}

#[cold]
fn unreachable_node(set: &CodeSet) -> NodeRef<'_> {
    // The index was checked at load; an out-of-range node cannot occur. Answer the
    // first node rather than panic in a server.
    set.node(0).unwrap_or_else(|| unreachable_node(set))
}

/// Splits the query into words and produces the variants to search.
fn build_variants(query: &str) -> Vec<Vec<QueryWord>> {
    let mut q = format!(" {} ", query.to_lowercase());
    for (from, to) in synonyms::RAW_REWRITES {
        if q.contains(from) {
            q = q.replace(from, to);
        }
    }
    let ends_in_space = query.ends_with(' ');
    let words: Vec<String> = text::tokens(&q).collect();
    let mut variants: Vec<Vec<QueryWord>> = vec![Vec::new()];
    let mut i = 0;
    while i < words.len() {
        let last_word = i + 1 == words.len() && !ends_in_space;
        if let Some((n, meanings)) = synonyms::match_at(&words, i) {
            let typed = words[i..i + n].join(" ");
            let mut options: Vec<Vec<QueryWord>> = Vec::new();
            // Abbreviations stay an option as typed (the tabular writes some of them:
            // HIV, STEMI, [COPD]); a lay word is replaced by what it means, so "broken
            // hip" reads as a fracture, not as a broken prosthesis.
            let abbreviation =
                n == 1 && (typed.len() <= 4 || typed.bytes().any(|b| b.is_ascii_digit()));
            let mut literal = plain_words(&words[i..i + n], last_word);
            if !(abbreviation || meanings.contains(&typed.as_str())) {
                for w in &mut literal {
                    w.lay = true;
                }
            }
            options.push(literal);
            for m in meanings.iter() {
                let mut ws = plain_words(&text::tokens(m).collect::<Vec<_>>(), false);
                for w in &mut ws {
                    w.via = Some((typed.clone(), (*m).to_string()));
                    w.typed = typed.clone();
                }
                options.push(ws);
            }
            let mut next = Vec::new();
            for v in &variants {
                for o in &options {
                    if next.len() >= MAX_VARIANTS {
                        break;
                    }
                    let mut nv = v.clone();
                    nv.extend(o.iter().cloned());
                    next.push(nv);
                }
            }
            variants = next;
            i += n;
        } else {
            let ws = plain_words(&words[i..i + 1], last_word);
            for v in &mut variants {
                v.extend(ws.iter().cloned());
            }
            i += 1;
        }
    }
    for v in &mut variants {
        // Duplicate stems inside one variant count once.
        let mut seen = Vec::new();
        v.retain(|w| {
            if seen.contains(&w.stem) {
                false
            } else {
                seen.push(w.stem.clone());
                true
            }
        });
        v.truncate(MAX_WORDS);
    }
    variants.retain(|v| !v.is_empty());
    variants
}

fn plain_words(words: &[String], last: bool) -> Vec<QueryWord> {
    let n = words.len();
    words
        .iter()
        .enumerate()
        .filter(|(_, w)| !text::is_stopword(w))
        .map(|(i, w)| {
            let stem = text::stem(w);
            QueryWord {
                soft: SOFT_WORDS.contains(&w.as_str()) || SOFT_WORDS.contains(&stem.as_str()),
                qualifier: QUALIFIER_WORDS.contains(&stem.as_str()),
                lay: false,
                stem,
                typed: w.clone(),
                via: None,
                last: last && i + 1 == n,
            }
        })
        .collect()
}

/// Optimal string alignment distance (insert, delete, substitute, swap neighbours),
/// giving up past `max`.
fn osa_distance(a: &[u8], b: &[u8], max: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return max + 1;
    }
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

impl CodeSet {
    /// Search that also reads the ICD-10-CM index and tables the user imported: an index
    /// entry whose path the query names leads to its code, shown with the path ("index:
    /// Fracture, femur, neck"). Codes found both ways gain the path as a reason; codes
    /// only the index found come right after the best tabular match when the entry
    /// matched every query word, otherwise after the tabular results.
    pub fn search_with_indexes(
        &self,
        query: &str,
        opts: &SearchOptions,
        indexes: &[crate::cmindex::IndexSet],
    ) -> Vec<SearchHit> {
        let limit = if opts.limit == 0 { 10 } else { opts.limit };
        let mut hits = self.search(query, opts);
        if indexes.is_empty() || CodeKey::parse(query.trim()).is_some_and(|k| k.is_icd10cm_shape())
        {
            return hits;
        }
        let words = text::stems(query).len().max(1);
        let mut front = Vec::new();
        let mut back = Vec::new();
        for index in indexes {
            for h in index.search_entries(query, 5) {
                let full = h.matches.len() >= words;
                for ec in &h.codes {
                    let Some(c) = ec.code.key().and_then(|k| self.get(k)) else {
                        continue;
                    };
                    let code = c.dotted().to_string();
                    let reason = format!("index: {} → {}", h.path, ec.describe());
                    if let Some(existing) = hits.iter_mut().find(|x| x.code == code) {
                        if !existing.why.contains(&reason) {
                            existing.why.push(reason);
                        }
                        continue;
                    }
                    if opts.billable_only && !c.is_billable() {
                        continue;
                    }
                    if let Some(r) = &opts.range
                        && !r.contains(c.key())
                    {
                        continue;
                    }
                    if front
                        .iter()
                        .chain(back.iter())
                        .any(|x: &SearchHit| x.code == code)
                    {
                        continue;
                    }
                    let hit = SearchHit {
                        code,
                        title: c.title(),
                        billable: c.is_billable(),
                        kind: c.kind(),
                        score: h.score,
                        field: "index",
                        matched_text: h.path.clone(),
                        why: vec![reason],
                        needs_seventh: needs_seventh_list(c),
                    };
                    if full {
                        front.push(hit)
                    } else {
                        back.push(hit)
                    }
                }
            }
        }
        let at = hits.len().min(1);
        for (i, h) in front.into_iter().enumerate() {
            hits.insert(at + i, h);
        }
        hits.extend(back);
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa() {
        assert_eq!(osa_distance(b"siezur", b"seizur", 2), 1);
        assert_eq!(osa_distance(b"diabeti", b"diabet", 2), 1);
        assert_eq!(osa_distance(b"abc", b"xyz", 1), 2);
        assert_eq!(osa_distance(b"pneumonia", b"pnuemonia", 2), 1);
    }

    #[test]
    fn ranges() {
        let r = CodeRange::parse("E08-E13").unwrap();
        assert!(r.contains(CodeKey::parse("E11.9").unwrap()));
        assert!(r.contains(CodeKey::parse("E13.9").unwrap()));
        assert!(!r.contains(CodeKey::parse("E14").unwrap()));
        assert!(!r.contains(CodeKey::parse("E07.9").unwrap()));
        let r = CodeRange::parse("S72").unwrap();
        assert!(r.contains(CodeKey::parse("S72.001A").unwrap()));
        assert!(CodeRange::parse("Z99-A00").is_none());
    }

    #[test]
    fn variants_expand_abbreviations() {
        let v = build_variants("htn ckd");
        assert!(v.len() >= 2);
        assert!(
            v.iter()
                .any(|words| words.iter().any(|w| w.stem == "hypertens"))
        );
        let v = build_variants("copd w/ exacerbation");
        assert!(
            v.iter()
                .any(|words| words.iter().any(|w| w.stem == "obstruct"))
        );
    }
}
