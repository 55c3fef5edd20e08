//! Every code system a claim uses, through the `rcm` binary: ICD-10-PCS (FY2023 tables
//! with index and definitions), HCPCS Level II (2020 annual file), CPT by format and from
//! a licensed file, place of service and claim frequency codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

/// The shared gzipped file, decompressed into `dir` under its original name.
fn gunzip(rel: &str, dir: &Path) -> PathBuf {
    let src = shared(rel);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&src).expect("shared data file"))
        .read_to_end(&mut out)
        .unwrap();
    let name = src
        .file_name()
        .unwrap()
        .to_string_lossy()
        .trim_end_matches(".gz")
        .to_string();
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

/// PCS FY2023 (tables + index + definitions) and HCPCS 2020 in one data directory.
fn systems() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = persistent_tempdir("systems");
        let files = dir.join("files");
        std::fs::create_dir_all(&files).unwrap();
        let tables = gunzip("icd10pcs/fy2023/icd10pcs_tables_2023.xml.gz", &files);
        let index = gunzip("icd10pcs/fy2023/icd10pcs_index_2023.xml.gz", &files);
        let defs = gunzip("icd10pcs/fy2023/icd10pcs_definitions_2023.xml.gz", &files);
        let run = rcm(
            &dir,
            &[
                "--json",
                "codes",
                "import",
                tables.to_str().unwrap(),
                index.to_str().unwrap(),
                defs.to_str().unwrap(),
            ],
        );
        run.assert_code(0);
        let v = &run.json()[0]["version"];
        assert_eq!(str_field(v, "id"), "icd10pcs-2023-october");
        assert_eq!(v["counts"]["codes"], 78_530);
        let hcpcs = gunzip(
            "hcpcs/2020_annual/HCPC2020_ANWEB_w_disclaimer.txt.gz",
            &files,
        );
        let run = rcm(
            &dir,
            &["--json", "codes", "import", hcpcs.to_str().unwrap()],
        );
        run.assert_code(0);
        let v = &run.json()[0]["version"];
        assert_eq!(str_field(v, "id"), "hcpcs-2020-january");
        assert_eq!(v["counts"]["codes"], 6_710);
        assert_eq!(v["counts"]["details"]["modifiers"], 369);
        dir
    })
}

const IN_FY2023: &str = "2023-05-01";
const IN_Q1_2020: &str = "2020-02-01";

#[test]
fn pcs_lookup_explains_the_seven_characters() {
    let run = rcm(
        systems(),
        &["--json", "codes", "lookup", "0DTJ4ZZ", "--dos", IN_FY2023],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(
        str_field(&v, "title"),
        "Resection of Appendix, Percutaneous Endoscopic Approach"
    );
    let axes = array(&v["axes"]);
    assert_eq!(axes.len(), 7);
    assert_eq!(str_field(&axes[2], "label"), "Resection");
    assert_eq!(str_field(&axes[4], "label"), "Percutaneous Endoscopic");
    let bad = rcm(
        systems(),
        &[
            "--json", "codes", "validate", "--system", "pcs", "0DTJ4ZX", "0DTJ4ZZ", "--dos",
            IN_FY2023,
        ],
    );
    bad.assert_code(1);
    let results = bad.json();
    assert_eq!(results[0]["valid"], false);
    assert!(
        str_field(&results[0], "reason").contains("position 7"),
        "{}",
        results[0]
    );
    assert_eq!(results[1]["valid"], true);
}

#[test]
fn pcs_builder_offers_only_valid_values() {
    let run = rcm(
        systems(),
        &[
            "--json", "codes", "build", "--system", "pcs", "0DTJ", "--dos", IN_FY2023,
        ],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v, "axis"), "Approach");
    let chars: Vec<&str> = array(&v["options"])
        .iter()
        .map(|o| str_field(o, "character"))
        .collect();
    assert!(chars.contains(&"4") && chars.contains(&"0"), "{chars:?}");
    assert!(!chars.contains(&"X"), "{chars:?}");
}

#[test]
fn pcs_search_finds_laparoscopic_appendectomy() {
    let run = rcm(
        systems(),
        &[
            "--json",
            "codes",
            "search",
            "--system",
            "pcs",
            "laparoscopic appendectomy",
            "--dos",
            IN_FY2023,
        ],
    );
    run.assert_code(0);
    let hits = run.json();
    let codes: Vec<&str> = array(&hits)
        .iter()
        .take(3)
        .map(|h| str_field(h, "code"))
        .collect();
    assert!(codes.contains(&"0DTJ4ZZ"), "{codes:?}");
}

#[test]
fn hcpcs_lookup_validity_by_date_and_search() {
    let run = rcm(
        systems(),
        &[
            "--json", "codes", "lookup", "--system", "hcpcs", "K0001", "--dos", IN_Q1_2020,
        ],
    );
    run.assert_code(0);
    assert_eq!(str_field(&run.json(), "title"), "Standard wheelchair");
    let search = rcm(
        systems(),
        &[
            "--json",
            "codes",
            "search",
            "--system",
            "hcpcs",
            "wheelchair",
            "--dos",
            IN_Q1_2020,
        ],
    );
    search.assert_code(0);
    let hits = search.json();
    let codes: Vec<&str> = array(&hits)
        .iter()
        .take(5)
        .map(|h| str_field(h, "code"))
        .collect();
    assert!(codes.contains(&"K0001"), "{codes:?}");
    let modifier = rcm(
        systems(),
        &[
            "--json", "codes", "lookup", "--system", "hcpcs", "RT", "--dos", IN_Q1_2020,
        ],
    );
    modifier.assert_code(0);
    assert_eq!(modifier.json()["modifier"], true);
    let unknown = rcm(
        systems(),
        &[
            "--json", "codes", "validate", "--system", "hcpcs", "K9999", "--dos", IN_Q1_2020,
        ],
    );
    unknown.assert_code(1);
    // before the oldest HCPCS release: an error that says so
    let early = rcm(
        systems(),
        &[
            "codes",
            "lookup",
            "--system",
            "hcpcs",
            "K0001",
            "--dos",
            "2019-06-01",
        ],
    );
    early.assert_code(2);
    assert!(
        early.stderr.contains("before the oldest imported"),
        "{}",
        early.stderr
    );
}

#[test]
fn cpt_is_checked_by_format_without_a_licensed_file() {
    let run = rcm(
        systems(),
        &[
            "--json", "codes", "validate", "99213", "0001F", "1234T", "0002U",
        ],
    );
    run.assert_code(0);
    let bad = rcm(
        systems(),
        &["--json", "codes", "validate", "--system", "cpt", "9921"],
    );
    bad.assert_code(1);
}

#[test]
fn licensed_cpt_file_is_imported_and_used() {
    let dir = tempdir();
    let csv = dir.path().join("cpt-2026.csv");
    std::fs::write(
        &csv,
        "Code,Description\n99213,Placeholder description one\n\"0001F\",\"Placeholder, quoted\"\n",
    )
    .unwrap();
    let run = rcm(
        dir.path(),
        &["--json", "codes", "import", csv.to_str().unwrap()],
    );
    run.assert_code(0);
    assert_eq!(
        str_field(&run.json()[0]["version"], "id"),
        "cpt-2026-january"
    );
    let ok = rcm(
        dir.path(),
        &[
            "--json",
            "codes",
            "validate",
            "--system",
            "cpt",
            "99213",
            "--dos",
            "2026-06-01",
        ],
    );
    ok.assert_code(0);
    assert_eq!(
        str_field(&ok.json()[0], "title"),
        "Placeholder description one"
    );
    let missing = rcm(
        dir.path(),
        &[
            "--json",
            "codes",
            "validate",
            "--system",
            "cpt",
            "99214",
            "--dos",
            "2026-06-01",
        ],
    );
    missing.assert_code(1);
}

#[test]
fn place_of_service_and_claim_frequency() {
    let run = rcm(systems(), &["--json", "codes", "pos"]);
    run.assert_code(0);
    let all = run.json();
    assert_eq!(array(&all).len(), 99);
    let office = rcm(systems(), &["--json", "codes", "pos", "11"]);
    office.assert_code(0);
    assert_eq!(str_field(&office.json()[0], "name"), "Office");
    rcm(systems(), &["codes", "pos", "00"]).assert_code(1);
    let freq = rcm(systems(), &["--json", "codes", "frequency", "8"]);
    freq.assert_code(0);
    assert_eq!(freq.json()[0]["refers_to_prior_claim"], true);
}

#[test]
fn versions_lists_every_system() {
    let run = rcm(systems(), &["--json", "codes", "versions"]);
    run.assert_code(0);
    let versions = run.json();
    let ids: Vec<&str> = array(&versions)
        .iter()
        .map(|v| str_field(v, "id"))
        .collect();
    assert!(
        ids.contains(&"icd10pcs-2023-october") && ids.contains(&"hcpcs-2020-january"),
        "{ids:?}"
    );
    let stats = rcm(
        systems(),
        &[
            "--json", "codes", "stats", "--system", "pcs", "--dos", IN_FY2023,
        ],
    );
    stats.assert_code(0);
    assert_eq!(stats.json()["codes"], 78_530);
    assert_eq!(stats.json()["details"]["tables"], 901);
}

#[test]
fn bad_hcpcs_and_pcs_files_name_the_line_and_leave_nothing_behind() {
    let dir = tempdir();
    // an HCPCS record with an unknown record type on line 3
    let good = "   A1001007Dressing for one wound";
    let mut text = String::new();
    for (i, rec) in ["A4206", "A4207", "A4208"].iter().enumerate() {
        let mut line = format!("{rec}00100{}", if i == 2 { '5' } else { '3' });
        line.push_str(&format!("{:<80}", "Syringe with needle"));
        line.push_str(&" ".repeat(320 - line.len()));
        text.push_str(&line);
        text.push('\n');
    }
    let _ = good;
    let bad = dir.path().join("HCPC2021_ANWEB.txt");
    std::fs::write(&bad, &text).unwrap();
    let run = rcm(dir.path(), &["codes", "import", bad.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("HCPC2021_ANWEB.txt:"), "{}", run.stderr);
    // a truncated PCS tables file
    let tables = std::fs::read_to_string(gunzip(
        "icd10pcs/fy2023/icd10pcs_tables_2023.xml.gz",
        dir.path(),
    ))
    .unwrap();
    let cut = dir.path().join("icd10pcs_tables_cut.xml");
    std::fs::write(&cut, &tables[..tables.len() / 3]).unwrap();
    let run = rcm(dir.path(), &["codes", "import", cut.to_str().unwrap()]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("icd10pcs_tables_cut.xml:"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("codes").join("catalog.json").exists());
}

#[test]
fn the_index_family_is_walked_and_feeds_search() {
    let dir = persistent_tempdir("index-family");
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    for f in [
        "icd10cm_drug_2023.xml.gz",
        "icd10cm_eindex_2023.xml.gz",
        "icd10cm_neoplasm_2023.xml.gz",
    ] {
        // imported gzipped, as they are kept: rcm opens gzip itself
        let src = shared(&format!("icd10cm/fy2023_index_tables/{f}"));
        let run = rcm(&dir, &["--json", "codes", "import", src.to_str().unwrap()]);
        run.assert_code(0);
    }
    rcm(
        &dir,
        &["codes", "import", official_source().to_str().unwrap()],
    )
    .assert_code(0);
    let walk = rcm(
        &dir,
        &["--json", "codes", "index", "Aspirin", "--table", "drugs"],
    );
    walk.assert_code(0);
    let v = walk.json();
    let codes: Vec<&str> = array(&v["entry"]["codes"])
        .iter()
        .map(|c| str_field(c, "code"))
        .collect();
    assert_eq!(
        codes,
        [
            "T39.011", "T39.012", "T39.013", "T39.014", "T39.015", "T39.016"
        ]
    );
    let fall = rcm(&dir, &["--json", "codes", "index", "Fall, from, bed"]);
    fall.assert_code(0);
    assert_eq!(
        str_field(&array(&fall.json()["entry"]["codes"])[0], "code"),
        "W06"
    );
    let missing = rcm(&dir, &["codes", "index", "Zzyzx"]);
    missing.assert_code(1);
    // the index path shows up as a reason in ICD-10-CM search
    let search = rcm(
        &dir,
        &[
            "--json",
            "codes",
            "search",
            "fall from bed",
            "--dos",
            IN_APRIL_2026,
        ],
    );
    search.assert_code(0);
    let hits = search.json();
    let w06 = array(&hits)
        .iter()
        .find(|h| str_field(h, "code") == "W06")
        .expect("W06 found");
    let why: Vec<&str> = array(&w06["why"])
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(why.iter().any(|w| w.starts_with("index: Fall")), "{why:?}");
    // and a lookup lists the index entries that lead to the code
    let lookup = rcm(
        &dir,
        &[
            "--json",
            "codes",
            "lookup",
            "T39.011A",
            "--dos",
            IN_APRIL_2026,
        ],
    );
    lookup.assert_code(0);
    let v = lookup.json();
    let index: Vec<&str> = array(&v["index"])
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert!(index.iter().any(|i| i.contains("Aspirin")), "{index:?}");
}

#[test]
fn hcpcs_quarterly_diff_lists_revised_codes() {
    let dir = tempdir();
    let jan = gunzip(
        "hcpcs/2020_annual/HCPC2020_ANWEB_w_disclaimer.txt.gz",
        dir.path(),
    );
    let text = std::fs::read(&jan).unwrap();
    // The April update: K0001's long and short descriptions revised (same widths).
    let revised =
        String::from_utf8_lossy(&text).replace("Standard wheelchair", "Standard Wheelchair");
    let apr = dir.path().join("HCPC2020_APR_ANWEB.txt");
    std::fs::write(&apr, revised.as_bytes()).unwrap();
    rcm(dir.path(), &["codes", "import", jan.to_str().unwrap()]).assert_code(0);
    rcm(
        dir.path(),
        &[
            "codes",
            "import",
            apr.to_str().unwrap(),
            "--release",
            "april",
        ],
    )
    .assert_code(0);
    let run = rcm(
        dir.path(),
        &[
            "--json",
            "codes",
            "diff",
            "hcpcs-2020-january",
            "hcpcs-2020-april",
        ],
    );
    run.assert_code(0);
    let d = run.json();
    let revised = array(&d["revised"]);
    // K0001 and E1130 (whose description also says "standard wheelchair")
    let codes: Vec<&str> = revised.iter().map(|r| str_field(r, "code")).collect();
    assert!(codes.contains(&"K0001"), "{codes:?}");
    for r in revised {
        assert!(
            str_field(r, "new_title").contains("Standard Wheelchair"),
            "{r}"
        );
        assert!(
            str_field(r, "old_title").contains("Standard wheelchair"),
            "{r}"
        );
    }
    assert!(array(&d["added"]).is_empty() && array(&d["deleted"]).is_empty());
    let mixed = rcm(
        dir.path(),
        &["codes", "diff", "hcpcs-2020-january", "icd10cm-2026-april"],
    );
    mixed.assert_code(2);
}
