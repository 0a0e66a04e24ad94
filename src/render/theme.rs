//! Themes: the look of printed volumes and of the site. The default
//! theme is embedded; a project may override any file by placing one with
//! the same name in its own `templates/` or `themes/<name>/`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::Fatal;
use crate::paths::{Inside, ensure_inside};

pub const DEFAULT_THEME: &str = "default";

const BUILTIN: &[(&str, &str)] = &[
    (
        "theme.yaml",
        include_str!("../../themes/default/theme.yaml"),
    ),
    (
        "print/plan.typ",
        include_str!("../../themes/default/print/plan.typ"),
    ),
    (
        "site/style.css",
        include_str!("../../themes/default/site/style.css"),
    ),
    (
        "site/site.js",
        include_str!("../../themes/default/site/site.js"),
    ),
    // Site templates live in the repository's top-level templates/.
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    (
        "findings.html",
        include_str!("../../templates/findings.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
];

/// A template's text and where it came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    /// Name within a theme, e.g. `print/plan.typ`.
    pub name: String,
    pub text: String,
    /// Path relative to the project root, or None for the built-in copy.
    pub project_path: Option<String>,
}

impl TemplateFile {
    /// How to name this file in a message.
    pub fn display(&self) -> String {
        match &self.project_path {
            Some(p) => p.clone(),
            None => format!("（内置主题）themes/{DEFAULT_THEME}/{}", self.name),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct RoleSpec {
    label: String,
    families: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ThemeYaml {
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    fonts: serde_yaml::Mapping,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    root: PathBuf,
    /// Font roles in order: (role, label, families).
    pub font_roles: Vec<(String, String, Vec<String>)>,
}

impl Theme {
    pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, Fatal> {
        let name = name.unwrap_or(DEFAULT_THEME).to_string();
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(Fatal::new(format!("主题名称“{name}”无效"))
                .in_file(&root.join(crate::config::CONFIG_FILE), None, None)
                .with_help("主题名称是 themes/ 下的一个目录名，如 default"));
        }
        let mut theme = Theme {
            name,
            root: root.to_path_buf(),
            font_roles: Vec::new(),
        };
        if theme.name != DEFAULT_THEME && !root.join("themes").join(&theme.name).is_dir() {
            return Err(Fatal::new(format!("找不到主题“{}”", theme.name))
                .in_file(&root.join(crate::config::CONFIG_FILE), None, None)
                .with_help(format!(
                    "把主题放在 themes/{}/ 下，或在 shenbao.yaml 中删去 theme 使用默认主题",
                    theme.name
                )));
        }
        let yaml = theme.file("theme.yaml")?;
        let parsed: ThemeYaml = serde_yaml::from_str(&yaml.text).map_err(|e| {
            Fatal::new(format!("{} 有误：{e}", yaml.display()))
                .with_help("fonts 下每个角色写 label 和 families 列表")
        })?;
        for (k, v) in &parsed.fonts {
            let (Some(role), Ok(spec)) =
                (k.as_str(), serde_yaml::from_value::<RoleSpec>(v.clone()))
            else {
                return Err(Fatal::new(format!("{} 的 fonts 写法有误", yaml.display()))
                    .with_help("每个角色写成 `fang: {label: 正文（仿宋）, families: [FangSong, FandolFang]}`"));
            };
            theme
                .font_roles
                .push((role.to_string(), spec.label, spec.families));
        }
        Ok(theme)
    }

    /// The project's font folder for the theme `name`
    /// (`themes/<name>/fonts/`); its fonts serve before any other.
    pub fn font_dir(root: &Path, name: Option<&str>) -> PathBuf {
        root.join("themes")
            .join(name.unwrap_or(DEFAULT_THEME))
            .join("fonts")
    }

    /// Find a theme file (a regular file of at most 4 MB): the project's
    /// `templates/`, then the project's
    /// `themes/<name>/`, then the built-in default theme.
    pub fn file(&self, name: &str) -> Result<TemplateFile, Fatal> {
        let candidates = [
            self.root.join("templates").join(name),
            self.root.join("themes").join(&self.name).join(name),
        ];
        for path in candidates {
            if !path.is_file() {
                continue;
            }
            if let Ok(Inside::Yes(real)) = ensure_inside(&self.root, &path) {
                let text = crate::fsutil::read_regular_text(&real, MAX_TEMPLATE_BYTES)
                    .map_err(|e| Fatal::new(format!("无法读取模板 {}：{e}", path.display())))?;
                return Ok(TemplateFile {
                    name: name.to_string(),
                    text,
                    project_path: Some(crate::project::rel_path(&self.root, &path)),
                });
            }
        }
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| TemplateFile {
                name: name.to_string(),
                text: (*text).to_string(),
                project_path: None,
            })
            .ok_or_else(|| Fatal::new(format!("主题中没有 {name}")))
    }
}

/// A template or theme file larger than this is not read.
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let t = Theme::load(&dir.path().canonicalize().unwrap(), None).unwrap();
        for name in crate::render::site::TEMPLATES
            .iter()
            .chain(crate::render::site::ASSETS)
        {
            assert!(t.file(name).is_ok(), "{name}");
        }
        assert!(t.file("print/plan.typ").is_ok());
    }

    #[test]
    fn builtin_theme_and_project_override() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let t = Theme::load(&root, None).unwrap();
        assert!(
            t.font_roles
                .iter()
                .any(|(r, _, f)| r == "fang" && f.contains(&"FandolFang".to_string()))
        );
        let f = t.file("print/plan.typ").unwrap();
        assert!(f.project_path.is_none());
        std::fs::create_dir_all(root.join("templates/print")).unwrap();
        std::fs::write(root.join("templates/print/plan.typ"), "// mine").unwrap();
        let f = t.file("print/plan.typ").unwrap();
        assert_eq!(f.project_path.as_deref(), Some("templates/print/plan.typ"));
        assert!(Theme::load(&root, Some("nope")).is_err());
        assert!(Theme::load(&root, Some("../x")).is_err());
    }
}
