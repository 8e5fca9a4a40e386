//! miette graphical reports: the source line, an underline per piece, message, help, rule id
//! and clause, severity in Chinese and English.
//!
//! miette's own `SourceCode` for strings scans from the start of the file for every label; a
//! line index makes each report cost the lines it shows, not the file.

use std::fmt;
use std::ops::Range;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{quoted, FileResult};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::rules::{Rule, RuleSet, Severity};

/// A file's text with a line index, named for report headers.
pub struct IndexedSource<'a> {
    name: String,
    text: &'a str,
    lines: LineIndex,
}

impl<'a> IndexedSource<'a> {
    pub fn new(name: String, text: &'a str) -> IndexedSource<'a> {
        IndexedSource {
            name,
            lines: LineIndex::new(text),
            text,
        }
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let start_line = self.lines.line_of(start);
        let end_line = self.lines.line_of(end.saturating_sub(1).max(start));
        let first = start_line.saturating_sub(context_lines_before);
        let last = (end_line + context_lines_after).min(self.lines.line_count() - 1);
        // Without context miette shows the span alone; match its behaviour exactly.
        let data_start = if context_lines_before == 0 {
            start
        } else {
            self.lines.line_start(first)
        };
        let data_end = if context_lines_after == 0 {
            end
        } else {
            self.lines.line_end(last, self.text.len())
        };
        if data_end - data_start > LONG_CONTEXT {
            return Ok(Box::new(self.window(start, end, start_line, end_line)));
        }
        // miette's own `SourceCode` counts this column in bytes, and its header shows it:
        // count characters, as every other format does (a Chinese line's 5:7, not 5:15).
        let column = if context_lines_before == 0 {
            self.lines.position(self.text, start).column - 1
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            column,
            last - first,
        )))
    }
}

/// Context longer than this, in bytes (a minified page is one line of megabytes), is cut to a
/// window around the span: miette would copy and pad the whole line for every report, and it
/// panics past column 65,535.
const LONG_CONTEXT: usize = 2048;
/// Bytes shown on each side of a span in such a window (about 80 Chinese characters).
const WINDOW: usize = 240;

impl IndexedSource<'_> {
    /// The span with up to [`WINDOW`] bytes on each side, within its own lines.
    fn window(
        &self,
        start: usize,
        end: usize,
        start_line: usize,
        end_line: usize,
    ) -> MietteSpanContents<'_> {
        let mut from = start
            .saturating_sub(WINDOW)
            .max(self.lines.line_start(start_line));
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let line_end = self.lines.line_end(end_line, self.text.len());
        let line_end = line_end.max(end)
            - self.text[end..line_end.max(end)]
                .chars()
                .rev()
                .take_while(|&c| c == '\n' || c == '\r')
                .count();
        let mut to = (end + WINDOW).min(line_end).max(end);
        while !self.text.is_char_boundary(to) {
            to -= 1;
        }
        MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            (from, to - from).into(),
            start_line,
            self.lines.position(self.text, from).column - 1,
            end_line - start_line,
        )
    }
}

/// One diagnostic as miette sees it.
struct Report<'a> {
    rule: &'a Rule,
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource<'a>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rule.id)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = self.diagnostic.severity;
        write!(
            f,
            "{} {}: {}{}",
            severity.chinese(),
            severity,
            self.rule.message,
            quoted(&self.diagnostic.text)
        )
    }
}

impl std::error::Error for Report<'_> {}

impl MietteDiagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.rule.id))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Restrict | Severity::Ban => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut help = self.rule.help.clone();
        if let Some(replace) = &self.rule.replace {
            help.push_str(&format!("\n建议改为 suggestion:「{replace}」"));
        }
        help.push_str(&format!("\n依据 clause: {}", self.rule.clause));
        Some(Box::new(help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let category = self.rule.category.clone();
        let underlined = self.underlined();
        if underlined.len() < 2 {
            let primary = LabeledSpan::new_primary_with_span(Some(category), d.span.clone());
            return Some(Box::new(std::iter::once(primary)));
        }
        // miette cannot draw labels that overlap: a span over the whole match would push the
        // pieces' labels past its end, so a split match is underlined piece by piece.
        Some(Box::new(underlined.into_iter().enumerate().map(
            move |(i, piece)| {
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(format!("{category} 1")), piece)
                } else {
                    LabeledSpan::new_with_span(Some(format!("{}", i + 1)), piece)
                }
            },
        )))
    }
}

/// More pieces than this are underlined line by line, and more lines than this as one span:
/// miette's cost grows with the square of a report's labels (a phrase spelt in 20,000 `<span>`s
/// took 19 s and 3 GB), and a hundred numbered underlines tell a reader nothing more.
const MAX_LABELS: usize = 8;

impl Report<'_> {
    /// The source ranges to underline: the pieces, or their lines, or the whole span.
    fn underlined(&self) -> Vec<Range<usize>> {
        let d = self.diagnostic;
        if d.pieces.len() <= MAX_LABELS {
            return d.pieces.clone();
        }
        let mut lines: Vec<(usize, Range<usize>)> = Vec::new();
        for piece in &d.pieces {
            let line = self.source.lines.line_of(piece.start);
            if let Some((_, run)) = lines.last_mut().filter(|(last, _)| *last == line) {
                run.end = piece.end;
            } else if lines.len() == MAX_LABELS {
                return vec![d.span.clone()];
            } else {
                lines.push((line, piece.clone()));
            }
        }
        lines.into_iter().map(|(_, run)| run).collect()
    }
}

pub struct HumanRenderer {
    handler: GraphicalReportHandler,
}

impl HumanRenderer {
    pub fn new(color: bool) -> HumanRenderer {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        HumanRenderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .with_width(100)
                .with_context_lines(1),
        }
    }

    pub fn render(&self, rules: &RuleSet, file: &FileResult, out: &mut String) {
        if file.diagnostics.is_empty() {
            return;
        }
        let source = IndexedSource::new(file.display_path(), &file.text);
        for diagnostic in &file.diagnostics {
            let report = Report {
                rule: diagnostic.rule(rules),
                diagnostic,
                source: &source,
            };
            if self.handler.render_report(out, &report).is_err() {
                out.push_str(&format!("{report}\n"));
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_far_along_a_long_line_shows_a_window_of_it() {
        let text = format!(
            "{}稳赚不赔，{}",
            "正常的文字，".repeat(12_000),
            "后文。".repeat(500)
        );
        let indexed = IndexedSource::new("a.html".into(), &text);
        let at = text.find("稳赚不赔").unwrap();
        let span: SourceSpan = (at, "稳赚不赔".len()).into();
        let window = indexed.read_span(&span, 1, 1).unwrap();
        let data = std::str::from_utf8(window.data()).unwrap();
        assert!(
            data.contains("稳赚不赔") && data.len() <= 2 * WINDOW + 12,
            "{data}"
        );
        assert_eq!(window.line(), 0);
        // miette counts the header's column from the window's own.
        let before = text[window.span().offset()..at].chars().count();
        assert_eq!(window.column() + before, text[..at].chars().count());
    }

    /// The source ranges underlined for the first diagnostic of an HTML draft.
    fn underlined_in(html: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let rules = crate::rules::builtin::compiled().unwrap();
        let linted =
            crate::lint::lint_bytes(&rules, html.as_bytes(), crate::extract::Format::Html).unwrap();
        let diagnostic = &linted.diagnostics[0];
        let source = IndexedSource::new("a.html".into(), html);
        let report = Report {
            rule: diagnostic.rule(&rules),
            diagnostic,
            source: &source,
        };
        (report.underlined(), diagnostic.pieces.clone())
    }

    #[test]
    fn a_phrase_in_many_tags_is_underlined_by_line_then_as_a_whole() {
        let spelt = |phrase: &str, between: &str| -> String {
            let spans: Vec<String> = phrase
                .chars()
                .map(|c| format!("<span>{c}</span>"))
                .collect();
            format!("<p>{}</p>", spans.join(between))
        };
        let phrase = "转发到朋友圈领红包";
        let (few, pieces) = underlined_in(&spelt("转发到朋友圈", ""));
        assert_eq!((few.len(), &few), (6, &pieces));
        let (one_line, pieces) = underlined_in(&spelt(phrase, ""));
        assert_eq!(pieces.len(), 9);
        assert_eq!(one_line, vec![pieces[0].start..pieces[8].end]);
        let (three_lines, pieces) = underlined_in(
            &spelt(phrase, "")
                .replace("</span><span>领", "</span>\n<span>领")
                .replace("</span><span>朋", "</span>\n<span>朋"),
        );
        assert_eq!(three_lines.len(), 3, "{three_lines:?} of {pieces:?}");
        let (many_lines, pieces) = underlined_in(&spelt(phrase, "\n"));
        assert_eq!(many_lines, vec![pieces[0].start..pieces[8].end]);
    }

    #[test]
    fn indexed_source_matches_miettes_own() {
        let text = "第一行\n第二行有转发到朋友圈\n第三行\n第四行";
        let indexed = IndexedSource::new("a.md".into(), text);
        let at = text.find("转发").unwrap();
        let span: SourceSpan = (at, 6).into();
        for (before, after) in [(0, 0), (1, 1), (2, 2), (5, 5)] {
            let ours = indexed.read_span(&span, before, after).unwrap();
            let theirs = text.read_span(&span, before, after).unwrap();
            assert_eq!(ours.data(), theirs.data(), "context {before}/{after}");
            assert_eq!(ours.line(), theirs.line());
            assert_eq!(ours.span(), theirs.span());
            if before > 0 {
                assert_eq!(ours.column(), theirs.column());
            }
        }
        // The header's column counts characters (第二行有 = 4), where miette's counts bytes.
        let header = indexed.read_span(&span, 0, 0).unwrap();
        assert_eq!(header.column(), 4);
        assert_eq!(text.read_span(&span, 0, 0).unwrap().column(), 12);
    }
}
