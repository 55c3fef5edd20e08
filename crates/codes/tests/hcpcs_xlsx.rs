//! The Excel twin: a workbook written here from the fixture's records, columns in
//! another order, a title row above the header, numbers and Excel dates in cells,
//! reads to the same codes and modifiers as the fixed-width text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use rcm_codes::hcpcs::HcpcsSet;
use rcm_codes::hcpcs::layout::all_fields;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/hcpcs/small-anweb.txt");

fn field_text(line: &[u8], start: usize, end: usize) -> String {
    let s = start - 1;
    let e = end.min(line.len());
    if s >= e {
        return String::new();
    }
    String::from_utf8_lossy(&line[s..e]).trim().to_string()
}

#[test]
fn xlsx_twin_reads_like_the_text_file() {
    let text_set = HcpcsSet::from_fixed_width(Path::new("small-anweb.txt"), FIXTURE).unwrap();
    let records: Vec<&[u8]> = FIXTURE
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| l.len() >= 11 && l[5..10].iter().all(u8::is_ascii_digit))
        .collect();
    // Columns in reverse order: the reader must find them by name.
    let mut fields = all_fields();
    fields.reverse();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("HCPC2020_ANWEB").unwrap();
    sheet
        .write_string(0, 0, "2020 Alpha-Numeric HCPCS File")
        .unwrap();
    for (c, f) in fields.iter().enumerate() {
        sheet.write_string(1, c as u16, f.name).unwrap();
    }
    for (r, line) in records.iter().enumerate() {
        let row = r as u32 + 2;
        for (c, f) in fields.iter().enumerate() {
            let col = c as u16;
            let v = field_text(line, f.start, f.end);
            if v.is_empty() {
                continue;
            }
            match f.name {
                // Numbers where Excel users have numbers.
                "SEQNUM" | "RECID" | "ADD DT" => {
                    sheet
                        .write_number(row, col, v.parse::<f64>().unwrap())
                        .unwrap();
                }
                // A real Excel date.
                "ACT EFF DT" => {
                    let d = ExcelDateTime::from_ymd(
                        v[..4].parse().unwrap(),
                        v[4..6].parse().unwrap(),
                        v[6..8].parse().unwrap(),
                    )
                    .unwrap();
                    sheet
                        .write_datetime_with_format(row, col, &d, &date_format)
                        .unwrap();
                }
                _ => {
                    sheet.write_string(row, col, &v).unwrap();
                }
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let xlsx_set = HcpcsSet::from_xlsx(Path::new("HCPC2020_ANWEB.xlsx"), &bytes).unwrap();
    assert_eq!(xlsx_set.counts(), text_set.counts());
    assert_eq!(xlsx_set.codes(), text_set.codes());
    assert_eq!(xlsx_set.modifiers(), text_set.modifiers());
    assert!(xlsx_set.source().contains("sheet HCPC2020_ANWEB"));
    assert_eq!(xlsx_set.search("wheelchair", 3)[0].code, "K0001");
}
