//! A document body as HTML sections for the site: one pulldown-cmark pass,
//! split at headings, official numbers instead of the author's, stable
//! anchors, images copied only from inside the project, and every chunk
//! sanitised (scripts, event handlers and `javascript:` links never reach
//! a page).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};

use crate::assets::{is_remote, resolve};
use crate::document::Document;
use crate::text::NumberStyle;

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub level: usize,
    /// The official number (一、 （一） 1. （1）), empty past level 4.
    pub number: String,
    pub title: String,
    /// Sanitised HTML of the section's own text (up to the next heading).
    pub html: String,
    /// Plain text, for search.
    pub text: String,
    /// 1-based line where the section starts.
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct HtmlDoc {
    pub preamble: String,
    pub sections: Vec<Section>,
    /// Project files to copy next to the pages: (real path, path under assets/files/).
    pub files: Vec<(PathBuf, String)>,
}

/// The sanitiser: ordinary document HTML only.
fn cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("img", ["src", "alt", "title"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"])
        // Footnote anchors; every id is prefixed, so no author's HTML can
        // take the name of something the page's script looks up.
        .add_tag_attributes("div", ["id"])
        .id_prefix(Some("u-"))
        // The wrappers shenbao puts around tables and figures.
        .add_allowed_classes("div", ["table-wrap", "footnote-definition"])
        .add_allowed_classes("span", ["figure", "figcaption"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        // No request leaves the site: an image keeps its source only when
        // it is a file shenbao copied next to the pages.
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !value.contains("assets/files/") {
                None
            } else {
                Some(value.into())
            }
        });
    b
}

pub fn sanitize(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// Percent-encode the few characters that break a relative URL.
pub fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '%' => out.push_str("%25"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c => out.push(c),
        }
    }
    out
}

/// Render a document. `root` is the canonical project root; `to_root` is
/// the relative path from the page to the site root (e.g. `../`).
pub fn render(doc: &Document, root: &Path, to_root: &str) -> HtmlDoc {
    let body_start = doc.body_start();
    let body = doc.body_text();
    let doc_dir = doc.path.parent().unwrap_or(root).to_path_buf();
    let mut out = HtmlDoc::default();
    // Nested past the limit (document/limit): the sanitiser's cost grows
    // with the depth; the body is not shown, and the finding says why.
    if doc.body.max_nesting > crate::markdown::MAX_NESTING
        || doc.body.max_html_nesting > crate::markdown::MAX_NESTING
    {
        out.preamble = "<p class=\"notice\">［正文中的引用、列表或 HTML 标签嵌套过深，网页中不显示正文，见检查结果 document/limit］</p>\n".into();
        return out;
    }
    let mut chunk: Vec<Event<'_>> = Vec::new();
    let mut text = String::new();
    let mut heading_index = 0usize;
    let mut in_heading = false;
    // Position of each heading among its siblings, for official numbers.
    let hs = &doc.body.headings;
    let flush = |chunk: &mut Vec<Event<'_>>, text: &mut String, out: &mut HtmlDoc| {
        let mut s = String::new();
        html::push_html(&mut s, chunk.drain(..));
        let clean = sanitize(&s);
        match out.sections.last_mut() {
            Some(sec) => {
                sec.html = clean;
                sec.text = std::mem::take(text);
            }
            None => {
                out.preamble = clean;
                text.clear();
            }
        }
    };
    let mut footnotes: Vec<String> = Vec::new();
    // Each heading's place among its siblings (1-based), in one pass, and
    // the anchors given so far: linear in the number of headings.
    let mut count: std::collections::HashMap<Option<usize>, u32> = Default::default();
    let as_written = doc.body.numbers_as_written;
    let unnumbered =
        |h: &crate::markdown::Heading| as_written || crate::text::is_unnumbered_section(&h.title);
    // (place among all siblings, for anchors; among numbered ones, for
    // the official number).
    let mut numbered: std::collections::HashMap<Option<usize>, u32> = Default::default();
    let positions: Vec<(u32, u32)> = hs
        .iter()
        .map(|h| {
            let c = count.entry(h.parent).or_insert(0);
            let n = numbered.entry(h.parent).or_insert(0);
            if h.level > 0 {
                *c += 1;
                if !unnumbered(h) {
                    *n += 1;
                }
            }
            (*c, *n)
        })
        .collect();
    let mut ids: HashSet<String> = HashSet::new();
    // Figures and tables so far; the alt text of the image being read.
    let (mut figures, mut tables) = (0usize, 0usize);
    let mut alt: Option<String> = None;
    // Tables past the cell limit (document/limit) are not shown: a
    // notice stands in their place, and their cells are never rendered.
    let oversize: HashSet<usize> = doc
        .body
        .table_data
        .iter()
        .filter(|t| t.oversize)
        .map(|t| t.span.start)
        .collect();
    let mut skipping = false;
    for (event, range) in crate::markdown::events(body) {
        if skipping {
            if matches!(event, Event::End(TagEnd::Table)) {
                skipping = false;
            }
            continue;
        }
        if matches!(event, Event::Start(Tag::Table(_)))
            && oversize.contains(&(body_start + range.start))
        {
            skipping = true;
            chunk.push(Event::Html(
                "<p class=\"notice\">［此处的表格超过单元格数上限，网页中不显示，见检查结果 document/limit］</p>\n".into(),
            ));
            continue;
        }
        match event {
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut chunk, &mut text, &mut out);
                in_heading = true;
                let i = heading_index;
                heading_index += 1;
                let Some(h) = hs.get(i) else { continue };
                if h.level == 0 {
                    // The document title: shown as the page title.
                    continue;
                }
                let (place, pos) = positions.get(i).copied().unwrap_or((1, 1));
                // The author's numbers as written (第一章, 1.1), or none
                // for 前言; else the official number of the position.
                let (number, title) = if as_written {
                    (String::new(), h.text.trim().to_string())
                } else if unnumbered(h) {
                    (String::new(), h.title.clone())
                } else {
                    (
                        NumberStyle::for_level(h.level).map_or(String::new(), |s| s.format(pos)),
                        h.title.clone(),
                    )
                };
                let id = section_id(&out.sections, &mut ids, h.level, place);
                out.sections.push(Section {
                    id,
                    level: h.level,
                    number,
                    title,
                    html: String::new(),
                    text: String::new(),
                    line: doc.src.line_col(body_start + range.start).0,
                });
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            _ if in_heading => {}
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = image_dest(&dest_url, root, &doc_dir, to_root, &mut out.files);
                // A printed image is a numbered figure: so is the page's.
                if !dest.is_empty() {
                    chunk.push(Event::InlineHtml("<span class=\"figure\">".into()));
                    alt = Some(String::new());
                }
                chunk.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                chunk.push(Event::End(TagEnd::Image));
                if let Some(caption) = alt.take() {
                    // As in print: the author's 图2-1 as written, a plain
                    // 图1 not twice, the others counted.
                    let (own, caption) = crate::text::split_figure_number(&caption);
                    if own.is_none() {
                        figures += 1;
                    }
                    let label = crate::text::figure_label(own, figures);
                    let label = if caption.is_empty() {
                        label
                    } else {
                        format!("{label}　{}", crate::text::escape_html(caption))
                    };
                    chunk.push(Event::InlineHtml(
                        format!("<span class=\"figcaption\">{label}</span></span>").into(),
                    ));
                }
            }
            // Tables scroll inside their own box on a narrow screen, and a
            // column of figures is right-aligned as in print.
            Event::Start(Tag::Table(mut aligns)) => {
                if let Some(t) = doc.body.table_data.get(tables) {
                    for (j, a) in aligns.iter_mut().enumerate() {
                        let cells: Vec<&str> = t
                            .rows
                            .iter()
                            .filter_map(|r| r.get(j).map(|c| c.text.trim()))
                            .filter(|c| !c.is_empty() && !matches!(*c, "—" | "-" | "/" | "－"))
                            .collect();
                        if *a == pulldown_cmark::Alignment::None
                            && !cells.is_empty()
                            && cells
                                .iter()
                                .all(|c| crate::render::pdf::convert::is_numeric(c))
                        {
                            *a = pulldown_cmark::Alignment::Right;
                        }
                    }
                }
                tables += 1;
                chunk.push(Event::Html("<div class=\"table-wrap\">".into()));
                chunk.push(Event::Start(Tag::Table(aligns)));
            }
            Event::End(TagEnd::Table) => {
                chunk.push(Event::End(TagEnd::Table));
                chunk.push(Event::Html("</div>".into()));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(a) = alt.as_mut() {
                    a.push_str(t);
                }
                text.push_str(t);
                chunk.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                chunk.push(event);
            }
            // Footnotes are numbered over the whole document (each section
            // is rendered on its own, which would restart the count), in
            // the order they are first cited, as in print.
            Event::FootnoteReference(label) => {
                let n = footnote_number(&mut footnotes, &label);
                // (The marker is not searchable text: “56.8%1” would be
                // shown and found as a figure.)
                chunk.push(Event::InlineHtml(
                    format!("<sup class=\"footnote-ref\"><a href=\"#u-fn-{n}\">{n}</a></sup>")
                        .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = footnote_number(&mut footnotes, &label);
                chunk.push(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\" id=\"fn-{n}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                chunk.push(Event::Html("</div>".into()));
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::Item) => {
                text.push(' ');
                chunk.push(event);
            }
            other => chunk.push(other),
        }
    }
    flush(&mut chunk, &mut text, &mut out);
    out
}

/// A footnote's number: its place among the labels in order of first use.
fn footnote_number(seen: &mut Vec<String>, label: &str) -> usize {
    match seen.iter().position(|l| l == label) {
        Some(i) => i + 1,
        None => {
            seen.push(label.to_string());
            seen.len()
        }
    }
}

/// `s1`, `s1-2`, `s1-2-3`: the path of official positions, unique.
fn section_id(done: &[Section], ids: &mut HashSet<String>, level: usize, pos: u32) -> String {
    let mut path: Vec<String> = Vec::new();
    // Walk back to find the enclosing sections' ids.
    if level > 1
        && let Some(parent) = done.iter().rev().find(|s| s.level < level)
    {
        path.push(parent.id.trim_start_matches('s').to_string());
    }
    path.push(pos.to_string());
    let mut id = format!("s{}", path.join("-"));
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("s{}-{n}", path.join("-"));
        n += 1;
    }
    ids.insert(id.clone());
    id
}

/// A regular file whose first bytes are an image's.
fn is_image_file(path: &Path) -> bool {
    use std::io::Read;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok()
        && crate::assets::image_kind(&head).is_some()
}

/// Where an image is served from: copied under assets/files/ when it is
/// a file inside the project; nothing otherwise (the alt text remains).
fn image_dest(
    dest: &CowStr<'_>,
    root: &Path,
    doc_dir: &Path,
    to_root: &str,
    files: &mut Vec<(PathBuf, String)>,
) -> String {
    if is_remote(dest) {
        // No request leaves the site: remote images are not loaded.
        return String::new();
    }
    match resolve(root, doc_dir, dest) {
        // Only a file that is an image by its content is linked (the copy
        // step refuses the others, which would leave a broken image).
        Ok(real) if is_image_file(&real) => {
            let rel = crate::project::rel_path(root, &real);
            files.push((real, rel.clone()));
            href(&format!("{to_root}assets/files/{rel}"))
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_md(md: &str) -> HtmlDoc {
        let text = format!("---\nkind: pilot-plan\n---\n{md}");
        let doc = crate::document::parse(
            "content/a.md",
            PathBuf::from("/nonexistent/content/a.md"),
            text,
            None,
        );
        render(&doc, Path::new("/nonexistent"), "../")
    }

    #[test]
    fn sections_have_official_numbers_and_anchors() {
        let d = render_md(
            "# 一、试点对象基本概况\n\n## (一)范围\n\n正文甲\n\n## 产业\n\n正文乙\n\n# 试点基础\n\n正文丙\n",
        );
        let got: Vec<(String, String, String)> = d
            .sections
            .iter()
            .map(|s| (s.id.clone(), s.number.clone(), s.title.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("s1".into(), "一、".into(), "试点对象基本概况".into()),
                ("s1-1".into(), "（一）".into(), "范围".into()),
                ("s1-2".into(), "（二）".into(), "产业".into()),
                ("s2".into(), "二、".into(), "试点基础".into()),
            ]
        );
        assert!(d.sections[1].html.contains("<p>正文甲</p>"));
        assert_eq!(d.sections[1].text.trim(), "正文甲");
        assert_eq!(d.sections[3].line, 14);
    }

    #[test]
    fn footnotes_are_numbered_over_the_whole_document() {
        let d = render_md(
            "# 甲\n\n一[^a]。\n\n[^a]: 注甲。\n\n# 乙\n\n二[^b]，再引[^a]。\n\n[^b]: 注乙。\n",
        );
        let (a, b) = (&d.sections[0].html, &d.sections[1].html);
        let cite = |h: &str, n: usize| {
            h.contains(&format!(
                "<sup><a href=\"#u-fn-{n}\" rel=\"noopener noreferrer\">{n}</a></sup>"
            ))
        };
        assert!(cite(a, 1), "{a}");
        assert!(
            a.contains("id=\"u-fn-1\"><sup>1</sup>") && a.contains("注甲"),
            "{a}"
        );
        assert!(cite(b, 2) && cite(b, 1), "{b}");
        assert!(b.contains("id=\"u-fn-2\""), "{b}");
        // The marker is not search text (“56.8%1”); the note's text is.
        let text = &d.sections[0].text;
        assert!(text.contains("一。") && text.contains("注甲"), "{text}");
    }

    #[test]
    fn bold_lead_ins_after_chinese_punctuation_are_bold() {
        let d = render_md("# 甲\n\n**一是能源结构偏煤。**煤炭消费占比高。**二是……。**其次。\n");
        let h = &d.sections[0].html;
        assert!(!h.contains("**"), "{h}");
        assert!(h.contains("<strong>一是能源结构偏煤。</strong>煤炭"), "{h}");
        assert!(h.contains("<strong>二是……。</strong>其次"), "{h}");
    }

    #[test]
    fn figures_are_captioned_and_numbers_right_aligned() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/img")).unwrap();
        std::fs::write(root.join("content/img/a.png"), b"\x89PNG\r\n\x1a\n").unwrap();
        let text = "---\nkind: pilot-plan\n---\n# 甲\n\n![区位<图>](img/a.png)\n\n| 企业 | 产值 |\n|---|---|\n| 甲 | 1,200 |\n| 乙 | 3.5 |\n".to_string();
        let doc = crate::document::parse("content/a.md", root.join("content/a.md"), text, None);
        let d = render(&doc, &root, "../");
        let h = &d.sections[0].html;
        assert!(
            h.contains("<span class=\"figcaption\">图1　区位&lt;图&gt;</span>"),
            "{h}"
        );
        assert!(h.contains("<div class=\"table-wrap\"><table>"), "{h}");
        assert!(
            h.contains("<td style=\"text-align:right\">1,200</td>"),
            "{h}"
        );
        assert!(h.contains("<td>甲</td>"), "{h}");
    }

    #[test]
    fn only_images_are_linked_as_images() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/notes.png"), b"not a picture").unwrap();
        let text = "---\nkind: pilot-plan\n---\n# 甲\n\n![x](notes.png)\n".to_string();
        let doc = crate::document::parse("content/a.md", root.join("content/a.md"), text, None);
        let d = render(&doc, &root, "../");
        assert!(d.files.is_empty(), "{:?}", d.files);
        assert!(
            !d.sections[0].html.contains("assets/files"),
            "{}",
            d.sections[0].html
        );
    }

    #[test]
    fn guidance_never_reaches_the_page() {
        let d =
            render_md("# 甲\n\n> 编写提示：写明范围。\n\n正文。\n\n<!-- 编写提示：\n多行 -->\n");
        let h = &d.sections[0].html;
        assert!(!h.contains("编写提示") && !h.contains("多行"), "{h}");
        assert!(h.contains("正文。"), "{h}");
    }

    #[test]
    fn reports_keep_their_numbers_and_a_preface_takes_none() {
        let d = render_md("# 前言\n\n甲\n\n# 第一章 筹划与组织\n\n## 1.1 公司领导重视\n\n乙\n");
        let got: Vec<(String, String)> = d
            .sections
            .iter()
            .map(|s| (s.number.clone(), s.title.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (String::new(), "前言".to_string()),
                (String::new(), "第一章 筹划与组织".to_string()),
                (String::new(), "1.1 公司领导重视".to_string()),
            ]
        );
        let d = render_md("# 前言\n\n甲\n\n# 概况\n\n乙\n");
        assert_eq!(d.sections[0].number, "");
        assert_eq!(d.sections[1].number, "一、");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let d = render_md(
            "# 甲\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[点我](javascript:alert(3))\n\n<a href=\"https://ok.example\">好</a>\n",
        );
        let h = &d.sections[0].html;
        assert!(
            !h.contains("<script") && !h.contains("onerror") && !h.contains("javascript:"),
            "{h}"
        );
        assert!(h.contains("https://ok.example"), "{h}");
    }

    #[test]
    fn raw_html_images_lose_foreign_sources() {
        let d = render_md(
            "# 甲\n\n<img src=\"https://tracker.example/p.gif\" alt=\"t\"> <img src=\"x\">\n",
        );
        assert!(
            !d.sections[0].html.contains("tracker") && !d.sections[0].html.contains("src=\"x\""),
            "{}",
            d.sections[0].html
        );
    }

    #[test]
    fn images_outside_the_project_or_remote_are_not_linked() {
        let d = render_md("# 甲\n\n![外部](https://example.com/a.png) ![越界](../../etc/passwd)\n");
        assert!(
            !d.sections[0].html.contains("example.com") && !d.sections[0].html.contains("passwd"),
            "{}",
            d.sections[0].html
        );
        assert!(d.files.is_empty());
    }

    #[test]
    fn hrefs_are_escaped() {
        assert_eq!(href("docs/甲 乙#1.html"), "docs/甲%20乙%231.html");
    }
}
