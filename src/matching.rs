//! Stage 4: run a view's compiled automata over one normalized block.
//!
//! One overlapping pass of the literal automaton finds every phrase, every context term and
//! every pattern anchor at once; then only the patterns whose anchors occurred (and those
//! without anchors) run — and only when their other required parts occurred too: a pattern
//! whose matches start with its anchors only tried, anchored, at them; another with bounded
//! matches searched only near them.

use std::ops::Range;

use regex_automata::Input;

use crate::rules::compile::{
    ContextUse, LiteralBloom, Pattern, RequiredSet, Role, Use, ViewMatcher,
};
use crate::rules::model;

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

#[derive(Clone, Debug, Default)]
pub struct BlockMatches {
    pub candidates: Vec<Candidate>,
    pub context: Vec<ContextHit>,
}

/// Which context terms a block's matches must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextWanted {
    /// Those of the rules with candidates in the block: all its findings can need.
    ForCandidates,
    /// Also every section frame, and the phrases that void one: the block is a title or
    /// heading, or introduces a list.
    WithSectionFrames,
    /// Every context term of every rule: the block is a table cell, whose frames hold for the
    /// rest of its row (and a first row's for the whole table).
    All,
}

pub fn match_block(matcher: &ViewMatcher, text: &str, wanted: ContextWanted) -> BlockMatches {
    SCRATCH.with_borrow_mut(|scratch| {
        // Cleared first too: a panic caught by a library caller may have left data behind.
        scratch.trim();
        let found = match_with(matcher, text, wanted, scratch);
        scratch.trim();
        found
    })
}

/// Buffers [`match_block`] reuses from block to block on a thread: most blocks are a short
/// paragraph, and allocating these afresh for each cost more than filling them.
#[derive(Default)]
struct Scratch {
    places: Vec<(u32, Range<usize>)>,
    literals_found: Vec<(u32, Range<usize>)>,
    occurrence_starts: Vec<(u32, usize)>,
    also: AlsoParts,
    candidate_rules: Vec<u32>,
    model: model::Scratch,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Entries a scratch buffer may keep between blocks; a huge paragraph's are given back.
const SCRATCH_KEEP: usize = 1 << 14;

impl Scratch {
    fn trim(&mut self) {
        fn trim<T>(buffer: &mut Vec<T>) {
            buffer.clear();
            if buffer.capacity() > SCRATCH_KEEP {
                *buffer = Vec::new();
            }
        }
        trim(&mut self.places);
        trim(&mut self.literals_found);
        trim(&mut self.occurrence_starts);
        trim(&mut self.also.starts);
        trim(&mut self.also.set_ends);
        trim(&mut self.candidate_rules);
    }
}

fn match_with(
    matcher: &ViewMatcher,
    text: &str,
    wanted: ContextWanted,
    scratch: &mut Scratch,
) -> BlockMatches {
    let Scratch {
        places,
        literals_found,
        occurrence_starts,
        also,
        candidate_rules,
        model: model_scratch,
    } = scratch;
    let mut found = BlockMatches::default();
    // Where each pattern may match: from or around its anchors' occurrences, or the whole
    // block.
    places.extend(
        matcher
            .unanchored
            .iter()
            .map(|&pattern| (pattern, 0..text.len())),
    );
    if let Some(literals) = &matcher.literals {
        literals.for_each_overlapping(text, |range, literal| {
            literals_found.push((literal as u32, range));
        });
    }
    let occurrences = Occurrences::new(literals_found, occurrence_starts);
    for (literal, range) in literals_found.iter() {
        for u in matcher.uses.get(*literal as usize) {
            match *u {
                Use::Phrase { rule } => found.candidates.push(Candidate {
                    rule,
                    range: range.clone(),
                }),
                Use::Anchor { pattern: index } => {
                    let pattern = &matcher.patterns[index as usize];
                    // Most anchors' patterns lack another required part in the block.
                    if !occurrences.may_hold_all(&pattern.also) {
                        continue;
                    }
                    let place = if pattern.starts_at_anchor {
                        range.clone()
                    } else {
                        search_window(text, range, pattern.max_len)
                    };
                    places.push((index, place));
                }
            }
        }
    }
    places.sort_unstable_by_key(|(pattern, place)| (*pattern, place.start));
    for places in places.chunk_by(|a, b| a.0 == b.0) {
        let pattern = &matcher.patterns[places[0].0 as usize];
        if !also.find(&occurrences, &pattern.also) {
            continue; // a required part is missing from the block
        }
        let places = places.iter().map(|(_, place)| place.clone());
        let mut report = |m: Range<usize>| {
            found.candidates.push(Candidate {
                rule: pattern.rule,
                range: pattern.reported_span(text, m),
            })
        };
        // Anchored starts each read up to `max_len` bytes: with many of them (a long
        // paragraph of one common character), merged windows read the block once instead.
        let reach = places
            .len()
            .saturating_mul(pattern.max_len.unwrap_or(text.len()));
        if !pattern.starts_at_anchor {
            matches_in_windows(pattern, text, places, also, &mut report);
        } else if reach <= START_BUDGET * text.len() {
            matches_from_starts(pattern, text, places, also, &mut report);
        } else {
            // Every match starts at an anchor, so a window need not reach back before it.
            let windows = places
                .map(|anchor| anchor.start..search_window(text, &anchor, pattern.max_len).end);
            matches_in_windows(pattern, text, windows, also, &mut report);
        }
    }
    if !matcher.model_uses.is_empty() {
        model::builtin().flag_sentences(text, &matcher.model_uses, model_scratch, |rule, range| {
            found.candidates.push(Candidate { rule, range })
        });
    }
    // Context terms matter only to the rules that found something, and to section frames.
    candidate_rules.extend(found.candidates.iter().map(|c| c.rule));
    candidate_rules.sort_unstable();
    candidate_rules.dedup();
    if !candidate_rules.is_empty() || wanted != ContextWanted::ForCandidates {
        for (literal, range) in literals_found.iter() {
            for &ContextUse { rule, role } in matcher.context_uses.get(*literal as usize) {
                let keep = match wanted {
                    ContextWanted::ForCandidates => false,
                    ContextWanted::WithSectionFrames => {
                        matches!(role, Role::SectionFrame | Role::NotFrame)
                    }
                    ContextWanted::All => true,
                };
                if keep || candidate_rules.binary_search(&rule).is_ok() {
                    found.context.push(ContextHit {
                        rule,
                        role,
                        range: range.clone(),
                    });
                }
            }
        }
    }
    found
}

/// Most bytes all of a pattern's anchored starts in a block may read, per byte of the block.
const START_BUDGET: usize = 8;

/// Where each literal occurs in a block: (literal id, start), sorted.
struct Occurrences<'a> {
    starts: &'a [(u32, usize)],
    /// The literal ids found: most required parts a pattern's sets name are not in the
    /// block, and the filter rules them out without a search.
    seen: LiteralBloom,
}

impl<'a> Occurrences<'a> {
    /// Sorts the starts of `found` into `starts` (cleared first).
    fn new(found: &[(u32, Range<usize>)], starts: &'a mut Vec<(u32, usize)>) -> Occurrences<'a> {
        starts.clear();
        starts.extend(found.iter().map(|(l, r)| (*l, r.start)));
        starts.sort_unstable();
        let mut seen = LiteralBloom::default();
        for &(literal, _) in starts.iter() {
            seen.insert(literal);
        }
        Occurrences { starts, seen }
    }

    /// Whether each set may have a literal in the block (the filter has no false negatives).
    fn may_hold_all(&self, sets: &[RequiredSet]) -> bool {
        sets.iter().all(|set| self.seen.may_share(&set.bloom))
    }

    /// The occurrences of `literal`, by start.
    fn of(&self, literal: u32) -> &[(u32, usize)] {
        if !self.seen.may_contain(literal) {
            return &[];
        }
        let first = self.starts.partition_point(|&(l, _)| l < literal);
        let end = first + self.starts[first..].partition_point(|&(l, _)| l == literal);
        &self.starts[first..end]
    }
}

/// The occurrences of one pattern's further required parts ([`Pattern::also`]) in a block:
/// per set, the starts of whichever of its literals occur, sorted.
#[derive(Default)]
struct AlsoParts {
    starts: Vec<usize>,
    /// Where each set's starts end in `starts`.
    set_ends: Vec<usize>,
}

impl AlsoParts {
    /// Gathers the occurrences of `sets`' literals; `false` when a set has none in the block.
    fn find(&mut self, occurrences: &Occurrences<'_>, sets: &[RequiredSet]) -> bool {
        self.starts.clear();
        self.set_ends.clear();
        for set in sets {
            let first = self.starts.len();
            for &literal in set.ids.iter() {
                self.starts
                    .extend(occurrences.of(literal).iter().map(|&(_, start)| start));
            }
            if self.starts.len() == first {
                return false;
            }
            self.starts[first..].sort_unstable();
            self.set_ends.push(self.starts.len());
        }
        true
    }

    /// Whether every required part occurs in `range` (starts there), as it must in a match
    /// there.
    fn occur_within(&self, range: Range<usize>) -> bool {
        let mut first = 0;
        self.set_ends.iter().all(|&end| {
            let starts = &self.starts[first..end];
            first = end;
            let i = starts.partition_point(|&start| start < range.start);
            starts.get(i).is_some_and(|&start| start < range.end)
        })
    }
}

/// Finds the pattern's matches within `windows` (sorted by start). Overlapping windows merge,
/// so no match is found twice or cut in two.
fn matches_in_windows(
    pattern: &Pattern,
    text: &str,
    windows: impl Iterator<Item = Range<usize>>,
    also: &AlsoParts,
    report: &mut impl FnMut(Range<usize>),
) {
    let mut windows = windows.peekable();
    while let Some(mut window) = windows.next() {
        while let Some(next) = windows.next_if(|next| next.start <= window.end) {
            window.end = window.end.max(next.end);
        }
        if !also.occur_within(window.clone()) {
            continue;
        }
        // Collected first: reporting a match may search the pattern again for its span.
        for m in pattern.find_all(Input::new(text).range(window)) {
            if !m.is_empty() {
                report(m);
            }
        }
    }
}

/// Finds the pattern's matches starting at its anchors' occurrences (sorted by start): what a
/// search of the whole text finds, since every match starts at an anchor. Each start is tried
/// once, anchored, unless it lies inside the last match found.
fn matches_from_starts(
    pattern: &Pattern,
    text: &str,
    anchors: impl Iterator<Item = Range<usize>>,
    also: &AlsoParts,
    report: &mut impl FnMut(Range<usize>),
) {
    let mut resume = 0;
    for anchor in anchors {
        if anchor.start < resume {
            continue;
        }
        resume = anchor.start + 1;
        let end = search_window(text, &anchor, pattern.max_len).end;
        if !also.occur_within(anchor.start..end) {
            continue;
        }
        if let Some(found) = pattern.match_from(text, anchor.start..end) {
            if found > anchor.start {
                resume = found;
                report(anchor.start..found);
            }
        }
    }
}

/// The part of `text` a match containing the anchor at `anchor` can cover: `max_len` bytes
/// either way, widened to whole characters; the whole text when matches are unbounded.
fn search_window(text: &str, anchor: &Range<usize>, max_len: Option<usize>) -> Range<usize> {
    let Some(max_len) = max_len else {
        return 0..text.len();
    };
    let mut start = anchor.end.saturating_sub(max_len);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (anchor.start + max_len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::rule_set;

    /// The candidates' ranges, in text order.
    fn candidate_ranges(view: &ViewMatcher, text: &str) -> Vec<Range<usize>> {
        let mut ranges: Vec<_> = match_block(view, text, ContextWanted::ForCandidates)
            .candidates
            .into_iter()
            .map(|c| c.range)
            .collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges
    }

    /// Searching only near anchors, or only from them, finds exactly what a search of the
    /// whole block finds, look-around at the block's edges included.
    #[test]
    fn windowed_search_equals_whole_block_search() {
        let rules = rule_set(
            r#"
[[rule]]
id = "t.contact"
category = "t"
severity = "warning"
patterns = ['(?:^|[^a-z])(?:vx|薇信)[:]?[0-9]{3,6}(?:$|[^0-9])', '转发[^。]{0,4}(?:领|得)红包', '转发[a-z]{1,8}\b']
"#,
        );
        let view = &rules.views[0];
        assert!(view.patterns.iter().all(|p| p.max_len.is_some()));
        let starts: Vec<bool> = view.patterns.iter().map(|p| p.starts_at_anchor).collect();
        assert_eq!(
            starts,
            [false, true, true],
            "both ways of searching are tested"
        );
        let texts = [
            "vx123456",
            "加vx:1234，或者薇信:998877。另外abvx123不算",
            "今天转发就领红包，明天转发本文得红包。转发了再说领红包",
            "转发转发转发领红包领红包",
            "前面很长很长很长很长很长很长很长很长的铺垫文字然后才有vx:55555",
            // A Unicode word boundary next to Chinese: the forward DFA gives up, the full
            // regex decides (转发abc红包 has none: 红 is a word character).
            "转发abc，转发xyz红包，转发ok",
        ];
        for text in texts {
            let mut whole: Vec<_> = view
                .patterns
                .iter()
                .flat_map(|p| p.find_all(Input::new(text)))
                .collect();
            whole.sort_by_key(|r| (r.start, r.end));
            assert_eq!(candidate_ranges(view, text), whole, "{text}");
            assert!(!whole.is_empty(), "{text}");
        }
    }

    /// A `hit` group stands in for look-behind: the character checked before it is not reported.
    #[test]
    fn a_hit_group_is_the_reported_span() {
        let rules = rule_set(
            r#"
[[rule]]
id = "t.handle"
category = "t"
severity = "warning"
patterns = ['(?:^|[^众])(?P<hit>微信号 ?[a-z]+[0-9]+)', '(?:^|[^众])微信群[0-9]+']
"#,
        );
        let found = |text: &'static str| -> Vec<&'static str> {
            candidate_ranges(&rules.views[0], text)
                .into_iter()
                .map(|r| &text[r])
                .collect()
        };
        assert_eq!(found("（微信号 abc123）"), ["微信号 abc123"]);
        assert_eq!(found("微信号 abc123"), ["微信号 abc123"]);
        assert_eq!(found("公众微信号 abc123"), Vec::<&str>::new());
        assert_eq!(
            found("加微信群123"),
            ["加微信群123"],
            "no hit group: the whole match"
        );
    }

    #[test]
    fn search_windows_cover_whole_characters() {
        let text = "转发本文领红包";
        assert_eq!(search_window(text, &(0..6), Some(7)), 0..9);
        assert_eq!(
            search_window(text, &(9..12), Some(4)),
            6..15,
            "widened to 文 and 领"
        );
        assert_eq!(search_window(text, &(9..12), None), 0..text.len());
    }
}
