//! The demo organization `make run` opens: a family practice with synthetic patients (names
//! made up, never real people), its payers and providers, EDI settings, one user per role, and
//! claims in several states. Seeded once per data directory; the demo password is random, kept
//! in `<data>/demo-login.txt` (mode 0600) and printed at every start.

use std::path::Path;

use jiff::civil::Date;
use rcm_store::{self as store, Actor, Role, Store};

/// What the demo gives the person who starts it.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub organization_id: i64,
    pub password: String,
    pub users: Vec<(String, Role)>,
}

pub const LOGIN_FILE: &str = "demo-login.txt";

/// An NPI with its check digit (Luhn over 80840 and the first nine digits).
pub fn npi(first_nine: u32) -> String {
    let digits: Vec<u32> = format!("80840{first_nine:09}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{first_nine:09}{}", (10 - sum % 10) % 10)
}

const LAST: &[&str] = &[
    "Alvarez",
    "Brennan",
    "Castellano",
    "Dubois",
    "Eriksen",
    "Fairweather",
    "Gallagher",
    "Hollis",
    "Ibarra",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Pellegrini",
];
const FIRST: &[(&str, store::Sex)] = &[
    ("Marisol", store::Sex::Female),
    ("Declan", store::Sex::Male),
    ("Ottilie", store::Sex::Female),
    ("Rafferty", store::Sex::Male),
    ("Ines", store::Sex::Female),
    ("Tobias", store::Sex::Male),
    ("Wilhelmina", store::Sex::Female),
    ("Caspian", store::Sex::Male),
];

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap_or_default()
}

fn write_login(data_dir: &Path, password: &str) -> std::io::Result<()> {
    let path = data_dir.join(LOGIN_FILE);
    let text = format!(
        "OpenRCM demo organization (synthetic data only)\nusers: demo-biller demo-coder demo-supervisor demo-auditor demo-admin\npassword: {password}\n"
    );
    rcm_codes::files::write_atomic(data_dir, LOGIN_FILE, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn read_password(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data_dir.join(LOGIN_FILE)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("password: "))
        .map(str::to_owned)
}

/// Seeds the demo organization unless the store has one already; returns the login either way.
pub async fn seed(store: &Store, data_dir: &Path) -> Result<DemoLogin, String> {
    let users = vec![
        ("demo-biller".to_owned(), Role::Biller),
        ("demo-coder".to_owned(), Role::Coder),
        ("demo-supervisor".to_owned(), Role::Supervisor),
        ("demo-auditor".to_owned(), Role::Auditor),
        ("demo-admin".to_owned(), Role::Admin),
    ];
    let orgs = store.organizations().await.map_err(|e| e.to_string())?;
    if let Some(org) = orgs.first() {
        let password = read_password(data_dir).ok_or_else(|| {
            format!(
                "this data directory has an organization but no {LOGIN_FILE}: it was not made by the demo; \
                 start without --demo, or use another data directory"
            )
        })?;
        return Ok(DemoLogin {
            organization_id: org.id,
            password,
            users,
        });
    }
    let password = crate::auth::random_token()
        .map(|t| format!("demo-{}", &t[..16]))
        .ok_or("no random numbers available")?;
    let actor = Actor::system("demo");
    let e = |x: store::StoreError| x.to_string();
    let org = store
        .create_organization(
            &actor,
            &store::NewOrganization {
                name: "Riverside Family Medicine (demo)".into(),
                npi: Some(npi(123_456_789)),
                tax_id: Some("84-1234567".into()),
            },
        )
        .await
        .map_err(e)?;
    let billing = store
        .create_billing_provider(
            &actor,
            &store::NewBillingProvider {
                organization_id: org.id,
                name: "RIVERSIDE FAMILY MEDICINE".into(),
                npi: npi(123_456_789),
                tax_id: "84-1234567".into(),
                taxonomy: Some("207Q00000X".into()),
                address_line1: "400 RIVER ROAD".into(),
                address_line2: Some("SUITE 2".into()),
                city: "SPRINGFIELD".into(),
                state: "IL".into(),
                postal_code: "627011234".into(),
            },
        )
        .await
        .map_err(e)?;
    let mut rendering = Vec::new();
    for (last, first, n) in [
        ("OKAFOR", "ADAEZE", 198_765_432u32),
        ("LINDGREN", "PAUL", 154_321_098),
    ] {
        rendering.push(
            store
                .create_rendering_provider(
                    &actor,
                    &store::NewRenderingProvider {
                        organization_id: org.id,
                        last_name: last.into(),
                        first_name: Some(first.into()),
                        npi: npi(n),
                        taxonomy: Some("207Q00000X".into()),
                    },
                )
                .await
                .map_err(e)?,
        );
    }
    let mut payers = Vec::new();
    for (name, code, filing) in [
        ("MEDICARE PART B (DEMO)", "DEMOMCR01", "MB"),
        ("PRAIRIE HEALTH PLAN (DEMO)", "DEMOPHP02", "CI"),
        ("STATE MEDICAID (DEMO)", "DEMOMCD03", "MC"),
    ] {
        payers.push(
            store
                .create_payer(
                    &actor,
                    &store::NewPayer {
                        organization_id: org.id,
                        name: name.into(),
                        payer_code: code.into(),
                        claim_filing_indicator: filing.into(),
                    },
                )
                .await
                .map_err(e)?,
        );
    }
    store
        .set_edi_settings(
            &actor,
            org.id,
            &store::EdiSettings {
                submitter_id: "RIVERSIDEFM".into(),
                contact_name: "BILLING OFFICE".into(),
                contact_phone: "2175550100".into(),
                receiver_id: "DEMOCLEARING".into(),
                receiver_name: "DEMO CLEARINGHOUSE".into(),
            },
        )
        .await
        .map_err(e)?;
    for (name, role) in &users {
        let display = format!("Demo {}", role.as_str());
        store
            .create_user(&actor, name, &display, &password, &[*role])
            .await
            .map_err(e)?;
    }
    // Twelve synthetic patients with coverage; every other one has a coded visit.
    let today = crate::coding::today();
    let visits: &[Visit] = &[
        (&["E119", "I10"], &[("99214", 15_000), ("36415", 2_500)]),
        (&["J069"], &[("99213", 11_000)]),
        (&["M5450", "Z87891"], &[("99213", 11_000)]),
        (&["E785", "I10"], &[("99214", 15_000), ("80053", 4_500)]),
        (&["Z0000"], &[("99396", 22_000)]),
        (&["E11"], &[("99213", 11_000)]),
    ];
    let mut past = Vec::new();
    for i in 0..12usize {
        let (first, sex) = FIRST[i % FIRST.len()];
        let year = 1948 + (i as i16 * 5) % 50;
        let patient = store
            .create_patient(
                &actor,
                &store::PatientData {
                    organization_id: org.id,
                    last_name: LAST[i % LAST.len()].into(),
                    first_name: first.into(),
                    middle_name: None,
                    birth_date: date(year, (i % 12) as i8 + 1, (i % 27) as i8 + 1),
                    sex,
                    address: Some(store::Address {
                        line1: format!("{} MAPLE AVENUE", 100 + i * 7),
                        line2: None,
                        city: "SPRINGFIELD".into(),
                        state: "IL".into(),
                        postal_code: "62704".into(),
                    }),
                    phone: Some(format!("217555{:04}", 1000 + i)),
                },
            )
            .await
            .map_err(e)?;
        let payer = &payers[if year < 1960 { 0 } else { 1 + i % 2 }];
        let coverage = store
            .create_coverage(
                &actor,
                &store::CoverageData {
                    patient_id: patient.id,
                    payer_id: payer.id,
                    order: 1,
                    member_id: format!("DM{:08}", 31_000_000 + i * 7_919),
                    group_number: (payer.payer.claim_filing_indicator == "CI")
                        .then(|| "GRP4410".into()),
                    relationship: store::Relationship::Own,
                    subscriber_last_name: patient.data.last_name.clone(),
                    subscriber_first_name: patient.data.first_name.clone(),
                    subscriber_birth_date: Some(patient.data.birth_date),
                    effective_from: date(2024, 1, 1),
                    effective_to: None,
                },
            )
            .await
            .map_err(e)?;
        if year < 1960 && i % 2 == 1 {
            // Medicare with Medicaid behind it (dual eligible): once Medicare pays, the claim
            // page offers to bill Medicaid with Medicare's adjudication.
            store
                .create_coverage(
                    &actor,
                    &store::CoverageData {
                        patient_id: patient.id,
                        payer_id: payers[2].id,
                        order: 2,
                        member_id: format!("MCD{:08}", 52_000_000 + i * 4_111),
                        group_number: None,
                        relationship: store::Relationship::Own,
                        subscriber_last_name: patient.data.last_name.clone(),
                        subscriber_first_name: patient.data.first_name.clone(),
                        subscriber_birth_date: Some(patient.data.birth_date),
                        effective_from: date(2024, 1, 1),
                        effective_to: None,
                    },
                )
                .await
                .map_err(e)?;
        }
        if i % 2 == 1 {
            // Older visits, already sent and (mostly) answered: the work queue, the aging and
            // the reports have something to show.
            let (dx, lines) = visits[(i / 2 + 1) % visits.len()];
            let service_date = today
                .checked_sub(jiff::Span::new().days(20 + 26 * (i as i64 / 2)))
                .unwrap_or(today);
            let claim = visit(
                store,
                &actor,
                org.id,
                patient.id,
                billing.id,
                rendering[i % 2].id,
                coverage.id,
                (dx, lines),
                service_date,
            )
            .await
            .map_err(e)?;
            let claim = store
                .set_claim_status(
                    &actor,
                    claim.id,
                    claim.version,
                    store::ClaimStatus::Ready,
                    None,
                )
                .await
                .map_err(e)?;
            past.push((
                claim,
                patient.data.last_name.clone(),
                patient.data.first_name.clone(),
            ));
            continue;
        }
        let (dx, lines) = visits[(i / 2) % visits.len()];
        let service_date = today
            .checked_sub(jiff::Span::new().days(3 + i as i64))
            .unwrap_or(today);
        let claim = visit(
            store,
            &actor,
            org.id,
            patient.id,
            billing.id,
            rendering[i % 2].id,
            coverage.id,
            (dx, lines),
            service_date,
        )
        .await
        .map_err(e)?;
        // The first two visits are ready to send; the rest wait as drafts (one with a header code
        // the scrubber catches).
        if i < 4 {
            store
                .set_claim_status(
                    &actor,
                    claim.id,
                    claim.version,
                    store::ClaimStatus::Ready,
                    None,
                )
                .await
                .map_err(e)?;
        }
    }
    paid_history(store, &actor, org.id, &past)
        .await
        .map_err(e)?;
    write_login(data_dir, &password)
        .map_err(|x| format!("{}: {x}", data_dir.join(LOGIN_FILE).display()))?;
    Ok(DemoLogin {
        organization_id: org.id,
        password,
        users,
    })
}

type Visit = (&'static [&'static str], &'static [(&'static str, i64)]);

/// An encounter and its draft claim.
#[allow(clippy::too_many_arguments)]
async fn visit(
    store: &Store,
    actor: &Actor,
    organization_id: i64,
    patient_id: i64,
    billing_provider_id: i64,
    rendering_provider_id: i64,
    coverage_id: i64,
    (dx, lines): Visit,
    service_date: Date,
) -> store::Result<store::Claim> {
    let encounter = store
        .create_encounter(
            actor,
            &store::EncounterData {
                organization_id,
                patient_id,
                billing_provider_id,
                rendering_provider_id: Some(rendering_provider_id),
                service_date,
                place_of_service: "11".into(),
                notes: Some("Synthetic demo visit note: follow-up of chronic conditions.".into()),
            },
        )
        .await?;
    store
        .create_claim(
            actor,
            &store::NewClaim {
                organization_id,
                encounter_id: encounter.id,
                kind: store::ClaimKind::Professional,
                content: store::ClaimContent {
                    coverage_id,
                    frequency_code: "1".into(),
                    diagnoses: dx.iter().map(|d| d.to_string()).collect(),
                    lines: lines
                        .iter()
                        .map(|(code, cents)| store::ServiceLine {
                            procedure_code: (*code).into(),
                            modifiers: Vec::new(),
                            charge_cents: *cents,
                            units_milli: 1000,
                            diagnosis_pointers: (1..=dx.len().min(4) as u8).collect(),
                            service_date,
                            place_of_service: None,
                            rendering_provider_id: None,
                        })
                        .collect(),
                },
            },
        )
        .await
}

/// The older visits are sent in one batch and a payer answers the first four with an 835 (one
/// denied for medical necessity); the last two are still waiting, so they age.
async fn paid_history(
    store: &Store,
    actor: &Actor,
    organization_id: i64,
    past: &[(store::Claim, String, String)],
) -> store::Result<()> {
    if past.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = past.iter().map(|(c, ..)| c.id).collect();
    store
        .create_batch(actor, organization_id, store::ClaimKind::Professional, &ids)
        .await?;
    let billed: Vec<rcm_x12::synth::BilledForRemit> = past
        .iter()
        .take(4)
        .map(|(c, last, first)| rcm_x12::synth::BilledForRemit {
            patient_control_number: rcm_claims::posting::patient_control_number(c.id),
            patient_last_name: last.clone(),
            patient_first_name: first.clone(),
            member_id: format!("DM{:08}", c.id),
            lines: c
                .content
                .lines
                .iter()
                .map(|l| {
                    (
                        l.procedure_code.clone(),
                        l.modifiers.clone(),
                        rcm_x12::Money(l.charge_cents),
                    )
                })
                .collect(),
        })
        .collect();
    let remit = rcm_x12::synth::remittance_paying("DEMOEFT0001", &billed, 3);
    let invalid = |what: &str| store::StoreError::Invalid {
        field: "demo 835",
        reason: what.to_string(),
    };
    let bytes =
        rcm_x12::synth::remit_interchange(&[remit], 1).map_err(|x| invalid(&x.to_string()))?;
    let read = rcm_claims::posting::read_received(&bytes).map_err(|x| invalid(&x.to_string()))?;
    store
        .import_received(actor, organization_id, &bytes, &read.content)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn demo_npis_pass_the_check_digit() {
        assert_eq!(npi(123_456_789), "1234567893", "the CMS example NPI");
        for n in [198_765_432, 154_321_098, 123_456_789] {
            assert!(rcm_claims::Npi::parse(&npi(n)).is_ok(), "{}", npi(n));
        }
    }
}
