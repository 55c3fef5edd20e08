//! 999 Implementation Acknowledgment (005010X231A1): read, and build/write one for a received file.

use crate::error::{ModelError, WriteError};
use crate::segment::Segment;
use crate::writer::{Element, SegmentWriter};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack999 {
    pub control_number: String,
    /// AK101: functional identifier of the acknowledged group (HC, HP…).
    pub functional_id: String,
    /// AK102: GS06 of the acknowledged group.
    pub group_control: String,
    /// AK103: GS08 of the acknowledged group.
    pub group_version: String,
    pub transactions: Vec<TransactionAck>,
    /// AK901: A accepted, E accepted with errors, P partially accepted, R rejected.
    pub group_status: String,
    pub included: u32,
    pub received: u32,
    pub accepted: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_errors: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionAck {
    /// AK201/AK202/AK203.
    pub set_id: String,
    pub control_number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub implementation: String,
    pub segment_errors: Vec<SegmentError>,
    /// IK501: A, E, R (M, W, X for other cases).
    pub status: String,
    /// IK502-IK506.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// IK3 with its IK4s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentError {
    pub segment_id: String,
    /// Position in the transaction set, ST = 1.
    pub position: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub loop_id: String,
    /// IK304.
    pub code: String,
    pub elements: Vec<ElementError>,
}

/// IK4.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementError {
    pub element: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<usize>,
    /// IK403.
    pub code: String,
}

fn err(what: &str, s: &Segment<'_>, pos: usize) -> ModelError {
    ModelError {
        what: what.to_string(),
        segment_id: s.id_str().to_string(),
        position: pos,
    }
}

/// Reads one 999 transaction set.
pub fn parse(segments: &[Segment<'_>]) -> Result<Ack999, ModelError> {
    let mut a = Ack999::default();
    for (i, s) in segments.iter().enumerate() {
        let pos = i + 1;
        match s.id() {
            b"ST" => {
                if s.el(1) != b"999" {
                    return Err(err("this transaction set is not a 999", s, pos));
                }
                a.control_number = s.el_str(2).into();
            }
            b"AK1" => {
                a.functional_id = s.el_str(1).into();
                a.group_control = s.el_str(2).into();
                a.group_version = s.el_str(3).into();
            }
            b"AK2" => a.transactions.push(TransactionAck {
                set_id: s.el_str(1).into(),
                control_number: s.el_str(2).into(),
                implementation: s.el_str(3).into(),
                ..TransactionAck::default()
            }),
            b"IK3" => {
                let Some(t) = a.transactions.last_mut() else {
                    return Err(err("IK3 appears before AK2", s, pos));
                };
                t.segment_errors.push(SegmentError {
                    segment_id: s.el_str(1).into(),
                    position: s.el_str(2).parse().unwrap_or(0),
                    loop_id: s.el_str(3).into(),
                    code: s.el_str(4).into(),
                    elements: vec![],
                });
            }
            b"IK4" => {
                let Some(se) = a
                    .transactions
                    .last_mut()
                    .and_then(|t| t.segment_errors.last_mut())
                else {
                    return Err(err("IK4 appears before IK3", s, pos));
                };
                let comp = s.comp_str(1, 2);
                se.elements.push(ElementError {
                    element: s.comp_str(1, 1).parse().unwrap_or(0),
                    component: comp.parse().ok(),
                    code: s.el_str(3).into(),
                });
            }
            b"IK5" => {
                let Some(t) = a.transactions.last_mut() else {
                    return Err(err("IK5 appears before AK2", s, pos));
                };
                t.status = s.el_str(1).into();
                t.errors = (2..=6)
                    .map(|n| s.el_str(n))
                    .filter(|v| !v.is_empty())
                    .map(String::from)
                    .collect();
            }
            b"AK9" => {
                a.group_status = s.el_str(1).into();
                a.included = s.el_str(2).parse().unwrap_or(0);
                a.received = s.el_str(3).parse().unwrap_or(0);
                a.accepted = s.el_str(4).parse().unwrap_or(0);
                a.group_errors = (5..=9)
                    .map(|n| s.el_str(n))
                    .filter(|v| !v.is_empty())
                    .map(String::from)
                    .collect();
            }
            _ => {}
        }
    }
    Ok(a)
}

/// Writes the 999 transaction set (ST..SE).
pub fn write(a: &Ack999, w: &mut SegmentWriter) -> Result<(), WriteError> {
    w.simple("ST", &["999", &a.control_number, "005010X231A1"])?;
    w.simple(
        "AK1",
        &[&a.functional_id, &a.group_control, &a.group_version],
    )?;
    for t in &a.transactions {
        w.simple("AK2", &[&t.set_id, &t.control_number, &t.implementation])?;
        for se in &t.segment_errors {
            w.simple(
                "IK3",
                &[
                    &se.segment_id,
                    &se.position.to_string(),
                    &se.loop_id,
                    &se.code,
                ],
            )?;
            for e in &se.elements {
                let el = e.element.to_string();
                let comp = e.component.map(|c| c.to_string()).unwrap_or_default();
                w.segment(
                    "IK4",
                    &[
                        Element::Composite(vec![&el, &comp]),
                        Element::Simple(""),
                        Element::Simple(&e.code),
                    ],
                )?;
            }
        }
        let mut ik5: Vec<&str> = vec![&t.status];
        ik5.extend(t.errors.iter().take(5).map(String::as_str));
        w.simple("IK5", &ik5)?;
    }
    let (inc, rec, acc) = (
        a.included.to_string(),
        a.received.to_string(),
        a.accepted.to_string(),
    );
    let mut ak9: Vec<&str> = vec![&a.group_status, &inc, &rec, &acc];
    ak9.extend(a.group_errors.iter().take(5).map(String::as_str));
    w.simple("AK9", &ak9)?;
    w.se(&a.control_number)
}
