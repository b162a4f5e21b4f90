//! Any bytes, decoded as an HTML page would be (declared charset, then detection), through
//! main-text and metadata extraction, with and without a page URL. Extraction must not
//! panic or overflow the stack; when the text is empty a reason is given, and when it is not,
//! paragraphs are separated by exactly one blank line and never blank themselves.

#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline_ingest::decode;
use storyline_ingest::extract::extract;

fuzz_target!(|data: &[u8]| {
    let charset = decode::declared_html_charset(data);
    let html = decode::decode(data, charset.as_deref()).text;
    for url in [None, Some("https://news.example/2024/05/06/story")] {
        let extraction = extract(&html, url);
        if extraction.text.is_empty() {
            assert!(extraction.empty_reason.is_some());
        } else {
            assert!(extraction.empty_reason.is_none());
            for paragraph in extraction.text.split("\n\n") {
                assert!(!paragraph.trim().is_empty(), "blank paragraph");
            }
        }
    }
});
