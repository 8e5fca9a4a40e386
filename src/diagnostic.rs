//! Stage 6: findings as diagnostics — rule, severity, exact source span and pieces, position.

use std::ops::Range;

use crate::rules::{Rule, RuleSet, Severity};

/// One finding in one file. Offsets are bytes of the decoded UTF-8 text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Effective severity (the rule's, or the configuration's override).
    pub severity: Severity,
    /// From the first source piece to the last.
    pub span: Range<usize>,
    /// The source ranges the matched text came from, one per piece split by markup.
    pub pieces: Vec<Range<usize>>,
    /// The matched text with markup removed.
    pub text: String,
    pub start: Position,
    pub end: Position,
}

/// 1-based line, and 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Diagnostic {
    pub fn rule<'r>(&self, rules: &'r RuleSet) -> &'r Rule {
        &rules.rules[self.rule]
    }
}

/// Puts diagnostics in report order: by position, then by rule id, so output is the same on
/// every run and for any thread count.
pub fn sort_diagnostics(rules: &RuleSet, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, &rules.rules[a.rule].id).cmp(&(
            b.span.start,
            b.span.end,
            &rules.rules[b.rule].id,
        ))
    });
}

/// Start offsets of every line, for offset → line/column without rescanning the file.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// (byte offset, characters from its line's start to it) every [`CHECKPOINT_BYTES`] or so
    /// along lines longer than that, sorted: a column then costs a bounded count, even with
    /// thousands of findings on a minified page of one line.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT_BYTES: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let (mut at, mut chars) = (start, 0);
            while end - at > CHECKPOINT_BYTES {
                let mut next = at + CHECKPOINT_BYTES;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                checkpoints.push((next, chars));
                at = next;
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// End of `line`, including its line break.
    pub fn line_end(&self, line: usize, text_len: usize) -> usize {
        self.starts.get(line + 1).copied().unwrap_or(text_len)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let (from, chars) = match self.checkpoints.partition_point(|&(at, _)| at <= offset) {
            0 => (start, 0),
            i if self.checkpoints[i - 1].0 > start => self.checkpoints[i - 1],
            _ => (start, 0),
        };
        Position {
            line: line + 1,
            column: chars + text[from..offset].chars().count() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "第一行\n第二行转发\r\nabc";
        let index = LineIndex::new(text);
        let at = text.find("转发").unwrap();
        assert_eq!(index.position(text, at), Position { line: 2, column: 4 });
        assert_eq!(
            index.position(text, text.len()),
            Position { line: 3, column: 4 }
        );
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn long_lines_count_the_same_from_checkpoints() {
        let line = "a转😀".repeat(3000);
        let text = format!("{line}\n{line}");
        let index = LineIndex::new(&text);
        assert!(index.checkpoints.len() > 4);
        for offset in (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .step_by(97)
        {
            let start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
            let expected = Position {
                line: text[..offset].matches('\n').count() + 1,
                column: text[start..offset].chars().count() + 1,
            };
            assert_eq!(index.position(&text, offset), expected, "at {offset}");
        }
    }
}
