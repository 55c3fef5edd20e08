//! Search over ICD-10-PCS: a procedure described in words ("laparoscopic
//! appendectomy") to codes (0DTJ4ZZ) or, when the words do not decide every axis, to a
//! prefix with the values left to choose.
//!
//! How it works:
//! 1. The query's stems (see [`crate::text`]) are expanded with what they mean in PCS
//!    vocabulary: the small table [`VOCABULARY`] of words coders use (laparoscopic →
//!    approach Percutaneous Endoscopic; appendectomy → Resection of Appendix), the
//!    index's `use` and `see` instructions ("Vermiform appendix" → use Appendix), and
//!    the definitions file's `includes` ("liver biopsy" is an Excision; "Hallux" is
//!    the 1st Toe).
//! 2. Candidates come from the index (terms whose path the query matches, with their
//!    code, partial code or table) and from the tables (a root operation the query
//!    names, with a body part it names).
//! 3. Each candidate is completed axis by axis: at each position the value whose label
//!    the query matches best is taken; when the row allows one value only (Z No Device,
//!    Z No Qualifier) it is taken; otherwise the hit stops there with the options.
//! 4. Hits are ranked by how much of the query the code explains, then by whether the
//!    code is complete, whether the vocabulary's operation and body part agree, and how
//!    well the index term matched. Each hit says why it matched.

use std::collections::HashMap;

use super::{NONE, PcsSet, Str};
use crate::text;

/// Words coders write and the PCS values they mean: (word, root operation, body
/// part, approach, other axis words). Empty strings mean "nothing for this axis".
/// Words are matched by stem, so plurals and -ic/-y forms need no entries.
pub const VOCABULARY: &[(&str, &str, &str, &str, &str)] = &[
    // approaches
    ("laparoscopic", "", "", "Percutaneous Endoscopic", ""),
    ("lap", "", "", "Percutaneous Endoscopic", ""),
    ("thoracoscopic", "", "", "Percutaneous Endoscopic", ""),
    ("arthroscopic", "", "", "Percutaneous Endoscopic", ""),
    ("endoscopic", "", "", "Endoscopic", ""),
    ("robotic", "", "", "Percutaneous Endoscopic", ""),
    (
        "transurethral",
        "",
        "",
        "Via Natural or Artificial Opening",
        "",
    ),
    (
        "transvaginal",
        "",
        "",
        "Via Natural or Artificial Opening",
        "",
    ),
    ("needle", "", "", "Percutaneous", ""),
    // resections (the whole body part)
    ("appendectomy", "Resection", "Appendix", "", ""),
    ("appy", "Resection", "Appendix", "", ""),
    ("cholecystectomy", "Resection", "Gallbladder", "", ""),
    ("chole", "Resection", "Gallbladder", "", ""),
    ("splenectomy", "Resection", "Spleen", "", ""),
    ("hysterectomy", "Resection", "Uterus", "", ""),
    ("tonsillectomy", "Resection", "Tonsils", "", ""),
    ("adenoidectomy", "Resection", "Adenoids", "", ""),
    ("thyroidectomy", "Resection", "Thyroid Gland", "", ""),
    ("nephrectomy", "Resection", "Kidney", "", ""),
    ("prostatectomy", "Resection", "Prostate", "", ""),
    ("gastrectomy", "Resection", "Stomach", "", ""),
    ("colectomy", "Resection", "Colon", "", ""),
    ("mastectomy", "Resection", "Breast", "", ""),
    ("oophorectomy", "Resection", "Ovary", "", ""),
    ("salpingectomy", "Resection", "Fallopian Tube", "", ""),
    ("pneumonectomy", "Resection", "Lung", "", ""),
    ("lobectomy", "Resection", "Lobe", "", ""),
    ("cystectomy", "Resection", "Bladder", "", ""),
    ("laryngectomy", "Resection", "Larynx", "", ""),
    ("pancreatectomy", "Resection", "Pancreas", "", ""),
    ("orchiectomy", "Resection", "Testis", "", ""),
    // other root operations
    ("biopsy", "Excision", "", "", "Diagnostic"),
    ("removal", "Removal", "", "", ""),
    ("amputation", "Detachment", "", "", ""),
    ("incision", "Drainage", "", "", ""),
    ("arthroplasty", "Replacement", "", "", ""),
    ("angioplasty", "Dilation", "", "", ""),
    ("stent", "Dilation", "", "", "Intraluminal Device"),
    ("cabg", "Bypass", "Coronary Artery", "", ""),
    ("ligation", "Occlusion", "", "", ""),
    ("debridement", "Excision", "", "", ""),
    ("lysis", "Release", "", "", ""),
    ("adhesiolysis", "Release", "", "", ""),
    ("suture", "Repair", "", "", ""),
    ("herniorrhaphy", "Repair", "", "", ""),
    ("fusion", "Fusion", "", "", ""),
    ("transplant", "Transplantation", "", "", ""),
    (
        "colonoscopy",
        "Inspection",
        "Lower Intestinal Tract",
        "Via Natural or Artificial Opening Endoscopic",
        "",
    ),
    (
        "egd",
        "Inspection",
        "Upper Intestinal Tract",
        "Via Natural or Artificial Opening Endoscopic",
        "",
    ),
    (
        "cystoscopy",
        "Inspection",
        "Bladder",
        "Via Natural or Artificial Opening Endoscopic",
        "",
    ),
    (
        "bronchoscopy",
        "Inspection",
        "Tracheobronchial Tree",
        "Via Natural or Artificial Opening Endoscopic",
        "",
    ),
    ("cesarean", "Extraction", "Products of Conception", "", ""),
    ("delivery", "Delivery", "Products of Conception", "", ""),
    ("mri", "Magnetic Resonance Imaging (MRI)", "", "", ""),
    ("ct", "Computerized Tomography (CT Scan)", "", "", ""),
    ("xray", "Plain Radiography", "", "", ""),
    ("radiograph", "Plain Radiography", "", "", ""),
    ("ultrasound", "Ultrasonography", "", "", ""),
    ("transfusion", "Transfusion", "", "", ""),
    ("dialysis", "Performance", "Urinary", "", ""),
    // body parts in everyday words
    ("knee", "", "Knee Joint", "", ""),
    ("hip", "", "Hip Joint", "", ""),
    ("shoulder", "", "Shoulder Joint", "", ""),
    ("gallbladder", "", "Gallbladder", "", ""),
    ("womb", "", "Uterus", "", ""),
    ("total", "", "", "", "Synthetic Substitute"),
];

/// The next choice of a partial hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsNext {
    /// The position to choose (4-7, or 1-3 for a bare section or body system).
    pub position: u8,
    /// Its axis title ("Approach", "Qualifier", ...).
    pub axis: String,
    /// The values allowed there after the hit's prefix.
    pub options: Vec<(char, String)>,
}

/// A search result: a complete code, or a prefix and the choice left.
#[derive(Debug, Clone, PartialEq)]
pub struct PcsHit {
    /// 7 characters when `complete`, otherwise the prefix the query determined.
    pub code: String,
    pub complete: bool,
    /// "Resection of Appendix, Percutaneous Endoscopic Approach" for a complete code;
    /// for a prefix the labels so far ("Excision › Appendix › Percutaneous Endoscopic").
    pub description: String,
    pub score: f32,
    /// Why it matched: the index term used, what each query word was taken to mean,
    /// the values taken because the row allows nothing else.
    pub why: Vec<String>,
    /// For a prefix: the position still to choose and its options.
    pub next: Option<PcsNext>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Operation,
    BodyPart,
    Approach,
    Other,
}

/// What some query words mean in PCS words.
#[derive(Debug)]
struct Expansion {
    /// Stems that must all be in the query.
    when: Vec<u32>,
    /// Stems of the PCS value they mean.
    adds: Vec<u32>,
    role: Role,
    /// For "why": where the meaning comes from.
    source: String,
}

/// Stems of everything search needs, built on the first search.
#[derive(Debug, Default)]
pub(crate) struct SearchData {
    stem_ids: HashMap<String, u32>,
    /// Stems of each string id (labels and index titles; empty for others).
    string_stems: Vec<Vec<u32>>,
    /// Stems of the path of each index term (its ancestors' titles and its own).
    index_paths: Vec<Vec<u32>>,
    expansions: Vec<Expansion>,
}

impl SearchData {
    fn build(set: &PcsSet) -> SearchData {
        let mut d = SearchData {
            string_stems: vec![Vec::new(); set.strings.spans.len()],
            ..SearchData::default()
        };
        let mut labels: Vec<Str> = Vec::new();
        for t in &set.tables {
            labels.extend_from_slice(&t.label);
        }
        labels.extend(set.values.iter().map(|v| v.label));
        labels.extend(set.index.iter().map(|t| t.title));
        for id in labels {
            if id != NONE
                && d.string_stems
                    .get(id as usize)
                    .is_some_and(|s| s.is_empty())
            {
                let stems = d.stems_of(set.strings.get(id));
                if let Some(slot) = d.string_stems.get_mut(id as usize) {
                    *slot = stems;
                }
            }
        }
        // index paths: parents come before children
        d.index_paths = Vec::with_capacity(set.index.len());
        for t in &set.index {
            let mut path = set
                .index
                .get(t.parent as usize)
                .and_then(|_| d.index_paths.get(t.parent as usize))
                .cloned()
                .unwrap_or_default();
            if t.title != NONE
                && let Some(own) = d.string_stems.get(t.title as usize)
            {
                for &s in own {
                    if !path.contains(&s) {
                        path.push(s);
                    }
                }
            }
            d.index_paths.push(path);
        }
        d.build_expansions(set);
        d
    }

    fn id(&mut self, stem: &str) -> u32 {
        let next = self.stem_ids.len() as u32;
        *self.stem_ids.entry(stem.to_string()).or_insert(next)
    }

    fn stems_of(&mut self, s: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for stem in text::stems(s) {
            let id = self.id(&stem);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    fn build_expansions(&mut self, set: &PcsSet) {
        for &(word, op, part, approach, other) in VOCABULARY {
            let when = self.stems_of(word);
            for (role, value) in [
                (Role::Operation, op),
                (Role::BodyPart, part),
                (Role::Approach, approach),
                (Role::Other, other),
            ] {
                if !value.is_empty() {
                    let adds = self.stems_of(value);
                    self.expansions.push(Expansion {
                        when: when.clone(),
                        adds,
                        role,
                        source: format!("'{word}' means {value}"),
                    });
                }
            }
        }
        // the index's instructions for terms that have no code of their own
        for (i, t) in set.index.iter().enumerate() {
            let target = if t.use_ != NONE {
                t.use_
            } else if t.see != NONE && t.code == NONE {
                t.see
            } else {
                continue;
            };
            let Some(when) = self.index_paths.get(i).cloned() else {
                continue;
            };
            if when.is_empty() {
                continue;
            }
            let text = set.strings.get(target);
            let adds = self.stems_of(text);
            let verb = if t.use_ != NONE { "use" } else { "see" };
            let entry = set.index_entry(i);
            self.expansions.push(Expansion {
                when,
                adds,
                role: Role::Other,
                source: format!("index: {} → {verb} {text}", entry.path.join(", ")),
            });
        }
        // definitions: what each value includes
        for d in &set.definitions {
            let titles: Vec<Vec<u32>> = d
                .titles
                .iter()
                .map(|&t| self.stems_of(set.strings.get(t)))
                .collect();
            let Some(first) = titles.first() else {
                continue;
            };
            let common: Vec<u32> = first
                .iter()
                .copied()
                .filter(|s| titles.iter().all(|t| t.contains(s)))
                .collect();
            if common.is_empty() {
                continue;
            }
            let role = match d.position {
                3 => Role::Operation,
                4 => Role::BodyPart,
                5 => Role::Approach,
                _ => Role::Other,
            };
            let title = set.strings.get(d.titles[0]);
            for &inc in &d.includes {
                for example in set.strings.get(inc).split(", ") {
                    let when = self.stems_of(example);
                    if when.is_empty() {
                        continue;
                    }
                    self.expansions.push(Expansion {
                        when,
                        adds: common.clone(),
                        role,
                        source: format!("definitions: {title} includes {example}"),
                    });
                }
            }
        }
    }
}

/// The query after expansion.
struct Query {
    /// Stems of the query's own words.
    words: Vec<u32>,
    /// The words and everything they were expanded to.
    all: Vec<u32>,
    /// Expansions that apply (indexes into `SearchData::expansions`).
    applied: Vec<usize>,
}

/// A candidate before completion.
struct Candidate {
    prefix: Vec<u8>,
    /// How well the index term matched (0 for candidates from the tables).
    index_precision: f32,
    index_path: Vec<u32>,
    why: Vec<String>,
}

pub(crate) fn search(set: &PcsSet, query: &str, limit: usize) -> Vec<PcsHit> {
    let data = set.search.get_or_init(|| SearchData::build(set));
    let mut q = Query {
        words: Vec::new(),
        all: Vec::new(),
        applied: Vec::new(),
    };
    let mut unknown = u32::MAX;
    for stem in text::stems(query) {
        let id = data.stem_ids.get(&stem).copied().unwrap_or_else(|| {
            unknown -= 1;
            unknown
        });
        if !q.words.contains(&id) {
            q.words.push(id);
        }
    }
    if q.words.is_empty() || limit == 0 {
        return Vec::new();
    }
    // a code typed as a query
    let typed = query.trim();
    if typed.len() == 7 && set.is_valid(typed) {
        return set
            .explain(typed)
            .map(|e| PcsHit {
                code: e.code.clone(),
                complete: true,
                description: e.description,
                score: 100.0,
                why: vec!["the query is this code".to_string()],
                next: None,
            })
            .into_iter()
            .collect();
    }
    q.all = q.words.clone();
    for (i, e) in data.expansions.iter().enumerate() {
        if e.when.iter().all(|s| q.words.contains(s)) {
            q.applied.push(i);
            for &s in &e.adds {
                if !q.all.contains(&s) {
                    q.all.push(s);
                }
            }
        }
    }

    let mut candidates = index_candidates(set, data, &q);
    candidates.extend(table_candidates(set, data, &q));

    let mut hits: Vec<PcsHit> = Vec::new();
    for c in candidates {
        let known = if c.prefix.len() >= 7 {
            set.is_valid(&String::from_utf8_lossy(&c.prefix))
        } else {
            !set.options_bytes(&c.prefix).is_empty()
        };
        if !known {
            continue;
        }
        let hit = complete(set, data, &q, c);
        match hits.iter_mut().find(|h| h.code == hit.code) {
            Some(h) => {
                if hit.score > h.score {
                    *h = hit;
                }
            }
            None => hits.push(hit),
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.code.len().cmp(&a.code.len()))
            .then_with(|| a.code.cmp(&b.code))
    });
    hits.truncate(limit);
    hits
}

/// Index terms whose path the query matches, best first (at most 60).
fn index_candidates(set: &PcsSet, data: &SearchData, q: &Query) -> Vec<Candidate> {
    let mut scored: Vec<(f32, usize, usize)> = Vec::new();
    for (i, t) in set.index.iter().enumerate() {
        if t.code == NONE {
            continue;
        }
        let Some(path) = data.index_paths.get(i) else {
            continue;
        };
        if path.is_empty() {
            continue;
        }
        let matched = path.iter().filter(|s| q.all.contains(s)).count();
        let own = path.iter().filter(|s| q.words.contains(s)).count();
        if matched == 0 || own == 0 {
            continue;
        }
        let precision = matched as f32 / path.len() as f32;
        if precision < 0.5 {
            continue;
        }
        scored.push((precision, matched, i));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.truncate(60);
    scored
        .into_iter()
        .map(|(precision, _, i)| {
            let e = set.index_entry(i);
            let code = e.code.unwrap_or_default();
            let mut why = format!("index: {}", e.path.join(", "));
            if let Some(see) = e.see {
                why.push_str(&format!(" → see {see}"));
            }
            if let Some(u) = e.use_value {
                why.push_str(&format!(" → use {u}"));
            }
            why.push_str(&format!(" ({code})"));
            Candidate {
                prefix: code.as_bytes().to_vec(),
                index_precision: precision,
                index_path: data.index_paths.get(i).cloned().unwrap_or_default(),
                why: vec![why],
            }
        })
        .collect()
}

/// Tables whose root operation the query names, with each body part it names.
fn table_candidates(set: &PcsSet, data: &SearchData, q: &Query) -> Vec<Candidate> {
    let mut out = Vec::new();
    for t in &set.tables {
        let op = stems(data, t.label[2]);
        if op.is_empty() || !op.iter().all(|s| q.all.contains(s)) {
            continue;
        }
        let mut parts: Vec<(f32, u8)> = Vec::new();
        for (ch, _) in set.options_bytes(&t.code) {
            let score = label_score(data, set, &t.code, ch, q);
            if score > 0.0 {
                parts.push((score, ch));
            }
        }
        let best = parts.iter().map(|p| p.0).fold(0.0f32, f32::max);
        for (score, ch) in parts {
            if score >= best {
                let mut prefix = t.code.to_vec();
                prefix.push(ch);
                out.push(Candidate {
                    prefix,
                    index_precision: 0.0,
                    index_path: Vec::new(),
                    why: vec![format!(
                        "tables: {} names {}",
                        String::from_utf8_lossy(&t.code),
                        set.strings.get(t.label[2])
                    )],
                });
            }
        }
    }
    out
}

fn stems(data: &SearchData, id: Str) -> &[u32] {
    data.string_stems
        .get(id as usize)
        .map_or(&[], |v| v.as_slice())
}

/// How well the label of value `ch` after `prefix` matches the query: label stems
/// found, less half of those not found.
fn label_score(data: &SearchData, set: &PcsSet, prefix: &[u8], ch: u8, q: &Query) -> f32 {
    let Some(label) = value_label(set, prefix, ch) else {
        return 0.0;
    };
    let s = stems(data, label);
    if s.is_empty() {
        return 0.0;
    }
    let found = s.iter().filter(|x| q.all.contains(x)).count() as f32;
    if found == 0.0 {
        return 0.0;
    }
    found - 0.5 * (s.len() as f32 - found)
}

/// The label id of `ch` at the position after `prefix`.
fn value_label(set: &PcsSet, prefix: &[u8], ch: u8) -> Option<Str> {
    let len = prefix.len();
    if len < 3 {
        return set
            .tables
            .iter()
            .find(|t| t.code[..len] == *prefix && t.code[len] == ch)
            .map(|t| t.label[len]);
    }
    let t = set.table(prefix)?;
    set.rows_of(t)
        .iter()
        .filter(|r| r.allows(&prefix[3..]))
        .find_map(|r| {
            set.values_of(&r.axes[len - 3])
                .iter()
                .find(|v| v.ch == ch)
                .map(|v| v.label)
        })
}

/// Completes a candidate axis by axis and scores it.
fn complete(set: &PcsSet, data: &SearchData, q: &Query, c: Candidate) -> PcsHit {
    let mut code = c.prefix;
    let mut why = c.why;
    let mut chosen_by_query = 0usize;
    let mut next = None;
    while code.len() < 7 {
        let options = set.options_bytes(&code);
        if options.is_empty() {
            break;
        }
        let position = code.len() as u8 + 1;
        let axis = set
            .next_axis_title(&String::from_utf8_lossy(&code))
            .unwrap_or("")
            .to_string();
        if let [(ch, label)] = options.as_slice() {
            if code.len() >= 3 {
                why.push(format!(
                    "{axis}: {} {label} (the only value allowed)",
                    char::from(*ch)
                ));
            }
            code.push(*ch);
            continue;
        }
        let mut best: Option<(f32, u8, bool)> = None;
        for &(ch, _) in &options {
            let s = label_score(data, set, &code, ch, q);
            if s <= 0.0 {
                continue;
            }
            best = match best {
                Some((b, _, _)) if s < b => best,
                Some((b, bc, _)) if s == b => Some((b, bc, true)),
                _ => Some((s, ch, false)),
            };
        }
        match best {
            Some((_, ch, false)) => {
                let label = options.iter().find(|o| o.0 == ch).map_or("", |o| o.1);
                why.push(format!(
                    "{axis}: {} {label} (named by the query)",
                    char::from(ch)
                ));
                chosen_by_query += 1;
                code.push(ch);
            }
            _ => {
                next = Some(PcsNext {
                    position,
                    axis,
                    options: super::owned(options),
                });
                break;
            }
        }
    }
    let complete = code.len() == 7 && next.is_none();
    let code_str = String::from_utf8_lossy(&code).into_owned();

    // the stems of the labels the code has so far
    let mut labels: Vec<u32> = Vec::new();
    for p in 1..code.len() {
        if let Some(l) = value_label(set, &code[..p], code[p]) {
            labels.extend_from_slice(stems(data, l));
        }
    }
    let explained = q
        .words
        .iter()
        .filter(|w| {
            labels.contains(w)
                || c.index_path.contains(w)
                || q.applied.iter().any(|&i| {
                    data.expansions.get(i).is_some_and(|e| {
                        e.when.contains(w) && e.adds.iter().all(|s| labels.contains(s))
                    })
                })
        })
        .count();
    let coverage = explained as f32 / q.words.len() as f32;
    let mut agree = 0.0f32;
    for &i in &q.applied {
        if let Some(e) = data.expansions.get(i)
            && !e.adds.is_empty()
            && e.adds.iter().all(|s| labels.contains(s))
        {
            agree += match e.role {
                Role::Operation | Role::BodyPart => 0.5,
                Role::Approach | Role::Other => 0.25,
            };
            if why.len() < 12 && !why.contains(&e.source) {
                why.push(e.source.clone());
            }
        }
    }
    let score = 10.0 * coverage
        + if complete { 1.0 } else { 0.0 }
        + agree
        + c.index_precision
        + 0.2 * chosen_by_query as f32
        + 0.05 * code.len() as f32;
    let description = if complete {
        set.describe(&code_str).unwrap_or_default()
    } else {
        (3..=code.len())
            .filter_map(|p| value_label(set, &code[..p - 1], code[p - 1]))
            .map(|l| set.strings.get(l))
            .collect::<Vec<_>>()
            .join(" › ")
    };
    PcsHit {
        code: code_str,
        complete,
        description,
        score,
        why,
        next,
    }
}
