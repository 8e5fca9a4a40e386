//! Stage 3: fold the evasions authors use against keyword lists, keeping an exact map back.
//!
//! Applied to block text and, when a pack is compiled, to rule phrases and term sets, so that
//! both sides meet in the same form:
//! - full-width → half-width (ＶＸ → vx) and ASCII case folding;
//! - traditional → simplified Chinese (zhconv, MediaWiki tables);
//! - zero-width and invisible characters removed;
//! - separators (spaces, `-*_·./|~`, emoji) removed when they stand next to a Chinese
//!   character, so 全-网-最-低-价 and 加 V 信 match — Latin words and numbers keep theirs;
//! - circled and parenthesised numerals → digits, and in the `digits` view Chinese numerals too;
//! - circled, parenthesised and squared Latin letters, and the Roman numerals Ⅴ Ⅹ, → letters;
//! - a few rare look-alikes → the characters they imitate (全网蕞低, 保夲保息);
//! - a pinyin syllable written for a character next to Chinese text (代shua, 下zhu, 吸dú) → that
//!   character, its tone marks dropped first.
//!
//! The map is a list of runs, not a table per byte: a run of copied text maps linearly, a
//! replaced character or phrase maps as a whole.

mod numerals;
mod pinyin;

use std::ops::Range;

/// Which normalized form a rule matches against.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct View {
    /// Chinese numerals (一二三, 壹贰叁, 十八) become digits.
    pub digits: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    normalized: u32,
    original: u32,
    normalized_len: u32,
    original_len: u32,
    /// The run copies the original byte for byte.
    exact: bool,
}

/// Normalized text with its map back to the text it came from.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    pub text: String,
    runs: Vec<Run>,
    /// Normalized offsets where a run of separators was removed between two kept characters.
    separator_gaps: Vec<u32>,
}

impl Normalized {
    /// Empty text with room for `capacity` bytes, its map to be built by the `push_*` methods.
    fn with_capacity(capacity: usize) -> Normalized {
        Normalized {
            text: String::with_capacity(capacity),
            runs: Vec::new(),
            separator_gaps: Vec::new(),
        }
    }

    fn run_at(&self, normalized: usize) -> usize {
        self.runs
            .partition_point(|r| (r.normalized + r.normalized_len) as usize <= normalized)
    }

    /// The original range that normalized `range` came from: from the first character's origin
    /// to the last one's, including anything removed in between.
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        let pieces = self.original_pieces(range);
        match (pieces.first(), pieces.last()) {
            (Some(first), Some(last)) => first.start..last.end,
            _ => 0..0,
        }
    }

    /// The original ranges of the characters in normalized `range`, merged where contiguous.
    /// Removed characters (separators, zero-width) between them are not part of any piece.
    pub fn original_pieces(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let mut pieces: Vec<Range<usize>> = Vec::new();
        if range.is_empty() {
            return pieces;
        }
        for run in &self.runs[self.run_at(range.start)..] {
            let run_start = run.normalized as usize;
            if run_start >= range.end {
                break;
            }
            let original = run.original as usize;
            let piece = if run.exact {
                let from = range.start.max(run_start) - run_start;
                let to = range.end.min(run_start + run.normalized_len as usize) - run_start;
                original + from..original + to
            } else {
                original..original + run.original_len as usize
            };
            match pieces.last_mut() {
                Some(last) if last.end == piece.start => last.end = piece.end,
                _ => pieces.push(piece),
            }
        }
        pieces
    }

    /// Whether separators were removed inside normalized `range`.
    pub fn crosses_separator(&self, range: &Range<usize>) -> bool {
        let first = self
            .separator_gaps
            .partition_point(|&g| (g as usize) <= range.start);
        self.separator_gaps
            .get(first)
            .is_some_and(|&g| (g as usize) < range.end)
    }

    fn push_exact(&mut self, text: &str, original: usize) {
        if text.is_empty() {
            return;
        }
        let normalized = self.text.len();
        self.text.push_str(text);
        if let Some(last) = self.runs.last_mut() {
            if last.exact
                && (last.normalized + last.normalized_len) as usize == normalized
                && (last.original + last.original_len) as usize == original
            {
                last.normalized_len += text.len() as u32;
                last.original_len += text.len() as u32;
                return;
            }
        }
        self.runs.push(Run {
            normalized: normalized as u32,
            original: original as u32,
            normalized_len: text.len() as u32,
            original_len: text.len() as u32,
            exact: true,
        });
    }

    fn push_replaced(&mut self, text: &str, original: Range<usize>) {
        if text.is_empty() {
            return;
        }
        let normalized = self.text.len();
        self.text.push_str(text);
        self.runs.push(Run {
            normalized: normalized as u32,
            original: original.start as u32,
            normalized_len: text.len() as u32,
            original_len: original.len() as u32,
            exact: false,
        });
    }
}

/// Sentence ends: Chinese 。！？；, ASCII !?; (full-width forms are folded to these), line breaks.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '\n' | '！' | '？' | '；')
}

/// Characters that carry no text: zero-width spaces and joiners, word joiner, BOM, soft hyphen,
/// variation selectors, and other format characters used to split words invisibly.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
        | '\u{034F}' | '\u{180E}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Pictographs used as separators (加🌟微🌟信); always removed.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{2794}' | '\u{2796}'..='\u{27BF}'
        | '\u{2B00}'..='\u{2BFF}' | '\u{2190}'..='\u{21FF}' | '\u{25A0}'..='\u{25FF}'
        | '\u{3030}' | '\u{303D}')
}

/// Punctuation and spaces inserted between characters to defeat keyword lists (after width
/// folding, so full-width forms are covered).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\u{a0}'
            | '-'
            | '*'
            | '_'
            | '·'
            | '.'
            | '/'
            | '|'
            | '~'
            | '&'
            | '@'
            | '`'
            | '^'
            | '+'
            | '='
            | '#'
            | '•'
            | '・'
            | '‧'
            | '∙'
            | '～'
            | '—'
            | '–'
            | '丶'
    ) || c.is_whitespace() && c != '\n'
}

/// The lower-case letter a circled, parenthesized or squared Latin letter stands for (ⓥ, Ⓥ,
/// ⒱, 🄥, 🄵, 🅥, 🅅): written for vx and wx to slip past a plain match.
fn enclosed_letter(c: char) -> Option<char> {
    let first = match c {
        'Ⓐ'..='Ⓩ' => 'Ⓐ',
        'ⓐ'..='ⓩ' => 'ⓐ',
        '⒜'..='⒵' => '⒜',
        '\u{1F110}'..='\u{1F129}' => '\u{1F110}',
        '\u{1F130}'..='\u{1F149}' => '\u{1F130}',
        '\u{1F150}'..='\u{1F169}' => '\u{1F150}',
        '\u{1F170}'..='\u{1F189}' => '\u{1F170}',
        _ => return None,
    };
    char::from_u32('a' as u32 + (c as u32 - first as u32))
}

/// A character of Chinese (or other non-ASCII) text, next to which separators are removed.
fn is_wide(c: char) -> bool {
    !c.is_ascii() && !is_separator(c)
}

/// Width and case folding of one character, plus ➕, circled numerals, enclosed letters, the
/// Roman numerals that stand for v and x, the thumbs-up written for 赞 (集满38个👍), the
/// [`look_alike`] characters drafts write for common ones, and the tone-marked vowels of pinyin
/// (吸dú, fěn丝), so that the syllable is read as if written without its tone;
/// `None` when the character stays as it is.
fn fold_char(c: char, buf: &mut [u8; 8]) -> Option<&str> {
    let folded = match c {
        '\u{FF01}'..='\u{FF5E}' => {
            let half = char::from_u32(c as u32 - 0xFEE0).expect("ASCII range");
            half.to_ascii_lowercase()
        }
        '\u{3000}' => ' ',
        '➕' => '+',
        '👍' => '赞',
        'A'..='Z' => c.to_ascii_lowercase(),
        // Roman numerals five and ten written for the letters of vx (ⅤⅩ, ⅴⅹ); the others are
        // left alone: Ⅱ型, 第Ⅲ期 are numbers.
        'Ⅴ' | 'ⅴ' => 'v',
        'Ⅹ' | 'ⅹ' => 'x',
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        _ => match enclosed_letter(c).or_else(|| look_alike(c)) {
            Some(letter) => letter,
            None => return numerals::circled(c),
        },
    };
    Some(folded.encode_utf8(buf))
}

/// Rare characters that drafts write for a common one they resemble, to slip a claim past a
/// word list (全网蕞低, 保夲保息, 一周廋8斤): in today's writing each occurs almost only so.
fn look_alike(c: char) -> Option<char> {
    match c {
        '蕞' => Some('最'),
        '夲' => Some('本'),
        '廋' => Some('瘦'),
        _ => None,
    }
}

/// Normalizes `text` for matching in `view`.
pub fn normalize(text: &str, view: View) -> Normalized {
    let plain = with_pinyin(normalize_plain(text));
    if view.digits {
        with_digits(&plain)
    } else {
        plain
    }
}

/// Reads the pinyin syllables of plain-view text as the characters they stand for; the map is
/// composed with the plain view's. Most text has none, and is returned as it is.
fn with_pinyin(plain: Normalized) -> Normalized {
    let syllables = pinyin::syllables(&plain.text);
    if syllables.is_empty() {
        return plain;
    }
    let text = plain.text.as_str();
    let mut read = Normalized::with_capacity(text.len());
    let mut at = 0;
    for (range, character) in syllables {
        read.push_exact(&text[at..range.start], at);
        read.push_replaced(character, range.clone());
        at = range.end;
    }
    read.push_exact(&text[at..], at);
    read.compose(&plain)
}

/// Whether [`with_digits`] can change `text` (normalized in the plain view): it rewrites only
/// Chinese numerals, which most paragraphs lack.
pub fn has_numerals(text: &str) -> bool {
    text.contains(numerals::is_numeral)
}

/// The `digits` view of text already normalized in the plain view: Chinese numeral runs become
/// digits, and the map is composed with the plain view's, so that a block needing both views is
/// normalized once.
pub fn with_digits(plain: &Normalized) -> Normalized {
    let text = plain.text.as_str();
    let mut digits = Normalized::with_capacity(text.len());
    let mut at = 0;
    while let Some(offset) = text[at..].find(numerals::is_numeral) {
        let start = at + offset;
        let Some(run) = numerals::chinese_run(&text[start..]) else {
            break;
        };
        digits.push_exact(&text[at..start], at);
        // A numeral written next to ASCII digits (王五13812345678) is a word, not part of the
        // number: leave it, so it cannot lengthen the number.
        let beside_digits = text[..start].ends_with(|c: char| c.is_ascii_digit())
            || text[start + run.len..].starts_with(|c: char| c.is_ascii_digit());
        match run.digits {
            Some(number) if !beside_digits => digits.push_replaced(&number, start..start + run.len),
            _ => digits.push_exact(&text[start..start + run.len], start),
        }
        at = start + run.len;
    }
    digits.push_exact(&text[at..], at);
    digits.compose(plain)
}

impl Normalized {
    /// Maps `self`, whose original is `inner`'s normalized text, back to `inner`'s original.
    fn compose(self, inner: &Normalized) -> Normalized {
        let mut runs = Vec::with_capacity(self.runs.len() + inner.runs.len());
        for run in &self.runs {
            let (start, end) = (
                run.original as usize,
                (run.original + run.original_len) as usize,
            );
            if !run.exact {
                let span = inner.original_span(start..end);
                runs.push(Run {
                    normalized: run.normalized,
                    original: span.start as u32,
                    normalized_len: run.normalized_len,
                    original_len: span.len() as u32,
                    exact: false,
                });
                continue;
            }
            for inner_run in &inner.runs[inner.run_at(start)..] {
                let inner_start = inner_run.normalized as usize;
                if inner_start >= end {
                    break;
                }
                let from = start.max(inner_start);
                let to = end.min(inner_start + inner_run.normalized_len as usize);
                let normalized = (run.normalized as usize + (from - start)) as u32;
                runs.push(if inner_run.exact {
                    Run {
                        normalized,
                        original: inner_run.original + (from - inner_start) as u32,
                        normalized_len: (to - from) as u32,
                        original_len: (to - from) as u32,
                        exact: true,
                    }
                } else {
                    Run {
                        normalized,
                        original: inner_run.original,
                        normalized_len: (to - from) as u32,
                        original_len: inner_run.original_len,
                        exact: false,
                    }
                });
            }
        }
        // A separator gap inside text that became digits stays inside it.
        let separator_gaps = inner
            .separator_gaps
            .iter()
            .map(|&gap| {
                let i = self
                    .runs
                    .partition_point(|r| r.original + r.original_len <= gap)
                    .min(self.runs.len().saturating_sub(1));
                match self.runs.get(i) {
                    Some(r) if r.exact || gap <= r.original => {
                        r.normalized + gap.saturating_sub(r.original).min(r.normalized_len)
                    }
                    Some(r) => r.normalized + r.normalized_len.min(1),
                    None => gap,
                }
            })
            .collect();
        Normalized {
            text: self.text,
            runs,
            separator_gaps,
        }
    }
}

/// MediaWiki's tables convert a few characters to rare simplified forms where everyday text (and
/// every rule) uses the common one (they would give 馀额 for 餘額, 锺 for 鍾); this undoes that.
fn everyday_simplified(c: char) -> char {
    match c {
        '馀' => '余',
        '锺' => '钟',
        _ => c,
    }
}

/// The plain view: everything but numerals.
fn normalize_plain(text: &str) -> Normalized {
    let mut out = Normalized::with_capacity(text.len());
    let converter = &*zhconv::converters::ZH_TO_HANS_CONVERTER;
    let mut replacements = converter
        .search(text)
        .filter(|(start, end, to)| &text[*start..*end] != *to)
        .peekable();
    // A run of separators waits here until the next kept character shows whether it sits
    // between Latin characters (kept) or next to a Chinese character (removed).
    let mut pending: Option<Range<usize>> = None;
    let mut pending_emoji = false;
    let mut buf = [0u8; 8];
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let len = c.len_utf8();
        while replacements.peek().is_some_and(|(start, _, _)| *start < at) {
            replacements.next();
        }
        let next_replacement = replacements
            .peek()
            .map_or(text.len(), |&(start, _, _)| start);
        // Most text stays as it is: copied a stretch at a time, not a character at a time.
        if pending.is_none() && at < next_replacement {
            let end = at + kept_as_is(&text[at..next_replacement]);
            if end > at {
                out.push_exact(&text[at..end], at);
                at = end;
                continue;
            }
        }
        if is_invisible(c) {
            at += len;
            continue;
        }
        if let Some(&(start, end, to)) = replacements.peek() {
            if start == at {
                replacements.next();
                flush_separators(
                    &mut out,
                    text,
                    &mut pending,
                    &mut pending_emoji,
                    to.chars().next(),
                );
                let mut folded = String::with_capacity(to.len());
                for t in to.chars().map(everyday_simplified) {
                    match fold_char(t, &mut buf) {
                        Some(f) => folded.push_str(f),
                        None => folded.push(t),
                    }
                }
                out.push_replaced(&folded, start..end);
                at = end;
                continue;
            }
        }
        let folded = fold_char(c, &mut buf);
        let first = folded.and_then(|f| f.chars().next()).unwrap_or(c);
        if is_emoji(first) || is_separator(first) {
            let range = pending.get_or_insert(at..at);
            range.end = at + len;
            pending_emoji |= is_emoji(first);
            at += len;
            continue;
        }
        flush_separators(
            &mut out,
            text,
            &mut pending,
            &mut pending_emoji,
            Some(first),
        );
        match folded {
            Some(folded) => {
                let folded = folded.to_string();
                out.push_replaced(&folded, at..at + len)
            }
            None => out.push_exact(&text[at..at + len], at),
        }
        at += len;
    }
    flush_separators(&mut out, text, &mut pending, &mut pending_emoji, None);
    out
}

/// The length of the longest prefix of `text` that normalization copies unchanged: no
/// invisible character, separator, emoji or character that folds.
fn kept_as_is(text: &str) -> usize {
    text.char_indices()
        .find(|&(_, c)| {
            if c.is_ascii() {
                c.is_ascii_uppercase() || is_separator(c)
            } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                // Chinese characters, the bulk of the text: only 丶 is a separator, and only
                // a few look-alikes fold.
                c == '丶' || look_alike(c).is_some()
            } else {
                is_invisible(c)
                    || is_emoji(c)
                    || is_separator(c)
                    || fold_char(c, &mut [0; 8]).is_some()
            }
        })
        .map_or(text.len(), |(at, _)| at)
}

/// Decides the fate of a pending run of separators now that `next` (the next kept character,
/// if any) is known.
fn flush_separators(
    out: &mut Normalized,
    text: &str,
    pending: &mut Option<Range<usize>>,
    pending_emoji: &mut bool,
    next: Option<char>,
) {
    let Some(range) = pending.take() else {
        return;
    };
    let emoji = std::mem::take(pending_emoji);
    let previous = out.text.chars().next_back();
    let removed = emoji || previous.is_some_and(is_wide) || next.is_some_and(is_wide);
    if removed {
        if previous.is_some() && next.is_some() {
            out.separator_gaps.push(out.text.len() as u32);
        }
        return;
    }
    let mut buf = [0u8; 8];
    for (offset, c) in text[range.clone()].char_indices() {
        let at = range.start + offset;
        if is_invisible(c) {
            continue;
        }
        match fold_char(c, &mut buf) {
            Some(folded) => {
                let folded = folded.to_string();
                out.push_replaced(&folded, at..at + c.len_utf8())
            }
            None => out.push_exact(c.encode_utf8(&mut buf), at),
        }
    }
}

#[cfg(test)]
mod tests;
