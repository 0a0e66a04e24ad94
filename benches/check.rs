//! Benchmark for `shenbao check` (issue: foundation).
//!
//! Generates N outline-complete plans of ~40,000 Chinese characters with
//! tables (default N = 1,000) into a temporary project, then measures, each
//! in a fresh child process so that no run inherits another's memory, best
//! time of 5 runs and the highest peak RSS (VmHWM):
//! - raw: read each file and run pulldown-cmark over it, one thread (the
//!   floor any Markdown tool pays);
//! - markdown pass: shenbao's one pass over each body, one thread;
//! - load: the project loaded on one thread, every document kept (check/1
//!   minus load is what the rules cost);
//! - check/1: `shenbao check` on one thread: load (read, decode, front
//!   matter, Markdown) and every rule;
//! - check/N: the same on every core, as `shenbao check` runs.
//!
//! Run: `cargo bench --bench check` (SHENBAO_BENCH_DOCS=N to change N,
//! SHENBAO_BENCH_CORPUS=DIR to keep the corpus in DIR).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use shenbao::call::{Call, DEFAULT_PRESET, parse_datetime};
use shenbao::check::{Options, check_project};
use shenbao::project::Project;

/// The allocator `shenbao` itself runs with (src/main.rs): measure the product.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn content_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("content"))
        .expect("content")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// Child mode: run one measurement and print `millis peak_kib count`.
fn child(mode: &str, dir: &Path) {
    let t = Instant::now();
    let count = match mode {
        "raw" => {
            let mut events = 0usize;
            for f in content_files(dir) {
                let text = std::fs::read_to_string(f).expect("read");
                events +=
                    pulldown_cmark::Parser::new_ext(&text, shenbao::markdown::options()).count();
            }
            events
        }
        // shenbao's one Markdown pass over each body (headings, tables,
        // dates, counts), each document dropped after: what the pass costs
        // over pulldown-cmark alone.
        "pass" => {
            let mut headings = 0usize;
            for f in content_files(dir) {
                let whole = std::fs::read_to_string(f).expect("read");
                let body = whole
                    .find("\n---\n")
                    .map_or(&whole[..], |i| &whole[i + 5..]);
                headings += shenbao::markdown::parse_body(body, 0, None).headings.len();
            }
            headings
        }
        // Loading a project on one thread (read, decode, front matter,
        // Markdown pass; every document kept for the rules): check/1 minus
        // this is what the rules cost.
        "load" => Project::load_with_jobs(dir, 1)
            .expect("load")
            .documents
            .len(),
        jobs => {
            let jobs: usize = jobs.trim_start_matches("check").parse().expect("jobs");
            let opts = Options::at(parse_datetime("2022-06-01", false).expect("date"));
            let project = Project::load_with_jobs(dir, jobs).expect("load");
            check_project(&project, &opts).len()
        }
    };
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!("{ms} {} {count}", peak_rss_kib());
}

fn measure(mode: &str, dir: &Path) -> (f64, f64, usize) {
    let exe = std::env::current_exe().expect("current exe");
    let mut best = f64::MAX;
    let mut peak = 0f64;
    let mut count = 0;
    for _ in 0..5 {
        let out = Command::new(&exe)
            .env("SHENBAO_BENCH_CHILD", mode)
            .env("SHENBAO_BENCH_DIR", dir)
            .output()
            .expect("run child");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        assert!(
            out.status.success() && f.len() == 3,
            "child {mode} failed: {line} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        best = best.min(f[0].parse().expect("ms"));
        peak = peak.max(f[1].parse::<f64>().expect("kib") / 1024.0);
        count = f[2].parse().expect("count");
    }
    (best, peak, count)
}

fn main() {
    if let (Ok(mode), Ok(dir)) = (
        std::env::var("SHENBAO_BENCH_CHILD"),
        std::env::var("SHENBAO_BENCH_DIR"),
    ) {
        return child(&mode, Path::new(&dir));
    }
    if std::env::args().any(|a| a == "--list") {
        return; // cargo bench probing for tests
    }
    let n: usize = std::env::var("SHENBAO_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let call = Call::preset(DEFAULT_PRESET)
        .expect("preset")
        .expect("preset parses");
    // SHENBAO_BENCH_CORPUS=DIR keeps the corpus there (for profiling).
    let tmp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("SHENBAO_BENCH_CORPUS").map(std::path::PathBuf::from);
    let dir_path = kept.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir_path).expect("corpus dir");
    let t = Instant::now();
    let bytes = shenbao::corpus::write_project(&dir_path, &call, n, 40_000).expect("write corpus");
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {n} plans of ~40,000 characters, {mb:.1} MB, generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (raw_ms, raw_peak, events) = measure("raw", &dir_path);
    let (pass_ms, pass_peak, _) = measure("pass", &dir_path);
    let (load_ms, load_peak, _) = measure("load", &dir_path);
    let (c1_ms, c1_peak, diags) = measure("check1", &dir_path);
    let (cn_ms, cn_peak, _) = measure(&format!("check{cores}"), &dir_path);

    let line = |name: &str, ms: f64, peak: f64, extra: String| {
        println!(
            "{name:<26} {ms:8.1} ms {:8.1} docs/s {:7.1} MB/s  peak RSS {peak:6.1} MB  {extra}",
            n as f64 / (ms / 1e3),
            mb / (ms / 1e3)
        );
    };
    line(
        "raw pulldown-cmark, 1 thr",
        raw_ms,
        raw_peak,
        format!("({events} events)"),
    );
    line("markdown pass, 1 thread", pass_ms, pass_peak, String::new());
    line(
        "load project, 1 thread",
        load_ms,
        load_peak,
        format!("(rules: {:.0} ms)", c1_ms - load_ms),
    );
    line(
        "shenbao check, 1 thread",
        c1_ms,
        c1_peak,
        format!("({diags} diagnostics)"),
    );
    line(
        &format!("shenbao check, {cores} threads"),
        cn_ms,
        cn_peak,
        String::new(),
    );
    println!(
        "check / raw throughput: {:.2} on 1 thread, {:.2} on {cores} threads (target >= 0.50); peak memory target < 300 MB",
        raw_ms / c1_ms,
        raw_ms / cn_ms
    );
}
