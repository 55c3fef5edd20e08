//! Element tables of the rarely sent 837I (005010X223A2) segments, transcribed from the pyx12
//! map: a hand-made claim using them is clean, and wrong code values, over-long or not-used
//! elements in them are reported with the rule, the segment position (ST = 1) and the element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use common::{set, show};
use rcm_x12::validate::Report;

/// A secondary outpatient claim whose 2300, 2310A, 2320, 2330C/I and 2400 loops carry the
/// segments described from the pyx12 map. Positions in comments (ST = 1).
fn clean() -> Vec<String> {
    [
        "ST*837*0001*005010X223A2",                        // 1
        "BHT*0019*00*B1*20261120*1200*CH",                 // 2
        "NM1*41*2*OPENRCM DEMO PRACTICE*****46*SUB123456", // 3
        "PER*IC*BILLING DESK*TE*5555550100",               // 4
        "NM1*40*2*DEMO CLEARINGHOUSE*****46*RCV654321",    // 5
        "HL*1**20*1",                                      // 6
        "PRV*BI*PXC*282N00000X",                           // 7
        "CUR*85*USD",                                      // 8
        "NM1*85*2*DEMO MEDICAL GROUP*****XX*1863711853",   // 9
        "N3*3053 MAIN ST",                                 // 10
        "N4*DENVER*CO*802023346",                          // 11
        "REF*EI*948788412",                                // 12
        "NM1*PE*2*DEMO PLAN*****PI*PLAN01",                // 13
        "N3*1 PLAN WAY",                                   // 14
        "N4*DENVER*CO*802023346",                          // 15
        "REF*EI*123456789",                                // 16
        "HL*2*1*22*0",                                     // 17
        "SBR*S*18*G12345******MC",                         // 18
        "NM1*IL*1*ROSSI*JOHN****MI*M498931586",            // 19
        "N3*6110 MAIN ST",                                 // 20
        "N4*DENVER*CO*80202",                              // 21
        "DMG*D8*19720904*M",                               // 22
        "NM1*PR*2*DEMO PAYER*****PI*PAYER01",              // 23
        "CLM*PCN00100001*100***13:A:1**A*Y*Y",             // 24
        "DTP*434*RD8*20260411-20260411",                   // 25
        "CL1*1*7*01",                                      // 26
        "PWK*OZ*BM***AC*CTRL123",                          // 27
        "CN1*02*550*0.5*CONTRACT9",                        // 28
        "K3*FIXED FORMAT TEXT",                            // 29
        "NTE*ADD*BILLING NOTE",                            // 30
        "CRC*ZZ*Y*AV",                                     // 31
        "HI*ABK:M545",                                     // 32
        "HI*ABJ:R51",                                      // 33
        "HI*APR:R51",                                      // 34
        "HI*ABN:W010XXA",                                  // 35
        "HI*DR:470",                                       // 36
        "HI*ABF:F419:::::::Y*ABF:I10",                     // 37
        "HI*BBR:0DTJ4ZZ:D8:20260411",                      // 38
        "HI*BBQ:0DTJ4ZZ:D8:20260411",                      // 39
        "HI*BI:70:RD8:20260401-20260405",                  // 40
        "HI*BH:11:D8:20260401",                            // 41
        "HI*BE:80:::3",                                    // 42
        "HI*BG:01",                                        // 43
        "HI*TC:T1",                                        // 44
        "HCP*00*100",                                      // 45
        "NM1*71*1*NGUYEN*MARIA****XX*1532516576",          // 46
        "PRV*AT*PXC*207Q00000X",                           // 47
        "SBR*P*18*G999******CI",                           // 48
        "CAS*CO*45*20",                                    // 49
        "AMT*D*80",                                        // 50
        "OI***Y***Y",                                      // 51
        "MOA***MA01",                                      // 52
        "NM1*IL*1*ROSSI*JOHN****MI*M498931586",            // 53
        "NM1*PR*2*PRIMARY PAYER*****PI*PRIM01",            // 54
        "NM1*71*1",                                        // 55
        "REF*G2*ATT123",                                   // 56
        "NM1*85*2",                                        // 57
        "REF*G2*BILL1",                                    // 58
        "LX*1",                                            // 59
        "SV2*0250*HC:36415*100*UN*3",                      // 60
        "PWK*OZ*BM***AC*CTRL124",                          // 61
        "DTP*472*D8*20260411",                             // 62
        "NTE*TPO*THIRD PARTY NOTE",                        // 63
        "HCP*00*100",                                      // 64
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn check(tx: &[String]) -> Report {
    common::check_in(common::ENV_837I, tx)
}

fn has(r: &Report, rule: &str, pos: usize, el: usize, comp: Option<usize>) -> bool {
    r.findings.iter().any(|f| {
        f.rule == rule
            && f.location.position == Some(pos)
            && f.location.element == Some(el)
            && f.location.component == comp
    })
}

#[test]
fn hand_made_837i_with_rare_segments_is_clean() {
    let r = check(&clean());
    assert!(r.findings.is_empty(), "{:#?}", show(&r));
}

#[test]
fn wrong_codes_in_newly_described_segments() {
    let mut tx = clean();
    set(&mut tx, 28, "CN1*07*550"); // CN101 not a contract type code of the guide
    set(&mut tx, 31, "CRC*ZZ*X*AV"); // CRC02 Y/N only
    set(&mut tx, 45, "HCP*15*100"); // HCP01 pricing methodology 00-14
    set(&mut tx, 47, "PRV*PE*PXC*207Q00000X"); // 2310A PRV01 must be AT
    set(&mut tx, 55, "NM1*71*2"); // 2330C NM102 person only
    set(&mut tx, 56, "REF*EI*ATT123"); // 2330C REF01 0B, 1G, G2, LU
    set(&mut tx, 63, "NTE*ADD*THIRD PARTY NOTE"); // 2400 NTE01 is TPO
    set(&mut tx, 30, "NTE*XYZ*BILLING NOTE"); // 2300 NTE01 neither claim nor billing note
    let r = check(&tx);
    for (pos, el) in [
        (28, 1),
        (31, 2),
        (45, 1),
        (47, 1),
        (55, 2),
        (56, 1),
        (63, 1),
        (30, 1),
    ] {
        assert!(
            has(&r, "EL-CODE", pos, el, None),
            "{pos}/{el}: {:#?}",
            show(&r)
        );
    }
    // HI variants are told apart by their first qualifier: an Occurrence HI carrying a Value
    // code qualifier in its second composite is reported at that component.
    let mut tx = clean();
    set(&mut tx, 41, "HI*BH:11:D8:20260401*BE:80:::3");
    let r = check(&tx);
    assert!(has(&r, "EL-CODE", 41, 2, Some(1)), "{:#?}", show(&r));
}

#[test]
fn over_long_elements_in_newly_described_segments() {
    let long = "X".repeat(81);
    let mut tx = clean();
    set(&mut tx, 29, &format!("K3*{long}")); // K301 AN 1-80
    set(&mut tx, 30, &format!("NTE*ADD*{long}")); // NTE02 AN 1-80
    set(&mut tx, 52, &format!("MOA***{}", "M".repeat(51))); // MOA03 AN 1-50
    set(&mut tx, 8, "CUR*85*USDX"); // CUR02 ID 3-3
    set(&mut tx, 27, &format!("PWK*OZ*BM***AC*{long}")); // PWK06 AN 2-80
    let r = check(&tx);
    for (pos, el) in [(29, 1), (30, 2), (52, 3), (8, 2), (27, 6)] {
        assert!(
            has(&r, "EL-TOO-LONG", pos, el, None),
            "{pos}/{el}: {:#?}",
            show(&r)
        );
    }
}

#[test]
fn not_used_elements_in_newly_described_segments() {
    let mut tx = clean();
    set(&mut tx, 13, "NM1*PE*2*DEMO PLAN*JOHN****PI*PLAN01"); // 2010AC NM104 not used
    set(&mut tx, 61, "PWK*OZ*BM*2**AC*CTRL124"); // PWK03 not used
    set(&mut tx, 42, "HI*BE:80:D8::3"); // value code HI01-3 not used
    set(&mut tx, 33, "HI*ABJ:R51:::::::Y"); // admitting diagnosis has no POA indicator
    set(&mut tx, 57, "NM1*85*2*BILLING GROUP"); // 2330I NM103 not used
    let r = check(&tx);
    assert!(has(&r, "EL-NOT-USED", 13, 4, None), "{:#?}", show(&r));
    assert!(has(&r, "EL-NOT-USED", 61, 3, None), "{:#?}", show(&r));
    assert!(has(&r, "EL-NOT-USED", 42, 1, Some(3)), "{:#?}", show(&r));
    assert!(
        has(&r, "EL-TOO-MANY-COMPONENTS", 33, 1, Some(3)),
        "{:#?}",
        show(&r)
    );
    assert!(has(&r, "EL-NOT-USED", 57, 3, None), "{:#?}", show(&r));
}

#[test]
fn required_elements_of_newly_described_segments() {
    let mut tx = clean();
    set(&mut tx, 40, "HI*BI:70"); // occurrence span needs RD8 and the range
    set(&mut tx, 45, "HCP*00"); // HCP02 repriced allowed amount
    let r = check(&tx);
    assert!(has(&r, "EL-REQUIRED", 40, 1, Some(3)), "{:#?}", show(&r));
    assert!(has(&r, "EL-REQUIRED", 40, 1, Some(4)), "{:#?}", show(&r));
    assert!(has(&r, "EL-REQUIRED", 45, 2, None), "{:#?}", show(&r));
}
