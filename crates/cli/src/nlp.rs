//! `storyline train` and `storyline eval`: building the language models from
//! `../shared/data` and scoring them on development data.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use storyline_nlp::pipeline::Pipeline;
use storyline_nlp::{conll, conllu, ner, pos};

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
    /// Train the attribution tagger (source, cue, content) on PolNeAR (train; dev scored).
    #[command(after_help = "EXAMPLE:\n  storyline train quotes --data ../shared/data/polnear")]
    Quotes(crate::quotes::TrainQuotesArgs),
    /// Build the entity lexicon (places, countries, demonyms, actor codes, nicknames) from
    /// the shared data folder.
    #[command(after_help = "EXAMPLE:\n  storyline train entities --data ../shared/data")]
    Entities(crate::entities::TrainEntitiesArgs),
    /// Build the event lexicon (CAMEO verb patterns, event nouns, CAMEO-to-PLOVER table).
    #[command(after_help = "EXAMPLE:\n  storyline train events --data ../shared/data")]
    Events(crate::events::TrainEventsArgs),
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
    /// Main-text extraction from web pages: shingle P/R/F1 per page type, date accuracy, speed.
    Extraction(crate::extraction::EvalExtractionArgs),
    /// Attribution (source, cue, content) P/R/F1, exact and overlap, on PolNeAR brat files.
    Quotes(crate::quotes::EvalQuotesArgs),
    /// TempEval-3 Task A measures (extent, type, value) on TimeML files.
    Time(crate::time::EvalTimeArgs),
    /// Documents into ECB+ sub-topic events: pairwise and BCubed P/R/F1.
    Stories(crate::stories::EvalStoriesArgs),
    /// Cross-document entity coreference on ECB+ gold mentions: MUC, B³, CEAF-e, CoNLL F1.
    EntityCoref(crate::entities::EvalEntityCorefArgs),
    /// PLOVER event type, actor and recipient accuracy on gold records; agreement with the
    /// PETRARCH2 unit tests at the PLOVER level.
    #[command(
        after_help = "EXAMPLE:\n  storyline eval events --plover ../shared/data/plover/PLOVER_GSR_dev.json"
    )]
    Events(crate::events::EvalEventsArgs),
}

pub fn train(command: TrainCommand) -> Result<u8> {
    match command {
        TrainCommand::Pos(args) => train_pos(args),
        TrainCommand::Ner(args) => train_ner(args),
        TrainCommand::Quotes(args) => crate::quotes::train(args),
        TrainCommand::Entities(args) => crate::entities::train(args),
        TrainCommand::Events(args) => crate::events::train(args),
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
    let mut options = pos::TrainOptions::default();
    if let Some(iterations) = args.iterations {
        options.iterations = iterations;
    }
    if let Some(seed) = args.seed {
        options.seed = seed;
    }
    eprintln!(
        "training the tagger on {}, {} passes",
        train_path.display(),
        options.iterations
    );
    let report = pos::train_from_files(&train_path, &dev_path, &args.out, &options)
        .with_context(|| format!("training on {}", args.data.display()))?;
    println!("{report}");
    println!(
        "rebuild (cargo build --release) to ship them, or set STORYLINE_MODELS={}",
        args.out.display()
    );
    Ok(EXIT_OK)
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
    match command {
        EvalCommand::Extraction(args) => return crate::extraction::eval(args),
        EvalCommand::Quotes(args) => return crate::quotes::eval(args),
        EvalCommand::Time(args) => return crate::time::eval(args),
        EvalCommand::Stories(args) => return crate::stories::eval(args),
        EvalCommand::EntityCoref(args) => return crate::entities::eval(args),
        EvalCommand::Events(args) => return crate::events::eval(args),
        EvalCommand::Pos { .. } | EvalCommand::Ner { .. } => {}
    }
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
        EvalCommand::Extraction(_)
        | EvalCommand::Quotes(_)
        | EvalCommand::Time(_)
        | EvalCommand::Stories(_)
        | EvalCommand::EntityCoref(_)
        | EvalCommand::Events(_) => unreachable!("dispatched above"),
    }
    Ok(EXIT_OK)
}
