//! A project's own fields (`fields:` in shenbao.yaml): added to a kind,
//! they are read, checked and shown like the built-in ones.

use crate::common::*;

const FIELD_FILE: &str = "kinds:
  pilot-plan:
    fields:
      - key: park_code
        label: 园区代码
        aliases: [园区编码]
        type: text
        required: true
        comment: 省级开发区目录中的园区代码
        example: 待补充
";

const PLAN: &str = "content/伏牛经开区试点实施方案.md";

fn with_fields(dir: &std::path::Path, file: &str) {
    std::fs::write(dir.join("fields.yaml"), file).unwrap();
    let config = std::fs::read_to_string(dir.join("shenbao.yaml")).unwrap();
    std::fs::write(
        dir.join("shenbao.yaml"),
        format!("{config}fields: fields.yaml\n"),
    )
    .unwrap();
}

fn check(dir: &std::path::Path) -> serde_json::Value {
    json(&run(
        dir,
        &["check", "--format", "json", "--today", "2022-06-20"],
    ))
}

#[test]
fn a_projects_own_field_is_read_checked_and_shown() {
    let dir = demo();
    with_fields(dir.path(), FIELD_FILE);
    // Missing: an error naming it by its label.
    let v = check(dir.path());
    let missing: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "frontmatter/missing-field")
        .collect();
    assert!(
        missing.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("park_code（园区代码）")),
        "{v:#}"
    );
    // Written under its Chinese alias: no longer missing, not unknown.
    let md = dir.path().join(PLAN);
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(
        &md,
        text.replacen(
            "kind: pilot-plan\n",
            "kind: pilot-plan\n园区编码: HN-0412\n",
            1,
        ),
    )
    .unwrap();
    let v = check(dir.path());
    let rules = rules_of(&v);
    assert!(
        !rules
            .iter()
            .any(|r| r == "frontmatter/missing-field" || r == "frontmatter/unknown-field"),
        "{v:#}"
    );
    // Shown on the document's page under its label.
    let out = build(dir.path(), &["--no-pdf", "--no-docx"]);
    assert!(out.status.success(), "{out:?}");
    let page = std::fs::read_dir(dir.path().join("public/docs"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(
        page.contains("园区代码") && page.contains("HN-0412"),
        "{page}"
    );
    // The skeleton of a new plan writes it with its comment.
    let out = run(dir.path(), &["new", "plan", "另一个方案"]);
    assert!(out.status.success(), "{out:?}");
    let skeleton = std::fs::read_to_string(dir.path().join("content/另一个方案.md")).unwrap();
    assert!(
        skeleton.contains("省级开发区目录中的园区代码") && skeleton.contains("\npark_code:"),
        "{skeleton}"
    );
}

#[test]
fn a_field_file_that_clashes_or_names_no_kind_is_refused_in_chinese() {
    let dir = demo();
    with_fields(
        dir.path(),
        &FIELD_FILE.replace("key: park_code", "key: title"),
    );
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("字段文件有误") && err.contains("已有字段 title"),
        "{err}"
    );
    let dir = demo();
    with_fields(
        dir.path(),
        &FIELD_FILE.replace("pilot-plan:", "annual-report:"),
    );
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有“annual-report”这种文档类型"), "{err}");
    assert!(err.contains("fields.yaml:2"), "{err}");
}
