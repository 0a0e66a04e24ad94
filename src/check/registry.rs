//! The registry of check rules (`rules.yaml` beside this file): every rule
//! id with the levels its findings take, its scope, the files that report
//! it and its description. `shenbao rules` lists it, `shenbao explain`
//! shows one rule with the examples of `tests/rules/` that watch it, and
//! `check` asks it which rules span documents. Unit tests hold it equal to
//! the README's rule tables and to the ids the code reports.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;

const RULES: &str = include_str!("rules.yaml");

/// The example files, shipped so that `explain` can show them.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "tests/rules/applicant.md",
        include_str!("../../tests/rules/applicant.md"),
    ),
    (
        "tests/rules/audit.md",
        include_str!("../../tests/rules/audit.md"),
    ),
    (
        "tests/rules/content.md",
        include_str!("../../tests/rules/content.md"),
    ),
    (
        "tests/rules/numbers.md",
        include_str!("../../tests/rules/numbers.md"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// While a file is read (front matter, the document as a file).
    Load,
    /// One document.
    Document,
    /// Several documents together.
    CrossDocument,
    /// While printing, exporting or writing outputs.
    Build,
}

impl Scope {
    pub fn name_zh(self) -> &'static str {
        match self {
            Scope::Load => "读取文件时",
            Scope::Document => "单份文档",
            Scope::CrossDocument => "跨文档",
            Scope::Build => "排版、导出和写出时",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// error, warning, info: the levels a finding of this rule can have.
    pub severity: Vec<String>,
    pub scope: Scope,
    pub home: Vec<String>,
    pub description: String,
}

impl Rule {
    /// Whether a finding of this rule can stop `pack`.
    pub fn blocks_pack(&self) -> bool {
        self.severity.iter().any(|s| s == "error")
    }

    pub fn severity_zh(&self) -> String {
        self.severity
            .iter()
            .map(|s| match s.as_str() {
                "error" => "错误",
                "warning" => "警告",
                _ => "提示",
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// An example of a rule: a case of `tests/rules/`, and whether it must
/// draw the rule (a failing example) or not (a passing one or a near miss).
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub file: &'static str,
    pub name: String,
    pub fires: bool,
    pub text: String,
}

/// Every rule, in the order of the README's tables.
pub fn all() -> &'static [Rule] {
    static ALL: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        // The registry is compiled in and tested: it always reads.
        serde_yaml::from_str(RULES).unwrap_or_default()
    })
}

pub fn get(id: &str) -> Option<&'static Rule> {
    all().iter().find(|r| r.id == id)
}

/// Whether findings of `id` span several documents (they are recomputed
/// for the whole project after an edit).
pub fn is_cross_document(id: &str) -> bool {
    get(id).is_some_and(|r| r.scope == Scope::CrossDocument)
}

/// The examples of `tests/rules/` for `id`: the cases that expect a
/// finding of it, and the near misses right after them (cases named
/// “近似写法：…”), which must draw none.
pub fn examples(id: &str) -> Vec<Example> {
    let mut kept = Vec::new();
    let mut after_firing = false;
    for e in cases(id) {
        let near = e.name.starts_with("近似写法");
        if e.fires || (near && after_firing) {
            after_firing = e.fires || after_firing;
            kept.push(e);
        } else {
            after_firing = false;
        }
    }
    kept
}

/// Every case of the example files that watch `id`.
fn cases(id: &str) -> Vec<Example> {
    let mut out = Vec::new();
    for (file, text) in EXAMPLES {
        let watched = text.lines().any(|l| {
            let l = l.trim();
            (l.starts_with("<!-- watch:") || l.starts_with("<!-- expect:"))
                && l.split_whitespace().any(|w| w == id)
        });
        if !watched {
            continue;
        }
        let mut current: Option<Example> = None;
        for line in text.lines() {
            let t = line.trim();
            if let Some(name) = t
                .strip_prefix("<!-- case:")
                .and_then(|r| r.strip_suffix("-->"))
            {
                out.extend(current.take());
                let name = name.split(" kind=").next().unwrap_or(name).trim();
                current = Some(Example {
                    file,
                    name: name.to_string(),
                    fires: false,
                    text: String::new(),
                });
                continue;
            }
            let Some(ex) = current.as_mut() else { continue };
            if t.starts_with("<!-- expect:") {
                if t.split_whitespace().any(|w| w == id) {
                    ex.fires = true;
                }
                continue;
            }
            if t.starts_with("<!-- replace:") {
                let r = t
                    .trim_start_matches("<!-- replace:")
                    .trim_end_matches("-->")
                    .trim();
                ex.text
                    .push_str(&format!("（字段区中：{}）\n", r.replace(" => ", " 改为 ")));
                continue;
            }
            ex.text.push_str(line);
            ex.text.push('\n');
        }
        out.extend(current);
    }
    for e in &mut out {
        e.text = e.text.trim().to_string();
    }
    out
}

/// Which level a severity is, as the registry writes it.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The README's rule rows: id → (levels as written, description).
    fn readme_rows() -> BTreeMap<String, (String, String)> {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .unwrap();
        let mut rows = BTreeMap::new();
        for line in readme.lines() {
            let Some(rest) = line.strip_prefix("| `") else {
                continue;
            };
            // Split on " | " outside the description's escaped bars.
            let protected = rest.replace("\\|", "\u{1}");
            let cols: Vec<String> = protected
                .split(" | ")
                .map(|c| c.replace('\u{1}', "\\|"))
                .collect();
            if cols.len() < 3 {
                continue;
            }
            let ids = format!("`{}", cols[0]);
            let desc = cols[2..].join(" | ");
            let desc = desc.strip_suffix(" |").unwrap_or(&desc).to_string();
            for id in ids.split('`').skip(1).step_by(2) {
                if id.contains('/') {
                    rows.entry(id.to_string())
                        .or_insert((cols[1].trim().to_string(), desc.clone()));
                }
            }
        }
        rows
    }

    #[test]
    fn the_registry_reads_and_its_ids_are_unique() {
        assert!(all().len() >= 90, "{}", all().len());
        let mut ids: Vec<&str> = all().iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "an id twice in rules.yaml");
        for r in all() {
            assert!(!r.severity.is_empty(), "{}", r.id);
            assert!(!r.description.is_empty(), "{}", r.id);
        }
    }

    #[test]
    fn the_readme_tables_and_the_registry_agree() {
        let rows = readme_rows();
        for r in all() {
            let (levels, desc) = rows
                .get(&r.id)
                .unwrap_or_else(|| panic!("{} is in rules.yaml, not in the README", r.id));
            assert_eq!(desc, &r.description, "{}: description", r.id);
            assert_eq!(levels, &r.severity_zh(), "{}: severity", r.id);
        }
        for id in rows.keys() {
            assert!(
                get(id).is_some(),
                "{id} is in the README, not in rules.yaml"
            );
        }
    }

    #[test]
    fn each_rule_is_reported_where_the_registry_says() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for r in all() {
            assert!(!r.home.is_empty(), "{}: no home", r.id);
            for h in &r.home {
                let text = std::fs::read_to_string(root.join(h))
                    .unwrap_or_else(|_| panic!("{}: no file {h}", r.id));
                assert!(text.contains(&r.id), "{}: not in {h}", r.id);
            }
        }
    }

    #[test]
    fn examples_are_found_for_the_rules_they_watch() {
        let ex = examples("numbers/rate");
        assert!(ex.iter().any(|e| e.fires), "{ex:#?}");
        assert!(ex.iter().any(|e| !e.fires), "{ex:#?}");
        assert!(examples("numbers/rate")[0].text.contains("降低率"));
    }
}
