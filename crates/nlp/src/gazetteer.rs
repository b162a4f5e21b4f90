//! Name lists for the entity recogniser: phrases (given names, places, countries, demonyms,
//! organisations, people) each with a set of types, built once from the openly licensed
//! resources in `../shared/data` and shipped as one compressed file, so the binary never
//! reads the shared data at run time.
//!
//! Lookup is case-insensitive over token sequences (the file keeps lower-cased phrases), with
//! a guard against common words: a match must begin and end on a token that does not start
//! with a lower-case letter, so "Nice" and "NICE" match and "nice" does not. For each type
//! separately, matches are longest-first, left to right, and every token inside a match gets
//! a position: `B`, `I`, `L` (first, inside, last of a phrase) or `U` (a one-token phrase).
//!
//! Sources and licences (see `models/ner-conll.md`): GeoNames cities15000, admin1 codes and
//! countryInfo (CC BY 4.0), mledoze/countries (ODbL 1.0), demonyms merged from NGEC and
//! mordecai (MIT), PETRARCH2 Phoenix actor dictionaries (MIT), carltonnorthern/nicknames
//! (Apache-2.0), Natural Earth (public domain), the project's own Ukrainian/Russian place and
//! given-name variants (CC0), and WikiANN English entity phrases (silver annotations over
//! Wikipedia text, CC BY-SA).

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hashbrown::HashMap;

/// What a phrase is known as. A phrase can have several types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GazType {
    /// A given name ("Anna", "Volodymyr"): nickname table, name variants, first tokens of
    /// listed people.
    GivenName,
    /// A family name: last tokens of listed people.
    Surname,
    /// A person's full name or alias (PETRARCH2 actors).
    Person,
    /// A city, town or first-level region (GeoNames, Natural Earth).
    Place,
    /// A country name or alternative spelling.
    Country,
    /// A nationality adjective or plural ("Ukrainian", "Swiss", "Afghans").
    Demonym,
    /// An organisation (PETRARCH2 international and non-state actors, state institutions).
    Org,
    /// A person name linked in Wikipedia (WikiANN, silver).
    WikiPer,
    /// An organisation name linked in Wikipedia (WikiANN, silver).
    WikiOrg,
    /// A location name linked in Wikipedia (WikiANN, silver).
    WikiLoc,
}

impl GazType {
    pub const ALL: [GazType; 10] = [
        GazType::GivenName,
        GazType::Surname,
        GazType::Person,
        GazType::Place,
        GazType::Country,
        GazType::Demonym,
        GazType::Org,
        GazType::WikiPer,
        GazType::WikiOrg,
        GazType::WikiLoc,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GazType::GivenName => "GIVEN",
            GazType::Surname => "SURNAME",
            GazType::Person => "PERSON",
            GazType::Place => "PLACE",
            GazType::Country => "COUNTRY",
            GazType::Demonym => "DEMONYM",
            GazType::Org => "ORG",
            GazType::WikiPer => "WIKI-PER",
            GazType::WikiOrg => "WIKI-ORG",
            GazType::WikiLoc => "WIKI-LOC",
        }
    }

    pub fn from_name(name: &str) -> Option<GazType> {
        GazType::ALL.into_iter().find(|t| t.name() == name)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Errors building, saving or loading a gazetteer.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> GazetteerError + '_ {
    move |source| GazetteerError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Phrases longer than this many tokens are not kept.
pub const MAX_PHRASE_TOKENS: usize = 6;

const MAGIC: &[u8; 8] = b"STLGAZ01";

/// Splits a phrase into tokens the way CoNLL-2003 and news tokenisers cut names: at
/// whitespace, with commas, brackets and quotes split off and a possessive `'s` apart.
/// Periods and hyphens stay inside tokens ("St.", "U.S.", "Bosnia-Herzegovina").
pub fn phrase_tokens(phrase: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in phrase.split_whitespace() {
        let mut piece = piece;
        let mut trailing = Vec::new();
        while let Some(c) = piece.chars().next() {
            if matches!(c, '(' | '[' | '"' | '“' | '‘' | '\'') && piece.len() > c.len_utf8() {
                out.push(c.to_string());
                piece = &piece[c.len_utf8()..];
            } else {
                break;
            }
        }
        while let Some(c) = piece.chars().next_back() {
            if matches!(c, ',' | ';' | ':' | ')' | ']' | '"' | '”' | '’' | '\'')
                && piece.len() > c.len_utf8()
            {
                trailing.push(c.to_string());
                piece = &piece[..piece.len() - c.len_utf8()];
            } else {
                break;
            }
        }
        let lower = piece.to_lowercase();
        if piece.len() > 2 && (lower.ends_with("'s") || lower.ends_with("’s")) {
            let cut = piece.len() - if lower.ends_with("'s") { 2 } else { 4 };
            out.push(piece[..cut].to_owned());
            out.push(piece[cut..].to_owned());
        } else if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        out.extend(trailing.into_iter().rev());
    }
    out
}

fn phrase_key<'a>(tokens: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (i, token) in tokens.into_iter().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(token.as_bytes());
    }
    hasher.digest()
}

/// Letters of the Latin script (with Latin-1, Extended-A/B and Extended Additional).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (('\u{00C0}'..='\u{024F}').contains(&c) && c != '\u{00D7}' && c != '\u{00F7}')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// A name written in Latin letters with ordinary name punctuation.
fn is_latin_name(s: &str) -> bool {
    s.chars().any(is_latin_letter)
        && s.chars()
            .all(|c| is_latin_letter(c) || matches!(c, ' ' | '-' | '\'' | '’' | '.' | ','))
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// How often words appear in lower case and capitalised (not sentence-initial) in running
/// text: a one-word entry that is mostly a common word ("Nice", "Bill", "Reading") is left out.
#[derive(Default, Debug)]
pub struct CaseStats {
    counts: HashMap<String, (u32, u32)>,
}

impl CaseStats {
    /// Counts one sentence's words.
    pub fn add_sentence<S: AsRef<str>>(&mut self, words: &[S]) {
        let all_caps = words
            .iter()
            .filter(|w| w.as_ref().chars().any(char::is_alphabetic))
            .all(|w| !w.as_ref().chars().any(char::is_lowercase));
        if all_caps {
            return;
        }
        for (i, word) in words.iter().enumerate() {
            let word = word.as_ref();
            let mut chars = word.chars();
            let Some(first) = chars.next() else { continue };
            if !first.is_alphabetic() {
                continue;
            }
            let lower = word.to_lowercase();
            if word.chars().all(|c| !c.is_uppercase()) {
                self.counts.entry(lower).or_default().0 += 1;
            } else if i > 0 && first.is_uppercase() && chars.any(char::is_lowercase) {
                self.counts.entry(lower).or_default().1 += 1;
            }
        }
    }

    /// Mostly lower case in running text: a common word rather than a name.
    pub fn is_common(&self, word: &str) -> bool {
        match self.counts.get(&word.to_lowercase()) {
            Some(&(lower, capitalised)) => lower >= 2 && lower > 2 * capitalised,
            None => false,
        }
    }
}

/// Collects phrases and their types; saves the gazetteer file or turns into a [`Gazetteer`].
#[derive(Default)]
pub struct GazetteerBuilder {
    phrases: BTreeMap<String, u16>,
    case_stats: Option<CaseStats>,
    /// Per type: phrases offered and kept.
    pub stats: BTreeMap<&'static str, (usize, usize)>,
}

impl GazetteerBuilder {
    pub fn new() -> GazetteerBuilder {
        GazetteerBuilder::default()
    }

    /// Uses word case statistics to leave out one-word entries that are common words.
    pub fn with_case_stats(mut self, stats: CaseStats) -> GazetteerBuilder {
        self.case_stats = Some(stats);
        self
    }

    /// Adds a phrase with a type. Returns whether it was kept: phrases must be at most
    /// [`MAX_PHRASE_TOKENS`] tokens, contain a letter, and (one-word phrases) be at least
    /// two characters and not a common word.
    pub fn add(&mut self, phrase: &str, kind: GazType) -> bool {
        let entry = self.stats.entry(kind.name()).or_default();
        entry.0 += 1;
        let tokens = phrase_tokens(phrase.trim());
        if tokens.is_empty() || tokens.len() > MAX_PHRASE_TOKENS {
            return false;
        }
        if !tokens.iter().any(|t| t.chars().any(char::is_alphabetic)) {
            return false;
        }
        if tokens.len() == 1 {
            let word = &tokens[0];
            if word.chars().count() < 2 {
                return false;
            }
            let common = self.case_stats.as_ref().is_some_and(|s| s.is_common(word));
            // Country names and demonyms are names even where they look like words ("Chad"
            // stays, "Jordan" stays); other one-word entries must not be common words.
            if common && !matches!(kind, GazType::Country | GazType::Demonym) {
                return false;
            }
        }
        let key = tokens
            .iter()
            .map(|t| t.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        *self.phrases.entry(key).or_default() |= kind.bit();
        entry.1 += 1;
        true
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Writes the gazetteer: a magic number, then zstd-compressed lines `TYPES<TAB>phrase`
    /// (types as comma-separated names), sorted, so the same input always writes the same
    /// bytes.
    pub fn save(&self, path: &Path) -> Result<(), GazetteerError> {
        let mut body = String::with_capacity(self.phrases.len() * 24);
        body.push_str(
            "# storyline gazetteer v1: TYPES<TAB>lower-cased phrase, tokens joined by spaces\n",
        );
        for (phrase, &mask) in &self.phrases {
            let names: Vec<&str> = GazType::ALL
                .iter()
                .filter(|t| mask & t.bit() != 0)
                .map(|t| t.name())
                .collect();
            body.push_str(&names.join(","));
            body.push('\t');
            body.push_str(phrase);
            body.push('\n');
        }
        let compressed = zstd::encode_all(body.as_bytes(), 19).map_err(io_err(path))?;
        let mut file = std::fs::File::create(path).map_err(io_err(path))?;
        file.write_all(MAGIC).map_err(io_err(path))?;
        file.write_all(&compressed).map_err(io_err(path))?;
        file.sync_all().map_err(io_err(path))
    }

    pub fn finish(&self) -> Gazetteer {
        let mut gazetteer = Gazetteer::default();
        for (phrase, &mask) in &self.phrases {
            gazetteer.insert(phrase, mask);
        }
        gazetteer
    }
}

/// A loaded gazetteer: phrase hashes to type sets.
#[derive(Default)]
pub struct Gazetteer {
    entries: HashMap<u64, u16>,
    max_tokens: usize,
}

/// A gazetteer match: tokens `start..end` (half-open) form a phrase of type `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub kind: GazType,
}

impl Gazetteer {
    fn insert(&mut self, phrase: &str, mask: u16) {
        let tokens: Vec<&str> = phrase.split(' ').collect();
        self.max_tokens = self.max_tokens.max(tokens.len());
        *self.entries.entry(phrase_key(tokens)).or_default() |= mask;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn load(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        Gazetteer::from_bytes(&bytes).map_err(|message| GazetteerError::Format {
            path: path.to_owned(),
            message,
        })
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, String> {
        let compressed = bytes
            .strip_prefix(MAGIC)
            .ok_or("not a storyline gazetteer (bad magic number)")?;
        let mut text = String::new();
        zstd::stream::read::Decoder::new(compressed)
            .and_then(|mut d| d.read_to_string(&mut text))
            .map_err(|e| format!("damaged gazetteer: {e}"))?;
        let mut gazetteer = Gazetteer::default();
        gazetteer.entries.reserve(text.len() / 20);
        for (number, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let (types, phrase) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected TYPES<TAB>phrase", number + 1))?;
            let mut mask = 0;
            for name in types.split(',') {
                let kind = GazType::from_name(name)
                    .ok_or_else(|| format!("line {}: unknown type {name:?}", number + 1))?;
                mask |= kind.bit();
            }
            if phrase.is_empty() {
                return Err(format!("line {}: empty phrase", number + 1));
            }
            gazetteer.insert(phrase, mask);
        }
        Ok(gazetteer)
    }

    /// The types of exactly this phrase (tokens compared case-insensitively).
    pub fn types_of<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<GazType> {
        let lower: Vec<String> = tokens.iter().map(|t| t.as_ref().to_lowercase()).collect();
        let mask = self
            .entries
            .get(&phrase_key(lower.iter().map(String::as_str)))
            .copied()
            .unwrap_or(0);
        GazType::ALL
            .into_iter()
            .filter(|t| mask & t.bit() != 0)
            .collect()
    }

    /// Longest matches for every type, left to right, never overlapping within a type. A
    /// match must start and end on a token that does not begin with a lower-case letter.
    pub fn matches<S: AsRef<str>>(&self, words: &[S]) -> Vec<Match> {
        let n = words.len();
        let lower: Vec<String> = words.iter().map(|w| w.as_ref().to_lowercase()).collect();
        let eligible: Vec<bool> = words
            .iter()
            .map(|w| {
                let w = w.as_ref();
                !starts_lowercase(w) && w.chars().any(char::is_alphanumeric)
            })
            .collect();
        // found[i]: (length, type mask) of every phrase starting at i, longest first.
        let mut found: Vec<Vec<(usize, u16)>> = vec![Vec::new(); n];
        for i in 0..n {
            if !eligible[i] {
                continue;
            }
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            for j in i..n.min(i + self.max_tokens) {
                if j > i {
                    hasher.update(b" ");
                }
                hasher.update(lower[j].as_bytes());
                if !eligible[j] {
                    continue;
                }
                if let Some(&mask) = self.entries.get(&hasher.digest()) {
                    found[i].push((j + 1 - i, mask));
                }
            }
            found[i].reverse();
        }
        let mut out = Vec::new();
        for kind in GazType::ALL {
            let mut i = 0;
            while i < n {
                match found[i].iter().find(|(_, mask)| mask & kind.bit() != 0) {
                    Some(&(len, _)) => {
                        out.push(Match {
                            start: i,
                            end: i + len,
                            kind,
                        });
                        i += len;
                    }
                    None => i += 1,
                }
            }
        }
        out.sort_by_key(|m| (m.start, m.kind, m.end));
        out
    }

    /// For each token, its matches as (type, position) with position `B`, `I`, `L` or `U`.
    pub fn token_matches<S: AsRef<str>>(&self, words: &[S]) -> Vec<Vec<(GazType, char)>> {
        let mut out = vec![Vec::new(); words.len()];
        for m in self.matches(words) {
            for (i, slot) in out.iter_mut().enumerate().take(m.end).skip(m.start) {
                let position = if m.end - m.start == 1 {
                    'U'
                } else if i == m.start {
                    'B'
                } else if i + 1 == m.end {
                    'L'
                } else {
                    'I'
                };
                slot.push((m.kind, position));
            }
        }
        out
    }

    /// The same as feature strings: `gaz=PLACE-B`, `gaz=GIVEN-U`, ...
    pub fn token_features<S: AsRef<str>>(&self, words: &[S]) -> Vec<Vec<String>> {
        self.token_matches(words)
            .into_iter()
            .map(|token| {
                token
                    .into_iter()
                    .map(|(kind, position)| format!("gaz={}-{position}", kind.name()))
                    .collect()
            })
            .collect()
    }
}

/// Reads a text file of the shared data folder.
fn read_text(path: &Path) -> Result<String, GazetteerError> {
    std::fs::read_to_string(path).map_err(io_err(path))
}

fn format_err(path: &Path, message: impl Into<String>) -> GazetteerError {
    GazetteerError::Format {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// Title words that mark a PETRARCH2 entry as "role plus name" rather than a name.
const TITLE_WORDS: &[&str] = &[
    "PRESIDENT",
    "MINISTER",
    "SECRETARY",
    "SECRETARY-GENERAL",
    "GENERAL",
    "CHIEF",
    "LEADER",
    "SPOKESMAN",
    "SPOKESWOMAN",
    "AMBASSADOR",
    "ENVOY",
    "DIRECTOR",
    "CHAIRMAN",
    "COMMANDER",
    "ACTING",
    "FORMER",
    "DEPUTY",
    "PRIME",
    "KING",
    "QUEEN",
    "PRINCE",
    "SHEIKH",
    "EMIR",
    "GOVERNOR",
    "MAYOR",
    "SENATOR",
    "JUDGE",
    "HEAD",
];

/// Words that make a PETRARCH2 entry an organisation.
const ORG_WORDS: &[&str] = &[
    "ORGANIZATION",
    "ORGANISATION",
    "AGENCY",
    "COMMISSION",
    "PARTY",
    "ARMY",
    "COUNCIL",
    "COMMITTEE",
    "FRONT",
    "MOVEMENT",
    "GROUP",
    "BANK",
    "UNION",
    "CONGRESS",
    "ASSEMBLY",
    "COURT",
    "FUND",
    "INSTITUTE",
    "ASSOCIATION",
    "FEDERATION",
    "BRIGADE",
    "BRIGADES",
    "FORCES",
    "FORCE",
    "NAVY",
    "LEAGUE",
    "ALLIANCE",
    "MINISTRY",
    "PARLIAMENT",
    "OFFICE",
    "PROGRAMME",
    "PROGRAM",
    "FOUNDATION",
    "SOCIETY",
    "CORPORATION",
    "COMPANY",
    "UNIVERSITY",
    "CENTER",
    "CENTRE",
    "SERVICE",
    "NETWORK",
    "COALITION",
    "CONFERENCE",
    "BUREAU",
    "AUTHORITY",
    "TRIBUNAL",
    "NATIONS",
    "COMMUNITY",
    "DEPARTMENT",
    "GUARD",
    "POLICE",
    "CABINET",
    "SENATE",
    "BOARD",
    "CROSS",
    "CRESCENT",
    "ORGANIZATIONS",
    "TALIBAN",
    "MISSION",
];

/// A PETRARCH2 dictionary entry name (`VLADIMIR_PUTIN_`, `+PUTIN_`, `UN_ [IGOUNO]`) as words.
fn phoenix_name(raw: &str) -> Option<String> {
    let name = raw.trim().trim_start_matches('+');
    let name = name.split(['#', '[', '\t']).next()?.trim();
    if name.is_empty() || name.contains(['(', ')', '/', '{', '&', '!', '<', '>', '=']) {
        return None;
    }
    let words: Vec<&str> = name.split(['_', ' ']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.iter().any(|w| !is_latin_name(w)) {
        return None;
    }
    Some(words.join(" "))
}

/// One PETRARCH2 block: names and aliases, then the codes that apply to all of them.
struct PhoenixBlock {
    names: Vec<String>,
    codes: Vec<String>,
    comment: String,
}

fn phoenix_blocks(text: &str) -> Vec<PhoenixBlock> {
    let mut blocks = Vec::new();
    let mut block = PhoenixBlock {
        names: Vec::new(),
        codes: Vec::new(),
        comment: String::new(),
    };
    let code_pattern = regex::Regex::new(r"\[([^\]]*)\]").expect("valid regex");
    let flush = |block: &mut PhoenixBlock, blocks: &mut Vec<PhoenixBlock>| {
        if !block.names.is_empty() {
            blocks.push(std::mem::replace(
                block,
                PhoenixBlock {
                    names: Vec::new(),
                    codes: Vec::new(),
                    comment: String::new(),
                },
            ));
        } else {
            block.codes.clear();
            block.comment.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            flush(&mut block, &mut blocks);
            continue;
        }
        let is_code_line = line.starts_with([' ', '\t']) && trimmed.starts_with('[');
        let is_alias = trimmed.starts_with('+');
        if !is_code_line && !is_alias && !block.codes.is_empty() {
            // A new head after a finished block.
            flush(&mut block, &mut blocks);
        }
        if let Some((_, comment)) = line.split_once('#') {
            block.comment.push_str(comment);
            block.comment.push(' ');
        }
        let before_comment = line.split('#').next().unwrap_or("");
        for capture in code_pattern.captures_iter(before_comment) {
            block.codes.push(capture[1].trim().to_owned());
        }
        if !is_code_line && let Some(name) = phoenix_name(trimmed) {
            block.names.push(name);
        }
    }
    flush(&mut block, &mut blocks);
    blocks
}

/// What a PETRARCH2 block names, guessed from its codes and words.
fn classify_phoenix(block: &PhoenixBlock, countries_file: bool) -> Option<GazType> {
    let dated = block.codes.iter().any(|c| {
        c.split_whitespace()
            .nth(1)
            .is_some_and(|d| d.chars().any(|c| c.is_ascii_digit()))
    });
    // `[UKR]`, `[UKR >911221]`: a country code without a role.
    let bare_country = block.codes.iter().any(|c| {
        let code = c.split_whitespace().next().unwrap_or("");
        code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
    });
    let head = block.names.first()?;
    let head_words: Vec<&str> = head.split(' ').collect();
    let has_org_word = block.names.iter().any(|n| {
        n.split(' ')
            .any(|w| ORG_WORDS.contains(&w.to_uppercase().as_str()))
    });
    if countries_file && bare_country {
        return Some(GazType::Country);
    }
    if has_org_word {
        return Some(GazType::Org);
    }
    let comment = block.comment.to_lowercase();
    if dated || comment.contains("countryinfo") || comment.contains("igorulers") {
        return Some(GazType::Person);
    }
    let acronym = head_words.len() == 1
        && head.len() <= 7
        && head.chars().all(|c| c.is_ascii_uppercase() || c == '.');
    if acronym && !block.codes.is_empty() {
        return Some(GazType::Org);
    }
    None
}

fn title_case(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the gazetteer from the shared data folder (`../shared/data`): GeoNames,
/// mledoze/countries, demonyms, PETRARCH2 actors, nicknames, Natural Earth, the
/// transliteration variant tables and WikiANN (train and dev). Word case statistics for the
/// common-word filter come from the CoNLL-2003 training text and WikiANN.
pub fn build_from_shared(data: &Path) -> Result<GazetteerBuilder, GazetteerError> {
    let mut stats = CaseStats::default();
    let conll_train = data.join("conll2003/eng.train");
    if conll_train.exists() {
        let docs = crate::conll::read_file(&conll_train, crate::conll::Format::Conll2003)
            .map_err(|e| format_err(&conll_train, e.to_string()))?;
        for doc in &docs {
            for sentence in &doc.sentences {
                stats.add_sentence(&sentence.words);
            }
        }
    }
    let mut wikiann = Vec::new();
    for split in ["train", "dev"] {
        let path = data.join("wikiann_en").join(split);
        if path.exists() {
            let docs = crate::conll::read_file(&path, crate::conll::Format::WikiAnn)
                .map_err(|e| format_err(&path, e.to_string()))?;
            wikiann.extend(docs);
        }
    }
    for doc in &wikiann {
        for sentence in &doc.sentences {
            stats.add_sentence(&sentence.words);
        }
    }
    let mut b = GazetteerBuilder::new().with_case_stats(stats);

    // Countries: GeoNames countryInfo (name, capital).
    let path = data.join("geonames/countryInfo.txt");
    for line in read_text(&path)?.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 6 {
            return Err(format_err(&path, format!("short line: {line:?}")));
        }
        b.add(fields[4], GazType::Country);
        if !fields[5].is_empty() {
            b.add(fields[5], GazType::Place);
        }
    }

    // Countries: mledoze (common and official names, alternative spellings, capitals,
    // English demonyms).
    let path = data.join("countries_mledoze/countries.json");
    let json: serde_json::Value =
        serde_json::from_str(&read_text(&path)?).map_err(|e| format_err(&path, e.to_string()))?;
    for country in json
        .as_array()
        .ok_or_else(|| format_err(&path, "expected an array"))?
    {
        for key in ["common", "official"] {
            if let Some(name) = country["name"][key].as_str() {
                b.add(name, GazType::Country);
            }
        }
        for alt in country["altSpellings"].as_array().into_iter().flatten() {
            if let Some(alt) = alt.as_str() {
                // Two-letter codes ("IT", "IN", "AT") collide with words in headlines.
                if alt.chars().count() > 2 && is_latin_name(alt) && !starts_lowercase(alt) {
                    b.add(alt, GazType::Country);
                }
            }
        }
        for capital in country["capital"].as_array().into_iter().flatten() {
            if let Some(capital) = capital.as_str() {
                b.add(capital, GazType::Place);
            }
        }
        for gender in ["m", "f"] {
            if let Some(demonym) = country["demonyms"]["eng"][gender].as_str() {
                b.add(demonym, GazType::Demonym);
            }
        }
    }

    // Demonyms (NGEC + mordecai, merged) and mordecai's country names.
    let path = data.join("demonyms/demonyms_merged.tsv");
    for line in read_text(&path)?.lines().skip(1) {
        let form = line.split('\t').next().unwrap_or("").trim();
        if form.is_empty() || !is_latin_name(form) {
            continue;
        }
        let last = form.rsplit(' ').next().unwrap_or(form).to_lowercase();
        let demonym_like = [
            "an", "ans", "ese", "ish", "i", "is", "ic", "ch", "ss", "er", "ers", "ine", "ines",
            "ot", "ots", "ois", "be", "bé", "ns",
        ]
        .iter()
        .any(|s| last.ends_with(s));
        let kind = if demonym_like && !form.contains("Republic") && !form.contains("Island") {
            GazType::Demonym
        } else {
            GazType::Country
        };
        b.add(form, kind);
    }
    let path = data.join("demonyms/mordecai_country_names_to_iso3.json");
    let json: serde_json::Value =
        serde_json::from_str(&read_text(&path)?).map_err(|e| format_err(&path, e.to_string()))?;
    for name in json.as_object().into_iter().flat_map(|o| o.keys()) {
        let name = name.replace('_', " ");
        if is_latin_name(&name) {
            b.add(&name, GazType::Country);
        }
    }

    // Natural Earth countries (names, long names, formal names, alternatives).
    let path = data.join("natural_earth/ne_10m_admin_0_countries_attrs.tsv");
    add_tsv_columns(
        &mut b,
        &path,
        &[
            "name",
            "name_long",
            "formal_en",
            "name_ciawf",
            "name_alt",
            "admin",
            "sovereignt",
        ],
        GazType::Country,
    )?;
    // Natural Earth populated places.
    let path = data.join("natural_earth/ne_10m_populated_places_attrs.tsv");
    add_tsv_columns(
        &mut b,
        &path,
        &["name", "nameascii", "namealt", "name_en"],
        GazType::Place,
    )?;

    // GeoNames cities over 15,000 people: name, ASCII name, Latin-script alternate names.
    let path = data.join("geonames/cities15000.txt");
    for line in read_text(&path)?.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 19 {
            return Err(format_err(&path, format!("expected 19 fields: {line:?}")));
        }
        b.add(fields[1], GazType::Place);
        b.add(fields[2], GazType::Place);
        for alt in fields[3].split(',') {
            let alt = alt.trim();
            let letters = alt.chars().filter(|c| c.is_alphabetic()).count();
            let all_caps = !alt.chars().any(char::is_lowercase);
            // Latin script, capitalised, not an airport or postal code.
            if is_latin_name(alt) && !starts_lowercase(alt) && letters >= 3 && !all_caps {
                b.add(alt, GazType::Place);
            }
        }
    }
    // GeoNames first-level regions (states, provinces, oblasts).
    let path = data.join("geonames/admin1CodesASCII.txt");
    for line in read_text(&path)?.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() >= 3 {
            b.add(fields[1], GazType::Place);
            b.add(fields[2], GazType::Place);
        }
    }
    // Ukrainian and Russian place-name variants and given-name pairs (CC0, this project).
    let path = data.join("transliteration/place_name_variants_ua_ru.tsv");
    if path.exists() {
        for line in read_text(&path)?.lines().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            for field in fields.iter().take(3) {
                for name in field.split('|') {
                    b.add(name, GazType::Place);
                }
            }
        }
    }
    let path = data.join("transliteration/ua_ru_given_name_pairs.tsv");
    if path.exists() {
        for line in read_text(&path)?.lines().skip(1) {
            for field in line.split('\t') {
                for name in field.split('|') {
                    b.add(name, GazType::GivenName);
                }
            }
        }
    }

    // Given names from the nickname table (both columns are given names).
    let path = data.join("nicknames/names.csv");
    for line in read_text(&path)?.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() == 3 {
            b.add(&title_case(fields[0]), GazType::GivenName);
            b.add(&title_case(fields[2]), GazType::GivenName);
        }
    }

    // PETRARCH2 actors: people (with their first and last words as given names and
    // surnames), organisations, country names.
    for (file, countries_file) in [
        ("Phoenix.Countries.actors.txt", true),
        ("Phoenix.International.actors.txt", false),
        ("Phoenix.MilNonState.actors.txt", false),
    ] {
        let path = data.join("petrarch2_dictionaries").join(file);
        let text = read_text(&path)?;
        for block in phoenix_blocks(&text) {
            let Some(kind) = classify_phoenix(&block, countries_file) else {
                continue;
            };
            match kind {
                GazType::Country => {
                    b.add(&title_case(&block.names[0]), GazType::Country);
                }
                GazType::Person => {
                    for name in &block.names {
                        let words: Vec<&str> = name.split(' ').collect();
                        if words.iter().any(|w| TITLE_WORDS.contains(w)) {
                            continue;
                        }
                        let name = title_case(name);
                        b.add(&name, GazType::Person);
                        let words: Vec<&str> = name.split(' ').collect();
                        if words.len() >= 2 {
                            if words[0].chars().count() > 2 && !words[0].ends_with('.') {
                                b.add(words[0], GazType::GivenName);
                            }
                            b.add(words[words.len() - 1], GazType::Surname);
                        }
                    }
                }
                _ => {
                    for name in &block.names {
                        b.add(&title_case(name), kind);
                    }
                }
            }
        }
    }

    // WikiANN entity phrases (silver, from Wikipedia links), with given names and surnames
    // from two- and three-word person names.
    for doc in &wikiann {
        for sentence in &doc.sentences {
            for chunk in sentence.spans() {
                let words = &sentence.words[chunk.start..chunk.end];
                let kind = match chunk.kind.as_str() {
                    "PER" => GazType::WikiPer,
                    "ORG" => GazType::WikiOrg,
                    "LOC" => GazType::WikiLoc,
                    _ => continue,
                };
                b.add(&words.join(" "), kind);
                if kind == GazType::WikiPer
                    && (2..=3).contains(&words.len())
                    && words.iter().all(|w| {
                        w.chars().next().is_some_and(char::is_uppercase)
                            && w.chars().all(char::is_alphabetic)
                    })
                {
                    b.add(&words[0], GazType::GivenName);
                    b.add(&words[words.len() - 1], GazType::Surname);
                }
            }
        }
    }
    Ok(b)
}

fn add_tsv_columns(
    b: &mut GazetteerBuilder,
    path: &Path,
    columns: &[&str],
    kind: GazType,
) -> Result<(), GazetteerError> {
    let text = read_text(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| format_err(path, "empty file"))?
        .split('\t')
        .collect();
    let indices: Vec<usize> = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == c)
                .ok_or_else(|| format_err(path, format!("no column {c:?}")))
        })
        .collect::<Result<_, _>>()?;
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        for &i in &indices {
            for name in fields.get(i).copied().unwrap_or("").split('|') {
                let name = name.trim();
                if is_latin_name(name) && !starts_lowercase(name) {
                    b.add(name, kind);
                }
            }
        }
    }
    Ok(())
}

/// Builds the gazetteer from the shared data and writes it to `out`; returns the builder
/// (for its statistics) and the loaded form.
pub fn build_and_save(
    data: &Path,
    out: &Path,
) -> Result<(GazetteerBuilder, Gazetteer), GazetteerError> {
    let builder = build_from_shared(data)?;
    builder.save(out)?;
    let gazetteer = builder.finish();
    Ok((builder, gazetteer))
}

/// Distinct lower-cased phrases in a builder with the given type (for reports and tests).
pub fn phrases_of(builder: &GazetteerBuilder, kind: GazType) -> HashSet<&str> {
    builder
        .phrases
        .iter()
        .filter(|(_, mask)| **mask & kind.bit() != 0)
        .map(|(p, _)| p.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Gazetteer {
        let mut b = GazetteerBuilder::new();
        b.add("New York", GazType::Place);
        b.add("New York City", GazType::Place);
        b.add("York", GazType::Place);
        b.add("New York Times", GazType::WikiOrg);
        b.add("Anna", GazType::GivenName);
        b.add("Bosnia and Herzegovina", GazType::Country);
        b.add("Ukrainian", GazType::Demonym);
        b.finish()
    }

    #[test]
    fn longest_match_per_type() {
        let g = sample();
        let words = [
            "Anna", "flew", "to", "New", "York", "City", "and", "York", ".",
        ];
        let matches = g.matches(&words);
        let found: Vec<(usize, usize, &str)> = matches
            .iter()
            .map(|m| (m.start, m.end, m.kind.name()))
            .collect();
        assert_eq!(
            found,
            vec![(0, 1, "GIVEN"), (3, 6, "PLACE"), (7, 8, "PLACE")]
        );
        let features = g.token_features(&words);
        assert_eq!(features[0], ["gaz=GIVEN-U"]);
        assert_eq!(features[3], ["gaz=PLACE-B"]);
        assert_eq!(features[4], ["gaz=PLACE-I"]);
        assert_eq!(features[5], ["gaz=PLACE-L"]);
        assert!(features[6].is_empty());
        // Each type keeps its own longest match.
        let words = ["the", "New", "York", "Times", "reported"];
        let features = g.token_features(&words);
        assert_eq!(features[1], ["gaz=PLACE-B", "gaz=WIKI-ORG-B"]);
        assert_eq!(features[2], ["gaz=PLACE-L", "gaz=WIKI-ORG-I"]);
        assert_eq!(features[3], ["gaz=WIKI-ORG-L"]);
    }

    #[test]
    fn matching_ignores_case_but_not_common_words() {
        let g = sample();
        // Headlines in capitals match; inner lower-case words are fine.
        let words = ["BOSNIA", "AND", "HERZEGOVINA", "VOTE"];
        assert_eq!(g.matches(&words)[0].end, 3);
        let words = ["in", "Bosnia", "and", "Herzegovina"];
        assert_eq!(g.matches(&words)[0].start, 1);
        // A match may not start or end on a lower-case word.
        assert!(g.matches(&["anna", "said"]).is_empty());
        assert!(g.matches(&["new", "york"]).is_empty());
        assert_eq!(g.types_of(&["ukrainian"]), vec![GazType::Demonym]);
    }

    #[test]
    fn common_words_are_left_out() {
        let mut stats = CaseStats::default();
        for _ in 0..3 {
            stats.add_sentence(&["It", "was", "a", "nice", "day", "in", "Rome"]);
        }
        let mut b = GazetteerBuilder::new().with_case_stats(stats);
        assert!(!b.add("Nice", GazType::Place));
        assert!(b.add("Rome", GazType::Place));
        assert!(b.add("Nice Airport", GazType::Place));
        assert!(!b.add("X", GazType::Place));
        assert!(!b.add("a b c d e f g", GazType::Place));
    }

    #[test]
    fn saves_and_loads() {
        let mut b = GazetteerBuilder::new();
        b.add("Lisbon", GazType::Place);
        b.add("Lisbon", GazType::WikiLoc);
        b.add("People's Liberation Army", GazType::Org);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.gaz");
        b.save(&path).unwrap();
        let g = Gazetteer::load(&path).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(
            g.types_of(&["LISBON"]),
            vec![GazType::Place, GazType::WikiLoc]
        );
        assert_eq!(
            g.types_of(&["People", "'s", "Liberation", "Army"]),
            vec![GazType::Org]
        );
        assert!(Gazetteer::from_bytes(b"nonsense").is_err());
        let again = dir.path().join("again.gaz");
        b.save(&again).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap()
        );
    }

    #[test]
    fn splits_phrases_like_news_tokens() {
        assert_eq!(
            phrase_tokens("Washington, D.C."),
            ["Washington", ",", "D.C."]
        );
        assert_eq!(phrase_tokens("People's Army"), ["People", "'s", "Army"]);
        assert_eq!(phrase_tokens("(Kiev)"), ["(", "Kiev", ")"]);
    }

    #[test]
    fn reads_phoenix_blocks() {
        let text = "UKRAINE_ [UKR]\n+UKRAINIAN_\n\nVIKTOR_YANUKOVYCH_  # CountryInfo.txt\n\t[UKRGOV 100225-140222]\n\
NATIONAL_GUARD_OF_UKRAINE\n+NGU\n\t[UKRMIL]\nJANE_DOE_\n";
        let blocks = phoenix_blocks(text);
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0].names, ["UKRAINE", "UKRAINIAN"]);
        assert_eq!(classify_phoenix(&blocks[0], true), Some(GazType::Country));
        assert_eq!(blocks[1].names, ["VIKTOR YANUKOVYCH"]);
        assert_eq!(classify_phoenix(&blocks[1], true), Some(GazType::Person));
        assert_eq!(blocks[2].names, ["NATIONAL GUARD OF UKRAINE", "NGU"]);
        assert_eq!(classify_phoenix(&blocks[2], true), Some(GazType::Org));
        assert_eq!(classify_phoenix(&blocks[3], true), None);
    }
}
