//! `--fix` and `--diff`: apply the `replace` suggestions that rules mark safe.
//!
//! A fix writes the replacement over the finding's first source piece and empties the others
//! (markup between them stays), only when the pieces hold the matched text verbatim (no entity
//! inside) and the draft, extracted again, reads as written, so a rewrite can never break a
//! document's structure. Overlapping fixes resolve deterministically: the earliest wins. Only
//! the bytes of the fixed spans change: each replacement is encoded in the file's encoding and
//! spliced into its original bytes, so its BOM, line endings and every other byte stay as they
//! were.

use std::fmt;
use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use encoding_rs::{DecoderResult, Encoding};

use crate::diagnostic::Diagnostic;
use crate::extract::{extract, Extracted, Format};
use crate::report::escape_markup_text;
use crate::rules::{FixSafety, RuleSet};
use crate::source::SourceText;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    /// What is written into the file (escaped for its format).
    pub replacement: String,
    /// What a reader reads there once it is written: the rule's `replace` as it stands.
    pub reads: String,
}

/// One finding's fix: its rule's `replace` written over the first source piece of the
/// finding, and its other pieces (split from the first by markup: 全网<b>最低</b>价) emptied,
/// the markup between them kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Index of the finding in the diagnostics the fixes were planned for.
    pub diagnostic: usize,
    /// Sorted, not overlapping; the first carries the replacement.
    pub edits: Vec<Edit>,
}

/// The fixes for a file's diagnostics whose rules' fix safety is `safety` (`--fix` writes the
/// safe ones; SARIF offers both kinds), sorted and without overlaps, and how many were refused
/// (the findings stay reported; the caller says so). A replacement is text, so it is written to
/// stay text: in HTML its markup characters become entities (a user pack's
/// `replace = "“优惠”<b>价</b>"` must not open an element or close an attribute); in Markdown,
/// see [`markdown_text`]. A finding whose span, or else whose pieces, are not the matched text
/// verbatim (an entity or a character reference inside) is refused: writing over it could not
/// be checked; so is one whose pieces markup separates that cannot stay ([`gap_stays`]). In
/// front matter (`front_matter`, a Markdown draft's) a replacement with ASCII punctuation or a
/// control character (a line break, a tab) is refused: YAML would read it by the value's
/// quoting, which the span does not show. [`keep_reading`] then refuses a fix that the markup
/// around it would still read otherwise.
pub fn plan(
    rules: &RuleSet,
    text: &str,
    format: Format,
    front_matter: Option<&Range<usize>>,
    diagnostics: &[Diagnostic],
    safety: FixSafety,
) -> (Vec<Fix>, usize) {
    let mut refused = 0;
    let mut fixes: Vec<Fix> = diagnostics
        .iter()
        .enumerate()
        .filter_map(|(index, d)| {
            let rule = &rules.rules[d.rule];
            let replacement = rule.replace.as_ref().filter(|_| rule.fix == safety)?;
            let fix = fix_of(replacement, text, format, front_matter, d);
            refused += usize::from(fix.is_none());
            Some(Fix {
                diagnostic: index,
                edits: fix?,
            })
        })
        .collect();
    fixes.sort_by_key(|f| (f.edits[0].range.start, f.edits[0].range.end));
    let mut kept: Vec<Fix> = Vec::with_capacity(fixes.len());
    for fix in fixes {
        if kept.last().is_none_or(|last| last.end() <= fix.start()) {
            kept.push(fix);
        }
    }
    let (kept, dropped) = keep_reading(text, format, kept);
    (kept, refused + dropped)
}

/// The edits that write `replacement` over finding `d`, if they can be checked.
fn fix_of(
    replacement: &str,
    text: &str,
    format: Format,
    front_matter: Option<&Range<usize>>,
    d: &Diagnostic,
) -> Option<Vec<Edit>> {
    // The whole span when it is the text (separators such as 全-网-最-低-价 included), else
    // the pieces when markup that may stay alone stands between them.
    let whole = [d.span.clone()];
    let ranges: &[Range<usize>] = if text.get(d.span.clone()) == Some(d.text.as_str()) {
        &whole
    } else {
        let mut pieces = d.pieces.iter().map(|piece| text.get(piece.clone()));
        let verbatim = pieces
            .try_fold(String::new(), |all, piece| Some(all + piece?))
            .is_some_and(|all| all == d.text);
        let gaps_stay = d.pieces.windows(2).all(|pair| {
            text.get(pair[0].end..pair[1].start)
                .is_some_and(|gap| gap_stays(gap, format))
        });
        if !verbatim || !gaps_stay {
            return None;
        }
        &d.pieces
    };
    let first = ranges.first()?;
    let in_front_matter =
        format == Format::Markdown && front_matter.is_some_and(|f| f.contains(&first.start));
    if in_front_matter
        && replacement
            .chars()
            .any(|c| c.is_ascii_punctuation() || c.is_control())
    {
        return None;
    }
    let written = if in_front_matter {
        replacement.to_string()
    } else {
        written_replacement(replacement, text, format, first.start)
    };
    let mut edits = vec![Edit {
        range: first.clone(),
        replacement: written,
        reads: replacement.to_string(),
    }];
    edits.extend(ranges[1..].iter().map(|piece| Edit {
        range: piece.clone(),
        replacement: String::new(),
        reads: String::new(),
    }));
    Some(edits)
}

/// Whether the markup between two pieces of a finding can stay while the later piece is
/// emptied. Not a link's tag in either format: emptying a link's text loses the link (and
/// Markdown does not record an inline `<a>` as one). Not Markdown's emphasis, link or code
/// syntax: 全网**最低**价 would leave `****`, [全网](a)[最低价](b) an empty link. Refused here,
/// such a fix costs no re-extraction ([`keep_reading`] checks a draft's fixes a bounded number
/// of times, and a few dozen failing ones would use them all up).
fn gap_stays(gap: &str, format: Format) -> bool {
    let lower = gap.to_ascii_lowercase();
    let link_tag = lower.contains("<a ") || lower.contains("<a>") || lower.contains("</a");
    !link_tag
        && (format != Format::Markdown
            || !gap.contains(['*', '_', '~', '`', '[', ']', '(', ')', '\\']))
}

impl Fix {
    fn start(&self) -> usize {
        self.edits[0].range.start
    }

    fn end(&self) -> usize {
        self.edits.last().map_or(0, |e| e.range.end)
    }
}

/// The fixes a report may offer for a file's diagnostics, by diagnostic: for each fix safety,
/// the planned fixes when `--fix` could write them into `bytes` (decoded as `source`), else
/// none of that safety — [`apply`] writes a file's fixes all or not at all. An unsafe rule's
/// fix is offered as `--fix` would write it were the rule safe.
pub fn offered(
    rules: &RuleSet,
    bytes: &[u8],
    source: &SourceText,
    format: Format,
    front_matter: Option<&Range<usize>>,
    diagnostics: &[Diagnostic],
) -> Vec<Fix> {
    let mut offered = Vec::new();
    for safety in [FixSafety::Safe, FixSafety::Unsafe] {
        let (planned, _) = plan(
            rules,
            &source.text,
            format,
            front_matter,
            diagnostics,
            safety,
        );
        if !planned.is_empty() && apply(bytes, source, &edits(&planned)).is_ok() {
            offered.extend(planned);
        }
    }
    offered.sort_by_key(|f| f.diagnostic);
    offered
}

/// The edits of `fixes`, in order: what [`apply`] and [`splice`] write.
pub fn edits(fixes: &[Fix]) -> Vec<Edit> {
    fixes.iter().flat_map(|f| f.edits.iter().cloned()).collect()
}

/// `replacement` as it is written at byte `start` of `text` so that it reads as itself: markup
/// characters as entities in HTML, Markdown syntax as character references (see
/// [`markdown_text`]), plain text as it is. What a fix writes.
fn written_replacement(replacement: &str, text: &str, format: Format, start: usize) -> String {
    match format {
        Format::Html => escape_markup_text(replacement),
        Format::Markdown => markdown_text(replacement, starts_line(text, start)),
        Format::Text => replacement.to_string(),
    }
}

/// A replacement written into Markdown so that it reads as the same text: every ASCII character
/// that inline syntax could take (emphasis, links and their titles, code, HTML and its
/// attributes, tables, strikethrough, escapes) and line breaks become numeric character
/// references, which CommonMark decodes in text and HTML decodes in an HTML block alike (code,
/// where they would not be decoded, is not linted). At the start of a line, leading spaces and a
/// list, heading-underline or ordered-list marker are escaped too. Replacements without such
/// characters (all built-in ones) are written as they are.
fn markdown_text(replacement: &str, at_line_start: bool) -> String {
    let ordered_marker = at_line_start
        .then(|| {
            let digits = replacement.len()
                - replacement
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            (digits > 0 && replacement[digits..].starts_with(['.', ')'])).then_some(digits)
        })
        .flatten();
    let mut out = String::with_capacity(replacement.len());
    for (i, c) in replacement.char_indices() {
        let line_marker = at_line_start && i == 0 && matches!(c, '-' | '+' | '=');
        if line_marker
            || ordered_marker == Some(i)
            || (at_line_start && (c == ' ' || c == '\t') && replacement[..i].trim().is_empty())
            || matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '&'
                    | '!'
                    | '#'
                    | '|'
                    | '~'
                    | '"'
                    | '\''
                    | '('
                    | ')'
                    | '\n'
                    | '\r'
            )
        {
            write!(out, "&#{};", u32::from(c)).expect("writing to a String cannot fail");
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `at` may begin a line's text: only spaces, tabs and the characters of container
/// markers (`> `, `- `, `1. `) stand between the line's start and it. Over-approximated on
/// purpose: escaping a marker that was not needed changes nothing a reader sees.
fn starts_line(text: &str, at: usize) -> bool {
    text[..at].rsplit('\n').next().is_some_and(|before| {
        before.chars().all(|c| {
            matches!(c, ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')') || c.is_ascii_digit()
        })
    })
}

/// The fixes that leave the draft reading as before but for the replaced words: extracted
/// again, the fixed text gives the same blocks (scopes, headings, lists, quotations, tables,
/// links) with the same text except each replacement. Escaping cannot see everything around a
/// span — a replacement opening with punctuation ends the emphasis around it (`**“优惠”**`),
/// removing words can turn the rest of a line into a list item. The fixes are checked
/// together (one extraction, the usual case), and a group that fails is halved until the fixes
/// that fail on their own are found (a few extractions each); if the kept ones then fail
/// together (two deletions that empty a paragraph between them), they are added back one at a
/// time, each kept only if all so far still read as written. Each check extracts the whole
/// draft, so after [`CHECKS`] of them the fixes not yet shown to read as written are refused
/// rather than checked (a draft where thousands of fixes fail would otherwise take seconds).
/// Returns the kept fixes and how many were dropped.
fn keep_reading(text: &str, format: Format, fixes: Vec<Fix>) -> (Vec<Fix>, usize) {
    let total = fixes.len();
    if total == 0 {
        return (fixes, 0);
    }
    let mut check = Checker {
        text,
        format,
        before: extract(text, format),
        left: CHECKS,
    };
    let mut kept = Vec::with_capacity(total);
    let whole = check.keep_groups(fixes, &mut kept);
    if !whole && kept.len() > 1 && !check.reads_the_same(&kept) {
        let mut together: Vec<Fix> = Vec::with_capacity(kept.len());
        for fix in kept {
            together.push(fix);
            if !check.reads_the_same(&together) {
                together.pop();
            }
        }
        kept = together;
    }
    let dropped = total - kept.len();
    (kept, dropped)
}

/// How many times one draft's fixes may be checked by extracting it again.
const CHECKS: usize = 200;

struct Checker<'a> {
    text: &'a str,
    format: Format,
    before: Extracted,
    /// Checks left; once none are, every check fails.
    left: usize,
}

impl Checker<'_> {
    /// Whether the draft with `fixes` written in reads as before but for the replaced words
    /// (false once no check is left).
    fn reads_the_same(&mut self, fixes: &[Fix]) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        let before = &self.before;
        let mut expected: Vec<String> = before.blocks.iter().map(|b| b.text.clone()).collect();
        let edits = edits(fixes);
        // From the last edit back, so that earlier text ranges stay valid.
        for edit in edits.iter().rev() {
            let Some((block, range)) = text_range(before, &edit.range) else {
                return false;
            };
            expected[block].replace_range(range, &edit.reads);
        }
        let after = extract(&splice(self.text, &edits), self.format);
        after.blocks.len() == before.blocks.len()
            && before
                .blocks
                .iter()
                .zip(&after.blocks)
                .zip(&expected)
                .all(|((was, now), text)| {
                    now.text == *text
                        && now.scopes == was.scopes
                        && now.heading_level == was.heading_level
                        && now.list_depth == was.list_depth
                        && now.quotation == was.quotation
                        && now.table == was.table
                        && link_runs(&now.links) == link_runs(&was.links)
                })
    }

    /// Adds to `kept` the fixes of `group` (in order) that read as written, halving a group
    /// that does not; returns whether the group read as written as a whole.
    fn keep_groups(&mut self, mut group: Vec<Fix>, kept: &mut Vec<Fix>) -> bool {
        if group.is_empty() {
            return true;
        }
        if self.reads_the_same(&group) {
            kept.extend(group);
            return true;
        }
        if group.len() > 1 && self.left > 0 {
            let second = group.split_off(group.len() / 2);
            self.keep_groups(group, kept);
            self.keep_groups(second, kept);
        }
        false
    }
}

/// How many separate stretches of link text a block has (a character reference splits one
/// link's text into several recorded ranges that touch).
fn link_runs(links: &[Range<usize>]) -> usize {
    links
        .iter()
        .enumerate()
        .filter(|(i, link)| *i == 0 || links[i - 1].end != link.start)
        .count()
}

/// The block and text range that `source` maps to byte for byte (through consecutive literal
/// segments), if any.
fn text_range(extracted: &Extracted, source: &Range<usize>) -> Option<(usize, Range<usize>)> {
    extracted
        .blocks
        .iter()
        .enumerate()
        .find_map(|(index, block)| {
            let first = block
                .segments
                .iter()
                .position(|s| s.literal && s.source.contains(&source.start))?;
            let run = &block.segments[first..];
            let start = run[0].text.start + (source.start - run[0].source.start);
            for (k, segment) in run.iter().enumerate() {
                let continues = k == 0
                    || (segment.literal
                        && segment.source.start == run[k - 1].source.end
                        && segment.text.start == run[k - 1].text.end);
                if !continues {
                    return None;
                }
                if source.end <= segment.source.end {
                    let end = segment.text.start + (source.end - segment.source.start);
                    return Some((index, start..end));
                }
            }
            None
        })
}

/// `text` with the edits (sorted, not overlapping) written in.
fn splice(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Why a file's fixes cannot be written in its encoding.
#[derive(Debug, PartialEq, Eq)]
pub enum Unfixable {
    /// Bytes invalid in the encoding were decoded as U+FFFD: writing would lose them.
    InvalidBytes { encoding: &'static str },
    Unencodable {
        encoding: &'static str,
        replacement: String,
    },
    /// A fix's edge falls inside the text of one coded sequence (a few Big5 codes decode to
    /// two characters).
    SplitSequence { encoding: &'static str },
}

impl fmt::Display for Unfixable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unfixable::InvalidBytes { encoding } => write!(f, "has bytes invalid in {encoding}"),
            Unfixable::Unencodable {
                encoding,
                replacement,
            } => write!(
                f,
                "{encoding} cannot encode the replacement “{replacement}”"
            ),
            Unfixable::SplitSequence { encoding } => {
                write!(f, "a fix would split a {encoding} character")
            }
        }
    }
}

/// A file with its fixes applied.
#[derive(Debug)]
pub struct Fixed {
    pub bytes: Vec<u8>,
    /// `bytes` decoded: what the file will read as, for the diff and the report.
    pub text: String,
}

/// The file's `bytes` (decoded as `source`) with `edits` (sorted, non-overlapping) applied:
/// each replacement, encoded in the file's encoding, takes the place of the bytes its range was
/// decoded from, and every other byte is kept. Re-encoding the whole text instead could change
/// bytes the fixes never touched (GBK and GB18030 encode € differently) or fail on characters
/// the encoder lacks (encoding_rs reads GB18030's four-byte sequences as GBK).
pub fn apply(bytes: &[u8], source: &SourceText, edits: &[Edit]) -> Result<Fixed, Unfixable> {
    let encoding = source.encoding;
    if source.had_errors {
        return Err(Unfixable::InvalidBytes {
            encoding: encoding.name(),
        });
    }
    let bom_len = Encoding::for_bom(bytes)
        .filter(|_| source.had_bom)
        .map_or(0, |(_, len)| len);
    let body = &bytes[bom_len..];
    let boundaries: Vec<usize> = edits
        .iter()
        .flat_map(|e| [e.range.start, e.range.end])
        .collect();
    let offsets = byte_offsets(body, encoding, &boundaries).ok_or(Unfixable::SplitSequence {
        encoding: encoding.name(),
    })?;
    let mut fixed = bytes[..bom_len].to_vec();
    let mut at = 0;
    for (edit, span) in edits.iter().zip(offsets.chunks_exact(2)) {
        fixed.extend_from_slice(&body[at..span[0]]);
        fixed.extend_from_slice(&encode_replacement(&edit.replacement, source)?);
        at = span[1];
    }
    fixed.extend_from_slice(&body[at..]);
    let text = crate::source::lone_cr_as_lf(
        encoding
            .decode_without_bom_handling(&fixed[bom_len..])
            .0
            .into_owned(),
    );
    Ok(Fixed { bytes: fixed, text })
}

/// The offset in `body` at which decoding it has produced exactly each of `boundaries` (sorted
/// offsets in the decoded text); `None` when a boundary falls inside the text of one sequence.
fn byte_offsets(
    body: &[u8],
    encoding: &'static Encoding,
    boundaries: &[usize],
) -> Option<Vec<usize>> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut scratch = Vec::new();
    let (mut read, mut decoded) = (0, 0);
    let mut offsets = Vec::with_capacity(boundaries.len());
    for &boundary in boundaries {
        while decoded < boundary {
            let room = boundary - decoded;
            // Feed as many bytes as cannot decode as far as the boundary, so that it is
            // reached by a single byte: the last of the sequence that ends there.
            let mut take = room.min(body.len() - read);
            while take > 1 && decoder.max_utf8_buffer_length_without_replacement(take)? >= room {
                take /= 2;
            }
            if take == 0 {
                return None;
            }
            scratch.resize(decoder.max_utf8_buffer_length_without_replacement(take)?, 0);
            let (result, consumed, written) = decoder.decode_to_utf8_without_replacement(
                &body[read..read + take],
                &mut scratch,
                false,
            );
            if result != DecoderResult::InputEmpty {
                return None;
            }
            read += consumed;
            decoded += written;
        }
        if decoded != boundary {
            return None;
        }
        offsets.push(read);
    }
    Some(offsets)
}

/// `replacement` in the file's encoding.
fn encode_replacement(replacement: &str, source: &SourceText) -> Result<Vec<u8>, Unfixable> {
    let encoding = source.encoding;
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        let little = encoding == encoding_rs::UTF_16LE;
        return Ok(replacement
            .encode_utf16()
            .flat_map(|unit| {
                if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                }
            })
            .collect());
    }
    let (bytes, _, unmappable) = encoding.encode(replacement);
    if !unmappable {
        return Ok(bytes.into_owned());
    }
    // A "GBK" file with characters GBK lacks holds GB18030's four-byte sequences: it is
    // GB18030, and the replacement may use them too.
    if encoding == encoding_rs::GBK && encoding_rs::GBK.encode(&source.text).2 {
        return Ok(encoding_rs::GB18030.encode(replacement).0.into_owned());
    }
    Err(Unfixable::Unencodable {
        encoding: encoding.name(),
        replacement: replacement.to_string(),
    })
}

/// Why fixed bytes were not written over a draft.
#[derive(Debug)]
pub enum NotWritten {
    ReadOnly,
    /// A pipe or device: read once, nothing to rewrite.
    NotAFile,
    /// Renaming a new file over one of its names would split it from the others.
    HardLinks(u64),
    /// Saved again since it was read: writing would lose those edits.
    Changed,
    /// The new file could not be given the draft's owner and group.
    Owner(std::io::Error),
    Failed(std::io::Error),
}

impl NotWritten {
    /// Whether the run failed, rather than left the file alone by design.
    pub fn is_error(&self) -> bool {
        matches!(self, NotWritten::Owner(_) | NotWritten::Failed(_))
    }
}

impl fmt::Display for NotWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotWritten::ReadOnly => write!(f, "read-only, not fixed"),
            NotWritten::NotAFile => write!(f, "not a regular file (a pipe or device), not fixed"),
            NotWritten::HardLinks(links) => write!(
                f,
                "has {links} hard links, not fixed (a rewrite would split them apart)"
            ),
            NotWritten::Changed => write!(f, "changed while it was being checked, not fixed"),
            NotWritten::Owner(e) => write!(f, "cannot keep its owner and group, not fixed: {e}"),
            NotWritten::Failed(e) => write!(f, "cannot write fixes: {e}"),
        }
    }
}

/// Replaces the draft at `path`, whose bytes were `linted`, with `fixed` through a temporary
/// file in the same folder and a rename, so a crash never leaves a half-written draft. A
/// symbolic link stays a link and its target is rewritten; permissions, owner and group are
/// kept.
pub fn rewrite(path: &Path, linted: &[u8], fixed: &[u8]) -> Result<(), NotWritten> {
    let target = std::fs::canonicalize(path).map_err(NotWritten::Failed)?;
    let metadata = std::fs::metadata(&target).map_err(NotWritten::Failed)?;
    if !metadata.is_file() {
        return Err(NotWritten::NotAFile);
    }
    // The rename would succeed whatever the file's mode: respect it.
    if metadata.permissions().readonly() {
        return Err(NotWritten::ReadOnly);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(NotWritten::HardLinks(metadata.nlink()));
        }
    }
    let folder = target.parent().unwrap_or(Path::new("."));
    // tempfile names the temporary file in its errors; the user knows only the draft.
    let mut temp =
        tempfile::NamedTempFile::new_in(folder).map_err(|e| NotWritten::Failed(e.kind().into()))?;
    let file = temp.as_file_mut();
    file.write_all(fixed).map_err(NotWritten::Failed)?;
    #[cfg(unix)]
    keep_owner(file, &metadata).map_err(NotWritten::Owner)?;
    file.set_permissions(metadata.permissions())
        .and_then(|()| file.sync_all())
        .map_err(NotWritten::Failed)?;
    // Edits saved while the draft was being linted would be lost.
    if std::fs::read(&target).map_err(NotWritten::Failed)? != linted {
        return Err(NotWritten::Changed);
    }
    temp.persist(&target)
        .map_err(|e| NotWritten::Failed(e.error))?;
    Ok(())
}

/// Gives the new file the draft's owner and group, which would otherwise pass to whoever ran
/// the fix.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, draft: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) == (draft.uid(), draft.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(draft.uid()), Some(draft.gid()))
}

/// A unified diff of a file before and after its fixes.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: Range<usize>, replacement: &str) -> Edit {
        Edit {
            range,
            replacement: replacement.to_string(),
            reads: replacement.to_string(),
        }
    }

    fn single(edit: Edit) -> Fix {
        Fix {
            diagnostic: 0,
            edits: vec![edit],
        }
    }

    /// `bytes` decoded as `encoding` (without detection: short samples would fool it).
    fn source(bytes: &[u8], encoding: &'static Encoding) -> SourceText {
        let bom = Encoding::for_bom(bytes);
        let bom_len = bom.map_or(0, |(_, len)| len);
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        SourceText {
            text: text.into_owned(),
            encoding,
            had_bom: bom.is_some(),
            had_errors,
        }
    }

    /// Written into a paragraph's first line or its middle, a replacement reads back as the
    /// same text and stays one paragraph, whatever Markdown syntax it holds.
    #[test]
    fn markdown_replacements_read_as_their_text() {
        use crate::extract::extract_markdown;
        for replacement in [
            "超值价",
            "*特价* _好_ `码` [链接](x) <b>价</b> & ~~删~~ | 列 \\ ! #标签",
            "- 列表项",
            "+ 加",
            "= 等",
            "12. 第十二",
            "3) 三",
            "# 标题",
            "> 引用",
            "两行\n文字",
        ] {
            for (before, after) in [("", "。"), ("我们的", "。")] {
                let escaped = markdown_text(replacement, before.is_empty());
                let draft = format!("{before}{escaped}{after}\n");
                let blocks = extract_markdown(&draft).blocks;
                let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
                assert_eq!(
                    texts,
                    [format!("{before}{replacement}{after}")],
                    "{draft:?}"
                );
                assert!(
                    blocks[0].heading_level == 0 && blocks[0].list_depth == 0,
                    "{draft:?}"
                );
            }
        }
        assert_eq!(markdown_text("5.5折 - 好", false), "5.5折 - 好");
        assert!(starts_line("a\n  ", 4) && !starts_line("a\nb", 3) && starts_line("", 0));
    }

    /// Written into Markdown and read again: an edit the escaping keeps as text is kept, one
    /// the markup around it would read otherwise is refused.
    #[test]
    fn a_markdown_edit_is_kept_only_if_the_draft_reads_as_written() {
        let refused = |text: &str, replacement: &str| {
            let start = text.find("竞品甲").unwrap();
            let edit = Edit {
                range: start..start + "竞品甲".len(),
                replacement: markdown_text(replacement, starts_line(text, start)),
                reads: replacement.to_string(),
            };
            keep_reading(text, Format::Markdown, vec![single(edit)]).1
        };
        for (text, replacement) in [
            (
                "看[官网][r]。\n\n[r]: https://x.cn \"竞品甲\"\n",
                "“优惠” & \"特价\"",
            ),
            ("看[官网](https://x.cn '竞品甲')。\n", "说'好'了"),
            ("[a](u (竞品甲))\n", "说)好(了"),
            ("> - 竞品甲好\n", "- 列表项"),
            ("- 竞品甲好\n", "# 标题"),
            ("1. 竞品甲好\n", "2. 第二"),
            ("> 竞品甲好\n", "> 引用"),
            ("竞品甲。\n", "    代码"),
            ("看竞品甲吧\n", "*强调* `码`"),
            // a character reference splits a link's text into touching ranges: still one link
            ("看[竞品甲](http://x.cn)吧\n", "优惠(限时)"),
        ] {
            assert_eq!(refused(text, replacement), 0, "{text:?} ← {replacement:?}");
        }
        for (text, replacement) in [
            // punctuation at the edge of an emphasis ends it
            ("看**竞品甲**吧\n", "“优惠”"),
            // the rest of the line would become a list item
            ("竞品甲 - 好\n", ""),
            ("竞品甲. 好\n", "1"),
        ] {
            assert_eq!(refused(text, replacement), 1, "{text:?} ← {replacement:?}");
        }
    }

    /// Two deletions that empty a paragraph between them fail together: one of them goes, and
    /// an edit elsewhere stays.
    #[test]
    fn edits_that_fail_only_together_lose_only_one() {
        let text = "竞品甲竞品甲\n\n正文竞品甲。\n";
        let fixes: Vec<Fix> = text
            .match_indices("竞品甲")
            .map(|(at, found)| single(edit(at..at + found.len(), "")))
            .collect();
        let (kept, dropped) = keep_reading(text, Format::Markdown, fixes);
        assert_eq!(dropped, 1);
        assert_eq!(splice(text, &edits(&kept)), "竞品甲\n\n正文。\n");
    }

    #[test]
    fn edits_apply_in_order() {
        let text = "全网最低价，全网最低价";
        let edits = [edit(0..15, "超值价"), edit(18..33, "超值价")];
        let fixed = apply(
            text.as_bytes(),
            &source(text.as_bytes(), encoding_rs::UTF_8),
            &edits,
        );
        assert_eq!(fixed.unwrap().text, "超值价，超值价");
    }

    #[test]
    fn encodings_and_boms_are_kept() {
        let text = "最低价\r\n超值价\r\n";
        let fixed = "超值价\r\n超值价\r\n";
        let utf16 = |text: &str, little: bool| -> Vec<u8> {
            let bom: &[u8] = if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] };
            let units = text.encode_utf16().flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            });
            bom.iter().copied().chain(units).collect()
        };
        let utf8_bom = |text: &str| [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        for (encoding, before, after) in [
            (encoding_rs::UTF_8, utf8_bom(text), utf8_bom(fixed)),
            (encoding_rs::UTF_8, text.into(), fixed.into()),
            (
                encoding_rs::GBK,
                encoding_rs::GBK.encode(text).0.into(),
                encoding_rs::GBK.encode(fixed).0.into(),
            ),
            (encoding_rs::UTF_16LE, utf16(text, true), utf16(fixed, true)),
            (
                encoding_rs::UTF_16BE,
                utf16(text, false),
                utf16(fixed, false),
            ),
        ] {
            let source = source(&before, encoding);
            let edits = [edit(0..9, "超值价")];
            let result = apply(&before, &source, &edits).unwrap();
            assert_eq!(result.bytes, after, "{}", encoding.name());
            assert_eq!(result.text, fixed, "{}", encoding.name());
        }
    }

    /// encoding_rs decodes GB18030 as "GBK", whose encoder lacks the four-byte sequences and
    /// writes € as 0x80: only the fixed span's bytes may change.
    #[test]
    fn gb18030_bytes_outside_the_fixes_are_kept() {
        let mut before = encoding_rs::GB18030.encode("😀€𠀀").0.into_owned();
        before.push(0x80); // GBK's €
        before.extend_from_slice(&encoding_rs::GB18030.encode("最低价。").0);
        let source = source(&before, encoding_rs::GBK);
        assert_eq!(source.text, "😀€𠀀€最低价。");
        let start = "😀€𠀀€".len();
        let result = apply(&before, &source, &[edit(start..start + 9, "超值价")]).unwrap();
        let mut expected = before[..before.len() - 8].to_vec();
        expected.extend_from_slice(&encoding_rs::GBK.encode("超值价。").0);
        assert_eq!(result.bytes, expected);
        assert_eq!(result.text, "😀€𠀀€超值价。");
    }

    #[test]
    fn replacements_take_the_files_encoding_or_are_refused() {
        let smile = [edit(0..9, "😀")];
        let gbk = encoding_rs::GBK.encode("最低价").0.into_owned();
        assert_eq!(
            apply(&gbk, &source(&gbk, encoding_rs::GBK), &smile).unwrap_err(),
            Unfixable::Unencodable {
                encoding: "GBK",
                replacement: "😀".to_string()
            }
        );
        // A file already holding four-byte sequences is GB18030 and takes them.
        let gb18030 = encoding_rs::GB18030.encode("最低价𠀀").0.into_owned();
        let result = apply(&gb18030, &source(&gb18030, encoding_rs::GBK), &smile).unwrap();
        assert_eq!(
            result.bytes,
            encoding_rs::GB18030.encode("😀𠀀").0.into_owned()
        );

        let big5 = encoding_rs::BIG5.encode("最低價").0.into_owned();
        let error = apply(
            &big5,
            &source(&big5, encoding_rs::BIG5),
            &[edit(0..9, "𠀀😀")],
        );
        assert_eq!(
            error.unwrap_err().to_string(),
            "Big5 cannot encode the replacement “𠀀😀”"
        );
        // Big5 0x8862 decodes to two characters, Ê and a combining macron.
        let combined = [0x88, 0x62];
        let source = source(&combined, encoding_rs::BIG5);
        assert_eq!(source.text, "Ê\u{304}");
        assert_eq!(
            apply(&combined, &source, &[edit(0..2, "E")]).unwrap_err(),
            Unfixable::SplitSequence { encoding: "Big5" }
        );
    }

    #[test]
    fn bytes_invalid_in_the_encoding_are_not_rewritten() {
        let bytes = b"\xff\xfe\xfd abc";
        let source = source(bytes, encoding_rs::UTF_8);
        assert_eq!(
            apply(
                bytes,
                &source,
                &[edit(source.text.len() - 3..source.text.len(), "x")]
            )
            .unwrap_err(),
            Unfixable::InvalidBytes { encoding: "UTF-8" }
        );
    }

    #[test]
    fn a_draft_saved_during_the_run_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "最低价，后来加的一句。\n").unwrap();
        let error = rewrite(&path, "最低价\n".as_bytes(), "超值价\n".as_bytes()).unwrap_err();
        assert!(matches!(error, NotWritten::Changed), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "最低价，后来加的一句。\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        rewrite(
            &path,
            "最低价，后来加的一句。\n".as_bytes(),
            "超值价\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "超值价\n");
    }

    #[test]
    fn diff_shows_the_changed_line() {
        let diff = unified_diff("a.md", "标题\n全网最低价\n结尾\n", "标题\n超值价\n结尾\n");
        assert!(diff.contains("--- a/a.md\n+++ b/a.md\n"), "{diff}");
        assert!(diff.contains("-全网最低价\n+超值价\n"), "{diff}");
    }
}
