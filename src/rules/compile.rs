//! Compiling loaded packs into shared automata, per normalization view: one Aho-Corasick
//! automaton (daachorse) holds every literal — phrases, required terms, frames, allow phrases,
//! and the anchor literals of patterns — and each automaton pattern id maps back to its uses.
//!
//! A regex pattern runs only on blocks where one of its anchors occurs: literals of which every
//! match contains one (prefixes, suffixes, a required part, or a union over an alternation's
//! branches), extracted from the pattern itself. Patterns with no usable anchor run on every
//! block.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use aho_corasick::AhoCorasick;
use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};
use regex_automata::hybrid;
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Anchored, Input};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::model::HeadUse;
use super::pack::{LoadedPack, RuleMatch};
use super::{PackError, PackInfo, Rule, Validator};
use crate::normalize::{normalize, View};

/// What a literal does for a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Phrase,
    Requires(u8),
    Unless,
    UnlessAfter,
    /// A frame that, in a title or section heading, cancels the rule for the section.
    SectionFrame,
    /// A phrase that voids an `Unless` or `UnlessAfter` frame it covers.
    NotFrame,
    Allow,
}

/// What a literal found in the text starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Use {
    /// A rule's phrase: a candidate.
    Phrase { rule: u32 },
    /// A pattern may match here.
    Anchor { pattern: u32 },
}

/// A literal that is one of a rule's context terms (see [`Role`]; never [`Role::Phrase`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextUse {
    pub rule: u32,
    pub role: Role,
}

/// A list per literal id, stored flat: one lookup per literal found, not a pointer chase.
#[derive(Serialize, Deserialize)]
pub struct PerLiteral<T> {
    ends: Vec<u32>,
    items: Vec<T>,
}

impl<T> PerLiteral<T> {
    fn new(lists: Vec<Vec<T>>) -> PerLiteral<T> {
        let mut ends = Vec::with_capacity(lists.len());
        let mut items = Vec::new();
        for list in lists {
            items.extend(list);
            ends.push(items.len() as u32);
        }
        PerLiteral { ends, items }
    }

    pub fn get(&self, literal: usize) -> &[T] {
        let start = literal.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        &self.items[start..self.ends[literal] as usize]
    }
}

/// Per-rule matching settings the filter needs.
#[derive(Serialize, Deserialize)]
pub struct Conditions {
    pub requires: u8,
    pub within: Option<usize>,
    pub has_unless: bool,
    /// The rule names `unless_section` frames.
    pub has_section_frames: bool,
    pub frame_within: Option<usize>,
    /// A title or heading this rule flags opens no section frame.
    pub voids_section_frames: bool,
    pub validator: Option<Validator>,
    pub separators: bool,
    /// Applies inside quotation marks too (see `RuleMatch::quoted_phrases`).
    pub quoted_phrases: bool,
    /// Regexes whose matches, when they cover a candidate, cancel it; run only on candidates.
    pub allow_patterns: Vec<Pattern>,
    /// The rule's candidates are whole sentences (the sentence model's): its `unless` and
    /// `unless_after` frames cancel them from anywhere in the sentence.
    pub whole_sentence: bool,
}

/// The automata of one normalization view.
#[derive(Serialize, Deserialize)]
pub struct ViewMatcher {
    pub view: View,
    pub literals: Option<LiteralMatcher>,
    /// What each literal starts, by literal id.
    pub uses: PerLiteral<Use>,
    /// The context terms each literal is, by literal id: looked up only for the rules a block
    /// has candidates of, and for section frames where they can open a section.
    pub context_uses: PerLiteral<ContextUse>,
    pub patterns: Vec<Pattern>,
    /// Patterns without anchors: run on every block.
    pub unanchored: Vec<u32>,
    /// Rules whose candidates are the sentences a head of the sentence model flags.
    pub model_uses: Vec<HeadUse>,
}

/// The automaton over a view's literals. Up to [`LARGE_LITERAL_SET`] literals it is daachorse's
/// character-wise double array, one transition per character: twice as fast as aho-corasick's
/// NFA over Chinese text. Past that, its build time grows steeply with the alphabet (470 ms for
/// 50,000 user phrases over 1,500 characters, against 130 ms), so aho-corasick builds it.
pub enum LiteralMatcher {
    Chars(CharwiseDoubleArrayAhoCorasick<u32>),
    Bytes(AhoCorasick),
}

/// Stored as daachorse's own serialization, which loads without rebuilding the automaton.
/// Only the built-in packs are stored, and they stay below [`LARGE_LITERAL_SET`].
impl Serialize for LiteralMatcher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            LiteralMatcher::Chars(automaton) => serializer.serialize_bytes(&automaton.serialize()),
            LiteralMatcher::Bytes(_) => Err(serde::ser::Error::custom(format!(
                "a literal set of {LARGE_LITERAL_SET} or more literals cannot be stored"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for LiteralMatcher {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_stored_bytes(deserializer, "a serialized daachorse automaton", |bytes| {
            match CharwiseDoubleArrayAhoCorasick::deserialize(bytes) {
                Ok((automaton, [])) => Ok(LiteralMatcher::Chars(automaton)),
                Ok(_) => Err("trailing bytes after the automaton".to_string()),
                Err(error) => Err(error.to_string()),
            }
        })
    }
}

/// Reads a value stored with `serialize_bytes`; `read` may refuse the bytes.
fn from_stored_bytes<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    expecting: &'static str,
    read: fn(&[u8]) -> Result<T, String>,
) -> Result<T, D::Error> {
    struct Bytes<T> {
        expecting: &'static str,
        read: fn(&[u8]) -> Result<T, String>,
    }
    impl<T> de::Visitor<'_> for Bytes<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<T, E> {
            (self.read)(bytes).map_err(E::custom)
        }
    }
    deserializer.deserialize_bytes(Bytes { expecting, read })
}

/// Literal count from which [`LiteralMatcher`] builds with aho-corasick (BENCHMARKS.md): above
/// the built-in packs' (30,005 in the plain view in the twenty-fourth session, stored compiled,
/// so their build time is paid at build time), below a 50,000-phrase user pack's.
const LARGE_LITERAL_SET: usize = 40_000;

impl LiteralMatcher {
    fn new(literals: &[String]) -> LiteralMatcher {
        if literals.len() < LARGE_LITERAL_SET {
            LiteralMatcher::Chars(
                CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build_with_values(literals.iter().zip(0u32..))
                    .expect("literal automaton within size limits"),
            )
        } else {
            LiteralMatcher::Bytes(
                AhoCorasick::new(literals).expect("literal automaton within size limits"),
            )
        }
    }

    /// Calls `found` with the range and literal index of every occurrence, overlaps included.
    pub fn for_each_overlapping(&self, text: &str, mut found: impl FnMut(Range<usize>, usize)) {
        match self {
            LiteralMatcher::Chars(automaton) => {
                for m in automaton.find_overlapping_iter(text) {
                    found(m.start()..m.end(), m.value() as usize);
                }
            }
            LiteralMatcher::Bytes(automaton) => {
                for m in automaton.find_overlapping_iter(text) {
                    found(m.range(), m.pattern().as_usize());
                }
            }
        }
    }
}

/// A rule's regex, compiled when an anchor first calls for it: most patterns never run in a
/// typical check, and compiling hundreds of them up front dominated start-up.
#[derive(Serialize, Deserialize)]
pub struct Pattern {
    source: StoredText,
    pub rule: u32,
    /// The longest match in bytes, when bounded (see [`Anchors::max_len`]).
    pub max_len: Option<usize>,
    /// The pattern names a group `hit`: the part of a match to report. The regex crate has no
    /// look-behind, so `(?:^|[^众])(?P<hit>微信号…)` checks the character before without
    /// reporting it.
    has_hit_group: bool,
    /// Further required sets ([`Anchors::also`]) as literal ids: one literal of each must
    /// occur in a start or window before the pattern is tried there.
    pub also: Vec<RequiredSet>,
    /// Every match begins with one of the pattern's anchors ([`Anchors::starts_match`]).
    pub starts_at_anchor: bool,
    /// Literal sets every match has one of, checked in the text to be searched until the
    /// pattern is compiled: most patterns a draft's anchors call for never match, and
    /// compiling them was most of a small run's time (BENCHMARKS.md).
    gate: LiteralGate,
    #[serde(skip)]
    regex: OnceLock<Regex>,
    /// The one search cache of [`Self::regex`] for every thread, made at its first search:
    /// the regex's own pool keeps one per thread (see [`SharedCache`]). Boxed, as is the
    /// forward DFA: most patterns never run, and inline they made each pattern 2.6 KB.
    #[serde(skip)]
    cache: OnceLock<Box<SharedCache<regex_automata::meta::Cache>>>,
    #[serde(skip)]
    forward: OnceLock<Option<Box<ForwardDfa>>>,
}

/// Literal sets of which a text must hold one literal each ([`Pattern::gate`]).
#[derive(Default, Serialize, Deserialize)]
pub struct LiteralGate(Box<[GateSet]>);

/// One set of a [`LiteralGate`]: its literals sorted and concatenated (thousands of small
/// strings made loading the built-in set twice as slow), with a Bloom filter of their first
/// characters, so that a text is read once and only a character that starts some literal is
/// looked up.
#[derive(Serialize, Deserialize)]
struct GateSet {
    literals: StoredText,
    ends: Box<[u32]>,
    first_characters: LiteralBloom,
}

impl LiteralGate {
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a Vec<String>>) -> LiteralGate {
        LiteralGate(
            sets.into_iter()
                .filter_map(|set| GateSet::new(set))
                .collect(),
        )
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `text` holds a literal of every set.
    fn open_in(&self, text: &[u8]) -> bool {
        self.0.iter().all(|set| set.occurs_in(text))
    }
}

impl GateSet {
    /// `None` for an empty set or one holding the empty literal, which every text holds.
    fn new(set: &[String]) -> Option<GateSet> {
        let mut sorted: Vec<&str> = set.iter().map(String::as_str).collect();
        if sorted.is_empty() || sorted.contains(&"") {
            return None;
        }
        sorted.sort_unstable();
        let mut first_characters = LiteralBloom::default();
        let mut ends = Vec::with_capacity(sorted.len());
        let mut literals = String::new();
        for literal in sorted {
            first_characters.insert(first_character_key(literal.as_bytes()));
            literals.push_str(literal);
            ends.push(literals.len() as u32);
        }
        Some(GateSet {
            literals: StoredText::new(&literals),
            ends: ends.into_boxed_slice(),
            first_characters,
        })
    }

    fn literal(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.literals.0[start..self.ends[i] as usize]
    }

    fn occurs_in(&self, text: &[u8]) -> bool {
        (0..text.len()).any(|at| {
            let rest = &text[at..];
            // A UTF-8 continuation byte starts no literal.
            if rest[0] & 0xC0 == 0x80
                || !self.first_characters.may_contain(first_character_key(rest))
            {
                return false;
            }
            let first = &rest[..utf8_width(rest[0]).min(rest.len())];
            // The first literal not below `first`: those starting with it follow.
            let (mut from, mut to) = (0, self.ends.len());
            while from < to {
                let middle = (from + to) / 2;
                if self.literal(middle) < first {
                    from = middle + 1;
                } else {
                    to = middle;
                }
            }
            (from..self.ends.len())
                .map(|i| self.literal(i))
                .take_while(|literal| literal.starts_with(first))
                .any(|literal| rest.starts_with(literal))
        })
    }
}

/// Text stored as bytes: loading the built-in set skips the UTF-8 check of pattern sources and
/// term lists, most of which a run never reads (that check was a third of `rules list`'s
/// instructions). Made from a `&str` only.
struct StoredText(Box<[u8]>);

impl StoredText {
    fn new(text: &str) -> StoredText {
        StoredText(text.as_bytes().into())
    }

    /// The text; `None` only for stored bytes that did not come from [`StoredText::new`].
    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl Serialize for StoredText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for StoredText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_stored_bytes(deserializer, "text stored as bytes", |bytes| {
            Ok(StoredText(bytes.into()))
        })
    }
}

/// The bytes of a UTF-8 character starting with `lead`.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// A hash of the character `bytes` starts with, for [`GateSet::first_characters`].
fn first_character_key(bytes: &[u8]) -> u32 {
    let width = utf8_width(bytes[0]).min(bytes.len());
    let packed = bytes[..width]
        .iter()
        .fold(0u32, |key, &byte| key << 8 | u32::from(byte));
    packed.wrapping_mul(0x9E37_79B1) >> 16
}

/// A further required set of literal ids, with a Bloom filter of them: a block tests the whole
/// set against the literals it holds with a few word operations instead of one test per
/// literal (up to [`MAX_ALSO_LITERALS`]), for every occurrence of every anchor. Stored as the
/// ids alone; the filter is rebuilt on load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Box<[u32]>", into = "Box<[u32]>")]
pub struct RequiredSet {
    pub ids: Box<[u32]>,
    pub bloom: LiteralBloom,
}

impl From<Box<[u32]>> for RequiredSet {
    fn from(ids: Box<[u32]>) -> RequiredSet {
        let mut bloom = LiteralBloom::default();
        ids.iter().for_each(|&literal| bloom.insert(literal));
        RequiredSet { ids, bloom }
    }
}

impl From<RequiredSet> for Box<[u32]> {
    fn from(set: RequiredSet) -> Box<[u32]> {
        set.ids
    }
}

/// A Bloom filter of literal ids (one bit per id modulo its size): no false negatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiteralBloom([u64; BLOOM_WORDS]);

const BLOOM_WORDS: usize = 16;

impl LiteralBloom {
    fn bit(literal: u32) -> (usize, u64) {
        let bit = literal as usize % (BLOOM_WORDS * 64);
        (bit / 64, 1 << (bit % 64))
    }

    pub fn insert(&mut self, literal: u32) {
        let (word, bit) = Self::bit(literal);
        self.0[word] |= bit;
    }

    /// Whether `literal` may be in the filter.
    pub fn may_contain(&self, literal: u32) -> bool {
        let (word, bit) = Self::bit(literal);
        self.0[word] & bit != 0
    }

    /// Whether the two filters may hold a literal in common.
    pub fn may_share(&self, other: &LiteralBloom) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// A forward-only lazy DFA, for the anchored searches of a pattern whose matches start at its
/// anchors: such a search needs no reverse automaton (the start is known) and no capture
/// engines, which the full regex builds — half its compile time.
struct ForwardDfa {
    dfa: hybrid::dfa::DFA,
    cache: SharedCache<hybrid::dfa::Cache>,
}

/// A search cache shared by every thread behind a lock. Per-thread caches of the built-in
/// patterns held megabytes more at `-j 2` than one shared cache each, and a search here is
/// short (a window around an anchor, a paragraph), so threads seldom wait (BENCHMARKS.md,
/// eighth and sixteenth sessions).
struct SharedCache<C>(Mutex<C>);

impl<C> SharedCache<C> {
    fn new(cache: C) -> SharedCache<C> {
        SharedCache(Mutex::new(cache))
    }

    /// Runs `search` with the cache. A search that panicked may have left it half-updated:
    /// `reset` starts it afresh.
    fn with<R>(&self, reset: impl FnOnce(&mut C), search: impl FnOnce(&mut C) -> R) -> R {
        let mut cache = self.0.lock().unwrap_or_else(|poisoned| {
            let mut cache = poisoned.into_inner();
            reset(&mut cache);
            self.0.clear_poison();
            cache
        });
        search(&mut cache)
    }
}

impl ForwardDfa {
    fn new(source: &str) -> Option<Box<ForwardDfa>> {
        let dfa = hybrid::dfa::DFA::builder()
            .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                    .which_captures(WhichCaptures::None),
            )
            // Gives up next to non-ASCII text instead of refusing `\b`; the full regex then
            // decides.
            // Also gives up, like the full regex's own lazy DFA, when its cache keeps filling.
            .configure(
                hybrid::dfa::DFA::config()
                    .unicode_word_boundary(true)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build(source)
            .ok()?;
        let cache = SharedCache::new(dfa.create_cache());
        Some(Box::new(ForwardDfa { dfa, cache }))
    }
}

impl Pattern {
    /// `regex`, when given, is the pattern already built (while its pack was loaded).
    fn new(
        source: String,
        rule: u32,
        max_len: Option<usize>,
        also: Vec<RequiredSet>,
        starts_at_anchor: bool,
        gate: LiteralGate,
        regex: Option<Regex>,
    ) -> Pattern {
        Pattern {
            has_hit_group: has_hit_group(&source),
            also,
            gate,
            starts_at_anchor,
            source: StoredText::new(&source),
            rule,
            max_len,
            regex: regex.map_or_else(OnceLock::new, OnceLock::from),
            cache: OnceLock::new(),
            forward: OnceLock::new(),
        }
    }

    /// The end of the match that starts at `range.start`, searching no further than
    /// `range.end`, if there is one.
    pub fn match_from(&self, text: &str, range: Range<usize>) -> Option<usize> {
        if !self.may_match_in(&text.as_bytes()[range.clone()]) {
            return None;
        }
        let input = Input::new(text).range(range).anchored(Anchored::Yes);
        let forward = self
            .forward
            .get_or_init(|| self.source().and_then(ForwardDfa::new))
            .as_ref();
        if let Some(forward) = forward {
            let found = forward.cache.with(
                |cache| cache.reset(&forward.dfa),
                |cache| forward.dfa.try_search_fwd(cache, &input),
            );
            if let Ok(found) = found {
                return found.map(|end| end.offset());
            }
        }
        self.with_regex(|regex, cache| regex.search_with(cache, &input))
            .map(|m| m.end())
    }

    fn source(&self) -> Option<&str> {
        self.source.as_str()
    }

    /// Whether a match may lie in `searched`: once the pattern is compiled a search answers
    /// as fast as the gate would.
    fn may_match_in(&self, searched: &[u8]) -> bool {
        self.gate.is_empty()
            || self.forward.get().is_some()
            || self.regex.get().is_some()
            || self.gate.open_in(searched)
    }

    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            self.source()
                .and_then(|source| build_regex(source).ok())
                .expect("every pattern is built once when its pack loads")
        })
    }

    /// Runs `search` with the regex and its shared cache; `search` must not search this
    /// pattern again (the cache is locked).
    fn with_regex<R>(
        &self,
        search: impl FnOnce(&Regex, &mut regex_automata::meta::Cache) -> R,
    ) -> R {
        let regex = self.regex();
        let cache = self
            .cache
            .get_or_init(|| Box::new(SharedCache::new(regex.create_cache())));
        cache.with(|cache| cache.reset(regex), |cache| search(regex, cache))
    }

    /// The non-overlapping matches in `input`, in order, as [`Regex::find_iter`] gives them.
    pub fn find_all(&self, input: Input<'_>) -> Vec<Range<usize>> {
        if !self.may_match_in(&input.haystack()[input.get_range()]) {
            return Vec::new();
        }
        self.with_regex(|regex, cache| {
            let mut searcher = regex_automata::util::iter::Searcher::new(input);
            std::iter::from_fn(|| {
                searcher
                    .advance(|input| Ok(regex.search_with(cache, input)))
                    .map(|m| m.range())
            })
            .collect()
        })
    }

    /// The span to report for a match found at `found`: its `hit` group when the pattern has
    /// one and the group took part, else the whole match; without the whitespace at its ends,
    /// which an open tail such as `[^。]{0,6}` takes in (a finding must not end on the next line).
    pub fn reported_span(&self, text: &str, found: Range<usize>) -> Range<usize> {
        let span = if self.has_hit_group {
            // Anchored on the match just found, so the search finds that same match again.
            let input = Input::new(text)
                .range(found.clone())
                .anchored(Anchored::Yes);
            let captures = self.with_regex(|regex, cache| {
                let mut captures = regex.create_captures();
                regex.search_captures_with(cache, &input, &mut captures);
                captures
            });
            captures
                .get_group_by_name("hit")
                .filter(|span| !span.is_empty())
                .map_or(found, |span| span.range())
        } else {
            found
        };
        let matched = &text[span.clone()];
        let start = span.start + (matched.len() - matched.trim_start().len());
        let end = span.start + matched.trim_end().len();
        if start < end {
            start..end
        } else {
            span
        }
    }
}

fn has_hit_group(source: &str) -> bool {
    source.contains("(?P<hit>") || source.contains("(?<hit>")
}

/// Largest compiled pattern: a pack whose pattern is larger is refused when it loads.
const NFA_SIZE_LIMIT: usize = 64 << 20;

/// Builds a pattern's regex, the same way for checking a pack and for matching. The
/// regex-automata engine rather than `regex::Regex`: it searches a range of a text with
/// look-around (`^`, `\b`) still seeing the whole text.
pub(crate) fn build_regex(source: &str) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    // Explicit groups cost search time; only a `hit` group is ever read.
    let captures = if has_hit_group(source) {
        WhichCaptures::All
    } else {
        WhichCaptures::Implicit
    };
    Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .configure(
            Regex::config()
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .which_captures(captures)
                // Patterns run only where their anchors occur, mostly in small windows: a
                // prefilter found nothing faster there (BENCHMARKS.md), but cost a third of
                // the build time and 10 MiB over all patterns.
                .auto_prefilter(false)
                // The one-pass DFA only serves anchored searches (here: reading a `hit`
                // group, rare). The backtracker stays: it is the fast fallback on short texts
                // when the lazy DFA gives up (a Unicode `\b` on Chinese text, a thrashing
                // cache), ahead of the PikeVM.
                .onepass(false),
        )
        .build(source)
        .map_err(Box::new)
}

/// All loaded rules, compiled. Serializable: the built-in packs are compiled at build time
/// (see `build.rs` and [`super::builtin::compiled`]).
#[derive(Default, Serialize, Deserialize)]
pub struct RuleSet {
    pub packs: Vec<PackInfo>,
    pub rules: Vec<Rule>,
    pub conditions: Vec<Conditions>,
    /// The automata; the rules of a view may be spread over several (built-in and user packs).
    pub views: Vec<ViewMatcher>,
    /// Ordered, so that the stored built-in set is the same bytes on every build.
    by_id: BTreeMap<String, usize>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<(usize, &Rule)> {
        self.by_id.get(id).map(|&i| (i, &self.rules[i]))
    }

    /// Compiles packs; a rule id defined twice across packs is an error.
    pub fn compile(packs: Vec<LoadedPack>) -> Result<RuleSet, PackError> {
        RuleSet::default().with_packs(packs)
    }

    /// Adds packs to a compiled set. Their rules get automata of their own, so the set's are
    /// kept as built: adding a user pack to the built-in packs does not rebuild theirs.
    pub fn with_packs(mut self, packs: Vec<LoadedPack>) -> Result<RuleSet, PackError> {
        let first_new = self.rules.len();
        let mut matches: Vec<RuleMatch> = Vec::new();
        for pack in packs {
            let error = |span, message, help: &str| PackError {
                origin: pack.source.origin.clone(),
                source_text: pack.source.text.clone(),
                span,
                message,
                help: Some(help.to_string()),
            };
            if let Some(other) = self.packs.iter().find(|p| p.id == pack.info.id) {
                return Err(error(
                    None,
                    format!(
                        "duplicate pack id {:?} (already loaded from {})",
                        pack.info.id, other.origin
                    ),
                    "give each pack its own [pack] id",
                ));
            }
            for ((rule, matching), span) in pack.rules.into_iter().zip(pack.id_spans) {
                if let Some(&earlier) = self.by_id.get(&rule.id) {
                    let earlier_pack = &self.rules[earlier].pack;
                    let origin = self
                        .packs
                        .iter()
                        .find(|p| &p.id == earlier_pack)
                        .map_or(&pack.source.origin, |p| &p.origin);
                    return Err(error(
                        Some(span),
                        format!(
                            "duplicate rule id {:?} (already defined in {origin})",
                            rule.id
                        ),
                        "every rule id must be unique across all loaded packs",
                    ));
                }
                self.by_id.insert(rule.id.clone(), self.rules.len());
                self.rules.push(rule);
                matches.push(matching);
            }
            self.packs.push(pack.info);
        }
        self.conditions.extend(matches.iter().map(|m| {
            Conditions {
                requires: m.requires.len().min(u8::MAX as usize) as u8,
                within: m.within,
                has_unless: !m.unless.is_empty() || !m.unless_after.is_empty(),
                has_section_frames: !m.unless_section.is_empty(),
                frame_within: m.frame_within,
                voids_section_frames: m.voids_section_frames,
                validator: m.validator,
                separators: m.separators,
                quoted_phrases: m.quoted_phrases,
                allow_patterns: m
                    .allow_patterns
                    .iter()
                    .map(|(source, anchors)| {
                        // Every required set gates an allow pattern: it has no anchors.
                        let gate = anchors
                            .as_ref()
                            .map_or_else(LiteralGate::default, |anchors| {
                                LiteralGate::new(
                                    std::iter::once(&anchors.literals)
                                        .chain(&anchors.also)
                                        .chain(&anchors.gate),
                                )
                            });
                        Pattern::new(source.clone(), 0, None, Vec::new(), false, gate, None)
                    })
                    .collect(),
                whole_sentence: m.model.is_some(),
            }
        }));
        for view in [View { digits: false }, View { digits: true }] {
            let members: Vec<usize> = (0..matches.len())
                .filter(|&i| matches[i].digits == view.digits)
                .collect();
            if !members.is_empty() {
                self.views
                    .push(compile_view(view, first_new, &members, &matches));
            }
        }
        Ok(self)
    }
}

/// The automata of one view over `matches[members]`, whose rules are numbered from `first_rule`.
fn compile_view(
    view: View,
    first_rule: usize,
    members: &[usize],
    matches: &[RuleMatch],
) -> ViewMatcher {
    let mut index = LiteralIndex::default();
    let mut patterns = Vec::new();
    let mut unanchored = Vec::new();
    let mut model_uses = Vec::new();
    // Frames and term sets repeat across rules: normalize each distinct text once.
    let mut normalized: HashMap<&str, String> = HashMap::new();
    for &member in members {
        let m = &matches[member];
        let rule = (first_rule + member) as u32;
        if let Some(used) = &m.model {
            model_uses.push(HeadUse::new(rule, used));
        }
        let roles = m
            .phrases
            .iter()
            .map(|t| (t, Role::Phrase))
            .chain(m.requires.iter().enumerate().flat_map(|(group, terms)| {
                terms.iter().map(move |t| (t, Role::Requires(group as u8)))
            }))
            .chain(m.unless.iter().map(|t| (t, Role::Unless)))
            .chain(m.unless_after.iter().map(|t| (t, Role::UnlessAfter)))
            .chain(m.unless_section.iter().map(|t| (t, Role::SectionFrame)))
            .chain(m.not_frames.iter().map(|t| (t, Role::NotFrame)))
            .chain(m.allow.iter().map(|t| (t, Role::Allow)));
        for (text, role) in roles {
            let literal = normalized
                .entry(text.as_str())
                .or_insert_with(|| normalize(text, view).text)
                .clone();
            if role == Role::Phrase {
                index.add_use(literal, Use::Phrase { rule });
            } else {
                index.add_context(literal, ContextUse { rule, role });
            }
        }
        for ((source, anchors), regex) in m
            .patterns
            .iter()
            .zip(&m.pattern_anchors)
            .zip(&m.pattern_regexes)
        {
            let pattern = patterns.len() as u32;
            let (max_len, also, starts_at_anchor, gate) = match anchors {
                Some(anchors) => {
                    for anchor in &anchors.literals {
                        index.add_use(anchor.clone(), Use::Anchor { pattern });
                    }
                    // Sets hold literals of a Chinese character or longer (ALSO_MIN_BYTES).
                    let also = anchors
                        .also
                        .iter()
                        .map(|set| {
                            RequiredSet::from(
                                set.iter()
                                    .map(|literal| index.id(literal))
                                    .collect::<Box<[u32]>>(),
                            )
                        })
                        .collect();
                    let gate = LiteralGate::new(&anchors.gate);
                    (anchors.max_len, also, anchors.starts_match, gate)
                }
                None => {
                    unanchored.push(pattern);
                    (None, Vec::new(), false, LiteralGate::default())
                }
            };
            patterns.push(Pattern::new(
                source.clone(),
                rule,
                max_len,
                also,
                starts_at_anchor,
                gate,
                Some(regex.clone()),
            ));
        }
    }
    ViewMatcher {
        view,
        literals: (!index.literals.is_empty()).then(|| LiteralMatcher::new(&index.literals)),
        uses: PerLiteral::new(index.uses),
        context_uses: PerLiteral::new(index.context_uses),
        patterns,
        unanchored,
        model_uses,
    }
}

/// A view's distinct literals, numbered, with what each one does.
#[derive(Default)]
struct LiteralIndex {
    ids: HashMap<String, u32>,
    literals: Vec<String>,
    uses: Vec<Vec<Use>>,
    context_uses: Vec<Vec<ContextUse>>,
}

impl LiteralIndex {
    fn id(&mut self, literal: &str) -> u32 {
        if let Some(&id) = self.ids.get(literal) {
            return id;
        }
        let id = self.literals.len() as u32;
        self.ids.insert(literal.to_string(), id);
        self.literals.push(literal.to_string());
        self.uses.push(Vec::new());
        self.context_uses.push(Vec::new());
        id
    }

    fn add_use(&mut self, literal: String, new_use: Use) {
        if !literal.is_empty() {
            let id = self.id(&literal) as usize;
            push_new(&mut self.uses[id], new_use);
        }
    }

    fn add_context(&mut self, literal: String, new_use: ContextUse) {
        if !literal.is_empty() {
            let id = self.id(&literal) as usize;
            push_new(&mut self.context_uses[id], new_use);
        }
    }
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Anchor length (two Chinese characters) past which a longer literal is not worth more.
const SELECTIVE_BYTES: usize = 6;

/// Most anchors one pattern may add before it is cheaper to run it everywhere.
const MAX_ANCHORS: usize = 256;

/// The expression inside any capture groups around `hir`.
fn uncaptured(mut hir: &regex_syntax::hir::Hir) -> &regex_syntax::hir::Hir {
    while let regex_syntax::hir::HirKind::Capture(capture) = hir.kind() {
        hir = &capture.sub;
    }
    hir
}

/// Whether a match of a pattern — its `hit` group when it has one — can end on a single
/// character of a small class that holds ASCII digits (`领[0-9]`, `第[0-9]?`). Such a hit ends
/// inside any longer number (「领6」 in 领648元), and a hit may not cut an ASCII word or number,
/// so the pattern silently misses every number of two digits or more.
pub(crate) fn may_end_inside_number(hir: &regex_syntax::hir::Hir) -> bool {
    ends_on_digit_class(hit_group(hir).unwrap_or(hir))
}

fn hit_group(hir: &regex_syntax::hir::Hir) -> Option<&regex_syntax::hir::Hir> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(capture) if capture.name.as_deref() == Some("hit") => Some(&capture.sub),
        HirKind::Capture(capture) => hit_group(&capture.sub),
        HirKind::Repetition(repetition) => hit_group(&repetition.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().find_map(hit_group),
        _ => None,
    }
}

fn is_optional(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Repetition(repetition) => repetition.min == 0,
        HirKind::Capture(capture) => is_optional(&capture.sub),
        _ => false,
    }
}

fn takes_digit_runs(hir: &regex_syntax::hir::Hir) -> bool {
    match hir.kind() {
        regex_syntax::hir::HirKind::Repetition(repetition) => {
            repetition.max != Some(1) && ends_on_digit_class(&repetition.sub)
        }
        _ => false,
    }
}

fn ends_on_digit_class(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    // A negated class ([^。!?]) holds digits too but is not a number; a number class is small.
    // Pack patterns are Unicode: a byte class needs `(?-u)`, and is left alone.
    const SMALL_CLASS: u32 = 256;
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class.ranges().iter().map(|r| r.len() as u32).sum();
            size < SMALL_CLASS
                && class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= '9' && '0' <= r.end())
        }
        HirKind::Repetition(repetition) => {
            repetition.max == Some(1) && ends_on_digit_class(&repetition.sub)
        }
        HirKind::Capture(capture) => ends_on_digit_class(&capture.sub),
        HirKind::Alternation(branches) => branches.iter().any(ends_on_digit_class),
        HirKind::Concat(items) => {
            for item in items.iter().rev() {
                if ends_on_digit_class(item) {
                    return true;
                }
                // Only an optional part (`(?:元)?`) may come after the digit and leave the match
                // ending there; an optional run of digits takes the rest of the number, and a
                // guard such as `(?:[^0-9]|$)` ends the match at the number's end.
                if !is_optional(item) || takes_digit_runs(item) {
                    return false;
                }
            }
            false
        }
        _ => false,
    }
}

/// A pattern's anchors (see [`anchors_of`]), each literal set sorted.
#[cfg(test)]
fn anchors(pattern: &str) -> Option<Anchors> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
        .ok()?;
    anchors_of(&hir).map(|mut anchors| {
        anchors.literals.sort();
        anchors.also.iter_mut().for_each(|set| set.sort());
        anchors
    })
}

/// Where a pattern can match: near an occurrence of one of its literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchors {
    /// Every match contains one of these.
    pub literals: Vec<String>,
    /// Every match begins with one of `literals`: the regex then only tries to match, anchored,
    /// where one occurs — a few steps where no match starts, instead of a search of a window.
    pub starts_match: bool,
    /// The longest match in bytes, when bounded: a match containing an anchor found at `p..q`
    /// lies within `q - max_len .. p + max_len`, so the regex only searches there.
    pub max_len: Option<usize>,
    /// Further literal sets every match also has one of (other required parts, a Chinese
    /// character or longer): a start or window lacking any of them is not searched.
    pub also: Vec<Vec<String>>,
    /// Required sets too large for `also` (term lists): checked in the text to be searched
    /// while the pattern is not compiled yet ([`Pattern::gate`]).
    pub gate: Vec<Vec<String>>,
}

/// Most further required sets kept per pattern ([`Anchors::also`]), and most literals in one:
/// a long term list is cheap to check in the pattern itself, not in the shared automaton.
const MAX_ALSO: usize = 3;
const MAX_ALSO_LITERALS: usize = 32;

/// Shortest literal of a further required set: one Chinese character. Checked at the place a
/// pattern would be tried, even a common character rules out most places; every search saved
/// is a regex that may never need compiling (−9 MiB peak memory, BENCHMARKS.md).
const ALSO_MIN_BYTES: usize = 3;

/// Literals of which every match of an (already parsed) pattern contains one. The set every
/// match begins with wins when its shortest literal is a Chinese character or as long as the
/// best other set's: trying a match at each occurrence is cheap, even of a common character,
/// since the further required parts must occur within reach too. Otherwise the most selective
/// set found: the longest shortest literal (up to two Chinese characters), then the fewest.
/// Candidates are the prefixes and suffixes of the expression, the sets of its required parts
/// (a concatenation's members, a repetition's body) and, for an alternation, the union of its
/// branches' sets — so `甲[0-9]+助力|[0-9]+人助力` is anchored on 助力. `None` when no small,
/// non-empty set exists.
pub(crate) fn anchors_of(hir: &regex_syntax::hir::Hir) -> Option<Anchors> {
    let mut sets = candidate_sets(hir, true);
    let best = (0..sets.len()).reduce(|best, i| {
        if sets[i].better_than(&sets[best]) {
            i
        } else {
            best
        }
    })?;
    // Starting a match at each of the prefixes costs far less than searching a window around
    // a rarer literal, unless the prefixes are shorter than a Chinese character (digits, a
    // Latin letter) and the rarer literal is not.
    let (best, starts_match) = match prefix_set(hir) {
        Some(prefixes)
            if prefixes.shortest_bytes >= sets[best].shortest_bytes.min(SELECTIVE_START_BYTES) =>
        {
            (prefixes, true)
        }
        _ => (sets.swap_remove(best), false),
    };
    sets.retain(|set| set.shortest_bytes >= ALSO_MIN_BYTES && set.literals != best.literals);
    sets.sort_by(|a, b| a.literals.cmp(&b.literals));
    sets.dedup_by(|a, b| a.literals == b.literals);
    let (also, gate): (Vec<LiteralSet>, Vec<LiteralSet>) = sets
        .into_iter()
        .partition(|set| set.literals.len() <= MAX_ALSO_LITERALS);
    let mut also = also;
    also.sort_by_key(|set| std::cmp::Reverse(set.rank()));
    also.truncate(MAX_ALSO);
    let mut gate = gate;
    gate.sort_by_key(|set| set.literals.len());
    gate.truncate(MAX_ALSO);
    Some(Anchors {
        literals: best.literals,
        starts_match,
        max_len: hir.properties().maximum_len(),
        also: also.into_iter().map(|set| set.literals).collect(),
        gate: gate.into_iter().map(|set| set.literals).collect(),
    })
}

/// Prefixes this short or longer (one Chinese character) are worth starting matches at.
const SELECTIVE_START_BYTES: usize = 3;

/// The literals every match of `hir` begins with, when there are few enough.
fn prefix_set(hir: &regex_syntax::hir::Hir) -> Option<LiteralSet> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Prefix)
        .limit_total(MAX_ANCHORS * 4);
    let seq = extractor.extract(hir);
    // Cut to two Chinese characters, past which a prefix is hardly rarer: a cross product of
    // alternatives then collapses to its few distinct starts.
    LiteralSet::new(seq.literals()?.iter().map(|l| {
        let bytes = l.as_bytes();
        &bytes[..bytes.len().min(SELECTIVE_BYTES)]
    }))
}

/// A candidate anchor set, with what makes it selective.
struct LiteralSet {
    shortest_bytes: usize,
    literals: Vec<String>,
}

impl LiteralSet {
    /// `literals` may cut a character in two (the extractor trims long literal sets to a few
    /// bytes); they are trimmed to whole characters, which every match still contains.
    fn new<'a>(literals: impl IntoIterator<Item = &'a [u8]>) -> Option<LiteralSet> {
        let mut trimmed: Vec<&str> = literals.into_iter().map(whole_characters).collect();
        trimmed.sort_unstable();
        // A literal that begins with another of the set adds nothing: wherever it occurs, so
        // does the shorter one, at the same start. Sorted, it follows the last one kept.
        let mut kept: Option<&str> = None;
        trimmed.retain(|literal| {
            let redundant = kept.is_some_and(|k| !k.is_empty() && literal.starts_with(k));
            if !redundant {
                kept = Some(literal);
            }
            !redundant
        });
        let shortest_bytes = trimmed.iter().map(|l| l.len()).min()?;
        (shortest_bytes > 0 && trimmed.len() <= MAX_ANCHORS).then(|| LiteralSet {
            shortest_bytes,
            literals: trimmed.into_iter().map(str::to_string).collect(),
        })
    }

    fn is_best_possible(&self) -> bool {
        self.shortest_bytes >= SELECTIVE_BYTES && self.literals.len() == 1
    }

    /// Longer literals are rarer, but from two Chinese characters (six bytes) on length hardly
    /// matters any more, while every extra literal (a cross product spelled out, say) costs and
    /// can push an alternation's union over [`MAX_ANCHORS`].
    fn better_than(&self, other: &LiteralSet) -> bool {
        self.rank() > other.rank()
    }

    fn rank(&self) -> (usize, std::cmp::Reverse<usize>) {
        (
            self.shortest_bytes.min(SELECTIVE_BYTES),
            std::cmp::Reverse(self.literals.len()),
        )
    }
}

/// The longest run of whole UTF-8 characters in `bytes`, dropping a cut character at either end.
fn whole_characters(bytes: &[u8]) -> &str {
    let start = bytes
        .iter()
        .position(|&b| b & 0b1100_0000 != 0b1000_0000)
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&bytes[..error.valid_up_to()]).expect("valid prefix"),
    }
}

fn required_literals(hir: &regex_syntax::hir::Hir) -> Option<LiteralSet> {
    candidate_sets(hir, false)
        .into_iter()
        .reduce(|best, set| if set.better_than(&best) { set } else { best })
}

/// The literal sets every match of `hir` has a member of: its prefixes and suffixes, and the
/// best set of each required part. Below the top level (`whole` false) a long literal part
/// ends the search, since no set can beat it.
fn candidate_sets(hir: &regex_syntax::hir::Hir, whole: bool) -> Vec<LiteralSet> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::HirKind;
    let hir = uncaptured(hir);
    if let HirKind::Literal(literal) = hir.kind() {
        return LiteralSet::new([&literal.0[..]]).into_iter().collect();
    }
    // A long literal part is as good as any set gets: skip the costlier candidates.
    let mut has_best_possible = false;
    if let HirKind::Concat(parts) = hir.kind() {
        let best_literal = parts
            .iter()
            .filter_map(|part| match uncaptured(part).kind() {
                HirKind::Literal(literal) => LiteralSet::new([&literal.0[..]]),
                _ => None,
            })
            .max_by_key(|set| set.shortest_bytes);
        if let Some(set) = best_literal.filter(LiteralSet::is_best_possible) {
            if !whole {
                return vec![set];
            }
            has_best_possible = true;
        }
    }
    let affixes = [ExtractKind::Prefix, ExtractKind::Suffix].map(|kind| {
        if has_best_possible {
            return None;
        }
        let mut extractor = Extractor::new();
        extractor.kind(kind).limit_total(MAX_ANCHORS * 4);
        let seq = extractor.extract(hir);
        seq.literals()
            .and_then(|ls| LiteralSet::new(ls.iter().map(|l| l.as_bytes())))
    });
    let parts: Vec<Option<LiteralSet>> = match hir.kind() {
        HirKind::Concat(parts) => parts.iter().map(required_literals).collect(),
        HirKind::Repetition(repetition) if repetition.min > 0 => {
            vec![required_literals(&repetition.sub)]
        }
        HirKind::Alternation(branches) => {
            let union: Option<Vec<LiteralSet>> = branches.iter().map(required_literals).collect();
            vec![union.and_then(|sets| {
                LiteralSet::new(
                    sets.iter()
                        .flat_map(|set| set.literals.iter().map(|l| l.as_bytes())),
                )
            })]
        }
        _ => Vec::new(),
    };
    affixes.into_iter().chain(parts).flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_digit_at_the_end_of_a_match_is_found() {
        let ends_inside = |pattern: &str| {
            let hir = regex_syntax::ParserBuilder::new()
                .case_insensitive(true)
                .build()
                .parse(pattern)
                .unwrap();
            may_end_inside_number(&hir)
        };
        for pattern in [
            "领[0-9]",
            "领[0-9一二三]|送红包",
            "第[0-9]?",
            "返利[0-9](?:元)?",
            "(?P<hit>送[0-9])(?:[^了]|$)",
            "刷到(了)?[0-9一二三四五六七八九十万]",
        ] {
            assert!(ends_inside(pattern), "{pattern}");
        }
        for pattern in [
            "领[0-9]+",
            "领[0-9]{2,}",
            "1[3-9][0-9]{9}",
            "[0-9一二](?:\\.[0-9]+)?折",
            "(?P<hit>更新)(?:[^了]|$)",
            "转发[^。!?;]",
            "第[0-9]+章",
            "送[1-9][0-9]*",
            "(?:^|[^0-9])领[0-9](?:[^0-9]|$)",
        ] {
            assert!(!ends_inside(pattern), "{pattern}");
        }
    }

    /// The shared-cache search finds what the regex's own iterator finds, empty matches
    /// included, from several threads at once.
    #[test]
    fn find_all_agrees_with_the_regex_iterator_across_threads() {
        let sources = [
            "转发.{0,6}红包",
            "a*",
            "(?P<hit>薇信)[:：]?\\d+",
            "\\b[a-z]+\\b",
        ];
        let text = "转发给好友领红包，aa b 薇信：12345 abc 转发就送红包";
        let patterns: Vec<Pattern> = sources
            .iter()
            .map(|source| {
                Pattern::new(
                    source.to_string(),
                    0,
                    None,
                    Vec::new(),
                    false,
                    LiteralGate::default(),
                    None,
                )
            })
            .collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        for pattern in &patterns {
                            let expected: Vec<_> = build_regex(pattern.source().unwrap())
                                .unwrap()
                                .find_iter(text)
                                .map(|m| m.range())
                                .collect();
                            assert_eq!(pattern.find_all(Input::new(text)), expected);
                        }
                    }
                });
            }
        });
    }

    /// A term list too long for the shared automaton gates the pattern instead: a text
    /// without one of its terms is not searched, and the pattern is not compiled for it.
    #[test]
    fn a_large_required_set_gates_a_pattern_until_it_compiles() {
        let terms: Vec<String> = "甲乙丙丁戊己庚辛壬癸"
            .chars()
            .flat_map(|a| "子丑寅卯".chars().map(move |b| format!("{a}{b}")))
            .collect();
        assert!(terms.len() > MAX_ALSO_LITERALS);
        let source = format!("(?:转发|分享)[^。]{{0,10}}(?:{})", terms.join("|"));
        let anchors = anchors(&source).unwrap();
        assert!(anchors.starts_match);
        assert!(anchors.also.is_empty());
        let mut sorted = terms.clone();
        sorted.sort();
        assert_eq!(anchors.gate, [sorted]);
        let pattern = Pattern::new(
            source,
            0,
            anchors.max_len,
            Vec::new(),
            true,
            LiteralGate::new(&anchors.gate),
            None,
        );
        let text = "转发给朋友，分享给家人";
        assert_eq!(pattern.match_from(text, 0..text.len()), None);
        assert!(pattern.forward.get().is_none() && pattern.regex.get().is_none());
        let text = "转发给朋友庚寅。";
        assert_eq!(
            pattern.match_from(text, 0..text.len()),
            Some("转发给朋友庚寅".len())
        );
        assert!(pattern.forward.get().is_some());
    }

    #[test]
    fn a_gate_opens_on_a_literal_of_every_set_anywhere_in_the_text() {
        let set = |literals: &[&str]| literals.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let money = set(&["红包", "红利", "现金", "a1"]);
        let share = set(&["转发", "分享"]);
        let gate = LiteralGate::new([&money]);
        for (text, open) in [
            ("领取红利", true),
            ("红色的现金", true),
            ("最后是现金", true),
            ("xa1", true),
            ("红色", false),
            ("现", false),
            ("", false),
        ] {
            assert_eq!(gate.open_in(text.as_bytes()), open, "{text}");
        }
        let both = LiteralGate::new([&money, &share]);
        assert!(both.open_in("转发领红包".as_bytes()));
        assert!(!both.open_in("领红包".as_bytes()));
        assert!(LiteralGate::new([&set(&["红包", ""])]).is_empty());
    }

    /// A search that panics while holding a shared cache leaves it usable afterwards.
    #[test]
    fn a_poisoned_shared_cache_is_reset_and_usable() {
        let cache = SharedCache::new(Vec::from([1, 2, 3]));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cache.with(
                |_| {},
                |numbers| {
                    numbers.push(4);
                    panic!("a search failed halfway");
                },
            )
        }));
        assert!(panicked.is_err());
        assert_eq!(
            cache.with(|numbers| numbers.clear(), |numbers| numbers.len()),
            0
        );
        // The lock is healthy again: the next search keeps what is there.
        cache.with(|numbers| numbers.push(99), |numbers| numbers.push(5));
        assert_eq!(cache.with(|_| {}, |numbers| numbers.clone()), [5]);
    }

    #[test]
    fn a_required_set_may_share_only_literals_it_holds() {
        let set = RequiredSet::from(vec![3, 70, 5000].into_boxed_slice());
        let found = |literals: &[u32]| {
            let mut bloom = LiteralBloom::default();
            literals.iter().for_each(|&l| bloom.insert(l));
            bloom
        };
        assert!(found(&[1, 70]).may_share(&set.bloom));
        assert!(found(&[5000]).may_share(&set.bloom));
        assert!(!found(&[]).may_share(&set.bloom));
        assert!(!found(&[4, 71, 4999]).may_share(&set.bloom));
        // Stored as the ids alone; the filter is rebuilt on load.
        let stored = postcard::to_allocvec(&set).unwrap();
        assert_eq!(stored, postcard::to_allocvec(&set.ids).unwrap());
        assert_eq!(postcard::from_bytes::<RequiredSet>(&stored).unwrap(), set);
    }

    #[test]
    fn anchors_are_prefixes_or_suffixes_every_match_has() {
        // (literals, whether every match starts with one) for a pattern's anchors.
        let anchored = |pattern: &str| anchors(pattern).map(|a| (a.literals, a.starts_match));
        let words = |words: &[&str]| -> Vec<String> {
            let mut words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            words.sort();
            words
        };
        let starts = |w: &[&str]| Some((words(w), true));
        let within = |w: &[&str]| Some((words(w), false));
        assert_eq!(
            anchored("(?:转发|分享)[^。]{0,10}(?:领|得)"),
            starts(&["转发", "分享"])
        );
        assert_eq!(
            anchored("[^。]{0,10}(?:领|得)红包"),
            within(&["红包"]),
            "one two-character literal beats two longer ones"
        );
        assert_eq!(
            anchored("(?:转发|分享)[^。]{0,10}红包"),
            starts(&["转发", "分享"]),
            "trying a match at each prefix beats searching around a rarer literal"
        );
        assert_eq!(
            anchored("(?:转|发)[^。]{0,3}(?:本文|链接)"),
            starts(&["转", "发"]),
            "a one-character prefix is still worth trying"
        );
        assert_eq!(
            anchored("(?:^|[^a-z])(?:薇信|扣扣):[0-9]+"),
            within(&["薇信", "扣扣"]),
            "no prefix set: a class starts the match"
        );
        assert_eq!(
            anchored("(?:满|凑)[0-9]+人助力|[0-9]+人助力(?:即可|就)"),
            within(&["人助力"]),
            "digit prefixes are too common: branches share a required part"
        );
        assert_eq!(
            anchored("让(?:他|她)(?:好看|活不过)|给(?:他|她)点颜色"),
            starts(&["让他", "让她", "给他", "给她"]),
            "prefixes are cut to two characters, so cross products stay small"
        );
        assert_eq!(
            anchored("[0-9]+(?:好看|活不过)|[0-9]+点颜色"),
            within(&["好看", "活不过", "点颜色"]),
            "the union of each branch's best set"
        );
        assert!(
            anchors("(?:vx|v)[0-9]*(?:领取|我)")
                .unwrap()
                .literals
                .iter()
                .all(|literal| literal.len() >= 3),
            "no anchor is a lone Latin letter"
        );
        let also = |pattern: &str| anchors(pattern).unwrap().also;
        assert_eq!(
            also("[^。]{0,3}(?:转发|分享)[^。]{0,10}(?:领|得)红包"),
            [["分享", "转发"], ["得", "领"]],
            "the anchor is 红包; 转发 or 分享, and 领 or 得, must also occur"
        );
        assert_eq!(
            also("(?:转发|分享)[^。]{0,10}(?:领|得)红包"),
            [vec!["红包"], vec!["得", "领"]],
            "the anchor is the prefix; 红包 and 领 or 得 must also occur, longer sets first"
        );
        assert_eq!(
            also("(?:都|全)[^。]{0,3}(?:疯|炸锅)"),
            [["炸锅", "疯"]],
            "even a one-character part rules out most places where the pattern would be tried"
        );
        assert_eq!(
            also("(?:都|全)[^。]{0,3}(?:疯|x)"),
            Vec::<Vec<String>>::new(),
            "a part that may be one Latin letter is too common"
        );
        assert_eq!(anchors("[^。]{0,10}"), None);
        assert_eq!(whole_characters("转发".as_bytes()), "转发");
        assert_eq!(
            whole_characters(&"转发".as_bytes()[1..5]),
            "",
            "no whole character"
        );
        assert_eq!(whole_characters(&"转发红包".as_bytes()[2..10]), "发红");
        assert_eq!(
            anchors("[^。]{2,5}|红包"),
            None,
            "one branch without anchor"
        );
        assert_eq!(
            anchors(r"\d{17}[\dx]"),
            None,
            "digit classes are too many literals"
        );
    }

    #[test]
    fn both_literal_automata_find_the_same_overlapping_occurrences() {
        let literals: Vec<String> = ["转发", "转发朋友圈", "朋友", "友圈", "vx", "x"]
            .map(String::from)
            .to_vec();
        let small = LiteralMatcher::new(&literals);
        assert!(matches!(small, LiteralMatcher::Chars(_)));
        let large = LiteralMatcher::Bytes(AhoCorasick::new(&literals).unwrap());
        let found = |matcher: &LiteralMatcher| {
            let mut all = Vec::new();
            matcher.for_each_overlapping("请转发朋友圈，加vx🌟转发", |range, id| {
                all.push((range, id))
            });
            all.sort_by_key(|(range, id)| (range.start, range.end, *id));
            all
        };
        assert_eq!(found(&small), found(&large));
        assert_eq!(found(&small).len(), 7);
    }

    /// Patterns without anchors run on every block; the built-in packs should need few.
    #[test]
    fn built_in_patterns_are_mostly_anchored() {
        let rules = RuleSet::compile(super::super::builtin::load().unwrap()).unwrap();
        let total: usize = rules.views.iter().map(|v| v.patterns.len()).sum();
        let unanchored: Vec<&str> = rules
            .views
            .iter()
            .flat_map(|v| {
                v.unanchored
                    .iter()
                    .map(|&i| v.patterns[i as usize].source().unwrap())
            })
            .collect();
        assert!(
            unanchored.len() * 10 <= total.max(10),
            "{} of {total} patterns have no anchor:\n{}",
            unanchored.len(),
            unanchored.join("\n")
        );
    }
}
