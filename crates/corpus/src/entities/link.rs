//! Linking names to external ids: GeoNames (places, with coordinates and country), ISO 3166
//! (countries, and the countries behind demonyms), CAMEO actor codes (organisations and people
//! the PETRARCH2 dictionaries know). Unknown names stay unlinked; they are still entities.

use storyline_model::EntityType;

use super::Links;
use super::lexicon::Lexicon;
use super::within::PersonName;

/// What a name turned out to be when linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    None,
    /// A country, by name, code or demonym: the entity is the country (a PLACE).
    Country,
    /// A GeoNames place other than a country.
    Place,
    /// An organisation or person in the actor dictionaries.
    Actor,
    /// A seat of government standing for the government ("the Kremlin"): an ORG.
    Metonym,
}

/// Links a folded name of the given NER type.
/// `context`: ISO2 codes of the countries the article names, to settle ambiguous places.
pub fn link_name(
    lex: &Lexicon,
    kind: EntityType,
    folded: &str,
    context: &[String],
) -> (Links, LinkKind) {
    let name = folded.strip_prefix("the ").unwrap_or(folded);
    let country = |lex: &Lexicon, iso3: &str| {
        lex.country_by_iso3(iso3).map(|c| Links {
            geonames: (c.geonameid > 0).then_some(c.geonameid),
            lat: c.lat,
            lon: c.lon,
            country: Some(c.iso2.clone()),
            iso3: Some(c.iso3.clone()),
            actor: Some(c.iso3.clone()),
        })
    };
    match kind {
        EntityType::Misc => {
            if let Some(iso3) = lex.demonym(name)
                && let Some(links) = country(lex, iso3)
            {
                return (links, LinkKind::Country);
            }
        }
        EntityType::Place | EntityType::Org => {
            if let Some(c) = lex.country(name) {
                let iso3 = c.iso3.clone();
                if let Some(links) = country(lex, &iso3) {
                    return (links, LinkKind::Country);
                }
            }
            if kind == EntityType::Place
                && let Some(p) = lex.place(name, context)
            {
                return (
                    Links {
                        geonames: Some(p.geonameid),
                        lat: p.lat,
                        lon: p.lon,
                        country: Some(p.country.clone()),
                        ..Links::default()
                    },
                    LinkKind::Place,
                );
            }
            if let Some(code) = lex.actor(name) {
                let links = Links {
                    actor: Some(code.to_string()),
                    ..Links::default()
                };
                // A government seat the gazetteer does not know as a place (the Kremlin).
                let metonym = kind == EntityType::Place && code.len() == 6 && code.ends_with("GOV");
                return (
                    links,
                    if metonym {
                        LinkKind::Metonym
                    } else {
                        LinkKind::Actor
                    },
                );
            }
        }
        EntityType::Person => {}
    }
    (Links::default(), LinkKind::None)
}

/// The actor code of a person, by full name up to romanisation ("Sergei Lavrov" finds the
/// dictionary's SERGEY_LAVROV). Surname-only names are not looked up: too many share one.
pub fn link_person(lex: &Lexicon, person: &PersonName) -> Links {
    let Some(given) = person.given.first() else {
        return Links::default();
    };
    if given.chars().count() < 2 {
        return Links::default();
    }
    Links {
        actor: lex.person_actor(given, &person.surname).map(str::to_string),
        ..Links::default()
    }
}
