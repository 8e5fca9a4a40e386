//! Ordinary sentences (and tables) that share words with violations (转发, 下载, 保, 办理, 转运,
//! 粉) must get no diagnostic of any level. Each line guards a phrasing a rule once flagged, or
//! could.

use gzhlint::extract::Format;
use gzhlint::lint::lint_bytes;
use gzhlint::rules::{builtin, RuleSet};

/// One sentence per line.
const ORDINARY: &str = include_str!("ordinary-sentences.txt");

#[test]
fn ordinary_sentences_get_no_diagnostic() {
    let rules = RuleSet::compile(builtin::load().unwrap()).unwrap();
    let flagged: Vec<String> = ORDINARY
        .lines()
        .filter(|line| !line.trim().is_empty())
        .flat_map(|sentence| {
            let linted = lint_bytes(&rules, sentence.as_bytes(), Format::Text).unwrap();
            linted
                .diagnostics
                .iter()
                .map(|d| format!("{}: {} 「{}」", sentence, rules.rules[d.rule].id, d.text))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}

/// An explainer's table puts the claim in one cell and the verdict in another (README, how
/// matching works): the row is one statement. An advertiser's table with the same claims is
/// still flagged.
#[test]
fn explainer_tables_are_read_row_by_row() {
    let rules = RuleSet::compile(builtin::load().unwrap()).unwrap();
    let ids = |markdown: &str| -> Vec<String> {
        lint_bytes(&rules, markdown.as_bytes(), Format::Markdown)
            .unwrap()
            .diagnostics
            .iter()
            .map(|d| rules.rules[d.rule].id.clone())
            .collect()
    };
    let explainer = "| 理财宣传里的说法 | 该怎么看 |\n|---|---|\n\
                     | 保本保息，年化百分之十五 | 违法承诺，多为非法集资 |\n\
                     | 稳赚不赔 | 违反监管规定 |\n";
    assert_eq!(ids(explainer), Vec::<String>::new());
    let advert = "| 产品 | 亮点 |\n|---|---|\n\
                  | 鑫盈一号 | 保本保息，年化百分之十五 |\n\
                  | 鑫盈二号 | 稳赚不赔 |\n";
    assert!(
        ids(advert)
            .iter()
            .any(|id| id == "false_advertising.guaranteed_return"),
        "{:?}",
        ids(advert)
    );
}
