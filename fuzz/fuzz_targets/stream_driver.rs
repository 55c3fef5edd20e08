//! The stream driver (transaction sets kept in a small, growing read buffer) hands over exactly
//! what the slice driver hands over: the same sets, bytes, segments and findings; never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_slice, drive_stream};
use rcm_x12::{Finding, Segment, StreamReader};

#[derive(Default, PartialEq, Debug)]
struct Seen {
    sets: Vec<(String, Vec<u8>, Vec<(Vec<u8>, u64, u64)>)>,
    findings: Vec<(&'static str, u64)>,
    segments: usize,
}

impl Handler for Seen {
    fn segment(&mut self, _ctx: &TxContext, _seg: &Segment<'_>) {
        self.segments += 1;
    }
    fn transaction(&mut self, _ctx: &TxContext, _segments: &[Segment<'_>]) {}
    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        let range = tx.bytes.as_ptr_range();
        for s in tx.segments {
            let r = s.raw().as_ptr_range();
            assert!(r.start >= range.start && r.end <= range.end, "segment outside its set");
        }
        self.sets.push((
            ctx.set_control.clone(),
            tx.bytes.to_vec(),
            tx.segments.iter().map(|s| (s.raw().to_vec(), s.index, s.offset)).collect(),
        ));
    }
    fn finding(&mut self, f: Finding) {
        self.findings.push((f.rule, f.location.segment_number));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut a = Seen::default();
    let ea = drive_slice(data, &mut a);
    // Tiny chunks (the slice driver's segment limit): sets cross many refills and compactions.
    let mut b = Seen::default();
    let mut r = StreamReader::with_limits(data, rcm_x12::reader::DEFAULT_MAX_SEGMENT_LEN, 512);
    let eb = drive_stream(&mut r, &mut b, 64 << 20);
    assert_eq!(ea.map(|e| e.to_string()), eb.map(|e| e.to_string()));
    assert_eq!(a, b);
    // A small segment and set limit: sets over it are reported, never kept beyond it.
    let mut c = Seen::default();
    let mut r = StreamReader::with_limits(data, 4096, 512);
    drive_stream(&mut r, &mut c, 2048);
    assert!(c.sets.iter().all(|s| s.2.iter().map(|x| x.0.len()).sum::<usize>() <= 2048));
    assert!(r.buffer_capacity() < 64 << 10, "buffer grew to {}", r.buffer_capacity());
});
