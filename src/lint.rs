//! Drives one document through the pipeline: decode → extract → normalize → match → filter →
//! diagnostics. I/O-free: callers hand in bytes or text.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::diagnostic::{sort_diagnostics, Diagnostic, LineIndex};
use crate::extract::{extract, Block, Extracted, Format, Scope};
use crate::filter::context::{accept, cell_frames, section_frames, SectionFrames};
use crate::filter::overlap::merge_overlapping;
use crate::matching::{match_block, BlockMatches, ContextWanted};
use crate::normalize::{has_numerals, normalize, with_digits, Normalized, View};
use crate::rules::{RuleSet, Severity};
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
    let uses_sections = rules.conditions.iter().any(|c| c.has_section_frames);
    // Frames in a title hold for the whole document, frames in a heading for its section.
    let mut document_frames = Vec::new();
    if uses_sections {
        for block in blocks.iter().filter(|b| b.scopes.contains(Scope::Title)) {
            let views = match_views(rules, block, ContextWanted::WithSectionFrames);
            if !sensational(rules, block, &views) {
                for (normalized, matches) in &views {
                    section_frames(&normalized.text, matches, &mut document_frames);
                }
            }
        }
    }
    let mut sections = SectionFrames::new(document_frames);
    let mut tables = TableFrames::new(rules, blocks);
    // The section frames of a paragraph that introduces a list (平台禁止以下玩法：) hold for
    // the list's items, the way a heading's hold for its section; those of an item that
    // introduces a nested list, for that list's items. Open lead-ins, outermost first.
    let mut lead_ins: Vec<LeadIn> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        // A title's frames were taken above; here only headings and lead-ins open frames.
        let frames_matter = block.heading_level > 0 || introduces_list(block);
        let wanted = if uses_sections && frames_matter {
            ContextWanted::WithSectionFrames
        } else {
            ContextWanted::ForCandidates
        };
        let views = tables
            .take_views(index)
            .unwrap_or_else(|| match_views(rules, block, wanted));
        if uses_sections {
            sections.enter(block, |frames| {
                if !sensational(rules, block, &views) {
                    for (normalized, matches) in &views {
                        section_frames(&normalized.text, matches, frames);
                    }
                }
            });
        }
        // A lead-in at depth d covers only deeper items: this block ends those at its depth
        // or deeper.
        lead_ins.retain(|lead_in| lead_in.depth < block.list_depth);
        let quoted = block.scopes.contains(Scope::Quote);
        let mut framed = Cow::Borrowed(sections.framed());
        for lead_in in lead_ins.iter().filter(|lead_in| lead_in.quoted == quoted) {
            framed.to_mut().extend(&lead_in.frames);
        }
        let by_table = tables.framed(index);
        if !by_table.is_empty() {
            framed.to_mut().extend(by_table);
        }
        if let Cow::Owned(framed) = &mut framed {
            framed.sort_unstable();
            framed.dedup();
        }
        let framed = framed.as_ref();
        if uses_sections && introduces_list(block) {
            let mut frames = Vec::new();
            for (normalized, matches) in &views {
                section_frames(&normalized.text, matches, &mut frames);
            }
            lead_ins.push(LeadIn {
                depth: block.list_depth,
                quoted,
                frames,
            });
        }
        for (normalized, matches) in views {
            for found in accept(rules, block, &normalized, matches, framed) {
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

/// Frames across tables: a table row is read as one statement, so each cell's frames
/// ([`cell_frames`]) hold for the other cells of its row, and a table's first row (its head)
/// frames every cell. Cells are matched up front for every context term, and those matches
/// are kept for the cells' own turn.
struct TableFrames {
    /// Per block (empty when the document has no table): its views, for a table cell.
    views: Vec<Option<Views>>,
    /// Per block: the rules other cells frame for it, sorted.
    framed: Vec<Vec<u32>>,
}

impl TableFrames {
    fn new(rules: &RuleSet, blocks: &[Block]) -> TableFrames {
        if blocks.iter().all(|block| block.table_row == 0) {
            return TableFrames {
                views: Vec::new(),
                framed: Vec::new(),
            };
        }
        let mut views = vec![None; blocks.len()];
        let mut own = vec![Vec::new(); blocks.len()];
        // (table, row) → its cells' blocks, rows in document order.
        let mut rows: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
        for (index, block) in blocks.iter().enumerate() {
            if block.table_row == 0 {
                continue;
            }
            let cell = match_views(rules, block, ContextWanted::All);
            for (normalized, matches) in &cell {
                cell_frames(rules, &normalized.text, matches, &mut own[index]);
            }
            views[index] = Some(cell);
            rows.entry((block.table, block.table_row))
                .or_default()
                .push(index);
        }
        let mut framed = vec![Vec::new(); blocks.len()];
        let mut head: Option<(u32, Vec<u32>)> = None;
        for (&(table, _), cells) in &rows {
            // How many of the row's cells frame each rule: a cell is framed by a rule that
            // another cell frames.
            let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
            for &cell in cells {
                for &rule in &own[cell] {
                    *counts.entry(rule).or_default() += 1;
                }
            }
            let first_row = head.as_ref().is_none_or(|(t, _)| *t != table);
            if first_row {
                head = Some((table, counts.keys().copied().collect()));
            }
            for &cell in cells {
                let mine = &own[cell];
                let by_row = counts
                    .iter()
                    .filter(|&(rule, &n)| n > usize::from(mine.binary_search(rule).is_ok()))
                    .map(|(&rule, _)| rule);
                let framed = &mut framed[cell];
                framed.extend(by_row);
                if let Some((_, head_frames)) = head.as_ref().filter(|_| !first_row) {
                    framed.extend(head_frames);
                }
                framed.sort_unstable();
                framed.dedup();
            }
        }
        TableFrames { views, framed }
    }

    /// A table cell's views, matched when the frames were read.
    fn take_views(&mut self, block: usize) -> Option<Views> {
        self.views.get_mut(block).and_then(Option::take)
    }

    /// The rules other cells frame for `block`, sorted.
    fn framed(&self, block: usize) -> &[u32] {
        self.framed.get(block).map_or(&[], Vec::as_slice)
    }
}

/// The section frames of a block that introduces a list, for the items of that list.
struct LeadIn {
    /// The block's list depth: the items it introduces are deeper.
    depth: u8,
    /// Inside a block quote: it frames only quoted items, as a quoted heading frames nothing
    /// outside the quote.
    quoted: bool,
    frames: Vec<u32>,
}

/// Whether `block` ends with a colon, as a paragraph does that introduces a list.
fn introduces_list(block: &Block) -> bool {
    block.text.trim_end().ends_with(['：', ':'])
}

/// Whether `block` (a title or heading) is itself a violation, so that the warning words it
/// borrows (曝光, 真相, 提醒) frame nothing: a rule that voids section frames (sensational
/// titles) flags it even with no frame, or a `restrict` or `ban` hit survives the block's own
/// frames (【转】医生冒死说出的真相：…天天吃等于慢性自杀 warns of nothing). Pack severities count,
/// not a configuration's, so a draft's frames do not depend on how a team ranks its rules.
fn sensational(rules: &RuleSet, block: &Block, views: &Views) -> bool {
    views.iter().any(|(normalized, matches)| {
        let borrows_warning_words = accept(rules, block, normalized, matches.clone(), &[])
            .iter()
            .any(|found| rules.conditions[found.rule as usize].voids_section_frames);
        borrows_warning_words || {
            let mut own = Vec::new();
            section_frames(&normalized.text, matches, &mut own);
            accept(rules, block, normalized, matches.clone(), &own)
                .iter()
                .any(|found| rules.rules[found.rule as usize].severity >= Severity::Restrict)
        }
    })
}

/// A block normalized once per view the rules use, with its matches by each automaton.
type Views = Vec<(Rc<Normalized>, BlockMatches)>;

/// A block normalized once per view the rules use, and matched by each automaton (a view's
/// rules may be spread over several: built-in packs and user packs).
fn match_views(rules: &RuleSet, block: &Block, wanted: ContextWanted) -> Views {
    let plain = Rc::new(normalize(&block.text, View::default()));
    let digits =
        rules
            .views
            .iter()
            .any(|m| m.view.digits)
            .then(|| match has_numerals(&plain.text) {
                true => Rc::new(with_digits(&plain)),
                false => plain.clone(),
            });
    rules
        .views
        .iter()
        .map(|matcher| {
            let normalized = match (&digits, matcher.view.digits) {
                (Some(digits), true) => digits.clone(),
                _ => plain.clone(),
            };
            let matches = match_block(matcher, &normalized.text, wanted);
            (normalized, matches)
        })
        .collect()
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
