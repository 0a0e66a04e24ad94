//! The e-mail package of a plan, built in memory: which files the call
//! asks for, under which names, deflated, and what a mail server will
//! measure. `pack` writes it; the site states its size; `check` warns
//! before it is too big. Below all three.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::assets::resolve;
use crate::call::{Call, Milestone};
use crate::document::plan::{AttachmentKind, PlanMeta};
use crate::paths::file_name;

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// What a mail server measures: base64 with line breaks every 76 chars.
pub fn base64_size(bytes: u64) -> u64 {
    let b64 = bytes.div_ceil(3) * 4;
    b64 + b64.div_ceil(76) * 2
}

/// A plan's e-mail package, built in memory: what `pack` writes, and
/// the size the site's dashboard states (one computation for both).
pub struct PlanZip {
    /// Files in the zip: (name in the zip, file on disk).
    pub files: Vec<(String, PathBuf)>,
    /// The zip itself.
    pub zip: Vec<u8>,
    /// What the stage requires that the plan cannot give (no
    /// recommendation letter listed, or its file missing), in Chinese.
    pub missing: Vec<String>,
}

/// The e-mail subject of a plan and the zip `pack` writes it to under
/// `out_dir` (`<out>/package/<subject>.zip`) at `stage` (None: the
/// package's own subject).
pub fn subject_and_zip(
    out_dir: &Path,
    call: &Call,
    stage: Option<&Milestone>,
    plan: &PlanMeta,
    rel: &str,
) -> (String, PathBuf) {
    let title = plan
        .title
        .as_ref()
        .map_or_else(|| rel.to_string(), |t| t.value.clone());
    let applicant = plan
        .applicant
        .as_ref()
        .map_or_else(String::new, |a| a.value.clone());
    // The subject is pasted into an e-mail: no control, bidirectional
    // override or invisible character of the title may reach it.
    let subject: String = call
        .subject_at(stage, &title, &applicant)
        .chars()
        .filter(|c| !crate::text::is_deceptive(*c) && !c.is_control())
        .collect();
    let zip = out_dir
        .join("package")
        .join(format!("{}.zip", file_name(&subject)));
    (subject, zip)
}

/// A package `pack` wrote earlier that is older than the plan's PDF now
/// (`pdf`): it holds an old PDF and must not be sent. None when there is
/// no package or it is newer.
pub fn stale_zip(
    out_dir: &Path,
    call: &Call,
    stage: Option<&Milestone>,
    plan: &PlanMeta,
    rel: &str,
    pdf: &Path,
) -> Option<PathBuf> {
    let (_, zip) = subject_and_zip(out_dir, call, stage, plan, rel);
    let zip_time = std::fs::metadata(&zip).ok()?.modified().ok()?;
    let pdf_time = std::fs::metadata(pdf).ok()?.modified().ok()?;
    (zip_time < pdf_time).then_some(zip)
}

/// The package of the plan in `rel` whose bound PDF is `pdf` at `stage`
/// (None: `package.includes`): the files the stage asks for (the plan,
/// the recommendation letters), deflated, stamped with the plan's date.
pub fn plan_zip(
    root: &Path,
    call: &Call,
    stage: Option<&Milestone>,
    plan: &PlanMeta,
    rel: &str,
    pdf: &Path,
) -> Result<PlanZip, Box<dyn std::error::Error>> {
    let title = plan
        .title
        .as_ref()
        .map_or_else(|| rel.to_string(), |t| t.value.clone());
    let includes = call.includes_at(stage);
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut missing = Vec::new();
    if includes.iter().any(|i| i == "plan") {
        files.push((format!("{}.pdf", file_name(&title)), pdf.to_path_buf()));
    }
    if includes.iter().any(|i| i == "recommendation-letter") {
        let letters: Vec<_> = plan
            .attachments
            .iter()
            .filter(|a| a.kind == AttachmentKind::RecommendationLetter)
            .collect();
        if letters.is_empty() {
            missing.push(
                "推荐函：方案的 attachments 中没有 type: recommendation-letter 的附件".to_string(),
            );
        }
        for a in letters {
            match resolve(root, root, &a.file.value) {
                Ok(p) if p.is_file() => {
                    let name = p.file_name().map_or_else(
                        || "推荐函".to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    files.push((name, p));
                }
                _ => missing.push(format!(
                    "推荐函：附件文件 {} 找不到",
                    crate::text::escape_name(&a.file.value)
                )),
            }
        }
    }
    let zip = zip_bytes(&files, plan.date.as_ref().map(|d| d.value))?;
    Ok(PlanZip {
        files,
        zip,
        missing,
    })
}

/// A file larger than this is not packed (the package limit is 50 MiB).
const MAX_PACKED_FILE: u64 = 1 << 30;

fn zip_bytes(
    files: &[(String, PathBuf)],
    date: Option<DateTime<FixedOffset>>,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use chrono::{Datelike, Timelike};
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time (the plan's date) keeps the package reproducible.
    let time = date
        .map(|d| d.with_timezone(&crate::call::beijing()))
        .and_then(|d| {
            zip::DateTime::from_date_and_time(
                d.year() as u16,
                d.month() as u8,
                d.day() as u8,
                d.hour() as u8,
                d.minute() as u8,
                d.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time);
    let mut seen = std::collections::HashSet::new();
    for (name, path) in files {
        if !seen.insert(name.as_str()) {
            return Err(format!(
                "压缩包中会有两个同名文件“{}”（方案的 PDF 与附件，或两个附件同名）；请给其中一个附件改名",
                crate::text::escape_name(name)
            )
            .into());
        }
        let bytes = crate::fsutil::read_regular(path, MAX_PACKED_FILE).map_err(|e| {
            format!(
                "无法读取要打包的 {}：{e}",
                crate::paths::shown(&path.display().to_string())
            )
        })?;
        w.start_file(name.as_str(), options)
            .and_then(|()| w.write_all(&bytes).map_err(zip::result::ZipError::Io))
            .map_err(|e| {
                format!(
                    "无法把“{}”写入压缩包：{}",
                    crate::text::escape_name(name),
                    zip_message(&e)
                )
            })?;
    }
    Ok(w.finish()
        .map_err(|e| format!("无法完成压缩包：{}", zip_message(&e)))?
        .into_inner())
}

/// A zip library error in Chinese.
fn zip_message(e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::Io(e) => crate::fsutil::io_message(e),
        zip::result::ZipError::InvalidArchive(_) | zip::result::ZipError::UnsupportedArchive(_) => {
            "压缩包格式错误".to_string()
        }
        _ => "压缩包写入失败".to_string(),
    }
}
