//! The engine against the official April 1 2026 ICD-10-CM tabular.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

#[allow(unused_imports)]
use rcm_codes::CodeSet;
use rcm_codes::{NodeKind, NoteKind, Reason};

#[test]
fn counts_match_the_official_release() {
    let set = common::official();
    let c = &set.info().counts;
    assert_eq!(c.codes, 98_186, "codes and headers");
    assert_eq!(c.billable, 74_719, "billable codes");
    assert_eq!(c.chapters, 22);
    assert_eq!(set.info().year, 2026);
    assert_eq!(set.info().effective.to_string(), "2026-04-01");
}

#[test]
fn seventh_character_codes_and_their_titles() {
    let set = common::official();
    let c = set.lookup("S72.001A").unwrap();
    assert!(c.is_billable());
    assert_eq!(
        c.title(),
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    );
    assert_eq!(c.seventh().unwrap().character, 'A');
    assert_eq!(c.node().seventh_source().unwrap().code(), "S72");
    let stem = set.lookup("S72.001").unwrap();
    assert!(!stem.is_billable() && stem.needs_seventh());
    assert_eq!(stem.node().seventh_characters().count(), 16);
    // placeholder X
    assert!(set.lookup("M48.50XA").unwrap().is_billable());
    assert!(set.lookup("M48.50A").is_none());
    assert!(set.lookup("T36.0X1A").unwrap().is_billable());
    // a prose note withdraws D and S from S06 codes with 6th character 7 or 8
    assert!(set.lookup("S06.1X7A").is_some());
    assert!(set.lookup("S06.1X7D").is_none());
    assert!(set.lookup("S06.1X8S").is_none());
    assert!(set.lookup("S06.1X1D").is_some());
}

#[test]
fn notes_are_inherited_with_their_source() {
    let set = common::official();
    let node = set.lookup("S72.001A").unwrap().node();
    let notes: Vec<_> = node.notes().collect();
    assert!(notes.iter().any(|n| n.kind == NoteKind::Excludes1
        && n.source.code() == "S72"
        && n.text.contains("traumatic amputation of hip and thigh")));
    assert!(notes.iter().any(|n| n.source.kind() == NodeKind::Chapter));
    assert!(notes.iter().any(|n| n.source.kind() == NodeKind::Section));
    // inclusion terms describe the node that lists them, not its descendants
    assert!(!notes.iter().any(|n| n.kind == NoteKind::InclusionTerm));
    let parent = set.lookup("S72.00").unwrap().node();
    assert!(
        parent
            .notes()
            .any(|n| n.kind == NoteKind::InclusionTerm && n.text == "Fracture of hip NOS")
    );
    let e11 = set.lookup("E11.9").unwrap().node();
    assert!(e11.notes().any(|n| n.kind == NoteKind::UseAdditionalCode));
    // manifestation codes are flagged
    let m = set.lookup("G63").unwrap();
    assert!(
        m.is_manifestation(),
        "G63 Polyneuropathy in diseases classified elsewhere"
    );
    assert!(m.node().notes().any(|n| n.kind == NoteKind::CodeFirst));
}

#[test]
fn validation_reasons() {
    let set = common::official();
    let cases = [
        ("E11.9", Reason::Billable),
        ("e119", Reason::Billable),
        ("E11", Reason::Header),
        ("S72.001", Reason::MissingSeventh),
        ("S72.001Z", Reason::InvalidSeventh),
        ("M48.50A", Reason::MissingPlaceholder),
        ("E11.99", Reason::Unknown),
        ("12345", Reason::Malformed),
        ("", Reason::Malformed),
    ];
    for (input, reason) in cases {
        let v = set.validate(input);
        assert_eq!(v.reason, reason, "{input}: {}", v.message);
        assert_eq!(v.billable, reason == Reason::Billable, "{input}");
    }
    let header = set.validate("E11");
    assert_eq!(header.billable_below, Some(87));
    let unknown = set.validate("E11.99");
    assert!(
        unknown.suggestions.iter().any(|s| s.code == "E11.9"),
        "{:?}",
        unknown.suggestions
    );
    let fix = set.validate("M48.50A");
    assert_eq!(fix.suggestions[0].code, "M48.50XA");
    assert!(set.billable_code("S72.001A").is_some());
    assert!(set.billable_code("S72.001").is_none());
}

#[test]
fn search_reads_abbreviations_typos_and_filters() {
    let set = common::official();
    let top = |q: &str| {
        set.search(
            q,
            &rcm_codes::SearchOptions {
                limit: 5,
                ..Default::default()
            },
        )
    };
    assert_eq!(top("htn")[0].code, "I10");
    assert_eq!(top("pnuemonia")[0].code, "J18.9");
    assert_eq!(top("E11.9")[0].code, "E11.9");
    let hip = top("right hip fracture initial encounter");
    assert_eq!(hip[0].code, "S72.001A", "{hip:?}");
    let billable = set.search(
        "diabetes",
        &rcm_codes::SearchOptions {
            limit: 20,
            billable_only: true,
            ..Default::default()
        },
    );
    assert!(billable.iter().all(|h| h.billable));
    let range = rcm_codes::CodeRange::parse("E08-E13").unwrap();
    let ranged = set.search(
        "diabetes kidney",
        &rcm_codes::SearchOptions {
            limit: 20,
            range: Some(range),
            ..Default::default()
        },
    );
    assert!(!ranged.is_empty());
    assert!(
        ranged
            .iter()
            .all(|h| range.contains(rcm_codes::CodeKey::parse(&h.code).unwrap()))
    );
    assert!(top("").is_empty());
    assert!(!top("heart attack")[0].why.is_empty());
}
