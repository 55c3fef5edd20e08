//! Writes full-size synthetic NCCI files in the CMS layouts: the practitioner PTP table
//! (500,000 pairs in four parts, `ccipra-v323r0-f1.zip` … `f4`, tab-delimited text with
//! the licence header and the two-line column header) and the practitioner MUE table
//! (15,000 rows, `MCR_MUE_PractitionerServices_Eff_10-01-2026.zip`, CSV). Code shapes are
//! real (five-digit CPT, HCPCS letter + four digits); the pairs are not CMS's. Deterministic.
//!
//! cargo run --release -p rcm-edits --example ncci_synth -- DIR

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

pub const PTP_PAIRS: usize = 500_000;
pub const MUE_ROWS: usize = 15_000;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A pool of distinct codes, sorted: mostly CPT (10021-99499), some HCPCS (A-V + 4 digits).
pub fn code_pool(n: usize, seed: u64) -> Vec<String> {
    let mut rng = XorShift(seed);
    let mut set = std::collections::BTreeSet::new();
    while set.len() < n {
        let c = if rng.below(5) < 4 {
            format!("{:05}", 10021 + rng.below(89_479))
        } else {
            let letters = b"ABCEGJKLQV";
            let l = letters[rng.below(letters.len() as u64) as usize] as char;
            format!("{l}{:04}", rng.below(10_000))
        };
        set.insert(c);
    }
    set.into_iter().collect()
}

const DISCLAIMER: &str = "CPT codes, descriptions and other data only are copyright 2025 American Medical Association. All Rights Reserved.\r\nApplicable FARS/HHSARS apply. Fee schedules, relative value units, conversion factors and/or related components are not assigned by the AMA, are not part of CPT, and the AMA is not recommending their use.\r\nThe AMA does not directly or indirectly practice medicine or dispense medical services. The AMA assumes no liability for data contained or not contained herein.\r\n";

const RATIONALES: [&str; 6] = [
    "Mutually exclusive procedures",
    "Standards of medical / surgical practice",
    "CPT Manual or CMS manual coding instructions",
    "Misuse of column two code with column one code",
    "More extensive procedure",
    "HCPCS/CPT procedure code definition",
];

fn zip_one(path: &Path, member: &str, text: &[u8]) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut z = zip::ZipWriter::new(f);
    z.start_file(
        member,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .map_err(std::io::Error::other)?;
    z.write_all(text)?;
    z.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// Writes the files; returns their paths (PTP parts, then MUE).
pub fn write_all(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let col1 = code_pool(12_500, 7);
    let col2_pool = code_pool(20_000, 11);
    // 40 pairs per column 1 code on average: 500,000 pairs.
    let per = PTP_PAIRS / col1.len();
    let mut out = Vec::new();
    let parts = 4;
    let chunk = col1.len().div_ceil(parts);
    for (p, codes) in col1.chunks(chunk).enumerate() {
        let name = format!("ccipra-v323r0-f{}", p + 1);
        let mut text = String::with_capacity(codes.len() * per * 80);
        text.push_str(DISCLAIMER);
        text.push_str("Practitioner PTP Edits v32.3 (effective 10/01/2026)\r\n");
        text.push_str("Column1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\r\n");
        text.push_str("\t\t\t\t*=no data\t0=not allowed 1=allowed 9=not applicable\t\r\n");
        for c1 in codes {
            let start = rng.below((col2_pool.len() - per * 4) as u64) as usize;
            let mut j = start;
            let mut written = 0;
            while written < per {
                j += 1 + rng.below(3) as usize;
                let c2 = &col2_pool[j];
                if c2 == c1 {
                    continue;
                }
                written += 1;
                let prior = rng.below(10) == 0;
                let year = if prior { 1996 } else { 1997 + rng.below(30) };
                let month = [1, 4, 7, 10][rng.below(4) as usize];
                let effective = format!("{year}{month:02}01");
                let deleted = rng.below(20) == 0 && year < 2026;
                let deletion = if deleted {
                    format!("{}1231", year + 1 + rng.below(2026 - year).min(1))
                } else {
                    "*".to_string()
                };
                let modifier = match rng.below(10) {
                    0..=6 => '1',
                    7..=8 => '0',
                    _ => '9',
                };
                let r = RATIONALES[rng.below(RATIONALES.len() as u64) as usize];
                text.push_str(&format!(
                    "{c1}\t{c2}\t{}\t{effective}\t{deletion}\t{modifier}\t{r}\r\n",
                    if prior { "*" } else { "" }
                ));
            }
        }
        let path = dir.join(format!("{name}.zip"));
        zip_one(&path, &format!("{name}.txt"), text.as_bytes())?;
        out.push(path);
    }
    // MUE: 15,000 codes.
    let codes = code_pool(MUE_ROWS, 13);
    let mut csv = String::new();
    csv.push('"');
    csv.push_str(
        &DISCLAIMER
            .replace('"', "\"\"")
            .trim_end()
            .replace("\r\n", "\n"),
    );
    csv.push_str("\"\r\n");
    csv.push_str("HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n");
    for c in &codes {
        let (ind, rat) = match rng.below(10) {
            0 => ("1 Line Edit", "Nature of Service/Procedure"),
            1..=3 => (
                "2 Date of Service Edit: Policy",
                "Code Descriptor / CPT Instruction",
            ),
            _ => ("3 Date of Service Edit: Clinical", "Clinical: Data"),
        };
        let units = [1, 1, 1, 2, 2, 3, 4, 6, 10, 50, 160][rng.below(11) as usize];
        csv.push_str(&format!("{c},{units},{ind},{rat}\r\n"));
    }
    let name = "MCR_MUE_PractitionerServices_Eff_10-01-2026";
    let path = dir.join(format!("{name}.zip"));
    zip_one(&path, &format!("{name}.csv"), csv.as_bytes())?;
    out.push(path);
    Ok(out)
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("var/ncci-synth"));
    for p in write_all(&dir)? {
        let len = std::fs::metadata(&p)?.len();
        println!("{} ({} bytes)", p.display(), len);
    }
    Ok(())
}
