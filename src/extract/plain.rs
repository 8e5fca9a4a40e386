//! Plain text: a block per paragraph (paragraphs are separated by blank lines).

use super::{Block, Extracted, Scope, ScopeSet};

pub fn extract_plain(text: &str) -> Extracted {
    let mut extracted = Extracted::default();
    let mut block = Block::new(ScopeSet::of(Scope::Body));
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            extracted.push(std::mem::replace(
                &mut block,
                Block::new(ScopeSet::of(Scope::Body)),
            ));
        } else if let Some(content) = line.strip_suffix("\r\n") {
            // A Windows line break reads as a Unix one, so matches cross it the same way.
            block.push_literal(content, offset);
            block.push_mapped("\n", offset + content.len()..offset + line.len());
        } else {
            block.push_literal(line, offset);
        }
        offset += line.len();
    }
    extracted.push(block);
    extracted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_support::*;

    #[test]
    fn paragraphs_are_blocks() {
        let source = "第一段\n还是第一段\n\n第二段";
        let extracted = extract_plain(source);
        assert_eq!(texts(&extracted), ["第一段\n还是第一段\n", "第二段"]);
        assert_eq!(pieces_of(source, &extracted, "第二段"), ["第二段"]);
    }

    #[test]
    fn windows_line_breaks_read_as_lf() {
        let source = "第一段\r\n还是第一段\r\n\r\n第二段";
        let extracted = extract_plain(source);
        assert_eq!(texts(&extracted), ["第一段\n还是第一段\n", "第二段"]);
        assert_eq!(pieces_of(source, &extracted, "段\n还"), ["段\r\n还"]);
    }
}
