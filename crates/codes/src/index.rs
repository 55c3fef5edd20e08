//! The prebuilt index: one file per imported version, loaded in a few milliseconds.
//!
//! Layout: a 32-byte header (magic, format version, section count, payload length,
//! CRC-32 of everything after the header), a section table, then sections of plain
//! little-endian records ([`bytemuck::Pod`]) and one UTF-8 string blob. Loading is a
//! read, a checksum, a copy of each section into a typed vector and a bounds check of
//! every reference, after which all accesses are trusted. The format is ours, so it
//! is versioned by [`FORMAT_VERSION`]; an index from another version is refused and
//! the person is told to re-import.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};
use serde::{Deserialize, Serialize};

use crate::code::CodeKey;
use crate::error::{CodesError, Result};
use crate::model::{NodeKind, NoteKind, RawCodeSet};
use crate::text;
use crate::version::VersionInfo;

const MAGIC: &[u8; 8] = b"RCMCODES";
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 32;
const MAX_SECTIONS: usize = 64;
pub(crate) const NONE: u32 = u32::MAX;

pub(crate) const FLAG_BILLABLE: u8 = 1;
pub(crate) const FLAG_MANIFESTATION: u8 = 2;

pub(crate) const FIELD_TITLE: u32 = 0;
pub(crate) const FIELD_INCLUSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug, Default, PartialEq, Eq)]
pub(crate) struct StrRef {
    pub off: u32,
    pub len: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
pub(crate) struct Node {
    pub code: StrRef,
    pub title: StrRef,
    pub parent: u32,
    pub kind: u8,
    pub flags: u8,
    pub depth: u8,
    pub _pad: u8,
    pub children: Span,
    pub notes: Span,
    /// The 7th-character definition this node itself carries.
    pub seven_def: u32,
    /// The definition in force here: its own or the nearest ancestor's.
    pub eff_seven: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
pub(crate) struct NoteRec {
    pub text: StrRef,
    pub kind: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
pub(crate) struct SevenExt {
    pub text: StrRef,
    pub ch: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
pub(crate) struct CodeEntry {
    pub key: [u8; 8],
    pub node: u32,
    /// The 7th character when this entry is a 7th-character expansion of `node`.
    pub seventh: u8,
    pub flags: u8,
    pub _pad: [u8; 2],
}

/// A piece of text a search can match: a title or an inclusion term of a node.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
pub(crate) struct Entry {
    pub node: u32,
    pub field: u32,
    pub text: StrRef,
    /// Term ids of the entry's words, in order, into `forward`.
    pub tokens: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
enum SectionId {
    Meta = 1,
    Strings = 2,
    Nodes = 3,
    Notes = 4,
    Children = 5,
    SevenDefs = 6,
    SevenExts = 7,
    Codes = 8,
    Entries = 9,
    Forward = 10,
    Terms = 11,
    PostingOffsets = 12,
    Postings = 13,
    Surface = 14,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    /// Codes and headers, 7th-character expansions included (chapters and sections not).
    pub codes: u32,
    pub billable: u32,
    pub headers: u32,
    pub chapters: u32,
    pub sections: u32,
    pub notes: u32,
    pub search_terms: u32,
    /// Counts particular to a code system (PCS tables and rows, HCPCS modifiers, …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub details: std::collections::BTreeMap<String, u64>,
}

/// A freshly built index, before it is written (owned vectors).
pub struct Built {
    pub(crate) strings: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) notes: Vec<NoteRec>,
    pub(crate) children: Vec<u32>,
    pub(crate) seven_defs: Vec<Span>,
    pub(crate) seven_exts: Vec<SevenExt>,
    pub(crate) codes: Vec<CodeEntry>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) forward: Vec<u32>,
    pub(crate) terms: fst::Map<Vec<u8>>,
    pub(crate) posting_offsets: Vec<u32>,
    pub(crate) postings: Vec<u32>,
    /// Words as written (lower case) → the term id of their stem, for typo and
    /// prefix matching of what people type.
    pub(crate) surface: fst::Map<Vec<u8>>,
}

/// The bytes an index is read from: a memory map of the file (the normal case: the
/// process only touches the pages a query needs) or an aligned buffer.
enum Backing {
    Owned(Vec<u64>, usize),
    Mapped(memmap2::Mmap),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Owned(words, len) => {
                let all: &[u8] = bytemuck::cast_slice(words);
                all.get(..*len).unwrap_or(all)
            }
            Backing::Mapped(m) => m,
        }
    }
}

/// A section of the backing bytes, shareable (the FSTs own one each).
#[derive(Clone)]
pub(crate) struct SectionBytes {
    buf: Arc<Backing>,
    range: Range<usize>,
}

impl AsRef<[u8]> for SectionBytes {
    fn as_ref(&self) -> &[u8] {
        self.buf.bytes().get(self.range.clone()).unwrap_or(&[])
    }
}

/// A loaded index: typed views into the backing bytes, no copies.
pub struct Packed {
    buf: Arc<Backing>,
    strings_r: Range<usize>,
    nodes_r: Range<usize>,
    notes_r: Range<usize>,
    children_r: Range<usize>,
    seven_defs_r: Range<usize>,
    seven_exts_r: Range<usize>,
    codes_r: Range<usize>,
    entries_r: Range<usize>,
    forward_r: Range<usize>,
    posting_offsets_r: Range<usize>,
    postings_r: Range<usize>,
    pub(crate) terms: fst::Map<SectionBytes>,
    /// Words as written (lower case) → the term id of their stem, for typo and
    /// prefix matching of what people type.
    pub(crate) surface: fst::Map<SectionBytes>,
}

macro_rules! views {
    ($($name:ident: $range:ident -> $ty:ty),* $(,)?) => {
        impl Packed {
            $(
                #[inline]
                pub(crate) fn $name(&self) -> &[$ty] {
                    self.view(&self.$range)
                }
            )*
        }
    };
}

views! {
    nodes: nodes_r -> Node,
    notes: notes_r -> NoteRec,
    children: children_r -> u32,
    seven_defs: seven_defs_r -> Span,
    seven_exts: seven_exts_r -> SevenExt,
    codes: codes_r -> CodeEntry,
    entries: entries_r -> Entry,
    forward: forward_r -> u32,
    posting_offsets: posting_offsets_r -> u32,
    postings: postings_r -> u32,
}

impl Packed {
    /// Sections were checked for bounds, size and alignment at load.
    #[inline]
    fn view<T: Pod>(&self, r: &Range<usize>) -> &[T] {
        self.buf
            .bytes()
            .get(r.clone())
            .and_then(|b| bytemuck::try_cast_slice(b).ok())
            .unwrap_or(&[])
    }

    fn strings(&self) -> &[u8] {
        self.buf.bytes().get(self.strings_r.clone()).unwrap_or(&[])
    }

    /// A string of the index. References and char boundaries were checked at load.
    #[inline]
    pub(crate) fn str(&self, r: StrRef) -> &str {
        self.strings()
            .get(r.off as usize..r.off as usize + r.len as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

struct StringPool {
    blob: String,
    seen: HashMap<String, StrRef>,
}

impl StringPool {
    fn new() -> Self {
        StringPool {
            blob: String::with_capacity(8 << 20),
            seen: HashMap::new(),
        }
    }
    fn add(&mut self, s: &str) -> StrRef {
        if let Some(r) = self.seen.get(s) {
            return *r;
        }
        let r = StrRef {
            off: self.blob.len() as u32,
            len: s.len() as u32,
        };
        self.blob.push_str(s);
        self.seen.insert(s.to_string(), r);
        r
    }
}

/// Packs a parsed code set. Fails when the code set contradicts itself (a code
/// defined twice, a 7th-character expansion colliding with a listed code).
pub fn build(raw: &RawCodeSet, source: &Path) -> Result<(Built, Counts)> {
    let n = raw.nodes.len();
    let mut pool = StringPool::new();
    let mut nodes = Vec::with_capacity(n);
    let mut notes = Vec::new();
    let mut children = Vec::with_capacity(n);
    let mut seven_defs = Vec::new();
    let mut seven_exts = Vec::new();
    let mut counts = Counts::default();

    for (i, rn) in raw.nodes.iter().enumerate() {
        let notes_start = notes.len() as u32;
        for (kind, text) in &rn.notes {
            notes.push(NoteRec {
                text: pool.add(text),
                kind: *kind as u32,
            });
        }
        let children_start = children.len() as u32;
        children.extend(rn.children.iter().copied());
        let seven_def = match &rn.seven {
            Some(exts) if !exts.is_empty() => {
                let start = seven_exts.len() as u32;
                for (ch, t) in exts {
                    seven_exts.push(SevenExt {
                        text: pool.add(t),
                        ch: *ch as u32,
                    });
                }
                seven_defs.push(Span {
                    start,
                    len: exts.len() as u32,
                });
                (seven_defs.len() - 1) as u32
            }
            _ => NONE,
        };
        let parent = rn.parent.unwrap_or(NONE);
        let (eff_seven, depth) = match rn.parent.and_then(|p| nodes.get(p as usize)) {
            Some(p) => {
                let p: &Node = p;
                (
                    if seven_def != NONE {
                        seven_def
                    } else {
                        p.eff_seven
                    },
                    p.depth.saturating_add(1),
                )
            }
            None => (seven_def, 0),
        };
        if let Some(p) = rn.parent
            && p as usize >= i
        {
            return Err(CodesError::Parse {
                pos: crate::error::SourcePos {
                    file: source.to_path_buf(),
                    line: 0,
                    column: 0,
                },
                message: format!("{} is listed before its parent", rn.code),
            });
        }
        let mut flags = 0u8;
        let is_code_node = !matches!(rn.kind, NodeKind::Chapter | NodeKind::Section);
        let billable = match rn.billable_flag {
            Some(b) => b,
            None => is_code_node && rn.children.is_empty() && eff_seven == NONE,
        };
        if billable && is_code_node {
            flags |= FLAG_BILLABLE;
        }
        if rn
            .title
            .to_ascii_lowercase()
            .contains("in diseases classified elsewhere")
        {
            flags |= FLAG_MANIFESTATION;
        }
        match rn.kind {
            NodeKind::Chapter => counts.chapters += 1,
            NodeKind::Section => counts.sections += 1,
            _ => {}
        }
        nodes.push(Node {
            code: pool.add(&rn.code),
            title: pool.add(&rn.title),
            parent,
            kind: rn.kind as u8,
            flags,
            depth,
            _pad: 0,
            children: Span {
                start: children_start,
                len: rn.children.len() as u32,
            },
            notes: Span {
                start: notes_start,
                len: rn.notes.len() as u32,
            },
            seven_def,
            eff_seven,
        });
    }
    counts.notes = notes.len() as u32;

    // The code table: every code node, and every 7th-character expansion of a leaf
    // under a 7th-character definition.
    let mut codes = Vec::with_capacity(n * 2);
    for (i, (rn, node)) in raw.nodes.iter().zip(&nodes).enumerate() {
        if matches!(rn.kind, NodeKind::Chapter | NodeKind::Section) {
            continue;
        }
        let key = CodeKey::parse(&rn.code).ok_or_else(|| CodesError::Parse {
            pos: crate::error::SourcePos {
                file: source.to_path_buf(),
                line: 0,
                column: 0,
            },
            message: format!("\"{}\" is not a valid code", rn.code),
        })?;
        codes.push(CodeEntry {
            key: key.0,
            node: i as u32,
            seventh: 0,
            flags: node.flags,
            _pad: [0; 2],
        });
        if rn.billable_flag.is_none() && rn.children.is_empty() && node.eff_seven != NONE {
            let def = seven_defs[node.eff_seven as usize];
            for ext in &seven_exts[def.range()] {
                let ch = ext.ch as u8;
                if crate::conventions::seventh_withdrawn(key, ch) {
                    continue;
                }
                let Some(full) = key.with_seventh(ch) else {
                    continue;
                };
                codes.push(CodeEntry {
                    key: full.0,
                    node: i as u32,
                    seventh: ch,
                    flags: FLAG_BILLABLE | (node.flags & FLAG_MANIFESTATION),
                    _pad: [0; 2],
                });
            }
        }
    }
    codes.sort_unstable_by_key(|a| a.key);
    if let Some(w) = codes.windows(2).find(|w| w[0].key == w[1].key) {
        return Err(CodesError::Parse {
            pos: crate::error::SourcePos {
                file: source.to_path_buf(),
                line: 0,
                column: 0,
            },
            message: format!("code {} is defined twice", CodeKey(w[0].key).dotted()),
        });
    }
    counts.codes = codes.len() as u32;
    counts.billable = codes
        .iter()
        .filter(|c| c.flags & FLAG_BILLABLE != 0)
        .count() as u32;
    counts.headers = counts.codes - counts.billable;

    // Search entries: titles and inclusion terms of code nodes.
    let mut term_ids: HashMap<String, u32> = HashMap::new();
    let mut term_names: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    let mut forward = Vec::new();
    let mut surface: std::collections::BTreeMap<String, u32> = Default::default();
    let mut add_entry = |node: u32, field: u32, text_ref: StrRef, text: &str| {
        let start = forward.len() as u32;
        for word in text::tokens(text).filter(|t| !text::is_stopword(t)) {
            let s = text::stem(&word);
            let id = *term_ids.entry(s.clone()).or_insert_with(|| {
                term_names.push(s);
                (term_names.len() - 1) as u32
            });
            forward.push(id);
            surface.entry(word).or_insert(id);
        }
        let len = forward.len() as u32 - start;
        if len > 0 {
            entries.push(Entry {
                node,
                field,
                text: text_ref,
                tokens: Span { start, len },
            });
        }
    };
    for (i, (rn, node)) in raw.nodes.iter().zip(&nodes).enumerate() {
        if matches!(rn.kind, NodeKind::Chapter | NodeKind::Section) {
            continue;
        }
        add_entry(i as u32, FIELD_TITLE, node.title, &rn.title);
        for (k, (kind, t)) in rn.notes.iter().enumerate() {
            if *kind == NoteKind::InclusionTerm {
                let r = notes[node.notes.start as usize + k].text;
                add_entry(i as u32, FIELD_INCLUSION, r, t);
            }
        }
    }
    // Postings: entry ids per term, ascending, each entry once per term.
    let nterms = term_names.len();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); nterms];
    for (e, entry) in entries.iter().enumerate() {
        for &t in &forward[entry.tokens.range()] {
            let list = &mut lists[t as usize];
            if list.last() != Some(&(e as u32)) {
                list.push(e as u32);
            }
        }
    }
    // Term ids are renumbered in lexicographic order so the FST maps term → id.
    let mut order: Vec<u32> = (0..nterms as u32).collect();
    order.sort_unstable_by(|a, b| term_names[*a as usize].cmp(&term_names[*b as usize]));
    let mut new_id = vec![0u32; nterms];
    for (new, old) in order.iter().enumerate() {
        new_id[*old as usize] = new as u32;
    }
    for t in &mut forward {
        *t = new_id[*t as usize];
    }
    let mut builder = fst::MapBuilder::memory();
    let mut posting_offsets = Vec::with_capacity(nterms + 1);
    let mut postings = Vec::new();
    for (new, old) in order.iter().enumerate() {
        builder
            .insert(term_names[*old as usize].as_bytes(), new as u64)
            .map_err(|e| CodesError::Version(format!("building the search dictionary: {e}")))?;
        posting_offsets.push(postings.len() as u32);
        postings.extend_from_slice(&lists[*old as usize]);
    }
    posting_offsets.push(postings.len() as u32);
    let terms = fst::Map::new(
        builder
            .into_inner()
            .map_err(|e| CodesError::Version(format!("building the search dictionary: {e}")))?,
    )
    .map_err(|e| CodesError::Version(format!("building the search dictionary: {e}")))?;
    counts.search_terms = nterms as u32;
    let mut sbuilder = fst::MapBuilder::memory();
    for (word, old) in &surface {
        sbuilder
            .insert(word.as_bytes(), u64::from(new_id[*old as usize]))
            .map_err(|e| CodesError::Version(format!("building the word list: {e}")))?;
    }
    let surface = fst::Map::new(
        sbuilder
            .into_inner()
            .map_err(|e| CodesError::Version(format!("building the word list: {e}")))?,
    )
    .map_err(|e| CodesError::Version(format!("building the word list: {e}")))?;

    Ok((
        Built {
            strings: pool.blob,
            nodes,
            notes,
            children,
            seven_defs,
            seven_exts,
            codes,
            entries,
            forward,
            terms,
            posting_offsets,
            postings,
            surface,
        },
        counts,
    ))
}

fn push_section(out: &mut Vec<u8>, table: &mut Vec<(u32, u64, u64)>, id: SectionId, bytes: &[u8]) {
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
    table.push((id as u32, out.len() as u64, bytes.len() as u64));
    out.extend_from_slice(bytes);
}

/// Serialises the index with its version information.
pub fn to_bytes(packed: &Built, info: &VersionInfo) -> Result<Vec<u8>> {
    let meta = serde_json::to_vec(info)
        .map_err(|e| CodesError::Version(format!("cannot encode version information: {e}")))?;
    let sections: [(SectionId, &[u8]); 14] = [
        (SectionId::Meta, &meta),
        (SectionId::Strings, packed.strings.as_bytes()),
        (SectionId::Nodes, bytemuck::cast_slice(&packed.nodes)),
        (SectionId::Notes, bytemuck::cast_slice(&packed.notes)),
        (SectionId::Children, bytemuck::cast_slice(&packed.children)),
        (
            SectionId::SevenDefs,
            bytemuck::cast_slice(&packed.seven_defs),
        ),
        (
            SectionId::SevenExts,
            bytemuck::cast_slice(&packed.seven_exts),
        ),
        (SectionId::Codes, bytemuck::cast_slice(&packed.codes)),
        (SectionId::Entries, bytemuck::cast_slice(&packed.entries)),
        (SectionId::Forward, bytemuck::cast_slice(&packed.forward)),
        (SectionId::Terms, packed.terms.as_fst().as_bytes()),
        (
            SectionId::PostingOffsets,
            bytemuck::cast_slice(&packed.posting_offsets),
        ),
        (SectionId::Postings, bytemuck::cast_slice(&packed.postings)),
        (SectionId::Surface, packed.surface.as_fst().as_bytes()),
    ];
    let table_len = sections.len() * 24;
    let mut body = Vec::new();
    let mut table = Vec::new();
    // Offsets are absolute in the file: the body starts after header and table.
    let base = HEADER_LEN + table_len;
    body.resize(base, 0);
    for (id, bytes) in sections {
        push_section(&mut body, &mut table, id, bytes);
    }
    let mut t = Vec::with_capacity(table_len);
    for (id, off, len) in &table {
        t.extend_from_slice(&id.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&off.to_le_bytes());
        t.extend_from_slice(&len.to_le_bytes());
    }
    body[HEADER_LEN..base].copy_from_slice(&t);
    let crc = crc32fast::hash(&body[HEADER_LEN..]);
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    header[12..16].copy_from_slice(&(sections.len() as u32).to_le_bytes());
    header[16..24].copy_from_slice(&((body.len() - HEADER_LEN) as u64).to_le_bytes());
    header[24..28].copy_from_slice(&crc.to_le_bytes());
    body[..HEADER_LEN].copy_from_slice(&header);
    Ok(body)
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}
fn le_u64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Reads only the version information of an index file (for listings).
pub fn read_info(path: &Path, bytes: &[u8]) -> Result<VersionInfo> {
    let sections = check_header(path, bytes, false)?;
    let meta = section(path, bytes, &sections, SectionId::Meta)?;
    serde_json::from_slice(meta).map_err(|e| corrupt(path, format!("version information: {e}")))
}

fn corrupt(path: &Path, message: impl Into<String>) -> CodesError {
    CodesError::CorruptIndex {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn check_header(path: &Path, bytes: &[u8], verify_crc: bool) -> Result<Vec<(u32, u64, u64)>> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(corrupt(path, "not an rcm code-set index"));
    }
    let version = le_u32(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(corrupt(
            path,
            format!("index format {version}, this rcm reads format {FORMAT_VERSION}"),
        ));
    }
    let count = le_u32(bytes, 12) as usize;
    // The section count sits in the header, outside the checksum: bound it before use.
    if count == 0 || count > MAX_SECTIONS {
        return Err(corrupt(path, format!("{count} sections in the table")));
    }
    let payload = le_u64(bytes, 16);
    if payload != (bytes.len() - HEADER_LEN) as u64 {
        return Err(corrupt(path, "the file is truncated or has extra bytes"));
    }
    if verify_crc && crc32fast::hash(&bytes[HEADER_LEN..]) != le_u32(bytes, 24) {
        return Err(corrupt(path, "checksum mismatch"));
    }
    let mut table = Vec::with_capacity(count);
    for i in 0..count {
        let at = HEADER_LEN + i * 24;
        let (id, off, len) = (
            le_u32(bytes, at),
            le_u64(bytes, at + 8),
            le_u64(bytes, at + 16),
        );
        if off
            .checked_add(len)
            .is_none_or(|end| end > bytes.len() as u64)
        {
            return Err(corrupt(path, format!("section {id} lies outside the file")));
        }
        table.push((id, off, len));
    }
    Ok(table)
}

fn section<'b>(
    path: &Path,
    bytes: &'b [u8],
    table: &[(u32, u64, u64)],
    id: SectionId,
) -> Result<&'b [u8]> {
    let (_, off, len) = table
        .iter()
        .find(|(i, _, _)| *i == id as u32)
        .ok_or_else(|| corrupt(path, format!("section {id:?} is missing")))?;
    bytes
        .get(*off as usize..(*off + *len) as usize)
        .ok_or_else(|| corrupt(path, format!("section {id:?} lies outside the file")))
}

/// Loads and checks an index held in memory (copied to an aligned buffer).
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<(Packed, VersionInfo)> {
    let mut words = vec![0u64; bytes.len().div_ceil(8)];
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
    from_backing(path, Backing::Owned(words, bytes.len()))
}

/// Maps an index file and checks it.
pub fn open(path: &Path) -> Result<(Packed, VersionInfo)> {
    let file = std::fs::File::open(path).map_err(|e| CodesError::io(path, e))?;
    // SAFETY: index files are written once under a name of their own (version id and
    // source hash) and replaced only by renaming a new file over the catalog entry, never
    // modified in place, so the mapped bytes do not change under the process. The
    // checks below make no assumption about their content.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| CodesError::io(path, e))?;
    from_backing(path, Backing::Mapped(map))
}

fn from_backing(path: &Path, backing: Backing) -> Result<(Packed, VersionInfo)> {
    let buf = Arc::new(backing);
    let bytes = buf.bytes();
    let table = check_header(path, bytes, true)?;
    let range = |id: SectionId, size: usize| -> Result<Range<usize>> {
        let (_, off, len) = table
            .iter()
            .find(|(i, _, _)| *i == id as u32)
            .ok_or_else(|| corrupt(path, format!("section {id:?} is missing")))?;
        let (off, len) = (*off as usize, *len as usize);
        // Records are u32-based: 4-byte alignment, whole records only.
        let align = if size == 1 { 1 } else { 4 };
        if off % align != 0 || len % size.max(1) != 0 || off + len > bytes.len() {
            return Err(corrupt(
                path,
                format!("section {id:?} is misaligned or cut"),
            ));
        }
        Ok(off..off + len)
    };
    let info: VersionInfo = serde_json::from_slice(&bytes[range(SectionId::Meta, 1)?])
        .map_err(|e| corrupt(path, format!("version information: {e}")))?;
    let strings_r = range(SectionId::Strings, 1)?;
    std::str::from_utf8(&bytes[strings_r.clone()])
        .map_err(|_| corrupt(path, "string table is not UTF-8"))?;
    let fst_of = |id: SectionId, what: &str| -> Result<fst::Map<SectionBytes>> {
        let r = range(id, 1)?;
        fst::Map::new(SectionBytes {
            buf: Arc::clone(&buf),
            range: r,
        })
        .map_err(|e| corrupt(path, format!("{what}: {e}")))
    };
    let packed = Packed {
        buf: Arc::clone(&buf),
        strings_r,
        nodes_r: range(SectionId::Nodes, size_of::<Node>())?,
        notes_r: range(SectionId::Notes, size_of::<NoteRec>())?,
        children_r: range(SectionId::Children, 4)?,
        seven_defs_r: range(SectionId::SevenDefs, size_of::<Span>())?,
        seven_exts_r: range(SectionId::SevenExts, size_of::<SevenExt>())?,
        codes_r: range(SectionId::Codes, size_of::<CodeEntry>())?,
        entries_r: range(SectionId::Entries, size_of::<Entry>())?,
        forward_r: range(SectionId::Forward, 4)?,
        posting_offsets_r: range(SectionId::PostingOffsets, 4)?,
        postings_r: range(SectionId::Postings, 4)?,
        terms: fst_of(SectionId::Terms, "search dictionary")?,
        surface: fst_of(SectionId::Surface, "word list")?,
    };
    check_references(path, &packed)?;
    Ok((packed, info))
}

/// Every reference inside the index points inside it, so accessors may index freely.
fn check_references(path: &Path, p: &Packed) -> Result<()> {
    // The blob is valid UTF-8 (checked at load): a slice of it is a str exactly when
    // both ends fall on character boundaries (not on a continuation byte).
    let s = p.strings();
    let boundary = |i: usize| i == s.len() || s.get(i).is_some_and(|b| (*b as i8) >= -0x40);
    let str_ok = |r: StrRef| {
        let (a, b) = (r.off as usize, r.off as usize + r.len as usize);
        b <= s.len() && boundary(a) && boundary(b)
    };
    let span_ok = |sp: Span, len: usize| sp.start as usize + sp.len as usize <= len;
    let n = p.nodes().len() as u32;
    for node in p.nodes() {
        let ok = str_ok(node.code)
            && str_ok(node.title)
            && (node.parent == NONE || node.parent < n)
            && span_ok(node.children, p.children().len())
            && span_ok(node.notes, p.notes().len())
            && (node.seven_def == NONE || (node.seven_def as usize) < p.seven_defs().len())
            && (node.eff_seven == NONE || (node.eff_seven as usize) < p.seven_defs().len());
        if !ok {
            return Err(corrupt(path, "a code record points outside the index"));
        }
    }
    if p.children().iter().any(|&c| c >= n)
        || p.notes().iter().any(|r| !str_ok(r.text))
        || p.seven_defs()
            .iter()
            .any(|d| !span_ok(*d, p.seven_exts().len()))
        || p.seven_exts().iter().any(|e| !str_ok(e.text))
        || p.codes().iter().any(|c| c.node >= n)
        || p.codes().windows(2).any(|w| w[0].key >= w[1].key)
    {
        return Err(corrupt(
            path,
            "a note, child or code points outside the index",
        ));
    }
    let nterms = p.terms.len() as u32;
    let ne = p.entries().len() as u32;
    if p.entries()
        .iter()
        .any(|e| e.node >= n || !str_ok(e.text) || !span_ok(e.tokens, p.forward().len()))
        || p.forward().iter().any(|&t| t >= nterms)
        || p.posting_offsets().len() != nterms as usize + 1
        || p.posting_offsets().windows(2).any(|w| w[0] > w[1])
        || p.posting_offsets()
            .last()
            .is_some_and(|&l| l as usize != p.postings().len())
        || p.postings().iter().any(|&e| e >= ne)
    {
        return Err(corrupt(path, "the search index points outside the index"));
    }
    if !dictionaries_walk(p, u64::from(nterms)) {
        return Err(corrupt(path, "the search dictionaries are damaged"));
    }
    Ok(())
}

/// Walks both dictionaries end to end, checking every value. The fst crate trusts
/// its input and panics on a structurally damaged automaton; the checksum makes such
/// damage all but impossible, and a walk that visits every node proves the rest, so a
/// panic here (and only here) is turned into a refusal to load.
fn dictionaries_walk(p: &Packed, nterms: u64) -> bool {
    use fst::Streamer;
    let walk = || {
        let mut ok = true;
        for map in [&p.terms, &p.surface] {
            let mut s = map.stream();
            while let Some((_, id)) = s.next() {
                ok &= id < nterms;
            }
        }
        ok
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(walk)).unwrap_or(false)
}
