//! Reading a rule pack: TOML → validated rules with their term sets expanded.
//!
//! Every error names the pack and the span in its TOML: syntax, unknown keys, bad severity or
//! category, invalid regex, undefined term set, duplicate rule id.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::model::ModelUse;
use super::{EmittedBy, ExampleLines, FixSafety, PackError, PackInfo, Rule, Severity, Validator};
use crate::extract::{Scope, ScopeSet};
use crate::normalize::{normalize, View};

/// The text of a pack and where it came from.
#[derive(Clone, Debug)]
pub struct PackSource {
    pub origin: String,
    pub text: Arc<String>,
}

impl PackSource {
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> PackSource {
        PackSource {
            origin: origin.into(),
            text: Arc::new(text.into()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawMeta,
    #[serde(default)]
    terms: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    name: String,
    version: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sources: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    name: Option<String>,
    category: Spanned<String>,
    severity: Severity,
    message: String,
    help: String,
    clause: String,
    #[serde(default)]
    description: String,
    replace: Option<String>,
    #[serde(default)]
    fix: FixSafety,
    scopes: Option<Vec<Scope>>,
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
    within: Option<usize>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    unless_after: Vec<Spanned<String>>,
    #[serde(default)]
    unless_section: Vec<Spanned<String>>,
    #[serde(default)]
    not_frames: Vec<Spanned<String>>,
    frame_within: Option<usize>,
    #[serde(default)]
    voids_section_frames: bool,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    allow_patterns: Vec<Spanned<String>>,
    validator: Option<Validator>,
    #[serde(default = "yes")]
    separators: bool,
    #[serde(default)]
    digits: bool,
    model: Option<Spanned<String>>,
    threshold: Option<Spanned<f32>>,
    rest_of_sentence: Option<Spanned<bool>>,
    #[serde(default)]
    flag: Vec<Spanned<String>>,
    #[serde(default)]
    pass: Vec<Spanned<String>>,
    emitted_by: Option<EmittedBy>,
}

/// What a rule matches and the context that turns a match on or off, with term sets expanded.
#[derive(Clone, Debug, Default)]
pub struct RuleMatch {
    /// Literal phrases (any one is a candidate).
    pub phrases: Vec<String>,
    /// Regular expressions over normalized text.
    pub patterns: Vec<String>,
    /// For each pattern, the literals every match contains (`None`: run it on every block).
    pub pattern_anchors: Vec<Option<super::compile::Anchors>>,
    /// Each pattern, built: building is what finds a pattern too large for the engine.
    pub pattern_regexes: Vec<regex_automata::meta::Regex>,
    /// Each group must have one phrase present in the sentence (or within `within` characters).
    pub requires: Vec<Vec<String>>,
    pub within: Option<usize>,
    /// A frame before the match, in the same sentence, cancels it.
    pub unless: Vec<String>,
    /// A frame after the match, in the same sentence, cancels it.
    pub unless_after: Vec<String>,
    /// A frame in the document's title or in the heading of the match's section cancels it
    /// (an anti-fraud post titled …诈骗… describes scam wording rather than using it).
    pub unless_section: Vec<String>,
    /// A phrase that covers an `unless` or `unless_after` frame where it occurs voids that
    /// frame there: 不是吹 holds the negation 不是 but vouches for the claim.
    pub not_frames: Vec<String>,
    /// When set, a frame cancels the match only within this many characters of it.
    pub frame_within: Option<usize>,
    /// A title or heading this rule flags opens no section frame: a sensational title
    /// (震惊！…秘密终于曝光) is not a warning article's, whatever words it borrows.
    pub voids_section_frames: bool,
    /// A phrase that covers the match cancels it.
    pub allow: Vec<String>,
    /// A regex match that covers the match cancels it (for allow lists too large to expand),
    /// with its anchors.
    pub allow_patterns: Vec<(String, Option<super::compile::Anchors>)>,
    pub validator: Option<Validator>,
    /// Whether separators inside a match are tolerated.
    pub separators: bool,
    /// Whether the rule matches against Chinese numerals read as digits.
    pub digits: bool,
    /// The head of the sentence model whose sentences are this rule's candidates.
    pub model: Option<ModelUse>,
    /// Whether the rule names the `quote` scope itself, and so also applies to phrases the
    /// author puts in quotation marks (by default those are mentions, not claims).
    pub quoted_phrases: bool,
}

type ModelError = (Range<usize>, String, Option<&'static str>);

/// A rule's use of the sentence model: a known head with a threshold, and nothing else to
/// match (its candidates are whole sentences).
fn model_use(raw: &RawRule) -> Result<Option<ModelUse>, ModelError> {
    let (head, threshold) = match (&raw.model, &raw.threshold) {
        (None, None) => {
            return match &raw.rest_of_sentence {
                Some(rest) => Err((
                    rest.span(),
                    "`rest_of_sentence` belongs to a rule with a `model`".to_string(),
                    None,
                )),
                None => Ok(None),
            }
        }
        (None, Some(threshold)) => {
            return Err((
                threshold.span(),
                "`threshold` belongs to a rule with a `model`".to_string(),
                None,
            ))
        }
        (Some(head), None) => {
            return Err((
                head.span(),
                "a rule with a `model` needs a `threshold`".to_string(),
                Some("the probability at or above which a sentence is flagged, e.g. 0.9"),
            ))
        }
        (Some(head), Some(threshold)) => (head, threshold),
    };
    let model = super::model::builtin();
    let Some(index) = model.head(head.get_ref()) else {
        let heads: Vec<&str> = model.head_names().collect();
        return Err((
            head.span(),
            format!(
                "the sentence model has no head {:?}; it has {}",
                head.get_ref(),
                heads.join(", ")
            ),
            None,
        ));
    };
    let value = *threshold.get_ref();
    if !(value > 0.5 && value < 1.0) {
        return Err((
            threshold.span(),
            format!("threshold {value} must lie between 0.5 and 1 (exclusive)"),
            None,
        ));
    }
    if !raw.phrases.is_empty() || !raw.patterns.is_empty() || raw.digits {
        return Err((
            head.span(),
            "a rule with a `model` flags whole sentences: it takes no phrases, patterns or digits"
                .to_string(),
            Some("make the phrases a rule of their own"),
        ));
    }
    Ok(Some(ModelUse {
        head: head.get_ref().clone(),
        index,
        threshold: value,
        rest_of_sentence: raw.rest_of_sentence.as_ref().is_some_and(|r| *r.get_ref()),
    }))
}

/// A pack read and validated, before compilation.
#[derive(Clone, Debug)]
pub struct LoadedPack {
    pub info: PackInfo,
    pub rules: Vec<(Rule, RuleMatch)>,
    pub source: PackSource,
    /// Span of each rule's id in the pack, for duplicate-id errors.
    pub id_spans: Vec<Range<usize>>,
}

/// Most expansions one phrase may produce: a guard against a typo multiplying term sets.
const MAX_EXPANSIONS: usize = 20_000;

pub fn load_pack(source: &PackSource) -> Result<LoadedPack, PackError> {
    let error = |span: Option<Range<usize>>, message: String, help: Option<&str>| PackError {
        origin: source.origin.clone(),
        source_text: source.text.clone(),
        span,
        message,
        help: help.map(str::to_string),
    };
    let raw: RawPack = toml::from_str(&source.text).map_err(|e| {
        error(
            e.span(),
            e.message().trim().to_string(),
            Some("see the rule-pack format in the README"),
        )
    })?;
    let pack_id = raw.pack.id.get_ref().clone();
    if !is_identifier(&pack_id, "-_") {
        return Err(error(
            Some(raw.pack.id.span()),
            format!("pack id {pack_id:?} must be lowercase letters, digits, '-' or '_'"),
            None,
        ));
    }
    let terms =
        TermSets::new(&raw.terms).map_err(|(span, message)| error(Some(span), message, None))?;
    let line_breaks: Vec<usize> = source.text.match_indices('\n').map(|(at, _)| at).collect();
    let line_of = |at: usize| line_breaks.partition_point(|&newline| newline < at) + 1;
    let mut rules = Vec::with_capacity(raw.rule.len());
    let mut id_spans = Vec::with_capacity(raw.rule.len());
    let mut seen = HashSet::new();
    for raw_rule in raw.rule {
        let id = raw_rule.id.get_ref().clone();
        let id_span = raw_rule.id.span();
        if !seen.insert(id.clone()) {
            return Err(error(
                Some(id_span),
                format!("duplicate rule id {id:?}"),
                Some("every rule id must be unique across all loaded packs"),
            ));
        }
        let category = raw_rule.category.get_ref().clone();
        if !is_identifier(&category, "_") || category.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(error(
                Some(raw_rule.category.span()),
                format!("category {category:?} must be a lowercase identifier such as \"inducement\""),
                Some("built-in categories: inducement, false_advertising, illegal_trading, prohibited_content"),
            ));
        }
        match id.split_once('.') {
            Some((prefix, name)) if prefix == category && is_identifier(name, "_-") => {}
            _ => {
                return Err(error(
                    Some(id_span),
                    format!("rule id {id:?} must be \"{category}.<name>\" (lowercase name)"),
                    None,
                ))
            }
        }
        let model = model_use(&raw_rule)
            .map_err(|(span, message, help)| error(Some(span), message, help))?;
        if raw_rule.phrases.is_empty()
            && raw_rule.patterns.is_empty()
            && raw_rule.emitted_by.is_none()
            && model.is_none()
        {
            return Err(error(
                Some(id_span),
                format!("rule {id:?} has neither phrases nor patterns"),
                Some("or name a head of the sentence model: model = \"inducement\""),
            ));
        }
        let expand = |list: &[Spanned<String>]| -> Result<Vec<String>, PackError> {
            let mut out = Vec::new();
            for item in list {
                let expanded = terms
                    .expand_literal(item.get_ref())
                    .map_err(|message| error(Some(item.span()), message, None))?;
                out.extend(expanded);
            }
            Ok(out)
        };
        let view = View {
            digits: raw_rule.digits,
        };
        // Each pattern is parsed once: to check it, and to find its anchor literals.
        type Checked = (
            String,
            Option<super::compile::Anchors>,
            regex_automata::meta::Regex,
        );
        // Parsing and anchor extraction dominate loading: spread them over the threads.
        let compile_patterns = |list: &[Spanned<String>],
                                allow: bool|
         -> Result<Vec<Checked>, PackError> {
            list.par_iter()
                .map(|pattern| {
                    let expanded = terms
                        .expand_pattern(pattern.get_ref())
                        .map_err(|message| error(Some(pattern.span()), message, None))?;
                    let expanded = normalize_pattern(&expanded, view);
                    match regex_syntax::ParserBuilder::new()
                        .case_insensitive(true)
                        .build()
                        .parse(&expanded)
                    {
                        Ok(hir) if !allow && super::compile::may_end_inside_number(&hir) => {
                            Err(error(
                                Some(pattern.span()),
                                "pattern can end its match on one digit, inside a longer number: \
                                 a hit may not cut a number, so 领[0-9] misses 领648"
                                    .to_string(),
                                Some("let the class take the whole number: [0-9]+"),
                            ))
                        }
                        Ok(hir) => {
                            let anchors = super::compile::anchors_of(&hir);
                            let regex = super::compile::build_regex(&expanded).map_err(|e| {
                                error(
                                    Some(pattern.span()),
                                    match std::error::Error::source(&*e) {
                                        Some(cause) => {
                                            format!("pattern cannot be compiled: {e}: {cause}")
                                        }
                                        None => format!("pattern cannot be compiled: {e}"),
                                    },
                                    Some("bound its repetitions or split it into several patterns"),
                                )
                            })?;
                            Ok((expanded, anchors, regex))
                        }
                        Err(e) => Err(error(
                            Some(pattern.span()),
                            format!(
                                "invalid regex: {}",
                                e.to_string().lines().last().unwrap_or("")
                            ),
                            Some("patterns use the syntax of the regex crate; {name} inserts a term set"),
                        )),
                    }
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect() // the first error in file order, whichever thread found it
        };
        let mut patterns = Vec::new();
        let mut pattern_anchors = Vec::new();
        let mut pattern_regexes = Vec::new();
        for (source, anchors, regex) in compile_patterns(&raw_rule.patterns, false)? {
            patterns.push(source);
            pattern_anchors.push(anchors);
            pattern_regexes.push(regex);
        }
        let allow_patterns = compile_patterns(&raw_rule.allow_patterns, true)?
            .into_iter()
            .map(|(source, anchors, _)| (source, anchors))
            .collect();
        let mut requires = Vec::new();
        for group in &raw_rule.requires {
            requires.push(
                terms
                    .expand_literal(group.get_ref())
                    .map_err(|message| error(Some(group.span()), message, None))?,
            );
        }
        let matching = RuleMatch {
            phrases: expand(&raw_rule.phrases)?,
            patterns,
            pattern_anchors,
            pattern_regexes,
            requires,
            within: raw_rule.within,
            unless: expand(&raw_rule.unless)?,
            unless_after: expand(&raw_rule.unless_after)?,
            unless_section: expand(&raw_rule.unless_section)?,
            not_frames: expand(&raw_rule.not_frames)?,
            frame_within: raw_rule.frame_within,
            voids_section_frames: raw_rule.voids_section_frames,
            allow: expand(&raw_rule.allow)?,
            allow_patterns,
            validator: raw_rule.validator,
            separators: raw_rule.separators,
            digits: raw_rule.digits,
            model: model.clone(),
            quoted_phrases: raw_rule
                .scopes
                .as_ref()
                .is_some_and(|scopes| scopes.contains(&Scope::Quote)),
        };
        let scopes = match &raw_rule.scopes {
            Some(list) => list.iter().copied().collect(),
            None => ScopeSet::ALL,
        };
        let name = raw_rule.name.unwrap_or_else(|| {
            id.split_once('.')
                .map_or(&*id, |(_, n)| n)
                .replace('_', "-")
        });
        rules.push((
            Rule {
                id,
                name,
                category,
                severity: raw_rule.severity,
                message: raw_rule.message,
                help: raw_rule.help,
                clause: raw_rule.clause,
                description: raw_rule.description,
                replace: raw_rule.replace,
                fix: raw_rule.fix,
                scopes,
                pack: pack_id.clone(),
                example_lines: ExampleLines {
                    flag: raw_rule
                        .flag
                        .iter()
                        .map(|e| line_of(e.span().start))
                        .collect(),
                    pass: raw_rule
                        .pass
                        .iter()
                        .map(|e| line_of(e.span().start))
                        .collect(),
                },
                flag: raw_rule.flag.into_iter().map(Spanned::into_inner).collect(),
                pass: raw_rule.pass.into_iter().map(Spanned::into_inner).collect(),
                emitted_by: raw_rule.emitted_by,
                model,
            },
            matching,
        ));
        id_spans.push(id_span);
    }
    Ok(LoadedPack {
        info: PackInfo {
            id: pack_id,
            name: raw.pack.name,
            version: raw.pack.version,
            description: raw.pack.description,
            sources: raw.pack.sources,
            origin: source.origin.clone(),
        },
        rules,
        source: source.clone(),
        id_spans,
    })
}

/// Patterns meet normalized text: the literal (non-ASCII) characters of a pattern are normalized
/// like the text and then escaped, so that ＋ or （ stay literal after folding to + or (. Case is
/// handled by matching case-insensitively, so ASCII escapes such as `\D` keep their meaning.
fn normalize_pattern(pattern: &str, view: View) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chunk = String::new();
    let flush = |chunk: &mut String, out: &mut String| {
        if !chunk.is_empty() {
            out.push_str(&regex_syntax::escape(&normalize(chunk, view).text));
            chunk.clear();
        }
    };
    for c in pattern.chars() {
        if c.is_ascii() {
            flush(&mut chunk, &mut out);
            out.push(c);
        } else {
            chunk.push(c);
        }
    }
    flush(&mut chunk, &mut out);
    out
}

fn is_identifier(text: &str, extra: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c))
}

/// Named term sets, referenced as `{name}` from phrases and patterns.
struct TermSets<'a> {
    sets: &'a BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

/// A piece of a phrase or pattern: literal text, or a reference to a term set.
enum Part<'t> {
    Text(&'t str),
    Set(&'t str),
}

/// Splits `text` at `{name}` references; `{3}` or `{0,10}` (regex repetition) stay text.
fn parts(text: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let rest = text;
    let mut literal_start = 0;
    let mut at = 0;
    while let Some(open) = rest[at..].find('{').map(|i| i + at) {
        let escaped = rest[..open].ends_with('\\');
        let close = rest[open..].find('}').map(|i| i + open);
        match close {
            Some(close)
                if !escaped
                    && rest[open + 1..close]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                    && rest[open + 1..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                if literal_start < open {
                    parts.push(Part::Text(&rest[literal_start..open]));
                }
                parts.push(Part::Set(&rest[open + 1..close]));
                literal_start = close + 1;
                at = close + 1;
            }
            _ => at = open + 1,
        }
        if at >= rest.len() {
            break;
        }
    }
    if literal_start < rest.len() {
        parts.push(Part::Text(&rest[literal_start..]));
    }
    parts
}

impl<'a> TermSets<'a> {
    fn new(
        sets: &'a BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    ) -> Result<TermSets<'a>, (Range<usize>, String)> {
        for (name, terms) in sets {
            if !is_identifier(name, "_") {
                return Err((
                    terms.span(),
                    format!("term set name {name:?} must be a lowercase identifier"),
                ));
            }
            if terms.get_ref().is_empty() {
                return Err((terms.span(), format!("term set {name:?} is empty")));
            }
            for term in terms.get_ref() {
                if term.get_ref().trim().is_empty() {
                    return Err((term.span(), format!("term set {name:?} has an empty term")));
                }
                if parts(term.get_ref())
                    .iter()
                    .any(|p| matches!(p, Part::Set(_)))
                {
                    return Err((
                        term.span(),
                        "a term cannot reference another term set".to_string(),
                    ));
                }
            }
        }
        Ok(TermSets { sets })
    }

    fn set(&self, name: &str) -> Result<&'a [Spanned<String>], String> {
        self.sets
            .get(name)
            .map(|s| s.get_ref().as_slice())
            .ok_or_else(|| {
                let known: Vec<&str> = self.sets.keys().map(String::as_str).collect();
                format!(
                    "undefined term set {{{name}}}; defined in this pack: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )
            })
    }

    /// Every literal a phrase stands for (the product of its term sets).
    fn expand_literal(&self, phrase: &str) -> Result<Vec<String>, String> {
        if phrase.trim().is_empty() {
            return Err("empty phrase".to_string());
        }
        let mut out = vec![String::new()];
        for part in parts(phrase) {
            match part {
                Part::Text(text) => out.iter_mut().for_each(|o| o.push_str(text)),
                Part::Set(name) => {
                    let set = self.set(name)?;
                    if out.len() * set.len() > MAX_EXPANSIONS {
                        return Err(format!(
                            "{phrase:?} expands to more than {MAX_EXPANSIONS} phrases; use a pattern"
                        ));
                    }
                    out = out
                        .iter()
                        .flat_map(|o| set.iter().map(move |t| format!("{o}{}", t.get_ref())))
                        .collect();
                }
            }
        }
        Ok(out)
    }

    /// A pattern with each `{name}` replaced by an alternation of the set's escaped terms.
    fn expand_pattern(&self, pattern: &str) -> Result<String, String> {
        let mut out = String::new();
        for part in parts(pattern) {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Set(name) => {
                    let set = self.set(name)?;
                    out.push_str("(?:");
                    for (i, term) in set.iter().enumerate() {
                        if i > 0 {
                            out.push('|');
                        }
                        out.push_str(&regex_syntax::escape(term.get_ref()));
                    }
                    out.push(')');
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedPack, PackError> {
        load_pack(&PackSource::new("test.toml", text))
    }

    const HEADER: &str = "[pack]\nid = \"t\"\nname = \"T\"\nversion = \"1\"\n";

    fn rule(body: &str) -> String {
        format!("{HEADER}[terms]\nwx = [\"微信\", \"vx\"]\n[[rule]]\nid = \"inducement.x\"\ncategory = \"inducement\"\nseverity = \"restrict\"\nmessage = \"m\"\nhelp = \"h\"\nclause = \"c\"\n{body}")
    }

    fn error_at(text: &str) -> (String, String) {
        let e = load(text).unwrap_err();
        let span = e.span.clone().expect("error has a span");
        (e.message, text[span].to_string())
    }

    #[test]
    fn term_sets_expand_in_phrases_and_patterns() {
        let pack = load(&rule("phrases = [\"加{wx}\"]\npatterns = ['{wx}\\d{3}']")).unwrap();
        let (_, m) = &pack.rules[0];
        assert_eq!(m.phrases, ["加微信", "加vx"]);
        assert_eq!(m.patterns, ["(?:微信|vx)\\d{3}"]);
    }

    #[test]
    fn errors_point_into_the_toml() {
        let (message, at) = error_at(&rule("phrases = [\"加{wechat}\"]"));
        assert!(message.contains("undefined term set {wechat}"), "{message}");
        assert_eq!(at, "\"加{wechat}\"");

        let (message, at) = error_at(&rule("patterns = ['(unclosed']"));
        assert!(message.starts_with("invalid regex"), "{message}");
        assert_eq!(at, "'(unclosed'");

        // Valid syntax, but too large to build: refused at load, not a panic while linting.
        let (message, at) = error_at(&rule(r"patterns = ['微信号(?:\w{0,200}){0,200}']"));
        assert!(message.contains("pattern cannot be compiled"), "{message}");
        assert_eq!(at, r"'微信号(?:\w{0,200}){0,200}'");

        // A hit may not cut a number, so this pattern would miss 领648 without a word.
        let (message, at) = error_at(&rule("patterns = ['下载App即?领[0-9]']"));
        assert!(message.contains("inside a longer number"), "{message}");
        assert_eq!(at, "'下载App即?领[0-9]'");
        load(&rule(
            "patterns = ['下载App即?领[0-9]+', '领[0-9](?:[^0-9]|$)']",
        ))
        .unwrap();

        let (message, at) = error_at(&rule("phrases = [\"a\"]\nbogus = 1"));
        assert!(message.contains("unknown field `bogus`"), "{message}");
        assert_eq!(at, "bogus");

        let text = rule("phrases = [\"a\"]").replace("\"restrict\"", "\"critical\"");
        let (message, at) = error_at(&text);
        assert!(message.contains("unknown variant `critical`"), "{message}");
        assert_eq!(at, "\"critical\"");

        let text = rule("phrases = [\"a\"]")
            .replace("category = \"inducement\"", "category = \"Bad Category\"");
        let (message, _) = error_at(&text);
        assert!(message.contains("lowercase identifier"), "{message}");

        let twice = format!("{}\n[[rule]]\nid = \"inducement.x\"\ncategory = \"inducement\"\nseverity = \"ban\"\nmessage = \"m\"\nhelp = \"h\"\nclause = \"c\"\nphrases = [\"b\"]\n", rule("phrases = [\"a\"]"));
        let (message, at) = error_at(&twice);
        assert!(message.contains("duplicate rule id"), "{message}");
        assert_eq!(at, "\"inducement.x\"");

        let (message, _) = error_at("[pack\nid=1");
        assert!(!message.is_empty());
    }

    #[test]
    fn pattern_literals_are_normalized_and_stay_literal() {
        let pack = load(&rule("patterns = ['(加|➕)[Ｖv]轉發（\\d）']")).unwrap();
        assert_eq!(pack.rules[0].1.patterns, ["(加|\\+)[vv]转发\\(\\d\\)"]);
        let digits = load(&rule("patterns = ['降三高']\ndigits = true")).unwrap();
        assert_eq!(digits.rules[0].1.patterns, ["降3高"]);
    }

    #[test]
    fn a_model_rule_names_a_known_head_and_a_threshold_and_nothing_to_match() {
        let pack = load(&rule("model = \"inducement\"\nthreshold = 0.9")).unwrap();
        let used = pack.rules[0].1.model.as_ref().expect("model use");
        assert_eq!((used.head.as_str(), used.threshold), ("inducement", 0.9));
        assert!(!used.rest_of_sentence);
        let pack = load(&rule(
            "model = \"inducement\"\nthreshold = 0.9\nrest_of_sentence = true",
        ))
        .unwrap();
        assert!(pack.rules[0].1.model.as_ref().unwrap().rest_of_sentence);
        let (message, at) = error_at(&rule("rest_of_sentence = true\nphrases = [\"加微信\"]"));
        assert!(
            message.contains("`rest_of_sentence` belongs to a rule with a `model`"),
            "{message}"
        );
        assert_eq!(at, "true");

        let (message, at) = error_at(&rule("model = \"sports\"\nthreshold = 0.9"));
        assert!(message.contains("no head \"sports\""), "{message}");
        assert!(message.contains("inducement"), "{message}");
        assert_eq!(at, "\"sports\"");
        let (message, at) = error_at(&rule("model = \"inducement\""));
        assert!(message.contains("needs a `threshold`"), "{message}");
        assert_eq!(at, "\"inducement\"");
        let (message, at) = error_at(&rule("model = \"inducement\"\nthreshold = 1.5"));
        assert!(message.contains("between 0.5 and 1"), "{message}");
        assert_eq!(at, "1.5");
        let (message, _) = error_at(&rule("threshold = 0.9\nphrases = [\"加微信\"]"));
        assert!(
            message.contains("belongs to a rule with a `model`"),
            "{message}"
        );
        let (message, _) = error_at(&rule(
            "model = \"inducement\"\nthreshold = 0.9\nphrases = [\"加微信\"]",
        ));
        assert!(message.contains("takes no phrases"), "{message}");
    }

    #[test]
    fn regex_repetition_is_not_a_term_set() {
        let pack = load(&rule("patterns = ['a{2}b{1,3}\\{wx\\}']")).unwrap();
        assert_eq!(pack.rules[0].1.patterns, ["a{2}b{1,3}\\{wx\\}"]);
    }
}
