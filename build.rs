//! Compiles the built-in rule packs at build time, so that start-up decodes them instead of
//! parsing TOML, extracting pattern anchors and building automata (BENCHMARKS.md).
//!
//! It runs the crate's own loading and compiling code: the modules below are the library's
//! files, not copies, so the stored rule set is exactly what `RuleSet::compile` would build at
//! run time (a unit test in `rules::builtin` checks that). A broken built-in pack fails the
//! build with the pack's error.

// The library's modules carry more than compiling needs (matching, explaining, tests).
#![allow(dead_code, unused_imports)]

#[path = "src/error.rs"]
mod error;
#[path = "src/normalize/mod.rs"]
mod normalize;
#[path = "src/rules/mod.rs"]
mod rules;

#[path = "src/extract/scope.rs"]
mod scope;
mod extract {
    pub use super::scope::{Scope, ScopeSet};
}

/// The library's `BUILTIN_RULES` is this script's output; here there is none yet.
static BUILTIN_RULES: &[u8] = &[];

fn main() {
    for input in [
        "rules",
        "src/rules",
        "src/normalize",
        "src/extract/scope.rs",
        "src/error.rs",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    let compiled = rules::builtin::load().and_then(rules::RuleSet::compile);
    let rule_set = match compiled {
        Ok(rule_set) => rule_set,
        Err(error) => {
            eprintln!("error in a built-in rule pack: {error}");
            std::process::exit(1);
        }
    };
    let bytes = postcard::to_allocvec(&rule_set).unwrap_or_else(|error| {
        // The one value that cannot be stored is an aho-corasick literal automaton.
        eprintln!(
            "cannot store the built-in rule set ({error}): a view has more literals than \
             LARGE_LITERAL_SET in src/rules/compile.rs lets daachorse build"
        );
        std::process::exit(1);
    });
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let path = std::path::Path::new(&out_dir).join("builtin-rules.postcard");
    std::fs::write(&path, bytes).expect("OUT_DIR is writable");
}
