//! The drafts a run reads: files named or found in folders, or standard input.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::settings::Settings;
use crate::config::Config;
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

/// The drafts named and found in folders, each with the configuration that governs it, in a
/// stable order: named files as given, each folder's drafts by path. Named files are linted
/// whatever their extension; folders are walked for draft extensions, honouring .gitignore,
/// .gzhlintignore and the governing configuration's include/exclude. Drafts are yielded as the
/// folders are walked (entries sorted by name, which is path order), so an archive of any size
/// is never held as a list. A draft named twice, or named and inside a folder named before or
/// after it, is read once.
pub fn drafts<'a>(paths: &'a [PathBuf], settings: &'a mut Settings) -> Drafts<'a> {
    Drafts {
        paths: paths.iter(),
        walk: None,
        named: Named::default(),
        settings,
    }
}

pub struct Drafts<'a> {
    paths: std::slice::Iter<'a, PathBuf>,
    /// The folder being walked, and its walk.
    walk: Option<(&'a Path, ignore::Walk)>,
    named: Named,
    settings: &'a mut Settings,
}

/// The paths named so far, resolved: what is in one of them has been read. Files are kept in a
/// set, since a hook may name thousands.
#[derive(Default)]
struct Named {
    files: HashSet<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Named {
    /// Whether `path` is a file named, or lies in a folder named, except the one being walked.
    fn holds(&self, path: &Path, walking: bool) -> bool {
        let folders = &self.folders[..self.folders.len() - usize::from(walking)];
        if self.files.is_empty() && folders.is_empty() {
            return false;
        }
        std::fs::canonicalize(path).is_ok_and(|path| {
            self.files.contains(&path) || folders.iter().any(|f| path.starts_with(f))
        })
    }

    /// Records `path`, named on the command line, unless it was read already: then `false`.
    fn add(&mut self, path: &Path) -> bool {
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.files.contains(&resolved) || self.folders.iter().any(|f| resolved.starts_with(f)) {
            return false;
        }
        if path.is_dir() {
            self.folders.push(resolved);
        } else {
            self.files.insert(resolved);
        }
        true
    }
}

impl Iterator for Drafts<'_> {
    type Item = Result<(PathBuf, Arc<Config>), CollectError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some((folder, walk)) = &mut self.walk else {
                let path = self.paths.next()?;
                if !self.named.add(path) {
                    continue;
                }
                // A named path that is not a folder is read as a draft, pipes included
                // (`check <(curl …)`, /dev/stdin).
                match std::fs::metadata(path) {
                    Ok(metadata) if metadata.is_dir() => {}
                    Ok(_) => {
                        let config = self.settings.for_path(path);
                        return Some(
                            config
                                .map(|c| (path.clone(), c))
                                .map_err(CollectError::Config),
                        );
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Some(Err(CollectError::Path(format!(
                            "{}: no such file or folder",
                            path.display()
                        ))));
                    }
                    Err(e) => {
                        return Some(Err(CollectError::Path(format!("{}: {e}", path.display()))));
                    }
                }
                let walk = ignore::WalkBuilder::new(path)
                    .add_custom_ignore_filename(".gzhlintignore")
                    .require_git(false)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .build();
                self.walk = Some((path, walk));
                continue;
            };
            let entry = match walk.next() {
                None => {
                    self.walk = None;
                    continue;
                }
                Some(Err(e)) => {
                    return Some(Err(CollectError::Path(format!(
                        "{}: {e}",
                        folder.display()
                    ))))
                }
                Some(Ok(entry)) => entry,
            };
            if let Some(error) = entry.error() {
                if let Some(error) = ignore_file_error(error, &mut self.settings.ignore_file_errors)
                {
                    return Some(Err(error));
                }
            }
            if !is_draft(&entry) || self.named.holds(entry.path(), true) {
                continue;
            }
            let config = match self.settings.for_path(entry.path()) {
                Ok(config) => config,
                Err(error) => return Some(Err(CollectError::Config(error))),
            };
            let absolute =
                std::path::absolute(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf());
            if config.selects(&absolute) {
                return Some(Ok((entry.into_path(), config)));
            }
        }
    }
}

/// A folder's ignore file with a line the walk could not read (an invalid glob): an error for
/// `.gzhlintignore`, this tool's own file, whose author meant every line; a warning for
/// `.gitignore` and `.ignore`, whose bad lines git and other tools skip as well.
///
/// An error is reported once: the walk attaches an ignore file's errors to more than one entry,
/// and the folders are walked twice; `reported` holds those reported already.
fn ignore_file_error(
    error: &ignore::Error,
    reported: &mut HashSet<String>,
) -> Option<CollectError> {
    let mut fatal = Vec::new();
    for error in ignore_errors(error) {
        let line = error.to_string();
        if !reported.insert(line.clone()) {
            continue;
        }
        if ignore_file_of(error).is_some_and(|f| f.file_name() == Some(".gzhlintignore".as_ref())) {
            fatal.push(line);
        } else {
            eprintln!("gzhlint: warning: {line} (line skipped)");
        }
    }
    (!fatal.is_empty()).then(|| CollectError::Path(fatal.join("\ngzhlint: error: ")))
}

/// The single errors inside `error`.
fn ignore_errors(error: &ignore::Error) -> Vec<&ignore::Error> {
    match error {
        ignore::Error::Partial(errors) => errors.iter().flat_map(ignore_errors).collect(),
        error => vec![error],
    }
}

/// The ignore file an error was read from.
fn ignore_file_of(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithDepth { err, .. } => {
            ignore_file_of(err)
        }
        _ => None,
    }
}

/// A file with one of the draft extensions.
fn is_draft(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_file())
        && entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| Format::LINTED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
