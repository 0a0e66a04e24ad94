//! `shenbao pack`: the e-mail package. Builds the PDFs, then writes
//! `<out>/package/<subject>.zip` per plan, with UTF-8 names (and the zip
//! UTF-8 flag, so Chinese names survive on Windows), and says what to send
//! where, how big it is as a mail server sees it, and what to print.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::build::{self, BuildOptions, BuildReport};
use crate::call::{Call, Channel, Milestone, milestone_detail};
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
    /// The e-mail milestone to pack for (id or name); None: the next one.
    pub milestone: Option<String>,
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
    /// What the stage requires that the plan does not give: not written.
    pub missing: Vec<String>,
    /// Which of the report's seasons (calls) the plan answers.
    pub season: usize,
    /// The plan lists a recommendation letter (later stages bind it in).
    pub has_letter: bool,
}

/// A call the project's plans answer, and the e-mail stage packed for it.
#[derive(Debug, Clone)]
pub struct Season {
    pub call: Call,
    /// The e-mail milestone packed for, or why this call has none of the
    /// name `--milestone` gave (its plans are left out, said).
    pub stage: Result<Milestone, String>,
    /// Every e-mail milestone is past; the last one was packed for.
    pub past: bool,
}

#[derive(Debug)]
pub struct PackReport {
    /// Each call the plans answer, with the e-mail stage packed for.
    pub seasons: Vec<Season>,
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
    /// Plans of a call that has no stage of the name asked for, and why.
    pub skipped: Vec<(String, String)>,
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
                .any(|p| p.over_limit || p.duplicate_of.is_some() || !p.missing.is_empty())
    }

    pub fn check_errors(&self) -> Vec<&Diagnostic> {
        self.build.check.iter().filter(|d| d.is_error()).collect()
    }
}

/// The e-mail milestone `pack` prepares: the one asked for, or the next
/// not yet due (all past: the last), with whether it is past.
pub fn stage<'a>(
    call: &'a Call,
    asked: Option<&str>,
    today: &DateTime<FixedOffset>,
) -> Result<(&'a Milestone, bool), Fatal> {
    let listed = || {
        let stages: Vec<String> = call
            .email_stages()
            .iter()
            .map(|m| format!("{}（{}）", m.id, m.name))
            .collect();
        if stages.is_empty() {
            "通知中没有以电子邮件报送的节点".to_string()
        } else {
            format!("电子件报送节点：{}", stages.join("、"))
        }
    };
    let Some(key) = asked else {
        // A package with nowhere to go is no package: said before any work.
        return call.next_email(today).ok_or_else(|| {
            Fatal::new(format!(
                "通知“{}”中没有以电子邮件报送的时间节点（channel: email 且写有 address），不知道电子件发往哪里，没有打包",
                call.name
            ))
            .with_help("在通知文件的 milestones 中写明电子件报送：`channel: email`、`address: 收件邮箱`、`to: 收件单位`")
        });
    };
    let Some(m) = call.milestone(key) else {
        return Err(
            Fatal::new(format!("通知中没有“{key}”这个时间节点，没有打包"))
                .with_help(format!("{}；用 --milestone 节点名或 id 指定", listed())),
        );
    };
    if m.channel != Channel::Email || m.address.trim().is_empty() {
        let what = if m.channel == Channel::Post {
            format!("“{}”是纸质件寄送，不打电子件包", m.name)
        } else {
            format!(
                "“{}”没有写收件邮箱（address），不知道电子件发往哪里",
                m.name
            )
        };
        return Err(Fatal::new(what).with_help(format!(
            "{}：{}；{}",
            m.name,
            milestone_detail(call, m),
            listed()
        )));
    }
    let past = call.due(m).is_some_and(|d| d < *today);
    Ok((m, past))
}

pub fn pack(project: &Project, opts: &PackOptions) -> Result<PackReport, Fatal> {
    // Only plans are sent by e-mail: a project of an enterprise's
    // voluntary audit has nothing to pack, and is told so before any work.
    let of = |n: crate::kinds::Notice| {
        project
            .documents
            .iter()
            .filter(|d| d.kind().is_some_and(|k| k.notice() == n))
            .count()
    };
    let voluntary = of(crate::kinds::Notice::Voluntary);
    if of(crate::kinds::Notice::Pilot) == 0 && voluntary > 0 {
        let v = &project.call.voluntary;
        return Err(Fatal::new(format!(
            "没有可打包的实施方案：shenbao pack 打包的是试点实施方案的电子邮件报送件；项目中的 {voluntary} 份企业自愿性清洁生产审核文档不通过电子邮件报送"
        ))
        .with_help(format!(
            "用 shenbao build 生成 PDF 和 Word 文件，按{}的要求报送{}",
            v.notice, v.authority
        )));
    }
    // Each call the plans answer gets its own stage (two seasons in one
    // project); said before any work when one has nowhere to send.
    let calls = project.plan_calls();
    let mut seasons = Vec::new();
    let mut refused = Vec::new();
    for c in &calls {
        let found = stage(c, opts.milestone.as_deref(), &opts.build.today);
        let (stage, past) = match found {
            Ok((m, past)) => (Ok(m.clone()), past),
            Err(f) => {
                let why = f.message.clone();
                refused.push((*c, f));
                (Err(why), false)
            }
        };
        seasons.push(Season {
            call: (*c).clone(),
            stage,
            past,
        });
    }
    // A stage another season's call does not have leaves that season's
    // plans out (said); nothing to pack at all is refused, with the most
    // telling reason: a call that has the stage (paper, no address)
    // before one that does not know the name.
    if seasons.iter().all(|s| s.stage.is_err()) {
        let several = calls.len() > 1;
        let has_it = |c: &Call| {
            opts.milestone
                .as_deref()
                .is_some_and(|k| c.milestone(k).is_some())
        };
        let pick = refused.iter().position(|(c, _)| has_it(c)).unwrap_or(0);
        if let Some((c, f)) = refused.into_iter().nth(pick) {
            return Err(if several {
                Fatal {
                    message: format!("《{}》：{}", c.name, f.message),
                    ..f
                }
            } else {
                f
            });
        }
    }
    let report = build::build(project, &opts.build)?;
    let blocked = !opts.allow_errors && report.check.iter().any(Diagnostic::is_error);
    let mut out = PackReport {
        seasons,
        build: report,
        packages: Vec::new(),
        blocked,
        removed: Vec::new(),
        unprinted: Vec::new(),
        skipped: Vec::new(),
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
        let season = calls
            .iter()
            .position(|c| std::ptr::eq(*c, project.call_for(doc)))
            .unwrap_or(0);
        let Some(call) = calls.get(season).copied() else {
            continue;
        };
        let stage = match out.seasons.get(season).map(|s| &s.stage) {
            Some(Ok(stage)) => stage,
            Some(Err(why)) => {
                out.skipped.push((built.rel.clone(), why.clone()));
                continue;
            }
            None => continue,
        };
        let stage = Some(stage);
        let (subject, target) =
            crate::package::subject_and_zip(&out.build.out_dir, call, stage, plan, &built.rel);
        let PlanZip {
            files,
            zip,
            missing,
        } = plan_zip(&project.root, call, stage, plan, &built.rel, pdf)
            .map_err(|e| Fatal::new(format!("无法生成压缩包：{e}")))?;
        if files.is_empty() && missing.is_empty() {
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
        let written = if over_limit || duplicate_of.is_some() || is_changed || !missing.is_empty() {
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
            missing,
            season,
            has_letter: plan
                .attachments
                .iter()
                .any(|a| a.kind == crate::document::plan::AttachmentKind::RecommendationLetter),
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

/// The milestones still open on `today` besides `stage`, in order of
/// their dates (paper and e-mail): what comes after this package.
pub fn still_open<'a>(
    call: &'a Call,
    stage: &Milestone,
    today: &DateTime<FixedOffset>,
) -> Vec<&'a Milestone> {
    let mut open: Vec<&Milestone> = call
        .milestones
        .iter()
        .filter(|m| m.id != stage.id && call.due(m).is_some_and(|d| d >= *today))
        .collect();
    open.sort_by_key(|m| call.due(m));
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{DEFAULT_PRESET, due_words, parse_datetime};

    #[test]
    fn the_next_email_stage_is_packed_and_paper_stages_say_only_what_the_call_says() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        let june = parse_datetime("2022-06-20", false).unwrap();
        let (m, past) = stage(&call, None, &june).unwrap();
        assert_eq!((m.id.as_str(), past), ("henan-email", false));
        let july = parse_datetime("2022-07-11", false).unwrap();
        assert_eq!(stage(&call, None, &july).unwrap().0.id, "national-email");
        let late = parse_datetime("2022-08-01", false).unwrap();
        let (m, past) = stage(&call, None, &late).unwrap();
        assert_eq!((m.id.as_str(), past), ("national-email", true));
        // Asked by name; a paper stage or an unknown one is refused.
        assert_eq!(
            stage(&call, Some("国家电子件报送"), &june).unwrap().0.id,
            "national-email"
        );
        assert!(stage(&call, Some("henan-post"), &june).is_err());
        assert!(stage(&call, Some("nowhere"), &june).is_err());

        let after: Vec<&str> = still_open(&call, call.milestone("henan-email").unwrap(), &june)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(after, ["henan-post", "national-post", "national-email"]);
        // On 12 July the provincial paper stage is past; the ministry's
        // paper copies are still open beside its e-mail.
        let after: Vec<&str> = still_open(&call, call.milestone("national-email").unwrap(), &july)
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(after, ["national-post"]);
        let henan_post = call.milestone("henan-post").unwrap();
        let post = milestone_detail(&call, henan_post);
        assert!(post.contains("一式5份"), "{post}");
        let when = due_words(&call, henan_post, &june).unwrap();
        assert!(when.contains("还有 20 天"), "{when}");
        assert!(!post.contains("装订"), "{post}");
        assert!(
            post.contains("包括：清洁生产审核创新试点实施方案、推荐函"),
            "{post}"
        );
        let bound = milestone_detail(&call, call.milestone("national-post").unwrap());
        assert!(bound.contains("一式2份，合订胶装成册"), "{bound}");
        let henan_email = call.milestone("henan-email").unwrap();
        let email = milestone_detail(&call, henan_email);
        assert!(email.contains("kjcqjsc@126.com"), "{email}");
        assert!(
            due_words(&call, henan_email, &late)
                .unwrap()
                .ends_with("已过")
        );
    }
}
