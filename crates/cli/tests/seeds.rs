//! Acceptance on the user's seed articles: the `documents` part of `seeds-expected.json`.

mod common;

use common::{Sandbox, seed_path, shared_dir};
use serde_json::Value;

fn expected_documents() -> serde_json::Map<String, Value> {
    let path = shared_dir().join("seeds-expected.json");
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    expected["documents"].as_object().unwrap().clone()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn seed_documents_match_expectations() {
    let documents = expected_documents();
    assert_eq!(documents.len(), 5);
    for (key, expected) in &documents {
        let docs = common::annotate(&seed_path(key), &[]);
        assert_eq!(docs.len(), 1, "{key}: one article per seed file");
        let doc = &docs[0];
        for field in ["headline", "section", "dateline", "credit"] {
            if let Some(value) = expected.get(field) {
                assert_eq!(&doc[field], value, "{key}: {field}");
            }
        }
        let text = collapse(doc["text"].as_str().unwrap());
        if let Some(first) = expected.get("first_body_words") {
            let first = collapse(first.as_str().unwrap());
            assert!(
                text.starts_with(&first),
                "{key}: body starts {:?}",
                &text[..80]
            );
        }
        if let Some(last) = expected.get("last_body_words") {
            let last = collapse(last.as_str().unwrap());
            assert!(
                text.ends_with(&last),
                "{key}: body ends {:?}",
                &text[text.len() - 80..]
            );
        }
        if let Some(lines) = expected.get("boilerplate_removed") {
            let removed: Vec<&str> = doc["removed"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["reason"] == "boilerplate")
                .map(|r| r["text"].as_str().unwrap())
                .collect();
            for line in lines.as_array().unwrap() {
                let line = line.as_str().unwrap();
                assert!(
                    removed.contains(&line),
                    "{key}: {line:?} not removed; removed {removed:?}"
                );
                assert!(
                    !text.contains(line) || line.len() < 4,
                    "{key}: {line:?} left in the body"
                );
            }
        }
        // Without metadata and without --published, the date stays unknown.
        assert!(doc["published"].is_null(), "{key}: invented a date");
        assert_eq!(doc["language"], "en", "{key}");
    }
}

#[test]
fn seed_004_quote_broken_across_lines_is_one_paragraph() {
    let doc = &common::annotate(&seed_path("004"), &[])[0];
    let text = doc["text"].as_str().unwrap();
    let paragraph = text
        .split("\n\n")
        .find(|p| p.contains("foreign ministry stated"))
        .expect("paragraph present");
    assert!(
        paragraph.contains("reached during last month"),
        "the line break inside the quotation was not rejoined: {paragraph:?}"
    );
}

#[test]
fn seeds_ingest_list_and_show() {
    let sandbox = Sandbox::new();
    let seeds = shared_dir().join("seeds");
    let run = sandbox.run(&["ingest", seeds.to_str().unwrap()]);
    run.assert_code(0);
    assert!(
        run.stderr().contains("ingested 5 new articles"),
        "{}",
        run.stderr()
    );

    let listed = sandbox.run(&["articles", "--json"]).json_lines();
    assert_eq!(listed.len(), 5);
    let headline_001 = listed
        .iter()
        .find(|a| a["source"].as_str().unwrap().starts_with("001"))
        .unwrap()["headline"]
        .clone();
    assert_eq!(headline_001, expected_documents()["001"]["headline"]);

    let shown = sandbox.run(&["show", "001"]);
    shown.assert_code(0);
    assert!(
        shown.stdout().contains("section:   Politics"),
        "{}",
        shown.stdout()
    );
    assert!(
        shown
            .stdout()
            .contains("[boilerplate: mobile_nav] Exit mobile version")
    );

    // Again: nothing new, everything recognised as already stored.
    let again = sandbox.run(&["ingest", seeds.to_str().unwrap()]);
    again.assert_code(0);
    assert!(
        again.stderr().contains("ingested 0 new articles"),
        "{}",
        again.stderr()
    );
    assert!(
        again.stderr().contains("5 already stored"),
        "{}",
        again.stderr()
    );
    assert_eq!(sandbox.run(&["articles", "--json"]).json_lines().len(), 5);
}

#[test]
fn published_date_comes_from_the_flag_when_the_file_has_none() {
    let doc = &common::annotate(&seed_path("003"), &["--published", "2025-03-17"])[0];
    assert_eq!(doc["published"], "2025-03-17");
    let sandbox = Sandbox::new();
    let bad = sandbox.run(&[
        "annotate",
        seed_path("003").to_str().unwrap(),
        "--published",
        "soon",
    ]);
    bad.assert_code(2);
    assert!(bad.stderr().contains("not a date"), "{}", bad.stderr());
}

/// Ingest places the seeds into stories as they arrive: all five cover one developing story
/// (seeds-expected.json `stories.same_story`), and `story` lists its articles.
#[test]
fn ingest_groups_the_seeds_into_one_story() {
    let sandbox = Sandbox::new();
    // In publication order, as a stream would bring them.
    for key in ["003", "004", "002", "000", "001"] {
        sandbox
            .run(&["ingest", seed_path(key).to_str().unwrap()])
            .assert_code(0);
    }
    let stories = sandbox.run(&["stories", "--json"]);
    stories.assert_code(0);
    let stories = stories.json_lines();
    let biggest = stories
        .iter()
        .max_by_key(|s| s["articles"].as_u64().unwrap_or(0))
        .expect("at least one story");
    assert_eq!(biggest["articles"], 5, "{stories:#?}");
    let id = biggest["id"].as_str().unwrap();
    let story = sandbox.run(&["story", id, "--json"]);
    story.assert_code(0);
    assert!(story.stdout().contains("Putin"), "{}", story.stdout());

    // The plain listing names the story's top entities as the store names them, not by id.
    let entities = sandbox.run(&["entities", "--json"]).json_lines();
    let name_of = |id: &str| {
        entities
            .iter()
            .find(|e| e["id"] == id)
            .and_then(|e| e["name"].as_str())
            .map(str::to_string)
    };
    let top: Vec<String> = biggest["entities"].as_array().unwrap()[..3]
        .iter()
        .map(|e| name_of(e[0].as_str().unwrap()).expect("top entities are resolved ids"))
        .collect();
    let listing = sandbox.run(&["stories"]);
    let line = listing
        .stdout()
        .lines()
        .find(|l| l.starts_with(id))
        .expect("the story is listed")
        .to_string();
    assert!(line.contains(&top.join(", ")), "{line} lacks {top:?}");
}
