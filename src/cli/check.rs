//! `gzhlint check`: find the drafts (or read one from standard input), lint them in parallel
//! with the configuration that governs each, and print reports in input order.

use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::inputs::{drafts, CollectError, Input};
use super::settings::{packs_by_config, FileSettings, Settings};
use super::{load_rules, report_error, ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::baseline::{self, Baseline};
use crate::config::{Config, FailOn};
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::filter::suppress;
use crate::fix;
use crate::lint::lint_bytes;
use crate::normalize::{normalize, View};
use crate::report::json::JsonStream;
use crate::report::sarif::{ArtifactEncoding, SarifStream};
use crate::report::{self, FileResult, Summary};
use crate::rules::{FixSafety, RuleSet};

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
    /// Load only the packs given with --rules or by configuration (for pack authors).
    #[arg(long)]
    no_builtin: bool,
    /// Use this configuration file for every draft.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    isolated: bool,
    /// Worker threads, 1 to 256 (default: all cores). Output is identical for any value.
    #[arg(short = 'j', long = "threads", value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    threads: Option<u16>,
    /// Exit with 1 when a diagnostic at or above this level is found
    /// (default: the configuration's fail_on, else warning).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Colour in the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Apply the rules' safe replacement suggestions to the files, then report what remains.
    #[arg(long, conflicts_with_all = ["diff", "stdin"])]
    fix: bool,
    /// Show the safe replacements as a unified diff without writing; exit 1 if there are any.
    #[arg(long)]
    diff: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    write_baseline: Option<PathBuf>,
    /// Print each block's text after normalization (for rule-pack authors) instead of linting.
    #[arg(long)]
    explain_normalization: bool,
}

/// What a worker found for one draft.
struct Checked {
    file: FileResult,
    encoding: ArtifactEncoding,
    fail_on: FailOn,
    baselined: usize,
    fixed: usize,
    /// Why the fixes could not be written; the findings are then reported unfixed.
    fix_error: Option<String>,
    diff: Option<String>,
    baseline_entries: Vec<baseline::Entry>,
}

/// One input after linting, or why it was not linted.
enum Outcome {
    Checked(Box<Checked>),
    Skipped { path: PathBuf, reason: String },
    Failed { path: PathBuf, reason: String },
}

/// Most worker threads: more only costs the time to start them (-j 5000 took 17 s for one
/// draft) on machines with far fewer cores.
const MAX_THREADS: i64 = 256;

/// Settings shared by every worker.
struct Job<'a> {
    rules: &'a RuleSet,
    baseline: Option<&'a Baseline>,
    fix: bool,
    diff: bool,
    /// The report offers fixes (SARIF): each file's are planned and checked as --fix would.
    offer_fixes: bool,
    /// With --write-baseline: the folder its paths are relative to.
    write_baseline: Option<PathBuf>,
}

pub fn run(args: CheckArgs) -> i32 {
    // clap's `requires` counts the flag's default `false` as present, so check here.
    if args.stdin_filename.is_some() && !args.stdin {
        eprintln!("gzhlint: error: --stdin-filename needs --stdin");
        return EXIT_ERROR;
    }
    if let Some(path) = &args.write_baseline {
        if !baseline::may_overwrite(path) {
            eprintln!(
                "gzhlint: error: {}: exists and is not a gzhlint baseline; not overwritten",
                path.display()
            );
            return EXIT_ERROR;
        }
    }
    let mut settings = match Settings::new(args.config.as_deref(), args.isolated) {
        Ok(settings) => settings,
        Err(error) => {
            report_error(&error);
            return EXIT_ERROR;
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let stdin = match read_stdin(&args, &mut settings) {
        Ok(stdin) => stdin,
        Err(code) => return code,
    };
    // Configurations name packs, which must be loaded before any draft is linted: a first walk
    // finds them all (and reports any bad path or configuration) without keeping the drafts.
    if stdin.is_none() {
        for draft in drafts(&paths, &mut settings) {
            if let Err(error) = draft {
                report_collect_error(error);
                return EXIT_ERROR;
            }
        }
    }
    let configs = settings.configs();
    let mut pack_paths = args.rules.clone();
    for config in &configs {
        for pack in &config.packs {
            if !pack_paths.contains(pack) {
                pack_paths.push(pack.clone());
            }
        }
    }
    // Built first: loading the packs runs on it too, within --threads.
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        pool = pool.num_threads(usize::from(threads));
    }
    let pool = match pool.build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("gzhlint: error: cannot start worker threads: {e}");
            return EXIT_ERROR;
        }
    };
    let Some((rules, _)) = pool.install(|| load_rules(&pack_paths, !args.no_builtin)) else {
        return EXIT_ERROR;
    };
    for config in &configs {
        if let Err(error) = config.check_rules(&rules) {
            report_error(&error);
            return EXIT_ERROR;
        }
    }
    let owned = packs_by_config(&rules, &configs);
    let config_packs: HashSet<String> = owned.values().flatten().cloned().collect();
    // What each configuration's drafts are checked with, built once per configuration.
    let mut by_config: HashMap<*const Config, FileSettings> = HashMap::new();
    let mut settings_of = |config: Arc<Config>| -> FileSettings {
        by_config
            .entry(Arc::as_ptr(&config))
            .or_insert_with(|| {
                let own = config.path.as_ref().and_then(|p| owned.get(p));
                let foreign = config_packs
                    .iter()
                    .filter(|id| own.is_none_or(|own| !own.contains(*id)))
                    .cloned()
                    .collect();
                FileSettings {
                    fail_on: args.fail_on.or(config.fail_on).unwrap_or(FailOn::Warning),
                    config,
                    foreign_packs: Arc::new(foreign),
                }
            })
            .clone()
    };
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(baseline) => baseline,
        Err(error) => {
            report_error(&error);
            return EXIT_ERROR;
        }
    };
    // Drafts come as the second walk finds them, each with its configuration.
    let mut inputs: Box<dyn Iterator<Item = Drafted>> = match stdin {
        Some(stdin) => Box::new(std::iter::once(Ok(stdin))),
        None => Box::new(
            drafts(&paths, &mut settings)
                .map(|draft| draft.map(|(path, config)| (Input::file(path), config))),
        ),
    };
    if args.explain_normalization {
        return explain_normalization(&rules, inputs);
    }
    let job = Job {
        rules: &rules,
        baseline: baseline.as_ref(),
        fix: args.fix,
        diff: args.diff,
        offer_fixes: args.format == OutputFormat::Sarif,
        write_baseline: args.write_baseline.as_deref().map(baseline::root),
    };
    let renderer = report::human::HumanRenderer::new(args.color.enabled());
    let mut reporter = match Reporter::new(&args, &rules) {
        Ok(reporter) => reporter,
        Err(message) => {
            eprintln!("gzhlint: error: {message}");
            return EXIT_ERROR;
        }
    };
    // Drafts are linted in batches: each worker lints and renders a file, each batch's output is
    // printed in input order, and only what the report still needs is kept, so memory stays
    // flat however large the archive. One batch is in flight at a time: while the workers lint
    // it, this thread walks the folders for the next batch and reports the previous one (on
    // many small files the walk and the report are a sizeable share of the work).
    let known_configs: HashSet<PathBuf> = configs.iter().filter_map(|c| c.path.clone()).collect();
    let mut walk_failed = false;
    let lint_batch = |batch: &[(Input, FileSettings)]| -> Vec<(Outcome, String)> {
        batch
            .par_iter()
            .map(|(input, settings)| {
                let mut outcome = check_input(&job, input, settings);
                let mut text = String::new();
                if let Outcome::Checked(checked) = &mut outcome {
                    let file = &mut checked.file;
                    match args.format {
                        OutputFormat::Human => renderer.render(&rules, file, &mut text),
                        OutputFormat::Concise => report::concise::render(&rules, file, &mut text),
                        OutputFormat::Github => report::github::render(&rules, file, &mut text),
                        OutputFormat::Junit => report::junit::testcase(&rules, file, &mut text),
                        OutputFormat::Json | OutputFormat::Sarif => {}
                    }
                    // Only SARIF quotes the source of its findings' pieces.
                    if args.format != OutputFormat::Sarif || file.diagnostics.is_empty() {
                        file.text = String::new();
                    }
                }
                (outcome, text)
            })
            .collect()
    };
    pool.in_place_scope(|scope| {
        let mut in_flight: Option<mpsc::Receiver<Vec<(Outcome, String)>>> = None;
        loop {
            let batch = next_batch(
                &mut inputs,
                &known_configs,
                &mut settings_of,
                &mut walk_failed,
            );
            let linted = match in_flight.take().map(|done| done.recv()) {
                Some(Ok(linted)) => Some(linted),
                // A worker panicked and dropped its sender: stop here, and the scope re-raises
                // the panic, rather than go on reporting with a batch missing.
                Some(Err(_)) => break,
                None => None,
            };
            if !batch.is_empty() {
                let (send, receive) = mpsc::sync_channel(1);
                let lint_batch = &lint_batch;
                scope.spawn(move |_| {
                    let _ = send.send(lint_batch(&batch));
                });
                in_flight = Some(receive);
            }
            for (outcome, text) in linted.into_iter().flatten() {
                reporter.add(outcome, text);
            }
            if in_flight.is_none() {
                break;
            }
        }
    });
    if !walk_failed {
        return reporter.finish();
    }
    // The report covers only the drafts before the failure: a baseline of them would silently
    // drop the rest.
    if let Some(path) = &args.write_baseline {
        eprintln!(
            "gzhlint: error: {}: baseline not written: the run did not finish",
            path.display()
        );
    } else {
        reporter.finish();
    }
    EXIT_ERROR
}

/// Files linted per batch: enough to keep both cores busy, few enough to bound memory.
const BATCH: usize = 256;

/// Up to [`BATCH`] drafts from the walk: fewer at its end, or when it fails (`walk_failed` is
/// then set and every later call returns none).
fn next_batch(
    inputs: &mut impl Iterator<Item = Result<(Input, Arc<Config>), CollectError>>,
    known_configs: &HashSet<PathBuf>,
    settings_of: &mut impl FnMut(Arc<Config>) -> FileSettings,
    walk_failed: &mut bool,
) -> Vec<(Input, FileSettings)> {
    let mut batch = Vec::with_capacity(BATCH);
    while batch.len() < BATCH && !*walk_failed {
        match inputs.next() {
            Some(Ok((input, config))) => match &config.path {
                // Its packs were not loaded, nor its rule settings checked.
                Some(path) if !known_configs.contains(path) => {
                    eprintln!(
                        "gzhlint: error: {}: configuration appeared during the run; run again",
                        path.display()
                    );
                    *walk_failed = true;
                }
                _ => batch.push((input, settings_of(config))),
            },
            Some(Err(error)) => {
                // The folders changed since the first walk.
                report_collect_error(error);
                *walk_failed = true;
            }
            None => break,
        }
    }
    batch
}

/// The draft read from standard input with its configuration, when `--stdin` is given.
fn read_stdin(
    args: &CheckArgs,
    settings: &mut Settings,
) -> Result<Option<(Input, Arc<Config>)>, i32> {
    if !args.stdin {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("gzhlint: error: cannot read standard input: {e}");
        return Err(EXIT_ERROR);
    }
    let input = Input::stdin(bytes, args.stdin_filename.as_deref());
    // The configuration of the folder the named path would be in.
    let folder_of = input
        .path
        .parent()
        .map_or(PathBuf::from("./-"), |p| p.join("-"));
    match settings.for_path(&folder_of) {
        Ok(config) => Ok(Some((input, config))),
        Err(error) => {
            report_error(&error);
            Err(EXIT_ERROR)
        }
    }
}

/// A draft to lint with its configuration, or why the walk failed.
type Drafted = Result<(Input, Arc<Config>), CollectError>;

fn report_collect_error(error: CollectError) {
    match error {
        CollectError::Path(message) => eprintln!("gzhlint: error: {message}"),
        CollectError::Config(error) => report_error(&error),
    }
}

/// An anonymous temporary file (deleted when closed) that holds part of a report until what
/// comes before it has been written, so the report never sits whole in memory.
struct Spool(BufWriter<std::fs::File>);

impl Spool {
    fn new() -> Result<Spool, String> {
        tempfile::tempfile()
            .map(|file| Spool(BufWriter::new(file)))
            .map_err(|e| {
                format!(
                    "cannot create a temporary file for the report in {} (set TMPDIR to a writable folder): {e}",
                    std::env::temp_dir().display()
                )
            })
    }

    fn write(&mut self, text: &str) {
        if let Err(e) = self.0.write_all(text.as_bytes()) {
            fail_spool(e);
        }
    }

    fn copy_to_stdout(self) {
        let copied = self
            .0
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|mut file| {
                file.seek(SeekFrom::Start(0))?;
                let mut buffer = vec![0; OUTPUT_CHUNK];
                loop {
                    let n = file.read(&mut buffer)?;
                    if n == 0 {
                        return Ok(());
                    }
                    crate::cli::write_stdout_bytes(&buffer[..n]);
                }
            });
        if let Err(e) = copied {
            fail_spool(e);
        }
    }
}

fn fail_spool(e: std::io::Error) -> ! {
    eprintln!("gzhlint: error: cannot keep the report in a temporary file: {e}");
    std::process::exit(EXIT_ERROR)
}

/// A whole-document report in the making. JSON streams; SARIF streams its results and holds
/// back the artifact list, which follows them; JUnit holds back every test case, because its
/// first tag counts them.
enum Document {
    Json(JsonStream),
    Sarif {
        stream: SarifStream,
        artifacts: Spool,
    },
    Junit {
        testcases: Spool,
    },
}

/// Bytes of a streamed document gathered before they are written (one write, not one per line).
const OUTPUT_CHUNK: usize = 64 * 1024;

/// Collects outcomes in input order: prints each file's report as it comes (a whole-document
/// format's held-back part goes to its temporary file) and keeps the counts and the exit code.
struct Reporter<'a> {
    args: &'a CheckArgs,
    rules: &'a RuleSet,
    /// The JSON, SARIF or JUnit document being written (none for --diff and --write-baseline,
    /// and for the formats that print each file on its own).
    document: Option<Document>,
    summary: Summary,
    diffs: bool,
    baseline_entries: Vec<baseline::Entry>,
    fixed: usize,
    fixed_files: usize,
    failed: bool,
    fails: bool,
}

impl<'a> Reporter<'a> {
    fn new(args: &'a CheckArgs, rules: &'a RuleSet) -> Result<Reporter<'a>, String> {
        let document = if args.diff || args.write_baseline.is_some() {
            None
        } else {
            // The temporary file comes first: a failure must not leave half a document.
            match args.format {
                OutputFormat::Json => Some(Document::Json(JsonStream::default())),
                OutputFormat::Sarif => Some(Document::Sarif {
                    artifacts: Spool::new()?,
                    stream: SarifStream::default(),
                }),
                OutputFormat::Junit => Some(Document::Junit {
                    testcases: Spool::new()?,
                }),
                OutputFormat::Human | OutputFormat::Concise | OutputFormat::Github => None,
            }
        };
        match &document {
            Some(Document::Json(json)) => out!("{}", json.start()),
            Some(Document::Sarif { stream, .. }) => out!("{}", stream.start(rules)),
            Some(Document::Junit { .. }) | None => {}
        }
        Ok(Reporter {
            args,
            rules,
            document,
            summary: Summary::default(),
            diffs: false,
            baseline_entries: Vec::new(),
            fixed: 0,
            fixed_files: 0,
            failed: false,
            fails: false,
        })
    }

    fn add(&mut self, outcome: Outcome, text: String) {
        let checked = match outcome {
            Outcome::Checked(checked) => checked,
            Outcome::Skipped { path, reason } => {
                self.summary.skipped += 1;
                eprintln!("gzhlint: note: skipped {}: {reason}", path.display());
                // Machine-readable reports list it too: a CI run must not pass a draft unread.
                let shown = report::display_path(&path);
                match &mut self.document {
                    Some(Document::Json(json)) => json.skipped(&shown, &reason),
                    Some(Document::Sarif { stream, .. }) => stream.skipped(&shown, &reason),
                    Some(Document::Junit { testcases }) => {
                        testcases.write(&report::junit::skipped_testcase(&shown, &reason));
                    }
                    None if self.args.format == OutputFormat::Github => {
                        crate::cli::write_stdout(&report::github::skipped(&shown, &reason));
                    }
                    None => {}
                }
                return;
            }
            Outcome::Failed { path, reason } => {
                self.failed = true;
                eprintln!("gzhlint: error: {}: {reason}", path.display());
                return;
            }
        };
        let checked = *checked;
        if let Some(error) = &checked.fix_error {
            self.failed = true;
            eprintln!("gzhlint: error: {}: {error}", checked.file.path.display());
        }
        if self.args.diff {
            if let Some(diff) = &checked.diff {
                self.diffs = true;
                out!("{diff}");
            }
            return;
        }
        if self.args.write_baseline.is_some() {
            self.baseline_entries.extend(checked.baseline_entries);
            return;
        }
        match &mut self.document {
            Some(Document::Junit { testcases }) => testcases.write(&text),
            _ if !text.is_empty() => crate::cli::write_stdout(&text),
            _ => {}
        }
        let threshold = checked.fail_on.threshold();
        self.fails |= checked
            .file
            .diagnostics
            .iter()
            .any(|d| threshold.is_some_and(|t| d.severity >= t));
        self.fixed += checked.fixed;
        self.fixed_files += usize::from(checked.fixed > 0);
        self.summary.add(&checked.file);
        self.summary.baselined += checked.baselined;
        // A file with a great many findings is written in chunks rather than held whole.
        let mut chunk = String::new();
        let mut emit = |text: &str| {
            chunk.push_str(text);
            if chunk.len() >= OUTPUT_CHUNK {
                crate::cli::write_stdout(&chunk);
                chunk.clear();
            }
        };
        match &mut self.document {
            Some(Document::Json(json)) => json.file(self.rules, &checked.file, &mut emit),
            Some(Document::Sarif { stream, artifacts }) => stream.file(
                self.rules,
                &checked.file,
                checked.encoding,
                &mut emit,
                &mut |text| artifacts.write(text),
            ),
            Some(Document::Junit { .. }) | None => {}
        }
        if !chunk.is_empty() {
            crate::cli::write_stdout(&chunk);
        }
    }

    fn finish(self) -> i32 {
        if self.args.diff {
            return if self.failed {
                EXIT_ERROR
            } else if self.diffs {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            };
        }
        if let Some(path) = &self.args.write_baseline {
            let count = self.baseline_entries.len();
            if let Err(e) = std::fs::write(path, baseline::render(self.baseline_entries)) {
                eprintln!(
                    "gzhlint: error: {}: cannot write baseline: {e}",
                    path.display()
                );
                return EXIT_ERROR;
            }
            eprintln!(
                "gzhlint: wrote {count} finding{} to baseline {}",
                report::plural(count),
                path.display()
            );
            return if self.failed { EXIT_ERROR } else { EXIT_CLEAN };
        }
        if self.fixed > 0 {
            eprintln!(
                "gzhlint: fixed {} finding{} in {} file{}",
                self.fixed,
                report::plural(self.fixed),
                self.fixed_files,
                report::plural(self.fixed_files)
            );
        }
        match self.document {
            Some(Document::Json(json)) => out!("{}", json.finish(self.summary)),
            Some(Document::Sarif { stream, artifacts }) => {
                out!("{}", stream.end_results());
                artifacts.copy_to_stdout();
                out!("{}", stream.finish());
            }
            Some(Document::Junit { testcases }) => {
                out!("{}", report::junit::start(self.summary));
                testcases.copy_to_stdout();
                out!("{}", report::junit::END);
            }
            None => outln!("{}", self.summary.line()),
        }
        if self.failed {
            EXIT_ERROR
        } else if self.fails {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
    }
}

/// The diagnostics of a file after configuration, suppressions and the baseline.
struct Filtered {
    diagnostics: Vec<Diagnostic>,
    suppressed: Vec<suppress::Suppressed>,
    baselined: usize,
}

fn filter(
    job: &Job,
    settings: &FileSettings,
    path: &Path,
    linted: &crate::lint::Linted,
) -> Filtered {
    let rules = job.rules;
    let text = linted.source.text.as_str();
    let configured = |mut d: Diagnostic| {
        settings
            .severity(&rules.rules[d.rule], path)
            .map(|severity| {
                d.severity = severity;
                d
            })
    };
    let diagnostics: Vec<Diagnostic> = linted
        .diagnostics
        .iter()
        .cloned()
        .filter_map(configured)
        .collect();
    let outcome = suppress::apply(
        rules,
        text,
        &linted.extracted.comments,
        diagnostics,
        settings.config.require_reason,
    );
    let mut diagnostics = outcome.kept;
    diagnostics.extend(
        outcome
            .about_suppressions
            .into_iter()
            .filter_map(configured),
    );
    sort_diagnostics(rules, &mut diagnostics);
    let mut baselined = 0;
    if let Some(baseline) = job.baseline {
        let key = baseline.key(path);
        let mut known = baseline.for_key(&key);
        diagnostics.retain(|d| {
            let recorded = known.take(&baseline::entry(rules, &key, text, d));
            baselined += usize::from(recorded);
            !recorded
        });
    }
    Filtered {
        diagnostics,
        suppressed: outcome.suppressed,
        baselined,
    }
}

fn check_input(job: &Job, input: &Input, settings: &FileSettings) -> Outcome {
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
    let Ok(mut linted) = lint_bytes(job.rules, &bytes, input.format) else {
        return Outcome::Skipped {
            path: path.to_path_buf(),
            reason: "binary file, not a draft".to_string(),
        };
    };
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
    let mut filtered = filter(job, settings, path, &linted);
    // The file's bytes as they are now: rewritten by --fix, the fixed bytes.
    let mut bytes_now: Option<Vec<u8>> = None;
    let mut fixed = 0;
    let mut diff = None;
    let mut fix_error = None;
    if job.fix || job.diff {
        let (planned, refused) = fix::plan(
            job.rules,
            &linted.source.text,
            input.format,
            linted.extracted.front_matter.as_ref(),
            &filtered.diagnostics,
            FixSafety::Safe,
        );
        let edits = fix::edits(&planned);
        let shown = report::display_path(path);
        if refused > 0 {
            let fixes = match refused {
                1 => "1 fix".to_string(),
                n => format!("{n} fixes"),
            };
            eprintln!(
                "gzhlint: note: {shown}: {fixes} not applied: the replacement would not read as \
                 written there (markup or front matter around it)"
            );
        }
        if !edits.is_empty() {
            // --diff shows exactly what --fix would write, and says when it would write nothing.
            match fix::apply(&bytes, &linted.source, &edits) {
                Err(unfixable) if job.diff => {
                    eprintln!("gzhlint: note: {shown}: {unfixable}, --fix will not change it");
                }
                Err(unfixable) => eprintln!("gzhlint: note: {shown}: {unfixable}, not fixed"),
                Ok(fixes) if job.diff => {
                    diff = Some(fix::unified_diff(&shown, &linted.source.text, &fixes.text));
                }
                Ok(fixes) => match fix::rewrite(path, &bytes, &fixes.bytes) {
                    // Reported with the file's findings, which stand unfixed.
                    Err(not_written) if not_written.is_error() => {
                        fix_error = Some(not_written.to_string());
                    }
                    Err(not_written) => eprintln!("gzhlint: note: {shown}: {not_written}"),
                    Ok(()) => {
                        fixed = planned.len();
                        bytes_now = Some(fixes.bytes);
                        // Report what remains in the rewritten file.
                        let source = crate::source::SourceText {
                            text: fixes.text,
                            ..linted.source
                        };
                        linted = crate::lint::lint_source(job.rules, source, input.format);
                        filtered = filter(job, settings, path, &linted);
                    }
                },
            }
        }
    }
    let baseline_entries = if let Some(root) = &job.write_baseline {
        let key = baseline::path_key(root, path);
        filtered
            .diagnostics
            .iter()
            .map(|d| baseline::entry(job.rules, &key, &linted.source.text, d))
            .collect()
    } else {
        Vec::new()
    };
    let encoding = ArtifactEncoding {
        name: linted.source.encoding.name(),
        had_bom: linted.source.had_bom,
        had_errors: linted.source.had_errors,
    };
    let fixes = if job.offer_fixes {
        fix::offered(
            job.rules,
            bytes_now.as_deref().unwrap_or(&bytes),
            &linted.source,
            input.format,
            linted.extracted.front_matter.as_ref(),
            &filtered.diagnostics,
        )
    } else {
        Vec::new()
    };
    Outcome::Checked(Box::new(Checked {
        file: FileResult {
            path: path.to_path_buf(),
            text: linted.source.text,
            fixes,
            diagnostics: filtered.diagnostics,
            suppressed: filtered.suppressed,
        },
        encoding,
        fail_on: settings.fail_on,
        baselined: filtered.baselined,
        fixed,
        fix_error,
        diff,
        baseline_entries,
    }))
}

fn explain_normalization(rules: &RuleSet, inputs: impl Iterator<Item = Drafted>) -> i32 {
    for input in inputs {
        let input = match input {
            Ok((input, _)) => input,
            Err(error) => {
                report_collect_error(error);
                return EXIT_ERROR;
            }
        };
        let path = &input.path;
        let bytes = match input.read() {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("gzhlint: error: {}: cannot read: {e}", path.display());
                return EXIT_ERROR;
            }
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
            outln!("{}:{line} [{}]", path.display(), scopes.join(","));
            outln!("  text:       {}", block.text.replace('\n', "⏎"));
            // A view's rules may be spread over several automata: show each view once.
            for view in [View { digits: false }, View { digits: true }] {
                if !rules.views.iter().any(|matcher| matcher.view == view) {
                    continue;
                }
                let label = if view.digits {
                    "digits:    "
                } else {
                    "normalized:"
                };
                outln!(
                    "  {label} {}",
                    normalize(&block.text, view).text.replace('\n', "⏎")
                );
            }
        }
    }
    EXIT_CLEAN
}
