//! OPML 2.0 subscription lists: import (every outline with an `xmlUrl`, at any depth) and
//! export.

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

/// One subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub url: String,
    pub title: Option<String>,
}

/// Every outline with an `xmlUrl`, in document order. Folders (outlines without one) are
/// flattened.
pub fn parse(bytes: &[u8]) -> Result<Vec<Outline>, String> {
    let text = String::from_utf8_lossy(bytes);
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut outlines = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|err| format!("malformed OPML at byte {}: {err}", reader.error_position()))?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name().into_inner().to_ascii_lowercase();
        if !seen_root {
            if name != "opml" {
                return Err(format!("not OPML: the root element is <{name}>"));
            }
            seen_root = true;
        }
        if name != "outline" {
            continue;
        }
        let mut url = None;
        let mut title = None;
        let mut text_attr = None;
        for attribute in element.attributes().flatten() {
            let key = attribute.key.local_name().into_inner().to_ascii_lowercase();
            let Ok(value) = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
                continue;
            };
            let value = value.trim().to_owned();
            match key.as_str() {
                "xmlurl" => url = Some(value),
                "title" => title = Some(value),
                "text" => text_attr = Some(value),
                _ => {}
            }
        }
        if let Some(url) = url.filter(|u| !u.is_empty()) {
            outlines.push(Outline {
                url,
                title: title.or(text_attr).filter(|t| !t.is_empty()),
            });
        }
    }
    if !seen_root {
        return Err("not OPML: the file is empty".to_owned());
    }
    Ok(outlines)
}

/// An OPML 2.0 document listing `outlines` as RSS subscriptions.
pub fn write(title: &str, outlines: &[Outline]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head><title>{}</title></head>\n  <body>\n",
        escape(title)
    ));
    for outline in outlines {
        let text = outline.title.as_deref().unwrap_or(&outline.url);
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"/>\n",
            escape(text),
            escape(text),
            escape(outline.url.as_str())
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_are_flattened_and_round_trip() {
        let opml = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>Mine</title></head><body>
  <outline text="World">
    <outline text="A &amp; B News" type="rss" xmlUrl="https://a.example/rss?x=1&amp;y=2"/>
    <outline type="rss" xmlUrl="https://b.example/feed" title="B"></outline>
  </outline>
  <outline text="no url"/>
</body></opml>"#;
        let outlines = parse(opml.as_bytes()).unwrap();
        assert_eq!(
            outlines,
            vec![
                Outline {
                    url: "https://a.example/rss?x=1&y=2".into(),
                    title: Some("A & B News".into())
                },
                Outline {
                    url: "https://b.example/feed".into(),
                    title: Some("B".into())
                },
            ]
        );
        let written = write("storyline sources", &outlines);
        assert_eq!(parse(written.as_bytes()).unwrap(), outlines);
        assert!(parse(b"<rss/>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<opml><body><outline xmlUrl='x'></body></opml>").is_err());
    }
}
