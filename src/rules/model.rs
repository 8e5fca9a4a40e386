//! The sentence model: a second opinion on wording no rule lists.
//!
//! Hand-written rules plateau: every new set of drafts brings phrasings nobody listed
//! (BENCHMARKS.md and the rule-pack notes in README.md measure it). The model is a linear
//! classifier per category over the hashed character 1–3-grams of each sentence of the
//! normalized text, trained by `scripts/train-model.py` on the project's own labelled drafts.
//! A rule that names a model head (`model = "inducement"`) gets a candidate for every sentence
//! the head scores at or above the rule's `threshold`; the candidate then passes through the
//! same scopes, context frames and suppressions as any other.
//!
//! The weights are data compiled in (`rules/sentence-model.bin`), read once on first use.
//! Format, little-endian: `GZHM1\n`, bits `u8`, longest n-gram `u8`, heads `u8`; per head its
//! name (`u8` length, UTF-8), bias `f32` and weight scale `f32`; then `2^bits × heads` weights
//! as `i8`, bucket-major (the heads' weights of one bucket are adjacent: one memory access).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A rule's use of a model head.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelUse {
    /// The head's name, as in the pack.
    pub head: String,
    /// Its index in the built-in model.
    pub index: u16,
    /// The probability at or above which a sentence is a candidate.
    pub threshold: f32,
    /// Whether a flagged sentence that holds a phrase of the rule's category keeps, as
    /// findings, the runs of its other clauses the head still flags on their own
    /// ([`crate::filter::overlap::rest_of_model_sentences`]).
    pub rest_of_sentence: bool,
}

/// A compiled use: the head's index and the threshold as a score (log-odds).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeadUse {
    pub rule: u32,
    pub head: u16,
    pub min_score: f32,
}

impl ModelUse {
    /// The threshold as a score (log-odds).
    fn min_score(&self) -> f32 {
        (self.threshold / (1.0 - self.threshold)).ln()
    }
}

impl HeadUse {
    pub fn new(rule: u32, used: &ModelUse) -> HeadUse {
        HeadUse {
            rule,
            head: used.index,
            min_score: used.min_score(),
        }
    }
}

pub struct SentenceModel {
    bits: u32,
    longest: usize,
    heads: Vec<Head>,
    /// The weights as stored when the head count is a multiple of [`HEAD_LANES`], else each
    /// bucket's row padded with zeros to one: rows of whole lanes add up as vectors.
    weights: Cow<'static, [u8]>,
    /// Bytes per bucket's row.
    stride: usize,
    /// What a bucket counted `n` times in a sentence adds, times its weights: 1 + ln n, by `n`
    /// (computed once, not for every bucket of every sentence).
    count_values: [f32; 256],
}

/// Heads whose weights are added at once.
const HEAD_LANES: usize = 4;

struct Head {
    name: String,
    bias: f32,
    scale: f32,
}

static BUILTIN_MODEL: &[u8] = include_bytes!("../../rules/sentence-model.bin");

/// The model compiled into the binary.
pub fn builtin() -> &'static SentenceModel {
    static MODEL: OnceLock<SentenceModel> = OnceLock::new();
    // The file is checked by a unit test and by every build's pack compilation (heads are
    // looked up there), so a malformed one never ships.
    MODEL.get_or_init(|| SentenceModel::parse(BUILTIN_MODEL).expect("built-in model is valid"))
}

impl SentenceModel {
    pub fn parse(bytes: &'static [u8]) -> Result<SentenceModel, String> {
        let mut rest = bytes
            .strip_prefix(b"GZHM1\n")
            .ok_or("not a gzhlint sentence model (no GZHM1 header)")?;
        let mut take = |n: usize| -> Result<&'static [u8], String> {
            if rest.len() < n {
                return Err("sentence model is truncated".to_string());
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let bits = take(1)?[0] as u32;
        let longest = take(1)?[0] as usize;
        let head_count = take(1)?[0] as usize;
        if !(8..=24).contains(&bits) || !(1..=4).contains(&longest) || head_count == 0 {
            return Err(format!(
                "sentence model has unusable sizes: {bits} bits, {longest}-grams, {head_count} heads"
            ));
        }
        let mut heads = Vec::with_capacity(head_count);
        for _ in 0..head_count {
            let len = take(1)?[0] as usize;
            let name = std::str::from_utf8(take(len)?)
                .map_err(|_| "a head name is not UTF-8")?
                .to_string();
            let float = |b: &[u8]| f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            let bias = float(take(4)?);
            let scale = float(take(4)?);
            heads.push(Head { name, bias, scale });
        }
        let weights = take((1usize << bits) * head_count)?;
        if !rest.is_empty() {
            return Err("sentence model has bytes after its weights".to_string());
        }
        let stride = head_count.next_multiple_of(HEAD_LANES);
        let weights = if stride == head_count {
            Cow::Borrowed(weights)
        } else {
            let mut padded = vec![0; (1usize << bits) * stride];
            for (row, stored) in padded
                .chunks_exact_mut(stride)
                .zip(weights.chunks_exact(head_count))
            {
                row[..head_count].copy_from_slice(stored);
            }
            Cow::Owned(padded)
        };
        let count_values = std::array::from_fn(|count| {
            if count <= 1 {
                1.0
            } else {
                1.0 + (count as f32).ln()
            }
        });
        Ok(SentenceModel {
            bits,
            longest,
            heads,
            weights,
            stride,
            count_values,
        })
    }

    /// The index of the head called `name`.
    pub fn head(&self, name: &str) -> Option<u16> {
        self.heads
            .iter()
            .position(|h| h.name == name)
            .map(|i| i as u16)
    }

    pub fn head_names(&self) -> impl Iterator<Item = &str> {
        self.heads.iter().map(|h| h.name.as_str())
    }

    /// Calls `found(rule, sentence)` for every sentence of `text` a use's head scores at or
    /// above its threshold.
    pub fn flag_sentences(
        &self,
        text: &str,
        uses: &[HeadUse],
        scratch: &mut Scratch,
        mut found: impl FnMut(u32, Range<usize>),
    ) {
        for sentence in sentences(text) {
            self.score(&text[sentence.clone()], scratch);
            for used in uses {
                if scratch.scores[used.head as usize] >= used.min_score {
                    found(used.rule, sentence.clone());
                }
            }
        }
    }

    /// Whether the use's head scores `piece` at or above its threshold, as it would a sentence.
    pub fn flags(&self, piece: &str, used: &ModelUse) -> bool {
        // Called from the filter stage, which has no matcher's scratch: a thread's own one is
        // reused from call to call.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
        }
        SCRATCH.with_borrow_mut(|scratch| {
            self.score(piece, scratch);
            scratch.scores[used.index as usize] >= used.min_score()
        })
    }

    /// Each head's score (log-odds) of one sentence, left in `scratch.scores`: the weights of
    /// its n-grams' buckets, each counted 1 + ln(occurrences), the vector scaled to unit length.
    pub fn score(&self, sentence: &str, scratch: &mut Scratch) {
        let Scratch {
            counts,
            touched,
            scores,
        } = scratch;
        counts.resize(1 << self.bits, 0);
        // A slice, whose bounds stay in registers while `touched` grows.
        let counts = counts.as_mut_slice();
        let mask = (1u32 << self.bits) - 1;
        let bytes = sentence.as_bytes();
        // From each character, its 1- to `longest`-grams: each n-gram's hash continues its
        // (n-1)-gram's.
        let mut first = 0;
        while first < bytes.len() {
            let mut hash = FNV_OFFSET;
            let mut end = first;
            let mut next_first = bytes.len();
            for gram in 0..self.longest {
                if end == bytes.len() {
                    break;
                }
                let width;
                (hash, width) = fnv1a_next_char(hash, &bytes[end..]);
                end += width;
                if gram == 0 {
                    next_first = end;
                }
                let bucket = hash & mask;
                let count = &mut counts[bucket as usize];
                if *count == 0 {
                    touched.push(bucket);
                }
                *count = count.saturating_add(1);
            }
            first = next_first;
        }
        scores.clear();
        scores.resize(self.stride, 0.0);
        // Rows and sums in whole lanes of fixed width, each lane's sums kept in a local
        // accumulator over the sentence's buckets: the compiler adds them as one vector.
        let (lanes, _) = scores.as_chunks_mut::<HEAD_LANES>();
        let (rows, _) = self.weights.as_chunks::<HEAD_LANES>();
        let lanes_per_row = lanes.len();
        for (lane, sums) in lanes.iter_mut().enumerate() {
            let mut acc = [0.0f32; HEAD_LANES];
            for &bucket in touched.iter() {
                let value = self.count_values[counts[bucket as usize] as usize];
                let weights = rows[bucket as usize * lanes_per_row + lane];
                for (sum, w) in acc.iter_mut().zip(weights) {
                    *sum += value * w as i8 as f32;
                }
            }
            *sums = acc;
        }
        let mut norm = 0.0f32;
        for &bucket in touched.iter() {
            let value = self.count_values[std::mem::take(&mut counts[bucket as usize]) as usize];
            norm += value * value;
        }
        touched.clear();
        let norm = norm.sqrt().max(f32::MIN_POSITIVE);
        for (score, head) in scores.iter_mut().zip(&self.heads) {
            *score = head.bias + head.scale * *score / norm;
        }
    }
}

/// What [`SentenceModel::score`] reuses from sentence to sentence.
#[derive(Default)]
pub struct Scratch {
    /// Occurrences per bucket; all zero between sentences.
    counts: Vec<u8>,
    /// The buckets counted in this sentence.
    touched: Vec<u32>,
    /// Each head's score of the last sentence.
    scores: Vec<f32>,
}

/// The sentences of a normalized text that the model reads: split after 。！？；, their ASCII
/// forms and line breaks, without the end mark and surrounding white space. Those with fewer
/// than [`MIN_HAN`] Chinese characters are left out: the model learned from Chinese prose, and a
/// URL token or a code line is nothing like it.
pub fn sentences(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    let ends = text
        .char_indices()
        .filter(|&(_, c)| crate::normalize::is_sentence_end(c))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .chain([(text.len(), text.len())]);
    ends.filter_map(move |(end, next)| {
        let piece = readable(text, start..end);
        start = next;
        piece
    })
}

/// `range` of `text` without surrounding white space, if the model reads it: it holds at
/// least [`MIN_HAN`] Chinese characters.
pub fn readable(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = &text[range.clone()];
    let from = range.start + piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    let han = trimmed.chars().filter(|&c| is_han(c)).take(MIN_HAN).count();
    (han == MIN_HAN).then(|| from..from + trimmed.len())
}

const MIN_HAN: usize = 4;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// 32-bit FNV-1a, the n-gram hash the training script uses too.
const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// FNV-1a continued over the character that starts `text` (not empty, UTF-8), and that
/// character's length; unrolled for the usual one to three bytes.
fn fnv1a_next_char(hash: u32, text: &[u8]) -> (u32, usize) {
    let step = |hash: u32, byte: u8| (hash ^ byte as u32).wrapping_mul(FNV_PRIME);
    match *text {
        [a @ 0x00..=0x7F, ..] => (step(hash, a), 1),
        [a @ 0xE0..=0xEF, b, c, ..] => (step(step(step(hash, a), b), c), 3),
        [a @ 0xC0..=0xDF, b, ..] => (step(step(hash, a), b), 2),
        _ => {
            let width = text.len().min(4);
            (
                text[..width]
                    .iter()
                    .fold(hash, |hash, &byte| step(hash, byte)),
                width,
            )
        }
    }
}

#[cfg(test)]
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET, |hash, &b| {
        (hash ^ b as u32).wrapping_mul(FNV_PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_parses_and_has_a_head_per_category() {
        let model = builtin();
        let heads: Vec<&str> = model.head_names().collect();
        for category in [
            "inducement",
            "false_advertising",
            "illegal_trading",
            "prohibited_content",
        ] {
            assert!(heads.contains(&category), "{heads:?}");
        }
    }

    #[test]
    fn sentences_drop_end_marks_white_space_and_non_chinese_lines() {
        let text = "  转发本文！领红包吧。\n好的呀\nicsToken=DNPKYCH23ur\n最后一句话 ";
        let found: Vec<&str> = sentences(text).map(|r| &text[r]).collect();
        assert_eq!(found, ["转发本文", "领红包吧", "最后一句话"]);
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // Reference values of 32-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
    }

    #[test]
    fn a_hash_continued_by_characters_is_that_of_their_bytes() {
        let text = "a转é😀发";
        let (mut hash, mut at) = (FNV_OFFSET, 0);
        while at < text.len() {
            let width;
            (hash, width) = fnv1a_next_char(hash, &text.as_bytes()[at..]);
            at += width;
            assert!(text.is_char_boundary(at));
        }
        assert_eq!(hash, fnv1a(text.as_bytes()));
    }

    #[test]
    fn a_malformed_model_is_an_error() {
        assert!(SentenceModel::parse(b"nope").is_err());
        assert!(SentenceModel::parse(b"GZHM1\n\x10\x03\x01").is_err());
    }

    #[test]
    fn scores_follow_the_weights() {
        // 8 bits, unigrams, one head: every bucket weighs +1 except that of "x".
        let mut bytes = b"GZHM1\n\x08\x01\x01\x01h".to_vec();
        bytes.extend(0.0f32.to_le_bytes());
        bytes.extend(1.0f32.to_le_bytes());
        let mut weights = vec![1u8; 256];
        weights[(fnv1a(b"x") & 0xff) as usize] = (-1i8) as u8;
        bytes.extend(weights);
        let model = SentenceModel::parse(Box::leak(bytes.into_boxed_slice())).unwrap();
        let mut scratch = Scratch::default();
        model.score("ab", &mut scratch);
        assert!(
            (scratch.scores[0] - 2f32.sqrt()).abs() < 1e-5,
            "{:?}",
            scratch.scores
        );
        model.score("x", &mut scratch);
        assert!(
            (scratch.scores[0] + 1.0).abs() < 1e-5,
            "{:?}",
            scratch.scores
        );
        // Counts: in "aab" the unigram a weighs 1 + ln 2, b weighs 1.
        model.score("aab", &mut scratch);
        let a = 1.0 + 2f32.ln();
        let expected = (a + 1.0) / (a * a + 1.0).sqrt();
        assert!(
            (scratch.scores[0] - expected).abs() < 1e-5,
            "{:?}",
            scratch.scores
        );
    }
}
