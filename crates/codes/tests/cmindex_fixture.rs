//! The alphabetic-index schema on a small fixture (the real file is not in the
//! shared data): nested terms, nonessential modifiers, see/see also, manifestations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use rcm_codes::cmindex::{CodeSource, CrossRefKind, IndexKind, IndexSet, MatchPlace, parse_index};

const FIXTURE: &str = include_str!("../../../tests/fixtures/cmindex/alphabetic-small.xml");

fn set() -> IndexSet {
    parse_index(Path::new("alphabetic-small.xml"), FIXTURE.as_bytes()).unwrap()
}

#[test]
fn reads_the_alphabetic_index_schema() {
    let set = set();
    assert_eq!(set.kind(), IndexKind::Alphabetic);
    assert_eq!(set.version(), Some(2023));
    assert_eq!(
        set.title(),
        Some("ICD-10-CM Index to Diseases and Injuries")
    );
    let c = set.counts();
    assert_eq!(c.letters, FIXTURE.matches("<letter>").count());
    assert_eq!(c.main_terms, FIXTURE.matches("<mainTerm>").count());
    assert_eq!(c.subterms, FIXTURE.matches("<term level=").count());
    assert_eq!(c.codes, FIXTURE.matches("<code>").count());
    assert_eq!(c.manifestations, 2);
    assert_eq!((c.see, c.see_also), (3, 2));
    assert_eq!(c.nonessential_modifiers, FIXTURE.matches("<nemod>").count());
    assert_eq!(c.max_level, 3);
    assert_eq!(c.cells, 0);
    let mains: Vec<&str> = set.main_terms().map(|e| e.title()).collect();
    assert_eq!(
        mains,
        [
            "Amyloidosis",
            "Dementia",
            "Diabetes, diabetic",
            "Femur, femoral",
            "Fracture, pathological",
            "Fracture, traumatic"
        ]
    );
    let fracture = set.main_terms().last().unwrap();
    assert_eq!(fracture.letter(), "F");
    assert_eq!(
        fracture.printed_title(),
        "Fracture, traumatic (abrasion) (avulsion) (comminuted) (closed)"
    );
    assert_eq!(
        fracture.nonessential(),
        ["(abrasion) (avulsion) (comminuted) (closed)"]
    );
}

#[test]
fn fracture_femur_neck_walks_to_s72_00() {
    let set = set();
    let walk = set.walk("Fracture, traumatic, femur, neck");
    let neck = walk.entry().unwrap();
    assert_eq!(
        neck.path_string(),
        "Fracture, traumatic, femur, femoral, neck"
    );
    assert_eq!(neck.own_codes()[0].as_str(), "S72.00-");
    assert!(neck.own_codes()[0].is_incomplete());
    assert_eq!(neck.level(), 2);
    let children: Vec<&str> = walk.children().iter().map(|e| e.title()).collect();
    assert_eq!(children, ["base", "midcervical"]);
    assert_eq!(
        walk.cross_references()[0].describe(),
        "see also Fracture, femur, upper end"
    );

    // Without the qualifier both fracture main terms fit: the walk takes the first
    // in index order and names the other one.
    let walk = set.walk("Fracture, femur, neck");
    let found = walk.entry().unwrap();
    let alternatives: Vec<String> = walk
        .alternatives()
        .iter()
        .map(|e| e.path_string())
        .collect();
    let mut both = vec![found.path_string()];
    both.extend(alternatives);
    both.sort();
    assert_eq!(
        both,
        [
            "Fracture, pathological, femur, neck",
            "Fracture, traumatic, femur, femoral, neck"
        ]
    );

    // "Fracture, femur" one level up, with the next level as children.
    let femur = set.walk("fracture, traumatic, FEMUR").entry().unwrap();
    assert_eq!(femur.own_codes()[0].as_str(), "S72.9-");
    let next: Vec<&str> = femur.children().map(|e| e.title()).collect();
    assert_eq!(
        next,
        ["intertrochanteric", "neck", "trochanteric", "upper end"]
    );

    // Prefix on the last element, nonessential modifiers ignored.
    let greater = set
        .walk("Fracture, traumatic, femur, trochanteric, great")
        .entry()
        .unwrap();
    assert_eq!(greater.printed_title(), "greater (process)");
    assert_eq!(greater.own_codes()[0].as_str(), "S72.11-");
    let intertroch = set
        .walk("Fracture, traumatic, femur, intertroch")
        .entry()
        .unwrap();
    assert_eq!(intertroch.cross_references()[0].kind, CrossRefKind::See);
    assert_eq!(
        intertroch.cross_references()[0].target,
        "Fracture, femur, trochanteric"
    );
    // A prefix shared by siblings: the first is the entry, the others alternatives.
    let walk = set.walk("Fracture, traumatic, femur, femoral, n");
    assert_eq!(walk.entry().unwrap().title(), "neck");
    assert!(walk.alternatives().is_empty());
    let walk = set.walk("Fracture, traumatic, femur, t");
    assert_eq!(walk.entry().unwrap().title(), "trochanteric");
}

#[test]
fn synonyms_in_a_main_term_walk_and_manifestations_show() {
    let set = set();
    let cataract = set.walk("Diabetes, with, cataract").entry().unwrap();
    assert_eq!(cataract.own_codes()[0].as_str(), "E11.36");
    assert_eq!(
        set.walk("diabetic, type 1").entry().unwrap().own_codes()[0].as_str(),
        "E10.9"
    );
    let heart = set.walk("Amyloidosis, heart").entry().unwrap();
    let codes: Vec<String> = heart.codes().iter().map(|c| c.describe()).collect();
    assert_eq!(codes, ["E85.4", "[I43]"]);
    assert_eq!(heart.manifestations(), ["I43"]);
    let epilepsy = set.walk("Dementia, in, epilepsy").entry().unwrap();
    assert!(
        epilepsy
            .codes()
            .iter()
            .any(|c| c.source == CodeSource::Manifestation && c.code.as_str() == "F02.80")
    );
    let femur = set.walk("Femur").entry().unwrap();
    assert_eq!(femur.cross_references()[0].describe(), "see condition");
}

#[test]
fn search_and_code_lookups_on_the_alphabetic_schema() {
    let set = set();
    let hits = set.search_entries("neck of femur fracture", 5);
    assert!(!hits.is_empty());
    let paths: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert!(
        paths.contains(&"Fracture, traumatic, femur, femoral, neck"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"Fracture, pathological, femur, neck"),
        "{paths:?}"
    );
    let top = &hits[0];
    assert!(top.matches.iter().any(|m| m.place == MatchPlace::MainTerm));
    assert!(
        top.matches
            .iter()
            .any(|m| m.place == MatchPlace::Subterm { level: 2 })
    );
    let hits = set.search_entries("diabetic cataract", 3);
    assert_eq!(hits[0].path, "Diabetes, diabetic, with, cataract");
    let hits = set.search_entries("avulsion wrist", 3);
    assert_eq!(hits[0].path, "Fracture, traumatic, wrist", "{hits:?}");
    assert!(
        hits[0]
            .matches
            .iter()
            .any(|m| m.place == MatchPlace::Nonessential)
    );

    let refs = set.entries_for_code("S72.001A");
    let paths: Vec<&str> = refs.iter().map(|r| r.path.as_str()).collect();
    assert!(
        paths.contains(&"Fracture, traumatic, femur, femoral, neck"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"Fracture, traumatic, femur, femoral, upper end"),
        "{paths:?}"
    );
    let refs = set.entries_for_code("I43");
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].path, "Amyloidosis, heart");
    assert_eq!(refs[0].source, CodeSource::Manifestation);
    assert!(refs[0].exact);
}

#[test]
fn fixture_persists_and_reads_back() {
    let set = set();
    let bytes = set.to_bytes().unwrap();
    let back = IndexSet::from_bytes(Path::new("x.bin"), &bytes).unwrap();
    assert_eq!(back.counts(), set.counts());
    assert_eq!(
        back.walk("Fracture, traumatic, femur, neck")
            .entry()
            .unwrap()
            .own_codes()[0]
            .as_str(),
        "S72.00-"
    );
}
