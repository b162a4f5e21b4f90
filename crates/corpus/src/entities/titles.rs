//! English title vocabulary: the nouns that head a role ("minister", "envoy") and the words
//! that modify them inside a title ("deputy", "foreign", "national security"). General
//! English, not names: the same list serves any news story.

/// Nouns that head a role or office.
pub fn is_head(folded: &str) -> bool {
    matches!(
        folded,
        "president"
            | "minister"
            | "secretary"
            | "envoy"
            | "ambassador"
            | "adviser"
            | "advisor"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "chancellor"
            | "premier"
            | "governor"
            | "mayor"
            | "senator"
            | "sen"
            | "congressman"
            | "congresswoman"
            | "rep"
            | "representative"
            | "lawmaker"
            | "general"
            | "gen"
            | "admiral"
            | "commander"
            | "chief"
            | "director"
            | "chairman"
            | "chairwoman"
            | "chair"
            | "ceo"
            | "leader"
            | "head"
            | "pope"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "emperor"
            | "sheikh"
            | "cardinal"
            | "archbishop"
            | "bishop"
            | "judge"
            | "justice"
            | "prosecutor"
            | "attorney"
            | "diplomat"
            | "negotiator"
            | "aide"
            | "speaker"
            | "commissioner"
            | "coordinator"
            | "counselor"
            | "counsellor"
            | "official"
            | "professor"
            | "prof"
            | "ruler"
            | "monarch"
            | "dictator"
            | "candidate"
            | "nominee"
            | "vice-president"
            | "secretary-general"
    )
}

/// Words that modify a head inside a title.
pub fn is_modifier(folded: &str) -> bool {
    matches!(
        folded,
        "vice"
            | "deputy"
            | "prime"
            | "foreign"
            | "defense"
            | "defence"
            | "interior"
            | "finance"
            | "treasury"
            | "justice"
            | "health"
            | "energy"
            | "trade"
            | "economy"
            | "home"
            | "national"
            | "security"
            | "homeland"
            | "state"
            | "special"
            | "senior"
            | "top"
            | "first"
            | "acting"
            | "former"
            | "presidential"
            | "press"
            | "policy"
            | "affairs"
            | "general"
            | "chief"
            | "executive"
            | "supreme"
            | "military"
            | "army"
            | "navy"
            | "joint"
            | "staff"
            | "assistant"
            | "associate"
            | "lead"
            | "white"
            | "house"
            | "department"
            | "ministry"
            | "un"
            | "eu"
            | "nato"
    )
}

/// Titles that are part of a mononym's name ("Pope Francis", "King Charles"): dropping them
/// would leave a bare given name that many people share.
pub fn is_name_title(folded: &str) -> bool {
    matches!(
        folded,
        "pope"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "emperor"
            | "sheikh"
            | "saint"
            | "st"
            | "cardinal"
            | "patriarch"
            | "ayatollah"
            | "sultan"
            | "emir"
    )
}

/// Honorifics stripped from names and never roles.
pub fn is_honorific(folded: &str) -> bool {
    matches!(
        folded,
        "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "dame" | "lord" | "lady"
    )
}

/// Last words that make a "person" span an organisation ("George Washington University").
pub fn is_org_head(folded: &str) -> bool {
    matches!(
        folded,
        "university"
            | "college"
            | "institute"
            | "institution"
            | "department"
            | "ministry"
            | "agency"
            | "council"
            | "committee"
            | "commission"
            | "party"
            | "company"
            | "corporation"
            | "corp"
            | "inc"
            | "ltd"
            | "llc"
            | "bank"
            | "fund"
            | "foundation"
            | "association"
            | "union"
            | "school"
            | "hospital"
            | "court"
            | "office"
            | "service"
            | "group"
            | "center"
            | "centre"
            | "network"
            | "airlines"
            | "airport"
            | "administration"
            | "times"
            | "post"
            | "news"
    )
}

/// Determiners and possessive pronouns that open an appositive ("the", "his").
pub fn is_determiner(folded: &str) -> bool {
    matches!(
        folded,
        "the" | "a" | "an" | "his" | "her" | "its" | "their" | "our" | "s"
    )
}
