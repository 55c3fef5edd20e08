//! `rcm x12 validate` and `rcm x12 remit` check transaction sets on several threads: the output,
//! the exit status and the 999 are the same whatever `--threads` says.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use common::rcm;
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::synth;

/// Nine 837P sets of 8 claims; in the damaged copy, dates before 1800 and one SE count wrong.
fn claim_files(dir: &std::path::Path) -> (String, String) {
    let mut rng = synth::Rng::new(5);
    let sets: Vec<_> = (1..=9)
        .map(|n| synth::claim_transaction(&mut rng, ClaimKind::Professional, n, 8))
        .collect();
    let text = String::from_utf8(synth::claim_interchange(&sets, 3).unwrap()).unwrap();
    let damaged = text
        .replace("*D8*20", "*D8*17")
        .replacen("~SE*", "~SE*9", 1);
    let (good, bad) = (dir.join("good.837"), dir.join("bad.837"));
    std::fs::write(&good, &text).unwrap();
    std::fs::write(&bad, &damaged).unwrap();
    (
        good.to_str().unwrap().to_string(),
        bad.to_str().unwrap().to_string(),
    )
}

#[test]
fn validate_reports_the_same_with_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (good, bad) = claim_files(data);

    let clean = rcm(
        data,
        &["--json", "x12", "validate", &good, "--threads", "2"],
    );
    clean.assert_code(0);
    assert_eq!(clean.json()["transaction_count"], 9);

    let mut outputs = Vec::new();
    for threads in ["1", "2", "4"] {
        let ack = data.join(format!("ack-{threads}.999"));
        let run = rcm(
            data,
            &[
                "--json",
                "x12",
                "validate",
                &bad,
                "--threads",
                threads,
                "--ack",
                ack.to_str().unwrap(),
            ],
        );
        run.assert_code(1);
        let v = run.json();
        assert!(v["findings"].as_array().unwrap().len() > 9, "{v}");
        // The 999's envelope carries the clock: compare from its ST on.
        let ack = std::fs::read_to_string(&ack).unwrap();
        let st = ack.find("ST*999").unwrap();
        outputs.push((v, ack[st..].to_string()));
    }
    for o in &outputs[1..] {
        assert!(o.0 == outputs[0].0, "reports differ with the thread count");
        assert_eq!(o.1, outputs[0].1, "999s differ with the thread count");
    }
    assert!(outputs[0].1.contains("IK5*R"), "{}", outputs[0].1);

    // Text output too.
    let one = rcm(data, &["x12", "validate", &bad, "--threads", "1"]);
    let three = rcm(data, &["x12", "validate", &bad, "--threads", "3"]);
    assert_eq!(one.stdout, three.stdout);
}

#[test]
fn thread_count_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (good, _) = claim_files(data);
    let run = rcm(data, &["x12", "validate", &good, "--threads", "0"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
    rcm(data, &["x12", "validate", &good, "--threads", "many"]).assert_code(2);
    rcm(
        data,
        &[
            "x12",
            "validate",
            data.join("missing.837").to_str().unwrap(),
            "--threads",
            "2",
        ],
    )
    .assert_code(2);
}

#[test]
fn remit_shows_the_same_remittances_with_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut rng = synth::Rng::new(9);
    let remits: Vec<_> = (1..=7).map(|n| synth::remittance(&mut rng, n, 6)).collect();
    let file = data.join("remit.835");
    std::fs::write(&file, synth::remit_interchange(&remits, 4).unwrap()).unwrap();
    let f = file.to_str().unwrap();
    let one = rcm(data, &["--json", "x12", "remit", f, "--threads", "1"]);
    one.assert_code(0);
    let v = one.json();
    let numbers: Vec<_> = v["remittances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["trace"]["number"].clone())
        .collect();
    let want: Vec<_> = remits
        .iter()
        .map(|r| serde_json::Value::from(r.trace.number.as_str()))
        .collect();
    assert_eq!(numbers, want, "remittances out of file order");
    for threads in ["2", "5"] {
        let run = rcm(data, &["--json", "x12", "remit", f, "--threads", threads]);
        run.assert_code(0);
        assert!(run.json() == v, "{threads} threads: output differs");
    }
    let text1 = rcm(data, &["x12", "remit", f, "--threads", "1"]);
    let text2 = rcm(data, &["x12", "remit", f, "--threads", "2"]);
    assert_eq!(text1.stdout, text2.stdout);
}
