//! `storyline entities`, `entity` and `eval entity-coref`.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use crate::GlobalArgs;

#[derive(Args)]
pub struct EntitiesArgs {
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
}

pub fn entities(_global: &GlobalArgs, _args: EntitiesArgs) -> Result<u8> {
    bail!("storyline entities is not built yet")
}

pub fn entity(_global: &GlobalArgs, _args: EntityArgs) -> Result<u8> {
    bail!("storyline entity is not built yet")
}

pub fn eval(_args: EvalEntityCorefArgs) -> Result<u8> {
    bail!("storyline eval entity-coref is not built yet")
}
