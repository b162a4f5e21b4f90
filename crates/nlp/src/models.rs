//! Finding model files: `$STORYLINE_MODELS/NAME` when that variable names a folder (fresh
//! models from `storyline train` without a rebuild), else the copy compiled into the binary
//! from `models/` at build time.

use std::borrow::Cow;
use std::path::PathBuf;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_models.rs"));
}

/// The environment variable naming a folder of model files that override the built-in ones.
pub const MODELS_ENV: &str = "STORYLINE_MODELS";

/// The bytes of model file `name`, or an error saying how to get it.
pub fn model_bytes(name: &str) -> std::io::Result<Cow<'static, [u8]>> {
    if let Some(dir) = std::env::var_os(MODELS_ENV) {
        let path = PathBuf::from(dir).join(name);
        if path.is_file() {
            return std::fs::read(&path).map(Cow::Owned);
        }
    }
    embedded::FILES
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, bytes)| Cow::Borrowed(*bytes))
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "model {name} is not built into this binary and not in ${MODELS_ENV}; \
                     train it (`storyline train …`, see models/README.md) and rebuild, or point \
                     {MODELS_ENV} at the folder holding it"
                ),
            )
        })
}

/// Names of the model files compiled in.
pub fn embedded_names() -> impl Iterator<Item = &'static str> {
    embedded::FILES.iter().map(|(name, _)| *name)
}
