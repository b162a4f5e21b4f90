//! `storyline eval time`: TempEval-3 Task A measures on TimeML files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use storyline_extract::quantity::QuantityFinder;
use storyline_extract::time::score::Counts;
use storyline_extract::time::{TimeFinder, timeml};
use storyline_nlp::pipeline::Pipeline;

use crate::EXIT_OK;

#[derive(Args)]
pub struct EvalTimeArgs {
    /// A TimeML file or a folder of them (TIMEX3 inline, creation time in <DCT>).
    #[arg(long)]
    pub timeml: PathBuf,
    /// Also write our annotations here as TimeML, one file per input.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Print every missed, spurious or wrongly valued expression.
    #[arg(long)]
    pub errors: bool,
}

fn timeml_files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "tml") {
                files.push(p);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "no .tml files under {}; point --timeml at TempEval-3's TBAQ-cleaned folder",
            path.display()
        );
    }
    Ok(files)
}

pub fn eval(args: EvalTimeArgs) -> Result<u8> {
    let files = timeml_files(&args.timeml)?;
    let pipeline = Pipeline::load()?;
    let finder = TimeFinder::new();
    let quantities = QuantityFinder::new();
    if let Some(out) = &args.output {
        std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    }
    let mut counts = Counts::default();
    let mut docs = Vec::with_capacity(files.len());
    for path in &files {
        let xml = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = timeml::parse(&id, &xml).with_context(|| path.display().to_string())?;
        let layers = pipeline.annotate(&doc.text);
        let found = finder.find(&doc.text, &layers, doc.dct);
        counts.add(&doc.timexes, &found);
        if args.errors {
            print_errors(&doc, &found);
        }
        if let Some(out) = &args.output {
            let file = out.join(format!("{id}.tml"));
            std::fs::write(&file, timeml::write(&doc, &found))
                .with_context(|| file.display().to_string())?;
        }
        docs.push((doc, layers));
    }

    // Speed on top of the language layers, one thread: each finder alone, then both.
    let rounds = 20;
    let mut sink = 0usize;
    let mut rate =
        |run: &mut dyn FnMut(&timeml::TimemlDoc, &storyline_nlp::pipeline::Layers) -> usize| {
            let started = Instant::now();
            for _ in 0..rounds {
                for (doc, layers) in &docs {
                    sink += run(doc, layers);
                }
            }
            (rounds * docs.len()) as f64 / started.elapsed().as_secs_f64().max(1e-9)
        };
    let times_rate = rate(&mut |doc, layers| finder.find(&doc.text, layers, doc.dct).len());
    let quantities_rate = rate(&mut |doc, layers| quantities.find(&doc.text, layers, &[]).len());
    let both_rate = rate(&mut |doc, layers| {
        finder.find(&doc.text, layers, doc.dct).len()
            + quantities.find(&doc.text, layers, &[]).len()
    });
    let mean_chars = docs
        .iter()
        .map(|(d, _)| d.text.chars().count())
        .sum::<usize>()
        / docs.len().max(1);

    let (strict, relaxed, value) = (counts.strict(), counts.relaxed(), counts.value());
    println!(
        "TempEval-3 Task A on {} documents: {} gold, {} found (DCTs excluded)",
        docs.len(),
        counts.gold,
        counts.system
    );
    println!("                 P       R       F1");
    for (name, m) in [
        ("strict extent", strict),
        ("relaxed extent", relaxed),
        ("value", value),
    ] {
        println!(
            "{name:<15} {:>6.2}  {:>6.2}  {:>6.2}",
            m.precision, m.recall, m.f1
        );
    }
    println!(
        "type accuracy {:.2}%, value accuracy {:.2}% (of {} relaxed matches); type F1 {:.2}",
        counts.type_accuracy(),
        counts.value_accuracy(),
        counts.relaxed,
        counts.type_f1().f1
    );
    println!(
        "speed, one thread, over precomputed language layers (mean {mean_chars} characters, \
         {rounds} rounds, {sink} found): times {times_rate:.0} documents/s, quantities \
         {quantities_rate:.0}/s, both {both_rate:.0}/s"
    );
    Ok(EXIT_OK)
}

fn print_errors(doc: &timeml::TimemlDoc, found: &[storyline_model::TimeExpression]) {
    let chars: Vec<char> = doc.text.chars().collect();
    let slice = |s: usize, e: usize| -> String {
        chars[s.min(chars.len())..e.min(chars.len())]
            .iter()
            .collect()
    };
    for g in &doc.timexes {
        match found.iter().find(|s| s.start < g.end && g.start < s.end) {
            None => println!(
                "{}\tMISS\t{}\t{:?} {}",
                doc.id,
                slice(g.start, g.end),
                g.kind,
                g.value
            ),
            Some(s) if s.value.as_deref() != Some(g.value.as_str()) || s.kind != g.kind => {
                println!(
                    "{}\tVALUE\t{} | {}\tgold {:?} {}\tours {:?} {}",
                    doc.id,
                    slice(g.start, g.end),
                    s.text,
                    g.kind,
                    g.value,
                    s.kind,
                    s.value.as_deref().unwrap_or("-")
                )
            }
            Some(s) if s.start != g.start || s.end != g.end => {
                println!("{}\tEXTENT\t{} | {}", doc.id, slice(g.start, g.end), s.text)
            }
            Some(_) => {}
        }
    }
    for s in found {
        if !doc
            .timexes
            .iter()
            .any(|g| s.start < g.end && g.start < s.end)
        {
            println!(
                "{}\tEXTRA\t{}\t{:?} {}",
                doc.id,
                s.text,
                s.kind,
                s.value.as_deref().unwrap_or("-")
            );
        }
    }
}
