//! `shenbao init` and `shenbao new plan`: a project and a plan skeleton
//! with every field commented in Chinese and the call's whole outline.

use std::path::{Path, PathBuf};

use crate::call::{Call, beijing};
use crate::config::{CONFIG_FILE, Fatal};
use crate::document::DocKind;
use crate::document::schema::{FieldSpec, Ty};
use crate::fsutil::create_new_atomic;
use crate::project::CONTENT_DIR;
use crate::text::NumberStyle;

/// Create a project in `dir`: `shenbao.yaml`, `content/` (where the
/// documents go), `attachments/`, `.gitignore`. Returns what was created,
/// folders included, so that the user sees all of it.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Fatal> {
    if dir.join(CONFIG_FILE).exists() {
        return Err(Fatal::new(format!(
            "{} 已经是 shenbao 项目（已有 {CONFIG_FILE}）",
            dir.display()
        ))
        .with_help("直接在该目录运行 `shenbao check`"));
    }
    let config = format!(
        "# shenbao 项目配置\n\
         # 项目名称，显示在网站首页，如“某某园区清洁生产审核创新试点申报”或“某某公司自愿性清洁生产审核”\n\
         name: 清洁生产审核申报材料\n\
         # 申报通知：内置预设 {preset}，或项目内通知定义文件的相对路径（如 calls/2023.yaml）\n\
         call: {preset}\n\
         # 申报年份：按“月-日”写的截止时间和邮件题目中的年份随之变化\n\
         # year: 2022\n\
         # 输出目录（PDF、网站、压缩包）\n\
         output_dir: public\n",
        preset = crate::call::DEFAULT_PRESET
    );
    let files: Vec<(PathBuf, String)> = vec![
        (dir.join(CONFIG_FILE), config),
        (dir.join(".gitignore"), "/public\n".to_string()),
        (
            dir.join("attachments/README.md.txt"),
            "把省级推荐函等附件（PDF 或扫描图片）放在这里，并在方案的 attachments 中引用。\n"
                .to_string(),
        ),
    ];
    let mut written = Vec::new();
    let content = dir.join(CONTENT_DIR);
    if !content.is_dir() {
        std::fs::create_dir_all(&content).map_err(|e| {
            Fatal::new(format!(
                "无法创建 {}：{}",
                content.display(),
                crate::fsutil::io_message(&e)
            ))
        })?;
        written.push(content);
    }
    for (path, text) in files {
        if path.exists() {
            continue;
        }
        create_new_atomic(&path, text.as_bytes()).map_err(|e| {
            Fatal::new(format!(
                "无法写入 {}：{}",
                path.display(),
                crate::fsutil::io_message(&e)
            ))
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Validate a document name given on the command line.
fn file_name(name: &str) -> Result<String, Fatal> {
    let n = name.trim().trim_end_matches(".md");
    if n.is_empty()
        || n.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        || n.starts_with('.')
        || n.chars().any(char::is_control)
    {
        return Err(Fatal::new(format!("“{name}”不能用作文件名"))
            .with_help("用不含 / \\ : * ? \" < > | 的名称，如 伏牛经开区试点实施方案"));
    }
    Ok(format!("{n}.md"))
}

pub fn new_plan(root: &Path, call: &Call, name: &str) -> Result<PathBuf, Fatal> {
    new_document(root, DocKind::PilotPlan, call, name)
}

/// Write a skeleton of `kind` to `content/<name>.md`, never over a file.
pub fn new_document(root: &Path, kind: DocKind, call: &Call, name: &str) -> Result<PathBuf, Fatal> {
    let file = file_name(name)?;
    let path = root.join(CONTENT_DIR).join(&file);
    if path.exists() {
        return Err(Fatal::new(format!("{} 已存在，不会覆盖", path.display()))
            .with_help("换一个名称，或先把原文件改名"));
    }
    let title = name.trim().trim_end_matches(".md");
    let text = skeleton(kind, call, title);
    create_new_atomic(&path, text.as_bytes()).map_err(|e| {
        Fatal::new(format!(
            "无法写入 {}：{}",
            path.display(),
            crate::fsutil::io_message(&e)
        ))
    })?;
    Ok(path)
}

/// The text of a new document of any kind.
pub fn skeleton(kind: DocKind, call: &Call, title: &str) -> String {
    match kind {
        DocKind::PilotPlan => plan_skeleton(call, title),
        DocKind::ApplicationForm => {
            let mut s = front(kind, title);
            s.push_str("\n<!-- 申请表只有上面的字段，不需要正文。填好后运行 `shenbao check`，`shenbao build` 会把它排成通知附件中的表格（一页 A4），打印后加盖公章。 -->\n");
            s
        }
        DocKind::AuditReport => {
            let mut s = front(kind, title);
            s.push_str(REPORT_HINT);
            for e in &call.voluntary.report_sections {
                let (title, guidance) = (&e.title, &e.guidance);
                s.push_str(&format!(
                    "# {title}\n\n> 编写提示：{guidance}\n\n待补充。\n\n"
                ));
            }
            s
        }
        DocKind::AcceptanceReport => {
            let mut s = front(kind, title);
            s.push_str(REPORT_HINT);
            for (title, guidance) in ACCEPTANCE_SECTIONS {
                s.push_str(&format!(
                    "# {title}\n\n> 编写提示：{guidance}\n\n待补充。\n\n"
                ));
            }
            s
        }
    }
}

const REPORT_HINT: &str = "<!-- 编写提示：一级标题写作 `# 标题`，排版时自动编号。每个“待补充”都要换成实际内容；运行 `shenbao check` 查看还差什么。 -->\n\n";

const ACCEPTANCE_SECTIONS: &[(&str, &str)] = &[
    ("审核及评估情况", "审核过程概述、评估时间和专家组意见"),
    (
        "方案实施情况",
        "逐项说明已实施方案（与字段区的 implemented 一致）的实施内容、投资和完成时间",
    ),
    (
        "实施效果",
        "方案实施前后主要指标对比（与字段区的 indicators 一致），附节能审计报告、环境监测报告或在线监测数据",
    ),
    ("验收条件符合情况", "对照通知中的六项验收条件逐条自评"),
];

fn front(kind: DocKind, title: &str) -> String {
    let today = chrono::Utc::now()
        .with_timezone(&beijing())
        .format("%Y-%m-%d")
        .to_string();
    let mut s = String::from("---\n");
    write_fields(&mut s, kind.fields(), 0, title, &today, None);
    s.push_str("---\n");
    s
}

/// The text of a new plan: front matter with a comment on every field,
/// then the call's outline with guidance under each heading.
pub fn plan_skeleton(call: &Call, title: &str) -> String {
    let mut s = String::from("---\n");
    let today = chrono::Utc::now()
        .with_timezone(&beijing())
        .format("%Y-%m-%d")
        .to_string();
    write_fields(
        &mut s,
        DocKind::PilotPlan.fields(),
        0,
        title,
        &today,
        Some(call),
    );
    s.push_str("---\n\n");
    s.push_str("<!-- 编写提示：一级标题写作 `# 一、标题`，二级标题写作 `## （一）标题`，也可以不写编号，排版时自动编号。\n");
    s.push_str("     每个“待补充”都要换成实际内容；运行 `shenbao check` 查看还差什么。 -->\n\n");
    for (i, e) in call.outline.iter().enumerate() {
        s.push_str(&format!(
            "# {}{}\n\n",
            NumberStyle::CnComma.format(i as u32 + 1),
            e.title
        ));
        if e.children.is_empty() {
            s.push_str(&format!("> 编写提示：{}\n\n待补充。\n\n", e.guidance));
        } else {
            s.push_str(&format!("> 编写提示：{}\n\n", e.guidance));
        }
        for (j, c) in e.children.iter().enumerate() {
            s.push_str(&format!(
                "## {}{}\n\n> 编写提示：{}\n\n待补充。\n\n",
                NumberStyle::CnParen.format(j as u32 + 1),
                c.title,
                c.guidance
            ));
        }
    }
    s
}

/// The call's categories, as comment lines above `category:` (the field
/// spec's own comment names the 2022 call's three).
fn category_comment(call: &Call, pad: &str, req: &str, zh: &str) -> String {
    let name = zh.trim_start_matches('（').trim_end_matches('）');
    let name = if name.is_empty() {
        "试点类别"
    } else {
        name
    };
    let mut s = format!(
        "{pad}# {req}{name}：写编号或名称。《{}》的类别：\n",
        call.name
    );
    for c in &call.categories {
        let needs = c.scope.needs_zh();
        let needs = if needs.is_empty() {
            String::new()
        } else {
            format!("（{needs}）")
        };
        s.push_str(&format!("{pad}#   {} {}{needs}\n", c.id, c.name));
        if !c.guidance.is_empty() {
            s.push_str(&format!("{pad}#       {}\n", c.guidance));
        }
    }
    s
}

fn write_fields(
    s: &mut String,
    specs: &[FieldSpec],
    indent: usize,
    title: &str,
    today: &str,
    call: Option<&Call>,
) {
    let pad = " ".repeat(indent);
    for spec in specs {
        let req = if spec.required { "【必填】" } else { "" };
        let zh = format!("（{}）", spec.label);
        match call {
            Some(call) if indent == 0 && spec.key == "category" && !call.categories.is_empty() => {
                s.push_str(&category_comment(call, &pad, req, &zh));
            }
            // The spec names the 2022 call's milestones; list this call's.
            Some(_) if indent == 0 && spec.key == "submissions" => s.push_str(&format!(
                "{pad}# {req}计划报送时间{zh}，键为通知的时间节点，与截止时间比对\n"
            )),
            _ => s.push_str(&format!("{pad}# {req}{}{zh}\n", spec.comment)),
        }
        match &spec.ty {
            Ty::Map(children) => {
                s.push_str(&format!("{pad}{}:\n", spec.key));
                write_fields(s, children, indent + 2, title, today, None);
            }
            Ty::Items(children) => {
                s.push_str(&format!("{pad}{}:\n", spec.key));
                s.push_str(&format!("{pad}  # 每项一条，示例（取消注释后填写）：\n"));
                for (i, c) in children.iter().enumerate() {
                    let lead = if i == 0 { "- " } else { "  " };
                    s.push_str(&format!(
                        "{pad}  # {lead}{}: {}    # {}\n",
                        c.key, c.example, c.comment
                    ));
                }
                // Left empty (null): no attachments yet.
            }
            Ty::DateMap => {
                s.push_str(&format!("{pad}{}:\n", spec.key));
                match call {
                    Some(call) if !call.milestones.is_empty() => {
                        for m in &call.milestones {
                            let due = call.due(m).map_or_else(String::new, |d| {
                                format!("（截止 {}）", crate::call::format_zh(&d))
                            });
                            s.push_str(&format!(
                                "{pad}  # {}: {}    # {}{due}\n",
                                m.id,
                                call.due(m)
                                    .map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string()),
                                m.name
                            ));
                        }
                    }
                    Some(_) => s.push_str(&format!(
                        "{pad}  # 通知没有写明报送时间节点：确认后写“节点: 时间”\n"
                    )),
                    None => s.push_str(&format!("{pad}  # henan-email: 2022-06-28 17:00\n")),
                }
            }
            _ => {
                let value = match (spec.key.as_str(), call) {
                    ("title" | "enterprise", _) if indent == 0 => yaml_quote(title),
                    ("date" | "filled_on", _) if indent == 0 => today.to_string(),
                    ("category", Some(call))
                        if indent == 0 && call.category(&spec.example).is_none() =>
                    {
                        call.categories
                            .first()
                            .map_or_else(|| spec.example.to_string(), |c| c.id.to_string())
                    }
                    _ => spec.example.to_string(),
                };
                s.push_str(&format!("{pad}{}: {value}\n", spec.key));
            }
        }
    }
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::DEFAULT_PRESET;
    use crate::document;

    #[test]
    fn skeleton_parses_and_has_the_whole_outline() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        let text = plan_skeleton(&call, "甲园区试点");
        let doc = document::parse("content/a.md", PathBuf::from("a.md"), text, None);
        assert!(doc.diagnostics.is_empty(), "{:#?}", doc.diagnostics);
        assert_eq!(
            doc.plan().unwrap().title.as_ref().unwrap().value,
            "甲园区试点"
        );
        let titles: Vec<&str> = doc.body.headings.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles.len(), 7 + 6);
        assert_eq!(titles[0], "试点对象基本概况");
    }

    #[test]
    fn every_kind_has_a_skeleton_that_parses_and_names_its_fields() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        for kind in [
            DocKind::ApplicationForm,
            DocKind::AuditReport,
            DocKind::AcceptanceReport,
        ] {
            let text = skeleton(kind, &call, "伏牛新材料有限公司");
            let doc = document::parse("content/a.md", PathBuf::from("a.md"), text.clone(), None);
            assert_eq!(doc.kind, Some(kind));
            assert!(
                doc.diagnostics.is_empty(),
                "{kind:?}: {:#?}",
                doc.diagnostics
            );
            // A Chinese comment above every top-level field.
            for spec in kind.fields() {
                let at = text
                    .find(&format!("\n{}:", spec.key))
                    .unwrap_or_else(|| panic!("{}", spec.key));
                let comment = text[..at].lines().last().unwrap();
                assert!(
                    comment.starts_with("# ") && comment.contains(&spec.comment),
                    "{comment}"
                );
            }
        }
        let report = skeleton(DocKind::AuditReport, &call, "甲");
        for title in call.voluntary.report_sections.iter().map(|e| &e.title) {
            assert!(report.contains(&format!("# {title}\n")));
        }
        // An option's environmental benefit: an example and both ways to
        // write it.
        let env = report
            .lines()
            .find(|l| l.contains("environmental_benefit:"))
            .unwrap_or("");
        assert!(
            env.contains("environmental_benefit: 节电约21万千瓦时/年")
                && env.contains("energy")
                && env.contains("pollutants"),
            "{env}"
        );
    }

    #[test]
    fn names_that_are_not_file_names_are_refused() {
        assert!(file_name("a/b").is_err());
        assert!(file_name("..").is_err());
        assert_eq!(file_name("甲方案").unwrap(), "甲方案.md");
    }

    #[test]
    fn the_plan_skeleton_lists_the_calls_categories() {
        let mut call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        let text = plan_skeleton(&call, "甲");
        for c in &call.categories {
            assert!(text.contains(&format!("#   {} {}", c.id, c.name)), "{text}");
            assert!(text.contains(&c.guidance));
        }
        assert!(text.contains("须写 park"));
        // A call of four categories, one without scope rules.
        call.categories.push(crate::call::Category {
            id: 4,
            name: "重点企业清洁生产审核模式创新".into(),
            aliases: vec![],
            scope: crate::call::Scope::General,
            guidance: "以重点企业为对象探索审核新模式".into(),
        });
        call.milestones.clear();
        let text = plan_skeleton(&call, "甲");
        assert!(
            text.contains("#   4 重点企业清洁生产审核模式创新\n"),
            "{text}"
        );
        assert!(text.contains("以重点企业为对象探索审核新模式"));
        assert!(text.contains("通知没有写明报送时间节点"));
        assert!(!text.contains("henan-email"));
        let doc = document::parse("content/a.md", PathBuf::from("a.md"), text, None);
        assert!(doc.diagnostics.is_empty(), "{:#?}", doc.diagnostics);
    }
}
