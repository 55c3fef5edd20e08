//! # HCPCS Level II, CPT by shape and licence, places of service, claim frequency
//!
//! Owns the procedure-side code sets a claim line carries besides diagnoses:
//! - HCPCS Level II from the CMS alpha-numeric file, either the fixed-width text
//!   ([`HcpcsSet::from_fixed_width`], layout in [`layout`]) or its Excel twin
//!   ([`HcpcsSet::from_xlsx`], columns found by header name): procedure codes with
//!   short and long descriptions (continuation lines joined), pricing indicators,
//!   coverage, BETOS, type of service, action code and the add, action-effective and
//!   termination dates; and the HCPCS modifiers (LT, RT, GT, XS, …).
//! - Queries: [`HcpcsSet::lookup`], [`HcpcsSet::validate`] for a date of service
//!   (valid, or why not), [`HcpcsSet::modifier`], ranked [`HcpcsSet::search`],
//!   [`HcpcsSet::counts`]; a compact stored form ([`HcpcsSet::to_bytes`] /
//!   [`HcpcsSet::from_bytes`]).
//! - CPT: shape checks without any import ([`cpt_shape`]), numeric modifiers known by
//!   number only, and a licensed user's own CPT file ([`CptSet`], accepted columns
//!   documented in [`cpt`]).
//! - The CMS place-of-service code set and the claim frequency codes ([`pos`]).
//!
//! **CPT text is dropped.** CMS files may carry CPT (Level I) rows, whose
//! descriptions are the AMA's: a row whose code has a CPT shape (5 digits, or 4
//! digits and F, T or U) and a modifier record whose code begins with a digit
//! (25, 59, 1P, …) are checked like any record and then dropped, only counted
//! ([`HcpcsCounts::cpt_procedures_dropped`], [`HcpcsCounts::cpt_modifiers_dropped`]).
//! Only HCPCS Level II codes (a letter and four digits) and letter-first modifiers
//! are stored, shown and searched.
//!
//! It must not know about claims, storage locations, HTTP or the terminal: callers
//! pass a file's path (for messages) and bytes and get values or errors back. Every
//! error names the file and the line (or sheet and row), the column and the field.
//! A file with one bad record imports nothing.

pub mod cpt;
mod fixed;
pub mod layout;
pub mod pos;
mod search;
mod xlsx;

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use cpt::{CPT_MODIFIERS, CptCode, CptKind, CptSet, cpt_shape, is_cpt_modifier};
pub use fixed::looks_like_fixed_width;
pub use pos::{
    ClaimFrequency, FrequencyUse, PlaceOfService, PosStatus, claim_frequencies, claim_frequency,
    place_of_service, places_of_service,
};
pub use search::{EntryKind, HcpcsHit, TermMatch};

use crate::error::{CodesError, Result};

/// ACTION CD: what the release did to the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionCode {
    /// A: code added.
    #[serde(rename = "A")]
    Added,
    /// B: change in both administrative data and long description.
    #[serde(rename = "B")]
    ChangedDataAndDescription,
    /// C: change in long description.
    #[serde(rename = "C")]
    ChangedDescription,
    /// D: code discontinued.
    #[serde(rename = "D")]
    Discontinued,
    /// F: change in administrative data.
    #[serde(rename = "F")]
    ChangedData,
    /// N: no maintenance.
    #[serde(rename = "N")]
    NoMaintenance,
    /// P: payment change (pricing indicator, MOG, anesthesia base units, ASC).
    #[serde(rename = "P")]
    PaymentChange,
    /// R: discontinued code re-activated.
    #[serde(rename = "R")]
    Reactivated,
    /// S: change in short description.
    #[serde(rename = "S")]
    ChangedShortDescription,
    /// T: miscellaneous change (BETOS, type of service).
    #[serde(rename = "T")]
    MiscellaneousChange,
}

impl ActionCode {
    pub fn from_letter(c: char) -> Option<ActionCode> {
        Some(match c {
            'A' => ActionCode::Added,
            'B' => ActionCode::ChangedDataAndDescription,
            'C' => ActionCode::ChangedDescription,
            'D' => ActionCode::Discontinued,
            'F' => ActionCode::ChangedData,
            'N' => ActionCode::NoMaintenance,
            'P' => ActionCode::PaymentChange,
            'R' => ActionCode::Reactivated,
            'S' => ActionCode::ChangedShortDescription,
            'T' => ActionCode::MiscellaneousChange,
            _ => return None,
        })
    }

    pub fn letter(self) -> char {
        match self {
            ActionCode::Added => 'A',
            ActionCode::ChangedDataAndDescription => 'B',
            ActionCode::ChangedDescription => 'C',
            ActionCode::Discontinued => 'D',
            ActionCode::ChangedData => 'F',
            ActionCode::NoMaintenance => 'N',
            ActionCode::PaymentChange => 'P',
            ActionCode::Reactivated => 'R',
            ActionCode::ChangedShortDescription => 'S',
            ActionCode::MiscellaneousChange => 'T',
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ActionCode::Added => "added",
            ActionCode::ChangedDataAndDescription => {
                "administrative data and long description changed"
            }
            ActionCode::ChangedDescription => "long description changed",
            ActionCode::Discontinued => "discontinued",
            ActionCode::ChangedData => "administrative data changed",
            ActionCode::NoMaintenance => "no maintenance",
            ActionCode::PaymentChange => "payment change",
            ActionCode::Reactivated => "re-activated",
            ActionCode::ChangedShortDescription => "short description changed",
            ActionCode::MiscellaneousChange => "miscellaneous change (BETOS, type of service)",
        }
    }
}

/// COV: Medicare coverage status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CoverageCode {
    /// C: carrier judgment.
    #[serde(rename = "C")]
    CarrierJudgment,
    /// D: special coverage instructions apply.
    #[serde(rename = "D")]
    SpecialInstructions,
    /// I: not payable by Medicare.
    #[serde(rename = "I")]
    NotPayable,
    /// M: non-covered by Medicare.
    #[serde(rename = "M")]
    NotCovered,
    /// S: non-covered by Medicare statute.
    #[serde(rename = "S")]
    NotCoveredByStatute,
}

impl CoverageCode {
    pub fn from_letter(c: char) -> Option<CoverageCode> {
        Some(match c {
            'C' => CoverageCode::CarrierJudgment,
            'D' => CoverageCode::SpecialInstructions,
            'I' => CoverageCode::NotPayable,
            'M' => CoverageCode::NotCovered,
            'S' => CoverageCode::NotCoveredByStatute,
            _ => return None,
        })
    }

    pub fn letter(self) -> char {
        match self {
            CoverageCode::CarrierJudgment => 'C',
            CoverageCode::SpecialInstructions => 'D',
            CoverageCode::NotPayable => 'I',
            CoverageCode::NotCovered => 'M',
            CoverageCode::NotCoveredByStatute => 'S',
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            CoverageCode::CarrierJudgment => "carrier judgment",
            CoverageCode::SpecialInstructions => "special coverage instructions apply",
            CoverageCode::NotPayable => "not payable by Medicare",
            CoverageCode::NotCovered => "non-covered by Medicare",
            CoverageCode::NotCoveredByStatute => "non-covered by Medicare statute",
        }
    }
}

/// A HCPCS Level II procedure code and its CMS data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HcpcsCode {
    pub code: String,
    /// The full descriptor, continuation lines joined with a space.
    pub long_description: String,
    /// At most 28 characters, CMS abbreviations.
    pub short_description: String,
    /// PRICE1-PRICE4, the non-blank ones ("36" capped rental DME, "00" not priced…).
    pub pricing_indicators: Vec<String>,
    pub multiple_pricing_indicator: Option<char>,
    pub coverage: CoverageCode,
    pub asc_group: Option<String>,
    pub asc_effective: Option<Date>,
    pub processing_note: Option<String>,
    /// Berenson-Eggers type of service (D1D wheelchairs, …).
    pub betos: Option<String>,
    /// TOS1-TOS5, the non-blank ones.
    pub types_of_service: Vec<char>,
    /// XREF1-XREF5: codes to use instead.
    pub cross_references: Vec<String>,
    pub action: ActionCode,
    /// ADD DT: the code has been valid since this date.
    pub added: Date,
    /// ACT EFF DT: the date the action took effect.
    pub action_effective: Option<Date>,
    /// TERM DT: the last date the code may be used.
    pub terminated: Option<Date>,
}

impl HcpcsCode {
    /// Added on or before the date and not terminated before it.
    pub fn is_valid_on(&self, date_of_service: Date) -> bool {
        self.added <= date_of_service && self.terminated.is_none_or(|t| date_of_service <= t)
    }
}

/// A HCPCS Level II modifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifier {
    pub code: String,
    pub long_description: String,
    pub short_description: String,
    pub coverage: CoverageCode,
    pub action: ActionCode,
    pub added: Date,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
}

impl Modifier {
    pub fn is_valid_on(&self, date_of_service: Date) -> bool {
        self.added <= date_of_service && self.terminated.is_none_or(|t| date_of_service <= t)
    }
}

/// What a modifier code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModifierRef<'a> {
    /// A HCPCS Level II modifier from the CMS file.
    LevelII(&'a Modifier),
    /// A CPT modifier (25, 59, …), known by number only: the product has no text for it.
    Cpt(&'static str),
}

impl ModifierRef<'_> {
    pub fn code(&self) -> &str {
        match self {
            ModifierRef::LevelII(m) => &m.code,
            ModifierRef::Cpt(c) => c,
        }
    }
}

/// What a file held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HcpcsCounts {
    /// HCPCS Level II procedure codes stored (first lines, record id 3).
    pub procedures: usize,
    /// Of those, codes with a termination date.
    pub terminated_procedures: usize,
    /// Level II modifiers stored (record id 7).
    pub modifiers: usize,
    /// CPT-shaped procedure rows read and dropped.
    pub cpt_procedures_dropped: usize,
    /// Numeric (CPT) modifier rows read and dropped.
    pub cpt_modifiers_dropped: usize,
    /// Continuation lines (record ids 4 and 8) joined into long descriptions.
    pub continuation_lines: usize,
    /// All records read.
    pub records: usize,
}

/// Whether `code` has the HCPCS Level II shape: a capital letter and four digits.
pub fn is_level_ii_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// The answer to "may this code be billed on this date?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HcpcsValidity<'a> {
    Valid(&'a HcpcsCode),
    /// Not a letter and four digits. `cpt` tells a CPT-shaped code (validate it
    /// against CPT instead).
    NotLevelII {
        code: String,
        cpt: Option<CptKind>,
    },
    /// Level II shape, but not in this file; the nearest codes that are.
    Unknown {
        code: String,
        nearest: Vec<&'a HcpcsCode>,
    },
    /// The code's last valid day was before the date of service.
    Terminated {
        code: &'a HcpcsCode,
        last_day: Date,
    },
    /// The code was added after the date of service.
    NotYetEffective {
        code: &'a HcpcsCode,
        effective: Date,
    },
}

impl HcpcsValidity<'_> {
    pub fn is_valid(&self) -> bool {
        matches!(self, HcpcsValidity::Valid(_))
    }
}

impl std::fmt::Display for HcpcsValidity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HcpcsValidity::Valid(c) => write!(f, "{} is valid: {}", c.code, c.long_description),
            HcpcsValidity::NotLevelII { code, cpt: Some(k) } => write!(
                f,
                "{code} is not a HCPCS Level II code (a letter and 4 digits): it has the shape of a {} code",
                k.label()
            ),
            HcpcsValidity::NotLevelII { code, cpt: None } => write!(
                f,
                "\"{code}\" is not a HCPCS Level II code: a letter and 4 digits expected"
            ),
            HcpcsValidity::Unknown { code, nearest } => {
                write!(f, "{code} is not a HCPCS Level II code in this release")?;
                if !nearest.is_empty() {
                    let list = nearest
                        .iter()
                        .map(|c| format!("{} {}", c.code, c.short_description))
                        .collect::<Vec<_>>()
                        .join("; ");
                    write!(f, "; nearest: {list}")?;
                }
                Ok(())
            }
            HcpcsValidity::Terminated { code, last_day } => write!(
                f,
                "{} was terminated: its last valid day was {last_day}",
                code.code
            ),
            HcpcsValidity::NotYetEffective { code, effective } => write!(
                f,
                "{} is not yet effective: it is valid from {effective}",
                code.code
            ),
        }
    }
}

/// A HCPCS Level II release in memory.
#[derive(Debug)]
pub struct HcpcsSet {
    codes: Vec<HcpcsCode>,
    modifiers: Vec<Modifier>,
    counts: HcpcsCounts,
    source: String,
    index: search::SearchIndex,
}

/// Stored form: magic, format version, CRC-32 and length of the JSON body.
const MAGIC: &[u8; 8] = b"RCMHCPCS";
const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 4 + 8;

#[derive(Serialize, Deserialize)]
struct Stored {
    source: String,
    counts: HcpcsCounts,
    codes: Vec<HcpcsCode>,
    modifiers: Vec<Modifier>,
}

impl HcpcsSet {
    fn new(
        codes: Vec<HcpcsCode>,
        modifiers: Vec<Modifier>,
        counts: HcpcsCounts,
        source: String,
    ) -> HcpcsSet {
        let index = search::SearchIndex::build(&codes, &modifiers);
        HcpcsSet {
            codes,
            modifiers,
            counts,
            source,
            index,
        }
    }

    /// Reads the fixed-width text file (disclaimer lines before the first record
    /// are skipped).
    pub fn from_fixed_width(path: &Path, bytes: &[u8]) -> Result<HcpcsSet> {
        let (asm, _) = fixed::parse(path, bytes)?;
        let (codes, modifiers, counts) = asm.finish();
        Ok(HcpcsSet::new(
            codes,
            modifiers,
            counts,
            path.display().to_string(),
        ))
    }

    /// Reads the Excel twin: the first sheet with the HCPCS columns, by header name.
    pub fn from_xlsx(path: &Path, bytes: &[u8]) -> Result<HcpcsSet> {
        let (asm, sheet) = xlsx::parse(path, bytes)?;
        let (codes, modifiers, counts) = asm.finish();
        Ok(HcpcsSet::new(
            codes,
            modifiers,
            counts,
            format!("{} (sheet {sheet})", path.display()),
        ))
    }

    /// The file the set was read from, as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn counts(&self) -> &HcpcsCounts {
        &self.counts
    }

    /// All procedure codes, in code order.
    pub fn codes(&self) -> &[HcpcsCode] {
        &self.codes
    }

    /// All Level II modifiers, in code order.
    pub fn modifiers(&self) -> &[Modifier] {
        &self.modifiers
    }

    /// The code, whatever its dates (case-insensitive, blanks trimmed). No allocation.
    pub fn lookup(&self, code: &str) -> Option<&HcpcsCode> {
        let key = normalize::<5>(code)?;
        let key = std::str::from_utf8(&key.0[..key.1]).ok()?;
        self.codes
            .binary_search_by(|c| c.code.as_str().cmp(key))
            .ok()
            .and_then(|i| self.codes.get(i))
    }

    /// Whether the code may be billed on the date of service, or why not.
    pub fn validate(&self, code: &str, date_of_service: Date) -> HcpcsValidity<'_> {
        let wanted = code.trim().to_ascii_uppercase();
        if !is_level_ii_shape(&wanted) {
            return HcpcsValidity::NotLevelII {
                cpt: cpt_shape(&wanted),
                code: wanted,
            };
        }
        match self.codes.binary_search_by(|c| c.code.cmp(&wanted)) {
            Ok(i) => match self.codes.get(i) {
                Some(c) if date_of_service < c.added => HcpcsValidity::NotYetEffective {
                    code: c,
                    effective: c.added,
                },
                Some(c) => match c.terminated {
                    Some(t) if t < date_of_service => HcpcsValidity::Terminated {
                        code: c,
                        last_day: t,
                    },
                    _ => HcpcsValidity::Valid(c),
                },
                None => HcpcsValidity::Unknown {
                    code: wanted,
                    nearest: Vec::new(),
                },
            },
            Err(at) => HcpcsValidity::Unknown {
                nearest: self.nearest(&wanted, at),
                code: wanted,
            },
        }
    }

    /// Up to five codes of the same letter around where `code` would be, valid
    /// ones first.
    fn nearest(&self, code: &str, at: usize) -> Vec<&HcpcsCode> {
        let letter = code.as_bytes().first().copied();
        let lo = at.saturating_sub(3);
        let hi = (at + 3).min(self.codes.len());
        let mut near: Vec<&HcpcsCode> = self
            .codes
            .get(lo..hi)
            .unwrap_or(&[])
            .iter()
            .filter(|c| c.code.as_bytes().first().copied() == letter)
            .collect();
        let target = code
            .get(1..)
            .and_then(|d| d.parse::<i64>().ok())
            .unwrap_or(0);
        near.sort_by_key(|c| {
            let n = c
                .code
                .get(1..)
                .and_then(|d| d.parse::<i64>().ok())
                .unwrap_or(0);
            (c.terminated.is_some(), (n - target).abs())
        });
        near.truncate(5);
        near
    }

    /// A modifier: a HCPCS Level II one from the file, or a CPT modifier known by
    /// number only (25, 59, …). None when it is neither.
    pub fn modifier(&self, code: &str) -> Option<ModifierRef<'_>> {
        let key = normalize::<2>(code)?;
        let key = std::str::from_utf8(&key.0[..key.1]).ok()?;
        if let Ok(i) = self
            .modifiers
            .binary_search_by(|m| m.code.as_str().cmp(key))
        {
            return self.modifiers.get(i).map(ModifierRef::LevelII);
        }
        CPT_MODIFIERS
            .iter()
            .find(|m| **m == key)
            .map(|m| ModifierRef::Cpt(m))
    }

    /// Ranked word search over descriptions (see the ranking in the search module);
    /// codes without a termination date rank above terminated ones.
    pub fn search(&self, query: &str, limit: usize) -> Vec<HcpcsHit<'_>> {
        search::search(
            &self.index,
            &self.codes,
            &self.modifiers,
            query,
            limit,
            None,
        )
    }

    /// As [`HcpcsSet::search`], ranking codes valid on the date first.
    pub fn search_on(&self, query: &str, date_of_service: Date, limit: usize) -> Vec<HcpcsHit<'_>> {
        search::search(
            &self.index,
            &self.codes,
            &self.modifiers,
            query,
            limit,
            Some(date_of_service),
        )
    }

    /// The stored form: `RCMHCPCS`, format version (u32 LE), CRC-32 of the body
    /// (u32 LE), body length (u64 LE), then the body (JSON).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let stored = Stored {
            source: self.source.clone(),
            counts: self.counts.clone(),
            codes: self.codes.clone(),
            modifiers: self.modifiers.clone(),
        };
        let body = serde_json::to_vec(&stored).map_err(|e| CodesError::Store {
            path: self.source.clone().into(),
            message: format!("cannot encode the HCPCS set: {e}"),
        })?;
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Loads the stored form; damaged or foreign bytes give an error, never a panic
    /// or a half-loaded set.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<HcpcsSet> {
        let corrupt = |message: String| CodesError::CorruptIndex {
            path: path.to_path_buf(),
            message,
        };
        let word = |range: std::ops::Range<usize>| -> Option<u64> {
            let b = bytes.get(range)?;
            let mut a = [0u8; 8];
            a.get_mut(..b.len())?.copy_from_slice(b);
            Some(u64::from_le_bytes(a))
        };
        if bytes.get(..8) != Some(MAGIC.as_slice()) {
            return Err(corrupt(
                "not a stored HCPCS set (no RCMHCPCS header)".into(),
            ));
        }
        let version = word(8..12).ok_or_else(|| corrupt("header is cut short".into()))?;
        if version != u64::from(FORMAT_VERSION) {
            return Err(corrupt(format!(
                "format version {version}, this rcm reads {FORMAT_VERSION}"
            )));
        }
        let crc = word(12..16).ok_or_else(|| corrupt("header is cut short".into()))?;
        let len = word(16..24).ok_or_else(|| corrupt("header is cut short".into()))?;
        let body = bytes.get(HEADER_LEN..).unwrap_or(&[]);
        if body.len() as u64 != len {
            return Err(corrupt(format!(
                "body is {} bytes, header says {len}",
                body.len()
            )));
        }
        if u64::from(crc32fast::hash(body)) != crc {
            return Err(corrupt("checksum mismatch".into()));
        }
        let stored: Stored = serde_json::from_slice(body)
            .map_err(|e| corrupt(format!("body cannot be decoded: {e}")))?;
        for pair in stored.codes.windows(2) {
            if let [a, b] = pair
                && a.code >= b.code
            {
                return Err(corrupt(format!("codes out of order at {}", b.code)));
            }
        }
        if let Some(c) = stored.codes.iter().find(|c| !is_level_ii_shape(&c.code)) {
            return Err(corrupt(format!(
                "\"{}\" is not a HCPCS Level II code",
                c.code
            )));
        }
        for pair in stored.modifiers.windows(2) {
            if let [a, b] = pair
                && a.code >= b.code
            {
                return Err(corrupt(format!("modifiers out of order at {}", b.code)));
            }
        }
        if let Some(m) = stored
            .modifiers
            .iter()
            .find(|m| m.code.len() != 2 || !m.code.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(corrupt(format!("\"{}\" is not a modifier", m.code)));
        }
        Ok(HcpcsSet::new(
            stored.codes,
            stored.modifiers,
            stored.counts,
            stored.source,
        ))
    }
}

/// Trimmed, upper-cased code of at most N bytes, on the stack.
fn normalize<const N: usize>(code: &str) -> Option<([u8; N], usize)> {
    let code = code.trim();
    if code.is_empty() || code.len() > N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(code.bytes()) {
        *o = b.to_ascii_uppercase();
    }
    Some((out, code.len()))
}
