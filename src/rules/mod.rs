//! Rule packs: the registry of rules as data (TOML), loaded, validated and compiled once.
//!
//! [`pack`] reads and validates a pack, [`compile`] builds the shared automata, [`builtin`]
//! holds the packs compiled into the binary, [`validators`] the number checks a rule can name,
//! [`model`] the sentence model a rule can name.

pub mod builtin;
pub mod compile;
pub mod model;
pub mod pack;
pub mod validators;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::extract::ScopeSet;
pub use compile::RuleSet;
pub use pack::{load_pack, PackSource};
pub use validators::Validator;

/// The platform's penalty tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 警告: fix suggested; publishing is allowed (删文/警告).
    Warning,
    /// 限制功能: fix or waive before publishing (feature restriction).
    Restrict,
    /// 封号风险: hard stop (account ban).
    Ban,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Warning, Severity::Restrict, Severity::Ban];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Restrict => "restrict",
            Severity::Ban => "ban",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Warning => "警告",
            Severity::Restrict => "限制功能",
            Severity::Ban => "封号风险",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether applying a rule's `replace` suggestion keeps the author's meaning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixSafety {
    /// `--fix` applies it.
    Safe,
    /// Shown as a suggestion only.
    #[default]
    Unsafe,
}

/// Metadata of a loaded pack.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PackInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub sources: Vec<String>,
    /// Where it was loaded from: `built-in` or a path.
    pub origin: String,
}

/// One rule, as the rest of the program sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub category: String,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub clause: String,
    pub description: String,
    pub replace: Option<String>,
    pub fix: FixSafety,
    pub scopes: ScopeSet,
    pub pack: String,
    pub flag: Vec<String>,
    pub pass: Vec<String>,
    /// Where the examples stand in the pack's file, for `rules test` to point at them.
    pub example_lines: ExampleLines,
    /// Set for rules that gzhlint itself reports (about suppressions) rather than matches.
    pub emitted_by: Option<EmittedBy>,
    /// Set for rules whose candidates are the sentences a head of the sentence model flags.
    pub model: Option<model::ModelUse>,
}

/// The 1-based line of each `flag` and `pass` example in its pack's file (empty for rules
/// built in code).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExampleLines {
    pub flag: Vec<usize>,
    pub pass: Vec<usize>,
}

/// Which part of gzhlint reports a rule that matches no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmittedBy {
    /// Inline suppression comments: unused, without a reason, or malformed.
    Suppressions,
}

/// A pack that cannot be used, with the place in its TOML that says why.
pub type PackError = crate::error::SpannedError;

#[cfg(test)]
pub(crate) mod test_support {
    use super::pack::{load_pack, LoadedPack, PackSource};
    use super::RuleSet;

    /// A pack "t" of a test's own rules: `rules` is TOML of `[terms]` and `[[rule]]` tables,
    /// whose message, help and clause are filled in.
    pub fn pack(rules: &str) -> LoadedPack {
        let rules = rules.replace(
            "[[rule]]",
            "[[rule]]\nmessage = \"m\"\nhelp = \"h\"\nclause = \"c\"",
        );
        let text = format!("[pack]\nid = \"t\"\nname = \"t\"\nversion = \"1\"\n{rules}");
        load_pack(&PackSource::new("t.toml", text)).expect("test pack loads")
    }

    /// [`pack`], compiled alone.
    pub fn rule_set(rules: &str) -> RuleSet {
        RuleSet::compile(vec![pack(rules)]).expect("test pack compiles")
    }
}
