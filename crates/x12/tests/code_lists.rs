//! External code lists (pyx12's codes.xml, read in place from the shared data): remark codes,
//! claim status and entity codes, currencies and countries are looked up when lists are given;
//! a code absent from its list is a warning (the list may be older than the code), never an
//! error and never in the 999; without lists those elements are checked for shape only.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::codelists::CodeLists;
use rcm_x12::finding::Severity;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, Report, validate_bytes, validate_reader_parallel};
use std::io::Read;
use std::sync::Arc;

use common::{join_segments, shared_samples, split_segments};

mod common;

/// pyx12 4.0.0's codes.xml, as the install step gets it (here from the shared data's copy).
fn pyx12_lists() -> Arc<CodeLists> {
    let path = shared_samples().join("../x12_maps/pyx12_4.0.0/codes.xml.gz");
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut xml)
        .unwrap();
    Arc::new(CodeLists::from_pyx12_xml(&xml, "pyx12 4.0.0 codes.xml").unwrap())
}

fn with_lists() -> Options {
    Options {
        code_lists: Some(pyx12_lists()),
        ..Options::default()
    }
}

fn list_warnings(r: &Report) -> Vec<(String, Option<usize>, Option<usize>, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule == "EL-CODE-LIST")
        .map(|f| {
            assert_eq!(f.severity, Severity::Warning, "{f}");
            (
                f.location.segment_id.clone(),
                f.location.element,
                f.location.component,
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn the_pyx12_lists_load() {
    let lists = pyx12_lists();
    let names: Vec<(&str, usize)> = lists.lists().collect();
    for (name, at_least) in [
        ("remark_code", 900),
        ("claim_status", 700),
        ("entity_id", 200),
        ("currency", 150),
        ("country", 200),
    ] {
        let n = names.iter().find(|(l, _)| *l == name).map(|(_, n)| *n);
        assert!(n.is_some_and(|n| n >= at_least), "{name}: {n:?}");
    }
    assert_eq!(lists.contains("remark_code", b"MA01"), Some(true));
    assert_eq!(lists.contains("remark_code", b"ZZ999"), Some(false));
    assert_eq!(lists.contains("currency", b"USD"), Some(true));
}

/// A generated 835 whose first claim carries `moa` after its patient name.
fn remit_with_moa(moa: &str) -> Vec<u8> {
    let mut rng = Rng::new(8);
    let r = synth::remittance(&mut rng, 1, 2);
    let mut segs = split_segments(&synth::remit_interchange(&[r], 1).unwrap());
    let at = segs.iter().position(|s| s.starts_with("NM1*QC")).unwrap() + 1;
    segs.insert(at, moa.to_string());
    let st = segs.iter().position(|s| s.starts_with("ST*")).unwrap();
    let se = segs.iter().position(|s| s.starts_with("SE*")).unwrap();
    segs[se] = format!("SE*{}*0001", se - st + 1);
    join_segments(&segs)
}

#[test]
fn remark_codes_are_looked_up_in_the_installed_list() {
    let good = remit_with_moa("MOA***MA01*N130");
    let r = validate_bytes(&good, &with_lists());
    assert!(r.findings.is_empty(), "{:#?}", common::show(&r));

    let unknown = remit_with_moa("MOA***MA01*ZZ999");
    let r = validate_bytes(&unknown, &with_lists());
    let w = list_warnings(&r);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!((w[0].0.as_str(), w[0].1), ("MOA", Some(4)));
    assert!(
        w[0].3.contains("'ZZ999'") && w[0].3.contains("remark code"),
        "{}",
        w[0].3
    );
    assert!(w[0].3.contains("pyx12 4.0.0 codes.xml"), "{}", w[0].3);
    // A warning: the file stays accepted, the 999 does not carry it.
    assert!(r.is_clean());
    // Without lists, the element is checked for shape only.
    let r = validate_bytes(&unknown, &Options::default());
    assert!(r.findings.is_empty(), "{:#?}", common::show(&r));
    // Worker threads report the same.
    let par = validate_reader_parallel(&unknown[..], &with_lists(), 3);
    assert_eq!(list_warnings(&par), w);
}

#[test]
fn claim_status_and_entity_codes_of_a_277ca() {
    let path = shared_samples().join("herophilus_assets/277CA_Sample_Accepted.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let baseline = list_warnings(&validate_bytes(text.as_bytes(), &with_lists()));
    assert_eq!(baseline, vec![], "the sample's codes are all in the lists");
    // On the claim's STC, the status 20 (accepted for processing) becomes 9999, which no list
    // has, and an STC10 is added whose entity code is Q9, which is no entity code either.
    let claim_stc = text.find("STC*A2:20*20110311*WQ*125").unwrap();
    let end = claim_stc + text[claim_stc..].find('~').unwrap();
    let broken = format!(
        "{}STC*A2:9999*20110311*WQ*125******A1:20:Q9{}",
        &text[..claim_stc],
        &text[end..]
    );
    let w = list_warnings(&validate_bytes(broken.as_bytes(), &with_lists()));
    let at: Vec<_> = w.iter().map(|x| (x.0.as_str(), x.1, x.2)).collect();
    assert_eq!(
        at,
        vec![("STC", Some(1), Some(2)), ("STC", Some(10), Some(3))],
        "{w:#?}"
    );
    assert!(
        w[0].3.contains("claim status code (code source 508)"),
        "{}",
        w[0].3
    );
    assert!(w[1].3.contains("entity identifier code"), "{}", w[1].3);
}

/// pyx12, checking against the same lists, rejects the same remark code (as an error: it has
/// no warnings), and accepts the file once the code is one of the list's.
#[test]
fn pyx12_finds_the_same_unknown_remark_code() {
    let bin = common::x12valid();
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("unknown.835");
    std::fs::write(&unknown, remit_with_moa("MOA***MA01*ZZ999")).unwrap();
    let theirs = common::pyx12_errors(&bin, &unknown).expect("pyx12 accepted ZZ999");
    assert!(
        theirs.contains("(ZZ999) is not a valid code") && theirs.contains("MOA04"),
        "{theirs}"
    );
    let known = dir.path().join("known.835");
    std::fs::write(&known, remit_with_moa("MOA***MA01*N130")).unwrap();
    assert_eq!(common::pyx12_errors(&bin, &known), None);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any list file written from lists of codes reads back to the same answers.
        #[test]
        fn written_lists_read_back(
            lists in proptest::collection::btree_map(
                "[a-z_]{1,12}",
                proptest::collection::btree_set("[A-Z0-9]{1,12}", 0..30),
                1..5,
            ),
            probe in "[A-Z0-9]{1,12}",
        ) {
            let mut xml = String::from("<?xml version=\"1.0\"?>\n<codesets>\n");
            for (name, codes) in &lists {
                xml.push_str(&format!("  <codeset>\n    <id>{name}</id>\n    <version>\n"));
                for c in codes {
                    xml.push_str(&format!("      <code>{c}</code>\n"));
                }
                xml.push_str("    </version>\n  </codeset>\n");
            }
            xml.push_str("</codesets>\n");
            let read = CodeLists::from_pyx12_xml(xml.as_bytes(), "p").unwrap();
            for (name, codes) in &lists {
                for c in codes {
                    prop_assert_eq!(read.contains(name, c.as_bytes()), Some(true));
                }
                prop_assert_eq!(
                    read.contains(name, probe.as_bytes()),
                    Some(codes.contains(&probe))
                );
            }
            prop_assert_eq!(read.lists().count(), lists.len());
        }

        /// Arbitrary bytes: lists or a clear error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = CodeLists::from_pyx12_xml(&bytes, "p");
        }

        /// A valid file cut anywhere is refused (or, cut after the root closes, read whole).
        #[test]
        fn a_cut_file_is_refused(cut in 0usize..200) {
            let xml = "<codesets>\n<codeset><id>remark_code</id><version><code>M1</code><code>N130</code></version></codeset>\n</codesets>\n";
            let cut = cut.min(xml.len());
            let r = CodeLists::from_pyx12_xml(&xml.as_bytes()[..cut], "p");
            if cut >= xml.trim_end().len() {
                prop_assert!(r.is_ok());
            } else {
                prop_assert!(r.is_err(), "{:?}", &xml[..cut]);
            }
        }
    }
}
