//! One line per diagnostic: `path:line:col: severity rule-id message「text」`. A match across
//! a line break shows it as ⏎, so the line stays one line for the tools that read it.

use super::{quoted, FileResult};
use crate::rules::RuleSet;

pub fn render(rules: &RuleSet, file: &FileResult, out: &mut String) {
    for d in &file.diagnostics {
        let rule = d.rule(rules);
        out.push_str(&format!(
            "{}:{}:{}: {} {} {}{}\n",
            file.display_path(),
            d.start.line,
            d.start.column,
            d.severity,
            rule.id,
            rule.message,
            quoted(&d.text.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎"))
        ));
    }
}
