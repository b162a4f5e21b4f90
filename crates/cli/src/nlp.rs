//! `storyline train` and `storyline eval`: building the language models from
//! `../shared/data` and scoring them on development data.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use storyline_nlp::pipeline::{LEMMA_TABLE, POS_MODEL, Pipeline};
use storyline_nlp::{conll, conllu, lemma::Lemmatizer, ner, pos};

use crate::EXIT_OK;

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Train the UPOS tagger and the lemma table on UD English-EWT (train split; dev scored).
    #[command(after_help = "EXAMPLE:\n  storyline train pos --data ../shared/data/ud_english_ewt")]
    Pos(TrainPosArgs),
    /// Train the entity recogniser on CoNLL-2003 (eng.train; eng.testa scored), with the
    /// gazetteer built from the shared data folder.
    #[command(after_help = "EXAMPLE:\n  storyline train ner --data ../shared/data/conll2003")]
    Ner(TrainNerArgs),
}

#[derive(Args)]
pub struct TrainPosArgs {
    /// Folder holding `*-ud-train.conllu` and `*-ud-dev.conllu`.
    #[arg(long)]
    data: PathBuf,
    /// Where to write the model files.
    #[arg(long, default_value = "models")]
    out: PathBuf,
    /// Passes over the training data.
    #[arg(long)]
    iterations: Option<usize>,
    /// Shuffle seed (training is deterministic given it).
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Args)]
pub struct TrainNerArgs {
    /// Folder holding `eng.train` and `eng.testa`.
    #[arg(long)]
    data: PathBuf,
    /// Where to write the model and gazetteer.
    #[arg(long, default_value = "models")]
    out: PathBuf,
    /// Passes over the training data.
    #[arg(long)]
    epochs: Option<usize>,
    /// Shuffle seed (training is deterministic given it).
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Subcommand)]
pub enum EvalCommand {
    /// UPOS accuracy with gold tokenisation on a CoNLL-U file.
    Pos {
        #[arg(long)]
        conllu: PathBuf,
    },
    /// conlleval precision, recall and F1 per type and overall on a CoNLL-2003 file.
    Ner {
        #[arg(long)]
        conll: PathBuf,
        /// Also write `token gold predicted` lines here (conlleval's input format).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub fn train(command: TrainCommand) -> Result<u8> {
    match command {
        TrainCommand::Pos(args) => train_pos(args),
        TrainCommand::Ner(args) => train_ner(args),
    }
}

fn find_split(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("{}: no file ending in {suffix}", dir.display()),
        _ => bail!("{}: several files end in {suffix}", dir.display()),
    }
}

fn train_pos(args: TrainPosArgs) -> Result<u8> {
    let train_path = find_split(&args.data, "-ud-train.conllu")?;
    let dev_path = find_split(&args.data, "-ud-dev.conllu")?;
    let train = conllu::read(&train_path).with_context(|| train_path.display().to_string())?;
    let dev = conllu::read(&dev_path).with_context(|| dev_path.display().to_string())?;
    let mut options = pos::TrainOptions::default();
    if let Some(iterations) = args.iterations {
        options.iterations = iterations;
    }
    if let Some(seed) = args.seed {
        options.seed = seed;
    }
    eprintln!(
        "training the tagger on {} sentences ({}), {} passes",
        train.len(),
        train_path.display(),
        options.iterations
    );
    let (tagger, report) = pos::train(&train, &dev, &options);
    std::fs::create_dir_all(&args.out)?;
    let model_path = args.out.join(POS_MODEL);
    tagger
        .model()
        .save(&model_path)
        .with_context(|| model_path.display().to_string())?;
    let lemmatizer = Lemmatizer::train(&train);
    let lemma_path = args.out.join(LEMMA_TABLE);
    lemmatizer
        .save(&lemma_path)
        .with_context(|| lemma_path.display().to_string())?;
    let lemma_accuracy = lemma_accuracy(&lemmatizer, &dev);
    println!("{report}");
    println!(
        "lemma accuracy on dev (gold UPOS): {:.2}%",
        lemma_accuracy * 100.0
    );
    println!(
        "wrote {} and {}; rebuild (cargo build --release) to ship them, or set STORYLINE_MODELS={}",
        model_path.display(),
        lemma_path.display(),
        args.out.display()
    );
    Ok(EXIT_OK)
}

fn lemma_accuracy(lemmatizer: &Lemmatizer, sentences: &[conllu::Sentence]) -> f64 {
    let (mut correct, mut total) = (0usize, 0usize);
    for word in sentences.iter().flat_map(|s| &s.words) {
        total += 1;
        correct += usize::from(lemmatizer.lemma(&word.form, &word.upos) == word.lemma.as_str());
    }
    correct as f64 / total.max(1) as f64
}

fn train_ner(args: TrainNerArgs) -> Result<u8> {
    let mut options = ner::TrainOptions {
        verbose: true,
        ..ner::TrainOptions::default()
    };
    if let Some(epochs) = args.epochs {
        options.epochs = epochs;
    }
    if let Some(seed) = args.seed {
        options.seed = seed;
    }
    std::fs::create_dir_all(&args.out)?;
    let report = ner::train_from_files(&args.data, &args.out, &options)?;
    if let Some(dev) = &report.dev {
        println!("{dev}");
    }
    println!(
        "wrote {} and {}; rebuild (cargo build --release) to ship them, or set STORYLINE_MODELS={}",
        report.model_path.display(),
        report.gazetteer_path.display(),
        args.out.display()
    );
    Ok(EXIT_OK)
}

pub fn eval(command: EvalCommand) -> Result<u8> {
    let pipeline = Pipeline::load()?;
    match command {
        EvalCommand::Pos { conllu: path } => {
            let sentences = conllu::read(&path).with_context(|| path.display().to_string())?;
            let accuracy = pos::evaluate(pipeline.tagger(), &sentences);
            println!(
                "UPOS accuracy: {:.2}% ({} of {} words, gold tokenisation)",
                accuracy.ratio() * 100.0,
                accuracy.correct,
                accuracy.total
            );
        }
        EvalCommand::Ner {
            conll: path,
            output,
        } => {
            let documents = conll::read_file(&path, conll::Format::Conll2003)
                .with_context(|| path.display().to_string())?;
            let report = match output {
                Some(out) => {
                    let file =
                        std::fs::File::create(&out).with_context(|| out.display().to_string())?;
                    let mut writer = std::io::BufWriter::new(file);
                    let report = pipeline
                        .recognizer()
                        .evaluate(&documents, Some(&mut writer))?;
                    std::io::Write::flush(&mut writer)?;
                    report
                }
                None => pipeline.recognizer().evaluate(&documents, None)?,
            };
            print!("{report}");
        }
    }
    Ok(EXIT_OK)
}
