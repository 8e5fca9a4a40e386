use super::*;

fn norm(text: &str) -> String {
    normalize(text, View::default()).text
}

/// The original text behind the first occurrence of `needle` in the normalized text.
fn behind<'a>(original: &'a str, view: View, needle: &str) -> &'a str {
    let normalized = normalize(original, view);
    let at = normalized
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", normalized.text));
    &original[normalized.original_span(at..at + needle.len())]
}

#[test]
fn width_and_case() {
    assert_eq!(norm("加ＶＸ领取"), "加vx领取");
    assert_eq!(norm("ＮＯ．１品牌"), "no.1品牌");
    assert_eq!(norm("Vx号"), "vx号");
    assert_eq!(behind("加ＶＸ领取", View::default(), "vx"), "ＶＸ");
}

#[test]
fn traditional_to_simplified() {
    assert_eq!(norm("轉發到朋友圈領取紅包"), "转发到朋友圈领取红包");
    assert_eq!(norm("集讚，全網銷量第一"), "集赞,全网销量第一");
    assert_eq!(behind("請轉發到朋友圈", View::default(), "转发"), "轉發");
}

#[test]
fn invisible_characters_are_removed() {
    assert_eq!(norm("转\u{200b}发\u{feff}到\u{00ad}朋友圈"), "转发到朋友圈");
    assert_eq!(behind("请转\u{200b}发", View::default(), "转发"), "转\u{200b}发");
    let normalized = normalize("转\u{200b}发", View::default());
    assert_eq!(normalized.original_pieces(0..6), [0..3, 6..9]);
}

#[test]
fn separators_next_to_chinese_are_removed() {
    assert_eq!(norm("转 发 到 朋 友 圈"), "转发到朋友圈");
    assert_eq!(norm("全-网-最-低-价"), "全网最低价");
    assert_eq!(norm("加🌟微🌟信"), "加微信");
    assert_eq!(norm("加 V 信"), "加v信");
    assert_eq!(norm("转　发"), "转发");
    assert_eq!(behind("买全-网-最-低-价", View::default(), "全网最低价"), "全-网-最-低-价");
    let normalized = normalize("全-网", View::default());
    assert!(normalized.crosses_separator(&(0..6)));
    assert!(!normalized.crosses_separator(&(0..3)));
}

#[test]
fn latin_words_numbers_and_enumerations_keep_their_separators() {
    assert_eq!(norm("new xbox"), "new xbox");
    assert_eq!(norm("2023-10-01"), "2023-10-01");
    assert_eq!(norm("最近、第一次"), "最近、第一次");
    assert_eq!(norm("好。 下一句"), "好。下一句");
}

#[test]
fn numerals() {
    assert_eq!(norm("①②⑩号"), "1210号");
    assert_eq!(norm("⑴❶"), "11");
    let digits = View { digits: true };
    assert_eq!(normalize("壹叁捌", digits).text, "138");
    assert_eq!(normalize("集齐十八个赞", digits).text, "集齐18个赞");
    assert_eq!(normalize("一百零五", digits).text, "105");
    assert_eq!(normalize("二十", digits).text, "20");
    assert_eq!(normalize("三万五千", digits).text, "35000");
    assert_eq!(behind("集齐十八个赞", digits, "18"), "十八");
    assert_eq!(norm("集齐十八个赞"), "集齐十八个赞");
}

#[test]
fn mixed_evasions_map_back() {
    let original = "轉\u{200b}發 到 朋友圈領 紅 包";
    assert_eq!(norm(original), "转发到朋友圈领红包");
    assert_eq!(behind(original, View::default(), "领红包"), "領 紅 包");
}
