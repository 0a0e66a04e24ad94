//! The rule examples in `tests/rules/<family>.md`, run as one data-driven
//! test (in the manner of typst's own test files): each case is a piece
//! of a document with the findings it must draw written beside it, and
//! near misses that must draw none. The files are read by the registry
//! (`registry::example_files`), which `shenbao explain` shows them from;
//! their format is described there.
//!
//! A case must draw exactly its expected findings of the watched rules:
//! one more (a false alarm) or one fewer (a miss) fails.
//!
//! The tests read the files from disk, so that a built test binary can be
//! run again after editing them; the copy compiled in for `explain` is
//! held equal to them.

use std::collections::BTreeSet;

use super::registry::{self, EXAMPLE_FILES, Scope};
use super::testutil::{Fixture, good_plan};

fn base(kind: &str) -> String {
    match kind {
        "plan" => good_plan(),
        "audit" => super::audit::tests::GOOD_AUDIT.to_string(),
        other => panic!("unknown kind {other}"),
    }
}

/// The files of `tests/rules/` as they are on disk.
fn on_disk() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).unwrap();
            (format!("tests/rules/{n}"), text)
        })
        .collect();
    files.sort();
    files
}

fn example_files() -> Vec<registry::ExampleFile> {
    on_disk()
        .iter()
        .map(|(file, text)| registry::parse_examples(file, text).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn every_example_file_is_in_the_format_and_compiled_in() {
    let disk = on_disk();
    assert!(!disk.is_empty());
    for (file, text) in &disk {
        if let Err(e) = registry::parse_examples(file, text) {
            panic!("{e}");
        }
    }
    let compiled: Vec<(String, String)> = EXAMPLE_FILES
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    assert!(
        compiled == disk,
        "explain's copy differs from tests/rules (rebuild)"
    );
    assert_eq!(registry::example_files().len(), EXAMPLE_FILES.len());
}

#[test]
fn every_rule_example_draws_exactly_its_findings() {
    let mut fixture = Fixture::new();
    fixture.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &example_files() {
        let watched: BTreeSet<&str> = file.watched.iter().map(|r| r.as_str()).collect();
        for case in &file.cases {
            count += 1;
            let mut doc = base(&case.kind);
            for (old, new) in &case.replaces {
                assert!(
                    doc.contains(old.as_str()),
                    "{}: {}: no “{old}”",
                    file.file,
                    case.name
                );
                doc = doc.replacen(old.as_str(), new, 1);
            }
            let body_line = doc.lines().count() + 2;
            doc.push('\n');
            doc.push_str(&case.body);
            let line_of = |at: &str| {
                let lines: Vec<&str> = doc.lines().collect();
                lines
                    .iter()
                    .enumerate()
                    .skip(body_line - 1)
                    .chain(lines.iter().enumerate())
                    .find(|(_, l)| l.contains(at))
                    .map(|(i, _)| i + 1)
                    .unwrap_or_else(|| panic!("{}: {}: no line with “{at}”", file.file, case.name))
            };
            let expected: BTreeSet<(String, String, usize)> = case
                .expects
                .iter()
                .map(|e| {
                    (
                        format!("{:?}", e.severity),
                        e.rule.to_string(),
                        line_of(&e.at),
                    )
                })
                .collect();
            let found: BTreeSet<(String, String, usize)> = fixture
                .check(&doc)
                .into_iter()
                .filter(|d| watched.contains(d.rule.as_str()))
                .map(|d| {
                    (
                        format!("{:?}", d.severity),
                        d.rule.to_string(),
                        d.line.unwrap_or(0),
                    )
                })
                .collect();
            if expected != found {
                failures.push(format!(
                    "{} — {}:\n  expected {expected:?}\n  found    {found:?}",
                    file.file, case.name
                ));
            }
        }
    }
    assert!(count >= 10, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rules of one document (or of reading its file) that `tests/rules/`
/// cannot show, each with the reason and the test that watches it
/// instead. Rules of the build and rules that span documents are watched
/// by the suite tests on real projects (`tests/suite/`).
const NOT_IN_EXAMPLES: &[(&str, &str)] = &[];

#[test]
fn every_rule_of_one_document_has_a_failing_case_and_a_near_miss() {
    let files = example_files();
    let mut missing = Vec::new();
    for r in registry::all() {
        if matches!(r.scope, Scope::Build | Scope::CrossDocument)
            || NOT_IN_EXAMPLES.iter().any(|(id, _)| *id == r.id)
        {
            continue;
        }
        let mut fires = false;
        let mut near_miss = false;
        for f in &files {
            if !f.watched.iter().any(|w| *w == r.id.as_str()) {
                continue;
            }
            for c in &f.cases {
                if c.expects.iter().any(|e| e.rule == r.id.as_str()) {
                    fires = true;
                } else if c.is_near_miss() {
                    near_miss = true;
                }
            }
        }
        if !fires || !near_miss {
            missing.push(format!(
                "{}{}{}",
                r.id,
                if fires { "" } else { " (no failing case)" },
                if near_miss { "" } else { " (no near miss)" }
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "{} rules without examples:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
