//! Stage 1: read a file's bytes and decode them to UTF-8 text.
//!
//! Detection order: byte-order mark; UTF-16 without BOM (NULs at alternating positions, or
//! text that reads as Chinese in one byte order); a binary check; UTF-8; chardetng for legacy
//! Chinese encodings (GBK/GB18030, Big5). A draft is Chinese text: when chardetng can only
//! name a Western code page because a few bytes are damaged, the file is read as the UTF-8 or
//! Chinese encoding it nearly is, with the damage replaced and reported, never as mojibake
//! that hides every finding.

use encoding_rs::Encoding;

/// A decoded draft: the text every later stage works on, and what it was decoded from.
#[derive(Debug)]
pub struct SourceText {
    pub text: String,
    pub encoding: &'static Encoding,
    pub had_bom: bool,
    /// True when the bytes held sequences invalid in the detected encoding (replaced by U+FFFD).
    pub had_errors: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeOutcome {
    Text,
    /// Not a text file: linting it would only produce noise.
    Binary,
}

/// Decodes `bytes`, or says the file is binary.
pub fn decode(bytes: &[u8]) -> Result<SourceText, DecodeOutcome> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(SourceText::new(
            text.into_owned(),
            encoding,
            true,
            had_errors,
        ));
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return Ok(SourceText::new(
            text.into_owned(),
            encoding,
            false,
            had_errors,
        ));
    }
    if looks_binary(bytes) {
        return Err(DecodeOutcome::Binary);
    }
    let encoding = if std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
        if guess.is_single_byte() {
            nearly_valid(bytes).unwrap_or(guess)
        } else {
            guess
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Ok(SourceText::new(
        text.into_owned(),
        encoding,
        false,
        had_errors,
    ))
}

impl SourceText {
    fn new(text: String, encoding: &'static Encoding, had_bom: bool, had_errors: bool) -> Self {
        SourceText {
            text: lone_cr_as_lf(text),
            encoding,
            had_bom,
            had_errors,
        }
    }
}

/// Reads a line break written as a CR alone (classic Mac OS) as LF, the break every later
/// stage and report counts lines by; CommonMark and HTML read it as a break too. One byte for
/// one, so offsets in the text stay offsets in the file, and a fix leaves the CR in place.
pub fn lone_cr_as_lf(text: String) -> String {
    let bytes = text.as_bytes();
    let lone = |at: usize| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return text;
    }
    let read: Vec<u8> = (0..bytes.len())
        .map(|at| if lone(at) { b'\n' } else { bytes[at] })
        .collect();
    // An ASCII byte replaced by an ASCII byte: still UTF-8.
    String::from_utf8(read).unwrap_or(text)
}

/// Candidates for a draft whose bytes chardetng could not place: the encodings drafts are
/// written in.
const DRAFT_ENCODINGS: [&Encoding; 3] = [encoding_rs::UTF_8, encoding_rs::GBK, encoding_rs::BIG5];

/// The draft encoding that reads `bytes` with the fewest replaced characters, if at most one
/// in twenty of the non-ASCII characters it yields is a replacement.
fn nearly_valid(bytes: &[u8]) -> Option<&'static Encoding> {
    DRAFT_ENCODINGS
        .into_iter()
        .filter_map(|encoding| {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
            let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
            (replaced * 20 <= non_ascii).then_some((replaced, encoding))
        })
        .min_by_key(|&(replaced, _)| replaced)
        .map(|(_, encoding)| encoding)
}

/// UTF-16 text without a BOM: ASCII-heavy text has a NUL in every other byte; Chinese text
/// has NULs only where it has ASCII (line breaks, Markdown marks), all on one side, and reads
/// as Chinese in that byte order.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let (encoding, nuls, other_side) = if odd_nuls >= even_nuls {
        (encoding_rs::UTF_16LE, odd_nuls, even_nuls)
    } else {
        (encoding_rs::UTF_16BE, even_nuls, odd_nuls)
    };
    let ascii_heavy = nuls * 10 >= pairs * 3 && other_side * 50 < pairs;
    // Chinese characters put a NUL on the other side only at U+xx00 (一 is U+4E00).
    let chinese = nuls > 0 && other_side * 4 <= nuls && reads_as_chinese(encoding, sample);
    (ascii_heavy || chinese).then_some(encoding)
}

/// Whether `sample` decodes in `encoding` without errors to text of which at least 95% of the
/// characters are Chinese, CJK or general punctuation, full-width forms, emoji or printable
/// ASCII. Binary data read as UTF-16 spreads over the whole of Unicode and falls far short.
fn reads_as_chinese(encoding: &'static Encoding, sample: &[u8]) -> bool {
    let (text, had_errors) = encoding.decode_without_bom_handling(sample);
    if had_errors {
        return false;
    }
    let total = text.chars().count();
    let textual = text
        .chars()
        .filter(|&c| {
            matches!(c,
                ' '..='~' | '\n' | '\r' | '\t'
                | '\u{2000}'..='\u{206F}'   // general punctuation
                | '\u{3000}'..='\u{303F}'   // CJK punctuation
                | '\u{3400}'..='\u{4DBF}'   // CJK extension A
                | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
                | '\u{FF00}'..='\u{FFEF}'   // full-width forms
                | '\u{1F000}'..='\u{1FAFF}' // emoji
            )
        })
        .count();
    textual * 20 >= total * 19
}

/// Marks a binary file, from the first 8 KiB: NUL bytes (a few are tolerated in otherwise
/// valid UTF-8, where they are damage, not data) or a high share of control characters.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    if nuls > 0 && (nuls > STRAY_NULS || !is_utf8_prefix(sample)) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, 0 | b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    controls * 10 > sample.len().max(1)
}

/// NUL bytes tolerated in the first 8 KiB of otherwise valid UTF-8.
const STRAY_NULS: usize = 8;

/// Whether `sample` is UTF-8, allowing a character cut off at its end (it is a prefix).
fn is_utf8_prefix(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "转发到朋友圈领取红包，这是一段足够长的中文文本，用来让编码检测器有把握。";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!(plain.text, SAMPLE);
        assert!(!plain.had_bom);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(SAMPLE.as_bytes());
        let decoded = decode(&with_bom).unwrap();
        assert_eq!(decoded.text, SAMPLE);
        assert!(decoded.had_bom);
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode(SAMPLE);
        let decoded = decode(&gbk).unwrap();
        assert_eq!(decoded.text, SAMPLE);
        assert_eq!(decoded.encoding, encoding_rs::GBK);

        let traditional =
            "轉發到朋友圈領取紅包，這是一段足夠長的繁體中文文本，用來讓編碼檢測器有把握。";
        let (big5, _, _) = encoding_rs::BIG5.encode(traditional);
        let decoded = decode(&big5).unwrap();
        assert_eq!(decoded.text, traditional);
        assert_eq!(decoded.encoding, encoding_rs::BIG5);
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let mut le = vec![0xFF, 0xFE];
        let units: Vec<u8> = "hello 转发 world"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        le.extend_from_slice(&units);
        assert_eq!(decode(&le).unwrap().text, "hello 转发 world");
        assert_eq!(decode(&units).unwrap().text, "hello 转发 world");
    }

    #[test]
    fn chinese_utf16_without_bom_is_read() {
        let draft = format!("# 标题\n\n{SAMPLE}\n");
        let le: Vec<u8> = draft.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = draft.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, encoding) in [(le, encoding_rs::UTF_16LE), (be, encoding_rs::UTF_16BE)] {
            let decoded = decode(&bytes).unwrap();
            assert_eq!(
                (decoded.text.as_str(), decoded.encoding),
                (draft.as_str(), encoding)
            );
        }
    }

    /// A damaged byte must not turn a Chinese draft into Western mojibake with no findings.
    #[test]
    fn a_damaged_draft_is_read_in_its_own_encoding() {
        let sample = SAMPLE.repeat(4);
        let mut utf8 = sample.as_bytes().to_vec();
        utf8.extend_from_slice(b"\xe4\xb8 x\n");
        let decoded = decode(&utf8).unwrap();
        assert_eq!(decoded.encoding, encoding_rs::UTF_8);
        assert!(decoded.had_errors && decoded.text.starts_with(&sample));

        let (mut gbk, _, _) = encoding_rs::GBK.encode(&sample);
        gbk.to_mut().extend_from_slice(b"\xff\xff\n");
        let decoded = decode(&gbk).unwrap();
        assert_eq!(decoded.encoding, encoding_rs::GBK);
        assert!(decoded.had_errors && decoded.text.starts_with(&sample));

        let western = "Café crème, brûlée à la française: déjà vu. ".repeat(8);
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&western);
        assert_eq!(decode(&latin).unwrap().text, western);
    }

    #[test]
    fn a_stray_nul_in_utf8_text_is_not_binary() {
        let mut bytes = SAMPLE.repeat(4).into_bytes();
        bytes.insert(30, 0);
        assert!(decode(&bytes).unwrap().text.contains('\0'));
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            DecodeOutcome::Binary
        );
        // Compressed data: bytes spread evenly, read as UTF-16 they are no Chinese text.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..8192)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            })
            .collect();
        assert_eq!(decode(&noise).unwrap_err(), DecodeOutcome::Binary);
    }
}
