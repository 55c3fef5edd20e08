//! The CMS HCPCS contractor record (the "alpha-numeric file"): 320 characters per
//! record, field positions as in the CMS record layout (`HCPCyyyy_recordlayout.txt`).
//!
//! Both readers (the fixed-width text and its Excel twin) hand each record to
//! [`interpret`] through [`RecordSource`], and the records in file order to
//! [`Assembler`], so the rules (what a valid record is, how continuation lines join,
//! which rows are CPT and dropped) live in one place. Errors come back as a
//! [`FieldError`] naming the field; each reader turns it into a positioned
//! [`crate::CodesError`] (line and column, or sheet, row and column name).

use std::borrow::Cow;
use std::collections::HashMap;

use jiff::civil::Date;

use super::cpt::{CptKind, cpt_shape};
use super::{ActionCode, CoverageCode, HcpcsCode, HcpcsCounts, Modifier, is_level_ii_shape};

/// One field of the record: its CMS name (as the Excel twin spells its column
/// header) and its 1-based inclusive column range in the fixed-width text.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub start: usize,
    pub end: usize,
}

impl FieldDef {
    const fn new(name: &'static str, start: usize, end: usize) -> FieldDef {
        FieldDef { name, start, end }
    }

    /// "ADD DT (columns 269-276)": how error messages name a fixed-width field.
    pub fn describe(&self) -> String {
        if self.start == self.end {
            format!("{} (column {})", self.name, self.start)
        } else {
            format!("{} (columns {}-{})", self.name, self.start, self.end)
        }
    }
}

pub const HCPC: FieldDef = FieldDef::new("HCPC", 1, 5);
pub const SEQNUM: FieldDef = FieldDef::new("SEQNUM", 6, 10);
pub const RECID: FieldDef = FieldDef::new("RECID", 11, 11);
pub const LONG_DESCRIPTION: FieldDef = FieldDef::new("LONG DESCRIPTION", 12, 91);
pub const SHORT_DESCRIPTION: FieldDef = FieldDef::new("SHORT DESCRIPTION", 92, 119);
pub const PRICE: [FieldDef; 4] = [
    FieldDef::new("PRICE1", 120, 121),
    FieldDef::new("PRICE2", 122, 123),
    FieldDef::new("PRICE3", 124, 125),
    FieldDef::new("PRICE4", 126, 127),
];
pub const MULT_PI: FieldDef = FieldDef::new("MULT_PI", 128, 128);
pub const CIM: [FieldDef; 3] = [
    FieldDef::new("CIM1", 129, 134),
    FieldDef::new("CIM2", 135, 140),
    FieldDef::new("CIM3", 141, 146),
];
pub const MCM: [FieldDef; 3] = [
    FieldDef::new("MCM1", 147, 154),
    FieldDef::new("MCM2", 155, 162),
    FieldDef::new("MCM3", 163, 170),
];
pub const STATUTE: FieldDef = FieldDef::new("STATUTE", 171, 180);
pub const LABCERT: [FieldDef; 8] = [
    FieldDef::new("LABCERT1", 181, 183),
    FieldDef::new("LABCERT2", 184, 186),
    FieldDef::new("LABCERT3", 187, 189),
    FieldDef::new("LABCERT4", 190, 192),
    FieldDef::new("LABCERT5", 193, 195),
    FieldDef::new("LABCERT6", 196, 198),
    FieldDef::new("LABCERT7", 199, 201),
    FieldDef::new("LABCERT8", 202, 204),
];
pub const XREF: [FieldDef; 5] = [
    FieldDef::new("XREF1", 205, 209),
    FieldDef::new("XREF2", 210, 214),
    FieldDef::new("XREF3", 215, 219),
    FieldDef::new("XREF4", 220, 224),
    FieldDef::new("XREF5", 225, 229),
];
pub const COV: FieldDef = FieldDef::new("COV", 230, 230);
pub const ASC_GRP: FieldDef = FieldDef::new("ASC_GRP", 231, 232);
pub const ASC_DT: FieldDef = FieldDef::new("ASC_DT", 233, 240);
pub const OPPS: FieldDef = FieldDef::new("OPPS", 241, 243);
pub const OPPS_PI: FieldDef = FieldDef::new("OPPS_PI", 244, 244);
pub const OPPS_DT: FieldDef = FieldDef::new("OPPS_DT", 245, 252);
pub const PROCNOTE: FieldDef = FieldDef::new("PROCNOTE", 253, 256);
pub const BETOS: FieldDef = FieldDef::new("BETOS", 257, 259);
pub const TOS: [FieldDef; 5] = [
    FieldDef::new("TOS1", 261, 261),
    FieldDef::new("TOS2", 262, 262),
    FieldDef::new("TOS3", 263, 263),
    FieldDef::new("TOS4", 264, 264),
    FieldDef::new("TOS5", 265, 265),
];
pub const ANEST_BU: FieldDef = FieldDef::new("ANEST_BU", 266, 268);
pub const ADD_DT: FieldDef = FieldDef::new("ADD DT", 269, 276);
pub const ACT_EFF_DT: FieldDef = FieldDef::new("ACT EFF DT", 277, 284);
pub const TERM_DT: FieldDef = FieldDef::new("TERM DT", 285, 292);
pub const ACTION_CD: FieldDef = FieldDef::new("ACTION CD", 293, 293);

/// Full record length, and the last column a first-line record must reach
/// (ACTION CD); columns 294-320 are filler.
pub const RECORD_LEN: usize = 320;
pub const FIRST_LINE_MIN_LEN: usize = 293;

/// The fields in record order, for error messages about truncated lines.
pub fn all_fields() -> Vec<&'static FieldDef> {
    let mut v: Vec<&'static FieldDef> = vec![
        &HCPC,
        &SEQNUM,
        &RECID,
        &LONG_DESCRIPTION,
        &SHORT_DESCRIPTION,
    ];
    v.extend(PRICE.iter());
    v.push(&MULT_PI);
    v.extend(CIM.iter());
    v.extend(MCM.iter());
    v.push(&STATUTE);
    v.extend(LABCERT.iter());
    v.extend(XREF.iter());
    v.extend([
        &COV, &ASC_GRP, &ASC_DT, &OPPS, &OPPS_PI, &OPPS_DT, &PROCNOTE, &BETOS,
    ]);
    v.extend(TOS.iter());
    v.extend([&ANEST_BU, &ADD_DT, &ACT_EFF_DT, &TERM_DT, &ACTION_CD]);
    v
}

/// The columns the Excel twin must have (by header name): without them a record
/// cannot be read. The others are read when present.
pub const REQUIRED_COLUMNS: [&FieldDef; 10] = [
    &HCPC,
    &SEQNUM,
    &RECID,
    &LONG_DESCRIPTION,
    &SHORT_DESCRIPTION,
    &COV,
    &ACTION_CD,
    &ADD_DT,
    &ACT_EFF_DT,
    &TERM_DT,
];

/// A problem with one field of one record.
#[derive(Debug)]
pub struct FieldError {
    pub field: &'static FieldDef,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static FieldDef, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Where a reader's record gets its field text from.
pub trait RecordSource {
    /// The raw text of a field (untrimmed; empty when absent).
    fn field(&self, field: &FieldDef) -> Cow<'_, str>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordId {
    /// 3: first line of a procedure record, carries the detail fields.
    ProcedureFirst,
    /// 4: continuation of the procedure's long description.
    ProcedureContinuation,
    /// 7: first line of a modifier record.
    ModifierFirst,
    /// 8: continuation of the modifier's long description.
    ModifierContinuation,
}

impl RecordId {
    pub fn parse(c: char) -> Option<RecordId> {
        Some(match c {
            '3' => RecordId::ProcedureFirst,
            '4' => RecordId::ProcedureContinuation,
            '7' => RecordId::ModifierFirst,
            '8' => RecordId::ModifierContinuation,
            _ => return None,
        })
    }
    fn is_modifier(self) -> bool {
        matches!(
            self,
            RecordId::ModifierFirst | RecordId::ModifierContinuation
        )
    }
    fn is_first(self) -> bool {
        matches!(self, RecordId::ProcedureFirst | RecordId::ModifierFirst)
    }
}

/// The detail fields of a first-line record.
#[derive(Debug)]
pub struct Detail {
    short_description: String,
    pricing_indicators: Vec<String>,
    multiple_pricing_indicator: Option<char>,
    coverage: CoverageCode,
    asc_group: Option<String>,
    asc_effective: Option<Date>,
    processing_note: Option<String>,
    betos: Option<String>,
    types_of_service: Vec<char>,
    cross_references: Vec<String>,
    action: ActionCode,
    added: Date,
    action_effective: Option<Date>,
    terminated: Option<Date>,
}

/// One record, its fields checked.
#[derive(Debug)]
pub struct Record {
    pub id: RecordId,
    pub code: String,
    pub sequence: u32,
    pub long_description: String,
    pub detail: Option<Detail>,
}

/// Reads and checks every field of a record.
pub fn interpret(src: &impl RecordSource) -> Result<Record, FieldError> {
    let recid = src.field(&RECID);
    let recid = recid.trim();
    let mut chars = recid.chars();
    let id = match (chars.next(), chars.next()) {
        (Some(c), None) => RecordId::parse(c),
        _ => None,
    }
    .ok_or_else(|| {
        FieldError::new(
            &RECID,
            format!(
                "unknown record type \"{recid}\": expected 3 (procedure), 4 (procedure continuation), 7 (modifier) or 8 (modifier continuation)"
            ),
        )
    })?;
    let raw_code = src.field(&HCPC);
    let code = raw_code.trim();
    if id.is_modifier() {
        let ok = code.len() == 2
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            return Err(FieldError::new(
                &HCPC,
                format!(
                    "\"{raw_code}\" is not a modifier: two letters or digits expected (in columns 4-5)"
                ),
            ));
        }
    } else if code.len() != 5
        || !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(FieldError::new(
            &HCPC,
            format!("\"{raw_code}\" is not a procedure code: 5 capital letters or digits expected"),
        ));
    }
    let seq_raw = src.field(&SEQNUM);
    let seq = seq_raw.trim();
    let sequence = if !seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit()) {
        seq.parse::<u32>().ok()
    } else {
        None
    }
    .ok_or_else(|| {
        FieldError::new(
            &SEQNUM,
            format!("sequence number \"{seq_raw}\" is not a number"),
        )
    })?;
    let long_description = clean_text(&src.field(&LONG_DESCRIPTION));
    let detail = if id.is_first() {
        if long_description.is_empty() {
            return Err(FieldError::new(
                &LONG_DESCRIPTION,
                format!("{code} has no long description"),
            ));
        }
        Some(interpret_detail(src)?)
    } else {
        None
    };
    Ok(Record {
        id,
        code: code.to_string(),
        sequence,
        long_description,
        detail,
    })
}

fn interpret_detail(src: &impl RecordSource) -> Result<Detail, FieldError> {
    let short_description = clean_text(&src.field(&SHORT_DESCRIPTION));
    let mut pricing_indicators = Vec::new();
    for f in &PRICE {
        let v = src.field(f);
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                f,
                format!("pricing indicator \"{v}\" is not two digits"),
            ));
        }
        pricing_indicators.push(v.to_string());
    }
    let multiple_pricing_indicator = single_char(src, &MULT_PI, "multiple pricing indicator")?;
    let cov = src.field(&COV);
    let coverage = cov
        .trim()
        .chars()
        .next()
        .filter(|_| cov.trim().chars().count() == 1)
        .and_then(CoverageCode::from_letter)
        .ok_or_else(|| {
            FieldError::new(
                &COV,
                format!(
                    "coverage code \"{}\" is not one of C, D, I, M, S",
                    cov.trim()
                ),
            )
        })?;
    let asc_group = optional_text(src, &ASC_GRP);
    let asc_effective = date_field(src, &ASC_DT)?;
    date_field(src, &OPPS_DT)?;
    let anest = src.field(&ANEST_BU);
    if !anest.trim().bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            &ANEST_BU,
            format!("anesthesia base units \"{}\" is not a number", anest.trim()),
        ));
    }
    let processing_note = optional_text(src, &PROCNOTE);
    let betos = optional_text(src, &BETOS);
    let mut types_of_service = Vec::new();
    for f in &TOS {
        if let Some(c) = single_char(src, f, "type of service")? {
            types_of_service.push(c);
        }
    }
    let cross_references = XREF.iter().filter_map(|f| optional_text(src, f)).collect();
    let action_raw = src.field(&ACTION_CD);
    let action = action_raw
        .trim()
        .chars()
        .next()
        .filter(|_| action_raw.trim().chars().count() == 1)
        .and_then(ActionCode::from_letter)
        .ok_or_else(|| {
            FieldError::new(
                &ACTION_CD,
                format!(
                    "action code \"{}\" is not one of A, B, C, D, F, N, P, R, S, T",
                    action_raw.trim()
                ),
            )
        })?;
    let added = date_field(src, &ADD_DT)?
        .ok_or_else(|| FieldError::new(&ADD_DT, "the date the code was added is missing"))?;
    let action_effective = date_field(src, &ACT_EFF_DT)?;
    let terminated = date_field(src, &TERM_DT)?;
    if let Some(end) = terminated
        && end < added
    {
        return Err(FieldError::new(
            &TERM_DT,
            format!("termination date {end} is before the date the code was added ({added})"),
        ));
    }
    Ok(Detail {
        short_description,
        pricing_indicators,
        multiple_pricing_indicator,
        coverage,
        asc_group,
        asc_effective,
        processing_note,
        betos,
        types_of_service,
        cross_references,
        action,
        added,
        action_effective,
        terminated,
    })
}

fn single_char(
    src: &impl RecordSource,
    f: &'static FieldDef,
    what: &str,
) -> Result<Option<char>, FieldError> {
    let v = src.field(f);
    let v = v.trim();
    let mut it = v.chars();
    match (it.next(), it.next()) {
        (None, _) => Ok(None),
        (Some(c), None) if c.is_ascii_alphanumeric() => Ok(Some(c)),
        _ => Err(FieldError::new(
            f,
            format!("{what} \"{v}\" is not a single letter or digit"),
        )),
    }
}

fn optional_text(src: &impl RecordSource, f: &FieldDef) -> Option<String> {
    let v = src.field(f);
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Collapses runs of blanks; the text files pad with spaces.
fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A date field: blank, or YYYYMMDD that names a real day.
fn date_field(src: &impl RecordSource, f: &'static FieldDef) -> Result<Option<Date>, FieldError> {
    let raw = src.field(f);
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    parse_yyyymmdd(v).map(Some).ok_or_else(|| {
        FieldError::new(
            f,
            format!("\"{v}\" is not a date: YYYYMMDD (a real calendar day) expected"),
        )
    })
}

/// `20200101` → 2020-01-01; anything else (wrong length, not digits, 20200231) → None.
pub fn parse_yyyymmdd(v: &str) -> Option<Date> {
    let b = v.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i16 = v.get(0..4)?.parse().ok()?;
    let month: i8 = v.get(4..6)?.parse().ok()?;
    let day: i8 = v.get(6..8)?.parse().ok()?;
    if year < 1900 {
        return None;
    }
    Date::new(year, month, day).ok()
}

/// Where a record came from, for "appears twice (first at …)" messages.
pub type Origin = String;

enum Open {
    None,
    Entry {
        id: RecordId,
        code: String,
        sequence: u32,
        /// Index into codes or modifiers; None for a dropped CPT row.
        kept: Option<usize>,
    },
}

/// Builds codes and modifiers from records in file order: joins continuation
/// lines, refuses duplicates and orphans, drops CPT rows (counted).
pub struct Assembler {
    pub codes: Vec<HcpcsCode>,
    pub modifiers: Vec<Modifier>,
    pub counts: HcpcsCounts,
    open: Open,
    seen: HashMap<(bool, String), Origin>,
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler {
            codes: Vec::new(),
            modifiers: Vec::new(),
            counts: HcpcsCounts::default(),
            open: Open::None,
            seen: HashMap::new(),
        }
    }
}

impl Assembler {
    /// Takes the next record; `origin` says where it is ("line 12", "row 12").
    pub fn push(&mut self, rec: Record, origin: &str) -> Result<(), FieldError> {
        self.counts.records += 1;
        match rec.detail {
            Some(detail) => self.start(
                rec.id,
                rec.code,
                rec.sequence,
                rec.long_description,
                detail,
                origin,
            ),
            None => self.continue_with(rec.id, &rec.code, rec.sequence, &rec.long_description),
        }
    }

    fn start(
        &mut self,
        id: RecordId,
        code: String,
        sequence: u32,
        long: String,
        d: Detail,
        origin: &str,
    ) -> Result<(), FieldError> {
        let modifier = id.is_modifier();
        if let Some(first) = self.seen.get(&(modifier, code.clone())) {
            return Err(FieldError::new(
                &HCPC,
                format!(
                    "{} {code} appears twice (first at {first})",
                    if modifier { "modifier" } else { "code" }
                ),
            ));
        }
        self.seen
            .insert((modifier, code.clone()), origin.to_string());
        let kept = if modifier {
            if code.starts_with(|c: char| c.is_ascii_digit()) {
                // A CPT (Level I) modifier: known by number only, its text is not kept.
                self.counts.cpt_modifiers_dropped += 1;
                None
            } else {
                self.counts.modifiers += 1;
                self.modifiers.push(Modifier {
                    code: code.clone(),
                    long_description: long,
                    short_description: d.short_description,
                    coverage: d.coverage,
                    action: d.action,
                    added: d.added,
                    action_effective: d.action_effective,
                    terminated: d.terminated,
                });
                Some(self.modifiers.len() - 1)
            }
        } else if is_level_ii_shape(&code) {
            self.counts.procedures += 1;
            if d.terminated.is_some() {
                self.counts.terminated_procedures += 1;
            }
            self.codes.push(HcpcsCode {
                code: code.clone(),
                long_description: long,
                short_description: d.short_description,
                pricing_indicators: d.pricing_indicators,
                multiple_pricing_indicator: d.multiple_pricing_indicator,
                coverage: d.coverage,
                asc_group: d.asc_group,
                asc_effective: d.asc_effective,
                processing_note: d.processing_note,
                betos: d.betos,
                types_of_service: d.types_of_service,
                cross_references: d.cross_references,
                action: d.action,
                added: d.added,
                action_effective: d.action_effective,
                terminated: d.terminated,
            });
            Some(self.codes.len() - 1)
        } else if cpt_shape(&code).is_some() {
            // CPT codes and their AMA descriptions are never stored.
            self.counts.cpt_procedures_dropped += 1;
            None
        } else {
            return Err(FieldError::new(
                &HCPC,
                format!(
                    "\"{code}\" is neither a HCPCS Level II code (a letter and 4 digits) nor a CPT code ({})",
                    CptKind::SHAPES
                ),
            ));
        };
        self.open = Open::Entry {
            id,
            code,
            sequence,
            kept,
        };
        Ok(())
    }

    fn continue_with(
        &mut self,
        id: RecordId,
        code: &str,
        sequence: u32,
        text: &str,
    ) -> Result<(), FieldError> {
        self.counts.continuation_lines += 1;
        let (want_first, what) = match id {
            RecordId::ProcedureContinuation => (RecordId::ProcedureFirst, "procedure"),
            _ => (RecordId::ModifierFirst, "modifier"),
        };
        let Open::Entry {
            id: open_id,
            code: open_code,
            sequence: open_seq,
            kept,
        } = &mut self.open
        else {
            return Err(FieldError::new(
                &RECID,
                format!("continuation line for {what} {code} has no first line before it"),
            ));
        };
        if *open_id != want_first || open_code != code {
            return Err(FieldError::new(
                &HCPC,
                format!(
                    "continuation line for {what} {code} follows the record of {open_code}: continuation lines must follow their own first line"
                ),
            ));
        }
        if sequence <= *open_seq {
            return Err(FieldError::new(
                &SEQNUM,
                format!(
                    "sequence number {sequence:05} does not follow {:05} of {code}",
                    *open_seq
                ),
            ));
        }
        *open_seq = sequence;
        let target = match (id, *kept) {
            (RecordId::ProcedureContinuation, Some(i)) => {
                self.codes.get_mut(i).map(|c| &mut c.long_description)
            }
            (RecordId::ModifierContinuation, Some(i)) => {
                self.modifiers.get_mut(i).map(|m| &mut m.long_description)
            }
            _ => None,
        };
        if let Some(long) = target
            && !text.is_empty()
        {
            if !long.is_empty() {
                long.push(' ');
            }
            long.push_str(text);
        }
        Ok(())
    }

    /// The records read, sorted by code.
    pub fn finish(mut self) -> (Vec<HcpcsCode>, Vec<Modifier>, HcpcsCounts) {
        self.codes.sort_by(|a, b| a.code.cmp(&b.code));
        self.modifiers.sort_by(|a, b| a.code.cmp(&b.code));
        (self.codes, self.modifiers, self.counts)
    }
}

/// Windows-1252, the encoding CMS writes the text file in: bytes 0x80-0x9F are
/// typographic characters, the rest match Latin-1.
pub fn decode_cp1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{FFFD}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{FFFD}',
        '\u{017D}', '\u{FFFD}', '\u{FFFD}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{FFFD}', '\u{017E}', '\u{0178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}
