//! Project configuration: `gzhlint.toml` or `.gzhlint.toml`, found from each linted file's folder
//! upward (nearest wins), or named with `--config`.
//!
//! ```toml
//! packs = ["rules/our-brand.toml"]      # extra rule packs, relative to this file
//! fail_on = "restrict"                  # warning | restrict | ban | never
//! include = ["articles/**"]             # only these files when walking folders
//! exclude = ["articles/archive/**"]     # never these when walking folders
//! require_reason = true                 # inline suppressions must give reason="…"
//!
//! [rules]                               # rule id or category → "off" or a severity
//! "false_advertising" = "off"
//! "prohibited_content.clickbait_shock" = "warning"
//!
//! [[override]]                          # later overrides win
//! paths = ["ads/**"]
//! rules = { "false_advertising.absolute_superlative" = "restrict" }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::error::SpannedError;
use crate::rules::{Rule, RuleSet, Severity};

/// The names a configuration file may have, in order of preference within one folder.
pub const FILE_NAMES: [&str; 2] = ["gzhlint.toml", ".gzhlint.toml"];

/// When a run fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Warning,
    Restrict,
    Ban,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Restrict => Some(Severity::Restrict),
            FailOn::Ban => Some(Severity::Ban),
            FailOn::Never => None,
        }
    }

    fn parse(text: &str) -> Option<FailOn> {
        match text {
            "warning" => Some(FailOn::Warning),
            "restrict" => Some(FailOn::Restrict),
            "ban" => Some(FailOn::Ban),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FailOn::Warning => "warning",
            FailOn::Restrict => "restrict",
            FailOn::Ban => "ban",
            FailOn::Never => "never",
        }
    }
}

/// What a `[rules]` entry sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    Severity(Severity),
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        if text == "off" {
            Some(Level::Off)
        } else {
            Severity::parse(text).map(Level::Severity)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Severity(s) => s.name(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    packs: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    require_reason: bool,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// One `[rules]` entry: a rule id or a category, and its level.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    pub selector: String,
    pub level: Level,
    span: std::ops::Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Override {
    pub paths: Vec<String>,
    globs: GlobSet,
    pub rules: Vec<RuleSetting>,
}

/// A configuration file, read and validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file, or `None` for the defaults.
    pub path: Option<PathBuf>,
    /// Folder that relative paths and globs are resolved against.
    pub root: PathBuf,
    pub packs: Vec<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    include_globs: Option<GlobSet>,
    exclude_globs: GlobSet,
    pub require_reason: bool,
    pub rules: Vec<RuleSetting>,
    pub overrides: Vec<Override>,
    text: Arc<String>,
}

impl Config {
    /// The configuration used when no file applies.
    pub fn default_for(root: &Path) -> Config {
        Config {
            path: None,
            root: root.to_path_buf(),
            packs: Vec::new(),
            fail_on: None,
            include: Vec::new(),
            exclude: Vec::new(),
            include_globs: None,
            exclude_globs: GlobSet::empty(),
            require_reason: false,
            rules: Vec::new(),
            overrides: Vec::new(),
            text: Arc::new(String::new()),
        }
    }

    pub fn origin(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "(defaults)".to_string(), |p| p.display().to_string())
    }

    /// Reads and validates a configuration file (rule names are checked later, against the
    /// loaded rules, by [`Config::check_rules`]).
    pub fn load(path: &Path) -> Result<Config, SpannedError> {
        let text = SpannedError::read(path, "configuration")?;
        Config::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Config, SpannedError> {
        let origin = path.display().to_string();
        let text = Arc::new(text);
        let error = |span: std::ops::Range<usize>, message: String| {
            SpannedError::new(&origin, &text, Some(span), message)
        };
        let raw: RawConfig = toml::from_str(&text).map_err(|e| {
            SpannedError::new(&origin, &text, e.span(), e.message().trim().to_string())
                .with_help("see `gzhlint init` for a commented example")
        })?;
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let fail_on = match &raw.fail_on {
            Some(value) => Some(FailOn::parse(value.get_ref()).ok_or_else(|| {
                error(
                    value.span(),
                    format!(
                        "fail_on {:?} must be warning, restrict, ban or never",
                        value.get_ref()
                    ),
                )
            })?),
            None => None,
        };
        let globs = |list: &[Spanned<String>]| -> Result<GlobSet, SpannedError> {
            let mut builder = GlobSetBuilder::new();
            for pattern in list {
                let glob = Glob::new(pattern.get_ref())
                    .map_err(|e| error(pattern.span(), format!("invalid glob: {}", e.kind())))?;
                builder.add(glob);
            }
            builder
                .build()
                .map_err(|e| SpannedError::new(&origin, &text, None, e.to_string()))
        };
        let settings = |table: &BTreeMap<Spanned<String>, Spanned<String>>| {
            table
                .iter()
                .map(|(key, value)| {
                    let level = Level::parse(value.get_ref()).ok_or_else(|| {
                        error(
                            value.span(),
                            format!(
                                "{:?} must be \"off\", \"warning\", \"restrict\" or \"ban\"",
                                value.get_ref()
                            ),
                        )
                    })?;
                    Ok(RuleSetting {
                        selector: key.get_ref().clone(),
                        level,
                        span: key.span(),
                    })
                })
                .collect::<Result<Vec<_>, SpannedError>>()
        };
        let mut overrides = Vec::new();
        for raw_override in &raw.overrides {
            overrides.push(Override {
                paths: raw_override
                    .paths
                    .iter()
                    .map(|p| p.get_ref().clone())
                    .collect(),
                globs: globs(&raw_override.paths)?,
                rules: settings(&raw_override.rules)?,
            });
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            packs: raw
                .packs
                .iter()
                .map(|p| {
                    let joined = root.join(p.get_ref());
                    std::fs::canonicalize(&joined).unwrap_or(joined)
                })
                .collect(),
            fail_on,
            include: raw.include.iter().map(|p| p.get_ref().clone()).collect(),
            exclude: raw.exclude.iter().map(|p| p.get_ref().clone()).collect(),
            include_globs: if raw.include.is_empty() {
                None
            } else {
                Some(globs(&raw.include)?)
            },
            exclude_globs: globs(&raw.exclude)?,
            require_reason: raw.require_reason,
            rules: settings(&raw.rules)?,
            overrides,
            root,
            text,
        })
    }

    /// Every rule id or category named must exist among the loaded rules.
    pub fn check_rules(&self, rules: &RuleSet) -> Result<(), SpannedError> {
        let all = self
            .rules
            .iter()
            .chain(self.overrides.iter().flat_map(|o| &o.rules));
        for setting in all {
            let known = rules.get(&setting.selector).is_some()
                || rules.rules.iter().any(|r| r.category == setting.selector);
            if !known {
                return Err(SpannedError::new(
                    &self.origin(),
                    &self.text,
                    Some(setting.span.clone()),
                    format!("no rule or category {:?} is loaded", setting.selector),
                )
                .with_help("`gzhlint rules list` shows rule ids and categories"));
            }
        }
        Ok(())
    }

    /// `path` relative to this configuration's folder, for glob matching.
    fn relative(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        absolute
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }

    /// Whether a file found by walking a folder is linted.
    pub fn selects(&self, path: &Path) -> bool {
        let relative = self.relative(path);
        !self.exclude_globs.is_match(&relative)
            && self
                .include_globs
                .as_ref()
                .is_none_or(|globs| globs.is_match(&relative))
    }

    /// The severity of `rule` in `path`, or `None` when it is off.
    pub fn severity(&self, rule: &Rule, path: &Path) -> Option<Severity> {
        let relative = self.relative(path);
        let mut level = Level::Severity(rule.severity);
        let tables = std::iter::once(&self.rules).chain(
            self.overrides
                .iter()
                .filter(|o| o.globs.is_match(&relative))
                .map(|o| &o.rules),
        );
        for table in tables {
            // Within a table the rule's own entry is more specific than its category's.
            for selector in [&rule.category, &rule.id] {
                if let Some(setting) = table.iter().find(|s| &s.selector == selector) {
                    level = setting.level;
                }
            }
        }
        match level {
            Level::Off => None,
            Level::Severity(s) => Some(s),
        }
    }
}

/// Finds the configuration file for a folder by walking up from it.
pub fn find_for(folder: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    absolute.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The commented starter configuration written by `gzhlint init`.
pub const STARTER: &str = r#"# gzhlint configuration. gzhlint uses the nearest gzhlint.toml or .gzhlint.toml above each
# draft; `gzhlint config PATH` shows the effective configuration for a file.

# Extra rule packs (TOML files or folders), relative to this file.
# packs = ["rules/our-brand.toml"]

# Exit with 1 when a finding at or above this level is found: warning | restrict | ban | never.
fail_on = "warning"

# Which files to lint when walking folders (globs relative to this file).
# include = ["articles/**"]
exclude = ["node_modules/**", "target/**"]

# Inline suppressions (<!-- gzhlint-disable RULE reason="…" -->) must give a reason.
require_reason = true

# Turn rules or whole categories off, or change their severity: "off" | "warning" | "restrict" | "ban".
[rules]
# "false_advertising.absolute_superlative" = "restrict"
# "prohibited_content.clickbait_shock" = "off"

# Settings for some paths only; later overrides win.
# [[override]]
# paths = ["ads/**"]
# rules = { "false_advertising" = "restrict" }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, SpannedError> {
        Config::parse(Path::new("/p/gzhlint.toml"), text.to_string())
    }

    fn rule(id: &str, category: &str, severity: Severity) -> Rule {
        Rule {
            id: id.to_string(),
            name: id.to_string(),
            category: category.to_string(),
            severity,
            message: String::new(),
            help: String::new(),
            clause: String::new(),
            description: String::new(),
            replace: None,
            fix: Default::default(),
            scopes: crate::extract::ScopeSet::ALL,
            pack: "p".to_string(),
            flag: Vec::new(),
            pass: Vec::new(),
            example_lines: Default::default(),
            emitted_by: None,
            model: None,
        }
    }

    #[test]
    fn the_starter_config_parses() {
        let config = parse(STARTER).unwrap();
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert!(config.require_reason);
    }

    #[test]
    fn severities_by_category_id_and_override() {
        let config = parse(
            r#"
[rules]
"false_advertising" = "off"
"false_advertising.health" = "ban"
"inducement.share" = "warning"

[[override]]
paths = ["ads/**"]
rules = { "inducement" = "off", "false_advertising" = "warning" }
"#,
        )
        .unwrap();
        let absolute = rule(
            "false_advertising.absolute",
            "false_advertising",
            Severity::Warning,
        );
        let health = rule(
            "false_advertising.health",
            "false_advertising",
            Severity::Restrict,
        );
        let share = rule("inducement.share", "inducement", Severity::Restrict);
        let news = Path::new("/p/news/a.md");
        let ad = Path::new("/p/ads/b.md");
        assert_eq!(config.severity(&absolute, news), None);
        assert_eq!(config.severity(&health, news), Some(Severity::Ban));
        assert_eq!(config.severity(&share, news), Some(Severity::Warning));
        assert_eq!(config.severity(&absolute, ad), Some(Severity::Warning));
        assert_eq!(config.severity(&health, ad), Some(Severity::Warning));
        assert_eq!(config.severity(&share, ad), None);
    }

    #[test]
    fn include_and_exclude() {
        let config = parse("include = [\"articles/**\"]\nexclude = [\"articles/old/**\"]").unwrap();
        assert!(config.selects(Path::new("/p/articles/a.md")));
        assert!(!config.selects(Path::new("/p/articles/old/a.md")));
        assert!(!config.selects(Path::new("/p/other/a.md")));
    }

    #[test]
    fn bad_values_point_at_their_span() {
        let text = "fail_on = \"sometimes\"";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "\"sometimes\"");
        let text = "[rules]\n\"inducement\" = \"loud\"";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "\"loud\"");
        let text = "colour = 1";
        let e = parse(text).unwrap_err();
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert_eq!(e.line(), Some(1));
        let text = "\nexclude = [\"a/[\"]";
        let e = parse(text).unwrap_err();
        assert!(e.message.starts_with("invalid glob"), "{}", e.message);
        assert_eq!(e.line(), Some(2));
    }
}
