//! Normalised front matter: Chinese field names mapped to canonical keys,
//! unknown and duplicate fields reported, and typed getters that report
//! `frontmatter/invalid-value` at the value's own line.

use crate::rule;
use std::collections::HashMap;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};
use serde_yaml::{Mapping, Value};

use super::schema::{self, FieldSpec, Ty};
use crate::call::parse_datetime;
use crate::diagnostic::{Diagnostic, Severity};
use crate::frontmatter::{Loc, Split};
use crate::source::SourceFile;
use crate::text::closest;

/// A value with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    /// The value's bytes (the key's when the value is a block).
    pub span: Range<usize>,
    /// The key's bytes.
    pub key: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub split: Split,
    /// Mapping with canonical keys only.
    pub root: Mapping,
    /// Canonical path → location.
    pub locs: HashMap<String, Loc>,
}

impl FrontMatter {
    /// Normalise a parsed mapping against a schema.
    pub fn normalize(
        split: Split,
        raw: &Mapping,
        raw_locs: &HashMap<String, Loc>,
        specs: &'static [FieldSpec],
        src: &SourceFile,
        diags: &mut Vec<Diagnostic>,
    ) -> FrontMatter {
        let mut locs = HashMap::new();
        let open = split.open.clone();
        let root = normalize_map(raw, specs, "", "", raw_locs, &mut locs, &open, src, diags);
        FrontMatter { split, root, locs }
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        #[cfg(test)]
        asked::record(path);
        let mut cur: Option<&Value> = None;
        let mut map = Some(&self.root);
        for seg in path_segments(path) {
            let v = match seg {
                Seg::Key(k) => map?.get(k)?,
                Seg::Index(i) => cur?.as_sequence()?.get(i)?,
            };
            cur = Some(v);
            map = v.as_mapping();
        }
        cur
    }

    /// Where to point for a path: its own location, else the nearest
    /// located parent, else the opening `---`.
    pub fn loc(&self, path: &str) -> Loc {
        let mut p = path.to_string();
        loop {
            if let Some(l) = self.locs.get(&p) {
                return l.clone();
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => {
                    return Loc {
                        key: self.split.open.clone(),
                        value: self.split.open.clone(),
                    };
                }
            }
        }
    }

    pub fn has(&self, path: &str) -> bool {
        self.get(path).is_some_and(|v| !is_empty(v))
    }
}

pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Sequence(s) => s.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        _ => false,
    }
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_segments(path: &str) -> impl Iterator<Item = Seg<'_>> {
    path.split('.').flat_map(|part| {
        let mut out = Vec::new();
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
        out
    })
}

fn key_text(k: &Value) -> Option<String> {
    match k {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

#[allow(clippy::too_many_arguments)]
fn normalize_map(
    raw: &Mapping,
    specs: &'static [FieldSpec],
    raw_prefix: &str,
    canon_prefix: &str,
    raw_locs: &HashMap<String, Loc>,
    locs: &mut HashMap<String, Loc>,
    fallback: &Range<usize>,
    src: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Mapping {
    let mut out = Mapping::new();
    let mut first_name: HashMap<&str, String> = HashMap::new();
    for (k, v) in raw {
        let Some(key) = key_text(k) else { continue };
        let raw_path = join(raw_prefix, &key);
        let loc = raw_locs.get(&raw_path).cloned();
        let key_span = loc.as_ref().map_or(fallback.clone(), |l| l.key.clone());
        let Some(spec) = schema::find(specs, &key) else {
            let mut d = Diagnostic::at(
                rule::FRONTMATTER_UNKNOWN_FIELD,
                Severity::Warning,
                src,
                key_span,
                format!("未知字段“{key}”，将被忽略"),
            )
            .with_label("未知字段");
            d = match closest(&key, schema::all_names(specs)) {
                Some(s) => d.with_help(format!("是否想写“{s}”？")),
                None => d.with_help(format!(
                    "可用字段：{}",
                    specs
                        .iter()
                        .map(|s| s.key.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            };
            diags.push(d);
            continue;
        };
        if let Some(prev) = first_name.get(spec.key.as_str()) {
            diags.push(
                Diagnostic::at(
                    rule::FRONTMATTER_DUPLICATE_FIELD,
                    Severity::Error,
                    src,
                    key_span,
                    format!("字段“{key}”与前面的“{prev}”是同一个字段（{}）", spec.key),
                )
                .with_help("删去其中一个，只保留一处")
                .with_label("重复"),
            );
            continue;
        }
        first_name.insert(spec.key.as_str(), key.clone());
        let canon_path = join(canon_prefix, &spec.key);
        if let Some(l) = &loc {
            locs.insert(canon_path.clone(), l.clone());
        }
        let value = match (&spec.ty, v) {
            (Ty::Map(children), Value::Mapping(m)) => Value::Mapping(normalize_map(
                m,
                children,
                &raw_path,
                &canon_path,
                raw_locs,
                locs,
                &key_span,
                src,
                diags,
            )),
            (Ty::Items(children), Value::Sequence(items)) => Value::Sequence(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::Mapping(m) => {
                            let rp = format!("{raw_path}[{i}]");
                            let cp = format!("{canon_path}[{i}]");
                            if let Some(l) = raw_locs.get(&rp) {
                                locs.insert(cp.clone(), l.clone());
                            }
                            Value::Mapping(normalize_map(
                                m, children, &rp, &cp, raw_locs, locs, &key_span, src, diags,
                            ))
                        }
                        other => other.clone(),
                    })
                    .collect(),
            ),
            (Ty::DateMap, Value::Mapping(m)) => {
                for (mk, _) in m {
                    if let Some(mk) = key_text(mk)
                        && let Some(l) = raw_locs.get(&join(&raw_path, &mk))
                    {
                        locs.insert(join(&canon_path, &mk), l.clone());
                    }
                }
                v.clone()
            }
            _ => v.clone(),
        };
        out.insert(Value::String(spec.key.to_string()), value);
    }
    out
}

/// A number in a text: `1,234.5`, `12.5万元`, `３０`. None for anything else.
pub fn parse_number(s: &str) -> Option<f64> {
    let folded: String = s
        .trim()
        .chars()
        .map(crate::text::fold_width)
        .filter(|c| *c != ',')
        .collect();
    let end = folded
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-'))
        .map_or(folded.len(), |(i, _)| i);
    let (num, rest) = folded.split_at(end);
    let unit_ok = rest.trim().chars().all(|c| !c.is_ascii_digit());
    if num.is_empty() || !unit_ok {
        return None;
    }
    num.parse().ok()
}

/// A yes/no answer: 是/否, 有/无, yes/no, true/false, √/×, alone or
/// followed by a note in brackets (`否（全部位于伏牛市境内）`,
/// `是(2019年以来未发生)`). None for anything else, a note not in
/// brackets included (`是，但…` may say the opposite).
pub fn yes_no(s: &str) -> Option<bool> {
    let word = |w: &str| match w {
        "是" | "有" | "yes" | "Yes" | "true" | "True" | "√" => Some(true),
        "否" | "无" | "no" | "No" | "false" | "False" | "×" => Some(false),
        _ => None,
    };
    let t = s.trim();
    if let Some(b) = word(t) {
        return Some(b);
    }
    let t = t.trim_end_matches(['。', '.']);
    let open = t.find(['（', '('])?;
    let (answer, note) = t.split_at(open);
    // One bracketed note, the whole rest of the text (either bracket).
    let inner = note
        .strip_prefix(['（', '('])
        .and_then(|n| n.strip_suffix(['）', ')']))?;
    if inner.contains(['（', '(', '）', ')']) {
        return None;
    }
    word(answer.trim())
}

/// Typed access to normalised front matter. Wrong types are reported once,
/// as `frontmatter/invalid-value`, and read as absent.
pub struct Reader<'a> {
    pub fm: &'a FrontMatter,
    pub src: &'a SourceFile,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn spanned<T>(&self, path: &str, value: T) -> Spanned<T> {
        let loc = self.fm.loc(path);
        Spanned {
            value,
            span: loc.value,
            key: loc.key,
        }
    }

    fn invalid(&mut self, path: &str, message: String, help: &str) {
        let loc = self.fm.loc(path);
        self.diags.push(
            Diagnostic::at(
                rule::FRONTMATTER_INVALID_VALUE,
                Severity::Error,
                self.src,
                loc.value,
                message,
            )
            .with_help(help.to_string()),
        );
    }

    pub fn str(&mut self, path: &str) -> Option<Spanned<String>> {
        let v = self.fm.get(path)?.clone();
        match v {
            Value::String(s) if !s.trim().is_empty() => {
                Some(self.spanned(path, s.trim().to_string()))
            }
            Value::Number(n) => Some(self.spanned(path, n.to_string())),
            Value::Null | Value::String(_) => None,
            Value::Bool(_) | Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => {
                self.invalid(
                    path,
                    format!("字段 {path} 应为一段文字"),
                    "写成 `键: 文字`，含冒号等符号时加引号",
                );
                None
            }
        }
    }

    /// A yes/no field: 是/否 (有/无, yes/no, true/false, √/×), also with
    /// a note in brackets after the answer (`否（全部位于伏牛市境内）`),
    /// which stays in the text as written.
    pub fn bool(&mut self, path: &str) -> Option<Spanned<bool>> {
        let v = self.fm.get(path)?.clone();
        let b = match &v {
            Value::Bool(b) => Some(*b),
            Value::Null => return None,
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => yes_no(s),
            _ => None,
        };
        match b {
            Some(b) => Some(self.spanned(path, b)),
            None => {
                self.invalid(
                    path,
                    format!("字段 {path} 应为“是”或“否”"),
                    "可写 是/否 或 true/false",
                );
                None
            }
        }
    }

    /// A list of short texts: a YAML list, or one text separated by
    /// 、，,；; (also an item of a one-line `[甲，乙]` or of a one-item
    /// list, where the full-width comma was meant as YAML's). A text in
    /// full-width brackets `【甲, 乙】` is read as the list it was meant to
    /// be, with a warning.
    pub fn list(&mut self, path: &str) -> Vec<Spanned<String>> {
        let Some(v) = self.fm.get(path).cloned() else {
            return Vec::new();
        };
        let items: Vec<String> = match v {
            Value::Sequence(seq) => {
                let written = &self.src.text[self.src.clamp_range(self.fm.loc(path).value)];
                let split_items = seq.len() == 1 || written.starts_with('[');
                let mut out = Vec::new();
                for item in seq {
                    match item {
                        Value::String(s) if split_items => {
                            out.extend(s.split(['、', '，']).map(str::to_string))
                        }
                        Value::String(s) => out.push(s),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Null => {}
                        _ => {
                            self.invalid(
                                path,
                                format!("字段 {path} 应为文字列表"),
                                "写成 [甲, 乙] 或每行一个 `- 甲`",
                            );
                            return Vec::new();
                        }
                    }
                }
                out
            }
            Value::String(s) => {
                let t = s.trim();
                let inner = [('【', '】'), ('［', '］'), ('〔', '〕')]
                    .iter()
                    .find_map(|(open, close)| t.strip_prefix(*open)?.strip_suffix(*close));
                let s = match inner {
                    Some(inner) => {
                        let loc = self.fm.loc(path);
                        self.diags.push(
                            Diagnostic::at(
                                rule::FRONTMATTER_INVALID_VALUE,
                                Severity::Warning,
                                self.src,
                                loc.value,
                                format!(
                                    "字段 {path} 用了中文方括号：列表要用英文方括号 [ ]，这里按列表读取"
                                ),
                            )
                            .with_label("中文方括号")
                            .with_help(format!(
                                "改成英文方括号和英文逗号：`[{}]`",
                                inner
                                    .split(['、', '，', ',', '；', ';'])
                                    .map(str::trim)
                                    .filter(|x| !x.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                        inner
                    }
                    None => t,
                };
                s.split(['、', '，', ',', '；', ';'])
                    .map(str::to_string)
                    .collect()
            }
            Value::Null => Vec::new(),
            _ => {
                self.invalid(
                    path,
                    format!("字段 {path} 应为文字列表"),
                    "写成 [甲, 乙] 或每行一个 `- 甲`",
                );
                return Vec::new();
            }
        };
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| self.spanned(path, s))
            .collect()
    }

    /// A number, written as a YAML number or as digits in a text (commas
    /// and a trailing unit such as 万元 are tolerated).
    pub fn num(&mut self, path: &str) -> Option<Spanned<f64>> {
        let v = self.fm.get(path)?.clone();
        let parsed = match &v {
            Value::Number(n) => n.as_f64(),
            Value::Null => return None,
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => parse_number(s),
            _ => None,
        };
        match parsed {
            Some(n) if !n.is_finite() || n.abs() >= 1e15 => {
                self.invalid(
                    path,
                    format!("字段 {path} 的数字超出范围"),
                    "检查是否多写了位数；单位见字段说明",
                );
                None
            }
            Some(n) if n < 0.0 => {
                self.invalid(
                    path,
                    format!("字段 {path} 不能是负数"),
                    "只写不小于 0 的数字，如 12.5（单位见字段说明）",
                );
                None
            }
            Some(n) => Some(self.spanned(path, n)),
            None => {
                self.invalid(
                    path,
                    format!("字段 {path} 应为数字"),
                    "只写数字，如 12.5（单位见字段说明）",
                );
                None
            }
        }
    }

    pub fn date(&mut self, path: &str, end_of_day: bool) -> Option<Spanned<DateTime<FixedOffset>>> {
        let s = self.str(path)?;
        match parse_datetime(&s.value, end_of_day) {
            Some(d) => Some(Spanned {
                value: d,
                span: s.span,
                key: s.key,
            }),
            None => {
                // A date in a known form that cannot exist gets the same
                // reason as one in the text (4月只有30天).
                let reason = crate::text::date_parts(&s.value)
                    .and_then(|(y, m, d)| crate::text::impossible_date(Some(y), m, d));
                match reason {
                    Some(reason) => self.invalid(
                        path,
                        format!("“{}”这个日期不存在：{reason}", s.value.trim()),
                        "改正日期",
                    ),
                    None => self.invalid(
                        path,
                        format!("无法识别的日期“{}”", s.value),
                        "写成 2022-06-28 或 2022-06-28 16:00（北京时间）",
                    ),
                }
                None
            }
        }
    }

    /// Keys of a map field, in order.
    pub fn keys(&self, path: &str) -> Vec<String> {
        match self.fm.get(path) {
            Some(Value::Mapping(m)) => m.keys().filter_map(key_text).collect(),
            _ => Vec::new(),
        }
    }

    pub fn len(&self, path: &str) -> usize {
        match self.fm.get(path) {
            Some(Value::Sequence(s)) => s.len(),
            _ => 0,
        }
    }

    /// Report a map or list field written as something else.
    pub fn expect_shape(&mut self, path: &str, ty: &Ty) {
        let Some(v) = self.fm.get(path) else { return };
        let ok = match ty {
            Ty::Map(_) | Ty::DateMap => matches!(v, Value::Mapping(_) | Value::Null),
            Ty::Items(_) => matches!(v, Value::Sequence(_) | Value::Null),
            _ => true,
        };
        if !ok {
            let help = match ty {
                Ty::Items(_) => "写成列表：每项以 `- ` 开头",
                _ => "写成缩进的子字段，如\n  name: 张三",
            };
            self.invalid(path, format!("字段 {path} 的写法不对"), help);
        }
    }
}

/// In tests, every path the readers and rules ask the front matter for, so
/// that a test can hold each one against the field specs.
#[cfg(test)]
pub(crate) mod asked {
    use std::cell::RefCell;

    thread_local! {
        static ASKED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    }

    pub fn record(path: &str) {
        ASKED.with(|a| {
            if let Some(v) = a.borrow_mut().as_mut() {
                v.push(path.to_string());
            }
        });
    }

    /// Run `f` and return the paths it asked for.
    pub fn during(f: impl FnOnce()) -> Vec<String> {
        ASKED.with(|a| *a.borrow_mut() = Some(Vec::new()));
        f();
        ASKED.with(|a| a.borrow_mut().take().unwrap_or_default())
    }
}
