//! PLOVER gold-standard records (`PLOVER_GSR_*.json`) and the scores `storyline eval
//! events` prints: event-type accuracy, and actor and recipient accuracy.
//!
//! Each record is one sentence with one gold event. The coder may find several events in
//! a sentence; the one scored is the first in text order that has an actor (the main
//! clause usually comes first in news sentences), compared after [`plover_type`] maps
//! announced and refused acts to PLOVER's conventions. An actor or recipient is correct when
//! its head word (last word) is a word of a gold actor's text, or a gold actor's head word
//! is a word of it — mentions are compared by words because gold spans and ours differ in
//! where they start ("the rebel Revolutionary United Front (RUF)" / "Revolutionary United
//! Front").

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use storyline_model::{Event, EventStatus, EventType, Participant};

#[derive(Clone, Debug)]
pub struct GsrRecord {
    pub id: String,
    pub text: String,
    pub event: EventType,
    /// The record's own name for the type (DEMAND, FIGHT …) before folding.
    pub gold_name: String,
    pub sources: Vec<String>,
    pub targets: Vec<String>,
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(default)]
    id: String,
    text: Option<String>,
    event: Option<String>,
    #[serde(default)]
    source: serde_json::Value,
    #[serde(default)]
    target: serde_json::Value,
}

/// Actor texts of a `source`/`target` field: a list of `{actorText}` objects, or empty.
fn actor_texts(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("actorText")?.as_str())
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the records that have a sentence and an event type storyline codes (the
/// DOCUMENT record describing the file is skipped).
pub fn read_gsr(path: &Path) -> std::io::Result<Vec<GsrRecord>> {
    let bytes = std::fs::read(path)?;
    let raw: Vec<RawRecord> = serde_json::from_slice(&bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: not a PLOVER record array: {e}", path.display()),
        )
    })?;
    Ok(raw
        .into_iter()
        .filter_map(|r| {
            let name = r.event?;
            Some(GsrRecord {
                id: r.id,
                text: r.text.filter(|t| !t.trim().is_empty())?,
                event: EventType::parse(&name)?,
                gold_name: name,
                sources: actor_texts(&r.source),
                targets: actor_texts(&r.target),
            })
        })
        .collect())
}

/// The event scored for a sentence: the first with an actor, else the first.
pub fn primary(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .find(|e| e.actor.is_some())
        .or_else(|| events.first())
}

/// The type PLOVER gives an event: storyline keeps a planned, possible or refused
/// action's own type and marks its status; PLOVER codes the announcement or the refusal
/// itself, as AGREE (intent to cooperate: "will visit", "is ready to send troops"),
/// THREATEN (intent to use material pressure: "plans to impose restrictions") or REJECT
/// (a cooperative act refused: "would not meet their demands").
pub fn plover_type(event: &Event) -> EventType {
    use EventType::*;
    let cooperative = matches!(
        event.kind,
        Agree | Consult | Support | Cooperate | Aid | Concede | Retreat
    );
    let coercive = matches!(event.kind, Protest | Mobilize | Sanction | Coerce | Assault);
    match event.status {
        EventStatus::Planned | EventStatus::Hypothetical if cooperative => Agree,
        EventStatus::Planned | EventStatus::Hypothetical if coercive => Threaten,
        EventStatus::Negated if cooperative => Reject,
        _ => event.kind,
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a predicted participant names one of the gold actors (see the module comment).
pub fn matches_actor(predicted: &Participant, gold: &[String]) -> bool {
    let mut ours = words(&predicted.mention.text);
    if let Some(name) = &predicted.name {
        ours.extend(words(name));
    }
    let Some(our_head) = words(&predicted.mention.text).pop() else {
        return false;
    };
    gold.iter().any(|g| {
        let theirs = words(g);
        theirs.contains(&our_head) || theirs.last().is_some_and(|head| ours.contains(head))
    })
}

#[derive(Debug, Default)]
pub struct Scores {
    pub records: usize,
    /// Records where the coder found at least one event.
    pub coded: usize,
    pub type_correct: usize,
    pub actor_total: usize,
    pub actor_correct: usize,
    pub recipient_total: usize,
    pub recipient_correct: usize,
    /// (gold, predicted or "-") → count.
    pub confusion: BTreeMap<(String, String), usize>,
}

impl Scores {
    pub fn add(&mut self, record: &GsrRecord, events: &[Event]) {
        self.records += 1;
        let event = primary(events);
        self.coded += usize::from(event.is_some());
        let predicted = event.map_or("-".to_owned(), |e| plover_type(e).to_string());
        *self
            .confusion
            .entry((record.event.to_string(), predicted))
            .or_default() += 1;
        self.type_correct += usize::from(event.is_some_and(|e| plover_type(e) == record.event));
        if !record.sources.is_empty() {
            self.actor_total += 1;
            let actor = event.and_then(|e| e.actor.as_ref());
            self.actor_correct +=
                usize::from(actor.is_some_and(|a| matches_actor(a, &record.sources)));
        }
        if !record.targets.is_empty() {
            self.recipient_total += 1;
            let recipient = event.and_then(|e| e.recipient.as_ref());
            self.recipient_correct +=
                usize::from(recipient.is_some_and(|r| matches_actor(r, &record.targets)));
        }
    }

    pub fn type_accuracy(&self) -> f64 {
        ratio(self.type_correct, self.records)
    }

    pub fn actor_accuracy(&self) -> f64 {
        ratio(self.actor_correct, self.actor_total)
    }

    pub fn recipient_accuracy(&self) -> f64 {
        ratio(self.recipient_correct, self.recipient_total)
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::TextSpan;

    fn participant(text: &str) -> Participant {
        Participant {
            mention: TextSpan {
                start: 0,
                end: text.chars().count(),
                text: text.to_owned(),
            },
            name: None,
            entity: None,
        }
    }

    #[test]
    fn actors_match_by_head_word_either_way() {
        let gold = vec!["Russian President Vladimir Putin".to_owned()];
        assert!(matches_actor(&participant("Putin"), &gold));
        assert!(!matches_actor(&participant("President Macron"), &gold));
        let gold = vec!["Asia-Pacific Economic Cooperation".to_owned()];
        assert!(matches_actor(
            &participant("The Asia-Pacific Economic Cooperation (APEC) forum"),
            &gold
        ));
        assert!(!matches_actor(&participant("officials"), &gold));
    }

    #[test]
    fn records_fold_old_type_names_and_skip_documentation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gsr.json");
        std::fs::write(
            &path,
            r#"[{"id":"D","event":"DOCUMENT","eventText":"docs"},
                {"id":"A","event":"FIGHT","text":"Troops shelled the town.",
                 "source":[{"actorText":"Troops","code":"XXX"}],"target":""}]"#,
        )
        .unwrap();
        let records = read_gsr(&path).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].event, EventType::Assault);
        assert_eq!(records[0].gold_name, "FIGHT");
        assert_eq!(records[0].sources, ["Troops"]);
        assert!(records[0].targets.is_empty());
        std::fs::write(&path, "{not json").unwrap();
        let error = read_gsr(&path).unwrap_err().to_string();
        assert!(error.contains("gsr.json"), "{error}");
    }
}
