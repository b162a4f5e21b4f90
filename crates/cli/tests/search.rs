//! `storyline search`: the full-text index follows every ingest, survives being deleted,
//! and filters and highlights.

mod common;

use common::Sandbox;

fn jsonl(records: &[(&str, &str, &str, &str)]) -> String {
    records
        .iter()
        .map(|(source, published, title, text)| {
            serde_json::json!({
                "source": source,
                "published": published,
                "title": title,
                "text": text,
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn search(sandbox: &Sandbox, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = sandbox.run(&all);
    run.assert_code(0);
    run.json_lines()
}

fn headlines(hits: &[serde_json::Value]) -> Vec<&str> {
    hits.iter()
        .map(|h| h["headline"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn search_follows_ingest_and_rebuilds_a_lost_index() {
    let sandbox = Sandbox::new();
    let first = sandbox.write(
        "first.jsonl",
        jsonl(&[
            (
                "Harbour Times",
                "2025-02-01",
                "Ferry strike ends",
                "The ferry crews voted to end their strike after talks with the port.",
            ),
            (
                "Valley Post",
                "2025-02-03",
                "Orchard harvest",
                "Apple growers expect a record harvest this year.",
            ),
        ]),
    );
    sandbox
        .run(&[
            "ingest",
            "--no-annotate",
            "--quiet",
            first.to_str().unwrap(),
        ])
        .assert_code(0);
    let hits = search(&sandbox, &["ferry"]);
    assert_eq!(headlines(&hits), ["Ferry strike ends"]);
    let snippet = hits[0]["snippet"].as_array().unwrap();
    assert!(
        snippet
            .iter()
            .any(|s| s["hit"] == true && s["text"].as_str() == Some("ferry")),
        "{snippet:?}"
    );

    // A later ingest is searchable at once, and filters narrow it.
    let second = sandbox.write(
        "second.jsonl",
        jsonl(&[(
            "Valley Post",
            "2025-03-09",
            "Ferry fares rise",
            "Ferry fares will rise in spring, the operator said.",
        )]),
    );
    sandbox
        .run(&[
            "ingest",
            "--no-annotate",
            "--quiet",
            second.to_str().unwrap(),
        ])
        .assert_code(0);
    assert_eq!(search(&sandbox, &["ferry"]).len(), 2);
    assert_eq!(
        headlines(&search(&sandbox, &["ferry", "--source", "valley post"])),
        ["Ferry fares rise"]
    );
    assert_eq!(
        headlines(&search(&sandbox, &["ferry", "--to", "2025-02-28"])),
        ["Ferry strike ends"]
    );

    let bad_date = sandbox.run(&["search", "ferry", "--from", "March"]);
    bad_date.assert_code(2);
    assert!(
        bad_date.stderr().contains("YYYY-MM-DD"),
        "{}",
        bad_date.stderr()
    );

    // The index is derived data: deleted, it is rebuilt from the store on the next search.
    let index = sandbox.path("test.db.search");
    assert!(index.is_dir(), "the index lives beside the database");
    std::fs::remove_dir_all(&index).unwrap();
    assert_eq!(search(&sandbox, &["ferry"]).len(), 2);
    assert_eq!(
        headlines(&search(&sandbox, &["harvest"])),
        ["Orchard harvest"]
    );
}
