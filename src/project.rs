//! A project: `shenbao.yaml`, its call, and every document under
//! `content/`, each read and parsed once.

use crate::rule;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::call::Call;
use crate::config::{CONFIG_FILE, Config, Fatal};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{self, Document, MAX_DOCUMENT_BYTES};
use crate::markdown::placeholder_matcher;

pub const CONTENT_DIR: &str = "content";

#[derive(Debug)]
pub struct Project {
    /// Canonical project root.
    pub root: PathBuf,
    pub config: Config,
    pub call: Call,
    pub documents: Vec<Document>,
    /// Problems with files that could not become documents.
    pub diagnostics: Vec<Diagnostic>,
    /// The call's placeholder words, compiled once for loading and checking.
    pub placeholders: Option<aho_corasick::AhoCorasick>,
    /// Threads the project was loaded on; the check runs on as many.
    pub jobs: usize,
    /// The other calls the project's plans name with `call:` (a project
    /// holding plans of two seasons), by the spec as written.
    pub other_calls: std::collections::BTreeMap<String, OtherCall>,
    /// The calls plans name that could not be loaded (`frontmatter/call`):
    /// their plans' deadlines are not judged by the project's call.
    pub failed_calls: std::collections::BTreeSet<String>,
}

/// A call a plan names besides the project's own, with its placeholder
/// words compiled.
#[derive(Debug)]
pub struct OtherCall {
    pub call: Call,
    pub placeholders: Option<aho_corasick::AhoCorasick>,
}

/// The call a plan answers: the one it names with `call:` when the
/// project loaded it, else the project's.
pub fn call_of<'a>(
    main: &'a Call,
    others: &'a std::collections::BTreeMap<String, OtherCall>,
    doc: &Document,
) -> &'a Call {
    doc.plan()
        .and_then(|p| other_call(others, p))
        .map_or(main, |o| &o.call)
}

/// The other call a plan names with `call:`, when the project loaded it.
pub fn other_call<'a>(
    others: &'a std::collections::BTreeMap<String, OtherCall>,
    plan: &crate::document::plan::PlanMeta,
) -> Option<&'a OtherCall> {
    others.get(plan.call.as_ref()?.value.trim())
}

/// The folder holding `shenbao.yaml`: `start` or its nearest parent.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Resolve the root from `--root` or the current folder.
pub fn resolve_root(explicit: Option<&Path>) -> Result<PathBuf, Fatal> {
    match explicit {
        Some(dir) => {
            if dir.join(CONFIG_FILE).is_file() {
                Ok(dir.to_path_buf())
            } else {
                Err(
                    Fatal::new(format!("{} 里没有 {CONFIG_FILE}", dir.display())).with_help(
                        "用 `shenbao init 目录` 新建项目，或让 --root 指向含 shenbao.yaml 的目录",
                    ),
                )
            }
        }
        None => {
            let cwd = std::env::current_dir().map_err(|e| {
                Fatal::new(format!(
                    "无法读取当前目录：{}",
                    crate::fsutil::io_message(&e)
                ))
            })?;
            find_root(&cwd).ok_or_else(|| {
                Fatal::new(format!(
                    "当前目录及其上级目录都没有 {CONFIG_FILE}，这不是 shenbao 项目"
                ))
                .with_help("进入项目目录再运行，或加 --root 目录；新建项目用 `shenbao init 目录`")
            })
        }
    }
}

pub use crate::paths::{Inside, Outside, ensure_inside, rel_path};

pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

impl Project {
    /// Load with one parsing thread per core.
    pub fn load(root: &Path) -> Result<Project, Fatal> {
        let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
        Project::load_with_jobs(root, jobs)
    }

    /// Load, parsing documents on `jobs` threads (1 = in this thread).
    pub fn load_with_jobs(root: &Path, jobs: usize) -> Result<Project, Fatal> {
        let root = root.canonicalize().map_err(|e| {
            Fatal::new(format!(
                "无法打开项目目录 {}：{}",
                root.display(),
                crate::fsutil::io_message(&e)
            ))
        })?;
        let config = Config::load(&root)?;
        config.apply_fields(&root)?;
        let call = config.call(&root)?;
        let mut project = Project {
            root,
            config,
            call,
            documents: Vec::new(),
            diagnostics: Vec::new(),
            placeholders: None,
            jobs: jobs.max(1),
            other_calls: Default::default(),
            failed_calls: Default::default(),
        };
        project.placeholders = placeholder_matcher(&project.call.placeholders);
        project.load_documents(jobs);
        project.load_other_calls();
        Ok(project)
    }

    /// The call `doc` answers (see [`call_of`]).
    pub fn call_for(&self, doc: &Document) -> &Call {
        call_of(&self.call, &self.other_calls, doc)
    }

    /// The calls the project's plans answer: the project's own (when a
    /// plan answers it, or there is no plan), then each other one in use.
    pub fn plan_calls(&self) -> Vec<&Call> {
        // One call, the common case: no document to walk.
        if self.other_calls.is_empty() {
            return vec![&self.call];
        }
        let plans: Vec<&Document> = self
            .documents
            .iter()
            .filter(|d| d.plan().is_some())
            .collect();
        let mut out: Vec<&Call> = Vec::new();
        if plans.is_empty()
            || plans
                .iter()
                .any(|d| std::ptr::eq(self.call_for(d), &self.call))
        {
            out.push(&self.call);
        }
        for o in self.other_calls.values() {
            if plans
                .iter()
                .any(|d| std::ptr::eq(self.call_for(d), &o.call))
            {
                out.push(&o.call);
            }
        }
        out
    }

    /// Load the calls plans name with `call:` that are not the project's
    /// own; one that cannot be loaded is an error at the plan's line, and
    /// that plan is checked against the project's call.
    pub fn load_other_calls(&mut self) {
        let own = self
            .config
            .call
            .as_deref()
            .unwrap_or(crate::call::DEFAULT_PRESET)
            .trim()
            .to_string();
        self.diagnostics
            .retain(|d| d.rule != rule::FRONTMATTER_CALL);
        let mut wanted: Vec<(String, &Document)> = Vec::new();
        for doc in &self.documents {
            if let Some(c) = doc.plan().and_then(|p| p.call.as_ref()) {
                let spec = c.value.trim().to_string();
                if spec != own {
                    wanted.push((spec, doc));
                }
            }
        }
        let mut loaded = std::collections::BTreeMap::new();
        let mut problems = Vec::new();
        let mut failed = std::collections::BTreeSet::new();
        for (spec, doc) in wanted {
            if loaded.contains_key(&spec) {
                continue;
            }
            match Config::load_call(&self.root, &spec) {
                Ok(call) => {
                    let placeholders = placeholder_matcher(&call.placeholders);
                    loaded.insert(spec, OtherCall { call, placeholders });
                }
                Err(f) => {
                    // Where to fix it: the call file's own line when there
                    // is one, else the plan's `call:`.
                    let d = match (&f.file, f.line) {
                        (Some(file), Some(line))
                            if file.is_file() && !file.ends_with(crate::config::CONFIG_FILE) =>
                        {
                            Diagnostic::at_line(
                                rule::FRONTMATTER_CALL,
                                Severity::Error,
                                crate::paths::rel_path(&self.root, file),
                                line,
                                f.column.unwrap_or(1),
                                format!(
                                    "{}（{} 的 call 用它）；这份方案暂按项目的通知检查",
                                    f.message, doc.src.rel
                                ),
                            )
                        }
                        _ => {
                            let span = doc
                                .plan()
                                .and_then(|p| p.call.as_ref())
                                .map_or(0..0, |c| c.span.clone());
                            Diagnostic::at(
                                rule::FRONTMATTER_CALL,
                                Severity::Error,
                                &doc.src,
                                span,
                                format!("{}；这份方案暂按项目的通知检查", f.message),
                            )
                        }
                    };
                    problems.push(d.with_help(f.help.clone().unwrap_or_else(|| {
                        "写内置预设名（如 cn-2022-pilot）或项目内通知文件的相对路径（如 calls/2023.yaml）；不写则用 shenbao.yaml 的 call".to_string()
                    })));
                    failed.insert(spec);
                }
            }
        }
        self.other_calls = loaded;
        self.failed_calls = failed;
        self.diagnostics.extend(problems);
    }

    fn load_documents(&mut self, jobs: usize) {
        let content = self.root.join(CONTENT_DIR);
        if !content.is_dir() {
            let (message, help) = if content.symlink_metadata().is_ok() {
                (
                    "项目里的 content 不是目录（是一个文件或失效的链接），没有可检查的文档",
                    "把这个文件改名或移走，再新建 content/ 目录，把文档放进去",
                )
            } else {
                (
                    "项目里没有 content/ 目录，没有可检查的文档",
                    "新建 content/ 并用 `shenbao new plan 名称` 生成方案",
                )
            };
            self.diagnostics.push(
                Diagnostic::file(
                    rule::PROJECT_NO_CONTENT,
                    Severity::Warning,
                    CONTENT_DIR,
                    message,
                )
                .with_help(help),
            );
            return;
        }
        let files = self.walk(&content);
        let matcher = &self.placeholders;
        let root = self.root.as_path();
        let load = |path: &PathBuf| load_file(root, path, matcher.as_ref());
        // Files are independent: parse them on every core, keep the order.
        let results = crate::par::map(&files, jobs, load, |path| {
            // A panic in a parser is a bug; still report it rather than
            // lose the other documents.
            Err(Box::new(Diagnostic::file(
                rule::DOCUMENT_UNREADABLE,
                Severity::Error,
                crate::paths::rel_path(root, path),
                "内部错误：解析文档时崩溃，请报告此问题",
            )))
        });
        // Files come sorted: append, keeping a set of the output names
        // seen (one key per document, not one per pair).
        let mut seen: std::collections::HashMap<String, String> = self
            .documents
            .iter()
            .map(|d| (output_key(&d.src.rel), d.src.rel.clone()))
            .collect();
        for r in results {
            match r {
                Ok(doc) => self.admit(doc, &mut seen),
                Err(d) => self.diagnostics.push(*d),
            }
        }
    }

    /// Add a loaded document, unless its outputs (page, PDF) would have
    /// the same name as another's (`甲.md` and `甲.markdown`, or names that
    /// differ only in case): then it is refused with an error naming both,
    /// and nothing of it is written.
    /// `seen` maps the output names of the documents already admitted to
    /// their files.
    fn admit(&mut self, doc: Document, seen: &mut std::collections::HashMap<String, String>) {
        let key = output_key(&doc.src.rel);
        if let Some(other) = seen.get(&key) {
            let msg = format!(
                "与 {} 的输出文件同名（网页、PDF 都会是 {}），这份文档未处理",
                other, key
            );
            self.diagnostics.push(
                Diagnostic::file(
                    rule::DOCUMENT_OUTPUT_NAME,
                    Severity::Error,
                    &doc.src.rel,
                    msg,
                )
                .with_help("给其中一份改名：两份文档的文件名（不计扩展名和大小写）不能相同"),
            );
            return;
        }
        seen.insert(key, doc.src.rel.clone());
        let at = self
            .documents
            .partition_point(|d| d.src.rel.as_str() < doc.src.rel.as_str());
        self.documents.insert(at, doc);
    }

    /// The Markdown files under `content/`, sorted; walk problems become
    /// diagnostics.
    fn walk(&mut self, content: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let walker = WalkDir::new(content)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if is_markdown(e.path()) && e.path().to_str().is_none() => {
                    // Two names that differ only in invalid bytes would
                    // share one page, one PDF: such a name is refused.
                    self.diagnostics.push(
                        Diagnostic::file(
                            rule::DOCUMENT_FILE_NAME,
                            Severity::Error,
                            rel_path(&self.root, e.path()),
                            "文件名不是有效的 UTF-8 文字，未读取",
                        )
                        .with_help("把文件改成正常的中文或英文名称（在 Windows 上用 GBK 写成的文件名常会这样）"),
                    );
                }
                Ok(e) if e.file_type().is_file() && is_markdown(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(e) if is_markdown(e.path()) && !e.file_type().is_dir() => {
                    self.diagnostics.push(
                        Diagnostic::file(
                            rule::DOCUMENT_UNREADABLE,
                            Severity::Error,
                            rel_path(&self.root, e.path()),
                            "不是普通文件（管道、设备或套接字），未读取",
                        )
                        .with_help("content/ 中只放普通的 .md 文本文件"),
                    );
                }
                Ok(_) => {}
                Err(err) => {
                    let rel = err
                        .path()
                        .map_or_else(|| CONTENT_DIR.to_string(), |p| rel_path(&self.root, p));
                    let (msg, help) = if err.loop_ancestor().is_some() {
                        (
                            "符号链接形成循环，已跳过".to_string(),
                            "删除或改正这个指向上级目录的符号链接",
                        )
                    } else {
                        (
                            format!("无法读取：{}", io_reason(err.io_error())),
                            "检查文件权限和符号链接",
                        )
                    };
                    self.diagnostics.push(
                        Diagnostic::file(rule::DOCUMENT_UNREADABLE, Severity::Error, rel, msg)
                            .with_help(help),
                    );
                }
            }
        }
        files
    }

    /// Read one file again after an edit (or forget it when it is gone).
    /// `rel` is relative to the root, e.g. `content/甲.md`. Returns whether
    /// the document exists now.
    pub fn reload(&mut self, rel: &str) -> bool {
        let path = self.root.join(rel);
        self.documents.retain(|d| d.src.rel != rel);
        self.diagnostics.retain(|d| d.file != rel);
        if !path.is_file() {
            return false;
        }
        let matcher = &self.placeholders;
        match load_file(&self.root, &path, matcher.as_ref()) {
            Ok(doc) => {
                let mut seen = self
                    .documents
                    .iter()
                    .map(|d| (output_key(&d.src.rel), d.src.rel.clone()))
                    .collect();
                self.admit(doc, &mut seen);
                self.load_other_calls();
                self.documents.iter().any(|d| d.src.rel == rel)
            }
            Err(d) => {
                self.diagnostics.push(*d);
                false
            }
        }
    }

    /// Number of files examined (documents and files that failed to load).
    pub fn file_count(&self) -> usize {
        let failed: std::collections::BTreeSet<&str> = self
            .diagnostics
            .iter()
            .filter(|d| d.rule.family() == "document")
            .map(|d| d.file.as_str())
            .collect();
        self.documents.len() + failed.len()
    }
}

/// Most `|` in one document: fifty tables at the cell limit
/// ([`crate::markdown::MAX_TABLE_CELLS`]); a real plan has a few thousand.
pub const MAX_TABLE_BARS: usize = 1_000_000;

/// Read, decode and parse one file; a problem is a diagnostic on it.
fn load_file(
    root: &Path,
    path: &Path,
    matcher: Option<&aho_corasick::AhoCorasick>,
) -> Result<Document, Box<Diagnostic>> {
    let rel = rel_path(root, path);
    if let Err(Outside) = ensure_inside(root, path) {
        return Err(Box::new(
            Diagnostic::file(
                rule::DOCUMENT_OUTSIDE_PROJECT,
                Severity::Error,
                rel,
                "这个文件是指向项目之外的符号链接，已跳过",
            )
            .with_help("把文件复制进项目，而不是链接到项目之外"),
        ));
    }
    let bytes = match crate::fsutil::read_regular(path, MAX_DOCUMENT_BYTES) {
        Ok(b) => b,
        Err(crate::fsutil::ReadError::TooLarge(size)) => {
            return Err(Box::new(Diagnostic::file(
                rule::DOCUMENT_TOO_LARGE,
                Severity::Error,
                rel,
                format!(
                    "文件有 {:.1} MB，超过 {} MB 的上限，未检查",
                    size as f64 / 1e6,
                    MAX_DOCUMENT_BYTES / 1024 / 1024
                ),
            )
            .with_help("一份方案通常不超过 1 MB：检查是否误把数据或图片内容粘贴进了 Markdown，图片请用 ![说明](图片路径) 引用")));
        }
        Err(crate::fsutil::ReadError::NotRegular) => {
            return Err(Box::new(
                Diagnostic::file(
                    rule::DOCUMENT_UNREADABLE,
                    Severity::Error,
                    rel,
                    "不是普通文件（管道、设备或套接字），未读取",
                )
                .with_help("content/ 中只放普通的 .md 文本文件"),
            ));
        }
        Err(crate::fsutil::ReadError::Io(e)) => {
            return Err(Box::new(
                Diagnostic::file(
                    rule::DOCUMENT_UNREADABLE,
                    Severity::Error,
                    rel,
                    format!("无法读取：{}", io_reason(Some(&e))),
                )
                .with_help("检查文件权限"),
            ));
        }
    };
    // Table cells cost the Markdown parser memory before any limit of
    // ours can see the table (16 MB of `|` rows: 1.4 GB): a file with more
    // bars than a hundred of the largest tables would hold is not parsed.
    let bars = memchr::memchr_iter(b'|', &bytes).count();
    if bars > MAX_TABLE_BARS {
        return Err(Box::new(Diagnostic::file(
            rule::DOCUMENT_TOO_LARGE,
            Severity::Error,
            rel,
            format!(
                "文件中有 {bars} 个竖线“|”（表格的单元格分隔），超过 {} 万个的上限，未检查",
                MAX_TABLE_BARS / 10_000
            ),
        )
        .with_help("一份方案的全部表格通常不到 1 万个单元格：检查是否误把数据表整个粘贴进了 Markdown，大表请拆分或作为附件")));
    }
    let text = document::decode(&rel, bytes)?;
    Ok(document::parse(&rel, path.to_path_buf(), text, matcher))
}

/// What a document's outputs are named by: its path under `content/`
/// without the extension, in NFC and lower-cased (output folders may
/// ignore case, and macOS may store the same name decomposed).
pub fn output_key(rel: &str) -> String {
    let stem = rel.strip_prefix("content/").unwrap_or(rel);
    let stem = Path::new(stem).with_extension("");
    use unicode_normalization::UnicodeNormalization;
    stem.to_string_lossy()
        .nfc()
        .collect::<String>()
        .to_lowercase()
}

fn io_reason(e: Option<&std::io::Error>) -> String {
    match e {
        Some(e) if e.kind() == std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        Some(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "文件不存在（可能是失效的符号链接）".into()
        }
        Some(e) => e.to_string(),
        None => "未知原因".into(),
    }
}

#[cfg(test)]
mod rel_path_tests {
    use super::*;

    #[test]
    fn a_path_outside_the_root_is_shown_whole() {
        assert_eq!(
            rel_path(Path::new("/p"), Path::new("/p/a/b.pdf")),
            "a/b.pdf"
        );
        assert_eq!(
            rel_path(Path::new("/p"), Path::new("/tmp/o/b.pdf")),
            "/tmp/o/b.pdf"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_checks_refuse_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.pdf"), b"x").unwrap();
        assert!(matches!(
            ensure_inside(&root, Path::new("a.pdf")),
            Ok(Inside::Yes(_))
        ));
        assert_eq!(
            ensure_inside(&root, Path::new("b.pdf")),
            Ok(Inside::Missing)
        );
        assert_eq!(ensure_inside(&root, Path::new("../x.pdf")), Err(Outside));
        assert_eq!(ensure_inside(&root, Path::new("/etc/passwd")), Err(Outside));
        assert_eq!(ensure_inside(&root, Path::new("sub/../../x")), Err(Outside));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", root.join("link")).unwrap();
            assert_eq!(ensure_inside(&root, Path::new("link")), Err(Outside));
        }
    }

    #[test]
    fn finds_root_in_a_parent() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        let sub = dir.path().join("content/sub");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(find_root(&sub).unwrap(), dir.path());
    }
}
