//! Bad index files give errors naming the file, line and column; no input, however
//! damaged, makes the reader or the persisted-bytes loader panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use proptest::prelude::*;
use rcm_codes::CodesError;
use rcm_codes::cmindex::{IndexSet, parse_index};

const FIXTURE: &str = include_str!("../../../tests/fixtures/cmindex/alphabetic-small.xml");

fn parse_err(text: &str) -> (u64, u64, String) {
    match parse_index(Path::new("bad.xml"), text.as_bytes()) {
        Err(CodesError::Parse { pos, message }) => {
            assert_eq!(pos.file, Path::new("bad.xml"));
            (pos.line, pos.column, message)
        }
        Err(other) => panic!("expected a positioned error, got {other}"),
        Ok(_) => panic!("accepted bad input:\n{text}"),
    }
}

/// 1-based line of the first occurrence of `needle` in the fixture (after edits).
fn line_of(text: &str, needle: &str) -> u64 {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() as u64 + 1
}

#[test]
fn wrong_root_names_the_root() {
    let bad = FIXTURE.replace("ICD10CM.index>", "ICD10CM.tabular>");
    let (line, col, msg) = parse_err(&bad);
    assert_eq!(line, line_of(&bad, "<ICD10CM.tabular>"));
    assert_eq!(col, 1);
    assert!(
        msg.contains("<ICD10CM.tabular>") && msg.contains("ICD10CM.index"),
        "{msg}"
    );
    let (_, _, msg) = parse_err("<ICD10PCS.index><letter/></ICD10PCS.index>");
    assert!(msg.contains("ICD10PCS.index"), "{msg}");
}

#[test]
fn truncated_file_names_the_unclosed_element() {
    let cut = &FIXTURE[..FIXTURE.find("<title>midcervical").unwrap()];
    let (line, _, msg) = parse_err(cut);
    assert_eq!(line, cut.matches('\n').count() as u64 + 1);
    assert!(
        msg.contains("never closed") && msg.contains("truncated"),
        "{msg}"
    );
    // Cut inside a tag.
    let cut = &FIXTURE[..FIXTURE.find("level=\"3\"").unwrap()];
    let (_, _, msg) = parse_err(cut);
    assert!(
        msg.contains("malformed") || msg.contains("never closed"),
        "{msg}"
    );
}

#[test]
fn term_without_title_is_reported_where_it_starts() {
    let bad = FIXTURE.replacen("<title>midcervical</title>", "", 1);
    let (line, col, msg) = parse_err(&bad);
    let expected = {
        let at = bad.find("<code>S72.03-").unwrap();
        let term = bad[..at].rfind("<term").unwrap();
        bad[..term].matches('\n').count() as u64 + 1
    };
    assert_eq!(line, expected);
    assert!(col > 1);
    assert!(msg.contains("<term> without a <title>"), "{msg}");
    let bad = FIXTURE.replacen(
        "<title>Amyloidosis<nemod>(generalized) (primary)</nemod></title>",
        "",
        1,
    );
    let (_, _, msg) = parse_err(&bad);
    assert!(msg.contains("<mainTerm> without a <title>"), "{msg}");
    let bad = FIXTURE.replacen("<title>heart</title>", "<title>  </title>", 1);
    let (line, _, msg) = parse_err(&bad);
    assert_eq!(line, line_of(&bad, "<title>  </title>"));
    assert!(msg.contains("empty <title>"), "{msg}");
}

#[test]
fn bad_codes_and_columns_are_reported() {
    let bad = FIXTURE.replacen("<code>S72.04-</code>", "<code>S7.204</code>", 1);
    let (line, _, msg) = parse_err(&bad);
    assert_eq!(line, line_of(&bad, "S7.204"));
    assert!(msg.contains("\"S7.204\" is not an ICD-10-CM code"), "{msg}");
    let bad = FIXTURE.replacen("<code>E85.4</code>", "<cell col=\"2\">E85.4</cell>", 1);
    let (_, _, msg) = parse_err(&bad);
    assert!(msg.contains("without an <indexHeading>"), "{msg}");

    let table = r#"<ICD10CM.index><version>2023</version>
<indexHeading><head col="1">Substance</head><head col="2">Poisoning Accidental (unintentional)</head></indexHeading>
<letter><title>A</title>
<mainTerm><title>Aspirin</title><cell col="2">T39.011</cell></mainTerm>
</letter></ICD10CM.index>"#;
    assert!(parse_index(Path::new("t.xml"), table.as_bytes()).is_ok());
    for (edit, expect) in [
        ("<cell col=\"9\">T39.011</cell>", "number from 1 to 7"),
        ("<cell col=\"3\">T39.011</cell>", "not a code column"),
        ("<cell col=\"x\">T39.011</cell>", "number from 1 to 7"),
        ("<cell>T39.011</cell>", "without a col attribute"),
        (
            "<cell col=\"2\">aspirin</cell>",
            "neither an ICD-10-CM code nor a dash",
        ),
        (
            "<cell col=\"2\">T39.011</cell><cell col=\"2\">--</cell>",
            "given twice",
        ),
    ] {
        let bad = table.replace("<cell col=\"2\">T39.011</cell>", edit);
        let (line, col, msg) = parse_err(&bad);
        assert_eq!((line, col > 1), (4, true), "{edit}: {msg}");
        assert!(msg.contains(expect), "{edit}: {msg}");
    }
    let unknown = table.replace("Substance", "Ingredient");
    let (line, _, msg) = parse_err(&unknown);
    assert_eq!(line, 2);
    assert!(msg.contains("column 1"), "{msg}");
}

#[test]
fn level_jumps_and_misplaced_elements_are_reported() {
    let bad = FIXTURE.replacen(
        "<term level=\"3\">\n            <title>base",
        "<term level=\"4\">\n            <title>base",
        1,
    );
    let (line, _, msg) = parse_err(&bad);
    assert_eq!(line, line_of(&bad, "<term level=\"4\">"));
    assert!(msg.contains("expected level 3"), "{msg}");
    let bad = FIXTURE.replacen(
        "<term level=\"1\">\n        <title>heart",
        "<term>\n        <title>heart",
        1,
    );
    let (_, _, msg) = parse_err(&bad);
    assert!(msg.contains("without a level"), "{msg}");
    let bad = FIXTURE.replacen("<title>A</title>", "<title>A</title><code>A00</code>", 1);
    let (_, _, msg) = parse_err(&bad);
    assert!(msg.contains("outside a <mainTerm>"), "{msg}");
    let bad = FIXTURE.replacen("<version>2023</version>", "<version>FY23</version>", 1);
    let (line, _, msg) = parse_err(&bad);
    assert_eq!(line, line_of(&bad, "<version>"));
    assert!(msg.contains("not a year"), "{msg}");
}

#[test]
fn empty_and_non_text_files_are_errors() {
    for empty in ["", "   \n\t"] {
        let (line, _, msg) = parse_err(empty);
        assert_eq!(line, 0);
        assert!(msg.contains("empty"), "{msg}");
    }
    let (_, _, msg) = parse_err("<ICD10CM.index><version>2023</version></ICD10CM.index>");
    assert!(msg.contains("no entries"), "{msg}");
    let mut bytes = FIXTURE.as_bytes().to_vec();
    let at = FIXTURE.find("Amyloidosis").unwrap();
    bytes[at] = 0xff;
    let err = parse_index(Path::new("b.xml"), &bytes).unwrap_err();
    assert!(
        err.to_string().starts_with("b.xml:") && err.to_string().contains("UTF-8"),
        "{err}"
    );
    let (_, _, msg) = parse_err("just some text");
    assert!(msg.contains("no <ICD10CM.index> root"), "{msg}");
}

#[test]
fn unknown_elements_are_skipped_and_counted() {
    let odd = FIXTURE.replacen(
        "<code>E85.9</code>",
        "<code>E85.9</code><note>x<b>y</b></note>",
        1,
    );
    let set = parse_index(Path::new("odd.xml"), odd.as_bytes()).unwrap();
    assert_eq!(set.counts().skipped_elements, [("note".to_string(), 1)]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn reader_and_loader_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_index(Path::new("x.xml"), &bytes);
        let _ = IndexSet::from_bytes(Path::new("x.bin"), &bytes);
    }

    #[test]
    fn reader_never_panics_on_damaged_fixture(
        cut in 0usize..FIXTURE.len(),
        edits in proptest::collection::vec((0usize..FIXTURE.len(), any::<u8>()), 0..6),
    ) {
        let mut bytes = FIXTURE.as_bytes().to_vec();
        for (at, b) in edits {
            bytes[at] = b;
        }
        let _ = parse_index(Path::new("x.xml"), &bytes);
        let _ = parse_index(Path::new("x.xml"), &bytes[..cut]);
        if let Ok(set) = parse_index(Path::new("x.xml"), &bytes) {
            let _ = set.walk("Fracture, femur, neck");
            let _ = set.search_entries("femur neck", 5);
            let _ = set.entries_for_code("S72.001A");
        }
    }

    #[test]
    fn loader_never_panics_on_damaged_bytes(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let set = parse_index(Path::new("f.xml"), FIXTURE.as_bytes()).unwrap();
        let good = set.to_bytes().unwrap();
        let mut bad = good.clone();
        for (at, b) in &edits {
            let i = at.index(bad.len());
            bad[i] = *b;
        }
        if bad != good {
            prop_assert!(IndexSet::from_bytes(Path::new("f.bin"), &bad).is_err());
        }
        let _ = IndexSet::from_bytes(Path::new("f.bin"), &good[..cut.index(good.len())]);
    }

    /// Payloads with a valid header but damaged JSON: the structural checks, not the
    /// checksum, must catch them.
    #[test]
    fn loader_checks_structure_behind_a_valid_checksum(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..10), 1..4),
    ) {
        let set = parse_index(Path::new("f.xml"), FIXTURE.as_bytes()).unwrap();
        let good = set.to_bytes().unwrap();
        let mut payload = good[20..].to_vec();
        // Replace digits with other digits: ids, levels and columns change.
        let digits: Vec<usize> = payload.iter().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
        for (at, d) in &edits {
            let i = digits[at.index(digits.len())];
            payload[i] = b'0' + d;
        }
        let mut bytes = good[..8].to_vec();
        bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&payload);
        if let Ok(back) = IndexSet::from_bytes(Path::new("f.bin"), &bytes) {
            for e in back.entries() {
                let _ = back.walk(&e.path_string());
                let _ = e.codes();
            }
            let _ = back.search_entries("fracture femur", 5);
            let _ = back.entries_for_code("S72.001A");
            let _ = back.counts();
        }
    }
}
