//! Every layer of an article in one call: the language layer, then quotes, times and
//! quantities over it. This is what `storyline annotate` prints and `storyline ingest`
//! stores; loaded once and shared by every worker thread.

use chrono::NaiveDate;
use storyline_model::{Annotations, Article};
use storyline_nlp::pipeline::Pipeline;

use crate::events::EventFinder;
use crate::quantity::QuantityFinder;
use crate::quotes::QuoteFinder;
use crate::quotes::speaker::Resolver;
use crate::time::TimeFinder;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Language(#[from] storyline_nlp::pipeline::LoadError),
    #[error(transparent)]
    Quotes(#[from] crate::quotes::LoadError),
    #[error(transparent)]
    Events(#[from] crate::events::LoadError),
}

pub struct Annotator {
    language: Pipeline,
    quotes: QuoteFinder,
    times: TimeFinder,
    quantities: QuantityFinder,
    events: EventFinder,
    version: String,
}

impl Annotator {
    /// Loads the shipped models (or those in `$STORYLINE_MODELS`).
    pub fn load() -> Result<Annotator, LoadError> {
        let language = Pipeline::load()?;
        let quotes = QuoteFinder::load()?;
        let events = EventFinder::load()?;
        let version = format!(
            "{}+{:016x}",
            env!("CARGO_PKG_VERSION"),
            language.fingerprint() ^ quotes.fingerprint() ^ events.fingerprint().rotate_left(1)
        );
        Ok(Annotator {
            language,
            quotes,
            times: TimeFinder::new(),
            quantities: QuantityFinder::new(),
            events,
            version,
        })
    }

    /// Names this build's code and models: stored layers with another version are stale.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn language(&self) -> &Pipeline {
        &self.language
    }

    /// All layers of an article. Relative dates resolve against its publication date and
    /// stay unresolved without one.
    pub fn annotate(&self, article: &Article) -> Annotations {
        let text = &article.text;
        let layers = self.language.annotate(text);
        let published = article.published.as_deref().and_then(publication_date);
        let times = self.times.find(text, &layers, published);
        // One token view and speaker resolver for the quote finder and the event coder.
        let (quotes, quantities, events, claims) = {
            let view = self.quotes.view(text, &layers);
            let resolver = Resolver::new(&view);
            let quotes = self.quotes.find_in(&view, &resolver);
            let quantities = self.quantities.find(text, &layers, &quotes);
            let (events, claims) = self.events.find_in(
                &view,
                &resolver,
                self.quotes.lexicon(),
                &quotes,
                &times,
                &quantities,
            );
            (quotes, quantities, events, claims)
        };
        Annotations {
            sentences: layers.sentences,
            tokens: layers.tokens,
            entities: layers.entities,
            quotes,
            times,
            quantities,
            events,
            claims,
        }
    }
}

/// The calendar date of a stored publication date ("2025-03-17" or RFC 3339).
fn publication_date(published: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(published.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::publication_date;

    #[test]
    fn publication_dates_are_read_from_either_stored_form() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 17);
        assert_eq!(publication_date("2025-03-17"), day);
        assert_eq!(publication_date("2025-03-17T09:30:00+01:00"), day);
        assert_eq!(publication_date("March 17"), None);
        assert_eq!(publication_date("2025-02-30"), None);
    }
}
