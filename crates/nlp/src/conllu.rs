//! A CoNLL-U reader for Universal Dependencies treebanks (UD English-EWT and the like).
//!
//! A sentence is a block of lines ended by a blank line: `#` comments (of which `# text =` and
//! `# sent_id =` are kept), then one line per word with ten tab-separated columns
//! `ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC`. [`Sentence::words`] holds the
//! syntactic words only; multiword-token lines (`1-2  don't`) are kept aside in
//! [`Sentence::multiword`] and empty nodes (`8.1`) are skipped. Each word's
//! [`Word::space_after`] says whether the raw text had a space after it, taking the
//! multiword token into account (the words inside `don't` have none between them; the last one
//! takes `SpaceAfter=No` from the token line).
//!
//! Malformed input is an error naming the line, never a panic.

use std::fmt;
use std::io;
use std::path::Path;

/// One sentence of a treebank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    /// `# sent_id = ...`, if present.
    pub id: Option<String>,
    /// `# text = ...`, if present.
    pub text: Option<String>,
    /// The syntactic words, in order; `words[i]` has ID `i + 1`.
    pub words: Vec<Word>,
    /// Multiword tokens (`3-4  don't`), in order.
    pub multiword: Vec<Multiword>,
}

/// A syntactic word (one line with an integer ID). Underscore columns are kept as `"_"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    pub feats: String,
    /// The head's ID (0 for the root); `None` when the column is `_`.
    pub head: Option<usize>,
    pub deprel: String,
    pub deps: String,
    pub misc: String,
    /// Whether the raw text has a space after this word: false inside a multiword token and
    /// when `SpaceAfter=No` is in this word's MISC (or, for a token's last word, the token's).
    pub space_after: bool,
    /// Index into [`Sentence::multiword`] of the token this word belongs to, if any.
    pub multiword: Option<usize>,
}

/// A multiword token: words `first..=last` (1-based IDs) written as one `form`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Multiword {
    pub first: usize,
    pub last: usize,
    pub form: String,
    pub misc: String,
}

impl Sentence {
    /// The word forms, for tagging.
    pub fn forms(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.form.as_str()).collect()
    }
}

/// A malformed line: its 1-based number and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Reads a CoNLL-U file. Malformed content is an `InvalidData` error naming file and line.
pub fn read(path: impl AsRef<Path>) -> io::Result<Vec<Sentence>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not UTF-8: {e}", path.display()),
        )
    })?;
    parse(&text).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

/// Parses CoNLL-U text. A missing blank line at the end is tolerated, as are CRLF line ends
/// and a byte-order mark; blocks with comments but no words are skipped.
pub fn parse(text: &str) -> Result<Vec<Sentence>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sentences = Vec::new();
    let mut current = Builder::default();
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if let Some(sentence) = current.finish(number)? {
                sentences.push(sentence);
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if current.has_words() {
                return Err(error(number, "comment line inside a sentence"));
            }
            current.comment(comment);
            continue;
        }
        current.line(line, number)?;
    }
    if let Some(sentence) = current.finish(text.split('\n').count())? {
        sentences.push(sentence);
    }
    Ok(sentences)
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

#[derive(Default)]
struct Builder {
    sentence: Sentence,
    /// Line of the first word, for errors found at the end of the block.
    first_line: usize,
}

impl Builder {
    fn has_words(&self) -> bool {
        !self.sentence.words.is_empty() || !self.sentence.multiword.is_empty()
    }

    fn comment(&mut self, comment: &str) {
        let comment = comment.trim();
        if let Some((key, value)) = comment.split_once('=') {
            let value = value.trim().to_owned();
            match key.trim() {
                "text" => self.sentence.text = Some(value),
                "sent_id" => self.sentence.id = Some(value),
                _ => {}
            }
        }
    }

    fn line(&mut self, line: &str, number: usize) -> Result<(), ParseError> {
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() != 10 {
            return Err(error(
                number,
                format!("expected 10 tab-separated columns, found {}", columns.len()),
            ));
        }
        if self.first_line == 0 {
            self.first_line = number;
        }
        let id = columns[0];
        let next = self.sentence.words.len() + 1;
        if id.contains('.') {
            // An empty node (enhanced dependencies): not a word of the surface sentence.
            let (major, minor) = id.split_once('.').unwrap_or((id, ""));
            if parse_id(major).is_none() || parse_id(minor).is_none() {
                return Err(error(number, format!("bad empty-node ID {id:?}")));
            }
            return Ok(());
        }
        if let Some((first, last)) = id.split_once('-') {
            let (Some(first), Some(last)) = (parse_id(first), parse_id(last)) else {
                return Err(error(number, format!("bad multiword-token range {id:?}")));
            };
            if first == 0 || last < first {
                return Err(error(number, format!("bad multiword-token range {id:?}")));
            }
            if first != next {
                return Err(error(
                    number,
                    format!("multiword token {id} should start at word {next}"),
                ));
            }
            if let Some(previous) = self.sentence.multiword.last()
                && previous.last >= first
            {
                return Err(error(
                    number,
                    format!("multiword token {id} overlaps another"),
                ));
            }
            if columns[1].is_empty() {
                return Err(error(number, "empty FORM"));
            }
            self.sentence.multiword.push(Multiword {
                first,
                last,
                form: columns[1].to_owned(),
                misc: columns[9].to_owned(),
            });
            return Ok(());
        }
        let Some(id) = parse_id(id) else {
            return Err(error(number, format!("bad word ID {id:?}")));
        };
        if id != next {
            return Err(error(
                number,
                format!("word ID {id} out of sequence (expected {next})"),
            ));
        }
        if columns[1].is_empty() {
            return Err(error(number, "empty FORM"));
        }
        let head = match columns[6] {
            "_" => None,
            head => match parse_id(head) {
                Some(head) => Some(head),
                None => return Err(error(number, format!("bad HEAD {head:?}"))),
            },
        };
        let multiword = self
            .sentence
            .multiword
            .last()
            .filter(|m| m.first <= id && id <= m.last)
            .map(|_| self.sentence.multiword.len() - 1);
        let space_after = match multiword.map(|m| &self.sentence.multiword[m]) {
            Some(token) if id < token.last => false,
            Some(token) => !space_after_no(&token.misc) && !space_after_no(columns[9]),
            None => !space_after_no(columns[9]),
        };
        self.sentence.words.push(Word {
            form: columns[1].to_owned(),
            lemma: columns[2].to_owned(),
            upos: columns[3].to_owned(),
            xpos: columns[4].to_owned(),
            feats: columns[5].to_owned(),
            head,
            deprel: columns[7].to_owned(),
            deps: columns[8].to_owned(),
            misc: columns[9].to_owned(),
            space_after,
            multiword,
        });
        Ok(())
    }

    /// Ends the block at the blank line `number`: the sentence, if it had words.
    fn finish(&mut self, number: usize) -> Result<Option<Sentence>, ParseError> {
        let builder = std::mem::take(self);
        let sentence = builder.sentence;
        if sentence.words.is_empty() {
            if !sentence.multiword.is_empty() {
                return Err(error(builder.first_line, "multiword token without words"));
            }
            return Ok(None);
        }
        let count = sentence.words.len();
        if let Some(token) = sentence.multiword.last()
            && token.last > count
        {
            return Err(error(
                number,
                format!(
                    "multiword token {}-{} runs past the last word ({count})",
                    token.first, token.last
                ),
            ));
        }
        if let Some((i, word)) = sentence
            .words
            .iter()
            .enumerate()
            .find(|(_, w)| w.head.is_some_and(|h| h > count))
        {
            return Err(error(
                builder.first_line + i,
                format!(
                    "HEAD {} of word {} is past the last word ({count})",
                    word.head.unwrap_or(0),
                    i + 1
                ),
            ));
        }
        Ok(Some(sentence))
    }
}

fn parse_id(s: &str) -> Option<usize> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn space_after_no(misc: &str) -> bool {
    misc != "_" && misc.split('|').any(|item| item == "SpaceAfter=No")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = x\n\
# sent_id = s1\n\
# text = I don't know, Bob.\n\
1\tI\tI\tPRON\tPRP\tCase=Nom\t4\tnsubj\t4:nsubj\t_\n\
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t4:aux\t_\n\
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t4:advmod\t_\n\
4\tknow\tknow\tVERB\tVB\t_\t0\troot\t0:root\tSpaceAfter=No\n\
4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t0:root\tCopyOf=4\n\
5\t,\t,\tPUNCT\t,\t_\t6\tpunct\t6:punct\t_\n\
6\tBob\tBob\tPROPN\tNNP\t_\t4\tvocative\t4:vocative\tSpaceAfter=No\n\
7\t.\t.\tPUNCT\t.\t_\t4\tpunct\t4:punct\t_\n\
\n\
# text = Gonna go.\r\n\
1-2\tGonna\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\r\n\
1\tGon\tgo\tVERB\tVBG\t_\t0\troot\t_\t_\r\n\
2\tna\tto\tPART\tTO\t_\t3\tmark\t_\t_\r\n\
3\tgo\tgo\tVERB\tVB\t_\t1\txcomp\t_\tSpaceAfter=No\r\n\
4\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_";

    #[test]
    fn parses_words_tokens_and_spacing() {
        let sentences = parse(SAMPLE).unwrap();
        assert_eq!(sentences.len(), 2);
        let s = &sentences[0];
        assert_eq!(s.id.as_deref(), Some("s1"));
        assert_eq!(s.text.as_deref(), Some("I don't know, Bob."));
        assert_eq!(s.forms(), ["I", "do", "n't", "know", ",", "Bob", "."]);
        assert_eq!(s.words[1].upos, "AUX");
        assert_eq!(s.words[2].lemma, "not");
        assert_eq!(s.words[3].head, Some(0));
        assert_eq!(s.words[0].head, Some(4));
        let spaces: Vec<bool> = s.words.iter().map(|w| w.space_after).collect();
        assert_eq!(spaces, [true, false, true, false, true, false, true]);
        assert_eq!(s.multiword.len(), 1);
        assert_eq!(s.multiword[0].form, "don't");
        assert_eq!(s.words[1].multiword, Some(0));
        assert_eq!(s.words[3].multiword, None);

        let s = &sentences[1];
        assert_eq!(s.forms(), ["Gon", "na", "go", "."]);
        // The token's SpaceAfter=No applies after its last word, "na".
        let spaces: Vec<bool> = s.words.iter().map(|w| w.space_after).collect();
        assert_eq!(spaces, [false, false, false, true]);
        assert_eq!(s.words[3].misc, "_");
    }

    #[test]
    fn tolerates_bom_extra_blank_lines_and_comment_only_blocks() {
        let text = "\u{feff}\n\n# only a comment\n\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n\n\n";
        let sentences = parse(text).unwrap();
        assert_eq!(sentences.len(), 1);
        assert_eq!(sentences[0].words[0].form, "Hi");
        assert!(parse("").unwrap().is_empty());
    }

    fn error_of(text: &str) -> ParseError {
        parse(text).unwrap_err()
    }

    #[test]
    fn malformed_lines_are_errors_with_line_numbers() {
        let ok = "1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_\n";
        let e = error_of(&format!("{ok}2\tdog\tdog\tNOUN\n"));
        assert_eq!(e.line, 2);
        assert!(e.message.contains("10 tab-separated columns"), "{e}");
        assert_eq!(
            e.to_string(),
            "line 2: expected 10 tab-separated columns, found 4"
        );

        let e = error_of(&format!(
            "# c\n{ok}3\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_\t_\n"
        ));
        assert_eq!(e.line, 3);
        assert!(e.message.contains("out of sequence"), "{e}");

        let e = error_of("x\tA\ta\tDET\tDT\t_\t0\troot\t_\t_\n");
        assert_eq!((e.line, e.message.contains("bad word ID")), (1, true));

        let e = error_of(&format!("{ok}2\tdog\tdog\tNOUN\tNN\t_\tnine\troot\t_\t_\n"));
        assert_eq!((e.line, e.message.contains("bad HEAD")), (2, true));

        let e = error_of(&format!("{ok}2\tdog\tdog\tNOUN\tNN\t_\t9\troot\t_\t_\n\n"));
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("past the last word"), "{e}");

        let e = error_of(&format!("{ok}3-2\tab\t_\t_\t_\t_\t_\t_\t_\t_\n"));
        assert_eq!((e.line, e.message.contains("range")), (2, true));

        let e = error_of(&format!("{ok}2-3\tab\t_\t_\t_\t_\t_\t_\t_\t_\n\n"));
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("runs past"), "{e}");

        let e = error_of(&format!("{ok}# late comment\n"));
        assert_eq!(e.line, 2);

        let e = error_of("1\t\ta\tDET\tDT\t_\t0\troot\t_\t_\n");
        assert_eq!((e.line, e.message.as_str()), (1, "empty FORM"));

        let e = error_of(&format!("{ok}1.x\tA\ta\tDET\tDT\t_\t_\t_\t_\t_\n"));
        assert_eq!(e.line, 2);
    }

    proptest::proptest! {
        /// Damaged input is an error or a parse, never a panic.
        #[test]
        fn never_panics(text in "([0-9]{0,2}[-.]?[0-9]{0,2}\t[a-z_]{0,3}\t[a-z_=|]{0,4}\t?|#[a-z =]{0,6}|\r?\n){0,40}") {
            let _ = parse(&text);
        }
    }

    #[test]
    fn read_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.conllu");
        std::fs::write(&path, "1\tA\n").unwrap();
        let e = read(&path).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("bad.conllu: line 1:"), "{e}");
        assert!(read(dir.path().join("missing.conllu")).is_err());
    }
}
