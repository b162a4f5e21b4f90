//! Language identification (whatlang's trigram model) reported as ISO 639-1 codes.

/// Characters of body text looked at: enough for a confident guess, bounded cost.
const SAMPLE_CHARS: usize = 2000;

/// The body's language when whatlang is confident, as an ISO 639-1 code.
pub fn detect(text: &str) -> Option<String> {
    let end = text
        .char_indices()
        .nth(SAMPLE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let info = whatlang::detect(&text[..end])?;
    if !info.is_reliable() {
        return None;
    }
    isolang::Language::from_639_3(info.lang().code())
        .and_then(|lang| lang.to_639_1())
        .map(str::to_owned)
}

/// A language tag from metadata ("en", "en-US", "de_DE") as an ISO 639-1 code, if valid.
pub fn from_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    isolang::Language::from_639_1(&primary).map(|_| primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_languages_confidently() {
        let english = "The council voted on Monday to build a new bridge across the river, \
            after months of debate about its cost and the traffic it would bring to the town.";
        let german = "Der Stadtrat hat am Montag beschlossen, eine neue Brücke über den Fluss \
            zu bauen, nachdem monatelang über die Kosten und den Verkehr gestritten wurde.";
        assert_eq!(detect(english).as_deref(), Some("en"));
        assert_eq!(detect(german).as_deref(), Some("de"));
        assert_eq!(detect("12 34"), None);
    }

    #[test]
    fn tags() {
        assert_eq!(from_tag("en-US").as_deref(), Some("en"));
        assert_eq!(from_tag("de_DE").as_deref(), Some("de"));
        assert_eq!(from_tag("xx"), None);
    }
}
