//! Within one article: mentions → clusters with a canonical name, type, roles and links.
//!
//! Steps, each a documented rule:
//! 1. Repair spans: a PERSON span loses leading honorifics and titles ("President Donald
//!    Trump" → "Donald Trump", the title kept as a role) unless the title is part of a
//!    mononym ("Pope Francis"); a PERSON span ending in an organisation noun is an ORG
//!    ("George Washington University"); an ORG/PLACE/MISC span made of a title and a name
//!    ("National Security Advisor Michael Waltz") is a PERSON when its tail starts with a
//!    known given name or ends in a surname the article uses for a person.
//! 2. Countries absorb their demonyms and codes ("Russian", "U.S."); hyphenated compounds
//!    of known names ("Russia-Ukraine", "Trump-Putin") are relations, not entities, and are
//!    left unresolved.
//! 3. Full person names cluster when surnames share a romanisation key and given names are
//!    compatible; then one-word names join the full name whose surname (or, failing that,
//!    given name) they match, the nearest preceding one when several do.
//! 4. Other names cluster by external id (ISO3, GeoNames id) or folded name; an all-capitals
//!    organisation joins the one whose initials it spells.

use std::ops::Range;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use storyline_model::{CharIndex, EntityMention, EntityType, TokenAnnotation};

use super::lexicon::Lexicon;
use super::link::{LinkKind, link_name, link_person};
use super::names::{MAX_NAME_CHARS, is_initial, is_particle, is_suffix, slavic_key};
use super::titles::{
    is_determiner, is_head, is_honorific, is_modifier, is_name_title, is_org_head,
};
use super::{Links, Resolver, Role};

/// The structure of a person's name, for matching across articles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// Folded given names and initials, in order ("henry", "e").
    pub given: Vec<String>,
    /// Folded surname with its particles ("hale", "van der leyen"); for a titled mononym the
    /// title and name ("pope francis").
    pub surname: String,
}

impl PersonName {
    /// The romanisation key of the surname.
    pub fn surname_key(&self) -> String {
        self.surname
            .split(' ')
            .map(slavic_key)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when both names can denote one person: same surname key and compatible first
    /// given names (a missing given name is compatible with any).
    pub fn compatible(&self, other: &PersonName, lexicon: &Lexicon) -> bool {
        if self.surname_key() != other.surname_key() {
            return false;
        }
        match (self.given.first(), other.given.first()) {
            (Some(a), Some(b)) => lexicon.given_compatible(a, b),
            _ => true,
        }
    }
}

/// One entity as this article presents it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Canonical name within the article (the fullest form, or the linked name).
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Indexes into the article's entity mentions.
    pub mentions: Vec<usize>,
    /// Distinct surface forms, in order of first use.
    pub aliases: Vec<String>,
    pub roles: Vec<Role>,
    pub links: Links,
    /// True for a seat of government standing for the government ("the Kremlin").
    #[serde(default)]
    pub metonym: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonName>,
}

/// The result of within-article resolution.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleEntities {
    pub clusters: Vec<Cluster>,
    /// For every entity mention of the article, its cluster (`None`: not an entity, e.g. a
    /// compound like "Russia-Ukraine").
    pub mention_cluster: Vec<Option<usize>>,
}

impl ArticleEntities {
    /// Writes entity ids (one per cluster, from [`super::EntityIndex::attach`]) into the
    /// mentions' `entity` fields. A metonym's mentions also take its entity's type: the
    /// recogniser reads "the Kremlin" as a place (CoNLL tags it LOC every time), the
    /// metonyms rule makes the entity an organisation, and the mention must say the same.
    pub fn apply_ids(&self, ids: &[String], mentions: &mut [EntityMention]) {
        for (mention, cluster) in mentions.iter_mut().zip(&self.mention_cluster) {
            mention.entity = cluster.and_then(|c| ids.get(c).cloned());
            if let Some(cluster) = cluster.and_then(|c| self.clusters.get(c))
                && cluster.metonym
            {
                mention.kind = cluster.kind;
            }
        }
    }
}

impl ArticleEntities {
    /// Fills `Speaker.entity` of this article's quotes (see [`Self::entity_for`]).
    /// Speakers resolved only to a pronoun or a description keep what the quote finder
    /// gave them.
    pub fn link_speakers(
        &self,
        ids: &[String],
        mentions: &[EntityMention],
        quotes: &mut [storyline_model::Quote],
        lexicon: &Lexicon,
    ) {
        for quote in quotes {
            let Some(speaker) = quote.speaker.as_mut() else {
                continue;
            };
            let id = self.entity_for(
                ids,
                mentions,
                speaker.mention.as_ref(),
                speaker.name.as_deref(),
                lexicon,
            );
            if id.is_some() {
                speaker.entity = id;
            }
        }
    }

    /// Fills `Participant.entity` of this article's events (actor, recipient, place) and
    /// claims (who asserts, who disputes).
    pub fn link_participants(
        &self,
        ids: &[String],
        mentions: &[EntityMention],
        events: &mut [storyline_model::Event],
        claims: &mut [storyline_model::Claim],
        lexicon: &Lexicon,
    ) {
        let link = |participant: Option<&mut storyline_model::Participant>| {
            if let Some(p) = participant
                && let Some(id) =
                    self.entity_for(ids, mentions, Some(&p.mention), p.name.as_deref(), lexicon)
            {
                p.entity = Some(id);
            }
        };
        for event in events {
            link(event.actor.as_mut());
            link(event.recipient.as_mut());
            link(event.place.as_mut());
        }
        for claim in claims {
            link(claim.asserted_by.as_mut());
            for dispute in &mut claim.disputed_by {
                link(dispute.by.as_mut());
            }
        }
    }

    /// The entity a phrase refers to: the resolved entity mention its span overlaps (the
    /// last one, the head of "U.S. President Donald Trump"), else the cluster one of whose
    /// aliases equals `name` (folded).
    fn entity_for(
        &self,
        ids: &[String],
        mentions: &[EntityMention],
        span: Option<&storyline_model::TextSpan>,
        name: Option<&str>,
        lexicon: &Lexicon,
    ) -> Option<String> {
        let by_span = span.and_then(|span| {
            mentions
                .iter()
                .rev()
                .find(|m| m.start < span.end && span.start < m.end && m.entity.is_some())
                .and_then(|m| m.entity.clone())
        });
        by_span.or_else(|| {
            let name = lexicon.fold(name?);
            self.clusters
                .iter()
                .position(|c| c.aliases.iter().any(|a| lexicon.fold(a) == name))
                .and_then(|c| ids.get(c).cloned())
        })
    }
}

struct Tok<'t> {
    text: &'t str,
    folded: String,
    pos: &'t str,
}

impl Tok<'_> {
    fn capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// A mention being resolved.
struct Work {
    index: usize,
    kind: EntityType,
    /// The whole span's tokens.
    span: Range<usize>,
    /// The name's tokens (titles, honorifics and possessives removed).
    name: Range<usize>,
    surface: String,
    folded: String,
    links: Links,
    link_kind: LinkKind,
    metonym: bool,
    person: Option<PersonName>,
    skip: bool,
}

impl Resolver {
    /// Resolves one article's mentions. `tokens` and `mentions` are the language layers
    /// (code-point offsets into `text`); `published` is the article's date (roles are dated
    /// with it). Pure: call it in parallel.
    pub fn resolve_article(
        &self,
        text: &str,
        tokens: &[TokenAnnotation],
        mentions: &[EntityMention],
        published: Option<&str>,
    ) -> ArticleEntities {
        let lex = &self.lexicon;
        let index = CharIndex::new(text);
        let slice = |start: usize, end: usize| -> &str {
            match (index.byte(start), index.byte(end)) {
                (Some(a), Some(b)) if a <= b => text.get(a..b).unwrap_or(""),
                _ => "",
            }
        };
        let toks: Vec<Tok> = tokens
            .iter()
            .map(|t| {
                let s = slice(t.start, t.end);
                Tok {
                    text: s,
                    folded: lex.fold(s),
                    pos: &t.pos,
                }
            })
            .collect();
        let date = published.map(|p| p.chars().take(10).collect::<String>());

        // Token range of every mention; tokens are in text order.
        let token_range = |m: &EntityMention| -> Range<usize> {
            let first = tokens.partition_point(|t| t.start < m.start);
            let mut last = first;
            while last < tokens.len() && tokens[last].end <= m.end {
                last += 1;
            }
            first..last
        };
        let mut work: Vec<Work> = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let span = token_range(m);
                Work {
                    index: i,
                    kind: m.kind,
                    span: span.clone(),
                    name: span,
                    surface: String::new(),
                    folded: String::new(),
                    links: Links::default(),
                    link_kind: LinkKind::None,
                    metonym: false,
                    person: None,
                    skip: m.text.chars().count() > MAX_NAME_CHARS,
                }
            })
            .collect();

        // Surname keys of single PERSON spans, to recognise a person's tail in a mistyped span.
        let person_last_words: Vec<String> = work
            .iter()
            .filter(|w| w.kind == EntityType::Person && !w.span.is_empty())
            .map(|w| slavic_key(&toks[w.span.end - 1].folded))
            .collect();

        // 1. Span repairs.
        for w in work.iter_mut().filter(|w| !w.skip) {
            let mut name = w.name.clone();
            // Possessive clitic inside the span ("Kyiv’s").
            if name.len() > 1 && toks[name.end - 1].folded == "s" {
                name.end -= 1;
            }
            while name.len() > 1 && is_honorific(&toks[name.start].folded) {
                name.start += 1;
            }
            let title_len = toks[name.clone()]
                .iter()
                .take_while(|t| is_head(&t.folded) || is_modifier(&t.folded) || t.folded == "of")
                .count();
            let has_head = toks[name.start..name.start + title_len]
                .iter()
                .any(|t| is_head(&t.folded));
            match w.kind {
                EntityType::Person => {
                    let tail = name.start + title_len..name.end;
                    let name_title = toks[name.start..tail.start]
                        .iter()
                        .any(|t| is_name_title(&t.folded));
                    if has_head && !tail.is_empty() && !(tail.len() == 1 && name_title) {
                        name = tail;
                    }
                    if name.len() > 1 && is_org_head(&toks[name.end - 1].folded) {
                        w.kind = EntityType::Org;
                    }
                }
                _ if title_len > 0 && title_len < name.len() => {
                    let tail = name.start + title_len..name.end;
                    let looks_like_name = tail.len() <= 4
                        && toks[tail.clone()]
                            .iter()
                            .all(|t| t.capitalised() || is_particle(&t.folded));
                    let given = lex.is_given_name(&toks[tail.start].folded) && tail.len() >= 2;
                    let known_surname =
                        person_last_words.contains(&slavic_key(&toks[tail.end - 1].folded));
                    if looks_like_name && (given || known_surname) {
                        w.kind = EntityType::Person;
                        name = tail;
                    }
                }
                _ => {}
            }
            w.name = name;
            let surface = if w.name.is_empty() {
                mentions[w.index].text.clone()
            } else {
                slice(tokens[w.name.start].start, tokens[w.name.end - 1].end).to_string()
            };
            let surface = strip_possessive(surface.trim());
            w.folded = lex.fold(&surface);
            w.surface = surface;
            if w.folded.is_empty() {
                w.skip = true;
            }
        }

        // 2. Compounds and links. Countries the article names settle ambiguous places
        // (Florida the state in an article about the U.S.).
        let context: Vec<String> = work
            .iter()
            .filter(|w| !w.skip && w.kind != EntityType::Person)
            .filter_map(|w| {
                lex.country(&w.folded).map(|c| c.iso2.clone()).or_else(|| {
                    lex.demonym(&w.folded)
                        .and_then(|iso3| lex.country_by_iso3(iso3))
                        .map(|c| c.iso2.clone())
                })
            })
            .collect();
        let known_words: Vec<String> = work
            .iter()
            .filter(|w| !w.skip && !w.surface.contains('-'))
            .map(|w| w.folded.clone())
            .collect();
        for w in work.iter_mut().filter(|w| !w.skip) {
            if w.surface.contains(['-', '–']) && w.kind != EntityType::Person {
                let parts: Vec<String> = w.surface.split(['-', '–']).map(|p| lex.fold(p)).collect();
                let known = |p: &String| {
                    known_words.contains(p) || lex.country(p).is_some() || lex.demonym(p).is_some()
                };
                if parts.len() > 1 && parts.iter().all(known) {
                    w.skip = true;
                    continue;
                }
            }
            if w.kind == EntityType::Person {
                w.person = Some(person_name(&toks, w, lex));
                continue;
            }
            let (links, kind) = link_name(lex, w.kind, &w.folded, &context);
            w.link_kind = kind;
            match kind {
                LinkKind::Country => w.kind = EntityType::Place,
                LinkKind::Metonym => {
                    w.kind = EntityType::Org;
                    w.metonym = true;
                }
                _ => {}
            }
            w.links = links;
        }

        // 3. and 4. Clustering.
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut assign: Vec<Option<usize>> = vec![None; mentions.len()];
        let mut by_key: HashMap<String, usize> = HashMap::new();
        // Full person names first, so short forms before them (headlines) still find them.
        let order: Vec<usize> = {
            let mut full: Vec<usize> = Vec::new();
            let mut short: Vec<usize> = Vec::new();
            let mut other: Vec<usize> = Vec::new();
            for (i, w) in work.iter().enumerate().filter(|(_, w)| !w.skip) {
                match &w.person {
                    Some(p) if !p.given.is_empty() || p.surname.contains(' ') => full.push(i),
                    Some(_) => short.push(i),
                    None => other.push(i),
                }
            }
            full.into_iter().chain(short).chain(other).collect()
        };
        for i in order {
            let w = &work[i];
            let target = match &w.person {
                Some(p) => find_person(p, w, &work, &assign, &clusters, lex),
                None => {
                    let key = w
                        .links
                        .key()
                        .unwrap_or_else(|| format!("{}:{}", w.kind, strip_the(&w.folded)));
                    by_key.get(&key).copied().or_else(|| {
                        let c = clusters.len();
                        by_key.insert(key, c);
                        None
                    })
                }
            };
            let c = match target {
                Some(c) => c,
                None => {
                    clusters.push(Cluster {
                        name: String::new(),
                        kind: w.kind,
                        mentions: Vec::new(),
                        aliases: Vec::new(),
                        roles: Vec::new(),
                        links: w.links.clone(),
                        metonym: w.metonym,
                        person: w.person.clone(),
                    });
                    clusters.len() - 1
                }
            };
            assign[w.index] = Some(c);
            let cluster = &mut clusters[c];
            cluster.mentions.push(w.index);
            if !cluster.aliases.contains(&w.surface) {
                cluster.aliases.push(w.surface.clone());
            }
            if let (Some(p), Some(q)) = (&w.person, &mut cluster.person)
                && (p.given.len() > q.given.len() || p.surname.len() > q.surname.len())
                && p.compatible(q, lex)
            {
                *q = p.clone();
            }
        }
        merge_acronyms(&mut clusters, &mut assign);

        // Roles and canonical names.
        let owner: Vec<Option<usize>> = {
            let mut owner = vec![None; toks.len()];
            for (wi, w) in work.iter().enumerate().filter(|(_, w)| !w.skip) {
                for t in w.name.clone() {
                    owner[t] = Some(wi);
                }
            }
            owner
        };
        for w in work.iter().filter(|w| !w.skip && w.person.is_some()) {
            let Some(c) = assign[w.index] else { continue };
            for (title, country) in roles_of(w, &toks, &work, &owner) {
                let role = Role {
                    title,
                    country,
                    date: date.clone(),
                    article: None,
                };
                if !clusters[c].roles.contains(&role) {
                    clusters[c].roles.push(role);
                }
            }
        }
        for cluster in &mut clusters {
            cluster.mentions.sort_unstable();
            cluster.name = canonical(cluster, &work, lex);
            if let Some(p) = &cluster.person {
                cluster.links = link_person(lex, p);
            }
        }
        ArticleEntities {
            clusters,
            mention_cluster: assign,
        }
    }
}

fn strip_possessive(s: &str) -> String {
    for suffix in ["'s", "’s", "'", "’"] {
        if let Some(stem) = s.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return stem.trim_end().to_string();
        }
    }
    s.to_string()
}

fn strip_the(folded: &str) -> &str {
    folded.strip_prefix("the ").unwrap_or(folded)
}

fn person_name(toks: &[Tok], w: &Work, lex: &Lexicon) -> PersonName {
    let words: Vec<&str> = if w.name.is_empty() {
        w.folded.split(' ').collect()
    } else {
        toks[w.name.clone()]
            .iter()
            .map(|t| t.folded.as_str())
            .filter(|f| !f.is_empty() && *f != "s")
            .collect()
    };
    let mut words: Vec<&str> = words.into_iter().filter(|f| !is_suffix(f)).collect();
    if words.len() == 2 && is_name_title(words[0]) {
        return PersonName {
            given: Vec::new(),
            surname: words.join(" "),
        };
    }
    let Some(last) = words.pop() else {
        return PersonName {
            given: Vec::new(),
            surname: w.folded.clone(),
        };
    };
    let mut surname = vec![last];
    while let Some(&prev) = words.last() {
        if is_particle(prev) && !words.is_empty() {
            surname.insert(0, prev);
            words.pop();
        } else {
            break;
        }
    }
    // "JD" and "J.D." are initials: keep the first letter, which is what compatibility needs.
    let given = words
        .iter()
        .map(|g| {
            if is_initial(g) || (g.len() <= 2 && !lex.is_given_name(g)) {
                g.chars().take(1).collect()
            } else {
                g.to_string()
            }
        })
        .collect();
    PersonName {
        given,
        surname: surname.join(" "),
    }
}

/// The cluster a person mention joins, if any.
fn find_person(
    p: &PersonName,
    w: &Work,
    work: &[Work],
    assign: &[Option<usize>],
    clusters: &[Cluster],
    lex: &Lexicon,
) -> Option<usize> {
    let candidates: Vec<usize> = clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == EntityType::Person)
        .filter_map(|(i, c)| c.person.as_ref().map(|q| (i, q)))
        .filter(|(_, q)| q.compatible(p, lex))
        .map(|(i, _)| i)
        .collect();
    let candidates = if candidates.is_empty() && p.given.is_empty() && !p.surname.contains(' ') {
        // A lone given name ("Vladimir") names the person of that given name in this article.
        let key = slavic_key(&p.surname);
        clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == EntityType::Person)
            .filter_map(|(i, c)| c.person.as_ref().map(|q| (i, q)))
            .filter(|(_, q)| q.given.first().is_some_and(|g| slavic_key(g) == key))
            .map(|(i, _)| i)
            .collect()
    } else {
        candidates
    };
    match candidates.len() {
        0 => None,
        1 => Some(candidates[0]),
        _ => {
            // Several: a full name joins the one with the same given name; a short form
            // joins the nearest preceding mention's cluster.
            if let Some(g) = p.given.first()
                && let Some(&c) = candidates.iter().find(|&&c| {
                    clusters[c]
                        .person
                        .as_ref()
                        .and_then(|q| q.given.first())
                        .is_some_and(|h| h == g)
                })
            {
                return Some(c);
            }
            let start = w.span.start;
            let nearest = work
                .iter()
                .filter(|o| o.span.start < start)
                .filter_map(|o| assign[o.index].map(|c| (o.span.start, c)))
                .filter(|(_, c)| candidates.contains(c))
                .max_by_key(|(s, _)| *s)
                .map(|(_, c)| c);
            nearest.or(Some(candidates[0]))
        }
    }
}

/// "NATO" joins "North Atlantic Treaty Organization" when both are ORGs of this article.
fn merge_acronyms(clusters: &mut [Cluster], assign: &mut [Option<usize>]) {
    let initials = |name: &str| -> String {
        name.split_whitespace()
            .filter(|w| !matches!(w.to_lowercase().as_str(), "of" | "the" | "and" | "for"))
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_uppercase())
            .collect()
    };
    for a in 0..clusters.len() {
        let Some(acro) = clusters[a].aliases.first().cloned() else {
            continue;
        };
        if clusters[a].kind != EntityType::Org
            || !(2..=6).contains(&acro.chars().count())
            || !acro.chars().all(|c| c.is_uppercase())
        {
            continue;
        }
        let Some(b) = (0..clusters.len()).find(|&b| {
            b != a
                && clusters[b].kind == EntityType::Org
                && !clusters[b].mentions.is_empty()
                && clusters[b].aliases.iter().any(|n| initials(n) == acro)
        }) else {
            continue;
        };
        let moved = std::mem::take(&mut clusters[a].mentions);
        for m in &moved {
            assign[*m] = Some(b);
        }
        let aliases = std::mem::take(&mut clusters[a].aliases);
        clusters[b].mentions.extend(moved);
        for alias in aliases {
            if !clusters[b].aliases.contains(&alias) {
                clusters[b].aliases.push(alias);
            }
        }
    }
}

/// Roles stated next to a person mention: a title before the name ("Russian Foreign
/// Minister Sergei Lavrov"), or an appositive before or after it ("Trump's envoy for the
/// conflict, Steve Witkoff"; "Tammy Bruce, the department's spokeswoman,").
fn roles_of(
    w: &Work,
    toks: &[Tok],
    work: &[Work],
    owner: &[Option<usize>],
) -> Vec<(String, Option<String>)> {
    let mut roles = Vec::new();
    if w.name.is_empty() {
        return roles;
    }
    let country_of = |t: usize| -> Option<String> {
        let o = owner[t]?;
        let other = &work[o];
        (other.link_kind == LinkKind::Country)
            .then(|| other.links.iso3.clone())
            .flatten()
    };
    let join = |r: Range<usize>| -> String {
        toks[r].iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
    };
    // Title directly before the name.
    let mut i = w.name.start;
    let mut start = i;
    let mut head = false;
    let mut country = None;
    while i > 0 {
        let t = i - 1;
        if let Some(o) = owner[t]
            && !std::ptr::eq(&work[o], w)
        {
            if let Some(c) = country_of(t) {
                country = Some(c);
            } else if work[o].kind == EntityType::Org && head {
                start = work[o].name.start;
                i = start;
                continue;
            }
            break;
        }
        let f = toks[t].folded.as_str();
        if f == "s" && t > 0 && toks[t].text.contains(['\'', '’']) {
            country = country_of(t - 1);
            break;
        }
        if is_head(f) {
            head = true;
            start = t;
        } else if is_modifier(f) && (toks[t].capitalised() || head || t + 1 == w.name.start) {
            start = t;
        } else if f != "of" || start == w.name.start {
            // "of" only inside a title ("Secretary of State"), never at its right edge.
            break;
        }
        i = t;
    }
    if head && start < w.name.start {
        let mut r = start..w.name.start;
        // The name's own span may have started with the title ("President Trump").
        while r.end > r.start && toks[r.end - 1].folded == "of" {
            r.end -= 1;
        }
        roles.push((join(r), country));
    }
    // Appositive before: "<…'s> <title> <for …>, NAME".
    if w.name.start >= 2 && toks[w.name.start - 1].text == "," {
        let end = w.name.start - 1;
        let mut begin = end;
        // An appositive is a noun phrase: it ends at punctuation, a verb or another person.
        while begin > 0 && end - begin < 10 && !breaks_apposition(begin - 1, toks, work, owner) {
            begin -= 1;
        }
        if let Some(h) = (begin..end).rev().find(|&t| is_head(&toks[t].folded))
            && owner[h].is_none()
        {
            let mut s = h;
            while s > begin && is_modifier(&toks[s - 1].folded) && owner[s - 1].is_none() {
                s -= 1;
            }
            let country = (s >= begin + 2 && toks[s - 1].folded == "s")
                .then(|| country_of(s - 2))
                .flatten()
                .or_else(|| (s > begin).then(|| country_of(s - 1)).flatten());
            roles.push((join(s..h + 1), country));
        }
    }
    // Appositive after: "NAME, <the|X's> <title>,".
    if w.name.end + 2 < toks.len() && toks[w.name.end].text == "," {
        let begin = w.name.end + 1;
        let mut end = begin;
        while end < toks.len() && end - begin < 10 && !breaks_apposition(end, toks, work, owner) {
            end += 1;
        }
        // "NAME, Secretary of State OTHER NAME" is a list of people, not an appositive.
        let listed =
            end < toks.len() && owner[end].is_some_and(|o| work[o].kind == EntityType::Person);
        if let Some(h) = (begin..end)
            .find(|&t| is_head(&toks[t].folded) && owner[t].is_none())
            .filter(|_| !listed)
        {
            let mut s = begin;
            let mut country = None;
            for (t, tok) in toks.iter().enumerate().take(h).skip(begin) {
                if is_determiner(&tok.folded) {
                    s = t + 1;
                } else if let Some(c) = country_of(t) {
                    country = Some(c);
                    s = t + 1;
                }
            }
            let clean = (s..h).all(|t| is_modifier(&toks[t].folded) || owner[t].is_some());
            if clean && h - s < 6 {
                roles.push((join(s..h + 1), country));
            }
        }
    }
    roles
}

fn breaks_apposition(t: usize, toks: &[Tok], work: &[Work], owner: &[Option<usize>]) -> bool {
    matches!(
        toks[t].text,
        "," | "." | ";" | ":" | "\"" | "“" | "”" | "(" | ")"
    ) || matches!(toks[t].pos, "VERB" | "AUX")
        || owner[t].is_some_and(|o| work[o].kind == EntityType::Person)
}

/// The cluster's display name: the linked name for places and countries, else the fullest
/// surface form (most words, then most frequent, then first).
fn canonical(cluster: &Cluster, work: &[Work], lex: &Lexicon) -> String {
    if let Some(iso3) = &cluster.links.iso3
        && let Some(country) = lex.country_by_iso3(iso3)
    {
        return country.name.clone();
    }
    // `work` is indexed like the mentions.
    let forms: Vec<&Work> = cluster
        .mentions
        .iter()
        .filter_map(|&m| work.get(m))
        .filter(|w| w.link_kind != LinkKind::Country)
        .collect();
    let mut best: Option<(&str, usize, usize)> = None;
    for w in &forms {
        let words = w.surface.split_whitespace().count();
        let count = forms.iter().filter(|o| o.surface == w.surface).count();
        if best.is_none_or(|(_, bw, bc)| (words, count) > (bw, bc)) {
            best = Some((&w.surface, words, count));
        }
    }
    best.map(|(s, _, _)| s.to_string())
        .or_else(|| cluster.aliases.first().cloned())
        .unwrap_or_default()
}
