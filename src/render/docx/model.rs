//! The body of a document as blocks and inline runs, read from the same
//! Markdown events as the PDF and the site (`crate::markdown::events`:
//! CJK-friendly emphasis, guidance taken out). The .docx writer reads
//! this, and tests can compare it with an imported document.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

use crate::document::Document;
use crate::text::split_heading_number;

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
        strike: bool,
        code: bool,
        /// Web, mail and phone links only; anything else is plain text.
        link: Option<String>,
    },
    FootnoteRef(String),
    Break,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `level` is the outline level (1 for the top sections). When
    /// `numbered`, `title` has the author's number removed and the writer
    /// numbers by position; otherwise the title is printed as it is: the
    /// document keeps its numbers as written (第一章, 1.1), or the section
    /// takes none (前言, 附录).
    Heading {
        level: usize,
        title: String,
        numbered: bool,
    },
    Para(Vec<Inline>),
    /// One list item's paragraph: nesting depth (1 = top), the marker
    /// (`1.`, `（1）`, `•`) on its first paragraph only.
    Item {
        depth: usize,
        marker: Option<String>,
        inlines: Vec<Inline>,
    },
    Quote(Vec<Inline>),
    Code(String),
    Table {
        caption: Option<(Option<String>, String)>,
        aligns: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Image {
        dest: String,
        alt: String,
    },
    Rule,
}

#[derive(Debug, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    /// Each block's source, in bytes of the body (see [`Body::block_at`]).
    pub spans: Vec<std::ops::Range<usize>>,
    pub footnotes: HashMap<String, Vec<Inline>>,
}

impl Body {
    /// The block a place of the source (bytes of the body) belongs to: the
    /// one whose source holds it, else the last one before it (a footnote
    /// definition, a comment, blank lines), else the first.
    pub fn block_at(&self, at: usize) -> Option<usize> {
        if self.blocks.is_empty() {
            return None;
        }
        if let Some(i) = self.spans.iter().position(|r| r.start <= at && at < r.end) {
            return Some(i);
        }
        Some(self.spans.iter().rposition(|r| r.end <= at).unwrap_or(0))
    }
}

/// The plain text of inline runs.
pub fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text { text, .. } => s.push_str(text),
            Inline::Break => s.push('\n'),
            Inline::FootnoteRef(_) => {}
        }
    }
    s
}

#[derive(Default, Clone, Copy)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
}

enum Container {
    List { ordered: Option<u64>, next: u64 },
    Item { marker: Option<String>, used: bool },
    Quote,
    Footnote(String),
}

struct Reader<'a> {
    out: Body,
    style: Vec<Style>,
    link: Vec<Option<String>>,
    inlines: Vec<Inline>,
    containers: Vec<Container>,
    heading: Option<usize>,
    heading_index: usize,
    headings: &'a [crate::markdown::Heading],
    /// Headings keep the author's numbers (`Body::numbers_as_written`).
    as_written: bool,
    /// The level of the numbered heading the text is under (0: none).
    section: usize,
    table: Option<TableState>,
    image: Option<(String, String)>,
    code: Option<String>,
    html: Option<String>,
    footnote_blocks: Vec<Inline>,
    /// Where a caption taken into the table being read began.
    caption_start: Option<usize>,
}

struct TableState {
    aligns: Vec<Alignment>,
    header: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
    in_head: bool,
}

/// Read a document's body into blocks.
pub fn read(doc: &Document) -> Body {
    read_markdown(doc.body_text(), &doc.body.headings)
}

/// Read Markdown (a body without front matter). `headings` is the parsed
/// heading tree of the same text (levels and the authors' numbers).
pub fn read_markdown(body: &str, headings: &[crate::markdown::Heading]) -> Body {
    let mut r = Reader {
        out: Body::default(),
        style: vec![Style::default()],
        link: vec![None],
        inlines: Vec::new(),
        containers: Vec::new(),
        heading: None,
        heading_index: 0,
        headings,
        as_written: crate::markdown::numbered_as_written(headings),
        section: 0,
        table: None,
        image: None,
        code: None,
        html: None,
        footnote_blocks: Vec::new(),
        caption_start: None,
    };
    for (event, range) in crate::markdown::events(body) {
        r.event(event);
        r.mark_spans(&range);
    }
    r.flush_para();
    r.mark_spans(&(body.len()..body.len()));
    r.out
}

impl Reader<'_> {
    /// Blocks made by the event at `range` come from there (the end event
    /// of a paragraph, heading or table spans all of it).
    fn mark_spans(&mut self, range: &std::ops::Range<usize>) {
        let n = self.out.blocks.len();
        self.out.spans.truncate(n);
        let made = n - self.out.spans.len();
        let mut range = range.clone();
        if made > 0
            && let Some(start) = self.caption_start.take()
        {
            range.start = range.start.min(start);
        }
        self.out.spans.extend(std::iter::repeat_n(range, made));
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        if let Some((_, alt)) = self.image.as_mut() {
            alt.push_str(t);
            return;
        }
        let st = self.style.last().copied().unwrap_or_default();
        let link = self.link.last().cloned().flatten();
        // Merge with the previous run when nothing changes.
        if let Some(Inline::Text {
            text,
            bold,
            italic,
            strike,
            code: false,
            link: l,
        }) = self.inlines.last_mut()
            && *bold == st.bold
            && *italic == st.italic
            && *strike == st.strike
            && *l == link
        {
            text.push_str(t);
            return;
        }
        self.inlines.push(Inline::Text {
            text: t.to_string(),
            bold: st.bold,
            italic: st.italic,
            strike: st.strike,
            code: false,
            link,
        });
    }

    fn push_style(&mut self, f: impl FnOnce(&mut Style)) {
        let mut st = self.style.last().copied().unwrap_or_default();
        f(&mut st);
        self.style.push(st);
    }

    fn block(&mut self, b: Block) {
        if let Some(Container::Footnote(_)) = self.containers.last() {
            // Notes are inline text: their blocks join into one run list.
            if let Block::Para(inl) | Block::Quote(inl) | Block::Item { inlines: inl, .. } = b {
                if !self.footnote_blocks.is_empty() {
                    self.footnote_blocks.push(Inline::Break);
                }
                self.footnote_blocks.extend(inl);
            }
            return;
        }
        self.out.blocks.push(b);
    }

    /// End of a paragraph (or of loose text in a list item): a block of
    /// the kind its containers make it.
    fn flush_para(&mut self) {
        let inlines = std::mem::take(&mut self.inlines);
        if inlines.is_empty() {
            return;
        }
        if plain(&inlines).trim().is_empty()
            && !inlines.iter().any(|i| matches!(i, Inline::FootnoteRef(_)))
        {
            return;
        }
        let depth = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::List { .. }))
            .count();
        let in_quote = self
            .containers
            .iter()
            .any(|c| matches!(c, Container::Quote));
        let item = self.containers.iter_mut().rev().find_map(|c| match c {
            Container::Item { marker, used } => Some((marker, used)),
            _ => None,
        });
        let b = match item {
            Some((marker, used)) => {
                let m = if *used { None } else { marker.clone() };
                *used = true;
                Block::Item {
                    depth,
                    marker: m,
                    inlines,
                }
            }
            None if in_quote => Block::Quote(inlines),
            None => Block::Para(inlines),
        };
        self.block(b);
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(code) = self.code.as_mut() {
                    code.push_str(&t);
                } else if let Some(h) = self.html.as_mut() {
                    h.push_str(&t);
                } else {
                    self.text(&t);
                }
            }
            Event::Code(t) => {
                if let Some((_, alt)) = self.image.as_mut() {
                    alt.push_str(&t);
                } else {
                    self.inlines.push(Inline::Text {
                        text: t.to_string(),
                        bold: false,
                        italic: false,
                        strike: false,
                        code: true,
                        link: None,
                    });
                }
            }
            Event::SoftBreak => {
                let latin = match self.inlines.last() {
                    Some(Inline::Text { text, .. }) => text
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == ',' || c == '.'),
                    _ => false,
                };
                if latin {
                    self.text(" ");
                }
            }
            Event::HardBreak => self.inlines.push(Inline::Break),
            Event::Rule => {
                self.flush_para();
                self.block(Block::Rule);
            }
            Event::Html(h) => {
                if let Some(buf) = self.html.as_mut() {
                    buf.push_str(&h);
                }
            }
            Event::InlineHtml(h) => {
                let t = h.trim();
                if matches!(t.to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />") {
                    self.inlines.push(Inline::Break);
                } else if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    self.text(&h);
                }
            }
            Event::FootnoteReference(label) => {
                self.inlines.push(Inline::FootnoteRef(label.to_string()));
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.flush_para(),
            Tag::Heading { level, .. } => {
                self.flush_para();
                let info = self.headings.get(self.heading_index);
                self.heading_index += 1;
                let level = info.map_or(level as usize, |h| h.level);
                self.heading = Some(level);
                // Lists number on from it, as in print (`item_marker`).
                self.section = if self.as_written
                    || info.is_some_and(|h| crate::text::is_unnumbered_section(&h.title))
                {
                    0
                } else {
                    level
                };
            }
            Tag::BlockQuote(_) => {
                self.flush_para();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(_) => {
                self.flush_para();
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush_para();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_para();
                self.containers.push(Container::List {
                    ordered: start,
                    next: start.unwrap_or(1),
                });
            }
            Tag::Item => {
                self.flush_para();
                let ordered_depth = self
                    .containers
                    .iter()
                    .filter(|c| {
                        matches!(
                            c,
                            Container::List {
                                ordered: Some(_),
                                ..
                            }
                        )
                    })
                    .count();
                let marker = match self.containers.last_mut() {
                    Some(Container::List {
                        ordered: Some(_),
                        next,
                    }) => {
                        let n = *next;
                        *next += 1;
                        Some(crate::render::pdf::convert::item_marker(
                            ordered_depth,
                            n,
                            self.section,
                        ))
                    }
                    _ => Some("•".to_string()),
                };
                self.containers.push(Container::Item {
                    marker,
                    used: false,
                });
            }
            Tag::Emphasis => self.push_style(|s| s.italic = true),
            Tag::Strong => self.push_style(|s| s.bold = true),
            Tag::Strikethrough => self.push_style(|s| s.strike = true),
            Tag::Link { dest_url, .. } => {
                let lower = dest_url.trim().to_ascii_lowercase();
                let keep = ["http://", "https://", "mailto:", "tel:"]
                    .iter()
                    .any(|p| lower.starts_with(p));
                self.link.push(keep.then(|| dest_url.trim().to_string()));
            }
            Tag::Image { dest_url, .. } => {
                self.image = Some((dest_url.to_string(), String::new()));
            }
            Tag::Table(aligns) => {
                self.flush_para();
                self.table = Some(TableState {
                    aligns,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.row.clear();
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.row.clear();
                }
            }
            Tag::TableCell => self.inlines.clear(),
            Tag::FootnoteDefinition(label) => {
                self.flush_para();
                self.footnote_blocks.clear();
                self.containers.push(Container::Footnote(label.to_string()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_para(),
            TagEnd::Heading(_) => {
                let inlines = std::mem::take(&mut self.inlines);
                let level = self.heading.take().unwrap_or(1);
                let text = plain(&inlines);
                if level > 0 {
                    let block = if self.as_written {
                        Block::Heading {
                            level,
                            title: text.trim().to_string(),
                            numbered: false,
                        }
                    } else {
                        let title = split_heading_number(&text).1.trim().to_string();
                        Block::Heading {
                            level,
                            numbered: !crate::text::is_unnumbered_section(&title),
                            title,
                        }
                    };
                    self.block(block);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush_para();
                if let Some(i) = self
                    .containers
                    .iter()
                    .rposition(|c| matches!(c, Container::Quote))
                {
                    self.containers.truncate(i);
                }
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.block(Block::Code(code.trim_end_matches('\n').to_string()));
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(h) = self.html.take() {
                    let rest = strip_comments(&h);
                    let rest = rest.trim();
                    if !rest.is_empty() {
                        self.text(rest);
                        self.flush_para();
                    }
                }
            }
            TagEnd::List(_) => {
                self.flush_para();
                if let Some(i) = self
                    .containers
                    .iter()
                    .rposition(|c| matches!(c, Container::List { .. }))
                {
                    self.containers.truncate(i);
                }
            }
            TagEnd::Item => {
                self.flush_para();
                if let Some(i) = self
                    .containers
                    .iter()
                    .rposition(|c| matches!(c, Container::Item { .. }))
                {
                    self.containers.truncate(i);
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough if self.style.len() > 1 => {
                self.style.pop();
            }
            TagEnd::Link if self.link.len() > 1 => {
                self.link.pop();
            }
            TagEnd::Image => {
                if let Some((dest, mut alt)) = self.image.take() {
                    // A linked image's web address goes in its caption, as
                    // in print.
                    if let Some(Some(url)) = self.link.last()
                        && (url.starts_with("http://") || url.starts_with("https://"))
                    {
                        alt.push_str(&format!("（{url}）"));
                    }
                    // A figure stands on its own: close the text before it.
                    self.flush_para();
                    self.block(Block::Image { dest, alt });
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inlines);
                if let Some(t) = self.table.as_mut() {
                    t.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.header = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut()
                    && !t.in_head
                {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    // A paragraph like “表1 主要指标” just before is the caption.
                    let caption = match self.out.blocks.last() {
                        Some(Block::Para(inl)) => table_caption(&plain(inl)),
                        _ => None,
                    };
                    if caption.is_some() {
                        self.out.blocks.pop();
                        // The caption's span goes with it: the table's
                        // own, marked when it is made, starts there.
                        let n = self.out.blocks.len();
                        self.caption_start = self.out.spans.get(n).map(|r| r.start);
                        self.out.spans.truncate(n);
                    }
                    self.block(Block::Table {
                        caption,
                        aligns: t.aligns,
                        header: t.header,
                        rows: t.rows,
                    });
                }
            }
            TagEnd::FootnoteDefinition => {
                self.flush_para();
                if let Some(i) = self
                    .containers
                    .iter()
                    .rposition(|c| matches!(c, Container::Footnote(_)))
                {
                    if let Some(Container::Footnote(label)) = self.containers.get(i) {
                        let label = label.clone();
                        let def = std::mem::take(&mut self.footnote_blocks);
                        self.out.footnotes.insert(label, def);
                    }
                    self.containers.truncate(i);
                }
            }
            _ => {}
        }
    }
}

fn strip_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(end) => rest = &rest[i + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The caption rule print uses: `表1 主要指标` → (number, caption).
pub use crate::render::pdf::convert::table_caption;

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(md: &str) -> Body {
        let body = crate::markdown::parse_body(md, 0, None);
        read_markdown(md, &body.headings)
    }

    #[test]
    fn headings_lose_the_authors_number_and_keep_their_level() {
        let b = blocks("# 一、概况\n\n## (一)范围\n\n正文**加粗。**其后\n\n# 二、基础\n");
        assert_eq!(
            b.blocks[0],
            Block::Heading {
                level: 1,
                title: "概况".into(),
                numbered: true,
            }
        );
        assert_eq!(
            b.blocks[1],
            Block::Heading {
                level: 2,
                title: "范围".into(),
                numbered: true,
            }
        );
        let Block::Para(p) = &b.blocks[2] else {
            panic!("{:?}", b.blocks)
        };
        assert!(matches!(&p[1], Inline::Text { text, bold: true, .. } if text == "加粗。"));
    }

    #[test]
    fn numbers_as_written_stay_and_a_preface_takes_none() {
        let b = blocks("# 前言\n\n正文\n\n# 第一章 筹划与组织\n\n## 1.1 领导重视\n\n正文\n");
        let heads: Vec<_> = b
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading {
                    title, numbered, ..
                } => Some((title.as_str(), *numbered)),
                _ => None,
            })
            .collect();
        assert_eq!(
            heads,
            [
                ("前言", false),
                ("第一章 筹划与组织", false),
                ("1.1 领导重视", false)
            ]
        );
        // Numbered by position, a preface still takes no number.
        let b = blocks("# 前言\n\n正文\n\n# 一、概况\n\n正文\n");
        assert!(matches!(
            &b.blocks[0],
            Block::Heading {
                numbered: false,
                ..
            }
        ));
        assert!(
            matches!(&b.blocks[2], Block::Heading { title, numbered: true, .. } if title == "概况")
        );
    }

    #[test]
    fn captions_tables_lists_notes_and_guidance() {
        let md = "> 编写提示：删掉\n\n表1 指标\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n1. 甲\n   1. 乙\n\n正文[^1]\n\n[^1]: 注释\n\n![区位图](images/a.png)\n";
        let b = blocks(md);
        let Block::Table {
            caption,
            header,
            rows,
            ..
        } = &b.blocks[0]
        else {
            panic!("{:?}", b.blocks)
        };
        assert_eq!(caption, &Some((Some("1".into()), "指标".into())));
        assert_eq!(plain(&header[1]), "b");
        assert_eq!(plain(&rows[0][0]), "1");
        assert!(matches!(&b.blocks[1], Block::Item { depth: 1, marker: Some(m), .. } if m == "1."));
        assert!(
            matches!(&b.blocks[2], Block::Item { depth: 2, marker: Some(m), .. } if m == "（1）")
        );
        assert_eq!(plain(&b.footnotes["1"]), "注释");
        assert!(
            matches!(&b.blocks.last(), Some(Block::Image { alt, .. }) if alt == "区位图"),
            "{:?}",
            b.blocks
        );
        assert!(!format!("{:?}", b.blocks).contains("编写提示"));
    }

    #[test]
    fn a_linked_image_keeps_its_address_in_the_caption() {
        let b = blocks("见下：[![徽标](images/a.png)](https://www.example.gov.cn/)。\n");
        assert!(
            b.blocks.iter().any(|x| matches!(x, Block::Image { alt, .. } if alt == "徽标（https://www.example.gov.cn/）")),
            "{:?}",
            b.blocks
        );
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    /// A finding's place in the source names the block Word shows it on.
    #[test]
    fn places_in_tables_and_footnotes_belong_to_their_blocks() {
        let body = "段落甲\n\n表1 产值\n\n| a | b |\n|---|---|\n| 1 | 待补充 |\n\n脚注引用[^1]\n\n[^1]: 脚注文字××\n\n# 二、标题\n\n段落乙\n";
        let b = read_markdown(body, &[]);
        let kind = |at: &str| {
            let i = b.block_at(body.find(at).unwrap()).unwrap();
            match &b.blocks[i] {
                Block::Table { caption, .. } => format!("table {caption:?}"),
                Block::Para(inl) => format!("para {}", plain(inl)),
                Block::Heading { title, .. } => format!("heading {title}"),
                other => format!("{other:?}"),
            }
        };
        assert!(kind("待补充").starts_with("table"), "{}", kind("待补充"));
        assert!(kind("产值").starts_with("table"), "{}", kind("产值"));
        assert_eq!(kind("××"), "para 脚注引用");
        assert_eq!(kind("段落乙"), "para 段落乙");
        assert!(kind("二、").starts_with("heading"), "{}", kind("二、"));
    }
}
