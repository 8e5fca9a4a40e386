//! GitHub Actions workflow commands, one line per diagnostic, shown as annotations on the
//! pull request:
//!
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE-ID (严重度 severity)::MESSAGE「TEXT」 — HELP`
//!
//! `ban` and `restrict` become `::error`, `warning` becomes `::warning`. Columns count characters.
//! Escaping follows `@actions/core`: in the message `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; in
//! property values also `:` → `%3A` and `,` → `%2C`.

use super::{quoted, FileResult};
use crate::rules::{RuleSet, Severity};

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Ban | Severity::Restrict => "error",
        Severity::Warning => "warning",
    }
}

/// A file the run did not lint (binary, unreadable): a notice on it.
pub fn skipped(path: &str, reason: &str) -> String {
    format!(
        "::notice file={},title=gzhlint::{}\n",
        escape_property(path),
        escape_data(&format!("skipped: {reason}"))
    )
}

pub fn render(rules: &RuleSet, file: &FileResult, out: &mut String) {
    let path = escape_property(&file.display_path());
    for d in &file.diagnostics {
        let rule = d.rule(rules);
        let title = format!(
            "{} ({} {})",
            rule.id,
            d.severity.chinese(),
            d.severity.name()
        );
        let mut message = format!("{}{}", rule.message, quoted(&d.text));
        if !rule.help.is_empty() {
            message.push_str(" — ");
            message.push_str(&rule.help);
        }
        out.push_str(&format!(
            "::{} file={path},line={},col={},endLine={},endColumn={},title={}::{}\n",
            command(d.severity),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            escape_property(&title),
            escape_data(&message),
        ));
    }
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\r\nok: a,b"), "50%25%0D%0Aok: a,b");
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
    }
}
