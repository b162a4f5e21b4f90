//! The event lexicon: which words express which CAMEO event, and how CAMEO codes map to
//! PLOVER types and modes.
//!
//! Built by `storyline train events` from three general resources and shipped as
//! `models/events-cameo.lex.zst` (zstd JSON):
//!
//! - the PETRARCH2 CAMEO verb dictionary (`CAMEO.2.0.txt`): verb blocks with member verbs
//!   (some multi-word, "rule out"), default codes, and patterns over the words around the
//!   verb (`- * (FOR {&MILITARY INCURSION}) [111]`);
//! - the CAMEO-to-PLOVER table (`CAMEO2PLOVER-2021.txt`);
//! - `crates/extract/data/event_nouns.tsv`, written for this project: nouns that name an
//!   event on their own ("attack", "talks", "phone call"), which the verb dictionary lacks;
//! - `crates/extract/data/event_verbs.tsv`, also ours: the few verbs whose code PLOVER
//!   defines differently from the 2015 dictionary ("agree", "reject").
//!
//! PETRARCH matches patterns against a constituency parse; storyline has none, so a pattern
//! here is a sequence of word slots matched in order within the verb's clause. The parse's
//! noun-phrase brackets (`{…}`, `(…)`) only group words and are flattened.

use std::io::{self, Read};
use std::path::Path;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use storyline_model::EventType;

/// One slot of a pattern: any of these phrases (each a sequence of lower-case words).
pub type Slot = Vec<Vec<String>>;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Pattern {
    /// Slots before the verb, nearest last.
    pub before: Vec<Slot>,
    /// Slots after the verb, in order.
    pub after: Vec<Slot>,
    /// The CAMEO code, or `None` for a pattern that stops coding ("killed in an accident").
    pub code: Option<String>,
    /// The member verbs the pattern was written for (its comment), when named: "take
    /// part" is about "take", not about "capture" in the same block. Empty: every member.
    #[serde(default)]
    pub verbs: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Verb {
    /// Lemma of the verb, then its particles: ["rule", "out"].
    pub words: Vec<String>,
    /// Inflected forms of the first word (the dictionary's irregular forms and the regular
    /// ones), so that lookups do not depend on the lemmatiser.
    pub forms: Vec<String>,
    /// Its own code, else the block's; `None` codes only through patterns.
    pub code: Option<String>,
    /// Whether `code` is the verb's own (or storyline's) rather than its block's default:
    /// a block default is a weak guess ("come" in a block of meeting verbs).
    #[serde(default)]
    pub own_code: bool,
    /// Index into `LexiconData::blocks`: the block whose patterns apply.
    pub block: usize,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Noun {
    /// Lemma of the head noun, preceded by required modifiers: ["phone", "call"].
    pub words: Vec<String>,
    pub code: String,
    /// Names an event only as the object of a verb ("launched drones", not "drone
    /// production"): marked `object` in the list.
    #[serde(default)]
    pub object_only: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PloverCode {
    pub cameo: String,
    pub event: EventType,
    pub mode: Option<String>,
}

/// The serialised form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LexiconData {
    pub verbs: Vec<Verb>,
    pub blocks: Vec<Vec<Pattern>>,
    pub nouns: Vec<Noun>,
    pub plover: Vec<PloverCode>,
    /// Nouns that name actors without a name ("police", "rebels", "farmers"): the head
    /// words of the Phoenix agents dictionary, lower case, singular and plural.
    #[serde(default)]
    pub agents: Vec<String>,
}

/// The lexicon, indexed for lookups by lemma.
pub struct Lexicon {
    data: LexiconData,
    /// First word (lemma) → indices into `data.verbs`, longest first.
    verbs: HashMap<String, Vec<usize>>,
    /// Head lemma (last word) → indices into `data.nouns`, longest first.
    nouns: HashMap<String, Vec<usize>>,
    plover: HashMap<String, (EventType, Option<String>)>,
    agents: hashbrown::HashSet<String>,
}

/// The model file, in `models/` or `$STORYLINE_MODELS`.
pub const LEXICON_FILE: &str = "events-cameo.lex.zst";

impl Lexicon {
    pub fn from_data(data: LexiconData) -> Lexicon {
        let mut verbs: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, v) in data.verbs.iter().enumerate() {
            for form in v.words.first().into_iter().chain(&v.forms) {
                let list = verbs.entry(form.clone()).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        for list in verbs.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(data.verbs[i].words.len()));
        }
        let mut nouns: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in data.nouns.iter().enumerate() {
            if let Some(last) = n.words.last() {
                nouns.entry(last.clone()).or_default().push(i);
            }
        }
        for list in nouns.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(data.nouns[i].words.len()));
        }
        let plover = data
            .plover
            .iter()
            .map(|p| (p.cameo.clone(), (p.event, p.mode.clone())))
            .collect();
        let agents = data.agents.iter().cloned().collect();
        Lexicon {
            data,
            verbs,
            nouns,
            plover,
            agents,
        }
    }

    pub fn data(&self) -> &LexiconData {
        &self.data
    }

    /// Verbs whose first word has this form or lemma, longest (most particles) first.
    pub fn verbs(&self, lemma: &str) -> impl Iterator<Item = &Verb> {
        self.verbs
            .get(lemma)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.verbs[i])
    }

    /// The patterns of the verb's block that apply to it.
    pub fn patterns<'a>(&'a self, verb: &'a Verb) -> impl Iterator<Item = &'a Pattern> {
        self.data
            .blocks
            .get(verb.block)
            .into_iter()
            .flatten()
            .filter(|p| p.verbs.is_empty() || p.verbs.contains(&verb.words[0]))
    }

    /// Nouns whose head has this lemma, longest (most modifiers) first.
    pub fn nouns(&self, lemma: &str) -> impl Iterator<Item = &Noun> {
        self.nouns
            .get(lemma)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.nouns[i])
    }

    /// The PLOVER type and mode of a CAMEO code: the entry for the code, else for its
    /// longest listed prefix (`0871` → `087` → `08`). CAMEO 01 (statements) has none.
    pub fn plover(&self, cameo: &str) -> Option<(EventType, Option<&str>)> {
        (2..=cameo.len()).rev().find_map(|n| {
            self.plover
                .get(&cameo[..n])
                .map(|(event, mode)| (*event, mode.as_deref()))
        })
    }

    /// Whether a lower-case noun names a kind of actor ("police", "rebels").
    pub fn is_agent(&self, lower: &str) -> bool {
        self.agents.contains(lower)
    }

    pub fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let json = serde_json::to_vec(&self.data)?;
        zstd::encode_all(json.as_slice(), 19)
    }

    pub fn from_bytes(bytes: &[u8]) -> io::Result<Lexicon> {
        let mut json = Vec::new();
        zstd::Decoder::new(bytes)?.read_to_end(&mut json)?;
        let data: LexiconData = serde_json::from_slice(&json)?;
        Ok(Lexicon::from_data(data))
    }

    /// Builds the lexicon from the dictionary, the PLOVER table, the agents dictionary and
    /// the folder holding `event_nouns.tsv` and `event_verbs.tsv` (see the module comment).
    pub fn build(
        cameo: &Path,
        plover: &Path,
        agents: &Path,
        authored: &Path,
    ) -> io::Result<Lexicon> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        let bad_line = |path: &Path, line: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: bad line {line:?}", path.display()),
            )
        };
        let mut data = parse_cameo_verbs(&read(cameo)?);
        data.plover = parse_plover_table(&read(plover)?);
        data.agents = parse_agents(&read(agents)?);
        let nouns = authored.join("event_nouns.tsv");
        data.nouns = parse_nouns(&read(&nouns)?).map_err(|line| bad_line(&nouns, line))?;
        let verbs = authored.join("event_verbs.tsv");
        let overrides = parse_verb_codes(&read(&verbs)?).map_err(|line| bad_line(&verbs, line))?;
        default_from_patterns(&mut data);
        for (words, code) in overrides {
            override_verb(&mut data, &words, code.as_deref());
        }
        Ok(Lexicon::from_data(data))
    }
}

/// `CAMEO2PLOVER-2021.txt`: `0356: AGREE,  , military # description`. CAMEO 02 (appeals)
/// is not in the table; PLOVER folds appeals into REQUEST, so 02x takes the mode of the
/// matching demand (10x).
pub fn parse_plover_table(text: &str) -> Vec<PloverCode> {
    let mut codes = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((code, rest)) = line.split_once(':') else {
            continue;
        };
        let code = code.trim();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let mut fields = rest.split(',').map(str::trim);
        let Some(event) = fields.next().and_then(EventType::parse) else {
            continue;
        };
        let mode = fields
            .next()
            .filter(|m| !m.is_empty())
            .map(|m| m.replace(' ', ""));
        codes.push(PloverCode {
            cameo: code.to_owned(),
            event,
            mode,
        });
    }
    let appeals: Vec<PloverCode> = codes
        .iter()
        .filter(|c| c.cameo.starts_with("10"))
        .map(|c| PloverCode {
            cameo: format!("02{}", &c.cameo[2..]),
            event: EventType::Request,
            mode: c.mode.clone(),
        })
        .collect();
    for appeal in appeals {
        if !codes.iter().any(|c| c.cameo == appeal.cameo) {
            codes.push(appeal);
        }
    }
    codes
}

/// The head words of a PETRARCH agents dictionary (`FARM_WORKER [~AGR]`,
/// `DAIRY!PERSON! [~AGR]` with `!PERSON! = MAN, MEN, …`), with plurals.
pub fn parse_agents(text: &str) -> Vec<String> {
    let mut substitutions: HashMap<String, Vec<String>> = HashMap::new();
    let mut heads = std::collections::BTreeSet::new();
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if let Some((name, values)) = line.split_once('=') {
            let name = name.trim().trim_matches('!').to_owned();
            let values = values
                .split(',')
                .map(|v| v.trim().to_lowercase())
                .filter(|v| !v.is_empty())
                .collect();
            substitutions.insert(name, values);
            continue;
        }
        // `POLICE {} [~COP]`, `!MINIST! FOR_YOUTH [~GOV]`: the first word group is the
        // noun; braces hold plural forms, later groups post-modifiers.
        let Some(entry) = line
            .split(['[', '{'])
            .next()
            .and_then(|e| e.split_whitespace().next())
        else {
            continue;
        };
        let last = entry.rsplit('_').next().unwrap_or(entry);
        // A substitution set at the end stands for each of its words.
        let expansions: Vec<String> = match last.split('!').collect::<Vec<_>>().as_slice() {
            [prefix, set, ""] => substitutions
                .get(*set)
                .map(|values| {
                    values
                        .iter()
                        .map(|v| format!("{}{v}", prefix.to_lowercase()))
                        .collect()
                })
                .unwrap_or_default(),
            _ => vec![last.to_lowercase()],
        };
        for head in expansions {
            if head.chars().all(|c| c.is_alphabetic() || c == '-') && head.len() > 2 {
                heads.insert(plural(&head));
                heads.insert(head);
            }
        }
    }
    heads.into_iter().collect()
}

fn plural(noun: &str) -> String {
    if let Some(stem) = noun.strip_suffix("man") {
        format!("{stem}men")
    } else if noun.ends_with('y') && !noun.ends_with("ey") && !noun.ends_with("ay") {
        format!("{}ies", &noun[..noun.len() - 1])
    } else if noun.ends_with('s') || noun.ends_with("sh") || noun.ends_with("ch") {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

/// Verbs the dictionary codes only through patterns ("accept", "return", "send") get a
/// weak default: the PLOVER type most of their block's patterns give, when it is at least
/// [`MAJORITY_SHARE`] of the block's coded patterns (of at least three), with the most
/// frequent CAMEO code of that type.
fn default_from_patterns(data: &mut LexiconData) {
    let lexicon = Lexicon::from_data(LexiconData {
        plover: data.plover.clone(),
        ..LexiconData::default()
    });
    for verb in data.verbs.iter_mut().filter(|v| v.code.is_none()) {
        let patterns = data.blocks[verb.block]
            .iter()
            .filter(|p| p.verbs.is_empty() || p.verbs.contains(&verb.words[0]));
        verb.code = majority_code(patterns, &lexicon);
    }
}

fn majority_code<'p>(
    patterns: impl Iterator<Item = &'p Pattern>,
    lexicon: &Lexicon,
) -> Option<String> {
    let mut types: HashMap<EventType, Vec<&str>> = HashMap::new();
    let mut coded = 0usize;
    for code in patterns.filter_map(|p| p.code.as_deref()) {
        coded += 1;
        if let Some((event, _)) = lexicon.plover(code) {
            types.entry(event).or_default().push(code);
        }
    }
    let (_, codes) = types
        .into_iter()
        .max_by_key(|(t, codes)| (codes.len(), *t))?;
    if coded < 3 || (codes.len() as f64) < MAJORITY_SHARE * coded as f64 {
        return None;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for code in &codes {
        *counts.entry(code).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(code, n)| (*n, std::cmp::Reverse(*code)))
        .map(|(code, _)| code.to_owned())
}

/// See [`default_from_patterns`].
const MAJORITY_SHARE: f64 = 0.35;

/// Sets the code of a one-word verb, adding it (without patterns) when the dictionary
/// lacks it.
fn override_verb(data: &mut LexiconData, words: &[String], code: Option<&str>) {
    let mut found = false;
    for verb in data.verbs.iter_mut().filter(|v| v.words == words) {
        verb.code = code.map(str::to_owned);
        verb.own_code = true;
        found = true;
    }
    if !found {
        data.blocks.push(Vec::new());
        data.verbs.push(Verb {
            forms: regular_forms(&words[0]),
            words: words.to_vec(),
            code: code.map(str::to_owned),
            own_code: true,
            block: data.blocks.len() - 1,
        });
    }
}

/// A verb's words and the code storyline sets for it (`None`: not an event by itself).
pub type VerbCode = (Vec<String>, Option<String>);

/// `event_verbs.tsv`: words, a tab, and a CAMEO code or `---` (not an event by itself).
pub fn parse_verb_codes(text: &str) -> Result<Vec<VerbCode>, String> {
    let mut verbs = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let (words, code) = line.split_once('\t').ok_or_else(|| line.to_owned())?;
        let code = match code.trim() {
            "---" => None,
            c if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => Some(c.to_owned()),
            _ => return Err(line.to_owned()),
        };
        verbs.push((
            words.split_whitespace().map(str::to_lowercase).collect(),
            code,
        ));
    }
    Ok(verbs)
}

/// `event_nouns.tsv`: words, a tab, the CAMEO code per line
/// (`phone call` tab `041`); `#` starts a comment.
pub fn parse_nouns(text: &str) -> Result<Vec<Noun>, String> {
    let mut nouns = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(words), Some(code)) = (fields.next(), fields.next()) else {
            return Err(line.to_owned());
        };
        let code = code.trim();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(line.to_owned());
        }
        let object_only = match fields.next().map(str::trim) {
            None | Some("") => false,
            Some("object") => true,
            Some(_) => return Err(line.to_owned()),
        };
        nouns.push(Noun {
            words: words.split_whitespace().map(str::to_lowercase).collect(),
            code: code.to_owned(),
            object_only,
        });
    }
    Ok(nouns)
}

/// A code in brackets: `[040:040]` → 040, `[---]` → none.
fn bracket_code(line: &str) -> Option<Option<String>> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    let inner = line[open + 1..close].trim();
    let code = inner.split(':').next().unwrap_or("").trim();
    Some((!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())).then(|| code.to_owned()))
}

/// Dictionary words are upper case, `_` joins words, a trailing `_` means "exactly".
fn dictionary_words(word: &str) -> Vec<String> {
    word.trim_start_matches('+')
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The verb blocks, members and patterns of `CAMEO.2.0.txt`, with synonym sets expanded.
pub fn parse_cameo_verbs(text: &str) -> LexiconData {
    let mut synonyms: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    let mut current_set: Option<String> = None;
    let mut data = LexiconData::default();
    let mut block_code: Option<String> = None;
    let mut block_name: Vec<String> = Vec::new();
    let mut in_block = false;
    let mut pattern_lines: Vec<(usize, String, Vec<String>)> = Vec::new();
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            current_set = None;
            continue;
        }
        if let Some(name) = line.strip_prefix('&') {
            current_set = Some(name.trim().to_owned());
            synonyms.entry(name.trim().to_owned()).or_default();
            continue;
        }
        if let Some(set) = &current_set {
            if let Some(word) = line.strip_prefix('+') {
                synonyms
                    .entry(set.clone())
                    .or_default()
                    .push(dictionary_words(
                        word.split_whitespace().next().unwrap_or(""),
                    ));
            }
            continue;
        }
        if line.starts_with("---") {
            block_code = bracket_code(line).flatten();
            block_name = line
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .map(dictionary_words)
                .unwrap_or_default();
            data.blocks.push(Vec::new());
            in_block = true;
            continue;
        }
        if !in_block {
            continue;
        }
        let block = data.blocks.len() - 1;
        if let Some(pattern) = line.strip_prefix('-') {
            // The comment names the member verb the pattern was written for.
            let written_for: Vec<String> = raw
                .split_once('#')
                .map(|(_, comment)| comment)
                .into_iter()
                .flat_map(|c| c.split([',', ' ']))
                .filter_map(|w| dictionary_words(w.trim()).into_iter().next())
                .collect();
            pattern_lines.push((block, pattern.trim().to_owned(), written_for));
            continue;
        }
        let Some(word) = line.split_whitespace().next() else {
            continue;
        };
        if !word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '+')
        {
            continue;
        }
        let words = dictionary_words(word);
        if words.is_empty() {
            continue;
        }
        // A member's own code wins, including `[---]` (coded only through patterns).
        // The block's code is the verb's own when the block is named after it
        // (`--- DEMAND [100] ---` for "demand").
        let (code, own_code) = match bracket_code(line) {
            Some(own) => (own, true),
            None => (block_code.clone(), words == block_name),
        };
        let mut forms = regular_forms(&words[0]);
        if let (Some(open), Some(close)) = (line.find('{'), line.find('}'))
            && open < close
        {
            for form in line[open + 1..close].split_whitespace() {
                if let Some(first) = dictionary_words(form).into_iter().next() {
                    forms.push(first);
                }
            }
        }
        forms.sort();
        forms.dedup();
        data.verbs.push(Verb {
            words,
            forms,
            code,
            own_code,
            block,
        });
    }
    for (block, line, written_for) in pattern_lines {
        if let Some(mut pattern) = parse_pattern(&line, &synonyms) {
            // Only names of this block's members count ("KILLED_AND" is a note).
            pattern.verbs = written_for
                .into_iter()
                .filter(|w| {
                    data.verbs
                        .iter()
                        .any(|v| v.block == block && v.words[0] == *w)
                })
                .collect();
            data.blocks[block].push(pattern);
        }
    }
    data
}

/// The regular inflections of an English verb: -s, -ed, -ing with the usual spelling
/// changes (PETRARCH generates the same; irregular forms are listed in the dictionary).
fn regular_forms(base: &str) -> Vec<String> {
    let mut forms = vec![base.to_owned()];
    let consonant = |c: char| !"aeiou".contains(c);
    let chars: Vec<char> = base.chars().collect();
    let Some(&last) = chars.last() else {
        return forms;
    };
    let stem_y = chars.len() > 1 && last == 'y' && consonant(chars[chars.len() - 2]);
    if stem_y {
        let stem = &base[..base.len() - 1];
        forms.push(format!("{stem}ies"));
        forms.push(format!("{stem}ied"));
    } else if base.ends_with('s')
        || base.ends_with('x')
        || base.ends_with('z')
        || base.ends_with("ch")
        || base.ends_with("sh")
    {
        forms.push(format!("{base}es"));
    } else {
        forms.push(format!("{base}s"));
    }
    if last == 'e' {
        let stem = &base[..base.len() - 1];
        forms.push(format!("{base}d"));
        forms.push(format!("{stem}ing"));
    } else {
        if !stem_y {
            forms.push(format!("{base}ed"));
        }
        forms.push(format!("{base}ing"));
        // Short verbs ending consonant-vowel-consonant double it: stop, stopped.
        let n = chars.len();
        if (3..=4).contains(&n)
            && consonant(last)
            && !"wxy".contains(last)
            && !consonant(chars[n - 2])
            && consonant(chars[n - 3])
        {
            forms.push(format!("{base}{last}ed"));
            forms.push(format!("{base}{last}ing"));
        }
    }
    forms
}

/// `PRE * POST [code]`: words, `{phrases}`, `(PREP …)` groups, `&SETS`; the actor and
/// target markers (`$ + ^ %`) are dropped.
fn parse_pattern(line: &str, synonyms: &HashMap<String, Vec<Vec<String>>>) -> Option<Pattern> {
    let code = bracket_code(line)?;
    let body = &line[..line.find('[')?];
    let (before, after) = body.split_once('*')?;
    let slots = |part: &str| -> Vec<Slot> {
        part.split(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '(' | ')'))
            .filter(|w| !w.is_empty() && !matches!(*w, "$" | "+" | "^" | "%" | "|"))
            .filter_map(|w| match w.strip_prefix('&') {
                Some(set) => synonyms.get(set).filter(|s| !s.is_empty()).cloned(),
                None => {
                    let words = dictionary_words(w);
                    (!words.is_empty()).then(|| vec![words])
                }
            })
            .collect()
    };
    let pattern = Pattern {
        before: slots(before),
        after: slots(after),
        code,
        verbs: Vec::new(),
    };
    (!pattern.before.is_empty() || !pattern.after.is_empty()).then_some(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICTIONARY: &str = "\
&WEAPON
+MISSILE
+ROCKET_LAUNCHER

---  FIRE   [190]  ---
FIRE  # a comment
SHOOT {SHOOTS SHOT} [193]
+OPEN_FIRE
- * &WEAPON (AT +)                                  [195]         # FIRE
- * (IN {TRAINING ACCIDENT})                        [---]         # FIRE

---  MOVE   [---]  ---
MOVE
- $ TROOP * TOWARD +                                [154]         # MOVE
";

    #[test]
    fn verbs_patterns_and_synonyms_are_read() {
        let data = parse_cameo_verbs(DICTIONARY);
        let words: Vec<_> = data.verbs.iter().map(|v| v.words.join(" ")).collect();
        assert_eq!(words, ["fire", "shoot", "open fire", "move"]);
        assert!(data.verbs[1].forms.contains(&"shot".to_owned()));
        assert!(data.verbs[0].forms.contains(&"fired".to_owned()));
        assert!(data.verbs[0].forms.contains(&"firing".to_owned()));
        assert_eq!(data.verbs[0].code.as_deref(), Some("190"));
        assert_eq!(data.verbs[1].code.as_deref(), Some("193"));
        assert_eq!(data.verbs[3].code, None);
        let fire = &data.blocks[data.verbs[0].block];
        assert_eq!(fire.len(), 2);
        assert_eq!(
            fire[0].after[0],
            vec![
                vec!["missile".to_owned()],
                vec!["rocket".into(), "launcher".into()]
            ]
        );
        assert_eq!(fire[0].after[1], vec![vec!["at".to_owned()]]);
        assert_eq!(fire[1].code, None);
        assert_eq!(fire[0].verbs, ["fire"], "the comment names the member");
        let move_block = &data.blocks[data.verbs[3].block];
        assert_eq!(move_block[0].before, vec![vec![vec!["troop".to_owned()]]]);
        assert_eq!(move_block[0].code.as_deref(), Some("154"));
        let data = parse_cameo_verbs("---  CONFINE   [170]  ---\nHOLD {HELD} [---]\nJAIL\n");
        assert_eq!(
            data.verbs[0].code, None,
            "an explicit [---] is not the block's code"
        );
        assert_eq!(data.verbs[1].code.as_deref(), Some("170"));
        assert!(data.verbs[0].own_code && !data.verbs[1].own_code);
        let data = parse_cameo_verbs("---  DEMAND   [100]  ---\nDEMAND\nINSIST\n");
        assert!(data.verbs[0].own_code, "the block is named after it");
        assert!(!data.verbs[1].own_code);
    }

    #[test]
    fn regular_inflections() {
        assert_eq!(
            regular_forms("telephone"),
            ["telephone", "telephones", "telephoned", "telephoning"]
        );
        assert_eq!(
            regular_forms("deny"),
            ["deny", "denies", "denied", "denying"]
        );
        assert!(regular_forms("stop").contains(&"stopped".to_owned()));
        assert_eq!(
            regular_forms("push"),
            ["push", "pushes", "pushed", "pushing"]
        );
    }

    #[test]
    fn plover_table_maps_by_longest_prefix() {
        let table = "# header\n04: CONSULT\n041: CONSULT, phone,   # Discuss by telephone\n\
                     19: ASSAULT\n190: ASSAULT, , military # force\n\
                     1056: REQUEST, yield, military # Demand de-escalation\n";
        let lexicon = Lexicon::from_data(LexiconData {
            plover: parse_plover_table(table),
            ..LexiconData::default()
        });
        assert_eq!(
            lexicon.plover("041"),
            Some((EventType::Consult, Some("phone")))
        );
        assert_eq!(
            lexicon.plover("0412"),
            Some((EventType::Consult, Some("phone")))
        );
        assert_eq!(lexicon.plover("195"), Some((EventType::Assault, None)));
        assert_eq!(
            lexicon.plover("0256"),
            Some((EventType::Request, Some("yield")))
        );
        assert_eq!(lexicon.plover("010"), None);
    }

    #[test]
    fn agent_heads_expand_substitutions_and_plurals() {
        let agents = parse_agents(
            "!PERSON! = MAN, WOMAN\nFARM_WORKER [~AGR]\nDAIRY!PERSON! [~AGR]\nPOLICE {} [~COP]\n\
             ARMY [~MIL]\n!PERSON! FOR_PEACE [~NGO]\n",
        );
        for word in [
            "worker",
            "workers",
            "dairyman",
            "dairymen",
            "dairywoman",
            "police",
            "army",
            "armies",
        ] {
            assert!(agents.contains(&word.to_owned()), "{word} in {agents:?}");
        }
        assert!(!agents.contains(&"farm".to_owned()));
    }

    #[test]
    fn noun_lines_need_a_numeric_code() {
        let nouns = parse_nouns("# c\nphone call\t041\nattack\t190\ndrone\t195\tobject\n").unwrap();
        assert_eq!(nouns[0].words, ["phone", "call"]);
        assert!(!nouns[1].object_only && nouns[2].object_only);
        assert!(parse_nouns("drone\t195\tsometimes\n").is_err());
        let verbs = parse_verb_codes("agree\t030\nissue\t---\n").unwrap();
        assert_eq!(verbs[0], (vec!["agree".to_owned()], Some("030".to_owned())));
        assert_eq!(verbs[1].1, None);
        assert!(parse_verb_codes("issue\tnone\n").is_err());
        assert!(parse_nouns("attack\tXYZ\n").is_err());
        assert!(parse_nouns("attack 190\n").is_err());
    }
}
