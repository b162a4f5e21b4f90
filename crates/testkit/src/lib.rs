//! Helpers shared by the integration tests of several crates: finding `../shared`, reading the
//! seed articles through the real ingest path, and the language pipeline loaded once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use storyline_ingest::{InputSpec, Options, build_article, read_input};
use storyline_model::Article;
use storyline_nlp::pipeline::Pipeline;

/// `../shared` beside the checkout, or `$STORYLINE_SHARED`. Panics with instructions when
/// it is missing, so a test never passes by skipping its data.
pub fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("STORYLINE_SHARED") {
        return PathBuf::from(dir);
    }
    // This crate's own folder: `crates/testkit`, two levels under the checkout.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|a| a.join("shared"))
        .find(|candidate| candidate.join("seeds-expected.json").is_file())
        .unwrap_or_else(|| {
            panic!(
                "cannot find the shared data folder (a `shared/` beside the checkout holding \
                 seeds-expected.json) above {}; set STORYLINE_SHARED to its path",
                manifest.display()
            )
        })
}

/// `seeds-expected.json`, parsed.
pub fn seeds_expected() -> serde_json::Value {
    let path = shared_dir().join("seeds-expected.json");
    let text = std::fs::read_to_string(&path).expect("read seeds-expected.json");
    serde_json::from_str(&text).expect("parse seeds-expected.json")
}

/// The seed article whose file name starts with `key` ("000"), cleaned by the ingest
/// crate exactly as `storyline ingest` does, with `published` as its publication date.
pub fn seed_article(key: &str, published: Option<&str>) -> Article {
    let dir = shared_dir().join("seeds");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read the seeds folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(key))
        })
        .collect();
    names.sort();
    let path = names
        .first()
        .unwrap_or_else(|| panic!("no seed starting with {key} in {}", dir.display()));
    let options = Options {
        published: published.map(str::to_string),
        format: None,
    };
    let raw = read_input(&InputSpec::File(path.clone()), &options)
        .next()
        .expect("one record")
        .expect("readable seed");
    build_article(raw, &options).expect("seed article builds")
}

/// The language pipeline with the shipped models, loaded once per test binary.
pub fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::load().expect("load the shipped language models"))
}
