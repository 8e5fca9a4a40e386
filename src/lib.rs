//! gzhlint: lint WeChat Official Account drafts against the platform's operating rules and the
//! Advertising Law.
//!
//! The pipeline runs one way, a module per stage:
//! [`source`] (read and decode) → [`extract`] (text blocks with a source map) →
//! [`normalize`] (evasions folded, with an offset map back) → [`matching`] (compiled rules) →
//! [`filter`] (context, configuration, suppressions) → [`diagnostic`] → [`report`].
//! [`rules`] loads and compiles rule packs; [`lint`] drives one file through the stages.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod extract;
pub mod filter;
pub mod fix;
pub mod lint;
pub mod matching;
pub mod normalize;
pub mod report;
pub mod rules;
pub mod source;

/// The built-in packs, compiled by `build.rs` (see [`rules::builtin::compiled`]).
static BUILTIN_RULES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-rules.postcard"));
