//! Findings of the validator, each with a precise position and the 999 code it maps to.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Which layer a finding belongs to; decides whether a 999 reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// ISA/IEA, GS/GE, ST/SE (SNIP 1 envelope; IK5/AK9 in the 999).
    Envelope,
    /// Segment and element syntax and implementation-guide rules (SNIP 1-2; IK3/IK4 in the 999).
    Syntax,
    /// Business rules: balancing, totals, NPI check digits, pointers, situational rules (SNIP 3-5).
    /// A 999 does not carry these; payers report them in a 277CA.
    Business,
}

/// The 999 code a finding maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum AckCode {
    /// IK304 segment syntax error code.
    Segment(&'static str),
    /// IK403 element syntax error code.
    Element(&'static str),
    /// IK502 transaction set syntax error code.
    Transaction(&'static str),
    /// AK905 functional group syntax error code.
    Group(&'static str),
    /// Interchange level (TA1105 note code).
    Interchange(&'static str),
    None,
}

/// Where a finding is. Never holds element values (they can be PHI).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// ISA13 of the interchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange: Option<String>,
    /// GS06 of the functional group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// ST02 of the transaction set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<String>,
    /// 1-based segment number in the file.
    pub segment_number: u64,
    /// 1-based position of the segment in its transaction set (ST = 1), as in 999 IK302.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    pub segment_id: String,
    /// Loop of the implementation guide (e.g. 2300), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_id: Option<String>,
    /// Element position (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<usize>,
    /// Component position (1-based) within a composite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<usize>,
    /// Byte offset of the segment in the file.
    pub offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = &self.interchange {
            write!(f, "interchange {i} ")?;
        }
        if let Some(t) = &self.transaction {
            write!(f, "transaction {t} ")?;
        }
        write!(f, "segment #{}", self.segment_number)?;
        if !self.segment_id.is_empty() {
            write!(f, " {}", self.segment_id)?;
        }
        if let Some(e) = self.element {
            write!(f, "{e:02}")?;
            if let Some(c) = self.component {
                write!(f, "-{c}")?;
            }
        }
        if let Some(p) = self.position {
            write!(f, " (position {p} in transaction")?;
            if let Some(l) = &self.loop_id {
                write!(f, ", loop {l}")?;
            }
            write!(f, ")")?;
        } else if let Some(l) = &self.loop_id {
            write!(f, " (loop {l})")?;
        }
        write!(f, " at byte {}", self.offset)
    }
}

/// One problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub level: Level,
    /// Stable machine-readable rule identifier, e.g. `835-CLAIM-BALANCE`.
    pub rule: &'static str,
    pub message: String,
    pub location: Location,
    pub ack: AckCode,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{sev}: {}: {} [{}]",
            self.location, self.message, self.rule
        )
    }
}
