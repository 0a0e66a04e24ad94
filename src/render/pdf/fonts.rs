//! Fonts for printing: official fonts when the machine has them, else the
//! free Fandol family bundled in the binary, so that a machine with no CJK
//! font at all still renders every character.
//!
//! Each theme role (仿宋 body, 黑体, 楷体, 小标宋 …) lists families in order;
//! [`Fonts::resolve`] keeps those present, so typst only ever sees families
//! it has and the build can say which font served each role.

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::FontStore;

/// The bundled fallback fonts (Fandol: GPL with font exception; Liberation:
/// SIL OFL 1.1; licences beside them in themes/default/fonts/).
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "FandolFang-Regular.otf",
        include_bytes!("../../../themes/default/fonts/FandolFang-Regular.otf"),
    ),
    (
        "FandolHei-Regular.otf",
        include_bytes!("../../../themes/default/fonts/FandolHei-Regular.otf"),
    ),
    (
        "FandolHei-Bold.otf",
        include_bytes!("../../../themes/default/fonts/FandolHei-Bold.otf"),
    ),
    (
        "FandolKai-Regular.otf",
        include_bytes!("../../../themes/default/fonts/FandolKai-Regular.otf"),
    ),
    (
        "FandolSong-Regular.otf",
        include_bytes!("../../../themes/default/fonts/FandolSong-Regular.otf"),
    ),
    (
        "FandolSong-Bold.otf",
        include_bytes!("../../../themes/default/fonts/FandolSong-Bold.otf"),
    ),
    // Latin letters and digits (SIL OFL 1.1): the metrics of Times New
    // Roman, which the Word export names, so both outputs agree.
    (
        "LiberationSerif-Regular.ttf",
        include_bytes!("../../../themes/default/fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "LiberationSerif-Bold.ttf",
        include_bytes!("../../../themes/default/fonts/LiberationSerif-Bold.ttf"),
    ),
];

/// A bundled font file by name (for the site's fallback web font).
pub fn bundled(name: &str) -> Option<&'static [u8]> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// What tells one version of a system font file from another without
/// reading it: its modification time, and (on Unix) its inode and status
/// change time, which an edit in place changes even when the size and
/// modification time are put back.
fn file_identity(m: &std::fs::Metadata) -> u128 {
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        typst::utils::hash128(&(modified, m.ino(), m.dev(), m.ctime(), m.ctime_nsec()))
    }
    #[cfg(not(unix))]
    {
        modified
    }
}

/// The font files of a project's theme folder, in name order: regular
/// files inside the project only, of bounded size and number.
fn project_fonts(
    root: &std::path::Path,
    dir: &std::path::Path,
    refused: &mut Vec<Refused>,
) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let shown = crate::paths::shown(&crate::project::rel_path(root, &path));
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc") {
            if !matches!(ext.as_str(), "txt" | "md" | "") {
                refused.push(Refused {
                    file: shown,
                    why: "不是字体文件（只读取 .ttf、.otf、.ttc、.otc；.woff 等网页字体请换成 .ttf/.otf）".into(),
                });
            }
            continue;
        }
        if out.len() >= MAX_PROJECT_FONTS {
            refused.push(Refused {
                file: shown,
                why: format!("字体文件超过 {MAX_PROJECT_FONTS} 个，其余未读取"),
            });
            continue;
        }
        let real = match crate::paths::ensure_inside(root, &path) {
            Ok(crate::paths::Inside::Yes(real)) => real,
            _ => {
                refused.push(Refused {
                    file: shown,
                    why: "经符号链接指向项目之外，不读取".into(),
                });
                continue;
            }
        };
        match crate::fsutil::read_regular(&real, MAX_PROJECT_FONT) {
            Ok(data) => out.push((shown, data)),
            Err(e) => refused.push(Refused {
                file: shown,
                why: format!("无法读取：{e}"),
            }),
        }
    }
    out
}

/// Where a font comes from, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    System,
    Bundled,
    /// From the project's `themes/<name>/fonts/`.
    Project,
}

/// A project font file larger than this is not read.
const MAX_PROJECT_FONT: u64 = 64 * 1024 * 1024;
/// At most this many project font files are read.
const MAX_PROJECT_FONTS: usize = 64;

/// A font file in a project's theme that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub file: String,
    pub why: String,
}

pub struct Fonts {
    pub store: FontStore,
    origins: Vec<Origin>,
    /// A hash of every font typst may pick (the whole book, since typst
    /// falls back to any font for a missing character) and of the system
    /// font files behind it (path, size, modification time): a PDF kept
    /// from an earlier build was set in the same fonts.
    pub identity: u128,
    /// Project font files that could not be used (told, never ignored).
    pub refused: Vec<Refused>,
}

/// Which family serves a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFont {
    pub role: String,
    pub label: String,
    /// Families present, in the theme's order (what typst is given).
    pub families: Vec<String>,
    /// The first of them, and where it comes from; None if none is present.
    pub serving: Option<(String, Origin)>,
    /// The font the theme asks for first, by its Chinese name when the
    /// theme gives one (方正小标宋简体): what a bundled stand-in replaces.
    pub wanted: Option<String>,
}

impl Fonts {
    /// System fonts first (so that an installed official font is found),
    /// then the bundled ones. `system: false` uses bundled fonts only.
    pub fn load(system: bool) -> Fonts {
        Fonts::load_with(system, None)
    }

    /// As [`Fonts::load`], with the font files of a project's theme
    /// folder (`themes/<name>/fonts/`, inside `root`) first of all: an
    /// official font the author owns serves its role before any other.
    pub fn load_with(system: bool, project: Option<(&std::path::Path, &std::path::Path)>) -> Fonts {
        let mut store = FontStore::new();
        let mut origins = Vec::new();
        let mut refused = Vec::new();
        let mut files: Vec<(String, u32, u64, u128)> = Vec::new();
        if let Some((root, dir)) = project {
            for (name, data) in project_fonts(root, dir, &mut refused) {
                let fonts: Vec<Font> = Font::iter(Bytes::new(data.clone())).collect();
                if fonts.is_empty() {
                    refused.push(Refused {
                        file: name,
                        why: "不是可用的字体文件（应为 .ttf、.otf、.ttc 或 .otc）".into(),
                    });
                    continue;
                }
                files.push((name, 0, data.len() as u64, typst::utils::hash128(&data[..])));
                for font in fonts {
                    let info: FontInfo = font.info().clone();
                    store.push((font, info));
                    origins.push(Origin::Project);
                }
            }
        }
        if system {
            for (path, info) in typst_kit::fonts::system() {
                let meta = std::fs::metadata(&path.path).ok();
                files.push((
                    path.path.to_string_lossy().into_owned(),
                    path.index,
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.as_ref().map_or(0, file_identity),
                ));
                store.push((path, info));
                origins.push(Origin::System);
            }
        }
        for (_, data) in BUNDLED {
            for font in Font::iter(Bytes::new(*data)) {
                let info: FontInfo = font.info().clone();
                store.push((font, info));
                origins.push(Origin::Bundled);
            }
        }
        // typst's own Latin and monospace fonts (DejaVu Sans Mono …).
        for (font, info) in typst_kit::fonts::embedded() {
            store.push((font, info));
            origins.push(Origin::Bundled);
        }
        // The bundled fonts are part of the binary, which a kept output's
        // fingerprint names separately.
        let identity = typst::utils::hash128(&(&**store.book(), &files));
        Fonts {
            store,
            origins,
            identity,
            refused,
        }
    }

    /// Keep the families present, in order, for each role.
    pub fn resolve(&self, roles: &[(String, String, Vec<String>)]) -> Vec<RoleFont> {
        let book = self.store.book();
        roles
            .iter()
            .map(|(role, label, families)| {
                let present: Vec<String> = families
                    .iter()
                    .filter(|f| book.contains_family(&f.to_lowercase()))
                    .cloned()
                    .collect();
                let serving = present.first().map(|f| {
                    let origin = book
                        .select_family(&f.to_lowercase())
                        .next()
                        .and_then(|i| self.origins.get(i).copied())
                        .unwrap_or(Origin::Bundled);
                    (f.clone(), origin)
                });
                let wanted = families
                    .iter()
                    .find(|f| !f.is_ascii())
                    .or_else(|| families.first())
                    .cloned();
                RoleFont {
                    role: role.clone(),
                    label: label.clone(),
                    families: present,
                    serving,
                    wanted,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_serve_every_role_without_system_fonts() {
        let fonts = Fonts::load(false);
        let roles = vec![
            (
                "fang".to_string(),
                "正文".to_string(),
                vec!["FangSong".to_string(), "FandolFang R".to_string()],
            ),
            (
                "none".to_string(),
                "无".to_string(),
                vec!["No Such Font".to_string()],
            ),
        ];
        let r = fonts.resolve(&roles);
        // typst reads FandolFang's family name as “FandolFang R”.
        assert_eq!(r[0].families, vec!["FandolFang R"]);
        assert_eq!(
            r[0].serving,
            Some(("FandolFang R".to_string(), Origin::Bundled))
        );
        assert_eq!(r[1].serving, None);
    }
}
