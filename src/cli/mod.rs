//! The command line: argument parsing and I/O around the library's pipeline.

/// `print!` that ends the program quietly when standard output is closed (`gzhlint … | head`).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&format!($($arg)*))
    };
}

/// `println!` that ends the program quietly when standard output is closed.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(&format!("{}\n", format!($($arg)*)))
    };
}

mod check;
mod config_cmd;
mod inputs;
mod rules_cmd;
mod settings;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::rules::pack::{load_pack, LoadedPack, PackSource};
use crate::rules::{builtin, PackError, RuleSet};

/// Exit codes.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser)]
#[command(
    name = "gzhlint",
    version,
    about = "Lint WeChat Official Account drafts (公众号文章) against the platform's operating rules and the Advertising Law"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint drafts (.md, .markdown, .html, .htm, .txt under folders; any named file).
    Check(check::CheckArgs),
    /// Inspect and test the loaded rules.
    Rules {
        #[command(subcommand)]
        command: rules_cmd::RulesCommand,
    },
    /// Write a commented starter gzhlint.toml in the current folder.
    Init {
        /// Where to write it.
        #[arg(default_value = "gzhlint.toml")]
        path: std::path::PathBuf,
    },
    /// Print the effective configuration for a path.
    Config(config_cmd::ConfigArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// [`write_stdout_bytes`] for text.
pub fn write_stdout(text: &str) {
    write_stdout_bytes(text.as_bytes());
}

/// Writes to standard output; a closed pipe ends the program with success, like other
/// filters, any other failure with an error.
pub fn write_stdout_bytes(bytes: &[u8]) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_all(bytes) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLEAN);
        }
        eprintln!("gzhlint: error: cannot write output: {e}");
        std::process::exit(EXIT_ERROR);
    }
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules { command } => rules_cmd::run(command),
        Command::Init { path } => config_cmd::init(&path),
        Command::Config(args) => config_cmd::show(args),
    }
}

/// Prints an error report to stderr.
pub fn report_error(error: &dyn miette::Diagnostic) {
    let handler = miette::GraphicalReportHandler::new_themed(if std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    });
    let mut out = String::new();
    if handler.render_report(&mut out, error).is_err() {
        out = format!("{error}\n");
    }
    eprint!("{out}");
}

/// Reads the packs a user names: a `.toml` file, or every `.toml` file in a folder.
pub fn user_pack_sources(paths: &[PathBuf]) -> Result<Vec<PackSource>, String> {
    let mut sources = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: cannot read folder: {e}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(format!(
                    "{}: no .toml rule packs in this folder",
                    path.display()
                ));
            }
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("{}: cannot read rule pack: {e}", file.display()))?;
            sources.push(PackSource::new(file.display().to_string(), text));
        }
    }
    Ok(sources)
}

/// The built-in packs (unless `builtin` is false) plus the user's, compiled; errors are printed
/// and give `None`.
pub fn load_rules(user_packs: &[PathBuf], builtin: bool) -> Option<(RuleSet, Vec<String>)> {
    let sources = match user_pack_sources(user_packs) {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("gzhlint: error: {message}");
            return None;
        }
    };
    let user_origins = sources.iter().map(|s| s.origin.clone()).collect();
    let built_in = if builtin {
        builtin::compiled()
    } else {
        Ok(RuleSet::default())
    };
    let loaded: Result<(RuleSet, Vec<LoadedPack>), PackError> = built_in.and_then(|rules| {
        let packs = sources.iter().map(load_pack).collect::<Result<_, _>>()?;
        Ok((rules, packs))
    });
    match loaded.and_then(|(rules, packs)| rules.with_packs(packs)) {
        Ok(rules) => Some((rules, user_origins)),
        Err(error) => {
            report_error(&error);
            None
        }
    }
}
