//! `rcm`: every OpenRCM job from the terminal.
//!
//! Exit status: 0 success, 1 the input has problems (invalid codes, findings), 2 the
//! command could not run (bad arguments, unreadable file, nothing imported).

mod ar_cmd;
mod claims_cmd;
mod codes_cmd;
mod demo;
mod edits_cmd;
mod ncci_cmd;
mod rules_cmd;
mod serve_cmd;
mod store_cmd;
mod systems_cmd;
mod x12_cmd;
mod x12_lists;
#[macro_use]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "rcm",
    version,
    about = "OpenRCM: medical coding and billing, from encounter to paid claim"
)]
pub struct Cli {
    /// Where code sets, edit tables, the database and keys live.
    #[arg(long, global = true, env = "RCM_DATA_DIR", default_value = "var/rcm")]
    pub data_dir: PathBuf,
    /// Machine-readable JSON on standard output.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Code sets: import the official files, look up, validate and search codes.
    Codes(codes_cmd::CodesArgs),
    /// Claims: scrub claim JSON or an 837P/837I batch before submission.
    Claims(claims_cmd::ClaimsArgs),
    /// A guided tour of the code engine, then an interactive prompt on a terminal.
    Demo(demo::DemoArgs),
    /// The scrubber's edit tables (NCCI PTP, MUE) and payer rules.
    Edits(edits_cmd::EditsArgs),
    /// HIPAA X12 5010 files: parse, validate (with a 999), read remittances, write claims.
    X12(x12_cmd::X12Args),
    /// The audit log: verify its hash chain, list who did what.
    Audit(store_cmd::AuditArgs),
    /// The database: create or upgrade it, rotate the PHI encryption key.
    Store(store_cmd::StoreArgs),
    /// The web application and HTTP API (127.0.0.1:8080 by default).
    Serve(serve_cmd::ServeArgs),
    /// Getting paid: import 835 remittances and 999/277CA acknowledgements, the work queue, A/R aging.
    Ar(ar_cmd::ArArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Codes(args) => codes_cmd::run(args, &cli.data_dir, cli.json),
        Command::Claims(args) => claims_cmd::run(args, &cli.data_dir, cli.json),
        Command::Edits(args) => edits_cmd::run(args, &cli.data_dir, cli.json),
        Command::Demo(args) => demo::run(args, &cli.data_dir),
        Command::X12(args) => x12_cmd::run(args, &cli.data_dir, cli.json),
        Command::Audit(args) => store_cmd::run_audit(args, &cli.data_dir, cli.json),
        Command::Store(args) => store_cmd::run_store(args, &cli.data_dir, cli.json),
        Command::Serve(args) => serve_cmd::run(args, &cli.data_dir),
        Command::Ar(args) => ar_cmd::run(args, &cli.data_dir, cli.json),
    };
    match result {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.json {
                let v = serde_json::json!({ "error": format!("{e:#}") });
                let _ = outln!("{v}");
            }
            eprintln!("rcm: {e:#}");
            ExitCode::from(2)
        }
    }
}
