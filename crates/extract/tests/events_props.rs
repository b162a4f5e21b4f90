//! Bad input for event coding and claims: random sentences dense in event words, names,
//! modals, denials, quote marks and punctuation. The coder must not panic, every span must
//! lie inside the text and say what the text says there, and every index must point into
//! its layer.

use std::sync::OnceLock;

use proptest::prelude::*;
use storyline_extract::Annotator;
use storyline_model::{Annotations, Article, Participant, TextSpan};

fn annotator() -> &'static Annotator {
    static ANNOTATOR: OnceLock<Annotator> = OnceLock::new();
    ANNOTATOR.get_or_init(|| Annotator::load().expect("load the shipped models"))
}

fn check_span(chars: &[char], span: &TextSpan) {
    assert!(
        span.start <= span.end && span.end <= chars.len(),
        "{span:?}"
    );
    let text: String = chars[span.start..span.end].iter().collect();
    assert_eq!(text, span.text);
}

fn check_participant(chars: &[char], p: &Option<Participant>) {
    if let Some(p) = p {
        check_span(chars, &p.mention);
    }
}

fn check(text: &str, layers: &Annotations) {
    let chars: Vec<char> = text.chars().collect();
    for e in &layers.events {
        check_span(&chars, &e.trigger);
        check_participant(&chars, &e.actor);
        check_participant(&chars, &e.recipient);
        check_participant(&chars, &e.place);
        assert!(e.sentence < layers.sentences.len(), "{e:?}");
        assert!(e.quantities.iter().all(|&q| q < layers.quantities.len()));
        assert!(e.time_expression.is_none_or(|t| t < layers.times.len()));
        let sentence = layers.sentences[e.sentence];
        assert!(sentence.start <= e.trigger.start && e.trigger.end <= sentence.end);
    }
    for c in &layers.claims {
        check_span(&chars, &c.content);
        check_participant(&chars, &c.asserted_by);
        assert!(c.quote.is_none_or(|q| q < layers.quotes.len()));
        for d in &c.disputed_by {
            check_span(&chars, &d.cue);
            check_participant(&chars, &d.by);
        }
    }
}

fn noisy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Russia ".to_owned()),
        Just("Kofi Mensah ".to_owned()),
        Just("the rebels ".to_owned()),
        Just("police ".to_owned()),
        Just("attacked ".to_owned()),
        Just("met ".to_owned()),
        Just("talks ".to_owned()),
        Just("phone call ".to_owned()),
        Just("drone strike ".to_owned()),
        Just("will ".to_owned()),
        Just("not ".to_owned()),
        Just("plans to ".to_owned()),
        Just("must ".to_owned()),
        Just("denied ".to_owned()),
        Just("these claims ".to_owned()),
        Just("claims of ".to_owned()),
        Just("said ".to_owned()),
        Just("'s ".to_owned()),
        Just("Trump-Putin ".to_owned()),
        Just("on Tuesday ".to_owned()),
        Just("40 ".to_owned()),
        Just("in Accra ".to_owned()),
        Just("with ".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just(", ".to_owned()),
        Just(". ".to_owned()),
        Just("\n\n".to_owned()),
        "[a-zA-Z]{1,8} ",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_sentences_code_only_valid_events(text in noisy_text()) {
        let mut article = Article::from_text("prop", &text);
        article.published = Some("2025-06-04".to_owned());
        let layers = annotator().annotate(&article);
        check(&text, &layers);
    }
}

#[test]
fn a_five_hundred_word_sentence_of_event_words_is_bounded() {
    let text = "Russia attacked Kyiv and police arrested rebels who met talks ".repeat(50);
    let layers = annotator().annotate(&Article::from_text("long", &text));
    check(&text, &layers);
    // At most one event per trigger word.
    assert!(layers.events.len() <= 5 * 50, "{}", layers.events.len());
}

/// A claim made of a quotation that runs over two paragraphs (the second reopened with a
/// mark) covers the text as it is, marks included (found by the `annotate_text` fuzzer: the
/// claim took the quote's own text, which leaves the reopening mark out).
#[test]
fn a_claim_over_two_paragraphs_holds_the_text_it_spans() {
    let text = "“The rebels attacked the convoy near Accra on Tuesday.\n\n\
                “They killed 40 soldiers,” Kofi Mensah claimed.\n\n\
                The government denied the claims.";
    let layers = annotator().annotate(&Article::from_text("claim", text));
    let over_paragraphs = layers
        .claims
        .iter()
        .find(|c| c.content.text.contains("\n\n"));
    assert!(over_paragraphs.is_some(), "{:#?}", layers.claims);
    check(text, &layers);
}
