//! `rcm-store`: OpenRCM's storage on SQLite (the default, one file in the data directory) or PostgreSQL.
//!
//! One schema with a migration per dialect (`migrations/sqlite`, `migrations/postgres`, applied on
//! [`Store::open`]) and ONE set of queries: every statement goes through sqlx's `Any` driver, written in
//! the SQL both engines read (`$1` parameters, `RETURNING`, `ON CONFLICT`), so no query exists in two
//! versions that could drift apart. Every write is one transaction (`BEGIN IMMEDIATE` on SQLite, so
//! writers queue instead of failing); claims carry a version column and a stale save is refused with
//! [`StoreError::Conflict`]. PHI columns hold AES-256-GCM ciphertext ([`crypto`]); every view and change
//! of PHI and every sign-in is appended to a hash-chained audit log ([`Store::verify_audit`]).

mod audit;
mod claims;
mod coordination;
pub mod crypto;
mod entities;
mod error;
pub mod model;
mod payments;
mod receivables;
mod records;
mod users;
mod workspace;

use std::borrow::Cow;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};

pub use audit::{AuditBreak, AuditProblem, AuditVerification, verify_audit};
pub use coordination::{PriorAdjudication, PriorAdjustment, PriorLine};
pub use crypto::{EncryptionKey, KeySource};
pub use error::{Result, StoreError};
pub use model::*;
pub use payments::{AckReport, ImportOutcome, ImportReport, PaymentReport, ReceivedFile};
pub use receivables::{
    AGING_BUCKETS, Acknowledgement, AgingBy, AgingRow, ClaimMoney, DenialRate, PeriodTotals,
    PostedPayment, ReceivablesSummary, StatementClaim, UnmatchedPayment, WorkFilter, WorkGroup,
    WorkItem, WorkNote,
};
pub use records::ClaimRecords;
pub use users::{hash_password, verify_password};
pub use workspace::{ApiToken, IdempotentResponse, PatientRow};

use crypto::Cipher;

/// The environment variable naming the database (`sqlite:PATH` or `postgres://…`).
pub const DATABASE_URL_ENV: &str = "RCM_DATABASE_URL";
/// The SQLite file's name in the data directory.
pub const SQLITE_FILE: &str = "rcm.sqlite3";

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a URL names.
    pub fn of_url(url: &str) -> Result<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

/// The database to use: `explicit` (from `--database`), else `RCM_DATABASE_URL`, else the SQLite file
/// in the data directory.
pub fn database_url(data_dir: &Path, explicit: Option<&str>) -> String {
    if let Some(url) = explicit.filter(|u| !u.is_empty()) {
        return url.to_owned();
    }
    match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => format!("sqlite://{}", data_dir.join(SQLITE_FILE).display()),
    }
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite:PATH` / `sqlite://PATH` or `postgres://…`.
    pub url: String,
    /// The master key for PHI.
    pub key: EncryptionKey,
    /// PostgreSQL only: the schema to use (created when absent), e.g. one per test run.
    pub pg_schema: Option<String>,
    /// Pool size.
    pub max_connections: u32,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>, key: EncryptionKey) -> Self {
        StoreOptions {
            url: url.into(),
            key,
            pg_schema: None,
            max_connections: 8,
        }
    }
}

/// The store: a pool on one engine and the keys for PHI.
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time: writers wait their turn here, in order, instead of
    /// retrying against the database lock (whose back-off gave a long tail under load).
    sqlite_writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    cipher: Cipher,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

fn migrator(engine: Engine) -> Migrator {
    let steps: [(&'static str, &'static str); 4] = match engine {
        Engine::Sqlite => [
            (
                "initial",
                include_str!("../migrations/sqlite/0001_initial.sql"),
            ),
            (
                "application",
                include_str!("../migrations/sqlite/0002_application.sql"),
            ),
            (
                "payments",
                include_str!("../migrations/sqlite/0003_payments.sql"),
            ),
            (
                "coordination",
                include_str!("../migrations/sqlite/0004_coordination.sql"),
            ),
        ],
        Engine::Postgres => [
            (
                "initial",
                include_str!("../migrations/postgres/0001_initial.sql"),
            ),
            (
                "application",
                include_str!("../migrations/postgres/0002_application.sql"),
            ),
            (
                "payments",
                include_str!("../migrations/postgres/0003_payments.sql"),
            ),
            (
                "coordination",
                include_str!("../migrations/postgres/0004_coordination.sql"),
            ),
        ],
    };
    Migrator {
        migrations: Cow::Owned(
            steps
                .into_iter()
                .zip(1i64..)
                .map(|((name, sql), version)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

fn valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// The SQLite URL with `mode=rwc`, the file created beforehand readable by its owner only.
fn sqlite_url(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Invalid {
            field: "database",
            reason: "an in-memory SQLite database is not supported: give a file".into(),
        });
    }
    let file = Path::new(path);
    if !file.exists() {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(file).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(match query {
        Some(q) if q.contains("mode=") => format!("sqlite://{path}?{q}"),
        Some(q) => format!("sqlite://{path}?{q}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    })
}

impl Store {
    /// Connects, applies the migrations and checks that the key is the one the database was written with
    /// (a new database records the key's id).
    pub async fn open(options: &StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(&options.url)?;
        let cipher = Cipher::new(&options.key)?;
        let (url, init) = match engine {
            Engine::Sqlite => (
                sqlite_url(&options.url)?,
                Some("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                      PRAGMA busy_timeout = 30000;"
                    .to_owned()),
            ),
            Engine::Postgres => {
                let init = match &options.pg_schema {
                    Some(schema) => {
                        if !valid_identifier(schema) {
                            return Err(StoreError::Invalid {
                                field: "pg_schema",
                                reason: "use lower-case letters, digits and _".into(),
                            });
                        }
                        let setup = AnyPoolOptions::new().max_connections(1).connect(&options.url).await?;
                        setup.execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str()).await?;
                        setup.close().await;
                        Some(format!("SET search_path TO {schema}"))
                    }
                    None => None,
                };
                (options.url.clone(), init)
            }
        };
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .after_connect(move |conn, _meta| {
                let init = init.clone();
                Box::pin(async move {
                    if let Some(sql) = init {
                        conn.execute(sql.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        migrator(engine).run(&pool).await?;
        let store = Store {
            pool,
            engine,
            sqlite_writer: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            cipher,
        };
        store.check_key().await?;
        Ok(store)
    }

    async fn check_key(&self) -> Result<()> {
        let given = self.cipher.key_id();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO store_meta (name, value) VALUES ('key_id', $1) ON CONFLICT (name) DO NOTHING")
            .bind(&given)
            .execute(&mut *tx)
            .await?;
        let expected: String = sqlx::query("SELECT value FROM store_meta WHERE name = 'key_id'")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        tx.commit().await?;
        if expected != given {
            return Err(StoreError::WrongKey { expected, given });
        }
        Ok(())
    }

    /// The engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The underlying pool (for tests and diagnostics; application code uses the methods).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection (SQLite checkpoints its write-ahead log).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction: `BEGIN IMMEDIATE` on SQLite takes the write lock up front, so two writers
    /// queue (busy timeout) instead of one failing when it upgrades a read lock.
    pub(crate) async fn write_tx(&self) -> Result<WriteTx> {
        Ok(match self.engine {
            Engine::Sqlite => {
                let turn = self.sqlite_writer.clone().lock_owned().await;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                }
            }
            Engine::Postgres => WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
            },
        })
    }

    /// Every table's columns as `(table, column, type class, nullable)`, sorted: the two migrations must
    /// give the same answer. Type classes: `integer`, `text`, `blob`.
    pub async fn describe_schema(&self) -> Result<Vec<(String, String, String, bool)>> {
        let sql = match self.engine {
            Engine::Sqlite => {
                "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'"
            }
            Engine::Postgres => {
                "SELECT table_name::text, column_name::text, data_type::text, \
                 CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END::bigint, 0::bigint \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'"
            }
        };
        let mut out = Vec::new();
        for row in sqlx::query(sql).fetch_all(&self.pool).await? {
            let declared: String = row.try_get(2)?;
            let declared = declared.to_ascii_lowercase();
            let class = if declared.contains("int") {
                "integer"
            } else if declared.contains("blob") || declared.contains("bytea") {
                "blob"
            } else {
                "text"
            };
            let not_null: i64 = row.try_get(3)?;
            let pk: i64 = row.try_get(4)?;
            out.push((
                row.try_get(0)?,
                row.try_get(1)?,
                class.to_owned(),
                not_null == 0 && pk == 0,
            ));
        }
        out.sort();
        Ok(out)
    }
}

/// An instant as stored: UTC, microseconds, fixed width (sorts as text).
pub(crate) fn ts_text(t: Timestamp) -> String {
    let dt = jiff::tz::TimeZone::UTC.to_datetime(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1000
    )
}

pub(crate) fn parse_ts(field: &'static str, text: &str) -> Result<Timestamp> {
    text.parse().map_err(|_| StoreError::Invalid {
        field,
        reason: "stored instant unreadable".into(),
    })
}

pub(crate) fn parse_date(field: &'static str, text: &str) -> Result<Date> {
    text.parse().map_err(|_| StoreError::Invalid {
        field,
        reason: "stored date unreadable".into(),
    })
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    Ok(row.try_get(column)?)
}

/// A write transaction (and, on SQLite, the writer's turn, released after it ends). Derefs to
/// the connection, so statements take `&mut *tx`.
pub(crate) struct WriteTx {
    // Declared first, so it is rolled back (when not committed) before the turn is released.
    tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}
