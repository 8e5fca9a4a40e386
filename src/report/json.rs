//! The JSON report: one document, version 1, documented in the README.

use serde::Serialize;

use super::{array_end, emit_element, pretty_element, FileResult, Summary};
use crate::diagnostic::Diagnostic;
use crate::rules::{FixSafety, RuleSet};

#[derive(Serialize)]
struct SuppressedDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: JsonDiagnostic<'a>,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    path: String,
    rule: &'a str,
    category: &'a str,
    severity: &'a str,
    message: &'a str,
    help: &'a str,
    clause: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    text: &'a str,
    pieces: Vec<Piece>,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Piece {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct Fix<'a> {
    replacement: &'a str,
    safe: bool,
}

fn diagnostic<'a>(rules: &'a RuleSet, file: &FileResult, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let rule = d.rule(rules);
    JsonDiagnostic {
        path: file.display_path(),
        rule: &rule.id,
        category: &rule.category,
        severity: d.severity.name(),
        message: &rule.message,
        help: &rule.help,
        clause: &rule.clause,
        start: d.span.start,
        end: d.span.end,
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        text: &d.text,
        pieces: d
            .pieces
            .iter()
            .map(|p| Piece {
                start: p.start,
                end: p.end,
            })
            .collect(),
        fix: rule.replace.as_deref().map(|replacement| Fix {
            replacement,
            safe: rule.fix == FixSafety::Safe,
        }),
    }
}

/// Writes the document as files arrive, so a run over a large archive never holds every
/// finding: diagnostics stream out, suppressed findings and the summary close the document.
#[derive(Default)]
pub struct JsonStream {
    diagnostics: usize,
    suppressed: Vec<String>,
    skipped: Vec<String>,
}

impl JsonStream {
    pub fn start(&self) -> String {
        "{\n  \"version\": 1,\n  \"diagnostics\": [".to_string()
    }

    /// Emits the diagnostics of one more file, one at a time.
    pub fn file(&mut self, rules: &RuleSet, file: &FileResult, emit: &mut impl FnMut(&str)) {
        for d in &file.diagnostics {
            emit_element(&mut self.diagnostics, &diagnostic(rules, file, d), 4, emit);
        }
        for s in &file.suppressed {
            self.suppressed.push(pretty_element(
                &SuppressedDiagnostic {
                    diagnostic: diagnostic(rules, file, &s.diagnostic),
                    reason: s.reason.as_deref(),
                },
                4,
            ));
        }
    }

    /// A file the run did not lint (binary, unreadable), and why.
    pub fn skipped(&mut self, path: &str, reason: &str) {
        self.skipped.push(pretty_element(
            &serde_json::json!({ "path": path, "reason": reason }),
            4,
        ));
    }

    pub fn finish(self, summary: Summary) -> String {
        let mut out = array_end(self.diagnostics, 2);
        for (name, elements) in [("suppressed", &self.suppressed), ("skipped", &self.skipped)] {
            out.push_str(&format!(",\n  \"{name}\": ["));
            if !elements.is_empty() {
                out.push('\n');
                out.push_str(&elements.join(",\n"));
            }
            out.push_str(&array_end(elements.len(), 2));
        }
        let summary = serde_json::to_string_pretty(&summary).expect("JSON of owned data");
        out.push_str(",\n  \"summary\": ");
        out.push_str(&summary.replace('\n', "\n  "));
        out.push_str("\n}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics<'a>(rules: &'a RuleSet, file: &'a FileResult) -> Vec<JsonDiagnostic<'a>> {
        file.diagnostics
            .iter()
            .map(|d| diagnostic(rules, file, d))
            .collect()
    }

    /// The whole document for `files` and the `skipped` (path, reason) pairs.
    fn render(
        rules: &RuleSet,
        files: &[FileResult],
        skipped: &[(&str, &str)],
        summary: Summary,
    ) -> String {
        let mut stream = JsonStream::default();
        let mut out = stream.start();
        for file in files {
            stream.file(rules, file, &mut |text| out.push_str(text));
        }
        for (path, reason) in skipped {
            stream.skipped(path, reason);
        }
        out.push_str(&stream.finish(summary));
        out
    }

    /// The document as one value, the way serde_json would print it whole.
    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        diagnostics: Vec<JsonDiagnostic<'a>>,
        suppressed: Vec<SuppressedDiagnostic<'a>>,
        skipped: Vec<serde_json::Value>,
        summary: Summary,
    }

    /// The streamed text is exactly serde_json's pretty form of the whole document.
    #[test]
    fn streamed_document_is_pretty_json() {
        let rules = crate::rules::test_support::rule_set(
            "[[rule]]\nid = \"t.x\"\ncategory = \"t\"\nseverity = \"warning\"\nphrases = [\"紫色大象\"]",
        );
        let lint = |text: &str| {
            let extracted = crate::extract::extract(text, crate::extract::Format::Markdown);
            crate::lint::lint_blocks(&rules, text, &extracted.blocks)
        };
        let text = "紫色大象\n\n又一头紫色大象\n";
        let mut with = FileResult::new("a.md".into(), text.to_string(), lint(text));
        let hidden = with.diagnostics.pop().unwrap();
        with.suppressed.push(crate::filter::suppress::Suppressed {
            diagnostic: hidden,
            reason: Some("理由".to_string()),
        });
        let clean = FileResult::new("b.md".into(), String::new(), Vec::new());
        let rules_ref = &rules;
        let binary = [("c.md", "binary file, not a draft")];
        for (files, skipped) in [
            (vec![], &[][..]),
            (vec![clean], &binary[..]),
            (vec![with], &[][..]),
        ] {
            let summary = Summary::of(&files, skipped.len());
            let streamed = render(rules_ref, &files, skipped, summary);
            let rules = &rules;
            let whole = Document {
                version: 1,
                diagnostics: files.iter().flat_map(|f| diagnostics(rules, f)).collect(),
                suppressed: files
                    .iter()
                    .flat_map(|f| {
                        f.suppressed.iter().map(move |s| SuppressedDiagnostic {
                            diagnostic: diagnostic(rules, f, &s.diagnostic),
                            reason: s.reason.as_deref(),
                        })
                    })
                    .collect(),
                skipped: skipped
                    .iter()
                    .map(|(path, reason)| serde_json::json!({ "path": path, "reason": reason }))
                    .collect(),
                summary,
            };
            let mut pretty = serde_json::to_string_pretty(&whole).unwrap();
            pretty.push('\n');
            assert_eq!(streamed, pretty);
        }
    }
}
