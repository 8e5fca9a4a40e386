//! The built-in packs, compiled into the binary so gzhlint works from any folder.

use super::pack::{load_pack, LoadedPack, PackSource};
use super::PackError;

/// (file name, contents) of every built-in pack.
pub const PACKS: [(&str, &str); 5] = [
    (
        "inducement.toml",
        include_str!("../../rules/inducement.toml"),
    ),
    (
        "false-advertising.toml",
        include_str!("../../rules/false-advertising.toml"),
    ),
    (
        "illegal-trading.toml",
        include_str!("../../rules/illegal-trading.toml"),
    ),
    (
        "prohibited-content.toml",
        include_str!("../../rules/prohibited-content.toml"),
    ),
    ("gzhlint.toml", include_str!("../../rules/gzhlint.toml")),
];

pub fn sources() -> Vec<PackSource> {
    PACKS
        .iter()
        .map(|(name, text)| PackSource::new(format!("built-in:rules/{name}"), *text))
        .collect()
}

pub fn load() -> Result<Vec<LoadedPack>, PackError> {
    use rayon::prelude::*;
    let loaded: Vec<_> = sources().par_iter().map(load_pack).collect();
    loaded.into_iter().collect() // the first error in pack order
}
