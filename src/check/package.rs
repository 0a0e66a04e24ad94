//! `package/size` and `package/subject`: the e-mail package fits the
//! call's limit and its subject can be built.

use super::{Ctx, diag, field_span};
use crate::assets::embedded_files;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::plan::PlanMeta;
use crate::package::{base64_size, mib};
use crate::paths::pdf_path;
use crate::rule;

/// Characters that mail clients or file systems mangle in a subject that
/// also names the zip file.
const BAD_SUBJECT_CHARS: &[char] = &['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

pub fn check(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    size(ctx, doc, out);
    subject(ctx, doc, plan, out);
}

fn size(ctx: &Ctx<'_>, doc: &Document, out: &mut Vec<Diagnostic>) {
    let limit = ctx.call.package.limit_bytes;
    let warn = ctx.call.package.warn_bytes;
    // Once built, the bound PDF is what is sent; before that, the files
    // it will embed give a lower bound.
    let built = pdf_path(&ctx.out_dir, &doc.src.rel);
    let mut files: Vec<(String, u64)> = Vec::new();
    let basis;
    if let Ok(meta) = std::fs::metadata(&built) {
        files.push((crate::project::rel_path(ctx.root, &built), meta.len()));
        basis = "已生成的 PDF";
    } else {
        basis = "附件和图片（PDF 尚未生成，实际会更大）";
        files = embedded_files(ctx.root, doc);
    }
    let total: u64 = files.iter().map(|f| f.1).sum();
    let figures = format!(
        "{total} 字节（{:.2} MiB），邮件中按 base64 编码约 {:.2} MiB；按{basis}计算",
        mib(total),
        mib(base64_size(total))
    );
    let largest = files
        .iter()
        .take(5)
        .map(|(n, s)| format!("{n}（{:.2} MiB）", mib(*s)))
        .collect::<Vec<_>>()
        .join("、");
    let span = field_span(doc, "title");
    if total > limit {
        out.push(
            diag(rule::PACKAGE_SIZE, Severity::Error, doc, span, format!("电子件总大小 {figures}，超过通知规定的 {:.0} MiB", mib(limit)))
                .with_help(format!("最大的文件：{largest}。压缩或降低扫描图片的分辨率（150–200 dpi 足够），删去重复的附件")),
        );
    } else if total > warn {
        out.push(
            diag(
                rule::PACKAGE_SIZE,
                Severity::Warning,
                doc,
                span,
                format!("电子件总大小 {figures}，已超过 {warn} 字节，部分邮箱会按此拒收"),
            )
            .with_help(format!("最大的文件：{largest}。建议压缩图片，留出余量")),
        );
    }
}

/// Two plans whose e-mail subjects (the package's file name) are the same
/// would overwrite each other's package: an error on the later one,
/// naming the earlier.
pub fn subjects_unique(ctx: &Ctx<'_>, docs: &[Document], out: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<String, &Document> = Default::default();
    for doc in docs {
        let Some(plan) = doc.plan() else { continue };
        let (Some(title), Some(applicant)) = (&plan.title, &plan.applicant) else {
            continue;
        };
        let subject = ctx.call.subject(&title.value, &applicant.value);
        let key = {
            use unicode_normalization::UnicodeNormalization;
            crate::paths::file_name(&subject)
                .nfc()
                .collect::<String>()
                .to_lowercase()
        };
        match seen.get(&key) {
            Some(first) => out.push(
                diag(
                    rule::PACKAGE_SUBJECT,
                    Severity::Error,
                    doc,
                    title.span.clone(),
                    format!(
                        "邮件题目“{subject}”与 {} 的相同：两份电子件同名，pack 不会写出后一份",
                        first.src.rel
                    ),
                )
                .with_label("题目重复")
                .with_help("两份方案的项目名称或申报单位须有不同；同一方案只保留一份文件"),
            ),
            None => {
                seen.insert(key, doc);
            }
        }
    }
}

fn subject(ctx: &Ctx<'_>, doc: &Document, plan: &PlanMeta, out: &mut Vec<Diagnostic>) {
    let (Some(title), Some(applicant)) = (&plan.title, &plan.applicant) else {
        out.push(
            diag(
                rule::PACKAGE_SUBJECT,
                Severity::Error,
                doc,
                field_span(doc, "title"),
                format!(
                    "无法生成邮件题目：缺少{}",
                    match (&plan.title, &plan.applicant) {
                        (None, None) => "项目名称和申报单位",
                        (None, _) => "项目名称",
                        _ => "申报单位",
                    }
                ),
            )
            .with_help(format!(
                "邮件题目格式为“{}”，需要 title 和 applicant",
                ctx.call.package.subject
            )),
        );
        return;
    };
    for field in [title, applicant] {
        let bad: Vec<char> = field
            .value
            .chars()
            .filter(|c| BAD_SUBJECT_CHARS.contains(c) || c.is_control())
            .collect();
        if !bad.is_empty() {
            out.push(
                diag(
                    rule::PACKAGE_SUBJECT,
                    Severity::Error,
                    doc,
                    field.span.clone(),
                    format!(
                        "“{}”含有邮件题目和文件名中不能用的字符：{}",
                        field.value,
                        bad.iter()
                            .map(|c| format!("“{}”", c.escape_default()))
                            .collect::<String>()
                    ),
                )
                .with_label("不能用的字符")
                .with_help("去掉这些字符，或换成中文标点"),
            );
        }
        if field.value.contains('+') || field.value.contains('＋') {
            out.push(
                diag(
                    rule::PACKAGE_SUBJECT,
                    Severity::Error,
                    doc,
                    field.span.clone(),
                    format!("“{}”含有“+”，与邮件题目的分隔符冲突", field.value),
                )
                .with_label("含“+”")
                .with_help("改用“和”“与”或顿号"),
            );
        }
    }
    let subject = ctx.call.subject(&title.value, &applicant.value);
    // The package's file name is cut at paths::MAX_NAME_BYTES: a longer
    // subject would lose its end (the applicant) in the name.
    if subject.len() > crate::paths::MAX_NAME_BYTES {
        out.push(
            diag(
                rule::PACKAGE_SUBJECT,
                Severity::Error,
                doc,
                title.span.clone(),
                format!(
                    "邮件题目有 {} 字节，用作压缩包文件名会超过 {} 字节的上限（文件名会被截断，丢掉末尾的申报单位）",
                    subject.len(),
                    crate::paths::MAX_NAME_BYTES
                ),
            )
            .with_help("精简项目名称"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn n(d: &[Diagnostic], rule: crate::rule::RuleId) -> usize {
        d.iter().filter(|x| x.rule == rule).count()
    }

    #[test]
    fn base64_grows_by_a_third() {
        assert_eq!(base64_size(3), 6);
        let b = base64_size(50 * 1024 * 1024);
        assert!(b > 50 * 1024 * 1024 * 4 / 3);
    }

    #[test]
    fn size_counts_attachments_and_built_pdf() {
        let mut f = Fixture::new();
        f.call.package.limit_bytes = 1000;
        f.call.package.warn_bytes = 500;
        std::fs::write(f.root().join("big.pdf"), vec![0u8; 2000]).unwrap();
        std::fs::write(f.root().join("mid.pdf"), vec![0u8; 700]).unwrap();
        let with = |file: &str| {
            good_plan().replace(
                "---\n# ",
                &format!("attachments:\n  - file: {file}\n---\n# "),
            )
        };
        let d = f.check(&with("big.pdf"));
        let e = d.iter().find(|x| x.rule == rule::PACKAGE_SIZE).unwrap();
        assert_eq!(e.severity, Severity::Error);
        assert!(e.help.as_ref().unwrap().contains("big.pdf"));
        let d = f.check(&with("mid.pdf"));
        assert_eq!(
            d.iter()
                .find(|x| x.rule == rule::PACKAGE_SIZE)
                .unwrap()
                .severity,
            Severity::Warning
        );
        assert_eq!(n(&f.check(&good_plan()), rule::PACKAGE_SIZE), 0);
        // A built PDF replaces the estimate.
        let built = pdf_path(&f.root().join("public"), "content/plan.md");
        std::fs::create_dir_all(built.parent().unwrap()).unwrap();
        std::fs::write(&built, vec![0u8; 1500]).unwrap();
        let d = f.check(&good_plan());
        assert!(
            d.iter()
                .any(|x| x.rule == rule::PACKAGE_SIZE && x.message.contains("已生成的 PDF"))
        );
    }

    #[test]
    fn subject_rules() {
        let f = Fixture::new();
        assert_eq!(n(&f.check(&good_plan()), rule::PACKAGE_SUBJECT), 0);
        let d = f.check(&good_plan().replace(
            "title: 伏牛经开区清洁生产审核创新试点",
            "title: 伏牛经开区/清洁生产+试点",
        ));
        assert_eq!(n(&d, rule::PACKAGE_SUBJECT), 2, "{d:#?}");
        let d = f.check(&good_plan().replace("applicant: 伏牛经济技术开发区管理委员会\n", ""));
        assert_eq!(n(&d, rule::PACKAGE_SUBJECT), 1);
    }

    /// `build --out X` checks the PDFs it wrote to X, not an older one in
    /// the configured folder (one output folder truth).
    #[test]
    fn size_measures_the_pdf_in_the_folder_this_run_writes() {
        let f = Fixture::new();
        let root = f.root();
        std::fs::write(root.join("shenbao.yaml"), "call: cn-2022-pilot\n").unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/plan.md"), good_plan()).unwrap();
        let project = crate::project::Project::load(&root).unwrap();
        // An oversized PDF (sparse: no disk) where `--out elsewhere` wrote.
        let other = root.join("elsewhere");
        let built = pdf_path(&other, "content/plan.md");
        std::fs::create_dir_all(built.parent().unwrap()).unwrap();
        let file = std::fs::File::create(&built).unwrap();
        file.set_len(f.call.package.limit_bytes + 1).unwrap();
        let opts = |out_dir| crate::check::Options {
            today: f.opts.today,
            out_dir,
        };
        let d = crate::check::check_project(&project, &opts(Some(other.clone())));
        let e = d.iter().find(|x| x.rule == rule::PACKAGE_SIZE);
        assert!(
            e.is_some_and(|e| e.severity == Severity::Error && e.message.contains("已生成的 PDF")),
            "{d:#?}"
        );
        // The configured folder (public/) has no PDF: only the estimate.
        let d = crate::check::check_project(&project, &opts(None));
        assert_eq!(n(&d, rule::PACKAGE_SIZE), 0, "{d:#?}");
    }
}
