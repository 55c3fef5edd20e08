//! What kind of code-set file is this? Decided by content, never by name: the root
//! element of an XML file, the record layout of a fixed-width file, the magic bytes
//! of an archive.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
            FileKind::Zip => "zip archive",
            FileKind::Gzip => "gzip-compressed file",
            FileKind::Unknown => "unrecognized file",
        }
    }

    /// Kinds this version of rcm builds a code-set version from.
    pub fn importable(self) -> bool {
        matches!(self, FileKind::Icd10cmTabular | FileKind::Icd10cmOrder)
    }
}

/// Looks at the first few kilobytes of a file.
pub fn detect(head: &[u8]) -> FileKind {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
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
    FileKind::Unknown
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
