//! `rcm x12 code-lists import|show` and validation against the installed lists: pyx12's codes.xml
//! (read from the shared data, in place) installed from the XML or from a wheel, re-imports that
//! change nothing, refused files that leave the installed lists as they were, and remark codes
//! absent from the list reported as warnings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use common::rcm;
use rcm_x12::synth;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const PYX12_CODES_SHA256: &str = "6e3a45196bf7beee8a4348d3643660721e9dbeec23979e0cfccc3afbb1005afe";

/// pyx12 4.0.0's codes.xml written into `dir` (from the shared data's gzip copy).
fn codes_xml(dir: &Path) -> PathBuf {
    let gz = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/x12_maps/pyx12_4.0.0/codes.xml.gz"
    ));
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap())
        .read_to_end(&mut xml)
        .unwrap();
    let path = dir.join("codes.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

/// A wheel-shaped zip holding `xml` where pyx12 keeps it.
fn wheel(dir: &Path, xml: &Path) -> PathBuf {
    let path = dir.join("pyx12-4.0.0-py3-none-any.whl");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file(
        "pyx12/__init__.py",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.start_file(
        "pyx12/map/codes.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(&std::fs::read(xml).unwrap()).unwrap();
    z.finish().unwrap();
    path
}

/// A generated 835 whose first claim carries MOA with remark codes `remarks`.
fn remit_with_remarks(dir: &Path, remarks: &str) -> String {
    let mut rng = synth::Rng::new(4);
    let r = synth::remittance(&mut rng, 1, 2);
    let text = String::from_utf8(synth::remit_interchange(&[r], 1).unwrap()).unwrap();
    let qc = text.find("NM1*QC").unwrap();
    let at = qc + text[qc..].find('~').unwrap() + 1;
    let text = format!("{}MOA***{remarks}~{}", &text[..at], &text[at..]);
    // One segment more in the first set: SE01 + 1.
    let se = text.find("SE*").unwrap();
    let end = se + text[se..].find('*').unwrap() + 1;
    let stop = end + text[end..].find('*').unwrap();
    let n: u32 = text[end..stop].parse().unwrap();
    let text = format!("{}{}{}", &text[..end], n + 1, &text[stop..]);
    let path = dir.join("remit.835");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn import_show_and_validate_with_the_lists() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let xml = codes_xml(dir.path());
    let xml = xml.to_str().unwrap();
    let remit = remit_with_remarks(dir.path(), "MA01*ZZ999");

    let none = rcm(&data, &["--json", "x12", "code-lists", "show"]);
    none.assert_code(0);
    assert_eq!(none.json()["installed"], false);
    // Without lists the unknown remark code is not reported.
    let v = rcm(&data, &["--json", "x12", "validate", &remit]);
    v.assert_code(0);
    assert_eq!(v.json()["findings"].as_array().unwrap().len(), 0);

    let first = rcm(
        &data,
        &[
            "--json",
            "x12",
            "code-lists",
            "import",
            xml,
            "--expect-sha256",
            PYX12_CODES_SHA256,
        ],
    );
    first.assert_code(0);
    assert_eq!(first.json()["changed"], true);
    let again = rcm(&data, &["--json", "x12", "code-lists", "import", xml]);
    again.assert_code(0);
    assert_eq!(again.json()["changed"], false);

    let show = rcm(&data, &["--json", "x12", "code-lists", "show"]);
    show.assert_code(0);
    let lists = show.json()["lists"].as_array().unwrap().clone();
    let remark = lists.iter().find(|l| l["name"] == "remark_code").unwrap();
    assert!(remark["codes"].as_u64().unwrap() > 900, "{remark}");

    let v = rcm(&data, &["--json", "x12", "validate", &remit]);
    v.assert_code(0);
    let report = v.json();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["rule"], "EL-CODE-LIST");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["location"]["segment_id"], "MOA");
    assert_eq!(findings[0]["location"]["element"], 4);
    // Known remark codes only: nothing to say.
    let known = remit_with_remarks(dir.path(), "MA01*N130");
    let v = rcm(&data, &["--json", "x12", "validate", &known]);
    v.assert_code(0);
    assert_eq!(v.json()["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn the_lists_install_from_the_pyx12_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let whl = wheel(dir.path(), &codes_xml(dir.path()));
    let run = rcm(
        &data,
        &[
            "x12",
            "code-lists",
            "import",
            whl.to_str().unwrap(),
            "--expect-sha256",
            PYX12_CODES_SHA256,
        ],
    );
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("pyx12-4.0.0-py3-none-any.whl:pyx12/map/codes.xml"),
        "{}",
        run.stdout
    );
    let show = rcm(&data, &["x12", "code-lists", "show"]);
    assert!(show.stdout.contains("claim_status"), "{}", show.stdout);
}

#[test]
fn a_refused_file_leaves_the_installed_lists_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let xml = codes_xml(dir.path());
    rcm(
        &data,
        &["x12", "code-lists", "import", xml.to_str().unwrap()],
    )
    .assert_code(0);
    let installed = std::fs::read(data.join("x12/code-lists.json")).unwrap();

    let wrong_sha = rcm(
        &data,
        &[
            "x12",
            "code-lists",
            "import",
            xml.to_str().unwrap(),
            "--expect-sha256",
            "00",
        ],
    );
    wrong_sha.assert_code(2);
    assert!(wrong_sha.stderr.contains("SHA-256"), "{}", wrong_sha.stderr);

    let broken = dir.path().join("broken.xml");
    std::fs::write(
        &broken,
        "<codesets>\n<codeset><id>remark_code</id><version>\n<code>M 1</code></version></codeset>\n</codesets>\n",
    )
    .unwrap();
    let bad = rcm(
        &data,
        &["x12", "code-lists", "import", broken.to_str().unwrap()],
    );
    bad.assert_code(2);
    assert!(bad.stderr.contains("line 3"), "{}", bad.stderr);

    let not_a_wheel = dir.path().join("other.whl");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&not_a_wheel).unwrap());
    z.start_file("x/y.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.finish().unwrap();
    let run = rcm(
        &data,
        &["x12", "code-lists", "import", not_a_wheel.to_str().unwrap()],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("pyx12/map/codes.xml"), "{}", run.stderr);

    rcm(
        &data,
        &[
            "x12",
            "code-lists",
            "import",
            dir.path().join("missing.xml").to_str().unwrap(),
        ],
    )
    .assert_code(2);
    assert_eq!(
        std::fs::read(data.join("x12/code-lists.json")).unwrap(),
        installed
    );

    // A damaged installed file stops validation with a clear message, not a panic.
    std::fs::write(data.join("x12/code-lists.json"), "{").unwrap();
    let remit = remit_with_remarks(dir.path(), "MA01");
    let run = rcm(&data, &["x12", "validate", &remit]);
    run.assert_code(2);
    assert!(run.stderr.contains("code-lists import"), "{}", run.stderr);
}
