//! The revised document as a Word file with tracked changes (修订): every
//! character deleted or inserted since the version the experts read is a
//! `w:del` / `w:ins` revision by 修改稿, so a Word or WPS user can accept
//! or reject each one. Headings keep their styles; paragraphs, list items
//! and table rows are paragraphs of text (the comparison is of text, as
//! the 修改对照表 is).

use docx_rs::{Delete, Docx, Insert, Paragraph, Run};

use super::{WordFonts, grid, margins, package, styles};
use crate::review::diff::{Change, Mark};

/// The author Word shows for each revision.
pub const AUTHOR: &str = "修改稿";

/// The .docx bytes of `changes` (from [`crate::review::diff::walk`]) as
/// tracked revisions dated `date` (ISO 8601; empty: none).
pub fn tracked(
    title: &str,
    changes: &[Change],
    fonts: &WordFonts,
    date: &str,
) -> Result<Vec<u8>, String> {
    let mut docx = styles(Docx::new(), fonts)
        .page_size(super::PAGE_W, super::PAGE_H)
        .page_margin(margins());
    docx.document = docx.document.doc_grid(grid());
    let mut t = Paragraph::new().style("Title");
    t = t.add_run(Run::new().add_text(title));
    docx = docx.add_paragraph(t);
    for c in changes {
        let style = match c.level {
            0 => "BodyText".to_string(),
            l => format!("Heading{}", l.min(4)),
        };
        let mut p = Paragraph::new().style(&style);
        // A paragraph added or removed whole: its mark too, so that
        // rejecting (or accepting) it leaves no empty paragraph behind.
        if c.before.is_empty() {
            p = p.insert(AUTHOR, date);
        } else if c.after.is_empty() {
            p = p.delete(AUTHOR, date);
        }
        for seg in &c.unified {
            p = match seg.mark {
                Mark::Same => p.add_run(Run::new().add_text(seg.text.as_str())),
                Mark::Inserted => {
                    let mut ins =
                        Insert::new(Run::new().add_text(seg.text.as_str())).author(AUTHOR);
                    if !date.is_empty() {
                        ins = ins.date(date);
                    }
                    p.add_insert(ins)
                }
                Mark::Deleted => {
                    let mut del = Delete::new()
                        .add_run(Run::new().add_delete_text(seg.text.as_str()))
                        .author(AUTHOR);
                    if !date.is_empty() {
                        del = del.date(date);
                    }
                    p.add_delete(del)
                }
            };
        }
        docx = docx.add_paragraph(p);
    }
    package(docx, fonts)
}
