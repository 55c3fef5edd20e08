//! The stored form of a [`PcsSet`]: `RCMPCS01`, the payload length (u64) and its CRC-32,
//! then the payload: the year, the string buffer, and each record list as a count and
//! its records' bytes (spans, tables, rows, values: plain little-endian records copied
//! in one go), then definitions and index terms. Loading checks the checksum and then
//! every length, range and id, so damaged or crafted bytes give an error and never a
//! panic or a huge allocation; the axis masks are recomputed from the values rather
//! than trusted.

use std::path::Path;

use bytemuck::Pod;

use super::{Definition, NONE, PcsSet, Str, Strings, bit, is_pcs_char};
use crate::error::{CodesError, Result};

const MAGIC: &[u8; 8] = b"RCMPCS01";
const HEADER: usize = 8 + 8 + 4;

struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn strs(&mut self, v: &[Str]) {
        self.len(v.len());
        for &s in v {
            self.u32(s);
        }
    }
    fn records<T: Pod>(&mut self, v: &[T]) {
        self.len(v.len());
        self.0.extend_from_slice(bytemuck::cast_slice(v));
    }
}

pub(crate) fn to_bytes(set: &PcsSet) -> Vec<u8> {
    let mut o = Out(Vec::with_capacity(set.strings.text.len() * 2 + 1024));
    match set.year {
        Some(y) => {
            o.u8(1);
            o.0.extend_from_slice(&y.to_le_bytes());
        }
        None => {
            o.u8(0);
            o.0.extend_from_slice(&[0, 0]);
        }
    }
    o.len(set.strings.text.len());
    o.0.extend_from_slice(set.strings.text.as_bytes());
    o.records(&set.strings.spans);
    o.records(&set.tables);
    o.records(&set.rows);
    o.records(&set.values);
    o.len(set.definitions.len());
    for d in &set.definitions {
        o.u8(d.section);
        o.u8(d.position);
        o.u32(d.axis_title);
        o.strs(&d.titles);
        o.u32(d.definition);
        o.u32(d.explanation);
        o.strs(&d.includes);
    }
    o.records(&set.index);
    let payload = o.0;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

struct In<'a> {
    b: &'a [u8],
    at: usize,
}

type R<T> = std::result::Result<T, String>;

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| format!("ends early at byte {}", self.at))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> R<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    /// A count of items of at least `min_size` bytes each, checked against what is left.
    fn count(&mut self, min_size: usize) -> R<usize> {
        let n = self.u32()? as usize;
        let left = self.b.len() - self.at;
        if n.saturating_mul(min_size) > left {
            return Err(format!(
                "a count of {n} at byte {} exceeds the data",
                self.at
            ));
        }
        Ok(n)
    }
    fn strs(&mut self) -> R<Vec<Str>> {
        let n = self.count(4)?;
        (0..n).map(|_| self.u32()).collect()
    }
    fn records<T: Pod>(&mut self) -> R<Vec<T>> {
        let size = std::mem::size_of::<T>();
        let n = self.count(size)?;
        let bytes = self.take(n * size)?;
        Ok(bytemuck::pod_collect_to_vec(bytes))
    }
}

pub(crate) fn from_bytes(path: &Path, bytes: &[u8]) -> Result<PcsSet> {
    let corrupt = |message: String| CodesError::CorruptIndex {
        path: path.to_path_buf(),
        message,
    };
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(corrupt("not an ICD-10-PCS store (RCMPCS01)".into()));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[8..16]);
    let len = u64::from_le_bytes(len);
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        return Err(corrupt(format!(
            "{} payload bytes where {len} were stored",
            payload.len()
        )));
    }
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&bytes[16..20]);
    if crc32fast::hash(payload) != u32::from_le_bytes(crc) {
        return Err(corrupt("checksum mismatch".into()));
    }
    decode(payload).map_err(corrupt)
}

fn decode(payload: &[u8]) -> R<PcsSet> {
    let mut i = In { b: payload, at: 0 };
    let has_year = i.u8()?;
    let y = i.take(2)?;
    let year = (has_year == 1).then(|| i16::from_le_bytes([y[0], y[1]]));

    let n = i.count(1)?;
    let text = std::str::from_utf8(i.take(n)?)
        .map_err(|_| "the string buffer is not UTF-8".to_string())?
        .to_string();
    let spans: Vec<[u32; 2]> = i.records()?;
    if spans
        .iter()
        .any(|&[a, b]| text.get(a as usize..b as usize).is_none())
    {
        return Err("a string span is outside the buffer".into());
    }
    let n_strings = spans.len() as u32;
    let check = |s: Str| -> R<Str> {
        if s == NONE || s < n_strings {
            Ok(s)
        } else {
            Err(format!("string id {s} out of range"))
        }
    };
    let ok = |s: Str| s == NONE || s < n_strings;

    let tables: Vec<super::Table> = i.records()?;
    let mut rows: Vec<super::Row> = i.records()?;
    let values: Vec<super::Value> = i.records()?;
    for (k, t) in tables.iter().enumerate() {
        if !t.code.iter().all(|&b| is_pcs_char(b)) {
            return Err("a table code has a character that is not PCS".into());
        }
        if k > 0 && tables[k - 1].code >= t.code {
            return Err("tables are not in order".into());
        }
        if !t.title.iter().chain(&t.label).all(|&s| ok(s)) || !ok(t.definition) {
            return Err("a table names a string out of range".into());
        }
        let end = u64::from(t.rows_start) + u64::from(t.rows_len);
        if t.rows_len == 0 || end > rows.len() as u64 {
            return Err("a table's rows are outside the row list".into());
        }
    }
    if values.iter().any(|v| !is_pcs_char(v.ch) || !ok(v.label)) {
        return Err("a value has a character that is not PCS or a label out of range".into());
    }
    for r in &mut rows {
        for a in &mut r.axes {
            let end = u64::from(a.start) + u64::from(a.len);
            if a.len == 0 || end > values.len() as u64 || !ok(a.title) {
                return Err("a row's values are outside the value list".into());
            }
            let mut mask = 0u64;
            for v in &values[a.start as usize..end as usize] {
                if mask & bit(v.ch) != 0 {
                    return Err("a row gives a value twice".into());
                }
                mask |= bit(v.ch);
            }
            a.mask = mask;
        }
    }

    let n = i.count(2 + 4 * 5)?;
    let mut definitions = Vec::with_capacity(n);
    for _ in 0..n {
        let section = i.u8()?;
        let position = i.u8()?;
        let axis_title = check(i.u32()?)?;
        let titles = i.strs()?.into_iter().map(check).collect::<R<Vec<_>>>()?;
        let definition = check(i.u32()?)?;
        let explanation = check(i.u32()?)?;
        let includes = i.strs()?.into_iter().map(check).collect::<R<Vec<_>>>()?;
        definitions.push(Definition {
            section,
            position,
            axis_title,
            titles,
            definition,
            explanation,
            includes,
        });
    }
    let index: Vec<super::IndexTerm> = i.records()?;
    for (k, t) in index.iter().enumerate() {
        if t.parent != NONE && t.parent as usize >= k {
            return Err("an index term's parent does not come before it".into());
        }
        if ![t.title, t.code, t.see, t.use_].iter().all(|&s| ok(s)) {
            return Err("an index term names a string out of range".into());
        }
    }
    if i.at != payload.len() {
        return Err(format!(
            "{} unexpected bytes at the end",
            payload.len() - i.at
        ));
    }
    Ok(PcsSet {
        year,
        strings: Strings {
            text,
            spans,
            map: Default::default(),
        },
        tables,
        rows,
        values,
        definitions,
        index,
        search: Default::default(),
    })
}
