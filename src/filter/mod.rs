//! Stage 5: decide which candidates are findings.
//!
//! [`context`] applies each rule's own conditions (scopes, required terms, frames, allow
//! phrases, validators, word boundaries); [`overlap`] keeps one finding per phrase per category;
//! configuration and inline suppressions act on the diagnostics that survive.

pub mod context;
pub mod overlap;
pub mod suppress;
