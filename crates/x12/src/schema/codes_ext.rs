//! External code lists referenced by the tables (`@name`).

/// US states, DC, territories, military "states" and Canadian provinces (N402 takes either).
pub const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP", "AB", "BC",
    "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];

/// CMS place of service codes in use.
pub const PLACE_OF_SERVICE: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
    "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "31", "32", "33", "34", "41",
    "42", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "65", "66",
    "71", "72", "81", "99",
];

/// Claim filing indicator codes (SBR09).
pub const CLAIM_FILING: &[&str] = &[
    "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA",
    "MB", "MC", "OF", "TV", "VA", "WC", "ZZ",
];

/// Provider-level adjustment reason codes (PLB03-1).
pub const PLB_REASONS: &[&str] = &[
    "50", "51", "72", "90", "AH", "AM", "AP", "B2", "B3", "BD", "BN", "C5", "CR", "CS", "CT", "CV",
    "CW", "DM", "E3", "FB", "FC", "GO", "HM", "IP", "IR", "IS", "J1", "L3", "L6", "LE", "LS", "OA",
    "OB", "PI", "PL", "RA", "RE", "SL", "TL", "WO", "WU",
];

/// `v` is one of `list` (byte comparison; the lists hold two-character codes).
#[inline]
fn in_list(list: &[&str], v: &[u8]) -> bool {
    if let [a, b] = *v {
        list.iter().any(|c| *c.as_bytes() == [a, b])
    } else {
        list.iter().any(|c| c.as_bytes() == v)
    }
}

/// Lists kept here in full (the guides' own lists, stable): an installed list file is not
/// consulted for them. The others are checked here for shape only, and against an installed
/// list when there is one (see `crate::codelists`).
pub fn is_compiled(list: &str) -> bool {
    matches!(list, "states" | "pos" | "claim_filing" | "plb_reason")
}

pub fn external_code_ok(list: &str, v: &[u8]) -> bool {
    match list {
        "states" => in_list(STATES, v),
        "pos" => in_list(PLACE_OF_SERVICE, v),
        "claim_filing" => in_list(CLAIM_FILING, v),
        "plb_reason" => in_list(PLB_REASONS, v),
        // ISO 3166 alpha-2 or -3: shape only (the list changes; the guides defer to ISO).
        "country" => (2..=3).contains(&v.len()) && v.iter().all(u8::is_ascii_uppercase),
        // CARC: the list is maintained by X12 and changes three times a year; check the shape
        // (1-5 characters, letters and digits); meanings come from crate::codes.
        "carc" => (1..=5).contains(&v.len()) && v.iter().all(u8::is_ascii_alphanumeric),
        _ => true,
    }
}
