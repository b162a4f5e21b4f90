//! Bad input: every failing file or record is reported with its path (and record) and
//! reason, the rest of the batch goes in, and the exit status says something failed.

mod common;

use std::io::Write;

use common::{Sandbox, repo_dir};

fn good_line(n: usize) -> String {
    serde_json::json!({
        "title": format!("Ferry timetable changes {n}"),
        "text": format!("The ferry company published a new timetable, number {n}, on Monday.\n\nIt adds two crossings."),
    })
    .to_string()
}

#[test]
fn a_bad_batch_reports_each_failure_and_keeps_the_rest() {
    let sandbox = Sandbox::new();
    let mut jsonl = Vec::new();
    writeln!(jsonl, "{}", good_line(1)).unwrap();
    writeln!(jsonl, "{{\"title\": \"broken\", \"text\": ").unwrap(); // line 2: malformed JSON
    jsonl.extend_from_slice(b"{\"title\": \"x\", \"text\": \"caf\xe9 au lait\"}\n"); // line 3: not UTF-8
    writeln!(jsonl, "[1, 2]").unwrap(); // line 4: not an object
    writeln!(jsonl, "{{\"title\": \"no body\"}}").unwrap(); // line 5: no text
    writeln!(jsonl).unwrap(); // line 6: blank, skipped silently
    writeln!(jsonl, "{}", good_line(7)).unwrap();
    let jsonl = sandbox.write("mixed.jsonl", jsonl);

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for n in 0..200 {
        writeln!(gz, "{}", good_line(100 + n)).unwrap();
    }
    let gz = gz.finish().unwrap();
    let truncated = sandbox.write("cut.jsonl.gz", &gz[..gz.len() * 2 / 3]);
    let binary = sandbox.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    let empty = sandbox.write("empty.txt", b"");
    let blank = sandbox.write("blank.txt", b"  \n\n \t\n");
    let only_junk = sandbox.write(
        "junk.txt",
        "Advertisement\n\nShare this article\n\nLeave a Reply\n",
    );
    let bad_feed = sandbox.write(
        "bad.rss",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>x</ti",
    );
    let missing = sandbox.path("missing.txt");
    let dangling = sandbox.path("dangling.txt");
    std::os::unix::fs::symlink(sandbox.path("nowhere"), &dangling).unwrap();
    let good = repo_dir().join("examples/harbour-strike.txt");

    let paths: Vec<String> = [
        &jsonl, &truncated, &binary, &empty, &blank, &only_junk, &bad_feed, &missing, &dangling,
        &good,
    ]
    .iter()
    .map(|p| p.display().to_string())
    .collect();
    let mut args = vec!["ingest"];
    args.extend(paths.iter().map(String::as_str));
    let run = sandbox.run(&args);
    run.assert_code(1);
    let stderr = run.stderr();
    let expect = |needle: String| {
        assert!(stderr.contains(&needle), "missing {needle:?} in:\n{stderr}");
    };
    let name = |p: &std::path::Path| p.display().to_string();
    expect(format!("{}:2: malformed JSON", name(&jsonl)));
    expect(format!("{}:3: invalid UTF-8", name(&jsonl)));
    expect(format!("{}:4: expected a JSON object", name(&jsonl)));
    expect(format!("{}:5: no \"text\" or \"html\" field", name(&jsonl)));
    expect(format!("{}:", name(&truncated)));
    expect("truncated or corrupt".to_owned());
    expect(format!("{}: binary data", name(&binary)));
    expect(format!("{}: empty file", name(&empty)));
    expect(format!("{}: empty file", name(&blank)));
    expect(format!(
        "{}: no article text left after cleaning",
        name(&only_junk)
    ));
    expect(format!("{}: malformed feed", name(&bad_feed)));
    expect(format!("{}: no such file or folder", name(&missing)));
    expect(format!("{}: no such file or folder", name(&dangling)));
    assert!(!stderr.contains("panicked"), "{stderr}");

    // The good records around the bad ones all went in: 2 from mixed.jsonl, the readable
    // start of the truncated gzip, and the example article.
    let stored = sandbox.run(&["articles", "--json"]).json_lines();
    let from_truncated = stored
        .iter()
        .filter(|a| {
            a["headline"]
                .as_str()
                .unwrap()
                .contains("timetable changes 1")
                && a["headline"] != "Ferry timetable changes 1"
        })
        .count();
    assert!(
        from_truncated > 10,
        "records before the truncation point were kept"
    );
    assert!(
        stored
            .iter()
            .any(|a| a["headline"] == "Ferry timetable changes 1")
    );
    assert!(
        stored
            .iter()
            .any(|a| a["headline"] == "Ferry timetable changes 7")
    );
    assert!(stored.iter().any(|a| a["source"] == "harbour-strike.txt"));
    let summary = stderr.lines().last().unwrap();
    assert!(
        summary.contains(&format!("ingested {} new articles", stored.len())),
        "{summary}"
    );
}

#[test]
fn json_summary_lists_failures() {
    let sandbox = Sandbox::new();
    let empty = sandbox.write("empty.jsonl", b"");
    let good = repo_dir().join("examples/wire-export.jsonl");
    let run = sandbox.run(&[
        "ingest",
        "--json",
        empty.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    run.assert_code(1);
    let report = &run.json_lines()[0];
    assert_eq!(report["ingested"], 4);
    assert_eq!(report["failed"], 1);
    assert!(
        report["failures"][0]
            .as_str()
            .unwrap()
            .contains("empty.jsonl: empty file")
    );
}

#[test]
fn no_usable_input_or_store_is_fatal_with_advice() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["ingest", "/definitely/not/here"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("no input to read"),
        "{}",
        run.stderr()
    );

    let run = sandbox.run(&["articles"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("run `storyline ingest PATH` first"),
        "{}",
        run.stderr()
    );

    let not_a_db = sandbox.write(
        "not.db",
        b"this is not a database, just text that is long enough",
    );
    let mut command = sandbox.command(&["ingest", repo_dir().join("examples").to_str().unwrap()]);
    command.arg("--db").arg(&not_a_db);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not.db"), "names the database: {stderr}");
    assert_eq!(
        std::fs::read(&not_a_db).unwrap(),
        b"this is not a database, just text that is long enough",
        "a file that is not a store is left untouched"
    );
}

#[test]
fn show_explains_missing_and_ambiguous_keys() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "ingest",
            repo_dir()
                .join("examples/wire-export.jsonl")
                .to_str()
                .unwrap(),
        ])
        .assert_code(0);
    let run = sandbox.run(&["show", "zzzz"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("storyline articles"),
        "{}",
        run.stderr()
    );
    let run = sandbox.run(&["show", "wire"]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("matches 4 articles"),
        "{}",
        run.stderr()
    );
}

#[test]
fn enormous_single_documents_are_refused_not_loaded() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: 65 MiB of NULs would be binary; a huge text file is lines of words.
    let mut writer = std::io::BufWriter::new(file);
    let line = "word ".repeat(200) + "\n";
    for _ in 0..(65 * 1024 * 1024 / line.len() + 1) {
        writer.write_all(line.as_bytes()).unwrap();
    }
    drop(writer);
    let good = repo_dir().join("examples/harbour-strike.txt");
    let run = sandbox.run(&["ingest", path.to_str().unwrap(), good.to_str().unwrap()]);
    run.assert_code(1);
    assert!(
        run.stderr().contains("larger than 64 MiB"),
        "{}",
        run.stderr()
    );
    assert_eq!(sandbox.run(&["articles", "--json"]).json_lines().len(), 1);
}
