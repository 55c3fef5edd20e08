//! One loaded version of a code set: exact lookup (no allocation), the tree,
//! inherited notes and 7th characters, and validation with reasons.

use std::path::Path;

use serde::Serialize;

use crate::code::{CodeKey, DottedCode, Icd10CmCode};
use crate::error::Result;
use crate::index::{self, CodeEntry, FLAG_BILLABLE, FLAG_MANIFESTATION, NONE, Node, Packed};
use crate::model::{NodeKind, NoteKind};
use crate::version::VersionInfo;

pub struct CodeSet {
    pub(crate) p: Packed,
    /// Built on the first search: a process that only looks codes up never pays for it.
    aux: std::sync::OnceLock<crate::search::SearchAux>,
    info: VersionInfo,
}

/// A node of the tabular tree (chapter, section, category, subcategory or code).
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    set: &'a CodeSet,
    id: u32,
}

/// A code of the code table: a tabular node, or a 7th-character expansion of one.
#[derive(Clone, Copy)]
pub struct CodeRef<'a> {
    set: &'a CodeSet,
    entry: &'a CodeEntry,
}

/// An instructional note and the node it was written at.
#[derive(Clone, Copy)]
pub struct NoteRef<'a> {
    pub kind: NoteKind,
    pub text: &'a str,
    pub source: NodeRef<'a>,
}

/// One allowed 7th character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Seventh<'a> {
    pub character: char,
    pub meaning: &'a str,
}

impl CodeSet {
    pub(crate) fn new(p: Packed, info: VersionInfo) -> Self {
        CodeSet {
            p,
            aux: std::sync::OnceLock::new(),
            info,
        }
    }

    /// Reads a prebuilt index file.
    pub fn open(path: &Path) -> Result<CodeSet> {
        let (p, info) = index::open(path)?;
        Ok(CodeSet::new(p, info))
    }

    pub(crate) fn aux(&self) -> &crate::search::SearchAux {
        self.aux
            .get_or_init(|| crate::search::SearchAux::new(&self.p))
    }

    pub fn info(&self) -> &VersionInfo {
        &self.info
    }

    /// Exact lookup of what a person typed (dot optional, any case). Never allocates.
    #[inline]
    pub fn lookup(&self, input: &str) -> Option<CodeRef<'_>> {
        self.get(CodeKey::parse(input)?)
    }

    #[inline]
    pub fn get(&self, key: CodeKey) -> Option<CodeRef<'_>> {
        let codes = &self.p.codes();
        codes
            .binary_search_by(|e| e.key.cmp(&key.0))
            .ok()
            .map(|i| CodeRef {
                set: self,
                entry: &codes[i],
            })
    }

    /// The checked, billable code, for building claims.
    pub fn billable_code(&self, input: &str) -> Option<Icd10CmCode> {
        let c = self.lookup(input)?;
        c.is_billable().then(|| Icd10CmCode::new_unchecked(c.key()))
    }

    pub fn node(&self, id: u32) -> Option<NodeRef<'_>> {
        ((id as usize) < self.p.nodes().len()).then_some(NodeRef { set: self, id })
    }

    /// Chapters in tabular order.
    pub fn chapters(&self) -> impl Iterator<Item = NodeRef<'_>> {
        self.p
            .nodes()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent == NONE)
            .map(|(i, _)| NodeRef {
                set: self,
                id: i as u32,
            })
    }

    /// All codes in code order (headers and billable, expansions included).
    pub fn codes(&self) -> impl Iterator<Item = CodeRef<'_>> {
        self.p
            .codes()
            .iter()
            .map(|entry| CodeRef { set: self, entry })
    }

    /// Every code with its full title and billable status, in code order (for diffs).
    pub fn listing(&self) -> Vec<crate::diff::Listed> {
        self.codes()
            .map(|c| crate::diff::Listed {
                code: c.dotted().to_string(),
                title: c.title(),
                billable: c.is_billable(),
            })
            .collect()
    }

    /// Codes whose key starts with `prefix`, in code order.
    pub fn codes_with_prefix(&self, prefix: CodeKey) -> impl Iterator<Item = CodeRef<'_>> {
        let start = self.p.codes().partition_point(|e| e.key < prefix.0);
        self.p.codes()[start..]
            .iter()
            .take_while(move |e| CodeKey(e.key).starts_with(&prefix))
            .map(|entry| CodeRef { set: self, entry })
    }

    pub(crate) fn code_entry_for_node(&self, id: u32) -> Option<CodeRef<'_>> {
        let node = self.p.nodes().get(id as usize)?;
        let key = CodeKey::parse(self.p.str(node.code))?;
        self.get(key)
    }

    fn sevenths(&self, def: u32) -> impl Iterator<Item = Seventh<'_>> {
        let exts = if def == NONE {
            &[][..]
        } else {
            &self.p.seven_exts()[self.p.seven_defs()[def as usize].range()]
        };
        exts.iter().map(|e| Seventh {
            character: char::from(e.ch as u8),
            meaning: self.p.str(e.text),
        })
    }
}

impl<'a> NodeRef<'a> {
    fn raw(&self) -> &'a Node {
        &self.set.p.nodes()[self.id as usize]
    }
    pub fn id(&self) -> u32 {
        self.id
    }
    /// As written in the tabular: `S72.001`, a section's range, a chapter's number.
    pub fn code(&self) -> &'a str {
        self.set.p.str(self.raw().code)
    }
    pub fn title(&self) -> &'a str {
        self.set.p.str(self.raw().title)
    }
    pub fn kind(&self) -> NodeKind {
        NodeKind::from_u8(self.raw().kind)
    }
    pub fn is_billable(&self) -> bool {
        self.raw().flags & FLAG_BILLABLE != 0
    }
    pub fn parent(&self) -> Option<NodeRef<'a>> {
        let p = self.raw().parent;
        (p != NONE).then_some(NodeRef {
            set: self.set,
            id: p,
        })
    }
    pub fn children(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let set = self.set;
        set.p.children()[self.raw().children.range()]
            .iter()
            .map(move |&id| NodeRef { set, id })
    }
    pub fn child_count(&self) -> usize {
        self.raw().children.len as usize
    }
    /// Parent, grandparent, … up to the chapter.
    pub fn ancestors(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let mut cur = self.parent();
        std::iter::from_fn(move || {
            let n = cur?;
            cur = n.parent();
            Some(n)
        })
    }
    /// Notes written at this node only.
    pub fn own_notes(self) -> impl Iterator<Item = NoteRef<'a>> + 'a {
        let me = self;
        self.set.p.notes()[self.raw().notes.range()]
            .iter()
            .map(move |r| NoteRef {
                kind: NoteKind::from_u8(r.kind as u8),
                text: me.set.p.str(r.text),
                source: me,
            })
    }
    /// Notes that apply here: this node's own, then each ancestor's, nearest first.
    /// Inclusion terms are not inherited (they describe the node that lists them).
    pub fn notes(self) -> impl Iterator<Item = NoteRef<'a>> + 'a {
        let me = self;
        std::iter::once(me)
            .chain(me.ancestors())
            .flat_map(move |n| {
                n.own_notes()
                    .filter(move |note| n.id == me.id || note.kind != NoteKind::InclusionTerm)
            })
    }
    /// The 7th characters in force at this node (its own definition or inherited).
    pub fn seventh_characters(self) -> impl Iterator<Item = Seventh<'a>> + 'a {
        let key = CodeKey::parse(self.code());
        self.set.sevenths(self.raw().eff_seven).filter(move |s| {
            key.is_none_or(|k| !crate::conventions::seventh_withdrawn(k, s.character as u8))
        })
    }
    pub(crate) fn effective_seventh_def(&self) -> u32 {
        self.raw().eff_seven
    }
    pub fn needs_seventh(&self) -> bool {
        self.raw().eff_seven != NONE && self.child_count() == 0 && !self.is_billable()
    }
    /// The node whose 7th-character definition is in force here.
    pub fn seventh_source(&self) -> Option<NodeRef<'a>> {
        let def = self.raw().eff_seven;
        if def == NONE {
            return None;
        }
        std::iter::once(*self)
            .chain(self.ancestors())
            .find(|n| n.raw().seven_def == def)
    }
    pub fn is_manifestation(&self) -> bool {
        self.raw().flags & FLAG_MANIFESTATION != 0
    }
    /// Billable codes at or below this node, 7th-character expansions included.
    pub fn billable_codes(&self) -> impl Iterator<Item = CodeRef<'a>> + 'a {
        let set = self.set;
        let prefix = CodeKey::parse(self.code());
        let id = self.id;
        let mut below: Vec<CodeRef<'a>> = Vec::new();
        if let Some(prefix) = prefix {
            below = set
                .codes_with_prefix(prefix)
                .filter(|c| c.is_billable() && c.node().is_at_or_below(id))
                .collect();
        } else {
            // A chapter or section: walk its codes.
            let mut stack = vec![*self];
            while let Some(n) = stack.pop() {
                if let Some(c) = set.code_entry_for_node(n.id) {
                    below.extend(
                        set.codes_with_prefix(c.key())
                            .filter(|c| c.is_billable() && c.node().is_at_or_below(n.id)),
                    );
                } else {
                    stack.extend(n.children());
                }
            }
        }
        below.into_iter()
    }
    fn is_at_or_below(&self, ancestor: u32) -> bool {
        self.id == ancestor || self.ancestors().any(|a| a.id == ancestor)
    }
}

impl<'a> CodeRef<'a> {
    pub fn key(&self) -> CodeKey {
        CodeKey(self.entry.key)
    }
    /// `S72.001A`, on the stack.
    pub fn dotted(&self) -> DottedCode {
        self.key().dotted()
    }
    /// The tabular node this code is (or, for an expansion, extends).
    pub fn node(&self) -> NodeRef<'a> {
        NodeRef {
            set: self.set,
            id: self.entry.node,
        }
    }
    pub fn is_billable(&self) -> bool {
        self.entry.flags & FLAG_BILLABLE != 0
    }
    pub fn is_manifestation(&self) -> bool {
        self.entry.flags & FLAG_MANIFESTATION != 0
    }
    /// The 7th character and its meaning when this code is an expansion.
    pub fn seventh(&self) -> Option<Seventh<'a>> {
        if self.entry.seventh == 0 {
            return None;
        }
        let ch = char::from(self.entry.seventh);
        self.node().seventh_characters().find(|s| s.character == ch)
    }
    /// The title's two parts: the node's title and the 7th character's meaning.
    pub fn title_parts(&self) -> (&'a str, Option<&'a str>) {
        (self.node().title(), self.seventh().map(|s| s.meaning))
    }
    /// The full title, with the 7th character's meaning after a comma.
    pub fn title(&self) -> String {
        match self.title_parts() {
            (t, Some(s)) => format!("{t}, {s}"),
            (t, None) => t.to_string(),
        }
    }
    pub fn kind(&self) -> NodeKind {
        if self.entry.seventh != 0 {
            NodeKind::Code
        } else {
            self.node().kind()
        }
    }
    pub fn needs_seventh(&self) -> bool {
        self.entry.seventh == 0 && self.node().needs_seventh()
    }
}

/// Why a code is or is not valid on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Valid and billable.
    Billable,
    /// Not shaped like a code at all.
    Malformed,
    /// No such code in the version in effect.
    Unknown,
    /// A category or subcategory: a more specific code is required.
    Header,
    /// Needs a 7th character.
    MissingSeventh,
    /// The 7th character is not one this code allows.
    InvalidSeventh,
    /// A 7th character without the placeholder X (M48.50A for M48.50XA).
    MissingPlaceholder,
    /// The code exists in another imported version, not the one in effect.
    NotInEffect,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub code: String,
    pub title: String,
    pub billable: bool,
}

/// The verdict on one input, as `rcm codes validate` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    pub input: String,
    /// The code in dotted form when the input could be read as one.
    pub code: Option<String>,
    pub valid: bool,
    pub billable: bool,
    pub reason: Reason,
    pub message: String,
    pub title: Option<String>,
    /// Nearest real codes (unknown), billable codes below (header), or corrected codes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// Billable codes below a header, counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_below: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_seventh: Vec<SeventhOwned>,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeventhOwned {
    pub character: char,
    pub meaning: String,
}

const MAX_LISTED: usize = 12;

impl CodeSet {
    fn suggestion(&self, c: CodeRef<'_>) -> Suggestion {
        Suggestion {
            code: c.dotted().to_string(),
            title: c.title(),
            billable: c.is_billable(),
        }
    }

    /// Validates one input against this version.
    pub fn validate(&self, input: &str) -> Validation {
        let mut v = Validation {
            input: input.to_string(),
            code: None,
            valid: false,
            billable: false,
            reason: Reason::Malformed,
            message: String::new(),
            title: None,
            suggestions: Vec::new(),
            billable_below: None,
            allowed_seventh: Vec::new(),
            version: self.info.id.clone(),
        };
        let Some(key) = CodeKey::parse(input).filter(CodeKey::is_icd10cm_shape) else {
            v.message = format!(
                "\"{}\" is not an ICD-10-CM code: codes are a letter, a digit, a letter or digit, then up to 4 more (E11.9, S72.001A)",
                input.trim()
            );
            return v;
        };
        v.code = Some(key.dotted().to_string());
        if let Some(c) = self.get(key) {
            v.valid = true;
            v.title = Some(c.title());
            if c.is_billable() {
                v.billable = true;
                v.reason = Reason::Billable;
                v.message = format!("{} is valid and billable", c.dotted());
                return v;
            }
            let node = c.node();
            if c.needs_seventh() {
                v.reason = Reason::MissingSeventh;
                v.allowed_seventh = owned_sevenths(node);
                let list: Vec<String> = v
                    .allowed_seventh
                    .iter()
                    .map(|s| s.character.to_string())
                    .collect();
                v.message = format!("{} needs a 7th character: {}", c.dotted(), list.join(", "));
                v.suggestions = node
                    .seventh_characters()
                    .filter_map(|s| key.with_seventh(s.character as u8))
                    .filter_map(|k| self.get(k))
                    .take(MAX_LISTED)
                    .map(|c| self.suggestion(c))
                    .collect();
                return v;
            }
            let below: Vec<CodeRef<'_>> = node.billable_codes().collect();
            v.reason = Reason::Header;
            v.billable_below = Some(below.len());
            v.message = format!(
                "{} is a {} (header), not billable: use one of the {} billable codes below it",
                c.dotted(),
                node.kind().label(),
                below.len()
            );
            v.suggestions = below
                .iter()
                .take(MAX_LISTED)
                .map(|c| self.suggestion(*c))
                .collect();
            return v;
        }
        // Not a code of this version: explain what is near.
        let bytes = key.as_bytes();
        if bytes.len() >= 4 {
            let stem = CodeKey::from_claim_form(&bytes[..bytes.len() - 1]);
            let last = bytes[bytes.len() - 1];
            if let Some(stem_code) = stem.and_then(|s| self.get(s)) {
                let node = stem_code.node();
                if node.needs_seventh() {
                    v.allowed_seventh = owned_sevenths(node);
                    let allowed = v.allowed_seventh.iter().any(|s| s.character as u8 == last);
                    if allowed && bytes.len() < 7 {
                        let fixed = stem.and_then(|s| s.with_seventh(last));
                        v.reason = Reason::MissingPlaceholder;
                        if let Some(f) = fixed.and_then(|k| self.get(k)) {
                            v.message = format!(
                                "{} is missing the placeholder X: the code is {}",
                                key.dotted(),
                                f.dotted()
                            );
                            v.suggestions = vec![self.suggestion(f)];
                        }
                        return v;
                    }
                    v.reason = Reason::InvalidSeventh;
                    let list: Vec<String> = v
                        .allowed_seventh
                        .iter()
                        .map(|s| s.character.to_string())
                        .collect();
                    v.message = format!(
                        "{} is not a valid 7th character for {}: allowed are {}",
                        char::from(last),
                        stem_code.dotted(),
                        list.join(", ")
                    );
                    return v;
                }
            }
            // Placeholder typed where none belongs, or X padding on a stem.
            if bytes.len() == 7 {
                let trimmed: Vec<u8> = bytes[..6]
                    .iter()
                    .rev()
                    .skip_while(|b| **b == b'X')
                    .copied()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if let Some(stem_code) =
                    CodeKey::from_claim_form(&trimmed).and_then(|s| self.get(s))
                    && stem_code.node().needs_seventh()
                {
                    v.reason = Reason::InvalidSeventh;
                    v.allowed_seventh = owned_sevenths(stem_code.node());
                    v.message = format!(
                        "{} is not a valid 7th character for {}",
                        char::from(bytes[6]),
                        stem_code.dotted()
                    );
                    return v;
                }
            }
        }
        v.reason = Reason::Unknown;
        v.suggestions = self
            .nearest(key, 5)
            .into_iter()
            .map(|c| self.suggestion(c))
            .collect();
        v.message = if v.suggestions.is_empty() {
            format!(
                "{} is not an ICD-10-CM code in {}",
                key.dotted(),
                self.info.label
            )
        } else {
            let near: Vec<&str> = v.suggestions.iter().map(|s| s.code.as_str()).collect();
            format!(
                "{} is not an ICD-10-CM code in {}; nearest: {}",
                key.dotted(),
                self.info.label,
                near.join(", ")
            )
        };
        v
    }

    /// Real codes nearest to a key that does not exist: the longest existing prefix
    /// and codes one or two edits away, billable first.
    pub fn nearest(&self, key: CodeKey, limit: usize) -> Vec<CodeRef<'_>> {
        let target = key.as_bytes();
        let mut scored: Vec<(usize, bool, CodeRef<'_>)> = Vec::new();
        // Codes sharing the first character are the candidates; a category holds at
        // most a few thousand, a letter about ten thousand.
        let first = CodeKey::from_claim_form(&target[..1]);
        if let Some(first) = first {
            for c in self.codes_with_prefix(first) {
                let d = edit_distance(target, c.key().as_bytes());
                if d <= 2 {
                    scored.push((d, !c.is_billable(), c));
                }
            }
        }
        scored.sort_by_key(|a| (a.0, a.1, a.2.key()));
        let mut out: Vec<CodeRef<'_>> = Vec::new();
        for n in (3..target.len()).rev() {
            if let Some(p) = CodeKey::from_claim_form(&target[..n]).and_then(|k| self.get(k)) {
                out.push(p);
                break;
            }
        }
        for (_, _, c) in scored {
            if out.len() >= limit {
                break;
            }
            if !out.iter().any(|o| o.key() == c.key()) {
                out.push(c);
            }
        }
        out
    }
}

fn owned_sevenths(node: NodeRef<'_>) -> Vec<SeventhOwned> {
    node.seventh_characters()
        .map(|s| SeventhOwned {
            character: s.character,
            meaning: s.meaning.to_string(),
        })
        .collect()
}

/// Damerau-style edit distance (adjacent transposition counts one) on short codes.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 2 {
        return 3;
    }
    let mut d = [[0usize; 9]; 9];
    for (i, row) in d.iter_mut().enumerate().take(n + 1) {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}
