//! Writes a sample patient statement (synthetic patient) to the path given:
//! `cargo run -p rcm-documents --example statement -- /tmp/statement.pdf`.

use rcm_documents::{Statement, StatementLine, statement_pdf};

fn main() -> std::io::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "statement.pdf".into());
    let s = Statement {
        practice: vec![
            "Riverside Family Medicine".into(),
            "400 River Road, Suite 2".into(),
            "Springfield IL 62701 - (217) 555-0100".into(),
        ],
        patient: vec![
            "Pat Example".into(),
            "12 Elm Street".into(),
            "Springfield IL 62704".into(),
        ],
        account: "P17".into(),
        statement_date: "2026-11-24".into(),
        lines: vec![
            StatementLine {
                date_of_service: "2026-09-02".into(),
                description: "Claim 41: 99214, 36415".into(),
                charge_cents: 17_500,
                insurance_paid_cents: 11_200,
                adjusted_cents: 3_500,
                patient_owes_cents: 2_800,
            },
            StatementLine {
                date_of_service: "2026-11-02".into(),
                description: "Claim 57: 99213".into(),
                charge_cents: 12_500,
                insurance_paid_cents: 8_000,
                adjusted_cents: 2_500,
                patient_owes_cents: 2_000,
            },
        ],
    };
    std::fs::write(&out, statement_pdf(&s))
}
