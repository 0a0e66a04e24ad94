use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use shenbao::build::{self, BuildOptions};
use shenbao::call::beijing;
use shenbao::check::package::mib;
use shenbao::check::{self, Options};
use shenbao::cli::{BuildArgs, Cli, Command, Format};
use shenbao::config::Fatal;
use shenbao::diagnostic::{self, Summary};
use shenbao::pack::{self, PackOptions};
use shenbao::project::{self, Project};
use shenbao::scaffold;
use shenbao::source::SourceFile;

/// Parallel document builds allocate heavily from several threads at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            let path = scaffold::new_document(&root, kind.kind(), &call, &name)?;
            println!("已生成 {}", esc(&project::rel_path(&root, &path)));
            println!("把每个“待补充”换成实际内容，然后运行 shenbao check");
            Ok(ExitCode::SUCCESS)
        }
        Command::Build {
            args,
            no_pdf,
            no_site,
            no_docx,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let mut opts = build_options(&args, !no_pdf, !no_site);
            opts.docx = !no_docx;
            let report = build::build(&project, &opts)?;
            let mut out = StandardStream::stdout(color_choice());
            print_build(&mut out, &project, &report).map_err(io_fatal)?;
            Ok(if report.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            args,
            port,
            bind,
            open,
            no_pdf,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let opts = shenbao::serve::ServeOptions {
                build: build_options(&args, !no_pdf, true),
                bind,
                port,
                open,
            };
            shenbao::serve::serve(&root, opts, shenbao::serve::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pack { args, allow_errors } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let opts = PackOptions {
                build: build_options(&args, true, false),
                allow_errors,
            };
            let report = pack::pack(&project, &opts)?;
            print_pack(&project, &report, &opts.build.today).map_err(io_fatal)?;
            Ok(if report.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Import { file, kind, name } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let config = shenbao::config::Config::load(&root)?;
            let call = config.call(&root)?;
            let kind = match kind.as_deref() {
                None => None,
                Some(k) => Some(shenbao::document::DocKind::parse(k).ok_or_else(|| {
                    Fatal::new(format!("未知的文档类型“{k}”")).with_help(
                        "可写 pilot-plan、audit-report、acceptance-report、application-form",
                    )
                })?),
            };
            let t = std::time::Instant::now();
            let (path, converted) =
                shenbao::import::import(&root, &call, &file, kind, name.as_deref())?;
            print!(
                "{}",
                shenbao::import::report(&project::rel_path(&root, &path), &converted)
            );
            println!("用时 {:.2} 秒", t.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
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

fn io_fatal(e: std::io::Error) -> Fatal {
    Fatal::new(format!("无法输出结果：{e}"))
}

fn build_options(args: &BuildArgs, pdf: bool, site: bool) -> BuildOptions {
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&beijing()));
    let defaults = BuildOptions::new(today);
    BuildOptions {
        out_dir: args.out.clone(),
        pdf,
        site,
        emit_typst: args.emit_typst,
        jobs: args.jobs.unwrap_or(defaults.jobs),
        pdf_a: args.pdf_a,
        system_fonts: !args.no_system_fonts,
        force: args.force,
        ..defaults
    }
}

fn print_pack(
    project: &Project,
    report: &pack::PackReport,
    today: &chrono::DateTime<chrono::FixedOffset>,
) -> std::io::Result<()> {
    let mut out = StandardStream::stdout(color_choice());
    if report.blocked {
        let errors: Vec<diagnostic::Diagnostic> =
            report.check_errors().into_iter().cloned().collect();
        diagnostic::render_human(&mut out, &errors, &sources_of(project))?;
        writeln!(
            out,
            "检查发现 {} 个错误，未打包。改正后重试；确需先打包可加 --allow-errors。",
            errors.len()
        )?;
        return out.flush();
    }
    print_build(&mut out, project, &report.build)?;
    let limit = project.call.package.limit_bytes;
    for p in &report.packages {
        writeln!(out)?;
        writeln!(out, "邮件题目：{}", esc(&p.subject))?;
        let to: Vec<String> = project
            .call
            .milestones
            .iter()
            .filter(|m| m.channel == shenbao::call::Channel::Email && !m.address.is_empty())
            .map(|m| format!("{}（{}）", m.address, m.to))
            .collect();
        writeln!(out, "收件人：  {}", to.join("；"))?;
        let size = format!(
            "{} 字节（{:.2} MiB），邮件中按 base64 编码约 {:.2} MiB；上限 {:.0} MiB",
            p.bytes,
            mib(p.bytes),
            mib(p.base64),
            mib(limit)
        );
        match (&p.zip, &p.duplicate_of) {
            (Some(z), _) => writeln!(
                out,
                "附件：    {}",
                esc(&project::rel_path(&project.root, z))
            )?,
            (None, Some(first)) => writeln!(
                out,
                "附件：    未写出（{} 与 {} 的邮件题目相同，不覆盖）",
                esc(&p.doc),
                esc(first)
            )?,
            (None, None) => writeln!(out, "附件：    未写出（超过上限）")?,
        }
        writeln!(out, "大小：    {size}")?;
        for (name, bytes) in &p.entries {
            writeln!(out, "          └ {}（{:.2} MiB）", esc(name), mib(*bytes))?;
        }
        if p.over_limit || p.over_warning {
            let level = if p.over_limit { "错误" } else { "警告" };
            let what = if p.over_limit {
                format!("超过通知规定的 {:.0} MiB，邮件会被拒收", mib(limit))
            } else {
                format!(
                    "超过 {} 字节，部分邮箱按此计算会拒收",
                    project.call.package.warn_bytes
                )
            };
            writeln!(out, "{level}[package/size]：电子件{what}。")?;
            let largest: Vec<String> = p
                .largest
                .iter()
                .map(|(n, b)| format!("{}（{:.2} MiB）", esc(n), mib(*b)))
                .collect();
            if !largest.is_empty() {
                writeln!(out, "  最大的文件：{}", largest.join("、"))?;
            }
            writeln!(
                out,
                "  建议：压缩或降低扫描图片的分辨率（150–200 dpi 足够），把照片转为 JPG，删去重复的附件"
            )?;
        }
    }
    if report.packages.is_empty() {
        writeln!(
            out,
            "没有可打包的实施方案：content/ 中没有排版成功的方案（kind: pilot-plan）。"
        )?;
    } else {
        writeln!(out)?;
        writeln!(out, "报送与打印：")?;
        for line in pack::milestone_lines(&project.call, today) {
            writeln!(out, "  {line}")?;
        }
    }
    out.flush()
}

fn print_build(
    out: &mut StandardStream,
    project: &Project,
    report: &build::BuildReport,
) -> std::io::Result<()> {
    let sources = sources_of(project);
    // Printing problems in full; the check's findings as a count.
    diagnostic::render_human(out, &report.print, &sources)?;
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
                writeln!(out, "  {} → {}（{from}）", r.label, esc(family))?;
            }
        }
    }
    for d in report.docs.iter().filter(|d| !d.kept) {
        match &d.pdf {
            Some(p) if d.ok => writeln!(
                out,
                "生成 {}（{} 页，{:.2} MiB，{:.1} 秒）",
                esc(&project::rel_path(&project.root, p)),
                d.pages,
                d.bytes as f64 / 1_048_576.0,
                d.millis as f64 / 1000.0
            )?,
            _ => writeln!(
                out,
                "失败 {}：未生成 PDF，原有文件保持不变（见上方错误）",
                esc(&d.rel)
            )?,
        }
    }
    for (file, why) in &report.no_pdf {
        writeln!(out, "未生成 PDF {}：{}", esc(file), esc(why))?;
    }
    for d in report.docx.iter().filter(|d| !d.kept) {
        match &d.pdf {
            Some(p) if d.ok => writeln!(
                out,
                "生成 {}（Word 文件，{:.2} MiB，{:.1} 秒）",
                esc(&project::rel_path(&project.root, p)),
                d.bytes as f64 / 1_048_576.0,
                d.millis as f64 / 1000.0
            )?,
            _ => writeln!(out, "失败 {}：未生成 Word 文件（见上方错误）", esc(&d.rel))?,
        }
    }
    for line in report.kept_lines() {
        writeln!(out, "{line}")?;
    }
    if let Some(site) = &report.site {
        diagnostic::render_human(out, &site.diagnostics, &sources)?;
        writeln!(
            out,
            "网站：{} 个页面，{} 个章节可搜索，打开 {}",
            site.pages,
            site.search_entries,
            esc(&report.out_dir.join("index.html").display().to_string())
        )?;
    }
    let ok = report.docs.iter().filter(|d| d.ok).count();
    let not_written = report
        .print
        .iter()
        .filter(|d| d.rule == "print/write" || d.rule == "site/write")
        .count();
    let typeset_failed = report.docs.iter().filter(|d| !d.ok).count();
    let mut problems = Vec::new();
    if not_written > 0 {
        problems.push(format!("{not_written} 个文件无法写入（见上方错误）"));
    }
    if typeset_failed > not_written.min(typeset_failed) {
        problems.push(format!(
            "{} 份文档排版失败",
            typeset_failed - not_written.min(typeset_failed)
        ));
    }
    if !report.no_pdf.is_empty() {
        problems.push(format!("{} 个文件没有生成 PDF", report.no_pdf.len()));
    }
    if report.pdf_wanted && ok == 0 && problems.is_empty() {
        problems.push("content/ 中没有可排版的文档".to_string());
    }
    let out_dir = esc(&report.out_dir.display().to_string()).into_owned();
    if problems.is_empty() {
        writeln!(out, "完成：{ok} 份 PDF 已写入 {out_dir}")?;
    } else {
        writeln!(
            out,
            "未全部完成：{ok} 份 PDF 已写入 {out_dir}；{}",
            problems.join("；")
        )?;
    }
    out.flush()
}

/// Text for the terminal, control characters escaped.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    shenbao::text::escape_controls(s)
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
