//! The outputs made from the project model: printed PDFs (typst), the
//! static site (tera) and the Word export (docx).

pub mod docx;
pub mod pdf;
pub mod site;
pub mod theme;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};

/// What one document's output came to (a PDF or a Word file): where it
/// is, how big, how long it took, and whether it was made, kept or failed.
#[derive(Debug, Clone)]
pub struct DocBuild {
    pub rel: String,
    pub pdf: Option<PathBuf>,
    pub pages: usize,
    pub bytes: u64,
    pub millis: u128,
    pub ok: bool,
    /// Up to date from an earlier build: kept, not made again.
    pub kept: bool,
}

impl DocBuild {
    /// A document that produced no output (the last good one, if any,
    /// stays).
    pub fn failed(rel: String, millis: u128) -> DocBuild {
        DocBuild {
            rel,
            pdf: None,
            pages: 0,
            bytes: 0,
            millis,
            ok: false,
            kept: false,
        }
    }
}

/// A file that could not be written, in words that say why (a full disk
/// is not a typesetting failure).
pub fn write_error(
    rule: crate::rule::RuleId,
    rel: &str,
    target: &Path,
    e: &std::io::Error,
) -> Diagnostic {
    let full = matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    );
    Diagnostic::file(
        rule,
        Severity::Error,
        rel,
        format!(
            "无法写入 {}：{}",
            target.display(),
            crate::fsutil::io_message(e)
        ),
    )
    .with_help(if full {
        "磁盘已满：清理磁盘空间后重新构建；已有的输出文件保持不变"
    } else {
        "检查输出目录的权限、磁盘空间，以及其中有无符号链接"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_not_a_typesetting_failure() {
        let e = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let d = write_error(
            crate::rule::PRINT_WRITE,
            "content/甲.md",
            Path::new("public/pdf/甲.pdf"),
            &e,
        );
        assert!(d.message.contains("磁盘已满") && d.message.contains("public/pdf/甲.pdf"));
        assert!(d.help.unwrap().contains("磁盘已满"));
    }
}
