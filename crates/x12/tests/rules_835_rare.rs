//! Element tables of the rarely sent 835 segments (RDM, MIA, the claim's PER and QTY, the
//! line's QTY) and of the 999's CTX: valid values pass, values outside the guide are reported at
//! their element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::Date;
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, Report, build_999, validate_bytes};

use common::{join_segments, set_el, split_segments};

mod common;

/// `segs` with `extra` inserted after the first segment starting with `anchor`, and SE01
/// recounted.
fn insert_after(mut segs: Vec<String>, anchor: &str, extra: &[&str]) -> Vec<String> {
    let at = segs
        .iter()
        .position(|s| s.starts_with(anchor))
        .unwrap_or_else(|| panic!("no {anchor}"))
        + 1;
    for (k, e) in extra.iter().enumerate() {
        segs.insert(at + k, e.to_string());
    }
    let st = segs.iter().position(|s| s.starts_with("ST*")).unwrap();
    let se = segs.iter().position(|s| s.starts_with("SE*")).unwrap();
    let control = segs[se].rsplit('*').next().unwrap().to_string();
    segs[se] = format!("SE*{}*{control}", se - st + 1);
    segs
}

/// A generated 835 with a payee RDM, and on its first claim an MIA, a PER*CX and a QTY, and on
/// that claim's first line a QTY.
fn remit_with(rdm: &str, mia: &str, per: &str, qty: &str, line_qty: &str) -> Vec<String> {
    let mut rng = Rng::new(5);
    let r = synth::remittance(&mut rng, 1, 2);
    let segs = split_segments(&synth::remit_interchange(&[r], 1).unwrap());
    let segs = insert_after(segs, "N1*PE", &[rdm]);
    let segs = insert_after(segs, "NM1*QC", &[mia]);
    let segs = insert_after(segs, "DTM*232", &[per, qty]);
    insert_after(segs, "AMT*B6", &[line_qty])
}

fn findings(r: &Report) -> Vec<(String, String, Option<usize>)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.location.segment_id.clone(),
                f.location.element,
            )
        })
        .collect()
}

fn check(segs: &[String]) -> Vec<(String, String, Option<usize>)> {
    findings(&validate_bytes(&join_segments(segs), &Options::default()))
}

fn has(found: &[(String, String, Option<usize>)], rule: &str, seg: &str, el: usize) -> bool {
    found
        .iter()
        .any(|(r, s, e)| r == rule && s == seg && *e == Some(el))
}

#[test]
fn valid_rare_835_segments_pass() {
    let segs = remit_with(
        "RDM*EM*REMIT DESK*REMITS@EXAMPLE.COM",
        "MIA*0***1250.5*MA01***************MA02",
        "PER*CX*CLAIMS UNIT*TE*8005550100*EX*12",
        "QTY*CA*3",
        "QTY*ZK*1",
    );
    assert_eq!(check(&segs), vec![]);
}

#[test]
fn rare_835_segments_are_checked_element_by_element() {
    let segs = remit_with(
        // RDM01 not a transmission code; RDM04 (a composite the guide does not use) sent.
        "RDM*XX*REMIT DESK**A:B",
        // MIA01 required; MIA04 an amount; a 25th element the segment does not have.
        "MIA**2**ABC*MA01********************X",
        // PER03 not a qualifier of the guide; PER09 not used.
        "PER*CX*CLAIMS UNIT*ZZ*8005550100*****REF",
        // QTY02 not a number.
        "QTY*CA*THREE",
        // QTY03 (unit of measure) not used.
        "QTY*ZK*1*UN",
    );
    let found = check(&segs);
    for (rule, seg, el) in [
        ("EL-CODE", "RDM", 1),
        ("EL-NOT-USED", "RDM", 4),
        ("EL-REQUIRED", "MIA", 1),
        ("EL-NUMERIC", "MIA", 4),
        ("EL-NOT-USED", "MIA", 25),
        ("EL-CODE", "PER", 3),
        ("EL-NOT-USED", "PER", 9),
        ("EL-NUMERIC", "QTY", 2),
        ("EL-NOT-USED", "QTY", 3),
    ] {
        assert!(
            has(&found, rule, seg, el),
            "{rule} {seg}{el:02}: {found:#?}"
        );
    }
    // Nothing but these element findings: every segment stays in its loop.
    assert!(found.iter().all(|f| f.0.starts_with("EL-")), "{found:#?}");
}

/// A 999 for a generated 837P with a claim filing indicator outside the guide's list, so it has
/// an IK3 and an IK4; `ctx_seg` and `ctx_el` are inserted after them.
fn ack_with(ctx_seg: &str, ctx_el: &str) -> Vec<String> {
    let mut rng = Rng::new(3);
    let t = synth::claim_transaction(&mut rng, ClaimKind::Professional, 1, 1);
    let mut claim = split_segments(&synth::claim_interchange(&[t], 1).unwrap());
    set_el(&mut claim, "SBR*", 9, "QQ");
    let report = validate_bytes(&join_segments(&claim), &Options::default());
    let date = Date {
        year: 2026,
        month: 12,
        day: 6,
    };
    let ack = build_999(&report, 7, date, "1200").unwrap().unwrap();
    let segs = split_segments(&ack);
    assert!(segs.iter().any(|s| s.starts_with("IK4*")), "{segs:#?}");
    let segs = insert_after(segs, "IK3*", &[ctx_seg]);
    insert_after(segs, "IK4*", &[ctx_el])
}

#[test]
fn the_999_context_segments_are_checked() {
    let clean = ack_with(
        "CTX*CLM01:PCN00100000",
        "CTX*SITUATIONAL TRIGGER*CLM*12*2300*5:1",
    );
    assert_eq!(check(&clean), vec![]);
    let bad = ack_with(
        // CTX01 has two components.
        "CTX*CLM01:PCN00100000:X",
        // CTX03 a position, digits only; CTX06-2 not used.
        "CTX*SITUATIONAL TRIGGER*CLM*TWELVE***1:2",
    );
    let found = check(&bad);
    for (rule, el) in [
        ("EL-TOO-MANY-COMPONENTS", 1),
        ("EL-NUMERIC", 3),
        ("EL-NOT-USED", 6),
    ] {
        assert!(
            has(&found, rule, "CTX", el),
            "{rule} CTX{el:02}: {found:#?}"
        );
    }
}
