//! `rcm x12 code-lists …`: the external code lists the X12 validator looks codes up in (remark
//! codes, claim status and entity codes, currencies, countries), installed into the data
//! directory from pyx12's `codes.xml` or the pyx12 wheel that carries it.
//!
//! The installed file is `<data dir>/x12/code-lists.json`: the source's name and SHA-256 and the
//! list file itself, written whole to a temporary file and renamed, so an interrupted import
//! leaves the previous lists in place; importing the same file again changes nothing.

use anyhow::{Context, anyhow, bail};
use rcm_x12::codelists::CodeLists;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The member of the pyx12 wheel that holds the lists.
const WHEEL_MEMBER: &str = "pyx12/map/codes.xml";

#[derive(Serialize, Deserialize)]
struct Installed {
    /// What was imported, e.g. "pyx12-4.0.0-py3-none-any.whl:pyx12/map/codes.xml".
    source: String,
    /// SHA-256 of the list file (the XML itself, also when it came inside a wheel).
    sha256: String,
    xml: String,
}

pub fn installed_path(data_dir: &Path) -> PathBuf {
    data_dir.join("x12").join("code-lists.json")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The list file in `file`: the XML itself, or the member of a pyx12 wheel (a zip).
fn read_source(file: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    // pyx12's list file is 65 KB and its wheel 1 MB: anything far larger is not one of them.
    const MAX_BYTES: u64 = 64 << 20;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_BYTES {
        bail!(
            "{}: {size} bytes is too large for a code list file or the pyx12 wheel (at most {MAX_BYTES})",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if !bytes.starts_with(b"PK") {
        return Ok((name, bytes));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes))
        .map_err(|e| anyhow!("{}: not a readable zip/wheel: {e}", file.display()))?;
    let mut member = zip.by_name(WHEEL_MEMBER).map_err(|_| {
        anyhow!(
            "{}: the archive has no {WHEEL_MEMBER} (expected the pyx12 wheel)",
            file.display()
        )
    })?;
    if member.size() > MAX_BYTES {
        bail!(
            "{}: {WHEEL_MEMBER} is too large for a code list file",
            file.display()
        );
    }
    let mut xml = Vec::new();
    member
        .by_ref()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut xml)
        .with_context(|| format!("{}: cannot unpack {WHEEL_MEMBER}", file.display()))?;
    Ok((format!("{name}:{WHEEL_MEMBER}"), xml))
}

/// What an import did.
#[derive(Serialize)]
pub struct ImportOutcome {
    pub source: String,
    pub sha256: String,
    /// False when the same lists were installed already (nothing was written).
    pub changed: bool,
    pub lists: Vec<(String, usize)>,
}

/// Checks `file` (its SHA-256 against `expect_sha256` when given, then every list in it) and
/// installs it. Errors name the file and, for a malformed list file, the line.
pub fn import(
    data_dir: &Path,
    file: &Path,
    expect_sha256: Option<&str>,
) -> anyhow::Result<ImportOutcome> {
    let (source, xml) = read_source(file)?;
    let sha256 = hex(&Sha256::digest(&xml));
    if let Some(want) = expect_sha256
        && !want.eq_ignore_ascii_case(&sha256)
    {
        bail!("{source}: SHA-256 is {sha256}, expected {want}: the file is not the published one");
    }
    let lists = CodeLists::from_pyx12_xml(&xml, &source).map_err(|e| anyhow!("{source}: {e}"))?;
    let text = String::from_utf8(xml).map_err(|_| anyhow!("{source}: the file is not UTF-8"))?;
    let counts: Vec<(String, usize)> = lists.lists().map(|(n, c)| (n.to_string(), c)).collect();
    let path = installed_path(data_dir);
    if let Ok(Some(current)) = read_installed(&path)
        && current.sha256 == sha256
    {
        return Ok(ImportOutcome {
            source: current.source,
            sha256,
            changed: false,
            lists: counts,
        });
    }
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("bad data directory {}", data_dir.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let body = serde_json::to_vec(&Installed {
        source: source.clone(),
        sha256: sha256.clone(),
        xml: text,
    })?;
    let tmp = dir.join(".code-lists.json.tmp");
    std::fs::write(&tmp, body).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(ImportOutcome {
        source,
        sha256,
        changed: true,
        lists: counts,
    })
}

fn read_installed(path: &Path) -> anyhow::Result<Option<Installed>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display())),
    };
    let inst: Installed = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!(
            "{}: not an installed code-list file ({e}); import the lists again with `rcm x12 code-lists import`",
            path.display()
        )
    })?;
    Ok(Some(inst))
}

/// The installed lists, or `None` when none are installed.
pub fn load(data_dir: &Path) -> anyhow::Result<Option<Arc<CodeLists>>> {
    let path = installed_path(data_dir);
    let Some(inst) = read_installed(&path)? else {
        return Ok(None);
    };
    let lists = CodeLists::from_pyx12_xml(inst.xml.as_bytes(), &inst.source)
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(Some(Arc::new(lists)))
}
