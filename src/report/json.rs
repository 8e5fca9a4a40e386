//! The JSON report: one document, version 1, documented in the README.

use serde::Serialize;

use super::{FileResult, Summary};
use crate::diagnostic::Diagnostic;
use crate::rules::{FixSafety, RuleSet};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Findings hidden by inline suppressions, with the reason given, for reviewers.
    suppressed: Vec<SuppressedDiagnostic<'a>>,
    summary: Summary,
}

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

pub fn diagnostics<'a>(rules: &'a RuleSet, file: &'a FileResult) -> Vec<JsonDiagnostic<'a>> {
    file.diagnostics
        .iter()
        .map(|d| diagnostic(rules, file, d))
        .collect()
}

fn diagnostic<'a>(rules: &'a RuleSet, file: &FileResult, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    {
        {
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
    }
}

pub fn render(rules: &RuleSet, files: &[FileResult], summary: Summary) -> String {
    let document = Document {
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
        summary,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("JSON of owned data");
    text.push('\n');
    text
}
