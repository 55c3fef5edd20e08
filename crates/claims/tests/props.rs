//! Bad input never panics: arbitrary bytes and mutated valid files through the claim JSON
//! reader, the builder and the 837 reader.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use proptest::prelude::*;
use rcm_claims::input::{ClaimFile, read_claim_file};
use rcm_claims::x12::read_837;

use common::example_bytes as example;

/// The example converted to an 837 by the library itself.
fn example_837() -> Vec<u8> {
    let file: ClaimFile = serde_json::from_slice(&example()).unwrap();
    let built = file.build();
    let claims: Vec<&rcm_claims::Claim> = built.iter().map(|b| b.claim.as_ref().unwrap()).collect();
    let env = common::envelope();
    let t = rcm_claims::x12::to_transaction(&env, rcm_claims::ClaimKind::Professional, &claims)
        .unwrap();
    let isa = rcm_x12::writer::InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: "S1".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "R1".into(),
        date_yymmdd: "261120".into(),
        time_hhmm: "1200".into(),
        control_number: 1,
        ack_requested: false,
        production: false,
    };
    let gs = rcm_x12::writer::GroupHeader {
        functional_id: "HC".into(),
        sender_code: "S1".into(),
        receiver_code: "R1".into(),
        date: "20261120".into(),
        time: "1200".into(),
        control_number: 1,
        version: "005010X222A1".into(),
    };
    rcm_x12::writer::write_interchange(rcm_x12::Delimiters::default(), &isa, &gs, 1, |w| {
        rcm_x12::model::claim837::write(&t, w)
    })
    .unwrap()
}

#[test]
fn the_837_of_the_example_reads_back_to_the_same_claims() {
    let batch = read_837(&example_837());
    assert!(batch.file_problems.is_empty(), "{:?}", batch.file_problems);
    assert_eq!(batch.claims.len(), 3);
    assert_eq!(batch.claims[1].path, "claims[1]");
    assert!(
        batch
            .claims
            .iter()
            .all(|c| c.problems.is_empty() && c.claim.is_some())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_the_json_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(f) = read_claim_file("fuzz", &bytes) {
            let _ = f.build();
        }
    }

    #[test]
    fn mutated_claim_json_never_panics(pos in 0usize..4096, byte in any::<u8>()) {
        let mut bytes = example();
        let i = pos % bytes.len();
        bytes[i] = byte;
        if let Ok(f) = read_claim_file("fuzz", &bytes) {
            for b in f.build() {
                // Either a claim or problems with paths, never both missing.
                prop_assert!(b.claim.is_some() || !b.problems.is_empty());
            }
        }
    }

    #[test]
    fn mutated_837_never_panics(pos in 0usize..4096, byte in any::<u8>(), cut in 0usize..4096) {
        let mut bytes = example_837();
        let i = pos % bytes.len();
        bytes[i] = byte;
        bytes.truncate(bytes.len() - cut % bytes.len());
        let _ = read_837(&bytes);
    }
}

#[test]
fn shape_errors_name_the_field_but_never_echo_the_value() {
    let mut v: serde_json::Value = serde_json::from_slice(&example()).unwrap();
    v["claims"][0]["subscriber"]["member_id"] = serde_json::json!(987654321);
    let e = read_claim_file("x.json", v.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("claims[0].subscriber.member_id"), "{e}");
    assert!(!e.contains("987654321"), "{e}");
}
