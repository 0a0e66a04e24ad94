//! The second round on a real-shaped plan with a git history: the plan as
//! the experts read it is tagged 送审版, then revised; a response answers
//! the comments. Checked, printed (read back with pdftotext), exported
//! (the tracked-changes .docx read back, validated, and opened by
//! LibreOffice) and shown on the site.

use std::path::Path;
use std::process::Command;

use crate::common::{build, demo, finding, json, pdf_text, rules_of, run};

const PLAN: &str = "content/伏牛经开区试点实施方案.md";

fn git(root: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(root)
        .args(["-c", "user.name=测试", "-c", "user.email=t@example.org"])
        .args(args)
        .output()
        .expect("git is needed to make the test's history");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The demo, committed and tagged 送审版, then revised: a sentence in
/// 一（一） changed and a paragraph added after it, a cell of the
/// industry table changed, the last paragraph of 二（一） deleted.
fn revised_project() -> tempfile::TempDir {
    let dir = demo();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "送审"]);
    git(root, &["tag", "送审版"]);
    let plan = root.join(PLAN);
    let text = std::fs::read_to_string(&plan).unwrap();
    let text = text.replacen(
        "经开区位于伏牛市中心城区东南方向12公里",
        "经开区位于伏牛市中心城区东南方向约12公里，四至范围为东至京港澳高速、西至伏牛河，规划面积42.6平方公里",
        1,
    );
    let at = text.find("## （二）试点对象产业概况").unwrap();
    let text = format!(
        "{}经开区边界清晰，不跨地市行政区域。\n\n{}",
        &text[..at],
        &text[at..]
    );
    let text = text.replacen("| 新型建材 | 24 | 96.2 |", "| 新型建材 | 24 | 98.6 |", 1);
    let start = text.find("对照国家和河南省的要求").unwrap();
    let end = start + text[start..].find("\n\n").unwrap() + 2;
    let text = format!("{}{}", &text[..start], &text[end..]);
    // A field the cover and tables are made from, and a small new table.
    let text = text.replacen("专职管理人员3名", "专职管理人员5名", 1);
    let text = text.replacen(
        "经开区边界清晰，不跨地市行政区域。\n",
        "经开区边界清晰，不跨地市行政区域。\n\n| 方位 | 界线 |\n|---|---|\n| 东 | 京港澳高速 |\n| 西 | 伏牛河 |\n",
        1,
    );
    std::fs::write(&plan, text).unwrap();
    dir
}

fn response(root: &Path, comments: &str, reviewed: &str) {
    std::fs::write(
        root.join("content/专家意见修改说明.md"),
        format!(
            "---\nkind: review-response\ntitle: 关于《伏牛经开区试点实施方案》专家意见的修改说明\nfor: {PLAN}\nreviewed: {reviewed}\napplicant: 伏牛经济技术开发区管理委员会\ndate: 2022-08-20\ncomments:\n{comments}---\n\n根据专家评审意见，我委对实施方案进行了修改，现将修改情况说明如下。\n"
        ),
    )
    .unwrap();
}

const ANSWERED: &str = "  - id: 1\n    by: 专家组\n    text: 补充园区边界四至范围和规划面积\n    section: 一（一）\n    response: 已在一（一）中补充园区四至范围和规划面积\n  - id: 2\n    text: 核实技术路线\n    section: 试点方法及技术路线\n    response: 经核实无误，未作修改\n  - id: 3\n    text: 全文统一计量单位\n    section: 全文\n    response: 已统一为法定计量单位\n";

#[test]
fn a_response_is_checked_against_the_revised_plan_and_its_reviewed_version() {
    let dir = revised_project();
    let root = dir.path();
    response(
        root,
        "  - id: 1\n    text: 补充园区边界四至范围\n    section: 一（一）\n    response: 已补充四至范围\n  - id: 2\n    text: 细化工作目标\n    section: 三、试点工作目标\n    response: 已补充量化目标\n  - id: 3\n    text: 说明资金来源\n    section: 试点对象范围与区位\n  - id: 4\n    text: 补充保障措施\n    section: 第九章 保障措施\n    response: 已补充\n",
        "送审版",
    );
    let v = json(&run(
        root,
        &["check", "--format", "json", "--today", "2022-08-20"],
    ));
    let of = |rule: &str| -> Vec<(String, u64)> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == rule)
            .map(|d| {
                (
                    d["severity"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // Comment 3 has no answer (line of its text), comment 4 names a
    // section the plan does not have, comment 2 says it changed a section
    // that is as the experts read it; comment 1 changed 一（一） and is
    // not reported.
    assert_eq!(
        of("review/unanswered"),
        [("error".to_string(), 18)],
        "{v:#}"
    );
    assert_eq!(of("review/section"), [("error".to_string(), 22)], "{v:#}");
    assert_eq!(
        of("review/unchanged"),
        [("warning".to_string(), 16)],
        "{v:#}"
    );
    assert!(finding(&v, "review/reviewed").is_none(), "{v:#}");

    // A title as the experts' version had it: the nearest heading is
    // suggested.
    response(
        root,
        "  - id: 1\n    text: 突出特色\n    section: 试点工作特色与创新点\n    response: 已补充\n",
        "送审版",
    );
    let v = json(&run(root, &["check", "--format", "json"]));
    let d = finding(&v, "review/section").expect("a renamed title");
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("是否是“五、试点工作特色及主要创新点”"),
        "{d:#}"
    );

    // An unknown revision: the tags the repository has are named.
    response(root, ANSWERED, "终审版");
    let v = json(&run(root, &["check", "--format", "json"]));
    let d = finding(&v, "review/reviewed").expect("unknown revision");
    assert_eq!(d["severity"], "error");
    assert!(d["help"].as_str().unwrap().contains("送审版"), "{d:#}");
    // The build does not print the response without its comparison, and
    // says so at the line of `reviewed` (it printed one without it).
    let out = build(root, &[]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.matches("print/comparison").count(), 1, "{said}");
    assert!(said.contains("专家意见修改说明.md:5:"), "{said}");
    assert!(!said.contains("docx/export"), "{said}");
    assert!(said.contains("终审版"), "{said}");
    assert_ne!(out.status.code(), Some(0));
    assert!(!root.join("public/pdf/专家意见修改说明.pdf").exists());
    assert!(!root.join("public/docx/专家意见修改说明.docx").exists());
    assert!(root.join("public/pdf/伏牛经开区试点实施方案.pdf").exists());

    // A kept copy in place of git: no repository needed.
    let kept = tempfile::tempdir().unwrap();
    crate::common::copy_dir(root, kept.path());
    std::fs::remove_dir_all(kept.path().join(".git")).unwrap();
    std::fs::create_dir(kept.path().join("送审稿")).unwrap();
    let old = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("送审版:{PLAN}")])
        .output()
        .unwrap();
    std::fs::write(kept.path().join("送审稿/实施方案.md"), &old.stdout).unwrap();
    response(kept.path(), ANSWERED, "送审稿/实施方案.md");
    let v = json(&run(kept.path(), &["check", "--format", "json"]));
    assert!(
        !rules_of(&v).iter().any(|r| r.starts_with("review/")),
        "{v:#}"
    );
    // Without the copy, and without git, it says so.
    response(kept.path(), ANSWERED, "送审版");
    let v = json(&run(kept.path(), &["check", "--format", "json"]));
    let d = finding(&v, "review/reviewed").expect("no repository");
    assert!(d["message"].as_str().unwrap().contains("git"), "{d:#}");
}

#[test]
fn a_response_prints_its_table_and_comparison_and_a_tracked_changes_word_file() {
    let dir = revised_project();
    let root = dir.path();
    response(root, ANSWERED, "送审版");
    let out = build(root, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("伏牛经开区试点实施方案-修订.docx"),
        "{stdout}"
    );

    // The PDF: the table of comments with the section as numbered, then
    // the comparison of 一（一） with the comment it answers.
    let pdf = root.join("public/pdf/专家意见修改说明.pdf");
    let text: String = pdf_text(&pdf, None, None, false)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // 修改位置 names the page the revised PDF prints the section on
    // (the number printed at its foot, — N —).
    let at = text
        .find("四（二）试点方法及技术路线（第")
        .expect("a page for 四（二）")
        + "四（二）试点方法及技术路线（第".len();
    let page: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(
        !page.is_empty() && text[at + page.len()..].starts_with("页）"),
        "{text}"
    );
    let plan_pdf = root.join("public/pdf/伏牛经开区试点实施方案.pdf");
    let layout = pdf_text(&plan_pdf, None, None, true);
    let pages: Vec<&str> = layout.split('\u{c}').collect();
    let on = pages
        .iter()
        .find(|p| {
            p.contains("试点方法及技术路线") && p.contains(&format!("—{page}—"))
                || p.contains("试点方法及技术路线") && p.contains(&format!("— {page} —"))
        })
        .is_some();
    assert!(
        on,
        "section 四（二） is printed on the page numbered {page}"
    );
    // The Word file names the same page.
    let word = texts(&unzip(
        &root.join("public/docx/专家意见修改说明.docx"),
        "word/document.xml",
    ));
    assert!(
        word.contains(&format!("四（二）试点方法及技术路线（第{page}页）")),
        "{word}"
    );
    for want in [
        "修改位置",
        "一（一）试点对象范围与区位",
        "修改对照表",
        "送审版（git提交",
        "一（一）试点对象范围与区位（意见1）",
        "经开区边界清晰，不跨地市行政区域。",
        // The field change, in its own place.
        "字段区（封面、附表等由字段生成的内容）",
        "专职管理人员5名",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    // The paragraph removed from the end of 二（一） is shown there, not
    // under 二（二） after it; no comment claims it.
    assert!(
        text.contains("二（一）环境现状与主要问题修改前修改后对照国家"),
        "{text}"
    );
    assert!(!text.contains("二（二）清洁生产工作基础"), "{text}");

    // The tracked-changes file: the inserted characters as w:ins by
    // 修改稿, the unchanged text as plain runs, no deletion but those made.
    let tracked = root.join("public/docx/伏牛经开区试点实施方案-修订.docx");
    let xml = unzip(&tracked, "word/document.xml");
    let ins: Vec<String> = between(&xml, "<w:ins ", "</w:ins>");
    assert!(
        ins.iter().all(|i| i.contains("w:author=\"修改稿\"")),
        "{ins:?}"
    );
    let inserted: String = ins.iter().map(|i| texts(i)).collect();
    assert!(inserted.contains("约"), "{inserted}");
    assert!(
        inserted.contains("四至范围为东至京港澳高速、西至伏牛河，规划面积42.6平方公里"),
        "{inserted}"
    );
    assert!(
        inserted.contains("经开区边界清晰，不跨地市行政区域。"),
        "{inserted}"
    );
    // The table cell changed, as a revision in its cell: 96.2 → 98.6.
    assert!(inserted.contains("98.6"), "{inserted}");
    let deleted: String = between(&xml, "<w:del ", "</w:del>")
        .iter()
        .flat_map(|d| between(d, "<w:delText", "</w:delText>"))
        .filter_map(|t| t.find('>').map(|i| t[i + 1..].to_string()))
        .collect();
    assert!(deleted.contains("96.2"), "{deleted}");
    // The paragraph removed from the end of 二（一）, kept as deleted text.
    assert!(deleted.contains("对照国家和河南省的要求"), "{deleted}");
    // It is the plan's own Word file: its tables and its sections
    // (cover, contents, body) are there.
    assert!(xml.matches("<w:tbl>").count() >= 3, "tables kept");
    // The new table's rows are inserted rows (w:trPr/w:ins), so that
    // rejecting them leaves no empty grid.
    let inserted_rows = between(&xml, "<w:trPr>", "</w:trPr>")
        .iter()
        .filter(|p| p.contains("<w:ins "))
        .count();
    assert_eq!(inserted_rows, 3, "header and two rows");
    // The changed field is not a revision in the body: said, not silent.
    assert!(stdout.contains("docx/tracked"), "{stdout}");
    assert!(xml.matches("<w:sectPr").count() >= 2, "sections kept");
    assert!(
        texts(&xml).contains("伏牛港铁路专用线"),
        "unchanged text is kept"
    );

    // Valid for Word, and LibreOffice shows the revisions as changes: with
    // them rejected the text is the reviewed version's.
    let findings = crate::docx::openxml_audit(&[
        tracked.clone(),
        root.join("public/docx/专家意见修改说明.docx"),
    ]);
    assert!(findings.is_empty(), "{findings:#?}");
    let lo = tempfile::tempdir().unwrap();
    let pdfs = crate::docx::soffice_to_pdf(std::slice::from_ref(&tracked), lo.path());
    let shown: String = pdf_text(&pdfs[0], None, None, false)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(shown.contains("东南方向约12公里"), "{shown}");

    // The site: the response's page shows both sides; the plan links it.
    let page = std::fs::read_to_string(root.join("public/docs/专家意见修改说明.html")).unwrap();
    assert!(page.contains("<ins>约</ins>"), "no marked insertion");
    assert!(page.contains("修改对照表"));
    let plan_page =
        std::fs::read_to_string(root.join("public/docs/伏牛经开区试点实施方案.html")).unwrap();
    assert!(
        plan_page.contains("专家意见修改说明.html"),
        "plan page links its response"
    );
    // …and the Word files made beside its own: the tracked changes.
    assert!(
        plan_page.contains("伏牛经开区试点实施方案-修订.docx\">Word 文件（修订）"),
        "plan page links its tracked-changes file"
    );
}

#[test]
fn new_response_scaffolds_from_the_revised_document() {
    let dir = demo();
    let root = dir.path();
    let o = run(root, &["new", "response", "修改说明", "--for", PLAN]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(root.join("content/修改说明.md")).unwrap();
    assert!(text.contains(&format!("for: \"{PLAN}\"")), "{text}");
    assert!(text.contains("专家意见的修改说明"), "{text}");
    assert!(
        text.contains("applicant: \"伏牛经济技术开发区管理委员会\""),
        "{text}"
    );
    // Without --for it says what to write; over a file it refuses.
    let o = run(root, &["new", "response", "另一份"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--for"));
    let o = run(root, &["new", "response", "修改说明", "--for", PLAN]);
    assert!(!o.status.success());
}

fn unzip(file: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    std::io::read_to_string(z.by_name(part).unwrap()).unwrap()
}

fn between(xml: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let tail = &rest[i..];
        let Some(j) = tail.find(close) else { break };
        out.push(tail[..j].to_string());
        rest = &tail[j..];
    }
    out
}

/// The text of the `w:t` elements in an XML fragment.
fn texts(xml: &str) -> String {
    between(xml, "<w:t", "</w:t>")
        .iter()
        .filter_map(|t| t.find('>').map(|i| t[i + 1..].to_string()))
        .collect()
}

#[test]
fn a_reviewers_word_comments_become_the_responses_comments() {
    let dir = demo();
    let root = dir.path();
    // A reviewer's .docx as Word writes it: two comments on paragraphs of
    // the plan, one on a table cell.
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let body = r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、试点对象基本概况</w:t></w:r></w:p><w:p><w:commentRangeStart w:id="0"/><w:r><w:t>经开区位于伏牛市中心城区东南方向12公里，距郑州新郑国际机场约85公里。</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p><w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>六、试点项目实施计划</w:t></w:r></w:p><w:p><w:r><w:t>（正文已改写）</w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:t>x</w:t></w:r><w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r></w:p>"#;
    let comments = r#"<w:comment w:id="0" w:author="李明"><w:p><w:r><w:t>补充园区边界四至范围</w:t></w:r></w:p></w:comment><w:comment w:id="1" w:author="专家组"><w:p><w:r><w:t>进度安排细化到月</w:t></w:r></w:p></w:comment>"#;
    let styles =
        r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>"#;
    let file = root.join("专家意见.docx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    for (name, tag, inner) in [
        (
            "word/document.xml",
            "w:document",
            format!("<w:body>{body}</w:body>"),
        ),
        ("word/comments.xml", "w:comments", comments.to_string()),
        ("word/styles.xml", "w:styles", styles.to_string()),
    ] {
        z.start_file(name, o).unwrap();
        std::io::Write::write_all(&mut z, format!("<{tag} {w}>{inner}</{tag}>").as_bytes())
            .unwrap();
    }
    z.finish().unwrap();

    let out = run(
        root,
        &[
            "import",
            file.to_str().unwrap(),
            "--comments",
            "--for",
            PLAN,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made = root.join("content/专家意见-修改说明.md");
    let text = std::fs::read_to_string(&made).unwrap();
    assert!(text.contains("by: \"李明\"\n    text: \"补充园区边界四至范围\"\n    section: \"一（一）试点对象范围与区位\""), "{text}");
    // The second comment's paragraph is not in the plan: the heading
    // above it in the reviewer's file places it.
    assert!(
        text.contains("text: \"进度安排细化到月\"\n    section: \"六、试点项目实施计划\""),
        "{text}"
    );
    // Never over a file: the same import again refuses.
    let again = run(
        root,
        &[
            "import",
            file.to_str().unwrap(),
            "--comments",
            "--for",
            PLAN,
        ],
    );
    assert!(!again.status.success());
    // The answers are still to write: the check says so at each.
    let v = json(&run(root, &["check", "--format", "json"]));
    let unanswered: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["file"] == "content/专家意见-修改说明.md" && d["rule"] == "content/placeholder"
        })
        .collect();
    assert!(unanswered.len() >= 2, "{v:#}");
    // --for without --comments is refused with what to write.
    let o = run(root, &["import", file.to_str().unwrap(), "--for", PLAN]);
    assert!(!o.status.success());
}

/// In the preview, an edit of the revised plan reaches its response's
/// page and PDF (the comparison is of the plan), not only the plan's.
#[test]
fn the_preview_updates_the_comparison_when_the_revised_plan_is_edited() {
    use crate::common::serve::{enc, events, get, start, wait_for};
    let dir = revised_project();
    let root = dir.path();
    response(root, ANSWERED, "送审版");
    let server = start(root, &[]);
    let rx = events(&server.addr);
    wait_for(&rx, "hello", |v| v["type"] == "hello");
    let page = "docs/专家意见修改说明.html";
    let pdf = "pdf/专家意见修改说明.pdf";
    let plan = root.join(PLAN);
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replacen("经开区边界清晰", "经开区边界清晰（预览新增）", 1),
    )
    .unwrap();
    let lists = |v: &serde_json::Value, key: &str, item: &str| {
        v[key]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p == item || p == "*"))
    };
    wait_for(&rx, "the response's page", |v| {
        v["type"] == "reload" && lists(v, "pages", page)
    });
    let (status, body) = get(&server.addr, &format!("/{}", enc(page)));
    assert_eq!(status, 200);
    assert!(body.contains("预览新增"), "the comparison follows the plan");
    wait_for(&rx, "the response's PDF", |v| {
        v["type"] == "pdf" && lists(v, "pdfs", pdf)
    });
    let (_, _, bytes) =
        crate::common::serve::request(&server.addr, "GET", &format!("/{}", enc(pdf)));
    let file = root.join("got.pdf");
    std::fs::write(&file, bytes).unwrap();
    let printed: String = pdf_text(&file, None, None, false)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(printed.contains("预览新增"), "{printed}");
}
