//! An 837 service line has four modifier places (C003) and four diagnosis pointers (C004). The
//! claim JSON refuses a fifth; a typed claim built in code can hold more, and converting it to
//! the 837 model is then an error naming the claim and line, never a cut or a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rcm_claims::input::ClaimFile;
use rcm_claims::types::Modifier;
use rcm_claims::x12::{ConvertError, Submission, WriteClaimsError, to_transaction};
use rcm_claims::{Claim, ClaimKind, ProblemKind};
use rcm_x12::model::TooMany;

fn example() -> ClaimFile {
    serde_json::from_slice(&common::example_bytes()).unwrap()
}

fn claims() -> Vec<Claim> {
    example()
        .build()
        .into_iter()
        .map(|b| b.claim.unwrap())
        .collect()
}

use common::envelope;

fn modifiers(m: &[&str]) -> Vec<Modifier> {
    m.iter().map(|m| Modifier::parse(m).unwrap()).collect()
}

#[test]
fn four_modifiers_and_pointers_convert() {
    let mut claims = claims();
    let l = &mut claims[0].lines[0];
    l.modifiers = modifiers(&["25", "59", "XS", "GT"]);
    l.diagnosis_pointers = vec![1, 2, 3, 1];
    let refs: Vec<&Claim> = claims.iter().collect();
    let t = to_transaction(&envelope(), ClaimKind::Professional, &refs).unwrap();
    let line = &t.billing_providers[0].subscribers[0].claims[0].lines[0];
    let p = line.procedure.as_ref().unwrap();
    assert_eq!(p.modifiers.as_slice(), ["25", "59", "XS", "GT"]);
    assert_eq!(line.diagnosis_pointers.as_slice(), [1, 2, 3, 1]);
}

#[test]
fn a_fifth_modifier_or_pointer_is_an_error() {
    let mut claims = claims();
    let second = claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ClaimKind::Professional)
        .nth(1)
        .unwrap()
        .0;
    claims[second].lines[1].modifiers = modifiers(&["25", "59", "XS", "GT", "76"]);
    let refs: Vec<&Claim> = claims.iter().collect();
    let e = to_transaction(&envelope(), ClaimKind::Professional, &refs).unwrap_err();
    assert_eq!(
        e,
        ConvertError {
            claim: second + 1,
            line: 2,
            problem: TooMany {
                what: "procedure modifiers",
                composite: "C003",
                max: 4,
                count: 5,
            },
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "claim {}, line 2: 5 procedure modifiers: composite C003 holds at most 4",
            second + 1
        )
    );

    let mut claims = self::claims();
    claims[0].lines[0].diagnosis_pointers = vec![1, 2, 3, 1, 2, 3];
    let refs: Vec<&Claim> = claims.iter().collect();
    let e = to_transaction(&envelope(), ClaimKind::Professional, &refs).unwrap_err();
    assert_eq!((e.claim, e.line), (1, 1));
    assert_eq!(
        e.problem.to_string(),
        "6 diagnosis pointers: composite C004 holds at most 4"
    );

    // The file writer reports it, naming the claim among all those given.
    let sub = Submission {
        submitter: example().submitter.unwrap(),
        receiver: example().receiver.unwrap(),
        interchange_control: 1,
        created: jiff::civil::date(2026, 11, 20).at(12, 0, 0, 0),
    };
    match rcm_claims::x12::write_837_interchange(&sub, ClaimKind::Professional, &refs) {
        Err(WriteClaimsError::Convert(e)) => assert_eq!((e.claim, e.line), (1, 1)),
        other => panic!("expected a conversion error, got {other:?}"),
    }
}

#[test]
fn the_claim_json_refuses_a_fifth() {
    let mut file = example();
    file.claims[0].lines[0].modifiers = ["25", "59", "XS", "GT", "76"].map(String::from).to_vec();
    file.claims[0].lines[1].diagnosis_pointers = vec![1, 2, 3, 1, 2];
    let built = file.build();
    assert!(built[0].claim.is_none());
    let too_many: Vec<&str> = built[0]
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::TooMany)
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(
        too_many,
        [
            "claims[0].lines[0].modifiers",
            "claims[0].lines[1].diagnosis_pointers"
        ]
    );
}
