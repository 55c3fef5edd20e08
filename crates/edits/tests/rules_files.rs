//! Rule files on disk: every shipped example loads without problems (and does what its
//! comments say on a claim), the bad fixtures give the expected problems at their lines,
//! and ids are unique across the files of a directory.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::date;
use rcm_edits::rules::{
    ClaimKindView, Problem, RuleClaim, RuleHit, RuleLine, RuleSet, RuleSeverity, RulesError,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn examples() -> PathBuf {
    root().join("examples/rules")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/rules")
}

fn problems_of(paths: &[PathBuf]) -> Vec<Problem> {
    match RuleSet::load(paths) {
        Ok(s) => panic!("{paths:?} loaded {} rules; problems were expected", s.len()),
        Err(RulesError::Problems(p)) => p,
        Err(e) => panic!("{paths:?}: {e}"),
    }
}

#[test]
fn every_example_file_loads_without_problems() {
    let mut files: Vec<PathBuf> = fs::read_dir(examples())
        .unwrap_or_else(|e| panic!("examples/rules: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("examples/rules: {e}")).path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "at least four example files, found {files:?}"
    );
    let mut total = 0;
    for f in &files {
        let set = RuleSet::load(std::slice::from_ref(f)).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            set.len() >= 3,
            "{} has only {} rules",
            f.display(),
            set.len()
        );
        for r in set.rules() {
            assert!(r.finding_id().starts_with("payer."));
            assert!(!r.description().is_empty());
            assert!(!r.trigger_summary().is_empty(), "{} has no trigger", r.id());
        }
        total += set.len();
        // Every rule is commented: the lines just above each [[rule]] are comments.
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim() == "[[rule]]" {
                let above = i.checked_sub(1).map(|j| lines[j].trim()).unwrap_or("");
                assert!(
                    above.starts_with('#'),
                    "{}:{}: say above the rule why the payer denies",
                    f.display(),
                    i + 1
                );
            }
        }
    }
    // The directory loads as one set: ids are unique across the files.
    let all = RuleSet::load(&[examples()]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), total);
}

struct L {
    procedure: &'static str,
    modifiers: Vec<&'static str>,
    units: i64,
    charge: i64,
    pos: &'static str,
}

fn l(procedure: &'static str) -> L {
    L {
        procedure,
        modifiers: vec![],
        units: 1000,
        charge: 12_500,
        pos: "",
    }
}

fn evaluate(
    set: &RuleSet,
    payer: &str,
    pos: &str,
    age: u32,
    sex: char,
    lines: &[L],
    present: &dyn Fn(&str) -> bool,
) -> Vec<RuleHit> {
    let view = RuleClaim {
        kind: ClaimKindView::Professional,
        payer_id: "",
        payer_name: payer,
        place_of_service: pos,
        frequency: "1",
        billing_npi: "1234567893",
        billing_taxonomy: "207Q00000X",
        rendering_npi: "",
        rendering_taxonomy: "",
        patient_age_years: Some(age),
        patient_sex: Some(sex),
        diagnoses: vec!["Z0000"],
        total_charge_cents: lines.iter().map(|l| l.charge).sum(),
        first_date_of_service: date(2026, 5, 4),
        fields_present: present,
        lines: lines
            .iter()
            .map(|x| RuleLine {
                procedure: x.procedure,
                modifiers: x.modifiers.clone(),
                units_thousandths: x.units,
                charge_cents: x.charge,
                place_of_service: x.pos,
                rendering_npi: "",
                date_of_service: date(2026, 5, 4),
                diagnosis_pointers: vec![1],
                ndc: "",
                revenue_code: "",
            })
            .collect(),
    };
    let mut out = Vec::new();
    set.evaluate(&view, &mut out);
    out
}

fn ids(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule_id.as_str()).collect()
}

#[test]
fn the_examples_fire_as_their_comments_say() {
    let set = RuleSet::load(&[examples()]).unwrap_or_else(|e| panic!("{e}"));
    let none = |_: &str| false;

    // Telehealth visit to BCBSTX without 95.
    let hits = evaluate(&set, "BCBSTX", "10", 40, 'F', &[l("99213")], &none);
    assert_eq!(ids(&hits), ["payer.BCBSTX-TELE-95"]);
    assert_eq!(hits[0].fields[0], "lines[0].modifiers");
    // With 95, nothing.
    let mut ok = l("99213");
    ok.modifiers = vec!["95"];
    assert!(evaluate(&set, "BCBSTX", "10", 40, 'F', &[ok], &none).is_empty());

    // E/M with a joint injection the same day, no 25.
    let hits = evaluate(
        &set,
        "84980",
        "11",
        40,
        'F',
        &[l("99214"), l("20610")],
        &none,
    );
    assert_eq!(ids(&hits), ["payer.BCBSTX-EM-25"]);
    assert_eq!(hits[0].line, Some(0));

    // Medicare screening colonoscopy without GA/GZ: a warning.
    let hits = evaluate(&set, "Medicare", "22", 70, 'M', &[l("G0121")], &none);
    assert_eq!(ids(&hits), ["payer.MCR-ABN-SCREENING"]);
    assert_eq!(hits[0].severity, RuleSeverity::Warning);

    // Medicaid MRI without prior authorization; with one, nothing.
    let hits = evaluate(&set, "Texas Medicaid", "11", 30, 'F', &[l("70553")], &none);
    assert_eq!(ids(&hits), ["payer.MCD-PA-IMAGING"]);
    assert_eq!(hits[0].fields[0], "prior_authorization");
    let pa = |f: &str| f == "prior_authorization";
    assert!(evaluate(&set, "Texas Medicaid", "11", 30, 'F', &[l("70553")], &pa).is_empty());

    // A large claim is held, whatever the payer.
    let mut big = l("27447");
    big.charge = 600_000;
    let hits = evaluate(&set, "Cigna", "22", 66, 'F', &[big], &none);
    assert!(ids(&hits).contains(&"payer.OFFICE-HOLD-5000"), "{hits:#?}");
    assert!(hits.iter().all(|h| h.severity == RuleSeverity::Hold));

    // Adolescent preventive visit code for a 30-year-old.
    let hits = evaluate(&set, "Cigna", "11", 30, 'M', &[l("99394")], &none);
    assert_eq!(ids(&hits), ["payer.OFFICE-PREVENTIVE-ADOLESCENT-AGE"]);
    assert!(hits[0].message.contains("99394"), "{}", hits[0].message);
}

#[test]
fn bad_fixture_gives_every_problem_at_its_line() {
    let file = fixtures().join("bad-rules.toml");
    let ps = problems_of(std::slice::from_ref(&file));
    let expected: &[(usize, &str, &str, &str)] = &[
        (7, "BAD-RANGE", "procedure", "backwards"),
        (13, "BAD-FLOAT", "charge_min", "in quotes"),
        (20, "BAD-NO-MODIFIER", "modifier", "needs the modifier"),
        (27, "BAD-AGE", "age_max", "less than age_min"),
        (34, "BAD-KEY", "modifer", "did you mean \"modifier\""),
        (40, "BAD-CODE", "procedure", "not a procedure code"),
        (41, "BAD-CODE", "diagnosis", "not an ICD-10-CM code"),
        (45, "BAD-RANGE", "id", "already used"),
        (55, "BAD-FIELD", "field", "unknown field \"shoe_size\""),
    ];
    let shown: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
    assert_eq!(ps.len(), expected.len(), "{shown:#?}");
    for (p, (line, rule, key, needle)) in ps.iter().zip(expected) {
        assert_eq!(p.line, *line, "{p}");
        assert_eq!(p.rule.as_deref(), Some(*rule), "{p}");
        assert_eq!(p.key.as_deref(), Some(*key), "{p}");
        assert!(p.message.contains(needle), "{p}");
        assert!(p.column >= 1);
        assert_eq!(Path::new(&p.file), file.as_path());
    }
}

#[test]
fn syntax_errors_have_a_position() {
    let ps = problems_of(&[fixtures().join("bad-syntax.toml")]);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0].line, 4);
    assert!(ps[0].message.contains("not valid TOML"));
}

#[test]
fn ids_are_unique_across_files() {
    let ps = problems_of(&[fixtures().join("dup")]);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert!(ps[0].file.ends_with("b.toml"));
    assert_eq!(ps[0].line, 3);
    assert!(ps[0].message.contains("a.toml:2"), "{}", ps[0].message);
    // Files and directories given together load into one set.
    let set = RuleSet::load(&[fixtures().join("good.toml"), fixtures().join("dup/a.toml")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.len(), 3);
}

#[test]
fn unreadable_paths_are_not_problems() {
    let missing = RuleSet::load(&[fixtures().join("no-such-file.toml")]);
    assert!(
        matches!(missing, Err(RulesError::Read { .. })),
        "{missing:?}"
    );
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let none = RuleSet::load(&[empty.path().to_path_buf()]);
    assert!(
        matches!(none, Err(RulesError::NoRuleFiles { .. })),
        "{none:?}"
    );
    let binary = empty.path().join("x.toml");
    fs::write(&binary, b"[[rule]]\nid = \"\xff\"\n").unwrap_or_else(|e| panic!("{e}"));
    let ps = problems_of(&[binary]);
    assert_eq!((ps[0].line, ps[0].column), (2, 7));
    assert!(ps[0].message.contains("UTF-8"));
}
