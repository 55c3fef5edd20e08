//! The X12 standard's syntax notes: relations between the elements of one segment that hold
//! wherever the segment is used ("P0304: if either PER03 or PER04 is present, then the other is
//! required"). They belong to the segment, not to a transaction, so one table keyed by segment
//! ID serves every guide; `tests/syntax_rules.rs` checks it against the pyx12 maps.
//!
//! The five kinds, over the positions a rule lists (two digits each):
//! - `P` paired: if any is present, all are required.
//! - `R` required: at least one is required.
//! - `E` exclusion: not more than one may be present.
//! - `C` conditional: if the first is present, all the others are required.
//! - `L` list conditional: if the first is present, at least one of the others is required.

/// The syntax notes of each segment of the 5010 healthcare transactions that has any.
const TABLE: &[(&str, &str)] = &[
    ("BPR", "P0607 C0809 P1213 C1415 P1819 C2021"),
    (
        "CAS",
        "L050607 C0605 C0705 L080910 C0908 C1008 L111213 C1211 C1311 L141516 C1514 C1614 \
         L171819 C1817 C1917",
    ),
    ("CR1", "P0102 P0506"),
    ("CR2", "P0102 C0403 P0506"),
    ("CR3", "P0203"),
    ("CTP", "P0405 C0607 C0902 C1002 C1103"),
    (
        "CUR",
        "C0807 C0907 L101112 C1110 C1210 L131415 C1413 C1513 L161718 C1716 C1816 L192021 \
         C2019 C2119",
    ),
    ("DMG", "P0102 P1011 C1105"),
    ("DTM", "R020305 C0403 P0506"),
    ("FRM", "R02030405"),
    ("HCP", "R0113 P0910 P1112"),
    (
        "LIN",
        "P0405 P0607 P0809 P1011 P1213 P1415 P1617 P1819 P2021 P2223 P2425 P2627 P2829 P3031",
    ),
    ("LQ", "C0102"),
    ("MEA", "R03050608 L050412 L060412 L07030506 E0803 P1112"),
    ("N1", "R0203 P0304"),
    ("N4", "E0207 C0605 C0704"),
    ("NM1", "P0809 C1110 C1203"),
    ("PAT", "P0506 P0708"),
    ("PER", "P0304 P0506 P0708"),
    ("PLB", "P0506 P0708 P0910 P1112 P1314"),
    ("PRV", "P0203"),
    ("PWK", "P0506"),
    ("QTY", "E0204 R0204"),
    ("REF", "R0203"),
    ("SV1", "P0304"),
    ("SV2", "R0102 P0405"),
    ("SV5", "R0405 C0604"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxKind {
    Paired,
    Required,
    Exclusion,
    Conditional,
    ListConditional,
}

impl SyntaxKind {
    fn letter(self) -> char {
        match self {
            SyntaxKind::Paired => 'P',
            SyntaxKind::Required => 'R',
            SyntaxKind::Exclusion => 'E',
            SyntaxKind::Conditional => 'C',
            SyntaxKind::ListConditional => 'L',
        }
    }
}

/// One syntax note, its positions as bits (bit n = element n) so a check is a few integer
/// operations on the mask of elements a segment sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxRule {
    pub kind: SyntaxKind,
    /// The first position listed (the condition of `C` and `L`).
    pub first: u8,
    /// Every position listed, `first` included.
    pub mask: u64,
}

/// What a segment's elements break: the element to report and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxViolation {
    pub rule: SyntaxRule,
    /// The element the 999 points at: the missing one, or for `E` the second one sent.
    pub element: u8,
    /// IK403: "2" (conditional required data element missing) or "10" (exclusion condition
    /// violated).
    pub ack: &'static str,
}

impl SyntaxRule {
    /// Parses "P0304"; `None` for anything else (a table error, caught by the unit tests).
    pub fn parse(s: &str) -> Option<SyntaxRule> {
        let mut chars = s.chars();
        let kind = match chars.next()? {
            'P' => SyntaxKind::Paired,
            'R' => SyntaxKind::Required,
            'E' => SyntaxKind::Exclusion,
            'C' => SyntaxKind::Conditional,
            'L' => SyntaxKind::ListConditional,
            _ => return None,
        };
        let digits = chars.as_str().as_bytes();
        if digits.len() < 4
            || !digits.len().is_multiple_of(2)
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let mut mask = 0u64;
        let mut first = 0u8;
        for (i, pair) in digits.chunks_exact(2).enumerate() {
            let pos = (pair[0] - b'0') * 10 + (pair[1] - b'0');
            if pos == 0 || pos >= 64 || mask & (1 << pos) != 0 {
                return None;
            }
            if i == 0 {
                first = pos;
            }
            mask |= 1 << pos;
        }
        Some(SyntaxRule { kind, first, mask })
    }

    /// The positions as the standard lists them: the first (the condition of `C` and `L`), then
    /// the others ascending.
    fn positions(&self) -> impl Iterator<Item = u8> + '_ {
        let first = self.first;
        let rest = (1..64u8).filter(move |&p| p != first && self.mask & (1 << p) != 0);
        std::iter::once(first).chain(rest)
    }

    /// The rule's name as the guides print it ("P0304", "L050607").
    pub fn name(&self) -> String {
        let mut s = String::with_capacity(1 + 2 * self.mask.count_ones() as usize);
        s.push(self.kind.letter());
        for p in self.positions() {
            s.push_str(&format!("{p:02}"));
        }
        s
    }

    /// True when the elements of `present` (bit n = element n has data) keep the rule: the
    /// quick test every segment gets; [`SyntaxRule::check`] says what is wrong when one fails.
    #[inline]
    pub fn holds(&self, present: u64) -> bool {
        let sent = present & self.mask;
        let first_bit = 1u64 << self.first;
        match self.kind {
            SyntaxKind::Paired => sent == 0 || sent == self.mask,
            SyntaxKind::Required => sent != 0,
            SyntaxKind::Exclusion => sent & sent.wrapping_sub(1) == 0,
            SyntaxKind::Conditional => sent & first_bit == 0 || sent == self.mask,
            SyntaxKind::ListConditional => sent & first_bit == 0 || sent != first_bit,
        }
    }

    /// Checks the rule against `present` (bit n set when element n has data), given what the
    /// implementation guide says of the positions: a rule never demands an element the guide
    /// marks Not Used (`not_used`; sending it is an error of its own), and an element the guide
    /// marks Required (`required`) is reported missing as such, not a second time here.
    pub fn check(&self, present: u64, not_used: u64, required: u64) -> Option<SyntaxViolation> {
        let sent = present & self.mask;
        let first_bit = 1u64 << self.first;
        let demand = |m: u64| {
            let m = m & !not_used;
            (m != 0).then(|| SyntaxViolation {
                rule: *self,
                element: m.trailing_zeros() as u8,
                ack: "2",
            })
        };
        match self.kind {
            SyntaxKind::Paired if sent != 0 => demand(self.mask & !present & !required),
            SyntaxKind::Conditional if sent & first_bit != 0 => {
                demand(self.mask & !present & !required)
            }
            // "At least one of": a guide-required element among them already demands it.
            SyntaxKind::Required if sent == 0 && self.mask & required == 0 => demand(self.mask),
            // Any one of the others would do: the finding points at the first one allowed.
            SyntaxKind::ListConditional
                if sent == first_bit && self.mask & !first_bit & required == 0 =>
            {
                demand(self.mask & !first_bit)
            }
            // An element the guide does not use is reported as such when sent, not here.
            SyntaxKind::Exclusion if (sent & !not_used).count_ones() > 1 => {
                // The first element sent stands; the next one breaks the rule.
                let sent = sent & !not_used;
                let second = sent & (sent - 1);
                Some(SyntaxViolation {
                    rule: *self,
                    element: second.trailing_zeros() as u8,
                    ack: "10",
                })
            }
            _ => None,
        }
    }

    /// What the rule says, in words a biller reads next to the finding.
    pub fn describe(&self, seg_id: &str) -> String {
        let list = |ps: &mut dyn Iterator<Item = u8>| {
            ps.map(|p| format!("{seg_id}{p:02}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let others = || {
            let first = self.first;
            list(&mut self.positions().filter(move |&p| p != first))
        };
        let first = format!("{seg_id}{:02}", self.first);
        match self.kind {
            SyntaxKind::Paired => format!("{} must be sent together", list(&mut self.positions())),
            SyntaxKind::Required => {
                format!(
                    "at least one of {} is required",
                    list(&mut self.positions())
                )
            }
            SyntaxKind::Exclusion => {
                format!("only one of {} may be sent", list(&mut self.positions()))
            }
            SyntaxKind::Conditional => format!("when {first} is sent, {} required", {
                let o = others();
                if o.contains(',') {
                    format!("{o} are")
                } else {
                    format!("{o} is")
                }
            }),
            SyntaxKind::ListConditional => {
                format!(
                    "when {first} is sent, at least one of {} is required",
                    others()
                )
            }
        }
    }
}

/// The syntax notes of segment `id`, parsed; empty when it has none.
pub fn rules_for(id: &str) -> Vec<SyntaxRule> {
    TABLE
        .iter()
        .find(|(s, _)| *s == id)
        .map(|(_, rules)| {
            rules
                .split_whitespace()
                .filter_map(SyntaxRule::parse)
                .collect()
        })
        .unwrap_or_default()
}

/// The whole table as segment ID → rule names (for the cross-check against the pyx12 maps).
pub fn table() -> impl Iterator<Item = (&'static str, Vec<&'static str>)> {
    TABLE
        .iter()
        .map(|(id, rules)| (*id, rules.split_whitespace().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(ps: &[u8]) -> u64 {
        ps.iter().fold(0, |m, &p| m | 1 << p)
    }

    #[test]
    fn every_rule_of_the_table_parses_and_prints_back() {
        for (id, rules) in TABLE {
            for r in rules.split_whitespace() {
                let parsed = SyntaxRule::parse(r).unwrap_or_else(|| panic!("{id} {r}"));
                // Names print ascending after the condition; the table is written that way too.
                assert_eq!(parsed.name(), r, "{id}");
            }
            assert_eq!(
                rules_for(id).len(),
                rules.split_whitespace().count(),
                "{id}"
            );
        }
        assert!(rules_for("CLM").is_empty());
    }

    #[test]
    fn holds_is_check_without_the_guide() {
        // Over every presence of the first 12 elements, for every rule of the table naming only
        // those: `holds` is false exactly when `check`, knowing nothing of the guide, reports.
        for (_, rules) in TABLE {
            for r in rules.split_whitespace().filter_map(SyntaxRule::parse) {
                if r.mask >> 12 != 0 {
                    continue;
                }
                for present in 0..(1u64 << 12) {
                    let present = present << 1;
                    assert_eq!(
                        r.holds(present),
                        r.check(present, 0, 0).is_none(),
                        "{} {present:b}",
                        r.name()
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_rules_are_refused() {
        for bad in [
            "", "P", "P03", "P030", "X0304", "P0303", "P0064", "P00", "P03a4",
        ] {
            assert_eq!(SyntaxRule::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn paired() {
        let r = SyntaxRule::parse("P0304").unwrap();
        assert_eq!(r.check(bits(&[1, 2]), 0, 0), None);
        assert_eq!(r.check(bits(&[3, 4]), 0, 0), None);
        let v = r.check(bits(&[1, 3]), 0, 0).unwrap();
        assert_eq!((v.element, v.ack), (4, "2"));
        let v = r.check(bits(&[4]), 0, 0).unwrap();
        assert_eq!(v.element, 3);
        assert_eq!(r.describe("PER"), "PER03, PER04 must be sent together");
    }

    #[test]
    fn required() {
        let r = SyntaxRule::parse("R020305").unwrap();
        assert_eq!(r.check(bits(&[5]), 0, 0), None);
        let v = r.check(bits(&[1, 4]), 0, 0).unwrap();
        assert_eq!((v.element, v.ack), (2, "2"));
        assert_eq!(
            r.describe("DTM"),
            "at least one of DTM02, DTM03, DTM05 is required"
        );
    }

    #[test]
    fn exclusion() {
        let r = SyntaxRule::parse("E0207").unwrap();
        assert_eq!(r.check(bits(&[2]), 0, 0), None);
        assert_eq!(r.check(0, 0, 0), None);
        let v = r.check(bits(&[2, 7]), 0, 0).unwrap();
        assert_eq!((v.element, v.ack), (7, "10"));
    }

    #[test]
    fn conditional() {
        let r = SyntaxRule::parse("C1203").unwrap();
        assert_eq!(r.first, 12);
        assert_eq!(r.name(), "C1203");
        assert_eq!(r.check(bits(&[3]), 0, 0), None);
        assert_eq!(r.check(bits(&[3, 12]), 0, 0), None);
        let v = r.check(bits(&[12]), 0, 0).unwrap();
        assert_eq!((v.element, v.ack), (3, "2"));
        assert_eq!(r.describe("NM1"), "when NM112 is sent, NM103 is required");
    }

    #[test]
    fn list_conditional() {
        let r = SyntaxRule::parse("L050607").unwrap();
        assert_eq!(r.check(bits(&[6]), 0, 0), None);
        assert_eq!(r.check(bits(&[5, 7]), 0, 0), None);
        let v = r.check(bits(&[5]), 0, 0).unwrap();
        assert_eq!((v.element, v.ack), (6, "2"));
        assert_eq!(
            r.describe("CAS"),
            "when CAS05 is sent, at least one of CAS06, CAS07 is required"
        );
    }

    #[test]
    fn a_rule_never_demands_what_the_guide_forbids_nor_repeats_what_it_requires() {
        // N4: C0605 (N406 needs N405) where the guide marks N405 Not Used.
        let r = SyntaxRule::parse("C0605").unwrap();
        assert_eq!(r.check(bits(&[6]), bits(&[5]), 0), None);
        assert!(r.check(bits(&[6]), 0, 0).is_some());
        // NM1 P0809 where the guide requires NM109: its absence is reported as required.
        let r = SyntaxRule::parse("P0809").unwrap();
        assert_eq!(r.check(bits(&[8]), 0, bits(&[9])), None);
        assert_eq!(r.check(bits(&[9]), 0, bits(&[9])).unwrap().element, 8);
        // CAS L050607 with CAS06 Not Used: CAS07 is the one demanded.
        let r = SyntaxRule::parse("L050607").unwrap();
        assert_eq!(r.check(bits(&[5]), bits(&[6]), 0).unwrap().element, 7);
        assert_eq!(r.check(bits(&[5]), bits(&[6, 7]), 0), None);
        assert_eq!(r.check(bits(&[5]), 0, bits(&[7])), None);
        // N4 E0207 with N407 Not Used: sending it is that element's own error.
        let r = SyntaxRule::parse("E0207").unwrap();
        assert_eq!(r.check(bits(&[2, 7]), bits(&[7]), 0), None);
        // REF R0203 with REF02 required by the guide: nothing more to say.
        let r = SyntaxRule::parse("R0203").unwrap();
        assert_eq!(r.check(bits(&[1]), 0, bits(&[2])), None);
        assert_eq!(r.check(bits(&[1]), bits(&[2]), 0).unwrap().element, 3);
    }
}
