//! Envelope errors: each with a precise position and a non-zero outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::validate::{Options, validate_bytes, validate_reader};

const OK: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~GS*HP*SENDER*RECEIVER*20261120*1200*7*X*005010X221A1~ST*835*0001~BPR*H*0*C*NON************20261120~TRN*1*12345*1123456789~N1*PR*PAYER~N3*1 MAIN~N4*HARTFORD*CT*06101~PER*BL*X*TE*8005550100~N1*PE*PROVIDER*XX*1234567893~SE*9*0001~GE*1*7~IEA*1*000000001~";

fn rules(text: &str) -> Vec<(String, u64)> {
    let r = validate_bytes(text.as_bytes(), &Options::default());
    r.findings
        .iter()
        .map(|f| (f.rule.to_string(), f.location.segment_number))
        .collect()
}

#[test]
fn clean_file_has_no_findings() {
    assert_eq!(rules(OK), vec![]);
}

#[test]
fn se_count_and_control_mismatch() {
    let r = rules(&OK.replace("SE*9*0001", "SE*8*0002"));
    assert!(r.contains(&("ENV-SE01-COUNT".into(), 11)), "{r:?}");
    assert!(r.contains(&("ENV-SE02-MATCH".into(), 11)), "{r:?}");
}

#[test]
fn ge_and_iea_mismatch() {
    let r = rules(
        &OK.replace("GE*1*7", "GE*2*8")
            .replace("IEA*1*000000001", "IEA*3*000000002"),
    );
    for (rule, seg) in [
        ("ENV-GE01-COUNT", 12),
        ("ENV-GE02-MATCH", 12),
        ("ENV-IEA01-COUNT", 13),
        ("ENV-IEA02-MATCH", 13),
    ] {
        assert!(r.contains(&(rule.into(), seg)), "{rule} missing in {r:?}");
    }
}

#[test]
fn missing_trailers_are_reported() {
    let cut = OK.split("SE*9").next().unwrap();
    let r = rules(cut);
    assert!(r.iter().any(|(x, _)| x == "ENV-SE-MISSING"), "{r:?}");
    let r = rules(&OK.replace("GE*1*7~", ""));
    assert!(r.iter().any(|(x, _)| x == "ENV-GE-MISSING"), "{r:?}");
}

#[test]
fn truncated_mid_segment() {
    let r = validate_bytes(&OK.as_bytes()[..OK.len() - 3], &Options::default());
    assert!(r.fatal.is_some());
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "READ" && f.location.segment_number == 13)
    );
}

#[test]
fn bad_isa_fields() {
    let r = rules(
        &OK.replace("*261120*1200*", "*261340*2500*")
            .replace("000000001*0*T", "00000000X*0*Q"),
    );
    for rule in ["ENV-ISA09", "ENV-ISA10", "ENV-ISA13", "ENV-ISA-CODE"] {
        assert!(
            r.iter().any(|(x, s)| x == rule && *s == 1),
            "{rule} in {r:?}"
        );
    }
}

#[test]
fn duplicate_transaction_control_number() {
    let st = OK.split("ST*").nth(1).unwrap().split("GE*").next().unwrap();
    let doubled = OK.replace("GE*1*7", &format!("ST*{st}GE*2*7"));
    let r = rules(&doubled);
    assert!(r.iter().any(|(x, _)| x == "ENV-ST02-DUP"), "{r:?}");
}

#[test]
fn wrong_delimiters_do_not_panic() {
    // Component separator equal to the element separator.
    let bad = OK.replacen("*:~", "**~", 1);
    let r = validate_bytes(bad.as_bytes(), &Options::default());
    assert!(r.fatal.is_some() || !r.findings.is_empty());
}

#[test]
fn streaming_gives_the_same_findings() {
    let bad = OK.replace("SE*9*0001", "SE*8*0001").replace(
        "N1*PE*PROVIDER*XX*1234567893",
        "N1*PE*PROVIDER*XX*1234567890",
    );
    let a = validate_bytes(bad.as_bytes(), &Options::default());
    let b = validate_reader(bad.as_bytes(), &Options::default());
    assert_eq!(a.findings, b.findings);
    assert_eq!(a.findings.len(), 2, "{:?}", a.findings);
}

#[test]
fn ack_carries_envelope_errors() {
    use rcm_x12::model::ack999;
    use rcm_x12::{Date, SegmentReader};
    let ack_of = |text: &str| {
        let r = validate_bytes(text.as_bytes(), &Options::default());
        let bytes = rcm_x12::validate::build_999(
            &r,
            9,
            Date {
                year: 2026,
                month: 11,
                day: 21,
            },
            "0900",
        )
        .unwrap()
        .unwrap();
        let segs: Vec<_> = SegmentReader::new(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let st = segs.iter().position(|s| s.is(b"ST")).unwrap();
        let se = segs.iter().position(|s| s.is(b"SE")).unwrap();
        ack999::parse(&segs[st..=se]).unwrap()
    };
    // SE01 wrong: IK502 4, transaction rejected.
    let a = ack_of(&OK.replace("SE*9*0001", "SE*8*0001"));
    assert_eq!(a.transactions[0].status, "R");
    assert!(a.transactions[0].errors.contains(&"4".to_string()), "{a:?}");
    // GE01 wrong: AK905 5, group rejected.
    let a = ack_of(&OK.replace("GE*1*7", "GE*3*7"));
    assert_eq!(a.group_status, "R");
    assert!(a.group_errors.contains(&"5".to_string()), "{a:?}");
    // Truncated inside the transaction: IK502 2 (trailer missing).
    let cut = OK.split("SE*9").next().unwrap();
    let a = ack_of(cut);
    assert!(a.transactions[0].errors.contains(&"2".to_string()), "{a:?}");
    // A garbled segment ID holding the 999's own component separator is echoed without it: the
    // sender still gets its 999 (IK304 1, unrecognized segment ID).
    let st = OK.find("~ST*").unwrap() + 1;
    let bms = st + OK[st..].find('~').unwrap() + 1;
    let garbled = format!("{}N:M*X~{}", &OK[..bms], &OK[bms..]);
    let a = ack_of(&garbled.replace("SE*9*0001", "SE*10*0001"));
    let ik3 = &a.transactions[0].segment_errors;
    assert!(
        ik3.iter().any(|e| e.segment_id == "NM" && e.code == "1"),
        "{ik3:?}"
    );
    // A control character and the 999's repetition separator in GS02 are left out of its GS03.
    let bytes = {
        let text = OK.replace("GS*HP*SENDER*", "GS*HP*SEN\u{1}D^ER*");
        let r = validate_bytes(text.as_bytes(), &Options::default());
        let date = Date {
            year: 2026,
            month: 11,
            day: 21,
        };
        rcm_x12::validate::build_999(&r, 9, date, "0900")
            .unwrap()
            .unwrap()
    };
    let gs = SegmentReader::new(&bytes)
        .map(Result::unwrap)
        .find(|s| s.is(b"GS"))
        .unwrap();
    assert_eq!(gs.el_str(3), "SENDER");
    // Values too long for the 999's elements (a garbled or leniently read envelope) are cut to
    // their elements' lengths rather than leaving the sender without an acknowledgment.
    let mut r = validate_bytes(OK.as_bytes(), &Options::default());
    r.contexts[0].sender_id = format!("{}*~", "S".repeat(40));
    r.contexts[0].app_sender = "A".repeat(30);
    r.contexts[0].group_control = "1234567890123".into();
    let date = Date {
        year: 2026,
        month: 11,
        day: 21,
    };
    let bytes = rcm_x12::validate::build_999(&r, 9, date, "0900")
        .unwrap()
        .unwrap();
    let segs: Vec<_> = SegmentReader::new(&bytes).map(Result::unwrap).collect();
    assert_eq!(segs[0].el_str(8).trim(), "S".repeat(15));
    assert_eq!(segs[1].el_str(3), "A".repeat(15));
    let ak1 = segs.iter().find(|s| s.is(b"AK1")).unwrap();
    assert_eq!(ak1.el_str(2), "123456789");
}
