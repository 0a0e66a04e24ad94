//! Benchmark for the site (issue: site).
//!
//! `shenbao build --no-pdf` over N generated plans (default 1,000, ~40,000
//! characters each, the corpus of the check benchmark), in a fresh
//! process, best of 3, with peak RSS; side by side with `mdbook build` on
//! the same Markdown files when mdBook is installed (`cargo install
//! mdbook`; $MDBOOK_BIN or `mdbook` on PATH).
//!
//! Then, in this process, the time to rebuild after a one-paragraph edit
//! of one document (reload, re-check, its page and search shard, the
//! shared pages): median of 20 edits. Target: under 50 ms.
//!
//! Run: `cargo bench --bench site` (SHENBAO_BENCH_DOCS=N).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use shenbao::call::{Call, DEFAULT_PRESET};

mod common;
use common::measure;

fn mdbook() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MDBOOK_BIN") {
        return Some(PathBuf::from(p));
    }
    Command::new("mdbook")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("mdbook"))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("SHENBAO_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let shenbao = PathBuf::from(env!("CARGO_BIN_EXE_shenbao"));
    let dir = tempfile::tempdir().expect("tempdir");
    let call = Call::preset(DEFAULT_PRESET)
        .expect("preset")
        .expect("parses");
    let bytes = shenbao::corpus::write_project(dir.path(), &call, n, 40_000).expect("corpus");
    let mb = bytes as f64 / 1e6;
    println!("corpus: {n} plans, {mb:.1} MB of Markdown");
    let root = dir.path().to_string_lossy().into_owned();
    let args: Vec<String> = [
        "--root",
        &root,
        "build",
        "--no-pdf",
        "--today",
        "2022-06-20",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (t, mem) = measure(&shenbao, &args, dir.path(), 3, 1);
    println!(
        "shenbao build --no-pdf: {:8.1} ms  {:7.1} docs/s  {:6.1} MB/s  peak {mem:6.1} MB",
        t * 1e3,
        n as f64 / t,
        mb / t
    );

    // One document changed, in a long-lived process (as `serve` will be).
    let mut project = shenbao::project::Project::load(dir.path()).expect("load");
    let opts = shenbao::build::BuildOptions {
        pdf: false,
        ..shenbao::build::BuildOptions::new(
            shenbao::call::parse_datetime("2022-06-20", false).expect("date"),
        )
    };
    let (mut live, _) = shenbao::build::live_site(&project, &opts).expect("site");
    let rel = &format!("content/plan-{:04}.md", n / 2);
    let path = dir.path().join(rel);
    let original = std::fs::read_to_string(&path).expect("read");
    // Two kinds of edit: a paragraph (no finding changes: the document's
    // page and search shard are rebuilt), and one that leaves a placeholder
    // (a new finding: the dashboard and findings page are rebuilt too).
    for (kind, extra) in [
        ("paragraph edit", ""),
        ("edit adding a finding", "（数据待补充）"),
    ] {
        let mut times = Vec::new();
        for i in 0..20 {
            std::fs::write(
                &path,
                format!("{original}\n第{i}次修改：补充一段关于园区余热利用的说明{extra}。\n"),
            )
            .expect("edit");
            let t = Instant::now();
            let report = live.document_changed(&mut project, rel);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
            // Back to the original, so each edit of this kind is alike.
            std::fs::write(&path, &original).expect("restore");
            live.document_changed(&mut project, rel);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "one-document change ({kind}) in a {n}-document project: median {:.1} ms, max {:.1} ms (target < 50 ms)",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }

    match mdbook() {
        Some(bin) => {
            let book = tempfile::tempdir().expect("tempdir");
            let src = book.path().join("src");
            std::fs::create_dir_all(&src).expect("src");
            let mut summary = String::from("# Summary\n\n");
            for e in std::fs::read_dir(dir.path().join("content")).expect("content") {
                let p = e.expect("entry").path();
                let name = p.file_name().expect("name").to_string_lossy().into_owned();
                std::fs::copy(&p, src.join(&name)).expect("copy");
                summary.push_str(&format!("- [{name}](./{name})\n"));
            }
            std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
            std::fs::write(
                book.path().join("book.toml"),
                "[book]\ntitle = \"bench\"\nlanguage = \"zh\"\n",
            )
            .expect("book.toml");
            let (m, m_mem) = measure(&bin, &["build".to_string()], book.path(), 3, 0);
            println!(
                "mdbook build:           {:8.1} ms  {:7.1} docs/s  {:6.1} MB/s  peak {m_mem:6.1} MB",
                m * 1e3,
                n as f64 / m,
                mb / m
            );
            println!("shenbao / mdbook time: {:.2} (target < 1)", t / m);
        }
        None => println!(
            "mdbook not found (cargo install mdbook, or set MDBOOK_BIN): comparison skipped"
        ),
    }
}
