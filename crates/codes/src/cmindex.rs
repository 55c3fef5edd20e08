//! # The ICD-10-CM index family
//!
//! Owns the four members of the `ICD10CM.index` family as CMS publishes them each
//! fiscal year: the Alphabetic Index to Diseases and Injuries, the External Cause of
//! Injuries Index, the Table of Drugs and Chemicals and the Table of Neoplasms. One
//! streaming reader (quick-xml, no DOM) turns a file into an [`IndexSet`]: every main
//! term and subterm with its path of titles (nonessential modifiers kept apart), its
//! codes (for the tables, one per column with the column heading), manifestation
//! codes (printed in brackets), and its cross references (see, see also, see
//! category, see subcategory).
//!
//! On top of the model it answers what a coder does with the printed index: walk a
//! path ("Fracture, femur, neck"), find entries for free text, and list the index
//! paths that lead to a code. It persists a built set to bytes and reads them back,
//! rejecting damaged bytes with an error.
//!
//! It must not decide whether a code is valid or billable (that is the tabular's job:
//! index codes are often incomplete, "S72.00-", or lack the 7th character), must not
//! read files or know where they are stored (callers bring the bytes), and must not
//! panic on any input. Structural problems are reported with file, line and column.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde::{Deserialize, Serialize};

use crate::code::CodeKey;
use crate::error::{CodesError, Result, line_col};
use crate::text;

/// First bytes of a persisted index set; the last byte is the format version.
const MAGIC: &[u8; 8] = b"RCMCMIX\x01";
/// Magic, CRC-32 of the payload (little endian), payload length (little endian).
const HEADER_LEN: usize = 8 + 4 + 8;
/// Deepest subterm level accepted (the printed index goes to about 8).
const MAX_LEVEL: u8 = 32;

// ---------------------------------------------------------------------------------
// Public model
// ---------------------------------------------------------------------------------

/// Which member of the index family a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IndexKind {
    /// Alphabetic Index to Diseases and Injuries (`icd10cm_index_YYYY.xml`).
    Alphabetic,
    /// External Cause of Injuries Index (`icd10cm_eindex_YYYY.xml`).
    ExternalCause,
    /// Table of Drugs and Chemicals (`icd10cm_drug_YYYY.xml`).
    Drugs,
    /// Table of Neoplasms (`icd10cm_neoplasm_YYYY.xml`).
    Neoplasms,
}

impl IndexKind {
    pub fn describe(self) -> &'static str {
        match self {
            IndexKind::Alphabetic => "Alphabetic Index to Diseases and Injuries",
            IndexKind::ExternalCause => "External Cause of Injuries Index",
            IndexKind::Drugs => "Table of Drugs and Chemicals",
            IndexKind::Neoplasms => "Table of Neoplasms",
        }
    }

    /// The drug and neoplasm tables give codes per column (`cell col`).
    pub fn is_table(self) -> bool {
        matches!(self, IndexKind::Drugs | IndexKind::Neoplasms)
    }
}

impl fmt::Display for IndexKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A code as the index prints it: dotted, possibly incomplete ("S72.00-": more
/// characters are required, found in the tabular), often without the 7th character.
/// Held inline (no allocation): the longest form, "A00.0000-", has 9 characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexCode {
    buf: [u8; 9],
    len: u8,
}

impl IndexCode {
    /// Accepts `W06`, `T39.011`, `S72.00-`, `C79.8-`, `D05.-` (any case): a letter, a digit, a
    /// letter or digit, then optionally a dot and one to four letters or digits, then
    /// optionally a dash. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<IndexCode> {
        let t = text.trim();
        if !Self::has_code_shape(t) {
            return None;
        }
        let mut buf = [0u8; 9];
        let bytes = t.as_bytes();
        let slot = buf.get_mut(..bytes.len())?;
        slot.copy_from_slice(bytes);
        slot.make_ascii_uppercase();
        Some(IndexCode {
            buf,
            len: bytes.len() as u8,
        })
    }

    /// The shape check of [`IndexCode::parse`], without allocating.
    fn has_code_shape(t: &str) -> bool {
        let body = t.strip_suffix('-').unwrap_or(t);
        let dash = body.len() != t.len();
        let b = body.as_bytes();
        if b.len() < 3
            || !b[0].is_ascii_alphabetic()
            || !b[1].is_ascii_digit()
            || !b[2].is_ascii_alphanumeric()
        {
            return false;
        }
        let rest = &b[3..];
        if rest.is_empty() {
            return true;
        }
        let Some(tail) = rest.strip_prefix(b".") else {
            return false;
        };
        // "D05.-": the table prints a bare dot before the dash.
        (!tail.is_empty() || dash) && tail.len() <= 4 && tail.iter().all(u8::is_ascii_alphanumeric)
    }

    /// True for a code as [`IndexCode::parse`] leaves it (upper case, trimmed).
    fn is_well_formed(&self) -> bool {
        Self::has_code_shape(self.as_str())
            && !self
                .as_str()
                .bytes()
                .any(|b| b.is_ascii_lowercase() || b.is_ascii_whitespace())
    }

    /// As printed: `S72.00-`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters, digits, dots and dashes are ever stored.
        std::str::from_utf8(self.buf.get(..usize::from(self.len)).unwrap_or_default()).unwrap_or("")
    }

    /// True when the index marks the code as incomplete with a trailing dash.
    pub fn is_incomplete(&self) -> bool {
        self.as_str().ends_with('-')
    }

    /// The code without the dash, as a key (`S7200`).
    pub fn key(&self) -> Option<CodeKey> {
        CodeKey::parse(self.as_str().trim_end_matches('-'))
    }

    /// True when the index code leads to `code`: the same code; or `code` continues
    /// an incomplete index code (S72.00- → S72.001A); or `code` is the index code with
    /// placeholder `X`s and a 7th character (W06 → W06.XXXA, T39.011 → T39.011A).
    pub fn leads_to(&self, code: CodeKey) -> bool {
        let Some(own) = self.key() else {
            return false;
        };
        let (k, q) = (own.as_bytes(), code.as_bytes());
        if k == q {
            return true;
        }
        if !q.starts_with(k) {
            return false;
        }
        if self.is_incomplete() {
            return true;
        }
        q.len() == 7 && q[k.len()..6].iter().all(|&c| c == b'X')
    }
}

impl fmt::Display for IndexCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IndexCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexCode({})", self.as_str())
    }
}

impl Serialize for IndexCode {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IndexCode {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct CodeVisitor;
        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = IndexCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ICD-10-CM index code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<IndexCode, E> {
                IndexCode::parse(v)
                    .filter(|c| c.as_str() == v)
                    .ok_or_else(|| E::custom(format!("\"{v}\" is not an index code")))
            }
        }
        deserializer.deserialize_str(CodeVisitor)
    }
}

/// A column of a table (`indexHeading/head col=N`). Column 1 is the term itself
/// ("Substance", "Neoplasm"); columns 2..=7 hold codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub col: u8,
    pub heading: String,
}

/// One cell of a table row: `None` where the table prints a dash (no code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub col: u8,
    pub heading: String,
    pub code: Option<IndexCode>,
}

/// Kinds of cross reference an index entry may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CrossRefKind {
    /// `see`: the coder must go to the other term (an index path, or a table name).
    See,
    /// `seeAlso`: the other term may hold more.
    SeeAlso,
    /// `seecat`: see category (a three-character code in the tabular).
    SeeCategory,
    /// `subcat`: see subcategory (a code in the tabular).
    SeeSubcategory,
}

/// A cross reference as printed: "see Exposure, fire", "see subcategory T75.0".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossRef {
    #[serde(rename = "k")]
    pub kind: CrossRefKind,
    #[serde(rename = "t")]
    pub target: String,
}

impl CrossRef {
    pub fn describe(&self) -> String {
        let lead = match self.kind {
            CrossRefKind::See => "see",
            CrossRefKind::SeeAlso => "see also",
            CrossRefKind::SeeCategory => "see category",
            CrossRefKind::SeeSubcategory => "see subcategory",
        };
        format!("{lead} {}", self.target)
    }
}

/// Where a code of an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// `<code>` of an index entry.
    Code,
    /// `<cell col=N>` of a table row, with the column heading.
    Cell { col: u8, heading: String },
    /// `<manif>`: a manifestation code, printed in brackets and sequenced second.
    Manifestation,
    /// `<seecat>`: the entry sends the coder to this category.
    SeeCategory,
    /// `<subcat>`: the entry sends the coder to this subcategory.
    SeeSubcategory,
}

/// A code given by an entry, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryCode {
    pub code: IndexCode,
    pub source: CodeSource,
}

impl EntryCode {
    /// "T39.011 (Poisoning Accidental (unintentional))", "[H28]", "S72.00-".
    pub fn describe(&self) -> String {
        match &self.source {
            CodeSource::Code => self.code.to_string(),
            CodeSource::Cell { heading, .. } => format!("{} ({heading})", self.code),
            CodeSource::Manifestation => format!("[{}]", self.code),
            CodeSource::SeeCategory => format!("see category {}", self.code),
            CodeSource::SeeSubcategory => format!("see subcategory {}", self.code),
        }
    }
}

/// Identifies an entry (main term or subterm) within its [`IndexSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub u32);

/// Numbers describing an index set, for import reports and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexCounts {
    pub letters: usize,
    /// `mainTerm` elements.
    pub main_terms: usize,
    /// `term` elements (all levels).
    pub subterms: usize,
    /// Main terms and subterms together.
    pub entries: usize,
    /// Deepest subterm level.
    pub max_level: u8,
    /// `code` elements.
    pub codes: usize,
    /// `cell` elements (tables), with a code or a dash.
    pub cells: usize,
    /// Cells holding a code.
    pub cells_with_code: usize,
    /// Table rows: entries with at least one cell holding a code.
    pub table_rows: usize,
    /// `manif` elements.
    pub manifestations: usize,
    /// `nemod` elements.
    pub nonessential_modifiers: usize,
    pub see: usize,
    pub see_also: usize,
    pub see_category: usize,
    pub see_subcategory: usize,
    /// Distinct codes over `code`, `cell` and `manif`.
    pub distinct_codes: usize,
    /// Elements the reader does not know and skipped, by name.
    pub skipped_elements: Vec<(String, u32)>,
}

// ---------------------------------------------------------------------------------
// Stored form
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Entry {
    /// Essential words of the title (nonessential modifiers removed).
    #[serde(rename = "t")]
    title: String,
    /// The title as printed with its modifiers in place, when it differs.
    #[serde(rename = "p", default, skip_serializing_if = "String::is_empty")]
    printed: String,
    #[serde(rename = "n", default, skip_serializing_if = "Vec::is_empty")]
    nemod: Vec<String>,
    #[serde(rename = "l", default)]
    level: u8,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    parent: Option<u32>,
    #[serde(rename = "k", default, skip_serializing_if = "Vec::is_empty")]
    children: Vec<u32>,
    #[serde(rename = "g", default)]
    letter: u32,
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    codes: Vec<IndexCode>,
    #[serde(rename = "x", default, skip_serializing_if = "Vec::is_empty")]
    cells: Vec<(u8, Option<IndexCode>)>,
    #[serde(rename = "m", default, skip_serializing_if = "Vec::is_empty")]
    manif: Vec<String>,
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    refs: Vec<CrossRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    kind: IndexKind,
    version: Option<i16>,
    title: Option<String>,
    columns: Vec<Column>,
    letters: Vec<String>,
    entries: Vec<Entry>,
    main_terms: Vec<u32>,
    skipped: Vec<(String, u32)>,
}

/// One member of the index family, read from its file or from persisted bytes.
#[derive(Debug, Clone)]
pub struct IndexSet {
    data: Stored,
    walk_titles: OnceLock<(Vec<WalkTitle>, usize)>,
    search: OnceLock<SearchIndex>,
    by_code: OnceLock<Vec<CodeRow>>,
}

// ---------------------------------------------------------------------------------
// Reading the XML
// ---------------------------------------------------------------------------------

/// Reads an `ICD10CM.index` file (any member of the family) already in memory. The
/// kind is told by the content: an `indexHeading` whose first column is "Substance"
/// (drugs) or "Neoplasm" (neoplasms); otherwise the file title naming the external
/// cause index; otherwise the alphabetic index.
pub fn parse_index(path: &Path, bytes: &[u8]) -> Result<IndexSet> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        CodesError::parse(path, line, col, "the file is not valid UTF-8 text")
    })?;
    if text.trim().is_empty() {
        return Err(CodesError::parse(path, 0, 0, "the file is empty"));
    }
    let stored = Parser::new(path, text).run()?;
    Ok(IndexSet::new(stored))
}

/// As [`parse_index`], failing when the file is another member of the family than
/// `expected` (a drug table given where the neoplasm table was asked for).
pub fn parse_index_as(path: &Path, bytes: &[u8], expected: IndexKind) -> Result<IndexSet> {
    let set = parse_index(path, bytes)?;
    if set.kind() != expected {
        return Err(CodesError::Unrecognized {
            path: path.to_path_buf(),
            message: format!(
                "this is the {}, not the {}",
                set.kind().describe(),
                expected.describe()
            ),
        });
    }
    Ok(set)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Root,
    Version,
    FileTitle,
    Heading,
    Head(u8),
    Letter,
    LetterTitle,
    MainTerm,
    Term,
    Title,
    Nemod,
    Code,
    Manif,
    See,
    SeeAlso,
    SeeCat,
    SubCat,
    Cell(u8),
    /// An element inside text (title, code, …): its text belongs to the enclosing one.
    Inline,
    /// An element the reader does not know: skipped with everything inside.
    Skipped,
}

impl Open {
    fn is_entry(self) -> bool {
        matches!(self, Open::MainTerm | Open::Term)
    }

    fn is_leaf(self) -> bool {
        matches!(
            self,
            Open::Version
                | Open::FileTitle
                | Open::Head(_)
                | Open::LetterTitle
                | Open::Code
                | Open::Manif
                | Open::See
                | Open::SeeAlso
                | Open::SeeCat
                | Open::SubCat
                | Open::Cell(_)
        )
    }

    fn name(self) -> &'static str {
        match self {
            Open::Root => "ICD10CM.index",
            Open::Version => "version",
            Open::FileTitle | Open::LetterTitle | Open::Title => "title",
            Open::Heading => "indexHeading",
            Open::Head(_) => "head",
            Open::Letter => "letter",
            Open::MainTerm => "mainTerm",
            Open::Term => "term",
            Open::Nemod => "nemod",
            Open::Code => "code",
            Open::Manif => "manif",
            Open::See => "see",
            Open::SeeAlso => "seeAlso",
            Open::SeeCat => "seecat",
            Open::SubCat => "subcat",
            Open::Cell(_) => "cell",
            Open::Inline | Open::Skipped => "element",
        }
    }
}

/// Elements that belong inside a `mainTerm` or `term`.
const ENTRY_PARTS: &[&str] = &[
    "term", "code", "manif", "see", "seeAlso", "seecat", "subcat", "cell", "nemod",
];

struct Parser<'a> {
    path: &'a Path,
    src: &'a str,
    reader: Reader<&'a [u8]>,
    stack: Vec<(Open, u64)>,
    entries: Vec<Entry>,
    /// Ids of the open mainTerm / term elements.
    open_entries: Vec<u32>,
    main_terms: Vec<u32>,
    text: String,
    title_essential: String,
    title_printed: String,
    nemod: String,
    version: Option<i16>,
    file_title: Option<String>,
    columns: Vec<Column>,
    heading_pos: Option<u64>,
    letters: Vec<String>,
    skipped: Vec<(String, u32)>,
    seen_root: bool,
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, src: &'a str) -> Self {
        let mut reader = Reader::from_str(src);
        reader.config_mut().trim_text(false);
        Parser {
            path,
            src,
            reader,
            stack: Vec::with_capacity(32),
            entries: Vec::new(),
            open_entries: Vec::with_capacity(16),
            main_terms: Vec::new(),
            text: String::with_capacity(128),
            title_essential: String::with_capacity(128),
            title_printed: String::with_capacity(128),
            nemod: String::with_capacity(128),
            version: None,
            file_title: None,
            columns: Vec::new(),
            heading_pos: None,
            letters: Vec::new(),
            skipped: Vec::new(),
            seen_root: false,
        }
    }

    fn err_at(&self, offset: u64, message: impl Into<String>) -> CodesError {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let (line, col) = line_col(self.src.as_bytes(), offset);
        CodesError::parse(self.path, line, col, message)
    }

    fn run(mut self) -> Result<Stored> {
        loop {
            let pos = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let at = self.reader.error_position();
                    return Err(self.err_at(at, format!("malformed XML: {e}")));
                }
            };
            match event {
                Event::Start(e) => self.start(&e, pos)?,
                Event::Empty(e) => {
                    self.start(&e, pos)?;
                    self.end(pos)?;
                }
                Event::End(_) => self.end(pos)?,
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.push_text(&content);
                }
                Event::CData(c) => {
                    let content = c.into_inner();
                    self.push_text(&content);
                }
                Event::GeneralRef(r) => {
                    let ch = crate::xmltext::reference_char(&r).map_err(|m| self.err_at(pos, m))?;
                    let mut buf = [0u8; 4];
                    self.push_text(ch.encode_utf8(&mut buf));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&(open, at)) = self.stack.last() {
            let offset = usize::try_from(at).unwrap_or(usize::MAX);
            let (line, _) = line_col(self.src.as_bytes(), offset);
            return Err(self.err_at(
                self.src.len() as u64,
                format!(
                    "the file ends early (truncated?): <{}> opened at line {line} is never closed",
                    open.name()
                ),
            ));
        }
        if !self.seen_root {
            return Err(self.err_at(
                self.src.len() as u64,
                "no <ICD10CM.index> root element: this is not an ICD-10-CM index or table file",
            ));
        }
        if self.main_terms.is_empty() {
            return Err(self.err_at(
                self.src.len() as u64,
                "the index holds no entries (no <mainTerm> elements)",
            ));
        }
        let kind = self.kind()?;
        Ok(Stored {
            kind,
            version: self.version,
            title: self.file_title,
            columns: self.columns,
            letters: self.letters,
            entries: self.entries,
            main_terms: self.main_terms,
            skipped: self.skipped,
        })
    }

    fn kind(&self) -> Result<IndexKind> {
        if self.columns.is_empty() {
            let external = self
                .file_title
                .as_deref()
                .is_some_and(|t| t.to_lowercase().contains("external cause"));
            return Ok(if external {
                IndexKind::ExternalCause
            } else {
                IndexKind::Alphabetic
            });
        }
        let first = self
            .columns
            .iter()
            .find(|c| c.col == 1)
            .map(|c| c.heading.to_lowercase())
            .unwrap_or_default();
        if first.contains("substance") || first.contains("drug") {
            Ok(IndexKind::Drugs)
        } else if first.contains("neoplasm") {
            Ok(IndexKind::Neoplasms)
        } else {
            Err(self.err_at(
                self.heading_pos.unwrap_or(0),
                format!(
                    "<indexHeading> column 1 is \"{first}\": expected \"Substance\" (Table of Drugs and Chemicals) or \"Neoplasm\" (Table of Neoplasms)"
                ),
            ))
        }
    }

    /// Routes text to the innermost element that collects it.
    fn push_text(&mut self, content: &str) {
        let target = self
            .stack
            .iter()
            .rev()
            .map(|(o, _)| *o)
            .find(|o| *o != Open::Inline);
        match target {
            Some(Open::Title) => {
                self.title_essential.push_str(content);
                self.title_printed.push_str(content);
            }
            Some(Open::Nemod) => {
                self.nemod.push_str(content);
                self.title_printed.push_str(content);
            }
            Some(o) if o.is_leaf() => self.text.push_str(content),
            _ => {}
        }
    }

    fn current_entry(&mut self) -> Option<&mut Entry> {
        let id = *self.open_entries.last()?;
        self.entries.get_mut(id as usize)
    }

    fn col_attr(&self, e: &BytesStart<'_>, pos: u64, element: &str) -> Result<u8> {
        let raw = attr(e, "col");
        let Some(raw) = raw else {
            return Err(self.err_at(pos, format!("<{element}> without a col attribute")));
        };
        match raw.parse::<u8>() {
            Ok(n) if (1..=7).contains(&n) => Ok(n),
            _ => Err(self.err_at(
                pos,
                format!("<{element} col=\"{raw}\">: the column must be a number from 1 to 7"),
            )),
        }
    }

    fn skip(&mut self, name: &str) {
        match self.skipped.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count = count.saturating_add(1),
            None => self.skipped.push((name.to_string(), 1)),
        }
    }

    fn new_entry(&mut self, level: u8, parent: Option<u32>) -> Result<u32> {
        let id = u32::try_from(self.entries.len())
            .map_err(|_| CodesError::parse(self.path, 0, 0, "too many index entries"))?;
        let letter = self.letters.len().saturating_sub(1) as u32;
        self.entries.push(Entry {
            level,
            parent,
            letter,
            ..Entry::default()
        });
        if let Some(p) = parent.and_then(|p| self.entries.get_mut(p as usize)) {
            p.children.push(id);
        }
        self.open_entries.push(id);
        Ok(id)
    }

    fn start(&mut self, e: &BytesStart<'_>, pos: u64) -> Result<()> {
        let name = e.name().into_inner();
        let parent = self.stack.last().map(|(o, _)| *o);
        let open = match (parent, name) {
            (Some(Open::Skipped), _) => Open::Skipped,
            (None, "ICD10CM.index") => {
                self.seen_root = true;
                Open::Root
            }
            (None, other) => {
                return Err(self.err_at(
                    pos,
                    format!(
                        "root element is <{other}>, expected <ICD10CM.index>: not an ICD-10-CM index or table file"
                    ),
                ));
            }
            (Some(Open::Root), "version") => Open::Version,
            (Some(Open::Root), "title") => Open::FileTitle,
            (Some(Open::Root), "indexHeading") => {
                if !self.letters.is_empty() {
                    return Err(self.err_at(pos, "<indexHeading> after the first <letter>"));
                }
                if self.heading_pos.is_some() {
                    return Err(self.err_at(pos, "a second <indexHeading>"));
                }
                self.heading_pos = Some(pos);
                Open::Heading
            }
            (Some(Open::Heading), "head") => {
                let col = self.col_attr(e, pos, "head")?;
                if self.columns.iter().any(|c| c.col == col) {
                    return Err(self.err_at(pos, format!("column {col} is headed twice")));
                }
                Open::Head(col)
            }
            (Some(Open::Root), "letter") => {
                self.letters.push(String::new());
                Open::Letter
            }
            (Some(Open::Letter), "title") => Open::LetterTitle,
            (Some(Open::Letter), "mainTerm") => {
                let id = self.new_entry(0, None)?;
                self.main_terms.push(id);
                Open::MainTerm
            }
            (Some(Open::Root), "mainTerm") => {
                return Err(self.err_at(pos, "<mainTerm> outside a <letter>"));
            }
            (Some(p), "term") if p.is_entry() => {
                let parent_id = self.open_entries.last().copied();
                let parent_level = parent_id
                    .and_then(|p| self.entries.get(p as usize))
                    .map_or(0, |p| p.level);
                let Some(raw) = attr(e, "level") else {
                    return Err(self.err_at(pos, "<term> without a level attribute"));
                };
                let Ok(level) = raw.parse::<u8>() else {
                    return Err(self.err_at(
                        pos,
                        format!("<term level=\"{raw}\">: level is not a number"),
                    ));
                };
                let expected = parent_level.saturating_add(1);
                if level != expected {
                    return Err(self.err_at(
                        pos,
                        format!(
                            "<term level=\"{level}\"> inside a level {parent_level} entry: subterm levels go down one at a time (expected level {expected})"
                        ),
                    ));
                }
                if level > MAX_LEVEL {
                    return Err(self.err_at(
                        pos,
                        format!("subterms nested deeper than level {MAX_LEVEL}"),
                    ));
                }
                self.new_entry(level, parent_id)?;
                Open::Term
            }
            (Some(p), "title") if p.is_entry() => {
                if self.current_entry().is_some_and(|en| !en.title.is_empty()) {
                    return Err(self.err_at(pos, "a second <title> in the same entry"));
                }
                self.title_essential.clear();
                self.title_printed.clear();
                Open::Title
            }
            (Some(Open::Title | Open::Inline), "nemod") => {
                if self
                    .title_printed
                    .chars()
                    .last()
                    .is_some_and(|c| !c.is_whitespace())
                {
                    self.title_printed.push(' ');
                }
                self.nemod.clear();
                Open::Nemod
            }
            (Some(Open::Title | Open::Nemod | Open::Inline), _) => Open::Inline,
            (Some(p), _) if p.is_leaf() => Open::Inline,
            (Some(p), "code") if p.is_entry() => Open::Code,
            (Some(p), "manif") if p.is_entry() => Open::Manif,
            (Some(p), "see") if p.is_entry() => Open::See,
            (Some(p), "seeAlso") if p.is_entry() => Open::SeeAlso,
            (Some(p), "seecat") if p.is_entry() => Open::SeeCat,
            (Some(p), "subcat") if p.is_entry() => Open::SubCat,
            (Some(p), "cell") if p.is_entry() => {
                let col = self.col_attr(e, pos, "cell")?;
                if self.columns.is_empty() {
                    return Err(self.err_at(
                        pos,
                        "<cell> in a file without an <indexHeading>: cells belong to the drug and neoplasm tables",
                    ));
                }
                if col == 1 || !self.columns.iter().any(|c| c.col == col) {
                    return Err(self.err_at(
                        pos,
                        format!(
                            "<cell col=\"{col}\">: not a code column of this table's <indexHeading>"
                        ),
                    ));
                }
                if self
                    .current_entry()
                    .is_some_and(|en| en.cells.iter().any(|(c, _)| *c == col))
                {
                    return Err(self.err_at(pos, format!("column {col} given twice in one row")));
                }
                Open::Cell(col)
            }
            (_, "nemod") => {
                return Err(self.err_at(pos, "<nemod> outside a <title>"));
            }
            (_, other) if ENTRY_PARTS.contains(&other) => {
                return Err(self.err_at(
                    pos,
                    format!(
                        "<{other}> outside a <mainTerm> or <term> (inside <{}>)",
                        parent.map_or("document", Open::name)
                    ),
                ));
            }
            (_, other) => {
                self.skip(other);
                Open::Skipped
            }
        };
        if open.is_leaf() {
            self.text.clear();
        }
        self.stack.push((open, pos));
        Ok(())
    }

    fn end(&mut self, pos: u64) -> Result<()> {
        let Some((open, start)) = self.stack.pop() else {
            return Err(self.err_at(pos, "closing tag without an opening tag"));
        };
        let text = if open.is_leaf() {
            normalize_space(&self.text)
        } else {
            String::new()
        };
        match open {
            Open::Version => {
                let Ok(year) = text.parse::<i16>() else {
                    return Err(self.err_at(start, format!("<version> \"{text}\" is not a year")));
                };
                self.version = Some(year);
            }
            Open::FileTitle => self.file_title = Some(text),
            Open::Head(col) => self.columns.push(Column { col, heading: text }),
            Open::LetterTitle => {
                if let Some(l) = self.letters.last_mut() {
                    *l = text;
                }
            }
            Open::Letter => {
                if self.letters.last().is_some_and(String::is_empty) {
                    return Err(self.err_at(start, "<letter> without a <title>"));
                }
            }
            Open::Heading => {
                if !self.columns.iter().any(|c| c.col == 1) {
                    return Err(self.err_at(start, "<indexHeading> without a column 1 heading"));
                }
                self.columns.sort_by_key(|c| c.col);
            }
            Open::Title => {
                let essential = normalize_space(&self.title_essential);
                let printed = normalize_space(&self.title_printed);
                if printed.is_empty() {
                    return Err(self.err_at(start, "empty <title>"));
                }
                if let Some(en) = self.current_entry() {
                    if essential.is_empty() {
                        en.title = printed;
                    } else {
                        if printed != essential {
                            en.printed = printed;
                        }
                        en.title = essential;
                    }
                }
            }
            Open::Nemod => {
                let nemod = normalize_space(&self.nemod);
                self.nemod.clear();
                if !nemod.is_empty()
                    && let Some(en) = self.current_entry()
                {
                    en.nemod.push(nemod);
                }
            }
            Open::Code => {
                let Some(code) = IndexCode::parse(&text) else {
                    return Err(
                        self.err_at(start, format!("<code> \"{text}\" is not an ICD-10-CM code"))
                    );
                };
                if let Some(en) = self.current_entry() {
                    en.codes.push(code);
                }
            }
            Open::Cell(col) => {
                let code = if text.is_empty() || text.bytes().all(|b| b == b'-') {
                    None
                } else {
                    match IndexCode::parse(&text) {
                        Some(c) => Some(c),
                        None => {
                            return Err(self.err_at(
                                start,
                                format!(
                                    "<cell col=\"{col}\"> \"{text}\" is neither an ICD-10-CM code nor a dash"
                                ),
                            ));
                        }
                    }
                };
                if let Some(en) = self.current_entry() {
                    en.cells.push((col, code));
                }
            }
            Open::Manif => {
                if text.is_empty() {
                    return Err(self.err_at(start, "empty <manif>"));
                }
                if let Some(en) = self.current_entry() {
                    en.manif.push(text);
                }
            }
            Open::See | Open::SeeAlso => {
                if text.is_empty() {
                    return Err(self.err_at(start, format!("empty <{}>", open.name())));
                }
                let kind = if open == Open::See {
                    CrossRefKind::See
                } else {
                    CrossRefKind::SeeAlso
                };
                if let Some(en) = self.current_entry() {
                    en.refs.push(CrossRef { kind, target: text });
                }
            }
            Open::SeeCat | Open::SubCat => {
                let Some(code) = IndexCode::parse(&text) else {
                    return Err(self.err_at(
                        start,
                        format!("<{}> \"{text}\" is not an ICD-10-CM code", open.name()),
                    ));
                };
                let kind = if open == Open::SeeCat {
                    CrossRefKind::SeeCategory
                } else {
                    CrossRefKind::SeeSubcategory
                };
                if let Some(en) = self.current_entry() {
                    en.refs.push(CrossRef {
                        kind,
                        target: code.to_string(),
                    });
                }
            }
            Open::MainTerm | Open::Term => {
                let id = self.open_entries.pop();
                let untitled = id
                    .and_then(|i| self.entries.get(i as usize))
                    .is_none_or(|en| en.title.is_empty());
                if untitled {
                    return Err(self.err_at(start, format!("<{}> without a <title>", open.name())));
                }
            }
            Open::Root | Open::Inline | Open::Skipped => {}
        }
        Ok(())
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.trim().to_string())
}

/// Collapses runs of whitespace to one space and trims.
fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------

/// A view of one entry (main term or subterm) of an [`IndexSet`].
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    set: &'a IndexSet,
    id: u32,
    entry: &'a Entry,
}

impl fmt::Debug for EntryRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryRef({}: {})", self.id, self.path_string())
    }
}

impl PartialEq for EntryRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.set, other.set) && self.id == other.id
    }
}

impl<'a> EntryRef<'a> {
    pub fn id(&self) -> EntryId {
        EntryId(self.id)
    }

    /// 0 for a main term, 1.. for subterms.
    pub fn level(&self) -> u8 {
        self.entry.level
    }

    pub fn is_main_term(&self) -> bool {
        self.entry.parent.is_none()
    }

    /// The essential words of the title, nonessential modifiers removed:
    /// "Abandonment NEC".
    pub fn title(&self) -> &'a str {
        &self.entry.title
    }

    /// The title as printed, modifiers in place:
    /// "Abandonment (causing exposure to weather conditions) (with intent to injure or kill) NEC".
    pub fn printed_title(&self) -> &'a str {
        if self.entry.printed.is_empty() {
            &self.entry.title
        } else {
            &self.entry.printed
        }
    }

    /// Nonessential modifiers as printed, each a parenthesised group: "(adult) (child)".
    pub fn nonessential(&self) -> &'a [String] {
        &self.entry.nemod
    }

    /// The letter section ("A", "#") the main term of this entry is filed under.
    pub fn letter(&self) -> &'a str {
        self.set
            .data
            .letters
            .get(self.entry.letter as usize)
            .map_or("", String::as_str)
    }

    pub fn parent(&self) -> Option<EntryRef<'a>> {
        self.entry.parent.and_then(|p| self.set.entry_ref(p))
    }

    /// The subterms one level down, in index order.
    pub fn children(&self) -> impl Iterator<Item = EntryRef<'a>> + 'a {
        let set = self.set;
        self.entry
            .children
            .iter()
            .filter_map(move |&c| set.entry_ref(c))
    }

    /// Main term first, this entry last.
    pub fn path(&self) -> Vec<EntryRef<'a>> {
        let mut out = vec![*self];
        let mut cur = self.entry.parent;
        // Parents always come before their children (checked on load), so this ends.
        while let Some(p) = cur.and_then(|p| self.set.entry_ref(p)) {
            cur = p.entry.parent;
            out.push(p);
            if out.len() > usize::from(MAX_LEVEL) + 1 {
                break;
            }
        }
        out.reverse();
        out
    }

    /// The path as a coder writes it: "Fracture, femur, neck", "Neoplasm, lung".
    /// Walking this string finds the entry again.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for (i, e) in self.path().iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(e.path_title());
        }
        out
    }

    /// The title used in paths: in the neoplasm table the main term "Neoplasm,
    /// neoplastic" is written "Neoplasm" ("Neoplasm, lung").
    fn path_title(&self) -> &'a str {
        if self.set.data.kind == IndexKind::Neoplasms && self.entry.parent.is_none() {
            return self.entry.title.split(',').next().map_or("", str::trim);
        }
        &self.entry.title
    }

    /// `code` elements of the entry (empty in the tables).
    pub fn own_codes(&self) -> &'a [IndexCode] {
        &self.entry.codes
    }

    /// Every code the entry gives: its codes, its table cells with their column
    /// headings, and its manifestation codes.
    pub fn codes(&self) -> Vec<EntryCode> {
        let mut out: Vec<EntryCode> = self
            .entry
            .codes
            .iter()
            .map(|c| EntryCode {
                code: *c,
                source: CodeSource::Code,
            })
            .collect();
        for (col, code) in &self.entry.cells {
            if let Some(code) = code {
                out.push(EntryCode {
                    code: *code,
                    source: CodeSource::Cell {
                        col: *col,
                        heading: self.set.heading(*col).to_string(),
                    },
                });
            }
        }
        for m in &self.entry.manif {
            if let Some(code) = IndexCode::parse(m) {
                out.push(EntryCode {
                    code,
                    source: CodeSource::Manifestation,
                });
            }
        }
        out
    }

    /// The row's cells in column order, dashes included as `None` (tables only).
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells: Vec<Cell> = self
            .entry
            .cells
            .iter()
            .map(|(col, code)| Cell {
                col: *col,
                heading: self.set.heading(*col).to_string(),
                code: *code,
            })
            .collect();
        cells.sort_by_key(|c| c.col);
        cells
    }

    /// The code in one column of a table row.
    pub fn cell(&self, col: u8) -> Option<&'a IndexCode> {
        self.entry
            .cells
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, code)| code.as_ref())
    }

    /// `manif` elements as written: normally a code printed in brackets ("H28"); the
    /// FY2023 neoplasm table also has one with words.
    pub fn manifestations(&self) -> &'a [String] {
        &self.entry.manif
    }

    pub fn cross_references(&self) -> &'a [CrossRef] {
        &self.entry.refs
    }
}

// ---------------------------------------------------------------------------------
// The set
// ---------------------------------------------------------------------------------

impl IndexSet {
    fn new(data: Stored) -> IndexSet {
        IndexSet {
            data,
            walk_titles: OnceLock::new(),
            search: OnceLock::new(),
            by_code: OnceLock::new(),
        }
    }

    /// Same as [`parse_index`].
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<IndexSet> {
        parse_index(path, bytes)
    }

    pub fn kind(&self) -> IndexKind {
        self.data.kind
    }

    /// The year declared by the file's `<version>`.
    pub fn version(&self) -> Option<i16> {
        self.data.version
    }

    /// The file's own `<title>`, when it has one.
    pub fn title(&self) -> Option<&str> {
        self.data.title.as_deref()
    }

    /// Table columns (empty for the two indexes), column 1 first.
    pub fn columns(&self) -> &[Column] {
        &self.data.columns
    }

    /// The heading of a table column, "" when there is none.
    pub fn heading(&self, col: u8) -> &str {
        self.data
            .columns
            .iter()
            .find(|c| c.col == col)
            .map_or("", |c| c.heading.as_str())
    }

    /// Number of entries (main terms and subterms).
    pub fn len(&self) -> usize {
        self.data.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.entries.is_empty()
    }

    fn entry_ref(&self, id: u32) -> Option<EntryRef<'_>> {
        self.data.entries.get(id as usize).map(|entry| EntryRef {
            set: self,
            id,
            entry,
        })
    }

    pub fn entry(&self, id: EntryId) -> Option<EntryRef<'_>> {
        self.entry_ref(id.0)
    }

    /// Main terms in index order.
    pub fn main_terms(&self) -> impl Iterator<Item = EntryRef<'_>> + '_ {
        self.data
            .main_terms
            .iter()
            .filter_map(|&id| self.entry_ref(id))
    }

    /// Every entry in document order (a main term, then its subterms depth first).
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> + '_ {
        (0..self.data.entries.len() as u32).filter_map(|id| self.entry_ref(id))
    }

    pub fn counts(&self) -> IndexCounts {
        let mut c = IndexCounts {
            letters: self.data.letters.len(),
            main_terms: self.data.main_terms.len(),
            entries: self.data.entries.len(),
            skipped_elements: self.data.skipped.clone(),
            ..IndexCounts::default()
        };
        c.subterms = c.entries - c.main_terms.min(c.entries);
        let mut distinct: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for e in &self.data.entries {
            c.max_level = c.max_level.max(e.level);
            c.codes += e.codes.len();
            c.cells += e.cells.len();
            let with_code = e.cells.iter().filter(|(_, v)| v.is_some()).count();
            c.cells_with_code += with_code;
            if with_code > 0 {
                c.table_rows += 1;
            }
            c.manifestations += e.manif.len();
            c.nonessential_modifiers += e.nemod.len();
            for r in &e.refs {
                match r.kind {
                    CrossRefKind::See => c.see += 1,
                    CrossRefKind::SeeAlso => c.see_also += 1,
                    CrossRefKind::SeeCategory => c.see_category += 1,
                    CrossRefKind::SeeSubcategory => c.see_subcategory += 1,
                }
            }
            distinct.extend(e.codes.iter().map(IndexCode::as_str));
            distinct.extend(
                e.cells
                    .iter()
                    .filter_map(|(_, v)| v.as_ref().map(IndexCode::as_str)),
            );
            distinct.extend(
                e.manif
                    .iter()
                    .filter(|m| IndexCode::parse(m).is_some())
                    .map(String::as_str),
            );
        }
        c.distinct_codes = distinct.len();
        c
    }

    // -- persistence -------------------------------------------------------------

    /// The set as bytes for the data directory: magic, CRC-32 and length of the
    /// payload, then the payload (compact JSON).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let payload = serde_json::to_vec(&self.data).map_err(|e| CodesError::Store {
            path: std::path::PathBuf::new(),
            message: format!("cannot serialise the {}: {e}", self.data.kind),
        })?;
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Reads bytes written by [`IndexSet::to_bytes`]. Damaged or foreign bytes give
    /// [`CodesError::CorruptIndex`] naming `path`; never panics.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<IndexSet> {
        let corrupt = |message: String| CodesError::CorruptIndex {
            path: path.to_path_buf(),
            message,
        };
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(corrupt("not an ICD-10-CM index family file".into()));
        }
        let mut crc = [0u8; 4];
        crc.copy_from_slice(&bytes[8..12]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[12..20]);
        let payload = &bytes[HEADER_LEN..];
        if u64::from_le_bytes(len) != payload.len() as u64 {
            return Err(corrupt(format!(
                "length {} recorded, {} present (truncated?)",
                u64::from_le_bytes(len),
                payload.len()
            )));
        }
        if crc32fast::hash(payload) != u32::from_le_bytes(crc) {
            return Err(corrupt("checksum mismatch".into()));
        }
        let data: Stored = serde_json::from_slice(payload)
            .map_err(|e| corrupt(format!("unreadable payload: {e}")))?;
        check_stored(&data).map_err(corrupt)?;
        Ok(IndexSet::new(data))
    }

    // -- walking -------------------------------------------------------------------

    /// Titles prepared for walking, and the most comma parts any title has.
    fn walk_titles(&self) -> (&[WalkTitle], usize) {
        let (titles, max_parts) = self.walk_titles.get_or_init(|| {
            let titles: Vec<WalkTitle> = self
                .data
                .entries
                .iter()
                .map(|e| WalkTitle::new(&e.title))
                .collect();
            let max_parts = titles.iter().map(|t| t.parts.len()).max().unwrap_or(1);
            (titles, max_parts)
        });
        (titles, *max_parts)
    }

    /// Walks the index like a coder: "Fracture, femur, neck" finds the main term,
    /// then each subterm one level down. Comparison ignores case, spacing and
    /// nonessential modifiers (a parenthesised part typed in the query is ignored
    /// too); a step matches a title exactly, one of its comma-separated alternatives
    /// ("Fall" for "Fall, falling"), or the title without a trailing NEC/NOS; the last
    /// step may be a prefix ("Fracture, femur, ne"). In the neoplasm table the walk
    /// may start at the site ("lung" is "Neoplasm, lung").
    ///
    /// When several paths fit, the closest one is the entry (exact titles before
    /// synonyms, synonyms like "Fall, falling" before qualified main terms like
    /// "Fracture, pathological", prefixes last, then index order) and the others are
    /// given as [`IndexWalk::alternatives`].
    pub fn walk(&self, path: &str) -> IndexWalk<'_> {
        let segments = query_segments(path);
        let mut walk = IndexWalk {
            query: segments.clone(),
            trail: Vec::new(),
            unmatched: Vec::new(),
            alternatives: Vec::new(),
        };
        if segments.is_empty() {
            return walk;
        }
        let (titles, max_parts) = self.walk_titles();
        let mut search = WalkSearch {
            titles,
            max_parts,
            segments: &segments,
            trail: Vec::new(),
            complete: Vec::new(),
            best: (Vec::new(), 0),
            budget: 50_000,
        };
        self.walk_from(&self.data.main_terms, 0, 0, &mut search);
        let mut implicit_main: Option<u32> = None;
        if search.complete.is_empty() && self.data.kind == IndexKind::Neoplasms {
            // The table is by site: start under its main term.
            for &m in &self.data.main_terms {
                let before = search.best.1;
                let children: &[u32] = self
                    .data
                    .entries
                    .get(m as usize)
                    .map_or(&[], |e| e.children.as_slice());
                search.trail.clear();
                self.walk_from(children, 0, 0, &mut search);
                if !search.complete.is_empty() || search.best.1 > before {
                    implicit_main = Some(m);
                }
                if !search.complete.is_empty() {
                    break;
                }
            }
        }
        let titles = search.titles;
        let mut complete = std::mem::take(&mut search.complete);
        // Stable: equal costs keep the order found (best kind of step first).
        complete.sort_by_key(|(_, cost)| *cost);
        let with_main = |ids: &[u32]| -> Vec<EntryRef<'_>> {
            let mut out = Vec::with_capacity(ids.len() + 1);
            if let Some(m) = implicit_main
                && ids
                    .first()
                    .and_then(|f| self.data.entries.get(*f as usize))
                    .is_some_and(|e| e.parent == Some(m))
            {
                out.extend(self.entry_ref(m));
            }
            out.extend(ids.iter().filter_map(|&i| self.entry_ref(i)));
            out
        };
        if let Some((ids, _)) = complete.first() {
            walk.trail = with_main(ids);
            let last = ids.last().copied();
            let mut alternatives: Vec<u32> = complete
                .iter()
                .skip(1)
                .filter_map(|(t, _)| t.last().copied())
                .collect();
            if let (Some(last), Some(seg)) = (last, segments.last())
                && titles
                    .get(last as usize)
                    .is_some_and(|t| t.matches(seg) == Step::Prefix)
            {
                for s in self.siblings_of(last) {
                    if titles.get(s as usize).is_some_and(|t| t.prefix(seg)) {
                        alternatives.push(s);
                    }
                }
            }
            let mut seen = Vec::new();
            for a in alternatives {
                if Some(a) != last && !seen.contains(&a) {
                    seen.push(a);
                }
            }
            walk.alternatives = seen.iter().filter_map(|&a| self.entry_ref(a)).collect();
        } else {
            let (ids, consumed) = std::mem::take(&mut search.best);
            walk.trail = with_main(&ids);
            walk.unmatched = segments.get(consumed..).unwrap_or_default().to_vec();
            let candidates: Vec<u32> = match ids.last() {
                Some(&l) => self
                    .data
                    .entries
                    .get(l as usize)
                    .map(|e| e.children.clone())
                    .unwrap_or_default(),
                None => self.data.main_terms.clone(),
            };
            if let Some(seg) = walk.unmatched.first() {
                let words: Vec<&str> = seg.split_whitespace().collect();
                walk.alternatives = candidates
                    .iter()
                    .filter(|&&c| {
                        titles
                            .get(c as usize)
                            .is_some_and(|t| words.iter().any(|w| t.full.contains(w)))
                    })
                    .take(20)
                    .filter_map(|&c| self.entry_ref(c))
                    .collect();
            }
        }
        walk
    }

    fn siblings_of(&self, id: u32) -> Vec<u32> {
        match self.data.entries.get(id as usize).and_then(|e| e.parent) {
            Some(p) => self
                .data
                .entries
                .get(p as usize)
                .map(|e| e.children.clone())
                .unwrap_or_default(),
            None => self.data.main_terms.clone(),
        }
    }

    /// Depth-first search over the candidates of one level, best kind of match
    /// first, collecting complete walks (all segments consumed) with their cost and
    /// the deepest partial walk.
    fn walk_from(&self, candidates: &[u32], at: usize, cost: u32, s: &mut WalkSearch<'_>) {
        if at >= s.segments.len() {
            if s.complete.len() < 16 {
                s.complete.push((s.trail.clone(), cost));
            }
            return;
        }
        if s.budget == 0 || s.complete.len() >= 16 {
            return;
        }
        s.budget -= 1;
        let remaining = s.segments.len() - at;
        let last_possible = at + 1 == s.segments.len();
        // (candidate, segments consumed, cost of the step), in priority order.
        let mut options: Vec<(u32, usize, u32)> = Vec::new();
        for k in (1..=remaining.min(s.max_parts)).rev() {
            let joined = s.segments[at..at + k].join(", ");
            for &c in candidates {
                if s.titles
                    .get(c as usize)
                    .is_some_and(|t| t.matches(&joined) == Step::Exact)
                {
                    options.push((c, k, 0));
                }
            }
        }
        let seg = &s.segments[at];
        for kind in [Step::Alternative, Step::Prefix] {
            if kind == Step::Prefix && !last_possible {
                continue;
            }
            for &c in candidates {
                let Some(t) = s.titles.get(c as usize) else {
                    continue;
                };
                if t.matches(seg) == kind && !options.iter().any(|o| o.0 == c && o.1 == 1) {
                    let step_cost = match kind {
                        Step::Alternative if t.is_synonym_list(seg) => 1,
                        Step::Alternative => 2,
                        _ => 4,
                    };
                    options.push((c, 1, step_cost));
                }
            }
        }
        for (c, k, step_cost) in options {
            s.trail.push(c);
            if at + k > s.best.1 {
                s.best = (s.trail.clone(), at + k);
            }
            let children: &[u32] = self
                .data
                .entries
                .get(c as usize)
                .map_or(&[], |e| e.children.as_slice());
            self.walk_from(children, at + k, cost + step_cost, s);
            s.trail.pop();
        }
    }

    // -- search --------------------------------------------------------------------

    fn search_index(&self) -> &SearchIndex {
        self.search.get_or_init(|| SearchIndex::build(&self.data))
    }

    /// Entries for a free-text query, best first. Words may come in any order and
    /// are compared as stems; every word must be found along the entry's path (its
    /// own title, its parents', their nonessential modifiers) or, in the tables, in
    /// a column heading, which then narrows the codes to that column ("aspirin
    /// intentional" gives T39.012 only). The entry's own title must hold at least one
    /// word, so a query names the deepest entry it describes, not all below it.
    pub fn search_entries(&self, query: &str, limit: usize) -> Vec<IndexHit> {
        if limit == 0 {
            return Vec::new();
        }
        let index = self.search_index();
        let words = query_words(query);
        if words.is_empty() {
            return Vec::new();
        }
        let last = words.len() - 1;
        let targets: Vec<QueryTarget> = words
            .iter()
            .enumerate()
            .map(|(i, (_, stem))| index.target(stem, i == last, self.data.kind))
            .collect();
        let mut scored: Vec<Scored> = Vec::new();
        for (id, entry) in self.data.entries.iter().enumerate() {
            let own = index.title.get(id).map_or(&[][..], Vec::as_slice);
            if !targets
                .iter()
                .any(|t| own.iter().any(|s| t.hits(*s).is_some()))
            {
                continue;
            }
            if let Some(hit) = self.score_entry(index, id as u32, entry, &words, &targets) {
                scored.push(hit);
            }
        }
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.depth.cmp(&b.depth))
                .then(a.id.cmp(&b.id))
        });
        scored.truncate(limit);
        scored
            .into_iter()
            .filter_map(
                |Scored {
                     score,
                     id,
                     matches,
                     cols,
                     ..
                 }| {
                    let e = self.entry_ref(id)?;
                    let codes = e
                        .codes()
                        .into_iter()
                        .filter(|c| match &c.source {
                            CodeSource::Cell { col, .. } => cols.is_empty() || cols.contains(col),
                            _ => true,
                        })
                        .collect();
                    Some(IndexHit {
                        entry: EntryId(id),
                        kind: self.data.kind,
                        path: e.path_string(),
                        printed: e.printed_title().to_string(),
                        codes,
                        cross_references: e.cross_references().to_vec(),
                        score,
                        matches,
                    })
                },
            )
            .collect()
    }

    fn score_entry(
        &self,
        index: &SearchIndex,
        id: u32,
        entry: &Entry,
        words: &[(String, String)],
        targets: &[QueryTarget],
    ) -> Option<Scored> {
        // The path, this entry first.
        let mut chain: Vec<(u32, u8)> = vec![(id, entry.level)];
        let mut cur = entry.parent;
        while let Some(p) = cur {
            let pe = self.data.entries.get(p as usize)?;
            chain.push((p, pe.level));
            cur = pe.parent;
            if chain.len() > usize::from(MAX_LEVEL) + 1 {
                return None;
            }
        }
        let mut score = 0f32;
        let mut matches = Vec::with_capacity(words.len());
        let mut used: Vec<u32> = Vec::new();
        let mut column_words: Vec<&QueryTarget> = Vec::new();
        for ((word, _), target) in words.iter().zip(targets) {
            let mut found: Option<(MatchPlace, bool, f32)> = None;
            for (n, &(eid, level)) in chain.iter().enumerate() {
                let stems = index.title.get(eid as usize).map_or(&[][..], Vec::as_slice);
                if let Some((s, prefix)) = stems.iter().find_map(|&s| t_hit(target, s)) {
                    let place = if level == 0 {
                        MatchPlace::MainTerm
                    } else {
                        MatchPlace::Subterm { level }
                    };
                    let weight = if n == 0 { 3.0 } else { 2.0 };
                    found = Some((place, prefix, weight));
                    used.push(s);
                    break;
                }
            }
            if found.is_none() {
                for &(eid, _) in &chain {
                    let stems = index.nemod.get(eid as usize).map_or(&[][..], Vec::as_slice);
                    if let Some((_, prefix)) = stems.iter().find_map(|&s| t_hit(target, s)) {
                        found = Some((MatchPlace::Nonessential, prefix, 1.0));
                        break;
                    }
                }
            }
            if found.is_none() && !target.columns.is_empty() && !entry.cells.is_empty() {
                column_words.push(target);
                found = Some((MatchPlace::Column, target.prefix_only, 1.5));
            }
            let (place, prefix, weight) = found?;
            score += if prefix { weight * 0.6 } else { weight };
            matches.push(WordMatch {
                word: word.clone(),
                place,
                prefix,
            });
        }
        // Columns named by the query: those matching the most column words.
        let mut cols: Vec<u8> = Vec::new();
        if !column_words.is_empty() {
            let mut best = 0usize;
            for (col, _) in &index.columns {
                let n = column_words
                    .iter()
                    .filter(|t| t.columns.contains(col))
                    .count();
                if n > best {
                    best = n;
                    cols.clear();
                }
                if n == best && n > 0 {
                    cols.push(*col);
                }
            }
            for m in &mut matches {
                if m.place == MatchPlace::Column {
                    m.place = MatchPlace::Columns(cols.clone());
                }
            }
            if !entry
                .cells
                .iter()
                .any(|(c, v)| v.is_some() && cols.contains(c))
            {
                score -= 1.0;
            }
        }
        // Words of the path the query did not name make the entry a worse answer.
        let own = index.title.get(id as usize).map_or(&[][..], Vec::as_slice);
        for &s in own {
            if !used.contains(&s) {
                score -= if index.generic.get(s as usize).copied().unwrap_or(false) {
                    0.15
                } else {
                    0.5
                };
            }
        }
        let mut extra = 0f32;
        for &(eid, _) in chain.iter().skip(1) {
            let stems = index.title.get(eid as usize).map_or(&[][..], Vec::as_slice);
            // Alternatives of one title ("Fall, falling") count once.
            if !stems.iter().any(|s| used.contains(s)) && !stems.is_empty() {
                extra += 0.5;
            }
        }
        score -= extra.min(2.0);
        let has_code = !entry.codes.is_empty() || entry.cells.iter().any(|(_, v)| v.is_some());
        if has_code {
            score += 0.3;
        }
        score -= 0.05 * f32::from(entry.level);
        Some(Scored {
            score,
            depth: chain.len(),
            id,
            matches,
            cols,
        })
    }

    // -- codes ---------------------------------------------------------------------

    fn code_rows(&self) -> &[CodeRow] {
        self.by_code.get_or_init(|| {
            let mut rows = Vec::new();
            for (id, e) in self.data.entries.iter().enumerate() {
                let id = id as u32;
                for c in &e.codes {
                    rows.push(CodeRow {
                        entry: id,
                        key: c.key(),
                        code: *c,
                        source: RowSource::Code,
                    });
                }
                for (col, v) in &e.cells {
                    if let Some(c) = v {
                        rows.push(CodeRow {
                            entry: id,
                            key: c.key(),
                            code: *c,
                            source: RowSource::Cell(*col),
                        });
                    }
                }
                for m in &e.manif {
                    if let Some(c) = IndexCode::parse(m) {
                        rows.push(CodeRow {
                            entry: id,
                            key: c.key(),
                            code: c,
                            source: RowSource::Manifestation,
                        });
                    }
                }
                for r in &e.refs {
                    let source = match r.kind {
                        CrossRefKind::SeeCategory => RowSource::SeeCategory,
                        CrossRefKind::SeeSubcategory => RowSource::SeeSubcategory,
                        _ => continue,
                    };
                    if let Some(c) = IndexCode::parse(&r.target) {
                        rows.push(CodeRow {
                            entry: id,
                            key: c.key(),
                            code: c,
                            source,
                        });
                    }
                }
            }
            rows
        })
    }

    /// The index paths that lead to `code` (any form: "T39.011A", "t39011a",
    /// "S72.00-"): entries giving the code itself first, then entries giving an
    /// incomplete code it continues, or the code without its placeholders and 7th
    /// character, and entries sending the coder to a category or subcategory that
    /// holds it. Empty when `code` is not a code.
    pub fn entries_for_code(&self, code: &str) -> Vec<CodeReference> {
        let Some(key) = CodeKey::parse(code.trim().trim_end_matches('-')) else {
            return Vec::new();
        };
        let mut out: Vec<CodeReference> = Vec::new();
        for row in self.code_rows() {
            let Some(own) = row.key else {
                continue;
            };
            if !key.starts_with(&own) {
                continue;
            }
            // "see subcategory T75.0" sends the coder to everything under T75.0.
            let under = matches!(
                row.source,
                RowSource::SeeCategory | RowSource::SeeSubcategory
            );
            if !under && !row.code.leads_to(key) {
                continue;
            }
            let exact = row.code.key() == Some(key);
            let Some(e) = self.entry_ref(row.entry) else {
                continue;
            };
            let source = match row.source {
                RowSource::Code => CodeSource::Code,
                RowSource::Cell(col) => CodeSource::Cell {
                    col,
                    heading: self.heading(col).to_string(),
                },
                RowSource::Manifestation => CodeSource::Manifestation,
                RowSource::SeeCategory => CodeSource::SeeCategory,
                RowSource::SeeSubcategory => CodeSource::SeeSubcategory,
            };
            out.push(CodeReference {
                entry: EntryId(row.entry),
                path: e.path_string(),
                code: row.code,
                source,
                exact,
            });
        }
        out.sort_by(|a, b| {
            b.exact
                .cmp(&a.exact)
                .then(a.path.len().cmp(&b.path.len()))
                .then(a.entry.cmp(&b.entry))
        });
        out
    }
}

/// Checks what the walkers rely on, for bytes read back from storage.
fn check_stored(data: &Stored) -> std::result::Result<(), String> {
    let n = data.entries.len();
    if n == 0 || data.main_terms.is_empty() {
        return Err("no entries".into());
    }
    if n > u32::MAX as usize {
        return Err("too many entries".into());
    }
    let mut main_count = 0usize;
    for (i, e) in data.entries.iter().enumerate() {
        let i = i as u32;
        match e.parent {
            None => {
                main_count += 1;
                if e.level != 0 {
                    return Err(format!("entry {i}: main term at level {}", e.level));
                }
            }
            Some(p) => {
                let Some(pe) = data.entries.get(p as usize).filter(|_| p < i) else {
                    return Err(format!("entry {i}: parent {p} out of order"));
                };
                if pe.level.checked_add(1) != Some(e.level) || e.level > MAX_LEVEL {
                    return Err(format!(
                        "entry {i}: level {} under level {}",
                        e.level, pe.level
                    ));
                }
                if !pe.children.contains(&i) {
                    return Err(format!("entry {i}: not listed by its parent {p}"));
                }
            }
        }
        for &c in &e.children {
            if c <= i || data.entries.get(c as usize).and_then(|ce| ce.parent) != Some(i) {
                return Err(format!("entry {i}: child {c} does not point back"));
            }
        }
        if e.title.is_empty() {
            return Err(format!("entry {i}: no title"));
        }
        if e.letter as usize >= data.letters.len().max(1) {
            return Err(format!("entry {i}: letter {} out of range", e.letter));
        }
        if !e.codes.iter().all(IndexCode::is_well_formed) {
            return Err(format!("entry {i}: a code is damaged"));
        }
        for (col, v) in &e.cells {
            if !data.columns.iter().any(|c| c.col == *col) || *col == 1 {
                return Err(format!("entry {i}: cell in column {col} without a heading"));
            }
            if v.as_ref().is_some_and(|c| !c.is_well_formed()) {
                return Err(format!("entry {i}: a cell code is damaged"));
            }
        }
    }
    if main_count != data.main_terms.len()
        || data.main_terms.iter().any(|&m| {
            data.entries
                .get(m as usize)
                .is_none_or(|e| e.parent.is_some())
        })
    {
        return Err("main term list does not match the entries".into());
    }
    if data.kind.is_table() == data.columns.is_empty() {
        return Err("table columns do not match the kind".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Walk results
// ---------------------------------------------------------------------------------

/// What a walk found: the entries matched along the path, and what was left.
#[derive(Debug, Clone)]
pub struct IndexWalk<'a> {
    query: Vec<String>,
    trail: Vec<EntryRef<'a>>,
    unmatched: Vec<String>,
    alternatives: Vec<EntryRef<'a>>,
}

impl<'a> IndexWalk<'a> {
    /// The entry the whole path leads to, when every step matched.
    pub fn entry(&self) -> Option<EntryRef<'a>> {
        if self.unmatched.is_empty() {
            self.trail.last().copied()
        } else {
            None
        }
    }

    /// The deepest entry reached, even when the walk stopped early.
    pub fn deepest(&self) -> Option<EntryRef<'a>> {
        self.trail.last().copied()
    }

    /// Entries matched, main term first.
    pub fn trail(&self) -> &[EntryRef<'a>] {
        &self.trail
    }

    /// The query split into steps, normalised.
    pub fn query(&self) -> &[String] {
        &self.query
    }

    /// Steps of the query that matched nothing (empty when the walk arrived).
    pub fn unmatched(&self) -> &[String] {
        &self.unmatched
    }

    /// When the last step was a prefix: the other entries it also begins. When the
    /// walk stopped: entries at that level sharing a word with the failing step.
    pub fn alternatives(&self) -> &[EntryRef<'a>] {
        &self.alternatives
    }

    /// Codes of the entry reached (empty when the walk stopped early).
    pub fn codes(&self) -> Vec<EntryCode> {
        self.entry().map(|e| e.codes()).unwrap_or_default()
    }

    /// Subterms of the entry reached: the next level a coder reads.
    pub fn children(&self) -> Vec<EntryRef<'a>> {
        self.entry()
            .map(|e| e.children().collect())
            .unwrap_or_default()
    }

    pub fn cross_references(&self) -> &'a [CrossRef] {
        self.entry().map_or(&[], |e| e.cross_references())
    }
}

/// State of one walk's depth-first search.
struct WalkSearch<'w> {
    titles: &'w [WalkTitle],
    /// No title has more comma parts: longer joins of segments cannot match.
    max_parts: usize,
    segments: &'w [String],
    trail: Vec<u32>,
    /// Complete walks with their cost (lower is closer to what was typed).
    complete: Vec<(Vec<u32>, u32)>,
    /// The deepest partial walk and the number of segments it consumed.
    best: (Vec<u32>, usize),
    budget: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Exact,
    Alternative,
    Prefix,
    None,
}

/// An entry title prepared for walking.
#[derive(Debug, Clone)]
struct WalkTitle {
    /// Lower case, single spaces, ", " between comma parts.
    full: String,
    /// The same without a trailing "nec" / "nos".
    bare: String,
    /// Comma-separated parts, each also without a trailing "nec" / "nos".
    parts: Vec<(String, String)>,
}

impl WalkTitle {
    fn new(title: &str) -> WalkTitle {
        let full = normalize_step(title);
        let parts: Vec<(String, String)> = full
            .split(", ")
            .map(|p| (p.to_string(), strip_nec(p).to_string()))
            .collect();
        WalkTitle {
            bare: strip_nec(&full).to_string(),
            full,
            parts,
        }
    }

    fn matches(&self, seg: &str) -> Step {
        if seg.is_empty() {
            return Step::None;
        }
        if self.full == seg || self.bare == seg {
            return Step::Exact;
        }
        if self.parts.len() > 1 && self.parts.iter().any(|(p, b)| p == seg || b == seg) {
            return Step::Alternative;
        }
        if self.prefix(seg) {
            return Step::Prefix;
        }
        Step::None
    }

    /// True when the parts other than the one typed are forms of the same word
    /// ("Fall, falling", "Femur, femoral"), not qualifiers ("Fracture, pathological").
    fn is_synonym_list(&self, seg: &str) -> bool {
        self.parts
            .iter()
            .filter(|(p, b)| p != seg && b != seg)
            .all(|(p, _)| {
                let common = p
                    .chars()
                    .zip(seg.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                let shorter = p.chars().count().min(seg.chars().count());
                common >= 3 && common * 2 >= shorter
            })
    }

    fn prefix(&self, seg: &str) -> bool {
        !seg.is_empty()
            && (self.full.starts_with(seg) || self.parts.iter().any(|(p, _)| p.starts_with(seg)))
    }
}

fn strip_nec(s: &str) -> &str {
    for suffix in [" nec", " nos"] {
        if let Some(b) = s.strip_suffix(suffix) {
            return b;
        }
    }
    s
}

/// Lower case, whitespace collapsed, spaces around commas normalised to ", ".
fn normalize_step(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split(',').enumerate() {
        let part = normalize_space(&part.to_lowercase());
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&part);
    }
    out
}

/// Splits a walk query at commas; parenthesised groups (nonessential modifiers typed
/// by the user) are dropped.
fn query_segments(path: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => cleaned.push(c),
            _ => {}
        }
    }
    cleaned
        .split(',')
        .map(|s| normalize_space(&s.to_lowercase()))
        .filter(|s| !s.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------
// Search results
// ---------------------------------------------------------------------------------

/// Where a query word was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchPlace {
    /// In the main term's title.
    MainTerm,
    /// In the title of the subterm at this level.
    Subterm { level: u8 },
    /// In a nonessential modifier along the path.
    Nonessential,
    /// In a table column heading (resolved to `Columns`).
    Column,
    /// In the headings of these table columns, which the hit's codes are limited to.
    Columns(Vec<u8>),
}

/// One query word and where it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordMatch {
    pub word: String,
    pub place: MatchPlace,
    /// Matched as the beginning of a word (the last query word only).
    pub prefix: bool,
}

/// An entry found by [`IndexSet::search_entries`].
#[derive(Debug, Clone)]
pub struct IndexHit {
    pub entry: EntryId,
    pub kind: IndexKind,
    /// "Fracture, femur, neck", "Neoplasm, breast, upper-outer quadrant", "Aspirin".
    pub path: String,
    /// The entry's own title as printed, nonessential modifiers in place.
    pub printed: String,
    /// Codes of the entry; for a table row limited to the columns the query named.
    pub codes: Vec<EntryCode>,
    pub cross_references: Vec<CrossRef>,
    pub score: f32,
    pub matches: Vec<WordMatch>,
}

impl IndexHit {
    /// Why the entry matched: "aspirin: main term; intentional: column Poisoning
    /// Intentional self-harm".
    pub fn why(&self, set: &IndexSet) -> String {
        let mut parts = Vec::with_capacity(self.matches.len());
        for m in &self.matches {
            let place = match &m.place {
                MatchPlace::MainTerm => "main term".to_string(),
                MatchPlace::Subterm { level } => format!("subterm level {level}"),
                MatchPlace::Nonessential => "nonessential modifier".to_string(),
                MatchPlace::Column => "column heading".to_string(),
                MatchPlace::Columns(cols) => {
                    let names: Vec<&str> = cols.iter().map(|c| set.heading(*c)).collect();
                    format!("column {}", names.join(" / "))
                }
            };
            let prefix = if m.prefix { " (beginning of word)" } else { "" };
            parts.push(format!("{}: {place}{prefix}", m.word));
        }
        parts.join("; ")
    }

    /// "Aspirin: T39.011 (Poisoning Accidental (unintentional)), …" or
    /// "Accident, automobile: see Accident, transport, car occupant".
    pub fn display(&self) -> String {
        let mut out = self.path.clone();
        let mut items: Vec<String> = self.codes.iter().map(EntryCode::describe).collect();
        items.extend(self.cross_references.iter().map(CrossRef::describe));
        if !items.is_empty() {
            out.push_str(": ");
            out.push_str(&items.join(", "));
        }
        out
    }
}

/// An index path leading to a code, from [`IndexSet::entries_for_code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeReference {
    pub entry: EntryId,
    pub path: String,
    /// The code as the index prints it (may be incomplete or lack the 7th character).
    pub code: IndexCode,
    pub source: CodeSource,
    /// The index gives exactly the code asked for.
    pub exact: bool,
}

#[derive(Debug, Clone, Copy)]
enum RowSource {
    Code,
    Cell(u8),
    Manifestation,
    SeeCategory,
    SeeSubcategory,
}

#[derive(Debug, Clone)]
struct CodeRow {
    entry: u32,
    /// The code without its dash, when it makes a key.
    key: Option<CodeKey>,
    code: IndexCode,
    source: RowSource,
}

/// Stems of every entry, interned, built on the first search.
#[derive(Debug, Clone, Default)]
struct SearchIndex {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    generic: Vec<bool>,
    title: Vec<Vec<u32>>,
    nemod: Vec<Vec<u32>>,
    /// Table columns 2..=7 with the stems of their headings.
    columns: Vec<(u8, Vec<u32>)>,
}

/// Words a coder uses for the neoplasm table's columns that its headings do not use.
const NEOPLASM_COLUMN_WORDS: &[(&str, &str)] = &[
    ("cancer", "malignant"),
    ("carcinoma", "malignant"),
    ("malignancy", "malignant"),
    ("metastatic", "secondary"),
    ("metastasis", "secondary"),
    ("metastases", "secondary"),
    ("insitu", "situ"),
];

impl SearchIndex {
    fn build(data: &Stored) -> SearchIndex {
        let mut index = SearchIndex::default();
        for e in &data.entries {
            let t = index.intern_text(&e.title);
            index.title.push(t);
            let mut n = Vec::new();
            for m in &e.nemod {
                for s in index.intern_text(m) {
                    if !n.contains(&s) {
                        n.push(s);
                    }
                }
            }
            index.nemod.push(n);
        }
        for c in &data.columns {
            if c.col > 1 {
                let stems = index.intern_text(&c.heading);
                index.columns.push((c.col, stems));
            }
        }
        index
    }

    fn intern(&mut self, stem: String) -> u32 {
        if let Some(&id) = self.ids.get(&stem) {
            return id;
        }
        let id = self.names.len() as u32;
        self.generic.push(text::is_generic_stem(&stem));
        self.names.push(stem.clone());
        self.ids.insert(stem, id);
        id
    }

    fn intern_text(&mut self, text_: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for s in text::stems(text_) {
            let id = self.intern(s);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    fn target(&self, stem: &str, last: bool, kind: IndexKind) -> QueryTarget {
        let exact = self.ids.get(stem).copied();
        let mut prefixed = Vec::new();
        if last && stem.chars().count() >= 3 {
            for (i, name) in self.names.iter().enumerate() {
                if name.len() > stem.len() && name.starts_with(stem) {
                    prefixed.push(i as u32);
                }
            }
        }
        let mut column_stems: Vec<u32> = exact.into_iter().collect();
        if kind == IndexKind::Neoplasms {
            for (word, heading_word) in NEOPLASM_COLUMN_WORDS {
                if text::stem(word) == stem
                    && let Some(&id) = self.ids.get(&text::stem(heading_word))
                {
                    column_stems.push(id);
                }
            }
        }
        let mut columns: Vec<u8> = Vec::new();
        let mut prefix_only = false;
        for (col, stems) in &self.columns {
            if stems.iter().any(|s| column_stems.contains(s)) {
                columns.push(*col);
            } else if stems.iter().any(|s| prefixed.binary_search(s).is_ok()) {
                columns.push(*col);
                prefix_only = true;
            }
        }
        QueryTarget {
            exact,
            prefixed,
            columns,
            prefix_only,
        }
    }
}

/// An entry scored for a query.
struct Scored {
    score: f32,
    /// Length of the path: shorter wins a tie.
    depth: usize,
    id: u32,
    matches: Vec<WordMatch>,
    /// Table columns the query named (empty: all).
    cols: Vec<u8>,
}

/// A query word resolved against the stems of the set.
#[derive(Debug, Clone)]
struct QueryTarget {
    exact: Option<u32>,
    /// Stems the word begins (last word only), ascending.
    prefixed: Vec<u32>,
    /// Table columns whose heading holds the word.
    columns: Vec<u8>,
    prefix_only: bool,
}

impl QueryTarget {
    /// `Some(prefix?)` when the stem matches.
    fn hits(&self, stem: u32) -> Option<bool> {
        if self.exact == Some(stem) {
            Some(false)
        } else if self.prefixed.binary_search(&stem).is_ok() {
            Some(true)
        } else {
            None
        }
    }
}

fn t_hit(target: &QueryTarget, stem: u32) -> Option<(u32, bool)> {
    target.hits(stem).map(|p| (stem, p))
}

/// Query words with their stems, stopwords removed, each stem once.
fn query_words(query: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for token in text::tokens(query) {
        if text::is_stopword(&token) {
            continue;
        }
        let stem = text::stem(&token);
        if !out.iter().any(|(_, s)| *s == stem) {
            out.push((token, stem));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_codes_parse_like_the_printed_index() {
        for ok in [
            "W06", "T39.011", "S72.00-", "c79.8-", "T51.3X1", "V00.131", "D05.-",
        ] {
            assert!(IndexCode::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "-",
            "--",
            "W0",
            "S72.",
            "S72.12345",
            "S7200",
            "72.0",
            "S72.0 1",
        ] {
            assert!(IndexCode::parse(bad).is_none(), "{bad}");
        }
        let c = IndexCode::parse("s72.00-");
        assert_eq!(c.map(|c| c.to_string()).as_deref(), Some("S72.00-"));
        assert!(c.is_some_and(|c| c.is_incomplete()));
        assert!(IndexCode::parse("A00.0000-").is_some());
    }

    #[test]
    fn index_codes_lead_to_tabular_codes() {
        let lead = |index: &str, code: &str| {
            let (Some(i), Some(k)) = (IndexCode::parse(index), CodeKey::parse(code)) else {
                return false;
            };
            i.leads_to(k)
        };
        assert!(lead("T39.011", "T39.011A"));
        assert!(lead("W06", "W06.XXXA"));
        assert!(lead("S72.00-", "S72.001A"));
        assert!(lead("D38.1", "D38.1"));
        assert!(!lead("W06", "W06.1XXA"));
        assert!(!lead("D38.1", "D38.10"));
    }

    #[test]
    fn walk_steps_compare_like_a_coder() {
        let t = WalkTitle::new("Fall, falling");
        assert_eq!(t.matches("fall"), Step::Alternative);
        assert_eq!(t.matches("fall, falling"), Step::Exact);
        assert_eq!(t.matches("fal"), Step::Prefix);
        let t = WalkTitle::new("animal  NEC");
        assert_eq!(t.matches("animal"), Step::Exact);
        assert_eq!(
            query_segments("Accident (to) ,  Aircraft (in transit)"),
            ["accident", "aircraft"]
        );
    }
}
