//! GB/T 4754-2017 industrial divisions, as data
//! (`presets/gbt4754-divisions.yaml`): the two-digit code, the name, and
//! the words by which an industry written in words is recognised.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Division {
    pub code: u32,
    pub name: String,
    #[serde(default)]
    pub words: Vec<String>,
}

const DIVISIONS_YAML: &str = include_str!("presets/gbt4754-divisions.yaml");

static DIVISIONS: LazyLock<Vec<Division>> = LazyLock::new(|| {
    // Part of the program, read by a unit test: a broken file is a build
    // defect, not user input.
    serde_yaml::from_str(DIVISIONS_YAML)
        .unwrap_or_else(|e| panic!("presets/gbt4754-divisions.yaml: {e}"))
});

/// Every industrial division, in code order.
pub fn divisions() -> &'static [Division] {
    &DIVISIONS
}

/// The division with this two-digit code, if it is an industrial one.
pub fn division(code: u32) -> Option<&'static Division> {
    DIVISIONS.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_industrial_divisions_are_06_to_46() {
        let codes: Vec<u32> = divisions().iter().map(|d| d.code).collect();
        assert_eq!(codes, (6..=46).collect::<Vec<_>>());
        assert_eq!(
            division(26).map(|d| d.name.as_str()),
            Some("化学原料和化学制品制造业")
        );
        assert!(division(26).is_some_and(|d| d.words.iter().any(|w| w == "化工")));
        assert!(division(52).is_none());
    }
}
