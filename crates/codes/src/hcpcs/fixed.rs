//! Reader of the fixed-width text file (`HCPCyyyy_ANWEB*.txt`, `HCPCyyyy_CONTR_ANWEB.txt`).
//!
//! The file may start with a disclaimer (prose lines); records follow, one per
//! line: first-line records (record id 3 and 7) are 320 characters (trailing filler
//! may be missing, but nothing up to ACTION CD in column 293), continuation records
//! (4 and 8) carry only the code, sequence, record id and 80 more characters of the
//! long description (CMS writes them 91 characters long). Text is Windows-1252 (a
//! line that is valid UTF-8 is read as UTF-8). Columns are counted in characters.

use std::borrow::Cow;
use std::path::Path;

use super::layout::{
    self, Assembler, FIRST_LINE_MIN_LEN, FieldDef, RECID, RECORD_LEN, RecordSource, SEQNUM,
};
use crate::error::{CodesError, Result};

/// How many prose lines may precede the first record before the file is judged
/// to have another layout.
const MAX_HEADER_LINES: usize = 100;

struct Line<'a> {
    chars: &'a [char],
}

impl RecordSource for Line<'_> {
    fn field(&self, f: &FieldDef) -> Cow<'_, str> {
        let start = f.start - 1;
        let end = f.end.min(self.chars.len());
        if start >= end {
            return Cow::Borrowed("");
        }
        Cow::Owned(self.chars.get(start..end).unwrap_or(&[]).iter().collect())
    }
}

fn decode_line(bytes: &[u8]) -> Vec<char> {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().collect(),
        Err(_) => layout::decode_cp1252(bytes).chars().collect(),
    }
}

/// A line that tries to be a record: a sequence number in columns 6-10.
fn is_record_attempt(chars: &[char]) -> bool {
    chars.len() >= 11 && chars[5..10].iter().all(char::is_ascii_digit)
}

/// True when the head of a file has HCPCS records: a 5-digit sequence in columns
/// 6-10 and a record id 3, 4, 7 or 8 in column 11, twice.
pub fn looks_like_fixed_width(head: &[u8]) -> bool {
    head.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| {
            l.len() >= 91
                && l[..5]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b' ')
                && l[5..10].iter().all(u8::is_ascii_digit)
                && matches!(l[10], b'3' | b'4' | b'7' | b'8')
        })
        .take(2)
        .count()
        == 2
}

/// Parses the whole file; any damaged record stops the import with an error
/// naming the file, line, column and field.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<(Assembler, usize)> {
    let mut asm = Assembler::default();
    let mut in_header = true;
    let mut header_lines = 0usize;
    let mut first_text_line = 0u64;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if first_text_line == 0 {
            first_text_line = line_no;
        }
        let chars = decode_line(raw);
        if !is_record_attempt(&chars) {
            if in_header {
                header_lines += 1;
                if header_lines > MAX_HEADER_LINES {
                    return Err(wrong_layout(path, first_text_line));
                }
                continue;
            }
            return Err(CodesError::parse(
                path,
                line_no,
                SEQNUM.start as u64,
                format!(
                    "not an HCPCS record: {} must be 5 digits and {} a record id (line is {} characters long)",
                    SEQNUM.describe(),
                    RECID.describe(),
                    chars.len()
                ),
            ));
        }
        in_header = false;
        let at = |f: &FieldDef, msg: String| {
            CodesError::parse(
                path,
                line_no,
                f.start as u64,
                format!("{}: {msg}", f.describe()),
            )
        };
        let recid = chars[10];
        let Some(id) = layout::RecordId::parse(recid) else {
            return Err(at(
                &RECID,
                format!(
                    "unknown record type '{recid}': expected 3 (procedure), 4 (procedure continuation), 7 (modifier) or 8 (modifier continuation)"
                ),
            ));
        };
        if chars.len() > RECORD_LEN {
            return Err(CodesError::parse(
                path,
                line_no,
                RECORD_LEN as u64 + 1,
                format!(
                    "line is {} characters long; HCPCS records are {RECORD_LEN}",
                    chars.len()
                ),
            ));
        }
        let first = matches!(
            id,
            layout::RecordId::ProcedureFirst | layout::RecordId::ModifierFirst
        );
        if first && chars.len() < FIRST_LINE_MIN_LEN {
            let cut = layout::all_fields()
                .into_iter()
                .find(|f| f.end > chars.len())
                .unwrap_or(&layout::ACTION_CD);
            return Err(CodesError::parse(
                path,
                line_no,
                chars.len() as u64 + 1,
                format!(
                    "truncated record: the line ends after column {}, inside or before {}; a record with id {recid} is {RECORD_LEN} characters long",
                    chars.len(),
                    cut.describe()
                ),
            ));
        }
        let line = Line { chars: &chars };
        let rec = layout::interpret(&line).map_err(|e| at(e.field, e.message))?;
        asm.push(rec, &format!("line {line_no}"))
            .map_err(|e| at(e.field, e.message))?;
    }
    if in_header {
        return Err(wrong_layout(path, first_text_line));
    }
    Ok((asm, header_lines))
}

fn wrong_layout(path: &Path, line: u64) -> CodesError {
    if line == 0 {
        return CodesError::parse(path, 0, 0, "the file is empty: no HCPCS records");
    }
    CodesError::parse(
        path,
        line,
        SEQNUM.start as u64,
        format!(
            "not an HCPCS alpha-numeric file: no line has the {RECORD_LEN}-character record layout (HCPC in columns 1-5, {} digits, {} 3, 4, 7 or 8)",
            SEQNUM.describe(),
            RECID.describe()
        ),
    )
}
