//! Pinyin written in place of a character (代shua, 下zhu, 真人fen丝, 无ma): the syllable stands
//! for the one character authors mean by it in these drafts.

/// Syllables read as one character when they stand alone next to Chinese text. Only those whose
/// meaning in such drafts is one character; the others are read by the characters beside
/// them ([`BY_NEIGHBOURS`]), and wei and xin are not read: the packs keep their spellings
/// (wei信, 微xin) as evasive contact words of their own.
const SYLLABLES: &[(&str, &str)] = &[
    ("chuang", "床"),
    ("fa", "发"),
    ("fen", "粉"),
    ("gu", "股"),
    ("luo", "裸"),
    ("ma", "码"),
    ("shua", "刷"),
    ("tuo", "脱"),
    ("yan", "烟"),
    ("zan", "赞"),
    ("zhu", "注"),
    ("zui", "最"),
];

/// Syllables with more than one meaning in such drafts, read only where a character beside them
/// settles it: (syllable, character, characters before, characters after). The first row that
/// fits wins; without one the syllable stays as it is. 稳zhuan不赔 and zhuan钱 are 赚, any other
/// zhuan beside Chinese (zhuan发, 不zhuan的, 都zhuan起来) is 转; 时时cai and cai票 are 彩, 偏cai
/// and cai运 are 财; tou拍 is 偷, tou注 is 投; 分hong and hong包 are 红, 抽jiang is 奖; 少fu,
/// fu利, fu务, fu助 are 妇, 福, 服, 辅; 早xie is 早泄; piao客 is 嫖, 一只piao is 票; wai围 is 外;
/// 吸du and du品 are 毒 (other du may be 读); 小jie is 小姐; 亚pan and pan口 are 盘; 露dian is 点;
/// 血tang and tang尿病 are 糖.
const BY_NEIGHBOURS: &[(&str, &str, &str, &str)] = &[
    ("zhuan", "赚", "稳躺狂净猛爆血白", "钱翻疯爆麻"),
    ("zhuan", "转", "", ""),
    ("cai", "彩", "时六合体福竞博", "票金民"),
    ("cai", "财", "发偏横理招", "运神富源气"),
    ("tou", "偷", "", "拍窥录"),
    ("tou", "投", "", "注资币"),
    ("hong", "红", "分领发抢", "包利"),
    ("jiang", "奖", "抽中领得获颁", "品金励券"),
    ("fu", "妇", "少", "女"),
    ("fu", "福", "", "利"),
    ("fu", "服", "", "务"),
    ("fu", "辅", "", "助"),
    ("xie", "泄", "早", ""),
    ("piao", "嫖", "", "娼客"),
    ("piao", "票", "只支张", ""),
    ("wai", "外", "", "围挂"),
    ("du", "毒", "吸贩制涉", "品贩瘾枭"),
    ("jie", "姐", "小", ""),
    ("pan", "盘", "亚操", "口"),
    ("dian", "点", "露", ""),
    ("tang", "糖", "血白红冰蔗果", "尿分"),
];

/// The character `syllable` stands for between `before` and `after`, if one does.
fn reading(syllable: &str, before: Option<char>, after: Option<char>) -> Option<&'static str> {
    if let Some(&(_, character)) = SYLLABLES.iter().find(|(s, _)| *s == syllable) {
        return Some(character);
    }
    let beside = |chars: &str, c: Option<char>| c.is_some_and(|c| chars.contains(c));
    BY_NEIGHBOURS
        .iter()
        .find(|(s, _, before_chars, after_chars)| {
            *s == syllable
                && ((before_chars.is_empty() && after_chars.is_empty())
                    || beside(before_chars, before)
                    || beside(after_chars, after))
        })
        .map(|&(_, character, _, _)| character)
}

fn is_chinese(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// What continues an account id or a Latin word (ma-banshi77, fen.li, vx_zan).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')
}

/// The syllables of `text` (normalized, so lower case) to read as characters: a whole run of
/// letters, with nothing of an account id or a word on either side (fen2024, vx_zan and
/// ma-banshi77 stay as they are) and a Chinese character on at least one side.
pub fn syllables(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_lowercase() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_lowercase() {
            at += 1;
        }
        let before = text[..start].chars().next_back();
        let after = text[at..].chars().next();
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            continue;
        }
        if !(before.is_some_and(is_chinese) || after.is_some_and(is_chinese)) {
            continue;
        }
        if let Some(character) = reading(&text[start..at], before, after) {
            found.push((start..at, character));
        }
    }
    found
}
