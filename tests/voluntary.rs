//! The voluntary-audit documents through the real binary: a valid project
//! (application form, audit report, acceptance report) checks clean, each
//! rule fires on its broken variant at the right line, the scaffolds parse,
//! and the site carries the three kinds.

mod common;

use std::path::Path;

use common::*;

const FORM: &str = "content/申请表.md";
const AUDIT: &str = "content/审核报告.md";
const ACCEPTANCE: &str = "content/验收自评报告.md";

fn check_json(root: &Path) -> (i32, serde_json::Value) {
    let out = run(
        root,
        &["check", "--format", "json", "--today", "2023-03-10"],
    );
    (out.status.code().unwrap_or(-1), json(&out))
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The line of the first occurrence of `needle` in a fixture file.
fn line_of(root: &Path, rel: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() as u64 + 1
}

fn find<'a>(v: &'a serde_json::Value, rule: &str, file: &str) -> Option<&'a serde_json::Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule && d["file"] == file && d["severity"] != "info")
}

#[test]
fn the_voluntary_fixture_checks_clean_and_shows_the_totals() {
    let dir = fixture("voluntary");
    let (code, v) = check_json(dir.path());
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["documents"], 3);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    let totals = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "audit/options")
        .expect("the options summary");
    assert!(
        totals["message"]
            .as_str()
            .unwrap()
            .contains("合计 2 项，投资 272 万元，年经济效益 115.5 万元"),
        "{totals}"
    );
}

#[test]
fn each_rule_fires_at_its_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            FORM,
            "uscc: \"91410700MA45F8K2X5\"",
            "uscc: \"91410700MA45F8K2X4\"",
            "form/uscc",
        ),
        (
            FORM,
            "industry_code: \"2614\"",
            "industry_code: \"5211\"",
            "form/industry-code",
        ),
        (
            FORM,
            "agency: 伏牛绿源环保咨询有限公司\n",
            "",
            "form/conditional",
        ),
        (
            FORM,
            "restructuring: 否",
            "restructuring: 是",
            "form/ineligible",
        ),
        (
            FORM,
            "mobile: \"13937100000\"",
            "mobile: \"1393710000\"",
            "form/phone",
        ),
        (
            FORM,
            "email: hb@funiu-xcl.example.cn",
            "email: hb@",
            "form/email",
        ),
        (
            FORM,
            "permit_number: 91410700MA45F8K2X5001P",
            "permit_number: 91410100MA00000000001P",
            "form/permit-prefix",
        ),
        (
            AUDIT,
            "# 清洁生产方案实施计划",
            "# 下一步安排",
            "audit/required-sections",
        ),
        (AUDIT, "审核准备阶段", "前期", "audit/stages"),
        (AUDIT, "能量平衡", "能耗情况", "audit/balances"),
        (
            AUDIT,
            "| | 合计 | | 272 |",
            "| | 合计 | | 270 |",
            "audit/options",
        ),
        (
            AUDIT,
            "  experts: [张华, 李明, 王强]",
            "  experts: [张华, 李明]",
            "audit/expert-group",
        ),
        (AUDIT, "  senior: 3", "  senior: 1", "audit/agency"),
        (
            ACCEPTANCE,
            "experts: [张华, 李明, 王强]",
            "experts: [张华]",
            "audit/expert-group",
        ),
    ];
    for (file, from, to, rule) in cases {
        let dir = fixture("voluntary");
        edit(dir.path(), file, from, to);
        let (code, v) = check_json(dir.path());
        let d = find(&v, rule, file).unwrap_or_else(|| panic!("{rule} for {to:?}: {v:#}"));
        let severity = d["severity"].as_str().unwrap();
        assert_eq!(code, i32::from(severity == "error"), "{rule}: exit code");
        // Where the author changed a field, the finding points at it.
        let changed = to.lines().next().unwrap_or("");
        if changed.contains(':') && !changed.starts_with('|') && !changed.starts_with('#') {
            let key = changed.split(':').next().unwrap();
            assert_eq!(d["line"], line_of(dir.path(), file, key), "{rule}: {d}");
        }
    }
}

#[test]
fn new_scaffolds_parse_and_list_what_is_left_to_fill() {
    let dir = fixture("voluntary");
    for (kind, name) in [
        ("form", "桐柏化工申请表"),
        ("audit-report", "桐柏化工审核报告"),
        ("acceptance-report", "桐柏化工验收报告"),
    ] {
        let out = run(dir.path(), &["new", kind, name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = format!("content/{name}.md");
        let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(
            text.contains("# 【必填】"),
            "{kind}: Chinese comments on fields"
        );
        let (code, v) = check_json(dir.path());
        assert_eq!(code, 1);
        let rules: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file.as_str())
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"content/placeholder"), "{kind}: {rules:?}");
        assert!(
            !rules.iter().any(|r| r.starts_with("frontmatter/syntax")
                || *r == "frontmatter/invalid-value"
                || *r == "frontmatter/unknown-field"),
            "{kind}: {rules:?}"
        );
        // Refuses to overwrite.
        let again = run(dir.path(), &["new", kind, name]);
        assert_eq!(again.status.code(), Some(2));
    }
}

#[test]
fn the_site_has_a_page_for_each_kind_and_searches_them() {
    let dir = fixture("voluntary");
    let out = build(dir.path(), &["--no-pdf"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let public = dir.path().join("public");
    for page in [
        "docs/申请表.html",
        "docs/审核报告.html",
        "docs/验收自评报告.html",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    let index = std::fs::read_to_string(public.join("index.html")).unwrap();
    for kind in [
        "自愿性清洁生产审核申请表",
        "清洁生产审核报告",
        "清洁生产审核验收自评报告",
    ] {
        assert!(index.contains(kind), "the dashboard lists {kind}");
    }
    let shard = std::fs::read_to_string(public.join("assets/search/审核报告.js")).unwrap();
    assert!(shard.contains("清洁生产方案汇总和效益预测分析"));
}
