//! storyline's corpus layer: what holds across articles. Duplicates and syndicated copies,
//! stories grown online as articles arrive, and entities resolved within and across articles.

pub mod dedup;
pub mod entities;
pub mod stories;
