//! URL normalisation, so one article reached through different links is fetched once.
//!
//! Feeds and sitemaps decorate links with campaign parameters and fragments; pages name their
//! own preferred address in `<link rel="canonical">`. The normalised form is what the store
//! remembers.

use url::Url;

/// Query parameters that only track the reader, never select content. Matched
/// case-insensitively; `utm_*` is matched as a prefix.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "smid",
    "sr_share",
    "at_medium",
    "at_campaign",
    "ito",
    "__twitter_impression",
];

/// Parses an absolute http(s) URL and normalises it.
pub fn parse(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|err| format!("{raw}: not a URL ({err})"))?;
    check_scheme(&url)?;
    Ok(normalise(url))
}

/// Resolves a possibly relative link against `base` and normalises it.
pub fn resolve(base: &Url, link: &str) -> Result<Url, String> {
    let url = base
        .join(link.trim())
        .map_err(|err| format!("{link}: not a URL ({err})"))?;
    check_scheme(&url)?;
    Ok(normalise(url))
}

fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(()),
        _ => Err(format!("{url}: only http and https URLs can be fetched")),
    }
}

/// Drops the fragment and tracking parameters. The `url` crate already lower-cases scheme
/// and host, removes default ports and resolves dot segments. The remaining parameters keep
/// their order: some sites select content by it.
pub fn normalise(mut url: Url) -> Url {
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| !is_tracking(key))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url
}

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING.contains(&key.as_str())
}

/// The politeness key of a URL: host and port, so every origin gets its own turn.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    }
}

/// The `href` of the page's `<link rel="canonical">`, found by a light scan of the markup
/// before `</head>` (the full parse happens later, in extraction).
pub fn canonical_link(html: &str) -> Option<String> {
    let head_end = find_ci(html, "</head").unwrap_or_else(|| {
        // Without a `</head>`, look no further than a page's usual head.
        let mut limit = html.len().min(256 * 1024);
        while !html.is_char_boundary(limit) {
            limit -= 1;
        }
        limit
    });
    let head = &html[..head_end];
    let mut at = 0;
    while let Some(start) = find_ci(&head[at..], "<link") {
        let tag_start = at + start;
        let tag_end = head[tag_start..].find('>').map(|e| tag_start + e)?;
        let tag = &head[tag_start + 5..tag_end];
        let rel = attribute(tag, "rel");
        if rel.is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("canonical"))
        }) && let Some(href) = attribute(tag, "href").filter(|h| !h.is_empty())
        {
            return Some(decode_entities(href));
        }
        at = tag_end;
    }
    None
}

/// The value of attribute `name` in the inside of a start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let this = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            value
        } else {
            ""
        };
        if this.eq_ignore_ascii_case(name) {
            return Some(value.trim());
        }
    }
}

fn decode_entities(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_and_fragments_go_content_parameters_stay() {
        let url = parse(
            "HTTPS://Example.ORG:443/news/a?id=7&utm_source=rss&UTM_Medium=x&fbclid=1&page=2#top",
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://example.org/news/a?id=7&page=2");
        let url = parse("http://example.org/a/../b?utm_campaign=z").unwrap();
        assert_eq!(url.as_str(), "http://example.org/b");
        assert!(parse("ftp://example.org/x").is_err());
        assert!(parse("not a url").is_err());
    }

    #[test]
    fn relative_links_resolve() {
        let base = parse("https://example.org/feeds/rss.xml").unwrap();
        assert_eq!(
            resolve(&base, "/2025/03/story.html?utm_source=feed")
                .unwrap()
                .as_str(),
            "https://example.org/2025/03/story.html"
        );
    }

    #[test]
    fn host_keys_include_the_port() {
        assert_eq!(
            host_key(&parse("https://a.example/x").unwrap()),
            "a.example:443"
        );
        assert_eq!(
            host_key(&parse("http://127.0.0.1:8080/").unwrap()),
            "127.0.0.1:8080"
        );
    }

    #[test]
    fn canonical_link_is_found_in_the_head_only() {
        let page = r#"<html><HEAD><link rel="stylesheet" href="/s.css"><LINK REL='Canonical' HREF='https://example.org/a?x=1&amp;y=2'></head><body><link rel="canonical" href="/wrong"></body>"#;
        assert_eq!(
            canonical_link(page).as_deref(),
            Some("https://example.org/a?x=1&y=2")
        );
        let page =
            "<html><head><title>x</title></head><body><link rel=canonical href=/wrong></body>";
        assert_eq!(canonical_link(page), None);
        assert_eq!(
            canonical_link("<link rel=canonical href=/a>"),
            Some("/a".into())
        );
        assert_eq!(canonical_link("<link rel=\"canonical\" href=\""), None);
    }
}
