//! Helpers for integration tests: run the real binary on fixture projects
//! copied into temporary folders (never inside the repository).
#![allow(dead_code)]

pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shenbao"));
    c.env("NO_COLOR", "1");
    c
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copy a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The demo project (shenbao.yaml + content/) in a temporary folder.
pub fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("shenbao.yaml"), dir.path().join("shenbao.yaml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

pub fn run(root: &Path, args: &[&str]) -> Output {
    bin().arg("--root").arg(root).args(args).output().unwrap()
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The first finding of `rule` in `check --format json` output.
pub fn finding<'a>(v: &'a serde_json::Value, rule: &str) -> Option<&'a serde_json::Value> {
    v["diagnostics"]
        .as_array()?
        .iter()
        .find(|d| d["rule"] == rule)
}

pub fn rules_of(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Every file under a folder with its size and modification time.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.path().to_path_buf(), m.len(), m.modified().unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Run a PDF tool and return its stdout; fails the test with a clear
/// message when the tool is missing (CI installs poppler-utils and qpdf).
pub fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} is needed for PDF tests (apt-get install poppler-utils qpdf): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn pdf_text(pdf: &Path, first: Option<usize>, last: Option<usize>, layout: bool) -> String {
    let mut args: Vec<String> = Vec::new();
    if let Some(f) = first {
        args.extend(["-f".into(), f.to_string()]);
    }
    if let Some(l) = last {
        args.extend(["-l".into(), l.to_string()]);
    }
    if layout {
        args.push("-layout".into());
    }
    args.push(pdf.to_string_lossy().into_owned());
    args.push("-".into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    tool("pdftotext", &refs)
}

pub fn pdf_info(pdf: &Path) -> std::collections::BTreeMap<String, String> {
    tool("pdfinfo", &[&pdf.to_string_lossy()])
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The bookmark tree as (depth, title, page) in order.
pub fn pdf_outline(pdf: &Path) -> Vec<(usize, String, u64)> {
    let json = tool(
        "qpdf",
        &["--json", "--json-key=outlines", &pdf.to_string_lossy()],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    fn walk(items: &serde_json::Value, depth: usize, out: &mut Vec<(usize, String, u64)>) {
        for item in items.as_array().into_iter().flatten() {
            out.push((
                depth,
                item["title"].as_str().unwrap_or("").to_string(),
                item["destpageposfrom1"].as_u64().unwrap_or(0),
            ));
            walk(&item["kids"], depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&v["outlines"], 0, &mut out);
    out
}

/// Build with bundled fonts only, so results do not depend on the machine.
pub fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--no-system-fonts", "--today", "2022-06-20"];
    args.extend_from_slice(extra);
    run(root, &args)
}

/// A project with one plan whose body is `body` (front matter from the demo).
pub fn plan_project(body: &str) -> tempfile::TempDir {
    let dir = demo();
    let demo_text =
        std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let end = demo_text[4..].find("\n---\n").unwrap() + 4 + 5;
    std::fs::write(
        dir.path().join("content/伏牛经开区试点实施方案.md"),
        format!("{}{body}", &demo_text[..end]),
    )
    .unwrap();
    dir
}
