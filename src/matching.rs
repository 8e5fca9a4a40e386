//! Stage 4: run a view's compiled automata over one normalized block.
//!
//! One overlapping pass of the literal automaton finds every phrase and every context term at
//! once; the regex set says which patterns occur, and only those are run for positions.

use std::ops::Range;

use crate::rules::compile::{Role, ViewMatcher};

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
    if let Some(literals) = &matcher.literals {
        for m in literals.find_overlapping_iter(text) {
            for u in &matcher.literal_uses[m.pattern().as_usize()] {
                if u.role == Role::Phrase {
                    found.candidates.push(Candidate {
                        rule: u.rule,
                        range: m.range(),
                    });
                } else {
                    found.context.push(ContextHit {
                        rule: u.rule,
                        role: u.role,
                        range: m.range(),
                    });
                }
            }
        }
    }
    if let Some(set) = &matcher.pattern_set {
        for index in set.matches(text).iter() {
            let (regex, rule) = &matcher.patterns[index];
            for m in regex.find_iter(text) {
                if !m.is_empty() {
                    found.candidates.push(Candidate {
                        rule: *rule,
                        range: m.range(),
                    });
                }
            }
        }
    }
    found
}
