//! `shenbao build`: the printed volume, read back from the PDF with
//! poppler (pdftotext, pdfinfo, pdffonts) and qpdf (bookmarks).

use std::path::{Path, PathBuf};

use crate::common::*;

const DEMO_PDF: &str = "public/pdf/伏牛经开区试点实施方案.pdf";

fn stdout(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn built(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = build(dir, extra);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    dir.join(DEMO_PDF)
}

/// Chinese characters of a text, in order (no spaces, punctuation kept).
fn cjk(s: &str) -> String {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect()
}

#[test]
fn demo_volume_reads_back_correctly() {
    let dir = demo();
    let pdf = built(dir.path(), &[]);
    let info = pdf_info(&pdf);
    assert!(info["Page size"].contains("(A4)"), "{info:?}");
    // The whole title: the plan's title with the kind it is.
    assert_eq!(
        info["Title"],
        "伏牛经济技术开发区工业园区清洁生产整体审核创新试点实施方案"
    );
    assert_eq!(info["Author"], "伏牛经济技术开发区管理委员会");
    let pages: usize = info["Pages"].parse().unwrap();
    // Language zh-CN in the catalog (uncompressed with qpdf to read it).
    let qdf = dir.path().join("qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            &pdf.to_string_lossy(),
            &qdf.to_string_lossy(),
        ],
    );
    assert!(String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).contains("/Lang (zh-CN)"));

    // Every font is embedded (and subset).
    let fonts = tool("pdffonts", &[&pdf.to_string_lossy()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
    }
    assert!(fonts.contains("FandolFang"), "{fonts}");

    // Text in reading order: the cover, then the outline's headings in
    // order, and the Chinese text unbroken.
    let text = pdf_text(&pdf, None, None, false);
    let cover = pdf_text(&pdf, Some(1), Some(1), false);
    assert!(cjk(&cover).contains(&cjk("伏牛经济技术开发区工业园区清洁生产整体审核创新试点")));
    assert!(
        cover.contains("送审版") && cover.contains("申报单位：伏牛经济技术开发区管理委员会"),
        "{cover}"
    );
    // The contents page lists every heading too: the body comes after its
    // last entry, the attachment.
    let body_text = cjk(&text);
    let marker = "项目推荐函样例";
    let mut at = body_text
        .find(marker)
        .expect("contents entry of the letter")
        + marker.len();
    for h in [
        "试点对象基本概况",
        "试点对象范围与区位",
        "试点对象产业概况",
        "试点基础",
        "环境现状与主要问题",
        "清洁生产工作基础",
        "试点工作目标",
        "试点工作内容",
        "试点内容",
        "试点方法及技术路线",
        "试点工作特色及主要创新点",
        "试点项目实施计划",
        "试点预期产出成果及效益",
    ] {
        let found = body_text[at..].find(h).map(|i| i + at);
        assert!(
            found.is_some(),
            "heading {h} missing or out of order (after byte {at})"
        );
        at = found.unwrap_or(at);
    }
    // A long Chinese sentence comes through unbroken (no lost or split characters).
    let md = std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let sentence = "经开区已形成以石化化工新型建材装备制造含工业涂装为主导的产业体系";
    assert!(cjk(&md).contains(sentence) && body_text.contains(sentence));
    // The author's own numbers are not doubled.
    assert!(!text.contains("一、一、") && !text.contains("（一）（一）"));

    // Bookmarks: every section, nested, and the attachment.
    let outline = pdf_outline(&pdf);
    let titles: Vec<&str> = outline.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(
        outline.iter().filter(|(d, _, _)| *d == 0).count(),
        8,
        "{titles:?}"
    );
    assert_eq!(
        outline.iter().filter(|(d, _, _)| *d == 1).count(),
        6,
        "{titles:?}"
    );
    assert!(
        titles[0].starts_with("一、") && titles[0].ends_with("试点对象基本概况"),
        "{titles:?}"
    );
    let (_, letter, letter_page) = outline.last().unwrap();
    assert!(
        letter.starts_with("附件　") && letter.contains("推荐函"),
        "{letter}"
    );
    // Double-sided: the body and the attachment start on odd pages; the
    // letter is the last page.
    assert_eq!(
        outline[0].2 % 2,
        1,
        "body starts on an even page: {outline:?}"
    );
    assert_eq!(letter_page % 2, 1);
    assert_eq!(*letter_page as usize, pages);
    // Page numbers — 1 — … on the body pages, none on the cover.
    let first: String = pdf_text(
        &pdf,
        Some(outline[0].2 as usize),
        Some(outline[0].2 as usize),
        false,
    )
    .split_whitespace()
    .collect();
    assert!(first.ends_with("—1—"), "{first}");
    assert!(!cover.contains("—"));
}

#[test]
fn a_full_page_of_body_text_is_22_lines_of_28_characters() {
    // Ideographs only, so every line break is a grid decision.
    let run: String = "清洁生产审核创新试点工作方案编制"
        .chars()
        .cycle()
        .take(2600)
        .collect();
    let mut body = String::new();
    for (i, t) in [
        "试点对象基本概况",
        "试点基础",
        "试点工作目标",
        "试点工作内容",
        "试点工作特色及主要创新点",
        "试点项目实施计划",
        "试点预期产出成果及效益",
    ]
    .iter()
    .enumerate()
    {
        body.push_str(&format!("# {t}\n\n"));
        if i == 0 {
            body.push_str(&format!("{run}\n\n"));
        } else {
            body.push_str("本节内容从略。\n\n");
        }
    }
    let dir = plan_project(&body);
    let pdf = built(dir.path(), &[]);
    let outline = pdf_outline(&pdf);
    let first_body = outline[0].2 as usize;
    // 2,600 characters are about four pages: the second is full.
    let page = pdf_text(&pdf, Some(first_body + 1), Some(first_body + 1), true);
    let lines: Vec<String> = page
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|l: &String| !l.is_empty() && !l.starts_with('—'))
        .collect();
    assert_eq!(lines.len(), 22, "{lines:#?}");
    for l in &lines {
        assert_eq!(l.chars().count(), 28, "line {l}");
    }
}

#[test]
fn deep_nesting_and_circular_footnotes_print() {
    let mut body =
        String::from("# 试点对象基本概况\n\n正文[^a]。\n\n[^a]: 见[^b]。\n\n[^b]: 又见[^a]。\n\n");
    body.push_str(&format!("{}深层引用\n\n", "> ".repeat(20)));
    for i in 0..40 {
        body.push_str(&format!("{}- 第{i}层\n", "  ".repeat(i)));
    }
    body.push_str("\n# 试点基础\n\n正文。\n");
    let dir = plan_project(&body);
    let pdf = built(dir.path(), &[]);
    let text: String = pdf_text(&pdf, None, None, false)
        .split_whitespace()
        .collect();
    for want in ["又见", "深层引用", "第0层", "第39层"] {
        assert!(text.contains(want), "{want} missing");
    }
}

#[test]
fn typst_markup_in_prose_is_printed_as_typed() {
    let nasty = "注意#read(\"/etc/passwd\")与#import \"x\": *与$x^2$与@ref与<label>与\\与]与[与#set page(width: 1pt)";
    let body = format!("# 试点对象基本概况\n\n{nasty}\n\n# 试点基础\n\n正文。\n");
    let dir = plan_project(&body);
    let pdf = built(dir.path(), &[]);
    // Long runs get invisible break opportunities (U+200B).
    let text: String = pdf_text(&pdf, None, None, false)
        .replace('\u{200B}', "")
        .split_whitespace()
        .collect();
    let want: String = nasty.split_whitespace().collect();
    assert!(text.contains(&want), "{want} not found in:\n{text}");
    // The page size was not changed by the text.
    assert!(pdf_info(&pdf)["Page size"].contains("(A4)"));
}

#[test]
fn no_glyph_is_missing_with_bundled_fonts_only() {
    let dir = demo();
    let out = build(dir.path(), &[]);
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(!log.contains("print/missing-glyph"), "{log}");
    assert!(log.contains("内置字体"), "{log}");
    // A bundled stand-in says what it stands in for (unless this machine
    // has the official font).
    if log.contains("FandolSong（内置字体") {
        assert!(log.contains("代替本机没有的 方正小标宋简体"), "{log}");
    }
    // Every Chinese character of the plan's text is in the PDF's text.
    let md = std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let body = &md[md[4..].find("\n---\n").unwrap() + 4..];
    let text = pdf_text(&dir.path().join(DEMO_PDF), None, None, false);
    let have: std::collections::BTreeSet<char> = cjk(&text).chars().collect();
    let missing: String = cjk(body).chars().filter(|c| !have.contains(c)).collect();
    assert!(missing.is_empty(), "characters lost in print: {missing}");
}

#[test]
fn a_character_no_font_has_is_reported() {
    let dir = plan_project("# 试点对象基本概况\n\n楔形文字𒀀不在任何内置字体中。\n");
    let out = build(dir.path(), &[]);
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("print/missing-glyph") && log.contains('𒀀'),
        "{log}"
    );
    // At the line where the character stands.
    let md = std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let line = md.lines().position(|l| l.contains('𒀀')).unwrap() + 1;
    assert!(
        log.contains(&format!("伏牛经开区试点实施方案.md:{line}:")),
        "{log}"
    );
}

#[test]
fn bad_images_fail_only_their_document_and_keep_the_last_good_pdf() {
    let dir = demo();
    let pdf = built(dir.path(), &[]);
    let good = std::fs::read(&pdf).unwrap();
    // A second plan in the same project, with a file that is no image.
    let other =
        std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    std::fs::write(dir.path().join("content/损坏.png"), b"not a png").unwrap();
    std::fs::write(
        dir.path().join("content/第二份.md"),
        other.clone() + "\n![损坏的图](损坏.png)\n",
    )
    .unwrap();
    // And break the first plan's image as well, after its good build.
    std::fs::write(
        dir.path().join("content/伏牛经开区试点实施方案.md"),
        other.clone() + "\n![损坏的图](损坏.png)\n",
    )
    .unwrap();
    let out = build(dir.path(), &[]);
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("print/typst-error"), "{log}");
    // The error points at the Markdown line of the image.
    let lines = other.lines().count() + 2;
    assert!(
        log.contains(&format!("content/伏牛经开区试点实施方案.md:{lines}:")),
        "{log}"
    );
    // The failed build left the last good PDF as it was.
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    // A missing image does not stop the build: a visible notice instead.
    std::fs::write(
        dir.path().join("content/伏牛经开区试点实施方案.md"),
        other + "\n![不存在的图](无此图.png)\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("content/第二份.md")).unwrap();
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(pdf_text(&pdf, None, None, false).contains("图片无法使用"));
}

#[test]
fn a_pdf_letter_is_bound_page_by_page() {
    // Make a real two-part PDF with shenbao itself, then bind it.
    let letter_src = demo();
    let letter_pdf = built(letter_src.path(), &[]);
    let letter_pages: u64 = pdf_info(&letter_pdf)["Pages"].parse().unwrap();
    let dir = demo();
    std::fs::copy(
        &letter_pdf,
        dir.path().join("content/attachments/letter.pdf"),
    )
    .unwrap();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap().replace(
        "file: content/attachments/推荐函（样例）.png",
        "file: content/attachments/letter.pdf",
    );
    std::fs::write(&md, text).unwrap();
    let pdf = built(dir.path(), &[]);
    let pages: u64 = pdf_info(&pdf)["Pages"].parse().unwrap();
    let outline = pdf_outline(&pdf);
    let (_, title, start) = outline.last().unwrap();
    // One attachment: 附件, no number (GB/T 9704 §8).
    assert!(title.starts_with("附件　"), "{title}");
    assert_eq!(
        pages,
        start + letter_pages - 1,
        "every page of the letter is bound"
    );
    // The letter's own cover text is on its first bound page.
    assert!(pdf_text(&pdf, Some(*start as usize), Some(*start as usize), false).contains("送审版"));
}

#[test]
fn emit_typst_writes_sources_beside_the_pdf() {
    let dir = demo();
    built(dir.path(), &["--emit-typst"]);
    let typ =
        std::fs::read_to_string(dir.path().join("public/pdf/伏牛经开区试点实施方案.typ")).unwrap();
    assert!(typ.contains("#import \"_theme/plan.typ\": volume"));
    assert!(dir.path().join("public/pdf/_theme/plan.typ").is_file());
}

#[test]
fn a_broken_theme_is_reported_at_its_file_and_line() {
    let dir = demo();
    std::fs::create_dir_all(dir.path().join("templates/print")).unwrap();
    let theme = std::fs::read_to_string(repo().join("themes/default/print/plan.typ")).unwrap();
    let broken = theme.replacen(
        "#let phase = state(\"shenbao-phase\", \"front\")",
        "#let phase = state(\"shenbao-phase\", \"front\")\n#let oops = (1 +",
        1,
    );
    std::fs::write(dir.path().join("templates/print/plan.typ"), broken).unwrap();
    let out = build(dir.path(), &[]);
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("templates/print/plan.typ:"), "{log}");
}

#[test]
fn pdf_a_for_archiving() {
    let dir = demo();
    let pdf = built(dir.path(), &["--pdf-a"]);
    // The XMP metadata declares PDF/A-2b.
    let bytes = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).into_owned();
    assert!(
        bytes.contains("pdfaid:part>2<") && bytes.contains("pdfaid:conformance>B<"),
        "no PDF/A-2b identification"
    );
    assert!(
        pdf_info(&pdf)["CreationDate"].contains("2022"),
        "the plan's date is the document date"
    );
    // A PDF attachment cannot be bound into PDF/A: a clear error, no file.
    std::fs::remove_file(&pdf).unwrap();
    std::fs::copy(
        repo().join("tests/golden/broken.json"),
        dir.path().join("content/attachments/x.pdf"),
    )
    .unwrap();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace("推荐函（样例）.png", "x.pdf");
    std::fs::write(&md, text).unwrap();
    let out = build(dir.path(), &["--pdf-a"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("PDF/A 文件中不能嵌入 PDF 附件"),
        "{}",
        stdout(&out)
    );
    assert!(!pdf.exists());
}

#[test]
fn parallel_and_serial_builds_give_the_same_pdfs() {
    let dir = demo();
    let second =
        std::fs::read_to_string(dir.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    std::fs::write(dir.path().join("content/副本.md"), second).unwrap();
    built(dir.path(), &["--jobs", "1"]);
    let a = std::fs::read(dir.path().join("public/pdf/副本.pdf")).unwrap();
    // --force: the first build's PDFs would otherwise be kept.
    built(dir.path(), &["--jobs", "2", "--force"]);
    let b = std::fs::read(dir.path().join("public/pdf/副本.pdf")).unwrap();
    assert_eq!(a, b, "builds are deterministic");
}

#[test]
fn units_with_superscripts_in_fields_print_in_the_body_font() {
    // mg/m³ and CO₂ written in front matter (an indicator's unit and name)
    // print as raised and lowered digits of the body font, as they do in
    // the body: no fallback font, no warning.
    let dir = fixture("voluntary");
    let path = dir.path().join("content/验收自评报告.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("    unit: 立方米/吨"));
    let text = text
        .replacen("    unit: 立方米/吨", "    unit: mg/m³", 1)
        .replacen("单位产品新鲜水耗", "单位产品CO₂排放", 1);
    std::fs::write(&path, text).unwrap();
    // The application form is laid out on its own sheet.
    let form = dir.path().join("content/申请表.md");
    let text = std::fs::read_to_string(&form).unwrap();
    assert!(text.contains("氮氧化物21.6吨"));
    std::fs::write(
        &form,
        text.replacen("氮氧化物21.6吨", "NOₓ 21.6吨、颗粒物 12 mg/m³", 1),
    )
    .unwrap();
    let out = build(dir.path(), &["--no-docx"]);
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(!log.contains("print/fallback-font"), "{log}");
    for (name, expect) in [
        ("验收自评报告", &["mg/m3", "CO2"][..]),
        ("申请表", &["NOx", "mg/m3"][..]),
    ] {
        let pdf = dir.path().join(format!("public/pdf/{name}.pdf"));
        let fonts = tool("pdffonts", &[&pdf.to_string_lossy()]);
        assert!(!fonts.contains("Libertinus"), "{name}: {fonts}");
        let text = pdf_text(&pdf, None, None, false);
        for e in expect {
            assert!(text.contains(e), "{name}: {e} in {text}");
        }
    }
    // The form's narrow third column keeps an 8-character label on one line.
    let form = pdf_text(&dir.path().join("public/pdf/申请表.pdf"), None, None, true);
    assert!(form.contains("社会统一信用代码"), "{form}");
}

#[test]
fn a_long_appendix_table_never_splits_a_row_and_says_continued() {
    // Forty options: the computed summary table runs over several pages.
    // Each row stays whole on one page, and the pages after the first say
    // 续表 above the repeated header, as body tables do.
    let dir = fixture("voluntary");
    let path = dir.path().join("content/审核报告.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut more = String::new();
    for i in 1..=40 {
        more.push_str(&format!(
            "  - name: 第{i}号生产线余热与电机系统节能综合改造\n    class: 无/低费\n    investment: {i}\n    economic_benefit: 1.5\n    environmental_benefit: 年节电约{i}0万千瓦时，减少二氧化碳排放约{i}00吨，改善车间作业环境\n    status: 已实施\n"
        ));
    }
    let text = text.replacen("date: 2023-03-01", &format!("{more}date: 2023-03-01"), 1);
    assert!(text.contains("第40号生产线"));
    std::fs::write(&path, text).unwrap();
    let out = build(dir.path(), &["--no-docx"]);
    let pdf = dir.path().join("public/pdf/审核报告.pdf");
    assert!(pdf.is_file(), "{}", stdout(&out));
    let pages: usize = tool("pdfinfo", &[&pdf.to_string_lossy()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let mut continued = 0;
    for p in 1..=pages {
        let t = pdf_text(&pdf, Some(p), Some(p), false);
        continued += usize::from(t.contains("续表") && t.contains("清洁生产方案汇总表"));
        // A row split across pages leaves half its text on each: every
        // option named on a page has its whole benefit text there too.
        for i in 1..=40 {
            let name = format!("第{i}号生产线");
            if cjk(&t).contains(&cjk(&name)) {
                let benefit = format!("年节电约{i}0万千瓦时");
                assert!(
                    cjk(&t).contains(&cjk(&benefit)),
                    "row {i} split on page {p}:\n{t}"
                );
            }
        }
    }
    assert!(continued >= 1, "no 续表 on the appendix's later pages");
}

#[test]
fn a_contents_a_few_lines_too_long_is_set_closer_on_one_page() {
    // 6 chapters of 3 sections and the letter: 25 entries, more than the
    // 20 lines of the page. No entry is left alone on a second page, and
    // the letter's long title hangs under its text.
    let mut body = String::new();
    for c in ["一", "二", "三", "四", "五", "六"] {
        body.push_str(&format!("# {c}、第{c}章\n\n正文。\n\n"));
        for s in ["一", "二", "三"] {
            body.push_str(&format!("## （{s}）第{c}章第{s}节\n\n正文。\n\n"));
        }
    }
    let dir = plan_project(&body);
    let pdf = built(dir.path(), &[]);
    let outline = pdf_outline(&pdf);
    let body_start = outline[0].2 as usize;
    let contents = pdf_text(&pdf, Some(3), Some(body_start - 1), false);
    let first_page = pdf_text(&pdf, Some(3), Some(3), false);
    assert!(first_page.contains("第六章第三节"), "{contents}");
    assert!(first_page.contains("附件"), "{contents}");
}

#[test]
fn a_continued_table_never_carries_its_last_row_alone() {
    // Tables of 30 to 40 rows after a page of text: wherever the page
    // breaks, the page that continues the table holds at least two rows
    // (never the 合计 row alone).
    for n in [30usize, 34, 36, 39] {
        let mut body = String::from("# 试点对象基本概况\n\n");
        body.push_str(&"试点范围内的企业按行业分布如下。".repeat(20));
        body.push_str("\n\n表1 企业名单\n\n| 序号 | 企业名称 | 产值（万元） |\n|--:|---|--:|\n");
        for i in 1..n {
            body.push_str(&format!("| {i} | 淇川市第{i}号企业有限公司 | 10 |\n"));
        }
        body.push_str(&format!("| | 合计 | {} |\n\n正文继续。\n", (n - 1) * 10));
        let dir = plan_project(&body);
        let pdf = built(dir.path(), &["--no-site"]);
        let pages: usize = pdf_info(&pdf)["Pages"].parse().unwrap();
        for p in 1..=pages {
            let text = pdf_text(&pdf, Some(p), Some(p), false);
            if text.contains("续表1") {
                let rows = text.matches("号企业有限公司").count() + text.matches("合计").count();
                assert!(
                    rows >= 2,
                    "{n} rows: page {p} continues the table with {rows} row(s):\n{text}"
                );
            }
        }
    }
}

/// A justified line whose last character ends at the margin carries its
/// stretch past it, with nothing printed there: not an overflow (a new
/// user's plain paragraph was refused for it).
#[test]
fn a_justified_line_ending_at_the_margin_is_not_an_overflow() {
    let mut body = String::new();
    for (i, title) in ["试点对象基本概况", "试点基础"].iter().enumerate() {
        body.push_str(&format!("# {}、{title}\n\n", ["一", "二"][i]));
        for road in ["G234国道", "国道G234", "G234"] {
            body.push_str(&format!(
                "青溪县经济开发区位于青溪县城东部，东至青溪河，西至{road}，南至纬五路，北至滨河大道，规划面积12.4平方公里。\n\n"
            ));
        }
    }
    let dir = plan_project(&body);
    let out = build(dir.path(), &["--no-site", "--no-docx"]);
    let log = stdout(&out);
    assert!(!log.contains("print/overflow"), "{log}");
    let text = pdf_text(
        &dir.path().join("public/pdf/伏牛经开区试点实施方案.pdf"),
        None,
        None,
        false,
    );
    assert!(cjk(&text).contains("西至国道南至纬五路"), "{text}");
    assert!(text.contains("G234"), "{text}");
}

#[test]
fn an_acceptance_report_binds_the_test_report_it_cites() {
    // A real PDF to bind: the demo plan, printed by shenbao.
    let src = demo();
    let report_pdf = built(src.path(), &[]);
    let report_pages: u64 = pdf_info(&report_pdf)["Pages"].parse().unwrap();
    let dir = fixture("voluntary");
    std::fs::create_dir_all(dir.path().join("attachments")).unwrap();
    std::fs::copy(&report_pdf, dir.path().join("attachments/环境监测报告.pdf")).unwrap();
    let md = dir.path().join("content/验收自评报告.md");
    let text = std::fs::read_to_string(&md).unwrap().replace(
        "    issuer: 伏牛市环境监测站\n",
        "    issuer: 伏牛市环境监测站\n    file: attachments/环境监测报告.pdf\n",
    );
    std::fs::write(&md, text).unwrap();
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    let pdf = dir.path().join("public/pdf/验收自评报告.pdf");
    let pages: u64 = pdf_info(&pdf)["Pages"].parse().unwrap();
    let outline = pdf_outline(&pdf);
    let (_, title, start) = outline.last().unwrap();
    assert!(title.starts_with("附件　环境监测报告"), "{outline:?}");
    assert_eq!(pages, start + report_pages - 1, "every page is bound");
}

/// A PNG of `w`×`h` grey pixels (96 dpi: 15 twips, 0.75 pt a pixel).
fn grey_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(w, h, image::Rgb([200, 200, 200]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn a_figure_keeps_its_authors_chapter_number_and_its_chapter() {
    // Chapter 一 ends with a tall figure after most of a page of text: it
    // floats to the next page, and chapter 二 starts after it. Its own
    // number 图1-1 is printed as written (the text says 见图1-1); the
    // plain figure in chapter 二 is counted on its own: 图1.
    let mut body = String::from("# 一、概况\n\n");
    for _ in 0..12 {
        body.push_str(&"园区位于城市东部，规划面积十八平方公里。".repeat(3));
        body.push_str("\n\n");
    }
    body.push_str("区位见图1-1。\n\n![图1-1 园区区位图](images/tall.png)\n\n# 二、基础\n\n第二章的正文。\n\n![区位图](images/small.png)\n\n# 三、目标\n\n正文。\n");
    let dir = plan_project(&body);
    let images = dir.path().join("content/images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("tall.png"), grey_png(400, 600)).unwrap();
    std::fs::write(images.join("small.png"), grey_png(300, 100)).unwrap();
    let pdf = built(dir.path(), &[]);
    let text = pdf_text(&pdf, None, None, true);
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains("图1-1园区区位图"), "{text}");
    assert!(
        !squashed.contains("图1园区区位图") && !squashed.contains("图2"),
        "{text}"
    );
    assert!(squashed.contains("图1区位图"), "{text}");
    // The floated figure comes before chapter 二's heading, not after it.
    let body_text = &squashed[squashed.rfind("一、概况").unwrap()..];
    let fig = body_text.find("图1-1园区区位图").unwrap();
    let next = body_text.find("二、基础").unwrap();
    assert!(
        fig < next,
        "the figure floated past chapter 二: {body_text}"
    );
    // Each image at its own size (96 dpi, as Word places it): the small
    // one is not blown up to 80 % of the line.
    let list = tool("pdfimages", &["-list", &pdf.to_string_lossy()]);
    let ppi: Vec<&str> = list
        .lines()
        .skip(2)
        .filter(|l| l.contains("image"))
        .filter_map(|l| l.split_whitespace().nth(12))
        .collect();
    assert!(
        ppi.len() >= 2 && ppi.iter().take(2).all(|p| *p == "96"),
        "{list}"
    );
    // The text after each figure (a float at the top of a page) stays on
    // the 22-line grid: the float takes whole lines.
    let off = off_grid_lines(&pdf, "一、概况");
    assert!(off.is_empty(), "{off:#?}");
    // Word and the site say the same.
    let docx = dir.path().join("public/docx/伏牛经开区试点实施方案.docx");
    let f = std::fs::File::open(&docx).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(
        xml.contains("图1-1　园区区位图") && xml.contains("图1　区位图"),
        "Word captions"
    );
    let site = walk_html(&dir.path().join("public"));
    assert!(
        site.contains("图1-1　园区区位图") && site.contains("图1　区位图"),
        "site captions"
    );
}

/// Every HTML page under `dir`, concatenated.
fn walk_html(dir: &Path) -> String {
    let mut all = String::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "html") {
            all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    all
}

/// Lines of 三号 Chinese text off the body's 22-line grid, page by page
/// from the page holding `first` (whose line sets the grid).
fn off_grid_lines(pdf: &Path, first: &str) -> Vec<String> {
    let xml = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    let pitch = 225.0 / 22.0 / 25.4 * 72.0;
    let pages: Vec<Vec<(f64, f64, String)>> = xml
        .split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let num = |k: &str| -> Option<f64> {
                        let at = w.find(&format!("{k}=\""))? + k.len() + 2;
                        w[at..at + w[at..].find('"')?].parse().ok()
                    };
                    let text = w.split_once('>')?.1.split_once("</word>")?.0.to_string();
                    Some((num("yMin")?, num("yMax")?, text))
                })
                .filter(|(y0, y1, t)| {
                    (y1 - y0 - 16.0).abs() < 0.5
                        && *y0 < 742.0
                        && t.chars().count() >= 2
                        && t.chars().all(|c| !c.is_ascii())
                })
                .collect()
        })
        .collect();
    let Some(start) = pages
        .iter()
        .position(|p| p.iter().any(|(_, _, t)| t.contains(first)))
    else {
        return vec![format!("no page holds {first}")];
    };
    let origin = pages[start]
        .iter()
        .find(|(_, _, t)| t.contains(first))
        .map_or(0.0, |w| w.1);
    let mut off = Vec::new();
    for (i, page) in pages.iter().enumerate().skip(start) {
        for (_, y1, t) in page {
            let k = (y1 - origin) / pitch;
            if (k - k.round()).abs() * pitch > 1.5 {
                off.push(format!(
                    "page {}: “{t}” {:.1} pt off",
                    i + 1,
                    (k - k.round()) * pitch
                ));
            }
        }
    }
    off
}

#[test]
fn the_text_after_a_table_that_ends_a_page_starts_the_next_on_its_first_line() {
    // Tables of 20 to 44 rows after a paragraph: one of them ends at the
    // foot of a page, and the heading after it starts the next page on
    // the grid's first line (the gap that puts text after a table back on
    // the grid goes with the page break; it used to cost a line).
    let mut hits = 0;
    for n in 20usize..=44 {
        let mut body = String::from("# 一、试点对象基本概况\n\n");
        body.push_str(&"试点范围内的企业按行业分布如下。".repeat(14));
        body.push_str("\n\n表1 企业名单\n\n| 序号 | 企业名称 | 产值（万元） |\n|--:|---|--:|\n");
        for i in 1..=n {
            body.push_str(&format!("| {i} | 淇川市第{i}号企业有限公司 | 10 |\n"));
        }
        body.push_str("\n## （二）表后的标题\n\n正文继续。\n\n# 二、试点基础\n\n正文。\n");
        let dir = plan_project(&body);
        let pdf = built(dir.path(), &["--no-site", "--no-docx"]);
        let xml = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
        for page in xml.split("<page ").skip(1) {
            let first = page
                .split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let at = w.find("yMin=\"")? + 6;
                    let y: f64 = w[at..at + w[at..].find('"')?].parse().ok()?;
                    let text = w.split_once('>')?.1.split_once("</word>")?.0;
                    (y < 742.0).then(|| (y, text.to_string()))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((y, text)) = first
                && text.contains("表后的标题")
            {
                hits += 1;
                assert!(
                    y < 106.0,
                    "{n} rows: the heading after the table starts at {y:.1} pt"
                );
            }
        }
    }
    assert!(hits > 0, "no table ended a page: change the sizes");
}

#[test]
fn the_body_under_a_three_line_title_is_on_the_grid() {
    // A long title takes three lines over the body; the body's first page
    // stands on the same 22-line grid as the next (it was 5 pt off).
    let mut body = String::from("# 一、试点对象基本概况\n\n");
    for _ in 0..30 {
        body.push_str("园区位于城市东部，规划面积十八平方公里，现有企业四十二家。\n\n");
    }
    body.push_str("# 二、试点基础\n\n正文。\n");
    let dir = plan_project(&body);
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let start = text.find("\ntitle: ").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let long = "title: 伏牛经济技术开发区化工新材料与高端装备制造产业集群工业园区清洁生产整体审核与减污降碳协同创新试点";
    std::fs::write(&md, format!("{}{long}{}", &text[..start], &text[end..])).unwrap();
    let pdf = built(dir.path(), &["--no-site", "--no-docx"]);
    let xml = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    let pitch = 225.0 / 22.0 / 25.4 * 72.0;
    // 三号 Chinese lines (y of their bottoms) of each page.
    let lines: Vec<Vec<(f64, String)>> = xml
        .split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let num = |k: &str| -> Option<f64> {
                        let at = w.find(&format!("{k}=\""))? + k.len() + 2;
                        w[at..at + w[at..].find('"')?].parse().ok()
                    };
                    let t = w.split_once('>')?.1.split_once("</word>")?.0.to_string();
                    let (y0, y1) = (num("yMin")?, num("yMax")?);
                    ((y1 - y0 - 16.0).abs() < 0.5 && y0 < 742.0 && t.chars().all(|c| !c.is_ascii()))
                        .then_some((y1, t))
                })
                .collect()
        })
        .collect();
    let first = lines
        .iter()
        .position(|p| p.iter().any(|(_, t)| t.contains("一、试点对象基本概况")))
        .unwrap();
    let origin = lines[first + 1]
        .iter()
        .map(|l| l.0)
        .fold(f64::MAX, f64::min);
    for (y, t) in &lines[first] {
        let k = (y - origin) / pitch;
        assert!(
            (k - k.round()).abs() * pitch < 1.5,
            "“{t}” is {:.1} pt off the next page's grid",
            (k - k.round()) * pitch
        );
    }
}
