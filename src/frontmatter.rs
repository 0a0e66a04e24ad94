//! Front matter: split it off the Markdown, parse it with serde_yaml, and
//! locate every key in the source so that diagnostics carry a line.
//!
//! serde_yaml gives no spans for values, so a small indentation-based
//! locator maps key paths (`contact.phone`, `attachments[0].file`) to byte
//! ranges. It understands block style, which is what authors write; for
//! flow style it falls back to the enclosing key.

use std::collections::HashMap;
use std::ops::Range;

/// Front matter (and `shenbao.yaml`, and a call file) larger than this is
/// not parsed: a real one is a few KB; the YAML parser's time grows faster
/// than the text on hostile input.
pub const MAX_YAML_BYTES: usize = 256 * 1024;
/// Deepest nesting of `[`/`{` (flow collections) and of indented blocks
/// accepted; the parser is quadratic in it (`x: [[[[…`).
pub const MAX_YAML_DEPTH: usize = 32;

/// Why a YAML text is refused before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooComplex {
    /// Byte offset in the YAML text where the limit was passed.
    pub at: usize,
    pub message: String,
}

/// Refuse YAML that is too large or too deeply nested, before the parser
/// sees it, so that no input can stall a command (or the preview's
/// rebuild loop). Linear in the text; quoted text and comments are
/// skipped, so brackets inside them do not count.
pub fn check_bounds(yaml: &str) -> Result<(), TooComplex> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(TooComplex {
            at: MAX_YAML_BYTES.min(yaml.len()),
            message: format!(
                "字段区有 {} KB，超过 {} KB 的上限",
                yaml.len() / 1024,
                MAX_YAML_BYTES / 1024
            ),
        });
    }
    let deep = |at: usize| TooComplex {
        at,
        message: format!("字段嵌套超过 {MAX_YAML_DEPTH} 层"),
    };
    let bytes = yaml.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    // The last byte on this line that is not a space: a quote opens a
    // scalar only where one may start (`key: "…"`, `- '…'`, `[ "…"`).
    let mut prev: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if prev.is_none() && quote.is_none() {
            // Block nesting: indentation (in spaces, and list dashes).
            let mut j = i;
            while j < bytes.len() && matches!(bytes[j], b' ' | b'-') {
                j += 1;
            }
            if j - i > MAX_YAML_DEPTH * 4 {
                return Err(deep(i));
            }
        }
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => match b {
                b'"' | b'\''
                    if matches!(prev, None | Some(b':' | b'-' | b'[' | b'{' | b',' | b'?')) =>
                {
                    quote = Some(b)
                }
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        return Err(deep(i));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        match b {
            b'\n' => prev = None,
            b' ' | b'\t' | b'\r' => {}
            _ => prev = Some(b),
        }
        i += 1;
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where the front matter sits in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML text (between the `---` lines).
    pub yaml: Range<usize>,
    /// Byte range of the opening `---` line.
    pub open: Range<usize>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitResult {
    Found(Split),
    /// No front matter at all: the file does not start with `---`.
    Missing,
    /// Opened with `---` but never closed.
    Unterminated {
        open: Range<usize>,
    },
}

/// Split front matter off a text (which has no BOM any more).
pub fn split(text: &str) -> SplitResult {
    // Blank lines before the opening `---` (an editor's stray Enter) are
    // not text before the fields.
    let mut start = 0;
    while let Some(i) = text[start..].find('\n')
        && text[start..start + i].trim().is_empty()
    {
        start += i + 1;
    }
    let first_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let first = text[start..first_end].trim_end_matches(['\n', '\r']);
    if first.trim_end() != "---" {
        return SplitResult::Missing;
    }
    let open = start..start + first.len();
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']).trim_end();
        if line == "---" || line == "..." {
            return SplitResult::Found(Split {
                yaml: first_end..pos,
                open,
                body_start: end,
            });
        }
        pos = end;
    }
    SplitResult::Unterminated { open }
}

/// A located key: the byte range of the key and of its inline value
/// (the key itself when the value is a nested block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// Map from raw key path (keys as the author typed them) to location.
/// Paths join map keys with `.` and list items as `[i]`.
pub fn locate_keys(text: &str, yaml: Range<usize>) -> HashMap<String, Loc> {
    let mut out = HashMap::new();
    // (indent, segment, is_item)
    let mut stack: Vec<(usize, String, bool)> = Vec::new();
    let mut item_counters: HashMap<String, usize> = HashMap::new();
    let mut block_scalar_indent: Option<usize> = None;
    let mut pos = yaml.start;
    while pos < yaml.end {
        let end = text[pos..yaml.end]
            .find('\n')
            .map_or(yaml.end, |i| pos + i + 1);
        let raw = text[pos..end].trim_end_matches(['\n', '\r']);
        let line_start = pos;
        pos = end;
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let content = &raw[indent..];
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(bi) = block_scalar_indent {
            if indent > bi {
                continue;
            }
            block_scalar_indent = None;
        }
        let mut key_indent = indent;
        let mut rest = content;
        let mut rest_off = line_start + indent;
        if rest == "-" || rest.starts_with("- ") {
            // A sequence item: its parent is the nearest key above.
            while stack
                .last()
                .is_some_and(|(i, _, item)| *i > indent || (*i == indent && *item))
            {
                stack.pop();
            }
            let parent = join_path(&stack);
            let counter = item_counters.entry(parent).or_insert(0);
            let seg = format!("[{}]", *counter);
            *counter += 1;
            stack.push((indent, seg, true));
            let after = rest[1..].trim_start_matches(' ');
            let skipped = rest.len() - after.len();
            rest_off += skipped;
            key_indent = indent + skipped;
            rest = after;
        }
        let Some((key, key_rel, value_rel)) = split_key(rest) else {
            continue;
        };
        // Keys at this indent or deeper (and list items at this indent)
        // are siblings or their children: close them.
        while stack.last().is_some_and(|(i, _, _)| *i >= key_indent) {
            stack.pop();
        }
        let mut path = join_path(&stack);
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&key);
        let key_span = rest_off + key_rel.start..rest_off + key_rel.end;
        let value_span = if value_rel.is_empty() {
            key_span.clone()
        } else {
            rest_off + value_rel.start..rest_off + value_rel.end
        };
        let value_text = &rest[value_rel.clone()];
        if value_text.starts_with('|') || value_text.starts_with('>') {
            block_scalar_indent = Some(key_indent);
        }
        out.entry(path).or_insert(Loc {
            key: key_span,
            value: value_span,
        });
        stack.push((key_indent, key, false));
    }
    out
}

fn join_path(stack: &[(usize, String, bool)]) -> String {
    let mut s = String::new();
    for (_, seg, is_item) in stack {
        if !*is_item && !s.is_empty() {
            s.push('.');
        }
        s.push_str(seg);
    }
    s
}

/// Split `key: value # comment` into the key and the byte ranges of key
/// and value within the line. Quoted keys are unquoted.
fn split_key(line: &str) -> Option<(String, Range<usize>, Range<usize>)> {
    let first = line.chars().next()?;
    if matches!(
        first,
        '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`'
    ) {
        return None;
    }
    let (key, key_range, after_key) = if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        (line[1..close].to_string(), 1..close, close + 1)
    } else {
        let mut colon = None;
        for (i, c) in line.char_indices() {
            if c == ':' {
                let next = line[i + 1..].chars().next();
                if next.is_none_or(|n| n == ' ' || n == '\t') {
                    colon = Some(i);
                    break;
                }
            }
            if c == '#' && i > 0 && line[..i].ends_with(' ') {
                return None;
            }
        }
        let c = colon?;
        let k = line[..c].trim_end();
        (k.to_string(), 0..k.len(), c)
    };
    let rest = &line[after_key..];
    let rest = rest.strip_prefix(':')?;
    let vstart = after_key + 1 + (rest.len() - rest.trim_start().len());
    let mut vend = line.len();
    // Strip a trailing comment (` #`) outside quotes.
    let vtext = &line[vstart..];
    if vtext.starts_with('#') {
        // `key:   # 说明`: no value, only a comment.
        vend = vstart;
    } else if let Some(q) = vtext.chars().next().filter(|c| *c == '"' || *c == '\'') {
        // A quoted value ends at its closing quote (`\"` and `''` are
        // escapes); a comment may follow it.
        let body = &vtext[1..];
        let mut close = None;
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if q == '"' && c == '\\' {
                chars.next();
            } else if c == q {
                if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    close = Some(i + 1 + c.len_utf8());
                    break;
                }
            }
        }
        if let Some(end) = close
            && vtext[end..].trim_start().starts_with('#')
        {
            vend = vstart + end;
        }
    } else if let Some(i) = vtext.find(" #") {
        vend = vstart + i;
    }
    let vtrim = line[vstart..vend].trim_end();
    Some((key, key_range, vstart..vstart + vtrim.len()))
}

// ---------------------------------------------------------------------------
// YAML errors explained. The parser reports a typo where it gives up, often
// a line later (`title:鹤阳` is a line of text; the next line then lacks
// its colon) or at the end (an unclosed quote swallows the rest), and in
// English. The typos Chinese writers make most are found in the raw lines
// instead, each at its own line with the fix; other errors get the
// parser's message in Chinese, at the start of what it was reading.

/// A YAML problem to show the author: where (bytes in the YAML text),
/// what, a short label and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    pub at: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypoKind {
    /// `applicant：伏牛`: a full-width colon after a key.
    FullWidthColon,
    /// `title:鹤阳`: no space after the colon.
    NoSpace,
    /// `title: "鹤阳` (or `"鹤阳”`): a quote that does not close on its line
    /// and runs into the next field.
    UnclosedQuote,
    /// `title: “鹤阳: 试点`: a value opened with a full-width quote, which
    /// YAML reads as text; blamed only when the parser fails on that line.
    FullWidthQuote,
    /// `title: “鹤阳试点”`: a whole value wrapped in full-width quotes
    /// (“” ‘’ 「」 『』) where YAML quotes were meant. The YAML is valid,
    /// but the quotes become part of the value (the e-mail subject, the
    /// zip's name): always reported.
    QuotedValue,
    /// `　name: 鹤阳` or `\tname: 鹤阳`: a full-width space (U+3000) or a
    /// tab in a line's indentation. The parser fails a line later or,
    /// worse, reads a key `　name`: always reported, at the character.
    BadIndent,
}

#[derive(Debug, Clone)]
struct Typo {
    kind: TypoKind,
    /// 1-based line in the YAML text.
    line: usize,
    /// The key is an ASCII identifier (`type`, `file`), not text that
    /// might be a list item's own words (`- 石化化工：炼油`).
    ascii_key: bool,
    /// On a list item (`- type：…`).
    in_item: bool,
    problem: YamlProblem,
}

/// Characters that cannot be part of a key as an author would type it.
fn key_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            ':' | '：'
                | '#'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | '，'
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '%'
                | '@'
                | '`'
        )
}

/// A key as authors write them: `applicant`, `henan-email`, `申报单位`,
/// `联系人`; not a number or a time (`16:00`).
fn key_like(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && key.chars().count() <= 40
}

/// Lines of `yaml` with their byte offsets (line ending excluded).
fn lines_with_offsets(yaml: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    yaml.split_inclusive('\n').map(move |l| {
        let start = pos;
        pos += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}

/// Where a quoted scalar opened at `open` (a `"` or `'`) closes on its
/// own line, if it does.
fn closes_on_line(line: &str, open: usize) -> bool {
    let q = line.as_bytes()[open];
    let mut i = open + 1;
    let b = line.as_bytes();
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// A line that starts like a field (`key: …` or `- key: …`) at an indent
/// of at most `indent`.
fn field_line_at_most(line: &str, indent: usize) -> bool {
    let ind = line.len() - line.trim_start_matches(' ').len();
    if ind > indent {
        return false;
    }
    let content = line[ind..].trim_start_matches("- ");
    let key: String = content.chars().take_while(|c| key_char(*c)).collect();
    key_like(&key) && {
        let rest = &content[key.len()..];
        rest.starts_with(": ") || rest == ":" || rest.starts_with('：')
    }
}

/// The typos of the list above in the raw lines of `yaml`, in order.
fn find_typos(yaml: &str) -> Vec<Typo> {
    let lines: Vec<(usize, &str)> = lines_with_offsets(yaml).collect();
    let mut out = Vec::new();
    let mut block_scalar: Option<usize> = None;
    // Indent of the last field with a plain value on its line: a more
    // indented line after it continues that value (valid text, whatever
    // it holds).
    let mut continued: Option<usize> = None;
    for (n, &(start, line)) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(bi) = block_scalar {
            if indent > bi || line.trim().is_empty() {
                continue;
            }
            block_scalar = None;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if continued.is_some_and(|c| indent > c) {
            continue;
        }
        continued = None;
        if let Some(t) = bad_indent(n + 1, start, line) {
            out.push(t);
            continue;
        }
        let mut off = indent;
        while line[off..].starts_with("- ") {
            off += 2;
            off += line[off..].len() - line[off..].trim_start_matches(' ').len();
        }
        let content = &line[off..];
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let key_len: usize = content
            .chars()
            .take_while(|c| key_char(*c))
            .map(char::len_utf8)
            .sum();
        let key = &content[..key_len];
        let after = &content[key_len..];
        let colon = start + off + key_len;
        let ascii_key = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let in_item = off > indent;
        let typo = |kind, at: Range<usize>, message: String, label: &str, help: String| Typo {
            kind,
            line: n + 1,
            ascii_key,
            in_item,
            problem: YamlProblem {
                at,
                message,
                label: label.to_string(),
                help,
            },
        };
        let mut value_at = None;
        if key_like(key) {
            if let Some(rest) = after.strip_prefix('：') {
                out.push(typo(
                    TypoKind::FullWidthColon,
                    colon..colon + '：'.len_utf8(),
                    format!(
                        "字段名“{key}”后面用了中文冒号“：”，YAML 只认英文冒号，这一行没有被当成字段"
                    ),
                    "中文冒号",
                    format!("改成英文冒号加一个空格：`{key}: {}`", rest.trim()),
                ));
                continue;
            }
            if let Some(rest) = after.strip_prefix(':') {
                match rest.chars().next() {
                    None | Some(' ' | '\t') => value_at = Some(off + key_len + 1),
                    Some('/' | '\\') => {}
                    Some(_) => {
                        out.push(typo(
                            TypoKind::NoSpace,
                            colon..colon + 1,
                            format!("“{key}:”的冒号后面少了空格，YAML 把这一行当成了一段文字，而不是字段"),
                            "冒号后缺空格",
                            format!("在冒号后加一个空格：`{key}: {}`", rest.trim()),
                        ));
                        continue;
                    }
                }
            }
        }
        // The value: after `key: `, or a list item's text.
        let vstart = match value_at {
            Some(v) => v + line[v..].len() - line[v..].trim_start().len(),
            None if off > indent => off,
            None => continue,
        };
        let value = &line[vstart..];
        if value.starts_with('|') || value.starts_with('>') {
            block_scalar = Some(indent);
            continue;
        }
        if !value.is_empty() && !value.starts_with(['"', '\'', '[', '{', '#']) {
            continued = Some(indent);
        }
        if value.starts_with('"') || value.starts_with('\'') {
            if closes_on_line(line, vstart) {
                continue;
            }
            // A quoted text may go on over lines; it is a typo when it
            // runs into the next field before it closes (or never closes).
            let q = &value[..1];
            let mut runs_into_field = true;
            for &(_, next) in &lines[n + 1..] {
                if field_line_at_most(next, indent) {
                    break;
                }
                if next.contains(q) {
                    runs_into_field = false;
                    break;
                }
            }
            if !runs_into_field {
                continue;
            }
            let at = start + vstart;
            let lead = &line[indent..vstart];
            let inner = value[1..]
                .trim_end()
                .trim_end_matches(['”', '’', '"', '\'']);
            let fix = format!("`{lead}{q}{inner}{q}`");
            let (message, help) = if value[1..].contains(['”', '’']) {
                (
                    format!(
                        "引号没有配对：开头是英文引号 {q}，结尾却是中文引号，YAML 会把下面的字段都当成这个值的一部分"
                    ),
                    format!("两端都用英文引号：{fix}；或者两端都不加引号"),
                )
            } else {
                (
                    format!("引号 {q} 没有结束，YAML 会把下面的字段都当成这个值的一部分"),
                    format!("在值的末尾补上 {q}：{fix}；不需要引号时把开头的 {q} 删去"),
                )
            };
            out.push(typo(
                TypoKind::UnclosedQuote,
                at..at + 1,
                message,
                "引号未结束",
                help,
            ));
        } else if let Some((open, inner, close)) = wrapped_in_full_width_quotes(value) {
            let at = start + vstart;
            let lead = &line[indent..vstart];
            // Without quotes the value must still read as this text (not
            // as a number, a list, a group of fields).
            let plain_ok = matches!(
                serde_yaml::from_str::<serde_yaml::Value>(inner),
                Ok(serde_yaml::Value::String(s)) if s == inner
            );
            let help = if plain_ok {
                format!(
                    "去掉中文引号：`{lead}{inner}`；确实需要引号时用英文引号：`{lead}\"{inner}\"`"
                )
            } else {
                format!("改用英文引号：`{lead}\"{inner}\"`")
            };
            out.push(typo(
                TypoKind::QuotedValue,
                at..at + open.len_utf8(),
                format!(
                    "值的两端用了中文引号 {open}{close}：YAML 不认中文引号，它们会成为值的一部分（出现在标题、邮件题目和文件名里）"
                ),
                "中文引号",
                help,
            ));
        } else if value.starts_with(['“', '‘']) {
            let at = start + vstart;
            let c = value.chars().next().map_or(1, char::len_utf8);
            let lead = &line[indent..vstart];
            let inner = value.trim_end().trim_matches(['“', '”', '‘', '’']);
            out.push(typo(
                TypoKind::FullWidthQuote,
                at..at + c,
                "值用中文引号括了起来：YAML 不认中文引号“”‘’，把它们当作普通文字，值中的“: ”“ #”仍是 YAML 的符号".to_string(),
                "中文引号",
                format!("改用英文引号：`{lead}\"{inner}\"`"),
            ));
        }
    }
    out
}

/// A whole value in full-width quotes, `“鹤阳试点”` (a trailing comment
/// aside): its opening quote, the text inside and the closing quote. None
/// when the quotes are only part of the text (`“十四五”规划`, `“甲”和“乙”`).
fn wrapped_in_full_width_quotes(value: &str) -> Option<(char, &str, char)> {
    let value = match value.find(" #") {
        Some(i) => &value[..i],
        None => value,
    }
    .trim_end();
    let open = value.chars().next()?;
    let close = match open {
        '“' => '”',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        _ => return None,
    };
    let inner = value
        .strip_prefix(open)?
        .strip_suffix(close)
        .filter(|inner| !inner.is_empty())?;
    (!inner.contains([open, close])).then_some((open, inner, close))
}

/// A tab or a full-width space (U+3000) in the indentation of a line that
/// holds a field (`key: …`) or a list item (`- …`): a typo at that
/// character. Other lines (the text of a value) may hold them.
fn bad_indent(line_no: usize, start: usize, line: &str) -> Option<Typo> {
    let rest = line.trim_start_matches([' ', '\t', '\u{3000}']);
    let lead = &line[..line.len() - rest.len()];
    let (i, c) = lead.char_indices().find(|(_, c)| *c != ' ')?;
    let key: String = rest.chars().take_while(|c| key_char(*c)).collect();
    let after = &rest[key.len()..];
    let field = key_like(&key) && (after.starts_with(':') || after.starts_with('：'));
    if !(field || rest == "-" || rest.starts_with("- ")) {
        return None;
    }
    let fixed = format!("{}{rest}", lead.replace(['\u{3000}', '\t'], "  "));
    let (message, label, help) = if c == '\t' {
        (
            "行首用了 Tab 缩进，YAML 只能用英文空格缩进".to_string(),
            "这里是 Tab（显示为空白）",
            format!("把行首的 Tab 换成英文空格，与同级字段左端对齐：`{fixed}`"),
        )
    } else {
        (
            "行首用了全角空格（U+3000）缩进，YAML 只能用英文空格".to_string(),
            "全角空格",
            format!("把行首的全角空格换成英文空格，与同级字段左端对齐：`{fixed}`"),
        )
    };
    Some(Typo {
        kind: TypoKind::BadIndent,
        line: line_no,
        ascii_key: true,
        in_item: false,
        problem: YamlProblem {
            at: start + i..start + i + c.len_utf8(),
            message,
            label: label.to_string(),
            help,
        },
    })
}

/// Fields lost to a typo although the YAML parsed: `title:鹤阳` alone is
/// a valid YAML string, and under `park:` a line `boundary：东至……` makes
/// `park` a text instead of a group of fields. A full-width colon or a
/// missing space in key position, outside values that go on over lines;
/// on list items only after ASCII keys (`- type：…`), since an item's own
/// words may hold a “：”. Also values wrapped in full-width quotes (which
/// would end up in the subject line) and indentation with tabs or
/// full-width spaces (`　email` read as an unknown key).
pub fn typos(yaml: &str) -> Vec<YamlProblem> {
    find_typos(yaml)
        .into_iter()
        .filter(|t| match t.kind {
            TypoKind::FullWidthColon | TypoKind::NoSpace => !t.in_item || t.ascii_key,
            TypoKind::QuotedValue | TypoKind::BadIndent => true,
            TypoKind::UnclosedQuote | TypoKind::FullWidthQuote => false,
        })
        .map(|t| t.problem)
        .collect()
}

/// Byte offset of a 1-based line and (character) column in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = lines_with_offsets(text)
        .nth(line.saturating_sub(1))
        .map_or(text.len(), |(s, _)| s);
    text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

/// “… while scanning a simple key at line 2 column 1”: the position of
/// what the parser was reading (1-based line and column).
fn context_mark(message: &str) -> Option<(usize, usize)> {
    let (_, rest) = message.split_once(", while ")?;
    let (_, pos) = rest.split_once(" at line ")?;
    let (line, col) = pos.split_once(" column ")?;
    let col: String = col.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

/// Explain a serde_yaml error on `yaml`: every typo of the list above the
/// parser met (each at its own line with its fix), or else the parser's
/// message in Chinese, at the start of what it was reading (the line of a
/// key without its colon, the opening quote or bracket) or where it failed.
pub fn explain(yaml: &str, e: &serde_yaml::Error) -> Vec<YamlProblem> {
    let english = e.to_string();
    let failed_at = e.location().map(|l| l.index()).unwrap_or(0).min(yaml.len());
    let (failed_line, _) = line_col(yaml, failed_at);
    let context = context_mark(&english);
    let typos: Vec<YamlProblem> = find_typos(yaml)
        .into_iter()
        .filter(|t| match t.kind {
            TypoKind::FullWidthColon
            | TypoKind::NoSpace
            | TypoKind::QuotedValue
            | TypoKind::BadIndent => true,
            TypoKind::UnclosedQuote => t.line <= failed_line,
            TypoKind::FullWidthQuote => {
                t.line == failed_line || context.is_some_and(|(l, _)| l == t.line)
            }
        })
        .map(|t| t.problem)
        .collect();
    if !typos.is_empty() {
        return typos;
    }
    let reading = [
        "while scanning a simple key",
        "while scanning a quoted scalar",
        "while parsing a flow",
    ];
    let at = match context {
        Some((l, c)) if reading.iter().any(|r| english.contains(r)) => offset_of(yaml, l, c),
        _ => failed_at,
    };
    // An error found at the very end is shown at the last character
    // written, not on the closing `---` line.
    let end = yaml.trim_end().len();
    let at = if at >= end && end > 0 {
        yaml[..end].char_indices().next_back().map_or(0, |(i, _)| i)
    } else {
        at
    };
    let (message, help) = parser_message_zh(&english);
    vec![YamlProblem {
        at: at..at,
        message,
        label: "这里".to_string(),
        help,
    }]
}

/// Names of serde's types as the author knows them.
fn type_zh(t: &str) -> String {
    let t = t.trim();
    let words = [
        ("a string", "文字"),
        ("string", "文字"),
        ("a sequence", "列表（如 [甲, 乙]）"),
        ("sequence", "列表"),
        ("a map", "一组“字段: 值”"),
        ("map", "一组“字段: 值”"),
        ("a boolean", "是/否"),
        ("boolean", "是/否"),
        ("unit value", "空值"),
        ("a borrowed string", "文字"),
    ];
    if let Some((_, zh)) = words.iter().find(|(en, _)| *en == t) {
        return zh.to_string();
    }
    if t.starts_with("struct ") {
        return "一组“字段: 值”".to_string();
    }
    if matches!(
        t,
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize"
    ) {
        return "整数".to_string();
    }
    if matches!(t, "f32" | "f64") {
        return "数字".to_string();
    }
    // `string "abc"`, `integer `5``, `boolean `true``: the kind and the value.
    for (en, zh) in [
        ("string ", "文字"),
        ("integer ", "数字"),
        ("floating point ", "数字"),
        ("boolean ", "是/否 "),
    ] {
        if let Some(v) = t.strip_prefix(en) {
            // `integer `99…9` as u128`: a number too large for the field.
            let v = v.split("` as ").next().unwrap_or(v);
            return format!("{zh}“{}”", v.trim_matches(['"', '`']));
        }
    }
    t.to_string()
}

/// Items of “expected one of `a`, `b`” as `a、b`.
fn one_of(list: &str) -> String {
    list.split(", ")
        .map(|x| x.trim().trim_matches('`'))
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join("、")
}

/// serde's messages for typed files (shenbao.yaml, a call file), which
/// may start with the field's path: `year: invalid type: …`.
fn serde_message_zh(bare: &str) -> Option<(String, String)> {
    let (field, rest) = match bare.split_once(": ") {
        Some((f, r)) if !f.contains(' ') && !f.starts_with("invalid") => (Some(f), r),
        _ => (None, bare),
    };
    let of = field.map_or_else(String::new, |f| format!("字段 {f} "));
    if let Some(r) = rest.strip_prefix("invalid type: ") {
        let (found, want) = r.split_once(", expected ")?;
        return Some((
            format!(
                "{of}的值类型不对：应为{}，写成了{}",
                type_zh(want),
                type_zh(found)
            ),
            "按字段说明改写这个值；文字中有冒号、# 时加英文引号".to_string(),
        ));
    }
    if let Some(r) = rest.strip_prefix("unknown field `") {
        let (name, expected) = r.split_once('`')?;
        let expected = expected.trim_start_matches(", expected one of ");
        return Some((
            format!("{of}不认识的字段“{name}”").trim_start().to_string(),
            format!("可用字段：{}", one_of(expected)),
        ));
    }
    if let Some(r) = rest.strip_prefix("unknown variant `") {
        let (name, expected) = r.split_once('`')?;
        let expected = expected.trim_start_matches(", expected one of ");
        return Some((
            format!("{of}的值“{name}”不在可选范围内"),
            format!("可选：{}", one_of(expected)),
        ));
    }
    if let Some(r) = rest.strip_prefix("missing field `") {
        let name = r.split('`').next()?;
        return Some((
            format!("{of}缺少字段“{name}”").trim_start().to_string(),
            format!("加上 `{name}: …`"),
        ));
    }
    None
}

/// The YAML parser's message without its position, in Chinese, with a
/// fix; an unknown message is kept (after a Chinese summary) so that
/// nothing is lost.
pub fn parser_message_zh(english: &str) -> (String, String) {
    let bare = english.split(" at line ").next().unwrap_or(english);
    let bare = bare.split(", while ").next().unwrap_or(bare);
    let general = "检查：冒号用英文“:”且后面有空格；同级字段缩进一致（用空格，不用 Tab）；值里有“: ”、# 或以 [ { @ 开头时，给整个值加英文引号";
    let table: &[(&str, &str, &str)] = &[
        (
            "could not find expected ':'",
            "这一行不是“字段名: 值”的形式：缺少英文冒号，或冒号后缺少空格",
            "写成 `字段名: 值`（英文冒号加一个空格）；若是上一行值的续行，把它并到上一行",
        ),
        (
            "mapping values are not allowed",
            "这里不能出现“: ”：值中有英文冒号加空格，或缩进不对",
            "值中有冒号时给整个值加英文引号，如 `title: \"甲: 乙\"`；或检查这一行的缩进",
        ),
        (
            "did not find expected key",
            "缩进不一致：同一层的字段没有对齐",
            "同一层的字段左端对齐，下一层统一多缩进两个空格",
        ),
        (
            "did not find expected '-' indicator",
            "列表的缩进不一致：同一列表的各项没有对齐",
            "同一列表的各项以对齐的“- ”开头",
        ),
        (
            "found unexpected end of stream",
            "字段区在引号或括号结束之前就结束了",
            "补上缺少的引号或括号",
        ),
        (
            "found character that cannot start any token",
            "有不能出现在值开头的字符（如 @、`、%）",
            "给整个值加英文引号，如 `note: \"@甲\"`",
        ),
        (
            "found a tab character",
            "用了 Tab 缩进，YAML 只能用空格缩进",
            "把行首的 Tab 换成空格",
        ),
        (
            "did not find expected ',' or ']'",
            "方括号 [ 没有闭合，或列表各项之间缺少英文逗号",
            "写成 `[甲, 乙]`：英文方括号、英文逗号",
        ),
        (
            "did not find expected ',' or '}'",
            "花括号 { 没有闭合，或各项之间缺少英文逗号",
            "写成 `{ name: 甲, phone: \"139…\" }`：英文花括号、英文逗号",
        ),
        (
            "found unknown escape character",
            "双引号中的反斜杠 \\ 不是有效的转义",
            "路径里的 \\ 换成 /，或改用单引号 '…'",
        ),
        (
            "did not find expected node content",
            "这里缺少值",
            "在冒号或“- ”后写上值，或删去这一行",
        ),
        (
            "block sequence entries are not allowed",
            "这里不能开始列表（“- ”）",
            "列表写在字段名的下一行，并比字段名多缩进",
        ),
    ];
    if let Some((_, m, h)) = table.iter().find(|(en, _, _)| bare.contains(en)) {
        return (format!("YAML 语法错误：{m}"), h.to_string());
    }
    if let Some(key) = bare
        .strip_prefix("duplicate entry with key \"")
        .and_then(|k| k.strip_suffix('"'))
    {
        return (format!("字段 {key} 写了两次"), "删去其中一个".to_string());
    }
    if let Some(zh) = serde_message_zh(bare) {
        return zh;
    }
    (
        format!("YAML 语法错误（解析器原文：{bare}）"),
        general.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_too_large_for_its_field_is_said_without_rust_types() {
        let (msg, _) = serde_message_zh(
            "year: invalid type: integer `99999999999999999999` as u128, expected u16",
        )
        .unwrap();
        assert_eq!(
            msg,
            "字段 year 的值类型不对：应为整数，写成了数字“99999999999999999999”"
        );
        assert!(
            msg.chars()
                .all(|c| !c.is_ascii_alphabetic() || "year".contains(c))
        );
    }

    #[test]
    fn bounds_refuse_deep_and_large_yaml_quickly() {
        assert!(check_bounds("title: 甲\ncontact: {name: 乙, phone: \"[[[[\"}\n").is_ok());
        assert!(check_bounds("note: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n").is_ok());
        assert!(check_bounds("# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\nx: 1\n").is_ok());
        // An apostrophe inside a plain text opens no quote.
        let sneaky = format!("a: 甲'乙\nb: {}\n", "[".repeat(40));
        assert!(check_bounds(&sneaky).is_err());
        let deep = format!("x: {}\n", "[".repeat(100_000));
        let t = std::time::Instant::now();
        let e = check_bounds(&deep).unwrap_err();
        assert!(t.elapsed().as_millis() < 100);
        assert_eq!(e.at, 3 + MAX_YAML_DEPTH);
        assert!(e.message.contains("32"), "{e:?}");
        let big = format!("x: \"{}\"\n", "a".repeat(MAX_YAML_BYTES));
        assert!(check_bounds(&big).unwrap_err().message.contains("KB"));
    }

    #[test]
    fn split_finds_front_matter_and_body() {
        let t = "---\ntitle: 甲\n---\n# 一、概况\n";
        let SplitResult::Found(s) = split(t) else {
            panic!()
        };
        assert_eq!(&t[s.yaml.clone()], "title: 甲\n");
        assert_eq!(&t[s.body_start..], "# 一、概况\n");
        assert_eq!(split("# 标题\n"), SplitResult::Missing);
        assert!(matches!(
            split("---\ntitle: x\n"),
            SplitResult::Unterminated { .. }
        ));
        let crlf = "---\r\ntitle: x\r\n---\r\nbody";
        let SplitResult::Found(s) = split(crlf) else {
            panic!()
        };
        assert_eq!(&crlf[s.body_start..], "body");
        // Blank lines before the opening line are not text before it.
        let blank = "\n  \n---\ntitle: 甲\n---\n正文";
        let SplitResult::Found(s) = split(blank) else {
            panic!()
        };
        assert_eq!(&blank[s.yaml.clone()], "title: 甲\n");
        assert_eq!(&blank[s.open.clone()], "---");
    }

    #[test]
    fn a_quoted_value_ends_at_its_quote_before_a_comment() {
        let text = "---\nreviewed: \"终审版\"   # 专家看的版本\nb: 'it''s # x'  # 注\nc: \"a \\\" # b\"\n---\n";
        let yaml = 4..text.len() - 4;
        let locs = locate_keys(text, yaml);
        assert_eq!(&text[locs["reviewed"].value.clone()], "\"终审版\"");
        assert_eq!(&text[locs["b"].value.clone()], "'it''s # x'");
        assert_eq!(&text[locs["c"].value.clone()], "\"a \\\" # b\"");
    }

    #[test]
    fn a_comment_is_not_a_value() {
        let t = "city:   # 待补充：导入时未在文件中找到\ntitle: 甲 # 核对\n";
        let locs = locate_keys(t, 0..t.len());
        assert_eq!(&t[locs["city"].value.clone()], "city");
        assert_eq!(&t[locs["title"].value.clone()], "甲");
    }

    #[test]
    fn locator_maps_nested_and_list_keys() {
        let t = "---\ntitle: 甲项目 # 注释\ncontact:\n  name: 张三\n  phone: \"13800000000\"\nattachments:\n  - type: recommendation-letter\n    file: a.pdf\n  - file: b.pdf\n联系人:\n  电话: 1\nnote: |\n  x: y\nlast: 1\n---\n";
        let SplitResult::Found(s) = split(t) else {
            panic!()
        };
        let locs = locate_keys(t, s.yaml);
        let at = |p: &str| {
            let l = locs
                .get(p)
                .unwrap_or_else(|| panic!("{p} not located in {locs:?}"));
            (&t[l.key.clone()], &t[l.value.clone()])
        };
        assert_eq!(at("title"), ("title", "甲项目"));
        assert_eq!(at("contact.phone"), ("phone", "\"13800000000\""));
        assert_eq!(at("attachments[0].type"), ("type", "recommendation-letter"));
        assert_eq!(at("attachments[0].file"), ("file", "a.pdf"));
        assert_eq!(at("attachments[1].file"), ("file", "b.pdf"));
        assert_eq!(at("联系人.电话"), ("电话", "1"));
        assert_eq!(at("last"), ("last", "1"));
        assert!(!locs.contains_key("note.x"));
    }
    fn explain_text(yaml: &str) -> Vec<(usize, String, String)> {
        let e = serde_yaml::from_str::<serde_yaml::Value>(yaml).unwrap_err();
        explain(yaml, &e)
            .into_iter()
            .map(|p| (line_col(yaml, p.at.start).0, p.message, p.help))
            .collect()
    }

    #[test]
    fn a_full_width_colon_after_a_key_is_found_at_its_line() {
        let y = "kind: pilot-plan\napplicant：伏牛管委会\ntitle: 甲\ncity: 乙\n";
        let got = explain_text(y);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 2);
        assert!(got[0].1.contains("中文冒号"), "{got:?}");
        assert!(got[0].2.contains("`applicant: 伏牛管委会`"), "{got:?}");
        let p = &explain(
            y,
            &serde_yaml::from_str::<serde_yaml::Value>(y).unwrap_err(),
        )[0];
        assert_eq!(&y[p.at.clone()], "：");
        // Chinese keys too.
        assert_eq!(explain_text("kind: x\n申报单位：伏牛\nb: 1\n")[0].0, 2);
    }

    #[test]
    fn full_width_colons_in_values_and_text_are_fine() {
        for ok in [
            "title: 说明：第一期\n",
            "note: |\n  说明：这是正文\n  其他：也是\nb: 1\n",
            "title: 甲\n  续行：仍是标题\n",
            "industries:\n  - 石化化工：炼油\n",
            "rules: 《办法》：第三条\n",
        ] {
            assert!(
                serde_yaml::from_str::<serde_yaml::Value>(ok).is_ok(),
                "{ok}"
            );
            assert_eq!(typos(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn a_missing_space_after_the_colon_is_found_at_its_line() {
        let got = explain_text("kind: pilot-plan\ntitle:鹤阳试点\ncity: 乙\n");
        assert_eq!(got[0].0, 2, "{got:?}");
        assert!(got[0].1.contains("少了空格"), "{got:?}");
        assert!(got[0].2.contains("`title: 鹤阳试点`"), "{got:?}");
        // Alone it parses (as a text, not a field): still found.
        let t = typos("title:鹤阳\n");
        assert_eq!(t.len(), 1);
        // Under a parent, it turns the parent into a text.
        let y = "kind: pilot-plan\ncontact:\n  name:李文华\n";
        assert!(serde_yaml::from_str::<serde_yaml::Value>(y).is_ok());
        assert_eq!(line_col(y, typos(y)[0].at.start).0, 3);
        // Times, addresses and links are not keys.
        for ok in [
            "henan-email: 2022-06-28 16:00\n",
            "due:\n  - 2022-06-28 16:00\n",
            "url: http://example.cn/a\n",
            "links:\n  - https://example.cn\n",
            "path: C:\\甲\n",
        ] {
            assert_eq!(typos(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_at_the_quote_not_at_the_end() {
        let mut lines = vec!["kind: pilot-plan", "title: \"鹤阳试点"];
        lines.extend(["city: 乙"; 12]);
        let y = lines.join("\n") + "\n";
        let got = explain_text(&y);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 2, "{got:?}");
        assert!(got[0].1.contains("没有结束"), "{got:?}");
        assert!(got[0].2.contains("`title: \"鹤阳试点\"`"), "{got:?}");
        // Closed with a full-width quote.
        let got = explain_text("kind: x\ntitle: \"鹤阳”\ncity: 乙\n");
        assert_eq!(got[0].0, 2);
        assert!(got[0].1.contains("中文引号"), "{got:?}");
        // A quoted text over two lines is valid and not blamed.
        let y = "kind: x\ntitle: \"第一行\n  第二行\"\ncity: [\n";
        let got = explain_text(y);
        assert!(!got[0].1.contains("引号"), "{got:?}");
    }

    #[test]
    fn full_width_quotes_are_blamed_when_the_parser_fails_on_their_line() {
        let got = explain_text("kind: x\ntitle: “鹤阳: 试点”\ncity: 乙\n");
        assert_eq!(got[0].0, 2, "{got:?}");
        assert!(got[0].1.contains("中文引号"), "{got:?}");
        assert!(got[0].2.contains("`title: \"鹤阳: 试点\"`"), "{got:?}");
        // Quotes inside a text are text, not a typo.
        for ok in [
            "title: 关于“十四五”的方案\n",
            "title: “十四五”规划\n",
            "title: “甲”和“乙”\n",
            "note: |\n  “引文”\n",
        ] {
            assert_eq!(typos(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn a_whole_value_in_full_width_quotes_is_a_typo_even_when_it_parses() {
        let y = "kind: x\ntitle: “鹤阳试点” # 标题\ncontact:\n  phone: “13939200000”\nindustries:\n  - 「建材」\n";
        assert!(serde_yaml::from_str::<serde_yaml::Value>(y).is_ok());
        let t = typos(y);
        assert_eq!(t.len(), 3, "{t:?}");
        let lines: Vec<usize> = t.iter().map(|p| line_col(y, p.at.start).0).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(&y[t[0].at.clone()], "“");
        assert!(t[0].message.contains("中文引号"), "{t:?}");
        assert!(t[0].help.contains("`title: 鹤阳试点`"), "{t:?}");
        // Without quotes the phone would be a number: English quotes.
        assert!(t[1].help.contains("`phone: \"13939200000\"`"), "{t:?}");
        assert!(!t[1].help.contains("`phone: 13939200000`"), "{t:?}");
    }

    #[test]
    fn full_width_spaces_and_tabs_in_indentation_are_found_at_their_line() {
        // The last key of a group: valid YAML with a key `　email`.
        let y = "kind: x\ncontact:\n  name: 王\n　email: a@b.cn\n";
        assert!(serde_yaml::from_str::<serde_yaml::Value>(y).is_ok());
        let t = typos(y);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(line_col(y, t[0].at.start), (4, 1));
        assert_eq!(&y[t[0].at.clone()], "\u{3000}");
        assert!(t[0].message.contains("全角空格（U+3000）"), "{t:?}");
        assert!(t[0].help.contains("`  email: a@b.cn`"), "{t:?}");
        // Inside a group: the parser fails a line later.
        let y = "kind: x\npark:\n　name: 鹤阳\n  boundary: 东至\n";
        let got = explain_text(y);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 3, "{got:?}");
        assert!(got[0].1.contains("全角空格"), "{got:?}");
        // A tab anywhere in the indentation, named as a tab.
        for y in [
            "kind: x\npark:\n\tname: 鹤阳\n  boundary: 东至\n",
            "kind: x\npark:\n  boundary: 东至\n \tname: 鹤阳\n",
            "kind: x\nlist:\n\t- 甲\n",
        ] {
            let got = explain_text(y);
            assert_eq!(got.len(), 1, "{y:?}: {got:?}");
            assert_eq!(
                got[0].0,
                3 + usize::from(y.contains("boundary: 东至\n \t")),
                "{y:?}"
            );
            assert!(got[0].1.contains("用了 Tab 缩进"), "{got:?}");
        }
        let y = "kind: x\npark:\n\tname: 鹤阳\n";
        let p = &explain(
            y,
            &serde_yaml::from_str::<serde_yaml::Value>(y).unwrap_err(),
        )[0];
        assert_eq!(&y[p.at.clone()], "\t");
        assert!(p.label.contains("Tab"), "{p:?}");
        // Full-width spaces and tabs in a value's text are text.
        for ok in [
            "note: |\n  　　首行缩进的段落\n",
            "title: 甲\n  　续行\n",
            "title: 甲　乙\n",
        ] {
            assert_eq!(typos(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn list_items_with_ascii_keys_are_fields() {
        let y = "attachments:\n  - type：recommendation-letter\n";
        assert_eq!(line_col(y, typos(y)[0].at.start).0, 2);
    }

    #[test]
    fn other_parser_errors_are_in_chinese_where_the_reader_was() {
        // A tab: at the tab's line.
        let got = explain_text("kind: x\ntitle: 甲\n\tcity: 乙\n");
        assert_eq!(got[0].0, 3, "{got:?}");
        assert!(got[0].1.contains("Tab"), "{got:?}");
        // An unclosed bracket: at the bracket.
        let got = explain_text("kind: x\ntitle: [甲\ncity: 乙\n");
        assert_eq!(got[0].0, 2, "{got:?}");
        assert!(got[0].1.contains("方括号"), "{got:?}");
        for (_, m, h) in got {
            for english in ["could not", "mapping values", "did not find", "found "] {
                assert!(!m.contains(english) && !h.contains(english), "{m} {h}");
            }
        }
        // An unknown message keeps the original after a Chinese summary.
        let (m, _) = parser_message_zh("something new at line 1 column 2");
        assert_eq!(m, "YAML 语法错误（解析器原文：something new）");
    }
}
