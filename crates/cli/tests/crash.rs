//! Crash safety: `kill -9` in the middle of an ingest leaves a consistent store, and running
//! the same command again completes the rest.

mod common;

use std::io::Write;
use std::time::Duration;

use common::Sandbox;

const ARTICLES: usize = 40_000;

fn write_corpus(sandbox: &Sandbox) -> std::path::PathBuf {
    let path = sandbox.path("corpus.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for n in 0..ARTICLES {
        let line = serde_json::json!({
            "title": format!("Harbour report {n}"),
            "published": "2025-05-01",
            "text": format!(
                "Harbour traffic report number {n}: {} ships arrived and {} left.\n\n\
                 The harbour master said the figures were within the usual range.",
                n % 97,
                n % 89
            ),
        });
        writeln!(out, "{line}").unwrap();
    }
    out.flush().unwrap();
    path
}

fn stored_count(db: &std::path::Path) -> Option<i64> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .ok()
}

#[test]
fn kill_mid_ingest_leaves_a_consistent_store_and_a_rerun_completes() {
    let sandbox = Sandbox::new();
    let corpus = write_corpus(&sandbox);
    let args = [
        "ingest",
        "--batch-size",
        "100",
        "--quiet",
        corpus.to_str().unwrap(),
    ];

    let mut child = sandbox.command(&args).spawn().unwrap();
    // Wait until some batches are committed, then kill without warning. The poll bound only
    // stops a hung test; no assertion depends on timing.
    let mut committed = 0;
    for _ in 0..6000 {
        committed = stored_count(&sandbox.db()).unwrap_or(0);
        if committed > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(committed > 0, "ingest committed nothing before the kill");

    let conn = rusqlite::Connection::open(sandbox.db()).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let after_kill: i64 = conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert!(
        (after_kill as usize) < ARTICLES,
        "the kill came after the whole ingest; nothing was interrupted"
    );
    assert_eq!(after_kill % 100, 0, "only whole batches are committed");
    let sightings: i64 = conn
        .query_row("SELECT count(*) FROM sightings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        sightings, after_kill,
        "every stored article has its provenance"
    );
    drop(conn);

    let rerun = sandbox.run(&["ingest", "--json", corpus.to_str().unwrap()]);
    rerun.assert_code(0);
    let report = &rerun.json_lines()[0];
    assert_eq!(report["already_stored"], after_kill);
    assert_eq!(report["ingested"], ARTICLES as i64 - after_kill);
    assert_eq!(stored_count(&sandbox.db()), Some(ARTICLES as i64));
    // The search index, killed mid-write too, holds the articles of both runs.
    for n in [0, ARTICLES / 2, ARTICLES - 1] {
        let phrase = format!("\"traffic report number {n}\"");
        let hits = sandbox.run(&["search", "--json", &phrase]);
        hits.assert_code(0);
        assert_eq!(hits.json_lines().len(), 1, "article {n} is searchable");
    }
}

#[test]
fn the_same_text_from_two_inputs_is_stored_once_and_counted_as_duplicate() {
    let sandbox = Sandbox::new();
    let text = "Storm warning\n\nThe coastguard warned boats to stay in port on Friday.\n";
    let a = sandbox.write("a.txt", text);
    let b = sandbox.write(
        "b.txt",
        text.replace("Friday.", "Friday.  ")
            .replace("coastguard", "Coastguard"),
    );
    let run = sandbox.run(&["ingest", "--json", a.to_str().unwrap(), b.to_str().unwrap()]);
    run.assert_code(0);
    let report = &run.json_lines()[0];
    assert_eq!(report["ingested"], 1);
    assert_eq!(report["duplicates"], 1);
    let listed = sandbox.run(&["articles", "--json"]).json_lines();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["sightings"], 2);
    let shown = sandbox
        .run(&["show", listed[0]["id"].as_str().unwrap()])
        .stdout();
    assert!(
        shown.contains("a.txt") && shown.contains("b.txt"),
        "both sources kept: {shown}"
    );
}
