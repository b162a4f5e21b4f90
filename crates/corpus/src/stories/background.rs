//! Background document frequencies: term weights learnt from general newswire (the
//! CoNLL-2003 English Reuters documents in `../shared/data/conll2003`), so an index that has
//! seen few articles (five seeds, the first minutes of a stream) already knows that
//! "president" is common and "ceasefire" is not. The table holds hashed bucket counts only,
//! no text. Rebuild it with
//! `STORYLINE_WRITE_BACKGROUND=1 cargo test -p storyline-corpus --test stories_background`.

use super::docfreq::DocFreq;
use super::features::ArticleFeatures;

/// The shipped table (see the module documentation).
static SHIPPED: &[u8] = include_bytes!("../../data/background-df.bin");
const MAGIC: &[u8; 8] = b"SLDF0001";

/// The shipped background frequencies (empty if the table were unreadable, which the
/// `stories_background` test rules out).
pub fn shipped() -> DocFreq {
    decode(SHIPPED).unwrap_or_default()
}

/// Document frequencies of the documents in CoNLL-2003 column files (one token per line,
/// first column the word; `-DOCSTART-` lines separate documents).
pub fn from_conll<'a>(files: impl IntoIterator<Item = &'a str>) -> DocFreq {
    let mut df = DocFreq::default();
    for file in files {
        let mut doc = String::new();
        for line in file.lines().chain(std::iter::once("-DOCSTART- end")) {
            let word = line.split_whitespace().next();
            match word {
                Some("-DOCSTART-") => {
                    if !doc.trim().is_empty() {
                        let f = ArticleFeatures::from_parts("", None, &doc, None, None);
                        df.add(f.hashes());
                    }
                    doc.clear();
                }
                Some(w) => {
                    doc.push_str(w);
                    doc.push(' ');
                }
                None => doc.push('\n'),
            }
        }
    }
    df
}

/// The table's bytes: magic, document count, then (bucket, count) pairs, little-endian.
pub fn encode(df: &DocFreq) -> Vec<u8> {
    let state = df.state();
    let (docs, buckets) = state.parts();
    let mut out = Vec::with_capacity(16 + buckets.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&docs.to_le_bytes());
    for &(bucket, count) in buckets {
        out.extend_from_slice(&bucket.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
    }
    out
}

pub fn decode(bytes: &[u8]) -> Option<DocFreq> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let docs = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let pairs = rest.get(8..)?;
    if pairs.len() % 8 != 0 {
        return None;
    }
    let buckets = pairs
        .chunks_exact(8)
        .map(|c| {
            let bucket = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let count = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            (bucket, count)
        })
        .collect();
    Some(DocFreq::from_state(&super::docfreq::DocFreqState::new(
        docs, buckets,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_garbage() {
        let df = from_conll([
            "-DOCSTART- -X- O O\nRain NN O\nfell VB O\n\n-DOCSTART- -X- O O\nSun NN O\n",
        ]);
        let back = decode(&encode(&df)).expect("decodes");
        assert_eq!(encode(&back), encode(&df));
        assert!(decode(b"nonsense").is_none());
        assert!(decode(&encode(&df)[..20]).is_none());
        assert!(shipped().state().parts().0 > 1000);
    }
}
