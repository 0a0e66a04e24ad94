//! The rule examples in `tests/rules/<family>.md`, run as one data-driven
//! test (in the manner of typst's own test files): each case is a piece
//! of a document with the findings it must draw written beside it, and
//! near misses that must draw none.
//!
//! File format:
//! - `<!-- watch: rule/id -->` (before the first case): a rule judged in
//!   every case of the file, besides those the expectations name;
//! - `<!-- case: NAME kind=plan|audit -->` starts a case; its Markdown is
//!   appended to a complete, correct document of that kind (the plan and
//!   the audit report of the unit tests);
//! - `<!-- replace: OLD => NEW -->` edits that document first (its front
//!   matter, say);
//! - `<!-- expect: error|warning|info rule/id @ TEXT -->`: a finding of
//!   that rule and severity on the first line of the case (else of the
//!   whole document) that contains TEXT.
//!
//! A case must draw exactly its expected findings of the watched rules:
//! one more (a false alarm) or one fewer (a miss) fails.

use std::collections::BTreeSet;

use super::testutil::{Fixture, good_plan};
use crate::diagnostic::Severity;

struct Case {
    file: String,
    name: String,
    kind: String,
    replaces: Vec<(String, String)>,
    expects: Vec<(Severity, String, String)>,
    body: String,
}

fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        other => panic!("unknown severity {other}"),
    }
}

fn comment<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .strip_prefix(key)
        .map(str::trim)
}

fn parse(file: &str, text: &str) -> (BTreeSet<String>, Vec<Case>) {
    let mut watched = BTreeSet::new();
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if let Some(rule) = comment(line, "watch:") {
            watched.insert(rule.to_string());
        } else if let Some(head) = comment(line, "case:") {
            let (name, kind) = match head.split_once(" kind=") {
                Some((n, k)) => (n.trim(), k.trim()),
                None => (head, "plan"),
            };
            cases.push(Case {
                file: file.to_string(),
                name: name.to_string(),
                kind: kind.to_string(),
                replaces: Vec::new(),
                expects: Vec::new(),
                body: String::new(),
            });
        } else if let Some(case) = cases.last_mut() {
            if let Some(r) = comment(line, "replace:") {
                let (old, new) = r.split_once(" => ").expect("replace: OLD => NEW");
                case.replaces
                    .push((old.trim().to_string(), new.trim().to_string()));
            } else if let Some(e) = comment(line, "expect:") {
                let (head, at) = e.split_once(" @ ").expect("expect: SEVERITY RULE @ TEXT");
                let (sev, rule) = head.split_once(' ').expect("expect: SEVERITY RULE");
                watched.insert(rule.trim().to_string());
                case.expects
                    .push((severity(sev), rule.trim().to_string(), at.to_string()));
            } else {
                case.body.push_str(line);
                case.body.push('\n');
            }
        }
    }
    (watched, cases)
}

fn base(kind: &str) -> String {
    match kind {
        "plan" => good_plan(),
        "audit" => super::audit::tests::GOOD_AUDIT.to_string(),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_rule_example_draws_exactly_its_findings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut fixture = Fixture::new();
    fixture.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let (watched, cases) = parse(&name, &text);
        for case in cases {
            count += 1;
            let mut doc = base(&case.kind);
            for (old, new) in &case.replaces {
                assert!(
                    doc.contains(old.as_str()),
                    "{}: {}: no “{old}”",
                    case.file,
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
                    .unwrap_or_else(|| panic!("{}: {}: no line with “{at}”", case.file, case.name))
            };
            let expected: BTreeSet<(String, String, usize)> = case
                .expects
                .iter()
                .map(|(s, r, at)| (format!("{s:?}"), r.clone(), line_of(at)))
                .collect();
            let found: BTreeSet<(String, String, usize)> = fixture
                .check(&doc)
                .into_iter()
                .filter(|d| watched.contains(d.rule))
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
                    case.file, case.name
                ));
            }
        }
    }
    assert!(count >= 10, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
