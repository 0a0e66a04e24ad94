//! The output folder: where it may be, the marker that makes it
//! shenbao's, and the manifest of the files shenbao wrote there, so that a
//! build removes what it no longer produces and nothing else.
//!
//! Rules (the README states them for authors):
//! - resolved through symbolic links before it is judged;
//! - never the project root, an ancestor of it, or inside a source folder
//!   (`content/`, `attachments/`, `templates/`, `themes/`);
//! - inside the project, unless `--out` names it on the command line; a
//!   path inside the project never resolves (through a link) outside it;
//! - a folder that exists and holds anything must carry the marker
//!   (`.shenbao-output`): shenbao never writes into, cleans or serves a
//!   folder it did not create (like mdBook and Zola).

use crate::rule;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{CONFIG_FILE, Fatal};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fsutil::{create_dirs_within, read_regular, write_within};
use crate::project::{CONTENT_DIR, Project, rel_path};

/// The marker and manifest file at the top of the output folder.
pub const MARKER: &str = ".shenbao-output";
/// Folders whose files are the author's.
pub const SOURCE_DIRS: &[&str] = &[CONTENT_DIR, "attachments", "templates", "themes"];
/// The manifest is small; anything larger is not ours.
const MANIFEST_LIMIT: u64 = 16 * 1024 * 1024;
/// Entries of a manifest, at most: a site of a hundred documents writes a
/// few thousand files. A longer list (a forged one of a million entries
/// made every build check each, 7 s) is not read: nothing is removed.
const MAX_MANIFEST_ENTRIES: usize = 100_000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// What wrote the folder.
    shenbao: String,
    /// Files written, relative to the folder, `/`-separated.
    files: BTreeSet<String>,
    /// The content hash of each file as shenbao wrote it: a file is
    /// removed only while it still holds what shenbao wrote (a manifest
    /// copied from elsewhere, or a file the author put in its place, never
    /// makes shenbao delete anything else).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    sums: BTreeMap<String, String>,
    /// What each output (PDF, Word file) was made from, by its path in
    /// the folder: a later build keeps an output whose inputs are the same.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    made_from: BTreeMap<String, Record>,
}

/// What an output was made from, so that a later build can keep it
/// instead of making it again ("no work twice").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Hash of the inputs that are not files: the document's text, the
    /// generated source, the theme, the fonts, the options, shenbao.
    pub inputs: String,
    /// Project files it read (relative to the project root) and the hash
    /// of their content ("" for a file that could not be read).
    pub deps: BTreeMap<String, String>,
    /// Hash of the output file as written: one changed or replaced since
    /// is not kept.
    pub output: String,
    pub pages: usize,
    pub bytes: u64,
    /// Its warnings, told again whenever it is kept (a kept output never
    /// hides what was found making it). Outputs made with errors are
    /// never recorded.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// A PDF's body headings and their printed page numbers (a response
    /// to the review names the pages of the document it answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<(String, usize)>,
}

/// A [`Diagnostic`] as stored in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    rule: String,
    severity: String,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
    span: Option<(usize, usize)>,
    label: Option<String>,
}

impl Finding {
    pub fn of(d: &Diagnostic) -> Finding {
        Finding {
            rule: d.rule.to_string(),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            }
            .to_string(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
            span: d.span.as_ref().map(|r| (r.start, r.end)),
            label: d.label.clone(),
        }
    }

    /// The finding as a diagnostic; `None` when its rule is no longer in
    /// the registry (a manifest written by another shenbao).
    pub fn diagnostic(&self) -> Option<Diagnostic> {
        Some(Diagnostic {
            rule: crate::rule::RuleId::parse(&self.rule)?,
            severity: match self.severity.as_str() {
                "error" => Severity::Error,
                "info" => Severity::Info,
                _ => Severity::Warning,
            },
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message: self.message.clone(),
            help: self.help.clone(),
            span: self.span.map(|(a, b)| a..b),
            label: self.label.clone(),
        })
    }
}

/// A hash as stored in the manifest.
pub fn hex(h: u128) -> String {
    format!("{h:032x}")
}

/// Hash of a file's content, "" when it cannot be read (missing, not a
/// regular file, outside `root` through a link, over 1 GB).
pub fn file_hash(root: &Path, rel: &str) -> String {
    let path = root.join(rel);
    let real = match crate::project::ensure_inside(root, &path) {
        Ok(crate::project::Inside::Yes(real)) => real,
        _ => return String::new(),
    };
    read_regular(&real, 1 << 30)
        .map_or_else(|_| String::new(), |b| hex(typst::utils::hash128(&b[..])))
}

/// Hash of a file in the output folder, "" when it cannot be read.
pub fn output_hash(path: &Path) -> String {
    read_regular(path, 1 << 32)
        .map_or_else(|_| String::new(), |b| hex(typst::utils::hash128(&b[..])))
}

/// Which shenbao made an output: its version and the identity of what
/// it was built from (build.rs: sources, locked dependencies, compiler,
/// profile). A copy of the same binary keeps the outputs; a rebuild from
/// other sources makes them again.
pub fn shenbao_identity() -> &'static str {
    concat!(
        "shenbao ",
        env!("CARGO_PKG_VERSION"),
        " ",
        env!("SHENBAO_BUILD_ID")
    )
}

/// What the outputs in `dir` were made from (empty for a folder from an
/// older shenbao, or none).
pub fn records(dir: &Path) -> BTreeMap<String, Record> {
    load(dir).made_from
}

/// Set (Some) or forget (None) what outputs were made from, keeping the
/// rest of the manifest.
pub fn update_records(
    dir: &Path,
    changes: impl IntoIterator<Item = (String, Option<Record>)>,
) -> std::io::Result<()> {
    let mut m = load(dir);
    let mut changed = false;
    for (file, record) in changes {
        match record {
            Some(r) => {
                m.files.insert(file.clone());
                if m.made_from.get(&file) != Some(&r) {
                    m.made_from.insert(file, r);
                    changed = true;
                }
            }
            None => changed |= m.made_from.remove(&file).is_some(),
        }
    }
    if changed { save(dir, &m) } else { Ok(()) }
}

/// `p` made absolute and without `.`/`..` (no file system access).
fn lexical(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Where `p` really is: its longest existing ancestor resolved through
/// symbolic links, with the rest appended.
fn resolved(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return p.to_path_buf(),
        }
    }
}

/// The output folder for a run: `explicit` (from `--out`) or the
/// project's `output_dir`, resolved and judged by the rules above.
pub fn resolve(project: &Project, explicit: Option<&Path>) -> Result<PathBuf, Fatal> {
    let root = &project.root;
    let (written, from_cli) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => (project.config.output_dir(root), false),
    };
    let lex = lexical(&written);
    let real = resolved(&lex);
    let shown = written.display().to_string();
    let config = root.join(CONFIG_FILE);
    let refuse = |msg: String, help: &str| {
        let f = Fatal::new(msg).with_help(help.to_string());
        if from_cli {
            f
        } else {
            f.in_file(&config, None, None)
        }
    };
    if real == *root || root.starts_with(&real) {
        return Err(refuse(
            format!("输出目录 {shown} 是项目目录（或其上级），构建会覆盖项目源文件"),
            "输出目录应是项目中单独的目录，默认是 public/",
        ));
    }
    for dir in SOURCE_DIRS {
        let src = root.join(dir);
        let src_real = resolved(&src);
        if real.starts_with(&src_real) || real.starts_with(&src) || src_real.starts_with(&real) {
            return Err(refuse(
                format!(
                    "输出目录 {shown} 实际位于 {} 之中（或包含它），构建会写进源文件",
                    rel_path(root, &src)
                ),
                "输出目录不能是 content/、attachments/、templates/、themes/ 或其中的目录，也不能是指向它们的符号链接；默认是 public/",
            ));
        }
    }
    if lex.starts_with(root) && !real.starts_with(root) {
        return Err(refuse(
            format!(
                "输出目录 {shown} 经符号链接指向项目之外（{}）",
                real.display()
            ),
            "删除这个符号链接，或用 --out 在命令行上直接写出项目之外的目录",
        ));
    }
    if !from_cli && !real.starts_with(root) {
        return Err(refuse(
            format!("shenbao.yaml 中的输出目录 {shown} 在项目之外"),
            "output_dir 写项目内的相对路径，如 public；确需写到项目之外，在命令行上用 --out 目录",
        ));
    }
    Ok(real)
}

/// Make `dir` ready for shenbao's outputs: create it (and its parents),
/// or check that an existing folder is empty or carries the marker; then
/// write the marker if it has none. Also removes temporary files a killed
/// build left there.
pub fn prepare(dir: &Path) -> Result<(), Fatal> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {
            let marker = dir.join(MARKER);
            if !marker.exists() {
                let foreign: Vec<String> = std::fs::read_dir(dir)
                    .map_err(|e| {
                        Fatal::new(format!(
                            "无法读取输出目录 {}：{}",
                            dir.display(),
                            crate::fsutil::io_message(&e)
                        ))
                    })?
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .take(3)
                    .collect();
                if !foreign.is_empty() {
                    return Err(Fatal::new(format!(
                        "输出目录 {} 中已有不是 shenbao 写入的文件（如 {}），不会写入、清理或提供其中的文件",
                        dir.display(),
                        foreign.join("、")
                    ))
                    .with_help(format!(
                        "换一个空目录或不存在的目录作输出目录；确认这些文件可以删除时，删除或清空该目录后重试（shenbao 写入的目录里有标记文件 {MARKER}）"
                    )));
                }
            }
        }
        Ok(_) => {
            return Err(Fatal::new(format!("输出目录 {} 不是目录", dir.display()))
                .with_help("换一个输出目录，或删除这个同名文件"));
        }
        Err(_) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Fatal::new(format!(
                    "无法创建输出目录 {}：{}",
                    dir.display(),
                    crate::fsutil::io_message(&e)
                ))
            })?;
        }
    }
    if !dir.join(MARKER).exists() {
        save(dir, &Manifest::default()).map_err(|e| {
            Fatal::new(format!(
                "无法写入输出目录 {}：{}",
                dir.display(),
                crate::fsutil::io_message(&e)
            ))
        })?;
    }
    crate::fsutil::remove_stale_temps(dir);
    Ok(())
}

fn load(dir: &Path) -> Manifest {
    read_regular(&dir.join(MARKER), MANIFEST_LIMIT)
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| m.files.len() <= MAX_MANIFEST_ENTRIES && m.sums.len() <= MAX_MANIFEST_ENTRIES)
        .unwrap_or_default()
}

fn save(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let m = Manifest {
        shenbao: format!(
            "shenbao {}: 此目录由 shenbao 生成；下次构建会删除不再生成的文件",
            env!("CARGO_PKG_VERSION")
        ),
        files: m.files.clone(),
        sums: m.sums.clone(),
        made_from: m.made_from.clone(),
    };
    let text = serde_json::to_string_pretty(&m).map_err(std::io::Error::other)?;
    write_within(dir, &dir.join(MARKER), text.as_bytes())
}

/// Add files written outside a full build (a preview's rebuild) to the
/// manifest with what they hold, so that a later build may remove them.
pub fn record<'a>(dir: &Path, written: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
    let mut m = load(dir);
    let mut changed = false;
    for f in written {
        let sum = sum_within(dir, f);
        if m.sums.get(f) != sum.as_ref() || !m.files.contains(f) {
            m.files.insert(f.to_string());
            match sum {
                Some(s) => m.sums.insert(f.to_string(), s),
                None => m.sums.remove(f),
            };
            changed = true;
        }
    }
    if changed { save(dir, &m) } else { Ok(()) }
}

/// What a manifest entry that was not removed is, and why it stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub file: String,
    pub why: &'static str,
}

/// What [`finish`] did: files removed, and stale entries left alone
/// because removing them could touch something shenbao did not write.
#[derive(Debug, Default)]
pub struct Finished {
    pub removed: Vec<String>,
    pub kept: Vec<Kept>,
}

/// End a build: of the files the manifest lists that `owned` says this
/// run was responsible for, remove those not in `produced` (see
/// [`remove_owned`] for what may be removed); then record `produced`
/// with their hashes (and the files of other kinds, untouched). Emptied
/// folders go too.
pub fn finish(
    dir: &Path,
    produced: &BTreeSet<String>,
    owned: impl Fn(&str) -> bool,
) -> std::io::Result<Finished> {
    let old = load(dir);
    let mut done = Finished::default();
    let mut keep = BTreeSet::new();
    let mut made_from = old.made_from;
    let mut sums = old.sums;
    for f in old.files {
        if produced.contains(&f) {
            continue;
        }
        if !owned(&f) {
            keep.insert(f);
            continue;
        }
        match remove_owned(dir, &f, sums.get(&f).map(String::as_str)) {
            Ok(true) => done.removed.push(f),
            Ok(false) => {}
            Err(why) => {
                // A file the author changed stays listed with what shenbao
                // wrote, so that no later run overwrites it either.
                if why == CHANGED {
                    keep.insert(f.clone());
                }
                done.kept.push(Kept { file: f, why });
            }
        }
    }
    for f in produced {
        // An output's record already holds the hash of what was written.
        // (a record is made as the output is written, and an output
        // changed since is made again before this point).
        if let Some(r) = made_from.get(f).filter(|r| !r.output.is_empty()) {
            sums.insert(f.clone(), r.output.clone());
            continue;
        }
        match sum_within(dir, f) {
            Some(s) => {
                sums.insert(f.clone(), s);
            }
            None => {
                sums.remove(f);
            }
        }
    }
    keep.extend(produced.iter().cloned());
    // What a removed (or never recorded) output was made from goes too.
    made_from.retain(|f, _| keep.contains(f));
    sums.retain(|f, _| keep.contains(f));
    save(
        dir,
        &Manifest {
            shenbao: String::new(),
            files: keep,
            sums,
            made_from,
        },
    )?;
    Ok(done)
}

/// Warnings for stale entries that were left alone, at the manifest.
pub fn kept_diagnostics(dir: &Path, kept: &[Kept]) -> Vec<Diagnostic> {
    let marker = dir.join(MARKER).display().to_string();
    kept.iter()
        .map(|k| {
            Diagnostic::file(
                rule::OUTPUT_KEPT,
                Severity::Warning,
                &marker,
                format!(
                    "输出目录清单中的 {} 不再生成，但没有删除：{}",
                    crate::paths::shown(&k.file),
                    k.why
                ),
            )
            .with_help("shenbao 只删除它写入、仍在输出目录之内且内容未变的普通文件；请确认后手动处理这个文件")
        })
        .collect()
}

/// What each file was when shenbao wrote it (its content hash), as the
/// manifest records it: read once by a run that writes many outputs.
pub fn sums(dir: &Path) -> BTreeMap<String, String> {
    load(dir).sums
}

/// Whether the file at `rel` in the output folder was changed since
/// shenbao wrote it (a Word file edited in Word, a zip added to): `sums`
/// (from [`sums`]) knows what was written, and the file holds something
/// else. Such a file is never overwritten.
pub fn changed_since_written(dir: &Path, rel: &str, sums: &BTreeMap<String, String>) -> bool {
    let Some(sum) = sums.get(rel) else {
        return false;
    };
    sum_within(dir, rel).is_some_and(|now| now != *sum)
}

/// The warning for an output that was changed since it was written and
/// is therefore kept, not made again.
pub fn changed_diagnostic(rel_doc: &str, dir: &Path, rel: &str) -> Diagnostic {
    Diagnostic::file(
        rule::OUTPUT_CHANGED,
        Severity::Warning,
        rel_doc,
        format!(
            "{} 在上次生成后被改动过（如在 Word 中编辑），没有覆盖，它不含文档现在的内容",
            crate::paths::shown(&dir.join(rel).display().to_string())
        ),
    )
    .with_help("把你的修改另存为别的文件名（或移出输出目录）后重新构建，就会生成新的文件")
}

/// Remove one file shenbao wrote (a preview's page or PDF of a document
/// that is gone), by the same rules as [`finish`], and forget it.
pub fn remove(dir: &Path, rel: &str) -> Result<bool, &'static str> {
    let mut m = load(dir);
    let result = remove_owned(dir, rel, m.sums.get(rel).map(String::as_str));
    // A file the author changed stays listed (never overwritten later).
    if result != Err(CHANGED)
        && (m.files.remove(rel) | m.sums.remove(rel).is_some() | m.made_from.remove(rel).is_some())
    {
        let _ = save(dir, &m);
    }
    result
}

/// Where a manifest entry is, if it is a plain relative path whose
/// folders are real folders (no symbolic link on the way) inside `dir`.
/// Err says why not.
fn locate(dir: &Path, rel: &str) -> Result<PathBuf, &'static str> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("清单中的路径不是规范的相对路径（绝对路径，或含 . 、.. 、空的部分）");
    }
    let mut cur = dir.to_path_buf();
    let mut parts = p.components().peekable();
    while let Some(c) = parts.next() {
        cur.push(c);
        if parts.peek().is_none() {
            break;
        }
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err("路径经过符号链接，可能指向输出目录之外");
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err("路径中的目录是文件"),
            // Nothing is there: nothing to remove.
            Err(_) => return Ok(cur.join(parts.collect::<PathBuf>())),
        }
    }
    Ok(cur)
}

/// Hash of a file in the output folder reached without links, if it is a
/// regular file there.
fn sum_within(dir: &Path, rel: &str) -> Option<String> {
    let path = locate(dir, rel).ok()?;
    let meta = std::fs::symlink_metadata(&path).ok()?;
    meta.is_file().then(|| output_hash(&path))
}

/// Why a file is kept: it holds something else than shenbao wrote.
const CHANGED: &str = "内容已不是 shenbao 写入的（可能被替换或修改过）";

/// Remove `rel` from the output folder `dir` if, and only if, it is a
/// regular file (not a link) reached through real folders, its real path
/// is inside the real `dir`, and it still holds what shenbao wrote
/// (`sum`). Ok(false): nothing there. Err: why it was left alone.
fn remove_owned(dir: &Path, rel: &str, sum: Option<&str>) -> Result<bool, &'static str> {
    let path = locate(dir, rel)?;
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(_) => return Ok(false),
    };
    if meta.file_type().is_symlink() {
        return Err("是符号链接，可能指向输出目录之外");
    }
    if !meta.is_file() {
        return Err("不是普通文件");
    }
    let real_dir = dir.canonicalize().map_err(|_| "无法确定输出目录的位置")?;
    let real = path.canonicalize().map_err(|_| "无法确定文件的位置")?;
    if !real.starts_with(&real_dir) {
        return Err("实际位于输出目录之外");
    }
    match sum {
        None => return Err("清单中没有它写入时的内容记录（可能来自旧版或别处复制的清单）"),
        Some(s) if s != output_hash(&real) => {
            return Err("内容已不是 shenbao 写入的（可能被替换或修改过）");
        }
        Some(_) => {}
    }
    std::fs::remove_file(&real).map_err(|_| "无法删除")?;
    remove_empty_parents(&real_dir, &real);
    Ok(true)
}

fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut cur = file.parent();
    while let Some(p) = cur {
        if p == dir || !p.starts_with(dir) || std::fs::remove_dir(p).is_err() {
            return;
        }
        cur = p.parent();
    }
}

/// Make sure the folder of `path` exists inside `dir` without passing a
/// symbolic link.
pub fn ensure_parent(dir: &Path, path: &Path) -> std::io::Result<()> {
    create_dirs_within(dir, path.parent().unwrap_or(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_folder_is_refused_and_an_empty_one_is_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("home");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("id_rsa"), "key").unwrap();
        let e = prepare(&foreign).unwrap_err();
        assert!(e.message.contains("id_rsa"), "{e}");
        let fresh = dir.path().join("public");
        prepare(&fresh).unwrap();
        assert!(fresh.join(MARKER).is_file());
        std::fs::write(fresh.join("index.html"), "x").unwrap();
        prepare(&fresh).unwrap();
    }

    #[test]
    fn finish_removes_only_stale_files_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        prepare(out).unwrap();
        for f in ["docs/a.html", "docs/b.html", "pdf/a.pdf", "mine.txt"] {
            write_within(out, &out.join(f), b"x").unwrap();
        }
        let all: BTreeSet<String> = ["docs/a.html", "docs/b.html", "pdf/a.pdf"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        finish(out, &all, |_| true).unwrap();
        let now: BTreeSet<String> = ["docs/a.html".to_string()].into();
        // A site-only run owns the pages, not the PDFs.
        let removed = finish(out, &now, |f| !f.starts_with("pdf/"))
            .unwrap()
            .removed;
        assert_eq!(removed, vec!["docs/b.html".to_string()]);
        assert!(out.join("pdf/a.pdf").is_file());
        assert!(out.join("mine.txt").is_file());
        let removed = finish(out, &now, |_| true).unwrap().removed;
        assert_eq!(removed, vec!["pdf/a.pdf".to_string()]);
        assert!(!out.join("pdf").exists());
    }

    #[test]
    fn a_manifest_of_too_many_entries_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<String> = (0..=MAX_MANIFEST_ENTRIES)
            .map(|i| format!("f{i}"))
            .collect();
        let text = serde_json::json!({ "shenbao": "x", "files": files }).to_string();
        std::fs::write(dir.path().join(MARKER), text).unwrap();
        assert!(load(dir.path()).files.is_empty());
        let text = serde_json::json!({ "shenbao": "x", "files": ["a.html"] }).to_string();
        std::fs::write(dir.path().join(MARKER), text).unwrap();
        assert_eq!(load(dir.path()).files.len(), 1);
    }

    /// Random manifests (entries that are absolute, climb out, lead
    /// through links to a folder and to a file outside, or are plain; with
    /// right, wrong or missing hashes; and random bytes as the manifest):
    /// nothing outside the output folder is ever removed, and nothing the
    /// manifest cannot vouch for either.
    #[cfg(unix)]
    #[test]
    fn random_manifests_never_remove_anything_outside() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..200 {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            let victim = dir.path().join("victim");
            std::fs::create_dir_all(&victim).unwrap();
            std::fs::write(victim.join("a.txt"), "论文").unwrap();
            prepare(&out).unwrap();
            std::os::unix::fs::symlink("../victim", out.join("h")).unwrap();
            std::os::unix::fs::symlink("../victim/a.txt", out.join("f.txt")).unwrap();
            write_within(&out, &out.join("docs/mine.html"), b"x").unwrap();
            let victim_file = victim.join("a.txt").to_string_lossy().into_owned();
            let candidates = [
                "h/a.txt",
                "f.txt",
                "../victim/a.txt",
                victim_file.as_str(),
                "docs/../../victim/a.txt",
                "docs/mine.html",
                "",
                "docs",
                "./h/a.txt",
            ];
            let right = output_hash(&victim.join("a.txt"));
            let mut files = Vec::new();
            let mut sums = serde_json::Map::new();
            for _ in 0..(next() % 6) {
                let f = candidates[(next() % candidates.len() as u64) as usize];
                files.push(f.to_string());
                match next() % 3 {
                    0 => {
                        sums.insert(f.to_string(), right.clone().into());
                    }
                    1 => {
                        sums.insert(f.to_string(), "0".into());
                    }
                    _ => {}
                }
            }
            let text = if next() % 5 == 0 {
                (0..(next() % 64))
                    .map(|_| (next() % 256) as u8)
                    .collect::<Vec<u8>>()
            } else {
                serde_json::json!({"shenbao": "x", "files": files, "sums": sums})
                    .to_string()
                    .into_bytes()
            };
            std::fs::write(out.join(MARKER), text).unwrap();
            let done = finish(&out, &BTreeSet::new(), |_| true).unwrap();
            assert!(victim.join("a.txt").is_file(), "case {case}: {done:?}");
            // The author's file was never listed with its hash: it stays.
            assert!(out.join("docs/mine.html").is_file(), "case {case}");
        }
    }
}
