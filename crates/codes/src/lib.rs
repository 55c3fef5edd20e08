//! # rcm-codes: the code sets
//!
//! Owns the official code sets (ICD-10-CM today): reading the CMS files (tabular XML,
//! order file, zip and gzip archives holding them), detecting each file's kind by its
//! content, the versioned store of prebuilt indexes in the data directory, and the
//! queries every other part of OpenRCM makes millions of times: exact lookup (no
//! allocation), validation with reasons, inherited notes and 7th characters, ranked
//! search.
//!
//! It must not know about claims, HTTP, SQL or the terminal: callers bring a data
//! directory path and get values back. Errors name the file, line and field.

pub mod catalog;
pub mod cmindex;
pub mod code;
pub mod codeset;
pub mod conventions;
pub mod defaults;
pub mod detect;
pub mod diff;
pub mod error;
pub mod files;
pub mod hcpcs;
pub mod index;
pub mod model;
pub mod order;
pub mod pcs;
pub mod search;
pub mod synonyms;
pub mod tabular;
pub mod text;
pub mod version;
pub mod xmltext;

pub use catalog::{
    Catalog, ImportOptions, ImportReport, ImportStatus, InEffect, NoProgress, Progress,
};
pub use code::{CodeKey, DottedCode, Icd10CmCode};
pub use codeset::{CodeRef, CodeSet, NodeRef, NoteRef, Reason, Seventh, Validation};
pub use detect::FileKind;
pub use error::{CodesError, Result};
pub use model::{NodeKind, NoteKind};
pub use search::{CodeRange, SearchHit, SearchOptions};
pub use version::{CodeSystem, Release, VersionInfo};

/// Builds a code set in memory from a file's bytes without storing it (tests,
/// benchmarks, one-off checks). `name` dates the release as a file name would.
pub fn build_in_memory(
    path: &std::path::Path,
    bytes: &[u8],
    fiscal_year: i16,
    release: Release,
) -> Result<CodeSet> {
    let kind = detect::detect(&bytes[..bytes.len().min(8192)]);
    let raw = match kind {
        FileKind::Icd10cmTabular => tabular::parse_tabular(path, bytes)?,
        FileKind::Icd10cmOrder => order::parse_order_file(path, bytes)?,
        other => {
            return Err(CodesError::Unrecognized {
                path: path.to_path_buf(),
                message: format!("{} cannot be built in memory", other.describe()),
            });
        }
    };
    let (built, counts) = index::build(&raw, path)?;
    let (effective, scheduled_end) = version::release_dates(fiscal_year, release)
        .ok_or_else(|| CodesError::Version(format!("fiscal year {fiscal_year} is out of range")))?;
    let system = CodeSystem::Icd10cm;
    let info = VersionInfo {
        system,
        id: version::version_id(system, fiscal_year, release),
        label: version::version_label(system, fiscal_year, release, effective),
        year: fiscal_year,
        release,
        effective,
        scheduled_end,
        has_notes: kind == FileKind::Icd10cmTabular,
        source: version::SourceInfo {
            name: path.display().to_string(),
            kind: if kind == FileKind::Icd10cmTabular {
                version::SourceKind::Icd10cmTabular
            } else {
                version::SourceKind::Icd10cmOrder
            },
            sha256: String::new(),
            companions: Vec::new(),
            bytes: bytes.len() as u64,
        },
        imported_at: String::new(),
        counts,
    };
    let bytes = index::to_bytes(&built, &info)?;
    let (packed, info) = index::from_bytes(path, &bytes)?;
    Ok(CodeSet::new(packed, info))
}
