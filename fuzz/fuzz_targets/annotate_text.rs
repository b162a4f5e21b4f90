//! Any bytes, as lossy UTF-8, through every annotation layer (`Annotator::annotate`: the
//! language layers, quotes, times, quantities, events and claims), as `storyline annotate`
//! runs them, with the first byte choosing a publication date or none. Nothing may panic;
//! every span (sentences, tokens, entities, times, quantities, quotes with their cues and
//! speakers, event triggers and participants, claims and their disputes) must lie inside
//! the text, in code points, and its `text` must be what the text holds there; indices
//! into other layers must exist; quantities must be finite; and the Document JSON must
//! read back, as the store reads it.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use storyline_extract::Annotator;
use storyline_model::{Article, Document};

static ANNOTATOR: LazyLock<Annotator> =
    LazyLock::new(|| Annotator::load().expect("load the shipped models"));

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let mut article = Article::from_text("fuzz", &String::from_utf8_lossy(rest));
    // Ordinary dates, and the edges of what chrono and the resolver handle.
    article.published = match first % 4 {
        0 => None,
        1 => Some("2025-03-17".to_owned()),
        2 => Some("0001-01-01".to_owned()),
        _ => Some("9999-12-31".to_owned()),
    };
    let annotations = ANNOTATOR.annotate(&article);
    let chars: Vec<char> = article.text.chars().collect();
    let span = |start: usize, end: usize, text: Option<&str>, what: &str| {
        assert!(
            start <= end && end <= chars.len(),
            "{what} {start}..{end} outside the text ({} chars)",
            chars.len()
        );
        if let Some(text) = text {
            let there: String = chars[start..end].iter().collect();
            assert_eq!(
                text, there,
                "{what} text differs from the text at {start}..{end}"
            );
        }
    };
    for s in &annotations.sentences {
        span(s.start, s.end, None, "sentence");
    }
    for t in &annotations.tokens {
        span(t.start, t.end, None, "token");
    }
    for e in &annotations.entities {
        span(e.start, e.end, Some(&e.text), "entity");
    }
    for t in &annotations.times {
        span(t.start, t.end, Some(&t.text), "time");
    }
    for q in &annotations.quantities {
        span(q.start, q.end, Some(&q.text), "quantity");
        assert!(q.value.is_finite(), "{q:?}");
        assert!(q.upper.is_none_or(f64::is_finite), "{q:?}");
    }
    for q in &annotations.quotes {
        span(q.start, q.end, None, "quote");
        if let Some(cue) = &q.cue {
            span(cue.start, cue.end, Some(&cue.text), "cue");
        }
        if let Some(mention) = q.speaker.as_ref().and_then(|s| s.mention.as_ref()) {
            span(mention.start, mention.end, Some(&mention.text), "speaker");
        }
    }
    let (sentences, times) = (annotations.sentences.len(), annotations.times.len());
    let quotes = annotations.quotes.len();
    let quantities = annotations.quantities.len();
    let participant = |p: &Option<storyline_model::Participant>, what: &str| {
        if let Some(p) = p {
            span(p.mention.start, p.mention.end, Some(&p.mention.text), what);
        }
    };
    for e in &annotations.events {
        span(
            e.trigger.start,
            e.trigger.end,
            Some(&e.trigger.text),
            "trigger",
        );
        participant(&e.actor, "actor");
        participant(&e.recipient, "recipient");
        participant(&e.place, "place");
        assert!(e.sentence < sentences, "{e:?}");
        assert!(e.time_expression.is_none_or(|t| t < times), "{e:?}");
        assert!(e.quantities.iter().all(|&q| q < quantities), "{e:?}");
    }
    for c in &annotations.claims {
        span(
            c.content.start,
            c.content.end,
            Some(&c.content.text),
            "claim",
        );
        participant(&c.asserted_by, "claimant");
        assert!(c.sentence < sentences, "{c:?}");
        assert!(c.quote.is_none_or(|q| q < quotes), "{c:?}");
        for d in &c.disputed_by {
            span(d.cue.start, d.cue.end, Some(&d.cue.text), "dispute cue");
            participant(&d.by, "disputer");
            assert!(d.sentence < sentences, "{c:?}");
        }
    }
    let document = Document {
        article,
        annotations,
    };
    let json = serde_json::to_string(&document).expect("Document JSON is written");
    let back: Document = serde_json::from_str(&json).expect("Document JSON reads back");
    assert_eq!(
        back.annotations.quotes.len(),
        document.annotations.quotes.len()
    );
    assert_eq!(back.annotations.times, document.annotations.times);
});
