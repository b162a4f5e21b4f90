//! Event coding and claims on invented sentences (none from the seeds): types, modes,
//! actors, recipients, status, time, place, counts, denials, and bad input.

use std::sync::OnceLock;

use storyline_extract::Annotator;
use storyline_model::{Annotations, Article, Event, EventStatus, EventType};

fn annotator() -> &'static Annotator {
    static ANNOTATOR: OnceLock<Annotator> = OnceLock::new();
    ANNOTATOR.get_or_init(|| Annotator::load().expect("load the shipped models"))
}

/// Layers of `text` published on Wednesday 4 June 2025.
fn annotate(text: &str) -> Annotations {
    let mut article = Article::from_text("test", text);
    article.published = Some("2025-06-04".to_owned());
    annotator().annotate(&article)
}

fn only(layers: &Annotations, kind: EventType) -> &Event {
    let found: Vec<&Event> = layers.events.iter().filter(|e| e.kind == kind).collect();
    assert_eq!(found.len(), 1, "{:#?}", layers.events);
    found[0]
}

fn actor(e: &Event) -> &str {
    e.actor.as_ref().map_or("", |a| a.label())
}

fn recipient(e: &Event) -> &str {
    e.recipient.as_ref().map_or("", |a| a.label())
}

#[test]
fn a_phone_call_between_two_named_leaders_on_a_resolved_day() {
    let layers = annotate("Prime Minister Ana Duarte telephoned President Kofi Mensah on Monday.");
    let call = only(&layers, EventType::Consult);
    assert_eq!(call.mode.as_deref(), Some("phone"));
    assert_eq!(actor(call), "Ana Duarte");
    assert_eq!(recipient(call), "Kofi Mensah");
    assert_eq!(call.status, EventStatus::Asserted);
    assert_eq!(call.time.as_deref(), Some("2025-06-02"));
    assert_eq!(call.trigger.text, "telephoned");
}

#[test]
fn announced_possible_and_denied_events_are_not_facts() {
    let planned = annotate("Ana Duarte plans to visit Kofi Mensah in Accra next week.");
    let visit = only(&planned, EventType::Consult);
    assert_eq!(visit.status, EventStatus::Planned);
    assert_eq!(visit.trigger.text, "visit");
    assert_eq!(visit.place.as_ref().map(|p| p.label()), Some("Accra"));
    let possible = annotate("The two presidents may meet in Geneva.");
    assert_eq!(
        only(&possible, EventType::Consult).status,
        EventStatus::Hypothetical
    );
    let negated = annotate("The minister did not meet the rebel commanders.");
    assert_eq!(
        only(&negated, EventType::Consult).status,
        EventStatus::Negated
    );
}

#[test]
fn arrests_and_attacks_carry_their_actors_places_and_counts() {
    let layers = annotate("Police arrested 40 opposition activists on Tuesday.");
    let arrest = only(&layers, EventType::Coerce);
    assert_eq!(arrest.mode.as_deref(), Some("arrest"));
    assert_eq!(actor(arrest), "Police");
    assert_eq!(recipient(arrest), "40 opposition activists");
    assert_eq!(arrest.time.as_deref(), Some("2025-06-03"));
    // A named party wins over a description, as PLOVER codes targets; the place is kept.
    let layers = annotate("Police arrested 40 students in Nairobi.");
    let arrest = only(&layers, EventType::Coerce);
    assert_eq!(recipient(arrest), "Nairobi");
    assert_eq!(arrest.place.as_ref().map(|p| p.label()), Some("Nairobi"));
    let counted: Vec<f64> = arrest
        .quantities
        .iter()
        .map(|&i| layers.quantities[i].value)
        .collect();
    assert_eq!(counted, [40.0]);

    let layers = annotate("Rebels attacked an army convoy near Goma, killing 12 soldiers.");
    let attack = layers
        .events
        .iter()
        .find(|e| e.kind == EventType::Assault)
        .expect("an assault");
    assert_eq!(actor(attack), "Rebels");
    assert_eq!(attack.place.as_ref().map(|p| p.label()), Some("Goma"));
    assert!(
        attack
            .quantities
            .iter()
            .any(|&i| layers.quantities[i].value == 12.0),
        "{:#?}",
        layers.quantities
    );
}

#[test]
fn event_nouns_take_their_parties_from_the_noun_phrase() {
    let layers = annotate("Talks between Chile and Peru ended on Friday.");
    let talks = only(&layers, EventType::Consult);
    assert_eq!((actor(talks), recipient(talks)), ("Chile", "Peru"));
    let layers = annotate("The upcoming Duarte-Mensah summit was postponed.");
    let summit = only(&layers, EventType::Consult);
    assert_eq!((actor(summit), recipient(summit)), ("Duarte", "Mensah"));
    assert_eq!(summit.status, EventStatus::Planned);
}

#[test]
fn reporting_verbs_alone_are_not_events() {
    let layers =
        annotate("The spokesman said the weather was fine, and added that it stayed warm.");
    assert!(layers.events.is_empty(), "{:#?}", layers.events);
    // Accusing is an act, not only a report.
    let layers = annotate("The opposition accused the government of fraud.");
    let accusation = only(&layers, EventType::Accuse);
    assert_eq!(recipient(accusation), "the government");
}

#[test]
fn a_denied_claim_keeps_both_sides() {
    let layers = annotate(
        "Despite the army's claims of recapturing the town, rebel leaders denied these \
         assertions.",
    );
    assert_eq!(layers.claims.len(), 1, "{:#?}", layers.claims);
    let claim = &layers.claims[0];
    assert!(claim.content.text.starts_with("recapturing the town"));
    assert_eq!(
        claim.asserted_by.as_ref().map(|p| p.mention.text.as_str()),
        Some("the army")
    );
    let denial = &claim.disputed_by[0];
    assert_eq!(denial.cue.text, "denied");
    assert_eq!(
        denial.by.as_ref().map(|p| p.mention.text.as_str()),
        Some("rebel leaders")
    );
}

#[test]
fn bad_input_invents_no_events() {
    for text in [
        "",
        "   \n\n  ",
        "Floods in Kenya",
        "Apples, pears, plums, cherries, grapes, melons.",
        "1. 2. 3. 4. 5.",
        "!!! ??? ... ;;; ---",
    ] {
        let layers = annotate(text);
        assert!(layers.events.is_empty(), "{text:?}: {:#?}", layers.events);
        assert!(layers.claims.is_empty(), "{text:?}");
    }
    // A 500-word sentence without a full stop: bounded work, events only where words say so.
    let long = "the committee discussed the harvest and the weather ".repeat(63);
    let layers = annotate(&long);
    assert!(layers.events.len() <= layers.tokens.len());
    let attack_words = "attack ".repeat(500);
    let layers = annotate(&attack_words);
    assert!(layers.events.len() <= 500);
}
