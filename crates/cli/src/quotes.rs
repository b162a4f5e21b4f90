//! `storyline train quotes` and `storyline eval quotes`: the attribution model on PolNeAR.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

#[derive(Args)]
pub struct TrainQuotesArgs {
    /// The PolNeAR folder (holding train/ and dev/).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct EvalQuotesArgs {
    /// A folder of PolNeAR brat files (.txt + .ann), e.g. ../shared/data/polnear/dev.
    #[arg(long)]
    pub polnear: PathBuf,
}

pub fn train(_args: TrainQuotesArgs) -> Result<u8> {
    bail!("storyline train quotes is not built yet")
}

pub fn eval(_args: EvalQuotesArgs) -> Result<u8> {
    bail!("storyline eval quotes is not built yet")
}
