//! Golden tests: every draft under fixtures/drafts/ against its expected diagnostics in
//! fixtures/expected/<draft>.txt (concise lines). `GZHLINT_BLESS=1 cargo test --test fixtures`
//! rewrites the expected files after a reviewed change.

use std::fs;
use std::path::{Path, PathBuf};

use gzhlint::extract::Format;
use gzhlint::lint::lint_bytes;
use gzhlint::report::{concise, FileResult};
use gzhlint::rules::{builtin, RuleSet};

fn rules() -> RuleSet {
    RuleSet::compile(builtin::load().expect("built-in packs load")).expect("built-in packs compile")
}

fn drafts() -> Vec<PathBuf> {
    let mut drafts: Vec<PathBuf> = fs::read_dir("fixtures/drafts")
        .expect("fixtures/drafts exists")
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "html")))
        .collect();
    drafts.sort();
    drafts
}

fn expected_path(draft: &Path) -> PathBuf {
    Path::new("fixtures/expected").join(format!(
        "{}.txt",
        draft.file_name().unwrap().to_string_lossy()
    ))
}

fn render(rules: &RuleSet, draft: &Path) -> String {
    let bytes = fs::read(draft).unwrap();
    let linted = lint_bytes(rules, &bytes, Format::from_path(draft)).expect("drafts are text");
    let file = FileResult::new(
        PathBuf::from(draft.file_name().unwrap()),
        linted.source.text,
        linted.diagnostics,
    );
    let mut out = String::new();
    concise::render(rules, &file, &mut out);
    out
}

#[test]
fn drafts_match_their_expected_diagnostics() {
    let rules = rules();
    let bless = std::env::var_os("GZHLINT_BLESS").is_some();
    let drafts = drafts();
    assert!(
        drafts.len() >= 40,
        "expected at least 40 fixture drafts, found {}",
        drafts.len()
    );
    let mut mismatches = Vec::new();
    for draft in &drafts {
        let actual = render(&rules, draft);
        let expected_file = expected_path(draft);
        if bless {
            fs::create_dir_all("fixtures/expected").unwrap();
            fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        match fs::read_to_string(&expected_file) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => mismatches.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                draft.display()
            )),
            Err(_) => mismatches.push(format!(
                "{}: no expected file {} (run with GZHLINT_BLESS=1 and review)",
                draft.display(),
                expected_file.display()
            )),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn clean_drafts_have_no_diagnostics() {
    let rules = rules();
    let all = drafts();
    let clean: Vec<PathBuf> = all
        .iter()
        .filter(|d| d.file_name().unwrap().to_string_lossy().contains("-clean-"))
        .cloned()
        .collect();
    assert!(
        clean.len() * 3 >= all.len(),
        "at least a third of the drafts are clean: {} of {}",
        clean.len(),
        all.len()
    );
    for draft in clean {
        assert_eq!(
            render(&rules, &draft),
            "",
            "{} should be clean",
            draft.display()
        );
    }
}
