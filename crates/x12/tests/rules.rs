//! Validator rules on documents written by the crate and then broken one rule at a time: each
//! finding must name the right rule, segment and element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::finding::Severity;
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, Report, validate_bytes};

use common::{join_segments as join, set_el, split_segments as split};

mod common;

fn p837(seed: u64, kind: ClaimKind) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let t = synth::claim_transaction(&mut rng, kind, 1, 4);
    let b = synth::claim_interchange(&[t], 1).unwrap();
    split(&b)
}

fn r835(seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let r = synth::remittance(&mut rng, 1, 4);
    split(&synth::remit_interchange(&[r], 1).unwrap())
}

fn check(segs: &[String]) -> Report {
    validate_bytes(&join(segs), &Options::default())
}

fn has(r: &Report, rule: &str, seg: u64, el: Option<usize>) -> bool {
    r.findings.iter().any(|f| {
        f.rule == rule
            && f.location.segment_number == seg
            && (el.is_none() || f.location.element == el)
    })
}

fn show(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.to_string()).collect()
}

#[test]
fn generated_documents_are_clean() {
    for seed in 0..30 {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let r = check(&p837(seed, kind));
            assert!(
                r.findings.is_empty(),
                "seed {seed} {kind:?}: {:#?}",
                show(&r)
            );
        }
        let r = check(&r835(seed));
        assert!(r.findings.is_empty(), "835 seed {seed}: {:#?}", show(&r));
    }
}

#[test]
fn claim_total_must_equal_line_charges() {
    let mut s = p837(1, ClaimKind::Professional);
    let n = set_el(&mut s, "CLM*", 2, "99999.99");
    let r = check(&s);
    assert!(has(&r, "837-CLAIM-TOTAL", n, Some(2)), "{:#?}", show(&r));
}

#[test]
fn npi_check_digit() {
    let mut s = p837(2, ClaimKind::Professional);
    let n = set_el(&mut s, "NM1*85*", 9, "1234567890");
    let r = check(&s);
    assert!(has(&r, "NPI-CHECK-DIGIT", n, Some(9)), "{:#?}", show(&r));
    // A valid one passes: 1234567893 is the CMS example.
    set_el(&mut s, "NM1*85*", 9, "1234567893");
    assert!(
        !check(&s)
            .findings
            .iter()
            .any(|f| f.rule == "NPI-CHECK-DIGIT")
    );
}

#[test]
fn diagnosis_pointer_beyond_hi() {
    let mut s = p837(3, ClaimKind::Professional);
    let n = set_el(&mut s, "SV1*", 7, "1:13");
    let r = check(&s);
    assert!(
        has(&r, "837-DX-POINTER", n, Some(7)) || has(&r, "EL-CODE", n, Some(7)),
        "{:#?}",
        show(&r)
    );
    let mut s = p837(3, ClaimKind::Professional);
    let n = set_el(&mut s, "SV1*", 7, "9");
    let r = check(&s);
    // 9 is a legal pointer value but this claim may have fewer diagnoses.
    let hi = s
        .iter()
        .find(|x| x.starts_with("HI*"))
        .unwrap()
        .matches(':')
        .count();
    if hi < 9 {
        assert!(has(&r, "837-DX-POINTER", n, Some(7)), "{:#?}", show(&r));
    }
}

#[test]
fn code_values_of_the_guide() {
    let cases: &[(&str, usize, &str)] = &[
        ("SBR*", 9, "XX"),
        ("N4*", 2, "ZZ"),
        ("CLM*", 5, "98:B:1"),
        ("SV1*", 3, "DA"),
        ("DMG*", 3, "X"),
    ];
    for (prefix, el, value) in cases {
        let mut s = p837(4, ClaimKind::Professional);
        let n = set_el(&mut s, prefix, *el, value);
        let r = check(&s);
        assert!(
            r.findings.iter().any(|f| f.rule == "EL-CODE"
                && f.location.segment_number == n
                && f.location.element == Some(*el)),
            "{prefix}{el}={value}: {:#?}",
            show(&r)
        );
    }
}

#[test]
fn element_types_lengths_and_dates() {
    let mut s = p837(5, ClaimKind::Professional);
    let n = set_el(&mut s, "BHT*", 4, "20261340");
    assert!(has(&check(&s), "EL-DATE", n, Some(4)));
    let mut s = p837(5, ClaimKind::Professional);
    let n = set_el(&mut s, "CLM*", 2, "12.3X");
    assert!(has(&check(&s), "EL-NUMERIC", n, Some(2)));
    let mut s = p837(5, ClaimKind::Professional);
    let n = set_el(&mut s, "CLM*", 1, &"A".repeat(39));
    assert!(has(&check(&s), "EL-TOO-LONG", n, Some(1)));
    let mut s = p837(5, ClaimKind::Professional);
    let n = set_el(&mut s, "DTP*472*", 3, "20260231");
    assert!(has(&check(&s), "DTP-DATE", n, Some(3)));
    let mut s = p837(5, ClaimKind::Professional);
    let n = set_el(&mut s, "BHT*", 5, "2561");
    assert!(has(&check(&s), "EL-TIME", n, Some(5)));
}

#[test]
fn missing_required_segment_and_element() {
    let mut s = p837(6, ClaimKind::Professional);
    let i = s.iter().position(|x| x.starts_with("REF*EI")).unwrap();
    s.remove(i);
    let n = s.len() - 3; // SE in the shortened file... position reported at the next segment of the loop
    let r = check(&s);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "SEG-REQUIRED" && f.message.contains("REF")),
        "{:#?}",
        show(&r)
    );
    let _ = n;
    let mut s = p837(6, ClaimKind::Professional);
    let n = set_el(&mut s, "NM1*41*", 3, "");
    assert!(has(&check(&s), "EL-REQUIRED", n, Some(3)));
}

#[test]
fn hl_structure() {
    let mut s = p837(7, ClaimKind::Professional);
    let n = set_el(&mut s, "HL*2*", 2, "9");
    let r = check(&s);
    assert!(has(&r, "HL-PARENT", n, Some(2)), "{:#?}", show(&r));
    let mut s = p837(7, ClaimKind::Professional);
    let n = set_el(&mut s, "HL*1*", 4, "0");
    assert!(has(&check(&s), "HL-CHILD-CODE", n, Some(4)));
}

#[test]
fn situational_subscriber_relationship() {
    // Find a seed where the first subscriber is the patient (SBR02 = 18) and drop SBR02.
    for seed in 0..50 {
        let mut s = p837(seed, ClaimKind::Professional);
        let sbr = s.iter().position(|x| x.starts_with("SBR*")).unwrap();
        if s[sbr].split('*').nth(2) == Some("18") {
            let n = set_el(&mut s, "SBR*", 2, "");
            let r = check(&s);
            assert!(has(&r, "837-SBR02-SELF", n, Some(2)), "{:#?}", show(&r));
            return;
        }
    }
    panic!("no seed with the subscriber as patient");
}

#[test]
fn replacement_claim_requires_f8() {
    let mut s = p837(8, ClaimKind::Professional);
    let clm = s.iter().position(|x| x.starts_with("CLM*")).unwrap();
    s[clm] = s[clm].replace(":B:1*", ":B:7*");
    let r = check(&s);
    assert!(
        has(&r, "837-F8-REQUIRED", clm as u64 + 1, Some(5)),
        "{:#?}",
        show(&r)
    );
}

#[test]
fn remit_balancing_service_claim_transaction() {
    let mut s = r835(9);
    let n = set_el(&mut s, "SVC*", 3, "1.00");
    let r = check(&s);
    assert!(has(&r, "835-SERVICE-BALANCE", n, None), "{:#?}", show(&r));
    let clp = s.iter().position(|x| x.starts_with("CLP*")).unwrap() as u64 + 1;
    assert!(has(&r, "835-CLAIM-LINES", clp, None), "{:#?}", show(&r));
    let mut s = r835(9);
    let n = set_el(&mut s, "CLP*", 4, "1.00");
    let r = check(&s);
    assert!(has(&r, "835-CLAIM-BALANCE", n, None), "{:#?}", show(&r));
    let mut s = r835(9);
    let n = set_el(&mut s, "BPR*", 2, "1.00");
    let r = check(&s);
    assert!(
        has(&r, "835-TRANSACTION-BALANCE", n, Some(2)),
        "{:#?}",
        show(&r)
    );
    assert!(r.findings.iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn remit_adjustment_group_codes() {
    let mut s = r835(10);
    let n = set_el(&mut s, "CAS*", 1, "CR");
    let r = check(&s);
    // CR is valid in an 837 2320 but not in an 835.
    assert!(has(&r, "EL-CODE", n, Some(1)), "{:#?}", show(&r));
}

#[test]
fn findings_never_contain_member_ids_or_names() {
    let mut s = p837(11, ClaimKind::Professional);
    let member = s
        .iter()
        .find(|x| x.starts_with("NM1*IL*"))
        .unwrap()
        .split('*')
        .nth(9)
        .unwrap()
        .to_string();
    let last = s
        .iter()
        .find(|x| x.starts_with("NM1*IL*"))
        .unwrap()
        .split('*')
        .nth(3)
        .unwrap()
        .to_string();
    set_el(&mut s, "NM1*IL*", 8, "ZZ");
    set_el(&mut s, "NM1*IL*", 3, &format!("{last}\u{1}"));
    set_el(&mut s, "DMG*", 2, "19991399");
    let r = check(&s);
    assert!(r.findings.len() >= 2, "{:#?}", show(&r));
    for f in &r.findings {
        let t = f.to_string();
        assert!(
            !t.contains(&member) && !t.contains(&last) && !t.contains("19991399"),
            "PHI in: {t}"
        );
    }
}

#[test]
fn ack_999_rejects_a_bad_file_and_accepts_a_good_one() {
    use rcm_x12::model::ack999;
    use rcm_x12::{Date, SegmentReader};
    let good = check(&p837(12, ClaimKind::Professional));
    let ack = rcm_x12::validate::build_999(
        &good,
        5,
        Date {
            year: 2026,
            month: 11,
            day: 21,
        },
        "0900",
    )
    .unwrap()
    .unwrap();
    let segs: Vec<_> = SegmentReader::new(&ack)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let st = segs.iter().position(|s| s.is(b"ST")).unwrap();
    let se = segs.iter().position(|s| s.is(b"SE")).unwrap();
    let a = ack999::parse(&segs[st..=se]).unwrap();
    assert_eq!(a.group_status, "A");
    assert_eq!(a.transactions[0].status, "A");
    let mut s = p837(12, ClaimKind::Professional);
    set_el(&mut s, "CLM*", 2, "1X");
    let bad = check(&s);
    let ack = rcm_x12::validate::build_999(
        &bad,
        6,
        Date {
            year: 2026,
            month: 11,
            day: 21,
        },
        "0900",
    )
    .unwrap()
    .unwrap();
    let segs: Vec<_> = SegmentReader::new(&ack)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let st = segs.iter().position(|s| s.is(b"ST")).unwrap();
    let se = segs.iter().position(|s| s.is(b"SE")).unwrap();
    let a = ack999::parse(&segs[st..=se]).unwrap();
    assert_eq!(a.group_status, "R");
    let t = &a.transactions[0];
    assert_eq!(t.status, "R");
    assert_eq!(t.segment_errors[0].segment_id, "CLM");
    assert_eq!(t.segment_errors[0].elements[0].element, 2);
    assert_eq!(t.segment_errors[0].elements[0].code, "6");
    // Our own 999 validates clean.
    assert!(
        validate_bytes(&ack, &Options::default())
            .findings
            .is_empty()
    );
}

#[test]
fn cob_balancing_and_prior_payer() {
    // Find a secondary claim (has a 2320 SBR after CLM).
    for seed in 0..200 {
        let s = p837(seed, ClaimKind::Professional);
        let Some(amt) = s.iter().position(|x| x.starts_with("AMT*D*")) else {
            continue;
        };
        let mut bad = s.clone();
        bad[amt] = "AMT*D*0.01".into();
        let r = check(&bad);
        let sbr2320 = bad[..amt]
            .iter()
            .rposition(|x| x.starts_with("SBR*"))
            .unwrap() as u64
            + 1;
        assert!(
            has(&r, "837-COB-CLAIM-BALANCE", sbr2320, None),
            "{:#?}",
            show(&r)
        );
        // Remove the 2320..2330B block: a secondary claim without its prior payer.
        let mut bad = s.clone();
        let start = sbr2320 as usize - 1;
        let end = bad[start..]
            .iter()
            .position(|x| x.starts_with("LX*"))
            .unwrap()
            + start;
        bad.drain(start..end);
        // Fix SE01.
        let n = bad.iter().position(|x| x.starts_with("ST*")).unwrap();
        let se = bad.iter().position(|x| x.starts_with("SE*")).unwrap();
        let cnt = (se - n + 1).to_string();
        set_el(&mut bad, "SE*", 1, &cnt);
        let r = check(&bad);
        if r.findings.iter().any(|f| f.rule == "837-COB-PRIOR-PAYER") {
            return;
        }
    }
    panic!("no secondary claim with subscriber SBR01 = S found");
}

#[test]
fn inpatient_institutional_requires_admission_data() {
    for seed in 0..200 {
        let mut s = p837(seed, ClaimKind::Institutional);
        let Some(i) = s.iter().position(|x| x.starts_with("DTP*435*")) else {
            continue;
        };
        let clm = s[..i].iter().rposition(|x| x.starts_with("CLM*")).unwrap() as u64 + 1;
        s.remove(i);
        let n = s.iter().position(|x| x.starts_with("ST*")).unwrap();
        let se = s.iter().position(|x| x.starts_with("SE*")).unwrap();
        let cnt = (se - n + 1).to_string();
        set_el(&mut s, "SE*", 1, &cnt);
        let r = check(&s);
        assert!(has(&r, "837I-ADMISSION-DATE", clm, None), "{:#?}", show(&r));
        return;
    }
    panic!("no inpatient claim generated");
}

#[test]
fn denied_claim_cannot_be_paid() {
    let mut s = r835(13);
    let n = set_el(&mut s, "CLP*", 2, "4");
    let r = check(&s);
    assert!(has(&r, "835-DENIED-PAID", n, Some(4)), "{:#?}", show(&r));
}

#[test]
fn service_date_after_creation() {
    let mut s = p837(14, ClaimKind::Professional);
    let n = set_el(&mut s, "DTP*472*", 3, "20291231");
    let r = check(&s);
    assert!(has(&r, "837-FUTURE-SERVICE", n, Some(3)), "{:#?}", show(&r));
}

#[test]
fn a_claim_segment_sent_after_the_service_lines_is_out_of_order() {
    // AMT*F5 (patient amount paid) belongs to the 837P's loop 2300, before its 2310/2400 loops
    // (the 837I's 2400 has an AMT of its own, so the same segment there is a bad 2400 AMT).
    {
        let kind = ClaimKind::Professional;
        let mut segs = p837(7, kind);
        let se = segs.iter().position(|s| s.starts_with("SE*")).unwrap();
        segs.insert(se, "AMT*F5*10".into());
        let n = segs
            .iter()
            .filter(|s| !s.starts_with("ISA") && !s.starts_with("GS*"))
            .count();
        let st = segs.iter().position(|s| s.starts_with("ST*")).unwrap();
        let pos = (se - st + 1) as u64;
        // SE counts the segments; keep it right so only the order is wrong.
        let se_now = se + 1;
        let count = se_now - st + 1;
        set_el(&mut segs, "SE*", 1, &count.to_string());
        let r = check(&segs);
        assert!(
            r.findings
                .iter()
                .any(|f| f.rule == "SEG-ORDER" && f.location.segment_id == "AMT"),
            "{kind:?} ({n} segments, AMT at {pos}): {:#?}",
            show(&r)
        );
        assert!(
            r.findings.iter().all(|f| f.rule == "SEG-ORDER"),
            "{kind:?}: nothing else is wrong: {:#?}",
            show(&r)
        );
    }
    // The 835's PLB comes after the claims by design: no finding.
    let mut segs = r835(3);
    if !segs.iter().any(|s| s.starts_with("PLB*")) {
        let se = segs.iter().position(|s| s.starts_with("SE*")).unwrap();
        segs.insert(se, "PLB*1234567890*20261231*WO:INV1*0".into());
        let st = segs.iter().position(|s| s.starts_with("ST*")).unwrap();
        set_el(&mut segs, "SE*", 1, &(se + 1 - st + 1).to_string());
    }
    let r = check(&segs);
    assert!(
        !r.findings.iter().any(|f| f.rule == "SEG-ORDER"),
        "{:#?}",
        show(&r)
    );
}
