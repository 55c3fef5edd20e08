//! Writing segments: refuses data that contains a delimiter, trims trailing empty elements,
//! counts segments for SE01 and builds ISA/GS/ST envelopes.

use crate::delim::Delimiters;
use crate::error::WriteError;

/// One element to write: simple, composite (components) or repeated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Element<'a> {
    Simple(&'a str),
    Composite(Vec<&'a str>),
    Repeated(Vec<Vec<&'a str>>),
}

impl<'a> From<&'a str> for Element<'a> {
    fn from(s: &'a str) -> Self {
        Element::Simple(s)
    }
}
impl<'a> From<&'a String> for Element<'a> {
    fn from(s: &'a String) -> Self {
        Element::Simple(s.as_str())
    }
}

/// Writes segments into a byte buffer with the given delimiters.
pub struct SegmentWriter {
    out: Vec<u8>,
    delims: Delimiters,
    /// Line break after each terminator (readability; receivers tolerate it).
    newline: bool,
    /// Segments written since the last ST (for SE01).
    tx_segments: usize,
}

impl SegmentWriter {
    pub fn new(delims: Delimiters) -> Self {
        SegmentWriter {
            out: Vec::with_capacity(4096),
            delims,
            newline: false,
            tx_segments: 0,
        }
    }

    pub fn with_newlines(mut self, yes: bool) -> Self {
        self.newline = yes;
        self
    }

    pub fn delimiters(&self) -> Delimiters {
        self.delims
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.out
    }

    /// Takes the bytes written so far (for streaming output), keeping counters.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Segments written since the last ST, ST included.
    pub fn transaction_segment_count(&self) -> usize {
        self.tx_segments
    }

    #[inline]
    fn check(&self, id: &str, n: usize, s: &str) -> Result<(), WriteError> {
        // Branch-free over the bytes so the compiler vectorizes it; the slow path names the problem.
        let d = self.delims;
        let (e, c, t, r) = (
            d.element,
            d.component,
            d.segment,
            d.repetition.unwrap_or(d.element),
        );
        let bad = s.bytes().fold(0u8, |acc, b| {
            acc | u8::from(b < 0x20)
                | u8::from(b > 0x7e)
                | u8::from(b == e)
                | u8::from(b == c)
                | u8::from(b == t)
                | u8::from(b == r)
        });
        if bad == 0 {
            return Ok(());
        }
        if let Some(b) = s.bytes().find(|&b| self.delims.is_delimiter(b)) {
            let which = if b == self.delims.element {
                "element separator"
            } else if b == self.delims.component {
                "component separator"
            } else if b == self.delims.segment {
                "segment terminator"
            } else {
                "repetition separator"
            };
            return Err(WriteError::DelimiterInData {
                segment: id.to_string(),
                element: n,
                which,
            });
        }
        if s.bytes().any(|b| !crate::values::is_x12_char(b)) {
            return Err(WriteError::BadValue {
                segment: id.to_string(),
                element: n,
                reason: "contains a control character or a character outside the X12 character set"
                    .into(),
            });
        }
        Ok(())
    }

    /// Writes one segment. Trailing empty elements and components are dropped, as the standard requires.
    pub fn segment(&mut self, id: &str, elements: &[Element<'_>]) -> Result<(), WriteError> {
        if !(2..=3).contains(&id.len())
            || !id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(WriteError::BadSegmentId(id.to_string()));
        }
        // Validate everything before writing a byte so a refused segment leaves no partial output.
        for (i, e) in elements.iter().enumerate() {
            match e {
                Element::Simple(s) => self.check(id, i + 1, s)?,
                Element::Composite(c) => c.iter().try_for_each(|s| self.check(id, i + 1, s))?,
                Element::Repeated(r) => {
                    if r.len() > 1 && self.delims.repetition.is_none() {
                        return Err(WriteError::BadValue {
                            segment: id.to_string(),
                            element: i + 1,
                            reason: "repeats but the interchange has no repetition separator"
                                .into(),
                        });
                    }
                    r.iter()
                        .flatten()
                        .try_for_each(|s| self.check(id, i + 1, s))?
                }
            }
        }
        let last = elements
            .iter()
            .rposition(|e| !is_empty(e))
            .map_or(0, |p| p + 1);
        self.out.extend_from_slice(id.as_bytes());
        for e in &elements[..last] {
            self.out.push(self.delims.element);
            match e {
                Element::Simple(s) => self.out.extend_from_slice(s.as_bytes()),
                Element::Composite(c) => self.write_components(c),
                Element::Repeated(r) => {
                    for (k, c) in r.iter().enumerate() {
                        if k > 0
                            && let Some(rep) = self.delims.repetition
                        {
                            self.out.push(rep);
                        }
                        self.write_components(c);
                    }
                }
            }
        }
        self.out.push(self.delims.segment);
        if self.newline {
            self.out.push(b'\n');
        }
        if id == "ST" {
            self.tx_segments = 1;
        } else {
            self.tx_segments += 1;
        }
        Ok(())
    }

    fn write_components(&mut self, c: &[&str]) {
        let last = c.iter().rposition(|s| !s.is_empty()).map_or(0, |p| p + 1);
        for (k, s) in c[..last].iter().enumerate() {
            if k > 0 {
                self.out.push(self.delims.component);
            }
            self.out.extend_from_slice(s.as_bytes());
        }
    }

    /// Shorthand for a segment of simple elements.
    pub fn simple(&mut self, id: &str, elements: &[&str]) -> Result<(), WriteError> {
        // The common case, written without building `Element`s.
        if !(2..=3).contains(&id.len())
            || !id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(WriteError::BadSegmentId(id.to_string()));
        }
        for (i, e) in elements.iter().enumerate() {
            self.check(id, i + 1, e)?;
        }
        let last = elements
            .iter()
            .rposition(|e| !e.is_empty())
            .map_or(0, |p| p + 1);
        self.out.extend_from_slice(id.as_bytes());
        for e in &elements[..last] {
            self.out.push(self.delims.element);
            self.out.extend_from_slice(e.as_bytes());
        }
        self.out.push(self.delims.segment);
        if self.newline {
            self.out.push(b'\n');
        }
        if id == "ST" {
            self.tx_segments = 1;
        } else {
            self.tx_segments += 1;
        }
        Ok(())
    }

    /// Writes an ISA with fixed-width fields (padded), using this writer's delimiters.
    pub fn isa(&mut self, h: &InterchangeHeader) -> Result<(), WriteError> {
        let pad = |s: &str, n: usize| -> Result<String, WriteError> {
            if s.len() > n {
                return Err(WriteError::BadValue {
                    segment: "ISA".into(),
                    element: 0,
                    reason: format!("a value is longer than its {n}-character field"),
                });
            }
            Ok(format!("{s:<n$}"))
        };
        if h.control_number > 999_999_999 {
            return Err(WriteError::BadValue {
                segment: "ISA".into(),
                element: 13,
                reason: "the interchange control number has more than 9 digits".into(),
            });
        }
        let rep = self
            .delims
            .repetition
            .map(|b| (b as char).to_string())
            .unwrap_or_else(|| "U".to_string());
        let fields = [
            "00".to_string(),
            " ".repeat(10),
            "00".to_string(),
            " ".repeat(10),
            pad(&h.sender_qualifier, 2)?,
            pad(&h.sender_id, 15)?,
            pad(&h.receiver_qualifier, 2)?,
            pad(&h.receiver_id, 15)?,
            pad(&h.date_yymmdd, 6)?,
            pad(&h.time_hhmm, 4)?,
            rep,
            "00501".to_string(),
            format!("{:09}", h.control_number),
            if h.ack_requested { "1" } else { "0" }.to_string(),
            if h.production { "P" } else { "T" }.to_string(),
        ];
        for (i, f) in fields.iter().enumerate() {
            // ISA11 legitimately holds the repetition separator.
            if i != 10 {
                self.check("ISA", i + 1, f)?;
            }
        }
        self.out.extend_from_slice(b"ISA");
        for f in &fields {
            self.out.push(self.delims.element);
            self.out.extend_from_slice(f.as_bytes());
        }
        self.out.push(self.delims.element);
        self.out.push(self.delims.component);
        self.out.push(self.delims.segment);
        if self.newline {
            self.out.push(b'\n');
        }
        Ok(())
    }

    /// Writes SE with the count of segments since ST.
    pub fn se(&mut self, st_control: &str) -> Result<(), WriteError> {
        let n = (self.tx_segments + 1).to_string();
        self.simple("SE", &[&n, st_control])
    }
}

fn is_empty(e: &Element<'_>) -> bool {
    match e {
        Element::Simple(s) => s.is_empty(),
        Element::Composite(c) => c.iter().all(|s| s.is_empty()),
        Element::Repeated(r) => r.iter().flatten().all(|s| s.is_empty()),
    }
}

/// What an ISA carries, for writing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InterchangeHeader {
    pub sender_qualifier: String,
    pub sender_id: String,
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// ISA09, YYMMDD.
    pub date_yymmdd: String,
    /// ISA10, HHMM.
    pub time_hhmm: String,
    pub control_number: u32,
    pub ack_requested: bool,
    pub production: bool,
}

/// What a GS carries, for writing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupHeader {
    /// GS01: HC claims, HP remittance, FA acknowledgement, HN claim status.
    pub functional_id: String,
    pub sender_code: String,
    pub receiver_code: String,
    /// GS04, CCYYMMDD.
    pub date: String,
    /// GS05, HHMM.
    pub time: String,
    pub control_number: u32,
    /// GS08, e.g. 005010X222A1.
    pub version: String,
}

/// Writes a whole interchange of one functional group: ISA, GS, the transactions written by
/// `body` (each must call `st`/`se` itself through the writer), GE, IEA.
pub fn write_interchange(
    delims: Delimiters,
    isa: &InterchangeHeader,
    gs: &GroupHeader,
    transactions: usize,
    body: impl FnOnce(&mut SegmentWriter) -> Result<(), WriteError>,
) -> Result<Vec<u8>, WriteError> {
    let mut w = SegmentWriter::new(delims);
    w.isa(isa)?;
    let gsn = gs.control_number.to_string();
    w.simple(
        "GS",
        &[
            &gs.functional_id,
            &gs.sender_code,
            &gs.receiver_code,
            &gs.date,
            &gs.time,
            &gsn,
            "X",
            &gs.version,
        ],
    )?;
    body(&mut w)?;
    w.simple("GE", &[&transactions.to_string(), &gsn])?;
    w.simple("IEA", &["1", &format!("{:09}", isa.control_number)])?;
    Ok(w.into_bytes())
}
