//! Embeds every model file under `models/` (not the `.md` cards) into the library, so the
//! `storyline` binary is self-contained. A missing folder or file is not an error: the
//! library then reports "model not built; run `storyline train …`" at run time, which is
//! how the very first training run bootstraps.

use std::path::Path;

fn main() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    println!("cargo:rerun-if-changed={}", models.display());
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir(&models) {
        for entry in dir.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Cards are documentation; the clusters file is kept for retraining only (the
            // entity model carries its own copy).
            if !path.is_file()
                || name.ends_with(".md")
                || name.starts_with('.')
                || name.starts_with("clusters.")
            {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let absolute = path.canonicalize().expect("model path");
            entries.push((name, absolute.display().to_string()));
        }
    }
    entries.sort();
    let mut code = String::from(
        "/// Model files compiled into the binary: (file name, bytes).\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &entries {
        code.push_str(&format!("    ({name:?}, include_bytes!({path:?})),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_models.rs");
    std::fs::write(out, code).expect("write embedded_models.rs");
}
