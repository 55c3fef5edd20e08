//! `rcm edits rules check`: exit 0 with the rules listed, 1 with every problem, 2 when a
//! file cannot be read; `--json` for both.

mod common;

use std::path::PathBuf;

use common::{array, rcm, str_field, tempdir};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .display()
        .to_string()
}

#[test]
fn good_file_lists_its_rules() {
    let data = tempdir();
    let run = rcm(
        data.path(),
        &[
            "edits",
            "rules",
            "check",
            &repo("tests/fixtures/rules/good.toml"),
        ],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("GOOD-TELE"), "{}", run.stdout);
    assert!(run.stdout.contains("require_modifier 95"), "{}", run.stdout);
    assert!(
        run.stdout.contains("place of service 02, 10"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("GOOD-HOLD"), "{}", run.stdout);
    assert!(
        run.stdout.contains("2 rules loaded without problems"),
        "{}",
        run.stdout
    );
}

#[test]
fn examples_directory_loads() {
    let data = tempdir();
    let run = rcm(
        data.path(),
        &["--json", "edits", "rules", "check", &repo("examples/rules")],
    );
    run.assert_code(0);
    let v = run.json();
    let rules = array(&v["rules"]);
    assert!(rules.len() >= 12, "{v:#}");
    let tele = rules
        .iter()
        .find(|r| str_field(r, "id") == "BCBSTX-TELE-95")
        .unwrap_or_else(|| panic!("BCBSTX-TELE-95 missing from {v:#}"));
    assert_eq!(str_field(tele, "finding_id"), "payer.BCBSTX-TELE-95");
    assert_eq!(str_field(tele, "scope"), "line");
    assert_eq!(str_field(tele, "action"), "require_modifier");
    assert_eq!(str_field(tele, "severity"), "error");
    assert!(str_field(tele, "trigger").contains("procedure 99202-99215"));
}

#[test]
fn bad_file_shows_every_problem_and_exits_1() {
    let data = tempdir();
    let file = repo("tests/fixtures/rules/bad-rules.toml");
    let run = rcm(data.path(), &["edits", "rules", "check", &file]);
    run.assert_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 9, "{}", run.stdout);
    assert!(
        lines[0].ends_with(
            "bad-rules.toml:7:14: BAD-RANGE: procedure: the range \"99215-99202\" is backwards: the first code must not be after the last (write \"99202-99215\")"
        ),
        "{}",
        lines[0]
    );
    assert!(
        run.stdout.contains(":13:14: BAD-FLOAT: charge_min: "),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("9 problems"), "{}", run.stderr);

    let run = rcm(data.path(), &["--json", "edits", "rules", "check", &file]);
    run.assert_code(1);
    let v = run.json();
    let problems = array(&v["problems"]);
    assert_eq!(problems.len(), 9, "{v:#}");
    let p = &problems[1];
    assert_eq!(p["line"], 13);
    assert_eq!(p["column"], 14);
    assert_eq!(str_field(p, "rule"), "BAD-FLOAT");
    assert_eq!(str_field(p, "key"), "charge_min");
    assert!(str_field(p, "message").contains("\"125.00\""));
    assert!(str_field(p, "file").ends_with("bad-rules.toml"));
}

#[test]
fn duplicate_ids_across_a_directory_exit_1() {
    let data = tempdir();
    let run = rcm(
        data.path(),
        &["edits", "rules", "check", &repo("tests/fixtures/rules/dup")],
    );
    run.assert_code(1);
    assert!(
        run.stdout.contains("b.toml:3:6: shared-id: id: "),
        "{}",
        run.stdout
    );
}

#[test]
fn unreadable_file_exits_2() {
    let data = tempdir();
    let missing = data.path().join("missing.toml").display().to_string();
    let run = rcm(data.path(), &["edits", "rules", "check", &missing]);
    run.assert_code(2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
    let run = rcm(
        data.path(),
        &["--json", "edits", "rules", "check", &missing],
    );
    run.assert_code(2);
    assert!(str_field(&run.json(), "error").contains("cannot read"));
    // A directory without rule files cannot be checked either.
    let empty = tempdir();
    let run = rcm(
        data.path(),
        &[
            "edits",
            "rules",
            "check",
            &empty.path().display().to_string(),
        ],
    );
    run.assert_code(2);
}

#[test]
fn several_paths_make_one_set() {
    let data = tempdir();
    let run = rcm(
        data.path(),
        &[
            "--json",
            "edits",
            "rules",
            "check",
            &repo("tests/fixtures/rules/good.toml"),
            &repo("tests/fixtures/rules/dup/a.toml"),
        ],
    );
    run.assert_code(0);
    assert_eq!(array(&run.json()["rules"]).len(), 3);
}
