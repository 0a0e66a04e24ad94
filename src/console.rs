//! What the commands print on the terminal, in Chinese: the build and
//! pack summaries and the check report (diagnostics are drawn by
//! [`crate::diagnostic`]). `main` only dispatches.

use crate::rule;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::build;
use crate::diagnostic::{self, Summary};
use crate::pack;
use crate::package::mib;
use crate::project::{self, Project};
use crate::source::SourceFile;

pub fn print_pack(
    project: &Project,
    report: &pack::PackReport,
    today: &chrono::DateTime<chrono::FixedOffset>,
) -> std::io::Result<()> {
    let mut out = StandardStream::stdout(color_choice());
    let rel = |p: &std::path::Path| {
        crate::text::escape_name(&project::rel_path(&project.root, p)).into_owned()
    };
    let removed = |out: &mut StandardStream| -> std::io::Result<()> {
        for z in &report.removed {
            writeln!(
                out,
                "已删除上一次生成的电子件 {}：本次没有重新生成它，旧文件可能与现在的方案不符，留着可能被误发。",
                rel(z)
            )?;
        }
        // Old packages that could not be removed: said, never silent.
        for d in report.build.print.iter().filter(|d| is_kept(d)) {
            writeln!(
                out,
                "警告[{}]：{}",
                d.rule,
                crate::text::escape_name(&d.message)
            )?;
            if let Some(h) = &d.help {
                writeln!(out, "  建议：{h}")?;
            }
        }
        Ok(())
    };
    if report.blocked {
        let errors: Vec<diagnostic::Diagnostic> =
            report.check_errors().into_iter().cloned().collect();
        diagnostic::render_human(&mut out, &errors, &sources_of(project))?;
        writeln!(
            out,
            "检查发现 {} 个错误，未打包。改正后重试；确需先打包可加 --allow-errors。",
            errors.len()
        )?;
        removed(&mut out)?;
        return out.flush();
    }
    print_build(&mut out, project, &report.build)?;
    let check_errors = report.check_errors().len();
    for (i, season) in report.seasons.iter().enumerate() {
        // A season with no plan printed has nothing to say here.
        if report.seasons.len() > 1 && !report.packages.iter().any(|p| p.season == i) {
            continue;
        }
        print_season(&mut out, report, i, season, today, check_errors, &rel)?;
    }
    for doc in &report.unprinted {
        writeln!(
            out,
            "未打包 {}：没有生成 PDF（见上方错误）",
            crate::text::escape_name(doc)
        )?;
    }
    for (doc, why) in &report.skipped {
        writeln!(
            out,
            "未打包 {}：{}",
            crate::text::escape_name(doc),
            crate::text::escape_name(why)
        )?;
    }
    for doc in &report.empty {
        writeln!(
            out,
            "错误[{}]：未打包 {}：按本阶段的 includes（或 package.includes），压缩包中没有任何文件（没有写出空压缩包）",
            rule::PACKAGE_EMPTY,
            crate::text::escape_name(doc)
        )?;
    }
    if !report.removed.is_empty() || report.build.print.iter().any(is_kept) {
        writeln!(out)?;
        removed(&mut out)?;
    }
    if report.packages.is_empty() {
        writeln!(
            out,
            "没有可打包的实施方案：content/ 中没有排版成功的方案（kind: pilot-plan）。"
        )?;
    }
    out.flush()
}

/// One call's stage: which it is, its packages, and what comes after it
/// (from the call's data alone).
fn print_season(
    out: &mut StandardStream,
    report: &pack::PackReport,
    index: usize,
    season: &pack::Season,
    today: &chrono::DateTime<chrono::FixedOffset>,
    check_errors: usize,
    rel: &dyn Fn(&std::path::Path) -> String,
) -> std::io::Result<()> {
    let call = &season.call;
    let Ok(stage) = &season.stage else {
        return Ok(());
    };
    let limit = call.package.limit_bytes;
    let packages: Vec<&pack::Package> = report
        .packages
        .iter()
        .filter(|p| p.season == index)
        .collect();
    writeln!(out)?;
    if report.seasons.len() > 1 {
        writeln!(out, "《{}》", call.name)?;
    }
    writeln!(
        out,
        "报送阶段：{}（{}）{}",
        stage.name,
        stage.id,
        crate::call::due_words(call, stage, today).map_or_else(String::new, |w| format!("，{w}"))
    )?;
    if !stage.what.trim().is_empty() {
        writeln!(out, "要求：    {}", stage.what.trim())?;
    }
    if season.past {
        writeln!(
            out,
            "注意：    通知中的电子件节点都已截止，以上按最后一个节点打包；如有其他节点要报送，用 --milestone 指定"
        )?;
    }
    for p in &packages {
        writeln!(out)?;
        writeln!(out, "邮件题目：{}", esc(&p.subject))?;
        writeln!(out, "收件人：  {}（{}）", stage.address, stage.to)?;
        let size = format!(
            "{} 字节（{:.2} MiB），邮件中按 base64 编码约 {:.2} MiB；上限 {:.0} MiB",
            p.bytes,
            mib(p.bytes),
            mib(p.base64),
            mib(limit)
        );
        match (&p.zip, &p.duplicate_of) {
            (Some(z), _) => {
                writeln!(out, "附件：    {}", rel(z))?;
                writeln!(out, "大小：    {size}")?;
                if check_errors > 0 {
                    writeln!(
                        out,
                        "注意：    检查有 {check_errors} 个错误，按 --allow-errors 照样打包；改正前不要报送"
                    )?;
                }
            }
            (None, Some(first)) => {
                // Nothing was zipped under this name: no size to tell.
                writeln!(
                    out,
                    "附件：    未写出（{} 与 {} 的邮件题目相同，不覆盖）",
                    esc(&p.doc),
                    esc(first)
                )?;
                continue;
            }
            (None, None) if !p.missing.is_empty() => {
                writeln!(out, "附件：    未写出（本阶段要求的内容不全）")?;
                for m in &p.missing {
                    writeln!(
                        out,
                        "错误[{}]：{}：{}缺少{}",
                        rule::PACKAGE_MISSING,
                        esc(&p.doc),
                        stage.name,
                        esc(m)
                    )?;
                }
                writeln!(
                    out,
                    "  建议：把收到的推荐函扫描件放进项目（如 attachments/推荐函.pdf），在方案 front matter 的 attachments 中写一项 type: recommendation-letter 和它的 file"
                )?;
                continue;
            }
            (None, None) => {
                writeln!(out, "附件：    未写出（超过上限）")?;
                writeln!(out, "打包后为：{size}")?;
            }
        }
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
                    call.package.warn_bytes
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
    if packages.is_empty() {
        return Ok(());
    }
    let later = pack::still_open(call, stage, today);
    if !later.is_empty() {
        writeln!(out)?;
        writeln!(out, "之后：")?;
        for m in &later {
            let when = crate::call::due_words(call, m, today)
                .map_or_else(String::new, |w| format!("（{w}）"));
            writeln!(out, "  {}{when}", m.name)?;
            writeln!(out, "    {}", crate::call::milestone_detail(call, m))?;
        }
    }
    // The recommendation letter comes from the province after its
    // review; the later stages bind it in.
    let wants_letter: Vec<&str> = later
        .iter()
        .filter(|m| {
            call.includes_of(m)
                .iter()
                .any(|i| i == "recommendation-letter")
        })
        .map(|m| m.name.as_str())
        .collect();
    if !wants_letter.is_empty() && packages.iter().any(|p| !p.has_letter) {
        writeln!(
            out,
            "提示：    {} 须附推荐函。推荐函由省级部门审查后出具；收到扫描件后放进项目，在方案的 attachments 中写一项 type: recommendation-letter 和它的 file，build 会把它合订进 PDF。",
            wants_letter.join("、")
        )?;
    }
    Ok(())
}

pub fn print_build(
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
        let mut stand_ins = 0;
        for r in &report.fonts {
            if let Some((family, origin)) = &r.serving {
                let from = match origin {
                    crate::render::pdf::fonts::Origin::System => "本机字体",
                    crate::render::pdf::fonts::Origin::Bundled => "内置字体",
                    crate::render::pdf::fonts::Origin::Project => "项目主题中的字体",
                };
                // A bundled stand-in says what it stands in for: the
                // official font is not on this machine.
                let stand_in = r.wanted.as_ref().filter(|w| {
                    *origin == crate::render::pdf::fonts::Origin::Bundled
                        && *w != family
                        && r.role != "mono"
                });
                match stand_in {
                    Some(w) => {
                        stand_ins += 1;
                        writeln!(
                            out,
                            "  {} → {}（{from}，代替本机没有的 {}）",
                            r.label,
                            esc(family),
                            esc(w)
                        )?
                    }
                    None => writeln!(out, "  {} → {}（{from}）", r.label, esc(family))?,
                }
            }
        }
        if stand_ins > 0 {
            writeln!(
                out,
                "  （要用官方字体印制，请在本机安装，或把字体文件放入项目的 themes/<主题名>/fonts/）"
            )?;
        }
    }
    for d in report.docs.iter().filter(|d| !d.kept) {
        match &d.pdf {
            Some(p) if d.ok => writeln!(
                out,
                "生成 {}（{} 页，{:.2} MiB，{:.1} 秒）",
                crate::text::escape_name(&project::rel_path(&project.root, p)),
                d.pages,
                d.bytes as f64 / 1_048_576.0,
                d.millis as f64 / 1000.0
            )?,
            _ => writeln!(
                out,
                "失败 {}：未生成 PDF，原有文件保持不变（见上方错误）",
                crate::text::escape_name(&d.rel)
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
                crate::text::escape_name(&project::rel_path(&project.root, p)),
                d.bytes as f64 / 1_048_576.0,
                d.millis as f64 / 1000.0
            )?,
            _ => writeln!(
                out,
                "失败 {}：未生成 Word 文件（见上方错误）",
                crate::text::escape_name(&d.rel)
            )?,
        }
    }
    for (p, _) in report
        .docx_remarks
        .iter()
        .filter(|(p, written)| *written && p.is_file())
    {
        writeln!(
            out,
            "生成 {}（检查发现的问题作为 Word 批注，标在各自的段落上）",
            crate::text::escape_name(&project::rel_path(&project.root, p)),
        )?;
    }
    for p in report.docx_tracked.iter().filter(|p| p.is_file()) {
        writeln!(
            out,
            "生成 {}（对照送审版本的修订稿：修改处为 Word 修订，可逐条接受或拒绝）",
            crate::text::escape_name(&project::rel_path(&project.root, p)),
        )?;
    }
    for line in report.kept_lines() {
        writeln!(out, "{line}")?;
    }
    for z in &report.stale_packages {
        writeln!(
            out,
            "注意：{} 是之前打包的，早于本次的 PDF，不含现在的修改：报送前重新运行 shenbao pack",
            esc(&project::rel_path(&project.root, z))
        )?;
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
        .filter(|d| d.rule == rule::PRINT_WRITE || d.rule == rule::SITE_WRITE)
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
    // PDFs kept from an earlier build were not written by this one.
    let kept = report.docs.iter().filter(|d| d.ok && d.kept).count();
    let pdfs = match (ok - kept, kept) {
        (_, 0) => format!("{ok} 份 PDF 已写入 {out_dir}"),
        (0, _) => format!("{ok} 份 PDF 都未改动，沿用 {out_dir} 中的文件"),
        (made, kept) => {
            format!("{ok} 份 PDF 在 {out_dir}：新写入 {made} 份，未改动沿用 {kept} 份")
        }
    };
    if problems.is_empty() {
        writeln!(out, "完成：{pdfs}")?;
    } else {
        writeln!(out, "未全部完成：{pdfs}；{}", problems.join("；"))?;
    }
    out.flush()
}

/// Text for the terminal, control characters escaped.
/// `shenbao rules`: every rule, a line each (or JSON with examples).
pub fn print_rules(json: bool) -> std::io::Result<()> {
    use crate::check::registry;
    let mut out = std::io::stdout().lock();
    if json {
        let all: Vec<serde_json::Value> = registry::all()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "severity": r.severity,
                    "scope": r.scope,
                    "blocks_pack": r.blocks_pack(),
                    "home": r.home,
                    "description": r.description.replace("\\|", "|"),
                    "examples": registry::examples(&r.id),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(all))?;
        return out.flush();
    }
    for r in registry::all() {
        writeln!(out, "{}  【{}】", r.id, r.severity_zh())?;
        writeln!(out, "    {}", r.description.replace("\\|", "|"))?;
    }
    writeln!(
        out,
        "共 {} 条规则；级别含“错误”的会让 pack 拒绝打包。shenbao explain 规则名 查看说明和示例",
        registry::all().len()
    )?;
    out.flush()
}

/// `shenbao explain RULE`: the rule, and its examples.
pub fn print_explain(r: &crate::check::registry::Rule) -> std::io::Result<()> {
    use crate::check::registry;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", r.id)?;
    writeln!(out, "级别：{}", r.severity_zh())?;
    writeln!(out, "范围：{}", r.scope.name_zh())?;
    writeln!(
        out,
        "打包：{}",
        if r.blocks_pack() {
            "有这条规则的错误时 shenbao pack 不打包"
        } else {
            "不阻止打包"
        }
    )?;
    writeln!(out, "源代码：{}（供开发者查阅）", r.home.join("、"))?;
    writeln!(out)?;
    writeln!(out, "{}", r.description.replace("\\|", "|"))?;
    let examples = registry::examples(&r.id);
    if examples.is_empty() {
        writeln!(out)?;
        writeln!(out, "（这条规则还没有 tests/rules/ 中的示例）")?;
    }
    for e in examples {
        writeln!(out)?;
        let name = e.name.strip_prefix("近似写法：").unwrap_or(&e.name);
        writeln!(
            out,
            "{}：{}",
            if e.fires {
                "示例（会报告）"
            } else {
                "示例（相近但正确的写法，不会报告）"
            },
            name
        )?;
        for line in e.text.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    out.flush()
}

/// A package or output left in place (not removed, not overwritten).
fn is_kept(d: &diagnostic::Diagnostic) -> bool {
    d.rule == rule::OUTPUT_KEPT || d.rule == rule::OUTPUT_CHANGED
}

pub fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    crate::text::escape_controls(s)
}

pub fn color_choice() -> ColorChoice {
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

pub fn print_check(
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
