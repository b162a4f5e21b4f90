//! The attribution rules on invented sentences (none from the seeds): speaker after or
//! before the cue, pronouns, short names expanded, descriptions kept, organisations,
//! quote-only paragraphs, and reported speech from the model.

mod common;

use std::sync::OnceLock;

use storyline_extract::quotes::QuoteFinder;
use storyline_model::{Quote, QuoteKind};

fn finder() -> &'static QuoteFinder {
    static FINDER: OnceLock<QuoteFinder> = OnceLock::new();
    FINDER.get_or_init(|| QuoteFinder::load().expect("load the shipped quote model"))
}

fn find(text: &str) -> Vec<Quote> {
    let layers = common::pipeline().annotate(text);
    finder().find(text, &layers)
}

fn quote<'q>(quotes: &'q [Quote], start: &str) -> &'q Quote {
    quotes
        .iter()
        .find(|q| q.text.starts_with(start))
        .unwrap_or_else(|| panic!("no quote starting {start:?} in {quotes:#?}"))
}

fn name(q: &Quote) -> Option<&str> {
    q.speaker.as_ref().and_then(|s| s.name.as_deref())
}

#[test]
fn speaker_after_the_cue_and_before_it() {
    let quotes = find(
        "“We will keep the plant open,” said Maria Lopez, the company's chief executive.\n\
         “Prices will rise,” Daniel Okafor told reporters.",
    );
    let first = quote(&quotes, "We will keep");
    assert_eq!(first.kind, QuoteKind::Direct);
    assert_eq!(name(first), Some("Maria Lopez"));
    assert_eq!(first.cue.as_ref().map(|c| c.text.as_str()), Some("said"));
    assert_eq!(
        name(quote(&quotes, "Prices will rise")),
        Some("Daniel Okafor")
    );
}

#[test]
fn pronouns_and_short_names() {
    let quotes = find(
        "Senator Rachel Whitmore criticised the plan on Monday.\n\
         “It is reckless,” Whitmore said. “We cannot afford it,” she added.",
    );
    assert_eq!(
        name(quote(&quotes, "It is reckless")),
        Some("Rachel Whitmore")
    );
    assert_eq!(
        name(quote(&quotes, "We cannot afford")),
        Some("Rachel Whitmore")
    );
}

#[test]
fn descriptions_stay_descriptions() {
    let quotes = find("“Talks are stalled,” a senior European diplomat said on Friday.");
    let q = quote(&quotes, "Talks are stalled");
    let speaker = q.speaker.as_ref().expect("a speaker");
    assert_eq!(speaker.name, None);
    assert!(
        speaker
            .description
            .as_deref()
            .is_some_and(|d| d.contains("diplomat")),
        "{speaker:?}"
    );
}

#[test]
fn a_quote_only_paragraph_continues_the_speaker() {
    let quotes = find(
        "“The first results are encouraging,” said Maria Lopez.\n\
         “We expect more data by the end of the year.”",
    );
    assert_eq!(
        name(quote(&quotes, "We expect more data")),
        Some("Maria Lopez")
    );
}

#[test]
fn partial_quotes_take_the_reporting_subject() {
    let quotes =
        find("Daniel Okafor said the proposal from Maria Lopez was “a serious mistake” and left.");
    let q = quote(&quotes, "a serious mistake");
    assert_eq!(q.kind, QuoteKind::Partial);
    assert_eq!(name(q), Some("Daniel Okafor"));
}

#[test]
fn reported_speech_from_the_model() {
    let quotes =
        find("The finance ministry said on Tuesday that it would cut fuel taxes next year.");
    let reported: Vec<&Quote> = quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Reported)
        .collect();
    assert!(
        reported
            .iter()
            .any(|q| q.text.contains("would cut fuel taxes")),
        "{quotes:#?}"
    );
}

#[test]
fn reported_speech_speaker_is_the_head_of_the_source() {
    let quotes = find(
        "Maria Lopez, who met Daniel Okafor in Geneva last week, said that the talks \
         would resume in March.",
    );
    let reported = quotes
        .iter()
        .find(|q| q.kind == QuoteKind::Reported && q.text.contains("talks would resume"))
        .unwrap_or_else(|| panic!("{quotes:#?}"));
    assert_eq!(name(reported), Some("Maria Lopez"));
}

#[test]
fn the_finder_is_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<QuoteFinder>();
    let text = "“It works,” said Maria Lopez.";
    let found: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2).map(|_| scope.spawn(|| find(text).len())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(found, vec![1, 1]);
}

/// The reported quote whose content contains `words`.
fn reported_with<'q>(quotes: &'q [Quote], words: &str) -> &'q Quote {
    quotes
        .iter()
        .find(|q| q.kind == QuoteKind::Reported && q.text.contains(words))
        .unwrap_or_else(|| panic!("no reported quote with {words:?} in {quotes:#?}"))
}

#[test]
fn an_organisation_with_a_relative_clause_keeps_its_own_quote() {
    // The person named in the next paragraph must not take the organisation's quote.
    let quotes = find(
        "The Northern Bakers' Union, which represents bakery staff in four provinces and \
         several cities, said the walkout would continue until the employers improved \
         their wage offer.\n\n\
         “Our members cannot wait any longer,” said Helena Dvorakova, the union's \
         spokeswoman, speaking outside the ministry.",
    );
    let q = reported_with(&quotes, "the walkout would continue");
    let speaker = q.speaker.as_ref().expect("a speaker");
    assert_ne!(speaker.name.as_deref(), Some("Helena Dvorakova"), "{q:#?}");
    let said_by_union = speaker
        .name
        .iter()
        .chain(&speaker.description)
        .any(|s| s.contains("Bakers' Union"));
    assert!(said_by_union, "{q:#?}");
    let dvorakova: Vec<&Quote> = quotes
        .iter()
        .filter(|q| name(q) == Some("Helena Dvorakova"))
        .collect();
    assert_eq!(dvorakova.len(), 1, "{quotes:#?}");
}

#[test]
fn an_appositive_is_not_part_of_the_name() {
    let quotes = find(
        "Brightwater Shipping Company, the biggest carrier on the river, said in a statement \
         that it would suspend two routes.",
    );
    let q = reported_with(&quotes, "suspend two routes");
    let speaker = q.speaker.as_ref().expect("a speaker");
    let named = speaker.name.as_deref().unwrap_or_default();
    assert!(named.contains("Brightwater"), "{speaker:?}");
    assert!(!named.contains("carrier"), "{speaker:?}");
}

#[test]
fn according_to_gives_the_source_and_the_main_clause() {
    let quotes = find(
        "“We will not sign,” Tomasz Wierzbicki said on Monday.\n\n\
         The regional council is expected to approve the budget next month, according to \
         three officials briefed on the plan.",
    );
    let q = reported_with(&quotes, "approve the budget");
    assert!(
        q.text.starts_with("The regional council is expected"),
        "{q:#?}"
    );
    assert!(!q.text.contains("according"), "{q:#?}");
    assert_eq!(
        q.cue.as_ref().map(|c| c.text.as_str()),
        Some("according to")
    );
    let speaker = q.speaker.as_ref().expect("a speaker");
    assert_eq!(speaker.name, None, "{speaker:?}");
    assert_eq!(
        speaker.description.as_deref(),
        Some("three officials briefed on the plan")
    );
}

#[test]
fn according_to_at_the_start_of_a_sentence() {
    let quotes =
        find("According to the city's transport office, the tram line will reopen in May.");
    let q = reported_with(&quotes, "the tram line will reopen");
    assert!(!q.text.contains("According"), "{q:#?}");
    let speaker = q.speaker.as_ref().expect("a speaker");
    let said = speaker.name.iter().chain(&speaker.description);
    assert!(
        said.clone().any(|s| s.contains("transport office")),
        "{speaker:?}"
    );
}
