//! The response to the expert review (修改说明): each comment and how it
//! was answered, checked against the document it answers and the version
//! the experts read; printed as a letter with the table 序号 | 专家意见 |
//! 修改情况 | 修改位置 and the comparison (修改对照表), and a Word file of
//! the revised document with the changes tracked. The comparison itself is
//! `crate::review`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use super::{DocKind, ExtraWord, Fields, Kind, NewOptions, PrintData, WordJob, WordLayout, text};
use crate::call::Call;
use crate::check::Ctx;
use crate::config::{Config, Fatal};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::{Reader, Spanned};
use crate::document::response::ResponseMeta;
use crate::document::voluntary::date_zh;
use crate::project::{CONTENT_DIR, Project};
use crate::render::docx::{Item, RunOrLink, Writer, table};
use crate::render::pdf::Printer;
use crate::render::pdf::convert::Converted;
use crate::rule;
use crate::scaffold;
use docx_rs::{AlignmentType, BreakType, Paragraph, Run};
use pulldown_cmark::Alignment;

pub struct Response;

pub const KIND: DocKind = DocKind::new(&Response);

/// A response's fields, when `doc` is a response.
pub fn of(doc: &Document) -> Option<&ResponseMeta> {
    doc.meta.get::<ResponseMeta>()
}

impl Fields for ResponseMeta {
    fn kind(&self) -> DocKind {
        KIND
    }
    fn title(&self) -> Option<&Spanned<String>> {
        self.title.as_ref()
    }
    fn date(&self) -> Option<&Spanned<chrono::DateTime<chrono::FixedOffset>>> {
        self.date.as_ref()
    }
}

impl Kind for Response {
    fn id(&self) -> &'static str {
        "review-response"
    }

    fn read(&self, r: &mut Reader<'_>) -> Arc<dyn Fields> {
        Arc::new(ResponseMeta::read(r))
    }

    /// Checked against the document it answers: all its rules span
    /// documents, and run again when either changes.
    fn check_across(&self, ctx: &Ctx<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
        crate::check::review::check(ctx, docs, out);
    }

    fn print(
        &self,
        p: &Printer<'_>,
        doc: &Document,
        _body: &Converted,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<PrintData> {
        let meta = of(doc)?;
        let view = crate::review::view(p.root, p.call, doc, p.documents);
        if let Some(d) = unreadable(doc, meta, view.as_ref()) {
            diags.push(d);
            return None;
        }
        Some(PrintData {
            function: "response",
            wraps_body: true,
            args: print_args(p, meta, view.as_ref()),
            date: meta.date.as_ref().map(|d| d.value),
        })
    }

    /// The document it answers.
    fn refers_to<'d>(&self, doc: &Document, docs: &'d [Document]) -> Option<&'d Document> {
        crate::review::find_revised(docs, &of(doc)?.revised.as_ref()?.value)
    }

    fn site_view(&self, project: &Project, doc: &Document, to_root: &str) -> Value {
        site_view(project, doc, to_root)
    }

    /// 修改位置 names the pages of the revised PDF: it is printed first.
    fn prints_after_others(&self) -> bool {
        true
    }

    /// A letter: no cover, no contents.
    fn word(&self) -> WordLayout {
        WordLayout::Letter
    }

    /// Its Word file holds its comparison with the document it answers:
    /// what that document and the reviewed version say are its inputs.
    fn word_file<'a>(
        &self,
        project: &'a Project,
        doc: &'a Document,
        root: &'a Path,
        out_dir: &'a Path,
        fonts: &'a crate::render::docx::WordFonts,
    ) -> WordJob<'a> {
        let (Some(meta), Some(mut view)) = (
            of(doc),
            crate::review::view(root, &project.call, doc, &project.documents),
        ) else {
            return WordJob::plain(project, doc, root, fonts);
        };
        // 修改位置 names the pages of the revised PDF, as the response's PDF
        // does, when that PDF was printed (its record keeps its headings).
        if let Some(r) = view.revised {
            let pdf = crate::paths::pdf_path(out_dir, &r.src.rel);
            let file = crate::project::rel_path(out_dir, &pdf);
            let pages = crate::output::records(out_dir)
                .get(&file)
                .filter(|rec| !rec.headings.is_empty())
                .map(|rec| crate::review::pages_of(r, &rec.headings))
                .unwrap_or_default();
            let located: Vec<String> = view
                .rows
                .iter()
                .map(|row| with_pages(&view, row, &pages))
                .collect();
            for (row, at) in view.rows.iter_mut().zip(located) {
                row.location = at;
            }
        }
        let inputs = typst::utils::hash128(&format!(
            "{:?}",
            (&view.rows, &view.sections, &view.reviewed)
        ));
        WordJob {
            inputs,
            // Not without its comparison (see `unreadable`).
            refused: unreadable(doc, meta, Some(&view)),
            export: Box::new(move || {
                crate::render::docx::export_with(doc, project.call_for(doc), root, fonts, &|w| {
                    write_word(w, &view)
                })
            }),
        }
    }

    fn extra_word_files(
        &self,
        project: &Project,
        doc: &Document,
        out_dir: &Path,
        fonts: &crate::render::docx::WordFonts,
        date: &str,
    ) -> Vec<ExtraWord> {
        tracked(project, doc, out_dir, fonts, date)
            .into_iter()
            .collect()
    }

    fn skeleton(&self, _call: &Call, title: &str) -> String {
        let mut s = scaffold::front(KIND, title);
        s.push_str(RESPONSE_BODY);
        s
    }

    /// `--for` names the document it answers; `--reviewed` the version
    /// the experts read (else the repository's 送审 tag).
    fn create(
        &self,
        root: &Path,
        _config: &Config,
        name: &str,
        opts: &NewOptions,
    ) -> Result<PathBuf, Fatal> {
        if opts.from.is_some() {
            return Err(Fatal::new("--from 只用于 new call 和 new plan"));
        }
        let Some(revised) = &opts.revised else {
            return Err(Fatal::new("new response 要用 --for 指出修改的文档")
                .with_help("如 shenbao new response 修改说明 --for content/实施方案.md"));
        };
        new_response(root, name, revised, opts.reviewed.as_deref(), &[])
    }

    fn next_step(&self) -> &'static str {
        "逐条写专家意见和修改情况，然后运行 shenbao check；shenbao build 生成修改说明和修改对照表"
    }

    fn import_front(
        &self,
        cover: &crate::import::CoverFacts,
        front: &mut crate::import::FrontWriter,
    ) {
        front.field("title", cover.title.clone(), "");
        front.raw("for:   # 待补充：按专家意见修改后的文档，如 content/实施方案.md\n");
        front.raw("comments: []   # 待补充：逐条写专家意见（shenbao import 意见.docx --comments --for 文档 可从 Word 批注读取）\n");
    }
}

/// The response's Word content after its text: the table of comments,
/// then the comparison, each changed section before and after side by
/// side (deletions struck through, insertions underlined, as the PDF).
fn write_word(w: &mut Writer<'_>, v: &crate::review::ResponseView<'_>) {
    use crate::review::diff::{Mark, Seg};
    let txt = |s: &str, bold: bool| {
        let mut r = Run::new().add_text(s.to_string());
        if bold {
            r = r.bold();
        }
        vec![RunOrLink::Run(r)]
    };
    let head: Vec<String> = ["序号", "专家意见", "修改情况", "修改位置"]
        .map(String::from)
        .to_vec();
    let plain: Vec<Vec<String>> = v
        .rows
        .iter()
        .map(|r| {
            vec![
                r.number.clone(),
                r.text_with_author(),
                r.response.clone(),
                r.location.clone(),
            ]
        })
        .collect();
    if !plain.is_empty() {
        let rows = plain
            .iter()
            .map(|r| r.iter().map(|c| txt(c, false)).collect())
            .collect();
        let header = head.iter().map(|h| txt(h, true)).collect();
        w.tables += 1;
        let aligns = [
            Alignment::Center,
            Alignment::None,
            Alignment::None,
            Alignment::None,
        ];
        w.body.push(Item::T(Box::new(table(
            &aligns, header, head, rows, &plain,
        ))));
    }
    // The signature (落款), as the PDF prints it.
    let applicant = v.meta.applicant.as_ref().map(|a| a.value.clone());
    let date = v
        .meta
        .date
        .as_ref()
        .map(|d| crate::document::voluntary::date_zh(&d.value));
    if applicant.is_some() || date.is_some() {
        w.para(Paragraph::new().style("BodyText"));
        for line in [applicant, date].into_iter().flatten() {
            w.para(
                Paragraph::new()
                    .style("BodyText")
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(line)),
            );
        }
    }
    let reviewed = v.reviewed_label();
    if v.sections.is_empty() {
        // Compared, and nothing changed: said, as the PDF says it.
        if !reviewed.is_empty() {
            w.para(
                Paragraph::new()
                    .style("BodyText")
                    .add_run(Run::new().add_text(format!(
                        "修改对照表：正文与送审版本相比没有改动。送审版本：{reviewed}。"
                    ))),
            );
        }
        return;
    }
    w.headings.push((1, "修改对照表".to_string()));
    w.para(
        Paragraph::new()
            .style("Title")
            .page_break_before(true)
            .add_run(Run::new().add_text("修改对照表")),
    );
    w.para(Paragraph::new().style("BodyText").add_run(Run::new().add_text(format!(
        "修改前：{reviewed}；修改后：《{}》（本次提交的版本）。删除的文字加删除线，新增的文字加下划线；只列出有改动的段落。",
        v.revised_title
    ))));
    let runs = |segs: &[Seg]| -> Vec<RunOrLink> {
        if segs.is_empty() {
            return vec![RunOrLink::Run(
                Run::new().add_text("（无）").color("787878"),
            )];
        }
        segs.iter()
            .map(|g| {
                let r = Run::new().add_text(g.text.as_str());
                RunOrLink::Run(match g.mark {
                    Mark::Same => r,
                    Mark::Deleted => r.strike().color("A40000"),
                    Mark::Inserted => r.underline("single").color("0038A8"),
                })
            })
            .collect()
    };
    for sec in &v.sections {
        let mut heading = sec.location.clone();
        if !sec.comments.is_empty() {
            heading.push_str(&format!("（意见 {}）", sec.comments.join("、")));
        }
        w.para(
            Paragraph::new()
                .style("Heading2")
                .keep_next(true)
                .add_run(Run::new().add_text(heading)),
        );
        // Both sides measured as the longer one: the two columns are
        // equal, as in the PDF (sized by content, a short 修改前 was
        // one character wide).
        let plain: Vec<Vec<String>> = sec
            .changes
            .iter()
            .map(|c| {
                let t = |s: &[Seg]| s.iter().map(|g| g.text.as_str()).collect::<String>();
                let (b, a) = (t(&c.before), t(&c.after));
                let longer = if b.chars().count() >= a.chars().count() {
                    b
                } else {
                    a
                };
                vec![longer.clone(), longer]
            })
            .collect();
        let rows =
            sec.changes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // A table row says which columns its cells are, on
                    // both sides, once for rows of one table in a row.
                    let shown = c.columns.as_ref().filter(|cols| {
                        i == 0 || sec.changes[i - 1].columns.as_ref() != Some(*cols)
                    });
                    let side = |segs: &[Seg]| {
                        let mut cell = Vec::new();
                        if let Some(cols) = shown {
                            cell.push(RunOrLink::Run(
                                Run::new()
                                    .add_text(format!("表格行，各列为：{cols}"))
                                    .color("5A5A5A")
                                    .add_break(BreakType::TextWrapping),
                            ));
                        }
                        cell.extend(runs(segs));
                        cell
                    };
                    vec![side(&c.before), side(&c.after)]
                })
                .collect();
        let head = vec!["修改前".to_string(), "修改后".to_string()];
        let header = head.iter().map(|h| txt(h, true)).collect();
        w.tables += 1;
        w.body.push(Item::T(Box::new(table(
            &[Alignment::None, Alignment::None],
            header,
            head,
            rows,
            &plain,
        ))));
    }
}

/// The site's view of a response: the table, and the comparison side by
/// side (`templates/document.html`).
fn site_view(project: &Project, doc: &Document, to_root: &str) -> Value {
    let Some(v) = crate::review::view(&project.root, &project.call, doc, &project.documents) else {
        return serde_json::Value::Null;
    };
    let segs = segs_json;
    let (reviewed, reviewed_error) = match &v.reviewed {
        Some(Ok(o)) => (o.describe(), None),
        Some(Err(e)) => (String::new(), Some(e.message.clone())),
        None => (String::new(), None),
    };
    serde_json::json!({
        "revised": {
            "title": v.revised_title,
            "url": v.revised.map(|r| format!("{to_root}{}", crate::render::site::page_path(&r.src.rel).0)),
        },
        "reviewed": reviewed,
        "reviewed_error": reviewed_error,
        "rows": v.rows.iter().map(|r| serde_json::json!({
            "number": r.number, "by": r.by, "text": r.text,
            "response": r.response, "location": r.location,
            "unanswered": r.response.is_empty(),
        })).collect::<Vec<_>>(),
        "unanswered": v.rows.iter().filter(|r| r.response.is_empty()).count(),
        "sections": v.sections.iter().map(|s| serde_json::json!({
            "location": s.location,
            "comments": s.comments,
            "changes": s.changes.iter().map(|c| serde_json::json!({
                "before": segs(&c.before), "after": segs(&c.after),
                "columns": c.columns,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Runs of a compared paragraph as the PDF's theme and the site read
/// them: `{text, mark}` with mark `same`, `del` or `ins`.
fn segs_json(segs: &[crate::review::diff::Seg]) -> Vec<Value> {
    use crate::review::diff::Mark;
    segs.iter()
        .map(|g| {
            let mark = match g.mark {
                Mark::Same => "same",
                Mark::Deleted => "del",
                Mark::Inserted => "ins",
            };
            json!({"text": g.text, "mark": mark})
        })
        .collect()
}

/// A comment's 修改位置 with the page of the revised PDF each located
/// section is printed on (`pages`, by heading; empty when that PDF was not
/// printed): 一（一）试点对象范围与区位（第1页）.
fn with_pages(
    view: &crate::review::ResponseView<'_>,
    row: &crate::review::CommentRow,
    pages: &[Option<usize>],
) -> String {
    if pages.is_empty() {
        return row.location.clone();
    }
    row.sections
        .iter()
        .map(|(written, hit)| match hit {
            Some(h) => {
                let at = crate::review::location(&view.numbers, *h);
                match pages.get(*h).copied().flatten() {
                    Some(n) => format!("{at}（第{n}页）"),
                    None => at,
                }
            }
            None => written.clone(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// `print/comparison`: the version the experts read is named but cannot
/// be read, so the comparison would be missing from what is printed: the
/// response is not printed (nor its Word files) rather than printed
/// without it. `review/reviewed` says why in the check.
fn unreadable(
    doc: &Document,
    meta: &ResponseMeta,
    view: Option<&crate::review::ResponseView<'_>>,
) -> Option<Diagnostic> {
    let spec = meta.reviewed.as_ref()?;
    let Some(Err(e)) = view.and_then(|v| v.reviewed.as_ref()) else {
        return None;
    };
    Some(
        Diagnostic::at(
            rule::PRINT_COMPARISON,
            Severity::Error,
            &doc.src,
            spec.span.clone(),
            format!(
                "送审版本“{}”无法读取，不生成缺少修改对照表的修改说明：{}",
                spec.value, e.message
            ),
        )
        .with_label("送审版本")
        .with_help("改正 reviewed（git 标签、提交，或保留的送审稿文件路径）后重新构建；不需要修改对照表时删去 reviewed 这一行"),
    )
}

/// The theme's `response` arguments: the comments with where each was
/// changed (and on which page of the revised PDF, when it was printed),
/// and the comparison with the version the experts read.
fn print_args(
    p: &Printer<'_>,
    meta: &ResponseMeta,
    view: Option<&crate::review::ResponseView<'_>>,
) -> serde_json::Map<String, Value> {
    let title = text(meta.title.as_ref());
    let title = if title.is_empty() {
        KIND.name_zh().to_string()
    } else {
        title
    };
    let mut args = serde_json::Map::new();
    args.insert(
        "meta".into(),
        json!({
            "title-lines": crate::render::pdf::layout::title_lines(&title, 20.0),
            "title": title,
            "applicant": text(meta.applicant.as_ref()),
            "date": meta.date.as_ref().map(|d| date_zh(&d.value)).unwrap_or_default(),
            "revised": view.map_or_else(String::new, |v| format!("《{}》", v.revised_title)),
        }),
    );
    args.insert("fonts".into(), p.fonts_json());
    // The pages of the revised PDF, when it was printed this run or
    // before: 修改位置 names them.
    let pages: Vec<Option<usize>> = view
        .and_then(|v| v.revised)
        .and_then(|r| Some(crate::review::pages_of(r, &p.heading_pages(&r.src.rel)?)))
        .unwrap_or_default();
    let comments: Vec<Value> = view
        .iter()
        .flat_map(|v| v.rows.iter().map(|r| (r, with_pages(v, r, &pages))))
        .map(|(r, location)| {
            json!({"number": r.number, "text": r.text_with_author(), "response": r.response, "location": location})
        })
        .collect();
    args.insert("comments".into(), comments.into());
    let reviewed = view.map(|v| v.reviewed_label()).unwrap_or_default();
    args.insert("reviewed".into(), reviewed.into());
    let runs = segs_json;
    let sections: Vec<Value> = view
        .iter()
        .flat_map(|v| &v.sections)
        .map(|sec| {
            let rows: Vec<Value> = sec
                .changes
                .iter()
                .map(|c| {
                    json!({
                        "before": runs(&c.before),
                        "after": runs(&c.after),
                        "columns": c.columns.as_deref().unwrap_or(""),
                    })
                })
                .collect();
            json!({"location": sec.location, "comments": sec.comments, "rows": rows})
        })
        .collect();
    args.insert("sections".into(), sections.into());
    args
}

/// The document a response answers, with tracked changes (`w:ins` and
/// `w:del` by 修改稿) against the version the experts read, as
/// `<name>-修订.docx` beside its clean Word file. None when there is no
/// comparison to write (no `reviewed`, or it cannot be read: the check
/// says why).
fn tracked(
    project: &Project,
    doc: &Document,
    out_dir: &Path,
    fonts: &crate::render::docx::WordFonts,
    date: &str,
) -> Option<ExtraWord> {
    let meta = of(doc)?;
    let revised = crate::review::find_revised(&project.documents, &meta.revised.as_ref()?.value)?;
    let reviewed = crate::review::load_reviewed(
        &project.root,
        revised,
        &meta.reviewed.as_ref()?.value,
        &project.call,
    )
    .ok()?;
    let changes = crate::review::diff::walk(
        &crate::review::diff::blocks(&reviewed.doc),
        &crate::review::diff::blocks(revised),
    );
    let clean = crate::render::docx::docx_path(out_dir, &revised.src.rel);
    let stem = clean
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let target = clean.with_file_name(format!("{stem}-修订.docx"));
    let date = if date.is_empty() {
        "2000-01-01T00:00:00Z"
    } else {
        date
    };
    // Changes to the fields (the cover, 附表) are not marked in the
    // body: they count as not shown.
    let fields = if reviewed.origin.is_word() {
        0
    } else {
        crate::review::diff::compare(
            &crate::review::diff::field_blocks(&reviewed.doc),
            &crate::review::diff::field_blocks(revised),
        )
        .len()
    };
    let wanted = fields
        + changes
            .iter()
            .filter(|c| {
                c.unified
                    .iter()
                    .any(|s| s.mark != crate::review::diff::Mark::Same)
            })
            .count();
    let mut diagnostics = Vec::new();
    let exported = crate::render::docx::export_tracked(
        revised,
        project.call_for(revised),
        &project.root,
        fonts,
        &changes,
        date,
    );
    // Never silent: a change the Word file does not show as a revision
    // (in a figure, a footnote) is said.
    if let Ok(e) = &exported
        && e.revisions < wanted
    {
        diagnostics.push(
            Diagnostic::file(
                rule::DOCX_TRACKED,
                Severity::Warning,
                &doc.src.rel,
                format!(
                    "修订稿 {} 中有 {} 处改动没有标成修订（共 {wanted} 处）",
                    crate::text::escape_name(&crate::project::rel_path(out_dir, &target)),
                    wanted - e.revisions
                ),
            )
            .with_help(
                "字段区（封面、附表）、图片、脚注或代码块中的改动不标成修订：请以修改对照表（修改说明 PDF）为准",
            ),
        );
    }
    Some(ExtraWord {
        target,
        what: "修订稿",
        bytes: exported.map(|e| e.bytes),
        diagnostics,
    })
}

/// The body of a new response: the opening paragraph such letters have;
/// the table and the comparison are made from the fields.
pub(crate) const RESPONSE_BODY: &str = "<!-- 编写提示：正文写开头的说明即可；意见逐条写在上面的 comments 中，shenbao build 会排成“序号 | 专家意见 | 修改情况 | 修改位置”表，并按 reviewed 生成修改对照表。 -->\n\n根据专家评审意见，我单位对文档进行了认真修改，现将修改情况说明如下。\n";

/// A new response to the expert review of `revised` (a document of the
/// project): its `for:`, its title from the revised document's, and the
/// version the experts read named `reviewed`.
pub fn new_response(
    root: &Path,
    name: &str,
    revised: &str,
    reviewed: Option<&str>,
    comments: &[crate::import::comments::WordComment],
) -> Result<PathBuf, Fatal> {
    let rel = revised.trim().replace('\\', "/");
    let rel = rel.trim_start_matches("./").to_string();
    let rel = if Path::new(&rel).extension().is_none() {
        format!("{rel}.md")
    } else {
        rel
    };
    let candidates = [rel.clone(), format!("{CONTENT_DIR}/{rel}")];
    let found =
        candidates
            .iter()
            .find_map(|c| match crate::paths::ensure_inside(root, Path::new(c)) {
                Ok(crate::paths::Inside::Yes(p)) if p.is_file() => Some((c.clone(), p)),
                _ => None,
            });
    let Some((rel, real)) = found else {
        return Err(
            Fatal::new(format!("项目中没有 {}", crate::paths::shown(&rel)))
                .with_help("--for 写按专家意见修改的文档，如 content/实施方案.md"),
        );
    };
    let text = crate::fsutil::read_regular(&real, crate::document::MAX_DOCUMENT_BYTES)
        .ok()
        .and_then(|b| crate::document::decode(&rel, b).ok())
        .unwrap_or_default();
    let doc = crate::document::parse(&rel, real, text, None);
    let doc_title = match doc.kind() {
        Some(k) => crate::views::full_title(&doc.display_title(), k.name_zh()),
        None => doc.display_title(),
    };
    let applicant = doc
        .plan()
        .and_then(|p| p.applicant.as_ref())
        .or_else(|| doc.enterprise().and_then(|e| e.name.as_ref()))
        .map(|a| a.value.clone());
    let file = scaffold::file_name(name)?;
    let path = root.join(CONTENT_DIR).join(&file);
    if path.exists() {
        return Err(Fatal::new(format!("{} 已存在，不会覆盖", path.display()))
            .with_help("换一个名称，或先把原文件改名"));
    }
    let kind = KIND;
    let mut s = format!("---\n{}", scaffold::schema_line(kind.id(), 1));
    s.push_str("kind: review-response\n");
    s.push_str(&format!(
        "title: {}\n",
        scaffold::yaml_quote(&format!("关于《{doc_title}》专家意见的修改说明"))
    ));
    s.push_str(&format!(
        "for: {}   # 修改后的文档\n",
        scaffold::yaml_quote(&rel)
    ));
    s.push_str(&format!(
        "reviewed: {}   # 专家评审时看的版本：git 标签或提交，或保留的送审稿文件（.md/.docx，放在 content/ 之外）\n",
        scaffold::yaml_quote(
            &reviewed
                .map(str::to_string)
                .or_else(|| crate::review::reviewed_tag(root))
                .unwrap_or_else(|| "送审版".to_string())
        )
    ));
    match applicant {
        Some(a) => s.push_str(&format!("applicant: {}\n", scaffold::yaml_quote(&a))),
        None => s.push_str("applicant: 待补充\n"),
    }
    let today = chrono::Utc::now()
        .with_timezone(&crate::call::beijing())
        .format("%Y-%m-%d")
        .to_string();
    s.push_str(&format!("date: {today}\n"));
    s.push_str("comments:   # 逐条写专家意见：section 写修改后文档中的标题或编号（如 一（一））\n");
    if comments.is_empty() {
        s.push_str(
            "  - id: 1\n    by: 专家组\n    text: 待补充\n    section: 待补充\n    response: 待补充\n",
        );
    }
    for (i, c) in comments.iter().enumerate() {
        s.push_str(&format!("  - id: {}\n", i + 1));
        if !c.author.is_empty() {
            s.push_str(&format!("    by: {}\n", scaffold::yaml_quote(&c.author)));
        }
        s.push_str(&format!(
            "    text: {}\n",
            scaffold::yaml_quote(&c.text.replace('\n', " "))
        ));
        let anchor: String = c
            .anchor
            .chars()
            .take(30)
            .collect::<String>()
            .replace(['\n', '\r'], " ");
        let note = if anchor.is_empty() {
            String::new()
        } else {
            format!("批注所在段落：“{anchor}…”")
        };
        match crate::import::comments::section_of(&doc, c) {
            Some(sec) if note.is_empty() => s.push_str(&format!("    section: {}\n", scaffold::yaml_quote(&sec))),
            Some(sec) => s.push_str(&format!("    section: {}   # {note}\n", scaffold::yaml_quote(&sec))),
            None => s.push_str(&format!(
                "    section: 待补充   # 在修改后的文档中没有找到批注所在的段落，请填写章节。{note}\n"
            )),
        }
        s.push_str("    response: 待补充\n");
    }
    s.push_str("---\n\n");
    s.push_str(RESPONSE_BODY);
    crate::fsutil::create_new_atomic(&path, s.as_bytes())
        .map_err(|e| scaffold::io_fatal("无法写入", &path, &e))?;
    scaffold::write_schemas(root)?;
    Ok(path)
}
