//! The cue lexicon: reporting verbs with every inflected form, multi-word cues and
//! attribution nouns, read from `../shared/data/lexicons/reporting_verbs` at training time and
//! carried inside the model file, so nothing reads `../shared` at run time.

use std::path::Path;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// What a lower-cased word is in the lexicon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordClass {
    /// An inflected form of a reporting verb; the stance class index.
    Verb(u8),
    /// A noun that heads speaker phrases ("spokeswoman", "officials").
    Noun,
}

/// Everything the lexicon holds for one lower-cased word, found with one lookup (the quote
/// finder asks for each token's class, multi-word cues and phrasal particle).
#[derive(Debug, Default)]
pub struct Entry {
    pub class: Option<WordClass>,
    /// Indices into `Lexicon::multiword` of the cues that start with the word.
    multiword: Vec<usize>,
    /// The particle, if the word is a phrasal reporting verb's.
    phrasal: Option<String>,
}

impl Entry {
    /// Whether a multi-word cue starts with the word.
    pub fn starts_multiword(&self) -> bool {
        !self.multiword.is_empty()
    }

    /// Whether the word is the verb of a phrasal reporting verb whose particle is `next`.
    pub fn phrasal_with(&self, next: &str) -> bool {
        self.phrasal.as_deref() == Some(next)
    }
}

/// The serialised lexicon, as stored in the model's metadata.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LexiconData {
    /// (form, lemma, stance) for every inflected form of every reporting verb.
    pub verbs: Vec<(String, String, String)>,
    /// (pattern, type) of multi-word cues ("according to", "told reporters").
    pub multiword: Vec<(String, String)>,
    /// Attribution nouns (single words only; phrases are matched by their last word).
    pub nouns: Vec<String>,
}

/// The lexicon, indexed for lookups by lower-cased word.
#[derive(Debug, Default)]
pub struct Lexicon {
    stances: Vec<String>,
    /// Multi-word cues as word sequences, with whether they introduce speech (consultation
    /// cues such as "spoke with" do not introduce quoted content).
    multiword: Vec<(Vec<String>, bool)>,
    /// Multi-word cues followed by their source ("according to X"), as word sequences.
    source_prep: Vec<Vec<String>>,
    /// Each word's class, the multi-word cues it starts and its particle if it is a phrasal
    /// verb's ("points" → "out": "points" alone is no cue).
    entries: HashMap<String, Entry>,
    data: LexiconData,
}

impl Lexicon {
    /// Reads the shared lexicon folder (`reporting_verbs_en.tsv`, `multiword_cues_en.tsv`,
    /// `attribution_nouns_en.txt`).
    pub fn read_dir(dir: &Path) -> std::io::Result<Lexicon> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        let mut data = LexiconData::default();
        for line in read("reporting_verbs_en.tsv")?.lines().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 3 {
                continue;
            }
            let (lemma, stance) = (fields[0].trim(), fields[2].trim());
            data.verbs
                .push((lemma.to_owned(), lemma.to_owned(), stance.to_owned()));
            for form in fields[1].split(',') {
                data.verbs
                    .push((form.trim().to_owned(), lemma.to_owned(), stance.to_owned()));
            }
        }
        for line in read("multiword_cues_en.tsv")?.lines().skip(1) {
            let mut fields = line.split('\t');
            if let (Some(pattern), Some(kind)) = (fields.next(), fields.next()) {
                data.multiword
                    .push((pattern.trim().to_owned(), kind.trim().to_owned()));
            }
        }
        for line in read("attribution_nouns_en.txt")?.lines() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                data.nouns.push(line.to_owned());
            }
        }
        Ok(Lexicon::from_data(data))
    }

    pub fn from_data(data: LexiconData) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for (form, _lemma, stance) in &data.verbs {
            let stance_index = match lexicon.stances.iter().position(|s| s == stance) {
                Some(i) => i,
                None => {
                    lexicon.stances.push(stance.clone());
                    lexicon.stances.len() - 1
                }
            };
            let mut words = form.split_whitespace();
            let (Some(head), particle) = (words.next(), words.next()) else {
                continue;
            };
            let entry = lexicon.entries.entry(head.to_lowercase()).or_default();
            match particle {
                Some(particle) => entry.phrasal = Some(particle.to_lowercase()),
                None => entry.class = Some(WordClass::Verb(stance_index.min(255) as u8)),
            }
        }
        for noun in &data.nouns {
            if let Some(last) = noun.split_whitespace().last() {
                // A reporting verb's form stays a verb ("reports").
                let entry = lexicon.entries.entry(last.to_lowercase()).or_default();
                entry.class.get_or_insert(WordClass::Noun);
            }
        }
        for (pattern, kind) in &data.multiword {
            let words: Vec<String> = pattern.split_whitespace().map(str::to_lowercase).collect();
            if words.is_empty() {
                continue;
            }
            if kind == "source_prep" {
                lexicon.source_prep.push(words.clone());
            }
            lexicon
                .entries
                .entry(words[0].clone())
                .or_default()
                .multiword
                .push(lexicon.multiword.len());
            lexicon.multiword.push((words, kind != "consult"));
        }
        lexicon.data = data;
        lexicon
    }

    /// What the lexicon holds for a lower-cased word.
    pub fn entry(&self, lower: &str) -> Option<&Entry> {
        self.entries.get(lower)
    }

    /// The name of stance class `index` ("neutral", "deny", …).
    pub fn stance_name(&self, index: u8) -> Option<&str> {
        self.stances.get(usize::from(index)).map(String::as_str)
    }

    pub fn data(&self) -> &LexiconData {
        &self.data
    }

    /// The class of a lower-cased word.
    pub fn word(&self, lower: &str) -> Option<WordClass> {
        self.entry(lower).and_then(|e| e.class)
    }

    /// The longest multi-word cue starting at `words[0]`, whose entry is `entry`: its
    /// length and whether it introduces speech.
    pub fn multiword_from(&self, entry: &Entry, words: &[&str]) -> Option<(usize, bool)> {
        let mut best: Option<(usize, bool)> = None;
        for (pattern, speech) in entry.multiword.iter().map(|&k| &self.multiword[k]) {
            if pattern.len() <= words.len()
                && pattern.iter().zip(words).all(|(p, w)| p == w)
                && best.is_none_or(|(len, _)| pattern.len() > len)
            {
                best = Some((pattern.len(), *speech));
            }
        }
        best
    }

    /// The length of the longest cue starting at `words[0]` whose source follows it
    /// ("according to", "quoted by").
    pub fn source_prep_at(&self, words: &[&str]) -> Option<usize> {
        self.source_prep
            .iter()
            .filter(|p| p.len() <= words.len() && p.iter().zip(words).all(|(p, w)| p == w))
            .map(Vec::len)
            .max()
    }
}
