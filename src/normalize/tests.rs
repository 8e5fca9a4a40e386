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
    assert_eq!(norm("集满38个👍领课"), "集满38个赞领课");
    assert_eq!(behind("集满38个👍领课", View::default(), "个赞"), "个👍");
    assert_eq!(norm("全网蕞低"), "全网最低");
    assert_eq!(norm("到期保夲保息"), "到期保本保息");
    assert_eq!(norm("一周廋8斤"), "一周瘦8斤");
    assert_eq!(behind("到期保夲保息", View::default(), "保本"), "保夲");
}

#[test]
fn traditional_to_simplified() {
    assert_eq!(norm("轉發到朋友圈領取紅包"), "转发到朋友圈领取红包");
    assert_eq!(norm("集讚，全網銷量第一"), "集赞,全网销量第一");
    assert_eq!(behind("請轉發到朋友圈", View::default(), "转发"), "轉發");
    // The everyday simplified forms, not MediaWiki's rarer 馀 and 锺.
    assert_eq!(norm("銀行卡餘額，鍾錶"), "银行卡余额,钟表");
}

#[test]
fn invisible_characters_are_removed() {
    assert_eq!(norm("转\u{200b}发\u{feff}到\u{00ad}朋友圈"), "转发到朋友圈");
    assert_eq!(
        behind("请转\u{200b}发", View::default(), "转发"),
        "转\u{200b}发"
    );
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
    assert_eq!(
        behind("买全-网-最-低-价", View::default(), "全网最低价"),
        "全-网-最-低-价"
    );
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
    assert_eq!(norm("加ⓥⓧ"), "加vx", "circled letters");
    assert_eq!(
        norm("Ⓥ⒳🅦🄧🅧"),
        "vxwxx",
        "capital, parenthesized, squared letters"
    );
    assert_eq!(
        norm("加ⅤⅩ、ⅴⅹ"),
        "加vx、vx",
        "Roman five and ten as letters"
    );
    assert_eq!(
        norm("Ⅱ型、第Ⅲ期"),
        "Ⅱ型、第Ⅲ期",
        "other Roman numerals stay"
    );
    assert_eq!(norm("⑴❶"), "11");
    assert_eq!(norm("集满㊳个赞，⓬号，㉑天"), "集满38个赞,12号,21天");
    let digits = View { digits: true };
    assert_eq!(normalize("壹叁捌", digits).text, "138");
    assert_eq!(normalize("集齐十八个赞", digits).text, "集齐18个赞");
    assert_eq!(normalize("一百零五", digits).text, "105");
    assert_eq!(normalize("二十", digits).text, "20");
    assert_eq!(normalize("三万五千", digits).text, "35000");
    assert_eq!(behind("集齐十八个赞", digits, "18"), "十八");
    assert_eq!(norm("集齐十八个赞"), "集齐十八个赞");
    assert_eq!(normalize("王五13812345678", digits).text, "王五13812345678");
    assert_eq!(normalize("兩週見效", digits).text, "2周见效");
    // A leading 万 multiplies nothing: the run is a word, left as written.
    assert_eq!(normalize("站上万亿", digits).text, "站上万亿");
    assert_eq!(normalize("万一出事", digits).text, "万一出事");
    assert_eq!(normalize("一万", digits).text, "10000");
}

#[test]
fn mixed_evasions_map_back() {
    let original = "轉\u{200b}發 到 朋友圈領 紅 包";
    assert_eq!(norm(original), "转发到朋友圈领红包");
    assert_eq!(behind(original, View::default(), "领红包"), "領 紅 包");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const PHRASES: [&str; 5] = [
        "转发到朋友圈",
        "全网最低价",
        "加微信",
        "领取红包",
        "集赞送礼",
    ];
    const TRADITIONAL: [(char, char); 8] = [
        ('转', '轉'),
        ('发', '發'),
        ('网', '網'),
        ('价', '價'),
        ('红', '紅'),
        ('领', '領'),
        ('赞', '讚'),
        ('礼', '禮'),
    ];
    const SEPARATORS: [&str; 10] = [" ", "　", "-", "*", "_", "·", "🌟", "\u{200b}", "|", " ~ "];
    const FILLER: [&str; 8] = ["今天", "天气", "不错", "，", "hello", " ", "。", "123"];

    /// A phrase with evasions applied to each character, and the text it is embedded in.
    fn evaded() -> impl Strategy<Value = (String, String)> {
        (
            0..PHRASES.len(),
            proptest::collection::vec((0..4u8, 0..SEPARATORS.len()), 8),
            proptest::collection::vec(0..FILLER.len(), 0..6),
            proptest::collection::vec(0..FILLER.len(), 0..6),
        )
            .prop_map(|(phrase, evasions, before, after)| {
                let phrase = PHRASES[phrase];
                let mut text: String = before.iter().map(|&i| FILLER[i]).collect();
                text.push('，');
                let count = phrase.chars().count();
                for (i, c) in phrase.chars().enumerate() {
                    let (how, separator) = evasions[i % evasions.len()];
                    let c = match how {
                        1 => TRADITIONAL
                            .iter()
                            .find(|(s, _)| *s == c)
                            .map_or(c, |(_, t)| *t),
                        _ => c,
                    };
                    text.push(c);
                    if how >= 2 && i + 1 < count {
                        text.push_str(SEPARATORS[separator]);
                    }
                }
                text.push('。');
                text.extend(after.iter().map(|&i| FILLER[i]));
                (phrase.to_string(), text)
            })
    }

    proptest! {
        #[test]
        fn matches_map_back_to_exact_original_slices((phrase, text) in evaded()) {
            let normalized = normalize(&text, View::default());
            let at = normalized.text.find(&phrase);
            prop_assert!(at.is_some(), "{:?} not found in {:?} (from {:?})", phrase, normalized.text, text);
            let at = at.unwrap();
            let span = normalized.original_span(at..at + phrase.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert_eq!(normalize(&text[span.clone()], View::default()).text, phrase.clone());
            for piece in normalized.original_pieces(at..at + phrase.len()) {
                prop_assert!(span.start <= piece.start && piece.end <= span.end);
                prop_assert!(text.is_char_boundary(piece.start) && text.is_char_boundary(piece.end));
            }
        }

        #[test]
        fn any_text_maps_every_range_to_char_boundaries(text in "\\PC{0,40}") {
            let normalized = normalize(&text, View { digits: true });
            let boundaries: Vec<usize> = normalized.text.char_indices().map(|(i, _)| i).chain([normalized.text.len()]).collect();
            for (i, &a) in boundaries.iter().enumerate() {
                for &b in &boundaries[i + 1..] {
                    let span = normalized.original_span(a..b);
                    prop_assert!(span.start <= span.end && span.end <= text.len());
                    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                }
            }
        }
    }
}

#[test]
fn pinyin_written_for_a_character() {
    assert_eq!(norm("代shua两百个点赞"), "代刷两百个点赞");
    assert_eq!(norm("去平台下ZHU，真人fen丝"), "去平台下注,真人粉丝");
    assert_eq!(norm("想看无ma原片"), "想看无码原片");
    assert_eq!(norm("代-shua好评"), "代刷好评");
    assert_eq!(
        behind("帮你代ＳＨＵＡ好评", View::default(), "刷"),
        "ＳＨＵＡ"
    );
    assert_eq!(behind("代-shua好评", View::default(), "代刷"), "代-shua");
    // A syllable that is part of an account id, a word or a number, or has no Chinese beside
    // it, stays as it is; so do the syllables the packs spell out themselves.
    assert_eq!(norm("加vx：fen2024"), "加vx:fen2024");
    assert_eq!(norm("微信号vx_zan"), "微信号vx_zan");
    assert_eq!(norm("加他威信 ma-banshi77"), "加他威信ma-banshi77");
    assert_eq!(norm("shua and zhu"), "shua and zhu");
    assert_eq!(norm("Linux补丁"), "linux补丁");
    assert_eq!(norm("加我wei信"), "加我wei信");
    // A syllable of more than one meaning is read by the characters beside it, or not at all.
    assert_eq!(norm("倍投下去稳zhuan不赔"), "倍投下去稳赚不赔");
    assert_eq!(norm("每天zhuan钱"), "每天赚钱");
    assert_eq!(norm("不zhuan的都不配养狗"), "不转的都不配养狗");
    assert_eq!(norm("都zhuan起来"), "都转起来");
    assert_eq!(norm("时时cai、六合cai都能下"), "时时彩、六合彩都能下");
    assert_eq!(norm("送88元cai金"), "送88元彩金");
    assert_eq!(norm("必有偏cai进门"), "必有偏财进门");
    assert_eq!(norm("每晚更新真实tou拍"), "每晚更新真实偷拍");
    assert_eq!(norm("剧tou了"), "剧tou了");
    assert_eq!(norm("躺着领分hong"), "躺着领分红");
    assert_eq!(norm("月底的抽jiang"), "月底的抽奖");
    assert_eq!(norm("长jiang大桥"), "长jiang大桥");
    assert_eq!(norm("附近寂寞少fu在线"), "附近寂寞少妇在线");
    assert_eq!(norm("午夜fu利视频"), "午夜福利视频");
    assert_eq!(norm("每天盘前给一只piao"), "每天盘前给一只票");
    assert_eq!(norm("在wai围下了两万"), "在外围下了两万");
    assert_eq!(norm("彻底跟早xie说再见"), "彻底跟早泄说再见");
    assert_eq!(norm("去fu州出差"), "去fu州出差");
    assert_eq!(norm("cai和du"), "cai和du");
    assert_eq!(norm("她私底下已经吸du好多年"), "她私底下已经吸毒好多年");
    assert_eq!(norm("每天du书一小时"), "每天du书一小时");
    assert_eq!(norm("小jie姐上门服务"), "小姐姐上门服务");
    assert_eq!(norm("jie下来"), "jie下来");
    assert_eq!(norm("亚pan让一球半"), "亚盘让一球半");
    assert_eq!(norm("pan点一下库存"), "pan点一下库存");
    assert_eq!(norm("露dian的截图"), "露点的截图");
    assert_eq!(norm("餐后血tang两周就降"), "餐后血糖两周就降");
    assert_eq!(norm("tang尿病人"), "糖尿病人");
    assert_eq!(norm("唐tang正正"), "唐tang正正");
    // Tone marks are dropped before a syllable is read.
    assert_eq!(norm("L某吸dú已经五六年了"), "l某吸毒已经五六年了");
    assert_eq!(norm("真人fěn丝"), "真人粉丝");
    assert_eq!(behind("真人fěn丝", View::default(), "粉"), "fěn");
    assert_eq!(norm("dian一下"), "dian一下");
    // In the digits view, on top of the plain one.
    assert_eq!(
        normalize("三百个fen丝", View { digits: true }).text,
        "300个粉丝"
    );
    assert_eq!(
        behind("三百个fen丝", View { digits: true }, "300个粉"),
        "三百个fen"
    );
}
