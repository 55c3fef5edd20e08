//! # rcm-x12: the X12 5010 engine of OpenRCM
//!
//! This crate owns everything about HIPAA X12 5010 files: reading them (delimiters from the ISA,
//! a zero-copy segment reader over bytes and a bounded-memory reader over streams), envelope
//! checks, the implementation-guide tables and validator, typed models for 837P (005010X222A1),
//! 837I (005010X223A2), 835 (005010X221A1), 999 (005010X231A1) and 277CA (005010X214), and
//! writers that refuse data containing a delimiter.
//!
//! It must not do HTTP, SQL or any I/O besides reading and writing the bytes it is given, and it
//! knows nothing about how code sets (ICD-10, CPT, HCPCS) are stored: it checks the shape of codes,
//! not whether a code exists. Error messages and findings never contain names, birth dates or
//! member IDs: they point at positions (interchange, transaction, segment number and ID, loop,
//! element) instead.
//!
//! Money is integer cents ([`values::Money`]); there is no floating point in any amount.
//!
//! Fuzzing: `cd fuzz && cargo +nightly fuzz run reader` (targets: `reader`, `stream_driver`,
//! `validate`, `remit835`, `claim837`, `ack999`, `status277`); see `crates/x12/README.md`.

pub mod codelists;
pub mod codes;
pub mod delim;
pub mod envelope;
pub mod error;
pub mod finding;
pub mod model;
pub mod parallel;
pub mod reader;
pub mod schema;
pub mod segment;
pub mod synth;
pub mod validate;
pub mod values;
pub mod writer;

pub use delim::Delimiters;
pub use error::{ModelError, ReadError, WriteError};
pub use finding::{Finding, Location, Severity};
pub use reader::{SegmentReader, StreamReader};
pub use segment::Segment;
pub use values::{Code, Date, DatePeriod, Decimal, Money};
