//! The store's test suite: every test body runs on SQLite (a temp file) and on PostgreSQL (a schema of its
//! own in `RCM_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`). PostgreSQL being
//! unreachable FAILS the PostgreSQL tests: `scripts/test-postgres.sh` provides one when none is running.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use jiff::civil::date;
use rcm_store::*;

struct TestDb {
    store: Store,
    url: String,
    schema: Option<String>,
    key: EncryptionKey,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn pg_url() -> String {
    std::env::var("RCM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

impl TestDb {
    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("rcm.sqlite3").display());
        let key = EncryptionKey::generate().unwrap();
        let store = Store::open(&StoreOptions::new(&url, key.clone()))
            .await
            .unwrap();
        TestDb {
            store,
            url,
            schema: None,
            key,
            _dir: Some(dir),
        }
    }

    async fn postgres() -> TestDb {
        let url = pg_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "rcm_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::any::install_default_drivers();
        // One direct connection first: a refused connection fails at once instead of after the pool's timeout.
        if let Err(e) = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await {
            panic!(
                "PostgreSQL is not reachable at {url} ({e}). The store tests need a running PostgreSQL: run \
                 scripts/test-postgres.sh (it uses the one on 127.0.0.1:5432 or starts a throwaway cluster), \
                 or set RCM_TEST_DATABASE_URL."
            );
        }
        let key = EncryptionKey::generate().unwrap();
        let mut options = StoreOptions::new(&url, key.clone());
        options.pg_schema = Some(schema.clone());
        let store = match Store::open(&options).await {
            Ok(store) => store,
            Err(e) => panic!(
                "PostgreSQL is not reachable at {url} ({e}). The store tests need a running PostgreSQL: run \
                 scripts/test-postgres.sh (it uses the one on 127.0.0.1:5432 or starts a throwaway cluster), \
                 or set RCM_TEST_DATABASE_URL."
            ),
        };
        TestDb {
            store,
            url,
            schema: Some(schema),
            key,
            _dir: None,
        }
    }

    fn options(&self, key: &EncryptionKey) -> StoreOptions {
        let mut options = StoreOptions::new(&self.url, key.clone());
        options.pg_schema = self.schema.clone();
        options
    }

    async fn reopen(&self, key: &EncryptionKey) -> Result<Store> {
        Store::open(&self.options(key)).await
    }

    /// Runs raw SQL as an attacker with database access would (bypassing the store's API).
    async fn raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(sql)
            .execute(self.store.pool())
            .await
            .map(|_| ())
    }

    async fn finish(self) {
        self.store.close().await;
        if let Some(schema) = &self.schema {
            let pool = sqlx::AnyPool::connect(&self.url).await.unwrap();
            sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

fn me() -> Actor {
    Actor::user("coder1", "192.0.2.7")
}

struct Fixture {
    org: Organization,
    provider: BillingProvider,
    payer: Payer,
    patient: Patient,
    coverage: Coverage,
    encounter: Encounter,
}

fn patient_data(org: i64) -> PatientData {
    PatientData {
        organization_id: org,
        last_name: "Quixleyworth".into(),
        first_name: "Marguerite".into(),
        middle_name: Some("Ysolde".into()),
        birth_date: date(1961, 7, 14),
        sex: Sex::Female,
        address: Some(Address {
            line1: "4417 Zebrawood Lane".into(),
            line2: None,
            city: "Plainsboro".into(),
            state: "NJ".into(),
            postal_code: "085360000".into(),
        }),
        phone: Some("6095550142".into()),
    }
}

async fn fixture(store: &Store) -> Fixture {
    let a = me();
    let org = store
        .create_organization(
            &a,
            &NewOrganization {
                name: "Lakeside Family Practice".into(),
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
                name: "Lakeside Family Practice".into(),
                npi: "1234567893".into(),
                tax_id: "123456789".into(),
                taxonomy: Some("207Q00000X".into()),
                address_line1: "1 Main St".into(),
                address_line2: None,
                city: "Springfield".into(),
                state: "IL".into(),
                postal_code: "627010000".into(),
            },
        )
        .await
        .unwrap();
    let payer = store
        .create_payer(
            &a,
            &NewPayer {
                organization_id: org.id,
                name: "Prairie Mutual Health".into(),
                payer_code: "PMH01".into(),
                claim_filing_indicator: "CI".into(),
            },
        )
        .await
        .unwrap();
    let patient = store
        .create_patient(&a, &patient_data(org.id))
        .await
        .unwrap();
    let coverage = store
        .create_coverage(
            &a,
            &CoverageData {
                patient_id: patient.id,
                payer_id: payer.id,
                order: 1,
                member_id: "ZQX98765432".into(),
                group_number: Some("GRP7781".into()),
                relationship: Relationship::Own,
                subscriber_last_name: "Quixleyworth".into(),
                subscriber_first_name: "Marguerite".into(),
                subscriber_birth_date: Some(date(1961, 7, 14)),
                effective_from: date(2024, 1, 1),
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
                service_date: date(2024, 3, 5),
                place_of_service: "11".into(),
                notes: Some("Marguerite reports knee pain after a fall".into()),
            },
        )
        .await
        .unwrap();
    Fixture {
        org,
        provider,
        payer,
        patient,
        coverage,
        encounter,
    }
}

fn content(coverage_id: i64, charge: i64, code: &str) -> ClaimContent {
    ClaimContent {
        coverage_id,
        frequency_code: "1".into(),
        diagnoses: vec!["M25561".into(), "W010XXA".into()],
        lines: vec![ServiceLine {
            procedure_code: code.into(),
            modifiers: vec!["25".into()],
            charge_cents: charge,
            units_milli: 1000,
            diagnosis_pointers: vec![1, 2],
            service_date: date(2024, 3, 5),
            place_of_service: None,
            rendering_provider_id: None,
        }],
    }
}

async fn new_claim(store: &Store, f: &Fixture) -> Claim {
    store
        .create_claim(
            &me(),
            &NewClaim {
                organization_id: f.org.id,
                encounter_id: f.encounter.id,
                kind: ClaimKind::Professional,
                content: content(f.coverage.id, 12_500, "99213"),
            },
        )
        .await
        .unwrap()
}

// ---------------------------------------------------------------- test bodies (run on both engines)

async fn reopening_applies_nothing_twice(db: &TestDb) {
    let f = fixture(&db.store).await;
    let again = db.reopen(&db.key).await.unwrap();
    assert_eq!(
        again.organization(f.org.id).await.unwrap().name,
        "Lakeside Family Practice"
    );
    assert_eq!(
        again.describe_schema().await.unwrap(),
        db.store.describe_schema().await.unwrap()
    );
    again.close().await;
}

async fn patient_round_trip_and_blind_index_lookup(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let read = s.patient(&me(), f.patient.id).await.unwrap();
    assert_eq!(read.data, patient_data(f.org.id));
    assert_eq!(read.version, 1);
    // Case, spaces and punctuation do not matter; the birth date does.
    let found = s
        .find_patients(&me(), f.org.id, " quixley-WORTH", date(1961, 7, 14))
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![f.patient.id]
    );
    assert!(
        s.find_patients(&me(), f.org.id, "Quixleyworth", date(1961, 7, 15))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.find_patients(&me(), f.org.id + 1, "Quixleyworth", date(1961, 7, 14))
            .await
            .unwrap()
            .is_empty()
    );
    let covs = s.coverages(&me(), f.patient.id).await.unwrap();
    assert_eq!(covs, vec![f.coverage.clone()]);
    let enc = s.encounter(&me(), f.encounter.id).await.unwrap();
    assert_eq!(enc, f.encounter);
    // Updating with a stale version is refused; the first save wins.
    let mut changed = patient_data(f.org.id);
    changed.last_name = "Quixleyworth-Adair".into();
    let saved = s
        .update_patient(&me(), f.patient.id, 1, &changed)
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    let err = s
        .update_patient(&me(), f.patient.id, 1, &patient_data(f.org.id))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current_version: 2 }),
        "{err:?}"
    );
    assert_eq!(
        s.patient(&me(), f.patient.id).await.unwrap().data.last_name,
        "Quixleyworth-Adair"
    );
    assert!(
        s.find_patients(&me(), f.org.id, "Quixleyworth Adair", date(1961, 7, 14))
            .await
            .unwrap()
            .len()
            == 1
    );
    // Every view was recorded, with who and from where.
    let views = s
        .audit_events(
            None,
            Some(("patient", &f.patient.id.to_string())),
            None,
            100,
        )
        .await
        .unwrap();
    assert!(views.iter().filter(|e| e.action == "view").count() >= 3);
    assert!(
        views
            .iter()
            .all(|e| e.actor == "coder1" && e.ip == "192.0.2.7")
    );
    assert!(matches!(
        s.patient(&me(), 999_999).await,
        Err(StoreError::NotFound {
            record: "patient",
            ..
        })
    ));
}

async fn claim_lifecycle_history_and_batches(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let claim = new_claim(s, &f).await;
    assert_eq!(
        (claim.status, claim.version, claim.total_charge_cents),
        (ClaimStatus::Draft, 1, 12_500)
    );
    assert_eq!(s.claim(&me(), claim.id).await.unwrap(), claim);
    // Not allowed: draft straight to paid.
    let err = s
        .set_claim_status(&me(), claim.id, 1, ClaimStatus::Paid, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InvalidTransition {
                from: ClaimStatus::Draft,
                to: ClaimStatus::Paid
            }
        ),
        "{err:?}"
    );
    // ...and nothing was written by the refused change.
    assert_eq!(s.claim(&me(), claim.id).await.unwrap().version, 1);
    let biller = Actor::user("biller2", "198.51.100.4");
    let ready = s
        .set_claim_status(
            &biller,
            claim.id,
            1,
            ClaimStatus::Ready,
            Some("checked against the chart"),
        )
        .await
        .unwrap();
    assert_eq!((ready.status, ready.version), (ClaimStatus::Ready, 2));
    // A second, draft claim cannot go in a batch: the whole batch is refused.
    let other = new_claim(s, &f).await;
    let err = s
        .create_batch(
            &biller,
            f.org.id,
            ClaimKind::Professional,
            &[claim.id, other.id],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InvalidTransition {
                from: ClaimStatus::Draft,
                to: ClaimStatus::Submitted
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        s.claim(&me(), claim.id).await.unwrap().status,
        ClaimStatus::Ready
    );
    let batch = s
        .create_batch(&biller, f.org.id, ClaimKind::Professional, &[claim.id])
        .await
        .unwrap();
    assert_eq!(
        (batch.interchange_control_number, batch.claim_ids.clone()),
        (1, vec![claim.id])
    );
    let submitted = s.claim(&me(), claim.id).await.unwrap();
    assert_eq!(
        (submitted.status, submitted.batch_id),
        (ClaimStatus::Submitted, Some(batch.id))
    );
    // Submitted claims are not edited.
    let err = s
        .update_claim(
            &me(),
            claim.id,
            submitted.version,
            &content(f.coverage.id, 1, "99214"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotEditable {
                status: ClaimStatus::Submitted
            }
        ),
        "{err:?}"
    );
    s.set_claim_status(&me(), other.id, 1, ClaimStatus::Ready, None)
        .await
        .unwrap();
    let second = s
        .create_batch(&biller, f.org.id, ClaimKind::Professional, &[other.id])
        .await
        .unwrap();
    assert_eq!(second.interchange_control_number, 2);
    s.set_batch_file(&biller, second.id, b"ISA*00*...~")
        .await
        .unwrap();
    assert_eq!(
        s.batch_file(&biller, second.id).await.unwrap().as_deref(),
        Some(&b"ISA*00*...~"[..])
    );
    let history = s.claim_history(&me(), claim.id).await.unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|h| (h.from, h.to, h.by.as_str()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (None, ClaimStatus::Draft, "coder1"),
            (Some(ClaimStatus::Draft), ClaimStatus::Ready, "biller2"),
            (Some(ClaimStatus::Ready), ClaimStatus::Submitted, "biller2"),
        ]
    );
    assert_eq!(
        history[1].note.as_deref(),
        Some("checked against the chart")
    );
    // The list and its filters.
    let filter = ClaimFilter {
        organization_id: f.org.id,
        ..Default::default()
    };
    let (page, total) = s.list_claims(&filter, 0, 1).await.unwrap();
    assert_eq!((page.len(), total), (1, 2));
    let (_, submitted_total) = s
        .list_claims(
            &ClaimFilter {
                status: Some(ClaimStatus::Submitted),
                ..filter.clone()
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(submitted_total, 2);
    let (_, none) = s
        .list_claims(
            &ClaimFilter {
                status: Some(ClaimStatus::Paid),
                ..filter.clone()
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(none, 0);
    let (rows, n) = s
        .list_claims(
            &ClaimFilter {
                payer_id: Some(f.payer.id),
                billing_provider_id: Some(f.provider.id),
                service_from: Some(date(2024, 3, 5)),
                service_to: Some(date(2024, 3, 5)),
                ..filter.clone()
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(
        (n, rows[0].patient_id, rows[0].service_date),
        (2, f.patient.id, date(2024, 3, 5))
    );
    let (_, later) = s
        .list_claims(
            &ClaimFilter {
                service_from: Some(date(2024, 3, 6)),
                ..filter
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(later, 0);
}

async fn concurrent_claim_edits_conflict_and_lose_nothing(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let claim = new_claim(s, &f).await;
    let alice = Actor::user("alice", "10.0.0.1");
    let bob = Actor::user("bob", "10.0.0.2");
    let edit_a = content(f.coverage.id, 20_000, "99214");
    let edit_b = content(f.coverage.id, 30_000, "99215");
    let (ra, rb) = tokio::join!(
        s.update_claim(&alice, claim.id, 1, &edit_a),
        s.update_claim(&bob, claim.id, 1, &edit_b)
    );
    let (winner, loser_edit, loser_err) = match (ra, rb) {
        (Ok(w), Err(e)) => (w, edit_b, e),
        (Err(e), Ok(w)) => (w, edit_a, e),
        other => panic!("exactly one of two concurrent saves must win, got {other:?}"),
    };
    assert!(
        matches!(loser_err, StoreError::Conflict { current_version: 2 }),
        "{loser_err:?}"
    );
    let stored = s.claim(&me(), claim.id).await.unwrap();
    assert_eq!(stored, winner);
    assert_eq!(stored.version, 2);
    // The loser reloads and saves again: both edits happened in turn, none silently overwritten.
    let retried = s
        .update_claim(&me(), claim.id, 2, &loser_edit)
        .await
        .unwrap();
    assert_eq!((retried.version, &retried.content), (3, &loser_edit));
    // Eight at once: one wins, seven are told.
    let edits: Vec<_> = (0..8)
        .map(|i| content(f.coverage.id, 1000 + i, "99212"))
        .collect();
    let results = futures_join_all(s, claim.id, 3, &edits).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, StoreError::Conflict { current_version: 4 }))
    );
    assert_eq!(s.claim(&me(), claim.id).await.unwrap().version, 4);
}

async fn futures_join_all(
    s: &Store,
    id: i64,
    version: i64,
    edits: &[ClaimContent],
) -> Vec<Result<Claim>> {
    let actor = me();
    let mut set = Vec::new();
    for e in edits {
        set.push(s.update_claim(&actor, id, version, e));
    }
    // Poll them all together on this task.
    let mut pending: Vec<_> = set.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<Result<Claim>>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, f) in pending.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(r) => out[i] = Some(r),
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.into_iter().map(|r| r.unwrap()).collect()
}

async fn audit_chain_detects_altered_and_deleted_entries(db: &TestDb) {
    let s = &db.store;
    let at = jiff::Timestamp::from_second(1_700_000_000).unwrap();
    for i in 0..5 {
        s.append_audit(
            "auditor1",
            AuditAction::View,
            "patient",
            &i.to_string(),
            "203.0.113.9",
            at,
        )
        .await
        .unwrap();
    }
    let ok = s.verify_audit().await.unwrap();
    assert_eq!(
        ok,
        AuditVerification {
            entries: 5,
            first_broken: None
        }
    );
    // The API has no update or delete, and the database refuses them too.
    assert!(
        db.raw("UPDATE audit_events SET record_id = '99' WHERE seq = 3")
            .await
            .is_err()
    );
    assert!(
        db.raw("DELETE FROM audit_events WHERE seq = 2")
            .await
            .is_err()
    );
    // Someone with the database owner's rights drops the triggers and edits entry 3.
    drop_audit_triggers(db).await;
    db.raw("UPDATE audit_events SET record_id = '99' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap().first_broken,
        Some(AuditBreak {
            seq: 3,
            problem: AuditProblem::Altered
        })
    );
    db.raw("UPDATE audit_events SET record_id = '2' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(s.verify_audit().await.unwrap().first_broken, None);
    // Recomputing entry 3's own hash does not help: entry 4 no longer follows it.
    db.raw("UPDATE audit_events SET at = '2023-11-14T22:13:21.000000Z' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap().first_broken,
        Some(AuditBreak {
            seq: 3,
            problem: AuditProblem::Altered
        })
    );
    db.raw("UPDATE audit_events SET at = '2023-11-14T22:13:20.000000Z' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(s.verify_audit().await.unwrap().first_broken, None);
    // Deleted from the middle, then from the end.
    db.raw("DELETE FROM audit_events WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap().first_broken,
        Some(AuditBreak {
            seq: 2,
            problem: AuditProblem::Missing
        })
    );
}

async fn audit_chain_detects_deleted_last_entry(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await; // appends entries through the API writes
    s.patient(&me(), f.patient.id).await.unwrap();
    let v = s.verify_audit().await.unwrap();
    assert!(v.first_broken.is_none() && v.entries >= 7, "{v:?}");
    drop_audit_triggers(db).await;
    db.raw(&format!(
        "DELETE FROM audit_events WHERE seq = {}",
        v.entries
    ))
    .await
    .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap().first_broken,
        Some(AuditBreak {
            seq: v.entries,
            problem: AuditProblem::Missing
        })
    );
}

async fn drop_audit_triggers(db: &TestDb) {
    match db.store.engine() {
        Engine::Sqlite => db.raw("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete").await,
        Engine::Postgres => {
            db.raw("DROP TRIGGER audit_events_no_update ON audit_events; DROP TRIGGER audit_events_no_delete ON audit_events")
                .await
        }
    }
    .unwrap();
}

async fn key_rotation_reencrypts_everything(db: &TestDb) {
    let f = fixture(&db.store).await;
    let claim = new_claim(&db.store, &f).await;
    db.store
        .set_claim_status(
            &me(),
            claim.id,
            1,
            ClaimStatus::Ready,
            Some("Marguerite's chart checked"),
        )
        .await
        .unwrap();
    let batch = db
        .store
        .create_batch(&me(), f.org.id, ClaimKind::Professional, &[claim.id])
        .await
        .unwrap();
    db.store
        .set_batch_file(&me(), batch.id, b"NM1*IL*1*QUIXLEYWORTH~")
        .await
        .unwrap();
    let mut store = db.reopen(&db.key).await.unwrap();
    let new_key = EncryptionKey::generate().unwrap();
    let n = store
        .rotate_key(&Actor::system("key-rotation"), &new_key)
        .await
        .unwrap();
    // patient: 9 values (no address line 2), coverage: 5, encounter notes, one status note, one batch file.
    assert_eq!(n, 9 + 5 + 1 + 1 + 1);
    // The old key no longer opens the database; the new one reads everything back.
    let err = db.reopen(&db.key).await.unwrap_err();
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    let s = db.reopen(&new_key).await.unwrap();
    assert_eq!(
        s.patient(&me(), f.patient.id).await.unwrap().data,
        patient_data(f.org.id)
    );
    assert_eq!(
        s.coverages(&me(), f.patient.id).await.unwrap(),
        vec![f.coverage.clone()]
    );
    assert_eq!(
        s.encounter(&me(), f.encounter.id).await.unwrap(),
        f.encounter
    );
    assert_eq!(
        s.claim_history(&me(), claim.id).await.unwrap()[1]
            .note
            .as_deref(),
        Some("Marguerite's chart checked")
    );
    assert_eq!(
        s.batch_file(&me(), batch.id).await.unwrap().as_deref(),
        Some(&b"NM1*IL*1*QUIXLEYWORTH~"[..])
    );
    assert_eq!(
        s.find_patients(&me(), f.org.id, "Quixleyworth", date(1961, 7, 14))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s.verify_audit().await.unwrap().first_broken.is_none());
    s.close().await;
    store.close().await;
}

async fn users_roles_and_sign_in(db: &TestDb) {
    let s = &db.store;
    let admin = Actor::system("setup");
    let user = s
        .create_user(
            &admin,
            "m.okafor",
            "M. Okafor",
            "correct horse battery",
            &[Role::Coder, Role::Biller],
        )
        .await
        .unwrap();
    assert_eq!(user.roles, vec![Role::Coder, Role::Biller]);
    let err = s
        .create_user(&admin, "m.okafor", "Other", "another long password", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
    assert!(matches!(
        s.create_user(&admin, "x", "X", "short", &[]).await,
        Err(StoreError::Invalid {
            field: "password",
            ..
        })
    ));
    let signed = s
        .sign_in("m.okafor", "correct horse battery", "192.0.2.10")
        .await
        .unwrap();
    assert_eq!(signed.map(|u| u.id), Some(user.id));
    assert!(
        s.sign_in("m.okafor", "wrong horse battery", "192.0.2.11")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.sign_in("nobody", "correct horse battery", "192.0.2.12")
            .await
            .unwrap()
            .is_none()
    );
    let events = s.audit_events(None, None, None, 3).await.unwrap();
    let seen: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str(), e.ip.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("sign-in-failed", "nobody", "192.0.2.12"),
            ("sign-in-failed", "m.okafor", "192.0.2.11"),
            ("sign-in", "m.okafor", "192.0.2.10"),
        ]
    );
    // Only the argon2id hash is stored.
    let row: (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE username = 'm.okafor'")
            .fetch_one(s.pool())
            .await
            .unwrap();
    assert!(row.0.starts_with("$argon2id$v=19$"), "{}", row.0);
    assert!(!row.0.contains("horse"));
    s.set_roles(&admin, user.id, &[Role::Auditor])
        .await
        .unwrap();
    assert_eq!(
        s.user_by_username("m.okafor").await.unwrap().unwrap().roles,
        vec![Role::Auditor]
    );
    s.set_password(&admin, user.id, "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        s.sign_in("m.okafor", "correct horse battery", "")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.sign_in("m.okafor", "a brand new passphrase", "")
            .await
            .unwrap()
            .is_some()
    );
}

async fn bad_input_is_refused_without_writing(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let before = s.verify_audit().await.unwrap().entries;
    let mut bad = content(f.coverage.id, 100, "99213");
    bad.lines[0].diagnosis_pointers = vec![3];
    let err = s
        .create_claim(
            &me(),
            &NewClaim {
                organization_id: f.org.id,
                encounter_id: f.encounter.id,
                kind: ClaimKind::Professional,
                content: bad,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "lines.diagnosis_pointers",
                ..
            }
        ),
        "{err:?}"
    );
    // A foreign key the database refuses: the transaction leaves nothing behind.
    let err = s
        .create_claim(
            &me(),
            &NewClaim {
                organization_id: f.org.id,
                encounter_id: 987_654,
                kind: ClaimKind::Professional,
                content: content(f.coverage.id, 1, "99213"),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    let (_, total) = s
        .list_claims(
            &ClaimFilter {
                organization_id: f.org.id,
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(total, 0);
    assert_eq!(s.verify_audit().await.unwrap().entries, before);
    let mut long = patient_data(f.org.id);
    long.last_name = "Q".repeat(61);
    let err = s.create_patient(&me(), &long).await.unwrap_err();
    assert!(!err.to_string().contains("QQQ"), "{err}");
}

async fn tokens_idempotency_edi_and_batches_with_their_file(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let user = s
        .create_user(
            &me(),
            "api-client",
            "API client",
            "correct horse battery",
            &[Role::Biller],
        )
        .await
        .unwrap();
    // API tokens: only a hash is stored; revoked tokens stop working.
    let (token, text) = s.create_api_token(&me(), user.id, "sync").await.unwrap();
    assert!(text.starts_with("rcm_") && text.len() == 68, "{text}");
    assert_eq!(
        s.user_for_api_token(&text).await.unwrap().unwrap().username,
        "api-client"
    );
    assert!(s.user_for_api_token("rcm_nope").await.unwrap().is_none());
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(token.id)
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert!(
        !stored
            .windows(8)
            .any(|w| text.as_bytes().windows(8).any(|t| t == w))
    );
    assert!(s.revoke_api_token(&me(), user.id, token.id).await.unwrap());
    assert!(
        !s.revoke_api_token(&me(), user.id, token.id).await.unwrap(),
        "once"
    );
    assert!(s.user_for_api_token(&text).await.unwrap().is_none());
    // Idempotency: the first answer is kept (encrypted), a second save of the key is refused.
    let first = IdempotentResponse {
        request_hash: [7; 32],
        status: 201,
        body: b"{\"id\":1,\"name\":\"Zebulon\"}".to_vec(),
    };
    assert!(
        s.save_idempotent_response("api-client", "k1", &first)
            .await
            .unwrap()
    );
    let second = IdempotentResponse {
        request_hash: [8; 32],
        status: 201,
        body: b"{}".to_vec(),
    };
    assert!(
        !s.save_idempotent_response("api-client", "k1", &second)
            .await
            .unwrap()
    );
    assert_eq!(
        s.idempotent_response("api-client", "k1")
            .await
            .unwrap()
            .unwrap(),
        first
    );
    assert!(
        s.idempotent_response("someone-else", "k1")
            .await
            .unwrap()
            .is_none(),
        "keys are per user"
    );
    let raw: Vec<u8> = sqlx::query_scalar("SELECT response_enc FROM idempotency_keys")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert!(
        !raw.windows(7).any(|w| w == b"Zebulon"),
        "responses are encrypted"
    );
    // EDI settings are checked, then kept.
    assert!(s.edi_settings(f.org.id).await.unwrap().is_none());
    let mut edi = EdiSettings {
        submitter_id: "LAKESIDE".into(),
        contact_name: "BILLING".into(),
        contact_phone: "555-0100".into(),
        receiver_id: "CLEARING".into(),
        receiver_name: "CLEARINGHOUSE".into(),
    };
    assert!(matches!(
        s.set_edi_settings(&me(), f.org.id, &edi).await,
        Err(StoreError::Invalid {
            field: "contact_phone",
            ..
        })
    ));
    edi.contact_phone = "2175550100".into();
    s.set_edi_settings(&me(), f.org.id, &edi).await.unwrap();
    assert_eq!(s.edi_settings(f.org.id).await.unwrap().unwrap(), edi);
    // A batch whose file cannot be written submits nothing and uses no control number.
    let claim = new_claim(s, &f).await;
    let claim = s
        .set_claim_status(&me(), claim.id, claim.version, ClaimStatus::Ready, None)
        .await
        .unwrap();
    let err = s
        .create_batch_with_file(
            &me(),
            f.org.id,
            ClaimKind::Professional,
            &[claim.id],
            |_| Err("the payer id is missing".into()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::BatchFile(_)), "{err}");
    assert_eq!(
        s.claim(&me(), claim.id).await.unwrap().status,
        ClaimStatus::Ready
    );
    assert!(s.batches(f.org.id, 0, 10).await.unwrap().is_empty());
    let batch = s
        .create_batch_with_file(&me(), f.org.id, ClaimKind::Professional, &[claim.id], |b| {
            Ok(Some(
                format!("ISA*{:09}~", b.interchange_control_number).into_bytes(),
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        batch.interchange_control_number, 1,
        "the failed attempt used no number"
    );
    assert_eq!(
        s.batch_file(&me(), batch.id).await.unwrap().unwrap(),
        b"ISA*000000001~"
    );
    assert_eq!(
        s.batches(f.org.id, 0, 10).await.unwrap()[0].claim_ids,
        vec![claim.id]
    );
    assert_eq!(s.batch(batch.id).await.unwrap(), batch);
    assert!(matches!(
        s.batch(batch.id + 99).await,
        Err(StoreError::NotFound { .. })
    ));
    // The scrubber's verdict filters the list, and only for the version it was given on.
    let other = new_claim(s, &f).await;
    s.set_scrub_result(
        other.id,
        other.version,
        ScrubCounts {
            errors: 2,
            others: 1,
        },
    )
    .await
    .unwrap();
    let with_errors = ClaimFilter {
        organization_id: f.org.id,
        has_errors: Some(true),
        ..Default::default()
    };
    let (rows, n) = s.list_claims(&with_errors, 0, 10).await.unwrap();
    assert_eq!(
        (n, rows[0].id, rows[0].scrub_errors),
        (1, other.id, Some(2))
    );
    s.set_scrub_result(
        other.id,
        other.version + 5,
        ScrubCounts {
            errors: 0,
            others: 0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        s.list_claims(&with_errors, 0, 10).await.unwrap().1,
        1,
        "a verdict on another version is ignored"
    );
    let saved = s
        .update_claim(&me(), other.id, other.version, &other.content)
        .await
        .unwrap();
    assert_eq!(
        s.list_claims(&with_errors, 0, 10).await.unwrap().1,
        0,
        "a save makes the verdict stale"
    );
    let all = ClaimFilter {
        organization_id: f.org.id,
        patient_id: Some(f.patient.id),
        ..Default::default()
    };
    let (rows, _) = s.list_claims(&all, 0, 10).await.unwrap();
    assert!(
        rows.iter()
            .any(|r| r.id == saved.id && r.scrub_errors.is_none())
    );
    // Pages of patients are audited views.
    let before = s.verify_audit().await.unwrap().entries;
    let (page, total) = s.patients_page(&me(), f.org.id, 0, 10).await.unwrap();
    assert_eq!((page.len() as i64, total), (1, 1));
    assert_eq!(page[0].patient.data.last_name, f.patient.data.last_name);
    assert_eq!(s.verify_audit().await.unwrap().entries, before + 1);
}

async fn claims_saved_with_their_records_and_verdict_in_one_transaction(db: &TestDb) {
    let s = &db.store;
    let f = fixture(s).await;
    let new = NewClaim {
        organization_id: f.org.id,
        encounter_id: f.encounter.id,
        kind: ClaimKind::Professional,
        content: content(f.coverage.id, 12_500, "99213"),
    };
    let before = s.verify_audit().await.unwrap().entries;
    let (claim, records) = s
        .create_claim_checked(&me(), &new, |c, r| {
            assert_eq!(r.patient.id, f.patient.id);
            assert_eq!(r.coverage.id, f.coverage.id);
            assert_eq!(r.payer.id, f.payer.id);
            assert_eq!(r.billing.id, f.provider.id);
            assert_eq!(c.version, 1);
            ScrubCounts {
                errors: 1,
                others: 2,
            }
        })
        .await
        .unwrap();
    assert_eq!(records.encounter.id, f.encounter.id);
    assert_eq!(
        claim.scrub,
        Some(ScrubCounts {
            errors: 1,
            others: 2
        })
    );
    assert_eq!(
        s.verify_audit().await.unwrap().entries,
        before + 1,
        "one audit entry: the create"
    );
    let (read, _) = s
        .claim_with_records(&me(), f.org.id, claim.id)
        .await
        .unwrap();
    assert_eq!(read.scrub, claim.scrub);
    assert_eq!(
        s.verify_audit().await.unwrap().entries,
        before + 2,
        "one audit entry: the view"
    );
    // Saved: the verdict is the new version's.
    let (saved, _) = s
        .update_claim_checked(
            &me(),
            f.org.id,
            claim.id,
            1,
            &content(f.coverage.id, 9_900, "99212"),
            |c, _| {
                assert_eq!(c.version, 2);
                ScrubCounts {
                    errors: 0,
                    others: 0,
                }
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (saved.version, saved.scrub),
        (
            2,
            Some(ScrubCounts {
                errors: 0,
                others: 0
            })
        )
    );
    // Another patient's coverage, another organization, a stale version: refused, nothing written.
    let other_patient = s
        .create_patient(&me(), &patient_data(f.org.id))
        .await
        .unwrap();
    let other_coverage = s
        .create_coverage(
            &me(),
            &CoverageData {
                patient_id: other_patient.id,
                ..f.coverage.data.clone()
            },
        )
        .await
        .unwrap();
    let claims_before = s
        .list_claims(
            &ClaimFilter {
                organization_id: f.org.id,
                ..Default::default()
            },
            0,
            50,
        )
        .await
        .unwrap()
        .1;
    let wrong = NewClaim {
        content: content(other_coverage.id, 100, "99213"),
        ..new.clone()
    };
    let err = s
        .create_claim_checked(&me(), &wrong, |_, _| unreachable!())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "coverage_id",
                ..
            }
        ),
        "{err}"
    );
    let err = s
        .create_claim_checked(
            &me(),
            &NewClaim {
                organization_id: f.org.id + 1000,
                ..new.clone()
            },
            |_, _| unreachable!(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(matches!(
        s.claim_with_records(&me(), f.org.id + 1000, claim.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let err = s
        .update_claim_checked(
            &me(),
            f.org.id,
            claim.id,
            1,
            &new.content,
            |_, _| unreachable!(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current_version: 2 }),
        "{err}"
    );
    assert_eq!(
        s.list_claims(
            &ClaimFilter {
                organization_id: f.org.id,
                ..Default::default()
            },
            0,
            50
        )
        .await
        .unwrap()
        .1,
        claims_before
    );
    assert_eq!(
        s.date_of_service(f.org.id, f.encounter.id, false)
            .await
            .unwrap(),
        date(2024, 3, 5)
    );
    assert_eq!(
        s.date_of_service(f.org.id, claim.id, true).await.unwrap(),
        date(2024, 3, 5)
    );
    assert!(
        s.date_of_service(f.org.id + 1000, claim.id, true)
            .await
            .is_err()
    );
}

// ---------------------------------------------------------------- getting paid

/// One interchange around one transaction set: `segments` are the ST..SE body without ST and SE.
fn x12_file(
    functional: &str,
    set: &str,
    version: &str,
    control: u32,
    segments: &[String],
) -> Vec<u8> {
    let mut out = format!(
        "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*LAKESIDE       *261124*1200*^*00501*{control:09}*0*T*:~\
         GS*{functional}*CLEARINGHOUSE*LAKESIDE*20261124*1200*{control}*X*{version}~ST*{set}*0001*{version}~"
    );
    for seg in segments {
        out.push_str(seg);
        out.push('~');
    }
    out.push_str(&format!(
        "SE*{}*0001~GE*1*{control}~IEA*1*{control:09}~",
        segments.len() + 2
    ));
    out.into_bytes()
}

fn ack_999(group_control: i64, accepted: bool, control: u32) -> Vec<u8> {
    let mut segs = vec![
        format!("AK1*HC*{group_control}*005010X222A1"),
        "AK2*837*0001*005010X222A1".to_string(),
    ];
    if accepted {
        segs.push("IK5*A".into());
        segs.push("AK9*A*1*1*1".into());
    } else {
        segs.push("IK3*NM1*17**8".into());
        segs.push("IK4*9*67*7".into());
        segs.push("IK5*R*5".into());
        segs.push("AK9*R*1*1*0".into());
    }
    x12_file("FA", "999", "005010X231A1", control, &segs)
}

/// A 277CA answering claims: (patient control number, STC01, payer claim control number).
fn ack_277(answers: &[(String, &str, &str)], control: u32) -> Vec<u8> {
    let mut segs = vec![
        "BHT*0085*08*ACK277REF*20261124*1200*TH".to_string(),
        "HL*1**20*1".into(),
        "NM1*PR*2*PRAIRIE MUTUAL HEALTH*****PI*PMH01".into(),
        "TRN*1*T277".into(),
        "DTP*050*D8*20261124".into(),
        "DTP*009*D8*20261124".into(),
        "HL*2*1*21*1".into(),
        "NM1*41*2*LAKESIDE FAMILY PRACTICE*****46*SUB1".into(),
        "TRN*2*BATCH1".into(),
        "STC*A1:19*20261124*WQ*375".into(),
        "HL*3*2*19*1".into(),
        "NM1*85*2*LAKESIDE FAMILY PRACTICE*****XX*1234567893".into(),
        "TRN*1*PROV1".into(),
        // The provider level (2200C) status carries no date.
        "STC*A1:19**WQ*375".into(),
    ];
    for (i, (pcn, stc, ccn)) in answers.iter().enumerate() {
        segs.push(format!("HL*{}*3*PT", 4 + i));
        segs.push("NM1*QC*1*QUIXLEYWORTH*MARGUERITE****MI*ZQX98765432".into());
        segs.push(format!("TRN*2*{pcn}"));
        segs.push(format!("STC*{stc}*20261124*WQ*125"));
        if !ccn.is_empty() {
            segs.push(format!("REF*1K*{ccn}"));
        }
        segs.push("DTP*472*D8*20240305".into());
    }
    x12_file("HN", "277", "005010X214", control, &segs)
}

fn billed(claim: &Claim) -> rcm_x12::synth::BilledForRemit {
    rcm_x12::synth::BilledForRemit {
        patient_control_number: rcm_claims::posting::patient_control_number(claim.id),
        patient_last_name: "QUIXLEYWORTH".into(),
        patient_first_name: "MARGUERITE".into(),
        member_id: "ZQX98765432".into(),
        lines: claim
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
    }
}

async fn import(s: &Store, org: i64, bytes: &[u8]) -> ImportOutcome {
    let read = rcm_claims::posting::read_received(bytes).unwrap();
    assert!(read.notices.is_empty(), "{:?}", read.notices);
    s.import_received(&me(), org, bytes, &read.content)
        .await
        .unwrap()
}

fn imported(o: ImportOutcome) -> ImportReport {
    match o {
        ImportOutcome::Imported(r) => r,
        other => panic!("expected an import, got {other:?}"),
    }
}

async fn money_of(s: &Store, org: i64, id: i64) -> (i64, i64, i64, i64, ClaimStatus) {
    let m = s.claim_money(org, id).await.unwrap();
    let status = s.claim(&me(), id).await.unwrap().status;
    (
        m.paid_cents,
        m.adjusted_cents,
        m.patient_resp_cents,
        m.insurance_balance(),
        status,
    )
}

async fn acknowledgements_posting_queue_and_receivables(db: &TestDb) {
    use rcm_x12::model::remit835::Remittance;
    let s = &db.store;
    let f = fixture(s).await;
    let org = f.org.id;
    let mut claims = Vec::new();
    for _ in 0..3 {
        let c = new_claim(s, &f).await;
        let c = s
            .set_claim_status(&me(), c.id, c.version, ClaimStatus::Ready, None)
            .await
            .unwrap();
        claims.push(c);
    }
    let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
    let batch = s
        .create_batch(&me(), org, ClaimKind::Professional, &ids)
        .await
        .unwrap();

    // 999: the file was readable; claims stay submitted with the acknowledgement recorded.
    let r = imported(import(s, org, &ack_999(batch.group_control_number, true, 901)).await);
    assert_eq!((r.kind, r.acknowledged.len()), ("999", 3));
    assert!(
        r.acknowledged
            .iter()
            .all(|a| a.accepted && a.new_status.is_none())
    );
    assert_eq!(
        s.claim(&me(), ids[0]).await.unwrap().status,
        ClaimStatus::Submitted
    );
    // A 999 for a group we never sent names nothing.
    let r = imported(import(s, org, &ack_999(987_654, true, 902)).await);
    assert_eq!(r.unknown, vec!["987654".to_string()]);

    // 277CA: claims 1 and 3 accepted (with the payer's claim number), claim 2 rejected.
    let pcn = |i: usize| rcm_claims::posting::patient_control_number(ids[i]);
    let file_277 = ack_277(
        &[
            (pcn(0), "A2:20", "PAYER0001"),
            (pcn(1), "A7:562:85", ""),
            (pcn(2), "A2:20", "PAYER0003"),
            ("RCM999999999".to_string(), "A2:20", ""),
        ],
        903,
    );
    let r = imported(import(s, org, &file_277).await);
    assert_eq!(r.acknowledged.len(), 3);
    assert_eq!(r.unknown, vec!["RCM999999999".to_string()]);
    let rejected = r
        .acknowledged
        .iter()
        .find(|a| a.claim_id == ids[1])
        .unwrap();
    assert!(!rejected.accepted);
    assert_eq!(rejected.new_status, Some(ClaimStatus::Rejected));
    assert!(
        rejected.message.contains("invalid information")
            && rejected.message.contains("National Provider Identifier"),
        "{}",
        rejected.message
    );
    assert_eq!(
        s.claim(&me(), ids[0]).await.unwrap().status,
        ClaimStatus::Accepted
    );
    let m = s.claim_money(org, ids[0]).await.unwrap();
    assert_eq!(m.payer_claim_control_number.as_deref(), Some("PAYER0001"));
    assert_eq!(m.acknowledgements.len(), 2);
    // The same file again changes nothing.
    assert!(matches!(
        import(s, org, &file_277).await,
        ImportOutcome::AlreadyImported { .. }
    ));

    // The rejection is in the work queue.
    let (items, total) = s
        .work_items(
            &WorkFilter {
                organization_id: org,
                ..WorkFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(
        (
            items[0].claim_id,
            items[0].kind.as_str(),
            items[0].reason_code.as_str()
        ),
        (ids[1], "rejected", "A7:562")
    );

    // 835: claim 1 paid (80 % allowed, 20 % coinsurance), claim 3 denied (CO-50), one unknown claim.
    let mut unknown = billed(&claims[0]);
    unknown.patient_control_number = "RCM999999999".into();
    let remit = rcm_x12::synth::remittance_paying(
        "EFT0000001",
        &[billed(&claims[0]), billed(&claims[2]), unknown],
        2,
    );
    let file_835 = rcm_x12::synth::remit_interchange(std::slice::from_ref(&remit), 904).unwrap();
    let r = imported(import(s, org, &file_835).await);
    let p = &r.payments[0];
    assert_eq!(
        (
            p.claims_posted,
            p.claims_unmatched,
            p.denials,
            p.payment_cents
        ),
        (2, 1, 1, 8_000 + 8_000)
    );
    assert_eq!(
        money_of(s, org, ids[0]).await,
        (8_000, 2_500, 2_000, 0, ClaimStatus::Paid)
    );
    assert_eq!(
        money_of(s, org, ids[2]).await,
        (0, 12_500, 0, 0, ClaimStatus::Denied)
    );
    let unmatched = s.unmatched_payments(org, false).await.unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(
        (
            unmatched[0].patient_control_number.as_str(),
            unmatched[0].paid_cents,
            unmatched[0].reason.as_str()
        ),
        ("RCM999999999", 8_000, "unknown_claim")
    );

    // The same 835 again, and the same payment in another interchange: nothing changes.
    assert!(matches!(
        import(s, org, &file_835).await,
        ImportOutcome::AlreadyImported { .. }
    ));
    let resent = rcm_x12::synth::remit_interchange(std::slice::from_ref(&remit), 905).unwrap();
    let r = imported(import(s, org, &resent).await);
    assert_eq!(r.payments[0].remittance_id, None);
    assert_eq!(
        money_of(s, org, ids[0]).await,
        (8_000, 2_500, 2_000, 0, ClaimStatus::Paid)
    );
    assert_eq!(s.unmatched_payments(org, false).await.unwrap().len(), 1);

    // A reversal of claim 1 and its correction (coinsurance 10 %): the claim holds the corrected money.
    let original = remit.claims[0].clone();
    let mut reversal = original.clone();
    reversal.status = "22".into();
    reversal.charge = rcm_x12::Money(-original.charge.cents());
    reversal.paid = rcm_x12::Money(-original.paid.cents());
    reversal.patient_responsibility = original
        .patient_responsibility
        .map(|m| rcm_x12::Money(-m.cents()));
    for svc in &mut reversal.services {
        svc.charge = rcm_x12::Money(-svc.charge.cents());
        svc.paid = rcm_x12::Money(-svc.paid.cents());
        svc.allowed = None;
        for a in &mut svc.adjustments {
            a.amount = rcm_x12::Money(-a.amount.cents());
        }
    }
    let mut correction = original.clone();
    correction.paid = rcm_x12::Money(9_000);
    correction.patient_responsibility = Some(rcm_x12::Money(1_000));
    correction.services[0].paid = rcm_x12::Money(9_000);
    correction.services[0].adjustments[1].amount = rcm_x12::Money(1_000);
    let mut second: Remittance = remit.clone();
    second.trace.number = "EFT0000002".into();
    second.claims = vec![reversal, correction];
    second.payment.amount = rcm_x12::Money(1_000);
    let file = rcm_x12::synth::remit_interchange(&[second], 906).unwrap();
    let r = imported(import(s, org, &file).await);
    assert_eq!(r.payments[0].claims_posted, 2);
    assert_eq!(
        money_of(s, org, ids[0]).await,
        (9_000, 2_500, 1_000, 0, ClaimStatus::Paid)
    );
    assert_eq!(s.claim_money(org, ids[0]).await.unwrap().payments.len(), 3);

    // An unbalanced 835 is refused before anything is written.
    let mut bad = remit.clone();
    bad.trace.number = "EFT0000003".into();
    bad.payment.amount = rcm_x12::Money(bad.payment.amount.cents() + 1);
    let bytes = rcm_x12::synth::remit_interchange(&[bad], 907).unwrap();
    let err = rcm_claims::posting::read_received(&bytes).unwrap_err();
    assert!(err.to_string().contains("nothing was posted"), "{err}");
    // Truncated: refused too.
    assert!(rcm_claims::posting::read_received(&file_835[..file_835.len() / 2]).is_err());

    // The work queue: the rejection and the denial, grouped; notes, assignment, resolution.
    let groups = s.work_groups(org).await.unwrap();
    let mut kinds: Vec<(String, String)> = groups
        .iter()
        .map(|g| (g.kind.clone(), g.reason_code.clone()))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            ("denied".to_string(), "50".to_string()),
            ("rejected".to_string(), "A7:562".to_string())
        ]
    );
    let (items, _) = s
        .work_items(
            &WorkFilter {
                organization_id: org,
                kind: Some("denied".into()),
                ..WorkFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
    let denial = &items[0];
    assert_eq!(
        (
            denial.claim_id,
            denial.group_code.as_str(),
            denial.remark_code.as_str(),
            denial.amount_cents
        ),
        (ids[2], "CO", "N115", 12_500)
    );
    s.create_user(
        &me(),
        "biller7",
        "Biller Seven",
        "a long enough passphrase 7",
        &[Role::Biller],
    )
    .await
    .unwrap();
    s.assign_work_item(&me(), org, denial.id, Some("biller7"))
        .await
        .unwrap();
    assert!(
        s.assign_work_item(&me(), org, denial.id, Some("nobody"))
            .await
            .is_err()
    );
    s.add_work_note(
        &me(),
        org,
        denial.id,
        "Appeal with the visit note for Marguerite",
    )
    .await
    .unwrap();
    let notes = s.work_notes(&me(), org, denial.id).await.unwrap();
    assert_eq!(notes[0].note, "Appeal with the visit note for Marguerite");
    // Another organization sees no such item.
    assert!(matches!(
        s.resolve_work_item(&me(), org + 1000, denial.id).await,
        Err(StoreError::NotFound { .. })
    ));
    s.resolve_work_item(&me(), org, denial.id).await.unwrap();
    assert_eq!(s.work_groups(org).await.unwrap().len(), 1);

    // Receivables on 2024-04-10 (36 days after the date of service): the rejected claim's full
    // charge is owed by the payer, the paid claim's coinsurance by the patient.
    let aging = s
        .ar_aging(&me(), org, jiff::civil::date(2024, 4, 10), AgingBy::Payer)
        .await
        .unwrap();
    assert_eq!(aging.len(), 1);
    assert_eq!(
        (aging[0].label.as_str(), aging[0].buckets, aging[0].total),
        ("Prairie Mutual Health", [0, 12_500, 0, 0, 0], 12_500)
    );
    let aging = s
        .ar_aging(&me(), org, jiff::civil::date(2024, 9, 1), AgingBy::Patient)
        .await
        .unwrap();
    assert_eq!(
        (aging[0].label.as_str(), aging[0].buckets),
        ("Quixleyworth, Marguerite", [0, 0, 0, 0, 1_000])
    );
    let sum = s
        .receivables_summary(org, jiff::civil::date(2024, 4, 10))
        .await
        .unwrap();
    assert_eq!(
        (
            sum.insurance_ar_cents,
            sum.patient_ar_cents,
            sum.charges_90_days_cents
        ),
        (12_500, 1_000, 37_500)
    );
    assert_eq!((sum.first_answers, sum.first_pass_accepted), (3, 2));
    assert_eq!((sum.adjudicated_claims, sum.denied_claims), (2, 1));
    assert_eq!(sum.days_in_ar_tenths(), Some(324));
    let rates = s.denial_rates(org).await.unwrap();
    assert_eq!(
        (
            rates[0].reason_code.as_str(),
            rates[0].denied_claims,
            rates[0].adjudicated_claims
        ),
        ("50", 1, 2)
    );
    let periods = s
        .period_totals(
            org,
            jiff::civil::date(2024, 1, 1),
            jiff::civil::date(2026, 12, 31),
        )
        .await
        .unwrap();
    let charges: i64 = periods.iter().map(|p| p.charges_cents).sum();
    let paid: i64 = periods.iter().map(|p| p.payments_cents).sum();
    assert_eq!((charges, paid), (37_500, 9_000));
}

macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = super::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = super::TestDb::postgres().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

on_both_engines!(
    reopening_applies_nothing_twice,
    patient_round_trip_and_blind_index_lookup,
    claim_lifecycle_history_and_batches,
    concurrent_claim_edits_conflict_and_lose_nothing,
    audit_chain_detects_altered_and_deleted_entries,
    audit_chain_detects_deleted_last_entry,
    key_rotation_reencrypts_everything,
    users_roles_and_sign_in,
    bad_input_is_refused_without_writing,
    tokens_idempotency_edi_and_batches_with_their_file,
    claims_saved_with_their_records_and_verdict_in_one_transaction,
    acknowledgements_posting_queue_and_receivables,
);

// ---------------------------------------------------------------- engine-specific tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_have_the_same_tables_and_columns() {
    let lite = TestDb::sqlite().await;
    let pg = TestDb::postgres().await;
    let a = lite.store.describe_schema().await.unwrap();
    let b = pg.store.describe_schema().await.unwrap();
    assert!(a.len() > 100, "{} columns", a.len());
    let only_a: Vec<_> = a.iter().filter(|c| !b.contains(c)).collect();
    let only_b: Vec<_> = b.iter().filter(|c| !a.contains(c)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "SQLite only: {only_a:?}\nPostgreSQL only: {only_b:?}"
    );
    lite.finish().await;
    pg.finish().await;
}

/// "A search of the raw database file for a patient's name finds nothing."
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_holds_no_phi_in_clear() {
    let db = TestDb::sqlite().await;
    let f = fixture(&db.store).await;
    let claim = new_claim(&db.store, &f).await;
    db.store
        .set_claim_status(
            &me(),
            claim.id,
            1,
            ClaimStatus::Ready,
            Some("spoke with Marguerite"),
        )
        .await
        .unwrap();
    db.store.close().await;
    let dir = db._dir.as_ref().unwrap().path();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let has = |needle: &str| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    // The search works: non-PHI values are there in clear...
    assert!(has("Prairie Mutual Health") && has("99213") && has("M25561"));
    // ...and no PHI is.
    for phi in [
        "Quixleyworth",
        "Marguerite",
        "Ysolde",
        "1961-07-14",
        "19610714",
        "ZQX98765432",
        "GRP7781",
        "Zebrawood",
        "Plainsboro",
        "6095550142",
        "knee pain",
    ] {
        assert!(!has(phi), "{phi} found in the database file");
    }
}

#[test]
fn the_key_file_is_created_private_and_reused_and_the_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, src1) = EncryptionKey::load_or_create_with(dir.path(), None).unwrap();
    assert_eq!(src1, KeySource::CreatedFile(dir.path().join("store.key")));
    let (k2, src2) = EncryptionKey::load_or_create_with(dir.path(), None).unwrap();
    assert_eq!(src2, KeySource::File(dir.path().join("store.key")));
    assert_eq!(k1.key_id(), k2.key_id());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("store.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let hex_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff".to_owned();
    let (k3, src3) = EncryptionKey::load_or_create_with(dir.path(), Some(hex_key.clone())).unwrap();
    assert_eq!(src3, KeySource::Environment);
    assert_eq!(
        k3.key_id(),
        EncryptionKey::parse(&hex_key).unwrap().key_id()
    );
    assert!(EncryptionKey::load_or_create_with(dir.path(), Some("not a key".into())).is_err());
}
