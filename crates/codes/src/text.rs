//! Text analysis shared by the index builder and the query side: tokens, stems, and
//! the small word lists that make ranking behave like a coder expects.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words that never carry meaning in a code title or a query.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the",
    "to", "than", "s",
];

/// Words a coder uses to say "not further specified". A title that has them where
/// the query does not is the right answer for a vague query, not a worse one.
const GENERIC: &[&str] = &[
    "unspecifi",
    "unspecified",
    "nos",
    "site",
    "part",
    "organism",
    "type",
    "elsewher",
    "classifi",
    "without",
    "with",
    "not",
    "state",
    "condit",
    "unknown",
    "encount",
    "mention",
    "complic",
    "region",
    "primari",
    "essenti",
    "mellitus",
    "diseas",
    "disord",
    "uncompl",
    "identifi",
];

/// Words of residual categories ("Other specified …"): a coder picks them only when
/// the documentation names something the other codes do not, never for a vague query.
const RESIDUAL: &[&str] = &["other", "specifi"];

/// Splits text into lower-case word tokens: letters and digits, apostrophes inside
/// words dropped ("Alzheimer's" → "alzheimers").
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut chars = text.chars();
    std::iter::from_fn(move || {
        let mut word = String::new();
        for c in chars.by_ref() {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else if (c == '\'' || c == '\u{2019}') && !word.is_empty() {
                // possessive or contraction: keep the word whole
                continue;
            } else if !word.is_empty() {
                // letters and digits stay together: "t2dm", "b12"
                return Some(word);
            }
        }
        if word.is_empty() { None } else { Some(word) }
    })
}

pub fn is_stopword(token: &str) -> bool {
    STOPWORDS.contains(&token)
}

/// The stem used in the index: Porter2 English, which joins diabetes/diabetic,
/// fracture/fractures, hypertension/hypertensive.
pub fn stem(token: &str) -> String {
    if token.len() <= 3 || token.bytes().any(|b| b.is_ascii_digit()) {
        return token.to_string();
    }
    STEMMER.stem(token).into_owned()
}

pub fn is_generic_stem(stem: &str) -> bool {
    GENERIC.contains(&stem)
}

pub fn is_residual_stem(stem: &str) -> bool {
    RESIDUAL.contains(&stem)
}

/// Tokens of `text` as stems, stopwords removed.
pub fn stems(text: &str) -> Vec<String> {
    tokens(text)
        .filter(|t| !is_stopword(t))
        .map(|t| stem(&t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_and_stems_like_coders_write() {
        assert_eq!(
            stems("Alzheimer's disease, unspecified"),
            ["alzheim", "diseas", "unspecifi"]
        );
        assert_eq!(stems("Fractures of the femur"), ["fractur", "femur"]);
        assert_eq!(
            stems("Type 2 diabetes mellitus"),
            ["type", "2", "diabet", "mellitus"]
        );
        assert_eq!(stem("diabetic"), stem("diabetes"));
        assert_eq!(stem("hypertensive"), stem("hypertension"));
        assert_eq!(stems("T2DM"), ["t2dm"]);
    }
}
