//! The code sets in a data directory: which versions are imported, which one is in
//! effect on a date of service, and the import that adds a version.
//!
//! Layout under `<data dir>/codes/`: `catalog.json` (the list of versions) and one
//! prebuilt index per version, named by version id and source hash. An import writes
//! its index under a new name, then replaces `catalog.json` by rename, so a crash at
//! any point leaves the previous catalog and its indexes intact; re-importing the same
//! file changes nothing.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::codeset::{CodeSet, Reason, Validation};
use crate::detect::{FileKind, detect};
use crate::error::{CodesError, Result};
use crate::index::Counts;
use crate::model::RawCodeSet;
use crate::version::{
    CodeSystem, Release, SourceInfo, VersionInfo, hints_from_name, system_release_dates,
    version_id, version_label,
};
use crate::{index, order, tabular};

/// Largest single file or archive member read into memory (CMS files are ~10-100 MB).
const MAX_MEMBER_BYTES: u64 = 1 << 30;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Fiscal year when the file does not state it (order files).
    pub fiscal_year: Option<i16>,
    /// April or October release when the name does not say.
    pub release: Option<Release>,
    /// Refuse the import unless the imported file has this SHA-256.
    pub expect_sha256: Option<String>,
    /// Replace a version already imported from a different file.
    pub replace: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    Unchanged,
    Replaced,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub status: ImportStatus,
    pub version: VersionInfo,
    /// Files found alongside that this import did not use, with their kind.
    pub skipped: Vec<SkippedFile>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFile {
    pub name: String,
    pub kind: FileKind,
    pub reason: String,
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

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct CatalogFile {
    format: u32,
    versions: Vec<CatalogEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CatalogEntry {
    file: String,
    info: VersionInfo,
}

/// The version in effect on a date, and a warning when it is past its scheduled end.
#[derive(Debug, Clone)]
pub struct InEffect {
    pub info: VersionInfo,
    pub warning: Option<String>,
}

pub struct Catalog {
    dir: PathBuf,
    file: CatalogFile,
}

impl Catalog {
    /// Opens the code-set store of a data directory (nothing is created until an import).
    pub fn open(data_dir: &Path) -> Result<Catalog> {
        let dir = data_dir.join("codes");
        let path = dir.join("catalog.json");
        let file = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| CodesError::Store {
                path: path.clone(),
                message: format!("catalog.json is unreadable ({e}); re-import the code sets"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CatalogFile::default(),
            Err(e) => return Err(CodesError::io(&path, e)),
        };
        Ok(Catalog { dir, file })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every imported version, oldest effective date first.
    pub fn versions(&self) -> Vec<&VersionInfo> {
        let mut v: Vec<&VersionInfo> = self.file.versions.iter().map(|e| &e.info).collect();
        v.sort_by_key(|i| (i.system, i.effective));
        v
    }

    pub fn find(&self, id: &str) -> Option<&VersionInfo> {
        self.file
            .versions
            .iter()
            .find(|e| e.info.id == id)
            .map(|e| &e.info)
    }

    /// The version answering for a date of service.
    pub fn in_effect(&self, system: CodeSystem, dos: Date) -> Result<InEffect> {
        let mut versions: Vec<&VersionInfo> = self
            .file
            .versions
            .iter()
            .map(|e| &e.info)
            .filter(|i| i.system == system)
            .collect();
        versions.sort_by_key(|i| i.effective);
        let Some(oldest) = versions.first() else {
            return Err(CodesError::Version(format!(
                "no {} version is imported in {}: run `rcm codes import FILE` with the CMS tabular file (or `make run`, which installs the April 1 2026 release)",
                system.label(),
                self.dir.display()
            )));
        };
        if dos < oldest.effective {
            return Err(CodesError::Version(format!(
                "date of service {dos} is before the oldest imported {} version ({}, effective {}): import the release in effect on that date",
                system.label(),
                oldest.label,
                oldest.effective
            )));
        }
        let Some(current) = versions.iter().rev().find(|i| i.effective <= dos) else {
            return Err(CodesError::Version(format!(
                "no {} version in effect on {dos}",
                system.label()
            )));
        };
        let newest = versions.last().map(|i| i.effective);
        let warning = (dos > current.scheduled_end).then(|| {
            if newest == Some(current.effective) {
                format!(
                    "{} was scheduled to end on {}; a newer release is due for a date of service of {dos}: import it when CMS publishes it (answers are from {})",
                    current.label, current.scheduled_end, current.id
                )
            } else {
                format!(
                    "{} ended on {}; the release in effect on {dos} is not imported: import it (answers are from {})",
                    current.label, current.scheduled_end, current.id
                )
            }
        });
        Ok(InEffect {
            info: (*current).clone(),
            warning,
        })
    }

    /// Loads one version's prebuilt index.
    pub fn load(&self, id: &str) -> Result<CodeSet> {
        let entry = self
            .file
            .versions
            .iter()
            .find(|e| e.info.id == id)
            .ok_or_else(|| CodesError::Version(format!("version {id} is not imported")))?;
        CodeSet::open(&self.dir.join(&entry.file))
    }

    /// Loads the version in effect on a date of service.
    pub fn load_for_date(
        &self,
        system: CodeSystem,
        dos: Date,
    ) -> Result<(CodeSet, Option<String>)> {
        let eff = self.in_effect(system, dos)?;
        Ok((self.load(&eff.info.id)?, eff.warning))
    }

    /// Validates inputs on a date of service; a code unknown to the version in effect
    /// but present in another imported version is reported as not in effect.
    pub fn validate_on(&self, set: &CodeSet, inputs: &[String]) -> Result<Vec<Validation>> {
        let mut out: Vec<Validation> = inputs.iter().map(|i| set.validate(i)).collect();
        if out.iter().any(|v| v.reason == Reason::Unknown) {
            for info in self.versions() {
                if info.id == set.info().id || info.system != set.info().system {
                    continue;
                }
                let other = self.load(&info.id)?;
                for v in out.iter_mut().filter(|v| v.reason == Reason::Unknown) {
                    if let Some(c) = v.code.as_deref().and_then(|c| other.lookup(c)) {
                        v.reason = Reason::NotInEffect;
                        v.title = Some(c.title());
                        v.message = format!(
                            "{} is not in effect in {} (the version for this date of service); it exists in {} (effective {} to {})",
                            c.dotted(),
                            set.info().label,
                            info.label,
                            info.effective,
                            info.scheduled_end
                        );
                    }
                }
            }
        }
        Ok(out)
    }

    /// Imports a CMS file: a tabular XML, an order file, or a zip (or gzip) holding them.
    pub fn import(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<ImportReport>> {
        self.import_many(&[path], opts, progress)
    }

    /// Imports several files as one release (ICD-10-PCS tables with their index and
    /// definitions, for instance). Each code system found becomes one version.
    pub fn import_many(
        &mut self,
        paths: &[&Path],
        opts: &ImportOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<ImportReport>> {
        let started = Instant::now();
        let mut sources = Vec::new();
        let mut skipped = Vec::new();
        for path in paths {
            let bytes = read_limited(path)?;
            if bytes.is_empty() {
                return Err(CodesError::parse(*path, 0, 0, "the file is empty"));
            }
            let outer_sha = hex(&Sha256::digest(&bytes));
            let display_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let origin = Origin {
                path: path.to_path_buf(),
                sha256: outer_sha,
            };
            collect_sources(
                path,
                &display_name,
                bytes,
                &origin,
                &mut sources,
                &mut skipped,
                0,
            )?;
        }
        let first = paths.first().copied().unwrap_or(Path::new(""));
        if sources.is_empty() {
            let found: Vec<String> = skipped
                .iter()
                .map(|s| format!("{} ({})", s.name, s.kind.describe()))
                .collect();
            return Err(CodesError::Unrecognized {
                path: first.to_path_buf(),
                message: format!(
                    "no code-set file rcm can import found{}; rcm imports the ICD-10-CM tabular or order file, ICD-10-PCS tables (with index and definitions), the HCPCS Level II file (text or Excel), a licensed CPT file, and the ICD-10-CM index and tables",
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!(" (found: {})", found.join("; "))
                    }
                ),
            });
        }
        // One version per code system in the import.
        let mut groups: Vec<(CodeSystem, Vec<Source>)> = Vec::new();
        for src in sources {
            let Some(system) = system_of(src.kind) else {
                continue;
            };
            match groups.iter_mut().find(|(s, _)| *s == system) {
                Some((_, g)) => g.push(src),
                None => groups.push((system, vec![src])),
            }
        }
        let mut reports = Vec::new();
        for (system, group) in groups {
            let report = self.import_group(system, group, opts, progress, &mut skipped, started)?;
            reports.push(report);
        }
        Ok(reports)
    }

    fn import_group(
        &mut self,
        system: CodeSystem,
        mut group: Vec<Source>,
        opts: &ImportOptions,
        progress: &dyn Progress,
        skipped: &mut Vec<SkippedFile>,
        started: Instant,
    ) -> Result<ImportReport> {
        // The primary file of the release, and the companions that belong with it.
        group.sort_by_key(|s| primary_rank(s.kind));
        if system == CodeSystem::Icd10cm
            && group
                .first()
                .is_some_and(|s| s.kind == FileKind::Icd10cmTabular)
        {
            let drop: Vec<Source> = group
                .drain(1..)
                .filter(|s| s.kind == FileKind::Icd10cmOrder)
                .collect();
            for d in drop {
                skipped.push(SkippedFile {
                    name: d.name,
                    kind: d.kind,
                    reason:
                        "the tabular in the same import carries the same codes with their notes"
                            .into(),
                });
            }
        }
        let Some(primary) = group.first() else {
            return Err(CodesError::Version(format!(
                "nothing to import for {}",
                system.label()
            )));
        };
        if !is_primary(primary.kind) {
            return Err(CodesError::Unrecognized {
                path: primary.origin.path.clone(),
                message: format!(
                    "{} must be imported together with the {} it belongs to (one zip, or both files in one `rcm codes import` command)",
                    primary.kind.describe(),
                    match system {
                        CodeSystem::Icd10pcs => "ICD-10-PCS tables",
                        _ => "code set",
                    }
                ),
            });
        }
        let mut member_shas = Vec::new();
        for src in &group {
            let sha = hex(&Sha256::digest(&src.bytes));
            // The published hash may be the archive's (what was downloaded) or the file's
            // inside it (what CMS or the packager states): either proves the bytes.
            if std::ptr::eq(src, primary)
                && let Some(expected) = &opts.expect_sha256
                && !expected.eq_ignore_ascii_case(&sha)
                && !expected.eq_ignore_ascii_case(&src.origin.sha256)
            {
                return Err(CodesError::Unrecognized {
                    path: src.origin.path.clone(),
                    message: format!(
                        "{} has SHA-256 {sha} (the file given: {}), expected {expected}: this is not the official file",
                        src.name, src.origin.sha256
                    ),
                });
            }
            member_shas.push(sha);
        }
        // A release's identity is its primary file plus its companions.
        let sha = if member_shas.len() == 1 {
            member_shas[0].clone()
        } else {
            hex(&Sha256::digest(member_shas.join(",").as_bytes()))
        };
        progress.stage("reading", primary.bytes.len() as u64);
        let parsed = parse_group(system, &group, progress)?;
        progress.set(primary.bytes.len() as u64);
        // Only file names date a release; the folders a user keeps files in do not.
        let member_file = Path::new(&primary.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outer_name = primary
            .origin
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (name_year, name_release) = hints_from_name(&member_file);
        let (outer_year, outer_release) = hints_from_name(&outer_name);
        let year = opts
            .fiscal_year
            .or(parsed.declared_year())
            .or(name_year)
            .or(outer_year)
            .ok_or_else(|| {
                CodesError::Version(format!(
                    "{}: cannot tell which year this {} release is: give --fiscal-year",
                    primary.origin.path.display(),
                    system.label()
                ))
            })?;
        let default_release = if system.fiscal() {
            Release::October
        } else {
            Release::January
        };
        let release = opts
            .release
            .or(name_release)
            .or(outer_release)
            .unwrap_or(default_release);
        let (effective, scheduled_end) =
            system_release_dates(system, year, release).ok_or_else(|| {
                CodesError::Version(format!(
                    "{} has no {} release in {year}",
                    system.label(),
                    release.name()
                ))
            })?;
        let id = version_id(system, year, release);
        if let Some(existing) = self.file.versions.iter().find(|e| e.info.id == id) {
            // Same file and an index that still loads: nothing to do. A damaged or
            // outdated index is rebuilt from the same file.
            if existing.info.source.sha256 == sha
                && verify_stored(system, &self.dir.join(&existing.file)).is_ok()
            {
                progress.finish();
                return Ok(ImportReport {
                    status: ImportStatus::Unchanged,
                    version: existing.info.clone(),
                    skipped: skipped.clone(),
                    elapsed_ms: started.elapsed().as_millis() as u64,
                });
            }
            let same_file = existing.info.source.sha256 == sha;
            if !same_file && !opts.replace {
                return Err(CodesError::Version(format!(
                    "{id} is already imported from another file ({}, SHA-256 {}); pass --replace to replace it",
                    existing.info.source.name, existing.info.source.sha256
                )));
            }
        }
        progress.stage("building index", 0);
        let mut info = VersionInfo {
            system,
            label: version_label(system, year, release, effective),
            id: id.clone(),
            year,
            release,
            effective,
            scheduled_end,
            has_notes: matches!(parsed, Parsed::Cm(ref raw, _) if raw.nodes.iter().any(|n| !n.notes.is_empty())),
            source: SourceInfo {
                name: primary.name.clone(),
                kind: primary.kind,
                sha256: sha.clone(),
                bytes: primary.bytes.len() as u64,
                companions: group.iter().skip(1).map(|s| s.name.clone()).collect(),
            },
            imported_at: jiff::Timestamp::now().to_string(),
            counts: Counts::default(),
        };
        let out = parsed.into_bytes(&mut info, &primary.origin.path)?;
        fs::create_dir_all(&self.dir).map_err(|e| CodesError::io(&self.dir, e))?;
        let _lock = lock(&self.dir)?;
        // Another process may have imported meanwhile: read the catalog again under the lock.
        let fresh = Catalog::open(self.dir.parent().unwrap_or(&self.dir))?;
        self.file = fresh.file;
        let file_name = format!("{id}-{}.{}", &sha[..16], file_extension(system));
        write_atomic(&self.dir, &file_name, &out)?;
        let replaced = self.file.versions.iter().position(|e| e.info.id == id);
        let old_file = replaced.map(|i| self.file.versions[i].file.clone());
        let entry = CatalogEntry {
            file: file_name.clone(),
            info: info.clone(),
        };
        match replaced {
            Some(i) => self.file.versions[i] = entry,
            None => self.file.versions.push(entry),
        }
        self.file.format = 1;
        let catalog = serde_json::to_vec_pretty(&self.file)
            .map_err(|e| CodesError::Version(format!("cannot encode the catalog: {e}")))?;
        write_atomic(&self.dir, "catalog.json", &catalog)?;
        if let Some(old) = old_file
            && old != file_name
        {
            // The catalog no longer names it; failing to delete only wastes space.
            let _ = fs::remove_file(self.dir.join(old));
        }
        progress.finish();
        Ok(ImportReport {
            status: if replaced.is_some() {
                ImportStatus::Replaced
            } else {
                ImportStatus::Imported
            },
            version: info,
            skipped: skipped.clone(),
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// The stored bytes of a version (for the per-system loaders).
    pub fn read_version(&self, id: &str) -> Result<(VersionInfo, PathBuf, Vec<u8>)> {
        let entry = self
            .file
            .versions
            .iter()
            .find(|e| e.info.id == id)
            .ok_or_else(|| CodesError::Version(format!("version {id} is not imported")))?;
        let path = self.dir.join(&entry.file);
        let bytes = fs::read(&path).map_err(|e| CodesError::io(&path, e))?;
        Ok((entry.info.clone(), path, bytes))
    }

    /// The ICD-10-CM index and tables in effect on a date of service (those imported),
    /// with any warnings.
    pub fn load_indexes_for_date(
        &self,
        dos: Date,
    ) -> Result<(Vec<crate::cmindex::IndexSet>, Vec<String>)> {
        let mut sets = Vec::new();
        let mut warnings = Vec::new();
        for system in [
            CodeSystem::Icd10cmIndex,
            CodeSystem::Icd10cmExternalCauseIndex,
            CodeSystem::Icd10cmDrugTable,
            CodeSystem::Icd10cmNeoplasmTable,
        ] {
            if !self.file.versions.iter().any(|e| e.info.system == system) {
                continue;
            }
            let Ok(eff) = self.in_effect(system, dos) else {
                continue;
            };
            let (_, path, bytes) = self.read_version(&eff.info.id)?;
            sets.push(crate::cmindex::IndexSet::from_bytes(&path, &bytes)?);
            warnings.extend(eff.warning);
        }
        Ok((sets, warnings))
    }

    /// Reads the version of `system` in effect on a date of service with `load`.
    fn load_in_effect<T>(
        &self,
        system: CodeSystem,
        dos: Date,
        load: impl FnOnce(&Path, &[u8]) -> Result<T>,
    ) -> Result<(T, VersionInfo, Option<String>)> {
        let eff = self.in_effect(system, dos)?;
        let (info, path, bytes) = self.read_version(&eff.info.id)?;
        Ok((load(&path, &bytes)?, info, eff.warning))
    }

    /// Loads the HCPCS Level II version in effect on a date of service.
    pub fn load_hcpcs_for_date(
        &self,
        dos: Date,
    ) -> Result<(crate::hcpcs::HcpcsSet, VersionInfo, Option<String>)> {
        self.load_in_effect(CodeSystem::Hcpcs, dos, crate::hcpcs::HcpcsSet::from_bytes)
    }

    /// Loads the licensed CPT file in effect on a date of service.
    pub fn load_cpt_for_date(
        &self,
        dos: Date,
    ) -> Result<(crate::hcpcs::CptSet, VersionInfo, Option<String>)> {
        self.load_in_effect(CodeSystem::Cpt, dos, crate::hcpcs::CptSet::from_csv)
    }

    /// Loads the ICD-10-PCS version in effect on a date of service.
    pub fn load_pcs_for_date(
        &self,
        dos: Date,
    ) -> Result<(crate::pcs::PcsSet, VersionInfo, Option<String>)> {
        self.load_in_effect(CodeSystem::Icd10pcs, dos, crate::pcs::PcsSet::from_bytes)
    }
}

/// Where a source came from: the file given, and its hash.
#[derive(Clone)]
struct Origin {
    path: PathBuf,
    sha256: String,
}

/// A parsed release, before it is stored.
enum Parsed {
    Cm(RawCodeSet, PathBuf),
    Pcs(Box<crate::pcs::PcsSet>),
    Hcpcs(Box<crate::hcpcs::HcpcsSet>),
    /// A licensed CPT file is kept as given (checked) and read again on load.
    Cpt(crate::hcpcs::CptSet, Vec<u8>),
    Index(Box<crate::cmindex::IndexSet>),
}

impl Parsed {
    fn declared_year(&self) -> Option<i16> {
        match self {
            Parsed::Cm(raw, _) => raw.declared_year,
            Parsed::Pcs(set) => set.year(),
            Parsed::Hcpcs(_) | Parsed::Cpt(..) => None,
            Parsed::Index(set) => set.version(),
        }
    }

    /// The stored form; fills the version's counts.
    fn into_bytes(self, info: &mut VersionInfo, path: &Path) -> Result<Vec<u8>> {
        match self {
            Parsed::Cm(raw, err_path) => {
                let (built, counts) = index::build(&raw, &err_path)?;
                info.counts = counts;
                index::to_bytes(&built, info)
            }
            Parsed::Pcs(set) => {
                let c = set.counts();
                info.counts = Counts {
                    codes: c.valid_codes as u32,
                    billable: c.valid_codes as u32,
                    details: [
                        ("tables".to_string(), c.tables as u64),
                        ("rows".to_string(), c.rows as u64),
                        ("index_terms".to_string(), c.index_terms as u64),
                        ("definitions".to_string(), c.definitions as u64),
                    ]
                    .into_iter()
                    .collect(),
                    ..Counts::default()
                };
                let _ = path;
                Ok(set.to_bytes())
            }
            Parsed::Hcpcs(set) => {
                let c = set.counts();
                info.counts = Counts {
                    codes: c.procedures as u32,
                    billable: (c.procedures - c.terminated_procedures) as u32,
                    details: [
                        ("modifiers".to_string(), c.modifiers as u64),
                        (
                            "terminated_procedures".to_string(),
                            c.terminated_procedures as u64,
                        ),
                        ("records".to_string(), c.records as u64),
                    ]
                    .into_iter()
                    .collect(),
                    ..Counts::default()
                };
                set.to_bytes()
            }
            Parsed::Index(set) => {
                let c = set.counts();
                info.counts = Counts {
                    codes: c.distinct_codes as u32,
                    details: [
                        ("main_terms".to_string(), c.main_terms as u64),
                        ("entries".to_string(), c.entries as u64),
                        ("table_rows".to_string(), c.table_rows as u64),
                        ("see_references".to_string(), (c.see + c.see_also) as u64),
                    ]
                    .into_iter()
                    .collect(),
                    ..Counts::default()
                };
                set.to_bytes()
            }
            Parsed::Cpt(set, bytes) => {
                info.counts = Counts {
                    codes: set.len() as u32,
                    billable: set.len() as u32,
                    ..Counts::default()
                };
                Ok(bytes)
            }
        }
    }
}

fn parse_group(system: CodeSystem, group: &[Source], progress: &dyn Progress) -> Result<Parsed> {
    let Some(primary) = group.first() else {
        return Err(CodesError::Version(format!(
            "nothing to import for {}",
            system.label()
        )));
    };
    let err_path = |src: &Source| -> PathBuf {
        let outer = src
            .origin
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if src.name.is_empty() || src.name == outer {
            src.origin.path.clone()
        } else {
            src.origin.path.join(&src.name)
        }
    };
    match primary.kind {
        FileKind::Icd10cmTabular => Ok(Parsed::Cm(
            tabular::parse_tabular_with_progress(
                &err_path(primary),
                &primary.bytes,
                &mut |done| progress.set(done),
            )?,
            err_path(primary),
        )),
        FileKind::Icd10cmOrder => Ok(Parsed::Cm(
            order::parse_order_file(&err_path(primary), &primary.bytes)?,
            err_path(primary),
        )),
        FileKind::Icd10pcsTables => {
            let mut set = crate::pcs::PcsSet::from_tables(&err_path(primary), &primary.bytes)?;
            for c in &group[1..] {
                match c.kind {
                    FileKind::Icd10pcsIndex => {
                        set.load_index(&err_path(c), &c.bytes)?;
                    }
                    FileKind::Icd10pcsDefinitions => {
                        set.load_definitions(&err_path(c), &c.bytes)?;
                    }
                    _ => {}
                }
            }
            Ok(Parsed::Pcs(Box::new(set)))
        }
        FileKind::HcpcsFixedWidth => Ok(Parsed::Hcpcs(Box::new(
            crate::hcpcs::HcpcsSet::from_fixed_width(&err_path(primary), &primary.bytes)?,
        ))),
        FileKind::Xlsx => Ok(Parsed::Hcpcs(Box::new(crate::hcpcs::HcpcsSet::from_xlsx(
            &err_path(primary),
            &primary.bytes,
        )?))),
        FileKind::CptCsv => Ok(Parsed::Cpt(
            crate::hcpcs::CptSet::from_csv(&err_path(primary), &primary.bytes)?,
            primary.bytes.clone(),
        )),
        FileKind::Icd10cmIndex
        | FileKind::Icd10cmExternalCauseIndex
        | FileKind::Icd10cmDrugTable
        | FileKind::Icd10cmNeoplasmTable => Ok(Parsed::Index(Box::new(
            crate::cmindex::parse_index(&err_path(primary), &primary.bytes)?,
        ))),
        other => Err(CodesError::Unrecognized {
            path: primary.origin.path.clone(),
            message: format!("{} import is not supported yet", other.describe()),
        }),
    }
}

/// The code system a file kind belongs to, when rcm imports it.
fn system_of(kind: FileKind) -> Option<CodeSystem> {
    match kind {
        FileKind::Icd10cmTabular | FileKind::Icd10cmOrder => Some(CodeSystem::Icd10cm),
        FileKind::Icd10pcsTables | FileKind::Icd10pcsIndex | FileKind::Icd10pcsDefinitions => {
            Some(CodeSystem::Icd10pcs)
        }
        FileKind::HcpcsFixedWidth | FileKind::Xlsx => Some(CodeSystem::Hcpcs),
        FileKind::CptCsv => Some(CodeSystem::Cpt),
        FileKind::Icd10cmIndex => Some(CodeSystem::Icd10cmIndex),
        FileKind::Icd10cmExternalCauseIndex => Some(CodeSystem::Icd10cmExternalCauseIndex),
        FileKind::Icd10cmDrugTable => Some(CodeSystem::Icd10cmDrugTable),
        FileKind::Icd10cmNeoplasmTable => Some(CodeSystem::Icd10cmNeoplasmTable),
        _ => None,
    }
}

fn is_primary(kind: FileKind) -> bool {
    !matches!(
        kind,
        FileKind::Icd10pcsIndex | FileKind::Icd10pcsDefinitions
    )
}

fn primary_rank(kind: FileKind) -> u8 {
    match kind {
        FileKind::Icd10cmTabular => 0,
        FileKind::Icd10cmOrder => 1,
        k if is_primary(k) => 0,
        _ => 5,
    }
}

fn file_extension(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10cm => "idx",
        CodeSystem::Icd10pcs => "pcs",
        CodeSystem::Hcpcs => "hcpcs",
        CodeSystem::Cpt => "cpt",
        _ => "cmindex",
    }
}

/// Whether a stored version still loads (checksum and structure).
fn verify_stored(system: CodeSystem, path: &Path) -> Result<()> {
    match system {
        CodeSystem::Icd10cm => CodeSet::open(path).map(|_| ()),
        CodeSystem::Icd10pcs => {
            let bytes = fs::read(path).map_err(|e| CodesError::io(path, e))?;
            crate::pcs::PcsSet::from_bytes(path, &bytes).map(|_| ())
        }
        CodeSystem::Hcpcs => {
            let bytes = fs::read(path).map_err(|e| CodesError::io(path, e))?;
            crate::hcpcs::HcpcsSet::from_bytes(path, &bytes).map(|_| ())
        }
        CodeSystem::Cpt => {
            let bytes = fs::read(path).map_err(|e| CodesError::io(path, e))?;
            crate::hcpcs::CptSet::from_csv(path, &bytes).map(|_| ())
        }
        CodeSystem::Icd10cmIndex
        | CodeSystem::Icd10cmExternalCauseIndex
        | CodeSystem::Icd10cmDrugTable
        | CodeSystem::Icd10cmNeoplasmTable => {
            let bytes = fs::read(path).map_err(|e| CodesError::io(path, e))?;
            crate::cmindex::IndexSet::from_bytes(path, &bytes).map(|_| ())
        }
    }
}

struct Source {
    name: String,
    kind: FileKind,
    bytes: Vec<u8>,
    origin: Origin,
}

fn collect_sources(
    path: &Path,
    name: &str,
    bytes: Vec<u8>,
    origin: &Origin,
    sources: &mut Vec<Source>,
    skipped: &mut Vec<SkippedFile>,
    depth: u32,
) -> Result<()> {
    let head = &bytes[..bytes.len().min(8192)];
    let kind = detect(head);
    match kind {
        FileKind::Zip if depth < 2 => {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
                CodesError::Archive {
                    path: path.to_path_buf(),
                    message: format!("not a readable zip archive: {e}"),
                }
            })?;
            for i in 0..archive.len() {
                let mut member = archive.by_index(i).map_err(|e| CodesError::Archive {
                    path: path.to_path_buf(),
                    message: format!("member {i}: {e}"),
                })?;
                if member.is_dir() {
                    continue;
                }
                let member_name = member
                    .name()
                    .map(|n| n.into_owned())
                    .unwrap_or_else(|_| format!("member {i}"));
                if member.size() > MAX_MEMBER_BYTES {
                    skipped.push(SkippedFile {
                        name: member_name,
                        kind: FileKind::Unknown,
                        reason: "larger than 1 GiB".into(),
                    });
                    continue;
                }
                let mut data = Vec::with_capacity(member.size() as usize);
                (&mut member)
                    .take(MAX_MEMBER_BYTES)
                    .read_to_end(&mut data)
                    .map_err(|e| CodesError::Archive {
                        path: path.to_path_buf(),
                        message: format!("{member_name}: cannot decompress: {e}"),
                    })?;
                collect_sources(
                    path,
                    &member_name,
                    data,
                    origin,
                    sources,
                    skipped,
                    depth + 1,
                )?;
            }
        }
        FileKind::Gzip if depth < 2 => {
            let mut data = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .take(MAX_MEMBER_BYTES)
                .read_to_end(&mut data)
                .map_err(|e| CodesError::Archive {
                    path: path.to_path_buf(),
                    message: format!("not a readable gzip file (truncated?): {e}"),
                })?;
            let inner = name.strip_suffix(".gz").unwrap_or(name).to_string();
            collect_sources(path, &inner, data, origin, sources, skipped, depth + 1)?;
        }
        k if k.importable() => sources.push(Source {
            name: name.to_string(),
            kind: k,
            bytes,
            origin: origin.clone(),
        }),
        k => skipped.push(SkippedFile {
            name: name.to_string(),
            kind: k,
            reason: if k == FileKind::Unknown {
                "not a code-set file".into()
            } else {
                format!("{} import is not supported yet", k.describe())
            },
        }),
    }
    Ok(())
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    crate::files::read_limited(path, MAX_MEMBER_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            CodesError::Unrecognized {
                path: path.to_path_buf(),
                message: format!("{e} is larger than any CMS code-set file (1 GiB limit)"),
            }
        } else {
            CodesError::io(path, e)
        }
    })
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomic(dir, name, bytes).map_err(|e| CodesError::io(dir.join(name), e))
}

fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(".lock");
    crate::files::lock(&path).map_err(|e| CodesError::io(&path, e))
}

pub(crate) use crate::files::hex;
