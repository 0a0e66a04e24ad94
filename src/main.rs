use std::io::Write;
use std::process::ExitCode;

use codespan_reporting::term::termcolor::StandardStream;

use shenbao::build;
use shenbao::call::beijing;
use shenbao::check::{self, Options};
use shenbao::cli::{Cli, Command, Format, Invocation};
use shenbao::config::Fatal;
use shenbao::console;
use shenbao::diagnostic::{self, Summary};
use shenbao::pack::{self, PackOptions};
use shenbao::project::{self, Project};
use shenbao::scaffold;

/// Parallel document builds allocate heavily from several threads at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

macro_rules! say {
    ($($arg:tt)*) => {
        say_raw(&format!("{}\n", format_args!($($arg)*)))
    };
}

fn main() -> ExitCode {
    let cli = match shenbao::cli::parse(std::env::args_os()) {
        Invocation::Run(cli) => cli,
        Invocation::Print { text, stderr, code } => {
            // A closed pipe (`shenbao --help | head`) is not an error worth a panic.
            let _ = if stderr {
                std::io::stderr().write_all(text.as_bytes())
            } else {
                std::io::stdout().write_all(text.as_bytes())
            };
            return ExitCode::from(code);
        }
    };
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
            say!("已新建项目 {}", dir.display());
            for p in written {
                if p.is_dir() {
                    say!("  建立 {}/", console::esc(&p.display().to_string()));
                } else {
                    say!("  写入 {}", console::esc(&p.display().to_string()));
                }
            }
            let dir = console::esc(&dir.display().to_string()).into_owned();
            say!("下一步：cd {dir} && shenbao new plan 项目名称 && shenbao check");
            say!(
                "  （企业自愿性清洁生产审核：shenbao new form 企业名称、shenbao new audit-report 企业名称、shenbao new acceptance-report 企业名称）"
            );
            say!("  在 shenbao.yaml 的 name 中写项目名称，它是网站的标题");
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            kind,
            name,
            from,
            revised,
            reviewed,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let config = shenbao::config::Config::load(&root)?;
            config.apply_fields(&root)?;
            let Some(doc_kind) = kind.kind() else {
                let spec = from
                    .or_else(|| config.call.clone())
                    .unwrap_or_else(|| shenbao::call::DEFAULT_PRESET.to_string());
                let source = shenbao::config::Config::load_call(&root, &spec)?;
                let path = scaffold::new_call(&root, &name, &source, spec.trim())?;
                let rel = project::rel_path(&root, &path);
                say!(
                    "已生成 {}（以 {} 为底稿）",
                    console::esc(&rel),
                    console::esc(spec.trim())
                );
                say!(
                    "修改其中的年份、类别、时间节点等，在 shenbao.yaml 中写 call: {} 后运行 shenbao check",
                    console::esc(&rel)
                );
                if let Some(y) = config.year {
                    say!(
                        "注意：shenbao.yaml 中的 year: {y} 会覆盖通知文件的 year；换到新一年的通知时删去或改掉它"
                    );
                }
                return Ok(ExitCode::SUCCESS);
            };
            let opts = shenbao::kinds::NewOptions {
                from,
                revised,
                reviewed,
            };
            let path = doc_kind.create(&root, &config, &name, &opts)?;
            say!("已生成 {}", console::esc(&project::rel_path(&root, &path)));
            say!("{}", doc_kind.next_step());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { what } => {
            // Kinds a project adds fields to are in their schema.
            if let Ok(root) = project::resolve_root(cli.root.as_deref())
                && let Ok(config) = shenbao::config::Config::load(&root)
            {
                config.apply_fields(&root)?;
            }
            let Some(schema) = scaffold::schema(&what) else {
                return Err(
                    shenbao::config::Fatal::new(format!("没有“{what}”的 schema"))
                        .with_help(format!("可用的有：{}", scaffold::schema_names().join("、"))),
                );
            };
            say!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
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
            let mut opts = args.options(!no_pdf, !no_site);
            opts.docx = !no_docx;
            let report = build::build(&project, &opts)?;
            let mut out = StandardStream::stdout(console::color_choice());
            console::print_build(&mut out, &project, &report).map_err(io_fatal)?;
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
                build: args.options(!no_pdf, true),
                bind,
                port,
                open,
            };
            shenbao::serve::serve(&root, opts, shenbao::serve::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pack {
            args,
            allow_errors,
            milestone,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let opts = PackOptions {
                build: args.options(true, false),
                allow_errors,
                milestone,
            };
            let report = pack::pack(&project, &opts)?;
            console::print_pack(&project, &report, &opts.build.today).map_err(io_fatal)?;
            Ok(if report.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Import {
            file,
            kind,
            name,
            comments,
            revised,
        } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            if comments {
                let revised = revised.unwrap_or_default();
                let found = shenbao::import::read_comments(&file)?;
                let stem = file.file_stem().map_or_else(
                    || "专家意见".to_string(),
                    |s| s.to_string_lossy().into_owned(),
                );
                let name = name.unwrap_or_else(|| format!("{stem}-修改说明"));
                let path =
                    shenbao::kinds::response::new_response(&root, &name, &revised, None, &found)?;
                say!(
                    "已生成 {}：{} 条批注成为专家意见",
                    console::esc(&project::rel_path(&root, &path)),
                    found.len()
                );
                say!(
                    "逐条写修改情况（response），核对每条的修改位置（section），然后运行 shenbao check"
                );
                return Ok(ExitCode::SUCCESS);
            }
            if revised.is_some() {
                return Err(Fatal::new("--for 只与 --comments 同用").with_help(
                    "导入批注：shenbao import 专家意见.docx --comments --for content/实施方案.md",
                ));
            }
            let config = shenbao::config::Config::load(&root)?;
            config.apply_fields(&root)?;
            let call = config.call(&root)?;
            let kind = match kind.as_deref() {
                None => None,
                Some(k) => Some(shenbao::document::DocKind::parse(k).ok_or_else(|| {
                    let kinds: Vec<&str> = shenbao::document::DocKind::ALL
                        .iter()
                        .map(|k| k.id())
                        .collect();
                    Fatal::new(format!("未知的文档类型“{k}”"))
                        .with_help(format!("可写 {}", kinds.join("、")))
                })?),
            };
            let t = std::time::Instant::now();
            let (path, converted) =
                shenbao::import::import(&root, &call, &file, kind, name.as_deref())?;
            say_raw(&shenbao::import::report(
                &project::rel_path(&root, &path),
                &converted,
            ));
            say!("用时 {:.2} 秒", t.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { format } => {
            quiet_pipe(console::print_rules(format == Format::Json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let Some(r) = check::registry::get(rule.trim()) else {
                let ids = check::registry::all().iter().map(|r| r.id.as_str());
                let hint = shenbao::text::closest(rule.trim(), ids)
                    .map_or_else(String::new, |c| format!("是否想写 {c}？"));
                return Err(
                    Fatal::new(format!("没有名为“{}”的检查规则", console::esc(&rule)))
                        .with_help(format!("{hint}运行 shenbao rules 列出全部规则")),
                );
            };
            quiet_pipe(console::print_explain(r))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { format, today } => {
            let root = project::resolve_root(cli.root.as_deref())?;
            let project = Project::load(&root)?;
            let today = today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&beijing()));
            let diags = check::check_project(&project, &Options::at(today));
            let summary = Summary::of(project.file_count(), &diags);
            match format {
                Format::Json => {
                    say!("{}", diagnostic::to_json(&diags, summary));
                }
                Format::Human => console::print_check(&project, &diags, summary).map_err(|e| {
                    Fatal::new(format!("无法输出结果：{}", shenbao::fsutil::io_message(&e)))
                })?,
            }
            Ok(if summary.errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Write to standard output; a reader that went away (`shenbao check
/// --format json | head`) ends the program quietly, as other command-line
/// tools do, instead of a panic.
fn say_raw(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

fn io_fatal(e: std::io::Error) -> Fatal {
    Fatal::new(format!("无法输出结果：{}", shenbao::fsutil::io_message(&e)))
}

/// Output to a reader that went away (`shenbao rules | head`) is not an
/// error worth a message.
fn quiet_pipe(r: std::io::Result<()>) -> Result<(), Fatal> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(io_fatal),
    }
}
