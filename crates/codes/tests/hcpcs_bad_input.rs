//! Damaged HCPCS files give an error naming the file, the line (or sheet and row),
//! the column and the field; nothing panics, whatever the bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use proptest::prelude::*;
use rcm_codes::hcpcs::{CptSet, HcpcsSet};
use rust_xlsxwriter::Workbook;

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/hcpcs/small-anweb.txt");
const CPT_CSV: &[u8] = include_bytes!("../../../tests/fixtures/hcpcs/cpt-licensed-sample.csv");

/// The fixture's lines (without CRLF), and the 1-based number of the first record line.
fn fixture_lines() -> (Vec<Vec<u8>>, usize) {
    let lines: Vec<Vec<u8>> = FIXTURE
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    let first = lines.iter().position(|l| l.len() == 320).unwrap() + 1;
    (lines, first)
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b"\r\n"[..])
}

fn err_of(bytes: &[u8]) -> String {
    HcpcsSet::from_fixed_width(Path::new("anweb.txt"), bytes)
        .unwrap_err()
        .to_string()
}

#[test]
fn wrong_layout_is_named() {
    let order = b"00001 A00     0 Cholera\n00002 A000    1 Cholera due to Vibrio cholerae 01, biovar cholerae\n";
    let e = err_of(order);
    assert!(
        e.starts_with("anweb.txt:1:6: not an HCPCS alpha-numeric file"),
        "{e}"
    );
    assert!(e.contains("SEQNUM (columns 6-10)"), "{e}");
    let e = err_of(b"code,description\nK0001,Standard wheelchair\n");
    assert!(e.starts_with("anweb.txt:1:6: not an HCPCS"), "{e}");
    assert_eq!(
        err_of(b""),
        "anweb.txt: the file is empty: no HCPCS records"
    );
    assert_eq!(
        err_of(b"\r\n  \r\n"),
        "anweb.txt: the file is empty: no HCPCS records"
    );
}

#[test]
fn truncated_record_names_line_column_and_field() {
    let (mut lines, first) = fixture_lines();
    lines[first - 1].truncate(250);
    let e = err_of(&join(&lines));
    assert!(
        e.starts_with(&format!("anweb.txt:{first}:251: truncated record")),
        "{e}"
    );
    assert!(
        e.contains("inside or before OPPS_DT (columns 245-252)"),
        "{e}"
    );
    // Cut inside the long description.
    let (mut lines, first) = fixture_lines();
    lines[first - 1].truncate(40);
    let e = err_of(&join(&lines));
    assert!(e.contains(&format!(":{first}:41: truncated record")), "{e}");
    assert!(e.contains("LONG DESCRIPTION (columns 12-91)"), "{e}");
}

#[test]
fn unknown_record_type_is_named() {
    let (mut lines, first) = fixture_lines();
    lines[first + 2][10] = b'5';
    let e = err_of(&join(&lines));
    assert!(
        e.starts_with(&format!(
            "anweb.txt:{}:11: RECID (column 11): unknown record type '5'",
            first + 3
        )),
        "{e}"
    );
}

#[test]
fn bad_fields_are_named() {
    let cases: &[(usize, &[u8], &str)] = &[
        (
            268,
            b"20201301",
            "ADD DT (columns 269-276): \"20201301\" is not a date",
        ),
        (
            276,
            b"2020-1-1",
            "ACT EFF DT (columns 277-284): \"2020-1-1\" is not a date",
        ),
        (
            284,
            b"19000229",
            "TERM DT (columns 285-292): \"19000229\" is not a date",
        ),
        (
            0,
            b"K0-01",
            "HCPC (columns 1-5): \"K0-01\" is not a procedure code",
        ),
        (5, b"001X0", "not an HCPCS record: SEQNUM (columns 6-10)"),
        (292, b"Z", "ACTION CD (column 293): action code \"Z\""),
        (229, b"X", "COV (column 230): coverage code \"X\""),
        (
            119,
            b"3X",
            "PRICE1 (columns 120-121): pricing indicator \"3X\"",
        ),
    ];
    let (lines, first) = fixture_lines();
    // The first procedure record of the fixture (modifiers come first in it).
    let proc_line = lines
        .iter()
        .position(|l| l.len() == 320 && l[10] == b'3')
        .unwrap();
    for (at, bytes, want) in cases {
        let mut lines = lines.clone();
        lines[proc_line][*at..*at + bytes.len()].copy_from_slice(bytes);
        let e = err_of(&join(&lines));
        let col = at + 1;
        assert!(
            e.starts_with(&format!("anweb.txt:{}:{col}: {want}", proc_line + 1)),
            "want {want}, got {e}"
        );
    }
    assert!(first > 1);
}

#[test]
fn structure_errors_are_named() {
    let (lines, _) = fixture_lines();
    // A continuation line whose first line is missing.
    let cont = lines
        .iter()
        .position(|l| l.len() == 91 && l[10] == b'4')
        .unwrap();
    let mut broken = lines.clone();
    broken.remove(cont - 1);
    let e = err_of(&join(&broken));
    assert!(
        e.contains(&format!(
            "anweb.txt:{cont}:1: HCPC (columns 1-5): continuation line"
        )),
        "{e}"
    );
    // A code twice.
    let rec = lines
        .iter()
        .position(|l| l.len() == 320 && l[10] == b'3')
        .unwrap();
    let mut twice = lines.clone();
    twice.push(lines[rec].clone());
    let e = err_of(&join(&twice));
    assert!(e.contains("appears twice (first at line"), "{e}");
    // A line longer than a record.
    let mut long = lines.clone();
    long[rec].extend_from_slice(b"XX");
    let e = err_of(&join(&long));
    assert!(
        e.starts_with(&format!(
            "anweb.txt:{}:321: line is 322 characters",
            rec + 1
        )),
        "{e}"
    );
    // Prose after the records started.
    let mut prose = lines.clone();
    prose.insert(rec + 1, b"This line is not a record at all".to_vec());
    let e = err_of(&join(&prose));
    assert!(
        e.starts_with(&format!("anweb.txt:{}:6: not an HCPCS record", rec + 2)),
        "{e}"
    );
}

fn workbook(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("HCPC2020").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

const XLSX_HEADER: [&str; 10] = [
    "HCPC",
    "SEQNUM",
    "RECID",
    "LONG DESCRIPTION",
    "SHORT DESCRIPTION",
    "COV",
    "ACTION CD",
    "ADD DT",
    "ACT EFF DT",
    "TERM DT",
];

fn good_row() -> Vec<&'static str> {
    vec![
        "K0001",
        "00100",
        "3",
        "Standard wheelchair",
        "Standard wheelchair",
        "C",
        "N",
        "19940101",
        "19940101",
        "",
    ]
}

#[test]
fn xlsx_with_renamed_column_names_file_sheet_and_column() {
    let mut header = XLSX_HEADER;
    header[7] = "ADD DATE";
    let bytes = workbook(&header, &[good_row()]);
    let e = HcpcsSet::from_xlsx(Path::new("HCPC2020_ANWEB.xlsx"), &bytes)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("HCPC2020_ANWEB.xlsx:1: sheet \"HCPC2020\""),
        "{e}"
    );
    assert!(e.contains("required column is \"ADD DT\" missing"), "{e}");
    assert!(e.contains("\"ADD DATE\" (renamed?)"), "{e}");

    // Two missing, one of them the code column itself.
    let mut header = XLSX_HEADER;
    header[0] = "CODE";
    header[9] = "TERMINATION";
    let bytes = workbook(&header, &[good_row()]);
    let e = HcpcsSet::from_xlsx(Path::new("h.xlsx"), &bytes)
        .unwrap_err()
        .to_string();
    assert!(e.contains("sheet \"HCPC2020\""), "{e}");
    assert!(e.contains("\"HCPC\", \"TERM DT\""), "{e}");

    // Names match whatever the case and underscores.
    let mut header = XLSX_HEADER;
    header[8] = "act_eff_dt";
    let bytes = workbook(&header, &[good_row()]);
    let set = HcpcsSet::from_xlsx(Path::new("h.xlsx"), &bytes).unwrap();
    assert_eq!(set.counts().procedures, 1);
}

#[test]
fn xlsx_bad_cell_names_sheet_row_and_column() {
    let mut bad = good_row();
    bad[9] = "2020-13-45";
    let bytes = workbook(&XLSX_HEADER, &[good_row(), bad]);
    let e = HcpcsSet::from_xlsx(Path::new("h.xlsx"), &bytes)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "h.xlsx:3:10: sheet \"HCPC2020\", column \"TERM DT\": \"20201345\" is not a date"
        ),
        "{e}"
    );
    let mut bad = good_row();
    bad[2] = "9";
    let bytes = workbook(&XLSX_HEADER, &[bad]);
    let e = HcpcsSet::from_xlsx(Path::new("h.xlsx"), &bytes)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "h.xlsx:2:3: sheet \"HCPC2020\", column \"RECID\": unknown record type \"9\""
        ),
        "{e}"
    );
    let e = HcpcsSet::from_xlsx(Path::new("h.xlsx"), b"not a zip")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("h.xlsx: not a readable Excel (xlsx) workbook"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = HcpcsSet::from_fixed_width(Path::new("x.txt"), &bytes);
        let _ = HcpcsSet::from_xlsx(Path::new("x.xlsx"), &bytes);
        let _ = HcpcsSet::from_bytes(Path::new("x.bin"), &bytes);
        let _ = CptSet::from_csv(Path::new("x.csv"), &bytes);
        let _ = rcm_codes::hcpcs::looks_like_fixed_width(&bytes);
    }

    #[test]
    fn fixed_width_reader_never_panics_on_damaged_lines(
        line in 0usize..64, cut in 0usize..330, flip in 0usize..330, byte in any::<u8>()
    ) {
        let (mut lines, _) = fixture_lines();
        let n = lines.len();
        let l = &mut lines[line % n];
        if !l.is_empty() {
            let at = flip % l.len();
            l[at] = byte;
        }
        let keep = cut.min(l.len());
        l.truncate(keep);
        let _ = HcpcsSet::from_fixed_width(Path::new("x.txt"), &join(&lines));
    }

    #[test]
    fn record_lines_never_panic(lines in proptest::collection::vec("[ -~]{0,330}", 0..12)) {
        let mut text = String::from("   LT001007Left side");
        text.push('\n');
        text.push_str(&lines.join("\n"));
        let _ = HcpcsSet::from_fixed_width(Path::new("x.txt"), text.as_bytes());
    }

    #[test]
    fn stored_form_never_panics_when_damaged(at in 0usize..100_000, byte in any::<u8>(), cut in 0usize..100_000) {
        let set = HcpcsSet::from_fixed_width(Path::new("x.txt"), FIXTURE).unwrap();
        let mut bytes = set.to_bytes().unwrap();
        let n = bytes.len();
        bytes[at % n] = byte;
        bytes.truncate(cut % (n + 1));
        let _ = HcpcsSet::from_bytes(Path::new("x.bin"), &bytes);
    }

    #[test]
    fn cpt_reader_never_panics_on_damaged_csv(at in 0usize..2000, byte in any::<u8>(), cut in 0usize..2000) {
        let mut bytes = CPT_CSV.to_vec();
        let n = bytes.len();
        bytes[at % n] = byte;
        bytes.truncate(cut % (n + 1));
        let _ = CptSet::from_csv(Path::new("x.csv"), &bytes);
    }
}
