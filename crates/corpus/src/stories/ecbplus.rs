//! Reading ECB+ (Cybulska & Vossen 2014) documents as articles for the story evaluation:
//! tokenised CAT XML, one folder per topic, `*ecb.xml` and `*ecbplus.xml` files describing two
//! different events of the same kind (the gold stories).

use std::path::{Path, PathBuf};

/// One ECB+ document, rebuilt as an article.
#[derive(Debug, Clone, PartialEq)]
pub struct EcbDocument {
    /// File name, e.g. `1_10ecbplus.xml`.
    pub name: String,
    /// Gold story: topic and sub-topic, e.g. `1/ecbplus`.
    pub gold: String,
    pub url: Option<String>,
    pub headline: Option<String>,
    /// Sentences, one per line, tokens separated by spaces.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EcbError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: no ECB+ topic folders (expected ECB+/<topic>/<n>_<m>ecb.xml)")]
    Empty(String),
}

/// Every document under `dir` (the dataset folder holding `ECB+/`, or `ECB+/` itself), in
/// file-name order within topic order.
pub fn read_dir(dir: &Path) -> Result<Vec<EcbDocument>, EcbError> {
    let root = if dir.join("ECB+").is_dir() {
        dir.join("ECB+")
    } else {
        dir.to_path_buf()
    };
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| EcbError::Io { path, source }
    };
    let mut topics: Vec<(u32, PathBuf)> = std::fs::read_dir(&root)
        .map_err(io(&root))?
        .flatten()
        .filter_map(|e| {
            let topic = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            e.path().is_dir().then(|| (topic, e.path()))
        })
        .collect();
    topics.sort();
    let mut docs = Vec::new();
    for (topic, path) in topics {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
            .map_err(io(&path))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        files.sort();
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let sub = if name.ends_with("ecbplus.xml") {
                "ecbplus"
            } else if name.ends_with("ecb.xml") {
                "ecb"
            } else {
                continue;
            };
            let xml = std::fs::read_to_string(&file).map_err(io(&file))?;
            docs.push(document(name, format!("{topic}/{sub}"), &xml));
        }
    }
    if docs.is_empty() {
        return Err(EcbError::Empty(root.display().to_string()));
    }
    Ok(docs)
}

/// Rebuilds one document from its tokens. ECB+ web documents start with the page URL and
/// the headline as their first two "sentences"; they become `url` and `headline`.
pub fn document(name: String, gold: String, xml: &str) -> EcbDocument {
    let mut sentences: Vec<(String, Vec<String>)> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<token ") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let attrs = &rest[..open_end];
        let Some(close) = rest.find("</token>") else {
            break;
        };
        let token = unescape(rest[open_end + 1..close].trim());
        rest = &rest[close + "</token>".len()..];
        let sentence = attribute(attrs, "sentence").unwrap_or_default().to_string();
        match sentences.last_mut() {
            Some((s, tokens)) if *s == sentence => tokens.push(token),
            _ => sentences.push((sentence, vec![token])),
        }
    }
    let mut lines: Vec<Vec<String>> = sentences.into_iter().map(|(_, t)| t).collect();
    let mut url = None;
    let mut headline = None;
    if lines
        .first()
        .and_then(|l| l.first())
        .is_some_and(|t| t.starts_with("http"))
    {
        url = Some(lines.remove(0).concat());
        if !lines.is_empty() {
            headline = Some(lines.remove(0).join(" "));
        }
    }
    let text = lines
        .iter()
        .map(|l| l.join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    EcbDocument {
        name,
        gold,
        url,
        headline,
        text,
    }
}

fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = attrs.find(&key)? + key.len();
    let end = attrs[start..].find('"')? + start;
    Some(&attrs[start..end])
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_headline_and_sentences() {
        let xml = r#"<Document doc_name="9_1ecbplus.xml">
<token t_id="1" sentence="0" number="0">http</token>
<token t_id="2" sentence="0" number="1">:</token>
<token t_id="3" sentence="0" number="2">//example.org/a</token>
<token t_id="4" sentence="1" number="0">Bridge</token>
<token t_id="5" sentence="1" number="1">Closes</token>
<token t_id="6" sentence="2" number="0">The</token>
<token t_id="7" sentence="2" number="1">bridge</token>
<token t_id="8" sentence="2" number="2">&amp;</token>
<token t_id="9" sentence="3" number="0">Cars</token>
</Document>"#;
        let d = document("9_1ecbplus.xml".into(), "9/ecbplus".into(), xml);
        assert_eq!(d.url.as_deref(), Some("http://example.org/a"));
        assert_eq!(d.headline.as_deref(), Some("Bridge Closes"));
        assert_eq!(d.text, "The bridge &\nCars");
        let plain = document(
            "9_1ecb.xml".into(),
            "9/ecb".into(),
            "<token sentence=\"0\">Hi</token>",
        );
        assert_eq!((plain.headline, plain.text.as_str()), (None, "Hi"));
    }
}
