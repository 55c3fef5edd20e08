//! The ICD-10-CM index family on the official FY2023 files in ../shared/data: the
//! external cause index, the table of drugs and chemicals, the table of neoplasms.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rcm_codes::cmindex::{CodeSource, CrossRefKind, IndexKind, IndexSet, MatchPlace, parse_index};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/icd10cm/fy2023_index_tables/"
);

fn source(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(DIR).join(name);
    let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut xml)
        .unwrap();
    (path, xml)
}

fn load(name: &str) -> (IndexSet, Vec<u8>) {
    let (path, xml) = source(name);
    let set = parse_index(&path, &xml).unwrap_or_else(|e| panic!("{e}"));
    (set, xml)
}

fn drugs() -> &'static (IndexSet, Vec<u8>) {
    static SET: OnceLock<(IndexSet, Vec<u8>)> = OnceLock::new();
    SET.get_or_init(|| load("icd10cm_drug_2023.xml.gz"))
}

fn eindex() -> &'static (IndexSet, Vec<u8>) {
    static SET: OnceLock<(IndexSet, Vec<u8>)> = OnceLock::new();
    SET.get_or_init(|| load("icd10cm_eindex_2023.xml.gz"))
}

fn neoplasms() -> &'static (IndexSet, Vec<u8>) {
    static SET: OnceLock<(IndexSet, Vec<u8>)> = OnceLock::new();
    SET.get_or_init(|| load("icd10cm_neoplasm_2023.xml.gz"))
}

/// Occurrences of `needle` in the file's text: an independent count of elements.
fn occurrences(xml: &[u8], needle: &str) -> usize {
    let text = std::str::from_utf8(xml).unwrap();
    text.matches(needle).count()
}

/// Cells whose text is only dashes, counted by scanning.
fn dash_cells(xml: &[u8]) -> usize {
    let text = std::str::from_utf8(xml).unwrap();
    text.split("<cell col=\"")
        .skip(1)
        .filter(|rest| {
            let value = rest
                .split_once('>')
                .and_then(|(_, v)| v.split_once("</cell>"))
                .map(|(v, _)| v.trim())
                .unwrap_or("x");
            value.chars().all(|c| c == '-')
        })
        .count()
}

fn check_counts_against_the_text(set: &IndexSet, xml: &[u8]) {
    let c = set.counts();
    assert_eq!(c.main_terms, occurrences(xml, "<mainTerm>"), "main terms");
    assert_eq!(c.subterms, occurrences(xml, "<term level="), "subterms");
    assert_eq!(c.entries, c.main_terms + c.subterms);
    assert_eq!(c.letters, occurrences(xml, "<letter>"), "letters");
    assert_eq!(c.codes, occurrences(xml, "<code>"), "codes");
    assert_eq!(c.cells, occurrences(xml, "<cell col="), "cells");
    assert_eq!(c.cells - c.cells_with_code, dash_cells(xml), "dash cells");
    assert_eq!(c.manifestations, occurrences(xml, "<manif>"), "manif");
    assert_eq!(
        c.nonessential_modifiers,
        occurrences(xml, "<nemod>"),
        "nemod"
    );
    assert_eq!(c.see, occurrences(xml, "<see>"), "see");
    assert_eq!(c.see_also, occurrences(xml, "<seeAlso>"), "seeAlso");
    assert_eq!(c.see_category, occurrences(xml, "<seecat>"), "seecat");
    assert_eq!(c.see_subcategory, occurrences(xml, "<subcat>"), "subcat");
    assert!(c.skipped_elements.is_empty(), "{:?}", c.skipped_elements);
    // The deepest level in the file, by scanning.
    let text = std::str::from_utf8(xml).unwrap();
    let deepest = text
        .split("<term level=\"")
        .skip(1)
        .filter_map(|r| r.split_once('"').and_then(|(n, _)| n.parse::<u8>().ok()))
        .max()
        .unwrap_or(0);
    assert_eq!(c.max_level, deepest);
}

#[test]
fn drug_table_counts_match_the_file() {
    let (set, xml) = drugs();
    assert_eq!(set.kind(), IndexKind::Drugs);
    assert_eq!(set.version(), Some(2023));
    check_counts_against_the_text(set, xml);
    let c = set.counts();
    // The FY2023 file, as measured independently with grep.
    assert_eq!((c.main_terms, c.subterms), (5175, 2248));
    assert_eq!((c.cells, c.cells_with_code), (43182, 40000));
    assert_eq!((c.see, c.see_also, c.nonessential_modifiers), (97, 35, 777));
    let headings: Vec<&str> = set.columns().iter().map(|c| c.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Substance",
            "Poisoning Accidental (unintentional)",
            "Poisoning Intentional self-harm",
            "Poisoning Assault",
            "Poisoning Undetermined",
            "Adverse effect",
            "Underdosing"
        ]
    );
}

#[test]
fn external_cause_index_counts_match_the_file() {
    let (set, xml) = eindex();
    assert_eq!(set.kind(), IndexKind::ExternalCause);
    assert_eq!(set.version(), Some(2023));
    assert_eq!(
        set.title(),
        Some("ICD-10-CM External Cause of Injuries Index")
    );
    assert!(set.columns().is_empty());
    check_counts_against_the_text(set, xml);
    let c = set.counts();
    assert_eq!((c.main_terms, c.subterms, c.codes), (314, 7687, 6591));
    assert_eq!(
        (c.see, c.see_also, c.see_category, c.see_subcategory),
        (791, 98, 3, 11)
    );
}

#[test]
fn neoplasm_table_counts_match_the_file() {
    let (set, xml) = neoplasms();
    assert_eq!(set.kind(), IndexKind::Neoplasms);
    assert_eq!(set.version(), Some(2023));
    check_counts_against_the_text(set, xml);
    let c = set.counts();
    assert_eq!((c.main_terms, c.subterms), (1, 1938));
    assert_eq!((c.cells, c.cells - c.cells_with_code), (10916, 1898));
    assert_eq!((c.see, c.see_also, c.manifestations), (67, 120, 1));
    assert_eq!(set.heading(2), "Malignant Primary");
    assert_eq!(set.heading(7), "Unspecified Behavior");
}

#[test]
fn aspirin_walks_to_its_row_with_six_columns() {
    let (set, _) = drugs();
    let walk = set.walk("Aspirin");
    let e = walk.entry().expect("Aspirin is a main term");
    assert_eq!(e.title(), "Aspirin");
    assert_eq!(e.printed_title(), "Aspirin (aluminum) (soluble)");
    assert_eq!(e.nonessential(), ["(aluminum) (soluble)"]);
    let cells: Vec<(u8, String, Option<String>)> = e
        .cells()
        .into_iter()
        .map(|c| (c.col, c.heading, c.code.map(|c| c.to_string())))
        .collect();
    let expected = [
        (2, "Poisoning Accidental (unintentional)", "T39.011"),
        (3, "Poisoning Intentional self-harm", "T39.012"),
        (4, "Poisoning Assault", "T39.013"),
        (5, "Poisoning Undetermined", "T39.014"),
        (6, "Adverse effect", "T39.015"),
        (7, "Underdosing", "T39.016"),
    ];
    assert_eq!(cells.len(), 6);
    for ((col, heading, code), (ecol, eheading, ecode)) in cells.iter().zip(expected) {
        assert_eq!(
            (*col, heading.as_str(), code.as_deref()),
            (ecol, eheading, Some(ecode))
        );
    }
    assert_eq!(walk.codes().len(), 6);
    // Case, spacing and a typed nonessential modifier do not matter.
    let again = set.walk("  aspirin (soluble) ");
    assert_eq!(again.entry().map(|e| e.id()), Some(e.id()));
    // A dash prints as no code.
    let propanol = set.walk("1-propanol").entry().unwrap();
    assert_eq!(propanol.cell(2).map(|c| c.as_str()), Some("T51.3X1"));
    assert_eq!(propanol.cell(6), None);
}

#[test]
fn neoplasm_lung_walks_to_seven_columns() {
    let (set, _) = neoplasms();
    for query in ["Neoplasm, lung", "neoplasm, neoplastic, lung", "lung"] {
        let walk = set.walk(query);
        let e = walk.entry().unwrap_or_else(|| panic!("{query}: {walk:?}"));
        assert_eq!(e.path_string(), "Neoplasm, lung", "{query}");
        let codes: Vec<String> = e
            .cells()
            .iter()
            .map(|c| c.code.as_ref().unwrap().to_string())
            .collect();
        // The FY2023 table prints incomplete codes for lung: C34.9- → C34.90/91/92.
        assert_eq!(
            codes,
            ["C34.9-", "C78.0-", "D02.2-", "D14.3-", "D38.1", "D49.1"]
        );
        assert_eq!(walk.trail().len(), 2);
        assert!(walk.children().iter().any(|c| c.title() == "azygos lobe"));
    }
    let main = set.walk("Neoplasm").entry().unwrap();
    assert_eq!(main.title(), "Neoplasm, neoplastic");
    assert_eq!(main.cell(2).unwrap().as_str(), "C80.1");
    // A prefix on the last step, and the bare dot before a dash.
    let uoq = set.walk("Neoplasm, breast, upper-outer").entry().unwrap();
    assert_eq!(uoq.path_string(), "Neoplasm, breast, upper-outer quadrant");
    assert_eq!(uoq.cell(4).unwrap().as_str(), "D05.-");
    assert!(uoq.cell(4).unwrap().is_incomplete());
}

#[test]
fn external_cause_paths_walk_like_a_coder() {
    let (set, _) = eindex();
    let walk = set.walk("Fall, from, bed");
    let e = walk.entry().unwrap_or_else(|| panic!("{walk:?}"));
    assert_eq!(e.path_string(), "Fall, falling, from, off, out of, bed");
    assert_eq!(e.own_codes()[0].as_str(), "W06");
    let titles: Vec<&str> = walk.trail().iter().map(|e| e.title()).collect();
    assert_eq!(titles, ["Fall, falling", "from, off, out of", "bed"]);
    // The full printed path walks as well.
    let full = set
        .walk("Fall, falling, from, off, out of, bed")
        .entry()
        .unwrap();
    assert_eq!(full.id(), e.id());
    // NEC is optional and the main term's modifiers are ignored.
    let nec = set.walk("Fallen on by, animal").entry().unwrap();
    assert_eq!(nec.title(), "animal NEC");
    assert_eq!(nec.own_codes()[0].as_str(), "W55.89");
    // Cross references and children.
    let aircraft = set.walk("Accident, aircraft").entry().unwrap();
    assert_eq!(aircraft.cross_references()[0].kind, CrossRefKind::SeeAlso);
    assert_eq!(
        aircraft.cross_references()[0].describe(),
        "see also Accident, transport, aircraft"
    );
    let car = set.walk("Accident, car").entry().unwrap();
    assert_eq!(
        car.cross_references()[0].describe(),
        "see Accident, transport, car occupant"
    );
    let lightning = set.walk("Lightning").entry();
    if let Some(l) = lightning {
        assert!(
            l.cross_references()
                .iter()
                .any(|r| r.kind == CrossRefKind::SeeSubcategory || !l.codes().is_empty())
        );
    }
    let struck = set.walk("Accident, caused by, lightning").entry().unwrap();
    assert_eq!(
        struck.cross_references()[0].describe(),
        "see subcategory T75.0"
    );
    // A step that matches nothing: the walk says where it stopped and suggests.
    let stopped = set.walk("Fall, from, bedd stairs");
    assert!(stopped.entry().is_none());
    assert_eq!(stopped.deepest().unwrap().title(), "from, off, out of");
    assert_eq!(stopped.unmatched(), ["bedd stairs"]);
    assert!(!stopped.alternatives().is_empty());
    assert!(set.walk("").entry().is_none());
    assert!(set.walk("Zzzz").deepest().is_none());
}

#[test]
fn every_entry_walks_back_from_its_own_path() {
    for (set, _) in [drugs(), eindex(), neoplasms()] {
        for e in set.entries() {
            let path = e.path_string();
            let walk = set.walk(&path);
            let found = walk
                .entry()
                .unwrap_or_else(|| panic!("{:?}: {path} does not walk: {walk:?}", set.kind()));
            assert_eq!(
                found.path_string().to_lowercase(),
                path.to_lowercase(),
                "{:?}",
                set.kind()
            );
        }
    }
}

#[test]
fn search_finds_drug_rows_and_narrows_columns() {
    let (set, _) = drugs();
    let hits = set.search_entries("aspirin", 5);
    assert_eq!(hits[0].path, "Aspirin", "{hits:?}");
    assert_eq!(hits[0].codes.len(), 6);
    assert_eq!(hits[0].matches[0].place, MatchPlace::MainTerm);

    let hits = set.search_entries("intentional aspirin overdose self harm", 5);
    assert!(
        hits.is_empty() || hits[0].path != "Aspirin",
        "overdose is not in the table"
    );
    let hits = set.search_entries("aspirin intentional self-harm", 5);
    assert_eq!(hits[0].path, "Aspirin");
    let codes: Vec<&str> = hits[0].codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["T39.012"]);
    assert!(matches!(
        &hits[0].codes[0].source,
        CodeSource::Cell { col: 3, .. }
    ));
    let why = hits[0].why(set);
    assert!(why.contains("aspirin: main term"), "{why}");
    assert!(why.contains("Poisoning Intentional self-harm"), "{why}");

    let hits = set.search_entries("underdosing of aspirin", 3);
    let codes: Vec<&str> = hits[0].codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["T39.016"]);
    let hits = set.search_entries("aspirin poisoning", 3);
    assert_eq!(hits[0].codes.len(), 4, "{:?}", hits[0]);
    // Prefix on the last word.
    let hits = set.search_entries("acetamin", 3);
    assert!(hits[0].path.starts_with("Acetaminophen"), "{hits:?}");
}

#[test]
fn search_finds_neoplasm_sites_and_external_causes() {
    let (neo, _) = neoplasms();
    let hits = neo.search_entries("breast upper outer quadrant", 5);
    assert_eq!(
        hits[0].path, "Neoplasm, breast, upper-outer quadrant",
        "{hits:?}"
    );
    let hits = neo.search_entries("lung cancer", 5);
    assert_eq!(hits[0].path, "Neoplasm, lung", "{hits:?}");
    let codes: Vec<&str> = hits[0].codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["C34.9-", "C78.0-"]);
    let hits = neo.search_entries("metastatic lung", 5);
    let codes: Vec<&str> = hits[0].codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["C78.0-"]);

    let (ext, _) = eindex();
    let hits = ext.search_entries("fall from bed", 5);
    assert_eq!(
        hits[0].path, "Fall, falling, from, off, out of, bed",
        "{hits:?}"
    );
    assert_eq!(hits[0].codes[0].code.as_str(), "W06");
    assert_eq!(
        hits[0].display(),
        "Fall, falling, from, off, out of, bed: W06"
    );
    let hits = ext.search_entries("bitten by dog", 5);
    assert!(
        hits.iter()
            .any(|h| h.codes.iter().any(|c| c.code.as_str().starts_with("W54"))),
        "{hits:?}"
    );
    assert!(ext.search_entries("", 5).is_empty());
    assert!(ext.search_entries("the of and", 5).is_empty());
    assert!(ext.search_entries("fall", 0).is_empty());
}

#[test]
fn entries_for_code_lists_index_paths() {
    let (set, _) = drugs();
    let refs = set.entries_for_code("T39.011A");
    assert!(refs.iter().any(|r| r.path == "Aspirin"), "{refs:?}");
    let aspirin = refs.iter().find(|r| r.path == "Aspirin").unwrap();
    assert!(!aspirin.exact);
    assert!(
        matches!(&aspirin.source, CodeSource::Cell { col: 2, heading } if heading.starts_with("Poisoning Accidental"))
    );
    let exact = set.entries_for_code("t39011");
    assert!(exact.iter().all(|r| r.exact) && !exact.is_empty());
    assert!(set.entries_for_code("not a code").is_empty());

    let (ext, _) = eindex();
    let refs = ext.entries_for_code("W06.XXXA");
    assert!(
        refs.iter()
            .any(|r| r.path == "Fall, falling, from, off, out of, bed"),
        "{refs:?}"
    );
    let refs = ext.entries_for_code("T75.00XA");
    assert!(
        refs.iter().any(|r| r.source == CodeSource::SeeSubcategory),
        "{refs:?}"
    );

    let (neo, _) = neoplasms();
    let refs = neo.entries_for_code("C34.90");
    assert!(
        refs.iter()
            .any(|r| r.path == "Neoplasm, lung" && r.code.as_str() == "C34.9-"),
        "{refs:?}"
    );
}

#[test]
fn persisted_sets_read_back_the_same() {
    // Load time is measured by the benchmark (BENCHMARKS.md), not asserted here.
    for (set, _) in [drugs(), eindex(), neoplasms()] {
        let bytes = set.to_bytes().unwrap();
        let back = IndexSet::from_bytes(Path::new("idx.bin"), &bytes).unwrap();
        assert_eq!(back.counts(), set.counts());
        assert_eq!(back.kind(), set.kind());
        assert_eq!(back.version(), set.version());
        assert_eq!(back.columns(), set.columns());
        for (a, b) in set.entries().zip(back.entries()) {
            assert_eq!(a.path_string(), b.path_string());
            assert_eq!(a.codes(), b.codes());
            assert_eq!(a.cross_references(), b.cross_references());
            assert_eq!(a.printed_title(), b.printed_title());
        }
        // Damage: a flipped byte, a cut, another magic.
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x20;
        assert!(IndexSet::from_bytes(Path::new("idx.bin"), &flipped).is_err());
        assert!(IndexSet::from_bytes(Path::new("idx.bin"), &bytes[..bytes.len() - 1]).is_err());
        let err = IndexSet::from_bytes(Path::new("idx.bin"), b"RCMCMIX\x02").unwrap_err();
        assert!(err.to_string().contains("idx.bin"), "{err}");
    }
}

#[test]
fn one_kind_is_not_another() {
    let (path, xml) = source("icd10cm_drug_2023.xml.gz");
    let err = rcm_codes::cmindex::parse_index_as(&path, &xml, IndexKind::Neoplasms).unwrap_err();
    assert!(
        err.to_string().contains("Table of Drugs and Chemicals"),
        "{err}"
    );
    assert!(rcm_codes::cmindex::parse_index_as(&path, &xml, IndexKind::Drugs).is_ok());
}
