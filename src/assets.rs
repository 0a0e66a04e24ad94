//! The files a document embeds (attachments and images): resolving the
//! paths written in it to files inside the project, telling images by
//! their content, and the sizes that decide the e-mail package. Shared by
//! the rules, the renderers and `pack`, below all of them.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::paths::{Inside, ensure_inside};

/// Resolve a path written in a document. `base` is the folder it is
/// relative to. Ok(path) when it exists inside the project.
pub fn resolve(root: &Path, base: &Path, written: &str) -> Result<PathBuf, Resolve> {
    let written = percent_decode(written.trim());
    // A path as Windows writes it: `attachments\推荐函.pdf` is that file
    // (a backslash cannot be part of a name a Windows colleague can open),
    // and a drive (`D:\清洁生产\…`, `file:///C:/…`) is outside the project.
    let written = written
        .strip_prefix("file://")
        .unwrap_or(&written)
        .replace('\\', "/");
    let drive = written.trim_start_matches('/').as_bytes();
    if drive.len() >= 3 && drive[0].is_ascii_alphabetic() && drive[1] == b':' && drive[2] == b'/' {
        return Err(Resolve::Outside);
    }
    let p = Path::new(&written);
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    match ensure_inside(root, &full) {
        Err(_) => Err(Resolve::Outside),
        Ok(Inside::Missing) => Err(Resolve::Missing),
        Ok(Inside::Yes(real)) if real.is_file() => Ok(real),
        Ok(Inside::Yes(_)) => Err(Resolve::Missing),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    Missing,
    Outside,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// What kind of image `bytes` hold, judged by content (magic numbers; SVG
/// by its opening element), or None when they are not an image a page or
/// typst can show.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    use image::ImageFormat as F;
    match image::guess_format(bytes) {
        Ok(F::Png) => return Some("png"),
        Ok(F::Jpeg) => return Some("jpg"),
        Ok(F::Gif) => return Some("gif"),
        Ok(F::WebP) => return Some("webp"),
        _ => {}
    }
    // SVG: XML text whose first element is <svg> (after a declaration,
    // comments or a doctype).
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let mut t = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if t.starts_with("<?") || t.starts_with("<!") {
            let end = t.find('>')?;
            t = t[end + 1..].trim_start();
        } else {
            break;
        }
    }
    (t.starts_with("<svg") || t.starts_with("<svg:svg")).then_some("svg")
}

/// The first bytes of a regular file, enough to tell its type.
pub fn file_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

pub fn is_remote(dest: &str) -> bool {
    let d = dest.trim().to_ascii_lowercase();
    d.starts_with("http://")
        || d.starts_with("https://")
        || d.starts_with("//")
        || d.starts_with("data:")
        || d.starts_with("ftp:")
}

/// The project files a plan's PDF embeds (its attachments and local
/// images), as project-relative paths with sizes, largest first, each file
/// once: a lower bound of the package before the PDF exists, and the
/// files to shrink when it is too big.
pub fn embedded_files(root: &Path, doc: &Document) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    let mut add = |p: PathBuf| out.push((crate::project::rel_path(root, &p), file_len(&p)));
    if let Some(plan) = doc.plan() {
        for a in &plan.attachments {
            if let Ok(p) = resolve(root, root, &a.file.value) {
                add(p);
            }
        }
    }
    let doc_dir = doc.path.parent().unwrap_or(root).to_path_buf();
    for l in doc
        .body
        .links
        .iter()
        .filter(|l| l.image && !is_remote(&l.dest))
    {
        if let Ok(p) = resolve(root, &doc_dir, &l.dest) {
            add(p);
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.dedup();
    out
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.png"), "a b.png");
        assert_eq!(percent_decode("%E5%9B%BE.png"), "图.png");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn windows_paths_are_read_as_windows_means_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("attachments")).unwrap();
        std::fs::write(root.join("attachments/函.pdf"), b"%PDF-1.4").unwrap();
        assert!(resolve(&root, &root, "attachments\\函.pdf").is_ok());
        for outside in [
            "D:\\清洁生产\\函.pdf",
            "file:///C:/Users/a/函.pdf",
            "c:/函.pdf",
        ] {
            assert_eq!(
                resolve(&root, &root, outside),
                Err(Resolve::Outside),
                "{outside}"
            );
        }
    }
}
