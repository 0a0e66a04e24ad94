//! Regression tests for the hostile cases of issue 20 (Hardening II), each
//! bounded in time and output by `hostile::run`: nothing outside the output
//! folder is deleted, import cannot be made to crash, hang, write
//! elsewhere or flood the disk, and `pack` never sends an empty package.

use std::io::Write;
use std::path::Path;

use crate::common::{demo, fixture, repo};
use crate::hostile::{build, run, text};

const PLAN: &str = "content/伏牛经开区试点实施方案.md";

/// A manifest as an attacker ships it in a cloned project: entries that
/// lead through links, with the right content hash of the victim's file.
fn hostile_manifest(out: &Path, entries: &[(&str, &Path)]) {
    let files: Vec<&str> = entries.iter().map(|(f, _)| *f).collect();
    let sums: serde_json::Map<String, serde_json::Value> = entries
        .iter()
        .map(|(f, victim)| {
            (
                f.to_string(),
                serde_json::Value::String(shenbao::output::output_hash(victim)),
            )
        })
        .collect();
    let m = serde_json::json!({ "shenbao": "x", "files": files, "sums": sums });
    std::fs::write(out.join(".shenbao-output"), m.to_string()).unwrap();
}

// 1. Stale-output removal never leaves the output folder.

#[cfg(unix)]
#[test]
fn stale_outputs_are_never_removed_through_a_symlinked_subfolder() {
    let dir = demo();
    let root = dir.path();
    let victim = tempfile::tempdir().unwrap();
    let important = victim.path().join("important.txt");
    std::fs::write(&important, "论文").unwrap();
    let public = root.join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::os::unix::fs::symlink(victim.path(), public.join("h")).unwrap();
    // Absolute and climbing entries are ignored as well.
    let abs = important.to_string_lossy().into_owned();
    hostile_manifest(
        &public,
        &[
            ("h/important.txt", &important),
            (&abs, &important),
            ("../../important.txt", &important),
        ],
    );
    let o = build(root, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(important.is_file(), "{}", text(&o));
    assert!(text(&o).contains("output/kept"), "{}", text(&o));
    assert!(text(&o).contains("符号链接"), "{}", text(&o));
    // The second build no longer lists it (it left the manifest).
    let o = build(root, &["--no-pdf"]);
    assert!(!text(&o).contains("output/kept"), "{}", text(&o));
    assert!(important.is_file());
}

#[cfg(unix)]
#[test]
fn pack_refused_for_errors_keeps_a_zip_behind_a_symlinked_package_folder() {
    let dir = fixture("broken");
    let root = dir.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let zip = elsewhere.path().join("去年的申报.zip");
    std::fs::write(&zip, "PK old").unwrap();
    let public = root.join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), public.join("package")).unwrap();
    hostile_manifest(&public, &[("package/去年的申报.zip", &zip)]);
    let o = run(
        root,
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(zip.is_file(), "{}", text(&o));
}

/// A file the author put where shenbao once wrote is not removed.
#[test]
fn a_file_replaced_since_it_was_written_is_kept() {
    let dir = demo();
    let root = dir.path();
    assert_eq!(build(root, &["--no-pdf"]).status.code(), Some(0));
    let page = std::fs::read_dir(root.join("public/docs"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "html"))
        .unwrap();
    // The document goes; its page had been replaced by the author's notes.
    std::fs::write(&page, "我的笔记").unwrap();
    let plans: Vec<_> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    for p in &plans {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if page.to_string_lossy().contains(&stem) {
            std::fs::remove_file(p).unwrap();
        }
    }
    let o = build(root, &["--no-pdf"]);
    assert!(page.is_file(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "我的笔记");
    assert!(text(&o).contains("output/kept"), "{}", text(&o));
}

// 3. Import writes only inside the project's content/.

#[cfg(unix)]
#[test]
fn import_never_writes_through_a_symlinked_images_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(repo().join("shenbao.yaml"), root.join("shenbao.yaml")).unwrap();
    std::fs::create_dir(root.join("content")).unwrap();
    let away = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(away.path(), root.join("content/images")).unwrap();
    let docx = root.join("图.docx");
    std::fs::write(&docx, images_docx(3, 1)).unwrap();
    let o = run(root, &["import", &docx.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("符号链接"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(away.path()).unwrap().count(), 0);
    assert!(!root.join("content/图.md").exists());
}

// 5–8. Import of hostile Word files.

/// A .docx of `body` (WordprocessingML), with `rels` and media parts.
fn docx(body: &str, rels: &str, media: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("word/document.xml", o).unwrap();
    write!(
        z,
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>{body}</w:body></w:document>"#
    )
    .unwrap();
    z.start_file("word/_rels/document.xml.rels", o).unwrap();
    write!(
        z,
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    )
    .unwrap();
    for (name, bytes) in media {
        z.start_file(*name, o).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// A 1×1 PNG whose pixel is `shade`.
fn png(shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::RgbImage::from_pixel(1, 1, image::Rgb([shade, shade, shade]));
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// `refs` image references spread over `parts` media parts (of which
/// every other one is a byte-identical copy).
fn images_docx(refs: usize, parts: usize) -> Vec<u8> {
    let rels: String = (0..refs)
        .map(|i| {
            format!(
                r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{}.png"/>"#,
                i % parts
            )
        })
        .collect();
    let body: String = (0..refs)
        .map(|i| {
            format!(
                r#"<w:p><w:r><w:drawing><a:graphic><a:graphicData uri="pic"><a:blip r:embed="rId{i}"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>"#
            )
        })
        .collect();
    let media: Vec<(String, Vec<u8>)> = (0..parts)
        .map(|p| (format!("word/media/image{p}.png"), png((p / 2) as u8)))
        .collect();
    let media: Vec<(&str, &[u8])> = media
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    docx(&body, &rels, &media)
}

fn empty_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("shenbao.yaml"), dir.path().join("shenbao.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    dir
}

fn import(root: &Path, name: &str, bytes: &[u8]) -> std::process::Output {
    let f = root.join(name);
    std::fs::write(&f, bytes).unwrap();
    run(root, &["import", &f.to_string_lossy()])
}

#[test]
fn deeply_nested_word_markup_is_reported_not_a_crash() {
    let dir = empty_project();
    let n = 50_000;
    for (name, open, close) in [
        ("链接.docx", "<w:hyperlink>", "</w:hyperlink>"),
        ("智能标记.docx", "<w:smartTag>", "</w:smartTag>"),
        ("自定义.docx", "<w:customXml>", "</w:customXml>"),
        (
            "控件.docx",
            "<w:sdt><w:sdtContent>",
            "</w:sdtContent></w:sdt>",
        ),
    ] {
        let body = format!(
            "<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:p>{}<w:r><w:t>深处</w:t></w:r>{}</w:p>",
            open.repeat(n),
            close.repeat(n)
        );
        let o = import(dir.path(), name, &docx(&body, "", &[]));
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o));
        assert!(text(&o).contains("嵌套过深"), "{name}: {}", text(&o));
    }
    // Block-level nesting (content controls around paragraphs) too.
    let body = format!(
        "{}<w:p><w:r><w:t>深处</w:t></w:r></w:p>{}",
        "<w:sdt><w:sdtContent>".repeat(n),
        "</w:sdtContent></w:sdt>".repeat(n)
    );
    let o = import(dir.path(), "块.docx", &docx(&body, "", &[]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("嵌套过深"), "{}", text(&o));
}

#[test]
fn many_things_that_cannot_be_converted_are_counted_not_listed_one_by_one() {
    let dir = empty_project();
    let body: String = (0..80_000)
        .map(|i| {
            format!(
                r#"<w:p><w:commentRangeStart w:id="{i}"/><w:r><w:t>段落{i}</w:t></w:r><w:commentRangeEnd w:id="{i}"/></w:p>"#
            )
        })
        .collect();
    let o = import(dir.path(), "批注.docx", &docx(&body, "", &[]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("未能转换的内容（80000 处"), "{t}");
    assert!(t.contains("另有 79950 处"), "{t}");
}

#[test]
fn an_image_referenced_many_times_is_written_once() {
    let dir = empty_project();
    // 30,000 references to four parts, two of which are byte-identical
    // to the other two: two files.
    let o = import(dir.path(), "图多.docx", &images_docx(30_000, 4));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let written = std::fs::read_dir(dir.path().join("content/images/图多"))
        .unwrap()
        .count();
    assert_eq!(written, 2, "{}", text(&o));
    let md = std::fs::read_to_string(dir.path().join("content/图多.md")).unwrap();
    assert_eq!(md.matches("](images/图多/").count(), 30_000);
}

#[test]
fn a_file_of_millions_of_empty_paragraphs_imports_quickly() {
    let dir = empty_project();
    let o = import(
        dir.path(),
        "空.docx",
        &docx(&"<w:p/>".repeat(3_000_000), "", &[]),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn a_part_past_four_million_nodes_is_refused_with_the_limit_named() {
    // 1.05 million one-letter paragraphs: 4.2 million nodes (12 s and
    // 1.3 GB before the limit was lowered).
    let dir = empty_project();
    let o = import(
        dir.path(),
        "大.docx",
        &docx(
            &"<w:p><w:r><w:t>x</w:t></w:r></w:p>".repeat(1_050_000),
            "",
            &[],
        ),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("400 万个的上限"), "{}", text(&o));
    assert!(!text(&o).contains("第 1 行第 1 列"), "{}", text(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn import_reads_regular_files_only() {
    let dir = empty_project();
    let fifo = dir.path().join("管道.docx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let o = run(dir.path(), &["import", &fifo.to_string_lossy()]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("不是普通文件"), "{}", text(&o));
    }
    let o = run(dir.path(), &["import", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是普通文件"), "{}", text(&o));
}

// 10. pack never writes an empty package.

fn with_call(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = demo();
    let preset =
        std::fs::read_to_string(repo().join("src/call/presets/cn-2022-pilot.yaml")).unwrap();
    std::fs::write(dir.path().join("call.yaml"), edit(&preset)).unwrap();
    std::fs::write(
        dir.path().join("shenbao.yaml"),
        "call: call.yaml\nyear: 2022\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_call_whose_package_holds_nothing_is_refused() {
    let pack = ["pack", "--no-system-fonts", "--today", "2022-06-20"];
    for (what, from, to) in [
        ("no includes", "  includes: [plan]\n", "  includes: []\n"),
        ("pdf", "  includes: [plan]\n", "  includes: [pdf]\n"),
        ("plans", "  includes: [plan]\n", "  includes: [plans]\n"),
        (
            "pilot-plan",
            "  includes: [plan]\n",
            "  includes: [pilot-plan]\n",
        ),
    ] {
        let dir = with_call(|c| {
            // The package's includes is the last `  includes:` line.
            let at = c.rfind(from).expect(from);
            format!("{}{to}{}", &c[..at], &c[at + from.len()..])
        });
        let o = run(dir.path(), &pack);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o));
        assert!(text(&o).contains("includes"), "{what}: {}", text(&o));
        assert!(!dir.path().join("public/package").exists(), "{what}");
    }
    let dir =
        with_call(|c| c.replace("subject: \"{year}+{title}+{applicant}\"", "subject: \"  \""));
    let o = run(dir.path(), &pack);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("subject"), "{}", text(&o));
}

#[test]
fn a_call_with_no_email_to_send_to_is_refused_before_packing() {
    let dir = with_call(|c| c.replace("    channel: email", "    channel: post"));
    let o = run(
        dir.path(),
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不知道电子件发往哪里"), "{}", text(&o));
    assert!(!dir.path().join("public/package").exists());
}

#[test]
fn a_package_with_no_file_is_not_written() {
    // Only recommendation letters, and the demo plan names none.
    let dir = with_call(|c| {
        let from = "  includes: [plan]\n";
        let at = c.rfind(from).unwrap();
        format!(
            "{}  includes: [recommendation-letter]\n{}",
            &c[..at],
            &c[at + from.len()..]
        )
    });
    // The plan names no letter (the demo's sample letter is taken out).
    let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    let start = plan.find("attachments:\n").unwrap();
    let end = plan[start..].find("\n---\n").unwrap() + start;
    std::fs::write(
        dir.path().join(PLAN),
        format!("{}{}", &plan[..start], &plan[end + 1..]),
    )
    .unwrap();
    let o = run(
        dir.path(),
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    // Said as what is missing: the stage wants a letter the plan lacks.
    assert!(text(&o).contains("package/missing"), "{}", text(&o));
    let zips = std::fs::read_dir(dir.path().join("public/package"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(zips, 0, "{}", text(&o));
}

#[test]
fn two_packed_files_of_one_name_are_said_in_chinese() {
    let dir = with_call(|c| {
        let from = "  includes: [plan]\n";
        let at = c.rfind(from).unwrap();
        format!(
            "{}  includes: [plan, recommendation-letter]\n{}",
            &c[..at],
            &c[at + from.len()..]
        )
    });
    // A second letter of the same file name, in another folder.
    let letters = dir.path().join("content/attachments");
    std::fs::create_dir(letters.join("b")).unwrap();
    std::fs::copy(
        letters.join("推荐函（样例）.png"),
        letters.join("b/推荐函（样例）.png"),
    )
    .unwrap();
    let plan = std::fs::read_to_string(dir.path().join(PLAN)).unwrap();
    let anchor = "    title: 河南省清洁生产审核创新试点项目推荐函（样例）\n";
    assert!(plan.contains(anchor));
    std::fs::write(
        dir.path().join(PLAN),
        plan.replacen(
            anchor,
            &format!(
                "{anchor}  - type: recommendation-letter\n    file: content/attachments/b/推荐函（样例）.png\n    title: 第二份推荐函\n"
            ),
            1,
        ),
    )
    .unwrap();
    let o = run(
        dir.path(),
        &["pack", "--no-system-fonts", "--today", "2022-06-20"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("两个同名文件“推荐函（样例）.png”"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("Duplicate"), "{}", text(&o));
}

// 11. Outputs that depend on nothing but their inputs, and say what they lack.

#[test]
fn a_documents_word_file_does_not_depend_on_what_else_is_built() {
    let dir = demo();
    let root = dir.path();
    let docx = root.join("public/docx/伏牛经开区试点实施方案.docx");
    let o = build(root, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let alone = std::fs::read(&docx).unwrap();
    // Another plan with pictures, built first in the same run.
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    std::fs::write(
        root.join("content/0另一份方案.md"),
        plan.replace("伏牛经济技术开发区", "伏牛经济技术开发区南区"),
    )
    .unwrap();
    let o = build(root, &["--no-pdf", "--force"]);
    assert!(
        root.join("public/docx/0另一份方案.docx").is_file(),
        "{}",
        text(&o)
    );
    assert!(std::fs::read(&docx).unwrap() == alone, "{}", text(&o));
}

#[test]
fn an_svg_figure_missing_from_the_word_file_is_said() {
    let dir = demo();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/images")).unwrap();
    std::fs::write(
        root.join("content/images/流程.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="gray"/></svg>"#,
    )
    .unwrap();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    let plan = plan.replacen(
        "# 三、试点工作目标\n",
        "# 三、试点工作目标\n\n![工艺流程](images/流程.svg)\n",
        1,
    );
    std::fs::write(root.join(PLAN), plan).unwrap();
    let o = build(root, &["--no-pdf"]);
    assert!(text(&o).contains("docx/image"), "{}", text(&o));
    assert!(text(&o).contains("SVG"), "{}", text(&o));
}

// 12. Names.

#[test]
fn nfc_and_nfd_spellings_of_one_name_are_one_output_name() {
    let dir = demo();
    let root = dir.path();
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    // “é” composed (U+00E9) and decomposed (e + U+0301).
    for (name, title) in [("Caf\u{e9}方案.md", "甲"), ("Cafe\u{301}方案.md", "乙")] {
        std::fs::write(
            root.join("content").join(name),
            plan.replacen("title: ", &format!("title: {title}"), 1),
        )
        .unwrap();
    }
    let o = run(root, &["check", "--today", "2022-06-20"]);
    assert!(text(&o).contains("document/output-name"), "{}", text(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn a_newline_in_a_file_name_is_shown_escaped() {
    let dir = demo();
    let root = dir.path();
    std::fs::write(root.join("content/甲\n乙.md"), "# 标题\n").unwrap();
    let o = run(root, &["check", "--today", "2022-06-20"]);
    let t = text(&o);
    assert!(t.contains("甲\\u{a}乙.md"), "{t}");
    assert!(!t.contains("甲\n乙"), "{t}");
}

// 9. Memory proportional to what is shown.

#[test]
fn a_file_of_a_million_table_bars_is_refused_before_parsing() {
    let dir = empty_project();
    // 1,100 rows of 1,000 bars: 1.1 MB, but cells the parser would hold.
    let body = format!(
        "| 甲 | 乙 |\n|---|---|\n{}",
        format!("{}\n", "|".repeat(1000)).repeat(1100)
    );
    std::fs::write(
        dir.path().join("content/表.md"),
        format!("---\nkind: pilot-plan\ntitle: 表\n---\n\n# 一、概况\n\n{body}"),
    )
    .unwrap();
    let o = run(dir.path(), &["check", "--today", "2022-06-20"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("document/too-large") && text(&o).contains("竖线"),
        "{}",
        text(&o)
    );
}

#[test]
fn wide_merged_cells_do_not_multiply_into_megabytes() {
    let dir = empty_project();
    let cell = format!(
        r#"<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"#,
        "长".repeat(300)
    );
    let row = format!("<w:tr>{}</w:tr>", cell.repeat(3));
    // 300 rows of 63 columns: under the cell limit, so converted, with
    // the copies into merged cells bounded.
    let body = format!(
        "<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:tbl>{}</w:tbl>",
        row.repeat(300)
    );
    let o = import(dir.path(), "合并.docx", &docx(&body, "", &[]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("过宽或合并单元格过多"), "{}", text(&o));
    let md = std::fs::metadata(dir.path().join("content/合并.md")).unwrap();
    // The text itself is 0.27 MB; 16 MB of copies are cut to 1 MB.
    assert!(md.len() < 2 * 1024 * 1024, "{} bytes", md.len());
    // 2,000 rows: past the cell limit, not converted, said in its place.
    let body = format!(
        "<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:tbl>{}</w:tbl>",
        row.repeat(2000)
    );
    let o = import(dir.path(), "大表.docx", &docx(&body, "", &[]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("过大，未导入"), "{}", text(&o));
    let md = std::fs::read_to_string(dir.path().join("content/大表.md")).unwrap();
    assert!(
        md.contains("未导入") && md.len() < 64 * 1024,
        "{} bytes",
        md.len()
    );
}

#[test]
fn a_table_past_the_cell_limit_is_neither_printed_nor_shown() {
    let header = format!("|{}\n|{}\n", "列|".repeat(150), "-|".repeat(150));
    let row = format!("|{}\n", "1|".repeat(150));
    let body = format!(
        "# 一、试点对象基本概况\n\n数据如下。\n\n{header}{}\n",
        row.repeat(150)
    );
    let dir = crate::common::plan_project(&body);
    let o = run(dir.path(), &["check", "--today", "2022-06-20"]);
    assert!(text(&o).contains("document/limit"), "{}", text(&o));
    assert!(text(&o).contains("22650 个单元格"), "{}", text(&o));
    let o = build(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        !dir.path()
            .join("public/pdf/伏牛经开区试点实施方案.pdf")
            .exists()
    );
    let page = std::fs::read_to_string(dir.path().join("public/docs/伏牛经开区试点实施方案.html"))
        .unwrap();
    assert!(page.contains("超过单元格数上限"));
    assert!(!page.contains("<td>1</td>"));
}

// Outputs the author changed are never overwritten, by build or by pack.

#[test]
fn a_word_file_edited_after_the_build_is_never_overwritten() {
    let dir = demo();
    let root = dir.path();
    let o = build(root, &["--no-pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let docx = root.join("public/docx/伏牛经开区试点实施方案.docx");
    std::fs::write(&docx, b"PK my edits in Word").unwrap();
    // The plan changes too: a new Word file would be made.
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    std::fs::write(root.join(PLAN), format!("{plan}\n补充一段文字。\n")).unwrap();
    for _ in 0..2 {
        let o = build(root, &["--no-pdf"]);
        assert_eq!(
            std::fs::read(&docx).unwrap(),
            b"PK my edits in Word",
            "{}",
            text(&o)
        );
        assert!(
            text(&o).contains("output/changed") || text(&o).contains("被改动过"),
            "{}",
            text(&o)
        );
    }
}

#[test]
fn a_package_changed_after_pack_is_kept_and_said() {
    let dir = demo();
    let root = dir.path();
    let pack = ["pack", "--no-system-fonts", "--today", "2022-06-20"];
    let o = run(root, &pack);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let zip = std::fs::read_dir(root.join("public/package"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .unwrap();
    let mut bytes = std::fs::read(&zip).unwrap();
    bytes.extend_from_slice(b"appended by the author");
    std::fs::write(&zip, &bytes).unwrap();
    // Blocked by a check error, then allowed: the zip stays as it is.
    let plan = std::fs::read_to_string(root.join(PLAN)).unwrap();
    std::fs::write(root.join(PLAN), format!("{plan}\n待补充\n")).unwrap();
    let o = run(root, &pack);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(&zip).unwrap(), bytes, "{}", text(&o));
    assert!(text(&o).contains("output/kept"), "{}", text(&o));
    std::fs::write(root.join(PLAN), &plan).unwrap();
    let o = run(root, &pack);
    assert_eq!(std::fs::read(&zip).unwrap(), bytes, "{}", text(&o));
    assert!(text(&o).contains("output/changed"), "{}", text(&o));
}

#[test]
fn quotes_nested_a_hundred_thousand_deep_are_a_limit_not_a_minute() {
    let body = format!("# 一、试点对象基本概况\n\n{} 深处\n", ">".repeat(100_000));
    let dir = crate::common::plan_project(&body);
    let o = run(dir.path(), &["check", "--today", "2022-06-20"]);
    assert!(text(&o).contains("嵌套了 100000 层"), "{}", text(&o));
    // The site is built within the bounded time, without the body.
    let o = build(dir.path(), &["--no-pdf", "--no-docx"]);
    let page = std::fs::read_to_string(dir.path().join("public/docs/伏牛经开区试点实施方案.html"))
        .unwrap();
    assert!(page.contains("嵌套过深"), "{}", text(&o));
}

#[test]
fn unclosed_html_elements_a_hundred_thousand_deep_are_a_limit_not_half_a_minute() {
    // 36 s of sanitising before; the body is not shown now.
    let body = format!(
        "# 一、试点对象基本概况\n\n{}\n\n深处\n",
        "<div>".repeat(100_000)
    );
    let dir = crate::common::plan_project(&body);
    let o = run(dir.path(), &["check", "--today", "2022-06-20"]);
    assert!(
        text(&o).contains("HTML 标签嵌套了 100000 层"),
        "{}",
        text(&o)
    );
    let o = build(dir.path(), &["--no-pdf", "--no-docx"]);
    let page = std::fs::read_to_string(dir.path().join("public/docs/伏牛经开区试点实施方案.html"))
        .unwrap();
    assert!(page.contains("嵌套过深"), "{}", text(&o));
    // Ordinary markup nests a few levels and passes.
    let dir = crate::common::plan_project(
        "# 一、试点对象基本概况\n\n<div><p>甲<br>乙<img src=\"x.png\"/></p></div>\n\n正文\n",
    );
    let o = run(dir.path(), &["check", "--today", "2022-06-20"]);
    assert!(!text(&o).contains("HTML 标签嵌套"), "{}", text(&o));
}

#[test]
fn thousands_of_small_tables_are_a_limit_not_a_minute_of_typesetting() {
    // 60,000 one-cell tables took over 60 s and 4.9 GB to print.
    let tables = "\n| a |\n|---|\n| 1 |\n".repeat(1_500);
    let dir = crate::common::plan_project(&format!("# 一、试点对象基本概况\n\n正文。\n{tables}"));
    let o = build(dir.path(), &[]);
    assert!(text(&o).contains("1500 张表格"), "{}", text(&o));
    assert!(
        !dir.path()
            .join("public/pdf/伏牛经开区试点实施方案.pdf")
            .exists()
    );
}

#[test]
fn a_themes_own_fonts_serve_first_and_files_that_are_not_fonts_are_said() {
    let dir = demo();
    let root = dir.path();
    let fonts = root.join("themes/mine/fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::copy(
        repo().join("themes/default/fonts/FandolHei-Regular.otf"),
        fonts.join("黑体.otf"),
    )
    .unwrap();
    std::fs::write(fonts.join("假字体.ttf"), "not a font").unwrap();
    let config = std::fs::read_to_string(root.join("shenbao.yaml")).unwrap();
    std::fs::write(
        root.join("shenbao.yaml"),
        format!("{config}\ntheme: mine\n"),
    )
    .unwrap();
    let o = build(root, &["--no-site", "--no-docx"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("print/font-file") && t.contains("假字体.ttf"),
        "{t}"
    );
    assert!(t.contains("项目主题中的字体"), "{t}");
}
