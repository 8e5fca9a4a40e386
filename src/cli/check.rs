//! `gzhlint check`: find the drafts (or read one from standard input), lint them in parallel,
//! print reports in input order.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{load_rules, ColorChoice, FailOn, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::extract::Format;
use crate::lint::lint_bytes;
use crate::normalize::normalize;
use crate::report::sarif::ArtifactEncoding;
use crate::report::{self, FileResult, Summary};
use crate::rules::RuleSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Annotated source excerpts (miette).
    Human,
    /// `path:line:col: severity rule-id message`
    Concise,
    /// One JSON document (see the README for the schema).
    Json,
    /// One SARIF 2.1.0 document (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), one line per diagnostic.
    Github,
    /// One JUnit XML document: a test case per file, a failure per diagnostic.
    Junit,
}

/// Shown as the path of a draft read with `--stdin` and no `--stdin-filename`.
const STDIN_NAME: &str = "<stdin>";

#[derive(Args)]
pub struct CheckArgs {
    /// Files or folders to lint (default: the current folder).
    paths: Vec<PathBuf>,
    /// Lint one draft read from standard input instead of files.
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
    /// With --stdin: the path shown in reports; its extension picks the format
    /// (.md, .html, .txt …; Markdown when not given).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// A rule pack (file or folder of .toml files) to load in addition to the built-in packs.
    #[arg(long = "rules", value_name = "PACK")]
    rules: Vec<PathBuf>,
    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(short = 'j', long = "threads", value_name = "N")]
    threads: Option<usize>,
    /// Exit with 1 when a diagnostic at or above this level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print each block's text after normalization (for rule-pack authors) instead of linting.
    #[arg(long)]
    explain_normalization: bool,
}

/// A draft to lint: a file, or bytes already read from standard input.
struct Input {
    /// The path shown in reports.
    path: PathBuf,
    format: Format,
    /// `None`: read `path`.
    bytes: Option<Vec<u8>>,
}

impl Input {
    fn file(path: PathBuf) -> Input {
        Input {
            format: Format::from_path(&path),
            path,
            bytes: None,
        }
    }

    fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.bytes {
            Some(bytes) => Ok(bytes.as_slice().into()),
            None => std::fs::read(&self.path).map(Into::into),
        }
    }
}

/// One input after linting, or why it was not linted.
enum Outcome {
    Linted(FileResult, ArtifactEncoding),
    Skipped { path: PathBuf, reason: String },
    Failed { path: PathBuf, reason: String },
}

pub fn run(args: CheckArgs) -> i32 {
    // clap's `requires` counts the flag's default `false` as present, so check here.
    if args.stdin_filename.is_some() && !args.stdin {
        eprintln!("gzhlint: error: --stdin-filename needs --stdin");
        return EXIT_ERROR;
    }
    let Some((rules, _)) = load_rules(&args.rules) else {
        return EXIT_ERROR;
    };
    let inputs = if args.stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
            eprintln!("gzhlint: error: cannot read standard input: {e}");
            return EXIT_ERROR;
        }
        let (path, format) = match &args.stdin_filename {
            Some(name) => (name.clone(), Format::from_path(name)),
            None => (PathBuf::from(STDIN_NAME), Format::Markdown),
        };
        vec![Input {
            path,
            format,
            bytes: Some(bytes),
        }]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        match collect_files(&paths) {
            Ok(files) => files.into_iter().map(Input::file).collect::<Vec<_>>(),
            Err(message) => {
                eprintln!("gzhlint: error: {message}");
                return EXIT_ERROR;
            }
        }
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        if threads == 0 {
            eprintln!("gzhlint: error: -j needs at least 1 thread");
            return EXIT_ERROR;
        }
        pool = pool.num_threads(threads);
    }
    let pool = match pool.build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("gzhlint: error: cannot start worker threads: {e}");
            return EXIT_ERROR;
        }
    };
    if args.explain_normalization {
        return explain_normalization(&rules, &inputs);
    }
    let renderer = report::human::HumanRenderer::new(args.color.enabled());
    let format = args.format;
    // Each worker lints and renders its file; output is printed in input order. Whole-document
    // formats (JSON, SARIF, JUnit) are rendered once all files are linted.
    let outcomes: Vec<(Outcome, String)> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let outcome = lint_input(&rules, input);
                let mut text = String::new();
                if let Outcome::Linted(file, _) = &outcome {
                    match format {
                        OutputFormat::Human => renderer.render(&rules, file, &mut text),
                        OutputFormat::Concise => report::concise::render(&rules, file, &mut text),
                        OutputFormat::Github => report::github::render(&rules, file, &mut text),
                        OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Junit => {}
                    }
                }
                (outcome, text)
            })
            .collect()
    });
    let mut results = Vec::new();
    let mut encodings = Vec::new();
    let mut skipped = 0;
    let mut failed = false;
    let mut stdout = String::new();
    for (outcome, text) in outcomes {
        stdout.push_str(&text);
        match outcome {
            Outcome::Linted(file, encoding) => {
                results.push(file);
                encodings.push(encoding);
            }
            Outcome::Skipped { path, reason } => {
                skipped += 1;
                eprintln!("gzhlint: note: skipped {}: {reason}", path.display());
            }
            Outcome::Failed { path, reason } => {
                failed = true;
                eprintln!("gzhlint: error: {}: {reason}", path.display());
            }
        }
    }
    let summary = Summary::of(&results, skipped);
    match args.format {
        OutputFormat::Json => stdout.push_str(&report::json::render(&rules, &results, summary)),
        OutputFormat::Sarif => {
            stdout.push_str(&report::sarif::render(&rules, &results, &encodings));
        }
        OutputFormat::Junit => stdout.push_str(&report::junit::render(&rules, &results, summary)),
        OutputFormat::Human | OutputFormat::Concise | OutputFormat::Github => {
            stdout.push_str(&summary.line());
            stdout.push('\n');
        }
    }
    print!("{stdout}");
    if failed {
        return EXIT_ERROR;
    }
    let threshold = args.fail_on.threshold();
    let fails = results
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| threshold.is_some_and(|t| d.severity >= t));
    if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn lint_input(rules: &RuleSet, input: &Input) -> Outcome {
    let path = input.path.as_path();
    let bytes = match input.read() {
        Ok(bytes) => bytes,
        Err(e) => {
            return Outcome::Failed {
                path: path.to_path_buf(),
                reason: format!("cannot read: {e}"),
            }
        }
    };
    match lint_bytes(rules, &bytes, input.format) {
        Ok(linted) => {
            if linted.source.had_errors {
                let line = linted.source.text[..linted.source.text.find('\u{FFFD}').unwrap_or(0)]
                    .matches('\n')
                    .count()
                    + 1;
                eprintln!(
                    "gzhlint: warning: {}:{line}: bytes invalid in {} were replaced with U+FFFD",
                    path.display(),
                    linted.source.encoding.name()
                );
            }
            let encoding = ArtifactEncoding {
                name: linted.source.encoding.name(),
                had_bom: linted.source.had_bom,
            };
            Outcome::Linted(
                FileResult {
                    path: path.to_path_buf(),
                    text: linted.source.text,
                    diagnostics: linted.diagnostics,
                },
                encoding,
            )
        }
        Err(_) => Outcome::Skipped {
            path: path.to_path_buf(),
            reason: "binary file, not a draft".to_string(),
        },
    }
}

/// Named files are linted whatever their extension; folders are walked for draft extensions,
/// honouring .gitignore and .gzhlintignore. The list is sorted so output order is stable.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(format!("{}: no such file or folder", path.display()));
        }
        let mut found = Vec::new();
        let walker = ignore::WalkBuilder::new(path)
            .add_custom_ignore_filename(".gzhlintignore")
            .require_git(false)
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
            let is_draft = entry.file_type().is_some_and(|t| t.is_file())
                && entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| {
                        Format::LINTED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                    });
            if is_draft {
                found.push(entry.into_path());
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

fn explain_normalization(rules: &RuleSet, inputs: &[Input]) -> i32 {
    for input in inputs {
        let path = &input.path;
        let Ok(bytes) = input.read() else {
            eprintln!("gzhlint: error: {}: cannot read", path.display());
            return EXIT_ERROR;
        };
        let Ok(source) = crate::source::decode(&bytes) else {
            eprintln!("gzhlint: note: skipped {}: binary file", path.display());
            continue;
        };
        let extracted = crate::extract::extract(&source.text, input.format);
        let lines = crate::diagnostic::LineIndex::new(&source.text);
        for block in &extracted.blocks {
            let line = block
                .segments
                .first()
                .map_or(1, |s| lines.line_of(s.source.start) + 1);
            let scopes: Vec<&str> = block.scopes.iter().map(|s| s.name()).collect();
            println!("{}:{line} [{}]", path.display(), scopes.join(","));
            println!("  text:       {}", block.text.replace('\n', "⏎"));
            for matcher in &rules.views {
                let label = if matcher.view.digits {
                    "digits:    "
                } else {
                    "normalized:"
                };
                println!(
                    "  {label} {}",
                    normalize(&block.text, matcher.view).text.replace('\n', "⏎")
                );
            }
        }
    }
    EXIT_CLEAN
}
