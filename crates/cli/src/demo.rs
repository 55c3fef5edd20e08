//! `rcm demo`: what `make run` opens. A short guided tour of the code engine on the
//! installed official release, then (on a terminal) a prompt that answers codes and
//! phrases as a coder types them.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use rcm_codes::{Catalog, CodeSet, CodeSystem, SearchOptions};

use crate::codes_cmd::{LookupJson, print_lookup};
use crate::outln;
use crate::output::{bold, clip};

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Print the tour and exit, without the interactive prompt.
    #[arg(long)]
    pub no_prompt: bool,
}

pub fn run(args: DemoArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::open(data_dir)?;
    let today = jiff::ZonedDateTime::now().date();
    let eff = catalog.in_effect(CodeSystem::Icd10cm, today)?;
    let set = catalog.load(&eff.info.id)?;
    let c = &set.info().counts;
    outln!(
        "{} is installed in {}: {} codes and headers, {} billable.",
        bold(&set.info().label),
        catalog.dir().display(),
        c.codes,
        c.billable
    )?;
    if let Some(w) = &eff.warning {
        outln!("note: {w}")?;
    }
    step(
        "A code with its 7th character, every note that applies and where it comes from",
        "rcm codes lookup S72.001A",
    )?;
    if let Some(code) = set.lookup("S72.001A") {
        print_lookup(&LookupJson::new(&set, code, None))?;
    }
    step(
        "Validation explains what is wrong",
        "rcm codes validate E11 S72.001 M48.50A E11.9",
    )?;
    for input in ["E11", "S72.001", "M48.50A", "E11.9"] {
        let v = set.validate(input);
        outln!("  {:<9} {}", input, v.message)?;
    }
    step(
        "Search reads abbreviations, typos and lay terms",
        "rcm codes search \"htn with ckd stage 3\"",
    )?;
    for q in [
        "htn with ckd stage 3",
        "pnuemonia",
        "broken hip initial encounter",
        "heart attack",
    ] {
        outln!("  \"{q}\"")?;
        show_hits(&set, q, 3)?;
    }
    scrub_tour(data_dir, today)?;
    outln!()?;
    outln!(
        "Every command takes --json, and --date-of-service to answer from the version in effect."
    )?;
    if args.no_prompt || !std::io::stdin().is_terminal() {
        outln!("Try: target/release/rcm codes search \"copd exacerbation\"")?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("Type a code to look it up, or words to search (empty line to quit).")?;
    let stdin = std::io::stdin();
    loop {
        print!("rcm> ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        match set.lookup(line) {
            Some(code) => print_lookup(&LookupJson::new(&set, code, None))?,
            None => {
                if rcm_codes::CodeKey::parse(line).is_some_and(|k| k.is_icd10cm_shape())
                    && set.search(line, &SearchOptions::default()).is_empty()
                {
                    outln!("  {}", set.validate(line).message)?;
                } else {
                    show_hits(&set, line, 8)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn step(what: &str, command: &str) -> std::io::Result<()> {
    outln!()?;
    outln!("{}", bold(&format!("▸ {what}")))?;
    outln!("  $ {command}")?;
    Ok(())
}

fn show_hits(set: &CodeSet, q: &str, n: usize) -> std::io::Result<()> {
    let hits = set.search(
        q,
        &SearchOptions {
            limit: n,
            ..Default::default()
        },
    );
    if hits.is_empty() {
        outln!("    no codes match")?;
    }
    for h in hits {
        let mark = if h.billable { "•" } else { "◦" };
        outln!("    {mark} {:<9} {}", h.code, clip(&h.title, 90))?;
        outln!("      ↳ {}", clip(&h.why.join("; "), 100))?;
    }
    Ok(())
}

/// The shipped example claims, with two mistakes a biller makes every day.
fn scrub_tour(data_dir: &Path, today: jiff::civil::Date) -> anyhow::Result<()> {
    step(
        "Scrub claims before the payer sees them",
        "rcm claims check examples/claims/office-visits.json",
    )?;
    let mut file: rcm_claims::ClaimFile =
        serde_json::from_str(include_str!("../../../examples/claims/office-visits.json"))?;
    if let Some(c) = file.claims.first_mut() {
        // A category instead of a billable code, and a pointer past the last diagnosis.
        if let Some(d) = c.diagnoses.first_mut() {
            *d = "E11".into();
        }
        if let Some(l) = c.lines.get_mut(1) {
            l.diagnosis_pointers = vec![5];
        }
    }
    let scrubber =
        rcm_edits::Scrubber::open(data_dir, rcm_edits::rules::RuleSet::default(), today)?;
    let reports = scrubber.check_batch(&file.build());
    for r in &reports {
        if r.findings.is_empty() {
            outln!("  {} {}: clean", r.path, r.patient_control_number)?;
            continue;
        }
        outln!("  {} {}:", r.path, r.patient_control_number)?;
        for f in &r.findings {
            outln!(
                "    {} {} ({})",
                f.severity.label(),
                f.id,
                f.fields.join(", ")
            )?;
            outln!("      {}", clip(&f.message, 100))?;
            if let Some(n) = &f.next_step {
                outln!("      next: {}", clip(n, 100))?;
            }
        }
    }
    Ok(())
}
