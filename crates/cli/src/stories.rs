//! `storyline stories`, `story`, `duplicates`, `cluster` and `eval stories`, and
//! [`assign_stories`], which `ingest` calls after each stored batch.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use rayon::prelude::*;
use storyline_corpus::stories::entities::{EntityReader, EntityWeights, typed};
use storyline_corpus::stories::{
    ArticleFeatures, Assignment, Config, IndexState, Membership, StoryIndex, StorySummary, ecbplus,
    metrics,
};
use storyline_ingest::{InputSpec, Options, build_article, read_input};
use storyline_model::{Article, EntityType};
use storyline_store::{DuplicateRow, MemberRow, MergeRow, Store, StoryBatch, StoryRow};

use crate::GlobalArgs;

#[derive(Args)]
pub struct StoriesArgs {
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StoryArgs {
    /// Story id (or a prefix of it).
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DuplicatesArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ClusterArgs {
    /// JSONL articles (full articles or headlines only).
    pub input: PathBuf,
    /// Where to write `id<TAB>story` lines.
    #[arg(long)]
    pub output: PathBuf,
    /// Cluster on words alone, without running the entity recogniser (faster).
    #[arg(long)]
    pub no_entities: bool,
}

#[derive(Args)]
pub struct EvalStoriesArgs {
    /// The ECB+ folder, e.g. ../shared/data/ecbplus.
    #[arg(long)]
    pub ecbplus: PathBuf,
    /// Cluster on words alone, without the recogniser's entities (for comparison).
    #[arg(long)]
    pub no_entities: bool,
}

/// Resolved entity keys of one article with their types (see
/// `storyline_corpus::stories::entities`).
pub type EntityKeys = Vec<(String, EntityType)>;

/// An article's story features, with its entities when given.
fn features(article: &Article, entities: Option<&EntityKeys>) -> ArticleFeatures {
    with_keys(ArticleFeatures::from_article(article), entities)
}

fn with_keys(features: ArticleFeatures, entities: Option<&EntityKeys>) -> ArticleFeatures {
    match entities {
        Some(keys) => features.with_typed_entities(typed(keys), &EntityWeights::default()),
        None => features,
    }
}

/// The recogniser's entities of a text, resolved within it, as story features need them.
fn read_entities(
    reader: Option<&EntityReader>,
    text: &str,
    published: Option<&str>,
) -> Option<EntityKeys> {
    reader.map(|r| r.keys(text, published))
}

fn load_reader(no_entities: bool) -> Result<Option<EntityReader>> {
    if no_entities {
        return Ok(None);
    }
    Ok(Some(EntityReader::load().context(
        "cannot load the entity recogniser (or pass --no-entities)",
    )?))
}

/// The story clusterer as the store left it (or a fresh one). Load it once per ingest run
/// and pass it to [`assign_stories`] for every batch.
pub fn load_story_index(store: &Store) -> Result<StoryIndex> {
    Ok(match store.story_state()? {
        Some(bytes) => {
            let state: IndexState =
                serde_json::from_slice(&bytes).context("the saved story state is unreadable")?;
            StoryIndex::from_state(state)
        }
        None => StoryIndex::new(Config::default()),
    })
}

/// Places newly stored articles into stories, in the order given, and records the result
/// and the clusterer state in one transaction. Call it after each stored batch with the
/// articles that were new, and their resolved entity ids when they were annotated (one
/// list per article, as `Enricher::annotate_and_store` returns them).
pub fn assign_stories(
    store: &mut Store,
    index: &mut StoryIndex,
    articles: &[&Article],
    entities: Option<&[EntityKeys]>,
) -> storyline_store::Result<()> {
    if articles.is_empty() {
        return Ok(());
    }
    let mut batch = StoryBatch::default();
    let mut touched: Vec<String> = Vec::new();
    for (i, article) in articles.iter().enumerate() {
        let keys = entities.and_then(|e| e.get(i));
        let assignment = index.add(&features(article, keys));
        record(&assignment, &mut batch, &mut touched);
    }
    touched.sort();
    touched.dedup();
    batch.stories = touched
        .iter()
        .filter_map(|id| index.summary(id))
        .map(story_row)
        .collect();
    batch.state = Some(serde_json::to_vec(&index.state()).expect("the story state serialises"));
    store.record_stories(&batch)?;
    Ok(())
}

fn record(assignment: &Assignment, batch: &mut StoryBatch, touched: &mut Vec<String>) {
    batch.members.push(MemberRow {
        article_id: assignment.article_id.clone(),
        story_id: assignment.story_id.clone(),
        similarity: assignment.similarity,
    });
    if let Some(d) = &assignment.duplicate {
        batch.duplicates.push(DuplicateRow {
            article_id: d.article_id.clone(),
            canonical_id: d.canonical_id.clone(),
            kind: d.kind.as_str().to_string(),
            similarity: d.similarity,
        });
    }
    // A split moves earlier articles to a new story: their membership rows are rewritten
    // (with the cosine between the two parts as their similarity).
    for s in &assignment.splits {
        for moved in &s.articles {
            batch.members.push(MemberRow {
                article_id: moved.clone(),
                story_id: s.into.clone(),
                similarity: s.similarity,
            });
        }
        touched.push(s.from.clone());
        touched.push(s.into.clone());
    }
    for m in &assignment.merges {
        batch.merges.push(MergeRow {
            from: m.from.clone(),
            into: m.into.clone(),
            similarity: m.similarity,
            article_id: m.article_id.clone(),
        });
    }
    batch.closed.extend(assignment.closed.iter().cloned());
    touched.push(assignment.story_id.clone());
}

fn story_row(s: StorySummary) -> StoryRow {
    StoryRow {
        id: s.id,
        label: s.label,
        label_article: s.label_article,
        articles: s.articles,
        first_seen: s.first_seen,
        last_seen: s.last_seen,
        entities: s.entities,
        open: true,
    }
}

pub fn stories(global: &GlobalArgs, args: StoriesArgs) -> Result<u8> {
    let store = crate::commands::open_existing(global)?;
    let mut out = std::io::stdout().lock();
    for s in store.stories()? {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(&s)?)?;
        } else {
            writeln!(
                out,
                "{}  {:>5}  {} .. {}  {}  [{}]",
                s.id,
                s.articles,
                s.first_seen.as_deref().unwrap_or("?"),
                s.last_seen.as_deref().unwrap_or("?"),
                s.label.as_deref().unwrap_or("(no headline)"),
                top_entities(&store, &s)?,
            )?;
        }
    }
    Ok(0)
}

/// A story's five top entities for people to read: resolved entity ids by their canonical
/// names ("donald-trump" as "Donald Trump"); names from the words alone (stories built
/// without annotation) as they are. `--json` keeps the ids, which link to the entities.
fn top_entities(store: &Store, s: &StoryRow) -> Result<String> {
    let mut names = Vec::new();
    for (key, _) in s.entities.iter().take(5) {
        let name = store.entity_row(key)?.map(|entity| entity.name);
        names.push(name.unwrap_or_else(|| key.clone()));
    }
    Ok(names.join(", "))
}

pub fn story(global: &GlobalArgs, args: StoryArgs) -> Result<u8> {
    let store = crate::commands::open_existing(global)?;
    let ids = store.resolve_story(&args.id)?;
    let id = match ids.as_slice() {
        [one] => one.clone(),
        [] => bail!(
            "no story starts with {:?}; `storyline stories` lists them",
            args.id
        ),
        _ => bail!(
            "{:?} matches {} stories; give more of the id",
            args.id,
            ids.len()
        ),
    };
    let Some(story) = store.story(&id)? else {
        bail!("story {id} is not in the store");
    };
    let duplicates = store.duplicate_links()?;
    let mut copies: HashMap<&str, Vec<&DuplicateRow>> = HashMap::new();
    for d in &duplicates {
        copies.entry(d.canonical_id.as_str()).or_default().push(d);
    }
    let members = store.story_members(&story.id)?;
    let is_copy: std::collections::HashSet<&str> =
        duplicates.iter().map(|d| d.article_id.as_str()).collect();
    let mut articles = Vec::new();
    for m in members
        .iter()
        .filter(|m| !is_copy.contains(m.article_id.as_str()))
    {
        let article = store.article(&m.article_id)?;
        let folded: Vec<serde_json::Value> = copies
            .get(m.article_id.as_str())
            .into_iter()
            .flatten()
            .map(|d| serde_json::json!({"id": d.article_id, "kind": d.kind, "similarity": d.similarity}))
            .collect();
        articles.push(serde_json::json!({
            "id": m.article_id,
            "similarity": m.similarity,
            "published": article.as_ref().and_then(|a| a.published.clone()),
            "source": article.as_ref().map(|a| a.source.clone()),
            "headline": article.as_ref().and_then(|a| a.headline.clone()),
            "duplicates": folded,
        }));
    }
    let value = serde_json::json!({"story": story, "articles": articles});
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{value}")?;
        return Ok(0);
    }
    writeln!(
        out,
        "{}  {}\n{} articles, {} .. {}\nentities: {}\n",
        story.id,
        story.label.as_deref().unwrap_or("(no headline)"),
        story.articles,
        story.first_seen.as_deref().unwrap_or("?"),
        story.last_seen.as_deref().unwrap_or("?"),
        top_entities(&store, &story)?
    )?;
    for a in &articles {
        let text = |k: &str| a[k].as_str().unwrap_or("").to_string();
        let copies = a["duplicates"].as_array().map_or(0, Vec::len);
        writeln!(
            out,
            "{}  {:10}  {:20}  {}{}",
            &text("id")[..text("id").len().min(12)],
            text("published"),
            text("source"),
            text("headline"),
            if copies > 0 {
                format!("  (+{copies} copies)")
            } else {
                String::new()
            }
        )?;
    }
    Ok(0)
}

pub fn duplicates(global: &GlobalArgs, args: DuplicatesArgs) -> Result<u8> {
    let store = crate::commands::open_existing(global)?;
    let mut out = std::io::stdout().lock();
    // Exact duplicates are one stored article seen several times.
    for s in store.summaries()?.into_iter().filter(|s| s.sightings > 1) {
        if args.json {
            let v = serde_json::json!({"kind": "exact", "canonical_id": s.id, "copies": s.sightings - 1, "similarity": 1.0});
            writeln!(out, "{v}")?;
        } else {
            writeln!(out, "exact           {}  seen {} times", s.id, s.sightings)?;
        }
    }
    for d in store.duplicate_links()? {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(&d)?)?;
        } else {
            writeln!(
                out,
                "{:15} {}  copies {}  (Jaccard {:.2})",
                d.kind, d.canonical_id, d.article_id, d.similarity
            )?;
        }
    }
    Ok(0)
}

/// Articles per parallel batch in `storyline cluster`: the recogniser runs on a batch in
/// parallel, then the batch joins stories in input order.
const CLUSTER_BATCH: usize = 256;

pub fn cluster(args: ClusterArgs) -> Result<u8> {
    let options = Options::default();
    let spec = InputSpec::File(args.input.clone());
    let reader = load_reader(args.no_entities)?;
    let mut index = StoryIndex::new(Config::default());
    let mut membership = Membership::new();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut failures = 0u64;
    let mut pending: Vec<Article> = Vec::with_capacity(CLUSTER_BATCH);
    let mut flush = |pending: &mut Vec<Article>| {
        let feats: Vec<ArticleFeatures> = pending
            .par_iter()
            .map(|a| {
                let keys = read_entities(reader.as_ref(), &a.text, a.published.as_deref());
                features(a, keys.as_ref())
            })
            .collect();
        for (article, f) in pending.drain(..).zip(&feats) {
            membership.record(&index.add(f));
            let id = article.external_id.clone().unwrap_or(article.id.clone());
            ids.push((id, article.id));
        }
    };
    for record in read_input(&spec, &options) {
        match record.and_then(|raw| build_article(raw, &options)) {
            Ok(article) => pending.push(article),
            Err(e) => {
                eprintln!("storyline: {e}");
                failures += 1;
                continue;
            }
        };
        if pending.len() >= CLUSTER_BATCH {
            flush(&mut pending);
        }
    }
    flush(&mut pending);
    // Final stories, after every merge and split.
    let assigned: Vec<(String, String)> = ids
        .into_iter()
        .map(|(id, internal)| {
            let story = membership
                .story_of(&internal)
                .unwrap_or_default()
                .to_string();
            (id, story)
        })
        .collect();
    let file = std::fs::File::create(&args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for (id, story) in &assigned {
        writeln!(out, "{id}\t{story}")?;
    }
    out.flush()?;
    Ok(if failures > 0 { 1 } else { 0 })
}

pub fn eval(args: EvalStoriesArgs) -> Result<u8> {
    let docs = ecbplus::read_dir(&args.ecbplus)?;
    let reader = load_reader(args.no_entities)?;
    let mut index = StoryIndex::new(Config::default());
    let mut membership = Membership::new();
    let start = std::time::Instant::now();
    // The recogniser's entities (never ECB+'s gold mentions), resolved within each document.
    let feats: Vec<ArticleFeatures> = docs
        .par_iter()
        .map(|d| {
            let f =
                ArticleFeatures::from_parts(&d.name, d.headline.as_deref(), &d.text, None, None);
            with_keys(f, read_entities(reader.as_ref(), &d.text, None).as_ref())
        })
        .collect();
    // All documents together, in file order (topic by topic), never per topic.
    for f in &feats {
        membership.record(&index.add(f));
    }
    let elapsed = start.elapsed();
    let gold: Vec<&str> = docs.iter().map(|d| d.gold.as_str()).collect();
    // Final stories, after every merge and split.
    let predicted: Vec<&str> = docs
        .iter()
        .map(|d| membership.story_of(&d.name).unwrap_or_default())
        .collect();
    let s = metrics::score(&gold, &predicted);
    println!(
        "ECB+ {} documents, {} gold stories (sub-topics), {} predicted stories, {:.2}s ({})",
        s.items,
        s.gold_clusters,
        s.predicted_clusters,
        elapsed.as_secs_f64(),
        if reader.is_some() {
            "words and the recogniser's entities"
        } else {
            "words only"
        }
    );
    println!("           precision  recall  F1");
    for (name, prf) in [("pairwise", s.pairwise), ("BCubed", s.bcubed)] {
        println!(
            "{name:10} {:9.4}  {:6.4}  {:.4}",
            prf.precision, prf.recall, prf.f1
        );
    }
    Ok(0)
}
