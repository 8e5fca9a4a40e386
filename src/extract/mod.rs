//! Stage 2: extract the text blocks of a document, each with a source map back to the file.
//!
//! A block is the unit of matching (a paragraph, heading, list item, table cell, image alt text,
//! title …): no match ever runs across two blocks. Its text is built from segments; each segment
//! knows the source bytes it came from, so a match maps back to exact source pieces without ever
//! searching the source again.

mod html;
mod markdown;
mod plain;
mod scope;

use std::ops::Range;

pub use html::extract_html;
pub use markdown::extract_markdown;
pub use plain::extract_plain;
pub use scope::{Scope, ScopeSet};

/// A stretch of block text and the source bytes it came from.
///
/// `literal` segments are byte-for-byte copies of their source and map linearly; the others
/// (character references, replaced breaks, placeholders) map as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: Range<usize>,
    pub source: Range<usize>,
    pub literal: bool,
}

/// One unit of matchable text.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub scopes: ScopeSet,
    pub text: String,
    pub segments: Vec<Segment>,
    /// Ranges of `text` that are link text.
    pub links: Vec<Range<usize>>,
    /// 1–6 for a heading block (its `#` count or `<hN>`; 6 for an HTML paragraph styled as one,
    /// ▍小标题), 0 otherwise.
    pub heading_level: u8,
    /// How deep in lists the block is: 0 outside lists, 1 in an item, 2 in an item of a list
    /// inside an item… (Markdown `-`/`1.`, HTML `<li>`).
    pub list_depth: u8,
    /// Which block quotation the block is in, innermost (numbered from 1 per document; 0 outside
    /// one, or not known): all blocks of a quotation are read the same way (see
    /// [`Extracted::push`]).
    pub quotation: u32,
    /// Where in a table the block is (the innermost table): a table is read row by row, the
    /// way its explanations are written (| 话术 | 真相 |), see `lint`.
    pub table: TablePlace,
}

/// A block's table, row and cell, each numbered from 1 per document. All zero outside a table
/// cell; a cell always has its table and row (an HTML cell written without a `<tr>` is a row
/// of its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TablePlace {
    pub table: u32,
    pub row: u32,
    pub cell: u32,
    /// The row is its table's first (its head), even when that row has no text.
    pub head: bool,
}

impl TablePlace {
    /// The place of text here: a table cell's, or none (text of a table outside its cells,
    /// or of a row outside them, is not in a cell).
    pub fn filter_cell(self) -> TablePlace {
        if self.cell == 0 {
            TablePlace::default()
        } else {
            self
        }
    }
}

fn opens_with_quotation_mark(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || crate::normalize::is_invisible(c))
        .starts_with([
            '“', '"', '「', '『', '‘', '\'', '＂', '＇', '﹁', '﹃', '〝', '❝', '❛', '«', '‹', '„',
        ])
}

/// Stands in for inline code so that no match runs across it.
pub const PLACEHOLDER: char = '\u{FFFC}';

impl Block {
    pub fn new(scopes: ScopeSet) -> Block {
        Block {
            scopes,
            ..Block::default()
        }
    }

    /// Appends text copied verbatim from `source`.
    pub fn push_literal(&mut self, text: &str, source_start: usize) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        if let Some(last) = self.segments.last_mut() {
            if last.literal && last.text.end == start && last.source.end == source_start {
                last.text.end = self.text.len();
                last.source.end = source_start + text.len();
                return;
            }
        }
        self.segments.push(Segment {
            text: start..self.text.len(),
            source: source_start..source_start + text.len(),
            literal: true,
        });
    }

    /// Appends text that stands for `source` as a whole (an entity, a break, a placeholder).
    pub fn push_mapped(&mut self, text: &str, source: Range<usize>) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.segments.push(Segment {
            text: start..self.text.len(),
            source,
            literal: false,
        });
    }

    pub fn is_blank(&self) -> bool {
        self.text
            .chars()
            .all(|c| c.is_whitespace() || c == PLACEHOLDER)
    }

    /// Maps a range of block text to the source pieces it came from, merging contiguous ones.
    pub fn source_pieces(&self, range: Range<usize>, out: &mut Vec<Range<usize>>) {
        if range.is_empty() {
            return;
        }
        let first = self.segments.partition_point(|s| s.text.end <= range.start);
        for segment in &self.segments[first..] {
            if segment.text.start >= range.end {
                break;
            }
            let piece = if segment.literal {
                let from = range.start.max(segment.text.start) - segment.text.start;
                let to = range.end.min(segment.text.end) - segment.text.start;
                segment.source.start + from..segment.source.start + to
            } else {
                segment.source.clone()
            };
            match out.last_mut() {
                Some(last) if last.end == piece.start => last.end = piece.end,
                Some(last) if last.start <= piece.start && piece.end <= last.end => {}
                _ => out.push(piece),
            }
        }
    }

    /// Whether every character of `range` is link text.
    pub fn is_link_text(&self, range: &Range<usize>) -> bool {
        self.links
            .iter()
            .any(|l| l.start <= range.start && range.end <= l.end)
    }
}

/// An HTML comment found while extracting, kept for inline suppressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub source: Range<usize>,
}

/// Everything later stages need from a document.
#[derive(Debug, Default)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    pub comments: Vec<Comment>,
    /// A Markdown draft's front matter (YAML or TOML): its values are not Markdown, so a fix
    /// inside it is written differently (see `fix::plan`).
    pub front_matter: Option<Range<usize>>,
    /// How each block quotation seen so far reads: (its number, whether it quotes someone).
    quotations: Vec<(u32, bool)>,
    /// Block quotations numbered so far (see [`Block::quotation`]).
    pub(crate) quotations_opened: u32,
    /// The last table, row and cell numbers given (see [`Block::table`]).
    pub(crate) tables_numbered: TablePlace,
}

impl Extracted {
    /// Adds a block unless it is blank. A block quotation is in the `quote` scope only when it
    /// quotes someone: WeChat editors style the author's own callouts (限时福利, 顾客反馈) as
    /// block quotes as often as quotations, so one that does not open with a quotation mark is
    /// read as the author's words. Its first block decides for all of its blocks (a quotation
    /// of several paragraphs opens only the first with a mark; an editor template may put the
    /// mark in a block of its own).
    pub fn push(&mut self, mut block: Block) {
        if block.is_blank() {
            return;
        }
        if block.scopes.contains(Scope::Quote) && !self.quotes_someone(&block) {
            block.scopes = block.scopes.without(Scope::Quote);
        }
        self.blocks.push(block);
    }

    fn quotes_someone(&mut self, block: &Block) -> bool {
        if block.quotation == 0 {
            return opens_with_quotation_mark(&block.text);
        }
        if let Some(&(_, quotes)) = self.quotations.iter().find(|(q, _)| *q == block.quotation) {
            return quotes;
        }
        let quotes = opens_with_quotation_mark(&block.text);
        self.quotations.push((block.quotation, quotes));
        quotes
    }

    /// The same title text found twice (front matter and H1, `<title>` and og:title) is reported once.
    pub fn drop_repeated_titles(&mut self) {
        let mut seen: Vec<String> = Vec::new();
        self.blocks.retain(|block| {
            if !block.scopes.contains(Scope::Title) {
                return true;
            }
            let key = block.text.trim().to_string();
            if seen.contains(&key) {
                false
            } else {
                seen.push(key);
                true
            }
        });
    }
}

/// Which extractor reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Html,
    Text,
}

impl Format {
    /// Chooses by file extension; unknown extensions are read as plain text.
    pub fn from_path(path: &std::path::Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
            _ => Format::Text,
        }
    }

    /// The extensions `check` picks up when walking folders.
    pub const LINTED_EXTENSIONS: [&'static str; 5] = ["md", "markdown", "html", "htm", "txt"];
}

/// Extracts the blocks of `text` read as `format`.
pub fn extract(text: &str, format: Format) -> Extracted {
    let mut extracted = match format {
        Format::Markdown => extract_markdown(text),
        Format::Html => extract_html(text),
        Format::Text => extract_plain(text),
    };
    extracted.drop_repeated_titles();
    extracted
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Source text of each piece for `needle` (first occurrence) in the first block containing it.
    pub fn pieces_of<'a>(source: &'a str, extracted: &Extracted, needle: &str) -> Vec<&'a str> {
        for block in &extracted.blocks {
            if let Some(at) = block.text.find(needle) {
                let mut pieces = Vec::new();
                block.source_pieces(at..at + needle.len(), &mut pieces);
                return pieces.into_iter().map(|r| &source[r]).collect();
            }
        }
        panic!("{needle:?} not found in {:?}", texts(extracted));
    }

    pub fn texts(extracted: &Extracted) -> Vec<&str> {
        extracted.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    /// (text, table, row, cell, head) of every block.
    pub fn table_places(extracted: &Extracted) -> Vec<(&str, u32, u32, u32, bool)> {
        extracted
            .blocks
            .iter()
            .map(|b| {
                let t = b.table;
                (b.text.as_str(), t.table, t.row, t.cell, t.head)
            })
            .collect()
    }
}
