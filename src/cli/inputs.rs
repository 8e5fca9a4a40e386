//! The drafts a run reads: files named or found in folders, or standard input.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::settings::Settings;
use crate::error::SpannedError;
use crate::extract::Format;

/// Shown as the path of a draft read with `--stdin` and no `--stdin-filename`.
pub const STDIN_NAME: &str = "<stdin>";

/// A draft to lint: a file, or bytes already read from standard input.
pub struct Input {
    /// The path shown in reports.
    pub path: PathBuf,
    pub format: Format,
    /// `None`: read `path`.
    pub bytes: Option<Vec<u8>>,
}

impl Input {
    pub fn file(path: PathBuf) -> Input {
        Input {
            format: Format::from_path(&path),
            path,
            bytes: None,
        }
    }

    pub fn stdin(bytes: Vec<u8>, name: Option<&Path>) -> Input {
        let (path, format) = match name {
            Some(name) => (name.to_path_buf(), Format::from_path(name)),
            None => (PathBuf::from(STDIN_NAME), Format::Markdown),
        };
        Input {
            path,
            format,
            bytes: Some(bytes),
        }
    }

    pub fn is_stdin(&self) -> bool {
        self.bytes.is_some()
    }

    pub fn read(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match &self.bytes {
            Some(bytes) => Ok(bytes.as_slice().into()),
            None => std::fs::read(&self.path).map(Into::into),
        }
    }
}

/// Why inputs could not be collected.
pub enum CollectError {
    Path(String),
    Config(SpannedError),
}

/// Named files are linted whatever their extension; folders are walked for draft extensions,
/// honouring .gitignore, .gzhlintignore and the governing configuration's include/exclude.
/// The list is sorted per argument so output order is stable.
pub fn collect_files(
    paths: &[PathBuf],
    settings: &mut Settings,
) -> Result<Vec<PathBuf>, CollectError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(CollectError::Path(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
        let mut found = Vec::new();
        let walker = ignore::WalkBuilder::new(path)
            .add_custom_ignore_filename(".gzhlintignore")
            .require_git(false)
            .build();
        for entry in walker {
            let entry =
                entry.map_err(|e| CollectError::Path(format!("{}: {e}", path.display())))?;
            let is_draft = entry.file_type().is_some_and(|t| t.is_file())
                && entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| {
                        Format::LINTED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                    });
            if !is_draft {
                continue;
            }
            let config = settings
                .for_path(entry.path())
                .map_err(CollectError::Config)?;
            let absolute =
                std::path::absolute(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf());
            if config.selects(&absolute) {
                found.push(entry.into_path());
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
