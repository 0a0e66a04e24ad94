//! The YAML typos Chinese writers make most — a full-width colon, no space
//! after the colon, full-width quotes, an unclosed quote — are reported at
//! their own line with a Chinese hint naming the typo, in a real plan's
//! front matter and in shenbao.yaml.

use crate::common::*;

const PLAN: &str = "content/伏牛经开区试点实施方案.md";

/// Line (1-based) of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in the plan")) as u64
        + 1
}

/// The demo plan with `from` replaced by `to`, checked: the
/// frontmatter/syntax diagnostics as (line, message, help).
fn check_with(from: &str, to: &str) -> (String, Option<i32>, Vec<(u64, String, String)>) {
    let dir = demo();
    let path = dir.path().join(PLAN);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in the plan");
    let text = text.replacen(from, to, 1);
    std::fs::write(&path, &text).unwrap();
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    let v = json(&out);
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "frontmatter/syntax")
        .map(|d| {
            assert_eq!(d["file"], PLAN);
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (text, out.status.code(), found)
}

fn assert_one(from: &str, to: &str, message: &str, help: &str) {
    let (text, code, found) = check_with(from, to);
    assert_eq!(code, Some(1), "{to}");
    assert_eq!(found.len(), 1, "{to}: {found:#?}");
    let (line, m, h) = &found[0];
    assert_eq!(*line, line_of(&text, to), "{to}: {m}");
    assert!(m.contains(message), "{to}: {m}");
    assert!(h.contains(help), "{to}: {h}");
    for english in ["could not", "mapping values", "did not find", "expected"] {
        assert!(!m.contains(english) && !h.contains(english), "{m} / {h}");
    }
}

#[test]
fn a_full_width_colon_after_a_key() {
    assert_one(
        "applicant: 伏牛",
        "applicant：伏牛",
        "中文冒号",
        "`applicant: 伏牛经济技术开发区管理委员会`",
    );
    // Inside a group: the YAML is valid, but `park` lost its fields.
    assert_one(
        "  boundary: 东至",
        "  boundary：东至",
        "中文冒号",
        "`boundary: 东至",
    );
}

#[test]
fn no_space_after_the_colon() {
    assert_one(
        "title: 伏牛",
        "title:伏牛",
        "冒号后面少了空格",
        "`title: 伏牛经济技术开发区",
    );
    assert_one(
        "  name: 李文华",
        "  name:李文华",
        "冒号后面少了空格",
        "`name: 李文华`",
    );
}

#[test]
fn an_unclosed_quote_at_its_line_not_at_the_end() {
    let title = "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点";
    assert_one(
        title,
        "title: \"伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
        "没有结束",
        "\"伏牛经济技术开发区工业园区清洁生产整体审核创新试点\"`",
    );
    // Opened with " and closed with ”.
    assert_one(
        title,
        "title: \"伏牛经济技术开发区工业园区清洁生产整体审核创新试点”",
        "结尾却是中文引号",
        "两端都用英文引号",
    );
}

#[test]
fn full_width_quotes_used_as_yaml_quotes() {
    assert_one(
        "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
        "title: “伏牛经开区: 清洁生产整体审核创新试点”",
        "中文引号",
        "`title: \"伏牛经开区: 清洁生产整体审核创新试点\"`",
    );
}

#[test]
fn full_width_colons_in_values_are_fine() {
    let (_, code, found) = check_with(
        "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
        "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点：第一期",
    );
    assert_eq!(found, vec![]);
    assert_eq!(code, Some(0));
}

#[test]
fn typos_in_shenbao_yaml_are_at_their_line() {
    let dir = demo();
    let cfg = dir.path().join("shenbao.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text = text.replacen("year: 2022", "year：2022", 1);
    std::fs::write(&cfg, &text).unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let line = line_of(&text, "year：2022");
    assert!(err.contains(&format!("shenbao.yaml:{line}:5")), "{err}");
    assert!(
        err.contains("中文冒号") && err.contains("`year: 2022`"),
        "{err}"
    );
}

#[test]
fn a_whole_value_in_chinese_quotes() {
    // Valid YAML, but the quotes would end up in the e-mail subject and
    // the zip's name.
    assert_one(
        "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
        "title: “伏牛经济技术开发区工业园区清洁生产整体审核创新试点”",
        "中文引号",
        "`title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点`",
    );
    assert_one(
        "phone: \"13937100000\"",
        "phone: “13937100000”",
        "中文引号",
        "`phone: \"13937100000\"`",
    );
    // Quotes inside the text are the text's own.
    let (_, code, found) = check_with(
        "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
        "title: 伏牛经开区“十四五”清洁生产整体审核创新试点",
    );
    assert_eq!(found, vec![]);
    assert_eq!(code, Some(0));
}

/// Rules of every diagnostic on the demo plan with `from` replaced by `to`.
fn rules_with(from: &str, to: &str) -> Vec<String> {
    let dir = demo();
    let path = dir.path().join(PLAN);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen(from, to, 1);
    std::fs::write(&path, &text).unwrap();
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    rules_of(&json(&out))
}

#[test]
fn a_full_width_space_as_indentation() {
    assert_one(
        "  name: 伏牛经济技术开发区",
        "　name: 伏牛经济技术开发区",
        "行首用了全角空格（U+3000）缩进，YAML 只能用英文空格",
        "`  name: 伏牛经济技术开发区`",
    );
    // The last key of a group: no “unknown field `　management_body`”,
    // no missing field.
    let last = "  management_body: 伏牛";
    assert_one(last, "　management_body: 伏牛", "全角空格", "英文空格");
    let rules = rules_with(last, "　management_body: 伏牛");
    assert!(
        rules
            .iter()
            .all(|r| r != "frontmatter/unknown-field" && r != "scope/park-boundary"),
        "{rules:?}"
    );
}

#[test]
fn a_tab_in_nested_indentation() {
    assert_one(
        "  name: 伏牛经济技术开发区",
        "\tname: 伏牛经济技术开发区",
        "用了 Tab 缩进",
        "把行首的 Tab 换成英文空格",
    );
    assert_one("  name: 李文华", "  \tname: 李文华", "用了 Tab 缩进", "Tab");
    // The terminal view says where the invisible tab is.
    let dir = demo();
    let path = dir.path().join(PLAN);
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "  name: 伏牛经济技术开发区",
        "\tname: 伏牛经济技术开发区",
        1,
    );
    std::fs::write(&path, &text).unwrap();
    let out = run(dir.path(), &["check", "--today", "2022-06-01"]);
    let err = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("这里是 Tab"), "{err}");
}

#[test]
fn tabs_and_chinese_quotes_in_shenbao_yaml() {
    for (from, to, message, column) in [
        (
            "name: ",
            "name: “伏牛经开区清洁生产审核创新试点申报”\n# name: ",
            "中文引号",
            7,
        ),
        ("year: 2022", "formats:\n\t- pdf\nyear: 2022", "Tab", 1),
    ] {
        let dir = demo();
        let cfg = dir.path().join("shenbao.yaml");
        let text = std::fs::read_to_string(&cfg).unwrap();
        assert!(text.contains(from), "{from}");
        let text = text.replacen(from, to, 1);
        std::fs::write(&cfg, &text).unwrap();
        let out = run(dir.path(), &["check"]);
        assert_eq!(out.status.code(), Some(2), "{to}");
        let err = String::from_utf8(out.stderr).unwrap();
        let needle = to
            .lines()
            .find(|l| l.contains('“') || l.contains('\t'))
            .unwrap();
        let line = line_of(&text, needle);
        assert!(
            err.contains(&format!("shenbao.yaml:{line}:{column}")),
            "{err}"
        );
        assert!(err.contains(message), "{err}");
    }
}

#[test]
fn a_wrong_year_in_shenbao_yaml_shows_how_to_write_it() {
    let dir = demo();
    let cfg = dir.path().join("shenbao.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replacen("year: 2022", "year: 二〇二二", 1)).unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("`year: 2022`"), "{err}");
    assert!(!err.contains("output_dir"), "{err}");
}

#[test]
fn chinese_commas_and_brackets_in_a_list() {
    let list = "industries: [石化化工, 建材, 工业涂装]";
    // Split like the text form: no “not a key industry” warning.
    let clean = rules_with(list, list);
    let rules = rules_with(list, "industries: [石化化工，建材，工业涂装]");
    assert_eq!(rules, clean);
    // Read as the list it was meant to be, with one warning.
    let mut rules = rules_with(list, "industries: 【石化化工, 建材, 工业涂装】");
    let at = rules.iter().position(|r| r == "frontmatter/invalid-value");
    assert!(at.is_some(), "{rules:?}");
    rules.remove(at.unwrap_or_default());
    assert_eq!(rules, clean);
}
