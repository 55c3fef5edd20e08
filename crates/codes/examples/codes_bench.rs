//! Measurement program of the ICD-10-CM engine benchmark (scripts/bench/codes-bench.sh).
//!
//! Criterion (benches/codes.rs) reports means; this program reports what BENCHMARKS.md
//! quotes: medians, and per-query p50/p90/p99 computed exactly as the peers' script
//! (scripts/bench/icd_peers.py) computes them, so the two sides of the table compare.
//!
//! ```text
//! cargo run --release -p rcm-codes --example codes_bench -- run \
//!     --data-dir DIR --queries tests/fixtures/search_queries.tsv --out ours.json \
//!     [--tabular TABULAR.xml] [--wheel FILE.whl] [--codes-out CODES.txt] \
//!     [--rounds 11] [--load-runs 50] [--import-runs 5] [--search-limit 20] [--lookup-codes 1000]
//! codes_bench rss --idx FILE.idx      (internal: peak RSS of a process that loads an index)
//! ```
//!
//! `--data-dir` must hold an imported ICD-10-CM version (`rcm codes import`); its
//! prebuilt index is what load, lookup and search are measured on. Only the crate's
//! public API, std and serde_json are used.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rcm_codes::{Catalog, CodeKey, CodeSet, NoProgress, SearchOptions};
use serde_json::{Value, json};

type Res<T> = Result<T, Box<dyn Error>>;

/// A timed sample lasts at least this long; faster calls are repeated inside one
/// sample and divided (icd_peers.py: MIN_SAMPLE_NS).
const MIN_SAMPLE_NS: f64 = 20_000.0;
/// The relevance test (tests/search_relevance.rs) asks for five results.
const ACCURACY_LIMIT: usize = 5;

fn main() {
    if let Err(e) = real_main() {
        eprintln!("codes_bench: {e}");
        std::process::exit(2);
    }
}

fn real_main() -> Res<()> {
    let mut argv = std::env::args().skip(1);
    let mode = argv.next().unwrap_or_default();
    let args = parse_flags(argv)?;
    match mode.as_str() {
        "run" => run(&args),
        "rss" => rss_child(&args),
        _ => Err("usage: codes_bench run --data-dir DIR --queries TSV --out JSON [...] | codes_bench rss --idx FILE".into()),
    }
}

fn parse_flags(argv: impl Iterator<Item = String>) -> Res<HashMap<String, String>> {
    let mut out = HashMap::new();
    let mut it = argv.peekable();
    while let Some(a) = it.next() {
        let Some(name) = a.strip_prefix("--") else {
            return Err(format!("unexpected argument {a:?}").into());
        };
        let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
        out.insert(name.to_string(), value);
    }
    Ok(out)
}

fn need<'a>(args: &'a HashMap<String, String>, name: &str) -> Res<&'a str> {
    args.get(name)
        .map(String::as_str)
        .ok_or_else(|| format!("--{name} is required").into())
}

fn num(args: &HashMap<String, String>, name: &str, default: usize) -> Res<usize> {
    match args.get(name) {
        Some(v) => v
            .parse()
            .map_err(|_| format!("--{name} {v:?} is not a number").into()),
        None => Ok(default),
    }
}

// ───────────────────────────── statistics ─────────────────────────────

/// Linear-interpolation percentile (numpy's default), p in [0, 100]; `sorted` ascending.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    match sorted.len() {
        0 => None,
        1 => Some(sorted[0]),
        n => {
            let k = (n - 1) as f64 * (p / 100.0);
            let (lo, hi) = (k.floor() as usize, k.ceil() as usize);
            if lo == hi {
                Some(sorted[lo])
            } else {
                Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo as f64))
            }
        }
    }
}

/// Python's statistics.median: the middle value, or the mean of the two middle values.
fn median(vals: &[f64]) -> f64 {
    let mut v = vals.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn round(x: f64, nd: i32) -> f64 {
    let m = 10f64.powi(nd);
    (x * m).round() / m
}

/// Summary of per-item latencies (ns) in microseconds, keys as icd_peers.py `dist_us`.
fn dist_us(samples_ns: &[f64], prefix: &str, pcts: &[u32]) -> serde_json::Map<String, Value> {
    let mut s = samples_ns.to_vec();
    s.sort_by(f64::total_cmp);
    let mut out = serde_json::Map::new();
    for &p in pcts {
        out.insert(
            format!("{prefix}_p{p}_us"),
            json!(percentile(&s, f64::from(p)).map(|v| round(v / 1000.0, 3))),
        );
    }
    out.insert(
        format!("{prefix}_max_us"),
        json!(s.last().map(|v| round(v / 1000.0, 3))),
    );
    let mean = (!s.is_empty()).then(|| s.iter().sum::<f64>() / s.len() as f64);
    out.insert(
        format!("{prefix}_mean_us"),
        json!(mean.map(|v| round(v / 1000.0, 3))),
    );
    out.insert(format!("{prefix}_n"), json!(s.len()));
    out
}

fn ms_summary(samples_ns: &[f64]) -> Value {
    let min = samples_ns.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples_ns.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    json!({
        "median_ms": round(median(samples_ns) / 1e6, 3),
        "min_ms": round(min / 1e6, 3),
        "max_ms": round(max / 1e6, 3),
        "runs": samples_ns.len(),
    })
}

fn timer_overhead_ns() -> f64 {
    let v: Vec<f64> = (0..20_001)
        .map(|_| {
            let a = Instant::now();
            let b = Instant::now();
            (b - a).as_nanos() as f64
        })
        .collect();
    median(&v)
}

/// How many calls of `f(item)` make one sample of at least MIN_SAMPLE_NS.
fn calibrate_inner<T: ?Sized>(item: &T, f: &impl Fn(&T)) -> usize {
    let probes: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            f(item);
            t.elapsed().as_nanos() as f64
        })
        .collect();
    let t = median(&probes).max(1.0);
    ((MIN_SAMPLE_NS / t).ceil() as usize).clamp(1, 1000)
}

/// Per-item latency (ns): the median over `rounds` of (time of `inner` calls / inner).
/// Rounds are interleaved (every item once per round) so no item keeps a private hot
/// cache: the method of icd_peers.py `time_per_item`.
fn time_per_item<T: ?Sized>(items: &[&T], rounds: usize, f: impl Fn(&T)) -> Vec<f64> {
    let inner: Vec<usize> = items.iter().map(|it| calibrate_inner(*it, &f)).collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); items.len()];
    for _ in 0..rounds {
        for (i, it) in items.iter().enumerate() {
            let k = inner[i];
            let t0 = Instant::now();
            for _ in 0..k {
                f(*it);
            }
            samples[i].push(t0.elapsed().as_nanos() as f64 / k as f64);
        }
    }
    samples.iter().map(|s| median(s)).collect()
}

/// Nanoseconds per call over a whole list: each round runs every item once; the
/// median over rounds of (round time / items).
fn ns_per_call_bulk<T: ?Sized>(
    items: &[&T],
    warmup: usize,
    rounds: usize,
    f: impl Fn(&T),
) -> Value {
    if items.is_empty() {
        return Value::Null;
    }
    for _ in 0..warmup {
        for it in items {
            f(*it);
        }
    }
    let per: Vec<f64> = (0..rounds)
        .map(|_| {
            let t0 = Instant::now();
            for it in items {
                f(*it);
            }
            t0.elapsed().as_nanos() as f64 / items.len() as f64
        })
        .collect();
    let mut s = per.clone();
    s.sort_by(f64::total_cmp);
    json!({
        "median_ns": round(median(&per), 1),
        "p10_ns": percentile(&s, 10.0).map(|v| round(v, 1)),
        "p90_ns": percentile(&s, 90.0).map(|v| round(v, 1)),
        "items": items.len(),
        "rounds": rounds,
    })
}

// ───────────────────────────── inputs ─────────────────────────────

struct Query {
    query: String,
    accepted: Vec<String>,
    kind: String,
}

/// The query set, read as icd_peers.py reads it (blank and `#` lines skipped, header
/// row naming `query` and `accepted`, accepted codes comma-separated).
fn read_queries(path: &Path) -> Res<Vec<Query>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut header: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(h) = &header else {
            let h: Vec<String> = cols.iter().map(|c| c.trim().to_lowercase()).collect();
            if !h.iter().any(|c| c == "query") || !h.iter().any(|c| c == "accepted") {
                return Err(
                    format!("{}: header must name query and accepted", path.display()).into(),
                );
            }
            header = Some(h);
            continue;
        };
        let col = |name: &str| {
            h.iter()
                .position(|c| c == name)
                .and_then(|i| cols.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let query = col("query").to_string();
        let accepted: Vec<String> = col("accepted")
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if query.is_empty() || accepted.is_empty() {
            continue;
        }
        out.push(Query {
            query,
            accepted,
            kind: col("kind").to_string(),
        });
    }
    Ok(out)
}

/// The imported version's prebuilt index file: `<data>/codes/<version id>-*.idx`.
fn find_index(data_dir: &Path) -> Res<(PathBuf, String)> {
    let catalog = Catalog::open(data_dir)?;
    let version = catalog
        .versions()
        .last()
        .map(|v| v.id.clone())
        .ok_or_else(|| {
            format!(
                "no code set is imported in {}: run `rcm codes import`",
                data_dir.display()
            )
        })?;
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(catalog.dir())? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&format!("{version}-")) && name.ends_with(".idx") {
            let modified = entry.metadata()?.modified()?;
            found.push((modified, entry.path()));
        }
    }
    found.sort();
    let idx = found
        .pop()
        .map(|(_, p)| p)
        .ok_or_else(|| format!("no index file for {version} in {}", catalog.dir().display()))?;
    Ok((idx, version))
}

/// A small deterministic generator (xorshift64*), so the code mix is the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Billable,
    Seventh,
    Header,
    Miss,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Billable => "billable",
            Class::Seventh => "seventh_character",
            Class::Header => "header",
            Class::Miss => "miss",
        }
    }
}

/// A realistic lookup mix, dotted upper case as typed on a claim: 40% billable codes
/// without a 7th character, 25% 7th-character codes, 20% headers (categories and
/// subcategories, stems that need a 7th character included), 15% misses (a real code
/// with one character changed, or a 7th-character code without its placeholder X).
fn code_mix(set: &CodeSet, n: usize) -> Vec<(String, Class)> {
    let (mut billable, mut seventh, mut header) = (Vec::new(), Vec::new(), Vec::new());
    for c in set.codes() {
        let dotted = c.dotted().as_str().to_string();
        if c.seventh().is_some() {
            seventh.push(dotted);
        } else if c.is_billable() {
            billable.push(dotted);
        } else {
            header.push(dotted);
        }
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let counts = [
        (Class::Billable, n * 40 / 100),
        (Class::Seventh, n * 25 / 100),
        (Class::Header, n * 20 / 100),
    ];
    let mut out: Vec<(String, Class)> = Vec::with_capacity(n);
    for (class, k) in counts {
        let pool = match class {
            Class::Billable => &billable,
            Class::Seventh => &seventh,
            _ => &header,
        };
        if pool.is_empty() {
            continue;
        }
        for _ in 0..k {
            out.push((pool[rng.below(pool.len())].clone(), class));
        }
    }
    const DIGITS: &[u8] = b"0123456789";
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut tries = 0;
    while out.len() < n && tries < n * 100 && !billable.is_empty() {
        tries += 1;
        let base = if rng.below(3) == 0 && !seventh.is_empty() {
            seventh[rng.below(seventh.len())].clone()
        } else {
            billable[rng.below(billable.len())].clone()
        };
        let mut b = base.into_bytes();
        let candidate = if rng.below(4) == 0 && b.len() == 8 && b.contains(&b'X') {
            // placeholder left out: S22.39XA typed as S22.39A
            let x = b.iter().rposition(|&c| c == b'X').unwrap_or(0);
            b.remove(x);
            b
        } else {
            // one character mistyped (never the dot; a digit for a digit, a letter for a letter)
            let positions: Vec<usize> = (1..b.len()).filter(|&i| b[i] != b'.').collect();
            let i = positions[rng.below(positions.len())];
            b[i] = if b[i].is_ascii_digit() {
                DIGITS[rng.below(DIGITS.len())]
            } else {
                LETTERS[rng.below(LETTERS.len())]
            };
            b
        };
        let Ok(s) = String::from_utf8(candidate) else {
            continue;
        };
        if CodeKey::parse(&s).is_some() && set.lookup(&s).is_none() {
            out.push((s, Class::Miss));
        }
    }
    // interleave the classes as real traffic would
    let mut mixed = Vec::with_capacity(out.len());
    while !out.is_empty() {
        let i = rng.below(out.len());
        mixed.push(out.swap_remove(i));
    }
    mixed
}

// ───────────────────────────── accuracy ─────────────────────────────

/// tests/search_relevance.rs: equal, or one is the other extended by a 7th character
/// (with its placeholder X padding).
fn agrees(result: &str, accepted: &str) -> bool {
    let (Some(r), Some(a)) = (CodeKey::parse(result), CodeKey::parse(accepted)) else {
        return false;
    };
    if r == a {
        return true;
    }
    let (short, long) = if r.len() < a.len() { (r, a) } else { (a, r) };
    long.len() == 7 && {
        let l = long.as_bytes();
        let s = short.as_bytes();
        l[..s.len()] == *s && l[s.len()..6].iter().all(|&b| b == b'X')
    }
}

/// icd_peers.py `code_matches` (the rule the peers are scored with): equal, or one is
/// the other plus one trailing 7th character (a 6-character code and its 7-character
/// extension; no X padding).
fn peer_rule(result: &str, accepted: &str) -> bool {
    let norm = |s: &str| s.replace('.', "").trim().to_uppercase();
    let (r, a) = (norm(result), norm(accepted));
    if r.is_empty() || a.is_empty() {
        return false;
    }
    if r == a {
        return true;
    }
    let (longer, shorter) = if r.len() > a.len() {
        (&r, &a)
    } else {
        (&a, &r)
    };
    longer.len() == 7 && shorter.len() == 6 && longer[..6] == shorter[..]
}

fn accuracy(set: &CodeSet, queries: &[Query]) -> Value {
    let opts = SearchOptions {
        limit: ACCURACY_LIMIT,
        ..Default::default()
    };
    let n = queries.len();
    let (mut top1, mut top5, mut p_top1, mut p_top5, mut zero) = (0, 0, 0, 0, 0);
    let mut by_kind: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in queries {
        let hits = set.search(&q.query, &opts);
        let codes: Vec<&str> = hits.iter().map(|h| h.code.as_str()).collect();
        if codes.is_empty() {
            zero += 1;
        }
        let rank = codes
            .iter()
            .position(|c| q.accepted.iter().any(|a| agrees(c, a)));
        let p_rank = codes
            .iter()
            .position(|c| q.accepted.iter().any(|a| peer_rule(c, a)));
        let k = by_kind.entry(q.kind.clone()).or_default();
        k.0 += 1;
        if rank == Some(0) {
            top1 += 1;
            k.1 += 1;
        }
        if rank.is_some_and(|r| r < 5) {
            top5 += 1;
            k.2 += 1;
        }
        p_top1 += usize::from(p_rank == Some(0));
        p_top5 += usize::from(p_rank.is_some_and(|r| r < 5));
        if rank != Some(0) {
            misses.push(json!({
                "query": q.query,
                "kind": q.kind,
                "accepted": q.accepted,
                "rank": rank.map(|r| r + 1),
                "top5": codes,
            }));
        }
    }
    let frac = |x: usize| {
        if n == 0 {
            Value::Null
        } else {
            json!(round(x as f64 / n as f64, 4))
        }
    };
    let by_kind: serde_json::Map<String, Value> = by_kind
        .into_iter()
        .map(|(k, (c, t1, t5))| {
            (
                k,
                json!({"n": c, "top1": t1, "top5": t5,
                       "top1_acc": round(t1 as f64 / c as f64, 4),
                       "top5_acc": round(t5 as f64 / c as f64, 4)}),
            )
        })
        .collect();
    json!({
        "queries": n,
        "limit": ACCURACY_LIMIT,
        "rule": "tests/search_relevance.rs agrees(): equal, or one is the other extended by a 7th character with X padding",
        "top1_correct": top1,
        "top5_correct": top5,
        "top1_accuracy": frac(top1),
        "top5_accuracy": frac(top5),
        "zero_result_queries": zero,
        "peer_rule": {
            "rule": "icd_peers.py code_matches(): equal, or 6-character code and its 7-character extension",
            "top1_correct": p_top1,
            "top5_correct": p_top5,
            "top1_accuracy": frac(p_top1),
            "top5_accuracy": frac(p_top5),
        },
        "by_kind": by_kind,
        "misses": misses,
    })
}

// ───────────────────────────── peak RSS ─────────────────────────────

fn proc_status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| {
            rest.trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
}

/// `codes_bench rss --idx FILE`: a fresh process that only loads the index, then
/// answers one lookup and one search, reporting VmHWM (peak RSS) at each step.
fn rss_child(args: &HashMap<String, String>) -> Res<()> {
    let idx = PathBuf::from(need(args, "idx")?);
    let start = proc_status_kib("VmHWM");
    let set = CodeSet::open(&idx)?;
    let after_open = proc_status_kib("VmHWM");
    let rss_open = proc_status_kib("VmRSS");
    black_box(set.lookup("I10").map(|c| c.title()));
    black_box(set.search("hypertension", &SearchOptions::default()));
    let after_queries = proc_status_kib("VmHWM");
    println!(
        "{}",
        json!({"vmhwm_start_kib": start, "vmhwm_after_open_kib": after_open,
               "vmrss_after_open_kib": rss_open, "vmhwm_after_lookup_search_kib": after_queries})
    );
    drop(set);
    Ok(())
}

fn peak_rss(idx: &Path, runs: usize) -> Res<Value> {
    let exe = std::env::current_exe()?;
    let mut rows: Vec<Value> = Vec::new();
    for _ in 0..runs {
        let out = std::process::Command::new(&exe)
            .arg("rss")
            .arg("--idx")
            .arg(idx)
            .output()?;
        if !out.status.success() {
            return Err(
                format!("rss child failed: {}", String::from_utf8_lossy(&out.stderr)).into(),
            );
        }
        rows.push(serde_json::from_slice(&out.stdout)?);
    }
    let med = |key: &str| -> Value {
        let v: Vec<f64> = rows.iter().filter_map(|r| r[key].as_f64()).collect();
        if v.is_empty() {
            Value::Null
        } else {
            json!(round(median(&v) / 1024.0, 1))
        }
    };
    Ok(json!({
        "method": "separate process: CodeSet::open(idx), then lookup I10 and search \"hypertension\"; VmHWM from /proc/self/status; median of runs",
        "runs": runs,
        "process_start_mib": med("vmhwm_start_kib"),
        "after_open_mib": med("vmhwm_after_open_kib"),
        "rss_after_open_mib": med("vmrss_after_open_kib"),
        "after_lookup_search_mib": med("vmhwm_after_lookup_search_kib"),
    }))
}

// ───────────────────────────── the run ─────────────────────────────

fn run(args: &HashMap<String, String>) -> Res<()> {
    let data_dir = PathBuf::from(need(args, "data-dir")?);
    let queries_path = PathBuf::from(need(args, "queries")?);
    let out_path = PathBuf::from(need(args, "out")?);
    let rounds = num(args, "rounds", 11)?.max(1);
    let load_runs = num(args, "load-runs", 50)?.max(1);
    let import_runs = num(args, "import-runs", 5)?.max(1);
    let search_limit = num(args, "search-limit", 20)?;
    let n_codes = num(args, "lookup-codes", 1000)?.max(1);
    let started = Instant::now();

    let (idx, version) = find_index(&data_dir)?;
    let idx_bytes = std::fs::metadata(&idx)?.len();
    eprintln!("index {} ({} bytes)", idx.display(), idx_bytes);

    // (1) prebuilt index load
    for _ in 0..3 {
        drop(black_box(CodeSet::open(&idx)?));
    }
    let mut open_ns = Vec::with_capacity(load_runs);
    for _ in 0..load_runs {
        let t = Instant::now();
        let set = black_box(CodeSet::open(&idx)?);
        open_ns.push(t.elapsed().as_nanos() as f64);
        drop(set);
    }
    let mut catalog_ns = Vec::with_capacity(load_runs);
    for _ in 0..load_runs {
        let t = Instant::now();
        let set = black_box(Catalog::open(&data_dir)?.load(&version)?);
        catalog_ns.push(t.elapsed().as_nanos() as f64);
        drop(set);
    }
    eprintln!(
        "load: CodeSet::open median {:.2} ms",
        median(&open_ns) / 1e6
    );

    let set = CodeSet::open(&idx)?;
    let info = serde_json::to_value(set.info())?;

    // (2) exact lookup
    let mix = code_mix(&set, n_codes);
    if let Some(p) = args.get("codes-out") {
        let mut text = String::from(
            "# ICD-10-CM lookup mix written by codes_bench (billable, 7th-character, header, miss)\n",
        );
        for (c, class) in &mix {
            text.push_str(&format!("{c}\t{}\n", class.name()));
        }
        std::fs::write(p, text)?;
    }
    let all: Vec<&str> = mix.iter().map(|(c, _)| c.as_str()).collect();
    let bare = |s: &str| {
        black_box(set.lookup(black_box(s)).map(|c| c.key()));
    };
    let titled = |s: &str| {
        black_box(
            set.lookup(black_box(s))
                .map(|c| (c.title_parts(), c.is_billable())),
        );
    };
    let found = all.iter().filter(|s| set.lookup(s).is_some()).count();
    let bulk_rounds = 400;
    let mut by_class = serde_json::Map::new();
    for class in [Class::Billable, Class::Seventh, Class::Header, Class::Miss] {
        let items: Vec<&str> = mix
            .iter()
            .filter(|(_, c)| *c == class)
            .map(|(s, _)| s.as_str())
            .collect();
        by_class.insert(
            class.name().into(),
            ns_per_call_bulk(&items, 20, bulk_rounds, bare),
        );
    }
    let lookup_bulk = ns_per_call_bulk(&all, 20, bulk_rounds, bare);
    let lookup_titled_bulk = ns_per_call_bulk(&all, 20, bulk_rounds, titled);
    let per_code_bare = time_per_item(&all, rounds, bare);
    let per_code_titled = time_per_item(&all, rounds, titled);
    let mut lookup = serde_json::Map::new();
    lookup.insert("codes".into(), json!(all.len()));
    lookup.insert("found".into(), json!(found));
    lookup.insert(
        "mix".into(),
        json!(
            mix.iter()
                .fold(BTreeMap::<&str, usize>::new(), |mut m, (_, c)| {
                    *m.entry(c.name()).or_default() += 1;
                    m
                })
        ),
    );
    lookup.insert("ns_per_lookup".into(), lookup_bulk.clone());
    lookup.insert(
        "ns_per_lookup_with_title".into(),
        lookup_titled_bulk.clone(),
    );
    lookup.insert("ns_per_lookup_by_class".into(), Value::Object(by_class));
    lookup.extend(dist_us(&per_code_bare, "lookup", &[50, 99]));
    lookup.extend(dist_us(&per_code_titled, "lookup_with_title", &[50, 99]));
    eprintln!(
        "lookup: {} ns per lookup ({} ns with title), median of {bulk_rounds} rounds over {} codes",
        lookup_bulk["median_ns"],
        lookup_titled_bulk["median_ns"],
        all.len()
    );

    // (3) search: accuracy pass (also the warm-up), then interleaved timed rounds
    let queries = read_queries(&queries_path)?;
    let acc = accuracy(&set, &queries);
    let opts = SearchOptions {
        limit: search_limit,
        ..Default::default()
    };
    let qs: Vec<&str> = queries.iter().map(|q| q.query.as_str()).collect();
    let per_query = time_per_item(&qs, rounds, |q: &str| {
        black_box(set.search(black_box(q), &opts));
    });
    let mut search = serde_json::Map::new();
    search.insert("queries".into(), json!(qs.len()));
    search.insert("limit".into(), json!(search_limit));
    search.extend(dist_us(&per_query, "search", &[50, 90, 99]));
    let mut slowest: Vec<(f64, &str)> = per_query.iter().copied().zip(qs.iter().copied()).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    search.insert(
        "slowest".into(),
        json!(
            slowest
                .iter()
                .take(10)
                .map(|(t, q)| json!({"query": q, "us": round(t / 1000.0, 1)}))
                .collect::<Vec<_>>()
        ),
    );
    eprintln!(
        "search: p50 {} us, p99 {} us over {} queries; top-1 {} top-5 {}",
        search["search_p50_us"],
        search["search_p99_us"],
        qs.len(),
        acc["top1_accuracy"],
        acc["top5_accuracy"]
    );

    // (4) import: parse + build from the tabular XML, and the whole import of the wheel
    let mut import = serde_json::Map::new();
    if let Some(xml) = args.get("tabular") {
        let xml = PathBuf::from(xml);
        let bytes = std::fs::read(&xml).map_err(|e| format!("{}: {e}", xml.display()))?;
        let (fy, release) = (set.info().year, set.info().release);
        drop(black_box(rcm_codes::build_in_memory(
            &xml, &bytes, fy, release,
        )?));
        let mut t_ns = Vec::new();
        for _ in 0..import_runs {
            let t = Instant::now();
            let built = black_box(rcm_codes::build_in_memory(&xml, &bytes, fy, release)?);
            t_ns.push(t.elapsed().as_nanos() as f64);
            drop(built);
        }
        import.insert("tabular_bytes".into(), json!(bytes.len()));
        import.insert("build_in_memory".into(), ms_summary(&t_ns));
        eprintln!(
            "import: build_in_memory median {:.1} ms",
            median(&t_ns) / 1e6
        );
    }
    if let Some(wheel) = args.get("wheel") {
        let wheel = PathBuf::from(wheel);
        let mut t_ns = Vec::new();
        for i in 0..=import_runs {
            let dir = std::env::temp_dir().join(format!("codes-bench-{}-{i}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let t = Instant::now();
            let reports = Catalog::open(&dir)?.import(&wheel, &Default::default(), &NoProgress)?;
            let dt = t.elapsed().as_nanos() as f64;
            black_box(reports);
            let _ = std::fs::remove_dir_all(&dir);
            if i > 0 {
                t_ns.push(dt);
            }
        }
        import.insert("catalog_import_wheel".into(), ms_summary(&t_ns));
        eprintln!(
            "import: Catalog::import(wheel) median {:.1} ms",
            median(&t_ns) / 1e6
        );
    }

    let rss = peak_rss(&idx, 3)?;
    eprintln!(
        "peak RSS after loading the index: {} MiB",
        rss["after_open_mib"]
    );

    let out = json!({
        "engine": "rcm-codes",
        "engine_version": env!("CARGO_PKG_VERSION"),
        "version": info,
        "index_path": idx.display().to_string(),
        "index_bytes": idx_bytes,
        "timer_overhead_ns": timer_overhead_ns(),
        "method": {
            "clock": "std::time::Instant",
            "in_process": format!(
                "warm-up: the accuracy pass plus 3 calibration calls per item; then {rounds} interleaved rounds \
                 (every item once per round); per item the median over rounds; calls faster than 20 us are \
                 repeated inside one sample and divided; percentiles across items, linear interpolation \
                 (as icd_peers.py)"),
            "lookup_bulk": format!("every code of the mix once per round, 20 warm-up rounds, {bulk_rounds} rounds, median of (round time / codes)"),
            "load": format!("CodeSet::open(index file), 3 warm-up runs, median of {load_runs}; catalog_load is Catalog::open + load (what the CLI does)"),
            "import": format!("1 warm-up run, median of {import_runs}"),
        },
        "load": {
            "codeset_open": ms_summary(&open_ns),
            "catalog_load": ms_summary(&catalog_ns),
        },
        "lookup": lookup,
        "search": search,
        "accuracy": acc,
        "import": import,
        "peak_rss": rss,
        "elapsed_s": round(started.elapsed().as_secs_f64(), 1),
    });
    if let Some(dir) = out_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out_path, serde_json::to_string_pretty(&out)? + "\n")?;
    eprintln!("wrote {}", out_path.display());
    Ok(())
}
