//! General knowledge for resolution and linking, built once from `../shared/data` into
//! `models/entities.lex.zst` (zstd-compressed JSON) by [`build_from_shared`], and read at run
//! time through `storyline_nlp::models::model_bytes` (compiled in, or `$STORYLINE_MODELS`).
//!
//! Sources (attribution in models/entities.md): GeoNames cities15000, admin1 codes and
//! countryInfo (CC BY 4.0); mledoze/countries (ODbL 1.0); demonyms from NGEC and mordecai
//! (MIT); PETRARCH2 Phoenix actor dictionaries (MIT); nicknames (Apache-2.0); translit-ua
//! tables (MIT); authored Ukrainian/Russian given-name pairs and place variants (CC0).
//! Nothing here names the seeds' people: only general gazetteers and dictionaries.

use std::collections::BTreeMap;
use std::path::Path;

use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

use super::names::{fold, fold_with, slavic_key};

/// The model file name under `models/`.
pub const LEXICON_FILE: &str = "entities.lex.zst";

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("entity lexicon: {0}")]
    Format(String),
}

/// A place from GeoNames (a city, a first-level region or a country).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub geonameid: u64,
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// GeoNames feature code: PCLI country, PPLC capital, PPLA seat, ADM1 region, …
    pub feature: String,
    pub population: u64,
}

/// A country with its codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Country {
    pub iso2: String,
    pub iso3: String,
    pub name: String,
    pub geonameid: u64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// What gets serialised: plain tables, indexed at load.
#[derive(Default, Serialize, Deserialize)]
struct Tables {
    /// (name, nickname), folded.
    nicknames: Vec<(String, String)>,
    /// Groups of given-name forms that name one person (Volodymyr, Vladimir, …), folded.
    given_groups: Vec<Vec<String>>,
    /// Folded demonym or adjective → ISO3.
    demonyms: Vec<(String, String)>,
    countries: Vec<Country>,
    /// Folded alias → ISO3 (names, official names, alternative spellings, codes).
    country_aliases: Vec<(String, String)>,
    places: Vec<Place>,
    /// Folded alias → index into `places`.
    place_aliases: Vec<(String, u32)>,
    /// Folded actor phrase → CAMEO actor code (PETRARCH2 Phoenix dictionaries).
    actors: Vec<(String, String)>,
    /// Folded one-word agent noun → CAMEO agent type ("robber", "thief" → CRM; "protester"
    /// → OPP; PETRARCH2 `Phoenix.agents.txt`). Absent from lexicons built before it.
    #[serde(default)]
    agents: Vec<(String, String)>,
    /// Cyrillic letter → Latin (Ukrainian national system, Russian letters added).
    cyrillic: Vec<(char, String)>,
}

/// The loaded lexicon with its lookup indexes. Read-only and shared by threads.
pub struct Lexicon {
    tables: Tables,
    nick: HashSet<(String, String)>,
    /// Every name in the nickname table, either side.
    given_names: HashSet<String>,
    /// Slavic key of a given-name form → its group numbers.
    given: HashMap<String, Vec<u32>>,
    demonyms: HashMap<String, String>,
    countries: HashMap<String, u32>,
    country_alias: HashMap<String, String>,
    place_alias: HashMap<String, Vec<u32>>,
    actors: HashMap<String, String>,
    agents: HashMap<String, String>,
    /// Two-word actor phrases under romanisation keys, for people ("sergei lavrov").
    people: HashMap<String, String>,
    cyrillic: HashMap<char, &'static str>,
}

impl Lexicon {
    /// The shipped lexicon (or `$STORYLINE_MODELS/entities.lex.zst`).
    pub fn load() -> Result<Lexicon, LexiconError> {
        let bytes = storyline_nlp::models::model_bytes(LEXICON_FILE).map_err(|e| {
            LexiconError::Format(format!(
                "{e} (build it with `storyline train entities --data ../shared/data`)"
            ))
        })?;
        Lexicon::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Lexicon, LexiconError> {
        let json = zstd::decode_all(bytes).map_err(|e| LexiconError::Format(e.to_string()))?;
        let tables: Tables =
            serde_json::from_slice(&json).map_err(|e| LexiconError::Format(e.to_string()))?;
        Ok(Lexicon::index(tables))
    }

    /// An empty lexicon: resolution still works on name evidence alone, without links.
    pub fn empty() -> Lexicon {
        Lexicon::index(Tables::default())
    }

    /// Compressed bytes of this lexicon, as stored in `models/`.
    pub fn to_bytes(&self) -> Result<Vec<u8>, LexiconError> {
        let json =
            serde_json::to_vec(&self.tables).map_err(|e| LexiconError::Format(e.to_string()))?;
        zstd::encode_all(&json[..], 19).map_err(|e| LexiconError::Format(e.to_string()))
    }

    fn index(tables: Tables) -> Lexicon {
        let nick = tables.nicknames.iter().cloned().collect();
        let given_names = tables
            .nicknames
            .iter()
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .collect();
        let mut given: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, group) in tables.given_groups.iter().enumerate() {
            for form in group {
                let entry = given.entry(slavic_key(form)).or_default();
                if !entry.contains(&(i as u32)) {
                    entry.push(i as u32);
                }
            }
        }
        let demonyms = tables.demonyms.iter().cloned().collect();
        let countries = tables
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso3.clone(), i as u32))
            .collect();
        let country_alias = tables.country_aliases.iter().cloned().collect();
        let mut place_alias: HashMap<String, Vec<u32>> = HashMap::new();
        for (alias, i) in &tables.place_aliases {
            place_alias.entry(alias.clone()).or_default().push(*i);
        }
        let actors = tables.actors.iter().cloned().collect();
        let agents = tables.agents.iter().cloned().collect();
        let people = tables
            .actors
            .iter()
            .filter(|(phrase, _)| phrase.split(' ').count() == 2)
            .map(|(phrase, code)| (loose(phrase), code.clone()))
            .collect();
        // Leaked once per process: the table is tiny and lives as long as the lexicon user.
        let cyrillic = tables
            .cyrillic
            .iter()
            .map(|(c, s)| (*c, &*Box::leak(s.clone().into_boxed_str())))
            .collect();
        Lexicon {
            tables,
            nick,
            given_names,
            given,
            demonyms,
            countries,
            country_alias,
            place_alias,
            actors,
            agents,
            people,
            cyrillic,
        }
    }

    /// [`fold`] with Cyrillic transliterated.
    pub fn fold(&self, text: &str) -> String {
        if text.is_ascii() {
            return fold(text);
        }
        fold_with(text, &|c| self.cyrillic.get(&c).copied())
    }

    /// True when two folded given names can name one person: equal up to romanisation, a
    /// nickname of each other, a Ukrainian/Russian pair, or an initial of the other.
    pub fn given_compatible(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        let (ka, kb) = (slavic_key(a), slavic_key(b));
        if ka == kb {
            return true;
        }
        let initial = |s: &str, other: &str| s.chars().count() == 1 && other.starts_with(s);
        if initial(a, b) || initial(b, a) {
            return true;
        }
        if self.nick.contains(&(a.to_string(), b.to_string()))
            || self.nick.contains(&(b.to_string(), a.to_string()))
        {
            return true;
        }
        match (self.given.get(&ka), self.given.get(&kb)) {
            (Some(ga), Some(gb)) => ga.iter().any(|g| gb.contains(g)),
            _ => false,
        }
    }

    /// True for a folded word known as a given name (nickname table or the Slavic pairs).
    pub fn is_given_name(&self, folded: &str) -> bool {
        self.given_names.contains(folded) || self.given.contains_key(&slavic_key(folded))
    }

    /// ISO3 of a folded demonym or adjective ("russian" → RUS).
    pub fn demonym(&self, folded: &str) -> Option<&str> {
        self.demonyms.get(folded).map(String::as_str)
    }

    /// The country a folded name or code denotes ("us", "united states", "ukraine").
    pub fn country(&self, folded: &str) -> Option<&Country> {
        let iso3 = self.country_alias.get(folded)?;
        self.country_by_iso3(iso3)
    }

    pub fn country_by_iso3(&self, iso3: &str) -> Option<&Country> {
        self.countries
            .get(iso3)
            .and_then(|&i| self.tables.countries.get(i as usize))
    }

    /// The best GeoNames place for a folded name: a national capital first (an American
    /// article's "Rome" is Italy's), then a place in a country of `context` (ISO2), then
    /// countries, capitals, region seats, first-level regions, then the most populous.
    pub fn place(&self, folded: &str, context: &[String]) -> Option<&Place> {
        let candidates = self.place_alias.get(folded)?;
        candidates
            .iter()
            .filter_map(|&i| self.tables.places.get(i as usize))
            .max_by_key(|p| {
                let in_context = context.contains(&p.country);
                // Region seats outrank regions of the same name (Kursk the city), and
                // regions outrank lower-order seats abroad (Florida the state).
                let rank = match p.feature.as_str() {
                    "PCLI" => 5,
                    "PPLC" => 4,
                    "PPLA" => 3,
                    "ADM1" => 2,
                    f if f.starts_with("PPLA") => 1,
                    _ => 0,
                };
                (
                    p.feature == "PPLC",
                    in_context,
                    rank,
                    p.population,
                    std::cmp::Reverse(p.geonameid),
                )
            })
    }

    /// The CAMEO actor code of a folded phrase ("nato" → IGOWSTNAT, "kremlin" → RUSGOV).
    pub fn actor(&self, folded: &str) -> Option<&str> {
        self.actors.get(folded).map(String::as_str)
    }

    /// The CAMEO agent type of a folded common noun in the singular ("thief" → CRM,
    /// "demonstrator" → OPP, "police" → COP): which kind of people it names.
    pub fn agent(&self, folded: &str) -> Option<&str> {
        self.agents.get(folded).map(String::as_str)
    }

    /// The actor code of a person by given name and surname, up to romanisation.
    pub fn person_actor(&self, given: &str, surname: &str) -> Option<&str> {
        self.people
            .get(&loose(&format!("{given} {surname}")))
            .map(String::as_str)
    }

    /// Sizes of the tables, for the model card.
    pub fn stats(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("nickname pairs", self.tables.nicknames.len()),
            ("given-name groups", self.tables.given_groups.len()),
            ("demonyms", self.tables.demonyms.len()),
            ("countries", self.tables.countries.len()),
            ("country aliases", self.tables.country_aliases.len()),
            ("places", self.tables.places.len()),
            ("place aliases", self.tables.place_aliases.len()),
            ("actor phrases", self.tables.actors.len()),
            ("agent nouns", self.tables.agents.len()),
        ])
    }
}

/// A phrase with every word under its romanisation key.
fn loose(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(slavic_key)
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(path: &Path) -> Result<String, LexiconError> {
    std::fs::read_to_string(path).map_err(|e| LexiconError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn parse_f64(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// Builds the lexicon from the shared data folder (`../shared/data`).
pub fn build_from_shared(data: &Path) -> Result<Lexicon, LexiconError> {
    let mut t = Tables::default();

    // Cyrillic first: folding of every other table may use it.
    let translit: serde_json::Value = serde_json::from_str(&read(
        &data.join("transliteration/translit_ua_tables.json"),
    )?)
    .map_err(|e| LexiconError::Format(e.to_string()))?;
    let mut cyr: BTreeMap<char, String> = BTreeMap::new();
    for scheme in ["RussianSimple", "UkrainianKMU"] {
        if let Some(table) = translit["schemes"][scheme]["main_translit_table"].as_object() {
            for (k, v) in table {
                let (Some(c), Some(v)) = (k.chars().next(), v.as_str()) else {
                    continue;
                };
                if k.chars().count() == 1 {
                    for c in c.to_lowercase() {
                        cyr.insert(c, v.to_lowercase());
                    }
                }
            }
        }
    }
    t.cyrillic = cyr.into_iter().collect();
    let lex0 = Lexicon::index(Tables {
        cyrillic: t.cyrillic.clone(),
        ..Tables::default()
    });
    let f = |s: &str| lex0.fold(s);

    // Nicknames: name1,has_nickname,name2.
    for line in read(&data.join("nicknames/names.csv"))?.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() == 3 && cols[1] == "has_nickname" {
            t.nicknames.push((f(cols[0]), f(cols[2])));
        }
    }
    // Ukrainian/Russian given-name pairs: every form in a row names the same person.
    for line in read(&data.join("transliteration/ua_ru_given_name_pairs.tsv"))?
        .lines()
        .skip(1)
    {
        let group: Vec<String> = line
            .split(['\t', '|'])
            .map(f)
            .filter(|s| !s.is_empty())
            .collect();
        if group.len() > 1 {
            t.given_groups.push(group);
        }
    }

    // Countries: GeoNames countryInfo for codes and ids, mledoze for names and centres.
    let mut iso2_to_iso3: HashMap<String, String> = HashMap::new();
    for line in read(&data.join("geonames/countryInfo.txt"))?.lines() {
        if line.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 17 {
            continue;
        }
        iso2_to_iso3.insert(c[0].to_string(), c[1].to_string());
        t.countries.push(Country {
            iso2: c[0].to_string(),
            iso3: c[1].to_string(),
            name: c[4].to_string(),
            geonameid: c[16].parse().unwrap_or(0),
            lat: None,
            lon: None,
        });
        t.country_aliases.push((f(c[4]), c[1].to_string()));
        t.country_aliases.push((f(c[1]), c[1].to_string()));
    }
    let mledoze: serde_json::Value =
        serde_json::from_str(&read(&data.join("countries_mledoze/countries.json"))?)
            .map_err(|e| LexiconError::Format(e.to_string()))?;
    for c in mledoze.as_array().into_iter().flatten() {
        let Some(iso3) = c["cca3"].as_str() else {
            continue;
        };
        if let Some(country) = t.countries.iter_mut().find(|x| x.iso3 == iso3) {
            country.lat = c["latlng"][0].as_f64();
            country.lon = c["latlng"][1].as_f64();
            if let Some(common) = c["name"]["common"].as_str() {
                country.name = common.to_string();
            }
        }
        let mut names: Vec<&str> = vec![];
        names.extend(c["name"]["common"].as_str());
        names.extend(c["name"]["official"].as_str());
        for alt in c["altSpellings"].as_array().into_iter().flatten() {
            names.extend(alt.as_str());
        }
        for name in names {
            // Two-letter codes collide with words ("IN", "IT"); only a few are written in
            // news as names, and those carry dots or stand in capitals (U.S., UK).
            if name.len() == 2 && !matches!(name, "US" | "UK") {
                continue;
            }
            t.country_aliases.push((f(name), iso3.to_string()));
        }
        for sex in ["m", "f"] {
            if let Some(d) = c["demonyms"]["eng"][sex].as_str() {
                t.demonyms.push((f(d), iso3.to_string()));
            }
        }
    }
    for line in read(&data.join("demonyms/demonyms_merged.tsv"))?
        .lines()
        .skip(1)
    {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() >= 2 {
            t.demonyms.push((f(c[0]), c[1].to_string()));
        }
    }
    if let Ok(text) = read(&data.join("demonyms/mordecai_country_names_to_iso3.json"))
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&text)
    {
        for (name, iso3) in map {
            if let Some(iso3) = iso3.as_str() {
                t.country_aliases.push((f(&name), iso3.to_string()));
            }
        }
    }
    // Countries as places, so a country mention links to its GeoNames id too.
    for c in &t.countries {
        t.places.push(Place {
            geonameid: c.geonameid,
            name: c.name.clone(),
            country: c.iso2.clone(),
            lat: c.lat,
            lon: c.lon,
            feature: "PCLI".into(),
            population: u64::MAX / 2,
        });
    }

    // Cities with alternate names in Latin or Cyrillic script (others are dropped to keep
    // the file small; a Chinese-script mention simply stays unlinked).
    let keep_alias = |s: &str| {
        s.chars().all(|c| {
            c.is_ascii()
                || matches!(c as u32, 0x00C0..=0x024F | 0x0400..=0x04FF)
                || c == '’'
                || c == 'ʼ'
        }) && s.chars().any(|c| c.is_alphabetic())
    };
    let mut aliases: Vec<(String, u32)> = Vec::new();
    for line in read(&data.join("geonames/cities15000.txt"))?.lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 19 {
            continue;
        }
        let index = t.places.len() as u32;
        t.places.push(Place {
            geonameid: c[0].parse().unwrap_or(0),
            name: c[1].to_string(),
            country: c[8].to_string(),
            lat: parse_f64(c[4]),
            lon: parse_f64(c[5]),
            feature: c[7].to_string(),
            population: c[14].parse().unwrap_or(0),
        });
        let mut seen: HashSet<String> = HashSet::new();
        for name in [c[1], c[2]].into_iter().chain(c[3].split(',')) {
            if keep_alias(name) {
                let key = f(name);
                if !key.is_empty() && seen.insert(key.clone()) {
                    aliases.push((key, index));
                }
            }
        }
    }
    // First-level regions (Crimea, oblasts, states): ids and country, no coordinates.
    for line in read(&data.join("geonames/admin1CodesASCII.txt"))?.lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 4 {
            continue;
        }
        let index = t.places.len() as u32;
        t.places.push(Place {
            geonameid: c[3].trim().parse().unwrap_or(0),
            name: c[1].to_string(),
            country: c[0].split('.').next().unwrap_or("").to_string(),
            lat: None,
            lon: None,
            feature: "ADM1".into(),
            population: 0,
        });
        for name in [c[1], c[2]] {
            let key = f(name);
            // "Kursk Oblast" is also reached as "Kursk" when no city claims it.
            let short = key
                .trim_end_matches(" oblast")
                .trim_end_matches(" oblast")
                .to_string();
            aliases.push((key, index));
            if short != f(name) {
                aliases.push((short, index));
            }
        }
    }
    // Authored Ukrainian/Russian place variants (Kiev → Kyiv) attach to the cities15000 row.
    for line in read(&data.join("transliteration/place_name_variants_ua_ru.tsv"))?
        .lines()
        .skip(1)
    {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 6 {
            continue;
        }
        let Ok(id) = c[5].parse::<u64>() else {
            continue;
        };
        if let Some(index) = t.places.iter().position(|p| p.geonameid == id) {
            for name in [c[0]]
                .into_iter()
                .chain(c[1].split('|'))
                .chain(c[2].split('|'))
            {
                let key = f(name);
                if !key.is_empty() {
                    aliases.push((key, index as u32));
                }
            }
        }
    }
    for (i, c) in t.countries.iter().enumerate() {
        aliases.push((f(&c.name), i as u32));
    }
    aliases.sort();
    aliases.dedup();
    t.place_aliases = aliases;

    // Actor dictionaries: a block is a head phrase, `+` alias lines, then `[CODE dates]`
    // lines; the code in force last (open-ended `>date` or undated) is the one kept.
    for file in [
        "Phoenix.Countries.actors.txt",
        "Phoenix.International.actors.txt",
        "Phoenix.MilNonState.actors.txt",
    ] {
        let text = read(&data.join("petrarch2_dictionaries").join(file))?;
        let mut phrases: Vec<String> = Vec::new();
        let mut codes: Vec<(u8, String)> = Vec::new();
        let mut flush = |phrases: &mut Vec<String>, codes: &mut Vec<(u8, String)>| {
            if let Some((_, code)) = codes.iter().max_by_key(|(rank, _)| *rank) {
                for p in phrases.iter() {
                    if !p.is_empty() {
                        t.actors.push((p.clone(), code.clone()));
                    }
                }
            }
            phrases.clear();
            codes.clear();
        };
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("");
            if line.trim().is_empty() {
                continue;
            }
            let starts_block = !line.starts_with(['+', '\t', ' ', '[']);
            if starts_block && !codes.is_empty() {
                flush(&mut phrases, &mut codes);
            }
            let mut rest = line.trim();
            if let Some(open) = rest.find('[') {
                for part in rest[open..].split('[').skip(1) {
                    let inner = part.split(']').next().unwrap_or("").trim();
                    let mut words = inner.split_whitespace();
                    let Some(code) = words.next() else { continue };
                    let rank = match words.next() {
                        Some(d) if d.starts_with('>') => 3,
                        None => 2,
                        Some(_) => 1,
                    };
                    codes.push((rank, code.trim_start_matches('~').to_string()));
                }
                rest = rest[..open].trim();
            }
            let phrase = rest.trim_start_matches('+').replace('_', " ");
            if !phrase.trim().is_empty() && !phrase.contains(['{', '!', '&', '%']) {
                phrases.push(f(&phrase));
            }
        }
        flush(&mut phrases, &mut codes);
    }
    t.actors.sort();
    t.actors.dedup_by(|a, b| a.0 == b.0);

    // Agent nouns: `NOUN {IRREGULAR PLURALS} [~CODE]`, one per line. Only one-word nouns
    // (phrases are written with `_`, substitution sets with `!`); the first code of a noun
    // listed twice is kept.
    let text = read(&data.join("petrarch2_dictionaries/Phoenix.agents.txt"))?;
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        let Some(word) = line.split_whitespace().next() else {
            continue;
        };
        if line.contains('=') || word.contains(['_', '!', '{', '[']) {
            continue;
        }
        let Some(code) = line
            .rsplit_once('[')
            .map(|(_, c)| c.trim_end_matches(']').trim().trim_start_matches('~'))
            .filter(|c| !c.is_empty() && !c.contains(' '))
        else {
            continue;
        };
        t.agents.push((f(word), code.to_string()));
        if let Some((plurals, _)) = line.split_once('{').and_then(|(_, r)| r.split_once('}')) {
            for p in plurals.split_whitespace() {
                t.agents.push((f(p), code.to_string()));
            }
        }
    }
    t.agents.sort_by(|a, b| a.0.cmp(&b.0));
    t.agents.dedup_by(|a, b| a.0 == b.0);
    t.nicknames.sort();
    t.nicknames.dedup();
    t.demonyms.sort();
    t.demonyms.dedup_by(|a, b| a.0 == b.0);
    t.country_aliases.sort();
    t.country_aliases.dedup_by(|a, b| a.0 == b.0);
    Ok(Lexicon::index(t))
}
