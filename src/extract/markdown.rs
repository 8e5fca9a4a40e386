//! Markdown drafts, through pulldown-cmark's offset iterator.
//!
//! Emphasis and link markers contribute no text, so `**转发**到朋友圈` is one phrase made of two
//! source pieces. Inline code becomes a placeholder that no match can cross; code blocks are
//! skipped; HTML blocks go through the HTML extractor with their offset.

use std::ops::Range;

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, LinkType, MetadataBlockKind, Options, Parser, Tag, TagEnd,
};

use super::html::extract_html_fragment;
use super::{Block, Comment, Extracted, Scope, ScopeSet, TablePlace, PLACEHOLDER};

pub fn extract_markdown(source: &str) -> Extracted {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut state = State {
        source,
        out: Extracted::default(),
        block: None,
        image: None,
        pending_soft_break: None,
        quotations: Vec::new(),
        table: TablePlace::default(),
        heading: None,
        seen_h1: false,
        label_links: Vec::new(),
        item_depth: 0,
        skip_depth: 0,
        in_metadata: false,
        html_block: None,
        metadata: Vec::new(),
    };
    let parser = Parser::new_ext(source, options).into_offset_iter();
    // A reference definition is no event: its title is read where the definition stands, before
    // the first event after it or the end of the container holding it (a reference link's title
    // is its definition's, so it is read once, there).
    let mut definitions: Vec<(Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .filter_map(|(_, def)| Some((def.span.clone(), def.title.as_deref()?.to_string())))
        .collect();
    definitions.sort_by_key(|(span, _)| span.start);
    let mut definitions = definitions.into_iter().peekable();
    for (event, range) in parser {
        let ends = matches!(event, Event::End(_));
        while let Some((span, title)) = definitions
            .next_if(|(span, _)| span.start < range.start || ends && span.end <= range.end)
        {
            state.definition_title(&title, &span);
        }
        state.event(event, range);
    }
    for (span, title) in definitions {
        state.definition_title(&title, &span);
    }
    state.flush();
    // The visible H1 comes first, so that a front-matter title repeating it is reported once,
    // where readers see it.
    for block in std::mem::take(&mut state.metadata) {
        state.out.push(block);
    }
    state.out
}

struct State<'a> {
    source: &'a str,
    out: Extracted,
    block: Option<Block>,
    /// Alt text of an image being read; it is its own block.
    image: Option<Block>,
    pending_soft_break: Option<Range<usize>>,
    /// The numbers of the open block quotations, outermost first (see [`Block::quotation`]).
    quotations: Vec<u32>,
    /// The open table, row and cell (see [`Block::table`]).
    table: TablePlace,
    /// Inside a heading: whether it is the document's first H1 (the title), and its level.
    heading: Option<(bool, u8)>,
    seen_h1: bool,
    /// For each open link (innermost last), whether its text is also its address or its reference label
    /// (`<https://…>`, `[label]`, `[label][]`): such text maps to its source as a whole, so no
    /// fix rewrites it (that would move the link).
    label_links: Vec<bool>,
    item_depth: usize,
    skip_depth: usize,
    in_metadata: bool,
    html_block: Option<Range<usize>>,
    /// Front-matter blocks, added after the body.
    metadata: Vec<Block>,
}

impl State<'_> {
    fn context(&self) -> ScopeSet {
        let mut scopes = ScopeSet::EMPTY;
        if !self.quotations.is_empty() {
            scopes = scopes.with(Scope::Quote);
        }
        if self.table.cell != 0 {
            scopes = scopes.with(Scope::Table);
        }
        scopes
    }

    /// The innermost open block quotation's number, 0 outside quotes.
    fn quotation(&self) -> u32 {
        self.quotations.last().copied().unwrap_or(0)
    }

    fn block_scopes(&self) -> ScopeSet {
        let scopes = self.context();
        match self.heading {
            Some((true, _)) => scopes.with(Scope::Title).with(Scope::Heading),
            Some((false, _)) => scopes.with(Scope::Heading),
            None => scopes.with(Scope::Body),
        }
    }

    fn flush(&mut self) {
        self.pending_soft_break = None;
        if let Some(block) = self.block.take() {
            self.out.push(block);
        }
    }

    /// The block that text goes to: the image's alt text, or the current block.
    fn target(&mut self) -> &mut Block {
        let scopes = self.block_scopes();
        let heading_level = self.heading.map_or(0, |(_, level)| level);
        let item_depth = self.item_depth;
        let quotation = self.quotation();
        let table = self.table.filter_cell();
        match &mut self.image {
            Some(image) => image,
            None => self.block.get_or_insert_with(|| Block {
                heading_level,
                list_depth: u8::try_from(item_depth).unwrap_or(u8::MAX),
                quotation,
                table,
                ..Block::new(scopes)
            }),
        }
    }

    fn push_text(&mut self, text: &str, range: Range<usize>) {
        let literal =
            !self.label_links.contains(&true) && self.source.get(range.clone()) == Some(text);
        if let Some(soft_break) = self.pending_soft_break.take() {
            // Chinese puts nothing where a line wraps; keep a space only between Latin words.
            let before = self.target().text.chars().next_back();
            let after = text.chars().next();
            if before.is_some_and(|c| c.is_ascii_alphanumeric())
                && after.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                self.target().push_mapped(" ", soft_break);
            }
        }
        let in_link = !self.label_links.is_empty();
        let target = self.target();
        let start = target.text.len();
        if literal {
            target.push_literal(text, range.start);
        } else {
            target.push_mapped(text, range);
        }
        if in_link {
            let end = target.text.len();
            target.links.push(start..end);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if let Some(html) = &mut self.html_block {
            match event {
                Event::Html(_) => {
                    html.end = range.end;
                    return;
                }
                _ => self.finish_html_block(),
            }
        }
        if self.skip_depth > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_)) => self.skip_depth += 1,
                Event::End(TagEnd::CodeBlock) => self.skip_depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_metadata => self.front_matter(&text, range.start),
            Event::Text(text) => self.push_text(&text, range),
            Event::Code(_) => {
                let placeholder = PLACEHOLDER.to_string();
                self.target().push_mapped(&placeholder, range);
            }
            Event::SoftBreak => self.pending_soft_break = Some(range),
            Event::HardBreak => self.target().push_mapped("\n", range),
            Event::Html(_) => self.html_block = Some(range),
            Event::InlineHtml(html) => self.inline_html(&html, range),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {}
            Event::InlineMath(_) | Event::DisplayMath(_) => {
                let placeholder = PLACEHOLDER.to_string();
                self.target().push_mapped(&placeholder, range);
            }
        }
    }

    fn inline_html(&mut self, html: &CowStr<'_>, range: Range<usize>) {
        let lower = html.to_ascii_lowercase();
        if lower.starts_with("<!--") {
            self.out.comments.push(Comment {
                text: html
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->")
                    .to_string(),
                source: range,
            });
        } else if lower.starts_with("<br") {
            self.target().push_mapped("\n", range);
        }
    }

    fn finish_html_block(&mut self) {
        if let Some(range) = self.html_block.take() {
            self.flush();
            let context = self.context();
            let quotation = self.quotation();
            extract_html_fragment(
                &self.source[range.clone()],
                range.start,
                context,
                quotation,
                &mut self.out,
            );
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph | Tag::FootnoteDefinition(_) => self.flush(),
            Tag::Table(_) => {
                self.flush();
                self.out.tables_numbered.table += 1;
                self.table.table = self.out.tables_numbered.table;
            }
            // The head is a table's first row.
            Tag::TableHead | Tag::TableRow => {
                self.flush();
                self.out.tables_numbered.row += 1;
                self.table.row = self.out.tables_numbered.row;
                self.table.head = matches!(tag, Tag::TableHead);
            }
            Tag::Item => {
                self.flush();
                self.item_depth += 1;
            }
            Tag::Heading { level, .. } => {
                self.flush();
                let is_title = level == HeadingLevel::H1 && !self.seen_h1;
                self.seen_h1 |= level == HeadingLevel::H1;
                self.heading = Some((is_title, level as u8));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.out.quotations_opened += 1;
                self.quotations.push(self.out.quotations_opened);
            }
            Tag::TableCell => {
                self.flush();
                self.out.tables_numbered.cell += 1;
                self.table.cell = self.out.tables_numbered.cell;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.skip_depth = 1;
            }
            Tag::HtmlBlock => self.flush(),
            Tag::Image { title, .. } => {
                let mut scopes = self.context().with(Scope::Alt);
                if !self.label_links.is_empty() {
                    scopes = scopes.with(Scope::Link);
                }
                self.title(&title, inline_title_source(self.source, &range), scopes);
                self.image = Some(self.inline_block(scopes));
            }
            Tag::Link {
                link_type, title, ..
            } => {
                let source = inline_title_source(self.source, &range);
                self.title(&title, source, self.context().with(Scope::Alt));
                self.label_links.push(matches!(
                    link_type,
                    LinkType::Autolink
                        | LinkType::Email
                        | LinkType::Shortcut
                        | LinkType::ShortcutUnknown
                        | LinkType::Collapsed
                        | LinkType::CollapsedUnknown
                ));
            }
            Tag::MetadataBlock(MetadataBlockKind::YamlStyle | MetadataBlockKind::PlusesStyle) => {
                self.in_metadata = true;
                self.out.front_matter = Some(range);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::FootnoteDefinition => self.flush(),
            TagEnd::Item => {
                self.flush();
                self.item_depth = self.item_depth.saturating_sub(1);
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quotations.pop();
            }
            TagEnd::TableCell => {
                self.flush();
                self.table.cell = 0;
            }
            TagEnd::Table => {
                self.flush();
                self.table = TablePlace::default();
            }
            TagEnd::Image => {
                if let Some(image) = self.image.take() {
                    self.out.push(image);
                }
            }
            TagEnd::Link => {
                self.label_links.pop();
            }
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            _ => {}
        }
    }

    /// A block of its own for text inside the current one (an image's alt text, a title), in
    /// the current quotation and table cell.
    fn inline_block(&self, scopes: ScopeSet) -> Block {
        Block {
            quotation: self.quotation(),
            table: self.table.filter_cell(),
            ..Block::new(scopes)
        }
    }

    /// A link's or image's title (`[…](url "title")`, or a reference definition's), shown as a
    /// tooltip: a block of its own, like an HTML `title` attribute, read from `source` (the text
    /// between its delimiters).
    fn title(&mut self, title: &str, source: Option<Range<usize>>, scopes: ScopeSet) {
        let Some(source) = source.filter(|_| !title.is_empty()) else {
            return;
        };
        let mut block = self.inline_block(scopes);
        if self.source.get(source.clone()) == Some(title) {
            block.push_literal(title, source.start);
        } else {
            // Escapes or entities in it: the title maps to its source as a whole.
            block.push_mapped(title, source);
        }
        self.out.push(block);
    }

    /// The title of a reference definition (`[label]: url "title"`) spanning `span`.
    fn definition_title(&mut self, title: &str, span: &Range<usize>) {
        let source = self
            .source
            .get(span.clone())
            .and_then(|text| trailing_title_source(text, span.start));
        self.title(title, source, self.context().with(Scope::Alt));
    }

    /// Front matter: the title, digest and author lines become blocks. Only simple
    /// `key: value` lines are read; their values map back to the file exactly.
    fn front_matter(&mut self, yaml: &str, start: usize) {
        let mut offset = start;
        for line in yaml.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let Some((key, value)) = line.split_once(':').or_else(|| line.split_once('=')) else {
                continue;
            };
            let scopes = match key.trim() {
                "title" | "digest" | "description" | "summary" if !key.starts_with(' ') => {
                    ScopeSet::of(Scope::Title)
                }
                "author" if !key.starts_with(' ') => ScopeSet::of(Scope::Body),
                _ => continue,
            };
            let value_start = line_start + key.len() + 1;
            let trimmed = value.trim_start();
            let mut at = value_start + (value.len() - trimmed.len());
            let mut text = trimmed.trim_end();
            if let Some(quote @ ('"' | '\'')) = text.chars().next() {
                if text.len() >= 2 && text.ends_with(quote) {
                    text = &text[1..text.len() - 1];
                    at += 1;
                }
            }
            if text.is_empty() || text.starts_with(['|', '>']) {
                continue;
            }
            let mut block = Block::new(scopes);
            block.push_literal(text, at);
            self.metadata.push(block);
        }
    }
}

/// The source range of the title inside an inline link or image spanning `range`
/// (`[…](url "title")`, `'title'` or `(title)`): between the last delimiter pair before the
/// closing parenthesis, skipping delimiters escaped with a backslash.
fn inline_title_source(source: &str, range: &Range<usize>) -> Option<Range<usize>> {
    trailing_title_source(source.get(range.clone())?.strip_suffix(')')?, range.start)
}

/// The source range of a title that ends `text` (which starts at byte `start`), trailing
/// whitespace aside: between the last delimiter pair, skipping escaped delimiters.
fn trailing_title_source(text: &str, start: usize) -> Option<Range<usize>> {
    let inner = text.trim_end_matches([' ', '\t', '\n', '\r']);
    let open = match inner.chars().next_back()? {
        '"' => '"',
        '\'' => '\'',
        ')' => '(',
        _ => return None,
    };
    let body = &inner[..inner.len() - 1];
    let escaped = |at: usize| body[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
    let opening = body
        .char_indices()
        .rev()
        .find(|&(at, c)| c == open && !escaped(at))
        .map(|(at, _)| at)?;
    Some(start + opening + 1..start + body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_support::*;

    fn scopes_of(extracted: &Extracted, text: &str) -> Vec<&'static str> {
        let block = extracted
            .blocks
            .iter()
            .find(|b| b.text == text)
            .unwrap_or_else(|| panic!("no block {text:?} in {:?}", texts(extracted)));
        block.scopes.iter().map(Scope::name).collect()
    }

    #[test]
    fn emphasis_splits_pieces_but_not_text() {
        let source = "前言\n\n请**转发**到朋友圈。\n";
        let extracted = extract_markdown(source);
        assert_eq!(texts(&extracted), ["前言", "请转发到朋友圈。"]);
        assert_eq!(pieces_of(source, &extracted, "转发到"), ["转发", "到"]);
    }

    #[test]
    fn inline_link_and_image_titles_are_text_at_their_source() {
        let source = "看[这篇](https://x.cn \"转发到朋友圈\")和![图](a.png '全网最低价')。\n\n\
                      [引用][r]\n\n[r]: https://x.cn \"定义里的\\\"转发\\\"标题\"\n\n[括号](u (领红包))\n\n\
                      > [q]: <https://y.cn>\n>   '“加微信领取”'  \n";
        let extracted = extract_markdown(source);
        assert_eq!(
            texts(&extracted),
            [
                "转发到朋友圈",
                "全网最低价",
                "图",
                "看这篇和。",
                "引用",
                "定义里的\"转发\"标题",
                "领红包",
                "括号",
                "“加微信领取”"
            ]
        );
        // Read inside its block quotation, which quotes someone.
        assert_eq!(scopes_of(&extracted, "“加微信领取”"), ["alt", "quote"]);
        assert_eq!(pieces_of(source, &extracted, "加微信"), ["加微信"]);
        assert_eq!(pieces_of(source, &extracted, "转发"), ["转发"]);
        assert_eq!(scopes_of(&extracted, "转发到朋友圈"), ["alt"]);
        assert_eq!(pieces_of(source, &extracted, "朋友圈"), ["朋友圈"]);
        assert_eq!(pieces_of(source, &extracted, "最低价"), ["最低价"]);
        assert_eq!(pieces_of(source, &extracted, "领红包"), ["领红包"]);
    }

    #[test]
    fn a_title_with_escaped_delimiters_maps_to_its_whole_source() {
        let source = "[链接](u \"说\\\"转发\\\"\")";
        let title = &source[inline_title_source(source, &(0..source.len())).unwrap()];
        assert_eq!(title, "说\\\"转发\\\"");
        let untitled = "[链接](u)";
        assert_eq!(inline_title_source(untitled, &(0..untitled.len())), None);
    }

    #[test]
    fn list_items_know_their_depth() {
        let extracted =
            extract_markdown("规则：\n\n- 甲\n  - 乙\n\n    续\n\n1. 丙\n\n> - 引\n\n尾\n");
        let items: Vec<(&str, u8)> = extracted
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.list_depth))
            .collect();
        assert_eq!(
            items,
            [
                ("规则：", 0),
                ("甲", 1),
                ("乙", 2),
                ("续", 2),
                ("丙", 1),
                ("引", 1),
                ("尾", 0)
            ]
        );
    }

    #[test]
    fn code_is_never_text() {
        let source = "正文`转发`后面\n\n```\n转发到朋友圈\n```\n";
        let extracted = extract_markdown(source);
        assert_eq!(texts(&extracted), ["正文\u{FFFC}后面"]);
    }

    #[test]
    fn soft_breaks_join_chinese_lines_and_keep_latin_words_apart() {
        let source = "转发到\n朋友圈 and\nmore";
        let extracted = extract_markdown(source);
        assert_eq!(texts(&extracted), ["转发到朋友圈 and more"]);
    }

    #[test]
    fn entities_and_escapes() {
        let source = "&#x8F6C;发 \\*号";
        let extracted = extract_markdown(source);
        assert_eq!(texts(&extracted), ["转发 *号"]);
        assert_eq!(pieces_of(source, &extracted, "转发"), ["&#x8F6C;发"]);
    }

    #[test]
    fn front_matter_title_and_first_h1_are_one_title() {
        let source = "---\ntitle: \"惊呆了\"\nauthor: 小编\ntags: [a]\n---\n\n# 惊呆了\n\n## 小节\n\n# 另一个一级标题\n";
        let mut extracted = extract_markdown(source);
        extracted.drop_repeated_titles();
        assert_eq!(
            texts(&extracted),
            ["惊呆了", "小节", "另一个一级标题", "小编"]
        );
        let h1 = source.rfind("惊呆了").unwrap();
        assert_eq!(extracted.blocks[0].segments[0].source.start, h1);
        assert_eq!(scopes_of(&extracted, "惊呆了"), ["title", "heading"]);
        assert_eq!(scopes_of(&extracted, "小节"), ["heading"]);
        assert_eq!(scopes_of(&extracted, "另一个一级标题"), ["heading"]);
    }

    #[test]
    fn structure_gives_scopes() {
        let source = "> “引用里的话”\n\n> 提示：作者自己的话\n\n- 列表项\n\n| 表头 |\n|---|\n| 单元格 |\n\n![图片说明](a.png) [链接文字](https://x)\n";
        let extracted = extract_markdown(source);
        assert_eq!(scopes_of(&extracted, "“引用里的话”"), ["body", "quote"]);
        assert_eq!(
            scopes_of(&extracted, "提示：作者自己的话"),
            ["body"],
            "a block quote that quotes no one is the author's callout"
        );
        let quotation = extract_markdown(
            "> “第一段引文，\n>\n> 第二段没有引号。”\n\n> 提示一\n>\n> “提示二”\n",
        );
        assert_eq!(
            scopes_of(&quotation, "第二段没有引号。”"),
            ["body", "quote"],
            "the first paragraph decides for the whole quotation"
        );
        assert_eq!(scopes_of(&quotation, "“提示二”"), ["body"]);
        let invisible = extract_markdown("> \u{200b}“引文”\n");
        assert_eq!(scopes_of(&invisible, "\u{200b}“引文”"), ["body", "quote"]);
        assert_eq!(scopes_of(&extracted, "列表项"), ["body"]);
        assert_eq!(scopes_of(&extracted, "单元格"), ["body", "table"]);
        assert_eq!(scopes_of(&extracted, "图片说明"), ["alt"]);
        let paragraph = extracted
            .blocks
            .iter()
            .find(|b| b.text.contains("链接文字"))
            .unwrap();
        let at = paragraph.text.find("链接文字").unwrap();
        assert!(paragraph.is_link_text(&(at..at + "链接文字".len())));
    }

    #[test]
    fn html_blocks_go_through_the_html_extractor_with_offsets() {
        let source = "段落\n\n<section><span>转</span><span>发</span></section>\n\n后文 <!-- gzhlint-disable x -->\n";
        let extracted = extract_markdown(source);
        assert_eq!(texts(&extracted), ["段落", "转发", "后文 "]);
        assert_eq!(pieces_of(source, &extracted, "转发"), ["转", "发"]);
        assert_eq!(extracted.comments.len(), 1);
        assert_eq!(
            &source[extracted.comments[0].source.clone()],
            "<!-- gzhlint-disable x -->"
        );
    }

    #[test]
    fn table_cells_know_their_table_row_and_cell() {
        let source = "前文\n\n| 甲 | 乙 |\n|---|---|\n| 丙 | 丁 |\n\n中间\n\n|  |\n|---|\n| ![己](a.png) |\n";
        let extracted = extract_markdown(source);
        assert_eq!(
            table_places(&extracted),
            [
                ("前文", 0, 0, 0, false),
                ("甲", 1, 1, 1, true),
                ("乙", 1, 1, 2, true),
                ("丙", 1, 2, 3, false),
                ("丁", 1, 2, 4, false),
                ("中间", 0, 0, 0, false),
                // An empty head is still the head; alt text is in its cell.
                ("己", 2, 4, 6, false),
            ]
        );
    }
}
