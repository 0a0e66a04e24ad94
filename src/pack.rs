//! `shenbao pack`: the e-mail package. Builds the PDFs, then writes
//! `<out>/package/<subject>.zip` per plan, with UTF-8 names (and the zip
//! UTF-8 flag, so Chinese names survive on Windows), and says what to send
//! where, how big it is as a mail server sees it, and what to print.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::build::{self, BuildOptions, BuildReport};
use crate::call::days_left;
use crate::call::{Call, Channel, format_zh};
use crate::config::Fatal;
use crate::diagnostic::Diagnostic;
use crate::fsutil::write_within;
use crate::package::{PlanZip, base64_size, plan_zip};
use crate::paths::file_name;
use crate::project::Project;

#[derive(Debug, Clone)]
pub struct PackOptions {
    pub build: BuildOptions,
    pub allow_errors: bool,
}

/// One e-mail package.
#[derive(Debug, Clone)]
pub struct Package {
    pub doc: String,
    pub subject: String,
    /// Another plan's package already has this name: not written.
    pub duplicate_of: Option<String>,
    /// Where the zip was written (None when it was over the limit).
    pub zip: Option<PathBuf>,
    pub bytes: u64,
    pub base64: u64,
    pub over_limit: bool,
    pub over_warning: bool,
    /// Files in the zip: (name, bytes).
    pub entries: Vec<(String, u64)>,
    /// The biggest source files behind it (images, attachments), largest first.
    pub largest: Vec<(String, u64)>,
}

#[derive(Debug)]
pub struct PackReport {
    pub build: BuildReport,
    pub packages: Vec<Package>,
    /// Check errors stopped the packing (no `--allow-errors`).
    pub blocked: bool,
    /// Packages an earlier `pack` wrote that this run did not write again
    /// (refused, over the limit, a plan renamed or gone), now removed so
    /// that an outdated package cannot be sent by mistake.
    pub removed: Vec<PathBuf>,
    /// Plans that got no package because their PDF was not printed.
    pub unprinted: Vec<String>,
    /// Plans whose package would hold no file (the call includes only
    /// recommendation letters, and the plan names none).
    pub empty: Vec<String>,
}

impl PackReport {
    pub fn failed(&self) -> bool {
        // Nothing to send is a failure too: the author expected a package.
        self.blocked
            || self.build.failed()
            || self.packages.is_empty()
            || !self.empty.is_empty()
            || self
                .packages
                .iter()
                .any(|p| p.over_limit || p.duplicate_of.is_some())
    }

    pub fn check_errors(&self) -> Vec<&Diagnostic> {
        self.build.check.iter().filter(|d| d.is_error()).collect()
    }
}

pub fn pack(project: &Project, opts: &PackOptions) -> Result<PackReport, Fatal> {
    // A package with nowhere to go is no package: said before any work.
    if recipients(&project.call).is_empty() {
        return Err(Fatal::new(format!(
            "通知“{}”中没有以电子邮件报送的时间节点（channel: email 且写有 address），不知道电子件发往哪里，没有打包",
            project.call.name
        ))
        .with_help("在通知文件的 milestones 中写明电子件报送：`channel: email`、`address: 收件邮箱`、`to: 收件单位`"));
    }
    let report = build::build(project, &opts.build)?;
    let blocked = !opts.allow_errors && report.check.iter().any(Diagnostic::is_error);
    let mut out = PackReport {
        build: report,
        packages: Vec::new(),
        blocked,
        removed: Vec::new(),
        unprinted: Vec::new(),
        empty: Vec::new(),
    };
    if out.blocked {
        // Refused: the package of an earlier run no longer matches the
        // documents; it goes, rather than stay to be sent by mistake.
        let (removed, kept) = remove_stale_packages(&out.build.out_dir, &Default::default(), &[])?;
        out.removed = removed;
        out.build.print.extend(kept);
        return Ok(out);
    }
    let call = &project.call;
    // Package names already taken in this run: a second plan with the same
    // subject is never written over the first (check reports it).
    let mut taken: std::collections::HashMap<String, String> = Default::default();
    // Packages the author changed since they were written: kept, told once.
    let mut changed: Vec<String> = Vec::new();
    let written_sums = crate::output::sums(&out.build.out_dir);
    for built in out.build.docs.iter().filter(|d| d.ok) {
        let (Some(pdf), Some(doc)) = (
            &built.pdf,
            project.documents.iter().find(|d| d.src.rel == built.rel),
        ) else {
            continue;
        };
        let Some(plan) = doc.plan() else { continue };
        let (subject, target) =
            crate::package::subject_and_zip(&out.build.out_dir, call, plan, &built.rel);
        let PlanZip { files, zip } = plan_zip(&project.root, &project.call, plan, &built.rel, pdf)
            .map_err(|e| Fatal::new(format!("无法生成压缩包：{e}")))?;
        if files.is_empty() {
            // Never an empty zip that looks like a package.
            out.empty.push(built.rel.clone());
            continue;
        }
        let bytes = zip.len() as u64;
        let over_limit = bytes > call.package.limit_bytes;
        let key = {
            use unicode_normalization::UnicodeNormalization;
            file_name(&subject).nfc().collect::<String>().to_lowercase()
        };
        let duplicate_of = taken.get(&key).cloned();
        taken.entry(key).or_insert_with(|| built.rel.clone());
        let target_rel = crate::project::rel_path(&out.build.out_dir, &target);
        let is_changed =
            crate::output::changed_since_written(&out.build.out_dir, &target_rel, &written_sums);
        if is_changed {
            changed.push(target_rel.clone());
            out.build.print.push(crate::output::changed_diagnostic(
                &built.rel,
                &out.build.out_dir,
                &target_rel,
            ));
        }
        let written = if over_limit || duplicate_of.is_some() || is_changed {
            None
        } else {
            write_within(&out.build.out_dir, &target, &zip).map_err(|e| {
                Fatal::new(format!(
                    "无法写入 {}：{}",
                    target.display(),
                    crate::fsutil::io_message(&e)
                ))
            })?;
            // The package is new now: not the old one build warned of.
            out.build.stale_packages.retain(|z| *z != target);
            Some(target)
        };
        out.packages.push(Package {
            duplicate_of,
            doc: built.rel.clone(),
            subject,
            zip: written,
            bytes,
            base64: base64_size(bytes),
            over_limit,
            over_warning: !over_limit && bytes > call.package.warn_bytes,
            entries: files
                .iter()
                .map(|(n, p)| (n.clone(), std::fs::metadata(p).map_or(0, |m| m.len())))
                .collect(),
            largest: crate::assets::embedded_files(&project.root, doc)
                .into_iter()
                .take(5)
                .collect(),
        });
    }
    out.unprinted = out
        .build
        .docs
        .iter()
        .filter(|d| !d.ok)
        .filter(|d| {
            project
                .documents
                .iter()
                .any(|doc| doc.src.rel == d.rel && doc.plan().is_some())
        })
        .map(|d| d.rel.clone())
        .collect();
    // The packages not written this time go: over the limit, a plan that
    // failed to print, renamed or gone.
    let produced: std::collections::BTreeSet<String> = out
        .packages
        .iter()
        .filter_map(|p| p.zip.as_ref())
        .map(|z| crate::project::rel_path(&out.build.out_dir, z))
        .collect();
    let (removed, kept) = remove_stale_packages(&out.build.out_dir, &produced, &changed)?;
    out.removed = removed;
    out.build.print.extend(kept);
    Ok(out)
}

/// Remove the packages shenbao wrote before (as its manifest lists them)
/// that are not in `produced`; files it did not write are left alone.
fn remove_stale_packages(
    out_dir: &std::path::Path,
    produced: &std::collections::BTreeSet<String>,
    told: &[String],
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Fatal> {
    let done =
        crate::output::finish(out_dir, produced, |f| f.starts_with("package/")).map_err(|e| {
            Fatal::new(format!(
                "无法更新输出目录的清单：{}",
                crate::fsutil::io_message(&e)
            ))
        })?;
    Ok((
        done.removed.iter().map(|f| out_dir.join(f)).collect(),
        // A package already told as changed is not told again as kept.
        crate::output::kept_diagnostics(
            out_dir,
            &done
                .kept
                .into_iter()
                .filter(|k| !told.contains(&k.file))
                .collect::<Vec<_>>(),
        ),
    ))
}

/// Where the package is e-mailed: each e-mail milestone's address and
/// whom it reaches, as the call states them.
pub fn recipients(call: &Call) -> Vec<String> {
    call.milestones
        .iter()
        .filter(|m| m.channel == Channel::Email && !m.address.is_empty())
        .map(|m| format!("{}（{}）", m.address, m.to))
        .collect()
}

/// Lines saying what to send and print for each milestone.
pub fn milestone_lines(call: &Call, today: &DateTime<FixedOffset>) -> Vec<String> {
    call.milestones
        .iter()
        .filter_map(|m| {
            let due = call.due(m)?;
            let left = days_left(today, &due);
            let when = if *today > due {
                format!("{} 截止，已过", format_zh(&due))
            } else if left == 0 {
                format!("{} 截止，就在今天", format_zh(&due))
            } else {
                format!("{} 截止，还有 {left} 天", format_zh(&due))
            };
            let what = match m.channel {
                Channel::Email => format!("电子件发送至 {}（{}）", m.address, m.to),
                Channel::Post => {
                    let copies = if m.copies > 0 {
                        format!("一式{}份", m.copies)
                    } else {
                        String::new()
                    };
                    let bound = if m.bound {
                        "合订胶装成册"
                    } else {
                        "不装订"
                    };
                    let addr = if m.address.is_empty() {
                        String::new()
                    } else {
                        format!("，地址：{}", m.address)
                    };
                    format!("纸质件{copies}，{bound}，寄送至{}{addr}", m.to)
                }
            };
            Some(format!("{}：{what}；{when}", m.name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{DEFAULT_PRESET, parse_datetime};

    #[test]
    fn milestones_say_copies_binding_and_days() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        let lines = milestone_lines(&call, &parse_datetime("2022-06-20", false).unwrap());
        assert_eq!(lines.len(), 4);
        assert!(
            lines[0].contains("kjcqjsc@126.com") && lines[0].contains("还有 10 天"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("一式2份") && l.contains("合订胶装成册")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("一式5份") && l.contains("不装订"))
        );
        let late = milestone_lines(&call, &parse_datetime("2022-08-01", false).unwrap());
        assert!(late.iter().all(|l| l.ends_with("已过")));
    }
}
