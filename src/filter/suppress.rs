//! Inline suppressions in Markdown and HTML comments:
//!
//! - `<!-- gzhlint-disable RULE-OR-CATEGORY … reason="…" -->` … `<!-- gzhlint-enable -->`
//! - `<!-- gzhlint-disable-next-line RULE reason="…" -->`
//! - `<!-- gzhlint-disable-file RULE reason="…" -->`
//!
//! No rule named means every rule. A suppression that matches nothing, one without a reason when
//! the configuration requires reasons, and a malformed one are reported (rules in
//! `rules/gzhlint.toml`), so that waivers stay auditable.

use std::ops::Range;

use crate::diagnostic::{sort_diagnostics, Diagnostic, LineIndex};
use crate::extract::Comment;
use crate::rules::RuleSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    File,
}

#[derive(Clone, Debug)]
struct Directive {
    kind: Kind,
    /// Rule ids or categories; empty means all.
    targets: Vec<String>,
    reason: Option<String>,
    source: Range<usize>,
    used: bool,
}

impl Directive {
    fn covers(&self, rules: &RuleSet, diagnostic: &Diagnostic) -> bool {
        let rule = &rules.rules[diagnostic.rule];
        self.targets.is_empty()
            || self
                .targets
                .iter()
                .any(|t| *t == rule.id || *t == rule.category)
    }
}

/// A diagnostic that a suppression hid, with the reason given.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: Option<String>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<Suppressed>,
    /// Findings about the suppression comments themselves.
    pub about_suppressions: Vec<Diagnostic>,
}

/// Parses `gzhlint-…` directives; other comments give `None`, malformed ones `Err`.
fn parse(comment: &Comment) -> Option<Result<Directive, String>> {
    let text = comment.text.trim();
    let (kind, rest) = [
        ("gzhlint-disable-next-line", Kind::NextLine),
        ("gzhlint-disable-file", Kind::File),
        ("gzhlint-disable", Kind::Disable),
        ("gzhlint-enable", Kind::Enable),
    ]
    .into_iter()
    .find_map(|(word, kind)| {
        let rest = text.strip_prefix(word)?;
        (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some((kind, rest))
    })
    .or_else(|| text.starts_with("gzhlint-").then_some((Kind::Disable, "")))
    .map(|(kind, rest)| (kind, rest.trim()))?;
    if !text.starts_with("gzhlint-disable") && !text.starts_with("gzhlint-enable") {
        return Some(Err(format!(
            "unknown directive {:?}",
            text.split_whitespace().next().unwrap_or(text)
        )));
    }
    let (targets_text, reason) = match rest.find("reason=") {
        Some(at) => {
            let value = rest[at + "reason=".len()..].trim();
            let reason = ['"', '\'', '“'].into_iter().find_map(|open| {
                let close = if open == '“' { '”' } else { open };
                let inner = value.strip_prefix(open)?;
                inner.find(close).map(|end| inner[..end].to_string())
            });
            match reason {
                Some(reason) => (&rest[..at], Some(reason)),
                None => return Some(Err("reason must be quoted: reason=\"…\"".to_string())),
            }
        }
        None => (rest, None),
    };
    let targets = targets_text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    Some(Ok(Directive {
        kind,
        targets,
        reason: reason.filter(|r| !r.trim().is_empty()),
        source: comment.source.clone(),
        used: false,
    }))
}

/// Applies the suppression comments of one file to its diagnostics.
pub fn apply(
    rules: &RuleSet,
    text: &str,
    comments: &[Comment],
    diagnostics: Vec<Diagnostic>,
    require_reason: bool,
) -> Outcome {
    let lines = LineIndex::new(text);
    let mut outcome = Outcome::default();
    let mut directives = Vec::new();
    let report = |outcome: &mut Outcome, rule_id: &str, source: &Range<usize>| {
        if let Some((rule, r)) = rules.get(rule_id) {
            outcome.about_suppressions.push(Diagnostic {
                rule,
                severity: r.severity,
                span: source.clone(),
                pieces: vec![source.clone()],
                text: text[source.clone()].to_string(),
                start: lines.position(text, source.start),
                end: lines.position(text, source.end),
            });
        }
    };
    for comment in comments {
        match parse(comment) {
            None => {}
            Some(Err(_)) => report(&mut outcome, "gzhlint.invalid_suppression", &comment.source),
            Some(Ok(directive)) => {
                let unknown = directive.targets.iter().any(|t| {
                    rules.get(t).is_none() && !rules.rules.iter().any(|r| &r.category == t)
                });
                if unknown {
                    report(&mut outcome, "gzhlint.invalid_suppression", &comment.source);
                    continue;
                }
                if require_reason && directive.kind != Kind::Enable && directive.reason.is_none() {
                    report(
                        &mut outcome,
                        "gzhlint.suppression_without_reason",
                        &comment.source,
                    );
                }
                directives.push(directive);
            }
        }
    }
    for diagnostic in diagnostics {
        match suppressing(rules, &lines, &mut directives, &diagnostic) {
            Some(reason) => outcome.suppressed.push(Suppressed { diagnostic, reason }),
            None => outcome.kept.push(diagnostic),
        }
    }
    for directive in &directives {
        if !directive.used && directive.kind != Kind::Enable {
            report(
                &mut outcome,
                "gzhlint.unused_suppression",
                &directive.source,
            );
        }
    }
    sort_diagnostics(rules, &mut outcome.about_suppressions);
    outcome
}

/// The directive that hides `diagnostic`, marked used; its reason.
fn suppressing(
    rules: &RuleSet,
    lines: &LineIndex,
    directives: &mut [Directive],
    diagnostic: &Diagnostic,
) -> Option<Option<String>> {
    let at = diagnostic.span.start;
    let line = lines.line_of(at);
    for i in 0..directives.len() {
        let directive = &directives[i];
        if !directive.covers(rules, diagnostic) {
            continue;
        }
        let applies = match directive.kind {
            Kind::File => true,
            Kind::NextLine => line == lines.line_of(directive.source.end.saturating_sub(1)) + 1,
            Kind::Disable => {
                directive.source.end <= at
                    && !directives[i + 1..].iter().any(|later| {
                        later.kind == Kind::Enable
                            && later.source.start < at
                            && (later.targets.is_empty() || later.covers(rules, diagnostic))
                    })
            }
            Kind::Enable => false,
        };
        if applies {
            directives[i].used = true;
            return Some(directives[i].reason.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, Format};
    use crate::lint::lint_blocks;
    use crate::rules::pack::load_pack;

    fn rules() -> RuleSet {
        let pack = crate::rules::test_support::pack(
            r#"[[rule]]
id = "testing.elephant"
category = "testing"
severity = "restrict"
phrases = ["紫色大象"]
[[rule]]
id = "other.whale"
category = "other"
severity = "warning"
phrases = ["蓝色鲸鱼"]
"#,
        );
        let mut packs = crate::rules::builtin::sources()
            .iter()
            .filter(|s| s.origin.ends_with("gzhlint.toml"))
            .map(|s| load_pack(s).unwrap())
            .collect::<Vec<_>>();
        packs.push(pack);
        RuleSet::compile(packs).unwrap()
    }

    fn run(text: &str, require_reason: bool) -> (Vec<String>, Vec<String>, Vec<String>) {
        let rules = rules();
        let extracted = extract(text, Format::Markdown);
        let diagnostics = lint_blocks(&rules, text, &extracted.blocks);
        let outcome = apply(
            &rules,
            text,
            &extracted.comments,
            diagnostics,
            require_reason,
        );
        let describe = |d: &Diagnostic| format!("{}:{}", d.start.line, rules.rules[d.rule].id);
        (
            outcome.kept.iter().map(describe).collect(),
            outcome
                .suppressed
                .iter()
                .map(|s| format!("{} {:?}", describe(&s.diagnostic), s.reason))
                .collect(),
            outcome.about_suppressions.iter().map(describe).collect(),
        )
    }

    #[test]
    fn disable_and_enable_ranges() {
        let text = "紫色大象\n\n<!-- gzhlint-disable testing.elephant reason=\"法务已审\" -->\n\n紫色大象，蓝色鲸鱼\n\n<!-- gzhlint-enable -->\n\n紫色大象\n";
        let (kept, suppressed, about) = run(text, true);
        assert_eq!(
            kept,
            ["1:testing.elephant", "5:other.whale", "9:testing.elephant"]
        );
        assert_eq!(suppressed, ["5:testing.elephant Some(\"法务已审\")"]);
        assert!(about.is_empty(), "{about:?}");
    }

    #[test]
    fn next_line_file_and_category_forms() {
        let text = "<!-- gzhlint-disable-file other reason='例文' -->\n\n<!-- gzhlint-disable-next-line testing.elephant -->\n紫色大象\n\n紫色大象 蓝色鲸鱼\n";
        let (kept, suppressed, about) = run(text, false);
        assert_eq!(kept, ["6:testing.elephant"]);
        assert_eq!(
            suppressed,
            ["4:testing.elephant None", "6:other.whale Some(\"例文\")"]
        );
        assert!(about.is_empty());
    }

    #[test]
    fn unused_unreasoned_and_invalid_are_reported() {
        let text = "<!-- gzhlint-disable testing.elephant -->\n\n普通文字\n\n<!-- gzhlint-disable no.such_rule reason=\"x\" -->\n\n<!-- gzhlint-disabel -->\n\n<!-- 普通注释 -->\n";
        let (kept, _, about) = run(text, true);
        assert!(kept.is_empty());
        assert_eq!(
            about,
            [
                "1:gzhlint.suppression_without_reason",
                "1:gzhlint.unused_suppression",
                "5:gzhlint.invalid_suppression",
                "7:gzhlint.invalid_suppression"
            ]
        );
    }

    #[test]
    fn html_comments_work_too() {
        let rules = rules();
        let text = "<p>紫色大象</p><!-- gzhlint-disable-next-line -->\n<p>紫色大象</p>";
        let extracted = extract(text, Format::Html);
        let diagnostics = lint_blocks(&rules, text, &extracted.blocks);
        let outcome = apply(&rules, text, &extracted.comments, diagnostics, false);
        assert_eq!(outcome.kept.len(), 1);
        assert_eq!(outcome.suppressed.len(), 1);
        assert_eq!(outcome.suppressed[0].diagnostic.start.line, 2);
    }
}
