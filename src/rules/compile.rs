//! Compiling loaded packs into shared automata: one aho-corasick automaton for every literal
//! (phrases, required terms, frames, allow phrases) and one regex set for every pattern, per
//! normalization view. A pattern id maps back to the rules and roles that use it.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::pack::{LoadedPack, RuleMatch};
use super::{PackError, PackInfo, Rule, Validator};
use crate::normalize::{normalize, View};

/// What a literal does for a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Phrase,
    Requires(u8),
    Unless,
    UnlessAfter,
    Allow,
}

#[derive(Clone, Copy, Debug)]
pub struct Use {
    pub rule: u32,
    pub role: Role,
}

/// Per-rule matching settings the filter needs.
#[derive(Clone, Debug)]
pub struct Conditions {
    pub requires: u8,
    pub within: Option<usize>,
    pub has_unless: bool,
    pub frame_within: Option<usize>,
    pub has_allow: bool,
    pub validator: Option<Validator>,
    pub separators: bool,
}

/// The automata of one normalization view.
pub struct ViewMatcher {
    pub view: View,
    pub literals: Option<AhoCorasick>,
    pub literal_uses: Vec<Vec<Use>>,
    pub pattern_set: Option<RegexSet>,
    pub patterns: Vec<(Regex, u32)>,
}

/// All loaded rules, compiled.
pub struct RuleSet {
    pub packs: Vec<PackInfo>,
    pub rules: Vec<Rule>,
    pub conditions: Vec<Conditions>,
    pub views: Vec<ViewMatcher>,
    by_id: HashMap<String, usize>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<(usize, &Rule)> {
        self.by_id.get(id).map(|&i| (i, &self.rules[i]))
    }

    /// Compiles packs; a rule id defined twice across packs is an error.
    pub fn compile(packs: Vec<LoadedPack>) -> Result<RuleSet, PackError> {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut rules = Vec::new();
        let mut matches: Vec<RuleMatch> = Vec::new();
        let mut infos = Vec::new();
        let mut first_origin: HashMap<String, String> = HashMap::new();
        for pack in packs {
            if let Some(other) = infos.iter().find(|p: &&PackInfo| p.id == pack.info.id) {
                return Err(PackError {
                    origin: pack.source.origin.clone(),
                    source_text: pack.source.text.clone(),
                    span: None,
                    message: format!(
                        "duplicate pack id {:?} (already loaded from {})",
                        pack.info.id, other.origin
                    ),
                    help: Some("give each pack its own [pack] id".to_string()),
                });
            }
            for ((rule, matching), span) in pack.rules.into_iter().zip(pack.id_spans) {
                if let Some(origin) = first_origin.get(&rule.id) {
                    return Err(PackError {
                        origin: pack.source.origin.clone(),
                        source_text: pack.source.text.clone(),
                        span: Some(span),
                        message: format!(
                            "duplicate rule id {:?} (already defined in {origin})",
                            rule.id
                        ),
                        help: Some(
                            "every rule id must be unique across all loaded packs".to_string(),
                        ),
                    });
                }
                first_origin.insert(rule.id.clone(), pack.source.origin.clone());
                by_id.insert(rule.id.clone(), rules.len());
                rules.push(rule);
                matches.push(matching);
            }
            infos.push(pack.info);
        }
        let conditions = matches
            .iter()
            .map(|m| Conditions {
                requires: m.requires.len().min(u8::MAX as usize) as u8,
                within: m.within,
                has_unless: !m.unless.is_empty() || !m.unless_after.is_empty(),
                frame_within: m.frame_within,
                has_allow: !m.allow.is_empty(),
                validator: m.validator,
                separators: m.separators,
            })
            .collect();
        let mut views = Vec::new();
        for view in [View { digits: false }, View { digits: true }] {
            let members: Vec<usize> = (0..matches.len())
                .filter(|&i| matches[i].digits == view.digits)
                .collect();
            if !members.is_empty() {
                views.push(compile_view(view, &members, &matches));
            }
        }
        Ok(RuleSet {
            packs: infos,
            rules,
            conditions,
            views,
            by_id,
        })
    }
}

fn compile_view(view: View, members: &[usize], matches: &[RuleMatch]) -> ViewMatcher {
    let mut literal_ids: HashMap<String, usize> = HashMap::new();
    let mut literals: Vec<String> = Vec::new();
    let mut literal_uses: Vec<Vec<Use>> = Vec::new();
    let mut add = |text: &str, rule: usize, role: Role| {
        let normalized = normalize(text, view).text;
        if normalized.is_empty() {
            return;
        }
        let id = *literal_ids.entry(normalized.clone()).or_insert_with(|| {
            literals.push(normalized);
            literal_uses.push(Vec::new());
            literals.len() - 1
        });
        let uses = &mut literal_uses[id];
        let new_use = Use {
            rule: rule as u32,
            role,
        };
        if !uses
            .iter()
            .any(|u| u.rule == new_use.rule && u.role == role)
        {
            uses.push(new_use);
        }
    };
    let mut pattern_sources = Vec::new();
    let mut pattern_rules = Vec::new();
    for &rule in members {
        let m = &matches[rule];
        for phrase in &m.phrases {
            add(phrase, rule, Role::Phrase);
        }
        for (group, terms) in m.requires.iter().enumerate() {
            for term in terms {
                add(term, rule, Role::Requires(group as u8));
            }
        }
        for frame in &m.unless {
            add(frame, rule, Role::Unless);
        }
        for frame in &m.unless_after {
            add(frame, rule, Role::UnlessAfter);
        }
        for phrase in &m.allow {
            add(phrase, rule, Role::Allow);
        }
        for pattern in &m.patterns {
            pattern_sources.push(pattern.clone());
            pattern_rules.push(rule as u32);
        }
    }
    let literals = (!literals.is_empty()).then(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .expect("literal automaton within size limits")
    });
    // Each pattern was normalized and checked when its pack was loaded.
    let pattern_set = (!pattern_sources.is_empty()).then(|| {
        RegexSetBuilder::new(&pattern_sources)
            .case_insensitive(true)
            .dfa_size_limit(64 << 20)
            .size_limit(64 << 20)
            .build()
            .expect("patterns validated at load")
    });
    let patterns = pattern_sources
        .iter()
        .zip(pattern_rules)
        .map(|(source, rule)| {
            let regex = RegexBuilder::new(source)
                .case_insensitive(true)
                .build()
                .expect("patterns validated at load");
            (regex, rule)
        })
        .collect();
    ViewMatcher {
        view,
        literals,
        literal_uses,
        pattern_set,
        patterns,
    }
}
