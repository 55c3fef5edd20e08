//! # rcm-documents: what the billing office prints
//!
//! Owns the printable documents: the patient statement (what a patient owes, visit by visit,
//! after insurance) as a PDF. The caller gives the values (names and addresses already
//! decrypted, money in cents); this crate lays them out and writes the PDF with `pdf-writer`,
//! in the standard Helvetica font (nothing embedded), US Letter pages, as many as the lines need.
//! It also renders the CMS-1500 (02/12) professional claim form from a typed `rcm_claims::Claim`
//! (`cms1500`): over a drawing of the form or as data alone for pre-printed red-ink stock.
//!
//! It must not know about storage, HTTP or the terminal, and it must not log: a statement is PHI.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

mod cms1500;
pub use cms1500::{
    Cms1500, Cms1500Error, Cms1500Line, FormAddress, FormSex, FormStyle, InsuranceType, LAYOUT,
    LINES_PER_FORM, LineSlot, MAX_DIAGNOSES, Place, Relationship, Slot, cms1500_pdf,
};

/// A patient statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    /// The practice: name, then address lines and phone.
    pub practice: Vec<String>,
    /// The patient (or guarantor): name, then address lines.
    pub patient: Vec<String>,
    /// The account number printed for the patient to quote (the patient's id).
    pub account: String,
    /// `YYYY-MM-DD`.
    pub statement_date: String,
    pub lines: Vec<StatementLine>,
}

/// One visit on the statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementLine {
    pub date_of_service: String,
    /// What was done, e.g. "Claim 12: 99213, 36415".
    pub description: String,
    pub charge_cents: i64,
    /// Paid by insurance.
    pub insurance_paid_cents: i64,
    /// Written off under the payer's contract and other adjustments.
    pub adjusted_cents: i64,
    /// What the patient owes for this visit (deductible, coinsurance, copay, less what they paid).
    pub patient_owes_cents: i64,
}

impl Statement {
    /// The total the patient owes.
    pub fn amount_due_cents(&self) -> i64 {
        self.lines.iter().map(|l| l.patient_owes_cents).sum()
    }
}

/// Cents as `$1,234.56` (`-$3.00` for a credit).
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

/// Text as WinAnsi bytes (the standard fonts' encoding): Latin-1 as is, typographic quotes and
/// dashes mapped, anything else a `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => b'\'',
            '\u{201C}' | '\u{201D}' => b'"',
            '\u{2013}' | '\u{2014}' => b'-',
            c if (c as u32) >= 0x20 && (c as u32) < 0x7F => c as u8,
            c if (c as u32) >= 0xA0 && (c as u32) <= 0xFF => c as u8,
            _ => b'?',
        })
        .collect()
}

/// Width of text in Helvetica at `size`, from the font's metrics for the characters amounts use
/// (digits, `$`, `.`, `,`, `-`) and an average for the rest (used only to right-align amounts).
fn width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' | '$' => 556,
            '.' | ',' | ' ' => 278,
            '-' => 333,
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 48.0;
const ROWS_PER_PAGE: usize = 26;
/// Right edges of the amount columns: charge, insurance paid, adjusted, patient owes.
const AMOUNT_RIGHT: [f32; 4] = [352.0, 424.0, 496.0, 564.0];

struct Writer {
    content: Content,
}

impl Writer {
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { Name(b"F2") } else { Name(b"F1") };
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&win_ansi(text)))
            .end_text();
    }
    fn right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.text(right - width(text, size), y, size, bold, text);
    }
    fn rule(&mut self, y: f32) {
        self.content
            .set_line_width(0.6)
            .move_to(MARGIN, y)
            .line_to(PAGE_W - MARGIN, y)
            .stroke();
    }
}

/// Writes the statement as a PDF.
pub fn statement_pdf(s: &Statement) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let pages = s.lines.chunks(ROWS_PER_PAGE).count().max(1);
    let page_ids: Vec<Ref> = (0..pages).map(|i| Ref::new(5 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let due = s.amount_due_cents();
    let empty: [StatementLine; 0] = [];
    let chunks: Vec<&[StatementLine]> = if s.lines.is_empty() {
        vec![&empty]
    } else {
        s.lines.chunks(ROWS_PER_PAGE).collect()
    };
    for (n, rows) in chunks.iter().enumerate() {
        let page_id = page_ids[n];
        let content_id = Ref::new(page_id.get() + 1);
        let mut w = Writer {
            content: Content::new(),
        };
        let mut y = PAGE_H - MARGIN - 12.0;
        for (i, line) in s.practice.iter().enumerate() {
            w.text(MARGIN, y, if i == 0 { 14.0 } else { 10.0 }, i == 0, line);
            y -= if i == 0 { 16.0 } else { 12.0 };
        }
        w.right(
            PAGE_W - MARGIN,
            PAGE_H - MARGIN - 12.0,
            16.0,
            true,
            "STATEMENT",
        );
        w.right(
            PAGE_W - MARGIN,
            PAGE_H - MARGIN - 30.0,
            10.0,
            false,
            &format!("Statement date {}", s.statement_date),
        );
        w.right(
            PAGE_W - MARGIN,
            PAGE_H - MARGIN - 44.0,
            10.0,
            false,
            &format!("Account {}", s.account),
        );
        w.right(
            PAGE_W - MARGIN,
            PAGE_H - MARGIN - 58.0,
            10.0,
            false,
            &format!("Page {} of {}", n + 1, pages),
        );
        y -= 18.0;
        for (i, line) in s.patient.iter().enumerate() {
            w.text(MARGIN + 24.0, y, 11.0, i == 0, line);
            y -= 13.0;
        }
        // The amount due, boxed, on every page.
        let box_y = y - 42.0;
        w.content
            .set_line_width(1.0)
            .rect(PAGE_W - MARGIN - 190.0, box_y, 190.0, 40.0)
            .stroke();
        w.text(
            PAGE_W - MARGIN - 182.0,
            box_y + 24.0,
            10.0,
            false,
            "Amount due",
        );
        w.right(
            PAGE_W - MARGIN - 8.0,
            box_y + 8.0,
            16.0,
            true,
            &dollars(due),
        );
        y = box_y - 28.0;
        // The table.
        w.text(MARGIN, y, 9.0, true, "Date");
        w.text(MARGIN + 64.0, y, 9.0, true, "Service");
        for (right, head) in
            AMOUNT_RIGHT
                .iter()
                .zip(["Charge", "Insurance paid", "Adjusted", "You owe"])
        {
            w.right(*right, y, 9.0, true, head);
        }
        y -= 6.0;
        w.rule(y);
        y -= 14.0;
        for l in rows.iter() {
            w.text(MARGIN, y, 9.0, false, &l.date_of_service);
            let desc: String = l.description.chars().take(38).collect();
            w.text(MARGIN + 64.0, y, 9.0, false, &desc);
            for (right, cents) in AMOUNT_RIGHT.iter().zip([
                l.charge_cents,
                l.insurance_paid_cents,
                l.adjusted_cents,
                l.patient_owes_cents,
            ]) {
                w.right(*right, y, 9.0, false, &dollars(cents));
            }
            y -= 16.0;
        }
        if rows.is_empty() {
            w.text(MARGIN, y, 10.0, false, "Nothing is owed on this account.");
            y -= 16.0;
        }
        if n + 1 == pages {
            w.rule(y + 8.0);
            y -= 6.0;
            w.text(MARGIN + 64.0, y, 10.0, true, "Total due");
            w.right(AMOUNT_RIGHT[3], y, 10.0, true, &dollars(due));
            y -= 32.0;
            w.text(
                MARGIN,
                y,
                9.0,
                false,
                "Amounts after insurance: the \"You owe\" column is your deductible, coinsurance and copay, less what you paid.",
            );
            w.text(
                MARGIN,
                y - 12.0,
                9.0,
                false,
                "Questions about this statement: call the number above and quote your account number.",
            );
        }
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
        }
        page.finish();
        let data = w.content.finish();
        pdf.stream(content_id, &data);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn statement(lines: usize) -> Statement {
        Statement {
            practice: vec![
                "RIVERSIDE FAMILY MEDICINE".into(),
                "400 RIVER ROAD, SPRINGFIELD IL 62701".into(),
                "(217) 555-0100".into(),
            ],
            patient: vec![
                "Zoë Brennan".into(),
                "12 Elm Street".into(),
                "Springfield IL 62704".into(),
            ],
            account: "P-17".into(),
            statement_date: "2026-11-24".into(),
            lines: (0..lines)
                .map(|i| StatementLine {
                    date_of_service: "2026-10-01".into(),
                    description: format!("Claim {i}: 99213"),
                    charge_cents: 12_500,
                    insurance_paid_cents: 8_000,
                    adjusted_cents: 2_500,
                    patient_owes_cents: 2_000,
                })
                .collect(),
        }
    }

    #[test]
    fn dollars_are_grouped_and_signed() {
        assert_eq!(dollars(0), "$0.00");
        assert_eq!(dollars(123_456_789), "$1,234,567.89");
        assert_eq!(dollars(-305), "-$3.05");
    }

    #[test]
    fn a_statement_is_a_pdf_with_one_page_per_26_visits() {
        for (lines, pages) in [(0, 1), (1, 1), (26, 1), (27, 2), (60, 3)] {
            let pdf = statement_pdf(&statement(lines));
            assert!(pdf.starts_with(b"%PDF-"), "{lines}");
            let text = String::from_utf8_lossy(&pdf);
            assert!(text.contains(&format!("/Count {pages}")), "{lines} lines");
            assert!(text.trim_end().ends_with("%%EOF"));
        }
        // Latin-1 names keep their letters; others become '?'.
        assert_eq!(win_ansi("Zoë 李"), b"Zo\xEB ?".to_vec());
    }
}
