//! The ICD-10-PCS readers and store on small fixtures and damaged input: every
//! structural problem is refused with the file, line and column; nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use proptest::prelude::*;
use rcm_codes::CodesError;
use rcm_codes::pcs::{PcsSet, PcsValidation};

const TABLES: &str = include_str!("fixtures/pcs/tables_small.xml");
const INDEX: &str = include_str!("fixtures/pcs/index_small.xml");
const DEFINITIONS: &str = include_str!("fixtures/pcs/definitions_small.xml");

fn small() -> PcsSet {
    let mut set = PcsSet::from_tables(Path::new("t.xml"), TABLES.as_bytes()).unwrap();
    set.load_index(Path::new("i.xml"), INDEX.as_bytes())
        .unwrap();
    set.load_definitions(Path::new("d.xml"), DEFINITIONS.as_bytes())
        .unwrap();
    set
}

/// The error of reading `text` as a tables file, as (line, column, message).
fn tables_error(text: &str) -> (u64, u64, String) {
    match PcsSet::from_tables(Path::new("bad.xml"), text.as_bytes()) {
        Err(CodesError::Parse { pos, message }) => {
            assert_eq!(pos.file, Path::new("bad.xml"));
            (pos.line, pos.column, message)
        }
        Err(other) => panic!("not a positioned error: {other}"),
        Ok(_) => panic!("accepted"),
    }
}

fn line_of(text: &str, needle: &str) -> u64 {
    text[..text.find(needle).unwrap()].matches('\n').count() as u64 + 1
}

#[test]
fn small_fixture_reads_completely() {
    let set = small();
    let c = set.counts();
    assert_eq!((c.tables, c.rows, c.valid_codes), (2, 3, 8));
    assert_eq!((c.index_terms, c.definitions, c.year), (9, 3, Some(2023)));
    assert!(set.is_valid("0DTJ4ZZ"));
    assert!(set.is_valid("0DTNFZX"));
    assert_eq!(
        set.options("0DTN"),
        [(
            'F',
            "Via Natural or Artificial Opening With Percutaneous Endoscopic Assistance"
        )]
    );
    assert_eq!(set.options("0DTNFZ").len(), 2);
    assert_eq!(set.options("0DTJ4Z"), [('Z', "No Qualifier")]);
    match set.validate("0DTJFZZ") {
        PcsValidation::NotAllowed {
            position, allowed, ..
        } => {
            assert_eq!(position, 5);
            assert_eq!(allowed.iter().map(|a| a.0).collect::<String>(), "04");
        }
        other => panic!("{other:?}"),
    }
    let e = set.explain("0DTJ4ZZ").unwrap();
    assert_eq!(e.terms.len(), 3);
    let entries: Vec<_> = set.index_entries().collect();
    assert_eq!(entries[1].path, ["Appendectomy"]);
    assert_eq!(entries[1].see, Some("Resection, Appendix"));
    assert_eq!(entries[1].code, Some("0DTJ"));
    assert_eq!(entries[6].path, ["Resection", "Stomach"]);
    assert_eq!(entries[6].code, Some("0DT60ZZ"));
    assert_eq!(entries[8].use_value, Some("Appendix"));
    let hits = set.search("laparoscopic appendectomy", 3);
    assert_eq!(hits[0].code, "0DTJ4ZZ", "{hits:#?}");
    let hits = set.search("vermiform appendix resection open", 3);
    assert_eq!(hits[0].code, "0DTJ0ZZ", "{hits:#?}");
}

#[test]
fn wrong_root_is_positioned() {
    let text = "<?xml version=\"1.0\"?>\n<ICD10CM.tabular>\n</ICD10CM.tabular>\n";
    let (line, col, msg) = tables_error(text);
    assert_eq!((line, col), (2, 1));
    assert!(msg.contains("expected <ICD10PCS.tabular>"), "{msg}");
    // the index reader wants its own root
    let err = small()
        .load_index(Path::new("i.xml"), TABLES.as_bytes())
        .unwrap_err();
    assert!(err.to_string().contains("ICD10PCS.index"), "{err}");
}

#[test]
fn empty_and_non_utf8_files() {
    let err = PcsSet::from_tables(Path::new("e.xml"), b"").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = PcsSet::from_tables(Path::new("e.xml"), b"  \n ").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let mut bytes = TABLES.as_bytes().to_vec();
    let at = TABLES.find("Appendix").unwrap();
    bytes[at] = 0xff;
    let err = PcsSet::from_tables(Path::new("b.xml"), &bytes).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("b.xml:{}:", line_of(TABLES, "Appendix"))),
        "{msg}"
    );
    assert!(msg.contains("UTF-8"), "{msg}");
    let (_, _, msg) = tables_error("<ICD10PCS.tabular><version>2023</version></ICD10PCS.tabular>");
    assert!(msg.contains("no <pcsTable>"), "{msg}");
}

#[test]
fn truncated_file_names_the_open_element() {
    let cut = &TABLES[..TABLES.find("<label code=\"4\">Gallbladder").unwrap()];
    let (line, _, msg) = tables_error(cut);
    assert_eq!(line, cut.matches('\n').count() as u64 + 1);
    assert!(msg.contains("never closed"), "{msg}");
    let cut = &TABLES[..TABLES.find("</ICD10PCS.tabular>").unwrap() + 5];
    let (_, _, msg) = tables_error(cut);
    assert!(
        msg.contains("malformed") || msg.contains("never closed"),
        "{msg}"
    );
}

#[test]
fn bad_label_character_is_positioned() {
    let bad = TABLES.replacen(
        "<label code=\"J\">Appendix",
        "<label code=\"I\">Appendix",
        1,
    );
    let (line, col, msg) = tables_error(&bad);
    assert_eq!(line, line_of(TABLES, "<label code=\"J\">Appendix"));
    assert_eq!(col, 9);
    assert!(msg.contains("code=\"I\""), "{msg}");
    let bad = TABLES.replacen("<label code=\"J\">", "<label code=\"JJ\">", 1);
    assert!(tables_error(&bad).2.contains("JJ"));
    let bad = TABLES.replacen("<label code=\"J\">", "<label>", 1);
    assert!(tables_error(&bad).2.contains("code=\"\""));
}

#[test]
fn duplicate_label_is_positioned() {
    let bad = TABLES.replacen("<label code=\"6\">Stomach", "<label code=\"J\">Stomach", 1);
    let (line, _, msg) = tables_error(&bad);
    assert_eq!(line, line_of(TABLES, "<label code=\"6\">Stomach"));
    assert!(msg.contains("label J is given twice"), "{msg}");
}

#[test]
fn missing_axis_is_positioned() {
    // drop the approach axis of the first row
    let start = TABLES.find("<axis pos=\"5\" values=\"2\">").unwrap();
    let end = start + TABLES[start..].find("</axis>").unwrap() + "</axis>".len();
    let bad = format!("{}{}", &TABLES[..start], &TABLES[end..]);
    let (line, _, msg) = tables_error(&bad);
    assert_eq!(line, line_of(TABLES, "<pcsRow codes=\"4\">"));
    assert!(msg.contains("no axis pos=\"5\" (Approach)"), "{msg}");
    // drop the body system of the first table
    let start = TABLES.find("<axis pos=\"2\"").unwrap();
    let end = start + TABLES[start..].find("</axis>").unwrap() + "</axis>".len();
    let bad = format!("{}{}", &TABLES[..start], &TABLES[end..]);
    let (line, _, msg) = tables_error(&bad);
    assert_eq!(line, line_of(TABLES, "<pcsTable>"));
    assert!(msg.contains("no axis pos=\"2\" (Body System)"), "{msg}");
}

#[test]
fn inconsistent_counts_and_overlaps_are_refused() {
    let bad = TABLES.replacen("<pcsRow codes=\"4\">", "<pcsRow codes=\"5\">", 1);
    let (line, _, msg) = tables_error(&bad);
    assert_eq!(line, line_of(TABLES, "<pcsRow codes=\"4\">"));
    assert!(msg.contains("allow 4 codes"), "{msg}");
    let bad = TABLES.replacen(
        "<axis pos=\"4\" values=\"2\">",
        "<axis pos=\"4\" values=\"3\">",
        1,
    );
    assert!(tables_error(&bad).2.contains("values=\"3\""));
    let bad = TABLES.replacen(
        "<axis pos=\"4\" values=\"2\">",
        "<axis pos=\"8\" values=\"2\">",
        1,
    );
    assert!(tables_error(&bad).2.contains("pos=\"8\""));
    // the second row allowing Appendix too overlaps the first
    let bad = TABLES.replacen(
        "<label code=\"N\">Large Intestine, Left</label>",
        "<label code=\"J\">Appendix</label>",
        1,
    );
    let bad = bad.replacen("<label code=\"F\">Via Natural or Artificial Opening With Percutaneous Endoscopic Assistance</label>", "<label code=\"4\">Percutaneous Endoscopic</label>", 1);
    let (_, _, msg) = tables_error(&bad);
    assert!(msg.contains("already allows"), "{msg}");
    // a table given twice
    let first = &TABLES[TABLES.find("  <pcsTable>").unwrap()..TABLES.find("  <pcsTable>\n    <axis pos=\"1\" values=\"1\">\n      <title>Section</title>\n      <label code=\"0\">Medical and Surgical</label>\n    </axis>\n    <axis pos=\"2\" values=\"1\">\n      <title>Body System</title>\n      <label code=\"F\"").unwrap()];
    let bad = TABLES.replacen(
        "</ICD10PCS.tabular>",
        &format!("{first}</ICD10PCS.tabular>"),
        1,
    );
    let (_, _, msg) = tables_error(&bad);
    assert!(
        msg.contains("table 0DT is given twice (first at line 5)"),
        "{msg}"
    );
}

#[test]
fn bad_index_and_definitions_are_positioned() {
    let mut set = small();
    let bad = INDEX.replacen("<codes>0DTJ</codes>", "<codes>0DTJ!</codes>", 1);
    let err = set
        .load_index(Path::new("i.xml"), bad.as_bytes())
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("i.xml:{}:", line_of(INDEX, "<codes>0DTJ</codes>"))),
        "{msg}"
    );
    let bad = INDEX.replacen("<term level=\"1\">", "<term level=\"3\">", 1);
    assert!(set.load_index(Path::new("i.xml"), bad.as_bytes()).is_err());
    let bad = DEFINITIONS.replacen("<section code=\"0\">", "<section code=\"00\">", 1);
    let err = set
        .load_definitions(Path::new("d.xml"), bad.as_bytes())
        .unwrap_err();
    assert!(err.to_string().starts_with("d.xml:5:"), "{err}");
    let bad = DEFINITIONS.replacen("<version>2023</version>", "<version>2024</version>", 1);
    let err = set
        .load_definitions(Path::new("d.xml"), bad.as_bytes())
        .unwrap_err();
    assert!(err.to_string().contains("2024"), "{err}");
    // refused loads leave the set as it was
    assert_eq!(set.counts().index_terms, 9);
    assert_eq!(set.counts().definitions, 3);
}

#[test]
fn store_round_trip_on_the_fixture() {
    let set = small();
    let bytes = set.to_bytes();
    let back = PcsSet::from_bytes(Path::new("s.bin"), &bytes).unwrap();
    assert_eq!(back.counts(), set.counts());
    assert_eq!(back.to_bytes(), bytes);
    let err = PcsSet::from_bytes(Path::new("s.bin"), b"RCMPCS02........").unwrap_err();
    assert!(matches!(err, CodesError::CorruptIndex { .. }), "{err}");
}

fn fixture_bytes() -> Vec<u8> {
    small().to_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = PcsSet::from_tables(Path::new("x"), &bytes);
        let mut set = small();
        let _ = set.load_index(Path::new("x"), &bytes);
        let _ = set.load_definitions(Path::new("x"), &bytes);
        let _ = PcsSet::from_bytes(Path::new("x"), &bytes);
        let mut framed = b"RCMPCS01".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = PcsSet::from_bytes(Path::new("x"), &framed);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        which in 0usize..3,
        cut in 0usize..4000,
        edits in proptest::collection::vec((0usize..4000, any::<u8>()), 0..4),
    ) {
        let text = [TABLES, INDEX, DEFINITIONS][which];
        let mut bytes = text.as_bytes().to_vec();
        for (at, b) in edits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(cut.max(1));
        let mut set = small();
        match which {
            0 => {
                if let Ok(s) = PcsSet::from_tables(Path::new("x"), &bytes) {
                    let _ = s.search("appendectomy", 3);
                    let _ = s.validate("0DTJ4ZZ");
                }
            }
            1 => { let _ = set.load_index(Path::new("x"), &bytes); let _ = set.search("appendix", 3); }
            _ => { let _ = set.load_definitions(Path::new("x"), &bytes); let _ = set.explain("0DTJ4ZZ"); }
        }
    }

    #[test]
    fn damaged_store_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let mut bytes = fixture_bytes();
        for (at, b) in edits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        let n = bytes.len();
        bytes.truncate(cut % (n + 1));
        if let Ok(set) = PcsSet::from_bytes(Path::new("x"), &bytes) {
            let _ = set.search("laparoscopic appendectomy", 3);
            let _ = set.options("0DT");
            let _ = set.explain("0DTJ4ZZ");
        }
    }

    /// Edits behind a recomputed checksum reach the structural checks.
    #[test]
    fn crafted_store_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = fixture_bytes();
        let n = bytes.len();
        for (at, b) in edits {
            bytes[20 + at % (n - 20)] = b;
        }
        let crc = crc32fast::hash(&bytes[20..]);
        bytes[16..20].copy_from_slice(&crc.to_le_bytes());
        if let Ok(set) = PcsSet::from_bytes(Path::new("x"), &bytes) {
            let _ = set.search("laparoscopic appendectomy", 3);
            let _ = set.expand("", 100);
            let _ = set.explain("0DTJ4ZZ");
            let _ = set.index_entries().count();
        }
    }
}
