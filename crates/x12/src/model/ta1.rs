//! TA1 Interchange Acknowledgment (X12 envelope, version 00501): read, build and write.
//!
//! A TA1 answers one interchange (ISA/IEA) as a whole: TA101-TA103 repeat the acknowledged
//! ISA13 control number, ISA09 date and ISA10 time; TA104 says A (accepted), E (accepted with
//! errors noted) or R (rejected); TA105 is the interchange note code (000 no error … 031, data
//! element I18 of the 00501 control standard). TA1 segments travel in their own interchange,
//! directly between ISA and IEA, without GS/GE (IEA01 = 0 functional groups).

use crate::delim::Delimiters;
use crate::error::{ModelError, WriteError};
use crate::finding::{AckCode, Finding, Severity};
use crate::reader::SegmentReader;
use crate::segment::Segment;
use crate::values::{Date, is_valid_time};
use crate::writer::{InterchangeHeader, SegmentWriter};
use serde::{Deserialize, Serialize};

/// One TA1 segment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ta1 {
    /// TA101: ISA13 of the acknowledged interchange (nine digits).
    pub control_number: String,
    /// TA102: ISA09 of the acknowledged interchange, YYMMDD.
    pub date: String,
    /// TA103: ISA10 of the acknowledged interchange, HHMM.
    pub time: String,
    /// TA104: A accepted, E accepted with errors noted, R rejected.
    pub ack_code: String,
    /// TA105: interchange note code, 000 (no error) to 031.
    pub note_code: String,
}

/// TA104 codes and what they mean.
pub const ACK_CODES: &[(&str, &str)] = &[
    (
        "A",
        "the transmitted interchange control structure header and trailer have been received and have no errors",
    ),
    (
        "E",
        "the transmitted interchange control structure header and trailer are received and accepted but errors are noted",
    ),
    (
        "R",
        "the transmitted interchange control structure header and trailer are rejected because of errors",
    ),
];

/// TA105 interchange note codes of the 00501 control standard (data element I18).
pub const NOTE_CODES: &[(&str, &str)] = &[
    ("000", "No error"),
    (
        "001",
        "The Interchange Control Number in the Header and Trailer Do Not Match. The Value From the Header is Used in the Acknowledgment.",
    ),
    (
        "002",
        "This Standard as Noted in the Control Standards Identifier is Not Supported.",
    ),
    ("003", "This Version of the Controls is Not Supported"),
    ("004", "The Segment Terminator is Invalid"),
    ("005", "Invalid Interchange ID Qualifier for Sender"),
    ("006", "Invalid Interchange Sender ID"),
    ("007", "Invalid Interchange ID Qualifier for Receiver"),
    ("008", "Invalid Interchange Receiver ID"),
    ("009", "Unknown Interchange Receiver ID"),
    ("010", "Invalid Authorization Information Qualifier Value"),
    ("011", "Invalid Authorization Information Value"),
    ("012", "Invalid Security Information Qualifier Value"),
    ("013", "Invalid Security Information Value"),
    ("014", "Invalid Interchange Date Value"),
    ("015", "Invalid Interchange Time Value"),
    ("016", "Invalid Interchange Standards Identifier Value"),
    ("017", "Invalid Interchange Version ID Value"),
    ("018", "Invalid Interchange Control Number Value"),
    ("019", "Invalid Acknowledgment Requested Value"),
    ("020", "Invalid Test Indicator Value"),
    ("021", "Invalid Number of Included Groups Value"),
    ("022", "Invalid Control Structure"),
    ("023", "Improper (Premature) End-of-File (Transmission)"),
    (
        "024",
        "Invalid Interchange Content (e.g., Invalid GS Segment)",
    ),
    ("025", "Duplicate Interchange Control Number"),
    ("026", "Invalid Data Element Separator"),
    ("027", "Invalid Component Element Separator"),
    ("028", "Invalid Delivery Date in Deferred Delivery Request"),
    ("029", "Invalid Delivery Time in Deferred Delivery Request"),
    (
        "030",
        "Invalid Delivery Time Code in Deferred Delivery Request",
    ),
    ("031", "Invalid Grade of Service Code"),
];

/// What a TA105 note code means (`None` for codes outside 000-031).
pub fn note_meaning(code: &str) -> Option<&'static str> {
    NOTE_CODES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// What a TA104 code means.
pub fn ack_meaning(code: &str) -> Option<&'static str> {
    ACK_CODES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

impl Ta1 {
    /// Checks every element against the control standard; the first problem, naming the element.
    pub fn check(&self) -> Result<(), (usize, &'static str)> {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&self.control_number, 9) {
            return Err((1, "TA101 must be the nine-digit ISA13 control number"));
        }
        if !digits(&self.date, 6) || Date::parse(self.date.as_bytes()).is_none() {
            return Err((2, "TA102 must be the ISA09 date, YYMMDD"));
        }
        if self.time.len() != 4 || !is_valid_time(self.time.as_bytes()) {
            return Err((3, "TA103 must be the ISA10 time, HHMM"));
        }
        if ack_meaning(&self.ack_code).is_none() {
            return Err((4, "TA104 must be A, E or R"));
        }
        if note_meaning(&self.note_code).is_none() {
            return Err((5, "TA105 must be an interchange note code from 000 to 031"));
        }
        Ok(())
    }

    /// The acknowledgment for the interchange that starts with `isa`, from the findings of its
    /// validation: R with the first interchange-level error's note code, E when only warnings
    /// carry a note code, A with 000 otherwise. Findings of other interchanges are ignored.
    pub fn for_interchange(isa: &Segment<'_>, findings: &[Finding]) -> Ta1 {
        let control = isa.el_str(13).trim().to_string();
        let mut error = None;
        let mut warning = None;
        for f in findings {
            let AckCode::Interchange(code) = f.ack else {
                continue;
            };
            if f.location
                .interchange
                .as_deref()
                .is_some_and(|i| i != control)
            {
                continue;
            }
            let slot = match f.severity {
                Severity::Error => &mut error,
                Severity::Warning => &mut warning,
            };
            if slot.is_none() && note_meaning(code).is_some() {
                *slot = Some(code);
            }
        }
        let (ack, note) = match (error, warning) {
            (Some(c), _) => ("R", c),
            (None, Some(c)) => ("E", c),
            (None, None) => ("A", "000"),
        };
        Ta1 {
            control_number: control,
            date: isa.el_str(9).to_string(),
            time: isa.el_str(10).to_string(),
            ack_code: ack.into(),
            note_code: note.into(),
        }
    }
}

/// Reads one TA1 segment (`position` is reported in errors: the segment's number in the file).
pub fn parse_segment(s: &Segment<'_>, position: usize) -> Result<Ta1, ModelError> {
    let err = |what: &str| ModelError {
        what: what.to_string(),
        segment_id: s.id_str().to_string(),
        position,
    };
    if !s.is(b"TA1") {
        return Err(err("this segment is not a TA1"));
    }
    let t = Ta1 {
        control_number: s.el_str(1).to_string(),
        date: s.el_str(2).to_string(),
        time: s.el_str(3).to_string(),
        ack_code: s.el_str(4).to_string(),
        note_code: s.el_str(5).to_string(),
    };
    t.check().map_err(|(_, what)| err(what))?;
    Ok(t)
}

/// Reads every TA1 of a file (one or more interchanges; TA1s may also precede GS in an
/// interchange that carries functional groups). Errors name the segment number, never values.
pub fn read(input: &[u8]) -> Result<Vec<Ta1>, ModelError> {
    let mut out = Vec::new();
    for item in SegmentReader::new(input) {
        let s = item.map_err(|e| ModelError {
            what: e.to_string(),
            segment_id: String::new(),
            position: 0,
        })?;
        if s.is(b"TA1") {
            out.push(parse_segment(
                &s,
                usize::try_from(s.index).unwrap_or(usize::MAX),
            )?);
        }
    }
    Ok(out)
}

/// Writes one TA1 segment, refusing values the control standard does not allow.
pub fn write(t: &Ta1, w: &mut SegmentWriter) -> Result<(), WriteError> {
    t.check()
        .map_err(|(element, reason)| WriteError::BadValue {
            segment: "TA1".into(),
            element,
            reason: reason.into(),
        })?;
    w.begin("TA1")
        .el(&t.control_number)
        .el(&t.date)
        .el(&t.time)
        .el(&t.ack_code)
        .el(&t.note_code)
        .end()
}

/// A whole interchange carrying TA1 segments only: ISA, the TA1s, IEA with no functional groups.
pub fn write_interchange(
    delims: Delimiters,
    isa: &InterchangeHeader,
    acks: &[Ta1],
) -> Result<Vec<u8>, WriteError> {
    let mut w = SegmentWriter::new(delims);
    w.isa(isa)?;
    for t in acks {
        write(t, &mut w)?;
    }
    let mut control = crate::values::NumBuf::new();
    control.push_u64(u64::from(isa.control_number), 9);
    w.begin("IEA").el("0").el(control.as_str()).end()?;
    Ok(w.into_bytes())
}
