//! External code lists: the code sets the implementation guides name by reference instead of
//! listing (remark codes, code source 411; claim status codes, 508; entity identifiers; ISO
//! currencies and countries). They change outside the guides (remark and claim status codes
//! three times a year), so they are not compiled in: a user installs a list file into the data
//! directory and the validator checks against it when it is given one.
//!
//! The file read is pyx12's `codes.xml` (`<codesets><codeset><id>…</id><version><code>…`), the
//! one list file published under a free license; `rcm x12 code-lists import` installs it. A
//! code absent from a list is reported as a warning, not an error: a list older than the file
//! being checked lacks the newest codes, and refusing those would reject good claims.
//!
//! This module parses bytes it is given; reading files is the caller's job.

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use std::collections::BTreeMap;

/// One list: its codes packed into integers (every code of these lists has at most 7 bytes),
/// sorted for binary search, and any longer code kept as bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CodeList {
    packed: Vec<u64>,
    long: Vec<Box<[u8]>>,
}

impl CodeList {
    fn contains(&self, code: &[u8]) -> bool {
        match crate::schema::pack(code) {
            Some(p) => self.packed.binary_search(&p).is_ok(),
            None => self.long.iter().any(|c| **c == *code),
        }
    }
}

/// The installed external code lists, by the list names the element tables use (`@remark_code`,
/// `@claim_status`, `@entity_id`, `@currency`, `@country`…).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeLists {
    lists: BTreeMap<String, CodeList>,
    /// Where the lists came from, as named in findings ("pyx12 4.0.0 codes.xml").
    source: String,
}

/// Why a list file cannot be used; `line` is 1-based.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodeListError {
    #[error("line {line}: the file is not well-formed XML: {message}")]
    Xml { line: usize, message: String },
    #[error("the root element is <{found}>, not <codesets>: not a pyx12 code list file")]
    NotCodeLists { found: String },
    #[error("line {line}: a <codeset> has no <id>")]
    MissingId { line: usize },
    #[error("line {line}: code list '{list}' appears twice")]
    DuplicateList { line: usize, list: String },
    #[error(
        "line {line}: code list '{list}' has an empty code or one with spaces or control characters"
    )]
    BadCode { line: usize, list: String },
    #[error(
        "line {line}: an entity or character reference inside a <{element}>; codes and list names are plain letters and digits"
    )]
    Reference { line: usize, element: String },
    #[error("the file holds no XML element: not a pyx12 code list file")]
    NoRoot,
    #[error("the file holds no code list")]
    Empty,
}

fn line_of(bytes: &[u8], offset: u64) -> usize {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

impl CodeLists {
    /// Reads pyx12's `codes.xml`. Every code is kept as written (trimmed); a code list named twice,
    /// an empty code or a code with spaces is refused with its line, never half-loaded.
    pub fn from_pyx12_xml(bytes: &[u8], source: &str) -> Result<CodeLists, CodeListError> {
        let mut reader = Reader::from_reader(bytes);
        let mut out = CodeLists {
            lists: BTreeMap::new(),
            source: source.to_string(),
        };
        // The open elements' names, and the list being read with the line it started on.
        let mut stack: Vec<String> = Vec::new();
        let mut current: Option<(usize, Option<String>, Vec<Vec<u8>>)> = None;
        let mut text = String::new();
        let mut buf = Vec::new();
        let mut seen_root = false;
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| CodeListError::Xml {
                    line: line_of(bytes, reader.error_position()),
                    message: e.to_string(),
                })?;
            match event {
                Event::Start(e) => {
                    let name = e.name().into_inner().to_string();
                    if stack.is_empty() && name != "codesets" {
                        return Err(CodeListError::NotCodeLists { found: name });
                    }
                    seen_root = true;
                    if name == "codeset" && stack.len() == 1 {
                        current = Some((line_of(bytes, at), None, Vec::new()));
                    }
                    stack.push(name);
                    text.clear();
                }
                Event::Text(t) => {
                    text.push_str(&t.xml10_content());
                }
                Event::End(_) => {
                    let name = stack.pop().unwrap_or_default();
                    let line = line_of(bytes, at);
                    match (name.as_str(), current.as_mut()) {
                        ("id", Some((_, id, _))) if stack.len() == 2 => {
                            *id = Some(text.trim().to_string());
                        }
                        ("code", Some((_, id, codes))) => {
                            let code = text.trim();
                            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_graphic()) {
                                return Err(CodeListError::BadCode {
                                    line,
                                    list: id.clone().unwrap_or_default(),
                                });
                            }
                            codes.push(code.as_bytes().to_vec());
                        }
                        ("codeset", Some(_)) if stack.len() == 1 => {
                            if let Some((start, id, codes)) = current.take() {
                                out.add(start, id, codes)?;
                            }
                        }
                        _ => {}
                    }
                    text.clear();
                }
                // References inside names and descriptions are harmless; inside a code or a
                // list name they would change what is compared, so they are refused.
                Event::GeneralRef(_)
                    if matches!(stack.last().map(String::as_str), Some("code" | "id")) =>
                {
                    return Err(CodeListError::Reference {
                        line: line_of(bytes, at),
                        element: stack.last().cloned().unwrap_or_default(),
                    });
                }
                Event::Empty(e) if stack.is_empty() => {
                    let found = e.name().into_inner().to_string();
                    return Err(CodeListError::NotCodeLists { found });
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        if let Some(open) = stack.last() {
            return Err(CodeListError::Xml {
                line: line_of(bytes, u64::MAX),
                message: format!("the file ends inside <{open}>"),
            });
        }
        if !seen_root {
            return Err(CodeListError::NoRoot);
        }
        if out.lists.is_empty() {
            return Err(CodeListError::Empty);
        }
        Ok(out)
    }

    fn add(
        &mut self,
        line: usize,
        id: Option<String>,
        codes: Vec<Vec<u8>>,
    ) -> Result<(), CodeListError> {
        let name = id
            .filter(|i| !i.is_empty())
            .ok_or(CodeListError::MissingId { line })?;
        if self.lists.contains_key(&name) {
            return Err(CodeListError::DuplicateList { line, list: name });
        }
        let mut list = CodeList::default();
        for c in codes {
            match crate::schema::pack(&c) {
                Some(p) => list.packed.push(p),
                None => list.long.push(c.into_boxed_slice()),
            }
        }
        list.packed.sort_unstable();
        list.packed.dedup();
        self.lists.insert(name, list);
        Ok(())
    }

    /// Whether `code` is in list `list`; `None` when no list of that name is installed.
    pub fn contains(&self, list: &str, code: &[u8]) -> Option<bool> {
        self.lists.get(list).map(|l| l.contains(code))
    }

    /// The installed lists: name and number of codes.
    pub fn lists(&self) -> impl Iterator<Item = (&str, usize)> {
        self.lists
            .iter()
            .map(|(name, l)| (name.as_str(), l.packed.len() + l.long.len()))
    }

    /// Where the lists came from.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// What a list is, in a biller's words (for findings).
pub fn describe(list: &str) -> &str {
    match list {
        "remark_code" => "remittance advice remark code (code source 411)",
        "claim_status" => "claim status code (code source 508)",
        "claim_status_cat" => "claim status category code (code source 507)",
        "entity_id" => "entity identifier code",
        "currency" => "ISO 4217 currency code",
        "country" => "ISO 3166 country code",
        "states" => "US state or Canadian province code",
        "pos" => "CMS place of service code",
        "claim_filing" => "claim filing indicator code",
        "plb_reason" => "provider adjustment reason code",
        "carc" => "claim adjustment reason code",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0"?>
<codesets>
  <codeset>
    <id>remark_code</id>
    <name>Remark Code</name>
    <version>
      <code>MA01</code>
      <code> N130 </code>
      <code>M1</code>
    </version>
  </codeset>
  <codeset>
    <id>currency</id>
    <version><code>USD</code><code>CAD</code><code>LONGERCODE1</code></version>
  </codeset>
</codesets>
"#;

    #[test]
    fn reads_lists_and_answers_by_list() {
        let l = CodeLists::from_pyx12_xml(SMALL.as_bytes(), "test").unwrap();
        assert_eq!(l.contains("remark_code", b"MA01"), Some(true));
        assert_eq!(l.contains("remark_code", b"N130"), Some(true));
        assert_eq!(l.contains("remark_code", b"N13"), Some(false));
        assert_eq!(l.contains("currency", b"USD"), Some(true));
        assert_eq!(l.contains("currency", b"LONGERCODE1"), Some(true));
        assert_eq!(l.contains("currency", b"LONGERCODE2"), Some(false));
        assert_eq!(l.contains("claim_status", b"1"), None);
        let names: Vec<_> = l.lists().collect();
        assert_eq!(names, vec![("currency", 3), ("remark_code", 3)]);
        assert_eq!(l.source(), "test");
    }

    #[test]
    fn bad_files_are_refused_with_their_line() {
        let cases: [(&str, CodeListError); 6] = [
            (
                "<codes><x/></codes>",
                CodeListError::NotCodeLists {
                    found: "codes".into(),
                },
            ),
            ("<codesets>\n</codesets>", CodeListError::Empty),
            (
                "<codesets>\n<codeset><version><code>A</code></version></codeset>\n</codesets>",
                CodeListError::MissingId { line: 2 },
            ),
            (
                "<codesets>\n<codeset><id>x</id></codeset>\n<codeset><id>x</id></codeset></codesets>",
                CodeListError::DuplicateList {
                    line: 3,
                    list: "x".into(),
                },
            ),
            (
                "<codesets>\n<codeset><id>x</id><version>\n<code>A B</code></version></codeset></codesets>",
                CodeListError::BadCode {
                    line: 3,
                    list: "x".into(),
                },
            ),
            (
                "<codesets>\n<codeset><id>x</id><version>\n<code></code></version></codeset></codesets>",
                CodeListError::BadCode {
                    line: 3,
                    list: "x".into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                CodeLists::from_pyx12_xml(text.as_bytes(), "t"),
                Err(want),
                "{text}"
            );
        }
        assert_eq!(
            CodeLists::from_pyx12_xml(b"\x00garbage", "t"),
            Err(CodeListError::NoRoot)
        );
        assert_eq!(
            CodeLists::from_pyx12_xml(
                b"<codesets>\n<codeset><id>x</id><version>\n<code>A&amp;B</code></version></codeset></codesets>",
                "t"
            ),
            Err(CodeListError::Reference {
                line: 3,
                element: "code".into()
            })
        );
        // A reference in a name is read past.
        let named = CodeLists::from_pyx12_xml(
            b"<codesets><codeset><id>x</id><name>A &amp; B</name><version><code>A1</code></version></codeset></codesets>",
            "t",
        )
        .unwrap();
        assert_eq!(named.contains("x", b"A1"), Some(true));
        for broken in [
            "<codesets>\n<codeset><id>x</id>\n</codesets>",
            "<codesets>\n<codeset>",
        ] {
            let e = CodeLists::from_pyx12_xml(broken.as_bytes(), "t").unwrap_err();
            assert!(
                matches!(
                    e,
                    CodeListError::Xml { .. } | CodeListError::NotCodeLists { .. }
                ),
                "{broken:?}: {e:?}"
            );
        }
    }
}
