//! Claims read from an arbitrary 837 (envelope pass, transactions split again, typed model,
//! claim JSON, builder): problems, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rcm_claims::x12::read_837(data);
});
