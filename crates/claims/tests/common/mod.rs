//! Helpers shared by the claims crate's end-to-end tests.

#![allow(dead_code)] // each test file uses its own part of these helpers
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rcm_claims::x12::Envelope;

/// The shipped example claim file (examples/claims/office-visits.json), as bytes.
pub fn example_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/office-visits.json"
    ))
    .unwrap()
}

/// A submitter/receiver envelope for writing the example claims as an 837.
pub fn envelope() -> Envelope {
    Envelope {
        submitter_name: "S".into(),
        submitter_id: "S1".into(),
        contact_name: "C".into(),
        contact_phone: "5555550100".into(),
        receiver_name: "R".into(),
        receiver_id: "R1".into(),
        reference: "B1".into(),
        control_number: "0001".into(),
        created: jiff::civil::date(2026, 11, 20),
        created_time: "1200".into(),
    }
}
