//! What kind of code-set file is this? Decided by content, never by name: the root
//! element of an XML file, the record layout of a fixed-width file, the magic bytes
//! of an archive.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Icd10cmTabular,
    Icd10cmOrder,
    Icd10cmIndex,
    Icd10cmExternalCauseIndex,
    Icd10cmDrugTable,
    Icd10cmNeoplasmTable,
    Icd10pcsTables,
    Icd10pcsIndex,
    Icd10pcsDefinitions,
    HcpcsFixedWidth,
    /// An Excel workbook (the HCPCS file's Excel twin).
    Xlsx,
    /// A licensed CPT file: delimited text with code and description columns.
    CptCsv,
    Zip,
    Gzip,
    Unknown,
}

impl FileKind {
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Icd10cmTabular => "ICD-10-CM tabular list (XML)",
            FileKind::Icd10cmOrder => "ICD-10-CM order file",
            FileKind::Icd10cmIndex => "ICD-10-CM alphabetic index (XML)",
            FileKind::Icd10cmExternalCauseIndex => "ICD-10-CM external cause index (XML)",
            FileKind::Icd10cmDrugTable => "ICD-10-CM table of drugs and chemicals (XML)",
            FileKind::Icd10cmNeoplasmTable => "ICD-10-CM neoplasm table (XML)",
            FileKind::Icd10pcsTables => "ICD-10-PCS tables (XML)",
            FileKind::Icd10pcsIndex => "ICD-10-PCS index (XML)",
            FileKind::Icd10pcsDefinitions => "ICD-10-PCS definitions (XML)",
            FileKind::HcpcsFixedWidth => "HCPCS Level II alpha-numeric file (fixed width)",
            FileKind::Xlsx => "Excel workbook (HCPCS Level II)",
            FileKind::CptCsv => "CPT code file (delimited text)",
            FileKind::Zip => "zip archive",
            FileKind::Gzip => "gzip-compressed file",
            FileKind::Unknown => "unrecognized file",
        }
    }

    /// Kinds this version of rcm builds a code-set version from.
    pub fn importable(self) -> bool {
        matches!(
            self,
            FileKind::Icd10cmTabular
                | FileKind::Icd10cmOrder
                | FileKind::Icd10pcsTables
                | FileKind::Icd10pcsIndex
                | FileKind::Icd10pcsDefinitions
                | FileKind::HcpcsFixedWidth
                | FileKind::Xlsx
                | FileKind::CptCsv
                | FileKind::Icd10cmIndex
                | FileKind::Icd10cmExternalCauseIndex
                | FileKind::Icd10cmDrugTable
                | FileKind::Icd10cmNeoplasmTable
        )
    }
}

/// Looks at the first few kilobytes of a file.
pub fn detect(head: &[u8]) -> FileKind {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // An Office Open XML workbook is a zip whose parts name the spreadsheet.
        if memchr_find(head, b"xl/") || memchr_find(head, b"[Content_Types].xml") {
            return FileKind::Xlsx;
        }
        return FileKind::Zip;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return FileKind::Gzip;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    if let Some(root) = xml_root(&text) {
        return match root.as_str() {
            "ICD10CM.tabular" => FileKind::Icd10cmTabular,
            "ICD10CM.index" => {
                if text.contains("<indexHeading") {
                    if text.contains(">Substance<") || text.contains("Poisoning") {
                        FileKind::Icd10cmDrugTable
                    } else {
                        FileKind::Icd10cmNeoplasmTable
                    }
                } else if text.contains("External Cause") {
                    FileKind::Icd10cmExternalCauseIndex
                } else {
                    FileKind::Icd10cmIndex
                }
            }
            "ICD10PCS.tabular" => FileKind::Icd10pcsTables,
            "ICD10PCS.index" => FileKind::Icd10pcsIndex,
            "ICD10PCS.definitions" => FileKind::Icd10pcsDefinitions,
            _ => FileKind::Unknown,
        };
    }
    if crate::order::looks_like_order_file(head) {
        return FileKind::Icd10cmOrder;
    }
    if looks_like_hcpcs(&text) {
        return FileKind::HcpcsFixedWidth;
    }
    if looks_like_cpt_file(&text) {
        return FileKind::CptCsv;
    }
    FileKind::Unknown
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A header row naming a code column and a description column (see `hcpcs::cpt`).
fn looks_like_cpt_file(text: &str) -> bool {
    let Some(header) = text.lines().next() else {
        return false;
    };
    let cols: Vec<String> = header
        .split([',', '\t'])
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let code = cols
        .iter()
        .any(|c| ["code", "cpt", "cpt code", "hcpcs"].contains(&c.as_str()));
    let desc = cols.iter().any(|c| {
        [
            "description",
            "long description",
            "descriptor",
            "short description",
        ]
        .contains(&c.as_str())
    });
    code && desc
}

/// The name of the first element, skipping the declaration, comments and doctype.
fn xml_root(text: &str) -> Option<String> {
    let mut rest = text.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>")?.1.trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1.trim_start();
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = r.split_once('>')?.1.trim_start();
        } else if let Some(r) = rest.strip_prefix('<') {
            let name: String = r
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            return (!name.is_empty()).then_some(name);
        } else {
            return None;
        }
    }
}

/// HCPCS records: 5-character code, 5-digit sequence, record id 3/4/7/8 in column 11.
fn looks_like_hcpcs(text: &str) -> bool {
    let mut hits = 0;
    for line in text.lines() {
        let b = line.as_bytes();
        if b.len() >= 100
            && b[..5]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b' ')
            && b[5..10].iter().all(u8::is_ascii_digit)
            && matches!(b[10], b'3' | b'4' | b'7' | b'8')
        {
            hits += 1;
            if hits >= 2 {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_roots() {
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<!-- x -->\n<ICD10CM.tabular>"),
            FileKind::Icd10cmTabular
        );
        assert_eq!(
            detect(b"<ICD10CM.index><version>2023</version><indexHeading><head col=\"1\">Neoplasm</head>"),
            FileKind::Icd10cmNeoplasmTable
        );
        assert_eq!(
            detect(b"<ICD10CM.index><title>ICD-10-CM External Cause of Injuries Index</title>"),
            FileKind::Icd10cmExternalCauseIndex
        );
        assert_eq!(detect(b"<ICD10PCS.tabular>"), FileKind::Icd10pcsTables);
        assert_eq!(detect(b"<html><body>"), FileKind::Unknown);
        assert_eq!(detect(b"PK\x03\x04rest"), FileKind::Zip);
        assert_eq!(detect(b"{\"json\": true}"), FileKind::Unknown);
        assert_eq!(detect(b""), FileKind::Unknown);
    }
}
