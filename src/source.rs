//! A loaded text file with a line index, so byte offsets become 1-based
//! line and column numbers (columns count characters, not bytes).

use std::ops::Range;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators.
    pub rel: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(rel: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(&text));
        SourceFile {
            rel: rel.into(),
            text,
            line_starts,
        }
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based (line, column); the column counts Unicode scalar values.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = self.clamp(byte);
        let li = self.line_index(byte);
        let start = self.line_starts[li];
        let col = self.text[start..byte].chars().count() + 1;
        (li + 1, col)
    }

    /// Byte range of a 0-based line, without its line terminator.
    pub fn line_range(&self, line_index: usize) -> Range<usize> {
        let start = self
            .line_starts
            .get(line_index)
            .copied()
            .unwrap_or(self.text.len());
        let mut end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Byte offset of the start of a 1-based line (clamped to the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Clamp an offset into the text and onto a char boundary.
    pub fn clamp(&self, byte: usize) -> usize {
        let mut b = byte.min(self.text.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        b
    }

    pub fn clamp_range(&self, r: Range<usize>) -> Range<usize> {
        let s = self.clamp(r.start);
        let e = self.clamp(r.end.max(r.start));
        s..e
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_handles_crlf() {
        let f = SourceFile::new("a.md", "ab\r\n试点基础\r\nx".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        let p = f.text.find("基").unwrap();
        assert_eq!(f.line_col(p), (2, 3));
        assert_eq!(&f.text[f.line_range(1)], "试点基础");
        assert_eq!(f.line_col(f.text.len()), (3, 2));
        assert_eq!(f.line_start(3), f.text.len() - 1);
    }

    #[test]
    fn clamp_lands_on_char_boundary() {
        let f = SourceFile::new("a.md", "试".to_string());
        assert_eq!(f.clamp(1), 0);
        assert_eq!(f.clamp(99), 3);
    }
}
