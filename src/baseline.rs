//! Baselines for existing content: `--write-baseline FILE` records today's findings,
//! `--baseline FILE` reports only new ones.
//!
//! A finding is identified by its file, rule, matched text and the text around it on its line,
//! not by its position, so edits elsewhere in the file do not bring it back. The file is named
//! by its path relative to the baseline file's folder, so it matches however its path was
//! typed (`drafts/a.md`, `./drafts/a.md`, an absolute path) and wherever gzhlint runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::error::SpannedError;
use crate::rules::RuleSet;

/// Characters of context kept on each side of a finding.
const CONTEXT: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub text: String,
    pub context: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// The entry that identifies `diagnostic` in `text` (the file's decoded text).
pub fn entry(rules: &RuleSet, path: &str, text: &str, diagnostic: &Diagnostic) -> Entry {
    let line_start = text[..diagnostic.span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[diagnostic.span.end..]
        .find('\n')
        .map_or(text.len(), |i| diagnostic.span.end + i);
    let before: String = {
        let chars: Vec<char> = text[line_start..diagnostic.span.start].chars().collect();
        chars[chars.len().saturating_sub(CONTEXT)..]
            .iter()
            .collect()
    };
    let after: String = text[diagnostic.span.end..line_end]
        .chars()
        .take(CONTEXT)
        .collect();
    Entry {
        path: path.to_string(),
        rule: rules.rules[diagnostic.rule].id.clone(),
        text: diagnostic.text.clone(),
        context: format!(
            "{}⟦{}⟧{}",
            before.trim_start(),
            &text[diagnostic.span.clone()],
            after.trim_end()
        ),
    }
}

/// The folder the paths of the baseline file `baseline` are relative to: its own.
pub fn root(baseline: &Path) -> PathBuf {
    let folder = match baseline.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf())
}

/// How a baseline rooted at `root` names `file`: relative to `root`, with `/` separators; a
/// path that cannot be resolved (`--stdin` with a made-up name) is kept as given.
pub fn path_key(root: &Path, file: &Path) -> String {
    let relative = file
        .canonicalize()
        .ok()
        .and_then(|file| pathdiff::diff_paths(file, root));
    relative
        .as_deref()
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Recorded findings, each usable once (two identical findings need two entries).
#[derive(Debug, Default)]
pub struct Baseline {
    /// The folder the recorded paths are relative to (see [`root`]).
    root: PathBuf,
    remaining: HashMap<Entry, usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, SpannedError> {
        let origin = path.display().to_string();
        let mut text = SpannedError::read(path, "baseline")?;
        // Editors on Windows save JSON with a byte-order mark, which serde_json refuses.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            let text = Arc::new(text.clone());
            let offset = text
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + e.column().saturating_sub(1);
            let offset = offset.min(text.len());
            SpannedError::new(
                &origin,
                &text,
                Some(offset..offset),
                format!("invalid baseline: {e}"),
            )
            .with_help("write one with `gzhlint check --write-baseline FILE`")
        })?;
        if file.version != 1 {
            return Err(SpannedError::new(
                &origin,
                &Arc::new(text),
                None,
                format!("unsupported baseline version {}", file.version),
            ));
        }
        let mut remaining = HashMap::new();
        for entry in file.findings {
            *remaining.entry(entry).or_insert(0) += 1;
        }
        Ok(Baseline {
            root: root(path),
            remaining,
        })
    }

    /// How this baseline names `file` (see [`path_key`]).
    pub fn key(&self, file: &Path) -> String {
        path_key(&self.root, file)
    }

    /// The entries recorded for the file this baseline names `key`, for a worker to use up on
    /// its own.
    pub fn for_key(&self, key: &str) -> Baseline {
        Baseline {
            root: self.root.clone(),
            remaining: self
                .remaining
                .iter()
                .filter(|(entry, _)| entry.path == key)
                .map(|(entry, count)| (entry.clone(), *count))
                .collect(),
        }
    }

    /// Whether `entry` was recorded (and not yet used up).
    pub fn take(&mut self, entry: &Entry) -> bool {
        match self.remaining.get_mut(entry) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }
}

/// Whether `--write-baseline` may write `path`: nothing is there, or a baseline is. Anything
/// else, such as a draft named by mistake, is kept.
pub fn may_overwrite(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        || Baseline::load(path).is_ok()
}

/// The baseline document for these entries, sorted for stable diffs.
pub fn render(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| (&a.path, &a.rule, &a.context).cmp(&(&b.path, &b.rule, &b.context)));
    let mut text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings: entries,
    })
    .expect("JSON of owned data");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_edits_elsewhere_and_are_used_once() {
        let rules = crate::rules::test_support::rule_set(
            "[[rule]]\nid = \"t.x\"\ncategory = \"t\"\nseverity = \"warning\"\nphrases = [\"紫色大象\"]",
        );
        let lint = |text: &str| {
            let extracted = crate::extract::extract(text, crate::extract::Format::Markdown);
            crate::lint::lint_blocks(&rules, text, &extracted.blocks)
        };
        let before = "第一段\n\n这里有紫色大象。\n\n那里也有紫色大象！\n";
        let entries: Vec<Entry> = lint(before)
            .iter()
            .map(|d| entry(&rules, "a.md", before, d))
            .collect();
        assert_eq!(entries[0].context, "这里有⟦紫色大象⟧。");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, render(entries)).unwrap();

        let after = "新加的一段\n\n第一段改了\n\n这里有紫色大象。\n\n那里也有紫色大象！\n\n新的紫色大象。\n";
        let mut baseline = Baseline::load(&path).unwrap();
        let new: Vec<String> = lint(after)
            .iter()
            .map(|d| entry(&rules, "a.md", after, d))
            .filter(|e| !baseline.take(e))
            .map(|e| e.context)
            .collect();
        assert_eq!(new, ["新的⟦紫色大象⟧。"]);
    }

    #[test]
    fn a_broken_baseline_is_an_error_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "{\n  \"version\": 1,\n  \"findings\": [oops]\n}\n").unwrap();
        let e = Baseline::load(&path).unwrap_err();
        assert_eq!(e.line(), Some(3));
        assert!(e.message.starts_with("invalid baseline"), "{}", e.message);
    }
}
