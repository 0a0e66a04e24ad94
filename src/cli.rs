//! Command-line definitions (clap). Each subcommand parses its arguments
//! and calls the library; exit codes: 0 fine, 1 errors found, 2 the tool
//! could not run.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "shenbao",
    version,
    about = "申报：用 Markdown 编写清洁生产审核创新试点实施方案，按通知要求检查、排版、打包",
    long_about = None
)]
pub struct Cli {
    /// 项目目录（含 shenbao.yaml）；默认为当前目录或其最近的上级目录
    #[arg(long, global = true, value_name = "目录")]
    pub root: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建项目：shenbao.yaml、content/、attachments/
    Init {
        /// 项目目录（不存在则创建）
        #[arg(default_value = ".", value_name = "目录")]
        dir: PathBuf,
    },
    /// 新建文档骨架（完整大纲、每个字段带中文说明），或新的申报通知定义（new call）
    New {
        /// 要新建的内容
        #[arg(value_name = "类型", value_parser = new_target_parser())]
        kind: NewTarget,
        /// 名称（文件名和项目名称），如 伏牛经开区清洁生产审核创新试点
        #[arg(value_name = "名称")]
        name: String,
        /// new call：以哪份通知为底稿；new plan：这份方案所答的通知（写入它的 call:）。内置预设 id 或项目内通知文件，默认为项目当前的通知
        #[arg(long, value_name = "预设或文件")]
        from: Option<String>,
        /// new response：按专家意见修改的文档，如 content/实施方案.md
        #[arg(long = "for", value_name = "文件")]
        revised: Option<String>,
        /// new response：专家评审时看的版本（git 标签或提交，或保留的送审稿文件），默认为 送审版
        #[arg(long, value_name = "版本")]
        reviewed: Option<String>,
    },
    /// 打印 JSON Schema，供 YAML 编辑器补全和校验：call（通知定义）、config（shenbao.yaml）或文档类型（如 pilot-plan）
    Schema {
        /// call、config、pilot-plan、application-form、audit-report、acceptance-report、review-response
        #[arg(value_name = "名称")]
        what: String,
    },
    /// 导入 Word 文件（.docx）：写出 content/名称.md 和 content/images/名称/，并列出未能转换的内容
    Import {
        /// Word 文件（.docx；.doc、.wps、.pdf 请先另存为 .docx）
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 文档类型：pilot-plan、audit-report、acceptance-report、application-form（默认按标题推测）
        #[arg(long, value_name = "类型")]
        kind: Option<String>,
        /// 名称（content/ 下的文件名），默认为 Word 文件名
        #[arg(long, value_name = "名称")]
        name: Option<String>,
        /// 只读取 Word 文件中的批注（专家意见），生成修改说明（review-response），要同时写 --for
        #[arg(long, requires = "revised")]
        comments: bool,
        /// 与 --comments 同用：按专家意见修改的文档，如 content/实施方案.md
        #[arg(long = "for", value_name = "文件")]
        revised: Option<String>,
    },
    /// 按申报通知检查所有文档（形式校核），不写任何文件
    Check {
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human, value_name = "格式")]
        format: Format,
        /// 以此时间计算截止日期（北京时间），如 2022-06-20 或 2022-06-20T09:00
        #[arg(long, value_name = "日期", value_parser = parse_today)]
        today: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// 检查并排版：每份实施方案生成可打印的合订本 PDF（封面、目录、正文、附件）
    Build {
        #[command(flatten)]
        args: BuildArgs,
        /// 不生成 PDF
        #[arg(long)]
        no_pdf: bool,
        /// 不生成网站，只排版 PDF
        #[arg(long)]
        no_site: bool,
        /// 不生成 Word 文件（public/docx/）
        #[arg(long)]
        no_docx: bool,
    },
    /// 本地预览：构建后在浏览器里看网站和 PDF；保存文件后只重建改动的部分并自动刷新页面
    Serve {
        #[command(flatten)]
        args: BuildArgs,
        /// 端口（0 表示由系统挑一个空闲端口）
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT, value_name = "端口", value_parser = parse_port)]
        port: u16,
        /// 监听地址；默认只有本机能访问。改成其他地址会让同一网络的人看到草稿
        #[arg(long, default_value = "127.0.0.1", value_name = "地址", value_parser = parse_addr)]
        bind: std::net::IpAddr,
        /// 启动后用默认浏览器打开
        #[arg(long)]
        open: bool,
        /// 不生成 PDF（只预览网站，重建更快）
        #[arg(long)]
        no_pdf: bool,
    },
    /// 列出全部检查规则：规则名、级别、说明（--format json 给出示例）
    Rules {
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human, value_name = "格式")]
        format: Format,
    },
    /// 说明一条检查规则：级别、范围、是否阻止打包，以及会报告和不会报告的示例
    Explain {
        /// 规则名，如 numbers/total（shenbao rules 列出全部）
        #[arg(value_name = "规则")]
        rule: String,
    },
    /// 为下一个电子件报送节点打包：<输出目录>/package/<邮件题目>.zip，并给出该节点的邮件题目、收件人、大小，以及之后各节点的要求
    Pack {
        #[command(flatten)]
        args: BuildArgs,
        /// 检查有错误时仍然打包（默认有错误不打包）
        #[arg(long)]
        allow_errors: bool,
        /// 为哪个电子件报送节点打包（节点 id 或名称，如 national-email）；默认为下一个未截止的
        #[arg(long, value_name = "节点")]
        milestone: Option<String>,
    },
}

/// Options shared by `build` and `pack`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// 输出目录（默认为 shenbao.yaml 中的 output_dir，即 public/）
    #[arg(long, value_name = "目录")]
    pub out: Option<PathBuf>,
    /// 同时在 PDF 旁写出 typst 源文件，可用 typst 命令行自行编译对照
    #[arg(long)]
    pub emit_typst: bool,
    /// 同时排版的文档数（默认为 CPU 核数）
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// 生成 PDF/A-2b（存档用；不能装订 PDF 格式的附件）
    #[arg(long)]
    pub pdf_a: bool,
    /// 只用内置字体（Fandol），不用本机字体：任何机器上结果一致
    #[arg(long)]
    pub no_system_fonts: bool,
    /// 全部重新生成：不沿用上次生成、输入未改动的 PDF 和 Word 文件
    #[arg(long)]
    pub force: bool,
    /// 以此时间计算截止日期（北京时间），如 2022-06-20 或 2022-06-20T09:00
    #[arg(long, value_name = "日期", value_parser = parse_today)]
    pub today: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// What `shenbao new` makes: a document of a kind, or a call file. The
/// words it takes come from the kinds' data (`command:` in the field
/// files), so a new kind is offered without a change here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewTarget {
    Doc(crate::document::DocKind),
    Call,
}

impl NewTarget {
    /// The document kind; None for a call file.
    pub fn kind(self) -> Option<crate::document::DocKind> {
        match self {
            NewTarget::Doc(k) => Some(k),
            NewTarget::Call => None,
        }
    }
}

fn new_target_parser() -> impl clap::builder::TypedValueParser<Value = NewTarget> {
    use crate::document::DocKind;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let mut values: Vec<PossibleValue> = DocKind::ALL
        .iter()
        .map(|k| PossibleValue::new(k.spec().command.as_str()).help(k.name_zh()))
        .collect();
    values.push(PossibleValue::new("call").help("申报通知定义，写到 calls/名称.yaml"));
    PossibleValuesParser::new(values).map(|s: String| {
        DocKind::ALL
            .iter()
            .copied()
            .find(|k| k.spec().command == s)
            .map_or(NewTarget::Call, NewTarget::Doc)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 逐条列出，指出文件、行、列
    Human,
    /// JSON，供其他程序读取
    Json,
}

fn parse_port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("“{s}”不是端口号，应为 0–65535 的整数（0 表示由系统挑选）"))
}

fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("“{s}”不是有效的文档数，应为正整数，如 2")),
    }
}

fn parse_addr(s: &str) -> Result<std::net::IpAddr, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("“{s}”不是 IP 地址，应写成 127.0.0.1、0.0.0.0 或 ::1 这样的地址"))
}

fn parse_today(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    crate::call::parse_datetime(s, false)
        .ok_or_else(|| format!("无法识别的日期“{s}”，应写成 2022-06-20 或 2022-06-20T09:00"))
}

// ---------------------------------------------------------------------------
// The command line in Chinese. clap writes its own words in English (the
// headings, the built-in flags, the `help` subcommand, `[OPTIONS]`,
// `[default: …]`, every argument error); here they are replaced: help
// templates and headings of our own, the built-in flags and `help`
// re-added with Chinese text, defaults and possible values written into
// each argument's help, and errors rendered from their kind and context.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};

/// What the command line asked for.
#[derive(Debug)]
pub enum Invocation {
    /// Run a command.
    Run(Cli),
    /// Print `text` (help, version or an argument error) and exit with `code`:
    /// 0 for help and version on stdout, 2 for usage errors on stderr.
    Print {
        text: String,
        stderr: bool,
        code: u8,
    },
}

const HELP_COMMAND: &str = "help";

/// Display order of `--help` (and just before it `--version`): last.
const LAST: usize = 10_000;

/// Parse the command line (`args` includes the program name).
pub fn parse<I, T>(args: I) -> Invocation
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = command();
    let sub = subcommand_in(&args, &cmd);
    let matches = match cmd.try_get_matches_from_mut(&args) {
        Ok(m) => m,
        Err(e) => return from_error(&e, &cmd, sub.as_deref()),
    };
    if let Some((HELP_COMMAND, sub)) = matches.subcommand() {
        let name = sub.get_one::<String>("command").cloned();
        return help_for(&mut cmd, name.as_deref());
    }
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => Invocation::Run(cli),
        Err(e) => from_error(&e, &cmd, sub.as_deref()),
    }
}

/// The subcommand named on the command line, if any: the first word that
/// is not an option (nor the value of `--root`) and names a subcommand.
fn subcommand_in(args: &[std::ffi::OsString], cmd: &clap::Command) -> Option<String> {
    let mut words = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(w) = words.next() {
        if w == "--root" {
            words.next();
        } else if !w.starts_with('-') {
            return cmd.find_subcommand(w).map(|c| c.get_name().to_string());
        }
    }
    None
}

/// The whole command line, built, with Chinese help.
pub fn command() -> clap::Command {
    let cmd = Cli::command()
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .display_order(LAST - 1)
                .help("显示版本号"),
        )
        .subcommand(
            clap::Command::new(HELP_COMMAND)
                .about("显示某个命令的说明，如 shenbao help build")
                .arg(
                    Arg::new("command")
                        .value_name("命令")
                        .help("命令名称；不写时显示全部命令"),
                ),
        );
    let mut cmd = localize(cmd);
    cmd.build();
    with_usage(cmd)
}

/// Headings, built-in help flag and argument notes of `cmd` and its
/// subcommands, in Chinese.
fn localize(cmd: clap::Command) -> clap::Command {
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.has_subcommands() {
        template.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str("\n参数：\n{positionals}\n");
    }
    template.push_str("\n选项：\n{options}\n{after-help}");
    cmd.disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .display_order(LAST)
                .help("显示本说明"),
        )
        .help_template(template)
        .subcommand_value_name("命令")
        .subcommand_help_heading("命令")
        .mut_args(localize_arg)
        .mut_subcommands(localize)
}

/// Write an argument's default and possible values into its help, in
/// Chinese, instead of clap's `[default: …]` and `[possible values: …]`.
fn localize_arg(arg: Arg) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let mut notes = Vec::new();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(h) => format!("{}（{h}）", v.get_name()),
            None => v.get_name().to_string(),
        })
        .collect();
    if !values.is_empty() {
        notes.push(format!("可选 {}", values.join("、")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| match v.to_string_lossy() {
            d if d == "." => "当前目录".to_string(),
            d => format!(" {d}"),
        })
        .collect();
    if !defaults.is_empty() {
        notes.push(format!("默认为{}", defaults.join("、")));
    }
    if notes.is_empty() {
        return arg;
    }
    let notes = notes.join("；");
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    // “项目目录（不存在则创建）” + “默认为当前目录” → one pair of brackets.
    let help = match help.strip_suffix('）') {
        Some(h) => format!("{h}；{notes}）"),
        None => format!("{help}（{notes}）"),
    };
    let long = arg.get_long_help().map(ToString::to_string);
    let arg = arg
        .hide_default_value(true)
        .hide_possible_values(true)
        .help(help);
    match long {
        Some(l) => arg.long_help(format!("{l}\n\n{notes}")),
        None => arg,
    }
}

/// clap's usage line with `[选项]` for its `[OPTIONS]`, for the command and
/// its subcommands (which must be built, so that they know their path).
fn with_usage(mut cmd: clap::Command) -> clap::Command {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .strip_prefix("Usage:")
        .unwrap_or(&usage)
        .trim()
        .replace("[OPTIONS]", "[选项]");
    cmd.override_usage(usage).mut_subcommands(with_usage)
}

/// “--format 的值” for an option, “类型” for the positional `<类型>`.
fn the_value_of(arg: &str) -> String {
    match arg.strip_prefix('<').and_then(|a| a.strip_suffix('>')) {
        Some(name) => name.to_string(),
        None => format!("{arg} 的值"),
    }
}

fn help_for(cmd: &mut clap::Command, name: Option<&str>) -> Invocation {
    let text = match name {
        None => cmd.render_help(),
        Some(n) => match cmd.find_subcommand_mut(n) {
            Some(sub) => sub.render_help(),
            None => {
                let names = subcommand_names(cmd);
                let hint = strsim_closest(n, &names)
                    .map_or_else(String::new, |c| format!("  是否想写 {c}？\n"));
                return Invocation::Print {
                    text: format!(
                        "错误：没有“{}”这个命令\n{hint}  可用的命令：{}\n\n运行 `shenbao --help` 查看说明。\n",
                        crate::text::escape_controls(n),
                        names.join("、")
                    ),
                    stderr: true,
                    code: 2,
                };
            }
        },
    };
    Invocation::Print {
        text: text.to_string(),
        stderr: false,
        code: 0,
    }
}

/// The command a mistyped name most likely meant (`biuld` → build), as
/// clap suggests for `shenbao biuld`.
fn strsim_closest<'a>(typed: &str, names: &'a [String]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::jaro(typed, n), n.as_str()))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

fn subcommand_names(cmd: &clap::Command) -> Vec<String> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

fn from_error(e: &clap::Error, cmd: &clap::Command, sub: Option<&str>) -> Invocation {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Invocation::Print {
            text: e.render().to_string(),
            stderr: false,
            code: 0,
        },
        // `shenbao` alone: the help, but as an error.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Invocation::Print {
            text: format!(
                "{}\n\n{}",
                match sub {
                    None =>
                        "错误：缺少命令，例如 `shenbao check`（检查）或 `shenbao build`（排版）"
                            .to_string(),
                    Some(s) => format!("错误：`shenbao {s}` 缺少参数"),
                },
                e.render()
            ),
            stderr: true,
            code: 2,
        },
        _ => Invocation::Print {
            text: error_text(e, cmd, sub),
            stderr: true,
            code: 2,
        },
    }
}

/// An argument error in Chinese: what is wrong, naming the argument and
/// the value; suggestions and valid values; the usage line; where to read
/// more. `sub` is the subcommand named on the command line.
pub fn error_text(e: &clap::Error, cmd: &clap::Command, sub: Option<&str>) -> String {
    use crate::text::escape_controls as esc;
    let one = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(esc(s).into_owned()),
        _ => None,
    };
    let many = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.iter().map(|s| esc(s).into_owned()).collect(),
        Some(ContextValue::String(s)) => vec![esc(s).into_owned()],
        _ => Vec::new(),
    };
    let number = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    };
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => {
            let u = u.to_string();
            Some(u.strip_prefix("Usage:").unwrap_or(&u).trim().to_string())
        }
        _ => None,
    };
    // The subcommand the error is about: the usage line names it, or else
    // the command line does.
    let target = usage
        .as_deref()
        .and_then(|u| u.split_whitespace().nth(1))
        .or(sub)
        .and_then(|w| cmd.find_subcommand(w))
        .unwrap_or(cmd);
    let usage = usage.or_else(|| target.get_overridden_usage().map(|u| u.to_string()));
    let path = target.get_bin_name().unwrap_or("shenbao").to_string();
    // `--format <格式>` → `--format`; positionals keep their `<名称>`.
    let arg = || {
        one(ContextKind::InvalidArg)
            .map(|a| match a.starts_with('-') {
                true => a.split_whitespace().next().unwrap_or(&a).to_string(),
                false => a,
            })
            .unwrap_or_else(|| "参数".to_string())
    };
    let value = || one(ContextKind::InvalidValue).unwrap_or_default();
    let mut notes: Vec<String> = Vec::new();
    let suggest = |notes: &mut Vec<String>, k: ContextKind| {
        let s = many(k);
        if !s.is_empty() {
            notes.push(format!("是否想写 {}？", s.join(" 或 ")));
        }
    };

    let headline = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            suggest(&mut notes, ContextKind::SuggestedSubcommand);
            notes.push(format!(
                "可用的命令：{}",
                subcommand_names(target).join("、")
            ));
            format!(
                "没有“{}”这个命令",
                one(ContextKind::InvalidSubcommand).unwrap_or_default()
            )
        }
        ErrorKind::UnknownArgument => {
            let bad = one(ContextKind::InvalidArg).unwrap_or_default();
            suggest(&mut notes, ContextKind::SuggestedArg);
            suggest(&mut notes, ContextKind::SuggestedSubcommand);
            let options: Vec<String> = target
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect();
            if options.contains(&bad) {
                // An option of this command, after `--`: taken as text.
                format!("多余的参数“{bad}”：写在 -- 之后，不再当作选项")
            } else if bad.starts_with('-') {
                if notes.is_empty() {
                    notes.push(format!("{path} 可用的选项：{}", options.join("、")));
                }
                if e.get(ContextKind::TrailingArg).is_some()
                    || e.get(ContextKind::Suggested).is_some()
                {
                    notes.push(format!(
                        "如果“{bad}”是要作为值的文字，把它写在 -- 之后：{path} -- {bad}"
                    ));
                }
                format!("{path} 没有“{bad}”这个选项")
            } else {
                notes.push("值中有空格时请用引号括起来，如 \"某某 项目\"".to_string());
                format!("多余的参数“{bad}”：{path} 不需要它")
            }
        }
        ErrorKind::InvalidValue => {
            let valid = many(ContextKind::ValidValue);
            suggest(&mut notes, ContextKind::SuggestedValue);
            if !valid.is_empty() {
                notes.push(format!("可选的值：{}", valid.join("、")));
            }
            let v = value();
            if v.is_empty() {
                format!("{} 后面缺少值", arg())
            } else {
                format!("{}“{v}”无效", the_value_of(&arg()))
            }
        }
        ErrorKind::ValueValidation => {
            // Our value parsers explain in Chinese; anything else (an
            // English message from a parser we did not write) is summarised.
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .filter(|s| !s.is_ascii())
                .unwrap_or_else(|| "格式不对".to_string());
            format!("{}“{}”无效：{why}", the_value_of(&arg()), value())
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "缺少必须提供的参数：{}",
                many(ContextKind::InvalidArg).join("、")
            )
        }
        ErrorKind::MissingSubcommand => {
            notes.push(format!(
                "可用的命令：{}",
                many(ContextKind::ValidSubcommand).join("、")
            ));
            format!("{path} 后面要写一个命令")
        }
        ErrorKind::ArgumentConflict => {
            let a = arg();
            match one(ContextKind::PriorArg) {
                Some(p) if p.split_whitespace().next() == Some(a.as_str()) => {
                    format!("{a} 只能写一次")
                }
                Some(p) => format!("{a} 不能与 {p} 同时使用"),
                None => match many(ContextKind::PriorArg) {
                    v if !v.is_empty() => format!("{a} 不能与 {} 同时使用", v.join("、")),
                    _ => format!("{a} 不能与其他选项同时使用"),
                },
            }
        }
        ErrorKind::NoEquals => format!("{} 的值须用等号连接，如 {}=值", arg(), arg()),
        ErrorKind::TooManyValues => format!("{} 只要一个值，多出了“{}”", arg(), value()),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let want = number(ContextKind::ExpectedNumValues)
                .or_else(|| number(ContextKind::MinValues))
                .unwrap_or(1);
            let got = number(ContextKind::ActualNumValues).unwrap_or(0);
            format!("{} 需要 {want} 个值，只给了 {got} 个", arg())
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是有效的 UTF-8 文本）".to_string(),
        ErrorKind::Io | ErrorKind::Format => match std::error::Error::source(e) {
            Some(s) => format!("无法输出：{s}"),
            None => "无法输出".to_string(),
        },
        _ => "命令行参数有误".to_string(),
    };

    let mut text = format!("错误：{headline}\n");
    for n in notes {
        text.push_str(&format!("  {n}\n"));
    }
    if let Some(u) = usage {
        text.push_str(&format!("\n用法：{}\n", u.replace("[OPTIONS]", "[选项]")));
    }
    text.push_str(&format!("\n运行 `{path} --help` 查看说明。\n"));
    text
}

impl BuildArgs {
    /// The build these arguments ask for.
    pub fn options(&self, pdf: bool, site: bool) -> crate::build::BuildOptions {
        let today = self
            .today
            .unwrap_or_else(|| chrono::Utc::now().with_timezone(&crate::call::beijing()));
        let defaults = crate::build::BuildOptions::new(today);
        crate::build::BuildOptions {
            out_dir: self.out.clone(),
            pdf,
            site,
            emit_typst: self.emit_typst,
            jobs: self.jobs.unwrap_or(defaults.jobs),
            pdf_a: self.pdf_a,
            system_fonts: !self.no_system_fonts,
            force: self.force,
            ..defaults
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_offers_every_kind_by_its_data() {
        use crate::document::DocKind;
        for k in DocKind::ALL {
            let cli = Cli::try_parse_from(["shenbao", "new", &k.spec().command, "甲"]).unwrap();
            match cli.command {
                Command::New { kind, .. } => assert_eq!(kind, NewTarget::Doc(*k)),
                other => panic!("{other:?}"),
            }
        }
        let cli = Cli::try_parse_from(["shenbao", "new", "call", "甲"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::New {
                kind: NewTarget::Call,
                ..
            }
        ));
        assert!(Cli::try_parse_from(["shenbao", "new", "plann", "甲"]).is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn parses_a_command() {
        match parse(["shenbao", "--root", "x", "check", "--format", "json"]) {
            Invocation::Run(cli) => {
                assert_eq!(cli.root, Some(PathBuf::from("x")));
                assert!(matches!(
                    cli.command,
                    Command::Check {
                        format: Format::Json,
                        ..
                    }
                ));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_subcommand_after_root() {
        let args = ["shenbao", "--root", "check", "build", "--jobs", "x"].map(Into::into);
        assert_eq!(subcommand_in(&args, &command()).as_deref(), Some("build"));
        match parse(args) {
            Invocation::Print { text, stderr, code } => {
                assert!(stderr);
                assert_eq!(code, 2);
                assert!(text.contains("shenbao build --help"), "{text}");
            }
            other => panic!("{other:?}"),
        }
    }
}
