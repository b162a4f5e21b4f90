//! The passage of a hit that best shows why it matched, hits marked.
//!
//! Written here rather than taken from tantivy's `SnippetGenerator` because that one only
//! knows exact terms: prefix searches (`kurs*`) would come back unmarked, and it returns
//! HTML-ready ranges where the store hands out plain [`Segment`]s for every consumer to
//! escape itself.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

use super::query::ParsedQuery;
use crate::Segment;

/// What to highlight: analysed query words, whole or as prefixes.
pub(crate) struct Highlighter {
    /// (stemmed word, prefix match)
    words: Vec<(String, bool)>,
    /// The index analyser without its stemmer: stemming every word of every hit's text
    /// was a quarter of a search's time, so only words whose first letter could match are
    /// stemmed (English stems keep the word's first letter).
    surface: TextAnalyzer,
    stemmer: TextAnalyzer,
}

impl Highlighter {
    pub fn new(query: &ParsedQuery, analyzer: &TextAnalyzer) -> Highlighter {
        let mut analyzer = analyzer.clone();
        let mut words = Vec::new();
        for term in query.positive_terms() {
            let mut tokens = Vec::new();
            analyzer
                .token_stream(&term.text)
                .process(&mut |t| tokens.push(t.text.clone()));
            let last = tokens.len().saturating_sub(1);
            for (i, token) in tokens.into_iter().enumerate() {
                words.push((token, term.prefix && i == last));
            }
        }
        words.sort();
        words.dedup();
        Highlighter {
            words,
            surface: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(64))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }

    /// Which query word `token` (lower-cased, folded) matches once stemmed, if any.
    fn matches(&self, stemmer: &mut TextAnalyzer, token: &str) -> Option<usize> {
        let first = token.chars().next()?;
        if !self.words.iter().any(|(w, _)| w.starts_with(first)) {
            return None;
        }
        let mut stem = String::new();
        stemmer
            .token_stream(token)
            .process(&mut |t| stem.clone_from(&t.text));
        self.words.iter().position(|(word, prefix)| {
            if *prefix {
                stem.starts_with(word.as_str())
            } else {
                stem == *word
            }
        })
    }

    /// The window of at most `width` words of `text` with the most distinct query words
    /// (then the most hits), or `None` when no word of `text` matches. Reading stops once
    /// every query word has been seen and a window past the last new one is read.
    pub fn snippet(&self, text: &str, width: usize) -> Option<Vec<Segment>> {
        let (mut surface, mut stemmer) = (self.surface.clone(), self.stemmer.clone());
        let width = width.max(1);
        // (byte range, matched query word)
        let mut tokens: Vec<(usize, usize, Option<usize>)> = Vec::new();
        let mut seen = vec![false; self.words.len()];
        let mut unseen = self.words.len();
        let mut read_until = usize::MAX;
        let mut stream = surface.token_stream(text);
        while tokens.len() < read_until && stream.advance() {
            let t = stream.token();
            let matched = self.matches(&mut stemmer, &t.text);
            if let Some(m) = matched
                && !seen[m]
            {
                seen[m] = true;
                unseen -= 1;
                if unseen == 0 {
                    read_until = tokens.len() + width;
                }
            }
            tokens.push((t.offset_from, t.offset_to, matched));
        }
        let mut best: Option<(usize, usize, usize)> = None; // (distinct, hits, start)
        for (i, _) in tokens.iter().enumerate().filter(|(_, t)| t.2.is_some()) {
            // A little context before the first hit.
            let start = i.saturating_sub(2);
            let window = &tokens[start..(start + width).min(tokens.len())];
            let mut seen: Vec<usize> = window.iter().filter_map(|t| t.2).collect();
            let hits = seen.len();
            seen.sort_unstable();
            seen.dedup();
            let score = (seen.len(), hits, usize::MAX - start);
            if best.is_none_or(|(d, h, s)| score > (d, h, usize::MAX - s)) {
                best = Some((seen.len(), hits, start));
            }
        }
        let (_, _, start) = best?;
        let end = (start + width).min(tokens.len());
        let mut segments = Vec::new();
        let mut push = |piece: &str, hit: bool| {
            if piece.is_empty() {
                return;
            }
            match segments.last_mut() {
                Some(Segment { text, hit: last }) if *last == hit => text.push_str(piece),
                _ => segments.push(Segment {
                    text: piece.to_owned(),
                    hit,
                }),
            }
        };
        if start > 0 {
            push("…", false);
        }
        let mut at = tokens[start].0;
        for &(from, to, matched) in &tokens[start..end] {
            push(&text[at..from], false);
            push(&text[from..to], matched.is_some());
            at = to;
        }
        if end < tokens.len() {
            push("…", false);
        }
        Some(segments)
    }

    /// The first `width` words of `text`, for hits whose match is elsewhere.
    pub fn opening(&self, text: &str, width: usize) -> Vec<Segment> {
        let mut analyzer = self.surface.clone();
        let mut end = None;
        let mut count = 0;
        let mut more = false;
        analyzer.token_stream(text).process(&mut |t| {
            count += 1;
            if count <= width {
                end = Some(t.offset_to);
            } else {
                more = true;
            }
        });
        let Some(end) = end else {
            return Vec::new();
        };
        let mut piece = text[..end].to_owned();
        if more {
            piece.push('…');
        }
        vec![Segment {
            text: piece,
            hit: false,
        }]
    }
}
