//! `shenbao.yaml`: the project's settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::call::{Call, CreditCodeWaiver, DEFAULT_PRESET, PRESETS};

pub const CONFIG_FILE: &str = "shenbao.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Project name, shown on the site.
    #[serde(default, alias = "名称")]
    pub name: Option<String>,
    /// A preset id (`cn-2022-pilot`) or a path to a call YAML file.
    #[serde(default, alias = "申报通知")]
    pub call: Option<String>,
    /// The call's year; month-day milestones and the subject follow it.
    #[serde(default, alias = "年份")]
    pub year: Option<i32>,
    /// Where `build` writes (relative to the root).
    #[serde(default, alias = "输出目录")]
    pub output_dir: Option<String>,
    /// Theme name (a folder under `themes/`); `default` when absent.
    #[serde(default, alias = "主题")]
    pub theme: Option<String>,
    /// What `build` writes besides the PDF: `docx`, `site` (both when absent).
    #[serde(default, alias = "输出格式")]
    pub formats: Option<Vec<String>>,
    /// Credit codes used as published although their check character is
    /// wrong, each with the reason (`form/uscc` reports them as info).
    #[serde(default, alias = "信用代码例外")]
    pub credit_code_waivers: Vec<CreditCodeWaiver>,
    /// The project's own field file: fields added to the document kinds
    /// (written like `src/call/presets/fields/*.yaml`).
    #[serde(default, alias = "字段")]
    pub fields: Option<String>,
}

/// A failure that stops the tool (exit code 2).
#[derive(Debug, Clone)]
pub struct Fatal {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Fatal {
    pub fn new(message: impl Into<String>) -> Self {
        Fatal {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn in_file(mut self, file: &Path, line: Option<usize>, column: Option<usize>) -> Self {
        self.file = Some(file.to_path_buf());
        self.line = line;
        self.column = column;
        self
    }
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::escape_controls;
        write!(f, "错误：")?;
        if let Some(file) = &self.file {
            write!(f, "{}", escape_controls(&file.display().to_string()))?;
            if let Some(l) = self.line {
                write!(f, ":{l}")?;
                if let Some(c) = self.column {
                    write!(f, ":{c}")?;
                }
            }
            write!(f, "：")?;
        }
        write!(f, "{}", escape_controls(&self.message))?;
        if let Some(h) = &self.help {
            write!(f, "\n建议：{}", escape_controls(h))?;
        }
        Ok(())
    }
}

const CONFIG_FIELDS_HELP: &str = "可用字段：name（项目名称）、call（申报通知预设或文件）、year（年份）、output_dir（输出目录）、theme（主题）、formats（输出格式：pdf、docx、site）、credit_code_waivers（信用代码例外）、fields（项目自己的字段文件）";

/// How to write the field a serde error names (`year: invalid type: …`),
/// for a value of the wrong type; None when it names no field.
fn field_example(message: &str) -> Option<&'static str> {
    let (path, _) = message.split_once(": ")?;
    let field = path.split(['[', '.']).next()?;
    Some(match field {
        "year" | "年份" => "写成四位数的申报年份，如 `year: 2022`",
        "name" | "名称" => "写成 `name: 项目名称`",
        "call" | "申报通知" => "写成 `call: cn-2022-pilot`，或项目内通知文件的相对路径",
        "output_dir" | "输出目录" => "写成 `output_dir: public`",
        "theme" | "主题" => "写成 `theme: default`",
        "formats" | "输出格式" => "写成 `formats: [pdf, docx, site]`",
        "credit_code_waivers" | "信用代码例外" => {
            "写成列表，每项两行：`- credit_code: 18 位代码` 和 `  reason: 理由`"
        }
        _ => return None,
    })
}

/// Largest `shenbao.yaml` or call file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Read `shenbao.yaml` or a call file: a regular file (a FIFO would hang
/// every command), UTF-8, of bounded size.
fn read_yaml_file(path: &Path) -> Result<String, Fatal> {
    crate::fsutil::read_regular_text(path, MAX_CONFIG_BYTES).map_err(|e| {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let help = match e {
            crate::fsutil::ReadError::NotRegular => {
                "它必须是普通的文本文件（不能是目录、管道或设备文件）"
            }
            crate::fsutil::ReadError::TooLarge(_) => "配置和申报通知文件不超过 1 MB",
            crate::fsutil::ReadError::Io(_) => "检查文件是否存在、权限和编码（UTF-8）",
        };
        Fatal::new(format!("无法读取 {name}：{e}"))
            .in_file(path, None, None)
            .with_help(help)
    })
}

/// A YAML error in `shenbao.yaml` or a call file: the typo or the
/// parser's message in Chinese, at the line to fix, with how; further typos
/// are named by line.
fn yaml_fatal(path: &Path, what: &str, text: &str, e: &serde_yaml::Error) -> Fatal {
    problems_fatal(path, what, text, crate::frontmatter::explain(text, e))
}

/// The first of `problems` at its line, with its fix; the others named by
/// line.
fn problems_fatal(
    path: &Path,
    what: &str,
    text: &str,
    problems: Vec<crate::frontmatter::YamlProblem>,
) -> Fatal {
    let Some(first) = problems.first() else {
        return Fatal::new(format!("{what} 有误")).in_file(path, None, None);
    };
    let (line, column) = crate::frontmatter::line_col(text, first.at.start);
    let space = if what.is_ascii() { " " } else { "" };
    let mut message = format!("{what}{space}有误：{}", first.message);
    if problems.len() > 1 {
        let more: Vec<String> = problems[1..]
            .iter()
            .map(|p| format!("第 {} 行", crate::frontmatter::line_col(text, p.at.start).0))
            .collect();
        message.push_str(&format!("；另见{}", more.join("、")));
    }
    Fatal::new(message)
        .in_file(path, Some(line), Some(column))
        .with_help(first.help.clone())
}

impl Config {
    pub fn load(root: &Path) -> Result<Config, Fatal> {
        let path = root.join(CONFIG_FILE);
        let text = read_yaml_file(&path)?;
        let text = text.as_str();
        if text.trim().is_empty() {
            return Ok(Config {
                name: None,
                call: None,
                year: None,
                output_dir: None,
                theme: None,
                formats: None,
                credit_code_waivers: Vec::new(),
                fields: None,
            });
        }
        if let Err(e) = crate::frontmatter::check_bounds(text) {
            let (line, column) = crate::frontmatter::line_col(text, e.at);
            return Err(Fatal::new(format!("{CONFIG_FILE} {}，不予解析", e.message))
                .in_file(&path, Some(line), Some(column))
                .with_help("shenbao.yaml 只需几行：name、call、year、output_dir、theme"));
        }
        let config: Config = serde_yaml::from_str(text).map_err(|e| {
            // A syntax error is explained at the line to fix (typos
            // Chinese writers make); a field error names the allowed
            // fields of the level it is at.
            if serde_yaml::from_str::<serde_yaml::Value>(text).is_err() {
                return yaml_fatal(&path, CONFIG_FILE, text, &e);
            }
            let loc = e.location();
            let (message, help) = crate::call::yaml_error_zh(&e);
            Fatal::new(format!("{CONFIG_FILE} 有误：{message}"))
                .in_file(
                    &path,
                    loc.as_ref().map(|l| l.line()),
                    loc.as_ref().map(|l| l.column()),
                )
                .with_help(
                    help.or_else(|| field_example(&e.to_string()).map(str::to_string))
                        .unwrap_or_else(|| CONFIG_FIELDS_HELP.to_string()),
                )
        })?;
        // Valid YAML that still holds a typo: a name in full-width quotes
        // (they would be part of the site's title), a tab or full-width
        // space in the indentation, `year:2022`.
        let typos = crate::frontmatter::typos(text);
        if !typos.is_empty() {
            return Err(problems_fatal(&path, CONFIG_FILE, text, typos));
        }
        for w in &config.credit_code_waivers {
            // Line of the waiver's code in the file, for the message.
            let line = text
                .lines()
                .position(|l| l.contains(w.credit_code.trim()))
                .map(|l| l + 1);
            if w.reason.trim().is_empty() {
                return Err(Fatal::new(format!(
                    "{CONFIG_FILE} 中信用代码例外 {} 没有写理由",
                    w.credit_code.trim()
                ))
                .in_file(&path, line, None)
                .with_help("每个例外都要写明理由（reason），如“营业执照原件如此，国家企业信用信息公示系统同”"));
            }
            if w.credit_code.trim().is_empty() {
                return Err(
                    Fatal::new(format!("{CONFIG_FILE} 中有一个信用代码例外没有写代码"))
                        .in_file(&path, line, None)
                        .with_help("写 credit_code: 18 位代码（照营业执照）"),
                );
            }
        }
        if let Some(y) = config.year
            && !Call::YEARS.contains(&y)
        {
            let line = text.lines().position(|l| {
                l.trim_start().starts_with("year") || l.trim_start().starts_with("年份")
            });
            return Err(Fatal::new(format!(
                "{CONFIG_FILE} 中的年份 {y} 超出范围（{}–{}）",
                Call::YEARS.start(),
                Call::YEARS.end()
            ))
            .in_file(&path, line.map(|l| l + 1), None)
            .with_help("year 写四位数的申报年份，如 2022"));
        }
        Ok(config)
    }

    /// Put the project's own fields (`fields:`) in force, or the built-in
    /// ones when it names no file. Called before documents are read.
    pub fn apply_fields(&self, root: &Path) -> Result<(), Fatal> {
        let Some(spec) = self.fields.as_deref().map(str::trim) else {
            return crate::document::schema::extend(None).map_err(|e| Fatal::new(e.message));
        };
        let path = root.join(spec);
        crate::paths::ensure_inside(root, &path).map_err(|_| {
            Fatal::new(format!("字段文件 {spec} 在项目目录之外"))
                .in_file(&root.join(CONFIG_FILE), None, None)
                .with_help("把字段文件放进项目目录，用相对路径引用")
        })?;
        let text = read_yaml_file(&path)?;
        crate::document::schema::extend(Some(&text)).map_err(|e| {
            Fatal::new(format!("字段文件有误：{}", e.message))
                .in_file(&path, e.at.map(|a| a.0), e.at.map(|a| a.1))
                .with_help("写法同 src/call/presets/fields/*.yaml：kinds: 下写文档类型，每个类型的 fields: 下列出要加的字段（key、label、type）")
        })
    }

    /// The project's own call file, when `call:` names one rather than a
    /// preset.
    pub fn call_file(&self, root: &Path) -> Option<PathBuf> {
        Config::call_path(root, self.call.as_deref()?)
    }

    /// The file a call spec names, when it is not a preset.
    fn call_path(root: &Path, spec: &str) -> Option<PathBuf> {
        let spec = spec.trim();
        (!PRESETS.iter().any(|(id, _)| *id == spec)
            && (spec.ends_with(".yaml") || spec.ends_with(".yml")))
        .then(|| root.join(spec))
    }

    /// The call this project answers, with the project's year applied.
    pub fn call(&self, root: &Path) -> Result<Call, Fatal> {
        let spec = self.call.as_deref().unwrap_or(DEFAULT_PRESET).trim();
        let call = Config::load_call(root, spec)?;
        let mut call = match self.year {
            Some(y) => call.with_year(y),
            None => call,
        };
        call.waivers = self.credit_code_waivers.clone();
        Ok(call)
    }

    /// The call `spec` names (a preset id or a YAML file in the project),
    /// as written: the project's year is not applied.
    pub fn load_call(root: &Path, spec: &str) -> Result<Call, Fatal> {
        let spec = spec.trim();
        let call = if let Some(res) = Call::preset(spec) {
            res.map_err(|e| Fatal::new(format!("内置申报通知 {spec} 无法读取：{}", e.message)))?
        } else if let Some(path) = Config::call_path(root, spec) {
            crate::paths::ensure_inside(root, &path).map_err(|_| {
                Fatal::new(format!("申报通知文件 {spec} 在项目目录之外"))
                    .in_file(&root.join(CONFIG_FILE), None, None)
                    .with_help("把通知定义文件放进项目目录，用相对路径引用")
            })?;
            if path.symlink_metadata().is_err() {
                // Not there: said plainly, with the call files beside it.
                let dir = path.parent().unwrap_or(root);
                let mut there: Vec<String> = std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
                    .collect();
                there.sort();
                let help = if there.is_empty() {
                    "用 shenbao new call 名称 生成通知文件，或写内置预设名（如 cn-2022-pilot）"
                        .to_string()
                } else {
                    format!("同一目录中的通知文件：{}", there.join("、"))
                };
                return Err(Fatal::new(format!("找不到申报通知文件 {spec}"))
                    .in_file(&root.join(CONFIG_FILE), None, None)
                    .with_help(help));
            }
            let text = read_yaml_file(&path)?;
            // `extends:` a file: a path inside the project, read as this one.
            let base = |spec: &str| -> Result<String, crate::call::CallError> {
                let file = root.join(spec);
                crate::paths::ensure_inside(root, &file).map_err(|_| {
                    crate::call::CallError::new(format!(
                        "extends 的“{spec}”不是内置预设，也不是项目目录内的文件"
                    ))
                })?;
                read_yaml_file(&file).map_err(|f| crate::call::CallError {
                    help: f.help.clone(),
                    ..crate::call::CallError::new(format!(
                        "extends 的“{spec}”无法读取：{}",
                        f.message
                    ))
                })
            };
            Call::load(&text, &base).map_err(|e| {
                // A YAML syntax error (it has a position; not the size
                // limits, which must not be parsed again): explained in
                // Chinese at the line to fix, as for shenbao.yaml. Other
                // errors (unknown fields, wrong types) come from
                // `Call::from_yaml` in Chinese, with the allowed fields.
                let parse_error =
                    e.line.is_some() && crate::frontmatter::check_bounds(&text).is_ok();
                if let Some(Err(yaml)) =
                    parse_error.then(|| serde_yaml::from_str::<serde_yaml::Value>(&text))
                {
                    return yaml_fatal(&path, "申报通知文件", &text, &yaml);
                }
                let fatal = Fatal::new(format!("申报通知文件有误：{}", e.message))
                    .in_file(&path, e.line, e.column);
                match e.help {
                    Some(h) => fatal.with_help(h),
                    None => fatal,
                }
            })?
        } else {
            let names: Vec<&str> = PRESETS.iter().map(|(id, _)| *id).collect();
            return Err(Fatal::new(format!("未知的申报通知“{spec}”"))
                .in_file(&root.join(CONFIG_FILE), None, None)
                .with_help(format!(
                    "内置预设：{}；或写项目内 YAML 文件的相对路径",
                    names.join("、")
                )));
        };
        Ok(call)
    }

    /// Whether `build` writes `format` (`pdf`, `docx`, `site`): every
    /// format unless `formats:` lists some.
    pub fn wants(&self, format: &str) -> bool {
        self.formats
            .as_ref()
            .is_none_or(|f| f.iter().any(|x| x.trim().eq_ignore_ascii_case(format)))
    }

    /// Names in `formats:` that are not formats.
    pub fn unknown_formats(&self) -> Vec<String> {
        self.formats
            .iter()
            .flatten()
            .filter(|f| !["pdf", "docx", "site"].contains(&f.trim().to_ascii_lowercase().as_str()))
            .cloned()
            .collect()
    }

    /// The output folder as written (relative to the root); the output
    /// module judges whether it is a safe place to write.
    pub fn output_dir(&self, root: &Path) -> PathBuf {
        root.join(self.output_dir.as_deref().unwrap_or("public"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Fatal> {
        let dir = tempfile::tempdir().map_err(|e| Fatal::new(e.to_string()))?;
        std::fs::write(dir.path().join(CONFIG_FILE), text)
            .map_err(|e| Fatal::new(e.to_string()))?;
        Config::load(dir.path())
    }

    #[test]
    fn a_value_of_the_wrong_type_gets_that_fields_example() {
        let e = load("name: 甲\nyear: 二〇二二\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("整数"), "{e}");
        assert_eq!(
            e.help.as_deref(),
            Some("写成四位数的申报年份，如 `year: 2022`")
        );
        // An unknown field still lists the fields.
        let e = load("nmae: 甲\n").unwrap_err();
        assert!(e.help.is_some_and(|h| h.contains("name")));
    }

    #[test]
    fn a_name_in_full_width_quotes_is_refused_at_its_line() {
        let e = load("# 配置\nname: “鹤阳试点”\nyear: 2022\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(7)), "{e}");
        assert!(e.message.contains("中文引号"), "{e}");
        assert!(e.help.is_some_and(|h| h.contains("`name: 鹤阳试点`")));
        let e = load("name: 甲\ncredit_code_waivers:\n\t- credit_code: x\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("Tab"), "{e}");
        assert!(load("name: 关于“十四五”的方案\n").is_ok());
    }
}
