//! Slice and stream readers must agree and never panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::{SegmentReader, StreamReader};

fuzz_target!(|data: &[u8]| {
    let a: Vec<_> = SegmentReader::new(data).with_max_segment_len(4096).map(|r| r.map(|s| (s.raw().to_vec(), s.index)).map_err(|e| e.to_string())).collect();
    let mut r = StreamReader::with_limits(data, 4096, 512);
    let mut b = Vec::new();
    while let Some(x) = r.next_segment() {
        b.push(x.map(|s| (s.raw().to_vec(), s.index)).map_err(|e| e.to_string()));
    }
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.is_ok(), y.is_ok());
        if let (Ok(x), Ok(y)) = (x, y) {
            assert_eq!(x, y);
        }
    }
});
