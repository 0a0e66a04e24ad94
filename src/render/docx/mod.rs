//! Every document as a .docx for the people who edit in Word or WPS, laid
//! out like the PDF in Word's own terms: A4 with the GB/T 9704 margins, a
//! document grid of 22 lines × 28 characters, named paragraph styles with
//! East-Asian fonts (the names Word users' machines have, from the
//! theme's font roles), odd/even footers with a PAGE field in the
//! `— N —` form, the cover, a contents list, tables with explicit column
//! widths and a repeating header row, images, footnotes and the
//! attachments.
//!
//! It reads the same [`Document`] as the PDF and the site (the body
//! through [`model::read`], i.e. `crate::markdown::events`). docx-rs
//! writes the package; the one thing it cannot express (`w:tblHeader`,
//! the repeating header row WPS and Word need) is added to its
//! document.xml before packing.

pub mod model;
mod schema;
pub mod tracked;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, Footnote,
    Hyperlink, HyperlinkType, InstrPAGE, InstrText, InstrToC, LineSpacing, LineSpacingType,
    PageMargin, PageNumType, Paragraph, Pic, Run, RunFonts, SectionProperty, SpecialIndentType,
    Style, StyleType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use pulldown_cmark::Alignment;

use crate::assets::{is_remote, resolve};
use crate::document::voluntary::date_zh;
use crate::document::{DocKind, Document};
use crate::kinds::WordLayout;
use crate::render::theme::Theme;
use crate::text::NumberStyle;
use crate::views::{FormRow, form_rows};
use model::{Block, Inline, plain};

/// Page and text block (GB/T 9704): A4, top 37 mm, left 28 mm, block
/// 156 × 225 mm; twentieths of a point.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1587;
const MARGIN_RIGHT: i32 = 1474;
/// The page number sits 7 mm under the text block.
const FOOTER_DIST: i32 = 1304;
/// Text block width in twips (156 mm).
pub const TEXT_W: usize = 8844;
/// Text block height in twips (225 mm).
const TEXT_H: u32 = 12756;
/// The tallest a figure is set (190 mm), leaving its caption room.
const FIGURE_H: u32 = 10772;
/// 22 lines in 225 mm (the line pitch Word writes for this grid).
pub const LINE_PITCH: usize = 579;
/// 28 characters in 156 mm at 三号: each 16 pt character set 0.25 pt
/// tighter (twentieths of a point). A character grid (`linesAndChars`
/// with `charSpace="-849"`) says the same to Word, but LibreOffice 7.4
/// lays that grid out at about 22 characters a line; character spacing
/// gives 28 in Word, WPS and LibreOffice alike.
pub const CHAR_SPACING: i32 = -5;
/// 三号, 二号, 四号, 五号 in half-points.
const SIZE_BODY: usize = 32;
const SIZE_TITLE: usize = 44;
const SIZE_SMALL: usize = 28;
/// 小四 and 五号: table text, as in the PDF.
const SIZE_TABLE: usize = 24;
const SIZE_TABLE_WIDE: usize = 21;
const MAX_IMAGE_BYTES: u64 = 32 * 1024 * 1024;

/// Word font names for the theme's roles.
#[derive(Debug, Clone)]
pub struct WordFonts {
    pub fang: String,
    pub hei: String,
    pub kai: String,
    pub song: String,
    pub mono: String,
}

impl WordFonts {
    /// For each role the first Chinese family name in the theme's list
    /// (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体): the names under
    /// which Word and WPS find fonts on Chinese Windows.
    pub fn from_theme(theme: &Theme) -> WordFonts {
        let pick = |role: &str, fallback: &str| -> String {
            let fams = theme
                .font_roles
                .iter()
                .find(|(r, _, _)| r == role)
                .map(|(_, _, f)| f.as_slice())
                .unwrap_or(&[]);
            fams.iter()
                .find(|f| !f.is_ascii())
                .or_else(|| fams.first())
                .cloned()
                .unwrap_or_else(|| fallback.to_string())
        };
        WordFonts {
            fang: pick("fang", "仿宋_GB2312"),
            hei: pick("hei", "黑体"),
            kai: pick("kai", "楷体_GB2312"),
            song: pick("song", "方正小标宋简体"),
            mono: pick("mono", "Courier New"),
        }
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE_PITCH as i32)
        .before(0)
        .after(0)
}

fn single_lines() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

/// The named styles: body, headings 1–4, title, caption, table text,
/// quote, code, footnote text, footer and contents entries.
fn styles(docx: Docx, f: &WordFonts) -> Docx {
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .q_format(true)
    };
    let mut docx = docx
        .default_fonts(fonts(&f.fang))
        .default_size(SIZE_BODY)
        .add_style(tight(
            para("BodyText", "Body Text")
                .fonts(fonts(&f.fang))
                .size(SIZE_BODY)
                .align(AlignmentType::Both)
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .first_line_chars(200)
                .line_spacing(exact_lines()),
        ));
    let heads = [
        (&f.hei, false),
        (&f.kai, false),
        (&f.fang, true),
        (&f.fang, false),
    ];
    for (i, (font, bold)) in heads.iter().enumerate() {
        let mut s = para(&format!("Heading{}", i + 1), &format!("heading {}", i + 1))
            .next("BodyText")
            .fonts(fonts(font))
            .size(SIZE_BODY)
            .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
            .first_line_chars(200)
            .outline_lvl(i)
            .line_spacing(exact_lines());
        if *bold {
            s = s.bold();
        }
        docx = docx.add_style(tight(s));
    }
    docx.add_style(
        para("Title", "Title")
            .fonts(fonts(&f.song))
            .size(SIZE_TITLE)
            .align(AlignmentType::Center)
            .line_spacing(single_lines()),
    )
    .add_style(
        para("Caption", "caption")
            .fonts(fonts(&f.hei))
            .size(SIZE_SMALL)
            .align(AlignmentType::Center)
            .line_spacing(exact_lines()),
    )
    // Table text at the PDF's sizes: 小四, and 五号 for wide tables.
    .add_style(
        para("TableText", "表格文字")
            .fonts(fonts(&f.fang))
            .size(SIZE_TABLE)
            .snap_to_grid(false)
            .line_spacing(single_lines()),
    )
    .add_style(
        para("TableTextWide", "表格文字（宽表）")
            .based_on("TableText")
            .fonts(fonts(&f.fang))
            .size(SIZE_TABLE_WIDE)
            .snap_to_grid(false)
            .line_spacing(single_lines()),
    )
    .add_style(tight(
        para("Quote", "Quote")
            .fonts(fonts(&f.kai))
            .size(SIZE_BODY)
            .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
            .first_line_chars(200)
            .line_spacing(exact_lines()),
    ))
    .add_style(
        para("Code", "代码")
            .fonts(
                RunFonts::new()
                    .ascii(&f.mono)
                    .hi_ansi(&f.mono)
                    .east_asia(&f.fang),
            )
            .size(SIZE_TABLE_WIDE)
            .snap_to_grid(false)
            .line_spacing(single_lines()),
    )
    .add_style(
        para("FootnoteText", "footnote text")
            .fonts(fonts(&f.fang))
            .size(SIZE_SMALL)
            .snap_to_grid(false)
            .line_spacing(single_lines()),
    )
    .add_style({
        // docx-rs marks each footnote reference with this character style
        // but does not define it; Word wants every referenced style.
        let mut s = Style::new("FootnoteReference", StyleType::Character)
            .name("footnote reference")
            .semi_hidden()
            .unhide_when_used();
        s.run_property = s
            .run_property
            .vert_align(docx_rs::VertAlignType::SuperScript);
        s
    })
    .add_style(
        para("Footer", "footer")
            .fonts(fonts("宋体"))
            .size(SIZE_SMALL)
            .snap_to_grid(false)
            .line_spacing(single_lines()),
    )
    .add_style(
        para("TOC1", "toc 1")
            .fonts(fonts(&f.fang))
            .size(SIZE_BODY)
            .line_spacing(exact_lines()),
    )
    .add_style(
        para("TOC2", "toc 2")
            .fonts(fonts(&f.fang))
            .size(SIZE_BODY)
            .indent(Some(640), None, None, None)
            .line_spacing(exact_lines()),
    )
}

fn margins() -> PageMargin {
    PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .header(851)
        .footer(FOOTER_DIST)
        .gutter(0)
}

fn grid() -> DocGrid {
    DocGrid::new()
        .grid_type(DocGridType::Lines)
        .line_pitch(LINE_PITCH)
}

/// The body's character spacing on a style (see [`CHAR_SPACING`]).
fn tight(mut s: Style) -> Style {
    s.run_property = s.run_property.spacing(CHAR_SPACING);
    s
}

/// A section that ends here (cover, contents): same page, no footers.
fn section_end() -> SectionProperty {
    SectionProperty::new()
        .page_size(docx_rs::PageSize::new().size(PAGE_W, PAGE_H))
        .page_margin(margins())
        .doc_grid(grid())
}

/// `— N —` with N a PAGE field; odd pages on the right, even on the left,
/// one character in from the edge.
fn page_footer(odd: bool) -> Footer {
    let mut p = Paragraph::new()
        .style("Footer")
        .align(if odd {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        })
        .add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"));
    p = if odd {
        p.indent(None, None, Some(280), None)
    } else {
        p.indent(Some(280), None, None, None)
    };
    Footer::new().add_paragraph(p)
}

fn empty_lines(n: usize) -> Vec<Paragraph> {
    (0..n)
        .map(|_| {
            Paragraph::new().style("BodyText").indent(
                None,
                Some(SpecialIndentType::FirstLine(0)),
                None,
                None,
            )
        })
        .collect()
}

/// What one document became.
pub struct Exported {
    pub bytes: Vec<u8>,
    /// What could not be carried into the Word file (an SVG figure, a
    /// missing image): told as warnings, never silent.
    pub problems: Vec<String>,
    pub headings: usize,
    pub tables: usize,
    pub images: usize,
    /// Changed blocks marked as revisions (a tracked-changes file).
    pub revisions: usize,
}

/// A finding shown in Word as a comment (批注) where it applies.
#[derive(Debug, Clone)]
pub struct Remark {
    /// Byte offset in the document's file; None for the whole document.
    pub offset: Option<usize>,
    /// The lines of the comment (the finding, then what to do).
    pub lines: Vec<String>,
}

/// Who the comments are by, as Word shows it.
pub const REMARK_AUTHOR: &str = "shenbao 形式检查";

/// Export a document. `root` is the canonical project root (images and
/// attachments are read only inside it).
pub fn export(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &WordFonts,
) -> Result<Exported, String> {
    export_with_remarks(doc, call, root, fonts, &[], "")
}

/// Put comments at the start and end of a paragraph (they mark its
/// whole text).
fn with_comments(mut p: Paragraph, comments: Vec<docx_rs::Comment>) -> Paragraph {
    let ids: Vec<usize> = comments.iter().map(docx_rs::Comment::id).collect();
    for c in comments.into_iter().rev() {
        p.children.insert(
            0,
            docx_rs::ParagraphChild::CommentStart(Box::new(docx_rs::CommentRangeStart::new(c))),
        );
    }
    for id in ids {
        p = p.add_comment_end(id);
    }
    p
}

/// The first paragraph of a table's first cell.
fn first_cell_paragraph(t: &mut Table) -> Option<&mut Paragraph> {
    let docx_rs::TableChild::TableRow(row) = t.rows.first_mut()?;
    let docx_rs::TableRowChild::TableCell(cell) = row.cells.first_mut()?;
    cell.children.iter_mut().find_map(|c| match c {
        docx_rs::TableCellContent::Paragraph(p) => Some(p.as_mut()),
        _ => None,
    })
}

/// Comments on the first paragraph a block wrote (`items[from..]`: a
/// heading, a paragraph, a table's caption), else on its table's first
/// cell, else on the paragraph before it. False when the document has no
/// paragraph at all.
fn attach(items: &mut [Item], from: usize, comments: Vec<docx_rs::Comment>) -> bool {
    let after = (from..items.len()).find(|&i| matches!(items[i], Item::P(_)));
    if after.is_none()
        && let Some(Item::T(t)) = items.get_mut(from)
        && let Some(p) = first_cell_paragraph(t)
    {
        let taken = std::mem::take(p);
        *p = with_comments(taken, comments);
        return true;
    }
    let at = after.or_else(|| {
        (0..from.min(items.len()))
            .rev()
            .find(|&i| matches!(items[i], Item::P(_)))
    });
    match at.map(|i| &mut items[i]) {
        Some(Item::P(p)) => {
            let taken = std::mem::take(p.as_mut());
            **p = with_comments(taken, comments);
            true
        }
        _ => false,
    }
}

/// Export a document with findings as Word comments anchored at the
/// paragraph (heading, caption, list item) their source line belongs to;
/// findings on the front matter or the whole file sit on the title.
/// `date` is the comments' time (RFC 3339), empty for none.
pub fn export_with_remarks(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &WordFonts,
    remarks: &[Remark],
    date: &str,
) -> Result<Exported, String> {
    export_inner(doc, call, root, fonts, remarks, date, None, None)
}

/// A document with what its kind adds after the body (a response: the
/// table of comments and the revision comparison), written by `after_body`
/// with the same writer.
pub fn export_with(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &WordFonts,
    after_body: &dyn Fn(&mut Writer<'_>),
) -> Result<Exported, String> {
    export_inner(doc, call, root, fonts, &[], "", Some(after_body), None)
}

/// The revised document's Word file with the changes since the reviewed
/// version as tracked revisions (see [`tracked`]), dated `date`.
pub fn export_tracked(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &WordFonts,
    changes: &[crate::review::diff::Change],
    date: &str,
) -> Result<Exported, String> {
    export_inner(doc, call, root, fonts, &[], "", None, Some((changes, date)))
}

#[allow(clippy::too_many_arguments)]
fn export_inner(
    doc: &Document,
    call: &crate::call::Call,
    root: &Path,
    fonts: &WordFonts,
    remarks: &[Remark],
    date: &str,
    after_body: Option<&dyn Fn(&mut Writer<'_>)>,
    revisions: Option<(&[crate::review::diff::Change], &str)>,
) -> Result<Exported, String> {
    let mut marked = 0;
    let mut next_id = 0usize;
    let mut comment = |r: &Remark| {
        next_id += 1;
        let mut c = docx_rs::Comment::new(next_id).author(REMARK_AUTHOR);
        if !date.is_empty() {
            c = c.date(date);
        }
        // One paragraph, the lines broken inside it: docx-rs writes a
        // comment once per paragraph it holds (duplicate ids).
        let mut p = Paragraph::new();
        for (i, line) in r.lines.iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            p = p.add_run(Run::new().add_text(line.as_str()));
        }
        c.add_paragraph(p)
    };
    let mut w = Writer {
        root,
        doc_dir: doc.path.parent().unwrap_or(root).to_path_buf(),
        fonts,
        body: Vec::new(),
        footnotes: Default::default(),
        counters: [0; 4],
        tables: 0,
        figures: 0,
        counted_figures: 0,
        headings: Vec::new(),
        problems: Vec::new(),
    };
    let title = doc.display_title();
    let mut docx = styles(Docx::new(), fonts)
        .page_size(PAGE_W, PAGE_H)
        .page_margin(margins());
    docx.document = docx.document.doc_grid(grid());
    let kind = doc.kind().unwrap_or(DocKind::ALL[0]);
    let layout = kind.word();
    let mut front: Vec<Paragraph> = Vec::new();
    // Findings on the front matter or the whole file: on the title.
    let mut whole: Vec<&Remark> = Vec::new();
    if layout == WordLayout::Sheet {
        whole.extend(remarks.iter());
        if let Some(f) = doc.form() {
            w.form(f, kind);
        }
    } else {
        let mut parsed = model::read(doc);
        w.footnotes = std::mem::take(&mut parsed.footnotes);
        // Each finding on the block its place in the source falls in.
        let body_start = doc.body_start();
        let mut on_block: Vec<Vec<&Remark>> = vec![Vec::new(); parsed.blocks.len()];
        for r in remarks {
            let block = r
                .offset
                .and_then(|o| o.checked_sub(body_start))
                .and_then(|rel| parsed.block_at(rel));
            match block {
                Some(i) => on_block[i].push(r),
                None => whole.push(r),
            }
        }
        // The title over the body's first page, as in the PDF, a line
        // under it.
        w.para(title_paragraph(&title, kind));
        for p in empty_lines(1) {
            w.para(p);
        }
        for (b, here) in parsed.blocks.into_iter().zip(on_block) {
            let before = w.body.len();
            w.block(b);
            if !here.is_empty() {
                let cs: Vec<docx_rs::Comment> = here.iter().map(|r| comment(r)).collect();
                if !attach(&mut w.body, before, cs) {
                    whole.extend(here);
                }
            }
        }
        if let Some((changes, date)) = revisions {
            marked = tracked::mark(&mut w.body, changes, date);
        }
        if let Some(report) = crate::views::report(doc) {
            for (i, t) in report.tables.iter().enumerate() {
                w.summary_table(t, &crate::views::appendix_label(i, report.tables.len()));
            }
        }
        if let Some(f) = after_body {
            f(&mut w);
        }
        w.attachments(&crate::views::attachments(root, doc));
        // A letter has no cover and no contents.
        if layout == WordLayout::Volume {
            front = w.cover(doc, call, kind, &title);
            front.extend(w.contents());
        }
    }
    if !whole.is_empty() {
        let cs: Vec<docx_rs::Comment> = whole.iter().map(|r| comment(r)).collect();
        // The cover's title (the first paragraph with text), else the
        // body's first paragraph.
        match front.iter().position(|p| p.raw_text().trim() != "") {
            Some(i) => {
                let p = std::mem::take(&mut front[i]);
                front[i] = with_comments(p, cs);
            }
            None => {
                attach(&mut w.body, 0, cs);
            }
        }
    }
    let front_sections = front
        .iter()
        .filter(|p| p.property.section_property.is_some())
        .count();
    for p in front {
        docx = docx.add_paragraph(p);
    }
    for item in std::mem::take(&mut w.body) {
        docx = match item {
            Item::P(p) => docx.add_paragraph(*p),
            Item::T(t) => docx.add_table(*t),
        };
    }
    if layout != WordLayout::Sheet {
        docx = docx
            .page_num_type(PageNumType::new().start(1))
            .footer(page_footer(true))
            .even_footer(page_footer(false));
    }
    docx = docx.custom_property("shenbao-source", doc.src.rel.as_str());
    let bytes = package(docx, fonts, front_sections)?;
    Ok(Exported {
        bytes,
        headings: w.headings.len(),
        tables: w.tables,
        images: w.figures,
        problems: w.problems,
        revisions: marked,
    })
}

/// The parts of a built document made canonical (schema order), its
/// theme added, zipped: the bytes of the .docx.
fn package(docx: Docx, fonts: &WordFonts, front: usize) -> Result<Vec<u8>, String> {
    let mut xml = docx.build();
    xml.document = odd_page_sections(&repeat_header_rows(&xml.document), front);
    number_images_from_one(&mut xml);
    for part in [
        &mut xml.document,
        &mut xml.styles,
        &mut xml.numberings,
        &mut xml.settings,
        &mut xml.footnotes,
        &mut xml.comments,
    ]
    .into_iter()
    .chain(xml.headers.iter_mut())
    .chain(xml.footers.iter_mut())
    {
        *part = schema::canonical(part);
    }
    schema::declare_theme(&mut xml.content_type, &mut xml.document_rels);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| format!("无法写出 .docx：{e}"))?;
    // The theme part docx-rs has no place for.
    out.set_position(0);
    let mut zip = zip::ZipWriter::new_append(out).map_err(|e| format!("无法写出 .docx：{e}"))?;
    zip.start_file(
        schema::THEME_PART,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default()),
    )
    .and_then(|()| {
        std::io::Write::write_all(&mut zip, &schema::theme(&fonts.hei, &fonts.fang))
            .map_err(zip::result::ZipError::Io)
    })
    .map_err(|e| format!("无法写出 .docx：{e}"))?;
    let out = zip.finish().map_err(|e| format!("无法写出 .docx：{e}"))?;
    Ok(out.into_inner())
}

/// docx-rs numbers images (`rIdImage7`, `media/rIdImage7.png`) from one
/// counter for the whole process, so a document's file would depend on
/// what else was built in the same run. Renumber them 1, 2, 3 … in the
/// order they first appear, in every part that names them, so the same
/// document always gives the same bytes.
fn number_images_from_one(xml: &mut docx_rs::XMLDocx) {
    const ID: &str = "rIdImage";
    let mut map: std::collections::HashMap<String, String> = Default::default();
    let mut order: Vec<String> = Vec::new();
    let parts = std::iter::once(&xml.document)
        .chain(xml.headers.iter())
        .chain(xml.footers.iter())
        .chain(std::iter::once(&xml.document_rels));
    for part in parts {
        let Ok(text) = std::str::from_utf8(part) else {
            continue;
        };
        let mut rest = text;
        while let Some(at) = rest.find(ID) {
            let tail = &rest[at + ID.len()..];
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            let id = &rest[at..at + ID.len() + digits];
            if digits > 0 && !map.contains_key(id) {
                order.push(id.to_string());
                map.insert(id.to_string(), String::new());
            }
            rest = &tail[digits..];
        }
    }
    for (i, id) in order.iter().enumerate() {
        map.insert(id.clone(), format!("{ID}{}", i + 1));
    }
    if map.iter().all(|(k, v)| k == v) {
        return;
    }
    let rename = |bytes: &[u8]| -> Vec<u8> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return bytes.to_vec();
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(ID) {
            out.push_str(&rest[..at]);
            let tail = &rest[at + ID.len()..];
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            let id = &rest[at..at + ID.len() + digits];
            out.push_str(map.get(id).map_or(id, String::as_str));
            rest = &tail[digits..];
        }
        out.push_str(rest);
        out.into_bytes()
    };
    xml.document = rename(&xml.document);
    xml.document_rels = rename(&xml.document_rels);
    for p in xml.headers.iter_mut().chain(xml.footers.iter_mut()) {
        *p = rename(p);
    }
    for p in xml.header_rels.iter_mut().chain(xml.footer_rels.iter_mut()) {
        *p = rename(p);
    }
    for (name, _) in &mut xml.media {
        if let Some(new) = map.get(name.as_str()) {
            name.clone_from(new);
        }
    }
    xml.media.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Mark the first row of every table as a header row repeated on each
/// page (`w:tblHeader`), which docx-rs has no builder for. Tables here are
/// never nested, so the first `<w:tr>` after each `<w:tbl>` is its header.
pub fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(document) else {
        return document.to_vec();
    };
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut rest = xml;
    while let Some(t) = rest.find("<w:tbl>") {
        out.push_str(&rest[..t]);
        rest = &rest[t..];
        let Some(tr) = rest.find("<w:tr>").or_else(|| rest.find("<w:tr ")) else {
            break;
        };
        let tr_end = tr + rest[tr..].find('>').map_or(0, |i| i + 1);
        out.push_str(&rest[..tr_end]);
        rest = &rest[tr_end..];
        if let Some(inner) = rest.strip_prefix("<w:trPr>") {
            out.push_str("<w:trPr><w:tblHeader />");
            rest = inner;
        } else if let Some(inner) = rest.strip_prefix("<w:trPr />") {
            out.push_str("<w:trPr><w:tblHeader /></w:trPr>");
            rest = inner;
        } else {
            out.push_str("<w:trPr><w:tblHeader /></w:trPr>");
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

/// Every part after the cover starts on a right-hand page, as in the
/// bound PDF (`<w:type w:val="oddPage"/>`, which docx-rs cannot set): a
/// section's type sits in the `sectPr` that ends it, before `w:pgSz`.
///
/// `front` sections (cover, contents) have no page numbers. The body and
/// each attachment after it are sections of their own (an attachment
/// starts on a right-hand page, GB/T 9704 §8): docx-rs writes the footers
/// and the page-number start only on the document's last section, so the
/// body's section gets the footers and the start at 1, and the sections
/// after it the footers, numbering on.
pub fn odd_page_sections(document: &[u8], front: usize) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(document) else {
        return document.to_vec();
    };
    let parts: Vec<&str> = xml.split("<w:sectPr>").collect();
    let sections = parts.len() - 1;
    let last = parts.last().copied().unwrap_or("");
    let last_props = &last[..last.find("</w:sectPr>").unwrap_or(0)];
    let elements = |name: &str| -> Vec<&str> {
        let open = format!("<w:{name} ");
        let mut found = Vec::new();
        let mut rest = last_props;
        while let Some(i) = rest.find(&open) {
            let Some(end) = rest[i..].find("/>") else {
                break;
            };
            found.push(&rest[i..i + end + 2]);
            rest = &rest[i + end + 2..];
        }
        found
    };
    let footers = elements("footerReference");
    let start = elements("pgNumType");
    // Sections after the front and before the last: the body, then the
    // attachments but the last one.
    let split_body = sections > front + 1;
    let mut out = String::with_capacity(xml.len() + 256);
    for (i, part) in parts.iter().enumerate() {
        let mut part: std::borrow::Cow<'_, str> = (*part).into();
        if i > 0 {
            out.push_str("<w:sectPr>");
            if split_body && i > front && i < sections {
                for f in &footers {
                    out.push_str(f);
                }
                if i == front + 1 {
                    for s in &start {
                        out.push_str(s);
                    }
                }
            }
            if split_body && i == sections {
                // Numbering goes on from the body into the attachments.
                for s in &start {
                    part = part.replacen(s, "", 1).into();
                }
            }
            // The first section (the cover) starts the document.
            if i > 1 && part.starts_with("<w:pgSz") {
                out.push_str("<w:type w:val=\"oddPage\" />");
            }
        }
        out.push_str(&part);
    }
    out.into_bytes()
}

pub(crate) enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
}

pub struct Writer<'a> {
    root: &'a Path,
    doc_dir: PathBuf,
    fonts: &'a WordFonts,
    pub(crate) body: Vec<Item>,
    footnotes: std::collections::HashMap<String, Vec<Inline>>,
    counters: [u32; 4],
    pub(crate) tables: usize,
    figures: usize,
    /// Figures numbered in order (not those with the author's 图2-1).
    counted_figures: usize,
    problems: Vec<String>,
    /// (level, numbered text) for the contents list.
    pub(crate) headings: Vec<(usize, String)>,
}

impl Writer<'_> {
    pub(crate) fn para(&mut self, p: Paragraph) {
        self.body.push(Item::P(Box::new(p)));
    }

    fn runs(&self, inlines: &[Inline], depth: usize) -> Vec<RunOrLink> {
        let mut out = Vec::new();
        for i in inlines {
            match i {
                Inline::Text {
                    text,
                    bold,
                    italic,
                    strike,
                    code,
                    link,
                } => {
                    let text = text.replace('\u{2212}', "\u{FF0D}");
                    let mut r = Run::new().add_text(text);
                    if *bold {
                        r = r.bold();
                    }
                    if *italic {
                        // Chinese has no italics: 楷体 stands for emphasis.
                        r = r.fonts(fonts(&self.fonts.kai));
                    }
                    if *strike {
                        r = r.strike();
                    }
                    if *code {
                        r = r.fonts(
                            RunFonts::new()
                                .ascii(&self.fonts.mono)
                                .hi_ansi(&self.fonts.mono),
                        );
                    }
                    match link {
                        Some(url) => out.push(RunOrLink::Link(url.clone(), r.underline("single"))),
                        None => out.push(RunOrLink::Run(r)),
                    }
                }
                Inline::Break => out.push(RunOrLink::Run(
                    Run::new().add_break(BreakType::TextWrapping),
                )),
                Inline::FootnoteRef(label) => {
                    let note_text = match self.footnotes.get(label) {
                        Some(def) if depth < 2 => def.clone(),
                        _ => vec![Inline::Text {
                            text: format!("［脚注 {label} 未定义］"),
                            bold: false,
                            italic: false,
                            strike: false,
                            code: false,
                            link: None,
                        }],
                    };
                    let mut note_p = Paragraph::new().style("FootnoteText");
                    for r in self.runs(&note_text, depth + 1) {
                        note_p = r.add_to(note_p);
                    }
                    let mut note = Footnote::new();
                    note = note.add_content(note_p);
                    out.push(RunOrLink::Run(Run::new().add_footnote_reference(note)));
                }
            }
        }
        out
    }

    fn paragraph(&self, style: &str, inlines: &[Inline]) -> Paragraph {
        let mut p = Paragraph::new().style(style);
        for r in self.runs(inlines, 0) {
            p = r.add_to(p);
        }
        p
    }

    fn number(&mut self, level: usize) -> String {
        let i = level.clamp(1, 4) - 1;
        self.counters[i] += 1;
        for c in self.counters.iter_mut().skip(i + 1) {
            *c = 0;
        }
        let n = self.counters[i];
        NumberStyle::for_level(level)
            .map(|s| s.format(n))
            .unwrap_or_default()
    }

    fn block(&mut self, b: Block) {
        match b {
            Block::Heading {
                level,
                title,
                numbered,
            } => {
                let number = if numbered && level <= 4 {
                    self.number(level)
                } else {
                    String::new()
                };
                let text = format!("{number}{title}");
                self.headings.push((level, text.clone()));
                let style = format!("Heading{}", level.clamp(1, 4));
                self.para(
                    Paragraph::new()
                        .style(&style)
                        .keep_next(true)
                        .add_run(Run::new().add_text(text)),
                );
            }
            // A note right under a table (注：…) is the table's, as in the
            // PDF: table text in 五号, no indent.
            Block::Para(inl)
                if matches!(self.body.last(), Some(Item::T(_)))
                    && crate::render::pdf::convert::is_table_note(&model::plain(&inl)) =>
            {
                let p = self.paragraph("TableTextWide", &inl).indent(
                    None,
                    Some(SpecialIndentType::FirstLine(0)),
                    None,
                    None,
                );
                self.para(p);
            }
            Block::Para(inl) => {
                let mut p = self.paragraph("BodyText", &inl);
                // As in print: a short numbered line that heads its text
                // (（1）前处理与染色工序) stays with it.
                if crate::render::pdf::convert::heads_what_follows(&model::plain(&inl)) {
                    p = p.keep_next(true);
                }
                self.para(p);
            }
            Block::Item {
                depth,
                marker,
                inlines,
            } => {
                let mut p = Paragraph::new().style("BodyText");
                // Numbered items (1. （1） ①) are ordinary paragraphs, as in
                // the PDF: first line indented two characters, the lines
                // after it at the margin; bullets indent by their depth.
                let bullet = marker.as_deref().is_some_and(|m| m == "•");
                if let Some(m) = marker {
                    p = p.add_run(Run::new().add_text(m));
                }
                for r in self.runs(&inlines, 0) {
                    p = r.add_to(p);
                }
                let extra = if bullet {
                    (depth.saturating_sub(1) * 640) as i32
                } else {
                    0
                };
                p = p.indent(
                    Some(extra),
                    Some(SpecialIndentType::FirstLine(640)),
                    None,
                    None,
                );
                self.para(p);
            }
            Block::Quote(inl) => {
                let p = self
                    .paragraph("Quote", &inl)
                    .indent(Some(640), None, None, None);
                self.para(p);
            }
            Block::Code(code) => {
                for line in code.lines() {
                    self.para(
                        Paragraph::new()
                            .style("Code")
                            .add_run(Run::new().add_text(line.to_string())),
                    );
                }
            }
            Block::Rule => self.para(
                Paragraph::new()
                    .style("BodyText")
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("* * *")),
            ),
            Block::Image { dest, alt } => self.image(&dest, &alt),
            Block::Table {
                caption,
                aligns,
                header,
                rows,
            } => {
                self.tables += 1;
                let (number, title) = match caption {
                    Some((n, t)) => (n.unwrap_or_else(|| self.tables.to_string()), Some(t)),
                    None => (self.tables.to_string(), None),
                };
                if let Some(t) = title {
                    self.para(
                        Paragraph::new()
                            .style("Caption")
                            .keep_next(true)
                            .add_run(Run::new().add_text(format!("表{number}　{t}"))),
                    );
                }
                let header: Vec<Vec<RunOrLink>> = header.iter().map(|c| self.runs(c, 0)).collect();
                let plain_rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| plain(c)).collect())
                    .collect();
                let head_plain: Vec<String> = rows_plain_header(&header);
                let rows: Vec<Vec<Vec<RunOrLink>>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| self.runs(c, 0)).collect())
                    .collect();
                let t = table(&aligns, header, head_plain, rows, &plain_rows);
                self.body.push(Item::T(Box::new(t)));
            }
        }
    }

    /// An image of the project as a figure with its caption below.
    fn image(&mut self, dest: &str, alt: &str) {
        match self.load_image(dest) {
            Ok(pic) => {
                // As in print: a number by chapter (图2-1) is the author's,
                // and only the others are counted.
                let (own, caption) = crate::text::split_figure_number(alt);
                self.figures += 1;
                if own.is_none() {
                    self.counted_figures += 1;
                }
                self.para(
                    Paragraph::new()
                        .style("BodyText")
                        .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
                        .align(AlignmentType::Center)
                        .snap_to_grid(false)
                        .line_spacing(single_lines())
                        .keep_next(!alt.trim().is_empty())
                        .add_run(Run::new().add_image(pic)),
                );
                if !alt.trim().is_empty() {
                    let label = crate::text::figure_label(own, self.counted_figures);
                    self.para(
                        Paragraph::new()
                            .style("Caption")
                            .add_run(Run::new().add_text(format!("{label}　{caption}"))),
                    );
                }
            }
            Err(why) => {
                self.problems.push(format!(
                    "图片 {dest} 没有放入 Word 文件（{why}），该处印出了一行说明"
                ));
                self.para(
                    Paragraph::new()
                        .style("BodyText")
                        .add_run(Run::new().add_text(format!("［图片无法使用：{dest}（{why}）］"))),
                )
            }
        }
    }

    fn load_image(&self, dest: &str) -> Result<Pic, String> {
        if dest.trim().is_empty() || is_remote(dest) {
            return Err("网络图片不会被下载".into());
        }
        let path = resolve(self.root, &self.doc_dir, dest)
            .map_err(|_| "文件不存在或在项目之外".to_string())?;
        let svg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        if svg {
            return Err(
                "Word 文件中不能放 SVG 矢量图；另存为 PNG 后引用，PDF 和 Word 文件中就都有这张图"
                    .into(),
            );
        }
        picture(&path, TEXT_W as u32 * 4 / 5, FIGURE_H)
    }

    fn form(&mut self, f: &crate::document::voluntary::FormMeta, kind: DocKind) {
        self.para(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(kind.name_zh())),
        );
        self.para(Paragraph::new().style("TableText"));
        let widths = [2211usize, 2211, 2211, 2211];
        let cell = |text: &str, span: usize, bold: bool| {
            let w: usize = widths.iter().take(span).sum();
            let mut r = Run::new().add_text(text.to_string());
            if bold {
                r = r.bold();
            }
            let mut c = TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(Paragraph::new().style("TableText").add_run(r));
            if span > 1 {
                c = c.grid_span(span);
            }
            c
        };
        let mut rows = Vec::new();
        for row in form_rows(f) {
            let cells = match row {
                FormRow::Wide { label, value } => {
                    vec![cell(label, 1, true), cell(&value, 3, false)]
                }
                FormRow::Pair {
                    label,
                    value,
                    label2,
                    value2,
                } => vec![
                    cell(label, 1, true),
                    cell(&value, 1, false),
                    cell(label2, 1, true),
                    cell(&value2, 1, false),
                ],
                FormRow::YesNo { label, answer } => {
                    let yes = if answer == Some(true) { "☑" } else { "□" };
                    let no = if answer == Some(false) { "☑" } else { "□" };
                    vec![
                        cell(label, 3, true),
                        cell(&format!("{yes}是　{no}否"), 1, false),
                    ]
                }
            };
            rows.push(TableRow::new(cells).cant_split());
        }
        self.tables += 1;
        let t = Table::new(rows)
            .set_grid(widths.to_vec())
            .width(TEXT_W, WidthType::Dxa)
            .layout(TableLayoutType::Fixed);
        self.body.push(Item::T(Box::new(t)));
        let s = |v: &Option<crate::document::fields::Spanned<String>>| {
            v.as_ref().map_or_else(String::new, |x| x.value.clone())
        };
        let date = f
            .filled_on
            .as_ref()
            .map(|d| date_zh(&d.value))
            .unwrap_or_default();
        self.para(Paragraph::new().style("TableText"));
        self.para(
            Paragraph::new()
                .style("BodyText")
                .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
                .add_run(Run::new().add_text(format!(
                    "填表人：{}　　　　填表日期：{date}",
                    s(&f.filled_by)
                ))),
        );
    }

    fn summary_table(&mut self, t: &crate::views::SummaryTable, number: &str) {
        let level = 1;
        self.headings
            .push((level, format!("{number}　{}", t.title)));
        self.para(
            Paragraph::new()
                .style("Heading1")
                .page_break_before(true)
                .keep_next(true)
                .add_run(Run::new().add_text(format!("{number}　{}", t.title))),
        );
        let aligns: Vec<Alignment> = (0..t.header.len())
            .map(|i| {
                if t.numeric.contains(&i) {
                    Alignment::Right
                } else {
                    Alignment::None
                }
            })
            .collect();
        let txt = |s: &str, bold: bool| {
            let mut r = Run::new().add_text(s.to_string());
            if bold {
                r = r.bold();
            }
            vec![RunOrLink::Run(r)]
        };
        let header: Vec<Vec<RunOrLink>> = t.header.iter().map(|h| txt(h, true)).collect();
        let first_total = t.rows.len().saturating_sub(t.totals);
        let rows: Vec<Vec<Vec<RunOrLink>>> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| r.iter().map(|c| txt(c, i >= first_total)).collect())
            .collect();
        self.tables += 1;
        let table_ = table(&aligns, header, t.header.clone(), rows, &t.rows);
        self.body.push(Item::T(Box::new(table_)));
    }

    /// Attachments: images are set on their own page; a PDF cannot go
    /// inside a .docx, so its place says where it is.
    fn attachments(&mut self, list: &[crate::views::AttachmentView]) {
        for (i, a) in list.iter().enumerate() {
            // GB/T 9704 §8, as in the PDF: the label at the top left (a
            // level-1 heading, for the navigation pane), the title centred
            // on the next line; the contents lists both.
            let label = crate::views::attachment_label(i, list.len());
            self.headings.push((1, format!("{label}　{}", a.title)));
            // The part before ends here: the attachment is a section of
            // its own, starting on a right-hand page (see
            // `odd_page_sections`), numbered on.
            self.para(
                Paragraph::new()
                    .style("BodyText")
                    .section_property(section_end()),
            );
            self.para(
                Paragraph::new()
                    .style("Heading1")
                    .keep_next(true)
                    .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                    .add_run(Run::new().add_text(label)),
            );
            // GB/T 9704 §8: the title on the block's third line.
            self.para(Paragraph::new().style("BodyText").keep_next(true));
            self.para(
                Paragraph::new()
                    .style("Title")
                    .keep_next(true)
                    .add_run(Run::new().add_text(a.title.clone())),
            );
            let file = a.file.as_str();
            let is_image = [".png", ".jpg", ".jpeg"]
                .iter()
                .any(|e| file.to_ascii_lowercase().ends_with(e));
            let pic = if is_image {
                resolve(self.root, self.root, file)
                    .ok()
                    // Under the label, a blank line and a title of up to
                    // two lines, with a line to spare: the letter stays
                    // on the page of its title.
                    .and_then(|p| picture(&p, TEXT_W as u32, TEXT_H - 9 * LINE_PITCH as u32).ok())
            } else {
                None
            };
            match pic {
                Some(pic) => {
                    self.figures += 1;
                    self.para(
                        Paragraph::new()
                            .style("BodyText")
                            .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
                            .align(AlignmentType::Center)
                            .snap_to_grid(false)
                            .line_spacing(single_lines())
                            .add_run(Run::new().add_image(pic)),
                    );
                }
                None => self.para(Paragraph::new().style("BodyText").add_run(Run::new().add_text(
                    format!(
                        "（本附件为 {file}，PDF 等文件不能放入 Word 文档：打印后装订在此处，PDF 版本中已装订。）"
                    ),
                ))),
            }
        }
    }

    fn cover(
        &self,
        doc: &Document,
        call: &crate::call::Call,
        kind: DocKind,
        title: &str,
    ) -> Vec<Paragraph> {
        let cover = crate::views::cover(doc, call);
        let (label, applicant, version, date, compiled_by, signatures) = match cover {
            Some(c) => (
                c.applicant_label,
                c.applicant,
                c.version,
                c.date,
                c.compiled_by,
                c.signatures,
            ),
            None => (kind.label("enterprise"), None, None, None, None, Vec::new()),
        };
        let mut out = empty_lines(4);
        out.push(title_paragraph(title, kind));
        out.extend(empty_lines(1));
        let sub = version.map(|v| format!("（{v}）")).unwrap_or_default();
        if !sub.is_empty() {
            out.push(
                Paragraph::new()
                    .style("BodyText")
                    .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(sub).fonts(fonts(&self.fonts.hei))),
            );
        }
        out.extend(empty_lines(8));
        for line in [
            applicant.map(|a| format!("{label}：{a}")),
            compiled_by.map(|c| format!("{}：{}", c.label, c.value)),
            // The date alone, as the PDF's cover prints it.
            date,
        ]
        .into_iter()
        .flatten()
        {
            out.push(
                Paragraph::new()
                    .style("BodyText")
                    .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(line)),
            );
        }
        // A report's signatures on the back of the cover, as in print.
        if !signatures.is_empty() {
            out.push(
                Paragraph::new()
                    .style("BodyText")
                    .add_run(Run::new().add_break(BreakType::Page)),
            );
            out.extend(empty_lines(4));
            // One person a line, aligned after the label, as in print: a
            // line never wraps inside a name.
            for f in signatures {
                let label = format!("{}：", f.label);
                let hang = (label.chars().count() * 320) as i32;
                let mut p = Paragraph::new()
                    .style("BodyText")
                    .indent(
                        Some(hang),
                        Some(SpecialIndentType::Hanging(hang)),
                        None,
                        None,
                    )
                    .add_run(Run::new().add_text(label).fonts(fonts(&self.fonts.hei)));
                for (i, person) in f.people.iter().enumerate() {
                    let mut r = Run::new();
                    if i > 0 {
                        r = r.add_break(BreakType::TextWrapping);
                    }
                    p = p.add_run(r.add_text(person));
                }
                out.push(p);
            }
        }
        // The cover is a section of its own, without page numbers.
        let last = Paragraph::new()
            .style("BodyText")
            .section_property(section_end());
        out.push(last);
        out
    }

    /// 目录: a TOC field over headings 1–2, filled with the headings as
    /// they will read (Word and WPS add the page numbers on update).
    fn contents(&self) -> Vec<Paragraph> {
        let mut out = vec![
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text("目　录")),
        ];
        out.extend(empty_lines(1));
        let entries: Vec<&(usize, String)> =
            self.headings.iter().filter(|(l, _)| *l <= 2).collect();
        let n = entries.len();
        for (i, (level, text)) in entries.into_iter().enumerate() {
            let mut p = Paragraph::new().style(if *level == 1 { "TOC1" } else { "TOC2" });
            if i == 0 {
                p = p
                    .add_run(Run::new().add_field_char(FieldCharType::Begin, true))
                    .add_run(Run::new().add_instr_text(InstrText::TOC(
                        InstrToC::new().heading_styles_range(1, 2).hyperlink(),
                    )))
                    .add_run(Run::new().add_field_char(FieldCharType::Separate, false));
            }
            p = p.add_run(Run::new().add_text(text.clone()));
            if i + 1 == n {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            out.push(p);
        }
        out.push(
            Paragraph::new()
                .style("BodyText")
                .section_property(section_end()),
        );
        out
    }
}

fn rows_plain_header(header: &[Vec<RunOrLink>]) -> Vec<String> {
    header
        .iter()
        .map(|c| c.iter().map(RunOrLink::text).collect())
        .collect()
}

/// A run, or a run inside an external hyperlink.
pub(crate) enum RunOrLink {
    Run(Run),
    Link(String, Run),
}

impl RunOrLink {
    fn add_to(self, p: Paragraph) -> Paragraph {
        match self {
            RunOrLink::Run(r) => p.add_run(r),
            RunOrLink::Link(url, r) => {
                p.add_hyperlink(Hyperlink::new(url, HyperlinkType::External).add_run(r))
            }
        }
    }

    fn text(&self) -> String {
        let r = match self {
            RunOrLink::Run(r) | RunOrLink::Link(_, r) => r,
        };
        r.children
            .iter()
            .filter_map(|c| match c {
                docx_rs::RunChild::Text(t) => Some(t.text.clone()),
                _ => None,
            })
            .collect()
    }
}

/// A cell holds a number (sign, separators, decimals, percent, range).
fn is_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '%' | '~' | '−' | '％')
        })
}

/// The title with the kind it is (…创新试点实施方案), as the PDF prints it
/// on the cover and over the body: 二号 小标宋, broken between words and
/// balanced; 二号 on the 156 mm block holds 20 characters, 19 leave room
/// for the user's 小标宋 metrics.
fn title_paragraph(title: &str, kind: DocKind) -> Paragraph {
    let full = crate::views::full_title(title, kind.name_zh());
    let mut t = Paragraph::new().style("Title");
    for (i, line) in crate::render::pdf::layout::title_lines(&full, 19.0)
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            t = t.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        t = t.add_run(Run::new().add_text(line));
    }
    t
}

/// A Markdown table's text size (half-points) and column widths (twips)
/// in Word: the PDF's own choice (小四, or 五号 for wide tables, headers
/// wrapped rather than the table turned, which Word cannot do) and its
/// widths (`convert::fit_table`), scaled to the text block.
pub fn table_fit(header: &[String], rows: &[Vec<String>]) -> (usize, Vec<usize>) {
    let cols = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let body: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let fit = crate::render::pdf::convert::fit_table(&head, &body, cols, false);
    let half_points = (fit.size * 2.0).round() as usize;
    (
        half_points,
        widths_twips(fit.widths, &fit.natural, fit.size),
    )
}

/// Widths in points (or natural widths in ems, when they fit) as twips
/// that add up to the text width.
fn widths_twips(pts: Option<Vec<f32>>, natural: &[f32], size_pt: f32) -> Vec<usize> {
    let total = TEXT_W as f32 / 20.0;
    let pts = pts.unwrap_or_else(|| {
        // Everything fits: natural widths, stretched to the text width.
        let nat: Vec<f32> = natural.iter().map(|n| n * size_pt + 10.0).collect();
        let sum: f32 = nat.iter().sum::<f32>().max(1.0);
        nat.iter().map(|w| w * total / sum).collect()
    });
    // Word has no overflow into the margin: widths that add up to more
    // than the text width are scaled down to it.
    let sum: f32 = pts.iter().sum::<f32>().max(1.0);
    let scale = (total / sum).min(1.0);
    let mut out: Vec<usize> = pts
        .iter()
        .map(|w| (w * scale * 20.0).max(300.0) as usize)
        .collect();
    let sum: usize = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last = (*last + TEXT_W).saturating_sub(sum).max(300);
    }
    out
}

pub(crate) fn table(
    aligns: &[Alignment],
    header: Vec<Vec<RunOrLink>>,
    head_plain: Vec<String>,
    rows: Vec<Vec<Vec<RunOrLink>>>,
    plain_rows: &[Vec<String>],
) -> Table {
    let cols = head_plain.len().max(1);
    let (size, widths) = table_fit(&head_plain, plain_rows);
    let table_style = if size <= SIZE_TABLE_WIDE {
        "TableTextWide"
    } else {
        "TableText"
    };
    let numeric: Vec<bool> = (0..cols)
        .map(|i| {
            let cells: Vec<&String> = plain_rows.iter().filter_map(|r| r.get(i)).collect();
            !cells.is_empty() && cells.iter().all(|c| is_numeric(c) || c.trim() == "-")
        })
        .collect();
    let align_of = |i: usize, head: bool| -> AlignmentType {
        if head {
            return AlignmentType::Center;
        }
        match aligns.get(i) {
            // 序号 centred, as in the PDF.
            _ if head_plain
                .get(i)
                .is_some_and(|h| crate::render::pdf::convert::is_sequence_header(h)) =>
            {
                AlignmentType::Center
            }
            Some(Alignment::Right) => AlignmentType::Right,
            Some(Alignment::Center) => AlignmentType::Center,
            Some(Alignment::Left) => AlignmentType::Left,
            _ if numeric.get(i).copied().unwrap_or(false) => AlignmentType::Right,
            _ => AlignmentType::Left,
        }
    };
    let make_row = |cells: Vec<Vec<RunOrLink>>, head: bool| -> TableRow {
        let mut out = Vec::new();
        let n = cells.len();
        for (i, runs) in cells.into_iter().enumerate().take(cols) {
            // A total's label (合计, 小计) centred, as in the PDF.
            let label = !head
                && crate::render::pdf::convert::is_total_label(
                    &runs.iter().map(RunOrLink::text).collect::<String>(),
                );
            let align = if label {
                AlignmentType::Center
            } else {
                align_of(i, head)
            };
            let mut p = Paragraph::new().style(table_style).align(align);
            for r in runs {
                let r = match r {
                    RunOrLink::Run(r) if head => RunOrLink::Run(r.bold()),
                    other => other,
                };
                p = r.add_to(p);
            }
            out.push(
                TableCell::new()
                    .width(widths.get(i).copied().unwrap_or(600), WidthType::Dxa)
                    .add_paragraph(p),
            );
        }
        // A short row is padded so the grid stays whole.
        for i in n..cols {
            out.push(
                TableCell::new()
                    .width(widths.get(i).copied().unwrap_or(600), WidthType::Dxa)
                    .add_paragraph(Paragraph::new().style(table_style)),
            );
        }
        TableRow::new(out).cant_split()
    };
    let mut all = vec![make_row(header, true)];
    for r in rows {
        all.push(make_row(r, false));
    }
    Table::new(all)
        .set_grid(widths)
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(docx_rs::TableAlignmentType::Center)
}

/// A PNG or JPEG from disk as an inline picture at most `max_w` twips
/// wide and `max_h` tall ([`FIGURE_H`] for a figure). JPEG is re-encoded
/// as PNG: docx-rs names every picture part .png.
fn picture(path: &Path, max_w: u32, max_h: u32) -> Result<Pic, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_IMAGE_BYTES {
        return Err("图片超过 32 MB".into());
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let reader = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let format = reader.format();
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| "无法识别的图片".to_string())?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > 100_000_000 {
        return Err("图片尺寸无效".into());
    }
    let png = if format == Some(image::ImageFormat::Png) {
        bytes
    } else {
        let img = image::load_from_memory(&bytes).map_err(|_| "无法解码图片".to_string())?;
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
        out.into_inner()
    };
    // Twips → EMU: 635 per twip. Natural size at 96 dpi (15 twips a pixel).
    let nat_w = w.saturating_mul(15);
    let mut tw = nat_w.min(max_w);
    let mut th = (u64::from(tw) * u64::from(h) / u64::from(w)) as u32;
    if th > max_h {
        tw = (u64::from(tw) * u64::from(max_h) / u64::from(th)) as u32;
        th = max_h;
    }
    Ok(Pic::new_with_dimensions(png, w, h).size(tw * 635, th * 635))
}

/// `content/plans/甲.md` → `<out>/docx/plans/甲.docx`.
pub fn docx_path(out_dir: &Path, doc_rel: &str) -> PathBuf {
    let rel = doc_rel.strip_prefix("content/").unwrap_or(doc_rel);
    let mut p = out_dir.join("docx").join(rel);
    p.set_extension("docx");
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_repeat() {
        let xml = b"<w:tbl><w:tblPr/><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc/></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:tbl><w:tr><w:tc/></w:tr></w:tbl>";
        let out = String::from_utf8(repeat_header_rows(xml)).unwrap();
        assert_eq!(out.matches("<w:tblHeader />").count(), 2, "{out}");
        assert!(out.starts_with("<w:tbl><w:tblPr/><w:tr><w:trPr><w:tblHeader /><w:cantSplit />"));
    }

    #[test]
    fn columns_fill_the_text_width_and_favour_long_text() {
        let (size, w) = table_fit(
            &["序号".into(), "名称".into(), "说明".into()],
            &[vec![
                "1".into(),
                "甲".into(),
                "一段很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的说明".into(),
            ]],
        );
        assert_eq!(size, 24, "小四, as in the PDF");
        assert_eq!(w.iter().sum::<usize>(), TEXT_W);
        assert!(w[2] > w[0] * 3, "{w:?}");
        // Wide tables are 五号, as in the PDF, and never wider than the
        // text block.
        let head: Vec<String> = (0..9).map(|i| format!("指标{i}")).collect();
        let (size, w) = table_fit(&head, std::slice::from_ref(&head));
        assert_eq!(size, 21);
        assert_eq!(w.iter().sum::<usize>(), TEXT_W);
    }

    #[test]
    fn docx_path_mirrors_content() {
        assert_eq!(
            docx_path(Path::new("public"), "content/a/甲.md"),
            PathBuf::from("public/docx/a/甲.docx")
        );
    }
}
