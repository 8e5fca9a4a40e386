//! Drives one document through the pipeline: decode → extract → normalize → match → filter →
//! diagnostics. I/O-free: callers hand in bytes or text.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::diagnostic::{sort_diagnostics, Diagnostic, LineIndex};
use crate::extract::{extract, Block, Extracted, Format, Scope, TablePlace};
use crate::filter::context::{accept, cell_frames, section_frames, Accepted, SectionFrames};
use crate::filter::overlap::{
    merge_overlapping, rest_of_model_sentences, wants_rest_of_sentence, BlockPhrases,
};
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
    let mut tables = TableFrames::new(blocks);
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
        let views = match_views(rules, block, wanted);
        let by_table = tables.framed(rules, blocks, index);
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
        if let Cow::Owned(framed) = &mut framed {
            framed.sort_unstable();
            framed.dedup();
        }
        if !by_table.is_empty() {
            framed = Cow::Owned(merge_sorted(framed.iter().copied(), &by_table));
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
        let accepted: Vec<(Rc<Normalized>, Vec<Accepted>)> = views
            .into_iter()
            .map(|(normalized, matches)| {
                let found = accept(rules, block, &normalized, matches, framed);
                (normalized, found)
            })
            .collect();
        let phrases = accepted
            .iter()
            .any(|(_, found)| wants_rest_of_sentence(rules, found))
            .then(|| {
                BlockPhrases::new(
                    rules,
                    accepted
                        .iter()
                        .map(|(n, found)| (n.as_ref(), found.as_slice())),
                )
            });
        for (normalized, found) in accepted {
            let found = match &phrases {
                Some(phrases) => rest_of_model_sentences(rules, &normalized, found, phrases),
                None => found,
            };
            for found in found {
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

/// Frames across tables (README): a table row reads as one statement, so the frames of a
/// row's short cells ([`cell_frames`]) hold for its other cells, and those of a table's head
/// (its first row) for every cell of the table. A row's short cells are matched for every
/// context term when its first block is reached; only their frames are kept, until the row's
/// last block, and every block is matched again the usual way at its turn. Memory holds a few
/// rule lists per open row, whatever the table's size.
struct TableFrames {
    /// (row, block) of every block in a table cell, sorted.
    cells: Vec<(u32, usize)>,
    /// The frames of each table's head, by table, once read.
    heads: HashMap<u32, Vec<u32>>,
    /// Rows being read, by row.
    rows: HashMap<u32, RowFrames>,
}

struct RowFrames {
    /// How many of the row's short cells frame each rule.
    counts: BTreeMap<u32, usize>,
    /// The frames of each short cell, by cell, as an index into `frame_sets`.
    cells: BTreeMap<u32, usize>,
    /// The distinct frame lists of the row's cells: a row of thousands of cells repeats a few.
    frame_sets: Vec<Vec<u32>>,
    /// The table head's frames, for a row that is not the head.
    head: Vec<u32>,
    /// Blocks of the row not yet reached.
    left: usize,
}

/// Longest cell, in characters, whose frames hold for the rest of its row: a data table's
/// cells are a phrase or a sentence; a layout table's hold whole paragraphs, which frame
/// only themselves.
const MAX_FRAMING_CELL: usize = 80;

impl TableFrames {
    fn new(blocks: &[Block]) -> TableFrames {
        let mut cells: Vec<(u32, usize)> = blocks
            .iter()
            .enumerate()
            .filter(|(_, block)| block.table.cell != 0)
            .map(|(index, block)| (block.table.row, index))
            .collect();
        cells.sort_unstable();
        TableFrames {
            cells,
            heads: HashMap::new(),
            rows: HashMap::new(),
        }
    }

    /// The rules other cells of its row, or its table's head, frame for `blocks[index]`,
    /// sorted; none outside tables.
    fn framed(&mut self, rules: &RuleSet, blocks: &[Block], index: usize) -> Vec<u32> {
        let place = blocks[index].table;
        if place.cell == 0 {
            return Vec::new();
        }
        if !self.rows.contains_key(&place.row) {
            let row = self.read_row(rules, blocks, place);
            self.rows.insert(place.row, row);
        }
        let Some(row) = self.rows.get_mut(&place.row) else {
            return Vec::new();
        };
        let own = row
            .cells
            .get(&place.cell)
            .map_or(&[][..], |&set| row.frame_sets[set].as_slice());
        // Framed by another cell when more cells frame the rule than the block's own.
        let by_row = row
            .counts
            .iter()
            .filter(|&(rule, &n)| n > usize::from(own.binary_search(rule).is_ok()))
            .map(|(&rule, _)| rule);
        let framed = merge_sorted(by_row, &row.head);
        row.left -= 1;
        if row.left == 0 {
            self.rows.remove(&place.row);
        }
        framed
    }

    fn read_row(&mut self, rules: &RuleSet, blocks: &[Block], place: TablePlace) -> RowFrames {
        let first = self.cells.partition_point(|&(row, _)| row < place.row);
        let end = first + self.cells[first..].partition_point(|&(row, _)| row == place.row);
        let row = &self.cells[first..end];
        let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
        for &(_, index) in row {
            let block = &blocks[index];
            *sizes.entry(block.table.cell).or_default() += block.text.chars().count();
        }
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        let mut frame_sets: Vec<Vec<u32>> = Vec::new();
        let mut set_of: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut cells: BTreeMap<u32, usize> = BTreeMap::new();
        // A cell's blocks are consecutive among its row's.
        for cell in row.chunk_by(|a, b| blocks[a.1].table.cell == blocks[b.1].table.cell) {
            let id = blocks[cell[0].1].table.cell;
            if sizes[&id] > MAX_FRAMING_CELL {
                continue;
            }
            let mut frames = Vec::new();
            for &(_, index) in cell {
                for (normalized, matches) in match_views(rules, &blocks[index], ContextWanted::All)
                {
                    cell_frames(rules, &normalized.text, &matches, &mut frames);
                }
            }
            for &rule in &frames {
                *counts.entry(rule).or_default() += 1;
            }
            let set = *set_of.entry(frames).or_insert_with_key(|frames| {
                frame_sets.push(frames.clone());
                frame_sets.len() - 1
            });
            cells.insert(id, set);
        }
        let head = if place.head {
            self.heads
                .insert(place.table, counts.keys().copied().collect());
            Vec::new()
        } else {
            self.heads.get(&place.table).cloned().unwrap_or_default()
        };
        RowFrames {
            counts,
            cells,
            frame_sets,
            head,
            left: row.len(),
        }
    }
}

/// The union of two sorted lists of rules, sorted (a table's head frames are merged into
/// every cell's: sorting each copy cost more than the rest of reading a large table).
fn merge_sorted(a: impl Iterator<Item = u32>, b: &[u32]) -> Vec<u32> {
    let mut merged = Vec::with_capacity(b.len());
    let mut b = b.iter().copied().peekable();
    for rule in a {
        while let Some(earlier) = b.next_if(|&other| other < rule) {
            merged.push(earlier);
        }
        b.next_if_eq(&rule);
        merged.push(rule);
    }
    merged.extend(b);
    merged
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
