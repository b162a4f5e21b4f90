//! `storyline extract` and `storyline eval extraction`: main text and metadata from web pages.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use storyline_ingest::decode;
use storyline_ingest::extract::{Extraction, extract as extract_page};

use crate::bench::thread_cpu_seconds;
use crate::{EXIT_OK, EXIT_PARTIAL};

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
    /// Also write each page's scores and extracted text as JSON lines to this file.
    #[arg(long)]
    pub dump: Option<PathBuf>,
}

pub fn extract(args: ExtractArgs) -> Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for (i, path) in args.inputs.iter().enumerate() {
        let html = match read_page(path) {
            Ok(html) => html,
            Err(err) => {
                eprintln!("error: {err:#}");
                failed = true;
                continue;
            }
        };
        let extraction = extract_page(&html, None);
        if let Some(reason) = extraction.empty_reason {
            eprintln!("{}: {reason}", path.display());
            failed = true;
        }
        if args.json {
            let value = json_of(path, &extraction);
            writeln!(out, "{}", serde_json::to_string(&value)?)?;
        } else if !extraction.text.is_empty() {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{}", extraction.text)?;
        }
    }
    Ok(if failed { EXIT_PARTIAL } else { EXIT_OK })
}

fn json_of(path: &Path, extraction: &Extraction) -> serde_json::Value {
    let mut value = serde_json::to_value(&extraction.meta).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("file".into(), path.display().to_string().into());
        object.insert("text".into(), extraction.text.clone().into());
        object.insert(
            "empty_reason".into(),
            extraction.empty_reason.map(Into::into).unwrap_or_default(),
        );
        object.insert("extractor".into(), extraction.extractor.name().into());
    }
    value
}

/// A page's bytes, decompressed and decoded (BOM, then `<meta charset>`, then detection).
fn read_page(path: &Path) -> Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut reader =
        decode::decompress(file).with_context(|| format!("{}: cannot read", path.display()))?;
    let bytes = decode::read_capped(&mut reader)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let charset = decode::declared_html_charset(&bytes);
    Ok(decode::decode(&bytes, charset.as_deref()).text.into_owned())
}

/// One line of `ground_truth.jsonl`.
#[derive(serde::Deserialize)]
struct Truth {
    id: String,
    url: Option<String>,
    page_type: String,
    html_file: String,
    publish_date: Option<String>,
    main_text: Option<String>,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

/// Precision and recall sums for one group of pages.
#[derive(Default)]
struct Totals {
    pages: usize,
    precision: f64,
    recall: f64,
    with_found: usize,
    with_total: usize,
    without_found: usize,
    without_total: usize,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.pages += other.pages;
        self.precision += other.precision;
        self.recall += other.recall;
        self.with_found += other.with_found;
        self.with_total += other.with_total;
        self.without_found += other.without_found;
        self.without_total += other.without_total;
    }

    fn line(&self, name: &str) -> String {
        let n = self.pages.max(1) as f64;
        let (p, r) = (self.precision / n, self.recall / n);
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        format!(
            "{name:<14} {:>5}  P {p:.4}  R {r:.4}  F1 {f1:.4}   with {:.1}%  without {:.1}%",
            self.pages,
            percent(self.with_found, self.with_total),
            percent(self.without_found, self.without_total),
        )
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

pub fn eval(args: EvalExtractionArgs) -> Result<u8> {
    let truth_path = args.data.join("ground_truth.jsonl");
    let file = std::fs::File::open(&truth_path).with_context(|| {
        format!(
            "{}: cannot open (is --data a wcxb folder?)",
            truth_path.display()
        )
    })?;
    let mut pages = Vec::new();
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: cannot read", truth_path.display()))?;
        let truth: Truth = serde_json::from_str(&line).with_context(|| {
            format!(
                "{}:{}: not a ground-truth record",
                truth_path.display(),
                number + 1
            )
        })?;
        // Pages without reference text cannot be scored (the README names two articles).
        if truth
            .main_text
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            continue;
        }
        if args
            .page_type
            .as_ref()
            .is_some_and(|t| *t != truth.page_type)
        {
            continue;
        }
        let path = args.data.join(&truth.html_file);
        let mut html = String::new();
        decode::decompress(
            std::fs::File::open(&path)
                .with_context(|| format!("{}: cannot open", path.display()))?,
        )
        .and_then(|mut r| r.read_to_string(&mut html))
        .with_context(|| format!("{}: cannot read as gzipped UTF-8", path.display()))?;
        pages.push((truth, html));
    }
    if pages.is_empty() {
        bail!("{}: no pages to score", truth_path.display());
    }

    // Extraction alone is timed, one page after another on this thread: wall-clock time, and
    // the thread's CPU time, which other work on a shared machine does not inflate.
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    let extractions: Vec<Extraction> = pages
        .iter()
        .map(|(truth, html)| extract_page(html, truth.url.as_deref()))
        .collect();
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()
        .zip(cpu_start)
        .map(|(end, start)| end - start);

    let mut dump = match &args.dump {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => None,
    };
    let mut by_type: BTreeMap<&str, Totals> = BTreeMap::new();
    let (mut dates_known, mut dates_matched, mut either_matched) = (0, 0, 0);
    for ((truth, _), extraction) in pages.iter().zip(&extractions) {
        let reference = truth.main_text.as_deref().unwrap_or_default();
        let (precision, recall) = score(&extraction.text, reference);
        let lower = extraction.text.to_lowercase();
        let totals = by_type.entry(truth.page_type.as_str()).or_default();
        totals.pages += 1;
        totals.precision += precision;
        totals.recall += recall;
        totals.with_total += truth.with.len();
        totals.with_found += truth
            .with
            .iter()
            .filter(|s| lower.contains(&s.to_lowercase()))
            .count();
        totals.without_total += truth.without.len();
        totals.without_found += truth
            .without
            .iter()
            .filter(|s| lower.contains(&s.to_lowercase()))
            .count();
        let mut date_ok = None;
        if let Some(expected) = truth.publish_date.as_deref().filter(|d| !d.is_empty()) {
            dates_known += 1;
            let day =
                |d: &Option<String>| d.as_deref().and_then(|d| d.get(..10)).map(str::to_owned);
            let expected = expected.get(..10).map(str::to_owned);
            let ok = day(&extraction.meta.published) == expected;
            dates_matched += usize::from(ok);
            either_matched += usize::from(ok || day(&extraction.meta.modified) == expected);
            date_ok = Some(ok);
        }
        if let Some(dump) = dump.as_mut() {
            let line = serde_json::json!({
                "id": truth.id, "type": truth.page_type, "precision": precision, "recall": recall,
                "date_ok": date_ok, "expected_date": truth.publish_date,
                "published": extraction.meta.published, "text": extraction.text,
                "reference": reference,
            });
            writeln!(dump, "{line}")?;
        }
    }

    println!(
        "extraction on {} ({} pages)",
        args.data.display(),
        pages.len()
    );
    let mut all = Totals::default();
    for (name, totals) in &by_type {
        println!("{}", totals.line(name));
        all.add(totals);
    }
    if by_type.len() > 1 {
        println!("{}", all.line("all"));
    }
    println!(
        "published date matches: {dates_matched}/{dates_known} ({:.1}%)",
        percent(dates_matched, dates_known)
    );
    // The reference date is what the page shows, often its "Updated" date; `published` is
    // the original publication date by design, so the modified date is reported beside it.
    println!(
        "published or modified date matches: {either_matched}/{dates_known} ({:.1}%)",
        percent(either_matched, dates_known)
    );
    let per_second = |seconds: f64| pages.len() as f64 / seconds;
    match cpu {
        Some(cpu) => println!(
            "speed: {:.1} pages/s per core (CPU time {cpu:.2} s), {:.1} pages/s wall-clock \
             ({} pages, {elapsed:.2} s); extraction only, one thread",
            per_second(cpu),
            per_second(elapsed),
            pages.len()
        ),
        None => println!(
            "speed: {:.1} pages/s wall-clock ({} pages, {elapsed:.2} s); extraction only, one thread",
            per_second(elapsed),
            pages.len()
        ),
    }
    Ok(EXIT_OK)
}

/// Precision and recall of `extracted` against `reference` over 4-word shingles.
///
/// Fixed details (the same in bench/extraction/trafilatura_eval.py): tokens are runs of
/// letters, digits and `_` (Python's `\w+`), lower-cased; shingles are a multiset; a text of
/// 1-3 tokens is one shingle of all of them; an empty extraction scores 0 and 0.
fn score(extracted: &str, reference: &str) -> (f64, f64) {
    let extracted = shingles(extracted);
    let reference = shingles(reference);
    let extracted_total: usize = extracted.values().sum();
    let reference_total: usize = reference.values().sum();
    if extracted_total == 0 || reference_total == 0 {
        return (0.0, 0.0);
    }
    let matched: usize = extracted
        .iter()
        .map(|(shingle, count)| (*count).min(reference.get(shingle).copied().unwrap_or(0)))
        .sum();
    (
        matched as f64 / extracted_total as f64,
        matched as f64 / reference_total as f64,
    )
}

fn shingles(text: &str) -> HashMap<Vec<String>, usize> {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    let width = tokens.len().min(4);
    for window in tokens.windows(width) {
        *counts
            .entry(window.iter().map(|t| (*t).to_owned()).collect())
            .or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_scores() {
        assert_eq!(score("a b c d e", "a b c d e"), (1.0, 1.0));
        let (p, r) = score("A b c d", "a b c d e f");
        assert_eq!(p, 1.0);
        assert!((r - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(score("", "a b c d"), (0.0, 0.0));
        assert_eq!(score("x y", "x y"), (1.0, 1.0));
        // Repeated shingles count once each side: a multiset.
        let (p, _) = score("a b c d a b c d", "a b c d");
        assert!((p - 0.2).abs() < 1e-9);
    }
}
