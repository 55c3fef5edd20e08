//! `rcm claims …`: scrub claims before submission, convert between the claim JSON and 837s,
//! print the claim JSON Schema.
//!
//! Exit status: 0 no claim has an error, 1 some claim has an error (or the file has problems),
//! 2 the command could not run. Findings name codes and fields, never patient names.

use crate::outln;
use crate::output;
use anyhow::{Context, bail};
use rcm_claims::input::{BuiltClaim, ClaimFile, ClaimInput, read_claim_file};
use rcm_claims::x12::{Submission, read_837, write_837_interchange};
use rcm_claims::{Claim, ClaimKind};
use rcm_edits::rules::RuleSet;
use rcm_edits::{ClaimReport, Scrubber, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct ClaimsArgs {
    #[command(subcommand)]
    pub command: ClaimsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ClaimsCommand {
    /// Scrub claims (claim JSON or an 837P/837I batch): every finding with its field and next step.
    Check {
        file: PathBuf,
        /// Payer rules (TOML files or directories); default: <data-dir>/rules when it exists.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// The day to check "in the future" against (default: today).
        #[arg(long, value_name = "CCYY-MM-DD")]
        today: Option<jiff::civil::Date>,
        /// Show only claims with findings.
        #[arg(long)]
        problems_only: bool,
    },
    /// Convert between the claim JSON and an 837: JSON in gives an 837 out, an 837 in gives JSON.
    Convert {
        file: PathBuf,
        /// Where to write (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Interchange control number of the 837 written (ISA13/GS06).
        #[arg(long, default_value_t = 1)]
        control: u32,
    },
    /// Print professional claims (claim JSON or an 837P) on the CMS-1500 (02/12) paper form, as
    /// one PDF: six lines a form, more pages when a claim has more lines.
    Cms1500 {
        file: PathBuf,
        /// The PDF to write.
        #[arg(long, short)]
        out: PathBuf,
        /// Only the data, to print on pre-printed red-ink forms (default: the form drawn in red).
        #[arg(long)]
        data_only: bool,
    },
    /// Print the JSON Schema of the claim file.
    Schema,
}

pub fn run(args: ClaimsArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match args.command {
        ClaimsCommand::Check {
            file,
            rules,
            today,
            problems_only,
        } => check(&file, &rules, today, problems_only, data_dir, json),
        ClaimsCommand::Convert { file, out, control } => convert(&file, out.as_deref(), control),
        ClaimsCommand::Cms1500 {
            file,
            out,
            data_only,
        } => cms1500(&file, &out, data_only),
        ClaimsCommand::Schema => {
            output::json(&rcm_claims::input::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The claims of a file on CMS-1500 forms. A claim that cannot be read or does not fit the form
/// stops the command (exit 1) with its path, and nothing is written.
fn cms1500(file: &Path, out: &Path, data_only: bool) -> anyhow::Result<ExitCode> {
    let built: Vec<BuiltClaim> = match read_input(file)? {
        Input::Json(f) => f.build(),
        Input::X12(batch) => {
            for p in &batch.file_problems {
                eprintln!("rcm: {p}");
            }
            batch.claims
        }
    };
    let signed_on = jiff::ZonedDateTime::now().date();
    let mut forms = Vec::new();
    let mut problems = 0usize;
    for b in &built {
        let Some(claim) = &b.claim else {
            for p in &b.problems {
                eprintln!("rcm: {} {}: {}", b.path, p.path, p.message);
            }
            problems += 1;
            continue;
        };
        match rcm_documents::Cms1500::from_claim(claim, signed_on) {
            Ok(f) => forms.extend(f),
            Err(e) => {
                eprintln!("rcm: {} {}: {e}", b.path, b.patient_control_number);
                problems += 1;
            }
        }
    }
    if problems > 0 || forms.is_empty() {
        if forms.is_empty() && problems == 0 {
            eprintln!("rcm: {}: no claim to print", file.display());
        }
        return Ok(ExitCode::from(1));
    }
    let style = if data_only {
        rcm_documents::FormStyle::DataOnly
    } else {
        rcm_documents::FormStyle::WithForm
    };
    std::fs::write(out, rcm_documents::cms1500_pdf(&forms, style))
        .with_context(|| format!("cannot write {}", out.display()))?;
    outln!("{}: {} form page(s)", out.display(), forms.len())?;
    Ok(ExitCode::SUCCESS)
}

enum Input {
    Json(ClaimFile),
    X12(rcm_claims::x12::Batch837),
}

enum Kind {
    Json(usize),
    X12(usize),
}

/// Claim JSON or an X12 interchange, by the first bytes.
fn detect(file: &Path, bytes: &[u8]) -> anyhow::Result<Kind> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    match bytes.get(start) {
        Some(b'{') => Ok(Kind::Json(start)),
        Some(b'I') if bytes[start..].starts_with(b"ISA") => Ok(Kind::X12(start)),
        _ => bail!(
            "{}: neither claim JSON (starts with {{) nor an X12 837 (starts with ISA)",
            file.display()
        ),
    }
}

fn read_input(file: &Path) -> anyhow::Result<Input> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    match detect(file, &bytes)? {
        Kind::Json(start) => Ok(Input::Json(read_claim_file(
            &file.display().to_string(),
            &bytes[start..],
        )?)),
        Kind::X12(start) => Ok(Input::X12(read_837(&bytes[start..]))),
    }
}

fn check(
    file: &Path,
    rules: &[PathBuf],
    today: Option<jiff::civil::Date>,
    problems_only: bool,
    data_dir: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut rule_paths = rules.to_vec();
    let default_rules = data_dir.join("rules");
    if rule_paths.is_empty() && default_rules.is_dir() {
        rule_paths.push(default_rules);
    }
    let rules = if rule_paths.is_empty() {
        RuleSet::default()
    } else {
        RuleSet::load(&rule_paths).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let today = today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let scrubber = Scrubber::open(data_dir, rules, today)?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (reports, file_problems): (Vec<ClaimReport>, Vec<String>) = match detect(file, &bytes)? {
        Kind::Json(start) => {
            let f = read_claim_file(&file.display().to_string(), &bytes[start..])?;
            let built: Vec<BuiltClaim> = f.build();
            (scrubber.check_batch(&built), Vec::new())
        }
        // Transaction sets are parsed and scrubbed in parallel; claims are not kept.
        Kind::X12(start) => {
            let r = scrubber.check_837(&bytes[start..]);
            (r.reports, r.file_problems)
        }
    };
    let elapsed = started.elapsed();
    let with_errors = reports.iter().filter(|r| r.has_errors()).count();
    let with_warnings = reports
        .iter()
        .filter(|r| !r.has_errors() && !r.findings.is_empty())
        .count();
    let clean = reports.iter().filter(|r| r.findings.is_empty()).count();
    if json {
        let shown: Vec<&ClaimReport> = reports
            .iter()
            .filter(|r| !problems_only || !r.findings.is_empty())
            .collect();
        // Serialized straight from the reports: a 100,000-claim batch is not copied into a
        // JSON tree first.
        #[derive(serde::Serialize)]
        struct Summary {
            claims: usize,
            clean: usize,
            with_errors: usize,
            with_warnings_only: usize,
        }
        #[derive(serde::Serialize)]
        struct Out<'a> {
            file: String,
            setup: rcm_edits::ScrubberSetup,
            file_problems: &'a [String],
            summary: Summary,
            claims: Vec<&'a ClaimReport>,
        }
        let out = Out {
            file: file.display().to_string(),
            setup: scrubber.setup(),
            file_problems: &file_problems,
            summary: Summary {
                claims: reports.len(),
                clean,
                with_errors,
                with_warnings_only: with_warnings,
            },
            claims: shown,
        };
        let stdout = std::io::stdout().lock();
        let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout);
        serde_json::to_writer_pretty(&mut w, &out)?;
        {
            use std::io::Write as _;
            w.write_all(b"\n")?;
            w.flush()?;
        }
    } else {
        let setup = scrubber.setup();
        if setup.icd10cm_versions.is_empty() {
            output::warn(
                "no ICD-10-CM version is imported: diagnoses cannot be checked (run `make run` or `rcm codes import`)",
            );
        }
        if setup.ncci_tables.is_empty() {
            output::warn(
                "no NCCI tables are imported: PTP and MUE edits were not applied (`rcm edits import` the CMS files)",
            );
        }
        for p in &file_problems {
            outln!("file: {p}")?;
        }
        for r in &reports {
            if r.findings.is_empty() {
                if !problems_only {
                    outln!("{} {}: clean", r.path, r.patient_control_number)?;
                }
                continue;
            }
            outln!(
                "{} {}: {} error(s), {} warning(s){}",
                r.path,
                output::bold(&r.patient_control_number),
                r.count(Severity::Error),
                r.count(Severity::Warning),
                match r.count(Severity::Hold) {
                    0 => String::new(),
                    n => format!(", {n} hold(s)"),
                }
            )?;
            for f in &r.findings {
                outln!(
                    "  {:<7} {:<34} {}",
                    f.severity.label(),
                    f.id,
                    f.fields.join(", ")
                )?;
                outln!("          {}", f.message)?;
                if let Some(n) = &f.next_step {
                    outln!("          next: {n}")?;
                }
            }
        }
        outln!(
            "{} claim(s): {clean} clean, {with_errors} with errors, {with_warnings} with warnings only ({:.0} ms)",
            reports.len(),
            elapsed.as_secs_f64() * 1000.0
        )?;
    }
    Ok(if with_errors > 0 || !file_problems.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn convert(file: &Path, out: Option<&Path>, control: u32) -> anyhow::Result<ExitCode> {
    let text = match read_input(file)? {
        Input::X12(batch) => {
            if !batch.file_problems.is_empty() {
                for p in &batch.file_problems {
                    eprintln!("rcm: {p}");
                }
            }
            let claims: Vec<ClaimInput> = batch
                .claims
                .iter()
                .filter_map(|b| b.claim.as_ref().map(ClaimInput::from))
                .collect();
            for b in batch.claims.iter().filter(|b| b.claim.is_none()) {
                eprintln!(
                    "rcm: {} {} could not be converted: {}",
                    b.path,
                    b.patient_control_number,
                    b.problems
                        .iter()
                        .map(|p| format!("{} ({})", p.message, p.path))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            let file = ClaimFile {
                submitter: None,
                receiver: None,
                claims,
            };
            serde_json::to_string_pretty(&file)? + "\n"
        }
        Input::Json(f) => {
            let built = f.build();
            let mut problems = Vec::new();
            for b in &built {
                for p in &b.problems {
                    problems.push(format!("{}: {}", p.path, p.message));
                }
            }
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("rcm: {p}");
                }
                return Ok(ExitCode::from(1));
            }
            let claims: Vec<&Claim> = built.iter().filter_map(|b| b.claim.as_ref()).collect();
            let (Some(sub), Some(rcv)) = (&f.submitter, &f.receiver) else {
                bail!(
                    "{}: writing an 837 needs \"submitter\" (name, id, contact_name, contact_phone) and \"receiver\" (name, id) in the claim file",
                    file.display()
                );
            };
            let created = jiff::ZonedDateTime::now().datetime();
            let mut bytes = Vec::new();
            // One interchange per kind (837P, 837I), each with its own control number.
            let mut next_control = control;
            for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
                if !claims.iter().any(|c| c.kind == kind) {
                    continue;
                }
                let submission = Submission {
                    submitter: sub.clone(),
                    receiver: rcv.clone(),
                    interchange_control: next_control,
                    created,
                };
                bytes.extend(write_837_interchange(&submission, kind, &claims)?);
                next_control = next_control.saturating_add(1);
            }
            String::from_utf8(bytes).context("the 837 written is not text")?
        }
    };
    match out {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => {
            use std::io::Write as _;
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
