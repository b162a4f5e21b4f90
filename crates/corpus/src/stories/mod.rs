//! Stories: articles grouped online, in arrival order, into the developing news stories they
//! cover.
//!
//! - `features`: what one article contributes (hashed TF-IDF topic words, headline words
//!   weighted up; specifics apart: capitalised name words, numbers, optional resolved entity
//!   ids; publication day, the year of its first full date, shingles for duplicates). Pure
//!   and per article.
//! - `index`: `StoryIndex`, the incremental clusterer with its persistent state; `refine`:
//!   its check that a young story does not hold two events (a split, reported like merges).
//! - `entities`: the recogniser's entity mentions, resolved, as keys for
//!   `ArticleFeatures::with_entities`.
//! - `membership`: each article's current story, following reported merges and splits.
//! - `metrics` and `ecbplus`: the evaluation on ECB+.
//!
//! Typical use, once per article in publication (or input) order:
//!
//! ```
//! use storyline_corpus::stories::{ArticleFeatures, Config, StoryIndex};
//!
//! let mut index = StoryIndex::new(Config::default());
//! let a = ArticleFeatures::from_parts("a", Some("Dam breaks upstream"), "Water rose.", None, None);
//! let assignment = index.add(&a);
//! assert!(assignment.new_story);
//! assert!(index.summary(&assignment.story_id).is_some());
//! ```

pub mod background;
mod docfreq;
pub mod ecbplus;
pub mod entities;
mod features;
mod index;
mod membership;
pub mod metrics;
mod refine;
mod text;
mod vector;

pub use features::{ArticleFeatures, day_number, day_string, hash_words};
pub use index::{Assignment, Config, IndexState, Merge, Split, StoryIndex, StorySummary};
pub use membership::Membership;
