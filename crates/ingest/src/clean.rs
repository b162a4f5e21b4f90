//! Cleaning: from the raw lines of an article body to the immutable cleaned text.
//!
//! Order matters and is fixed:
//! 1. Unicode NFC, newline normalisation, control characters dropped, runs of spaces collapsed.
//! 2. Header lines (plain text only): a one-word section label and a headline.
//! 3. Boilerplate lines removed by general rules ([`boilerplate_rule`]); credit lines moved to
//!    metadata.
//! 4. Lines rejoined where a break falls inside a sentence or a quotation.
//! 5. The dateline cut from the start of the lede.
//!
//! Everything taken out is kept in `removed` with its reason, so cleaning never loses text.

use std::sync::LazyLock;

use regex::Regex;
use storyline_model::{RemovalReason, Removed};
use unicode_normalization::UnicodeNormalization;

/// What the cleaner learned about the article besides its body.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Cleaned {
    pub paragraphs: Vec<String>,
    pub headline: Option<String>,
    pub section: Option<String>,
    pub dateline: Option<String>,
    pub credit: Option<String>,
    pub byline: Option<String>,
    /// A publication date printed in the page furniture ("Published on 19 May 2025"),
    /// normalised; for inputs whose metadata has none.
    pub published: Option<String>,
    pub removed: Vec<Removed>,
}

/// How much of the article's structure the input already gave us.
#[derive(Debug, Default, Clone, Copy)]
pub struct CleanOptions<'a> {
    /// Plain text carries its headline and section as its first lines; structured inputs
    /// (HTML, feeds, JSONL) carry them as fields.
    pub detect_header: bool,
    /// A headline known from metadata: a first body line repeating it is removed.
    pub known_headline: Option<&'a str>,
}

/// Cleans a raw body. `raw` may use any newline convention; blank lines and single line
/// breaks both separate candidate paragraphs.
pub fn clean(raw: &str, options: CleanOptions<'_>) -> Cleaned {
    let normalised = normalise(raw);
    let mut lines: Vec<&str> = normalised.lines().map(str::trim).collect();
    let mut out = Cleaned::default();

    if options.detect_header {
        take_header(&mut lines, &mut out);
    }
    if let Some(known) = options.known_headline {
        let first = lines.iter().position(|l| !l.is_empty());
        if let Some(i) = first
            && same_text(lines[i], known)
        {
            out.removed
                .push(removed(lines[i], RemovalReason::Headline, None));
            lines[i] = "";
        }
    }

    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    let mut blank_before = false;
    let mut previous_rule: Option<&'static str> = None;
    for line in lines {
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        // Bylines sit at the top, above or below the date; elsewhere "By …" starts prose.
        if kept.len() < 3
            && let Some(name) = byline(line)
        {
            out.removed.push(removed(line, RemovalReason::Byline, None));
            out.byline.get_or_insert(name);
            continue;
        }
        if let Some(credit) = credit_line(line) {
            out.removed
                .push(removed(line, RemovalReason::Credit, Some("credit_line")));
            out.credit.get_or_insert(credit);
            previous_rule = None;
            continue;
        }
        let rule = boilerplate_rule(line).or_else(|| {
            // "Published" / "on" / "May 19, 2025" split over several lines by a page template.
            (previous_rule == Some("published_label") && is_label_continuation(line))
                .then_some("published_label")
        });
        if let Some(rule) = rule {
            if matches!(rule, "published_label" | "date_line") && out.published.is_none() {
                out.published = printed_date(line);
            }
            out.removed
                .push(removed(line, RemovalReason::Boilerplate, Some(rule)));
            previous_rule = Some(rule);
            continue;
        }
        previous_rule = None;
        kept.push(Line {
            text: line.to_owned(),
            blank_before,
        });
        blank_before = false;
    }

    out.paragraphs = rejoin(kept);
    if let Some(first) = out.paragraphs.first_mut()
        && let Some((dateline, credit, cut)) = dateline(first)
    {
        out.removed.push(removed(
            first[..cut].trim_end(),
            RemovalReason::Dateline,
            None,
        ));
        out.dateline = Some(dateline);
        if out.credit.is_none() {
            out.credit = credit;
        }
        first.drain(..cut);
    }
    out.paragraphs.retain(|p| !p.is_empty());
    out
}

struct Line {
    text: String,
    blank_before: bool,
}

fn removed(text: &str, reason: RemovalReason, rule: Option<&str>) -> Removed {
    Removed {
        text: text.to_owned(),
        reason,
        rule: rule.map(str::to_owned),
    }
}

/// NFC, `\r\n`/`\r` to `\n`, control and format characters out, horizontal whitespace
/// (including no-break spaces) collapsed to one space, lines trimmed.
pub fn normalise(raw: &str) -> String {
    // Invisible characters go first, then composition: dropping a zero-width character that
    // sat between a letter and its combining mark must still leave NFC text.
    let collapsed = collapse_whitespace(raw);
    // Almost all text is already NFC: the quick check lets it skip recomposition entirely.
    if unicode_normalization::is_nfc_quick(collapsed.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        collapsed
    } else {
        collapsed.nfc().collect()
    }
}

/// One pass over the bytes: runs of printable ASCII are copied as slices, so ordinary text
/// costs little more than a scan; other characters are decoded one at a time.
fn collapse_whitespace(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x21..0x7f).contains(&b) {
            let run = bytes[i..]
                .iter()
                .position(|b| !(0x21..0x7f).contains(b))
                .map_or(bytes.len(), |n| i + n);
            if pending_space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&text[i..run]);
            i = run;
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        match c {
            '\r' if bytes.get(i) == Some(&b'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                pending_space = false;
            }
            c if c.is_whitespace() => pending_space = true,
            c if is_invisible(c) => {}
            c => {
                if pending_space && !out.is_empty() && !out.ends_with('\n') {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// Controls and zero-width characters carry no text; BOMs inside text are junk.
fn is_invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Case- and whitespace-insensitive equality, for headline repeats.
fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Plain-text header: `[Section]` then a headline, each on its own line.
fn take_header(lines: &mut [&str], out: &mut Cleaned) {
    let mut nonblank = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, _)| i);
    let Some(first) = nonblank.next() else { return };
    let second = nonblank.next();
    let third = nonblank.next();

    if is_section_label(lines[first])
        && let Some(second) = second
        && is_headline(lines[second])
        && third.is_some()
    {
        out.section = Some(lines[first].to_owned());
        out.headline = Some(lines[second].to_owned());
        out.removed
            .push(removed(lines[first], RemovalReason::Section, None));
        out.removed
            .push(removed(lines[second], RemovalReason::Headline, None));
        lines[first] = "";
        lines[second] = "";
    } else if is_headline(lines[first])
        && let Some(second) = second
        // A line the next one continues ("…of the" / "harbour contracts") is a broken
        // sentence, not a headline.
        && !lines[second].starts_with(char::is_lowercase)
        && !unclosed_quote(lines[first])
    {
        out.headline = Some(lines[first].to_owned());
        out.removed
            .push(removed(lines[first], RemovalReason::Headline, None));
        lines[first] = "";
    }
}

/// A one-word label such as "Politics" or "World-news": letters (and inner hyphens), capitalised.
fn is_section_label(line: &str) -> bool {
    let word_chars = line
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '&');
    line.chars().count() <= 30
        && word_chars
        && line.chars().next().is_some_and(char::is_uppercase)
        && boilerplate_rule(line).is_none()
}

/// A short line without final punctuation that is not page furniture or a dateline lede.
fn is_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let last = line.chars().last().unwrap_or('.');
    (2..=30).contains(&words)
        && line.chars().count() <= 200
        && !matches!(last, '.' | ',' | ';' | ':' | '!' | '"' | '”' | '’' | '…')
        && boilerplate_rule(line).is_none()
        && credit_line(line).is_none()
        && byline(line).is_none()
        && dateline(line).is_none()
}

macro_rules! regex {
    ($re:expr) => {{
        static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new($re).expect("valid regex"));
        &*RE
    }};
}

/// The name of the boilerplate rule a whole line matches, if any.
///
/// Rules describe kinds of page furniture, not particular sites: each is anchored to the
/// whole line and limited to short lines so article sentences that mention, say,
/// "advertisement" are never removed.
pub fn boilerplate_rule(line: &str) -> Option<&'static str> {
    if !line.chars().any(char::is_alphanumeric) {
        return Some("lone_symbol");
    }
    // Page furniture is short; the byte test is a cheap first cut before counting words.
    if line.len() > 240 || line.split_whitespace().count() > 16 {
        return None;
    }
    // Patterns are written in lower case and matched against a lower-cased line: cheaper to
    // compile and run than Unicode case-insensitive patterns.
    let line = line.to_lowercase();
    let line = line.as_str();
    let rules: [(&'static str, &Regex); 13] = [
        (
            "ad_label",
            regex!(
                r"^(advertisement|advertising|ad|ads|sponsored( content)?|paid (post|content)|promoted( content)?|partner content|(story|article) continues (below|after (this )?advertisement)( advertisement)?|continue reading (below|the main story)|scroll (down )?to continue( reading)?( with content)?|remove ads)\W*$"
            ),
        ),
        (
            "published_label",
            regex!(
                r"^(published|updated|posted|last updated|first published|date)( on| at)?\s*:?\s*([0-9].{0,40}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d.{0,30}|(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s.{0,40})?$"
            ),
        ),
        (
            "comment_prompt",
            regex!(
                r"^(leave a (reply|comment)|post a comment|add (a|your) comment|comments?( \(\d+\))?|\d+ comments?|(show|view|load|hide|read) (all )?comments|join the (discussion|conversation)|cancel reply|reply|your email address will not be published\..*|required fields are marked.*|you must be (logged|signed) in to (post|leave) a comment.*|comments are closed\.?|be the first to comment.*|what do you think\?)$"
            ),
        ),
        (
            "share_prompt",
            regex!(
                r"^(share|share this( article| story| post| page)?|share (on|via) .{1,30}|tweet( this)?|pin it|email( this)?( article| story)?|print( this)?( article| story| page)?|copy( the)? link|link copied|click to (share|email|print).*|follow us( on .{1,40})?|(facebook|twitter|x|linkedin|whatsapp|telegram|reddit|email)(\s*[|/·•,]\s*(facebook|twitter|x|linkedin|whatsapp|telegram|reddit|email|print))*)\W*$"
            ),
        ),
        (
            "subscribe_prompt",
            regex!(
                r"^(subscribe( now| today| here)?|subscribe (to|for) .{1,60}|sign up( now| here)?|sign up (for|to) .{0,40}newsletter.*|get (our|the) .{0,40}newsletter.*|newsletter( sign-?up)?|register now.*|already a subscriber\?.*|log ?in|sign in|become a member.*|support (our|independent) journalism.*)$"
            ),
        ),
        (
            "mobile_nav",
            regex!(
                r"^(exit mobile version|view (the )?(mobile|desktop|full) (version|site)|skip to (main )?content|skip navigation|back to top|scroll to top|toggle navigation|(open|close) (the )?menu|menu|home|search|close|next (article|story)|previous (article|story)|breadcrumbs?)$"
            ),
        ),
        (
            "engagement_widget",
            regex!(
                r"^(most (engaging|read|popular|viewed|shared|commented|recent)|trending( now| stories| topics)?|related( articles| stories| posts| coverage| content| news| topics)?|you (may|might) (also )?(like|be interested in)|recommended( for you| stories| reading)?|read (more|next|also)|more (stories|news|on this story)|more from .{1,40}|popular (now|stories)|latest (news|stories|posts)|editor'?s picks?|don'?t miss|top stories|must read|(read more|also read|see also|related|recommended|watch|listen)\s*:.*)$"
            ),
        ),
        ("click_prompt", regex!(r"^click here\b.*$")),
        (
            "date_line",
            regex!(
                r"^((mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})([,\s]+(at\s+)?\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?(\s*[a-z]{2,5})?)?$"
            ),
        ),
        (
            "media_credit",
            regex!(
                r"^(\(?(photo|image|picture|video|graphic|illustration)s?( credit| source)?\s*(by|:|,)\s*.{1,80}|(getty images|reuters|ap|afp)( photo)?\s*/\s*.{1,60}|.{1,60}/(getty images|reuters|ap photo|afp)\)?)$"
            ),
        ),
        ("reading_time", regex!(r"^\d+\s*(min|minute)s?( read)?$")),
        (
            "copyright",
            regex!(r"^((©|\(c\)|copyright)\s*.{0,80}|all rights reserved\.?)$"),
        ),
        (
            "tag_list",
            regex!(r"^(tags|topics|filed under|categories)\s*:.*$"),
        ),
    ];
    rules
        .iter()
        .find(|(_, re)| re.is_match(line))
        .map(|(name, _)| *name)
}

/// The date on a "Published on 19 May 2025" or bare "May 19, 2025 at 10:42" line. Lines
/// saying "Updated" give a modification date, not a publication date, and are skipped.
fn printed_date(line: &str) -> Option<String> {
    let label = regex!(r"(?i)^(?:(?:first )?published|posted|date)(?:\s+(?:on|at))?\s*:?\s*");
    if regex!(r"(?i)^(?:last )?updated").is_match(line) {
        return None;
    }
    let date = label.find(line).map_or(line, |m| &line[m.end()..]).trim();
    // Drop a trailing time ("…, 08:30", "… at 10:42 a.m. EST"): the day is what is known.
    let day = regex!(r"(?i)(?:,|\s+at)?\s+\d{1,2}[:.]\d{2}.*$").replace(date, "");
    crate::dates::normalise(&day)
}

/// A byline: "By Clara Hennessy, Local Affairs Reporter" gives "Clara Hennessy, Local
/// Affairs Reporter". Two to four capitalised words after "By", so "By Monday, the …" is prose.
pub fn byline(line: &str) -> Option<String> {
    let by = regex!(
        r"^(?i:by)\s+(\p{Lu}[\p{L}.'’\-]+(?:\s+\p{Lu}[\p{L}.'’\-]+){1,3}(?:\s*(?:,|\band\b|&|\|)\s*[^.!?]{0,80})?)$"
    );
    if line.split_whitespace().count() > 16 {
        return None;
    }
    by.captures(line).map(|caps| caps[1].trim().to_owned())
}

/// The lone words a template leaves when it splits "Published on <date>" over lines.
fn is_label_continuation(line: &str) -> bool {
    regex!(
        r"(?i)^(on|at|by|by:|[0-9].{0,40}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d.{0,30})$"
    )
    .is_match(line)
}

/// A credit line, returning the credited party: "Credit: This story is based on reporting
/// by Reuters." gives "Reuters"; "(Reporting by A; Editing by B)" gives the inner text.
pub fn credit_line(line: &str) -> Option<String> {
    let credited = regex!(
        r"(?i)^(?:credits?|source|sources)\s*:\s*(?:this (?:story|article|report) (?:is|was) based on (?:reporting|a report|reports) (?:by|from)\s+)?(.+?)[.\s]*$"
    );
    let based_on = regex!(
        r"(?i)^this (?:story|article|report) (?:is|was) based on (?:reporting|a report|reports) (?:by|from)\s+(.+?)[.\s]*$"
    );
    let wire_signoff =
        regex!(r"(?i)^\(\s*((?:additional )?(?:reporting|writing|compiled) by .+?)\s*\)\.?$");
    let starts_like_credit = line.starts_with('(')
        || ["credit", "source", "this "].iter().any(|p| {
            line.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
    if !starts_like_credit || line.len() > 400 {
        return None;
    }
    [credited, based_on, wire_signoff]
        .iter()
        .find_map(|re| re.captures(line))
        .map(|caps| caps[1].trim().to_owned())
        .filter(|credit| !credit.is_empty())
}

/// Words that end a line with a colon without being a place.
const NOT_DATELINES: &[&str] = &[
    "update",
    "updated",
    "breaking",
    "breaking news",
    "note",
    "editor's note",
    "exclusive",
    "analysis",
    "opinion",
    "comment",
    "watch",
    "live",
    "photos",
    "video",
    "correction",
    "warning",
    "meanwhile",
    "however",
    "also",
    "summary",
    "background",
    "context",
    "q",
    "a",
    "read more",
    "fact check",
    "explainer",
    "review",
];

/// The dateline opening a lede: "Washington: ", "KYIV (Reuters) - ", "LONDON — ",
/// "WASHINGTON, March 17 (Reuters) - ". Returns the place, the wire credit in parentheses
/// if any, and the byte length to cut from the paragraph.
pub fn dateline(paragraph: &str) -> Option<(String, Option<String>, usize)> {
    // Datelines are short; matching on the head keeps the capture engine's cost (which grows
    // with the haystack) independent of the paragraph's length.
    let head_end = paragraph
        .char_indices()
        .nth(120)
        .map_or(paragraph.len(), |(i, _)| i);
    let paragraph = &paragraph[..head_end];
    // PLACE[, REGION or DATE] (AGENCY) -|–|—
    let with_agency = regex!(
        r"^(\p{Lu}[\p{L}.'’\-]*(?:\s\p{Lu}[\p{L}.'’\-]*){0,3})(?:,\s[\p{L}0-9. ]{1,30})?\s*\(([\p{L}][\p{L} &.\-]{0,30})\)\s*[-–—]+\s+"
    );
    // PLACE: or PLACE — (colon or dash directly after one to four capitalised words)
    let plain = regex!(
        r"^(\p{Lu}[\p{L}.'’\-]*(?:\s\p{Lu}[\p{L}.'’\-]*){0,3}(?:,\s\p{Lu}[\p{L}.]*(?:\s\p{Lu}[\p{L}.]*)?)?)\s*(?::|\s[–—]|\s--)\s+"
    );
    // PLACE - (a plain hyphen only after an all-capitals place, where it cannot be prose)
    let capitals_hyphen = regex!(r"^(\p{Lu}[\p{Lu}.'’\-]*(?:\s\p{Lu}[\p{Lu}.'’\-]*){0,3})\s+-\s+");
    if let Some(caps) = with_agency.captures(paragraph) {
        let end = caps.get(0)?.end();
        return Some((caps[1].to_owned(), Some(caps[2].trim().to_owned()), end));
    }
    let caps = plain
        .captures(paragraph)
        .or_else(|| capitals_hyphen.captures(paragraph))?;
    let place = caps[1].trim();
    let lower = place.to_lowercase();
    let rest = &paragraph[caps.get(0)?.end()..];
    let continues_sentence = rest.chars().next().is_some_and(char::is_alphanumeric)
        || rest.starts_with(['“', '"', '‘', '\'']);
    if NOT_DATELINES.contains(&lower.as_str()) || !continues_sentence {
        return None;
    }
    Some((place.to_owned(), None, caps.get(0)?.end()))
}

/// Joins lines whose break falls inside a sentence or a quotation; other lines become
/// paragraphs of their own.
fn rejoin(lines: Vec<Line>) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        match paragraphs.last_mut() {
            Some(previous) if continues(previous, &line) => {
                if !previous.ends_with(['“', '‘', '(', '[', '-', '/']) {
                    previous.push(' ');
                }
                previous.push_str(&line.text);
            }
            _ => paragraphs.push(line.text),
        }
    }
    paragraphs
}

fn continues(previous: &str, line: &Line) -> bool {
    let Some(first) = line.text.chars().next() else {
        return false;
    };
    let trimmed = previous.trim_end_matches(['”', '’', '"', '\'', ')', ']', '»']);
    if trimmed.ends_with(['.', '!', '?', '…', ':']) {
        return false;
    }
    let opens_quote = previous.ends_with(['“', '‘', '«']);
    let starts_lower = first.is_lowercase();
    if line.blank_before {
        // Across a blank line only an obvious mid-sentence break is joined: multi-paragraph
        // quotes and subheadings keep their own paragraphs.
        return starts_lower || opens_quote;
    }
    starts_lower
        || opens_quote
        || unclosed_quote(previous)
        || trimmed.ends_with([',', ';', '—', '–'])
}

/// True when a line opens more curly double quotes than it closes, or has an odd number of
/// straight double quotes.
fn unclosed_quote(text: &str) -> bool {
    let opens = text.matches('“').count();
    let closes = text.matches('”').count();
    opens > closes || text.matches('"').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(raw: &str) -> Cleaned {
        clean(
            raw,
            CleanOptions {
                detect_header: true,
                known_headline: None,
            },
        )
    }

    #[test]
    fn section_headline_and_published_label() {
        let out = plain(
            "Business\n\nPort workers end strike after pay deal\n\nPublished\n\non\n\nLISBON (Reuters) - Dock workers returned.\n\nAdvertisement\n\nThey said more.\n",
        );
        assert_eq!(out.section.as_deref(), Some("Business"));
        assert_eq!(
            out.headline.as_deref(),
            Some("Port workers end strike after pay deal")
        );
        assert_eq!(out.dateline.as_deref(), Some("LISBON"));
        assert_eq!(out.credit.as_deref(), Some("Reuters"));
        assert_eq!(
            out.paragraphs,
            ["Dock workers returned.", "They said more."]
        );
        let junk: Vec<&str> = out
            .removed
            .iter()
            .filter(|r| r.reason == RemovalReason::Boilerplate)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(junk, ["Published", "on", "Advertisement"]);
    }

    #[test]
    fn first_line_with_final_punctuation_is_not_a_headline() {
        let out = plain("Oslo: The council met on Friday.\nIt voted to build a bridge.\n");
        assert_eq!(out.headline, None);
        assert_eq!(out.dateline.as_deref(), Some("Oslo"));
        assert_eq!(
            out.paragraphs,
            ["The council met on Friday.", "It voted to build a bridge."]
        );
    }

    #[test]
    fn headline_without_blank_line_after_it() {
        let out = plain("Storm closes ferry routes\nThe ferries stopped at dawn.\n");
        assert_eq!(out.headline.as_deref(), Some("Storm closes ferry routes"));
        assert_eq!(out.paragraphs, ["The ferries stopped at dawn."]);
    }

    #[test]
    fn quote_broken_across_lines_is_rejoined() {
        let out = plain(
            "The minister promised “a full review of the\nharbour contracts” by June.\nA new paragraph starts here.\n",
        );
        assert_eq!(
            out.paragraphs,
            [
                "The minister promised “a full review of the harbour contracts” by June.",
                "A new paragraph starts here."
            ]
        );
    }

    #[test]
    fn subheadings_and_multi_paragraph_quotes_stay_apart() {
        let out = plain(
            "First paragraph ends here.\n\nRising Waters\n\n“The river rose fast.\n\n“Then it fell,” she said.\n",
        );
        assert_eq!(
            out.paragraphs,
            [
                "First paragraph ends here.",
                "Rising Waters",
                "“The river rose fast.",
                "“Then it fell,” she said."
            ]
        );
    }

    #[test]
    fn boilerplate_rules_generalise_but_spare_sentences() {
        for junk in [
            "Advertisement",
            "ADVERTISEMENT",
            "Story continues below advertisement",
            "Leave a Reply",
            "Leave a comment",
            "Your email address will not be published. Required fields are marked *",
            "Share this article",
            "Share on Facebook",
            "Facebook | Twitter | Email",
            "Subscribe to our newsletter",
            "Exit mobile version",
            "Most Engaging",
            "Most Read",
            "Read more: Floods hit the valley",
            "•",
            "* * *",
            "Published on 19 May 2025",
            "Updated: 10:42 GMT",
            "Click here to read more",
            "5 min read",
            "© 2025 The Valley Courier. All rights reserved.",
            "Tags: floods, weather",
            "Photo: Jane Doe/Getty Images",
        ] {
            assert!(
                boilerplate_rule(junk).is_some(),
                "{junk:?} should be boilerplate"
            );
        }
        for sentence in [
            "The advertisement ran in four newspapers.",
            "Published reports say the talks failed.",
            "International Pressure Mounts",
            "Share prices fell sharply on Monday after the announcement.",
            "Comments by the minister angered the union.",
            "Politics",
        ] {
            assert_eq!(boilerplate_rule(sentence), None, "{sentence:?} is text");
        }
    }

    #[test]
    fn bylines_and_date_lines_at_the_top() {
        let out = plain(
            "By Clara Hennessy, Local Affairs Reporter\n3 June 2025, 08:30\nThe council voted.\nBy Monday the vote was final.\n",
        );
        assert_eq!(
            out.byline.as_deref(),
            Some("Clara Hennessy, Local Affairs Reporter")
        );
        assert_eq!(
            out.paragraphs,
            ["The council voted.", "By Monday the vote was final."]
        );
        assert_eq!(byline("By Monday, officials had left"), None);
        assert_eq!(
            boilerplate_rule("March 17, 2025 at 10:42 a.m. EST"),
            Some("date_line")
        );
        assert_eq!(boilerplate_rule("17 March 2025 was a Monday"), None);
    }

    #[test]
    fn printed_publication_dates() {
        let out = plain("Published on 19 May 2025\n\nThe council met.\n");
        assert_eq!(out.published.as_deref(), Some("2025-05-19"));
        let out = plain("Storm hits coast\n\nMarch 17, 2025 at 10:42 a.m. EST\n\nThe storm hit.\n");
        assert_eq!(out.published.as_deref(), Some("2025-03-17"));
        assert_eq!(printed_date("Updated 20 May 2025"), None);
        assert_eq!(printed_date("Published"), None);
    }

    #[test]
    fn credit_lines() {
        assert_eq!(
            credit_line("Credit: This story is based on reporting by Reuters.").as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            credit_line("(Reporting by Ana Lima in Lisbon; Editing by Tom Hale)").as_deref(),
            Some("Reporting by Ana Lima in Lisbon; Editing by Tom Hale")
        );
        assert_eq!(
            credit_line("Source: Associated Press").as_deref(),
            Some("Associated Press")
        );
        assert_eq!(
            credit_line("This news, based on Reuters reporting, matters."),
            None
        );
    }

    #[test]
    fn datelines() {
        let cases = [
            ("Washington: U.S. officials met.", Some("Washington")),
            ("KYIV (Reuters) - The city woke.", Some("KYIV")),
            ("NEW YORK — Markets rose.", Some("NEW YORK")),
            ("PORT MERREN - Storm Elin swept in.", Some("PORT MERREN")),
            ("Rock - paper beats it.", None),
            (
                "WASHINGTON, March 17 (Reuters) - Talks began.",
                Some("WASHINGTON"),
            ),
            ("Update: the road is open.", None),
            ("Meanwhile: nothing happened.", None),
            ("The talks ended: no deal.", None),
        ];
        for (text, place) in cases {
            assert_eq!(dateline(text).map(|d| d.0).as_deref(), place, "{text}");
        }
    }

    #[test]
    fn normalise_makes_nfc_and_collapses_spaces() {
        assert_eq!(
            normalise("cafe\u{301}\u{a0} \tau\r\nlait\u{200b}\u{7}"),
            "café au\nlait"
        );
    }
}
