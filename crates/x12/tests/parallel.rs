//! Transaction sets checked on several threads give the same report as on one: the same findings
//! in the same order, the same counts, the same 999, whatever the number of threads and however
//! damaged the file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use proptest::prelude::*;
use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_stream};
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::parallel::{Event, SetWorker, drive_stream_batched};
use rcm_x12::validate::{Options, Report, build_999, validate_reader, validate_reader_parallel};
use rcm_x12::{Date, Finding, Segment, StreamReader, synth};
use std::path::PathBuf;

/// Two interchanges: eight 837P sets of 12 claims, six 835 sets of 10 claims.
fn generated() -> Vec<u8> {
    let mut rng = synth::Rng::new(11);
    let claims: Vec<_> = (1..=8)
        .map(|n| synth::claim_transaction(&mut rng, ClaimKind::Professional, n, 12))
        .collect();
    let remits: Vec<_> = (1..=6)
        .map(|n| synth::remittance(&mut rng, n, 10))
        .collect();
    let mut out = synth::claim_interchange(&claims, 1).unwrap();
    out.extend(synth::remit_interchange(&remits, 2).unwrap());
    out
}

fn ack(r: &Report) -> Result<Option<Vec<u8>>, String> {
    let date = Date {
        year: 2026,
        month: 12,
        day: 6,
    };
    build_999(r, 1, date, "1200").map_err(|e| e.to_string())
}

/// The report as JSON (everything it serializes) plus the 999 it would write.
fn seen(r: &Report) -> (serde_json::Value, Result<Option<Vec<u8>>, String>) {
    (serde_json::to_value(r).unwrap(), ack(r))
}

/// Batch sizes: each set alone, a few sets per batch, the whole file in one.
const BATCHES: [usize; 3] = [0, 20_000, 1 << 20];

fn assert_same(bytes: &[u8], opts: &Options, what: &str) {
    let want = seen(&validate_reader(bytes, opts));
    for threads in [1, 2, 3, 5] {
        for batch_bytes in BATCHES {
            let opts = Options {
                batch_bytes,
                ..opts.clone()
            };
            let got = seen(&validate_reader_parallel(bytes, &opts, threads));
            assert!(
                got.0 == want.0,
                "{what}, {threads} threads, batches of {batch_bytes}: reports differ\n parallel: {}\n one thread: {}",
                got.0,
                want.0
            );
            assert_eq!(
                got.1, want.1,
                "{what}, {threads} threads, batches of {batch_bytes}: 999s differ"
            );
        }
    }
}

#[test]
fn clean_files_give_the_same_report() {
    let bytes = generated();
    let r = validate_reader(bytes.as_slice(), &Options::default());
    assert_eq!(r.transaction_count, 14);
    assert!(r.is_clean(), "{:?}", r.findings.first());
    assert_same(&bytes, &Options::default(), "generated");
}

#[test]
fn damaged_files_give_the_same_findings_in_the_same_order() {
    let text = String::from_utf8(generated()).unwrap();
    let first_se = text.find("~SE*").unwrap() + 1;
    let se_end = first_se + text[first_se..].find('~').unwrap() + 1;
    let mut cases: Vec<(&str, String)> = vec![
        // An SE missing: the next ST closes the set, with an envelope finding before it.
        (
            "SE removed",
            format!("{}{}", &text[..first_se], &text[se_end..]),
        ),
        // Cut inside the last set, and garbage after the interchanges.
        ("cut", text[..text.len() - 300].to_string()),
        ("garbage", format!("{text}\u{1}\u{2}NOT X12 AT ALL")),
        // Wrong SE count and control numbers: envelope findings inside and between sets.
        ("SE count", text.replacen("~SE*", "~SE*9", 3)),
        ("GE control", text.replacen("~GE*8*", "~GE*8*9", 1)),
        // Element errors in every claim.
        ("bad dates", text.replace("*D8*20", "*D8*19")),
        (
            "bad codes",
            text.replace("CLM*", "CLM*X").replace("*HC:", "*ZZ:"),
        ),
    ];
    cases.push(("empty", String::new()));
    for (what, input) in &cases {
        assert_same(input.as_bytes(), &Options::default(), what);
    }
}

#[test]
fn limits_give_the_same_report() {
    let bytes = generated();
    // Sets over the size limit are checked for envelopes only; findings past the cap are counted.
    let small_sets = Options {
        max_transaction_bytes: 3_000,
        ..Options::default()
    };
    let r = validate_reader(bytes.as_slice(), &small_sets);
    assert!(r.findings.iter().any(|f| f.rule == "ENV-TX-TOO-LARGE"));
    assert_same(&bytes, &small_sets, "set limit");
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("*D8*20", "*D8*19");
    let few = Options {
        max_findings: 7,
        keep_outcomes: false,
        ..Options::default()
    };
    assert_same(text.as_bytes(), &few, "findings cap");
}

fn fixtures() -> Vec<PathBuf> {
    let ours = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/x12"
    ));
    common::files_under(&[&ours, &common::shared_samples()])
}

#[test]
fn fixtures_and_shared_samples_give_the_same_report() {
    let files = fixtures();
    assert!(files.len() >= 7, "{} files", files.len());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        assert_same(&bytes, &Options::default(), &f.display().to_string());
    }
}

/// Records each set's control number and segment count, in order.
#[derive(Default)]
struct Order {
    events: Vec<String>,
}

impl Handler for Order {
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        self.events
            .push(format!("set {} {}", ctx.set_control, segments.len()));
    }
    fn finding(&mut self, f: Finding) {
        self.events.push(format!("finding {}", f.rule));
    }
    fn group_end(&mut self, ctx: &TxContext, transactions: usize) {
        self.events
            .push(format!("group {} {transactions}", ctx.group_control));
    }
}

struct Count;
impl SetWorker for Count {
    type Output = (String, usize, usize);
    fn work(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) -> Self::Output {
        // The worker sees the set's own bytes, with every segment inside them.
        let r = tx.bytes.as_ptr_range();
        let inside = tx.segments.iter().all(|s| {
            let p = s.raw().as_ptr_range();
            p.start >= r.start && p.end <= r.end
        });
        assert!(inside);
        (ctx.set_control.clone(), tx.segments.len(), tx.bytes.len())
    }
}

#[test]
fn events_come_back_in_file_order() {
    let text = String::from_utf8(generated())
        .unwrap()
        .replacen("~SE*", "~SE*9", 2);
    let mut serial = Order::default();
    let mut r = StreamReader::with_limits(text.as_bytes(), 4096, 512);
    drive_stream(&mut r, &mut serial, 64 << 20);
    for (workers, batch_bytes) in [1, 2, 4].into_iter().flat_map(|w| BATCHES.map(|b| (w, b))) {
        let mut events = Vec::new();
        let mut r = StreamReader::with_limits(text.as_bytes(), 4096, 512);
        let (err, segments) = drive_stream_batched(
            &mut r,
            (0..workers).map(|_| Count).collect(),
            64 << 20,
            batch_bytes,
            |e| {
                events.push(match e {
                    Event::Finding(f) => format!("finding {}", f.rule),
                    Event::GroupEnd(ctx, n) => format!("group {} {n}", ctx.group_control),
                    Event::Set {
                        ctx,
                        segments,
                        output,
                    } => {
                        assert_eq!(output.0, ctx.set_control);
                        assert_eq!(output.1, segments);
                        assert!(output.2 > 0);
                        format!("set {} {segments}", ctx.set_control)
                    }
                });
            },
        );
        assert!(err.is_none());
        assert_eq!(segments, text.matches('~').count() as u64);
        assert_eq!(
            events, serial.events,
            "{workers} workers, batches of {batch_bytes}"
        );
    }
    assert!(serial.events.iter().any(|e| e.starts_with("finding")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any damage (bytes overwritten, a piece cut out, the file cut short) gives the same report
    /// on several threads as on one.
    #[test]
    fn any_damage_gives_the_same_report(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        hole in any::<prop::sample::Index>(),
        hole_len in 0usize..400,
        threads in 1usize..4,
        batch_bytes in prop::sample::select(BATCHES.to_vec()),
    ) {
        let mut bytes = generated();
        for (at, b) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *b;
        }
        let h = hole.index(bytes.len());
        bytes.drain(h..(h + hole_len).min(bytes.len()));
        bytes.truncate(cut.index(bytes.len() + 1).max(bytes.len() / 2));
        let want = seen(&validate_reader(bytes.as_slice(), &Options::default()));
        let opts = Options { batch_bytes, ..Options::default() };
        let got = seen(&validate_reader_parallel(bytes.as_slice(), &opts, threads));
        prop_assert!(got.0 == want.0, "reports differ");
        prop_assert_eq!(got.1, want.1);
    }
}
