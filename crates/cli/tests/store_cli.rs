//! `rcm store init`, `rcm audit verify|list`, `rcm store rotate-key`: the binary against a real database
//! (SQLite in a temp data directory; PostgreSQL in a fresh schema of `RCM_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`, which FAILS when PostgreSQL is unreachable). Records are
//! written through `rcm-store` directly; tampering is raw SQL, as someone with database access would do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{Run, array, rcm_command, run_command, str_field, tempdir};
use jiff::civil::date;
use rcm_store::{
    Actor, Address, EncryptionKey, NewOrganization, PatientData, Sex, Store, StoreError,
    StoreOptions,
};

const PHI: [&str; 4] = ["Quixleyworth", "Marguerite", "Zebrawood", "6095550142"];

/// Runs `rcm --data-dir DATA ARGS…` with no database or key from the caller's environment, plus `env`.
fn rcm_env(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut all: Vec<String> = vec!["--data-dir".into(), data.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let mut cmd = rcm_command();
    cmd.env_remove("RCM_DATABASE_URL")
        .env_remove("RCM_ENCRYPTION_KEY")
        .args(&all);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = run_command(cmd, all);
    for phi in PHI {
        assert!(
            !run.stdout.contains(phi) && !run.stderr.contains(phi),
            "`rcm {}` printed PHI:\n{}\n{}",
            run.args.join(" "),
            run.stdout,
            run.stderr
        );
    }
    run
}

fn rcm(data: &Path, args: &[&str]) -> Run {
    rcm_env(data, &[], args)
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn sqlite_url(data: &Path) -> String {
    format!("sqlite://{}", data.join("rcm.sqlite3").display())
}

fn key_file(data: &Path) -> EncryptionKey {
    EncryptionKey::parse(&std::fs::read_to_string(data.join("store.key")).unwrap()).unwrap()
}

fn me() -> Actor {
    Actor::user("coder1", "192.0.2.7")
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

/// An organization and a patient, then the patient viewed: three audit entries. Returns (org, patient).
async fn records(store: &Store) -> (i64, i64) {
    let org = store
        .create_organization(
            &me(),
            &NewOrganization {
                name: "Lakeside Family Practice".into(),
                npi: Some("1234567893".into()),
                tax_id: None,
            },
        )
        .await
        .unwrap();
    let patient = store
        .create_patient(&me(), &patient_data(org.id))
        .await
        .unwrap();
    store.patient(&me(), patient.id).await.unwrap();
    (org.id, patient.id)
}

async fn open(url: &str, key: &EncryptionKey, schema: Option<&str>) -> Result<Store, StoreError> {
    let mut options = StoreOptions::new(url, key.clone());
    options.pg_schema = schema.map(str::to_owned);
    Store::open(&options).await
}

async fn raw(store: &Store, sql: &str) {
    sqlx::raw_sql(sql).execute(store.pool()).await.unwrap();
}

#[cfg(unix)]
fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
}

#[cfg(not(unix))]
fn assert_owner_only(_path: &Path) {}

fn verify_json(data: &Path, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["--json", "audit", "verify"];
    args.extend_from_slice(extra);
    let run = rcm(data, &args);
    run.assert_code(code);
    run.json()
}

#[test]
fn init_verify_and_tampering_on_sqlite() {
    let dir = tempdir();
    let data = dir.path();

    // Before init there is nothing to verify: exit 2 with what to do.
    let run = rcm(data, &["audit", "verify"]);
    run.assert_code(2);
    assert!(run.stderr.contains("rcm store init"), "{}", run.stderr);
    assert!(!data.join("rcm.sqlite3").exists());

    let run = rcm(data, &["--json", "store", "init"]);
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v, "engine"), "sqlite");
    assert_eq!(
        str_field(&v, "location"),
        data.join("rcm.sqlite3").display().to_string()
    );
    assert_eq!(v["schema_version"], 4);
    assert_eq!(v["created"], true);
    assert_eq!(v["key"]["created"], true);
    assert_eq!(str_field(&v["key"], "id"), key_file(data).key_id());
    assert_owner_only(&data.join("store.key"));
    assert_owner_only(&data.join("rcm.sqlite3"));

    // Again: nothing to create, same key.
    let run = rcm(data, &["store", "init"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("database ready: sqlite"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("schema version: 4"), "{}", run.stdout);

    let v = verify_json(data, &[], 0);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 0);
    assert!(v["first_broken"].is_null());

    // Audited records written through the library.
    let url = sqlite_url(data);
    let (_org, patient) = block(async {
        let store = open(&url, &key_file(data), None).await.unwrap();
        let ids = records(&store).await;
        store.close().await;
        ids
    });
    let v = verify_json(data, &[], 0);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 3);
    let run = rcm(data, &["audit", "verify"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("audit log OK: 3 entries"),
        "{}",
        run.stdout
    );

    // The list: newest first, ids and not PHI, filters.
    let run = rcm(data, &["--json", "audit", "list"]);
    run.assert_code(0);
    let v = run.json();
    let rows = array(&v);
    assert_eq!(rows.len(), 3);
    let seqs: Vec<i64> = rows.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [3, 2, 1]);
    assert_eq!(str_field(&rows[0], "action"), "view");
    assert_eq!(str_field(&rows[0], "record_type"), "patient");
    assert_eq!(str_field(&rows[0], "record_id"), patient.to_string());
    assert_eq!(str_field(&rows[0], "actor"), "coder1");
    assert_eq!(str_field(&rows[0], "ip"), "192.0.2.7");
    assert_eq!(str_field(&rows[0], "hash").len(), 64);
    let run = rcm(data, &["--json", "audit", "list", "--action", "create"]);
    run.assert_code(0);
    let v = run.json();
    let types: Vec<&str> = array(&v)
        .iter()
        .map(|r| str_field(r, "record_type"))
        .collect();
    assert_eq!(types, ["patient", "organization"]);
    let run = rcm(
        data,
        &[
            "--json",
            "audit",
            "list",
            "--record-type",
            "patient",
            "--limit",
            "1",
        ],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(array(&v).len(), 1);
    assert_eq!(v[0]["seq"], 3);
    let run = rcm(data, &["--json", "audit", "list", "--actor", "nobody"]);
    run.assert_code(0);
    assert!(array(&run.json()).is_empty());
    let run = rcm(data, &["audit", "list"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("view") && run.stdout.contains(&format!("patient {patient}")),
        "{}",
        run.stdout
    );
    let run = rcm(data, &["audit", "list", "--action", "peek"]);
    run.assert_code(2);
    assert!(run.stderr.contains("status-change"), "{}", run.stderr);

    // Someone with database access rewrites entry 2: found, exit 1, named.
    block(async {
        let store = open(&url, &key_file(data), None).await.unwrap();
        raw(
            &store,
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete",
        )
        .await;
        raw(
            &store,
            "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
        )
        .await;
        store.close().await;
    });
    let v = verify_json(data, &[], 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["entries"], 1);
    assert_eq!(v["first_broken"]["seq"], 2);
    assert_eq!(v["first_broken"]["problem"], "altered");
    let run = rcm(data, &["audit", "verify"]);
    run.assert_code(1);
    assert!(run.stdout.contains("entry 2 was altered"), "{}", run.stdout);

    // Put it back, then delete the last entry: missing.
    block(async {
        let store = open(&url, &key_file(data), None).await.unwrap();
        raw(
            &store,
            "UPDATE audit_events SET actor = 'coder1' WHERE seq = 2",
        )
        .await;
        store.close().await;
    });
    verify_json(data, &[], 0);
    block(async {
        let store = open(&url, &key_file(data), None).await.unwrap();
        raw(&store, "DELETE FROM audit_events WHERE seq = 3").await;
        store.close().await;
    });
    let v = verify_json(data, &[], 1);
    assert_eq!(v["first_broken"]["seq"], 3);
    assert_eq!(v["first_broken"]["problem"], "missing");
    let run = rcm(data, &["audit", "verify"]);
    run.assert_code(1);
    assert!(run.stdout.contains("entry 3 is missing"), "{}", run.stdout);
}

#[test]
fn rotate_key_reencrypts_and_the_old_key_is_refused() {
    let dir = tempdir();
    let data = dir.path();
    rcm(data, &["store", "init"]).assert_code(0);
    let url = sqlite_url(data);
    let old_key = key_file(data);
    let old_text = std::fs::read_to_string(data.join("store.key")).unwrap();
    let (org, patient) = block(async {
        let store = open(&url, &old_key, None).await.unwrap();
        let ids = records(&store).await;
        store.close().await;
        ids
    });

    let run = rcm(data, &["--json", "store", "rotate-key"]);
    run.assert_code(0);
    let v = run.json();
    // The patient's values: last, first, middle name, birth date, address line 1, city, state, postal code, phone.
    assert_eq!(v["reencrypted"], 9);
    assert_eq!(str_field(&v, "old_key_id"), old_key.key_id());
    assert_eq!(v["audit_ok"], true);
    let new_key = key_file(data);
    assert_ne!(new_key.key_id(), old_key.key_id());
    assert_eq!(str_field(&v, "new_key_id"), new_key.key_id());
    let backup = data.join(format!("store.key.old-{}", old_key.key_id()));
    assert_eq!(
        str_field(&v, "old_key_backup"),
        backup.display().to_string()
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), old_text);
    assert_owner_only(&backup);
    assert_owner_only(&data.join("store.key"));
    assert!(!data.join("store.key.new").exists());
    // The key itself is never printed.
    let new_text = std::fs::read_to_string(data.join("store.key")).unwrap();
    assert!(!run.stdout.contains(new_text.trim()) && !run.stdout.contains(old_text.trim()));

    // The records read back with the new key; the old key no longer opens the database.
    block(async {
        let store = open(&url, &new_key, None).await.unwrap();
        assert_eq!(
            store.patient(&me(), patient).await.unwrap().data,
            patient_data(org)
        );
        assert_eq!(
            store
                .find_patients(&me(), org, "Quixleyworth", date(1961, 7, 14))
                .await
                .unwrap()
                .len(),
            1
        );
        store.close().await;
        let err = open(&url, &old_key, None).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    });

    // The command line refuses the old key with a message that says what to do, exit 2.
    let old_env = [("RCM_ENCRYPTION_KEY", old_text.trim())];
    for args in [&["audit", "verify"][..], &["store", "rotate-key"][..]] {
        let run = rcm_env(data, &old_env, args);
        run.assert_code(2);
        assert!(
            run.stderr
                .contains("is not the one this database was written with"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("RCM_ENCRYPTION_KEY"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert!(!data.join("store.key.new").exists());

    // The audit log still verifies and records the rotation (one more entry, plus the view above).
    let v = verify_json(data, &[], 0);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 6);
    let run = rcm(
        data,
        &["--json", "audit", "list", "--action", "key-rotation"],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(array(&v).len(), 1);
    assert_eq!(str_field(&v[0], "record_type"), "store");
    assert_eq!(str_field(&v[0], "record_id"), new_key.key_id());
    assert!(str_field(&v[0], "actor").starts_with("system:cli:"));

    // A key given by the operator (file), then the same key again: refused, nothing changed.
    let given = EncryptionKey::generate().unwrap();
    let given_path = dir.path().join("given.key");
    given.write_new_file(&given_path).unwrap();
    let given_arg = given_path.display().to_string();
    let run = rcm(data, &["store", "rotate-key", "--new-key-file", &given_arg]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("re-encrypted 9 values"),
        "{}",
        run.stdout
    );
    assert_eq!(key_file(data).key_id(), given.key_id());
    assert!(
        data.join(format!("store.key.old-{}", new_key.key_id()))
            .exists()
    );
    let run = rcm(data, &["store", "rotate-key", "--new-key-file", &given_arg]);
    run.assert_code(2);
    assert!(run.stderr.contains("is the key in use"), "{}", run.stderr);
    // A new key from an environment variable that holds no key: refused before anything changes.
    let run = rcm_env(
        data,
        &[("NEXT_KEY", "not a key")],
        &["store", "rotate-key", "--new-key-env", "NEXT_KEY"],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("NEXT_KEY"), "{}", run.stderr);
    assert_eq!(key_file(data).key_id(), given.key_id());
    verify_json(data, &[], 0);
}

#[test]
fn rotate_key_with_the_key_in_the_environment() {
    let dir = tempdir();
    let data = dir.path();
    let old = EncryptionKey::generate().unwrap();
    let old_path = dir.path().join("old.key");
    old.write_new_file(&old_path).unwrap();
    let old_text = std::fs::read_to_string(&old_path).unwrap();
    let env = [("RCM_ENCRYPTION_KEY", old_text.trim())];
    let run = rcm_env(data, &env, &["--json", "store", "init"]);
    run.assert_code(0);
    assert_eq!(run.json()["key"]["source"], "environment");
    assert!(!data.join("store.key").exists());
    let next = EncryptionKey::generate().unwrap();
    let next_path = dir.path().join("next.key");
    next.write_new_file(&next_path).unwrap();
    let next_text = std::fs::read_to_string(&next_path).unwrap();
    let env2 = [
        ("RCM_ENCRYPTION_KEY", old_text.trim()),
        ("NEXT_KEY", next_text.trim()),
    ];
    let run = rcm_env(
        data,
        &env2,
        &["--json", "store", "rotate-key", "--new-key-env", "NEXT_KEY"],
    );
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v, "new_key_id"), next.key_id());
    assert!(str_field(&v, "next_step").contains("NEXT_KEY"), "{v:#}");
    // Nothing written to the data directory: the operator holds both keys.
    assert!(!data.join("store.key").exists() && !data.join("store.key.new").exists());
    let new_env = [("RCM_ENCRYPTION_KEY", next_text.trim())];
    let run = rcm_env(data, &new_env, &["--json", "audit", "verify"]);
    run.assert_code(0);
    assert_eq!(run.json()["entries"], 1);
    rcm_env(data, &env, &["audit", "verify"]).assert_code(2);
}

#[test]
fn database_choice_and_errors() {
    let dir = tempdir();
    let data = dir.path();
    // --database names another SQLite file; RCM_DATABASE_URL does the same.
    let other = dir.path().join("elsewhere").join("x.sqlite3");
    let url = format!("sqlite://{}", other.display());
    let run = rcm(data, &["--json", "store", "init", "--database", &url]);
    run.assert_code(0);
    assert_eq!(
        str_field(&run.json(), "location"),
        other.display().to_string()
    );
    assert!(other.is_file() && !data.join("rcm.sqlite3").exists());
    let run = rcm_env(
        data,
        &[("RCM_DATABASE_URL", &url)],
        &["--json", "audit", "verify"],
    );
    run.assert_code(0);
    assert_eq!(
        str_field(&run.json(), "location"),
        other.display().to_string()
    );
    // Not a database URL.
    let run = rcm(data, &["audit", "verify", "--database", "mysql://db/rcm"]);
    run.assert_code(2);
    assert!(run.stderr.contains("postgres://"), "{}", run.stderr);
    // A PostgreSQL that is not there: exit 2, the password never shown.
    let run = rcm(
        data,
        &[
            "--json",
            "store",
            "init",
            "--database",
            "postgres://rcm:Sup3rSecretPw@127.0.0.1:1/rcm",
        ],
    );
    run.assert_code(2);
    assert!(
        !run.stdout.contains("Sup3rSecretPw") && !run.stderr.contains("Sup3rSecretPw"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stderr.contains("rcm:***@127.0.0.1:1"), "{}", run.stderr);
    assert!(run.json()["error"].is_string());
    // A data directory whose key file is gone: exit 2, and no new key is made up.
    rcm(data, &["store", "init"]).assert_code(0);
    std::fs::remove_file(data.join("store.key")).unwrap();
    let run = rcm(data, &["audit", "verify"]);
    run.assert_code(2);
    assert!(run.stderr.contains("no encryption key"), "{}", run.stderr);
    assert!(!data.join("store.key").exists());
}

fn pg_url() -> String {
    std::env::var("RCM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

#[test]
fn init_and_verify_on_postgres() {
    let url = pg_url();
    block(async {
        sqlx::any::install_default_drivers();
        if let Err(e) = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await {
            panic!(
                "PostgreSQL is not reachable at {url} ({e}). This test needs a running PostgreSQL: run \
                 scripts/test-postgres.sh, or set RCM_TEST_DATABASE_URL."
            );
        }
    });
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!("rcm_cli_test_{}_{nanos}", std::process::id());
    let dir = tempdir();
    let data = dir.path();
    let db = ["--database", url.as_str(), "--pg-schema", schema.as_str()];

    let mut args = vec!["--json", "store", "init"];
    args.extend_from_slice(&db);
    let run = rcm(data, &args);
    run.assert_code(0);
    let v = run.json();
    assert_eq!(str_field(&v, "engine"), "postgresql");
    assert_eq!(v["schema_version"], 4);
    assert!(str_field(&v, "location").contains(&schema));
    assert!(!data.join("rcm.sqlite3").exists());

    let v = verify_json(data, &db, 0);
    assert_eq!(v["entries"], 0);

    block(async {
        let store = open(&url, &key_file(data), Some(&schema)).await.unwrap();
        records(&store).await;
        store.close().await;
    });
    let v = verify_json(data, &db, 0);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 3);

    block(async {
        let store = open(&url, &key_file(data), Some(&schema)).await.unwrap();
        raw(
            &store,
            "DROP TRIGGER audit_events_no_update ON audit_events; \
             DROP TRIGGER audit_events_no_delete ON audit_events",
        )
        .await;
        raw(
            &store,
            "UPDATE audit_events SET record_id = '999' WHERE seq = 3",
        )
        .await;
        store.close().await;
    });
    let v = verify_json(data, &db, 1);
    assert_eq!(v["first_broken"]["seq"], 3);
    assert_eq!(v["first_broken"]["problem"], "altered");

    // Dropped only when the test passed, so a failure can be looked at.
    block(async {
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
}

#[test]
fn rotate_key_refuses_a_leftover_new_key_file() {
    let dir = tempdir();
    let data = dir.path();
    rcm(data, &["store", "init"]).assert_code(0);
    let before = key_file(data).key_id();
    let leftover = EncryptionKey::generate().unwrap();
    leftover
        .write_new_file(&data.join("store.key.new"))
        .unwrap();
    let run = rcm(data, &["store", "rotate-key"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("store.key.new exists") && run.stderr.contains("delete"),
        "{}",
        run.stderr
    );
    // Nothing changed: same key, the leftover kept, no rotation in the log.
    assert_eq!(key_file(data).key_id(), before);
    assert_eq!(
        EncryptionKey::parse(&std::fs::read_to_string(data.join("store.key.new")).unwrap())
            .unwrap()
            .key_id(),
        leftover.key_id()
    );
    assert_eq!(verify_json(data, &[], 0)["entries"], 0);
    std::fs::remove_file(data.join("store.key.new")).unwrap();
    rcm(data, &["store", "rotate-key"]).assert_code(0);
    assert_ne!(key_file(data).key_id(), before);
    assert_eq!(verify_json(data, &[], 0)["entries"], 1);
}
