//! Language identification (whatlang's trigram model) reported as ISO 639-1 codes.

/// Characters of body text looked at: two or three sentences give whatlang a confident
/// guess, and its cost grows with the sample (40% of ingest time at 2,000 characters).
const SAMPLE_CHARS: usize = 300;

/// The body's language when confident, as an ISO 639-1 code.
pub fn detect(text: &str) -> Option<String> {
    let end = text
        .char_indices()
        .nth(SAMPLE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let sample = &text[..end];
    if is_clearly_english(sample) {
        return Some("en".to_owned());
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    isolang::Language::from_639_3(info.lang().code())
        .and_then(|lang| lang.to_639_1())
        .map(str::to_owned)
}

/// Function words that are frequent in English prose and are not words of other languages
/// (so not "on", "is", "was", "for", "by": French, Dutch, German, Danish use those).
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "the", "and", "of", "to", "that", "with", "said", "from", "this", "were", "have", "which",
    "would", "their", "been",
];

/// A fast path in front of whatlang, whose trigram scoring costs the same large amount
/// (about 650k instructions) per call whatever the sample: most articles storyline sees are
/// English, and English prose is recognised by its function words alone. Deliberately strict
/// ("the" at least twice and 4% of words, English-only function words 12% of words);
/// anything less clear goes to whatlang.
fn is_clearly_english(sample: &str) -> bool {
    let (mut words, mut function, mut the) = (0usize, 0usize, 0usize);
    for word in sample.split(|c: char| !c.is_alphabetic() && c != '\'') {
        if word.is_empty() {
            continue;
        }
        if !word.is_ascii() {
            return false;
        }
        words += 1;
        let lower = word.to_ascii_lowercase();
        if ENGLISH_FUNCTION_WORDS.contains(&lower.as_str()) {
            function += 1;
            the += usize::from(lower == "the");
        }
    }
    words >= 20 && the >= 2 && the * 25 >= words && function * 100 >= words * 12
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
        assert!(is_clearly_english(english));
        assert!(!is_clearly_english(german));
        let dutch = "De gemeenteraad heeft maandag besloten om een nieuwe brug over de rivier te \
            bouwen, na maanden van discussie over de kosten en het verkeer in de stad en de haven.";
        assert!(!is_clearly_english(dutch));
        assert_eq!(detect(dutch).as_deref(), Some("nl"));
        for foreign in [
            "Le conseil municipal a voté lundi pour construire un nouveau pont sur la rivière, \
             après des mois de débat sur son coût et le trafic qu'il apporterait à la ville.",
            "El consejo votó el lunes a favor de construir un nuevo puente sobre el río, tras \
             meses de debate sobre su coste y el tráfico que traería a la ciudad y al puerto.",
            "Byrådet stemte mandag for at bygge en ny bro over floden efter måneder med debat \
             om prisen og den trafik, den ville bringe til byen og til havnen i det hele taget.",
            "Rada miasta przegłosowała w poniedziałek budowę nowego mostu na rzece, to po \
             miesiącach debaty o kosztach i ruchu, jaki to przyniesie do miasta i do portu.",
            "Der Film The Lord of the Rings lief am Montag im Kino der Stadt, und viele Leute \
             kamen, um ihn zu sehen, obwohl es draußen regnete und kalt war in der Stadt.",
        ] {
            assert!(!is_clearly_english(foreign), "{foreign}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(from_tag("en-US").as_deref(), Some("en"));
        assert_eq!(from_tag("de_DE").as_deref(), Some("de"));
        assert_eq!(from_tag("xx"), None);
    }
}
