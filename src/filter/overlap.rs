//! One finding per phrase per category: when rules of the same category flag overlapping text
//! (全网最低价 as a lowest-price claim and as a superlative), the author gets one diagnostic —
//! a rule's phrase before the sentence model's whole sentence, then the most severe, then the
//! widest, then the first rule's. A model rule with `rest_of_sentence` keeps, in place of a
//! sentence that holds a rule's phrase, the runs of its other clauses that still read as the
//! category ([`rest_of_model_sentences`]).

use std::ops::Range;

use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::filter::context::Accepted;
use crate::normalize::Normalized;
use crate::rules::{model, RuleSet};

/// Spans sorted by start, for finding those that overlap a span.
struct SortedSpans<T> {
    spans: Vec<(Range<usize>, T)>,
    longest: usize,
}

impl<T> SortedSpans<T> {
    fn new(mut spans: Vec<(Range<usize>, T)>) -> SortedSpans<T> {
        spans.sort_unstable_by_key(|(span, _)| span.start);
        let longest = spans.iter().map(|(span, _)| span.len()).max().unwrap_or(0);
        SortedSpans { spans, longest }
    }

    fn overlapping<'s>(
        &'s self,
        span: &Range<usize>,
    ) -> impl Iterator<Item = &'s (Range<usize>, T)> {
        let from = self
            .spans
            .partition_point(|(s, _)| s.start + self.longest <= span.start);
        let to = self.spans.partition_point(|(s, _)| s.start < span.end);
        let span = span.clone();
        self.spans[from..to.max(from)]
            .iter()
            .filter(move |(s, _)| overlap(s, &span))
    }
}

/// A block's findings by rules that match phrases (not the model's sentences), across all its
/// views, in block-text coordinates: the digits view rewrites numerals, so only the block's own
/// text compares ranges of different views.
pub struct BlockPhrases(SortedSpans<u32>);

impl BlockPhrases {
    pub fn new<'a>(
        rules: &RuleSet,
        views: impl IntoIterator<Item = (&'a Normalized, &'a [Accepted])>,
    ) -> BlockPhrases {
        let spans = views
            .into_iter()
            .flat_map(|(normalized, accepted)| {
                accepted
                    .iter()
                    .filter(|found| rules.rules[found.rule as usize].model.is_none())
                    .map(|found| (normalized.original_span(found.range.clone()), found.rule))
            })
            .collect();
        BlockPhrases(SortedSpans::new(spans))
    }

    /// Spans of phrases of `category` that overlap `span`.
    fn of_category_overlapping<'s>(
        &'s self,
        rules: &'s RuleSet,
        category: &'s str,
        span: &Range<usize>,
    ) -> impl Iterator<Item = &'s Range<usize>> + 's {
        self.0
            .overlapping(span)
            .filter(move |(_, rule)| rules.rules[*rule as usize].category == category)
            .map(|(s, _)| s)
    }
}

/// Whether any of `found` is a sentence of a model rule with `rest_of_sentence`: only then do
/// a block's phrases need collecting.
pub fn wants_rest_of_sentence(rules: &RuleSet, found: &[Accepted]) -> bool {
    found.iter().any(|found| is_rest_rule(rules, found.rule))
}

fn is_rest_rule(rules: &RuleSet, rule: u32) -> bool {
    let used = rules.rules[rule as usize].model.as_ref();
    used.is_some_and(|used| used.rest_of_sentence)
}

/// A sentence the model flags may hold a phrase a rule of the same category flags and, in
/// another clause, a claim no rule lists (全市通过率第一，也是教育部指定培训基地). The rule's
/// phrase would win over the whole sentence in [`merge_overlapping`] and hide that claim, so
/// for a rule with `rest_of_sentence` the sentence gives way to its runs of consecutive clauses
/// that overlap none of the block's `phrases` of the rule's category and that the model's head
/// still flags on their own. The runs keep the sentence's acceptance (its frames were checked
/// for the whole sentence). `accepted` are one view's findings, in `normalized` text; the
/// result is not in source order (diagnostics are sorted later).
pub fn rest_of_model_sentences(
    rules: &RuleSet,
    normalized: &Normalized,
    accepted: Vec<Accepted>,
    phrases: &BlockPhrases,
) -> Vec<Accepted> {
    let (sentences, mut kept): (Vec<Accepted>, Vec<Accepted>) = accepted
        .into_iter()
        .partition(|found| is_rest_rule(rules, found.rule));
    for sentence in sentences {
        let rule = &rules.rules[sentence.rule as usize];
        let span = normalized.original_span(sentence.range.clone());
        let taken: Vec<&Range<usize>> = phrases
            .of_category_overlapping(rules, &rule.category, &span)
            .collect();
        let Some(used) = rule.model.as_ref().filter(|_| !taken.is_empty()) else {
            kept.push(sentence);
            continue;
        };
        let is_taken = |clause: &Range<usize>| {
            let span = normalized.original_span(clause.clone());
            taken.iter().any(|phrase| overlap(phrase, &span))
        };
        for run in free_clause_runs(&normalized.text, sentence.range, is_taken) {
            if model::builtin().flags(&normalized.text[run.clone()], used) {
                kept.push(Accepted {
                    rule: sentence.rule,
                    range: run,
                });
            }
        }
    }
    kept
}

/// Marks between the clauses of a sentence: commas, colons, 、 and the bar of titles (a｜b),
/// as normalization leaves them.
fn is_clause_mark(c: char) -> bool {
    matches!(c, ',' | ':' | '、' | '|')
}

/// The runs of consecutive clauses of `sentence` that are not `taken`, each without white
/// space or clause marks at its edges and long enough for the model to read. A clause with
/// no letter, digit or Chinese character (an empty one between two commas, a dash) neither
/// starts nor ends a run.
fn free_clause_runs(
    text: &str,
    sentence: Range<usize>,
    is_taken: impl Fn(&Range<usize>) -> bool,
) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut run: Option<Range<usize>> = None;
    let mut start = sentence.start;
    let marks = text[sentence.clone()]
        .char_indices()
        .filter(|&(_, c)| is_clause_mark(c))
        .map(|(i, c)| (sentence.start + i, sentence.start + i + c.len_utf8()));
    for (end, next) in marks.chain([(sentence.end, sentence.end)]) {
        let clause = start..end;
        start = next;
        if !text[clause.clone()].chars().any(char::is_alphanumeric) {
            continue;
        }
        if is_taken(&clause) {
            runs.extend(run.take());
        } else {
            run = Some(run.map_or(clause.clone(), |run| run.start..clause.end));
        }
    }
    runs.extend(run);
    runs.into_iter()
        .filter_map(|run| model::readable(text, run))
        .collect()
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Keeps the best of each group of overlapping same-category diagnostics; `diagnostics` are in
/// source order and stay so.
pub fn merge_overlapping(rules: &RuleSet, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let diagnostics = drop_sentences_holding_phrases(rules, diagnostics);
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    // Kept findings start in order, so looking back can stop once none could reach `d`.
    let mut longest = 0;
    'next: for d in diagnostics {
        let category = &rules.rules[d.rule].category;
        longest = longest.max(d.span.len());
        for k in kept.iter_mut().rev() {
            if k.span.start + longest <= d.span.start {
                break;
            }
            if overlap(&k.span, &d.span) && rules.rules[k.rule].category == *category {
                // A model's sentence never meets a phrase of its category here (see
                // drop_sentences_holding_phrases).
                // Length as read, not in source bytes: markup, entities or a CRLF inside a
                // match must not make it win.
                let rank = |d: &Diagnostic| (d.severity, d.text.chars().count());
                let better = rank(&d) > rank(k);
                if better {
                    *k = d;
                }
                continue 'next;
            }
        }
        kept.push(d);
    }
    sort_diagnostics(rules, &mut kept);
    kept
}

/// A model's sentence that overlaps a rule's phrase of its category gives way to the phrase
/// before anything else is compared, so that which of several overlapping findings survives
/// does not depend on their order (a second model rule's sentence would otherwise outrank the
/// narrower rest of a sentence that starts before the phrase).
fn drop_sentences_holding_phrases(
    rules: &RuleSet,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let by_model = |d: &Diagnostic| rules.rules[d.rule].model.is_some();
    if !diagnostics.iter().any(by_model) {
        return diagnostics;
    }
    let phrases = SortedSpans::new(
        diagnostics
            .iter()
            .filter(|d| !by_model(d))
            .map(|d| (d.span.clone(), rules.rules[d.rule].category.as_str()))
            .collect(),
    );
    let dropped: Vec<bool> = diagnostics
        .iter()
        .map(|d| {
            let category = rules.rules[d.rule].category.as_str();
            by_model(d) && phrases.overlapping(&d.span).any(|(_, c)| *c == category)
        })
        .collect();
    diagnostics
        .into_iter()
        .zip(dropped)
        .filter_map(|(d, dropped)| (!dropped).then_some(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_findings_of_one_category_become_one() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "ads.lowest"
category = "ads"
severity = "warning"
phrases = ["最低价"]
[[rule]]
id = "ads.scope"
category = "ads"
severity = "warning"
phrases = ["全网最低"]
[[rule]]
id = "other.x"
category = "other"
severity = "ban"
phrases = ["网最"]
"#,
        );
        let text = "全网最低价，真的最低价";
        let extracted = crate::extract::extract(text, crate::extract::Format::Text);
        let raw = crate::lint::lint_blocks(&rules, text, &extracted.blocks);
        assert_eq!(raw.len(), 4);
        let merged = merge_overlapping(&rules, raw);
        let shown: Vec<(&str, &str)> = merged
            .iter()
            .map(|d| (rules.rules[d.rule].id.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("ads.scope", "全网最低"),
                ("other.x", "网最"),
                ("ads.lowest", "最低价")
            ]
        );
    }

    #[test]
    fn a_rule_s_phrase_wins_over_the_sentence_model_s_sentence() {
        let rules = crate::rules::test_support::rule_set(
            r#"[[rule]]
id = "inducement.class_group"
category = "inducement"
severity = "warning"
phrases = ["班级群"]
[[rule]]
id = "inducement.wording"
category = "inducement"
severity = "warning"
model = "inducement"
threshold = 0.9
"#,
        );
        let text = "转发这篇到你的班级群，老师会给孩子加分";
        let extracted = crate::extract::extract(text, crate::extract::Format::Text);
        let raw = crate::lint::lint_blocks(&rules, text, &extracted.blocks);
        let ids = |ds: &[Diagnostic]| -> Vec<String> {
            ds.iter().map(|d| rules.rules[d.rule].id.clone()).collect()
        };
        assert_eq!(ids(&raw), ["inducement.wording", "inducement.class_group"]);
        assert_eq!(
            ids(&merge_overlapping(&rules, raw)),
            ["inducement.class_group"]
        );
    }

    /// Rules of the false-advertising category: a phrase rule (`extra` adds keys to it), and
    /// model rules on the built-in head at a low threshold, the first with `rest_of_sentence`
    /// as `rest` says, the others (`more_models`) without.
    fn ads_rules(rest: bool, extra: &str, more_models: usize) -> RuleSet {
        let mut toml = format!(
            r#"[[rule]]
id = "false_advertising.lowest"
category = "false_advertising"
severity = "warning"
phrases = ["全网最低价", "3天见效"]
{extra}
[[rule]]
id = "false_advertising.wording"
category = "false_advertising"
severity = "warning"
model = "false_advertising"
threshold = 0.55
rest_of_sentence = {rest}
"#
        );
        for n in 0..more_models {
            toml.push_str(&format!(
                "[[rule]]\nid = \"false_advertising.other{n}\"\ncategory = \"false_advertising\"\nseverity = \"restrict\"\nmodel = \"false_advertising\"\nthreshold = 0.55\n"
            ));
        }
        crate::rules::test_support::rule_set(&toml)
    }

    /// (rule id, text) of each finding of `text`, before or after the merge.
    fn findings(rules: &RuleSet, text: &str, merged: bool) -> Vec<(String, String)> {
        let extracted = crate::extract::extract(text, crate::extract::Format::Text);
        let mut found = crate::lint::lint_blocks(rules, text, &extracted.blocks);
        if merged {
            found = merge_overlapping(rules, found);
        }
        found
            .iter()
            .map(|d| (rules.rules[d.rule].id.clone(), d.text.clone()))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(id, text)| (format!("false_advertising.{id}"), text.to_string()))
            .collect()
    }

    #[test]
    fn the_rest_of_a_sentence_is_scored_again_where_the_rule_asks() {
        let claims = "本店全网最低价，区教育局唯一指定合作机构。";
        let ordinary = "全网最低价，欢迎大家周末到店里坐坐。";
        let rest = ads_rules(true, "", 0);
        assert_eq!(
            findings(&rest, claims, true),
            pairs(&[
                ("lowest", "全网最低价"),
                ("wording", "区教育局唯一指定合作机构")
            ])
        );
        // The whole ordinary sentence reads as an ad at this low threshold; its rest alone
        // does not.
        let whole = ads_rules(false, "", 0);
        assert!(findings(&whole, ordinary, false)
            .contains(&pairs(&[("wording", "全网最低价，欢迎大家周末到店里坐坐")])[0]));
        assert_eq!(
            findings(&rest, ordinary, true),
            pairs(&[("lowest", "全网最低价")])
        );
        assert_eq!(
            findings(&whole, claims, true),
            pairs(&[("lowest", "全网最低价")])
        );
    }

    #[test]
    fn the_rest_of_a_sentence_counts_phrases_of_every_view_and_no_other_model_sentence() {
        // 三天见效 is found in the digits view (3天见效), the model's sentence in the plain one.
        let digits = ads_rules(true, "digits = true", 0);
        assert_eq!(
            findings(&digits, "三天见效，区教育局唯一指定合作机构。", true),
            pairs(&[
                ("lowest", "三天见效"),
                ("wording", "区教育局唯一指定合作机构")
            ])
        );
        // A second model rule's whole sentence is no phrase to cut around, and gives way to
        // the phrase whichever comes first.
        let two_models = ads_rules(true, "", 1);
        for (text, rest) in [
            (
                "本店全网最低价，区教育局唯一指定合作机构。",
                "区教育局唯一指定合作机构",
            ),
            (
                "区教育局唯一指定合作机构，本店全网最低价。",
                "区教育局唯一指定合作机构",
            ),
        ] {
            let mut found = findings(&two_models, text, true);
            found.sort();
            assert_eq!(
                found,
                pairs(&[("lowest", "全网最低价"), ("wording", rest)]),
                "{text}"
            );
        }
    }

    #[test]
    fn free_clause_runs_skip_taken_and_empty_clauses() {
        let runs = |text: &str, taken: &str| -> Vec<String> {
            let at = text.find(taken).unwrap();
            let taken = at..at + taken.len();
            free_clause_runs(text, 0..text.len(), |clause| overlap(clause, &taken))
                .into_iter()
                .map(|run| text[run].to_string())
                .collect()
        };
        assert_eq!(
            runs("本店全网最低价,,区教育局指定机构", "全网最低价"),
            ["区教育局指定机构"]
        );
        assert_eq!(
            runs("区教育局指定机构,全网最低价,", "全网最低价"),
            ["区教育局指定机构"]
        );
        assert_eq!(
            runs("全网最低价, —— ,区教育局指定机构", "全网最低价"),
            ["区教育局指定机构"]
        );
        assert_eq!(
            runs(
                "区教育局指定机构,全网最低价:三天见效无效退款、孕妇可用",
                "全网最低价"
            ),
            ["区教育局指定机构", "三天见效无效退款、孕妇可用"]
        );
        assert_eq!(
            runs("全网最低价|区教育局指定机构", "全网最低价"),
            ["区教育局指定机构"]
        );
        // A phrase across a comma takes both clauses; a clause too short to read is no run.
        assert_eq!(
            runs("全网最,低价仅此一家,好的", "最,低"),
            Vec::<String>::new()
        );
    }
}
