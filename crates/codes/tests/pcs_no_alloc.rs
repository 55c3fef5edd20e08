//! ICD-10-PCS validation of a valid code is on the claim scrubber's hot path: it must
//! not allocate. A counting allocator proves it.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// tests fail loudly by design
// A global allocator is an unsafe trait by definition; this test binary only counts.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcm_codes::pcs::{PcsSet, PcsValidation};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn validating_a_valid_code_does_not_allocate() {
    let text = include_str!("fixtures/pcs/tables_small.xml");
    let set = PcsSet::from_tables(Path::new("t.xml"), text.as_bytes()).unwrap();
    let codes = ["0DTJ4ZZ", "0dtj0zz", "0DT64ZZ", "0DTNFZX", "0FT44ZZ"];
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let mut valid = 0;
    for code in codes {
        if set.validate(code) == PcsValidation::Valid {
            valid += 1;
        }
        if set.is_valid(code) {
            valid += 1;
        }
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(valid, 10);
    assert_eq!(after - before, 0, "validation allocated");
}
