//! Streaming reader of the CMS ICD-10-CM tabular XML (`ICD10CM.tabular`).
//!
//! One pass, no DOM: chapters, sections and `diag` nodes become [`RawNode`]s with their
//! notes and 7th-character definitions. Every structural problem is reported with the
//! file, line and column where it was found.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{CodesError, Result, line_col};
use crate::model::{NodeKind, NoteKind, RawCodeSet, RawNode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Root,
    Version,
    Chapter,
    Section,
    Diag,
    Name,
    Desc,
    NoteGroup(NoteKind),
    Note,
    SevenDef,
    Extension(u8),
    /// Elements whose content the code set does not need (introduction, section
    /// index, the visual-impairment table); everything inside is skipped.
    Skipped,
    Other,
}

/// Parses a whole tabular file already in memory. `text` must be the file's bytes;
/// invalid UTF-8 is reported with its line and column.
pub fn parse_tabular(path: &Path, bytes: &[u8]) -> Result<RawCodeSet> {
    parse_tabular_with_progress(path, bytes, &mut |_| {})
}

/// As [`parse_tabular`], calling `progress` with the bytes read so far.
pub fn parse_tabular_with_progress(
    path: &Path,
    bytes: &[u8],
    progress: &mut dyn FnMut(u64),
) -> Result<RawCodeSet> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        CodesError::parse(path, line, col, "the file is not valid UTF-8 text")
    })?;
    if text.trim().is_empty() {
        return Err(CodesError::parse(path, 0, 0, "the file is empty"));
    }
    Parser::new(path, text).run(progress)
}

struct Parser<'a> {
    path: &'a Path,
    src: &'a str,
    reader: Reader<&'a [u8]>,
    set: RawCodeSet,
    /// Open elements with the byte offset where each started.
    stack: Vec<(Open, u64)>,
    /// Node ids of the open chapter / section / diag elements.
    nodes: Vec<u32>,
    text: String,
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
            set: RawCodeSet::default(),
            stack: Vec::with_capacity(16),
            nodes: Vec::with_capacity(8),
            text: String::with_capacity(256),
            seen_root: false,
        }
    }

    fn err_at(&self, offset: u64, message: impl Into<String>) -> CodesError {
        let (line, col) = line_col(self.src.as_bytes(), offset as usize);
        CodesError::parse(self.path, line, col, message)
    }

    fn run(mut self, progress: &mut dyn FnMut(u64)) -> Result<RawCodeSet> {
        let mut events = 0u32;
        loop {
            let pos = self.reader.buffer_position();
            events = events.wrapping_add(1);
            if events.is_multiple_of(8192) {
                progress(pos);
            }
            let event = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let at = self.reader.error_position();
                    return Err(self.err_at(at, format!("malformed XML: {e}")));
                }
            };
            match event {
                Event::Start(e) => self.start(&e, pos, false)?,
                Event::Empty(e) => {
                    self.start(&e, pos, true)?;
                    self.end(pos)?;
                }
                Event::End(_) => self.end(pos)?,
                Event::Text(t) if self.collecting() => {
                    self.text.push_str(&t.xml10_content());
                }
                Event::CData(c) if self.collecting() => {
                    self.text.push_str(&c.into_inner());
                }
                Event::GeneralRef(r) if self.collecting() => {
                    let ch = crate::xmltext::reference_char(&r).map_err(|m| self.err_at(pos, m))?;
                    self.text.push(ch);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&(open, at)) = self.stack.last() {
            let (line, _) = line_col(self.src.as_bytes(), at as usize);
            let end = self.src.len() as u64;
            return Err(self.err_at(
                end,
                format!(
                    "the file ends early (truncated?): <{}> opened at line {line} is never closed",
                    open_name(open)
                ),
            ));
        }
        if !self.seen_root {
            return Err(CodesError::Unrecognized {
                path: self.path.to_path_buf(),
                message: "no <ICD10CM.tabular> root element: this is not an ICD-10-CM tabular file"
                    .into(),
            });
        }
        if self.set.nodes.iter().all(|n| n.kind == NodeKind::Chapter) {
            return Err(self.err_at(
                self.src.len() as u64,
                "the tabular holds no codes (no <diag> elements)",
            ));
        }
        self.finish_kinds();
        Ok(self.set)
    }

    fn collecting(&self) -> bool {
        matches!(
            self.stack.last(),
            Some((
                Open::Name | Open::Desc | Open::Note | Open::Extension(_) | Open::Version,
                _
            ))
        )
    }

    fn parent_open(&self) -> Option<Open> {
        self.stack.last().map(|(o, _)| *o)
    }

    fn start(&mut self, e: &BytesStart<'_>, pos: u64, _empty: bool) -> Result<()> {
        let name = e.name().into_inner();
        let parent = self.parent_open();
        if parent == Some(Open::Skipped) {
            self.stack.push((Open::Skipped, pos));
            return Ok(());
        }
        let open = match (parent, name) {
            (None, "ICD10CM.tabular") => {
                self.seen_root = true;
                Open::Root
            }
            (None, other) => {
                return Err(CodesError::Unrecognized {
                    path: self.path.to_path_buf(),
                    message: format!(
                        "root element is <{other}>, expected <ICD10CM.tabular>: not an ICD-10-CM tabular file"
                    ),
                });
            }
            (Some(Open::Root), "version") => Open::Version,
            (Some(Open::Root), "introduction") => Open::Skipped,
            (Some(Open::Root), "chapter") => {
                let id = self.set.push(RawNode::new(
                    String::new(),
                    String::new(),
                    NodeKind::Chapter,
                    None,
                ));
                self.nodes.push(id);
                Open::Chapter
            }
            (Some(Open::Chapter), "section") => {
                let id_attr = e
                    .try_get_attribute("id")
                    .ok()
                    .flatten()
                    .map(|a| a.value.trim().to_string())
                    .unwrap_or_default();
                if id_attr.is_empty() {
                    return Err(self.err_at(pos, "<section> without an id attribute"));
                }
                let parent_id = self.nodes.last().copied();
                let id = self.set.push(RawNode::new(
                    id_attr,
                    String::new(),
                    NodeKind::Section,
                    parent_id,
                ));
                self.nodes.push(id);
                Open::Section
            }
            (Some(Open::Chapter), "sectionIndex") => Open::Skipped,
            (Some(Open::Section | Open::Diag), "diag") => {
                if let Some(&cur) = self.nodes.last()
                    && self
                        .set
                        .nodes
                        .get(cur as usize)
                        .is_some_and(|n| n.kind == NodeKind::Code && n.code.is_empty())
                {
                    return Err(self.err_at(pos, "<diag> appears before the <name> of its parent"));
                }
                let parent_id = self.nodes.last().copied();
                let id = self.set.push(RawNode::new(
                    String::new(),
                    String::new(),
                    NodeKind::Code,
                    parent_id,
                ));
                self.nodes.push(id);
                Open::Diag
            }
            (Some(Open::Chapter | Open::Section | Open::Diag), "name") => Open::Name,
            (Some(Open::Chapter | Open::Section | Open::Diag), "desc") => Open::Desc,
            (Some(Open::Chapter | Open::Section | Open::Diag), "sevenChrDef") => {
                if let Some(&cur) = self.nodes.last()
                    && let Some(node) = self.set.nodes.get_mut(cur as usize)
                {
                    node.seven.get_or_insert_with(Vec::new);
                }
                Open::SevenDef
            }
            (Some(Open::SevenDef), "extension") => {
                let ch = e
                    .try_get_attribute("char")
                    .ok()
                    .flatten()
                    .map(|a| a.value.trim().to_string())
                    .unwrap_or_default();
                let b = ch.as_bytes();
                if b.len() != 1 || !b[0].is_ascii_alphanumeric() {
                    return Err(self.err_at(
                        pos,
                        format!("<extension> has char=\"{ch}\": a 7th character must be one letter or digit"),
                    ));
                }
                Open::Extension(b[0].to_ascii_uppercase())
            }
            (Some(Open::SevenDef), "note") => Open::Skipped,
            (Some(Open::Chapter | Open::Section | Open::Diag), other) => {
                match NoteKind::from_element(other) {
                    Some(kind) => Open::NoteGroup(kind),
                    None => Open::Skipped,
                }
            }
            (Some(Open::NoteGroup(_)), "note") => Open::Note,
            _ => Open::Other,
        };
        if matches!(
            open,
            Open::Name | Open::Desc | Open::Note | Open::Extension(_) | Open::Version
        ) {
            self.text.clear();
        }
        self.stack.push((open, pos));
        Ok(())
    }

    fn end(&mut self, pos: u64) -> Result<()> {
        let Some((open, start)) = self.stack.pop() else {
            return Err(self.err_at(pos, "closing tag without an opening tag"));
        };
        let text = normalize_space(&self.text);
        let current = self.nodes.last().copied();
        match open {
            Open::Version => {
                self.set.declared_year = text.parse::<i16>().ok();
            }
            Open::Chapter | Open::Section | Open::Diag => {
                let id = self.nodes.pop();
                if let Some(node) = id.and_then(|i| self.set.nodes.get(i as usize)) {
                    if node.code.is_empty() {
                        return Err(
                            self.err_at(start, format!("<{}> without a <name>", open_name(open)))
                        );
                    }
                    if node.title.is_empty() {
                        let code = node.code.clone();
                        return Err(self.err_at(start, format!("{code} has no <desc> (title)")));
                    }
                }
            }
            Open::Name => {
                if let Some(node) = current.and_then(|i| self.set.nodes.get_mut(i as usize)) {
                    match node.kind {
                        NodeKind::Section => {}
                        NodeKind::Chapter => node.code = text,
                        _ => {
                            if crate::code::CodeKey::parse(&text).is_none() {
                                return Err(self.err_at(
                                    start,
                                    format!("\"{text}\" is not a valid ICD-10-CM code"),
                                ));
                            }
                            node.code = text.to_ascii_uppercase();
                        }
                    }
                }
            }
            Open::Desc => {
                if let Some(node) = current.and_then(|i| self.set.nodes.get_mut(i as usize)) {
                    node.title = text;
                }
            }
            Open::Note => {
                let kind = self.stack.last().and_then(|(o, _)| match o {
                    Open::NoteGroup(k) => Some(*k),
                    _ => None,
                });
                if let (Some(kind), Some(node)) = (
                    kind,
                    current.and_then(|i| self.set.nodes.get_mut(i as usize)),
                ) && !text.is_empty()
                {
                    node.notes.push((kind, text));
                }
            }
            Open::Extension(ch) => {
                if let Some(node) = current.and_then(|i| self.set.nodes.get_mut(i as usize))
                    && let Some(seven) = node.seven.as_mut()
                {
                    if seven.iter().any(|(c, _)| *c == ch) {
                        return Err(self.err_at(
                            start,
                            format!("7th character {} is defined twice", ch as char),
                        ));
                    }
                    seven.push((ch, text));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Diag kinds depend on what is below them, known only at the end.
    fn finish_kinds(&mut self) {
        for node in &mut self.set.nodes {
            if matches!(node.kind, NodeKind::Chapter | NodeKind::Section) {
                continue;
            }
            let len = node.code.bytes().filter(|b| *b != b'.').count();
            node.kind = if len == 3 {
                NodeKind::Category
            } else if node.children.is_empty() {
                NodeKind::Code
            } else {
                NodeKind::Subcategory
            };
        }
    }
}

fn open_name(open: Open) -> &'static str {
    match open {
        Open::Root => "ICD10CM.tabular",
        Open::Version => "version",
        Open::Chapter => "chapter",
        Open::Section => "section",
        Open::Diag => "diag",
        Open::Name => "name",
        Open::Desc => "desc",
        Open::NoteGroup(k) => k.element(),
        Open::Note => "note",
        Open::SevenDef => "sevenChrDef",
        Open::Extension(_) => "extension",
        Open::Skipped | Open::Other => "element",
    }
}

/// Collapses runs of whitespace (the tabular wraps and indents text) to one space.
pub(crate) fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2026</version>
  <introduction><introSection><title>x</title></introSection></introduction>
  <chapter>
    <name>13</name>
    <desc>Diseases of the musculoskeletal system (M00-M99)</desc>
    <excludes2><note>certain conditions originating in the perinatal period (P04-P96)</note></excludes2>
    <sectionIndex><sectionRef first="M45" last="M49" id="M45-M49">Spondylopathies</sectionRef></sectionIndex>
    <section id="M45-M49">
      <desc>Spondylopathies (M45-M49)</desc>
      <diag>
        <name>M48</name>
        <desc>Other spondylopathies &amp; more</desc>
        <diag>
          <name>M48.5</name>
          <desc>Collapsed vertebra, not elsewhere classified</desc>
          <inclusionTerm><note>Collapsed vertebra NOS</note><note>Wedging of vertebra NOS</note></inclusionTerm>
          <sevenChrDef>
            <extension char="A">initial encounter for fracture</extension>
            <extension char="S">sequela of fracture</extension>
          </sevenChrDef>
          <diag>
            <name>M48.50</name>
            <desc>Collapsed vertebra, not elsewhere classified, site unspecified</desc>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"#;

    #[test]
    fn reads_nodes_notes_and_seventh_characters() {
        let set = parse_tabular(Path::new("t.xml"), SMALL.as_bytes()).unwrap();
        assert_eq!(set.declared_year, Some(2026));
        let codes: Vec<_> = set.nodes.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, ["13", "M45-M49", "M48", "M48.5", "M48.50"]);
        assert_eq!(set.nodes[2].title, "Other spondylopathies & more");
        assert_eq!(set.nodes[2].kind, NodeKind::Category);
        assert_eq!(set.nodes[3].kind, NodeKind::Subcategory);
        assert_eq!(set.nodes[4].kind, NodeKind::Code);
        assert_eq!(set.nodes[3].notes.len(), 2);
        assert_eq!(set.nodes[0].notes[0].0, NoteKind::Excludes2);
        let seven = set.nodes[3].seven.as_ref().unwrap();
        assert_eq!(seven[1], (b'S', "sequela of fracture".to_string()));
        assert_eq!(set.nodes[4].parent, Some(3));
    }

    #[test]
    fn truncated_file_names_the_open_element() {
        let cut = &SMALL[..SMALL.find("<name>M48.50").unwrap()];
        let err = parse_tabular(Path::new("cut.xml"), cut.as_bytes()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("cut.xml:"), "{msg}");
        assert!(
            msg.contains("never closed") || msg.contains("malformed"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_root_is_unrecognized() {
        let err = parse_tabular(Path::new("w.xml"), b"<ICD10PCS.tabular></ICD10PCS.tabular>")
            .unwrap_err();
        assert!(matches!(err, CodesError::Unrecognized { .. }), "{err}");
    }

    #[test]
    fn non_utf8_reports_position() {
        let mut bytes = SMALL.as_bytes().to_vec();
        let at = SMALL.find("Collapsed").unwrap();
        bytes[at] = 0xff;
        let err = parse_tabular(Path::new("b.xml"), &bytes).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("b.xml:") && msg.contains("UTF-8"), "{msg}");
    }

    #[test]
    fn empty_file_is_an_error() {
        let err = parse_tabular(Path::new("e.xml"), b"  \n").unwrap_err();
        assert!(err.to_string().contains("empty"));
    }

    #[test]
    fn missing_name_is_reported_with_line() {
        let bad = SMALL.replace("<name>M48.50</name>", "");
        let err = parse_tabular(Path::new("n.xml"), bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("without a <name>"), "{err}");
    }
}
