//! Facts over the store: `storyline quotes`, `storyline numbers`, and `storyline reannotate`
//! which (re)computes the layers they are read from.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use storyline_store::FactFilter;

use crate::commands::{open_existing, open_existing_for_update};
use crate::enrich::Enricher;
use crate::{EXIT_OK, GlobalArgs};

#[derive(Args)]
pub struct QuotesArgs {
    /// Only quotes whose speaker's name or description contains this (any case).
    #[arg(long)]
    pub speaker: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct NumbersArgs {
    /// Only numbers whose claimant contains this (any case).
    #[arg(long)]
    pub claimant: Option<String>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ReannotateArgs {
    /// Annotate every stored article again, not only those without current layers.
    #[arg(long)]
    pub all: bool,
}

fn date(published: &Option<String>) -> &str {
    published.as_deref().map_or("-", |d| &d[..d.len().min(10)])
}

pub fn quotes(global: &GlobalArgs, args: QuotesArgs) -> Result<u8> {
    let store = open_existing(global)?;
    let filter = FactFilter {
        who: args.speaker.as_deref(),
        ..FactFilter::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for quote in store.quotes(&filter)? {
        if args.json {
            serde_json::to_writer(&mut out, &quote)?;
            writeln!(out)?;
            continue;
        }
        let speaker = quote
            .speaker
            .as_deref()
            .or(quote.speaker_description.as_deref())
            .unwrap_or("(unknown)");
        writeln!(
            out,
            "{}  {}  {} ({}): “{}”",
            date(&quote.published),
            &quote.article_id[..quote.article_id.len().min(8)],
            speaker,
            quote.kind,
            quote.text
        )?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn numbers(global: &GlobalArgs, args: NumbersArgs) -> Result<u8> {
    let store = open_existing(global)?;
    let filter = FactFilter {
        who: args.claimant.as_deref(),
        ..FactFilter::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for number in store.quantities(&filter)? {
        if args.json {
            serde_json::to_writer(&mut out, &number)?;
            writeln!(out)?;
            continue;
        }
        let value = match &number.unit {
            Some(unit) => format!("{} {unit}", number.value),
            None => number.value.to_string(),
        };
        writeln!(
            out,
            "{}  {}  {:>16}  {:<14}  {:<30}  {:<8}  {}",
            date(&number.published),
            &number.article_id[..number.article_id.len().min(8)],
            value,
            number.qualifier.as_deref().unwrap_or("-"),
            number.counts.as_deref().unwrap_or("-"),
            number.count_type.as_deref().unwrap_or("-"),
            number.claimed_by.as_deref().unwrap_or("-"),
        )?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn reannotate(global: &GlobalArgs, args: ReannotateArgs) -> Result<u8> {
    let mut store = open_existing_for_update(global)?;
    let mut enricher = Enricher::load(Some(&store))?;
    // "--all" asks for layers from a version no article can have.
    let ids = store.stale_annotations(if args.all { "" } else { enricher.version() })?;
    let mut done = 0;
    for chunk in ids.chunks(256) {
        let mut articles = Vec::with_capacity(chunk.len());
        for id in chunk {
            articles.extend(store.article(id)?);
        }
        let refs: Vec<_> = articles.iter().collect();
        done += enricher.annotate_and_store(&mut store, &refs)?.len() as u64;
    }
    if !global.quiet {
        eprintln!(
            "annotated {done} article{}",
            if done == 1 { "" } else { "s" }
        );
    }
    Ok(EXIT_OK)
}
