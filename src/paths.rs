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

/// Longest file name made from a text, in bytes. File systems allow 255
/// bytes in one name (ext4, APFS; NTFS and a zip entry on Windows 255
/// characters, more than 255 bytes of Chinese); the names made here get
/// `.zip` or `.pdf` (4 bytes) and at most a `_` after a reserved name (1),
/// and 10 bytes are left for the ` (1)` a browser or mail client adds to a
/// second copy. A package's subject (2022+项目名称+申报单位) of 80 Chinese
/// characters fits; 150 bytes (50 characters) cut real ones.
pub const MAX_NAME_BYTES: usize = 255 - 4 - 1 - 10;

/// A text made safe as a file name on every system the package may be
/// opened on (the e-mail package is named after its subject): characters
/// file systems refuse become `_`; controls, bidirectional overrides and
/// invisible marks are dropped; trailing dots and spaces go (Windows
/// drops them); a name Windows reserves (`CON`, `NUL`, `COM1` …) gets a
/// `_`; and the name is cut to [`MAX_NAME_BYTES`] at a character boundary.
pub fn file_name(s: &str) -> String {
    let mut n: String = s
        .chars()
        .filter(|c| !crate::text::is_deceptive(*c) || *c == '\t' || *c == '\n')
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string();
    if n.len() > MAX_NAME_BYTES {
        let mut end = MAX_NAME_BYTES;
        while !n.is_char_boundary(end) {
            end -= 1;
        }
        n.truncate(end);
    }
    // No hidden name (`..` → `.zip` would be hidden), no trailing dots.
    let n = n
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    let n = if n.is_empty() { "_".to_string() } else { n };
    let stem_len = n.find('.').unwrap_or(n.len());
    let stem = n[..stem_len].trim_end().to_ascii_uppercase();
    // COM0–9 and LPT0–9, and with the superscript digits Windows also
    // reserves (COM¹, LPT³).
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|rest| {
            let mut c = rest.chars();
            matches!(c.next(), Some('0'..='9' | '¹' | '²' | '³')) && c.next().is_none()
        })
    };
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || numbered("COM")
        || numbered("LPT");
    if reserved {
        format!("{}_{}", &n[..stem_len], &n[stem_len..])
    } else {
        n
    }
}

/// A file name or path as a message shows it (see
/// [`crate::text::escape_name`]).
pub fn shown(s: &str) -> String {
    crate::text::escape_name(s).into_owned()
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
    fn file_names_open_on_every_system() {
        assert_eq!(file_name("CON"), "CON_");
        assert_eq!(file_name("nul.txt"), "nul_.txt");
        assert_eq!(file_name("com1"), "com1_");
        assert_eq!(file_name("COM¹.pdf"), "COM¹_.pdf");
        assert_eq!(file_name("lpt³"), "lpt³_");
        assert_eq!(file_name("COM10"), "COM10");
        assert_eq!(file_name("COMPANY"), "COMPANY");
        assert_eq!(file_name("方案\u{202e}fdp.exe"), "方案fdp.exe");
        assert_eq!(file_name("a\nb"), "a_b");
        assert_eq!(file_name("题目. "), "题目");
        assert_eq!(file_name(".."), "_");
        assert_eq!(file_name(".隐藏"), "隐藏");
        let long = "清".repeat(200);
        let cut = file_name(&long);
        assert!(cut.len() <= MAX_NAME_BYTES && cut.chars().all(|c| c == '清'));
    }

    #[test]
    fn pdf_path_mirrors_content() {
        assert_eq!(
            pdf_path(Path::new("public"), "content/a/甲.md"),
            PathBuf::from("public/pdf/a/甲.pdf")
        );
    }
}
