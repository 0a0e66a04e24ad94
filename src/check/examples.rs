//! The rule examples in `tests/rules/<family>.md`, run as one data-driven
//! test (in the manner of typst's own test files): each case is a piece
//! of a document with the findings it must draw written beside it, and
//! near misses that must draw none. The files are read by the registry
//! (`registry::example_files`), which `shenbao explain` shows them from;
//! their format is described there.
//!
//! A case must draw exactly its expected findings of the watched rules:
//! one more (a false alarm) or one fewer (a miss) fails.

use std::collections::BTreeSet;

use super::registry::{self, EXAMPLE_FILES};
use super::testutil::{Fixture, good_plan};

fn base(kind: &str) -> String {
    match kind {
        "plan" => good_plan(),
        "audit" => super::audit::tests::GOOD_AUDIT.to_string(),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_example_file_is_in_the_format() {
    assert!(!EXAMPLE_FILES.is_empty());
    for (file, text) in EXAMPLE_FILES {
        if let Err(e) = registry::parse_examples(file, text) {
            panic!("{e}");
        }
    }
    assert_eq!(registry::example_files().len(), EXAMPLE_FILES.len());
}

#[test]
fn every_rule_example_draws_exactly_its_findings() {
    let mut fixture = Fixture::new();
    fixture.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in registry::example_files() {
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
