//! Code-set versions and the dates they govern.
//!
//! ICD-10-CM fiscal year N runs from October 1 of N-1 to September 30 of N; since
//! 2023 CMS also publishes an April 1 update inside the fiscal year. A version answers
//! from its effective date until a newer imported version starts; past its scheduled
//! end it keeps answering, with a warning that a newer release is due.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::index::Counts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum CodeSystem {
    Icd10cm,
}

impl CodeSystem {
    pub fn label(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "ICD-10-CM",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "icd10cm",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Release {
    /// The annual release, effective October 1 before the fiscal year's name.
    October,
    /// The mid-year update, effective April 1 of the fiscal year.
    April,
}

impl Release {
    pub fn parse(s: &str) -> Option<Release> {
        match s.to_ascii_lowercase().as_str() {
            "october" | "oct" | "annual" => Some(Release::October),
            "april" | "apr" => Some(Release::April),
            _ => None,
        }
    }
}

/// What kind of file a version was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Icd10cmTabular,
    Icd10cmOrder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The file name as given (and the member name inside an archive).
    pub name: String,
    pub kind: SourceKind,
    /// SHA-256 of the imported file's bytes (the member's, for an archive).
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub system: CodeSystem,
    /// Stable id, e.g. `icd10cm-2026-april`.
    pub id: String,
    pub label: String,
    pub fiscal_year: i16,
    pub release: Release,
    pub effective: Date,
    pub scheduled_end: Date,
    pub has_notes: bool,
    pub source: SourceInfo,
    pub imported_at: String,
    pub counts: Counts,
}

/// The dates of a release of a fiscal year.
pub fn release_dates(fiscal_year: i16, release: Release) -> Option<(Date, Date)> {
    let end = Date::new(fiscal_year, 9, 30).ok()?;
    let start = match release {
        Release::October => Date::new(fiscal_year - 1, 10, 1).ok()?,
        Release::April => Date::new(fiscal_year, 4, 1).ok()?,
    };
    Some((start, end))
}

pub fn version_id(system: CodeSystem, fiscal_year: i16, release: Release) -> String {
    let r = match release {
        Release::October => "october",
        Release::April => "april",
    };
    format!("{}-{fiscal_year}-{r}", system.slug())
}

pub fn version_label(
    system: CodeSystem,
    fiscal_year: i16,
    release: Release,
    start: Date,
) -> String {
    match release {
        Release::October => format!(
            "{} FY{fiscal_year} (October 1, {} release)",
            system.label(),
            start.year()
        ),
        Release::April => format!(
            "{} FY{fiscal_year} (April 1, {} update)",
            system.label(),
            start.year()
        ),
    }
}

/// Looks for release hints in a file or archive member name, as CMS and packagers
/// name them: `icd10cm-tabular-April-1-2026.xml`, `April-1-2026-Code-Tables.zip`,
/// `icd10cm_order_2026.txt`. Content decides the file's kind; the name only dates it.
pub fn hints_from_name(name: &str) -> (Option<i16>, Option<Release>) {
    let lower = name.to_ascii_lowercase();
    let release = if lower.contains("april") || lower.contains("-apr-") || lower.contains("_apr_") {
        Some(Release::April)
    } else if lower.contains("october") || lower.contains("oct") {
        Some(Release::October)
    } else {
        None
    };
    let bytes = lower.as_bytes();
    let mut year = None;
    for i in 0..bytes.len().saturating_sub(3) {
        let w = &bytes[i..i + 4];
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        if w.iter().all(u8::is_ascii_digit) && before_ok && after_ok && w.starts_with(b"20") {
            year = std::str::from_utf8(w).ok().and_then(|s| s.parse().ok());
        }
    }
    (year, release)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_dates() {
        let (s, e) = release_dates(2026, Release::April).unwrap();
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("2026-04-01".into(), "2026-09-30".into())
        );
        let (s, _) = release_dates(2026, Release::October).unwrap();
        assert_eq!(s.to_string(), "2025-10-01");
    }

    #[test]
    fn names_give_hints() {
        assert_eq!(
            hints_from_name("simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"),
            (Some(2026), Some(Release::April))
        );
        assert_eq!(
            hints_from_name("icd10cm_order_2025.txt"),
            (Some(2025), None)
        );
        assert_eq!(hints_from_name("tabular.xml"), (None, None));
    }
}
