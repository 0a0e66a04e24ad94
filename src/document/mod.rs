//! Documents: a file read once, its front matter split and typed, its
//! Markdown body parsed into a heading tree. Everything that goes wrong on
//! the way is a diagnostic on the file; nothing here panics on input.

use crate::rule;
pub mod fields;
pub mod plan;
pub mod response;
pub mod schema;
pub mod voluntary;

use std::path::PathBuf;

use aho_corasick::AhoCorasick;
use serde_yaml::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::frontmatter::{self, SplitResult};
use crate::markdown::{self, Body};
use crate::source::SourceFile;
use crate::text::closest;
use fields::{FrontMatter, Reader};
use plan::PlanMeta;

/// Markdown files larger than this are not parsed (a plan is ~200 KB).
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;
/// Larger bodies are checked and shown on the site but not printed: typst
/// needs about 250 MB per MB of text (2 MB: ~1,100 pages, ~8 s, ~550 MB).
pub const MAX_PRINT_BYTES: usize = 2 * 1024 * 1024;
/// A heading longer than this (in characters) is not a heading; typst
/// takes 2.4 GB and 30 s on one of 350,000 characters.
pub const MAX_HEADING_CHARS: usize = 200;
/// More headings than this are not printed (10,000 took 1.5 GB).
pub const MAX_HEADINGS: usize = 2000;
/// More tables than this are not printed: each is laid out on its own
/// (10,000 one-cell tables took 8.7 s and 1.2 GB, 60,000 over 60 s and
/// 4.9 GB); a long audit report has about a hundred.
pub const MAX_TABLES: usize = 1000;

pub use crate::kinds::{DocKind, Meta};

#[derive(Debug, Clone)]
pub struct Document {
    pub src: SourceFile,
    pub path: PathBuf,
    pub front: Option<FrontMatter>,
    /// The typed front matter, which alone says the document's kind.
    pub meta: Meta,
    pub body: Body,
    /// Problems found while reading (syntax, types, unknown fields).
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// The document's kind, as its fields were read.
    pub fn kind(&self) -> Option<DocKind> {
        self.meta.kind()
    }

    /// Byte offset where the body (after the front matter) starts.
    pub fn body_start(&self) -> usize {
        self.front
            .as_ref()
            .map_or(0, |f| f.split.body_start)
            .min(self.src.text.len())
    }

    /// The body's text, as parsed into `body`.
    pub fn body_text(&self) -> &str {
        &self.src.text[self.body_start()..]
    }

    pub fn plan(&self) -> Option<&PlanMeta> {
        self.meta.get()
    }

    pub fn form(&self) -> Option<&voluntary::FormMeta> {
        self.meta.get()
    }

    pub fn audit(&self) -> Option<&voluntary::AuditMeta> {
        self.meta.get()
    }

    pub fn acceptance(&self) -> Option<&voluntary::AcceptanceMeta> {
        self.meta.get()
    }

    /// The enterprise a voluntary-audit document is about.
    pub fn enterprise(&self) -> Option<&voluntary::Enterprise> {
        self.meta.fields()?.enterprise()
    }

    /// The title for lists: the front matter title (a form's enterprise
    /// name), else the file name.
    pub fn display_title(&self) -> String {
        self.meta
            .fields()
            .and_then(|f| f.title())
            .map(|t| t.value.clone())
            .unwrap_or_else(|| self.src.rel.clone())
    }
}

/// Decode file bytes: strip a UTF-8 BOM; reject other encodings with a
/// message that names the likely one (GBK is common on Chinese Windows).
pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    if let Some(d) = utf16(rel, &bytes) {
        return Err(Box::new(d));
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            let (_, _, gbk_bad) = encoding_rs::GBK.decode(&bytes);
            let (_, _, utf16_bad) = encoding_rs::UTF_16LE.decode(&bytes);
            let hint = if !gbk_bad {
                "文件看起来是 GBK/GB18030 编码。请用编辑器“另存为 UTF-8”（记事本：编码选 UTF-8；WPS/Word 导出纯文本时选 UTF-8）"
            } else if !utf16_bad && bytes.starts_with(&[0xFF, 0xFE]) {
                "文件看起来是 UTF-16 编码。请另存为 UTF-8"
            } else {
                "请确认这是文本文件，并另存为 UTF-8 编码"
            };
            Err(Box::new(
                Diagnostic::at_line(
                    rule::DOCUMENT_ENCODING,
                    Severity::Error,
                    rel,
                    line,
                    1,
                    format!("文件不是 UTF-8 编码（第 {line} 行起无法解码）"),
                )
                .with_help(hint),
            ))
        }
    }
}

/// UTF-16 (with a byte-order mark, or ASCII text with every other byte
/// NUL) is named as such, not mistaken for GBK.
fn utf16(rel: &str, bytes: &[u8]) -> Option<Diagnostic> {
    let bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let head = &bytes[..bytes.len().min(4096)];
    let nul_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let nul_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let pairs = head.len() / 2;
    let unmarked = pairs >= 4 && (nul_even * 10 >= pairs * 9 || nul_odd * 10 >= pairs * 9);
    (bom || unmarked).then(|| {
        Diagnostic::file(
            rule::DOCUMENT_ENCODING,
            Severity::Error,
            rel,
            "文件是 UTF-16 编码（Windows 记事本的“Unicode”），不是 UTF-8",
        )
        .with_help("用编辑器另存为 UTF-8：记事本“另存为”时编码选“UTF-8”；VS Code 点右下角的“UTF-16 LE”，选“通过编码保存”→“UTF-8”")
    })
}

/// The first control character YAML refuses (all but tab and line
/// breaks), as (byte offset, character).
fn yaml_control(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}'))
}

/// Parse a document from its text. `placeholders` finds leftover words.
pub fn parse(
    rel: &str,
    path: PathBuf,
    text: String,
    placeholders: Option<&AhoCorasick>,
) -> Document {
    let src = SourceFile::new(rel, text);
    let mut diagnostics = Vec::new();
    let mut doc = Document {
        src,
        path,
        front: None,
        meta: Meta::NONE,
        body: Body::default(),
        diagnostics: Vec::new(),
    };
    if doc.src.text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::file(rule::DOCUMENT_EMPTY, Severity::Error, rel, "文件是空的")
                .with_help("用 `shenbao new plan 名称` 生成带完整大纲的方案骨架，或删除这个文件"),
        );
        doc.diagnostics = diagnostics;
        return doc;
    }
    let body_start = match frontmatter::split(&doc.src.text) {
        SplitResult::Missing => {
            diagnostics.push(
                Diagnostic::at(rule::FRONTMATTER_MISSING, Severity::Error, &doc.src, 0..0, "文件开头没有字段区（以 `---` 开头和结束的 YAML 字段）")
                    .with_help("在第一行写 `---`，接着写 `kind: pilot-plan`、`title: 项目名称` 等字段，再用一行 `---` 结束"),
            );
            0
        }
        SplitResult::Unterminated { open } => {
            diagnostics.push(
                Diagnostic::at(
                    rule::FRONTMATTER_SYNTAX,
                    Severity::Error,
                    &doc.src,
                    open,
                    "字段区以 `---` 开头，但没有结束的 `---` 行",
                )
                .with_label("从这里开始")
                .with_help("在字段之后、正文之前单独写一行 `---`"),
            );
            doc.src.text.len()
        }
        SplitResult::Found(split) => {
            let body_start = split.body_start;
            read_front_matter(&mut doc, split, &mut diagnostics);
            body_start
        }
    };
    let body = &doc.src.text[body_start..];
    if let Some(nul) = memchr::memchr(0, body.as_bytes()) {
        let at = body_start + nul;
        diagnostics.push(
            Diagnostic::at(
                rule::DOCUMENT_ENCODING,
                Severity::Error,
                &doc.src,
                at..at + 1,
                "正文中有 NUL 字符（U+0000），文本文件里不应出现",
            )
            .with_label("NUL")
            .with_help("删除这个字符；如果整份文件都是乱码，它可能是 UTF-16 或二进制文件，请另存为 UTF-8 文本"),
        );
    }
    doc.body = markdown::parse_body(body, body_start, placeholders);
    limits(&doc, body.len(), &mut diagnostics);
    doc.diagnostics = diagnostics;
    doc
}

/// `document/limit`: sizes past which a document is not printed (it is
/// still checked and shown), each an error that says the limit.
fn limits(doc: &Document, body_len: usize, out: &mut Vec<Diagnostic>) {
    let whole = |message: String, help: &str| {
        Diagnostic::file(rule::DOCUMENT_LIMIT, Severity::Error, &doc.src.rel, message)
            .with_help(help)
    };
    if body_len > MAX_PRINT_BYTES {
        out.push(whole(
            format!(
                "正文有 {:.1} MB，超过排版上限 {} MB，不生成 PDF",
                body_len as f64 / 1024.0 / 1024.0,
                MAX_PRINT_BYTES / 1024 / 1024
            ),
            "一份方案的正文通常不超过 0.5 MB：检查是否误粘贴了数据；大表格、附录请作为附件（PDF）装订",
        ));
    }
    if let Some(h) = doc
        .body
        .headings
        .iter()
        .find(|h| h.text.chars().count() > MAX_HEADING_CHARS)
    {
        out.push(
            Diagnostic::at(
                rule::DOCUMENT_LIMIT,
                Severity::Error,
                &doc.src,
                h.span.start..h.span.start + 1,
                format!(
                    "标题有 {} 个字，超过 {MAX_HEADING_CHARS} 个字的上限，不生成 PDF",
                    h.text.chars().count()
                ),
            )
            .with_label("标题过长")
            .with_help("标题只写章节名称；是不是一段正文误写在了 # 后面，或少了换行？"),
        );
    }
    if doc.body.max_nesting > markdown::MAX_NESTING {
        out.push(whole(
            format!(
                "引用或列表嵌套了 {} 层，超过 {} 层的上限：不生成 PDF 和 Word 文件，网页中不显示正文",
                doc.body.max_nesting,
                markdown::MAX_NESTING
            ),
            "检查是否有一长串行首的“>”或缩进：正文中的引用和列表通常不超过三四层",
        ));
    }
    if doc.body.max_html_nesting > markdown::MAX_NESTING {
        out.push(whole(
            format!(
                "正文中的 HTML 标签嵌套了 {} 层，超过 {} 层的上限：不生成 PDF 和 Word 文件，网页中不显示正文",
                doc.body.max_html_nesting,
                markdown::MAX_NESTING
            ),
            "检查是否有许多没有结束标签的 <div> 等：正文请用 Markdown 书写，不必用 HTML",
        ));
    }
    for t in doc.body.table_data.iter().filter(|t| t.oversize) {
        out.push(
            Diagnostic::at(
                rule::DOCUMENT_LIMIT,
                Severity::Error,
                &doc.src,
                t.span.start..t.span.start + 1,
                format!(
                    "表格有 {} 个单元格，超过 {} 个的上限：不生成 PDF 和 Word 文件，网页中不显示这张表，也不检查其中的数字",
                    t.cells,
                    markdown::MAX_TABLE_CELLS
                ),
            )
            .with_label("表格过大")
            .with_help("这么大的数据表不宜放在正文中：作为附件（PDF 或 Excel 转成的 PDF）装订，正文只放汇总"),
        );
    }
    if doc.body.headings.len() > MAX_HEADINGS {
        out.push(whole(
            format!(
                "有 {} 个标题，超过 {MAX_HEADINGS} 个的上限，不生成 PDF",
                doc.body.headings.len()
            ),
            "检查是否把列表或表格的各行写成了标题（行首的 #）",
        ));
    }
    if doc.body.table_data.len() > MAX_TABLES {
        out.push(whole(
            format!(
                "有 {} 张表格，超过 {MAX_TABLES} 张的上限：不生成 PDF 和 Word 文件",
                doc.body.table_data.len()
            ),
            "检查是否把每一行都写成了单独的表格（表格各行之间不要空行）；大量数据请作为附件",
        ));
    }
}

fn read_front_matter(doc: &mut Document, split: frontmatter::Split, diags: &mut Vec<Diagnostic>) {
    let yaml_text = &doc.src.text[split.yaml.clone()];
    if let Err(e) = frontmatter::check_bounds(yaml_text) {
        let at = split.yaml.start + e.at;
        diags.push(
            Diagnostic::at(
                rule::FRONTMATTER_LIMIT,
                Severity::Error,
                &doc.src,
                at..at,
                format!("{}，未解析字段", e.message),
            )
            .with_label("超出上限")
            .with_help(format!(
                "字段区不超过 {} KB、嵌套不超过 {} 层；长文字请写进正文",
                frontmatter::MAX_YAML_BYTES / 1024,
                frontmatter::MAX_YAML_DEPTH
            )),
        );
        return;
    }
    if let Some((i, c)) = yaml_control(yaml_text) {
        let at = split.yaml.start + i;
        diags.push(
            Diagnostic::at(
                rule::FRONTMATTER_SYNTAX,
                Severity::Error,
                &doc.src,
                at..at + c.len_utf8(),
                format!(
                    "字段中有控制字符 U+{:04X}{}，YAML 不允许",
                    c as u32,
                    if c == '\0' { "（NUL）" } else { "" }
                ),
            )
            .with_label("控制字符")
            .with_help("删除这个字符（多半是从别处复制来的不可见字符）"),
        );
        return;
    }
    let value: Value = match serde_yaml::from_str(yaml_text) {
        Ok(v) => v,
        Err(e) if too_large_number(&e).is_some() => {
            let number = too_large_number(&e).unwrap_or_default();
            let idx = yaml_text.find(number.as_str()).unwrap_or(0);
            let at = split.yaml.start + idx;
            let key = yaml_message(&e)
                .split(':')
                .next()
                .map(str::trim)
                .unwrap_or_default()
                .to_string();
            diags.push(
                Diagnostic::at(
                    rule::FRONTMATTER_INVALID_VALUE,
                    Severity::Error,
                    &doc.src,
                    at..at + number.len(),
                    format!("字段 {key} 的数字 {number} 太大，超出数字的范围"),
                )
                .with_label("数字太大")
                .with_help(
                    "如果它是文字（编号、代码），加引号写成 \"…\"；如果是数字，检查是否多写了位数",
                ),
            );
            return;
        }
        Err(e) => {
            // The typos authors make most, each at its own line, or the
            // parser's message in Chinese (frontmatter::explain).
            yaml_problems(doc, &split, frontmatter::explain(yaml_text, &e), diags);
            return;
        }
    };
    // Parsed, but a field was lost to a typo (`park:` then `boundary：…`).
    let typos = frontmatter::typos(yaml_text);
    if !typos.is_empty() {
        yaml_problems(doc, &split, typos, diags);
        return;
    }
    let mapping = match value {
        Value::Mapping(m) => m,
        Value::Null => serde_yaml::Mapping::new(),
        _ => {
            diags.push(
                Diagnostic::at(
                    rule::FRONTMATTER_SYNTAX,
                    Severity::Error,
                    &doc.src,
                    split.yaml.clone(),
                    "字段区应由 `键: 值` 组成",
                )
                .with_help("每行写一个字段，如 `title: 项目名称`"),
            );
            return;
        }
    };
    let raw_locs = frontmatter::locate_keys(&doc.src.text, split.yaml.clone());
    let kind_entry = mapping.iter().find_map(|(k, v)| {
        let k = k.as_str()?;
        schema::KIND_KEYS
            .contains(&k)
            .then(|| (k.to_string(), v.clone()))
    });
    let Some((kind_key, kind_value)) = kind_entry else {
        diags.push(
            Diagnostic::at(
                rule::FRONTMATTER_MISSING_FIELD,
                Severity::Error,
                &doc.src,
                split.open.clone(),
                "字段区缺少 kind（文档类型）",
            )
            .with_help(format!(
                "加一行 `kind: pilot-plan`。可用类型：{}",
                kind_list()
            )),
        );
        return;
    };
    let kind_loc = raw_locs.get(&kind_key).cloned();
    let kind_text = match &kind_value {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    let Some(kind) = DocKind::parse(&kind_text) else {
        let span = kind_loc.map_or(split.open.clone(), |l| l.value);
        let mut d = Diagnostic::at(
            rule::FRONTMATTER_INVALID_VALUE,
            Severity::Error,
            &doc.src,
            span,
            format!("未知的文档类型“{}”", kind_text.trim()),
        )
        .with_label("文档类型");
        let names: Vec<&str> = DocKind::ALL
            .iter()
            .flat_map(|k| {
                let s = k.spec();
                [s.id.as_str(), s.name.as_str()]
                    .into_iter()
                    .chain(s.aliases.iter().map(String::as_str))
            })
            .collect();
        d = match closest(&kind_text, names) {
            Some(s) => d.with_help(format!("是否想写“{s}”？可用类型：{}", kind_list())),
            None => d.with_help(format!("可用类型：{}", kind_list())),
        };
        diags.push(d);
        return;
    };
    let fm = FrontMatter::normalize(split, &mapping, &raw_locs, kind.fields(), &doc.src, diags);
    let meta = {
        let mut r = Reader {
            fm: &fm,
            src: &doc.src,
            diags,
        };
        Meta::new(kind.read(&mut r))
    };
    doc.meta = meta;
    doc.front = Some(fm);
}

fn yaml_problems(
    doc: &Document,
    split: &frontmatter::Split,
    problems: Vec<frontmatter::YamlProblem>,
    diags: &mut Vec<Diagnostic>,
) {
    for p in problems {
        let at = split.yaml.start + p.at.start..split.yaml.start + p.at.end;
        diags.push(
            Diagnostic::at(
                rule::FRONTMATTER_SYNTAX,
                Severity::Error,
                &doc.src,
                at,
                p.message,
            )
            .with_label(p.label)
            .with_help(p.help),
        );
    }
}

fn kind_list() -> String {
    DocKind::ALL
        .iter()
        .map(|k| format!("{}（{}）", k.id(), k.name_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// The digits of an integer too large for YAML's number types (serde_yaml
/// reports it as a type error “… as u128”, though the YAML is valid).
fn too_large_number(e: &serde_yaml::Error) -> Option<String> {
    let m = e.to_string();
    if !(m.contains(" as u128") || m.contains(" as i128")) {
        return None;
    }
    let start = m.find("integer `")? + "integer `".len();
    let end = start + m[start..].find('`')?;
    Some(m[start..end].to_string())
}

/// serde_yaml's message without its trailing “at line X column Y”, which
/// the diagnostic already shows.
fn yaml_message(e: &serde_yaml::Error) -> String {
    let m = e.to_string();
    match m.find(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(
            "content/a.md",
            PathBuf::from("a.md"),
            text.to_string(),
            None,
        )
    }

    fn rules(d: &Document) -> Vec<crate::rule::RuleId> {
        d.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn chinese_field_names_work_like_english_ones() {
        let d = doc(
            "---\nkind: pilot-plan\n项目名称: 甲项目\n申报单位: 乙管委会\n联系人:\n  电话: 13812345678\n---\n正文\n",
        );
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        let p = d.plan().unwrap();
        assert_eq!(p.title.as_ref().unwrap().value, "甲项目");
        assert_eq!(p.contact.phone.as_ref().unwrap().value, "13812345678");
        // The span points at the value on line 3.
        let t = p.title.as_ref().unwrap();
        assert_eq!(&d.src.text[t.span.clone()], "甲项目");
    }

    #[test]
    fn yaml_errors_carry_the_file_line() {
        let d = doc("---\nkind: pilot-plan\ntitle: [未闭合\n---\n");
        let e = &d.diagnostics[0];
        assert_eq!(e.rule, rule::FRONTMATTER_SYNTAX);
        assert!(e.line.unwrap() >= 3, "{e:?}");
    }

    #[test]
    fn unknown_field_suggests_the_near_name() {
        let d = doc("---\nkind: pilot-plan\napplicnt: 乙\n---\n");
        let w = d
            .diagnostics
            .iter()
            .find(|d| d.rule == rule::FRONTMATTER_UNKNOWN_FIELD)
            .unwrap();
        assert_eq!(w.line, Some(3));
        assert!(w.help.as_ref().unwrap().contains("applicant"));
    }

    #[test]
    fn unknown_field_suggests_nothing_for_an_unrelated_name() {
        let d = doc("---\nkind: pilot-plan\nremark: 无\n---\n");
        let w = d
            .diagnostics
            .iter()
            .find(|d| d.rule == rule::FRONTMATTER_UNKNOWN_FIELD)
            .unwrap();
        let help = w.help.as_deref().unwrap_or_default();
        assert!(!help.contains("是否想写"), "{help}");
        assert!(help.contains("可用字段"), "{help}");
    }

    fn industries(d: &Document) -> Vec<&str> {
        d.plan()
            .unwrap()
            .industries
            .iter()
            .map(|i| i.value.as_str())
            .collect()
    }

    #[test]
    fn list_items_are_split_on_chinese_commas() {
        for yaml in [
            "industries: [石化化工，建材]",
            "industries: [石化化工、建材]",
            "industries:\n  - 石化化工，建材",
            "industries: 石化化工，建材",
        ] {
            let d = doc(&format!("---\nkind: pilot-plan\n{yaml}\n---\n"));
            assert!(d.diagnostics.is_empty(), "{yaml}: {:?}", d.diagnostics);
            assert_eq!(industries(&d), ["石化化工", "建材"], "{yaml}");
        }
        // Items of a block list are kept whole: each is one item.
        let d = doc("---\nkind: pilot-plan\nindustries:\n  - 甲、乙\n  - 丙\n---\n");
        assert_eq!(industries(&d), ["甲、乙", "丙"]);
    }

    #[test]
    fn a_list_in_full_width_brackets_is_read_as_a_list_with_a_warning() {
        for yaml in [
            "industries: 【石化化工, 建材】",
            "industries: ［石化化工，建材］",
        ] {
            let d = doc(&format!("---\nkind: pilot-plan\n{yaml}\n---\n"));
            assert_eq!(industries(&d), ["石化化工", "建材"], "{yaml}");
            assert_eq!(rules(&d), [rule::FRONTMATTER_INVALID_VALUE], "{yaml}");
            let w = &d.diagnostics[0];
            assert_eq!(w.severity, Severity::Warning);
            assert_eq!(w.line, Some(3));
            assert!(w.message.contains("列表要用英文方括号 [ ]"), "{w:?}");
            assert!(
                w.help
                    .as_deref()
                    .is_some_and(|h| h.contains("`[石化化工, 建材]`"))
            );
        }
    }

    #[test]
    fn duplicate_alias_is_an_error() {
        let d = doc("---\nkind: pilot-plan\ntitle: 甲\n项目名称: 乙\n---\n");
        assert_eq!(rules(&d), vec![rule::FRONTMATTER_DUPLICATE_FIELD]);
    }

    #[test]
    fn unknown_kind_lists_allowed_values() {
        let d = doc("---\nkind: pilot-plna\n---\n");
        assert_eq!(rules(&d), vec![rule::FRONTMATTER_INVALID_VALUE]);
        assert!(
            d.diagnostics[0]
                .help
                .as_ref()
                .unwrap()
                .contains("pilot-plan")
        );
    }

    #[test]
    fn bad_inputs_are_diagnostics() {
        assert_eq!(rules(&doc("")), vec![rule::DOCUMENT_EMPTY]);
        assert_eq!(rules(&doc("# 标题\n")), vec![rule::FRONTMATTER_MISSING]);
        let open = doc("---\nkind: pilot-plan\n");
        assert_eq!(rules(&open), vec![rule::FRONTMATTER_SYNTAX]);
        // In the README's words: 字段区, not “front matter”.
        assert!(
            open.diagnostics[0].message.starts_with("字段区"),
            "{:?}",
            open.diagnostics
        );
        assert!(
            !doc("# 标题\n").diagnostics[0]
                .message
                .contains("front matter")
        );
        let crlf = doc("---\r\nkind: pilot-plan\r\ntitle: 甲\r\n---\r\n# 一、概况\r\n");
        assert!(crlf.diagnostics.is_empty(), "{:?}", crlf.diagnostics);
        assert_eq!(crlf.body.headings[0].title, "概况");
    }

    #[test]
    fn wrong_types_are_invalid_values() {
        let d = doc(
            "---\nkind: pilot-plan\ntitle: [a, b]\neligibility:\n  no_major_violation: 也许\ndate: 六月\n---\n",
        );
        let r = rules(&d);
        assert_eq!(
            r.iter()
                .filter(|r| **r == rule::FRONTMATTER_INVALID_VALUE)
                .count(),
            3,
            "{:?}",
            d.diagnostics
        );
    }

    #[test]
    fn a_yes_or_no_with_a_note_in_brackets_is_that_answer() {
        use super::fields::yes_no;
        assert_eq!(yes_no("否（全部位于伏牛市境内）"), Some(false));
        assert_eq!(
            yes_no("是（2019年以来未发生重大环境违法事件）。"),
            Some(true)
        );
        assert_eq!(yes_no(" 无 (见附件3) "), Some(false));
        assert_eq!(yes_no("是"), Some(true));
        // Not an answer with a note: a sentence, or more than one note.
        assert_eq!(yes_no("是，但2021年发生过一次"), None);
        assert_eq!(yes_no("否（见（附件）3）"), None);
        assert_eq!(yes_no("（否）"), None);
        assert_eq!(yes_no("也许（待核实）"), None);
        let d = doc(
            "---\nkind: pilot-plan\neligibility:\n  no_major_violation: 是（2019年以来未发生重大环境违法事件）\npark:\n  crosses_prefecture: 否（全部位于伏牛市境内）\n---\n",
        );
        assert!(
            !rules(&d).contains(&rule::FRONTMATTER_INVALID_VALUE),
            "{:?}",
            d.diagnostics
        );
        let p = d.plan().unwrap();
        assert_eq!(
            p.eligibility.no_major_violation.as_ref().map(|b| b.value),
            Some(true)
        );
        assert_eq!(
            p.park.crosses_prefecture.as_ref().map(|b| b.value),
            Some(false)
        );
    }

    #[test]
    fn an_impossible_date_says_why_as_the_body_rule_does() {
        let d = doc("---\nkind: pilot-plan\ndate: 2024-04-31\n---\n");
        let e = &d.diagnostics[0];
        assert_eq!(e.rule, rule::FRONTMATTER_INVALID_VALUE);
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("4月只有30天"), "{e:?}");
        assert!(!e.message.contains("无法识别"), "{e:?}");
        let d = doc("---\nkind: pilot-plan\ndate: 2023年2月29日\n---\n");
        assert!(
            d.diagnostics[0].message.contains("不是闰年"),
            "{:?}",
            d.diagnostics
        );
        // Not a date at all: the format hint stays.
        let d = doc("---\nkind: pilot-plan\ndate: 下周\n---\n");
        assert!(
            d.diagnostics[0].message.contains("无法识别"),
            "{:?}",
            d.diagnostics
        );
    }

    #[test]
    fn misleading_messages_say_what_is_wrong() {
        // A number too large is not a syntax error.
        let d = doc("---\nkind: pilot-plan\ntitle: 99999999999999999999\n---\n");
        let e = &d.diagnostics[0];
        assert_eq!(e.rule, rule::FRONTMATTER_INVALID_VALUE);
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("太大") && e.message.contains("title"),
            "{e:?}"
        );
        // A NUL on line 20 is reported on line 20.
        let mut lines: Vec<String> = (1..=25).map(|i| format!("k{i}: v")).collect();
        lines[18] = "note: 有\0空".into();
        let d = doc(&format!("---\n{}\n---\n", lines.join("\n")));
        let e = &d.diagnostics[0];
        assert_eq!(
            (e.rule, e.line),
            (rule::FRONTMATTER_SYNTAX, Some(20)),
            "{e:?}"
        );
        let d = doc("---\nkind: pilot-plan\n---\n正文\n\n有\0字\n");
        assert!(
            d.diagnostics
                .iter()
                .any(|e| e.rule == rule::DOCUMENT_ENCODING && e.line == Some(6))
        );
        // UTF-16 is UTF-16, not GBK.
        let mut u16le = vec![0xFF, 0xFE];
        for u in "---\nkind: pilot-plan\n---\n正文".encode_utf16() {
            u16le.extend(u.to_le_bytes());
        }
        let e = decode("content/a.md", u16le).unwrap_err();
        assert!(e.message.contains("UTF-16") && e.help.unwrap().contains("UTF-8"));
        let no_bom: Vec<u8> = "---\nkind: x\n".bytes().flat_map(|b| [b, 0]).collect();
        assert!(decode("a", no_bom).unwrap_err().message.contains("UTF-16"));
        // Deep nesting is refused before parsing, quickly.
        let t = std::time::Instant::now();
        let d = doc(&format!("---\nx: {}\n---\n", "[".repeat(100_000)));
        assert_eq!(d.diagnostics[0].rule, rule::FRONTMATTER_LIMIT);
        assert!(t.elapsed().as_secs() < 2);
    }

    #[test]
    fn decode_rejects_gbk_with_a_hint() {
        let (gbk, _, _) = encoding_rs::GBK.encode("试点实施方案\n第二行");
        let e = decode("content/a.md", gbk.into_owned()).unwrap_err();
        assert_eq!(e.rule, rule::DOCUMENT_ENCODING);
        assert!(e.help.unwrap().contains("GBK"));
        assert_eq!(decode("a", b"\xEF\xBB\xBF---".to_vec()).unwrap(), "---");
    }
}
