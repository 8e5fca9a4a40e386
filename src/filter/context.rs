//! The context a rule names turns a match on or off: required terms in the sentence, a
//! debunking or warning frame before it, a longer allowed phrase covering it (第一章 over 第一),
//! a validator on its digits, and Latin word boundaries.

use std::ops::Range;

use crate::extract::{Block, Scope};
use crate::matching::{BlockMatches, ContextHit};
use crate::normalize::{is_sentence_end, Normalized};
use crate::rules::compile::{Conditions, Pattern, Role};
use crate::rules::RuleSet;

/// A finding in normalized coordinates of one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub rule: u32,
    pub range: Range<usize>,
}

/// Sentence boundaries of a text, computed once per block when some rule needs them.
struct Sentences {
    ends: Vec<usize>,
}

impl Sentences {
    /// A line break right after a colon does not end the sentence: a label and its value on
    /// the next line (收款卡：<br>6217…) are read together.
    fn new(text: &str) -> Sentences {
        let mut previous = None;
        let ends = text
            .char_indices()
            .filter_map(|(i, c)| {
                let ends_here = is_sentence_end(c) && !(c == '\n' && previous == Some(':'));
                previous = Some(c);
                ends_here.then(|| i + c.len_utf8())
            })
            .collect();
        Sentences { ends }
    }

    /// The range of the sentence holding `range` (a match never spans a sentence end here,
    /// since it is found inside one).
    fn around(&self, range: &Range<usize>, len: usize) -> Range<usize> {
        let i = self.ends.partition_point(|&e| e <= range.start);
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let end = self.ends.get(i).copied().unwrap_or(len);
        start..end.max(range.end)
    }
}

/// Whether at most `n` characters lie between byte offsets `a` and `b`. Counts only when the
/// gap could be that short (a character is at most 4 bytes), so a check costs O(n), not the
/// length of a long paragraph.
fn at_most_chars_between(text: &str, a: usize, b: usize, n: usize) -> bool {
    a >= b || (b - a <= n.saturating_mul(4) && text[a..b].chars().count() <= n)
}

/// How far from a match, in bytes, context terms count (about 1,000 Chinese characters):
/// beyond any real sentence, and it keeps a paragraph with no sentence end and thousands of
/// matches linear in time.
const CONTEXT_REACH: usize = 3_000;

/// The hits of `context` (sorted by start) that start within [`CONTEXT_REACH`] of `range`.
fn within_reach<'a>(context: &'a [ContextHit], range: &Range<usize>) -> &'a [ContextHit] {
    let from = range.start.saturating_sub(CONTEXT_REACH);
    let to = range.end.saturating_add(CONTEXT_REACH);
    let first = context.partition_point(|c| c.range.start < from);
    let end = first + context[first..].partition_point(|c| c.range.start <= to);
    &context[first..end]
}

/// Words that, right before a section frame, deny it (这不是骗局, 并非诈骗, 零风险无陷阱). They
/// must touch the frame: 不少骗局 and 无数套路 are warnings.
const NEGATORS: [&str; 8] = [
    "不是",
    "并非",
    "绝非",
    "不算",
    "不属于",
    "没有",
    "别说",
    "无",
];

/// Adds to `into` (kept sorted) the rules whose section frames (`unless_section`) occur in a
/// block's matches. A negated frame does not count: 这不是骗局 is how a scam ad talks; nor does
/// one a `not_frames` phrase voids (送礼不踩雷 over 踩雷: a buying guide warns of nothing).
pub fn section_frames(text: &str, matches: &BlockMatches, into: &mut Vec<u32>) {
    let voided = voided_by_not_frames(matches);
    into.extend(
        matches
            .context
            .iter()
            .filter(|hit| {
                hit.role == Role::SectionFrame && !negated(text, &hit.range) && !voided(hit)
            })
            .map(|hit| hit.rule),
    );
    into.sort_unstable();
    into.dedup();
}

/// Whether a frame among a block's matches is voided by one of its `not_frames` phrases.
fn voided_by_not_frames(matches: &BlockMatches) -> impl Fn(&ContextHit) -> bool + '_ {
    let not_frames: Vec<&ContextHit> = matches
        .context
        .iter()
        .filter(|hit| hit.role == Role::NotFrame)
        .collect();
    move |frame| not_frames.iter().any(|v| voids(v, frame))
}

/// Adds to `into` (kept sorted) the rules a table cell frames for the other cells of its row
/// (and, in a table's first row, for the whole table): its `unless`, `unless_after` and
/// section frames, wherever they stand in the cell — a table puts its verdict in a column of
/// its own (| 稳赚不赔 | 违反监管规定的承诺 |, | 骗子怎么说 | 真相 |). Not a negated frame (as
/// for section frames), one a `not_frames` phrase voids, a quotation mark (it frames only
/// its own quotation), or the frames of a rule that wants them close to the hit
/// (`frame_within`).
pub fn cell_frames(rules: &RuleSet, text: &str, matches: &BlockMatches, into: &mut Vec<u32>) {
    let voided = voided_by_not_frames(matches);
    into.extend(
        matches
            .context
            .iter()
            .filter(|hit| {
                matches!(
                    hit.role,
                    Role::Unless | Role::UnlessAfter | Role::SectionFrame
                ) && rules.conditions[hit.rule as usize].frame_within.is_none()
                    && !negated(text, &hit.range)
                    && !is_quotation_mark(&text[hit.range.clone()])
                    && !voided(hit)
            })
            .map(|hit| hit.rule),
    );
    into.sort_unstable();
    into.dedup();
}

/// Whether `not_frame` is a `not_frames` phrase of the frame's rule covering it (不是吹 over 不是).
fn voids(not_frame: &ContextHit, frame: &ContextHit) -> bool {
    not_frame.role == Role::NotFrame
        && not_frame.rule == frame.rule
        && not_frame.range.start <= frame.range.start
        && frame.range.end <= not_frame.range.end
}

fn negated(text: &str, frame: &Range<usize>) -> bool {
    NEGATORS
        .iter()
        .any(|negator| text[..frame.start].ends_with(negator))
}

fn is_quotation_mark(text: &str) -> bool {
    matches!(text, "“" | "”" | "‘" | "’" | "「" | "」" | "『" | "』")
}

/// The rules whose section frames hold at the current block: the title's, and those of the
/// open sections' headings. A heading closes the sections of its level and below; a heading
/// split into several blocks (or followed by another of its level with no text between) adds
/// to its section; titles and headings quoted in a block quote open none.
pub struct SectionFrames {
    document: Vec<u32>,
    /// Open sections, outermost first: (heading level, the frames its heading named).
    open: Vec<(u8, Vec<u32>)>,
    previous_heading: Option<u8>,
    framed: Vec<u32>,
}

impl SectionFrames {
    pub fn new(document: Vec<u32>) -> SectionFrames {
        SectionFrames {
            framed: document.clone(),
            document,
            open: Vec::new(),
            previous_heading: None,
        }
    }

    /// Moves to `block`; when it opens a section, `frames_of` adds the rules its text frames.
    pub fn enter(&mut self, block: &Block, frames_of: impl FnOnce(&mut Vec<u32>)) {
        let level = block.heading_level;
        let opens_section = level > 0
            && !block.scopes.contains(Scope::Title)
            && !block.scopes.contains(Scope::Quote);
        if opens_section {
            if self.previous_heading != Some(level) {
                self.open.retain(|(open, _)| *open < level);
                self.open.push((level, Vec::new()));
            }
            if let Some((_, frames)) = self.open.last_mut() {
                frames_of(frames);
            }
            self.framed.clone_from(&self.document);
            for (_, frames) in &self.open {
                self.framed.extend(frames);
            }
            self.framed.sort_unstable();
            self.framed.dedup();
        }
        self.previous_heading = opens_section.then_some(level);
    }

    /// The framed rules, sorted.
    pub fn framed(&self) -> &[u32] {
        &self.framed
    }
}

/// Filters one view's matches over a block into accepted findings, leftmost-longest per rule.
/// `framed` lists (sorted) the rules framed for the whole block: by section frames in the
/// document's title or the heading of the block's section, or by a table's other cells.
pub fn accept(
    rules: &RuleSet,
    block: &Block,
    normalized: &Normalized,
    mut matches: BlockMatches,
    framed: &[u32],
) -> Vec<Accepted> {
    if matches.candidates.is_empty() {
        return Vec::new();
    }
    let text = normalized.text.as_str();
    let mut sentences: Option<Sentences> = None;
    matches.context.sort_by_key(|c| (c.rule, c.range.start));
    matches.candidates.sort_by(|a, b| {
        (a.rule, a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(
            b.rule,
            b.range.start,
            std::cmp::Reverse(b.range.end),
        ))
    });
    matches.candidates.dedup();

    let mut accepted: Vec<Accepted> = Vec::new();
    for candidate in &matches.candidates {
        if let Some(last) = accepted.last() {
            if last.rule == candidate.rule && candidate.range.start < last.range.end {
                continue;
            }
        }
        let rule = &rules.rules[candidate.rule as usize];
        let conditions = &rules.conditions[candidate.rule as usize];
        let range = &candidate.range;
        if !in_scope(
            rule.scopes,
            conditions.quoted_phrases,
            block,
            normalized,
            range,
        ) || !on_word_boundaries(text, range)
            || (!conditions.separators && normalized.crosses_separator(range))
            || conditions
                .validator
                .is_some_and(|v| !v.accepts(&text[range.clone()]))
        {
            continue;
        }
        if framed.binary_search(&candidate.rule).is_ok() {
            continue;
        }
        if conditions
            .allow_patterns
            .iter()
            .any(|allow| covered_by(allow, text, range))
        {
            continue;
        }
        let context = within_reach(context_of(&matches.context, candidate.rule), range);
        if needs_sentences(conditions) && sentences.is_none() {
            sentences = Some(Sentences::new(text));
        }
        if !context_allows(conditions, context, range, text, sentences.as_ref()) {
            continue;
        }
        accepted.push(Accepted {
            rule: candidate.rule,
            range: range.clone(),
        });
    }
    accepted
}

/// Whether a match of the `allow` pattern covers `range`: searching from shortly before it to
/// [`CONTEXT_REACH`] after it, so a long paragraph is not searched to its end per candidate.
fn covered_by(allow: &Pattern, text: &str, range: &Range<usize>) -> bool {
    // A covering match starts at or before the range; look back a bounded distance.
    let mut from = range.start.saturating_sub(64);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = range.end.saturating_add(CONTEXT_REACH).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    allow
        .find_all(regex_automata::Input::new(text).range(from..to))
        .into_iter()
        .take_while(|m| m.start <= range.start)
        .any(|m| m.end >= range.end)
}

/// A frame that is a quotation mark holds only across its own quotation: an opening mark
/// before the hit (所谓“日赚三百”) while the quotation is still open at the hit, a closing mark
/// after it while no other quotation opened in between. After 有个“娱乐厅”， the sentence is
/// the author's own words again. A mark inside the hit (a whole sentence the sentence model
/// flags) quotes only part of it.
fn quotation_holds(text: &str, frame: &Range<usize>, hit: &Range<usize>) -> bool {
    let before = frame.end <= hit.start;
    let after = hit.end <= frame.start;
    match &text[frame.clone()] {
        "“" if before => !text[frame.end..hit.start].contains('”'),
        "‘" if before => !text[frame.end..hit.start].contains('’'),
        "”" if after => !text[hit.end..frame.start].contains('“'),
        "’" if after => !text[hit.end..frame.start].contains('‘'),
        "“" | "‘" | "”" | "’" => false,
        _ => true,
    }
}

fn context_of(context: &[ContextHit], rule: u32) -> &[ContextHit] {
    let start = context.partition_point(|c| c.rule < rule);
    let end = context.partition_point(|c| c.rule <= rule);
    &context[start..end]
}

fn needs_sentences(conditions: &Conditions) -> bool {
    conditions.has_unless || (conditions.requires > 0 && conditions.within.is_none())
}

fn in_scope(
    scopes: crate::extract::ScopeSet,
    quoted_phrases: bool,
    block: &Block,
    normalized: &Normalized,
    range: &Range<usize>,
) -> bool {
    // Quoted text is the author marking words as someone else's. A block quotation is checked
    // by rules whose scopes include `quote` (the default); a phrase inside quotation marks
    // (谨防“保本高收益”, “转发集赞换礼品”是…) is a mention, checked only by rules that name the
    // quote scope explicitly.
    if block.scopes.contains(Scope::Quote) && !scopes.contains(Scope::Quote) {
        return false;
    }
    if !quoted_phrases && in_quotation_marks(&normalized.text, range) {
        return false;
    }
    if scopes.intersects(block.scopes) {
        return true;
    }
    scopes.contains(Scope::Link) && block.is_link_text(&normalized.original_span(range.clone()))
}

/// Longest quoted phrase, in characters, taken as a quotation; longer spans between marks are
/// more likely unbalanced marks than a quote.
const MAX_QUOTED: usize = 24;

/// Whether `range` lies inside a pair of quotation marks (“…” 「…」 『…』 ‘…’ "…") on the same line.
fn in_quotation_marks(text: &str, range: &Range<usize>) -> bool {
    let before = &text[..range.start];
    let after = &text[range.end..];
    let Some((open_at, open)) = before.char_indices().rev().take(MAX_QUOTED).find(|(_, c)| {
        matches!(
            c,
            '“' | '”' | '「' | '」' | '『' | '』' | '‘' | '’' | '"' | '\n'
        )
    }) else {
        return false;
    };
    let close = match open {
        '“' => '”',
        '「' => '」',
        '『' => '』',
        '‘' => '’',
        '"' => '"',
        _ => return false,
    };
    // An ASCII " opens a quote only if an odd number of them precede it.
    if open == '"' && before[..open_at].matches('"').count() % 2 == 1 {
        return false;
    }
    let inside = text[open_at..range.start].chars().count() + text[range.clone()].chars().count();
    after
        .chars()
        .take(MAX_QUOTED.saturating_sub(inside))
        .take_while(|c| *c != '\n')
        .any(|c| c == close)
}

/// A match that starts or ends with a Latin letter or digit must not continue a Latin word or
/// number (vx inside "wwvx2", 138… inside a longer number).
fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let starts_word = text[range.clone()]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let ends_word = text[range.clone()]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !(starts_word && before.is_some_and(|c| c.is_ascii_alphanumeric())
        || ends_word && after.is_some_and(|c| c.is_ascii_alphanumeric()))
}

fn context_allows(
    conditions: &Conditions,
    context: &[ContextHit],
    range: &Range<usize>,
    text: &str,
    sentences: Option<&Sentences>,
) -> bool {
    let sentence = sentences.map(|s| s.around(range, text.len()));
    let in_sentence = |c: &ContextHit| {
        sentence
            .as_ref()
            .is_some_and(|s| s.start <= c.range.start && c.range.end <= s.end)
    };
    let voided = |frame: &ContextHit| context.iter().any(|v| voids(v, frame));
    for hit in context {
        let cancels = match hit.role {
            Role::Allow => hit.range.start <= range.start && range.end <= hit.range.end,
            Role::Unless => {
                (hit.range.end <= range.start || conditions.whole_sentence)
                    && in_sentence(hit)
                    && conditions
                        .frame_within
                        .is_none_or(|n| at_most_chars_between(text, hit.range.end, range.start, n))
                    && quotation_holds(text, &hit.range, range)
                    && !voided(hit)
            }
            Role::UnlessAfter => {
                (hit.range.start >= range.end || conditions.whole_sentence)
                    && in_sentence(hit)
                    && conditions
                        .frame_within
                        .is_none_or(|n| at_most_chars_between(text, range.end, hit.range.start, n))
                    && quotation_holds(text, &hit.range, range)
                    && !voided(hit)
            }
            // Section frames act through the block that opens the section (see `accept`).
            Role::Phrase | Role::Requires(_) | Role::SectionFrame | Role::NotFrame => false,
        };
        if cancels {
            return false;
        }
    }
    (0..conditions.requires).all(|group| {
        context.iter().any(|hit| {
            hit.role == Role::Requires(group)
                && match conditions.within {
                    Some(n) => {
                        at_most_chars_between(text, hit.range.end, range.start, n)
                            && at_most_chars_between(text, range.end, hit.range.start, n)
                    }
                    None => in_sentence(hit),
                }
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::extract::ScopeSet;
    use crate::lint::lint_snippet;

    #[test]
    fn character_gaps_are_counted_only_when_they_can_be_short() {
        use super::at_most_chars_between;
        let text = "转发ab领红包";
        assert!(at_most_chars_between(text, 6, 8, 2), "ab");
        assert!(!at_most_chars_between(text, 6, 11, 2), "ab领");
        assert!(at_most_chars_between(text, 6, 11, 3));
        assert!(
            at_most_chars_between(text, 11, 6, 0),
            "no gap when b precedes a"
        );
        assert!(
            !at_most_chars_between(text, 0, text.len(), 1),
            "too many bytes to count"
        );
    }

    /// A sentence-model rule's hit is the whole sentence: its frames cancel it from anywhere
    /// in that sentence, a quotation mark inside it frames nothing, and the next sentence is
    /// not framed.
    #[test]
    fn frames_cancel_a_whole_sentence_hit_from_inside_it() {
        // A low threshold: the test is about frames, not about how sure the built-in model is.
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "inducement.wording"
category = "inducement"
severity = "warning"
model = "inducement"
threshold = 0.6
unless = ["老师会", "“"]
unless_after = ["报警"]
"#,
        );
        let sentence = "转发这篇到你的班级群，孩子能加分";
        assert_eq!(findings(&rules, sentence).len(), 1, "no frame");
        assert!(findings(&rules, &format!("{sentence}，老师会核对")).is_empty());
        assert!(findings(&rules, &format!("有人说{sentence}，我已报警")).is_empty());
        let quoted = "转发这篇到你的“班级群”，孩子能得到积分";
        assert_eq!(findings(&rules, quoted).len(), 1, "a quotation mark inside");
        let framed_next = format!("老师会核对。{sentence}");
        assert_eq!(
            findings(&rules, &framed_next).len(),
            1,
            "a frame in another sentence"
        );
    }

    /// A line break after a colon keeps a label and its value in one sentence, for required
    /// terms and frames alike; any other line break ends the sentence (hard breaks here: a
    /// Markdown soft break joins the lines).
    #[test]
    fn a_label_and_its_value_on_the_next_line_are_one_sentence() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "privacy.card"
category = "privacy"
severity = "warning"
patterns = ['[0-9]{16}']
requires = ["卡号"]
unless = ["例如"]
"#,
        );
        assert_eq!(findings(&rules, "卡号：\\\n6222021001123456").len(), 1);
        assert!(findings(&rules, "卡号\\\n6222021001123456").is_empty());
        assert!(findings(&rules, "卡号例如：\\\n6222021001123456").is_empty());
    }

    /// A `not_frames` phrase voids only the frame occurrence it covers: 不是吹 vouches for the
    /// claim, while a real negation elsewhere in the sentence still cancels it.
    #[test]
    fn a_not_frame_phrase_voids_the_frame_it_covers() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.top"
category = "ads"
severity = "warning"
phrases = ["全网第一"]
unless = ["不是"]
unless_after = ["不是"]
not_frames = ["不是吹", "不是我吹"]
"#,
        );
        assert!(
            findings(&rules, "这不是全网第一的货").is_empty(),
            "a negation"
        );
        assert_eq!(findings(&rules, "不是我吹，这款全网第一").len(), 1);
        assert_eq!(findings(&rules, "这款全网第一，真不是吹").len(), 1);
        assert!(
            findings(&rules, "不是吹，这款也不是全网第一").is_empty(),
            "a negation beside the voided frame"
        );
    }

    /// Context terms count up to [`super::CONTEXT_REACH`] from a match, even in a paragraph
    /// with no sentence end.
    #[test]
    fn context_terms_count_within_reach() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.claim"
category = "ads"
severity = "warning"
phrases = ["稳赚不赔"]
unless = ["骗局"]
"#,
        );
        let filler = |n: usize| "的".repeat(n);
        let near = format!("骗局{}稳赚不赔", filler(100));
        let far = format!("骗局{}稳赚不赔", filler(2_000));
        assert!(
            findings(&rules, &near).is_empty(),
            "a frame 100 characters before"
        );
        assert_eq!(
            findings(&rules, &far).len(),
            1,
            "a frame 2,000 characters before"
        );
    }

    #[test]
    fn quotation_marks_make_a_mention() {
        use super::in_quotation_marks;
        let quoted = |text: &str, needle: &str| {
            let at = text.find(needle).unwrap();
            in_quotation_marks(text, &(at..at + needle.len()))
        };
        assert!(quoted("谨防“保本高收益”的理财群", "保本高收益"));
        assert!(quoted("所谓「稳赚不赔」", "稳赚不赔"));
        assert!(quoted("he said \"vx123\" ok", "vx123"));
        assert!(!quoted("保本高收益，快来", "保本高收益"));
        assert!(!quoted("回复“福利”领取：保本高收益", "保本高收益"));
        assert!(!quoted("“这一段引号没有闭合，保本高收益", "保本高收益"));
    }

    /// (line, rule id) of every diagnostic `rules` give on a Markdown document.
    fn findings(rules: &crate::rules::RuleSet, markdown: &str) -> Vec<(usize, String)> {
        let extracted = crate::extract::extract(markdown, crate::extract::Format::Markdown);
        crate::lint::lint_blocks(rules, markdown, &extracted.blocks)
            .iter()
            .map(|d| (d.start.line, rules.rules[d.rule].id.clone()))
            .collect()
    }

    /// The ids of the rules that flag `markdown`, in source order.
    fn rule_ids(rules: &crate::rules::RuleSet, markdown: &str) -> Vec<String> {
        findings(rules, markdown)
            .into_iter()
            .map(|(_, id)| id)
            .collect()
    }

    #[test]
    fn section_frames_in_the_title_or_a_heading_cancel_hits_in_their_section() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.claim"
category = "ads"
severity = "warning"
phrases = ["稳赚不赔"]
unless_section = ["骗局", "诈骗", "踩雷"]
not_frames = ["不踩雷"]
[[rule]]
id = "ads.plain"
category = "ads"
severity = "warning"
phrases = ["保本保息"]
"#,
        );
        let lines = |markdown: &str| findings(&rules, markdown);
        let claim = |line| (line, "ads.claim".to_string());
        // A heading frames its own section, up to the next heading.
        assert_eq!(
            lines("## 一、常见骗局\n\n老师带单，稳赚不赔。\n\n## 二、正规理财\n\n稳赚不赔。\n"),
            [claim(7)]
        );
        // A subsection stays in its parent's section; a sibling of the parent leaves it.
        assert_eq!(
            lines("## 常见骗局\n\n### 1. 理财\n\n稳赚不赔。\n\n## 正规理财\n\n### 1. 国债\n\n稳赚不赔。\n"),
            [claim(11)]
        );
        // The heading itself is in its section.
        assert_eq!(lines("## 稳赚不赔的，只有骗局\n"), []);
        // A title frames the whole document; rules without section frames are not affected.
        assert_eq!(
            lines("# 这五类诈骗最多\n\n## 投资\n\n稳赚不赔，保本保息。\n"),
            [(5, "ads.plain".to_string())]
        );
        // A negated frame is the scam talking; 不少 and 无数 do not negate.
        assert_eq!(lines("# 这不是骗局\n\n稳赚不赔。\n"), [claim(3)]);
        assert_eq!(lines("# 并非诈骗\n\n稳赚不赔。\n"), [claim(3)]);
        assert_eq!(lines("# 不少骗局这样开头\n\n稳赚不赔。\n"), []);
        // A frame a `not_frames` phrase voids frames nothing, as in a sentence.
        assert_eq!(lines("# 理财踩雷记\n\n稳赚不赔。\n"), []);
        assert_eq!(lines("# 理财不踩雷\n\n稳赚不赔。\n"), [claim(3)]);
        assert_eq!(lines("## 理财不踩雷\n\n稳赚不赔。\n"), [claim(3)]);
        // An editor's heading styled as a marked paragraph opens a section as `##` does.
        let html = |source: &str| {
            let extracted = crate::extract::extract(source, crate::extract::Format::Html);
            crate::lint::lint_blocks(&rules, source, &extracted.blocks).len()
        };
        assert_eq!(
            html("<p>▍一、常见骗局</p><p>老师带单，稳赚不赔。</p><p>▍二、正规理财</p><p>稳赚不赔。</p>"),
            1
        );
    }

    /// A paragraph ending with a colon frames the list items right after it, as a heading
    /// frames its section: a rules explainer lists what the platform forbids.
    #[test]
    fn a_paragraph_introducing_a_list_frames_its_items() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ind.likes"
category = "ind"
severity = "warning"
phrases = ["集赞送"]
unless_section = ["禁止"]
"#,
        );
        let lines = |markdown: &str| -> Vec<usize> {
            findings(&rules, markdown)
                .into_iter()
                .map(|(line, _)| line)
                .collect()
        };
        let explainer = "平台禁止以下玩法：\n\n- 集赞送礼品\n- 转发抽奖\n  - 集赞送会员\n\n活动：集赞送水杯。\n";
        assert_eq!(
            lines(explainer),
            [7],
            "the items are framed, the next paragraph is not"
        );
        assert_eq!(
            lines("本期活动规则如下：\n\n- 集赞送礼品\n"),
            [3],
            "a lead-in without a frame"
        );
        assert_eq!(
            lines("平台禁止诱导。\n\n- 集赞送礼品\n"),
            [3],
            "a paragraph that does not introduce the list"
        );
        assert_eq!(
            lines("平台禁止以下玩法：\n\n集赞送礼品。\n"),
            [3],
            "a paragraph after a lead-in is not a list item"
        );
        assert_eq!(
            lines("- 第一条\n- 平台禁止以下：\n  - 集赞送甲\n- 集赞送乙\n"),
            [4],
            "an item's lead-in frames only the list nested in it"
        );
        assert_eq!(
            lines("1. 平台禁止以下：\n2. 本店活动：集赞送水杯\n"),
            [2],
            "nor its sibling items"
        );
        assert_eq!(
            lines("> “群主说平台禁止以下玩法：\n\n- 集赞送礼品\n"),
            [3],
            "a quoted lead-in frames no list outside the quote"
        );
    }

    /// A title or heading flagged by a rule that voids section frames frames nothing.
    #[test]
    fn a_sensational_title_or_heading_frames_nothing() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.claim"
category = "ads"
severity = "warning"
phrases = ["稳赚不赔"]
unless_section = ["曝光"]
[[rule]]
id = "bait.shock"
category = "bait"
severity = "warning"
scopes = ["title", "heading"]
phrases = ["震惊"]
voids_section_frames = true
"#,
        );
        let ids = |markdown: &str| rule_ids(&rules, markdown);
        assert_eq!(ids("# 理财骗局曝光\n\n稳赚不赔。\n"), Vec::<String>::new());
        assert_eq!(
            ids("# 震惊！散户赚钱的秘密终于曝光\n\n稳赚不赔。\n"),
            ["bait.shock", "ads.claim"]
        );
        assert_eq!(
            ids("## 震惊！秘密曝光\n\n稳赚不赔。\n"),
            ["bait.shock", "ads.claim"]
        );
    }

    /// A title or heading that itself carries a `restrict` or `ban` hit surviving its own frames
    /// frames nothing either; a warning hit, or a hit its own frames cancel, leaves it a frame.
    #[test]
    fn a_title_that_itself_violates_frames_nothing() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "share.pressure"
category = "share"
severity = "restrict"
phrases = ["转发后一生平安"]
unless_section = ["真相"]
[[rule]]
id = "rumour.food"
category = "rumour"
severity = "restrict"
phrases = ["等于慢性自杀"]
unless_section = ["谣言"]
[[rule]]
id = "rumour.mild"
category = "rumour"
severity = "warning"
phrases = ["小心中毒"]
"#,
        );
        let ids = |markdown: &str| rule_ids(&rules, markdown);
        assert_eq!(
            ids("# 医生说出的真相：天天吃等于慢性自杀\n\n转发后一生平安。\n"),
            ["rumour.food", "share.pressure"]
        );
        assert_eq!(
            ids("# 剩菜的真相\n\n转发后一生平安。\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            ids("# 剩菜的真相：小心中毒\n\n转发后一生平安。\n"),
            ["rumour.mild"],
            "a warning hit leaves the title a frame"
        );
        assert_eq!(
            ids("# 真相：天天吃等于慢性自杀是谣言\n\n转发后一生平安。\n"),
            Vec::<String>::new(),
            "the title's hit is cancelled by its own frame, so the title still frames"
        );
    }

    #[test]
    fn quoted_phrases_are_mentions_unless_a_rule_names_the_quote_scope() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.claim"
category = "ads"
severity = "warning"
phrases = ["保本高收益"]
[[rule]]
id = "ads.quoted_too"
category = "ads"
severity = "warning"
scopes = ["body", "quote"]
phrases = ["稳赚不赔"]
"#,
        );
        let ids = |text: &str| -> Vec<String> {
            lint_snippet(&rules, text, ScopeSet::of(crate::extract::Scope::Body))
                .iter()
                .map(|d| rules.rules[d.rule].id.clone())
                .collect()
        };
        assert_eq!(ids("保本高收益，快来"), ["ads.claim"]);
        assert!(ids("谨防“保本高收益”的理财群").is_empty());
        assert_eq!(ids("所谓“稳赚不赔”的项目"), ["ads.quoted_too"]);
    }

    #[test]
    fn allow_patterns_cancel_covered_hits() {
        let rules = crate::rules::test_support::rule_set(
            r#"[terms]
scope = ["全国", "全网"]
[[rule]]
id = "ads.first"
category = "ads"
severity = "warning"
patterns = ['{scope}第一']
allow_patterns = ['{scope}第一(次|个|批|季度)']
"#,
        );
        let hits = |text: &str| lint_snippet(&rules, text, ScopeSet::ALL).len();
        assert_eq!(hits("销量全国第一"), 1);
        assert_eq!(hits("这是全国第一次举办"), 0);
        assert_eq!(hits("全网第一批用户，全国第一品牌"), 1);
    }

    /// A quotation mark as a frame holds only across its own quotation: an opening one until
    /// the quotation closes, a closing one if the hit is inside that quotation.
    #[test]
    fn a_quotation_mark_frames_only_its_own_quotation() {
        let hits = |frame: &str, text: &str| {
            let rules = crate::rules::test_support::rule_set(&format!(
                "[[rule]]\nid = \"gamble.games\"\ncategory = \"gamble\"\nseverity = \"warning\"\n\
                 phrases = [\"百家乐都有\"]\n{frame}\n"
            ));
            lint_snippet(&rules, text, ScopeSet::ALL).len()
        };
        let opening = "unless = [\"“\"]";
        assert_eq!(hits(opening, "群里有个“娱乐厅”，押大小、百家乐都有"), 1);
        assert_eq!(hits(opening, "群里有个「娱乐厅」，押大小、百家乐都有"), 1);
        assert_eq!(
            hits(opening, "骗子的话术是“押大小、百家乐都有，赢了随时提现"),
            0
        );
        let closing = "unless_after = [\"”\"]";
        assert_eq!(hits(closing, "押大小、百家乐都有，进群找“管理”"), 1);
        assert_eq!(
            hits(closing, "押大小、百家乐都有，赢了随时提现”这类话术"),
            0
        );
    }

    #[test]
    fn a_table_row_reads_as_one_statement_and_its_head_frames_the_table() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "finance.guarantee"
category = "finance"
severity = "ban"
phrases = ["稳赚不赔", "保本保息"]
unless = ["警惕"]
unless_after = ["违规", "骗局"]
[[rule]]
id = "finance.close_frame"
category = "finance"
severity = "ban"
phrases = ["高额返利"]
unless_after = ["违规"]
frame_within = 2
"#,
        );
        let ids = |markdown: &str| rule_ids(&rules, markdown);
        // A verdict in another cell of the row frames the claim, in either order.
        assert_eq!(
            ids("| 话术 | 实质 |\n|---|---|\n| 稳赚不赔 | 违规承诺 |\n| 警惕 | 保本保息 |\n"),
            Vec::<String>::new()
        );
        // Only its own row: the next row's claim stands.
        assert_eq!(
            ids("| 产品 | 说明 |\n|---|---|\n| 稳赚不赔 | 违规承诺 |\n| 理财A | 保本保息 |\n"),
            ["finance.guarantee"]
        );
        // The head frames every row.
        assert_eq!(
            ids("| 骗局话术 | 出现场景 |\n|---|---|\n| 稳赚不赔 | 理财群 |\n| 保本保息 | 养老项目 |\n"),
            Vec::<String>::new()
        );
        // A negated frame frames nothing (这不是骗局 is how a scam ad talks), and a frame that
        // must stand close to its hit does not reach across cells.
        assert_eq!(
            ids("| 产品 | 说明 |\n|---|---|\n| 稳赚不赔 | 这不是骗局 |\n| 高额返利 | 违规 |\n"),
            ["finance.guarantee", "finance.close_frame"]
        );
        // The same in HTML, where a cell may hold several paragraphs.
        let html = "<table><tr><th>话术</th><th>实质</th></tr>\
                    <tr><td><p>稳赚不赔</p></td><td><p>说法一</p><p>都是骗局</p></td></tr>\
                    <tr><td>理财A</td><td>保本保息</td></tr></table>";
        let extracted = crate::extract::extract(html, crate::extract::Format::Html);
        let found: Vec<String> = crate::lint::lint_blocks(&rules, html, &extracted.blocks)
            .iter()
            .map(|d| html[d.span.clone()].to_string())
            .collect();
        assert_eq!(found, ["保本保息"]);
        // Paragraphs of one cell do not frame each other, and a long cell (a layout table's
        // paragraph) frames nothing beyond itself.
        let long = "很长的一段正文".repeat(12);
        let html = format!(
            "<table><tr><td><p>说法一，都是骗局</p><p>稳赚不赔</p></td>\
             <td><p>{long}，都是骗局</p></td><td>保本保息</td></tr></table>"
        );
        let extracted = crate::extract::extract(&html, crate::extract::Format::Html);
        let found: Vec<String> = crate::lint::lint_blocks(&rules, &html, &extracted.blocks)
            .iter()
            .map(|d| html[d.span.clone()].to_string())
            .collect();
        assert_eq!(found, ["稳赚不赔"]);
        // Frames stay in their table: cells written without rows are rows of their own, and an
        // empty head frames nothing (its first body row is not the head).
        let html =
            "<table><td>骗局话术</td></table><p>正文一段。</p><table><td>稳赚不赔</td></table>";
        let extracted = crate::extract::extract(html, crate::extract::Format::Html);
        assert_eq!(
            crate::lint::lint_blocks(&rules, html, &extracted.blocks).len(),
            1
        );
        assert_eq!(
            ids("|   |   |\n|---|---|\n| 远离骗局 | 注意 |\n| 稳赚不赔 | 理财A |\n"),
            ["finance.guarantee"]
        );
    }
}
