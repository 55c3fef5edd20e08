//! Word search over HCPCS descriptions, ranked the way a coder reads a list.
//!
//! Words become stems with [`crate::text`] (so "wheelchairs" finds "wheelchair").
//! A description's *title* is its long description up to the first comma,
//! semicolon or parenthesis ("Wheelchair accessory" in "Wheelchair accessory, tray,
//! each"). Ranking, most important first:
//! 1. coverage: how many query words the entry matches (all words beat some);
//! 2. entries in effect (no termination date, or valid on the date asked) first;
//! 3. score: per matched word 1.0 for a whole word (same stem), 0.6 for a word the
//!    query only begins (prefix), +0.5 when it is in the title, +0.2 when also in
//!    the short description; plus a focus bonus, the share of the description's
//!    words that the query matched (so "Standard wheelchair" ranks above a long
//!    description that mentions a wheelchair in passing);
//! 4. procedures before modifiers, then code order.
//!
//! The last query word (the one being typed) and any word that matches nothing
//! whole also match the index words it begins ("wheelch" → "wheelchair").
//! A query shaped like a code ("K0001", "K00", "LT") also finds codes by prefix.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::{HcpcsCode, Modifier};
use crate::text;

const IN_TITLE: u8 = 1;
const IN_BODY: u8 = 2;
const IN_SHORT: u8 = 4;

/// At most this many index words are taken for a prefix query word.
const MAX_PREFIX_EXPANSION: usize = 64;

/// Whether a hit is a procedure code or a modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    Procedure,
    Modifier,
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    entry: u32,
    places: u8,
}

#[derive(Debug, Clone, Copy)]
struct EntryInfo {
    kind: EntryKind,
    index: u32,
    words: u16,
}

/// The inverted index, rebuilt whenever a set is built or loaded.
#[derive(Debug, Default)]
pub struct SearchIndex {
    postings: BTreeMap<String, Vec<Posting>>,
    entries: Vec<EntryInfo>,
}

fn title_of(long: &str) -> &str {
    long.split([',', ';', '(']).next().unwrap_or(long)
}

impl SearchIndex {
    pub fn build(codes: &[HcpcsCode], modifiers: &[Modifier]) -> SearchIndex {
        let mut idx = SearchIndex::default();
        let all = codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    EntryKind::Procedure,
                    i,
                    c.long_description.as_str(),
                    c.short_description.as_str(),
                )
            })
            .chain(modifiers.iter().enumerate().map(|(i, m)| {
                (
                    EntryKind::Modifier,
                    i,
                    m.long_description.as_str(),
                    m.short_description.as_str(),
                )
            }));
        for (kind, index, long, short) in all {
            let entry = idx.entries.len() as u32;
            let mut places: HashMap<String, u8> = HashMap::new();
            let title_stems = text::stems(title_of(long));
            let body_stems = text::stems(long);
            let words = body_stems.len().min(u16::MAX as usize) as u16;
            for s in title_stems {
                *places.entry(s).or_default() |= IN_TITLE;
            }
            for s in body_stems {
                *places.entry(s).or_default() |= IN_BODY;
            }
            for s in text::stems(short) {
                *places.entry(s).or_default() |= IN_SHORT;
            }
            for (stem, p) in places {
                idx.postings
                    .entry(stem)
                    .or_default()
                    .push(Posting { entry, places: p });
            }
            idx.entries.push(EntryInfo {
                kind,
                index: index as u32,
                words: words.max(1),
            });
        }
        idx
    }
}

/// How one query word matched an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TermMatch {
    /// The word as typed (lower case).
    pub query_word: String,
    /// The indexed word (stem) it matched.
    pub matched: String,
    /// Same stem (true) or the query word only began it (false).
    pub whole_word: bool,
    pub in_title: bool,
    pub in_short_description: bool,
}

/// One search result, with the reasons for its rank.
#[derive(Debug, Clone)]
pub struct HcpcsHit<'a> {
    pub code: &'a str,
    pub kind: EntryKind,
    pub long_description: &'a str,
    pub short_description: &'a str,
    pub terminated: Option<Date>,
    pub score: f32,
    /// Query words (stopwords removed) and how each matched; words that did not
    /// match are absent.
    pub matched: Vec<TermMatch>,
    pub query_words: usize,
    /// The code itself began with the query (a code-shaped query).
    pub code_prefix: bool,
}

impl HcpcsHit<'_> {
    /// "matched 1 of 1 words: "wheelchair" in title (whole word)"
    pub fn why(&self) -> String {
        let mut parts = Vec::new();
        if self.code_prefix {
            parts.push("code begins with the query".to_string());
        }
        if !self.matched.is_empty() {
            let words = self
                .matched
                .iter()
                .map(|m| {
                    let place = if m.in_title {
                        "in title"
                    } else {
                        "in description"
                    };
                    let how = if m.whole_word {
                        "whole word".to_string()
                    } else {
                        format!("begins \"{}\"", m.matched)
                    };
                    format!("\"{}\" {place} ({how})", m.query_word)
                })
                .collect::<Vec<_>>()
                .join(", ");
            parts.push(format!(
                "matched {} of {} words: {words}",
                self.matched.len(),
                self.query_words
            ));
        }
        if let Some(t) = self.terminated {
            parts.push(format!("terminated {t}"));
        }
        parts.join("; ")
    }
}

struct Acc {
    matched: Vec<TermMatch>,
    score: f32,
    code_prefix: bool,
}

/// Runs a query. `on`: rank codes valid on that date first (else codes without a
/// termination date first).
pub fn search<'a>(
    idx: &SearchIndex,
    codes: &'a [HcpcsCode],
    modifiers: &'a [Modifier],
    query: &str,
    limit: usize,
    on: Option<Date>,
) -> Vec<HcpcsHit<'a>> {
    if limit == 0 {
        return Vec::new();
    }
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    let mut words: Vec<(String, String)> = Vec::new();
    for t in text::tokens(query) {
        if text::is_stopword(&t) || words.iter().any(|(w, _)| *w == t) {
            continue;
        }
        let s = text::stem(&t);
        words.push((t, s));
    }

    // A code-shaped query: codes and modifiers that begin with it.
    let q = query.trim().to_ascii_uppercase();
    let code_like = !q.is_empty()
        && q.len() <= 5
        && q.bytes().all(|b| b.is_ascii_alphanumeric())
        && q.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && (q.len() <= 2 || q.bytes().skip(1).all(|b| b.is_ascii_digit()));
    if code_like {
        for (i, e) in idx.entries.iter().enumerate() {
            let code = match e.kind {
                EntryKind::Procedure => codes.get(e.index as usize).map(|c| c.code.as_str()),
                EntryKind::Modifier => modifiers.get(e.index as usize).map(|m| m.code.as_str()),
            };
            if code.is_some_and(|c| c.starts_with(&q)) {
                let a = acc.entry(i as u32).or_insert_with(|| Acc {
                    matched: Vec::new(),
                    score: 0.0,
                    code_prefix: true,
                });
                a.code_prefix = true;
                // An exact code outranks any description match.
                a.score += if code == Some(q.as_str()) {
                    100.0
                } else {
                    50.0
                };
            }
        }
    }

    let last = words.len().saturating_sub(1);
    for (n, (word, stem)) in words.iter().enumerate() {
        let mut hits: Vec<(&String, &Vec<Posting>, bool)> = Vec::new();
        let exact = idx.postings.get_key_value(stem);
        if let Some((k, p)) = exact {
            hits.push((k, p, true));
        }
        // The word being typed (the last), or one that matches nothing whole, also
        // matches the words it begins: "wheelch" finds "wheelchair".
        if (exact.is_none() || n == last) && word.chars().count() >= 3 {
            for (k, p) in idx
                .postings
                .range::<str, _>((
                    std::ops::Bound::Included(word.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(k, _)| k.starts_with(word.as_str()))
                .take(MAX_PREFIX_EXPANSION)
            {
                if exact.is_none_or(|(e, _)| e != k) {
                    hits.push((k, p, false));
                }
            }
        }
        for (key, postings, whole) in hits {
            for p in postings {
                let a = acc.entry(p.entry).or_insert_with(|| Acc {
                    matched: Vec::new(),
                    score: 0.0,
                    code_prefix: false,
                });
                if a.matched.iter().any(|m| m.query_word == *word) {
                    continue; // one prefix expansion per query word is enough
                }
                let in_title = p.places & IN_TITLE != 0;
                let in_short = p.places & IN_SHORT != 0;
                let mut s = if whole { 1.0 } else { 0.6 };
                if in_title {
                    s += 0.5;
                }
                if in_short {
                    s += 0.2;
                }
                a.score += s;
                a.matched.push(TermMatch {
                    query_word: word.clone(),
                    matched: key.clone(),
                    whole_word: whole,
                    in_title,
                    in_short_description: in_short,
                });
            }
        }
    }

    let mut ranked: Vec<(u32, Acc, bool, f32)> = acc
        .into_iter()
        .filter_map(|(entry, a)| {
            let info = idx.entries.get(entry as usize)?;
            let (added, terminated) = match info.kind {
                EntryKind::Procedure => codes
                    .get(info.index as usize)
                    .map(|c| (c.added, c.terminated))?,
                EntryKind::Modifier => modifiers
                    .get(info.index as usize)
                    .map(|m| (m.added, m.terminated))?,
            };
            let active = match on {
                Some(d) => added <= d && terminated.is_none_or(|t| d <= t),
                None => terminated.is_none(),
            };
            let focus = a.matched.len() as f32 / f32::from(info.words);
            let total = a.score + focus;
            Some((entry, a, active, total))
        })
        .collect();
    ranked.sort_by(|x, y| {
        let coverage = |a: &Acc| a.matched.len() + usize::from(a.code_prefix) * words.len().max(1);
        coverage(&y.1)
            .cmp(&coverage(&x.1))
            .then(y.2.cmp(&x.2))
            .then(y.3.total_cmp(&x.3))
            .then(x.0.cmp(&y.0))
    });
    ranked
        .into_iter()
        .take(limit)
        .filter_map(|(entry, a, _, total)| {
            let info = idx.entries.get(entry as usize)?;
            let (code, long, short, terminated) = match info.kind {
                EntryKind::Procedure => codes.get(info.index as usize).map(|c| {
                    (
                        c.code.as_str(),
                        c.long_description.as_str(),
                        c.short_description.as_str(),
                        c.terminated,
                    )
                })?,
                EntryKind::Modifier => modifiers.get(info.index as usize).map(|m| {
                    (
                        m.code.as_str(),
                        m.long_description.as_str(),
                        m.short_description.as_str(),
                        m.terminated,
                    )
                })?,
            };
            Some(HcpcsHit {
                code,
                kind: info.kind,
                long_description: long,
                short_description: short,
                terminated,
                score: total,
                matched: a.matched,
                query_words: words.len(),
                code_prefix: a.code_prefix,
            })
        })
        .collect()
}
