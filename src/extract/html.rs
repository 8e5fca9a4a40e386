//! HTML drafts (WeChat editor, 135editor and 秀米 exports) and HTML blocks inside Markdown.
//!
//! html5gum tokenizes with byte spans; a forwarding emitter records one piece per decoded
//! string so that a character reference maps to its own `&…;` source. scraper/html5ever would
//! give a tree but no byte offsets (servo/html5ever#48); structure here is tracked with an
//! element stack, which is all block boundaries, skipped elements and scopes need.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use html5gum::{
    DefaultEmitter, Emitter, ForwardingEmitter, HtmlString, Span, Spanned, StartTag, Token,
    Tokenizer,
};

use super::{Block, Comment, Extracted, Scope, ScopeSet, TablePlace};

pub fn extract_html(source: &str) -> Extracted {
    let mut extracted = Extracted::default();
    extract_html_fragment(source, 0, ScopeSet::EMPTY, 0, &mut extracted);
    extracted
}

/// Extracts `fragment`, which starts at byte `offset` of the file, into `out`. `context` scopes
/// (e.g. a quote around an HTML block in Markdown) are added to every block; `quotation` is the
/// number of the block quotation around the fragment (0 if none).
pub(crate) fn extract_html_fragment(
    fragment: &str,
    offset: usize,
    context: ScopeSet,
    quotation: u32,
    out: &mut Extracted,
) {
    let pieces = Rc::new(RefCell::new(Vec::new()));
    let mut emitter = PieceRecorder {
        inner: DefaultEmitter::new_with_span(),
        position: 0,
        pieces: pieces.clone(),
    };
    emitter.inner.naively_switch_states(true);
    let mut walker = Walker {
        source: fragment,
        offset,
        context,
        quotation,
        quotations_opened: out.quotations_opened,
        tables_numbered: out.tables_numbered,
        headed_tables: HashSet::new(),
        stack: Vec::new(),
        open_at: HashMap::new(),
        block: None,
        blocks: Vec::new(),
        metadata_titles: Vec::new(),
        comments: Vec::new(),
        content_root_seen: false,
    };
    for token in Tokenizer::new_with_emitter(fragment, emitter) {
        // Reading from a &str cannot fail.
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => walker.start_tag(&tag),
            Token::EndTag(tag) => walker.end_tag(&String::from_utf8_lossy(&tag.name)),
            Token::String(text) => {
                let recorded = std::mem::take(&mut *pieces.borrow_mut());
                walker.text(&text, &recorded);
            }
            Token::Comment(comment) => walker.comments.push(Comment {
                text: String::from_utf8_lossy(&comment.value).into_owned(),
                source: offset + comment.span.start..offset + comment.span.end,
            }),
            Token::Doctype(_) | Token::Error(_) => {}
        }
        pieces.borrow_mut().clear();
    }
    walker.flush();
    out.quotations_opened = walker.quotations_opened;
    out.tables_numbered = walker.tables_numbered;
    let content_root_seen = walker.content_root_seen;
    out.comments.extend(walker.comments);
    // The visible title comes first, so that when <title> and og:title repeat it, the finding
    // is reported once, where readers see it.
    let blocks = walker.blocks.into_iter().chain(walker.metadata_titles);
    for (block, in_content_root) in blocks {
        // A full page export carries navigation and buttons (关注, 分享…) outside the article:
        // when the article body #js_content exists, only it and the titles are the draft.
        if !content_root_seen || in_content_root || block.scopes.contains(Scope::Title) {
            out.push(read_marked_heading(block));
        }
    }
}

/// Glyphs WeChat editors (135editor, 秀米) put before a section heading they style as a short
/// paragraph instead of an `<hN>` (▍画面与剧情, ▶ 三、怎么参与).
const HEADING_MARKERS: &[char] = &[
    '▍', '▌', '▎', '▏', '▐', '█', '■', '◆', '◇', '▶', '►', '▷', '●', '◉', '◎', '★', '☆', '♦', '❖',
    '✦',
];

/// Longest such heading, in characters: a longer marked paragraph is a bullet of prose.
const MARKED_HEADING_CHARS: usize = 30;

/// The lowest level: a marked heading nests under any `<hN>` of the draft and closes no section
/// one of them opened.
const MARKED_HEADING_LEVEL: u8 = 6;

/// Reads a short marked paragraph outside lists, tables and quotations as a heading of the
/// lowest level: its frames then open a section (▍如何识别这类骗局) and the heading rules see it,
/// as they would the same draft written in Markdown. A comma or a sentence end in it makes it
/// prose (▍只有今晚！过了12点恢复原价，错过就没有了).
fn read_marked_heading(mut block: Block) -> Block {
    let plain_paragraph = block.heading_level == 0
        && block.list_depth == 0
        && block.table.cell == 0
        && block.scopes.contains(Scope::Body)
        && [Scope::Title, Scope::Quote, Scope::Table, Scope::Alt]
            .iter()
            .all(|&scope| !block.scopes.contains(scope));
    if !plain_paragraph {
        return block;
    }
    let text = block
        .text
        .trim_matches(|c: char| c.is_whitespace() || crate::normalize::is_invisible(c));
    let Some(rest) = text.strip_prefix(HEADING_MARKERS) else {
        return block;
    };
    let heading = rest.trim_start().chars().count() >= 2
        && text.chars().count() <= MARKED_HEADING_CHARS
        && !text.contains(['。', '；', ';', '，', ',']);
    if heading {
        block.scopes = block.scopes.without(Scope::Body).with(Scope::Heading);
        block.heading_level = MARKED_HEADING_LEVEL;
    }
    block
}

/// Forwards to html5gum's default emitter and records, for every decoded string it emits, the
/// bytes and the input position after them.
struct PieceRecorder {
    inner: DefaultEmitter<usize>,
    position: usize,
    pieces: RecordedPieces,
}

/// (input position after the piece, decoded bytes) for each string html5gum emitted, shared
/// between the emitter and the walker that consumes them token by token.
type RecordedPieces = Rc<RefCell<Vec<(usize, Vec<u8>)>>>;

impl ForwardingEmitter for PieceRecorder {
    type Token = Token<usize>;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    // Parse errors are not reported (a draft is read as browsers read it), so html5gum need not
    // check every byte for control characters and noncharacters.
    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn move_position(&mut self, offset: isize) {
        self.position = self.position.saturating_add_signed(offset);
        Emitter::move_position(&mut self.inner, offset);
    }

    fn emit_string(&mut self, c: &[u8]) {
        let mut pieces = self.pieces.borrow_mut();
        match pieces.last_mut() {
            Some((end, bytes)) if *end == self.position => bytes.extend_from_slice(c),
            _ => pieces.push((self.position, c.to_vec())),
        }
        drop(pieces);
        Emitter::emit_string(&mut self.inner, c);
    }
}

/// An open element and what text inside it inherits from it and the elements around it: each
/// entry carries its context, so reading it never walks the stack (a page of 40,000 nested
/// `<div>`s would make every tag cost the depth).
struct Open {
    name: String,
    /// The element opens a page title (`<title>`, the platform's title element).
    is_title: bool,
    /// Inside a skipped element (code, script, hidden…).
    skip: bool,
    /// Inside a link.
    link: bool,
    /// Inside the platform's article body `#js_content`.
    content_root: bool,
    /// Inside `<title>`: page metadata.
    in_title_element: bool,
    /// The scopes of the element's own and enclosing elements, with the fragment's context.
    scopes: ScopeSet,
    /// The innermost block quotation's number (see [`Block::quotation`]).
    quotation: u32,
    /// The innermost heading's level, 0 outside headings.
    heading_level: u8,
    /// The number of list items open around text here.
    list_depth: u8,
    /// The table place of text inside the element (see [`Block::table`]).
    table: TablePlace,
}

struct Walker<'a> {
    source: &'a str,
    offset: usize,
    context: ScopeSet,
    /// The number of the block quotation around the fragment (0 if none).
    quotation: u32,
    quotations_opened: u32,
    tables_numbered: TablePlace,
    /// Tables whose first row has been seen.
    headed_tables: HashSet<u32>,
    stack: Vec<Open>,
    /// Where each element name is open on the stack, innermost last: end tags and implied
    /// ends look an element up here instead of scanning the stack.
    open_at: HashMap<String, Vec<usize>>,
    block: Option<(Block, bool)>,
    blocks: Vec<(Block, bool)>,
    /// `<title>` and og:title: page metadata that usually repeats the visible title.
    metadata_titles: Vec<(Block, bool)>,
    comments: Vec<Comment>,
    content_root_seen: bool,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// An open `<p>` outside these is not closed by a block opening inside them.
const P_SCOPE: &[&str] = &["table", "td", "th", "caption", "button", "html", "template"];

/// Never text of the article: code, scripts, styles, embedded documents, form fields, and the
/// fallbacks browsers never show (`noframes`, `noembed`, whose text they also read raw).
const SKIPPED: &[&str] = &[
    "script", "style", "code", "pre", "kbd", "samp", "noscript", "template", "textarea", "svg",
    "math", "iframe", "object", "select", "noframes", "noembed",
];
const BLOCK_LEVEL: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

fn attribute<'t>(tag: &'t StartTag<usize>, name: &str) -> Option<&'t Spanned<HtmlString, usize>> {
    tag.attributes.get(name.as_bytes())
}

fn attribute_text(tag: &StartTag<usize>, name: &str) -> Option<String> {
    attribute(tag, name).map(|v| String::from_utf8_lossy(&v.value).into_owned())
}

fn is_hidden(attributes: &BTreeMap<HtmlString, Spanned<HtmlString, usize>>) -> bool {
    if attributes.contains_key(&b"hidden"[..]) {
        return true;
    }
    attributes.get(&b"style"[..]).is_some_and(|style| {
        // Most inline styles name neither keyword: skip the folding copy for them (editor
        // exports put a long style on nearly every element).
        let names = |keyword: &[u8]| {
            let value = &style.value[..];
            let first = keyword[0];
            memchr::memchr2_iter(first, first.to_ascii_uppercase(), value).any(|at| {
                value[at..]
                    .get(..keyword.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
            })
        };
        if !names(b"none") && !names(b"hidden") {
            return false;
        }
        let compact: String = String::from_utf8_lossy(&style.value)
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

impl Walker<'_> {
    fn skipping(&self) -> bool {
        self.stack.last().is_some_and(|o| o.skip)
    }

    fn in_content_root(&self) -> bool {
        self.stack.last().is_some_and(|o| o.content_root)
    }

    fn in_link(&self) -> bool {
        self.stack.last().is_some_and(|o| o.link)
    }

    fn scopes(&self) -> ScopeSet {
        let scopes = self.stack.last().map_or(self.context, |o| o.scopes);
        if !scopes.contains(Scope::Title) && !scopes.contains(Scope::Heading) {
            return scopes.with(Scope::Body);
        }
        scopes
    }

    /// The innermost open element named `name`, if any.
    fn innermost(&self, name: &str) -> Option<usize> {
        self.open_at.get(name).and_then(|at| at.last().copied())
    }

    fn flush(&mut self) {
        if let Some(block) = self.block.take() {
            if self.stack.last().is_some_and(|o| o.in_title_element) {
                self.metadata_titles.push(block);
            } else {
                self.blocks.push(block);
            }
        }
    }

    fn start_tag(&mut self, tag: &StartTag<usize>) {
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        if BLOCK_LEVEL.contains(&name.as_str()) {
            self.flush();
        }
        self.close_implied(&name);
        let skipping = self.skipping();
        if !skipping {
            self.attribute_blocks(&name, tag);
        }
        if name == "br" && !skipping {
            if let Some((block, _)) = &mut self.block {
                block.push_mapped(
                    "\n",
                    self.offset + tag.span.start..self.offset + tag.span.end,
                );
            }
        }
        if VOID.contains(&name.as_str()) || tag.self_closing {
            return;
        }
        // Compared as bytes: a copy of every element's class and id would cost more than
        // all the rest of reading the tag.
        let value = |attr: &str| attribute(tag, attr).map_or(&[][..], |v| &v.value[..]);
        let id = value("id");
        let is_title = name == "title"
            || id == b"activity-name"
            || value("class")
                .split(u8::is_ascii_whitespace)
                .any(|c| c == b"rich_media_title");
        let content_root = id == b"js_content";
        self.content_root_seen |= content_root;
        let scope = if is_title {
            Some(Scope::Title)
        } else {
            match name.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Scope::Heading),
                "td" | "th" | "caption" => Some(Scope::Table),
                "blockquote" | "q" => Some(Scope::Quote),
                _ => None,
            }
        };
        if is_title {
            self.flush();
        }
        let quotation = if name == "blockquote" {
            self.quotations_opened += 1;
            self.quotations_opened
        } else {
            0
        };
        let table = self.place_of(&name);
        let heading_level = match name.as_str() {
            "h1" => 1,
            "h2" => 2,
            "h3" => 3,
            "h4" => 4,
            "h5" => 5,
            "h6" => 6,
            _ => 0,
        };
        let outer = self.stack.last();
        let open = Open {
            is_title,
            // The platform's own pages ship the article body as `#js_content` hidden
            // (`visibility: hidden`, `opacity: 0`) and reveal it by script: whatever hides the
            // content root, its text is what readers see. Hidden elements inside it are skipped.
            skip: outer.is_some_and(|o| o.skip)
                || SKIPPED.contains(&name.as_str())
                || (!content_root && is_hidden(&tag.attributes)),
            link: name == "a" || outer.is_some_and(|o| o.link),
            content_root: content_root || outer.is_some_and(|o| o.content_root),
            in_title_element: name == "title" || outer.is_some_and(|o| o.in_title_element),
            scopes: {
                let around = outer.map_or(self.context, |o| o.scopes);
                scope.map_or(around, |scope| around.with(scope))
            },
            quotation: match quotation {
                0 => outer.map_or(self.quotation, |o| o.quotation),
                own => own,
            },
            heading_level: match heading_level {
                0 => outer.map_or(0, |o| o.heading_level),
                own => own,
            },
            list_depth: outer
                .map_or(0, |o| o.list_depth)
                .saturating_add(u8::from(name == "li")),
            table,
            name,
        };
        self.open_at
            .entry(open.name.clone())
            .or_default()
            .push(self.stack.len());
        self.stack.push(open);
    }

    /// Closes the elements an opening `name` ends without an end tag, as browsers do: a cell
    /// ends the open cell of its row, a row the open row of its table, a list item the open
    /// item of its list, and a block the open paragraph. Without it, a row of unclosed `<td>`
    /// (valid HTML) nests every cell in the one before, and the stack grows with the row.
    fn close_implied(&mut self, name: &str) {
        // A list item or paragraph is closed only when nothing is open inside it: browsers
        // reopen the links and formatting closed with it inside the new element, which this
        // stack does not model.
        let (closes, within, innermost_only): (&[&str], &[&str], bool) = match name {
            "td" | "th" => (&["td", "th"], &["tr", "table"], false),
            "tr" => (&["tr"], &["table"], false),
            "li" => (&["li"], &["ul", "ol"], true),
            // Every block closes an open paragraph (the HTML standard's list, nearly).
            _ if BLOCK_LEVEL.contains(&name) => (&["p"], P_SCOPE, true),
            _ => return,
        };
        let innermost = |names: &[&str]| names.iter().filter_map(|n| self.innermost(n)).max();
        if let Some(at) = innermost(closes).filter(|&at| {
            innermost(within).is_none_or(|bound| bound < at)
                && (!innermost_only || at + 1 == self.stack.len())
        }) {
            self.end_tag_at(at);
        }
    }

    /// The table place inside an element `name` opened here (see [`Block::table`]): a table
    /// opens a new table, a row a new row of the table it is in (its head if the first), a cell
    /// a new cell of its row — or, written without a `<tr>`, a row of its own. Rows and cells
    /// outside any table are no place in a table.
    fn place_of(&mut self, name: &str) -> TablePlace {
        let around = self.table_place();
        let numbered = &mut self.tables_numbered;
        match name {
            "table" => {
                numbered.table += 1;
                TablePlace {
                    table: numbered.table,
                    ..TablePlace::default()
                }
            }
            "tr" if around.table != 0 => {
                numbered.row += 1;
                TablePlace {
                    row: numbered.row,
                    cell: 0,
                    head: self.headed_tables.insert(around.table),
                    ..around
                }
            }
            "td" | "th" if around.table != 0 => {
                let mut place = around;
                if place.row == 0 {
                    // Never a head: a cell without a row says nothing of the table's layout.
                    numbered.row += 1;
                    place.row = numbered.row;
                    place.head = false;
                }
                numbered.cell += 1;
                TablePlace {
                    cell: numbered.cell,
                    ..place
                }
            }
            _ => around,
        }
    }

    /// The table place of text here: the innermost open element's.
    fn table_place(&self) -> TablePlace {
        self.stack
            .last()
            .map_or_else(TablePlace::default, |open| open.table)
    }

    /// The number of the innermost block quotation open here, 0 outside quotes.
    fn quotation(&self) -> u32 {
        self.stack.last().map_or(self.quotation, |o| o.quotation)
    }

    /// Image alt text, title attributes and og:title are text too.
    fn attribute_blocks(&mut self, name: &str, tag: &StartTag<usize>) {
        let in_root = self.in_content_root();
        let link = self.in_link();
        let mut wanted: Vec<(&str, ScopeSet)> = Vec::new();
        if name == "img" || name == "area" || name == "input" {
            wanted.push(("alt", ScopeSet::of(Scope::Alt)));
        }
        wanted.push(("title", ScopeSet::of(Scope::Alt)));
        if name == "meta"
            && attribute_text(tag, "property").as_deref() == Some("og:title")
            && !is_hidden(&tag.attributes)
        {
            wanted.push(("content", ScopeSet::of(Scope::Title)));
        }
        for (attr, scopes) in wanted {
            let metadata = attr == "content";
            let Some(value) = attribute(tag, attr) else {
                continue;
            };
            let scopes = if link {
                scopes.with(Scope::Link)
            } else {
                scopes
            };
            let mut block = Block {
                quotation: self.quotation(),
                table: self.table_place().filter_cell(),
                ..Block::new(scopes.union(self.context))
            };
            let text = String::from_utf8_lossy(&value.value);
            let (at, literal) = self.attribute_value_source(value.span);
            if literal.as_deref() == Some(text.as_ref()) {
                block.push_literal(&text, at.start);
            } else {
                block.push_mapped(&text, at);
            }
            if link {
                block.links.push(0..block.text.len());
            }
            if metadata {
                self.metadata_titles.push((block, in_root));
            } else {
                self.blocks.push((block, in_root));
            }
        }
    }

    /// The source range of an attribute's value within its `name="value"` span, and the raw
    /// source text of that range.
    fn attribute_value_source(&self, span: Span<usize>) -> (Range<usize>, Option<String>) {
        let whole = &self.source[span.start..span.end.min(self.source.len())];
        let Some(eq) = whole.find('=') else {
            return (self.offset + span.start..self.offset + span.end, None);
        };
        let after = &whole[eq + 1..];
        let trimmed = after.trim_start();
        let mut start = span.start + eq + 1 + (after.len() - trimmed.len());
        let mut end = span.start + whole.trim_end().len();
        if let Some(quote @ ('"' | '\'')) = trimmed.chars().next() {
            start += 1;
            if self.source[..end].ends_with(quote) && end > start {
                end -= 1;
            }
        }
        let end = end.max(start);
        (
            self.offset + start..self.offset + end,
            Some(self.source[start..end].to_string()),
        )
    }

    fn end_tag(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if BLOCK_LEVEL.contains(&name.as_str()) {
            self.flush();
        }
        if let Some(at) = self.innermost(&name) {
            self.end_tag_at(at);
        }
    }

    /// Closes the open element at `at` of the stack and those inside it.
    fn end_tag_at(&mut self, at: usize) {
        let mut closes_title = false;
        for closed in self.stack.drain(at..) {
            closes_title |= closed.is_title;
            if let Some(open) = self.open_at.get_mut(&closed.name) {
                open.pop();
            }
        }
        if closes_title {
            self.flush();
        }
    }

    fn text(&mut self, text: &Spanned<HtmlString, usize>, recorded: &[(usize, Vec<u8>)]) {
        if self.skipping() {
            return;
        }
        let link = self.in_link();
        if self.block.is_none() {
            if text.value.iter().all(u8::is_ascii_whitespace) {
                return;
            }
            let scopes = self.scopes();
            let innermost = self.stack.last();
            let block = Block {
                heading_level: innermost.map_or(0, |o| o.heading_level),
                list_depth: innermost.map_or(0, |o| o.list_depth),
                quotation: self.quotation(),
                table: self.table_place().filter_cell(),
                ..Block::new(scopes)
            };
            self.block = Some((block, self.in_content_root()));
        }
        let Some((block, _)) = &mut self.block else {
            return;
        };
        let start_len = block.text.len();
        for piece in merge_pieces(self.source, text.span.start, recorded) {
            let source_range = self.offset + piece.source.start..self.offset + piece.source.end;
            match self.source.get(piece.source).filter(|_| piece.verbatim) {
                Some(verbatim) => push_collapsing_newlines(block, verbatim, source_range.start),
                None => block.push_mapped(&String::from_utf8_lossy(&piece.bytes), source_range),
            }
        }
        if link && block.text.len() > start_len {
            block.links.push(start_len..block.text.len());
        }
    }
}

/// A run of one string token's decoded bytes and the source bytes it came from.
struct Piece {
    source: Range<usize>,
    bytes: Vec<u8>,
    /// The bytes are the source's, up to HTML's line-break preprocessing ([`reads_verbatim`]).
    verbatim: bool,
}

/// Turns the recorded (end position, bytes) pieces of one string token into [`Piece`]s,
/// merging neighbours that copy the source verbatim so that every piece ends on a character
/// boundary (html5gum may emit half of a UTF-8 character).
fn merge_pieces(source: &str, token_start: usize, recorded: &[(usize, Vec<u8>)]) -> Vec<Piece> {
    let bytes = source.as_bytes();
    let mut merged: Vec<Piece> = Vec::new();
    let mut previous_end = token_start;
    for (end, piece) in recorded {
        let mut end = (*end).clamp(previous_end, bytes.len());
        // html5gum reads a CRLF as one LF but records the LF's end after the CR: the LF byte
        // belongs to this piece, not to the start of the next.
        if piece.ends_with(b"\n")
            && end > previous_end
            && bytes[end - 1] == b'\r'
            && bytes.get(end) == Some(&b'\n')
        {
            end += 1;
        }
        let range = previous_end..end;
        previous_end = end;
        let verbatim = reads_verbatim(&bytes[range.clone()], piece);
        match merged.last_mut() {
            Some(last)
                if last.source.end == range.start
                    && (std::str::from_utf8(&last.bytes).is_err() || last.verbatim && verbatim) =>
            {
                last.source.end = range.end;
                last.bytes.extend_from_slice(piece);
                last.verbatim &= verbatim;
            }
            _ => merged.push(Piece {
                source: range,
                bytes: piece.clone(),
                verbatim,
            }),
        }
    }
    merged
}

/// True when the tokenizer handed over `source` unchanged, or changed only by HTML's input
/// preprocessing, which turns every CRLF and lone CR into LF: such text maps back byte for
/// byte, so a draft saved with Windows line breaks keeps exact positions.
fn reads_verbatim(source: &[u8], decoded: &[u8]) -> bool {
    if !source.contains(&b'\r') {
        return source == decoded;
    }
    let mut normalized = Vec::with_capacity(source.len());
    let mut rest = source.iter().peekable();
    while let Some(&byte) = rest.next() {
        if byte == b'\r' {
            normalized.push(b'\n');
            rest.next_if_eq(&&b'\n');
        } else {
            normalized.push(byte);
        }
    }
    normalized == decoded
}

/// Whitespace with a line break inside HTML text is layout, not a sentence end: it becomes one
/// space (which normalization drops between Chinese characters).
fn push_collapsing_newlines(block: &mut Block, text: &str, source_start: usize) {
    let mut rest = text;
    let mut at = source_start;
    while let Some(newline) = rest.find(['\n', '\r']) {
        let run_start = rest[..newline].trim_end_matches([' ', '\t']).len();
        let after = &rest[newline..];
        let run_len = after.len() - after.trim_start().len();
        block.push_literal(&rest[..run_start], at);
        let run_end = newline + run_len;
        block.push_mapped(" ", at + run_start..at + run_end);
        at += run_end;
        rest = &rest[run_end..];
    }
    block.push_literal(rest, at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_support::*;

    #[test]
    fn spans_split_a_phrase_and_map_to_each_piece() {
        let source = r#"<p><span leaf="">转</span><span leaf="">发</span>到朋友圈</p>"#;
        let extracted = extract_html(source);
        assert_eq!(texts(&extracted), ["转发到朋友圈"]);
        assert_eq!(pieces_of(source, &extracted, "转发到"), ["转", "发", "到"]);
    }

    #[test]
    fn list_items_know_their_depth() {
        let source = "<p>规则：</p><ul><li>甲<ul><li>乙</li></ul></li><li><section><span>丙</span></section></li></ul><p>尾</p>";
        let items: Vec<(String, u8)> = extract_html(source)
            .blocks
            .into_iter()
            .map(|b| (b.text, b.list_depth))
            .collect();
        let expected = [("规则：", 0), ("甲", 1), ("乙", 2), ("丙", 1), ("尾", 0)];
        assert_eq!(items, expected.map(|(t, depth)| (t.to_string(), depth)));
    }

    #[test]
    fn a_short_marked_paragraph_is_a_heading_as_editors_style_one() {
        let source = "<section><p><span>▍</span><span>如何识别这类骗局</span></p></section>\
<p>◆ 三、怎么参与 ◆</p><p>▶ 一条很长的说明文字，写了整整一句话的内容，还没有结束，仍在继续往下说呢</p>\
<p>● 下载就送，名额有限</p><ul><li>▍列表里的</li></ul><blockquote>▍引文里的</blockquote><p>▍</p>";
        let read: Vec<(String, u8, bool)> = extract_html(source)
            .blocks
            .into_iter()
            .map(|b| (b.text, b.heading_level, b.scopes.contains(Scope::Heading)))
            .collect();
        let expected = [
            ("▍如何识别这类骗局", 6, true),
            ("◆ 三、怎么参与 ◆", 6, true),
            (
                "▶ 一条很长的说明文字，写了整整一句话的内容，还没有结束，仍在继续往下说呢",
                0,
                false,
            ),
            ("● 下载就送，名额有限", 0, false),
            ("▍列表里的", 0, false),
            ("▍引文里的", 0, false),
            ("▍", 0, false),
        ];
        assert_eq!(
            read,
            expected.map(|(t, level, heading)| (t.to_string(), level, heading))
        );
    }

    #[test]
    fn entities_map_to_their_source() {
        let source = "<p>&#x8F6C;发&nbsp;a&amp;b</p>";
        let extracted = extract_html(source);
        assert_eq!(texts(&extracted), ["转发\u{a0}a&b"]);
        assert_eq!(pieces_of(source, &extracted, "转发"), ["&#x8F6C;发"]);
        assert_eq!(pieces_of(source, &extracted, "&"), ["&amp;"]);
    }

    #[test]
    fn code_script_style_hidden_and_attributes_are_skipped() {
        let source = r#"<noframes>A&amp;B 转发</noframes><noembed>转发</noembed>
<style>.a{content:"转发"}</style><script>var s="<p>转发</p>";</script>
<p style="width: 100%">正文<code>转发</code></p><pre>转发</pre>
<p style="overflow: hidden; text-decoration: none">可见</p><p style="DISPLAY : None">隐藏</p>
<section style="display: none">隐藏</section><a href="x?a=1&b=2">链接</a>"#;
        let extracted = extract_html(source);
        assert_eq!(texts(&extracted), ["正文", "可见", "链接"]);
    }

    #[test]
    fn the_platform_body_is_read_although_its_page_hides_it_until_scripts_run() {
        let source = r#"<div id="js_content" style="visibility: hidden;"><p>正文</p>
<p style="visibility: hidden">隐藏</p></div>"#;
        assert_eq!(texts(&extract_html(source)), ["正文"]);
    }

    #[test]
    fn blocks_scopes_and_titles() {
        let source = r##"<html><head><title>标题</title><meta property="og:title" content="标题"></head>
<body><h1 class="rich_media_title" id="activity-name">标题</h1>
<div id="js_content"><h2>小节</h2><p>段落<a href="#">链接</a></p><table><tr><td>单元格</td></tr></table>
<blockquote>“引文”</blockquote><blockquote>提示</blockquote><img alt="图片说明" src="a.png"></div>
<div class="qr_code">关注公众号</div></body></html>"##;
        let mut extracted = extract_html(source);
        extracted.drop_repeated_titles();
        let shown: Vec<(String, Vec<&str>)> = extracted
            .blocks
            .iter()
            .filter(|b| !b.text.trim().is_empty())
            .map(|b| (b.text.clone(), b.scopes.iter().map(Scope::name).collect()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("标题".to_string(), vec!["title"]),
                ("小节".to_string(), vec!["heading"]),
                ("段落链接".to_string(), vec!["body"]),
                ("单元格".to_string(), vec!["body", "table"]),
                ("“引文”".to_string(), vec!["body", "quote"]),
                ("提示".to_string(), vec!["body"]),
                ("图片说明".to_string(), vec!["alt"]),
            ]
        );
        let title = &extracted.blocks[0];
        assert_eq!(title.text, "标题");
        assert!(title.scopes.contains(Scope::Title));
        assert_eq!(
            title.segments[0].source.start,
            source.find("标题</h1>").unwrap()
        );
        let paragraph = &extracted.blocks[2];
        assert!(paragraph.is_link_text(&(6..12)));
        assert!(!paragraph.is_link_text(&(0..6)));
    }

    /// An editor template puts the opening mark in an element of its own: it still opens the
    /// quotation, and the quotation's later paragraphs are quoted too.
    #[test]
    fn a_block_quote_is_read_by_its_first_block() {
        let source = r#"<blockquote><section><span>“</span></section><p>第一段</p><p>第二段</p></blockquote>
<blockquote><p>提示</p><p>“另一段”</p></blockquote>"#;
        let extracted = extract_html(source);
        let quoted: Vec<(&str, bool)> = extracted
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.scopes.contains(Scope::Quote)))
            .collect();
        assert_eq!(
            quoted,
            [
                ("“", true),
                ("第一段", true),
                ("第二段", true),
                ("提示", false),
                ("“另一段”", false)
            ]
        );
    }

    #[test]
    fn attribute_values_map_to_their_source() {
        let source = r#"<img alt="加 微信" src="x"><img alt='a&amp;b'>"#;
        let extracted = extract_html(source);
        assert_eq!(pieces_of(source, &extracted, "微信"), ["微信"]);
        assert_eq!(pieces_of(source, &extracted, "a&b"), ["a&amp;b"]);
    }

    #[test]
    fn line_breaks_in_text_are_spaces_and_br_is_a_break() {
        let source = "<p>第一行\n    第二行<br>第三行</p>";
        let extracted = extract_html(source);
        assert_eq!(texts(&extracted), ["第一行 第二行\n第三行"]);
    }

    /// html5gum turns CRLF and CR into LF before it emits text; the text must read as with LF
    /// and still map to the exact bytes, not to the whole run after a line break.
    #[test]
    fn windows_line_breaks_read_as_lf_and_map_exactly() {
        for (source, lf) in [
            (
                "<p>甲乙。\r\n转发到朋友圈\r\n&amp;丙</p>",
                "<p>甲乙。\n转发到朋友圈\n&amp;丙</p>",
            ),
            (
                "<p>\r\n转发到朋友圈\r\r\n丙\r丁</p>",
                "<p>\n转发到朋友圈\n\n丙\n丁</p>",
            ),
        ] {
            let extracted = extract_html(source);
            assert_eq!(texts(&extracted), texts(&extract_html(lf)));
            assert_eq!(
                pieces_of(source, &extracted, "转发到朋友圈"),
                ["转发到朋友圈"]
            );
            assert_eq!(pieces_of(source, &extracted, "丙"), ["丙"]);
        }
    }

    #[test]
    fn comments_are_kept() {
        let source = "<!-- gzhlint-disable x --><p>a</p>";
        let extracted = extract_html(source);
        assert_eq!(extracted.comments[0].text, " gzhlint-disable x ");
        assert_eq!(extracted.comments[0].source, 0..26);
    }

    #[test]
    fn table_cells_know_their_table_row_and_cell() {
        let source = "<p>前文</p><table><thead><tr><th>甲</th><th>乙</th></tr></thead>\
                      <tr><td><p>丙</p><img alt=\"图\" src=\"x\"><p>丙二</p></td><td>丁\
                      <table><tr><td>内</td></tr></table></td></tr></table><p>后文</p>\
                      <table><td>无行一</td><td>无行二</td></table><td>表外</td><tr><td>行外</td></tr>";
        let extracted = extract_html(source);
        assert_eq!(
            table_places(&extracted),
            [
                ("前文", 0, 0, 0, false),
                ("甲", 1, 1, 1, true),
                ("乙", 1, 1, 2, true),
                ("丙", 1, 2, 3, false),
                ("图", 1, 2, 3, false),
                ("丙二", 1, 2, 3, false),
                ("丁", 1, 2, 4, false),
                ("内", 2, 3, 5, true),
                ("后文", 0, 0, 0, false),
                // A cell without a row is a row of its own, and no head.
                ("无行一", 3, 4, 6, false),
                ("无行二", 3, 5, 7, false),
                // Cells and rows outside a table are no place in one.
                ("表外", 0, 0, 0, false),
                ("行外", 0, 0, 0, false),
            ]
        );
    }

    #[test]
    fn unclosed_cells_rows_and_paragraphs_end_where_browsers_end_them() {
        let source = "<table><tr><td>甲<td>乙<tr><td>丙</table><p>一<p>二<p><a href=\"#\">链<p>接";
        let extracted = extract_html(source);
        assert_eq!(
            table_places(&extracted),
            [
                ("甲", 1, 1, 1, true),
                ("乙", 1, 1, 2, true),
                ("丙", 1, 2, 3, false),
                ("一", 0, 0, 0, false),
                ("二", 0, 0, 0, false),
                ("链", 0, 0, 0, false),
                ("接", 0, 0, 0, false),
            ]
        );
        // A paragraph with a link open inside is left open: the text after stays link text,
        // as browsers reopen the link.
        let last = extracted.blocks.last().unwrap();
        assert!(last.is_link_text(&(0..last.text.len())));
    }
}
