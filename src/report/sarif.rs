//! SARIF 2.1.0 report (one document, one run), for code-scanning services such as GitHub's.
//!
//! Severity → SARIF `level`:
//!
//! | gzhlint severity      | SARIF level |
//! |-----------------------|-------------|
//! | `ban` (封号风险)       | `error`     |
//! | `restrict` (限制功能)  | `error`     |
//! | `warning` (警告)       | `warning`   |
//!
//! SARIF has no level between `warning` and `error`, so `ban` and `restrict` share `error`; the
//! gzhlint severity itself is kept in `properties.severity` of every rule and result.
//!
//! Positions: lines and columns are 1-based and columns count Unicode code points (the run
//! says `columnKind: "unicodeCodePoints"`); `endColumn` is one past the last character.
//! `charOffset`/`charLength` count code points of the decoded text. `byteOffset`/`byteLength`
//! are the diagnostic's byte span; they are written only when the file is UTF-8 without a BOM,
//! where offsets in the decoded text are offsets in the file. Each artifact records the
//! encoding the file was decoded from.
//!
//! A diagnostic whose text was split by markup (`全网<b>最低价</b>`) has one related location
//! per source piece. A rule with `replace` gets the fix `fix::plan` makes: the replacement in
//! the first piece, the others deleted, the markup between them left in place, written so that
//! it reads as the replacement (entities in HTML, character references for Markdown syntax).
//! The fixes come with the file (`fix::offered`): a safe one exactly when `--fix` would write
//! it, an unsafe one when `--fix` would write it were it safe, none where `--fix` refuses.

use serde_json::{json, Map, Value};

use super::{array_end, emit_element, pretty_element, quoted, FileResult};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::fix;
use crate::rules::{FixSafety, RuleSet, Severity};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/gzhlint/gzhlint";

/// How a linted file's text was decoded from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArtifactEncoding {
    /// The encoding's WHATWG name (`UTF-8`, `GBK`, `UTF-16LE` …).
    pub name: &'static str,
    /// The file started with a byte-order mark.
    pub had_bom: bool,
    /// Bytes invalid in the encoding were decoded as U+FFFD: offsets in the text are not
    /// offsets in the file.
    pub had_errors: bool,
}

impl ArtifactEncoding {
    pub const UTF8: ArtifactEncoding = ArtifactEncoding {
        name: "UTF-8",
        had_bom: false,
        had_errors: false,
    };

    /// Byte offsets into the decoded text are byte offsets into the file.
    fn byte_exact(self) -> bool {
        self.name == "UTF-8" && !self.had_bom && !self.had_errors
    }
}

/// SARIF `level` of a severity (see the table at the top of this file).
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Ban | Severity::Restrict => "error",
        Severity::Warning => "warning",
    }
}

/// Writes the log as files arrive, so a run over a large archive never holds every finding:
/// the results stream out, and the artifacts (one entry per linted file, needed for the
/// encodings and the results' artifact indexes) close the run. The caller holds the artifacts
/// back until the results end (the CLI spools them to a temporary file).
#[derive(Default)]
pub struct SarifStream {
    results: usize,
    artifacts: usize,
    /// One notification per file the run did not lint.
    skipped: Vec<Value>,
}

impl SarifStream {
    /// The log up to the opening of the results: the tool with every loaded rule.
    pub fn start(&self, rules: &RuleSet) -> String {
        let tool = json!({
            "driver": {
                "name": "gzhlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules.rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }
        });
        let tool = pretty_element(&tool, 6);
        format!(
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
            tool.trim_start()
        )
    }

    /// One more file, decoded from `encoding`: emits its results one at a time through `emit`
    /// and its artifact entry through `emit_artifact`.
    pub fn file(
        &mut self,
        rules: &RuleSet,
        file: &FileResult,
        encoding: ArtifactEncoding,
        emit: &mut impl FnMut(&str),
        emit_artifact: &mut impl FnMut(&str),
    ) {
        let index = self.artifacts;
        let uri = uri_of(&file.display_path());
        emit_element(
            &mut self.artifacts,
            &json!({ "location": { "uri": uri }, "encoding": encoding.name }),
            8,
            emit_artifact,
        );
        if file.diagnostics.is_empty() {
            return;
        }
        let regions = Regions::new(&file.text, encoding.byte_exact());
        let artifact_location = json!({ "uri": uri, "index": index });
        for (index, d) in file.diagnostics.iter().enumerate() {
            let fix = file
                .fixes
                .binary_search_by_key(&index, |f| f.diagnostic)
                .ok()
                .map(|at| &file.fixes[at]);
            let result = result(rules, d, fix, &file.text, &regions, &artifact_location);
            emit_element(&mut self.results, &result, 8, emit);
        }
    }

    /// Closes the results and opens the artifacts, which follow as emitted.
    pub fn end_results(&self) -> String {
        format!("{},\n      \"artifacts\": [", array_end(self.results, 6))
    }

    /// A file the run did not lint (binary, unreadable), and why: a note of the invocation.
    pub fn skipped(&mut self, path: &str, reason: &str) {
        self.skipped.push(json!({
            "level": "note",
            "message": { "text": format!("skipped: {reason}") },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri_of(path) } } }],
        }));
    }

    /// Closes the artifacts and ends the log, with the invocation's notes on skipped files.
    pub fn finish(self) -> String {
        let mut out = array_end(self.artifacts, 6);
        if !self.skipped.is_empty() {
            let invocations = json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": self.skipped,
            }]);
            out.push_str(",\n      \"invocations\": ");
            out.push_str(pretty_element(&invocations, 6).trim_start());
        }
        out.push_str("\n    }\n  ]\n}\n");
        out
    }
}

/// One SARIF result: the finding's location, its pieces when markup split it, and its fix.
fn result(
    rules: &RuleSet,
    d: &Diagnostic,
    fix: Option<&fix::Fix>,
    text: &str,
    regions: &Regions,
    artifact_location: &Value,
) -> Value {
    let rule = d.rule(rules);
    let mut result = json!({
        "ruleId": rule.id,
        "ruleIndex": d.rule,
        "level": level(d.severity),
        "message": { "text": format!("{}{}", rule.message, quoted(&d.text)) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location,
                "region": regions.region(d.span.start, d.span.end),
            }
        }],
        "properties": { "severity": d.severity.name() },
    });
    let result_map = result.as_object_mut().expect("an object");
    if d.pieces.len() > 1 {
        let related: Vec<Value> = d
            .pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                json!({
                    "id": i,
                    "message": {
                        "text": format!(
                            "片段 piece {}/{}「{}」",
                            i + 1,
                            d.pieces.len(),
                            &text[piece.clone()]
                        )
                    },
                    "physicalLocation": {
                        "artifactLocation": artifact_location,
                        "region": regions.region(piece.start, piece.end),
                    }
                })
            })
            .collect();
        result_map.insert("relatedLocations".into(), Value::Array(related));
    }
    if let (Some(replacement), Some(fix)) = (&rule.replace, fix) {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                let mut change = Map::new();
                change.insert(
                    "deletedRegion".into(),
                    regions.region(edit.range.start, edit.range.end),
                );
                if !edit.replacement.is_empty() {
                    change.insert(
                        "insertedContent".into(),
                        json!({ "text": edit.replacement }),
                    );
                }
                Value::Object(change)
            })
            .collect();
        result_map.insert(
            "fixes".into(),
            json!([{
                "description": { "text": format!("改为「{replacement}」") },
                "artifactChanges": [{
                    "artifactLocation": artifact_location,
                    "replacements": replacements,
                }],
                "properties": { "safe": rule.fix == FixSafety::Safe },
            }]),
        );
    }
    result
}

fn rule_descriptor(rule: &crate::rules::Rule) -> Value {
    let full = if rule.description.trim().is_empty() {
        &rule.message
    } else {
        &rule.description
    };
    let help = if rule.clause.is_empty() {
        rule.help.clone()
    } else {
        format!("{}\n依据 clause: {}", rule.help, rule.clause)
    };
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.message },
        "fullDescription": { "text": full },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "category": rule.category,
            "clause": rule.clause,
            "severity": rule.severity.name(),
            "pack": rule.pack,
        },
    })
}

/// Byte offsets → SARIF regions for one file.
struct Regions<'a> {
    text: &'a str,
    lines: LineIndex,
    /// Code points before the start of each line.
    chars_before_line: Vec<usize>,
    byte_exact: bool,
}

impl<'a> Regions<'a> {
    fn new(text: &'a str, byte_exact: bool) -> Regions<'a> {
        let lines = LineIndex::new(text);
        let mut chars_before_line = Vec::with_capacity(lines.line_count());
        let mut total = 0;
        for line in 0..lines.line_count() {
            chars_before_line.push(total);
            let start = lines.line_start(line);
            total += text[start..lines.line_end(line, text.len())]
                .chars()
                .count();
        }
        Regions {
            text,
            lines,
            chars_before_line,
            byte_exact,
        }
    }

    fn char_offset(&self, offset: usize) -> usize {
        let line = self.lines.line_of(offset);
        self.chars_before_line[line] + self.lines.position(self.text, offset).column - 1
    }

    fn region(&self, start: usize, end: usize) -> Value {
        let from = self.lines.position(self.text, start);
        let to = self.lines.position(self.text, end);
        let char_offset = self.char_offset(start);
        let mut region = json!({
            "startLine": from.line,
            "startColumn": from.column,
            "endLine": to.line,
            "endColumn": to.column,
            "charOffset": char_offset,
            "charLength": self.char_offset(end) - char_offset,
        });
        if self.byte_exact {
            let map = region.as_object_mut().expect("an object");
            map.insert("byteOffset".into(), json!(start));
            map.insert("byteLength".into(), json!(end - start));
        }
        region
    }
}

/// A report path as a URI reference: forward slashes, and every byte that may not stand in a
/// URI path (spaces, `%`, `#`, `?`, non-ASCII …) percent-encoded as UTF-8. A Windows absolute
/// path (`C:\…`) becomes a `file:` URI; a relative path whose first segment holds `:` gets `./` so it is not
/// read as a scheme.
pub fn uri_of(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let mut uri = String::with_capacity(path.len() + 8);
    if drive {
        uri.push_str("file:///");
    } else if !path.starts_with('/')
        && path
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'))
    {
        uri.push_str("./");
    }
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri_of("drafts/a.md"), "drafts/a.md");
        assert_eq!(uri_of("drafts\\a b.md"), "drafts/a%20b.md");
        assert_eq!(uri_of("稿件/100%#1.md"), "%E7%A8%BF%E4%BB%B6/100%25%231.md");
        assert_eq!(uri_of("C:\\x\\a.md"), "file:///C:/x/a.md");
        assert_eq!(uri_of("a:b.md"), "./a:b.md");
        assert_eq!(uri_of("/tmp/a.md"), "/tmp/a.md");
    }

    /// The streamed log is pretty JSON, line for line as serde_json prints the parsed value
    /// (key order aside), and each result points at its own file's artifact.
    #[test]
    fn streamed_log_is_pretty_json() {
        let rules = crate::rules::test_support::rule_set(
            "[[rule]]\nid = \"t.x\"\ncategory = \"t\"\nseverity = \"ban\"\nphrases = [\"紫色大象\"]",
        );
        let lint = |path: &str, text: &str| {
            let extracted = crate::extract::extract(text, crate::extract::Format::Markdown);
            let diagnostics = crate::lint::lint_blocks(&rules, text, &extracted.blocks);
            FileResult::new(path.into(), text.to_string(), diagnostics)
        };
        let files = [
            lint("clean.md", "灰色小猫\n"),
            lint("a b.md", "紫色大象\n\n又一头紫色大象\n"),
        ];
        for files in [&files[..0], &files[..1], &files[..]] {
            let mut stream = SarifStream::default();
            let (mut log, mut artifacts) = (stream.start(&rules), String::new());
            for file in files {
                stream.file(
                    &rules,
                    file,
                    ArtifactEncoding::UTF8,
                    &mut |text| log.push_str(text),
                    &mut |text| artifacts.push_str(text),
                );
            }
            log.push_str(&stream.end_results());
            log.push_str(&artifacts);
            log.push_str(&stream.finish());
            let value: Value = serde_json::from_str(&log).unwrap();
            let sorted = |text: &str| {
                let mut lines: Vec<String> = text
                    .lines()
                    .map(|l| l.trim_end_matches(',').to_string())
                    .collect();
                lines.sort();
                lines
            };
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(sorted(&log), sorted(&pretty), "{log}");
            let run = &value["runs"][0];
            assert_eq!(run["artifacts"].as_array().unwrap().len(), files.len());
            let results = run["results"].as_array().unwrap();
            assert_eq!(results.len(), if files.len() == 2 { 2 } else { 0 });
            for result in results {
                let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
                assert_eq!(location["index"], 1);
                assert_eq!(location["uri"], "a%20b.md");
                assert_eq!(run["artifacts"][1]["location"]["uri"], "a%20b.md");
            }
        }
    }

    #[test]
    fn regions_count_code_points() {
        let text = "第一行\n全网最低价";
        let regions = Regions::new(text, true);
        let start = text.find("最低").unwrap();
        let region = regions.region(start, start + "最低价".len());
        assert_eq!(
            region,
            json!({
                "startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 6,
                "charOffset": 6, "charLength": 3,
                "byteOffset": start, "byteLength": 9,
            })
        );
        let regions = Regions::new(text, false);
        assert!(regions.region(start, start + 3).get("byteOffset").is_none());
    }
}
