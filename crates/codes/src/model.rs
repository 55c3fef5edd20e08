//! The code set as the parsers produce it, before it is packed into the prebuilt
//! index. Owned strings, a tree by parent index; only the builder reads it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum NodeKind {
    Chapter = 0,
    Section = 1,
    /// Three characters (E11).
    Category = 2,
    /// Four to six characters with codes below it (E11.6, S72.00).
    Subcategory = 3,
    /// Nothing below it in the tabular (E11.9; S72.001 before its 7th character).
    Code = 4,
}

impl NodeKind {
    pub fn from_u8(v: u8) -> NodeKind {
        match v {
            0 => NodeKind::Chapter,
            1 => NodeKind::Section,
            2 => NodeKind::Category,
            3 => NodeKind::Subcategory,
            _ => NodeKind::Code,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::Chapter => "chapter",
            NodeKind::Section => "section",
            NodeKind::Category => "category",
            NodeKind::Subcategory => "subcategory",
            NodeKind::Code => "code",
        }
    }
}

/// The instructional notes of the tabular, by the element that carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[repr(u8)]
pub enum NoteKind {
    InclusionTerm = 0,
    Includes = 1,
    Excludes1 = 2,
    Excludes2 = 3,
    CodeFirst = 4,
    UseAdditionalCode = 5,
    CodeAlso = 6,
    Notes = 7,
    SevenChrNote = 8,
}

impl NoteKind {
    pub const ALL: [NoteKind; 9] = [
        NoteKind::InclusionTerm,
        NoteKind::Includes,
        NoteKind::Excludes1,
        NoteKind::Excludes2,
        NoteKind::CodeFirst,
        NoteKind::UseAdditionalCode,
        NoteKind::CodeAlso,
        NoteKind::Notes,
        NoteKind::SevenChrNote,
    ];

    pub fn from_element(name: &str) -> Option<NoteKind> {
        Some(match name {
            "inclusionTerm" => NoteKind::InclusionTerm,
            "includes" => NoteKind::Includes,
            "excludes1" => NoteKind::Excludes1,
            "excludes2" => NoteKind::Excludes2,
            "codeFirst" => NoteKind::CodeFirst,
            "useAdditionalCode" => NoteKind::UseAdditionalCode,
            "codeAlso" => NoteKind::CodeAlso,
            "notes" => NoteKind::Notes,
            "sevenChrNote" => NoteKind::SevenChrNote,
            _ => return None,
        })
    }

    pub fn from_u8(v: u8) -> NoteKind {
        NoteKind::ALL
            .get(v as usize)
            .copied()
            .unwrap_or(NoteKind::Notes)
    }

    /// The element name in the CMS tabular, also used as the JSON name.
    pub fn element(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "inclusionTerm",
            NoteKind::Includes => "includes",
            NoteKind::Excludes1 => "excludes1",
            NoteKind::Excludes2 => "excludes2",
            NoteKind::CodeFirst => "codeFirst",
            NoteKind::UseAdditionalCode => "useAdditionalCode",
            NoteKind::CodeAlso => "codeAlso",
            NoteKind::Notes => "notes",
            NoteKind::SevenChrNote => "sevenChrNote",
        }
    }

    /// How the printed tabular labels the note.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "Inclusion term",
            NoteKind::Includes => "Includes",
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditionalCode => "Use additional code",
            NoteKind::CodeAlso => "Code also",
            NoteKind::Notes => "Note",
            NoteKind::SevenChrNote => "7th character note",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawNode {
    /// As written in the source: `S72.001`, `S70-S79` for a section, `19` for a chapter.
    pub code: String,
    pub title: String,
    pub kind: NodeKind,
    pub parent: Option<u32>,
    pub children: Vec<u32>,
    pub notes: Vec<(NoteKind, String)>,
    /// The 7th characters this node defines for everything below it.
    pub seven: Option<Vec<(u8, String)>>,
    /// Set by order-file imports, where the file states billability itself.
    pub billable_flag: Option<bool>,
}

impl RawNode {
    pub fn new(code: String, title: String, kind: NodeKind, parent: Option<u32>) -> RawNode {
        RawNode {
            code,
            title,
            kind,
            parent,
            children: Vec::new(),
            notes: Vec::new(),
            seven: None,
            billable_flag: None,
        }
    }
}

/// A whole code set as read from one source file.
#[derive(Debug, Clone, Default)]
pub struct RawCodeSet {
    pub nodes: Vec<RawNode>,
    /// The `<version>` element of a tabular file (the fiscal year), when present.
    pub declared_year: Option<i16>,
}

impl RawCodeSet {
    pub fn push(&mut self, node: RawNode) -> u32 {
        let id = self.nodes.len() as u32;
        if let Some(p) = node.parent
            && let Some(parent) = self.nodes.get_mut(p as usize)
        {
            parent.children.push(id);
        }
        self.nodes.push(node);
        id
    }
}
