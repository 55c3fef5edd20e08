//! Reader of the CMS ICD-10-CM order file (`icd10cm_order_YYYY.txt`), fixed width:
//! order number (columns 1-5), code (7-13), header flag (15: 1 = valid for claims,
//! 0 = header), short description (17-76), long description (78-).
//!
//! The order file carries codes, titles and billability but no notes: a version
//! imported from it alone answers lookups and searches without instructional notes.

use std::path::Path;

use crate::code::CodeKey;
use crate::error::{CodesError, Result, line_col};
use crate::model::{NodeKind, RawCodeSet, RawNode};

/// True when the file starts with order-file records: a 5-digit order number, a
/// blank, a code. Only the layout is judged here; a damaged record further on is
/// reported by the parser with its line and column.
pub fn looks_like_order_file(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let b = first.as_bytes();
    b.len() >= 17
        && b[..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && first
            .get(6..13)
            .and_then(|c| CodeKey::parse(c.trim_end()))
            .is_some_and(|k| k.is_icd10cm_shape())
}

struct OrderLine<'a> {
    code: &'a str,
    billable: bool,
    long: &'a str,
}

fn parse_line(line: &str) -> std::result::Result<OrderLine<'_>, (usize, String)> {
    let b = line.as_bytes();
    if b.len() < 17 {
        return Err((
            1,
            format!(
                "line is {} characters long; an order-file record has at least 17",
                b.len()
            ),
        ));
    }
    if !b[..5].iter().all(u8::is_ascii_digit) {
        return Err((1, "order number (columns 1-5) is not 5 digits".into()));
    }
    if b[5] != b' ' || b[13] != b' ' || b[15] != b' ' {
        return Err((6, "expected blanks in columns 6, 14 and 16".into()));
    }
    let code = line.get(6..13).map(str::trim_end).unwrap_or("");
    if code.is_empty() || CodeKey::parse(code).is_none() {
        return Err((7, format!("\"{code}\" in columns 7-13 is not a code")));
    }
    let billable = match b[14] {
        b'1' => true,
        b'0' => false,
        other => {
            return Err((
                15,
                format!(
                    "header flag in column 15 is '{}', expected 0 or 1",
                    other as char
                ),
            ));
        }
    };
    let short = line.get(16..line.len().min(76)).unwrap_or("").trim();
    let long = line.get(77..).map(str::trim).filter(|s| !s.is_empty());
    Ok(OrderLine {
        code,
        billable,
        long: long.unwrap_or(short),
    })
}

pub fn parse_order_file(path: &Path, bytes: &[u8]) -> Result<RawCodeSet> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        CodesError::parse(path, line, col, "the file is not valid UTF-8 text")
    })?;
    let mut set = RawCodeSet::default();
    // Open ancestors: each code's parent is the longest earlier code that prefixes it.
    let mut open: Vec<(CodeKey, u32)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = raw_line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let rec = parse_line(line)
            .map_err(|(col, msg)| CodesError::parse(path, line_no, col as u64, msg))?;
        let key = CodeKey::parse(rec.code)
            .ok_or_else(|| CodesError::parse(path, line_no, 7, "not a code"))?;
        if !seen.insert(key) {
            return Err(CodesError::parse(
                path,
                line_no,
                7,
                format!("code {} appears twice", key.dotted()),
            ));
        }
        while let Some((top, _)) = open.last() {
            if key.starts_with(top) && key != *top {
                break;
            }
            open.pop();
        }
        let parent = open.last().map(|(_, id)| *id);
        let kind = if key.len() == 3 {
            NodeKind::Category
        } else {
            NodeKind::Code
        };
        let mut node = RawNode::new(key.dotted().to_string(), rec.long.to_string(), kind, parent);
        node.billable_flag = Some(rec.billable);
        let id = set.push(node);
        open.push((key, id));
    }
    if set.nodes.is_empty() {
        return Err(CodesError::parse(path, 0, 0, "the file is empty"));
    }
    for node in &mut set.nodes {
        if node.kind == NodeKind::Code && !node.children.is_empty() {
            node.kind = NodeKind::Subcategory;
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(order: u32, code: &str, flag: u8, title: &str) -> String {
        format!(
            "{order:05} {code:<7} {flag} {:<60} {title}\n",
            title.chars().take(60).collect::<String>()
        )
    }

    #[test]
    fn reads_records_and_builds_tree() {
        let mut f = String::new();
        f += &rec(1, "S72", 0, "Fracture of femur");
        f += &rec(2, "S720", 0, "Fracture of head and neck of femur");
        f += &rec(
            3,
            "S7200",
            0,
            "Fracture of unspecified part of neck of femur",
        );
        f += &rec(
            4,
            "S72001",
            0,
            "Fracture of unspecified part of neck of right femur",
        );
        f += &rec(
            5,
            "S72001A",
            1,
            "Fx unsp part of neck of right femur, init for clos fx",
        );
        f += &rec(6, "I10", 1, "Essential (primary) hypertension");
        assert!(looks_like_order_file(f.as_bytes()));
        let set = parse_order_file(Path::new("o.txt"), f.as_bytes()).unwrap();
        assert_eq!(set.nodes.len(), 6);
        assert_eq!(set.nodes[4].parent, Some(3));
        assert_eq!(set.nodes[5].parent, None);
        assert_eq!(set.nodes[4].billable_flag, Some(true));
        assert_eq!(set.nodes[3].kind, NodeKind::Subcategory);
        assert_eq!(set.nodes[4].code, "S72.001A");
    }

    #[test]
    fn bad_flag_names_line_and_column() {
        let mut f = rec(1, "I10", 1, "Essential (primary) hypertension");
        f += &rec(2, "I11", 7, "Hypertensive heart disease");
        let err = parse_order_file(Path::new("o.txt"), f.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "o.txt:2:15: header flag in column 15 is '7', expected 0 or 1"
        );
    }

    #[test]
    fn not_an_order_file() {
        assert!(!looks_like_order_file(
            b"<?xml version='1.0'?><ICD10CM.tabular/>"
        ));
        assert!(!looks_like_order_file(b"code\tdescription\n"));
    }
}
