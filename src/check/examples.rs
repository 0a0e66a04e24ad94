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
use crate::call::DEFAULT_PRESET;
use crate::diagnostic::Severity;

/// What a case's `<!-- file: PATH -->` holds: a 1×1 image when PATH names
/// one (.png, .jpg, .jpeg), else a small PDF.
fn sample_file(path: &str) -> Vec<u8> {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let format = match ext.as_str() {
        "png" => image::ImageFormat::Png,
        "jpg" | "jpeg" => image::ImageFormat::Jpeg,
        _ => return b"%PDF-1.4\n%%EOF\n".to_vec(),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(1, 1)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn base(kind: &str) -> String {
    match kind {
        "plan" => good_plan(),
        "audit" => super::audit::tests::GOOD_AUDIT.to_string(),
        // The worked example's application form (申请表) and acceptance
        // self-evaluation report (验收自评报告), each correct on its own.
        "form" => include_str!("../../tests/fixtures/voluntary/content/申请表.md").to_string(),
        "acceptance" => {
            include_str!("../../tests/fixtures/voluntary/content/验收自评报告.md").to_string()
        }
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
    let preset = fixture.call.clone();
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
            // The files the case puts in the project, there for it alone.
            let root = fixture.root();
            for f in &case.files {
                let path = root.join(f);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, sample_file(f)).unwrap();
            }
            // The day, and the call, the case is checked on.
            let today = case.today.as_deref().unwrap_or("2023-04-01");
            fixture.opts.today = crate::call::parse_datetime(today, false)
                .unwrap_or_else(|| panic!("{}: {}: today: {today}", file.file, case.name));
            fixture.call = if case.call.is_empty() {
                preset.clone()
            } else {
                let yaml = format!("extends: {DEFAULT_PRESET}\n{}\n", case.call.join("\n"));
                crate::call::Call::from_yaml(&yaml)
                    .unwrap_or_else(|e| panic!("{}: {}: call: {}", file.file, case.name, e.message))
            };
            let findings = fixture.check(&doc);
            for f in &case.files {
                std::fs::remove_file(root.join(f)).unwrap();
            }
            let found: BTreeSet<(String, String, usize)> = findings
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
const NOT_IN_EXAMPLES: &[(&str, &str)] = &[
    (
        "check/internal",
        "a crash of the checker, which no correct or incorrect text is meant to cause; \
         watched by src/par.rs::tests::a_panic_costs_only_its_own_item (a panic costs only \
         its own document, which gets the fallback finding) and \
         tests/suite/robustness.rs::mutated_voluntary_documents_never_panic (no input reaches it)",
    ),
    (
        "frontmatter/call",
        "a plan's `call:` names a call file of the project (or one that is not there), which a \
         case checked against one call cannot have; watched by \
         tests/suite/calls.rs::two_seasons_in_one_project_each_by_its_own_call",
    ),
    (
        "document/empty",
        "an empty file, which a case appended to a whole document cannot be; watched by \
         tests/suite/bad_input.rs::every_kind_of_bad_file_is_reported_and_the_rest_still_checked",
    ),
    (
        "document/encoding",
        "the file's bytes (GBK, UTF-16, a NUL), which a UTF-8 text of examples cannot hold (a NUL \
         would make it binary to git); watched by \
         tests/suite/bad_input.rs::every_kind_of_bad_file_is_reported_and_the_rest_still_checked \
         (GBK) and src/document/mod.rs::tests::misleading_messages_say_what_is_wrong (a NUL in \
         the text, at its line)",
    ),
    (
        "document/too-large",
        "a file of more than 16 MB or a million table bars, refused before it is parsed; watched by \
         tests/suite/bad_input.rs::every_kind_of_bad_file_is_reported_and_the_rest_still_checked \
         and tests/suite/hardening.rs::a_file_of_a_million_table_bars_is_refused_before_parsing",
    ),
    (
        "document/unreadable",
        "a file that is not a regular file (a FIFO, a symlink loop, a dangling link); watched by \
         tests/suite/bad_input.rs::every_kind_of_bad_file_is_reported_and_the_rest_still_checked \
         and tests/suite/hostile.rs::fifos_are_refused_not_read",
    ),
    (
        "document/outside-project",
        "a symlink in content/ to a file outside the project; watched by \
         tests/suite/bad_input.rs::every_kind_of_bad_file_is_reported_and_the_rest_still_checked",
    ),
    (
        "document/file-name",
        "a file name that is not UTF-8; watched by \
         tests/suite/hostile.rs::file_names_that_are_not_utf8_are_refused",
    ),
    (
        "document/output-name",
        "two files whose outputs have one name (甲.md and 甲.markdown, NFC and NFD); watched by \
         tests/suite/hostile.rs::outputs_and_subjects_that_collide_are_errors_naming_both and \
         tests/suite/hardening.rs::nfc_and_nfd_spellings_of_one_name_are_one_output_name",
    ),
    (
        "project/no-content",
        "a project without content/, so without any document; watched by \
         tests/suite/bad_input.rs::a_project_without_content_is_said_not_silently_passed",
    ),
];

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
        // A rule that notes something on every such document (the options
        // summary of `audit/options`, the next audit's date of
        // `audit/reaudit-due`) and warns or errs on some: its near miss
        // draws that note only, not the warning or error.
        let mut fires_above_note = false;
        let mut near_miss_with_note = false;
        for f in &files {
            if !f.watched.iter().any(|w| *w == r.id.as_str()) {
                continue;
            }
            for c in &f.cases {
                let levels: Vec<Severity> = c
                    .expects
                    .iter()
                    .filter(|e| e.rule == r.id.as_str())
                    .map(|e| e.severity)
                    .collect();
                if levels.is_empty() {
                    near_miss |= c.is_near_miss();
                } else {
                    fires = true;
                    let notes_only = levels.iter().all(|s| *s == Severity::Info);
                    fires_above_note |= !notes_only;
                    near_miss_with_note |= notes_only && c.is_near_miss();
                }
            }
        }
        near_miss |= near_miss_with_note && fires_above_note;
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

/// The tests `NOT_IN_EXAMPLES` names are there: a renamed test does not
/// leave a rule watched by nothing.
#[test]
fn the_tests_named_for_the_rules_left_out_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (id, why) in NOT_IN_EXAMPLES {
        let mut named = 0;
        for word in why.split_whitespace() {
            let word = word.trim_matches(|c: char| {
                !(c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | ':'))
            });
            let Some((file, path)) = word.split_once(".rs::") else {
                continue;
            };
            let name = path.rsplit("::").next().unwrap_or(path);
            let text = std::fs::read_to_string(root.join(format!("{file}.rs")))
                .unwrap_or_else(|e| panic!("{id}: {file}.rs: {e}"));
            assert!(
                text.contains(&format!("fn {name}(")),
                "{id}: no test {name} in {file}.rs"
            );
            named += 1;
        }
        assert!(named > 0, "{id} names no test: {why}");
    }
}
