//! `storyline train quotes` and `storyline eval quotes`: the attribution model on PolNeAR.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use storyline_extract::quotes::clusters::WordClusters;
use storyline_extract::quotes::lexicon::Lexicon;
use storyline_extract::quotes::polnear::{self, Annotated, Scores};
use storyline_extract::quotes::tagger::{self, Tagger, TrainOptions};
use storyline_extract::quotes::{MODEL_FILE, QuoteFinder};
use storyline_nlp::pipeline::{Layers, Pipeline};

use crate::EXIT_OK;

#[derive(Args)]
pub struct TrainQuotesArgs {
    /// The PolNeAR folder (holding train/ and dev/).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models")]
    pub out: PathBuf,
    /// The reporting-verb lexicon folder [default: DATA/../lexicons/reporting_verbs].
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// The entity recogniser's word clusters, carried into the quote model.
    #[arg(long, default_value = "models/clusters.tsv.zst")]
    pub clusters: PathBuf,
    /// Passes over the training data (the greedy content layer).
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Passes over the training data of the structured source/cue layers.
    #[arg(long, default_value_t = TrainOptions::default().structured_epochs)]
    pub structured_epochs: usize,
    /// Shuffle seed (training is deterministic given it).
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,
}

#[derive(Args)]
pub struct EvalQuotesArgs {
    /// A folder of PolNeAR brat files (.txt + .ann), e.g. ../shared/data/polnear/dev.
    #[arg(long)]
    pub polnear: PathBuf,
    /// Write each article's predicted and gold spans (JSON lines) here, for error analysis.
    #[arg(long)]
    pub dump: Option<PathBuf>,
}

fn annotate(pipeline: &Pipeline, docs: &[Annotated]) -> Vec<Layers> {
    docs.par_iter()
        .map(|d| pipeline.annotate(&d.text))
        .collect()
}

pub fn train(args: TrainQuotesArgs) -> Result<u8> {
    let lexicon_dir = args
        .lexicon
        .clone()
        .unwrap_or_else(|| args.data.join("../lexicons/reporting_verbs"));
    let lexicon = Lexicon::read_dir(&lexicon_dir)
        .with_context(|| format!("reading the cue lexicon in {}", lexicon_dir.display()))?;
    let clusters = WordClusters::read_ner_file(&args.clusters)
        .with_context(|| format!("reading word clusters from {}", args.clusters.display()))?;
    let train_dir = args.data.join("train");
    let docs = polnear::read_split(&train_dir)
        .with_context(|| format!("reading PolNeAR from {}", train_dir.display()))?;
    let pipeline = Pipeline::load()?;
    let started = Instant::now();
    let layers = annotate(&pipeline, &docs);
    eprintln!(
        "annotated {} training articles in {:.1} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );
    let examples: Vec<tagger::Example> = docs
        .iter()
        .zip(&layers)
        .flat_map(|(doc, layers)| {
            doc.annotations
                .iter()
                .map(|gold| tagger::example(&doc.text, layers, &lexicon, &clusters, gold))
                .collect::<Vec<_>>()
        })
        .collect();
    let options = TrainOptions {
        epochs: args.epochs,
        structured_epochs: args.structured_epochs,
        seed: args.seed,
    };
    let started = Instant::now();
    let bytes = Tagger::train(&examples, lexicon.data().clone(), clusters, &options)
        .context("encoding the quote model")?;
    let model = Tagger::from_bytes(&bytes).context("reading back the quote model")?;
    let [sc, content, sc2] = model.feature_counts();
    eprintln!(
        "trained on {} annotated articles, {} + {} epochs, in {:.1} s ({sc} + {content} + {sc2} features)",
        examples.len(),
        options.structured_epochs,
        options.epochs,
        started.elapsed().as_secs_f64()
    );
    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join(MODEL_FILE);
    std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "wrote {} ({} bytes)",
        path.display(),
        std::fs::metadata(&path)?.len()
    );
    let dev_dir = args.data.join("dev");
    if dev_dir.is_dir() {
        let finder = QuoteFinder::from_tagger(model);
        let docs = polnear::read_split(&dev_dir)?;
        let layers = annotate(&pipeline, &docs);
        println!("PolNeAR dev:\n{}", score(&finder, &docs, &layers).0);
    }
    println!(
        "rebuild (cargo build --release) to ship it, or set STORYLINE_MODELS={}",
        args.out.display()
    );
    Ok(EXIT_OK)
}

fn score(finder: &QuoteFinder, docs: &[Annotated], layers: &[Layers]) -> (Scores, f64) {
    let mut scores = Scores::default();
    let started = Instant::now();
    for (doc, layers) in docs.iter().zip(layers) {
        let predicted = finder.role_spans(&doc.text, layers);
        scores.add(&doc.text, &predicted, &doc.annotations[0]);
    }
    (scores, started.elapsed().as_secs_f64())
}

/// One JSON line per article: its name, text, and the predicted and first annotator's
/// source, cue and content spans (code points).
fn dump(
    path: &std::path::Path,
    finder: &QuoteFinder,
    docs: &[Annotated],
    layers: &[Layers],
) -> Result<()> {
    use std::io::Write;
    let roles = |r: &polnear::Roles| serde_json::json!({"sources": r.sources, "cues": r.cues, "contents": r.contents});
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    for (doc, layers) in docs.iter().zip(layers) {
        let predicted = finder.role_spans(&doc.text, layers);
        let line = serde_json::json!({
            "name": doc.name,
            "text": doc.text,
            "predicted": roles(&predicted),
            "gold": roles(&doc.annotations[0]),
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

pub fn eval(args: EvalQuotesArgs) -> Result<u8> {
    let docs = polnear::read_split(&args.polnear)
        .with_context(|| format!("reading PolNeAR from {}", args.polnear.display()))?;
    let pipeline = Pipeline::load()?;
    let finder = QuoteFinder::load()?;
    let started = Instant::now();
    let layers: Vec<Layers> = docs.iter().map(|d| pipeline.annotate(&d.text)).collect();
    let nlp_seconds = started.elapsed().as_secs_f64();
    let (scores, _) = score(&finder, &docs, &layers);
    if let Some(path) = &args.dump {
        dump(path, &finder, &docs, &layers)?;
    }
    // Speed of the whole quote layer (marks, speakers, model) over the language layers,
    // one thread, three rounds to steady the clock.
    let started = Instant::now();
    let mut quotes = 0usize;
    const ROUNDS: usize = 3;
    for _ in 0..ROUNDS {
        for (doc, layers) in docs.iter().zip(&layers) {
            quotes += finder.find(&doc.text, layers).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let articles = docs.len() * ROUNDS;
    println!(
        "PolNeAR {} ({} articles, first annotator's file each)",
        args.polnear.display(),
        docs.len()
    );
    println!("{scores}");
    println!(
        "speed (one thread, on top of the language layers): {:.0} articles/s, {:.0} quotes/s \
         ({} quotes per pass); language layers alone: {:.0} articles/s",
        articles as f64 / seconds,
        quotes as f64 / seconds,
        quotes / ROUNDS,
        docs.len() as f64 / nlp_seconds
    );
    Ok(EXIT_OK)
}
