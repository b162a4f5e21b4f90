//! PolNeAR (Newell, Margolin & Ruths 2018) in brat standoff: reading the Source, Cue and
//! Content spans, and scoring predicted spans against them, exact and overlap.
//!
//! Offsets in the `.ann` files are code points, as ours are. A discontinuous span
//! (`Content 10 40;52 90`) counts as one span per fragment, because a tagger outputs the
//! fragments of a quotation interrupted by its cue as separate spans.

use std::path::{Path, PathBuf};

/// One annotated article.
#[derive(Clone, Debug)]
pub struct Annotated {
    pub name: String,
    pub text: String,
    /// Per annotator file: the spans of each role.
    pub annotations: Vec<Roles>,
}

#[derive(Clone, Debug, Default)]
pub struct Roles {
    pub sources: Vec<(usize, usize)>,
    pub cues: Vec<(usize, usize)>,
    pub contents: Vec<(usize, usize)>,
}

/// Parses the T lines of one `.ann` file.
pub fn parse_ann(ann: &str, text_chars: usize) -> Roles {
    let mut roles = Roles::default();
    for line in ann.lines() {
        if !line.starts_with('T') {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(_), Some(middle)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some((role, offsets)) = middle.split_once(' ') else {
            continue;
        };
        let list = match role {
            "Source" => &mut roles.sources,
            "Cue" => &mut roles.cues,
            "Content" => &mut roles.contents,
            _ => continue,
        };
        for fragment in offsets.split(';') {
            let mut numbers = fragment.split_whitespace().map(str::parse::<usize>);
            if let (Some(Ok(start)), Some(Ok(end))) = (numbers.next(), numbers.next())
                && start < end
                && end <= text_chars
            {
                list.push((start, end));
            }
        }
    }
    for list in [&mut roles.sources, &mut roles.cues, &mut roles.contents] {
        list.sort_unstable();
        list.dedup();
    }
    roles
}

/// Every article of a split folder (`text/*.txt` with `attributions/<name>_<annotator>.ann`),
/// in name order.
pub fn read_split(dir: &Path) -> std::io::Result<Vec<Annotated>> {
    let mut texts: Vec<PathBuf> = std::fs::read_dir(dir.join("text"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    let mut anns: Vec<PathBuf> = std::fs::read_dir(dir.join("attributions"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .collect();
    anns.sort();
    let mut out = Vec::with_capacity(texts.len());
    for path in texts {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)?;
        let chars = text.chars().count();
        let prefix = format!("{name}_");
        let mut annotations = Vec::new();
        for ann in &anns {
            let file = ann
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // `<name>_<annotator>.ann` where the annotator id has no underscore.
            if file
                .strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('_'))
            {
                annotations.push(parse_ann(&std::fs::read_to_string(ann)?, chars));
            }
        }
        if !annotations.is_empty() {
            out.push(Annotated {
                name,
                text,
                annotations,
            });
        }
    }
    Ok(out)
}

/// Counts for one role: exact matches and overlap matches on each side.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub predicted: usize,
    pub gold: usize,
    pub exact: usize,
    /// Predicted spans overlapping some gold span.
    pub overlap_predicted: usize,
    /// Gold spans overlapped by some predicted span.
    pub overlap_gold: usize,
}

/// Spans compare with surrounding whitespace trimmed on both sides.
fn trim(text: &[char], (mut s, mut e): (usize, usize)) -> (usize, usize) {
    while s < e && text[s].is_whitespace() {
        s += 1;
    }
    while e > s && text[e - 1].is_whitespace() {
        e -= 1;
    }
    (s, e)
}

impl Counts {
    pub fn add(&mut self, chars: &[char], predicted: &[(usize, usize)], gold: &[(usize, usize)]) {
        let mut p: Vec<(usize, usize)> = predicted.iter().map(|&s| trim(chars, s)).collect();
        let mut g: Vec<(usize, usize)> = gold.iter().map(|&s| trim(chars, s)).collect();
        p.sort_unstable();
        p.dedup();
        g.sort_unstable();
        g.dedup();
        let overlaps = |a: &(usize, usize), b: &(usize, usize)| a.0 < b.1 && b.0 < a.1;
        self.predicted += p.len();
        self.gold += g.len();
        self.exact += p.iter().filter(|s| g.binary_search(s).is_ok()).count();
        self.overlap_predicted += p
            .iter()
            .filter(|s| g.iter().any(|t| overlaps(s, t)))
            .count();
        self.overlap_gold += g
            .iter()
            .filter(|t| p.iter().any(|s| overlaps(s, t)))
            .count();
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    }

    /// (P, R, F1) for exact matches.
    pub fn exact_prf(&self) -> (f64, f64, f64) {
        let p = Self::ratio(self.exact, self.predicted);
        let r = Self::ratio(self.exact, self.gold);
        (p, r, f1(p, r))
    }

    /// (P, R, F1) for overlap: a predicted span is right if it overlaps a gold one, a gold
    /// span is found if a predicted one overlaps it.
    pub fn overlap_prf(&self) -> (f64, f64, f64) {
        let p = Self::ratio(self.overlap_predicted, self.predicted);
        let r = Self::ratio(self.overlap_gold, self.gold);
        (p, r, f1(p, r))
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fragments_and_roles() {
        let ann = "T1\tSource 0 3\tHe\nT2\tCue 4 8\tsaid\nT3\tContent 9 12;14 20\tx\nT4\tAttribution 4 8\tsaid\nE1\tAttribution:T4\n";
        let roles = parse_ann(ann, 30);
        assert_eq!(roles.sources, vec![(0, 3)]);
        assert_eq!(roles.cues, vec![(4, 8)]);
        assert_eq!(roles.contents, vec![(9, 12), (14, 20)]);
    }

    #[test]
    fn scores_exact_and_overlap() {
        let chars: Vec<char> = "a b c d e f g h i j".chars().collect();
        let mut counts = Counts::default();
        counts.add(&chars, &[(0, 3), (4, 7), (10, 11)], &[(0, 3), (4, 9)]);
        assert_eq!(counts.exact, 1);
        assert_eq!(counts.overlap_predicted, 2);
        assert_eq!(counts.overlap_gold, 2);
        let (p, r, _) = counts.exact_prf();
        assert!((p - 33.33).abs() < 0.01 && (r - 50.0).abs() < 0.01);
    }
}

/// Scores of the three roles over a split.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scores {
    pub source: Counts,
    pub cue: Counts,
    pub content: Counts,
}

impl Scores {
    /// Adds one article: the model's spans against the first annotator's.
    pub fn add(&mut self, text: &str, predicted: &Roles, gold: &Roles) {
        let chars: Vec<char> = text.chars().collect();
        self.source.add(&chars, &predicted.sources, &gold.sources);
        self.cue.add(&chars, &predicted.cues, &gold.cues);
        self.content
            .add(&chars, &predicted.contents, &gold.contents);
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<8} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "role", "gold", "pred", "P", "R", "F1", "oP", "oR", "oF1"
        )?;
        for (name, c) in [
            ("source", &self.source),
            ("cue", &self.cue),
            ("content", &self.content),
        ] {
            let (p, r, f1) = c.exact_prf();
            let (op, or, of1) = c.overlap_prf();
            writeln!(
                f,
                "{name:<8} {:>6} {:>6} | {p:>6.2} {r:>6.2} {f1:>6.2} | {op:>6.2} {or:>6.2} {of1:>6.2}",
                c.gold, c.predicted
            )?;
        }
        write!(f, "(P/R/F1 exact span match; oP/oR/oF1 any overlap)")
    }
}
