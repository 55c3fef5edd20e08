//! The whole validator (slice, stream and parallel stream must agree) and the 999 builder,
//! never panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::validate::{build_999, validate_bytes, validate_reader, validate_reader_parallel, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options { max_findings: 200, ..Options::default() };
    let a = validate_bytes(data, &opts);
    let b = validate_reader(data, &opts);
    assert_eq!(a.findings, b.findings);
    let c = validate_reader_parallel(data, &opts, 2);
    assert_eq!(b.findings, c.findings);
    assert_eq!(
        (b.segments, b.transaction_count, b.accepted_count, b.transactions.len(), b.groups.len()),
        (c.segments, c.transaction_count, c.accepted_count, c.transactions.len(), c.groups.len())
    );
    let date = rcm_x12::Date { year: 2026, month: 1, day: 1 };
    // The 999 must always be writable, and the same from either report.
    let ack = build_999(&b, 1, date, "0000");
    assert!(ack.is_ok(), "999 not written: {ack:?}");
    assert_eq!(ack.ok(), build_999(&c, 1, date, "0000").ok());
});
