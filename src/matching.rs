//! Stage 4: run a view's compiled automata over one normalized block.
//!
//! One overlapping pass of the literal automaton finds every phrase, every context term and
//! every pattern anchor at once; then only the patterns whose anchors occurred (and those
//! without anchors) run.

use std::ops::Range;

use crate::rules::compile::{Role, Use, ViewMatcher};

/// A possible finding: a rule's phrase or pattern matched at `range` of the normalized text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub rule: u32,
    pub range: Range<usize>,
}

/// A context term (required term, frame, allow phrase) found for a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextHit {
    pub rule: u32,
    pub role: Role,
    pub range: Range<usize>,
}

#[derive(Debug, Default)]
pub struct BlockMatches {
    pub candidates: Vec<Candidate>,
    pub context: Vec<ContextHit>,
}

pub fn match_block(matcher: &ViewMatcher, text: &str) -> BlockMatches {
    let mut found = BlockMatches::default();
    let mut to_run: Vec<u32> = matcher.unanchored.clone();
    if let Some(literals) = &matcher.literals {
        literals.for_each_overlapping(text, |range, literal| {
            for u in &matcher.literal_uses[literal] {
                match *u {
                    Use::Rule {
                        rule,
                        role: Role::Phrase,
                    } => found.candidates.push(Candidate {
                        rule,
                        range: range.clone(),
                    }),
                    Use::Rule { rule, role } => found.context.push(ContextHit {
                        rule,
                        role,
                        range: range.clone(),
                    }),
                    Use::Anchor { pattern } => to_run.push(pattern),
                }
            }
        });
    }
    to_run.sort_unstable();
    to_run.dedup();
    for index in to_run {
        let pattern = &matcher.patterns[index as usize];
        for m in pattern.regex().find_iter(text) {
            if !m.is_empty() {
                found.candidates.push(Candidate {
                    rule: pattern.rule,
                    range: m.range(),
                });
            }
        }
    }
    found
}
