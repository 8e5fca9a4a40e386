//! One finding per phrase per category: when rules of the same category flag overlapping text
//! (全网最低价 as a lowest-price claim and as a superlative), the author gets one diagnostic —
//! a rule's phrase before the sentence model's whole sentence, then the most severe, then the
//! widest, then the first rule's.

use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::rules::RuleSet;

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
            let overlaps = k.span.start < d.span.end && d.span.start < k.span.end;
            if overlaps && rules.rules[k.rule].category == *category {
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
}
