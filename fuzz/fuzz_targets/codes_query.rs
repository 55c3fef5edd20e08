//! Queries from people: code parsing and search over a small code set never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

static SET: OnceLock<rcm_codes::CodeSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let set = SET.get_or_init(|| {
        let xml = include_bytes!("../../tests/fixtures/icd10cm/small-tabular.xml");
        rcm_codes::build_in_memory(Path::new("small.xml"), xml, 2025, rcm_codes::Release::October)
            .expect("the fixture builds")
    });
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = rcm_codes::CodeKey::parse(q);
        let _ = set.lookup(q);
        let _ = set.validate(q);
        let _ = set.search(q, &rcm_codes::SearchOptions { limit: 5, ..Default::default() });
    }
});
