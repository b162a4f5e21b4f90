//! storyline's fact layer: who said what, when, and how many, read from an article's text
//! and the language layer (`storyline-nlp`) over it. [`Annotator`] runs every layer.

mod annotator;
pub mod events;
pub mod quantity;
pub mod quotes;
pub mod time;

pub use annotator::{Annotator, LoadError};
