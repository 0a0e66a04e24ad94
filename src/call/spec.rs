//! What each key of a call file (and of `shenbao.yaml`) means, as data
//! (`presets/call-spec.yaml`, `presets/config-spec.yaml`): one source for
//! the Chinese comments `shenbao new call` writes, the JSON Schemas
//! `shenbao schema` prints, and the parts a call must state when it does
//! not `extends:` another.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value as Json, json};
use serde_yaml::Value as Yaml;

const CALL_SPEC: &str = include_str!("presets/call-spec.yaml");
const CONFIG_SPEC: &str = include_str!("presets/config-spec.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ty {
    Text,
    Integer,
    Number,
    Boolean,
    Choice,
    List,
    Object,
    Map,
    OneOf,
    /// The list item this node stands in (an outline entry's children).
    #[serde(rename = "self")]
    SelfRef,
    /// The item of the list at `ref` (a dotted key path).
    Ref,
}

/// One key of a YAML file (or a list's item, without a key).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub ty: Ty,
    /// A file that does not `extends:` another must state it.
    #[serde(default)]
    pub required: bool,
    /// Always merged over the shipped value (a partial section is fine).
    #[serde(default)]
    pub builtin: bool,
    #[serde(default)]
    pub example: Option<Yaml>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub item: Option<Box<Node>>,
    #[serde(default)]
    pub fields: Vec<Node>,
    #[serde(default)]
    pub value: Option<Box<Node>>,
    #[serde(default)]
    pub options: Vec<Node>,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// Fields of the referenced item that are optional here.
    #[serde(default)]
    pub optional: Vec<String>,
}

fn parse(text: &str) -> Vec<Node> {
    // Embedded data, checked by a unit test: broken is a bug.
    serde_yaml::from_str(text).expect("embedded key spec parses")
}

/// The keys of a call file.
pub fn call() -> &'static [Node] {
    static SPEC: OnceLock<Vec<Node>> = OnceLock::new();
    SPEC.get_or_init(|| parse(CALL_SPEC))
}

/// The keys of `shenbao.yaml`.
pub fn config() -> &'static [Node] {
    static SPEC: OnceLock<Vec<Node>> = OnceLock::new();
    SPEC.get_or_init(|| parse(CONFIG_SPEC))
}

/// The item of the list at the dotted key path `path` (`outline`,
/// `voluntary.stages`).
fn list_item<'a>(root: &'a [Node], path: &str) -> Option<&'a Node> {
    let mut nodes = root;
    let mut found: Option<&Node> = None;
    for key in path.split('.') {
        let node = nodes.iter().find(|n| n.key == key)?;
        found = Some(node);
        nodes = &node.fields;
    }
    found?.item.as_deref()
}

/// A node with `ref`/`self` replaced by what it stands for; `here` is the
/// dotted path of the list whose item encloses it.
pub fn resolve<'a>(node: &'a Node, root: &'a [Node], here: &str) -> Cow<'a, Node> {
    let target = match node.ty {
        Ty::SelfRef => list_item(root, here),
        Ty::Ref => node.reference.as_deref().and_then(|r| list_item(root, r)),
        _ => return Cow::Borrowed(node),
    };
    match target {
        Some(t) if node.optional.is_empty() => Cow::Borrowed(t),
        Some(t) => {
            let mut t = t.clone();
            for f in &mut t.fields {
                if node.optional.contains(&f.key) {
                    f.required = false;
                }
            }
            Cow::Owned(t)
        }
        None => Cow::Borrowed(node),
    }
}

/// The keys a file that does not `extends:` another must state, as
/// (dotted path, title): top-level keys, and the keys of sections that
/// merge (not those inside lists, which are checked per item).
pub fn required_top(root: &[Node]) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    fn walk<'a>(nodes: &'a [Node], prefix: &str, out: &mut Vec<(String, &'a Node)>) {
        for n in nodes {
            let path = if prefix.is_empty() {
                n.key.clone()
            } else {
                format!("{prefix}.{}", n.key)
            };
            if n.required {
                out.push((path.clone(), n));
            }
            if n.ty == Ty::Object && !n.builtin {
                walk(&n.fields, &path, out);
            }
        }
    }
    walk(root, "", &mut out);
    out
}

// ---------------------------------------------------------------- schema

/// A JSON Schema (draft 2020-12) for a file whose keys `root` describes,
/// with the Chinese titles and descriptions. `extends` lifts the
/// required keys of merged sections (a file that extends another states
/// only what changed).
pub fn json_schema(root: &[Node], id: &str, title: &str) -> Json {
    let mut defs = Map::new();
    let mut props = Map::new();
    for n in root {
        props.insert(
            n.key.clone(),
            node_schema(n, root, "", &mut defs, n.key.as_str()),
        );
    }
    let strict = strict_overlay(root);
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id,
        "title": title,
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    });
    if root.iter().any(|n| n.key == "extends") {
        schema["if"] = json!({"required": ["extends"]});
        schema["then"] = json!({});
        schema["else"] = strict;
    } else if let Json::Object(s) = strict {
        for (k, v) in s {
            schema[k] = v;
        }
    }
    if !defs.is_empty() {
        schema["$defs"] = Json::Object(defs);
    }
    schema
}

/// `required` for the top level and the merged sections.
fn strict_overlay(nodes: &[Node]) -> Json {
    let required: Vec<&str> = nodes
        .iter()
        .filter(|n| n.required)
        .map(|n| n.key.as_str())
        .collect();
    let mut props = Map::new();
    for n in nodes.iter().filter(|n| n.ty == Ty::Object && !n.builtin) {
        let inner = strict_overlay(&n.fields);
        if inner.as_object().is_some_and(|o| !o.is_empty()) {
            props.insert(n.key.clone(), inner);
        }
    }
    let mut out = Map::new();
    if !required.is_empty() {
        out.insert("required".into(), json!(required));
    }
    if !props.is_empty() {
        out.insert("properties".into(), Json::Object(props));
    }
    Json::Object(out)
}

fn described(mut s: Json, n: &Node) -> Json {
    if !n.title.is_empty() {
        s["title"] = json!(n.title);
    }
    if !n.description.is_empty() {
        s["description"] = json!(n.description);
    }
    if let Some(ex) = &n.example
        && let Ok(ex) = serde_json::to_value(ex)
    {
        s["examples"] = json!([ex]);
    }
    s
}

/// The schema of one node. `here` is the dotted path of the list whose
/// item encloses it; `path` its own dotted path; list items whose
/// fields lists are in a list are checked with their `required`.
fn node_schema(
    n: &Node,
    root: &[Node],
    here: &str,
    defs: &mut Map<String, Json>,
    path: &str,
) -> Json {
    let s = match n.ty {
        Ty::Text => json!({"type": "string"}),
        Ty::Integer => json!({"type": "integer"}),
        Ty::Number => json!({"type": "number"}),
        Ty::Boolean => json!({"type": "boolean"}),
        Ty::Choice => json!({"type": "string", "enum": n.values}),
        Ty::List => {
            let item = n.item.as_deref().map_or(json!({}), |i| {
                // `self` is the item of the list that encloses this one.
                let home = if i.ty == Ty::SelfRef { here } else { path };
                node_schema(i, root, home, defs, path)
            });
            json!({"type": "array", "items": item})
        }
        Ty::Map => {
            let value = n
                .value
                .as_deref()
                .map_or(json!({}), |v| node_schema(v, root, here, defs, path));
            json!({"type": "object", "additionalProperties": value})
        }
        Ty::OneOf => {
            let options: Vec<Json> = n
                .options
                .iter()
                .map(|o| node_schema(o, root, here, defs, path))
                .collect();
            json!({"oneOf": options})
        }
        Ty::Object => {
            let mut props = Map::new();
            for f in &n.fields {
                let p = format!("{path}.{}", f.key);
                props.insert(f.key.clone(), node_schema(f, root, here, defs, &p));
            }
            let mut s =
                json!({"type": "object", "properties": props, "additionalProperties": false});
            // A list's items are whole (never merged): their required
            // fields hold in every file; a merged section's are in the
            // strict overlay.
            let in_list = n.key.is_empty();
            let required: Vec<&str> = n
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.key.as_str())
                .collect();
            if in_list && !required.is_empty() {
                s["required"] = json!(required);
            }
            s
        }
        Ty::SelfRef | Ty::Ref => {
            let target = match n.ty {
                Ty::SelfRef => here.to_string(),
                _ => n.reference.clone().unwrap_or_default(),
            };
            let name = if n.optional.is_empty() {
                target.clone()
            } else {
                format!("{target}-{}", n.optional.join("-"))
            };
            if !defs.contains_key(&name) {
                // Reserve the name first: the item may refer to itself.
                defs.insert(name.clone(), json!({}));
                let resolved = resolve(n, root, here);
                let s = node_schema(&resolved, root, &target, defs, &target);
                defs.insert(name.clone(), s);
            }
            return json!({"$ref": format!("#/$defs/{name}")});
        }
    };
    described(s, n)
}

// ------------------------------------------------------- commented YAML

/// `value` (a whole call, as serde writes it) as YAML with each key's
/// Chinese title and description above it; keys the value leaves empty
/// are written commented out with their example. The keys of a list's
/// items are explained once, on its first item.
pub fn commented_yaml(root: &[Node], value: &Yaml) -> String {
    let mut e = Emitter {
        root,
        out: String::new(),
        explained: Default::default(),
    };
    let map = value.as_mapping();
    for n in root {
        let v = map.and_then(|m| m.get(n.key.as_str()));
        e.key(n, v, "", &n.key, 0, true);
    }
    e.out
}

struct Emitter<'a> {
    root: &'a [Node],
    out: String,
    /// The lists (by the path of their item's home) already explained.
    explained: std::collections::HashSet<String>,
}

fn is_empty(v: Option<&Yaml>) -> bool {
    match v {
        None | Some(Yaml::Null) => true,
        Some(Yaml::Sequence(s)) => s.is_empty(),
        Some(Yaml::Mapping(m)) => m.is_empty(),
        _ => false,
    }
}

impl Emitter<'_> {
    fn comment(&mut self, n: &Node, indent: usize) {
        let pad = " ".repeat(indent);
        let required = if n.required { "（必填）" } else { "" };
        self.out.push_str(&format!(
            "{pad}# {}{required}：{}\n",
            n.title, n.description
        ));
    }

    /// One key: its comment (when `explain`), then its value; `here` is
    /// the path of the list whose item encloses it, `path` its own.
    fn key(
        &mut self,
        n: &Node,
        v: Option<&Yaml>,
        here: &str,
        path: &str,
        indent: usize,
        explain: bool,
    ) {
        let pad = " ".repeat(indent);
        if explain {
            self.comment(n, indent);
        }
        let root = self.root;
        let n = resolve(n, root, here);
        // An empty list a file must state is written (`regions: []`).
        if is_empty(v) && !(n.required && matches!(v, Some(Yaml::Sequence(_)))) {
            // Left out: shown commented, with its example.
            if let Some(ex) = n.example.as_ref().filter(|_| explain) {
                self.out
                    .push_str(&format!("{pad}# {}: {}\n", n.key, flow(ex)));
            }
            return;
        }
        let Some(v) = v else { return };
        match (n.ty, v) {
            (Ty::Object, Yaml::Mapping(m)) => {
                self.out.push_str(&format!("{pad}{}:\n", n.key));
                for f in &n.fields {
                    let p = format!("{path}.{}", f.key);
                    self.key(f, m.get(f.key.as_str()), here, &p, indent + 2, explain);
                }
            }
            (Ty::List, Yaml::Sequence(items)) => {
                let item = n.item.as_deref().map(|i| {
                    // `self` is the item of the list that encloses this one.
                    let home = if i.ty == Ty::SelfRef { here } else { path };
                    (resolve(i, root, home), home.to_string())
                });
                match item {
                    Some((i, home)) if i.ty == Ty::Object && !items.is_empty() => {
                        self.out.push_str(&format!("{pad}{}:\n", n.key));
                        let first = self
                            .explained
                            .insert(format!("{home}|{}", n.optional.join(",")));
                        for (k, it) in items.iter().enumerate() {
                            self.item(&i, it, &home, path, indent + 2, explain && first && k == 0);
                        }
                    }
                    _ => {
                        let text = list_text(v, indent);
                        let sep = if text.starts_with('\n') { "" } else { " " };
                        self.out.push_str(&format!("{pad}{}:{sep}{text}\n", n.key));
                    }
                }
            }
            (Ty::Map, Yaml::Mapping(m)) => {
                self.out.push_str(&format!("{pad}{}:\n", n.key));
                for (k, val) in m {
                    self.out
                        .push_str(&format!("{pad}  {}: {}\n", scalar(k, true), flow(val)));
                }
            }
            _ => self.out.push_str(&format!("{pad}{}: {}\n", n.key, flow(v))),
        }
    }

    /// One item of a list of objects: `- first: …` and its other keys
    /// under it.
    fn item(
        &mut self,
        item: &Node,
        v: &Yaml,
        list: &str,
        path: &str,
        indent: usize,
        explain: bool,
    ) {
        let Yaml::Mapping(m) = v else {
            self.out
                .push_str(&format!("{}- {}\n", " ".repeat(indent), flow(v)));
            return;
        };
        let outer = std::mem::take(&mut self.out);
        for f in &item.fields {
            let fv = m.get(f.key.as_str());
            if !explain && is_empty(fv) {
                continue;
            }
            let p = format!("{path}.{}", f.key);
            self.key(f, fv, list, &p, indent + 2, explain);
        }
        let body = std::mem::replace(&mut self.out, outer);
        // The first line that is not a comment takes the dash.
        let pad = " ".repeat(indent + 2);
        let mut dashed = false;
        for line in body.lines() {
            let is_key = !line.trim_start().starts_with('#');
            if is_key && !dashed && line.starts_with(&pad) {
                self.out
                    .push_str(&format!("{}- {}\n", " ".repeat(indent), &line[pad.len()..]));
                dashed = true;
            } else {
                self.out.push_str(line);
                self.out.push('\n');
            }
        }
    }
}

/// A list as flow YAML, wrapped at about 80 columns (a flow sequence may
/// span lines); a list of lists or maps as a block, one per line.
fn list_text(v: &Yaml, indent: usize) -> String {
    let f = flow(v);
    let Yaml::Sequence(items) = v else { return f };
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    if width(&f) + indent <= 80 {
        return f;
    }
    let pad = " ".repeat(indent + 2);
    if items
        .iter()
        .any(|i| matches!(i, Yaml::Sequence(_) | Yaml::Mapping(_)))
    {
        return items
            .iter()
            .map(|it| format!("\n{pad}- {}", flow(it)))
            .collect();
    }
    let mut out = String::from("[");
    let mut line = indent + 1;
    for (k, it) in items.iter().enumerate() {
        let text = flow(it);
        let last = k + 1 == items.len();
        let piece = if last { text } else { format!("{text},") };
        if k > 0 {
            if line + 1 + width(&piece) > 80 {
                out.push('\n');
                out.push_str(&pad);
                line = pad.len();
            } else {
                out.push(' ');
                line += 1;
            }
        }
        line += width(&piece);
        out.push_str(&piece);
    }
    out.push(']');
    out
}

/// A value in flow style: `[a, b]`, `{k: v}`, or a scalar.
pub fn flow(v: &Yaml) -> String {
    match v {
        Yaml::Sequence(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Yaml::Mapping(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", scalar(k, true), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Yaml::Tagged(t) => flow(&t.value),
        other => scalar(other, true),
    }
}

/// A scalar as YAML; in flow context, a string with a flow indicator is
/// double-quoted (JSON's quoting is valid YAML).
fn scalar(v: &Yaml, in_flow: bool) -> String {
    let text = serde_yaml::to_string(v).unwrap_or_default();
    let text = text.trim_end_matches('\n');
    let Yaml::String(s) = v else {
        // 7.0 reads back as 7 into a number field.
        if let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
            && !v.is_i64()
            && !v.is_u64()
        {
            return format!("{}", f as i64);
        }
        return text.to_string();
    };
    let quoted = text.starts_with('"') || text.starts_with('\'');
    let risky = text.contains('\n')
        || text.starts_with('|')
        || text.starts_with('>')
        || (in_flow && !quoted && s.contains([',', '[', ']', '{', '}', '#']));
    if risky {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_specs_parse_and_cover_the_call() {
        assert!(!call().is_empty() && !config().is_empty());
        // Every key serde writes for the shipped call has a node.
        let preset = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let value = serde_yaml::to_value(&preset).unwrap();
        fn check(v: &Yaml, nodes: &[Node], root: &[Node], here: &str, path: &str) {
            let Yaml::Mapping(m) = v else { return };
            for (k, val) in m {
                let k = k.as_str().unwrap();
                let node = nodes
                    .iter()
                    .find(|n| n.key == k)
                    .unwrap_or_else(|| panic!("no spec for {path}.{k}"));
                let node = resolve(node, root, here);
                let p = format!("{path}.{k}");
                match (&*node, val) {
                    (n, Yaml::Mapping(_)) if n.ty == Ty::Object => {
                        check(val, &n.fields, root, here, &p)
                    }
                    (n, Yaml::Sequence(items)) if n.ty == Ty::List => {
                        let list = p.trim_start_matches('.').to_string();
                        if let Some(i) = n.item.as_deref() {
                            let home = if i.ty == Ty::SelfRef { here } else { &list };
                            let mut i = resolve(i, root, home);
                            if i.ty == Ty::OneOf
                                && let Some(o) = i.options.iter().find(|o| o.ty == Ty::Object)
                            {
                                i = Cow::Owned(o.clone());
                            }
                            for it in items {
                                check(it, &i.fields, root, home, &p);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        check(&value, call(), call(), "", "");
    }

    #[test]
    fn the_commented_call_reads_back_as_the_same_call() {
        let preset = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
            .unwrap()
            .unwrap();
        let value = serde_yaml::to_value(&preset).unwrap();
        let text = commented_yaml(call(), &value);
        let (calls_part, _) = text.split_once("\nvoluntary:").unwrap();
        let back = crate::call::Call::from_yaml(&text)
            .unwrap_or_else(|e| panic!("{} at {:?}\n{text}", e.message, e.line));
        assert_eq!(serde_yaml::to_value(&back).unwrap(), value);
        // Explained in Chinese, once per list.
        assert!(text.contains("# 最少字数（必填）："), "{text}");
        assert_eq!(calls_part.matches("# 最少字数").count(), 1, "{text}");
        // Left out, shown with its example.
        assert!(text.contains("# pilot_period: {start: 2023-09"), "{text}");
    }

    #[test]
    fn the_schema_states_required_keys_unless_the_file_extends_another() {
        let s = json_schema(call(), "call", "通知定义");
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let required = s["else"]["required"].as_array().unwrap();
        assert!(required.iter().any(|r| r == "milestones"));
        assert!(
            s["$defs"]["outline"]["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "min_chars")
        );
        assert_eq!(s["properties"]["outline"]["title"], "编制大纲");
    }
}
