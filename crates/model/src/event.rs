//! The events layer (who did what to whom, PLOVER-coded) and the claims layer (statements
//! the article attributes and who disputes them).

use serde::{Deserialize, Serialize};

use crate::TextSpan;

/// The PLOVER event types as POLECAT codes them: the older DEMAND, DISAPPROVE, FIGHT and
/// INVESTIGATE fold into REQUEST, ACCUSE, ASSAULT and ACCUSE (mode `investigate`), as in
/// the CAMEO-to-PLOVER table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    Agree,
    Consult,
    Support,
    Cooperate,
    Aid,
    Concede,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Mobilize,
    Sanction,
    Coerce,
    Assault,
}

impl EventType {
    pub const ALL: [EventType; 16] = [
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Concede,
        EventType::Retreat,
        EventType::Request,
        EventType::Accuse,
        EventType::Reject,
        EventType::Threaten,
        EventType::Protest,
        EventType::Mobilize,
        EventType::Sanction,
        EventType::Coerce,
        EventType::Assault,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Agree => "AGREE",
            EventType::Consult => "CONSULT",
            EventType::Support => "SUPPORT",
            EventType::Cooperate => "COOPERATE",
            EventType::Aid => "AID",
            EventType::Concede => "CONCEDE",
            EventType::Retreat => "RETREAT",
            EventType::Request => "REQUEST",
            EventType::Accuse => "ACCUSE",
            EventType::Reject => "REJECT",
            EventType::Threaten => "THREATEN",
            EventType::Protest => "PROTEST",
            EventType::Mobilize => "MOBILIZE",
            EventType::Sanction => "SANCTION",
            EventType::Coerce => "COERCE",
            EventType::Assault => "ASSAULT",
        }
    }

    /// A PLOVER or POLECAT type name, with the older names folded in (DEMAND is REQUEST,
    /// DISAPPROVE and INVESTIGATE are ACCUSE, FIGHT is ASSAULT). Case-insensitive.
    pub fn parse(name: &str) -> Option<EventType> {
        let upper = name.trim().to_ascii_uppercase();
        match upper.as_str() {
            "DEMAND" => Some(EventType::Request),
            "DISAPPROVE" | "INVESTIGATE" => Some(EventType::Accuse),
            "FIGHT" => Some(EventType::Assault),
            _ => EventType::ALL.into_iter().find(|t| t.as_str() == upper),
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the text reports the event as having happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Reported as happened or happening.
    #[default]
    Asserted,
    /// Announced or intended: "will speak", "plans to", "is set to", "the upcoming call".
    Planned,
    /// Possible or conditional: "may", "could", "likely to", "if".
    Hypothetical,
    /// Said not to have happened: "did not meet", "never attacked".
    Negated,
}

/// Who takes part in an event or a claim: the phrase in the text and what it refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Where the text names the participant (a name, pronoun or description).
    pub mention: TextSpan,
    /// The fullest name the article gives, when the phrase names (or stands for) someone.
    pub name: Option<String>,
    /// The resolved entity's id, once entity resolution has run.
    pub entity: Option<String>,
}

impl Participant {
    /// The name if known, else the words of the mention.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.mention.text)
    }
}

/// One coded event: a trigger word in one sentence with its arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The PLOVER mode where one applies (`phone`, `visit`, `drone` …).
    pub mode: Option<String>,
    /// The CAMEO code the trigger was coded with (kept for finer distinctions).
    pub cameo: String,
    pub status: EventStatus,
    /// The word (or words) that express the event: "spoke", "attack", "phone call".
    pub trigger: TextSpan,
    pub actor: Option<Participant>,
    pub recipient: Option<Participant>,
    pub place: Option<Participant>,
    /// The event's date as a TIMEX3 value, from a time expression in the sentence.
    pub time: Option<String>,
    /// Index into the article's `times` layer of that expression.
    pub time_expression: Option<usize>,
    /// Index into the article's `sentences`: the evidence sentence.
    pub sentence: usize,
    /// Indices into the article's `quantities` layer found in the evidence sentence
    /// (casualties, drones, troops).
    pub quantities: Vec<usize>,
}

/// Someone saying a claim is false: "Kyiv denied these assertions".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    pub by: Option<Participant>,
    /// The verb or phrase of denial.
    pub cue: TextSpan,
    pub sentence: usize,
}

/// A statement the article attributes to someone and at least one other party disputes,
/// or that the article itself frames as a claim ("Moscow's claims of expelling …").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// What is claimed.
    pub content: TextSpan,
    pub asserted_by: Option<Participant>,
    pub sentence: usize,
    /// Index into the article's `quotes` layer when the claim is a quote.
    pub quote: Option<usize>,
    pub disputed_by: Vec<Dispute>,
}
