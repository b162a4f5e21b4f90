//! Annotation layers in the store: `ingest` annotates what it stores, `show --json` returns
//! the layers, `quotes` and `numbers` list facts across articles, `reannotate` fills in
//! articles stored with `--no-annotate`. Uses the example article in `examples/`.

mod common;

use common::{Sandbox, repo_dir};

fn example() -> String {
    repo_dir()
        .join("examples/harbour-strike.txt")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn ingest_stores_layers_that_quotes_and_numbers_list() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["ingest", "--published", "2025-06-03", &example()]);
    run.assert_code(0);
    assert!(run.stderr().contains("1 annotated"), "{}", run.stderr());

    let shown = sandbox.run(&["show", "harbour", "--json"]);
    shown.assert_code(0);
    let document: serde_json::Value = serde_json::from_str(&shown.stdout()).unwrap();
    assert!(document["sentences"].as_array().unwrap().len() >= 8);
    assert!(!document["tokens"].as_array().unwrap().is_empty());
    let times: Vec<(&str, &str)> = document["times"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| Some((t["text"].as_str()?, t["value"].as_str()?)))
        .collect();
    // Published on Tuesday 3 June 2025: "on Tuesday" is that day, "on Thursday" ahead.
    assert!(times.contains(&("Tuesday", "2025-06-03")), "{times:?}");
    assert!(times.contains(&("Thursday", "2025-06-05")), "{times:?}");

    // Entities are resolved as the article is stored: mentions and speakers carry ids.
    let quintela = document["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"] == "Marta Quintela")
        .expect("the name is a mention");
    let quintela_id = quintela["entity"].as_str().expect("an entity id");
    let listed = sandbox.run(&["entities", "--type", "PERSON", "--json"]);
    listed.assert_code(0);
    assert!(
        listed.json_lines().iter().any(|e| e["id"] == quintela_id),
        "{}",
        listed.stdout()
    );

    let quotes = sandbox.run(&["quotes", "--json"]);
    quotes.assert_code(0);
    let quotes = quotes.json_lines();
    assert!(
        quotes
            .iter()
            .any(|q| q["speaker_entity"].as_str() == Some(quintela_id)),
        "{quotes:#?}"
    );
    let by_quintela: Vec<_> = quotes
        .iter()
        .filter(|q| q["speaker"] == "Marta Quintela")
        .collect();
    assert_eq!(by_quintela.len(), 1, "{quotes:#?}");
    assert!(
        by_quintela[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("We have worked through two winters")
    );
    // "Farinha said" resolves to the full name given earlier in the article.
    assert!(
        quotes
            .iter()
            .any(|q| q["speaker"] == "Rui Farinha" && q["kind"] == "direct"),
        "{quotes:#?}"
    );

    let filtered = sandbox.run(&["quotes", "--speaker", "farinha", "--json"]);
    filtered.assert_code(0);
    let filtered = filtered.json_lines();
    assert!(!filtered.is_empty());
    assert!(filtered.iter().all(|q| q["speaker"] == "Rui Farinha"));

    let numbers = sandbox.run(&["numbers", "--json"]);
    numbers.assert_code(0);
    let numbers = numbers.json_lines();
    assert!(
        numbers
            .iter()
            .any(|n| n["value"] == 3.1 && n["unit"] == "percent"),
        "{numbers:#?}"
    );
}

#[test]
fn reannotate_fills_in_articles_stored_without_layers() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["ingest", "--no-annotate", &example()])
        .assert_code(0);
    let empty = sandbox.run(&["quotes", "--json"]);
    empty.assert_code(0);
    assert!(
        empty.stdout().is_empty(),
        "no layers yet: {}",
        empty.stdout()
    );

    let run = sandbox.run(&["reannotate"]);
    run.assert_code(0);
    assert!(
        run.stderr().contains("annotated 1 article"),
        "{}",
        run.stderr()
    );
    let quotes = sandbox.run(&["quotes", "--json"]).json_lines().len();
    assert!(quotes > 0);

    // Layers are current now: a second run has nothing to do, unless asked for all, and
    // annotating again replaces the rows rather than adding to them.
    let again = sandbox.run(&["reannotate"]);
    assert!(
        again.stderr().contains("annotated 0 articles"),
        "{}",
        again.stderr()
    );
    let all = sandbox.run(&["reannotate", "--all"]);
    assert!(
        all.stderr().contains("annotated 1 article"),
        "{}",
        all.stderr()
    );
    assert_eq!(
        sandbox.run(&["quotes", "--json"]).json_lines().len(),
        quotes
    );
}

#[test]
fn fact_listings_need_a_store() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["quotes"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("storyline ingest"),
        "{}",
        run.stderr()
    );
}
