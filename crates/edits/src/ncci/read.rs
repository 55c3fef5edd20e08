//! Reading the files CMS publishes: tab-delimited text (PTP), comma-separated text (MUE)
//! and xlsx (both), each with a licence and disclaimer header before the column names.
//!
//! The header row is found by its column names, which may continue on the following
//! lines ("Deletion Date" / "*=no data", "Modifier" / "0=not allowed 1=allowed 9=not
//! applicable"); columns are then taken by name, not by position. Every row whose first
//! column holds a code-shaped value is an edit and must read completely, or the import
//! stops with the file, line and column; lines of prose after the header (notes, a
//! repeated header) are skipped and counted with the reason.

use std::collections::HashMap;

use jiff::civil::Date;

use super::code::ProcCode;
use super::error::{NcciError, Position, Result};

/// The tables CMS publishes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum TableKind {
    PtpPractitioner,
    PtpHospital,
    MuePractitioner,
    MueHospital,
    MueDme,
}

impl TableKind {
    pub const ALL: [TableKind; 5] = [
        TableKind::PtpPractitioner,
        TableKind::PtpHospital,
        TableKind::MuePractitioner,
        TableKind::MueHospital,
        TableKind::MueDme,
    ];

    /// Stable name, used in the catalog and in `--json`.
    pub fn slug(self) -> &'static str {
        match self {
            TableKind::PtpPractitioner => "ptp-practitioner",
            TableKind::PtpHospital => "ptp-hospital",
            TableKind::MuePractitioner => "mue-practitioner",
            TableKind::MueHospital => "mue-hospital",
            TableKind::MueDme => "mue-dme",
        }
    }

    pub fn from_slug(s: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TableKind::PtpPractitioner => "PTP edits, practitioner",
            TableKind::PtpHospital => "PTP edits, outpatient hospital",
            TableKind::MuePractitioner => "MUE, practitioner services",
            TableKind::MueHospital => "MUE, outpatient hospital services",
            TableKind::MueDme => "MUE, DME supplier services",
        }
    }

    pub fn is_ptp(self) -> bool {
        matches!(self, TableKind::PtpPractitioner | TableKind::PtpHospital)
    }
}

/// One PTP row as read: dates as `yyyymmdd` numbers (0 = no deletion date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PtpRow {
    pub column1: u32,
    pub column2: u32,
    pub effective: u32,
    pub deletion: u32,
    pub modifier: u8,
    pub prior_1996: bool,
    pub rationale: u32,
    pub source: u32,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MueRow {
    pub code: u32,
    pub units: u32,
    pub indicator: u8,
    pub rationale: u32,
    pub source: u32,
    pub line: u32,
}

/// Distinct rationale texts of an import (a few dozen among hundreds of thousands of rows).
#[derive(Default, Debug)]
pub(crate) struct Interner {
    pub map: HashMap<String, u32>,
    pub texts: Vec<String>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.texts.len() as u32;
        self.texts.push(s.to_string());
        self.map.insert(s.to_string(), i);
        i
    }
}

/// What one file (or archive member, or worksheet) holds.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// PTP or MUE, from the header; `None` when no header was found.
    pub family: Option<Family>,
    /// The setting when the header says it (MUE value column; PTP disclaimer).
    pub setting_hint: Option<TableKind>,
    pub ptp: Vec<PtpRow>,
    pub mue: Vec<MueRow>,
    /// Reason and where, for rows that are not edits.
    pub skipped: Vec<(String, Position)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ptp,
    Mue,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Col1,
    Col2,
    Prior,
    Effective,
    Deletion,
    Modifier,
    Rationale,
    Code,
    Units,
    Indicator,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Col1 => "Column 1",
            Field::Col2 => "Column 2",
            Field::Prior => "*=in existence prior to 1996",
            Field::Effective => "Effective Date",
            Field::Deletion => "Deletion Date",
            Field::Modifier => "Modifier",
            Field::Rationale => "Rationale",
            Field::Code => "HCPCS/CPT Code",
            Field::Units => "MUE Values",
            Field::Indicator => "MUE Adjudication Indicator",
        }
    }
}

fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.to_lowercase());
    }
    out
}

fn header_family(cells: &[&str]) -> Option<Family> {
    let n: Vec<String> = cells.iter().map(|c| norm(c)).collect();
    // The two names must be in two cells (a whole line in one cell is the wrong delimiter).
    let at = |f: &dyn Fn(&str) -> bool| n.iter().position(|c| f(c));
    let two = |a: Option<usize>, b: Option<usize>| matches!((a, b), (Some(a), Some(b)) if a != b);
    if two(
        at(&|c| is_col(c, '1', "one")),
        at(&|c| is_col(c, '2', "two")),
    ) {
        return Some(Family::Ptp);
    }
    if two(
        at(&|c| c.contains("hcpcs") || c.contains("cpt code")),
        at(&|c| c.contains("mue value")),
    ) {
        return Some(Family::Mue);
    }
    None
}

fn is_col(c: &str, digit: char, word: &str) -> bool {
    let c = c.trim_start_matches('*').trim();
    let Some(rest) = c.strip_prefix("column") else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(digit) || rest.starts_with(word)
}

/// The parser state of one table file; fed row by row by the text and xlsx readers.
pub(crate) struct TableParser<'i> {
    pub at: Position,
    source: u32,
    interner: &'i mut Interner,
    /// Lines before the header (the disclaimer), for the setting.
    preamble: String,
    header: Vec<String>,
    header_line: u64,
    columns: Vec<(Field, usize)>,
    data_started: bool,
    excel: bool,
    pub out: Parsed,
}

impl<'i> TableParser<'i> {
    pub fn new(at: Position, source: u32, interner: &'i mut Interner, excel: bool) -> Self {
        TableParser {
            at,
            source,
            interner,
            preamble: String::new(),
            header: Vec::new(),
            header_line: 0,
            columns: Vec::new(),
            data_started: false,
            excel,
            out: Parsed::default(),
        }
    }

    pub fn has_header(&self) -> bool {
        self.out.family.is_some()
    }

    fn pos(&self, line: u64) -> Position {
        Position {
            line,
            ..self.at.clone()
        }
    }

    /// One row of the file (`line` is 1-based).
    pub fn feed(&mut self, line: u64, cells: &[&str]) -> Result<()> {
        let Some(family) = self.out.family else {
            if let Some(f) = header_family(cells) {
                self.out.family = Some(f);
                self.header = cells.iter().map(|c| c.trim().to_string()).collect();
                self.header_line = line;
                if f == Family::Ptp {
                    let p = self.preamble.to_lowercase();
                    self.out.setting_hint = if p.contains("practitioner") {
                        Some(TableKind::PtpPractitioner)
                    } else if p.contains("hospital") {
                        Some(TableKind::PtpHospital)
                    } else {
                        None
                    };
                }
            } else if self.preamble.len() < 64 * 1024 {
                for c in cells {
                    self.preamble.push_str(c);
                    self.preamble.push(' ');
                }
            }
            return Ok(());
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        if !self.data_started {
            let first = cells.first().map(|c| c.trim()).unwrap_or("");
            if first.is_empty() || !code_shaped(first) {
                // The header continues ("*=no data", "0=not allowed …").
                for (i, c) in cells.iter().enumerate() {
                    let c = c.trim();
                    if c.is_empty() {
                        continue;
                    }
                    if i >= self.header.len() {
                        self.header.resize(i + 1, String::new());
                    }
                    let h = &mut self.header[i];
                    if !h.is_empty() {
                        h.push(' ');
                    }
                    h.push_str(c);
                }
                return Ok(());
            }
            self.map_columns(family)?;
            self.data_started = true;
        }
        match family {
            Family::Ptp => self.ptp_row(line, cells),
            Family::Mue => self.mue_row(line, cells),
        }
    }

    fn map_columns(&mut self, family: Family) -> Result<()> {
        let names: Vec<String> = self.header.iter().map(|h| norm(h)).collect();
        let wanted: &[(Field, bool)] = match family {
            Family::Ptp => &[
                (Field::Col1, true),
                (Field::Col2, true),
                (Field::Prior, false),
                (Field::Effective, true),
                (Field::Deletion, true),
                (Field::Modifier, true),
                (Field::Rationale, false),
            ],
            Family::Mue => &[
                (Field::Code, true),
                (Field::Units, true),
                (Field::Indicator, true),
                (Field::Rationale, false),
            ],
        };
        let mut taken = vec![false; names.len()];
        let mut missing = Vec::new();
        for &(field, required) in wanted {
            let found = names.iter().enumerate().position(|(i, n)| {
                !taken[i]
                    && match field {
                        Field::Col1 => is_col(n, '1', "one"),
                        Field::Col2 => is_col(n, '2', "two"),
                        Field::Prior => n.contains("1996") || n.contains("prior"),
                        Field::Effective => n.contains("effective"),
                        Field::Deletion => n.contains("deletion"),
                        Field::Modifier => n.contains("modifier"),
                        Field::Rationale => n.contains("rationale"),
                        Field::Code => n.contains("hcpcs") || n.contains("cpt code"),
                        Field::Units => n.contains("mue value"),
                        Field::Indicator => n.contains("indicator") || n == "mai",
                    }
            });
            match found {
                Some(i) => {
                    taken[i] = true;
                    self.columns.push((field, i));
                    if field == Field::Units {
                        self.out.setting_hint = if names[i].contains("practitioner") {
                            Some(TableKind::MuePractitioner)
                        } else if names[i].contains("hospital") {
                            Some(TableKind::MueHospital)
                        } else if names[i].contains("dme") {
                            Some(TableKind::MueDme)
                        } else {
                            None
                        };
                    }
                }
                None if required => missing.push(field.name()),
                None => {}
            }
        }
        if !missing.is_empty() {
            return Err(NcciError::parse(
                &self.pos(self.header_line),
                format!(
                    "the header has no {} column (found: {}); this is not the complete {} file as CMS publishes it",
                    missing.join(", "),
                    self.header
                        .iter()
                        .filter(|h| !h.is_empty())
                        .map(|h| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                    match family {
                        Family::Ptp => "PTP",
                        Family::Mue => "MUE",
                    }
                ),
            ));
        }
        Ok(())
    }

    fn col(&self, f: Field) -> Option<usize> {
        self.columns.iter().find(|(g, _)| *g == f).map(|&(_, i)| i)
    }

    fn cell<'c>(&self, line: u64, cells: &[&'c str], f: Field) -> Result<&'c str> {
        let Some(i) = self.col(f) else {
            return Ok("");
        };
        match cells.get(i) {
            Some(c) => Ok(c.trim()),
            None if matches!(f, Field::Rationale | Field::Prior | Field::Deletion) => Ok(""),
            None => Err(NcciError::parse(
                &self.pos(line).with_column(i, &self.header_name(i)),
                format!(
                    "the row ends after {} columns; {} is missing",
                    cells.len(),
                    f.name()
                ),
            )),
        }
    }

    fn header_name(&self, i: usize) -> String {
        self.header.get(i).cloned().unwrap_or_default()
    }

    fn bad(&self, line: u64, f: Field, message: String) -> NcciError {
        let i = self.col(f).unwrap_or(0);
        NcciError::parse(
            &self.pos(line).with_column(i, &self.header_name(i)),
            message,
        )
    }

    /// A row whose first column does not hold a code: a note or a repeated header.
    fn skip_text_row(&mut self, line: u64, first: &str) {
        let reason = if header_family(&[first]).is_some() || norm(first).starts_with("column") {
            "repeated header"
        } else if first.is_empty() {
            "no code in the first column"
        } else {
            "text, not an edit"
        };
        self.out.skipped.push((reason.to_string(), self.pos(line)));
    }

    fn code(&self, line: u64, cells: &[&str], f: Field) -> Result<u32> {
        let s = self.cell(line, cells, f)?;
        ProcCode::parse(s).map(ProcCode::packed).ok_or_else(|| {
            self.bad(
                line,
                f,
                format!(
                    "\"{}\" is not a CPT/HCPCS code (5 letters or digits)",
                    clip(s)
                ),
            )
        })
    }

    fn date(&self, line: u64, cells: &[&str], f: Field, optional: bool) -> Result<u32> {
        let s = self.cell(line, cells, f)?;
        if optional && (s.is_empty() || s == "*") {
            return Ok(0);
        }
        parse_date(s, self.excel).ok_or_else(|| {
            self.bad(
                line,
                f,
                format!(
                    "\"{}\" is not a date (YYYYMMDD{})",
                    clip(s),
                    if optional { ", or * for none" } else { "" }
                ),
            )
        })
    }

    fn ptp_row(&mut self, line: u64, cells: &[&str]) -> Result<()> {
        let first = self
            .col(Field::Col1)
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .unwrap_or("");
        if !code_shaped(first) {
            self.skip_text_row(line, first);
            return Ok(());
        }
        let column1 = self.code(line, cells, Field::Col1)?;
        let column2 = self.code(line, cells, Field::Col2)?;
        let prior = self.cell(line, cells, Field::Prior)?;
        let prior_1996 = match prior {
            "*" | "Y" | "y" => true,
            "" | "N" | "n" => false,
            other => {
                return Err(self.bad(
                    line,
                    Field::Prior,
                    format!("\"{}\" is not * or blank", clip(other)),
                ));
            }
        };
        let effective = self.date(line, cells, Field::Effective, false)?;
        let deletion = self.date(line, cells, Field::Deletion, true)?;
        if deletion != 0 && deletion < effective {
            return Err(self.bad(
                line,
                Field::Deletion,
                format!("the deletion date {deletion} is before the effective date {effective}"),
            ));
        }
        let m = self.cell(line, cells, Field::Modifier)?;
        let modifier = match m.strip_suffix(".0").unwrap_or(m) {
            "0" => 0,
            "1" => 1,
            "9" => 9,
            other => {
                return Err(self.bad(
                    line,
                    Field::Modifier,
                    format!(
                        "\"{}\" is not a modifier indicator (0 not allowed, 1 allowed, 9 not applicable)",
                        clip(other)
                    ),
                ));
            }
        };
        let r = self.cell(line, cells, Field::Rationale)?;
        let rationale = self.interner.intern(r);
        self.out.ptp.push(PtpRow {
            column1,
            column2,
            effective,
            deletion,
            modifier,
            prior_1996,
            rationale,
            source: self.source,
            line: line.min(u64::from(u32::MAX)) as u32,
        });
        Ok(())
    }

    fn mue_row(&mut self, line: u64, cells: &[&str]) -> Result<()> {
        let first = self
            .col(Field::Code)
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .unwrap_or("");
        if !code_shaped(first) {
            self.skip_text_row(line, first);
            return Ok(());
        }
        let code = self.code(line, cells, Field::Code)?;
        let u = self.cell(line, cells, Field::Units)?;
        let units = u
            .strip_suffix(".0")
            .unwrap_or(u)
            .parse::<u32>()
            .map_err(|_| {
                self.bad(
                    line,
                    Field::Units,
                    format!("\"{}\" is not a number of units", clip(u)),
                )
            })?;
        let ind = self.cell(line, cells, Field::Indicator)?;
        let indicator = match ind.trim_start().bytes().next() {
            Some(b @ b'1'..=b'3')
                if ind.len() == 1 || !ind.as_bytes()[1].is_ascii_alphanumeric() =>
            {
                b - b'0'
            }
            _ => {
                return Err(self.bad(
                    line,
                    Field::Indicator,
                    format!(
                        "\"{}\" is not an MUE adjudication indicator (1 Line Edit, 2 Date of Service Edit: Policy, 3 Date of Service Edit: Clinical)",
                        clip(ind)
                    ),
                ));
            }
        };
        let r = self.cell(line, cells, Field::Rationale)?;
        let rationale = self.interner.intern(r);
        self.out.mue.push(MueRow {
            code,
            units,
            indicator,
            rationale,
            source: self.source,
            line: line.min(u64::from(u32::MAX)) as u32,
        });
        Ok(())
    }
}

/// A value that is meant as a code (and so must read as one): short and alphanumeric.
fn code_shaped(s: &str) -> bool {
    !s.is_empty() && s.len() <= 7 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(39).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// `YYYYMMDD`, `YYYY-MM-DD` or `MM/DD/YYYY` as a `yyyymmdd` number; in a worksheet also an
/// Excel serial day number.
pub(crate) fn parse_date(s: &str, excel: bool) -> Option<u32> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    let (y, m, d): (i16, i8, i8) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (
            s.get(0..4)?.parse().ok()?,
            s.get(4..6)?.parse().ok()?,
            s.get(6..8)?.parse().ok()?,
        )
    } else if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        (
            s.get(0..4)?.parse().ok()?,
            s.get(5..7)?.parse().ok()?,
            s.get(8..10)?.parse().ok()?,
        )
    } else if s.contains('/') {
        let mut it = s.split('/');
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        let y = it.next()?.parse().ok()?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    } else if excel && !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let date = excel_serial(n)?;
        (date.year(), date.month(), date.day())
    } else {
        return None;
    };
    if !(1900..=2199).contains(&y) {
        return None;
    }
    Date::new(y, m, d).ok()?;
    Some(y as u32 * 10000 + m as u32 * 100 + d as u32)
}

/// Excel's day number (1900 date system; days from 1899-12-30 for dates after March 1900).
pub(crate) fn excel_serial(n: i64) -> Option<Date> {
    if !(61..=2_958_465).contains(&n) {
        return None;
    }
    let base = Date::new(1899, 12, 30).ok()?;
    base.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

pub(crate) fn ymd_to_date(v: u32) -> Option<Date> {
    let y = i16::try_from(v / 10000).ok()?;
    Date::new(y, ((v / 100) % 100) as i8, (v % 100) as i8).ok()
}

pub(crate) fn date_to_ymd(d: Date) -> u32 {
    d.year().max(0) as u32 * 10000 + d.month() as u32 * 100 + d.day() as u32
}

/// Text as CMS writes it: UTF-8, or Windows-1252 in older files.
pub(crate) fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(
            bytes
                .iter()
                .map(|&b| match b {
                    0x80 => '€',
                    0x91 => '‘',
                    0x92 => '’',
                    0x93 => '“',
                    0x94 => '”',
                    0x96 => '–',
                    0x97 => '—',
                    0x99 => '™',
                    b => char::from(b),
                })
                .collect(),
        ),
    }
}

/// Reads a delimited text file into the parser: the delimiter is the one that splits
/// the header row into recognizable column names (tab for PTP, comma for MUE).
pub(crate) fn read_text(text: &str, parser: &mut TableParser<'_>) -> Result<()> {
    // Find the header and its delimiter.
    let mut delim = None;
    for (i, raw) in text.split('\n').enumerate() {
        if i > 500 {
            break;
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if header_family(&line.split('\t').collect::<Vec<_>>()).is_some() {
            delim = Some(b'\t');
            break;
        }
        if header_family(
            &split_csv_line(line)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .is_some()
        {
            delim = Some(b',');
            break;
        }
    }
    match delim {
        Some(b'\t') | None => {
            let mut cells: Vec<&str> = Vec::with_capacity(8);
            for (i, raw) in text.split('\n').enumerate() {
                let line = raw.strip_suffix('\r').unwrap_or(raw);
                cells.clear();
                cells.extend(line.split('\t'));
                parser.feed(i as u64 + 1, &cells)?;
                if delim.is_none() && i > 500 {
                    break;
                }
            }
        }
        Some(_) => {
            let mut rest = text;
            let mut line: u64 = 1;
            while !rest.is_empty() {
                let (cells, consumed, newlines) = csv_record(rest);
                let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
                parser.feed(line, &refs)?;
                line += newlines.max(1);
                rest = rest.get(consumed..).unwrap_or("");
            }
        }
    }
    Ok(())
}

fn split_csv_line(line: &str) -> Vec<String> {
    csv_record(line).0
}

/// One CSV record (RFC 4180 quoting; a quoted field may span lines): the fields, the
/// bytes consumed (through the record's line end) and the line ends consumed.
fn csv_record(s: &str) -> (Vec<String>, usize, u64) {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut newlines = 0u64;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek().map(|&(_, n)| n) == Some('"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => in_quotes = false,
                '\n' => {
                    newlines += 1;
                    cur.push('\n');
                }
                _ => cur.push(c),
            }
            continue;
        }
        match c {
            '"' if cur.trim().is_empty() => {
                cur.clear();
                in_quotes = true;
            }
            ',' => fields.push(std::mem::take(&mut cur)),
            '\n' => {
                fields.push(std::mem::take(&mut cur));
                return (fields, i + 1, newlines + 1);
            }
            '\r' if chars.peek().map(|&(_, n)| n) == Some('\n') => {}
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    (fields, s.len(), newlines)
}

/// Reads every worksheet of an xlsx file; a sheet without the column names (a
/// disclaimer sheet) is passed over.
pub(crate) fn read_xlsx(
    bytes: &[u8],
    at: &Position,
    source: u32,
    interner: &mut Interner,
) -> Result<Vec<Parsed>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
        NcciError::parse(
            at,
            format!("not a readable xlsx workbook ({e}); download the file again"),
        )
    })?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            NcciError::parse(
                &Position {
                    sheet: Some(name.clone()),
                    ..at.clone()
                },
                format!("the worksheet cannot be read: {e}"),
            )
        })?;
        let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c).unwrap_or(0) as usize;
        let sheet_at = Position {
            sheet: Some(name.clone()),
            ..at.clone()
        };
        let mut parser = TableParser::new(sheet_at, source, interner, true);
        let mut strings: Vec<String> = Vec::new();
        for (i, row) in range.rows().enumerate() {
            strings.clear();
            strings.extend(std::iter::repeat_n(String::new(), first_col));
            for cell in row {
                strings.push(match cell {
                    Data::Empty => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(n) => n.to_string(),
                    Data::Float(f) => {
                        if f.fract() == 0.0 && f.abs() < 1e15 {
                            format!("{}", *f as i64)
                        } else {
                            f.to_string()
                        }
                    }
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(dt) => {
                        let serial = dt.as_f64().floor() as i64;
                        match excel_serial(serial) {
                            Some(d) => format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
                            None => serial.to_string(),
                        }
                    }
                    Data::Error(e) => format!("#ERROR {e:?}"),
                });
            }
            let refs: Vec<&str> = strings.iter().map(String::as_str).collect();
            parser.feed(u64::from(first_row) + i as u64 + 1, &refs)?;
        }
        if parser.has_header() {
            out.push(parser.out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Parsed> {
        let mut interner = Interner::default();
        let mut p = TableParser::new(
            Position {
                file: "t.txt".into(),
                ..Position::default()
            },
            0,
            &mut interner,
            false,
        );
        read_text(text, &mut p)?;
        Ok(p.out)
    }

    #[test]
    fn ptp_with_two_header_lines() {
        let t = "CPT only copyright 2025 American Medical Association.\nPractitioner PTP edits\nColumn1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\n\t\t\t\t*=no data\t0=not allowed 1=allowed 9=not applicable\t\n93000\t93005\t*\t19960101\t*\t0\tStandards of medical / surgical practice\n97140\t97530\t\t20200101\t20201231\t1\tMutually exclusive procedures\nEnd of file\n";
        let p = parse(t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.family, Some(Family::Ptp));
        assert_eq!(p.setting_hint, Some(TableKind::PtpPractitioner));
        assert_eq!(p.ptp.len(), 2);
        assert!(p.ptp[0].prior_1996);
        assert_eq!(p.ptp[0].deletion, 0);
        assert_eq!(p.ptp[1].deletion, 20201231);
        assert_eq!(p.ptp[1].modifier, 1);
        assert_eq!(p.skipped.len(), 1);
    }

    #[test]
    fn bad_date_names_line_and_column() {
        let t = "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\n93000\t93005\t*\t19961301\t*\t0\tx\n";
        let e = parse(t).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("column 4 (Effective Date)"), "{e}");
        assert!(e.contains("19961301"), "{e}");
    }

    #[test]
    fn mue_csv_with_quoted_disclaimer() {
        let t = "\"CPT codes, descriptions and other data only are copyright 2025 American Medical Association.\nAll rights reserved.\"\nHCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n36415,2,\"3 Date of Service Edit: Clinical\",Clinical: Data\nJ3301,160,2 Date of Service Edit: Policy,Nature of Service/Procedure\n";
        let p = parse(t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.family, Some(Family::Mue));
        assert_eq!(p.setting_hint, Some(TableKind::MuePractitioner));
        assert_eq!(p.mue.len(), 2);
        assert_eq!(p.mue[1].units, 160);
        assert_eq!(p.mue[1].indicator, 2);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("20261001", false), Some(20261001));
        assert_eq!(parse_date("2026-10-01", false), Some(20261001));
        assert_eq!(parse_date("10/01/2026", false), Some(20261001));
        assert_eq!(parse_date("46296", true), Some(20261001));
        assert_eq!(parse_date("46296", false), None);
        assert_eq!(parse_date("20260230", false), None);
        assert_eq!(parse_date("2026-1-01", false), None);
    }
}
