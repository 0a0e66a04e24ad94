//! The second round: a response to the expert review (修改说明) names the
//! document it revised (`for:`) and the version the experts read
//! (`reviewed:`, a git revision or a kept copy). This module finds both,
//! tells which section each comment concerns, and compares the versions
//! (修改对照表) for the check, the PDF, the site and Word.

pub mod diff;

use std::path::Path;

use crate::call::Call;
use crate::document::Document;
use crate::document::response::{ResponseMeta, ReviewComment};
use crate::text::{NumberStyle, cn_numeral};
use diff::Change;

/// Where the reviewed version was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A git revision (tag, branch or commit) and the commit it names.
    Git { rev: String, commit: String },
    /// A kept copy in the project (.md, or .docx imported on the fly).
    File(String),
}

impl Origin {
    /// How the outputs name it: `送审版（git 提交 1a2b3c4）`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Git { rev, commit } if rev.starts_with(commit.as_str()) => {
                format!("git 提交 {commit}")
            }
            Origin::Git { rev, commit } => format!("{rev}（git 提交 {commit}）"),
            Origin::File(rel) if self.is_word() => {
                format!("{rel}（Word 文件，只比较正文）")
            }
            Origin::File(rel) => rel.clone(),
        }
    }

    /// A Word file: its fields are what `import` guessed from its cover,
    /// not what was written, so they are not compared (every field would
    /// show as changed).
    pub fn is_word(&self) -> bool {
        matches!(self, Origin::File(rel) if rel.to_lowercase().ends_with(".docx"))
    }
}

/// The version the experts read, parsed as a document.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub origin: Origin,
    pub doc: Document,
}

/// Why the reviewed version cannot be read, in Chinese, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub message: String,
    pub help: String,
}

fn unavailable(message: String, help: impl Into<String>) -> Unavailable {
    Unavailable {
        message,
        help: help.into(),
    }
}

/// Kept copies larger than this are not read (a plan is about 200 KB).
const MAX_KEPT_COPY: u64 = crate::document::MAX_DOCUMENT_BYTES;

/// Read the version `spec` names of `revised`: a file in the project when
/// it names one (.md or .docx), else a git revision of the repository the
/// project is in. Nothing outside the project is read but the git
/// history of the revised file itself.
pub fn load_reviewed(
    root: &Path,
    revised: &Document,
    spec: &str,
    call: &Call,
) -> Result<Reviewed, Unavailable> {
    let spec = spec.trim();
    let lower = spec.to_ascii_lowercase();
    let is_file = lower.ends_with(".md") || lower.ends_with(".docx");
    let is_dir = !spec.is_empty() && root.join(spec).is_dir();
    if is_file || is_dir || spec.contains(['/', '\\']) && !spec.contains(':') {
        let reviewed = load_file(root, spec, call)?;
        // The revised file itself is no earlier version.
        if revised.path.canonicalize().ok() == reviewed.doc.path.canonicalize().ok() {
            return Err(unavailable(
                format!("送审版本 {spec} 就是修改后的文档本身"),
                "写专家评审时那一版：git 的标签或提交（如 送审版），或另存的送审稿文件（放在 content/ 之外）",
            ));
        }
        return Ok(reviewed);
    }
    load_git(root, revised, spec)
}

fn load_file(root: &Path, spec: &str, call: &Call) -> Result<Reviewed, Unavailable> {
    let rel = spec.replace('\\', "/");
    let rel = rel.trim_start_matches("./");
    let shown = crate::paths::shown(rel);
    let real = match crate::paths::ensure_inside(root, Path::new(rel)) {
        Ok(crate::paths::Inside::Yes(p)) => p,
        Ok(crate::paths::Inside::Missing) => {
            return Err(unavailable(
                format!("找不到送审版本的文件 {shown}"),
                "写项目中保留的送审稿的路径（相对项目根目录，如 送审稿/实施方案.md 或 送审稿/实施方案.docx），或 git 中送审版的标签",
            ));
        }
        Err(_) => {
            return Err(unavailable(
                format!("送审版本 {shown} 在项目之外，不读取"),
                "把送审稿复制到项目中（不要放在 content/ 下，否则会被当作又一份文档检查），再写它的路径",
            ));
        }
    };
    if real.is_dir() {
        let inside: Vec<String> = std::fs::read_dir(&real)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| {
                        let n = n.to_ascii_lowercase();
                        n.ends_with(".md") || n.ends_with(".docx")
                    })
                    .map(|n| format!("{}/{n}", rel.trim_end_matches('/')))
                    .take(6)
                    .collect()
            })
            .unwrap_or_default();
        return Err(unavailable(
            format!("送审版本 {shown} 是文件夹，要写其中送审稿文件的路径"),
            if inside.is_empty() {
                "写送审稿文件（.md 或 .docx）的路径".to_string()
            } else {
                format!("其中有：{}", inside.join("、"))
            },
        ));
    }
    let bytes = crate::fsutil::read_regular(&real, MAX_KEPT_COPY).map_err(|e| {
        unavailable(
            format!("无法读取送审版本 {shown}：{}", read_error(&e)),
            "确认它是一个普通文件，并且可以打开",
        )
    })?;
    let text = if rel.to_ascii_lowercase().ends_with(".docx") {
        let name = Path::new(rel)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        crate::import::convert(bytes, &name, None, call)
            .map_err(|e| {
                unavailable(
                    format!("送审版本 {shown} 无法作为 Word 文档读取：{e}"),
                    "用 Word 或 WPS 打开并另存为 .docx 后再试，或改用送审稿的 .md 文件",
                )
            })?
            .markdown
    } else {
        crate::document::decode(rel, bytes)
            .map_err(|d| unavailable(d.message, d.help.unwrap_or_default()))?
    };
    Ok(Reviewed {
        origin: Origin::File(rel.to_string()),
        doc: crate::document::parse(rel, real, text, None),
    })
}

fn read_error(e: &crate::fsutil::ReadError) -> String {
    match e {
        crate::fsutil::ReadError::TooLarge(n) => format!("文件过大（{n} 字节）"),
        crate::fsutil::ReadError::NotRegular => "不是普通文件".into(),
        crate::fsutil::ReadError::Io(e) => e.to_string(),
    }
}

fn load_git(root: &Path, revised: &Document, rev: &str) -> Result<Reviewed, Unavailable> {
    let repo = gix::discover(root).map_err(|_| {
        unavailable(
            format!("找不到送审版本“{rev}”：它不是项目中的文件，项目也不在 git 仓库中"),
            "写保留的送审稿文件的路径（.md 或 .docx）；或在项目中用 git 管理版本，送审时打标签（git tag 送审版）",
        )
    })?;
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Err(unavailable(
            "项目所在的 git 仓库没有工作目录".into(),
            "改写保留的送审稿文件的路径",
        ));
    };
    let file = revised
        .path
        .canonicalize()
        .unwrap_or_else(|_| root.join(&revised.src.rel));
    let Ok(in_repo) = file.strip_prefix(&workdir) else {
        return Err(unavailable(
            format!("{} 不在 git 仓库 {} 中", revised.src.rel, workdir.display()),
            "改写保留的送审稿文件的路径",
        ));
    };
    let in_repo = in_repo.to_path_buf();
    let shown_path = crate::paths::rel_path(&workdir, &file);
    let id = repo.rev_parse_single(rev).map_err(|_| {
        let tags = tag_names(&repo);
        let help = if tags.is_empty() {
            "仓库中还没有标签。送审时用 `git tag 送审版` 标记送审的版本；也可以写提交号（git log 中的前 7 位）".to_string()
        } else {
            format!(
                "仓库中的标签有：{}；也可以写提交号（git log 中的前 7 位）",
                tags.join("、")
            )
        };
        unavailable(format!("git 仓库中没有版本“{rev}”"), help)
    })?;
    let commit = id
        .object()
        .ok()
        .and_then(|o| o.peel_to_commit().ok())
        .ok_or_else(|| {
            unavailable(
                format!("git 版本“{rev}”不是一次提交"),
                "写送审版的标签或提交号",
            )
        })?;
    let short = commit.id().to_hex_with_len(7).to_string();
    let entry = commit
        .tree()
        .ok()
        .and_then(|t| t.lookup_entry_by_path(&in_repo).ok().flatten())
        .ok_or_else(|| {
            unavailable(
                format!("git 版本“{rev}”（提交 {short}）中没有 {shown_path}"),
                "送审后文件改过名或移动过？写送审时文件的版本，或改写保留的送审稿文件的路径",
            )
        })?;
    let data = entry
        .object()
        .map_err(|e| {
            unavailable(
                format!("读取 git 版本“{rev}”中的 {shown_path} 失败：{e}"),
                "检查仓库是否完整（git fsck）",
            )
        })?
        .detach()
        .data;
    let label = format!("{rev}:{}", revised.src.rel);
    let text = crate::document::decode(&label, data)
        .map_err(|d| unavailable(d.message, d.help.unwrap_or_default()))?;
    Ok(Reviewed {
        origin: Origin::Git {
            rev: rev.to_string(),
            commit: short,
        },
        doc: crate::document::parse(&label, file, text, None),
    })
}

fn tag_names(repo: &gix::Repository) -> Vec<String> {
    let Ok(platform) = repo.references() else {
        return Vec::new();
    };
    let Ok(tags) = platform.tags() else {
        return Vec::new();
    };
    tags.filter_map(Result::ok)
        .map(|r| r.name().shorten().to_string())
        .take(20)
        .collect()
}

/// The document a response's `for:` names: its path in the project (with
/// or without `content/`, either slash), its file name, or its title.
pub fn find_revised<'a>(docs: &'a [Document], spec: &str) -> Option<&'a Document> {
    let s = spec.trim().replace('\\', "/");
    let s = s.trim_start_matches("./");
    let with_ext = |s: &str| {
        if s.to_ascii_lowercase().ends_with(".md") {
            s.to_string()
        } else {
            format!("{s}.md")
        }
    };
    let candidates = [with_ext(s), format!("content/{}", with_ext(s))];
    let not_a_response = |d: &&Document| crate::kinds::response::of(d).is_none();
    docs.iter()
        .filter(not_a_response)
        .find(|d| candidates.contains(&d.src.rel))
        .or_else(|| {
            docs.iter()
                .filter(not_a_response)
                .find(|d| d.display_title() == s)
        })
}

/// Where the changes to the front matter are shown (the cover, the
/// tables made from the fields).
pub const FIELDS_LOCATION: &str = "字段区（封面、附表等由字段生成的内容）";

/// Whether a comment's `section:` names what the fields make (附表,
/// 封面, 字段): no heading of the body, but a place all the same.
pub fn names_fields(section: &str) -> bool {
    let s = squeeze(section);
    s.starts_with("附表") || s == "封面" || s.starts_with("字段")
}

/// Whether a `section:` names a place that is no heading and is not
/// looked for: the whole text (全文, 通篇, 多处), an attachment, a table
/// or a figure by its number (表3, 图2-1), or the fields. Reviewers write
/// these; an error on them would refuse a correct response.
pub fn names_no_heading(section: &str) -> bool {
    let s = squeeze(section);
    let numbered = |p: &str| {
        s.strip_prefix(p)
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    names_fields(section)
        || ["全文", "通篇", "全篇", "多处", "各处", "各章", "附件"]
            .iter()
            .any(|w| s.starts_with(w))
        || numbered("表")
        || numbered("图")
}

/// The git tag the experts' version most likely has: one named 送审,
/// 评估 or 评审, else the only one. None outside a repository.
pub fn reviewed_tag(root: &Path) -> Option<String> {
    let repo = gix::discover(root).ok()?;
    let tags = tag_names(&repo);
    tags.iter()
        .find(|t| ["送审", "评估", "评审"].iter().any(|w| t.contains(w)))
        .cloned()
        .or_else(|| (tags.len() == 1).then(|| tags[0].clone()))
}

/// A heading's number as the printed document shows it: the author's own
/// (一、, 1.2, 第三章), else the official numbering by level (一、（一）
/// 1. （1）).
fn own_number(doc: &Document, i: usize, counters: &[u32]) -> String {
    let h = &doc.body.headings[i];
    if let Some(n) = &h.number {
        let written = h.text[..n.len.min(h.text.len())].trim();
        return written
            .trim_end_matches(['、', '.', '．', ' ', '　'])
            .to_string();
    }
    // A report numbered as written leaves 前言 and 结论 unnumbered, as
    // it prints them.
    if doc.body.numbers_as_written || crate::text::is_unnumbered_section(&h.title) {
        return String::new();
    }
    let n = counters
        .get(h.level.saturating_sub(1))
        .copied()
        .unwrap_or(1);
    match h.level {
        1 => cn_numeral(n),
        2 => format!("（{}）", cn_numeral(n)),
        3 => n.to_string(),
        _ => format!("（{n}）"),
    }
}

/// Every heading's number path (一（一）, 1.2, 第三章) and title, in order.
pub fn section_numbers(doc: &Document) -> Vec<(String, String)> {
    let mut counters = [0u32; 8];
    let mut own: Vec<String> = Vec::with_capacity(doc.body.headings.len());
    let mut out = Vec::with_capacity(doc.body.headings.len());
    for (i, h) in doc.body.headings.iter().enumerate() {
        let level = h.level.clamp(1, counters.len());
        if h.level > 0 {
            counters[level - 1] += 1;
            counters[level..].fill(0);
        }
        let mine = if h.level == 0 {
            String::new()
        } else {
            own_number(doc, i, &counters)
        };
        let dotted = h
            .number
            .as_ref()
            .is_some_and(|n| n.style == NumberStyle::Dotted);
        let path = if dotted || h.level <= 1 {
            mine.clone()
        } else {
            let mut p = h.parent.map_or_else(String::new, |p| {
                out.get(p)
                    .map_or_else(String::new, |(n, _): &(String, String)| n.clone())
            });
            p.push_str(&mine);
            p
        };
        own.push(mine);
        out.push((path, h.title.trim().to_string()));
    }
    out
}

/// The printed page of each heading of `doc` (None for one not found),
/// from the headings a printed PDF holds in order (`printed`: the text
/// typst shows, which may carry the number the author wrote).
pub fn pages_of(doc: &Document, printed: &[(String, usize)]) -> Vec<Option<usize>> {
    let mut cursor = 0;
    doc.body
        .headings
        .iter()
        .map(|h| {
            let title = squeeze(&h.title);
            if title.is_empty() {
                return None;
            }
            let j = (cursor..printed.len()).find(|&j| squeeze(&printed[j].0).ends_with(&title))?;
            cursor = j + 1;
            Some(printed[j].1)
        })
        .collect()
}

/// `一（一）试点对象范围与区位`: where a section is, as a reader finds it.
pub fn location(numbers: &[(String, String)], i: usize) -> String {
    numbers.get(i).map_or_else(String::new, |(n, t)| {
        if n.is_empty() {
            t.clone()
        } else if n
            .chars()
            .next_back()
            .is_some_and(|c| crate::text::parse_cn_numeral(&c.to_string()).is_some())
            && !n.starts_with('第')
        {
            // 三、试点工作目标, as the heading prints.
            format!("{n}、{t}")
        } else if n
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '章' | '节' | '分'))
            && t.chars().next().is_some_and(|c| !c.is_ascii())
        {
            // 1.2 生产工艺, 第一章 筹划与组织.
            format!("{n} {t}")
        } else {
            format!("{n}{t}")
        }
    })
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '、' | '．' | '《' | '》' | '"' | '“' | '”'))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// The sections a comment's `section:` names, each as written and the
/// heading it found (None: the revised document has no such section).
/// Several are split by ；. A title, a number path (一（一）, 1.2), or
/// both together are accepted.
pub fn locate(doc: &Document, section: &str) -> Vec<(String, Option<usize>)> {
    locate_in(doc, &section_numbers(doc), section)
}

/// [`locate`] with the document's [`section_numbers`] already made.
fn locate_in(
    doc: &Document,
    numbers: &[(String, String)],
    section: &str,
) -> Vec<(String, Option<usize>)> {
    section
        .split(['；', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let q = squeeze(part);
            let q = q.trim_end_matches(['.', '。']);
            let find = |f: &dyn Fn(&str, &str) -> bool| {
                numbers
                    .iter()
                    .position(|(n, t)| f(&squeeze(n), &squeeze(t)))
            };
            // 第三章 / 第三部分: the third chapter, however it is numbered.
            let chapter = q
                .strip_prefix('第')
                .and_then(|r| r.strip_suffix('章').or_else(|| r.strip_suffix("部分")))
                .and_then(|n| crate::text::parse_cn_numeral(n).or_else(|| n.parse().ok()));
            // Only where the chapters carry no written number of their own
            // (第八章 of a report with seven is no chapter).
            let written = doc.body.headings.iter().any(|h| {
                h.level == 1 && h.number.is_some() && h.text.trim_start().starts_with('第')
            });
            let nth_chapter = chapter.filter(|_| !written).and_then(|k| {
                doc.body
                    .headings
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.level == 1)
                    .nth((k as usize).checked_sub(1)?)
                    .map(|(i, _)| i)
            });
            // A title as the outline check compares them (punctuation,
            // width and spacing aside).
            let title = crate::text::normalize_title(part);
            let hit = find(&|n, t| t == q || (!n.is_empty() && n == q))
                .or_else(|| find(&|n, t| !n.is_empty() && format!("{n}{t}") == q))
                .or_else(|| {
                    numbers.iter().position(|(_, t)| {
                        !title.is_empty() && crate::text::normalize_title(t) == title
                    })
                })
                // The title with a number changed since (a section inserted
                // before it: 四（一）试点内容 is 四（二） now): the title
                // says which section, the number is old.
                .or_else(|| {
                    let bare = crate::text::normalize_title(strip_number_path(part));
                    (bare.chars().count() >= 2 && bare.len() < title.len())
                        .then(|| {
                            numbers
                                .iter()
                                .position(|(_, t)| crate::text::normalize_title(t) == bare)
                        })
                        .flatten()
                })
                .or(nth_chapter)
                // The number with a title renamed since (四（一）试点内容):
                // the longest number the query starts with.
                .or_else(|| {
                    numbers
                        .iter()
                        .enumerate()
                        .filter(|(_, (n, _))| {
                            let n = squeeze(n);
                            // Not 一 alone: 三废治理 is a title.
                            n.chars().count() >= 2
                                && q.starts_with(&n)
                                && !q[n.len()..]
                                    .starts_with(|c: char| c == '（' || c.is_ascii_digit())
                        })
                        .max_by_key(|(_, (n, _))| n.len())
                        .map(|(i, _)| i)
                })
                // Part of one title (环境现状 for 环境现状与主要问题).
                .or_else(|| {
                    let mut hits = numbers
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, t))| q.chars().count() >= 4 && squeeze(t).contains(q));
                    match (hits.next(), hits.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                });
            (part.to_string(), hit)
        })
        .collect()
}

/// A section written with its number path (四（一）试点内容, 1.2 生产工艺,
/// 第三章 概况) without the numbers: only numbers are taken, so a title
/// that starts with a numeral (一体化管理, 三废治理) keeps it.
fn strip_number_path(s: &str) -> &str {
    const CN: &str = "零一二三四五六七八九十百";
    let mut t = s.trim_start_matches([' ', '　']);
    loop {
        let before = t.len();
        // 第三章, 第二部分.
        if let Some(r) = t.strip_prefix('第') {
            let r = r.trim_start_matches(|c: char| CN.contains(c) || c.is_ascii_digit());
            if let Some(r) = ["章", "节", "部分"].iter().find_map(|w| r.strip_prefix(w)) {
                t = r;
            }
        }
        // 四、 or 四（一）: numerals before 、 or a bracket only.
        let r = t.trim_start_matches(|c: char| CN.contains(c));
        if r.len() < t.len() && r.starts_with(['、', '（', '(']) {
            t = r.strip_prefix('、').unwrap_or(r);
        }
        // （一）, (2).
        if let Some(r) = t.strip_prefix(['（', '(']) {
            let inner = r.trim_start_matches(|c: char| CN.contains(c) || c.is_ascii_digit());
            if inner.len() < r.len()
                && let Some(r) = inner.strip_prefix(['）', ')'])
            {
                t = r;
            }
        }
        // 1.2, 3、, 1．
        let r = t.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '．'));
        if r.len() < t.len() && !r.starts_with(|c: char| c.is_ascii_digit()) {
            t = r.strip_prefix('、').unwrap_or(r);
        }
        t = t.trim_start_matches([' ', '　']);
        if t.len() == before {
            return t;
        }
    }
}

/// Whether heading `i` or any heading under it is `section`.
pub fn within(doc: &Document, section: Option<usize>, i: usize) -> bool {
    let mut cur = section;
    while let Some(c) = cur {
        if c == i {
            return true;
        }
        cur = doc.body.headings.get(c).and_then(|h| h.parent);
    }
    false
}

/// One comment as the response's table prints it.
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub number: String,
    pub by: String,
    pub text: String,
    pub response: String,
    /// The sections it concerns, as the revised document numbers them.
    pub location: String,
    /// Each section it names, as written and the heading found (None:
    /// not found, or the fields).
    pub sections: Vec<(String, Option<usize>)>,
}

impl CommentRow {
    /// The comment as the table prints it: its text, and who made it.
    pub fn text_with_author(&self) -> String {
        if self.by.is_empty() {
            self.text.clone()
        } else {
            format!("{}（{}）", self.text, self.by)
        }
    }
}

/// One section of the revised document that changed, with the comments
/// that concern it.
#[derive(Debug, Clone)]
pub struct SectionChanges {
    pub location: String,
    /// The revised document's heading the changes stand under (None: the
    /// text before the first heading, or the fields).
    pub heading: Option<usize>,
    /// The changes are to the fields (the cover, 附表), not the body.
    pub fields: bool,
    /// Numbers of the comments it answers (意见 1、3).
    pub comments: Vec<String>,
    pub changes: Vec<Change>,
}

/// Everything the outputs of a response need, computed once.
#[derive(Debug)]
pub struct ResponseView<'a> {
    pub meta: &'a ResponseMeta,
    pub revised: Option<&'a Document>,
    /// The revised document's title (or its path when it was not found).
    pub revised_title: String,
    pub rows: Vec<CommentRow>,
    /// The reviewed version and the comparison, when it could be read.
    pub reviewed: Option<Result<Origin, Unavailable>>,
    pub sections: Vec<SectionChanges>,
    /// The revised document's section numbers (see [`section_numbers`]).
    pub numbers: Vec<(String, String)>,
}

impl ResponseView<'_> {
    /// How the outputs name the reviewed version (empty when it is not
    /// written or cannot be read).
    pub fn reviewed_label(&self) -> String {
        self.reviewed
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(Origin::describe)
            .unwrap_or_default()
    }

    /// Whether anything changed under heading `h` of the revised document
    /// (in it or in a section under it).
    pub fn changed_under(&self, h: usize) -> bool {
        let Some(revised) = self.revised else {
            return false;
        };
        self.sections
            .iter()
            .any(|s| !s.fields && within(revised, s.heading, h))
    }

    /// Whether the fields (the cover, 附表) changed.
    pub fn fields_changed(&self) -> bool {
        self.sections.iter().any(|s| s.fields)
    }
}

/// The response's view: its comments located in the revised document, and
/// the comparison with the reviewed version.
pub fn view<'a>(
    root: &Path,
    call: &Call,
    doc: &'a Document,
    docs: &'a [Document],
) -> Option<ResponseView<'a>> {
    let meta = crate::kinds::response::of(doc)?;
    let revised = meta
        .revised
        .as_ref()
        .and_then(|f| find_revised(docs, &f.value));
    let revised_title = revised.map_or_else(
        || {
            meta.revised
                .as_ref()
                .map_or_else(String::new, |f| f.value.clone())
        },
        // As its cover names it (…试点实施方案).
        |r| match r.kind() {
            Some(k) => crate::views::full_title(&r.display_title(), k.name_zh()),
            None => r.display_title(),
        },
    );
    let numbers = revised.map(section_numbers).unwrap_or_default();
    let located: Vec<Vec<(String, Option<usize>)>> = meta
        .comments
        .iter()
        .map(|c| match (revised, &c.section) {
            (Some(r), Some(s)) => locate_in(r, &numbers, &s.value),
            (None, Some(s)) => vec![(s.value.clone(), None)],
            _ => Vec::new(),
        })
        .collect();
    let rows = meta
        .comments
        .iter()
        .zip(&located)
        .enumerate()
        .map(|(i, (c, loc))| comment_row(i, c, loc, &numbers))
        .collect();
    let mut reviewed = None;
    let mut sections = Vec::new();
    if let (Some(r), Some(spec)) = (revised, &meta.reviewed) {
        match load_reviewed(root, r, &spec.value, call) {
            Ok(old) => {
                let changes = diff::compare(&diff::blocks(&old.doc), &diff::blocks(r));
                sections = group(r, &numbers, changes, meta, &located);
                let fields = if old.origin.is_word() {
                    Vec::new()
                } else {
                    diff::compare(&diff::field_blocks(&old.doc), &diff::field_blocks(r))
                };
                if !fields.is_empty() {
                    let comments = meta
                        .comments
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.section.as_ref().is_some_and(|s| names_fields(&s.value)))
                        .map(|(i, c)| c.label(i))
                        .collect();
                    sections.insert(
                        0,
                        SectionChanges {
                            location: FIELDS_LOCATION.to_string(),
                            heading: None,
                            fields: true,
                            comments,
                            changes: fields,
                        },
                    );
                }
                reviewed = Some(Ok(old.origin));
            }
            Err(e) => reviewed = Some(Err(e)),
        }
    }
    Some(ResponseView {
        meta,
        revised,
        revised_title,
        rows,
        reviewed,
        sections,
        numbers,
    })
}

fn comment_row(
    i: usize,
    c: &ReviewComment,
    located: &[(String, Option<usize>)],
    numbers: &[(String, String)],
) -> CommentRow {
    let s = |v: &Option<crate::document::fields::Spanned<String>>| {
        v.as_ref().map_or_else(String::new, |x| x.value.clone())
    };
    let location = located
        .iter()
        .map(|(written, hit)| hit.map_or_else(|| written.clone(), |h| location(numbers, h)))
        .collect::<Vec<_>>()
        .join("；");
    CommentRow {
        number: c.label(i),
        by: s(&c.by),
        text: s(&c.text),
        response: s(&c.response),
        location,
        sections: located.to_vec(),
    }
}

/// Changes grouped by the top section they stand in (a chapter's
/// subsections stay apart when they are headed), in the revised order.
fn group(
    revised: &Document,
    numbers: &[(String, String)],
    changes: Vec<Change>,
    meta: &ResponseMeta,
    located: &[Vec<(String, Option<usize>)>],
) -> Vec<SectionChanges> {
    let mut out: Vec<(Option<usize>, SectionChanges)> = Vec::new();
    for c in changes {
        match out.last_mut() {
            Some((s, g)) if *s == c.section => g.changes.push(c),
            _ => {
                let location = c
                    .section
                    .map_or_else(|| "（正文开头）".to_string(), |i| location(numbers, i));
                out.push((
                    c.section,
                    SectionChanges {
                        location,
                        heading: c.section,
                        fields: false,
                        comments: Vec::new(),
                        changes: vec![c],
                    },
                ));
            }
        }
    }
    for (section, g) in &mut out {
        for (i, (c, loc)) in meta.comments.iter().zip(located).enumerate() {
            // A declined comment (未采纳) answers no change.
            let declined = c
                .response
                .as_ref()
                .is_some_and(|r| !crate::document::response::claims_a_change(&r.value));
            if declined {
                continue;
            }
            // A comment on a chapter answers the changes in its sections.
            let answers = loc
                .iter()
                .any(|(_, hit)| hit.is_some_and(|h| within(revised, *section, h)));
            if answers {
                g.comments.push(c.label(i));
            }
        }
    }
    out.into_iter().map(|(_, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rel: &str, body: &str) -> Document {
        crate::document::parse(
            rel,
            rel.into(),
            format!("---\nkind: pilot-plan\ntitle: 甲县方案\n---\n{body}"),
            None,
        )
    }

    #[test]
    fn sections_are_numbered_as_printed_and_found_by_number_or_title() {
        let d = doc(
            "content/a.md",
            "# 试点基础\n\n## 试点对象范围与区位\n\n文。\n\n## 产业概况\n\n文。\n\n# 三、主要目标\n\n文。\n",
        );
        let n = section_numbers(&d);
        assert_eq!(location(&n, 1), "一（一）试点对象范围与区位");
        assert_eq!(location(&n, 2), "一（二）产业概况");
        assert_eq!(location(&n, 3), "三、主要目标");
        let hits: Vec<Option<usize>> = locate(
            &d,
            "一（二）；试点对象范围与区位；一、（一）试点对象范围与区位；第九章；第二章；一（二）产业情况；产业；范围与区位",
        )
        .into_iter()
        .map(|(_, h)| h)
        .collect();
        // 第二章 is the second chapter; a number keeps a renamed title; a
        // part of one title is that section, of none (产业, 2 characters)
        // nothing.
        assert_eq!(
            hits,
            [
                Some(2),
                Some(1),
                Some(1),
                None,
                Some(3),
                Some(2),
                None,
                Some(1)
            ]
        );
    }

    #[test]
    fn an_old_number_with_its_title_finds_the_renumbered_section() {
        // 试点组织架构 was inserted as 一（一）: 试点内容 is 一（二) now.
        let d = doc(
            "content/a.md",
            "# 一、试点工作内容\n\n## （一）试点组织架构\n\n文。\n\n## （二）试点内容\n\n文。\n\n## （三）试点方法及技术路线\n\n文。\n\n# 二、保障措施\n\n文。\n",
        );
        let hits: Vec<Option<usize>> = locate(
            &d,
            "一（一）试点内容；一（二）试点方法及技术路线；一（一）试点工作组织",
        )
        .into_iter()
        .map(|(_, h)| h)
        .collect();
        // The title decides; a title found nowhere keeps its number.
        assert_eq!(hits, [Some(2), Some(3), Some(1)]);
    }

    #[test]
    fn a_number_path_is_taken_off_but_not_a_title_that_starts_with_a_numeral() {
        for (written, title) in [
            ("四（一）试点内容", "试点内容"),
            ("四、（二）试点方法", "试点方法"),
            ("（三）一体化管理", "一体化管理"),
            ("三废治理", "三废治理"),
            ("1.2 生产工艺", "生产工艺"),
            ("第三章 筹划与组织", "筹划与组织"),
            ("十大工程", "十大工程"),
        ] {
            assert_eq!(strip_number_path(written), title, "{written}");
        }
    }

    #[test]
    fn places_that_are_no_heading_are_not_looked_for() {
        for p in [
            "全文", "通篇", "多处", "附件1", "表3", "图2-1", "附表", "封面",
        ] {
            assert!(names_no_heading(p), "{p}");
        }
        // A title that starts like one is a title.
        for p in ["表格说明", "图例", "全部企业", "试点基础"] {
            assert!(!names_no_heading(p), "{p}");
        }
    }

    #[test]
    fn the_revised_document_is_found_by_path_name_or_title() {
        let docs = vec![doc("content/甲方案.md", "# 一、基础\n")];
        for spec in [
            "content/甲方案.md",
            "甲方案.md",
            "甲方案",
            "content\\甲方案.md",
            "甲县方案",
        ] {
            assert!(find_revised(&docs, spec).is_some(), "{spec}");
        }
        assert!(find_revised(&docs, "乙方案").is_none());
    }

    #[test]
    fn a_kept_copy_outside_the_project_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc("content/a.md", "# 一\n");
        let e = load_reviewed(
            dir.path(),
            &d,
            "../送审稿.md",
            &Call::preset(crate::call::DEFAULT_PRESET).unwrap().unwrap(),
        )
        .unwrap_err();
        assert!(e.message.contains("项目之外"), "{e:?}");
        let e = load_reviewed(
            dir.path(),
            &d,
            "送审稿/a.md",
            &Call::preset(crate::call::DEFAULT_PRESET).unwrap().unwrap(),
        )
        .unwrap_err();
        assert!(e.message.contains("找不到"), "{e:?}");
        let e = load_reviewed(
            dir.path(),
            &d,
            "送审版",
            &Call::preset(crate::call::DEFAULT_PRESET).unwrap().unwrap(),
        )
        .unwrap_err();
        assert!(e.message.contains("git"), "{e:?}");
    }
}
