//! The external code-list parser (pyx12's codes.xml) on arbitrary bytes: a clear error or lists
//! that answer every lookup, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rcm_x12::codelists::CodeLists;

fuzz_target!(|data: &[u8]| {
    if let Ok(lists) = CodeLists::from_pyx12_xml(data, "fuzz") {
        let names: Vec<String> = lists.lists().map(|(n, _)| n.to_string()).collect();
        for n in &names {
            assert!(lists.contains(n, b"").is_some());
            let _ = lists.contains(n, &data[..data.len().min(12)]);
        }
    }
});
