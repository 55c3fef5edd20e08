//! Exact lookup is on the hot path of the scrubber and the server: it must not
//! allocate. A counting allocator proves it.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// tests fail loudly by design

// A global allocator is an unsafe trait by definition; this test binary only counts.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let before = ALLOCATIONS.load(Ordering::SeqCst);
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
    let after = ALLOCATIONS.load(Ordering::SeqCst);
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
