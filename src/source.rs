//! Stage 1: read a file's bytes and decode them to UTF-8 text.
//!
//! Detection order: byte-order mark, then UTF-16 without BOM (NULs at alternating positions),
//! then a binary check, then chardetng for legacy Chinese encodings (GBK/GB18030, Big5).

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
        return Ok(SourceText {
            text: text.into_owned(),
            encoding,
            had_bom: true,
            had_errors,
        });
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return Ok(SourceText {
            text: text.into_owned(),
            encoding,
            had_bom: false,
            had_errors,
        });
    }
    if looks_binary(bytes) {
        return Err(DecodeOutcome::Binary);
    }
    let encoding = if std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        detector.guess(None, chardetng::Utf8Detection::Allow)
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Ok(SourceText {
        text: text.into_owned(),
        encoding,
        had_bom: false,
        had_errors,
    })
}

/// UTF-16 text without a BOM has a NUL in every other byte for ASCII-heavy text; legacy
/// Chinese text in UTF-16 has few NULs, so require the pattern on one side only.
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
    if odd_nuls * 10 >= pairs * 3 && even_nuls * 50 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even_nuls * 10 >= pairs * 3 && odd_nuls * 50 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// A NUL byte or a high share of control characters in the first 8 KiB marks a binary file.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    controls * 10 > sample.len().max(1)
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
    fn binary_is_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            DecodeOutcome::Binary
        );
    }
}
