//! The prebuilt table of one setting and quarter: sorted arrays of fixed-size records.
//!
//! File layout (little-endian): a 32-byte header (magic `RCMNCCI1`, format version, table
//! kind, record count, rationale count, payload length, CRC-32 of the payload, reserved),
//! then the payload: the keys (PTP: `u64` = column 1 << 32 | column 2, sorted, a pair
//! repeated once per effective date; MUE: `u32` code, strictly increasing), the records
//! in the same order, and the rationale texts (`u32` length + UTF-8 each). Loading is one
//! read, a checksum, a copy of each array into typed vectors (`bytemuck`, so no alignment
//! is assumed) and a check of every record, after which lookups trust the arrays: a binary
//! search over the keys, no allocation.

use std::path::Path;

use bytemuck::{Pod, Zeroable};

use super::code::{CODE_LIMIT, ProcCode};
use super::error::{NcciError, Result};
use super::read::{MueRow, PtpRow, TableKind, ymd_to_date};

const MAGIC: &[u8; 8] = b"RCMNCCI1";
pub(crate) const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 32;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug, PartialEq, Eq)]
pub(crate) struct PtpRec {
    /// yyyymmdd.
    pub effective: u32,
    /// yyyymmdd, 0 when the edit has no deletion date.
    pub deletion: u32,
    pub rationale: u16,
    pub modifier: u8,
    /// Bit 0: in existence prior to 1996.
    pub flags: u8,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug, PartialEq, Eq)]
pub(crate) struct MueRec {
    pub units: u32,
    pub rationale: u16,
    pub indicator: u8,
    pub _pad: u8,
}

pub(crate) enum Records {
    Ptp {
        keys: Vec<u64>,
        recs: Vec<PtpRec>,
        /// Each distinct column 1 code and where its rows start in `keys` (built on load;
        /// ~12,000 entries that stay in cache, so a lookup touches the big array once).
        col1: Vec<u32>,
        col1_start: Vec<u32>,
    },
    Mue {
        keys: Vec<u32>,
        recs: Vec<MueRec>,
    },
}

/// One loaded table.
pub(crate) struct Table {
    pub records: Records,
    pub rationales: Vec<String>,
}

fn kind_code(kind: TableKind) -> u32 {
    match kind {
        TableKind::PtpPractitioner => 1,
        TableKind::PtpHospital => 2,
        TableKind::MuePractitioner => 3,
        TableKind::MueHospital => 4,
        TableKind::MueDme => 5,
    }
}

pub(crate) fn ptp_key(column1: u32, column2: u32) -> u64 {
    (u64::from(column1) << 32) | u64::from(column2)
}

/// Builds the file of a PTP table from rows sorted by key and effective date (no
/// duplicates); `rationales` are the table's own texts, indexed by the rows.
pub(crate) fn build_ptp(kind: TableKind, rows: &[PtpRow], rationales: &[String]) -> Vec<u8> {
    let keys: Vec<u64> = rows.iter().map(|r| ptp_key(r.column1, r.column2)).collect();
    let recs: Vec<PtpRec> = rows
        .iter()
        .map(|r| PtpRec {
            effective: r.effective,
            deletion: r.deletion,
            rationale: r.rationale as u16,
            modifier: r.modifier,
            flags: u8::from(r.prior_1996),
        })
        .collect();
    assemble(
        kind,
        rows.len(),
        bytemuck::cast_slice(&keys),
        bytemuck::cast_slice(&recs),
        rationales,
    )
}

pub(crate) fn build_mue(kind: TableKind, rows: &[MueRow], rationales: &[String]) -> Vec<u8> {
    let keys: Vec<u32> = rows.iter().map(|r| r.code).collect();
    let recs: Vec<MueRec> = rows
        .iter()
        .map(|r| MueRec {
            units: r.units,
            rationale: r.rationale as u16,
            indicator: r.indicator,
            _pad: 0,
        })
        .collect();
    assemble(
        kind,
        rows.len(),
        bytemuck::cast_slice(&keys),
        bytemuck::cast_slice(&recs),
        rationales,
    )
}

fn assemble(
    kind: TableKind,
    count: usize,
    keys: &[u8],
    recs: &[u8],
    rationales: &[String],
) -> Vec<u8> {
    let mut payload = Vec::with_capacity(keys.len() + recs.len() + 4096);
    payload.extend_from_slice(keys);
    payload.extend_from_slice(recs);
    for r in rationales {
        payload.extend_from_slice(&(r.len() as u32).to_le_bytes());
        payload.extend_from_slice(r.as_bytes());
    }
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    for v in [
        FORMAT_VERSION,
        kind_code(kind),
        count as u32,
        rationales.len() as u32,
        payload.len() as u32,
        crc32fast::hash(&payload),
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&payload);
    out
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads and checks a table file.
pub(crate) fn load(path: &Path, kind: TableKind) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| NcciError::io(path, e))?;
    parse(&bytes, kind).map_err(|m| {
        NcciError::store(
            path,
            format!("{m}; import the NCCI files again (`rcm edits import`)"),
        )
    })
}

/// Checks a table file's bytes; the error says what is wrong.
pub(crate) fn parse(bytes: &[u8], kind: TableKind) -> std::result::Result<Table, String> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err("not an rcm NCCI table".into());
    }
    let field = |i: usize| u32_at(bytes, 8 + 4 * i).ok_or("truncated header");
    let format = field(0)?;
    if format != FORMAT_VERSION {
        return Err(format!(
            "table format {format}, this rcm reads {FORMAT_VERSION}"
        ));
    }
    if field(1)? != kind_code(kind) {
        return Err(format!("not a {} table", kind.label()));
    }
    let count = field(2)? as usize;
    let n_rationales = field(3)? as usize;
    let payload_len = field(4)? as usize;
    let crc = field(5)?;
    let payload = &bytes[HEADER_LEN..];
    if payload.len() != payload_len {
        return Err(format!(
            "truncated: {} bytes of {payload_len}",
            payload.len()
        ));
    }
    if crc32fast::hash(payload) != crc {
        return Err("checksum mismatch (the file is damaged)".into());
    }
    let (key_size, rec_size) = if kind.is_ptp() {
        (8, size_of::<PtpRec>())
    } else {
        (4, size_of::<MueRec>())
    };
    let keys_end = count.checked_mul(key_size).ok_or("count out of range")?;
    let recs_end = count
        .checked_mul(rec_size)
        .and_then(|n| n.checked_add(keys_end))
        .ok_or("count out of range")?;
    if recs_end > payload.len() {
        return Err("record count larger than the file".into());
    }
    // Rationale texts.
    let mut rationales = Vec::with_capacity(n_rationales.min(65536));
    let mut off = recs_end;
    for _ in 0..n_rationales {
        let len = u32_at(payload, off).ok_or("truncated rationale")? as usize;
        let text = payload
            .get(off + 4..off + 4 + len)
            .ok_or("truncated rationale")?;
        let text = std::str::from_utf8(text).map_err(|_| "rationale is not UTF-8")?;
        rationales.push(text.to_string());
        off += 4 + len;
    }
    if off != payload.len() {
        return Err("trailing bytes after the rationales".into());
    }
    let n_r = rationales.len();
    let records = if kind.is_ptp() {
        let keys: Vec<u64> = bytemuck::pod_collect_to_vec(&payload[..keys_end]);
        let recs: Vec<PtpRec> = bytemuck::pod_collect_to_vec(&payload[keys_end..recs_end]);
        let mut prev: Option<(u64, u32)> = None;
        for (k, r) in keys.iter().zip(&recs) {
            let (c1, c2) = ((k >> 32) as u32, *k as u32);
            if c1 >= CODE_LIMIT || c2 >= CODE_LIMIT {
                return Err("a code out of range".into());
            }
            if prev.is_some_and(|p| p >= (*k, r.effective)) {
                return Err("records out of order".into());
            }
            prev = Some((*k, r.effective));
            if ymd_to_date(r.effective).is_none()
                || (r.deletion != 0 && ymd_to_date(r.deletion).is_none())
            {
                return Err("an invalid date".into());
            }
            if !matches!(r.modifier, 0 | 1 | 9) || r.flags > 1 || r.rationale as usize >= n_r {
                return Err("an invalid record".into());
            }
        }
        let mut col1: Vec<u32> = Vec::new();
        let mut col1_start: Vec<u32> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let c1 = (k >> 32) as u32;
            if col1.last() != Some(&c1) {
                col1.push(c1);
                col1_start.push(i as u32);
            }
        }
        col1_start.push(keys.len() as u32);
        Records::Ptp {
            keys,
            recs,
            col1,
            col1_start,
        }
    } else {
        let keys: Vec<u32> = bytemuck::pod_collect_to_vec(&payload[..keys_end]);
        let recs: Vec<MueRec> = bytemuck::pod_collect_to_vec(&payload[keys_end..recs_end]);
        let mut prev: Option<u32> = None;
        for (k, r) in keys.iter().zip(&recs) {
            if *k >= CODE_LIMIT || prev.is_some_and(|p| p >= *k) {
                return Err("codes out of order or out of range".into());
            }
            prev = Some(*k);
            if !(1..=3).contains(&r.indicator) || r.rationale as usize >= n_r {
                return Err("an invalid record".into());
            }
        }
        Records::Mue { keys, recs }
    };
    Ok(Table {
        records,
        rationales,
    })
}

impl Table {
    /// The record of a pair in effect on `dos` (yyyymmdd): effective on or before it,
    /// deletion date absent or on or after it (see [`super::PtpEdit`]).
    pub fn ptp(&self, c1: ProcCode, c2: ProcCode, dos: u32) -> Option<&PtpRec> {
        let (keys, recs) = self.pair_range(c1, c2)?;
        let mut found = None;
        for (_, r) in keys.iter().zip(recs) {
            if r.effective <= dos && (r.deletion == 0 || dos <= r.deletion) {
                found = Some(r);
            }
        }
        found
    }

    /// The rows of one pair (one per effective date).
    fn pair_range(&self, c1: ProcCode, c2: ProcCode) -> Option<(&[u64], &[PtpRec])> {
        let Records::Ptp {
            keys,
            recs,
            col1,
            col1_start,
        } = &self.records
        else {
            return None;
        };
        let i = col1.binary_search(&c1.packed()).ok()?;
        let (s, e) = (
            *col1_start.get(i)? as usize,
            *col1_start.get(i + 1)? as usize,
        );
        let rows = keys.get(s..e)?;
        let key = ptp_key(c1.packed(), c2.packed());
        let a = rows.partition_point(|k| *k < key);
        let b = a + rows.get(a..)?.partition_point(|k| *k == key);
        Some((rows.get(a..b)?, recs.get(s + a..s + b)?))
    }

    pub fn mue(&self, code: ProcCode) -> Option<&MueRec> {
        let Records::Mue { keys, recs } = &self.records else {
            return None;
        };
        let i = keys.binary_search(&code.packed()).ok()?;
        recs.get(i)
    }

    /// Every record of a pair, all dates (for `rcm edits ptp`).
    pub fn ptp_history(&self, c1: ProcCode, c2: ProcCode) -> &[PtpRec] {
        self.pair_range(c1, c2).map_or(&[], |(_, r)| r)
    }

    pub fn rationale(&self, i: u16) -> &str {
        self.rationales.get(i as usize).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(c1: &str, c2: &str, eff: u32, del: u32, m: u8) -> PtpRow {
        PtpRow {
            column1: ProcCode::parse(c1).map_or(0, ProcCode::packed),
            column2: ProcCode::parse(c2).map_or(0, ProcCode::packed),
            effective: eff,
            deletion: del,
            modifier: m,
            prior_1996: false,
            rationale: 0,
            source: 0,
            line: 0,
        }
    }

    #[test]
    fn round_trip_and_damage() {
        let rows = vec![
            row("93000", "93005", 19960101, 0, 0),
            row("97140", "97530", 20200101, 20201231, 1),
            row("97140", "97530", 20210101, 0, 1),
        ];
        let bytes = build_ptp(
            TableKind::PtpPractitioner,
            &rows,
            &["Mutually exclusive".into()],
        );
        let t = parse(&bytes, TableKind::PtpPractitioner).unwrap_or_else(|e| panic!("{e}"));
        let c = |s| ProcCode::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(
            t.ptp(c("97140"), c("97530"), 20201231).map(|r| r.effective),
            Some(20200101)
        );
        assert_eq!(
            t.ptp(c("97140"), c("97530"), 20210101).map(|r| r.effective),
            Some(20210101)
        );
        assert!(t.ptp(c("97140"), c("97530"), 20191231).is_none());
        assert!(t.ptp(c("97530"), c("97140"), 20210101).is_none());
        assert_eq!(t.ptp_history(c("97140"), c("97530")).len(), 2);
        assert!(parse(&bytes, TableKind::PtpHospital).is_err());
        for i in [0, 9, 20, 40, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(parse(&bad, TableKind::PtpPractitioner).is_err(), "byte {i}");
        }
        assert!(parse(&bytes[..bytes.len() - 3], TableKind::PtpPractitioner).is_err());
    }
}
