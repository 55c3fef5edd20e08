//! 277CA (005010X214) business rules: a clean hand-made acknowledgment passes; one broken in
//! each way is reported with the right rule, segment position (ST = 1) and element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::finding::Level;
mod common;

use common::{set, show};
use rcm_x12::validate::{Options, Report, validate_bytes};

/// The transaction (ST to the segment before SE); positions in comments (ST = 1).
/// One receiver (2200B) and one provider (2200C) with two claims: one accepted (A2, 100.00) and
/// one rejected (A7, 200.00).
fn clean() -> Vec<String> {
    [
        "ST*277*0001*005010X214",              // 1
        "BHT*0085*08*BATCH1*20240105*1200*TH", // 2
        "HL*1**20*1",                          // 3
        "NM1*PR*2*PAYER*****PI*12345",         // 4
        "TRN*1*TRACE1",                        // 5
        "DTP*050*D8*20240104",                 // 6
        "DTP*009*D8*20240105",                 // 7
        "HL*2*1*21*1",                         // 8
        "NM1*41*2*SUBMITTER*****46*SUB1",      // 9
        "TRN*2*BATCH1",                        // 10
        "STC*A1:20*20240105*WQ*300",           // 11
        "QTY*90*1",                            // 12
        "QTY*AA*1",                            // 13
        "AMT*YU*100",                          // 14
        "AMT*YY*200",                          // 15
        "HL*3*2*19*1",                         // 16
        "NM1*85*2*CLINIC*****XX*1234567893",   // 17
        "TRN*1*PROV1",                         // 18
        "STC*A1:20**WQ*300",                   // 19 (no STC02 at 2200C)
        "QTY*QA*1",                            // 20
        "QTY*QC*1",                            // 21
        "AMT*YU*100",                          // 22
        "AMT*YY*200",                          // 23
        "HL*4*3*PT",                           // 24
        "NM1*QC*1*DOE*JANE****MI*M1",          // 25
        "TRN*2*PCN1",                          // 26
        "STC*A2:20*20240105*WQ*100",           // 27
        "REF*1K*PAYERCLAIM1",                  // 28
        "DTP*472*D8*20240101",                 // 29
        "HL*5*3*PT",                           // 30
        "NM1*QC*1*ROE*JOHN****MI*M2",          // 31
        "TRN*2*PCN2",                          // 32
        "STC*A7:21*20240105*U*200",            // 33
        "DTP*472*D8*20240102",                 // 34
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn check(tx: &[String]) -> Report {
    common::check_in(common::ENV_277CA, tx)
}

/// The finding of `rule` at transaction position `pos` (and element `el` when given).
fn has(r: &Report, rule: &str, pos: usize, el: Option<usize>) -> bool {
    r.findings.iter().any(|f| {
        f.rule == rule
            && f.location.position == Some(pos)
            && (el.is_none() || f.location.element == el)
            && f.level == Level::Business
    })
}

#[test]
fn clean_277ca_passes() {
    let r = check(&clean());
    assert!(r.findings.is_empty(), "{:#?}", show(&r));
    assert_eq!(r.transactions.len(), 1);
    assert_eq!(r.transactions[0].status(), "A");
}

#[test]
fn accepted_quantity_must_count_the_accepted_claims() {
    let mut tx = clean();
    set(&mut tx, 12, "QTY*90*2");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-QTY-ACCEPTED", 12, Some(2)),
        "{:#?}",
        show(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "277CA-QTY-ACCEPTED")
        .unwrap();
    // The message names the level, the found and the expected counts.
    assert!(
        f.message.contains("information receiver (2200B)"),
        "{}",
        f.message
    );
    assert!(f.message.contains("is 2 but 1 claim"), "{}", f.message);
    assert_eq!(r.findings.len(), 1, "{:#?}", show(&r));
    // A business finding: the 999 would accept the transaction (with errors), not reject it.
    assert_eq!(r.transactions[0].status(), "E");
    assert!(r.transactions[0].ack_segments.is_empty());
}

#[test]
fn rejected_quantity_at_the_provider_level() {
    let mut tx = clean();
    set(&mut tx, 21, "QTY*QC*0");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-QTY-REJECTED", 21, Some(2)),
        "{:#?}",
        show(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "277CA-QTY-REJECTED")
        .unwrap();
    assert!(
        f.message.contains("billing provider (2200C)") && f.message.contains("QTY*QC"),
        "{}",
        f.message
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", show(&r));
}

#[test]
fn amounts_must_sum_the_claims_stc04() {
    let mut tx = clean();
    set(&mut tx, 22, "AMT*YU*100.01");
    set(&mut tx, 15, "AMT*YY*150");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-AMT-ACCEPTED", 22, Some(2)),
        "{:#?}",
        show(&r)
    );
    assert!(
        has(&r, "277CA-AMT-REJECTED", 15, Some(2)),
        "{:#?}",
        show(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "277CA-AMT-REJECTED")
        .unwrap();
    assert!(f.message.contains("is 150.00"), "{}", f.message);
    assert!(f.message.contains("total 200.00"), "{}", f.message);
    assert_eq!(r.findings.len(), 2, "{:#?}", show(&r));
}

#[test]
fn a_claim_changing_category_moves_between_the_totals() {
    // The second claim is now accepted: every total at both levels is wrong.
    let mut tx = clean();
    set(&mut tx, 33, "STC*A2:20*20240105*WQ*200");
    let r = check(&tx);
    for (rule, pos) in [
        ("277CA-QTY-ACCEPTED", 12),
        ("277CA-QTY-REJECTED", 13),
        ("277CA-AMT-ACCEPTED", 14),
        ("277CA-AMT-REJECTED", 15),
        ("277CA-QTY-ACCEPTED", 20),
        ("277CA-QTY-REJECTED", 21),
        ("277CA-AMT-ACCEPTED", 22),
        ("277CA-AMT-REJECTED", 23),
    ] {
        assert!(has(&r, rule, pos, Some(2)), "{rule} {pos}: {:#?}", show(&r));
    }
    // Any rejecting category among STC01/10/11 makes the claim rejected.
    let mut tx = clean();
    set(&mut tx, 27, "STC*A2:20*20240105*WQ*100******A3:21");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-QTY-ACCEPTED", 12, Some(2)),
        "{:#?}",
        show(&r)
    );
    assert!(
        has(&r, "277CA-QTY-REJECTED", 21, Some(2)),
        "{:#?}",
        show(&r)
    );
}

#[test]
fn claim_needs_trn_2_with_the_patient_control_number() {
    let mut tx = clean();
    set(&mut tx, 26, "TRN*2");
    let r = check(&tx);
    assert!(has(&r, "277CA-CLAIM-TRN", 26, Some(2)), "{:#?}", show(&r));

    let mut tx = clean();
    set(&mut tx, 32, "TRN*1*PCN2");
    let r = check(&tx);
    assert!(has(&r, "277CA-CLAIM-TRN", 32, Some(1)), "{:#?}", show(&r));

    // A patient level without any claim loop is reported at its HL.
    let mut tx = clean();
    tx.drain(25..29); // TRN, STC, REF, DTP of the first claim (positions 26-29)
    let r = check(&tx);
    assert!(has(&r, "277CA-CLAIM-TRN", 24, None), "{:#?}", show(&r));
}

#[test]
fn claim_needs_an_stc() {
    let mut tx = clean();
    tx.remove(26); // STC of the first claim (position 27)
    let r = check(&tx);
    assert!(has(&r, "277CA-CLAIM-STC", 26, None), "{:#?}", show(&r));
}

#[test]
fn status_category_must_be_a_known_code() {
    let mut tx = clean();
    set(&mut tx, 27, "STC*Z9:20*20240105*WQ*100");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-STC-CATEGORY", 27, Some(1)),
        "{:#?}",
        show(&r)
    );
    let mut tx = clean();
    set(&mut tx, 33, "STC*A7:21*20240105*U*200******A7:562*Q9:33");
    let r = check(&tx);
    assert!(
        has(&r, "277CA-STC-CATEGORY", 33, Some(11)),
        "{:#?}",
        show(&r)
    );
    assert!(
        !has(&r, "277CA-STC-CATEGORY", 33, Some(10)),
        "{:#?}",
        show(&r)
    );
}

#[test]
fn status_date_is_valid_and_not_after_bht04() {
    let mut tx = clean();
    set(&mut tx, 27, "STC*A2:20*20240106*WQ*100");
    let r = check(&tx);
    assert!(has(&r, "277CA-STC-DATE", 27, Some(2)), "{:#?}", show(&r));
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "277CA-STC-DATE")
        .unwrap();
    assert!(f.message.contains("BHT04"), "{}", f.message);
    // The 2200B STC is checked too; an impossible date is reported by the rule (and by the
    // element table as EL-DATE).
    let mut tx = clean();
    set(&mut tx, 11, "STC*A1:20*20240231*WQ*300");
    let r = check(&tx);
    assert!(has(&r, "277CA-STC-DATE", 11, Some(2)), "{:#?}", show(&r));
}

#[test]
fn shared_samples() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/x12_samples/herophilus_assets"
    );
    let read = |n: &str| {
        let p = format!("{dir}/{n}");
        validate_bytes(&std::fs::read(&p).expect(&p), &Options::default())
    };
    let ours = |r: &Report| {
        r.findings
            .iter()
            .filter(|f| f.rule.starts_with("277CA-"))
            .map(|f| (f.rule, f.location.position))
            .collect::<Vec<_>>()
    };
    assert_eq!(ours(&read("277CA_Sample_Accepted.txt")), vec![]);
    // The rejected sample's only claim is A7 (rejected), yet its 2200B reports it as accepted
    // (QTY*90*1, AMT*YU*199.14) and sends no QTY*AA/AMT*YY.
    assert_eq!(
        ours(&read("277CA_Sample_Rejected.txt")),
        vec![
            ("277CA-QTY-ACCEPTED", Some(12)),
            ("277CA-AMT-ACCEPTED", Some(13))
        ]
    );
}

#[test]
fn mutated_277ca_never_panics() {
    let base = clean();
    for i in 0..base.len() {
        let mut t = base.clone();
        t.remove(i);
        check(&t);
        let mut t = base.clone();
        t.insert(i, base[i].clone());
        check(&t);
        for cut in 0..base[i].len() {
            let mut t = base.clone();
            t[i] = base[i][..cut].to_string();
            check(&t);
        }
        let mut t = base.clone();
        t[i] = format!("{}*99999999999999999999*:*-*20241399", base[i]);
        check(&t);
    }
}
