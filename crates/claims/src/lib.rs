//! # rcm-claims: professional and institutional claims
//!
//! Owns the claim as billing works with it: providers, subscriber and patient, payers in
//! order, diagnoses, service lines, and what only a UB-04 carries; the values that are valid
//! by construction (`Npi`, `TaxId`, `Money`, `ProcedureCode`, `Modifier`, `DiagnosisCode`…);
//! the documented claim JSON with its JSON Schema; and conversion both ways with the 837P and
//! 837I models of `rcm-x12`.
//!
//! It must not know about code-set versions, edits, HTTP, SQL or the terminal: whether a code
//! exists on a date of service is the scrubber's question (`rcm-edits`); from `rcm-codes` it
//! takes only the code key a diagnosis is stored as. Messages never carry
//! patient names, birth dates or member ids.

pub mod input;
pub mod model;
pub mod posting;
pub mod types;
pub mod x12;

pub use input::{BuiltClaim, ClaimFile, ClaimInput, InputProblem, ProblemKind, read_claim_file};
pub use model::{Claim, ClaimKind, ServiceLine};
pub use types::{
    DiagnosisCode, Modifier, Money, Ndc, Npi, PcsCode, PlaceOfService, ProcedureCode,
    ProcedureKind, RevenueCode, Sex, TaxId, TypeOfBill, Units, ValueError,
};
