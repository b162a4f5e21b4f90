//! Main-text and metadata extraction on our own small pages: each kind of page furniture
//! stays out, every kind of article content stays in, each metadata source is read, and bad
//! input (deep nesting, huge and truncated pages, pages with no article) is survived.

use std::path::PathBuf;

use storyline_ingest::extract::{Extraction, extract};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extract")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn page(name: &str) -> Extraction {
    extract(&fixture(name), None)
}

#[test]
fn furniture_stays_out() {
    let text = page("news_jsonld.html").text;
    for junk in [
        "cookies",              // consent banner
        "Sport",                // navigation
        "4 min read",           // reading time
        "Share on",             // share bar
        "slipway",              // caption
        "Photo: Gazette staff", // photo credit
        "Advertisement",        // ad label
        "newsletter",           // newsletter prompt
        "Ferries",              // tag cloud
        "trainee reporter",     // author box
        "Lifeboat crew",        // related links
        "commute",              // comments
        "12 comments",
        "All rights reserved", // footer
    ] {
        assert!(!text.contains(junk), "{junk:?} leaked into:\n{text}");
    }
}

#[test]
fn article_content_stays_in() {
    let text = page("news_jsonld.html").text;
    for kept in [
        "The little green ferry that links the two halves of Porthwenna",
        "Engineers replaced the vessel's propeller shaft",
        "Longer summer timetable", // subheading
        "every twenty minutes",
        "more letters about this boat", // block quote
        "Keziah Rowe",
        "Children under twelve travel free with an adult.", // list
        "21:00",                                            // table
        "roughly the figure it managed before the repairs",
    ] {
        assert!(text.contains(kept), "{kept:?} missing from:\n{text}");
    }
}

#[test]
fn headline_not_repeated_and_paragraphs_blank_line_separated() {
    let text = page("news_jsonld.html").text;
    assert!(!text.contains("Harbour ferry returns after winter repairs"));
    assert!(text.starts_with("The little green ferry"));
    assert!(
        text.contains("dry dock.\n\nEngineers replaced"),
        "paragraphs not separated by one blank line:\n{text}"
    );
    assert!(!text.contains("\n\n\n"));
}

#[test]
fn metadata_from_json_ld() {
    let meta = page("news_jsonld.html").meta;
    assert_eq!(
        meta.title.as_deref(),
        Some("Harbour ferry returns after winter repairs")
    );
    assert_eq!(meta.authors, ["Morwenna Tallis", "Idris Penhale"]);
    assert_eq!(meta.published.as_deref(), Some("2025-04-02T07:30:00+01:00"));
    assert_eq!(meta.modified.as_deref(), Some("2025-04-03T09:00:00+01:00"));
    assert_eq!(meta.site_name.as_deref(), Some("The Tidewater Gazette"));
    assert_eq!(
        meta.url.as_deref(),
        Some("https://gazette.example/news/harbour-ferry-returns")
    );
    assert_eq!(meta.language.as_deref(), Some("en"));
    assert_eq!(meta.section.as_deref(), Some("Local"));
    assert_eq!(meta.tags, ["ferries", "harbour", "transport"]);
}

#[test]
fn metadata_from_opengraph_and_meta_tags_on_a_german_page() {
    let extraction = page("opengraph_de.html");
    let meta = extraction.meta;
    assert_eq!(
        meta.title.as_deref(),
        Some("Stadtbibliothek verlängert Öffnungszeiten")
    );
    assert_eq!(meta.authors, ["Henrike Vosskamp"]);
    assert_eq!(meta.published.as_deref(), Some("2024-11-18T06:00:00+01:00"));
    assert_eq!(meta.modified.as_deref(), Some("2024-11-18T12:15:00+01:00"));
    assert_eq!(meta.site_name.as_deref(), Some("Rheinauer Bote"));
    assert_eq!(
        meta.url.as_deref(),
        Some("https://bote.example/kultur/bibliothek-oeffnungszeiten")
    );
    assert_eq!(meta.language.as_deref(), Some("de"));
    assert_eq!(meta.section.as_deref(), Some("Kultur"));
    assert_eq!(meta.tags, ["Bibliothek", "Stadtrat"]);
    let text = extraction.text;
    assert!(text.starts_with("Die Stadtbibliothek bleibt"), "{text}");
    assert!(text.contains("Lesecafé im Erdgeschoss"));
    assert!(!text.contains("Foto: Archiv"), "caption kept:\n{text}");
    assert!(!text.contains("Startseite"));
}

#[test]
fn metadata_from_time_element_and_rel_author() {
    let extraction = page("time_markup.html");
    // The `<time>` marked as the publication date wins over the "Updated" one.
    assert_eq!(extraction.meta.published.as_deref(), Some("2023-02-11"));
    assert_eq!(extraction.meta.authors, ["Ada Quennell"]);
    assert!(
        !extraction.text.contains("Updated"),
        "byline and date line kept:\n{}",
        extraction.text
    );
    assert!(extraction.text.starts_with("Volunteers spent the weekend"));
}

#[test]
fn date_from_url_when_the_page_has_none() {
    let html = fixture("url_date.html");
    assert_eq!(extract(&html, None).meta.published, None);
    let extraction = extract(
        &html,
        Some("https://county.example/2024/05/06/bridge-inspection"),
    );
    assert_eq!(extraction.meta.published.as_deref(), Some("2024-05-06"));
    assert_eq!(
        extraction.meta.url.as_deref(),
        Some("https://county.example/2024/05/06/bridge-inspection")
    );
}

#[test]
fn date_from_dateline_as_last_resort() {
    let extraction = page("dateline.html");
    assert_eq!(extraction.meta.published.as_deref(), Some("2025-03-03"));
    assert!(extraction.text.contains("Overnight passenger trains"));
}

#[test]
fn page_without_article_gives_empty_text_and_reason() {
    let extraction = page("no_article.html");
    assert_eq!(extraction.text, "");
    let reason = extraction.empty_reason.expect("a reason");
    assert!(reason.starts_with("no article found"), "{reason}");
    let empty = extract("", None);
    assert_eq!(empty.text, "");
    assert!(empty.empty_reason.is_some());
}

/// Run on a thread with a small stack (like a test or rayon thread in a debug build), so a
/// recursion on depth anywhere in the chain would overflow here.
fn extract_on_small_stack(html: String) -> Extraction {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || extract(&html, None))
        .expect("spawn")
        .join()
        .expect("no panic")
}

#[test]
fn ten_thousand_deep_nesting_does_not_overflow() {
    let paragraph = "<p>The deep paragraph still carries its words through every level of nesting on this page.</p>";
    for (open, close) in [
        ("<div>", "</div>"),
        ("<span><b>", ""),
        ("<table><tr><td>", ""),
        ("<ul><li>", "</li></ul>"),
    ] {
        let html = format!(
            "<html><body>{}{paragraph}{}</body></html>",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let extraction = extract_on_small_stack(html);
        assert!(
            extraction.text.contains("still carries its words"),
            "{open}: {:?}",
            extraction.empty_reason
        );
    }
}

#[test]
fn twenty_megabyte_page() {
    let paragraph = "<p>The committee heard evidence from residents, engineers and the operator before it voted on the plan.</p>\n";
    let mut html = String::from("<html><head><title>Long page</title></head><body><article>");
    while html.len() < 20 << 20 {
        html.push_str(paragraph);
    }
    html.push_str("</article></body></html>");
    let extraction = extract(&html, None);
    assert!(extraction.text.starts_with("The committee heard evidence"));
}

#[test]
fn malformed_and_truncated_html() {
    let full = fixture("news_jsonld.html");
    for cut in [10, 500, full.len() / 2, full.len() - 40] {
        let mut end = cut;
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        // Must not panic; the first half of the page still holds the article's start.
        let extraction = extract(&full[..end], None);
        if end == full.len() / 2 {
            assert!(extraction.text.contains("little green ferry"));
        }
    }
    let broken = "<html><body><div><p>Unclosed <b>bold <i>and italic</p></div></span></body><p>Trailing text after the body ends, still part of what a reader would see on the page today.";
    let extraction = extract(broken, None);
    assert!(extraction.empty_reason.is_some() || !extraction.text.is_empty());
}
