//! Property tests of the whole pipeline with the built-in packs: drafts assembled at random from
//! markup, evasions and phrases the packs flag never panic, and every diagnostic points at real
//! source bytes — the source map, not a search back in the source, decides where a finding is.

use std::sync::OnceLock;

use gzhlint::diagnostic::{LineIndex, Position};
use gzhlint::extract::Format;
use gzhlint::lint::lint_bytes;
use gzhlint::rules::{builtin, RuleSet};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::compile(builtin::load().unwrap()).unwrap())
}

/// Pieces drafts are made of: phrases the packs flag (some with evasions), near-misses, HTML
/// and Markdown markup (some of it broken), entities, line breaks and odd characters.
const FRAGMENTS: &[&str] = &[
    "转发到朋友圈即可领取红包",
    "转 发",
    "轉發",
    "转\u{200b}发",
    "薇信",
    "加V",
    "全网最低价",
    "国家级",
    "包治百病",
    "稳赚不赔",
    "代开发票",
    "身份证号11010519491231002X",
    "手机13812345678",
    "卡号6222020200112233445",
    "第一章",
    "最近",
    "分享一下经验",
    "辟谣：",
    "警惕",
    "震惊！",
    "。",
    "，",
    "！",
    "？",
    "｜",
    "\n",
    "\n\n",
    "\r\n",
    "\u{feff}",
    "\u{3000}",
    "\u{0301}",
    "😀",
    "Ｆ",
    "一二三",
    "<p>",
    "</p>",
    "<span leaf=\"\">",
    "</span>",
    "<section style=\"color:red\">",
    "</section>",
    "<br>",
    "<h1 class=\"rich_media_title\">",
    "</h1>",
    "<h2>",
    "<table><tr><td>",
    "</td><td>",
    "</tr>",
    "<script>var a = '转发';</script>",
    "<!-- gzhlint-disable-next-line -->",
    "<!--",
    "-->",
    "&nbsp;",
    "&amp;",
    "&#x8F6C;",
    "&#36716;",
    "&bogus;",
    "&",
    "<",
    ">",
    "\"",
    "# ",
    "## ",
    "**",
    "*",
    "`",
    "```\n",
    "[",
    "](https://example.com)",
    "> ",
    "- ",
    "1. ",
    "| 项目 | 说明 |\n|---|---|\n| ",
    " | ",
    "\\",
    "~~",
    "---\n",
];

fn draft() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..80).prop_map(|v| v.concat())
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Markdown),
        Just(Format::Html),
        Just(Format::Text)
    ]
}

/// Lints `bytes` and checks every diagnostic's span, pieces and positions against the decoded text.
fn check_spans(bytes: &[u8], format: Format) -> Result<(), TestCaseError> {
    let Ok(linted) = lint_bytes(rules(), bytes, format) else {
        return Ok(()); // binary: nothing to lint
    };
    let text = &linted.source.text;
    let lines = LineIndex::new(text);
    for d in &linted.diagnostics {
        let id = &rules().rules[d.rule].id;
        prop_assert!(!d.pieces.is_empty(), "{id}: no pieces");
        prop_assert!(d.span.start < d.span.end, "{id}: empty span {:?}", d.span);
        prop_assert!(
            d.span.end <= text.len(),
            "{id}: span {:?} past the end",
            d.span
        );
        prop_assert_eq!(
            d.span.start,
            d.pieces[0].start,
            "{}: span starts off its first piece",
            id
        );
        prop_assert_eq!(
            d.span.end,
            d.pieces.last().unwrap().end,
            "{}: span ends off its last piece",
            id
        );
        for pair in d.pieces.windows(2) {
            prop_assert!(
                pair[0].end <= pair[1].start,
                "{id}: pieces out of order {:?}",
                d.pieces
            );
        }
        for piece in &d.pieces {
            prop_assert!(piece.start < piece.end, "{id}: empty piece {:?}", piece);
            prop_assert!(
                text.is_char_boundary(piece.start) && text.is_char_boundary(piece.end),
                "{id}: piece {:?} splits a character",
                piece
            );
        }
        prop_assert!(!d.text.is_empty(), "{id}: no matched text");
        prop_assert_eq!(d.start, lines.position(text, d.span.start));
        prop_assert_eq!(d.end, lines.position(text, d.span.end));
    }
    Ok(())
}

/// (rule id, start, end, matched text without CR) of every diagnostic of `text`.
fn findings(text: &str, format: Format) -> Vec<(String, Position, Position, String)> {
    let linted = lint_bytes(rules(), text.as_bytes(), format).unwrap();
    linted
        .diagnostics
        .iter()
        .map(|d| {
            let id = rules().rules[d.rule].id.clone();
            (id, d.start, d.end, d.text.replace('\r', ""))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn diagnostics_point_at_source_bytes(text in draft(), format in format()) {
        check_spans(text.as_bytes(), format)?;
    }

    /// A draft saved with Windows or classic Mac line breaks reads exactly as with Unix ones:
    /// the same findings at the same lines and columns.
    #[test]
    fn windows_and_mac_line_breaks_change_nothing(text in draft(), format in format()) {
        let unix = text.replace('\r', "");
        let windows = unix.replace('\n', "\r\n");
        prop_assert_eq!(findings(&unix, format), findings(&windows, format));
        let mac = unix.replace('\n', "\r");
        prop_assert_eq!(findings(&unix, format), findings(&mac, format));
    }

    /// Any bytes at all — truncated UTF-8, legacy encodings, NULs — decode or are refused as
    /// binary, and what decodes lints without a panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        prefix in draft(),
        noise in proptest::collection::vec(any::<u8>(), 0..200),
        format in format(),
    ) {
        let mut bytes = prefix.into_bytes();
        bytes.extend_from_slice(&noise);
        check_spans(&bytes, format)?;
    }
}
