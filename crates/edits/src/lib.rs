//! # rcm-edits: the claim scrubber
//!
//! Owns every edit a claim goes through before submission: code validity on the date of
//! service (through `rcm-codes`), ICD-10-CM conventions across the claim, patient sex and
//! age edits, NCCI procedure-to-procedure and MUE edits (from the quarterly CMS files a
//! user imports), payer rules written by the billing office, and claim structure. Each
//! finding has a stable id, a severity, the fields it concerns and the next step.
//!
//! It must not know about HTTP, SQL or the terminal, and it never ships NCCI or CPT
//! content: tables come from the files a user imports into the data directory.

pub mod ncci;
pub mod rules;

pub mod catalog;
pub mod coderefs;
pub mod engine;
pub mod finding;
pub mod patient;

pub use engine::{Scrubbed837, Scrubber, ScrubberError, ScrubberSetup};
pub use finding::{Category, ClaimReport, Finding, Severity};
