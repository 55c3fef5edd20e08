//! Queries on the official April 1 2026 release through the binary: validate, lookup,
//! search, children, notes, versions, the demo, and usage errors.

mod common;

use std::io::Read;
use std::process::Stdio;

use serde_json::Value;

use common::*;

fn q(args: &[&str]) -> Run {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--date-of-service", IN_APRIL_2026]);
    rcm(shared_official(), &all)
}

fn codes_of(v: &Value) -> Vec<String> {
    array(v)
        .iter()
        .map(|x| str_field(x, "code").to_string())
        .collect()
}

#[test]
fn validate_reports_one_verdict_per_input_with_reasons() {
    let inputs = [
        "E11.9", "e119", "E11", "S72.001", "S72.001Z", "M48.50A", "XYZ", "E11.99",
    ];
    let mut args = vec!["codes", "validate"];
    args.extend_from_slice(&inputs);
    let run = q(&args);
    run.assert_code(1);
    let out = run.json();
    let v = array(&out);
    assert_eq!(v.len(), inputs.len(), "one object per input: {out:#}");
    for (obj, input) in v.iter().zip(inputs) {
        assert_eq!(str_field(obj, "input"), input, "in input order");
        for key in ["input", "code", "valid", "billable", "reason"] {
            assert!(obj.get(key).is_some(), "{input}: no \"{key}\" in {obj:#}");
        }
        assert_eq!(str_field(obj, "version"), "icd10cm-2026-april");
    }
    let suggested =
        |o: &Value| -> Vec<String> { o.get("suggestions").map(codes_of).unwrap_or_default() };

    // E11.9: billable.
    let e = &v[0];
    assert_eq!(
        (e["valid"].clone(), e["billable"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(str_field(e, "reason"), "billable");
    assert_eq!(str_field(e, "code"), "E11.9");
    assert_eq!(
        str_field(e, "title"),
        "Type 2 diabetes mellitus without complications"
    );

    // e119: the claim form in lower case is the same code.
    let e = &v[1];
    assert_eq!(str_field(e, "code"), "E11.9");
    assert_eq!(e["billable"], true);
    assert_eq!(str_field(e, "reason"), "billable");

    // E11: a header; the billable codes below are suggested.
    let e = &v[2];
    assert_eq!(str_field(e, "reason"), "header");
    assert_eq!(e["valid"], true);
    assert_eq!(e["billable"], false);
    let s = suggested(e);
    assert!(
        !s.is_empty() && s.iter().all(|c| c.starts_with("E11.")),
        "{e:#}"
    );
    assert!(
        array(&e["suggestions"])
            .iter()
            .all(|x| x["billable"] == true),
        "{e:#}"
    );
    assert!(
        e["billable_below"]
            .as_u64()
            .is_some_and(|n| n >= s.len() as u64),
        "{e:#}"
    );

    // S72.001: needs a 7th character; the allowed ones are listed with meanings.
    let e = &v[3];
    assert_eq!(str_field(e, "reason"), "missing_seventh");
    assert_eq!(e["billable"], false);
    let allowed: Vec<&str> = array(&e["allowed_seventh"])
        .iter()
        .map(|x| str_field(x, "character"))
        .collect();
    assert_eq!(
        allowed,
        [
            "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "M", "N", "P", "Q", "R", "S"
        ]
    );
    assert_eq!(
        str_field(&e["allowed_seventh"][0], "meaning"),
        "initial encounter for closed fracture"
    );
    assert!(suggested(e).contains(&"S72.001A".to_string()), "{e:#}");

    // S72.001Z: Z is not one of them.
    let e = &v[4];
    assert_eq!(str_field(e, "reason"), "invalid_seventh");
    assert_eq!(e["valid"], false);
    assert_eq!(array(&e["allowed_seventh"]).len(), 16, "{e:#}");
    assert!(str_field(e, "message").contains('Z'), "{e:#}");

    // M48.50A: the placeholder X is missing.
    let e = &v[5];
    assert_eq!(str_field(e, "reason"), "missing_placeholder");
    assert_eq!(e["valid"], false);
    assert_eq!(suggested(e), ["M48.50XA"], "{e:#}");
    assert!(str_field(e, "message").contains("M48.50XA"));

    // XYZ: not shaped like a code.
    let e = &v[6];
    assert_eq!(str_field(e, "reason"), "malformed");
    assert!(e["code"].is_null(), "{e:#}");
    assert_eq!(e["valid"], false);

    // E11.99: no such code; near ones are suggested.
    let e = &v[7];
    assert_eq!(str_field(e, "reason"), "unknown");
    assert_eq!(str_field(e, "code"), "E11.99");
    let s = suggested(e);
    assert!(s.contains(&"E11.9".to_string()), "{e:#}");
}

#[test]
fn validate_exits_0_only_when_every_code_is_valid_and_billable() {
    let run = q(&["codes", "validate", "E11.9", "i10", "S72.001A", "M48.50XA"]);
    run.assert_code(0);
    assert!(array(&run.json()).iter().all(|x| x["billable"] == true));
    for bad in ["E11", "S72.001", "S72.001Z", "M48.50A", "XYZ", "E11.99"] {
        q(&["codes", "validate", "E11.9", bad]).assert_code(1);
    }
    // Human output marks each line.
    let run = rcm(
        shared_official(),
        &["codes", "validate", "E11.9", "E11", "--dos", IN_APRIL_2026],
    );
    run.assert_code(1);
    assert!(
        run.stdout.contains("ok ") && run.stdout.contains("ERR"),
        "{}",
        run.stdout
    );
}

#[test]
fn lookup_of_a_code_with_a_7th_character() {
    let run = q(&["codes", "lookup", "S72.001A"]);
    run.assert_code(0);
    let l = run.json();
    assert_eq!(str_field(&l, "code"), "S72.001A");
    assert_eq!(
        str_field(&l, "title"),
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    );
    assert_eq!(l["billable"], true);
    assert_eq!(str_field(&l["seventh"], "character"), "A");
    assert_eq!(str_field(&l["seventh"], "defined_at"), "S72");
    let ancestors: Vec<(String, String)> = array(&l["ancestors"])
        .iter()
        .map(|a| {
            (
                str_field(a, "code").to_string(),
                str_field(a, "kind").to_string(),
            )
        })
        .collect();
    // Nearest first, up to the chapter. (Whether S72.001 itself is listed first is
    // checked by `ancestors_of_an_expansion_start_at_the_code_it_extends`.)
    let expected = [
        ("S72.00", "subcategory"),
        ("S72.0", "subcategory"),
        ("S72", "category"),
        ("S70-S79", "section"),
        ("19", "chapter"),
    ]
    .map(|(c, k)| (c.to_string(), k.to_string()));
    assert!(ancestors.ends_with(&expected), "{ancestors:?}");
    let notes = array(&l["notes"]);
    assert!(
        notes.iter().any(|n| str_field(n, "kind") == "excludes1"
            && str_field(n, "source") == "S72"
            && str_field(n, "text") == "traumatic amputation of hip and thigh (S78.-)"),
        "the Excludes1 of S72 applies: {l:#}"
    );
    assert!(
        notes.iter().any(|n| str_field(n, "source") == "chapter 19"),
        "chapter notes apply: {l:#}"
    );
    // The inclusion terms of S72.00 describe S72.00, not the codes below it.
    assert!(
        !notes
            .iter()
            .any(|n| str_field(n, "kind") == "inclusionTerm"),
        "{l:#}"
    );

    // Claim form, lower case.
    let run = q(&["codes", "lookup", "s72001a"]);
    run.assert_code(0);
    assert_eq!(str_field(&run.json(), "code"), "S72.001A");
}

#[test]
fn lookup_pads_with_the_placeholder() {
    let run = q(&["codes", "lookup", "M48.50XA"]);
    run.assert_code(0);
    let l = run.json();
    assert_eq!(str_field(&l, "code"), "M48.50XA");
    assert_eq!(l["billable"], true);
    assert_eq!(
        str_field(&l, "title"),
        "Collapsed vertebra, not elsewhere classified, site unspecified, initial encounter for fracture"
    );
    assert_eq!(str_field(&l["seventh"], "defined_at"), "M48.5");
    let ancestors: Vec<&str> = array(&l["ancestors"])
        .iter()
        .map(|a| str_field(a, "code"))
        .collect();
    assert!(
        ancestors.ends_with(&["M48.5", "M48", "M45-M49", "13"]),
        "{ancestors:?}"
    );

    // A code that needs its 7th character lists the allowed ones.
    let run = q(&["codes", "lookup", "M48.50"]);
    run.assert_code(0);
    let l = run.json();
    assert_eq!(l["billable"], false);
    let allowed: Vec<&str> = array(&l["allowed_seventh"])
        .iter()
        .map(|x| str_field(x, "character"))
        .collect();
    assert_eq!(allowed, ["A", "D", "G", "S"]);

    // Not a code: exit 1 with the reason.
    let run = q(&["codes", "lookup", "M48.50A"]);
    run.assert_code(1);
    assert_eq!(str_field(&run.json(), "reason"), "missing_placeholder");
}

#[test]
fn ancestors_of_an_expansion_start_at_the_code_it_extends() {
    for (code, parent) in [("S72.001A", "S72.001"), ("M48.50XA", "M48.50")] {
        let run = q(&["codes", "lookup", code]);
        run.assert_code(0);
        let l = run.json();
        let first = str_field(&l["ancestors"][0], "code");
        assert_eq!(first, parent, "{code}: {:#}", l["ancestors"]);
        // The same relation `children` reports.
        let kids = q(&["codes", "children", parent]);
        kids.assert_code(0);
        assert!(codes_of(&kids.json()).contains(&code.to_string()));
    }
}

#[test]
fn search_returns_ranked_codes_with_titles() {
    let run = q(&["codes", "search", "htn"]);
    run.assert_code(0);
    let v = run.json();
    let hits = array(&v);
    assert!(!hits.is_empty());
    for h in hits {
        assert!(h["code"].is_string() && h["title"].is_string(), "{h:#}");
    }
    let top3: Vec<String> = codes_of(&v).into_iter().take(3).collect();
    assert!(
        top3.contains(&"I10".to_string()),
        "htn → I10 in the top 3: {top3:?}"
    );
    assert!(hits.len() <= 10, "default limit 10");
}

#[test]
fn search_filters_billable_range_and_limit() {
    let run = q(&["codes", "search", "diabetes", "--billable", "--limit", "25"]);
    run.assert_code(0);
    let v = run.json();
    assert!(!array(&v).is_empty());
    assert!(array(&v).iter().all(|h| h["billable"] == true), "{v:#}");

    let run = q(&[
        "codes", "search", "diabetes", "--range", "E08-E13", "--limit", "50",
    ]);
    run.assert_code(0);
    let v = run.json();
    let codes = codes_of(&v);
    assert!(!codes.is_empty());
    for c in &codes {
        let cat = &c[..3];
        assert!(
            ("E08"..="E13").contains(&cat),
            "{c} outside E08-E13: {codes:?}"
        );
    }

    let run = q(&["codes", "search", "fracture", "--range", "S72"]);
    run.assert_code(0);
    let codes = codes_of(&run.json());
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c.starts_with("S72")),
        "{codes:?}"
    );

    for n in ["1", "3"] {
        let run = q(&["codes", "search", "diabetes", "--limit", n]);
        run.assert_code(0);
        let got = array(&run.json()).len();
        assert!(
            got >= 1 && got <= n.parse().expect("n"),
            "--limit {n}: {got}"
        );
    }

    // Usage errors.
    q(&["codes", "search", "diabetes", "--range", "not a range"]).assert_code(2);
    q(&["codes", "search", " "]).assert_code(2);
}

#[test]
fn children_lists_the_codes_below() {
    let run = q(&["codes", "children", "E11"]);
    run.assert_code(0);
    let v = run.json();
    let kids = array(&v);
    for k in kids {
        for key in ["code", "title", "billable", "kind", "children"] {
            assert!(k.get(key).is_some(), "no \"{key}\" in {k:#}");
        }
        assert!(str_field(k, "code").starts_with("E11."), "{k:#}");
    }
    let find = |c: &str| kids.iter().find(|k| str_field(k, "code") == c).cloned();
    let e110 = find("E11.0").expect("E11.0 below E11");
    assert_eq!(
        (e110["billable"].clone(), e110["children"].clone()),
        (false.into(), 2.into())
    );
    let e119 = find("E11.9").expect("E11.9 below E11");
    assert_eq!(
        (e119["billable"].clone(), e119["children"].clone()),
        (true.into(), 0.into())
    );
    assert!(find("E11.A").is_some(), "E11.A is in the April 2026 update");
    assert!(find("E11.00").is_none(), "only direct children");

    // A code that takes a 7th character has its expansions as children.
    let run = q(&["codes", "children", "S72.001"]);
    run.assert_code(0);
    let codes = codes_of(&run.json());
    assert_eq!(codes.len(), 16, "{codes:?}");
    assert_eq!(codes[0], "S72.001A");

    // Sections and chapters too.
    let run = q(&["codes", "children", "E08-E13"]);
    run.assert_code(0);
    assert_eq!(codes_of(&run.json()), ["E08", "E09", "E10", "E11", "E13"]);
    let run = q(&["codes", "children", "XYZ"]);
    run.assert_code(2);
    assert!(run.json().get("error").is_some());
}

#[test]
fn notes_lists_every_note_with_its_source() {
    let run = q(&["codes", "notes", "I10"]);
    run.assert_code(0);
    let v = run.json();
    let notes = array(&v);
    for n in notes {
        for key in ["kind", "label", "text", "source"] {
            assert!(n[key].is_string(), "\"{key}\" in {n:#}");
        }
    }
    let has = |kind: &str, source: &str, text: &str| {
        notes.iter().any(|n| {
            str_field(n, "kind") == kind
                && str_field(n, "source") == source
                && str_field(n, "text").contains(text)
        })
    };
    assert!(has("includes", "I10", "high blood pressure"), "{v:#}");
    assert!(
        has(
            "excludes1",
            "section I10-I1A",
            "neonatal hypertension (P29.2)"
        ),
        "{v:#}"
    );
    assert!(
        has("excludes2", "chapter 9", "neoplasms (C00-D49)"),
        "{v:#}"
    );
    // Nearest first: the code's own notes, then the section's, then the chapter's.
    let sources: Vec<&str> = notes.iter().map(|n| str_field(n, "source")).collect();
    let first = |s: &str| {
        sources
            .iter()
            .position(|x| *x == s)
            .expect("source present")
    };
    assert!(
        first("I10") < first("section I10-I1A") && first("section I10-I1A") < first("chapter 9")
    );
}

#[test]
fn versions_lists_the_imported_release() {
    let run = rcm(shared_official(), &["--json", "codes", "versions"]);
    run.assert_code(0);
    let v = run.json();
    let list = array(&v);
    assert_eq!(list.len(), 1, "{v:#}");
    let r = &list[0];
    assert_eq!(str_field(r, "id"), "icd10cm-2026-april");
    assert_eq!(str_field(r, "system"), "icd10cm");
    assert_eq!(str_field(r, "effective"), "2026-04-01");
    assert_eq!(str_field(r, "scheduled_end"), "2026-09-30");
    assert_eq!(r["counts"]["codes"], OFFICIAL_CODES);
    assert_eq!(r["counts"]["billable"], OFFICIAL_BILLABLE);
    let sha = str_field(&r["source"], "sha256");
    assert!(
        sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
        "{sha}"
    );

    let run = rcm(shared_official(), &["codes", "versions"]);
    run.assert_code(0);
    assert!(run.stdout.contains("icd10cm-2026-april"), "{}", run.stdout);
}

#[test]
fn demo_tours_the_code_engine_without_a_prompt() {
    let run = rcm(shared_official(), &["demo", "--no-prompt"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("rcm codes lookup S72.001A"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "S72.001A  Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("traumatic amputation of hip and thigh (S78.-)")
    );
    assert!(!run.stdout.contains("rcm>"), "no prompt with --no-prompt");
    // The scrubber's step finds the two mistakes put into the example claim, and nothing else.
    assert!(
        run.stdout
            .contains("error code.icd10cm.header (diagnoses[0])"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("error structure.pointer-invalid (lines[1].diagnosis_pointers[0])"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("MSFM-2026-0002: clean"),
        "{}",
        run.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    let data = shared_official();
    for args in [
        &["codes", "lookup"][..],
        &["codes", "validate"],
        &["codes", "frobnicate"],
        &["codes", "import", "x.xml", "--release", "june"],
        &["codes", "stats", "--date-of-service", "2026-13-01"],
    ] {
        let run = rcm(data, args);
        run.assert_code(2);
        assert!(!run.stderr.trim().is_empty(), "{args:?} explains itself");
    }
    let help = rcm(data, &["codes", "--help"]);
    help.assert_code(0);
}

#[test]
fn a_closed_output_pipe_does_not_panic() {
    let mut cmd = rcm_command();
    cmd.args(["--data-dir", &shared_official().display().to_string()])
        .args(["--json", "codes", "search", "fracture", "--limit", "2000"])
        .args(["--date-of-service", IN_APRIL_2026])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start rcm");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout); // like `| head -c 64`
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(status.code(), Some(101), "exit status of a panic");
}
