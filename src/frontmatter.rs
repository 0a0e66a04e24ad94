//! Front matter: split it off the Markdown, parse it with serde_yaml, and
//! locate every key in the source so that diagnostics carry a line.
//!
//! serde_yaml gives no spans for values, so a small indentation-based
//! locator maps key paths (`contact.phone`, `attachments[0].file`) to byte
//! ranges. It understands block style, which is what authors write; for
//! flow style it falls back to the enclosing key.

use std::collections::HashMap;
use std::ops::Range;

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
