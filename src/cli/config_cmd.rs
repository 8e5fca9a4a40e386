//! `gzhlint init` and `gzhlint config`.

use std::path::{Path, PathBuf};

use clap::Args;

use super::settings::Settings;
use super::{load_rules, report_error, EXIT_CLEAN, EXIT_ERROR};
use crate::config::{FailOn, STARTER};

/// Writes the starter configuration; never overwrites a file.
pub fn init(path: &Path) -> i32 {
    if path.exists() {
        eprintln!(
            "gzhlint: error: {} already exists; not overwriting it",
            path.display()
        );
        return EXIT_ERROR;
    }
    match std::fs::write(path, STARTER) {
        Ok(()) => {
            outln!("wrote {}", path.display());
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("gzhlint: error: {}: cannot write: {e}", path.display());
            EXIT_ERROR
        }
    }
}

#[derive(Args)]
pub struct ConfigArgs {
    /// The draft or folder whose configuration to show (default: the current folder).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Use this configuration file.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    isolated: bool,
}

pub fn show(args: ConfigArgs) -> i32 {
    let mut settings = match Settings::new(args.config.as_deref(), args.isolated) {
        Ok(settings) => settings,
        Err(error) => {
            report_error(&error);
            return EXIT_ERROR;
        }
    };
    // A folder is looked up as if it held a draft.
    let probe = if args.path.is_dir() {
        args.path.join("-")
    } else {
        args.path.clone()
    };
    let config = match settings.for_path(&probe) {
        Ok(config) => config,
        Err(error) => {
            report_error(&error);
            return EXIT_ERROR;
        }
    };
    let Some((rules, _)) = load_rules(&config.packs, true) else {
        return EXIT_ERROR;
    };
    if let Err(error) = config.check_rules(&rules) {
        report_error(&error);
        return EXIT_ERROR;
    }
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    };
    outln!("# effective configuration for {}", args.path.display());
    outln!("# file: {}", config.origin());
    let packs: Vec<String> = config
        .packs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    outln!("packs = {}", list(&packs));
    outln!(
        "fail_on = {:?}",
        config.fail_on.unwrap_or(FailOn::Warning).name()
    );
    outln!("include = {}", list(&config.include));
    outln!("exclude = {}", list(&config.exclude));
    outln!("require_reason = {}", config.require_reason);
    outln!("\n# rules whose severity differs from the pack's, for this path");
    outln!("[rules]");
    for rule in &rules.rules {
        let effective = config.severity(rule, &probe);
        if effective != Some(rule.severity) {
            let shown = effective.map_or("off", |s| s.name());
            outln!("{:?} = {shown:?}  # default {}", rule.id, rule.severity);
        }
    }
    EXIT_CLEAN
}
