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
/// document. Returns how many of the changes were marked.
pub(super) fn mark(items: &mut Vec<Item>, changes: &[Change], date: &str) -> usize {
    let mut done = vec![false; changes.len()];
    let mut next = 0usize;
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
                    done[k] = true;
                }
                // The blocks removed just before this one.
                let gone: Vec<Paragraph> = (next..k)
                    .filter(|&j| changes[j].after.is_empty())
                    .map(|j| {
                        done[j] = true;
                        removed_paragraph(&changes[j], date)
                    })
                    .collect();
                let n = gone.len();
                for (j, g) in gone.into_iter().enumerate() {
                    items.insert(i + j, Item::P(Box::new(g)));
                }
                i += n + 1;
                next = k + 1;
            }
            Item::T(t) => {
                let (at, before) = mark_table(t, changes, next, date, &mut done);
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
    for j in next..changes.len() {
        if changes[j].after.is_empty() {
            items.push(Item::P(Box::new(removed_paragraph(&changes[j], date))));
            done[j] = true;
        }
    }
    changes
        .iter()
        .zip(&done)
        .filter(|(c, d)| **d && changed(c))
        .count()
}

fn cell_paragraph(cell: &mut TableCell) -> Option<&mut Paragraph> {
    cell.children.iter_mut().find_map(|c| match c {
        TableCellContent::Paragraph(p) => Some(&mut **p),
        _ => None,
    })
}

/// A row's cells as the comparison writes them (`a | b | c`), the empty
/// ones left out: a merged cell (合计 over two columns) has no twin.
fn filled(row: &str) -> Vec<String> {
    row.split('|').map(key).filter(|c| !c.is_empty()).collect()
}

fn row_mark_insert(row: &mut TableRow, date: &str) {
    row.property = row
        .property
        .clone()
        .insert(Insert::new_with_empty().author(AUTHOR).date(date));
}

/// A removed row, rebuilt as a row of deleted text marked deleted.
fn removed_row(c: &Change, date: &str) -> TableChild {
    let cells = plain(&c.before)
        .split(" | ")
        .map(|cell| {
            let p = add_segs(
                Paragraph::new().style("TableText"),
                &[Seg {
                    text: cell.trim().to_string(),
                    mark: Mark::Deleted,
                }],
                date,
            );
            TableCell::new().add_paragraph(p)
        })
        .collect();
    let mut row = TableRow::new(cells);
    row.property = row
        .property
        .clone()
        .delete(Delete::new().author(AUTHOR).date(date));
    TableChild::TableRow(row)
}

fn is_row(c: &Change) -> bool {
    c.columns.is_some() || plain(&c.before).contains(" | ") || plain(&c.after).contains(" | ")
}

/// Mark a table's rows (each a block `cell | cell`): a row added is an
/// inserted row, a row removed stays as a deleted row where it stood, a
/// changed row is diffed cell by cell. Returns (marked, next change, the
/// paragraphs removed before the table's first row).
fn mark_table(
    t: &mut Table,
    changes: &[Change],
    mut next: usize,
    date: &str,
    done: &mut [bool],
) -> (usize, Vec<Paragraph>) {
    let mut before_table: Vec<Paragraph> = Vec::new();
    let mut r = 0;
    let mut matched_any = false;
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
        let mine: Vec<String> = texts
            .iter()
            .map(|t| key(t))
            .filter(|t| !t.is_empty())
            .collect();
        let end = (next + LOOKAHEAD).min(changes.len());
        let Some(k) = (next..end)
            .find(|&k| !changes[k].after.is_empty() && filled(&plain(&changes[k].after)) == mine)
        else {
            r += 1;
            continue;
        };
        let c = &changes[k];
        if changed(c) {
            if c.before.is_empty() {
                row_mark_insert(row, date);
            }
            // The old row's filled cells, paired in order with this row's
            // (a merged cell in Word is one cell).
            let old: Vec<String> = plain(&c.before)
                .split('|')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
            let same_shape = old.len() == mine.len();
            let mut filled_index = 0usize;
            let mut first = true;
            for (ci, cell) in row.cells.iter_mut().enumerate() {
                let TableRowChild::TableCell(cell) = cell;
                let Some(p) = cell_paragraph(cell) else {
                    continue;
                };
                let new_text = texts.get(ci).cloned().unwrap_or_default();
                if key(&new_text).is_empty() {
                    continue;
                }
                let segs = if c.before.is_empty() {
                    vec![Seg {
                        text: new_text.clone(),
                        mark: Mark::Inserted,
                    }]
                } else if same_shape {
                    char_diff(&old[filled_index], &new_text).2
                } else if first {
                    // Cells that no longer line up: the old row whole,
                    // deleted, in the first cell; each new cell inserted.
                    let mut v = vec![Seg {
                        text: old.join(" | "),
                        mark: Mark::Deleted,
                    }];
                    v.push(Seg {
                        text: new_text.clone(),
                        mark: Mark::Inserted,
                    });
                    v
                } else {
                    vec![Seg {
                        text: new_text.clone(),
                        mark: Mark::Inserted,
                    }]
                };
                filled_index += 1;
                first = false;
                if segs.iter().all(|s| s.mark == Mark::Same) {
                    continue;
                }
                let mut np = Paragraph::new();
                np.property = p.property.clone();
                *p = add_segs(np, &segs, date);
            }
            done[k] = true;
        }
        // Removed paragraphs (not rows) before the first row stood
        // before the table.
        if !matched_any {
            for j in next..k {
                if changes[j].after.is_empty() && !is_row(&changes[j]) {
                    before_table.push(removed_paragraph(&changes[j], date));
                    done[j] = true;
                }
            }
        }
        matched_any = true;
        // Rows removed just before this one: deleted rows.
        let gone: Vec<TableChild> = (next..k)
            .filter(|&j| changes[j].after.is_empty() && is_row(&changes[j]))
            .map(|j| {
                done[j] = true;
                removed_row(&changes[j], date)
            })
            .collect();
        let n = gone.len();
        for (j, g) in gone.into_iter().enumerate() {
            t.rows.insert(r + j, g);
        }
        r += n + 1;
        next = k + 1;
    }
    // Rows removed after the table's last row.
    if matched_any {
        while next < changes.len() && changes[next].after.is_empty() && is_row(&changes[next]) {
            t.rows.push(removed_row(&changes[next], date));
            done[next] = true;
            next += 1;
        }
    }
    (next, before_table)
}
