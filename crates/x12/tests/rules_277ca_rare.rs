//! Element tables of the 277CA (005010X214) segments that used to be checked for presence only
//! (2200B STC, 2100C and 2100D NM1, 2200C REF, 2220D SVC/STC/REF/DTP), transcribed from the
//! pyx12 map: a hand-made acknowledgment using them is clean, and wrong code values, over-long,
//! not-used or missing elements in them are reported with the rule, the segment position
//! (ST = 1), the loop and the element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use common::show;
use rcm_x12::validate::Report;

/// One receiver, one provider, one rejected claim with a rejected service line. Positions in
/// comments (ST = 1).
fn clean() -> Vec<String> {
    [
        "ST*277*0001*005010X214",                      // 1
        "BHT*0085*08*BATCH1*20240105*1200*TH",         // 2
        "HL*1**20*1",                                  // 3
        "NM1*PR*2*PAYER*****PI*12345",                 // 4
        "TRN*1*TRACE1",                                // 5
        "DTP*050*D8*20240104",                         // 6
        "DTP*009*D8*20240105",                         // 7
        "HL*2*1*21*1",                                 // 8
        "NM1*41*2*SUBMITTER*****46*SUB1",              // 9
        "TRN*2*BATCH1",                                // 10
        "STC*A1:19:PR*20240105*WQ*300",                // 11 2200B STC
        "QTY*AA*1",                                    // 12
        "AMT*YY*300",                                  // 13
        "HL*3*2*19*1",                                 // 14
        "NM1*85*1*NGUYEN*MARIA*T*DR*MD*XX*1234567893", // 15 2100C NM1
        "TRN*1*PROV1",                                 // 16
        "STC*A1:19:PR**WQ*300",                        // 17 2200C STC (no date)
        "REF*TJ*123456789",                            // 18 2200C REF
        "HL*4*3*PT",                                   // 19
        "NM1*QC*1*DOE*JANE*Q*MS*JR*MI*M1",             // 20 2100D NM1
        "TRN*2*PCN1",                                  // 21
        "STC*A3:21*20240105*U*300",                    // 22
        "REF*1K*PAYERCLAIM1",                          // 23
        "DTP*472*D8*20240101",                         // 24
        "SVC*HC:99213:25*300*****1",                   // 25 2220D SVC
        "STC*A3:21:82*20240105*U*******A3:122",        // 26 2220D STC
        "REF*FJ*LINE1",                                // 27 line item control number
        "REF*XZ*RX1",                                  // 28 prescription number
        "DTP*472*D8*20240101",                         // 29 2220D DTP
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn check(tx: &[String]) -> Report {
    common::check_in(common::ENV_277CA, tx)
}

/// Applies the changes, validates, and asserts each `(pos, loop, element, component)` is
/// reported under `rule` and that nothing but element findings came out.
fn expect(rule: &str, changes: &[(usize, &str)], want: &[(usize, &str, usize, Option<usize>)]) {
    common::expect_element_findings(common::ENV_277CA, clean(), rule, changes, want);
}

#[test]
fn hand_made_277ca_with_service_lines_is_clean() {
    let r = check(&clean());
    assert!(r.findings.is_empty(), "{:#?}", show(&r));
    assert_eq!(r.transactions[0].status(), "A");
}

#[test]
fn wrong_codes_in_newly_described_segments() {
    expect(
        "EL-CODE",
        &[
            (11, "STC*A1:19:QC*20240105*WQ*300"), // 2200B STC01-3 36, 40, 41, AY, PR
            (15, "NM1*85*1*NGUYEN*MARIA****MI*1234567893"), // 2100C NM108 FI, SV, XX
            (18, "REF*1K*123456789"),             // 2200C REF01 provider identifiers
            (20, "NM1*QC*2*DOE*JANE****MI*M1"),   // 2100D NM102 person only
            (25, "SVC*ZZ:99213*300"),             // SVC01-1 procedure qualifiers
            (26, "STC*A3:21:ZZ*20240105*WQ"),     // 2220D STC01-3 entity, STC03 U only
            (27, "REF*ZZ*LINE1"),                 // 2220D REF01 FJ or XZ
            (29, "DTP*472*DT*20240101"),          // DTP02 D8 or RD8
        ],
        &[
            (11, "2200B", 1, Some(3)),
            (15, "2100C", 8, None),
            (18, "2200C", 1, None),
            (20, "2100D", 2, None),
            (25, "2220D", 1, Some(1)),
            (26, "2220D", 1, Some(3)),
            (26, "2220D", 3, None),
            (27, "2220D", 1, None),
            (29, "2220D", 2, None),
        ],
    );
    // A service line date with another qualifier stays in the line and is reported there.
    expect(
        "EL-CODE",
        &[(29, "DTP*150*D8*20240101")],
        &[(29, "2220D", 1, None)],
    );
}

#[test]
fn over_long_elements_in_newly_described_segments() {
    let x = |n: usize| "X".repeat(n);
    let changes = [
        (11, format!("STC*A1:{}*20240105*WQ*300", x(31))), // STC01-2 AN 1-30
        (15, format!("NM1*85*2*{}*****XX*1234567893", x(61))), // NM103 AN 1-60
        (18, format!("REF*TJ*{}", x(51))),                 // REF02 AN 1-50
        (20, format!("NM1*QC*1*DOE*JANE****MI*{}", x(81))), // NM109 AN 2-80
        (25, format!("SVC*HC:99213*300**{}", x(49))),      // SVC04 AN 1-48
        (26, format!("STC*A3:21*20240105*{}", "UUU")),     // STC03 ID 1-2
        (27, format!("REF*FJ*{}", x(51))),                 // REF02 AN 1-50
        (28, format!("REF*XZ*{}", x(51))),                 // REF02 AN 1-50
    ];
    let changes: Vec<(usize, &str)> = changes.iter().map(|(p, s)| (*p, s.as_str())).collect();
    expect(
        "EL-TOO-LONG",
        &changes,
        &[
            (11, "2200B", 1, Some(2)),
            (15, "2100C", 3, None),
            (18, "2200C", 2, None),
            (20, "2100D", 9, None),
            (25, "2220D", 4, None),
            (26, "2220D", 3, None),
            (27, "2220D", 2, None),
            (28, "2220D", 2, None),
        ],
    );
    // SVC07 R 1-15.
    expect(
        "EL-TOO-LONG",
        &[(25, "SVC*HC:99213*300*****1234567890123456")],
        &[(25, "2220D", 7, None)],
    );
}

#[test]
fn not_used_elements_in_newly_described_segments() {
    expect(
        "EL-NOT-USED",
        &[
            (11, "STC*A1:19:PR*20240105*WQ*300*300"),     // 2200B STC05
            (15, "NM1*85*2*CLINIC*****XX*1234567893*01"), // 2100C NM110
            (18, "REF*TJ*123456789*DESCRIPTION"),         // 2200C REF03
            (20, "NM1*QC*1*DOE*JANE****MI*M1*01"),        // 2100D NM110
            (25, "SVC*HC:99213*300*250"),                 // SVC03
            (26, "STC*A3:21*20240105*U*300"),             // 2220D STC04
            (28, "REF*XZ*RX1*DESCRIPTION"),               // REF03
        ],
        &[
            (11, "2200B", 5, None),
            (15, "2100C", 10, None),
            (18, "2200C", 3, None),
            (20, "2100D", 10, None),
            (25, "2220D", 3, None),
            (26, "2220D", 4, None),
            (28, "2220D", 3, None),
        ],
    );
    // STC12 (free-form message) is used at the claim level only.
    expect(
        "EL-NOT-USED",
        &[
            (11, "STC*A1:19:PR*20240105*WQ*300********NOTE"),
            (26, "STC*A3:21*20240105*U*********NOTE"),
        ],
        &[(11, "2200B", 12, None), (26, "2220D", 12, None)],
    );
}

#[test]
fn required_elements_of_newly_described_segments() {
    expect(
        "EL-REQUIRED",
        &[
            (11, "STC*A1:19:PR*20240105"), // 2200B STC03, STC04
            (15, "NM1*85*2*CLINIC"),       // NM108, NM109
            (18, "REF*TJ"),                // REF02
            (20, "NM1*QC*1"),              // NM103, NM108, NM109
            (25, "SVC*HC:99213"),          // SVC02
            (26, "STC*A3:21*20240105"),    // 2220D STC03
            (29, "DTP*472"),               // DTP02, DTP03
        ],
        &[
            (11, "2200B", 3, None),
            (11, "2200B", 4, None),
            (15, "2100C", 8, None),
            (15, "2100C", 9, None),
            (18, "2200C", 2, None),
            (20, "2100D", 3, None),
            (20, "2100D", 8, None),
            (20, "2100D", 9, None),
            (25, "2220D", 2, None),
            (26, "2220D", 3, None),
            (29, "2220D", 2, None),
            (29, "2220D", 3, None),
        ],
    );
}

#[test]
fn line_reference_variants_keep_their_own_repeats() {
    let mut tx = clean();
    tx.insert(27, "REF*FJ*LINE2".to_string()); // position 28, a second FJ
    let r = check(&tx);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "SEG-MAX-USE" && f.location.position == Some(28)),
        "{:#?}",
        show(&r)
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", show(&r));
}

/// The provider level (2200C) follows the guide as the pyx12 map has it: its STC carries no date
/// (STC02 not used) and its claim counts are QTY*QA / QTY*QC (90/AA belong to 2200B).
#[test]
fn provider_level_status_has_no_date_and_counts_with_qa_qc() {
    let mut tx = clean();
    tx[16] = "STC*A1:19:PR*20240105*WQ*300".into();
    let r = check(&tx);
    let f: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.location.position, f.location.element))
        .collect();
    assert_eq!(f, vec![("EL-NOT-USED", Some(17), Some(2))], "{f:?}");

    let mut tx = clean();
    tx.insert(18, "QTY*QA*0".into());
    let r = check(&tx);
    assert!(r.is_clean(), "{:#?}", r.findings);
    let mut tx = clean();
    tx.insert(18, "QTY*90*0".into());
    let r = check(&tx);
    let f: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.location.position, f.location.element))
        .collect();
    assert_eq!(f, vec![("EL-CODE", Some(19), Some(1))], "{f:?}");
}
