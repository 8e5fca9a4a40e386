//! `gzhlint rules list | explain | test`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{load_rules, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::lint::lint_snippet;
use crate::rules::{Rule, RuleSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Every loaded rule: id, category, severity, name.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Also load these packs (files or folders).
        #[arg(long = "rules", value_name = "PACK")]
        rules: Vec<PathBuf>,
        /// Load only the packs given with --rules.
        #[arg(long)]
        no_builtin: bool,
    },
    /// What a rule catches, why, how to fix it, with its examples.
    Explain {
        /// The rule's id, as `rules list` shows it (inducement.share_for_reward).
        id: String,
        /// Also load these packs (files or folders).
        #[arg(long = "rules", value_name = "PACK")]
        rules: Vec<PathBuf>,
        /// Load only the packs given with --rules.
        #[arg(long)]
        no_builtin: bool,
    },
    /// Run the packs' own examples: every `flag` must be caught by its rule, every `pass` by none.
    Test {
        /// Packs to test (default: the built-in packs). They are loaded on top of the built-ins.
        packs: Vec<PathBuf>,
        /// Load only the packs named (test a pack alone, or a new version of a built-in pack).
        #[arg(long)]
        no_builtin: bool,
    },
}

pub fn run(command: RulesCommand) -> i32 {
    match command {
        RulesCommand::List {
            format,
            rules,
            no_builtin,
        } => {
            let Some((rules, _)) = load_rules(&rules, !no_builtin) else {
                return EXIT_ERROR;
            };
            list(&rules, format);
            EXIT_CLEAN
        }
        RulesCommand::Explain {
            id,
            rules,
            no_builtin,
        } => {
            let Some((rules, _)) = load_rules(&rules, !no_builtin) else {
                return EXIT_ERROR;
            };
            explain(&rules, &id)
        }
        RulesCommand::Test { packs, no_builtin } => {
            let Some((rules, user_origins)) = load_rules(&packs, !no_builtin) else {
                return EXIT_ERROR;
            };
            let tested: Vec<&str> = if packs.is_empty() {
                rules.packs.iter().map(|p| p.id.as_str()).collect()
            } else {
                rules
                    .packs
                    .iter()
                    .filter(|p| user_origins.contains(&p.origin))
                    .map(|p| p.id.as_str())
                    .collect()
            };
            let failures = test_examples(&rules, &tested);
            for failure in &failures {
                outln!("{failure}");
            }
            let examples: usize = rules
                .rules
                .iter()
                .filter(|r| tested.contains(&r.pack.as_str()))
                .map(|r| r.flag.len() + r.pass.len())
                .sum();
            outln!(
                "examples: {} passed, {} failed",
                examples - failures.len(),
                failures.len()
            );
            if failures.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            }
        }
    }
}

fn list(rules: &RuleSet, format: ListFormat) {
    match format {
        ListFormat::Json => {
            let text = serde_json::to_string_pretty(&serde_json::json!({
                "version": 1,
                "packs": rules.packs,
                "rules": rules.rules,
            }))
            .expect("JSON of owned data");
            outln!("{text}");
        }
        ListFormat::Human => {
            let width = rules.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for rule in &rules.rules {
                outln!(
                    "{:width$}  {:18}  {:8}  {}",
                    rule.id,
                    rule.category,
                    rule.severity.name(),
                    rule.name
                );
            }
            outln!("{} rules in {} packs", rules.rules.len(), rules.packs.len());
        }
    }
}

fn explain(rules: &RuleSet, id: &str) -> i32 {
    let Some((_, rule)) = rules.get(id) else {
        let mut near: Vec<&str> = rules
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|candidate| {
                candidate.contains(id)
                    || id
                        .split('.')
                        .any(|part| !part.is_empty() && candidate.contains(part))
            })
            .collect();
        near.truncate(8);
        eprintln!("gzhlint: error: no rule {id:?} is loaded");
        if !near.is_empty() {
            eprintln!("  did you mean: {}", near.join(", "));
        }
        eprintln!("  `gzhlint rules list` shows every rule");
        return EXIT_ERROR;
    };
    out!("{}", explanation(rules, rule));
    EXIT_CLEAN
}

fn explanation(rules: &RuleSet, rule: &Rule) -> String {
    let pack = rules.packs.iter().find(|p| p.id == rule.pack);
    let mut out = String::new();
    out.push_str(&format!("{} ({})\n", rule.id, rule.name));
    out.push_str(&format!("  category: {}\n", rule.category));
    out.push_str(&format!(
        "  severity: {} {}\n",
        rule.severity.chinese(),
        rule.severity
    ));
    if let Some(pack) = pack {
        out.push_str(&format!(
            "  pack:     {} {} ({})\n",
            pack.id, pack.version, pack.origin
        ));
    }
    let scopes: Vec<&str> = rule.scopes.iter().map(|s| s.name()).collect();
    out.push_str(&format!("  scopes:   {}\n", scopes.join(", ")));
    if let Some(model) = &rule.model {
        out.push_str(&format!(
            "  matches:  sentences the sentence model's {:?} head rates {} or more\n",
            model.head, model.threshold
        ));
        if model.rest_of_sentence {
            out.push_str(
                "            and, in a sentence a rule of its category flags, each run of the other\n            clauses it still rates so on its own\n",
            );
        }
    }
    out.push_str(&format!("\nWhat it catches:\n  {}\n", rule.message));
    if !rule.description.is_empty() {
        out.push_str(&format!(
            "  {}\n",
            rule.description.trim().replace('\n', "\n  ")
        ));
    }
    out.push_str(&format!("\nWhy (clause):\n  {}\n", rule.clause));
    out.push_str(&format!("\nHow to fix:\n  {}\n", rule.help));
    if let Some(replace) = &rule.replace {
        out.push_str(&format!("  suggestion: 「{replace}」 ({:?} fix)\n", rule.fix).to_lowercase());
    }
    if !rule.flag.is_empty() {
        out.push_str("\nFlagged:\n");
        for example in &rule.flag {
            out.push_str(&format!("  ✘ {example}\n"));
        }
    }
    if !rule.pass.is_empty() {
        out.push_str("\nNot flagged:\n");
        for example in &rule.pass {
            out.push_str(&format!("  ✔ {example}\n"));
        }
    }
    out
}

/// Runs the examples of the rules in `packs`; returns one line per failure, each naming the
/// example's pack file and line.
pub fn test_examples(rules: &RuleSet, packs: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    for rule in rules
        .rules
        .iter()
        .filter(|r| packs.contains(&r.pack.as_str()))
    {
        let origin = rules
            .packs
            .iter()
            .find(|p| p.id == rule.pack)
            .map_or(rule.pack.as_str(), |p| p.origin.as_str());
        let place = |lines: &[usize], i: usize| match lines.get(i) {
            Some(line) => format!("{origin}:{line}"),
            None => origin.to_string(),
        };
        for (i, example) in rule.flag.iter().enumerate() {
            let found = lint_snippet(rules, example, rule.scopes);
            if !found.iter().any(|d| rules.rules[d.rule].id == rule.id) {
                let others: Vec<&str> = found
                    .iter()
                    .map(|d| rules.rules[d.rule].id.as_str())
                    .collect();
                failures.push(format!(
                    "{}: FAIL {}: flag example not caught: «{example}»{}",
                    place(&rule.example_lines.flag, i),
                    rule.id,
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (caught only by {})", others.join(", "))
                    }
                ));
            }
        }
        for (i, example) in rule.pass.iter().enumerate() {
            for d in lint_snippet(rules, example, rule.scopes) {
                failures.push(format!(
                    "{}: FAIL {}: pass example flagged by {} at «{}»: «{example}»",
                    place(&rule.example_lines.pass, i),
                    rule.id,
                    rules.rules[d.rule].id,
                    d.text
                ));
            }
        }
    }
    failures
}
