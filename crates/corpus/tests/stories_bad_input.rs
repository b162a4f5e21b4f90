//! Bad and degenerate input for the story index: empty, one-word, identical and undated
//! articles. No panics, sensible groups, memory bounded by the configured window, and the
//! same ids on every run and after a save and restore.

use storyline_corpus::stories::{ArticleFeatures, Assignment, Config, IndexState, StoryIndex};

fn features(id: &str, text: &str, published: Option<&str>) -> ArticleFeatures {
    ArticleFeatures::from_parts(id, None, text, published, None)
}

/// A small generated stream: `n` articles over a few topics, with dates when `dated`.
fn stream(n: usize, dated: bool) -> Vec<ArticleFeatures> {
    let topics = [
        "harbour pier storm ferry engineers repairs columns",
        "election council turnout parking campaign ballots mayor",
        "vaccine clinic doses nurses shortage winter hospital",
        "drought reservoir farmers rationing irrigation wells crops",
    ];
    (0..n)
        .map(|i| {
            let words = topics[i % topics.len()];
            let text = format!("Report {i}: {words} {words} item{i} detail{}.", i % 7);
            let date = format!("2025-01-{:02}", 1 + (i / 10) % 28);
            features(&format!("a{i}"), &text, dated.then_some(date.as_str()))
        })
        .collect()
}

#[test]
fn empty_and_one_word_articles() {
    let mut index = StoryIndex::new(Config::default());
    let mut stories = std::collections::HashSet::new();
    for i in 0..50 {
        let a = index.add(&features(&format!("e{i}"), "", None));
        assert!(!a.story_id.is_empty());
        stories.insert(a.story_id);
    }
    // Nothing to compare: every empty article stands alone.
    assert_eq!(stories.len(), 50);
    let first = index.add(&features("w1", "Earthquake", None));
    let again = index.add(&features("w2", "earthquake!", None));
    // Same normalised word: a duplicate, so the same story.
    assert_eq!(first.story_id, again.story_id);
    assert!(again.duplicate.is_some());
    let other = index.add(&features("w3", "Parliament", None));
    assert_ne!(other.story_id, first.story_id);
}

#[test]
fn ten_thousand_identical_articles_are_one_story_of_duplicates() {
    let mut index = StoryIndex::new(Config::default());
    let text = "The harbour authority closed the northern pier after storm damage was found.";
    let first = index.add(&features("copy0", text, Some("2025-02-01")));
    for i in 1..10_000 {
        let a = index.add(&features(&format!("copy{i}"), text, Some("2025-02-01")));
        assert_eq!(a.story_id, first.story_id);
        assert_eq!(
            a.duplicate.as_ref().map(|d| d.canonical_id.as_str()),
            Some("copy0")
        );
    }
    // The same id again is an exact duplicate.
    let exact = index.add(&features("copy0", text, Some("2025-02-01")));
    assert_eq!(
        exact.duplicate.map(|d| d.kind),
        Some(storyline_corpus::dedup::DuplicateKind::Exact)
    );
    assert_eq!(index.open_stories(), 1);
    assert_eq!(
        index.summary(&first.story_id).map(|s| s.articles),
        Some(10_001)
    );
}

#[test]
fn undated_streams_are_bounded_by_max_open() {
    let config = Config {
        max_open: 20,
        ..Config::default()
    };
    let mut index = StoryIndex::new(config);
    let mut closed = 0;
    for i in 0..2_000 {
        // Every article different from the others: a new story each time.
        let text = format!("unique{i} token{} other{}", i * 7, i * 13);
        let a = index.add(&features(&format!("u{i}"), &text, None));
        closed += a.closed.len();
        assert!(index.open_stories() <= 20);
    }
    assert!(closed >= 1_900, "{closed}");
}

#[test]
fn topics_group_and_quiet_stories_close() {
    let mut index = StoryIndex::new(Config::default());
    let assignments: Vec<Assignment> = stream(200, true).iter().map(|f| index.add(f)).collect();
    let mut stories: Vec<&str> = assignments.iter().map(|a| a.story_id.as_str()).collect();
    stories.sort_unstable();
    stories.dedup();
    assert_eq!(stories.len(), 4, "one story per topic");
    // A date far beyond the gap closes all four.
    let late = index.add(&features(
        "late",
        "Unrelated words entirely",
        Some("2026-06-01"),
    ));
    assert_eq!(late.closed.len(), 4);
    assert_eq!(index.open_stories(), 1);
}

#[test]
fn ids_are_stable_across_runs_and_restores() {
    let input = stream(300, true);
    let run = |articles: &[ArticleFeatures]| -> Vec<Assignment> {
        let mut index = StoryIndex::new(Config::default());
        articles.iter().map(|f| index.add(f)).collect()
    };
    let whole = run(&input);
    assert_eq!(whole, run(&input));
    let mut index = StoryIndex::new(Config::default());
    let mut resumed: Vec<Assignment> = input[..150].iter().map(|f| index.add(f)).collect();
    let saved = serde_json::to_vec(&index.state()).expect("serialise");
    let state: IndexState = serde_json::from_slice(&saved).expect("deserialise");
    let mut restored = StoryIndex::from_state(state);
    resumed.extend(input[150..].iter().map(|f| restored.add(f)));
    assert_eq!(whole.len(), resumed.len());
    for (i, (a, b)) in whole.iter().zip(&resumed).enumerate() {
        assert_eq!(a, b, "article {i}");
    }
}
