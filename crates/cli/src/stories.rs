//! `storyline stories`, `story`, `duplicates`, `cluster` and `eval stories`.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

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
}

#[derive(Args)]
pub struct EvalStoriesArgs {
    /// The ECB+ folder, e.g. ../shared/data/ecbplus.
    #[arg(long)]
    pub ecbplus: PathBuf,
}

pub fn stories(_global: &GlobalArgs, _args: StoriesArgs) -> Result<u8> {
    bail!("storyline stories is not built yet")
}

pub fn story(_global: &GlobalArgs, _args: StoryArgs) -> Result<u8> {
    bail!("storyline story is not built yet")
}

pub fn duplicates(_global: &GlobalArgs, _args: DuplicatesArgs) -> Result<u8> {
    bail!("storyline duplicates is not built yet")
}

pub fn cluster(_args: ClusterArgs) -> Result<u8> {
    bail!("storyline cluster is not built yet")
}

pub fn eval(_args: EvalStoriesArgs) -> Result<u8> {
    bail!("storyline eval stories is not built yet")
}
