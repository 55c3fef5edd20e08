//! A damaged prebuilt index is refused with an error, never a panic.
//!
//! The loader deliberately catches one panic (the fst crate's, on a dictionary whose
//! checksum was forged) and refuses the file; libFuzzer's panic hook would report that
//! caught panic as a crash, so the hook is silenced here. A panic that escapes the
//! loader still aborts the run and is reported.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Once;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = rcm_codes::index::from_bytes(Path::new("fuzz.idx"), data);
});
