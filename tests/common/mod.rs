//! A throw-away project folder for CLI tests, with a rule pack of the test's own.

#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Project {
    dir: TempDir,
}

impl Project {
    /// A folder holding `pack.toml` with `pack`.
    pub fn with_pack(pack: &str) -> Project {
        let project = Project {
            dir: TempDir::new().unwrap(),
        };
        project.write("pack.toml", pack);
        project
    }

    pub fn write(&self, name: &str, text: &str) {
        self.write_bytes(name, text.as_bytes());
    }

    pub fn write_bytes(&self, name: &str, bytes: &[u8]) {
        let path = self.dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.dir.path().join(name)).unwrap()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `gzhlint ARGS` run in the project folder, without colour.
    pub fn gzhlint(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("gzhlint").unwrap();
        cmd.current_dir(self.path()).env("NO_COLOR", "1").args(args);
        cmd
    }

    /// `gzhlint check --rules pack.toml --color never ARGS`.
    pub fn check(&self, args: &[&str]) -> Command {
        let mut cmd = self.gzhlint(&["check", "--rules", "pack.toml", "--color", "never"]);
        cmd.args(args);
        cmd
    }
}
