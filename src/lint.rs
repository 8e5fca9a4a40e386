//! Drives one document through the pipeline: decode → extract → normalize → match → filter →
//! diagnostics. I/O-free: callers hand in bytes or text.

use crate::diagnostic::{sort_diagnostics, Diagnostic, LineIndex};
use crate::extract::{extract, Block, Extracted, Format};
use crate::filter::context::accept;
use crate::filter::overlap::merge_overlapping;
use crate::matching::match_block;
use crate::normalize::{normalize, with_digits, View};
use crate::rules::RuleSet;
use crate::source::{decode, DecodeOutcome, SourceText};

/// The outcome of linting one document.
#[derive(Debug)]
pub struct Linted {
    pub source: SourceText,
    pub format: Format,
    pub extracted: Extracted,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes and lints `bytes`; `Err` when the file is binary.
pub fn lint_bytes(rules: &RuleSet, bytes: &[u8], format: Format) -> Result<Linted, DecodeOutcome> {
    let source = decode(bytes)?;
    Ok(lint_source(rules, source, format))
}

pub fn lint_source(rules: &RuleSet, source: SourceText, format: Format) -> Linted {
    let extracted = extract(&source.text, format);
    let diagnostics = merge_overlapping(rules, lint_blocks(rules, &source.text, &extracted.blocks));
    Linted {
        source,
        format,
        extracted,
        diagnostics,
    }
}

/// Lints already extracted blocks of `text`, in source order.
pub fn lint_blocks(rules: &RuleSet, text: &str, blocks: &[Block]) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    for block in blocks {
        let plain = normalize(&block.text, View::default());
        let mut digits = None;
        for matcher in &rules.views {
            let normalized = if matcher.view.digits {
                &*digits.insert(with_digits(&plain))
            } else {
                &plain
            };
            let matches = match_block(matcher, &normalized.text);
            for found in accept(rules, block, normalized, matches) {
                let mut pieces = Vec::new();
                for original in normalized.original_pieces(found.range.clone()) {
                    block.source_pieces(original, &mut pieces);
                }
                let original = normalized.original_span(found.range.clone());
                let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
                    continue;
                };
                let span = first.start..last.end;
                let rule = &rules.rules[found.rule as usize];
                diagnostics.push(Diagnostic {
                    rule: found.rule as usize,
                    severity: rule.severity,
                    start: lines.position(text, span.start),
                    end: lines.position(text, span.end),
                    span,
                    pieces,
                    text: block.text[original].to_string(),
                });
            }
        }
    }
    sort_diagnostics(rules, &mut diagnostics);
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    diagnostics
}

/// Lints a short text as a single block in the given scopes (rule examples, `--stdin` snippets).
pub fn lint_snippet(
    rules: &RuleSet,
    text: &str,
    scopes: crate::extract::ScopeSet,
) -> Vec<Diagnostic> {
    let mut block = Block::new(scopes);
    block.push_literal(text, 0);
    lint_blocks(rules, text, &[block])
}
