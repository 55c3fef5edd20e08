//! The ICD-10-PCS engine against the official CMS FY2023 files (tables, index,
//! definitions) in the shared data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rcm_codes::pcs::{PcsSet, PcsValidation};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/icd10pcs/fy2023/"
);

fn file(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(DIR).join(name);
    let gz = std::fs::read(&path).unwrap();
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .unwrap();
    (path, out)
}

fn tables_xml() -> &'static (PathBuf, Vec<u8>) {
    static F: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();
    F.get_or_init(|| file("icd10pcs_tables_2023.xml.gz"))
}

/// The FY2023 set with index and definitions.
fn set() -> &'static PcsSet {
    static S: OnceLock<PcsSet> = OnceLock::new();
    S.get_or_init(|| {
        let (path, bytes) = tables_xml();
        let mut set = PcsSet::from_tables(path, bytes).unwrap();
        let (p, b) = file("icd10pcs_definitions_2023.xml.gz");
        set.load_definitions(&p, &b).unwrap();
        let (p, b) = file("icd10pcs_index_2023.xml.gz");
        set.load_index(&p, &b).unwrap();
        set
    })
}

/// Counts the file's own numbers by scanning its text, independently of the parser.
fn scan_counts(text: &str) -> (usize, usize, u64) {
    let tables = text.matches("<pcsTable>").count();
    let rows = text.matches("<pcsRow ").count();
    let codes = text
        .split("<pcsRow codes=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse::<u64>().unwrap())
        .sum();
    (tables, rows, codes)
}

#[test]
fn counts_match_the_files_own_numbers() {
    let (_, bytes) = tables_xml();
    let (tables, rows, codes) = scan_counts(std::str::from_utf8(bytes).unwrap());
    let set = set();
    let c = set.counts();
    assert_eq!(c.tables, tables);
    assert_eq!(c.rows, rows);
    assert_eq!(c.valid_codes, codes);
    assert_eq!(set.count_valid(), codes);
    // the published FY2023 total
    assert_eq!(codes, 78_530);
    assert_eq!((c.tables, c.rows), (901, 2544));
    assert_eq!(c.year, Some(2023));
    assert_eq!(set.year(), Some(2023));

    let (_, index) = file("icd10pcs_index_2023.xml.gz");
    let index = std::str::from_utf8(&index).unwrap();
    let terms = index.matches("<mainTerm>").count() + index.matches("<term ").count();
    assert_eq!(c.index_terms, terms);
    let (_, defs) = file("icd10pcs_definitions_2023.xml.gz");
    assert_eq!(
        c.definitions,
        std::str::from_utf8(&defs)
            .unwrap()
            .matches("<terms>")
            .count()
    );
}

#[test]
fn laparoscopic_appendectomy_is_valid_and_explained() {
    let set = set();
    assert_eq!(set.validate("0DTJ4ZZ"), PcsValidation::Valid);
    assert!(set.is_valid("0dtj4zz"));
    let e = set.explain("0DTJ4ZZ").unwrap();
    let got: Vec<(u8, &str, char, &str)> = e
        .axes
        .iter()
        .map(|a| (a.position, a.title, a.character, a.label))
        .collect();
    assert_eq!(
        got,
        [
            (1, "Section", '0', "Medical and Surgical"),
            (2, "Body System", 'D', "Gastrointestinal System"),
            (3, "Operation", 'T', "Resection"),
            (4, "Body Part", 'J', "Appendix"),
            (5, "Approach", '4', "Percutaneous Endoscopic"),
            (6, "Device", 'Z', "No Device"),
            (7, "Qualifier", 'Z', "No Qualifier"),
        ]
    );
    assert_eq!(
        e.operation_definition,
        Some("Cutting out or off, without replacement, all of a body part")
    );
    assert_eq!(
        e.description,
        "Resection of Appendix, Percutaneous Endoscopic Approach"
    );
    // the definitions file's terms: operation, body part, approach
    let appendix = e.terms.iter().find(|t| t.position == 4).unwrap();
    assert_eq!(appendix.includes, ["Vermiform appendix"]);
    let op = e.terms.iter().find(|t| t.position == 3).unwrap();
    assert!(
        op.includes.iter().any(|i| i.contains("Total nephrectomy")),
        "{op:?}"
    );
    assert!(e.terms.iter().any(|t| t.position == 5));
}

#[test]
fn invalid_combinations_name_the_axis() {
    let set = set();
    match set.validate("0DTJ4ZX") {
        PcsValidation::NotAllowed {
            table,
            position,
            axis,
            character,
            allowed,
        } => {
            assert_eq!(
                (table.as_str(), position, axis.as_str(), character),
                ("0DT", 7, "Qualifier", 'X')
            );
            assert_eq!(allowed, [('Z', "No Qualifier".to_string())]);
        }
        other => panic!("{other:?}"),
    }
    // approach 3 (Percutaneous) is not allowed for resection of the appendix
    match set.validate("0DTJ3ZZ") {
        PcsValidation::NotAllowed {
            position, allowed, ..
        } => {
            assert_eq!(position, 5);
            let chars: Vec<char> = allowed.iter().map(|a| a.0).collect();
            assert_eq!(chars, ['0', '4', '7', '8']);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        set.validate("0DTZ4ZZ"),
        PcsValidation::NotAllowed { position: 4, .. }
    ));
    match set.validate("0ZTJ4ZZ") {
        PcsValidation::UnknownTable {
            position,
            character,
            allowed,
        } => {
            assert_eq!((position, character), (2, 'Z'));
            assert!(allowed.iter().any(|a| a.0 == 'D'));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        set.validate("0DTJ4Z"),
        PcsValidation::WrongLength { length: 6 }
    ));
    assert!(matches!(
        set.validate(""),
        PcsValidation::WrongLength { length: 0 }
    ));
    assert!(matches!(
        set.validate("0DTJ4ZO"),
        PcsValidation::InvalidCharacter {
            position: 7,
            character: 'O'
        }
    ));
    assert!(set.validate("0DTJ4ZX").to_string().contains("Qualifier"));
    assert!(set.explain("0DTJ4ZX").is_err());
}

#[test]
fn every_code_of_every_row_is_valid_and_count_agrees_with_expansion() {
    let set = set();
    let all = set.expand("", usize::MAX);
    assert_eq!(all.len() as u64, set.count_valid());
    assert!(all.iter().all(|c| set.validate(c).is_valid()));
    assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
}

#[test]
fn builder_narrows_axis_by_axis() {
    let set = set();
    let sections: String = set.options("").iter().map(|o| o.0).collect();
    assert_eq!(sections, "0123456789BCDFGHX");
    assert!(
        set.options("0")
            .iter()
            .any(|o| o == &('D', "Gastrointestinal System"))
    );
    assert!(set.options("0D").iter().any(|o| o == &('T', "Resection")));
    assert!(set.options("0DT").iter().any(|o| o == &('J', "Appendix")));
    assert_eq!(set.next_axis_title("0DT"), Some("Body Part"));
    // after Appendix only approaches of rows holding Appendix
    let approaches: String = set.options("0DTJ").iter().map(|o| o.0).collect();
    assert_eq!(approaches, "0478");
    let approaches: String = set.options("0DTG").iter().map(|o| o.0).collect();
    assert_eq!(approaches, "0478F");
    assert_eq!(set.next_axis_title("0DTJ"), Some("Approach"));
    assert_eq!(set.options("0DTJ4"), [('Z', "No Device")]);
    assert_eq!(set.options("0DTJ4Z"), [('Z', "No Qualifier")]);
    assert!(set.options("0DTJ4ZZ").is_empty());
    assert!(set.options("0DTJ3").is_empty());
    assert!(set.options("0IT").is_empty());
    // row constraints: in 0DB (Excision, GI) the qualifier depends on the body part
    for prefix in ["0DBJ", "0DB6"] {
        for (a, _) in set.options(prefix) {
            let p = format!("{prefix}{a}");
            for (d, _) in set.options(&p) {
                let p = format!("{p}{d}");
                for (q, _) in set.options(&p) {
                    assert!(set.is_valid(&format!("{p}{q}")), "{p}{q}");
                }
            }
        }
    }
    // every option path ends in valid codes and every valid code is reachable
    let mut reached = 0u64;
    let mut stack = vec![String::from("0DT")];
    while let Some(p) = stack.pop() {
        if p.len() == 7 {
            assert!(set.is_valid(&p));
            reached += 1;
            continue;
        }
        for (c, _) in set.options(&p) {
            stack.push(format!("{p}{c}"));
        }
    }
    assert_eq!(reached as usize, set.expand("0DT", usize::MAX).len());
}

#[test]
fn every_expanded_code_validates() {
    let set = set();
    let codes = set.expand("0D", 5_000);
    let mut valid = 0;
    for _ in 0..20 {
        for c in &codes {
            if set.validate(c) == PcsValidation::Valid {
                valid += 1;
            }
        }
    }
    assert_eq!(valid, codes.len() * 20);
}

fn top(query: &str, n: usize) -> Vec<String> {
    set().search(query, n).into_iter().map(|h| h.code).collect()
}

#[test]
fn search_finds_laparoscopic_appendectomy() {
    let hits = set().search("laparoscopic appendectomy", 5);
    let pos = hits.iter().position(|h| h.code == "0DTJ4ZZ");
    assert!(pos.is_some_and(|p| p < 3), "{hits:#?}");
    let hit = &hits[pos.unwrap()];
    assert!(hit.complete);
    assert!(
        hit.why.iter().any(|w| w.contains("Appendectomy")),
        "{:?}",
        hit.why
    );
    assert!(
        hit.why
            .iter()
            .any(|w| w.contains("Percutaneous Endoscopic")),
        "{:?}",
        hit.why
    );
    assert_eq!(
        hit.description,
        "Resection of Appendix, Percutaneous Endoscopic Approach"
    );
}

#[test]
fn search_common_procedures() {
    let hits = top("laparoscopic cholecystectomy", 3);
    assert!(hits.contains(&"0FT44ZZ".to_string()), "{hits:?}");
    let hits = top("open appendectomy", 3);
    assert!(hits.contains(&"0DTJ0ZZ".to_string()), "{hits:?}");
    let hits = top("colonoscopy", 3);
    assert!(hits.contains(&"0DJD8ZZ".to_string()), "{hits:?}");
    let hits = top("cesarean section", 3);
    assert!(hits.iter().any(|c| c.starts_with("10D0")), "{hits:?}");
    let hits = top("total abdominal hysterectomy", 5);
    assert!(hits.iter().any(|c| c.starts_with("0UT9")), "{hits:?}");
    let hits = top("liver biopsy", 5);
    assert!(hits.iter().any(|c| c.starts_with("0FB0")), "{hits:?}");
    // a prefix hit offers the remaining choice
    let hits = set().search("appendectomy", 5);
    let p = hits.iter().find(|h| h.code == "0DTJ").unwrap();
    assert!(!p.complete);
    let next = p.next.as_ref().unwrap();
    assert_eq!(next.position, 5);
    assert_eq!(next.axis, "Approach");
    assert!(set().search("", 5).is_empty());
    assert!(set().search("zzzz qqqq", 5).is_empty());
}

#[test]
fn store_round_trip_is_fast_and_refuses_damage() {
    let set = set();
    let bytes = set.to_bytes();
    assert!(bytes.starts_with(b"RCMPCS01"));
    let path = Path::new("pcs-2023.bin");
    // Load time is measured by the benchmark, not asserted here.
    let loaded = PcsSet::from_bytes(path, &bytes).unwrap();
    assert_eq!(loaded.counts(), set.counts());
    assert_eq!(loaded.explain("0DTJ4ZZ"), set.explain("0DTJ4ZZ"));
    assert_eq!(loaded.options("0DTJ"), set.options("0DTJ"));
    assert_eq!(loaded.to_bytes(), bytes);
    assert_eq!(
        loaded.search("laparoscopic appendectomy", 3),
        set.search("laparoscopic appendectomy", 3)
    );

    for cut in [0, 7, 19, 20, bytes.len() / 2, bytes.len() - 1] {
        let err = PcsSet::from_bytes(path, &bytes[..cut]).unwrap_err();
        assert!(err.to_string().contains("pcs-2023.bin"), "{err}");
    }
    let mut flipped = bytes.clone();
    let at = flipped.len() / 3;
    flipped[at] ^= 0x40;
    assert!(PcsSet::from_bytes(path, &flipped).is_err());
}
