//! The claim JSON reader and the claim builder on arbitrary input: errors with paths, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = rcm_claims::read_claim_file("fuzz", data) {
        for built in file.build() {
            assert!(built.claim.is_some() || !built.problems.is_empty());
        }
    }
});
