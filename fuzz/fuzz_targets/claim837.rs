//! The claim837 typed parser on every transaction of arbitrary input: errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::envelope::{drive_slice, Handler, TxContext};
use rcm_x12::{Finding, Segment};

struct H;
impl Handler for H {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        let _ = rcm_x12::model::claim837::parse(segments);
    }
    fn finding(&mut self, _f: Finding) {}
}

fuzz_target!(|data: &[u8]| {
    drive_slice(data, &mut H);
});
