//! Files that are not what CMS publishes: every error names the file (and member), the
//! line or sheet row and the column, and says what to do. Also xlsx in both layouts.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rcm_edits::ncci::{
    ImportOptions, ModifierIndicator, MueIndicator, MueSetting, NcciError, NcciTables, PtpSetting,
    import,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ncci")
        .join(name)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    p
}

fn zip_of(dir: &Path, name: &str, member: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let f = fs::File::create(&p).unwrap_or_else(|e| panic!("{e}"));
    let mut z = zip::ZipWriter::new(f);
    z.start_file(member, zip::write::SimpleFileOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    z.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    z.finish().unwrap_or_else(|e| panic!("{e}"));
    p
}

fn import_err(data: &Path, paths: &[PathBuf]) -> String {
    match import(data, paths, &ImportOptions::default()) {
        Ok(r) => panic!("imported: {r:?}"),
        Err(e) => e.to_string(),
    }
}

const HEADER: &str = "CPT only copyright 2025 American Medical Association. All rights reserved.\nColumn1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\n\t\t\t\t*=no data\t0=not allowed 1=allowed 9=not applicable\t\n";

#[test]
fn truncated_zip() {
    let dir = tmp();
    let bytes = fs::read(fixture("ccipra-v323r0-f3.zip")).unwrap_or_default();
    let p = write(
        dir.path(),
        "ccipra-v323r0-f3.zip",
        &bytes[..bytes.len() / 2],
    );
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(e.contains("ccipra-v323r0-f3.zip"), "{e}");
    assert!(e.contains("download it again"), "{e}");
    assert!(!dir.path().join("data/edits/ncci-catalog.json").exists());
}

#[test]
fn bad_date_names_member_line_and_column() {
    let dir = tmp();
    let text = format!(
        "{HEADER}93000\t93005\t*\t19960101\t*\t0\tStandards of medical / surgical practice\n93000\t93010\t*\t1996-13-01\t*\t0\tStandards of medical / surgical practice\n"
    );
    let p = zip_of(
        dir.path(),
        "ccipra-v323r0-f3.zip",
        "ccipra-v323r0-f3.txt",
        text.as_bytes(),
    );
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains(
            "ccipra-v323r0-f3.zip (member ccipra-v323r0-f3.txt), line 5, column 4 (Effective Date)"
        ),
        "{e}"
    );
    assert!(e.contains("1996-13-01"), "{e}");
}

#[test]
fn bad_modifier_and_code() {
    let dir = tmp();
    let text = format!("{HEADER}93000\t93005\t*\t19960101\t*\t2\tx\n");
    let p = write(dir.path(), "ccipra-v323r0-f3.txt", text.as_bytes());
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains("line 4, column 6 (Modifier 0=not allowed 1=allowed 9=not applicable)"),
        "{e}"
    );
    let text = format!("{HEADER}9300\t93005\t*\t19960101\t*\t0\tx\n");
    let p = write(dir.path(), "ccipra-v323r0-f3.txt", text.as_bytes());
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains("line 4, column 1 (Column1)") && e.contains("\"9300\""),
        "{e}"
    );
    // A row that stops early.
    let text = format!("{HEADER}93000\t93005\t*\n");
    let p = write(dir.path(), "ccipra-v323r0-f3.txt", text.as_bytes());
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains("line 4, column 4") && e.contains("Effective Date is missing"),
        "{e}"
    );
}

#[test]
fn missing_column() {
    let dir = tmp();
    let text =
        "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Rationale\n36415,2,Clinical: Data\n";
    let p = write(
        dir.path(),
        "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv",
        text.as_bytes(),
    );
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains("line 1") && e.contains("no MUE Adjudication Indicator column"),
        "{e}"
    );
}

#[test]
fn unknown_file_and_unknown_setting() {
    let dir = tmp();
    let p = write(
        dir.path(),
        "notes.txt",
        b"Claims to rework this week\n99213 x2\n",
    );
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(
        e.contains("notes.txt") && e.contains("not an NCCI PTP or MUE file"),
        "{e}"
    );
    // A PTP file renamed so nothing says practitioner or hospital.
    let text = format!("{HEADER}93000\t93005\t*\t19960101\t*\t0\tx\n").replace("CPT only", "CPT");
    let p = write(dir.path(), "edits-v323r0.txt", text.as_bytes());
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(e.contains("ccipra"), "{e}");
    // An empty file.
    let p = write(dir.path(), "ccipra-v323r0-f1.txt", b"");
    let e = import_err(&dir.path().join("data"), &[p]);
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn conflicting_rows_across_parts() {
    let dir = tmp();
    let a = write(
        dir.path(),
        "ccipra-v323r0-f1.txt",
        format!("{HEADER}93000\t93005\t*\t19960101\t*\t0\tx\n").as_bytes(),
    );
    let b = write(
        dir.path(),
        "ccipra-v323r0-f2.txt",
        format!("{HEADER}93000\t93005\t*\t19960101\t*\t1\tx\n").as_bytes(),
    );
    let e = import_err(&dir.path().join("data"), &[a.clone(), b]);
    assert!(
        e.contains("ccipra-v323r0-f2.txt, line 4") && e.contains("ccipra-v323r0-f1.txt, line 4"),
        "{e}"
    );
    // The same row twice is kept once and reported.
    let c = write(
        dir.path(),
        "ccipra-v323r0-f2.txt",
        format!("{HEADER}93000\t93005\t*\t19960101\t*\t0\tx\n").as_bytes(),
    );
    let r = import(&dir.path().join("data"), &[a, c], &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.tables[0].rows, 1);
    assert_eq!(r.tables[0].skipped[0].count, 1);
    assert!(r.tables[0].skipped[0].reason.contains("duplicate"));
}

fn e<T>(r: Result<T, rust_xlsxwriter::XlsxError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn d(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// xlsx as CMS publishes it: disclaimer rows above the header, dates as numbers
/// (YYYYMMDD) or as Excel dates, MUE values as numbers.
#[test]
fn xlsx_in_zip() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tmp();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("mm/dd/yyyy");
    e(ws.write_string(0, 0, "CPT codes, descriptions and other data only are copyright 2025 American Medical Association. All Rights Reserved."));
    e(ws.write_string(1, 0, "Hospital PTP edits"));
    for (c, h) in [
        "Column 1",
        "Column 2",
        "*=in existence prior to 1996",
        "Effective Date",
        "Deletion Date",
        "Modifier",
        "PTP Edit Rationale",
    ]
    .iter()
    .enumerate()
    {
        e(ws.write_string(3, c as u16, *h));
    }
    e(ws.write_string(4, 4, "*=no data"));
    e(ws.write_string(4, 5, "0=not allowed 1=allowed 9=not applicable"));
    e(ws.write_string(5, 0, "93000"));
    e(ws.write_string(5, 1, "93005"));
    e(ws.write_string(5, 2, "*"));
    e(ws.write_number(5, 3, 19960101.0));
    e(ws.write_string(5, 4, "*"));
    e(ws.write_number(5, 5, 0.0));
    e(ws.write_string(5, 6, "Standards of medical / surgical practice"));
    e(ws.write_string(6, 0, "29125"));
    e(ws.write_string(6, 1, "97760"));
    let eff = e(ExcelDateTime::from_ymd(2009, 1, 1));
    e(ws.write_datetime_with_format(6, 3, &eff, &date_fmt));
    let del = e(ExcelDateTime::from_ymd(2026, 11, 30));
    e(ws.write_datetime_with_format(6, 4, &del, &date_fmt));
    e(ws.write_number(6, 5, 1.0));
    e(ws.write_string(6, 6, "Standards of medical / surgical practice"));
    let ptp = e(wb.save_to_buffer());
    let p1 = zip_of(
        dir.path(),
        "ccioph-v323r0-f1.zip",
        "ccioph-v323r0-f1.xlsx",
        &ptp,
    );

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    e(ws.write_string(0, 0, "CPT codes, descriptions and other data only are copyright 2025 American Medical Association."));
    for (c, h) in [
        "HCPCS/CPT Code",
        "Outpatient Hospital Services MUE Values",
        "MUE Adjudication Indicator",
        "MUE Rationale",
    ]
    .iter()
    .enumerate()
    {
        e(ws.write_string(2, c as u16, *h));
    }
    e(ws.write_string(3, 0, "36415"));
    e(ws.write_number(3, 1, 2.0));
    e(ws.write_string(3, 2, "3 Date of Service Edit: Clinical"));
    e(ws.write_string(3, 3, "Clinical: Data"));
    e(ws.write_string(4, 0, "J3301"));
    e(ws.write_number(4, 1, 160.0));
    e(ws.write_string(4, 2, "2 Date of Service Edit: Policy"));
    e(ws.write_string(4, 3, "CMS Policy"));
    let mue = e(wb.save_to_buffer());
    let p2 = zip_of(
        dir.path(),
        "MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.zip",
        "MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.xlsx",
        &mue,
    );
    let data = dir.path().join("data");
    import(&data, &[p1, p2], &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let t = NcciTables::open(&data).unwrap_or_else(|e| panic!("{e}"));
    let oh = PtpSetting::OutpatientHospital;
    let a = t
        .ptp(oh, "93000", "93005", d("2026-10-02"))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("93000"));
    assert_eq!(a.modifier_indicator, ModifierIndicator::NotAllowed);
    let b = t
        .ptp(oh, "29125", "97760", d("2026-11-30"))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("29125"));
    assert_eq!(b.effective, d("2009-01-01"));
    assert_eq!(b.deletion, Some(d("2026-11-30")));
    assert!(
        t.ptp(oh, "29125", "97760", d("2026-12-01"))
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none()
    );
    let m = t
        .mue(MueSetting::OutpatientHospital, "J3301", d("2026-10-02"))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("J3301"));
    assert_eq!(
        (m.max_units, m.indicator),
        (160, MueIndicator::DateOfServicePolicy)
    );

    // A bad cell in a worksheet: sheet and row.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "HCPCS/CPT Code",
        "Outpatient Hospital Services MUE Values",
        "MUE Adjudication Indicator",
        "MUE Rationale",
    ]
    .iter()
    .enumerate()
    {
        e(ws.write_string(0, c as u16, *h));
    }
    e(ws.write_string(1, 0, "36415"));
    e(ws.write_string(1, 1, "two"));
    e(ws.write_string(1, 2, "3 Date of Service Edit: Clinical"));
    let bad = e(wb.save_to_buffer());
    let p = write(
        dir.path(),
        "MCR_MUE_OutpatientHospitalServices_Eff_01-01-2027.xlsx",
        &bad,
    );
    let err = import(&data, &[p], &ImportOptions::default())
        .err()
        .map(|e: NcciError| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("sheet \"Sheet1\" row 2, column 2 (Outpatient Hospital Services MUE Values)"),
        "{err}"
    );
}

#[test]
fn fixtures_zips_hold_the_text_sources() {
    for v in ["v322r0", "v323r0"] {
        for i in 1..=4 {
            let name = format!("ccipra-{v}-f{i}");
            let zip_bytes = fs::read(fixture(&format!("{name}.zip"))).unwrap_or_default();
            let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes))
                .unwrap_or_else(|e| panic!("{e}"));
            let mut m = a
                .by_name(&format!("{name}.txt"))
                .unwrap_or_else(|e| panic!("{e}"));
            let mut inner = Vec::new();
            std::io::Read::read_to_end(&mut m, &mut inner).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                inner,
                fs::read(fixture(&format!("src/{name}.txt"))).unwrap_or_default(),
                "{name}"
            );
        }
    }
}
