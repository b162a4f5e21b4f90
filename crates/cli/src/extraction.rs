//! `storyline extract` and `storyline eval extraction`: main text and metadata from web pages.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

#[derive(Args)]
pub struct ExtractArgs {
    /// HTML files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Print text and metadata as one JSON object per page.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct EvalExtractionArgs {
    /// Folder in the layout of ../shared/data/wcxb_dev.
    #[arg(long)]
    pub data: PathBuf,
    /// Score only pages of this type.
    #[arg(long = "type")]
    pub page_type: Option<String>,
}

pub fn extract(_args: ExtractArgs) -> Result<u8> {
    bail!("storyline extract is not built yet")
}

pub fn eval(_args: EvalExtractionArgs) -> Result<u8> {
    bail!("storyline eval extraction is not built yet")
}
