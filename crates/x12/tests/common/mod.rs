//! Helpers shared by the rule tests: a transaction set (its segments from ST on, without SE) put in
//! an envelope and validated, and the findings looked up by rule and position.

#![allow(dead_code)] // each test file uses its own part of these helpers

use rcm_x12::validate::{Options, Report, validate_bytes};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared real samples (`../shared/data/x12_samples`, read in place, never copied).
pub fn shared_samples() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/x12_samples"
    ))
}

/// Every file under `dirs` (recursively), sorted; a missing directory gives none.
pub fn files_under(dirs: &[&Path]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p)
            } else {
                out.push(p)
            }
        }
    }
    out.sort();
    out
}

/// ISA and GS of a payer's 277CA (005010X214).
pub const ENV_277CA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*SUBMITTER      *240105*1200*^*00501*000000001*0*P*:~GS*HN*PAYER*SUBMITTER*20240105*1200*1*X*005010X214~";
/// ISA and GS of a practice's 837P (005010X222A1).
pub const ENV_837P: &str = "ISA*00*          *00*          *ZZ*OPENRCM        *ZZ*DEMOCH         *261120*1200*^*00501*000000001*0*T*:~GS*HC*OPENRCM*DEMOCH*20261120*1200*1*X*005010X222A1~";
/// ISA and GS of a practice's 837I (005010X223A2).
pub const ENV_837I: &str = "ISA*00*          *00*          *ZZ*OPENRCM        *ZZ*DEMOCH         *261120*1200*^*00501*000000001*0*T*:~GS*HC*OPENRCM*DEMOCH*20261120*1200*1*X*005010X223A2~";

/// The segments (ST first, SE added with its count) in `envelope`, then GE and IEA, validated.
pub fn check_in(envelope: &str, tx: &[String]) -> Report {
    let mut s = String::from(envelope);
    for seg in tx {
        s.push_str(seg);
        s.push('~');
    }
    s.push_str(&format!("SE*{}*0001~GE*1*1~IEA*1*000000001~", tx.len() + 1));
    validate_bytes(s.as_bytes(), &Options::default())
}

/// A file's segments as strings (`~` terminated; line breaks after a terminator dropped).
pub fn split_segments(b: &[u8]) -> Vec<String> {
    String::from_utf8(b.to_vec())
        .unwrap()
        .split('~')
        .map(|s| s.trim_start_matches(['\r', '\n']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The segments back into a file.
pub fn join_segments(segs: &[String]) -> Vec<u8> {
    let mut s = segs.join("~");
    s.push('~');
    s.into_bytes()
}

/// Sets element `el` of the first segment starting with `prefix` (empty elements added as
/// needed); returns the segment's 1-based number in the file.
pub fn set_el(segs: &mut [String], prefix: &str, el: usize, value: &str) -> u64 {
    let i = segs
        .iter()
        .position(|s| s.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix}"));
    let mut parts: Vec<String> = segs[i].split('*').map(String::from).collect();
    while parts.len() <= el {
        parts.push(String::new());
    }
    parts[el] = value.to_string();
    segs[i] = parts.join("*");
    i as u64 + 1
}

pub fn show(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.to_string()).collect()
}

/// Replaces the segment at position `pos` (ST = 1).
pub fn set(tx: &mut [String], pos: usize, seg: &str) {
    tx[pos - 1] = seg.to_string();
}

/// The finding of `rule` at position `pos` (ST = 1), loop `lp`, element `el`, component `comp`.
pub fn has_at(
    r: &Report,
    rule: &str,
    pos: usize,
    lp: &str,
    el: usize,
    comp: Option<usize>,
) -> bool {
    r.findings.iter().any(|f| {
        f.rule == rule
            && f.location.position == Some(pos)
            && f.location.loop_id.as_deref() == Some(lp)
            && f.location.element == Some(el)
            && f.location.component == comp
    })
}

/// Applies `changes` to `clean`, validates in `envelope`, and asserts each
/// `(pos, loop, element, component)` is reported under `rule` and that nothing but element
/// findings came out (the segments stay in their loops).
pub fn expect_element_findings(
    envelope: &str,
    mut tx: Vec<String>,
    rule: &str,
    changes: &[(usize, &str)],
    want: &[(usize, &str, usize, Option<usize>)],
) {
    for (pos, seg) in changes {
        set(&mut tx, *pos, seg);
    }
    let r = check_in(envelope, &tx);
    for (pos, lp, el, comp) in want {
        assert!(
            has_at(&r, rule, *pos, lp, *el, *comp),
            "{rule} {pos}/{lp}/{el}/{comp:?}: {:#?}",
            show(&r)
        );
    }
    assert!(
        r.findings.iter().all(|f| f.rule.starts_with("EL-")),
        "{:#?}",
        show(&r)
    );
}

/// pyx12's `x12valid` in `$RCM_VENV` (default `<repo>/.venv`); fails, never skips, when missing.
pub fn x12valid() -> PathBuf {
    let venv = std::env::var("RCM_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv")));
    let bin = venv.join("bin/x12valid");
    assert!(
        bin.exists(),
        "pyx12 is not installed: {} is missing. Run: python3 -m venv {} && {}/bin/pip install -r scripts/requirements-test.txt",
        bin.display(),
        venv.display(),
        venv.display()
    );
    bin
}

/// Runs x12valid; returns None when it ends with "FILE: OK", else its error output.
pub fn pyx12_errors(bin: &Path, file: &Path) -> Option<String> {
    let out = Command::new(bin)
        .arg(file)
        .current_dir(file.parent().unwrap())
        .output()
        .expect("run x12valid");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let last = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string();
    if last.ends_with(": OK") {
        None
    } else {
        Some(err)
    }
}
