//! The shared real samples: every file parses without panic; findings are printed for review.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (house rule)

mod common;

use rcm_x12::validate::{Options, validate_bytes};
use std::path::PathBuf;

fn shared() -> PathBuf {
    common::shared_samples()
}

fn files() -> Vec<PathBuf> {
    common::files_under(&[&shared()])
}

#[test]
fn all_samples_read_and_validate() {
    let fs = files();
    assert!(
        fs.len() >= 40,
        "shared samples missing at {}",
        shared().display()
    );
    for f in fs {
        let bytes = std::fs::read(&f).unwrap();
        let r = validate_bytes(&bytes, &Options::default());
        assert!(r.fatal.is_none(), "{}: {:?}", f.display(), r.fatal);
        assert!(!r.transactions.is_empty(), "{}", f.display());
        if std::env::var("SHOW").is_ok() {
            println!(
                "== {} ({} findings)",
                f.file_name().unwrap().to_string_lossy(),
                r.findings.len()
            );
            for x in r.findings.iter().take(12) {
                println!("   {x}");
            }
        }
    }
}
