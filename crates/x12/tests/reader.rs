//! Generic layer: delimiters from the ISA, readers (slice and stream), bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

use rcm_x12::error::ReadError;
use rcm_x12::{Delimiters, SegmentReader, StreamReader};
use std::io::Read;

const ISA_STD: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~";

fn with_delims(text: &str, e: char, c: char, r: char, s: char) -> String {
    text.chars()
        .map(|ch| match ch {
            '*' => e,
            ':' => c,
            '^' => r,
            '~' => s,
            x => x,
        })
        .collect()
}

fn small_file() -> String {
    format!(
        "{ISA_STD}GS*HC*S*R*20261120*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*X*20261120*1200*CH~SE*3*0001~GE*1*1~IEA*1*000000001~"
    )
}

#[test]
fn delimiters_come_from_the_isa() {
    for (e, c, r, s) in [
        ('*', ':', '^', '~'),
        ('|', '>', '^', '\n'),
        ('!', '<', '{', '}'),
        ('\u{1d}', '\u{1f}', '\u{1e}', '\u{1c}'),
    ] {
        let text = with_delims(&small_file(), e, c, r, s);
        let segs: Vec<_> = SegmentReader::new(text.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(segs.len(), 7, "delims {e:?}");
        let d = segs[0].delimiters();
        assert_eq!(
            d,
            Delimiters {
                element: e as u8,
                component: c as u8,
                repetition: Some(r as u8),
                segment: s as u8
            }
        );
        assert_eq!(segs[2].el(1), b"837");
        assert_eq!(segs[3].el(6), b"CH");
    }
}

#[test]
fn tolerates_line_breaks_after_terminators() {
    let text = small_file().replace('~', "~\r\n");
    let segs: Vec<_> = SegmentReader::new(text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(segs.len(), 7);
    assert_eq!(segs[6].id(), b"IEA");
    assert_eq!(segs[6].index, 7);
}

#[test]
fn element_component_access() {
    let text = format!("{ISA_STD}SV1*HC:99213:25:59*100*UN*1***1:2~");
    let segs: Vec<_> = SegmentReader::new(text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let sv1 = &segs[1];
    assert_eq!(sv1.id(), b"SV1");
    assert_eq!(sv1.comp(1, 2), b"99213");
    assert_eq!(sv1.comp(1, 4), b"59");
    assert_eq!(sv1.comp(1, 5), b"");
    assert_eq!(sv1.el(6), b"");
    assert_eq!(sv1.el(99), b"");
    assert_eq!(
        sv1.components(7).collect::<Vec<_>>(),
        vec![&b"1"[..], &b"2"[..]]
    );
}

#[test]
fn not_x12_is_an_error_not_a_panic() {
    for input in [
        &b"hello world"[..],
        b"",
        b"ISA",
        b"ISA*00*",
        b"\xff\xfe\x00garbage~~~",
        b"GS*HC~",
    ] {
        let items: Vec<_> = SegmentReader::new(input).collect();
        assert!(
            items.iter().all(|i| i.is_err()) || items.is_empty(),
            "{input:?}"
        );
    }
}

#[test]
fn truncated_file_gives_a_precise_error() {
    let text = small_file();
    let cut = &text.as_bytes()[..text.len() - 5];
    let items: Vec<_> = SegmentReader::new(cut).collect();
    match items.last() {
        Some(Err(ReadError::Truncated { index, .. })) => assert_eq!(*index, 7),
        other => panic!("expected Truncated, got {other:?}"),
    }
}

#[test]
fn segment_without_terminator_is_capped_in_slices() {
    let mut text = format!("{ISA_STD}NTE*");
    text.push_str(&"A".repeat(3 << 20));
    let items: Vec<_> = SegmentReader::new(text.as_bytes()).collect();
    assert!(
        matches!(
            items.last(),
            Some(Err(ReadError::SegmentTooLong { index: 2, .. }))
        ),
        "{:?}",
        items.last().map(|r| r.as_ref().err())
    );
}

/// A reader producing an ISA then `len` bytes without any terminator, without allocating them.
struct Endless {
    head: Vec<u8>,
    pos: usize,
    left: u64,
}
impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(b'A');
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn two_gigabyte_line_fails_fast_in_bounded_memory() {
    let mut r = StreamReader::new(Endless {
        head: format!("{ISA_STD}NTE*").into_bytes(),
        pos: 0,
        left: 2 << 30,
    });
    let first = r.next_segment().unwrap().unwrap();
    assert_eq!(first.id(), b"ISA");
    match r.next_segment() {
        Some(Err(ReadError::SegmentTooLong {
            index: 2, limit, ..
        })) => assert_eq!(limit, rcm_x12::reader::DEFAULT_MAX_SEGMENT_LEN),
        other => panic!("expected SegmentTooLong, got {:?}", other.map(|r| r.err())),
    }
    assert!(
        r.buffer_capacity() < 4 << 20,
        "buffer grew to {}",
        r.buffer_capacity()
    );
    assert!(r.next_segment().is_none());
}

/// The same inside a transaction set, which the stream driver keeps in the buffer until its SE:
/// the segment still fails fast, in bounded memory, with a READ finding.
#[test]
fn two_gigabyte_segment_inside_a_set_fails_fast_in_bounded_memory() {
    struct Rules(Vec<&'static str>);
    impl rcm_x12::envelope::Handler for Rules {
        fn transaction(&mut self, _: &rcm_x12::envelope::TxContext, _: &[rcm_x12::Segment<'_>]) {}
        fn finding(&mut self, f: rcm_x12::Finding) {
            self.0.push(f.rule);
        }
    }
    let head = format!(
        "{ISA_STD}GS*HC*SENDER*RECEIVER*20261120*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*X*20261120*1200*CH~NTE*"
    );
    let mut r = StreamReader::new(Endless {
        head: head.into_bytes(),
        pos: 0,
        left: 2 << 30,
    });
    let mut rules = Rules(Vec::new());
    let err = rcm_x12::envelope::drive_stream(&mut r, &mut rules, 64 << 20);
    assert!(
        matches!(err, Some(ReadError::SegmentTooLong { index: 5, .. })),
        "{err:?}"
    );
    assert!(rules.0.contains(&"READ"), "{:?}", rules.0);
    assert!(
        r.buffer_capacity() < 8 << 20,
        "buffer grew to {}",
        r.buffer_capacity()
    );
}

/// Reads in tiny random-size chunks to exercise buffer boundaries.
struct Chunky<'a> {
    data: &'a [u8],
    pos: usize,
    step: usize,
}
impl Read for Chunky<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.step = (self.step * 7 + 3) % 13 + 1;
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn stream_reader_matches_slice_reader() {
    let mut rng = rcm_x12::synth::Rng::new(5);
    let t = rcm_x12::synth::claim_transaction(
        &mut rng,
        rcm_x12::model::claim837::ClaimKind::Professional,
        1,
        30,
    );
    let bytes = rcm_x12::synth::claim_interchange(&[t], 1).unwrap();
    let from_slice: Vec<(Vec<u8>, u64, u64)> = SegmentReader::new(&bytes)
        .map(|s| s.map(|s| (s.raw().to_vec(), s.offset, s.index)))
        .collect::<Result<_, _>>()
        .unwrap();
    // Small limits force compaction and refills across segment boundaries.
    let mut r = StreamReader::with_limits(
        Chunky {
            data: &bytes,
            pos: 0,
            step: 1,
        },
        4096,
        512,
    );
    let mut from_stream = Vec::new();
    while let Some(s) = r.next_segment() {
        let s = s.unwrap();
        from_stream.push((s.raw().to_vec(), s.offset, s.index));
    }
    assert_eq!(from_slice, from_stream);
}

#[test]
fn irregular_isa_is_read_leniently() {
    // ISA06 not padded: separators are not at the fixed positions.
    let text = "ISA*00*          *00*          *ZZ*SHORT*ZZ*RECEIVER       *261120*1200*^*00501*000000001*0*T*:~GS*HC~";
    let segs: Vec<_> = SegmentReader::new(text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[1].el(1), b"HC");
}

/// Regression (found by the `reader` fuzz target): a malformed ISA read leniently must give the
/// same segments from a slice and from a stream whose buffer holds only part of the file.
#[test]
fn slice_and_stream_agree_on_lenient_isa() {
    let path = format!(
        "{}/../../tests/fixtures/x12/fuzz-reader-isa-lenient.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = std::fs::read(path).unwrap();
    let a: Vec<_> = SegmentReader::new(&data)
        .with_max_segment_len(4096)
        .map(|r| {
            r.map(|s| (s.raw().to_vec(), s.index))
                .map_err(|e| e.to_string())
        })
        .collect();
    let mut r = StreamReader::with_limits(&data[..], 4096, 512);
    let mut b = Vec::new();
    while let Some(x) = r.next_segment() {
        b.push(
            x.map(|s| (s.raw().to_vec(), s.index))
                .map_err(|e| e.to_string()),
        );
    }
    assert_eq!(a, b);
}
