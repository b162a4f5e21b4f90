//! The shipped background frequency table is exactly what the builder makes from CoNLL-2003
//! (set STORYLINE_WRITE_BACKGROUND=1 to rewrite it after changing the features).

mod common;

use storyline_corpus::stories::background;

#[test]
fn shipped_table_matches_conll() {
    let dir = common::shared_dir().join("data/conll2003");
    let files: Vec<String> = ["eng.train", "eng.testa"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).expect("read CoNLL-2003"))
        .collect();
    let built = background::encode(&background::from_conll(files.iter().map(String::as_str)));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/background-df.bin");
    if std::env::var_os("STORYLINE_WRITE_BACKGROUND").is_some() {
        std::fs::write(&path, &built).expect("write the table");
    }
    let shipped = std::fs::read(&path).expect("read the shipped table");
    assert!(
        shipped == built,
        "data/background-df.bin is stale: rebuild it (see background.rs)"
    );
}
