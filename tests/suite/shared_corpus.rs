//! The corpus written by others (`../shared/corpus/`, beside the
//! repository; never edited here): every case judged as its `EXPECT.json`
//! says. `must_pass`: `check` finds no error. `must_catch`: a warning or an
//! error of the named rule (or rule family) at the named file and line,
//! and no other error. Skipped, saying so, where the folder is absent.

use std::path::{Path, PathBuf};

use crate::common::{bin, copy_dir, repo};

fn corpus() -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The verdict on one case: None when judged right, else why not.
fn judge(case: &Path) -> Option<String> {
    let expect: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("EXPECT.json")).ok()?).ok()?;
    let name = case.file_name()?.to_string_lossy().into_owned();
    let today = expect["today"]
        .as_str()
        .unwrap_or(if name.starts_with('v') {
            "2023-12-31"
        } else {
            "2022-06-20"
        });
    // On a copy: the corpus stays as it was written.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(case, dir.path());
    let out = bin()
        .arg("--root")
        .arg(dir.path())
        .args(["check", "--format", "json", "--today", today])
        .output()
        .unwrap();
    let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(_) => return Some(format!("{name}: no JSON ({:?})", out.status.code())),
    };
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    let errors: Vec<&serde_json::Value> =
        diags.iter().filter(|d| d["severity"] == "error").collect();
    let show = |d: &serde_json::Value| {
        format!(
            "{} {}:{} {}",
            d["rule"].as_str().unwrap_or(""),
            d["file"].as_str().unwrap_or(""),
            d["line"],
            d["message"].as_str().unwrap_or("")
        )
    };
    match expect["group"].as_str() {
        Some("must_pass") => (!errors.is_empty() || out.status.code() != Some(0)).then(|| {
            format!(
                "{name} (must_pass) refused: {}",
                errors
                    .iter()
                    .map(|d| show(d))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }),
        Some("must_catch") => {
            let rules: Vec<&str> = expect["rules"]
                .as_array()
                .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
                .unwrap_or_default();
            let hit = |d: &&serde_json::Value| {
                d["file"] == expect["file"]
                    && d["line"] == expect["line"]
                    && (d["severity"] == "error" || d["severity"] == "warning")
                    && (rules.is_empty()
                        || rules.iter().any(|r| {
                            let rule = d["rule"].as_str().unwrap_or("");
                            rule == *r || rule.split('/').next() == r.split('/').next()
                        }))
            };
            let hits: Vec<&serde_json::Value> = diags.iter().filter(hit).collect();
            let others: Vec<&&serde_json::Value> =
                errors.iter().filter(|e| !hits.contains(e)).collect();
            if hits.is_empty() {
                Some(format!(
                    "{name} (must_catch) missed {}:{} {:?}",
                    expect["file"], expect["line"], rules
                ))
            } else if !others.is_empty() {
                Some(format!(
                    "{name} (must_catch) other errors: {}",
                    others
                        .iter()
                        .map(|d| show(d))
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            } else {
                None
            }
        }
        _ => Some(format!("{name}: EXPECT.json has no group")),
    }
}

#[test]
fn every_case_written_by_others_is_judged_right() {
    let Some(dir) = corpus() else {
        eprintln!("../shared/corpus is not beside the repository: skipped");
        return;
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("EXPECT.json").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let wrong: Vec<String> = cases.iter().filter_map(|c| judge(c)).collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases judged wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

/// Every case written by others prints: a PDF and a Word file for each
/// document (a credit-code column of a must_pass plan overprinted its
/// neighbour, so `build` refused the PDF and `pack` could not send it).
#[test]
fn every_case_written_by_others_prints() {
    let Some(dir) = corpus() else {
        eprintln!("../shared/corpus is not beside the repository: skipped");
        return;
    };
    let mut failed = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("EXPECT.json").is_file())
        .collect();
    cases.sort();
    for case in &cases {
        let work = tempfile::tempdir().unwrap();
        copy_dir(case, work.path());
        let out = bin()
            .arg("--root")
            .arg(work.path())
            .args([
                "build",
                "--no-site",
                "--no-system-fonts",
                "--today",
                "2022-06-20",
            ])
            .output()
            .unwrap();
        let docs = std::fs::read_dir(work.path().join("content"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                    .count()
            })
            .unwrap_or(0);
        let count = |sub: &str, ext: &str| {
            std::fs::read_dir(work.path().join("public").join(sub))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| {
                            let n = e.file_name().to_string_lossy().into_owned();
                            n.ends_with(ext) && !n.contains("检查意见")
                        })
                        .count()
                })
                .unwrap_or(0)
        };
        let (pdfs, docx) = (count("pdf", ".pdf"), count("docx", ".docx"));
        if out.status.code() != Some(0) || pdfs != docs || docx != docs {
            failed.push(format!(
                "{}: exit {:?}, {docs} documents, {pdfs} PDFs, {docx} Word files\n{}",
                case.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter(|l| l.starts_with("error") || l.starts_with("失败"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
