//! One diagnostic type for every finding, with three views: the terminal
//! (rustc/typst style through codespan-reporting), JSON, and the site.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{self, Files, SimpleFiles};
use codespan_reporting::term::{self, Config};
use serde::Serialize;

use crate::source::SourceFile;
use crate::text::{escape_controls, mask_controls};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: crate::rule::RuleId,
    pub severity: Severity,
    /// Path relative to the project root, `/`-separated.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the file, for underlining; not part of the JSON.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    /// Short text under the underline.
    #[serde(skip)]
    pub label: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about a whole file (no line).
    pub fn file(
        rule: crate::rule::RuleId,
        severity: Severity,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            span: None,
            label: None,
        }
    }

    /// A diagnostic on a byte range of a loaded file.
    pub fn at(
        rule: crate::rule::RuleId,
        severity: Severity,
        src: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let span = src.clamp_range(span);
        let (line, column) = src.line_col(span.start);
        Diagnostic {
            rule,
            severity,
            file: src.rel.clone(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            help: None,
            span: Some(span),
            label: None,
        }
    }

    /// A diagnostic at a known line and column without a loaded source.
    pub fn at_line(
        rule: crate::rule::RuleId,
        severity: Severity,
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let mut d = Diagnostic::file(rule, severity, file, message);
        d.line = Some(line);
        d.column = Some(column);
        d
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Stable order: by file, then line, then severity, then rule.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            &a.file,
            a.line.unwrap_or(0),
            a.column.unwrap_or(0),
            a.severity,
            a.rule,
        )
            .cmp(&(
                &b.file,
                b.line.unwrap_or(0),
                b.column.unwrap_or(0),
                b.severity,
                b.rule,
            ))
    });
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(documents: usize, diags: &[Diagnostic]) -> Self {
        let mut s = Summary {
            documents,
            ..Summary::default()
        };
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: &'a [Diagnostic],
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    documents: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// The machine view: `{"diagnostics":[...],"summary":{...}}`.
pub fn to_json(diags: &[Diagnostic], summary: Summary) -> String {
    let report = JsonReport {
        diagnostics: diags,
        summary: JsonSummary {
            documents: summary.documents,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
    };
    // Serialising plain owned data cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_else(|_| String::from("{}"))
}

/// The terminal view. `sources` maps relative paths to their text so that
/// the offending line can be shown and underlined.
/// Bytes of a source line past which the line is shown trimmed.
const LONG_LINE: usize = 240;

/// For a span on a line longer than [`LONG_LINE`]: a stand-in source that
/// keeps the line's number (empty lines before it) and only a window of
/// about 40 characters either side of the span, marked with …, and the
/// span within it. None for ordinary lines.
fn trim_long_line(
    text: &str,
    span: std::ops::Range<usize>,
) -> Option<(String, std::ops::Range<usize>)> {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if line_end - line_start <= LONG_LINE {
        return None;
    }
    let end = span.end.clamp(start, line_end);
    let back = |from: usize, n: usize| {
        text[line_start..from]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(line_start, |(i, _)| line_start + i)
    };
    let fwd = |from: usize, n: usize| {
        text[from..line_end]
            .char_indices()
            .nth(n)
            .map_or(line_end, |(i, _)| from + i)
    };
    let w_start = back(start, 40);
    // At most 40 characters of the span itself, then 40 after it.
    let span_end = fwd(start, 40).min(end.max(start));
    let w_end = fwd(span_end, 40);
    let line_no = text[..line_start].matches('\n').count();
    let mut out = "\n".repeat(line_no);
    let lead = if w_start > line_start { "…" } else { "" };
    out.push_str(lead);
    let at = out.len();
    out.push_str(&mask_controls(&text[w_start..w_end]));
    if w_end < line_end {
        out.push('…');
    }
    let range = at + (start - w_start)..at + (span_end - w_start);
    Some((out, range))
}

/// The sources shown in the terminal. A stand-in for a trimmed long line
/// (see [`trim_long_line`]) reports the real column of its one label in
/// the `file:line:column` header, not the column within the snippet.
struct ShownFiles<'s> {
    files: SimpleFiles<String, std::borrow::Cow<'s, str>>,
    /// Stand-in file id → the real column of its label.
    real_columns: BTreeMap<usize, usize>,
}

impl<'a> Files<'a> for ShownFiles<'_> {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, files::Error> {
        self.files.name(id)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        self.files.source(id)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        self.files.line_index(id, byte_index)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        self.files.line_range(id, line_index)
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        if let Some(&c) = self.real_columns.get(&id) {
            return Ok(c);
        }
        let source = self.files.source(id)?;
        let line = self.files.line_range(id, line_index)?;
        Ok(files::column_index(source, line, byte_index) + 1)
    }
}

pub fn render_human(
    out: &mut dyn term::WriteStyle,
    diags: &[Diagnostic],
    sources: &BTreeMap<String, &SourceFile>,
) -> std::io::Result<()> {
    // File names, messages and the source lines shown reach a terminal:
    // control characters in them are escaped (masked in the source, so
    // that the underlines still fit).
    let mut files = ShownFiles {
        files: SimpleFiles::new(),
        real_columns: BTreeMap::new(),
    };
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (rel, src) in sources {
        // Only the files a diagnostic points into are shown.
        if !diags.iter().any(|d| d.file == *rel && d.span.is_some()) {
            continue;
        }
        ids.insert(
            rel.as_str(),
            files.files.add(
                crate::text::escape_name(rel).into_owned(),
                mask_controls(&src.text),
            ),
        );
    }
    let config = Config::default();
    for d in diags {
        let file = crate::text::escape_name(&d.file);
        let cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        }
        .with_code(d.rule)
        .with_message(escape_controls(&d.message));
        let mut notes = Vec::new();
        // A very long source line (a line of ten thousand placeholders, a
        // 100,000-bracket YAML value) is shown trimmed around the caret.
        let trimmed = match (sources.get(d.file.as_str()), &d.span) {
            (Some(src), Some(span)) => {
                trim_long_line(&src.text, span.clone()).map(|(text, range)| {
                    let id = files
                        .files
                        .add(file.to_string(), std::borrow::Cow::Owned(text));
                    let real = src.line_col(src.clamp_range(span.clone()).start).1;
                    files.real_columns.insert(id, real);
                    (id, range)
                })
            }
            _ => None,
        };
        let target = match trimmed {
            Some((id, range)) => Some((id, range)),
            None => match (ids.get(d.file.as_str()), &d.span) {
                (Some(&id), Some(span)) => Some((id, span.clone())),
                _ => None,
            },
        };
        let cs = match target {
            Some((id, span)) => cs
                .with_labels(vec![Label::primary(id, span).with_message(
                    escape_controls(d.label.as_deref().unwrap_or_default()),
                )]),
            _ => {
                let place = match (d.line, d.column) {
                    (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                    (Some(l), None) => format!("{file}:{l}"),
                    _ => file.to_string(),
                };
                notes.push(format!("位置：{place}"));
                cs
            }
        };
        if let Some(h) = &d.help {
            notes.push(format!("建议：{}", escape_controls(h)));
        }
        // `with_notes` appends: call it once.
        let cs = cs.with_notes(notes);
        if term::emit_to_write_style(out, &config, &files, &cs).is_err() {
            // A span that does not fit the file (should not happen) falls
            // back to a plain line rather than losing the finding.
            writeln!(
                out,
                "{}[{}]: {} ({})",
                d.severity.label_zh(),
                d.rule,
                escape_controls(&d.message),
                file
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod long_line_tests {
    use super::*;

    #[test]
    fn long_lines_are_trimmed_around_the_span_and_keep_their_number() {
        let line = format!("x: {}", "[".repeat(10_000));
        let text = format!("---\ntitle: 甲\n{line}\n---\n");
        let at = text.find('[').unwrap() + 5_000;
        let (shown, range) = trim_long_line(&text, at..at + 1).unwrap();
        assert_eq!(shown.matches('\n').count(), 2, "line 3 keeps its number");
        assert!(shown.len() < 200, "{}", shown.len());
        assert!(shown.contains('…'));
        assert_eq!(&shown[range], "[");
        // An ordinary line is left alone.
        assert!(trim_long_line(&text, 4..5).is_none());
    }

    #[test]
    fn a_trimmed_line_keeps_the_real_column_in_the_header() {
        let line = format!(
            "{}甲乙{}丙{}",
            "文".repeat(150),
            "字".repeat(60),
            "尾".repeat(100)
        );
        let text = format!("---\ntitle: x\n---\n{line}\n");
        let src = SourceFile::new("content/a.md", text.clone());
        let at = |needle: &str| {
            let i = text.find(needle).unwrap_or_default();
            Diagnostic::at(
                crate::rule::CONTENT_PLACEHOLDER,
                Severity::Warning,
                &src,
                i..i + needle.len(),
                "测试",
            )
        };
        let diags = [at("甲乙"), at("丙")];
        assert_eq!(
            (diags[0].line, diags[0].column, diags[1].column),
            (Some(4), Some(151), Some(213))
        );
        let sources = BTreeMap::from([("content/a.md".to_string(), &src)]);
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        render_human(&mut out, &diags, &sources).unwrap_or_default();
        let shown = String::from_utf8(out.into_inner()).unwrap_or_default();
        assert!(shown.contains("content/a.md:4:151"), "{shown}");
        assert!(shown.contains("content/a.md:4:213"), "{shown}");
        assert!(shown.contains('…'), "the line is shown trimmed: {shown}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_has_required_keys() {
        let src = SourceFile::new("content/a.md", "---\ntitle: x\n---\n".to_string());
        let d = Diagnostic::at(
            crate::rule::FRONTMATTER_MISSING_FIELD,
            Severity::Error,
            &src,
            4..9,
            "缺少字段",
        )
        .with_help("添加");
        let json = to_json(
            std::slice::from_ref(&d),
            Summary::of(1, std::slice::from_ref(&d)),
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let first = &v["diagnostics"][0];
        for k in [
            "rule", "severity", "file", "line", "column", "message", "help",
        ] {
            assert!(first.get(k).is_some(), "missing {k}");
        }
        assert_eq!(first["severity"], "error");
        assert_eq!(first["line"], 2);
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["summary"]["documents"], 1);
    }
}
