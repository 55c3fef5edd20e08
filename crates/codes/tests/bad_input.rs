//! Every reader of outside bytes reports problems as errors, never panics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use proptest::prelude::*;
use rcm_codes::{Catalog, ImportOptions, NoProgress, detect, order, tabular};

const SMALL_TABULAR: &str = include_str!("../../../tests/fixtures/icd10cm/small-tabular.xml");

fn small_set() -> &'static rcm_codes::CodeSet {
    static SET: std::sync::OnceLock<rcm_codes::CodeSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        rcm_codes::build_in_memory(
            Path::new("small.xml"),
            SMALL_TABULAR.as_bytes(),
            2025,
            rcm_codes::Release::October,
        )
        .unwrap()
    })
}

/// Imports the small fixture into `dir`; returns the path of its prebuilt index.
fn import_small(dir: &Path) -> std::path::PathBuf {
    let src = dir.join("icd10cm-tabular-2025.xml");
    std::fs::write(&src, SMALL_TABULAR).unwrap();
    let mut catalog = Catalog::open(dir).unwrap();
    catalog
        .import(&src, &ImportOptions::default(), &NoProgress)
        .unwrap();
    std::fs::read_dir(dir.join("codes"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".idx"))
        .unwrap()
        .path()
}

/// The prebuilt index of the small fixture, as a file would hold it.
fn small_index_bytes() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::read(import_small(dir.path())).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn tabular_reader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = tabular::parse_tabular(Path::new("x.xml"), &bytes);
        let _ = order::parse_order_file(Path::new("x.txt"), &bytes);
        let _ = detect::detect(&bytes);
    }

    #[test]
    fn tabular_reader_never_panics_on_damaged_tabular(cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = SMALL_TABULAR.as_bytes().to_vec();
        let len = bytes.len();
        bytes[flip % len] = byte;
        bytes.truncate(cut % (len + 1));
        let _ = tabular::parse_tabular(Path::new("x.xml"), &bytes);
    }

    #[test]
    fn damaged_index_bytes_never_panic(cut in 0usize..100_000, flip in 0usize..100_000, byte in any::<u8>()) {
        let mut bytes = small_index_bytes().to_vec();
        let len = bytes.len();
        bytes[flip % len] = byte;
        bytes.truncate(cut % (len + 1));
        let _ = rcm_codes::index::from_bytes(Path::new("x.idx"), &bytes);
    }

    #[test]
    fn queries_never_panic(q in "\\PC{0,40}") {
        let set = small_set();
        let _ = set.lookup(&q);
        let _ = set.validate(&q);
        let _ = set.search(&q, &rcm_codes::SearchOptions { limit: 5, ..Default::default() });
    }

    #[test]
    fn order_reader_never_panics_on_lines(lines in proptest::collection::vec("[ -~]{0,90}", 0..20)) {
        let text = lines.join("\n");
        let _ = order::parse_order_file(Path::new("o.txt"), text.as_bytes());
    }
}

#[test]
fn truncated_tabular_import_leaves_previous_version_intact() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("icd10cm-tabular-2025.xml");
    std::fs::write(&good, SMALL_TABULAR).unwrap();
    let mut catalog = Catalog::open(dir.path()).unwrap();
    let opts = ImportOptions::default();
    catalog.import(&good, &opts, &NoProgress).unwrap();
    let before = std::fs::read(dir.path().join("codes/catalog.json")).unwrap();

    let cut = dir.path().join("icd10cm-tabular-2026.xml");
    std::fs::write(&cut, &SMALL_TABULAR[..SMALL_TABULAR.len() / 2]).unwrap();
    let err = catalog
        .import(&cut, &opts, &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("icd10cm-tabular-2026.xml:"), "{err}");

    let after = std::fs::read(dir.path().join("codes/catalog.json")).unwrap();
    assert_eq!(before, after, "a failed import must not touch the catalog");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("codes"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let catalog = Catalog::open(dir.path()).unwrap();
    let set = catalog.load(&catalog.versions()[0].id).unwrap();
    assert!(set.lookup("M48.50XA").is_some());
}

/// Found by the `codes_index` fuzz target: the section count is in the header, outside
/// the checksum; a huge count must be refused, not allocated.
#[test]
fn a_huge_section_count_is_refused() {
    let mut bytes = small_index_bytes().to_vec();
    bytes[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = rcm_codes::index::from_bytes(Path::new("x.idx"), &bytes)
        .err()
        .unwrap();
    assert!(err.to_string().contains("sections"), "{err}");
}

/// Found by the `codes_index` fuzz target: a file whose checksum was forged to match
/// a damaged search dictionary. Loading refuses it instead of panicking later.
#[test]
fn a_damaged_dictionary_with_a_forged_checksum_is_refused() {
    let bytes = include_bytes!("../../../tests/fixtures/icd10cm/damaged-dictionary.idx");
    let err = rcm_codes::index::from_bytes(Path::new("d.idx"), bytes)
        .err()
        .unwrap();
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[test]
fn a_damaged_index_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let idx = import_small(dir.path());
    let mut bytes = std::fs::read(&idx).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&idx, &bytes).unwrap();
    let catalog = Catalog::open(dir.path()).unwrap();
    let err = catalog
        .load(&catalog.versions()[0].id)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("damaged") && err.contains("re-import"),
        "{err}"
    );
    std::fs::write(&idx, &bytes[..100]).unwrap();
    let err = catalog
        .load(&catalog.versions()[0].id)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("damaged"), "{err}");
}
