//! Procedure codes (CPT and HCPCS Level II: five characters, digits and capital letters)
//! packed into a `u32` in base 36, so the tables are arrays of fixed-size records and a
//! lookup compares integers. 36^5 = 60,466,176 fits with room to spare; the packing keeps
//! the order of the codes as text (digits before letters).

use std::fmt;

/// Largest packed value + 1.
pub(crate) const CODE_LIMIT: u32 = 36 * 36 * 36 * 36 * 36;

/// A five-character CPT or HCPCS code, as it appears in the NCCI tables.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ProcCode(u32);

impl ProcCode {
    /// Reads a code as written on a claim line: five letters or digits, any case,
    /// surrounding spaces ignored. Does not allocate.
    pub fn parse(s: &str) -> Option<ProcCode> {
        let b = s.trim().as_bytes();
        if b.len() != 5 {
            return None;
        }
        let mut v: u32 = 0;
        for &c in b {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'A'..=b'Z' => c - b'A' + 10,
                b'a'..=b'z' => c - b'a' + 10,
                _ => return None,
            };
            v = v * 36 + u32::from(d);
        }
        Some(ProcCode(v))
    }

    pub(crate) fn packed(self) -> u32 {
        self.0
    }

    /// The five characters.
    pub fn bytes(self) -> [u8; 5] {
        let mut out = [b'0'; 5];
        let mut v = self.0;
        for slot in out.iter_mut().rev() {
            let d = (v % 36) as u8;
            *slot = if d < 10 { b'0' + d } else { b'A' + d - 10 };
            v /= 36;
        }
        out
    }
}

impl fmt::Display for ProcCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.bytes();
        for c in b {
            write!(f, "{}", c as char)?;
        }
        Ok(())
    }
}

impl serde::Serialize for ProcCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        for c in [
            "00100", "99213", "J3301", "0001T", "G0471", "ZZZZZ", "A0021",
        ] {
            let p = ProcCode::parse(c).unwrap_or_else(|| panic!("{c}"));
            assert_eq!(p.to_string(), c);
        }
        assert_eq!(ProcCode::parse(" j3301 "), ProcCode::parse("J3301"));
        let mut v = ["J3301", "99213", "0001T", "00100", "G0471"];
        let mut packed: Vec<ProcCode> = v.iter().filter_map(|c| ProcCode::parse(c)).collect();
        v.sort();
        packed.sort();
        let back: Vec<String> = packed.iter().map(|p| p.to_string()).collect();
        assert_eq!(back, v);
    }

    #[test]
    fn rejects_other_shapes() {
        for c in ["9921", "992134", "99.13", "", "9921-", "É9921"] {
            assert_eq!(ProcCode::parse(c), None, "{c}");
        }
        assert!(ProcCode::parse("ZZZZZ").is_some_and(|c| c.packed() == CODE_LIMIT - 1));
    }
}
