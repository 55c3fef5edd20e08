//! Writing segments: refuses data that contains a delimiter, trims trailing empty elements,
//! counts segments for SE01 and builds ISA/GS/ST envelopes.

use crate::delim::Delimiters;
use crate::error::WriteError;
use crate::values::{Date, DatePeriod, Decimal, Money, NumBuf};

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
    /// Bytes refused in element data: delimiters and anything outside 0x20..=0x7E.
    bad: [bool; 256],
    /// No delimiter is a digit, '.' or '-': numbers and dates we format ourselves (only those
    /// bytes) need no check.
    plain_numbers: bool,
}

fn plain_numbers(bad: &[bool; 256]) -> bool {
    !b"0123456789.-".iter().any(|&b| bad[usize::from(b)])
}

fn bad_table(d: Delimiters) -> [bool; 256] {
    let mut t = [false; 256];
    for (b, slot) in t.iter_mut().enumerate() {
        *slot = !(0x20..=0x7e).contains(&b);
    }
    for b in [
        d.element,
        d.component,
        d.segment,
        d.repetition.unwrap_or(d.element),
    ] {
        t[usize::from(b)] = true;
    }
    t
}

impl SegmentWriter {
    pub fn new(delims: Delimiters) -> Self {
        SegmentWriter {
            out: Vec::with_capacity(4096),
            delims,
            newline: false,
            tx_segments: 0,
            bad: bad_table(delims),
            plain_numbers: plain_numbers(&bad_table(delims)),
        }
    }

    /// A writer whose output goes into `buf` (emptied first), so a caller writing file after file
    /// reuses one allocation instead of growing a new buffer each time.
    pub fn with_buffer(delims: Delimiters, mut buf: Vec<u8>) -> Self {
        buf.clear();
        let mut w = SegmentWriter::new(delims);
        w.out = buf;
        w
    }

    /// Reserves room for about `bytes` more bytes of output (an interchange's expected size).
    pub fn reserve(&mut self, bytes: usize) {
        self.out.reserve(bytes);
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
        self.check_bytes(id, n, s.as_bytes())
    }

    /// Refuses delimiters, control characters and bytes outside the X12 character set. One table
    /// lookup per byte; the slow path names the problem.
    #[inline]
    fn check_bytes(&self, id: &str, n: usize, s: &[u8]) -> Result<(), WriteError> {
        let bad = &self.bad;
        if !s.iter().any(|&b| bad[usize::from(b)]) {
            return Ok(());
        }
        self.refuse(id, n, s)
    }

    #[cold]
    #[inline(never)]
    fn refuse(&self, id: &str, n: usize, s: &[u8]) -> Result<(), WriteError> {
        if let Some(&b) = s.iter().find(|&&b| self.delims.is_delimiter(b)) {
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
        if s.iter().any(|&b| !crate::values::is_x12_char(b)) {
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

    /// Starts a segment written element by element without building `Element`s or formatting
    /// through `fmt` (the fast path of the typed writers). Same rules as [`SegmentWriter::segment`]:
    /// values are checked, trailing empty elements and components are dropped, and a refused
    /// segment leaves no partial output ([`SegmentBuilder::end`] returns the first problem).
    #[inline]
    pub fn begin<'w>(&'w mut self, id: &'w str) -> SegmentBuilder<'w> {
        let start = self.out.len();
        let err = if !(2..=3).contains(&id.len())
            || !id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Some(WriteError::BadSegmentId(id.to_string()))
        } else {
            self.out.extend_from_slice(id.as_bytes());
            None
        };
        let keep = self.out.len();
        SegmentBuilder {
            w: self,
            id,
            start,
            keep,
            n: 0,
            comp_start: None,
            comp_keep: 0,
            comp_count: 0,
            err,
        }
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
        let n = (self.tx_segments + 1) as u64;
        self.begin("SE").uint(n).el(st_control).end()
    }
}

/// A value the segment builder writes as is (after checking it): text or a model code.
pub trait Value {
    fn value_bytes(&self) -> &[u8];
}
impl Value for str {
    #[inline]
    fn value_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl Value for [u8] {
    #[inline]
    fn value_bytes(&self) -> &[u8] {
        self
    }
}
impl Value for String {
    #[inline]
    fn value_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl Value for crate::values::Code {
    #[inline]
    fn value_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// One segment being written by [`SegmentWriter::begin`]. Element values go straight into the
/// output; the first refused value is remembered and [`SegmentBuilder::end`] removes the
/// segment's bytes and returns it.
pub struct SegmentBuilder<'w> {
    w: &'w mut SegmentWriter,
    id: &'w str,
    /// Output length before the segment.
    start: usize,
    /// Output length after the last non-empty element (trailing empties are cut back to it).
    keep: usize,
    /// Number of the element being written (1-based).
    n: usize,
    /// Output length after the separator of the composite being written.
    comp_start: Option<usize>,
    /// Output length after the composite's last non-empty component.
    comp_keep: usize,
    /// Components written in the current composite.
    comp_count: usize,
    err: Option<WriteError>,
}

impl SegmentBuilder<'_> {
    /// Checks the bytes written for the current element (from `from`) and records a refusal.
    #[inline]
    fn checked(&mut self, from: usize) {
        if self.err.is_some() {
            return;
        }
        let out = &self.w.out[from..];
        // Everything the writer produces is ASCII, so the bytes are valid text.
        let text = std::str::from_utf8(out).unwrap_or("\u{0}");
        if let Err(e) = self.w.check(self.id, self.n, text) {
            self.err = Some(e);
        }
    }

    #[inline]
    fn open_element(&mut self) -> usize {
        self.close_composite();
        self.n += 1;
        self.w.out.push(self.w.delims.element);
        self.w.out.len()
    }

    #[inline]
    fn close_element(&mut self, from: usize) {
        if self.w.out.len() > from {
            self.keep = self.w.out.len();
        }
    }

    /// A simple element (`&str`, `&String` or a model [`crate::Code`]).
    #[inline]
    pub fn el<V: Value + ?Sized>(&mut self, v: &V) -> &mut Self {
        if self.err.is_none() {
            let v = v.value_bytes();
            let from = self.open_element();
            if let Err(e) = self.w.check_bytes(self.id, self.n, v) {
                self.err = Some(e);
                return self;
            }
            self.w.out.extend_from_slice(v);
            self.close_element(from);
        }
        self
    }

    #[inline]
    fn formatted(&mut self, b: &NumBuf) -> &mut Self {
        if self.err.is_none() {
            let from = self.open_element();
            self.w.out.extend_from_slice(b.as_bytes());
            if !self.w.plain_numbers {
                self.checked(from);
            }
            self.close_element(from);
        }
        self
    }

    /// An amount in its X12 form ("43", "79.04").
    #[inline]
    pub fn money(&mut self, m: Money) -> &mut Self {
        let mut b = NumBuf::new();
        m.format_into(&mut b);
        self.formatted(&b)
    }

    /// An amount, or an empty element.
    #[inline]
    pub fn opt_money(&mut self, m: Option<Money>) -> &mut Self {
        match m {
            Some(m) => self.money(m),
            None => self.el(""),
        }
    }

    /// A decimal number in its X12 form.
    #[inline]
    pub fn decimal(&mut self, d: Decimal) -> &mut Self {
        let mut b = NumBuf::new();
        if d.format_into(&mut b) {
            self.formatted(&b)
        } else {
            let s = d.to_string();
            self.el(&s)
        }
    }

    /// A CCYYMMDD date, or an empty element.
    #[inline]
    pub fn date(&mut self, d: Option<Date>) -> &mut Self {
        match d {
            Some(d) => {
                let mut b = NumBuf::new();
                d.format_into(&mut b);
                self.formatted(&b)
            }
            None => self.el(""),
        }
    }

    /// A D8 or RD8 period value.
    #[inline]
    pub fn period(&mut self, p: &DatePeriod) -> &mut Self {
        let mut b = NumBuf::new();
        p.format_into(&mut b);
        self.formatted(&b)
    }

    /// An unsigned integer.
    #[inline]
    pub fn uint(&mut self, v: u64) -> &mut Self {
        let mut b = NumBuf::new();
        b.push_u64(v, 1);
        self.formatted(&b)
    }

    /// Starts a composite element; add components with [`SegmentBuilder::comp`].
    #[inline]
    pub fn composite(&mut self) -> &mut Self {
        if self.err.is_none() {
            let from = self.open_element();
            self.comp_start = Some(from);
            self.comp_keep = from;
            self.comp_count = 0;
        }
        self
    }

    /// A component of the composite being written.
    #[inline]
    pub fn comp<V: Value + ?Sized>(&mut self, v: &V) -> &mut Self {
        self.comp_bytes(v.value_bytes());
        self
    }

    #[inline]
    fn comp_bytes(&mut self, v: &[u8]) {
        if self.err.is_some() {
            return;
        }
        if self.comp_start.is_none() {
            // Not inside a composite: a one-component composite is a simple element.
            let from = self.open_element();
            self.comp_start = Some(from);
            self.comp_keep = from;
            self.comp_count = 0;
        }
        if let Err(e) = self.w.check_bytes(self.id, self.n, v) {
            self.err = Some(e);
            return;
        }
        if self.comp_count > 0 {
            self.w.out.push(self.w.delims.component);
        }
        self.comp_count += 1;
        self.w.out.extend_from_slice(v);
        if !v.is_empty() {
            self.comp_keep = self.w.out.len();
        }
    }

    /// An unsigned integer component.
    #[inline]
    pub fn comp_uint(&mut self, v: u64) -> &mut Self {
        let mut b = NumBuf::new();
        b.push_u64(v, 1);
        self.comp_bytes(b.as_bytes());
        self
    }

    /// An amount component, or an empty one.
    #[inline]
    pub fn comp_opt_money(&mut self, m: Option<Money>) -> &mut Self {
        let mut b = NumBuf::new();
        if let Some(m) = m {
            m.format_into(&mut b);
        }
        self.comp_bytes(b.as_bytes());
        self
    }

    #[inline]
    fn close_composite(&mut self) {
        if let Some(from) = self.comp_start.take() {
            // Trailing empty components are dropped.
            self.w.out.truncate(self.comp_keep);
            self.close_element(from);
        }
    }

    /// Finishes the segment: trailing empty elements are dropped and the terminator written.
    #[inline]
    pub fn end(&mut self) -> Result<(), WriteError> {
        self.close_composite();
        if let Some(e) = self.err.take() {
            self.w.out.truncate(self.start);
            return Err(e);
        }
        self.w.out.truncate(self.keep);
        self.w.out.push(self.w.delims.segment);
        if self.w.newline {
            self.w.out.push(b'\n');
        }
        if self.id == "ST" {
            self.w.tx_segments = 1;
        } else {
            self.w.tx_segments += 1;
        }
        Ok(())
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
