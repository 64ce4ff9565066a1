//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The `tfcalc` binary, run from the repository root.
pub fn tfcalc() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("tfcalc"));
    command.current_dir(repo());
    command.env_remove("RUST_BACKTRACE");
    // Tables wrap to COLUMNS when it is set: outputs under test are drawn at their natural width
    // unless a test sets it.
    command.env_remove("COLUMNS");
    command
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs tfcalc with `args` and parses its standard output as JSON, asserting success.
pub fn json(args: &[&str]) -> serde_json::Value {
    let output = tfcalc()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "tfcalc {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

/// Runs tfcalc and returns its standard output, asserting success.
pub fn stdout(args: &[&str]) -> String {
    let output = tfcalc().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "tfcalc {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A folder of input files written by a test, where tfcalc is run so that messages name files
/// as `before.csv` rather than by a temporary path.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> &Scratch {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, contents).unwrap();
        self
    }

    /// A study of the Hertfordshire table with the given before and after CSVs.
    pub fn study(&self, before: &str, after: &str) -> &Scratch {
        self.write(
            "study.toml",
            "[study]\nname = \"Test\"\nwindow_months = 6\nbefore = \"before.csv\"\nafter = \"after.csv\"\n",
        )
        .write("before.csv", before)
        .write("after.csv", after)
    }

    pub fn tfcalc(&self) -> assert_cmd::Command {
        let mut command = tfcalc();
        command.current_dir(self.path());
        command
    }

    /// Runs tfcalc here, asserts that it failed with exit code 2 and no panic, and returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.tfcalc().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "expected exit 2 for {args:?}; stderr:\n{stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "panic for {args:?}:\n{stderr}"
        );
        assert!(
            !stderr.contains("internal error"),
            "bug for {args:?}:\n{stderr}"
        );
        stderr
    }

    /// Runs tfcalc here, asserts success, and returns stdout.
    pub fn succeeds(&self, args: &[&str]) -> String {
        let output = self.tfcalc().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "tfcalc {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

/// The cells of the first table row of `text` whose first cell is `label`, trimmed.
pub fn table_row(text: &str, label: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            line.trim_matches('│')
                .split('┆')
                .map(|cell| cell.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().map(String::as_str) == Some(label))
        .unwrap_or_else(|| panic!("no row {label:?} in:\n{text}"))
}
