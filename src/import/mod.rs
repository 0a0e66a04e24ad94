//! `shenbao import 文件.docx`: last year's Word document as the Markdown a
//! user would have written, ready for `check`.
//!
//! - headings from Word heading styles, or from numbered paragraphs
//!   (`一、` `（一）` `1.` `（1）` `第一章` `1.1` `1.1.1`, read by the same
//!   parser as `check`), or from a title the call's outline knows (the
//!   outline's tolerant matcher); the author's numbers are kept;
//! - paragraphs with bold and italic, lists, links (web and mail only),
//!   footnotes, tables as GFM tables (merged cells repeated, noted), a
//!   table GFM cannot hold as escaped HTML, images with their `图N`
//!   captions;
//! - front matter from the cover (title, applicant, date, version) and
//!   from the text (kind, category, province, city); what is not found
//!   is left empty so `check` lists it;
//! - a report, in Chinese, of what could not be carried over, each with
//!   its paragraph number and first words.

pub mod comments;
pub mod docx;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use roxmltree::Node;

use crate::call::Call;
use crate::config::Fatal;
use crate::document::DocKind;
use crate::text::{NumberStyle, normalize_title, split_heading_number};
use docx::{Package, Target, attr, child, is, rel_attr};

/// Something the import could not carry over, and where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    pub what: String,
    /// The order of the paragraph in the file (every paragraph, those of
    /// tables too), for sorting.
    pub paragraph: usize,
    /// Where a reader finds it in Word.
    pub place: Place,
    pub first_words: String,
    /// The first words of the paragraph before, for one without text of
    /// its own (a deleted paragraph, an empty frame): where to look.
    pub after: String,
}

/// Where a paragraph is, as a reader counts in Word: the paragraphs of
/// the body (a table's paragraphs are not counted), or a table and its
/// row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    /// 1-based paragraph of the body; for a table, the last paragraph
    /// before it.
    pub paragraph: usize,
    /// (1-based table, 1-based row) for a paragraph in a table.
    pub table: Option<(usize, usize)>,
}

impl Place {
    pub fn zh(&self) -> String {
        match self.table {
            Some((t, r)) => format!("第 {t} 个表格第 {r} 行"),
            None => format!("第 {} 段", self.paragraph.max(1)),
        }
    }
}

/// The result of converting a .docx (nothing written yet).
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    /// (file name under `content/images/NAME/`, bytes).
    pub images: Vec<(String, Vec<u8>)>,
    pub lost: Vec<Lost>,
    /// Further things lost, of kinds already listed many times.
    pub lost_unlisted: usize,
    /// Things carried over with a change (merged cells repeated, …).
    pub notes: Vec<String>,
    pub kind: Option<DocKind>,
    /// Front-matter fields found, and those left empty.
    pub found: Vec<(&'static str, String)>,
    pub missing: Vec<&'static str>,
    pub paragraphs: usize,
    pub headings: usize,
    pub tables: usize,
}

/// Refuse what is not a .docx with a message that says how to make one.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let save_as = "在 Word 中打开，选“文件 → 另存为”，保存类型选“Word 文档 (*.docx)”；在 WPS 中选“文件 → 另存为 → Word 文件 (*.docx)”。然后导入新的 .docx 文件";
    if bytes.starts_with(b"%PDF") || ext == "pdf" {
        return Err(Fatal::new(format!("{} 是 PDF 文件，无法导入", path.display())).with_help(
            "PDF 中没有段落和标题的结构。请找到它的 Word 原文件（.docx）；只有 PDF 时，可在 WPS 或 Word 中“打开 PDF → 另存为 .docx”，再导入并仔细核对",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || ext == "doc" || ext == "wps" {
        return Err(Fatal::new(format!(
            "{} 是旧版 Word/WPS 格式（.doc/.wps），无法直接导入",
            path.display()
        ))
        .with_help(save_as));
    }
    if !bytes.starts_with(b"PK") {
        return Err(
            Fatal::new(format!("{} 不是 Word 文档（.docx）", path.display())).with_help(save_as),
        );
    }
    Ok(())
}

/// The Word comments (批注) of `file`, for a response to the review.
pub fn read_comments(file: &Path) -> Result<Vec<comments::WordComment>, Fatal> {
    let shown = crate::paths::shown(&file.display().to_string());
    let bytes = crate::fsutil::read_regular(file, docx::MAX_FILE).map_err(|e| match e {
        crate::fsutil::ReadError::TooLarge(_) => Fatal::new(format!("{shown} 过大，不导入")),
        crate::fsutil::ReadError::NotRegular => Fatal::new(format!("{shown} 不是普通文件")),
        crate::fsutil::ReadError::Io(e) => Fatal::new(format!(
            "无法读取 {shown}：{}",
            crate::fsutil::io_message(&e)
        )),
    })?;
    sniff(file, &bytes)?;
    let found = comments::read(bytes).map_err(|e| Fatal::new(format!("{shown}：{e}")))?;
    if found.is_empty() {
        return Err(Fatal::new(format!("{shown} 中没有批注")).with_help(
            "专家意见要作为 Word 批注（审阅 → 新建批注）写在文件中；意见写在正文里的，请用 shenbao new response 新建修改说明后逐条填写",
        ));
    }
    Ok(found)
}

/// Import `file` into the project at `root` as `content/NAME.md` and
/// `content/images/NAME/…`, never over an existing file.
pub fn import(
    root: &Path,
    call: &Call,
    file: &Path,
    kind: Option<DocKind>,
    name: Option<&str>,
) -> Result<(PathBuf, Converted), Fatal> {
    // A regular file only (a FIFO would block, /dev/zero never ends), and
    // the size limit holds while reading, not only by the stat.
    let bytes = crate::fsutil::read_regular(file, docx::MAX_FILE).map_err(|e| match e {
        crate::fsutil::ReadError::TooLarge(n) => Fatal::new(format!(
            "{} 过大（{:.0} MB 以上），不导入",
            crate::paths::shown(&file.display().to_string()),
            n as f64 / 1_048_576.0
        ))
        .with_help("压缩文档中的图片（Word：文件 → 压缩图片）后再导入"),
        crate::fsutil::ReadError::NotRegular => Fatal::new(format!(
            "{} 不是普通文件（目录、管道或设备），无法导入",
            crate::paths::shown(&file.display().to_string())
        ))
        .with_help("导入 Word 保存的 .docx 文件"),
        e => Fatal::new(format!(
            "无法读取 {}：{e}",
            crate::paths::shown(&file.display().to_string())
        )),
    })?;
    sniff(file, &bytes)?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = clean_name(name.unwrap_or(&stem))?;
    let md_path = root
        .join(crate::project::CONTENT_DIR)
        .join(format!("{name}.md"));
    let img_dir = root
        .join(crate::project::CONTENT_DIR)
        .join("images")
        .join(&name);
    if md_path.exists() || md_path.symlink_metadata().is_ok() {
        return Err(
            Fatal::new(format!("{} 已存在，不会覆盖", md_path.display()))
                .with_help("用 --name 另取一个名称，或先把原文件改名"),
        );
    }
    if std::fs::read_dir(&img_dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Fatal::new(format!(
            "{} 已存在且不是空目录，不会覆盖",
            img_dir.display()
        ))
        .with_help("用 --name 另取一个名称"));
    }
    let converted = convert(bytes, &name, kind, call)
        .map_err(|e| Fatal::new(format!("无法导入 {}：{e}", file.display())))?;
    let fail = |p: &Path, e: std::io::Error| {
        Fatal::new(format!(
            "无法写入 {}：{}",
            p.display(),
            crate::fsutil::io_message(&e)
        ))
    };
    // Everything is written inside the project's own content/ folder:
    // never through a symbolic link (content/images -> /elsewhere).
    let root_real = root.canonicalize().map_err(|e| fail(root, e))?;
    let content = root_real.join(crate::project::CONTENT_DIR);
    crate::fsutil::create_dirs_within(&root_real, &content).map_err(|e| fail(&content, e))?;
    let md_path = content.join(format!("{name}.md"));
    let img_dir = content.join("images").join(&name);
    if !converted.images.is_empty() {
        // The images are written into a fresh hidden folder, which is
        // renamed into place whole: a killed import leaves no half set of
        // images to block a retry.
        let images = content.join("images");
        crate::fsutil::create_dirs_within(&content, &images).map_err(|e| fail(&images, e))?;
        crate::fsutil::remove_stale_temp_dirs(&images);
        let staging = crate::fsutil::temp_dir_in(&images).map_err(|e| fail(&images, e))?;
        for (fname, data) in &converted.images {
            let p = staging.path().join(fname);
            crate::fsutil::create_new_atomic(&p, data).map_err(|e| fail(&p, e))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755));
        }
        // An empty folder of that name (from an earlier attempt) is replaced;
        // one with files was refused above.
        let _ = std::fs::remove_dir(&img_dir);
        let staged = staging.keep();
        if let Err(e) = std::fs::rename(&staged, &img_dir) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(fail(&img_dir, e));
        }
    }
    if let Err(e) = crate::fsutil::create_new_atomic(&md_path, converted.markdown.as_bytes()) {
        // No half import: the images of a failed one would block a retry.
        if !converted.images.is_empty() {
            let _ = std::fs::remove_dir_all(&img_dir);
        }
        return Err(fail(&md_path, e));
    }
    Ok((md_path, converted))
}

fn clean_name(name: &str) -> Result<String, Fatal> {
    let n: String = name
        .trim()
        .trim_end_matches(".md")
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    // Safe on every system: no hidden name, no reserved one, no bidi.
    let n = crate::paths::file_name(&n);
    if n.is_empty() || n == "_" {
        return Err(Fatal::new(format!("“{name}”不能用作文件名"))
            .with_help("用 --name 指定名称，如 --name 伏牛经开区试点实施方案"));
    }
    Ok(n)
}

// ---------------------------------------------------------------------
// Reading the package.

#[derive(Debug, Clone, Default)]
struct StyleInfo {
    name: String,
    based_on: Option<String>,
    outline: Option<usize>,
    size: Option<f32>,
    /// The list the style numbers its paragraphs with (`标题 1` linked to
    /// `第%1章`): numId, and the level when the style says it.
    num: Option<(String, Option<u32>)>,
}

/// One level of a Word list: its number format (`decimal`,
/// `chineseCounting`, `bullet` …), its text (`%1、`, `（%1）`, `%1.%2`)
/// and where it starts.
#[derive(Debug, Clone, Default)]
struct NumLevel {
    fmt: String,
    text: String,
    start: u32,
    /// The paragraph style this level belongs to (`lvl/pStyle`).
    style: Option<String>,
    /// Legal numbering (`isLgl`): every level's number in Arabic digits
    /// (第%1章 above, 1.1 here).
    legal: bool,
}

/// `numbering.xml`: each list (numId) with its levels, the abstract list
/// whose counters it shares, and the levels it restarts.
#[derive(Debug, Default)]
struct Numbering {
    /// numId → (abstractNumId, ilvl → level)
    nums: HashMap<String, (String, HashMap<u32, NumLevel>)>,
}

struct Ctx {
    styles: HashMap<String, StyleInfo>,
    numbering: Numbering,
    rels: HashMap<String, Target>,
    footnotes: HashMap<String, String>,
}

impl Ctx {
    /// Heading level of a style (1-based), following `basedOn`.
    fn style_level(&self, id: &str) -> Option<usize> {
        let mut cur = Some(id.to_string());
        for _ in 0..10 {
            let s = self.styles.get(cur.as_deref()?)?;
            let name = s.name.to_lowercase();
            // The document's title (Word's 标题 style, named Title, which
            // zh-CN Word gives outline level 1) is the cover's title, not
            // a chapter.
            if is_title_style_name(&name) {
                return None;
            }
            for prefix in ["heading ", "标题 ", "标题"] {
                if let Some(n) = name.strip_prefix(prefix)
                    && let Ok(n) = n.trim().parse::<usize>()
                    && (1..=9).contains(&n)
                {
                    return Some(n);
                }
            }
            if let Some(o) = s.outline
                && o < 9
            {
                return Some(o + 1);
            }
            cur = s.based_on.clone();
        }
        None
    }

    /// The list a paragraph style numbers with, following `basedOn`: its
    /// numId and level (the style's own, or the level linked to it).
    fn style_num(&self, id: &str) -> Option<(String, u32)> {
        let mut cur = Some(id.to_string());
        for _ in 0..10 {
            let s = self.styles.get(cur.as_deref()?)?;
            if let Some((num, lvl)) = &s.num {
                let lvl = lvl.or_else(|| {
                    let (_, levels) = self.numbering.nums.get(num)?;
                    levels
                        .iter()
                        .find(|(_, l)| l.style.as_deref() == Some(id))
                        .map(|(i, _)| *i)
                });
                return Some((num.clone(), lvl.unwrap_or(0)));
            }
            cur = s.based_on.clone();
        }
        None
    }

    fn style_name(&self, id: &str) -> String {
        self.styles
            .get(id)
            .map(|s| s.name.to_lowercase())
            .unwrap_or_default()
    }

    fn style_size(&self, id: &str) -> Option<f32> {
        let mut cur = Some(id.to_string());
        for _ in 0..10 {
            let s = self.styles.get(cur.as_deref()?)?;
            if s.size.is_some() {
                return s.size;
            }
            cur = s.based_on.clone();
        }
        None
    }
}

/// A run of text with its emphasis, or a footnote or line break.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text {
        text: String,
        bold: bool,
        italic: bool,
    },
    Link {
        text: String,
        url: String,
    },
    Note(String),
    Break,
    Image(String),
}

#[derive(Debug, Default)]
struct Para {
    pieces: Vec<Piece>,
    style: String,
    heading: Option<usize>,
    list: Option<(u32, bool)>,
    /// The number Word's list numbering shows before it (`一、`).
    label: Option<String>,
    centered: bool,
    size: Option<f32>,
    toc: bool,
    /// In a code style (preformatted text): its lines go into a code block.
    code: bool,
    number: usize,
    place: Place,
}

impl Para {
    /// The text with line breaks kept (code).
    fn lines(&self) -> String {
        let mut s = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text { text, .. } | Piece::Link { text, .. } => s.push_str(text),
                Piece::Break => s.push('\n'),
                _ => {}
            }
        }
        s
    }

    /// The text of a heading: a line break inside it (资源能源消耗与⏎污染物
    /// 排放) is nothing between Chinese characters, a space elsewhere.
    fn heading_text(&self) -> String {
        let cjk = |c: Option<char>| {
            c.is_some_and(|c| {
                ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
            })
        };
        let mut s = String::new();
        for (i, p) in self.pieces.iter().enumerate() {
            match p {
                Piece::Text { text, .. } | Piece::Link { text, .. } => s.push_str(text),
                Piece::Break => {
                    let next = self.pieces[i + 1..].iter().find_map(|p| match p {
                        Piece::Text { text, .. } | Piece::Link { text, .. } => text.chars().next(),
                        _ => None,
                    });
                    if !(cjk(s.chars().last()) && cjk(next)) {
                        s.push(' ');
                    }
                }
                _ => {}
            }
        }
        s
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text { text, .. } | Piece::Link { text, .. } => s.push_str(text),
                Piece::Break => s.push(' '),
                _ => {}
            }
        }
        s
    }

    fn images(&self) -> Vec<&str> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Image(r) => Some(r.as_str()),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug)]
struct Cell {
    paras: Vec<Para>,
    span: usize,
    /// vMerge: Some(true) restart, Some(false) continue.
    vmerge: Option<bool>,
    nested: bool,
}

/// The images in a table's cells, each with its row (0-based) and its
/// caption: a `图N …` in the same cell, else in the cell below it (a
/// layout table: images in one row, captions in the next).
fn cell_figures(rows: &[Vec<Cell>]) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let images: Vec<&str> = cell.paras.iter().flat_map(Para::images).collect();
            if images.is_empty() {
                continue;
            }
            let own = cell.paras.iter().map(Para::text).collect::<String>();
            let below = rows
                .get(r + 1)
                .and_then(|next| next.get(c))
                .map(|cell| cell.paras.iter().map(Para::text).collect::<String>())
                .unwrap_or_default();
            let caption = figure_caption(&own)
                .or_else(|| figure_caption(&below))
                .unwrap_or_default();
            for rid in images {
                out.push((r, rid.to_string(), caption.clone()));
            }
        }
    }
    out
}

/// One row of a table nested in a cell as one paragraph of that cell.
fn joined_row(row: Vec<Cell>) -> Para {
    let mut line = Para::default();
    for cell in row {
        for p in cell.paras {
            if p.pieces.is_empty() {
                continue;
            }
            if !line.pieces.is_empty() {
                line.pieces.push(Piece::Text {
                    text: "　".into(),
                    bold: false,
                    italic: false,
                });
            }
            if line.number == 0 {
                line.number = p.number;
                line.place = p.place;
            }
            line.pieces.extend(p.pieces);
        }
    }
    line
}

#[derive(Debug)]
enum Item {
    P(Para),
    T {
        rows: Vec<Vec<Cell>>,
        number: usize,
        place: Place,
    },
}

/// How deep inline wrappers (links, smart tags, content controls) and
/// block wrappers may nest before the rest is reported and skipped: real
/// documents nest a few levels; a hostile one nests 50,000.
const MAX_NESTING: usize = 48;
/// Report lines kept of one kind (the rest are counted).
const MAX_LOST_PER_KIND: usize = 50;

struct Walker<'c> {
    ctx: &'c Ctx,
    lost: Vec<Lost>,
    /// (what, paragraph) already reported, and how many of each kind.
    lost_seen: std::collections::HashSet<(String, usize)>,
    lost_count: HashMap<String, usize>,
    /// Every paragraph read so far (those of tables too).
    paragraph: usize,
    /// The paragraphs of the body read so far, the tables, and the table
    /// and row being read.
    body_paragraphs: usize,
    tables: usize,
    in_table: Option<(usize, usize)>,
    items: Vec<Item>,
    skipped_toc: bool,
    /// The list counters Word keeps, by the list whose counters they are.
    counters: HashMap<String, [Option<u32>; 9]>,
    /// Paragraphs read from text boxes (a cover, a LibreOffice caption
    /// frame with its image and 图N caption), to follow the paragraph
    /// that anchors them.
    pending: Vec<Para>,
    /// Text boxes being read, one inside another.
    box_depth: usize,
    /// The first words of the last paragraph with text (see `Lost::after`).
    last_words: String,
}

/// The elements named `local` that `n` wraps in content controls, custom
/// XML and smart tags (at most [`MAX_NESTING`] deep), in order; never those
/// inside another such element (a cell's paragraph, a text box's).
fn wrapped<'a, 'i>(n: Node<'a, 'i>, local: &str) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Node<'a, 'i>, usize)> = vec![(n, 0)];
    while let Some((cur, depth)) = stack.pop() {
        // Children in reverse, so that they come off the stack in order.
        let kids: Vec<Node<'a, 'i>> = cur.children().filter(Node::is_element).collect();
        for k in kids.into_iter().rev() {
            if is(k, local) {
                out.push((k, depth));
            } else if depth < MAX_NESTING
                && matches!(
                    k.tag_name().name(),
                    "sdt" | "sdtContent" | "customXml" | "smartTag"
                )
            {
                stack.push((k, depth + 1));
            }
        }
    }
    // The stack visits depth-first; document order is by position.
    out.sort_by_key(|(k, _)| k.range().start);
    out.into_iter().map(|(k, _)| k).collect()
}

/// A row's cells, through the wrappers Word may put around them.
fn cells_of<'a, 'i>(tr: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    wrapped(tr, "tc")
}

fn first_words(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = t.chars().take(16).collect();
    if t.chars().count() > 16 {
        out.push('…');
    }
    out
}

fn on(n: Node<'_, '_>) -> bool {
    !attr(n, "val").is_some_and(|v| matches!(v, "0" | "false" | "off"))
}

impl Walker<'_> {
    fn lose(&mut self, what: &str, para: &Para) {
        // One entry per kind and paragraph, and at most
        // MAX_LOST_PER_KIND entries of one kind (the rest counted).
        if !self.lost_seen.insert((what.to_string(), para.number)) {
            return;
        }
        let n = self.lost_count.entry(what.to_string()).or_insert(0);
        *n += 1;
        if *n > MAX_LOST_PER_KIND {
            return;
        }
        self.lost.push(Lost {
            what: what.to_string(),
            paragraph: para.number,
            place: para.place,
            first_words: String::new(),
            after: self.last_words.clone(),
        });
    }

    /// A whole element not imported (a deleted paragraph, a table nested
    /// too deep): its paragraphs are counted, and it is reported at its
    /// first one with its first words.
    fn lose_whole(&mut self, n: Node<'_, '_>, what: &str) {
        let number = self.paragraph + 1;
        let place = self.place_next();
        let count = n.descendants().filter(|d| is(*d, "p")).count();
        self.paragraph += count;
        if self.in_table.is_none() {
            self.body_paragraphs += count;
        }
        let text: String = n
            .descendants()
            .filter(|d| is(*d, "delText") || is(*d, "t"))
            .filter_map(|d| d.text())
            .take(20)
            .collect();
        let before = self.lost.len();
        self.lose(
            what,
            &Para {
                number,
                place,
                ..Para::default()
            },
        );
        if let Some(l) = self.lost.get_mut(before) {
            l.first_words = first_words(&text);
        }
    }

    fn body(&mut self, body: Node<'_, '_>, depth: usize) {
        if depth > MAX_NESTING {
            let para = Para {
                number: self.paragraph + 1,
                place: self.place_next(),
                ..Para::default()
            };
            self.lose("嵌套过深的内容（未导入）", &para);
            return;
        }
        for n in body.children().filter(Node::is_element) {
            match n.tag_name().name() {
                "p" => {
                    let p = self.paragraph(n);
                    // An empty paragraph prints nothing: not kept (a
                    // file of millions of them costs no memory).
                    if !p.pieces.is_empty() {
                        self.items.push(Item::P(p));
                    }
                    for boxed in std::mem::take(&mut self.pending) {
                        if !boxed.pieces.is_empty() {
                            self.items.push(Item::P(boxed));
                        }
                    }
                }
                "tbl" => {
                    let t = self.table(n, 0);
                    self.items.push(t);
                }
                "sdt" => {
                    let gallery = n
                        .descendants()
                        .find(|d| is(*d, "docPartGallery"))
                        .and_then(|d| attr(d, "val"))
                        .unwrap_or("");
                    if gallery.contains("Table of Contents") {
                        self.skipped_toc = true;
                        let count = n.descendants().filter(|d| is(*d, "p")).count();
                        self.paragraph += count;
                        self.body_paragraphs += count;
                    } else if let Some(c) = child(n, "sdtContent") {
                        self.body(c, depth + 1);
                    }
                }
                "customXml" => self.body(n, depth + 1),
                "ins" | "moveTo" => {
                    // Whole paragraphs or tables inserted with tracking on.
                    let para = Para {
                        number: self.paragraph + 1,
                        place: self.place_next(),
                        ..Para::default()
                    };
                    self.lose("修订痕迹（插入的段落已保留为正文，请在 Word 中接受或拒绝修订后再导入以确认）", &para);
                    self.body(n, depth + 1);
                }
                "del" | "moveFrom" => {
                    // Whole paragraphs or tables deleted with tracking on.
                    self.lose_whole(n, "修订痕迹（删除的段落或表格未导入）");
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, tbl: Node<'_, '_>, depth: usize) -> Item {
        // The table is found at its first paragraph (never “第 0 段”).
        let number = self.paragraph + 1;
        // A table in a table is found in the row of the outer one.
        let outer = self.in_table;
        if outer.is_none() {
            self.tables += 1;
        }
        let table_no = outer.map_or(self.tables, |(t, _)| t);
        let mut rows = Vec::new();
        for (r, tr) in tbl.children().filter(|c| is(*c, "tr")).enumerate() {
            self.in_table = Some(outer.unwrap_or((table_no, r + 1)));
            // A row deleted with tracking on is not a row of the table.
            if child(tr, "trPr").is_some_and(|p| child(p, "del").is_some()) {
                self.lose_whole(tr, "修订痕迹（删除的表格行未导入）");
                continue;
            }
            let mut row = Vec::new();
            for tc in cells_of(tr) {
                let pr = child(tc, "tcPr");
                let span = pr
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|g| attr(g, "val"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let vmerge = pr
                    .and_then(|p| child(p, "vMerge"))
                    .map(|v| attr(v, "val") == Some("restart"));
                let mut paras = Vec::new();
                let mut nested = false;
                for c in tc.children().filter(Node::is_element) {
                    match c.tag_name().name() {
                        "p" => {
                            let p = self.paragraph(c);
                            paras.push(p);
                            paras.append(&mut self.pending);
                        }
                        "tbl" => {
                            nested = true;
                            if depth < 3 {
                                // Markdown has no table in a table: each
                                // row of the inner one becomes a line of
                                // the cell, its cells apart by a
                                // full-width space (产品　产能).
                                if let Item::T { rows: inner, .. } = self.table(c, depth + 1) {
                                    for r in inner {
                                        paras.push(joined_row(r));
                                    }
                                }
                            } else {
                                // Never silently: the table four levels in
                                // and what it holds are not imported.
                                self.lose_whole(
                                    c,
                                    "嵌套过深的表格（表格中第四层以内的表格，其文字未导入）",
                                );
                            }
                        }
                        "sdt" | "customXml" => {
                            // The paragraphs the control wraps, not those
                            // inside their text boxes (read with them).
                            for p in wrapped(c, "p") {
                                paras.push(self.paragraph(p));
                            }
                        }
                        _ => {}
                    }
                }
                row.push(Cell {
                    paras,
                    span,
                    vmerge,
                    nested,
                });
            }
            rows.push(row);
        }
        self.in_table = outer;
        let place = Place {
            paragraph: self.body_paragraphs,
            table: Some(outer.unwrap_or((table_no, 1))),
        };
        Item::T {
            rows,
            number,
            place,
        }
    }

    /// The number Word shows before a paragraph of list `id` at level
    /// `lvl` (`一、`, `（二）`, `1.2`), counting as Word counts: a level
    /// goes on from its last number, and the levels below it restart.
    fn list_label(&mut self, id: &str, lvl: u32) -> Option<String> {
        let (key, levels) = self.ctx.numbering.nums.get(id)?;
        let level = levels.get(&lvl)?;
        if matches!(level.fmt.as_str(), "bullet" | "none") || level.text.is_empty() {
            return None;
        }
        let start = |l: u32| levels.get(&l).map_or(1, |x| x.start);
        let counters = self.counters.entry(key.clone()).or_insert([None; 9]);
        let at = lvl as usize;
        counters[at] = Some(counters[at].map_or(start(lvl), |c| c.saturating_add(1)));
        for c in counters.iter_mut().skip(at + 1) {
            *c = None;
        }
        let mut text = level.text.clone();
        for k in (1..=9u32).rev() {
            let pat = format!("%{k}");
            if text.contains(&pat) {
                let n = counters[(k - 1) as usize].unwrap_or_else(|| start(k - 1));
                // A legal level shows every number in Arabic digits.
                let fmt = if level.legal {
                    "decimal"
                } else {
                    levels.get(&(k - 1)).map_or("decimal", |l| l.fmt.as_str())
                };
                text = text.replace(&pat, &format_number(n, fmt));
            }
        }
        Some(text)
    }

    /// Where the next paragraph will be.
    fn place_next(&self) -> Place {
        Place {
            paragraph: self.body_paragraphs + usize::from(self.in_table.is_none()),
            table: self.in_table,
        }
    }

    fn paragraph(&mut self, p: Node<'_, '_>) -> Para {
        let place = self.place_next();
        self.paragraph += 1;
        if self.in_table.is_none() {
            self.body_paragraphs += 1;
        }
        let lost_before = self.lost.len();
        let mut para = Para {
            place,
            number: self.paragraph,
            ..Para::default()
        };
        if let Some(ppr) = child(p, "pPr") {
            if let Some(id) = child(ppr, "pStyle").and_then(|s| attr(s, "val")) {
                para.style = id.to_string();
                para.heading = self.ctx.style_level(id);
                para.size = self.ctx.style_size(id);
                let name = self.ctx.style_name(id);
                para.toc = name.starts_with("toc") || name.starts_with("目录");
                // shenbao's own export writes code in “代码” (id Code).
                para.code = id == "Code"
                    || matches!(
                        name.as_str(),
                        "代码"
                            | "code"
                            | "html preformatted"
                            | "html 预设格式"
                            | "plain text"
                            | "纯文本"
                    );
            }
            let title_style = is_title_style_name(&self.ctx.style_name(&para.style).to_lowercase());
            if let Some(o) = child(ppr, "outlineLvl").and_then(|o| attr(o, "val"))
                && let Ok(o) = o.parse::<usize>()
                && o < 9
                && !title_style
            {
                para.heading = Some(o + 1);
            }
            // The paragraph's own numbering, else its style's (numId 0
            // on the paragraph takes the style's away).
            let own = child(ppr, "numPr").map(|num| {
                let id = child(num, "numId")
                    .and_then(|n| attr(n, "val"))
                    .unwrap_or("0")
                    .to_string();
                let lvl = child(num, "ilvl")
                    .and_then(|n| attr(n, "val"))
                    .and_then(|v| v.parse::<u32>().ok());
                (id, lvl)
            });
            let styled = || {
                child(ppr, "pStyle")
                    .and_then(|s| attr(s, "val"))
                    .and_then(|id| self.ctx.style_num(id))
            };
            let num = match own {
                Some((id, Some(lvl))) => Some((id, lvl)),
                Some((id, None)) => Some((
                    id.clone(),
                    styled().filter(|(sid, _)| *sid == id).map_or(0, |(_, l)| l),
                )),
                None => styled(),
            };
            if let Some((id, lvl)) = num {
                let id = id.as_str();
                let lvl = lvl.min(8);
                if id != "0" {
                    let ordered = self
                        .ctx
                        .numbering
                        .nums
                        .get(id)
                        .and_then(|(_, m)| m.get(&lvl))
                        .is_some_and(|l| !matches!(l.fmt.as_str(), "bullet" | "none"));
                    para.list = Some((lvl, ordered));
                    para.label = self.list_label(id, lvl);
                }
            }
            para.centered = child(ppr, "jc")
                .and_then(|j| attr(j, "val"))
                .is_some_and(|v| v == "center");
        }
        let mut pieces = Vec::new();
        self.inline(p, &mut para, &mut pieces, false, false, 0);
        // A number Word's list numbering shows (`一、`, `（一）`, `1.1`) is
        // the paragraph's number, as if typed: the heading rules read it
        // with the outline level and the style. A bullet stays a list.
        if let Some(label) = para.label.clone()
            && !pieces.is_empty()
        {
            let sep = if label.ends_with(['、', '）', ')', '．']) {
                ""
            } else {
                "　"
            };
            pieces.insert(
                0,
                Piece::Text {
                    text: format!("{label}{sep}"),
                    bold: false,
                    italic: false,
                },
            );
            para.list = None;
        }
        para.pieces = pieces;
        // The lost entries of this paragraph get its first words; a
        // paragraph deleted whole with tracking on (Word deletes its runs
        // and its mark) is named by the words it had.
        let words = first_words(&para.text());
        if self.lost.len() > lost_before {
            let named = if words.is_empty() {
                let deleted: String = p
                    .descendants()
                    .filter(|d| is(*d, "delText"))
                    .filter_map(|d| d.text())
                    .take(20)
                    .collect();
                first_words(&deleted)
            } else {
                words.clone()
            };
            for l in &mut self.lost[lost_before..] {
                l.first_words.clone_from(&named);
            }
        }
        if !words.is_empty() {
            self.last_words = words;
        }
        para
    }

    fn inline(
        &mut self,
        n: Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Piece>,
        in_field_code: bool,
        in_link: bool,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            self.lose("嵌套过深的内容（未导入）", para);
            return;
        }
        let mut field_code = in_field_code;
        for c in n.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "pPr"
                | "rPr"
                | "proofErr"
                | "bookmarkStart"
                | "bookmarkEnd"
                | "lastRenderedPageBreak" => {}
                "r" => self.run(c, para, out, &mut field_code),
                "hyperlink" => {
                    let url = rel_attr(c, "id").and_then(|id| match self.ctx.rels.get(id) {
                        Some(Target::External(u)) => Some(u.clone()),
                        _ => None,
                    });
                    let mut inner = Vec::new();
                    self.inline(c, para, &mut inner, field_code, true, depth + 1);
                    let safe = url.filter(|u| {
                        let l = u.trim().to_ascii_lowercase();
                        l.starts_with("http://")
                            || l.starts_with("https://")
                            || l.starts_with("mailto:")
                    });
                    match safe {
                        Some(url) if !in_link => {
                            let text: String = inner
                                .iter()
                                .filter_map(|p| match p {
                                    Piece::Text { text, .. } => Some(text.as_str()),
                                    _ => None,
                                })
                                .collect();
                            out.push(Piece::Link { text, url });
                            out.extend(
                                inner
                                    .into_iter()
                                    .filter(|p| !matches!(p, Piece::Text { .. })),
                            );
                        }
                        _ => out.extend(inner),
                    }
                }
                "ins" | "moveTo" => {
                    self.lose("修订痕迹（插入的文字已保留为正文，请在 Word 中接受或拒绝修订后再导入以确认）", para);
                    self.inline(c, para, out, field_code, in_link, depth + 1);
                }
                "del" | "moveFrom" => {
                    self.lose("修订痕迹（删除的文字未导入）", para);
                }
                "commentRangeStart" | "commentRangeEnd" => self.lose("批注（未导入）", para),
                "oMath" | "oMathPara" => {
                    self.lose("公式（只保留了其中的文字）", para);
                    let t: String = c
                        .descendants()
                        .filter(|d| is(*d, "t"))
                        .filter_map(|d| d.text())
                        .collect();
                    if !t.is_empty() {
                        out.push(Piece::Text {
                            text: t,
                            bold: false,
                            italic: false,
                        });
                    }
                }
                "fldSimple" => {
                    let instr = attr(c, "instr").unwrap_or("").trim().to_string();
                    self.field(&instr, para);
                    self.inline(c, para, out, false, in_link, depth + 1);
                }
                "smartTag" | "customXml" | "sdt" | "sdtContent" | "dir" | "bdo" => {
                    self.inline(c, para, out, field_code, in_link, depth + 1);
                }
                _ => {}
            }
        }
    }

    fn field(&mut self, instr: &str, para: &Para) {
        let kind = instr
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match kind.as_str() {
            "" | "HYPERLINK" | "PAGE" | "NUMPAGES" => {}
            "TOC" => self.skipped_toc = true,
            // The page numbers of a contents line: dropped with the
            // contents, not a field lost.
            "PAGEREF" if para.toc => {}
            // A caption's number (图 SEQ, with STYLEREF for the chapter in
            // 图2-1): shenbao numbers figures and tables itself.
            "SEQ" | "STYLEREF" => {}
            other => {
                let what = format!("域 {other}（只保留了显示的结果，不会自动更新）");
                self.lose(&what, para);
            }
        }
    }

    fn run(
        &mut self,
        r: Node<'_, '_>,
        para: &mut Para,
        out: &mut Vec<Piece>,
        field_code: &mut bool,
    ) {
        let rpr = child(r, "rPr");
        let bold = rpr.and_then(|p| child(p, "b")).is_some_and(on);
        let italic = rpr.and_then(|p| child(p, "i")).is_some_and(on);
        let hidden = rpr.and_then(|p| child(p, "vanish")).is_some_and(on);
        // Superscript and subscript (10⁶, CO₂): written as the Unicode
        // characters, which print raised or lowered again; a character
        // that has none is kept and reported, never silently flattened
        // (3.2×10⁶ must not become 3.2×106).
        let script = rpr
            .and_then(|p| child(p, "vertAlign"))
            .and_then(|v| attr(v, "val"))
            .filter(|v| *v == "superscript" || *v == "subscript");
        if let Some(sz) = rpr
            .and_then(|p| child(p, "sz"))
            .and_then(|s| attr(s, "val"))
            .and_then(|v| v.parse::<f32>().ok())
        {
            let pt = sz / 2.0;
            para.size = Some(para.size.map_or(pt, |s| s.max(pt)));
        }
        let push = |out: &mut Vec<Piece>, t: &str| {
            if t.is_empty() {
                return;
            }
            if let Some(Piece::Text {
                text,
                bold: b,
                italic: i,
            }) = out.last_mut()
                && *b == bold
                && *i == italic
            {
                text.push_str(t);
                return;
            }
            out.push(Piece::Text {
                text: t.to_string(),
                bold,
                italic,
            });
        };
        for c in r.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "t" if !*field_code && !hidden && script.is_some() => {
                    let up = script == Some("superscript");
                    let text = c.text().unwrap_or("");
                    let (mapped, all) = to_script(text, up);
                    if !all {
                        // Kept as plain text: say so, with its place.
                        self.lose(
                            if up {
                                "上标（无对应字符，按普通文字导入）"
                            } else {
                                "下标（无对应字符，按普通文字导入）"
                            },
                            para,
                        );
                    }
                    push(out, &mapped);
                }
                "t" if !*field_code && !hidden => push(out, c.text().unwrap_or("")),
                "tab" if !*field_code => push(out, " "),
                // A page or column break is layout, not text.
                "br" | "cr"
                    if !*field_code && attr(c, "type").is_none_or(|t| t == "textWrapping") =>
                {
                    out.push(Piece::Break);
                }
                "noBreakHyphen" => push(out, "-"),
                "sym" => {
                    if let Some(ch) = attr(c, "char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .filter(|ch| !('\u{F000}'..='\u{F0FF}').contains(ch))
                    {
                        push(out, &ch.to_string());
                    } else {
                        self.lose("符号字体中的特殊符号", para);
                    }
                }
                "fldChar" => match attr(c, "fldCharType") {
                    Some("begin") => *field_code = true,
                    Some("separate") | Some("end") => *field_code = false,
                    _ => {}
                },
                "instrText" => {
                    let instr = c.text().unwrap_or("").to_string();
                    if !instr.trim().is_empty() {
                        self.field(&instr, para);
                    }
                }
                "footnoteReference" => {
                    if let Some(id) = attr(c, "id") {
                        out.push(Piece::Note(id.to_string()));
                    }
                }
                "endnoteReference" => self.lose("尾注（未导入）", para),
                "commentReference" => self.lose("批注（未导入）", para),
                "drawing" => self.drawing(c, para, out),
                "pict" | "object" => {
                    if let Some(id) = c
                        .descendants()
                        .find(|d| is(*d, "imagedata"))
                        .and_then(|d| rel_attr(d, "id"))
                    {
                        out.push(Piece::Image(id.to_string()));
                    } else if let Some(t) = c.descendants().find(|d| is(*d, "txbxContent")) {
                        self.text_box(t, para);
                    } else if is(c, "object") {
                        self.lose("嵌入对象（如 Excel 表格、Visio 图）", para);
                    } else {
                        self.lose("图形（形状、线条、箭头）", para);
                    }
                }
                "AlternateContent" => {
                    // The first choice only: the fallback is the same thing again.
                    if let Some(choice) = c.children().find(|x| is(*x, "Choice")) {
                        for d in choice.children().filter(Node::is_element) {
                            match d.tag_name().name() {
                                "drawing" => self.drawing(d, para, out),
                                _ => self.lose("图形（形状、线条、箭头）", para),
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A text box's paragraphs (a cover laid out in boxes, a caption frame
    /// holding an image and its 图N caption): read as paragraphs after the
    /// one that anchors the box, and said, since their place on the page
    /// is not kept.
    fn text_box(&mut self, content: Node<'_, '_>, para: &Para) {
        if self.box_depth >= 3 {
            self.lose("文本框中套得过深的文本框（其中的文字未导入）", para);
            return;
        }
        self.box_depth += 1;
        let mut read = Vec::new();
        for p in wrapped(content, "p") {
            let inner = self.paragraph(p);
            read.push(inner);
            read.append(&mut self.pending);
        }
        self.box_depth -= 1;
        if read.iter().any(|p| !p.pieces.is_empty()) {
            self.lose(
                "文本框（其中的文字和图片已作为段落放在所在段落之后，请核对位置）",
                para,
            );
        }
        self.pending.extend(read);
    }

    fn drawing(&mut self, d: Node<'_, '_>, para: &Para, out: &mut Vec<Piece>) {
        let uri = d
            .descendants()
            .find(|x| is(*x, "graphicData"))
            .and_then(|g| attr(g, "uri"))
            .unwrap_or("");
        if uri.contains("diagram") {
            self.lose("SmartArt 图形", para);
        } else if uri.contains("chart") {
            self.lose("图表（请另存为图片后插入）", para);
        } else if let Some(t) = d.descendants().find(|x| is(*x, "txbxContent")) {
            self.text_box(t, para);
        } else if let Some(id) = d
            .descendants()
            .find(|x| is(*x, "blip"))
            .and_then(|b| rel_attr(b, "embed"))
        {
            out.push(Piece::Image(id.to_string()));
        } else if d.descendants().any(|x| is(x, "blip")) {
            self.lose("链接到外部文件的图片（不会读取）", para);
        } else {
            self.lose("图形（形状、线条、箭头）", para);
        }
    }
}

fn read_styles(xml: Option<String>) -> Result<HashMap<String, StyleInfo>, String> {
    let mut out = HashMap::new();
    let Some(xml) = xml else { return Ok(out) };
    let doc = docx::parse(&xml)?;
    for s in doc.descendants().filter(|n| is(*n, "style")) {
        let Some(id) = attr(s, "styleId") else {
            continue;
        };
        let ppr = child(s, "pPr");
        let info = StyleInfo {
            name: child(s, "name")
                .and_then(|n| attr(n, "val"))
                .unwrap_or("")
                .to_string(),
            based_on: child(s, "basedOn")
                .and_then(|n| attr(n, "val"))
                .map(str::to_string),
            outline: ppr
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(|o| attr(o, "val"))
                .and_then(|v| v.parse().ok()),
            size: child(s, "rPr")
                .and_then(|p| child(p, "sz"))
                .and_then(|z| attr(z, "val"))
                .and_then(|v| v.parse::<f32>().ok())
                .map(|v| v / 2.0),
            num: ppr.and_then(|p| child(p, "numPr")).and_then(|n| {
                let id = child(n, "numId").and_then(|i| attr(i, "val"))?;
                let lvl = child(n, "ilvl")
                    .and_then(|l| attr(l, "val"))
                    .and_then(|v| v.parse().ok());
                Some((id.to_string(), lvl))
            }),
        };
        out.insert(id.to_string(), info);
    }
    Ok(out)
}

fn read_numbering(xml: Option<String>) -> Result<Numbering, String> {
    let mut out = Numbering::default();
    let Some(xml) = xml else { return Ok(out) };
    let doc = docx::parse(&xml)?;
    let level = |l: Node<'_, '_>| -> (u32, NumLevel) {
        let ilvl = attr(l, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
        let fmt = child(l, "numFmt")
            .and_then(|f| attr(f, "val"))
            .unwrap_or("bullet")
            .to_string();
        let text = child(l, "lvlText")
            .and_then(|t| attr(t, "val"))
            .unwrap_or("")
            .to_string();
        let start = child(l, "start")
            .and_then(|t| attr(t, "val"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let style = child(l, "pStyle")
            .and_then(|t| attr(t, "val"))
            .map(str::to_string);
        let legal = child(l, "isLgl")
            .is_some_and(|v| attr(v, "val").is_none_or(|v| v != "0" && v != "false"));
        (
            ilvl,
            NumLevel {
                fmt,
                text,
                start,
                style,
                legal,
            },
        )
    };
    let mut abstracts: HashMap<&str, HashMap<u32, NumLevel>> = HashMap::new();
    for a in doc.descendants().filter(|n| is(*n, "abstractNum")) {
        let Some(id) = attr(a, "abstractNumId") else {
            continue;
        };
        abstracts.insert(
            id,
            a.children().filter(|c| is(*c, "lvl")).map(level).collect(),
        );
    }
    for n in doc.descendants().filter(|n| is(*n, "num")) {
        let (Some(id), Some(abs)) = (
            attr(n, "numId"),
            child(n, "abstractNumId").and_then(|a| attr(a, "val")),
        ) else {
            continue;
        };
        let Some(levels) = abstracts.get(abs) else {
            continue;
        };
        let mut levels = levels.clone();
        // A list's own overrides: a restart, or a whole level.
        for o in n.children().filter(|c| is(*c, "lvlOverride")) {
            let ilvl = attr(o, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
            if let Some(l) = child(o, "lvl") {
                levels.insert(ilvl, level(l).1);
            }
            if let Some(start) = child(o, "startOverride")
                .and_then(|s| attr(s, "val"))
                .and_then(|v| v.parse().ok())
            {
                levels.entry(ilvl).or_default().start = start;
            }
        }
        // Lists with their own overrides count on their own.
        let counters = if n.children().any(|c| is(c, "lvlOverride")) {
            format!("num:{id}")
        } else {
            abs.to_string()
        };
        out.nums.insert(id.to_string(), (counters, levels));
    }
    Ok(out)
}

/// A row of a cover table as one line: `申报单位：伏牛经开区管委会` (the
/// first cell is the label), or the lone cell's text; None when empty.
fn cover_row(row: &[Cell]) -> Option<Para> {
    let cells: Vec<String> = row
        .iter()
        .filter(|c| c.vmerge != Some(false))
        .map(|c| {
            c.paras
                .iter()
                .map(|p| p.text().trim().to_string())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| !t.is_empty())
        .collect();
    let text = match cells.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [label, rest @ ..] => format!(
            "{}：{}",
            label.trim_end_matches(['：', ':']).trim(),
            rest.join(" ")
        ),
    };
    Some(Para {
        pieces: vec![Piece::Text {
            text,
            bold: false,
            italic: false,
        }],
        ..Para::default()
    })
}

/// Word's and WPS's names of the document-title styles (lowercased).
fn is_title_style_name(name: &str) -> bool {
    matches!(name, "title" | "标题" | "subtitle" | "副标题")
}

/// A list number as Word shows it: `n` in the level's format.
fn format_number(n: u32, fmt: &str) -> String {
    let letters = |base: u8| -> String {
        let mut n = n.max(1) - 1;
        let mut s = Vec::new();
        loop {
            s.push((base + (n % 26) as u8) as char);
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        s.iter().rev().collect()
    };
    let roman = |upper: bool| -> String {
        let mut n = n;
        let mut s = String::new();
        for (v, r) in [
            (1000, "m"),
            (900, "cm"),
            (500, "d"),
            (400, "cd"),
            (100, "c"),
            (90, "xc"),
            (50, "l"),
            (40, "xl"),
            (10, "x"),
            (9, "ix"),
            (5, "v"),
            (4, "iv"),
            (1, "i"),
        ] {
            while n >= v {
                s.push_str(r);
                n -= v;
            }
        }
        if upper { s.to_uppercase() } else { s }
    };
    match fmt {
        // LibreOffice writes its 一、二、三 as taiwaneseCountingThousand.
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "taiwaneseDigital"
        | "ideographDigital"
        | "japaneseCounting" => crate::text::cn_numeral(n),
        "ideographTraditional" => "甲乙丙丁戊己庚辛壬癸"
            .chars()
            .nth((n.max(1) - 1) as usize)
            .map_or_else(|| n.to_string(), |c| c.to_string()),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), |c| c.to_string())
        }
        "upperLetter" => letters(b'A'),
        "lowerLetter" => letters(b'a'),
        "upperRoman" => roman(true),
        "lowerRoman" => roman(false),
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}

fn read_footnotes(xml: Option<String>) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let Some(xml) = xml else { return Ok(out) };
    let doc = docx::parse(&xml)?;
    for f in doc.descendants().filter(|n| is(*n, "footnote")) {
        if attr(f, "type").is_some_and(|t| t != "normal") {
            continue;
        }
        let Some(id) = attr(f, "id") else { continue };
        let paras: Vec<String> = f
            .children()
            .filter(|c| is(*c, "p"))
            .map(|p| {
                p.descendants()
                    .filter(|d| is(*d, "t"))
                    .filter_map(|d| d.text())
                    .collect::<String>()
            })
            .collect();
        out.insert(id.to_string(), paras.join(" ").trim().to_string());
    }
    Ok(out)
}

// ---------------------------------------------------------------------
// Headings from numbered paragraphs.

/// How a plain paragraph is numbered, in the order of official levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Scheme {
    Chapter,
    Cn,
    CnParen,
    Dotted2,
    Dotted3,
    Arabic,
    ArabicParen,
}

/// `1.1 概况` / `1.1.1 概况` → the depth (2 or 3) and the title.
fn dotted(text: &str) -> Option<(usize, &str)> {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '．'))
        .unwrap_or(t.len());
    let num = t[..end].trim_end_matches(['.', '．']);
    let parts: Vec<&str> = num.split(['.', '．']).collect();
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let rest = t[end..].trim_start_matches([' ', '\u{3000}', '、']);
    // “1.5万吨” is a number in a sentence, not a heading.
    if rest.is_empty()
        || rest.starts_with(|c: char| c.is_ascii_digit() || "万亿千百%％".contains(c))
    {
        return None;
    }
    Some((parts.len(), rest))
}

/// Text as Unicode superscript (`up`) or subscript characters, and
/// whether every character had one.
fn to_script(text: &str, up: bool) -> (String, bool) {
    const BASE: &str = "0123456789+-=()n";
    const SUPER: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ";
    const SUB: &str = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₙ";
    const SUB_LETTERS: &str = "aeoxhklmpst";
    const SUB_LETTERS_TO: &str = "ₐₑₒₓₕₖₗₘₚₛₜ";
    let mut all = true;
    let out = text
        .chars()
        .map(|c| {
            let found = BASE
                .chars()
                .position(|b| b == c)
                .and_then(|i| {
                    if up {
                        SUPER.chars().nth(i)
                    } else {
                        SUB.chars().nth(i)
                    }
                })
                .or_else(|| {
                    (!up).then(|| {
                        SUB_LETTERS
                            .chars()
                            .position(|b| b == c)
                            .and_then(|i| SUB_LETTERS_TO.chars().nth(i))
                    })?
                });
            found.unwrap_or_else(|| {
                all = false;
                c
            })
        })
        .collect();
    (out, all)
}

fn scheme_of(text: &str) -> Option<(Scheme, String)> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 || n > 40 {
        return None;
    }
    // A sentence is not a heading.
    if t.ends_with(['。', '；', '，', '：', ':', ';', ',']) {
        return None;
    }
    if let Some((depth, rest)) = dotted(t) {
        let s = if depth == 2 {
            Scheme::Dotted2
        } else {
            Scheme::Dotted3
        };
        return Some((s, rest.to_string()));
    }
    let (num, rest) = split_heading_number(t);
    let num = num?;
    if rest.is_empty() || rest.contains('。') {
        return None;
    }
    let s = if t.starts_with('第') {
        Scheme::Chapter
    } else {
        match num.style {
            NumberStyle::CnComma => Scheme::Cn,
            NumberStyle::CnParen => Scheme::CnParen,
            NumberStyle::Arabic => Scheme::Arabic,
            NumberStyle::ArabicParen => Scheme::ArabicParen,
            // `dotted` above reads 1.1 and 1.1.1 with their depth.
            NumberStyle::Dotted => Scheme::Dotted2,
        }
    };
    Some((s, rest.to_string()))
}

// ---------------------------------------------------------------------
// Writing Markdown.

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '|' | '#' | '~' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph's first characters must not start a list, a heading or a
/// quote: `1. ` → `1\. `, `- ` → `\- `.
fn guard_line_start(s: String) -> String {
    let t = s.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 10 {
        let rest = &t[digits..];
        if rest.starts_with(['.', ')']) {
            return format!("{}\\{}", &t[..digits], rest);
        }
    }
    if t.starts_with(['-', '+', '=']) {
        return format!("\\{t}");
    }
    t.to_string()
}

struct Writer<'a> {
    ctx: &'a Ctx,
    notes_used: Vec<String>,
    /// Footnote id → its number (1-based).
    notes_index: HashMap<String, usize>,
    /// Text copied into merged cells so far, in the whole file.
    copied: usize,
    image_refs: HashMap<String, String>,
    /// Part name → path, and content hash → path: one file per image.
    image_parts: HashMap<String, String>,
    image_sums: HashMap<u128, String>,
    images: Vec<(String, Vec<u8>)>,
    name: String,
}

impl Writer<'_> {
    fn inline(&mut self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text { text, bold, italic } => {
                    let core = text.trim_matches(|c: char| c == ' ' || c == '\u{3000}');
                    if core.is_empty() || !(*bold || *italic) {
                        out.push_str(&escape(text));
                        continue;
                    }
                    let lead =
                        &text[..text.len() - text.trim_start_matches([' ', '\u{3000}']).len()];
                    let trail = &text[text.trim_end_matches([' ', '\u{3000}']).len()..];
                    let mark = match (bold, italic) {
                        (true, true) => "***",
                        (true, false) => "**",
                        _ => "*",
                    };
                    out.push_str(lead);
                    out.push_str(mark);
                    out.push_str(&escape(core));
                    out.push_str(mark);
                    out.push_str(trail);
                }
                Piece::Link { text, url } => {
                    let _ = write!(
                        out,
                        "[{}](<{}>)",
                        escape(text),
                        url.replace(['<', '>', ' '], "")
                    );
                }
                Piece::Note(id) => {
                    let n = match self.notes_index.get(id) {
                        Some(i) => *i,
                        None => {
                            self.notes_used.push(id.clone());
                            self.notes_index.insert(id.clone(), self.notes_used.len());
                            self.notes_used.len()
                        }
                    };
                    let _ = write!(out, "[^{n}]");
                }
                Piece::Break => out.push_str("<br>"),
                Piece::Image(_) => {}
            }
        }
        out.trim().to_string()
    }

    /// Markdown path of an image (each image written once, however
    /// many times and under however many names it is referenced).
    fn image(&mut self, pkg: &mut Package, rid: &str) -> Result<Img, String> {
        if let Some(p) = self.image_refs.get(rid) {
            return Ok(Img::Path(p.clone()));
        }
        let part = match self.ctx.rels.get(rid) {
            Some(Target::Part(part)) => part,
            Some(Target::External(_)) => return Ok(Img::External),
            None => return Ok(Img::Missing),
        };
        if let Some(p) = self.image_parts.get(part) {
            let p = p.clone();
            self.image_refs.insert(rid.to_string(), p.clone());
            return Ok(Img::Path(p));
        }
        if self.images.len() >= MAX_IMAGES {
            return Ok(Img::TooMany);
        }
        let Some(bytes) = pkg.part(part, docx::MAX_MEDIA)? else {
            return Ok(Img::Missing);
        };
        let ext = if bytes.starts_with(b"\x89PNG") {
            "png"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "jpg"
        } else if bytes.starts_with(b"GIF8") {
            "gif"
        } else {
            return Ok(Img::Format);
        };
        let sum = typst::utils::hash128(&bytes[..]);
        let path = match self.image_sums.get(&sum) {
            Some(p) => p.clone(),
            None => {
                let file = format!("图{}.{ext}", self.images.len() + 1);
                self.images.push((file.clone(), bytes));
                let path = format!("images/{}/{file}", self.name);
                self.image_sums.insert(sum, path.clone());
                path
            }
        };
        self.image_parts.insert(part.clone(), path.clone());
        self.image_refs.insert(rid.to_string(), path.clone());
        Ok(Img::Path(path))
    }
}

/// At most this many images are written by one import.
const MAX_IMAGES: usize = 1000;

/// What became of an image reference.
enum Img {
    Path(String),
    /// Linked to a file outside the document (not embedded).
    External,
    /// Named by the document but not in it.
    Missing,
    /// In a format the PDF cannot use (EMF/WMF, TIFF, …).
    Format,
    /// Over [`MAX_IMAGES`].
    TooMany,
}

/// Convert a .docx (its bytes) into Markdown, images and a report.
pub fn convert(
    bytes: Vec<u8>,
    name: &str,
    kind: Option<DocKind>,
    call: &Call,
) -> Result<Converted, String> {
    let mut pkg = Package::open(bytes)?;
    let doc_xml = pkg
        .xml("word/document.xml")?
        .ok_or("压缩包中没有 word/document.xml，不是 Word 文档")?;
    // A file shenbao wrote names its source: its 附表 (made from the
    // report's fields on every build) are not body text to import.
    let from_shenbao = pkg
        .xml("docProps/custom.xml")
        .ok()
        .flatten()
        .is_some_and(|x| x.contains("shenbao-source"));
    let rels = match pkg.xml("word/_rels/document.xml.rels")? {
        Some(x) => docx::relationships(&x)?,
        None => HashMap::new(),
    };
    let ctx = Ctx {
        styles: read_styles(pkg.xml("word/styles.xml")?)?,
        numbering: read_numbering(pkg.xml("word/numbering.xml")?)?,
        footnotes: read_footnotes(pkg.xml("word/footnotes.xml")?)?,
        rels,
    };
    let doc = docx::parse(&doc_xml)?;
    let body = doc
        .descendants()
        .find(|n| is(*n, "body"))
        .ok_or("word/document.xml 中没有正文")?;
    let mut w = Walker {
        ctx: &ctx,
        lost: Vec::new(),
        lost_seen: Default::default(),
        lost_count: HashMap::new(),
        paragraph: 0,
        body_paragraphs: 0,
        tables: 0,
        in_table: None,
        items: Vec::new(),
        skipped_toc: false,
        counters: HashMap::new(),
        pending: Vec::new(),
        box_depth: 0,
        last_words: String::new(),
    };
    w.body(body, 0);
    let mut out = Converted {
        paragraphs: w.body_paragraphs,
        ..Converted::default()
    };
    let mut items = std::mem::take(&mut w.items);
    let mut lost = std::mem::take(&mut w.lost);
    let mut more: Vec<(String, usize)> = w
        .lost_count
        .iter()
        .filter(|(_, n)| **n > MAX_LOST_PER_KIND)
        .map(|(what, n)| (what.clone(), n - MAX_LOST_PER_KIND))
        .collect();
    more.sort();
    for (what, n) in more {
        out.lost_unlisted += n;
        out.notes.push(format!("“{what}”另有 {n} 处，未逐一列出"));
    }
    // Table-of-contents paragraphs and the 目录 title are dropped: the
    // PDF and the .docx make their own.
    // A contents typed by hand (目录, then `一、概况……1` lines with a tab
    // or dot leaders and a page number) goes with its title.
    let mut skipped_toc = w.skipped_toc;
    let mut in_typed_toc = false;
    items.retain(|i| match i {
        Item::P(p) => {
            let text = p.text();
            let t = normalize_title(&text);
            let entry = in_typed_toc && (text.trim().is_empty() || is_typed_toc_entry(&text));
            in_typed_toc = t == "目录" || entry;
            let drop = p.toc || t == "目录" || entry;
            skipped_toc |= drop;
            !drop
        }
        _ => {
            in_typed_toc = false;
            true
        }
    });
    if skipped_toc {
        out.notes
            .push("原文件的目录已略去：shenbao 排版时按标题重新生成目录".into());
    }

    // Headings: outline levels and heading styles, numbers typed at the
    // start of plain paragraphs, and titles the outline knows are evidence
    // to combine. WPS users often give only the chapters an outline level
    // and type “1.1　取得领导支持” under them: those are headings too, a
    // level below the styled headings numbered the scheme above theirs.
    let styled = items
        .iter()
        .any(|i| matches!(i, Item::P(p) if p.heading.is_some()));
    let outline = crate::check::outline::entry_names(&call.outline);
    let mut schemes: Vec<Scheme> = Vec::new();
    let mut typed: HashMap<usize, Scheme> = HashMap::new();
    // For each scheme, the levels styled headings numbered so have.
    let mut styled_levels: HashMap<Scheme, HashMap<usize, usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Item::P(p) = item else { continue };
        if p.list.is_some() {
            continue;
        }
        let Some((s, _)) = scheme_of(&p.text()) else {
            continue;
        };
        match p.heading {
            Some(level) => {
                *styled_levels
                    .entry(s)
                    .or_default()
                    .entry(level)
                    .or_default() += 1;
            }
            None => {
                typed.insert(i, s);
                if !schemes.contains(&s) {
                    schemes.push(s);
                }
            }
        }
    }
    schemes.sort();
    // The level each scheme's styled headings mostly have (the shallower
    // on a tie).
    let mapped: std::collections::BTreeMap<Scheme, usize> = styled_levels
        .iter()
        .filter_map(|(s, levels)| {
            let (level, _) = levels
                .iter()
                .max_by_key(|(level, n)| (**n, std::cmp::Reverse(**level)))?;
            Some((*s, *level))
        })
        .collect();
    let level_of = |s: Scheme| -> Option<usize> {
        if !styled {
            // Arabic “1.” paragraphs are headings only under a parent
            // heading scheme; a document numbered only 1. 2. 3. has a list.
            if schemes == [Scheme::Arabic] || schemes == [Scheme::ArabicParen] {
                return None;
            }
            return schemes.iter().position(|x| *x == s).map(|l| l + 1);
        }
        if let Some(level) = mapped.get(&s) {
            return Some(*level);
        }
        // Under the nearest scheme above it that styled headings use, one
        // level further for each typed scheme in between; with none above,
        // not a heading (a styled document's own levels are the outline).
        let (above, level) = mapped.range(..s).next_back()?;
        let between = schemes
            .iter()
            .filter(|x| **x > *above && **x < s && !mapped.contains_key(x))
            .count();
        Some((level + 1 + between).min(6))
    };
    let numbered: HashMap<usize, usize> = typed
        .iter()
        .filter_map(|(i, s)| Some((*i, level_of(*s)?)))
        .collect();
    let first_heading = items.iter().enumerate().position(|(i, it)| match it {
        Item::P(p) => {
            p.heading.is_some()
                || numbered.contains_key(&i)
                || (p.text().chars().count() <= 30
                    && crate::check::outline::exact_match(&outline, &p.text()))
        }
        _ => false,
    });
    let cover_end = first_heading.unwrap_or(0);

    // Front matter from the cover and the text. A cover laid out as a
    // table (申报单位 | 值) is read as lines `申报单位：值`, in its place.
    let cover_rows: Vec<Vec<Para>> = items[..cover_end]
        .iter()
        .map(|i| match i {
            Item::T { rows, .. } => rows.iter().filter_map(|r| cover_row(r)).collect(),
            Item::P(_) => Vec::new(),
        })
        .collect();
    let cover: Vec<&Para> = items[..cover_end]
        .iter()
        .zip(&cover_rows)
        .flat_map(|(i, rows)| match i {
            Item::P(p) if !p.text().trim().is_empty() => vec![p],
            Item::P(_) => Vec::new(),
            Item::T { .. } => rows.iter().collect(),
        })
        .collect();
    if cover_rows.iter().any(|r| !r.is_empty()) {
        out.notes.push(
            "封面是表格：各行按“项目：内容”读入字段，并保留在正文开头的封面原文注释中（不打印）；shenbao 按字段排版封面".to_string(),
        );
    }
    let all_text: String = items
        .iter()
        .filter_map(|i| match i {
            Item::P(p) => Some(p.text()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let front = front_matter(&cover, &all_text, kind, &ctx);
    out.kind = Some(front.kind);

    let mut w2 = Writer {
        ctx: &ctx,
        notes_used: Vec::new(),
        notes_index: HashMap::new(),
        copied: 0,
        image_refs: HashMap::new(),
        image_parts: HashMap::new(),
        image_sums: HashMap::new(),
        images: Vec::new(),
        name: name.to_string(),
    };
    let mut md = String::new();
    md.push_str(&front.yaml);
    // Where the front matter closes: attachments read from the body (a
    // scanned letter after its 附件 title) are listed there at the end.
    let front_end = md.len() - "---\n\n".len();
    let binds_attachments = front.kind.fields().iter().any(|f| f.key == "attachments");
    let mut attachments: Vec<(String, String)> = Vec::new();
    out.found = front.found;
    out.missing = front.missing;
    if !cover.is_empty() {
        md.push_str("<!-- 导入的封面原文（不打印）：\n");
        for p in &cover {
            let _ = writeln!(md, "{}", p.text().replace("--", "—"));
        }
        md.push_str("-->\n\n");
    }
    let mut i = cover_end;
    let mut table_no = 0;
    let mut image_lost: HashMap<&str, usize> = HashMap::new();
    while i < items.len() {
        match &items[i] {
            Item::P(p)
                if binds_attachments
                    && let Some((title, rid, next)) = scanned_attachment(&items, i) =>
            {
                // 附件一　…推荐函 and the page it is, scanned: an entry of
                // `attachments`, bound after the body as the file it is
                // (shenbao's own attachment pages too: the file is the
                // letter, and a fresh project has no other copy).
                match w2.image(&mut pkg, &rid)? {
                    Img::Path(path) => {
                        out.notes.push(format!(
                            "原文件{}起的附件“{}”是一张扫描图片：已列入 front matter 的 attachments（content/{path}），装订在正文之后，正文中不再保留；请核对它的类型和名称",
                            p.place.zh(),
                            first_words(&title)
                        ));
                        attachments.push((title, format!("content/{path}")));
                        i = next;
                        continue;
                    }
                    _ => {
                        // Its image cannot be used: kept as the body has it
                        // (the image's problem is said there).
                        let _ = writeln!(md, "{}\n", guard_line_start(w2.inline(&p.pieces)));
                        i += 1;
                        continue;
                    }
                }
            }
            Item::P(p)
                if from_shenbao
                    && p.heading == Some(1)
                    && let Some(note) = generated_section(&p.text()) =>
            {
                // What shenbao made from the fields (附表, made from the
                // options and indicators; 附件 pages, bound from the
                // `attachments` list): the next build makes them again. To
                // the next top heading that is not another such section.
                i += 1;
                while let Some(it) = items.get(i) {
                    if let Item::P(q) = it
                        && q.heading == Some(1)
                        && generated_section(&q.text()).is_none()
                    {
                        break;
                    }
                    i += 1;
                }
                if !out.notes.iter().any(|n| n == note) {
                    out.notes.push(note.into());
                }
                continue;
            }
            Item::P(p) if p.code && p.heading.is_none() => {
                // Consecutive code paragraphs: one fenced block, verbatim.
                let mut lines = Vec::new();
                while let Some(Item::P(c)) = items.get(i)
                    && c.code
                    && c.heading.is_none()
                {
                    lines.push(c.lines());
                    i += 1;
                }
                let body = lines.join("\n");
                let fence = if body.contains("```") { "````" } else { "```" };
                let _ = writeln!(md, "{fence}\n{body}\n{fence}\n");
                continue;
            }
            Item::P(p) => {
                let text = p.text();
                let level = p.heading.or_else(|| numbered.get(&i).copied()).or_else(|| {
                    // A title of the outline with no number and no style.
                    (p.list.is_none()
                        && text.chars().count() <= 30
                        && crate::check::outline::exact_match(&outline, &text))
                    .then_some(1)
                });
                let images = p.images().iter().map(|s| s.to_string()).collect::<Vec<_>>();
                // An attachment's title (附件一 …推荐函) is not a chapter of
                // the body: shenbao binds attachments as files.
                let level = level.filter(|_| {
                    let Some(label) = attachment_title(&text) else {
                        return true;
                    };
                    out.notes.push(format!(
                        "原文件{}起是附件“{}”：已作为正文段落保留，没有作为章节标题。shenbao 把附件作为文件装订在方案之后：请把附件另存为 PDF 或图片放进项目，在 front matter 的 attachments 中列出（推荐函写 type: recommendation-letter），再删去正文中的这部分",
                        p.place.zh(),
                        first_words(&label)
                    ));
                    false
                });
                if let Some(level) = level.filter(|_| !text.trim().is_empty()) {
                    out.headings += 1;
                    let hashes = "#".repeat(level.clamp(1, 6));
                    // A heading broken over two lines in Word (与⏎污染物)
                    // is one line, without a space between Chinese words.
                    let _ = writeln!(md, "{hashes} {}\n", escape(p.heading_text().trim()));
                } else if !images.is_empty() {
                    // A caption “图N …” beside the image in its own paragraph
                    // (a LibreOffice caption frame) or in the next one
                    // belongs to it.
                    let mut caption = figure_caption(&text).unwrap_or_default();
                    if caption.is_empty() {
                        let line = w2.inline(&p.pieces);
                        if !line.is_empty() {
                            let _ = writeln!(md, "{}\n", guard_line_start(line));
                        }
                    }
                    if caption.is_empty()
                        && let Some(Item::P(next)) = items.get(i + 1)
                    {
                        let t = next.text();
                        if let Some(c) = figure_caption(&t) {
                            caption = c;
                            i += 1;
                        }
                    }
                    for rid in images {
                        let what = match w2.image(&mut pkg, &rid)? {
                            Img::Path(path) => {
                                let _ = writeln!(md, "![{}]({path})\n", escape(&caption));
                                continue;
                            }
                            Img::Format => {
                                "图片（EMF/WMF 等格式无法使用，请在 Word 中另存为 PNG 后插入）"
                            }
                            Img::External => {
                                "图片（链接到文档外的文件，未嵌入；请在 Word 中改为嵌入，或把图片放进 content/images 后插入）"
                            }
                            Img::Missing => "图片（文档中缺少这张图片的数据，文件可能已损坏）",
                            Img::TooMany => "图片（超过 1000 张，其余未导入）",
                        };
                        let n = image_lost.entry(what).or_insert(0usize);
                        *n += 1;
                        if *n <= MAX_LOST_PER_KIND {
                            lost.push(Lost {
                                what: what.into(),
                                paragraph: p.number,
                                place: p.place,
                                first_words: first_words(&text),
                                after: String::new(),
                            });
                        }
                    }
                } else if let Some((lvl, ordered)) = p.list {
                    let line = w2.inline(&p.pieces);
                    if !line.is_empty() {
                        let indent = "    ".repeat(lvl as usize);
                        let marker = if ordered { "1." } else { "-" };
                        let _ = writeln!(md, "{indent}{marker} {line}\n");
                    }
                } else {
                    let line = w2.inline(&p.pieces);
                    // A bullet typed or written before the text (•, ●, as
                    // shenbao's own Word files and many others set an
                    // unordered list): a list item again.
                    if let Some(rest) = line.strip_prefix(['•', '●', '▪'])
                        && !rest.trim().is_empty()
                    {
                        let _ = writeln!(md, "- {}\n", rest.trim_start_matches([' ', '　', '\t']));
                    } else if !line.is_empty() {
                        let _ = writeln!(md, "{}\n", guard_line_start(line));
                    }
                }
            }
            Item::T {
                rows,
                number,
                place,
            } => {
                table_no += 1;
                out.tables += 1;
                // Images in cells: Markdown tables hold no figures. A
                // table of images and their captions only (two figures
                // side by side) becomes those figures; other images go
                // after their table, said.
                let figures = cell_figures(rows);
                let layout_only = !figures.is_empty()
                    && rows.iter().flatten().all(|c| {
                        let t = c.paras.iter().map(Para::text).collect::<String>();
                        t.trim().is_empty() || figure_caption(&t).is_some()
                    });
                if !layout_only {
                    let (text, note) = table_markdown(&mut w2, rows, table_no);
                    if let Some(n) = note {
                        out.notes.push(n);
                    }
                    md.push_str(&text);
                    md.push('\n');
                } else {
                    out.tables -= 1;
                    out.notes.push(format!(
                        "第 {table_no} 个表格只用来排放图片和图题，已改为 {} 张图片",
                        figures.len()
                    ));
                }
                // What is said of this table is found in its row.
                let in_row = |what: &str, row: usize, words: &str| Lost {
                    what: what.into(),
                    paragraph: *number,
                    place: Place {
                        table: place.table.map(|(t, _)| (t, row + 1)),
                        ..*place
                    },
                    first_words: first_words(words),
                    after: String::new(),
                };
                for (row, rid, caption) in &figures {
                    match w2.image(&mut pkg, rid)? {
                        Img::Path(path) => {
                            let _ = writeln!(md, "![{}]({path})\n", escape(caption));
                            if !layout_only {
                                lost.push(in_row(
                                    "表格中的图片（Markdown 表格中不能放图片，已移到表格之后）",
                                    *row,
                                    caption,
                                ));
                            }
                        }
                        _ => lost.push(in_row(
                            "表格中的图片（无法使用：缺少数据、链接到文档外或格式不能用）",
                            *row,
                            caption,
                        )),
                    }
                }
                // Found in the row that holds it, not at the table's top,
                // by its first words.
                if let Some(row) = rows.iter().position(|r| r.iter().any(|c| c.nested)) {
                    let words = rows[row]
                        .iter()
                        .filter(|c| c.nested)
                        .flat_map(|c| c.paras.iter().map(Para::text))
                        .collect::<String>();
                    lost.push(in_row(
                        "表格中的表格（内层表格的每一行已改为单元格中的一行文字，格与格之间空一格，请核对）",
                        row,
                        &words,
                    ));
                }
            }
        }
        i += 1;
    }
    if !attachments.is_empty() {
        let mut yaml = String::from("attachments:   # 由 import 从原文件末尾的附件读出，请核对\n");
        for (title, file) in &attachments {
            // 推荐函, or 关于推荐……的函 as such letters are titled.
            let kind = if title.contains("推荐函")
                || (title.contains("推荐") && title.ends_with('函'))
            {
                "recommendation-letter"
            } else {
                "other"
            };
            let _ = writeln!(
                yaml,
                "  - type: {kind}\n    file: {}\n    title: {}",
                yaml_str(file),
                yaml_str(title)
            );
        }
        md.insert_str(front_end, &yaml);
    }
    if !w2.notes_used.is_empty() {
        for (n, id) in w2.notes_used.clone().iter().enumerate() {
            let text = ctx.footnotes.get(id).cloned().unwrap_or_default();
            let _ = writeln!(md, "[^{}]: {}", n + 1, escape(&text));
        }
    }
    out.lost_unlisted += image_lost
        .values()
        .map(|n| n.saturating_sub(MAX_LOST_PER_KIND))
        .sum::<usize>();
    if md.len() as u64 > crate::document::MAX_DOCUMENT_BYTES {
        return Err(format!(
            "转换后的 Markdown 有 {:.0} MB，超过一份文档 {} MB 的上限（shenbao check 不会读取它）：请把文件拆成几份，或把大表格另存为 PDF 作附件后再导入",
            md.len() as f64 / 1_048_576.0,
            crate::document::MAX_DOCUMENT_BYTES / 1024 / 1024
        ));
    }
    out.markdown = md;
    out.images = w2.images;
    lost.sort_by_key(|l| l.paragraph);
    out.lost = lost;
    Ok(out)
}

/// Word allows 63 columns; a wider grid is cut there.
const MAX_GRID_COLUMNS: usize = 63;
/// Text copied into merged cells of one file, at most.
const MAX_COPIED_BYTES: usize = 1 << 20;

/// A line of a contents typed by hand: a title, then a tab, dot leaders
/// or spaces, then its page number (`一、试点基础\t3`, `（一）范围……2`).
fn is_typed_toc_entry(text: &str) -> bool {
    let t = text.trim_end();
    let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=4).contains(&digits) {
        return false;
    }
    let before = &t[..t.len() - digits];
    let title = before.trim_end_matches([' ', '\t', '.', '…', '·', '．', '-', '—', '　']);
    let leader = &before[title.len()..];
    !title.trim().is_empty()
        && title.chars().count() <= 60
        && (leader.contains(['\t', '…', '·', '．'])
            || leader.contains("..")
            || leader.chars().count() >= 2
            || leader == " ")
}

/// An attachment that is one scanned page: its title paragraph at `i`
/// (`附件1　省级推荐函`), then one image with nothing else up to the next
/// attachment or the end. Its title (without the label), the image, and
/// the item after it.
fn scanned_attachment(items: &[Item], i: usize) -> Option<(String, String, usize)> {
    let Some(Item::P(p)) = items.get(i) else {
        return None;
    };
    let text = p.text();
    let mut title = attachment_name(&text)?.to_string();
    if !p.images().is_empty() {
        return None;
    }
    let mut j = i + 1;
    // GB/T 9704 sets the label alone and the title centred on the next
    // line.
    if title.is_empty()
        && let Some(Item::P(next)) = items.get(j)
        && next.images().is_empty()
        && (2..=40).contains(&next.text().trim().chars().count())
    {
        title = next.text().trim().to_string();
        j += 1;
    }
    let mut image = None;
    while let Some(Item::P(q)) = items.get(j) {
        let t = q.text();
        if attachment_name(&t).is_some() {
            break;
        }
        if !t.trim().is_empty() {
            return None;
        }
        for rid in q.images() {
            if image.replace(rid.to_string()).is_some() {
                return None;
            }
        }
        j += 1;
    }
    if matches!(items.get(j), Some(Item::T { .. })) || title.is_empty() {
        return None;
    }
    Some((title, image?, j))
}

/// `附件一　…推荐函`, `附件1：…`, `附件`: the title of an attachment.
fn attachment_title(t: &str) -> Option<String> {
    attachment_name(t).map(|_| t.trim().to_string())
}

/// What follows an attachment's label (`附件一　…推荐函` → `…推荐函`, `附件1`
/// → ``); None when the text is not an attachment's title.
fn attachment_name(t: &str) -> Option<&str> {
    let t = t.trim();
    let rest = t.strip_prefix("附件")?;
    let after =
        rest.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    let after = after.trim_start_matches([' ', '　', '：', ':', '、', '.', '．']);
    // 附件 alone, or followed by a number or a separator: not a word such
    // as 附件清单 in running text.
    let numbered = after.len() < rest.len();
    (numbered || rest.is_empty() || rest.starts_with([' ', '　', '：', ':'])).then(|| after.trim())
}

/// `图1 区位图` → the caption text (shenbao numbers figures itself);
/// `图 2-1：流程` → `图2-1　流程`: a number by chapter is the author's and
/// is printed as written, as the text refers to it (见图2-1).
fn figure_caption(t: &str) -> Option<String> {
    let t = t.trim();
    if t.chars().count() > 60 {
        return None;
    }
    match crate::text::split_figure_number(t) {
        (Some(n), body) => Some(format!("图{n}　{body}")),
        (None, body) if body.len() < t.len() => Some(body.to_string()),
        _ => None,
    }
}

fn table_markdown(w: &mut Writer<'_>, rows: &[Vec<Cell>], no: usize) -> (String, Option<String>) {
    // The grid: spans repeated across, vertical merges repeated down.
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut merged = 0usize;
    // Text copied into merged cells: bounded in the whole file, so a
    // small file of wide merges cannot become megabytes of Markdown.
    let mut copied = w.copied;
    let mut capped = false;
    for row in rows {
        let mut out_row = Vec::new();
        for cell in row {
            let col = out_row.len();
            if col >= MAX_GRID_COLUMNS {
                capped = true;
                break;
            }
            let text = match cell.vmerge {
                Some(false) => {
                    merged += 1;
                    grid.last()
                        .and_then(|r: &Vec<String>| r.get(col).cloned())
                        .unwrap_or_default()
                }
                _ => cell
                    .paras
                    .iter()
                    .map(|p| w.inline(&p.pieces))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("<br>"),
            };
            if cell.span > 1 {
                merged += 1;
            }
            let span = cell.span.min(MAX_GRID_COLUMNS - col);
            let copies = usize::from(cell.vmerge == Some(false));
            if copied + copies * text.len() > MAX_COPIED_BYTES {
                // Past the bound the merged cells stay empty.
                capped = true;
                let first = if cell.vmerge == Some(false) {
                    String::new()
                } else {
                    text
                };
                out_row.push(first);
                out_row.extend(std::iter::repeat_n(String::new(), span - 1));
                continue;
            }
            copied += copies * text.len();
            // Across, the value stays in the first cell (a 合计 label over
            // three columns is one 合计); down, each row gets it (the
            // industry of every enterprise under it).
            out_row.push(text);
            out_row.extend(std::iter::repeat_n(String::new(), span - 1));
        }
        grid.push(out_row);
    }
    w.copied = copied;
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    if cols == 0 {
        return (String::new(), None);
    }
    // A table past the cell limit of a document (it would not print):
    // not converted, said in its place and in the report.
    if grid.len().saturating_mul(cols) > crate::markdown::MAX_TABLE_CELLS {
        return (
            format!(
                "［此处原有第 {no} 张表格，{} 行 × {cols} 列，超过 {} 个单元格的上限，未导入：请在 Word 中拆分，或另存为 PDF 作附件］\n",
                grid.len(),
                crate::markdown::MAX_TABLE_CELLS
            ),
            Some(format!(
                "第 {no} 张表格有 {} 行 × {cols} 列，过大，未导入（正文中留有说明）",
                grid.len()
            )),
        );
    }
    let mut md = String::new();
    for (i, r) in grid.iter().enumerate() {
        md.push('|');
        for c in 0..cols {
            let cell = r.get(c).map(String::as_str).unwrap_or("");
            let _ = write!(md, " {} |", cell.replace('\n', " "));
        }
        md.push('\n');
        if i == 0 {
            md.push('|');
            for _ in 0..cols {
                md.push_str(" --- |");
            }
            md.push('\n');
        }
    }
    let note = if capped {
        Some(format!(
            "第 {no} 个表格过宽或合并单元格过多：超过 {MAX_GRID_COLUMNS} 列的部分未导入，合并单元格的值只在第一格保留，请对照原文件核对"
        ))
    } else {
        (merged > 0).then(|| {
            format!("第 {no} 个表格有 {merged} 处合并单元格：上下合并的值已在每格重复，左右合并的只留在第一格，请核对")
        })
    };
    (md, note)
}

// ---------------------------------------------------------------------
// Front matter.

struct Front {
    yaml: String,
    kind: DocKind,
    found: Vec<(&'static str, String)>,
    missing: Vec<&'static str>,
}

/// The provincial-level divisions, as `check` knows them.
use crate::check::fields::PROVINCES;

pub(crate) fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `2022年6月20日`, `2022 年 6 月`, `二〇二二年六月` → (y, m, d).
fn find_date(text: &str) -> Option<(u32, u32, Option<u32>)> {
    let digit = |c: char| -> Option<u32> {
        c.to_digit(10).or_else(|| {
            "〇一二三四五六七八九"
                .chars()
                .position(|x| x == c)
                .map(|p| p as u32)
                .or((c == 'О' || c == 'Ｏ' || c == '零').then_some(0))
        })
    };
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        let year: Vec<u32> = chars[i..]
            .iter()
            .take(4)
            .filter_map(|c| digit(*c))
            .collect();
        if year.len() != 4
            || chars
                .get(i + 4)
                .copied()
                .filter(|c| *c == '年' || *c == ' ')
                .is_none()
        {
            continue;
        }
        let y = year.iter().fold(0, |a, d| a * 10 + d);
        if !(1990..=2100).contains(&y) {
            continue;
        }
        let rest: String = chars[i + 5..].iter().collect();
        let rest = rest.trim_start_matches([' ', '年']);
        let num = |s: &str| -> Option<(u32, usize)> {
            let s = s.trim_start();
            let taken: String = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || "〇一二三四五六七八九十".contains(*c))
                .collect();
            let v = taken
                .parse::<u32>()
                .ok()
                .or_else(|| crate::text::parse_cn_numeral(&taken))?;
            Some((v, taken.len()))
        };
        let (m, used) = num(rest)?;
        let after = rest.trim_start()[used..].trim_start();
        let Some(after) = after.strip_prefix('月') else {
            continue;
        };
        if !(1..=12).contains(&m) {
            continue;
        }
        let d = num(after).and_then(|(d, used)| {
            after.trim_start()[used..]
                .trim_start()
                .starts_with(['日', '号'])
                .then_some(d)
                .filter(|d| (1..=31).contains(d))
        });
        return Some((y, m, d));
    }
    None
}

fn front_matter(cover: &[&Para], all: &str, kind: Option<DocKind>, ctx: &Ctx) -> Front {
    let cover_text: Vec<String> = cover.iter().map(|p| p.text().trim().to_string()).collect();
    // The title: a Title style, else the largest type (its first line),
    // else the first line; a title set on two or three lines in the same
    // style or size is one title (伏牛经济技术开发区 / 清洁生产审核创新试点
    // 实施方案).
    let is_title_style = |p: &Para| ctx.style_name(&p.style) == "title";
    let largest = cover
        .iter()
        .filter(|p| p.text().chars().count() >= 4)
        .filter_map(|p| p.size)
        .fold(None, |m: Option<f32>, s| Some(m.map_or(s, |m| m.max(s))));
    let by_style = cover.iter().position(|p| is_title_style(p));
    let by_size = largest.and_then(|max| {
        cover
            .iter()
            .position(|p| p.size == Some(max) && p.text().chars().count() >= 4)
    });
    let title = match by_style.or(by_size) {
        Some(i) => {
            let alike = |p: &Para| match by_style {
                Some(_) => is_title_style(p),
                None => p.size == cover[i].size,
            };
            let squash = |p: &Para| p.text().split_whitespace().collect::<Vec<_>>().join("");
            let mut t = squash(cover[i]);
            for p in cover[i + 1..].iter().take(2) {
                let line = squash(p);
                // A labelled line or a date is the cover's, not the title's.
                if !alike(p)
                    || line.chars().count() < 2
                    || line.contains(['：', ':'])
                    || find_date(&line).is_some()
                {
                    break;
                }
                t.push_str(&line);
            }
            Some(t)
        }
        None => cover
            .first()
            .map(|p| p.text().split_whitespace().collect::<Vec<_>>().join("")),
    };
    let kind = kind.unwrap_or_else(|| {
        let probe = format!(
            "{}\n{}",
            title.clone().unwrap_or_default(),
            cover_text.join("\n")
        );
        guess_kind(&probe)
    });
    let labelled = |labels: &[&str]| -> Option<String> {
        cover_text.iter().find_map(|t| {
            labels.iter().find_map(|l| {
                let rest = t.strip_prefix(l)?.trim_start_matches([' ', '　']);
                // 申报单位（盖章）：… — a note in brackets after the label.
                let rest = match rest.strip_prefix(['（', '(']) {
                    Some(inner) => match inner.find(['）', ')']) {
                        Some(end) if inner[..end].chars().count() <= 6 => {
                            &inner[end + inner[end..].chars().next().map_or(0, char::len_utf8)..]
                        }
                        _ => rest,
                    },
                    None => rest,
                };
                let rest = rest.trim_start_matches([' ', '　', '：', ':']);
                let v = rest.split_whitespace().collect::<Vec<_>>().join("");
                (!v.is_empty()).then_some(v)
            })
        })
    };
    let org_suffix = [
        "管理委员会",
        "管委会",
        "人民政府",
        "有限公司",
        "股份有限公司",
        "局",
        "委员会",
        "厂",
        "公司",
    ];
    // An enterprise's documents are titled by it (伏牛新材料有限公司清洁
    // 生产审核报告); their 编制单位 is often the consulting agency.
    let enterprise_doc = kind.about_enterprise();
    let from_title = title.as_deref().filter(|_| enterprise_doc).and_then(|t| {
        [
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "集团公司",
            "公司",
            "厂",
        ]
        .iter()
        .filter_map(|suffix| t.find(suffix).map(|i| &t[..i + suffix.len()]))
        .max_by_key(|name| name.len())
        .filter(|name| name.chars().count() >= 4)
        .map(str::to_string)
    });
    let labels: &[&str] = if enterprise_doc {
        &["企业名称", "申请单位", "单位名称", "申报单位", "报送单位"]
    } else {
        &[
            "申报单位",
            "申请单位",
            "编制单位",
            "企业名称",
            "单位名称",
            "报送单位",
        ]
    };
    let applicant = labelled(labels).or(from_title).or_else(|| {
        cover_text.iter().rev().find_map(|t| {
            // A labelled line the labels above did not take names someone
            // else: on an enterprise's cover, 编制单位 is the agency.
            let (label, value) = match t.split_once(['：', ':']) {
                Some((l, v)) => (Some(l), v.trim()),
                None => (None, t.trim()),
            };
            if enterprise_doc && label.is_some() {
                return None;
            }
            (value.chars().count() <= 30 && org_suffix.iter().any(|s| value.ends_with(s)))
                .then(|| value.to_string())
        })
    });
    let date = labelled(&["编制日期", "日期", "申报日期"])
        .and_then(|d| find_date(&d))
        .or_else(|| cover_text.iter().find_map(|t| find_date(t)));
    let version = ["送审版", "征求意见稿", "报批稿", "修改稿", "定稿", "终稿"]
        .into_iter()
        .find(|v| cover_text.iter().any(|t| t.contains(v)));
    // Where the cover says the applicant is (所在地区：河南省濮阳市).
    let place = labelled(&["所在地区", "所在地", "所属地区", "所在城市", "地区"]);
    // The province named in the title, by the applicant or the cover's
    // place; else the first one the text names, which may be a
    // neighbour's (北与河北省相邻): marked to check.
    let named = PROVINCES
        .iter()
        .find(|p| {
            [title.as_deref(), applicant.as_deref(), place.as_deref()]
                .into_iter()
                .flatten()
                .any(|t| t.contains(*p))
        })
        .map(|s| s.to_string());
    let province_guessed = named.is_none();
    // Else the one the text names most often (its own, more than the
    // neighbours it names once), the first of equals.
    let province = named.or_else(|| {
        PROVINCES
            .iter()
            .filter_map(|p| {
                let first = all.find(*p)?;
                Some((all.matches(*p).count(), std::cmp::Reverse(first), *p))
            })
            .max()
            .map(|(_, _, p)| p.to_string())
    });
    let city = [place.as_deref(), title.as_deref(), applicant.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|t| {
            let i = t.find('市')?;
            let before: String = t[..i]
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let before = before.trim_start_matches(|c: char| {
                PROVINCES.iter().any(|p| p.contains(c)) && before.len() > 9
            });
            (before.chars().count() >= 2).then(|| format!("{before}市"))
        });
    // Else a city of the text: the one whose name starts the title or the
    // applicant (常州市 for 常州武进…开发区), or the one the applicant's
    // county or district is written under (湖州市长兴县 for 长兴县人民政府).
    let city_guessed = city.is_none();
    let city = city.or_else(|| city_in_text(all, title.as_deref(), applicant.as_deref()));
    let category_text = labelled(&["试点类别", "申报类别", "试点类型"]);
    let contact = cover_contact(&cover_text);
    let compiled_by = labelled(&[
        "编制单位",
        "报告编制单位",
        "编写单位",
        "咨询机构",
        "技术服务单位",
    ])
    .filter(|v| Some(v) != applicant.as_ref());

    let date_str = date.map(|(yy, m, d)| match d {
        Some(d) => format!("{yy}-{m:02}-{d:02}"),
        None => format!("{yy}-{m:02}-01"),
    });
    let date_note = if date.is_some_and(|(_, _, d)| d.is_none()) {
        "   # 原文只写到月，日期按 1 日填写，请核对"
    } else {
        ""
    };
    let facts = CoverFacts {
        title,
        applicant,
        province,
        province_guessed,
        city,
        city_guessed,
        compiled_by,
        category_text,
        contact,
        version: version.map(str::to_string),
        date: date_str,
        date_note,
        all_text: all.to_string(),
    };
    let mut w = FrontWriter {
        yaml: String::from(
            "---\n# 由 shenbao import 从 Word 文件导入：请逐项核对；留空的字段 shenbao check 会列出\n",
        ),
        found: Vec::new(),
        missing: Vec::new(),
    };
    let _ = writeln!(w.yaml, "kind: {}", kind.id());
    kind.import_front(&facts, &mut w);
    w.yaml.push_str("---\n\n");
    Front {
        yaml: w.yaml,
        kind,
        found: w.found,
        missing: w.missing,
    }
}

/// Who to contact, as a cover gives it (`联 系 人：王建国　电话：0374-…`).
#[derive(Debug, Clone, Default)]
pub struct CoverContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The 联系人, 电话 and 邮箱 of a cover's lines, labels spaced or not, on
/// one line or several.
fn cover_contact(lines: &[String]) -> Option<CoverContact> {
    const NAME: &[&str] = &["联系人"];
    const PHONE: &[&str] = &["联系电话", "电话", "手机"];
    const EMAIL: &[&str] = &["电子邮箱", "电子邮件", "邮箱", "E-mail", "Email", "e-mail"];
    let labels: Vec<&str> = NAME
        .iter()
        .chain(PHONE)
        .chain(EMAIL)
        .copied()
        .chain(["传真", "地址"])
        .collect();
    let mut out = CoverContact::default();
    for line in lines {
        let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let value = |names: &[&str]| -> Option<String> {
            names.iter().find_map(|l| {
                let at = t
                    .find(&format!("{l}："))
                    .map(|i| i + l.len() + '：'.len_utf8())
                    .or_else(|| t.find(&format!("{l}:")).map(|i| i + l.len() + 1))?;
                let rest = &t[at..];
                let end = labels
                    .iter()
                    .filter_map(|m| rest.find(m))
                    .min()
                    .unwrap_or(rest.len());
                let v = rest[..end].trim_end_matches(['，', '；', ',', ';', '、']);
                (!v.is_empty()).then(|| v.to_string())
            })
        };
        out.name = out.name.or_else(|| value(NAME));
        out.phone = out.phone.or_else(|| value(PHONE));
        out.email = out.email.or_else(|| value(EMAIL));
    }
    (out.name.is_some() || out.phone.is_some() || out.email.is_some()).then_some(out)
}

/// A city the body names, tied to the cover: its name starts the title or
/// the applicant, or the applicant's county or district is written under
/// it (`湖州市长兴县`). None when nothing ties one.
fn city_in_text(all: &str, title: Option<&str>, applicant: Option<&str>) -> Option<String> {
    let cities = || {
        all.match_indices('市').filter_map(|(i, _)| {
            let stem: String = all[..i]
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            (stem.chars().count() == 2
                && stem.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
            .then_some((i, stem))
        })
    };
    let starts = |t: Option<&str>, stem: &str| t.is_some_and(|t| t.starts_with(stem));
    if let Some((_, stem)) =
        cities().find(|(_, stem)| starts(title, stem) || starts(applicant, stem))
    {
        return Some(format!("{stem}市"));
    }
    // 长兴县人民政府 → 长兴县, written after its city in the text.
    let county = applicant.and_then(|a| {
        let i = a.find(['县', '区'])?;
        let end = i + '县'.len_utf8();
        (a[..i].chars().count() >= 2).then(|| &a[..end])
    })?;
    cities()
        .find(|(i, _)| all[i + '市'.len_utf8()..].starts_with(county))
        .map(|(_, stem)| format!("{stem}市"))
}

/// The kind a Word file's title and cover say: the kind whose word
/// ([`crate::kinds::Kind::cover_words`]) comes last, so that 审核报告的验收
/// reads as an acceptance report; none, the first kind.
fn guess_kind(probe: &str) -> DocKind {
    DocKind::ALL
        .iter()
        .filter_map(|k| {
            k.cover_words()
                .iter()
                .filter_map(|w| probe.rfind(w).map(|i| i + w.len()))
                .max()
                .map(|end| (end, *k))
        })
        .max_by_key(|(end, _)| *end)
        .map_or(DocKind::ALL[0], |(_, k)| k)
}

/// What `import` read off a Word file's cover, for the kind to turn into
/// its front matter.
#[derive(Debug, Clone, Default)]
pub struct CoverFacts {
    pub title: Option<String>,
    /// The applicant, or the enterprise of an enterprise's document.
    pub applicant: Option<String>,
    pub province: Option<String>,
    /// The province is the first the text names, maybe a neighbour's.
    pub province_guessed: bool,
    pub city: Option<String>,
    /// The city is read from the body's text, not the cover.
    pub city_guessed: bool,
    /// 编制单位: who wrote the document (a consulting agency).
    pub compiled_by: Option<String>,
    /// What the cover's 试点类别 line says, as written.
    pub category_text: Option<String>,
    /// The cover's 联系人, 电话 and 邮箱 lines.
    pub contact: Option<CoverContact>,
    /// 送审版, 征求意见稿 … as the cover says it.
    pub version: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// A YAML comment for the date (only the month was written).
    pub date_note: &'static str,
    /// The whole file's text, for guesses from the body.
    pub all_text: String,
}

/// The front matter `import` writes: each field found, or left to fill in
/// with a comment saying so; what was found and what was not are listed in
/// the import report.
#[derive(Debug, Default)]
pub struct FrontWriter {
    yaml: String,
    found: Vec<(&'static str, String)>,
    missing: Vec<&'static str>,
}

impl FrontWriter {
    /// A field the report lists as found or missing.
    pub fn field(&mut self, key: &'static str, value: Option<String>, note: &str) {
        match value {
            Some(v) => {
                let _ = writeln!(self.yaml, "{key}: {}{note}", yaml_str(&v));
                self.found.push((key, v));
            }
            None => {
                let _ = writeln!(self.yaml, "{key}:   # 待补充：导入时未在文件中找到");
                self.missing.push(key);
            }
        }
    }

    /// A field guessed from the text: written with its note, not listed.
    pub fn note(&mut self, key: &'static str, value: Option<String>, note: &str) {
        match value {
            Some(v) => {
                let _ = writeln!(self.yaml, "{key}: {}{note}", yaml_str(&v));
            }
            None => {
                let _ = writeln!(self.yaml, "{key}:   # 待补充：导入时未在文件中找到");
            }
        }
    }

    /// An enterprise's name (`enterprise.name`), under `enterprise:`.
    pub fn enterprise_name(&mut self, value: Option<String>) {
        self.yaml.push_str("enterprise:\n");
        match value {
            Some(a) => {
                let _ = writeln!(self.yaml, "  name: {}", yaml_str(&a));
                self.found.push(("enterprise.name", a));
            }
            None => {
                self.yaml
                    .push_str("  name:   # 待补充：导入时未在文件中找到\n");
                self.missing.push("enterprise.name");
            }
        }
    }

    /// Lines written as they are (a kind's own hints).
    pub fn raw(&mut self, lines: &str) {
        self.yaml.push_str(lines);
    }
}

/// The import report, in Chinese, for the terminal.
pub fn report(rel: &str, c: &Converted) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "已导入 → {rel}（{} 段，{} 个标题，{} 张表格，{} 张图片）",
        c.paragraphs,
        c.headings,
        c.tables,
        c.images.len()
    );
    if let Some(k) = c.kind {
        let _ = writeln!(s, "文档类型：{}（{}）", k.id(), k.name_zh());
    }
    if !c.found.is_empty() {
        let f: Vec<String> = c.found.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(s, "从封面和正文读出的字段：{}", f.join("，"));
    }
    if !c.missing.is_empty() {
        let _ = writeln!(
            s,
            "未找到、已留空的字段：{}（shenbao check 会列出）",
            c.missing.join("、")
        );
    }
    if !c.notes.is_empty() {
        s.push_str("说明：\n");
        for n in &c.notes {
            let _ = writeln!(s, "  - {n}");
        }
    }
    if c.lost.is_empty() {
        s.push_str("没有无法转换的内容。\n");
    } else {
        let _ = writeln!(
            s,
            "未能转换的内容（{} 处，请对照原文件补上）：",
            c.lost.len() + c.lost_unlisted
        );
        for l in &c.lost {
            // A paragraph without text is found by the one before it.
            let at = if !l.first_words.is_empty() {
                format!("“{}”", l.first_words)
            } else if !l.after.is_empty() {
                format!("无文字，在“{}”之后", l.after)
            } else {
                "无文字".to_string()
            };
            let _ = writeln!(s, "  - {}（{at}）：{}", l.place.zh(), l.what);
        }
        if c.lost_unlisted > 0 {
            let _ = writeln!(s, "  - ……另有 {} 处同类内容未逐一列出", c.lost_unlisted);
        }
    }
    s.push_str("下一步：运行 shenbao check 检查导入的文档\n");
    s
}

/// A top heading of a section shenbao wrote from the fields, with the
/// import report's note on it: 附表　… or 附表2　… (a table computed after
/// a report's body), 附件 or 附件2 (an attachment page; the contents' 附件
/// 标题 too).
fn generated_section(text: &str) -> Option<&'static str> {
    let text = text.trim();
    let after = |word: &str| {
        text.strip_prefix(word)
            .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
    };
    if after("附表").is_some_and(|r| r.starts_with(['　', ' '])) {
        return Some("shenbao 生成的附表（方案汇总表、指标对比表等）未导入：它们由字段自动生成");
    }
    if after("附件").is_some_and(|r| r.is_empty() || r.starts_with(['　', ' '])) {
        return Some(
            "shenbao 生成的附件页（推荐函等）未导入：附件写在字段 attachments 中，下次构建重新装订",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_the_one_whose_cover_word_comes_last() {
        let id = |t: &str| guess_kind(t).id();
        assert_eq!(id("伏牛新材料有限公司清洁生产审核报告"), "audit-report");
        assert_eq!(
            id("伏牛新材料有限公司清洁生产审核报告（清洁生产审核创新试点企业）"),
            "audit-report"
        );
        assert_eq!(
            id("伏牛新材料有限公司清洁生产审核验收报告"),
            "acceptance-report"
        );
        // An audit report's acceptance is an acceptance report.
        assert_eq!(id("关于清洁生产审核报告的验收意见"), "acceptance-report");
        assert_eq!(id("自愿性清洁生产审核申请表"), "application-form");
        assert_eq!(
            id("伏牛经开区清洁生产审核创新试点实施方案\n编制单位：甲"),
            "pilot-plan"
        );
        // Nothing said: the first kind.
        assert_eq!(id("关于某事的报告"), DocKind::ALL[0].id());
    }

    #[test]
    fn attachment_labels_are_told_from_headings_that_start_with_the_word() {
        let attachment = |t: &str| generated_section(t).is_some_and(|n| n.contains("附件页"));
        let appendix = |t: &str| generated_section(t).is_some_and(|n| n.contains("附表（"));
        for t in ["附件", "附件2", "附件　河南省推荐函", "附件1　承诺书"] {
            assert!(attachment(t), "{t}");
        }
        for t in ["附件管理办法", "附表　汇总", "一、附件说明"] {
            assert!(!attachment(t), "{t}");
        }
        assert!(appendix("附表　汇总") && appendix("附表2　清单"));
        assert!(!appendix("附表说明") && !appendix("附件"));
        assert_eq!(generated_section("一、附件说明"), None);
    }

    #[test]
    fn numbered_paragraphs_and_sentences() {
        assert_eq!(
            scheme_of("一、试点对象基本概况").map(|s| s.0),
            Some(Scheme::Cn)
        );
        assert_eq!(
            scheme_of("(二) 产业概况").map(|s| s.0),
            Some(Scheme::CnParen)
        );
        assert_eq!(
            scheme_of("第一章 筹划与组织").map(|s| s.0),
            Some(Scheme::Chapter)
        );
        assert_eq!(
            scheme_of("1.1 企业概况").map(|s| s.0),
            Some(Scheme::Dotted2)
        );
        assert_eq!(
            scheme_of("1.1.1 生产工艺").map(|s| s.0),
            Some(Scheme::Dotted3)
        );
        assert_eq!(scheme_of("1.5万吨产能已建成"), None);
        assert_eq!(scheme_of("一、能源结构偏重，煤炭消费占比高。"), None);
        assert_eq!(
            scheme_of("1. 园区整体诊断。对园区87家企业开展全口径摸底，建立模型"),
            None
        );
    }

    #[test]
    fn dates_in_the_ways_covers_write_them() {
        assert_eq!(
            find_date("编制日期：2022年6月20日"),
            Some((2022, 6, Some(20)))
        );
        assert_eq!(find_date("二〇二二年六月"), Some((2022, 6, None)));
        assert_eq!(find_date("2022 年 12 月"), Some((2022, 12, None)));
        assert_eq!(find_date("共 2022 家"), None);
    }

    #[test]
    fn markdown_specials_are_escaped_and_lines_cannot_start_lists() {
        assert_eq!(escape("a*b_[c]#"), "a\\*b\\_\\[c\\]\\#");
        assert_eq!(guard_line_start("1. 园区".into()), "1\\. 园区");
        assert_eq!(guard_line_start("- 甲".into()), "\\- 甲");
        assert_eq!(figure_caption("图1 区位图").as_deref(), Some("区位图"));
        assert_eq!(
            figure_caption("图 2-1：流程").as_deref(),
            Some("图2-1　流程")
        );
        assert_eq!(figure_caption("图表说明"), None);
    }

    fn docx(body: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("word/document.xml", o).unwrap();
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
        );
        std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        z.start_file("word/_rels/document.xml.rels", o).unwrap();
        std::io::Write::write_all(&mut z, br#"<Relationships><Relationship Id="rId9" Type="image" Target="../../../../etc/passwd"/><Relationship Id="rId8" Type="hyperlink" Target="file:///etc/passwd" TargetMode="External"/></Relationships>"#).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    /// A contents typed by hand (目录, then lines with a tab or dot leaders
    /// and a page number) is dropped with its title; the headings after it
    /// are the document's.
    #[test]
    fn a_typed_contents_is_dropped_with_its_title() {
        let p = |t: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>");
        let tab = |a: &str, n: &str| {
            format!(
                "<w:p><w:r><w:t>{a}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{n}</w:t></w:r></w:p>"
            )
        };
        let body = [
            p("目  录"),
            tab("一、概况", "1"),
            p("（一）范围……………………2"),
            p("二、基础 . . . . . 3"),
            p("一、概况"),
            p("园区面积1.5万亩。"),
            p("二、基础"),
            p("正文。"),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        assert_eq!(c.headings, 2, "{}", c.markdown);
        assert!(!c.markdown.contains("范围"), "{}", c.markdown);
        assert!(
            c.markdown.contains("# 一、概况\n\n园区面积1.5万亩。"),
            "{}",
            c.markdown
        );
        assert!(is_typed_toc_entry("一、试点对象基本概况\t1"));
        assert!(!is_typed_toc_entry("园区共有企业12"));
        assert!(!is_typed_toc_entry("2021年"));
    }

    /// From a trial with a real-shaped file: the cover's 试点类别 decides the
    /// category (the body named a river basin), a label spanning three
    /// columns is one 合计, and a `•` paragraph is a list item again.
    #[test]
    fn cover_category_spanned_labels_and_bullets() {
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let c = |t: &str, span: u32| {
            format!(
                "<w:tc><w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
            )
        };
        let body = [
            p("长葛经济技术开发区清洁生产审核创新试点实施方案"),
            p("申报单位（盖章）：长葛经济技术开发区管理委员会"),
            p("试点类别：工业园区（产业集群）清洁生产整体审核"),
            p("联 系 人：王建国　　电话：0374-6102375"),
            p("一、概况"),
            p("园区位于淮河流域。"),
            format!(
                "<w:tbl><w:tr>{}{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
                c("序号", 1),
                c("项目", 1),
                c("内容", 1),
                c("投资", 1),
                c("合计", 3),
                c("291.0", 1)
            ),
            p("二、基础"),
            p("•审核模式创新。"),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let out = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let md = &out.markdown;
        assert!(md.contains("category: \"2\""), "{md}");
        assert!(
            md.contains("applicant: \"长葛经济技术开发区管理委员会\""),
            "{md}"
        );
        assert!(md.contains("| 合计 |  |  | 291.0 |"), "{md}");
        assert!(
            md.contains("contact: { name: \"王建国\", phone: \"0374-6102375\" }"),
            "{md}"
        );
        assert!(md.contains("\n- 审核模式创新。\n"), "{md}");
    }

    /// A paragraph without text (a comment's marks alone) is found by the
    /// paragraph before it.
    #[test]
    fn a_paragraph_without_text_is_found_by_the_one_before() {
        let body = r#"<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:p><w:r><w:t>二、基础</w:t></w:r></w:p><w:p><w:commentRangeStart w:id="1"/><w:commentRangeEnd w:id="1"/></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p>"#;
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let r = report("content/甲.md", &c);
        assert!(r.contains("（无文字，在“二、基础”之后）：批注"), "{r}");
    }

    /// A scanned letter after its 附件 label and title (the label alone,
    /// the title on the next line, as GB/T 9704 sets them): an entry of
    /// `attachments`, not body text.
    #[test]
    fn a_scanned_attachment_becomes_an_attachments_entry() {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(2, 3, image::Rgb([9, 9, 9]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let body = r#"<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p><w:p><w:r><w:t>二、基础</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p><w:p><w:r><w:t>附件1</w:t></w:r></w:p><w:p><w:r><w:t>河南省生态环境厅推荐函</w:t></w:r></w:p><w:p/><w:p><w:r><w:drawing><a:blip xmlns:a="y" r:embed="rId5"/></w:drawing></w:r></w:p>"#;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("word/document.xml", o).unwrap();
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
        );
        std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        z.start_file("word/_rels/document.xml.rels", o).unwrap();
        std::io::Write::write_all(&mut z, br#"<Relationships><Relationship Id="rId5" Type="image" Target="media/image1.png"/></Relationships>"#).unwrap();
        z.start_file("word/media/image1.png", o).unwrap();
        std::io::Write::write_all(&mut z, &png).unwrap();
        z.finish().unwrap();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(
            buf.into_inner(),
            "甲",
            Some(crate::kinds::plan::KIND),
            &call,
        )
        .unwrap();
        let (front, body) = c.markdown[4..].split_once("\n---\n").unwrap();
        assert!(
            front.contains("attachments:")
                && front.contains("  - type: recommendation-letter\n    file: \"content/images/甲/图1.png\"\n    title: \"河南省生态环境厅推荐函\""),
            "{front}"
        );
        assert!(
            !body.contains("推荐函") && !body.contains("附件1"),
            "{body}"
        );
        assert_eq!(c.images.len(), 1);
        assert!(
            c.notes
                .iter()
                .any(|n| n.contains("已列入 front matter 的 attachments"))
        );
        // A report has no `attachments`: its attachment stays in the body.
        let r = convert(
            docx(r#"<w:p><w:r><w:t>附件1</w:t></w:r></w:p>"#),
            "乙",
            Some(crate::kinds::audit::KIND),
            &call,
        )
        .unwrap();
        assert!(r.markdown.contains("附件1") && !r.markdown.contains("attachments:"));
    }

    /// A contents built as a TOC field: its lines are dropped, and their
    /// PAGEREF fields are not listed as lost.
    #[test]
    fn the_page_numbers_of_a_dropped_contents_are_not_reported() {
        let styles =
            r#"<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>"#;
        let body = r#"<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \o "1-3" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>一、概况</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGEREF _Toc1 \h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p>"#;
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(
            docx_styled(body, "", styles),
            "甲",
            Some(crate::kinds::plan::KIND),
            &call,
        )
        .unwrap();
        assert!(
            !c.lost.iter().any(|l| l.what.contains("PAGEREF")),
            "{:?}",
            c.lost.iter().map(|l| &l.what).collect::<Vec<_>>()
        );
        assert!(
            c.markdown.contains("# 一、概况\n\n正文。"),
            "{}",
            c.markdown
        );
    }

    /// A cover laid out as a table (申报单位 | 值) is read into the fields
    /// and kept in the cover comment, not dropped without a word.
    #[test]
    fn a_cover_laid_out_as_a_table_is_read() {
        let row = |a: &str, b: &str| {
            format!(
                "<w:tr><w:tc><w:p><w:r><w:t>{a}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{b}</w:t></w:r></w:p></w:tc></w:tr>"
            )
        };
        let body = format!(
            "<w:p><w:r><w:t>修武县产业集聚区清洁生产整体审核创新试点实施方案</w:t></w:r></w:p><w:tbl>{}{}</w:tbl><w:p><w:r><w:t>一、试点对象基本概况</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p>",
            row("申报单位", "修武县产业集聚区管理委员会"),
            row("编制日期：", "二〇二二年六月")
        );
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let found: Vec<(&str, &str)> = c.found.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert!(
            found.contains(&("applicant", "修武县产业集聚区管理委员会")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(k, v)| *k == "date" && v.starts_with("2022-06")),
            "{found:?}"
        );
        assert!(
            c.markdown.contains("申报单位：修武县产业集聚区管理委员会"),
            "{}",
            c.markdown
        );
        assert!(
            c.notes.iter().any(|n| n.contains("封面是表格")),
            "{:?}",
            c.notes
        );
    }

    /// A title in Word's 标题 style (named Title, with outline level 1 in
    /// zh-CN Word) is the document's title, read into `title:`, not a
    /// chapter that swallows the cover lines after it.
    #[test]
    fn a_title_in_the_title_style_is_the_title_not_a_chapter() {
        let styles = r#"<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>"#;
        let body = r#"<w:p><w:pPr><w:pStyle w:val="a3"/><w:jc w:val="center"/></w:pPr><w:r><w:t>安阳市钢铁行业清洁生产整体审核创新试点实施方案</w:t></w:r></w:p><w:p><w:r><w:t>申报单位：安阳市工业和信息化局</w:t></w:r></w:p><w:p><w:r><w:t>一、试点对象基本概况</w:t></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p>"#;
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(
            docx_styled(body, "", styles),
            "甲",
            Some(crate::kinds::plan::KIND),
            &call,
        )
        .unwrap();
        assert!(!c.markdown.contains("# 安阳市钢铁"), "{}", c.markdown);
        assert!(
            c.found
                .iter()
                .any(|(k, v)| *k == "title" && v.contains("安阳市钢铁行业")),
            "{:?}",
            c.found
        );
        assert!(
            c.markdown.contains("# 一、试点对象基本概况"),
            "{}",
            c.markdown
        );
    }

    /// An attachment's title styled as a heading stays text, and the report
    /// says how shenbao binds attachments.
    #[test]
    fn an_attachment_title_is_not_a_chapter() {
        let h = |t: &str| {
            format!(
                r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            h("一、试点对象基本概况"),
            "<w:p><w:r><w:t>正文。</w:t></w:r></w:p>".to_string(),
            h("附件一　河南省清洁生产审核创新试点项目推荐函"),
            "<w:p><w:r><w:t>推荐函正文。</w:t></w:r></w:p>".to_string(),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        assert!(
            c.markdown.contains("# 一、试点对象基本概况"),
            "{}",
            c.markdown
        );
        assert!(!c.markdown.contains("# 附件"), "{}", c.markdown);
        assert!(
            c.markdown
                .contains("\n附件一　河南省清洁生产审核创新试点项目推荐函\n"),
            "{}",
            c.markdown
        );
        assert!(
            c.notes.iter().any(|n| n.contains("attachments")),
            "{:?}",
            c.notes
        );
        assert_eq!(attachment_title("附件清单如下"), None);
        assert!(attachment_title("附件2：企业名单").is_some());
    }

    /// A table row deleted with tracking on is left out (not an empty row).
    #[test]
    fn a_tracked_deleted_table_row_is_not_an_empty_row() {
        let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
        let body = format!(
            "<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:tbl><w:tr>{}{}</w:tr><w:tr><w:trPr><w:del w:id=\"1\" w:author=\"a\"/></w:trPr><w:tc><w:p><w:del><w:r><w:delText>旧行</w:delText></w:r></w:del></w:p></w:tc>{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("项目"),
            cell("数值"),
            cell("9"),
            cell("产值"),
            cell("12"),
        );
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        assert!(c.markdown.contains("| 产值 | 12 |"), "{}", c.markdown);
        assert!(
            !c.markdown.contains("| 9 |") && !c.markdown.contains("|  |"),
            "{}",
            c.markdown
        );
        assert!(
            c.lost.iter().any(|l| l.what.contains("删除的表格行")),
            "{:?}",
            c.lost.iter().map(|l| &l.what).collect::<Vec<_>>()
        );
    }

    /// An enterprise's report is titled by the enterprise; its 编制单位 is
    /// the consulting agency. A province only the text names (a neighbour)
    /// is marked to check.
    #[test]
    fn a_title_on_two_lines_of_the_cover_is_one_title() {
        let big = |t: &str| {
            format!("<w:p><w:r><w:rPr><w:sz w:val=\"44\"/></w:rPr><w:t>{t}</w:t></w:r></w:p>")
        };
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let body = [
            big("伏牛经济技术开发区"),
            big("清洁生产审核创新试点实施方案"),
            p("申报单位：伏牛经济技术开发区管理委员会"),
            p("二〇二二年六月"),
            p("一、试点对象基本概况"),
            p("正文。"),
        ]
        .concat();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        assert!(
            c.markdown
                .contains("title: \"伏牛经济技术开发区清洁生产审核创新试点实施方案\""),
            "{}",
            c.markdown
        );
    }

    #[test]
    fn the_agency_that_compiled_a_report_is_not_its_enterprise() {
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let field = |md: &str, key: &str| -> String {
            md.lines()
                .find(|l| l.trim_start().starts_with(&format!("{key}:")))
                .unwrap_or_default()
                .to_string()
        };
        // The title does not name the enterprise; the only organisation
        // on the cover is the agency under its label.
        let body = [
            p("清洁生产审核报告"),
            p("编制单位：河南绿源环保咨询有限公司"),
            p("二〇二二年六月"),
            p("第一章　筹划与组织"),
            p("公司成立审核小组。"),
        ]
        .concat();
        let c = convert(docx(&body), "乙", Some(crate::kinds::audit::KIND), &call).unwrap();
        let name = field(&c.markdown, "name");
        assert!(!name.contains("咨询"), "{}", c.markdown);
        assert!(name.contains("待补充"), "{}", c.markdown);
        // An unlabelled line naming a company is the enterprise.
        let body = [
            p("清洁生产审核报告"),
            p("伏牛新材料有限公司"),
            p("编制单位：河南绿源环保咨询有限公司"),
            p("第一章　筹划与组织"),
        ]
        .concat();
        let c = convert(docx(&body), "乙", Some(crate::kinds::audit::KIND), &call).unwrap();
        assert_eq!(
            field(&c.markdown, "name").trim(),
            "name: \"伏牛新材料有限公司\"",
            "{}",
            c.markdown
        );
        // A plan's city on its cover's 所在地区 line.
        let body = [
            p("工业园区清洁生产整体审核创新试点实施方案"),
            p("申报单位：伏牛经济技术开发区管理委员会"),
            p("所在地区：河南省濮阳市"),
            p("一、试点对象基本概况"),
        ]
        .concat();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        assert_eq!(
            field(&c.markdown, "city"),
            "city: \"濮阳市\"",
            "{}",
            c.markdown
        );
        assert!(
            field(&c.markdown, "province").starts_with("province: \"河南省\""),
            "{}",
            c.markdown
        );
    }

    #[test]
    fn a_reports_enterprise_comes_from_its_title_and_a_guessed_province_is_marked() {
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let body = [
            p("伏牛新材料有限公司清洁生产审核报告"),
            p("编制单位：河南绿源环保咨询有限公司"),
            p("二〇二二年六月"),
            p("第一章　筹划与组织"),
            p("公司成立审核小组。"),
        ]
        .concat();
        let c = convert(docx(&body), "乙", None, &call).unwrap();
        assert!(
            c.markdown
                .contains("enterprise:\n  name: \"伏牛新材料有限公司\"\n"),
            "{}",
            c.markdown
        );
        assert!(
            c.markdown.contains("date: \"2022-06-01\""),
            "{}",
            c.markdown
        );
        let body = [
            p("青溪县清洁生产审核创新试点实施方案"),
            p("一、试点对象基本概况"),
            p("青溪县位于省境北部，北与河北省相邻。"),
        ]
        .concat();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let line = c
            .markdown
            .lines()
            .find(|l| l.starts_with("province:"))
            .unwrap_or("");
        assert!(line.contains("河北省") && line.contains("请核对"), "{line}");
    }

    /// A package with `numbering.xml` (and `styles.xml`) beside the body.
    fn docx_numbered(body: &str, numbering: &str) -> Vec<u8> {
        docx_styled(body, numbering, "")
    }

    fn docx_styled(body: &str, numbering: &str, styles: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
        z.start_file("word/document.xml", o).unwrap();
        let xml = format!(r#"<w:document {w}><w:body>{body}</w:body></w:document>"#);
        std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        z.start_file("word/numbering.xml", o).unwrap();
        let xml = format!(r#"<w:numbering {w}>{numbering}</w:numbering>"#);
        std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        if !styles.is_empty() {
            z.start_file("word/styles.xml", o).unwrap();
            let xml = format!(r#"<w:styles {w}>{styles}</w:styles>"#);
            std::io::Write::write_all(&mut z, xml.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    /// A report whose heading styles are linked to a multilevel list
    /// (标题 1 → 第%1章, 标题 2 → %1.%2, 标题 3 → %1.%2.%3): the numbers
    /// Word shows are kept, as the report's kind numbers as written.
    #[test]
    fn heading_styles_linked_to_a_list_keep_the_numbers_word_shows() {
        let numbering = r#"<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="1"/><w:lvlText w:val="第%1章"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="2"/><w:isLgl/><w:lvlText w:val="%1.%2"/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="3"/><w:isLgl/><w:lvlText w:val="%1.%2.%3"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>"#;
        let style = |id: &str, name: &str, lvl: u32| {
            format!(
                r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:pPr><w:numPr>{}<w:numId w:val="3"/></w:numPr><w:outlineLvl w:val="{}"/></w:pPr></w:style>"#,
                if lvl == 0 {
                    String::new()
                } else {
                    format!(r#"<w:ilvl w:val="{lvl}"/>"#)
                },
                lvl
            )
        };
        let styles = [
            style("1", "heading 1", 0),
            style("2", "heading 2", 1),
            style("3", "heading 3", 2),
        ]
        .concat();
        let h = |id: &str, t: &str| {
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="{id}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            h("1", "筹划与组织"),
            h("2", "取得领导支持"),
            h("2", "组建审核小组"),
            h("3", "小组成员"),
            "<w:p><w:r><w:t>审核小组由公司领导牵头。</w:t></w:r></w:p>".to_string(),
            h("1", "预审核"),
            h("2", "企业概况"),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(
            docx_styled(&body, numbering, &styles),
            "乙",
            Some(crate::kinds::audit::KIND),
            &call,
        )
        .unwrap();
        let md = &c.markdown;
        for h in [
            "# 第一章　筹划与组织",
            "## 1.1　取得领导支持",
            "## 1.2　组建审核小组",
            "### 1.2.1　小组成员",
            "# 第二章　预审核",
            "## 2.1　企业概况",
        ] {
            assert!(md.contains(&format!("{h}\n")), "{h}: {md}");
        }
    }

    /// Headings numbered with Word's or WPS's numbering button on plain
    /// paragraphs (numPr, numbering.xml with chineseCounting and （%1））:
    /// the numbers shown are read as typed ones, so the levels are found;
    /// a bullet list stays a list.
    #[test]
    fn headings_numbered_by_the_numbering_button_are_headings() {
        let lvl = |i: u32, fmt: &str, text: &str| {
            format!(
                r#"<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>"#
            )
        };
        let numbering = format!(
            r#"<w:abstractNum w:abstractNumId="0">{}{}{}</w:abstractNum><w:abstractNum w:abstractNumId="1">{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#,
            lvl(0, "chineseCounting", "%1、"),
            lvl(1, "chineseCounting", "（%2）"),
            lvl(2, "decimal", "%3."),
            lvl(0, "bullet", "•"),
        );
        let p = |num: u32, ilvl: u32, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            p(1, 0, "试点对象基本概况"),
            p(1, 1, "试点对象范围与区位"),
            "<w:p><w:r><w:t>园区位于城东。</w:t></w:r></w:p>".to_string(),
            p(1, 1, "试点对象产业概况"),
            p(1, 2, "主导产业"),
            p(2, 0, "化工"),
            p(2, 0, "建材"),
            p(1, 0, "试点基础"),
            p(1, 1, "环境现状与主要问题"),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(
            docx_numbered(&body, &numbering),
            "甲",
            Some(crate::kinds::plan::KIND),
            &call,
        )
        .unwrap();
        let md = &c.markdown;
        for h in [
            "# 一、试点对象基本概况",
            "## （一）试点对象范围与区位",
            "## （二）试点对象产业概况",
            "### 1.　主导产业",
            "# 二、试点基础",
            // The second chapter's sections count from one again.
            "## （一）环境现状与主要问题",
        ] {
            assert!(md.contains(&format!("{h}\n")), "{h}: {md}");
        }
        assert!(md.contains("- 化工\n") && md.contains("- 建材\n"), "{md}");
        assert_eq!(c.headings, 6, "{md}");
    }

    #[test]
    fn superscripts_and_subscripts_keep_their_meaning() {
        let body = r#"<w:p><w:r><w:t>一、概况</w:t></w:r></w:p>
<w:p><w:r><w:t>年排放废水约3.2×10</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>6</w:t></w:r><w:r><w:t>吨，CO</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="subscript"/></w:rPr><w:t>2</w:t></w:r><w:r><w:t>与NO</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="subscript"/></w:rPr><w:t>x</w:t></w:r><w:r><w:t>，注</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>*</w:t></w:r></w:p>"#;
        let c = convert(
            docx(body),
            "t",
            None,
            &crate::call::Call::preset(crate::call::DEFAULT_PRESET)
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert!(c.markdown.contains("3.2×10⁶吨，CO₂与NOₓ"), "{}", c.markdown);
        assert!(
            c.lost.iter().any(|l| l.what.contains("上标")),
            "{:?}",
            c.lost.iter().map(|l| &l.what).collect::<Vec<_>>()
        );
    }

    /// As WPS writes an audit report: only the chapters carry an outline
    /// level; sections and subsections are numbers typed at the start of
    /// plain paragraphs. All three levels are headings.
    #[test]
    fn typed_numbers_under_outline_level_chapters_are_headings() {
        let ch = |t: &str| {
            format!(
                r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
            )
        };
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let body = [
            ch("第一章　筹划与组织"),
            p("1.1　取得领导支持"),
            p("公司领导高度重视清洁生产审核工作，成立了领导小组。"),
            p("1.1.1　审核领导小组"),
            p("组长由总经理担任。"),
            p("1.2　组建审核小组"),
            p("1. 负责制定审核计划；"),
            ch("第二章　预审核"),
            p("2.1　企业概况"),
            p("1.5万吨的产能不是标题"),
        ]
        .concat();
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "报告", Some(crate::kinds::audit::KIND), &call).unwrap();
        let md = &c.markdown;
        for h in [
            "# 第一章　筹划与组织",
            "## 1.1　取得领导支持",
            "### 1.1.1　审核领导小组",
            "## 1.2　组建审核小组",
            "# 第二章　预审核",
            "## 2.1　企业概况",
        ] {
            assert!(md.lines().any(|l| l == h), "{h} in\n{md}");
        }
        // A sentence and a list item stay text.
        assert!(
            !md.contains("# 1. 负责") && !md.contains("# 1.5万吨"),
            "{md}"
        );
        assert_eq!(c.headings, 6, "{md}");
    }

    #[test]
    fn a_table_in_a_table_becomes_lines_of_its_cell() {
        let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
        let bold = "<w:tc><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>染色</w:t></w:r></w:p></w:tc>";
        let inner = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{bold}{}</w:tr></w:tbl>",
            cell("工序"),
            cell("产能"),
            cell("10万米/年")
        );
        let body = format!(
            "<w:p><w:r><w:t>一、概况</w:t></w:r></w:p><w:p><w:r><w:t>二、基础</w:t></w:r></w:p>\
             <w:tbl><w:tr>{}{}</w:tr><w:tr>{}<w:tc>{inner}</w:tc></w:tr></w:tbl>",
            cell("企业"),
            cell("主要工序"),
            cell("甲公司")
        );
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(&body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        // A pipe table the PDF prints as a table (it used to be HTML
        // printed as text, with literal `**`): each inner row a line.
        assert!(
            c.markdown
                .contains("| 甲公司 | 工序　产能<br>**染色**　10万米/年 |"),
            "{}",
            c.markdown
        );
        assert!(!c.markdown.contains("<table>"), "{}", c.markdown);
    }

    #[test]
    fn whole_tracked_paragraphs_images_and_first_tables_are_named_rightly() {
        let body = r#"<w:p><w:r><w:t>一、概况</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内容</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内表</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>
<w:del><w:p><w:r><w:delText>整段删去的文字</w:delText></w:r></w:p></w:del>
<w:ins><w:p><w:r><w:t>整段新增的文字</w:t></w:r></w:p></w:ins>
<w:p><w:r><w:drawing><a:blip xmlns:a="y" r:embed="rId8"/></w:drawing></w:r><w:r><w:drawing><a:blip xmlns:a="y" r:embed="rId77"/></w:drawing></w:r></w:p>"#;
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let lost: Vec<(usize, &str, &str)> = c
            .lost
            .iter()
            .map(|l| (l.paragraph, l.what.as_str(), l.first_words.as_str()))
            .collect();
        // The nested table is found at its first paragraph, by number,
        // with its own first words.
        assert!(
            lost.iter()
                .any(|l| l.0 == 2 && l.1.contains("表格中的表格") && l.2 == "内表"),
            "{lost:?}"
        );
        assert!(lost.iter().all(|l| l.0 > 0), "{lost:?}");
        // A whole deleted paragraph is said, with its words; a whole
        // inserted one is kept and said.
        assert!(
            lost.iter()
                .any(|l| l.0 == 6 && l.1.contains("删除的段落") && l.2.contains("整段删去")),
            "{lost:?}"
        );
        assert!(c.markdown.contains("整段新增的文字") && !c.markdown.contains("整段删去"));
        assert!(
            lost.iter().any(|l| l.0 == 7 && l.1.contains("插入的段落")),
            "{lost:?}"
        );
        // Where a reader finds them in Word: the body's paragraphs are
        // counted without the table's (the deleted paragraph is the 2nd
        // of the body, not the 6th paragraph of the file), and what is in
        // a table is found by its table and row.
        let places: Vec<(String, &str)> = c
            .lost
            .iter()
            .map(|l| (l.place.zh(), l.what.as_str()))
            .collect();
        assert!(
            places
                .iter()
                .any(|(p, w)| p == "第 1 个表格第 2 行" && w.contains("表格中的表格")),
            "{places:?}"
        );
        assert!(
            places
                .iter()
                .any(|(p, w)| p == "第 2 段" && w.contains("删除的段落")),
            "{places:?}"
        );
        assert!(
            places
                .iter()
                .any(|(p, w)| p == "第 3 段" && w.contains("插入的段落")),
            "{places:?}"
        );
        assert_eq!(c.paragraphs, 4, "the body's paragraphs, not the table's");
        // Tables nested five deep: the innermost is said, not dropped.
        let mut deep = "<w:p><w:r><w:t>最里层</w:t></w:r></w:p>".to_string();
        for _ in 0..5 {
            deep = format!(
                "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc><w:tc>{deep}</w:tc></w:tr></w:tbl>"
            );
        }
        let c2 = convert(
            docx(&format!("<w:p><w:r><w:t>一、概况</w:t></w:r></w:p>{deep}")),
            "乙",
            Some(crate::kinds::plan::KIND),
            &call,
        )
        .unwrap();
        assert!(
            c2.lost
                .iter()
                .any(|l| l.what.contains("嵌套过深的表格") && l.first_words.contains("最里层")),
            "{:?}",
            c2.lost
        );
        // A linked image and a missing one, each for what it is.
        assert!(
            lost.iter().any(|l| l.1.contains("链接到文档外")),
            "{lost:?}"
        );
        assert!(
            lost.iter().any(|l| l.1.contains("缺少这张图片")),
            "{lost:?}"
        );
        assert!(!lost.iter().any(|l| l.1.contains("EMF")), "{lost:?}");
    }

    #[test]
    fn what_cannot_be_carried_over_is_reported_with_its_place() {
        let body = r#"<w:p><w:r><w:t>一、概况</w:t></w:r></w:p>
<w:p><w:r><w:t>正文甲</w:t></w:r><w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>
<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>有批注的段落</w:t></w:r><m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath></w:p>
<w:p><w:r><w:t>文本框所在段落</w:t></w:r><w:r><w:drawing><wp:anchor xmlns:wp="x"><a:graphic xmlns:a="y"><a:graphicData uri="wps"><wps:wsp xmlns:wps="z"><wps:txbx><w:txbxContent><w:p><w:r><w:t>框中字</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>
<w:p><w:fldSimple w:instr=" DATE \@ &quot;yyyy&quot; "><w:r><w:t>2022</w:t></w:r></w:fldSimple><w:r><w:drawing><a:blip xmlns:a="y" r:embed="rId9"/></w:drawing></w:r><w:hyperlink r:id="rId8"><w:r><w:t>本地文件</w:t></w:r></w:hyperlink></w:p>
<w:p><w:r><w:t>二、基础</w:t></w:r></w:p>
<w:p><w:del><w:r><w:delText>整段删去</w:delText></w:r></w:del></w:p>"#;
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let c = convert(docx(body), "甲", Some(crate::kinds::plan::KIND), &call).unwrap();
        let lost: Vec<(usize, &str, &str)> = c
            .lost
            .iter()
            .map(|l| (l.paragraph, l.what.as_str(), l.first_words.as_str()))
            .collect();
        let has = |p: usize, what: &str| lost.iter().any(|l| l.0 == p && l.1.contains(what));
        assert!(
            has(2, "修订痕迹（插入") && has(2, "修订痕迹（删除"),
            "{lost:?}"
        );
        assert!(has(3, "批注") && has(3, "公式"), "{lost:?}");
        assert!(has(4, "文本框"), "{lost:?}");
        // The text box's paragraph is read (and counted) after its anchor.
        assert!(
            c.markdown.contains("文本框所在段落\n\n框中字"),
            "{}",
            c.markdown
        );
        assert!(has(6, "域 DATE"), "{lost:?}");
        assert!(
            lost.iter().any(|l| l.0 == 2 && l.2 == "正文甲新增"),
            "{lost:?}"
        );
        // The inserted text stays, the deleted does not; nothing outside
        // the archive is read or linked.
        assert!(c.markdown.contains("正文甲新增") && !c.markdown.contains("删去"));
        assert!(c.images.is_empty());
        assert!(c.markdown.contains("本地文件") && !c.markdown.contains("file://"));
        assert!(c.markdown.contains("# 一、概况") && c.markdown.contains("# 二、基础"));
        let r = report("content/甲.md", &c);
        assert!(r.contains("第 4 段（“文本框所在段落”）：文本框"), "{r}");
        // A paragraph deleted whole (runs and mark, as Word writes it) is
        // named by the words it had, not as one without text.
        assert!(r.contains("第 8 段（“整段删去”）：修订痕迹（删除"), "{r}");
    }

    #[test]
    fn old_formats_get_a_save_as_message() {
        let e = sniff(Path::new("a.doc"), &[0xD0, 0xCF, 0x11, 0xE0]).unwrap_err();
        assert!(e.help.unwrap().contains("另存为"));
        assert!(sniff(Path::new("a.pdf"), b"%PDF-1.7").is_err());
        assert!(sniff(Path::new("a.wps"), b"xx").is_err());
        assert!(sniff(Path::new("a.docx"), b"PK\x03\x04").is_ok());
    }

    /// A small deterministic generator (xorshift), so that a failing case
    /// can be replayed from its seed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Random nestings of the elements import reads (inline wrappers,
    /// block wrappers, tables, revisions, fields, pictures), as Word never
    /// writes them: import must never panic, hang or grow its output out
    /// of proportion, whatever the nesting.
    fn random_body(rng: &mut Rng, depth: usize, budget: &mut usize) -> String {
        const WRAP: &[&str] = &[
            "w:hyperlink",
            "w:smartTag",
            "w:customXml",
            "w:sdt",
            "w:sdtContent",
            "w:ins",
            "w:del",
            "w:moveTo",
            "w:moveFrom",
            "w:fldSimple",
            "w:dir",
            "w:bdo",
            "w:p",
            "w:r",
            "w:tbl",
            "w:tr",
            "w:tc",
            "w:txbxContent",
        ];
        const LEAF: &[&str] = &[
            "<w:t>一、概况</w:t>",
            "<w:t>（一）范围1.1</w:t>",
            "<w:tab/>",
            "<w:br/>",
            r#"<w:fldChar w:fldCharType="begin"/>"#,
            r#"<w:fldChar w:fldCharType="end"/>"#,
            "<w:instrText>TOC \\o</w:instrText>",
            r#"<w:footnoteReference w:id="1"/>"#,
            r#"<w:commentRangeStart w:id="0"/>"#,
            r#"<w:tcPr><w:gridSpan w:val="64"/><w:vMerge/></w:tcPr>"#,
            r#"<w:pPr><w:outlineLvl w:val="0"/><w:numPr><w:ilvl w:val="9"/><w:numId w:val="3"/></w:numPr></w:pPr>"#,
            r#"<w:drawing><a:blip r:embed="rId9"/></w:drawing>"#,
            r#"<w:sym w:char="F0FC"/>"#,
        ];
        let mut out = String::new();
        let n = 1 + rng.below(4);
        for _ in 0..n {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            if depth < 200 && rng.below(3) > 0 {
                let tag = WRAP[rng.below(WRAP.len())];
                let inner = random_body(rng, depth + 1, budget);
                out.push_str(&format!("<{tag}>{inner}</{tag}>"));
            } else {
                out.push_str(LEAF[rng.below(LEAF.len())]);
            }
        }
        out
    }

    #[test]
    fn random_nestings_of_word_markup_import_without_panic() {
        let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let mut read = 0;
        for seed in 1..=300u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut budget = 400 + rng.below(2000);
            let body = random_body(&mut rng, 0, &mut budget);
            let bytes = docx(&body.replace("<w:drawing>", r#"<w:drawing xmlns:a="urn:a">"#));
            let size = bytes.len();
            let result = std::panic::catch_unwind(|| convert(bytes, "t", None, &call));
            let converted = result.unwrap_or_else(|_| panic!("seed {seed} panicked"));
            if let Ok(c) = converted {
                read += 1;
                assert!(
                    c.markdown.len() < 64 * size + 4096,
                    "seed {seed}: {} bytes of Markdown from {size}",
                    c.markdown.len()
                );
                assert!(report("content/t.md", &c).lines().count() < 60 * 20 + 40);
            }
        }
        // The cases are well-formed XML: each was read, not refused.
        assert_eq!(read, 300);
    }
}
