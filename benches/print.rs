//! Benchmark for printing (issue: print).
//!
//! 1. The demo plan and the 61-page real plan: `shenbao build --no-site
//!    --no-docx` (check + typst compile + layout check + PDF export, one
//!    process) against `typst compile` of the source `--emit-typst` wrote
//!    for the same plan, with the same fonts (bundled only). Target:
//!    shenbao under 1.0x of typst (issue 23). The whole build (PDF, Word
//!    file and site) is printed beside it.
//! 2. N = 1, 10, 155 generated plans (about 30 pages each), a cold
//!    `shenbao build --no-site` (PDF and Word) with `--jobs 1` and
//!    `--jobs 2`: time and peak RSS. Targets: peak RSS at 155 no more
//!    than 1.5x the peak at 10; `--jobs 2` at least 1.7x over `--jobs 1`;
//!    155 plans under 30 s on 2 cores.
//! 3. No work twice, on the largest project: a second build with nothing
//!    changed (target: under 1 s for 155 plans), then a build after one
//!    plan is edited (one plan rebuilt), without and with the site.
//!
//! Every figure is the best wall time of fresh processes; peak memory is
//! the child's own maximum RSS from GNU time (wait4), not this process's.
//! The typst CLI is looked up as $TYPST_BIN or `typst` on PATH (`cargo
//! install typst-cli --version 0.15.1`); without it part 1 only reports
//! shenbao.
//!
//! Run: `cargo bench --bench print`. SHENBAO_BENCH_SIZES=1,10,155 picks
//! the sizes; SHENBAO_BENCH_SKIP_TYPST=1 skips part 1.

use std::path::{Path, PathBuf};
use std::process::Command;

use shenbao::call::{Call, DEFAULT_PRESET};

mod common;
use common::{measure, run_once};

const RUNS: usize = 5;

fn copy_demo(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("shenbao.yaml"), to.join("shenbao.yaml")).expect("copy config");
    copy_dir(&repo.join("content"), &to.join("content"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

fn typst_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TYPST_BIN") {
        return Some(PathBuf::from(p));
    }
    let ok = Command::new("typst")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from("typst"))
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// `shenbao build` of one plan (check, print, site) against `typst compile`
/// of the source it emits, same fonts (bundled only).
fn versus_typst(shenbao: &Path, fonts: &Path, label: &str, dir: &Path, name: &str) {
    let root = dir.to_string_lossy().into_owned();
    let build = |extra: &[&str]| {
        let mut a = s(&[
            "--root",
            &root,
            "build",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
        ]);
        a.extend(s(extra));
        a
    };
    let typ = dir.join(format!("public/pdf/{name}.typ"));
    let pdf = dir.join(format!("public/pdf/{name}.pdf"));
    // --force: every run prints again (a kept PDF would measure nothing).
    // What typst compile does is the print: check and PDF, without the
    // Word file and the site (measured too, and by the site bench).
    let (sb, sb_mem) = measure(
        shenbao,
        &build(&["--jobs", "1", "--force", "--no-site", "--no-docx"]),
        Path::new("."),
        RUNS,
        0,
    );
    let (all, all_mem) = measure(
        shenbao,
        &build(&["--jobs", "1", "--force"]),
        Path::new("."),
        RUNS,
        0,
    );
    println!(
        "{label}, shenbao build with Word and site: {:7.1} ms  peak {all_mem:6.1} MB",
        all * 1e3
    );
    let bytes = std::fs::read(&pdf).map_or(0, |b| b.len());
    // The source for typst, written last: a build without --emit-typst
    // removes an earlier one as an output it no longer makes.
    measure(
        shenbao,
        &build(&["--emit-typst", "--jobs", "1"]),
        Path::new("."),
        1,
        0,
    );
    println!(
        "{label}, shenbao build (check and PDF):   {:7.1} ms  peak {sb_mem:6.1} MB  ({bytes} bytes of PDF)",
        sb * 1e3
    );
    match typst_bin() {
        Some(typst) => {
            let out = dir.join("typst-out.pdf");
            let args = vec![
                "compile".to_string(),
                "--root".into(),
                root.clone(),
                "--font-path".into(),
                fonts.to_string_lossy().into_owned(),
                "--ignore-system-fonts".into(),
                typ.to_string_lossy().into_owned(),
                out.to_string_lossy().into_owned(),
            ];
            let (tc, tc_mem) = measure(&typst, &args, Path::new("."), RUNS, 0);
            println!(
                "{label}, typst compile:   {:7.1} ms  peak {tc_mem:6.1} MB",
                tc * 1e3
            );
            println!("{label}: shenbao / typst: {:.2} (target < 1.0)", sb / tc);
        }
        None => println!(
            "typst CLI not found (set TYPST_BIN or cargo install typst-cli --version 0.15.1): comparison skipped"
        ),
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let shenbao = PathBuf::from(env!("CARGO_BIN_EXE_shenbao"));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fonts = repo.join("themes/default/fonts");

    // 1. The demo plan and the real-shaped plan (tests/fixtures/real-plan:
    //    60 pages, 12 tables) against the typst CLI on the emitted source.
    let demo = tempfile::tempdir().expect("tempdir");
    copy_demo(demo.path());
    let real = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo.join("tests/fixtures/real-plan"), real.path());
    if std::env::var_os("SHENBAO_BENCH_SKIP_TYPST").is_none() {
        for (label, dir, name) in [
            ("demo plan", demo.path(), "伏牛经开区试点实施方案"),
            ("real plan", real.path(), "鹤阳市试点实施方案"),
        ] {
            versus_typst(&shenbao, &fonts, label, dir, name);
        }
    }

    // 2. N generated plans (~20,000 characters, about 30 pages each),
    //    printing only, from an empty output folder each time: time and
    //    the child's peak RSS, one job against two.
    let sizes: Vec<usize> = std::env::var("SHENBAO_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 155]);
    let call = Call::preset(DEFAULT_PRESET)
        .expect("preset")
        .expect("parses");
    let mut peaks: Vec<(usize, f64)> = Vec::new();
    let mut largest = None;
    for &n in &sizes {
        let many = tempfile::tempdir().expect("tempdir");
        shenbao::corpus::write_project(many.path(), &call, n, 20_000).expect("corpus");
        let root = many.path().to_string_lossy().into_owned();
        let args = |j: &str| {
            s(&[
                "--root",
                &root,
                "build",
                "--no-system-fonts",
                "--today",
                "2022-06-20",
                "--no-site",
                "--jobs",
                j,
            ])
        };
        let runs = if n >= 100 {
            1
        } else if n >= 10 {
            2
        } else {
            3
        };
        let cold = |j: &str| {
            let mut best = (f64::MAX, f64::MAX);
            let mut peak = 0f64;
            for _ in 0..runs {
                // A cold build: nothing kept from an earlier run.
                let _ = std::fs::remove_dir_all(many.path().join("public"));
                let r = run_once(&shenbao, &args(j), Path::new("."), 0);
                if r.secs < best.0 {
                    best = (r.secs, r.cpu);
                }
                peak = peak.max(r.peak_mb);
            }
            (best.0, best.1, peak)
        };
        let (j1, j1_cpu, j1_mem) = cold("1");
        let (j2, j2_cpu, j2_mem) = cold("2");
        println!(
            "N = {n:3} plans, --jobs 1: {j1:8.2} s  peak {j1_mem:7.1} MB  (CPU {j1_cpu:.2} s)"
        );
        println!(
            "N = {n:3} plans, --jobs 2: {j2:8.2} s  peak {j2_mem:7.1} MB  (CPU {j2_cpu:.2} s)  speed-up {:.2}x (target >= 1.7x)",
            j1 / j2
        );
        peaks.push((n, j1_mem.max(j2_mem)));
        largest = Some((n, many));
    }
    let peak_of = |n: usize| peaks.iter().find(|(m, _)| *m == n).map(|(_, p)| *p);
    if let (Some(p10), Some(p155)) = (peak_of(10), peak_of(155)) {
        println!(
            "peak RSS at N = 155 / at N = 10: {:.2} (target <= 1.5)",
            p155 / p10
        );
    }

    // 3. No work twice: on the largest project, a second build with
    //    nothing changed, then after one plan is edited (PDF and Word,
    //    without and with the site).
    let Some((n, many)) = largest else {
        return;
    };
    let root = many.path().to_string_lossy().into_owned();
    for (label, extra) in [("--no-site", &["--no-site"][..]), ("with site", &[][..])] {
        let mut args = s(&[
            "--root",
            &root,
            "build",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
            "--jobs",
            "2",
        ]);
        args.extend(s(extra));
        // Brings the folder up to date (the site, with these options).
        run_once(&shenbao, &args, Path::new("."), 0);
        let noop = run_once(&shenbao, &args, Path::new("."), 0);
        // Its fourth plan, or its last when it holds fewer.
        let plan = many
            .path()
            .join(format!("content/plan-{:04}.md", n.min(4) - 1));
        let mut text = std::fs::read_to_string(&plan).expect("read plan");
        text.push_str("\n补充说明：本方案由基准测试修改一段。\n");
        std::fs::write(&plan, text).expect("edit plan");
        let edit = run_once(&shenbao, &args, Path::new("."), 0);
        let kept = |r: &common::Run| {
            r.stdout
                .lines()
                .filter(|l| l.contains("沿用") || l.starts_with("完成"))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        println!(
            "{n} plans ({label}): no-op build {:.2} s  peak {:.1} MB (target < 1 s)  [{}]",
            noop.secs,
            noop.peak_mb,
            kept(&noop)
        );
        println!(
            "{n} plans ({label}): one plan edited {:.2} s  peak {:.1} MB  [{}]",
            edit.secs,
            edit.peak_mb,
            kept(&edit)
        );
    }
}
