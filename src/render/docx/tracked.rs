//! The revised document's own Word file (cover, contents, styles, tables,
//! page numbers) with every change since the version the experts read as
//! Word revisions (修订): `w:del` / `w:ins` by 修改稿, so a Word or WPS
//! user can accept or reject each. The body the writer made is matched,
//! paragraph by paragraph and table row by row, to the comparison
//! ([`crate::review::diff::walk`]); a block the comparison changed is
//! written again from it (its inline formatting gives way to the marks).

use docx_rs::{
    Delete, Insert, Paragraph, Run, Table, TableCell, TableCellContent, TableChild, TableRow,
    TableRowChild,
};

use super::Item;
use crate::review::diff::{Change, Mark, Seg, char_diff};

/// The author Word shows for each revision.
pub const AUTHOR: &str = "修改稿";

/// How far ahead of the last matched block a paragraph is looked for
/// (blocks the writer shows otherwise, as images, are passed over).
const LOOKAHEAD: usize = 60;

fn key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn plain(segs: &[Seg]) -> String {
    segs.iter().map(|s| s.text.as_str()).collect()
}

/// The runs of `segs` with their marks.
fn add_segs(mut p: Paragraph, segs: &[Seg], date: &str) -> Paragraph {
    for seg in segs {
        p = match seg.mark {
            Mark::Same => p.add_run(Run::new().add_text(seg.text.as_str())),
            Mark::Inserted => p.add_insert(
                Insert::new(Run::new().add_text(seg.text.as_str()))
                    .author(AUTHOR)
                    .date(date),
            ),
            Mark::Deleted => p.add_delete(
                Delete::new()
                    .add_run(Run::new().add_delete_text(seg.text.as_str()))
                    .author(AUTHOR)
                    .date(date),
            ),
        };
    }
    p
}

/// `written` (a paragraph's text as the writer made it) is the block
/// `after`: the same, or the block after a number or marker the writer
/// added (一、, 1.).
fn is_block(written: &str, after: &str) -> bool {
    let (w, a) = (key(written), key(after));
    !a.is_empty() && (w == a || (a.chars().count() >= 2 && w.ends_with(&a)))
}

fn changed(c: &Change) -> bool {
    c.unified.iter().any(|s| s.mark != Mark::Same)
}

/// A removed block, as a deleted paragraph (its mark deleted too).
fn removed_paragraph(c: &Change, date: &str) -> Paragraph {
    let style = match c.level {
        0 => "BodyText".to_string(),
        l => format!("Heading{}", l.min(4)),
    };
    add_segs(Paragraph::new().style(&style), &c.before, date).delete(AUTHOR, date)
}

/// Mark the changes into the body the writer made from the revised
/// document. Returns how many changed blocks were marked.
pub(super) fn mark(items: &mut Vec<Item>, changes: &[Change], date: &str) -> usize {
    let mut next = 0usize;
    let mut marked = 0usize;
    let mut i = 0usize;
    while i < items.len() {
        match &mut items[i] {
            Item::P(p) => {
                let text = p.raw_text();
                if text.trim().is_empty() {
                    i += 1;
                    continue;
                }
                let end = (next + LOOKAHEAD).min(changes.len());
                let Some(k) = (next..end).find(|&k| {
                    !changes[k].after.is_empty() && is_block(&text, &plain(&changes[k].after))
                }) else {
                    i += 1;
                    continue;
                };
                let c = &changes[k];
                if changed(c) {
                    // What the writer put before the block's text (its
                    // number, a list marker) stays as written.
                    let after = plain(&c.after);
                    let prefix = text
                        .strip_suffix(after.as_str())
                        .map(str::to_string)
                        .unwrap_or_default();
                    let mut np = Paragraph::new();
                    np.property = p.property.clone();
                    if !prefix.is_empty() {
                        np = np.add_run(Run::new().add_text(prefix));
                    }
                    np = add_segs(np, &c.unified, date);
                    if c.before.is_empty() {
                        np = np.insert(AUTHOR, date);
                    }
                    **p = np;
                    marked += 1;
                }
                // The blocks removed just before this one.
                let gone: Vec<Paragraph> = changes[next..k]
                    .iter()
                    .filter(|c| c.after.is_empty())
                    .map(|c| removed_paragraph(c, date))
                    .collect();
                marked += gone.len();
                let n = gone.len();
                for (j, g) in gone.into_iter().enumerate() {
                    items.insert(i + j, Item::P(Box::new(g)));
                }
                i += n + 1;
                next = k + 1;
            }
            Item::T(t) => {
                let (n, at, before) = mark_table(t, changes, next, date);
                marked += n + before.len();
                next = at;
                // Paragraphs removed just before the table: before it.
                let count = before.len();
                for (j, g) in before.into_iter().enumerate() {
                    items.insert(i + j, Item::P(Box::new(g)));
                }
                i += count + 1;
            }
        }
    }
    // Removed at the very end of the body.
    for c in changes[next..].iter().filter(|c| c.after.is_empty()) {
        items.push(Item::P(Box::new(removed_paragraph(c, date))));
        marked += 1;
    }
    marked
}

fn cell_paragraph(cell: &mut TableCell) -> Option<&mut Paragraph> {
    cell.children.iter_mut().find_map(|c| match c {
        TableCellContent::Paragraph(p) => Some(&mut **p),
        _ => None,
    })
}

/// Mark a table's rows (each a block `cell | cell`); rows removed are
/// kept as rows of deleted text. Returns (marked, next change, the
/// paragraphs removed before the table's first row).
fn mark_table(
    t: &mut Table,
    changes: &[Change],
    mut next: usize,
    date: &str,
) -> (usize, usize, Vec<Paragraph>) {
    let mut marked = 0;
    let mut before_table: Vec<Paragraph> = Vec::new();
    let mut r = 0;
    while r < t.rows.len() {
        let TableChild::TableRow(row) = &mut t.rows[r];
        let texts: Vec<String> = row
            .cells
            .iter_mut()
            .map(|c| {
                let TableRowChild::TableCell(cell) = c;
                cell_paragraph(cell)
                    .map(|p| p.raw_text())
                    .unwrap_or_default()
            })
            .collect();
        let text = texts.join(" | ");
        let end = (next + LOOKAHEAD).min(changes.len());
        let Some(k) = (next..end).find(|&k| {
            !changes[k].after.is_empty() && key(&text) == key(&plain(&changes[k].after))
        }) else {
            r += 1;
            continue;
        };
        let c = &changes[k];
        if changed(c) {
            let before: Vec<String> = plain(&c.before).split(" | ").map(str::to_string).collect();
            for (ci, cell) in row.cells.iter_mut().enumerate() {
                let TableRowChild::TableCell(cell) = cell;
                let Some(p) = cell_paragraph(cell) else {
                    continue;
                };
                let new_text = texts.get(ci).cloned().unwrap_or_default();
                // A row added whole, or one whose cells no longer line
                // up: each cell inserted; else each cell diffed.
                let segs = if c.before.is_empty() || before.len() != texts.len() {
                    vec![Seg {
                        text: new_text.clone(),
                        mark: Mark::Inserted,
                    }]
                } else {
                    char_diff(&before[ci], &new_text).2
                };
                if segs.iter().all(|s| s.mark == Mark::Same) {
                    continue;
                }
                let mut np = Paragraph::new();
                np.property = p.property.clone();
                *p = add_segs(np, &segs, date);
            }
            marked += 1;
        }
        // Removed paragraphs (not rows) before the first row stood
        // before the table.
        if r == 0 {
            before_table.extend(
                changes[next..k]
                    .iter()
                    .filter(|c| c.after.is_empty() && !plain(&c.before).contains(" | "))
                    .map(|c| removed_paragraph(c, date)),
            );
        }
        // Rows removed just before this one: rows of deleted text.
        let gone: Vec<TableChild> = changes[next..k]
            .iter()
            .filter(|c| c.after.is_empty() && plain(&c.before).contains(" | "))
            .map(|c| {
                let cells = plain(&c.before)
                    .split(" | ")
                    .map(|cell| {
                        let p = add_segs(
                            Paragraph::new().style("TableText"),
                            &[Seg {
                                text: cell.to_string(),
                                mark: Mark::Deleted,
                            }],
                            date,
                        );
                        TableCell::new().add_paragraph(p)
                    })
                    .collect();
                TableChild::TableRow(TableRow::new(cells))
            })
            .collect();
        marked += gone.len();
        let n = gone.len();
        for (j, g) in gone.into_iter().enumerate() {
            t.rows.insert(r + j, g);
        }
        r += n + 1;
        next = k + 1;
    }
    (marked, next, before_table)
}
