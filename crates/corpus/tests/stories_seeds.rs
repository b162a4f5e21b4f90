//! The seeds are one developing story: clustered in publication order with the default
//! settings they form one story, and the closest pairs are 003/004 and 000/002, on words
//! alone and with the recogniser's entities (as `ingest` and `cluster` use them).

mod common;

use storyline_corpus::stories::entities::{EntityReader, EntityWeights, typed};
use storyline_corpus::stories::{ArticleFeatures, Config, StoryIndex};

fn seed_features(entities: bool) -> Vec<(String, ArticleFeatures)> {
    let reader = entities.then(|| EntityReader::load().expect("the shipped models"));
    let expected = common::seeds_expected();
    let dates = &expected["time_expressions_given_publication_dates"]["publication_dates"];
    let mut seeds: Vec<(String, ArticleFeatures)> = ["000", "001", "002", "003", "004"]
        .iter()
        .map(|key| {
            let article = common::seed_article(key, dates[*key].as_str());
            let mut f = ArticleFeatures::from_article(&article);
            if let Some(reader) = &reader {
                let keys = reader.keys(&article.text, article.published.as_deref());
                assert!(!keys.is_empty(), "seed {key} has entities");
                f = f.with_typed_entities(typed(&keys), &EntityWeights::default());
            }
            (key.to_string(), f)
        })
        .collect();
    // Publication order, as ingest would see them arriving; the key breaks ties.
    seeds.sort_by(|a, b| a.1.day.cmp(&b.1.day).then(a.0.cmp(&b.0)));
    seeds
}

#[test]
fn seeds_form_one_story() {
    one_story(false);
}

#[test]
fn seeds_form_one_story_with_entities() {
    one_story(true);
}

fn one_story(entities: bool) {
    let expected = common::seeds_expected();
    let same: Vec<&str> = expected["stories"]["same_story"][0]
        .as_array()
        .expect("same_story")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let mut index = StoryIndex::new(Config::default());
    let mut stories = Vec::new();
    for (key, features) in seed_features(entities) {
        let assignment = index.add(&features);
        stories.push((key, assignment.story_id));
    }
    // Merges may rename a story: what counts is where each article ends up.
    let final_story = |id: &str| index.summary(id).map(|s| s.id);
    let first = final_story(&stories[0].1).expect("the story is open");
    for (key, story) in &stories {
        assert!(same.contains(&key.as_str()));
        assert_eq!(final_story(story).as_ref(), Some(&first), "seed {key}");
    }
    let summary = index.summary(&first).expect("summary");
    assert_eq!(summary.articles, 5);
    assert_eq!(summary.first_seen.as_deref(), Some("2025-03-17"));
    assert_eq!(summary.last_seen.as_deref(), Some("2025-05-19"));
    assert!(summary.label.is_some());
    let names: Vec<&str> = summary.entities.iter().map(|(n, _)| n.as_str()).collect();
    // Entity keys are folded ("PERSON:putin"), capitalised runs are not.
    assert!(
        names.iter().any(|n| n.to_lowercase().contains("putin")),
        "{names:?}"
    );
}

#[test]
fn closest_pairs_are_the_expected_ones() {
    closest_pairs(false);
}

#[test]
fn closest_pairs_are_the_expected_ones_with_entities() {
    closest_pairs(true);
}

fn closest_pairs(entities: bool) {
    let expected = common::seeds_expected();
    let seeds = seed_features(entities);
    // Weights from the seeds themselves, as an index that has seen them all would use.
    let mut index = StoryIndex::new(Config::default());
    for (_, f) in &seeds {
        index.observe(f);
    }
    let mut pairs = Vec::new();
    for i in 0..seeds.len() {
        for j in i + 1..seeds.len() {
            let (mut a, mut b) = (seeds[i].0.clone(), seeds[j].0.clone());
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            pairs.push((index.similarity(&seeds[i].1, &seeds[j].1), a, b));
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let top: Vec<[String; 2]> = pairs[..2]
        .iter()
        .map(|(_, a, b)| [a.clone(), b.clone()])
        .collect();
    for pair in expected["stories"]["closest_pairs"]
        .as_array()
        .expect("pairs")
    {
        let pair: Vec<String> = pair
            .as_array()
            .expect("pair")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        assert!(
            top.iter().any(|t| t[..] == pair[..]),
            "{pair:?} not among the two closest: {pairs:?}"
        );
    }
}
