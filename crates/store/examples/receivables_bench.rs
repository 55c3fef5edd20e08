//! Getting-paid benchmark on a real store (release build; `make bench-receivables` runs it on
//! SQLite and PostgreSQL):
//!
//! - posting: a 10,000-claim 835 (20,000 service lines, 1 claim in 10 denied) for 10,000 submitted
//!   claims, timed from the file's bytes to the committed transaction (validation, reading, matching,
//!   posting, balances, status history, work queue), several runs on fresh claims, median;
//! - A/R aging over 1,000,000 service lines (250,000 claims of 4 lines, spread over 200 days and
//!   five payers, each with a balance): aging by payer and by patient and the headline numbers,
//!   median of several runs.
//!
//! Usage: `receivables_bench [sqlite|postgres] [--claims N] [--aging-lines N] [--runs N] [--keep-835 PATH]`.
//! PostgreSQL comes from `RCM_TEST_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/test),
//! in a schema of its own that is dropped at the end. Seeding writes rows in bulk with SQL; the
//! timed parts go through the public API only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use jiff::ToSpan;
use jiff::civil::{Date, date};
use rcm_store::*;

struct Args {
    engine: String,
    claims: usize,
    aging_lines: usize,
    runs: usize,
    keep_835: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        engine: "sqlite".into(),
        claims: 10_000,
        aging_lines: 1_000_000,
        runs: 3,
        keep_835: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--claims" => a.claims = it.next().and_then(|v| v.parse().ok()).expect("--claims N"),
            "--aging-lines" => {
                a.aging_lines = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--aging-lines N")
            }
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--keep-835" => a.keep_835 = it.next(),
            "sqlite" | "postgres" => a.engine = x,
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

struct Office {
    org: i64,
    /// (encounter, coverage) pairs to hang claims on, one per patient.
    visits: Vec<(i64, i64)>,
}

async fn office(store: &Store) -> Office {
    let a = Actor::system("bench");
    let org = store
        .create_organization(
            &a,
            &NewOrganization {
                name: "Bench Medical Group".into(),
                npi: Some("1234567893".into()),
                tax_id: None,
            },
        )
        .await
        .unwrap();
    let provider = store
        .create_billing_provider(
            &a,
            &NewBillingProvider {
                organization_id: org.id,
                name: "Bench Medical Group".into(),
                npi: "1234567893".into(),
                tax_id: "123456789".into(),
                taxonomy: None,
                address_line1: "1 Main St".into(),
                address_line2: None,
                city: "Springfield".into(),
                state: "IL".into(),
                postal_code: "627010000".into(),
            },
        )
        .await
        .unwrap();
    let mut payers = Vec::new();
    for i in 0..5 {
        payers.push(
            store
                .create_payer(
                    &a,
                    &NewPayer {
                        organization_id: org.id,
                        name: format!("Payer {i}"),
                        payer_code: format!("P{i:04}"),
                        claim_filing_indicator: "CI".into(),
                    },
                )
                .await
                .unwrap(),
        );
    }
    let mut visits = Vec::new();
    for i in 0..200 {
        let patient = store
            .create_patient(
                &a,
                &PatientData {
                    organization_id: org.id,
                    last_name: format!("Patient{i:03}"),
                    first_name: "Bench".into(),
                    middle_name: None,
                    birth_date: date(1960, 1, 1),
                    sex: Sex::Female,
                    address: None,
                    phone: None,
                },
            )
            .await
            .unwrap();
        let coverage = store
            .create_coverage(
                &a,
                &CoverageData {
                    patient_id: patient.id,
                    payer_id: payers[i % payers.len()].id,
                    order: 1,
                    member_id: format!("M{i:08}"),
                    group_number: None,
                    relationship: Relationship::Own,
                    subscriber_last_name: format!("Patient{i:03}"),
                    subscriber_first_name: "Bench".into(),
                    subscriber_birth_date: None,
                    effective_from: date(2020, 1, 1),
                    effective_to: None,
                },
            )
            .await
            .unwrap();
        let encounter = store
            .create_encounter(
                &a,
                &EncounterData {
                    organization_id: org.id,
                    patient_id: patient.id,
                    billing_provider_id: provider.id,
                    rendering_provider_id: None,
                    service_date: date(2026, 10, 1),
                    place_of_service: "11".into(),
                    notes: None,
                },
            )
            .await
            .unwrap();
        visits.push((encounter.id, coverage.id));
    }
    Office {
        org: org.id,
        visits,
    }
}

const CODES: [&str; 6] = ["99213", "99214", "36415", "80053", "85025", "93000"];

/// One claim to seed: its charge per line, date of service and money already posted.
struct Seed {
    lines: Vec<(&'static str, i64)>,
    service_date: Date,
    status: &'static str,
    paid: i64,
    adjusted: i64,
    patient_resp: i64,
}

/// Inserts claims and their lines with multi-row SQL (literal values: all generated here) and
/// returns the new claim ids in order.
async fn seed_claims(store: &Store, office: &Office, seeds: &[Seed]) -> Vec<i64> {
    let pool = store.pool();
    let first: i64 = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM claims")
        .fetch_one(pool)
        .await
        .unwrap();
    let now = "2026-11-24T00:00:00.000000Z";
    for (chunk_no, chunk) in seeds.chunks(1000).enumerate() {
        let mut sql = String::from(
            "INSERT INTO claims (id, organization_id, encounter_id, coverage_id, kind, status, frequency_code, \
             total_charge_cents, version, created_at, updated_at, updated_by, service_date, submitted_at, paid_cents, \
             adjusted_cents, patient_resp_cents, first_response) VALUES ",
        );
        let mut lines = String::from(
            "INSERT INTO claim_lines (claim_id, line_number, procedure_code, modifiers, charge_cents, units_milli, \
             diagnosis_pointers, service_date) VALUES ",
        );
        for (i, s) in chunk.iter().enumerate() {
            let id = first + (chunk_no * 1000 + i) as i64 + 1;
            let (enc, cov) = office.visits[(id as usize) % office.visits.len()];
            let total: i64 = s.lines.iter().map(|l| l.1).sum();
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({id}, {}, {enc}, {cov}, 'professional', '{}', '1', {total}, 1, '{now}', '{now}', 'bench', '{}', '{now}', {}, {}, {}, {})",
                office.org,
                s.status,
                s.service_date,
                s.paid,
                s.adjusted,
                s.patient_resp,
                if s.status == "submitted" { "NULL" } else { "'accepted'" }
            ));
            for (n, (code, cents)) in s.lines.iter().enumerate() {
                if i > 0 || n > 0 {
                    lines.push(',');
                }
                lines.push_str(&format!(
                    "({id}, {}, '{code}', '', {cents}, 1000, '1', '{}')",
                    n + 1,
                    s.service_date
                ));
            }
        }
        sqlx::raw_sql(&sql).execute(pool).await.unwrap();
        sqlx::raw_sql(&lines).execute(pool).await.unwrap();
    }
    if store.engine() == Engine::Postgres {
        // Explicit ids above: move the identity past them.
        sqlx::raw_sql(
            "SELECT setval(pg_get_serial_sequence('claims', 'id'), (SELECT MAX(id) FROM claims))",
        )
        .execute(pool)
        .await
        .unwrap();
    }
    (1..=seeds.len() as i64).map(|i| first + i).collect()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let key = EncryptionKey::generate().unwrap();
    let mut options = match a.engine.as_str() {
        "postgres" => {
            let url = std::env::var("RCM_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let mut o = StoreOptions::new(url, key);
            o.pg_schema = Some(format!("rcm_bench_{}", std::process::id()));
            o
        }
        _ => StoreOptions::new(
            format!("sqlite://{}", dir.path().join("rcm.sqlite3").display()),
            key,
        ),
    };
    options.max_connections = 4;
    let store = Store::open(&options).await.unwrap();
    let office = office(&store).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let actor = Actor::system("bench");

    // ---- posting
    let mut read_times = Vec::new();
    let mut post_times = Vec::new();
    let mut totals = Vec::new();
    let mut file_bytes = 0;
    for run in 0..a.runs {
        let seeds: Vec<Seed> = (0..a.claims)
            .map(|_| Seed {
                lines: (0..2)
                    .map(|_| {
                        (
                            CODES[rng.below(CODES.len() as u64) as usize],
                            ((50 + rng.below(300)) * 100) as i64,
                        )
                    })
                    .collect(),
                service_date: date(2026, 10, 1),
                status: "submitted",
                paid: 0,
                adjusted: 0,
                patient_resp: 0,
            })
            .collect();
        let ids = seed_claims(&store, &office, &seeds).await;
        let billed: Vec<rcm_x12::synth::BilledForRemit> = ids
            .iter()
            .zip(&seeds)
            .map(|(id, s)| rcm_x12::synth::BilledForRemit {
                patient_control_number: rcm_claims::posting::patient_control_number(*id),
                patient_last_name: "PATIENT".into(),
                patient_first_name: "BENCH".into(),
                member_id: format!("M{id:08}"),
                lines: s
                    .lines
                    .iter()
                    .map(|(c, cents)| (c.to_string(), vec![], rcm_x12::Money(*cents)))
                    .collect(),
            })
            .collect();
        let remit = rcm_x12::synth::remittance_paying(&format!("BENCH{run:04}"), &billed, 10);
        let bytes = rcm_x12::synth::remit_interchange(&[remit], 1000 + run as u32).unwrap();
        file_bytes = bytes.len();
        if run == 0
            && let Some(path) = &a.keep_835
        {
            std::fs::write(path, &bytes).unwrap();
        }
        let t0 = Instant::now();
        let read = rcm_claims::posting::read_received(&bytes).unwrap();
        let t1 = Instant::now();
        let outcome = store
            .import_received(&actor, office.org, &bytes, &read.content)
            .await
            .unwrap();
        let t2 = Instant::now();
        let ImportOutcome::Imported(report) = outcome else {
            panic!("not imported")
        };
        assert_eq!(report.payments[0].claims_posted, a.claims);
        read_times.push(t1 - t0);
        post_times.push(t2 - t1);
        totals.push(t2 - t0);
        eprintln!(
            "posting run {}: read+validate {} + post {} = {}",
            run + 1,
            ms(t1 - t0),
            ms(t2 - t1),
            ms(t2 - t0)
        );
    }
    println!(
        "{} posting a {}-claim 835 ({:.1} MB): median {} (read+validate {}, post {}), runs {:?}",
        a.engine,
        a.claims,
        file_bytes as f64 / 1e6,
        ms(median(totals.clone())),
        ms(median(read_times)),
        ms(median(post_times)),
        totals.iter().map(|d| ms(*d)).collect::<Vec<_>>()
    );

    // ---- aging
    if a.aging_lines > 0 {
        let claims = a.aging_lines / 4;
        let t = Instant::now();
        let mut seeds = Vec::with_capacity(claims);
        for _ in 0..claims {
            let lines: Vec<(&'static str, i64)> = (0..4)
                .map(|_| {
                    (
                        CODES[rng.below(CODES.len() as u64) as usize],
                        ((50 + rng.below(300)) * 100) as i64,
                    )
                })
                .collect();
            let total: i64 = lines.iter().map(|l| l.1).sum();
            let paid_share = rng.below(3);
            let (status, paid, adjusted, pr) = match paid_share {
                0 => ("submitted", 0, 0, 0),
                1 => ("accepted", 0, 0, 0),
                _ => ("paid", total * 6 / 10, total * 2 / 10, total / 10),
            };
            seeds.push(Seed {
                lines,
                service_date: date(2026, 11, 24)
                    .checked_sub((rng.below(200) as i64).days())
                    .unwrap(),
                status,
                paid,
                adjusted,
                patient_resp: pr,
            });
        }
        for chunk in seeds.chunks(50_000) {
            seed_claims(&store, &office, chunk).await;
        }
        if store.engine() == Engine::Postgres {
            sqlx::raw_sql("ANALYZE")
                .execute(store.pool())
                .await
                .unwrap();
        }
        eprintln!(
            "seeded {} claims / {} service lines in {:.1} s",
            claims,
            claims * 4,
            t.elapsed().as_secs_f64()
        );
        let lines: i64 = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM claim_lines")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let as_of = date(2026, 11, 24);
        let mut by_payer = Vec::new();
        let mut by_patient = Vec::new();
        let mut summary = Vec::new();
        let mut check = 0;
        for _ in 0..5 {
            let t0 = Instant::now();
            let rows = store
                .ar_aging(&actor, office.org, as_of, AgingBy::Payer)
                .await
                .unwrap();
            by_payer.push(t0.elapsed());
            check = rows.iter().map(|r| r.total).sum::<i64>();
            let t0 = Instant::now();
            store
                .ar_aging(&actor, office.org, as_of, AgingBy::Patient)
                .await
                .unwrap();
            by_patient.push(t0.elapsed());
            let t0 = Instant::now();
            store.receivables_summary(office.org, as_of).await.unwrap();
            summary.push(t0.elapsed());
        }
        println!(
            "{} A/R aging over {} service lines ({} claims in the database): by payer median {}, by patient {}, headline numbers {}; insurance A/R ${}",
            a.engine,
            lines,
            claims + a.claims * a.runs,
            ms(median(by_payer)),
            ms(median(by_patient)),
            ms(median(summary)),
            check / 100
        );
    }
    store.close().await;
    if a.engine == "postgres"
        && let Some(schema) = options.pg_schema
    {
        let pool = sqlx::AnyPool::connect(&options.url).await.unwrap();
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&pool)
            .await
            .unwrap();
    }
}
