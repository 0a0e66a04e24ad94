use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

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

fn print_human(
    project: &Project,
    diags: &[diagnostic::Diagnostic],
    summary: Summary,
) -> std::io::Result<()> {
    let color = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut out = StandardStream::stdout(color);
    let mut sources: BTreeMap<String, &SourceFile> = BTreeMap::new();
    for d in &project.documents {
        sources.insert(d.src.rel.clone(), &d.src);
    }
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
