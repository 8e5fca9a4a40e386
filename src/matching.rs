//! Stage 4: run a view's compiled automata over one normalized block.
//!
//! One overlapping pass of the literal automaton finds every phrase, every context term and
//! every pattern anchor at once; then only the patterns whose anchors occurred (and those
//! without anchors) run — and only when their other required parts occurred too: a pattern
//! whose matches start with its anchors only tried, anchored, at them; another with bounded
//! matches searched only near them.

use std::ops::Range;

use regex_automata::Input;

use crate::rules::compile::{Pattern, Role, Use, ViewMatcher};

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

pub fn match_block(matcher: &ViewMatcher, text: &str) -> BlockMatches {
    let mut found = BlockMatches::default();
    // Where each pattern may match: from or around its anchors' occurrences, or the whole
    // block.
    let mut places: Vec<(u32, Range<usize>)> = matcher
        .unanchored
        .iter()
        .map(|&pattern| (pattern, 0..text.len()))
        .collect();
    let mut also_found: Vec<AlsoHit> = Vec::new();
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
                    Use::Also { pattern, group } => also_found.push(AlsoHit {
                        pattern,
                        group,
                        start: range.start,
                    }),
                    Use::Anchor { pattern } => {
                        let pattern_matcher = &matcher.patterns[pattern as usize];
                        let place = if pattern_matcher.starts_at_anchor {
                            range.clone()
                        } else {
                            search_window(text, &range, pattern_matcher.max_len)
                        };
                        places.push((pattern, place));
                    }
                }
            }
        });
    }
    also_found.sort_unstable();
    places.sort_unstable_by_key(|(pattern, place)| (*pattern, place.start));
    for places in places.chunk_by(|a, b| a.0 == b.0) {
        let index = places[0].0;
        let pattern = &matcher.patterns[index as usize];
        let also = AlsoParts {
            found: &also_found[also_found.partition_point(|hit| hit.pattern < index)
                ..also_found.partition_point(|hit| hit.pattern <= index)],
            groups: pattern.also_groups,
        };
        if !also.occur_within(0..text.len()) {
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
            matches_in_windows(pattern, text, places, &also, &mut report);
        } else if reach <= START_BUDGET * text.len() {
            matches_from_starts(pattern, text, places, &also, &mut report);
        } else {
            // Every match starts at an anchor, so a window need not reach back before it.
            let windows = places
                .map(|anchor| anchor.start..search_window(text, &anchor, pattern.max_len).end);
            matches_in_windows(pattern, text, windows, &also, &mut report);
        }
    }
    found
}

/// Most bytes all of a pattern's anchored starts in a block may read, per byte of the block.
const START_BUDGET: usize = 8;

/// An occurrence of one of a pattern's further required parts ([`Use::Also`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct AlsoHit {
    pattern: u32,
    group: u8,
    start: usize,
}

/// The occurrences of one pattern's further required parts in a block, sorted.
struct AlsoParts<'a> {
    found: &'a [AlsoHit],
    groups: u8,
}

impl AlsoParts<'_> {
    /// Whether every required part occurs in `range`, as it must in a match there.
    fn occur_within(&self, range: Range<usize>) -> bool {
        (0..self.groups).all(|group| {
            let first = self
                .found
                .partition_point(|hit| (hit.group, hit.start) < (group, range.start));
            self.found
                .get(first)
                .is_some_and(|hit| hit.group == group && hit.start < range.end)
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
        for m in pattern.regex().find_iter(Input::new(text).range(window)) {
            if !m.is_empty() {
                report(m.range());
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
        let mut ranges: Vec<_> = match_block(view, text)
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
                .flat_map(|p| p.regex().find_iter(text).map(|m| m.range()))
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
