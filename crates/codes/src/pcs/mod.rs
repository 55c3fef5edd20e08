//! # ICD-10-PCS: the inpatient procedure code set
//!
//! Owns everything about ICD-10-PCS: reading the CMS files (the tables XML
//! `ICD10PCS.tabular`, and when given the definitions XML `ICD10PCS.definitions` and
//! the index XML `ICD10PCS.index`), the [`PcsSet`] model, and its queries:
//!
//! - validation ([`PcsSet::validate`]): a 7-character code is valid exactly when its
//!   first three characters name a table and one row of that table allows characters
//!   4 to 7; an invalid code is answered with the first position that fails and the
//!   values allowed there;
//! - explanation ([`PcsSet::explain`]): the seven axes with their titles and labels,
//!   the root operation's definition and the definitions file's terms;
//! - the axis-by-axis builder ([`PcsSet::options`]): the values allowed after a
//!   prefix, honouring row constraints;
//! - search ([`PcsSet::search`]) over the index, the definitions and the table labels;
//! - persistence ([`PcsSet::to_bytes`], [`PcsSet::from_bytes`]).
//!
//! Axis titles are the file's own: section 0 (Medical and Surgical) says Section, Body
//! System, Operation, Body Part, Approach, Device, Qualifier; other sections use
//! their own words (Type, Modality, Body Region, Contrast, Substance, ...).

mod definitions;
mod index;
mod search;
mod store;
mod tables;
mod xml;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use bytemuck::{Pod, Zeroable};

use crate::error::{CodesError, Result};

pub use search::{PcsHit, PcsNext};

/// The seven axes of section 0 (Medical and Surgical), the usual names of positions 1-7.
pub const AXIS_NAMES: [&str; 7] = [
    "Section",
    "Body System",
    "Root Operation",
    "Body Part",
    "Approach",
    "Device",
    "Qualifier",
];

/// An interned string's id; [`NONE`] when absent.
type Str = u32;
const NONE: Str = u32::MAX;

/// Whether `b` is a character PCS uses: digits and capital letters other than I and O.
pub fn is_pcs_char(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z')
}

/// The bit of a character in an axis value mask (0-9 then A-Z); 0 for anything else.
fn bit(b: u8) -> u64 {
    match b {
        b'0'..=b'9' => 1 << (b - b'0'),
        b'A'..=b'Z' => 1 << (b - b'A' + 10),
        _ => 0,
    }
}

/// The character of bit `i` of a mask.
fn char_of_bit(i: u32) -> u8 {
    if i < 10 {
        b'0' + i as u8
    } else {
        b'A' + (i - 10) as u8
    }
}

/// All strings of a set in one buffer; ids are indexes into `spans`.
#[derive(Debug, Default, Clone)]
struct Strings {
    text: String,
    spans: Vec<[u32; 2]>,
    map: HashMap<String, Str>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> Str {
        if self.map.len() != self.spans.len() {
            // loaded from bytes: the map is rebuilt on the first new string
            self.map = self
                .spans
                .iter()
                .enumerate()
                .filter_map(|(i, &[a, b])| {
                    self.text
                        .get(a as usize..b as usize)
                        .map(|t| (t.to_string(), i as Str))
                })
                .collect();
        }
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let a = self.text.len() as u32;
        self.text.push_str(s);
        let id = self.spans.len() as Str;
        self.spans.push([a, self.text.len() as u32]);
        self.map.insert(s.to_string(), id);
        id
    }

    fn get(&self, id: Str) -> &str {
        self.spans
            .get(id as usize)
            .and_then(|&[a, b]| self.text.get(a as usize..b as usize))
            .unwrap_or("")
    }

    fn opt(&self, id: Str) -> Option<&str> {
        if id == NONE { None } else { Some(self.get(id)) }
    }
}

/// A table: the first three characters and their labels, and its rows. The stored
/// records ([`Table`], [`Row`], [`Value`], [`IndexTerm`]) are plain little-endian
/// data, stored and loaded as they are.
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
#[repr(C)]
struct Table {
    code: [u8; 3],
    _pad: u8,
    title: [Str; 3],
    label: [Str; 3],
    /// The root operation's (or type's) definition.
    definition: Str,
    rows_start: u32,
    rows_len: u32,
}

/// The values one row allows at one of positions 4-7: `values[start..start + len]`,
/// and as a mask of bits (see [`bit`]).
#[derive(Debug, Clone, Copy, Default, Pod, Zeroable)]
#[repr(C)]
struct RowAxis {
    title: Str,
    start: u32,
    len: u32,
    _pad: u32,
    mask: u64,
}

#[derive(Debug, Clone, Copy, Pod, Zeroable)]
#[repr(C)]
struct Row {
    axes: [RowAxis; 4],
}

impl Row {
    fn code_count(&self) -> u64 {
        self.axes
            .iter()
            .map(|a| u64::from(a.mask.count_ones()))
            .product()
    }

    fn overlaps(&self, other: &Row) -> bool {
        self.axes
            .iter()
            .zip(other.axes.iter())
            .all(|(a, b)| a.mask & b.mask != 0)
    }

    /// Whether the row allows `chars` at positions 4, 5, ... (as many as given).
    fn allows(&self, chars: &[u8]) -> bool {
        chars
            .iter()
            .zip(self.axes.iter())
            .all(|(&c, a)| a.mask & bit(c) != 0)
    }
}

#[derive(Debug, Clone, Copy, Pod, Zeroable)]
#[repr(C)]
struct Value {
    ch: u8,
    _pad: [u8; 3],
    label: Str,
}

/// A term of the definitions file.
#[derive(Debug, Clone)]
struct Definition {
    section: u8,
    position: u8,
    axis_title: Str,
    titles: Vec<Str>,
    definition: Str,
    explanation: Str,
    includes: Vec<Str>,
}

/// A term of the index: a main term (level 0) or a subterm.
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
#[repr(C)]
struct IndexTerm {
    parent: u32,
    title: Str,
    /// A code, a partial code (4-6 characters) or a table (3), from `code`, `codes`,
    /// `tab` or the ones inside `see`/`use`.
    code: Str,
    see: Str,
    use_: Str,
    level: u8,
    _pad: [u8; 3],
}

/// The ICD-10-PCS code set of one fiscal year: tables, and when loaded the index and
/// the definitions.
#[derive(Debug)]
pub struct PcsSet {
    year: Option<i16>,
    strings: Strings,
    /// Sorted by code.
    tables: Vec<Table>,
    rows: Vec<Row>,
    values: Vec<Value>,
    definitions: Vec<Definition>,
    index: Vec<IndexTerm>,
    search: OnceLock<search::SearchData>,
}

/// Sizes of a set, for import reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcsCounts {
    pub tables: usize,
    pub rows: usize,
    pub valid_codes: u64,
    pub index_terms: usize,
    pub definitions: usize,
    /// The `<version>` the tables file declares.
    pub year: Option<i16>,
}

/// One character of a code with its axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcsAxis<'a> {
    /// 1 to 7.
    pub position: u8,
    /// The axis title in the file ("Body Part", "Approach", ...).
    pub title: &'a str,
    pub character: char,
    pub label: &'a str,
}

/// A term of the definitions file (an operation, approach, body part, device, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsDefinition<'a> {
    /// The section character ('0' Medical and Surgical, ...).
    pub section: char,
    /// The axis position (3 operation, 4 body part, 5 approach, 6 device, ...).
    pub position: u8,
    pub axis: &'a str,
    /// The values this term defines ("Appendix"; "Adrenal Gland, Left", ...).
    pub titles: Vec<&'a str>,
    pub definition: Option<&'a str>,
    pub explanation: Option<&'a str>,
    /// What the value includes ("Vermiform appendix"; "Face lift, breast augmentation").
    pub includes: Vec<&'a str>,
}

/// A term of the index, with its place in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsIndexEntry<'a> {
    /// Main term first, then the subterms down to this one (terms without a title,
    /// which only point elsewhere, add nothing).
    pub path: Vec<&'a str>,
    /// A code (7), a partial code (4-6) or a table (3).
    pub code: Option<&'a str>,
    /// "see" cross-reference ("Resection, Appendix").
    pub see: Option<&'a str>,
    /// "use" instruction: the value to use for this term ("Foot Muscle, Right").
    pub use_value: Option<&'a str>,
}

/// A valid code explained axis by axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsExplanation<'a> {
    pub code: String,
    pub axes: [PcsAxis<'a>; 7],
    /// The definition of the root operation (or type) given in the table.
    pub operation_definition: Option<&'a str>,
    /// Terms of the definitions file that define this code's values, by position.
    pub terms: Vec<PcsDefinition<'a>>,
    /// A readable description ("Resection of Appendix, Percutaneous Endoscopic Approach").
    pub description: String,
}

/// The answer to [`PcsSet::validate`]: valid, or exactly why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PcsValidation {
    Valid,
    /// A PCS code has exactly 7 characters.
    WrongLength {
        length: usize,
    },
    /// Not a PCS character (PCS uses digits and letters other than I and O).
    InvalidCharacter {
        position: u8,
        character: char,
    },
    /// No table starts with the first three characters: `position` (1-3) is the first
    /// that names no section / body system / operation, `allowed` what may be there.
    UnknownTable {
        position: u8,
        character: char,
        allowed: Vec<(char, String)>,
    },
    /// The table exists but no row allows this value after the characters before it.
    NotAllowed {
        table: String,
        position: u8,
        axis: String,
        character: char,
        allowed: Vec<(char, String)>,
    },
}

impl PcsValidation {
    pub fn is_valid(&self) -> bool {
        matches!(self, PcsValidation::Valid)
    }
}

impl fmt::Display for PcsValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |allowed: &[(char, String)]| {
            allowed
                .iter()
                .map(|(c, l)| format!("{c} {l}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            PcsValidation::Valid => write!(f, "valid"),
            PcsValidation::WrongLength { length } => write!(
                f,
                "an ICD-10-PCS code has 7 characters, this one has {length}"
            ),
            PcsValidation::InvalidCharacter {
                position,
                character,
            } => write!(
                f,
                "character {position} '{character}' is not a PCS character (digits and letters other than I and O)"
            ),
            PcsValidation::UnknownTable {
                position,
                character,
                allowed,
            } => {
                let name = AXIS_NAMES
                    .get(usize::from(position.saturating_sub(1)))
                    .copied()
                    .unwrap_or("axis");
                write!(
                    f,
                    "no table has {name} '{character}' at position {position}; allowed: {}",
                    list(allowed)
                )
            }
            PcsValidation::NotAllowed {
                table,
                position,
                axis,
                character,
                allowed,
            } => write!(
                f,
                "table {table} does not allow {axis} '{character}' at position {position} after the characters before it; allowed: {}",
                list(allowed)
            ),
        }
    }
}

/// Upper-cases a code typed by a person into a fixed buffer; `None` if longer than 7.
fn normalize(code: &str) -> Option<([u8; 7], usize)> {
    let b = code.as_bytes();
    if b.len() > 7 {
        return None;
    }
    let mut out = [0u8; 7];
    for (o, &c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_uppercase();
    }
    Some((out, b.len()))
}

impl PcsSet {
    /// Reads the CMS tables XML (`ICD10PCS.tabular`).
    pub fn from_tables(path: &Path, bytes: &[u8]) -> Result<PcsSet> {
        tables::parse(path, bytes)
    }

    /// Reads the definitions XML (`ICD10PCS.definitions`) into the set, replacing any
    /// loaded before. Nothing changes when the file is refused. Returns the number of
    /// terms.
    pub fn load_definitions(&mut self, path: &Path, bytes: &[u8]) -> Result<usize> {
        let (year, raw) = definitions::parse(path, bytes)?;
        self.check_year(path, year, "definitions")?;
        self.definitions = raw
            .into_iter()
            .map(|d| Definition {
                section: d.section,
                position: d.position,
                axis_title: self.strings.intern(&d.axis_title),
                titles: d.titles.iter().map(|t| self.strings.intern(t)).collect(),
                definition: self.intern_opt(d.definition.as_deref()),
                explanation: self.intern_opt(d.explanation.as_deref()),
                includes: d.includes.iter().map(|t| self.strings.intern(t)).collect(),
            })
            .collect();
        self.search = OnceLock::new();
        Ok(self.definitions.len())
    }

    /// Reads the index XML (`ICD10PCS.index`) into the set, replacing any loaded
    /// before. Nothing changes when the file is refused. Returns the number of terms.
    pub fn load_index(&mut self, path: &Path, bytes: &[u8]) -> Result<usize> {
        let (year, raw) = index::parse(path, bytes)?;
        self.check_year(path, year, "index")?;
        self.index = raw
            .into_iter()
            .map(|t| IndexTerm {
                parent: t.parent.unwrap_or(NONE),
                level: t.level,
                title: self.intern_opt(t.title.as_deref()),
                code: self.intern_opt(t.code.as_deref()),
                see: self.intern_opt(t.see.as_deref()),
                use_: self.intern_opt(t.use_.as_deref()),
                _pad: [0; 3],
            })
            .collect();
        self.search = OnceLock::new();
        Ok(self.index.len())
    }

    fn intern_opt(&mut self, s: Option<&str>) -> Str {
        s.filter(|s| !s.is_empty())
            .map_or(NONE, |s| self.strings.intern(s))
    }

    fn check_year(&self, path: &Path, year: Option<i16>, what: &str) -> Result<()> {
        if let (Some(a), Some(b)) = (self.year, year)
            && a != b
        {
            return Err(CodesError::Version(format!(
                "{}: the {what} file is for {b} but the tables are for {a}",
                path.display()
            )));
        }
        Ok(())
    }

    /// The fiscal year the tables file declares in `<version>`.
    pub fn year(&self) -> Option<i16> {
        self.year
    }

    pub fn counts(&self) -> PcsCounts {
        PcsCounts {
            tables: self.tables.len(),
            rows: self.rows.len(),
            valid_codes: self.count_valid(),
            index_terms: self.index.len(),
            definitions: self.definitions.len(),
            year: self.year,
        }
    }

    /// The number of valid codes: over all rows, the product of the number of values
    /// each of axes 4-7 allows (rows of a table never overlap; the reader checks).
    pub fn count_valid(&self) -> u64 {
        self.rows.iter().map(Row::code_count).sum()
    }

    fn table(&self, code: &[u8]) -> Option<&Table> {
        let key: [u8; 3] = code.get(..3)?.try_into().ok()?;
        self.tables
            .binary_search_by_key(&key, |t| t.code)
            .ok()
            .and_then(|i| self.tables.get(i))
    }

    fn rows_of(&self, t: &Table) -> &[Row] {
        let a = t.rows_start as usize;
        self.rows.get(a..a + t.rows_len as usize).unwrap_or(&[])
    }

    fn values_of(&self, a: &RowAxis) -> &[Value] {
        let s = a.start as usize;
        self.values.get(s..s + a.len as usize).unwrap_or(&[])
    }

    /// The label of `ch` at `position` (1-7) for a code starting with `code`.
    fn label_at(&self, t: &Table, code: &[u8], position: usize) -> Option<(&str, &str)> {
        if position <= 3 {
            let i = position.checked_sub(1)?;
            return Some((self.strings.get(t.title[i]), self.strings.get(t.label[i])));
        }
        let ch = *code.get(position - 1)?;
        let before = code.get(3..position - 1)?;
        self.rows_of(t)
            .iter()
            .filter(|r| r.allows(before) && r.axes[position - 4].mask & bit(ch) != 0)
            .find_map(|r| {
                let a = &r.axes[position - 4];
                self.values_of(a)
                    .iter()
                    .find(|v| v.ch == ch)
                    .map(|v| (self.strings.get(a.title), self.strings.get(v.label)))
            })
    }

    /// Whether `code` is a valid ICD-10-PCS code, and if not exactly why. Lower case is
    /// accepted. Allocates nothing when the code is valid.
    pub fn validate(&self, code: &str) -> PcsValidation {
        let Some((c, len)) = normalize(code) else {
            return PcsValidation::WrongLength { length: code.len() };
        };
        if len != 7 {
            return PcsValidation::WrongLength { length: len };
        }
        if let Some(i) = c.iter().position(|&b| !is_pcs_char(b)) {
            let character = code[i..].chars().next().unwrap_or('?');
            return PcsValidation::InvalidCharacter {
                position: i as u8 + 1,
                character,
            };
        }
        let Some(t) = self.table(&c) else {
            // the first of positions 1-3 that names nothing
            for p in 0..3 {
                let allowed = self.options_bytes(&c[..p]);
                if !allowed.iter().any(|(ch, _)| *ch == c[p]) {
                    return PcsValidation::UnknownTable {
                        position: p as u8 + 1,
                        character: char::from(c[p]),
                        allowed: owned(allowed),
                    };
                }
            }
            return PcsValidation::UnknownTable {
                position: 3,
                character: char::from(c[2]),
                allowed: Vec::new(),
            };
        };
        let rows = self.rows_of(t);
        if rows.iter().any(|r| r.allows(&c[3..])) {
            return PcsValidation::Valid;
        }
        for p in 4..=7usize {
            if !rows.iter().any(|r| r.allows(&c[3..p])) {
                let allowed = self.options_bytes(&c[..p - 1]);
                let axis = rows
                    .first()
                    .map_or(AXIS_NAMES[p - 1], |r| self.strings.get(r.axes[p - 4].title));
                return PcsValidation::NotAllowed {
                    table: String::from_utf8_lossy(&c[..3]).into_owned(),
                    position: p as u8,
                    axis: axis.to_string(),
                    character: char::from(c[p - 1]),
                    allowed: owned(allowed),
                };
            }
        }
        PcsValidation::Valid
    }

    /// Whether `code` is valid (see [`PcsSet::validate`]).
    pub fn is_valid(&self, code: &str) -> bool {
        match normalize(code) {
            Some((c, 7)) => {
                c.iter().all(|&b| is_pcs_char(b))
                    && self
                        .table(&c)
                        .is_some_and(|t| self.rows_of(t).iter().any(|r| r.allows(&c[3..])))
            }
            _ => false,
        }
    }

    /// The seven axes of a valid code with titles and labels, the root operation's
    /// definition, and the definitions file's terms for its values.
    pub fn explain(&self, code: &str) -> std::result::Result<PcsExplanation<'_>, PcsValidation> {
        let v = self.validate(code);
        if !v.is_valid() {
            return Err(v);
        }
        let Some((c, _)) = normalize(code) else {
            return Err(PcsValidation::WrongLength { length: code.len() });
        };
        let Some(t) = self.table(&c) else {
            return Err(v);
        };
        let mut axes = [PcsAxis {
            position: 0,
            title: "",
            character: ' ',
            label: "",
        }; 7];
        for (i, axis) in axes.iter_mut().enumerate() {
            let (title, label) = self.label_at(t, &c, i + 1).unwrap_or(("", ""));
            *axis = PcsAxis {
                position: i as u8 + 1,
                title,
                character: char::from(c[i]),
                label,
            };
        }
        let terms = axes
            .iter()
            .skip(2)
            .filter_map(|a| self.definition_for(c[0], a.position, a.label))
            .collect();
        Ok(PcsExplanation {
            code: String::from_utf8_lossy(&c).into_owned(),
            axes,
            operation_definition: self.strings.opt(t.definition),
            terms,
            description: describe(&axes),
        })
    }

    /// A readable description of a valid code, `None` when it is not valid.
    pub fn describe(&self, code: &str) -> Option<String> {
        self.explain(code).ok().map(|e| e.description)
    }

    /// The definitions-file term defining `label` at `position` in `section`.
    fn definition_for(&self, section: u8, position: u8, label: &str) -> Option<PcsDefinition<'_>> {
        self.definitions
            .iter()
            .find(|d| {
                d.section == section
                    && d.position == position
                    && d.titles.iter().any(|&t| self.strings.get(t) == label)
            })
            .map(|d| self.definition_view(d))
    }

    fn definition_view<'a>(&'a self, d: &Definition) -> PcsDefinition<'a> {
        PcsDefinition {
            section: char::from(d.section),
            position: d.position,
            axis: self.strings.get(d.axis_title),
            titles: d.titles.iter().map(|&t| self.strings.get(t)).collect(),
            definition: self.strings.opt(d.definition),
            explanation: self.strings.opt(d.explanation),
            includes: d.includes.iter().map(|&t| self.strings.get(t)).collect(),
        }
    }

    /// The terms of the definitions file.
    pub fn definitions(&self) -> impl Iterator<Item = PcsDefinition<'_>> + '_ {
        self.definitions.iter().map(|d| self.definition_view(d))
    }

    /// The terms of the index, in file order.
    pub fn index_entries(&self) -> impl Iterator<Item = PcsIndexEntry<'_>> + '_ {
        (0..self.index.len()).map(|i| self.index_entry(i))
    }

    fn index_entry(&self, i: usize) -> PcsIndexEntry<'_> {
        let mut path = Vec::new();
        let mut at = i;
        let mut guard = 0;
        while let Some(t) = self.index.get(at) {
            if let Some(title) = self.strings.opt(t.title) {
                path.push(title);
            }
            guard += 1;
            if t.parent == NONE || guard > 64 {
                break;
            }
            at = t.parent as usize;
        }
        path.reverse();
        let (code, see, use_value) = self.index.get(i).map_or((None, None, None), |t| {
            (
                self.strings.opt(t.code),
                self.strings.opt(t.see),
                self.strings.opt(t.use_),
            )
        });
        PcsIndexEntry {
            path,
            code,
            see,
            use_value,
        }
    }

    /// The values allowed at the next position after `prefix` (0 to 6 characters):
    /// section, body system, root operation, then body part, approach, device and
    /// qualifier, each limited to the rows that allow what the prefix already chose.
    /// Empty when the prefix is not the start of any valid code.
    pub fn options(&self, prefix: &str) -> Vec<(char, &str)> {
        match normalize(prefix) {
            Some((c, len)) if len < 7 => self
                .options_bytes(&c[..len])
                .into_iter()
                .map(|(b, l)| (char::from(b), l))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The axis title of the next position after `prefix` ("Body Part", "Approach").
    pub fn next_axis_title(&self, prefix: &str) -> Option<&str> {
        let (c, len) = normalize(prefix)?;
        if len >= 7 {
            return None;
        }
        if len < 3 {
            let t = self.tables.iter().find(|t| t.code[..len] == c[..len])?;
            return Some(self.strings.get(t.title[len]));
        }
        let t = self.table(&c)?;
        self.rows_of(t)
            .iter()
            .find(|r| r.allows(&c[3..len]))
            .map(|r| self.strings.get(r.axes[len - 3].title))
    }

    fn options_bytes(&self, prefix: &[u8]) -> Vec<(u8, &str)> {
        let len = prefix.len();
        if len >= 7 || !prefix.iter().all(|&b| is_pcs_char(b)) {
            return Vec::new();
        }
        let mut out: Vec<(u8, &str)> = Vec::new();
        if len < 3 {
            for t in &self.tables {
                if t.code[..len] == *prefix && out.last().is_none_or(|(c, _)| *c != t.code[len]) {
                    out.push((t.code[len], self.strings.get(t.label[len])));
                }
            }
            return out;
        }
        let Some(t) = self.table(prefix) else {
            return out;
        };
        let mut labels: [Str; 36] = [NONE; 36];
        for r in self.rows_of(t).iter().filter(|r| r.allows(&prefix[3..])) {
            let a = &r.axes[len - 3];
            for v in self.values_of(a) {
                let i = bit(v.ch).trailing_zeros() as usize;
                if let Some(slot) = labels.get_mut(i)
                    && *slot == NONE
                {
                    *slot = v.label;
                }
            }
        }
        for (i, &l) in labels.iter().enumerate() {
            if l != NONE {
                out.push((char_of_bit(i as u32), self.strings.get(l)));
            }
        }
        out
    }

    /// Every valid code starting with `prefix` (at most `limit` of them), in order.
    pub fn expand(&self, prefix: &str, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        let Some((c, len)) = normalize(prefix) else {
            return out;
        };
        let mut stack = vec![c[..len].to_vec()];
        while let Some(p) = stack.pop() {
            if out.len() >= limit {
                break;
            }
            if p.len() == 7 {
                out.push(String::from_utf8_lossy(&p).into_owned());
                continue;
            }
            for (ch, _) in self.options_bytes(&p).into_iter().rev() {
                let mut next = p.clone();
                next.push(ch);
                stack.push(next);
            }
        }
        out
    }

    /// Searches the index, the definitions and the table labels for a procedure
    /// described in words ("laparoscopic appendectomy"). See [`PcsHit`].
    pub fn search(&self, query: &str, limit: usize) -> Vec<PcsHit> {
        search::search(self, query, limit)
    }

    /// The set in its stored form (see [`PcsSet::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        store::to_bytes(self)
    }

    /// Loads a set stored by [`PcsSet::to_bytes`]; damaged or foreign bytes are refused
    /// with [`CodesError::CorruptIndex`] naming `path`.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<PcsSet> {
        store::from_bytes(path, bytes)
    }
}

fn owned(v: Vec<(u8, &str)>) -> Vec<(char, String)> {
    v.into_iter()
        .map(|(c, l)| (char::from(c), l.to_string()))
        .collect()
}

/// "Resection of Appendix, Percutaneous Endoscopic Approach" for section 0 and the
/// sections built the same way; labels of positions 3-7 otherwise. "No Device", "No
/// Qualifier", "None" are left out.
fn describe(axes: &[PcsAxis<'_>; 7]) -> String {
    let meaningful = |a: &PcsAxis<'_>| {
        let l = a.label;
        !(l.starts_with("No ") || l == "None" || l.is_empty())
    };
    let op = axes[2];
    let part = axes[3];
    let approach = axes[4];
    if approach.title == "Approach" && part.title.starts_with("Body") {
        let mut s = format!("{} of {}", op.label, part.label);
        if meaningful(&axes[5]) {
            s.push_str(" with ");
            s.push_str(axes[5].label);
        }
        s.push_str(", ");
        s.push_str(approach.label);
        s.push_str(" Approach");
        if meaningful(&axes[6]) {
            s.push_str(", ");
            s.push_str(axes[6].label);
        }
        return s;
    }
    axes[2..]
        .iter()
        .filter(|a| meaningful(a))
        .map(|a| a.label)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<ICD10PCS.tabular><version>2023</version>
<pcsTable>
 <axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
 <axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal System</label></axis>
 <axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label><definition>Cutting out &amp; off</definition></axis>
 <pcsRow codes="2">
  <axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
  <axis pos="5" values="2"><title>Approach</title><label code="4">Percutaneous Endoscopic</label><label code="0">Open</label></axis>
  <axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
  <axis pos="7" values="1"><title>Qualifier</title><label code="Z">No Qualifier</label></axis>
 </pcsRow>
</pcsTable></ICD10PCS.tabular>"#;

    #[test]
    fn pcs_characters_exclude_i_and_o() {
        assert!(is_pcs_char(b'0') && is_pcs_char(b'Z') && is_pcs_char(b'H'));
        assert!(!is_pcs_char(b'I') && !is_pcs_char(b'O') && !is_pcs_char(b'a'));
        for b in (b'0'..=b'9').chain(b'A'..=b'Z') {
            assert_eq!(char_of_bit(bit(b).trailing_zeros()), b);
        }
    }

    #[test]
    fn reads_a_table_with_entities_and_sorts_values() {
        let set = PcsSet::from_tables(Path::new("s.xml"), SMALL.as_bytes()).unwrap();
        assert_eq!(set.count_valid(), 2);
        assert_eq!(
            set.options("0DTJ"),
            [('0', "Open"), ('4', "Percutaneous Endoscopic")]
        );
        let e = set.explain("0DTJ0ZZ").unwrap();
        assert_eq!(e.operation_definition, Some("Cutting out & off"));
        assert_eq!(e.description, "Resection of Appendix, Open Approach");
        assert_eq!(set.expand("0DT", 10), ["0DTJ0ZZ", "0DTJ4ZZ"]);
        assert_eq!(set.next_axis_title(""), Some("Section"));
        assert_eq!(set.next_axis_title("0DTJ4Z"), Some("Qualifier"));
    }

    #[test]
    fn strings_are_interned_once_and_survive_a_round_trip() {
        let mut s = Strings::default();
        let a = s.intern("Open");
        assert_eq!(s.intern("Open"), a);
        let b = s.intern("Percutaneous");
        assert_eq!(
            (s.get(a), s.get(b), s.opt(NONE)),
            ("Open", "Percutaneous", None)
        );
        s.map.clear();
        assert_eq!(s.intern("Open"), a, "map rebuilt after loading");
    }
}
