//! `rcm ar …`: getting paid from the terminal. Import what payers send (835 remittances, 999 and
//! 277CA acknowledgements), read the work queue and the unmatched payments, and the receivables
//! reports (A/R aging by payer or patient, the headline numbers) as text, JSON or CSV.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::civil::Date;
use rcm_claims::posting::{self, amount, csv_record};
use rcm_store::{AGING_BUCKETS, Actor, AgingBy, ImportOutcome, Store, WorkFilter};
use serde_json::json;

use crate::outln;
use crate::store_cmd::{DatabaseArgs, Target};

#[derive(clap::Args, Debug)]
pub struct ArArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The organization (needed when the database holds more than one).
    #[arg(long, global = true, value_name = "ID")]
    pub organization: Option<i64>,
    #[command(subcommand)]
    pub command: ArCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ArCommand {
    /// Import files from payers and clearinghouses: 835 remittances are posted, 999 and 277CA
    /// acknowledgements update the claims they name. Each file is all or nothing; a file imported
    /// before changes nothing.
    Import(ImportArgs),
    /// A/R aging: what is owed, by payer (insurance balances) or by patient, in 0-30, 31-60, 61-90,
    /// 91-120 and 120+ days since the date of service.
    Aging(AgingArgs),
    /// The work queue: rejected and denied claims with the reason and the usual next step.
    Queue(QueueArgs),
    /// Payments in 835s that matched no claim.
    Unmatched,
    /// Headline numbers: A/R, days in A/R, first-pass acceptance and denial rates.
    Summary(SummaryArgs),
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The files (835, 999 or 277CA).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum By {
    Payer,
    Patient,
}

#[derive(clap::Args, Debug)]
pub struct AgingArgs {
    #[arg(long, value_enum, default_value = "payer")]
    pub by: By,
    /// Age the balances as of this date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(clap::Args, Debug)]
pub struct QueueArgs {
    /// Only items of this kind: rejected, denied, line_denied.
    #[arg(long)]
    pub kind: Option<String>,
    /// Include resolved items.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
}

#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
}

fn today() -> Date {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

pub fn run(args: ArArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let target = Target::resolve(&args.db, data_dir);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(async {
            let (store, _, _) = target.open_pool(data_dir, false, 2).await?;
            let outcome = run_with(&store, &args, json).await;
            store.close().await;
            outcome
        })
        .map_err(|e| target.scrub(e))
}

async fn organization(store: &Store, given: Option<i64>) -> anyhow::Result<i64> {
    let orgs = store.organizations().await?;
    match given {
        Some(id) if orgs.iter().any(|o| o.id == id) => Ok(id),
        Some(id) => bail!("no organization {id} in this database"),
        None => match orgs.as_slice() {
            [one] => Ok(one.id),
            [] => bail!("the database has no organization yet: run `rcm store bootstrap` first"),
            _ => bail!(
                "the database holds {} organizations: say which with --organization ID",
                orgs.len()
            ),
        },
    }
}

async fn run_with(store: &Store, args: &ArArgs, json: bool) -> anyhow::Result<ExitCode> {
    let org = organization(store, args.organization).await?;
    let actor = Actor::system(&format!("cli:{}", crate::store_cmd::os_user()));
    match &args.command {
        ArCommand::Import(a) => import(store, &actor, org, &a.files, json).await,
        ArCommand::Aging(a) => aging(store, &actor, org, a, json).await,
        ArCommand::Queue(a) => queue(store, org, a, json).await,
        ArCommand::Unmatched => unmatched(store, org, json).await,
        ArCommand::Summary(a) => summary(store, org, a.as_of.unwrap_or_else(today), json).await,
    }
}

async fn import(
    store: &Store,
    actor: &Actor,
    org: i64,
    files: &[PathBuf],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut refused = false;
    let mut docs = Vec::new();
    for file in files {
        let refuse = |docs: &mut Vec<serde_json::Value>, refused: &mut bool, why: String| {
            *refused = true;
            if json {
                docs.push(json!({"file": file.display().to_string(), "refused": why}));
            } else {
                eprintln!("{}: refused: {why}", file.display());
            }
        };
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return Ok(ExitCode::from(2));
            }
        };
        let read = match posting::read_received(&bytes) {
            Ok(r) => r,
            Err(e) => {
                refuse(&mut docs, &mut refused, e.to_string());
                continue;
            }
        };
        let notices: Vec<String> = read.notices.iter().map(|f| f.to_string()).collect();
        let outcome = match store
            .import_received(actor, org, &bytes, &read.content)
            .await
        {
            Ok(o) => o,
            Err(e) => {
                refuse(&mut docs, &mut refused, e.to_string());
                continue;
            }
        };
        match outcome {
            ImportOutcome::AlreadyImported {
                file_id,
                imported_at,
            } => {
                if json {
                    docs.push(json!({"file": file.display().to_string(), "already_imported": {"file_id": file_id, "imported_at": imported_at.to_string()}}));
                } else {
                    outln!(
                        "{}: imported before (file #{file_id}, {imported_at}); nothing changed",
                        file.display()
                    )?;
                }
            }
            ImportOutcome::Imported(r) => {
                if json {
                    docs.push(json!({
                        "file": file.display().to_string(),
                        "file_id": r.file_id,
                        "kind": r.kind,
                        "payments": r.payments.iter().map(|p| json!({
                            "remittance_id": p.remittance_id,
                            "already_posted": p.remittance_id.is_none(),
                            "payer": p.payer_name,
                            "trace_number": p.trace_number,
                            "payment": amount(p.payment_cents),
                            "claims_posted": p.claims_posted,
                            "claims_unmatched": p.claims_unmatched,
                            "denials": p.denials,
                            "provider_adjustments": amount(p.provider_adjustment_cents),
                        })).collect::<Vec<_>>(),
                        "acknowledged": r.acknowledged.iter().map(|a| json!({
                            "claim_id": a.claim_id,
                            "accepted": a.accepted,
                            "code": a.code,
                            "message": a.message,
                            "new_status": a.new_status.map(|s| s.as_str()),
                        })).collect::<Vec<_>>(),
                        "unknown": r.unknown,
                        "notices": notices,
                    }));
                } else {
                    outln!("{}: {} file #{}", file.display(), r.kind, r.file_id)?;
                    for p in &r.payments {
                        match p.remittance_id {
                            None => outln!(
                                "  payment {} from {} ({}) was posted before; skipped",
                                p.trace_number,
                                p.payer_name,
                                amount(p.payment_cents)
                            )?,
                            Some(id) => outln!(
                                "  payment {} from {}: ${} posted as remittance #{id}: {} claim(s) posted, {} unmatched, {} denial(s){}",
                                p.trace_number,
                                p.payer_name,
                                amount(p.payment_cents),
                                p.claims_posted,
                                p.claims_unmatched,
                                p.denials,
                                if p.provider_adjustment_cents != 0 {
                                    format!(
                                        ", provider-level adjustments ${}",
                                        amount(p.provider_adjustment_cents)
                                    )
                                } else {
                                    String::new()
                                }
                            )?,
                        }
                    }
                    for a in &r.acknowledged {
                        outln!(
                            "  claim {}: {} — {}{}",
                            a.claim_id,
                            if a.accepted { "accepted" } else { "REJECTED" },
                            a.message,
                            a.new_status
                                .map(|s| format!(" (now {s})"))
                                .unwrap_or_default()
                        )?;
                    }
                    for u in &r.unknown {
                        outln!("  not ours: {u}")?;
                    }
                    for n in &notices {
                        outln!("  notice: {n}")?;
                    }
                }
            }
        }
    }
    if json {
        crate::output::json(&json!({ "files": docs }))?;
    }
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn aging(
    store: &Store,
    actor: &Actor,
    org: i64,
    a: &AgingArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let as_of = a.as_of.unwrap_or_else(today);
    let by = match a.by {
        By::Payer => AgingBy::Payer,
        By::Patient => AgingBy::Patient,
    };
    let rows = store.ar_aging(actor, org, as_of, by).await?;
    let mut totals = [0i64; 5];
    for r in &rows {
        for (t, b) in totals.iter_mut().zip(r.buckets) {
            *t += b;
        }
    }
    let who = match a.by {
        By::Payer => "payer",
        By::Patient => "patient",
    };
    if a.csv {
        let mut header = vec![who.to_string()];
        header.extend(AGING_BUCKETS.iter().map(|b| b.to_string()));
        header.push("total".into());
        header.push("claims".into());
        let mut out = csv_record(&header);
        for r in &rows {
            let mut f = vec![r.label.clone()];
            f.extend(r.buckets.iter().map(|c| amount(*c)));
            f.push(amount(r.total));
            f.push(r.claims.to_string());
            out.push_str(&csv_record(&f));
        }
        crate::output::out_raw(&out)?;
    } else if json {
        crate::output::json(&json!({
            "as_of": as_of.to_string(),
            "by": who,
            "buckets": AGING_BUCKETS,
            "rows": rows.iter().map(|r| json!({
                "id": r.id, "name": r.label,
                "buckets": r.buckets.iter().map(|c| amount(*c)).collect::<Vec<_>>(),
                "total": amount(r.total), "claims": r.claims,
            })).collect::<Vec<_>>(),
            "totals": totals.iter().map(|c| amount(*c)).collect::<Vec<_>>(),
            "total": amount(totals.iter().sum()),
        }))?;
    } else {
        outln!("A/R aging by {who} as of {as_of}")?;
        outln!(
            "{:<32} {:>12} {:>12} {:>12} {:>12} {:>12} {:>13}",
            who,
            AGING_BUCKETS[0],
            AGING_BUCKETS[1],
            AGING_BUCKETS[2],
            AGING_BUCKETS[3],
            AGING_BUCKETS[4],
            "total"
        )?;
        for r in &rows {
            let label: String = r.label.chars().take(32).collect();
            outln!(
                "{:<32} {:>12} {:>12} {:>12} {:>12} {:>12} {:>13}",
                label,
                amount(r.buckets[0]),
                amount(r.buckets[1]),
                amount(r.buckets[2]),
                amount(r.buckets[3]),
                amount(r.buckets[4]),
                amount(r.total)
            )?;
        }
        outln!(
            "{:<32} {:>12} {:>12} {:>12} {:>12} {:>12} {:>13}",
            "TOTAL",
            amount(totals[0]),
            amount(totals[1]),
            amount(totals[2]),
            amount(totals[3]),
            amount(totals[4]),
            amount(totals.iter().sum())
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn queue(store: &Store, org: i64, a: &QueueArgs, json: bool) -> anyhow::Result<ExitCode> {
    let (items, total) = store
        .work_items(
            &WorkFilter {
                organization_id: org,
                include_resolved: a.all,
                kind: a.kind.clone(),
                ..WorkFilter::default()
            },
            a.limit.clamp(1, 10_000),
            0,
        )
        .await?;
    if json {
        crate::output::json(&json!({
            "total": total,
            "items": items.iter().map(|w| json!({
                "id": w.id, "claim_id": w.claim_id, "kind": w.kind, "source": w.source,
                "group": w.group_code, "reason": w.reason_code,
                "reason_meaning": posting::work_reason_meaning(&w.kind, &w.reason_code),
                "remark": w.remark_code, "next_step": posting::work_next_step(&w.kind, &w.reason_code),
                "amount": amount(w.amount_cents), "payer": w.payer_name,
                "opened_at": w.opened_at.to_string(), "assigned_to": w.assigned_to,
                "resolved_at": w.resolved_at.map(|t| t.to_string()),
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        outln!("{total} item(s) in the work queue")?;
        for w in &items {
            outln!(
                "#{} claim {} {} {} {} ${} ({}) — {}",
                w.id,
                w.claim_id,
                w.kind,
                w.payer_name,
                if w.group_code.is_empty() {
                    w.reason_code.clone()
                } else {
                    format!("{}-{}", w.group_code, w.reason_code)
                },
                amount(w.amount_cents),
                posting::work_reason_meaning(&w.kind, &w.reason_code),
                posting::work_next_step(&w.kind, &w.reason_code)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn unmatched(store: &Store, org: i64, json: bool) -> anyhow::Result<ExitCode> {
    let rows = store.unmatched_payments(org, false).await?;
    if json {
        crate::output::json(&json!({
            "unmatched": rows.iter().map(|u| json!({
                "id": u.id, "remittance_id": u.remittance_id, "trace_number": u.trace_number,
                "payer": u.payer_name, "patient_control_number": u.patient_control_number,
                "payer_claim_control_number": u.payer_claim_control_number,
                "status_code": u.status_code, "charge": amount(u.charge_cents),
                "paid": amount(u.paid_cents), "reason": u.reason,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        outln!("{} unmatched payment(s)", rows.len())?;
        for u in &rows {
            outln!(
                "#{} {} trace {} PCN {} payer claim {} charge ${} paid ${} ({})",
                u.id,
                u.payer_name,
                u.trace_number,
                u.patient_control_number,
                u.payer_claim_control_number,
                amount(u.charge_cents),
                amount(u.paid_cents),
                u.reason.replace('_', " ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn summary(store: &Store, org: i64, as_of: Date, json: bool) -> anyhow::Result<ExitCode> {
    let s = store.receivables_summary(org, as_of).await?;
    let pct =
        |n: i64, d: i64| (d > 0).then(|| format!("{}.{}%", n * 1000 / d / 10, n * 1000 / d % 10));
    let days = s
        .days_in_ar_tenths()
        .map(|t| format!("{}.{}", t / 10, t % 10));
    if json {
        crate::output::json(&json!({
            "as_of": as_of.to_string(),
            "insurance_ar": amount(s.insurance_ar_cents),
            "patient_ar": amount(s.patient_ar_cents),
            "charges_last_90_days": amount(s.charges_90_days_cents),
            "days_in_ar": days,
            "first_pass_acceptance": {"accepted": s.first_pass_accepted, "answered": s.first_answers},
            "denials": {"denied_claims": s.denied_claims, "adjudicated_claims": s.adjudicated_claims},
        }))?;
    } else {
        outln!("Receivables as of {as_of}")?;
        outln!("  insurance A/R      ${}", amount(s.insurance_ar_cents))?;
        outln!("  patient A/R        ${}", amount(s.patient_ar_cents))?;
        outln!(
            "  days in A/R        {}",
            days.unwrap_or_else(|| "no charges in the last 90 days".into())
        )?;
        outln!(
            "  first-pass acceptance {} ({} of {} claims answered)",
            pct(s.first_pass_accepted, s.first_answers).unwrap_or_else(|| "-".into()),
            s.first_pass_accepted,
            s.first_answers
        )?;
        outln!(
            "  denial rate        {} ({} of {} adjudicated claims)",
            pct(s.denied_claims, s.adjudicated_claims).unwrap_or_else(|| "-".into()),
            s.denied_claims,
            s.adjudicated_claims
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
