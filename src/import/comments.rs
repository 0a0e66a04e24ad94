//! `shenbao import 专家意见.docx --comments --for 文档`: a reviewer's Word
//! comments (批注) become the `comments:` of a response to the review,
//! each with the section its anchor stands in, found in the revised
//! document (by the anchored paragraph's text, else by the heading above
//! it in the reviewer's file).

use std::collections::HashMap;

use super::docx::{self, Package, attr, child, is};
use crate::document::Document;
use crate::review;

/// One Word comment and where it was anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordComment {
    pub author: String,
    pub text: String,
    /// The text of the paragraph the comment is anchored in.
    pub anchor: String,
    /// The heading above that paragraph (or the paragraph itself when it
    /// is a heading), as the reviewer's file writes it.
    pub heading: Option<String>,
}

/// The comments of a .docx in the order they are anchored in the text
/// (comments never anchored, as Word keeps some, come last).
pub fn read(bytes: Vec<u8>) -> Result<Vec<WordComment>, String> {
    let mut pkg = Package::open(bytes)?;
    let Some(comments_xml) = pkg.xml("word/comments.xml")? else {
        return Ok(Vec::new());
    };
    let doc_xml = pkg
        .xml("word/document.xml")?
        .ok_or("压缩包中没有 word/document.xml，不是 Word 文档")?;
    let styles = pkg.xml("word/styles.xml")?.unwrap_or_default();
    let heading_styles = heading_styles(&styles);

    let cx = docx::parse(&comments_xml)?;
    // id → (author, text), in file order.
    let mut order: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, (String, String)> = HashMap::new();
    for c in cx.descendants().filter(|n| is(*n, "comment")) {
        let Some(id) = attr(c, "id") else { continue };
        let author = attr(c, "author").unwrap_or_default().trim().to_string();
        let text = c
            .descendants()
            .filter(|n| is(*n, "p"))
            .map(paragraph_text)
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        order.push(id.to_string());
        by_id.insert(id.to_string(), (author, text.trim().to_string()));
    }

    let dx = docx::parse(&doc_xml)?;
    let mut heading: Option<String> = None;
    let mut out: Vec<WordComment> = Vec::new();
    let mut placed: std::collections::HashSet<String> = Default::default();
    for p in dx.descendants().filter(|n| is(*n, "p")) {
        let text = paragraph_text(p);
        if is_heading(p, &heading_styles) && !text.trim().is_empty() {
            heading = Some(text.trim().to_string());
        }
        for mark in p
            .descendants()
            .filter(|n| is(*n, "commentRangeStart") || is(*n, "commentReference"))
        {
            let Some(id) = attr(mark, "id") else { continue };
            if !placed.insert(id.to_string()) {
                continue;
            }
            if let Some((author, body)) = by_id.get(id) {
                out.push(WordComment {
                    author: author.clone(),
                    text: body.clone(),
                    anchor: text.trim().to_string(),
                    heading: heading.clone(),
                });
            }
        }
    }
    for id in order {
        if !placed.contains(&id)
            && let Some((author, body)) = by_id.get(&id)
        {
            out.push(WordComment {
                author: author.clone(),
                text: body.clone(),
                anchor: String::new(),
                heading: None,
            });
        }
    }
    out.retain(|c| !c.text.is_empty());
    Ok(out)
}

/// A paragraph's visible text (deleted text and field codes left out).
fn paragraph_text(p: roxmltree::Node<'_, '_>) -> String {
    p.descendants()
        .filter(|n| is(*n, "t"))
        .filter(|n| !n.ancestors().any(|a| is(a, "del")))
        .filter_map(|n| n.text())
        .collect()
}

/// Style ids that are headings: by their name (heading 1, 标题 1) or an
/// outline level.
fn heading_styles(styles_xml: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let Ok(sx) = docx::parse(styles_xml) else {
        return out;
    };
    for s in sx.descendants().filter(|n| is(*n, "style")) {
        let Some(id) = attr(s, "styleId") else {
            continue;
        };
        let name = child(s, "name")
            .and_then(|n| attr(n, "val"))
            .unwrap_or_default()
            .to_lowercase();
        let outline = child(s, "pPr")
            .and_then(|p| child(p, "outlineLvl"))
            .is_some();
        if outline || name.starts_with("heading") || name.starts_with("标题 ") {
            out.insert(id.to_string());
        }
    }
    out
}

fn is_heading(p: roxmltree::Node<'_, '_>, styles: &std::collections::HashSet<String>) -> bool {
    let Some(ppr) = child(p, "pPr") else {
        return false;
    };
    child(ppr, "outlineLvl").is_some_and(|o| attr(o, "val").is_some_and(|v| v != "9"))
        || child(ppr, "pStyle")
            .and_then(|s| attr(s, "val"))
            .is_some_and(|v| styles.contains(v) || v.to_lowercase().starts_with("heading"))
}

/// The section of `revised` a comment concerns, as its location
/// (一（一）试点对象范围与区位): the block whose text holds the anchored
/// paragraph's (or most of it), else the heading above it by title.
pub fn section_of(revised: &Document, c: &WordComment) -> Option<String> {
    let numbers = review::section_numbers(revised);
    let blocks = review::diff::blocks(revised);
    let anchor: String = c.anchor.chars().filter(|ch| !ch.is_whitespace()).collect();
    if anchor.chars().count() >= 4 {
        let squeeze = |s: &str| {
            s.chars()
                .filter(|ch| !ch.is_whitespace())
                .collect::<String>()
        };
        // The anchored paragraph as it is, or its first 12 characters (it
        // may have been revised since).
        let head: String = anchor.chars().take(12).collect();
        let hit = blocks
            .iter()
            .find(|b| squeeze(&b.text) == anchor)
            .or_else(|| blocks.iter().find(|b| squeeze(&b.text).contains(&head)));
        if let Some(b) = hit
            && let Some(i) = b.section
        {
            return Some(review::location(&numbers, i));
        }
    }
    let heading = c.heading.as_ref()?;
    let (_, title) = crate::text::split_heading_number(heading);
    review::locate(revised, title)
        .into_iter()
        .chain(review::locate(revised, heading))
        .find_map(|(_, hit)| hit)
        .map(|i| review::location(&numbers, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reviewer's file as zh-CN Word writes it: heading styles with ids
    /// "1" and "2" named 标题 1/heading 2, comments ranged over part of a
    /// paragraph, one on a heading, one whose anchor Word lost.
    fn reviewer_docx() -> Vec<u8> {
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
        let body = r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、试点对象基本概况</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:commentRangeStart w:id="7"/><w:r><w:t>（一）试点对象范围与区位</w:t></w:r><w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">经开区位于伏牛市中心城区东南方向</w:t></w:r><w:commentRangeStart w:id="3"/><w:r><w:t>12公里</w:t></w:r><w:commentRangeEnd w:id="3"/><w:r><w:commentReference w:id="3"/></w:r><w:del w:id="9" w:author="x"><w:r><w:delText>删去的字</w:delText></w:r></w:del><w:r><w:t>，距机场约85公里。</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>三、试点工作目标</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:commentRangeStart w:id="5"/><w:r><w:t>单位工业增加值能耗</w:t></w:r><w:commentRangeEnd w:id="5"/><w:r><w:commentReference w:id="5"/></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let comments = r#"<w:comment w:id="3" w:author="李明" w:initials="LM"><w:p><w:r><w:t>补充园区四至范围</w:t></w:r></w:p><w:p><w:r><w:t>和规划面积</w:t></w:r></w:p></w:comment>
<w:comment w:id="5" w:author="专家组"><w:p><w:r><w:t>目标值请量化</w:t></w:r></w:p></w:comment>
<w:comment w:id="7" w:author="王芳"><w:p><w:r><w:t>本节标题与大纲不一致</w:t></w:r></w:p></w:comment>
<w:comment w:id="8" w:author="王芳"><w:p><w:r><w:t>全文请统一计量单位</w:t></w:r></w:p></w:comment>
<w:comment w:id="9" w:author="王芳"><w:p/></w:comment>"#;
        let styles = r#"<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style>"#;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        for (name, root, inner) in [
            (
                "word/document.xml",
                "w:document",
                format!("<w:body>{body}</w:body>"),
            ),
            ("word/comments.xml", "w:comments", comments.to_string()),
            ("word/styles.xml", "w:styles", styles.to_string()),
        ] {
            z.start_file(name, o).unwrap();
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{root} {w}>{inner}</{root}>"#
            );
            std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn comments_are_read_in_text_order_with_their_anchor_and_heading() {
        let c = read(reviewer_docx()).unwrap();
        let got: Vec<(&str, &str, &str, Option<&str>)> = c
            .iter()
            .map(|c| {
                (
                    c.author.as_str(),
                    c.text.as_str(),
                    c.anchor.as_str(),
                    c.heading.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "王芳",
                    "本节标题与大纲不一致",
                    "（一）试点对象范围与区位",
                    Some("（一）试点对象范围与区位")
                ),
                (
                    "李明",
                    "补充园区四至范围\n和规划面积",
                    "经开区位于伏牛市中心城区东南方向12公里，距机场约85公里。",
                    Some("（一）试点对象范围与区位")
                ),
                (
                    "专家组",
                    "目标值请量化",
                    "单位工业增加值能耗",
                    Some("三、试点工作目标")
                ),
                // Never anchored (Word keeps such): last, without a place.
                ("王芳", "全文请统一计量单位", "", None),
            ]
        );
    }

    #[test]
    fn each_comment_is_placed_in_the_revised_documents_section() {
        let revised = crate::document::parse(
            "content/a.md",
            "a.md".into(),
            "---\nkind: pilot-plan\ntitle: 甲\n---\n# 一、试点对象基本概况\n\n## （一）试点对象范围与区位\n\n经开区位于伏牛市中心城区东南方向约12公里，四至清楚，距机场约85公里。\n\n# 二、试点基础\n\n文。\n\n# 三、试点工作目标\n\n| 指标 | 目标 |\n|---|---|\n| 单位工业增加值能耗 | 下降13% |\n".into(),
            None,
        );
        let places: Vec<Option<String>> = read(reviewer_docx())
            .unwrap()
            .iter()
            .map(|c| section_of(&revised, c))
            .collect();
        assert_eq!(
            places,
            [
                Some("一（一）试点对象范围与区位".to_string()),
                // Revised since: found by its opening words.
                Some("一（一）试点对象范围与区位".to_string()),
                Some("三、试点工作目标".to_string()),
                None,
            ]
        );
    }
}
