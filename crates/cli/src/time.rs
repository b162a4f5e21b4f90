//! `storyline eval time`: TempEval-3 Task A measures on TimeML files.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

#[derive(Args)]
pub struct EvalTimeArgs {
    /// A TimeML file or a folder of them (TIMEX3 inline, creation time in <DCT>).
    #[arg(long)]
    pub timeml: PathBuf,
    /// Also write our annotations here as TimeML, one file per input.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub fn eval(_args: EvalTimeArgs) -> Result<u8> {
    bail!("storyline eval time is not built yet")
}
