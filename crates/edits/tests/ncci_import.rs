//! NCCI tables end to end: the CMS-layout fixtures imported into a data directory, looked
//! up by date of service across two quarters; re-import, interrupted import, bad files.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rcm_edits::ncci::{
    ImportOptions, ImportStatus, ModifierIndicator, MueIndicator, MueSetting, NcciError,
    NcciTables, PtpSetting, import,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ncci")
        .join(name)
}

fn parts(version: &str) -> Vec<PathBuf> {
    (1..=4)
        .map(|i| fixture(&format!("ccipra-{version}-f{i}.zip")))
        .collect()
}

fn d(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("test date {s}: {e}"))
}

fn ok<T>(r: Result<T, NcciError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Q3 and Q4 2026 practitioner PTP, Q4 hospital PTP, MUE practitioner Q3 (plain CSV) and
/// Q4 (zip), MUE DME Q4.
fn imported() -> tempfile::TempDir {
    let dir = ok(tempfile::tempdir().map_err(|e| NcciError::NotImported(e.to_string())));
    let mut q4 = parts("v323r0");
    q4.push(fixture("ccioph-v323r0-f1.zip"));
    q4.push(fixture("MCR_MUE_PractitionerServices_Eff_10-01-2026.zip"));
    q4.push(fixture("MCR_MUE_DMESupplierServices_Eff_10-01-2026.zip"));
    let r = ok(import(dir.path(), &q4, &ImportOptions::default()));
    let mut tables: Vec<String> = r
        .tables
        .iter()
        .map(|t| format!("{} {} {}", t.table.slug(), t.quarter, t.rows))
        .collect();
    tables.sort();
    assert_eq!(
        tables,
        [
            "mue-dme 2026Q4 4",
            "mue-practitioner 2026Q4 11",
            "ptp-hospital 2026Q4 4",
            "ptp-practitioner 2026Q4 16"
        ]
    );
    assert!(r.tables.iter().all(|t| t.status == ImportStatus::Imported));
    let mut q3 = parts("v322r0");
    q3.push(fixture("MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"));
    let r = ok(import(dir.path(), &q3, &ImportOptions::default()));
    assert_eq!(r.tables.len(), 2);
    dir
}

#[test]
fn lookups_by_date_of_service_and_quarter() {
    let dir = imported();
    let t = ok(NcciTables::open(dir.path()));
    assert!(!t.is_empty());
    let pra = PtpSetting::Practitioner;
    let oct = d("2026-10-15");
    let aug = d("2026-08-15");

    let e = ok(t.ptp(pra, "93000", "93005", oct)).unwrap_or_else(|| panic!("93000/93005"));
    assert_eq!(e.modifier_indicator, ModifierIndicator::NotAllowed);
    assert!(e.prior_1996);
    assert_eq!(e.effective, d("1996-01-01"));
    assert_eq!(e.deletion, None);
    assert_eq!(e.rationale, "Standards of medical / surgical practice");
    assert_eq!(e.quarter.to_string(), "2026Q4");
    // Column order matters.
    assert!(ok(t.ptp(pra, "93005", "93000", oct)).is_none());
    // Lower case and spaces as typed on a claim.
    assert!(ok(t.ptp(pra, " 93000", "93005 ", oct)).is_some());
    // A shape that is no code has no edit.
    assert!(ok(t.ptp(pra, "9300", "93005", oct)).is_none());

    // Deleted and added again: the row in effect on the date answers.
    let e = ok(t.ptp(pra, "97140", "97530", oct)).unwrap_or_else(|| panic!("97140/97530"));
    assert_eq!(e.effective, d("2021-01-01"));
    assert_eq!(e.modifier_indicator, ModifierIndicator::Allowed);
    // J3301/96372 was deleted June 30, 2026: not in effect in Q3 or Q4.
    assert!(ok(t.ptp(pra, "J3301", "96372", aug)).is_none());
    // Deleted retroactively (indicator 9, deletion = effective date): never in effect since.
    assert!(ok(t.ptp(pra, "97161", "97140", oct)).is_none());

    // The quarter in effect: 11720/11055 changed its indicator in Q4; 20611/20610 is new.
    let q3 = ok(t.ptp(pra, "11720", "11055", aug)).unwrap_or_else(|| panic!("Q3"));
    assert_eq!(q3.modifier_indicator, ModifierIndicator::NotAllowed);
    assert_eq!(q3.quarter.to_string(), "2026Q3");
    let q4 = ok(t.ptp(pra, "11720", "11055", oct)).unwrap_or_else(|| panic!("Q4"));
    assert_eq!(q4.modifier_indicator, ModifierIndicator::Allowed);
    assert!(ok(t.ptp(pra, "20611", "20610", aug)).is_none());
    assert!(ok(t.ptp(pra, "20611", "20610", d("2026-09-30"))).is_none());
    assert!(ok(t.ptp(pra, "20611", "20610", d("2026-10-01"))).is_some());

    // Hospital outpatient is its own table.
    assert!(ok(t.ptp(PtpSetting::OutpatientHospital, "29125", "97760", oct)).is_some());
    assert!(ok(t.ptp(pra, "29125", "97760", oct)).is_none());
    assert!(t.has_ptp(PtpSetting::OutpatientHospital, oct));
    assert!(!t.has_ptp(PtpSetting::OutpatientHospital, aug));
    let e = t
        .ptp(PtpSetting::OutpatientHospital, "93000", "93005", aug)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("before the oldest imported"), "{e}");

    // MUE by quarter.
    let m = ok(t.mue(MueSetting::Practitioner, "J3301", oct)).unwrap_or_else(|| panic!("MUE"));
    assert_eq!(m.max_units, 160);
    assert_eq!(m.indicator, MueIndicator::DateOfServiceClinical);
    assert_eq!(m.rationale, "Clinical: Data");
    let m = ok(t.mue(MueSetting::Practitioner, "J3301", aug)).unwrap_or_else(|| panic!("MUE Q3"));
    assert_eq!(m.max_units, 150);
    let m = ok(t.mue(MueSetting::Practitioner, "a4550", oct)).unwrap_or_else(|| panic!("A4550"));
    assert_eq!(m.indicator, MueIndicator::Line);
    let m = ok(t.mue(MueSetting::DmeSupplier, "E0114", oct)).unwrap_or_else(|| panic!("E0114"));
    assert_eq!(m.indicator, MueIndicator::DateOfServicePolicy);
    assert_eq!(m.rationale, "Nature of Equipment");
    assert!(ok(t.mue(MueSetting::Practitioner, "99999", oct)).is_none());
    assert!(!t.has_mue(MueSetting::OutpatientHospital, oct));
    let e = t
        .mue(MueSetting::OutpatientHospital, "36415", oct)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("no MUE, outpatient hospital services table is imported"),
        "{e}"
    );

    // Past the newest quarter: answers from it, with a warning; has_* says it is missing.
    let jan = d("2027-01-05");
    assert!(!t.has_ptp(pra, jan));
    assert!(ok(t.ptp(pra, "93000", "93005", jan)).is_some());
    let eff = ok(t.in_effect(pra.table(), jan));
    assert_eq!(eff.quarter.to_string(), "2026Q4");
    assert!(eff.warning.unwrap_or_default().contains("2027Q1"));
    ok(t.load_all());
}

#[test]
fn deletion_date_is_the_last_day_an_edit_applies() {
    let dir = ok(tempfile::tempdir().map_err(|e| NcciError::NotImported(e.to_string())));
    let src = dir.path().join("practitioner-ptp.txt");
    let text = "CPT only copyright 2025 American Medical Association. All rights reserved.\nColumn 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n97140\t97530\t\t20200101\t20201231\t1\tMutually exclusive procedures\n97140\t97530\t\t20210101\t*\t0\tMutually exclusive procedures\n";
    ok(fs::write(&src, text).map_err(|e| NcciError::NotImported(e.to_string())));
    let data = dir.path().join("data");
    // No quarter in the name: refused with the way out, then accepted with --quarter.
    let e = import(&data, std::slice::from_ref(&src), &ImportOptions::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--quarter"), "{e}");
    let opts = ImportOptions {
        quarter: Some(ok("2020Q4".parse().map_err(NcciError::NotImported))),
        ..ImportOptions::default()
    };
    ok(import(&data, &[src], &opts));
    let t = ok(NcciTables::open(&data));
    let pra = PtpSetting::Practitioner;
    let last = ok(t.ptp(pra, "97140", "97530", d("2020-12-31"))).unwrap_or_else(|| panic!("last"));
    assert_eq!(last.deletion, Some(d("2020-12-31")));
    assert_eq!(last.modifier_indicator, ModifierIndicator::Allowed);
    let next = ok(t.ptp(pra, "97140", "97530", d("2021-01-01"))).unwrap_or_else(|| panic!("next"));
    assert_eq!(next.deletion, None);
    assert_eq!(next.modifier_indicator, ModifierIndicator::NotAllowed);
    assert!(ok(t.ptp(pra, "97140", "97530", d("2020-10-01"))).is_some());
    assert_eq!(
        ok(t.ptp_history(pra, "97140", "97530", d("2020-11-01"))).len(),
        2
    );
}

#[test]
fn reimport_is_unchanged_and_other_files_need_replace() {
    let dir = imported();
    let catalog = dir.path().join("edits/ncci-catalog.json");
    let before = fs::read(&catalog).unwrap_or_default();
    // The same files in another order.
    let mut again = parts("v323r0");
    again.reverse();
    let r = ok(import(dir.path(), &again, &ImportOptions::default()));
    assert_eq!(r.tables.len(), 1);
    assert_eq!(r.tables[0].status, ImportStatus::Unchanged);
    assert_eq!(fs::read(&catalog).unwrap_or_default(), before);

    // Parts 1 and 3 only: another table for the same quarter.
    let some = vec![
        fixture("ccipra-v323r0-f1.zip"),
        fixture("ccipra-v323r0-f3.zip"),
    ];
    let e = import(dir.path(), &some, &ImportOptions::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--replace"), "{e}");
    assert_eq!(fs::read(&catalog).unwrap_or_default(), before);
    let opts = ImportOptions {
        replace: true,
        ..ImportOptions::default()
    };
    let r = ok(import(dir.path(), &some, &opts));
    assert_eq!(r.tables[0].status, ImportStatus::Replaced);
    assert!(
        r.tables[0].warnings.iter().any(|w| w.contains("f2")),
        "{:?}",
        r.tables[0].warnings
    );
    let t = ok(NcciTables::open(dir.path()));
    assert!(ok(t.ptp(PtpSetting::Practitioner, "36410", "36415", d("2026-10-02"))).is_none());
    // The replaced table file is gone; the data directory holds what the catalog names.
    let files: Vec<String> = fs::read_dir(dir.path().join("edits"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tbl"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(files.len(), t.tables().count(), "{files:?}");
}

#[test]
fn interrupted_import_leaves_the_previous_state() {
    let dir = imported();
    let catalog = dir.path().join("edits/ncci-catalog.json");
    let before = fs::read(&catalog).unwrap_or_default();
    let paths = vec![fixture("ccioph-v323r0-f1.zip")];
    // A different hospital table for 2026Q3 (by --quarter), stopped before the commit.
    let opts = ImportOptions {
        quarter: Some(ok("2026Q3".parse().map_err(NcciError::NotImported))),
        fail_before_commit: true,
        ..ImportOptions::default()
    };
    assert!(import(dir.path(), &paths, &opts).is_err());
    assert_eq!(fs::read(&catalog).unwrap_or_default(), before);
    let t = ok(NcciTables::open(dir.path()));
    assert!(!t.has_ptp(PtpSetting::OutpatientHospital, d("2026-08-01")));
    assert!(
        ok(t.ptp(
            PtpSetting::OutpatientHospital,
            "93000",
            "93005",
            d("2026-10-01")
        ))
        .is_some()
    );
    // The same import, not interrupted, then succeeds.
    let opts = ImportOptions {
        fail_before_commit: false,
        ..opts
    };
    let r = ok(import(dir.path(), &paths, &opts));
    assert_eq!(r.tables[0].status, ImportStatus::Imported);
    assert!(
        r.tables[0].warnings.iter().any(|w| w.contains("2026Q4")),
        "{:?}",
        r.tables[0].warnings
    );
    let t = ok(NcciTables::open(dir.path()));
    assert!(t.has_ptp(PtpSetting::OutpatientHospital, d("2026-08-01")));
}

#[test]
fn a_damaged_table_file_is_refused_and_reimport_repairs_it() {
    let dir = imported();
    let t = ok(NcciTables::open(dir.path()));
    let file = t
        .tables()
        .find(|i| i.table.slug() == "ptp-hospital")
        .map(|i| dir.path().join("edits").join(&i.file))
        .unwrap_or_default();
    let mut bytes = fs::read(&file).unwrap_or_default();
    let n = bytes.len();
    bytes[n - 2] ^= 0x20;
    ok(fs::write(&file, &bytes).map_err(|e| NcciError::NotImported(e.to_string())));
    let t = ok(NcciTables::open(dir.path()));
    let e = t
        .ptp(
            PtpSetting::OutpatientHospital,
            "93000",
            "93005",
            d("2026-10-01"),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("checksum") && e.contains("import"), "{e}");
    let r = ok(import(
        dir.path(),
        &[fixture("ccioph-v323r0-f1.zip")],
        &ImportOptions::default(),
    ));
    assert_eq!(r.tables[0].status, ImportStatus::Replaced);
    let t = ok(NcciTables::open(dir.path()));
    assert!(
        ok(t.ptp(
            PtpSetting::OutpatientHospital,
            "93000",
            "93005",
            d("2026-10-01")
        ))
        .is_some()
    );
}

#[test]
fn nothing_imported() {
    let dir = ok(tempfile::tempdir().map_err(|e| NcciError::NotImported(e.to_string())));
    let t = ok(NcciTables::open(dir.path()));
    assert!(t.is_empty());
    assert!(!t.has_ptp(PtpSetting::Practitioner, d("2026-10-01")));
    let e = t
        .ptp(PtpSetting::Practitioner, "93000", "93005", d("2026-10-01"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("rcm edits import"), "{e}");
}
