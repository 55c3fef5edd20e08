//! `rcm edits import|versions|ptp|mue` end to end on the CMS-layout fixtures.

mod common;

use std::path::PathBuf;

use common::*;

fn ncci(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ncci")
        .join(name);
    assert!(path.is_file(), "fixture {} is missing", path.display());
    path.display().to_string()
}

fn q4_files() -> Vec<String> {
    let mut v: Vec<String> = (1..=4)
        .map(|i| ncci(&format!("ccipra-v323r0-f{i}.zip")))
        .collect();
    v.push(ncci("ccioph-v323r0-f1.zip"));
    v.push(ncci("MCR_MUE_PractitionerServices_Eff_10-01-2026.zip"));
    v
}

#[test]
fn import_versions_lookups() {
    let dir = tempdir();
    let data = dir.path();
    let files = q4_files();
    let mut args = vec!["--json", "edits", "import"];
    args.extend(files.iter().map(String::as_str));
    let run = rcm(data, &args);
    run.assert_code(0);
    let v = run.json();
    let tables = array(&v["tables"]);
    assert_eq!(tables.len(), 3);
    assert!(tables.iter().all(|t| str_field(t, "status") == "imported"));
    assert!(
        tables
            .iter()
            .any(|t| str_field(t, "table") == "ptp-practitioner" && t["rows"] == 16)
    );

    // Again, as text: every table unchanged.
    let run = rcm(data, &args[1..]);
    run.assert_code(0);
    assert_eq!(run.stdout.matches("unchanged").count(), 3, "{}", run.stdout);

    let run = rcm(data, &["edits", "versions"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("2026Q4 ptp-practitioner"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ccipra-v323r0-f3.zip › ccipra-v323r0-f3.txt  sha256 "),
        "{}",
        run.stdout
    );
    let run = rcm(data, &["--json", "edits", "versions"]);
    run.assert_code(0);
    assert_eq!(array(&run.json()).len(), 3);

    let run = rcm(
        data,
        &[
            "--json",
            "edits",
            "ptp",
            "97140",
            "97530",
            "--date-of-service",
            "2026-10-15",
        ],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v["edit"], "modifier_indicator"), "allowed");
    assert_eq!(str_field(&v["edit"], "effective"), "2021-01-01");
    assert_eq!(array(&v["history"]).len(), 2);
    let run = rcm(
        data,
        &[
            "edits",
            "ptp",
            "93000",
            "93005",
            "--dos",
            "2026-11-02",
            "--setting",
            "hospital",
        ],
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains("modifier indicator 0"),
        "{}",
        run.stdout
    );
    let run = rcm(
        data,
        &["edits", "ptp", "93005", "93000", "--dos", "2026-11-02"],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("no PTP edit"), "{}", run.stdout);

    let run = rcm(
        data,
        &["--json", "edits", "mue", "J3301", "--dos", "2026-10-15"],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(v["mue"]["max_units"], 160);
    assert_eq!(
        str_field(&v, "indicator_label"),
        "3 Date of Service Edit: Clinical"
    );
    // Past the newest quarter: an answer with a warning.
    let run = rcm(data, &["edits", "mue", "J3301", "--dos", "2027-02-01"]);
    run.assert_code(0);
    assert!(run.stderr.contains("2027Q1"), "{}", run.stderr);
    // Before the oldest quarter, or a table not imported: could not run.
    let run = rcm(data, &["edits", "mue", "J3301", "--dos", "2026-02-01"]);
    run.assert_code(2);
    assert!(run.stderr.contains("before the oldest"), "{}", run.stderr);
    let run = rcm(
        data,
        &[
            "edits",
            "mue",
            "E0114",
            "--setting",
            "dme",
            "--dos",
            "2026-10-15",
        ],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("rcm edits import"), "{}", run.stderr);
}

#[test]
fn bad_files_and_arguments_exit_2() {
    let dir = tempdir();
    let data = dir.path().join("data");
    let notes = dir.path().join("notes.txt");
    write(&notes, b"nothing to see\n");
    let run = rcm(&data, &["edits", "import", &notes.display().to_string()]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("not an NCCI PTP or MUE file"),
        "{}",
        run.stderr
    );
    let bad = dir.path().join("ccipra-v323r0-f1.txt");
    write(&bad, b"Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\n93000\t93005\t*\t19960101\t*\t7\tx\n");
    let run = rcm(
        &data,
        &["--json", "edits", "import", &bad.display().to_string()],
    );
    run.assert_code(2);
    assert!(
        str_field(&run.json(), "error").contains("line 2, column 6 (Modifier)"),
        "{}",
        run.stdout
    );
    let run = rcm(
        &data,
        &[
            "edits",
            "import",
            "--quarter",
            "2026Q5",
            &bad.display().to_string(),
        ],
    );
    run.assert_code(2);
    let run = rcm(&data, &["edits", "versions"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("no NCCI table is imported"),
        "{}",
        run.stdout
    );
}
