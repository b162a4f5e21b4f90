//! Entity resolution: one entity per real-world referent, within and across articles.
//!
//! Two stages, matching DESIGN.md's split between per-article and per-corpus work:
//!
//! 1. [`Resolver::resolve_article`] (pure, parallel): clusters one article's NER mentions.
//!    Short forms join the full name they abbreviate ("Trump" → "Donald Trump", "Vladimir" →
//!    "Vladimir Putin"); titles and appositives become dated [`Role`]s ("U.S. Secretary of
//!    State Marco Rubio", "Trump's envoy for the conflict, Steve Witkoff"); demonyms and
//!    possessives join their country ("Russian", "Russia's" → Russia); spans the recogniser
//!    mistyped are repaired by documented rules (a PERSON ending in "University" is an
//!    organisation; a title span ending in a known given name is a person with a role).
//! 2. [`EntityIndex::attach`] (sequential, incremental): attaches an article's clusters to
//!    corpus entities by name evidence that generalises (romanisation classes, nicknames,
//!    diacritics, middle initials, Ukrainian/Russian given-name pairs), by type, and by
//!    external id. Ids are slugs fixed at creation, so the same input in the same order
//!    always yields the same ids, and later articles never rename earlier entities.
//!
//! Metonyms rule: a name the actor dictionaries code as a government (`…GOV`) and GeoNames
//! does not know as a place ("the Kremlin", "the White House") is an ORG entity with
//! `metonym = true`; a capital city ("Moscow") stays a PLACE, since telling "Moscow says"
//! from "in Moscow" needs the sentence, not the name.
//!
//! Linking ([`link`]): places to GeoNames ids with coordinates and country, countries to
//! ISO 3166 codes, organisations and people to CAMEO actor codes where the dictionaries know
//! them. Evaluation on ECB+ is in [`ecbplus`] with the standard scorers in [`score`].

pub mod across;
pub mod ecbplus;
pub mod lexicon;
pub mod link;
pub mod names;
pub mod score;
mod titles;
pub mod within;

use serde::{Deserialize, Serialize};

pub use across::{Entity, EntityIndex};
pub use lexicon::{Lexicon, LexiconError};
pub use within::{ArticleEntities, Cluster};

/// A role stated for a person in an article: the title ("Secretary of State"), the country
/// it is for when the text gives one (ISO3: "U.S. Secretary of State" → USA), and the
/// article's date, since roles change over time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Role {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The publication date (YYYY-MM-DD) of the article that stated it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

/// External identifiers of an entity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 country of a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO 3166-1 alpha-3 code when the entity is a country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso3: Option<String>,
    /// CAMEO actor code from the PETRARCH2 dictionaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

impl Links {
    /// The strongest identifier, used as a merge key across articles.
    pub(crate) fn key(&self) -> Option<String> {
        if let Some(iso3) = &self.iso3 {
            return Some(format!("iso:{iso3}"));
        }
        if let Some(id) = self.geonames {
            return Some(format!("geo:{id}"));
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self == &Links::default()
    }
}

/// The resolver: the lexicon plus the rules. Load once, share by reference across threads.
pub struct Resolver {
    lexicon: Lexicon,
}

impl Resolver {
    /// With the shipped lexicon (see [`lexicon`]).
    pub fn load() -> Result<Resolver, LexiconError> {
        Ok(Resolver {
            lexicon: Lexicon::load()?,
        })
    }

    pub fn with_lexicon(lexicon: Lexicon) -> Resolver {
        Resolver { lexicon }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
}
