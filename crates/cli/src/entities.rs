//! `storyline entities`, `entity`, `eval entity-coref` and `train entities`, plus the glue
//! between the resolver's records and the store's rows that ingest uses
//! ([`load_index`], [`save_index`]).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use rayon::prelude::*;
use storyline_corpus::entities::lexicon::{LEXICON_FILE, build_from_shared};
use storyline_corpus::entities::score::Scores;
use storyline_corpus::entities::{Entity, EntityIndex, Resolver, ecbplus};
use storyline_model::{Annotations, Article};
use storyline_store::Store;
use storyline_store::entities::{AliasRow, EntityRow, RoleRow};

use crate::{EXIT_OK, GlobalArgs};

#[derive(Args)]
pub struct EntitiesArgs {
    /// Re-resolve every annotated article in the store from scratch (in publication order)
    /// before listing: entities, aliases, roles, and the entity ids of mentions and quote
    /// speakers.
    #[arg(long)]
    pub rebuild: bool,
    /// Only entities of this type.
    #[arg(long = "type", value_parser = ["PERSON", "ORG", "PLACE", "MISC"])]
    pub kind: Option<String>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct EntityArgs {
    /// A name or alias ("Zelensky"), or an entity id.
    pub name: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct EvalEntityCorefArgs {
    /// The ECB+ folder, e.g. ../shared/data/ecbplus.
    #[arg(long)]
    pub ecbplus: PathBuf,
    /// Topics to evaluate, e.g. 1-35 or 2,5,12.
    #[arg(long, default_value = "1-35")]
    pub topics: String,
}

#[derive(Args)]
pub struct TrainEntitiesArgs {
    /// The shared data folder (GeoNames, countries, demonyms, nicknames, transliteration,
    /// PETRARCH2 dictionaries), e.g. ../shared/data.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write entities.lex.zst.
    #[arg(long, default_value = "models")]
    pub out: PathBuf,
}

/// The resolver's index rebuilt from the store, in creation order (so ids stay stable).
/// Ingest calls it once before its first batch.
pub fn load_index(store: &Store, resolver: &Resolver) -> Result<EntityIndex> {
    let mut entities = Vec::new();
    for json in store.entity_records()? {
        let entity: Entity =
            serde_json::from_str(&json).context("a stored entity record is unreadable")?;
        entities.push(entity);
    }
    Ok(EntityIndex::from_entities(entities, resolver))
}

/// Saves the entities attached to since the last save.
pub fn save_index(
    store: &mut Store,
    index: &mut EntityIndex,
    resolver: &Resolver,
) -> storyline_store::Result<()> {
    let lex = resolver.lexicon();
    let mut rows = Vec::new();
    for (seq, e) in index.take_changed() {
        rows.push(EntityRow {
            id: e.id.clone(),
            seq: seq as i64,
            name: e.name.clone(),
            kind: e.kind.as_str().to_string(),
            mentions: e.mentions,
            articles: e.articles,
            geonames: e.links.geonames,
            lat: e.links.lat,
            lon: e.links.lon,
            country: e.links.country.clone(),
            iso3: e.links.iso3.clone(),
            actor: e.links.actor.clone(),
            aliases: e
                .aliases
                .iter()
                .map(|(alias, n)| AliasRow {
                    alias: alias.clone(),
                    key: lex.fold(alias),
                    articles: *n,
                })
                .chain(std::iter::once(AliasRow {
                    alias: e.name.clone(),
                    key: lex.fold(&e.name),
                    articles: 0,
                }))
                .fold(Vec::<AliasRow>::new(), |mut v, a| {
                    if !v.iter().any(|b| b.alias == a.alias) {
                        v.push(a);
                    }
                    v
                }),
            roles: e
                .roles
                .iter()
                .map(|r| RoleRow {
                    title: r.title.clone(),
                    country: r.country.clone(),
                    date: r.date.clone(),
                    article_id: r.article.clone(),
                })
                .collect(),
            data: serde_json::to_string(&e).expect("entities serialise"),
        });
    }
    store.save_entities(&rows)?;
    Ok(())
}

/// Resolves the entities of one batch of annotated articles and writes the ids into their
/// layers (`EntityMention.entity`, `Speaker.entity`): within each article in parallel, then
/// across the corpus in batch order through `index`. Save the index afterwards with
/// [`save_index`] (in the same transaction scope as the layers, ideally right after them).
pub fn resolve_batch(
    resolver: &Resolver,
    index: &mut EntityIndex,
    articles: &[&Article],
    layers: &mut [Annotations],
) {
    let found: Vec<_> = articles
        .par_iter()
        .zip(layers.par_iter())
        .map(|(article, layer)| {
            resolver.resolve_article(
                &article.text,
                &layer.tokens,
                &layer.entities,
                article.published.as_deref(),
            )
        })
        .collect();
    for ((article, layer), found) in articles.iter().zip(layers.iter_mut()).zip(&found) {
        let ids = index.attach(resolver, &article.id, found);
        found.apply_ids(&ids, &mut layer.entities);
        found.link_speakers(&ids, &layer.entities, &mut layer.quotes, resolver.lexicon());
        found.link_participants(
            &ids,
            &layer.entities,
            &mut layer.events,
            &mut layer.claims,
            resolver.lexicon(),
        );
    }
}

/// `storyline entities --rebuild`: every annotated article, oldest first, through a fresh
/// index; the ids land in the mention and quote rows.
fn rebuild(global: &GlobalArgs) -> Result<()> {
    let mut store = crate::commands::open_existing_for_update(global)?;
    let resolver = Resolver::load()?;
    store.clear_entities()?;
    let mut index = EntityIndex::new();
    let mut summaries = store.summaries()?;
    summaries.sort_by(|a, b| a.published.cmp(&b.published).then(a.id.cmp(&b.id)));
    for chunk in summaries.chunks(256) {
        let mut articles = Vec::new();
        let mut layers = Vec::new();
        for s in chunk {
            if let (Some(article), Some(layer)) = (store.article(&s.id)?, store.annotations(&s.id)?)
            {
                articles.push(article);
                layers.push(layer);
            }
        }
        let refs: Vec<&Article> = articles.iter().collect();
        resolve_batch(&resolver, &mut index, &refs, &mut layers);
        for (article, layer) in articles.iter().zip(&layers) {
            let mentions: Vec<_> = layer
                .entities
                .iter()
                .map(|m| (m.start, m.end, m.entity.clone()))
                .collect();
            let speakers: Vec<_> = layer
                .quotes
                .iter()
                .map(|q| {
                    (
                        q.start,
                        q.end,
                        q.speaker.as_ref().and_then(|s| s.entity.clone()),
                    )
                })
                .collect();
            store.set_entity_ids(&article.id, &mentions, &speakers, &layer.events)?;
        }
        save_index(&mut store, &mut index, &resolver)?;
    }
    // Entity ids are search filters: re-index now rather than on the next search.
    store.sync_search()?;
    if !global.quiet {
        eprintln!(
            "resolved {} entities in {} articles",
            index.entities().len(),
            summaries.len()
        );
    }
    Ok(())
}

fn role_text(r: &RoleRow) -> String {
    let mut s = match &r.country {
        Some(c) => format!("{} ({c})", r.title),
        None => r.title.clone(),
    };
    if let Some(d) = &r.date {
        s.push_str(&format!(" {d}"));
    }
    s
}

pub fn entities(global: &GlobalArgs, args: EntitiesArgs) -> Result<u8> {
    if args.rebuild {
        rebuild(global)?;
    }
    let store = crate::commands::open_existing(global)?;
    let rows = store.entity_rows(args.kind.as_deref())?;
    for e in &rows {
        if args.json {
            println!("{}", serde_json::to_string(e)?);
        } else {
            let aliases: Vec<&str> = e.aliases.iter().map(|a| a.alias.as_str()).collect();
            let roles: Vec<String> = e.roles.iter().map(role_text).collect();
            println!(
                "{:<32} {:<6} {:>5} mentions {:>4} articles  {}  aliases: {}{}",
                e.id,
                e.kind,
                e.mentions,
                e.articles,
                e.name,
                aliases.join(", "),
                if roles.is_empty() {
                    String::new()
                } else {
                    format!("  roles: {}", roles.join("; "))
                }
            );
        }
    }
    if rows.is_empty() && !args.json {
        eprintln!(
            "no entities stored yet: ingest articles with annotation, then `storyline entities --rebuild`"
        );
    }
    Ok(EXIT_OK)
}

pub fn entity(global: &GlobalArgs, args: EntityArgs) -> Result<u8> {
    let store = crate::commands::open_existing(global)?;
    let resolver = Resolver::load()?;
    let mut ids = store.find_entities(&args.name)?;
    if ids.is_empty() {
        ids = store.find_entities(&resolver.lexicon().fold(&args.name))?;
    }
    let Some(id) = ids.first() else {
        bail!(
            "no entity named {:?}; `storyline entities` lists them",
            args.name
        );
    };
    let rows = store.entity_rows(None)?;
    let Some(e) = rows.iter().find(|r| &r.id == id) else {
        bail!("entity {id} disappeared while reading");
    };
    let quotes = store.quotes_by_entity(id)?;
    let co = store.co_mentioned(id, 10)?;
    if args.json {
        let value = serde_json::json!({
            "entity": e,
            "others": &ids[1..],
            "quotes": quotes.iter().map(|(a, p, t)| serde_json::json!({"article": a, "published": p, "text": t})).collect::<Vec<_>>(),
            "co_mentioned": co,
        });
        println!("{value}");
        return Ok(EXIT_OK);
    }
    println!("{}  ({}, {})", e.name, e.kind, e.id);
    println!("  mentions {} in {} articles", e.mentions, e.articles);
    let aliases: Vec<String> = e
        .aliases
        .iter()
        .map(|a| format!("{} ({})", a.alias, a.articles))
        .collect();
    println!("  aliases: {}", aliases.join(", "));
    if let Some(g) = e.geonames {
        println!(
            "  GeoNames {g}{}{}",
            e.country
                .as_ref()
                .map(|c| format!(", country {c}"))
                .unwrap_or_default(),
            match (e.lat, e.lon) {
                (Some(lat), Some(lon)) => format!(", {lat:.4} {lon:.4}"),
                _ => String::new(),
            }
        );
    }
    if let Some(iso3) = &e.iso3 {
        println!("  ISO 3166: {iso3}");
    }
    if let Some(actor) = &e.actor {
        println!("  actor code: {actor}");
    }
    for r in &e.roles {
        println!("  role: {}", role_text(r));
    }
    for (article, published, text) in &quotes {
        println!(
            "  said ({} {article}): {text}",
            published.as_deref().unwrap_or("undated")
        );
    }
    if !co.is_empty() {
        let names: Vec<String> = co
            .iter()
            .map(|c| format!("{} ({})", c.name, c.articles))
            .collect();
        println!("  co-mentioned: {}", names.join(", "));
    }
    if ids.len() > 1 {
        println!("  also matching: {}", ids[1..].join(", "));
    }
    Ok(EXIT_OK)
}

fn parse_topics(spec: &str) -> Result<Vec<u32>> {
    let mut topics = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.trim().parse()?, b.trim().parse()?);
                topics.extend(a..=b);
            }
            None => topics.push(part.parse()?),
        }
    }
    if topics.is_empty() {
        bail!("--topics names no topic (expected e.g. 1-35 or 2,5,12)");
    }
    Ok(topics)
}

fn print_scores(name: &str, s: &Scores) {
    let p = |x: f64| x * 100.0;
    println!(
        "{name:<22} {:>6.2} {:>6.2} {:>6.2}   {:>6.2} {:>6.2} {:>6.2}   {:>6.2} {:>6.2} {:>6.2}   {:>6.2}",
        p(s.muc.recall),
        p(s.muc.precision),
        p(s.muc.f1),
        p(s.b3.recall),
        p(s.b3.precision),
        p(s.b3.f1),
        p(s.ceaf_e.recall),
        p(s.ceaf_e.precision),
        p(s.ceaf_e.f1),
        p(s.conll)
    );
}

pub fn eval(args: EvalEntityCorefArgs) -> Result<u8> {
    let topics = parse_topics(&args.topics)?;
    let resolver = Resolver::load()?;
    let start = std::time::Instant::now();
    let report =
        ecbplus::evaluate(&args.ecbplus, &topics, &resolver).map_err(anyhow::Error::msg)?;
    println!(
        "ECB+ cross-document entity coreference (HUMAN_PART and LOC, gold mentions): {} topics, {} documents, {} mentions, {} gold clusters",
        report.topics, report.documents, report.mentions, report.gold_clusters
    );
    println!(
        "{:<22} {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}   {:>6}",
        "", "MUC R", "P", "F1", "B3 R", "P", "F1", "CEAFe R", "P", "F1", "CoNLL"
    );
    print_scores("same head lemma", &report.baseline);
    print_scores("storyline", &report.system);
    println!(
        "CoNLL F1 difference: {:+.2} points ({:.1} s)",
        (report.system.conll - report.baseline.conll) * 100.0,
        start.elapsed().as_secs_f64()
    );
    Ok(EXIT_OK)
}

/// Builds `models/entities.lex.zst` from the shared data folder.
pub fn train(args: TrainEntitiesArgs) -> Result<u8> {
    let lexicon = build_from_shared(&args.data)?;
    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join(LEXICON_FILE);
    let bytes = lexicon.to_bytes()?;
    std::fs::write(&path, &bytes).with_context(|| format!("write {}", path.display()))?;
    for (what, n) in lexicon.stats() {
        println!("{what}: {n}");
    }
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(EXIT_OK)
}
