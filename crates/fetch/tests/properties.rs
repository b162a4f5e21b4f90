//! The parsers of untrusted input (sitemaps, OPML, page heads, URLs) never panic, and
//! normalisation is idempotent.

use proptest::prelude::*;
use storyline_fetch::{opml, sitemap, urls};

/// Strings built from the pieces these formats are made of, so the generator reaches deep
/// into the parsers instead of failing at the first byte.
fn markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<urlset>".to_owned()),
        Just("<sitemapindex>".to_owned()),
        Just("<url>".to_owned()),
        Just("</url>".to_owned()),
        Just("<sitemap>".to_owned()),
        Just("<loc>".to_owned()),
        Just("</loc>".to_owned()),
        Just("<news:news><news:title>".to_owned()),
        Just("<opml>".to_owned()),
        Just("<outline xmlUrl='".to_owned()),
        Just("'/>".to_owned()),
        Just("<link rel=canonical href=\"".to_owned()),
        Just("</head>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#x10FFFF;".to_owned()),
        Just("<![CDATA[".to_owned()),
        "[a-zé€:/?#=&<>\"' ]{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn parsers_never_panic(text in markup(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = sitemap::parse(text.as_bytes());
        let _ = sitemap::parse(&bytes);
        let _ = sitemap::looks_like_sitemap(&bytes);
        let _ = opml::parse(text.as_bytes());
        let _ = opml::parse(&bytes);
        let _ = urls::canonical_link(&text);
        let _ = urls::canonical_link(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn normalisation_is_idempotent(path in "[a-zA-Z0-9/._~%-]{0,30}", query in "[a-zA-Z0-9_=&%]{0,40}", fragment in "[a-z]{0,5}") {
        let raw = format!("HTTP://Example.ORG:80/{path}?{query}#{fragment}");
        if let Ok(once) = urls::parse(&raw) {
            let twice = urls::parse(once.as_str()).unwrap();
            prop_assert_eq!(once.as_str(), twice.as_str());
            prop_assert!(once.fragment().is_none());
            prop_assert!(!once.query_pairs().any(|(k, _)| k.to_ascii_lowercase().starts_with("utm_")));
        }
    }
}
