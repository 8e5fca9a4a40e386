//! JUnit XML report: one `<testsuite name="gzhlint">`, one `<testcase>` per linted file, one
//! `<failure>` per diagnostic (type = rule id). A file without diagnostics is a passing test.
//!
//! `tests` counts linted and skipped files, `skipped` the files not linted (binary, unreadable;
//! a `<skipped>` test case each) and `failures` the files with at least one diagnostic (so
//! `failures <= tests`, as CI dashboards expect). Each failure's text is the location, the
//! severity, the help, the suggestion and the clause.
//!
//! The counts open the document, so the testcases are rendered as files arrive and written
//! after the last one (the CLI spools them to a temporary file, not memory).

use super::{escape_markup, escape_markup_text, quoted, FileResult, Summary};
use crate::rules::RuleSet;

/// The XML declaration and the `<testsuite>` start tag with the run's counts.
pub fn start(summary: Summary) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"gzhlint\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
        summary.files + summary.skipped,
        summary.files_with_diagnostics,
        summary.skipped
    )
}

/// A file the run did not lint (binary, unreadable): a skipped test case.
pub fn skipped_testcase(path: &str, reason: &str) -> String {
    format!(
        "  <testcase classname=\"gzhlint\" name=\"{}\">\n    <skipped message=\"{}\"/>\n  </testcase>\n",
        escape_markup(path),
        escape_markup(reason)
    )
}

/// Closes the `<testsuite>` after the last test case.
pub const END: &str = "</testsuite>\n";

/// One file's `<testcase>`, appended to `out`.
pub fn testcase(rules: &RuleSet, file: &FileResult, out: &mut String) {
    let path = file.display_path();
    let open = format!(
        "  <testcase classname=\"gzhlint\" name=\"{}\"",
        escape_markup(&path)
    );
    if file.diagnostics.is_empty() {
        out.push_str(&open);
        out.push_str("/>\n");
        return;
    }
    out.push_str(&open);
    out.push_str(">\n");
    for d in &file.diagnostics {
        let rule = d.rule(rules);
        let message = format!("{}{}", rule.message, quoted(&d.text));
        let mut body = format!(
            "{path}:{}:{}: {} ({}) {} {message}",
            d.start.line,
            d.start.column,
            d.severity.name(),
            d.severity.chinese(),
            rule.id
        );
        if !rule.help.is_empty() {
            body.push_str(&format!("\nhelp: {}", rule.help));
        }
        if let Some(replace) = &rule.replace {
            body.push_str(&format!("\nsuggestion: 「{replace}」"));
        }
        if !rule.clause.is_empty() {
            body.push_str(&format!("\nclause: {}", rule.clause));
        }
        out.push_str(&format!(
            "    <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            escape_markup(&rule.id),
            escape_markup(&message),
            escape_markup_text(&body)
        ));
    }
    out.push_str("  </testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape_markup("a&b<c>\"d'\n\u{1}"),
            "a&amp;b&lt;c&gt;&quot;d&apos;&#10;\u{fffd}"
        );
    }
}
