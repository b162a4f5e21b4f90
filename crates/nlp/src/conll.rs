//! Named-entity corpora and their scoring: CoNLL-2003 (`word POS chunk NER`, IOB1 tags,
//! `-DOCSTART-` document boundaries) and WikiANN (`en:TOKEN<TAB>TAG`, IOB2), read into
//! documents of sentences; conversion between tag schemes (IOB1, BIO, BILOU) through entity
//! spans; and entity scoring that reproduces `conlleval.pl` exactly (chunk boundaries, the
//! counts and the printed report).
//!
//! Readers never panic on bad input: a malformed line is a [`ConllError`] naming the line.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// A reading error: I/O, or a line that does not fit the format (1-based line number).
#[derive(Debug, thiserror::Error)]
pub enum ConllError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
}

/// One sentence, column-wise: `words[i]` has entity tag `tags[i]` (in the scheme of the file
/// it came from) and, when the file has one, part-of-speech tag `pos[i]` (else `pos` is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    pub words: Vec<String>,
    pub pos: Vec<String>,
    pub tags: Vec<String>,
}

impl Sentence {
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The entity spans of this sentence's tags, read with `conlleval` semantics (right for
    /// IOB1 and BIO; see [`spans_from_tags`] for BILOU).
    pub fn spans(&self) -> Vec<Chunk> {
        chunks(&self.tags)
    }
}

/// A document: consecutive sentences that belong together (a CoNLL `-DOCSTART-` section).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub sentences: Vec<Sentence>,
}

impl Document {
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(Sentence::len).sum()
    }
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CoNLL-2003: `word POS chunk NER` separated by spaces, IOB1, `-DOCSTART-` lines.
    Conll2003,
    /// WikiANN / PAN-X: `en:TOKEN<TAB>TAG`, IOB2, one sentence per document.
    WikiAnn,
}

/// Reads a whole file in the given format.
pub fn read_file(path: &Path, format: Format) -> Result<Vec<Document>, ConllError> {
    let io_error = |source| ConllError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let reader = io::BufReader::new(file);
    let result = match format {
        Format::Conll2003 => read_conll2003(reader),
        Format::WikiAnn => read_wikiann(reader),
    };
    result.map_err(|e| match e {
        ConllError::Io { source, .. } => io_error(source),
        other => other,
    })
}

fn check_tag(tag: &str, line: usize) -> Result<(), ConllError> {
    let bad = |why: &str| ConllError::Malformed {
        line,
        message: format!("bad entity tag {tag:?}: {why}"),
    };
    if tag == "O" {
        return Ok(());
    }
    match tag.split_once('-') {
        Some((prefix, kind)) => {
            if !matches!(prefix, "B" | "I" | "E" | "S" | "L" | "U") {
                return Err(bad("expected O or B-, I-, E-, S-, L-, U- and a type"));
            }
            if kind.is_empty() {
                return Err(bad("empty type"));
            }
            Ok(())
        }
        None => Err(bad("expected O or PREFIX-TYPE")),
    }
}

/// Reads CoNLL-2003: four space-separated columns, blank lines between sentences, and
/// `-DOCSTART-` lines between documents. Text before the first `-DOCSTART-` is a document.
pub fn read_conll2003(reader: impl BufRead) -> Result<Vec<Document>, ConllError> {
    let mut documents = Vec::new();
    let mut document = Document::default();
    let mut sentence = Sentence::default();
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|source| ConllError::Io {
            path: PathBuf::new(),
            source,
        })?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            if !sentence.is_empty() {
                document.sentences.push(std::mem::take(&mut sentence));
            }
            continue;
        }
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns[0] == "-DOCSTART-" {
            if !sentence.is_empty() {
                document.sentences.push(std::mem::take(&mut sentence));
            }
            if !document.sentences.is_empty() {
                documents.push(std::mem::take(&mut document));
            }
            continue;
        }
        if columns.len() != 4 {
            return Err(ConllError::Malformed {
                line: number,
                message: format!(
                    "expected 4 columns (word POS chunk NER), found {}",
                    columns.len()
                ),
            });
        }
        check_tag(columns[3], number)?;
        sentence.words.push(columns[0].to_owned());
        sentence.pos.push(columns[1].to_owned());
        sentence.tags.push(columns[3].to_owned());
    }
    if !sentence.is_empty() {
        document.sentences.push(sentence);
    }
    if !document.sentences.is_empty() {
        documents.push(document);
    }
    Ok(documents)
}

/// Reads WikiANN: `en:TOKEN<TAB>TAG` (the language prefix is optional), blank lines between
/// sentences. Each sentence is its own document: WikiANN sentences are unrelated fragments.
pub fn read_wikiann(reader: impl BufRead) -> Result<Vec<Document>, ConllError> {
    let mut documents = Vec::new();
    let mut sentence = Sentence::default();
    let mut flush = |sentence: &mut Sentence| {
        if !sentence.is_empty() {
            documents.push(Document {
                sentences: vec![std::mem::take(sentence)],
            });
        }
    };
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|source| ConllError::Io {
            path: PathBuf::new(),
            source,
        })?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            flush(&mut sentence);
            continue;
        }
        let Some((token, tag)) = line.rsplit_once('\t') else {
            return Err(ConllError::Malformed {
                line: number,
                message: "expected TOKEN<TAB>TAG".to_owned(),
            });
        };
        let token = match token.split_once(':') {
            Some((lang, rest))
                if !rest.is_empty()
                    && (2..=3).contains(&lang.len())
                    && lang.bytes().all(|b| b.is_ascii_lowercase()) =>
            {
                rest
            }
            _ => token,
        };
        if token.is_empty() || token.contains(char::is_whitespace) {
            return Err(ConllError::Malformed {
                line: number,
                message: format!("bad token {token:?}"),
            });
        }
        let tag = tag.trim();
        check_tag(tag, number)?;
        sentence.words.push(token.to_owned());
        sentence.tags.push(tag.to_owned());
    }
    flush(&mut sentence);
    Ok(documents)
}

/// An entity span over token indices, half-open, with its type ("PER", "LOC", ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub kind: String,
}

/// Tag schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// IOB1 (CoNLL-2003): I-X inside, B-X only where an entity follows another of its type.
    Iob1,
    /// BIO / IOB2: B-X begins every entity.
    Bio,
    /// BILOU: B-X begin, I-X inside, L-X last, U-X single-token entity.
    Bilou,
}

/// Splits a tag into (prefix, type) the way conlleval does: at the first `-`.
fn split_tag(tag: &str) -> (&str, &str) {
    match tag.split_once('-') {
        Some((prefix, kind)) => (prefix, kind),
        None => (tag, ""),
    }
}

/// conlleval.pl `endOfChunk`: does a chunk end between the previous token and this one?
fn end_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, kind: &str) -> bool {
    let mut end = matches!(
        (prev_tag, tag),
        ("B", "B") | ("B", "O") | ("I", "B") | ("I", "O") | ("E", "E") | ("E", "I") | ("E", "O")
    );
    if prev_tag != "O" && prev_tag != "." && prev_type != kind {
        end = true;
    }
    if prev_tag == "]" || prev_tag == "[" {
        end = true;
    }
    end
}

/// conlleval.pl `startOfChunk`: does a chunk start at this token?
fn start_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, kind: &str) -> bool {
    let mut start = matches!(
        (prev_tag, tag),
        ("B", "B") | ("I", "B") | ("O", "B") | ("O", "I") | ("E", "E") | ("E", "I") | ("O", "E")
    );
    if tag != "O" && tag != "." && prev_type != kind {
        start = true;
    }
    if tag == "[" || tag == "]" {
        start = true;
    }
    start
}

/// The chunks of one sentence's tags with exactly the boundaries `conlleval.pl` uses.
pub fn chunks<S: AsRef<str>>(tags: &[S]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let (mut prev_tag, mut prev_type) = ("O", "");
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (tag, kind) = split_tag(tag.as_ref());
        if let Some((start, open_kind)) = open
            && end_of_chunk(prev_tag, tag, prev_type, kind)
        {
            out.push(Chunk {
                start,
                end: i,
                kind: open_kind.to_owned(),
            });
            open = None;
        }
        if start_of_chunk(prev_tag, tag, prev_type, kind) {
            // conlleval counts a start even where no end was seen (e.g. "E-X E-X"); close any
            // chunk still open so spans never overlap.
            if let Some((start, open_kind)) = open.take() {
                out.push(Chunk {
                    start,
                    end: i,
                    kind: open_kind.to_owned(),
                });
            }
            open = Some((i, kind));
        }
        prev_tag = tag;
        prev_type = kind;
    }
    if let Some((start, kind)) = open {
        out.push(Chunk {
            start,
            end: tags.len(),
            kind: kind.to_owned(),
        });
    }
    out
}

/// Entity spans from tags in `scheme`. IOB1 and BIO are read with conlleval's rules; BILOU
/// leniently (an I or L that cannot continue an entity starts one).
pub fn spans_from_tags<S: AsRef<str>>(tags: &[S], scheme: Scheme) -> Vec<Chunk> {
    match scheme {
        Scheme::Iob1 | Scheme::Bio => chunks(tags),
        Scheme::Bilou => {
            let mut out = Vec::new();
            let mut open: Option<(usize, String)> = None;
            for (i, tag) in tags.iter().enumerate() {
                let (prefix, kind) = split_tag(tag.as_ref());
                let continues = matches!(&open, Some((_, k)) if k == kind);
                match prefix {
                    "I" | "L" | "E" if continues => {}
                    "O" | "" => {
                        if let Some((start, k)) = open.take() {
                            out.push(Chunk {
                                start,
                                end: i,
                                kind: k,
                            });
                        }
                        continue;
                    }
                    _ => {
                        if let Some((start, k)) = open.take() {
                            out.push(Chunk {
                                start,
                                end: i,
                                kind: k,
                            });
                        }
                        open = Some((i, kind.to_owned()));
                    }
                }
                if matches!(prefix, "L" | "E" | "U" | "S") {
                    let (start, k) = open.take().expect("opened above");
                    out.push(Chunk {
                        start,
                        end: i + 1,
                        kind: k,
                    });
                }
            }
            if let Some((start, k)) = open {
                out.push(Chunk {
                    start,
                    end: tags.len(),
                    kind: k,
                });
            }
            out
        }
    }
}

/// Tags for `len` tokens holding non-overlapping `spans` (sorted or not) in `scheme`.
pub fn tags_from_spans(len: usize, spans: &[Chunk], scheme: Scheme) -> Vec<String> {
    let mut tags = vec!["O".to_owned(); len];
    let mut sorted: Vec<&Chunk> = spans
        .iter()
        .filter(|c| c.start < c.end && c.end <= len)
        .collect();
    sorted.sort();
    let mut prev: Option<&Chunk> = None;
    for chunk in sorted {
        let touches_same = prev.is_some_and(|p| p.end == chunk.start && p.kind == chunk.kind);
        for (i, tag) in tags
            .iter_mut()
            .enumerate()
            .take(chunk.end)
            .skip(chunk.start)
        {
            let prefix = match scheme {
                Scheme::Iob1 => {
                    if i == chunk.start && touches_same {
                        "B"
                    } else {
                        "I"
                    }
                }
                Scheme::Bio => {
                    if i == chunk.start {
                        "B"
                    } else {
                        "I"
                    }
                }
                Scheme::Bilou => {
                    if chunk.end - chunk.start == 1 {
                        "U"
                    } else if i == chunk.start {
                        "B"
                    } else if i + 1 == chunk.end {
                        "L"
                    } else {
                        "I"
                    }
                }
            };
            *tag = format!("{prefix}-{}", chunk.kind);
        }
        prev = Some(chunk);
    }
    tags
}

/// Re-tags a sentence's tags from one scheme to another through spans.
pub fn convert_tags<S: AsRef<str>>(tags: &[S], from: Scheme, to: Scheme) -> Vec<String> {
    tags_from_spans(tags.len(), &spans_from_tags(tags, from), to)
}

/// Precision, recall and F1 in percent, with the counts they come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Chunks in the gold standard.
    pub gold: usize,
    /// Chunks predicted.
    pub predicted: usize,
    /// Predicted chunks that match a gold chunk exactly (start, end and type).
    pub correct: usize,
}

impl Score {
    fn new(correct: usize, gold: usize, predicted: usize) -> Score {
        let precision = if predicted > 0 {
            100.0 * correct as f64 / predicted as f64
        } else {
            0.0
        };
        let recall = if gold > 0 {
            100.0 * correct as f64 / gold as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Score {
            precision,
            recall,
            f1,
            gold,
            predicted,
            correct,
        }
    }
}

/// The result of [`ConllEval`]: the numbers `conlleval.pl` prints. `Display` prints them in
/// its format.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct EvalReport {
    pub tokens: usize,
    pub correct_tags: usize,
    /// Token accuracy in percent (tag and type both right).
    pub accuracy: f64,
    pub overall: Score,
    pub by_type: BTreeMap<String, Score>,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "processed {} tokens with {} phrases; found: {} phrases; correct: {}.",
            self.tokens, self.overall.gold, self.overall.predicted, self.overall.correct
        )?;
        if self.tokens > 0 {
            writeln!(
                f,
                "accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}",
                self.accuracy, self.overall.precision, self.overall.recall, self.overall.f1
            )?;
        }
        for (kind, score) in &self.by_type {
            writeln!(
                f,
                "{kind:>17}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}",
                score.precision, score.recall, score.f1, score.predicted
            )?;
        }
        Ok(())
    }
}

/// `conlleval.pl` as a state machine: feed (gold, predicted) tag pairs token by token with
/// [`ConllEval::token`] and sentence ends with [`ConllEval::boundary`], then [`report`].
///
/// [`report`]: ConllEval::report
pub struct ConllEval {
    last_correct: String,
    last_correct_type: String,
    last_guessed: String,
    last_guessed_type: String,
    in_correct: bool,
    correct_chunk: usize,
    found_correct: usize,
    found_guessed: usize,
    correct_tags: usize,
    tokens: usize,
    per_type: BTreeMap<String, [usize; 3]>,
}

impl Default for ConllEval {
    fn default() -> Self {
        ConllEval::new()
    }
}

impl ConllEval {
    pub fn new() -> ConllEval {
        ConllEval {
            last_correct: "O".to_owned(),
            last_correct_type: String::new(),
            last_guessed: "O".to_owned(),
            last_guessed_type: String::new(),
            in_correct: false,
            correct_chunk: 0,
            found_correct: 0,
            found_guessed: 0,
            correct_tags: 0,
            tokens: 0,
            per_type: BTreeMap::new(),
        }
    }

    /// One token with its gold and predicted tags.
    pub fn token(&mut self, gold: &str, predicted: &str) {
        self.step(gold, predicted, false);
    }

    /// A sentence boundary (a blank line in conlleval's input).
    pub fn boundary(&mut self) {
        self.step("O", "O", true);
    }

    /// A whole sentence followed by a boundary. The slices must have the same length; extra
    /// tags in the longer one are ignored.
    pub fn sentence<G: AsRef<str>, P: AsRef<str>>(&mut self, gold: &[G], predicted: &[P]) {
        for (g, p) in gold.iter().zip(predicted) {
            self.token(g.as_ref(), p.as_ref());
        }
        self.boundary();
    }

    fn count(&mut self, kind: &str, slot: usize) {
        self.per_type.entry(kind.to_owned()).or_default()[slot] += 1;
    }

    fn step(&mut self, gold: &str, predicted: &str, is_boundary: bool) {
        let (correct, correct_type) = split_tag(gold);
        let (mut guessed, guessed_type) = split_tag(predicted);
        if is_boundary {
            guessed = "O";
        }
        let (lc, lct) = (self.last_correct.as_str(), self.last_correct_type.as_str());
        let (lg, lgt) = (self.last_guessed.as_str(), self.last_guessed_type.as_str());
        let mut finished_type = None;
        if self.in_correct {
            let end_correct = end_of_chunk(lc, correct, lct, correct_type);
            let end_guessed = end_of_chunk(lg, guessed, lgt, guessed_type);
            if end_correct && end_guessed && lgt == lct {
                self.in_correct = false;
                self.correct_chunk += 1;
                finished_type = Some(lct.to_owned());
            } else if end_correct != end_guessed || guessed_type != correct_type {
                self.in_correct = false;
            }
        }
        let start_correct = start_of_chunk(lc, correct, lct, correct_type);
        let start_guessed = start_of_chunk(lg, guessed, lgt, guessed_type);
        if start_correct && start_guessed && guessed_type == correct_type {
            self.in_correct = true;
        }
        if let Some(kind) = finished_type {
            self.count(&kind, 0);
        }
        if start_correct {
            self.found_correct += 1;
            self.count(correct_type, 1);
        }
        if start_guessed {
            self.found_guessed += 1;
            self.count(guessed_type, 2);
        }
        if !is_boundary {
            if correct == guessed && guessed_type == correct_type {
                self.correct_tags += 1;
            }
            self.tokens += 1;
        }
        self.last_correct = correct.to_owned();
        self.last_correct_type = correct_type.to_owned();
        self.last_guessed = guessed.to_owned();
        self.last_guessed_type = guessed_type.to_owned();
    }

    /// The scores so far (a chunk still open at the end counts, as in conlleval).
    pub fn report(&self) -> EvalReport {
        let mut correct_chunk = self.correct_chunk;
        let mut per_type = self.per_type.clone();
        if self.in_correct {
            correct_chunk += 1;
            per_type.entry(self.last_correct_type.clone()).or_default()[0] += 1;
        }
        let by_type = per_type
            .into_iter()
            .filter(|(_, [_, gold, predicted])| gold + predicted > 0)
            .map(|(kind, [correct, gold, predicted])| (kind, Score::new(correct, gold, predicted)))
            .collect();
        EvalReport {
            tokens: self.tokens,
            correct_tags: self.correct_tags,
            accuracy: if self.tokens > 0 {
                100.0 * self.correct_tags as f64 / self.tokens as f64
            } else {
                0.0
            },
            overall: Score::new(correct_chunk, self.found_correct, self.found_guessed),
            by_type,
        }
    }
}

/// Scores conlleval input: whitespace-separated lines whose last two columns are the gold and
/// predicted tags, blank lines (or a first column `-X-`) between sentences.
pub fn evaluate_lines(reader: impl BufRead) -> Result<EvalReport, ConllError> {
    let mut eval = ConllEval::new();
    let mut columns_expected = None;
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| ConllError::Io {
            path: PathBuf::new(),
            source,
        })?;
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns.is_empty() || columns[0] == "-X-" {
            eval.boundary();
            continue;
        }
        match columns_expected {
            None => columns_expected = Some(columns.len()),
            Some(n) if n != columns.len() => {
                return Err(ConllError::Malformed {
                    line: index + 1,
                    message: format!("unexpected number of columns: {} ({n})", columns.len()),
                });
            }
            _ => {}
        }
        if columns.len() < 3 {
            return Err(ConllError::Malformed {
                line: index + 1,
                message: "expected at least 3 columns: token, gold tag, predicted tag".to_owned(),
            });
        }
        let n = columns.len();
        eval.token(columns[n - 2], columns[n - 1]);
    }
    Ok(eval.report())
}

/// Writes `token gold predicted` lines, a blank line after each sentence: conlleval's input.
pub fn write_predictions<W: Write, S: AsRef<str>>(
    out: &mut W,
    sentences: impl IntoIterator<Item = (Vec<S>, Vec<S>, Vec<S>)>,
) -> io::Result<()> {
    for (words, gold, predicted) in sentences {
        for ((word, g), p) in words.iter().zip(&gold).zip(&predicted) {
            writeln!(out, "{} {} {}", word.as_ref(), g.as_ref(), p.as_ref())?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\
German JJ I-NP I-MISC\ncall NN I-NP O\n. . O O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\n\
-DOCSTART- -X- O O\n\nIn IN I-PP O\nLondon NNP I-NP I-LOC\nParis NNP I-NP B-LOC\nand CC O O\n\
Rome NNP I-NP I-LOC\n\n";

    #[test]
    fn reads_iob1_documents() {
        let docs = read_conll2003(SAMPLE.as_bytes()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(
            docs[0].sentences[0].words,
            ["EU", "rejects", "German", "call", "."]
        );
        assert_eq!(docs[0].sentences[0].pos[2], "JJ");
        let spans = docs[0].sentences[0].spans();
        assert_eq!(
            spans,
            vec![
                Chunk {
                    start: 0,
                    end: 1,
                    kind: "ORG".into()
                },
                Chunk {
                    start: 2,
                    end: 3,
                    kind: "MISC".into()
                }
            ]
        );
        // IOB1: B-LOC after I-LOC starts a second entity.
        let spans: Vec<_> = docs[1].sentences[0]
            .spans()
            .into_iter()
            .map(|c| (c.start, c.end))
            .collect();
        assert_eq!(spans, vec![(1, 2), (2, 3), (4, 5)]);
        assert_eq!(docs[1].token_count(), 5);
    }

    #[test]
    fn malformed_lines_are_errors() {
        let err = read_conll2003("EU NNP I-ORG\n".as_bytes()).unwrap_err();
        assert!(
            matches!(err, ConllError::Malformed { line: 1, .. }),
            "{err}"
        );
        let err = read_conll2003("EU NNP I-NP X-ORG\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("bad entity tag"), "{err}");
        let err = read_conll2003("a b c O\nEU NNP I-NP PER\n".as_bytes()).unwrap_err();
        assert!(
            matches!(err, ConllError::Malformed { line: 2, .. }),
            "{err}"
        );
        assert!(read_wikiann("en:token\n".as_bytes()).is_err());
        assert!(read_wikiann("en:x\tB-\n".as_bytes()).is_err());
        assert!(read_conll2003("".as_bytes()).unwrap().is_empty());
    }

    #[test]
    fn reads_wikiann() {
        let text =
            "en:R.H.\tB-ORG\nen:Saunders\tI-ORG\nen:(\tO\n\nen:Anders\tB-PER\nLindström\tI-PER\n";
        let docs = read_wikiann(text.as_bytes()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences[0].words, ["R.H.", "Saunders", "("]);
        assert_eq!(docs[1].sentences[0].words, ["Anders", "Lindström"]);
        assert!(docs[1].sentences[0].pos.is_empty());
        assert_eq!(docs[1].sentences[0].spans()[0].end, 2);
        // A colon inside a token is not a language prefix.
        let docs = read_wikiann("en:10:30\tO\n".as_bytes()).unwrap();
        assert_eq!(docs[0].sentences[0].words, ["10:30"]);
    }

    #[test]
    fn converts_between_schemes() {
        let iob1 = [
            "I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG", "I-ORG",
        ];
        let bilou = convert_tags(&iob1, Scheme::Iob1, Scheme::Bilou);
        assert_eq!(
            bilou,
            [
                "B-PER", "L-PER", "U-PER", "O", "U-LOC", "B-ORG", "I-ORG", "L-ORG"
            ]
        );
        let bio = convert_tags(&bilou, Scheme::Bilou, Scheme::Bio);
        assert_eq!(
            bio,
            [
                "B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG"
            ]
        );
        assert_eq!(convert_tags(&bio, Scheme::Bio, Scheme::Iob1), iob1);
        // Lenient BILOU: a stray I starts an entity, B without L still closes.
        let spans = spans_from_tags(&["I-PER", "O", "B-LOC", "B-LOC", "L-LOC"], Scheme::Bilou);
        let spans: Vec<_> = spans.iter().map(|c| (c.start, c.end)).collect();
        assert_eq!(spans, vec![(0, 1), (2, 3), (3, 5)]);
    }

    /// Hand-computed: gold has 4 chunks (PER 0-2, LOC 3-4, ORG 5-7, LOC 8-9); the prediction
    /// finds PER 0-2 (right), LOC 3-4 (right), ORG 5-6 (wrong end), MISC 8-9 (wrong type)
    /// and a spurious PER at 10. Correct 2, found 5, gold 4: P 40, R 50, F1 44.44.
    #[test]
    fn scores_like_conlleval() {
        let gold = [
            "I-PER", "I-PER", "O", "I-LOC", "O", "I-ORG", "I-ORG", "O", "I-LOC", "O", "O",
        ];
        let pred = [
            "B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "O", "O", "B-MISC", "O", "B-PER",
        ];
        let mut eval = ConllEval::new();
        eval.sentence(&gold, &pred);
        let report = eval.report();
        assert_eq!(report.overall.gold, 4);
        assert_eq!(report.overall.predicted, 5);
        assert_eq!(report.overall.correct, 2);
        assert!((report.overall.precision - 40.0).abs() < 1e-9);
        assert!((report.overall.recall - 50.0).abs() < 1e-9);
        assert!((report.overall.f1 - 400.0 / 9.0).abs() < 1e-9);
        assert_eq!(report.tokens, 11);
        // Token accuracy compares prefixes too: B-PER vs I-PER is a wrong tag, as in conlleval.
        assert_eq!(report.correct_tags, 5);
        let per = report.by_type["PER"];
        assert_eq!((per.correct, per.gold, per.predicted), (1, 1, 2));
        let loc = report.by_type["LOC"];
        assert_eq!((loc.correct, loc.gold, loc.predicted), (1, 2, 1));
        let misc = report.by_type["MISC"];
        assert_eq!((misc.correct, misc.gold, misc.predicted), (0, 0, 1));
        assert_eq!(misc.f1, 0.0);
        // The same through conlleval's text input, with a chunk open at the end of the file.
        let mut text = String::new();
        for (g, p) in gold.iter().zip(&pred) {
            text.push_str(&format!("w {g} {p}\n"));
        }
        text.push_str("\nx I-LOC I-LOC\ny I-LOC I-LOC\n");
        let report = evaluate_lines(text.as_bytes()).unwrap();
        assert_eq!(report.overall.correct, 3);
        assert_eq!(report.overall.gold, 5);
        assert_eq!(report.by_type["LOC"].correct, 2);
        let printed = report.to_string();
        assert!(
            printed
                .starts_with("processed 13 tokens with 5 phrases; found: 6 phrases; correct: 3.")
        );
        assert!(
            printed
                .contains("              LOC: precision: 100.00%; recall:  66.67%; FB1:  80.00  2")
        );
        assert!(evaluate_lines("a O O\nb O\n".as_bytes()).is_err());
    }

    /// A chunk only counts when both end together: a predicted span that runs one token past
    /// the gold one is wrong, even though it starts right.
    #[test]
    fn chunk_must_end_together() {
        let mut eval = ConllEval::new();
        eval.sentence(&["I-ORG", "O"], &["I-ORG", "I-ORG"]);
        eval.sentence(&["I-ORG", "I-ORG"], &["I-ORG", "B-ORG"]);
        let report = eval.report();
        assert_eq!(report.overall.correct, 0);
        assert_eq!(report.overall.gold, 2);
        assert_eq!(report.overall.predicted, 3);
    }

    #[test]
    fn writes_conlleval_input() {
        let mut out = Vec::new();
        write_predictions(&mut out, [(vec!["Rome"], vec!["I-LOC"], vec!["B-LOC"])]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "Rome I-LOC B-LOC\n\n");
    }
}
