//! One finding per phrase per category: when rules of the same category flag overlapping text
//! (全网最低价 as a lowest-price claim and as a superlative), the author gets one diagnostic —
//! a rule's phrase before the sentence model's whole sentence, then the most severe, then the
//! widest, then the first rule's. A model's sentence that holds a rule's phrase keeps, as its
//! finding, the rest of the sentence where that still reads as the category.

use std::ops::Range;

use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::filter::context::Accepted;
use crate::rules::{model, RuleSet};

/// A sentence the model flags may hold a phrase a rule of the same category flags and, in
/// another clause, a claim no rule lists (全市通过率第一，也是教育部指定培训基地). The rule's
/// phrase would win over the whole sentence in [`merge_overlapping`] and hide that claim, so
/// for a rule with `rest_of_sentence` the sentence gives way to its runs of clauses without
/// such a phrase that the model's head still flags on their own. `accepted` are one view's
/// findings, in normalized `text`.
pub fn rest_of_model_sentences(
    rules: &RuleSet,
    text: &str,
    accepted: Vec<Accepted>,
) -> Vec<Accepted> {
    let rest_kept = |found: &Accepted| {
        let used = rules.rules[found.rule as usize].model.as_ref();
        used.is_some_and(|used| used.rest_of_sentence)
    };
    if !accepted.iter().any(rest_kept) {
        return accepted;
    }
    let (sentences, mut kept): (Vec<Accepted>, Vec<Accepted>) =
        accepted.into_iter().partition(rest_kept);
    let others = kept.len();
    for sentence in sentences {
        let rule = &rules.rules[sentence.rule as usize];
        let taken: Vec<&Range<usize>> = kept[..others]
            .iter()
            .filter(|phrase| rules.rules[phrase.rule as usize].category == rule.category)
            .map(|phrase| &phrase.range)
            .filter(|range| overlap(range, &sentence.range))
            .collect();
        let Some(used) = rule.model.as_ref().filter(|_| !taken.is_empty()) else {
            kept.push(sentence);
            continue;
        };
        for run in free_clause_runs(text, sentence.range.clone(), &taken) {
            if model::builtin().flags(&text[run.clone()], used) {
                kept.push(Accepted {
                    rule: sentence.rule,
                    range: run,
                });
            }
        }
    }
    kept
}

/// The runs of consecutive clauses of `sentence` (split at commas, colons and 、) that overlap
/// none of `taken`, trimmed, each long enough for the model to read.
fn free_clause_runs(
    text: &str,
    sentence: Range<usize>,
    taken: &[&Range<usize>],
) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut run: Option<Range<usize>> = None;
    let mut start = sentence.start;
    let marks = text[sentence.clone()]
        .char_indices()
        .filter(|&(_, c)| matches!(c, ',' | ':' | '、'))
        .map(|(i, c)| (sentence.start + i, sentence.start + i + c.len_utf8()));
    for (end, next) in marks.chain([(sentence.end, sentence.end)]) {
        let clause = start..end;
        start = next;
        if taken.iter().any(|range| overlap(range, &clause)) {
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
                let rank = |d: &Diagnostic| {
                    let by_phrase = rules.rules[d.rule].model.is_none();
                    (by_phrase, d.severity, d.span.len())
                };
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

    #[test]
    fn the_rest_of_a_sentence_is_scored_again_where_the_rule_asks() {
        let pack = |rest: bool| {
            crate::rules::test_support::rule_set(&format!(
                r#"[[rule]]
id = "false_advertising.lowest"
category = "false_advertising"
severity = "warning"
phrases = ["全网最低价"]
[[rule]]
id = "false_advertising.wording"
category = "false_advertising"
severity = "warning"
model = "false_advertising"
threshold = 0.55
rest_of_sentence = {rest}
"#
            ))
        };
        let shown = |rules: &RuleSet, text: &str| -> Vec<(String, String)> {
            let extracted = crate::extract::extract(text, crate::extract::Format::Text);
            let raw = crate::lint::lint_blocks(rules, text, &extracted.blocks);
            merge_overlapping(rules, raw)
                .iter()
                .map(|d| (rules.rules[d.rule].id.clone(), d.text.clone()))
                .collect()
        };
        let claims = "本店全网最低价，区教育局唯一指定合作机构。";
        let ordinary = "全网最低价，欢迎大家周末到店里坐坐。";
        let rest = pack(true);
        assert_eq!(
            shown(&rest, claims),
            [
                (
                    "false_advertising.lowest".to_string(),
                    "全网最低价".to_string()
                ),
                (
                    "false_advertising.wording".to_string(),
                    "区教育局唯一指定合作机构".to_string()
                )
            ]
        );
        // The whole sentence reads as an ad at this low threshold; its rest alone does not.
        assert_eq!(
            shown(&rest, ordinary),
            [(
                "false_advertising.lowest".to_string(),
                "全网最低价".to_string()
            )]
        );
        let whole = pack(false);
        assert_eq!(
            shown(&whole, claims),
            [(
                "false_advertising.lowest".to_string(),
                "全网最低价".to_string()
            )]
        );
    }
}
