//! Every reader on our own fixtures (crates/ingest/tests/fixtures, examples/), plain and
//! compressed, from files and from stdin.

mod common;

use std::io::Write;

use common::{Sandbox, annotate, fixture, repo_dir};
use serde_json::Value;

fn starts(doc: &Value, words: &str) {
    let text = doc["text"].as_str().unwrap();
    assert!(
        text.starts_with(words),
        "body starts {:?}",
        &text[..text.len().min(80)]
    );
}

#[test]
fn plain_text_header_dateline_credit_and_junk() {
    let doc = &annotate(&repo_dir().join("examples/harbour-strike.txt"), &[])[0];
    assert_eq!(doc["section"], "Business");
    assert_eq!(
        doc["headline"],
        "Lisbon dockworkers walk out as harbour pay talks collapse"
    );
    assert_eq!(doc["dateline"], "LISBON");
    assert_eq!(doc["credit"], "Reuters");
    assert_eq!(doc["format"], "text");
    starts(doc, "Hundreds of dockworkers at the");
    let text = doc["text"].as_str().unwrap();
    for junk in [
        "Advertisement",
        "Share this article",
        "Leave a Reply",
        "Credit:",
    ] {
        assert!(!text.contains(junk), "{junk} left in the body");
    }

    let doc = &annotate(&fixture("sections.txt"), &[])[0];
    assert_eq!(doc["section"], "Transport");
    assert_eq!(doc["dateline"], "NAIROBI");
    assert_eq!(doc["credit"], "AP");
    let text = doc["text"].as_str().unwrap();
    assert!(
        text.contains("until it was dark, and now I will be home"),
        "quote rejoined"
    );
    let junk: Vec<&str> = doc["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reason"] == "boilerplate")
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        junk,
        [
            "Published on",
            "Share on Facebook",
            "•",
            "Subscribe to our newsletter",
            "Click here to read more",
            "Exit mobile version"
        ]
    );
}

#[test]
fn legacy_charset_text_is_decoded() {
    let doc = &annotate(&fixture("windows1252.txt"), &[])[0];
    let expected = std::fs::read_to_string(fixture("windows1252.expected")).unwrap();
    assert!(doc["text"].as_str().unwrap().starts_with(expected.trim()));
    assert_eq!(
        doc["headline"],
        "Harbour café reopens after renovation paid for by regulars"
    );
}

#[test]
fn html_metadata_sources() {
    let cases = [
        (
            repo_dir().join("examples/council-vote.html"),
            "Oberhaven council backs tram depot housing plan in tight vote",
            Value::from("2025-06-03T08:30:00+02:00"),
            "Oberhaven's town council voted 9-6",
        ),
        (
            fixture("jsonld.html"),
            "Ferry fares between Tidewater and Gannet Isle to rise by a fifth",
            Value::from("2024-11-05T14:00:00Z"),
            "Ferry fares between Tidewater and Gannet Isle will",
        ),
        (
            fixture("opengraph.html"),
            "Winter shelter opens early as cold snap hits Aldergate",
            Value::from("2024-12-01T06:15:00Z"),
            "Aldergate's winter night shelter opened",
        ),
        (
            fixture("timetag.html"),
            "Beekeepers report record honey harvest on Heathmoor",
            Value::from("2024-10-20"),
            "Beekeepers on Heathmoor say",
        ),
        (
            fixture("nodate.html"),
            "Volunteers restore lost footpath across Brackwater Fell",
            Value::Null,
            "A team of volunteers has reopened",
        ),
    ];
    for (path, headline, published, first) in cases {
        let docs = annotate(&path, &[]);
        assert_eq!(docs.len(), 1, "{}", path.display());
        let doc = &docs[0];
        assert_eq!(doc["headline"], headline, "{}", path.display());
        assert_eq!(doc["published"], published, "{}", path.display());
        assert_eq!(doc["format"], "html");
        starts(doc, first);
    }
    let council = &annotate(&repo_dir().join("examples/council-vote.html"), &[])[0];
    assert_eq!(council["source"], "The Valley Courier");
    assert_eq!(council["byline"], "Clara Hennessy");
    assert_eq!(council["language"], "en");
    let text = council["text"].as_str().unwrap();
    for junk in ["Related stories", "cookies", "newsletter"] {
        assert!(
            !text.to_lowercase().contains(&junk.to_lowercase()),
            "{junk:?} in body: {text}"
        );
    }
}

#[test]
fn feeds_each_item_an_article() {
    let rss = annotate(&repo_dir().join("examples/world-feed.rss"), &[]);
    assert_eq!(rss.len(), 3);
    assert_eq!(
        rss[0]["headline"],
        "Storm Elin cuts power and ferry links along the Merren coast"
    );
    assert_eq!(rss[0]["published"], "2025-03-17T07:45:00Z");
    assert_eq!(rss[0]["source"], "Meridian Wire - World");
    assert_eq!(rss[0]["dateline"], "PORT MERREN");
    assert!(rss[0]["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(rss[0]["origin"]["record"], 1);
    // content:encoded wins over the one-sentence description.
    assert!(rss[0]["text"].as_str().unwrap().split("\n\n").count() >= 3);
    // Double-escaped entities in a description end up as characters.
    assert!(!rss[1]["text"].as_str().unwrap().contains("&ldquo;"));

    let atom = annotate(&fixture("atom.xml"), &[]);
    assert_eq!(atom.len(), 2);
    assert_eq!(
        atom[0]["headline"],
        "Fenwick lifeboat crew rescues walkers cut off by tide"
    );
    assert_eq!(atom[0]["published"], "2024-09-12T18:20:00Z");
    assert_eq!(atom[0]["byline"], "Rowan Pike");
    assert!(atom[0]["text"].as_str().unwrap().contains('“'));

    let rdf = annotate(&fixture("rss1.rdf"), &[]);
    assert_eq!(rdf.len(), 2);
    assert_eq!(
        rdf[0]["headline"],
        "Residents pack hearing on Crag End quarry expansion"
    );
    assert_eq!(rdf[0]["published"], "2024-08-05T20:40:00Z");

    let old = annotate(&fixture("rss091.xml"), &[]);
    assert_eq!(old.len(), 2);
    assert!(
        old.iter().all(|d| d["published"].is_null()),
        "no dates invented"
    );

    let json_feed = annotate(&fixture("feed.json"), &[]);
    assert_eq!(json_feed.len(), 2);
    assert_eq!(
        json_feed[1]["headline"],
        "Solar panels to cover roofs of three Corrin Bay schools"
    );
    assert_eq!(json_feed[1]["published"], "2024-07-23T08:00:00Z");
}

#[test]
fn jsonl_fields_and_html_bodies() {
    let docs = annotate(&repo_dir().join("examples/wire-export.jsonl"), &[]);
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0]["external_id"], "nlw-20250211-001");
    assert_eq!(docs[0]["source"], "Northlight Wire");
    assert_eq!(docs[0]["published"], "2025-02-11");
    assert_eq!(docs[2]["published"], "2025-02-13T06:40:00+01:00");
    assert_eq!(
        docs[3]["headline"],
        "Kestrel Bay library extends opening hours for exam season"
    );
    let html_body = docs[3]["text"].as_str().unwrap();
    assert!(
        !html_body.contains('<') && html_body.contains('“'),
        "{html_body}"
    );
    assert_eq!(docs[3]["origin"]["record"], 4);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn compressed_inputs_and_stdin_read_like_plain_ones() {
    let plain = std::fs::read(repo_dir().join("examples/wire-export.jsonl")).unwrap();
    let expected = annotate(&repo_dir().join("examples/wire-export.jsonl"), &[]);
    let ids = |docs: &[Value]| docs.iter().map(|d| d["id"].clone()).collect::<Vec<_>>();
    let sandbox = Sandbox::new();
    let gz = sandbox.write("export.jsonl.gz", gzip(&plain));
    let zst = sandbox.write("export.data.zst", zstd::encode_all(&plain[..], 3).unwrap());
    assert_eq!(ids(&annotate(&gz, &[])), ids(&expected));
    assert_eq!(ids(&annotate(&zst, &[])), ids(&expected));

    let from_stdin = sandbox.run_with_stdin(&["annotate", "-"], Some(&gzip(&plain)));
    from_stdin.assert_code(0);
    assert_eq!(ids(&from_stdin.json_lines()), ids(&expected));
    assert_eq!(from_stdin.json_lines()[0]["origin"]["path"], "-");

    let text = std::fs::read(repo_dir().join("examples/harbour-strike.txt")).unwrap();
    let ingest = sandbox.run_with_stdin(&["ingest", "-", "--published", "2025-04-01"], Some(&text));
    ingest.assert_code(0);
    let listed = sandbox.run(&["articles", "--json"]).json_lines();
    assert_eq!(listed[0]["published"], "2025-04-01");
}

/// A WARC record: header block, content, and the two CRLFs that end it.
fn warc_record(kind: &str, uri: &str, content: &[u8]) -> Vec<u8> {
    let mut record = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-03-17T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\nContent-Length: {}\r\n\r\n",
        content.len(),
        content.len()
    )
    .into_bytes();
    record.extend_from_slice(content);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut response =
        format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    response.extend_from_slice(body);
    response
}

fn sample_warc() -> Vec<u8> {
    let page = std::fs::read(fixture("opengraph.html")).unwrap();
    let other = std::fs::read(fixture("jsonld.html")).unwrap();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(
        "<html><head><title>Мост</title></head><body><article><p>Городской совет в понедельник \
         одобрил строительство нового моста через реку после долгих споров о его стоимости.</p>\
         <p>Работы начнутся весной и продлятся два года, сообщили в мэрии.</p></article></body></html>",
    );
    let mut warc = Vec::new();
    warc.extend(warc_record("warcinfo", "", b"software: test\r\n"));
    warc.extend(warc_record(
        "request",
        "https://a.example/1",
        b"GET /1 HTTP/1.1\r\n\r\n",
    ));
    warc.extend(warc_record(
        "response",
        "https://a.example/1",
        &http("200 OK", "text/html; charset=utf-8", &page),
    ));
    warc.extend(warc_record(
        "response",
        "https://a.example/gone",
        &http("404 Not Found", "text/html", b"<p>no</p>"),
    ));
    warc.extend(warc_record(
        "response",
        "https://a.example/logo.png",
        &http("200 OK", "image/png", b"\x89PNG\r\n"),
    ));
    warc.extend(warc_record(
        "response",
        "https://a.example/2",
        &http("200 OK", "text/html", &other),
    ));
    warc.extend(warc_record(
        "response",
        "https://a.example/ru",
        &http("200 OK", "text/html; charset=windows-1251", &cp1251),
    ));
    warc
}

#[test]
fn warc_responses_become_articles_plain_and_gzipped_per_record() {
    let sandbox = Sandbox::new();
    let plain = sandbox.write("crawl.warc", sample_warc());
    let docs = annotate(&plain, &[]);
    let urls: Vec<&str> = docs.iter().map(|d| d["url"].as_str().unwrap()).collect();
    assert_eq!(urls.len(), 3, "{urls:?}");
    assert_eq!(
        docs[0]["headline"],
        "Winter shelter opens early as cold snap hits Aldergate"
    );
    assert_eq!(docs[0]["format"], "warc");
    assert_eq!(docs[0]["origin"]["record"], 3);
    assert_eq!(docs[2]["language"], "ru");
    assert!(
        docs[2]["text"]
            .as_str()
            .unwrap()
            .starts_with("Городской совет")
    );

    // CC-NEWS layout: every record its own gzip member.
    let mut members = Vec::new();
    for record in sample_warc().split_inclusive(|&b| b == b'\n').fold(
        Vec::<Vec<u8>>::new(),
        |mut acc, line| {
            if line.starts_with(b"WARC/1.1") || acc.is_empty() {
                acc.push(Vec::new());
            }
            acc.last_mut().unwrap().extend_from_slice(line);
            acc
        },
    ) {
        members.extend(gzip(&record));
    }
    let gz = sandbox.write("crawl.warc.gz", members);
    let from_gz = annotate(&gz, &[]);
    assert_eq!(
        from_gz.iter().map(|d| d["id"].clone()).collect::<Vec<_>>(),
        docs.iter().map(|d| d["id"].clone()).collect::<Vec<_>>()
    );
}

#[test]
fn format_flag_overrides_sniffing() {
    let sandbox = Sandbox::new();
    let html_as_text = sandbox.run(&[
        "annotate",
        fixture("nodate.html").to_str().unwrap(),
        "--input-format",
        "text",
    ]);
    html_as_text.assert_code(0);
    assert_eq!(html_as_text.json_lines()[0]["format"], "text");
}
