//! Element tables of the rarely sent 837P (005010X222A1) segments, transcribed from the pyx12
//! map: a hand-made claim using them is clean, and wrong code values, over-long, not-used or
//! missing elements in them are reported with the rule, the segment position (ST = 1), the loop
//! and the element.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use common::{has_at as has, set, show};
use rcm_x12::validate::Report;

/// A secondary claim for a dependent whose 2010BA, 2010CA, 2300, 2310E/F, 2320, 2330C-G, 2400,
/// 2420G/H and 2440 loops carry every segment described from the pyx12 map. Positions in
/// comments (ST = 1).
fn clean() -> Vec<String> {
    [
        "ST*837*0001*005010X222A1",                        // 1
        "BHT*0019*00*B1*20261120*1200*CH",                 // 2
        "NM1*41*2*OPENRCM DEMO PRACTICE*****46*SUB123456", // 3
        "PER*IC*BILLING DESK*TE*5555550100",               // 4
        "NM1*40*2*DEMO CLEARINGHOUSE*****46*RCV654321",    // 5
        "HL*1**20*1",                                      // 6
        "NM1*85*2*DEMO MEDICAL GROUP*****XX*1863711853",   // 7
        "N3*3053 MAIN ST",                                 // 8
        "N4*DENVER*CO*802023346",                          // 9
        "REF*EI*948788412",                                // 10
        "HL*2*1*22*1",                                     // 11
        "SBR*S********CI",                                 // 12
        "NM1*IL*1*ROSSI*JOHN****MI*M498931586",            // 13
        "N3*6110 MAIN ST",                                 // 14
        "N4*DENVER*CO*80202",                              // 15
        "REF*Y4*PC123456",                                 // 16
        "PER*IC*CLAIMS DESK*TE*5555550101*EX*12",          // 17 2010BA PER
        "NM1*PR*2*DEMO PAYER*****PI*PAYER01",              // 18
        "HL*3*2*23*0",                                     // 19
        "PAT*19",                                          // 20
        "NM1*QC*1*ROSSI*MARIA",                            // 21
        "N3*6110 MAIN ST",                                 // 22
        "N4*DENVER*CO*80202",                              // 23
        "DMG*D8*20100101*F",                               // 24
        "PER*IC*MARIA*TE*5555550102",                      // 25 2010CA PER
        "CLM*PCN00100001*100***11:B:1*Y*A*Y*Y",            // 26
        "CRC*07*Y*01*04",                                  // 27 ambulance certification
        "CRC*E1*Y*L1",                                     // 28 vision
        "CRC*75*Y*IH",                                     // 29 homebound
        "CRC*ZZ*Y*AV*NU",                                  // 30 EPSDT referral
        "HI*ABK:M545",                                     // 31
        "HI*BP:33400*BO:33401",                            // 32 anesthesia related procedure
        "HI*BG:01*BG:02",                                  // 33 condition information
        "HCP*00*100*80*REPRICER1*1.5*ARC1*20",             // 34
        "NM1*PW*2",                                        // 35 2310E
        "N3*1 PICKUP RD",                                  // 36
        "N4*DENVER*CO*80202",                              // 37
        "NM1*45*2*GENERAL HOSPITAL",                       // 38 2310F
        "N3*2 DROPOFF AVE",                                // 39
        "N4*DENVER*CO*80202",                              // 40
        "SBR*P*19*G999******CI",                           // 41 2320
        "CAS*CO*45*20",                                    // 42
        "AMT*D*80",                                        // 43
        "OI***Y***Y",                                      // 44
        "MOA***MA01",                                      // 45
        "NM1*IL*1*ROSSI*JOHN****MI*M498931586",            // 46 2330A
        "NM1*PR*2*PRIMARY PAYER*****PI*PRIM01",            // 47 2330B
        "NM1*DN*1",                                        // 48 2330C
        "REF*G2*REF123",                                   // 49
        "NM1*82*1",                                        // 50 2330D
        "REF*G2*REN123",                                   // 51
        "NM1*77*2",                                        // 52 2330E
        "REF*LU*FAC123",                                   // 53
        "NM1*DQ*1",                                        // 54 2330F
        "REF*G2*SUP123",                                   // 55
        "NM1*85*2",                                        // 56 2330G
        "REF*G2*BILL1",                                    // 57
        "LX*1",                                            // 58
        "SV1*HC:E0601*100*UN*1***1",                       // 59
        "SV5*HC:E0601*DA*30*100*120*4",                    // 60
        "CR3*R*MO*12",                                     // 61
        "CRC*07*Y*01",                                     // 62 ambulance certification
        "CRC*70*N*65",                                     // 63 hospice employee
        "CRC*09*Y*38*ZV",                                  // 64 DME condition
        "DTP*472*D8*20261110",                             // 65
        "QTY*PT*2",                                        // 66 ambulance patient count
        "QTY*FL*3",                                        // 67 obstetric anesthesia units
        "MEA*TR*R1*12.5",                                  // 68
        "NTE*ADD*LINE NOTE",                               // 69
        "NTE*TPO*THIRD PARTY NOTE",                        // 70
        "PS1*PSP123*50",                                   // 71
        "HCP*06*100*80**********T1*2*3",                   // 72
        "NM1*PW*2",                                        // 73 2420G
        "N3*1 PICKUP RD",                                  // 74
        "N4*DENVER*CO*80202",                              // 75
        "NM1*45*2*GENERAL HOSPITAL",                       // 76 2420H
        "N3*2 DROPOFF AVE",                                // 77
        "N4*DENVER*CO*80202",                              // 78
        "LQ*UT*04.03",                                     // 79 2440
        "FRM*1A*Y",                                        // 80
        "FRM*1C***20261101",                               // 81
        "FRM*5****50",                                     // 82
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn check(tx: &[String]) -> Report {
    common::check_in(common::ENV_837P, tx)
}

/// Applies the changes, validates, and asserts each `(pos, loop, element, component)` is
/// reported under `rule` and that nothing but element findings came out.
fn expect(rule: &str, changes: &[(usize, &str)], want: &[(usize, &str, usize, Option<usize>)]) {
    common::expect_element_findings(common::ENV_837P, clean(), rule, changes, want);
}

#[test]
fn hand_made_837p_with_rare_segments_is_clean() {
    let r = check(&clean());
    assert!(r.findings.is_empty(), "{:#?}", show(&r));
}

#[test]
fn wrong_codes_in_newly_described_segments() {
    expect(
        "EL-CODE",
        &[
            (17, "PER*IC*CLAIMS DESK*EM*DESK@EXAMPLE.COM"), // PER03 is TE only
            (25, "PER*IC*MARIA*TE*5555550102*FX*5555550103"), // PER05 is EX only
            (27, "CRC*07*X*01"),                            // CRC02 Y/N
            (28, "CRC*E2*Y*01"),                            // vision CRC03 L1-L5
            (29, "CRC*75*N*IH"),                            // homebound CRC02 is Y only
            (30, "CRC*ZZ*Y*AV*L1"),                         // EPSDT CRC04 AV, NU, S2, ST
            (32, "HI*BP:33400*BG:01"),                      // anesthesia HI02-1 is BO
            (33, "HI*BG:01*BO:02"),                         // condition HI02-1 is BG
            (34, "HCP*06*100"),                             // claim HCP01 has no 06
            (35, "NM1*PW*1"),                               // 2310E NM102 is 2
            (38, "NM1*45*1*GENERAL HOSPITAL"),              // 2310F NM102 is 2
            (49, "REF*LU*REF123"),                          // 2330C REF01 0B, 1G, G2
            (50, "NM1*82*3"),                               // 2330D NM102 1 or 2
            (53, "REF*1G*FAC123"),                          // 2330E REF01 0B, G2, LU
            (57, "REF*0B*BILL1"),                           // 2330G REF01 G2, LU
            (60, "SV5*HC:E0601*DA*30*100*120*2"),           // SV506 1, 4, 6
            (61, "CR3*X*MO*12"),                            // CR301 I, R, S
            (63, "CRC*70*N*38"),                            // hospice CRC03 is 65
            (64, "CRC*09*Y*01"),                            // DME CRC03 38, ZV
            (66, "QTY*ZZ*2"),                               // QTY01 PT or FL
            (68, "MEA*TR*ZZ*12.5"),                         // MEA02 HT, R1-R4
            (69, "NTE*XYZ*LINE NOTE"),                      // line NTE01 ADD, DCP, TPO
            (72, "HCP*06*100*80******UN"),                  // line HCP09 ER, HC, IV, WK
            (73, "NM1*PW*1"),                               // 2420G NM102 is 2
            (75, "N4*DENVER*XX*80202"),                     // 2420G N402 a state
            (79, "LQ*XX*04.03"),                            // LQ01 AS, UT
            (80, "FRM*1A*X"),                               // FRM02 N, W, Y
        ],
        &[
            (17, "2010BA", 3, None),
            (25, "2010CA", 5, None),
            (27, "2300", 2, None),
            (28, "2300", 3, None),
            (29, "2300", 2, None),
            (30, "2300", 4, None),
            (32, "2300", 2, Some(1)),
            (33, "2300", 2, Some(1)),
            (34, "2300", 1, None),
            (35, "2310E", 2, None),
            (38, "2310F", 2, None),
            (49, "2330C", 1, None),
            (50, "2330D", 2, None),
            (53, "2330E", 1, None),
            (57, "2330G", 1, None),
            (60, "2400", 6, None),
            (61, "2400", 1, None),
            (63, "2400", 3, None),
            (64, "2400", 3, None),
            (66, "2400", 1, None),
            (68, "2400", 2, None),
            (69, "2400", 1, None),
            (72, "2400", 9, None),
            (73, "2420G", 2, None),
            (75, "2420G", 2, None),
            (79, "2440", 1, None),
            (80, "2440", 2, None),
        ],
    );
    // MOA02 is numeric: a letter is reported as such, not as a code.
    let mut tx = clean();
    set(&mut tx, 45, "MOA*0.5*X*MA01");
    let r = check(&tx);
    assert!(
        has(&r, "EL-NUMERIC", 45, "2320", 2, None),
        "{:#?}",
        show(&r)
    );
}

#[test]
fn over_long_elements_in_newly_described_segments() {
    let x = |n: usize| "X".repeat(n);
    let digits = |n: usize| "9".repeat(n);
    let changes = [
        (17, format!("PER*IC*CLAIMS DESK*TE*{}", digits(257))), // PER04 AN 1-256
        (25, format!("PER*IC*{}*TE*5555550102", x(61))),        // PER02 AN 1-60
        (32, format!("HI*BP:{}", x(31))),                       // HI01-2 AN 1-30
        (34, format!("HCP*00*100*80*{}", x(51))),               // HCP04 AN 1-50
        (38, format!("NM1*45*2*{}", x(61))),                    // 2310F NM103 AN 1-60
        (45, format!("MOA***{}", x(51))),                       // MOA03 AN 1-50
        (53, format!("REF*LU*{}", x(51))),                      // 2330E REF02 AN 1-50
        (60, format!("SV5*HC:{}*DA*30*100*120*4", x(49))),      // SV501-2 AN 1-48
        (61, format!("CR3*R*MO*{}", digits(16))),               // CR303 R 1-15
        (66, format!("QTY*PT*{}", digits(16))),                 // QTY02 R 1-15
        (62, "CRC*07*Y*0101".to_string()),                      // CRC03 ID 2-3
        (70, format!("NTE*TPO*{}", x(81))),                     // NTE02 AN 1-80
        (71, format!("PS1*{}*50", x(51))),                      // PS101 AN 1-50
        (72, format!("HCP*06*100*80******HC*{}", x(49))),       // HCP10 AN 1-48
        (76, format!("NM1*45*2*{}", x(61))),                    // 2420H NM103 AN 1-60
        (79, format!("LQ*UT*{}", x(31))),                       // LQ02 AN 1-30
        (81, format!("FRM*1C**{}", x(51))),                     // FRM03 AN 1-50
        (82, format!("FRM*5****{}", digits(7))),                // FRM05 R 1-6
    ];
    let changes: Vec<(usize, &str)> = changes.iter().map(|(p, s)| (*p, s.as_str())).collect();
    expect(
        "EL-TOO-LONG",
        &changes,
        &[
            (17, "2010BA", 4, None),
            (25, "2010CA", 2, None),
            (32, "2300", 1, Some(2)),
            (34, "2300", 4, None),
            (38, "2310F", 3, None),
            (45, "2320", 3, None),
            (53, "2330E", 2, None),
            (60, "2400", 1, Some(2)),
            (61, "2400", 3, None),
            (66, "2400", 2, None),
            (62, "2400", 3, None),
            (70, "2400", 2, None),
            (71, "2400", 1, None),
            (72, "2400", 10, None),
            (76, "2420H", 3, None),
            (79, "2440", 2, None),
            (81, "2440", 3, None),
            (82, "2440", 5, None),
        ],
    );
}

#[test]
fn not_used_elements_in_newly_described_segments() {
    expect(
        "EL-NOT-USED",
        &[
            (17, "PER*IC*CLAIMS DESK*TE*5555550101*EX*12*FX*5555550199"), // PER07
            (29, "CRC*75*Y*IH*IH"),                                       // homebound CRC04
            (32, "HI*BP:33400*BO:33401*BO:33402"),                        // anesthesia HI03
            (34, "HCP*00*100*******HC"),                                  // claim HCP09
            (35, "NM1*PW*2*PICKUP POINT"),                                // 2310E NM103
            (48, "NM1*DN*1*DOE"),                                         // 2330C NM103
            (52, "NM1*77*2******XX*1863711853"),                          // 2330E NM108
            (57, "REF*G2*BILL1*DESCRIPTION"),                             // 2330G REF03
            (60, "SV5*HC:E0601*DA*30*100*120*4*Y"),                       // SV507
            (61, "CR3*R*MO*12*Y"),                                        // CR304
            (64, "CRC*09*Y*38*ZV*38"),                                    // DME CRC05
            (66, "QTY*PT*2*UN"),                                          // QTY03
            (68, "MEA*TR*R1*12.5*UN"),                                    // MEA04
            (71, "PS1*PSP123*50*CO"),                                     // PS103
            (72, "HCP*06*100*80*****ABC"),                                // line HCP08
            (73, "NM1*PW*2*PICKUP POINT"),                                // 2420G NM103
            (75, "N4*DENVER*CO*80202**ZZ*X"),                             // N406
        ],
        &[
            (17, "2010BA", 7, None),
            (29, "2300", 4, None),
            (32, "2300", 3, None),
            (34, "2300", 9, None),
            (35, "2310E", 3, None),
            (48, "2330C", 3, None),
            (52, "2330E", 8, None),
            (57, "2330G", 3, None),
            (60, "2400", 7, None),
            (61, "2400", 4, None),
            (64, "2400", 5, None),
            (66, "2400", 3, None),
            (68, "2400", 4, None),
            (71, "2400", 3, None),
            (72, "2400", 8, None),
            (73, "2420G", 3, None),
            (75, "2420G", 6, None),
        ],
    );
    // Components past the last one the guide uses (SV501-3, a modifier) are reported as too many.
    let mut tx = clean();
    set(&mut tx, 60, "SV5*HC:E0601:RR*DA*30*100*120*4");
    let r = check(&tx);
    assert!(
        has(&r, "EL-TOO-MANY-COMPONENTS", 60, "2400", 1, Some(3)),
        "{:#?}",
        show(&r)
    );
}

#[test]
fn required_elements_of_newly_described_segments() {
    expect(
        "EL-REQUIRED",
        &[
            (17, "PER*IC*CLAIMS DESK"),     // PER03, PER04
            (27, "CRC*07*Y"),               // CRC03
            (32, "HI*BP"),                  // HI01-2
            (34, "HCP*00"),                 // HCP02
            (38, "NM1*45"),                 // NM102
            (49, "REF*G2"),                 // REF02
            (56, "NM1*85"),                 // NM102
            (60, "SV5*HC:E0601*DA*30*100"), // SV505, SV506
            (61, "CR3*R*MO"),               // CR303
            (63, "CRC*70**65"),             // CRC02
            (67, "QTY*FL"),                 // QTY02
            (68, "MEA*TR*R1"),              // MEA03
            (71, "PS1*PSP123"),             // PS102
            (74, "N3"),                     // N301
            (79, "LQ*UT"),                  // LQ02
            (80, "FRM**Y"),                 // FRM01
        ],
        &[
            (17, "2010BA", 3, None),
            (17, "2010BA", 4, None),
            (27, "2300", 3, None),
            (32, "2300", 1, Some(2)),
            (34, "2300", 2, None),
            (38, "2310F", 2, None),
            (49, "2330C", 2, None),
            (56, "2330G", 2, None),
            (60, "2400", 5, None),
            (60, "2400", 6, None),
            (61, "2400", 3, None),
            (63, "2400", 2, None),
            (67, "2400", 2, None),
            (68, "2400", 3, None),
            (71, "2400", 2, None),
            (74, "2420G", 1, None),
            (79, "2440", 2, None),
            (80, "2440", 1, None),
        ],
    );
}

#[test]
fn qualified_variants_keep_their_own_repeats() {
    // A second CRC*75 (homebound, once per claim) and a second QTY*PT on a line are over their
    // maximum use, though the other variants of those segments may still be sent.
    let mut tx = clean();
    tx.insert(29, "CRC*75*Y*IH".to_string()); // position 30
    let r = check(&tx);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "SEG-MAX-USE" && f.location.position == Some(30)),
        "{:#?}",
        show(&r)
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", show(&r));
    let mut tx = clean();
    tx.insert(66, "QTY*PT*1".to_string()); // position 67
    let r = check(&tx);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "SEG-MAX-USE" && f.location.position == Some(67)),
        "{:#?}",
        show(&r)
    );
    assert_eq!(r.findings.len(), 1, "{:#?}", show(&r));
}
