//! The CMS 2020 annual HCPCS alpha-numeric file from the shared data, and the small
//! fixture cut from it: counts against the file's own records, lookups, validity
//! by date, modifiers, search and the stored form.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::date;
use rcm_codes::hcpcs::{
    ActionCode, CoverageCode, CptKind, EntryKind, HcpcsSet, HcpcsValidity, ModifierRef,
    looks_like_fixed_width,
};

/// `../shared/data` next to the workspace, or RCM_SHARED_DATA.
fn shared_file() -> PathBuf {
    let root = std::env::var_os("RCM_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = root.join("hcpcs/2020_annual/HCPC2020_ANWEB_w_disclaimer.txt.gz");
    assert!(
        path.exists(),
        "the 2020 HCPCS file is not at {} (set RCM_SHARED_DATA to the shared data directory)",
        path.display()
    );
    path
}

fn official_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let gz = std::fs::read(shared_file()).unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        out
    })
}

fn official() -> &'static HcpcsSet {
    static SET: OnceLock<HcpcsSet> = OnceLock::new();
    SET.get_or_init(|| {
        HcpcsSet::from_fixed_width(
            Path::new("HCPC2020_ANWEB_w_disclaimer.txt"),
            official_bytes(),
        )
        .unwrap()
    })
}

/// Counts taken from the raw lines, independently of the reader: the record id in
/// column 11 of every line whose columns 6-10 are digits.
fn independent_counts(bytes: &[u8]) -> (usize, usize, usize, usize) {
    let (level2, modifiers, cont, cpt, _) = independent_counts_with_terminated(bytes);
    (level2, modifiers, cont, cpt)
}

fn independent_counts_with_terminated(bytes: &[u8]) -> (usize, usize, usize, usize, usize) {
    let (mut level2, mut modifiers, mut cont, mut cpt, mut terminated) = (0, 0, 0, 0, 0);
    for line in bytes.split(|&b| b == b'\n') {
        if line.len() < 11 || !line[5..10].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let code = &line[..5];
        match line[10] {
            b'3' => {
                if code[0].is_ascii_uppercase() && code[1..].iter().all(u8::is_ascii_digit) {
                    level2 += 1;
                    if line.get(284..292).is_some_and(|t| t != b"        ") {
                        terminated += 1;
                    }
                } else {
                    cpt += 1;
                }
            }
            b'7' => {
                if code[3].is_ascii_uppercase() {
                    modifiers += 1;
                } else {
                    cpt += 1;
                }
            }
            b'4' | b'8' => cont += 1,
            _ => {}
        }
    }
    (level2, modifiers, cont, cpt, terminated)
}

#[test]
fn official_file_counts_match_its_records() {
    let set = official();
    let (level2, modifiers, cont, cpt, terminated) =
        independent_counts_with_terminated(official_bytes());
    let c = set.counts();
    assert_eq!(c.terminated_procedures, terminated);
    assert_eq!(c.procedures, level2);
    assert_eq!(c.modifiers, modifiers);
    assert_eq!(c.continuation_lines, cont);
    assert_eq!(c.cpt_procedures_dropped + c.cpt_modifiers_dropped, cpt);
    assert_eq!(set.codes().len(), level2);
    assert_eq!(set.modifiers().len(), modifiers);
    // What the 2020 annual file holds (measured once, kept as a guard).
    assert_eq!(
        (c.procedures, c.modifiers, c.continuation_lines),
        (6710, 369, 5280)
    );
    assert_eq!(c.records, 6710 + 369 + 5280);
    assert_eq!(c.cpt_procedures_dropped, 0);
    assert_eq!(c.terminated_procedures, 605);
    assert!(looks_like_fixed_width(&official_bytes()[..8192]));
}

#[test]
fn official_file_imports() {
    // Import time is measured by the benchmark (BENCHMARKS.md), not asserted here.
    let set = HcpcsSet::from_fixed_width(Path::new("x.txt"), official_bytes()).unwrap();
    assert_eq!(set.counts().procedures, 6710);
}

#[test]
fn k0001_standard_wheelchair() {
    let set = official();
    let k = set.lookup("K0001").unwrap();
    assert_eq!(k.long_description, "Standard wheelchair");
    assert_eq!(k.short_description, "Standard wheelchair");
    assert_eq!(k.pricing_indicators, ["36"]);
    assert_eq!(k.multiple_pricing_indicator, Some('A'));
    assert_eq!(k.coverage, CoverageCode::CarrierJudgment);
    assert_eq!(k.betos.as_deref(), Some("D1D"));
    assert_eq!(k.types_of_service, ['R']);
    assert_eq!(k.action, ActionCode::NoMaintenance);
    assert_eq!(k.added, date(1994, 1, 1));
    assert_eq!(k.action_effective, Some(date(1994, 1, 1)));
    assert_eq!(k.terminated, None);
    // Lookups are case- and blank-insensitive.
    assert_eq!(
        set.lookup(" k0001 ").map(|c| c.code.as_str()),
        Some("K0001")
    );
    assert!(set.lookup("K0000").is_none());
    assert!(set.lookup("").is_none());
    assert!(set.lookup("K00011").is_none());

    assert!(set.validate("K0001", date(2020, 3, 1)).is_valid());
    match set.validate("K0001", date(1993, 12, 31)) {
        HcpcsValidity::NotYetEffective { effective, .. } => {
            assert_eq!(effective, date(1994, 1, 1))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn continuation_lines_are_joined() {
    let set = official();
    // K0002's record has no continuation; the K0 modifier has two.
    let k0 = match set.modifier("K0").unwrap() {
        ModifierRef::LevelII(m) => m,
        other => panic!("{other:?}"),
    };
    assert!(
        k0.long_description
            .starts_with("Lower extremity prosthesis functional level 0"),
        "{}",
        k0.long_description
    );
    assert!(
        k0.long_description
            .ends_with("quality of life or mobility."),
        "{}",
        k0.long_description
    );
    assert!(!k0.long_description.contains("  "));
    // The longest descriptions (TC, 7 lines) come back whole.
    let tc = match set.modifier("TC").unwrap() {
        ModifierRef::LevelII(m) => m,
        other => panic!("{other:?}"),
    };
    assert!(tc.long_description.len() > 400, "{}", tc.long_description);
}

#[test]
fn terminated_code_is_invalid_after_its_last_day() {
    let set = official();
    let k = set.lookup("K0901").unwrap();
    assert_eq!(k.terminated, Some(date(2016, 12, 31)));
    assert!(set.validate("K0901", date(2016, 12, 31)).is_valid());
    let v = set.validate("K0901", date(2017, 1, 1));
    assert_eq!(
        v,
        HcpcsValidity::Terminated {
            code: k,
            last_day: date(2016, 12, 31)
        }
    );
    assert!(
        v.to_string().contains("last valid day was 2016-12-31"),
        "{v}"
    );
}

#[test]
fn validation_explains_why_not() {
    let set = official();
    match set.validate("K0016", date(2020, 1, 1)) {
        HcpcsValidity::Unknown { code, nearest } => {
            assert_eq!(code, "K0016");
            assert!(!nearest.is_empty());
            assert!(nearest.iter().all(|c| c.code.starts_with('K')));
            assert!(
                nearest
                    .iter()
                    .any(|c| c.code == "K0015" || c.code == "K0017")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        set.validate("99213", date(2020, 1, 1)),
        HcpcsValidity::NotLevelII {
            code: "99213".into(),
            cpt: Some(CptKind::CategoryI)
        }
    );
    let v = set.validate("K00-1", date(2020, 1, 1));
    assert!(matches!(v, HcpcsValidity::NotLevelII { cpt: None, .. }));
    assert!(v.to_string().contains("not a HCPCS Level II code"));
}

#[test]
fn modifiers_level_ii_and_cpt_numbers() {
    let set = official();
    for code in [
        "LT", "RT", "XS", "XE", "XP", "XU", "GT", "GA", "GZ", "KX", "QW", "TC",
    ] {
        match set.modifier(code) {
            Some(ModifierRef::LevelII(m)) => {
                assert_eq!(m.code, code);
                assert!(!m.long_description.is_empty());
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    let lt = set.modifier("lt").unwrap();
    assert_eq!(lt.code(), "LT");
    match lt {
        ModifierRef::LevelII(m) => assert!(m.long_description.starts_with("Left side")),
        ModifierRef::Cpt(_) => panic!("LT is Level II"),
    }
    for code in ["59", "25", "26", "50", "51", "76", "91", "1P"] {
        assert_eq!(
            set.modifier(code),
            Some(ModifierRef::Cpt(code_static(code)))
        );
    }
    assert!(set.modifier("ZZ").is_none());
    assert!(set.modifier("00").is_none());
    assert!(set.modifier("LTX").is_none());
}

fn code_static(code: &str) -> &'static str {
    rcm_codes::hcpcs::CPT_MODIFIERS
        .iter()
        .find(|m| **m == code)
        .unwrap()
}

#[test]
fn search_wheelchair_finds_the_k0001_family() {
    let set = official();
    let hits = set.search("wheelchair", 10);
    assert_eq!(hits.len(), 10);
    let codes: Vec<&str> = hits.iter().map(|h| h.code).collect();
    assert!(codes.contains(&"K0001"), "{codes:?}");
    let family = codes.iter().filter(|c| c.starts_with("K000")).count();
    assert!(family >= 4, "K0001-family in the top 10: {codes:?}");
    assert_eq!(hits[0].matched.len(), 1);
    assert!(hits[0].matched[0].whole_word);
    let why = hits[0].why();
    assert!(why.contains("\"wheelchair\""), "{why}");
    // Plural and prefix queries land on the same family.
    let plural: Vec<&str> = set
        .search("wheelchairs", 10)
        .iter()
        .map(|h| h.code)
        .collect();
    assert!(plural.contains(&"K0001"), "{plural:?}");
    let prefix = set.search("wheelch", 10);
    assert!(prefix.iter().any(|h| h.code.starts_with("K000")));
    assert!(prefix.iter().any(|h| !h.matched[0].whole_word));
}

#[test]
fn search_ranks_all_words_first_and_shows_why() {
    let set = official();
    let hits = set.search("heavy duty wheelchair", 5);
    let codes: Vec<&str> = hits.iter().map(|h| h.code).collect();
    assert!(codes.contains(&"K0006"), "{codes:?}");
    assert!(hits.iter().all(|h| h.matched.len() == 3), "{codes:?}");
    // Modifiers are searchable too.
    let left = set.search("left side", 5);
    assert!(
        left.iter()
            .any(|h| h.code == "LT" && h.kind == EntryKind::Modifier),
        "{:?}",
        left.iter().map(|h| h.code).collect::<Vec<_>>()
    );
    // A code-shaped query finds the code first.
    let by_code = set.search("K0001", 3);
    assert_eq!(by_code[0].code, "K0001");
    assert!(by_code[0].why().contains("code begins"));
    assert!(set.search("", 10).is_empty());
    assert!(set.search("wheelchair", 0).is_empty());
    assert!(set.search("zzzqqq", 10).is_empty());
}

#[test]
fn terminated_codes_rank_after_active_ones() {
    let set = official();
    let hits = set.search("injection", 2000);
    let first = hits
        .iter()
        .position(|h| h.terminated.is_some())
        .expect("some injection codes are terminated");
    assert!(first > 0);
    assert!(hits[first..].iter().all(|h| h.terminated.is_some()));

    // On a date of service, codes valid that day come first.
    let on = date(2016, 6, 1);
    let hits = set.search_on("injection", on, 2000);
    let valid: Vec<bool> = hits
        .iter()
        .map(|h| match h.kind {
            EntryKind::Procedure => set.lookup(h.code).unwrap().is_valid_on(on),
            EntryKind::Modifier => match set.modifier(h.code).unwrap() {
                ModifierRef::LevelII(m) => m.is_valid_on(on),
                ModifierRef::Cpt(_) => true,
            },
        })
        .collect();
    if let Some(i) = valid.iter().position(|v| !v) {
        assert!(valid[i..].iter().all(|v| !v), "{valid:?}");
    }
    assert!(
        hits.iter().any(|h| h.terminated.is_some()
            && valid[hits.iter().position(|x| x.code == h.code).unwrap()])
    );
}

#[test]
fn stored_form_round_trips() {
    let set = official();
    let bytes = set.to_bytes().unwrap();
    let back = HcpcsSet::from_bytes(Path::new("hcpcs.bin"), &bytes).unwrap();
    assert_eq!(back.codes(), set.codes());
    assert_eq!(back.modifiers(), set.modifiers());
    assert_eq!(back.counts(), set.counts());
    assert_eq!(
        back.search("wheelchair", 5)[0].code,
        set.search("wheelchair", 5)[0].code
    );

    let mut damaged = bytes.clone();
    let n = damaged.len();
    damaged[n / 2] ^= 0x20;
    let err = HcpcsSet::from_bytes(Path::new("hcpcs.bin"), &damaged).unwrap_err();
    assert!(err.to_string().contains("hcpcs.bin"), "{err}");
    assert!(err.to_string().contains("checksum"), "{err}");
    assert!(HcpcsSet::from_bytes(Path::new("h"), &bytes[..bytes.len() - 1]).is_err());
    assert!(HcpcsSet::from_bytes(Path::new("h"), b"").is_err());
    assert!(HcpcsSet::from_bytes(Path::new("h"), b"RCMHCPCS").is_err());
}

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/hcpcs/small-anweb.txt");

#[test]
fn fixture_drops_cpt_rows_and_keeps_level_ii() {
    let set = HcpcsSet::from_fixed_width(Path::new("small-anweb.txt"), FIXTURE).unwrap();
    let (level2, modifiers, cont, cpt) = independent_counts(FIXTURE);
    let c = set.counts();
    assert_eq!(
        (c.procedures, c.modifiers, c.continuation_lines),
        (level2, modifiers, cont)
    );
    assert_eq!((level2, modifiers, cpt), (14, 6, 3));
    assert_eq!(c.cpt_procedures_dropped, 2);
    assert_eq!(c.cpt_modifiers_dropped, 1);
    // CPT rows leave no trace: not stored, not searchable.
    assert!(set.lookup("99213").is_none());
    assert!(set.search("placeholder", 10).is_empty());
    assert!(
        set.codes()
            .iter()
            .all(|c| !c.long_description.contains("PLACEHOLDER"))
    );
    // Numeric modifiers are still known, by number.
    assert_eq!(set.modifier("59"), Some(ModifierRef::Cpt("59")));
    assert_eq!(
        set.lookup("K0001").unwrap(),
        official().lookup("K0001").unwrap()
    );
}
