//! Code-set versions and the dates they govern.
//!
//! ICD-10-CM and ICD-10-PCS fiscal year N runs from October 1 of N-1 to September 30
//! of N; since 2023 CMS also publishes an April 1 update inside the fiscal year.
//! HCPCS Level II is released quarterly (January, April, July, October 1); CPT
//! yearly on January 1. A version answers from its effective date until a newer
//! imported version starts; past its scheduled end it keeps answering, with a warning
//! that a newer release is due.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::index::Counts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum CodeSystem {
    Icd10cm,
    Icd10pcs,
    Hcpcs,
    Cpt,
    /// The ICD-10-CM Alphabetic Index to Diseases and Injuries.
    #[serde(rename = "icd10cm-index")]
    Icd10cmIndex,
    #[serde(rename = "icd10cm-eindex")]
    Icd10cmExternalCauseIndex,
    #[serde(rename = "icd10cm-drugs")]
    Icd10cmDrugTable,
    #[serde(rename = "icd10cm-neoplasms")]
    Icd10cmNeoplasmTable,
}

impl CodeSystem {
    pub const ALL: [CodeSystem; 8] = [
        CodeSystem::Icd10cm,
        CodeSystem::Icd10pcs,
        CodeSystem::Hcpcs,
        CodeSystem::Cpt,
        CodeSystem::Icd10cmIndex,
        CodeSystem::Icd10cmExternalCauseIndex,
        CodeSystem::Icd10cmDrugTable,
        CodeSystem::Icd10cmNeoplasmTable,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "ICD-10-CM",
            CodeSystem::Icd10pcs => "ICD-10-PCS",
            CodeSystem::Hcpcs => "HCPCS Level II",
            CodeSystem::Cpt => "CPT",
            CodeSystem::Icd10cmIndex => "ICD-10-CM Alphabetic Index",
            CodeSystem::Icd10cmExternalCauseIndex => "ICD-10-CM External Cause Index",
            CodeSystem::Icd10cmDrugTable => "ICD-10-CM Table of Drugs and Chemicals",
            CodeSystem::Icd10cmNeoplasmTable => "ICD-10-CM Neoplasm Table",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "icd10cm",
            CodeSystem::Icd10pcs => "icd10pcs",
            CodeSystem::Hcpcs => "hcpcs",
            CodeSystem::Cpt => "cpt",
            CodeSystem::Icd10cmIndex => "icd10cm-index",
            CodeSystem::Icd10cmExternalCauseIndex => "icd10cm-eindex",
            CodeSystem::Icd10cmDrugTable => "icd10cm-drugs",
            CodeSystem::Icd10cmNeoplasmTable => "icd10cm-neoplasms",
        }
    }
    /// What a person types after `--system`.
    pub fn parse(s: &str) -> Option<CodeSystem> {
        Some(
            match s.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
                "icd10cm" | "cm" | "icd10" | "dx" => CodeSystem::Icd10cm,
                "icd10pcs" | "pcs" => CodeSystem::Icd10pcs,
                "hcpcs" | "hcpcs2" | "hcpcsii" | "level2" => CodeSystem::Hcpcs,
                "cpt" => CodeSystem::Cpt,
                "icd10cmindex" | "index" => CodeSystem::Icd10cmIndex,
                "icd10cmeindex" | "eindex" | "externalcause" => {
                    CodeSystem::Icd10cmExternalCauseIndex
                }
                "icd10cmdrugs" | "drugs" | "drug" => CodeSystem::Icd10cmDrugTable,
                "icd10cmneoplasms" | "neoplasms" | "neoplasm" => CodeSystem::Icd10cmNeoplasmTable,
                _ => return None,
            },
        )
    }
    /// Systems dated by the federal fiscal year (October 1 start).
    pub fn fiscal(self) -> bool {
        !matches!(self, CodeSystem::Hcpcs | CodeSystem::Cpt)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Release {
    /// ICD-10: the annual release, effective October 1 before the fiscal year's name.
    /// HCPCS: the fourth-quarter update, October 1 of the year.
    October,
    /// ICD-10-CM: the mid-year update, April 1 of the fiscal year. HCPCS: second quarter.
    April,
    /// HCPCS: the annual file, January 1. CPT: the yearly release.
    January,
    /// HCPCS: third-quarter update, July 1.
    July,
}

impl Release {
    pub fn parse(s: &str) -> Option<Release> {
        match s.to_ascii_lowercase().as_str() {
            "october" | "oct" | "q4" => Some(Release::October),
            "april" | "apr" | "q2" => Some(Release::April),
            "january" | "jan" | "q1" => Some(Release::January),
            "july" | "jul" | "q3" => Some(Release::July),
            "annual" => Some(Release::October),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Release::October => "october",
            Release::April => "april",
            Release::January => "january",
            Release::July => "july",
        }
    }
}

/// What kind of file a version was built from.
pub type SourceKind = crate::detect::FileKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The file name as given (and the member name inside an archive).
    pub name: String,
    pub kind: SourceKind,
    /// SHA-256 of the imported file's bytes (the member's, for an archive).
    pub sha256: String,
    pub bytes: u64,
    /// Files imported with it as one release (PCS index and definitions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub system: CodeSystem,
    /// Stable id, e.g. `icd10cm-2026-april`.
    pub id: String,
    pub label: String,
    /// The fiscal year (ICD-10 systems) or calendar year (HCPCS, CPT) of the release.
    #[serde(alias = "fiscal_year")]
    pub year: i16,
    pub release: Release,
    pub effective: Date,
    pub scheduled_end: Date,
    pub has_notes: bool,
    pub source: SourceInfo,
    pub imported_at: String,
    pub counts: Counts,
}

/// The dates of an ICD-10-CM release of a fiscal year (see [`system_release_dates`]).
pub fn release_dates(fiscal_year: i16, release: Release) -> Option<(Date, Date)> {
    system_release_dates(CodeSystem::Icd10cm, fiscal_year, release)
}

/// Effective date and scheduled end of a release.
pub fn system_release_dates(
    system: CodeSystem,
    year: i16,
    release: Release,
) -> Option<(Date, Date)> {
    if system.fiscal() {
        let end = Date::new(year, 9, 30).ok()?;
        let start = match release {
            Release::October => Date::new(year - 1, 10, 1).ok()?,
            Release::April => Date::new(year, 4, 1).ok()?,
            Release::January | Release::July => return None,
        };
        return Some((start, end));
    }
    if system == CodeSystem::Cpt {
        return Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?));
    }
    // HCPCS quarters
    let (start, end) = match release {
        Release::January => (Date::new(year, 1, 1), Date::new(year, 3, 31)),
        Release::April => (Date::new(year, 4, 1), Date::new(year, 6, 30)),
        Release::July => (Date::new(year, 7, 1), Date::new(year, 9, 30)),
        Release::October => (Date::new(year, 10, 1), Date::new(year, 12, 31)),
    };
    Some((start.ok()?, end.ok()?))
}

pub fn version_id(system: CodeSystem, year: i16, release: Release) -> String {
    format!("{}-{year}-{}", system.slug(), release.name())
}

pub fn version_label(system: CodeSystem, year: i16, release: Release, start: Date) -> String {
    let label = system.label();
    if system == CodeSystem::Cpt {
        return format!("{label} {year}");
    }
    if !system.fiscal() {
        let q = match release {
            Release::January => "January 1 (annual)",
            Release::April => "April 1 quarterly update",
            Release::July => "July 1 quarterly update",
            Release::October => "October 1 quarterly update",
        };
        return format!("{label} {year} ({q})");
    }
    match release {
        Release::April => format!("{label} FY{year} (April 1, {} update)", start.year()),
        _ => format!("{label} FY{year} (October 1, {} release)", start.year()),
    }
}

/// Looks for release hints in a file or archive member name, as CMS and packagers
/// name them: `icd10cm-tabular-April-1-2026.xml`, `April-1-2026-Code-Tables.zip`,
/// `icd10cm_order_2026.txt`. Content decides the file's kind; the name only dates it.
pub fn hints_from_name(name: &str) -> (Option<i16>, Option<Release>) {
    let lower = name.to_ascii_lowercase();
    let release = if lower.contains("april") || lower.contains("-apr-") || lower.contains("_apr_") {
        Some(Release::April)
    } else if lower.contains("october") || lower.contains("_oct") || lower.contains("-oct") {
        Some(Release::October)
    } else if lower.contains("january") || lower.contains("_jan") || lower.contains("-jan") {
        Some(Release::January)
    } else if lower.contains("july") || lower.contains("_jul") || lower.contains("-jul") {
        Some(Release::July)
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
        assert_eq!(
            hints_from_name("HCPC2026_JAN_ANWEB_01122026.txt"),
            (Some(2026), Some(Release::January))
        );
    }

    #[test]
    fn quarterly_and_yearly_systems() {
        let (s, e) = system_release_dates(CodeSystem::Hcpcs, 2020, Release::January).unwrap();
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("2020-01-01".into(), "2020-03-31".into())
        );
        let (s, e) = system_release_dates(CodeSystem::Cpt, 2026, Release::January).unwrap();
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        assert!(system_release_dates(CodeSystem::Icd10pcs, 2026, Release::July).is_none());
        for sys in CodeSystem::ALL {
            assert_eq!(CodeSystem::parse(sys.slug()), Some(sys));
        }
    }
}
