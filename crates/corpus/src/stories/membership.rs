//! Where each article ends up, from the assignments as `StoryIndex::add` reports them: an
//! article stays in the story it joined, follows that story when it is merged into another,
//! and moves when a split takes it to a new story.

use std::collections::HashMap;

use super::index::Assignment;

/// The story of every article seen, kept by callers that need final stories (the `cluster`
/// command, the ECB+ evaluation). It grows with the stream, as their output does.
#[derive(Debug, Default, Clone)]
pub struct Membership {
    order: Vec<String>,
    story: HashMap<String, String>,
    merged: HashMap<String, String>,
}

impl Membership {
    pub fn new() -> Membership {
        Membership::default()
    }

    /// Takes in one assignment: the article's story, the merges, the articles a split moved.
    pub fn record(&mut self, assignment: &Assignment) {
        let article = &assignment.article_id;
        if !self.story.contains_key(article) {
            self.order.push(article.clone());
        }
        self.story
            .insert(article.clone(), assignment.story_id.clone());
        for m in &assignment.merges {
            self.merged.insert(m.from.clone(), m.into.clone());
        }
        for s in &assignment.splits {
            for moved in &s.articles {
                self.story.insert(moved.clone(), s.into.clone());
            }
        }
    }

    /// The current story of an article, following merges.
    pub fn story_of(&self, article_id: &str) -> Option<&str> {
        let mut story = self.story.get(article_id)?.as_str();
        // Merge chains cannot cycle (the older story always survives); the bound is a guard.
        for _ in 0..=self.merged.len() {
            match self.merged.get(story) {
                Some(into) => story = into,
                None => break,
            }
        }
        Some(story)
    }

    /// Every article with its current story, in the order they first arrived.
    pub fn stories(&self) -> Vec<(String, String)> {
        self.order
            .iter()
            .filter_map(|a| Some((a.clone(), self.story_of(a)?.to_string())))
            .collect()
    }
}
