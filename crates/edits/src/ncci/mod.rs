//! NCCI procedure-to-procedure (PTP) edits and medically unlikely edits (MUE): reading the
//! quarterly CMS files a user downloads, the versioned prebuilt tables in the data directory,
//! and lookups by date of service.
//!
//! CMS publishes these tables under the AMA's CPT licence, so rcm never ships them:
//! [`import`] reads the files a user downloads (zip, tab-delimited text, CSV or xlsx, as
//! CMS publishes them) into `<data dir>/edits/`, one prebuilt table per setting and quarter.
//! [`NcciTables`] answers from the table of the quarter in effect on a date of service,
//! loading each table the first time it is asked (about 10 MB and a few milliseconds for
//! the 500,000 practitioner pairs; see BENCHMARKS.md).
//!
//! Dates of an edit, as CMS publishes them: the effective date is the first date of service
//! the edit applies to; the deletion date, when there is one, is the last (CMS deletes an
//! edit at the end of a quarter and writes that quarter's last day, e.g. `20231231` for an
//! edit gone from January 1, 2024). An edit deleted retroactively carries modifier indicator
//! 9 ("not applicable"): the pair is returned with that indicator and must not be treated
//! as an edit.

mod code;
mod error;
mod quarter;
mod read;
mod store;
mod table;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::Serialize;

pub use code::ProcCode;
pub use error::{NcciError, Position};
pub use quarter::Quarter;
pub use read::TableKind;
pub use store::{
    IgnoredFile, ImportOptions, ImportReport, ImportStatus, SkippedRows, SourceFile, TableInfo,
    TableReport,
};

use read::{date_to_ymd, ymd_to_date};
use table::Table;

/// Which PTP table: practitioners (professional claims) or hospital outpatient (OPPS).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PtpSetting {
    Practitioner,
    OutpatientHospital,
}

/// Which MUE table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MueSetting {
    Practitioner,
    OutpatientHospital,
    DmeSupplier,
}

impl PtpSetting {
    pub fn table(self) -> TableKind {
        match self {
            PtpSetting::Practitioner => TableKind::PtpPractitioner,
            PtpSetting::OutpatientHospital => TableKind::PtpHospital,
        }
    }
}

impl MueSetting {
    pub fn table(self) -> TableKind {
        match self {
            MueSetting::Practitioner => TableKind::MuePractitioner,
            MueSetting::OutpatientHospital => TableKind::MueHospital,
            MueSetting::DmeSupplier => TableKind::MueDme,
        }
    }
}

/// The PTP modifier indicator (the "correct coding modifier indicator").
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModifierIndicator {
    /// 0: no modifier bypasses the edit; column 2 is not paid with column 1.
    NotAllowed,
    /// 1: an NCCI-associated modifier ([`is_ncci_associated_modifier`]) bypasses the edit
    /// when clinically appropriate.
    Allowed,
    /// 9: not applicable; the edit was deleted retroactively and does not apply.
    NotApplicable,
}

impl ModifierIndicator {
    pub fn digit(self) -> u8 {
        match self {
            ModifierIndicator::NotAllowed => 0,
            ModifierIndicator::Allowed => 1,
            ModifierIndicator::NotApplicable => 9,
        }
    }

    fn from_digit(d: u8) -> ModifierIndicator {
        match d {
            0 => ModifierIndicator::NotAllowed,
            1 => ModifierIndicator::Allowed,
            _ => ModifierIndicator::NotApplicable,
        }
    }
}

/// The MUE adjudication indicator: how the limit is applied.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MueIndicator {
    /// 1: per claim line.
    Line,
    /// 2: per date of service, an absolute limit from policy.
    DateOfServicePolicy,
    /// 3: per date of service, a clinical limit (may be exceeded on appeal with documentation).
    DateOfServiceClinical,
}

impl MueIndicator {
    pub fn digit(self) -> u8 {
        match self {
            MueIndicator::Line => 1,
            MueIndicator::DateOfServicePolicy => 2,
            MueIndicator::DateOfServiceClinical => 3,
        }
    }

    /// As CMS writes it in the MUE files.
    pub fn label(self) -> &'static str {
        match self {
            MueIndicator::Line => "1 Line Edit",
            MueIndicator::DateOfServicePolicy => "2 Date of Service Edit: Policy",
            MueIndicator::DateOfServiceClinical => "3 Date of Service Edit: Clinical",
        }
    }

    fn from_digit(d: u8) -> MueIndicator {
        match d {
            1 => MueIndicator::Line,
            2 => MueIndicator::DateOfServicePolicy,
            _ => MueIndicator::DateOfServiceClinical,
        }
    }
}

/// One PTP edit: column 2 is not paid with column 1 on the same date of service (unless
/// the modifier indicator is 1 and an NCCI-associated modifier is reported).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct PtpEdit<'a> {
    pub column1: ProcCode,
    pub column2: ProcCode,
    /// First date of service the edit applies to.
    pub effective: Date,
    /// Last date of service the edit applies to, when it is deleted.
    pub deletion: Option<Date>,
    pub modifier_indicator: ModifierIndicator,
    /// "In existence prior to 1996" (`*` in the CMS file).
    pub prior_1996: bool,
    /// "PTP Edit Rationale" as CMS writes it ("Mutually exclusive procedures", …).
    pub rationale: &'a str,
    /// The quarter of the table that answered.
    pub quarter: Quarter,
}

/// The most units of a code per line or per date of service.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct MueLimit<'a> {
    pub code: ProcCode,
    pub max_units: u32,
    pub indicator: MueIndicator,
    /// "MUE Rationale" as CMS writes it ("Clinical: Data", "CMS Policy", …).
    pub rationale: &'a str,
    pub quarter: Quarter,
}

/// Progress of a long import, for a progress bar.
pub trait Progress {
    fn stage(&self, _name: &str, _total: u64) {}
    fn set(&self, _done: u64) {}
    fn finish(&self) {}
}

/// For callers that show nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The modifiers that may bypass a PTP edit of modifier indicator 1, from the NCCI Policy
/// Manual for Medicare Services, Chapter I, section E ("Modifiers and Modifier
/// Indicators"): anatomic E1-E4, FA, F1-F9, TA, T1-T9, LT, RT, LC, LD, RC, LM, RI; global
/// surgery 24, 25, 57, 58, 78, 79; other 27, 59, 91, XE, XS, XP, XU.
pub fn is_ncci_associated_modifier(m: &str) -> bool {
    let b = m.trim().as_bytes();
    if b.len() != 2 {
        return false;
    }
    let (a, c) = (b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase());
    matches!(
        (a, c),
        (b'E', b'1'..=b'4')
            | (b'F' | b'T', b'1'..=b'9' | b'A')
            | (b'L', b'T' | b'C' | b'D' | b'M')
            | (b'R', b'T' | b'C' | b'I')
            | (b'X', b'E' | b'S' | b'P' | b'U')
            | (b'2', b'4' | b'5' | b'7')
            | (b'5', b'7' | b'8' | b'9')
            | (b'7', b'8' | b'9')
            | (b'9', b'1')
    )
}

/// Imports CMS NCCI files (PTP parts, MUE tables; zip, text or xlsx). Files given together
/// form one table per setting and quarter; the import is all or nothing.
pub fn import(
    data_dir: &Path,
    paths: &[PathBuf],
    opts: &ImportOptions,
) -> Result<ImportReport, NcciError> {
    store::import(data_dir, paths, opts, &NoProgress)
}

/// [`import`], reporting progress.
pub fn import_with_progress(
    data_dir: &Path,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, NcciError> {
    store::import(data_dir, paths, opts, progress)
}

struct Slot {
    info: TableInfo,
    table: OnceLock<Result<Table, NcciError>>,
}

/// Everything imported in a data directory; each table is loaded the first time a
/// lookup needs it. Lookups take `&self` and may run from several threads.
pub struct NcciTables {
    dir: PathBuf,
    slots: Vec<Slot>,
}

/// The table answering for a date of service, and a warning when a newer quarter is due.
#[derive(Debug, Clone, Serialize)]
pub struct InEffect {
    pub table: TableKind,
    pub quarter: Quarter,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl NcciTables {
    /// Reads the catalog of a data directory (cheap: no table is loaded). A directory
    /// where nothing is imported gives empty tables.
    pub fn open(data_dir: &Path) -> Result<NcciTables, NcciError> {
        let dir = data_dir.join("edits");
        let catalog = store::read_catalog(&dir)?;
        let mut slots: Vec<Slot> = catalog
            .tables
            .into_iter()
            .map(|info| Slot {
                info,
                table: OnceLock::new(),
            })
            .collect();
        slots.sort_by_key(|s| (s.info.table, s.info.quarter));
        Ok(NcciTables { dir, slots })
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every imported table, by table and quarter.
    pub fn tables(&self) -> impl Iterator<Item = &TableInfo> {
        self.slots.iter().map(|s| &s.info)
    }

    /// The slot of the latest quarter of `kind` starting on or before `dos`.
    /// Whether some imported table of that kind answers for `dos` (a quarter starting on or
    /// before it). Cheap: callers ask it once per claim before looking pairs up.
    pub fn answers(&self, kind: TableKind, dos: Date) -> bool {
        self.slots
            .iter()
            .any(|s| s.info.table == kind && s.info.quarter.start() <= dos)
    }

    fn slot(&self, kind: TableKind, dos: Date) -> Result<&Slot, NcciError> {
        let mut best: Option<&Slot> = None;
        let mut any = false;
        for s in &self.slots {
            if s.info.table != kind {
                continue;
            }
            any = true;
            if s.info.quarter.start() <= dos && best.is_none_or(|b| b.info.quarter < s.info.quarter)
            {
                best = Some(s);
            }
        }
        match best {
            Some(s) => Ok(s),
            None if !any => Err(NcciError::NotImported(format!(
                "no {} table is imported: download the NCCI files of {} from cms.gov and run `rcm edits import FILE…`",
                kind.label(),
                Quarter::of(dos)
            ))),
            None => {
                let oldest = self
                    .slots
                    .iter()
                    .filter(|s| s.info.table == kind)
                    .map(|s| s.info.quarter)
                    .min();
                Err(NcciError::NotImported(format!(
                    "date of service {dos} is before the oldest imported {} table ({}): import the files of {}",
                    kind.label(),
                    oldest.map(|q| q.to_string()).unwrap_or_default(),
                    Quarter::of(dos)
                )))
            }
        }
    }

    fn load<'s>(&self, slot: &'s Slot) -> Result<&'s Table, NcciError> {
        slot.table
            .get_or_init(|| table::load(&self.dir.join(&slot.info.file), slot.info.table))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Which quarter answers for a date of service, with a warning when it is an older
    /// quarter than the date's own (the newer files are not imported).
    pub fn in_effect(&self, kind: TableKind, dos: Date) -> Result<InEffect, NcciError> {
        let s = self.slot(kind, dos)?;
        let own = Quarter::of(dos);
        Ok(InEffect {
            table: kind,
            quarter: s.info.quarter,
            warning: (s.info.quarter < own).then(|| {
                format!(
                    "no {} table of {own} is imported; answers are from {} (import the {own} files from cms.gov)",
                    kind.label(),
                    s.info.quarter
                )
            }),
        })
    }

    /// Loads every table now (for a server that wants no first-lookup delay, and for
    /// checking a data directory).
    pub fn load_all(&self) -> Result<(), NcciError> {
        for s in &self.slots {
            self.load(s)?;
        }
        Ok(())
    }

    /// The PTP edit with `column1` as column 1 and `column2` as column 2 in the table of
    /// the quarter in effect on `dos`, when the edit itself is in effect on `dos`:
    /// effective on or before it, and no deletion date or a deletion date on or after it
    /// (CMS writes the last day an edit applies). An edit with modifier indicator 9 is
    /// returned as it is; it does not apply. A code that is not five letters or digits has
    /// no edit. Does not allocate once the table is loaded.
    pub fn ptp(
        &self,
        setting: PtpSetting,
        column1: &str,
        column2: &str,
        dos: Date,
    ) -> Result<Option<PtpEdit<'_>>, NcciError> {
        let (Some(c1), Some(c2)) = (ProcCode::parse(column1), ProcCode::parse(column2)) else {
            return Ok(None);
        };
        let slot = self.slot(setting.table(), dos)?;
        let table = self.load(slot)?;
        let Some(rec) = table.ptp(c1, c2, date_to_ymd(dos)) else {
            return Ok(None);
        };
        self.edit(slot, table, c1, c2, rec).map(Some)
    }

    fn edit<'s>(
        &'s self,
        slot: &'s Slot,
        table: &'s Table,
        c1: ProcCode,
        c2: ProcCode,
        rec: &table::PtpRec,
    ) -> Result<PtpEdit<'s>, NcciError> {
        let bad = || {
            NcciError::store(
                &self.dir.join(&slot.info.file),
                "an invalid date in the table; import the NCCI files again",
            )
        };
        Ok(PtpEdit {
            column1: c1,
            column2: c2,
            effective: ymd_to_date(rec.effective).ok_or_else(bad)?,
            deletion: match rec.deletion {
                0 => None,
                d => Some(ymd_to_date(d).ok_or_else(bad)?),
            },
            modifier_indicator: ModifierIndicator::from_digit(rec.modifier),
            prior_1996: rec.flags & 1 != 0,
            rationale: table.rationale(rec.rationale),
            quarter: slot.info.quarter,
        })
    }

    /// Every row of a pair in the table of the quarter in effect on `dos`, whatever its
    /// dates (an edit deleted and added again has two). For showing a pair's history.
    pub fn ptp_history(
        &self,
        setting: PtpSetting,
        column1: &str,
        column2: &str,
        dos: Date,
    ) -> Result<Vec<PtpEdit<'_>>, NcciError> {
        let (Some(c1), Some(c2)) = (ProcCode::parse(column1), ProcCode::parse(column2)) else {
            return Ok(Vec::new());
        };
        let slot = self.slot(setting.table(), dos)?;
        let table = self.load(slot)?;
        table
            .ptp_history(c1, c2)
            .iter()
            .map(|r| self.edit(slot, table, c1, c2, r))
            .collect()
    }

    /// The MUE of a code in the table of the quarter in effect on `dos`. Does not
    /// allocate once the table is loaded.
    pub fn mue(
        &self,
        setting: MueSetting,
        code: &str,
        dos: Date,
    ) -> Result<Option<MueLimit<'_>>, NcciError> {
        let Some(c) = ProcCode::parse(code) else {
            return Ok(None);
        };
        let slot = self.slot(setting.table(), dos)?;
        let table = self.load(slot)?;
        Ok(table.mue(c).map(|r| MueLimit {
            code: c,
            max_units: r.units,
            indicator: MueIndicator::from_digit(r.indicator),
            rationale: table.rationale(r.rationale),
            quarter: slot.info.quarter,
        }))
    }

    /// Whether the PTP table of that setting is imported for the quarter of `dos`.
    pub fn has_ptp(&self, setting: PtpSetting, dos: Date) -> bool {
        self.has(setting.table(), dos)
    }

    /// Whether the MUE table of that setting is imported for the quarter of `dos`.
    pub fn has_mue(&self, setting: MueSetting, dos: Date) -> bool {
        self.has(setting.table(), dos)
    }

    fn has(&self, kind: TableKind, dos: Date) -> bool {
        let q = Quarter::of(dos);
        self.slots
            .iter()
            .any(|s| s.info.table == kind && s.info.quarter == q)
    }
}

impl serde::Serialize for TableKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> serde::Deserialize<'de> for TableKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TableKind, D::Error> {
        let s = String::deserialize(d)?;
        TableKind::from_slug(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown NCCI table \"{s}\"")))
    }
}

/// Reads one file's rows as the import would, without storing anything: the number of
/// PTP and MUE rows, or the first error. For tests and fuzzing of the readers.
#[doc(hidden)]
pub fn check_bytes(name: &str, bytes: &[u8]) -> Result<(usize, usize), NcciError> {
    let mut interner = read::Interner::default();
    let at = Position {
        file: name.to_string(),
        ..Position::default()
    };
    if name.to_ascii_lowercase().ends_with(".xlsx") {
        let sheets = read::read_xlsx(bytes, &at, 0, &mut interner)?;
        return Ok(sheets
            .iter()
            .fold((0, 0), |(p, m), s| (p + s.ptp.len(), m + s.mue.len())));
    }
    let text = read::decode_text(bytes);
    let mut p = read::TableParser::new(at, 0, &mut interner, false);
    read::read_text(&text, &mut p)?;
    Ok((p.out.ptp.len(), p.out.mue.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn associated_modifiers() {
        for m in [
            "59", "XE", "XS", "XP", "XU", "LT", "RT", "F1", "F9", "FA", "TA", "T1", "T9", "E1",
            "E4", "LC", "LD", "RC", "LM", "RI", "24", "25", "57", "58", "78", "79", "91", "27",
            "xu", " 59 ",
        ] {
            assert!(is_ncci_associated_modifier(m), "{m}");
        }
        for m in [
            "26", "TC", "E5", "F0", "T0", "50", "76", "77", "GA", "", "5", "591", "QW", "LL",
        ] {
            assert!(!is_ncci_associated_modifier(m), "{m}");
        }
    }
}
