//! Paths: where outputs go (in one place so that `check`, `build` and
//! `pack` agree), what file name a package gets, and whether a path stays
//! inside the project. Below every other module.

use std::path::{Component, Path, PathBuf};

/// `content/plans/甲.md` → `<out>/pdf/plans/甲.pdf`.
pub fn pdf_path(out_dir: &Path, doc_rel: &str) -> PathBuf {
    let rel = doc_rel.strip_prefix("content/").unwrap_or(doc_rel);
    let mut p = out_dir.join("pdf").join(rel);
    p.set_extension("pdf");
    p
}

/// A text made safe as a file name: characters that file systems refuse
/// become `_` (the e-mail package is named after its subject).
pub fn file_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Where a path lies relative to the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inside {
    /// Exists inside the project (canonical path).
    Yes(PathBuf),
    /// Lexically inside, but nothing is there.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside;

/// Check that `path` stays inside `root`: no absolute path elsewhere, no
/// `..` climbing out, no symlink leading out. `root` must be canonical.
pub fn ensure_inside(root: &Path, path: &Path) -> Result<Inside, Outside> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    // Lexical check first, so that a missing file outside is still refused.
    let mut lexical = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                if !lexical.pop() {
                    return Err(Outside);
                }
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    if !lexical.starts_with(&root) {
        return Err(Outside);
    }
    match joined.canonicalize() {
        Ok(real) if real.starts_with(&root) => Ok(Inside::Yes(real)),
        Ok(_) => Err(Outside),
        Err(_) => {
            // A dangling symlink is missing, wherever it points.
            Ok(Inside::Missing)
        }
    }
}

/// A path relative to the root with `/` separators, for messages.
pub fn rel_path(root: &Path, path: &Path) -> String {
    // A path outside the root (an output folder named with --out) is
    // shown whole, not as `//tmp/…`.
    let Ok(rel) = path.strip_prefix(root) else {
        return path.to_string_lossy().into_owned();
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_only_forbidden_characters() {
        assert_eq!(file_name("2022+甲/乙:丙"), "2022+甲_乙_丙");
    }

    #[test]
    fn pdf_path_mirrors_content() {
        assert_eq!(
            pdf_path(Path::new("public"), "content/a/甲.md"),
            PathBuf::from("public/pdf/a/甲.pdf")
        );
    }
}
