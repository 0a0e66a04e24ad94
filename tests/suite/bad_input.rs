//! Bad input never stops the check of the other documents and never
//! panics: each problem is a diagnostic naming the file (and line).

use crate::common::*;

fn good_plan_text() -> String {
    std::fs::read_to_string(repo().join("content/伏牛经开区试点实施方案.md")).unwrap()
}

#[test]
fn every_kind_of_bad_file_is_reported_and_the_rest_still_checked() {
    let dir = demo();
    let c = dir.path().join("content");
    std::fs::write(
        c.join("yaml.md"),
        "---\nkind: pilot-plan\ntitle: [未闭合\n---\n正文\n",
    )
    .unwrap();
    std::fs::write(c.join("nofront.md"), "# 只有正文\n").unwrap();
    std::fs::write(c.join("kind.md"), "---\nkind: 推荐函\n---\n").unwrap();
    std::fs::write(c.join("empty.md"), "").unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("---\nkind: pilot-plan\n---\n试点实施方案\n");
    std::fs::write(c.join("gbk.md"), gbk).unwrap();
    // BOM and CRLF are fine: the same plan, rewritten, checks clean (with
    // a title of its own: two plans with one e-mail subject are an error).
    let crlf = format!(
        "\u{feff}{}",
        good_plan_text()
            .replacen("创新试点\n", "创新试点二期\n", 1)
            .replace('\n', "\r\n")
    );
    std::fs::write(c.join("sub-bom-crlf.md"), crlf).unwrap();
    // 50 MB of Markdown.
    let big = "这是一段很长的文字。".repeat(50 * 1024 * 1024 / 30 + 1);
    std::fs::write(c.join("huge.md"), big).unwrap();
    #[cfg(unix)]
    {
        std::fs::create_dir_all(c.join("loop")).unwrap();
        std::os::unix::fs::symlink("..", c.join("loop/up")).unwrap();
        std::os::unix::fs::symlink("nowhere.md", c.join("dangling.md")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", c.join("outside.md")).unwrap();
    }

    let out = run(
        dir.path(),
        &["check", "--format", "json", "--today", "2022-06-01"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    let find = |file: &str, rule: &str| {
        diags
            .iter()
            .find(|d| d["file"] == file && d["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} on {file}: {v:#}"))
    };
    assert_eq!(find("content/yaml.md", "frontmatter/syntax")["line"], 3);
    find("content/nofront.md", "frontmatter/missing");
    find("content/kind.md", "frontmatter/invalid-value");
    find("content/empty.md", "document/empty");
    assert!(
        find("content/gbk.md", "document/encoding")["help"]
            .as_str()
            .unwrap()
            .contains("GBK")
    );
    find("content/huge.md", "document/too-large");
    #[cfg(unix)]
    {
        find("content/loop/up", "document/unreadable");
        find("content/dangling.md", "document/unreadable");
        find("content/outside.md", "document/outside-project");
    }
    // The good documents were still checked, with no errors of their own.
    for f in [
        "content/伏牛经开区试点实施方案.md",
        "content/sub-bom-crlf.md",
    ] {
        let errs: Vec<_> = diags
            .iter()
            .filter(|d| d["file"] == f && d["severity"] == "error")
            .collect();
        assert!(errs.is_empty(), "{f}: {errs:#?}");
        assert!(
            diags
                .iter()
                .any(|d| d["file"] == f && d["rule"] == "deadline/upcoming"),
            "{f} not checked"
        );
    }
}

#[test]
fn init_and_new_plan_give_a_checkable_skeleton() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("项目");
    let out = bin().arg("init").arg(&root).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(root.join("shenbao.yaml").is_file());
    // A name that suits a pilot plan and an enterprise's voluntary audit
    // alike (it is the site's title), and the way to both kinds.
    let config = std::fs::read_to_string(root.join("shenbao.yaml")).unwrap();
    assert!(config.contains("name: 清洁生产审核申报材料"), "{config}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("shenbao new plan") && said.contains("shenbao new audit-report"),
        "{said}"
    );
    // init refuses to run twice.
    assert_eq!(
        bin().arg("init").arg(&root).output().unwrap().status.code(),
        Some(2)
    );

    let out = run(&root, &["new", "plan", "甲园区清洁生产审核创新试点"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(root.join("content/甲园区清洁生产审核创新试点.md").is_file());
    // new never overwrites.
    assert_eq!(
        run(&root, &["new", "plan", "甲园区清洁生产审核创新试点"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&root, &["new", "plan", "../逃逸"]).status.code(),
        Some(2)
    );

    let v = json(&run(
        &root,
        &["check", "--format", "json", "--today", "2022-06-01"],
    ));
    let rules = rules_of(&v);
    // The skeleton is well-formed and complete in outline; what is left is
    // the author's to fill in.
    for r in [
        "frontmatter/syntax",
        "frontmatter/unknown-field",
        "outline/missing-section",
        "outline/order",
        "outline/numbering",
    ] {
        assert!(!rules.iter().any(|x| x == r), "{r} in skeleton: {v:#}");
    }
    assert!(rules.iter().any(|x| x == "content/placeholder"));
}

/// A project without a content/ folder (or with a file in its place) has
/// nothing to check: `project/no-content` says so, once, and the check
/// does not fail for it.
#[test]
fn a_project_without_content_is_said_not_silently_passed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("shenbao.yaml"), dir.path().join("shenbao.yaml")).unwrap();
    for content_is_a_file in [false, true] {
        if content_is_a_file {
            std::fs::write(dir.path().join("content"), "# 不是目录\n").unwrap();
        }
        let out = run(
            dir.path(),
            &["check", "--format", "json", "--today", "2022-06-01"],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let v = json(&out);
        let d = finding(&v, "project/no-content").unwrap_or_else(|| panic!("{v:#}"));
        assert_eq!(d["severity"], "warning", "{v:#}");
        assert_eq!(d["file"], "content", "{v:#}");
        let said = if content_is_a_file {
            "不是目录"
        } else {
            "没有 content/ 目录"
        };
        assert!(d["message"].as_str().unwrap().contains(said), "{v:#}");
        assert_eq!(rules_of(&v), ["project/no-content"], "{v:#}");
        assert_eq!(v["summary"]["documents"], 0, "{v:#}");
    }
}
