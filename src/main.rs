use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use shenbao::build::{self, BuildOptions};
use shenbao::call::beijing;
use shenbao::check::{self, Options};
use shenbao::cli::{Cli, Command, Format, NewKind};
use shenbao::config::Fatal;
use shenbao::diagnostic::{self, Summary};
use shenbao::project::{self, Project};
use shenbao::scaffold;
use shenbao::source::SourceFile;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(fatal) => {
            eprintln!("{fatal}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Init { dir } => {
            let dir = match &cli.root {
                Some(r) if dir.as_os_str() == "." => r.clone(),
                _ => dir,
            };
            let written = scaffold::init(&dir)?;
            println!("已新建项目 {}", dir.display());
            for p in written {
                println!("  写入 {}", p.display());
            }
            println!(
                "下一步：cd {} && shenbao new plan 项目名称 && shenbao check",
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::New { kind, name } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let config = shenbao::config::Config::load(&root)?;
            let call = config.call(&root)?;
            let path = match kind {
                NewKind::Plan => scaffold::new_plan(&root, &call, &name)?,
            };
            println!("已生成 {}", project::rel_path(&root, &path));
            println!("把每个“待补充”换成实际内容，然后运行 shenbao check");
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            out,
            no_pdf,
            no_site: _,
            emit_typst,
            jobs,
            pdf_a,
            no_system_fonts,
            today,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let opts = BuildOptions {
                out_dir: out,
                pdf: !no_pdf,
                emit_typst,
                jobs: jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                pdf_a,
                system_fonts: !no_system_fonts,
                today: today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&beijing())),
            };
            let report = build::build(&project, &opts)?;
            print_build(&project, &report).map_err(|e| Fatal::new(format!("无法输出结果：{e}")))?;
            Ok(if report.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check { format, today } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let today = today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&beijing()));
            let diags = check::check_project(&project, &Options { today });
            let summary = Summary::of(project.file_count(), &diags);
            match format {
                Format::Json => {
                    println!("{}", diagnostic::to_json(&diags, summary));
                }
                Format::Human => print_human(&project, &diags, summary)
                    .map_err(|e| Fatal::new(format!("无法输出结果：{e}")))?,
            }
            Ok(if summary.errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn print_build(project: &Project, report: &build::BuildReport) -> std::io::Result<()> {
    let mut out = StandardStream::stdout(color_choice());
    let sources = sources_of(project);
    // Printing problems in full; the check's findings as a count.
    diagnostic::render_human(&mut out, &report.print, &sources)?;
    let summary = Summary::of(project.documents.len(), &report.check);
    if summary.errors + summary.warnings > 0 {
        writeln!(
            out,
            "检查：{} 个错误，{} 个警告（运行 shenbao check 查看详情）",
            summary.errors, summary.warnings
        )?;
    }
    if !report.fonts.is_empty() {
        writeln!(out, "字体：")?;
        for r in &report.fonts {
            if let Some((family, origin)) = &r.serving {
                let from = match origin {
                    shenbao::render::pdf::fonts::Origin::System => "本机字体",
                    shenbao::render::pdf::fonts::Origin::Bundled => "内置字体",
                };
                writeln!(out, "  {} → {family}（{from}）", r.label)?;
            }
        }
    }
    for d in &report.docs {
        match &d.pdf {
            Some(p) if d.ok => writeln!(
                out,
                "生成 {}（{} 页，{:.2} MB，{:.1} 秒）",
                project::rel_path(&project.root, p),
                d.pages,
                d.bytes as f64 / 1_048_576.0,
                d.millis as f64 / 1000.0
            )?,
            _ => writeln!(
                out,
                "失败 {}：未生成 PDF，原有文件保持不变（见上方错误）",
                d.rel
            )?,
        }
    }
    let ok = report.docs.iter().filter(|d| d.ok).count();
    writeln!(
        out,
        "完成：{ok} 份 PDF 已写入 {}{}",
        report.out_dir.display(),
        if report.failed() {
            "，有文档排版失败"
        } else {
            ""
        }
    )?;
    out.flush()
}

fn color_choice() -> ColorChoice {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

fn sources_of(project: &Project) -> BTreeMap<String, &SourceFile> {
    project
        .documents
        .iter()
        .map(|d| (d.src.rel.clone(), &d.src))
        .collect()
}

fn print_human(
    project: &Project,
    diags: &[diagnostic::Diagnostic],
    summary: Summary,
) -> std::io::Result<()> {
    let mut out = StandardStream::stdout(color_choice());
    let sources = sources_of(project);
    diagnostic::render_human(&mut out, diags, &sources)?;
    let verdict = if summary.errors > 0 {
        "形式校核会因错误退回：请先改正上面的错误"
    } else if summary.warnings > 0 {
        "没有错误；请逐条核对警告"
    } else {
        "没有发现问题"
    };
    writeln!(
        out,
        "检查了 {} 份文档：{} 个错误，{} 个警告，{} 条提示。{verdict}。",
        summary.documents, summary.errors, summary.warnings, summary.infos
    )?;
    out.flush()
}
