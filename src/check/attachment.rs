//! `attachment/missing-file`, `attachment/outside-project`,
//! `attachment/format`, `attachment/remote-image` and
//! `attachment/recommendation-letter`.
//!
//! Attachment paths are relative to the project root; image paths in the
//! text are relative to the document, as in any Markdown.

use crate::rule;
use std::path::Path;

use super::{Ctx, diag, key_span};
use crate::assets::{Resolve, file_head, image_kind, is_remote, resolve};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::{AttachmentKind, PlanMeta};

const BINDABLE: &[&str] = &["pdf", "png", "jpg", "jpeg"];

fn extension_ok(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| BINDABLE.iter().any(|b| b.eq_ignore_ascii_case(e)))
}

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    for a in &plan.attachments {
        let span = a.file.span.clone();
        match resolve(ctx.root, ctx.root, &a.file.value) {
            Err(Resolve::Outside) => out.push(outside(doc, span, &a.file.value)),
            Err(Resolve::Missing) => out.push(
                diag(
                    rule::ATTACHMENT_MISSING_FILE,
                    Severity::Error,
                    doc,
                    span,
                    format!("附件文件“{}”不存在", a.file.value),
                )
                .with_label("找不到文件")
                .with_help(
                    "附件路径相对于项目根目录（shenbao.yaml 所在目录），如 attachments/推荐函.pdf",
                ),
            ),
            Ok(_) if !extension_ok(&a.file.value) => out.push(
                diag(
                    rule::ATTACHMENT_FORMAT,
                    Severity::Error,
                    doc,
                    span,
                    format!("附件“{}”不是 PDF 或图片，无法装订", a.file.value),
                )
                .with_help("把附件转成 PDF，或扫描为 PNG/JPG 图片"),
            ),
            Ok(_) => {}
        }
    }
    let doc_dir = doc.path.parent().unwrap_or(ctx.root).to_path_buf();
    for link in doc.body.links.iter().filter(|l| l.image) {
        if is_remote(&link.dest) {
            out.push(
                diag(
                    rule::ATTACHMENT_REMOTE_IMAGE,
                    Severity::Warning,
                    doc,
                    link.span.clone(),
                    format!("网络图片“{}”不会被下载，打印版中将缺失", link.dest),
                )
                .with_help("把图片下载到项目里（如 content/images/），用相对路径引用"),
            );
            continue;
        }
        if link.dest.trim().is_empty() {
            continue;
        }
        match resolve(ctx.root, &doc_dir, &link.dest) {
            Err(Resolve::Outside) => out.push(outside(doc, link.span.clone(), &link.dest)),
            Err(Resolve::Missing) => out.push(
                diag(
                    rule::ATTACHMENT_MISSING_FILE,
                    Severity::Error,
                    doc,
                    link.span.clone(),
                    format!("图片“{}”不存在", link.dest),
                )
                .with_label("找不到图片")
                .with_help("图片路径相对于本文档所在目录"),
            ),
            Ok(real) if file_head(&real).is_none_or(|h| image_kind(&h).is_none()) => out.push(
                diag(
                    rule::ATTACHMENT_FORMAT,
                    Severity::Error,
                    doc,
                    link.span.clone(),
                    format!("“{}”不是图片（按文件内容判断）", link.dest),
                )
                .with_label("不是图片")
                .with_help(
                    "正文中的图片只能是 PNG、JPG、GIF、WebP 或 SVG 文件；其他文件请作为附件",
                ),
            ),
            Ok(_) => {}
        }
    }
    // Which stages of this call ask for the letter, in its own words.
    let wanting: Vec<String> = ctx
        .call
        .milestones
        .iter()
        .filter(|m| {
            ctx.call
                .includes_of(m)
                .iter()
                .any(|i| i == "recommendation-letter")
        })
        .map(|m| {
            if m.bound {
                format!("{}（合订胶装成册）", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    if !wanting.is_empty()
        && !plan
            .attachments
            .iter()
            .any(|a| a.kind == AttachmentKind::RecommendationLetter)
    {
        out.push(
            diag(rule::ATTACHMENT_RECOMMENDATION_LETTER, Severity::Warning, doc, key_span(doc, "attachments"), "尚未附省级推荐函")
                .with_help(format!("通知要求{}附推荐函。收到推荐函扫描件后放入项目，并在 attachments 中加 `- type: recommendation-letter` 和 `file: 路径`", wanting.join("、"))),
        );
    }
}

fn outside(doc: &Document, span: std::ops::Range<usize>, written: &str) -> Diagnostic {
    diag(
        rule::ATTACHMENT_OUTSIDE_PROJECT,
        Severity::Error,
        doc,
        span,
        format!("路径“{written}”指向项目目录之外，出于安全不会读取"),
    )
    .with_label("项目之外")
    .with_help("把文件复制到项目目录内（不要用绝对路径、`..` 或指向外部的符号链接）")
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn with_attachment(file: &str) -> String {
        good_plan().replace(
            "---\n# ",
            &format!("attachments:\n  - type: recommendation-letter\n    file: {file}\n---\n# "),
        )
    }

    fn n(d: &[Diagnostic], rule: crate::rule::RuleId) -> usize {
        d.iter().filter(|x| x.rule == rule).count()
    }

    #[test]
    fn attachment_rules() {
        let f = Fixture::new();
        std::fs::create_dir_all(f.root().join("attachments")).unwrap();
        std::fs::write(f.root().join("attachments/推荐函.pdf"), b"%PDF-1.4").unwrap();
        std::fs::write(f.root().join("attachments/letter.docx"), b"x").unwrap();
        let ok = f.check(&with_attachment("attachments/推荐函.pdf"));
        assert!(
            !rules(&ok).iter().any(|r| r.family() == "attachment"),
            "{ok:#?}"
        );
        assert_eq!(
            n(
                &f.check(&with_attachment("attachments/无.pdf")),
                rule::ATTACHMENT_MISSING_FILE
            ),
            1
        );
        assert_eq!(
            n(
                &f.check(&with_attachment("../../etc/passwd")),
                rule::ATTACHMENT_OUTSIDE_PROJECT
            ),
            1
        );
        assert_eq!(
            n(
                &f.check(&with_attachment("/etc/hostname")),
                rule::ATTACHMENT_OUTSIDE_PROJECT
            ),
            1
        );
        assert_eq!(
            n(
                &f.check(&with_attachment("attachments/letter.docx")),
                rule::ATTACHMENT_FORMAT
            ),
            1
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", f.root().join("attachments/link.pdf"))
                .unwrap();
            assert_eq!(
                n(
                    &f.check(&with_attachment("attachments/link.pdf")),
                    rule::ATTACHMENT_OUTSIDE_PROJECT
                ),
                1
            );
        }
        assert_eq!(
            n(
                &f.check(&good_plan()),
                rule::ATTACHMENT_RECOMMENDATION_LETTER
            ),
            1
        );
    }

    #[test]
    fn images_in_text() {
        let f = Fixture::new();
        std::fs::create_dir_all(f.root().join("content/img")).unwrap();
        std::fs::write(f.root().join("content/img/区位图.png"), b"png").unwrap();
        let text = format!(
            "{}\n![区位图](img/区位图.png)\n![x](img/none.png)\n![y](../../../etc/hostname)\n![z](https://example.com/a.png)\n",
            good_plan()
        );
        let d = f.check(&text);
        assert_eq!(n(&d, rule::ATTACHMENT_MISSING_FILE), 1, "{d:#?}");
        assert_eq!(n(&d, rule::ATTACHMENT_OUTSIDE_PROJECT), 1);
        assert_eq!(n(&d, rule::ATTACHMENT_REMOTE_IMAGE), 1);
    }
}
