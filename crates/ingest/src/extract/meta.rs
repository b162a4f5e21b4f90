//! Page metadata, each field from the most specific source that has it: JSON-LD first (the
//! publisher's own structured data), then OpenGraph / article / Dublin Core meta tags, then
//! markup (`<time>`, `rel=author`, visible date elements), then the URL, and for the
//! publication date the text's dateline as the last resort.

use std::sync::LazyLock;

use dom_query::{Attr as Attribute, Document, NodeRef};
use regex::Regex;
use serde_json::Value;

use super::walk::{Walk, walk_elements};
use crate::dates;

/// Metadata of one page. Dates are ISO 8601 (see [`dates::normalise`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PageMeta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub site_name: Option<String>,
    /// The canonical URL, else the URL the page was fetched from.
    pub url: Option<String>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
}

/// Everything but the parts that need the extracted text (see [`finish`]).
pub fn page_meta(document: &Document, url: Option<&str>) -> PageMeta {
    let landmarks = Landmarks::find(document);
    let ld = LinkedData::read(&landmarks.json_ld);
    let metas = MetaTags::read(&landmarks.metas);
    let site_name = metas
        .get(&["og:site_name", "application-name", "twitter:site"])
        .map(|s| s.trim_start_matches('@').to_owned())
        .or(ld.publisher.clone());
    let title = ld
        .headline
        .clone()
        .or_else(|| metas.get(&["og:title", "twitter:title", "dc.title", "headline"]))
        .or_else(|| landmarks.h1.and_then(|node| text_of(&node)))
        .or_else(|| landmarks.title.and_then(|node| text_of(&node)))
        .map(|t| strip_site_suffix(&t, site_name.as_deref()));

    let canonical = landmarks
        .canonical
        .and_then(|l| l.attr("href"))
        .map(|h| h.trim().to_owned())
        .and_then(|h| absolute(&h, url))
        .or_else(|| metas.get(&["og:url"]).and_then(|h| absolute(&h, url)))
        .or(ld.url.clone())
        .or_else(|| url.map(str::to_owned));

    let published = ld
        .published
        .as_deref()
        .and_then(normalise_date)
        .or_else(|| {
            metas
                .all(PUBLISHED_KEYS)
                .find_map(|value| normalise_date(&value))
        })
        .or_else(|| canonical.as_deref().and_then(url_date))
        .or_else(|| url.and_then(url_date))
        .or_else(|| time_element(&landmarks.times))
        .or_else(|| date_near_headline(document))
        .or_else(|| visible_date(document));
    let modified = ld.modified.as_deref().and_then(normalise_date).or_else(|| {
        metas
            .all(&[
                "article:modified_time",
                "og:updated_time",
                "dateModified",
                "last-modified",
                "dc.date.modified",
                "dcterms.modified",
            ])
            .find_map(|value| normalise_date(&value))
    });

    let mut authors = ld.authors.clone();
    if authors.is_empty() {
        authors = metas
            .all(&[
                "author",
                "article:author",
                "byl",
                "dc.creator",
                "parsely-author",
            ])
            .filter(|a| !a.starts_with("http"))
            .flat_map(|a| split_names(&a))
            .collect();
    }
    if authors.is_empty() {
        authors = markup_authors(document);
    }
    dedup(&mut authors);

    let language = landmarks
        .lang
        .and_then(|h| h.attr("lang"))
        .and_then(|l| language_code(&l))
        .or_else(|| {
            metas
                .get(&["content-language", "og:locale", "language", "dc.language"])
                .and_then(|l| language_code(&l))
        })
        .or_else(|| ld.language.as_deref().and_then(language_code));

    let section = ld
        .section
        .clone()
        .or_else(|| metas.get(&["article:section", "section", "parsely-section"]));

    let mut tags: Vec<String> = metas
        .all(&["article:tag"])
        .chain(
            metas
                .all(&["keywords", "news_keywords", "parsely-tags"])
                .flat_map(|k| {
                    k.split([',', ';'])
                        .map(|t| t.trim().to_owned())
                        .collect::<Vec<_>>()
                }),
        )
        .collect();
    if tags.is_empty() {
        tags = ld.keywords.clone();
    }
    tags.retain(|t| !t.is_empty() && t.chars().count() <= 60);
    dedup(&mut tags);

    PageMeta {
        title,
        authors,
        published,
        modified,
        site_name,
        url: canonical,
        language,
        section,
        tags,
    }
}

/// Fills what only the text can tell: the dateline date when the page had no other date,
/// and the language when the page declared none.
pub fn finish(meta: &mut PageMeta, text: &str) {
    if meta.published.is_none() {
        let head: String = text.chars().take(300).collect();
        meta.published = date_in_text(&head);
    }
    if meta.language.is_none() {
        meta.language = crate::lang::detect(text);
    }
}

const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "article_date_original",
];

/// The elements [`page_meta`] always reads, found in one walk over the page: a CSS select
/// for each was most of this module's time.
#[derive(Default)]
struct Landmarks<'a> {
    /// `script[type=application/ld+json]`
    json_ld: Vec<NodeRef<'a>>,
    /// `meta[content]`
    metas: Vec<NodeRef<'a>>,
    /// The first `link[rel=canonical][href]`.
    canonical: Option<NodeRef<'a>>,
    /// The first `html[lang]`.
    lang: Option<NodeRef<'a>>,
    h1: Option<NodeRef<'a>>,
    title: Option<NodeRef<'a>>,
    /// `time[datetime]`
    times: Vec<NodeRef<'a>>,
}

impl<'a> Landmarks<'a> {
    fn find(document: &'a Document) -> Self {
        let mut found = Landmarks::default();
        walk_elements(document.root(), |node, name, attrs| {
            let has = |attr: &str| attrs.iter().any(|a| &*a.name.local == attr);
            let is = |attr: &str, value: &str| {
                attrs
                    .iter()
                    .any(|a| &*a.name.local == attr && a.value.eq_ignore_ascii_case(value))
            };
            match name {
                "script" if is("type", "application/ld+json") => found.json_ld.push(node),
                "meta" if has("content") => found.metas.push(node),
                "link" if found.canonical.is_none() && is("rel", "canonical") && has("href") => {
                    found.canonical = Some(node)
                }
                "html" if found.lang.is_none() && has("lang") => found.lang = Some(node),
                "h1" if found.h1.is_none() => found.h1 = Some(node),
                "title" if found.title.is_none() => found.title = Some(node),
                "time" if has("datetime") => found.times.push(node),
                _ => {}
            }
            Walk::Into
        });
        found
    }
}

/// `<meta>` tags by name, property or itemprop (lower-cased), in page order.
struct MetaTags {
    pairs: Vec<(String, String)>,
}

impl MetaTags {
    fn read(nodes: &[NodeRef<'_>]) -> MetaTags {
        let mut pairs = Vec::new();
        for node in nodes {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            for attr in ["property", "name", "itemprop", "http-equiv"] {
                if let Some(key) = node.attr(attr) {
                    pairs.push((key.trim().to_ascii_lowercase(), content.to_owned()));
                }
            }
        }
        MetaTags { pairs }
    }

    /// Values of the first key (in `keys` order) that has any, then of the next keys.
    fn all<'a>(&'a self, keys: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
        keys.iter().flat_map(move |key| {
            self.pairs
                .iter()
                .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.clone())
        })
    }

    fn get(&self, keys: &[&str]) -> Option<String> {
        self.all(keys).next()
    }
}

fn text_of(node: &NodeRef<'_>) -> Option<String> {
    Some(collapse(&node.text())).filter(|t| !t.is_empty())
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Council backs plan | The Valley Courier" -> "Council backs plan".
pub fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let title = collapse(title);
    for separator in [" | ", " - ", " — ", " – ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            let is_site = site.is_some_and(|s| tail.trim().eq_ignore_ascii_case(s.trim()))
                || tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3;
            if is_site {
                return head.trim().to_owned();
            }
        }
    }
    title
}

fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_owned());
    }
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |p| scheme_end + p);
    if let Some(path) = href.strip_prefix("//") {
        return Some(format!("{}{path}", &base[..scheme_end]));
    }
    href.starts_with('/')
        .then(|| format!("{}{href}", &base[..host_end]))
}

/// A date from metadata: the full normalisation, else a leading `YYYY-MM-DD`.
fn normalise_date(raw: &str) -> Option<String> {
    static LEADING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(\d{4})-(\d{2})-(\d{2})").expect("valid regex"));
    dates::normalise(raw)
        .or_else(|| LEADING.captures(raw).and_then(|c| ymd(&c[1], &c[2], &c[3])))
        .or_else(|| date_in_text(raw))
}

fn ymd(year: &str, month: &str, day: &str) -> Option<String> {
    let date = chrono::NaiveDate::from_ymd_opt(
        year.parse().ok()?,
        month.parse().ok()?,
        day.parse().ok()?,
    )?;
    dates::normalise(&date.format("%Y-%m-%d").to_string())
}

/// `<time datetime>`, preferring one marked as the publication time.
fn time_element(nodes: &[NodeRef<'_>]) -> Option<String> {
    let marked = nodes.iter().find(|t| {
        let marks = format!(
            "{} {} {}",
            t.attr("itemprop").unwrap_or_default(),
            t.attr("class").unwrap_or_default(),
            t.attr("pubdate").map(|_| "pubdate").unwrap_or_default()
        )
        .to_ascii_lowercase();
        marks.contains("datepublished") || marks.contains("pub") || marks.contains("publish")
    });
    marked
        .into_iter()
        .chain(nodes.iter())
        .find_map(|t| t.attr("datetime").and_then(|d| normalise_date(&d)))
}

/// A short visible element whose class or id says it holds the date ("post-date",
/// "published", "entry-meta") and whose text parses as one: the first, in page order, of
/// `[class*=date], [class*=publish], [class*=posted], [class*=time], [id*=date],
/// [id*=publish], [class*=entry-meta], [class*=byline]` (a walk with substring checks: the
/// CSS select was 0.9 % of extraction time).
fn visible_date(document: &Document) -> Option<String> {
    date_candidates(document).iter().find_map(|node| {
        let text = node.text();
        (text.len() <= 200).then(|| date_in_text(&text)).flatten()
    })
}

fn date_candidates(document: &Document) -> Vec<NodeRef<'_>> {
    elements_matching(document, |_, attrs| {
        attr_contains(
            attrs,
            "class",
            &["date", "publish", "posted", "time", "entry-meta", "byline"],
        ) || attr_contains(attrs, "id", &["date", "publish"])
    })
}

/// The elements of the page for which `matches` holds, in page order (nested ones too), as
/// a CSS select would return them.
fn elements_matching<'a>(
    document: &'a Document,
    mut matches: impl FnMut(&str, &[Attribute]) -> bool,
) -> Vec<NodeRef<'a>> {
    let mut found = Vec::new();
    walk_elements(document.root(), |node, name, attrs| {
        if matches(name, attrs) {
            found.push(node);
        }
        Walk::Into
    });
    found
}

/// CSS `[name*=part]` for any of `parts` (case-sensitive, as for `class` and `id`).
fn attr_contains(attrs: &[Attribute], name: &str, parts: &[&str]) -> bool {
    attrs
        .iter()
        .any(|a| &*a.name.local == name && parts.iter().any(|part| short_contains(&a.value, part)))
}

/// `haystack.contains(needle)` for short haystacks such as class names: the places of the
/// needle's first byte are found with `memchr` and compared there (`str::contains` sets up a
/// searcher on every call, which was most of the cost of these checks).
fn short_contains(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr_iter(first, haystack).any(|at| haystack[at..].starts_with(needle))
}

/// CSS `[name=value]`.
fn attr_is(attrs: &[Attribute], name: &str, value: &str) -> bool {
    attrs
        .iter()
        .any(|a| &*a.name.local == name && &*a.value == value)
}

/// The first date written in the page's visible text from the headline (`<h1>`) on, within
/// [`NEAR_HEADLINE`] characters: where pages print "Mar 27, 2024" or "Published on July 18,
/// 2025" under the headline without marking it up.
fn date_near_headline(document: &Document) -> Option<String> {
    let body = document.select("body");
    let body = body.nodes().first()?;
    let mut seen_h1 = document.select("body h1").is_empty();
    let mut text = String::new();
    for node in body.descendants_it() {
        if !seen_h1 {
            seen_h1 = node.has_name("h1");
            continue;
        }
        if !node.is_text() {
            continue;
        }
        let hidden = node.parent().is_some_and(|p| {
            p.has_name("script")
                || p.has_name("style")
                || p.has_name("noscript")
                || p.has_name("template")
        });
        if hidden {
            continue;
        }
        text.push_str(&node.text());
        text.push(' ');
        if text.len() > NEAR_HEADLINE {
            break;
        }
    }
    date_in_text(&text)
}

const NEAR_HEADLINE: usize = 1500;

/// `/2025/03/17/`, `/2025-03-17`, `/20250317/` in a URL path.
pub fn url_date(url: &str) -> Option<String> {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/._-]|$)")
            .expect("valid regex")
    });
    let path_start = url.find("://").map_or(0, |p| p + 3);
    let path = url[path_start..]
        .find('/')
        .map(|p| &url[path_start + p..])?;
    PATTERN
        .captures(path)
        .and_then(|c| ymd(&c[1], &c[2], &c[3]))
}

/// The first date written out in `text`: ISO, "March 17, 2025", "17 March 2025", "17.03.2025".
pub fn date_in_text(text: &str) -> Option<String> {
    // Every form has a year of 19xx or 20xx: most lines have none, and this check is far
    // cheaper than the pattern.
    let has_year = text.as_bytes().windows(4).any(|w| {
        matches!(&w[..2], b"19" | b"20") && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    if !has_year {
        return None;
    }
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        let month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
        Regex::new(&format!(
            r"(?i)\b(?:((?:19|20)\d{{2}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})\b|{month}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b|(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{month}\.?,?\s+((?:19|20)\d{{2}})\b|(\d{{1,2}})\.(\d{{1,2}})\.((?:19|20)\d{{2}})\b)"
        ))
        .expect("valid regex")
    });
    for c in PATTERN.captures_iter(text) {
        let found = if let Some(year) = c.get(1) {
            ymd(year.as_str(), &c[2], &c[3])
        } else if let Some(month) = c.get(4) {
            ymd(&c[6], &month_number(month.as_str()), &c[5])
        } else if let Some(day) = c.get(7) {
            ymd(&c[9], &month_number(&c[8]), day.as_str())
        } else {
            ymd(&c[12], &c[11], &c[10])
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn month_number(name: &str) -> String {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map_or_else(String::new, |i| (i + 1).to_string())
}

/// "en-GB", "en_US", "EN" -> "en".
fn language_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 || primary.len() == 3)
        .then_some(primary)
        .filter(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
        .and_then(|p| crate::lang::from_tag(&p).or(Some(p)))
}

/// Authors from markup: `rel=author` links, `itemprop=author`, then byline elements. The
/// first of these CSS selectors that gives a name wins:
/// 1. `[itemprop=author] [itemprop=name]`, 2. `[itemprop=author]`, 3. `a[rel=author]`,
/// 4. `[class*=byline] [class*=author], [class*=byline] a`,
/// 5. `[class*=byline], [class*=author-name], [class=author]`.
///
/// Their elements are collected in one walk with string checks (five CSS selects were 2.7 %
/// of extraction time on pages without authors in their metadata).
fn markup_authors(document: &Document) -> Vec<String> {
    for nodes in author_candidates(document) {
        let names: Vec<String> = nodes
            .iter()
            .flat_map(|n| split_names(&byline_text(n)))
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// The elements of each of [`markup_authors`]' selectors, in page order.
fn author_candidates(document: &Document) -> [Vec<NodeRef<'_>>; 5] {
    let mut found: [Vec<NodeRef<'_>>; 5] = Default::default();
    // Ancestors are visited before their descendants: until an `itemprop=author` or a
    // byline element has been seen, no element can be inside one, and the walk up the
    // ancestors for every link (most of this lookup's time) is skipped.
    let (mut seen_author_item, mut seen_byline) = (false, false);
    walk_elements(document.root(), |node, name, attrs| {
        // Each attribute is read once (an element has at most one of each: the parser
        // drops duplicates).
        let value = |attr: &str| {
            attrs
                .iter()
                .find(|a| &*a.name.local == attr)
                .map(|a| &*a.value)
        };
        let class = value("class").unwrap_or_default();
        let itemprop = value("itemprop");
        let author_item = itemprop == Some("author");
        let byline = short_contains(class, "byline");
        let author_class = short_contains(class, "author");
        let has_ancestor = |test: &dyn Fn(&[Attribute]) -> bool| {
            node.ancestors_it(None)
                .any(|a| a.element_ref().is_some_and(|e| test(&e.attrs)))
        };
        if itemprop == Some("name")
            && seen_author_item
            && has_ancestor(&|a: &[Attribute]| attr_is(a, "itemprop", "author"))
        {
            found[0].push(node);
        }
        if author_item {
            found[1].push(node);
        }
        // `rel` values match in any case in HTML documents.
        if name == "a" && value("rel").is_some_and(|rel| rel.eq_ignore_ascii_case("author")) {
            found[2].push(node);
        }
        if (name == "a" || author_class)
            && seen_byline
            && has_ancestor(&|a: &[Attribute]| attr_contains(a, "class", &["byline"]))
        {
            found[3].push(node);
        }
        if byline || author_class && (short_contains(class, "author-name") || class == "author") {
            found[4].push(node);
        }
        seen_author_item |= author_item;
        seen_byline |= byline;
        Walk::Into
    });
    found
}

fn byline_text(node: &NodeRef<'_>) -> String {
    let text = collapse(&node.text());
    let lower = text.to_lowercase();
    for prefix in [
        "by ",
        "written by ",
        "posted by ",
        "words by ",
        "von ",
        "par ",
        "por ",
    ] {
        if lower.starts_with(prefix) {
            return text[prefix.len()..].to_owned();
        }
    }
    text
}

/// "Ann Lee and Bo Park", "Ann Lee, Bo Park" -> two names; rejects text too long for names.
fn split_names(raw: &str) -> Vec<String> {
    let raw = collapse(raw);
    raw.split([',', ';', '&', '|'])
        .flat_map(|part| part.split(" and "))
        .map(|name| name.trim().trim_end_matches('.').trim().to_owned())
        .filter(|name| {
            let words = name.split_whitespace().count();
            (1..=5).contains(&words)
                && name.chars().count() <= 50
                && !name.chars().any(|c| c.is_ascii_digit())
                && !name.contains("://")
        })
        .collect()
}

fn dedup(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.to_lowercase()));
}

/// The article object of the page's JSON-LD (looking inside arrays and `@graph`); when no
/// object is typed as an article, dates from any object that has them (a `WebPage`).
#[derive(Default)]
struct LinkedData {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    section: Option<String>,
    language: Option<String>,
    url: Option<String>,
    keywords: Vec<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "TechArticle",
    "ScholarlyArticle",
    "SocialMediaPosting",
];

impl LinkedData {
    fn read(scripts: &[NodeRef<'_>]) -> LinkedData {
        let mut fallback: Option<LinkedData> = None;
        for script in scripts {
            let raw = script.text();
            let raw = raw
                .trim()
                .trim_start_matches("<!--")
                .trim_end_matches("-->")
                .trim_start_matches("//<![CDATA[")
                .trim_end_matches("//]]>");
            let Ok(value) = serde_json::from_str::<Value>(raw) else {
                continue;
            };
            let mut stack = vec![&value];
            while let Some(value) = stack.pop() {
                match value {
                    Value::Array(items) => stack.extend(items.iter().rev()),
                    Value::Object(object) => {
                        if let Some(graph) = object.get("@graph") {
                            stack.push(graph);
                        }
                        if has_type(object.get("@type"), ARTICLE_TYPES) {
                            return LinkedData::from_object(object);
                        }
                        if fallback.is_none() && object.contains_key("datePublished") {
                            fallback = Some(LinkedData::from_object(object));
                        }
                    }
                    _ => {}
                }
            }
        }
        fallback.unwrap_or_default()
    }

    fn from_object(object: &serde_json::Map<String, Value>) -> LinkedData {
        let keywords = match object.get("keywords") {
            Some(Value::String(s)) => s.split(',').map(|k| k.trim().to_owned()).collect(),
            Some(Value::Array(items)) => items.iter().filter_map(|i| text(Some(i))).collect(),
            _ => Vec::new(),
        };
        LinkedData {
            headline: text(object.get("headline")).or_else(|| text(object.get("name"))),
            published: text(object.get("datePublished"))
                .or_else(|| text(object.get("dateCreated"))),
            modified: text(object.get("dateModified")),
            authors: names(object.get("author")),
            publisher: object
                .get("publisher")
                .and_then(|p| text(p.get("name")).or_else(|| text(Some(p))))
                .filter(|p| !p.starts_with("http") && !p.starts_with('#')),
            section: match object.get("articleSection") {
                Some(Value::Array(items)) => items.iter().find_map(|i| text(Some(i))),
                other => text(other),
            },
            language: text(object.get("inLanguage")),
            url: text(object.get("url"))
                .or_else(|| text(object.get("mainEntityOfPage")))
                .filter(|u| u.starts_with("http")),
            keywords,
        }
    }
}

fn has_type(value: Option<&Value>, types: &[&str]) -> bool {
    match value {
        Some(Value::String(t)) => types.contains(&t.as_str()),
        Some(Value::Array(items)) => items.iter().any(|t| has_type(Some(t), types)),
        _ => false,
    }
}

/// A JSON-LD string, or an object's `name` / `@id`.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Object(o) => text(o.get("name")).or_else(|| text(o.get("@id"))),
        Value::Array(items) => items.iter().find_map(|i| text(Some(i))),
        _ => None,
    }
}

fn names(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().flat_map(|i| names(Some(i))).collect(),
        Some(Value::Object(o)) => text(o.get("name"))
            .map(|n| split_names(&n))
            .unwrap_or_default(),
        Some(Value::String(s)) if !s.starts_with("http") => split_names(s),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_urls_and_text() {
        assert_eq!(
            url_date("https://example.org/2024/03/09/story-name/").as_deref(),
            Some("2024-03-09")
        );
        assert_eq!(
            url_date("https://example.org/news/20240309/story").as_deref(),
            Some("2024-03-09")
        );
        assert_eq!(url_date("https://example.org/id/123456789"), None);
        assert_eq!(
            date_in_text("Posted on March 9th, 2024 by staff").as_deref(),
            Some("2024-03-09")
        );
        assert_eq!(date_in_text("9 Sept. 2024").as_deref(), Some("2024-09-09"));
        assert_eq!(date_in_text("09.03.2024").as_deref(), Some("2024-03-09"));
        assert_eq!(date_in_text("in 2024 alone"), None);
    }

    #[test]
    fn names_split_and_filtered() {
        assert_eq!(
            split_names("Ann Lee and Bo Park, Staff"),
            ["Ann Lee", "Bo Park", "Staff"]
        );
        assert!(split_names("https://example.org/people/ann").is_empty());
    }

    #[test]
    fn title_suffixes() {
        assert_eq!(
            strip_site_suffix(
                "Council backs plan in tight vote | The Valley Courier",
                None
            ),
            "Council backs plan in tight vote"
        );
        assert_eq!(
            strip_site_suffix("Rock - Paper", Some("Scissors")),
            "Rock - Paper"
        );
    }

    #[test]
    fn markup_authors_follow_the_selector_order() {
        let authors = |body: &str| markup_authors(&Document::from(body));
        // The name inside an `itemprop=author` wins over the whole element's text.
        assert_eq!(
            authors(
                "<div class=byline><a href=x>Cy Dee</a></div><span itemprop=author>\
                 By <span itemprop=name>Ann Lee</span>, Staff</span>"
            ),
            ["Ann Lee"]
        );
        assert_eq!(
            authors("<p><a rel=AUTHOR href=x>Bo Park</a> <a rel=author-x>No One</a></p>"),
            ["Bo Park"]
        );
        // Inside a byline, links and author classes (in page order), before the byline.
        assert_eq!(
            authors(
                "<div class='post-byline'>By <b class=author-link>Ann Lee</b> and \
                 <a href=y>Bo Park</a></div>"
            ),
            ["Ann Lee", "Bo Park"]
        );
        assert_eq!(authors("<p class=byline-top>By Cy Dee</p>"), ["Cy Dee"]);
        assert_eq!(
            authors("<p class=author>Cy Dee</p><p class='x author'>No One</p>"),
            ["Cy Dee"]
        );
        assert!(authors("<p class=Byline>Cy Dee</p>").is_empty());
    }

    #[test]
    fn visible_dates_come_from_date_classes_in_page_order() {
        let date = |body: &str| visible_date(&Document::from(body));
        assert_eq!(
            date(
                "<p class=x>1 May 2020</p><span id=pubdate>2 May 2021</span>\
                  <span class=post-date>3 May 2022</span>"
            )
            .as_deref(),
            Some("2021-05-02")
        );
        assert_eq!(date("<p class=Date>1 May 2020</p>"), None);
    }

    /// The walks give what the CSS selectors they replace gave.
    #[test]
    fn walks_match_the_css_selectors() {
        let pages = [
            "<div class=byline><a href=x>Cy Dee</a><span class=author>Ann</span></div>\
             <span itemprop=author>By <span itemprop=name>Ann Lee</span></span>",
            "<div itemprop=author><div itemprop=author><i itemprop=name>X</i></div></div>",
            "<p><a rel=Author>Bo</a><a rel='author x'>No</a><link rel=author></p>",
            "<div class=byline-wrap><p class=byline><a>A</a></p></div><b class=author-name>C</b>",
            "<p class=author>D</p><p class=' author'>E</p><p class=AUTHOR>F</p>",
            "<time class=entry-meta>1 May 2020</time><p id=date-x>x</p><p id=Date>y</p>\
             <div class=posted-on><span class=timestamp>t</span></div><p class=publisher>p</p>",
        ];
        let authors = [
            "[itemprop=author] [itemprop=name]",
            "[itemprop=author]",
            "a[rel=author]",
            "[class*=byline] [class*=author], [class*=byline] a",
            "[class*=byline], [class*=author-name], [class=author]",
        ];
        let dates = "[class*=date], [class*=publish], [class*=posted], [class*=time], \
                     [id*=date], [id*=publish], [class*=entry-meta], [class*=byline]";
        for page in pages {
            let document = Document::from(page);
            let css = |selector: &str| -> Vec<String> {
                document
                    .select(selector)
                    .nodes()
                    .iter()
                    .map(|n| n.html().to_string())
                    .collect()
            };
            let html = |nodes: Vec<NodeRef<'_>>| -> Vec<String> {
                nodes.iter().map(|n| n.html().to_string()).collect()
            };
            for (i, selector) in authors.iter().enumerate() {
                assert_eq!(
                    html(author_candidates(&document)[i].clone()),
                    css(selector),
                    "{page}"
                );
            }
            assert_eq!(html(date_candidates(&document)), css(dates), "{page}");
        }
    }

    #[test]
    fn short_contains_is_contains() {
        for (haystack, needle) in [
            ("post-date", "date"),
            ("dat", "date"),
            ("ddate", "date"),
            ("", "date"),
            ("x", ""),
            ("é-date", "date"),
            ("entry-meta", "entry-meta"),
        ] {
            assert_eq!(
                short_contains(haystack, needle),
                haystack.contains(needle),
                "{haystack:?} {needle:?}"
            );
        }
    }
}
