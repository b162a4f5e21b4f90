//! storyline's corpus layer: what holds across articles. Duplicates and syndicated copies,
//! stories grown online as articles arrive, entities resolved within and across articles,
//! and each story's timeline and claims.

pub mod claims;
pub mod dedup;
pub mod ecbplus;
pub mod entities;
pub mod stories;
pub mod timeline;
