//! Sex- and age-specific ICD-10-CM codes.
//!
//! The CMS Medicare Code Editor (MCE) publishes the official lists, but they are not available
//! here. These rule sets are derived from the structure of the tabular itself: whole blocks
//! and chapters whose titles restrict them (chapter 15 pregnancy, chapter 16 perinatal, the
//! genital-organ blocks), each row with its source. Rules from whole blocks are errors; rules
//! read from a code's own title words, and all age ranges, are warnings, since the official
//! list might differ code by code.

use rcm_claims::Sex;

/// A block of codes, by the first characters of the code (without the dot), inclusive.
pub struct Block {
    pub from: &'static str,
    pub to: &'static str,
    pub source: &'static str,
}

impl Block {
    pub fn contains(&self, code: &str) -> bool {
        let n = self.from.len().min(code.len());
        let head = &code[..n];
        head >= self.from && head <= &self.to[..self.to.len().min(n)]
    }
}

const fn b(from: &'static str, to: &'static str, source: &'static str) -> Block {
    Block { from, to, source }
}

/// Codes for male patients only (errors).
pub static MALE_ONLY: &[Block] = &[
    b("B260", "B260", "B26.0 Mumps orchitis"),
    b(
        "C60",
        "C63",
        "C60-C63 Malignant neoplasms of male genital organs",
    ),
    b(
        "D074",
        "D076",
        "D07.4-D07.6 Carcinoma in situ of penis, prostate, other male genital organs",
    ),
    b("D29", "D29", "D29 Benign neoplasm of male genital organs"),
    b(
        "D40",
        "D40",
        "D40 Neoplasm of uncertain behavior of male genital organs",
    ),
    b("E29", "E29", "E29 Testicular dysfunction"),
    b("N40", "N53", "N40-N53 Diseases of male genital organs"),
    b(
        "Q53",
        "Q55",
        "Q53-Q55 Congenital malformations of male genital organs",
    ),
    b(
        "R86",
        "R86",
        "R86 Abnormal findings in specimens from male genital organs",
    ),
    b(
        "Z125",
        "Z125",
        "Z12.5 Encounter for screening for malignant neoplasm of prostate",
    ),
];

/// Codes for female patients only (errors).
pub static FEMALE_ONLY: &[Block] = &[
    b(
        "C51",
        "C58",
        "C51-C58 Malignant neoplasms of female genital organs",
    ),
    b("D06", "D06", "D06 Carcinoma in situ of cervix uteri"),
    b(
        "D070",
        "D073",
        "D07.0-D07.3 Carcinoma in situ of endometrium, vulva, vagina, other female genital organs",
    ),
    b(
        "D25",
        "D28",
        "D25-D28 Benign neoplasms of uterus, ovary and other female genital organs",
    ),
    b(
        "D39",
        "D39",
        "D39 Neoplasm of uncertain behavior of female genital organs",
    ),
    b("E28", "E28", "E28 Ovarian dysfunction"),
    b(
        "N70",
        "N98",
        "N70-N98 Diseases of female pelvic organs and genital tract",
    ),
    b(
        "O00",
        "O9A",
        "Chapter 15 Pregnancy, childbirth and the puerperium (O00-O9A)",
    ),
    b(
        "Q50",
        "Q52",
        "Q50-Q52 Congenital malformations of female genital organs",
    ),
    b(
        "R87",
        "R87",
        "R87 Abnormal findings in specimens from female genital organs",
    ),
    b(
        "Z124",
        "Z124",
        "Z12.4 Encounter for screening for malignant neoplasm of cervix",
    ),
    b(
        "Z0141",
        "Z0141",
        "Z01.41 Encounter for routine gynecological examination",
    ),
    b(
        "Z32",
        "Z36",
        "Z32-Z36 Pregnancy tests, supervision of pregnancy, antenatal screening",
    ),
    b("Z37", "Z37", "Z37 Outcome of delivery"),
    b(
        "Z39",
        "Z39",
        "Z39 Encounter for maternal postpartum care and examination",
    ),
    b("Z3A", "Z3A", "Z3A Weeks of gestation"),
];

/// Title words that restrict a code to one sex when no block does (warnings).
static MALE_WORDS: &[&str] = &[
    "male",
    "prostate",
    "prostatic",
    "testis",
    "testes",
    "testicle",
    "testicular",
    "scrotum",
    "scrotal",
    "penis",
    "penile",
    "seminal",
    "spermatic",
    "epididym",
];
static FEMALE_WORDS: &[&str] = &[
    "female",
    "uterus",
    "uterine",
    "ovary",
    "ovarian",
    "cervix",
    "cervical uteri",
    "vagina",
    "vaginal",
    "vulva",
    "vulvar",
    "fallopian",
    "endometri",
    "pregnan",
    "puerper",
    "obstetric",
];

/// Where a sex restriction comes from.
pub struct SexRule {
    pub sex: Sex,
    pub source: String,
    /// True when read from a block (error); false when read from title words (warning).
    pub from_block: bool,
}

/// The sex a code is restricted to, if any. `title` is the code's full title.
pub fn sex_rule(code: &str, title: &str) -> Option<SexRule> {
    if let Some(bl) = MALE_ONLY.iter().find(|bl| bl.contains(code)) {
        return Some(SexRule {
            sex: Sex::Male,
            source: bl.source.to_string(),
            from_block: true,
        });
    }
    if let Some(bl) = FEMALE_ONLY.iter().find(|bl| bl.contains(code)) {
        return Some(SexRule {
            sex: Sex::Female,
            source: bl.source.to_string(),
            from_block: true,
        });
    }
    // Newborn codes name the mother (P00-P04 "newborn affected by maternal…"); family
    // history, contact and carrier codes concern someone else's organs; neither restricts
    // the patient.
    let lower = title.to_ascii_lowercase();
    if code.starts_with('P')
        || lower.contains("family history")
        || lower.contains("contact with")
        || lower.contains("carrier")
        || lower.contains("newborn")
    {
        return None;
    }
    let has = |words: &[&str]| {
        words.iter().any(|w| {
            lower
                .match_indices(w)
                .any(|(i, _)| i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphabetic())
        })
    };
    let female = has(FEMALE_WORDS);
    // "female" contains "male": a male word counts only where it starts a word.
    let male = has(MALE_WORDS);
    match (male, female) {
        (true, false) => Some(SexRule {
            sex: Sex::Male,
            source: format!("the code's title ({title})"),
            from_block: false,
        }),
        (false, true) => Some(SexRule {
            sex: Sex::Female,
            source: format!("the code's title ({title})"),
            from_block: false,
        }),
        _ => None,
    }
}

/// An age range a code is meant for, in years on the date of service (inclusive).
pub struct AgeRule {
    pub id: &'static str,
    pub block: Block,
    pub min_years: i16,
    pub max_years: i16,
    pub what: &'static str,
}

/// Age edits (warnings: the MCE lists are not available here to confirm each code).
pub static AGE_RULES: &[AgeRule] = &[
    AgeRule {
        id: "patient.newborn-age",
        block: b(
            "Z38",
            "Z38",
            "Z38 Liveborn infants according to place of birth and type of delivery",
        ),
        min_years: 0,
        max_years: 0,
        what: "a liveborn infant code, used only on the newborn's birth record (MCE newborn age 0)",
    },
    AgeRule {
        id: "patient.newborn-age",
        block: b(
            "P00",
            "P96",
            "Chapter 16 Certain conditions originating in the perinatal period (P00-P96)",
        ),
        min_years: 0,
        max_years: 0,
        what: "a perinatal code (MCE newborn age 0); guideline I.C.16.a.4 allows it later in life only while the perinatal condition is still present",
    },
    AgeRule {
        id: "patient.maternity-age",
        block: b(
            "O00",
            "O9A",
            "Chapter 15 Pregnancy, childbirth and the puerperium (O00-O9A)",
        ),
        min_years: 9,
        max_years: 64,
        what: "a maternity code (MCE maternity age 9-64)",
    },
    AgeRule {
        id: "patient.maternity-age",
        block: b(
            "Z33",
            "Z37",
            "Z33-Z37 Pregnant state, supervision of pregnancy, outcome of delivery",
        ),
        min_years: 9,
        max_years: 64,
        what: "a maternity code (MCE maternity age 9-64)",
    },
    AgeRule {
        id: "patient.pediatric-age",
        block: b(
            "Z001",
            "Z001",
            "Z00.1 Encounter for newborn, infant and child health examinations",
        ),
        min_years: 0,
        max_years: 17,
        what: "a pediatric code (MCE pediatric age 0-17)",
    },
    AgeRule {
        id: "patient.adult-age",
        block: b(
            "Z000",
            "Z000",
            "Z00.0 Encounter for general adult medical examination",
        ),
        min_years: 15,
        max_years: 124,
        what: "an adult code (MCE adult age 15-124)",
    },
];

pub fn age_rule(code: &str) -> Option<&'static AgeRule> {
    AGE_RULES.iter().find(|r| r.block.contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_their_ranges_and_nothing_else() {
        let bl = b("N40", "N53", "");
        assert!(bl.contains("N400"));
        assert!(bl.contains("N5301"));
        assert!(!bl.contains("N54"));
        assert!(!bl.contains("N39"));
        let o = b("O00", "O9A", "");
        assert!(o.contains("O9A211"));
        assert!(o.contains("O80"));
        assert!(!o.contains("P00"));
    }

    #[test]
    fn sex_rules_from_blocks_and_titles() {
        assert_eq!(
            sex_rule(
                "N401",
                "Benign prostatic hyperplasia with lower urinary tract symptoms"
            )
            .map(|r| (r.sex, r.from_block)),
            Some((Sex::Male, true))
        );
        assert_eq!(
            sex_rule("O800", "Encounter for full-term uncomplicated delivery")
                .map(|r| (r.sex, r.from_block)),
            Some((Sex::Female, true))
        );
        assert_eq!(
            sex_rule("S312XXA", "Open wound of penis, initial encounter")
                .map(|r| (r.sex, r.from_block)),
            Some((Sex::Male, false))
        );
        assert_eq!(
            sex_rule("S374XXA", "Injury of ovary, initial encounter")
                .map(|r| (r.sex, r.from_block)),
            Some((Sex::Female, false))
        );
        // "female" must not read as "male"; family history is about a relative.
        assert_eq!(
            sex_rule(
                "Z8742",
                "Personal history of other diseases of the female genital tract"
            )
            .map(|r| r.sex),
            Some(Sex::Female)
        );
        assert!(sex_rule("Z8042", "Family history of malignant neoplasm of prostate").is_none());
        assert!(
            sex_rule(
                "P001",
                "Newborn affected by maternal renal and urinary tract diseases"
            )
            .is_none()
        );
        assert!(sex_rule("E119", "Type 2 diabetes mellitus without complications").is_none());
    }

    #[test]
    fn age_rules() {
        assert_eq!(age_rule("P0700").map(|r| r.id), Some("patient.newborn-age"));
        assert_eq!(
            age_rule("O0900").map(|r| r.id),
            Some("patient.maternity-age")
        );
        assert_eq!(
            age_rule("Z00129").map(|r| r.id),
            Some("patient.pediatric-age")
        );
        assert_eq!(age_rule("Z0000").map(|r| r.id), Some("patient.adult-age"));
        assert!(age_rule("I10").is_none());
    }
}
