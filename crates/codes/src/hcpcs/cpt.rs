//! CPT (HCPCS Level I): the shape check that works without any import, and the
//! import of a licensed user's own CPT file.
//!
//! The product ships no CPT descriptions (they belong to the AMA). Without an import
//! a CPT code is checked for its shape only ([`cpt_shape`]) and numeric modifiers
//! are known by number only ([`is_cpt_modifier`]).
//!
//! # Accepted CPT file ([`CptSet::from_csv`])
//! - Text, UTF-8 (a byte-order mark is skipped; a file that is not UTF-8 is read as
//!   Windows-1252).
//! - Separated by commas or by tabs, judged from the header line (tabs when it has
//!   more tabs than commas). Fields may be quoted with `"` (RFC 4180): quoted fields
//!   may hold the separator, line breaks, and `""` for a quote.
//! - A header row is required. Column names compare case-insensitively, ignoring
//!   surrounding blanks, and `_` counts as a space:
//!   - the code column is named one of `code`, `cpt`, `cpt code`, `hcpcs`;
//!   - the description column one of `description`, `long description`,
//!     `descriptor`, `short description` (when several are present the first in
//!     that order is the description; `short description` is also kept as the
//!     short form);
//!   - other columns are ignored.
//! - Each code must have a CPT shape (5 digits; 4 digits + F, T or U), appear once,
//!   and have a description. Blank lines are skipped. Any bad row stops the import
//!   with an error naming the file, line and column.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{CodesError, Result};

/// The four kinds of CPT code, told apart by shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CptKind {
    /// Five digits: services and procedures (99213).
    CategoryI,
    /// Four digits and F: performance measurement (0001F).
    CategoryII,
    /// Four digits and T: emerging technology (0042T).
    CategoryIII,
    /// Four digits and U: proprietary laboratory analyses (0001U).
    Pla,
}

impl CptKind {
    /// The shapes, for messages.
    pub const SHAPES: &'static str =
        "CPT is 5 digits (Category I), or 4 digits and F (II), T (III) or U (PLA)";

    pub fn label(self) -> &'static str {
        match self {
            CptKind::CategoryI => "CPT Category I",
            CptKind::CategoryII => "CPT Category II",
            CptKind::CategoryIII => "CPT Category III",
            CptKind::Pla => "CPT PLA (proprietary laboratory analyses)",
        }
    }
}

/// The CPT kind of a code by its shape alone; None when it is not CPT-shaped.
/// Capital letters only: `0001f` is not a code (normalise before asking).
pub fn cpt_shape(code: &str) -> Option<CptKind> {
    let b = code.as_bytes();
    if b.len() != 5 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    match b[4] {
        b'0'..=b'9' => Some(CptKind::CategoryI),
        b'F' => Some(CptKind::CategoryII),
        b'T' => Some(CptKind::CategoryIII),
        b'U' => Some(CptKind::Pla),
        _ => None,
    }
}

/// The CPT modifiers (CPT Appendix A), by number only: the two-digit modifiers,
/// the Category II performance-measurement modifiers 1P, 2P, 3P and 8P. Their
/// descriptors are the AMA's and are not shipped. (The anesthesia physical-status
/// modifiers P1-P6 are in the CMS HCPCS file and come from there.)
pub const CPT_MODIFIERS: &[&str] = &[
    "22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90",
    "91", "92", "93", "95", "96", "97", "99", "1P", "2P", "3P", "8P",
];

/// True for a CPT modifier known by number.
pub fn is_cpt_modifier(code: &str) -> bool {
    CPT_MODIFIERS.contains(&code)
}

/// One imported CPT code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CptCode {
    pub code: String,
    pub kind: CptKind,
    pub description: String,
    /// From a `short description` column when the file has one besides the description.
    pub short_description: Option<String>,
}

/// A licensed user's CPT codes, sorted by code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CptSet {
    codes: Vec<CptCode>,
}

const CODE_COLUMNS: [&str; 4] = ["code", "cpt", "cpt code", "hcpcs"];
const DESCRIPTION_COLUMNS: [&str; 4] = [
    "description",
    "long description",
    "descriptor",
    "short description",
];

fn normalize_header(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl CptSet {
    /// Reads a CPT file as documented in the module: header row, code and
    /// description columns by name, comma or tab separated.
    pub fn from_csv(path: &Path, bytes: &[u8]) -> Result<CptSet> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => super::layout::decode_cp1252(bytes),
        };
        let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let tabs = first_line.matches('\t').count();
        let commas = first_line.matches(',').count();
        let sep = if tabs > commas { '\t' } else { ',' };
        let rows = read_delimited(path, &text, sep)?;
        let mut rows = rows.into_iter().filter(|r| !r.is_blank());
        let Some(header) = rows.next() else {
            return Err(CodesError::parse(path, 0, 0, "the CPT file is empty"));
        };
        let names: Vec<String> = header.fields.iter().map(|f| normalize_header(f)).collect();
        let find = |wanted: &[&str]| {
            wanted
                .iter()
                .find_map(|w| names.iter().position(|n| n == w))
        };
        let code_col = find(&CODE_COLUMNS).ok_or_else(|| {
            CodesError::parse(
                path,
                header.line,
                0,
                format!(
                    "the header row has no code column: name one of {} (found: {})",
                    quoted(&CODE_COLUMNS),
                    header.fields.join(", ")
                ),
            )
        })?;
        let desc_col = find(&DESCRIPTION_COLUMNS).ok_or_else(|| {
            CodesError::parse(
                path,
                header.line,
                0,
                format!(
                    "the header row has no description column: name one of {} (found: {})",
                    quoted(&DESCRIPTION_COLUMNS),
                    header.fields.join(", ")
                ),
            )
        })?;
        let short_col = names
            .iter()
            .position(|n| n == "short description")
            .filter(|&c| c != desc_col);
        let mut codes: Vec<(CptCode, u64)> = Vec::new();
        for row in rows {
            let at = |col: usize, msg: String| {
                CodesError::parse(
                    path,
                    row.line,
                    col as u64 + 1,
                    format!(
                        "column \"{}\": {msg}",
                        header.fields.get(col).map_or("", |s| s.trim())
                    ),
                )
            };
            let raw_code = row.fields.get(code_col).map_or("", |s| s.trim());
            let code = raw_code.to_ascii_uppercase();
            let kind = cpt_shape(&code).ok_or_else(|| {
                at(
                    code_col,
                    format!("\"{raw_code}\" is not a CPT code ({})", CptKind::SHAPES),
                )
            })?;
            let description = row
                .fields
                .get(desc_col)
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            if description.is_empty() {
                return Err(at(desc_col, format!("{code} has no description")));
            }
            let short_description = short_col
                .and_then(|c| row.fields.get(c))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            codes.push((
                CptCode {
                    code,
                    kind,
                    description,
                    short_description,
                },
                row.line,
            ));
        }
        codes.sort_by(|a, b| a.0.code.cmp(&b.0.code).then(a.1.cmp(&b.1)));
        for pair in codes.windows(2) {
            if let [(a, first), (b, line)] = pair
                && a.code == b.code
            {
                return Err(CodesError::parse(
                    path,
                    *line,
                    code_col as u64 + 1,
                    format!("code {} appears twice (first on line {first})", b.code),
                ));
            }
        }
        if codes.is_empty() {
            return Err(CodesError::parse(
                path,
                header.line,
                0,
                "the CPT file has a header row but no codes",
            ));
        }
        Ok(CptSet {
            codes: codes.into_iter().map(|(c, _)| c).collect(),
        })
    }

    /// The imported code, when present (case-insensitive).
    pub fn lookup(&self, code: &str) -> Option<&CptCode> {
        let key = code.trim().to_ascii_uppercase();
        self.codes
            .binary_search_by(|c| c.code.as_str().cmp(&key))
            .ok()
            .and_then(|i| self.codes.get(i))
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &CptCode> {
        self.codes.iter()
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row of a delimited file and the line it starts on.
#[derive(Debug)]
struct DelimitedRow {
    line: u64,
    fields: Vec<String>,
}

impl DelimitedRow {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// RFC 4180 reading: `sep` between fields, CRLF or LF between rows, `"` quotes a
/// field (holding separators, line breaks and `""` for a quote). A quote inside an
/// unquoted field is kept as text; an unterminated quote is an error.
fn read_delimited(path: &Path, text: &str, sep: char) -> Result<Vec<DelimitedRow>> {
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line: u64 = 1;
    let mut row_line: u64 = 1;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if at_field_start && c == '"' {
            let quote_line = line;
            let mut closed = false;
            while let Some(q) = chars.next() {
                if q == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        closed = true;
                        break;
                    }
                } else {
                    if q == '\n' {
                        line += 1;
                    }
                    field.push(q);
                }
            }
            if !closed {
                return Err(CodesError::parse(
                    path,
                    quote_line,
                    0,
                    "a quoted field is not closed before the end of the file",
                ));
            }
            at_field_start = false;
            // Text between the closing quote and the separator is kept as is.
            continue;
        }
        at_field_start = false;
        if c == sep {
            fields.push(std::mem::take(&mut field));
            at_field_start = true;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            fields.push(std::mem::take(&mut field));
            rows.push(DelimitedRow {
                line: row_line,
                fields: std::mem::take(&mut fields),
            });
            line += 1;
            row_line = line;
            at_field_start = true;
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        rows.push(DelimitedRow {
            line: row_line,
            fields,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(cpt_shape("99213"), Some(CptKind::CategoryI));
        assert_eq!(cpt_shape("0001F"), Some(CptKind::CategoryII));
        assert_eq!(cpt_shape("0042T"), Some(CptKind::CategoryIII));
        assert_eq!(cpt_shape("0001U"), Some(CptKind::Pla));
        assert_eq!(cpt_shape("K0001"), None);
        assert_eq!(cpt_shape("0001X"), None);
        assert_eq!(cpt_shape("9921"), None);
        assert_eq!(cpt_shape("992130"), None);
        assert_eq!(cpt_shape("0001f"), None);
    }

    #[test]
    fn rfc4180_quotes() {
        let rows = read_delimited(
            Path::new("c.csv"),
            "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z",
            ',',
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].fields, ["x, y", "say \"hi\""]);
        assert_eq!(rows[2].fields, ["multi\nline", "z"]);
        assert_eq!(rows[2].line, 3);
        assert!(read_delimited(Path::new("c.csv"), "a,\"open", ',').is_err());
    }
}
