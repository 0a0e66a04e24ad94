//! One pass of pulldown-cmark over a document body: the heading tree with
//! source spans and official levels, how much text each section holds,
//! placeholders left in the text, and every link and image target.

use std::collections::VecDeque;
use std::ops::Range;

use aho_corasick::AhoCorasick;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::{HeadingNumber, content_chars, split_heading_number};

pub mod cjk;

/// The Markdown extensions shenbao understands everywhere.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// The words that open a block of writing guidance: the skeleton writes
/// `> 编写提示：…` under each heading and `<!-- 编写提示 … -->` at the top.
const GUIDANCE: [&str; 3] = ["编写提示", "写作提示", "填写说明"];

fn is_guidance(text: &str) -> bool {
    let t =
        text.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '【' || c == '[');
    GUIDANCE.iter().any(|g| t.starts_with(g))
}

/// A body's events as every view reads them (check, print, site): the
/// skeleton's guidance — block quotes that open with 编写提示, and HTML
/// comment blocks — taken out, their spans kept in `guidance` (only those
/// that say 编写提示; an author's own comment is just not printed).
pub struct Events<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> {
    inner: I,
    pending: VecDeque<(Event<'a>, Range<usize>)>,
    /// Byte spans (relative to the parsed text) of guidance left in.
    pub guidance: Vec<Range<usize>>,
}

/// Parse a body for any view: CommonMark with the extensions shenbao
/// understands, emphasis paired by the CJK-friendly amendment (so
/// `**一是……。**煤炭` is bold), guidance taken out.
pub fn events(body: &str) -> Events<'_, impl Iterator<Item = (Event<'_>, Range<usize>)>> {
    let parser = Parser::new_ext(body, options()).into_offset_iter();
    // A body with no `*` or `_` has no emphasis to re-pair: skip the pass.
    let inner = if memchr::memchr2(b'*', b'_', body.as_bytes()).is_some() {
        Either::Cjk(cjk::cjk_friendly(body, parser))
    } else {
        Either::Plain(parser)
    };
    Events {
        inner,
        pending: VecDeque::new(),
        guidance: Vec::new(),
    }
}

/// One of two event sources, without boxing.
pub enum Either<A, B> {
    Plain(A),
    Cjk(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Either<A, B> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match self {
            Either::Plain(a) => a.next(),
            Either::Cjk(b) => b.next(),
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Events<'a, I> {
    /// After a `Start(BlockQuote)`: read up to its first text; a guidance
    /// quote is dropped whole, any other is queued for replay.
    fn quote(&mut self, start: (Event<'a>, Range<usize>)) {
        let span = start.1.clone();
        let mut buf = vec![start];
        let mut open = 1usize;
        let mut guidance = false;
        for (e, r) in self.inner.by_ref() {
            match &e {
                Event::Start(Tag::BlockQuote(_)) => open += 1,
                Event::End(TagEnd::BlockQuote(_)) => open -= 1,
                Event::Text(t) => {
                    guidance = is_guidance(t);
                    buf.push((e, r));
                    break;
                }
                _ => {}
            }
            buf.push((e, r));
            if open == 0 {
                break;
            }
        }
        if !guidance {
            self.pending.extend(buf);
            return;
        }
        self.guidance.push(span);
        while open > 0 {
            match self.inner.next() {
                Some((Event::Start(Tag::BlockQuote(_)), _)) => open += 1,
                Some((Event::End(TagEnd::BlockQuote(_)), _)) => open -= 1,
                Some(_) => {}
                None => break,
            }
        }
    }

    /// After a `Start(HtmlBlock)`: a block of comments only is dropped.
    fn html(&mut self, start: (Event<'a>, Range<usize>)) {
        let mut buf = vec![start];
        let mut text = String::new();
        for (e, r) in self.inner.by_ref() {
            let end = matches!(e, Event::End(TagEnd::HtmlBlock));
            if let Event::Html(h) = &e {
                text.push_str(h);
            }
            buf.push((e, r));
            if end {
                break;
            }
        }
        if !only_comments(&text) {
            self.pending.extend(buf);
        } else if text.contains("编写提示") {
            let start = buf.first().map_or(0, |(_, r)| r.start);
            let end = buf.last().map_or(start, |(_, r)| r.end);
            self.guidance.push(start..end);
        }
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Events<'a, I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            let (e, r) = self.inner.next()?;
            match e {
                Event::Start(Tag::BlockQuote(_)) => self.quote((e, r)),
                Event::Start(Tag::HtmlBlock) => self.html((e, r)),
                _ => return Some((e, r)),
            }
        }
    }
}

/// HTML that is nothing but comments and white space.
fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        let Some(r) = rest.strip_prefix("<!--") else {
            return false;
        };
        match r.find("-->") {
            Some(end) => rest = r[end + 3..].trim_start(),
            // An unclosed comment runs to the end of the block.
            None => return true,
        }
    }
    true
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// Markdown depth, 1 for `#`.
    pub depth: u8,
    /// Outline level, 1 for the top sections (0 for the document title).
    pub level: usize,
    /// Byte span of the heading in the file.
    pub span: Range<usize>,
    /// The heading's text as written (inline markup removed).
    pub text: String,
    /// The author's own number, if any.
    pub number: Option<HeadingNumber>,
    /// The text without the number.
    pub title: String,
    /// Content characters between this heading and the next one.
    pub own_chars: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub span: Range<usize>,
    pub image: bool,
}

/// A cell of a body table: its text as written (inline markup removed)
/// and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub at: usize,
}

/// A table of the body, for the rules that check its numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub span: Range<usize>,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    /// Cells counted (header and rows); past [`MAX_TABLE_CELLS`] the
    /// table keeps no cells at all (`oversize`): no rule reads half a
    /// table, and memory stays proportional to real tables.
    pub cells: usize,
    pub oversize: bool,
}

/// Deepest nesting of quotes and lists a document may have (real
/// documents nest three or four; 100,000 `>` took the site 47 s).
pub const MAX_NESTING: usize = 64;

/// Most cells of one table (a 45-row list of 10 columns has 460): past
/// it the document is `document/limit` (not printed, the table not shown).
pub const MAX_TABLE_CELLS: usize = 20_000;

/// A date written in the text (`2022年4月31日`, `4月31日`), as numbers,
/// for the rule that finds impossible ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub span: Range<usize>,
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The deepest nesting of block containers (quotes and lists):
    /// past [`MAX_NESTING`] the document is `document/limit`.
    pub max_nesting: usize,
    /// The deepest nesting of the author's raw HTML elements (an unclosed
    /// `<div>` stays open to the end): past [`MAX_NESTING`] the document
    /// is `document/limit` too (the site's sanitiser is slow on depth).
    pub max_html_nesting: usize,
    pub headings: Vec<Heading>,
    /// Index of a heading that is the document's title, if the body has one.
    pub title_heading: Option<usize>,
    /// Content characters before the first heading.
    pub preamble_chars: usize,
    pub placeholders: Vec<(Range<usize>, String)>,
    /// Writing guidance left in the text (never printed).
    pub guidance: Vec<Range<usize>>,
    pub links: Vec<LinkRef>,
    pub tables: usize,
    /// The tables' cells, in order.
    pub table_data: Vec<Table>,
    /// The author numbers headings as reports to a provincial format do
    /// (第一章, 1.1, 1.1.1): print and site keep the numbers as written.
    pub numbers_as_written: bool,
    /// Dates written in the text (not in code).
    pub dates: Vec<DateMention>,
    /// Document numbers (文号) in the text that do not follow
    /// 机关代字〔YYYY〕N号, with what is wrong.
    pub bad_doc_numbers: Vec<(Range<usize>, String)>,
    pub chars: usize,
}

impl Body {
    /// Characters in a section including all its subsections.
    pub fn total_chars(&self, i: usize) -> usize {
        let h = &self.headings[i];
        h.own_chars
            + h.children
                .iter()
                .map(|c| self.total_chars(*c))
                .sum::<usize>()
    }

    /// Top-level sections (level 1), in order.
    pub fn top(&self) -> impl Iterator<Item = usize> + '_ {
        self.headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.level == 1)
            .map(|(i, _)| i)
    }
}

/// Whether a placeholder word at `at` in `text` is ordinary Chinese: 待完善
/// and 待补充 after 有/亟/尚/仍/还 (“激励机制仍有待完善”, “亟待补充”)
/// say that something remains to be done, in the prose of a 主要问题
/// section; they are not a draft's blank.
pub fn is_prose_use(text: &str, at: usize, word: &str) -> bool {
    word.starts_with('待')
        && text
            .get(..at)
            .and_then(|b| b.chars().next_back())
            .is_some_and(|c| matches!(c, '有' | '亟' | '尚' | '仍' | '还'))
}

/// A matcher for placeholder words; build once per call.
pub fn placeholder_matcher(words: &[String]) -> Option<AhoCorasick> {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(words)
        .ok()
}

/// Elements that never hold others (no end tag).
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Whether opening `next` closes the open element `open` without its end
/// tag (`<p>甲<p>乙`, `<td>` without `</td>`: HTML's rules, those that
/// matter for depth).
fn implied_close(open: &str, next: &str) -> bool {
    match open {
        "p" => matches!(
            next,
            "p" | "div"
                | "table"
                | "ul"
                | "ol"
                | "dl"
                | "blockquote"
                | "pre"
                | "section"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        ),
        "li" => next == "li",
        "dt" | "dd" => matches!(next, "dt" | "dd"),
        "td" | "th" => matches!(next, "td" | "th" | "tr" | "tbody" | "thead" | "tfoot"),
        "tr" => matches!(next, "tr" | "tbody" | "thead" | "tfoot"),
        "thead" | "tbody" | "tfoot" => matches!(next, "tbody" | "thead" | "tfoot"),
        "option" => matches!(next, "option" | "optgroup"),
        "optgroup" => next == "optgroup",
        "rt" | "rp" => matches!(next, "rt" | "rp"),
        "colgroup" | "caption" => !matches!(next, "col"),
        _ => false,
    }
}

/// The element depth of the author's raw HTML, followed through the
/// pieces of a body: start tags open (unless void or `/>`; an element
/// whose end tag may be left out closes when a sibling opens), end tags
/// close to their element, comments hold nothing. A scan, not a parser:
/// enough to tell ordinary markup from thousands of unclosed elements.
#[derive(Debug, Default)]
struct HtmlDepth {
    open: Vec<String>,
    most: usize,
}

impl HtmlDepth {
    fn feed(&mut self, html: &str) {
        let b = html.as_bytes();
        let mut skip_to = 0;
        let name_at = |from: usize| -> String {
            let end = b[from..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(b.len(), |n| from + n);
            html[from..end].to_ascii_lowercase()
        };
        for at in memchr::memchr_iter(b'<', b) {
            if at < skip_to {
                continue;
            }
            // A comment holds no elements (a drafting note may quote one).
            if b[at..].starts_with(b"<!--") {
                skip_to = memchr::memmem::find(&b[at..], b"-->").map_or(b.len(), |e| at + e + 3);
                continue;
            }
            match b.get(at + 1) {
                Some(b'/') => {
                    let name = name_at(at + 2);
                    if let Some(i) = self.open.iter().rposition(|n| *n == name) {
                        self.open.truncate(i);
                    }
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let name = name_at(at + 1);
                    let name_end = at + 1 + name.len();
                    let self_closing = memchr::memchr(b'>', &b[name_end..])
                        .is_some_and(|e| e > 0 && b[name_end + e - 1] == b'/');
                    if self_closing || VOID_ELEMENTS.contains(&name.as_str()) {
                        continue;
                    }
                    while self.open.last().is_some_and(|o| implied_close(o, &name)) {
                        self.open.pop();
                    }
                    self.open.push(name);
                    self.most = self.most.max(self.open.len());
                }
                _ => {}
            }
        }
    }

    #[cfg(test)]
    fn depth(&self) -> usize {
        self.open.len()
    }
}

/// Parse a body that starts at byte `offset` of its file.
pub fn parse_body(body: &str, offset: usize, placeholders: Option<&AhoCorasick>) -> Body {
    let mut out = Body::default();
    let mut in_heading: Option<(u8, usize, String)> = None;
    let mut in_code = false;
    let mut current: Option<usize> = None;
    // The table being read, and whether its header row is open.
    let mut table: Option<(Table, bool)> = None;
    // Code blocks and spans: no dates or document numbers are read there.
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut parsed = events(body);
    let mut nesting = 0usize;
    let mut html = HtmlDepth::default();
    for (event, range) in parsed.by_ref() {
        let span = offset + range.start..offset + range.end;
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                nesting += 1;
                out.max_nesting = out.max_nesting.max(nesting);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                nesting = nesting.saturating_sub(1);
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                html.feed(h);
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((heading_depth(level), span.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((depth, start, text)) = in_heading.take() {
                    let (number, title) = split_heading_number(&text);
                    let title = title.to_string();
                    out.headings.push(Heading {
                        depth,
                        level: 0,
                        span: start..span.end,
                        text,
                        number,
                        title,
                        own_chars: 0,
                        parent: None,
                        children: Vec::new(),
                    });
                    current = Some(out.headings.len() - 1);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                code.push(range.clone());
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Table(_)) => {
                out.tables += 1;
                table = Some((
                    Table {
                        span: span.clone(),
                        ..Table::default()
                    },
                    false,
                ));
            }
            Event::End(TagEnd::Table) => {
                if let Some((t, _)) = table.take() {
                    out.table_data.push(t);
                }
            }
            Event::Start(Tag::TableHead) => {
                if let Some((_, head)) = table.as_mut() {
                    *head = true;
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((_, head)) = table.as_mut() {
                    *head = false;
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Some((t, _)) = table.as_mut()
                    && !t.oversize
                {
                    t.rows.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some((t, head)) = table.as_mut() {
                    t.cells += 1;
                    if t.cells > MAX_TABLE_CELLS && !t.oversize {
                        t.oversize = true;
                        t.header = Vec::new();
                        t.rows = Vec::new();
                    }
                    if t.oversize {
                        continue;
                    }
                    let cell = Cell {
                        text: String::new(),
                        at: span.start,
                    };
                    match (*head, t.rows.last_mut()) {
                        (true, _) => t.header.push(cell),
                        (false, Some(row)) => row.push(cell),
                        (false, None) => {}
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => out.links.push(LinkRef {
                dest: dest_url.to_string(),
                span: span.clone(),
                image: true,
            }),
            Event::Start(Tag::Link { dest_url, .. }) => out.links.push(LinkRef {
                dest: dest_url.to_string(),
                span: span.clone(),
                image: false,
            }),
            Event::Text(ref t) | Event::Code(ref t) => {
                let is_code = in_code || matches!(event, Event::Code(_));
                if let Some((tb, head)) = table.as_mut() {
                    let cell = if *head {
                        tb.header.last_mut()
                    } else {
                        tb.rows.last_mut().and_then(|r| r.last_mut())
                    };
                    if let Some(c) = cell {
                        c.text.push_str(t);
                    }
                }
                if matches!(event, Event::Code(_)) {
                    code.push(range.clone());
                }
                if let Some((_, _, text)) = in_heading.as_mut() {
                    text.push_str(t);
                } else {
                    let n = content_chars(t);
                    out.chars += n;
                    match current {
                        Some(i) => out.headings[i].own_chars += n,
                        None => out.preamble_chars += n,
                    }
                }
                if !is_code && let Some(ac) = placeholders {
                    // Offsets inside the event text match the source when
                    // the text was not unescaped; otherwise point at the run.
                    let exact = range.len() == t.len();
                    for m in ac.find_iter(t.as_ref()) {
                        if is_prose_use(t, m.start(), &t[m.range()]) {
                            continue;
                        }
                        let s = if exact {
                            span.start + m.start()..span.start + m.end()
                        } else {
                            span.clone()
                        };
                        out.placeholders.push((s, t[m.range()].to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    out.max_html_nesting = html.most;
    out.guidance = parsed
        .guidance
        .iter()
        .map(|r| offset + r.start..offset + r.end)
        .collect();
    // Dates and document numbers: one pass over the text between code,
    // guidance and comments (cheaper than a look at every text event).
    let mut skip: Vec<Range<usize>> = code;
    skip.extend(parsed.guidance.iter().cloned());
    skip.sort_by_key(|r| r.start);
    let mut from = 0;
    for r in skip
        .iter()
        .chain(std::iter::once(&(body.len()..body.len())))
    {
        let (start, end) = (r.start.min(body.len()), r.end.min(body.len()));
        if start > from
            && let Some(text) = body.get(from..start)
        {
            find_dates(text, offset + from, &mut out.dates);
            for (d, why) in doc_number_problems(text) {
                out.bad_doc_numbers
                    .push((offset + from + d.start..offset + from + d.end, why));
            }
        }
        from = from.max(end);
    }
    assign_levels(&mut out);
    out
}

/// `2022年4月31日`, `4月31日`, `2022-04-31`, `2022.4.31`, `2022/4/31` in a run of text: each date's
/// numbers, for a rule to judge (no judgement here).
fn find_dates(text: &str, at: usize, out: &mut Vec<DateMention>) {
    let b = text.as_bytes();
    // Digits ending at byte `end` (exclusive): (value, start).
    let digits_before = |end: usize| -> Option<(u32, usize)> {
        let mut s = end;
        while s > 0 && b[s - 1].is_ascii_digit() && end - s < 4 {
            s -= 1;
        }
        (s < end && !(s > 0 && b[s - 1].is_ascii_digit()))
            .then(|| text[s..end].parse().ok().map(|v| (v, s)))
            .flatten()
    };
    let digits_after = |start: usize| -> Option<(u32, usize)> {
        let mut e = start;
        while e < b.len() && b[e].is_ascii_digit() && e - start < 4 {
            e += 1;
        }
        (e > start && !(e < b.len() && b[e].is_ascii_digit()))
            .then(|| text[start..e].parse().ok().map(|v| (v, e)))
            .flatten()
    };
    // A three-byte needle: memmem, not a search on its last byte (which
    // half of all CJK characters share).
    for i in memchr::memmem::find_iter(b, "月".as_bytes()) {
        let Some((month, m_start)) = digits_before(i) else {
            continue;
        };
        let after = i + '月'.len_utf8();
        let Some((day, d_end)) = digits_after(after) else {
            continue;
        };
        if !text[d_end..].starts_with('日') && !text[d_end..].starts_with('号') {
            continue;
        }
        let (year, start) = match text[..m_start].strip_suffix('年') {
            Some(head) => match digits_before(head.len()) {
                Some((y, ys)) if y >= 1000 => (Some(y as i32), ys),
                _ => (None, m_start),
            },
            None => (None, m_start),
        };
        out.push(DateMention {
            span: at + start..at + d_end + '日'.len_utf8(),
            year,
            month,
            day,
        });
    }
    // Numeric dates: 2022-04-31, 2022.4.31, 2022/04/31 (one separator on
    // both sides, a year of four digits, a one- or two-digit month and day).
    for (i, sep) in text.match_indices(['-', '.', '/']) {
        let sep = sep.as_bytes()[0];
        let Some((year, ys)) = digits_before(i) else {
            continue;
        };
        if i - ys != 4 || !(1900..=2100).contains(&year) {
            continue;
        }
        let Some((month, m_end)) = digits_after(i + 1) else {
            continue;
        };
        // A dotted or slashed number whose middle is no month is not
        // read as a date at all (it may be anything); a dash is a date.
        if m_end - (i + 1) > 2
            || b.get(m_end) != Some(&sep)
            || (sep != b'-' && !(1..=12).contains(&month))
        {
            continue;
        }
        let Some((day, d_end)) = digits_after(m_end + 1) else {
            continue;
        };
        // Not a longer dotted number (a version, 2022.4.3.1) or a range
        // of years written with the same separator.
        if d_end - (m_end + 1) > 2
            || (b.get(d_end) == Some(&sep) && b.get(d_end + 1).is_some_and(u8::is_ascii_digit))
        {
            continue;
        }
        out.push(DateMention {
            span: at + ys..at + d_end,
            year: Some(year as i32),
            month,
            day,
        });
    }
}

/// Brackets that are not 〔〕 but which authors put around a 文号's year:
/// (opening, closing).
const WRONG_DOC_BRACKETS: [(char, char); 5] = [
    ('[', ']'),
    ('［', '］'),
    ('(', ')'),
    ('（', '）'),
    ('【', '】'),
];

/// Words that stand before a 文号 in a sentence but are not part of its
/// 机关代字 (依据豫环文[2019]233号).
const DOC_NUMBER_LEADS: [&str; 13] = [
    "依据", "根据", "按照", "参照", "执行", "印发", "文件", "以及", "见", "按", "和", "及", "与",
];

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A 文号 whose year is in other brackets than 〔〕 (豫环文[2019]233号,
/// 安环（2021）56号): the range from its 机关代字 to 号. The year must be
/// four digits between a pair of brackets, after an issuer's characters
/// and before a number and 号, so `（2021年）` or a reference `[1]` are not
/// taken for one.
fn wrong_bracket_doc_numbers(text: &str, out: &mut Vec<(Range<usize>, String)>) {
    // Every opening bracket found with memchr's SIMD search, not by
    // walking the text a character at a time (this runs over every body).
    let mut buf = [0u8; 4];
    let mut at: Vec<(usize, char, char)> = Vec::new();
    for &(open, close) in &WRONG_DOC_BRACKETS {
        let needle = open.encode_utf8(&mut buf).as_bytes();
        at.extend(memchr::memmem::find_iter(text.as_bytes(), needle).map(|i| (i, open, close)));
    }
    at.sort_unstable_by_key(|a| a.0);
    for (i, open, close) in at {
        let after = &text[i + open.len_utf8()..];
        let year = after.bytes().take_while(u8::is_ascii_digit).count();
        if year != 4 || !(after.starts_with("19") || after.starts_with("20")) {
            continue;
        }
        let Some(rest) = after[4..].strip_prefix(close) else {
            continue;
        };
        let di = if rest.starts_with('第') {
            '第'.len_utf8()
        } else {
            0
        };
        let rest = &rest[di..];
        let serial = rest.bytes().take_while(u8::is_ascii_digit).count();
        if serial == 0 || !rest[serial..].starts_with('号') {
            continue;
        }
        // The issuer: the Han characters right before the bracket (a few
        // at most), without a leading 依据 or the like.
        let mut start = i;
        for (k, c) in text[..i].char_indices().rev().take(12) {
            // Not past a word that joins the number to its sentence
            // (原环评批复为洛环审[2012]35号).
            if !is_han(c) || matches!(c, '为' | '是' | '的' | '即' | '按' | '据') {
                break;
            }
            start = k;
        }
        if start == i {
            continue;
        }
        while let Some(lead) = DOC_NUMBER_LEADS
            .iter()
            .find(|w| text[start..i].starts_with(**w) && text[start..i].len() > w.len())
        {
            start += lead.len();
        }
        let end = i + open.len_utf8() + 4 + close.len_utf8() + di + serial + '号'.len_utf8();
        out.push((
            start..end,
            format!("年份应括在六角括号〔〕中，不用“{open}{close}”"),
        ));
    }
}

/// The 文号 `written` with the year's brackets made 〔〕, when they are
/// other brackets (豫环文[2019]233号 → 豫环文〔2019〕233号).
pub fn corrected_doc_number(written: &str) -> Option<String> {
    let (i, open) = written
        .char_indices()
        .find(|(_, c)| WRONG_DOC_BRACKETS.iter().any(|(o, _)| o == c))?;
    let close = WRONG_DOC_BRACKETS.iter().find(|(o, _)| *o == open)?.1;
    let after = &written[i + open.len_utf8()..];
    let year = after.get(..4)?;
    let rest = after[4..].strip_prefix(close)?;
    Some(format!("{}〔{year}〕{rest}", &written[..i]))
}

/// Document numbers (文号) that do not follow 机关代字〔YYYY〕N号: with the
/// hexagonal brackets 〔〕, the year is four digits, the bracket is closed,
/// a number and 号 follow; and the year is not in other brackets. Byte
/// ranges in `text`, in order, with the reason.
pub fn doc_number_problems(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    wrong_bracket_doc_numbers(text, &mut out);
    for i in memchr::memmem::find_iter(text.as_bytes(), "〔".as_bytes()) {
        let after = &text[i + '〔'.len_utf8()..];
        let year: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let rest = &after[year.len()..];
        let why = if year.len() != 4 {
            Some(format!("〔〕中应是四位年份，这里是“{year}”"))
        } else if !rest.starts_with('〕') {
            Some("年份后缺少“〕”".to_string())
        } else {
            let num = &rest['〕'.len_utf8()..];
            // 〔2024〕第086号 is a 文号 too.
            let num = num.strip_prefix('第').unwrap_or(num);
            let digits: String = num.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                Some("“〕”后缺少序号".to_string())
            } else if !num[digits.len()..].starts_with('号') {
                Some("序号后缺少“号”".to_string())
            } else {
                None
            }
        };
        if let Some(why) = why {
            // The number as far as it goes: up to the next space or
            // punctuation after the bracket.
            let tail = after
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || "，。；、）)".contains(*c))
                .map_or(after.len(), |(k, _)| k);
            out.push((i..i + '〔'.len_utf8() + tail, why));
        }
    }
    out.sort_by_key(|r| r.0.start);
    out
}

fn heading_depth(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Whether any heading carries a number in the style of reports to a
/// provincial format (第一章, 1.1): then every output keeps the numbers as
/// written (`Body::numbers_as_written`).
pub fn numbered_as_written(headings: &[Heading]) -> bool {
    headings.iter().any(|h| {
        h.number
            .as_ref()
            .is_some_and(|n| crate::text::is_written_number(n, &h.text))
    })
}

/// Outline levels: the shallowest depth used is level 1, unless a single
/// heading at that depth opens the document, which is then its title.
fn assign_levels(body: &mut Body) {
    body.numbers_as_written = numbered_as_written(&body.headings);
    let Some(min) = body.headings.iter().map(|h| h.depth).min() else {
        return;
    };
    let at_min = body.headings.iter().filter(|h| h.depth == min).count();
    if at_min == 1 && body.headings.len() > 1 && body.headings[0].depth == min {
        body.title_heading = Some(0);
        body.headings[0].level = 0;
    }
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..body.headings.len() {
        if body.title_heading == Some(i) {
            continue;
        }
        let depth = body.headings[i].depth;
        while stack
            .last()
            .is_some_and(|&p| body.headings[p].depth >= depth)
        {
            stack.pop();
        }
        let parent = stack.last().copied();
        // A skipped depth (# then ###) still nests one level down.
        let level = parent.map_or(1, |p| body.headings[p].level + 1);
        body.headings[i].level = level;
        body.headings[i].parent = parent;
        if let Some(p) = parent {
            body.headings[p].children.push(i);
        }
        stack.push(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_depth_follows_open_and_close_tags() {
        let mut h = HtmlDepth::default();
        h.feed("<div><p>甲<br>乙<img src=\"a>b\"/></p>");
        let (d, most) = (h.depth(), h.most);
        assert_eq!((d, most), (1, 2));
        h.feed("<!-- c --><span/></div>");
        let (d, most) = (h.depth(), h.most);
        assert_eq!((d, most), (0, 2));
        let mut h = HtmlDepth::default();
        h.feed(&"<DIV class=x>".repeat(70));
        let (d, most) = (h.depth(), h.most);
        assert_eq!((d, most), (70, 70));
        // Paragraphs and cells left open close when a sibling opens, and a
        // commented-out element is not one: ordinary markup stays shallow.
        let mut h = HtmlDepth::default();
        h.feed(&"<p>甲<table><tr><td>1<td>2</table><!-- <div><div> -->".repeat(100));
        assert_eq!((h.depth(), h.most), (0, 3));
    }

    const DOC: &str = "# 一、试点对象基本概况\n\n## （一）试点对象范围与区位\n\n园区位于某市东部，面积12平方公里。\n\n## (二)试点对象产业概况\n\n| 指标 | 值 |\n|---|---|\n| 产值 | 100 |\n\n# 二、试点基础\n\n待补充\n\n![区位图](img/a.png)\n";

    #[test]
    fn builds_the_heading_tree() {
        let b = parse_body(DOC, 0, None);
        assert_eq!(b.headings.len(), 4);
        assert_eq!(b.title_heading, None);
        let levels: Vec<usize> = b.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, vec![1, 2, 2, 1]);
        assert_eq!(b.headings[0].children, vec![1, 2]);
        assert_eq!(b.headings[2].title, "试点对象产业概况");
        assert_eq!(b.headings[2].number.as_ref().unwrap().value, 2);
        assert_eq!(&DOC[b.headings[3].span.clone()], "# 二、试点基础\n");
        assert_eq!(b.tables, 1);
        assert!(b.total_chars(0) > b.headings[0].own_chars);
        assert_eq!(b.links.len(), 1);
        assert!(b.links[0].image);
    }

    #[test]
    fn keeps_table_cells_and_dates() {
        let text = "| 项目 | 金额 |\n|---|--:|\n| 甲 | **1.5** |\n| 合计 | 1.5 |\n\n2022年4月31日、5月1日和2023-02-29。`4月31日`\n";
        let b = parse_body(text, 0, None);
        assert_eq!(b.table_data.len(), 1);
        let t = &b.table_data[0];
        assert_eq!(
            t.header.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["项目", "金额"]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][1].text, "1.5");
        assert!(
            text[t.rows[1][0].at..].starts_with(" 合计")
                || text[t.rows[1][0].at..].starts_with("合计")
        );
        let d: Vec<(Option<i32>, u32, u32)> =
            b.dates.iter().map(|d| (d.year, d.month, d.day)).collect();
        assert_eq!(
            d,
            vec![(Some(2022), 4, 31), (None, 5, 1), (Some(2023), 2, 29)]
        );
        assert_eq!(&text[b.dates[0].span.clone()], "2022年4月31日");
        assert_eq!(&text[b.dates[2].span.clone()], "2023-02-29");
        // Dotted and slashed dates; not versions, decimals or year ranges.
        let text = "于2022.04.31完成，2022/9/31复核，|2022.4.1|。版本2022.4.3.1，2021.5，2021/22，2019.13.2。\n";
        let b = parse_body(text, 0, None);
        let d: Vec<(Option<i32>, u32, u32)> =
            b.dates.iter().map(|d| (d.year, d.month, d.day)).collect();
        assert_eq!(
            d,
            vec![(Some(2022), 4, 31), (Some(2022), 9, 31), (Some(2022), 4, 1)]
        );
    }

    #[test]
    fn a_single_leading_h1_is_the_title() {
        let b = parse_body(
            "# 某园区实施方案\n\n## 一、概况\n\n### （一）范围\n\n## 二、基础\n",
            0,
            None,
        );
        assert_eq!(b.title_heading, Some(0));
        let levels: Vec<usize> = b.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, vec![0, 1, 2, 1]);
    }

    #[test]
    fn finds_placeholders_with_exact_spans_but_not_in_code() {
        let words = vec!["待补充".to_string(), "XXX".to_string()];
        let ac = placeholder_matcher(&words).unwrap();
        let text = "正文待补充。\n\n```\nXXX\n```\n\n`XXX` 与 XXX\n";
        let b = parse_body(text, 10, Some(&ac));
        let found: Vec<&str> = b.placeholders.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(found, vec!["待补充", "XXX"]);
        let (span, _) = &b.placeholders[0];
        assert_eq!(&text[span.start - 10..span.end - 10], "待补充");
    }
}
