//! Versions by date of service: a FY2025 October release (the fixture tabular) and the
//! official April 1 2026 update side by side; each date of service answers from the
//! version in effect on it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// FY2025 (fixture, October release) and April 2026 (official) in one data directory.
fn two_versions() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = persistent_tempdir("versions");
        let fy2025 = fixture("icd10cm_tabular_2025_subset.xml")
            .display()
            .to_string();
        let run = rcm(
            &dir,
            &["--json", "codes", "import", "--release", "october", &fy2025],
        );
        run.assert_code(0);
        assert_eq!(
            str_field(&run.json()[0]["version"], "id"),
            "icd10cm-2025-october"
        );
        let official = official_source().display().to_string();
        rcm(&dir, &["codes", "import", &official]).assert_code(0);
        dir
    })
}

fn stats_on(date: &str) -> (Run, serde_json::Value) {
    let run = rcm(
        two_versions(),
        &["--json", "codes", "stats", "--date-of-service", date],
    );
    run.assert_code(0);
    let v = run.json();
    (run, v)
}

#[test]
fn versions_lists_both_oldest_first() {
    let run = rcm(two_versions(), &["--json", "codes", "versions"]);
    run.assert_code(0);
    let v = run.json();
    let ids: Vec<&str> = array(&v).iter().map(|x| str_field(x, "id")).collect();
    assert_eq!(ids, ["icd10cm-2025-october", "icd10cm-2026-april"]);
    assert_eq!(str_field(&v[0], "effective"), "2024-10-01");
    assert_eq!(str_field(&v[0], "scheduled_end"), "2025-09-30");
    assert_eq!(str_field(&v[1], "effective"), "2026-04-01");
    assert_eq!(str_field(&v[1], "scheduled_end"), "2026-09-30");
    assert_eq!(v[1]["counts"]["codes"], OFFICIAL_CODES);
}

#[test]
fn a_date_in_fy2025_answers_from_fy2025() {
    for date in ["2024-10-01", "2025-01-15", "2025-09-30"] {
        let (run, s) = stats_on(date);
        assert_eq!(
            str_field(&s, "version"),
            "icd10cm-2025-october",
            "{date}: {s:#}"
        );
        assert_eq!(s["codes"], 28, "{date}: {s:#}");
        assert!(s.get("warning").is_none(), "{date}: {s:#}");
        assert!(!run.stderr.contains("warning"), "{date}: {}", run.stderr);
    }
    // The answers themselves come from that version.
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "lookup",
            "E11.9",
            "--date-of-service",
            "2025-01-15",
        ],
    );
    run.assert_code(0);
    let l = run.json();
    assert_eq!(
        str_field(&l, "version"),
        "ICD-10-CM FY2025 (October 1, 2024 release)"
    );
    let notes = serde_json::to_string(&l["notes"]).expect("json");
    assert!(!notes.contains("E11.A"), "FY2025 knows no E11.A: {notes}");
}

#[test]
fn a_date_in_april_2026_answers_from_april_2026() {
    for date in ["2026-04-01", IN_APRIL_2026, "2026-09-30"] {
        let (run, s) = stats_on(date);
        assert_eq!(
            str_field(&s, "version"),
            "icd10cm-2026-april",
            "{date}: {s:#}"
        );
        assert_eq!(s["codes"], OFFICIAL_CODES);
        assert_eq!(s["billable"], OFFICIAL_BILLABLE);
        assert!(s.get("warning").is_none(), "{date}: {s:#}");
        assert!(!run.stderr.contains("warning"), "{date}: {}", run.stderr);
    }
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "lookup",
            "E11.9",
            "--date-of-service",
            IN_APRIL_2026,
        ],
    );
    run.assert_code(0);
    let l = run.json();
    assert_eq!(
        str_field(&l, "version"),
        "ICD-10-CM FY2026 (April 1, 2026 update)"
    );
    let has_e11a_excludes = array(&l["notes"])
        .iter()
        .any(|n| str_field(n, "kind") == "excludes1" && str_field(n, "text").contains("(E11.A)"));
    assert!(has_e11a_excludes, "April 2026 E11.9 excludes E11.A: {l:#}");
}

#[test]
fn past_the_scheduled_end_of_the_newest_version_answers_with_a_warning() {
    let (run, s) = stats_on("2026-11-24");
    assert_eq!(str_field(&s, "version"), "icd10cm-2026-april", "{s:#}");
    let warning = str_field(&s, "warning");
    assert!(warning.contains("newer release is due"), "{warning}");
    assert!(
        warning.contains("2026-09-30"),
        "names the scheduled end: {warning}"
    );
    assert!(
        run.stderr.contains("warning:") && run.stderr.contains("newer release is due"),
        "stderr: {}",
        run.stderr
    );
    // Other commands warn too, and still answer.
    let run = rcm(
        two_versions(),
        &["--json", "codes", "lookup", "I10", "--dos", "2026-11-24"],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("newer release is due"),
        "{}",
        run.stderr
    );
    assert!(str_field(&run.json(), "warning").contains("newer release is due"));
    let run = rcm(
        two_versions(),
        &["codes", "validate", "I10", "--dos", "2026-11-24"],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("newer release is due"),
        "{}",
        run.stderr
    );
}

#[test]
fn past_the_scheduled_end_of_an_older_version_answers_with_a_warning() {
    // 2025-12-01 falls in FY2026 (October 1 2025 release), which is not imported: the
    // FY2025 version answers, but it ended on 2025-09-30 and must say so.
    let (run, s) = stats_on("2025-12-01");
    assert_eq!(str_field(&s, "version"), "icd10cm-2025-october", "{s:#}");
    assert!(
        s.get("warning").is_some(),
        "no warning past FY2025's end: {s:#}"
    );
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn a_date_before_the_oldest_version_is_an_error() {
    for date in ["2024-01-01", "2024-09-30"] {
        let run = rcm(
            two_versions(),
            &["codes", "stats", "--date-of-service", date],
        );
        run.assert_code(2);
        assert!(
            run.stderr.contains("before the oldest imported"),
            "{date}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(date), "names the date: {}", run.stderr);
        let run = rcm(
            two_versions(),
            &["--json", "codes", "validate", "I10", "--dos", date],
        );
        run.assert_code(2);
        assert!(str_field(&run.json(), "error").contains("before the oldest imported"));
    }
}

#[test]
fn a_code_of_another_version_is_not_in_effect() {
    // E11.A (type 2 diabetes in remission) is new in FY2026: unknown to FY2025.
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "validate",
            "E11.A",
            "E11.9",
            "--date-of-service",
            "2025-01-15",
        ],
    );
    run.assert_code(1);
    let v = run.json();
    let results = array(&v);
    assert_eq!(results.len(), 2);
    let e11a = &results[0];
    assert_eq!(str_field(e11a, "input"), "E11.A");
    assert_eq!(str_field(e11a, "reason"), "not_in_effect", "{e11a:#}");
    assert_eq!(e11a["valid"], false);
    assert_eq!(e11a["billable"], false);
    assert_eq!(str_field(e11a, "version"), "icd10cm-2025-october");
    assert!(str_field(e11a, "message").contains("FY2026"), "{e11a:#}");
    assert_eq!(str_field(&results[1], "reason"), "billable");

    // On a date of the April 2026 update it is a billable code.
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "validate",
            "E11.A",
            "--date-of-service",
            IN_APRIL_2026,
        ],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v[0], "reason"), "billable", "{v:#}");
    assert_eq!(str_field(&v[0], "version"), "icd10cm-2026-april");

    // A code unknown to every version stays unknown.
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "validate",
            "E11.99",
            "--date-of-service",
            "2025-01-15",
        ],
    );
    run.assert_code(1);
    assert_eq!(str_field(&run.json()[0], "reason"), "unknown");
}

#[test]
fn a_bad_date_of_service_is_a_usage_error() {
    for date in ["2026-02-30", "05/01/2026", "yesterday"] {
        let run = rcm(
            two_versions(),
            &["codes", "stats", "--date-of-service", date],
        );
        run.assert_code(2);
        assert!(
            run.stderr.contains(date),
            "names the bad date: {}",
            run.stderr
        );
    }
}

#[test]
fn diff_lists_added_deleted_and_revised_codes() {
    let run = rcm(
        two_versions(),
        &[
            "--json",
            "codes",
            "diff",
            "icd10cm-2025-october",
            "icd10cm-2026-april",
        ],
    );
    run.assert_code(0);
    let d = run.json();
    let added = array(&d["added"]);
    // E11.A (type 2 diabetes in remission) is not in the FY2025 fixture.
    assert!(added.iter().any(|c| str_field(c, "code") == "E11.A"));
    // The official release has tens of thousands of codes the subset lacks, and none
    // of the subset's codes were deleted.
    assert!(added.len() > 90_000, "{}", added.len());
    assert!(array(&d["deleted"]).is_empty(), "{:?}", d["deleted"]);
    let human = rcm(
        two_versions(),
        &[
            "codes",
            "diff",
            "icd10cm-2025-october",
            "icd10cm-2026-april",
        ],
    );
    human.assert_code(0);
    assert!(human.stdout.contains("added"), "{}", human.stdout);
    let unknown = rcm(
        two_versions(),
        &[
            "codes",
            "diff",
            "icd10cm-1999-october",
            "icd10cm-2026-april",
        ],
    );
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains("not imported"),
        "{}",
        unknown.stderr
    );
}
