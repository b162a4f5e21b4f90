//! Helpers shared by the CLI's integration tests: running the binary, temporary stores, and
//! `../shared` (the project's data folder beside the checkout, found by `storyline-testkit`).

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)] // as above: not every test binary reads ../shared
pub use storyline_testkit::shared_dir;

pub fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed article whose file name starts with `prefix` ("003").
pub fn seed_path(prefix: &str) -> PathBuf {
    std::fs::read_dir(shared_dir().join("seeds"))
        .expect("read the seeds folder")
        .map(|e| e.expect("a seed file").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed {prefix}"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_dir().join("crates/ingest/tests/fixtures").join(name)
}

/// A temporary folder with a store path in it.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }

    /// Runs `storyline` with this sandbox's store.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut command = self.command(args);
        command.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("run storyline");
        if let Some(bytes) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(bytes)
                .expect("write stdin");
        }
        Run(child.wait_with_output().expect("wait for storyline"))
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_storyline"));
        command
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env_remove("STORYLINE_DB");
        command
    }
}

pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).expect("stdout is UTF-8")
    }
    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).expect("stderr is UTF-8")
    }
    /// Parses stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}")))
            .collect()
    }
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Document JSON for every article in `path` (annotate, no store).
pub fn annotate(path: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let sandbox = Sandbox::new();
    let mut args = vec!["annotate", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = sandbox.run(&args);
    run.assert_code(0);
    run.json_lines()
}
