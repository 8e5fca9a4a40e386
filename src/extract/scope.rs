//! Scopes: where in a document a piece of text stands. Apart from the extractors so that the
//! build script, which compiles the built-in packs, needs nothing else of extraction.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where in a document a piece of text stands; rules choose the scopes they apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Title,
    Heading,
    Body,
    Alt,
    Link,
    Table,
    Quote,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Title,
        Scope::Heading,
        Scope::Body,
        Scope::Alt,
        Scope::Link,
        Scope::Table,
        Scope::Quote,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::Title => "title",
            Scope::Heading => "heading",
            Scope::Body => "body",
            Scope::Alt => "alt",
            Scope::Link => "link",
            Scope::Table => "table",
            Scope::Quote => "quote",
        }
    }
}

/// A small set of scopes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(u8);

impl ScopeSet {
    pub const EMPTY: ScopeSet = ScopeSet(0);
    pub const ALL: ScopeSet = ScopeSet(0x7f);

    pub fn of(scope: Scope) -> ScopeSet {
        ScopeSet(1 << scope as u8)
    }
    pub fn with(self, scope: Scope) -> ScopeSet {
        ScopeSet(self.0 | 1 << scope as u8)
    }
    pub fn without(self, scope: Scope) -> ScopeSet {
        ScopeSet(self.0 & !(1 << scope as u8))
    }
    pub fn union(self, other: ScopeSet) -> ScopeSet {
        ScopeSet(self.0 | other.0)
    }
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & (1 << scope as u8) != 0
    }
    pub fn intersects(self, other: ScopeSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        iter.into_iter().fold(ScopeSet::EMPTY, ScopeSet::with)
    }
}

/// A set is written as the list of its scopes' names.
impl Serialize for ScopeSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Collected first: compact formats need the length up front.
        serializer.collect_seq(self.iter().collect::<Vec<_>>())
    }
}

impl<'de> Deserialize<'de> for ScopeSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Scope>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}
