//! CJK-friendly emphasis for pulldown-cmark.
//!
//! Chinese official writing marks its points with bold lead-ins such as
//! `**一是能源结构偏煤。**煤炭消费占比……`. Under CommonMark's flanking rules the
//! closing `**` (preceded by the punctuation `。`, followed by the letter `煤`)
//! is not right-flanking, so pulldown-cmark leaves the asterisks as text, and
//! may pair the remaining delimiters wrongly.
//!
//! The "CJK-friendly amendments" to CommonMark
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>)
//! redefine left- and right-flanking delimiter runs next to CJK characters,
//! variation selectors and non-CJK punctuation. pulldown-cmark 0.13 does not
//! implement them, so [`cjk_friendly`] fixes its output afterwards:
//!
//! * Events outside inline content (and inline content without `*`/`_`
//!   delimiters) pass through untouched.
//! * For each inline container (a paragraph, a heading, a table cell, the
//!   inline text of a tight list item) that holds `*`/`_` delimiter runs, the
//!   flanking of every run is computed both as pulldown-cmark does and as the
//!   amendment says. Only when some run differs is CommonMark's "process
//!   emphasis" algorithm run again over the container with the amended
//!   flanking, and only when that yields another pairing than
//!   pulldown-cmark's are the container's events rebuilt. Ordinary Latin
//!   text therefore keeps pulldown-cmark's exact events.
//! * Code spans, inline HTML, footnote references, breaks, math and
//!   autolinks are opaque; the text of a link or image, and of a
//!   strikethrough, is its own scope (strikethrough is kept exactly as
//!   pulldown-cmark produced it: `~` is never re-paired).
//!
//! Neighbouring characters come from the source text, as in pulldown-cmark:
//! the start of a line and a table-cell pipe count as whitespace.

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// Re-pair emphasis per the CJK-friendly amendment.
///
/// `src` is the exact text given to the parser; the events are those of
/// `Parser::new_ext(src, opts).into_offset_iter()` (ranges relative to `src`).
/// The returned iterator yields the same events, except that emphasis and
/// strong emphasis inside inline content are paired by the amended rules.
/// Text ranges cover exactly their source bytes, and a rebuilt
/// `Start`/`End(Emphasis | Strong)` carries the range from its opening
/// delimiter to the end of its closing one, as pulldown-cmark does.
///
/// ```ignore
/// let src = "**一是能源结构偏煤。**煤炭消费占比高。";
/// let events = cjk_friendly(src, Parser::new_ext(src, options).into_offset_iter());
/// let mut html = String::new();
/// pulldown_cmark::html::push_html(&mut html, events.map(|(event, _)| event));
/// assert_eq!(html, "<p><strong>一是能源结构偏煤。</strong>煤炭消费占比高。</p>\n");
/// ```
pub fn cjk_friendly<'a, I>(src: &'a str, events: I) -> CjkFriendly<'a, I::IntoIter>
where
    I: IntoIterator<Item = (Event<'a>, Range<usize>)>,
{
    CjkFriendly {
        src,
        inner: events.into_iter(),
        buf: Vec::new(),
        out: VecDeque::new(),
        raw_depth: 0,
        cell_depth: 0,
        clean_until: 0,
        finished: false,
        work: Work::default(),
    }
}

/// The iterator returned by [`cjk_friendly`].
///
/// It buffers the events of one inline container at a time (in a buffer
/// reused from container to container) and yields `(Event, Range)` pairs.
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct CjkFriendly<'a, I> {
    src: &'a str,
    inner: I,
    /// Inline events of the container being read.
    buf: Vec<(Event<'a>, Range<usize>)>,
    /// Events ready to be yielded.
    out: VecDeque<(Event<'a>, Range<usize>)>,
    /// Depth of code, HTML and metadata blocks (their text is not inline).
    raw_depth: usize,
    /// Depth of table cells (a neighbouring `|` counts as whitespace).
    cell_depth: usize,
    /// End of a block whose source has no `*` or `_`: its events pass
    /// straight through (most blocks of a real document), unbuffered.
    clean_until: usize,
    finished: bool,
    work: Work,
}

impl<'a, I> Iterator for CjkFriendly<'a, I>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.inner.next() {
                Some(item) => {
                    // Inside a block with no delimiter at all there is
                    // nothing to re-pair (`out` and `buf` are empty here:
                    // the block's start flushed them).
                    if item.1.start < self.clean_until && self.buf.is_empty() {
                        if !is_inline(&item.0) {
                            self.track(&item.0);
                        }
                        return Some(item);
                    }
                    if self.raw_depth == 0 && is_inline(&item.0) {
                        self.buf.push(item);
                        continue;
                    }
                    self.flush();
                    self.track(&item.0);
                    if let Event::Start(_) = item.0
                        && self
                            .src
                            .get(item.1.clone())
                            .is_some_and(|s| memchr::memchr2(b'*', b'_', s.as_bytes()).is_none())
                    {
                        self.clean_until = item.1.end;
                    }
                    if self.out.is_empty() {
                        return Some(item);
                    }
                    self.out.push_back(item);
                }
                None => {
                    self.flush();
                    self.finished = true;
                }
            }
        }
    }
}

impl<'a, I> std::iter::FusedIterator for CjkFriendly<'a, I> where
    I: Iterator<Item = (Event<'a>, Range<usize>)>
{
}

impl<'a, I> CjkFriendly<'a, I> {
    /// Moves the buffered container to `out`, re-paired if need be.
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let in_cell = self.cell_depth > 0;
        if !self
            .work
            .rewrite(self.src, &mut self.buf, in_cell, &mut self.out)
        {
            self.out.extend(self.buf.drain(..));
        }
        self.buf.clear();
    }

    /// Follows the block structure that matters for inline content.
    fn track(&mut self, event: &Event<'a>) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                self.raw_depth += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                self.raw_depth = self.raw_depth.saturating_sub(1);
            }
            Event::Start(Tag::TableCell) => self.cell_depth += 1,
            Event::End(TagEnd::TableCell) => self.cell_depth = self.cell_depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// Whether an event belongs to inline content.
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Html(_) | Event::Rule | Event::TaskListMarker(_) => false,
    }
}

/// One piece of a flattened container.
#[derive(Clone, Copy, Debug)]
enum Tok {
    /// An event yielded as it is (an atom, or text that differs from its source).
    Keep(usize),
    /// Literal source text.
    Lit(usize, usize),
    /// A delimiter run (index into `Work::runs`).
    Run(usize),
    /// The start of a nested scope (link, image, strikethrough...), yielded as it is.
    Open(usize),
    /// The end of a nested scope, yielded as it is.
    Close(usize),
}

/// A maximal run of `*` or `_` in the source.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: usize,
    end: usize,
    ch: u8,
    /// The run begins a line (pulldown-cmark treats that as whitespace before it).
    line_start: bool,
    can_open: bool,
    can_close: bool,
    /// Delimiters used as closers (taken from the left).
    closed: usize,
    /// Delimiters used as openers (taken from the right).
    opened: usize,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }

    fn left(&self) -> usize {
        self.len().saturating_sub(self.closed + self.opened)
    }
}

/// A matched pair of delimiters: `open` and `close` are the positions of the
/// first byte of the opening and closing delimiters, `len` is 1 (emphasis) or
/// 2 (strong).
#[derive(Clone, Copy, Debug)]
struct Pair {
    open: usize,
    close: usize,
    len: usize,
}

/// "No element" in the linked delimiter list.
const NONE: usize = usize::MAX;

/// Scratch space reused from container to container.
#[derive(Default)]
struct Work {
    toks: Vec<Tok>,
    runs: Vec<Run>,
    /// pulldown-cmark's pairs: (start, end, strong).
    theirs: Vec<(usize, usize, bool)>,
    /// Our pairs, then also as (start, end, strong) for comparison.
    pairs: Vec<Pair>,
    ours: Vec<(usize, usize, bool)>,
    /// (position, pair, is start), sorted by position.
    marks: Vec<(usize, usize, bool)>,
    active: Vec<usize>,
    scopes: Vec<usize>,
    prev: Vec<usize>,
    next: Vec<usize>,
    /// Tests only: pair with CommonMark's flanking and always rebuild.
    #[cfg(test)]
    commonmark_rebuild: bool,
}

impl Work {
    /// Re-pairs the container in `buf` into `out`; false when pulldown-cmark's
    /// events are already right (or cannot be followed) and stay as they are.
    fn rewrite<'a>(
        &mut self,
        src: &'a str,
        buf: &mut [(Event<'a>, Range<usize>)],
        in_cell: bool,
        out: &mut VecDeque<(Event<'a>, Range<usize>)>,
    ) -> bool {
        let candidate = buf.iter().any(|(event, _)| match event {
            Event::Start(Tag::Emphasis | Tag::Strong) => true,
            Event::Text(text) => text.bytes().any(|b| b == b'*' || b == b'_'),
            _ => false,
        });
        if !candidate {
            return false;
        }
        self.toks.clear();
        self.runs.clear();
        self.theirs.clear();
        if !self.flatten(src, buf) {
            return false;
        }

        let mut changed = false;
        for run in &mut self.runs {
            let (before_cm, before_cjk) = before(src, run, in_cell);
            let after = after(src, run.end, in_cell);
            let cm = flanking(run.ch, before_cm, after, false);
            let cjk = flanking(run.ch, before_cjk, after, true);
            (run.can_open, run.can_close) = cjk;
            changed |= cm != cjk;
            #[cfg(test)]
            if self.commonmark_rebuild {
                (run.can_open, run.can_close) = cm;
            }
        }
        #[cfg(test)]
        let force = self.commonmark_rebuild;
        #[cfg(not(test))]
        let force = false;
        if !changed && !force {
            return false;
        }

        self.pair_all();
        self.ours.clear();
        self.ours.extend(
            self.pairs
                .iter()
                .map(|p| (p.open, p.close + p.len, p.len == 2)),
        );
        self.ours.sort_unstable();
        self.theirs.sort_unstable();
        if self.ours == self.theirs && !force {
            return false;
        }
        self.emit(src, buf, out);
        true
    }

    /// Splits the container into tokens and delimiter runs; false if the
    /// events do not match the source as expected.
    fn flatten(&mut self, src: &str, buf: &[(Event<'_>, Range<usize>)]) -> bool {
        let bytes = src.as_bytes();
        let mut line_start = buf.first().map_or(0, |(_, range)| range.start);
        let mut after_break = false;
        let mut opaque = 0usize;
        for (i, (event, range)) in buf.iter().enumerate() {
            if after_break {
                line_start = range.start;
                after_break = false;
            }
            if opaque > 0 {
                match event {
                    Event::Start(Tag::Link { .. }) => opaque += 1,
                    Event::End(TagEnd::Link) => opaque -= 1,
                    _ => {}
                }
                self.toks.push(Tok::Keep(i));
                continue;
            }
            let ok = match event {
                Event::Text(text) => match src.get(range.clone()) {
                    Some(slice) if slice == text.as_ref() => {
                        self.split_text(bytes, range.clone(), line_start)
                    }
                    // Entities and the like: literal text, never delimiters.
                    _ => {
                        self.toks.push(Tok::Keep(i));
                        true
                    }
                },
                Event::Start(tag @ (Tag::Emphasis | Tag::Strong)) => {
                    let n = if matches!(tag, Tag::Strong) { 2 } else { 1 };
                    self.theirs.push((range.start, range.end, n == 2));
                    range.end.saturating_sub(range.start) >= 2 * n
                        && self.push_delims(bytes, range.start, n, line_start)
                }
                Event::End(tag @ (TagEnd::Emphasis | TagEnd::Strong)) => {
                    let n = if matches!(tag, TagEnd::Strong) { 2 } else { 1 };
                    range.end >= n && self.push_delims(bytes, range.end - n, n, line_start)
                }
                Event::Start(Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email | LinkType::WikiLink { .. },
                    ..
                }) => {
                    // The text of an autolink is the address itself.
                    opaque = 1;
                    self.toks.push(Tok::Keep(i));
                    true
                }
                Event::Start(
                    Tag::Link { .. }
                    | Tag::Image { .. }
                    | Tag::Strikethrough
                    | Tag::Superscript
                    | Tag::Subscript,
                ) => {
                    self.toks.push(Tok::Open(i));
                    true
                }
                Event::End(
                    TagEnd::Link
                    | TagEnd::Image
                    | TagEnd::Strikethrough
                    | TagEnd::Superscript
                    | TagEnd::Subscript,
                ) => {
                    self.toks.push(Tok::Close(i));
                    true
                }
                Event::SoftBreak | Event::HardBreak => {
                    after_break = true;
                    self.toks.push(Tok::Keep(i));
                    true
                }
                _ => {
                    self.toks.push(Tok::Keep(i));
                    true
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Tokenises a text event equal to its source `range`.
    fn split_text(&mut self, bytes: &[u8], range: Range<usize>, line_start: usize) -> bool {
        let mut lit = range.start;
        for pos in range.clone() {
            let Some(&b) = bytes.get(pos) else {
                return false;
            };
            if (b == b'*' || b == b'_') && !escaped(bytes, pos) {
                if lit < pos {
                    self.toks.push(Tok::Lit(lit, pos));
                }
                if !self.push_delim(pos, b, line_start) {
                    return false;
                }
                lit = pos + 1;
            }
        }
        if lit < range.end {
            self.toks.push(Tok::Lit(lit, range.end));
        }
        true
    }

    /// Adds the `n` delimiters of an emphasis tag found at `pos`.
    fn push_delims(&mut self, bytes: &[u8], pos: usize, n: usize, line_start: usize) -> bool {
        let Some(delims) = pos.checked_add(n).and_then(|end| bytes.get(pos..end)) else {
            return false;
        };
        let ch = delims[0];
        (ch == b'*' || ch == b'_')
            && delims.iter().all(|&b| b == ch)
            && (0..n).all(|k| self.push_delim(pos + k, ch, line_start))
    }

    /// Adds one delimiter, extending the previous run when adjacent.
    fn push_delim(&mut self, pos: usize, ch: u8, line_start: usize) -> bool {
        if let Some(&Tok::Run(index)) = self.toks.last() {
            let run = &mut self.runs[index];
            if run.ch == ch && run.end == pos {
                run.end += 1;
                return true;
            }
        }
        if self.runs.last().is_some_and(|run| pos < run.end) {
            return false;
        }
        self.runs.push(Run {
            start: pos,
            end: pos + 1,
            ch,
            line_start: pos == line_start,
            can_open: false,
            can_close: false,
            closed: 0,
            opened: 0,
        });
        self.toks.push(Tok::Run(self.runs.len() - 1));
        true
    }

    /// Pairs the delimiters of every scope, innermost scopes first.
    fn pair_all(&mut self) {
        self.pairs.clear();
        self.active.clear();
        self.scopes.clear();
        for tok in &self.toks {
            match *tok {
                Tok::Run(index) => self.active.push(index),
                Tok::Open(_) => self.scopes.push(self.active.len()),
                Tok::Close(_) => {
                    if let Some(base) = self.scopes.pop() {
                        let ids = &self.active[base..];
                        process_emphasis(
                            &mut self.runs,
                            ids,
                            &mut self.prev,
                            &mut self.next,
                            &mut self.pairs,
                        );
                        self.active.truncate(base);
                    }
                }
                Tok::Keep(_) | Tok::Lit(..) => {}
            }
        }
        // Scopes left open (never by pulldown-cmark) end with the container.
        while let Some(base) = self.scopes.pop() {
            process_emphasis(
                &mut self.runs,
                &self.active[base..],
                &mut self.prev,
                &mut self.next,
                &mut self.pairs,
            );
            self.active.truncate(base);
        }
        process_emphasis(
            &mut self.runs,
            &self.active,
            &mut self.prev,
            &mut self.next,
            &mut self.pairs,
        );
    }

    /// Writes the rebuilt container to `out`.
    fn emit<'a>(
        &mut self,
        src: &'a str,
        buf: &mut [(Event<'a>, Range<usize>)],
        out: &mut VecDeque<(Event<'a>, Range<usize>)>,
    ) {
        self.marks.clear();
        for (index, pair) in self.pairs.iter().enumerate() {
            self.marks.push((pair.open, index, true));
            self.marks.push((pair.close, index, false));
        }
        self.marks.sort_unstable_by_key(|mark| mark.0);

        let mut text = Text::default();
        let mut mark = 0;
        for tok in &self.toks {
            match *tok {
                Tok::Lit(start, end) => text.push(src, start, end, out),
                Tok::Keep(index) | Tok::Open(index) | Tok::Close(index) => {
                    text.flush(src, out);
                    if let Some(slot) = buf.get_mut(index) {
                        out.push_back(std::mem::replace(slot, (Event::SoftBreak, 0..0)));
                    }
                }
                Tok::Run(index) => {
                    let run = self.runs[index];
                    let left_start = run.start + run.closed;
                    let left_end = run.end - run.opened;
                    // Closers first (innermost first), then what is left, then
                    // openers (outermost first).
                    for bound in [left_start, run.end] {
                        while let Some(&(pos, pair, is_start)) = self.marks.get(mark) {
                            if pos >= bound {
                                break;
                            }
                            mark += 1;
                            text.flush(src, out);
                            let Pair { open, close, len } = self.pairs[pair];
                            let range = open..close + len;
                            let event = match (is_start, len == 2) {
                                (true, true) => Event::Start(Tag::Strong),
                                (true, false) => Event::Start(Tag::Emphasis),
                                (false, true) => Event::End(TagEnd::Strong),
                                (false, false) => Event::End(TagEnd::Emphasis),
                            };
                            out.push_back((event, range));
                        }
                        if bound == left_start && left_start < left_end {
                            text.push(src, left_start, left_end, out);
                        }
                    }
                }
            }
        }
        text.flush(src, out);
    }
}

/// Literal text waiting to be yielded, merged while contiguous in the source.
#[derive(Default)]
struct Text {
    pending: Option<Range<usize>>,
}

impl Text {
    fn push<'a>(
        &mut self,
        src: &'a str,
        start: usize,
        end: usize,
        out: &mut VecDeque<(Event<'a>, Range<usize>)>,
    ) {
        match &mut self.pending {
            Some(range) if range.end == start => range.end = end,
            _ => {
                self.flush(src, out);
                self.pending = Some(start..end);
            }
        }
    }

    fn flush<'a>(&mut self, src: &'a str, out: &mut VecDeque<(Event<'a>, Range<usize>)>) {
        if let Some(range) = self.pending.take()
            && let Some(text) = src.get(range.clone())
        {
            out.push_back((Event::Text(CowStr::Borrowed(text)), range));
        }
    }
}

/// CommonMark's "process emphasis" over the runs `ids` of one scope (in
/// source order), with the flanking already stored in the runs. Matches are
/// appended to `pairs`.
///
/// The delimiter stack is a doubly linked list over positions in `ids`;
/// `openers_bottom` is kept per delimiter, per "closer can also open" and
/// per closer length modulo 3, which keeps the whole pass linear.
fn process_emphasis(
    runs: &mut [Run],
    ids: &[usize],
    prev: &mut Vec<usize>,
    next: &mut Vec<usize>,
    pairs: &mut Vec<Pair>,
) {
    let n = ids.len();
    if n == 0 {
        return;
    }
    prev.clear();
    next.clear();
    prev.extend((0..n).map(|k| k.checked_sub(1).unwrap_or(NONE)));
    next.extend((0..n).map(|k| if k + 1 < n { k + 1 } else { NONE }));
    // Openers are looked for strictly above these positions (NONE: anywhere).
    let mut bottom = [[[NONE; 3]; 2]; 2];

    let mut cur = 0;
    while cur != NONE {
        let closer = runs[ids[cur]];
        if !closer.can_close {
            cur = next[cur];
            continue;
        }
        let slot = &mut bottom[usize::from(closer.ch == b'_')][usize::from(closer.can_open)]
            [closer.len() % 3];
        let mut found = NONE;
        let mut k = prev[cur];
        while k != NONE && (*slot == NONE || k > *slot) {
            let opener = runs[ids[k]];
            if opener.ch == closer.ch && opener.can_open && !rule_of_three(&opener, &closer) {
                found = k;
                break;
            }
            k = prev[k];
        }
        if found == NONE {
            *slot = prev[cur];
            let after = next[cur];
            if !closer.can_open {
                unlink(prev, next, cur);
            }
            cur = after;
            continue;
        }

        let (oi, ci) = (ids[found], ids[cur]);
        let len = if runs[oi].left() >= 2 && runs[ci].left() >= 2 {
            2
        } else {
            1
        };
        let open = runs[oi].end - runs[oi].opened - len;
        let close = runs[ci].start + runs[ci].closed;
        pairs.push(Pair { open, close, len });
        runs[oi].opened += len;
        runs[ci].closed += len;
        // Delimiters between the opener and the closer are dropped.
        next[found] = cur;
        prev[cur] = found;
        if runs[oi].left() == 0 {
            unlink(prev, next, found);
        }
        if runs[ci].left() == 0 {
            let after = next[cur];
            unlink(prev, next, cur);
            cur = after;
        }
    }
}

/// CommonMark's "multiple of 3" rule: true if the two runs cannot pair.
fn rule_of_three(opener: &Run, closer: &Run) -> bool {
    (opener.can_close || closer.can_open)
        && (opener.len() + closer.len()).is_multiple_of(3)
        && !(opener.len().is_multiple_of(3) && closer.len().is_multiple_of(3))
}

fn unlink(prev: &mut [usize], next: &mut [usize], k: usize) {
    let (p, n) = (prev[k], next[k]);
    if p != NONE {
        next[p] = n;
    }
    if n != NONE {
        prev[n] = p;
    }
}

/// Whether the byte at `pos` is escaped by an odd number of backslashes.
fn escaped(bytes: &[u8], pos: usize) -> bool {
    bytes[..pos.min(bytes.len())]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// What flanking cares about in a neighbouring character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Class {
    /// Unicode whitespace; also the start or end of a line and a table pipe.
    space: bool,
    /// Unicode punctuation (general categories P and S).
    punct: bool,
    /// A CJK character (or sequence) in the sense of the amendment.
    cjk: bool,
}

const SPACE: Class = Class {
    space: true,
    punct: false,
    cjk: false,
};

impl Class {
    fn of(c: char) -> Class {
        if c.is_whitespace() {
            SPACE
        } else {
            Class {
                space: false,
                punct: is_punctuation(c),
                cjk: is_cjk(c),
            }
        }
    }
}

/// The character before a run, as pulldown-cmark sees it (the raw previous
/// character) and as the amendment sees it (the base of a variation
/// sequence; an ideographic variation selector counts as CJK).
fn before(src: &str, run: &Run, in_cell: bool) -> (Class, Class) {
    let bytes = src.as_bytes();
    let pos = run.start;
    if run.line_start || pos == 0 {
        return (SPACE, SPACE);
    }
    // pulldown-cmark: an unescaped `|` before a run in a table row is a cell boundary.
    if in_cell && bytes.get(pos - 1) == Some(&b'|') && !(pos >= 2 && bytes[pos - 2] == b'\\') {
        return (SPACE, SPACE);
    }
    let Some(mut chars) = src.get(..pos).map(str::chars) else {
        return (SPACE, SPACE);
    };
    let Some(c) = chars.next_back() else {
        return (SPACE, SPACE);
    };
    let raw = Class::of(c);
    let amended = if is_general_vs(c) {
        match chars.next_back() {
            // A CJK sequence, a (non-)CJK punctuation sequence, or a letter
            // with its variation selector: the base character decides.
            Some(base) if !base.is_whitespace() => {
                let mut class = Class::of(base);
                if is_ivs(base) || (c == '\u{FE01}' && is_cjk_ambiguous_quote(base)) {
                    class.cjk = true;
                }
                class
            }
            // Whitespace or nothing before the selector: unspecified; the
            // selector is taken as an ordinary letter.
            _ => raw,
        }
    } else if is_ivs(c) {
        Class {
            space: false,
            punct: false,
            cjk: true,
        }
    } else {
        raw
    };
    (raw, amended)
}

/// The character after a run (the end of the text and a table pipe count as
/// whitespace).
fn after(src: &str, end: usize, in_cell: bool) -> Class {
    match src.get(end..).and_then(|rest| rest.chars().next()) {
        None => SPACE,
        Some('|') if in_cell => SPACE,
        Some(c) => Class::of(c),
    }
}

/// (can open, can close) for a run of `ch` between `before` and `after`:
/// CommonMark's rules when `amended` is false (exactly what pulldown-cmark
/// computes), the CJK-friendly amendment's when it is true.
fn flanking(ch: u8, before: Class, after: Class, amended: bool) -> (bool, bool) {
    let (left, right) = if amended {
        // The IVS and the base of a variation sequence are folded into
        // `before` (see `before`), and CJK punctuation is CJK.
        let after_non_cjk_punct = after.punct && !after.cjk;
        let before_non_cjk_punct = before.punct && !before.cjk;
        // Left-flanking: (1) not followed by whitespace, and either (2a) not
        // followed by non-CJK punctuation or (2b) preceded by whitespace
        // (2bα), a non-CJK punctuation sequence (2bβ), a CJK sequence (2bγ)
        // or an ideographic variation selector (2bδ).
        let left = !after.space
            && (!after_non_cjk_punct || before.space || before_non_cjk_punct || before.cjk);
        // Right-flanking: (1) not preceded by whitespace, and either (2a) not
        // preceded by a non-CJK punctuation sequence or (2b) followed by
        // whitespace (2bα), non-CJK punctuation (2bβ) or a CJK character (2bγ).
        let right = !before.space
            && (!before_non_cjk_punct || after.space || after_non_cjk_punct || after.cjk);
        (left, right)
    } else {
        let left = !after.space && (!after.punct || before.space || before.punct);
        let right = !before.space && (!before.punct || after.space || after.punct);
        (left, right)
    };
    if ch == b'*' {
        (left, right)
    } else {
        // `_`: rules 2/6 (open: preceded by a Unicode punctuation sequence
        // when also right-flanking) and 3/7 (close: followed by punctuation
        // when also left-flanking).
        (
            left && (!right || before.punct),
            right && (!left || after.punct),
        )
    }
}

/// Non-emoji general-use variation selectors (U+FE00..U+FE0E).
fn is_general_vs(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0E}').contains(&c)
}

/// Ideographic variation selectors (U+E0100..U+E01EF).
fn is_ivs(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

/// First characters of the CJK ambiguous punctuation sequences (with U+FE01,
/// the fullwidth form in `StandardizedVariants.txt`).
fn is_cjk_ambiguous_quote(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
}

fn in_ranges(table: &[(u32, u32)], cp: u32) -> bool {
    table
        .binary_search_by(|&(first, last)| {
            if last < cp {
                std::cmp::Ordering::Less
            } else if first > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A CJK character per the amendment: East Asian Width W, F or H and not a
/// default emoji presentation character, or script Hangul (Unicode 17, from
/// the amendment's `ranges.md`).
fn is_cjk(c: char) -> bool {
    let cp = u32::from(c);
    cp >= 0x1100 && in_ranges(CJK, cp)
}

/// Unicode punctuation as pulldown-cmark 0.13 defines it: ASCII punctuation
/// and general categories P and S.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_punctuation()
    } else {
        in_ranges(PUNCTUATION, u32::from(c))
    }
}

/// CJK characters (inclusive ranges), from the amendment's `ranges.md`
/// (Unicode 17).
#[rustfmt::skip]
const CJK: &[(u32, u32)] = &[
    (0x1100, 0x11FF), (0x20A9, 0x20A9), (0x2329, 0x232A), (0x2630, 0x2637), (0x268A, 0x268F),
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x2FF0, 0x303E), (0x3041, 0x3096),
    (0x3099, 0x30FF), (0x3105, 0x312F), (0x3131, 0x318E), (0x3190, 0x31E5), (0x31EF, 0x321E),
    (0x3220, 0x3247), (0x3250, 0xA48C), (0xA490, 0xA4C6), (0xA960, 0xA97C), (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE52),
    (0xFE54, 0xFE66), (0xFE68, 0xFE6B), (0xFF01, 0xFFBE), (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0xFFE0, 0xFFE6), (0xFFE8, 0xFFEE), (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6), (0x17000, 0x18CD5), (0x18CFF, 0x18D1E), (0x18D80, 0x18DF2), (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122), (0x1B132, 0x1B132), (0x1B150, 0x1B152),
    (0x1B155, 0x1B155), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB), (0x1D300, 0x1D356), (0x1D360, 0x1D376),
    (0x1F200, 0x1F200), (0x1F202, 0x1F202), (0x1F210, 0x1F219), (0x1F21B, 0x1F22E), (0x1F230, 0x1F231),
    (0x1F237, 0x1F237), (0x1F23B, 0x1F23B), (0x1F240, 0x1F248), (0x1F260, 0x1F265), (0x20000, 0x3FFFD),
];

/// Non-ASCII characters of general categories P and S (inclusive ranges),
/// the set pulldown-cmark 0.13.6 treats as punctuation (Unicode 15.1).
#[rustfmt::skip]
const PUNCTUATION: &[(u32, u32)] = &[
    (0x00A1, 0x00A9), (0x00AB, 0x00AC), (0x00AE, 0x00B1), (0x00B4, 0x00B4), (0x00B6, 0x00B8),
    (0x00BB, 0x00BB), (0x00BF, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x02C2, 0x02C5),
    (0x02D2, 0x02DF), (0x02E5, 0x02EB), (0x02ED, 0x02ED), (0x02EF, 0x02FF), (0x0375, 0x0375),
    (0x037E, 0x037E), (0x0384, 0x0385), (0x0387, 0x0387), (0x03F6, 0x03F6), (0x0482, 0x0482),
    (0x055A, 0x055F), (0x0589, 0x058A), (0x058D, 0x058F), (0x05BE, 0x05BE), (0x05C0, 0x05C0),
    (0x05C3, 0x05C3), (0x05C6, 0x05C6), (0x05F3, 0x05F4), (0x0606, 0x060F), (0x061B, 0x061B),
    (0x061D, 0x061F), (0x066A, 0x066D), (0x06D4, 0x06D4), (0x06DE, 0x06DE), (0x06E9, 0x06E9),
    (0x06FD, 0x06FE), (0x0700, 0x070D), (0x07F6, 0x07F9), (0x07FE, 0x07FF), (0x0830, 0x083E),
    (0x085E, 0x085E), (0x0888, 0x0888), (0x0964, 0x0965), (0x0970, 0x0970), (0x09F2, 0x09F3),
    (0x09FA, 0x09FB), (0x09FD, 0x09FD), (0x0A76, 0x0A76), (0x0AF0, 0x0AF1), (0x0B70, 0x0B70),
    (0x0BF3, 0x0BFA), (0x0C77, 0x0C77), (0x0C7F, 0x0C7F), (0x0C84, 0x0C84), (0x0D4F, 0x0D4F),
    (0x0D79, 0x0D79), (0x0DF4, 0x0DF4), (0x0E3F, 0x0E3F), (0x0E4F, 0x0E4F), (0x0E5A, 0x0E5B),
    (0x0F01, 0x0F17), (0x0F1A, 0x0F1F), (0x0F34, 0x0F34), (0x0F36, 0x0F36), (0x0F38, 0x0F38),
    (0x0F3A, 0x0F3D), (0x0F85, 0x0F85), (0x0FBE, 0x0FC5), (0x0FC7, 0x0FCC), (0x0FCE, 0x0FDA),
    (0x104A, 0x104F), (0x109E, 0x109F), (0x10FB, 0x10FB), (0x1360, 0x1368), (0x1390, 0x1399),
    (0x1400, 0x1400), (0x166D, 0x166E), (0x169B, 0x169C), (0x16EB, 0x16ED), (0x1735, 0x1736),
    (0x17D4, 0x17D6), (0x17D8, 0x17DB), (0x1800, 0x180A), (0x1940, 0x1940), (0x1944, 0x1945),
    (0x19DE, 0x19FF), (0x1A1E, 0x1A1F), (0x1AA0, 0x1AA6), (0x1AA8, 0x1AAD), (0x1B5A, 0x1B6A),
    (0x1B74, 0x1B7E), (0x1BFC, 0x1BFF), (0x1C3B, 0x1C3F), (0x1C7E, 0x1C7F), (0x1CC0, 0x1CC7),
    (0x1CD3, 0x1CD3), (0x1FBD, 0x1FBD), (0x1FBF, 0x1FC1), (0x1FCD, 0x1FCF), (0x1FDD, 0x1FDF),
    (0x1FED, 0x1FEF), (0x1FFD, 0x1FFE), (0x2010, 0x2027), (0x2030, 0x205E), (0x207A, 0x207E),
    (0x208A, 0x208E), (0x20A0, 0x20C0), (0x2100, 0x2101), (0x2103, 0x2106), (0x2108, 0x2109),
    (0x2114, 0x2114), (0x2116, 0x2118), (0x211E, 0x2123), (0x2125, 0x2125), (0x2127, 0x2127),
    (0x2129, 0x2129), (0x212E, 0x212E), (0x213A, 0x213B), (0x2140, 0x2144), (0x214A, 0x214D),
    (0x214F, 0x214F), (0x218A, 0x218B), (0x2190, 0x2426), (0x2440, 0x244A), (0x249C, 0x24E9),
    (0x2500, 0x2775), (0x2794, 0x2B73), (0x2B76, 0x2B95), (0x2B97, 0x2BFF), (0x2CE5, 0x2CEA),
    (0x2CF9, 0x2CFC), (0x2CFE, 0x2CFF), (0x2D70, 0x2D70), (0x2E00, 0x2E2E), (0x2E30, 0x2E5D),
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x2FF0, 0x2FFF), (0x3001, 0x3004),
    (0x3008, 0x3020), (0x3030, 0x3030), (0x3036, 0x3037), (0x303D, 0x303F), (0x309B, 0x309C),
    (0x30A0, 0x30A0), (0x30FB, 0x30FB), (0x3190, 0x3191), (0x3196, 0x319F), (0x31C0, 0x31E3),
    (0x31EF, 0x31EF), (0x3200, 0x321E), (0x322A, 0x3247), (0x3250, 0x3250), (0x3260, 0x327F),
    (0x328A, 0x32B0), (0x32C0, 0x33FF), (0x4DC0, 0x4DFF), (0xA490, 0xA4C6), (0xA4FE, 0xA4FF),
    (0xA60D, 0xA60F), (0xA673, 0xA673), (0xA67E, 0xA67E), (0xA6F2, 0xA6F7), (0xA700, 0xA716),
    (0xA720, 0xA721), (0xA789, 0xA78A), (0xA828, 0xA82B), (0xA836, 0xA839), (0xA874, 0xA877),
    (0xA8CE, 0xA8CF), (0xA8F8, 0xA8FA), (0xA8FC, 0xA8FC), (0xA92E, 0xA92F), (0xA95F, 0xA95F),
    (0xA9C1, 0xA9CD), (0xA9DE, 0xA9DF), (0xAA5C, 0xAA5F), (0xAA77, 0xAA79), (0xAADE, 0xAADF),
    (0xAAF0, 0xAAF1), (0xAB5B, 0xAB5B), (0xAB6A, 0xAB6B), (0xABEB, 0xABEB), (0xFB29, 0xFB29),
    (0xFBB2, 0xFBC2), (0xFD3E, 0xFD4F), (0xFDCF, 0xFDCF), (0xFDFC, 0xFDFF), (0xFE10, 0xFE19),
    (0xFE30, 0xFE52), (0xFE54, 0xFE66), (0xFE68, 0xFE6B), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40), (0xFF5B, 0xFF65), (0xFFE0, 0xFFE6), (0xFFE8, 0xFFEE), (0xFFFC, 0xFFFD),
    (0x10100, 0x10102), (0x10137, 0x1013F), (0x10179, 0x10189), (0x1018C, 0x1018E), (0x10190, 0x1019C),
    (0x101A0, 0x101A0), (0x101D0, 0x101FC), (0x1039F, 0x1039F), (0x103D0, 0x103D0), (0x1056F, 0x1056F),
    (0x10857, 0x10857), (0x10877, 0x10878), (0x1091F, 0x1091F), (0x1093F, 0x1093F), (0x10A50, 0x10A58),
    (0x10A7F, 0x10A7F), (0x10AC8, 0x10AC8), (0x10AF0, 0x10AF6), (0x10B39, 0x10B3F), (0x10B99, 0x10B9C),
    (0x10EAD, 0x10EAD), (0x10F55, 0x10F59), (0x10F86, 0x10F89), (0x11047, 0x1104D), (0x110BB, 0x110BC),
    (0x110BE, 0x110C1), (0x11140, 0x11143), (0x11174, 0x11175), (0x111C5, 0x111C8), (0x111CD, 0x111CD),
    (0x111DB, 0x111DB), (0x111DD, 0x111DF), (0x11238, 0x1123D), (0x112A9, 0x112A9), (0x1144B, 0x1144F),
    (0x1145A, 0x1145B), (0x1145D, 0x1145D), (0x114C6, 0x114C6), (0x115C1, 0x115D7), (0x11641, 0x11643),
    (0x11660, 0x1166C), (0x116B9, 0x116B9), (0x1173C, 0x1173F), (0x1183B, 0x1183B), (0x11944, 0x11946),
    (0x119E2, 0x119E2), (0x11A3F, 0x11A46), (0x11A9A, 0x11A9C), (0x11A9E, 0x11AA2), (0x11B00, 0x11B09),
    (0x11C41, 0x11C45), (0x11C70, 0x11C71), (0x11EF7, 0x11EF8), (0x11F43, 0x11F4F), (0x11FD5, 0x11FF1),
    (0x11FFF, 0x11FFF), (0x12470, 0x12474), (0x12FF1, 0x12FF2), (0x16A6E, 0x16A6F), (0x16AF5, 0x16AF5),
    (0x16B37, 0x16B3F), (0x16B44, 0x16B45), (0x16E97, 0x16E9A), (0x16FE2, 0x16FE2), (0x1BC9C, 0x1BC9C),
    (0x1BC9F, 0x1BC9F), (0x1CF50, 0x1CFC3), (0x1D000, 0x1D0F5), (0x1D100, 0x1D126), (0x1D129, 0x1D164),
    (0x1D16A, 0x1D16C), (0x1D183, 0x1D184), (0x1D18C, 0x1D1A9), (0x1D1AE, 0x1D1EA), (0x1D200, 0x1D241),
    (0x1D245, 0x1D245), (0x1D300, 0x1D356), (0x1D6C1, 0x1D6C1), (0x1D6DB, 0x1D6DB), (0x1D6FB, 0x1D6FB),
    (0x1D715, 0x1D715), (0x1D735, 0x1D735), (0x1D74F, 0x1D74F), (0x1D76F, 0x1D76F), (0x1D789, 0x1D789),
    (0x1D7A9, 0x1D7A9), (0x1D7C3, 0x1D7C3), (0x1D800, 0x1D9FF), (0x1DA37, 0x1DA3A), (0x1DA6D, 0x1DA74),
    (0x1DA76, 0x1DA83), (0x1DA85, 0x1DA8B), (0x1E14F, 0x1E14F), (0x1E2FF, 0x1E2FF), (0x1E95E, 0x1E95F),
    (0x1ECAC, 0x1ECAC), (0x1ECB0, 0x1ECB0), (0x1ED2E, 0x1ED2E), (0x1EEF0, 0x1EEF1), (0x1F000, 0x1F02B),
    (0x1F030, 0x1F093), (0x1F0A0, 0x1F0AE), (0x1F0B1, 0x1F0BF), (0x1F0C1, 0x1F0CF), (0x1F0D1, 0x1F0F5),
    (0x1F10D, 0x1F1AD), (0x1F1E6, 0x1F202), (0x1F210, 0x1F23B), (0x1F240, 0x1F248), (0x1F250, 0x1F251),
    (0x1F260, 0x1F265), (0x1F300, 0x1F6D7), (0x1F6DC, 0x1F6EC), (0x1F6F0, 0x1F6FC), (0x1F700, 0x1F776),
    (0x1F77B, 0x1F7D9), (0x1F7E0, 0x1F7EB), (0x1F7F0, 0x1F7F0), (0x1F800, 0x1F80B), (0x1F810, 0x1F847),
    (0x1F850, 0x1F859), (0x1F860, 0x1F887), (0x1F890, 0x1F8AD), (0x1F8B0, 0x1F8B1), (0x1F900, 0x1FA53),
    (0x1FA60, 0x1FA6D), (0x1FA70, 0x1FA7C), (0x1FA80, 0x1FA88), (0x1FA90, 0x1FABD), (0x1FABF, 0x1FAC5),
    (0x1FACE, 0x1FADB), (0x1FAE0, 0x1FAE8), (0x1FAF0, 0x1FAF8), (0x1FB00, 0x1FB92), (0x1FB94, 0x1FBCA),
];

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser, html};

    fn options() -> Options {
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
    }

    fn plain(src: &str) -> Vec<(Event<'_>, Range<usize>)> {
        Parser::new_ext(src, options()).into_offset_iter().collect()
    }

    fn events(src: &str) -> Vec<(Event<'_>, Range<usize>)> {
        cjk_friendly(src, Parser::new_ext(src, options()).into_offset_iter()).collect()
    }

    fn render(events: Vec<(Event<'_>, Range<usize>)>) -> String {
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter().map(|(event, _)| event));
        out
    }

    fn to_html(src: &str) -> String {
        render(events(src))
    }

    /// The examples of the amendment's test suite (the markdown-cjk-friendly
    /// test cases as pulldown-cmark's `specs/cjk_friendly_emphasis.txt` gives
    /// them, with their expected HTML), one paragraph at a time.
    const SPEC: &[(&str, &str)] = &[
        // README problem examples (micromark-extension-cjk-friendly)
        (
            "**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。",
            "<p><strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。</p>\n",
        ),
        (
            "**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。",
            "<p><strong>该星号不会被识别，而是直接显示。</strong>这是因为它没有被识别为强调符号。</p>\n",
        ),
        (
            "**이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)**이 문장 때문에.",
            "<p><strong>이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)</strong>이 문장 때문에.</p>\n",
        ),
        // testcases/strong.md
        (
            "これは**私のやりたかったこと。**だからするの。",
            "<p>これは<strong>私のやりたかったこと。</strong>だからするの。</p>\n",
        ),
        (
            "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください",
            "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>と<strong><a href=\"./product-bar\">製品ふが</a></strong>をお試しください</p>\n",
        ),
        (
            "単語と**[単語と](word-and)**単語",
            "<p>単語と<strong><a href=\"word-and\">単語と</a></strong>単語</p>\n",
        ),
        (
            "**これは太字になりません。**ご注意ください。",
            "<p><strong>これは太字になりません。</strong>ご注意ください。</p>\n",
        ),
        (
            "カッコに注意**（太字にならない）**文が続く場合に要警戒。",
            "<p>カッコに注意<strong>（太字にならない）</strong>文が続く場合に要警戒。</p>\n",
        ),
        (
            "**[リンク](https://example.com)**も注意。（画像も同様）",
            "<p><strong><a href=\"https://example.com\">リンク</a></strong>も注意。（画像も同様）</p>\n",
        ),
        (
            "先頭の**\\`コード\\`も注意。**",
            "<p>先頭の<strong>`コード`も注意。</strong></p>\n",
        ),
        (
            "**末尾の\\`コード\\`**も注意。",
            "<p><strong>末尾の`コード`</strong>も注意。</p>\n",
        ),
        (
            "税込**¥10,000**で入手できます。",
            "<p>税込<strong>¥10,000</strong>で入手できます。</p>\n",
        ),
        (
            "正解は**④**です。",
            "<p>正解は<strong>④</strong>です。</p>\n",
        ),
        (
            "太郎は**「こんにちわ」**といった",
            "<p>太郎は<strong>「こんにちわ」</strong>といった</p>\n",
        ),
        (
            "太郎は**\"こんにちわ\"**といった",
            "<p>太郎は<strong>\"こんにちわ\"</strong>といった</p>\n",
        ),
        (
            "太郎は**こんにちわ**といった",
            "<p>太郎は<strong>こんにちわ</strong>といった</p>\n",
        ),
        (
            "太郎は**「Hello」**といった",
            "<p>太郎は<strong>「Hello」</strong>といった</p>\n",
        ),
        (
            "太郎は**\"Hello\"**といった",
            "<p>太郎は<strong>\"Hello\"</strong>といった</p>\n",
        ),
        (
            "太郎は**Hello**といった",
            "<p>太郎は<strong>Hello</strong>といった</p>\n",
        ),
        (
            "太郎は**「Oh my god」**といった",
            "<p>太郎は<strong>「Oh my god」</strong>といった</p>\n",
        ),
        (
            "太郎は**\"Oh my god\"**といった",
            "<p>太郎は<strong>\"Oh my god\"</strong>といった</p>\n",
        ),
        (
            "太郎は**Oh my god**といった",
            "<p>太郎は<strong>Oh my god</strong>といった</p>\n",
        ),
        (
            "**C#**や**F#**は**「.NET」**というプラットフォーム上で動作します。",
            "<p><strong>C#</strong>や<strong>F#</strong>は<strong>「.NET」</strong>というプラットフォーム上で動作します。</p>\n",
        ),
        (
            "IDが**001号**になります。",
            "<p>IDが<strong>001号</strong>になります。</p>\n",
        ),
        (
            "IDが**００１号**になります。",
            "<p>IDが<strong>００１号</strong>になります。</p>\n",
        ),
        (
            "Go**「初心者」**を対象とした記事です。",
            "<p>Go<strong>「初心者」</strong>を対象とした記事です。</p>\n",
        ),
        (
            "**[リンク](https://example.com)**も注意。",
            "<p><strong><a href=\"https://example.com\">リンク</a></strong>も注意。</p>\n",
        ),
        (
            "**⻲田太郎**と申します",
            "<p><strong>⻲田太郎</strong>と申します</p>\n",
        ),
        (
            "・**㋐**:選択肢１つ目",
            "<p>・<strong>㋐</strong>:選択肢１つ目</p>\n",
        ),
        ("**真，**她", "<p><strong>真，</strong>她</p>\n"),
        ("**真。**她", "<p><strong>真。</strong>她</p>\n"),
        ("**真、**她", "<p><strong>真、</strong>她</p>\n"),
        ("**真；**她", "<p><strong>真；</strong>她</p>\n"),
        ("**真：**她", "<p><strong>真：</strong>她</p>\n"),
        ("**真？**她", "<p><strong>真？</strong>她</p>\n"),
        ("**真！**她", "<p><strong>真！</strong>她</p>\n"),
        ("**真“**她", "<p><strong>真“</strong>她</p>\n"),
        ("**真”**她", "<p><strong>真”</strong>她</p>\n"),
        ("**真‘**她", "<p><strong>真‘</strong>她</p>\n"),
        ("**真’**她", "<p><strong>真’</strong>她</p>\n"),
        ("**真（**她", "<p><strong>真（</strong>她</p>\n"),
        ("真**（她**", "<p>真<strong>（她</strong></p>\n"),
        ("**真）**她", "<p><strong>真）</strong>她</p>\n"),
        ("**真【**她", "<p><strong>真【</strong>她</p>\n"),
        ("真**【她**", "<p>真<strong>【她</strong></p>\n"),
        ("**真】**她", "<p><strong>真】</strong>她</p>\n"),
        ("**真《**她", "<p><strong>真《</strong>她</p>\n"),
        ("真**《她**", "<p>真<strong>《她</strong></p>\n"),
        ("**真》**她", "<p><strong>真》</strong>她</p>\n"),
        ("**真—**她", "<p><strong>真—</strong>她</p>\n"),
        ("**真～**她", "<p><strong>真～</strong>她</p>\n"),
        ("**真…**她", "<p><strong>真…</strong>她</p>\n"),
        ("**真·**她", "<p><strong>真·</strong>她</p>\n"),
        ("**真〃**她", "<p><strong>真〃</strong>她</p>\n"),
        ("**真-**她", "<p><strong>真-</strong>她</p>\n"),
        ("**真々**她", "<p><strong>真々</strong>她</p>\n"),
        ("**真**她", "<p><strong>真</strong>她</p>\n"),
        ("**真，** 她", "<p><strong>真，</strong> 她</p>\n"),
        ("**真**，她", "<p><strong>真</strong>，她</p>\n"),
        (
            "**真，**&ZeroWidthSpace;她",
            "<p><strong>真，</strong>\u{200B}她</p>\n",
        ),
        (
            "私は**⻲田太郎**と申します",
            "<p>私は<strong>⻲田太郎</strong>と申します</p>\n",
        ),
        (
            "選択肢**㋐**: 1つ目の選択肢",
            "<p>選択肢<strong>㋐</strong>: 1つ目の選択肢</p>\n",
        ),
        (
            "**さようなら︙**と太郎はいった。",
            "<p><strong>さようなら︙</strong>と太郎はいった。</p>\n",
        ),
        (
            ".NET**（.NET Frameworkは不可）**では、",
            "<p>.NET<strong>（.NET Frameworkは不可）</strong>では、</p>\n",
        ),
        (
            "「禰\u{E0100}」の偏は示ではなく**礻**です。",
            "<p>「禰\u{E0100}」の偏は示ではなく<strong>礻</strong>です。</p>\n",
        ),
        (
            "Git**（注：不是GitHub）**",
            "<p>Git<strong>（注：不是GitHub）</strong></p>\n",
        ),
        (
            "太郎は**「こんにちわ」**といった。",
            "<p>太郎は<strong>「こんにちわ」</strong>といった。</p>\n",
        ),
        (
            "𰻞𰻞**（ビャンビャン）**麺",
            "<p>𰻞𰻞<strong>（ビャンビャン）</strong>麺</p>\n",
        ),
        (
            "𰻞𰻞**(ビャンビャン)**麺",
            "<p>𰻞𰻞<strong>(ビャンビャン)</strong>麺</p>\n",
        ),
        (
            "ハイパーテキストコーヒーポット制御プロトコル**(HTCPCP)**",
            "<p>ハイパーテキストコーヒーポット制御プロトコル<strong>(HTCPCP)</strong></p>\n",
        ),
        ("﨑**(崎)**", "<p>﨑<strong>(崎)</strong></p>\n"),
        (
            "国際規格**[ECMA-262](https://tc39.es/ecma262/)**",
            "<p>国際規格<strong><a href=\"https://tc39.es/ecma262/\">ECMA-262</a></strong></p>\n",
        ),
        ("㐧**(第の俗字)**", "<p>㐧<strong>(第の俗字)</strong></p>\n"),
        (
            "𠮟**(こちらが正式表記)**",
            "<p>𠮟<strong>(こちらが正式表記)</strong></p>\n",
        ),
        (
            "𪜈**(トモの合略仮名)**",
            "<p>𪜈<strong>(トモの合略仮名)</strong></p>\n",
        ),
        ("𫠉**(馬の俗字)**", "<p>𫠉<strong>(馬の俗字)</strong></p>\n"),
        (
            "谺𬤲**(こだま)**石神社",
            "<p>谺𬤲<strong>(こだま)</strong>石神社</p>\n",
        ),
        (
            "石𮧟**(いしただら)**",
            "<p>石𮧟<strong>(いしただら)</strong></p>\n",
        ),
        (
            "**推荐几个框架：**React、Vue等前端框架。",
            "<p><strong>推荐几个框架：</strong>React、Vue等前端框架。</p>\n",
        ),
        (
            "葛\u{E0100}**(こちらが正式表記)**城市",
            "<p>葛\u{E0100}<strong>(こちらが正式表記)</strong>城市</p>\n",
        ),
        (
            "禰\u{E0100}**(こちらが正式表記)**豆子",
            "<p>禰\u{E0100}<strong>(こちらが正式表記)</strong>豆子</p>\n",
        ),
        ("𱟛**(U+317DB)**", "<p>𱟛<strong>(U+317DB)</strong></p>\n"),
        (
            "阿寒湖アイヌシアターイコㇿ**(Akanko Ainu Theater Ikor)**",
            "<p>阿寒湖アイヌシアターイコㇿ<strong>(Akanko Ainu Theater Ikor)</strong></p>\n",
        ),
        (
            "あ𛀙**(か)**よろし",
            "<p>あ𛀙<strong>(か)</strong>よろし</p>\n",
        ),
        (
            "𮹝**(simplified form of 龘 in China)**",
            "<p>𮹝<strong>(simplified form of 龘 in China)</strong></p>\n",
        ),
        (
            "大塚\u{FE00}**(U+585A U+FE00)** 大塚**(U+FA10)**",
            "<p>大塚\u{FE00}<strong>(U+585A U+FE00)</strong> 大塚<strong>(U+FA10)</strong></p>\n",
        ),
        (
            "〽\u{FE0E}**(庵点)**は、",
            "<p>〽\u{FE0E}<strong>(庵点)</strong>は、</p>\n",
        ),
        (
            "**“\u{FE01}Git”\u{FE01}**Hub",
            "<p><strong>“\u{FE01}Git”\u{FE01}</strong>Hub</p>\n",
        ),
        // testcases/korean.md
        (
            "**이 [링크](https://example.kr/)**만을 강조하고 싶다.",
            "<p><strong>이 <a href=\"https://example.kr/\">링크</a></strong>만을 강조하고 싶다.</p>\n",
        ),
        (
            "**스크립트(script)**라고",
            "<p><strong>스크립트(script)</strong>라고</p>\n",
        ),
        (
            "패키지를 발행하려면 **`npm publish`**를 실행하십시오.",
            "<p>패키지를 발행하려면 <strong><code>npm publish</code></strong>를 실행하십시오.</p>\n",
        ),
        (
            "**안녕(hello)**하세요.",
            "<p><strong>안녕(hello)</strong>하세요.</p>\n",
        ),
        ("ᅡ**(a)**", "<p>ᅡ<strong>(a)</strong></p>\n"),
        ("**(k)**ᄏ", "<p><strong>(k)</strong>ᄏ</p>\n"),
        // testcases/pseudo-emoji.md
        ("a**〰**a", "<p>a<strong>〰</strong>a</p>\n"),
        ("a**〽**a", "<p>a<strong>〽</strong>a</p>\n"),
        ("a**🈂**a", "<p>a<strong>🈂</strong>a</p>\n"),
        ("a**🈷**a", "<p>a<strong>🈷</strong>a</p>\n"),
        ("a**㊗**a", "<p>a<strong>㊗</strong>a</p>\n"),
        ("a**㊙**a", "<p>a<strong>㊙</strong>a</p>\n"),
        // testcases/non-bmp.md
        ("a**a«**a", "<p>a**a«**a</p>\n"),
        ("a**»a**a", "<p>a**»a**a</p>\n"),
        ("a**a∇**a", "<p>a**a∇**a</p>\n"),
        ("a**∇a**a", "<p>a**∇a**a</p>\n"),
        ("a**a𝜵**a", "<p>a**a𝜵**a</p>\n"),
        ("a**𝜵a**a", "<p>a**𝜵a**a</p>\n"),
        ("a**𐬻a**a", "<p>a**𐬻a**a</p>\n"),
        ("a**a𐬻**a", "<p>a**a𐬻**a</p>\n"),
        // testcases/underscore-cjk-punct.md
        (
            "__注意__：注意事項",
            "<p><strong>注意</strong>：注意事項</p>\n",
        ),
        (
            "注意：__注意事項__",
            "<p>注意：<strong>注意事項</strong></p>\n",
        ),
        (
            "正體字。\u{FE01}_Traditional._",
            "<p>正體字。\u{FE01}<em>Traditional.</em></p>\n",
        ),
        (
            "正體字。\u{FE01}__Hong Kong and Taiwan.__",
            "<p>正體字。\u{FE01}<strong>Hong Kong and Taiwan.</strong></p>\n",
        ),
        (
            "简体字 / 新字体。\u{FE00}_Simplified._",
            "<p>简体字 / 新字体。\u{FE00}<em>Simplified.</em></p>\n",
        ),
        (
            "简体字 / 新字体。\u{FE00}__Mainland China or Japan.__",
            "<p>简体字 / 新字体。\u{FE00}<strong>Mainland China or Japan.</strong></p>\n",
        ),
        (
            "“\u{FE01}Git”\u{FE01}__Hub__",
            "<p>“\u{FE01}Git”\u{FE01}<strong>Hub</strong></p>\n",
        ),
        // CommonMark underscore intraword examples 360, 374, 376
        ("foo_bar_", "<p>foo_bar_</p>\n"),
        ("_foo_bar", "<p>_foo_bar</p>\n"),
        ("_foo_bar_baz_", "<p><em>foo_bar_baz</em></p>\n"),
        // Underscore intraword next to CJK
        ("漢_abc_", "<p>漢_abc_</p>\n"),
        ("_abc_漢", "<p>_abc_漢</p>\n"),
        // Strikethrough with the amended flanking (the cases this module
        // keeps; see `strikethrough_is_left_to_pulldown_cmark`)
        ("真~~（她~~", "<p>真<del>（她</del></p>\n"),
        ("This~~is~~stricken", "<p>This<del>is</del>stricken</p>\n"),
    ];

    #[test]
    fn spec_examples() {
        for (src, expected) in SPEC {
            assert_eq!(to_html(src), *expected, "input: {src:?}");
        }
    }

    #[test]
    fn spec_example_without_the_amendment() {
        // The spec's first example: plain pulldown-cmark leaves the asterisks.
        let src = "**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。";
        assert_eq!(
            render(plain(src)),
            "<p>**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。</p>\n"
        );
        assert_eq!(
            to_html(src),
            "<p><strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。</p>\n"
        );
    }

    #[test]
    fn spec_example_with_footnote() {
        assert_eq!(
            to_html("あ**()**あ[^1]\n\n[^1]: ~~あ~~\n"),
            "<p>あ<strong>()</strong>あ<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n\
             <div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n\
             <p><del>あ</del></p>\n\
             </div>\n"
        );
    }

    #[test]
    fn strikethrough_is_left_to_pulldown_cmark() {
        // The test suite also applies the amended flanking to `~~`
        // (`<p><del>真，</del>她</p>`); this module never touches `~`.
        let src = "~~真，~~她";
        assert_eq!(events(src), plain(src));
        assert_eq!(to_html(src), "<p>~~真，~~她</p>\n");
        // The suite expects `~~!~~.` to stay text; pulldown-cmark 0.13.6
        // strikes it through, and so does this module.
        let src = "Here I strike out an exclamation point~~!~~.";
        assert_eq!(events(src), plain(src));
        assert_eq!(
            to_html(src),
            "<p>Here I strike out an exclamation point<del>!</del>.</p>\n"
        );
        // Emphasis inside and around a strikethrough is still re-paired.
        assert_eq!(
            to_html("**一是。~~删除~~**正文~~**二是。**~~"),
            "<p><strong>一是。<del>删除</del></strong>正文<del><strong>二是。</strong></del></p>\n"
        );
    }

    /// The "Emphasis Marker Start/End Conditions" table of the amendment's
    /// implementers' tips: (before, marker, after, can close, can open).
    #[test]
    fn flanking_table() {
        let table: &[(char, u8, char, bool, bool)] = &[
            (' ', b'*', ' ', false, false),
            (' ', b'*', '"', false, true),
            (' ', b'*', 'a', false, true),
            (' ', b'*', '～', false, true),
            (' ', b'*', '字', false, true),
            (' ', b'_', ' ', false, false),
            (' ', b'_', '"', false, true),
            (' ', b'_', 'a', false, true),
            (' ', b'_', '～', false, true),
            (' ', b'_', '字', false, true),
            ('"', b'*', '"', true, true),
            ('"', b'*', 'a', false, true),
            ('"', b'*', '字', true, true),
            ('～', b'*', 'a', true, true),
            ('"', b'_', '"', true, true),
            ('"', b'_', 'a', false, true),
            ('"', b'_', '字', false, true),
            ('～', b'_', 'a', false, true),
            ('a', b'*', 'a', true, true),
            ('a', b'_', 'a', false, false),
        ];
        for &(before, ch, after, close, open) in table {
            let got = flanking(ch, Class::of(before), Class::of(after), true);
            assert_eq!(got, (open, close), "{before:?} {} {after:?}", ch as char);
            // The alternative punctuation of the table behaves the same.
            let alt = |c: char| match c {
                '"' => '(',
                '～' => '「',
                c => c,
            };
            let got = flanking(ch, Class::of(alt(before)), Class::of(alt(after)), true);
            assert_eq!(got, (open, close), "{before:?} {} {after:?}", ch as char);
        }
    }

    #[test]
    fn character_classes() {
        for c in [
            '一', '煤', '。', '，', '（', '】', 'あ', 'ア', '가', 'ᄀ', '〰', '㊗', '🈂', '𠮟',
        ] {
            assert!(is_cjk(c), "{c:?}");
        }
        for c in ['a', 'é', '“', '—', '«', '😀', '\u{FE01}', '\u{E0100}'] {
            assert!(!is_cjk(c), "{c:?}");
        }
        for c in ['。', '，', '“', '—', '¥', '〰', '∇', '𝜵', '𐬻', '*', '~'] {
            assert!(is_punctuation(c), "{c:?}");
        }
        for c in ['a', '一', '0', '\u{FE00}', '\u{E0100}', ' '] {
            assert!(!is_punctuation(c), "{c:?}");
        }
        // Variation sequences take the class of their base; a fullwidth
        // quotation mark (U+FE01) is CJK punctuation.
        let src = "“\u{FE01}**";
        let run = Run {
            start: src.len() - 2,
            end: src.len(),
            ch: b'*',
            line_start: false,
            can_open: false,
            can_close: false,
            closed: 0,
            opened: 0,
        };
        let (raw, amended) = before(src, &run, false);
        assert!(!raw.punct && !raw.cjk);
        assert!(amended.punct && amended.cjk);
    }

    #[test]
    fn official_writing() {
        let cases = [
            (
                "**一是能源结构偏煤。**煤炭消费占比高。",
                "<p><strong>一是能源结构偏煤。</strong>煤炭消费占比高。</p>\n",
            ),
            (
                "**一是能源结构偏煤。**煤炭消费占比高。**二是产业结构偏重。**高耗能行业集中。",
                "<p><strong>一是能源结构偏煤。</strong>煤炭消费占比高。<strong>二是产业结构偏重。</strong>高耗能行业集中。</p>\n",
            ),
            (
                "**一是。**煤炭**二是。**后文",
                "<p><strong>一是。</strong>煤炭<strong>二是。</strong>后文</p>\n",
            ),
            ("**（一）**正文", "<p><strong>（一）</strong>正文</p>\n"),
            ("**“双碳”目标**下", "<p><strong>“双碳”目标</strong>下</p>\n"),
            (
                "实现**“双碳”**目标",
                "<p>实现<strong>“双碳”</strong>目标</p>\n",
            ),
            ("*强调。*后文", "<p><em>强调。</em>后文</p>\n"),
            ("前文**一是。**", "<p>前文<strong>一是。</strong></p>\n"),
            ("**一是。**", "<p><strong>一是。</strong></p>\n"),
            (
                "**一是能源结构偏煤。**煤炭\n**二是电力。**电网",
                "<p><strong>一是能源结构偏煤。</strong>煤炭\n<strong>二是电力。</strong>电网</p>\n",
            ),
            (
                "- **一是。**煤炭\n- **二是。**电力",
                "<ul>\n<li><strong>一是。</strong>煤炭</li>\n<li><strong>二是。</strong>电力</li>\n</ul>\n",
            ),
            (
                "1. **一是。**煤炭\n\n2. [ ] **二是。**电力",
                "<ol>\n<li>\n<p><strong>一是。</strong>煤炭</p>\n</li>\n<li>\n<p><input disabled=\"\" type=\"checkbox\"/>\n<strong>二是。</strong>电力</p>\n</li>\n</ol>\n",
            ),
            (
                "- [ ] **一是。**煤炭",
                "<ul>\n<li><input disabled=\"\" type=\"checkbox\"/>\n<strong>一是。</strong>煤炭</li>\n</ul>\n",
            ),
            (
                "## **一是。**煤炭",
                "<h2><strong>一是。</strong>煤炭</h2>\n",
            ),
            (
                "**一是。**煤炭\n---",
                "<h2><strong>一是。</strong>煤炭</h2>\n",
            ),
            (
                "> **一是。**煤炭",
                "<blockquote>\n<p><strong>一是。</strong>煤炭</p>\n</blockquote>\n",
            ),
            (
                "**一是[能源结构](https://example.cn)偏煤。**煤炭",
                "<p><strong>一是<a href=\"https://example.cn\">能源结构</a>偏煤。</strong>煤炭</p>\n",
            ),
            (
                "[**一是。**煤炭](https://example.cn)",
                "<p><a href=\"https://example.cn\"><strong>一是。</strong>煤炭</a></p>\n",
            ),
            (
                "**一是。**[煤炭](https://example.cn)**二是。**电力",
                "<p><strong>一是。</strong><a href=\"https://example.cn\">煤炭</a><strong>二是。</strong>电力</p>\n",
            ),
            (
                "**一是`a**b`。**煤炭",
                "<p><strong>一是<code>a**b</code>。</strong>煤炭</p>\n",
            ),
            ("\\*\\*一是。\\*\\*煤炭", "<p>**一是。**煤炭</p>\n"),
            // The rule of 3: `*` and `**` that can both open and close do not pair.
            ("\\**一是。**煤炭", "<p>**一是。**煤炭</p>\n"),
            ("**一是\\*。**煤炭", "<p><strong>一是*。</strong>煤炭</p>\n"),
            ("&#42;&#42;一是。&#42;&#42;煤炭", "<p>**一是。**煤炭</p>\n"),
            ("`**一是。**`煤炭", "<p><code>**一是。**</code>煤炭</p>\n"),
            (
                "<https://a.cn/**一是。**煤炭>",
                "<p><a href=\"https://a.cn/**%E4%B8%80%E6%98%AF%E3%80%82**%E7%85%A4%E7%82%AD\">https://a.cn/**一是。**煤炭</a></p>\n",
            ),
            (
                "**一是。**煤炭[^1]**二是。**电力\n\n[^1]: 注",
                "<p><strong>一是。</strong>煤炭<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup><strong>二是。</strong>电力</p>\n\
                 <div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n<p>注</p>\n</div>\n",
            ),
            (
                "**一是*重点*。**煤炭",
                "<p><strong>一是<em>重点</em>。</strong>煤炭</p>\n",
            ),
            (
                "***一是。***煤炭",
                "<p><em><strong>一是。</strong></em>煤炭</p>\n",
            ),
            ("__一是。__煤炭", "<p>__一是。__煤炭</p>\n"),
        ];
        for (src, expected) in cases {
            assert_eq!(to_html(src), expected, "input: {src:?}");
        }
    }

    /// The amendment can change a pairing even when pulldown-cmark matched
    /// every delimiter, so containers with emphasis are checked too.
    #[test]
    fn pairing_changes_without_literal_delimiters() {
        let src = "*「*b*」*";
        assert_eq!(render(plain(src)), "<p><em>「<em>b</em>」</em></p>\n");
        assert_eq!(to_html(src), "<p><em>「</em>b<em>」</em></p>\n");
        // Re-pairing is skipped when it gives pulldown-cmark's pairs.
        let src = "“**加粗**”与“*强调*”";
        assert_eq!(events(src), plain(src));
    }

    /// The letter of the amendment: `_` is non-CJK punctuation, so the last
    /// `*` (between `_` and `a`) is not right-flanking. (pulldown-cmark's
    /// unreleased implementation also lets a neighbouring `*` or `_` count,
    /// and renders `）**<em>_</em>a`.)
    #[test]
    fn delimiter_next_to_another_delimiter() {
        assert_eq!(to_html("）***_*a"), "<p>）***_*a</p>\n");
    }

    #[test]
    fn table_cells() {
        let src =
            "| 项目 | 说明 |\n|---|---|\n| **一是。**煤炭 |**（二）**电力|\n| a\\|**b。**c | x |";
        let html = to_html(src);
        assert!(
            html.contains("<td><strong>一是。</strong>煤炭</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td><strong>（二）</strong>电力</td>"),
            "{html}"
        );
        assert!(html.contains("<td>a|<strong>b。</strong>c</td>"), "{html}");
        check_ranges(src, &events(src));
    }

    #[test]
    fn events_and_ranges_of_a_rebuilt_paragraph() {
        let src = "**一是。**煤炭**二是。**后文";
        let got = events(src);
        let expected = vec![
            (Event::Start(Tag::Paragraph), 0..38),
            (Event::Start(Tag::Strong), 0..13),
            (Event::Text(CowStr::Borrowed("一是。")), 2..11),
            (Event::End(TagEnd::Strong), 0..13),
            (Event::Text(CowStr::Borrowed("煤炭")), 13..19),
            (Event::Start(Tag::Strong), 19..32),
            (Event::Text(CowStr::Borrowed("二是。")), 21..30),
            (Event::End(TagEnd::Strong), 19..32),
            (Event::Text(CowStr::Borrowed("后文")), 32..38),
            (Event::End(TagEnd::Paragraph), 0..38),
        ];
        assert_eq!(got, expected);
        // Unmatched delimiters become text merged with their neighbours.
        let src = "**一是。**煤炭**";
        let got = events(src);
        assert_eq!(
            render(got.clone()),
            "<p><strong>一是。</strong>煤炭**</p>\n"
        );
        assert_eq!(got[got.len() - 2], (Event::Text("煤炭**".into()), 13..21));
    }

    /// Ordinary CommonMark: events and ranges are pulldown-cmark's own.
    #[test]
    fn non_regression() {
        let inputs = [
            "Latin *emphasis* and **strong** text, _under_ and __double__.",
            "2*3*4 and 2 * 3 * 4",
            "a * b * c",
            "__init__ and snake_case_name and _a_b_",
            "***x*** and ***x** y*",
            "*a **b** c*",
            "**a*",
            "*a**",
            "*(*foo*)*",
            "**foo*bar**baz*",
            "a*\"foo\"*",
            "foo*bar* and foo_bar_",
            "**foo bar **",
            "*foo`*`*",
            "`*code*` *x*",
            "\\*not\\* &#42;x&#42;",
            "<http://a_b_c.com> _x_ <a_b@c.de>",
            "[*link* text](http://x.y \"*t*\") and ![**img**](i.png) and [a]\n\n[a]: /u",
            "[foo*]: /url\n\n*[foo*]",
            "- a\n  - *b*\n    - **c**\n- d\n\n1. *x*\n2. y",
            "> *quote*\n> **more**\n>**no",
            "# *Heading* __x__\n\nSetext *h*\n===",
            "| a | *b* |\n|---|---|\n| **c** | d_e_f |\n|*x*|y|",
            "~~*a*~~ *~~b~~* ~c~",
            "text[^1] *x*\n\n[^1]: *note*",
            "- [ ] *task*\n- [x] **done**",
            "```\n*not* **inline**\n```\n\n    *indented*\n\n<div>*html*</div>",
            "line  \n*break*\\\n**again**",
            "*a\nb*",
            "_foo __bar__ baz_",
            "***strong emph***, **strong *emph in strong***",
            "***a**b*",
            "a**\"foo\"**",
            "*foo _bar* baz_",
            "**foo \"*bar*\" foo**",
            "中文 *强调* 与 **加粗** 之间有空格。",
            "中文*强调*无空格，**加粗**也无。",
        ];
        for src in inputs {
            assert_eq!(events(src), plain(src), "input: {src:?}");
        }
    }

    /// Checks range invariants of an event stream for `src`.
    fn check_ranges(src: &str, events: &[(Event<'_>, Range<usize>)]) {
        let mut stack: Vec<(TagEnd, Range<usize>)> = Vec::new();
        for (event, range) in events {
            assert!(
                range.start <= range.end && range.end <= src.len(),
                "{src:?}: {range:?}"
            );
            assert!(src.is_char_boundary(range.start) && src.is_char_boundary(range.end));
            match event {
                Event::Text(text) => {
                    let slice = &src[range.clone()];
                    if !slice.contains('&') && !slice.contains('\0') {
                        assert_eq!(slice, text.as_ref(), "{src:?}: {range:?}");
                    }
                }
                Event::Start(tag) => {
                    if matches!(tag, Tag::Emphasis | Tag::Strong) {
                        let first = src.as_bytes()[range.start];
                        let last = src.as_bytes()[range.end - 1];
                        assert!(first == b'*' || first == b'_', "{src:?}: {range:?}");
                        assert_eq!(first, last, "{src:?}: {range:?}");
                    }
                    stack.push((tag.to_end(), range.clone()));
                }
                Event::End(end) => {
                    let (open, open_range) = stack.pop().expect("End without Start");
                    assert_eq!(open, *end, "{src:?}");
                    if matches!(end, TagEnd::Emphasis | TagEnd::Strong) {
                        assert_eq!(open_range, *range, "{src:?}");
                    }
                }
                _ => {}
            }
        }
        assert!(stack.is_empty(), "{src:?}: unclosed {stack:?}");
    }

    #[test]
    fn ranges() {
        let mut inputs: Vec<&str> = SPEC.iter().map(|(src, _)| *src).collect();
        inputs.extend([
            "**一是能源结构偏煤。**煤炭消费占比高。**二是产业结构偏重。**高耗能",
            "\\**一是。**煤炭 a\\\\**b。**c",
            "&#42;&#42;一是。**煤炭** &amp; **二是。**后",
            "- **一是。**煤炭\n  **二是。**电力\n\n> **三是。**热力",
            "***一是。**煤炭*文**字**",
        ]);
        for src in inputs {
            check_ranges(src, &events(src));
        }
    }

    /// A small xorshift generator (fixed seed) for reproducible inputs.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "*",
        "**",
        "***",
        "_",
        "__",
        "[",
        "]",
        "(",
        ")",
        "](u)",
        "![",
        "`",
        "\\",
        " ",
        "\n",
        "\n\n",
        "一",
        "是",
        "煤",
        "。",
        "，",
        "（",
        "）",
        "“",
        "”",
        "、",
        "a",
        "b",
        ".",
        "!",
        "~~",
        "|",
        "&#42;",
        "<http://a_b>",
        "- ",
        "> ",
        "# ",
        "[^1]",
        "\u{FE01}",
        "\u{E0100}",
        "\u{3000}",
    ];

    #[test]
    fn pseudo_random_inputs() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut src = String::new();
        for _ in 0..3000 {
            src.clear();
            let pieces = 1 + rng.below(40);
            for _ in 0..pieces {
                src.push_str(PIECES[rng.below(PIECES.len())]);
            }
            if rng.below(8) == 0 {
                src.insert_str(0, "| x | y |\n|---|---|\n| ");
            }
            let got = events(&src);
            check_ranges(&src, &got);
            // Without CJK characters and variation selectors the amendment
            // changes nothing: the events are pulldown-cmark's.
            if src.is_ascii() {
                assert_eq!(got, plain(&src), "input: {src:?}");
            }
        }
    }

    /// With CommonMark's own flanking and a forced rebuild, the re-pairing
    /// reproduces pulldown-cmark's HTML: a check of the pairing algorithm.
    #[test]
    fn rebuild_matches_pulldown_cmark_under_commonmark_rules() {
        let check = |src: &str| {
            let mut work = Work {
                commonmark_rebuild: true,
                ..Work::default()
            };
            let mut buf = Vec::new();
            let mut out = VecDeque::new();
            let mut rebuilt = Vec::new();
            let mut in_cell = 0usize;
            for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
                if is_inline(&event) {
                    buf.push((event, range));
                    continue;
                }
                if !buf.is_empty() && !work.rewrite(src, &mut buf, in_cell > 0, &mut out) {
                    out.extend(buf.drain(..));
                }
                buf.clear();
                rebuilt.extend(out.drain(..));
                match event {
                    Event::Start(Tag::TableCell) => in_cell += 1,
                    Event::End(TagEnd::TableCell) => in_cell -= 1,
                    _ => {}
                }
                rebuilt.push((event, range));
            }
            check_ranges(src, &rebuilt);
            assert_eq!(render(rebuilt), render(plain(src)), "input: {src:?}");
        };
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let ascii: Vec<&str> = PIECES
            .iter()
            .copied()
            .filter(|p| p.is_ascii() && !p.contains('~') && !p.contains('`'))
            .collect();
        let mut src = String::new();
        for _ in 0..3000 {
            src.clear();
            for _ in 0..1 + rng.below(30) {
                src.push_str(ascii[rng.below(ascii.len())]);
            }
            check(&src);
        }
        for src in [
            "***x*** *a **b** c* **foo*bar**baz* ***a**b* _foo __bar__ baz_",
            "*foo _bar* baz_ **foo \"*bar*\" foo** a**\"foo\"** *(*foo*)*",
            "**a*b*c** _a_b_ __init__ *a\nb*",
        ] {
            check(src);
        }
    }

    /// Events that do not belong to `src` (a caller's mistake) must not panic.
    #[test]
    fn mismatched_source_does_not_panic() {
        let mut rng = XorShift(7);
        let mut src = String::new();
        for _ in 0..500 {
            src.clear();
            for _ in 0..1 + rng.below(30) {
                src.push_str(PIECES[rng.below(PIECES.len())]);
            }
            let events: Vec<_> = Parser::new_ext(&src, options())
                .into_offset_iter()
                .collect();
            let half: String = src.chars().take(src.chars().count() / 2).collect();
            let shifted = format!("一{src}");
            for other in [half.as_str(), shifted.as_str(), ""] {
                let _ = cjk_friendly(other, events.iter().cloned()).count();
            }
            let mut shuffled = events.clone();
            shuffled.reverse();
            let _ = cjk_friendly(src.as_str(), shuffled).count();
        }
    }

    #[test]
    fn long_paragraph_is_fast() {
        let mut rng = XorShift(42);
        let patterns: [&[&str]; 4] = [
            &["*", "**", "一", "。", "是", "，"],
            &["**", "一。"],
            &["*", "一"],
            &["**", "。", "*", "一", "_", "[", "]", "(", ")"],
        ];
        for pattern in patterns {
            let mut src = String::new();
            while src.chars().count() < 100_000 {
                src.push_str(pattern[rng.below(pattern.len())]);
            }
            let start = std::time::Instant::now();
            let parsed = plain(&src).len();
            let parse = start.elapsed();
            let start = std::time::Instant::now();
            let count = events(&src).len();
            let total = start.elapsed();
            eprintln!(
                "100,000 chars {pattern:?}: pulldown-cmark {parse:?}, with cjk_friendly {total:?} ({parsed} -> {count} events)"
            );
            // Generous bound: quadratic behaviour would take minutes.
            assert!(total.as_secs() < 10);
        }
    }
}
