//! The NCCI tables of a data directory and the import that adds them.
//!
//! Layout under `<data dir>/edits/`: `ncci-catalog.json` (which table of which quarter
//! is imported, from which files) and one prebuilt table file per table and quarter,
//! named by table, quarter and source hash. As for code sets (`rcm-codes` `catalog.rs`),
//! an import reads and checks every file first, then under a lock writes the new tables
//! under new names (temporary name, fsync, rename) and replaces the catalog by rename:
//! a crash at any point leaves the previous catalog and its tables intact, and importing
//! the same files again changes nothing.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Progress;
use super::error::{NcciError, Position, Result};
use super::quarter::{NameHint, Quarter, hint_from_name};
use super::read::{
    Family, Interner, MueRow, Parsed, PtpRow, TableKind, TableParser, decode_text, read_text,
    read_xlsx,
};
use super::table;

/// Largest file or archive member read (the four PTP parts are ~100 MB of text each).
const MAX_BYTES: u64 = 1 << 30;
pub(crate) const CATALOG: &str = "ncci-catalog.json";

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The quarter the files take effect, when their names do not say (or to override them).
    pub quarter: Option<Quarter>,
    /// Replace a table already imported for the same quarter from other files.
    pub replace: bool,
    /// For tests: stop after the new tables are written, before the catalog is replaced,
    /// as a crash there would.
    #[doc(hidden)]
    pub fail_before_commit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    Unchanged,
    Replaced,
}

/// One file (or archive member) a table was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The file name as given (no folders).
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// SHA-256 of the file's content (of the member, for an archive).
    pub sha256: String,
    pub bytes: u64,
    pub rows: u64,
}

/// Rows passed over, by reason.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedRows {
    pub reason: String,
    pub count: u64,
    /// The first one.
    pub first: Position,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: TableKind,
    pub label: &'static str,
    pub quarter: Quarter,
    /// The version or effective date the file names give (`v323r0`, `Eff_10-01-2026`).
    pub version: Option<String>,
    pub status: ImportStatus,
    pub rows: u64,
    pub skipped: Vec<SkippedRows>,
    pub sources: Vec<SourceFile>,
    pub warnings: Vec<String>,
}

/// A file inside an archive that is not an NCCI table (a PDF read-me, for instance).
#[derive(Debug, Clone, Serialize)]
pub struct IgnoredFile {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub tables: Vec<TableReport>,
    pub ignored: Vec<IgnoredFile>,
    pub elapsed_ms: u64,
}

/// One imported table, as the catalog records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub table: TableKind,
    pub quarter: Quarter,
    #[serde(default)]
    pub version: Option<String>,
    /// The prebuilt table's file name in `<data dir>/edits/`.
    pub file: String,
    pub rows: u64,
    /// Identity of the source files together (SHA-256 over their sorted hashes).
    pub sha256: String,
    pub sources: Vec<SourceFile>,
    pub imported_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub(crate) struct CatalogFile {
    pub format: u32,
    pub tables: Vec<TableInfo>,
}

pub(crate) fn read_catalog(dir: &Path) -> Result<CatalogFile> {
    let path = dir.join(CATALOG);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            NcciError::store(
                &path,
                format!("the catalog is unreadable ({e}); import the NCCI files again"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CatalogFile::default()),
        Err(e) => Err(NcciError::io(&path, e)),
    }
}

/// A table file or worksheet as read, before grouping.
struct Unit {
    kind: TableKind,
    quarter: Quarter,
    hint: Option<NameHint>,
    source: SourceFile,
    parsed: Parsed,
    names: String,
}

/// Where a source sits, for messages.
struct SourceRef {
    at: Position,
}

pub(crate) fn import(
    data_dir: &Path,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let started = Instant::now();
    if paths.is_empty() {
        return Err(NcciError::NotImported(
            "no file given: name the CMS NCCI files to import".into(),
        ));
    }
    let mut interner = Interner::default();
    let mut units: Vec<Unit> = Vec::new();
    let mut refs: Vec<SourceRef> = Vec::new();
    let mut ignored = Vec::new();
    let total: u64 = paths
        .iter()
        .map(|p| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    progress.stage("reading", total);
    let mut done = 0u64;
    for path in paths {
        let bytes = read_limited(path)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let before = units.len();
        collect(
            path,
            &file_name,
            None,
            bytes,
            0,
            opts,
            &mut interner,
            &mut units,
            &mut refs,
            &mut ignored,
        )?;
        if units.len() == before {
            let found: Vec<String> = ignored
                .iter()
                .map(|i: &IgnoredFile| format!("{}: {}", i.name, i.reason))
                .collect();
            return Err(NcciError::unrecognized(
                path,
                format!(
                    "not an NCCI PTP or MUE file{}; rcm imports the files CMS publishes: PTP edits (ccipra-v…-f1.zip … f4 for practitioners, ccioph-v… for outpatient hospitals) and MUE tables (MCR_MUE_PractitionerServices_Eff_….zip, OutpatientHospitalServices, DMESupplierServices), as zip, tab-delimited text, CSV or xlsx",
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!(" (found: {})", found.join("; "))
                    }
                ),
            ));
        }
        done += fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        progress.set(done);
    }
    progress.stage("building tables", 0);
    // One table per kind and quarter.
    let mut groups: BTreeMap<(TableKind, Quarter), Vec<Unit>> = BTreeMap::new();
    for u in units {
        groups.entry((u.kind, u.quarter)).or_default().push(u);
    }
    struct Built {
        info: TableInfo,
        bytes: Vec<u8>,
        report: TableReport,
    }
    let mut built = Vec::new();
    for ((kind, quarter), group) in groups {
        let mut warnings = Vec::new();
        let mut skipped: Vec<(String, Position)> = Vec::new();
        let mut sources = Vec::new();
        let mut version = None;
        let mut parts = Vec::new();
        for u in &group {
            if let Some(h) = &u.hint {
                if h.quarter != quarter {
                    warnings.push(format!(
                        "{} names {} ({}); imported as {quarter} as --quarter says",
                        u.names, h.label, h.quarter
                    ));
                }
                version.get_or_insert_with(|| h.label.clone());
            }
            if let Some(p) = part_number(&u.names) {
                parts.push(p);
            }
            sources.push(u.source.clone());
        }
        parts.sort_unstable();
        parts.dedup();
        if let Some(&max) = parts.last() {
            let missing: Vec<String> = (1..max)
                .filter(|p| !parts.contains(p))
                .map(|p| format!("f{p}"))
                .collect();
            if !missing.is_empty() {
                warnings.push(format!(
                    "part {} of this table is not in the import: import all parts of the quarter together, or the table misses their edits",
                    missing.join(", ")
                ));
            }
        }
        let mut hashes: Vec<&str> = sources.iter().map(|s| s.sha256.as_str()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        let sha = hex(&Sha256::digest(hashes.join(",").as_bytes()));
        let (bytes, rows) = if kind.is_ptp() {
            let mut rows: Vec<PtpRow> = Vec::new();
            for u in group {
                skipped.extend(u.parsed.skipped);
                rows.extend(u.parsed.ptp);
            }
            let (rows, rationales) = finish_ptp(&mut rows, &interner, &refs, &mut skipped)?;
            (
                table::build_ptp(kind, &rows, &rationales),
                rows.len() as u64,
            )
        } else {
            let mut rows: Vec<MueRow> = Vec::new();
            for u in group {
                skipped.extend(u.parsed.skipped);
                rows.extend(u.parsed.mue);
            }
            let (rows, rationales) = finish_mue(&mut rows, &interner, &refs, &mut skipped)?;
            (
                table::build_mue(kind, &rows, &rationales),
                rows.len() as u64,
            )
        };
        let file = format!(
            "ncci-{}-{}-{}.tbl",
            kind.slug(),
            quarter.to_string().to_ascii_lowercase(),
            &sha[..16]
        );
        let info = TableInfo {
            table: kind,
            quarter,
            version: version.clone(),
            file,
            rows,
            sha256: sha,
            sources: sources.clone(),
            imported_at: jiff::Timestamp::now().to_string(),
        };
        let report = TableReport {
            table: kind,
            label: kind.label(),
            quarter,
            version,
            status: ImportStatus::Imported,
            rows,
            skipped: Vec::new(),
            sources,
            warnings,
        };
        built.push((
            Built {
                info,
                bytes,
                report,
            },
            skipped,
        ));
    }
    let dir = data_dir.join("edits");
    fs::create_dir_all(&dir).map_err(|e| NcciError::io(&dir, e))?;
    let _lock = lock(&dir)?;
    let mut catalog = read_catalog(&dir)?;
    // Decide every table's status before writing anything.
    for (b, _) in &mut built {
        let existing = catalog
            .tables
            .iter()
            .find(|t| t.table == b.info.table && t.quarter == b.info.quarter);
        if let Some(e) = existing {
            if e.sha256 == b.info.sha256 && table::load(&dir.join(&e.file), e.table).is_ok() {
                b.report.status = ImportStatus::Unchanged;
                b.info = e.clone();
            } else if e.sha256 == b.info.sha256 || opts.replace {
                b.report.status = ImportStatus::Replaced;
            } else {
                return Err(NcciError::Conflict(format!(
                    "the {} table of {} is already imported from other files ({}); pass --replace to replace it with {}",
                    b.info.table.label(),
                    b.info.quarter,
                    e.sources
                        .iter()
                        .map(|s| s.file.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    b.info
                        .sources
                        .iter()
                        .map(|s| s.file.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    let mut changed = false;
    let mut old_files = Vec::new();
    for (b, _) in &built {
        if b.report.status == ImportStatus::Unchanged {
            continue;
        }
        write_atomic(&dir, &b.info.file, &b.bytes)?;
        changed = true;
    }
    if opts.fail_before_commit {
        return Err(NcciError::Io {
            path: dir.join(CATALOG).display().to_string(),
            message: "import stopped before the catalog was replaced (test)".into(),
        });
    }
    if changed {
        for (b, _) in &built {
            if b.report.status == ImportStatus::Unchanged {
                continue;
            }
            if let Some(i) = catalog
                .tables
                .iter()
                .position(|t| t.table == b.info.table && t.quarter == b.info.quarter)
            {
                old_files.push(catalog.tables[i].file.clone());
                catalog.tables[i] = b.info.clone();
            } else {
                catalog.tables.push(b.info.clone());
            }
        }
        catalog.format = 1;
        catalog.tables.sort_by_key(|t| (t.table, t.quarter));
        let text = serde_json::to_vec_pretty(&catalog).map_err(|e| NcciError::Store {
            path: dir.join(CATALOG).display().to_string(),
            message: format!("cannot encode the catalog: {e}"),
        })?;
        write_atomic(&dir, CATALOG, &text)?;
        for old in old_files {
            if !catalog.tables.iter().any(|t| t.file == old) {
                // No longer named by the catalog; failing to delete only wastes space.
                let _ = fs::remove_file(dir.join(old));
            }
        }
    }
    progress.finish();
    let tables = built
        .into_iter()
        .map(|(b, skipped)| {
            let mut r = b.report;
            r.skipped = summarize(skipped);
            r
        })
        .collect();
    Ok(ImportReport {
        tables,
        ignored,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

fn summarize(skipped: Vec<(String, Position)>) -> Vec<SkippedRows> {
    let mut out: Vec<SkippedRows> = Vec::new();
    for (reason, at) in skipped {
        match out.iter_mut().find(|s| s.reason == reason) {
            Some(s) => s.count += 1,
            None => out.push(SkippedRows {
                reason,
                count: 1,
                first: at,
            }),
        }
    }
    out
}

fn position(refs: &[SourceRef], source: u32, line: u32) -> Position {
    Position {
        line: u64::from(line),
        ..refs
            .get(source as usize)
            .map(|r| r.at.clone())
            .unwrap_or_default()
    }
}

/// Sorts, removes exact duplicates (a row repeated in two parts) and refuses two
/// different rows for the same pair and effective date.
fn finish_ptp(
    rows: &mut [PtpRow],
    interner: &Interner,
    refs: &[SourceRef],
    skipped: &mut Vec<(String, Position)>,
) -> Result<(Vec<PtpRow>, Vec<String>)> {
    rows.sort_unstable_by_key(|r| (r.column1, r.column2, r.effective, r.source, r.line));
    let mut out: Vec<PtpRow> = Vec::with_capacity(rows.len());
    let mut local = LocalStrings::default();
    for r in rows.iter() {
        if let Some(prev) = out.last()
            && (prev.column1, prev.column2, prev.effective) == (r.column1, r.column2, r.effective)
        {
            let same = prev.deletion == r.deletion
                && prev.modifier == r.modifier
                && prev.prior_1996 == r.prior_1996
                && local.text(prev.rationale) == interner.texts.get(r.rationale as usize);
            if same {
                skipped.push((
                    "duplicate of an earlier row".into(),
                    position(refs, r.source, r.line),
                ));
                continue;
            }
            return Err(NcciError::parse(
                &position(refs, r.source, r.line),
                format!(
                    "this edit has the same column 1, column 2 and effective date as {} but different values; the files are not one consistent quarter",
                    position(refs, prev.source, prev.line)
                ),
            ));
        }
        let mut r = *r;
        r.rationale = local.map(interner, r.rationale, refs, r.source, r.line)?;
        out.push(r);
    }
    Ok((out, local.texts))
}

fn finish_mue(
    rows: &mut [MueRow],
    interner: &Interner,
    refs: &[SourceRef],
    skipped: &mut Vec<(String, Position)>,
) -> Result<(Vec<MueRow>, Vec<String>)> {
    rows.sort_unstable_by_key(|r| (r.code, r.source, r.line));
    let mut out: Vec<MueRow> = Vec::with_capacity(rows.len());
    let mut local = LocalStrings::default();
    for r in rows.iter() {
        if let Some(prev) = out.last()
            && prev.code == r.code
        {
            let same = prev.units == r.units
                && prev.indicator == r.indicator
                && local.text(prev.rationale) == interner.texts.get(r.rationale as usize);
            if same {
                skipped.push((
                    "duplicate of an earlier row".into(),
                    position(refs, r.source, r.line),
                ));
                continue;
            }
            return Err(NcciError::parse(
                &position(refs, r.source, r.line),
                format!(
                    "this code already has a different MUE at {}; the files are not one consistent quarter",
                    position(refs, prev.source, prev.line)
                ),
            ));
        }
        let mut r = *r;
        r.rationale = local.map(interner, r.rationale, refs, r.source, r.line)?;
        out.push(r);
    }
    Ok((out, local.texts))
}

/// The rationale texts one table uses, renumbered from 0.
#[derive(Default)]
struct LocalStrings {
    from_global: std::collections::HashMap<u32, u32>,
    texts: Vec<String>,
}

impl LocalStrings {
    fn map(
        &mut self,
        interner: &Interner,
        global: u32,
        refs: &[SourceRef],
        source: u32,
        line: u32,
    ) -> Result<u32> {
        if let Some(&l) = self.from_global.get(&global) {
            return Ok(l);
        }
        if self.texts.len() >= usize::from(u16::MAX) {
            return Err(NcciError::parse(
                &position(refs, source, line),
                "more than 65,535 different rationale texts: this is not an NCCI file",
            ));
        }
        let l = self.texts.len() as u32;
        self.texts.push(
            interner
                .texts
                .get(global as usize)
                .cloned()
                .unwrap_or_default(),
        );
        self.from_global.insert(global, l);
        Ok(l)
    }

    fn text(&self, local: u32) -> Option<&String> {
        self.texts.get(local as usize)
    }
}

/// `-f3` in a PTP part's name.
fn part_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let i = lower.rfind("-f")?;
    let digits: String = lower[i + 2..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

#[allow(clippy::too_many_arguments)]
fn collect(
    path: &Path,
    file_name: &str,
    member: Option<String>,
    bytes: Vec<u8>,
    depth: u32,
    opts: &ImportOptions,
    interner: &mut Interner,
    units: &mut Vec<Unit>,
    refs: &mut Vec<SourceRef>,
    ignored: &mut Vec<IgnoredFile>,
) -> Result<()> {
    let shown = member.clone().unwrap_or_else(|| file_name.to_string());
    let lower = shown.to_ascii_lowercase();
    let at = Position {
        file: path.display().to_string(),
        member: member.clone(),
        ..Position::default()
    };
    if bytes.is_empty() {
        if member.is_some() {
            ignored.push(IgnoredFile {
                name: shown,
                reason: "empty".into(),
            });
            return Ok(());
        }
        return Err(NcciError::parse(&at, "the file is empty"));
    }
    let excel = lower.ends_with(".xlsx") || lower.ends_with(".xlsm");
    if is_zip(&bytes) && !excel {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).map_err(|e| {
            NcciError::parse(
                &at,
                format!("not a readable zip archive ({e}); the download may be incomplete: download it again"),
            )
        })?;
        if archive.index_for_name("xl/workbook.xml").is_some() {
            drop(archive);
            return collect_table(
                path, file_name, member, bytes, true, opts, interner, units, refs, ignored,
            );
        }
        if depth >= 2 {
            ignored.push(IgnoredFile {
                name: shown,
                reason: "an archive nested too deep".into(),
            });
            return Ok(());
        }
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| {
                NcciError::parse(
                    &at,
                    format!("member {}: {e}; download the archive again", i + 1),
                )
            })?;
            if entry.is_dir() {
                continue;
            }
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("member {}", i + 1));
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            let bl = base.to_ascii_lowercase();
            let wanted = [".txt", ".csv", ".tsv", ".xlsx", ".zip"]
                .iter()
                .any(|e| bl.ends_with(e));
            if !wanted || base.starts_with('.') || name.starts_with("__MACOSX") {
                ignored.push(IgnoredFile {
                    name: name.clone(),
                    reason: if bl.ends_with(".xls") {
                        "old Excel format: rcm reads the .txt, .csv or .xlsx file of the same download".into()
                    } else {
                        "not a table file (rcm reads .txt, .csv and .xlsx)".into()
                    },
                });
                continue;
            }
            if entry.size() > MAX_BYTES {
                return Err(NcciError::parse(
                    &Position {
                        member: Some(name),
                        ..at.clone()
                    },
                    "larger than 1 GiB: not an NCCI file",
                ));
            }
            let mut data = Vec::with_capacity(entry.size() as usize);
            (&mut entry)
                .take(MAX_BYTES)
                .read_to_end(&mut data)
                .map_err(|e| {
                    NcciError::parse(
                        &Position {
                            member: Some(name.clone()),
                            ..at.clone()
                        },
                        format!(
                            "cannot decompress ({e}); the archive is damaged: download it again"
                        ),
                    )
                })?;
            drop(entry);
            collect(
                path,
                file_name,
                Some(name.clone()),
                data,
                depth + 1,
                opts,
                interner,
                units,
                refs,
                ignored,
            )?;
        }
        return Ok(());
    }
    if !excel && lower.ends_with(".zip") {
        return Err(NcciError::parse(
            &at,
            "named .zip but not a zip archive; the download may be incomplete: download it again",
        ));
    }
    collect_table(
        path, file_name, member, bytes, excel, opts, interner, units, refs, ignored,
    )
}

#[allow(clippy::too_many_arguments)]
fn collect_table(
    path: &Path,
    file_name: &str,
    member: Option<String>,
    bytes: Vec<u8>,
    excel: bool,
    opts: &ImportOptions,
    interner: &mut Interner,
    units: &mut Vec<Unit>,
    refs: &mut Vec<SourceRef>,
    ignored: &mut Vec<IgnoredFile>,
) -> Result<()> {
    let at = Position {
        file: path.display().to_string(),
        member: member.clone(),
        ..Position::default()
    };
    let source = refs.len() as u32;
    let parsed: Vec<Parsed> = if excel {
        let sheets = read_xlsx(&bytes, &at, source, interner)?;
        if sheets.is_empty() {
            ignored.push(IgnoredFile {
                name: member.clone().unwrap_or_else(|| file_name.to_string()),
                reason: "no worksheet has the PTP or MUE column names".into(),
            });
        }
        sheets
    } else {
        let text = decode_text(&bytes);
        let mut p = TableParser::new(at.clone(), source, interner, false);
        read_text(&text, &mut p)?;
        if p.has_header() {
            vec![p.out]
        } else {
            ignored.push(IgnoredFile {
                name: member.clone().unwrap_or_else(|| file_name.to_string()),
                reason: "no PTP column names (Column 1, Column 2, …) or MUE column names (HCPCS/CPT Code, … MUE Values) in its first 500 lines".into(),
            });
            Vec::new()
        }
    };
    refs.push(SourceRef { at: at.clone() });
    let sha = hex(&Sha256::digest(&bytes));
    // Names that may say the table and quarter: the member's, then the file's.
    let names = match &member {
        Some(m) => format!("{m} in {file_name}"),
        None => file_name.to_string(),
    };
    let member_base = member
        .as_deref()
        .map(|m| m.rsplit('/').next().unwrap_or(m).to_string());
    let hint = member_base
        .as_deref()
        .and_then(hint_from_name)
        .or_else(|| hint_from_name(file_name));
    for p in parsed {
        let Some(family) = p.family else { continue };
        let name_kind = member_base
            .as_deref()
            .and_then(|m| kind_from_name(m, family))
            .or_else(|| kind_from_name(file_name, family));
        let kind = match family {
            Family::Ptp => name_kind.or(p.setting_hint),
            Family::Mue => p.setting_hint.or(name_kind),
        };
        let Some(kind) = kind else {
            return Err(NcciError::unrecognized(
                path,
                format!(
                    "{names}: cannot tell which {} table this is; keep the name CMS gives the file ({})",
                    if family == Family::Ptp { "PTP" } else { "MUE" },
                    if family == Family::Ptp {
                        "ccipra-… for practitioners, ccioph-… for outpatient hospitals"
                    } else {
                        "MCR_MUE_PractitionerServices_…, MCR_MUE_OutpatientHospitalServices_…, MCR_MUE_DMESupplierServices_…"
                    }
                ),
            ));
        };
        let Some(quarter) = opts.quarter.or(hint.as_ref().map(|h| h.quarter)) else {
            return Err(NcciError::unrecognized(
                path,
                format!(
                    "{names}: cannot tell which quarter this {} file is for (CMS names say it: ccipra-v323r0-… is version 32.3, October 2026; MCR_MUE_…_Eff_10-01-2026); give --quarter, for example --quarter 2026Q4",
                    kind.label()
                ),
            ));
        };
        let rows = (p.ptp.len() + p.mue.len()) as u64;
        units.push(Unit {
            kind,
            quarter,
            hint: hint.clone(),
            source: SourceFile {
                file: file_name.to_string(),
                member: member.clone(),
                sha256: sha.clone(),
                bytes: bytes.len() as u64,
                rows,
            },
            names: names.clone(),
            parsed: p,
        });
    }
    Ok(())
}

fn kind_from_name(name: &str, family: Family) -> Option<TableKind> {
    let l = name.to_ascii_lowercase().replace([' ', '_', '-'], "");
    match family {
        Family::Ptp => {
            if l.contains("ccipra") || l.contains("practitioner") {
                Some(TableKind::PtpPractitioner)
            } else if l.contains("ccioph") || l.contains("hospital") {
                Some(TableKind::PtpHospital)
            } else {
                None
            }
        }
        Family::Mue => {
            if l.contains("practitioner") {
                Some(TableKind::MuePractitioner)
            } else if l.contains("outpatienthospital") || l.contains("hospital") {
                Some(TableKind::MueHospital)
            } else if l.contains("dme") {
                Some(TableKind::MueDme)
            } else {
                None
            }
        }
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    rcm_codes::files::read_limited(path, MAX_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            NcciError::unrecognized(
                path,
                format!("{e} is larger than any NCCI file (1 GiB limit)"),
            )
        } else {
            NcciError::io(path, e)
        }
    })
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    rcm_codes::files::write_atomic(dir, name, bytes).map_err(|e| NcciError::io(&dir.join(name), e))
}

fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(".ncci.lock");
    rcm_codes::files::lock(&path).map_err(|e| NcciError::io(&path, e))
}

use rcm_codes::files::hex;
