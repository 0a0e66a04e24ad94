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
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建项目：shenbao.yaml、content/、attachments/
    Init {
        /// 项目目录（不存在则创建）
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// 新建文档骨架（完整大纲、每个字段带中文说明）
    New {
        /// 文档类型
        #[arg(value_enum)]
        kind: NewKind,
        /// 名称（文件名和项目名称），如 伏牛经开区清洁生产审核创新试点
        name: String,
    },
    /// 导入 Word 文件（.docx）：写出 content/名称.md 和 content/images/名称/，并列出未能转换的内容
    Import {
        /// Word 文件（.docx；.doc、.wps、.pdf 请先另存为 .docx）
        file: PathBuf,
        /// 文档类型：pilot-plan、audit-report、acceptance-report、application-form（默认按标题推测）
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// 名称（content/ 下的文件名），默认为 Word 文件名
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// 按申报通知检查所有文档（形式校核），不写任何文件
    Check {
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// 以此时间计算截止日期（北京时间），如 2022-06-20 或 2022-06-20T09:00
        #[arg(long, value_name = "YYYY-MM-DD[THH:MM]", value_parser = parse_today)]
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
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// 监听地址；默认只有本机能访问。改成其他地址会让同一网络的人看到草稿
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: std::net::IpAddr,
        /// 启动后用默认浏览器打开
        #[arg(long)]
        open: bool,
        /// 不生成 PDF（只预览网站，重建更快）
        #[arg(long)]
        no_pdf: bool,
    },
    /// 生成邮件电子件：<输出目录>/package/<邮件题目>.zip，并给出邮件题目、收件人、大小和打印寄送要求
    Pack {
        #[command(flatten)]
        args: BuildArgs,
        /// 检查有错误时仍然打包（默认有错误不打包）
        #[arg(long)]
        allow_errors: bool,
    },
}

/// Options shared by `build` and `pack`.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// 输出目录（默认为 shenbao.yaml 中的 output_dir，即 public/）
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 同时在 PDF 旁写出 typst 源文件，可用 typst 命令行自行编译对照
    #[arg(long)]
    pub emit_typst: bool,
    /// 同时排版的文档数（默认为 CPU 核数）
    #[arg(long, value_name = "N")]
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
    #[arg(long, value_name = "YYYY-MM-DD[THH:MM]", value_parser = parse_today)]
    pub today: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// 试点实施方案
    Plan,
    /// 自愿性清洁生产审核申请表
    Form,
    /// 清洁生产审核报告
    AuditReport,
    /// 清洁生产审核验收自评报告
    AcceptanceReport,
}

impl NewKind {
    pub fn kind(self) -> crate::document::DocKind {
        use crate::document::DocKind;
        match self {
            NewKind::Plan => DocKind::PilotPlan,
            NewKind::Form => DocKind::ApplicationForm,
            NewKind::AuditReport => DocKind::AuditReport,
            NewKind::AcceptanceReport => DocKind::AcceptanceReport,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

fn parse_today(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    crate::call::parse_datetime(s, false)
        .ok_or_else(|| format!("无法识别的日期“{s}”，应写成 2022-06-20 或 2022-06-20T09:00"))
}
