//! `storyline extract`: main text and metadata of web pages, in any charset, with clear
//! failures for pages that hold no article and files that cannot be read.

mod common;

use common::{Sandbox, fixture};

fn extract_fixture(name: &str) -> std::path::PathBuf {
    fixture(&format!("extract/{name}"))
}

#[test]
fn plain_text_output() {
    let sandbox = Sandbox::new();
    let page = extract_fixture("news_jsonld.html");
    let run = sandbox.run(&["extract", page.to_str().unwrap()]);
    run.assert_code(0);
    let text = run.stdout();
    assert!(text.starts_with("The little green ferry"), "{text}");
    assert!(text.contains("dry dock.\n\nEngineers replaced"));
    for junk in [
        "Share on",
        "newsletter",
        "12 comments",
        "4 min read",
        "slipway",
    ] {
        assert!(!text.contains(junk), "{junk:?} in:\n{text}");
    }
}

#[test]
fn json_output_has_metadata() {
    let sandbox = Sandbox::new();
    let page = extract_fixture("opengraph_de.html");
    let run = sandbox.run(&["extract", "--json", page.to_str().unwrap()]);
    run.assert_code(0);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    let page = &lines[0];
    assert_eq!(page["title"], "Stadtbibliothek verlängert Öffnungszeiten");
    assert_eq!(page["authors"], serde_json::json!(["Henrike Vosskamp"]));
    assert_eq!(page["published"], "2024-11-18T06:00:00+01:00");
    assert_eq!(page["modified"], "2024-11-18T12:15:00+01:00");
    assert_eq!(page["site_name"], "Rheinauer Bote");
    assert_eq!(
        page["url"],
        "https://bote.example/kultur/bibliothek-oeffnungszeiten"
    );
    assert_eq!(page["language"], "de");
    assert_eq!(page["section"], "Kultur");
    assert_eq!(page["tags"], serde_json::json!(["Bibliothek", "Stadtrat"]));
    assert!(
        page["text"]
            .as_str()
            .unwrap()
            .starts_with("Die Stadtbibliothek")
    );
    assert!(page["empty_reason"].is_null());
    assert_eq!(page["extractor"], "readability");
}

/// A page whose article is `body` (three paragraphs), wrapped in a head that may declare a
/// charset, encoded with `encoding`.
fn encoded_page(
    encoding: &'static encoding_rs::Encoding,
    declared: Option<&str>,
    body: &str,
) -> Vec<u8> {
    let meta = declared
        .map(|c| format!("<meta charset=\"{c}\">"))
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html><html><head>{meta}<title>t</title></head><body><article>\
         <p>{body}</p><p>{body}</p><p>{body}</p></article></body></html>"
    );
    let (bytes, _, unmappable) = encoding.encode(&html);
    assert!(!unmappable, "test text must fit the charset");
    bytes.into_owned()
}

#[test]
fn charsets_by_meta_tag_bom_or_nothing() {
    let sandbox = Sandbox::new();
    let russian = "Городской совет утвердил новый бюджет на следующий год после долгого обсуждения с жителями района.";
    let japanese =
        "市議会は住民との長い議論の末、来年度の新しい予算案を賛成多数で可決したと発表しました。";
    let french = "Le conseil municipal a adopté le budget de l'année prochaine après un long débat avec les habitants du quartier, déçus.";
    let mut bom_utf8 = vec![0xEF, 0xBB, 0xBF];
    bom_utf8.extend(encoded_page(encoding_rs::UTF_8, None, french));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cp1251.html",
            encoded_page(encoding_rs::WINDOWS_1251, Some("windows-1251"), russian),
            russian,
        ),
        (
            "sjis.html",
            encoded_page(encoding_rs::SHIFT_JIS, Some("Shift_JIS"), japanese),
            japanese,
        ),
        (
            "latin1_undeclared.html",
            encoded_page(encoding_rs::WINDOWS_1252, None, french),
            french,
        ),
        ("bom.html", bom_utf8, french),
    ];
    for (name, bytes, expected) in cases {
        let path = sandbox.write(name, bytes);
        let run = sandbox.run(&["extract", path.to_str().unwrap()]);
        run.assert_code(0);
        assert!(run.stdout().contains(expected), "{name}: {}", run.stdout());
    }
}

#[test]
fn page_without_article_and_unreadable_file() {
    let sandbox = Sandbox::new();
    let page = extract_fixture("no_article.html");
    let missing = sandbox.path("missing.html");
    let run = sandbox.run(&["extract", page.to_str().unwrap(), missing.to_str().unwrap()]);
    run.assert_code(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains("no_article.html: no article found"),
        "{stderr}"
    );
    assert!(stderr.contains("missing.html"), "{stderr}");
    assert_eq!(run.stdout(), "");
}
