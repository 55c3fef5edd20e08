//! Payer-specific rules a billing office writes in TOML, without a programmer.
//! `rcm edits rules check FILE_OR_DIR…`: load the rules, list them, or show every problem.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rcm_edits::rules::{Problem, Rule, RuleSet, RulesError};
use serde::Serialize;

use crate::outln;
use crate::output::{self, bold, clip};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum RulesCommand {
    /// Check rule files (or directories of *.toml files) and list their rules. Exit 1
    /// with every problem (file:line:column: rule: key: message) when there are any.
    Check {
        /// A rules file or a directory of them.
        #[arg(value_name = "FILE_OR_DIR")]
        file: PathBuf,
        /// More files or directories, loaded into the same rule set.
        #[arg(value_name = "MORE")]
        more: Vec<PathBuf>,
    },
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    finding_id: &'a str,
    description: &'a str,
    scope: &'static str,
    action: &'static str,
    action_detail: String,
    severity: &'static str,
    trigger: &'a str,
    file: &'a str,
    line: usize,
}

fn rule_json(r: &Rule) -> RuleJson<'_> {
    RuleJson {
        id: r.id(),
        finding_id: r.finding_id(),
        description: r.description(),
        scope: r.scope().as_str(),
        action: r.action().as_str(),
        action_detail: r.action_detail(),
        severity: r.severity().as_str(),
        trigger: r.trigger_summary(),
        file: r.origin(),
        line: r.line(),
    }
}

pub fn run(a: RulesArgs, _data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    match a.command {
        RulesCommand::Check { file, more } => {
            let mut paths = vec![file];
            paths.extend(more);
            check(&paths, json)
        }
    }
}

fn check(paths: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    match RuleSet::load(paths) {
        Ok(set) => {
            if json {
                let rules: Vec<RuleJson<'_>> = set.rules().map(rule_json).collect();
                output::json(&serde_json::json!({ "rules": rules }))?;
            } else {
                print_rules(&set)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(RulesError::Problems(problems)) => {
            if json {
                output::json(&serde_json::json!({ "problems": problems }))?;
            } else {
                print_problems(&problems)?;
            }
            Ok(ExitCode::from(1))
        }
        // Unreadable file or empty directory: the command could not run (exit 2).
        Err(e) => Err(e.into()),
    }
}

fn print_rules(set: &RuleSet) -> anyhow::Result<()> {
    if set.is_empty() {
        outln!("No rules (the files hold no [[rule]] tables).")?;
        return Ok(());
    }
    let id_w = set
        .rules()
        .map(|r| r.id().chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, 32);
    let act_w = set
        .rules()
        .map(|r| r.action_detail().chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, 48);
    outln!(
        "{}",
        bold(&format!(
            "{:<id_w$}  {:<5}  {:<act_w$}  {}",
            "ID", "SCOPE", "ACTION", "TRIGGER"
        ))
    )?;
    for r in set.rules() {
        outln!(
            "{:<id_w$}  {:<5}  {:<act_w$}  {}",
            clip(r.id(), id_w),
            r.scope().as_str(),
            clip(&r.action_detail(), act_w),
            r.trigger_summary()
        )?;
        outln!("{:<id_w$}  {}", "", r.description())?;
    }
    let n = set.len();
    outln!(
        "{n} rule{} loaded without problems.",
        if n == 1 { "" } else { "s" }
    )?;
    Ok(())
}

fn print_problems(problems: &[Problem]) -> anyhow::Result<()> {
    for p in problems {
        outln!("{p}")?;
    }
    let n = problems.len();
    eprintln!(
        "rcm: {n} problem{} in the rules; nothing was loaded",
        if n == 1 { "" } else { "s" }
    );
    Ok(())
}
