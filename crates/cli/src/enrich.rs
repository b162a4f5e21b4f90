//! What happens to new articles after cleaning, shared by `ingest`, `reannotate`, `watch` and
//! `annotate`: every annotation layer, then entities resolved against everything seen before.

use anyhow::Result;
use rayon::prelude::*;
use storyline_corpus::entities::{EntityIndex, Resolver};
use storyline_extract::Annotator;
use storyline_model::{Annotations, Article};
use storyline_store::Store;

use crate::entities;

/// The models and the cross-article state, loaded once per run.
pub struct Enricher {
    annotator: Annotator,
    resolver: Resolver,
    entities: EntityIndex,
}

impl Enricher {
    /// Loads the models, and with a store, the entities already in it (so new mentions
    /// attach to them and ids stay stable across runs).
    pub fn load(store: Option<&Store>) -> Result<Enricher> {
        let annotator = Annotator::load()?;
        let resolver = Resolver::load()?;
        let entities = match store {
            Some(store) => entities::load_index(store, &resolver)?,
            None => EntityIndex::new(),
        };
        Ok(Enricher {
            annotator,
            resolver,
            entities,
        })
    }

    /// The layers of these articles (in parallel), with entity ids on mentions and speakers.
    /// Articles attach to entities in the order given.
    pub fn annotate(&mut self, articles: &[&Article]) -> Vec<Annotations> {
        let mut layers: Vec<Annotations> = articles
            .par_iter()
            .map(|article| self.annotator.annotate(article))
            .collect();
        entities::resolve_batch(&self.resolver, &mut self.entities, articles, &mut layers);
        layers
    }

    /// Annotates stored articles and stores their layers and the entities they changed.
    /// Returns each article's resolved entity ids, in the order given, for
    /// `stories::assign_stories`.
    pub fn annotate_and_store(
        &mut self,
        store: &mut Store,
        articles: &[&Article],
    ) -> storyline_store::Result<Vec<crate::stories::EntityKeys>> {
        let layers = self.annotate(articles);
        let items: Vec<(&str, &Annotations)> = articles
            .iter()
            .map(|a| a.id.as_str())
            .zip(&layers)
            .collect();
        store.save_annotations(&items, self.annotator.version())?;
        entities::save_index(store, &mut self.entities, &self.resolver)?;
        Ok(layers
            .iter()
            .map(|l| storyline_corpus::stories::entities::mention_ids(&l.entities))
            .collect())
    }

    /// The annotator's version: stored layers made by another are stale.
    pub fn version(&self) -> &str {
        self.annotator.version()
    }
}
