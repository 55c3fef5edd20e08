//! Element tables of the rarely sent 837P segments (PWK, CN1, K3, CR1, CR2): valid values pass,
//! values outside the guide are reported at their element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, validate_bytes};

/// A valid 837P with `extra` inserted before the first claim's HI (2300, after DTP/REF).
fn with_segments(extra: &str) -> Vec<(String, String, Option<usize>)> {
    let mut rng = Rng::new(11);
    let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 1, 1);
    let text = String::from_utf8(synth::claim_interchange(&[t], 1).unwrap()).unwrap();
    let at = text.find("~HI*").unwrap() + 1;
    let text = format!("{}{}{}", &text[..at], extra, &text[at..]);
    // The segment count in SE changes with the insert: recount it (ST to SE inclusive).
    let st = text.find("ST*").unwrap();
    let se = text.find("~SE*").unwrap() + 1;
    let in_tx = text[st..se].matches('~').count() + 1;
    let se_end = se + text[se..].find('~').unwrap();
    let control = text[se..se_end].rsplit('*').next().unwrap().to_string();
    let text = format!("{}SE*{in_tx}*{control}{}", &text[..se], &text[se_end..]);
    let r = validate_bytes(text.as_bytes(), &Options::default());
    r.findings
        .iter()
        .filter(|f| ["PWK", "CN1", "K3", "CR1", "CR2"].contains(&f.location.segment_id.as_str()))
        .map(|f| {
            (
                f.rule.to_string(),
                f.location.segment_id.clone(),
                f.location.element,
            )
        })
        .collect()
}

#[test]
fn valid_rare_segments_pass() {
    let found = with_segments(
        "PWK*OZ*BM***AC*CTRL123~CN1*02*550*0.5*CONTRACT9~K3*FIXED FORMAT TEXT~CR1*LB*140**A*DH*12****STRETCHER~CR2********A**DESCRIPTION~",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn values_outside_the_guide_are_reported() {
    let found = with_segments(
        "PWK*ZZ*BM*2**AC*CTRL123~CN1*07*550~K3*TEXT*A~CR1*KG*140**A*DH*12~CR2*1*******A~",
    );
    for want in [
        ("EL-CODE", "PWK", Some(1)),
        ("EL-NOT-USED", "PWK", Some(3)),
        ("EL-CODE", "CN1", Some(1)),
        ("EL-NOT-USED", "K3", Some(2)),
        ("EL-CODE", "CR1", Some(1)),
        ("EL-NOT-USED", "CR2", Some(1)),
    ] {
        let want = (want.0.to_string(), want.1.to_string(), want.2);
        assert!(found.contains(&want), "{want:?} not in {found:?}");
    }
}

#[test]
fn required_elements_are_required() {
    let found = with_segments("CR1*LB*140**A~");
    assert!(
        found.contains(&("EL-REQUIRED".to_string(), "CR1".to_string(), Some(5))),
        "{found:?}"
    );
}
