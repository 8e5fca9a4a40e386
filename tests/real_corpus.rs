//! Precision on real published articles (third-party, in ../shared/corpus/real when present):
//! ordinary content must get no `restrict` or `ban` diagnostic.

use std::path::Path;

use gzhlint::extract::Format;
use gzhlint::lint::lint_bytes;
use gzhlint::rules::{builtin, RuleSet, Severity};

#[test]
fn real_articles_get_no_restrict_or_ban() {
    let corpus = Path::new("../shared/corpus/real");
    if !corpus.is_dir() {
        eprintln!(
            "note: {} is not present; nothing to check",
            corpus.display()
        );
        return;
    }
    let rules = RuleSet::compile(builtin::load().unwrap()).unwrap();
    let mut linted = 0;
    let mut serious = Vec::new();
    for entry in ignore::WalkBuilder::new(corpus).build() {
        let entry = entry.unwrap();
        let path = entry.path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "html")
        ) {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        let result = lint_bytes(&rules, &bytes, Format::from_path(path)).unwrap();
        linted += 1;
        for d in &result.diagnostics {
            let rule = &rules.rules[d.rule];
            let line = format!(
                "{}:{}:{}: {} {} 「{}」",
                path.display(),
                d.start.line,
                d.start.column,
                d.severity,
                rule.id,
                d.text
            );
            if d.severity >= Severity::Restrict {
                serious.push(line);
            } else {
                eprintln!("warning in real corpus: {line}");
            }
        }
    }
    assert!(
        linted >= 20,
        "expected the real corpus to hold at least 20 articles, read {linted}"
    );
    assert!(
        serious.is_empty(),
        "restrict/ban on real articles:\n{}",
        serious.join("\n")
    );
}
