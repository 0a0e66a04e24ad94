//! Markdown → typst, with every piece of the author's text emitted as a
//! typst string literal inside a code block. Structure (headings, lists,
//! tables, figures) comes only from calls written here, so `#`, `[`, `$`,
//! `@`, `<`, `\` and `*` typed in prose are printed as those characters and
//! nothing the author writes is ever evaluated.
//!
//! A source map records, for spans of the generated code, the Markdown
//! byte offset they came from, so typst errors land on the author's line.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use crate::assets::{is_remote, resolve};
use crate::document::Document;
use crate::text::split_heading_number;

/// A typst string literal for any text.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Generated code plus where each part came from.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// A typst code-block body: one block expression per line.
    pub code: String,
    /// (offset in `code`, offset in the Markdown file), ascending.
    pub map: Vec<(usize, usize)>,
    /// Figures and tables numbered, for the build report.
    pub images: usize,
    pub tables: usize,
}

impl Converted {
    /// The Markdown offset a generated offset came from.
    pub fn source_offset(&self, generated: usize) -> Option<usize> {
        let i = self.map.partition_point(|(g, _)| *g <= generated);
        i.checked_sub(1).map(|i| self.map[i].1)
    }
}

/// One container being filled: its child expressions and how to close it.
#[derive(Debug)]
enum Frame {
    Root,
    Para,
    Heading {
        level: usize,
        strip: usize,
        /// Printed without the theme's number: the author's own (a report
        /// numbered 第一章/1.1), or none (前言).
        unnumbered: bool,
    },
    Quote,
    List {
        start: Option<u64>,
        /// Items closed so far.
        items: u64,
        /// Ordered lists open, this one included (1: `1.`, 2: `（1）`, 3: `①`).
        depth: usize,
    },
    /// A raw HTML block: comments are dropped, anything else prints as typed.
    HtmlBlock {
        text: String,
    },

    Item,
    Emph,
    Strong,
    Strike,
    Link {
        url: String,
    },
    Image {
        path: Option<String>,
        missing: String,
    },
    Table {
        aligns: Vec<Alignment>,
        /// (code, plain text) of each cell.
        header: Vec<(String, String)>,
        rows: Vec<Vec<(String, String)>>,
        caption: Option<(Option<String>, String)>,
    },
    TableHead {
        cells: Vec<(String, String)>,
    },
    TableRow {
        cells: Vec<(String, String)>,
    },
    TableCell,
    CodeBlock {
        lang: String,
        text: String,
    },
    FootnoteDef {
        label: String,
    },
}

struct Open {
    frame: Frame,
    children: Vec<String>,
    /// Plain text of the container (for captions and heading numbers).
    plain: String,
}

/// Convert a document's body. `root` is the canonical project root; image
/// paths that are missing or outside it become a visible notice instead
/// of an `image()` call.
pub fn convert(doc: &Document, root: &Path) -> Converted {
    let body_start = doc.body_start();
    let body = doc.body_text();
    let doc_dir = doc.path.parent().unwrap_or(root).to_path_buf();
    let mut c = Converter {
        root,
        doc_dir: &doc_dir,
        stack: vec![Open {
            frame: Frame::Root,
            children: Vec::new(),
            plain: String::new(),
        }],
        out: Converted::default(),
        block_offsets: Vec::new(),
        footnotes: HashMap::new(),
        heading_index: 0,
        headings: &doc.body.headings,
        pending_caption: None,
        last_char: None,
        quotes: 0,
        lists: 0,
        enums: 0,
        numbers_as_written: doc.body.numbers_as_written,
        section: 0,
        last_par_colon: false,
    };
    for (event, range) in crate::markdown::events(body) {
        c.event(event, body_start + range.start);
    }
    c.finish()
}

struct Converter<'a> {
    root: &'a Path,
    doc_dir: &'a Path,
    stack: Vec<Open>,
    out: Converted,
    /// Markdown offset of each top-level block, parallel to the root's children.
    block_offsets: Vec<usize>,
    footnotes: HashMap<String, String>,
    heading_index: usize,
    headings: &'a [crate::markdown::Heading],
    /// A paragraph like “表1 主要指标” just before a table: (index in root
    /// children, the author's number, the caption).
    pending_caption: Option<(usize, Option<String>, String)>,
    last_char: Option<char>,
    /// Open block quotes and lists, to keep nesting printable.
    quotes: usize,
    lists: usize,
    /// Ordered lists open, for the numbering of nested ones.
    enums: usize,
    /// Headings keep the author's numbers (see `Body::numbers_as_written`).
    numbers_as_written: bool,
    /// The level of the numbered heading the text is under (0: none, or
    /// numbers as written), for the numbering of lists (`item_marker`).
    section: usize,
    /// The last paragraph closed ends with a colon (it introduces what
    /// follows).
    last_par_colon: bool,
}

/// Block quotes or lists nested deeper than this print as the content of
/// the outermost ones (typst would stop at its show-rule depth limit, and
/// no reader follows twenty levels of indentation on paper).
const MAX_NESTING: usize = 6;

/// Marker for a footnote reference, resolved once all definitions are known.
/// NUL never appears in generated code otherwise (string literals escape it).
const FN_MARK: char = '\0';

impl Converter<'_> {
    fn top(&mut self) -> &mut Open {
        // The root frame is never popped, so the stack is never empty.
        let n = self.stack.len() - 1;
        &mut self.stack[n]
    }

    fn push(&mut self, frame: Frame) {
        self.stack.push(Open {
            frame,
            children: Vec::new(),
            plain: String::new(),
        });
    }

    fn emit(&mut self, expr: String, at: usize) {
        if self.stack.len() == 1 {
            self.block_offsets.push(at);
        }
        self.top().children.push(expr);
    }

    fn text(&mut self, t: &str, at: usize) {
        if t.is_empty() {
            return;
        }
        // The minus sign (U+2212) is in no GB 2312 font: print the
        // full-width minus 仿宋 has, as Chinese typesetting does.
        let minus;
        let t = if t.contains('\u{2212}') {
            minus = t.replace('\u{2212}', "\u{FF0D}");
            minus.as_str()
        } else {
            t
        };
        self.last_char = t.chars().last();
        for o in self.stack.iter_mut() {
            o.plain.push_str(t);
        }
        // Runs a line must not break inside stand in boxes: a number with
        // its unit (4万m³/d, 0.27 mg/L), a standard's number with its year
        // (GB 18918—2002), a year range; in a table cell, every short word.
        let cell = self.stack.iter().any(|o| {
            matches!(
                o.frame,
                Frame::TableCell | Frame::TableRow { .. } | Frame::TableHead { .. }
            )
        });
        // Headings keep their text whole (their numbers are read from it)
        // and break as titles do.
        let heading = self
            .stack
            .iter()
            .any(|o| matches!(o.frame, Frame::Heading { .. }));
        let mut pieces = if heading {
            vec![(t, false)]
        } else {
            keep_together(t, cell)
        };
        // A cell that is one kept piece needs no box: its column is never
        // narrower than a piece.
        if cell && pieces.len() == 1 {
            pieces[0].1 = false;
        }
        let mut loose = String::new();
        for (piece, keep) in pieces {
            if !keep {
                loose.push_str(piece);
                continue;
            }
            if !loose.is_empty() {
                self.scripted(&loose, at);
                loose.clear();
            }
            let inner = self.capture(|c| c.scripted(piece, at));
            self.emit(format!("box({})", Self::join(&inner)), at);
        }
        if !loose.is_empty() {
            self.scripted(&loose, at);
        }
    }

    /// The expressions `f` emits, taken back rather than left in place.
    fn capture(&mut self, f: impl FnOnce(&mut Self)) -> Vec<String> {
        let n = self.top().children.len();
        let offsets = self.block_offsets.len();
        f(self);
        self.block_offsets.truncate(offsets);
        self.top().children.split_off(n)
    }

    /// Text with superscript and subscript characters (10⁶, CO₂, m³) set as
    /// raised or lowered digits of the body font: the CJK fonts have none,
    /// and a Latin fallback font would show in the middle of a line of 仿宋.
    fn scripted(&mut self, t: &str, at: usize) {
        if !t.chars().any(|c| script(c).is_some()) {
            self.plain(t, at);
            return;
        }
        let mut plain = String::new();
        for c in t.chars() {
            match script(c) {
                Some((raise, base)) => {
                    if !plain.is_empty() {
                        self.plain(&plain, at);
                        plain.clear();
                    }
                    let f = if raise { "super" } else { "sub" };
                    self.emit(format!("{f}({})", lit(&base.to_string())), at);
                }
                None => plain.push(c),
            }
        }
        if !plain.is_empty() {
            self.plain(&plain, at);
        }
    }

    /// Text with units such as mg/L, kg/t, m3/h kept on one line (typst
    /// may break after a slash) and long runs made breakable.
    fn plain(&mut self, t: &str, at: usize) {
        let mut rest = t;
        while let Some((start, end)) = next_unit(rest) {
            if start > 0 {
                self.emit(lit(&breakable(&rest[..start])), at);
            }
            self.emit(format!("box({})", lit(&rest[start..end])), at);
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            self.emit(lit(&breakable(rest)), at);
        }
    }

    fn join(children: &[String]) -> String {
        match children.len() {
            0 => "[]".to_string(),
            1 => children[0].clone(),
            _ => format!("{{{}}}", children.join("; ")),
        }
    }

    fn event(&mut self, event: Event<'_>, at: usize) {
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(tag) => self.end(tag, at),
            Event::Text(t) => {
                if let Some(Open {
                    frame: Frame::CodeBlock { text, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    text.push_str(&t);
                } else {
                    self.text(&t, at);
                }
            }
            Event::Code(t) => {
                self.last_char = t.chars().last();
                self.emit(format!("raw({})", lit(&t)), at);
            }
            Event::SoftBreak => {
                // Chinese lines join without a space; Latin words keep one.
                if self
                    .last_char
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == ',' || c == '.')
                {
                    self.text(" ", at);
                }
            }
            Event::HardBreak => self.emit("linebreak()".into(), at),
            Event::Rule => self.emit("line(length: 100%, stroke: 0.5pt)".into(), at),
            Event::Html(h)
                if matches!(
                    self.stack.last(),
                    Some(Open {
                        frame: Frame::HtmlBlock { .. },
                        ..
                    })
                ) =>
            {
                if let Some(Open {
                    frame: Frame::HtmlBlock { text },
                    ..
                }) = self.stack.last_mut()
                {
                    text.push_str(&h);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = h.trim();
                if matches!(t.to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />") {
                    self.emit("linebreak()".into(), at);
                } else if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    // Other HTML is printed as the text it is.
                    self.text(&h, at);
                }
            }
            Event::FootnoteReference(label) => {
                self.emit(format!("footnote({FN_MARK}{label}{FN_MARK})"), at);
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }, at),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, at),
        }
    }

    fn start(&mut self, tag: Tag<'_>, at: usize) {
        match tag {
            Tag::Paragraph => self.push(Frame::Para),
            Tag::Heading { level, .. } => {
                let info = self.headings.get(self.heading_index);
                self.heading_index += 1;
                let level_n = info.map_or(heading_depth(level), |h| h.level);
                let as_written = self.numbers_as_written;
                let strip = if as_written {
                    0
                } else {
                    info.and_then(|h| h.number.as_ref()).map_or(0, |n| n.len)
                };
                let unnumbered = as_written
                    || info.is_some_and(|h| crate::text::is_unnumbered_section(&h.title));
                self.section = if unnumbered { 0 } else { level_n };
                self.push(Frame::Heading {
                    level: level_n,
                    strip,
                    unnumbered,
                });
            }
            Tag::BlockQuote(_) => {
                // The paragraph that introduces a quote (…曾指出：) stays on
                // the quote's page.
                if self.stack.len() == 1
                    && let Some(last) = self.stack[0].children.last_mut()
                    && last.starts_with("par(")
                    && self.last_par_colon
                {
                    *last = format!("block(sticky: true, {last})");
                }
                self.quotes += 1;
                // Past the limit no frame is opened: the content flows into
                // the deepest quote that is drawn.
                if self.quotes <= MAX_NESTING {
                    self.push(Frame::Quote);
                }
            }
            Tag::HtmlBlock => self.push(Frame::HtmlBlock {
                text: String::new(),
            }),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.push(Frame::CodeBlock {
                    lang,
                    text: String::new(),
                });
            }
            Tag::List(start) => {
                self.lists += 1;
                // Past the limit: the items flow into the deepest item that
                // is drawn, each on a line of its own after a dash.
                if self.lists <= MAX_NESTING {
                    if start.is_some() {
                        self.enums += 1;
                    }
                    let depth = self.enums;
                    self.push(Frame::List {
                        start,
                        items: 0,
                        depth,
                    });
                }
            }
            Tag::Item if self.lists > MAX_NESTING => {
                self.emit("linebreak()".into(), at);
                self.text("– ", at);
            }
            Tag::Item => self.push(Frame::Item),
            Tag::Emphasis => self.push(Frame::Emph),
            Tag::Strong => self.push(Frame::Strong),
            Tag::Strikethrough => self.push(Frame::Strike),
            Tag::Link { dest_url, .. } => self.push(Frame::Link {
                url: dest_url.to_string(),
            }),
            Tag::Image { dest_url, .. } => {
                let path = self.image_path(&dest_url);
                self.push(Frame::Image {
                    path,
                    missing: dest_url.to_string(),
                });
            }
            Tag::Table(aligns) => {
                let caption = match self.pending_caption.take() {
                    Some((idx, number, cap))
                        if self.stack.len() == 1 && idx + 1 == self.stack[0].children.len() =>
                    {
                        self.stack[0].children.pop();
                        self.block_offsets.pop();
                        Some((number, cap))
                    }
                    _ => None,
                };
                self.push(Frame::Table {
                    aligns,
                    header: Vec::new(),
                    rows: Vec::new(),
                    caption,
                });
            }
            Tag::TableHead => self.push(Frame::TableHead { cells: Vec::new() }),
            Tag::TableRow => self.push(Frame::TableRow { cells: Vec::new() }),
            Tag::TableCell => self.push(Frame::TableCell),
            Tag::FootnoteDefinition(label) => self.push(Frame::FootnoteDef {
                label: label.to_string(),
            }),
            _ => {
                // Extensions not enabled (math, definition lists, metadata,
                // super/subscript): their text still comes through.
            }
        }
        let _ = at;
    }

    fn end(&mut self, tag: TagEnd, at: usize) {
        let known = matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell
                | TagEnd::FootnoteDefinition
        );
        if !known || self.stack.len() < 2 {
            return;
        }
        // Containers past the nesting limit opened no frame: nothing to
        // close.
        match tag {
            TagEnd::BlockQuote(_) => {
                self.quotes = self.quotes.saturating_sub(1);
                if self.quotes >= MAX_NESTING {
                    return;
                }
            }
            TagEnd::List(_) => {
                self.lists = self.lists.saturating_sub(1);
                if self.lists >= MAX_NESTING {
                    return;
                }
            }
            TagEnd::Item if self.lists > MAX_NESTING => return,
            _ => {}
        }
        let Some(open) = self.stack.pop() else { return };
        let inner = Self::join(&open.children);
        let plain = open.plain;
        let start_at = at;
        match open.frame {
            Frame::Para => {
                // Images are figures, which typst will not place inside a
                // paragraph: split the paragraph around them.
                if open.children.iter().any(|c| is_block(c)) {
                    let mut run: Vec<String> = Vec::new();
                    for child in open.children {
                        if is_block(&child) {
                            if run.iter().any(|r| r != "\" \"") {
                                self.emit(format!("par({})", Self::join(&run)), start_at);
                            }
                            run.clear();
                            self.emit(child, start_at);
                        } else {
                            run.push(child);
                        }
                    }
                    if run.iter().any(|r| r != "\" \"") {
                        self.emit(format!("par({})", Self::join(&run)), start_at);
                    }
                    self.last_char = None;
                    return;
                }
                // A note under a table (注：…, 资料来源：…) is the table's:
                // set under it in 五号, no indent, never parted from it (a
                // note of a page's length stays a paragraph: kept with the
                // table's end it could fit on no page).
                if self.stack.len() == 1
                    && is_table_note(&plain)
                    && plain.chars().count() <= 600
                    && let Some(last) = self.stack[0].children.last_mut()
                    && last.starts_with("doc-table(")
                    && last.ends_with(')')
                {
                    last.pop();
                    last.push_str(&format!(", note: {inner})"));
                    self.last_char = None;
                    return;
                }
                self.last_par_colon = plain.trim_end().ends_with(['：', ':']);
                // A short numbered line that heads what follows (（1）前处理
                // 与染色工序) never stands alone at a page foot.
                let expr = if heads_what_follows(&plain) {
                    format!("block(sticky: true, par({inner}))")
                } else {
                    format!("par({inner})")
                };
                self.emit(expr, start_at);
                if self.stack.len() == 1
                    && let Some((number, cap)) = table_caption(&plain)
                {
                    let idx = self.stack[0].children.len() - 1;
                    self.pending_caption = Some((idx, number, cap));
                }
                self.last_char = None;
            }
            Frame::Heading {
                level,
                strip,
                unnumbered,
            } => {
                if level == 0 {
                    // The document's own title: printed on the cover and
                    // above the text by the theme.
                    return;
                }
                let body = strip_number(&open.children, &plain, strip);
                // A plain title breaks between words, in the body and on
                // the contents page (…到“一园一/审” was broken inside a
                // word there): its words are boxes, as in table cells.
                let body = if open.children.len() == 1 && is_plain_literal(&body) {
                    words_boxed(&unlit(&body))
                } else {
                    body
                };
                if unnumbered {
                    self.emit(
                        format!("heading(level: {level}, numbering: none, {body})"),
                        start_at,
                    );
                } else {
                    self.emit(format!("heading(level: {level}, {body})"), start_at);
                }
            }
            Frame::Quote => self.emit(format!("quote(block: true, {inner})"), start_at),
            Frame::HtmlBlock { text } => {
                // Comments (the skeleton's guidance among them) never print;
                // other HTML prints as the text it is.
                let rest = strip_html_comments(&text);
                if !rest.trim().is_empty() {
                    self.emit(format!("par({})", lit(rest.trim())), start_at);
                }
            }
            Frame::CodeBlock { lang, text } => {
                // Printed in black: syntax colours mean nothing on a
                // photocopied, bound report.
                let _ = lang;
                let lang = "none";
                self.emit(
                    format!(
                        "raw(block: true, lang: {lang}, {})",
                        lit(text.trim_end_matches('\n'))
                    ),
                    start_at,
                );
            }
            Frame::List { start, .. } => {
                let expr = match start {
                    Some(_) => {
                        // Numbered items are ordinary paragraphs (below).
                        self.enums = self.enums.saturating_sub(1);
                        format!("{{{}}}", open.children.join("; "))
                    }
                    None => format!("list({},)", open.children.join(", ")),
                };
                self.emit(expr, start_at);
            }
            Frame::Item => {
                let marker = match self.stack.last_mut() {
                    Some(Open {
                        frame:
                            Frame::List {
                                start: Some(n),
                                items,
                                depth,
                            },
                        ..
                    }) => {
                        let number = n.saturating_add(*items);
                        *items += 1;
                        Some(item_marker(*depth, number, self.section))
                    }
                    _ => None,
                };
                match marker {
                    Some(marker) => {
                        let expr = numbered_item(&marker, open.children);
                        self.emit(expr, start_at);
                    }
                    None => self.emit(inner, start_at),
                }
            }
            Frame::Emph => self.emit(format!("emph({inner})"), start_at),
            Frame::Strong => self.emit(format!("strong({inner})"), start_at),
            Frame::Strike => self.emit(format!("strike({inner})"), start_at),
            Frame::Link { .. } if open.children.iter().any(|c| is_block(c)) => {
                // A linked image ([![徽标](…)](https://…)): the figure stands
                // as a block of its own (typst drops a block inside a link
                // inside a paragraph).
                // (Its address is in the figure's caption.)
                for child in open.children {
                    self.emit(child, start_at);
                }
            }
            Frame::Link { url } => {
                // Only web, mail and phone links become PDF links; anything
                // else (javascript:, file:, relative paths) is plain text.
                let lower = url.trim().to_ascii_lowercase();
                if ["http://", "https://", "mailto:", "tel:"]
                    .iter()
                    .any(|p| lower.starts_with(p))
                {
                    self.emit(format!("link({}, {inner})", lit(url.trim())), start_at);
                    // On paper a link is its address: print it after the
                    // text unless the text is the address already.
                    let shown = url
                        .trim()
                        .trim_start_matches("mailto:")
                        .trim_start_matches("tel:");
                    let text = plain.trim();
                    if !text.contains(shown) && !shown.contains(text) {
                        let addr = format!("（{shown}）");
                        self.emit(lit(&breakable(&addr)), start_at);
                    }
                } else {
                    self.emit(inner, start_at);
                }
            }
            Frame::Image { path, missing } => {
                // The theme numbers figures: an author's own 图1 is not
                // printed twice (图1　图1 区位图); a number by chapter
                // (图2-1) is the author's, printed as written.
                let (own, text) = crate::text::split_figure_number(plain.trim());
                // A linked image's address goes in its caption: on paper
                // the link is its address.
                let address = match self.stack.last() {
                    Some(Open {
                        frame: Frame::Link { url },
                        ..
                    }) if ["http://", "https://"]
                        .iter()
                        .any(|p| url.trim().to_ascii_lowercase().starts_with(p)) =>
                    {
                        format!("（{}）", url.trim())
                    }
                    _ => String::new(),
                };
                let text = format!("{text}{address}");
                let caption = if text.is_empty() {
                    "none".to_string()
                } else if let Some(n) = own {
                    lit(&format!("图{n}　{text}"))
                } else {
                    lit(&text)
                };
                let numbering = if own.is_some() {
                    ", numbering: none"
                } else {
                    ""
                };
                let expr = match path {
                    Some(p) => {
                        self.out.images += 1;
                        // At its own size (96 dpi, as Word places it), at
                        // most 80 % of the line: a small chart is not
                        // blown up past its pixels.
                        let width =
                            image::image_dimensions(self.root.join(p.trim_start_matches('/')))
                                .ok()
                                .map(|(w, _)| f64::from(w) * 0.75)
                                .filter(|w| *w < FIGURE_MAX_PT)
                                .map_or("80%".to_string(), |w| format!("{w:.1}pt"));
                        format!(
                            "figure(doc-image(image({}, width: {width})), caption: {caption}, kind: image, supplement: \"图\"{numbering}, placement: auto)",
                            lit(&p)
                        )
                    }
                    None => format!(
                        "block(width: 100%, inset: 8pt, stroke: 0.5pt + red, {})",
                        lit(&format!("［图片无法使用：{missing}］"))
                    ),
                };
                self.emit(expr, start_at);
            }
            Frame::TableCell => {
                if let Some(Open {
                    frame: Frame::TableHead { cells } | Frame::TableRow { cells },
                    ..
                }) = self.stack.last_mut()
                {
                    cells.push((inner, plain));
                }
            }
            Frame::TableHead { cells } => {
                if let Some(Open {
                    frame: Frame::Table { header, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    *header = cells;
                }
            }
            Frame::TableRow { cells } => {
                if let Some(Open {
                    frame: Frame::Table { rows, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    rows.push(cells);
                }
            }
            Frame::Table {
                aligns,
                header,
                rows,
                caption,
            } => {
                self.out.tables += 1;
                let expr = table_call(self.out.tables, &aligns, &header, &rows, caption);
                self.emit(expr, start_at);
            }
            Frame::FootnoteDef { label } => {
                // A one-paragraph note is inline text, so its number and its
                // first words share a line.
                let def = match open.children.as_slice() {
                    [one] => one
                        .strip_prefix("par(")
                        .and_then(|s| s.strip_suffix(')'))
                        .map_or_else(|| one.clone(), str::to_string),
                    _ => inner,
                };
                self.footnotes.insert(label, def);
            }
            Frame::Root => {}
        }
    }

    /// An image path as a virtual path from the project root, or None when
    /// it is remote, missing or outside the project.
    fn image_path(&self, dest: &str) -> Option<String> {
        if dest.trim().is_empty() || is_remote(dest) {
            return None;
        }
        let real = resolve(self.root, self.doc_dir, dest).ok()?;
        let rel = real.strip_prefix(self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(format!("/{}", parts.join("/")))
    }

    fn finish(mut self) -> Converted {
        // Close anything left open by malformed input.
        while self.stack.len() > 1 {
            if let Some(open) = self.stack.pop() {
                let inner = Self::join(&open.children);
                self.top().children.push(inner);
            }
        }
        let root = self.stack.pop().map(|o| o.children).unwrap_or_default();
        let mut code = String::new();
        let mut map = Vec::with_capacity(root.len());
        for (i, expr) in root.iter().enumerate() {
            let at = self.block_offsets.get(i).copied().unwrap_or(0);
            map.push((code.len(), at));
            code.push_str(&resolve_footnotes(expr, &self.footnotes));
            code.push('\n');
        }
        self.out.code = code;
        self.out.map = map;
        self.out
    }
}

/// The next unit of measure in a text (`mg/L`, `kg/t`, `kgce/t`, `m3/h`,
/// `t/a`): a short run of letters and digits around one slash, with a
/// letter on each side. Byte range.
fn next_unit(t: &str) -> Option<(usize, usize)> {
    let is_unit_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/';
    let mut from = 0;
    while let Some(slash) = t[from..].find('/').map(|i| i + from) {
        let start = t[..slash]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_unit_char(*c) && *c != '/')
            .last()
            .map_or(slash, |(i, _)| i);
        let end = t[slash + 1..]
            .char_indices()
            .take_while(|(_, c)| is_unit_char(*c) && *c != '/')
            .last()
            .map_or(slash + 1, |(i, c)| slash + 1 + i + c.len_utf8());
        let (left, right) = (&t[start..slash], &t[slash + 1..end]);
        let lettered = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic());
        let next_is_slash = t[end..].starts_with('/');
        if !left.is_empty()
            && !right.is_empty()
            && end - start <= 12
            && (lettered(left) || lettered(right))
            && !next_is_slash
            && !t[..start].ends_with(['/', ':'])
        {
            return Some((start, end));
        }
        from = slash + 1;
    }
    None
}

/// A text cut where lines may break, each piece with whether it must stay
/// on one line: pieces between word boundaries ([`super::layout::word_breaks`])
/// with a number and its unit (4万m³/d, tCO₂/MWh, 30家, 2021年, 3.2万吨),
/// joined to a Latin unit after a space (0.27 mg/L), a standard's letters
/// before its number (GB 18918), and a range's other end across a dash
/// (2021—2023年, 18918—2002); in a table cell also every word of two
/// characters or more up to six ems (所在位置 never breaks as 所在位/置).
/// No kept piece is wider than twelve ems (a longer one breaks where it
/// may).
fn keep_together(t: &str, cell: bool) -> Vec<(&str, bool)> {
    let ok = super::layout::word_breaks(t);
    let idx: Vec<usize> = t
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(t.len()))
        .collect();
    let mut pieces: Vec<&str> = Vec::new();
    let mut start = 0;
    for i in 1..idx.len() - 1 {
        if ok[i] {
            pieces.push(&t[idx[start]..idx[i]]);
            start = i;
        }
    }
    if idx.len() > 1 {
        pieces.push(&t[idx[start]..]);
    }
    let digit = |p: &str| p.chars().any(|c| c.is_ascii_digit() || script(c).is_some());
    let numeric_end = |p: &str| {
        p.chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '年' | '月'))
    };
    let latin_unit = |p: &str| {
        !p.is_empty()
            && p.chars().count() <= 10
            && p.chars().any(|c| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || script(c).is_some())
    };
    let standard = |p: &str| {
        (1..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_uppercase() || c == '/')
    };
    let dash = |p: &str| matches!(p, "—" | "－" | "-" | "~" | "～" | "——");
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let mut end = i;
        // Merge what belongs to p: a unit after a space, a range's other end.
        let mut j = i;
        loop {
            let here = pieces[j];
            if standard(here)
                && pieces.get(j + 1) == Some(&" ")
                && pieces
                    .get(j + 2)
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
            {
                j += 2;
                continue;
            }
            if digit(here)
                && pieces.get(j + 1) == Some(&" ")
                && pieces.get(j + 2).is_some_and(|n| latin_unit(n))
                && !pieces[j + 2].starts_with(|c: char| c.is_ascii_digit())
            {
                j += 2;
                continue;
            }
            if numeric_end(here)
                && digit(here)
                && !cell
                && pieces.get(j + 1).is_some_and(|n| dash(n))
                && pieces
                    .get(j + 2)
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
            {
                j += 2;
                continue;
            }
            break;
        }
        if j > i {
            end = j;
        }
        let from = pieces[i].as_ptr() as usize - t.as_ptr() as usize;
        let to = pieces[end].as_ptr() as usize - t.as_ptr() as usize + pieces[end].len();
        let run = &t[from..to];
        let width = text_ems(run);
        let keep = width <= 12.0
            && run.chars().count() >= 2
            && !run.chars().all(char::is_whitespace)
            && (end > i || digit(run) || (cell && width <= 6.0));
        if keep {
            // Chinese brackets stay outside the box: at a box's edge typst
            // sets them half width, as at a line's end (〔2018〕24号 would
            // print its 〕 squeezed). A line never breaks after an opening
            // or before a closing bracket anyway.
            let core = run.trim_start_matches(OPENING_PUNCT);
            let lead = &run[..run.len() - core.len()];
            let inner = core.trim_end_matches(CLOSING_PUNCT);
            let trail = &core[inner.len()..];
            if !lead.is_empty() {
                out.push((lead, false));
            }
            if !inner.is_empty() {
                out.push((inner, inner.chars().count() >= 2));
            }
            if !trail.is_empty() {
                out.push((trail, false));
            }
        } else {
            out.push((run, keep));
        }
        i = end + 1;
    }
    out
}

/// Chinese punctuation typst sets half width at the start (opening) or
/// the end (closing) of a line, and so of a box.
const OPENING_PUNCT: &[char] = &[
    '“', '‘', '《', '〈', '（', '『', '「', '【', '〖', '〔', '［', '｛',
];
const CLOSING_PUNCT: &[char] = &[
    '”', '’', '，', '．', '。', '、', '：', '；', '》', '〉', '）', '』', '」', '】', '〗', '〕',
    '］', '｝', '？', '！',
];

/// A superscript (true) or subscript character and the character it
/// stands for.
pub(crate) fn script(c: char) -> Option<(bool, char)> {
    const SUPER: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ";
    const SUB: &str = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₙ";
    const BASE: &str = "0123456789+-=()ni";
    const SUB_LETTERS: &str = "ₐₑₒₓₕₖₗₘₚₛₜ";
    const SUB_BASE: &str = "aeoxhklmpst";
    if let Some(i) = SUB_LETTERS.chars().position(|x| x == c) {
        return SUB_BASE.chars().nth(i).map(|b| (false, b));
    }
    if let Some(i) = SUPER.chars().position(|x| x == c) {
        return BASE.chars().nth(i).map(|b| (true, b));
    }
    SUB.chars()
        .position(|x| x == c)
        .and_then(|i| BASE.chars().nth(i))
        .map(|b| (false, b))
}

/// Zero-width break opportunities inside long runs with no space (a URL, a
/// file path, a code): typst breaks lines only at spaces and between CJK
/// characters, so such a run would stick out of the text area. Breaks go
/// after `/ . - _ ? & = #` and at least every 30 characters (a credit code, 18, and a permit number, 22, stay whole).
fn breakable(t: &str) -> std::borrow::Cow<'_, str> {
    const LONG: usize = 30;
    let long = t
        .split(|c: char| c.is_whitespace() || !c.is_ascii())
        .any(|w| w.len() > LONG);
    if !long {
        return std::borrow::Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len() + t.len() / 8);
    let mut run = 0usize;
    for c in t.chars() {
        out.push(c);
        if c.is_whitespace() || !c.is_ascii() {
            run = 0;
            continue;
        }
        run += 1;
        if matches!(c, '/' | '.' | '-' | '_' | '?' | '&' | '=' | '#') || run >= LONG {
            out.push('\u{200B}');
            run = 0;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The number of an item of an ordered list, as official documents number
/// their paragraphs: `1.` at the top, `（1）` inside it, `①` below that.
/// The numbering goes on from the headings' (一、（一）1.（1）): under a
/// third-level heading (`1.`) a list starts at `（1）`, under a fourth at
/// `①`, so a `1.` item never sits under a `1.` heading. `section` is the
/// level of the heading the list is under (0 when the headings keep
/// their authors' numbers, as a report's 1.1.1).
pub(crate) fn item_marker(depth: usize, n: u64, section: usize) -> String {
    let depth = depth.max(1) + section.saturating_sub(2);
    match depth {
        0 | 1 => format!("{n}."),
        2 => format!("（{n}）"),
        3 => match u32::try_from(n)
            .ok()
            .filter(|n| (1..=20).contains(n))
            .and_then(|n| char::from_u32(0x2460 + n - 1))
        {
            Some(c) => c.to_string(),
            None => format!("({n})"),
        },
        // Below ① (a list under a （1） heading, or nested four deep):
        // a. b. c., never a second ① level.
        _ => match u8::try_from(n).ok().filter(|n| (1..=26).contains(n)) {
            Some(n) => format!("{}.", char::from(b'a' + n - 1)),
            None => format!("({n})"),
        },
    }
}

/// An item of an ordered list as official documents set it: ordinary
/// paragraphs (first line indented two characters, the lines after it at
/// the margin, no hanging indent), the number leading the first; what the
/// item holds after its first paragraph (a nested list, more paragraphs)
/// follows as paragraphs of its own. A first paragraph that heads more
/// (1. 前处理工序, then its （1） items) stays on the page of what follows.
fn numbered_item(marker: &str, children: Vec<String>) -> String {
    let block = |c: &str| {
        [
            "par(",
            "block(",
            "figure(",
            "list(",
            "raw(block",
            "quote(",
            "doc-table(",
            "{",
            "line(",
        ]
        .iter()
        .any(|p| c.starts_with(p))
    };
    let mut out: Vec<String> = Vec::new();
    let mut inline: Vec<String> = Vec::new();
    let mut first = true;
    let lead = |first: &mut bool, body: String| {
        let body = if *first {
            *first = false;
            format!("{{{}; {body}}}", lit(marker))
        } else {
            body
        };
        format!("par({body})")
    };
    let flush = |inline: &mut Vec<String>, out: &mut Vec<String>, first: &mut bool| {
        if inline.iter().any(|r| r != "\" \"") {
            out.push(lead(first, Converter::join(inline)));
        }
        inline.clear();
    };
    for child in children {
        if !block(&child) {
            inline.push(child);
            continue;
        }
        flush(&mut inline, &mut out, &mut first);
        if first && let Some(inner) = child.strip_prefix("par(").and_then(|c| c.strip_suffix(')')) {
            out.push(lead(&mut first, inner.to_string()));
        } else if first
            && let Some(inner) = child
                .strip_prefix("block(sticky: true, par(")
                .and_then(|c| c.strip_suffix("))"))
        {
            out.push(lead(&mut first, inner.to_string()));
        } else {
            out.push(child);
        }
    }
    flush(&mut inline, &mut out, &mut first);
    if first {
        out.push(format!("par({})", lit(marker)));
    }
    if out.len() > 1 {
        out[0] = format!("block(sticky: true, {})", out[0]);
    }
    format!("{{{}}}", out.join("; "))
}

/// A table's note: 注：…, 注1：…, 说明：…, 资料来源：…, 数据来源：….
pub(crate) fn is_table_note(plain: &str) -> bool {
    let t = plain.trim_start();
    let rest = t
        .strip_prefix('注')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    rest.is_some_and(|r| r.starts_with(['：', ':']))
        || ["说明：", "资料来源：", "数据来源：", "来源："]
            .iter()
            .any(|p| t.starts_with(p))
}

/// A paragraph that heads the text after it: short, numbered as a
/// paragraph is (（1）, 1., ①, 一、), not ending a sentence.
pub(crate) fn heads_what_follows(plain: &str) -> bool {
    let t = plain.trim();
    let numbered = t.starts_with('（')
        && t.chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        || t.chars()
            .next()
            .is_some_and(|c| ('\u{2460}'..='\u{2473}').contains(&c))
        || {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            digits > 0
                && t.chars()
                    .nth(digits)
                    .is_some_and(|c| matches!(c, '.' | '．' | '、'))
        };
    numbered && t.chars().count() <= 30 && !t.ends_with(['。', '；', '，', '.', ';'])
}

/// A figure's widest: 80 % of the 156 mm line, in points.
const FIGURE_MAX_PT: f64 = BLOCK_WIDTH_PT as f64 * 0.8;

/// Expressions that must stand as blocks of their own.
fn is_block(expr: &str) -> bool {
    expr.starts_with("figure(") || expr.starts_with("block(")
}

fn heading_depth(level: HeadingLevel) -> usize {
    level as usize
}

/// Replace footnote markers with their definitions (or a visible note when
/// a definition is missing). A note that cites a note is resolved too; one
/// that cites itself, directly or through others, or nests deeper than a
/// reader could follow, prints the label instead of looping.
fn resolve_footnotes(expr: &str, defs: &HashMap<String, String>) -> String {
    fn go(expr: &str, defs: &HashMap<String, String>, open: &mut Vec<String>, out: &mut String) {
        let mut parts = expr.split(FN_MARK);
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        let mut is_label = true;
        for part in parts {
            if !is_label {
                out.push_str(part);
            } else if open.iter().any(|l| l == part) || open.len() >= 4 {
                out.push_str(&lit(&format!("［脚注 {part}］")));
            } else {
                match defs.get(part) {
                    Some(def) => {
                        open.push(part.to_string());
                        go(def, defs, open, out);
                        open.pop();
                    }
                    None => out.push_str(&lit(&format!("［脚注 {part} 未定义］"))),
                }
            }
            is_label = !is_label;
        }
    }
    if !expr.contains(FN_MARK) {
        return expr.to_string();
    }
    let mut out = String::with_capacity(expr.len());
    go(expr, defs, &mut Vec::new(), &mut out);
    out
}

/// Remove the author's own heading number (its byte length in the heading's
/// plain text) from the first text literals, so the theme's official
/// numbering is never doubled.
fn strip_number(children: &[String], plain: &str, strip: usize) -> String {
    if strip == 0 || children.is_empty() {
        return Converter::join(children);
    }
    // The heading's plain text without the number, re-split by the same
    // rule that found it, is the title; keep any markup after it only when
    // the heading is a single text run (the common case).
    if children.len() == 1 {
        let (_, rest) = split_heading_number(plain);
        return lit(rest);
    }
    let mut remaining = strip;
    let mut out = Vec::new();
    for child in children {
        if remaining > 0 && child.starts_with('"') {
            let text = unlit(child);
            if text.len() <= remaining {
                remaining -= text.len();
                continue;
            }
            let cut = (remaining..=text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(text.len());
            remaining = 0;
            out.push(lit(text[cut..].trim_start()));
        } else {
            remaining = 0;
            out.push(child.clone());
        }
    }
    Converter::join(&out)
}

/// The inverse of [`lit`] for literals produced by it.
/// A single typst string literal (`"…"`), nothing around it.
fn is_plain_literal(code: &str) -> bool {
    code.len() >= 2 && code.starts_with('"') && code.ends_with('"') && lit(&unlit(code)) == code
}

/// A title's pieces as data for the theme: [text, kept whole], as
/// [`words_boxed`] boxes them.
pub(crate) fn title_words(text: &str) -> serde_json::Value {
    keep_together(text, true)
        .into_iter()
        .map(|(p, keep)| serde_json::json!([p, keep]))
        .collect::<Vec<_>>()
        .into()
}

/// A title's text with its words as boxes (see [`keep_together`]), so
/// that a line breaks between words.
fn words_boxed(text: &str) -> String {
    let pieces = keep_together(text, true);
    if pieces.iter().all(|(_, keep)| !keep) {
        return lit(text);
    }
    let parts: Vec<String> = pieces
        .into_iter()
        .map(|(p, keep)| {
            if keep {
                format!("box({})", lit(p))
            } else {
                lit(p)
            }
        })
        .collect();
    format!("{{{}}}", parts.join("; "))
}

fn unlit(s: &str) -> String {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// `表1 主要指标`, `表：主要指标`, `表 2-1　基准值` → (the author's number,
/// the caption text). A number or a separator must follow 表, so 表明…/表示…
/// are prose.
pub fn table_caption(plain: &str) -> Option<(Option<String>, String)> {
    let t = plain.trim();
    if t.chars().count() > 60 {
        return None;
    }
    let rest = t.strip_prefix('表')?;
    let rest = rest.trim_start_matches([' ', '　']);
    let after_num = rest
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | '．' | '—'));
    let number = &rest[..rest.len() - after_num.len()];
    let after_sep = after_num.trim_start_matches([' ', '　', '：', ':']);
    let had_num = !number.is_empty();
    let had_sep = after_sep.len() < after_num.len();
    let number = number.trim_end_matches(['-', '.', '．', '—']);
    ((had_num || had_sep) && !after_sep.is_empty()).then(|| {
        (
            (!number.is_empty()).then(|| number.to_string()),
            after_sep.to_string(),
        )
    })
}

use super::layout::ems as text_ems;

/// A cell holds a number (with an optional sign, thousands separators,
/// decimals, a percent sign, or a range like 3-5), or a dash for none.
pub(crate) fn is_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '%' | '~' | '−' | '％')
        })
}

/// Width of the text block (156 mm) and its height (225 mm), in points.
const BLOCK_WIDTH_PT: f32 = 442.2;
const BLOCK_HEIGHT_PT: f32 = 637.8;

/// The widest run a line may not break inside: a number, a Latin word,
/// a code (CJK text breaks between any two characters).
fn unbreakable_ems(s: &str) -> f32 {
    s.split(|c: char| {
        c.is_whitespace() || unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) >= 2
    })
    .map(text_ems)
    .fold(0.0, f32::max)
}

/// Cell insets (4 pt a side), a stroke.
const CELL_INSET: f32 = 10.0;

/// The least width of a column in points: its least text width, with a
/// margin for the estimate, and the insets.
fn least_pt(ems: f32, size: f32) -> f32 {
    ems * size * 1.06 + CELL_INSET
}

/// Each column's least width (no cell, header included, broken inside a
/// word, a number with its unit, a date or a code) and natural width (its
/// longest cell unbroken), in ems. Print and the Word file size their
/// tables with it ([`fit_table`]).
pub(crate) struct Measured {
    pub least: Vec<f32>,
    pub natural: Vec<f32>,
    /// The widest text no line break can split (a credit code, a long
    /// number): no column is ever narrower, or its text runs into the next.
    pub hard: Vec<f32>,
    /// Every cell as its [`pieces`], the header's row first: what the
    /// widths are chosen by.
    pub pieces: Vec<Vec<Vec<f32>>>,
}

pub(crate) fn measure_columns(header: &[&str], rows: &[Vec<&str>], cols: usize) -> Measured {
    let mut least = vec![0f32; cols];
    let mut natural = vec![0f32; cols];
    let mut hard = vec![0f32; cols];
    let mut all = Vec::with_capacity(rows.len() + 1);
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut cells = vec![Vec::new(); cols];
        for (i, plain) in row.iter().enumerate().take(cols) {
            let w = text_ems(plain.trim());
            let unbreakable = unbreakable_ems(plain);
            let cut = pieces(plain);
            // No line breaks inside a word (所在位/置), a number with its
            // unit or a date; a word longer than six characters may.
            let word = cut.iter().copied().fold(0f32, f32::max).min(6.0);
            least[i] = least[i].max(word).max(unbreakable);
            natural[i] = natural[i].max(w);
            hard[i] = hard[i].max(unbreakable);
            cells[i] = cut;
        }
        all.push(cells);
    }
    Measured {
        least,
        natural,
        hard,
        pieces: all,
    }
}

/// A cell's text as the pieces no line of it should break inside (words
/// as the dictionary reads them, a number with its unit, a date), in ems.
fn pieces(text: &str) -> Vec<f32> {
    let text = text.trim();
    let ok = super::layout::word_breaks(text);
    let mut out = Vec::new();
    let mut piece = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && ok[i] && !piece.is_empty() {
            out.push(text_ems(&piece));
            piece.clear();
        }
        piece.push(c);
    }
    if !piece.is_empty() {
        out.push(text_ems(&piece));
    }
    out
}

/// How many lines pieces take in a column `width` ems wide, filled as a
/// line breaker fills it (a piece wider than the column is split, as
/// typst splits CJK text).
fn lines_at(pieces: &[f32], width: f32) -> u32 {
    let width = width.max(0.5);
    let mut lines = 1u32;
    let mut used = 0f32;
    for &p in pieces {
        if used > 0.0 && used + p > width + 1e-3 {
            lines += 1;
            used = 0.0;
        }
        if p > width + 1e-3 {
            let whole = (p / width).ceil();
            lines += whole as u32 - 1;
            used = p - (whole - 1.0) * width;
        } else {
            used += p;
        }
    }
    lines
}

/// Column widths (points) that make the table as short as it can be:
/// each column starts at its least width, and the width left over goes,
/// a quarter of an em at a time, to the column where it saves the most lines per
/// em (a name column that wraps on every row before a remarks column that
/// wraps on two); what no column can use goes to the columns still short
/// of their natural width. The header counts twice (it repeats on every
/// page); at most 200 rows, spread over the table, are weighed. `cells`
/// are [`Measured::pieces`]. Returns the widths and the height they give
/// (points, estimated).
fn least_height_widths(
    cells: &[Vec<Vec<f32>>],
    least: &[f32],
    natural: &[f32],
    size: f32,
    avail: f32,
) -> (Vec<f32>, f32) {
    let cols = least.len();
    let mut widths: Vec<f32> = least.iter().map(|m| least_pt(*m, size)).collect();
    let max: Vec<f32> = natural
        .iter()
        .zip(&widths)
        .map(|(n, m)| (n * size * 1.06 + CELL_INSET).max(*m))
        .collect();
    let mut left = avail - widths.iter().sum::<f32>();
    let body = cells.get(1..).unwrap_or_default();
    let step_rows = body.len().div_ceil(200).max(1);
    let rows: Vec<(u32, &Vec<Vec<f32>>)> = cells
        .first()
        .map(|h| (2, h))
        .into_iter()
        .chain(body.iter().step_by(step_rows).map(|r| (1, r)))
        .collect();
    let text_ems = |w: f32| (w - CELL_INSET) / (size * 1.06);
    let mut lines: Vec<Vec<u32>> = rows
        .iter()
        .map(|(_, cells)| {
            cells
                .iter()
                .zip(&widths)
                .map(|(p, w)| lines_at(p, text_ems(*w)))
                .collect()
        })
        .collect();
    let step = size * 0.25;
    while left >= step * 0.5 {
        // The best (lines saved per point, column, new width, its lines).
        let mut best: Option<(f32, usize, f32, Vec<u32>)> = None;
        for c in 0..cols {
            if widths[c] >= max[c] - 0.01 {
                continue;
            }
            // Each row without column c: its height and its lines. A row's
            // cost is its height, and a little for each cell's lines, so
            // that widening one of two columns that wrap equally still
            // counts (the next widening then saves the row a line).
            let others: Vec<(u32, u32)> = lines
                .iter()
                .map(|l| {
                    let rest = l
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != c)
                        .map(|(_, n)| *n);
                    (rest.clone().max().unwrap_or(1), rest.sum())
                })
                .collect();
            let height = |col: &[u32]| -> u32 {
                rows.iter()
                    .zip(col)
                    .zip(&others)
                    .map(|(((weight, _), n), (max, sum))| weight * (8 * (*n).max(*max) + sum + n))
                    .sum()
            };
            let now: Vec<u32> = lines.iter().map(|l| l[c]).collect();
            let before = height(&now);
            let mut d = step.min(left);
            loop {
                let w = (widths[c] + d).min(max[c]);
                let col: Vec<u32> = rows
                    .iter()
                    .map(|(_, cells)| lines_at(&cells[c], text_ems(w)))
                    .collect();
                let after = height(&col);
                if after < before {
                    let gain = (before - after) as f32 / (w - widths[c]);
                    if best.as_ref().is_none_or(|b| gain > b.0) {
                        best = Some((gain, c, w, col));
                    }
                    break;
                }
                if w >= max[c] - 0.01 || d >= left {
                    break;
                }
                d = (d + step).min(left);
            }
        }
        let Some((_, c, w, col)) = best else { break };
        left -= w - widths[c];
        widths[c] = w;
        for (l, n) in lines.iter_mut().zip(col) {
            l[c] = n;
        }
    }
    // What saves no line: to the columns short of their natural width, by
    // how much they lack; else to every column by its width.
    if left > 0.0 {
        let lack: Vec<f32> = widths
            .iter()
            .zip(&max)
            .map(|(w, m)| (m - w).max(0.0))
            .collect();
        let total: f32 = lack.iter().sum();
        if total > 0.0 {
            for (w, l) in widths.iter_mut().zip(&lack) {
                *w += left * l / total;
            }
        } else {
            let sum: f32 = widths.iter().sum::<f32>().max(1.0);
            let scale = avail / sum;
            for w in widths.iter_mut() {
                *w *= scale;
            }
        }
    }
    // Rows of `size` text at a leading of half an em, with the insets.
    let height = rows
        .iter()
        .zip(&lines)
        .map(|((weight, _), l)| {
            let n = l.iter().copied().max().unwrap_or(1) as f32;
            *weight as f32 * (n * size * 1.5 + CELL_INSET)
        })
        .sum::<f32>()
        * step_rows as f32;
    (widths, height)
}

/// How a Markdown table is set, in the PDF and in Word alike.
pub(crate) struct TableFit {
    /// Text size in points: 小四 (12) or 五号 (10.5).
    pub size: f32,
    /// Set across the page (only where `can_turn`).
    pub rotated: bool,
    /// Column widths in points, or None when natural widths fit.
    pub widths: Option<Vec<f32>>,
    /// Each column's natural width in ems.
    pub natural: Vec<f32>,
}

/// A size chosen so the columns fit — 小四 (12 pt), 五号 (10.5 pt) past
/// seven columns or when 小四 is too wide; headers wrapped onto two or
/// three lines when even 五号 cannot hold them, or the table turned across
/// the page when it is short and `can_turn` (Word cannot turn a table) —
/// and column widths sized to their content.
pub(crate) fn fit_table(
    head: &[&str],
    body: &[Vec<&str>],
    cols: usize,
    can_turn: bool,
) -> TableFit {
    let Measured {
        least,
        natural,
        hard,
        pieces: cells,
    } = measure_columns(head, body, cols);
    // A cap wraps headers and long cells onto more lines, never below
    // what cannot break.
    let capped = |cap: f32| -> Vec<f32> {
        least
            .iter()
            .zip(&hard)
            .map(|(m, h)| m.min(cap).max(*h))
            .collect()
    };
    // The same least width as `least_height_widths` starts each column
    // at, so a size judged to fit does fit.
    let least_width =
        |size: f32, cap: f32| capped(cap).iter().map(|m| least_pt(*m, size)).sum::<f32>();
    let (size, rotated, cap) = if cols <= 7 && least_width(12.0, 99.0) <= BLOCK_WIDTH_PT {
        (12.0, false, 99.0)
    } else if least_width(10.5, 99.0) <= BLOCK_WIDTH_PT {
        (10.5, false, 99.0)
    } else if least_width(10.5, 3.0) <= BLOCK_WIDTH_PT || body.len() > 14 || !can_turn {
        // Headers wrap onto two or three lines rather than turn the page.
        (10.5, false, 3.0)
    } else {
        (10.5, true, 99.0)
    };
    let avail = if rotated {
        BLOCK_HEIGHT_PT - 17.0
    } else {
        BLOCK_WIDTH_PT
    };
    let mut size = size;
    // Every column at its natural width fits: typst's `auto` sets it so.
    let fits = capped(cap)
        .iter()
        .zip(&natural)
        .map(|(m, n)| (n * size + CELL_INSET).max(least_pt(*m, size)))
        .sum::<f32>()
        <= avail;
    // The least widths keep words whole; a word of five or more
    // characters (化学需氧量) may break when that makes the table much
    // shorter: a sources column two characters wide wrapped every row on
    // four lines while the names column kept its long words whole.
    let best = |size: f32, cap: f32| -> (Vec<f32>, f32) {
        let mut best = least_height_widths(&cells, &capped(cap), &natural, size, avail);
        for c in [5.0, 4.0, 3.0] {
            if c < cap {
                let other = least_height_widths(&cells, &capped(c), &natural, size, avail);
                if other.1 < best.1 * 0.9 {
                    best = other;
                }
            }
        }
        best
    };
    let mut widths = (!fits).then(|| best(size, cap));
    // 小四 is the size to read, but not at any price: when its columns
    // are so tight that the table is more than a tenth taller than in 五号
    // (names wrapping on four lines rather than two), 五号 it is.
    if let Some((_, tall)) = widths.as_ref().filter(|_| size > 10.5 && !rotated)
        && least_width(10.5, cap) <= avail
    {
        let (w, short) = best(10.5, cap);
        if *tall > short * 1.1 {
            size = 10.5;
            widths = Some((w, short));
        }
    }
    let widths = widths.map(|(w, _)| w);
    TableFit {
        size,
        rotated,
        widths,
        natural,
    }
}

/// The theme's `doc-table` call for a Markdown table: caption and number,
/// alignment (the author's, else numbers right and text left), a size
/// chosen so the columns fit — 小四 (12 pt), 五号 (10.5 pt) past seven
/// columns or when 小四 is too wide, and across the page when even 五号
/// cannot hold the columns and the table is short enough to turn — and
/// column widths sized to their content.
fn table_call(
    key: usize,
    aligns: &[Alignment],
    header: &[(String, String)],
    rows: &[Vec<(String, String)>],
    caption: Option<(Option<String>, String)>,
) -> String {
    let cols = aligns.len().max(header.len()).max(1);
    let head: Vec<&str> = header.iter().map(|(_, p)| p.as_str()).collect();
    let body: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(|(_, p)| p.as_str()).collect())
        .collect();
    let TableFit {
        size,
        rotated,
        widths: col_pts,
        natural,
    } = fit_table(&head, &body, cols, true);
    let mut numeric = vec![true; cols];
    let mut any = vec![false; cols];
    for row in &body {
        for (i, plain) in row.iter().enumerate().take(cols) {
            if !plain.trim().is_empty() && !matches!(plain.trim(), "—" | "-" | "/" | "－") {
                any[i] = true;
                numeric[i] &= is_numeric(plain);
            }
        }
    }
    let widths = match &col_pts {
        Some(w) => {
            let parts: Vec<String> = w.iter().map(|x| format!("{x:.1}fr")).collect();
            format!("({},)", parts.join(", "))
        }
        None => format!("({})", "auto, ".repeat(cols)),
    };
    // 序号 is centred whatever the separator row says (tables written by
    // others align it left or right at random).
    let align: Vec<&str> = (0..cols)
        .map(|i| match aligns.get(i) {
            _ if head.get(i).is_some_and(|h| is_sequence_header(h)) => "center",
            Some(Alignment::Center) => "center",
            Some(Alignment::Right) => "right",
            Some(Alignment::Left) => "left",
            _ => "auto",
        })
        .collect();
    let numeric: Vec<String> = (0..cols)
        .filter(|i| any[*i] && numeric[*i])
        .map(|i| format!("{i},"))
        .collect();
    // Column widths in ems of the table's size, to estimate row heights.
    let col_ems: Vec<f32> = match &col_pts {
        Some(w) => w
            .iter()
            .map(|w| ((w - CELL_INSET) / size).max(1.0))
            .collect(),
        None => natural.iter().map(|n| n.max(1.0)).collect(),
    };
    // A row's height (points, estimated).
    let height = |row: &[(String, String)]| {
        let lines = row
            .iter()
            .zip(&col_ems)
            .map(|((_, plain), w)| (text_ems(plain) / w).ceil())
            .fold(1.0, f32::max);
        lines * size * 1.5 + 10.0
    };
    // The last two rows go with the table's end (never a 合计 row alone on
    // a page), unless they are tall enough that keeping them together
    // could leave no page that holds them.
    let keep_last = rows.len() > 6
        && rows[rows.len() - 2..]
            .iter()
            .map(|r| height(r))
            .sum::<f32>()
            < 0.3 * BLOCK_HEIGHT_PT;
    let cells = |row: &[(String, String)], body: bool| {
        // A row that would be taller than most of a page may split (rows
        // stay whole otherwise): it could not fit on any page whole.
        let tall = height(row) > 0.8 * BLOCK_HEIGHT_PT;
        let mut out = String::from("(");
        for i in 0..cols {
            let code = row.get(i).map_or("[]", |(code, _)| code.as_str());
            let label = body && row.get(i).is_some_and(|(_, plain)| is_total_label(plain));
            if tall {
                out.push_str(&format!("table.cell(breakable: true, {code})"));
            } else if label {
                // 合计, 小计 are centred in their cell, as a typesetter
                // sets a total's label, whatever the column's alignment.
                out.push_str(&format!("table.cell(align: center + horizon, {code})"));
            } else if row
                .get(i)
                .is_some_and(|(_, plain)| plain.starts_with(OPENING_PUNCT))
            {
                // A cell that starts with a bracket (（C3360）): typst would
                // set it half width at the line's start; a word joiner
                // before it keeps it whole, as Word prints it.
                out.push_str(&format!("[#(\"\\u{{2060}}\")#({code})]"));
            } else {
                out.push_str(&format!("[#({code})]"));
            }
            out.push_str(", ");
        }
        out.push(')');
        out
    };
    let (number, caption) = match caption {
        Some((number, cap)) => (lit(&number.unwrap_or_else(|| key.to_string())), lit(&cap)),
        None => ("none".to_string(), "none".to_string()),
    };
    let mut t = format!(
        "doc-table(key: \"{key}\", number: {number}, caption: {caption}, columns: {cols}, widths: {widths}, aligns: ({},), numeric: ({}), size: {size}pt, rotated: {rotated}, {}header: {}, rows: (",
        align.join(", "),
        numeric.concat(),
        if keep_last { "keep-last: true, " } else { "" },
        cells(header, false),
    );
    for row in rows {
        t.push_str(&cells(row, true));
        t.push_str(", ");
    }
    t.push_str("))");
    t
}

/// The label of a total row's cell: 合计, 小计, 总计, 共计 (spaced or not).
pub(crate) fn is_total_label(cell: &str) -> bool {
    let t: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(t.as_str(), "合计" | "小计" | "总计" | "共计" | "总合计")
}

/// A column of row numbers: 序号, 编号, No.
pub(crate) fn is_sequence_header(h: &str) -> bool {
    matches!(h.trim(), "序号" | "编号" | "序" | "No." | "NO." | "No")
}

/// HTML with its comments removed (an unclosed comment runs to the end).
fn strip_html_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long table whose least widths do not fit wraps its headers and
    /// long cells, never a credit code: that column stays as wide as the
    /// code, or its digits run into the next column.
    #[test]
    fn a_column_of_credit_codes_is_never_narrower_than_a_code() {
        let head = [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "细分行业",
            "所在乡镇（园区）",
            "2021年产值（万元）",
            "是否规上",
        ];
        let row = [
            "1",
            "河南汝丰食业有限公司",
            "914117001072138903",
            "屠宰及肉类加工",
            "汝北产业集聚区",
            "30,907",
            "是",
        ];
        let body: Vec<Vec<&str>> = (0..20).map(|_| row.to_vec()).collect();
        let fit = fit_table(&head, &body, head.len(), true);
        let widths = fit.widths.expect("sized");
        let code = least_pt(unbreakable_ems(row[2]), fit.size);
        assert!(widths[2] >= code - 0.5, "{widths:?} < {code}");
        assert!(
            widths.iter().sum::<f32>() <= BLOCK_WIDTH_PT + 0.5,
            "{widths:?}"
        );
    }
    use std::path::PathBuf;

    fn conv(md: &str) -> String {
        let text = format!("---\nkind: pilot-plan\n---\n{md}");
        let doc = crate::document::parse(
            "content/a.md",
            PathBuf::from("/nonexistent/content/a.md"),
            text,
            None,
        );
        convert(&doc, Path::new("/nonexistent")).code
    }

    #[test]
    fn literals_escape_everything_that_matters() {
        assert_eq!(lit("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(lit("\u{0}"), "\"\\u{0}\"");
        assert_eq!(unlit(&lit("试\"点\\\n\u{1}")), "试\"点\\\n\u{1}");
    }

    /// Split generated code into (code outside literals, decoded literals).
    fn split_literals(code: &str) -> (String, String) {
        let (mut outside, mut inside) = (String::new(), String::new());
        let mut chars = code.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '"' {
                outside.push(c);
                continue;
            }
            let mut lit_src = String::from("\"");
            while let Some(d) = chars.next() {
                lit_src.push(d);
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        lit_src.push(e);
                    }
                } else if d == '"' {
                    break;
                }
            }
            inside.push_str(&unlit(&lit_src));
        }
        (outside, inside)
    }

    #[test]
    fn user_text_is_never_code() {
        let nasty = "#read(\"/etc/passwd\") #import \"x\": * $x^2$ @ref <label> ] [x] #{1+1} #set page(width: 1pt) `#x`";
        let code = conv(&format!("{nasty}\n"));
        let (outside, inside) = split_literals(&code);
        // Outside the literals there is only structure shenbao wrote.
        for bad in ['#', '$', '@', '<', '`'] {
            assert!(
                !outside.contains(bad),
                "{bad:?} outside literals: {outside}"
            );
        }
        // Inside them, the author's characters, all of them (the inline
        // code span keeps its text, minus the backticks; long runs get
        // invisible break opportunities).
        assert_eq!(
            inside.replace('\u{200B}', ""),
            nasty.replace('`', ""),
            "{code}"
        );
    }

    #[test]
    fn only_web_mail_and_phone_links_are_links() {
        let code = conv(
            "[甲](javascript:alert(1)) [乙](file:///etc/passwd) [丙](mailto:a@b.cn) [丁](other.md)\n",
        );
        assert!(
            !code.contains("javascript") && !code.contains("file:"),
            "{code}"
        );
        assert!(code.contains("link(\"mailto:a@b.cn\", \"丙\")"), "{code}");
        assert_eq!(code.matches("link(").count(), 1, "{code}");
    }

    /// Each heading call of the code: its level and numbering arguments
    /// (`level: 1, numbering: none`) and its title, the string literals
    /// of its body joined (its words may be boxes).
    fn headings_of(code: &str) -> Vec<(String, String)> {
        code.lines()
            .filter_map(|l| l.strip_prefix("heading("))
            .map(|rest| {
                let args_end = rest.find(['"', '{']).unwrap_or(rest.len());
                let args = rest[..args_end].trim_end_matches([',', ' ']).to_string();
                let mut title = String::new();
                let mut parts = rest[args_end..].split('"');
                parts.next();
                for (i, p) in parts.enumerate() {
                    if i % 2 == 0 {
                        title.push_str(p);
                    }
                }
                (args, title)
            })
            .collect()
    }

    #[test]
    fn headings_lose_the_authors_number() {
        let code = conv("# 一、试点对象基本概况\n\n## (一)范围\n\n正文\n\n# 二、试点基础\n");
        let h = headings_of(&code);
        assert!(
            h.contains(&("level: 1".into(), "试点对象基本概况".into())),
            "{code}"
        );
        assert!(h.contains(&("level: 2".into(), "范围".into())), "{code}");
        // A title's words are boxes: a line breaks between them, in the
        // body and on the contents page; an attachment's title the same.
        assert!(code.contains("box(\"试点\")"), "{code}");
        let words = title_words("关于推荐纺织印染产业园清洁生产整体审核创新试点项目的函");
        assert!(
            words
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(["清洁生产", true])),
            "{words}"
        );
    }

    #[test]
    fn reports_keep_their_numbers_as_written_and_a_preface_takes_none() {
        let code = conv(
            "# 前言\n\n正文\n\n# 第一章 筹划与组织\n\n## 1.1 公司领导重视\n\n### 1.1.1 成立审核小组\n\n正文\n",
        );
        let h = headings_of(&code);
        for (args, title) in [
            ("level: 1, numbering: none", "前言"),
            ("level: 1, numbering: none", "第一章 筹划与组织"),
            ("level: 2, numbering: none", "1.1 公司领导重视"),
            ("level: 3, numbering: none", "1.1.1 成立审核小组"),
        ] {
            assert!(h.contains(&(args.into(), title.into())), "{title}: {code}");
        }
        // A plan keeps the official numbering, and its preface none.
        let code = conv("# 前言\n\n正文\n\n# 一、概况\n\n正文\n");
        let h = headings_of(&code);
        assert!(
            h.contains(&("level: 1, numbering: none".into(), "前言".into())),
            "{code}"
        );
        assert!(h.contains(&("level: 1".into(), "概况".into())), "{code}");
    }

    #[test]
    fn structure_becomes_calls() {
        let code = conv(
            "*甲* **乙** ~~丙~~ `丁` [戊](https://a.b)\n\n- 一\n  1. 二\n\n- [x] 完成\n\n> 引用\n\n```rust\nfn x() {}\n```\n\n---\n",
        );
        for want in [
            "emph(\"甲\")",
            "strong(\"乙\")",
            "strike(\"丙\")",
            "raw(\"丁\")",
            "link(\"https://a.b\", \"戊\")",
            "list(",
            "par({\"1.\"; \"二\"})",
            "☑ ",
            "quote(block: true,",
            "raw(block: true, lang: none, \"fn x() {}\")",
            "line(length: 100%",
        ] {
            assert!(code.contains(want), "missing {want} in {code}");
        }
    }

    #[test]
    fn tables_with_caption_alignment_and_header() {
        let code = conv("表1 主要指标\n\n| 指标 | 值 |\n|:--|--:|\n| 能耗 | 0.2 |\n");
        assert!(
            code.contains("doc-table(key: \"1\", number: \"1\", caption: \"主要指标\", columns: 2, widths: (auto, auto, ), aligns: (left, right,), numeric: (1,), size: 12pt, rotated: false, header: ([#(\"指标\")], [#(\"值\")], ), rows: (([#(\"能耗\")], [#(\"0.2\")], ), ))"),
            "{code}"
        );
        assert!(!code.contains("par(\"表1"), "{code}");
        assert_eq!(
            table_caption("表：主要指标"),
            Some((None, "主要指标".into()))
        );
        assert_eq!(table_caption("表明了问题"), None);
        assert_eq!(
            table_caption("表2-1主要指标"),
            Some((Some("2-1".into()), "主要指标".into()))
        );
        assert_eq!(
            table_caption("表 3　重点企业清单"),
            Some((Some("3".into()), "重点企业清单".into()))
        );
    }

    #[test]
    fn tables_without_caption_still_break_and_numbers_align_right() {
        let mut md = String::from("| 企业 | 产值（亿元） |\n|---|---|\n");
        for i in 0..41 {
            md.push_str(&format!("| 企业{i} | {}.5 |\n", i * 3));
        }
        let code = conv(&md);
        assert!(
            code.contains("doc-table(key: \"1\", number: none, caption: none"),
            "{code}"
        );
        assert!(code.contains("numeric: (1,)"), "{code}");
        // The header cell and the 41 rows.
        assert_eq!(code.matches("\"企业").count(), 42);
    }

    #[test]
    fn wide_tables_get_a_smaller_size_and_columns_sized_to_content() {
        let head = "| 指标 | 单位 | 2019年 | 2020年 | 2021年 | 2023年目标 | 2025年目标 | 变化率 | 数据来源 |\n";
        let sep = "|---|---|--:|--:|--:|--:|--:|---|---|\n";
        let row = "| 吨钢综合能耗 | 千克标准煤/吨 | 578 | 571 | 563 | 548 | 535 | 下降5.0% | 企业能源统计报表 |\n";
        let code = conv(&format!("{head}{sep}{row}"));
        assert!(code.contains("size: 10.5pt, rotated: false"), "{code}");
        // A long text column gets more room than a short one.
        let long = "| 编号 | 内容 |\n|---|---|\n| GT-01 | 烧结机头烟气内循环，将烧结机头部分高温、高氧烟气经除尘后送回烧结料面，循环率控制在20%至25%，实施后外排烟气量减少约五分之一。 |\n";
        let code = conv(long);
        let widths = code
            .split("widths: (")
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap();
        let w: Vec<f32> = widths
            .split(", ")
            .filter_map(|x| x.trim_end_matches(',').trim_end_matches("fr").parse().ok())
            .collect();
        assert_eq!(w.len(), 2, "{code}");
        assert!(w[1] > 4.0 * w[0], "{w:?}");
        assert!(
            (w.iter().sum::<f32>() - BLOCK_WIDTH_PT).abs() < 1.0,
            "{w:?}"
        );
    }

    #[test]
    fn comments_and_guidance_never_print() {
        let code = conv(
            "<!-- 编写提示：一级标题写作 `# 一、标题`，\n排版时自动编号。 -->\n\n# 一、概况\n\n> 编写提示：写明范围。\n\n正文。\n\n> 引用的政策原文。\n",
        );
        assert!(
            !code.contains("编写提示") && !code.contains("排版时自动编号"),
            "{code}"
        );
        assert!(
            code.contains("正文。")
                && code.contains("quote(block: true, par(\"引用的政策原文。\"))"),
            "{code}"
        );
    }

    /// Under a third-level heading (1.) a list numbers from （1）, under a
    /// fourth from ①: a `1.` item never sits under a `1.` heading.
    #[test]
    fn lists_number_on_from_the_heading_they_are_under() {
        let code = conv(
            "# 一、甲\n\n1. 第一条\n\n# 二、乙\n\n## （一）丙\n\n### 1.丁\n\n1. 第二条\n    1. 第三条\n\n#### （1）戊\n\n1. 第四条\n",
        );
        let first = code.find("第一条").unwrap();
        let second = code.find("第二条").unwrap();
        let third = code.find("第三条").unwrap();
        let fourth = code.find("第四条").unwrap();
        assert!(code[..first].ends_with("{\"1.\"; \""), "{code}");
        assert!(code[..second].ends_with("{\"（1）\"; \""), "{code}");
        assert!(code[..third].ends_with("{\"①\"; \""), "{code}");
        assert!(code[..fourth].ends_with("{\"①\"; \""), "{code}");
        assert_eq!(item_marker(1, 2, 0), "2.");
        assert_eq!(item_marker(1, 2, 3), "（2）");
        assert_eq!(item_marker(2, 2, 3), "②");
        // Under a （1） heading a nested list is not a second ① level.
        assert_eq!(item_marker(2, 2, 4), "b.");
    }

    /// A typesetter's trial: a 9-column indicator table whose sources
    /// column was two characters wide (every row on four lines) while the
    /// names column kept its long words whole. A long word may break when
    /// it makes the table much shorter.
    #[test]
    fn a_narrow_sources_column_is_not_starved_by_long_words() {
        let md = "| 序号 | 指标类别 | 指标名称 | 单位 | 现状值（2021年） | 2023年目标 | 2024年目标 | 指标属性 | 数据来源 |\n| 1 | 资源能源利用 | 印染布单位产品综合能耗 | kgce/hm | 32.5 | 30.0 | 28.6 | 约束性 | 企业能源统计台账 |\n| 2 | 资源能源利用 | 单位产品新鲜水取水量 | t/hm | 1.85 | 1.60 | 1.50 | 约束性 | 取水计量台账 |\n| 3 | 资源能源利用 | 水重复利用率 | % | 38.2 | 42.0 | 45.0 | 约束性 | 水平衡测试报告 |\n| 4 | 资源能源利用 | 园区中水回用率 | % | 15.6 | 22.0 | 28.0 | 预期性 | 污水处理厂运行台账 |\n| 5 | 污染物排放 | 单位产品化学需氧量产生量 | kg/hm | 1.52 | 1.38 | 1.30 | 约束性 | 企业自行监测数据 |\n| 6 | 污染物排放 | 污水处理厂出水总磷 | mg/L | 0.27 | 0.23 | 0.20 | 约束性 | 在线监测数据 |\n| 7 | 污染物排放 | 挥发性有机物排放量 | t/a | 186.4 | 160.0 | 149.1 | 约束性 | 排污许可执行报告 |\n| 8 | 污染物排放 | 印染污泥资源化利用率 | % | 45.0 | 70.0 | 85.0 | 预期性 | 固体废物管理台账 |\n| 9 | 碳排放 | 单位工业产值二氧化碳排放量 | tCO₂/万元 | 0.86 | 0.78 | 0.73 | 预期性 | 碳排放核算报告 |\n| 10 | 碳排放 | 热电联产供电排放因子 | tCO₂/MWh | 0.92 | 0.88 | 0.85 | 预期性 | 热电企业核算报告 |";
        let rows: Vec<Vec<&str>> = md
            .lines()
            .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        let fit = fit_table(&rows[0], &rows[1..], 9, true);
        let w = fit.widths.unwrap();
        let ems = |pt: f32| (pt - CELL_INSET) / (fit.size * 1.06);
        // 数据来源 holds 企业能源统计台账 on two lines at most.
        assert!(ems(w[8]) >= 4.0, "{w:?}");
        assert!(
            (w.iter().sum::<f32>() - BLOCK_WIDTH_PT).abs() < 1.0,
            "{w:?}"
        );
        // Units and codes stay whole: kgce/hm, tCO₂/MWh.
        assert!(ems(w[3]) >= 4.8, "{w:?}");
    }

    #[test]
    fn numbers_stay_with_units_standards_with_years_and_ranges_whole() {
        let t = "规模4万m³/d，执行GB 18918—2002一级A标准，总磷0.27 mg/L，排放因子0.58 tCO₂/MWh（2021—2023年），约12公里";
        let kept: Vec<&str> = keep_together(t, false)
            .into_iter()
            .filter(|(_, k)| *k)
            .map(|(p, _)| p)
            .collect();
        for whole in [
            "4万m³/d",
            "GB 18918—2002",
            "0.27 mg/L",
            "0.58 tCO₂/MWh",
            "2021—2023年",
        ] {
            assert!(
                kept.iter().any(|k| k.contains(whole)),
                "{whole} in {kept:?}"
            );
        }
        // Plain Chinese prose breaks anywhere, as GB/T 9704 sets it.
        assert!(
            keep_together("加强清洁生产审核", false)
                .iter()
                .all(|(_, k)| !k)
        );
        // In a cell, short words stay whole too (never 所在位/置).
        let cell: Vec<&str> = keep_together("所在位置", true)
            .into_iter()
            .filter(|(_, k)| *k)
            .map(|(p, _)| p)
            .collect();
        assert_eq!(cell, vec!["所在", "位置"]);
        // Brackets stay outside the boxes, where typst would set them half
        // width (〔2018〕24号 printed its 〕 squeezed).
        let code = conv(
            "依据豫环办〔2018〕24号文件。\n\n| 代码 | 行业 |\n|---|---|\n| （C3360）其他 | 金属 |\n",
        );
        assert!(
            code.contains("box(\"2018\"); \"〕\"; box(\"24号\")"),
            "{code}"
        );
        for p in keep_together("（C3360）", true) {
            assert!(
                !(p.1 && (p.0.starts_with('（') || p.0.ends_with('）'))),
                "{p:?}"
            );
        }
        // A cell starting with a bracket keeps it whole at the line start.
        assert!(code.contains("[#(\"\\u{2060}\")#("), "{code}");
        // A total's label is centred in its cell, whatever its column's
        // alignment; the same word in a header is left alone.
        let code = conv("| 项目 | 投资 |\n|:--|--:|\n| 甲 | 1 |\n| 合　计 | 1 |\n");
        assert!(
            code.contains("table.cell(align: center + horizon, [#(\"合　计\")])")
                || code.contains("table.cell(align: center + horizon, \"合　计\")"),
            "{code}"
        );
        assert!(is_total_label("小 计") && !is_total_label("合计投资"));
    }

    #[test]
    fn super_and_subscripts_use_the_body_font() {
        let code = conv("排放10⁶吨CO₂，体积m³。\n");
        assert!(
            code.contains(
                "\"排放\"; box({\"10\"; super(\"6\"); \"吨\"}); box({\"CO\"; sub(\"2\")}); \"，体积\"; box({\"m\"; super(\"3\")}); \"。\""
            ),
            "{code}"
        );
    }

    #[test]
    fn units_stay_on_one_line_and_links_show_their_address() {
        let code = conv("浓度18.6 mg/L，能耗559.6kgce/t，见https://a.gov.cn/x/y.pdf。\n");
        assert!(code.contains("box(\"mg/L\")"), "{code}");
        assert!(
            code.contains("box(\"559.6kgce/t\")") || code.contains("box(\"kgce/t\")"),
            "{code}"
        );
        assert!(!code.contains("box(\"a.gov.cn"), "{code}");
        assert_eq!(next_unit("1/2"), None);
        let code = conv("见[指南](https://www.mee.gov.cn/)和<https://a.cn/>。\n");
        assert!(code.contains("（https:/"), "{code}");
        // An autolink is its own address: not printed twice.
        assert_eq!(code.matches('（').count(), 1, "{code}");
    }

    #[test]
    fn nested_ordered_lists_use_the_official_sequence() {
        let code = conv("1. 甲\n   1. 乙\n      1. 丙\n2. 丁\n");
        assert!(code.contains("par({\"1.\"; \"甲\"})"), "{code}");
        assert!(code.contains("par({\"（1）\"; \"乙\"})"), "{code}");
        assert!(code.contains("par({\"①\"; \"丙\"})"), "{code}");
        assert!(code.contains("par({\"2.\"; \"丁\"})"), "{code}");
        // Ordinary paragraphs, no hanging indent: never typst's enum.
        assert!(!code.contains("enum("), "{code}");
        // An item that heads nested items stays with them.
        assert!(
            code.contains("block(sticky: true, par({\"1.\"; \"甲\"}))"),
            "{code}"
        );
        // A list that starts at 3 counts from 3; a loose item's paragraphs.
        let code = conv("3. 甲\n\n   又一段\n\n4. 乙\n");
        assert!(code.contains("par({\"3.\"; \"甲\"})"), "{code}");
        assert!(code.contains("par(\"又一段\")"), "{code}");
        assert!(code.contains("\"4.\""), "{code}");
        // A lone （1） line that heads its text never ends a page.
        let code = conv("（1）前处理与染色工序\n\n正文。\n");
        assert!(
            code.contains("block(sticky: true, par(\"（1）前处理与染色工序\"))"),
            "{code}"
        );
        let code = conv("（1）一句完整的话。\n");
        assert!(!code.contains("sticky"), "{code}");
    }

    #[test]
    fn a_note_under_a_table_is_the_tables_and_sequence_numbers_are_centred() {
        let code = conv("| 序号 | 名称 |\n|--:|--|\n| 1 | 甲 |\n\n注：数据来自统计。\n\n正文。\n");
        assert!(code.contains("aligns: (center, auto,)"), "{code}");
        assert!(code.contains("note: \"注：数据来自统计。\")"), "{code}");
        assert!(!code.contains("par(\"注："), "{code}");
        assert!(code.contains("par(\"正文。\")"), "{code}");
        // A 注 paragraph with no table before it stays a paragraph.
        let code = conv("正文。\n\n注：说明。\n");
        assert!(code.contains("par(\"注：说明。\")"), "{code}");
        assert!(is_table_note("注1：甲") && is_table_note("资料来源：乙"));
        assert!(!is_table_note("注意安全") && !is_table_note("注重实效。"));
    }

    /// A plan's body converted in a project that has `content/img/a.png`.
    fn conv_with_image(body: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/img")).unwrap();
        std::fs::write(root.join("content/img/a.png"), b"x").unwrap();
        let text = format!("---\nkind: pilot-plan\n---\n{body}");
        let doc = crate::document::parse("content/a.md", root.join("content/a.md"), text, None);
        convert(&doc, &root).code
    }

    #[test]
    fn a_linked_image_prints_as_a_figure_with_its_address() {
        let code = conv_with_image("徽标：[![徽标](img/a.png)](https://www.example.gov.cn/)。\n");
        assert!(code.contains("\nfigure("), "{code}");
        assert!(
            code.contains("caption: \"徽标（https://www.example.gov.cn/）\""),
            "{code}"
        );
        assert!(
            !code.contains("link(\"https://www.example.gov.cn/\", figure"),
            "{code}"
        );
        assert!(code.contains("www.example.gov.cn"), "{code}");
    }

    #[test]
    fn the_paragraph_that_introduces_a_quote_stays_with_it() {
        let code = conv("正文。\n\n他曾指出：\n\n> 引文。\n");
        assert!(
            code.contains("block(sticky: true, par(\"他曾指出：\"))"),
            "{code}"
        );
        assert!(
            !code.contains("block(sticky: true, par(\"正文。\"))"),
            "{code}"
        );
        let code = conv("正文。\n\n> 引文。\n");
        assert!(!code.contains("sticky"), "{code}");
    }

    #[test]
    fn an_authors_figure_number_is_not_printed_twice() {
        use crate::text::split_figure_number as split;
        assert_eq!(split("图1 鹤阳市区位图"), (None, "鹤阳市区位图"));
        assert_eq!(split("图 2-1：工艺流程"), (Some("2-1"), "工艺流程"));
        assert_eq!(split("图3.2 水平衡图"), (Some("3.2"), "水平衡图"));
        assert_eq!(split("图1. 区位图"), (None, "区位图"));
        assert_eq!(split("区位图"), (None, "区位图"));
        assert_eq!(split("图书馆位置"), (None, "图书馆位置"));
        assert_eq!(split("图1"), (None, "图1"));
    }

    #[test]
    fn a_long_list_of_enterprises_gives_its_names_room() {
        // The issue's 45-row list: at 小四 the name column was four
        // characters wide and names wrapped on five lines.
        let head = [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "所在位置",
            "行业类别",
            "主要产品",
        ];
        let row = vec![
            "12",
            "澧河县宏达农副食品加工有限责任公司",
            "91411123MA4XQY9WT8",
            "食品产业园纬三路18号",
            "其他农副食品加工（C139）",
            "红薯粉条、粉丝",
        ];
        let body: Vec<Vec<&str>> = (0..45).map(|_| row.clone()).collect();
        let fit = fit_table(&head, &body, 6, true);
        let widths = fit.widths.expect("columns sized");
        let ems = |i: usize| (widths[i] - CELL_INSET) / (fit.size * 1.06);
        // The name in at most three lines, the code on one, 序号 whole.
        let name = pieces(row[1]);
        assert!(lines_at(&name, ems(1)) <= 3, "{widths:?} at {}", fit.size);
        assert!(ems(2) >= text_ems(row[2]) - 0.01, "{widths:?}");
        assert!(ems(0) >= 2.0 - 0.01, "{widths:?}");
        let total: f32 = widths.iter().sum();
        assert!(total <= BLOCK_WIDTH_PT + 0.5, "{total}");
    }

    #[test]
    fn deep_nesting_prints_without_exhausting_typst() {
        let quotes = format!("{}深\n", "> ".repeat(30));
        let code = conv(&quotes);
        assert!(code.matches("quote(").count() <= MAX_NESTING, "{code}");
        assert!(code.contains("\"深\""), "{code}");
        let mut lists = String::new();
        for i in 0..40 {
            lists.push_str(&format!("{}- 第{i}层\n", "  ".repeat(i)));
        }
        let code = conv(&lists);
        assert!(code.matches("list(").count() <= MAX_NESTING, "{code}");
        assert!(code.contains("39层"), "{code}");
        // No nesting past the limit at all (typst counts every level).
        assert!(!code.contains("block(block("), "{code}");
    }

    #[test]
    fn nested_and_circular_footnotes_resolve_without_nul() {
        let code = conv("正文[^a]。\n\n[^a]: 见[^b]。\n\n[^b]: 又见[^a]。\n");
        assert!(!code.contains('\0'), "{code:?}");
        assert!(code.contains("又见"), "{code}");
        assert!(code.contains("［脚注 a］"), "{code}");
    }

    #[test]
    fn footnotes_are_inlined() {
        let code = conv("正文[^1]。\n\n[^1]: 数据来源于统计年报。\n");
        // One paragraph: inline, so the note's number shares its line.
        assert!(
            code.contains("footnote(\"数据来源于统计年报。\")"),
            "{code}"
        );
        assert!(!code.contains('\0'));
        let code = conv("正文[^x]。\n");
        // An undefined reference is not a footnote in CommonMark: it stays text.
        assert_eq!(split_literals(&code).1, "正文[^x]。", "{code}");
    }

    #[test]
    fn images_stand_outside_paragraphs() {
        let code = conv_with_image("前文![区位图](img/a.png)后文\n\n![区位图](img/a.png)\n");
        assert!(
            !code.contains("par(figure") && !code.contains("; figure("),
            "{code}"
        );
        assert_eq!(
            code.matches("figure(doc-image(image(\"/content/img/a.png\"")
                .count(),
            2,
            "{code}"
        );
        assert!(
            code.contains("par(\"前文\")") && code.contains("par(\"后文\")"),
            "{code}"
        );
    }

    #[test]
    fn missing_images_become_a_visible_notice() {
        let code = conv("![区位图](images/none.png)\n\n![x](/etc/passwd)\n");
        assert!(!code.contains("image("), "{code}");
        assert!(code.contains("图片无法使用：images/none.png"));
    }

    #[test]
    fn chinese_soft_breaks_join_without_space() {
        assert!(conv("第一行\n第二行\n").contains("{\"第一行\"; \"第二行\"}"));
        assert!(conv("first\nsecond\n").contains("\"first\"; \" \"; \"second\""));
    }

    #[test]
    fn source_map_points_back() {
        let text = "---\nkind: pilot-plan\n---\n# 一、甲\n\n段落\n".to_string();
        let doc = crate::document::parse(
            "content/a.md",
            PathBuf::from("/x/content/a.md"),
            text.clone(),
            None,
        );
        let c = convert(&doc, Path::new("/x"));
        let para = c.code.find("par(").unwrap();
        let md = c.source_offset(para + 2).unwrap();
        assert_eq!(doc.src.line_col(md).0, 6);
    }
}
