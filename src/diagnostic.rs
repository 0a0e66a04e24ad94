//! One diagnostic type for every finding, with three views: the terminal
//! (rustc/typst style through codespan-reporting), JSON, and (later) the site.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
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
    pub rule: &'static str,
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
        rule: &'static str,
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
        rule: &'static str,
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
        rule: &'static str,
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
pub fn render_human(
    out: &mut dyn term::WriteStyle,
    diags: &[Diagnostic],
    sources: &BTreeMap<String, &SourceFile>,
) -> std::io::Result<()> {
    // File names, messages and the source lines shown reach a terminal:
    // control characters in them are escaped (masked in the source, so
    // that the underlines still fit).
    let mut files = SimpleFiles::new();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (rel, src) in sources {
        // Only the files a diagnostic points into are shown.
        if !diags.iter().any(|d| d.file == *rel && d.span.is_some()) {
            continue;
        }
        ids.insert(
            rel.as_str(),
            files.add(escape_controls(rel).into_owned(), mask_controls(&src.text)),
        );
    }
    let config = Config::default();
    for d in diags {
        let file = escape_controls(&d.file);
        let cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
            Severity::Info => CsDiagnostic::note(),
        }
        .with_code(d.rule)
        .with_message(escape_controls(&d.message));
        let mut notes = Vec::new();
        let cs = match (ids.get(d.file.as_str()), &d.span) {
            (Some(&id), Some(span)) => cs
                .with_labels(vec![Label::primary(id, span.clone()).with_message(
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
mod tests {
    use super::*;

    #[test]
    fn json_shape_has_required_keys() {
        let src = SourceFile::new("content/a.md", "---\ntitle: x\n---\n".to_string());
        let d = Diagnostic::at(
            "frontmatter/missing-field",
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
