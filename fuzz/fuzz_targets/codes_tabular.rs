//! The ICD-10-CM tabular reader, the order-file reader and kind detection never
//! panic, whatever the bytes; a tabular that parses also packs into an index.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = rcm_codes::detect::detect(data);
    let _ = rcm_codes::order::parse_order_file(Path::new("fuzz.txt"), data);
    if let Ok(raw) = rcm_codes::tabular::parse_tabular(Path::new("fuzz.xml"), data) {
        let _ = rcm_codes::index::build(&raw, Path::new("fuzz.xml"));
    }
});
