//! English stemming with a memo of the words already stemmed.
//!
//! tantivy's `Stemmer` filter runs the Snowball algorithm on every word, which was a third
//! of the time spent indexing; news text repeats its words (Zipf), so a memo per analyser
//! instance (one per segment writer while indexing) turns nearly every word into one hash
//! lookup (hashbrown's hasher: SipHash made the memo cost half of what it saved). Same
//! stems as `tantivy::tokenizer::Stemmer::new(Language::English)`.

use frostem::{Algorithm, Stemmer};
use hashbrown::HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Distinct words remembered before the memo starts over (a few MB at most).
const MEMO_WORDS: usize = 200_000;

/// The token filter: add it after lower-casing and folding.
#[derive(Clone, Copy, Default)]
pub(crate) struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner,
            memo: HashMap::new(),
        }
    }
}

pub(crate) struct MemoStemmerFilter<T> {
    inner: T,
    memo: HashMap<String, String>,
}

/// A clone starts with an empty memo: analysers are cloned per query and per segment
/// writer, and copying a full memo each time would cost more than it saves.
impl<T: Clone> Clone for MemoStemmerFilter<T> {
    fn clone(&self) -> Self {
        MemoStemmerFilter {
            inner: self.inner.clone(),
            memo: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() > MEMO_WORDS {
            self.memo.clear();
        }
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
            stemmer: Stemmer::new(Algorithm::English),
        }
    }
}

pub(crate) struct MemoStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut HashMap<String, String>,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.memo.get(token.text.as_str()) {
            Some(stem) => token.text.clone_from(stem),
            None => {
                let stem = self.stemmer.stem(&token.text).into_owned();
                self.memo
                    .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn same_stems_as_tantivys_stemmer_also_when_remembered() {
        let text = "Talks resumed; the talks were talking points, said ministries and ministers";
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(MemoStemmer)
            .build();
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(tantivy::tokenizer::Stemmer::new(Language::English))
            .build();
        let expected = stems(&mut plain, text);
        assert_eq!(expected[0], "talk");
        assert_eq!(stems(&mut memo, text), expected);
        assert_eq!(stems(&mut memo, text), expected, "from the memo");
    }
}
