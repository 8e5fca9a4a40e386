//! `--fix` and `--diff`: apply the `replace` suggestions that rules mark safe.
//!
//! A fix replaces the finding's source span only when that span holds the matched text verbatim
//! (no markup or entity inside it), so a rewrite can never break a document's structure.
//! Overlapping fixes resolve deterministically: the earliest wins. Files are rewritten
//! atomically in their own encoding, with their BOM and line endings.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::rules::{FixSafety, RuleSet};
use crate::source::SourceText;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// The safe edits for a file's diagnostics, sorted and without overlaps.
pub fn safe_edits(rules: &RuleSet, text: &str, diagnostics: &[Diagnostic]) -> Vec<Edit> {
    let mut edits: Vec<Edit> = diagnostics
        .iter()
        .filter_map(|d| {
            let rule = &rules.rules[d.rule];
            let replacement = rule.replace.as_ref()?;
            (rule.fix == FixSafety::Safe && text.get(d.span.clone()) == Some(d.text.as_str())).then(
                || Edit {
                    range: d.span.clone(),
                    replacement: replacement.clone(),
                },
            )
        })
        .collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        if kept
            .last()
            .is_none_or(|last| last.range.end <= edit.range.start)
        {
            kept.push(edit);
        }
    }
    kept
}

/// `text` with `edits` (sorted, non-overlapping) applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
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

/// The bytes of `text` in the file's original encoding, with its BOM; `None` when the encoding
/// cannot represent the new text.
pub fn encode(text: &str, source: &SourceText) -> Option<Vec<u8>> {
    let encoding = source.encoding;
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        let little = encoding == encoding_rs::UTF_16LE;
        if source.had_bom {
            bytes.extend_from_slice(if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        return Some(bytes);
    }
    if source.had_bom && encoding == encoding_rs::UTF_8 {
        bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    let (encoded, _, unmappable) = encoding.encode(text);
    if unmappable {
        return None;
    }
    bytes.extend_from_slice(&encoded);
    Some(bytes)
}

/// Replaces `path` with `bytes` through a temporary file in the same folder and a rename, so a
/// crash never leaves a half-written draft. Permissions are kept.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temp = tempfile::NamedTempFile::new_in(folder)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
        }
    }

    #[test]
    fn edits_apply_in_order() {
        let text = "全网最低价，全网最低价";
        let edits = [edit(0..15, "超值价"), edit(18..33, "超值价")];
        assert_eq!(apply(text, &edits), "超值价，超值价");
    }

    #[test]
    fn encodings_and_boms_are_kept() {
        let text = "超值价\r\n";
        for (encoding, bom) in [
            (encoding_rs::UTF_8, true),
            (encoding_rs::UTF_8, false),
            (encoding_rs::GBK, false),
            (encoding_rs::UTF_16LE, true),
            (encoding_rs::UTF_16BE, true),
        ] {
            let source = SourceText {
                text: text.to_string(),
                encoding,
                had_bom: bom,
                had_errors: false,
            };
            let bytes = encode(text, &source).unwrap();
            let decoded = crate::source::decode(&bytes).unwrap();
            assert_eq!(decoded.text, text, "{}", encoding.name());
            assert_eq!(decoded.had_bom, bom, "{}", encoding.name());
        }
        let big5 = SourceText {
            text: String::new(),
            encoding: encoding_rs::BIG5,
            had_bom: false,
            had_errors: false,
        };
        assert_eq!(encode("𠀀😀", &big5), None);
    }

    #[test]
    fn diff_shows_the_changed_line() {
        let diff = unified_diff("a.md", "标题\n全网最低价\n结尾\n", "标题\n超值价\n结尾\n");
        assert!(diff.contains("--- a/a.md\n+++ b/a.md\n"), "{diff}");
        assert!(diff.contains("-全网最低价\n+超值价\n"), "{diff}");
    }
}
