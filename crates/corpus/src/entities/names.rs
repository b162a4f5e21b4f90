//! Name normalisation: the keys under which spelling variants of one name meet.
//!
//! Three levels, from strict to loose:
//! - [`fold`]: lower case, diacritics removed (Støre → store), Cyrillic transliterated,
//!   apostrophes and dots dropped, hyphens as spaces. Used for places, organisations, aliases.
//! - [`slavic_key`]: [`fold`] plus the romanisation classes of
//!   `../shared/data/transliteration/slavic_name_variant_rules.tsv` (kh/h, ya/ia, -skyy/-skiy/-sky,
//!   -ei/-ey, y/i, doubled letters), so Zelenskyy, Zelenskiy and Zelensky share a key. Applied to
//!   surnames and given names only, never to whole phrases, because the classes over-merge.
//! - given-name compatibility ([`super::lexicon::Lexicon::given_compatible`]): nicknames
//!   (Mike/Michael) and Ukrainian/Russian pairs (Volodymyr/Vladimir), checked only once
//!   surnames agree.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest name we key: news names are short; anything longer is a tagging accident, and
/// bounding it keeps pathological input (a 300-character "name") cheap.
pub const MAX_NAME_CHARS: usize = 120;

/// Folds `text` to a lookup key: lower-case ASCII where possible, words separated by one space.
/// `translit` maps Cyrillic letters to Latin (from the lexicon); other scripts pass through
/// lower-cased, so a name in Greek or Chinese still gets a key of its own.
pub fn fold_with(text: &str, translit: &dyn Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for (count, c) in text.nfd().enumerate() {
        if count >= MAX_NAME_CHARS * 2 {
            break;
        }
        if is_combining_mark(c) {
            continue;
        }
        let push_space = |out: &mut String, space: &mut bool| {
            if !*space {
                out.push(' ');
                *space = true;
            }
        };
        match c {
            '\'' | '’' | 'ʼ' | '`' | '.' | 'ь' | 'Ь' | 'ъ' | 'Ъ' => {}
            '-' | '‐' | '‑' | '–' | '_' | '/' => push_space(&mut out, &mut space),
            c if c.is_whitespace() || c == ',' => push_space(&mut out, &mut space),
            c if c.is_ascii() => {
                if c.is_ascii_alphanumeric() || c == '&' {
                    out.push(c.to_ascii_lowercase());
                    space = false;
                }
            }
            c => {
                let lower: String = c.to_lowercase().collect();
                let mut chars = lower.chars();
                let first = chars.next().unwrap_or(c);
                if let Some(latin) = special_latin(first) {
                    out.push_str(latin);
                } else if let Some(latin) = translit(first) {
                    out.push_str(latin);
                } else if first.is_alphanumeric() {
                    out.push_str(&lower);
                } else {
                    continue;
                }
                space = false;
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold_with`] without transliteration, for keys of Latin-script text.
pub fn fold(text: &str) -> String {
    fold_with(text, &|_| None)
}

/// Latin letters that NFD does not decompose into a base letter plus a mark.
fn special_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'æ' => "ae",
        'œ' => "oe",
        'ß' => "ss",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        'ħ' => "h",
        _ => return None,
    })
}

/// The loose romanisation key of one folded name word (see the module docs).
pub fn slavic_key(word: &str) -> String {
    let mut w: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    // Suffix classes first, on the whole word, before letter classes change its ending.
    const SUFFIXES: &[(&[&str], &str)] = &[
        (
            &[
                "tskyy", "tskyi", "tskiy", "tskii", "tsky", "tski", "tzky", "cki",
            ],
            "tsky",
        ),
        (
            &["skyy", "skyi", "skiy", "skii", "skij", "skyj", "sky", "ski"],
            "sky",
        ),
        (&["off", "ow"], "ov"),
        (&["yev", "iev", "jev", "yov"], "ev"),
        (&["aia", "aja"], "aya"),
        (&["ey", "ej"], "ei"),
        (&["iy", "yi", "ii", "ij"], "i"),
    ];
    'outer: for (forms, canonical) in SUFFIXES {
        for form in *forms {
            if w.len() > form.len() + 2 && w.ends_with(form) {
                w.truncate(w.len() - form.len());
                w.push_str(canonical);
                break 'outer;
            }
        }
    }
    const LETTERS: &[(&str, &str)] = &[
        ("shch", "sc"),
        ("sch", "sc"),
        ("kh", "h"),
        ("zh", "j"),
        ("tch", "c"),
        ("ch", "c"),
        ("tz", "c"),
        ("ts", "c"),
        ("ks", "x"),
        ("ya", "a"),
        ("ia", "a"),
        ("ja", "a"),
        ("yu", "u"),
        ("iu", "u"),
        ("ju", "u"),
        ("ye", "e"),
        ("ie", "e"),
        ("je", "e"),
        ("yi", "i"),
        ("ji", "i"),
        ("y", "i"),
        ("j", "i"),
    ];
    let bytes = w.as_bytes();
    let mut out = String::with_capacity(w.len());
    let mut i = 0;
    'scan: while i < bytes.len() {
        // Keep the first letter as it is (initial ya/ye/yu carry identity in short names),
        // except the one digraph that only spells a sound: kh (Kharkiv, Harkiv).
        if i > 0 || w.starts_with("kh") {
            for (from, to) in LETTERS {
                if w[i..].starts_with(from) {
                    out.push_str(to);
                    i += from.len();
                    continue 'scan;
                }
            }
        }
        let c = w[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    // Doubled letters collapse last (Zelenskyy → zelenskii → zelenski).
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !collapsed.ends_with(c) {
            collapsed.push(c);
        }
    }
    collapsed
}

/// True for a word that is a bare initial ("E", "E.", "J.D.").
pub fn is_initial(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 2
        && letters.iter().all(|c| c.is_uppercase())
        && (word.contains('.') || letters.len() <= 2)
}

/// Name particles that belong to the surname ("de Gaulle", "van der Leyen", "bin Salman").
pub fn is_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "da"
            | "del"
            | "della"
            | "der"
            | "van"
            | "von"
            | "bin"
            | "al"
            | "el"
            | "le"
            | "la"
            | "du"
            | "dos"
            | "di"
            | "ibn"
            | "ter"
            | "ten"
    )
}

/// Generational suffixes that are not the surname ("Jr.", "III").
pub fn is_suffix(word: &str) -> bool {
    matches!(word, "jr" | "sr" | "ii" | "iii" | "iv")
}

/// A URL-safe id from a name: folded, spaces to hyphens, bounded length.
pub fn slug(name: &str) -> String {
    let folded = fold(name);
    let mut slug: String = folded
        .chars()
        .map(|c| if c == ' ' { '-' } else { c })
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '&')
        .map(|c| if c == '&' { '-' } else { c })
        .take(60)
        .collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        // Names in scripts without letters we can keep still need an id: hash the text.
        slug = format!(
            "e{:08x}",
            xxhash_rust::xxh3::xxh3_64(name.as_bytes()) as u32
        );
    }
    slug
}

/// True when two different words of at least four letters differ by one inserted, deleted
/// or changed letter after the same first letter ("rait" / "raite"; not "ray" / "rae"): one
/// surname misspelt.
pub fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) > 1 || a[0] != b[0] {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let p = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[p + 1..] == long[p + 1..]
    } else {
        short[p..] == long[p + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_diacritics_and_punctuation() {
        assert_eq!(fold("Jonas Gahr Støre"), fold("Jonas Gahr Store"));
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("  Kyiv's  "), "kyivs");
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
    }

    #[test]
    fn slavic_variants_share_a_key() {
        let k = |w: &str| slavic_key(&fold(w));
        assert_eq!(k("Zelenskyy"), k("Zelensky"));
        assert_eq!(k("Zelenskiy"), k("Zelensky"));
        assert_eq!(k("Sergei"), k("Sergey"));
        assert_eq!(k("Kharkiv"), k("Harkiv"));
        assert_eq!(k("Lavroff"), k("Lavrov"));
        assert_ne!(k("Waltz"), k("Walsh"));
        assert_ne!(k("Trump"), k("Truman"));
    }

    #[test]
    fn initials() {
        assert!(is_initial("E."));
        assert!(is_initial("JD"));
        assert!(!is_initial("Ed"));
        assert!(!is_initial("Hale"));
    }

    #[test]
    fn slugs_are_stable_and_never_empty() {
        assert_eq!(slug("Donald Trump"), "donald-trump");
        assert_eq!(slug("Jonas Gahr Støre"), "jonas-gahr-store");
        assert!(!slug("金正恩").is_empty());
        assert!(!slug("...").is_empty());
    }

    #[test]
    fn surnames_one_letter_apart() {
        assert!(one_edit("rait", "raite"));
        assert!(one_edit("johnson", "jonson"));
        assert!(one_edit("smith", "smyth"));
        assert!(!one_edit("ray", "rae"));
        assert!(!one_edit("rait", "bait"));
        assert!(!one_edit("smith", "smithers"));
        assert!(!one_edit("smith", "smith"));
    }
}
