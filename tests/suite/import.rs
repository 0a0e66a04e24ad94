//! `shenbao import`: Word files made by LibreOffice (tests/fixtures/word,
//! from the .fodt sources beside them) and the demo's own .docx, run
//! through the real binary; text compared with an independent reading of
//! the .docx.

use std::io::Read;
use std::path::Path;

use crate::common::*;
use shenbao::render::docx::model::{Block, plain, read_markdown};

fn log(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every non-empty paragraph's text in a part of a .docx (w:t joined).
fn docx_paragraphs(docx: &Path, part: &str) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name(part).unwrap().read_to_string(&mut xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "p")
        .map(|p| {
            p.descendants()
                .filter(|t| t.tag_name().name() == "t")
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .map(|t| squash(&t))
        .filter(|t| !t.is_empty())
        .collect()
}

fn empty_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("shenbao.yaml"), dir.path().join("shenbao.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    dir
}

#[test]
fn libreoffice_documents_import_with_their_outline_and_every_text() {
    for (name, headings) in [("styled", 13), ("numbered", 15)] {
        let dir = empty_project();
        let docx = repo().join(format!("tests/fixtures/word/{name}.docx"));
        let out = run(dir.path(), &["import", &docx.to_string_lossy()]);
        let text = log(&out);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(
            text.contains(&format!("{headings} 个标题")),
            "{name}: {text}"
        );
        assert!(text.contains("合并单元格"), "{text}");
        let md = std::fs::read_to_string(dir.path().join(format!("content/{name}.md"))).unwrap();
        assert!(
            dir.path()
                .join(format!("content/images/{name}/图1.png"))
                .is_file()
        );
        assert!(
            md.contains(&format!("![园区区位图](images/{name}/图1.png)")),
            "{md}"
        );
        assert!(
            md.contains("[^1]") && md.contains("[^1]: 数据来源：伏牛市统计局。"),
            "{md}"
        );
        assert!(md.contains("**一是能源结构偏重。**煤炭"), "{md}");
        assert!(md.contains("title: \"鹤"), "{md}");
        assert!(md.contains("category: \"2\""), "{md}");

        // check: the outline is complete, and nothing is misread.
        let out = run(
            dir.path(),
            &["check", "--format", "json", "--today", "2022-06-20"],
        );
        let rules = rules_of(&json(&out));
        for bad in [
            "outline/missing-section",
            "outline/order",
            "outline/duplicate",
            "outline/empty-section",
            "frontmatter/syntax",
        ] {
            assert!(
                !rules.iter().any(|r| r == bad),
                "{name}: {bad} in {rules:?}\n{md}"
            );
        }
        // What it could not find is listed by check.
        assert!(rules.iter().any(|r| r == "frontmatter/missing-field"));

        // The text of every paragraph and cell (and the footnote) survives.
        let md_text = squash(&without_note_marks(&md).replace(['\\', '*'], ""));
        let mut want = docx_paragraphs(&docx, "word/document.xml");
        want.extend(docx_paragraphs(&docx, "word/footnotes.xml"));
        for p in want {
            let p = match p.strip_prefix("图1") {
                Some(rest) => rest.to_string(),
                None => p,
            };
            assert!(md_text.contains(&p), "{name}: “{p}” lost in:\n{md}");
        }
    }
}

/// A LibreOffice caption frame (a text box holding the image and its
/// 图1 caption): the image and the caption come through, as a figure,
/// and the report says the box's place was not kept.
#[test]
fn a_caption_frame_keeps_its_image_and_caption() {
    let dir = empty_project();
    let docx = repo().join("tests/fixtures/word/framed.docx");
    let out = run(dir.path(), &["import", &docx.to_string_lossy()]);
    let text = log(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("文本框（其中的文字和图片已作为段落"),
        "{text}"
    );
    let md = std::fs::read_to_string(dir.path().join("content/framed.md")).unwrap();
    assert!(
        md.contains("园区位于城东。\n\n![园区区位图](images/framed/图1.png)\n\n正文继续。"),
        "{md}"
    );
    assert!(dir.path().join("content/images/framed/图1.png").is_file());
}

/// The Markdown without its footnote references (`[^1]`), which sit
/// inside a sentence whose text the .docx has in one piece.
fn without_note_marks(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(i) = rest.find("[^") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        match after.find(']') {
            // A definition line keeps its text.
            Some(j) if !after[j..].starts_with("]:") => rest = &after[j + 1..],
            _ => {
                out.push_str("[^");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Each document as blocks to compare: headings, paragraphs, list items
/// and table cells, by their text.
fn round_trip_blocks(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let body = &text[text[4..].find("\n---\n").unwrap() + 8..];
    let parsed = shenbao::markdown::parse_body(body, 0, None);
    let mut out = Vec::new();
    for b in read_markdown(body, &parsed.headings).blocks {
        match b {
            Block::Heading { title, .. } if !title.starts_with("附件") => {
                out.push(format!("H {}", squash(&title)))
            }
            Block::Para(i) | Block::Quote(i) => out.push(format!("P {}", squash(&plain(&i)))),
            Block::Code(code) => out.push(format!("K {}", code.trim_end())),
            Block::Item {
                marker, inlines, ..
            } => out.push(format!(
                "P {}{}",
                marker.unwrap_or_default(),
                squash(&plain(&inlines))
            )),
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                out.push(format!("C {:?}", caption.map(|c| squash(&c.1))));
                for row in std::iter::once(&header).chain(rows.iter()) {
                    let cells: Vec<String> = row.iter().map(|c| squash(&plain(c))).collect();
                    out.push(format!("R {}", cells.join("|")));
                }
            }
            _ => {}
        }
    }
    out
}

/// Build a project's Word files, import each into a fresh project, and
/// compare the imported Markdown with the original block by block.
fn round_trip(dir: &Path, docs: &[(&str, Option<&str>)]) {
    let out = build(dir, &["--no-pdf", "--no-site"]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", log(&out));
    for (name, kind) in docs {
        let docx = dir.join(format!("public/docx/{name}.docx"));
        let target = empty_project();
        let mut args = vec!["import".to_string(), docx.to_string_lossy().into_owned()];
        args.extend(["--name".into(), "往年".into()]);
        if let Some(k) = kind {
            args.extend(["--kind".into(), k.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(target.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", log(&out));
        // The Word file prints the minus sign U+2212 as the full-width
        // minus its Chinese fonts have (as the PDF does): one character.
        let minus = |v: Vec<String>| -> Vec<String> {
            v.into_iter()
                .map(|b| b.replace('\u{2212}', "\u{FF0D}"))
                .collect()
        };
        let original = minus(round_trip_blocks(&dir.join(format!("content/{name}.md"))));
        let imported = minus(round_trip_blocks(&target.path().join("content/往年.md")));
        assert!(original.len() > 4, "{name}: {original:?}");
        if let Some(at) =
            (0..original.len().max(imported.len())).find(|&i| original.get(i) != imported.get(i))
        {
            panic!(
                "{name}: block {at} of {}/{} differs:\n  original {:?}\n  imported {:?}",
                original.len(),
                imported.len(),
                original.get(at),
                imported.get(at)
            );
        }
    }
}

#[test]
fn the_demo_round_trips_through_word() {
    let dir = demo();
    round_trip(dir.path(), &[("伏牛经开区试点实施方案", None)]);
    // Nothing the demo holds is lost on the way.
    let target = empty_project();
    let docx = dir.path().join("public/docx/伏牛经开区试点实施方案.docx");
    let out = run(target.path(), &["import", &docx.to_string_lossy()]);
    assert!(log(&out).contains("没有无法转换的内容"), "{}", log(&out));
    // The bound letter comes back as the attachment it was (a fresh
    // project has no other copy of it), with its title and type.
    let md =
        std::fs::read_to_string(target.path().join("content/伏牛经开区试点实施方案.md")).unwrap();
    let front = &md[..md[4..].find("\n---\n").unwrap() + 4];
    assert!(
        front.contains("attachments:")
            && front.contains("  - type: recommendation-letter\n    file: \"content/images/伏牛经开区试点实施方案/")
            && front.contains("    title: \"河南省清洁生产审核创新试点项目推荐函（样例）\""),
        "{front}"
    );
    // …and the applicant's kind and the implementer are filled in from
    // the applicant's name, to be checked.
    assert!(front.contains("applicant_type: \"园区管委会\""), "{front}");
    assert!(
        front.contains("implementer: \"伏牛经济技术开发区管理委员会\""),
        "{front}"
    );
}

#[test]
fn every_fixture_round_trips_through_word() {
    let plan = fixture("real-plan");
    round_trip(plan.path(), &[("鹤阳市试点实施方案", None)]);
    let audit = fixture("audit-real");
    round_trip(
        audit.path(),
        &[
            ("审核报告", Some("audit-report")),
            ("验收自评报告", Some("acceptance-report")),
        ],
    );
    let voluntary = fixture("voluntary");
    round_trip(
        voluntary.path(),
        &[
            ("审核报告", Some("audit-report")),
            ("验收自评报告", Some("acceptance-report")),
        ],
    );
}

#[test]
fn other_formats_existing_files_and_hostile_archives_are_refused() {
    let dir = empty_project();
    let doc = dir.path().join("去年.doc");
    std::fs::write(&doc, [0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]).unwrap();
    let out = run(dir.path(), &["import", &doc.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", log(&out));
    assert!(
        log(&out).contains("另存为") && log(&out).contains(".docx"),
        "{}",
        log(&out)
    );
    let pdf = dir.path().join("去年.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
    let out = run(dir.path(), &["import", &pdf.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(log(&out).contains("PDF"), "{}", log(&out));

    // Never over an existing file.
    std::fs::write(dir.path().join("content/styled.md"), "mine").unwrap();
    let docx = repo().join("tests/fixtures/word/styled.docx");
    let out = run(dir.path(), &["import", &docx.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", log(&out));
    assert!(log(&out).contains("不会覆盖"), "{}", log(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("content/styled.md")).unwrap(),
        "mine"
    );

    // A zip bomb: a small archive whose document.xml inflates past the limit.
    let bomb = dir.path().join("炸弹.docx");
    {
        let f = std::fs::File::create(&bomb).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", opts).unwrap();
        let chunk = vec![b' '; 1024 * 1024];
        for _ in 0..70 {
            std::io::Write::write_all(&mut z, &chunk).unwrap();
        }
        z.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2 * 1024 * 1024);
    let out = run(dir.path(), &["import", &bomb.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2), "{}", log(&out));
    assert!(log(&out).contains("过大"), "{}", log(&out));
    assert!(!dir.path().join("content/炸弹.md").exists());
}

/// The 14 real-shaped Word files of `tests/fixtures/wordcorpus`, written
/// independently of this code (LibreOffice `.fodt` converted by soffice,
/// and WordprocessingML as Word 2016/365 and WPS write it), each with its
/// truth in `truth/`: every heading at its level with the number Word
/// shows, the kind, the cover's fields, every figure with its caption,
/// and the text in order. `measure.py` there scores the same files
/// against pandoc.
#[test]
fn the_word_corpus_imports_as_its_truth_says() {
    let corpus = repo().join("tests/fixtures/wordcorpus");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 14);
    let mut wrong = Vec::new();
    for docx in &files {
        let name = docx.file_stem().unwrap().to_string_lossy().to_string();
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(corpus.join(format!("truth/{name}.json"))).unwrap(),
        )
        .unwrap();
        let dir = empty_project();
        let out = run(dir.path(), &["import", &docx.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", log(&out));
        let md = std::fs::read_to_string(dir.path().join(format!("content/{name}.md"))).unwrap();
        let (front, body) = md[4..].split_once("\n---\n").unwrap();
        let front: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();

        // Headings: level, and the number Word shows with the text.
        let got: Vec<(usize, String)> = body
            .lines()
            .filter_map(|l| {
                let hashes = l.chars().take_while(|c| *c == '#').count();
                (hashes > 0 && l[hashes..].starts_with(' '))
                    .then(|| (hashes, squash(&l[hashes..]).replace('\\', "")))
            })
            .collect();
        let want: Vec<(usize, String)> = truth["headings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(truth["numbers"].as_array().unwrap())
            .map(|(h, n)| {
                let level = h[0].as_u64().unwrap() as usize;
                let text = h[1].as_str().unwrap();
                (level, squash(&format!("{}{text}", n.as_str().unwrap())))
            })
            .collect();
        if got != want {
            wrong.push(format!("{name}: headings\n got {got:?}\nwant {want:?}"));
        }

        // The kind guessed from the cover.
        let kind = front["kind"].as_str().unwrap_or("");
        let report = truth["cover"].get("enterprise").is_some();
        if (kind == "audit-report") != report {
            wrong.push(format!("{name}: kind {kind}"));
        }
        // The cover's fields.
        let cover = &truth["cover"];
        let field = |v: &serde_yaml::Value| v.as_str().map(squash).unwrap_or_default();
        let mut check = |what: &str, got: String, want: &[&serde_json::Value]| {
            if !want
                .iter()
                .any(|w| w.as_str().map(squash) == Some(got.clone()))
            {
                wrong.push(format!("{name}: {what} {got:?}, want {want:?}"));
            }
        };
        check("title", field(&front["title"]), &[&cover["title"]]);
        if report {
            check(
                "enterprise",
                field(&front["enterprise"]["name"]),
                &[&cover["enterprise"]],
            );
            check(
                "compiled_by",
                field(&front["compiled_by"]),
                &[&cover["consultant"]],
            );
        } else {
            check(
                "applicant",
                field(&front["applicant"]),
                &[&cover["applicant"]],
            );
            check("province", field(&front["province"]), &[&cover["province"]]);
            check(
                "city",
                field(&front["city"]),
                &[&cover["city"], &cover["city_alt"]],
            );
        }
        // A plan's attachment that is one scanned page is listed under
        // `attachments` (the body no longer holds it); a report's text
        // attachment stays in the body.
        if !report {
            for a in truth["attachments"].as_array().unwrap() {
                let label = a.as_str().unwrap();
                let title = label.split(['　', '：']).next_back().unwrap();
                let listed = front["attachments"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .any(|e| {
                        e["title"].as_str() == Some(title)
                            && e["type"].as_str() == Some("recommendation-letter")
                    });
                if !listed || body.contains(title) {
                    wrong.push(format!("{name}: attachment {title} not listed"));
                }
            }
        }
        let date = field(&front["date"]);
        if !date.starts_with(cover["date"].as_str().unwrap()) {
            wrong.push(format!("{name}: date {date}"));
        }

        // Every figure, with its caption as the author numbered it.
        for f in truth["figures"].as_array().unwrap() {
            let caption = f.as_str().unwrap();
            let (own, text) = shenbao::text::split_figure_number(caption);
            let want = match own {
                Some(n) => format!("![图{n}　{text}]("),
                None => format!("![{text}]("),
            };
            if !md.contains(&want) {
                wrong.push(format!("{name}: figure {want}"));
            }
        }
        // The body's text, in order: every Chinese character of the
        // truth, none of the contents, deleted text or comments.
        let han = |s: &str| -> Vec<char> {
            s.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .collect()
        };
        let theirs = han(truth["text"].as_str().unwrap());
        let ours = han(body);
        let mut at = 0;
        let mut found = 0;
        for c in &theirs {
            if let Some(p) = ours[at..].iter().position(|o| o == c) {
                at += p + 1;
                found += 1;
            }
        }
        let recall = found as f64 / theirs.len().max(1) as f64;
        if recall < 0.995 {
            wrong.push(format!("{name}: text recall {recall:.3}"));
        }
        for leak in ["toc", "deleted", "comments"] {
            for t in truth["leak"][leak].as_array().into_iter().flatten() {
                // More often than the body has it (a contents entry is
                // also its heading's text).
                let t = squash(t.as_str().unwrap());
                let times = |s: &str| squash(s).matches(t.as_str()).count();
                if t.chars().count() >= 6 && times(body) > times(truth["text"].as_str().unwrap()) {
                    wrong.push(format!("{name}: {leak} text leaked: {t}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
