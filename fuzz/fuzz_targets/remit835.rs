//! The remit835 typed parser on every transaction of arbitrary input: errors, never panics; the
//! zero-copy views (segment by segment, and over the set's bytes) give exactly the owned model.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::envelope::{drive_slice, Handler, TransactionSet, TxContext};
use rcm_x12::{Finding, Segment};

struct H;
impl Handler for H {
    fn transaction(&mut self, _ctx: &TxContext, segments: &[Segment<'_>]) {
        let _ = rcm_x12::model::remit835::parse(segments);
    }
    fn transaction_set(&mut self, _ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        use rcm_x12::model::remit835::{parse, parse_view, parse_view_set};
        let owned = parse(tx.segments);
        let view = parse_view(tx.segments).map(|v| v.to_owned());
        let view_set = parse_view_set(tx).map(|v| v.to_owned());
        assert_eq!(owned, view);
        assert_eq!(owned, view_set);
    }
    fn finding(&mut self, _f: Finding) {}
}

fuzz_target!(|data: &[u8]| {
    drive_slice(data, &mut H);
});
