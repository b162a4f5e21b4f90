//! Entity resolution on input it was not built for: other scripts, absurdly long names,
//! all-capitals text, articles without entities, spans that do not fit the text. Nothing
//! may panic, and what comes out must still be sensible.

mod common;

use storyline_corpus::entities::{EntityIndex, Resolver};
use storyline_model::{EntityMention, EntityType, TokenAnnotation};

fn resolver() -> &'static Resolver {
    static RESOLVER: std::sync::OnceLock<Resolver> = std::sync::OnceLock::new();
    RESOLVER.get_or_init(|| Resolver::load().expect("load the entity lexicon"))
}

/// Whitespace tokens with code-point offsets, and mentions over the given word ranges.
fn layers(
    text: &str,
    spans: &[(usize, usize, EntityType)],
) -> (Vec<TokenAnnotation>, Vec<EntityMention>) {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        tokens.push(TokenAnnotation {
            start,
            end: i,
            pos: "PROPN".into(),
            lemma: String::new(),
        });
    }
    let mentions = spans
        .iter()
        .map(|&(a, b, kind)| {
            let (start, end) = (tokens[a].start, tokens[b - 1].end);
            EntityMention {
                start,
                end,
                kind,
                text: chars[start..end].iter().collect(),
                entity: None,
            }
        })
        .collect();
    (tokens, mentions)
}

#[test]
fn non_latin_names_get_entities_and_cyrillic_places_link() {
    let text = "Зеленський прибув до Київ , а 习近平 залишився .";
    let (tokens, mentions) = layers(
        text,
        &[
            (0, 1, EntityType::Person),
            (3, 4, EntityType::Place),
            (6, 7, EntityType::Person),
        ],
    );
    let found = resolver().resolve_article(text, &tokens, &mentions, Some("2025-03-17"));
    assert_eq!(found.clusters.len(), 3, "{found:?}");
    let kyiv = &found.clusters[found.mention_cluster[1].expect("Kyiv resolved")];
    assert!(
        kyiv.links.geonames.is_some(),
        "Київ links to GeoNames: {kyiv:?}"
    );
    assert_eq!(kyiv.links.country.as_deref(), Some("UA"));
    let mut index = EntityIndex::new();
    let ids = index.attach(resolver(), "a", &found);
    assert!(ids.iter().all(|id| !id.is_empty()));
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        3
    );
}

#[test]
fn a_300_character_name_is_left_unresolved() {
    let name = vec!["Abcdefghij"; 28].join(" ");
    assert!(name.chars().count() > 300);
    let text = format!("{name} said hello .");
    let (tokens, mentions) = layers(&text, &[(0, 28, EntityType::Person)]);
    let found = resolver().resolve_article(&text, &tokens, &mentions, None);
    assert_eq!(found.mention_cluster, vec![None]);
    assert!(found.clusters.is_empty());
}

#[test]
fn all_caps_text_through_the_pipeline() {
    let text = "PRESIDENT DONALD TRUMP MET RUSSIAN PRESIDENT VLADIMIR PUTIN IN MOSCOW. \
                TRUMP SAID THE TALKS WENT WELL, AND PUTIN AGREED.";
    let layers = common::pipeline().annotate(text);
    let found = resolver().resolve_article(text, &layers.tokens, &layers.entities, None);
    assert_eq!(found.mention_cluster.len(), layers.entities.len());
    // Whatever the recogniser found, a surname repeated in capitals joins its full name.
    for cluster in &found.clusters {
        assert!(!cluster.name.is_empty());
        assert!(cluster.mentions.iter().all(|&m| m < layers.entities.len()));
    }
}

#[test]
fn an_article_without_entities() {
    let text = "It rained all day, and nothing else happened.";
    let layers = common::pipeline().annotate(text);
    let found = resolver().resolve_article(text, &layers.tokens, &layers.entities, None);
    assert!(found.clusters.is_empty());
    let mut index = EntityIndex::new();
    assert!(index.attach(resolver(), "empty", &found).is_empty());
    let empty = resolver().resolve_article("", &[], &[], None);
    assert!(empty.clusters.is_empty());
}

#[test]
fn spans_outside_the_text_do_not_panic() {
    let text = "Kyiv is cold.";
    let (tokens, _) = layers(text, &[]);
    let mentions = vec![
        EntityMention {
            start: 50,
            end: 60,
            kind: EntityType::Place,
            text: "Nowhere".into(),
            entity: None,
        },
        EntityMention {
            start: 2,
            end: 1,
            kind: EntityType::Person,
            text: String::new(),
            entity: None,
        },
    ];
    let found = resolver().resolve_article(text, &tokens, &mentions, None);
    assert_eq!(found.mention_cluster.len(), 2);
}
