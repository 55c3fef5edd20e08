//! A damaged prebuilt index is refused with an error, never a panic; one that loads
//! answers lookups and searches without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok((packed, _info)) = rcm_codes::index::from_bytes(Path::new("fuzz.idx"), data) {
        let _ = packed;
    }
});
