//! Property tests that run in the normal test suite (stable toolchain): no input makes the
//! reader, validator or any typed parser panic; stream and slice agree; generated documents
//! validate clean and round-trip; money never loses a cent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use proptest::prelude::*;
use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::model::{ack999, claim837, remit835, status277};
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, validate_bytes, validate_reader};
use rcm_x12::writer::SegmentWriter;
use rcm_x12::{Delimiters, Finding, Money, Segment};

struct AllParsers;
impl Handler for AllParsers {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        let _ = claim837::parse(segments);
        let _ = remit835::parse(segments);
        let _ = ack999::parse(segments);
        let _ = status277::parse(segments);
    }
    fn finding(&mut self, _f: Finding) {}
}

fn exercise(bytes: &[u8]) {
    let a = validate_bytes(bytes, &Options::default());
    let b = validate_reader(bytes, &Options::default());
    assert_eq!(a.findings, b.findings, "stream and slice disagree");
    drive_slice(bytes, &mut AllParsers);
    let _ = rcm_x12::validate::build_999(
        &a,
        1,
        rcm_x12::Date {
            year: 2026,
            month: 1,
            day: 1,
        },
        "0000",
    );
}

fn seed_doc(seed: u64, which: u8) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    match which % 3 {
        0 => synth::claim_interchange(
            &[synth::claim_transaction(
                &mut rng,
                ClaimKind::Professional,
                1,
                3,
            )],
            1,
        )
        .unwrap(),
        1 => synth::claim_interchange(
            &[synth::claim_transaction(
                &mut rng,
                ClaimKind::Institutional,
                1,
                3,
            )],
            1,
        )
        .unwrap(),
        _ => synth::remit_interchange(&[synth::remittance(&mut rng, 1, 3)], 1).unwrap(),
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        Just(b'*'),
        Just(b':'),
        Just(b'~'),
        Just(b'^'),
        Just(b'\n'),
        Just(b'0'),
        Just(b'9'),
        Just(b'-'),
        Just(b'.'),
        any::<u8>()
    ];
    prop_oneof![
        (any::<usize>(), byte).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), 0usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 0usize..80).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut v: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        if v.is_empty() {
            break;
        }
        let len = v.len();
        match *m {
            Mutation::Set(i, b) => v[i % len] = b,
            Mutation::Delete(i, n) => {
                let s = i % len;
                let e = (s + n).min(len);
                v.drain(s..e);
            }
            Mutation::Duplicate(i, n) => {
                let s = i % len;
                let e = (s + n).min(len);
                let piece = v[s..e].to_vec();
                v.splice(e..e, piece);
            }
            Mutation::Truncate(i) => v.truncate(i % len),
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&bytes);
    }

    #[test]
    fn isa_prefixed_garbage_never_panics(tail in proptest::collection::vec(prop_oneof![Just(b'*'), Just(b':'), Just(b'~'), Just(b'S'), Just(b'T'), Just(b'E'), Just(b'H'), Just(b'L'), Just(b'1'), any::<u8>()], 0..400)) {
        let mut bytes = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~GS*HC*AB*CD*20261120*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~".to_vec();
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
    }

    #[test]
    fn mutated_documents_never_panic(seed in 0u64..1000, which in 0u8..3, muts in proptest::collection::vec(mutation(), 1..6)) {
        let doc = apply(seed_doc(seed, which), &muts);
        exercise(&doc);
    }

    #[test]
    fn generated_documents_validate_clean(seed in 0u64..100_000, which in 0u8..3) {
        let doc = seed_doc(seed, which);
        let r = validate_bytes(&doc, &Options::default());
        prop_assert!(r.findings.is_empty(), "{:?}", r.findings.iter().map(|f| f.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn claims_round_trip(seed in 0u64..100_000, inst in any::<bool>(), claims in 1usize..8) {
        let mut rng = Rng::new(seed);
        let kind = if inst { ClaimKind::Institutional } else { ClaimKind::Professional };
        let t = synth::claim_transaction(&mut rng, kind, 7, claims);
        let mut w = SegmentWriter::new(Delimiters::default());
        claim837::write(&t, &mut w).unwrap();
        let bytes = w.into_bytes();
        let segs: Vec<Segment<'_>> = bytes.split(|&b| b == b'~').filter(|s| !s.is_empty()).enumerate().map(|(i, s)| Segment::new(s, Delimiters::default(), 0, i as u64)).collect();
        let back = claim837::parse(&segs).unwrap();
        prop_assert_eq!(back, t);
    }

    #[test]
    fn money_round_trips(cents in -10_000_000_000i64..10_000_000_000) {
        let m = Money(cents);
        prop_assert_eq!(Money::parse(m.to_string().as_bytes()), Some(m));
        prop_assert_eq!(Money::parse(m.dollars().as_bytes()), Some(m));
    }

    #[test]
    fn money_parse_matches_decimal_rules(v in "-?[0-9.]{0,20}") {
        // The fast path of Money::parse must accept and refuse exactly what the general rule
        // (an X12 R value with at most two significant decimals) does.
        let expected = rcm_x12::values::Decimal::parse(v.as_bytes()).and_then(|d| {
            if d.scale > 2 {
                let div = 10i64.checked_pow(u32::from(d.scale - 2))?;
                (d.mantissa % div == 0).then(|| Money(d.mantissa / div))
            } else {
                d.mantissa.checked_mul(10i64.checked_pow(u32::from(2 - d.scale))?).map(Money)
            }
        });
        prop_assert_eq!(Money::parse(v.as_bytes()), expected);
    }

    #[test]
    fn formatting_matches_fmt(cents in any::<i64>(), mantissa in any::<i64>(), scale in 0u8..=20, y in 0u16..=65535, mo in 0u8..=255, d in 0u8..=255) {
        // Money, Decimal and Date are formatted by hand (writer fast path): same text as the
        // straightforward `fmt` forms.
        let m = Money(cents);
        let (neg, abs) = (cents < 0, cents.unsigned_abs());
        let (whole, frac) = (abs / 100, abs % 100);
        let sign = if neg { "-" } else { "" };
        let want = match frac {
            0 => format!("{sign}{whole}"),
            x if x % 10 == 0 => format!("{sign}{whole}.{}", x / 10),
            x => format!("{sign}{whole}.{x:02}"),
        };
        prop_assert_eq!(m.to_string(), want);
        let dec = rcm_x12::values::Decimal { mantissa, scale };
        let want = if scale == 0 {
            format!("{mantissa}")
        } else {
            let abs = mantissa.unsigned_abs();
            let div = 10u64.pow(u32::from(scale.min(18)));
            let mut f = format!("{:0w$}", abs % div, w = usize::from(scale));
            while f.ends_with('0') {
                f.pop();
            }
            let sign = if mantissa < 0 { "-" } else { "" };
            if f.is_empty() { format!("{sign}{}", abs / div) } else { format!("{sign}{}.{f}", abs / div) }
        };
        prop_assert_eq!(dec.to_string(), want);
        let date = rcm_x12::Date { year: y, month: mo, day: d };
        prop_assert_eq!(date.to_string(), format!("{y:04}{mo:02}{d:02}"));
    }

    #[test]
    fn writer_refuses_delimiters(prefix in "[A-Z0-9 ]{0,10}", d in prop_oneof![Just('*'), Just(':'), Just('~'), Just('^')], suffix in "[A-Z0-9 ]{0,10}") {
        let mut w = SegmentWriter::new(Delimiters::default());
        let v = format!("{prefix}{d}{suffix}");
        prop_assert!(w.simple("NTE", &["ADD", &v]).is_err());
        prop_assert!(w.as_bytes().is_empty());
    }

    #[test]
    fn npi_check_digit_is_luhn(first in 100_000_000u64..999_999_999) {
        let s = first.to_string();
        let d = rcm_x12::values::npi_check_digit(s.as_bytes()).unwrap();
        let good = format!("{s}{d}");
        prop_assert!(rcm_x12::values::npi_is_valid(good.as_bytes()));
        let bad = format!("{s}{}", (d + 1) % 10);
        prop_assert!(!rcm_x12::values::npi_is_valid(bad.as_bytes()));
    }
}

#[test]
fn npi_known_values() {
    // CMS published example.
    assert!(rcm_x12::values::npi_is_valid(b"1234567893"));
    assert!(!rcm_x12::values::npi_is_valid(b"1234567890"));
}
