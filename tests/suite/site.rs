//! The static site written by `shenbao build`: pages, links, anchors,
//! self-containment, escaping and sanitising.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Values of an attribute (`href="…"`) in a page, in order.
fn attrs(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        let after = &rest[i + pat.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push(after[..end].to_string());
        rest = &after[end..];
    }
    out
}

fn decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    unescape(&String::from_utf8(out).unwrap())
}

/// HTML entities tera writes in escaped values.
fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A page's text with entities decoded, for assertions on what it says.
fn page(path: &Path) -> String {
    unescape(&std::fs::read_to_string(path).unwrap())
}

/// Every tag in a page (`<a href=…>`), as written; escaped text is not a tag.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').unwrap_or(after.len());
        if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            out.push(after[..end].to_lowercase());
        }
        rest = &after[end..];
    }
    out
}

fn site(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir.join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

fn build_site(dir: &Path) -> std::process::Output {
    let out = build(dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every `href`/`src` on every page of the built site points at a file
/// that exists, and every `#anchor` at an id on that page.
fn assert_links_resolve(root: &Path) {
    let pages = site(root);
    assert!(pages.len() >= 4, "{pages:?}");
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        assert!(html.contains("<html lang=\"zh-CN\">"), "{}", page.display());
        let ids: BTreeSet<String> = attrs(&html, "id").into_iter().collect();
        for link in attrs(&html, "href").into_iter().chain(attrs(&html, "src")) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            // Split off the anchor first, as a browser does; then decode.
            let link = unescape(&link);
            let (path, anchor) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
            let path = decode(path);
            let path = path.as_str();
            let (path, _query) = path.split_once('?').unwrap_or((path, ""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            assert!(target.exists(), "{}: broken link {link}", page.display());
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                let target_ids: BTreeSet<String> = if target == *page {
                    ids.clone()
                } else {
                    attrs(&std::fs::read_to_string(&target).unwrap(), "id")
                        .into_iter()
                        .collect()
                };
                assert!(
                    target_ids.contains(a),
                    "{}: anchor #{a} missing in {}",
                    page.display(),
                    target.display()
                );
            }
        }
    }
}

#[test]
fn links_work_for_a_document_whose_name_needs_encoding() {
    let dir = demo();
    let content = dir.path().join("content");
    std::fs::rename(
        content.join("伏牛经开区试点实施方案.md"),
        content.join("伏牛 试点方案#1.md"),
    )
    .unwrap();
    build_site(dir.path());
    assert!(dir.path().join("public/pdf/伏牛 试点方案#1.pdf").is_file());
    let index = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(
        index.contains("pdf&#x2F;伏牛%20试点方案%231.pdf"),
        "the PDF link is encoded once"
    );
    assert_links_resolve(dir.path());
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let dir = demo();
    build_site(dir.path());
    assert_links_resolve(dir.path());
    // The document page has a table of contents entry for every section.
    let doc = page(&dir.path().join("public/docs/伏牛经开区试点实施方案.html"));
    for title in [
        "一、试点对象基本概况",
        "（二）试点对象产业概况",
        "七、试点预期产出成果及效益",
    ] {
        assert!(doc.contains(title), "{title}");
    }
    assert!(doc.contains("打印版 PDF"), "PDF link on the document page");
    let index = page(&dir.path().join("public/index.html"));
    assert!(
        index.contains("省级电子件报送") && index.contains("还有 10 天"),
        "timeline with days left"
    );
    assert!(index.contains("<meter"), "package meter");
}

#[test]
fn the_site_is_self_contained() {
    let dir = demo();
    build_site(dir.path());
    for p in site(dir.path()) {
        let html = std::fs::read_to_string(&p).unwrap();
        for tag in ["<script", "<link", "<img", "<iframe"] {
            for (i, _) in html.match_indices(tag) {
                let end = html[i..].find('>').map_or(html.len(), |e| i + e);
                let t = &html[i..end];
                assert!(
                    !t.contains("http://") && !t.contains("https://") && !t.contains("//"),
                    "{}: external resource {t}",
                    p.display()
                );
            }
        }
    }
    let css = std::fs::read_to_string(dir.path().join("public/assets/style.css")).unwrap();
    assert!(!css.contains("url(http") && !css.contains("@import"));
}

/// The demo with a placeholder (an error) in its fifth chapter.
fn demo_with_placeholder_in_section_5() -> tempfile::TempDir {
    let dir = demo();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap().replace(
        "# 五、试点工作特色及主要创新点\n\n",
        "# 五、试点工作特色及主要创新点\n\n此处待补充。\n\n",
    );
    std::fs::write(&md, text).unwrap();
    dir
}

#[test]
fn findings_sit_next_to_their_section_and_on_the_findings_page() {
    let dir = demo_with_placeholder_in_section_5();
    build_site(dir.path());
    let doc = page(&dir.path().join("public/docs/伏牛经开区试点实施方案.html"));
    let sec = doc.find("id=\"s5\"").expect("section 5");
    let next = doc[sec..].find("id=\"s6\"").map_or(doc.len(), |i| sec + i);
    assert!(
        doc[sec..next].contains("content/placeholder"),
        "finding not in its section"
    );
    assert!(
        doc.contains("class=\"checklist\"") && doc.contains("内容详实性"),
        "review checklist"
    );
    let findings = page(&dir.path().join("public/findings.html"));
    assert!(findings.contains("data-rule=\"content/placeholder\""));
    assert!(findings.contains("docs/伏牛经开区试点实施方案.html#f"));
    // One search shard per document, loaded by the search page.
    let shard = std::fs::read_to_string(
        dir.path()
            .join("public/assets/search/伏牛经开区试点实施方案.js"),
    )
    .unwrap();
    assert!(
        shard.starts_with("(window.SHENBAO_SEARCH = window.SHENBAO_SEARCH || []).push(")
            && shard.contains("氨氮")
    );
    let search = page(&dir.path().join("public/search.html"))
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"");
    assert!(search.contains("data-shards=\"[\"assets/search/伏牛经开区试点实施方案.js\"]\""));
    // Fetched by site.js, never loaded as a script of the page.
    assert!(!search.contains("<script src=\"assets/search/"));
}

#[test]
fn nothing_from_the_author_runs_in_a_page() {
    let dir = demo();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace("title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点", "title: \"<script>alert('title')</script>试点\"")
        .replace("  name: 李文华", "  name: \"<img src=x onerror=alert('name')>\"")
        .replace(
            "# 二、试点基础",
            "<script>alert('body')</script>\n\n<img src=x onerror=alert('img')>\n\n[链接](javascript:alert('link'))\n\n<a href=\"javascript:alert('a')\" onclick=\"alert('c')\">a</a>\n\n# 二、试点基础",
        );
    std::fs::write(&md, text).unwrap();
    build(dir.path(), &[]);
    for p in site(dir.path()) {
        let html = std::fs::read_to_string(&p).unwrap();
        for tag in tags(&html) {
            let name = tag.split_whitespace().next().unwrap_or("");
            if name == "script" {
                // Only the site's own scripts, by src.
                let src = tag.replace("&#x2f;", "/");
                assert!(
                    src.contains("src=\"") && src.contains("assets/"),
                    "{}: inline script <{tag}>",
                    p.display()
                );
            }
            assert!(!tag.contains("javascript:"), "{}: <{tag}>", p.display());
            for attr in tag.split_whitespace().skip(1) {
                assert!(
                    !(attr.starts_with("on") && attr.contains('=')),
                    "{}: event handler in <{tag}>",
                    p.display()
                );
            }
        }
    }
    let doc = std::fs::read_to_string(dir.path().join("public/docs/伏牛经开区试点实施方案.html"))
        .unwrap();
    assert!(
        doc.contains("&lt;script&gt;alert("),
        "the title is shown escaped"
    );
}

#[test]
fn a_template_that_fails_to_render_names_its_file() {
    let dir = demo();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/findings.html"), "{% extends \"base.html\" %}\n{% block content %}{{ no_such_value }}{% endblock content %}\n").unwrap();
    let out = build(dir.path(), &[]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("templates/findings.html") && log.contains("no_such_value"),
        "{log}"
    );
}

#[test]
fn a_broken_template_names_its_file_and_line() {
    let dir = demo();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/index.html"), "{% extends \"base.html\" %}\n{% block content %}\n{{ docs | nosuchfilter }\n{% endblock content %}\n").unwrap();
    let out = build(dir.path(), &[]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("site/template") && log.contains("templates/index.html:3"),
        "{log}"
    );
}

#[test]
fn one_changed_document_updates_its_page_and_the_shared_pages() {
    use shenbao::build::{BuildOptions, live_site};
    let dir = demo();
    let mut project = shenbao::project::Project::load(dir.path()).unwrap();
    let opts = BuildOptions {
        pdf: false,
        ..BuildOptions::new(shenbao::call::parse_datetime("2022-06-20", false).unwrap())
    };
    let (mut live, report) = live_site(&project, &opts).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let rel = "content/伏牛经开区试点实施方案.md";
    let md = dir.path().join(rel);
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace(
            "title: 伏牛经济技术开发区工业园区清洁生产整体审核创新试点",
            "title: 伏牛经开区改名后的试点",
        )
        .replace(
            "# 三、试点工作目标\n",
            "# 三、试点工作目标\n\n新增一句含独特词语蓝莓果酱的文字，待补充。\n",
        );
    std::fs::write(&md, text).unwrap();
    let report = live.document_changed(&mut project, rel);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let public = dir.path().join("public");
    assert!(page(&public.join("docs/伏牛经开区试点实施方案.html")).contains("蓝莓果酱"));
    assert!(
        std::fs::read_to_string(public.join("assets/search/伏牛经开区试点实施方案.js"))
            .unwrap()
            .contains("蓝莓果酱")
    );
    assert!(page(&public.join("index.html")).contains("伏牛经开区改名后的试点"));
    // The new placeholder is a finding, on the findings page too.
    assert!(
        live.diagnostics()
            .iter()
            .any(|d| d.rule == "content/placeholder")
    );
    assert!(page(&public.join("findings.html")).contains("content/placeholder"));
    // A deleted document leaves the site.
    std::fs::remove_file(&md).unwrap();
    live.document_changed(&mut project, rel);
    assert!(!public.join("docs/伏牛经开区试点实施方案.html").exists());
    assert!(!page(&public.join("index.html")).contains("伏牛经开区改名后的试点"));
}

/// `N 字节（…），邮件中按 base64 编码约 … MiB` in a text: what a
/// package's size is stated as, on the dashboard and by `pack`.
fn stated_size(text: &str) -> Option<String> {
    let b64 = text.find("邮件中按 base64 编码约")?;
    let end = b64 + text[b64..].find(" MiB")? + 4;
    let start = text[..text.find(" 字节（")?]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    Some(text[start..end].to_string())
}

#[test]
fn the_dashboard_states_the_size_of_the_package_pack_writes() {
    // A real-shaped plan whose package also holds the recommendation
    // letter: the zip is neither the bare PDF nor its base64.
    let dir = fixture("real-plan");
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    let call = preset.replace(
        "  # 进入电子件压缩包的附件类型\n  includes: [plan]",
        "  includes: [plan, recommendation-letter]",
    );
    assert_ne!(call, preset, "the preset's package section moved");
    std::fs::write(dir.path().join("call.yaml"), call).unwrap();
    let cfg = std::fs::read_to_string(dir.path().join("shenbao.yaml")).unwrap();
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        cfg.replace("call: cn-2022-pilot", "call: call.yaml"),
    )
    .unwrap();
    build_site(dir.path());
    let index = dir.path().join("public/index.html");
    let before = stated_size(&page(&index)).expect("the dashboard states a size");

    let out = run(
        dir.path(),
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("推荐函（样例）.png"),
        "the letter is packed: {said}"
    );
    let packed = stated_size(&said).expect("pack states a size");
    assert_eq!(before, packed, "dashboard before pack vs pack");
    assert_eq!(stated_size(&page(&index)).as_deref(), Some(packed.as_str()));
    // And that is the file written.
    let zip = std::fs::read_dir(dir.path().join("public/package"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "zip"))
        .expect("a zip");
    let bytes = zip.metadata().unwrap().len();
    assert!(
        packed.starts_with(&format!("{bytes} 字节（")),
        "{packed} vs {bytes}"
    );
}

#[test]
fn a_voluntary_only_project_names_its_own_notice_and_dates() {
    // An enterprise's form and reports answer the voluntary-audit notice,
    // not the pilot call: the dashboard says so and lists its yearly dates.
    let dir = fixture("voluntary");
    let out = run(
        dir.path(),
        &[
            "build",
            "--no-system-fonts",
            "--no-docx",
            "--today",
            "2023-03-01",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = page(&dir.path().join("public/index.html"));
    assert!(
        index.contains("自愿性清洁生产审核（豫工信办节〔2018〕24号）"),
        "{index}"
    );
    assert!(
        !index.contains("创新试点"),
        "the pilot call is not this project's"
    );
    assert!(index.contains("市级征集自愿性清洁生产审核企业名单"));
    assert!(index.contains("2023年3月15日"), "the next 15 March");
    assert!(index.contains("还有 14 天"));
    assert!(index.contains("市级向省工业和信息化委报送完成验收的企业名单"));
    // The demo has plans: its dashboard keeps the pilot call's dates.
    let demo = demo();
    let out = build(demo.path(), &["--no-docx"]);
    assert!(out.status.success());
    let index = page(&demo.path().join("public/index.html"));
    assert!(index.contains("2022年清洁生产审核创新试点项目申报"));
}

#[test]
fn the_site_counts_what_it_lists_says_what_it_checked_and_links_every_file() {
    let dir = demo_with_placeholder_in_section_5();
    build(dir.path(), &[]);
    // The findings page: the count above the table is the rows in it; the
    // days-left reminders are pointed to, not counted as listed.
    let findings = page(&dir.path().join("public/findings.html"));
    let rows = findings.matches("<tr class=").count();
    assert!(rows > 0);
    assert!(
        findings.contains(&format!("下表共 {rows} 条")),
        "{findings}"
    );
    assert!(findings.contains("条截止时间提醒"), "{findings}");
    // Each finding once on its document page, by its section; the rule
    // and the line are the fine print.
    let doc = page(&dir.path().join("public/docs/伏牛经开区试点实施方案.html"));
    let message = "“待补充”";
    assert_eq!(doc.matches(message).count(), 1, "{doc}");
    assert!(
        doc.contains("五、试点工作特色及主要创新点</a>：1 条"),
        "{doc}"
    );
    // Never "passed" for what a program cannot judge.
    assert!(!doc.contains("自动检查通过"), "{doc}");
    assert!(
        doc.contains("整体质量：") && doc.contains("其余须专家评估"),
        "{doc}"
    );
    // The PDF and the Word file, from the page and the dashboard.
    let index = page(&dir.path().join("public/index.html"));
    for p in [&doc, &index] {
        assert!(p.contains("docx/伏牛经开区试点实施方案.docx"), "{p}");
        assert!(p.contains("pdf/伏牛经开区试点实施方案.pdf"), "{p}");
    }

    // An enterprise's documents: no empty plan columns; a timeline with
    // nothing to show says why.
    let dir = fixture("voluntary");
    std::fs::remove_file(dir.path().join("content/申请表.md")).unwrap();
    std::fs::remove_file(dir.path().join("content/验收自评报告.md")).unwrap();
    build(dir.path(), &["--no-pdf"]);
    let index = page(&dir.path().join("public/index.html"));
    assert!(
        !index.contains(">类别<") && !index.contains(">省份<"),
        "{index}"
    );
    assert!(index.contains("本项目没有这两类文档"), "{index}");
}

#[test]
fn a_pages_extra_word_files_are_its_own_not_those_of_a_document_named_after_it() {
    let dir = demo();
    let root = dir.path();
    let plan = root.join("content/伏牛经开区试点实施方案.md");
    let second = root.join("content/伏牛经开区试点实施方案-二期.md");
    std::fs::copy(&plan, &second).unwrap();
    // After the deadlines: the check has findings, so both get a comments
    // file.
    let out = run(
        root,
        &["build", "--no-system-fonts", "--today", "2022-12-01"],
    );
    assert!(out.status.code().is_some(), "{out:?}");
    // Both have a comments file: 甲-二期-检查意见 is 甲-二期's, not 甲's.
    assert!(
        root.join("public/docx/伏牛经开区试点实施方案-二期-检查意见.docx")
            .is_file()
    );
    let first = page(&root.join("public/docs/伏牛经开区试点实施方案.html"));
    let other = page(&root.join("public/docs/伏牛经开区试点实施方案-二期.html"));
    assert_eq!(first.matches("Word 文件（").count(), 1, "{first}");
    assert!(first.contains("Word 文件（检查意见）"), "{first}");
    assert!(!first.contains("二期-检查意见"), "{first}");
    assert!(other.contains("Word 文件（检查意见）"), "{other}");
}
