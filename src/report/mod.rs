//! Stage 7: reports. Each format turns linted files into text; the CLI prints it.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::filter::suppress::Suppressed;
use crate::rules::Severity;

/// `value` pretty-printed as an element of an array whose elements sit `indent` spaces in: the
/// streaming formats write their documents piece by piece in serde_json's pretty layout.
fn pretty_element<T: serde::Serialize>(value: &T, indent: usize) -> String {
    let text = serde_json::to_string_pretty(value).expect("JSON of owned data");
    let pad = " ".repeat(indent);
    // Pretty JSON escapes line breaks inside strings, so every '\n' here starts a line.
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// Emits `value` as the next element of a streamed array whose elements sit `indent` spaces
/// in (a comma before every element but the first) and counts it.
fn emit_element<T: serde::Serialize>(
    emitted: &mut usize,
    value: &T,
    indent: usize,
    emit: &mut impl FnMut(&str),
) {
    emit(if *emitted == 0 { "\n" } else { ",\n" });
    emit(&pretty_element(value, indent));
    *emitted += 1;
}

/// The `]` closing an array of `count` elements whose opening line sits `indent` spaces in.
fn array_end(count: usize, indent: usize) -> String {
    if count == 0 {
        "]".to_string()
    } else {
        format!("\n{}]", " ".repeat(indent))
    }
}

/// What the reporters need of one linted file.
#[derive(Debug)]
pub struct FileResult {
    /// As the user named it (relative paths stay relative).
    pub path: PathBuf,
    pub text: String,
    /// The fixes a report may offer, sorted by diagnostic (see `fix::offered`); only SARIF
    /// offers them, and they are computed only for it.
    pub fixes: Vec<crate::fix::Fix>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings hidden by inline suppressions, kept for auditing (JSON lists them).
    pub suppressed: Vec<Suppressed>,
}

impl FileResult {
    /// A result offering no fixes.
    pub fn new(path: PathBuf, text: String, diagnostics: Vec<Diagnostic>) -> FileResult {
        FileResult {
            path,
            text,
            fixes: Vec::new(),
            diagnostics,
            suppressed: Vec::new(),
        }
    }

    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// The English plural ending for `count` things: "1 file", "2 files".
pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A path as reports show it: with forward slashes on every platform.
pub fn display_path(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Counts for the summary line and the JSON summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub files_with_diagnostics: usize,
    pub skipped: usize,
    pub diagnostics: usize,
    pub warning: usize,
    pub restrict: usize,
    pub ban: usize,
    /// Hidden by inline suppressions.
    pub suppressed: usize,
    /// Known findings recorded in the `--baseline` file.
    pub baselined: usize,
}

impl Summary {
    pub fn of(files: &[FileResult], skipped: usize) -> Summary {
        let mut summary = Summary {
            skipped,
            ..Summary::default()
        };
        for file in files {
            summary.add(file);
        }
        summary
    }

    /// Counts one more linted file.
    pub fn add(&mut self, file: &FileResult) {
        self.files += 1;
        self.suppressed += file.suppressed.len();
        if !file.diagnostics.is_empty() {
            self.files_with_diagnostics += 1;
        }
        for d in &file.diagnostics {
            self.diagnostics += 1;
            match d.severity {
                Severity::Warning => self.warning += 1,
                Severity::Restrict => self.restrict += 1,
                Severity::Ban => self.ban += 1,
            }
        }
    }

    /// One line for people: files, then diagnostics by severity.
    pub fn line(&self) -> String {
        let skipped = if self.skipped > 0 {
            format!(" ({} skipped)", self.skipped)
        } else {
            String::new()
        };
        let mut hidden = Vec::new();
        if self.suppressed > 0 {
            hidden.push(format!("{} suppressed", self.suppressed));
        }
        if self.baselined > 0 {
            hidden.push(format!("{} in baseline", self.baselined));
        }
        let hidden = if hidden.is_empty() {
            String::new()
        } else {
            format!(" ({})", hidden.join(", "))
        };
        format!(
            "checked {} file{}{skipped}: {} diagnostic{} — {} 封号风险 ban, {} 限制功能 restrict, {} 警告 warning{hidden}",
            self.files,
            plural(self.files),
            self.diagnostics,
            plural(self.diagnostics),
            self.ban,
            self.restrict,
            self.warning
        )
    }
}

/// Matched text longer than this many characters is quoted in messages by its start and end:
/// no real finding comes near it (the longest over every fixture is 156), but a sentence
/// spelt in thousands of tags would otherwise repeat a whole page in each format's message.
const QUOTE_LIMIT: usize = 160;
const QUOTE_HEAD: usize = 120;
const QUOTE_TAIL: usize = 30;

/// The matched text for a message: 「text」, or 「start…end」 past [`QUOTE_LIMIT`] characters.
/// Machine formats keep the whole text in their own field.
pub fn quoted(text: &str) -> String {
    let chars = text.chars().count();
    if chars <= QUOTE_LIMIT {
        return format!("「{text}」");
    }
    let head: String = text.chars().take(QUOTE_HEAD).collect();
    let tail: String = text.chars().skip(chars - QUOTE_TAIL).collect();
    format!("「{head}…{tail}」")
}

/// Escapes element content: like [`escape_markup`], but line breaks stay literal for
/// readability.
pub fn escape_markup_text(text: &str) -> String {
    escape_markup(text).replace("&#10;", "\n")
}

/// Escapes text for XML (JUnit) or HTML (fixes) content and attribute values. Line breaks and
/// tabs become character references so attribute values keep them; characters XML 1.0 cannot
/// hold become U+FFFD.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_matched_text_is_quoted_by_its_ends() {
        assert_eq!(quoted("转发"), "「转发」");
        let limit = "中".repeat(QUOTE_LIMIT);
        assert_eq!(quoted(&limit), format!("「{limit}」"));
        let long = format!("开头{}结尾", "中".repeat(500));
        let shown = quoted(&long);
        assert!(
            shown.starts_with("「开头中") && shown.ends_with("中结尾」"),
            "{shown}"
        );
        assert_eq!(shown.chars().count(), QUOTE_HEAD + 1 + QUOTE_TAIL + 2);
    }
}
