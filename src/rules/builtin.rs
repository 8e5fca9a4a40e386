//! The built-in packs, compiled into the binary so gzhlint works from any folder.

use super::pack::{load_pack, LoadedPack, PackSource};
use super::{PackError, RuleSet};

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

/// The built-in packs as `build.rs` compiled them: decoding takes a fraction of compiling
/// (BENCHMARKS.md). Should the stored set ever fail to decode, they are compiled from TOML.
pub fn compiled() -> Result<RuleSet, PackError> {
    match postcard::from_bytes(crate::BUILTIN_RULES) {
        Ok(rule_set) => Ok(rule_set),
        Err(error) => {
            // build.rs and this decoder share their types, so only a build bug gets here;
            // tests fail on it, and a release build still works, only slower to start.
            debug_assert!(
                false,
                "the stored built-in rule set does not decode: {error}"
            );
            RuleSet::compile(load()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set `build.rs` stored decodes, and is byte for byte what compiling the packs gives
    /// now (a stale or undecodable set would otherwise go unnoticed behind the fallback).
    #[test]
    fn the_stored_set_is_the_compiled_packs() {
        let stored: RuleSet = postcard::from_bytes(crate::BUILTIN_RULES).expect("decodes");
        let compiled = RuleSet::compile(load().unwrap()).unwrap();
        assert_eq!(
            postcard::to_allocvec(&stored).unwrap(),
            postcard::to_allocvec(&compiled).unwrap()
        );
        assert_eq!(stored.rules.len(), compiled.rules.len());
    }

    /// Every built-in rule that matches text carries at least five examples it must flag and
    /// three that no rule may flag (`rules test` runs them); the suppression rules, emitted by
    /// the linter itself, have none.
    #[test]
    fn every_matching_rule_has_enough_examples() {
        let rules = compiled().unwrap();
        let short: Vec<String> = rules
            .rules
            .iter()
            .filter(|r| r.emitted_by.is_none() && (r.flag.len() < 5 || r.pass.len() < 3))
            .map(|r| format!("{}: {} flag, {} pass", r.id, r.flag.len(), r.pass.len()))
            .collect();
        assert!(short.is_empty(), "{short:#?}");
    }

    /// `rules test` names each example's line: the stored set keeps them.
    #[test]
    fn every_example_keeps_its_line() {
        let rules = compiled().unwrap();
        let texts: Vec<&str> = PACKS.iter().map(|(_, text)| *text).collect();
        for rule in rules.rules.iter().filter(|r| r.emitted_by.is_none()) {
            let lines = &rule.example_lines;
            assert_eq!(
                (lines.flag.len(), lines.pass.len()),
                (rule.flag.len(), rule.pass.len()),
                "{}",
                rule.id
            );
            let pack = &texts[PACKS
                .iter()
                .position(|(name, _)| rule.pack == name.trim_end_matches(".toml"))
                .unwrap_or_else(|| panic!("pack of {}", rule.id))];
            let (Some(&line), Some(example)) = (lines.flag.first(), rule.flag.first()) else {
                continue;
            };
            // The start of the example, before any character TOML writes as an escape.
            let start: String = example
                .chars()
                .take_while(|c| !matches!(c, '\n' | '"' | '\\' | '\t'))
                .take(8)
                .collect();
            let text = pack.lines().nth(line - 1).unwrap();
            assert!(text.contains(&start), "{}: line {line}", rule.id);
        }
    }
}
