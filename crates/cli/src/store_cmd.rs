//! `rcm store …` and `rcm audit …`: the database (SQLite by default, PostgreSQL by URL) from the terminal.
//!
//! The database is `--database URL`, else `RCM_DATABASE_URL`, else `<data>/rcm.sqlite3`; the PHI key is
//! `RCM_ENCRYPTION_KEY`, else `<data>/store.key`. Nothing printed here contains PHI, a key or a password:
//! URLs are shown with their password replaced by `***`, and error messages are scrubbed of it too.
//! The store is async; each command runs on a current-thread tokio runtime of its own.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use rcm_store::crypto::{KEY_ENV, KEY_FILE};
use rcm_store::{
    Actor, AuditAction, AuditEvent, AuditProblem, EncryptionKey, Engine, KeySource, Store,
    StoreError, StoreOptions,
};
use serde_json::json;

use crate::outln;

/// Where the database is (shared by `rcm store` and `rcm audit`).
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// The database: `sqlite:PATH` or `postgres://user@host:5432/db` (default: RCM_DATABASE_URL, else
    /// <data-dir>/rcm.sqlite3).
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
    /// PostgreSQL only: keep every table in this schema (created when absent). For tests.
    #[arg(long, global = true, hide = true, value_name = "SCHEMA")]
    pub pg_schema: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct StoreArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub command: StoreCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum StoreCommand {
    /// Create the database (or bring it up to date) and say which engine, where, and the schema version.
    Init,
    /// Re-encrypt every PHI value under a new key, in one transaction; the old key is kept as a backup file.
    RotateKey(RotateKeyArgs),
    /// First start of a real office: create the organization and its first administrator (the password
    /// is generated and printed once).
    Bootstrap(BootstrapArgs),
}

#[derive(clap::Args, Debug)]
pub struct BootstrapArgs {
    /// The organization's name.
    #[arg(long)]
    pub organization: String,
    /// The administrator's user name.
    #[arg(long)]
    pub admin: String,
}

#[derive(clap::Args, Debug)]
pub struct RotateKeyArgs {
    /// Read the new key (64 hex digits or base64 of 32 bytes) from this file (default: a new random key).
    #[arg(long, value_name = "PATH", conflicts_with = "new_key_env")]
    pub new_key_file: Option<PathBuf>,
    /// Read the new key from this environment variable (default: a new random key).
    #[arg(long, value_name = "VAR")]
    pub new_key_env: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain: exit 0 when intact, 1 with the first altered or missing entry.
    Verify,
    /// Audit entries, newest first: who did what to which record, when and from where.
    List(ListArgs),
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only this user's entries (e.g. `m.okafor`, `system:key-rotation`).
    #[arg(long, value_name = "USER")]
    pub actor: Option<String>,
    /// Only this action: view, create, update, status-change, export, sign-in, sign-in-failed,
    /// sign-out, key-rotation.
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Only this record type (e.g. `patient`, `claim`).
    #[arg(long, value_name = "TYPE")]
    pub record_type: Option<String>,
    /// Only this record id (with --record-type).
    #[arg(long, value_name = "ID", requires = "record_type")]
    pub record_id: Option<String>,
    /// At most this many entries.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
}

pub fn run_store(args: StoreArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let target = Target::resolve(&args.db, data_dir);
    let outcome = match args.command {
        StoreCommand::Init => block_on(init(&target, data_dir, json)),
        StoreCommand::RotateKey(a) => block_on(rotate_key(&target, data_dir, &a, json)),
        StoreCommand::Bootstrap(a) => block_on(bootstrap(&target, data_dir, &a, json)),
    };
    outcome.map_err(|e| target.scrub(e))
}

pub fn run_audit(args: AuditArgs, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let target = Target::resolve(&args.db, data_dir);
    let outcome = match args.command {
        AuditCommand::Verify => block_on(verify(&target, data_dir, json)),
        AuditCommand::List(a) => block_on(list(&target, data_dir, &a, json)),
    };
    outcome.map_err(|e| target.scrub(e))
}

fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    future: F,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(future)
}

/// The database a command works on.
pub(crate) struct Target {
    url: String,
    pg_schema: Option<String>,
}

impl Target {
    pub(crate) fn resolve(db: &DatabaseArgs, data_dir: &Path) -> Target {
        Target {
            url: rcm_store::database_url(data_dir, db.database.as_deref()),
            pg_schema: db.pg_schema.clone().filter(|s| !s.is_empty()),
        }
    }

    fn engine(&self) -> anyhow::Result<Engine> {
        Engine::of_url(&self.url).map_err(|_| {
            anyhow!(
                "unsupported database URL {}: use sqlite:PATH or postgres://user@host:5432/db \
                 (--database or {})",
                redact_url(&self.url),
                rcm_store::DATABASE_URL_ENV
            )
        })
    }

    /// The SQLite file the URL names.
    fn sqlite_path(&self) -> PathBuf {
        let rest = self
            .url
            .strip_prefix("sqlite://")
            .or_else(|| self.url.strip_prefix("sqlite:"))
            .unwrap_or(&self.url);
        PathBuf::from(rest.split_once('?').map_or(rest, |(path, _)| path))
    }

    /// Where the data is, for messages: the SQLite file, or the URL without its password.
    fn location(&self, engine: Engine) -> String {
        match engine {
            Engine::Sqlite => self.sqlite_path().display().to_string(),
            Engine::Postgres => match &self.pg_schema {
                Some(schema) => format!("{} (schema {schema})", redact_url(&self.url)),
                None => redact_url(&self.url),
            },
        }
    }

    /// The error with every secret of the URL replaced by `***`.
    pub(crate) fn scrub(&self, e: anyhow::Error) -> anyhow::Error {
        let secrets = url_secrets(&self.url);
        if secrets.is_empty() {
            return e;
        }
        let mut text = format!("{e:#}");
        for secret in &secrets {
            text = text.replace(secret.as_str(), "***");
        }
        anyhow!(text)
    }

    /// Opens the store. `create`: a missing SQLite file and a missing key file are created (`store
    /// init`); otherwise both must exist, so a typo in a path does not start an empty database.
    async fn open(
        &self,
        data_dir: &Path,
        create: bool,
    ) -> anyhow::Result<(Store, EncryptionKey, KeySource)> {
        self.open_pool(data_dir, create, 2).await
    }

    /// [`Target::open`] with a pool of `connections` (the server's).
    pub(crate) async fn open_pool(
        &self,
        data_dir: &Path,
        create: bool,
        connections: u32,
    ) -> anyhow::Result<(Store, EncryptionKey, KeySource)> {
        let engine = self.engine()?;
        if !create && engine == Engine::Sqlite && !self.sqlite_path().is_file() {
            bail!(
                "no database at {}: run `rcm store init` first, or give the database with --database \
                 or {}",
                self.sqlite_path().display(),
                rcm_store::DATABASE_URL_ENV
            );
        }
        let (key, source) = current_key(data_dir, create)?;
        if engine == Engine::Postgres {
            // One direct connection first: a refused connection fails at once, not after the pool's timeout.
            sqlx::any::install_default_drivers();
            match <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url).await {
                Ok(conn) => {
                    let _ = sqlx::Connection::close(conn).await;
                }
                Err(e) => {
                    return Err(self.open_error(engine, &source, StoreError::Database(e)));
                }
            }
        }
        let mut options = StoreOptions::new(self.url.clone(), key.clone());
        options.pg_schema = self.pg_schema.clone();
        options.max_connections = connections;
        let store = Store::open(&options)
            .await
            .map_err(|e| self.open_error(engine, &source, e))?;
        Ok((store, key, source))
    }

    fn open_error(&self, engine: Engine, source: &KeySource, e: StoreError) -> anyhow::Error {
        match e {
            StoreError::WrongKey { .. } => anyhow!(
                "{e}. The key came from {}; use the key this database was written with \
                 ({KEY_ENV}, or {KEY_FILE} in the data directory)",
                describe_source(source)
            ),
            StoreError::Database(_) if engine == Engine::Postgres => anyhow!(
                "cannot open the PostgreSQL database {}: {e}. Check that the server is running and the \
                 URL (--database or {}) is right",
                self.location(engine),
                rcm_store::DATABASE_URL_ENV
            ),
            e => anyhow!("cannot open the database {}: {e}", self.location(engine)),
        }
    }
}

/// The current key. Without `create`, a key must already exist (in the environment or the key file).
fn current_key(data_dir: &Path, create: bool) -> anyhow::Result<(EncryptionKey, KeySource)> {
    let env_set = std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty());
    let file = data_dir.join(KEY_FILE);
    if !create && !env_set && !file.exists() {
        bail!(
            "no encryption key: {KEY_ENV} is not set and {} does not exist. Restore the key file from \
             its backup, or set {KEY_ENV}",
            file.display()
        );
    }
    EncryptionKey::load_or_create(data_dir).map_err(|e| match &e {
        StoreError::Key(_) if env_set => anyhow!("{KEY_ENV}: {e}"),
        StoreError::Key(_) => anyhow!("{}: {e}", file.display()),
        _ => anyhow!("{e}"),
    })
}

fn describe_source(source: &KeySource) -> String {
    match source {
        KeySource::Environment => KEY_ENV.to_owned(),
        KeySource::File(path) => path.display().to_string(),
        KeySource::CreatedFile(path) => format!("{} (just created)", path.display()),
    }
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgresql",
    }
}

/// The URL with its password (user info and `password=` parameter) replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    for secret in url_secrets(url) {
        out = out.replace(&secret, "***");
    }
    out
}

/// The secrets a URL carries: the password of `user:password@host` and any `password=` parameter.
fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let Some((_, rest)) = url.split_once("://") else {
        return secrets;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((userinfo, _host)) = authority.rsplit_once('@')
        && let Some((_user, password)) = userinfo.split_once(':')
        && !password.is_empty()
    {
        secrets.push(password.to_owned());
    }
    if let Some((_, query)) = rest.split_once('?') {
        for pair in query.split(['&', '#']) {
            if let Some((name, value)) = pair.split_once('=')
                && name.eq_ignore_ascii_case("password")
                && !value.is_empty()
            {
                secrets.push(value.to_owned());
            }
        }
    }
    // Longest first, so a password containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// The highest schema migration applied, from sqlx's bookkeeping table.
async fn schema_version(store: &Store) -> anyhow::Result<i64> {
    let row = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await
        .map_err(|e| anyhow!("cannot read the schema version: {e}"))?;
    match row {
        Some(row) => {
            sqlx::Row::try_get(&row, 0).map_err(|e| anyhow!("cannot read the schema version: {e}"))
        }
        None => Ok(0),
    }
}

async fn bootstrap(
    target: &Target,
    data_dir: &Path,
    a: &BootstrapArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (store, _, _) = target.open(data_dir, true).await?;
    if !store.organizations().await?.is_empty() {
        store.close().await;
        bail!(
            "this database already has an organization; administrators add users in the web application (Admin)"
        );
    }
    let actor = Actor::system("bootstrap");
    let org = store
        .create_organization(
            &actor,
            &rcm_store::NewOrganization {
                name: a.organization.clone(),
                npi: None,
                tax_id: None,
            },
        )
        .await?;
    let password = rcm_server::auth::random_token()
        .map(|t| t[..24].to_owned())
        .ok_or_else(|| anyhow!("no random numbers available"))?;
    store
        .create_user(
            &actor,
            &a.admin,
            &a.admin,
            &password,
            &[rcm_store::Role::Admin],
        )
        .await?;
    store.close().await;
    if json {
        crate::output::json(
            &json!({"organization_id": org.id, "admin": a.admin, "password": password}),
        )?;
    } else {
        outln!("organization {} created (id {})", a.organization, org.id)?;
        outln!(
            "administrator {} created; password (shown once): {password}",
            a.admin
        )?;
        outln!("next: `rcm serve`, sign in, add users and the EDI settings under Admin")?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn init(target: &Target, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let engine = target.engine()?;
    let existed = engine == Engine::Sqlite && target.sqlite_path().is_file();
    let (store, key, source) = target.open(data_dir, true).await?;
    let version = schema_version(&store).await;
    store.close().await;
    let version = version?;
    let location = target.location(engine);
    let (key_from, key_path, key_created) = match &source {
        KeySource::Environment => ("environment", None, false),
        KeySource::File(p) => ("file", Some(p.display().to_string()), false),
        KeySource::CreatedFile(p) => ("file", Some(p.display().to_string()), true),
    };
    if json {
        crate::output::json(&json!({
            "engine": engine_name(engine),
            "location": location,
            "created": engine == Engine::Sqlite && !existed,
            "schema_version": version,
            "key": {
                "source": key_from,
                "path": key_path,
                "created": key_created,
                "id": key.key_id(),
            },
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let what = if engine == Engine::Sqlite && !existed {
        "created"
    } else {
        "ready"
    };
    outln!("database {what}: {} {location}", engine_name(engine))?;
    outln!("schema version: {version}")?;
    outln!(
        "encryption key: {} (id {})",
        describe_source(&source),
        key.key_id()
    )?;
    if key_created {
        outln!(
            "back up {} apart from the database: without it the PHI cannot be read",
            key_path.unwrap_or_default()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn verify(target: &Target, data_dir: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let engine = target.engine()?;
    let (store, _key, _source) = target.open(data_dir, false).await?;
    let outcome = store.verify_audit().await;
    store.close().await;
    let v = outcome.map_err(|e| anyhow!("cannot read the audit log: {e}"))?;
    let broken = v.first_broken.map(|b| {
        (
            b.seq,
            match b.problem {
                AuditProblem::Altered => "altered",
                AuditProblem::Missing => "missing",
            },
        )
    });
    if json {
        crate::output::json(&json!({
            "engine": engine_name(engine),
            "location": target.location(engine),
            "entries": v.entries,
            "ok": broken.is_none(),
            "first_broken": broken.map(|(seq, problem)| json!({ "seq": seq, "problem": problem })),
        }))?;
    } else {
        match broken {
            None => outln!("audit log OK: {} entries, chain intact", v.entries)?,
            Some((seq, problem)) => {
                let what = match problem {
                    "missing" => "is missing (deleted)",
                    _ => "was altered",
                };
                outln!(
                    "audit log BROKEN: entry {seq} {what}; the {} entries before it verify",
                    v.entries
                )?;
                eprintln!(
                    "rcm: the audit log was tampered with at entry {seq}: keep a copy of the database as \
                     evidence and compare it with a backup"
                );
            }
        }
    }
    Ok(if broken.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn list(
    target: &Target,
    data_dir: &Path,
    args: &ListArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let action = match &args.action {
        Some(text) => Some(AuditAction::parse(text).ok_or_else(|| {
            let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
            anyhow!(
                "unknown audit action {text:?}: use one of {}",
                known.join(", ")
            )
        })?),
        None => None,
    };
    let (store, _key, _source) = target.open(data_dir, false).await?;
    let events = collect_events(&store, args, action).await;
    store.close().await;
    let events = events.map_err(|e| anyhow!("cannot read the audit log: {e}"))?;
    if json {
        let rows: Vec<_> = events.iter().map(event_json).collect();
        crate::output::json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    if events.is_empty() {
        outln!("no audit entries match")?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:>7}  {:<27}  {:<24}  {:<15}  {:<28}  from",
        "seq",
        "when (UTC)",
        "who",
        "action",
        "record"
    )?;
    for e in &events {
        let record = if e.record_id.is_empty() {
            e.record_type.clone()
        } else {
            format!("{} {}", e.record_type, e.record_id)
        };
        outln!(
            "{:>7}  {:<27}  {:<24}  {:<15}  {:<28}  {}",
            e.seq,
            e.at.to_string(),
            crate::output::clip(&e.actor, 24),
            e.action,
            crate::output::clip(&record, 28),
            if e.ip.is_empty() { "-" } else { &e.ip }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Pages through the log, newest first, until `limit` entries match (the store filters by actor and
/// record; the action is filtered here).
async fn collect_events(
    store: &Store,
    args: &ListArgs,
    action: Option<AuditAction>,
) -> rcm_store::Result<Vec<AuditEvent>> {
    const PAGE: u32 = 1000;
    let limit = args.limit as usize;
    let record = args
        .record_type
        .as_deref()
        .map(|t| (t, args.record_id.as_deref().unwrap_or("")));
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let want = if action.is_some() {
            PAGE
        } else {
            (limit - out.len()).min(PAGE as usize) as u32
        };
        let page = store
            .audit_events(args.actor.as_deref(), record, before, i64::from(want))
            .await?;
        let full = page.len() == want as usize;
        before = page.last().map(|e| e.seq);
        for e in page {
            if action.is_none_or(|a| e.action == a.as_str()) {
                out.push(e);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
        if !full || before.is_none_or(|seq| seq <= 1) {
            return Ok(out);
        }
    }
}

fn event_json(e: &AuditEvent) -> serde_json::Value {
    json!({
        "seq": e.seq,
        "at": e.at.to_string(),
        "actor": e.actor,
        "action": e.action,
        "record_type": e.record_type,
        "record_id": e.record_id,
        "ip": e.ip,
        "hash": e.hash.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    })
}

/// Where the new key comes from.
enum NewKeyFrom {
    Generated,
    File(PathBuf),
    Env(String),
}

fn new_key(args: &RotateKeyArgs) -> anyhow::Result<(EncryptionKey, NewKeyFrom)> {
    if let Some(path) = &args.new_key_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the new key file {}", path.display()))?;
        let key = EncryptionKey::parse(&text)
            .map_err(|e| anyhow!("the new key file {}: {e}", path.display()))?;
        return Ok((key, NewKeyFrom::File(path.clone())));
    }
    if let Some(var) = &args.new_key_env {
        let text = std::env::var(var).map_err(|_| {
            anyhow!("the environment variable {var} (--new-key-env) is not set or not text")
        })?;
        let key = EncryptionKey::parse(&text).map_err(|e| anyhow!("{var}: {e}"))?;
        return Ok((key, NewKeyFrom::Env(var.clone())));
    }
    let key = EncryptionKey::generate().map_err(|e| anyhow!("cannot generate a new key: {e}"))?;
    Ok((key, NewKeyFrom::Generated))
}

/// The user running the command, for the audit entry.
pub(crate) fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// `rcm store rotate-key`, in the order of docs/store.md:
/// 1. the new key is written to `<data>/store.key.new` (0600, fsynced) BEFORE the database changes;
/// 2. `rotate_key` re-encrypts everything in one transaction under the new key and commits;
/// 3. only then the old key is kept as `<data>/store.key.old-<old id>` (0600) and `store.key.new` is
///    renamed over `store.key`.
///
/// A crash between 2 and 3 leaves the new key in `store.key.new`, and the next start says so.
async fn rotate_key(
    target: &Target,
    data_dir: &Path,
    args: &RotateKeyArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let engine = target.engine()?;
    let (new_key, new_from) = new_key(args)?;
    let (mut store, old_key, source) = target.open(data_dir, false).await?;
    let old_id = old_key.key_id();
    let new_id = new_key.key_id();
    if old_id == new_id {
        store.close().await;
        bail!("the new key is the key in use (id {old_id}): give a different key");
    }
    let key_file = data_dir.join(KEY_FILE);
    let staged = data_dir.join(format!("{KEY_FILE}.new"));
    // The key file is rewritten when the current key came from it; a generated key is always written
    // down before the database changes (it is the only copy).
    let from_file = matches!(source, KeySource::File(_) | KeySource::CreatedFile(_));
    let stage = from_file || matches!(new_from, NewKeyFrom::Generated);
    if stage {
        if staged.exists() {
            store.close().await;
            bail!(
                "{} exists, left by a key rotation that did not finish. The database still opens with \
                 the current key, so that rotation changed nothing: delete {} and run this again",
                staged.display(),
                staged.display()
            );
        }
        if let Err(e) = new_key.write_new_file(&staged) {
            store.close().await;
            bail!("cannot write the new key to {}: {e}", staged.display());
        }
        sync_dir(data_dir);
    }
    let actor = Actor::system(&format!("cli:{}", os_user()));
    let rotated = store.rotate_key(&actor, &new_key).await;
    store.close().await;
    let count = match rotated {
        Ok(count) => count,
        Err(e) => {
            // One transaction: if the old key still opens the database, nothing changed.
            let mut options = StoreOptions::new(target.url.clone(), old_key.clone());
            options.pg_schema = target.pg_schema.clone();
            options.max_connections = 1;
            let unchanged = match Store::open(&options).await {
                Ok(s) => {
                    s.close().await;
                    true
                }
                Err(_) => false,
            };
            if unchanged {
                if stage {
                    let _ = std::fs::remove_file(&staged);
                }
                bail!(
                    "the key rotation failed and changed nothing (the current key still applies): {e}"
                );
            }
            bail!(
                "the key rotation failed ({e}) and the database may be under the new key (id {new_id}){}",
                if stage {
                    format!(": it is in {}", staged.display())
                } else {
                    String::new()
                }
            );
        }
    };
    // The database is committed under the new key: now the files.
    let mut backup = None;
    if from_file {
        let kept = data_dir.join(format!("{KEY_FILE}.old-{old_id}"));
        if !kept.exists() {
            old_key.write_new_file(&kept).map_err(|e| {
                anyhow!(
                    "the database is now under the new key (id {new_id}), which is in {}; keeping the old \
                     key as {} failed ({e}): move {} to {} yourself",
                    staged.display(),
                    kept.display(),
                    staged.display(),
                    key_file.display()
                )
            })?;
        }
        std::fs::rename(&staged, &key_file).map_err(|e| {
            anyhow!(
                "the database is now under the new key (id {new_id}), which is in {}; replacing {} failed \
                 ({e}): move it there yourself (the old key is kept in {})",
                staged.display(),
                key_file.display(),
                kept.display()
            )
        })?;
        sync_dir(data_dir);
        backup = Some(kept);
    }
    let next_step = if from_file {
        None
    } else {
        Some(match &new_from {
            NewKeyFrom::Generated => format!(
                "set {KEY_ENV} to the content of {} (the new key), then delete that file",
                staged.display()
            ),
            NewKeyFrom::File(p) => format!("set {KEY_ENV} to the content of {}", p.display()),
            NewKeyFrom::Env(var) => format!("set {KEY_ENV} to the value of {var}"),
        })
    };
    // Verify that the new key opens the database and that the audit chain still holds.
    let mut options = StoreOptions::new(target.url.clone(), new_key.clone());
    options.pg_schema = target.pg_schema.clone();
    options.max_connections = 1;
    let check = Store::open(&options).await;
    let audit_ok = match check {
        Ok(s) => {
            let v = s.verify_audit().await;
            s.close().await;
            v.ok().map(|v| v.first_broken.is_none())
        }
        Err(_) => None,
    };
    if json {
        crate::output::json(&json!({
            "engine": engine_name(engine),
            "location": target.location(engine),
            "reencrypted": count,
            "old_key_id": old_id,
            "new_key_id": new_id,
            "key_file": if from_file { Some(key_file.display().to_string()) } else { None },
            "old_key_backup": backup.as_ref().map(|p| p.display().to_string()),
            "next_step": next_step,
            "audit_ok": audit_ok,
        }))?;
    } else {
        outln!("re-encrypted {count} values under the new key (id {new_id}; was {old_id})")?;
        if let Some(kept) = &backup {
            outln!("new key: {}", key_file.display())?;
            outln!(
                "old key kept in {} (0600): delete it once backups under the old key are retired",
                kept.display()
            )?;
        }
        if let Some(step) = &next_step {
            outln!("next: {step}")?;
        }
        match audit_ok {
            Some(true) => outln!("audit log OK")?,
            Some(false) => outln!("audit log BROKEN: run `rcm audit verify`")?,
            None => outln!("could not reopen the database to check it: run `rcm audit verify`")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://rcm:s3cr%40t@db.example:5432/rcm?sslmode=require"),
            "postgres://rcm:***@db.example:5432/rcm?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://db.example/rcm?user=rcm&password=hunter2"),
            "postgres://db.example/rcm?user=rcm&password=***"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/x.sqlite3"),
            "sqlite:///tmp/x.sqlite3"
        );
    }
}
