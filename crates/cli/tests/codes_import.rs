//! `rcm codes import` end to end: the official release, re-import, order files,
//! replacing a version, and every kind of bad input (exit 2, a message that names the
//! file and the position, no panic, the previous version untouched, no stray files).

mod common;

use std::path::{Path, PathBuf};

use common::*;

const TABULAR_2025: &str = "icd10cm_tabular_2025_subset.xml";
const ORDER_2025: &str = "icd10cm_order_2025_subset.txt";

#[test]
fn imports_the_official_release_and_a_second_import_changes_nothing() {
    let data = tempdir();
    let wheel = official_source();
    let wheel_arg = wheel.display().to_string();

    let first = rcm(data.path(), &["--json", "codes", "import", &wheel_arg]);
    first.assert_code(0);
    let reports = first.json();
    let reports = array(&reports);
    assert_eq!(reports.len(), 1, "one version from the wheel: {reports:#?}");
    let r = &reports[0];
    assert_eq!(str_field(r, "status"), "imported");
    let v = &r["version"];
    assert_eq!(str_field(v, "id"), "icd10cm-2026-april");
    assert_eq!(str_field(v, "effective"), "2026-04-01");
    assert_eq!(str_field(v, "scheduled_end"), "2026-09-30");
    assert_eq!(v["has_notes"], true);
    assert_eq!(v["counts"]["codes"], OFFICIAL_CODES);
    assert_eq!(v["counts"]["billable"], OFFICIAL_BILLABLE);
    // The wheel's Python files and code list are reported, not silently dropped.
    let skipped: Vec<&str> = array(&r["skipped"])
        .iter()
        .map(|s| str_field(s, "name"))
        .collect();
    assert!(
        skipped
            .iter()
            .any(|s| s.ends_with("code-list-April-2026.txt")),
        "skipped: {skipped:?}"
    );

    let stats = rcm(
        data.path(),
        &[
            "--json",
            "codes",
            "stats",
            "--date-of-service",
            IN_APRIL_2026,
        ],
    );
    stats.assert_code(0);
    let s = stats.json();
    assert_eq!(s["codes"], OFFICIAL_CODES, "{s:#}");
    assert_eq!(s["billable"], OFFICIAL_BILLABLE, "{s:#}");
    assert_eq!(str_field(&s, "version"), "icd10cm-2026-april");
    assert!(
        s.get("warning").is_none(),
        "no warning inside the release's life: {s:#}"
    );

    let listing = store_listing(data.path());
    assert!(listing.iter().any(|n| n == "catalog.json"), "{listing:?}");
    assert_eq!(
        listing.iter().filter(|n| n.ends_with(".idx")).count(),
        1,
        "one index: {listing:?}"
    );
    assert!(
        !listing.iter().any(|n| n.contains(".tmp")),
        "stray temp file: {listing:?}"
    );
    let before = store_snapshot(data.path());
    // Make a rewrite visible even on file systems with coarse timestamps.
    std::thread::sleep(std::time::Duration::from_millis(20));

    let again = rcm(data.path(), &["--json", "codes", "import", &wheel_arg]);
    again.assert_code(0);
    let reports = again.json();
    assert_eq!(
        str_field(&array(&reports)[0], "status"),
        "unchanged",
        "{reports:#}"
    );
    assert_eq!(
        reports[0]["version"],
        v.clone(),
        "the same version is reported"
    );

    let after = store_snapshot(data.path());
    let names = |s: &[(String, Vec<u8>, std::time::SystemTime)]| {
        s.iter().map(|f| f.0.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&before),
        names(&after),
        "files in <data>/codes changed"
    );
    for ((name, bytes_before, mtime_before), (_, bytes_after, mtime_after)) in
        before.iter().zip(&after)
    {
        assert!(
            bytes_before == bytes_after,
            "{name} was rewritten with other bytes"
        );
        assert_eq!(mtime_before, mtime_after, "{name} was rewritten");
    }

    // Human output says so too.
    let text = rcm(data.path(), &["codes", "import", &wheel_arg]);
    text.assert_code(0);
    assert!(text.stdout.contains("already imported"), "{}", text.stdout);
}

/// A data directory holding a copy of the official release, to damage at will.
fn seeded() -> tempfile::TempDir {
    let data = tempdir();
    copy_store(shared_official(), data.path());
    data
}

/// Imports `file` into a seeded data directory and checks the promises every bad
/// input must keep. Returns standard error.
fn import_fails(file: &Path, extra: &[&str]) -> String {
    let data = seeded();
    let before = store_snapshot(data.path());
    let mut args = vec!["codes", "import"];
    args.extend_from_slice(extra);
    let arg = file.display().to_string();
    args.push(&arg);
    let run = rcm(data.path(), &args);
    run.assert_code(2);
    assert!(
        run.stderr.contains(&file.display().to_string()),
        "stderr must name the file {}:\n{}",
        file.display(),
        run.stderr
    );
    assert!(
        run.stdout.trim().is_empty(),
        "nothing on stdout: {}",
        run.stdout
    );

    // The store is exactly as before: no temp files, catalog and index untouched.
    let after = store_snapshot(data.path());
    let listing: Vec<&String> = after.iter().map(|f| &f.0).collect();
    assert_eq!(
        before.iter().map(|f| &f.0).collect::<Vec<_>>(),
        listing,
        "files in <data>/codes changed after a failed import"
    );
    for ((name, b, _), (_, a, _)) in before.iter().zip(&after) {
        assert!(a == b, "{name} changed after a failed import");
    }
    // And the version imported before still answers.
    let stats = rcm(
        data.path(),
        &["--json", "codes", "stats", "--dos", IN_APRIL_2026],
    );
    stats.assert_code(0);
    let s = stats.json();
    assert_eq!(s["codes"], OFFICIAL_CODES, "{s:#}");
    assert_eq!(s["billable"], OFFICIAL_BILLABLE, "{s:#}");
    let lookup = rcm(
        data.path(),
        &["--json", "codes", "lookup", "I10", "--dos", IN_APRIL_2026],
    );
    lookup.assert_code(0);
    run.stderr
}

/// Asserts `stderr` says `<file>:<line>:<column>:` (column when given).
fn assert_position(stderr: &str, file: &Path, line: usize, column: Option<usize>) {
    let want = match column {
        Some(c) => format!("{}:{line}:{c}:", file.display()),
        None => format!("{}:{line}:", file.display()),
    };
    assert!(
        stderr.contains(&want),
        "expected position \"{want}\" in:\n{stderr}"
    );
}

fn tabular_text() -> String {
    String::from_utf8(read(&fixture(TABULAR_2025)))
        .unwrap_or_else(|e| panic!("the fixture is not UTF-8: {e}"))
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte].matches('\n').count() + 1
}

#[test]
fn fixture_tabular_imports_with_exact_counts() {
    // Guards the fixtures the failure tests below cut up: they must be valid whole.
    let data = tempdir();
    let run = rcm(
        data.path(),
        &[
            "--json",
            "codes",
            "import",
            "--release",
            "october",
            &fixture(TABULAR_2025).display().to_string(),
        ],
    );
    run.assert_code(0);
    let v = &run.json()[0]["version"];
    assert_eq!(str_field(v, "id"), "icd10cm-2025-october");
    assert_eq!(str_field(v, "effective"), "2024-10-01");
    // 11 headers; E11.00 E11.01 E11.65 E11.9 I10; M48.50 and S72.001/S72.002 with 4 7th characters each.
    assert_eq!(v["counts"]["codes"], 28, "{v:#}");
    assert_eq!(v["counts"]["billable"], 17, "{v:#}");
}

#[test]
fn truncated_tabular_is_refused_with_the_position() {
    let text = tabular_text();
    let dir = tempdir();
    // Cut between elements, inside a text, inside a tag.
    let after_close = text.find("</diag>\n      </diag>").expect("nested diag") + "</diag>\n".len();
    let in_text = text.find("Fracture of head").expect("S72.0") + 8;
    let in_tag = text.find("<sevenChrDef>").expect("7th chars") + 4;
    for (what, cut) in [("between", after_close), ("text", in_text), ("tag", in_tag)] {
        let file = dir
            .path()
            .join(format!("icd10cm_tabular_2025_cut_{what}.xml"));
        write(&file, &text.as_bytes()[..cut]);
        let stderr = import_fails(&file, &[]);
        // The problem is at the end of what is there.
        assert_position(&stderr, &file, line_of(&text, cut), None);
        if what != "tag" {
            assert!(
                stderr.contains("never closed") || stderr.contains("truncated"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn truncated_tabular_does_not_replace_the_version_in_place() {
    // Named like the official member, so it dates as the already imported version;
    // with --replace a bad file must still change nothing.
    let text = tabular_text().replace("<version>2025</version>", "<version>2026</version>");
    let dir = tempdir();
    let file = dir.path().join("icd10cm-tabular-April-1-2026.xml");
    let cut = text.find("<name>S72.001</name>").expect("S72.001");
    write(&file, &text.as_bytes()[..cut]);
    let stderr = import_fails(&file, &["--replace"]);
    assert_position(&stderr, &file, line_of(&text, cut), None);
}

#[test]
fn empty_file_is_refused() {
    let dir = tempdir();
    let file = dir.path().join("icd10cm_tabular_2026.xml");
    write(&file, b"");
    let stderr = import_fails(&file, &[]);
    assert!(stderr.contains("empty"), "{stderr}");
}

#[test]
fn wrong_files_are_refused_by_content_with_their_kind() {
    let dir = tempdir();
    // Not code-set files at all: refused as unrecognized, saying what rcm imports.
    let cases: [(&str, &[u8]); 2] = [
        (
            "icd10cm_tabular_2026.json",
            br#"{"codes": [{"code": "I10"}]}"#,
        ),
        (
            "icd10cm_tabular_2026.xml",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
        ),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(name);
        write(&file, bytes);
        let stderr = import_fails(&file, &[]);
        assert!(stderr.contains("unrecognized file"), "{name}: {stderr}");
        assert!(
            stderr.contains("no code-set file rcm can import found")
                && stderr.contains("rcm imports"),
            "{name}: says what was expected: {stderr}"
        );
    }
    // Code-set files of another kind are read as that kind: a damaged one is refused
    // by its own reader, with the position.
    let cases: [(&str, &[u8], &str); 2] = [
        (
            "icd10pcs_tables_2026.xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ICD10PCS.tabular>\n  <version>2026</version>\n  <pcsTable>\n    <axis pos=\"1\" values=\"1\">\n      <title>Section</title>\n      <label code=\"0\">Medical and Surgical</label>\n    </axis>\n  </pcsTable>\n</ICD10PCS.tabular>\n",
            "icd10pcs_tables_2026.xml:4:3:",
        ),
        (
            "icd10cm_index_2026.xml",
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ICD10CM.index>\n  <version>2026</version>\n  <title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>\n  <letter><title>A</title></letter>\n</ICD10CM.index>\n",
            "no entries",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = dir.path().join(name);
        write(&file, bytes);
        let stderr = import_fails(&file, &[]);
        assert!(
            stderr.contains(expected),
            "{name}: expected \"{expected}\" in: {stderr}"
        );
    }
}

#[test]
fn non_utf8_bytes_in_a_tabular_are_reported_at_their_line_and_column() {
    let text = tabular_text();
    let at = text.find("Compression fracture").expect("inclusion term") + 12;
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = 0xE9; // Latin-1 "é", not UTF-8
    let dir = tempdir();
    let file = dir.path().join("icd10cm_tabular_2025_latin1.xml");
    write(&file, &bytes);
    let stderr = import_fails(&file, &[]);
    let line = line_of(&text, at);
    let column = at - text[..at].rfind('\n').map_or(0, |p| p + 1) + 1;
    assert_position(&stderr, &file, line, Some(column));
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

/// The order fixture with the header flag (column 15) of line `line` set to `flag`.
fn order_with_bad_flag(line: usize, flag: u8) -> Vec<u8> {
    let text = read(&fixture(ORDER_2025));
    let mut lines: Vec<Vec<u8>> = text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    assert!(
        lines[line - 1].len() > 77,
        "fixture line {line} is a full record"
    );
    lines[line - 1][14] = flag;
    lines.join(&b'\n')
}

#[test]
fn order_file_with_a_bad_header_flag_names_line_and_column_15() {
    let dir = tempdir();
    let file = dir.path().join("icd10cm_order_2025.txt");
    write(&file, &order_with_bad_flag(7, b'X'));
    let stderr = import_fails(&file, &[]);
    assert_position(&stderr, &file, 7, Some(15));
    assert!(stderr.contains("column 15"), "{stderr}");
}

#[test]
fn order_file_with_a_bad_header_flag_on_line_2_names_line_and_column_15() {
    let dir = tempdir();
    let file = dir.path().join("icd10cm_order_2025.txt");
    write(&file, &order_with_bad_flag(2, b'2'));
    let stderr = import_fails(&file, &[]);
    assert_position(&stderr, &file, 2, Some(15));
}

#[test]
fn zip_without_a_code_set_file_lists_what_it_found() {
    let dir = tempdir();
    let file = dir.path().join("icd10cm-April-1-2026-Code-Tables.zip");
    write(
        &file,
        &stored_zip(&[
            ("README.txt", b"ICD-10-CM April 1 2026 update\n"),
            (
                "data/codes.json",
                br#"{"I10": "Essential (primary) hypertension"}"#,
            ),
        ]),
    );
    let stderr = import_fails(&file, &[]);
    assert!(
        stderr.contains("no code-set file rcm can import found"),
        "{stderr}"
    );
    assert!(
        stderr.contains("README.txt") && stderr.contains("data/codes.json"),
        "{stderr}"
    );

    let empty = dir.path().join("empty.zip");
    write(&empty, &stored_zip(&[]));
    import_fails(&empty, &[]);
}

#[test]
fn corrupt_archives_are_refused() {
    let dir = tempdir();
    let good = stored_zip(&[("icd10cm_tabular_2025.xml", &read(&fixture(TABULAR_2025)))]);
    let cases: [(&str, Vec<u8>); 3] = [
        (
            "garbage.zip",
            b"PK\x03\x04 this is not really a zip archive".to_vec(),
        ),
        ("half.zip", good[..good.len() / 2].to_vec()),
        (
            "broken.gz",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03 not deflate".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(name);
        write(&file, &bytes);
        let stderr = import_fails(&file, &[]);
        assert!(
            stderr.contains("zip") || stderr.contains("gzip"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn a_bad_member_inside_a_zip_is_named_with_its_position() {
    let text = tabular_text();
    let cut = text.find("<name>M48.50</name>").expect("M48.50");
    let dir = tempdir();
    let file = dir.path().join("codes-2025.zip");
    write(
        &file,
        &stored_zip(&[
            ("README.txt", b"read me\n"),
            ("2025/icd10cm_tabular_2025.xml", &text.as_bytes()[..cut]),
        ]),
    );
    let stderr = import_fails(&file, &[]);
    let member = file.join("2025/icd10cm_tabular_2025.xml");
    assert_position(&stderr, &member, line_of(&text, cut), None);

    let order = dir.path().join("order-2025.zip");
    write(
        &order,
        &stored_zip(&[("icd10cm_order_2025.txt", &order_with_bad_flag(9, b'Y'))]),
    );
    let stderr = import_fails(&order, &[]);
    assert_position(&stderr, &order.join("icd10cm_order_2025.txt"), 9, Some(15));
}

#[test]
fn a_good_zip_imports_and_is_dated_by_its_member() {
    let data = tempdir();
    let dir = tempdir();
    let file = dir.path().join("codes.zip");
    write(
        &file,
        &stored_zip(&[
            ("Table and Index/README.txt", b"x"),
            (
                "Table and Index/icd10cm_tabular_2025.xml",
                &read(&fixture(TABULAR_2025)),
            ),
        ]),
    );
    let run = rcm(
        data.path(),
        &["--json", "codes", "import", &file.display().to_string()],
    );
    run.assert_code(0);
    let r = &run.json()[0];
    assert_eq!(str_field(&r["version"], "id"), "icd10cm-2025-october");
    assert_eq!(r["version"]["counts"]["codes"], 28);
    assert_eq!(
        str_field(&r["skipped"][0], "name"),
        "Table and Index/README.txt"
    );
}

#[test]
fn order_file_imports_codes_without_notes() {
    let data = tempdir();
    let file = fixture(ORDER_2025);
    let run = rcm(
        data.path(),
        &["--json", "codes", "import", &file.display().to_string()],
    );
    run.assert_code(0);
    let v = &run.json()[0]["version"];
    // Dated by its name (icd10cm_order_2025…): FY2025, the October release.
    assert_eq!(str_field(v, "id"), "icd10cm-2025-october");
    assert_eq!(v["has_notes"], false);
    assert_eq!(str_field(&v["source"], "kind"), "icd10cm_order");
    assert_eq!(v["counts"]["codes"], 16, "{v:#}");
    assert_eq!(v["counts"]["billable"], 8, "{v:#}");

    let val = rcm(
        data.path(),
        &[
            "--json",
            "codes",
            "validate",
            "--dos",
            "2025-01-15",
            "S72001A",
            "M48.50XD",
            "E11.0",
        ],
    );
    val.assert_code(1);
    let out = val.json();
    let results = array(&out);
    assert_eq!(results[0]["billable"], true, "{out:#}");
    assert_eq!(results[1]["billable"], true, "{out:#}");
    assert_eq!(str_field(&results[2], "reason"), "header", "{out:#}");
}

#[test]
fn another_file_for_an_imported_version_needs_replace() {
    let data = tempdir();
    let tabular = fixture(TABULAR_2025).display().to_string();
    let order = fixture(ORDER_2025).display().to_string();
    rcm(
        data.path(),
        &["codes", "import", "--release", "october", &tabular],
    )
    .assert_code(0);
    let before = store_snapshot(data.path());

    // Same version (FY2025 October), another file: refused without --replace.
    let refused = rcm(data.path(), &["codes", "import", &order]);
    refused.assert_code(2);
    assert!(refused.stderr.contains("--replace"), "{}", refused.stderr);
    let after = store_snapshot(data.path());
    assert!(
        before
            .iter()
            .map(|f| (&f.0, &f.1))
            .eq(after.iter().map(|f| (&f.0, &f.1))),
        "a refused import changed the store"
    );

    let replaced = rcm(
        data.path(),
        &["--json", "codes", "import", "--replace", &order],
    );
    replaced.assert_code(0);
    assert_eq!(str_field(&replaced.json()[0], "status"), "replaced");
    let listing = store_listing(data.path());
    assert_eq!(
        listing.iter().filter(|n| n.ends_with(".idx")).count(),
        1,
        "the replaced index is removed: {listing:?}"
    );
    let s = rcm(
        data.path(),
        &["--json", "codes", "stats", "--dos", "2025-01-15"],
    );
    s.assert_code(0);
    assert_eq!(s.json()["codes"], 16);
}

#[test]
fn release_is_not_guessed_from_the_directory_name() {
    // A CMS October tabular saved under a folder that happens to say "april" (a
    // user's name, a download folder) and a year.
    let data = tempdir();
    let dir = tempdir();
    let folder: PathBuf = dir.path().join("april").join("2024");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let file = folder.join("icd10cm_tabular.xml");
    write(&file, &read(&fixture(TABULAR_2025)));
    let run = rcm(
        data.path(),
        &["--json", "codes", "import", &file.display().to_string()],
    );
    run.assert_code(0);
    let v = &run.json()[0]["version"];
    // The file says <version>2025</version> and nothing about April.
    assert_eq!(str_field(v, "id"), "icd10cm-2025-october", "{v:#}");
    assert_eq!(str_field(v, "effective"), "2024-10-01", "{v:#}");
}

#[test]
fn without_imported_data_commands_say_to_import() {
    let data = tempdir();
    let run = rcm(data.path(), &["codes", "lookup", "I10"]);
    run.assert_code(2);
    assert!(run.stderr.contains("rcm codes import"), "{}", run.stderr);
    assert!(
        !data.path().join("codes").exists(),
        "a query creates nothing in the data dir"
    );

    // The same through RCM_DATA_DIR, and as JSON for scripts.
    let mut cmd = rcm_command();
    cmd.env("RCM_DATA_DIR", data.path())
        .args(["--json", "codes", "validate", "E11.9"]);
    let run = run_command(
        cmd,
        vec!["--json".into(), "codes".into(), "validate".into()],
    );
    run.assert_code(2);
    let err = run.json();
    assert!(
        str_field(&err, "error").contains("rcm codes import"),
        "{err:#}"
    );
    assert!(run.stderr.contains("rcm codes import"), "{}", run.stderr);

    for args in [
        &["codes", "stats"][..],
        &["codes", "search", "htn"],
        &["codes", "children", "E11"],
        &["codes", "notes", "I10"],
        &["demo", "--no-prompt"],
    ] {
        let run = rcm(data.path(), args);
        run.assert_code(2);
        assert!(run.stderr.contains("import"), "{args:?}: {}", run.stderr);
    }
    let versions = rcm(data.path(), &["--json", "codes", "versions"]);
    versions.assert_code(0);
    assert_eq!(versions.json(), serde_json::json!([]));
}

#[test]
fn a_missing_file_is_refused_with_its_name() {
    let data = seeded();
    let missing = data.path().join("no-such-file.xml");
    let run = rcm(
        data.path(),
        &["codes", "import", &missing.display().to_string()],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains(&missing.display().to_string()),
        "{}",
        run.stderr
    );
}

#[test]
fn sha256_helper_matches_known_vectors() {
    // The tests below rely on it, so it is checked against FIPS 180-2 vectors.
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

#[test]
fn expect_sha256_accepts_the_right_file_and_refuses_another() {
    let file = fixture(TABULAR_2025);
    let sha = sha256_hex(&read(&file));
    let file_arg = file.display().to_string();

    // A wrong hash: refused, nothing stored.
    let wrong = "0".repeat(64);
    let stderr = import_fails(&file, &["--release", "october", "--expect-sha256", &wrong]);
    assert!(stderr.contains(&sha) && stderr.contains(&wrong), "{stderr}");

    // The right one (any case): imported, and the catalog records that hash.
    let data = tempdir();
    let run = rcm(
        data.path(),
        &[
            "--json",
            "codes",
            "import",
            "--release",
            "october",
            "--expect-sha256",
            &sha.to_uppercase(),
            &file_arg,
        ],
    );
    run.assert_code(0);
    let versions = rcm(data.path(), &["--json", "codes", "versions"]);
    versions.assert_code(0);
    assert_eq!(str_field(&versions.json()[0]["source"], "sha256"), sha);
}

#[test]
fn expect_sha256_of_the_downloaded_archive_is_accepted() {
    // `sha256sum simple_icd_10_cm-1.5.0-py3-none-any.whl`, as the download is published.
    let wheel = official_source();
    let sha = sha256_hex(&read(&wheel));
    let data = tempdir();
    let run = rcm(
        data.path(),
        &[
            "codes",
            "import",
            "--expect-sha256",
            &sha,
            &wheel.display().to_string(),
        ],
    );
    run.assert_code(0);
}

/// A data directory with the fixture imported and its index file damaged.
fn with_damaged_index() -> (tempfile::TempDir, PathBuf, String) {
    let data = tempdir();
    let file = fixture(TABULAR_2025).display().to_string();
    rcm(
        data.path(),
        &["codes", "import", "--release", "october", &file],
    )
    .assert_code(0);
    let idx = store_listing(data.path())
        .into_iter()
        .find(|n| n.ends_with(".idx"))
        .unwrap_or_else(|| panic!("no index in {}", data.path().display()));
    let idx = data.path().join("codes").join(idx);
    let bytes = read(&idx);
    write(&idx, &bytes[..bytes.len() / 2]);
    (data, idx, file)
}

#[test]
fn a_damaged_index_is_reported_not_trusted() {
    let (data, idx, _) = with_damaged_index();
    for args in [
        &["codes", "stats", "--dos", "2025-01-15"][..],
        &["codes", "lookup", "I10", "--dos", "2025-01-15"],
        &["codes", "validate", "I10", "--dos", "2025-01-15"],
    ] {
        let run = rcm(data.path(), args);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&idx.display().to_string()),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("re-import"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn re_importing_repairs_a_damaged_index() {
    let (data, _, file) = with_damaged_index();
    let run = rcm(
        data.path(),
        &["codes", "import", "--release", "october", &file],
    );
    run.assert_code(0);
    let stats = rcm(
        data.path(),
        &["--json", "codes", "stats", "--dos", "2025-01-15"],
    );
    stats.assert_code(0);
    assert_eq!(stats.json()["codes"], 28);
}

#[test]
fn concurrent_imports_keep_both_versions() {
    // The long official import reads the catalog when it starts; a short import that
    // finishes meanwhile must not be lost when the long one writes the catalog.
    let data = tempdir();
    let wheel = official_source().display().to_string();
    let mut long = rcm_command();
    long.args([
        "--data-dir",
        &data.path().display().to_string(),
        "codes",
        "import",
        &wheel,
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let long = long.spawn().expect("start rcm");
    std::thread::sleep(std::time::Duration::from_millis(100));
    let fy2025 = fixture(TABULAR_2025).display().to_string();
    rcm(
        data.path(),
        &["codes", "import", "--release", "october", &fy2025],
    )
    .assert_code(0);
    let out = long.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("panicked"),
        "{stderr}"
    );

    let versions = rcm(data.path(), &["--json", "codes", "versions"]);
    versions.assert_code(0);
    let v = versions.json();
    let ids: Vec<&str> = array(&v).iter().map(|x| str_field(x, "id")).collect();
    assert_eq!(ids, ["icd10cm-2025-october", "icd10cm-2026-april"]);
    let listing = store_listing(data.path());
    assert_eq!(
        listing.iter().filter(|n| n.ends_with(".idx")).count(),
        2,
        "{listing:?}"
    );
    assert!(!listing.iter().any(|n| n.contains(".tmp")), "{listing:?}");
}
