//! `rcm claims check|convert|schema` end to end: exit statuses, findings with field paths, bad
//! input with the path of the field, JSON ↔ 837 both ways checked by pyx12.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{rcm, shared_official, tempdir, write};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    repo().join("examples/claims/office-visits.json")
}

fn example_json() -> Value {
    serde_json::from_slice(&std::fs::read(example()).unwrap()).unwrap()
}

fn check(data: &Path, file: &Path) -> common::Run {
    rcm(
        data,
        &[
            "--json",
            "claims",
            "check",
            &file.display().to_string(),
            "--today",
            "2026-11-24",
        ],
    )
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/claims"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    assert!(v.len() >= 2, "{v:?}");
    v
}

#[test]
fn the_shipped_examples_are_clean() {
    for ex in examples() {
        let run = check(shared_official(), &ex);
        run.assert_code(0);
        let v = run.json();
        assert_eq!(
            v["summary"]["clean"],
            v["summary"]["claims"],
            "{}: {v}",
            ex.display()
        );
    }
}

#[test]
fn a_claim_with_an_error_exits_1_with_id_severity_message_and_fields() {
    let dir = tempdir();
    let mut v = example_json();
    v["claims"][0]["diagnoses"][0] = json!("E11");
    v["claims"][1]["lines"][0]["diagnosis_pointers"] = json!([7]);
    let file = dir.path().join("claims.json");
    write(&file, v.to_string().as_bytes());
    let run = check(shared_official(), &file);
    run.assert_code(1);
    let out = run.json();
    let c0 = &out["claims"][0];
    assert_eq!(c0["patient_control_number"], "MSFM-2026-0001");
    let f = &c0["findings"][0];
    assert_eq!(f["id"], "code.icd10cm.header");
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("E11"));
    assert_eq!(f["fields"][0], "diagnoses[0]");
    assert!(
        f["next_step"]
            .as_str()
            .unwrap()
            .contains("billable codes below E11")
    );
    let f1 = &out["claims"][1]["findings"][0];
    assert_eq!(f1["id"], "structure.pointer-invalid");
    assert_eq!(f1["fields"][0], "lines[0].diagnosis_pointers[0]");
    // The readable report names the claim, the edit and the next step; never the patient.
    let text = rcm(
        shared_official(),
        &[
            "claims",
            "check",
            &file.display().to_string(),
            "--today",
            "2026-11-24",
        ],
    );
    text.assert_code(1);
    assert!(
        text.stdout.contains("code.icd10cm.header"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("next:"), "{}", text.stdout);
    assert!(!text.stdout.contains("SMITH") && !text.stdout.contains("DOE"));
}

#[test]
fn bad_input_names_the_path_of_the_field() {
    let dir = tempdir();
    let data = shared_official();
    let cases: Vec<(Value, i32, &str)> = vec![
        // An unknown field: the whole file is refused, with the path.
        (
            {
                let mut v = example_json();
                v["claims"][1]["lines"][0]["unit"] = json!(1);
                v
            },
            2,
            "claims[1].lines[0]",
        ),
        // Money as a binary float.
        (
            {
                let mut v = example_json();
                v["claims"][0]["lines"][2]["charge"] = json!(20.5);
                v
            },
            2,
            "claims[0].lines[2].charge",
        ),
        // Units of the wrong type.
        (
            {
                let mut v = example_json();
                v["claims"][0]["lines"][0]["units"] = json!(true);
                v
            },
            2,
            "claims[0].lines[0].units",
        ),
    ];
    for (i, (v, code, path)) in cases.into_iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.json"));
        write(&file, v.to_string().as_bytes());
        let run = check(data, &file);
        run.assert_code(code);
        assert!(run.stderr.contains(path), "case {i}: {}", run.stderr);
    }
    // Broken JSON: line and column.
    let file = dir.path().join("broken.json");
    write(
        &file,
        b"{\n  \"claims\": [\n    {\"patient_control_number\": \"X\",,}\n]}",
    );
    let run = check(data, &file);
    run.assert_code(2);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    // A claim without lines is a finding on that claim (exit 1), the other claim is scrubbed.
    let mut v = example_json();
    v["claims"][0]["lines"] = json!([]);
    let file = dir.path().join("nolines.json");
    write(&file, v.to_string().as_bytes());
    let run = check(data, &file);
    run.assert_code(1);
    let out = run.json();
    let ids: Vec<&str> = out["claims"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"structure.no-lines"), "{ids:?}");
    assert_eq!(out["claims"][0]["findings"][0]["fields"][0], "lines");
    assert_eq!(out["claims"][1]["findings"], json!([]));
}

fn x12valid(file: &Path) -> Result<(), String> {
    let venv = std::env::var_os("RCM_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"));
    let bin = venv.join("bin/x12valid");
    assert!(
        bin.exists(),
        "pyx12 is not installed at {}: run `make test` (scripts/install-test-tools.sh)",
        bin.display()
    );
    let out = std::process::Command::new(bin).arg(file).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    if text.contains(": OK") {
        Ok(())
    } else {
        Err(text)
    }
}

fn sorted_claims(file: &rcm_claims::ClaimFile) -> Vec<rcm_claims::Claim> {
    let mut v: Vec<rcm_claims::Claim> =
        file.build().into_iter().map(|b| b.claim.unwrap()).collect();
    v.sort_by(|a, b| a.patient_control_number.cmp(&b.patient_control_number));
    v
}

#[test]
fn claim_json_to_837_passes_pyx12_and_comes_back_the_same() {
    let dir = tempdir();
    let data = shared_official();
    for ex in examples() {
        let out837 = dir.path().join("claims.837");
        rcm(
            data,
            &[
                "claims",
                "convert",
                &ex.display().to_string(),
                "-o",
                &out837.display().to_string(),
            ],
        )
        .assert_code(0);
        x12valid(&out837).unwrap_or_else(|e| panic!("{}: {e}", ex.display()));
        // Back to JSON: the same claims (837P and 837I interchanges in one file).
        let back = dir.path().join("back.json");
        rcm(
            data,
            &[
                "claims",
                "convert",
                &out837.display().to_string(),
                "-o",
                &back.display().to_string(),
            ],
        )
        .assert_code(0);
        let original: rcm_claims::ClaimFile =
            serde_json::from_slice(&std::fs::read(&ex).unwrap()).unwrap();
        let again: rcm_claims::ClaimFile =
            serde_json::from_slice(&std::fs::read(&back).unwrap()).unwrap();
        let mut a = sorted_claims(&original);
        // Coverage dates are the office's eligibility data: an 837 does not carry them.
        for c in &mut a {
            c.payer.coverage_start = None;
            c.payer.coverage_end = None;
        }
        assert_eq!(a, sorted_claims(&again), "{}", ex.display());
        // And the 837 itself can be scrubbed: same verdict as the JSON.
        let run = check(data, &out837);
        run.assert_code(0);
        let v = run.json();
        assert_eq!(
            v["summary"]["clean"],
            v["summary"]["claims"],
            "{}: {v}",
            ex.display()
        );
    }
}

#[test]
fn the_committed_schema_is_the_one_the_code_reads_and_examples_follow_it() {
    let run = rcm(shared_official(), &["claims", "schema"]);
    run.assert_code(0);
    let generated: Value = run.json();
    let committed: Value =
        serde_json::from_slice(&std::fs::read(repo().join("schemas/claims.schema.json")).unwrap())
            .unwrap();
    assert_eq!(
        generated, committed,
        "schemas/claims.schema.json is stale: regenerate it with `rcm claims schema > schemas/claims.schema.json`"
    );
    // An independent validator (Python jsonschema) checks every example against it.
    let venv = std::env::var_os("RCM_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"));
    let py = venv.join("bin/python");
    assert!(py.exists(), "run `make test` to install the test tools");
    let out = std::process::Command::new(py)
        .arg("-c")
        .arg(
            "import json,sys,glob,jsonschema\n\
             s=json.load(open(sys.argv[1]))\n\
             jsonschema.Draft202012Validator.check_schema(s)\n\
             for f in sorted(glob.glob(sys.argv[2]+'/*.json')):\n    jsonschema.validate(json.load(open(f)), s); print('ok', f)\n",
        )
        .arg(repo().join("schemas/claims.schema.json"))
        .arg(repo().join("examples/claims"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("office-visits.json"));
}

#[test]
fn x12_837p_and_837i_write_from_the_claim_file() {
    let dir = tempdir();
    let src = repo().join("examples/claims/hospital-outpatient-and-secondary.json");
    for (kind, expect) in [("837p", "005010X222A1"), ("837i", "005010X223A2")] {
        let out = dir.path().join(format!("{kind}.x12"));
        rcm(
            shared_official(),
            &[
                "x12",
                kind,
                &src.display().to_string(),
                "-o",
                &out.display().to_string(),
            ],
        )
        .assert_code(0);
        let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
        assert!(text.contains(expect), "{kind}");
        x12valid(&out).unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
    // A claim file with a problem is refused with its path, nothing written.
    let mut v: Value = serde_json::from_slice(&std::fs::read(&src).unwrap()).unwrap();
    v["claims"][1]["billing_provider"]["npi"] = json!("1234567890");
    let bad = dir.path().join("bad.json");
    write(&bad, v.to_string().as_bytes());
    let out = dir.path().join("never.x12");
    let run = rcm(
        shared_official(),
        &[
            "x12",
            "837p",
            &bad.display().to_string(),
            "-o",
            &out.display().to_string(),
        ],
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains("claims[1].billing_provider.npi"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

#[test]
fn professional_claims_print_on_the_cms1500_and_institutional_ones_are_refused() {
    let dir = tempdir();
    let out = dir.path().join("forms.pdf");
    let src = repo().join("examples/claims/office-visits.json");
    let claims = example_json()["claims"].as_array().unwrap().len();
    let run = rcm(
        shared_official(),
        &[
            "claims",
            "cms1500",
            &src.display().to_string(),
            "-o",
            &out.display().to_string(),
        ],
    );
    run.assert_code(0);
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // One page per six lines of each claim, at least one per claim.
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(run.stdout.contains("form page(s)"), "{}", run.stdout);
    let said: usize = run
        .stdout
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(said >= claims, "{said} pages for {claims} claims");
    assert_eq!(pages, said, "page objects in the PDF");
    // A UB-04 claim cannot print on the CMS-1500: refused with its path, nothing written.
    let mixed = repo().join("examples/claims/hospital-outpatient-and-secondary.json");
    let never = dir.path().join("never.pdf");
    let run = rcm(
        shared_official(),
        &[
            "claims",
            "cms1500",
            &mixed.display().to_string(),
            "-o",
            &never.display().to_string(),
        ],
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains("claims[0]") && run.stderr.contains("UB-04"),
        "{}",
        run.stderr
    );
    assert!(!never.exists());
}
