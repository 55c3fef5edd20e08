//! The X12 standard's syntax notes (P, R, E, C, L): the table agrees with the pyx12 maps of every
//! guide we validate, and a segment that breaks one is reported at the element the 999 names,
//! with IK403 2 (conditional required element missing) or 10 (exclusion condition violated).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use quick_xml::events::Event;
use rcm_x12::finding::AckCode;
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::schema::syntax;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, Report, build_999, validate_bytes};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;

use common::{join_segments as join, set_el, split_segments as split};

mod common;

/// The pyx12 implementation-guide maps (`../shared/data/x12_maps`, read in place).
fn maps_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/x12_maps/pyx12_4.0.0"
    ))
}

/// Segment ID → the syntax notes a map gives it anywhere (segment level; the maps give none to
/// composites).
fn map_rules(file: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = maps_dir().join(file);
    let mut xml = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .read_to_string(&mut xml)
    .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The open elements, with the xid of each `segment`.
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut in_syntax = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().into_inner().to_string();
                let xid = e
                    .try_get_attribute("xid")
                    .unwrap()
                    .map(|a| a.value.trim().to_string());
                in_syntax = name == "syntax";
                stack.push((name, xid));
            }
            Event::End(_) => {
                stack.pop();
                in_syntax = false;
            }
            Event::Text(t) if in_syntax => {
                let parent = &stack[stack.len() - 2];
                assert_eq!(
                    parent.0, "segment",
                    "{file}: a syntax note outside a segment"
                );
                let id = parent.1.clone().unwrap();
                let rule = t.xml10_content().trim().to_string();
                out.entry(id).or_default().insert(rule);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn the_table_agrees_with_the_pyx12_maps() {
    let mut from_maps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in [
        "837.5010.X222.A1.xml.gz",
        "837Q3.I.5010.X223.A1.xml.gz",
        "835.5010.X221.A1.xml.gz",
        "277.5010.X214.xml.gz",
        "999.5010X231.A1.xml.gz",
    ] {
        let rules = map_rules(file);
        assert!(
            file.starts_with("999") || !rules.is_empty(),
            "{file}: no syntax notes read"
        );
        for (id, r) in rules {
            from_maps.entry(id).or_default().extend(r);
        }
    }
    let ours: BTreeMap<String, BTreeSet<String>> = syntax::table()
        .map(|(id, r)| (id.to_string(), r.into_iter().map(String::from).collect()))
        .collect();
    assert_eq!(ours, from_maps);
    // Every note of the table parses into a rule the validator applies.
    for (id, rules) in &ours {
        assert_eq!(syntax::rules_for(id).len(), rules.len(), "{id}");
    }
}

fn claim(kind: ClaimKind) -> Vec<String> {
    let mut rng = Rng::new(7);
    let t = synth::claim_transaction(&mut rng, kind, 1, 3);
    split(&synth::claim_interchange(&[t], 1).unwrap())
}

fn remit() -> Vec<String> {
    let mut rng = Rng::new(7);
    let r = synth::remittance(&mut rng, 1, 3);
    split(&synth::remit_interchange(&[r], 1).unwrap())
}

fn syntax_findings(r: &Report) -> Vec<(u64, Option<usize>, AckCode, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule == "EL-SYNTAX")
        .map(|f| {
            (
                f.location.segment_number,
                f.location.element,
                f.ack,
                f.message.clone(),
            )
        })
        .collect()
}

/// Validates `segs`; exactly one syntax finding, at segment `seg` element `el` with IK403 `code`,
/// whose message names `note`; the 999 rejects the set with that IK4.
fn expect_one(segs: &[String], seg: u64, el: usize, code: &'static str, note: &str) {
    let bytes = join(segs);
    let r = validate_bytes(&bytes, &Options::default());
    let found = syntax_findings(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (s, e, ack, msg) = &found[0];
    assert_eq!(
        (*s, *e, *ack),
        (seg, Some(el), AckCode::Element(code)),
        "{msg}"
    );
    assert!(msg.contains(note), "{msg}");
    let date = rcm_x12::Date {
        year: 2026,
        month: 12,
        day: 6,
    };
    let ack = String::from_utf8(build_999(&r, 1, date, "1200").unwrap().unwrap()).unwrap();
    assert!(ack.contains(&format!("IK4*{el}**{code}~")), "{ack}");
    assert!(ack.contains("IK5*R"), "{ack}");
}

/// An 837P whose 1000A PER sends PER05 without PER06; returns it and PER's number.
fn per05_without_per06() -> (Vec<String>, u64) {
    let mut s = claim(ClaimKind::Professional);
    let n = set_el(&mut s, "PER*IC", 5, "EX");
    (s, n)
}

/// An 835 whose first CAS sends CAS05 with no amount or quantity.
fn cas05_alone() -> (Vec<String>, u64) {
    let mut s = remit();
    let n = set_el(&mut s, "CAS*", 5, "97");
    (s, n)
}

/// An 835 whose first CAS sends CAS06 (an amount) with no CAS05 reason.
fn cas06_without_reason() -> (Vec<String>, u64) {
    let mut s = remit();
    let i = s.iter().position(|x| x.starts_with("CAS*")).unwrap();
    let parts: Vec<&str> = s[i].split('*').take(4).collect();
    s[i] = format!("{}***0", parts.join("*"));
    (s, i as u64 + 1)
}

/// An 837P whose first N4 sends a state (N402) and a country subdivision (N407).
fn n4_state_and_subdivision() -> (Vec<String>, u64) {
    let mut s = claim(ClaimKind::Professional);
    let n = set_el(&mut s, "N4*", 7, "ON");
    (s, n)
}

/// An 837I whose 1000A PER sends PER07 without PER08.
fn institutional_per07_without_per08() -> (Vec<String>, u64) {
    let mut s = claim(ClaimKind::Institutional);
    let n = set_el(&mut s, "PER*IC", 7, "EM");
    (s, n)
}

#[test]
fn paired_per05_without_per06() {
    let (mut s, n) = per05_without_per06();
    expect_one(
        &s,
        n,
        6,
        "2",
        "PER05, PER06 must be sent together (syntax note P0506)",
    );
    // Both sent: clean.
    set_el(&mut s, "PER*IC", 6, "123");
    assert!(syntax_findings(&validate_bytes(&join(&s), &Options::default())).is_empty());
}

#[test]
fn list_conditional_cas05_without_an_amount() {
    let (s, n) = cas05_alone();
    expect_one(
        &s,
        n,
        6,
        "2",
        "when CAS05 is sent, at least one of CAS06, CAS07 is required (syntax note L050607)",
    );
}

#[test]
fn conditional_cas06_without_its_reason() {
    let (s, n) = cas06_without_reason();
    expect_one(
        &s,
        n,
        5,
        "2",
        "when CAS06 is sent, CAS05 is required (syntax note C0605)",
    );
}

#[test]
fn exclusion_n402_and_n407() {
    let (s, n) = n4_state_and_subdivision();
    let r = validate_bytes(&join(&s), &Options::default());
    let found = syntax_findings(&r);
    // E0207 (state or subdivision, not both) and C0704 (a subdivision needs its country).
    assert!(
        found
            .iter()
            .any(|f| (f.0, f.1, f.2) == (n, Some(7), AckCode::Element("10"))
                && f.3
                    .contains("only one of N402, N407 may be sent (syntax note E0207)")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| (f.0, f.1, f.2) == (n, Some(4), AckCode::Element("2"))
                && f.3.contains("syntax note C0704")),
        "{found:#?}"
    );
}

#[test]
fn institutional_claims_are_checked_too() {
    let (s, n) = institutional_per07_without_per08();
    expect_one(&s, n, 8, "2", "syntax note P0708");
}

/// The notes named in findings or in pyx12's output ("Syntax Error (P0506)"), in order met.
fn notes_in(text: &str, before: &str) -> BTreeSet<String> {
    text.split(before)
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_string)
        .collect()
}

/// pyx12, an independent validator, reports the same syntax notes broken, file by file.
#[test]
fn pyx12_reports_the_same_notes() {
    let bin = common::x12valid();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("per05", per05_without_per06()),
        ("cas05", cas05_alone()),
        ("cas06", cas06_without_reason()),
        ("n4", n4_state_and_subdivision()),
        ("per07-837i", institutional_per07_without_per08()),
    ];
    for (name, (segs, _)) in cases {
        let bytes = join(&segs);
        let path = dir.path().join(format!("{name}.x12"));
        std::fs::write(&path, &bytes).unwrap();
        let theirs = common::pyx12_errors(&bin, &path)
            .unwrap_or_else(|| panic!("{name}: pyx12 accepted the file"));
        let r = validate_bytes(&bytes, &Options::default());
        let ours: String = syntax_findings(&r).into_iter().map(|f| f.3).collect();
        let ours = notes_in(&ours, "(syntax note ");
        assert!(!ours.is_empty(), "{name}: no syntax finding");
        assert_eq!(
            ours,
            notes_in(&theirs, "Syntax Error ("),
            "{name}: {theirs}"
        );
    }
}

#[test]
fn generated_documents_break_no_syntax_note() {
    for seed in 0..20 {
        let mut rng = Rng::new(seed);
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            let t = synth::claim_transaction(&mut rng, kind, 2, 6);
            let b = synth::claim_interchange(&[t], 1).unwrap();
            let r = validate_bytes(&b, &Options::default());
            assert!(syntax_findings(&r).is_empty(), "seed {seed} {kind:?}");
        }
        let rm = synth::remittance(&mut rng, 2, 6);
        let b = synth::remit_interchange(&[rm], 1).unwrap();
        assert!(syntax_findings(&validate_bytes(&b, &Options::default())).is_empty());
    }
}
