//! The fixture files in tests/fixtures/x12: valid ones are clean (also by pyx12: see pyx12.rs),
//! invalid ones are reported with the right rule, segment number and element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::validate::{Options, Report, validate_reader};

fn check(name: &str) -> Report {
    let path = format!(
        "{}/../../tests/fixtures/x12/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    validate_reader(
        std::fs::File::open(&path).expect(&path),
        &Options::default(),
    )
}

fn found(r: &Report) -> Vec<(String, u64, Option<usize>)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.location.segment_number,
                f.location.element,
            )
        })
        .collect()
}

#[test]
fn valid_fixtures_are_clean() {
    for name in ["837p-valid.x12", "837i-valid.x12", "835-valid.x12"] {
        let r = check(name);
        assert!(r.findings.is_empty(), "{name}: {:?}", found(&r));
        assert_eq!(r.transactions.len(), 1);
    }
}

#[test]
fn unbalanced_835() {
    let f = found(&check("835-unbalanced.x12"));
    for want in [
        ("835-SERVICE-BALANCE", 16, None),
        ("835-TRANSACTION-BALANCE", 4, Some(2)),
    ] {
        assert!(
            f.contains(&(want.0.to_string(), want.1, want.2)),
            "{want:?} not in {f:?}"
        );
    }
    assert!(f.iter().any(|x| x.0 == "835-CLAIM-LINES"), "{f:?}");
}

#[test]
fn broken_837p() {
    let f = found(&check("837p-errors.x12"));
    for want in [
        ("NPI-CHECK-DIGIT", 10, Some(9)),
        ("837-CLAIM-TOTAL", 27, Some(2)),
        ("EL-CODE", 32, Some(5)),
        ("837-DX-POINTER", 32, Some(7)),
        ("EL-CODE", 12, Some(2)),
    ] {
        assert!(
            f.contains(&(want.0.to_string(), want.1, want.2)),
            "{want:?} not in {f:?}"
        );
    }
}

#[test]
fn broken_envelope() {
    let f = found(&check("envelope-broken.x12"));
    assert!(f.contains(&("ENV-SE01-COUNT".into(), 51, Some(1))), "{f:?}");
    assert!(
        f.contains(&("ENV-IEA02-MATCH".into(), 53, Some(2))),
        "{f:?}"
    );
}
