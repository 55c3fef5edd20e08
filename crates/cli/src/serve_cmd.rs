//! `rcm serve`: the web application and API (rcm-server) on the store of the data directory or
//! `RCM_DATABASE_URL`. Plain HTTP only on a loopback address unless forced; TLS with rustls when
//! given a certificate and key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use rcm_server::{AppState, ServerConfig, coding::Coding, demo};

use crate::store_cmd::{DatabaseArgs, Target};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); with --tls-key the server speaks HTTPS only.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on an address other than loopback (PHI would cross the network in clear;
    /// only behind a TLS-terminating proxy on the same host).
    #[arg(long)]
    pub allow_plain_http: bool,
    /// Sign users out after this many minutes without a request.
    #[arg(long, default_value_t = 15, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..=720))]
    pub idle_timeout: u64,
    /// Seed a demo organization with synthetic patients (once per data directory) and print its login.
    #[arg(long)]
    pub demo: bool,
    /// The organization to serve (default: the first one).
    #[arg(long, value_name = "ID")]
    pub organization: Option<i64>,
    /// Database connections in the pool.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub connections: u32,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// A line on standard error that is lost, not fatal, when nobody reads it any more.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Standard error for the request log, where a closed log sink (a pipe whose reader went away)
/// loses log lines instead of failing the requests being logged.
struct QuietStderr;

impl std::io::Write for QuietStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

pub fn run(args: ServeArgs, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let loopback = args.listen.ip().is_loopback();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some((c.clone(), k.clone())),
        _ => None,
    };
    if tls.is_none() && !loopback && !args.allow_plain_http {
        bail!(
            "refusing to serve plain HTTP on {}: patient data would cross the network unencrypted. \
             Give --tls-cert and --tls-key, listen on 127.0.0.1, or (behind a TLS proxy on this host) --allow-plain-http",
            args.listen
        );
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RCM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,rcm_server=info")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(|| QuietStderr)
        .try_init();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let runtime = rt
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args, data_dir, tls))
}

async fn serve(
    args: ServeArgs,
    data_dir: &Path,
    tls: Option<(PathBuf, PathBuf)>,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let target = Target::resolve(&args.db, data_dir);
    let (store, _, _) = target
        .open_pool(data_dir, true, args.connections.max(2))
        .await?;
    let login = if args.demo {
        Some(
            demo::seed(&store, data_dir)
                .await
                .map_err(|e| anyhow::anyhow!("demo organization: {e}"))?,
        )
    } else {
        None
    };
    let orgs = store.organizations().await?;
    let organization = match args.organization {
        Some(id) => {
            orgs.iter()
                .find(|o| o.id == id)
                .with_context(|| format!("no organization {id} in this database"))?
                .id
        }
        None => match orgs.first() {
            Some(o) => o.id,
            None => bail!(
                "this database has no organization yet: start with --demo to try OpenRCM, or create yours with \
                 `rcm store bootstrap --organization NAME --admin USER`"
            ),
        },
    };
    let coding = Coding::open(data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the code sets of {}: {e}. Import them first (`make data`, or `rcm codes import FILE`)",
            data_dir.display()
        )
    })?;
    let mut config = ServerConfig::new(data_dir.to_path_buf(), organization);
    config.idle_timeout = Duration::from_secs(args.idle_timeout * 60);
    config.secure_cookies = tls.is_some();
    let state = AppState::new(store, coding, config);
    let scheme = if tls.is_some() { "https" } else { "http" };
    say!("OpenRCM is serving on {scheme}://{}/", args.listen);
    if let Some(l) = &login {
        say!(
            "Demo organization (synthetic patients). Sign in as {} with password {}",
            l.users
                .iter()
                .map(|(u, _)| u.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            l.password
        );
        say!(
            "(demo-biller does everything from a patient to an 837; the login is also in {})",
            data_dir.join(demo::LOGIN_FILE).display()
        );
    }
    say!("Stop with Ctrl-C.");
    rcm_server::serve(state, args.listen, tls)
        .await
        .with_context(|| format!("cannot serve on {}", args.listen))?;
    Ok(ExitCode::SUCCESS)
}
