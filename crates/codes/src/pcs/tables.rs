//! Reader of the CMS ICD-10-PCS tables XML (`ICD10PCS.tabular`): every `pcsTable`
//! (axes 1-3: section, body system, root operation or type, with the operation's
//! definition) and its `pcsRow`s (axes 4-7 with the values each row allows).
//!
//! Structural checks, each reported with file, line and column: wrong root, an axis
//! missing or given twice, a label code that is not one PCS character (digits and
//! letters other than I and O), a label given twice in an axis, `values` and `codes`
//! attributes that disagree with the labels, a table given twice, two rows of a table
//! allowing the same code, a truncated file.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::BytesStart;

use super::xml::{self, Ctx, Handler};
use super::{NONE, PcsSet, Row, RowAxis, Str, Strings, Table, Value, bit, is_pcs_char};
use crate::error::Result;

const ROOT: &str = "ICD10PCS.tabular";
const WHAT: &str = "an ICD-10-PCS tables file";

/// An axis being read.
struct AxisBuild {
    pos: u8,
    start: u64,
    declared: Option<u32>,
    title: Str,
    mask: u64,
    values: Vec<Value>,
    definition: Str,
    label_code: u8,
}

struct RowBuild {
    start: u64,
    declared: Option<u64>,
    axes: [Option<RowAxis>; 4],
}

struct TableBuild {
    start: u64,
    /// (character, title, label) of axes 1-3.
    axes: [Option<(u8, Str, Str)>; 3],
    definition: Str,
    rows: Vec<Row>,
}

#[derive(Default)]
struct Tables {
    strings: Strings,
    year: Option<i16>,
    tables: Vec<Table>,
    rows: Vec<Row>,
    values: Vec<Value>,
    first_seen: HashMap<[u8; 3], u64>,
    table: Option<TableBuild>,
    row: Option<RowBuild>,
    axis: Option<AxisBuild>,
}

/// Reads a tables file into a code set (without index or definitions).
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<PcsSet> {
    let mut t = Tables::default();
    xml::walk(path, bytes, ROOT, WHAT, &mut t)?;
    if t.tables.is_empty() {
        let ctx = Ctx {
            path,
            src: std::str::from_utf8(bytes).unwrap_or(""),
        };
        return Err(ctx.err_at(bytes.len() as u64, "the file holds no <pcsTable>"));
    }
    t.tables.sort_by_key(|tb| tb.code);
    Ok(PcsSet {
        year: t.year,
        strings: t.strings,
        tables: t.tables,
        rows: t.rows,
        values: t.values,
        definitions: Vec::new(),
        index: Vec::new(),
        search: Default::default(),
    })
}

fn axis_name(pos: u8) -> &'static str {
    super::AXIS_NAMES
        .get(usize::from(pos.saturating_sub(1)))
        .copied()
        .unwrap_or("axis")
}

impl Handler for Tables {
    fn start(
        &mut self,
        ctx: &Ctx<'_>,
        parent: &str,
        name: &str,
        e: &BytesStart<'_>,
        pos: u64,
    ) -> Result<bool> {
        match (parent, name) {
            (ROOT, "version") => Ok(true),
            (ROOT, "pcsTable") => {
                self.table = Some(TableBuild {
                    start: pos,
                    axes: [None; 3],
                    definition: NONE,
                    rows: Vec::new(),
                });
                Ok(false)
            }
            ("pcsTable", "pcsRow") => {
                let declared = match xml::attr(e, "codes") {
                    None => None,
                    Some(v) => Some(v.parse::<u64>().map_err(|_| {
                        ctx.err_at(
                            pos,
                            format!("<pcsRow codes=\"{v}\">: codes must be a number"),
                        )
                    })?),
                };
                self.row = Some(RowBuild {
                    start: pos,
                    declared,
                    axes: [None; 4],
                });
                Ok(false)
            }
            ("pcsTable" | "pcsRow", "axis") => {
                let in_row = parent == "pcsRow";
                let p = xml::attr(e, "pos").unwrap_or_default();
                let range = if in_row { 4..=7 } else { 1..=3 };
                let axis_pos = p.parse::<u8>().ok().filter(|n| range.contains(n));
                let Some(axis_pos) = axis_pos else {
                    return Err(ctx.err_at(
                        pos,
                        format!(
                            "<axis pos=\"{p}\"> in a <{parent}>: expected pos {} to {}",
                            range.start(),
                            range.end()
                        ),
                    ));
                };
                let declared = match xml::attr(e, "values") {
                    None => None,
                    Some(v) => Some(v.parse::<u32>().map_err(|_| {
                        ctx.err_at(
                            pos,
                            format!("<axis values=\"{v}\">: values must be a number"),
                        )
                    })?),
                };
                let twice = if in_row {
                    self.row
                        .as_ref()
                        .is_some_and(|r| r.axes[usize::from(axis_pos - 4)].is_some())
                } else {
                    self.table
                        .as_ref()
                        .is_some_and(|t| t.axes[usize::from(axis_pos - 1)].is_some())
                };
                if twice {
                    return Err(ctx.err_at(
                        pos,
                        format!(
                            "axis pos=\"{axis_pos}\" ({}) is given twice in this <{parent}>",
                            axis_name(axis_pos)
                        ),
                    ));
                }
                self.axis = Some(AxisBuild {
                    pos: axis_pos,
                    start: pos,
                    declared,
                    title: NONE,
                    mask: 0,
                    values: Vec::new(),
                    definition: NONE,
                    label_code: 0,
                });
                Ok(false)
            }
            ("axis", "title" | "definition") => Ok(true),
            ("axis", "label") => {
                let code = xml::attr(e, "code").unwrap_or_default();
                let b = code.as_bytes();
                if b.len() != 1 || !is_pcs_char(b[0]) {
                    return Err(ctx.err_at(
                        pos,
                        format!(
                            "<label code=\"{code}\">: a PCS character is one digit or capital letter other than I and O"
                        ),
                    ));
                }
                if let Some(axis) = self.axis.as_mut() {
                    if axis.mask & bit(b[0]) != 0 {
                        return Err(ctx.err_at(
                            pos,
                            format!(
                                "label {code} is given twice in axis pos=\"{}\" ({})",
                                axis.pos,
                                axis_name(axis.pos)
                            ),
                        ));
                    }
                    axis.mask |= bit(b[0]);
                    axis.label_code = b[0];
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn end(&mut self, ctx: &Ctx<'_>, name: &str, text: &str, start: u64) -> Result<()> {
        match name {
            "version" => self.year = text.parse::<i16>().ok(),
            "title" => {
                if let Some(axis) = self.axis.as_mut() {
                    axis.title = self.strings.intern(text);
                }
            }
            "definition" => {
                if let Some(axis) = self.axis.as_mut() {
                    axis.definition = self.strings.intern(text);
                }
            }
            "label" => {
                if text.is_empty() {
                    return Err(ctx.err_at(start, "<label> without text"));
                }
                if let Some(axis) = self.axis.as_mut() {
                    let label = self.strings.intern(text);
                    axis.values.push(Value {
                        ch: axis.label_code,
                        _pad: [0; 3],
                        label,
                    });
                }
            }
            "axis" => self.end_axis(ctx)?,
            "pcsRow" => self.end_row(ctx)?,
            "pcsTable" => self.end_table(ctx)?,
            _ => {}
        }
        Ok(())
    }
}

impl Tables {
    fn end_axis(&mut self, ctx: &Ctx<'_>) -> Result<()> {
        let Some(mut axis) = self.axis.take() else {
            return Ok(());
        };
        let what = format!("axis pos=\"{}\" ({})", axis.pos, axis_name(axis.pos));
        if axis.title == NONE {
            return Err(ctx.err_at(axis.start, format!("{what} has no <title>")));
        }
        if axis.values.is_empty() {
            return Err(ctx.err_at(axis.start, format!("{what} has no <label>")));
        }
        if let Some(n) = axis.declared
            && n as usize != axis.values.len()
        {
            return Err(ctx.err_at(
                axis.start,
                format!(
                    "{what} declares values=\"{n}\" but has {} labels",
                    axis.values.len()
                ),
            ));
        }
        if axis.pos <= 3 {
            if axis.values.len() != 1 {
                return Err(ctx.err_at(
                    axis.start,
                    format!("{what} of a table must have exactly one label"),
                ));
            }
            let Some(table) = self.table.as_mut() else {
                return Ok(());
            };
            let v = axis.values[0];
            table.axes[usize::from(axis.pos - 1)] = Some((v.ch, axis.title, v.label));
            if axis.pos == 3 {
                table.definition = axis.definition;
            }
        } else {
            let Some(row) = self.row.as_mut() else {
                return Ok(());
            };
            axis.values.sort_by_key(|v| v.ch);
            let start = self.values.len() as u32;
            let len = axis.values.len() as u32;
            self.values.extend_from_slice(&axis.values);
            row.axes[usize::from(axis.pos - 4)] = Some(RowAxis {
                title: axis.title,
                mask: axis.mask,
                start,
                len,
                _pad: 0,
            });
        }
        Ok(())
    }

    fn end_row(&mut self, ctx: &Ctx<'_>) -> Result<()> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let mut axes = [RowAxis::default(); 4];
        for (i, axis) in row.axes.iter().enumerate() {
            let p = i as u8 + 4;
            match axis {
                Some(a) => axes[i] = *a,
                None => {
                    return Err(ctx.err_at(
                        row.start,
                        format!("<pcsRow> has no axis pos=\"{p}\" ({})", axis_name(p)),
                    ));
                }
            }
        }
        let row = (Row { axes }, row.start, row.declared);
        let product = row.0.code_count();
        if let Some(n) = row.2
            && n != product
        {
            return Err(ctx.err_at(
                row.1,
                format!("<pcsRow codes=\"{n}\"> but its axes allow {product} codes"),
            ));
        }
        if let Some(table) = self.table.as_mut() {
            if table.rows.iter().any(|r| r.overlaps(&row.0)) {
                return Err(ctx.err_at(
                    row.1,
                    "this <pcsRow> allows codes an earlier row of the table already allows",
                ));
            }
            table.rows.push(row.0);
        }
        Ok(())
    }

    fn end_table(&mut self, ctx: &Ctx<'_>) -> Result<()> {
        let Some(table) = self.table.take() else {
            return Ok(());
        };
        let mut code = [0u8; 3];
        let mut title = [NONE; 3];
        let mut label = [NONE; 3];
        for (i, axis) in table.axes.iter().enumerate() {
            let p = i as u8 + 1;
            let Some((ch, t, l)) = axis else {
                return Err(ctx.err_at(
                    table.start,
                    format!("<pcsTable> has no axis pos=\"{p}\" ({})", axis_name(p)),
                ));
            };
            code[i] = *ch;
            title[i] = *t;
            label[i] = *l;
        }
        let shown = String::from_utf8_lossy(&code).into_owned();
        if table.rows.is_empty() {
            return Err(ctx.err_at(table.start, format!("table {shown} has no <pcsRow>")));
        }
        if let Some(&first) = self.first_seen.get(&code) {
            let (line, _) = crate::error::line_col(ctx.src.as_bytes(), first as usize);
            return Err(ctx.err_at(
                table.start,
                format!("table {shown} is given twice (first at line {line})"),
            ));
        }
        self.first_seen.insert(code, table.start);
        let rows_start = self.rows.len() as u32;
        let rows_len = table.rows.len() as u32;
        self.rows.extend(table.rows);
        self.tables.push(Table {
            code,
            _pad: 0,
            title,
            label,
            definition: table.definition,
            rows_start,
            rows_len,
        });
        Ok(())
    }
}
