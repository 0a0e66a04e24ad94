//! `shenbao build` writes a .docx of every document: opened and converted
//! to PDF by LibreOffice (one batched run), its text and page count
//! compared with shenbao's own PDF, its styles, fonts, grid and footers
//! read back with docx-rs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn log(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Convert .docx files to PDF with LibreOffice in one run (a private
/// profile, so parallel tests do not share one).
pub fn soffice_to_pdf(files: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.path().display()
    ))
    // Blank pages (each part starts on a right-hand page) are kept, as
    // they are in shenbao's PDF and on paper.
    .args([
        "--headless",
        "--convert-to",
        r#"pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}"#,
        "--outdir",
    ])
    .arg(out)
    .args(files);
    let o = cmd.output().unwrap_or_else(|e| {
        panic!("LibreOffice is needed (apt-get install libreoffice-writer-nogui): {e}")
    });
    assert!(o.status.success(), "{}", log(&o));
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.file_stem().unwrap()).with_extension("pdf");
            assert!(
                pdf.is_file(),
                "LibreOffice wrote no {}: {}",
                pdf.display(),
                log(&o)
            );
            pdf
        })
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The headings of a project's document as they print (official numbers).
fn headings(root: &Path, rel: &str) -> Vec<String> {
    let project = shenbao::project::Project::load(root).unwrap();
    let doc = project.documents.iter().find(|d| d.src.rel == rel).unwrap();
    doc.body
        .headings
        .iter()
        .filter(|h| h.level > 0)
        .map(|h| squash(&h.title))
        .collect()
}

fn json_of(docx: &Path) -> serde_json::Value {
    let bytes = std::fs::read(docx).unwrap();
    let d = docx_rs::read_docx(&bytes).unwrap();
    serde_json::from_str(&d.json()).unwrap()
}

fn style<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["styles"]["styles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["styleId"] == id)
        .unwrap_or_else(|| panic!("no style {id}"))
}

#[test]
fn exported_docx_opens_in_libreoffice_and_matches_the_pdf() {
    let demo = demo();
    let real = fixture("real-plan");
    let mut docs = Vec::new();
    let mut pdfs = Vec::new();
    for (dir, name) in [
        (demo.path(), "伏牛经开区试点实施方案"),
        (real.path(), "鹤阳市试点实施方案"),
    ] {
        let out = build(dir, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", log(&out));
        assert!(log(&out).contains("Word 文件"), "{}", log(&out));
        docs.push(dir.join(format!("public/docx/{name}.docx")));
        pdfs.push(dir.join(format!("public/pdf/{name}.pdf")));
    }
    let lo_dir = tempfile::tempdir().unwrap();
    let lo = soffice_to_pdf(&docs, lo_dir.path());
    for (i, (dir, rel)) in [
        (demo.path(), "content/伏牛经开区试点实施方案.md"),
        (real.path(), "content/鹤阳市试点实施方案.md"),
    ]
    .into_iter()
    .enumerate()
    {
        // Every heading, in order, in the body (after the contents list,
        // which holds the first two levels).
        let text = squash(&pdf_text(&lo[i], None, None, false));
        let want = headings(dir, rel);
        assert!(want.len() > 10, "{want:?}");
        let mut at = text.find(&want[0]).unwrap() + want[0].len();
        at = text[at..]
            .find(&want[0])
            .map(|p| at + p)
            .unwrap_or_else(|| panic!("the body's first heading {} is missing", want[0]));
        for h in &want {
            match text[at..].find(h.as_str()) {
                Some(p) => at += p + h.len(),
                None => panic!("heading {h} missing or out of order in {}", lo[i].display()),
            }
        }
        // An attachment starts on a right-hand page, numbered on from
        // the body (GB/T 9704 §8), as in shenbao's PDF: the demo binds
        // its letter.
        if i == 0 {
            let pages: Vec<String> = pdf_text(&lo[i], None, None, false)
                .split('\u{c}')
                .map(squash)
                .collect();
            let at = pages
                .iter()
                .rposition(|p| p.starts_with("附件") && p.contains("推荐函"))
                .unwrap_or_else(|| panic!("no attachment page: {pages:?}"));
            assert_eq!(at % 2, 0, "the attachment starts on page {}", at + 1);
            // The letter is on its title's page, not on a page of its own.
            let images = tool("pdfimages", &["-list", &lo[i].to_string_lossy()]);
            let page = format!("{}", at + 1);
            assert!(
                images
                    .lines()
                    .skip(2)
                    .any(|l| l.split_whitespace().next() == Some(page.as_str())),
                "no image on page {page}: {images}"
            );
            let xml = zip_part(&docs[0], "word/document.xml");
            let sects: Vec<&str> = xml.split("<w:sectPr>").skip(1).collect();
            assert_eq!(sects.len(), 4, "cover, contents, body, attachment");
            for (k, s) in sects.iter().enumerate() {
                let s = &s[..s.find("</w:sectPr>").unwrap()];
                // No numbers on the cover and the contents.
                assert_eq!(s.contains("footerReference"), k >= 2, "section {k}: {s}");
                // Numbering starts at the body and goes on.
                assert_eq!(s.contains("pgNumType"), k == 2, "section {k}: {s}");
                assert_eq!(s.contains("oddPage"), k >= 1, "section {k}: {s}");
            }
            // Its page is numbered, on from the body's.
            assert!(pages[at].contains('—'), "{}", pages[at]);
        }
        // Page count within 15 % of shenbao's own PDF.
        let ours: f64 = pdf_info(&pdfs[i])["Pages"].parse().unwrap();
        let theirs: f64 = pdf_info(&lo[i])["Pages"].parse().unwrap();
        assert!(
            (theirs - ours).abs() / ours <= 0.15,
            "{}: LibreOffice {theirs} pages, shenbao {ours}",
            docs[i].display()
        );
    }

    // Styles, fonts, grid and footers, read back with a DOCX reader.
    let v = json_of(&docs[0]);
    for (id, font) in [
        ("BodyText", "仿宋_GB2312"),
        ("Heading1", "黑体"),
        ("Heading2", "楷体_GB2312"),
        ("Heading3", "仿宋_GB2312"),
        ("Title", "方正小标宋简体"),
    ] {
        let s = style(&v, id);
        assert_eq!(s["runProperty"]["fonts"]["eastAsia"], font, "{id}: {s}");
        assert_eq!(s["runProperty"]["sz"], if id == "Title" { 44 } else { 32 });
    }
    assert_eq!(style(&v, "Heading2")["paragraphProperty"]["outlineLvl"], 1);
    let sect = &v["document"]["sectionProperty"];
    assert_eq!(sect["docGrid"]["gridType"], "lines");
    assert_eq!(sect["docGrid"]["linePitch"], 579);
    // 28 characters a line: 16 pt characters 0.25 pt tighter.
    assert_eq!(style(&v, "BodyText")["runProperty"]["characterSpacing"], -5);
    // Body text is indented two characters (640 twips at 三号), as in print.
    let indent = style(&v, "BodyText")["paragraphProperty"]["indent"].to_string();
    assert!(indent.contains("640"), "{indent}");
    // …and centred lines (cover, images) are not: their own indent is 0.
    let xml = zip_part(&docs[0], "word/document.xml");
    assert!(
        xml.contains(r#"<w:ind w:left="0" w:right="0" w:firstLine="0" /><w:jc w:val="center" />"#),
        "centred paragraphs inherit the body indent"
    );
    // The long cover title is broken between words, as in print.
    let title = xml
        .split(r#"<w:pStyle w:val="Title" />"#)
        .nth(1)
        .unwrap_or("");
    let title = &title[..title.find("</w:p>").unwrap_or(title.len())];
    assert!(title.contains("<w:br"), "{title}");
    // The cover, the contents, the title over the body's first page (as
    // the PDF prints it) and the letter's title under its label 附件.
    let titled: Vec<&str> = xml.split(r#"<w:pStyle w:val="Title" />"#).skip(1).collect();
    assert_eq!(titled.len(), 4, "Title paragraphs");
    assert!(
        titled[2]
            .split("</w:p>")
            .next()
            .unwrap_or("")
            .contains("伏牛经济技术开发区")
    );
    assert_eq!(sect["pageSize"]["w"], 11906, "{}", sect["pageSize"]);
    assert_eq!(sect["pageMargin"]["top"], 2098);
    assert_eq!(sect["pageMargin"]["left"], 1587);
    assert_eq!(v["settings"]["evenAndOddHeaders"], true);
    for (key, align) in [("footer", "right"), ("evenFooter", "left")] {
        let f = sect[key].to_string();
        assert!(
            f.contains("\"PAGE\"") && f.contains("— ") && f.contains(" —"),
            "{f}"
        );
        assert!(f.contains(&format!("\"alignment\":\"{align}\"")), "{f}");
    }
    // Tables: explicit widths and a repeating header row.
    let xml = zip_part(&docs[1], "word/document.xml");
    let tables = xml.matches("<w:tbl>").count();
    assert!(tables >= 12, "{tables} tables");
    assert_eq!(xml.matches("<w:tblHeader").count(), tables);
    assert!(xml.contains("<w:gridCol w:w="));
    assert!(!xml.contains("<w:tcW w:w=\"0\""));
    // The demo's recommendation letter (an image) is in the .docx, short
    // enough to stay on its title's page: under the label, a blank line
    // and the title, 225 mm less nine lines of the grid (579 twips).
    let demo_xml = zip_part(&docs[0], "word/document.xml");
    assert!(demo_xml.contains("<w:drawing>"));
    let extent = demo_xml.rsplit("<wp:extent ").next().unwrap();
    let cy: u64 = extent
        .split("cy=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(cy <= (12756 - 9 * 579) * 635, "the letter is {cy} EMU tall");
    // One attachment: 附件, as in the PDF (GB/T 9704 §8).
    assert!(demo_xml.contains("附件　"));
    assert!(!demo_xml.contains("附件一") && !demo_xml.contains("附件1"));
}

fn zip_part(docx: &Path, name: &str) -> String {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

#[test]
fn no_docx_flag_and_formats_setting_turn_it_off() {
    let dir = demo();
    let out = build(dir.path(), &["--no-docx", "--no-pdf"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(!dir.path().join("public/docx").exists());
    let cfg = std::fs::read_to_string(dir.path().join("shenbao.yaml")).unwrap();
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        format!("{cfg}\nformats: [pdf, site]\n"),
    )
    .unwrap();
    let out = build(dir.path(), &["--no-pdf"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(!dir.path().join("public/docx").exists());
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        format!("{cfg}\nformats: [pdf, word]\n"),
    )
    .unwrap();
    let out = build(dir.path(), &["--no-pdf"]);
    assert_eq!(out.status.code(), Some(2), "{}", log(&out));
    assert!(log(&out).contains("word"), "{}", log(&out));
}

#[test]
fn a_document_that_cannot_be_written_fails_alone() {
    let dir = fixture("voluntary");
    // A first build claims the output folder; then a folder where one
    // .docx should go: that document fails, by name.
    let first = build(dir.path(), &["--no-pdf", "--no-site"]);
    assert_eq!(first.status.code(), Some(0), "{}", log(&first));
    let blocked = dir.path().join("public/docx/审核报告.docx");
    std::fs::remove_file(&blocked).unwrap();
    std::fs::create_dir_all(blocked.join("x")).unwrap();
    let out = build(dir.path(), &["--no-pdf", "--no-site"]);
    let text = log(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("审核报告") && text.contains("无法生成 Word 文件"),
        "{text}"
    );
    for ok in ["申请表", "验收自评报告"] {
        let p = dir.path().join(format!("public/docx/{ok}.docx"));
        assert!(p.is_file(), "{text}");
    }
    // The application form is the annex's table.
    let xml = zip_part(
        &dir.path().join("public/docx/申请表.docx"),
        "word/document.xml",
    );
    assert!(
        xml.contains("社会统一信用代码") && xml.contains("w:gridSpan"),
        "{xml}"
    );
}

/// The text of each Heading1/Heading2 paragraph of a document.xml.
fn heading_texts(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in xml.split("</w:p>") {
        if !(p.contains("w:val=\"Heading1\"") || p.contains("w:val=\"Heading2\"")) {
            continue;
        }
        let mut text = String::new();
        for t in p.split("<w:t").skip(1) {
            let Some(start) = t.find('>') else { continue };
            let body = &t[start + 1..];
            text.push_str(body.split("</w:t>").next().unwrap_or(""));
        }
        out.push(text);
    }
    out
}

#[test]
fn an_audit_report_keeps_its_chapter_numbers_in_word() {
    // Chapters numbered as the provincial format asks (前言, 第一章, 1.1)
    // keep those numbers: Word must not renumber them 一、(一) by
    // position, one chapter off because of the preface.
    let dir = fixture("audit-real");
    let out = build(dir.path(), &["--no-pdf", "--no-site"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let xml = zip_part(
        &dir.path().join("public/docx/审核报告.docx"),
        "word/document.xml",
    );
    let heads = heading_texts(&xml);
    for want in [
        "前言",
        "第一章 筹划与组织",
        "1.1 领导支持",
        "第七章 持续清洁生产",
    ] {
        assert!(heads.iter().any(|h| h == want), "{want}: {heads:#?}");
    }
    assert!(
        !heads
            .iter()
            .any(|h| h.starts_with("一、") || h.starts_with("二、") || h.starts_with("（一）")),
        "{heads:#?}"
    );
}

/// Findings of the independent validator openxml-audit (PyPI; tests/run
/// installs it into target/openxml-audit) against what Microsoft 365
/// expects, one line each.
pub fn openxml_audit(files: &[PathBuf]) -> Vec<String> {
    let mut cmd = Command::new("python3");
    if let Some(dir) = std::env::var_os("SHENBAO_OPENXML_AUDIT") {
        cmd.env("PYTHONPATH", dir);
    }
    // It takes one path: the files, numbered, in a folder of their own.
    let all = tempfile::tempdir().unwrap();
    for (i, f) in files.iter().enumerate() {
        let name = format!("{i:02}-{}", f.file_name().unwrap().to_string_lossy());
        std::fs::copy(f, all.path().join(name)).unwrap();
    }
    let o = cmd
        .args([
            "-m",
            "openxml_audit",
            "-f",
            "microsoft365",
            "-m",
            "0",
            "-o",
            "json",
            "-r",
        ])
        .arg(all.path())
        .output()
        .expect("python3 is needed for the .docx validator");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "openxml-audit gave no report (run the tests with tests/run, which installs it): {e}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let reports = match report {
        serde_json::Value::Array(a) => a,
        one => vec![one],
    };
    assert_eq!(reports.len(), files.len(), "one report per file");
    reports
        .iter()
        .flat_map(|r| {
            let file = r["file"].as_str().unwrap_or("").to_string();
            r["errors"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |e| {
                    format!(
                        "{file}: {} at {}{}",
                        e["description"], e["part_uri"], e["path"]
                    )
                })
        })
        .collect()
}

/// Every kind of document's Word file is valid as Microsoft 365 reads
/// it: no element out of the schema's sequence (Word ignores run
/// properties out of order: headings would lose 黑体), no undeclared
/// attribute, every required part (235 findings on the demo before).
#[test]
fn every_exported_word_file_passes_an_independent_validator() {
    let projects = [
        demo(),
        fixture("real-plan"),
        fixture("audit-real"),
        fixture("voluntary"),
    ];
    let mut files = Vec::new();
    for dir in &projects {
        let out = build(dir.path(), &["--no-pdf"]);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{}", log(&out));
        let docx = dir.path().join("public/docx");
        for e in walkdir::WalkDir::new(&docx)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.path().extension().is_some_and(|x| x == "docx") {
                files.push(e.path().to_path_buf());
            }
        }
    }
    assert!(files.len() >= 6, "{files:?}");
    let findings = openxml_audit(&files);
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// The paragraph texts of a document part that each comment marks.
fn commented_paragraphs(xml: &str) -> Vec<String> {
    xml.split("<w:p ")
        .chain(xml.split("<w:p>"))
        .filter(|p| p.contains("<w:commentRangeStart"))
        .map(|p| {
            let p = &p[..p.find("</w:p>").unwrap_or(p.len())];
            p.split("<w:t")
                .skip(1)
                .filter_map(|t| Some(&t[t.find('>')? + 1..t.find("</w:t>")?]))
                .collect::<String>()
        })
        .collect()
}

/// `build` writes the check's findings as Word comments beside the clean
/// file: each at the paragraph its source line is in, the front matter's
/// on the title; the file goes once nothing is left to comment on.
#[test]
fn findings_become_word_comments_at_their_paragraphs() {
    let dir = demo();
    let md = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let at = text.find("氨氮").unwrap();
    let broken = format!("{}（××× 待补充）{}", &text[..at], &text[at..])
        // And one on the front matter: a contact phone that cannot be one.
        .replacen("phone: ", "phone: 12", 1);
    std::fs::write(&md, &broken).unwrap();
    let out = build(dir.path(), &["--no-pdf", "--no-site"]);
    assert!(log(&out).contains("检查意见.docx"), "{}", log(&out));
    let remarks = dir
        .path()
        .join("public/docx/伏牛经开区试点实施方案-检查意见.docx");
    let comments = zip_part(&remarks, "word/comments.xml");
    assert!(comments.contains("content/placeholder"), "{comments}");
    assert!(comments.contains("shenbao 形式检查"), "{comments}");
    let marked = commented_paragraphs(&zip_part(&remarks, "word/document.xml"));
    assert!(
        marked
            .iter()
            .any(|p| p.contains("××× 待补充") && p.contains("氨氮排放量")),
        "{marked:?}"
    );
    // The front matter's finding (the phone) is on the cover's title.
    assert!(
        comments.contains("phone") || comments.contains("电话"),
        "{comments}"
    );
    assert!(
        marked
            .first()
            .is_some_and(|p| p.starts_with("伏牛经济技术开发区")),
        "{marked:?}"
    );
    // The clean file has no comments.
    let clean = zip_part(
        &dir.path().join("public/docx/伏牛经开区试点实施方案.docx"),
        "word/document.xml",
    );
    assert!(!clean.contains("commentRangeStart"));
    // Valid as Word reads it.
    assert_eq!(
        openxml_audit(std::slice::from_ref(&remarks)),
        Vec::<String>::new()
    );
    // Fixed: the comments file goes with the findings.
    std::fs::write(&md, &text).unwrap();
    let out = build(dir.path(), &["--no-pdf", "--no-site"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(!remarks.exists(), "{}", log(&out));
}

#[test]
fn numbered_items_are_ordinary_paragraphs_in_word_as_in_print() {
    // 1. / （1） / ①: first line indented two characters, no hanging or
    // left indent, in the .docx as in the PDF.
    let dir = plan_project(
        "# 试点对象基本概况\n\n1. 开展行业整体审核，摸清行业清洁生产潜力。\n   1. 分行业开展诊断。\n      1. 屠宰及肉类加工子行业重点诊断用水。\n\n表1 投资\n\n| 序号 | 项目 | 投资（万元） |\n|--:|---|--:|\n| 1 | 甲 | 10 |\n\n注：投资为估算值。\n\n（1）前处理与染色工序\n\n前处理工序用水量大。\n",
    );
    let out = build(dir.path(), &["--no-pdf", "--no-site"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let xml = zip_part(
        &dir.path().join("public/docx/伏牛经开区试点实施方案.docx"),
        "word/document.xml",
    );
    for marker in ["1.", "（1）", "①"] {
        let para = paragraph_up_to(&xml, &format!(">{marker}</w:t>"));
        assert!(para.contains("w:firstLine=\"640\""), "{marker}: {para}");
        assert!(!para.contains("w:hanging"), "{marker}: {para}");
        assert!(
            !para.contains("w:left=\"") || para.contains("w:left=\"0\""),
            "{marker}: {para}"
        );
    }
    // The note under the table is the table's: table text, no indent.
    let note = paragraph_up_to(&xml, ">注：投资为估算值。</w:t>");
    assert!(note.contains("w:val=\"TableTextWide\""), "{note}");
    // A lone （1） line that heads its text stays with it in Word too.
    let lone = paragraph_up_to(&xml, ">（1）前处理与染色工序</w:t>");
    assert!(lone.contains("<w:keepNext"), "{lone}");
    // The letter as GB/T 9704 §8 sets it: the label alone, then its title
    // centred in the title style.
    let label = xml.find(">附件</w:t>").expect("the label 附件");
    let next = &xml[label..];
    let title = next.find("推荐函").expect("the letter's title");
    assert!(
        next[..title].contains("w:val=\"Title\""),
        "{}",
        &next[..title]
    );
    // In print too: no typst enum with its hanging indent.
    let out = build(dir.path(), &["--no-site", "--emit-typst"]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let typ =
        std::fs::read_to_string(dir.path().join("public/pdf/伏牛经开区试点实施方案.typ")).unwrap();
    assert!(!typ.contains("enum("), "{typ}");
    assert!(typ.contains("\"（1）\""), "{typ}");
}

/// The paragraph of document.xml that holds `needle`, from its start up to
/// the needle (its properties and the runs before).
fn paragraph_up_to<'a>(xml: &'a str, needle: &str) -> &'a str {
    let at = xml
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not found"));
    let start = xml[..at]
        .rfind("<w:p>")
        .or_else(|| xml[..at].rfind("<w:p "))
        .unwrap_or(0);
    &xml[start..at]
}

/// A plan that leaves `version` unset prints the version its call asks
/// for (送审版) on the cover: the PDF and the Word file alike, from one
/// place (views::plan_version).
#[test]
fn an_unset_version_is_the_calls_on_both_covers() {
    let dir = demo();
    let plan = dir.path().join("content/伏牛经开区试点实施方案.md");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("version: 送审版\n"));
    std::fs::write(&plan, text.replacen("version: 送审版\n", "", 1)).unwrap();
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", log(&out));
    let pdf = pdf_text(
        &dir.path().join("public/pdf/伏牛经开区试点实施方案.pdf"),
        Some(1),
        Some(1),
        false,
    );
    assert!(pdf.contains("（送审版）"), "{pdf}");
    let xml = zip_part(
        &dir.path().join("public/docx/伏牛经开区试点实施方案.docx"),
        "word/document.xml",
    );
    assert!(
        xml.contains("（送审版）"),
        "the Word cover names the version"
    );
}
