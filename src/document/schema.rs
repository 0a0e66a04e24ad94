//! Front-matter fields as data. Each document kind's fields live in YAML
//! beside the call presets (`src/call/presets/fields/*.yaml`): canonical
//! English key, the Chinese label every view and rule prints, other
//! Chinese names an author may write (aliases), type, whether required,
//! and the comment and example the scaffold writes. This module reads that
//! data once and answers questions about it.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use serde::Deserialize;

/// The embedded field files, in the order their kinds are listed.
const FILES: &[(&str, &str)] = &[
    (
        "fields/plan.yaml",
        include_str!("../call/presets/fields/plan.yaml"),
    ),
    (
        "fields/voluntary.yaml",
        include_str!("../call/presets/fields/voluntary.yaml"),
    ),
    (
        "fields/response.yaml",
        include_str!("../call/presets/fields/response.yaml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    /// A list of short texts; a single text separated by 、，, also works.
    StrList,
    Date,
    Map(Vec<FieldSpec>),
    /// A list of maps.
    Items(Vec<FieldSpec>),
    /// Free keys (milestone ids) with dates as values.
    DateMap,
}

impl Ty {
    pub fn children(&self) -> &[FieldSpec] {
        match self {
            Ty::Map(c) | Ty::Items(c) => c,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: String,
    /// The Chinese name every view prints.
    pub label: String,
    /// Other Chinese names an author may write instead of the key.
    pub aliases: Vec<String>,
    pub ty: Ty,
    pub required: bool,
    /// Chinese explanation, written as a comment by `shenbao new`.
    pub comment: String,
    /// Value the scaffold writes (YAML text).
    pub example: String,
    /// The notice's printed form's wording, where it differs from `label`.
    pub annex: Option<String>,
}

impl FieldSpec {
    /// The Chinese names, label first; the notice's printed form's own
    /// wording (`annex`) is a name too (authors copy it from the form).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.label.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.annex.as_deref())
    }

    fn matches(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key) || self.names().any(|n| n == key)
    }
}

/// One document kind as data: its id, Chinese name, other names and fields.
#[derive(Debug, Clone)]
pub struct KindSpec {
    pub id: String,
    pub name: String,
    /// The word `shenbao new` takes for the kind (`plan`; else its id).
    pub command: String,
    pub aliases: Vec<String>,
    pub fields: Vec<FieldSpec>,
}

pub const KIND_KEYS: &[&str] = &["kind", "类型", "文档类型"];

// ---- the YAML as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    groups: HashMap<String, Vec<RawSpec>>,
    kinds: indexmap_like::Ordered<RawKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    /// Required for a kind the program knows; absent when a project's
    /// file only adds fields to one.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    fields: Vec<RawSpec>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    key: String,
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(rename = "type")]
    ty: RawTy,
    /// The group a map or items field holds.
    #[serde(default)]
    fields: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    example: String,
    #[serde(default)]
    annex: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum RawTy {
    Text,
    YesNo,
    List,
    Date,
    Map,
    Items,
    DateMap,
}

/// A YAML mapping read in its written order (serde_yaml's `Mapping` keeps
/// it); the kinds are listed in the order their files give them.
mod indexmap_like {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};

    pub struct Ordered<T>(pub Vec<(String, T)>);

    impl<'de, T: DeserializeOwned> Deserialize<'de> for Ordered<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let m = serde_yaml::Mapping::deserialize(d)?;
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                let key = k
                    .as_str()
                    .ok_or_else(|| serde::de::Error::custom("kind ids are texts"))?
                    .to_string();
                let v = serde_yaml::from_value(v).map_err(serde::de::Error::custom)?;
                out.push((key, v));
            }
            Ok(Ordered(out))
        }
    }
}

fn build(
    raw: &RawSpec,
    groups: &HashMap<String, Vec<RawSpec>>,
    depth: usize,
) -> Result<FieldSpec, String> {
    let children = |what: &str| -> Result<Vec<FieldSpec>, String> {
        let name = raw
            .fields
            .as_deref()
            .ok_or_else(|| format!("{}: a {what} field names its group in `fields:`", raw.key))?;
        let group = groups
            .get(name)
            .ok_or_else(|| format!("{}: no group `{name}`", raw.key))?;
        if depth > 8 {
            return Err(format!("{}: groups nest too deep", raw.key));
        }
        group.iter().map(|c| build(c, groups, depth + 1)).collect()
    };
    let ty = match raw.ty {
        RawTy::Text => Ty::Str,
        RawTy::YesNo => Ty::Bool,
        RawTy::List => Ty::StrList,
        RawTy::Date => Ty::Date,
        RawTy::DateMap => Ty::DateMap,
        RawTy::Map => Ty::Map(children("map")?),
        RawTy::Items => Ty::Items(children("items")?),
    };
    Ok(FieldSpec {
        key: raw.key.clone(),
        label: raw.label.clone(),
        aliases: raw.aliases.clone(),
        ty,
        required: raw.required,
        comment: raw.comment.clone(),
        example: raw.example.clone(),
        annex: raw.annex.clone(),
    })
}

/// Read field files into kinds. An error names the file and what is wrong.
fn load(files: &[(&str, &str)]) -> Result<Vec<KindSpec>, String> {
    let mut kinds = Vec::new();
    for (name, text) in files {
        let raw: RawFile = serde_yaml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        for (id, k) in raw.kinds.0 {
            let fields = k
                .fields
                .iter()
                .map(|f| build(f, &raw.groups, 0))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{name}: {id}: {e}"))?;
            let name = k
                .name
                .ok_or_else(|| format!("{name}: {id}: a kind needs its Chinese `name`"))?;
            kinds.push(KindSpec {
                command: k.command.unwrap_or_else(|| id.clone()),
                id,
                name,
                aliases: k.aliases,
                fields,
            });
        }
    }
    Ok(kinds)
}

static BUILTIN: LazyLock<Vec<KindSpec>> = LazyLock::new(|| {
    // The files are part of the program and a unit test reads them; a
    // broken file is a build defect, not user input.
    load(FILES).unwrap_or_else(|e| panic!("embedded field specs: {e}"))
});

/// The kinds in force: the built-in ones, with a project's own fields
/// added when it has a field file (`fields:` in shenbao.yaml). Replaced
/// whole, so a project loaded again gets its file's fields once.
static KINDS: RwLock<Option<&'static [KindSpec]>> = RwLock::new(None);

/// Every document kind's spec, in file order.
pub fn kinds() -> &'static [KindSpec] {
    match KINDS.read() {
        Ok(k) => k.unwrap_or(&BUILTIN),
        Err(poisoned) => poisoned.into_inner().unwrap_or(&BUILTIN),
    }
}

/// A JSON Schema (draft 2020-12) for the front matter of `kind`, with
/// the Chinese labels and comments: each field may be written by its key
/// or any of its Chinese names, as the reader accepts.
pub fn json_schema(kind: &KindSpec) -> serde_json::Value {
    use serde_json::{Map, json};
    fn field(f: &FieldSpec) -> serde_json::Value {
        let mut s = match &f.ty {
            Ty::Str => json!({"type": ["string", "number"]}),
            Ty::Bool => json!({"type": ["boolean", "string"], "examples": ["是", "否"]}),
            Ty::StrList => {
                json!({"type": ["array", "string"], "items": {"type": ["string", "number"]}})
            }
            Ty::Date => json!({"type": "string", "examples": ["2022-06-20"]}),
            Ty::DateMap => {
                json!({"type": ["object", "null"], "additionalProperties": {"type": "string"}})
            }
            Ty::Map(children) => object(children),
            Ty::Items(children) => json!({"type": ["array", "null"], "items": object(children)}),
        };
        s["title"] = json!(f.label);
        if !f.comment.is_empty() {
            s["description"] = json!(f.comment);
        }
        s
    }
    fn object(fields: &[FieldSpec]) -> serde_json::Value {
        let mut props = Map::new();
        let mut all_of = Vec::new();
        for f in fields {
            let schema = field(f);
            let mut names: Vec<&str> = vec![f.key.as_str()];
            names.extend(f.names());
            names.dedup();
            for n in &names {
                props.insert(n.to_string(), schema.clone());
            }
            if f.required {
                let any: Vec<serde_json::Value> =
                    names.iter().map(|n| json!({"required": [n]})).collect();
                all_of.push(json!({"anyOf": any}));
            }
        }
        let mut s = json!({"type": "object", "properties": props, "additionalProperties": false});
        if !all_of.is_empty() {
            s["allOf"] = json!(all_of);
        }
        s
    }
    let mut s = object(&kind.fields);
    let mut kinds = vec![kind.id.clone(), kind.name.clone()];
    kinds.extend(kind.aliases.iter().cloned());
    for key in KIND_KEYS {
        s["properties"][*key] = json!({"title": "文档类型", "enum": kinds});
    }
    s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    s["$id"] = json!(format!("shenbao:{}", kind.id));
    s["title"] = json!(format!("{}的 front matter", kind.name));
    s
}

/// A project's field file that cannot be used: what is wrong, and the
/// line and column it stands at when known.
#[derive(Debug, Clone)]
pub struct ExtendError {
    pub message: String,
    pub at: Option<(usize, usize)>,
}

/// Add a project's own fields (a field file: `kinds:` naming known kinds,
/// each with the `fields:` to add, and `groups:` for their maps and lists)
/// to the built-in kinds, for this process; None puts back the built-in
/// ones. An error names the file's problem, in Chinese.
pub fn extend(file: Option<&str>) -> Result<(), ExtendError> {
    let merged: Option<&'static [KindSpec]> = match file {
        None => None,
        Some(text) => {
            let raw: RawFile = serde_yaml::from_str(text).map_err(|e| {
                let (message, _) = crate::call::yaml_error_zh(&e);
                let at = e.location().map(|l| (l.line(), l.column()));
                ExtendError { message, at }
            })?;
            // The line a semantic problem stands on: its key's line.
            let line_of = |needle: &str| {
                text.lines()
                    .position(|l| l.trim_start().trim_start_matches("- ").starts_with(needle))
                    .map(|i| (i + 1, 1))
            };
            let mut kinds: Vec<KindSpec> = BUILTIN.clone();
            for (id, k) in raw.kinds.0 {
                let Some(kind) = kinds.iter_mut().find(|x| x.id == id) else {
                    let ids: Vec<&str> = BUILTIN.iter().map(|k| k.id.as_str()).collect();
                    return Err(ExtendError {
                        message: format!(
                            "没有“{id}”这种文档类型，只能给已有的类型加字段：{}",
                            ids.join("、")
                        ),
                        at: line_of(&format!("{id}:")),
                    });
                };
                for f in &k.fields {
                    let spec = build(f, &raw.groups, 0).map_err(|e| ExtendError {
                        message: format!("{id}：{e}"),
                        at: line_of(&format!("key: {}", f.key)),
                    })?;
                    if let Some(same) = kind.fields.iter().find(|x| {
                        x.key == spec.key || x.names().any(|n| spec.names().any(|m| m == n))
                    }) {
                        return Err(ExtendError {
                            message: format!(
                                "{id} 已有字段 {}（{}），不能再加“{}”",
                                same.key, same.label, spec.key
                            ),
                            at: line_of(&format!("key: {}", spec.key)),
                        });
                    }
                    kind.fields.push(spec);
                }
            }
            // Kept for the life of the process: a few kilobytes per load.
            Some(Box::leak(kinds.into_boxed_slice()))
        }
    };
    match KINDS.write() {
        Ok(mut k) => *k = merged,
        Err(poisoned) => *poisoned.into_inner() = merged,
    }
    Ok(())
}

/// One kind's spec by id (`pilot-plan`). Ids are those `DocKind::id` gives.
pub fn kind(id: &str) -> &'static KindSpec {
    kinds()
        .iter()
        .find(|k| k.id == id)
        .unwrap_or_else(|| panic!("no field spec for document kind {id}"))
}

/// The fields a project's own field file added to a kind, in its order.
pub fn added_fields(kind_id: &str) -> impl Iterator<Item = &'static FieldSpec> {
    let builtin = BUILTIN.iter().find(|k| k.id == kind_id);
    kind(kind_id)
        .fields
        .iter()
        .filter(move |f| builtin.is_none_or(|b| !b.fields.iter().any(|x| x.key == f.key)))
}

/// Find a field by canonical key or Chinese name.
pub fn find<'a>(specs: &'a [FieldSpec], key: &str) -> Option<&'a FieldSpec> {
    let k = key.trim();
    specs.iter().find(|s| s.matches(k))
}

/// Every name a field may be written with, for “did you mean”.
pub fn all_names(specs: &[FieldSpec]) -> Vec<&str> {
    specs
        .iter()
        .flat_map(|s| std::iter::once(s.key.as_str()).chain(s.names()))
        .collect()
}

/// The spec of a dotted path (`enterprise.industry`, `options[3].class`,
/// `options[].class`): list indices are skipped.
pub fn resolve<'a>(specs: &'a [FieldSpec], path: &str) -> Option<&'a FieldSpec> {
    let mut level = specs;
    let mut found: Option<&FieldSpec> = None;
    for seg in path.split('.') {
        // A date map's keys are the author's own (milestone ids).
        if let Some(s) = found.filter(|s| s.ty == Ty::DateMap) {
            return Some(s);
        }
        let key = seg.split('[').next().unwrap_or(seg);
        let spec = level.iter().find(|s| s.key == key)?;
        level = spec.ty.children();
        found = Some(spec);
    }
    found
}

/// The wording of the notice's printed form for a field (its `annex`, else
/// its label).
pub fn annex_label(kind_id: &str, path: &str) -> &'static str {
    match resolve(&kind(kind_id).fields, path) {
        Some(s) => s.annex.as_deref().unwrap_or(&s.label),
        None => label(kind_id, path),
    }
}

/// The label shown for a path the specs do not have.
pub const UNKNOWN_LABEL: &str = "（未知字段）";

/// The Chinese label of a field of a kind, e.g. `label("audit-report",
/// "enterprise.industry")` = 所属行业. An unknown path gives the path, so a
/// view never prints nothing (a unit test asks for every path views use).
pub fn label(kind_id: &str, path: &str) -> &'static str {
    match resolve(&kind(kind_id).fields, path) {
        Some(s) => s.label.as_str(),
        // A view asking for a field the specs lack is a defect a unit test
        // catches (`every_path_the_readers_and_rules_ask_for_is_a_field`);
        // at run time it shows as unknown rather than stopping the build.
        None => UNKNOWN_LABEL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_field_files_read() {
        let kinds = load(FILES).expect("field files parse");
        let ids: Vec<&str> = kinds.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "pilot-plan",
                "application-form",
                "audit-report",
                "acceptance-report",
                "review-response"
            ]
        );
        for k in &kinds {
            assert!(!k.fields.is_empty(), "{}", k.id);
            assert_eq!(k.fields[0].key, "kind", "{}: kind comes first", k.id);
        }
    }

    #[test]
    fn labels_follow_paths_through_maps_and_lists() {
        assert_eq!(label("audit-report", "enterprise.industry"), "所属行业");
        assert_eq!(label("audit-report", "options[2].name"), "方案名称");
        assert_eq!(label("pilot-plan", "park.boundary"), "园区边界");
        assert!(resolve(&kind("audit-report").fields, "enterprise.nope").is_none());
    }

    #[test]
    fn a_broken_field_file_names_itself_and_the_problem() {
        let bad = "kinds:\n  x:\n    name: 甲\n    fields:\n      - key: a\n        label: 甲\n        type: map\n        fields: nowhere\n";
        let e = load(&[("fields/x.yaml", bad)]).unwrap_err();
        assert!(e.contains("fields/x.yaml") && e.contains("nowhere"), "{e}");
        let typo = "kinds:\n  x:\n    name: 甲\n    fields:\n      - key: a\n        lable: 甲\n        type: text\n";
        let e = load(&[("fields/x.yaml", typo)]).unwrap_err();
        assert!(e.contains("lable"), "{e}");
    }

    /// Every front-matter path the typed readers and the rules ask for, on
    /// real-shaped projects of every kind, is a field of that kind's spec:
    /// a renamed or misspelt key in the data cannot go unnoticed.
    #[test]
    fn every_path_the_readers_and_rules_ask_for_is_a_field() {
        use crate::check;
        use crate::document::{self, fields::asked};
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut kinds_seen = std::collections::BTreeSet::new();
        for dir in ["", "tests/fixtures/voluntary", "tests/fixtures/real-plan"] {
            let root = base.join(dir);
            let project = crate::project::Project::load(&root).expect("fixture project loads");
            let opts =
                check::Options::at(crate::call::parse_datetime("2022-06-20", false).expect("date"));
            let ctx = check::Ctx::new(&project, &opts);
            for loaded in &project.documents {
                let Some(kind) = loaded.kind() else { continue };
                kinds_seen.insert(kind.id());
                let paths = asked::during(|| {
                    let doc = document::parse(
                        &loaded.src.rel,
                        loaded.path.clone(),
                        loaded.src.text.clone(),
                        None,
                    );
                    check::check_document(&ctx, &doc, &mut Vec::new());
                    // Every label a view shows is a field of the kind.
                    for f in crate::views::fields(&doc, "") {
                        assert_ne!(
                            f.label, UNKNOWN_LABEL,
                            "{}: a view asks for a missing field",
                            loaded.src.rel
                        );
                    }
                    let call = crate::call::Call::preset(crate::call::DEFAULT_PRESET)
                        .and_then(Result::ok)
                        .expect("the default call");
                    if let Some(c) = crate::views::cover(&doc, &call) {
                        assert_ne!(c.applicant_label, UNKNOWN_LABEL);
                    }
                    if let Some(form) = doc.form() {
                        let rows = serde_json::to_string(&crate::views::form_rows(form))
                            .unwrap_or_default();
                        assert!(!rows.contains(UNKNOWN_LABEL), "{rows}");
                    }
                });
                assert!(!paths.is_empty());
                for p in paths {
                    assert!(
                        resolve(kind.fields(), &p).is_some(),
                        "{}: `{p}` is asked for but is no field of {}",
                        loaded.src.rel,
                        kind.id()
                    );
                }
            }
        }
        assert_eq!(kinds_seen.len(), 4, "{kinds_seen:?}");
    }
}
