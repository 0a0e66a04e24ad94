//! No work twice: a second `shenbao build` with nothing changed makes no
//! PDF and no Word file again; an edit remakes only what it touched.
//! Asserted on what the real binary says it did, never on timing.

use std::path::Path;

use crate::common::*;

const A: &str = "伏牛经开区试点实施方案";
const B: &str = "副本";

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The demo plan and a copy of it that binds its own letter image.
fn two_plans() -> tempfile::TempDir {
    let dir = demo();
    let content = dir.path().join("content");
    std::fs::copy(
        content.join("attachments/推荐函（样例）.png"),
        content.join("attachments/副本推荐函.png"),
    )
    .unwrap();
    let a = std::fs::read_to_string(content.join(format!("{A}.md"))).unwrap();
    let b = a
        .replace("推荐函（样例）.png", "副本推荐函.png")
        .replace("伏牛经济技术开发区工业园区", "伏牛经济技术开发区副本园区");
    assert_ne!(a, b);
    std::fs::write(content.join(format!("{B}.md")), b).unwrap();
    dir
}

/// Build; return (PDFs made, PDFs kept, Word files made, Word files kept)
/// as the summary states them.
fn build_counts(dir: &Path, extra: &[&str]) -> (Vec<String>, usize, Vec<String>, usize, String) {
    let out = build(dir, extra);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    let made = |ext: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("生成 ") && l.contains(ext))
            .map(|l| l.to_string())
            .collect()
    };
    let kept = |what: &str| -> usize {
        t.lines()
            .find_map(|l| l.strip_prefix(&format!("{what}：未改动，沿用 ")))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (
        made(".pdf"),
        kept("PDF"),
        made(".docx"),
        kept("Word 文件"),
        t,
    )
}

fn both() -> Vec<&'static str> {
    let mut v = vec![A, B];
    v.sort();
    v
}

fn names(lines: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = [A, B]
        .into_iter()
        .filter(|n| lines.iter().any(|l| l.contains(&format!("/{n}."))))
        .collect();
    out.sort();
    out
}

#[test]
fn a_second_build_makes_nothing_and_an_edit_remakes_only_its_document() {
    let dir = two_plans();
    let root = dir.path();
    let (pdf, kept, docx, kept_docx, t) = build_counts(root, &[]);
    assert_eq!((names(&pdf), kept), (both(), 0), "{t}");
    assert_eq!((names(&docx), kept_docx), (both(), 0), "{t}");
    let pdf_a = root.join(format!("public/pdf/{A}.pdf"));
    let first = std::fs::read(&pdf_a).unwrap();

    // Nothing changed: nothing is made, and the summary says so.
    let (pdf, kept, docx, kept_docx, t) = build_counts(root, &[]);
    assert!(pdf.is_empty() && docx.is_empty(), "{t}");
    assert_eq!((kept, kept_docx), (2, 2), "{t}");
    assert!(t.contains("PDF：未改动，沿用 2 份；重新排版 0 份"), "{t}");
    assert!(t.contains("完成：2 份 PDF 都未改动，沿用"), "{t}");
    assert!(!t.contains("已写入"), "kept PDFs are not written: {t}");
    assert_eq!(std::fs::read(&pdf_a).unwrap(), first);

    // A touched document with the same text is still the same input.
    let md_b = root.join(format!("content/{B}.md"));
    let b = std::fs::read_to_string(&md_b).unwrap();
    std::fs::write(&md_b, &b).unwrap();
    let (pdf, kept, ..) = build_counts(root, &[]);
    assert!(pdf.is_empty() && kept == 2);

    // One document edited: only it is made again, PDF and Word file.
    std::fs::write(&md_b, format!("{b}\n补充一段说明。\n")).unwrap();
    let (pdf, kept, docx, kept_docx, t) = build_counts(root, &[]);
    assert_eq!((names(&pdf), kept), (vec![B], 1), "{t}");
    assert_eq!((names(&docx), kept_docx), (vec![B], 1), "{t}");
    assert!(t.contains("新写入 1 份，未改动沿用 1 份"), "{t}");

    // An image the plan binds changes: that plan is made again.
    let png = root.join("content/attachments/推荐函（样例）.png");
    let mut bytes = std::fs::read(&png).unwrap();
    // A chunk after IEND is ignored by decoders but changes the file.
    bytes.extend_from_slice(b"\0\0\0\0teXt");
    std::fs::write(&png, bytes).unwrap();
    let (pdf, kept, docx, _, t) = build_counts(root, &[]);
    assert_eq!((names(&pdf), kept), (vec![A], 1), "{t}");
    assert_eq!(names(&docx), vec![A], "{t}");

    // The PDF deleted: made again.
    std::fs::remove_file(&pdf_a).unwrap();
    let (pdf, kept, _, kept_docx, t) = build_counts(root, &[]);
    assert_eq!((names(&pdf), kept, kept_docx), (vec![A], 1, 2), "{t}");
    assert!(pdf_a.is_file());

    // A PDF changed by someone else is not the one shenbao made: made again.
    std::fs::write(&pdf_a, b"%PDF-1.7 not ours").unwrap();
    let (pdf, ..) = build_counts(root, &[]);
    assert_eq!(names(&pdf), vec![A]);

    // Other options or fonts are other inputs.
    let (pdf, kept, _, kept_docx, t) = build_counts(root, &["--pdf-a"]);
    assert_eq!((names(&pdf), kept, kept_docx), (both(), 0, 2), "{t}");

    // --force makes everything again.
    let (pdf, kept, docx, kept_docx, t) = build_counts(root, &["--pdf-a", "--force"]);
    assert_eq!((names(&pdf), kept), (both(), 0), "{t}");
    assert_eq!((names(&docx), kept_docx), (both(), 0), "{t}");
}

#[test]
fn a_kept_pdf_still_reports_its_findings_and_a_failed_one_is_not_kept() {
    let dir = two_plans();
    let root = dir.path();
    // A character no bundled font has: the PDF is written with an error.
    let md_b = root.join(format!("content/{B}.md"));
    let b = std::fs::read_to_string(&md_b).unwrap();
    std::fs::write(&md_b, b.replacen("# 一、", "楔形文字𒀀。\n\n# 一、", 1)).unwrap();
    for round in 0..2 {
        let out = build(root, &[]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "round {round}: {t}");
        assert!(t.contains("print/missing-glyph"), "round {round}: {t}");
        // The one with the error is made again each time; the other is kept.
        assert!(t.contains(&format!("生成 public/pdf/{B}.pdf")), "{t}");
        if round == 1 {
            assert!(t.contains("PDF：未改动，沿用 1 份"), "{t}");
        }
    }
}

#[test]
fn pack_uses_kept_pdfs() {
    let dir = two_plans();
    let root = dir.path();
    let (_, _, _, _, t) = build_counts(root, &[]);
    assert!(t.contains("完成：2 份 PDF"), "{t}");
    let out = run(
        root,
        &[
            "pack",
            "--no-system-fonts",
            "--today",
            "2022-06-20",
            "--allow-errors",
        ],
    );
    let t = text(&out);
    assert!(t.contains("PDF：未改动，沿用 2 份"), "{t}");
    assert!(t.contains("附件：    public/package/"), "{t}");
}

/// The typst sources `--emit-typst` wrote go with the next build that does
/// not ask for them, like every output no longer produced.
#[test]
fn typst_sources_go_when_no_longer_asked_for() {
    let dir = demo();
    let pdf_dir = dir.path().join("public/pdf");
    let out = build(dir.path(), &["--no-site", "--no-docx", "--emit-typst"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(pdf_dir.join("伏牛经开区试点实施方案.typ").is_file());
    assert!(pdf_dir.join("_theme/plan.typ").is_file());
    let out = build(dir.path(), &["--no-site", "--no-docx"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!pdf_dir.join("伏牛经开区试点实施方案.typ").exists());
    assert!(!pdf_dir.join("_theme/plan.typ").exists());
    assert!(pdf_dir.join("伏牛经开区试点实施方案.pdf").is_file());
}
