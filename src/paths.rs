//! Where outputs go, in one place so that `check`, `build` and `pack`
//! agree.

use std::path::{Path, PathBuf};

/// `content/plans/甲.md` → `<out>/pdf/plans/甲.pdf`.
pub fn pdf_path(out_dir: &Path, doc_rel: &str) -> PathBuf {
    let rel = doc_rel.strip_prefix("content/").unwrap_or(doc_rel);
    let mut p = out_dir.join("pdf").join(rel);
    p.set_extension("pdf");
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_path_mirrors_content() {
        assert_eq!(
            pdf_path(Path::new("public"), "content/a/甲.md"),
            PathBuf::from("public/pdf/a/甲.pdf")
        );
    }
}
