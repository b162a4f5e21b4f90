//! What a user types into a search box, parsed.
//!
//! The syntax is small on purpose: words and `"phrases"` must all match, `OR` between two
//! terms offers alternatives (it binds looser than the implicit AND, as in FTS5 and most
//! search engines), `NOT` before a term excludes it, and `word*` or `"a phrase"*` matches
//! by prefix. Anything else (`col:`, brackets, unbalanced quotes, stray operators) is read
//! as text, so no input can make a query fail.

/// One searchable piece of a query: a word or a phrase, analysed like indexed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub text: String,
    /// The last word matches any indexed word it begins.
    pub prefix: bool,
}

/// Terms that must all match, and terms that must not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Conjunction {
    pub all: Vec<Term>,
    pub none: Vec<Term>,
}

/// A parsed query: a document matches if it matches any of the conjunctions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedQuery {
    pub any: Vec<Conjunction>,
}

impl ParsedQuery {
    /// The terms a match may contain (for highlighting).
    pub fn positive_terms(&self) -> impl Iterator<Item = &Term> {
        self.any.iter().flat_map(|c| &c.all)
    }
}

/// Parses `input`, or `None` when nothing searchable is left.
pub(crate) fn parse(input: &str) -> Option<ParsedQuery> {
    enum Item {
        Term(Term),
        Or,
        Not,
    }
    let mut items = Vec::new();
    let mut rest = input.trim();
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = rest.trim_start();
            continue;
        }
        if c == '"' {
            let body = &rest[1..];
            let end = body.find('"').unwrap_or(body.len());
            let phrase = body[..end].trim();
            rest = body.get(end + 1..).unwrap_or("");
            let prefix = rest.starts_with('*');
            rest = rest.trim_start_matches('*');
            if phrase.chars().any(char::is_alphanumeric) {
                items.push(Item::Term(Term {
                    text: phrase.to_owned(),
                    prefix,
                }));
            }
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        match word {
            "OR" => items.push(Item::Or),
            "NOT" => items.push(Item::Not),
            _ => {
                let bare: String = word
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '.' | '_'))
                    .collect();
                if bare.chars().any(char::is_alphanumeric) {
                    items.push(Item::Term(Term {
                        text: bare,
                        prefix: word.ends_with('*'),
                    }));
                }
            }
        }
    }
    // An operator counts only between two terms (the last one wins); elsewhere the
    // terms are simply all required.
    let mut any: Vec<Conjunction> = Vec::new();
    let mut pending: Option<bool> = None; // Some(true) = OR, Some(false) = NOT
    for item in items {
        match item {
            Item::Or => pending = (!any.is_empty()).then_some(true),
            Item::Not => pending = (!any.is_empty()).then_some(false),
            Item::Term(term) => match (pending.take(), any.last_mut()) {
                (Some(false), Some(current)) => current.none.push(term),
                (None, Some(current)) => current.all.push(term),
                _ => any.push(Conjunction {
                    all: vec![term],
                    none: Vec::new(),
                }),
            },
        }
    }
    (!any.is_empty()).then_some(ParsedQuery { any })
}

/// The canonical text of a query: what `input` means, in the syntax [`parse`] reads back
/// to the same query. `None` when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let query = parse(input)?;
    let term = |t: &Term| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" });
    let conjunctions: Vec<String> = query
        .any
        .iter()
        .map(|c| {
            c.all
                .iter()
                .map(term)
                .chain(c.none.iter().map(|t| format!("NOT {}", term(t))))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Some(conjunctions.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_quoted_and_operators_kept_only_between_terms() {
        assert_eq!(
            fts_query("ceasefire Kursk").unwrap(),
            "\"ceasefire\" \"Kursk\""
        );
        assert_eq!(
            fts_query("\"peace talks\" kurs*").unwrap(),
            "\"peace talks\" \"kurs\"*"
        );
        assert_eq!(fts_query("OR a OR NOT").unwrap(), "\"a\"");
        assert_eq!(fts_query("a OR b").unwrap(), "\"a\" OR \"b\"");
        assert_eq!(fts_query("a NOT b c").unwrap(), "\"a\" \"c\" NOT \"b\"");
        assert_eq!(
            fts_query("headline:x AND("),
            Some("\"headlinex\" \"AND\"".into())
        );
        assert_eq!(fts_query("\"unbalanced"), Some("\"unbalanced\"".into()));
        assert_eq!(fts_query("*** \"\" ()"), None);
    }

    #[test]
    fn or_binds_looser_than_and() {
        let q = parse("a b OR c").unwrap();
        assert_eq!(q.any.len(), 2);
        assert_eq!(q.any[0].all.len(), 2);
        assert_eq!(q.any[1].all[0].text, "c");
    }

    proptest::proptest! {
        /// Whatever is typed parses (or is refused as empty) and its canonical text means
        /// the same query.
        #[test]
        fn any_input_parses_and_round_trips(input in "[a-zA-Z0-9 \"*:()\\-]{0,40}|\\PC{0,40}") {
            if let Some(canonical) = fts_query(&input) {
                proptest::prop_assert_eq!(parse(&canonical), parse(&input));
            } else {
                proptest::prop_assert!(parse(&input).is_none());
            }
        }
    }

    #[test]
    fn the_canonical_text_parses_back_to_the_same_query() {
        for input in [
            "ceasefire Kursk",
            "\"peace talks\" kurs* OR truce NOT \"cease fire\"*",
            "a NOT b OR c d",
            "x\"y\"z",
        ] {
            let canonical = fts_query(input).unwrap();
            assert_eq!(parse(&canonical), parse(input), "{input} -> {canonical}");
        }
    }
}
