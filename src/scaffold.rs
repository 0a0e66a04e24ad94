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
        "{}# shenbao 项目配置\n\
         # 项目名称，显示在网站首页，如“某某园区清洁生产审核创新试点申报”或“某某公司自愿性清洁生产审核”\n\
         name: 清洁生产审核申报材料\n\
         # 申报通知：内置预设 {preset}，或项目内通知定义文件的相对路径（如 calls/2023.yaml）\n\
         call: {preset}\n\
         # 申报年份：按“月-日”写的截止时间和邮件题目中的年份随之变化\n\
         # year: 2022\n\
         # 输出目录（PDF、网站、压缩包）\n\
         output_dir: public\n",
        schema_line("config", 0),
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
        std::fs::create_dir_all(&content).map_err(|e| io_fatal("无法创建", &content, &e))?;
        written.push(content);
    }
    for (path, text) in files {
        if path.exists() {
            continue;
        }
        create_new_atomic(&path, text.as_bytes()).map_err(|e| io_fatal("无法写入", &path, &e))?;
        written.push(path);
    }
    written.extend(write_schemas(dir)?);
    Ok(written)
}

/// The folder `init` and `new` write the JSON Schemas to, for YAML
/// editors (the `# yaml-language-server: $schema=…` lines point there).
pub const SCHEMA_DIR: &str = "schemas";

/// The JSON Schema `shenbao schema <what>` prints: `call`, `config`, or a
/// document kind (`pilot-plan`, or its Chinese name). None: unknown.
pub fn schema(what: &str) -> Option<serde_json::Value> {
    match what.trim() {
        "call" | "通知" => Some(crate::call::spec::json_schema(
            crate::call::spec::call(),
            "shenbao:call",
            "shenbao 申报通知定义文件",
        )),
        "config" | "shenbao.yaml" | "配置" => Some(crate::call::spec::json_schema(
            crate::call::spec::config(),
            "shenbao:config",
            "shenbao.yaml 项目配置",
        )),
        other => crate::document::schema::kinds()
            .iter()
            .find(|k| k.id == other || k.name == other || k.aliases.iter().any(|a| a == other))
            .map(crate::document::schema::json_schema),
    }
}

/// What `shenbao schema` accepts, for its help and its error.
pub fn schema_names() -> Vec<String> {
    let mut names = vec!["call".to_string(), "config".to_string()];
    names.extend(
        crate::document::schema::kinds()
            .iter()
            .map(|k| k.id.clone()),
    );
    names
}

/// Write every schema to `<root>/schemas/<name>.schema.json` (only those
/// whose text changed): the files the editor lines point to.
pub fn write_schemas(root: &Path) -> Result<Vec<PathBuf>, Fatal> {
    let dir = root.join(SCHEMA_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| io_fatal("无法创建", &dir, &e))?;
    let mut written = Vec::new();
    for name in schema_names() {
        let Some(schema) = schema(&name) else {
            continue;
        };
        let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
        let path = dir.join(format!("{name}.schema.json"));
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            continue;
        }
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| io_fatal("无法写入", &path, &e))?;
        written.push(path);
    }
    Ok(written)
}

/// The editor line for a YAML file `depth` folders below the root.
pub(crate) fn schema_line(name: &str, depth: usize) -> String {
    format!(
        "# yaml-language-server: $schema={}{SCHEMA_DIR}/{name}.schema.json\n",
        "../".repeat(depth)
    )
}

/// Write `calls/<name>.yaml`: the whole call `source` is (every key, each
/// with its Chinese explanation), to be edited into a new year's call.
/// Never over a file.
pub fn new_call(root: &Path, name: &str, source: &Call, from: &str) -> Result<PathBuf, Fatal> {
    let file = file_name(name)?;
    let stem = file.trim_end_matches(".md");
    let path = root.join("calls").join(format!("{stem}.yaml"));
    if path.exists() {
        return Err(Fatal::new(format!("{} 已存在，不会覆盖", path.display()))
            .with_help("换一个名称，或先把原文件改名"));
    }
    let mut value =
        serde_yaml::to_value(source).map_err(|e| Fatal::new(format!("无法写出通知：{e}")))?;
    if let serde_yaml::Value::Mapping(m) = &mut value {
        m.insert("id".into(), stem.into());
    }
    let rel = format!("calls/{stem}.yaml");
    let text = format!(
        "{}# 申报通知定义：由 shenbao new call 以 {from} 为底稿生成，包含通知的全部内容。\n\
         # 在 shenbao.yaml 中写 call: {rel} 后生效；改动后运行 shenbao check。\n\
         # 每一项上方的注释说明它的作用；以“# 键:”开头的行是没有写的可选项，去掉行首的“# ”即可启用。\n\
         # 只改几项时，也可以只写 extends: {from} 和改动的部分（字段组逐项合并，列表整体替换）。\n\n{}",
        schema_line("call", 1),
        crate::call::spec::commented_yaml(crate::call::spec::call(), &value)
    );
    // What is written must read back as the call it copies.
    Call::from_yaml(&text).map_err(|e| {
        Fatal::new(format!(
            "生成的通知文件无法读回（这是 shenbao 的问题，请报告）：{}",
            e.message
        ))
    })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_fatal("无法创建", dir, &e))?;
    }
    create_new_atomic(&path, text.as_bytes()).map_err(|e| io_fatal("无法写入", &path, &e))?;
    // Its editor line points at the schema.
    write_schemas(root)?;
    Ok(path)
}

/// `无法写入 <path>：<reason>` as a fatal error.
pub(crate) fn io_fatal(what: &str, path: &Path, e: &std::io::Error) -> Fatal {
    Fatal::new(format!(
        "{what} {}：{}",
        path.display(),
        crate::fsutil::io_message(e)
    ))
}

/// The commented `call:` line of a new plan's front matter; `new plan
/// --from` writes the call given instead.
const CALL_EXAMPLE: &str = "# call: calls/2023.yaml\n";

/// Validate a document name given on the command line.
pub(crate) fn file_name(name: &str) -> Result<String, Fatal> {
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
    new_document(root, crate::kinds::plan::KIND, call, name)
}

/// Write a skeleton of `kind` to `content/<name>.md`, never over a file.
pub fn new_document(root: &Path, kind: DocKind, call: &Call, name: &str) -> Result<PathBuf, Fatal> {
    new_document_for(root, kind, call, None, name)
}

/// As [`new_document`]; a plan with `spec` answers that call (`call:`
/// written in its front matter), not the project's.
pub fn new_document_for(
    root: &Path,
    kind: DocKind,
    call: &Call,
    spec: Option<&str>,
    name: &str,
) -> Result<PathBuf, Fatal> {
    let file = file_name(name)?;
    let path = root.join(CONTENT_DIR).join(&file);
    if path.exists() {
        return Err(Fatal::new(format!("{} 已存在，不会覆盖", path.display()))
            .with_help("换一个名称，或先把原文件改名"));
    }
    let title = name.trim().trim_end_matches(".md");
    let mut text = skeleton(kind, call, title);
    if let Some(spec) = spec {
        text = text.replacen(CALL_EXAMPLE, &format!("call: {}\n", yaml_quote(spec)), 1);
    }
    create_new_atomic(&path, text.as_bytes()).map_err(|e| io_fatal("无法写入", &path, &e))?;
    // The skeleton's editor line points at its schema.
    write_schemas(root)?;
    Ok(path)
}

/// The text of a new document of any kind (each kind writes its own).
pub fn skeleton(kind: DocKind, call: &Call, title: &str) -> String {
    kind.skeleton(call, title)
}

pub(crate) const REPORT_HINT: &str = "<!-- 编写提示：一级标题写作 `# 标题`，排版时自动编号。每个“待补充”都要换成实际内容；运行 `shenbao check` 查看还差什么。 -->\n\n";

pub(crate) fn front(kind: DocKind, title: &str) -> String {
    let today = chrono::Utc::now()
        .with_timezone(&beijing())
        .format("%Y-%m-%d")
        .to_string();
    let mut s = format!("---\n{}", schema_line(kind.id(), 1));
    write_fields(&mut s, kind.fields(), 0, title, &today, None);
    s.push_str("---\n");
    s
}

/// The text of a new plan: front matter with a comment on every field,
/// then the call's outline with guidance under each heading.
pub fn plan_skeleton(call: &Call, title: &str) -> String {
    let kind = crate::kinds::plan::KIND;
    let mut s = format!("---\n{}", schema_line(kind.id(), 1));
    let today = chrono::Utc::now()
        .with_timezone(&beijing())
        .format("%Y-%m-%d")
        .to_string();
    write_fields(&mut s, kind.fields(), 0, title, &today, Some(call));
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
            Some(call) if indent == 0 && call_comment(call, &spec.key).is_some() => {
                let comment = call_comment(call, &spec.key).unwrap_or_default();
                s.push_str(&format!("{pad}# {req}{comment}{zh}\n"));
            }
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
                    // The letter is the call's province's, not Henan's.
                    let example = match (call, spec.key.as_str(), c.key.as_str()) {
                        (Some(call), "attachments", "title") => format!(
                            "{}清洁生产审核创新试点项目推荐函",
                            call.province.as_deref().unwrap_or("省级")
                        ),
                        _ => c.example.clone(),
                    };
                    s.push_str(&format!(
                        "{pad}  # {lead}{}: {example}    # {}\n",
                        c.key, c.comment
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
            // Only a plan of another season names its call: shown, not set.
            _ if indent == 0 && spec.key == "call" => {
                s.push_str(&format!("{pad}{CALL_EXAMPLE}"));
            }
            _ => {
                let value = match (spec.key.as_str(), call) {
                    ("title" | "enterprise", _) if indent == 0 => yaml_quote(title),
                    ("date" | "filled_on", _) if indent == 0 => today.to_string(),
                    ("province", Some(call)) if indent == 0 => call
                        .province
                        .clone()
                        .unwrap_or_else(|| "待补充".to_string()),
                    ("version", Some(call)) if indent == 0 => call
                        .required_version
                        .clone()
                        .unwrap_or_else(|| spec.example.clone()),
                    ("applicant_type", Some(call))
                        if indent == 0 && call.applicant_type(&spec.example).is_none() =>
                    {
                        call.applicant_types
                            .first()
                            .map_or_else(|| spec.example.to_string(), |t| t.name.clone())
                    }
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

/// A field's comment written from the call in use, where the field
/// spec's own names the 2022 call's values (applicant types, regions,
/// quota, the year of an example date).
fn call_comment(call: &Call, key: &str) -> Option<String> {
    let names = |v: Vec<&str>| v.join("、");
    match key {
        "applicant_type" => Some(format!(
            "申报主体类型：{}",
            call.applicant_types
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        )),
        "province" => Some(format!(
            "所在省份（每省推荐不超过{}个）",
            call.quota_per_province
        )),
        "industries" => Some(format!(
            "涉及的重点行业，在通知的重点行业（{}）中选，如 [{}]",
            names(call.key_industries.iter().map(String::as_str).collect()),
            names(
                call.key_industries
                    .iter()
                    .take(2)
                    .map(String::as_str)
                    .collect()
            )
            .replace('、', ", ")
        )),
        "region" | "pollutants" => {
            let cats: Vec<String> = call
                .categories
                .iter()
                .filter(|c| c.scope == crate::call::Scope::Region)
                .map(|c| format!("类别{}", c.id))
                .collect();
            if cats.is_empty() || call.regions.is_empty() {
                return Some(format!("《{}》没有区域或流域类别，不用写", call.name));
            }
            let of = |kind: crate::call::RegionKind| -> Vec<&str> {
                call.regions
                    .iter()
                    .filter(|r| r.kind == kind)
                    .map(|r| r.name.as_str())
                    .collect()
            };
            Some(if key == "region" {
                format!(
                    "{}：重点区域（{}）或流域（{}）",
                    cats.join("、"),
                    names(of(crate::call::RegionKind::Region)),
                    names(of(crate::call::RegionKind::Basin))
                )
            } else {
                let mut sets: Vec<String> = call
                    .regions
                    .iter()
                    .map(|r| format!("[{}]", r.pollutants.join(", ")))
                    .collect();
                sets.dedup();
                format!("{}：特征污染物，如 {}", cats.join("、"), sets.join(" 或 "))
            })
        }
        "date" => Some(format!("编制日期，如 {}-06-20", call.year)),
        _ => None,
    }
}

pub(crate) fn yaml_quote(s: &str) -> String {
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
            crate::kinds::form::KIND,
            crate::kinds::audit::KIND,
            crate::kinds::acceptance::KIND,
        ] {
            let text = skeleton(kind, &call, "伏牛新材料有限公司");
            let doc = document::parse("content/a.md", PathBuf::from("a.md"), text.clone(), None);
            assert_eq!(doc.kind(), Some(kind));
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
        let report = skeleton(crate::kinds::audit::KIND, &call, "甲");
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
