//! Exact lookup is on the hot path of the scrubber and the server: it must not
//! allocate. A counting allocator proves it.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// tests fail loudly by design

// A global allocator is an unsafe trait by definition; this test binary only counts.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use rcm_codes::pcs::{PcsSet, PcsValidation};

struct Counting;

thread_local! {
    // Per thread, so tests running side by side do not count each other.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn exact_lookup_does_not_allocate() {
    let set = common::official();
    let inputs = [
        "S72.001A",
        "e119",
        "I10",
        "M48.50XA",
        "Z99.89",
        "S72.001",
        "E11",
        "X00.0000",
        "nonsense!",
    ];
    // warm up anything lazily initialised
    for i in inputs {
        let _ = set.lookup(i);
    }
    let before = allocations();
    let mut found = 0;
    for _ in 0..1000 {
        for i in inputs {
            if let Some(c) = set.lookup(i) {
                found += usize::from(c.is_billable());
                let _ = c.dotted();
                let _ = c.title_parts();
                let _ = c.node().kind();
            }
        }
    }
    let after = allocations();
    assert_eq!(
        after - before,
        0,
        "lookups allocated {} times",
        after - before
    );
    assert_eq!(
        found,
        5 * 1000,
        "S72.001A, E11.9, I10, M48.50XA and Z99.89 are billable"
    );
}

#[test]
fn validating_a_valid_pcs_code_does_not_allocate() {
    let text = include_str!("fixtures/pcs/tables_small.xml");
    let set = PcsSet::from_tables(Path::new("t.xml"), text.as_bytes()).unwrap();
    let codes = ["0DTJ4ZZ", "0dtj0zz", "0DT64ZZ", "0DTNFZX", "0FT44ZZ"];
    let before = allocations();
    let mut valid = 0;
    for code in codes {
        if set.validate(code) == PcsValidation::Valid {
            valid += 1;
        }
        if set.is_valid(code) {
            valid += 1;
        }
    }
    let after = allocations();
    assert_eq!(valid, 10);
    assert_eq!(after - before, 0, "validation allocated");
}
