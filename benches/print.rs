//! Benchmark for printing (issue: print).
//!
//! 1. The demo plan: `shenbao build` (check + typst compile + PDF export,
//!    one process) against `typst compile` of the source `--emit-typst`
//!    wrote for the same plan, with the same fonts (bundled only). Target:
//!    shenbao within 1.15x of typst.
//! 2. N generated plans: `shenbao build --no-site --jobs 2` against
//!    `--jobs 1` (printing only: the site is built once, serially).
//!    Target: at least 1.7x on 2 cores.
//!
//! Every figure is the best wall time of several runs of a fresh process;
//! peak memory is the child's maximum RSS from GNU time. The typst CLI is
//! looked up as $TYPST_BIN or `typst` on PATH (`cargo install typst-cli
//! --version 0.15.1`); without it part 1 only reports shenbao.
//!
//! Run: `cargo bench --bench print` (SHENBAO_BENCH_PLANS=N, default 8).

use std::path::{Path, PathBuf};
use std::process::Command;

use shenbao::call::{Call, DEFAULT_PRESET};

mod common;
use common::measure;

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
    measure(
        shenbao,
        &build(&["--emit-typst", "--jobs", "1"]),
        Path::new("."),
        1,
        0,
    );
    let typ = dir.join(format!("public/pdf/{name}.typ"));
    let pdf = dir.join(format!("public/pdf/{name}.pdf"));
    let bytes = std::fs::read(&pdf).map_or(0, |b| b.len());
    let (sb, sb_mem) = measure(shenbao, &build(&["--jobs", "1"]), Path::new("."), RUNS, 0);
    println!(
        "{label}, shenbao build:   {:7.1} ms  peak {sb_mem:6.1} MB  ({bytes} bytes of PDF)",
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
            println!("{label}: shenbao / typst: {:.2} (target <= 1.15)", sb / tc);
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
    for (label, dir, name) in [
        ("demo plan", demo.path(), "伏牛经开区试点实施方案"),
        ("real plan", real.path(), "鹤阳市试点实施方案"),
    ] {
        versus_typst(&shenbao, &fonts, label, dir, name);
    }

    // 2. Several plans, one job against two.
    let n: usize = std::env::var("SHENBAO_BENCH_PLANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let many = tempfile::tempdir().expect("tempdir");
    let call = Call::preset(DEFAULT_PRESET)
        .expect("preset")
        .expect("parses");
    shenbao::corpus::write_project(many.path(), &call, n, 20_000).expect("corpus");
    let root = many.path().to_string_lossy().into_owned();
    let jobs = |j: &str| {
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
    measure(&shenbao, &jobs("1"), Path::new("."), 1, 0);
    let (j1, j1_mem) = measure(&shenbao, &jobs("1"), Path::new("."), 3, 0);
    let (j2, j2_mem) = measure(&shenbao, &jobs("2"), Path::new("."), 3, 0);
    println!(
        "{n} plans (~20,000 characters each), --jobs 1: {:7.1} ms  peak {j1_mem:6.1} MB",
        j1 * 1e3
    );
    println!(
        "{n} plans (~20,000 characters each), --jobs 2: {:7.1} ms  peak {j2_mem:6.1} MB",
        j2 * 1e3
    );
    println!("speed-up with 2 jobs: {:.2}x (target >= 1.7x)", j1 / j2);
}
