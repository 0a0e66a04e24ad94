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

/// The bundled fallback fonts (GPL with font exception; licence beside
/// them in themes/default/fonts/).
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
];

/// A bundled font file by name (for the site's fallback web font).
pub fn bundled(name: &str) -> Option<&'static [u8]> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// Where a font comes from, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    System,
    Bundled,
}

pub struct Fonts {
    pub store: FontStore,
    origins: Vec<Origin>,
    /// A hash of every font typst may pick (the whole book, since typst
    /// falls back to any font for a missing character) and of the system
    /// font files behind it (path, size, modification time): a PDF kept
    /// from an earlier build was set in the same fonts.
    pub identity: u128,
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
}

impl Fonts {
    /// System fonts first (so that an installed official font is found),
    /// then the bundled ones. `system: false` uses bundled fonts only.
    pub fn load(system: bool) -> Fonts {
        let mut store = FontStore::new();
        let mut origins = Vec::new();
        let mut files: Vec<(String, u32, u64, Option<std::time::SystemTime>)> = Vec::new();
        if system {
            for (path, info) in typst_kit::fonts::system() {
                let meta = std::fs::metadata(&path.path).ok();
                files.push((
                    path.path.to_string_lossy().into_owned(),
                    path.index,
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.and_then(|m| m.modified().ok()),
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
                RoleFont {
                    role: role.clone(),
                    label: label.clone(),
                    families: present,
                    serving,
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
