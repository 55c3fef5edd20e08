//! The scrubber over a generated corpus, with the official ICD-10-CM release and NCCI tables
//! in the CMS layouts: clean claims raise nothing, and each injected defect raises exactly its
//! edit and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rcm_claims::input::{BuiltClaim, ClaimInput};
use rcm_edits::rules::RuleSet;
use rcm_edits::{Scrubber, Severity};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn official_source() -> PathBuf {
    let path = std::env::var_os("RCM_OFFICIAL_ICD10CM")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl"));
    assert!(
        path.exists(),
        "the official ICD-10-CM file is not installed at {}: run `make test`",
        path.display()
    );
    path
}

const TODAY: &str = "2026-11-24";

/// A data directory with the official ICD-10-CM and the NCCI fixtures imported.
fn scrubber_with(rules: RuleSet) -> Scrubber {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let mut catalog = rcm_codes::Catalog::open(&dir).unwrap();
        catalog
            .import(
                &official_source(),
                &Default::default(),
                &rcm_codes::NoProgress,
            )
            .unwrap();
        let fx = repo().join("tests/fixtures/ncci");
        let files: Vec<PathBuf> = [
            "ccipra-v323r0-f1.zip",
            "ccipra-v323r0-f2.zip",
            "ccipra-v323r0-f3.zip",
            "ccipra-v323r0-f4.zip",
        ]
        .iter()
        .map(|f| fx.join(f))
        .collect();
        rcm_edits::ncci::import(&dir, &files, &Default::default()).unwrap();
        rcm_edits::ncci::import(
            &dir,
            &[fx.join("MCR_MUE_PractitionerServices_Eff_10-01-2026.zip")],
            &Default::default(),
        )
        .unwrap();
        dir
    });
    Scrubber::open(dir, rules, TODAY.parse().unwrap()).unwrap()
}

fn scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| scrubber_with(RuleSet::default()))
}

/// Clean scenarios: codes that go together, for a patient they fit.
fn templates() -> Vec<Value> {
    vec![
        // Type 2 diabetes follow-up with A1c and venipuncture.
        json!({"sex": "F", "birth": "1961-03-02", "dx": ["E11.9", "Z79.84", "I10"],
               "lines": [["99214", [], "150.00", "1", [1, 2, 3]], ["36415", [], "15.00", "1", [1]], ["83036", [], "20.00", "1", [1]]]}),
        // A child with strep throat, rapid test in the office.
        json!({"sex": "M", "birth": "2017-08-19", "dx": ["J02.0"],
               "lines": [["99213", ["25"], "110.00", "1", [1]], ["87880", ["QW"], "35.00", "1", [1]]]}),
        // Right knee pain, injection of the knee.
        json!({"sex": "M", "birth": "1975-01-30", "dx": ["M25.561"],
               "lines": [["99213", ["25"], "110.00", "1", [1]], ["20610", ["RT"], "180.00", "1", [1]]]}),
        // Hypertension and hyperlipidemia with a lipid panel.
        json!({"sex": "M", "birth": "1958-11-11", "dx": ["I10", "E78.5"],
               "lines": [["99213", [], "110.00", "1", [1, 2]], ["80061", [], "45.00", "1", [2]], ["36415", [], "15.00", "1", [2]]]}),
        // Annual exam of an adult.
        json!({"sex": "F", "birth": "1980-05-05", "dx": ["Z00.00"],
               "lines": [["99396", [], "220.00", "1", [1]]]}),
        // Physical therapy for low back pain.
        json!({"sex": "F", "birth": "1990-02-14", "dx": ["M54.50"],
               "lines": [["97110", ["GP"], "90.00", "2", [1]], ["97140", ["GP"], "45.00", "1", [1]]]}),
        // Chest pain work-up with an ECG.
        json!({"sex": "M", "birth": "1966-07-21", "dx": ["R07.9"],
               "lines": [["99214", ["25"], "150.00", "1", [1]], ["93000", [], "40.00", "1", [1]]]}),
        // Prenatal visit, first pregnancy.
        json!({"sex": "F", "birth": "1996-09-09", "dx": ["Z34.01"],
               "lines": [["99213", [], "110.00", "1", [1]]]}),
    ]
}

fn claim_from(t: &Value, n: usize) -> Value {
    let lines: Vec<Value> = t["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            json!({"procedure": l[0], "modifiers": l[1], "charge": l[2], "units": l[3],
                   "diagnosis_pointers": l[4], "date_of_service": format!("2026-11-{:02}", 2 + n % 20)})
        })
        .collect();
    let total: i64 = t["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            rcm_claims::Money::parse(l[2].as_str().unwrap())
                .unwrap()
                .cents()
        })
        .sum();
    json!({
        "patient_control_number": format!("PCN{n:05}"),
        "billing_provider": {"npi": "1234567893", "name": "MAIN STREET FAMILY MEDICINE", "tax_id": "74-1234567",
            "taxonomy": "207Q00000X",
            "address": {"line1": "100 MAIN ST", "city": "AUSTIN", "state": "TX", "zip": "787011234"}},
        "rendering_provider": {"npi": "1245319599", "last_name": "RIVERA", "first_name": "ANA"},
        "subscriber": {"member_id": format!("M{n:09}"), "last_name": format!("PATIENT{n}"), "first_name": "ALEX",
            "birth_date": t["birth"], "sex": t["sex"],
            "address": {"line1": "12 ELM ST", "city": "AUSTIN", "state": "TX", "zip": "78702"}},
        "payers": [{"name": "DEMO HEALTH PLAN", "payer_id": "DHP01", "responsibility": "primary",
            "filing_indicator": "CI", "coverage_start": "2026-01-01"}],
        "place_of_service": "11",
        "diagnoses": t["dx"],
        "total_charge": rcm_claims::Money(total).to_string(),
        "lines": lines
    })
}

fn build(v: &Value) -> BuiltClaim {
    let input: ClaimInput = serde_json::from_value(v.clone()).unwrap();
    input.build("claims[0]")
}

fn ids_with(s: &Scrubber, v: &Value) -> BTreeSet<String> {
    let report = s.check(&build(v));
    for f in &report.findings {
        // Every edit the scrubber raises is in the published catalog (`rcm edits list`).
        assert!(
            f.id.starts_with("payer.") || rcm_edits::catalog::edit(&f.id).is_some(),
            "{} is not in the edit catalog",
            f.id
        );
    }
    report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.id.to_string())
        .collect()
}

fn ids(v: &Value) -> BTreeSet<String> {
    ids_with(scrubber(), v)
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn clean_claims_raise_nothing() {
    let ts = templates();
    let mut noisy = Vec::new();
    for n in 0..240 {
        let c = claim_from(&ts[n % ts.len()], n);
        let report = scrubber().check(&build(&c));
        if !report.findings.is_empty() {
            noisy.push(format!("{}: {:?}", n % ts.len(), report.findings));
        }
    }
    assert!(
        noisy.is_empty(),
        "clean claims raised findings:\n{}",
        noisy.join("\n")
    );
}

/// Applies `change` to a clean claim of template `t` and returns the edits that fire.
fn defect(t: usize, change: impl FnOnce(&mut Value)) -> BTreeSet<String> {
    let mut c = claim_from(&templates()[t], 7);
    change(&mut c);
    ids(&c)
}

#[test]
fn each_structural_defect_raises_its_edit_and_nothing_else() {
    assert_eq!(
        defect(0, |c| c["billing_provider"]["npi"] = json!("1234567890")),
        set(&["structure.npi-invalid"])
    );
    assert_eq!(
        defect(0, |c| c["subscriber"]["member_id"] = json!("")),
        set(&["structure.required"])
    );
    assert_eq!(
        defect(0, |c| c["total_charge"] = json!("999.00")),
        set(&["structure.total-mismatch"])
    );
    assert_eq!(
        defect(0, |c| c["lines"][1]["diagnosis_pointers"] = json!([4])),
        set(&["structure.pointer-invalid"])
    );
    assert_eq!(
        defect(0, |c| c["lines"][1]["diagnosis_pointers"] = json!([])),
        set(&["structure.pointer-missing"])
    );
    assert_eq!(
        defect(4, |c| c["lines"][0]["date_of_service"] =
            json!("2026-12-20")),
        set(&["structure.future-date"])
    );
    assert_eq!(
        defect(4, |c| c["subscriber"]["birth_date"] = json!("2026-11-30")),
        set(&["structure.before-birth"])
    );
    assert_eq!(
        defect(4, |c| c["payers"][0]["coverage_end"] = json!("2026-10-31")),
        set(&["structure.outside-coverage"])
    );
    assert_eq!(
        defect(4, |c| c["place_of_service"] = json!("30")),
        set(&["structure.pos-invalid"])
    );
    assert_eq!(
        defect(4, |c| c["lines"][0]["units"] = json!("0")),
        set(&["structure.units-not-positive"])
    );
    assert_eq!(
        defect(4, |c| {
            c["lines"][0]["charge"] = json!("0");
            c["total_charge"] = json!("0");
        }),
        set(&["structure.charge-not-positive"])
    );
    assert_eq!(
        defect(4, |c| {
            let l = c["lines"][0].clone();
            c["lines"].as_array_mut().unwrap().push(l);
            c["total_charge"] = json!("440.00");
        }),
        set(&["structure.duplicate-line"])
    );
    assert_eq!(
        defect(4, |c| c["frequency"] = json!("7")),
        set(&["structure.original-reference-missing"])
    );
    assert_eq!(
        defect(4, |c| c["lines"] = json!([])),
        set(&["structure.no-lines"])
    );
    assert_eq!(
        defect(4, |c| c["lines"][0]["modifiers"] =
            json!(["25", "59", "XU", "76", "77"])),
        set(&["structure.too-many"])
    );
    assert_eq!(
        defect(4, |c| c["lines"][0]["procedure"] = json!("9939")),
        set(&["code.procedure.malformed"])
    );
    assert_eq!(
        defect(4, |c| c["billing_provider"]["address"]["zip"] =
            json!("78701")),
        set(&["structure.billing-zip"])
    );
    assert_eq!(
        defect(4, |c| c["payers"][0]["filing_indicator"] = json!("XX")),
        set(&["structure.filing-indicator-invalid"])
    );
    assert_eq!(
        defect(4, |c| c["payers"][0]["responsibility"] = json!("secondary")),
        set(&["structure.cob-missing"])
    );
    assert_eq!(
        defect(4, |c| {
            c["patient"] = json!({"relationship": "99", "last_name": "KID", "birth_date": "1990-01-01", "sex": "F",
                "address": {"line1": "12 ELM ST", "city": "AUSTIN", "state": "TX", "zip": "78702"}});
        }),
        set(&["structure.relationship-invalid"])
    );
    assert_eq!(
        defect(4, |c| {
            c["lines"][0]["procedure"] = json!("J3301");
            c["lines"][0]["modifiers"] = json!([]);
        }),
        set(&["structure.ndc-missing"])
    );
}

#[test]
fn each_code_defect_raises_its_edit_and_nothing_else() {
    let dx = |t: usize, codes: Value| defect(t, move |c| c["diagnoses"] = codes);
    assert_eq!(dx(4, json!(["Z00.0"])), set(&["code.icd10cm.header"]));
    assert_eq!(dx(4, json!(["Z00.09"])), set(&["code.icd10cm.unknown"]));
    assert_eq!(dx(4, json!(["11.9"])), set(&["code.icd10cm.malformed"]));
    assert_eq!(
        dx(2, json!(["S72.001"])),
        set(&["code.icd10cm.seventh-missing"])
    );
    assert_eq!(
        dx(2, json!(["S72.001Z"])),
        set(&["code.icd10cm.seventh-invalid"])
    );
    assert_eq!(
        dx(2, json!(["M48.50A"])),
        set(&["code.icd10cm.placeholder-missing"])
    );
    // The next step names the 7th characters.
    let mut c = claim_from(&templates()[2], 3);
    c["diagnoses"] = json!(["S72.001"]);
    let r = scrubber().check(&build(&c));
    let next = r.findings[0].next_step.clone().unwrap();
    assert!(next.contains("S72.001 needs a 7th character: A "), "{next}");
}

#[test]
fn conventions_across_the_claim() {
    // E11 has an Excludes1 note for type 1 diabetes (E10.-).
    assert_eq!(
        defect(0, |c| c["diagnoses"] = json!(["E11.9", "Z79.84", "E10.9"])),
        set(&["convention.excludes1"])
    );
    // A manifestation first-listed: dementia in Alzheimer's disease before the Alzheimer's.
    assert_eq!(
        defect(4, |c| c["diagnoses"] = json!(["F02.80", "G30.9"])),
        set(&["convention.manifestation-first"])
    );
    assert_eq!(
        defect(4, |c| c["diagnoses"] = json!(["G30.9", "F02.80"])),
        set(&[])
    );
    // G63 excludes diabetic polyneuropathy (E08-E13 with .42): the pair is an Excludes1 conflict.
    assert!(
        defect(4, |c| c["diagnoses"] = json!(["E11.42", "G63", "Z79.84"]))
            .contains("convention.excludes1")
    );
    // Etiology without the partner its "use additional code" note names.
    assert_eq!(
        defect(0, |c| {
            c["diagnoses"] = json!(["E11.9", "I10"]);
            c["lines"][0]["diagnosis_pointers"] = json!([1, 2]);
        }),
        set(&["convention.use-additional"])
    );
    // The note's codes are each listed once, however many inherited notes name them.
    let mut c = claim_from(&templates()[0], 0);
    c["diagnoses"] = json!(["E11.9", "I10"]);
    c["lines"][0]["diagnosis_pointers"] = json!([1, 2]);
    let report = scrubber().check(&build(&c));
    let f = report
        .findings
        .iter()
        .find(|f| f.id == "convention.use-additional")
        .unwrap();
    let listed = f
        .message
        .split('(')
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let codes: Vec<&str> = listed.split(", ").collect();
    let distinct: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(codes.len(), distinct.len(), "{}", f.message);
    // Unspecified knee while the injection line says right.
    assert_eq!(
        defect(2, |c| c["diagnoses"] = json!(["M25.569"])),
        set(&["convention.unspecified-side"])
    );
}

#[test]
fn patient_sex_and_age() {
    assert_eq!(
        defect(4, |c| c["diagnoses"] = json!(["N40.0"])),
        set(&["patient.sex"])
    );
    assert_eq!(
        defect(7, |c| c["subscriber"]["birth_date"] = json!("1950-01-01")),
        set(&["patient.maternity-age"])
    );
    assert_eq!(
        defect(4, |c| c["diagnoses"] = json!(["P59.9"])),
        set(&["patient.newborn-age"])
    );
    assert_eq!(
        defect(1, |c| c["diagnoses"] = json!(["Z00.00"])),
        set(&["patient.adult-age"])
    );
    // A woman with a prostate code is an error; a title-word rule is only a warning.
    let mut c = claim_from(&templates()[4], 1);
    c["diagnoses"] = json!(["N40.0"]);
    let r = scrubber().check(&build(&c));
    assert_eq!(r.findings[0].severity, Severity::Error);
}

#[test]
fn ncci_ptp_and_mue() {
    // 93000 / 93010: modifier indicator 0, nothing bypasses it.
    assert_eq!(
        defect(6, |c| {
            let d = c["lines"][0]["date_of_service"].clone();
            c["lines"].as_array_mut().unwrap().push(
                json!({"procedure": "93010", "charge": "20.00", "units": "1",
                "diagnosis_pointers": [1], "date_of_service": d}),
            );
            c["total_charge"] = json!("210.00");
        }),
        set(&["ncci.ptp"])
    );
    // 11720 / 11055: indicator 1 — an edit without a modifier, nothing with XS.
    let pair = |modifier: Option<&str>| {
        defect(4, |c| {
            let d = c["lines"][0]["date_of_service"].clone();
            c["diagnoses"] = json!(["B35.1", "L84"]);
            c["lines"] = json!([
                {"procedure": "11720", "charge": "60.00", "units": "1", "diagnosis_pointers": [1], "date_of_service": d},
                {"procedure": "11055", "modifiers": modifier.map(|m| vec![m]).unwrap_or_default(), "charge": "50.00", "units": "1", "diagnosis_pointers": [2], "date_of_service": d}
            ]);
            c["total_charge"] = json!("110.00");
        })
    };
    assert_eq!(pair(None), set(&["ncci.ptp"]));
    assert_eq!(pair(Some("XS")), set(&[]));
    // 99213: MUE 1 per date of service (policy).
    assert_eq!(
        defect(1, |c| c["lines"][0]["units"] = json!("2")),
        set(&["mue.date-of-service"])
    );
    // A4550: MUE 1 per line.
    assert_eq!(
        defect(4, |c| {
            let d = c["lines"][0]["date_of_service"].clone();
            c["lines"].as_array_mut().unwrap().push(
                json!({"procedure": "A4550", "charge": "10.00", "units": "2",
                "diagnosis_pointers": [1], "date_of_service": d}),
            );
            c["total_charge"] = json!("230.00");
        }),
        set(&["mue.line"])
    );
}

#[test]
fn duplicate_claims_in_a_batch() {
    let c = claim_from(&templates()[0], 11);
    let mut other = c.clone();
    other["patient_control_number"] = json!("PCN-RESENT");
    let built = vec![build(&c), build(&other)];
    let reports = scrubber().check_batch(&built);
    assert!(reports[0].findings.is_empty());
    let ids: Vec<&str> = reports[1].findings.iter().map(|f| f.id.as_ref()).collect();
    assert_eq!(ids, vec!["structure.duplicate-claim"]);
    assert!(reports[1].findings[0].message.contains("PCN00011"));
}

#[test]
fn findings_name_the_fields_and_never_the_patient() {
    let mut c = claim_from(&templates()[0], 5);
    c["total_charge"] = json!("1.00");
    c["lines"][2]["diagnosis_pointers"] = json!([9]);
    let r = scrubber().check(&build(&c));
    let fields: Vec<&str> = r
        .findings
        .iter()
        .flat_map(|f| f.fields.iter().map(|x| x.as_ref()))
        .collect();
    assert!(fields.contains(&"total_charge"), "{fields:?}");
    assert!(
        fields.contains(&"lines[2].diagnosis_pointers[0]"),
        "{fields:?}"
    );
    for f in &r.findings {
        assert!(
            !f.message.contains("PATIENT5") && !f.message.contains("1961"),
            "{}",
            f.message
        );
    }
}

#[test]
fn payer_rules_from_the_shipped_examples_fire_through_the_scrubber() {
    let rules = RuleSet::load(&[repo().join("examples/rules")]).unwrap();
    let s = scrubber_with(rules);
    // A BCBSTX telehealth visit without modifier 95.
    let mut c = claim_from(&templates()[4], 2);
    c["payers"][0]["name"] = json!("BLUE CROSS BLUE SHIELD OF TEXAS");
    c["payers"][0]["payer_id"] = json!("84980");
    c["payers"][0]["filing_indicator"] = json!("BL");
    c["place_of_service"] = json!("10");
    c["lines"][0]["procedure"] = json!("99213");
    let fired = ids_with(&s, &c);
    assert!(fired.contains("payer.BCBSTX-TELE-95"), "{fired:?}");
    let report = s.check(&build(&c));
    let f = report
        .findings
        .iter()
        .find(|f| f.id == "payer.BCBSTX-TELE-95")
        .unwrap();
    assert_eq!(f.category, rcm_edits::Category::PayerRule);
    assert!(
        f.fields.iter().any(|x| x.starts_with("lines[0]")),
        "{:?}",
        f.fields
    );
    // With the modifier the rule is satisfied.
    c["lines"][0]["modifiers"] = json!(["95"]);
    assert!(!ids_with(&s, &c).contains("payer.BCBSTX-TELE-95"));
    // The clean corpus stays clean with every shipped rule loaded (their payers differ).
    for n in 0..40 {
        let c = claim_from(&templates()[n % templates().len()], n);
        let r = s.check(&build(&c));
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }
}

fn example_claim(file: &str, index: usize) -> Value {
    let v: Value =
        serde_json::from_slice(&std::fs::read(repo().join("examples/claims").join(file)).unwrap())
            .unwrap();
    v["claims"][index].clone()
}

#[test]
fn institutional_and_secondary_claims() {
    let hospital = example_claim("hospital-outpatient-and-secondary.json", 0);
    let secondary = example_claim("hospital-outpatient-and-secondary.json", 1);
    assert_eq!(ids(&hospital), set(&[]));
    assert_eq!(ids(&secondary), set(&[]));
    // The primary payer's paid amount and adjustments must add up to the charge.
    let mut c = secondary.clone();
    c["payers"][1]["paid"] = json!("60.00");
    assert_eq!(ids(&c), set(&["structure.cob-unbalanced"]));
    // So must a line's (2430): here the line's paid amount is off, so both the line and the
    // claim stop balancing.
    let mut c = secondary.clone();
    c["lines"][0]["adjudications"][0]["paid"] = json!("67.00");
    assert_eq!(ids(&c), set(&["structure.cob-unbalanced"]));
    assert_eq!(
        scrubber()
            .check(&build(&c))
            .findings
            .iter()
            .filter(|f| f.id == "structure.cob-unbalanced")
            .count(),
        1,
        "the claim still balances with the payer's claim-level paid amount; the line does not"
    );
    // A line adjudication names one of the claim's other payers.
    let mut c = secondary.clone();
    c["lines"][0]["adjudications"][0]["payer_id"] = json!("99999");
    assert_eq!(ids(&c), set(&["structure.invalid-value"]));
    // An institutional line without a revenue code; a bill type that is not one.
    let mut c = hospital.clone();
    c["lines"][1]
        .as_object_mut()
        .unwrap()
        .remove("revenue_code");
    assert_eq!(ids(&c), set(&["structure.required"]));
    let mut c = hospital.clone();
    c["institutional"]["type_of_bill"] = json!("13");
    assert_eq!(ids(&c), set(&["structure.invalid-value"]));
    // A line outside the statement period is at risk.
    let mut c = hospital;
    c["lines"][2]["date_of_service"] = json!("2026-11-07");
    assert_eq!(ids(&c), set(&["structure.outside-statement"]));
}

/// A data directory with ICD-10-CM, the small HCPCS fixture (2020 annual layout) and a
/// licensed-CPT file of our own (placeholder descriptions, no AMA text).
fn scrubber_with_procedure_files() -> Scrubber {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut catalog = rcm_codes::Catalog::open(&dir).unwrap();
    catalog
        .import(
            &official_source(),
            &Default::default(),
            &rcm_codes::NoProgress,
        )
        .unwrap();
    let hcpcs = dir.join("HCPC2020_ANWEB.txt");
    std::fs::copy(repo().join("tests/fixtures/hcpcs/small-anweb.txt"), &hcpcs).unwrap();
    catalog
        .import(&hcpcs, &Default::default(), &rcm_codes::NoProgress)
        .unwrap();
    let cpt = dir.join("cpt-2026.csv");
    std::fs::write(
        &cpt,
        "Code,Description\n99213,Placeholder one\n99396,Placeholder two\n36415,Placeholder three\n",
    )
    .unwrap();
    catalog
        .import(&cpt, &Default::default(), &rcm_codes::NoProgress)
        .unwrap();
    Scrubber::open(&dir, RuleSet::default(), TODAY.parse().unwrap()).unwrap()
}

#[test]
fn procedure_codes_against_the_imported_hcpcs_and_cpt_files() {
    let s = scrubber_with_procedure_files();
    let line = |code: &str| {
        let mut c = claim_from(&templates()[4], 3);
        c["lines"][0]["procedure"] = json!(code);
        ids_with(&s, &c)
    };
    // In the licensed CPT file, and a HCPCS code in the HCPCS file.
    assert_eq!(line("99396"), set(&[]));
    assert_eq!(line("G0008"), set(&[]));
    // A CPT-shaped code the licensed file does not have.
    assert_eq!(line("99499"), set(&["code.cpt.unknown"]));
    // A HCPCS code the file does not have, and one it ended before the date of service.
    assert_eq!(line("G9999"), set(&["code.hcpcs.unknown"]));
    assert_eq!(line("K0901"), set(&["code.hcpcs.not-in-effect"]));
}
