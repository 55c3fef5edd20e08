//! Reader of the Excel twin of the alpha-numeric file (`HCPCyyyy_ANWEB*.xlsx`):
//! one row per record, the record's fields as columns found by their header NAME
//! (HCPC, SEQNUM, RECID, LONG DESCRIPTION, SHORT DESCRIPTION, PRICE1-4, MULT_PI, …,
//! COV, ASC_GRP, ASC_DT, BETOS, TOS1-5, ADD DT, ACT EFF DT, TERM DT, ACTION CD),
//! never by position. Names compare case-insensitively with `_` and spaces alike
//! ("ACT_EFF_DT" = "ACT EFF DT"). A missing required column is an error naming the
//! file, the sheet and the column.
//!
//! Cells may hold text or numbers: codes and sequence numbers typed as numbers are
//! read as their digits; dates may be YYYYMMDD (text or number), an Excel date, or
//! ISO text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use super::layout::{self, Assembler, FieldDef, RecordSource};
use crate::error::{CodesError, Result};

/// How far down a sheet the header row may be (title rows above it are skipped).
const HEADER_SEARCH_ROWS: usize = 10;

fn normalize_header(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}{m:02}{d:02}")
        }
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

/// A date cell as YYYYMMDD text: Excel dates, ISO text, M/D/YYYY text and Excel
/// serial numbers are converted; anything else is passed on for the date check
/// to reject.
fn date_text(cell: &Data) -> String {
    match cell {
        Data::Int(_) | Data::Float(_) => {
            let t = cell_text(cell);
            match t.parse::<i64>() {
                Ok(n) if (1..100_000).contains(&n) => excel_serial(n).unwrap_or(t),
                _ => t,
            }
        }
        Data::String(s) | Data::DateTimeIso(s) => {
            let s = s.trim();
            let iso = s.get(..10).unwrap_or(s);
            let parts: Vec<&str> = iso.split('-').collect();
            if let [y, m, d] = parts.as_slice()
                && y.len() == 4
                && m.len() == 2
                && d.len() == 2
            {
                return format!("{y}{m}{d}");
            }
            let parts: Vec<&str> = s.split('/').collect();
            if let [m, d, y] = parts.as_slice()
                && y.len() == 4
                && (1..=2).contains(&m.len())
                && (1..=2).contains(&d.len())
            {
                return format!("{y}{m:0>2}{d:0>2}");
            }
            s.to_string()
        }
        other => cell_text(other),
    }
}

/// Excel's 1900 date system: serial 1 is 1900-01-01, with the 1900 leap-day bug
/// (serials from 61 on count from 1899-12-30).
fn excel_serial(n: i64) -> Option<String> {
    let base = jiff::civil::date(1899, 12, 30);
    let d = base.checked_add(jiff::Span::new().try_days(n).ok()?).ok()?;
    Some(format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()))
}

struct Row<'a> {
    cells: &'a [Data],
    columns: &'a HashMap<&'static str, usize>,
}

impl RecordSource for Row<'_> {
    fn field(&self, f: &FieldDef) -> Cow<'_, str> {
        let Some(cell) = self.columns.get(f.name).and_then(|&i| self.cells.get(i)) else {
            return Cow::Borrowed("");
        };
        let text = if f.name.ends_with("DT") {
            date_text(cell)
        } else if f.name == layout::HCPC.name {
            // A code typed as a number loses its leading zeros: 100 → 00100.
            match cell {
                Data::Int(_) | Data::Float(_) => format!("{:0>5}", cell_text(cell)),
                _ => cell_text(cell),
            }
        } else {
            cell_text(cell)
        };
        Cow::Owned(text)
    }
}

/// Reads the workbook: the first sheet whose header row names the HCPC column
/// (or the first sheet, to report what is missing).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<(Assembler, String)> {
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| CodesError::Unrecognized {
            path: path.to_path_buf(),
            message: format!("not a readable Excel (xlsx) workbook: {e}"),
        })?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(CodesError::Unrecognized {
            path: path.to_path_buf(),
            message: "the workbook has no sheets".into(),
        });
    }
    let fields = layout::all_fields();
    let mut first_failure: Option<CodesError> = None;
    for sheet in &names {
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| CodesError::Unrecognized {
                path: path.to_path_buf(),
                message: format!("sheet \"{sheet}\" cannot be read: {e}"),
            })?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let rows: Vec<&[Data]> = range.rows().collect();
        // The header row: the first of the top rows naming HCPC; else the first non-empty.
        let header_at = rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|r| {
                r.iter()
                    .any(|c| normalize_header(&cell_text(c)) == layout::HCPC.name)
            })
            .or_else(|| {
                rows.iter()
                    .take(HEADER_SEARCH_ROWS)
                    .position(|r| r.iter().any(|c| !cell_text(c).trim().is_empty()))
            });
        let Some(header_at) = header_at else {
            first_failure.get_or_insert(CodesError::parse(
                path,
                0,
                0,
                format!("sheet \"{sheet}\" is empty: no header row with the HCPCS column names"),
            ));
            continue;
        };
        let header_row_no = u64::from(row0) + header_at as u64 + 1;
        let header: Vec<String> = rows
            .get(header_at)
            .map(|r| r.iter().map(|c| normalize_header(&cell_text(c))).collect())
            .unwrap_or_default();
        let mut columns: HashMap<&'static str, usize> = HashMap::new();
        for f in &fields {
            if let Some(i) = header.iter().position(|h| *h == normalize_header(f.name)) {
                columns.insert(f.name, i);
            }
        }
        let missing: Vec<&str> = layout::REQUIRED_COLUMNS
            .iter()
            .filter(|f| !columns.contains_key(f.name))
            .map(|f| f.name)
            .collect();
        if !missing.is_empty() {
            let unknown: Vec<&str> = header
                .iter()
                .filter(|h| {
                    !h.is_empty() && !fields.iter().any(|f| normalize_header(f.name) == **h)
                })
                .map(String::as_str)
                .collect();
            let list = missing
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = if unknown.is_empty() {
                String::new()
            } else {
                format!(
                    "; columns with other names: {} (renamed?)",
                    unknown
                        .iter()
                        .map(|u| format!("\"{u}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let err = CodesError::parse(
                path,
                header_row_no,
                0,
                format!(
                    "sheet \"{sheet}\": required column{} {list} missing from the header row{hint}",
                    if missing.len() == 1 { " is" } else { "s are" }
                ),
            );
            if columns.contains_key(layout::HCPC.name) {
                // This is the HCPCS sheet, badly labelled: report it, not a later sheet.
                return Err(err);
            }
            first_failure.get_or_insert(err);
            continue;
        }
        let mut asm = Assembler::default();
        for (i, cells) in rows.iter().enumerate().skip(header_at + 1) {
            if cells.iter().all(|c| cell_text(c).trim().is_empty()) {
                continue;
            }
            let row_no = u64::from(row0) + i as u64 + 1;
            let at = |f: &FieldDef, msg: String| {
                let col = columns
                    .get(f.name)
                    .map_or(0, |&c| u64::from(col0) + c as u64 + 1);
                CodesError::parse(
                    path,
                    row_no,
                    col,
                    format!("sheet \"{sheet}\", column \"{}\": {msg}", f.name),
                )
            };
            let row = Row {
                cells,
                columns: &columns,
            };
            let rec = layout::interpret(&row).map_err(|e| at(e.field, e.message))?;
            asm.push(rec, &format!("row {row_no}"))
                .map_err(|e| at(e.field, e.message))?;
        }
        if asm.counts.records == 0 {
            first_failure.get_or_insert(CodesError::parse(
                path,
                header_row_no,
                0,
                format!("sheet \"{sheet}\" has a header row but no records"),
            ));
            continue;
        }
        return Ok((asm, sheet.clone()));
    }
    Err(first_failure.unwrap_or_else(|| CodesError::Unrecognized {
        path: path.to_path_buf(),
        message: "no sheet holds HCPCS records".into(),
    }))
}
