//! The entity lexicon built from `../shared/data`: what it must know for resolution and
//! linking. `cargo test -p storyline-corpus --test entities_lexicon -- --ignored` rebuilds
//! `models/entities.lex.zst` (the same as `storyline train entities`).

mod common;

use std::path::Path;

use storyline_corpus::entities::lexicon::{LEXICON_FILE, build_from_shared};

#[test]
#[ignore = "writes models/; run after changing the lexicon builder"]
fn build_shipped_lexicon() {
    let lexicon = build_from_shared(&common::shared_dir().join("data")).expect("build");
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(LEXICON_FILE);
    std::fs::write(&out, lexicon.to_bytes().expect("encode")).expect("write");
    for (what, n) in lexicon.stats() {
        println!("{what}: {n}");
    }
}

#[test]
fn built_lexicon_links_general_knowledge() {
    let lex = build_from_shared(&common::shared_dir().join("data")).expect("build");
    let f = |s: &str| lex.fold(s);
    assert_eq!(
        lex.country(&f("U.S.")).map(|c| c.iso3.as_str()),
        Some("USA")
    );
    assert_eq!(
        lex.country(&f("United Kingdom")).map(|c| c.iso3.as_str()),
        Some("GBR")
    );
    assert_eq!(lex.demonym(&f("Russian")), Some("RUS"));
    assert_eq!(lex.demonym(&f("British")), Some("GBR"));
    // Kiev and Kyiv are one GeoNames place; Cyrillic is transliterated before lookup.
    let kyiv = lex.place(&f("Kyiv"), &[]).expect("Kyiv").geonameid;
    assert_eq!(lex.place(&f("Kiev"), &[]).map(|p| p.geonameid), Some(kyiv));
    assert_eq!(lex.place(&f("Київ"), &[]).map(|p| p.geonameid), Some(kyiv));
    // A national capital wins over a namesake in the article's country (Rome, Georgia);
    // otherwise the article's country decides (Birmingham, Alabama in a US article).
    let us = ["US".to_owned()];
    let rome = lex.place(&f("Rome"), &us).expect("Rome");
    assert_eq!(
        (rome.country.as_str(), rome.feature.as_str()),
        ("IT", "PPLC")
    );
    let birmingham = lex.place(&f("Birmingham"), &us).expect("Birmingham");
    assert_eq!(birmingham.country, "US");
    assert_eq!(
        lex.place(&f("Birmingham"), &[]).map(|p| p.country.as_str()),
        Some("GB")
    );
    assert!(lex.given_compatible("mike", "michael"));
    assert!(lex.given_compatible("volodymyr", "vladimir"));
    assert!(!lex.given_compatible("francis", "leo"));
    assert_eq!(lex.actor("nato"), Some("IGOWSTNAT"));
    // Agent nouns name kinds of people: robbers and thieves are criminals, protesters and
    // demonstrators the opposition; phrases and ordinary nouns are not agents.
    assert_eq!(lex.agent("thief"), Some("CRM"));
    assert_eq!(lex.agent("thieves"), Some("CRM"));
    assert_eq!(lex.agent("robber"), Some("CRM"));
    assert_eq!(lex.agent("demonstrator"), Some("OPP"));
    assert_eq!(lex.agent("police"), Some("COP"));
    assert_eq!(lex.agent("police officer"), None);
    assert_eq!(lex.agent("table"), None);
    let bytes = lex.to_bytes().expect("encode");
    assert!(bytes.len() < 4_000_000, "lexicon is {} bytes", bytes.len());
}
