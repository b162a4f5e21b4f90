//! Reading ECB+ (Cybulska & Vossen 2014): the one reader behind the story evaluation
//! ([`crate::stories::ecbplus`]) and the entity coreference evaluation
//! ([`crate::entities::ecbplus`]).
//!
//! The corpus is tokenised CAT XML, one folder per topic (`ECB+/<topic>/`), two sub-topics per
//! topic (`<topic>_<n>ecb.xml` and `<topic>_<n>ecbplus.xml`, two different events of the same
//! kind). A document holds its tokens (`<token t_id sentence number>`), then its markables
//! (`<HUMAN_PART_PER m_id>` with `<token_anchor t_id/>` children; self-closing markables are
//! cross-document instances and carry no tokens), then its coreference relations
//! (`<CROSS_DOC_COREF r_id note>` and `<INTRA_DOC_COREF r_id>` with `<source m_id/>` and
//! `<target m_id/>` children).
//!
//! The reader is a small hand-written scanner for this one format, not a general XML parser:
//! tags, attributes (`name="value"` or `name='value'`) and the five predefined entities. Input
//! it cannot read (an unclosed tag, a token without `</token>`, an unclosed markable or
//! relation) is an error naming the file and line, never a panic.

use std::path::{Path, PathBuf};

use hashbrown::HashMap;

/// One token, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// `t_id`, the id markables anchor to (absent only in hand-made input).
    pub id: Option<String>,
    /// The `sentence` number, 0 when absent or not a number.
    pub sentence: u32,
    /// The text between the tags, unescaped and not trimmed (ECB+ has tokens of white space
    /// and tokens with trailing tabs).
    pub text: String,
}

/// One anchored markable: a mention of an entity, action, time, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markable {
    /// `m_id`.
    pub id: String,
    /// The tag: HUMAN_PART_PER, LOC_GEO, ACTION_OCCURRENCE, …
    pub kind: String,
    /// Indices into [`File::tokens`], in anchor order (not necessarily sorted).
    pub tokens: Vec<usize>,
}

/// One coreference relation: its sources are mentions of one referent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// A `CROSS_DOC_COREF` (else `INTRA_DOC_COREF`).
    pub cross: bool,
    /// `r_id`.
    pub id: Option<String>,
    /// `note`: the instance id of a cross-document chain, shared across documents.
    pub note: Option<String>,
    /// Source markable ids.
    pub sources: Vec<String>,
    /// Target markable ids (the instance markables).
    pub targets: Vec<String>,
}

/// One parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// File name, e.g. `1_10ecbplus.xml`.
    pub name: String,
    pub tokens: Vec<Token>,
    /// In annotation order.
    pub markables: Vec<Markable>,
    /// In file order.
    pub relations: Vec<Relation>,
}

impl File {
    /// Each coreferent markable id → its gold chain: the `note` instance id of a
    /// cross-document chain, else `intra:<file>:<r_id>` of a within-document one. A markable
    /// in both kinds of chain takes the cross-document one; in two within-document chains,
    /// the first. Markables in no chain are absent.
    pub fn chains(&self) -> HashMap<String, String> {
        let mut gold: HashMap<String, String> = HashMap::new();
        for r in &self.relations {
            let (id, cross) = match (&r.note, r.cross) {
                (Some(note), true) => (note.clone(), true),
                _ => (
                    format!("intra:{}:{}", self.name, r.id.as_deref().unwrap_or("")),
                    false,
                ),
            };
            for s in &r.sources {
                if cross || !gold.contains_key(s) {
                    gold.insert(s.clone(), id.clone());
                }
            }
        }
        gold
    }
}

/// Which of a topic's two events a document reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubTopic {
    /// `*ecb.xml`: the original ECB documents.
    Ecb,
    /// `*ecbplus.xml`: the documents added by ECB+.
    EcbPlus,
}

impl SubTopic {
    pub fn as_str(self) -> &'static str {
        match self {
            SubTopic::Ecb => "ecb",
            SubTopic::EcbPlus => "ecbplus",
        }
    }
}

/// One document file of a topic folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub path: PathBuf,
    /// File name, e.g. `1_10ecbplus.xml`.
    pub name: String,
    pub sub: SubTopic,
}

impl DocumentFile {
    /// The name without the topic and `.xml`, as the sentence list writes it: `10ecbplus`.
    pub fn stem(&self) -> Option<&str> {
        self.name
            .strip_suffix(".xml")
            .and_then(|s| s.split_once('_'))
            .map(|(_, s)| s)
    }

    /// Reads and parses the file.
    pub fn read(&self) -> Result<File, Error> {
        read_file(&self.path)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not ECB+ CAT XML: {error}")]
    Xml { path: String, error: XmlError },
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |source| Error::Io { path, source }
}

/// The `ECB+/` folder: `dir/ECB+` when there is one, else `dir` itself.
pub fn root(dir: &Path) -> PathBuf {
    if dir.join("ECB+").is_dir() {
        dir.join("ECB+")
    } else {
        dir.to_path_buf()
    }
}

/// The topic folders under `root` (folders named by a number), in topic order.
pub fn topics(root: &Path) -> Result<Vec<(u32, PathBuf)>, Error> {
    let mut topics: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(io_error(root))?
        .flatten()
        .filter_map(|e| {
            let topic = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            e.path().is_dir().then(|| (topic, e.path()))
        })
        .collect();
    topics.sort();
    Ok(topics)
}

/// The documents of one topic folder (`*ecb.xml` and `*ecbplus.xml`), in path order.
pub fn documents(folder: &Path) -> Result<Vec<DocumentFile>, Error> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(io_error(folder))?
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let sub = if name.ends_with("ecbplus.xml") {
                SubTopic::EcbPlus
            } else if name.ends_with("ecb.xml") {
                SubTopic::Ecb
            } else {
                return None;
            };
            Some(DocumentFile { path, name, sub })
        })
        .collect())
}

/// Reads and parses one document; errors name the file.
pub fn read_file(path: &Path) -> Result<File, Error> {
    let xml = std::fs::read_to_string(path).map_err(io_error(path))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse(&name, &xml).map_err(|error| Error::Xml {
        path: path.display().to_string(),
        error,
    })
}

/// Parses one CAT XML document named `name`.
pub fn parse(name: &str, xml: &str) -> Result<File, XmlError> {
    let error = |at: usize, message: String| XmlError {
        line: xml[..at].matches('\n').count() + 1,
        message,
    };
    let mut file = File {
        name: name.to_string(),
        tokens: Vec::new(),
        markables: Vec::new(),
        relations: Vec::new(),
    };
    let mut t_index: HashMap<String, usize> = HashMap::new();
    // The markable and relation being read, with where they opened.
    let mut open: Option<(usize, Markable)> = None;
    let mut relation: Option<(usize, Relation)> = None;
    let mut pos = 0;
    while let Some(lt) = xml[pos..].find('<').map(|i| pos + i) {
        let Some(gt) = xml[lt..].find('>').map(|i| lt + i) else {
            return Err(error(lt, "a tag is not closed by '>'".into()));
        };
        let tag = &xml[lt + 1..gt];
        pos = gt + 1;
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        let (tag_name, attrs) = body
            .split_once(|c: char| c.is_ascii_whitespace())
            .unwrap_or((body, ""));
        let attr = |key: &str| attribute(attrs, key);
        match tag_name {
            "token" if !closing => {
                if self_closing {
                    return Err(error(lt, "a token without text".into()));
                }
                let end = xml[pos..].find('<').map_or(xml.len(), |i| pos + i);
                if !xml[end..].starts_with("</token>") {
                    return Err(error(lt, "a token not closed by </token>".into()));
                }
                let id = attr("t_id");
                if let Some(id) = &id {
                    t_index.insert(id.clone(), file.tokens.len());
                }
                file.tokens.push(Token {
                    id,
                    sentence: attr("sentence").and_then(|s| s.parse().ok()).unwrap_or(0),
                    text: unescape(&xml[pos..end]),
                });
                pos = end + "</token>".len();
            }
            "token_anchor" => {
                if let (Some((_, m)), Some(t)) = (open.as_mut(), attr("t_id"))
                    && let Some(&i) = t_index.get(&t)
                {
                    m.tokens.push(i);
                }
            }
            "CROSS_DOC_COREF" | "INTRA_DOC_COREF" if !closing => {
                if let Some((at, _)) = &relation {
                    return Err(error(*at, format!("<{tag_name}> inside an open relation")));
                }
                let r = Relation {
                    cross: tag_name == "CROSS_DOC_COREF",
                    id: attr("r_id"),
                    note: attr("note"),
                    sources: Vec::new(),
                    targets: Vec::new(),
                };
                if self_closing {
                    file.relations.push(r);
                } else {
                    relation = Some((lt, r));
                }
            }
            "CROSS_DOC_COREF" | "INTRA_DOC_COREF" => {
                if let Some((_, r)) = relation.take() {
                    file.relations.push(r);
                }
            }
            "source" | "target" => {
                if let (Some((_, r)), Some(m)) = (relation.as_mut(), attr("m_id")) {
                    if tag_name == "source" {
                        r.sources.push(m);
                    } else {
                        r.targets.push(m);
                    }
                }
            }
            kind if closing => {
                if open.as_ref().is_some_and(|(_, m)| m.kind == kind)
                    && let Some((_, m)) = open.take()
                {
                    file.markables.push(m);
                }
            }
            kind if !self_closing && !kind.starts_with(['?', '!']) => {
                if let Some(id) = attr("m_id") {
                    if let Some((at, m)) = &open {
                        return Err(error(*at, format!("<{}> is not closed", m.kind)));
                    }
                    let m = Markable {
                        id,
                        kind: kind.to_string(),
                        tokens: Vec::new(),
                    };
                    open = Some((lt, m));
                }
            }
            _ => {}
        }
    }
    if let Some((at, m)) = open {
        return Err(error(at, format!("<{}> is not closed", m.kind)));
    }
    if let Some((at, _)) = relation {
        return Err(error(at, "a relation is not closed".into()));
    }
    Ok(file)
}

/// The unescaped value of attribute `key` in `attrs` (`a="1" b='2'`).
fn attribute(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let eq = rest.find('=')?;
        let name = rest[..eq].trim();
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let end = value[1..].find(quote)? + 1;
        if name == key {
            return Some(unescape(&value[1..end]));
        }
        rest = &value[end + 1..];
    }
}

/// Replaces the five predefined XML entities.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document doc_name="3_2ecb.xml" doc_id="DOC1">
<token t_id="1" sentence="0" number="0">Ann</token>
<token t_id="2" sentence="0" number="1">Lee</token>
<token t_id="3" sentence="0" number="2">left</token>
<token t_id="4" sentence="1" number="0">She</token>
<token t_id="5" sentence="1" number="1">said</token>
<token t_id="6" sentence="1" number="2">&quot;bye&quot;	</token>
<Markables>
<HUMAN_PART_PER m_id="10" >
  <token_anchor t_id="2"/>
  <token_anchor t_id="1"/>
</HUMAN_PART_PER>
<ACTION_OCCURRENCE m_id="11"  >
  <token_anchor t_id="3"/>
</ACTION_OCCURRENCE>
<HUMAN_PART_PER m_id='12'>
  <token_anchor t_id="4"/>
</HUMAN_PART_PER>
<HUMAN_PART_PER m_id="13" RELATED_TO="" TAG_DESCRIPTOR="Ann &amp; co"/>
</Markables>
<Relations>
<INTRA_DOC_COREF r_id="20" >
  <source m_id="12" />
  <target m_id="10" />
</INTRA_DOC_COREF>
<CROSS_DOC_COREF r_id="21" note="HUM123" >
  <source m_id="10" />
  <target m_id="13" />
</CROSS_DOC_COREF>
<INTRA_DOC_COREF r_id="22" >
  <source m_id="10" />
</INTRA_DOC_COREF>
</Relations>
</Document>
"#;

    #[test]
    fn tokens_markables_and_chains() {
        let f = parse("3_2ecb.xml", DOC).unwrap();
        let texts: Vec<&str> = f.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["Ann", "Lee", "left", "She", "said", "\"bye\"\t"]);
        let sentences: Vec<u32> = f.tokens.iter().map(|t| t.sentence).collect();
        assert_eq!(sentences, [0, 0, 0, 1, 1, 1]);
        assert_eq!(f.tokens[0].id.as_deref(), Some("1"));
        // Anchored markables only, in annotation order, anchors as written.
        let marks: Vec<(&str, &str, &[usize])> = f
            .markables
            .iter()
            .map(|m| (m.id.as_str(), m.kind.as_str(), m.tokens.as_slice()))
            .collect();
        assert_eq!(
            marks,
            [
                ("10", "HUMAN_PART_PER", &[1, 0][..]),
                ("11", "ACTION_OCCURRENCE", &[2][..]),
                ("12", "HUMAN_PART_PER", &[3][..]),
            ]
        );
        assert_eq!(f.relations.len(), 3);
        assert_eq!(f.relations[1].targets, ["13"]);
        // Cross-document chains win; the first within-document chain otherwise.
        let chains = f.chains();
        assert_eq!(chains["10"], "HUM123");
        assert_eq!(chains["12"], "intra:3_2ecb.xml:20");
        assert!(!chains.contains_key("11"));
    }

    #[test]
    fn bad_xml_is_an_error_with_its_line() {
        let cut = &DOC[..DOC.find("left").unwrap()];
        let e = parse("x.xml", cut).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        let e = parse("x.xml", "<token t_id=\"1\">a</token>\n<token").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("'>'"), "{e}");
        let open = DOC.replace("</ACTION_OCCURRENCE>", "");
        let e = parse("x.xml", &open).unwrap_err();
        assert!(e.message.contains("ACTION_OCCURRENCE"), "{e}");
        let e = parse("x.xml", "<CROSS_DOC_COREF r_id=\"1\"><source m_id=\"1\"/>").unwrap_err();
        assert!(e.message.contains("relation"), "{e}");
    }

    #[test]
    fn files_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("storyline-ecb-{}", std::process::id()));
        let topic = dir.join("ECB+").join("3");
        std::fs::create_dir_all(&topic).unwrap();
        std::fs::write(topic.join("3_2ecb.xml"), DOC).unwrap();
        std::fs::write(topic.join("3_2ecbplus.xml"), "<token t_id=\"1\">a").unwrap();
        std::fs::write(topic.join("notes.txt"), "").unwrap();
        let root = root(&dir);
        let topics = topics(&root).unwrap();
        assert_eq!(topics, [(3, topic.clone())]);
        let docs = documents(&topic).unwrap();
        let names: Vec<(&str, SubTopic, Option<&str>)> = docs
            .iter()
            .map(|d| (d.name.as_str(), d.sub, d.stem()))
            .collect();
        assert_eq!(
            names,
            [
                ("3_2ecb.xml", SubTopic::Ecb, Some("2ecb")),
                ("3_2ecbplus.xml", SubTopic::EcbPlus, Some("2ecbplus")),
            ]
        );
        assert_eq!(docs[0].read().unwrap().tokens.len(), 6);
        let e = docs[1].read().unwrap_err().to_string();
        assert!(e.contains("3_2ecbplus.xml") && e.contains("line 1"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
