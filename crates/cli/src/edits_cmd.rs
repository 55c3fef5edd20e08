//! `rcm edits …`: the scrubber's tables (NCCI PTP and MUE imports) and payer rules.

use std::path::Path;
use std::process::ExitCode;

use crate::outln;
use crate::{ncci_cmd, rules_cmd};

#[derive(clap::Args, Debug)]
pub struct EditsArgs {
    #[command(subcommand)]
    pub command: EditsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum EditsCommand {
    #[command(flatten)]
    Tables(ncci_cmd::TablesCommand),
    /// Payer rules written by the billing office (TOML): check a rules file.
    Rules(rules_cmd::RulesArgs),
    /// Every edit the scrubber can raise: id, category, severity, what it means.
    List,
}

pub fn run(args: EditsArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match args.command {
        EditsCommand::Tables(c) => ncci_cmd::run(c, data_dir, json),
        EditsCommand::Rules(a) => rules_cmd::run(a, data_dir, json),
        EditsCommand::List => list(json),
    }
}

fn list(json: bool) -> anyhow::Result<ExitCode> {
    let edits = rcm_edits::catalog::EDITS;
    if json {
        crate::output::json(&edits)?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in edits {
        outln!("{:<38} {:<8} {}", e.id, e.severity.label(), e.what)?;
    }
    outln!(
        "payer.<rule id>                        (rule)   a payer rule from the office's rule files (`rcm edits rules check`)"
    )?;
    Ok(ExitCode::SUCCESS)
}
