//! The quotes layer: what was said, the cue that reports it, and who said it.

use serde::{Deserialize, Serialize};

/// A stretch of the article's text: code-point offsets and the text they cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// How the words reached the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A whole quotation in quote marks: “We have the outlines of a deal,” Trump said.
    Direct,
    /// A few quoted words inside the writer's sentence: appeared “calmer”.
    Partial,
    /// Reported speech without quote marks: Zelensky accused Moscow of stalling.
    Reported,
}

/// Who said it. `name` is the person or organisation the article makes clear (resolved
/// through pronouns and descriptions); when it does not, `name` is `None` and
/// `description` keeps what the text says ("a Ukrainian official").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The speaker's name as the article gives it in full ("Donald Trump"), if known.
    pub name: Option<String>,
    /// A description standing in for a name ("a Ukrainian official"), if no name is known.
    pub description: Option<String>,
    /// Where the speaker is mentioned for this quote: a name, pronoun or description.
    pub mention: Option<TextSpan>,
    /// The resolved entity's id, once entity resolution has run.
    pub entity: Option<String>,
}

/// One attribution: content (what was said), cue (the reporting verb or phrase) and speaker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Start of the content (code points).
    pub start: usize,
    /// End of the content (code points, exclusive).
    pub end: usize,
    /// The content without its quote marks.
    pub text: String,
    pub kind: QuoteKind,
    pub cue: Option<TextSpan>,
    pub speaker: Option<Speaker>,
}
