//! The whole validator (slice and stream must agree) and the 999 builder, never panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::validate::{build_999, validate_bytes, validate_reader, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options { max_findings: 200, ..Options::default() };
    let a = validate_bytes(data, &opts);
    let b = validate_reader(data, &opts);
    assert_eq!(a.findings, b.findings);
    let _ = build_999(&a, 1, rcm_x12::Date { year: 2026, month: 1, day: 1 }, "0000");
});
