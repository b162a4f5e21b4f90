//! Expanding command-line inputs (files, folders, globs, `-`) into a list of inputs.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input: a file, standard input, or bytes already in memory (an upload, a test case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    File(PathBuf),
    Stdin,
    Bytes { name: String, bytes: Arc<[u8]> },
}

impl InputSpec {
    /// The name errors and origins use: the path as given, or `-` for stdin.
    pub fn display_name(&self) -> String {
        match self {
            InputSpec::File(path) => path.display().to_string(),
            InputSpec::Stdin => "-".to_owned(),
            InputSpec::Bytes { name, .. } => name.clone(),
        }
    }

    /// The extension that names the format, looking through `.gz` and `.zst`.
    pub fn extension(&self) -> Option<String> {
        let mut path = match self {
            InputSpec::File(path) => path.as_path(),
            InputSpec::Bytes { name, .. } => Path::new(name),
            InputSpec::Stdin => return None,
        };
        loop {
            let ext = path.extension()?.to_str()?.to_ascii_lowercase();
            if matches!(ext.as_str(), "gz" | "gzip" | "zst" | "zstd") {
                path = Path::new(path.file_stem()?);
                continue;
            }
            return Some(ext);
        }
    }

    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            InputSpec::File(path) => Ok(Box::new(File::open(path)?)),
            InputSpec::Stdin => Ok(Box::new(io::stdin())),
            InputSpec::Bytes { bytes, .. } => Ok(Box::new(io::Cursor::new(bytes.clone()))),
        }
    }
}

/// A problem with an argument itself (no such file, a glob matching nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    pub argument: String,
    pub message: String,
}

impl std::fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.argument, self.message)
    }
}

/// Expands arguments into inputs, in a stable order: folders recursively (files sorted by
/// path, hidden files skipped), globs (`'data/**/*.jsonl'`, for shells that do not expand
/// them), `-` for stdin. Arguments that match nothing are reported, the rest go on.
pub fn expand_inputs(arguments: &[String]) -> (Vec<InputSpec>, Vec<ArgumentError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for argument in arguments {
        let error = |message: String| ArgumentError {
            argument: argument.clone(),
            message,
        };
        if argument == "-" {
            inputs.push(InputSpec::Stdin);
            continue;
        }
        let path = Path::new(argument);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
            {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                    Ok(_) => {}
                    Err(err) => errors.push(error(format!("cannot read folder entry: {err}"))),
                }
            }
            if files.is_empty() {
                errors.push(error("folder holds no files".to_owned()));
            }
            inputs.extend(files.into_iter().map(InputSpec::File));
        } else if path.exists() {
            inputs.push(InputSpec::File(path.to_path_buf()));
        } else if argument.contains(['*', '?', '[']) {
            match glob::glob(argument) {
                Ok(paths) => {
                    let mut matched: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    matched.sort();
                    if matched.is_empty() {
                        errors.push(error("pattern matches no files".to_owned()));
                    }
                    inputs.extend(matched.into_iter().map(InputSpec::File));
                }
                Err(err) => errors.push(error(format!("bad pattern: {err}"))),
            }
        } else {
            errors.push(error("no such file or folder".to_owned()));
        }
    }
    (inputs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_recurse_in_order_and_skip_hidden() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        for name in ["b/c/2.txt", "a.txt", "b/1.html", ".hidden.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let root = dir.path().display().to_string();
        let (inputs, errors) =
            expand_inputs(&[root.clone(), format!("{root}/*.nothing"), "nope/x".into()]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| i.display_name().trim_start_matches(&root).to_owned())
            .collect();
        assert_eq!(names, ["/a.txt", "/b/1.html", "/b/c/2.txt"]);
        assert_eq!(errors.len(), 2);
        assert!(errors[0].message.contains("matches no files"));
        assert!(errors[1].message.contains("no such file"));
    }

    #[test]
    fn extension_looks_through_compression() {
        let spec = InputSpec::File("crawl/CC-NEWS-1.warc.gz".into());
        assert_eq!(spec.extension().as_deref(), Some("warc"));
        assert_eq!(
            InputSpec::File("a.JSONL.zst".into()).extension().as_deref(),
            Some("jsonl")
        );
        assert_eq!(InputSpec::Stdin.extension(), None);
    }
}
