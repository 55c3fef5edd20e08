//! The stream driver keeps each transaction set in the reader's buffer until its SE (no copy):
//! what it hands over must be exactly what the slice driver hands over, whatever the chunk size,
//! and memory must stay bounded by the largest set it keeps, never by the file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_slice, drive_stream};
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::{Finding, Segment, StreamReader, synth};
use std::io::Read;

/// A segment as handed over: its bytes, number and offset.
type SegmentSeen = (Vec<u8>, u64, u64);

/// What a handler sees of each transaction set: its control number, its bytes, its segments
/// (and whether every segment lies inside the set's bytes).
#[derive(Default)]
struct Seen {
    sets: Vec<(String, Vec<u8>, Vec<SegmentSeen>, bool)>,
    rules: Vec<&'static str>,
    segments: usize,
}

impl Handler for Seen {
    fn segment(&mut self, _ctx: &TxContext, _seg: &Segment<'_>) {
        self.segments += 1;
    }
    fn transaction(&mut self, _ctx: &TxContext, _segments: &[Segment<'_>]) {
        unreachable!("the drivers hand sets over through transaction_set");
    }
    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        let range = tx.bytes.as_ptr_range();
        let inside = tx.segments.iter().all(|s| {
            let r = s.raw().as_ptr_range();
            r.start >= range.start && r.end <= range.end
        });
        self.sets.push((
            ctx.set_control.clone(),
            tx.bytes.to_vec(),
            tx.segments
                .iter()
                .map(|s| (s.raw().to_vec(), s.index, s.offset))
                .collect(),
            inside,
        ));
    }
    fn finding(&mut self, f: Finding) {
        self.rules.push(f.rule);
    }
}

fn by_slice(bytes: &[u8]) -> Seen {
    let mut h = Seen::default();
    drive_slice(bytes, &mut h);
    h
}

fn by_stream(bytes: &[u8], chunk: usize, max_tx: usize) -> (Seen, usize) {
    let mut h = Seen::default();
    let mut r = StreamReader::with_limits(bytes, 4096, chunk);
    drive_stream(&mut r, &mut h, max_tx);
    let cap = r.buffer_capacity();
    (h, cap)
}

/// Two interchanges: six 837P sets of 40 claims, five 835 sets of 30 claims (line breaks after
/// each terminator, as many senders write them).
fn generated() -> Vec<u8> {
    let mut rng = synth::Rng::new(7);
    let claims: Vec<_> = (1..=6)
        .map(|n| synth::claim_transaction(&mut rng, ClaimKind::Professional, n, 40))
        .collect();
    let remits: Vec<_> = (1..=5)
        .map(|n| synth::remittance(&mut rng, n, 30))
        .collect();
    let mut out = synth::claim_interchange(&claims, 1).unwrap();
    out.extend(synth::remit_interchange(&remits, 2).unwrap());
    String::from_utf8(out)
        .unwrap()
        .replace('~', "~\n")
        .into_bytes()
}

#[test]
fn stream_and_slice_hand_over_the_same_sets_at_any_chunk_size() {
    let bytes = generated();
    let want = by_slice(&bytes);
    assert!(want.sets.len() >= 10, "{} sets", want.sets.len());
    assert!(
        want.sets.iter().all(|s| s.3),
        "slice: a segment outside its set's bytes"
    );
    for chunk in [512, 777, 4096, 65_536, 1 << 20] {
        let (got, _) = by_stream(&bytes, chunk, 64 << 20);
        assert_eq!(got.sets.len(), want.sets.len(), "chunk {chunk}");
        for (g, w) in got.sets.iter().zip(&want.sets) {
            assert_eq!(g.0, w.0, "chunk {chunk}");
            assert_eq!(g.1, w.1, "bytes of set {} at chunk {chunk}", w.0);
            assert_eq!(g.2, w.2, "segments of set {} at chunk {chunk}", w.0);
            assert!(g.3, "stream: a segment outside its set's bytes");
        }
        assert_eq!(got.segments, want.segments);
        assert_eq!(got.rules, want.rules);
    }
}

#[test]
fn sets_closed_without_se_and_cut_files_are_handed_over_alike() {
    let bytes = String::from_utf8(generated()).unwrap();
    // An SE removed (the next ST closes the set), and the file cut inside its last set.
    let first_se = bytes.find("~\nSE*").unwrap() + 2;
    let end = first_se + bytes[first_se..].find('~').unwrap() + 1;
    let damaged = format!("{}{}", &bytes[..first_se], &bytes[end..]);
    let cut = &damaged[..damaged.len() - 200];
    for text in [damaged.as_str(), cut] {
        let want = by_slice(text.as_bytes());
        for chunk in [512, 4096] {
            let (got, _) = by_stream(text.as_bytes(), chunk, 64 << 20);
            assert_eq!(got.sets.len(), want.sets.len());
            for (g, w) in got.sets.iter().zip(&want.sets) {
                assert_eq!((&g.0, &g.1, &g.2), (&w.0, &w.1, &w.2));
            }
            assert_eq!(got.rules, want.rules);
        }
        assert!(want.rules.contains(&"ENV-SE-MISSING"), "{:?}", want.rules);
    }
}

#[test]
fn a_set_over_the_limit_is_reported_and_the_next_ones_still_read() {
    let bytes = generated();
    let slice = by_slice(&bytes);
    // Every 837 set here is larger than 8 KiB and every 835 set smaller than 64 KiB.
    let big = slice.sets.iter().filter(|s| s.1.len() > 8 << 10).count();
    assert!(big > 0);
    let (got, cap) = by_stream(&bytes, 4096, 8 << 10);
    let too_large = got
        .rules
        .iter()
        .filter(|r| **r == "ENV-TX-TOO-LARGE")
        .count();
    assert_eq!(too_large, big);
    assert_eq!(got.sets.len(), slice.sets.len() - big);
    // Kept bytes are let go as soon as a set passes the limit.
    assert!(cap < 64 << 10, "buffer grew to {cap}");
}

/// A reader that serves one ISA/GS/ST, then a transaction set of `n` equal segments, then its
/// trailers, then more small sets: memory after the big set must come back down.
struct BigSet {
    data: Vec<u8>,
    pos: usize,
}
impl Read for BigSet {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn the_buffer_gives_memory_back_after_a_large_set() {
    let mut text = String::from(
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~GS*HC*SENDER*RECEIVER*20261120*1200*1*X*005010X222A1~",
    );
    let n = 400_000; // about 24 MB in one set
    text.push_str("ST*837*0001*005010X222A1~");
    for _ in 0..n {
        text.push_str("NTE*ADD*THE SAME NOTE ABOUT THIS CLAIM, AGAIN AND AGAIN~");
    }
    text.push_str(&format!("SE*{}*0001~", n + 2));
    for k in 2..50 {
        text.push_str(&format!(
            "ST*837*{k:04}*005010X222A1~BHT*0019*00*X*20261120*1200*CH~SE*3*{k:04}~"
        ));
    }
    text.push_str("GE*49*1~IEA*1*000000001~");
    let mut h = Seen::default();
    let mut r = StreamReader::new(BigSet {
        data: text.into_bytes(),
        pos: 0,
    });
    drive_stream(&mut r, &mut h, 64 << 20);
    assert_eq!(h.sets.len(), 49);
    assert_eq!(h.sets[0].2.len(), n + 2);
    assert!(h.rules.is_empty(), "{:?}", h.rules);
    assert!(
        r.buffer_capacity() < 4 << 20,
        "buffer still holds {} bytes",
        r.buffer_capacity()
    );
}
