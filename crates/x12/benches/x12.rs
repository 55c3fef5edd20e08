//! Throughput of the engine on synthetic files (criterion, release profile):
//! raw segment scan, 835 to typed model, full validation (835 and 837P), 837P writing.
//!
//! cargo bench -p rcm-x12 --bench x12
//! For the 100 MB / 1 GB files and peak memory use the `measure` example (see README.md).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rcm_x12::envelope::{Handler, TxContext, drive_slice};
use rcm_x12::model::claim837::{self, ClaimKind, ClaimTransaction};
use rcm_x12::model::remit835;
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, validate_bytes, validate_reader};
use rcm_x12::writer::SegmentWriter;
use rcm_x12::{Delimiters, Finding, Segment, SegmentReader};
use std::hint::black_box;

const TARGET: usize = 8 << 20;

fn remit_file() -> Vec<u8> {
    let mut rng = Rng::new(1);
    let mut txs = Vec::new();
    let mut size = 0;
    let mut n = 1;
    while size < TARGET {
        let r = synth::remittance(&mut rng, n, 50);
        size += 20_000;
        txs.push(r);
        n += 1;
    }
    synth::remit_interchange(&txs, 1).unwrap_or_default()
}

fn claim_models() -> Vec<ClaimTransaction> {
    let mut rng = Rng::new(2);
    (1..=200)
        .map(|n| synth::claim_transaction(&mut rng, ClaimKind::Professional, n, 50))
        .collect()
}

struct Remits(usize);
impl Handler for Remits {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        if let Ok(r) = remit835::parse(segments) {
            self.0 += r.claims.len();
        }
    }
    fn finding(&mut self, _f: Finding) {}
}

struct RemitViews(usize);
impl Handler for RemitViews {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        if let Ok(r) = remit835::parse_view(segments) {
            self.0 += r.claims.len();
        }
    }
    fn finding(&mut self, _f: Finding) {}
}

fn benches(c: &mut Criterion) {
    let remit = remit_file();
    let models = claim_models();
    let claims = synth::claim_interchange(&models, 1).unwrap_or_default();
    let mut g = c.benchmark_group("x12");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(remit.len() as u64));
    g.bench_function("scan_segments_835", |b| {
        b.iter(|| {
            SegmentReader::new(black_box(&remit))
                .filter(|s| s.is_ok())
                .count()
        })
    });
    g.bench_function("scan_segments_stream_835", |b| {
        b.iter(|| {
            let mut r = rcm_x12::StreamReader::new(black_box(remit.as_slice()));
            let mut n = 0usize;
            while let Some(Ok(_)) = r.next_segment() {
                n += 1;
            }
            n
        })
    });
    g.bench_function("remit_835_to_typed_model", |b| {
        b.iter(|| {
            let mut h = Remits(0);
            drive_slice(black_box(&remit), &mut h);
            h.0
        })
    });
    g.bench_function("remit_835_to_typed_view", |b| {
        b.iter(|| {
            let mut h = RemitViews(0);
            drive_slice(black_box(&remit), &mut h);
            h.0
        })
    });
    g.bench_function("validate_835_full", |b| {
        b.iter(|| {
            validate_bytes(black_box(&remit), &Options::default())
                .findings
                .len()
        })
    });
    g.bench_function("validate_835_full_stream", |b| {
        b.iter(|| {
            validate_reader(black_box(remit.as_slice()), &Options::default())
                .findings
                .len()
        })
    });
    g.throughput(Throughput::Bytes(claims.len() as u64));
    g.bench_function("validate_837p_full", |b| {
        b.iter(|| {
            validate_bytes(black_box(&claims), &Options::default())
                .findings
                .len()
        })
    });
    g.bench_function("write_837p", |b| {
        b.iter(|| {
            let mut w = SegmentWriter::new(Delimiters::default());
            for t in black_box(&models) {
                let _ = claim837::write(t, &mut w);
            }
            w.into_bytes().len()
        })
    });
    g.finish();
}

criterion_group!(x12, benches);
criterion_main!(x12);
