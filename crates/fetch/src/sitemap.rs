//! Sitemaps (sitemaps.org), Google News sitemaps (`<news:news>`) and sitemap indexes.
//!
//! Namespaces are matched by local name only: real sitemaps get their prefixes and namespace
//! URIs wrong often enough that strictness would lose articles.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The sitemaps.org limit on entries per file; anything beyond is ignored.
pub const MAX_ENTRIES: usize = 50_000;

/// A parsed sitemap document.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// A `<urlset>`: pages.
    Urls(Vec<UrlEntry>),
    /// A `<sitemapindex>`: more sitemaps.
    Index(Vec<IndexEntry>),
}

/// One `<url>` of a urlset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlEntry {
    pub loc: String,
    pub lastmod: Option<String>,
    /// Present in news sitemaps.
    pub news: Option<News>,
}

/// The `<news:news>` block of a news sitemap entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct News {
    pub title: Option<String>,
    pub publication_date: Option<String>,
    /// `<news:publication><news:name>`: the outlet.
    pub publication_name: Option<String>,
    pub language: Option<String>,
}

/// One `<sitemap>` of an index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// Whether a document (its first bytes) is a sitemap or sitemap index rather than a feed or
/// a page.
pub fn looks_like_sitemap(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
    let root = |name: &str| {
        head.match_indices('<').any(|(i, _)| {
            let tag = &head[i + 1..];
            // Allow a namespace prefix: <sm:urlset>.
            let local = tag
                .split([' ', '>', '\n', '\r', '\t', '/'])
                .next()
                .unwrap_or("")
                .rsplit(':')
                .next()
                .unwrap_or("");
            local == name
        })
    };
    root("urlset") || root("sitemapindex")
}

/// Parses a sitemap, news sitemap or sitemap index (UTF-8, as the protocol requires; a BOM
/// is skipped).
pub fn parse(bytes: &[u8]) -> Result<Sitemap, String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut urls: Vec<UrlEntry> = Vec::new();
    let mut index: Vec<IndexEntry> = Vec::new();
    let mut url = UrlEntry::default();
    let mut news: Option<News> = None;
    let mut text_buf = String::new();
    loop {
        let event = reader.read_event().map_err(|err| {
            format!(
                "malformed sitemap at byte {}: {err}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().into_inner().to_ascii_lowercase();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(format!("not a sitemap: the root element is <{name}>"));
                    }
                    root = Some(name.clone());
                }
                match name.as_str() {
                    "url" | "sitemap" => url = UrlEntry::default(),
                    "news" => news = Some(News::default()),
                    _ => {}
                }
                text_buf.clear();
                stack.push(name);
            }
            Event::Empty(e) if root.is_none() => {
                let name = e.local_name().into_inner().to_ascii_lowercase();
                return match name.as_str() {
                    "urlset" => Ok(Sitemap::Urls(Vec::new())),
                    "sitemapindex" => Ok(Sitemap::Index(Vec::new())),
                    _ => Err(format!("not a sitemap: the root element is <{name}>")),
                };
            }
            Event::Text(e) => text_buf.push_str(&e.xml10_content()),
            Event::CData(e) => text_buf.push_str(&e.into_inner()),
            Event::GeneralRef(e) => {
                if let Ok(Some(c)) = e.resolve_char_ref() {
                    text_buf.push(c);
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&e.into_inner())
                {
                    text_buf.push_str(s);
                }
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else { break };
                let parent = stack.last().map(String::as_str);
                let value = text_buf.trim().to_owned();
                text_buf.clear();
                let value = (!value.is_empty()).then_some(value);
                match (parent, name.as_str()) {
                    (Some("url" | "sitemap"), "loc") => url.loc = value.unwrap_or_default(),
                    (Some("url" | "sitemap"), "lastmod") => url.lastmod = value,
                    (Some("news"), "title") => {
                        news.get_or_insert_default().title = value;
                    }
                    (Some("news"), "publication_date") => {
                        news.get_or_insert_default().publication_date = value;
                    }
                    (Some("publication"), "name") => {
                        news.get_or_insert_default().publication_name = value;
                    }
                    (Some("publication"), "language") => {
                        news.get_or_insert_default().language = value;
                    }
                    (Some("url"), "news") => url.news = news.take(),
                    (Some(_), "url") if !url.loc.is_empty() && urls.len() < MAX_ENTRIES => {
                        urls.push(std::mem::take(&mut url));
                    }
                    (Some(_), "sitemap") if !url.loc.is_empty() && index.len() < MAX_ENTRIES => {
                        let entry = std::mem::take(&mut url);
                        index.push(IndexEntry {
                            loc: entry.loc,
                            lastmod: entry.lastmod,
                        });
                    }
                    _ => {}
                }
                if stack.is_empty() {
                    break;
                }
            }
            Event::Eof => {
                if root.is_none() {
                    return Err("not a sitemap: no <urlset> or <sitemapindex>".to_owned());
                }
                // A truncated file still gives the entries read so far.
                break;
            }
            _ => {}
        }
    }
    Ok(match root.as_deref() {
        Some("sitemapindex") => Sitemap::Index(index),
        _ => Sitemap::Urls(urls),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_sitemap_entries_carry_their_metadata() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://example.org/a?x=1&amp;y=2</loc>
    <news:news>
      <news:publication><news:name>Example Times</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-03-17T10:00:00Z</news:publication_date>
      <news:title><![CDATA[Talks & truce]]></news:title>
    </news:news>
  </url>
  <url><loc> https://example.org/b </loc><lastmod>2025-03-18</lastmod></url>
  <url><lastmod>2025-03-18</lastmod></url>
</urlset>"#;
        let Sitemap::Urls(urls) = parse(xml.as_bytes()).unwrap() else {
            panic!("expected a urlset")
        };
        assert_eq!(urls.len(), 2, "the entry without <loc> is dropped");
        assert_eq!(urls[0].loc, "https://example.org/a?x=1&y=2");
        let news = urls[0].news.as_ref().unwrap();
        assert_eq!(news.title.as_deref(), Some("Talks & truce"));
        assert_eq!(news.publication_name.as_deref(), Some("Example Times"));
        assert_eq!(news.language.as_deref(), Some("en"));
        assert_eq!(
            news.publication_date.as_deref(),
            Some("2025-03-17T10:00:00Z")
        );
        assert_eq!(urls[1].loc, "https://example.org/b");
        assert_eq!(urls[1].lastmod.as_deref(), Some("2025-03-18"));
        assert!(urls[1].news.is_none());
        assert!(looks_like_sitemap(xml.as_bytes()));
    }

    #[test]
    fn indexes_and_non_sitemaps() {
        let xml = "<sitemapindex><sitemap><loc>https://e.org/s1.xml</loc><lastmod>2025-01-01</lastmod></sitemap><sitemap><loc>https://e.org/s2.xml</loc></sitemap></sitemapindex>";
        assert_eq!(
            parse(xml.as_bytes()).unwrap(),
            Sitemap::Index(vec![
                IndexEntry {
                    loc: "https://e.org/s1.xml".into(),
                    lastmod: Some("2025-01-01".into())
                },
                IndexEntry {
                    loc: "https://e.org/s2.xml".into(),
                    lastmod: None
                },
            ])
        );
        assert!(looks_like_sitemap(xml.as_bytes()));
        assert!(!looks_like_sitemap(
            b"<rss><channel><title>urlset</title></channel></rss>"
        ));
        assert!(
            parse(b"<rss><channel/></rss>")
                .unwrap_err()
                .contains("<rss>")
        );
        assert!(parse(b"<urlset><url><loc>x</loc></urlset>").is_err());
        assert_eq!(parse(b"<urlset/>").unwrap(), Sitemap::Urls(vec![]));
    }
}
