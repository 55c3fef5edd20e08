//! TA1 interchange acknowledgments: read, write, and built from a validation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::model::ta1::{self, NOTE_CODES, Ta1};
use rcm_x12::validate::{Options, validate_bytes};
use rcm_x12::writer::{InterchangeHeader, SegmentWriter};
use rcm_x12::{Delimiters, SegmentReader};

const OK: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~GS*HP*SENDER*RECEIVER*20261120*1200*7*X*005010X221A1~ST*835*0001~BPR*H*0*C*NON************20261120~TRN*1*12345*1123456789~N1*PR*PAYER~N3*1 MAIN~N4*HARTFORD*CT*06101~PER*BL*X*TE*8005550100~N1*PE*PROVIDER*XX*1234567893~SE*9*0001~GE*1*7~IEA*1*000000001~";

fn header() -> InterchangeHeader {
    InterchangeHeader {
        sender_qualifier: "ZZ".into(),
        sender_id: "RECEIVER".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "SENDER".into(),
        date_yymmdd: "261121".into(),
        time_hhmm: "0800".into(),
        control_number: 42,
        ack_requested: false,
        production: false,
    }
}

fn ta1(ack: &str, note: &str) -> Ta1 {
    Ta1 {
        control_number: "000000001".into(),
        date: "261120".into(),
        time: "1200".into(),
        ack_code: ack.into(),
        note_code: note.into(),
    }
}

#[test]
fn writes_and_reads_back() {
    let acks = vec![ta1("A", "000"), ta1("R", "001")];
    let bytes = ta1::write_interchange(Delimiters::default(), &header(), &acks).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("ISA*00*"), "{text}");
    assert!(
        text.ends_with(
            "~TA1*000000001*261120*1200*A*000~TA1*000000001*261120*1200*R*001~IEA*0*000000042~"
        ),
        "{text}"
    );
    assert_eq!(ta1::read(&bytes).unwrap(), acks);
}

#[test]
fn refuses_values_outside_the_standard() {
    let mut w = SegmentWriter::new(Delimiters::default());
    for (bad, element) in [
        (
            Ta1 {
                control_number: "12345678".into(),
                ..ta1("A", "000")
            },
            1,
        ),
        (
            Ta1 {
                date: "261340".into(),
                ..ta1("A", "000")
            },
            2,
        ),
        (
            Ta1 {
                time: "2460".into(),
                ..ta1("A", "000")
            },
            3,
        ),
        (ta1("X", "000"), 4),
        (ta1("R", "032"), 5),
        (ta1("R", "1"), 5),
    ] {
        match ta1::write(&bad, &mut w) {
            Err(rcm_x12::WriteError::BadValue { element: e, .. }) => assert_eq!(e, element),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(w.as_bytes().is_empty());
}

#[test]
fn reading_reports_the_bad_segment() {
    let text = OK.replace("~GS*", "~TA1*000000001*261120*1200*Q*000~GS*");
    let e = ta1::read(text.as_bytes()).unwrap_err();
    assert_eq!(e.segment_id, "TA1");
    assert_eq!(e.position, 2);
    assert!(e.what.contains("TA104"), "{}", e.what);
    // Not an X12 file at all: the reader's error, no panic.
    assert!(ta1::read(b"hello").is_err());
}

#[test]
fn note_codes_are_000_to_031() {
    assert_eq!(NOTE_CODES.len(), 32);
    for (i, (code, meaning)) in NOTE_CODES.iter().enumerate() {
        assert_eq!(*code, format!("{i:03}"));
        assert!(!meaning.is_empty());
    }
    assert_eq!(
        ta1::note_meaning("023"),
        Some("Improper (Premature) End-of-File (Transmission)")
    );
    assert_eq!(ta1::note_meaning("032"), None);
}

fn ack_for(text: &str) -> Ta1 {
    let report = validate_bytes(text.as_bytes(), &Options::default());
    let isa = SegmentReader::new(text.as_bytes()).next().unwrap().unwrap();
    Ta1::for_interchange(&isa, &report.findings)
}

#[test]
fn built_from_a_validation() {
    assert_eq!(ack_for(OK), ta1("A", "000"));
    // IEA02 does not match ISA13: rejected with note 001.
    let t = ack_for(&OK.replace("IEA*1*000000001", "IEA*1*000000002"));
    assert_eq!(
        (t.ack_code.as_str(), t.note_code.as_str()),
        ("R", "001"),
        "{t:?}"
    );
    // Wrong number of groups in IEA01: note 021.
    let t = ack_for(&OK.replace("IEA*1*", "IEA*2*"));
    assert_eq!(
        (t.ack_code.as_str(), t.note_code.as_str()),
        ("R", "021"),
        "{t:?}"
    );
    // What it builds can be written.
    let bytes = ta1::write_interchange(Delimiters::default(), &header(), &[t]).unwrap();
    assert_eq!(ta1::read(&bytes).unwrap().len(), 1);
}

#[test]
fn a_ta1_interchange_validates_clean() {
    let bytes =
        ta1::write_interchange(Delimiters::default(), &header(), &[ta1("A", "000")]).unwrap();
    let report = validate_bytes(&bytes, &Options::default());
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.is_empty(), "{rules:?}");
}
