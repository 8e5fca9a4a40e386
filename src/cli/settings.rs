//! Which configuration governs each draft, and the rules they need loaded.
//!
//! Configuration files are found from each draft's folder upward (nearest wins), or named with
//! `--config`; `--isolated` ignores them. Packs named by a configuration apply only to the
//! drafts that configuration governs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Config, FailOn};
use crate::error::SpannedError;
use crate::rules::{Rule, RuleSet, Severity};

pub enum Mode {
    /// Discover per folder.
    Discover,
    /// One file for every draft.
    Fixed(Arc<Config>),
    /// No configuration at all.
    Isolated,
}

pub struct Settings {
    mode: Mode,
    /// Folder → configuration, for discovery.
    by_folder: HashMap<PathBuf, Option<Arc<Config>>>,
    defaults: Arc<Config>,
    /// Lines of ignore files reported as unreadable: each walk of the folders meets them again.
    pub ignore_file_errors: HashSet<String>,
}

impl Settings {
    pub fn new(config: Option<&Path>, isolated: bool) -> Result<Settings, SpannedError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mode = match (config, isolated) {
            (_, true) => Mode::Isolated,
            (Some(path), false) => Mode::Fixed(Arc::new(Config::load(path)?)),
            (None, false) => Mode::Discover,
        };
        Ok(Settings {
            mode,
            by_folder: HashMap::new(),
            defaults: Arc::new(Config::default_for(&cwd)),
            ignore_file_errors: HashSet::new(),
        })
    }

    /// The configuration for a draft at `path` (loading it on first use).
    pub fn for_path(&mut self, path: &Path) -> Result<Arc<Config>, SpannedError> {
        match &self.mode {
            Mode::Isolated => Ok(self.defaults.clone()),
            Mode::Fixed(config) => Ok(config.clone()),
            Mode::Discover => {
                let folder = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf();
                if let Some(found) = self.by_folder.get(&folder) {
                    return Ok(found.clone().unwrap_or_else(|| self.defaults.clone()));
                }
                let found = match config::find_for(&folder) {
                    Some(file) => match self
                        .by_folder
                        .values()
                        .flatten()
                        .find(|c| c.path.as_deref() == Some(file.as_path()))
                    {
                        Some(loaded) => Some(loaded.clone()),
                        None => Some(Arc::new(Config::load(&file)?)),
                    },
                    None => None,
                };
                self.by_folder.insert(folder, found.clone());
                Ok(found.unwrap_or_else(|| self.defaults.clone()))
            }
        }
    }

    /// Every configuration in use.
    pub fn configs(&self) -> Vec<Arc<Config>> {
        let mut all: Vec<Arc<Config>> = match &self.mode {
            Mode::Fixed(config) => vec![config.clone()],
            _ => self.by_folder.values().flatten().cloned().collect(),
        };
        all.sort_by(|a, b| a.path.cmp(&b.path));
        all.dedup_by(|a, b| a.path == b.path);
        all
    }
}

/// What one draft is checked with.
#[derive(Clone)]
pub struct FileSettings {
    pub config: Arc<Config>,
    /// Packs loaded for other configurations, whose rules do not apply here.
    pub foreign_packs: Arc<HashSet<String>>,
    pub fail_on: FailOn,
}

impl FileSettings {
    /// The severity of `rule` for the draft at `path`, or `None` when it does not apply.
    pub fn severity(&self, rule: &Rule, path: &Path) -> Option<Severity> {
        if self.foreign_packs.contains(&rule.pack) {
            return None;
        }
        self.config.severity(rule, path)
    }
}

/// Pack ids that each configuration's packs define, from the loaded rule set.
pub fn packs_by_config(
    rules: &RuleSet,
    configs: &[Arc<Config>],
) -> HashMap<PathBuf, HashSet<String>> {
    configs
        .iter()
        .filter_map(|config| {
            let path = config.path.clone()?;
            let origins: HashSet<String> = config
                .packs
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let ids = rules
                .packs
                .iter()
                .filter(|pack| {
                    origins.iter().any(|origin| {
                        pack.origin == *origin || Path::new(&pack.origin).starts_with(origin)
                    })
                })
                .map(|pack| pack.id.clone())
                .collect();
            Some((path, ids))
        })
        .collect()
}
