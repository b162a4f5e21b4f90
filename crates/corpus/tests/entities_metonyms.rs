//! The metonyms rule reaches the mentions: a seat of government standing for its government
//! is an organisation in the entity table and in the Document JSON mentions alike.

mod common;

use storyline_corpus::entities::{EntityIndex, Resolver};
use storyline_model::EntityType;

#[test]
fn a_government_seat_is_an_organisation_in_its_mentions_too() {
    let resolver = Resolver::load().expect("load the entity lexicon");
    let text = "The Kremlin said on Monday that the talks in Geneva would go on. \
                A spokesman for the Kremlin declined to give a date.";
    let mut layers = common::pipeline().annotate(text);
    let found = resolver.resolve_article(text, &layers.tokens, &layers.entities, None);
    let ids = EntityIndex::new().attach(&resolver, "doc", &found);
    found.apply_ids(&ids, &mut layers.entities);
    let kremlin: Vec<_> = layers
        .entities
        .iter()
        .filter(|m| m.text == "Kremlin")
        .collect();
    assert_eq!(kremlin.len(), 2, "{:?}", layers.entities);
    assert!(
        kremlin.iter().all(|m| m.kind == EntityType::Org),
        "{kremlin:?}"
    );
    // A real place keeps its type.
    let geneva = layers.entities.iter().find(|m| m.text == "Geneva");
    assert_eq!(geneva.map(|m| m.kind), Some(EntityType::Place));
}
