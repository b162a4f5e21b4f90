//! Reading ECB+ (Cybulska & Vossen 2014) documents as articles for the story evaluation:
//! tokenised CAT XML, one folder per topic, `*ecb.xml` and `*ecbplus.xml` files describing two
//! different events of the same kind (the gold stories).

use std::path::Path;

use crate::ecbplus::{self, File};

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
    /// A folder or file that cannot be read, or a document that is not CAT XML.
    #[error(transparent)]
    Read(#[from] ecbplus::Error),
    #[error("{0}: no ECB+ topic folders (expected ECB+/<topic>/<n>_<m>ecb.xml)")]
    Empty(String),
}

/// Every document under `dir` (the dataset folder holding `ECB+/`, or `ECB+/` itself), in
/// file-name order within topic order.
pub fn read_dir(dir: &Path) -> Result<Vec<EcbDocument>, EcbError> {
    let root = ecbplus::root(dir);
    let mut docs = Vec::new();
    for (topic, folder) in ecbplus::topics(&root)? {
        for file in ecbplus::documents(&folder)? {
            let gold = format!("{topic}/{}", file.sub.as_str());
            docs.push(document(file.read()?, gold));
        }
    }
    if docs.is_empty() {
        return Err(EcbError::Empty(root.display().to_string()));
    }
    Ok(docs)
}

/// Rebuilds one document from its tokens. ECB+ web documents start with the page URL and
/// the headline as their first two "sentences"; they become `url` and `headline`.
pub fn document(file: File, gold: String) -> EcbDocument {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut current = None;
    for token in file.tokens {
        let text = token.text.trim().to_string();
        match lines.last_mut() {
            Some(tokens) if current == Some(token.sentence) => {
                // The tokeniser splits decimals ("5 . 9"): a number is one value.
                let n = tokens.len();
                if n >= 2 && tokens[n - 1] == "." && digits(&tokens[n - 2]) && digits(&text) {
                    tokens.pop();
                    tokens[n - 2] = format!("{}.{text}", tokens[n - 2]);
                } else {
                    tokens.push(text);
                }
            }
            _ => lines.push(vec![text]),
        }
        current = Some(token.sentence);
    }
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
        name: file.name,
        gold,
        url,
        headline,
        text,
    }
}

fn digits(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
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
<token t_id="10" sentence="3" number="1">5</token>
<token t_id="11" sentence="3" number="2">.</token>
<token t_id="12" sentence="3" number="3">9</token>
<token t_id="13" sentence="3" number="4">.</token>
<token t_id="14" sentence="4" number="0">7</token>
</Document>"#;
        let parsed = ecbplus::parse("9_1ecbplus.xml", xml).unwrap();
        let d = document(parsed, "9/ecbplus".into());
        assert_eq!(d.name, "9_1ecbplus.xml");
        assert_eq!(d.url.as_deref(), Some("http://example.org/a"));
        assert_eq!(d.headline.as_deref(), Some("Bridge Closes"));
        // A split decimal is one number again; a full stop before a new sentence stays.
        assert_eq!(d.text, "The bridge &\nCars 5.9 .\n7");
        let parsed = ecbplus::parse("9_1ecb.xml", "<token sentence=\"0\">Hi\t</token>").unwrap();
        let plain = document(parsed, "9/ecb".into());
        assert_eq!((plain.headline, plain.text.as_str()), (None, "Hi"));
    }
}
