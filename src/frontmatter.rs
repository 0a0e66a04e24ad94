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
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_end].trim_end_matches(['\n', '\r']);
    if first.trim_end() != "---" {
        return SplitResult::Missing;
    }
    let open = 0..first.len();
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
    if !vtext.starts_with('"')
        && !vtext.starts_with('\'')
        && let Some(i) = vtext.find(" #")
    {
        vend = vstart + i;
    }
    let vtrim = line[vstart..vend].trim_end();
    Some((key, key_range, vstart..vstart + vtrim.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
