//! Pinyin written in place of a character (代shua, 下zhu, 真人fen丝, 无ma): the syllable stands
//! for the one character authors mean by it in these drafts.

/// Syllables read as one character when they stand alone next to Chinese text. Only those whose
/// meaning in such drafts is one character: zhuan (转 or 赚), cai (彩 or 财), du (毒 or 读) and
/// tou (投 or 透) are not read; nor are wei and xin, whose spellings (wei信, 微xin) the packs keep as
/// evasive contact words of their own.
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
        if let Some(&(_, character)) = SYLLABLES.iter().find(|(s, _)| *s == &text[start..at]) {
            found.push((start..at, character));
        }
    }
    found
}
