//! The shared test helpers (`storyline-testkit`): `shared_dir`, `seeds_expected`,
//! `seed_article`, `pipeline`.

pub use storyline_testkit::*;
