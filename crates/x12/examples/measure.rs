//! Measures one file in streaming mode: raw segment scan, 835 to typed model (835 files),
//! full validation, each in MB/s, and the process's peak resident memory.
//!
//! cargo run --release -p rcm-x12 --example measure -- FILE [scan|typed|view|validate|write837p]...
//! (`typed`: owned models; `view`: 835s through the zero-copy `remit835::parse_view`)
//! (default: scan, typed, validate). Run one mode per process to read each mode's own peak memory.
//! `write837p` ignores FILE's content: it writes the criterion bench's 200 synthetic 837P
//! transaction sets (50 claims each) from typed models, in memory, until about FILE's size is
//! written; `write837p-fragmented` the same models as the generator left them on the heap;
//! `write837p-hot` only the first 2 of them, again and again (models in cache).
//! `typed-par`, `view-par`, `validate-par`: the same work with the transaction sets on worker
//! threads (`rcm_x12::parallel`; RCM_X12_THREADS threads, default the machine's parallelism).

use rcm_x12::envelope::{Handler, TransactionSet, TxContext, drive_stream};
use rcm_x12::model::claim837::ClaimKind;
use rcm_x12::model::{claim837, remit835};
use rcm_x12::parallel::{Event, SetWorker, default_workers, drive_stream_parallel};
use rcm_x12::synth::{self, Rng};
use rcm_x12::validate::{Options, validate_reader, validate_reader_parallel};
use rcm_x12::writer::SegmentWriter;
use rcm_x12::{Delimiters, Finding, Segment, StreamReader};
use std::time::Instant;

struct Typed {
    claims: usize,
    errors: usize,
    /// 835s through the zero-copy view (`remit835::parse_view`) instead of the owned model.
    view: bool,
}
impl Handler for Typed {
    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        match ctx.set_id.as_str() {
            "835" if self.view => match remit835::parse_view_set(tx) {
                Ok(r) => self.claims += r.claims.len(),
                Err(_) => self.errors += 1,
            },
            _ => self.transaction(ctx, tx.segments),
        }
    }
    fn transaction(&mut self, ctx: &TxContext, segments: &[Segment<'_>]) {
        match ctx.set_id.as_str() {
            "835" => match remit835::parse(segments) {
                Ok(r) => self.claims += r.claims.len(),
                Err(_) => self.errors += 1,
            },
            "837" => match claim837::parse(segments) {
                Ok(t) => {
                    self.claims += t
                        .billing_providers
                        .iter()
                        .flat_map(|b| &b.subscribers)
                        .map(|s| {
                            s.claims.len()
                                + s.patients.iter().map(|p| p.claims.len()).sum::<usize>()
                        })
                        .sum::<usize>()
                }
                Err(_) => self.errors += 1,
            },
            _ => {}
        }
    }
    fn finding(&mut self, _f: Finding) {}
}

/// The same work on the parallel driver's worker threads: each set's (claims, parse errors).
impl SetWorker for Typed {
    type Output = (usize, usize);
    fn work(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) -> (usize, usize) {
        (self.claims, self.errors) = (0, 0);
        self.transaction_set(ctx, tx);
        (self.claims, self.errors)
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time (user + system) of this process so far, in seconds (from /proc; 0 elsewhere). On a
/// shared machine CPU time says more than wall time about the code itself.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 ticks/s.
    (tick(11) + tick(12)) / 100.0
}

fn open(path: &str) -> std::fs::File {
    match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open {path}: {e}");
            std::process::exit(2);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: measure FILE [scan|typed|validate]...");
        std::process::exit(2);
    };
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let modes: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec!["scan", "typed", "validate"]
    };
    // Worker threads of the `-par` modes: RCM_X12_THREADS, else the machine's parallelism.
    let threads = std::env::var("RCM_X12_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(default_workers);
    for mode in modes {
        if mode.starts_with("write837p") {
            // `write837p`: 200 transaction sets of 50 claims (10,000 claims, about 75 MB of
            // models) laid out compactly, depth-first with each list allocated once at its final
            // size (a deep copy of the generated models), much as the claim converter builds
            // them by collecting each claim's lists. `write837p-fragmented`: the models as the generator
            // left them (lists grown push by push, their blocks scattered over the heap).
            // `write837p-hot`: the first 2 (about 1 MB, in cache) over and over, to tell the
            // writer's own cost from reading the models.
            let count = if mode == "write837p-hot" { 2 } else { 200 };
            let mut rng = Rng::new(2);
            let generated: Vec<_> = (1..=count)
                .map(|n| synth::claim_transaction(&mut rng, ClaimKind::Professional, n, 50))
                .collect();
            let models = if mode == "write837p-fragmented" {
                generated
            } else {
                let built = generated.clone();
                drop(generated);
                built
            };
            // One output buffer for every round, as when writing file after file.
            let mut buf = Vec::new();
            let t = Instant::now();
            let cpu0 = cpu_secs();
            let (mut written, mut rounds, mut errors) = (0u64, 0u64, 0u64);
            while (written as f64) < size * 1e6 || rounds == 0 {
                let mut w =
                    SegmentWriter::with_buffer(Delimiters::default(), std::mem::take(&mut buf));
                for m in &models {
                    if claim837::write(m, &mut w).is_err() {
                        errors += 1;
                    }
                }
                buf = w.into_bytes();
                written += buf.len() as u64;
                rounds += 1;
            }
            let secs = t.elapsed().as_secs_f64();
            let cpu = cpu_secs() - cpu0;
            let mb = written as f64 / 1e6;
            println!(
                "{mode:<9} {mb:>9.1} MB  {secs:>8.2} s  {:>8.1} MB/s  cpu {:>8.1} MB/s  peak RSS {:>7.1} MiB  ({rounds} rounds, {errors} errors)",
                mb / secs,
                mb / cpu.max(0.01),
                peak_rss_mib()
            );
            continue;
        }
        let t = Instant::now();
        let cpu0 = cpu_secs();
        let detail = match mode {
            "scan" => {
                let mut r = StreamReader::new(open(path));
                let mut n = 0u64;
                while let Some(Ok(_)) = r.next_segment() {
                    n += 1;
                }
                format!("{n} segments")
            }
            "typed" | "view" => {
                let mut h = Typed {
                    claims: 0,
                    errors: 0,
                    view: mode == "view",
                };
                let mut r = StreamReader::new(open(path));
                drive_stream(
                    &mut r,
                    &mut h,
                    rcm_x12::envelope::DEFAULT_MAX_TRANSACTION_BYTES,
                );
                format!("{} claims, {} parse errors", h.claims, h.errors)
            }
            "typed-par" | "view-par" => {
                let workers = (0..threads)
                    .map(|_| Typed {
                        claims: 0,
                        errors: 0,
                        view: mode == "view-par",
                    })
                    .collect();
                let (mut claims, mut errors) = (0, 0);
                let mut r = StreamReader::new(open(path));
                drive_stream_parallel(
                    &mut r,
                    workers,
                    rcm_x12::envelope::DEFAULT_MAX_TRANSACTION_BYTES,
                    |e| {
                        if let Event::Set { output, .. } = e {
                            claims += output.0;
                            errors += output.1;
                        }
                    },
                );
                format!("{claims} claims, {errors} parse errors, {threads} threads")
            }
            "validate-par" => {
                let rep = validate_reader_parallel(open(path), &Options::default(), threads);
                format!(
                    "{} transactions, {} findings, {threads} threads",
                    rep.transactions.len(),
                    rep.findings.len()
                )
            }
            "validate" => {
                let rep = validate_reader(open(path), &Options::default());
                format!(
                    "{} transactions, {} findings",
                    rep.transactions.len(),
                    rep.findings.len()
                )
            }
            other => {
                eprintln!("unknown mode {other}");
                std::process::exit(2);
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_secs() - cpu0;
        println!(
            "{mode:<9} {size:>9.1} MB  {secs:>8.2} s  {:>8.1} MB/s  cpu {:>8.1} MB/s  peak RSS {:>7.1} MiB  ({detail})",
            size / secs,
            size / cpu.max(0.01),
            peak_rss_mib()
        );
    }
}
