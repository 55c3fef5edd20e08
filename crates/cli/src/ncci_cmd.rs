//! `rcm edits import|versions|ptp|mue`: NCCI tables.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::ProgressBar;
use jiff::civil::Date;
use rcm_edits::ncci::{
    ImportOptions, ImportStatus, MueSetting, NcciTables, Progress, PtpSetting, Quarter,
    import_with_progress,
};

use crate::outln;
use crate::output::{self, bold};

#[derive(clap::Subcommand, Debug)]
pub enum TablesCommand {
    /// Import NCCI PTP or MUE files (zip, tab-delimited text, CSV or xlsx as CMS publishes
    /// them). Give all parts of a quarter together (ccipra-v323r0-f1.zip … f4); the import
    /// is all or nothing and importing the same files again changes nothing.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The quarter the files take effect (2026Q4), when their names do not say it.
        #[arg(long, value_parser = parse_quarter)]
        quarter: Option<Quarter>,
        /// Replace a table already imported for the same quarter from other files.
        #[arg(long)]
        replace: bool,
    },
    /// The NCCI tables imported: table, quarter, rows, source files and their SHA-256.
    Versions,
    /// The PTP edit of a pair (column 1, column 2) on a date of service.
    Ptp {
        column1: String,
        column2: String,
        /// Date of service (YYYY-MM-DD); default today.
        #[arg(long = "date-of-service", visible_alias = "dos", value_name = "DATE")]
        date_of_service: Option<String>,
        /// practitioner (default) or hospital (outpatient).
        #[arg(long, default_value = "practitioner")]
        setting: String,
    },
    /// The MUE of a code on a date of service.
    Mue {
        code: String,
        /// Date of service (YYYY-MM-DD); default today.
        #[arg(long = "date-of-service", visible_alias = "dos", value_name = "DATE")]
        date_of_service: Option<String>,
        /// practitioner (default), hospital (outpatient) or dme.
        #[arg(long, default_value = "practitioner")]
        setting: String,
    },
}

fn parse_quarter(s: &str) -> Result<Quarter, String> {
    s.parse()
}

fn dos(s: &Option<String>) -> anyhow::Result<Date> {
    match s {
        Some(s) => s
            .parse::<Date>()
            .with_context(|| format!("--date-of-service \"{s}\" is not a date (YYYY-MM-DD)")),
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}

fn ptp_setting(s: &str) -> anyhow::Result<PtpSetting> {
    match s.to_ascii_lowercase().as_str() {
        "practitioner" | "pra" | "professional" => Ok(PtpSetting::Practitioner),
        "hospital" | "outpatient" | "outpatient-hospital" | "oph" => {
            Ok(PtpSetting::OutpatientHospital)
        }
        _ => anyhow::bail!("--setting \"{s}\": use practitioner or hospital"),
    }
}

fn mue_setting(s: &str) -> anyhow::Result<MueSetting> {
    match s.to_ascii_lowercase().as_str() {
        "practitioner" | "pra" | "professional" => Ok(MueSetting::Practitioner),
        "hospital" | "outpatient" | "outpatient-hospital" | "oph" => {
            Ok(MueSetting::OutpatientHospital)
        }
        "dme" | "dme-supplier" => Ok(MueSetting::DmeSupplier),
        _ => anyhow::bail!("--setting \"{s}\": use practitioner, hospital or dme"),
    }
}

impl Progress for output::Bar {
    fn stage(&self, name: &str, total: u64) {
        self.show_stage(name, total);
    }
    fn set(&self, done: u64) {
        self.show_done(done);
    }
    fn finish(&self) {
        self.clear();
    }
}

pub fn run(c: TablesCommand, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match c {
        TablesCommand::Import {
            paths,
            quarter,
            replace,
        } => {
            let opts = ImportOptions {
                quarter,
                replace,
                ..ImportOptions::default()
            };
            let bar = output::Bar(ProgressBar::new(0));
            let report = import_with_progress(data_dir, &paths, &opts, &bar);
            bar.finish();
            let report = report?;
            if json {
                output::json(&report)?;
                return Ok(ExitCode::SUCCESS);
            }
            for t in &report.tables {
                let what = match t.status {
                    ImportStatus::Imported => "imported",
                    ImportStatus::Replaced => "replaced",
                    ImportStatus::Unchanged => "unchanged (already imported from these files):",
                };
                outln!(
                    "{what} {} {}{} — {} rows",
                    t.label,
                    t.quarter,
                    t.version
                        .as_deref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default(),
                    t.rows
                )?;
                for s in &t.sources {
                    match &s.member {
                        Some(m) => outln!("  source {} › {m} ({} rows)", s.file, s.rows)?,
                        None => outln!("  source {} ({} rows)", s.file, s.rows)?,
                    }
                }
                for s in &t.skipped {
                    outln!(
                        "  skipped {} row{}: {} (first at {})",
                        s.count,
                        if s.count == 1 { "" } else { "s" },
                        s.reason,
                        s.first
                    )?;
                }
                for w in &t.warnings {
                    output::warn(w);
                }
            }
            for i in &report.ignored {
                outln!("  ignored {}: {}", i.name, i.reason)?;
            }
            outln!("({} ms)", report.elapsed_ms)?;
            Ok(ExitCode::SUCCESS)
        }
        TablesCommand::Versions => {
            let tables = NcciTables::open(data_dir)?;
            let list: Vec<_> = tables.tables().collect();
            if json {
                output::json(&list)?;
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                outln!(
                    "no NCCI table is imported in {}: download the PTP and MUE files from cms.gov and run `rcm edits import FILE…`",
                    data_dir.display()
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            for t in list {
                outln!(
                    "{} {} {:<34} {:>8} rows{}",
                    bold(&t.quarter.to_string()),
                    t.table.slug(),
                    t.table.label(),
                    t.rows,
                    t.version
                        .as_deref()
                        .map(|v| format!("  {v}"))
                        .unwrap_or_default()
                )?;
                for s in &t.sources {
                    let name = match &s.member {
                        Some(m) => format!("{} › {m}", s.file),
                        None => s.file.clone(),
                    };
                    outln!("    {name}  sha256 {}", s.sha256)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TablesCommand::Ptp {
            column1,
            column2,
            date_of_service,
            setting,
        } => {
            let setting = ptp_setting(&setting)?;
            let dos = dos(&date_of_service)?;
            let tables = NcciTables::open(data_dir)?;
            let eff = tables.in_effect(setting.table(), dos)?;
            if let Some(w) = &eff.warning {
                output::warn(w);
            }
            let edit = tables.ptp(setting, &column1, &column2, dos)?;
            let history = tables.ptp_history(setting, &column1, &column2, dos)?;
            if json {
                output::json(&serde_json::json!({
                    "setting": setting,
                    "column1": column1.trim().to_ascii_uppercase(),
                    "column2": column2.trim().to_ascii_uppercase(),
                    "date_of_service": dos.to_string(),
                    "quarter": eff.quarter,
                    "edit": edit,
                    "history": history,
                    "warning": eff.warning,
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            match edit {
                Some(e) => {
                    let what = match e.modifier_indicator.digit() {
                        0 => "column 2 is not paid with column 1; no modifier bypasses the edit",
                        1 => {
                            "column 2 is not paid with column 1 unless an NCCI-associated modifier (59, XE, XS, XP, XU, anatomic, 24/25/57/58/78/79/91/27) applies"
                        }
                        _ => {
                            "the edit does not apply (modifier indicator 9: deleted retroactively)"
                        }
                    };
                    outln!(
                        "{} {} / {}: modifier indicator {} — {what}",
                        bold("PTP edit"),
                        e.column1,
                        e.column2,
                        e.modifier_indicator.digit()
                    )?;
                    outln!(
                        "  effective {}{}{}",
                        e.effective,
                        e.deletion
                            .map(|d| format!(", deleted after {d}"))
                            .unwrap_or_default(),
                        if e.prior_1996 {
                            " (in existence prior to 1996)"
                        } else {
                            ""
                        }
                    )?;
                    if !e.rationale.is_empty() {
                        outln!("  rationale: {}", e.rationale)?;
                    }
                    outln!("  table: {} {}", setting.table().label(), e.quarter)?;
                }
                None => {
                    outln!(
                        "no PTP edit with {} in column 1 and {} in column 2 on {dos} ({} {})",
                        column1.trim().to_ascii_uppercase(),
                        column2.trim().to_ascii_uppercase(),
                        setting.table().label(),
                        eff.quarter
                    )?;
                    for h in &history {
                        outln!(
                            "  (an edit of this pair was in effect {} to {})",
                            h.effective,
                            h.deletion.map(|d| d.to_string()).unwrap_or_default()
                        )?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        TablesCommand::Mue {
            code,
            date_of_service,
            setting,
        } => {
            let setting = mue_setting(&setting)?;
            let dos = dos(&date_of_service)?;
            let tables = NcciTables::open(data_dir)?;
            let eff = tables.in_effect(setting.table(), dos)?;
            if let Some(w) = &eff.warning {
                output::warn(w);
            }
            let limit = tables.mue(setting, &code, dos)?;
            if json {
                output::json(&serde_json::json!({
                    "setting": setting,
                    "code": code.trim().to_ascii_uppercase(),
                    "date_of_service": dos.to_string(),
                    "quarter": eff.quarter,
                    "mue": limit,
                    "indicator_label": limit.map(|l| l.indicator.label()),
                    "warning": eff.warning,
                }))?;
                return Ok(ExitCode::SUCCESS);
            }
            match limit {
                Some(l) => {
                    let per = match l.indicator.digit() {
                        1 => "per claim line",
                        _ => "per date of service",
                    };
                    outln!(
                        "{} {}: {} unit{} {per} ({})",
                        bold("MUE"),
                        l.code,
                        l.max_units,
                        if l.max_units == 1 { "" } else { "s" },
                        l.indicator.label()
                    )?;
                    if !l.rationale.is_empty() {
                        outln!("  rationale: {}", l.rationale)?;
                    }
                    outln!("  table: {} {}", setting.table().label(), l.quarter)?;
                }
                None => outln!(
                    "no MUE for {} on {dos} ({} {})",
                    code.trim().to_ascii_uppercase(),
                    setting.table().label(),
                    eff.quarter
                )?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
