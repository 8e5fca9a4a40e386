//! Numeral styles: circled and parenthesised numerals, and Chinese numerals as digits.

/// ① ⑴ ⒈ ❶ ➀ ➊ ⓫ ㉑ ㊱ → their number, as text (up to 50: 集满㊳个赞).
pub fn circled(c: char) -> Option<&'static str> {
    const NUMBERS: [&str; 51] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
        "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
        "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46",
        "47", "48", "49", "50",
    ];
    let n = match c {
        '①'..='⑳' => c as u32 - '①' as u32 + 1,
        '⑴'..='⒇' => c as u32 - '⑴' as u32 + 1,
        '⒈'..='⒛' => c as u32 - '⒈' as u32 + 1,
        '❶'..='❿' => c as u32 - '❶' as u32 + 1,
        '➀'..='➉' => c as u32 - '➀' as u32 + 1,
        '➊'..='➓' => c as u32 - '➊' as u32 + 1,
        '⓫'..='⓴' => c as u32 - '⓫' as u32 + 11,
        '㉑'..='㉟' => c as u32 - '㉑' as u32 + 21,
        '㊱'..='㊿' => c as u32 - '㊱' as u32 + 36,
        '⓪' | '⓿' => 0,
        _ => return None,
    };
    Some(NUMBERS[n as usize])
}

fn digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '贰' | '貳' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        '万' | '萬' => 10_000,
        _ => return None,
    })
}

/// A character that starts a Chinese numeral.
pub fn is_numeral(c: char) -> bool {
    digit(c).is_some() || unit(c).is_some()
}

pub struct NumeralRun {
    /// The number as digits; `None` when the run is no number: a leading 万 multiplies
    /// nothing (万一, 上万亿).
    pub digits: Option<String>,
    /// Length in bytes of the numeral text read.
    pub len: usize,
}

/// Reads the Chinese numeral at the start of `text`: 壹叁捌 → 138, 十八 → 18, 一百零五 → 105.
pub fn chinese_run(text: &str) -> Option<NumeralRun> {
    let len: usize = text
        .chars()
        .take_while(|&c| is_numeral(c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let run = &text[..len];
    let digits = if run.starts_with(['万', '萬']) {
        None
    } else if run.chars().any(|c| unit(c).is_some()) {
        Some(positional(run).to_string())
    } else {
        Some(
            run.chars()
                .map(|c| char::from_digit(digit(c).unwrap_or(0) as u32, 10).unwrap_or('0'))
                .collect(),
        )
    };
    Some(NumeralRun { digits, len })
}

/// Values of positional numerals up to the 万 unit.
fn positional(run: &str) -> u64 {
    let mut total = 0u64;
    let mut section = 0u64;
    let mut pending: Option<u64> = None;
    for c in run.chars() {
        if let Some(d) = digit(c) {
            pending = Some(d);
        } else if let Some(u) = unit(c) {
            if u == 10_000 {
                total += (section + pending.take().unwrap_or(0)) * u;
                section = 0;
            } else {
                section += pending.take().unwrap_or(1) * u;
            }
        }
    }
    total + section + pending.unwrap_or(0)
}
