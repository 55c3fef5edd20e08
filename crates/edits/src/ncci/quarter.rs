//! Calendar quarters: NCCI tables are published for January 1, April 1, July 1 and
//! October 1. A PTP file names its version (`ccipra-v323r0-f1`: version 32.3, revision 0);
//! the version's whole part counts years from 1994 and its tenth the quarter (x.0 January
//! … x.3 October), so 29.3 is October 2023 and 32.3 October 2026. An MUE file names its
//! effective date (`MCR_MUE_PractitionerServices_Eff_10-01-2026`).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Quarter {
    pub year: i16,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub fn new(year: i16, q: u8) -> Option<Quarter> {
        ((1..=4).contains(&q) && (1990..=2199).contains(&year)).then_some(Quarter { year, q })
    }

    /// The quarter a date falls in.
    pub fn of(date: Date) -> Quarter {
        Quarter {
            year: date.year(),
            q: ((date.month() - 1) / 3 + 1) as u8,
        }
    }

    /// First day of the quarter.
    pub fn start(self) -> Date {
        Date::new(self.year, (self.q as i8 - 1) * 3 + 1, 1).unwrap_or(Date::MIN)
    }

    /// Last day of the quarter.
    pub fn end(self) -> Date {
        let next = if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        };
        next.start().yesterday().unwrap_or(Date::MAX)
    }

    /// The NCCI version number of the quarter, "32.3" for 2026Q4.
    pub fn ncci_version(self) -> String {
        format!("{}.{}", self.year - 1994, self.q - 1)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = String;
    /// `2026Q4`, `2026-Q4`, `2026q4`, `q4-2026`.
    fn from_str(s: &str) -> Result<Quarter, String> {
        let t: String = s
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '_' | '/'))
            .collect();
        let parsed = if let Some((y, q)) = t.split_once('Q') {
            if y.is_empty() {
                // Q4 2026
                let (q, y) = q.split_at(q.len().min(1));
                y.parse::<i16>().ok().zip(q.parse::<u8>().ok())
            } else {
                y.parse::<i16>().ok().zip(q.parse::<u8>().ok())
            }
        } else {
            None
        };
        parsed
            .and_then(|(y, q)| Quarter::new(y, q))
            .ok_or_else(|| format!("\"{s}\" is not a quarter: write it like 2026Q4"))
    }
}

impl serde::Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Quarter, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a file name says about its quarter: the PTP version (`v323r0`) or the MUE
/// effective date (`Eff_10-01-2026`), with the revision when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameHint {
    pub quarter: Quarter,
    /// `v323r0` as written, or `Eff_10-01-2026`.
    pub label: String,
}

pub(crate) fn hint_from_name(name: &str) -> Option<NameHint> {
    let lower = name.to_ascii_lowercase();
    let b = lower.as_bytes();
    // PTP: "v" followed by 3 or 4 digits and "r" and digits: v323r0 → 32.3.
    for i in 0..b.len() {
        if b[i] != b'v' || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let digits: usize = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(3..=4).contains(&digits) || b.get(i + 1 + digits) != Some(&b'r') {
            continue;
        }
        let num = &lower[i + 1..i + 1 + digits];
        let (major, minor) = num.split_at(digits - 1);
        let (Ok(major), Ok(minor)) = (major.parse::<i16>(), minor.parse::<u8>()) else {
            continue;
        };
        let rev_digits = b[i + 2 + digits..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if let Some(q) = Quarter::new(1994 + major, minor + 1) {
            return Some(NameHint {
                quarter: q,
                label: lower[i..i + 2 + digits + rev_digits].to_string(),
            });
        }
    }
    // MUE: "eff" then a date MM-DD-YYYY (or MM_DD_YYYY, MMDDYYYY).
    if let Some(pos) = lower.find("eff") {
        let rest = &lower[pos + 3..];
        let digits: String = rest
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
            .filter(char::is_ascii_digit)
            .collect();
        if digits.len() == 8 {
            let (m, rest) = digits.split_at(2);
            let (d, y) = rest.split_at(2);
            if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
                && let Ok(date) = Date::new(y, m, d)
            {
                return Some(NameHint {
                    quarter: Quarter::of(date),
                    label: format!("Eff_{:02}-{:02}-{}", m, d, y),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_dates_in_names() {
        let h = hint_from_name("ccipra-v323r0-f1.zip").unwrap_or_else(|| panic!("no hint"));
        assert_eq!(h.quarter.to_string(), "2026Q4");
        assert_eq!(h.label, "v323r0");
        let h = hint_from_name("ccioph-v293r1-f1.TXT").unwrap_or_else(|| panic!("no hint"));
        assert_eq!(h.quarter.to_string(), "2023Q4");
        let h = hint_from_name("MCR_MUE_PractitionerServices_Eff_10-01-2026.zip")
            .unwrap_or_else(|| panic!("no hint"));
        assert_eq!(h.quarter.to_string(), "2026Q4");
        let h = hint_from_name("MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv")
            .unwrap_or_else(|| panic!("no hint"));
        assert_eq!(h.quarter.to_string(), "2026Q2");
        assert_eq!(hint_from_name("edits.txt"), None);
        assert_eq!(hint_from_name("review.txt"), None);
    }

    #[test]
    fn quarters_parse_and_bound() {
        let q: Quarter = "2026q4".parse().unwrap_or_else(|e: String| panic!("{e}"));
        assert_eq!(q.start().to_string(), "2026-10-01");
        assert_eq!(q.end().to_string(), "2026-12-31");
        assert_eq!(q.ncci_version(), "32.3");
        assert!("2026Q5".parse::<Quarter>().is_err());
        assert!("Q4 2026".parse::<Quarter>().is_ok());
        let d = Date::new(2026, 5, 17).unwrap_or(Date::MIN);
        assert_eq!(Quarter::of(d).to_string(), "2026Q2");
    }
}
