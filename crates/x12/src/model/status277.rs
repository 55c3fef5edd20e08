//! 277CA Health Care Claim Acknowledgment (005010X214): read.

use crate::error::ModelError;
use crate::segment::Segment;
use crate::values::{Date, Money};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAck277 {
    pub control_number: String,
    /// BHT03: the acknowledgment's reference.
    pub reference: String,
    pub source_name: String,
    pub receiver_name: String,
    /// Receiver-level statuses (2200B) and provider-level statuses (2200C).
    pub batch_statuses: Vec<Status>,
    pub claims: Vec<ClaimStatus>,
}

/// One STC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// STC01-1: A1/A2 accepted, A3 returned unprocessable, A6/A7 rejected, A4 not found…
    pub category: String,
    /// STC01-2: claim status code (what is wrong or the state).
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub entity: String,
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// STC10/STC11 additional (category, code) pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Status {
    pub fn is_accepted(&self) -> bool {
        matches!(self.category.as_str(), "A1" | "A2")
    }
}

/// A claim's status (2200D).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimStatus {
    /// TRN02: the CLM01 patient control number of the claim.
    pub patient_control_number: String,
    pub statuses: Vec<Status>,
    /// REF*1K: payer claim control number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub payer_claim_control_number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub clearinghouse_trace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_dates: String,
    /// Line-level statuses (2220D): line item control number and statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<(String, Vec<Status>)>,
}

fn status(s: &Segment<'_>) -> Status {
    let mut additional = Vec::new();
    for n in [10, 11] {
        if !s.el(n).is_empty() {
            additional.push((s.comp_str(n, 1).to_string(), s.comp_str(n, 2).to_string()));
        }
    }
    Status {
        category: s.comp_str(1, 1).into(),
        code: s.comp_str(1, 2).into(),
        entity: s.comp_str(1, 3).into(),
        date: Date::parse(s.el(2)),
        amount: Money::parse(s.el(4)),
        additional,
        message: s.el_str(12).into(),
    }
}

/// Reads one 277CA transaction set.
pub fn parse(segments: &[Segment<'_>]) -> Result<ClaimAck277, ModelError> {
    let mut a = ClaimAck277::default();
    // HL level of the current position: 20, 21, 19, PT.
    let mut level: Vec<u8> = Vec::new();
    let mut in_line = false;
    for (i, s) in segments.iter().enumerate() {
        match s.id() {
            b"ST" => {
                if s.el(1) != b"277" {
                    return Err(ModelError {
                        what: "this transaction set is not a 277".into(),
                        segment_id: "ST".into(),
                        position: i + 1,
                    });
                }
                a.control_number = s.el_str(2).into();
            }
            b"BHT" => a.reference = s.el_str(3).into(),
            b"HL" => {
                level = s.el(3).to_vec();
                in_line = false;
            }
            b"NM1" => match level.as_slice() {
                b"20" => a.source_name = s.el_str(3).into(),
                b"21" => a.receiver_name = s.el_str(3).into(),
                _ => {}
            },
            b"TRN" if level.as_slice() == b"PT" => {
                a.claims.push(ClaimStatus {
                    patient_control_number: s.el_str(2).into(),
                    ..ClaimStatus::default()
                });
                in_line = false;
            }
            b"STC" => {
                let st = status(s);
                if level.as_slice() == b"PT" {
                    if let Some(c) = a.claims.last_mut() {
                        match (in_line, c.lines.last_mut()) {
                            (true, Some(l)) => l.1.push(st),
                            _ => c.statuses.push(st),
                        }
                    }
                } else {
                    a.batch_statuses.push(st);
                }
            }
            b"SVC" => {
                if let Some(c) = a.claims.last_mut() {
                    c.lines.push((String::new(), vec![]));
                    in_line = true;
                }
            }
            b"REF" => {
                if let Some(c) = a.claims.last_mut() {
                    match (in_line, s.el(1)) {
                        (true, b"FJ") => {
                            if let Some(l) = c.lines.last_mut() {
                                l.0 = s.el_str(2).into();
                            }
                        }
                        (false, b"1K") => c.payer_claim_control_number = s.el_str(2).into(),
                        (false, b"D9") => c.clearinghouse_trace = s.el_str(2).into(),
                        _ => {}
                    }
                }
            }
            b"DTP" if level.as_slice() == b"PT" && !in_line => {
                if let Some(c) = a.claims.last_mut() {
                    c.service_dates = s.el_str(3).into();
                }
            }
            _ => {}
        }
    }
    Ok(a)
}
